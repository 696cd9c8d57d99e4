/* cb-window-calls.c: CbWindow and the softphone: header state, journal badge, notifications
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window makes the signed-in user's softphone (unless
 * CALLBOARD_SOFTPHONE=0) and owns it: it stops the phone before the
 * session signs out, so the line is un-registered while the server still
 * knows us. It tells the user about
 * calls when the window may not be looked at: a notification with Answer
 * and Decline while a call rings, kept (no expiry) until it stops ringing;
 * then, once the journal entry says the call was missed, the same
 * notification becomes the missed-call one (answered elsewhere, taken by
 * a colleague or declined: it goes). Without a notification server (a
 * bare session, tests) the card in the window is still there; the
 * failure is only logged.
 *
 * The journal badge is the server's count of missed calls not looked at
 * yet; looking at the journal page marks it seen for all the user's
 * devices (PUT /journal/seen), whose badges follow the journal-seen
 * event.
 *
 * After a network change or waking up (CbNetworkWatch) the softphone
 * registers again and a dropped event stream reconnects at once.
 *
 * It also rings (CbRinger on the ring device) while any call rings and
 * the ringtone is on, and hands the softphone the devices chosen in the
 * preferences; CALLBOARD_AUDIO_SRC/SINK still win over them, for tests.
 */

#define G_LOG_DOMAIN "cb-window-calls"

#include "config.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "cb-window-private.h"

typedef struct {
  GWeakRef  window;
  char     *call_id;
} NotifyTarget;

static void
notify_target_free (gpointer data)
{
  NotifyTarget *target = data;

  g_weak_ref_clear (&target->window);
  g_free (target->call_id);
  g_free (target);
}

static NotifyTarget *
notify_target_new (CbWindow   *self,
                   const char *call_id)
{
  NotifyTarget *target = g_new0 (NotifyTarget, 1);

  g_weak_ref_init (&target->window, self);
  target->call_id = g_strdup (call_id);
  return target;
}

static gboolean
ensure_notify (void)
{
  return notify_is_initted () || notify_init ("Callboard");
}

static void
show_notification (NotifyNotification *notification)
{
  g_autoptr(GError) error = NULL;

  /* ServiceUnknown without a notification daemon: nothing to do about it. */
  if (!notify_notification_show (notification, &error))
    g_debug ("Notification not shown: %s", error->message);
}

static void
close_notification (gpointer data)
{
  NotifyNotification *notification = data;

  /* Closing one that never showed fails the same way; ignored too. */
  notify_notification_close (notification, NULL);
  g_object_unref (notification);
}

CbCall *
_cb_window_lookup_call (CbWindow   *self,
                        const char *id)
{
  if (self->softphone == NULL || id == NULL)
    return NULL;
  return cb_softphone_lookup_call (self->softphone, id);
}

static void
on_notification_action (NotifyNotification *notification,
                        char               *action,
                        gpointer            user_data)
{
  NotifyTarget *target = user_data;
  g_autoptr(CbWindow) self = g_weak_ref_get (&target->window);

  if (self == NULL)
    return;

  if (g_str_equal (action, "answer"))
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.answer-call", "s", target->call_id);
      gtk_window_present (GTK_WINDOW (self));
    }
  else if (g_str_equal (action, "decline"))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.hangup-call", "s", target->call_id);
  else if (g_str_equal (action, "default") || g_str_equal (action, "show-journal"))
    {
      cb_window_show_page (self, g_str_equal (action, "default") ? "calls" : "journal");
      gtk_window_present (GTK_WINDOW (self));
    }
}

/* --- ringing and devices --- */

static gboolean
any_call_ringing (CbWindow *self)
{
  GListModel *calls;
  guint n;

  if (self->softphone == NULL)
    return FALSE;
  calls = cb_softphone_get_calls (self->softphone);
  n = g_list_model_get_n_items (calls);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbCall) call = g_list_model_get_item (calls, i);

      /* The desk phone rings by itself. */
      if (cb_call_get_state (call) == CB_CALL_STATE_RINGING && !cb_call_is_remote (call))
        return TRUE;
    }
  return FALSE;
}

