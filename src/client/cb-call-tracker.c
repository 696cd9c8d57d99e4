/* cb-call-tracker.c: the user's calls, from SIP dialogs on this phone and the server's call events
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One Entry per call in the list, in the same order. Deadlines (an ended
 * call leaving, a waiting event becoming a card) are times on the
 * tracker's clock; one GLib timeout is armed for the earliest, and
 * cb_call_tracker_expire() does whatever is due when it fires.
 */

#define G_LOG_DOMAIN "cb-call-tracker"

#include "config.h"

#include "cb-call-tracker.h"

#define ENDED_LINGER_MS_DEFAULT 2000
#define EVENT_GRACE_MS_DEFAULT 1000
#define CONSULT_EXPECT_MS_DEFAULT 10000

typedef struct {
  CbCall         *call;
  char           *dialog_id;      /* our dialog's SIP Call-ID; NULL: a remote call */
  CbSipCallState  dialog_state;
  gboolean        server_placed;  /* the server placed this dialog; events drive it */
  gint64          leaves_at;      /* ms on the clock once ended, else 0 */
} Entry;

/* A ringing event waiting for its dialog: a copy of the call, whose
 * strings it owns. */
typedef struct {
  CbWireCall *call;               /* a copy of its own (cb_wire_call_copy()) */
  gint64      shows_at;           /* ms on the clock */
} Pending;

struct _CbCallTracker
{
  GObject               parent_instance;

  gint64                user_id;
  CbClientStore        *store;
  const CbCallControls *controls;
  gpointer              controls_data;
  CbCallTrackerTiming   timing;
  CbCallTrackerClock    clock;
  gpointer              clock_data;
  gboolean              line_registered;

  GListStore           *calls;
  GPtrArray            *entries;        /* Entry, in the order of calls */
  GPtrArray            *pending;        /* Pending */
  GHashTable           *consultations;  /* consultation's server call id -> held CbCall */
  GHashTable           *consulting;     /* number -> gint64 * (until, ms on the clock) */
  guint                 next_id;
  guint                 timer;
};

G_DEFINE_FINAL_TYPE (CbCallTracker, cb_call_tracker, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CALLS,
  N_PROPS
};

enum {
  SIGNAL_INCOMING_CALL,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void reschedule   (CbCallTracker *self);
static void apply_remote (CbCallTracker *self, const CbWireCall *call, gboolean waited);

static gint64
monotonic_ms (gpointer user_data)
{
  return g_get_monotonic_time () / 1000;
}

static gint64
now_ms (CbCallTracker *self)
{
  return self->clock (self->clock_data);
}

/* --- entries --- */

static void
entry_free (Entry *entry)
{
  g_clear_object (&entry->call);
  g_free (entry->dialog_id);
  g_free (entry);
}

static Entry *
find_entry (CbCallTracker *self,
            CbCall        *call)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->call == call)
        return entry;
    }
  return NULL;
}

static Entry *
find_dialog (CbCallTracker *self,
             const char    *dialog_id)
{
  if (dialog_id == NULL)
    return NULL;
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (entry->dialog_id, dialog_id) == 0)
        return entry;
    }
  return NULL;
}

/* The live remote call the server knows as @server_id. */
static Entry *
find_remote (CbCallTracker *self,
             const char    *server_id)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->dialog_id == NULL &&
          g_strcmp0 (cb_call_get_server_id (entry->call), server_id) == 0 &&
          cb_call_get_state (entry->call) != CB_CALL_STATE_ENDED)
        return entry;
    }
  return NULL;
}

