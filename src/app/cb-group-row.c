/* cb-group-row.c: a hunt or assistant group: number, strategy, my login switch, the call filter, members
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The switch uses GtkSwitch's delayed state: flipping it only asks the
 * server; its "state" follows the group's logged-in property, which changes
 * when the server's group-login event reaches the store. Until then the
 * switch shows the pending position.
 *
 * A queue shows its callers waiting and how long the longest has waited,
 * counted here each second from the server's oldest_waiting_since. The
 * leader, deputy and administrators move members up and down; the new
 * order shows when the server's group event says so.
 *
 * An assistant group shows its assistants' logins and the leader's call
 * filter: which of the leader's calls ring at the logged-in assistants
 * and when. The leader changes all of it; a logged-in assistant only
 * switches it on and off (the server refuses the rest). Like the login,
 * each control asks the server and shows what the group event brings.
 */

#define G_LOG_DOMAIN "cb-group-row"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-call-row.h"
#include "cb-colleague-widget.h"
#include "cb-enum-labels.h"
#include "cb-group-row.h"
#include "cb-member-row.h"

struct _CbGroupRow
{
  GtkWidget     parent_instance;

  CbGroup      *group;
  CbSession    *session;
  GCancellable *cancellable;
  GCancellable *order_cancellable;
  guint         queue_tick;

  /* Template widgets */
  GtkLabel     *name_label;
  GtkLabel     *details_label;
  GtkLabel     *queue_label;
  GtkLabel     *count_label;
  AdwActionRow *login_row;
  GtkSwitch    *login_switch;
  GtkListBox   *login_list;
  GtkListBox   *members_list;
  GtkLabel     *members_header;
  GtkWidget    *filter_list;
  AdwActionRow *filter_row;
  GtkSwitch    *filter_switch;
  AdwComboRow  *strategy_row;
  AdwActionRow *delay_row;
  GtkSpinButton *delay_spin;

  GCancellable *filter_cancellable;
  /* Set while the filter's controls are moved to the group's values. */
  gboolean      syncing_filter;
};

