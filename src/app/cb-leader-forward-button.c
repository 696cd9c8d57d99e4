/* cb-leader-forward-button.c: an assistant's "Forward to <leader>", now or after consultation, on a call card
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-leader-forward-button"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-leader-forward-button.h"

struct _CbLeaderForwardButton
{
  GtkWidget      parent_instance;

  CbCall        *call;
  CbSoftphone   *softphone;
  CbCallAs      *call_as;

  /* Template widgets */
  GtkMenuButton *menu_button;
  GtkLabel      *label;
  GMenu         *menu;
};

G_DEFINE_FINAL_TYPE (CbLeaderForwardButton, cb_leader_forward_button, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CALL,
  PROP_SOFTPHONE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The leaders to offer: the one the call is for first, then the others
 * the user assists now (the CbCallAs's identities after the user). */
static GPtrArray *
leaders (CbLeaderForwardButton *self)
{
  GPtrArray *leaders = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *identities;
  gint64 for_id;
  guint n;

  if (self->call_as == NULL || self->call == NULL)
    return leaders;
  identities = cb_call_as_get_identities (self->call_as);
  n = g_list_model_get_n_items (identities);
  for_id = cb_call_get_for_user_id (self->call);
  for (guint i = 1; i < n; i++)
    {
      CbContact *leader = g_list_model_get_item (identities, i);
      const char *extension = cb_contact_get_extension (leader);

      /* Not to whom the user is talking already, nor to nowhere. */
      if (extension == NULL || *extension == '\0' || leader == cb_call_get_contact (self->call) ||
          g_strcmp0 (extension, cb_call_get_remote_number (self->call)) == 0)
        g_object_unref (leader);
      else if (cb_contact_get_id (leader) == for_id)
        g_ptr_array_insert (leaders, 0, leader);
      else
        g_ptr_array_add (leaders, leader);
    }
  return leaders;
}

static void
add_items (GMenu      *menu,
           CbContact  *leader)
{
  const char *extension = cb_contact_get_extension (leader);
  g_autoptr(GMenuItem) now = g_menu_item_new (_("Forward Now"), NULL);
  g_autoptr(GMenuItem) consult = g_menu_item_new (_("Forward after Consultation"), NULL);

  g_menu_item_set_action_and_target_value (now, "call.forward", g_variant_new_string (extension));
  g_menu_item_set_action_and_target_value (consult, "call.consult", g_variant_new_string (extension));
  g_menu_append_item (menu, now);
  g_menu_append_item (menu, consult);
}

static void
update (CbLeaderForwardButton *self)
{
  g_autoptr(GPtrArray) offered = leaders (self);
  CbCallState state = self->call != NULL ? cb_call_get_state (self->call) : CB_CALL_STATE_ENDED;
  gboolean live = state == CB_CALL_STATE_CONNECTED || state == CB_CALL_STATE_HELD;
  gboolean shown = live && offered->len > 0 && cb_call_get_partner (self->call) == NULL;

  g_menu_remove_all (self->menu);
  gtk_widget_set_visible (GTK_WIDGET (self), shown);
  if (!shown)
    return;

  if (offered->len == 1)
    {
      CbContact *leader = g_ptr_array_index (offered, 0);
      g_autofree char *text = g_strdup_printf (_("To %s"), cb_contact_get_display_name (leader));
      g_autofree char *tooltip = g_strdup_printf (_("Forward the call to %s"),
                                                  cb_contact_get_display_name (leader));

      gtk_label_set_label (self->label, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->menu_button), tooltip);
      add_items (self->menu, leader);
      return;
    }

  gtk_label_set_label (self->label, _("To Leader"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->menu_button), _("Forward the call to a person you assist"));
  for (guint i = 0; i < offered->len; i++)
    {
      CbContact *leader = g_ptr_array_index (offered, i);
      g_autoptr(GMenu) section = g_menu_new ();

      add_items (section, leader);
      g_menu_append_section (self->menu, cb_contact_get_display_name (leader), G_MENU_MODEL (section));
    }
}

static void
on_changed (CbLeaderForwardButton *self)
{
  update (self);
}

static void
on_call_notify (CbLeaderForwardButton *self,
                GParamSpec            *pspec,
                CbCall                *call)
{
  /* The duration ticks each second: nothing here depends on it. */
  if (!g_str_equal (g_param_spec_get_name (pspec), "duration"))
    update (self);
}

static void
set_call (CbLeaderForwardButton *self,
          CbCall                *call)
{
  if (self->call == call)
    return;
  if (self->call != NULL)
    g_signal_handlers_disconnect_by_data (self->call, self);
  g_set_object (&self->call, call);
  if (call != NULL)
    g_signal_connect_object (call, "notify", G_CALLBACK (on_call_notify), self, G_CONNECT_SWAPPED);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CALL]);
}