static void
on_call_state (CbCallTracker *self,
               GParamSpec    *pspec,
               CbCall        *call)
{
  Entry *entry = find_entry (self, call);

  if (entry == NULL || cb_call_get_state (call) != CB_CALL_STATE_ENDED)
    return;
  /* A call that reached nobody stays until the user dismissed it: its
   * card says why. The reason may come after the end (the server's). */
  if (cb_call_get_failure (call) != CB_CALL_FAILURE_NONE)
    {
      if (entry->leaves_at != 0)
        {
          entry->leaves_at = 0;
          reschedule (self);
        }
      return;
    }
  if (entry->leaves_at != 0)
    return;
  /* Never 0: 0 means "not ended". */
  entry->leaves_at = MAX (now_ms (self) + self->timing.ended_linger_ms, 1);
  reschedule (self);
}

/* Where a new call goes: above the calls that reached nobody, whose
 * cards wait to be dismissed. Below them, a consultation would open under
 * a "busy" card, away from the call it consults for. */
static guint
new_entry_position (CbCallTracker *self)
{
  guint position = self->entries->len;

  while (position > 0)
    {
      CbCall *call = ((Entry *) g_ptr_array_index (self->entries, position - 1))->call;

      if (cb_call_get_state (call) != CB_CALL_STATE_ENDED ||
          cb_call_get_failure (call) == CB_CALL_FAILURE_NONE)
        break;
      position--;
    }
  return position;
}