G_DEFINE_FINAL_TYPE (CbGroupRow, cb_group_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_GROUP,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_assistant_group (CbGroupRow *self)
{
  return cb_group_get_kind (self->group) == CB_GROUP_KIND_ASSISTANT;
}

static CbContact *
me_of (CbGroupRow *self)
{
  return self->session != NULL ? cb_client_store_get_me (cb_session_get_store (self->session)) : NULL;
}

/* The leader's name, or a word for them when the viewer cannot see them. */
static const char *
leader_name (CbGroupRow *self)
{
  CbContact *leader = cb_group_get_leader (self->group);

  return leader != NULL ? cb_contact_get_display_name (leader) : _("the person you assist");
}

static gboolean
is_leader (CbGroupRow *self)
{
  CbContact *me = me_of (self);

  return me != NULL && cb_group_get_leader (self->group) == me;
}

static const char *
filter_label (CbAssistantFilter filter)
{
  switch (filter)
    {
    case CB_ASSISTANT_FILTER_LEADER_ONLY:
      return _("Leader Only");
    case CB_ASSISTANT_FILTER_ASSISTANTS_ONLY:
      return _("Assistants Only");
    case CB_ASSISTANT_FILTER_ASSISTANTS_FIRST:
      return _("Assistants First");
    case CB_ASSISTANT_FILTER_LEADER_FIRST:
      return _("Leader First");
    case CB_ASSISTANT_FILTER_ALL:
    default:
      return _("All at Once");
    }
}

/* What the filter does, in a sentence with the leader's name. */
static char *
filter_description (CbGroupRow *self)
{
  const char *leader = leader_name (self);
  guint delay = cb_group_get_filter_delay (self->group);

  if (!cb_group_get_filter_enabled (self->group))
    /* Translators: %s is the person the assistants assist */
    return g_strdup_printf (_("Off: calls for %s ring only there"), leader);
  switch (cb_group_get_filter (self->group))
    {
    case CB_ASSISTANT_FILTER_LEADER_ONLY:
      return g_strdup_printf (_("On: calls for %s ring only there"), leader);
    case CB_ASSISTANT_FILTER_ASSISTANTS_ONLY:
      return g_strdup_printf (_("On: calls for %s ring only at the assistants"), leader);
    case CB_ASSISTANT_FILTER_ASSISTANTS_FIRST:
      /* Translators: %s is the person assisted, %u seconds */
      return g_strdup_printf (ngettext ("On: the assistants first, %s too after %u second",
                                        "On: the assistants first, %s too after %u seconds", delay),
                              leader, delay);
    case CB_ASSISTANT_FILTER_LEADER_FIRST:
      return g_strdup_printf (ngettext ("On: %s first, the assistants too after %u second",
                                        "On: %s first, the assistants too after %u seconds", delay),
                              leader, delay);
    case CB_ASSISTANT_FILTER_ALL:
    default:
      return g_strdup_printf (_("On: %s and the assistants at once"), leader);
    }
}

static gboolean
filter_has_delay (CbAssistantFilter filter)
{
  return filter == CB_ASSISTANT_FILTER_ASSISTANTS_FIRST || filter == CB_ASSISTANT_FILTER_LEADER_FIRST;
}

/* The filter's controls show the group; only who may change a part can. */
static void
update_filter (CbGroupRow *self)
{
  gboolean assistant = is_assistant_group (self);
  gboolean leader = assistant && is_leader (self);
  gboolean may_switch = leader || (assistant && cb_group_get_logged_in (self->group));
  CbAssistantFilter filter = cb_group_get_filter (self->group);
  g_autofree char *subtitle = NULL;

  gtk_widget_set_visible (self->filter_list, assistant);
  if (!assistant)
    return;

  self->syncing_filter = TRUE;
  gtk_switch_set_state (self->filter_switch, cb_group_get_filter_enabled (self->group));
  gtk_switch_set_active (self->filter_switch, cb_group_get_filter_enabled (self->group));
  adw_combo_row_set_selected (self->strategy_row, filter);
  gtk_spin_button_set_value (self->delay_spin, cb_group_get_filter_delay (self->group));
  self->syncing_filter = FALSE;

  subtitle = filter_description (self);
  adw_action_row_set_subtitle (self->filter_row, subtitle);

  gtk_widget_set_sensitive (GTK_WIDGET (self->filter_switch), may_switch);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->filter_switch),
                               may_switch ? NULL : _("Log in to switch the filter"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->strategy_row), leader);
  gtk_widget_set_sensitive (GTK_WIDGET (self->delay_row), leader);
  gtk_widget_set_visible (GTK_WIDGET (self->delay_row), filter_has_delay (filter));
}

static void
update_assistant_header (CbGroupRow *self,
                         guint       n_members)
{
  g_autofree char *details = NULL;
  g_autofree char *count = NULL;
  g_autoptr(GString) subtitle = g_string_new (NULL);

  /* Translators: %s is the person the group's assistants assist */
  details = g_strdup_printf (_("Assistants of %s"), leader_name (self));
  gtk_label_set_label (self->details_label, details);
  /* Translators: how many of the group's assistants are in it now */
  count = g_strdup_printf (ngettext ("%u of %u assistant in",
                                     "%u of %u assistants in",
                                     n_members),
                           cb_group_get_logged_in_count (self->group), n_members);
  gtk_label_set_label (self->count_label, count);
  gtk_label_set_label (self->members_header, _("Assistants"));

  gtk_widget_set_visible (GTK_WIDGET (self->login_list), cb_group_get_is_member (self->group));
  gtk_widget_set_visible (GTK_WIDGET (self->members_header), n_members > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->members_list), n_members > 0);

  if (cb_group_get_logged_in (self->group))
    /* Translators: %s is the person the user assists */
    g_string_printf (subtitle, _("You take calls for %s and may call as them"), leader_name (self));
  else
    g_string_printf (subtitle, _("You do not take calls for %s"), leader_name (self));
  if (cb_group_get_logged_in (self->group) && !cb_group_get_logout_allowed (self->group))
    g_string_append_printf (subtitle, "\n%s", _("Your administrator does not allow logging out."));
  adw_action_row_set_subtitle (self->login_row, subtitle->str);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->login_switch),
                               _("Log in to take calls for the person you assist"));
  update_filter (self);
}