static void
update_ringer (CbWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->ringer == NULL)
    return;
  if (!any_call_ringing (self) || !g_settings_get_boolean (self->settings, "ringtone"))
    cb_ringer_stop (self->ringer);
  else if (!cb_ringer_start (self->ringer, &error))
    g_debug ("No ringtone: %s", error->message);
}

static char *
describe_device (CbWindow          *self,
                 CbAudioDeviceKind  kind,
                 const char        *settings_key)
{
  g_autofree char *key = g_settings_get_string (self->settings, settings_key);

  if (self->audio_devices == NULL)
    return NULL;
  return cb_audio_devices_describe (self->audio_devices, kind, key);
}

static void
apply_audio_settings (CbWindow *self)
{
  g_autofree char *src = NULL;
  g_autofree char *sink = NULL;
  g_autofree char *ring = describe_device (self, CB_AUDIO_DEVICE_KIND_SINK, "ring-device");

  /* NULL lets the pipeline take the environment, then the auto elements. */
  if (g_getenv ("CALLBOARD_AUDIO_SRC") == NULL)
    src = describe_device (self, CB_AUDIO_DEVICE_KIND_SOURCE, "audio-input");
  if (g_getenv ("CALLBOARD_AUDIO_SINK") == NULL)
    sink = describe_device (self, CB_AUDIO_DEVICE_KIND_SINK, "audio-output");

  if (self->softphone != NULL)
    g_object_set (self->softphone, "audio-src", src, "audio-sink", sink, NULL);
  if (self->ringer != NULL)
    cb_ringer_set_sink (self->ringer, ring);
}

static void
on_settings_changed (CbWindow   *self,
                     const char *key,
                     GSettings  *settings)
{
  if (g_str_equal (key, "ringtone"))
    update_ringer (self);
  else if (g_str_equal (key, "audio-input") || g_str_equal (key, "audio-output") ||
           g_str_equal (key, "ring-device"))
    apply_audio_settings (self);
}