static Entry *
add_entry (CbCallTracker *self,
           CbCall        *call,
           const char    *dialog_id)
{
  Entry *entry = g_new0 (Entry, 1);
  guint position = new_entry_position (self);

  entry->call = call;   /* takes the reference */
  entry->dialog_id = g_strdup (dialog_id);
  _cb_call_set_controls (call, self->controls, self->controls_data);
  g_signal_connect_object (call, "notify::state", G_CALLBACK (on_call_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (call, "notify::failure", G_CALLBACK (on_call_state), self,
                           G_CONNECT_SWAPPED);
  g_ptr_array_insert (self->entries, (gint) position, entry);
  g_list_store_insert (self->calls, position, call);
  return entry;
}

/* Leaves the list at once. The call may live on in a card for a moment:
 * it no longer reaches its controls, whose owner may be gone. */
static void
remove_entry (CbCallTracker *self,
              Entry         *entry)
{
  g_autoptr(CbCall) call = g_object_ref (entry->call);
  guint position;

  g_signal_handlers_disconnect_by_data (call, self);
  _cb_call_set_controls (call, NULL, NULL);
  g_ptr_array_remove (self->entries, entry);
  if (g_list_store_find (self->calls, call, &position))
    g_list_store_remove (self->calls, position);
}

static char *
next_id (CbCallTracker *self)
{
  return g_strdup_printf ("%u", ++self->next_id);
}

static CbContact *
lookup_number (CbCallTracker *self,
               const char    *number)
{
  return self->store != NULL && number != NULL ? cb_client_store_lookup_number (self->store, number)
                                               : NULL;
}

/* The server knows whom a call is with better than the dialog does: a
 * pickup dialled as "*97206" is with the caller it took over, a call to a
 * hunt group with the group. A party hidden from us (no number) keeps
 * what the dialog said. */
static void
sync_remote_party (CbCallTracker    *self,
                   CbCall           *call,
                   const CbWireCall *wire)
{
  const CbWireParty *party = cb_wire_call_remote (wire);
  g_autofree char *from = NULL;

  if (party->number != NULL && *party->number != '\0')
    {
      CbContact *contact = NULL;

      if (self->store != NULL && party->user_id > 0)
        contact = cb_client_store_lookup_contact (self->store, party->user_id);
      if (contact == NULL)
        contact = lookup_number (self, party->number);
      _cb_call_set_remote_party (call, party->number, party->name, contact);
    }

  /* We took it over: from whom the caller meant to reach (a hunt group's
   * call says "for <group>" already). */
  if (wire->picked_up && wire->direction == CB_CALL_DIRECTION_IN && wire->group_id <= 0 &&
      wire->to.number != NULL && *wire->to.number != '\0')
    {
      CbContact *callee = lookup_number (self, wire->to.number);

      from = g_strdup (callee != NULL ? cb_contact_get_display_name (callee) : wire->to.number);
    }
  _cb_call_set_picked_up (call, wire->picked_up && wire->direction == CB_CALL_DIRECTION_IN, from);
  /* Sent on by the user: named as the server names them, else the number. */
  if (wire->forwarded_to.name != NULL && *wire->forwarded_to.name != '\0')
    _cb_call_set_forwarded_to (call, wire->forwarded_to.name);
  else if (wire->forwarded_to.number != NULL && *wire->forwarded_to.number != '\0')
    _cb_call_set_forwarded_to (call, wire->forwarded_to.number);
  _cb_call_set_encrypted (call, wire->encrypted);
}

/* --- waiting events --- */

static void
pending_free (Pending *pending)
{
  g_clear_pointer (&pending->call, cb_wire_call_free);
  g_free (pending);
}

static Pending *
pending_new (const CbWireCall *call,
             gint64            shows_at)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->call = cb_wire_call_copy (call);
  pending->shows_at = shows_at;
  return pending;
}

static guint
find_pending (CbCallTracker *self,
              const char    *call_id,
              const char    *device_call_id)
{
  for (guint i = 0; i < self->pending->len; i++)
    {
      Pending *pending = g_ptr_array_index (self->pending, i);

      if ((call_id != NULL && g_strcmp0 (pending->call->call_id, call_id) == 0) ||
          (device_call_id != NULL && g_strcmp0 (pending->call->device_call_id, device_call_id) == 0))
        return i;
    }
  return G_MAXUINT;
}

static void
drop_pending (CbCallTracker *self,
              const char    *call_id)
{
  guint i = find_pending (self, call_id, NULL);

  if (i != G_MAXUINT)
    g_ptr_array_remove_index (self->pending, i);
}

/* Whether the event may be about our own phone, whose INVITE may still be
 * on the way. The server names the kind of line the user's leg is on
 * ("device"): a desk phone's call, or one with no leg of ours, is a card
 * at once; a softphone's is ours (unless another client of ours has the
 * line, hence still a short wait). An older server without the field
 * leaves only the guess from device_call_id. */
static gboolean
may_ring_here (const CbWireCall *call)
{
  if (call->device_call_id == NULL)
    return FALSE;
  return call->device == NULL || g_strcmp0 (call->device, "softphone") == 0;
}

/* --- timing --- */

static gboolean
on_timer (gpointer user_data)
{
  CbCallTracker *self = user_data;

  self->timer = 0;
  cb_call_tracker_expire (self);
  return G_SOURCE_REMOVE;
}

/* Arms the timer for the earliest deadline. */
static void
reschedule (CbCallTracker *self)
{
  gint64 next = G_MAXINT64;

  g_clear_handle_id (&self->timer, g_source_remove);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->leaves_at != 0)
        next = MIN (next, entry->leaves_at);
    }
  for (guint i = 0; i < self->pending->len; i++)
    next = MIN (next, ((Pending *) g_ptr_array_index (self->pending, i))->shows_at);
  if (next == G_MAXINT64)
    return;
  self->timer = g_timeout_add ((guint) CLAMP (next - now_ms (self), 0, G_MAXUINT), on_timer, self);
}

/* --- consultations --- */

/* A consultation with @number was asked for recently. */
static gboolean
expecting_consultation (CbCallTracker *self,
                        const char    *number)
{
  gint64 *until = g_hash_table_lookup (self->consulting, number);

  return until != NULL && *until >= now_ms (self);
}

/* Pairs a consultation call with the held call it consults about, once
 * both ends are known. */