/* A sequential hunt group rings its members in their order; a parallel
 * one rings them all at once, and a queue has its own order of agents. */
static gboolean
rings_in_order (CbGroupRow *self)
{
  return cb_group_get_kind (self->group) == CB_GROUP_KIND_HUNT &&
         cb_group_get_strategy (self->group) == CB_RING_STRATEGY_SEQUENTIAL;
}

static void
update_header (CbGroupRow *self)
{
  GListModel *members = cb_group_get_members (self->group);
  guint n_members = members ? g_list_model_get_n_items (members) : 0;
  g_autofree char *details = NULL;
  g_autofree char *strategy = NULL;
  g_autofree char *count = NULL;
  const char *number = cb_group_get_number (self->group);

  gtk_label_set_label (self->name_label, cb_group_get_name (self->group));

  if (is_assistant_group (self))
    {
      update_assistant_header (self, n_members);
      return;
    }

  if (cb_group_get_strategy (self->group) == CB_RING_STRATEGY_QUEUE &&
      cb_group_get_queue_order (self->group) != NULL)
    /* Translators: "Call queue, offered to the longest idle agent" */
    strategy = g_strdup_printf (_("%s, %s"), cb_ring_strategy_get_label (cb_group_get_strategy (self->group)),
                                cb_queue_order_get_label (cb_group_get_queue_order (self->group)));
  else
    strategy = g_strdup (cb_ring_strategy_get_label (cb_group_get_strategy (self->group)));
  if (number != NULL && *number != '\0')
    details = g_strdup_printf (_("Number %s · %s"), number, strategy);
  else
    details = g_steal_pointer (&strategy);
  gtk_label_set_label (self->details_label, details);

  /* Translators: how many of the group's members are in it now (take its calls) */
  count = g_strdup_printf (ngettext ("%u of %u member in",
                                      "%u of %u members in",
                                      n_members),
                           cb_group_get_logged_in_count (self->group), n_members);
  gtk_label_set_label (self->count_label, count);

  gtk_widget_set_visible (GTK_WIDGET (self->login_list), cb_group_get_is_member (self->group));
  /* The order is the ringing order only where members ring one by one. */
  gtk_label_set_label (self->members_header, rings_in_order (self) ? _("Members in Ringing Order")
                                                                    : _("Members"));
  gtk_widget_set_visible (GTK_WIDGET (self->members_header), n_members > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->members_list), n_members > 0);

  if (cb_group_get_logged_in (self->group))
    adw_action_row_set_subtitle (self->login_row, _("You receive this group's calls"));
  else
    adw_action_row_set_subtitle (self->login_row, _("You do not receive this group's calls"));
}

/* --- the queue --- */