static void
ensure_audio (CbWindow *self)
{
  if (self->ringer != NULL)
    return;

  self->ringer = cb_ringer_new ();
  self->audio_devices = cb_audio_devices_dup_default ();
  /* A device plugged in again becomes the chosen one again. */
  g_signal_connect_object (cb_audio_devices_get_sources (self->audio_devices), "items-changed",
                           G_CALLBACK (apply_audio_settings), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (cb_audio_devices_get_sinks (self->audio_devices), "items-changed",
                           G_CALLBACK (apply_audio_settings), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self,
                           G_CONNECT_SWAPPED);
  /* What was chosen before this window existed. */
  apply_audio_settings (self);
}

CbSoftphone *
cb_window_get_softphone (CbWindow *self)
{
  g_return_val_if_fail (CB_IS_WINDOW (self), NULL);
  return self->softphone;
}

CbRinger *
cb_window_get_ringer (CbWindow *self)
{
  g_return_val_if_fail (CB_IS_WINDOW (self), NULL);

  ensure_audio (self);
  return self->ringer;
}

static void on_call_group (CbWindow *self, GParamSpec *pspec, CbCall *call);

static void
on_call_state (CbWindow   *self,
               GParamSpec *pspec,
               CbCall     *call)
{
  NotifyNotification *notification = NULL;
  CbCallState state = cb_call_get_state (call);
  const char *server_id = cb_call_get_server_id (call);

  update_ringer (self);
  if (state == CB_CALL_STATE_RINGING)
    return;

  g_signal_handlers_disconnect_by_func (call, on_call_state, self);
  g_signal_handlers_disconnect_by_func (call, on_call_group, self);
  /* Declined here is never missed, whatever the journal will say. */
  if (cb_call_get_declined (call) && server_id != NULL && self->declined != NULL)
    g_hash_table_add (self->declined, g_strdup (server_id));
  if (self->notifications != NULL)
    g_hash_table_steal_extended (self->notifications, cb_call_get_id (call), NULL,
                                 (gpointer *) &notification);
  if (notification == NULL)
    return;

  /* Given up or gone elsewhere: whether it was missed is the journal's
   * word, which comes next; until then the notification stays. Answered
   * or declined here, it has done its job. */
  if (state == CB_CALL_STATE_ENDED && !cb_call_get_declined (call) && server_id != NULL &&
      self->stopped_ringing != NULL)
    g_hash_table_replace (self->stopped_ringing, g_strdup (server_id), notification);
  else
    close_notification (notification);
}

static char *
incoming_body (CbCall *call)
{
  g_autofree char *party = NULL;

  if (g_strcmp0 (cb_call_get_remote_name (call), cb_call_get_remote_number (call)) != 0)
    party = g_strdup_printf ("%s (%s)", cb_call_get_remote_name (call), cb_call_get_remote_number (call));
  else
    party = g_strdup (cb_call_get_remote_number (call));
  if (cb_call_get_group_name (call) == NULL && cb_call_get_for_name (call) == NULL)
    return g_steal_pointer (&party);
  /* Translators: the first %s is the caller, the second a hunt group, or
   * the person an assistant takes the call for */
  return g_strdup_printf (_("%s\nfor %s"), party,
                          cb_call_get_group_name (call) != NULL ? cb_call_get_group_name (call)
                                                                : cb_call_get_for_name (call));
}

/* The group is known from the call's event, which may come after the
 * INVITE that raised the notification. */
static void
on_call_group (CbWindow   *self,
               GParamSpec *pspec,
               CbCall     *call)
{
  NotifyNotification *notification;
  g_autofree char *body = NULL;

  if (self->notifications == NULL ||
      (notification = g_hash_table_lookup (self->notifications, cb_call_get_id (call))) == NULL)
    return;
  body = incoming_body (call);
  notify_notification_update (notification, _("Incoming Call"), body, "call-start-symbolic");
  show_notification (notification);
}

static void
on_incoming_call (CbWindow    *self,
                  CbCall      *call,
                  CbSoftphone *softphone)
{
  NotifyNotification *notification;
  g_autofree char *body = NULL;

  cb_window_show_page (self, "calls");
  g_signal_connect_object (call, "notify::state", G_CALLBACK (on_call_state), self,
                           G_CONNECT_SWAPPED);
  update_ringer (self);
  if (!ensure_notify ())
    return;

  body = incoming_body (call);
  g_signal_connect_object (call, "notify::group-name", G_CALLBACK (on_call_group), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (call, "notify::for-name", G_CALLBACK (on_call_group), self,
                           G_CONNECT_SWAPPED);
  notification = notify_notification_new (_("Incoming Call"), body, "call-start-symbolic");
  notify_notification_set_urgency (notification, NOTIFY_URGENCY_CRITICAL);
  /* As long as it rings: the call closes it, not a timer. */
  notify_notification_set_timeout (notification, NOTIFY_EXPIRES_NEVER);
  notify_notification_set_category (notification, "call.incoming");
  notify_notification_set_app_name (notification, _("Callboard"));
  notify_notification_add_action (notification, "answer", _("Answer"),
                                  on_notification_action,
                                  notify_target_new (self, cb_call_get_id (call)),
                                  notify_target_free);
  notify_notification_add_action (notification, "decline", _("Decline"),
                                  on_notification_action,
                                  notify_target_new (self, cb_call_get_id (call)),
                                  notify_target_free);
  notify_notification_add_action (notification, "default", _("Show"),
                                  on_notification_action,
                                  notify_target_new (self, cb_call_get_id (call)),
                                  notify_target_free);
  g_hash_table_replace (self->notifications, g_strdup (cb_call_get_id (call)), notification);
  show_notification (notification);
}

/* The ringing notification of the server's call @server_id: one that
 * stopped ringing (taken out of stopped_ringing), or one still ringing
 * when the journal came first (taken out of notifications). */
static NotifyNotification *
take_ringing_notification (CbWindow   *self,
                           const char *server_id)
{
  NotifyNotification *notification = NULL;
  GHashTableIter iter;
  gpointer key;

  if (server_id == NULL || self->notifications == NULL || self->stopped_ringing == NULL)
    return NULL;
  if (g_hash_table_steal_extended (self->stopped_ringing, server_id, NULL, (gpointer *) &notification))
    return notification;

  g_hash_table_iter_init (&iter, self->notifications);
  while (g_hash_table_iter_next (&iter, &key, (gpointer *) &notification))
    {
      CbCall *call = _cb_window_lookup_call (self, key);

      if (call != NULL && g_strcmp0 (cb_call_get_server_id (call), server_id) == 0)
        {
          g_signal_handlers_disconnect_by_func (call, on_call_state, self);
          g_signal_handlers_disconnect_by_func (call, on_call_group, self);
          g_hash_table_iter_steal (&iter);
          g_free (key);
          return notification;
        }
    }
  return NULL;
}

static void
notify_missed (CbWindow           *self,
               CbJournalEntry     *entry,
               NotifyNotification *ringing)
{
  NotifyNotification *notification = ringing;   /* ours: the table takes it */
  g_autofree char *body = NULL;

  if (g_strcmp0 (cb_journal_entry_get_remote_name (entry), cb_journal_entry_get_remote_number (entry)) != 0)
    body = g_strdup_printf ("%s (%s)", cb_journal_entry_get_remote_name (entry),
                            cb_journal_entry_get_remote_number (entry));
  else
    body = g_strdup (cb_journal_entry_get_remote_number (entry));
  /* The ringing one becomes the missed one: the same notification, so
   * it is replaced in place rather than stacked. */
  if (notification != NULL)
    {
      notify_notification_clear_actions (notification);
      notify_notification_update (notification, _("Missed Call"), body, "call-missed-symbolic");
    }
  else
    notification = notify_notification_new (_("Missed Call"), body, "call-missed-symbolic");
  notify_notification_set_urgency (notification, NOTIFY_URGENCY_NORMAL);
  notify_notification_set_timeout (notification, NOTIFY_EXPIRES_DEFAULT);
  notify_notification_set_category (notification, "call.unanswered");
  notify_notification_set_app_name (notification, _("Callboard"));
  notify_notification_add_action (notification, "show-journal", _("Show Journal"),
                                  on_notification_action, notify_target_new (self, NULL),
                                  notify_target_free);
  show_notification (notification);
  /* Kept (and closed with the session) so its action still arrives. */
  g_hash_table_replace (self->notifications,
                        g_strdup_printf ("missed-%" G_GINT64_FORMAT, cb_journal_entry_get_id (entry)),
                        notification);
}

static gboolean
journal_in_view (CbWindow *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "journal") == 0 &&
         gtk_widget_get_mapped (GTK_WIDGET (self->journal_page)) &&
         gtk_window_is_active (GTK_WINDOW (self));
}

static void
on_event_applied (CbWindow      *self,
                  gint64         seq,
                  CbEventType    type,
                  CbClientStore *store)
{
  g_autoptr(CbJournalEntry) entry = NULL;
  NotifyNotification *ringing;

  if (type != CB_EVENT_TYPE_JOURNAL)
    return;
  entry = g_list_model_get_item (cb_client_store_get_journal (store), 0);
  if (entry == NULL || self->notifications == NULL)
    return;

  ringing = take_ringing_notification (self, cb_journal_entry_get_call_id (entry));
  if (!cb_journal_entry_get_missed (entry) ||
      (self->declined != NULL && g_hash_table_remove (self->declined, cb_journal_entry_get_call_id (entry))))
    {
      if (ringing != NULL)
        close_notification (ringing);
    }
  else if (journal_in_view (self))
    {
      /* Seen as it arrives. */
      if (ringing != NULL)
        close_notification (ringing);
      _cb_window_mark_journal_seen (self);
    }
  else if (ensure_notify ())
    notify_missed (self, entry, ringing);
  else if (ringing != NULL)
    close_notification (ringing);
}

static void
on_journal_seen (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CbWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;

  answer = cb_rest_client_set_journal_seen_finish (CB_REST_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Could not mark the journal seen: %s", error->message);
      return;
    }
  /* The event brings the same; the answer is here first. */
  if (self->session != NULL)
    cb_client_store_apply_journal_seen (cb_session_get_store (self->session), answer);
}

void
_cb_window_mark_journal_seen (CbWindow *self)
{
  CbClientStore *store;
  g_autoptr(CbJournalEntry) newest = NULL;
  GHashTableIter iter;
  gpointer key;

  if (self->session == NULL)
    return;
  store = cb_session_get_store (self->session);
  newest = g_list_model_get_item (cb_client_store_get_journal (store), 0);
  if (newest == NULL ||
      (cb_journal_entry_get_id (newest) <= cb_client_store_get_seen_up_to (store) &&
       cb_client_store_get_missed_count (store) == 0))
    return;

  /* What the missed-call notifications said is in view now. */
  if (self->notifications != NULL)
    {
      g_hash_table_iter_init (&iter, self->notifications);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (g_str_has_prefix (key, "missed-"))
          g_hash_table_iter_remove (&iter);
    }

  g_debug ("Journal seen up to %" G_GINT64_FORMAT, cb_journal_entry_get_id (newest));
  cb_rest_client_set_journal_seen_async (cb_session_get_rest_client (self->session),
                                         cb_journal_entry_get_id (newest),
                                         self->journal_seen_cancellable, on_journal_seen,
                                         g_object_ref (self));
}

static void
update_journal_badge (CbWindow *self)
{
  guint missed = self->session != NULL
                 ? cb_client_store_get_missed_count (cb_session_get_store (self->session)) : 0;

  adw_view_stack_page_set_badge_number (self->journal_stack_page, missed);
  adw_view_stack_page_set_needs_attention (self->journal_stack_page, missed > 0);
}

/* A link's number waits for a phone to call from: the session for the
 * desk phone, a registered line for the softphone. */
static void
dial_pending (CbWindow *self)
{
  g_autofree char *call_from = NULL;
  g_autofree char *number = NULL;

  if (self->pending_dial == NULL || self->session == NULL)
    return;
  g_object_get (self->calls_page, "call-from", &call_from, NULL);
  if (g_strcmp0 (call_from, "desk") != 0 &&
      (self->softphone == NULL ||
       cb_softphone_get_registration_state (self->softphone) != CB_REGISTRATION_STATE_REGISTERED))
    return;
  number = g_steal_pointer (&self->pending_dial);
  g_debug ("Dialling %s from a link", number);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.dial", "s", number);
}

void
cb_window_dial_when_ready (CbWindow   *self,
                           const char *number)
{
  g_return_if_fail (CB_IS_WINDOW (self));
  g_return_if_fail (number != NULL);

  g_free (self->pending_dial);
  self->pending_dial = g_strdup (number);
  dial_pending (self);
}

static void
update_registration_icon (CbWindow *self)
{
  CbRegistrationState state = self->softphone != NULL
                              ? cb_softphone_get_registration_state (self->softphone)
                              : CB_REGISTRATION_STATE_OFFLINE;
  const char *classes[] = { "cb-registration", NULL, NULL };
  GEnumClass *enum_class = g_type_class_ref (CB_TYPE_REGISTRATION_STATE);

  gtk_image_set_from_icon_name (self->registration_icon, cb_registration_state_get_icon_name (state));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->registration_icon),
                               cb_registration_state_get_label (state));
  classes[1] = g_enum_get_value (enum_class, state)->value_nick;
  gtk_widget_set_css_classes (GTK_WIDGET (self->registration_icon), classes);
  g_type_class_unref (enum_class);
  dial_pending (self);
}