static void
link_consultation (CbCallTracker *self,
                   CbCall        *call)
{
  const char *server_id = cb_call_get_server_id (call);
  CbCall *held;

  if (server_id == NULL || (held = g_hash_table_lookup (self->consultations, server_id)) == NULL)
    return;
  _cb_call_set_partner (held, call, FALSE);
  _cb_call_set_partner (call, held, TRUE);
  g_hash_table_remove (self->consulting, cb_call_get_remote_number (call));
  g_hash_table_remove (self->consultations, server_id);
}

/* --- inputs --- */

CbCall *
cb_call_tracker_add_dialog (CbCallTracker             *self,
                            const CbCallTrackerDialog *dialog)
{
  g_autofree char *id = NULL;
  CbCall *call;
  guint waiting;

  g_return_val_if_fail (CB_IS_CALL_TRACKER (self), NULL);
  g_return_val_if_fail (dialog != NULL && dialog->call_id != NULL, NULL);

  id = next_id (self);
  call = _cb_call_new_local (id, dialog->direction, dialog->remote_number,
                             lookup_number (self, dialog->remote_number), dialog->sip_call);
  add_entry (self, call, dialog->call_id)->dialog_state =
    dialog->direction == CB_CALL_DIRECTION_IN ? CB_SIP_CALL_STATE_INCOMING : CB_SIP_CALL_STATE_DIALING;
  g_debug ("Dialog %s: call %s with %s", dialog->call_id, id, dialog->remote_number);

  /* Its event may have come first and waits for this dialog. */
  waiting = find_pending (self, NULL, dialog->call_id);
  if (waiting != G_MAXUINT)
    {
      Pending *pending = g_ptr_array_steal_index (self->pending, waiting);

      cb_call_tracker_apply_call (self, pending->call);
      pending_free (pending);
    }

  /* A call the server placed through us does not ring, also when its
   * event is still on the way (the INVITE shows the consulted number),
   * nor one the phone answers by itself at once. */
  if (cb_call_get_direction (call) == CB_CALL_DIRECTION_IN && !dialog->answers_itself &&
      !expecting_consultation (self, dialog->remote_number))
    g_signal_emit (self, signals[SIGNAL_INCOMING_CALL], 0, call);

  reschedule (self);
  return call;
}

void
cb_call_tracker_update_dialog (CbCallTracker  *self,
                               const char     *dialog_call_id,
                               CbSipCallState  state,
                               guint           end_status)
{
  Entry *entry;

  g_return_if_fail (CB_IS_CALL_TRACKER (self));

  entry = find_dialog (self, dialog_call_id);
  if (entry == NULL)
    return;
  entry->dialog_state = state;
  /* The reason first: the end then shows why at once. */
  if (state == CB_SIP_CALL_STATE_ENDED && !entry->server_placed)
    _cb_call_set_failure (entry->call, cb_call_failure_from_sip_status (end_status));
  _cb_call_set_dialog_state (entry->call, state);
}

static void
add_remote (CbCallTracker    *self,
            const CbWireCall *call)
{
  g_autofree char *id = next_id (self);
  const CbWireParty *party = cb_wire_call_remote (call);
  CbCall *remote = _cb_call_new_remote (id, call, lookup_number (self, party->number));

  g_debug ("Remote call %s (%s) with %s", id, call->call_id, party->number);
  drop_pending (self, call->call_id);
  add_entry (self, remote, NULL);
  sync_remote_party (self, remote, call);
  link_consultation (self, remote);
}

/* A call of ours that is not on this phone: a card of its own, driven by
 * the events. One that rings here as well shows as our own call, and the
 * SIP INVITE may come a moment after the event: wait for it briefly.
 * @waited: the event has waited already. */