static void
update_queue (CbGroupRow *self)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;
  guint waiting = cb_group_get_queue_waiting (self->group);
  gint64 since = cb_group_get_queue_oldest_waiting_since (self->group);
  gboolean queue = cb_group_get_strategy (self->group) == CB_RING_STRATEGY_QUEUE;

  gtk_widget_set_visible (GTK_WIDGET (self->queue_label), queue);
  if (!queue)
    return;

  if (waiting == 0)
    g_ptr_array_add (parts, g_strdup (_("Nobody waiting")));
  else
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u caller waiting", "%u callers waiting", waiting),
                                             waiting));
  if (waiting > 0 && since > 0)
    {
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;
      g_autofree char *wait = cb_format_duration ((guint) CLAMP (now - since, 0, G_MAXUINT));

      /* Translators: %s is a duration like 1:05 */
      g_ptr_array_add (parts, g_strdup_printf (_("longest %s"), wait));
    }
  g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u answered", "%u answered",
                                                     cb_group_get_queue_answered (self->group)),
                                           cb_group_get_queue_answered (self->group)));
  g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u abandoned", "%u abandoned",
                                                     cb_group_get_queue_abandoned (self->group)),
                                           cb_group_get_queue_abandoned (self->group)));
  /* Wrap between the parts only, never inside "0 abandoned". */
  for (guint i = 0; i < parts->len; i++)
    {
      g_auto(GStrv) words = g_strsplit (g_ptr_array_index (parts, i), " ", -1);

      g_free (g_ptr_array_index (parts, i));
      g_ptr_array_index (parts, i) = g_strjoinv ("\u00a0", words);
    }
  g_ptr_array_add (parts, NULL);
  text = g_strjoinv (" · ", (char **) parts->pdata);
  gtk_label_set_label (self->queue_label, text);
  if (waiting > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->queue_label), "waiting");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->queue_label), "waiting");
}

static gboolean
on_queue_tick (gpointer user_data)
{
  update_queue (user_data);
  return G_SOURCE_CONTINUE;
}

/* The longest wait counts up by itself while anyone waits. */
static void
update_queue_tick (CbGroupRow *self)
{
  gboolean ticking = cb_group_get_strategy (self->group) == CB_RING_STRATEGY_QUEUE &&
                     cb_group_get_queue_waiting (self->group) > 0 &&
                     cb_group_get_queue_oldest_waiting_since (self->group) > 0;

  if (ticking && self->queue_tick == 0)
    self->queue_tick = g_timeout_add_seconds (1, on_queue_tick, self);
  else if (!ticking)
    g_clear_handle_id (&self->queue_tick, g_source_remove);
  update_queue (self);
}

/* --- reordering --- */

static gboolean
may_reorder (CbGroupRow *self)
{
  CbContact *me;

  if (self->session == NULL ||
      (me = cb_client_store_get_me (cb_session_get_store (self->session))) == NULL)
    return FALSE;
  return me == cb_group_get_leader (self->group) || me == cb_group_get_deputy (self->group) ||
         cb_contact_get_admin (me);
}

static void
on_order_set (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CbGroupRow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *message = NULL;

  if (cb_rest_client_finish (CB_REST_CLIENT (object), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  reason = cb_describe_error (error);
  message = g_strdup_printf (_("Could not change the order of %s: %s"),
                             cb_group_get_name (self->group), reason);
  cb_widget_show_toast (GTK_WIDGET (self), message);
}

/* Asks for the member order with @user_id moved one place by @delta. */
static void
move_member (CbGroupRow *self,
             gint64      user_id,
             int         delta)
{
  g_autoptr(GArray) ids = cb_group_dup_member_ids (self->group);
  guint position = G_MAXUINT;
  guint other;
  gint64 swap;

  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == user_id)
      position = i;
  if (position == G_MAXUINT || self->session == NULL ||
      (delta < 0 && position == 0) || (delta > 0 && position + 1 >= ids->len))
    return;
  other = delta < 0 ? position - 1 : position + 1;
  swap = g_array_index (ids, gint64, other);
  g_array_index (ids, gint64, other) = user_id;
  g_array_index (ids, gint64, position) = swap;

  g_debug ("New order of group %s", cb_group_get_name (self->group));
  g_cancellable_cancel (self->order_cancellable);
  g_clear_object (&self->order_cancellable);
  self->order_cancellable = g_cancellable_new ();
  cb_rest_client_set_member_order_async (cb_session_get_rest_client (self->session),
                                         cb_group_get_id (self->group),
                                         &g_array_index (ids, gint64, 0), ids->len,
                                         self->order_cancellable, on_order_set,
                                         g_object_ref (self));
}

static void
move_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  move_member (CB_GROUP_ROW (widget), g_variant_get_int64 (param), -1);
}