static void
set_softphone (CbLeaderForwardButton *self,
               CbSoftphone           *softphone)
{
  if (self->softphone == softphone)
    return;
  if (self->call_as != NULL)
    g_signal_handlers_disconnect_by_data (cb_call_as_get_identities (self->call_as), self);
  g_clear_object (&self->call_as);
  g_set_object (&self->softphone, softphone);
  if (softphone != NULL)
    {
      self->call_as = g_object_ref (cb_softphone_get_call_as (softphone));
      g_signal_connect_object (cb_call_as_get_identities (self->call_as), "items-changed",
                               G_CALLBACK (on_changed), self, G_CONNECT_SWAPPED);
    }
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOFTPHONE]);
}

GMenuModel *
cb_leader_forward_button_get_menu (CbLeaderForwardButton *self)
{
  g_return_val_if_fail (CB_IS_LEADER_FORWARD_BUTTON (self), NULL);
  return G_MENU_MODEL (self->menu);
}

static void
cb_leader_forward_button_dispose (GObject *object)
{
  CbLeaderForwardButton *self = CB_LEADER_FORWARD_BUTTON (object);

  if (self->call != NULL)
    g_signal_handlers_disconnect_by_data (self->call, self);
  g_clear_object (&self->call);
  if (self->call_as != NULL)
    g_signal_handlers_disconnect_by_data (cb_call_as_get_identities (self->call_as), self);
  g_clear_object (&self->call_as);
  g_clear_object (&self->softphone);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_LEADER_FORWARD_BUTTON);
  cb_widget_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cb_leader_forward_button_parent_class)->dispose (object);
}

static void
cb_leader_forward_button_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  CbLeaderForwardButton *self = CB_LEADER_FORWARD_BUTTON (object);

  switch (prop_id)
    {
    case PROP_CALL:
      g_value_set_object (value, self->call);
      break;
    case PROP_SOFTPHONE:
      g_value_set_object (value, self->softphone);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_leader_forward_button_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  CbLeaderForwardButton *self = CB_LEADER_FORWARD_BUTTON (object);

  switch (prop_id)
    {
    case PROP_CALL:
      set_call (self, g_value_get_object (value));
      break;
    case PROP_SOFTPHONE:
      set_softphone (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_leader_forward_button_class_init (CbLeaderForwardButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = cb_leader_forward_button_dispose;
  object_class->get_property = cb_leader_forward_button_get_property;
  object_class->set_property = cb_leader_forward_button_set_property;

  properties[PROP_CALL] = g_param_spec_object ("call", NULL, NULL, CB_TYPE_CALL, rw);
  properties[PROP_SOFTPHONE] = g_param_spec_object ("softphone", NULL, NULL, CB_TYPE_SOFTPHONE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-leader-forward-button.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CbLeaderForwardButton, menu_button);
  gtk_widget_class_bind_template_child (widget_class, CbLeaderForwardButton, label);
  gtk_widget_class_bind_template_child (widget_class, CbLeaderForwardButton, menu);
}

static void
cb_leader_forward_button_init (CbLeaderForwardButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
cb_leader_forward_button_new (void)
{
  return g_object_new (CB_TYPE_LEADER_FORWARD_BUTTON, NULL);
}