static void
apply_remote (CbCallTracker    *self,
              const CbWireCall *call,
              gboolean          waited)
{
  Entry *remote = find_remote (self, call->call_id);
  guint waiting;

  if (remote != NULL)
    {
      _cb_call_apply_server (remote->call, call);
      sync_remote_party (self, remote->call, call);
      return;
    }
  if (call->state == CB_WIRE_CALL_STATE_ENDED)
    {
      drop_pending (self, call->call_id);
      return;
    }
  if (!waited && call->state == CB_WIRE_CALL_STATE_RINGING && self->line_registered &&
      may_ring_here (call))
    {
      gint64 shows_at = now_ms (self) + self->timing.event_grace_ms;

      /* A newer event takes the older one's place, not its time. */
      waiting = find_pending (self, call->call_id, NULL);
      if (waiting != G_MAXUINT)
        {
          shows_at = ((Pending *) g_ptr_array_index (self->pending, waiting))->shows_at;
          g_ptr_array_remove_index (self->pending, waiting);
        }
      g_ptr_array_add (self->pending, pending_new (call, shows_at));
      return;
    }
  if (waited && find_dialog (self, call->device_call_id) != NULL)
    return;
  add_remote (self, call);
}

void
cb_call_tracker_apply_call (CbCallTracker    *self,
                            const CbWireCall *call)
{
  Entry *local;
  Entry *remote;

  g_return_if_fail (CB_IS_CALL_TRACKER (self));
  g_return_if_fail (call != NULL);

  /* Colleagues' calls (seen at team level) are not ours to show. */
  if (call->call_id == NULL || call->user_id != self->user_id)
    return;

  local = find_dialog (self, call->device_call_id);
  if (local == NULL)
    {
      apply_remote (self, call, FALSE);
      reschedule (self);
      return;
    }

  /* The call moved to this phone (or was here all along). */
  if ((remote = find_remote (self, call->call_id)) != NULL)
    remove_entry (self, remote);
  drop_pending (self, call->call_id);

  /* Outgoing for the server, yet it rang here: the server placed it
   * through our phone (a consultation, RFC 3725 with answer-after=0). */
  if (call->direction == CB_CALL_DIRECTION_OUT && !local->server_placed &&
      cb_call_get_direction (local->call) == CB_CALL_DIRECTION_IN)
    {
      g_autoptr(GError) error = NULL;

      local->server_placed = TRUE;
      _cb_call_set_server_driven (local->call);
      /* With answer-after the phone library has answered it already. */
      if (local->dialog_state == CB_SIP_CALL_STATE_INCOMING &&
          !_cb_call_answer_dialog (local->call, &error))
        g_debug ("Could not take the server's call: %s", error->message);
    }
  _cb_call_apply_server (local->call, call);
  sync_remote_party (self, local->call, call);
  link_consultation (self, local->call);
  reschedule (self);
}

void
cb_call_tracker_expect_consultation (CbCallTracker *self,
                                     const char    *number)
{
  gint64 *until;

  g_return_if_fail (CB_IS_CALL_TRACKER (self));
  g_return_if_fail (number != NULL);

  until = g_new (gint64, 1);
  *until = now_ms (self) + self->timing.consult_expect_ms;
  g_hash_table_replace (self->consulting, g_strdup (number), until);
}

void
cb_call_tracker_forget_consultation (CbCallTracker *self,
                                     const char    *number)
{
  g_return_if_fail (CB_IS_CALL_TRACKER (self));
  g_hash_table_remove (self->consulting, number);
}

void
cb_call_tracker_consultation_started (CbCallTracker *self,
                                      CbCall        *held,
                                      const char    *server_call_id)
{
  g_return_if_fail (CB_IS_CALL_TRACKER (self));
  g_return_if_fail (CB_IS_CALL (held));
  g_return_if_fail (server_call_id != NULL);

  g_hash_table_replace (self->consultations, g_strdup (server_call_id), g_object_ref (held));
  /* Its event may have been first. */
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (cb_call_get_server_id (entry->call), server_call_id) == 0)
        {
          link_consultation (self, entry->call);
          break;
        }
    }
}