static void
move_down_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  move_member (CB_GROUP_ROW (widget), g_variant_get_int64 (param), +1);
}

static void
on_group_notify (CbGroupRow *self,
                 GParamSpec *pspec,
                 CbGroup    *group)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "strategy") || g_str_equal (name, "queue-order"))
    update_header (self);
  if (g_str_has_prefix (name, "queue-") || g_str_equal (name, "strategy"))
    update_queue_tick (self);
  else
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
reorder_button (const char *icon_name,
                const char *tooltip,
                const char *action_name,
                gint64      user_id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", user_id);
  return button;
}

static void
hide_keeping_space (GtkWidget *button)
{
  gtk_widget_set_sensitive (button, FALSE);
  gtk_widget_set_opacity (button, 0);
  gtk_accessible_update_state (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
}

static GtkWidget *
create_member_row (gpointer item,
                   gpointer user_data)
{
  CbGroupRow *self = user_data;
  GtkWidget *row = cb_member_row_new (CB_GROUP_MEMBER (item), self->session,
                                      cb_group_get_name (self->group));
  CbContact *contact = cb_group_member_get_contact (CB_GROUP_MEMBER (item));
  GListModel *members = cb_group_get_members (self->group);
  guint n = g_list_model_get_n_items (members);
  guint position = 0;
  GtkWidget *up;
  GtkWidget *down;

  /* Only where the order matters and for who may change it. */
  if (contact == NULL || !rings_in_order (self) || !may_reorder (self))
    return row;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbGroupMember) member = g_list_model_get_item (members, i);

      if (member == item)
        position = i;
    }
  up = reorder_button ("go-up-symbolic", _("Move Up"), "group.move-up", cb_contact_get_id (contact));
  down = reorder_button ("go-down-symbolic", _("Move Down"), "group.move-down", cb_contact_get_id (contact));
  /* The first and last keep their space, so the badges line up. */
  if (position == 0)
    hide_keeping_space (up);
  if (position + 1 >= n)
    hide_keeping_space (down);
  cb_member_row_add_suffix (CB_MEMBER_ROW (row), up);
  cb_member_row_add_suffix (CB_MEMBER_ROW (row), down);
  return row;
}

