/* cb-diversion-button.c: the header's way to call diversion, and its marker while one is on
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-diversion-button"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-diversion-button.h"
#include "cb-diversion-dialog.h"
#include "cb-diversion-label.h"

struct _CbDiversionButton
{
  GtkWidget  parent_instance;

  CbSession *session;
  CbContact *me;

  /* Template widgets */
  GtkWidget *button;
  GtkLabel  *label;
};

G_DEFINE_FINAL_TYPE (CbDiversionButton, cb_diversion_button, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_DIVERTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (CbDiversionButton *self)
{
  gboolean was_diverted = cb_diversion_button_get_diverted (self);
  gboolean diverted = self->me != NULL && cb_contact_get_diverted (self->me);
  g_autofree char *text = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *tooltip = NULL;

  /* The header is crowded: where every call goes, named beside the
   * diversion's arrow; the tooltip and the accessible name say it in full. */
  if (diverted && cb_contact_get_diversion_unconditional (self->me) != NULL)
    {
      g_autofree char *name = cb_diversion_target_name (self->session,
                                                        cb_contact_get_diversion_unconditional (self->me));

      text = g_strdup (name);
      /* Translators: the user's own calls all go to %s */
      summary = g_strdup_printf (_("Diverted to %s"), name);
    }
  else if (diverted)
    {
      text = g_strdup (_("Diversion on"));
      summary = g_strdup (text);
    }

  gtk_label_set_label (self->label, text != NULL ? text : "");
  /* Whole up to 14 characters: not squeezed to "…" by the title. */
  gtk_label_set_width_chars (self->label, text != NULL ? (int) MIN (g_utf8_strlen (text, -1), 14) : -1);
  gtk_widget_set_visible (GTK_WIDGET (self->label), diverted);
  if (diverted)
    {
      g_autofree char *lines = cb_diversion_describe (self->session, self->me);

      gtk_widget_add_css_class (self->button, "cb-diverted");
      tooltip = g_strdup_printf ("%s\n%s", summary, lines);
    }
  else
    gtk_widget_remove_css_class (self->button, "cb-diverted");
  gtk_widget_set_tooltip_text (self->button, tooltip != NULL ? tooltip : _("Call Diversion"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  summary != NULL ? summary : _("Call Diversion"), -1);

  if (was_diverted != diverted)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIVERTED]);
}

static void
on_me_notify (CbDiversionButton *self)
{
  update (self);
}

static void
set_me (CbDiversionButton *self,
        CbContact         *me)
{
  if (self->me == me)
    return;
  if (self->me != NULL)
    g_signal_handlers_disconnect_by_data (self->me, self);
  g_set_object (&self->me, me);
  if (me != NULL)
    {
      g_signal_connect_object (me, "notify::diverted", G_CALLBACK (on_me_notify), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (me, "notify::diversion-unconditional", G_CALLBACK (on_me_notify),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (me, "notify::diversion-busy", G_CALLBACK (on_me_notify), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (me, "notify::diversion-no-answer", G_CALLBACK (on_me_notify), self,
                               G_CONNECT_SWAPPED);
    }
  update (self);
}

static void
on_store_me (CbDiversionButton *self,
             GParamSpec        *pspec,
             CbClientStore     *store)
{
  set_me (self, cb_client_store_get_me (store));
}

void
cb_diversion_button_set_session (CbDiversionButton *self,
                                 CbSession         *session)
{
  g_return_if_fail (CB_IS_DIVERSION_BUTTON (self));
  g_return_if_fail (session == NULL || CB_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (cb_session_get_store (self->session), self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (cb_session_get_store (session), "notify::me",
                             G_CALLBACK (on_store_me), self, G_CONNECT_SWAPPED);
  set_me (self, session != NULL ? cb_client_store_get_me (cb_session_get_store (session)) : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self), session != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

gboolean
cb_diversion_button_get_diverted (CbDiversionButton *self)
{
  g_return_val_if_fail (CB_IS_DIVERSION_BUTTON (self), FALSE);
  return gtk_widget_get_visible (GTK_WIDGET (self->label));
}

const char *
cb_diversion_button_get_text (CbDiversionButton *self)
{
  g_return_val_if_fail (CB_IS_DIVERSION_BUTTON (self), NULL);
  return gtk_label_get_label (self->label);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CbDiversionButton *self = CB_DIVERSION_BUTTON (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->session == NULL || self->me == NULL)
    return;
  gtk_window_present (GTK_WINDOW (cb_diversion_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                           self->session)));
}

static void
cb_diversion_button_dispose (GObject *object)
{
  CbDiversionButton *self = CB_DIVERSION_BUTTON (object);

  cb_diversion_button_set_session (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_DIVERSION_BUTTON);
  cb_widget_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cb_diversion_button_parent_class)->dispose (object);
}

static void
cb_diversion_button_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CbDiversionButton *self = CB_DIVERSION_BUTTON (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_DIVERTED:
      g_value_set_boolean (value, cb_diversion_button_get_diverted (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_diversion_button_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CbDiversionButton *self = CB_DIVERSION_BUTTON (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      cb_diversion_button_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_diversion_button_class_init (CbDiversionButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_diversion_button_dispose;
  object_class->get_property = cb_diversion_button_get_property;
  object_class->set_property = cb_diversion_button_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIVERTED] =
    g_param_spec_boolean ("diverted", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-diversion-button.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CbDiversionButton, button);
  gtk_widget_class_bind_template_child (widget_class, CbDiversionButton, label);
  gtk_widget_class_install_action (widget_class, "diversion-button.open", NULL, open_action);
}

static void
cb_diversion_button_init (CbDiversionButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
cb_diversion_button_new (void)
{
  return g_object_new (CB_TYPE_DIVERSION_BUTTON, NULL);
}