void
cb_call_tracker_expire (CbCallTracker *self)
{
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  g_autoptr(CbCallTracker) hold = g_object_ref (self);
  GHashTableIter iter;
  gint64 *until;
  gint64 now;

  g_return_if_fail (CB_IS_CALL_TRACKER (self));

  now = now_ms (self);
  for (guint i = self->entries->len; i > 0; i--)
    {
      Entry *entry = g_ptr_array_index (self->entries, i - 1);

      if (entry->leaves_at != 0 && entry->leaves_at <= now)
        remove_entry (self, entry);
    }

  for (guint i = 0; i < self->pending->len;)
    if (((Pending *) g_ptr_array_index (self->pending, i))->shows_at <= now)
      g_ptr_array_add (due, g_ptr_array_steal_index (self->pending, i));
    else
      i++;
  for (guint i = 0; i < due->len; i++)
    apply_remote (self, ((Pending *) g_ptr_array_index (due, i))->call, TRUE);

  g_hash_table_iter_init (&iter, self->consulting);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &until))
    if (*until < now)
      g_hash_table_iter_remove (&iter);

  reschedule (self);
}

void
cb_call_tracker_dismiss (CbCallTracker *self,
                         CbCall        *call)
{
  Entry *entry;

  g_return_if_fail (CB_IS_CALL_TRACKER (self));
  g_return_if_fail (CB_IS_CALL (call));

  entry = find_entry (self, call);
  if (entry == NULL || cb_call_get_state (call) != CB_CALL_STATE_ENDED)
    return;
  remove_entry (self, entry);
  reschedule (self);
}

void
cb_call_tracker_clear (CbCallTracker *self)
{
  g_autoptr(GPtrArray) entries = NULL;

  g_return_if_fail (CB_IS_CALL_TRACKER (self));

  g_clear_handle_id (&self->timer, g_source_remove);
  g_ptr_array_set_size (self->pending, 0);
  g_hash_table_remove_all (self->consultations);
  g_hash_table_remove_all (self->consulting);

  entries = g_steal_pointer (&self->entries);
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);

      g_signal_handlers_disconnect_by_data (entry->call, self);
      /* The desk phone's calls go on without us. */
      if (entry->dialog_id != NULL)
        cb_call_hangup (entry->call);
      _cb_call_set_controls (entry->call, NULL, NULL);
      _cb_call_set_ended (entry->call);
    }
  g_list_store_remove_all (self->calls);
}

/* --- what is known --- */

GListModel *
cb_call_tracker_get_calls (CbCallTracker *self)
{
  g_return_val_if_fail (CB_IS_CALL_TRACKER (self), NULL);
  return G_LIST_MODEL (self->calls);
}

CbCall *
cb_call_tracker_lookup (CbCallTracker *self,
                        const char    *id)
{
  g_return_val_if_fail (CB_IS_CALL_TRACKER (self), NULL);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (cb_call_get_id (entry->call), id) == 0)
        return entry->call;
    }
  return NULL;
}

CbCall *
cb_call_tracker_lookup_dialog (CbCallTracker *self,
                               const char    *dialog_call_id)
{
  Entry *entry;

  g_return_val_if_fail (CB_IS_CALL_TRACKER (self), NULL);

  entry = find_dialog (self, dialog_call_id);
  return entry != NULL ? entry->call : NULL;
}

CbCall *
cb_call_tracker_lookup_server_call (CbCallTracker *self,
                                    const char    *server_call_id)
{
  g_return_val_if_fail (CB_IS_CALL_TRACKER (self), NULL);

  if (server_call_id == NULL)
    return NULL;
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (cb_call_get_server_id (entry->call), server_call_id) == 0 &&
          cb_call_get_state (entry->call) != CB_CALL_STATE_ENDED)
        return entry->call;
    }
  return NULL;
}

const char *
cb_call_tracker_get_server_id (CbCallTracker *self,
                               CbCall        *call)
{
  g_return_val_if_fail (CB_IS_CALL_TRACKER (self), NULL);
  g_return_val_if_fail (CB_IS_CALL (call), NULL);

  return cb_call_get_server_id (call);
}

