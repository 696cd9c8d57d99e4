/* cb-diversion-label.c: "Diverted to …" beside a colleague whose calls go elsewhere
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-diversion-label"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-diversion-label.h"

struct _CbDiversionLabel
{
  GtkWidget  parent_instance;

  CbContact *contact;
  CbSession *session;
  gboolean   compact;

  GtkWidget *box;
  GtkLabel  *label;
};

G_DEFINE_FINAL_TYPE (CbDiversionLabel, cb_diversion_label, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTACT,
  PROP_SESSION,
  PROP_COMPACT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
cb_diversion_target_name (CbSession  *session,
                          const char *number)
{
  CbClientStore *store;
  CbContact *contact;
  GListModel *groups;

  g_return_val_if_fail (number != NULL, NULL);

  if (session == NULL)
    return g_strdup (number);
  store = cb_session_get_store (session);
  contact = cb_client_store_lookup_number (store, number);
  if (contact != NULL)
    return g_strdup (cb_contact_get_display_name (contact));

  groups = cb_client_store_get_groups (store);
  for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
    {
      g_autoptr(CbGroup) group = g_list_model_get_item (groups, i);

      if (g_strcmp0 (cb_group_get_number (group), number) == 0)
        return g_strdup (cb_group_get_name (group));
    }
  return g_strdup (number);
}

char *
cb_diversion_describe (CbSession *session,
                       CbContact *contact)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  const char *unconditional;
  const char *busy;
  const char *no_answer;

  g_return_val_if_fail (CB_IS_CONTACT (contact), NULL);

  unconditional = cb_contact_get_diversion_unconditional (contact);
  busy = cb_contact_get_diversion_busy (contact);
  no_answer = cb_contact_get_diversion_no_answer (contact);
  if (unconditional != NULL)
    {
      g_autofree char *name = cb_diversion_target_name (session, unconditional);

      /* Translators: %s is whom every call goes to */
      g_ptr_array_add (lines, g_strdup_printf (_("All calls: %s"), name));
    }
  if (busy != NULL)
    {
      g_autofree char *name = cb_diversion_target_name (session, busy);

      /* Translators: %s is whom calls go to while the user is in a call */
      g_ptr_array_add (lines, g_strdup_printf (_("When busy: %s"), name));
    }
  if (no_answer != NULL)
    {
      g_autofree char *name = cb_diversion_target_name (session, no_answer);
      guint after = cb_contact_get_diversion_no_answer_after (contact);

      /* Translators: %s is whom unanswered calls go to, %u seconds */
      g_ptr_array_add (lines, g_strdup_printf (ngettext ("Not answered within %u second: %s",
                                                         "Not answered within %u seconds: %s", after),
                                               after, name));
    }
  if (lines->len == 0)
    return NULL;
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **) lines->pdata);
}

static void
update (CbDiversionLabel *self)
{
  const char *unconditional = self->contact != NULL
                              ? cb_contact_get_diversion_unconditional (self->contact) : NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self), unconditional != NULL);
  if (unconditional == NULL)
    {
      gtk_label_set_label (self->label, "");
      return;
    }

  name = cb_diversion_target_name (self->session, unconditional);
  if (self->compact)
    /* Translators: a colleague's calls go to %s (where there is little room) */
    text = g_strdup_printf (_("→ %s"), name);
  else
    /* Translators: a colleague's calls go to %s */
    text = g_strdup_printf (_("Diverted to %s"), name);
  gtk_label_set_label (self->label, text);
  tooltip = cb_diversion_describe (self->session, self->contact);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
}

static void
on_contact_notify (CbDiversionLabel *self,
                   GParamSpec       *pspec,
                   CbContact        *contact)
{
  update (self);
}

void
cb_diversion_label_set_contact (CbDiversionLabel *self,
                                CbContact        *contact)
{
  g_return_if_fail (CB_IS_DIVERSION_LABEL (self));
  g_return_if_fail (contact == NULL || CB_IS_CONTACT (contact));

  if (self->contact == contact)
    return;
  if (self->contact != NULL)
    g_signal_handlers_disconnect_by_data (self->contact, self);
  g_set_object (&self->contact, contact);
  if (contact != NULL)
    {
      g_signal_connect_object (contact, "notify::diverted", G_CALLBACK (on_contact_notify), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (contact, "notify::diversion-unconditional",
                               G_CALLBACK (on_contact_notify), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (contact, "notify::diversion-busy",
                               G_CALLBACK (on_contact_notify), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (contact, "notify::diversion-no-answer",
                               G_CALLBACK (on_contact_notify), self, G_CONNECT_SWAPPED);
    }
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTACT]);
}

void
cb_diversion_label_set_session (CbDiversionLabel *self,
                                CbSession        *session)
{
  g_return_if_fail (CB_IS_DIVERSION_LABEL (self));
  g_return_if_fail (session == NULL || CB_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

const char *
cb_diversion_label_get_text (CbDiversionLabel *self)
{
  g_return_val_if_fail (CB_IS_DIVERSION_LABEL (self), NULL);
  return gtk_label_get_label (self->label);
}

static void
cb_diversion_label_dispose (GObject *object)
{
  CbDiversionLabel *self = CB_DIVERSION_LABEL (object);

  if (self->contact != NULL)
    g_signal_handlers_disconnect_by_data (self->contact, self);
  g_clear_object (&self->contact);
  g_clear_object (&self->session);
  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (cb_diversion_label_parent_class)->dispose (object);
}

static void
cb_diversion_label_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CbDiversionLabel *self = CB_DIVERSION_LABEL (object);

  switch (prop_id)
    {
    case PROP_CONTACT:
      g_value_set_object (value, self->contact);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_COMPACT:
      g_value_set_boolean (value, self->compact);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_diversion_label_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CbDiversionLabel *self = CB_DIVERSION_LABEL (object);

  switch (prop_id)
    {
    case PROP_CONTACT:
      cb_diversion_label_set_contact (self, g_value_get_object (value));
      break;
    case PROP_SESSION:
      cb_diversion_label_set_session (self, g_value_get_object (value));
      break;
    case PROP_COMPACT:
      if (self->compact != g_value_get_boolean (value))
        {
          self->compact = g_value_get_boolean (value);
          update (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_diversion_label_class_init (CbDiversionLabelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = cb_diversion_label_dispose;
  object_class->get_property = cb_diversion_label_get_property;
  object_class->set_property = cb_diversion_label_set_property;

  properties[PROP_CONTACT] = g_param_spec_object ("contact", NULL, NULL, CB_TYPE_CONTACT, rw);
  properties[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, CB_TYPE_SESSION, rw);
  properties[PROP_COMPACT] = g_param_spec_boolean ("compact", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "cb-diversion-label");
}

static void
cb_diversion_label_init (CbDiversionLabel *self)
{
  GtkWidget *icon = gtk_image_new_from_icon_name ("cb-call-divert-symbolic");

  /* Small enough to build in code: an icon and a label. */
  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->label, 0);
  gtk_label_set_ellipsize (self->label, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "caption");
  gtk_box_append (GTK_BOX (self->box), icon);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->label));
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
cb_diversion_label_new (void)
{
  return g_object_new (CB_TYPE_DIVERSION_LABEL, NULL);
}