static void
on_login_set (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CbGroupRow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (cb_rest_client_finish (CB_REST_CLIENT (object), result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_debug ("Changing the login of group %s failed: %s",
           cb_group_get_name (self->group), error->message);

  {
    g_autofree char *reason = NULL;
    g_autofree char *message = NULL;

    /* The one refusal people meet in assistant groups: say why. */
    if (is_assistant_group (self) && cb_group_get_logged_in (self->group) &&
        g_error_matches (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_FORBIDDEN))
      reason = g_strdup (_("Your administrator does not allow logging out of this group."));
    else
      reason = cb_describe_error (error);
    message = g_strdup_printf (_("Could not change your login to %s: %s"),
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

  cb_rest_client_set_group_login_async (cb_session_get_rest_client (self->session),
                                        cb_group_get_id (self->group),
                                        state,
                                        self->cancellable,
                                        on_login_set,
                                        g_object_ref (self));

  /* Handled: the state moves only when the server's event arrives. */
  return TRUE;
}

/* --- the assistant group's filter --- */

static void
on_filter_set (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CbGroupRow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *message = NULL;

  if (cb_rest_client_finish (CB_REST_CLIENT (object), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  reason = cb_describe_error (error);
  message = g_strdup_printf (_("Could not change the call filter of %s: %s"),
                             cb_group_get_name (self->group), reason);
  cb_widget_show_toast (GTK_WIDGET (self), message);
  /* Back to what the server has. */
  update_filter (self);
}

static void
set_filter (CbGroupRow              *self,
            CbAssistantFilterChange  changes,
            gboolean                 enabled,
            CbAssistantFilter        strategy,
            guint                    delay)
{
  if (self->session == NULL)
    return;
  g_cancellable_cancel (self->filter_cancellable);
  g_clear_object (&self->filter_cancellable);
  self->filter_cancellable = g_cancellable_new ();
  cb_rest_client_set_assistant_filter_async (cb_session_get_rest_client (self->session),
                                             cb_group_get_id (self->group), changes,
                                             enabled, strategy, delay, self->filter_cancellable,
                                             on_filter_set, g_object_ref (self));
}

static gboolean
on_filter_state_set (GtkSwitch  *sw,
                     gboolean    state,
                     CbGroupRow *self)
{
  if (self->syncing_filter || state == cb_group_get_filter_enabled (self->group))
    return FALSE;

  g_debug ("Asking to switch the filter of %s %s", cb_group_get_name (self->group), state ? "on" : "off");
  set_filter (self, CB_ASSISTANT_FILTER_CHANGE_ENABLED, state, 0, 0);
  /* The state follows the group event. */
  return TRUE;
}

static void
on_strategy_selected (CbGroupRow  *self,
                      GParamSpec  *pspec,
                      AdwComboRow *row)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->syncing_filter || selected == GTK_INVALID_LIST_POSITION ||
      selected == (guint) cb_group_get_filter (self->group))
    return;
  set_filter (self, CB_ASSISTANT_FILTER_CHANGE_STRATEGY, FALSE, (CbAssistantFilter) selected, 0);
}

static void
on_delay_changed (CbGroupRow    *self,
                  GtkSpinButton *spin)
{
  guint delay = (guint) gtk_spin_button_get_value_as_int (spin);

  if (self->syncing_filter || delay == cb_group_get_filter_delay (self->group))
    return;
  set_filter (self, CB_ASSISTANT_FILTER_CHANGE_DELAY, FALSE, 0, delay);
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
  gtk_list_box_bind_model (self->members_list, members, create_member_row, self, NULL);

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
  update_queue_tick (self);
}

static void
cb_group_row_dispose (GObject *object)
{
  CbGroupRow *self = CB_GROUP_ROW (object);

  g_clear_handle_id (&self->queue_tick, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->order_cancellable);
  g_clear_object (&self->order_cancellable);
  g_cancellable_cancel (self->filter_cancellable);
  g_clear_object (&self->filter_cancellable);
  if (self->members_list != NULL)
    gtk_list_box_bind_model (self->members_list, NULL, NULL, NULL, NULL);
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
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, queue_label);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, count_label);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, login_row);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, login_switch);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, login_list);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, members_list);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, members_header);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, filter_list);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, filter_row);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, filter_switch);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, strategy_row);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, delay_row);
  gtk_widget_class_bind_template_child (widget_class, CbGroupRow, delay_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_switch_state_set);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_state_set);
  gtk_widget_class_bind_template_callback (widget_class, on_strategy_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_delay_changed);

  gtk_widget_class_install_action (widget_class, "group.move-up", "x", move_up_action);
  gtk_widget_class_install_action (widget_class, "group.move-down", "x", move_down_action);
}

static void
cb_group_row_init (CbGroupRow *self)
{
  GtkLayoutManager *layout;
  const char *filters[CB_ASSISTANT_FILTER_ALL + 2] = { NULL };
  g_autoptr(GtkStringList) strategies = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  cb_colleague_list_attach (GTK_WIDGET (self->members_list));

  /* In enum order: the position is the filter. */
  for (int i = 0; i <= CB_ASSISTANT_FILTER_ALL; i++)
    filters[i] = filter_label ((CbAssistantFilter) i);
  strategies = gtk_string_list_new (filters);
  self->syncing_filter = TRUE;
  adw_combo_row_set_model (self->strategy_row, G_LIST_MODEL (strategies));
  self->syncing_filter = FALSE;

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