/* --- GObject --- */

static void
cb_call_tracker_dispose (GObject *object)
{
  CbCallTracker *self = CB_CALL_TRACKER (object);

  g_clear_handle_id (&self->timer, g_source_remove);
  if (self->entries != NULL)
    for (guint i = 0; i < self->entries->len; i++)
      {
        Entry *entry = g_ptr_array_index (self->entries, i);

        g_signal_handlers_disconnect_by_data (entry->call, self);
        _cb_call_set_controls (entry->call, NULL, NULL);
      }
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->consultations, g_hash_table_unref);
  g_clear_pointer (&self->consulting, g_hash_table_unref);
  g_clear_object (&self->calls);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cb_call_tracker_parent_class)->dispose (object);
}

static void
cb_call_tracker_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CbCallTracker *self = CB_CALL_TRACKER (object);

  switch (prop_id)
    {
    case PROP_CALLS:
      g_value_set_object (value, self->calls);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_call_tracker_class_init (CbCallTrackerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_call_tracker_dispose;
  object_class->get_property = cb_call_tracker_get_property;

  properties[PROP_CALLS] =
    g_param_spec_object ("calls", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_INCOMING_CALL] =
    g_signal_new ("incoming-call", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CB_TYPE_CALL);
}

static void
cb_call_tracker_init (CbCallTracker *self)
{
  self->timing.ended_linger_ms = ENDED_LINGER_MS_DEFAULT;
  self->timing.event_grace_ms = EVENT_GRACE_MS_DEFAULT;
  self->timing.consult_expect_ms = CONSULT_EXPECT_MS_DEFAULT;
  self->clock = monotonic_ms;
  self->calls = g_list_store_new (CB_TYPE_CALL);
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  self->consultations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->consulting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

CbCallTracker *
cb_call_tracker_new (gint64         user_id,
                     CbClientStore *store)
{
  CbCallTracker *self;

  g_return_val_if_fail (store == NULL || CB_IS_CLIENT_STORE (store), NULL);

  self = g_object_new (CB_TYPE_CALL_TRACKER, NULL);
  self->user_id = user_id;
  self->store = store != NULL ? g_object_ref (store) : NULL;
  return self;
}

void
cb_call_tracker_set_controls (CbCallTracker        *self,
                              const CbCallControls *controls,
                              gpointer              user_data)
{
  g_return_if_fail (CB_IS_CALL_TRACKER (self));

  self->controls = controls;
  self->controls_data = user_data;
  for (guint i = 0; i < self->entries->len; i++)
    _cb_call_set_controls (((Entry *) g_ptr_array_index (self->entries, i))->call,
                           controls, user_data);
}

void
cb_call_tracker_get_timing (CbCallTracker       *self,
                            CbCallTrackerTiming *timing)
{
  g_return_if_fail (CB_IS_CALL_TRACKER (self));
  g_return_if_fail (timing != NULL);

  *timing = self->timing;
}

void
cb_call_tracker_set_timing (CbCallTracker             *self,
                            const CbCallTrackerTiming *timing)
{
  g_return_if_fail (CB_IS_CALL_TRACKER (self));
  g_return_if_fail (timing != NULL);

  self->timing = *timing;
}

void
cb_call_tracker_set_clock (CbCallTracker      *self,
                           CbCallTrackerClock  clock,
                           gpointer            user_data)
{
  g_return_if_fail (CB_IS_CALL_TRACKER (self));

  self->clock = clock != NULL ? clock : monotonic_ms;
  self->clock_data = clock != NULL ? user_data : NULL;
  reschedule (self);
}

void
cb_call_tracker_set_line_registered (CbCallTracker *self,
                                     gboolean       registered)
{
  g_return_if_fail (CB_IS_CALL_TRACKER (self));
  self->line_registered = !!registered;
}