static void
set_softphone (CbWindow    *self,
               CbSoftphone *softphone)
{
  g_autoptr(CbSoftphone) old = NULL;

  if (self->softphone == softphone)
    return;

  old = g_steal_pointer (&self->softphone);
  if (old != NULL)
    {
      g_signal_handlers_disconnect_by_data (old, self);
      g_signal_handlers_disconnect_by_data (cb_softphone_get_calls (old), self);
      /* Un-registers and ends our calls now, not whenever the last
       * reference goes. */
      cb_softphone_stop (old);
    }
  if (self->notifications != NULL)
    g_hash_table_remove_all (self->notifications);
  if (self->stopped_ringing != NULL)
    g_hash_table_remove_all (self->stopped_ringing);
  if (self->declined != NULL)
    g_hash_table_remove_all (self->declined);
  self->softphone = softphone != NULL ? g_object_ref (softphone) : NULL;
  if (softphone != NULL)
    {
      g_signal_connect_object (softphone, "incoming-call", G_CALLBACK (on_incoming_call), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (softphone, "notify::registration-state",
                               G_CALLBACK (update_registration_icon), self, G_CONNECT_SWAPPED);
      /* A ringing call that goes away without a state change (sign-out). */
      g_signal_connect_object (cb_softphone_get_calls (softphone), "items-changed",
                               G_CALLBACK (update_ringer), self, G_CONNECT_SWAPPED);
      apply_audio_settings (self);
    }
  cb_calls_page_set_softphone (self->calls_page, softphone);
  _cb_window_contacts_set_softphone (self, softphone);
  update_registration_icon (self);
  update_ringer (self);
}

static void
on_network_changed (CbWindow       *self,
                    const char     *reason,
                    CbNetworkWatch *watch)
{
  g_debug ("Network changed (%s): registering again, reconnecting", reason);
  if (self->softphone != NULL)
    cb_softphone_reregister (self->softphone);
  if (self->session != NULL)
    cb_session_reconnect_now (self->session);
}

void
_cb_window_calls_set_session (CbWindow  *self,
                              CbSession *session)
{
  CbClientStore *store;

  if (self->notifications == NULL)
    self->notifications = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, close_notification);
  if (self->stopped_ringing == NULL)
    self->stopped_ringing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, close_notification);
  if (self->declined == NULL)
    self->declined = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ensure_audio (self);

  /* The old session's handlers went with cb_window_set_session's
   * disconnect-by-data; only the softphone is left to drop. */
  set_softphone (self, NULL);
  g_cancellable_cancel (self->journal_seen_cancellable);
  g_clear_object (&self->journal_seen_cancellable);
  g_clear_object (&self->network_watch);
  if (session != NULL)
    {
      store = cb_session_get_store (session);
      g_signal_connect_object (store, "notify::missed-count",
                               G_CALLBACK (update_journal_badge), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (store, "event-applied",
                               G_CALLBACK (on_event_applied), self, G_CONNECT_SWAPPED);
      self->journal_seen_cancellable = g_cancellable_new ();
      self->network_watch = cb_network_watch_new (NULL, NULL);
      g_signal_connect_object (self->network_watch, "changed",
                               G_CALLBACK (on_network_changed), self, G_CONNECT_SWAPPED);
      /* CALLBOARD_SOFTPHONE=0 keeps the line free for a desk phone or
       * another softphone on the same account. */
      if (g_strcmp0 (g_getenv ("CALLBOARD_SOFTPHONE"), "0") != 0)
        {
          g_autoptr(CbSoftphone) softphone = cb_softphone_new (session);

          /* Devices first: the phone hands them to its calls. */
          set_softphone (self, softphone);
          cb_softphone_start (softphone);
        }
    }
  update_journal_badge (self);
  dial_pending (self);
}

void
_cb_window_calls_dispose (CbWindow *self)
{
  g_clear_pointer (&self->pending_dial, g_free);
  set_softphone (self, NULL);
  g_cancellable_cancel (self->journal_seen_cancellable);
  g_clear_object (&self->journal_seen_cancellable);
  g_clear_object (&self->network_watch);
  g_clear_pointer (&self->stopped_ringing, g_hash_table_unref);
  g_clear_pointer (&self->declined, g_hash_table_unref);
  g_clear_pointer (&self->notifications, g_hash_table_unref);
  if (self->audio_devices != NULL)
    {
      g_signal_handlers_disconnect_by_data (cb_audio_devices_get_sources (self->audio_devices), self);
      g_signal_handlers_disconnect_by_data (cb_audio_devices_get_sinks (self->audio_devices), self);
    }
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_func (self->settings, on_settings_changed, self);
  if (self->ringer != NULL)
    cb_ringer_stop (self->ringer);
  g_clear_object (&self->ringer);
  g_clear_object (&self->audio_devices);
}
