/* cb-group-row.c: a hunt group: number, strategy, my login switch, members
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The switch uses GtkSwitch's delayed state: flipping it only asks the
 * server; its "state" follows the group's logged-in property, which changes
 * when the server's group-login event reaches the store. Until then the
 * switch shows the pending position.
 */

#define G_LOG_DOMAIN "cb-group-row"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-enum-labels.h"
#include "cb-group-row.h"
#include "cb-member-row.h"

struct _CbGroupRow
{
  GtkWidget     parent_instance;

  CbGroup      *group;
  CbSession    *session;
  GCancellable *cancellable;

  /* Template widgets */
  GtkLabel     *name_label;
  GtkLabel     *details_label;
  GtkLabel     *count_label;
  AdwActionRow *login_row;
  GtkSwitch    *login_switch;
  GtkListBox   *login_list;
  GtkListBox   *members_list;
  GtkWidget    *members_header;
};

G_DEFINE_FINAL_TYPE (CbGroupRow, cb_group_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_GROUP,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_header (CbGroupRow *self)
{
  GListModel *members = cb_group_get_members (self->group);
  guint n_members = members ? g_list_model_get_n_items (members) : 0;
  g_autofree char *details = NULL;
  g_autofree char *count = NULL;
  const char *number = cb_group_get_number (self->group);

  gtk_label_set_label (self->name_label, cb_group_get_name (self->group));

  if (number != NULL && *number != '\0')
    details = g_strdup_printf (_("Number %s · %s"), number,
                               cb_ring_strategy_get_label (cb_group_get_strategy (self->group)));
  else
    details = g_strdup (cb_ring_strategy_get_label (cb_group_get_strategy (self->group)));
  gtk_label_set_label (self->details_label, details);

  count = g_strdup_printf (ngettext ("%u of %u member logged in",
                                      "%u of %u members logged in",
                                      n_members),
                           cb_group_get_logged_in_count (self->group), n_members);
  gtk_label_set_label (self->count_label, count);

  gtk_widget_set_visible (GTK_WIDGET (self->login_list), cb_group_get_is_member (self->group));
  gtk_widget_set_visible (self->members_header, n_members > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->members_list), n_members > 0);

  if (cb_group_get_logged_in (self->group))
    adw_action_row_set_subtitle (self->login_row, _("You receive this group's calls"));
  else
    adw_action_row_set_subtitle (self->login_row, _("You do not receive this group's calls"));
}

static void
on_group_notify (CbGroupRow *self,
                 GParamSpec *pspec,
                 CbGroup    *group)
{
  update_header (self);
}

static void
on_members_changed (CbGroupRow *self,
                    guint       position,
                    guint       removed,
                    guint       added,
                    GListModel *model)
{
  update_header (self);
}

static GtkWidget *
create_member_row (gpointer item,
                   gpointer user_data)
{
  return cb_member_row_new (CB_GROUP_MEMBER (item));
}

static void
on_login_set (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CbGroupRow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;

  answer = cb_session_request_finish (CB_SESSION (object), result, &error);
  if (error == NULL)
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_debug ("Changing the login of group %s failed: %s",
           cb_group_get_name (self->group), error->message);

  {
    g_autofree char *reason = cb_describe_error (error);
    g_autofree char *message = g_strdup_printf (_("Could not change your login to %s: %s"),
                                                cb_group_get_name (self->group), reason);

    cb_widget_show_toast (GTK_WIDGET (self), message);
  }

  /* Back to what the server says; the value matches, so no new request. */
  gtk_switch_set_active (self->login_switch, cb_group_get_logged_in (self->group));
}

static gboolean
on_switch_state_set (GtkSwitch  *sw,
                     gboolean    state,
                     CbGroupRow *self)
{
  /* The store caught up (or a revert): let the switch show it. */
  if (state == cb_group_get_logged_in (self->group))
    return FALSE;

  if (self->session == NULL)
    return TRUE;

  g_debug ("Asking to %s group %s", state ? "log into" : "log out of",
           cb_group_get_name (self->group));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  cb_session_set_group_login_async (self->session,
                                    cb_group_get_id (self->group),
                                    state,
                                    self->cancellable,
                                    on_login_set,
                                    g_object_ref (self));

  /* Handled: the state moves only when the server's event arrives. */
  return TRUE;
}

CbGroup *
cb_group_row_get_group (CbGroupRow *self)
{
  g_return_val_if_fail (CB_IS_GROUP_ROW (self), NULL);

  return self->group;
}

GtkSwitch *
cb_group_row_get_login_switch (CbGroupRow *self)
{
  g_return_val_if_fail (CB_IS_GROUP_ROW (self), NULL);

  return self->login_switch;
}

static void
cb_group_row_constructed (GObject *object)
{
  CbGroupRow *self = CB_GROUP_ROW (object);
  GListModel *members;

  G_OBJECT_CLASS (cb_group_row_parent_class)->constructed (object);

  g_return_if_fail (self->group != NULL);

  members = cb_group_get_members (self->group);
  gtk_list_box_bind_model (self->members_list, members, create_member_row, NULL, NULL);

  g_object_bind_property (self->group, "logged-in",
                          self->login_switch, "state",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->group, "notify",
                           G_CALLBACK (on_group_notify), self,
                           G_CONNECT_SWAPPED);
  if (members != NULL)
    g_signal_connect_object (members, "items-changed",
                             G_CALLBACK (on_members_changed), self,
                             G_CONNECT_SWAPPED);

  update_header (self);
}

static void
cb_group_row_dispose (GObject *object)
{
  CbGroupRow *self = CB_GROUP_ROW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_GROUP_ROW);
  cb_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->group);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (cb_group_row_parent_class)->dispose (object);
}

static void
cb_group_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CbGroupRow *self = CB_GROUP_ROW (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      g_value_set_object (value, self->group);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_group_row_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  CbGroupRow *self = CB_GROUP_ROW (object);

  switch (prop_id)
    {
    case PROP_GROUP:
      self->group = g_value_dup_object (value);
      break;
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_group_row_class_init (CbGroupRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cb_group_row_constructed;
  object_class->dispose = cb_group_row_dispose;
  object_class->get_property = cb_group_row_get_property;
  object_class->set_property = cb_group_row_set_property;

  properties[PROP_GROUP] =
    g_param_spec_object ("group", NULL, NULL,
                         CB_TYPE_GROUP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         CB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-group-row.ui");
  gtk_widget_class_set_css_name (widget_class, "cb-group-row");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, details_label);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, count_label);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, login_row);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, login_switch);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, login_list);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, members_list);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, members_header);
  gtk_widget_class_bind_template_callback (widget_class, on_switch_state_set);
}

static void
cb_group_row_init (CbGroupRow *self)
{
  GtkLayoutManager *layout;

  gtk_widget_init_template (GTK_WIDGET (self));

  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 12);
}

GtkWidget *
cb_group_row_new (CbSession *session,
                  CbGroup   *group)
{
  g_return_val_if_fail (CB_IS_GROUP (group), NULL);

  return g_object_new (CB_TYPE_GROUP_ROW,
                       "session", session,
                       "group", group,
                       NULL);
}
