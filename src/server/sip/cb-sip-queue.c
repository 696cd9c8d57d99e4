/* cb-sip-queue.c: queue groups in callboardd: waiting callers, hold music, offers to agents, wrap-up
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A caller to a queue number is answered at once with the hold music
 * endpoint's SDP and waits. One CbQueueDispatcher per group decides which
 * agent rings for whom; this file does the SIP: an INVITE with the
 * caller's offer to every registered phone of the agent, CANCEL when the
 * offer is withdrawn. The first agent phone to answer wins: the music
 * stops and the B2BUA takes both dialogs over as one connected call (it
 * re-INVITEs the caller with the agent's answer, so media then flows
 * between the two phones). When the agent's part of that call ends the
 * agent is in Wrap-up for the group's wrap_up time, then Available again,
 * through cb_changes_set_agent_status() like any other change.
 *
 * An agent is ready for a queue when logged into the group, Available
 * (DeviceOnly phones: logged in is enough), not in do-not-disturb,
 * registered, and in no call or offer. Whether that holds is looked at
 * again from the main loop whenever something about a user changed: the
 * service layer's signals (status, presence, logins, group edits) and
 * the registrar (registrations, calls) say when.
 *
 * Its figures (waiting, answered and abandoned today) are kept by
 * cb-sip-queue-stats.c. A wrap-up a queue started is in the store: a
 * restart ends it when it would have ended. So is a waiting caller's
 * dialog (cb-sip-recovery.c): a restart after a crash sends it a BYE
 * and journals the call as ended by the restart.
 */

#define G_LOG_DOMAIN "cb-queue"

#include "config.h"

#include "cb-hold-music.h"
#include "cb-queue-dispatcher.h"
#include "cb-sip-b2bua.h"
#include "cb-sip-call-events.h"
#include "cb-sip-headers.h"
#include "cb-sip-queue.h"
#include "cb-sip-queue-stats.h"
#include "cb-sip-recovery.h"
#include "cb-sip-registrar.h"
#include "cb-sip-router.h"
#include "cb-sip-tls.h"

typedef enum {
  QUEUE_CALLER,
  QUEUE_RING,
} QueueKind;

typedef struct {
  CbSipMagic magic;    /* kind CB_SIP_MAGIC_QUEUE */
  QueueKind  what;
} QueueMagic;

typedef struct _Queue Queue;
typedef struct _Caller Caller;

typedef struct {
  QueueMagic    magic;
  CbSipQueue   *owner;
  Caller       *caller;     /* NULL once the caller left */
  gint64        agent_id;
  nua_handle_t *nh;
  char         *call_id;
  char         *contact;
  char         *kind;       /* line kind of the phone */
  CbSipOrigin   origin;     /* our o= towards it */
  gboolean      calling;    /* no final answer yet, not cancelled */
} Ring;

struct _Caller {
  QueueMagic    magic;
  Queue        *queue;
  guint64       serial;     /* the dispatcher's id */
  char         *id;         /* the call id clients see */
  nua_handle_t *nh;
  char         *offer;      /* the caller's SDP */
  char         *answer;     /* ours */
  CbSipOrigin   origin;     /* our o= towards it */
  char         *dialog_id;  /* its INVITE's Call-ID */
  char         *contact;
  char         *remote;     /* its From: our To towards it, with the tag */
  char         *local;      /* our To with our tag, once its ACK showed it */
  char         *route;      /* its route set (Record-Route), or NULL */
  guint32       local_cseq; /* our CSeq in its dialog, if the B2BUA used one */
  gboolean      kept;       /* its dialog is in the store (cb-sip-recovery.c) */
  guint         stream;     /* hold music, 0: stopped */
  gint64        caller_id;
  char         *number;
  gint64        entered_at; /* unix s */
  GPtrArray    *rings;      /* Ring, not owned */
  GArray       *rung;       /* gint64 agents it rang, for their journals */
  gboolean      acked;      /* its ACK came: offers may start (they end in a re-INVITE) */
  gboolean      gone;       /* left the queue: answered, abandoned or overflowed */
  gboolean      secure;     /* on TLS: its offer keeps its SRTP keys (cb-sip-tls.c) */
};

struct _Queue {
  CbSipQueue        *owner;
  gint64             group_id;
  char              *number;
  char              *name;
  CbQueueDispatcher *dispatcher;
  guint              wrap_up;      /* s */
  gboolean           announcement;
  char              *overflow;
  GQueue             waiting;      /* Caller, arrival order */
};

struct _CbSipQueue
{
  GObject         parent_instance;

  CbSipServer    *server;
  CbChanges      *changes;    /* the server's */
  CbDirectory    *directory;  /* likewise */
  CbStore        *store;      /* likewise */
  CbHoldMusic    *music;
  CbSipQueueStats *stats;
  GHashTable     *queues;    /* group id → Queue */
  GHashTable     *callers;   /* serial → Caller */
  GHashTable     *rings;     /* Ring set, owned */
  GHashTable     *wrap_ups;  /* agent id → timeout source id */
  guint64         next_serial;
  guint           refresh_id;
};

G_DEFINE_FINAL_TYPE (CbSipQueue, cb_sip_queue, G_TYPE_OBJECT)

static void refresh_all  (CbSipQueue *self);
static void publish_call (Caller *caller, gint64 agent_id, CbWireCallState state, gboolean journal);
static void journal_rung (Caller *caller);
static void queued_caller (Caller *caller, const CbGroupRecord *group, CbSipQueuedCaller *queued);

/* ---- lifetime ---------------------------------------------------------------- */

static void
ring_free (Ring *ring)
{
  cb_sip_handle_release (&ring->nh);
  g_free (ring->call_id);
  g_free (ring->contact);
  g_free (ring->kind);
  cb_sip_origin_clear (&ring->origin);
  g_free (ring);
}

static void
caller_free (Caller *caller)
{
  CbSipQueue *self = caller->queue->owner;

  if (caller->stream != 0)
    cb_hold_music_stop (self->music, caller->stream);
  for (guint i = 0; i < caller->rings->len; i++)
    ((Ring *) g_ptr_array_index (caller->rings, i))->caller = NULL;
  cb_sip_handle_release (&caller->nh);
  g_ptr_array_unref (caller->rings);
  g_array_unref (caller->rung);
  g_free (caller->id);
  g_free (caller->offer);
  g_free (caller->answer);
  cb_sip_origin_clear (&caller->origin);
  g_free (caller->dialog_id);
  g_free (caller->contact);
  g_free (caller->remote);
  g_free (caller->local);
  g_free (caller->route);
  g_free (caller->number);
  g_free (caller);
}

static void
queue_free (Queue *queue)
{
  g_signal_handlers_disconnect_by_data (queue->dispatcher, queue);
  g_object_unref (queue->dispatcher);
  g_queue_clear (&queue->waiting);
  g_free (queue->number);
  g_free (queue->name);
  g_free (queue->overflow);
  g_free (queue);
}

static void
cb_sip_queue_dispose (GObject *object)
{
  CbSipQueue *self = CB_SIP_QUEUE (object);

  if (self->changes != NULL)
    g_signal_handlers_disconnect_by_data (self->changes, self);
  cb_sip_queue_shutdown (self);
  G_OBJECT_CLASS (cb_sip_queue_parent_class)->dispose (object);
}

static void
cb_sip_queue_finalize (GObject *object)
{
  CbSipQueue *self = CB_SIP_QUEUE (object);

  g_hash_table_unref (self->callers);
  g_hash_table_unref (self->rings);
  g_hash_table_unref (self->queues);
  g_hash_table_unref (self->wrap_ups);
  g_clear_pointer (&self->stats, cb_sip_queue_stats_free);
  g_clear_object (&self->music);
  G_OBJECT_CLASS (cb_sip_queue_parent_class)->finalize (object);
}

static void
cb_sip_queue_class_init (CbSipQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_sip_queue_dispose;
  object_class->finalize = cb_sip_queue_finalize;
}

static void
cb_sip_queue_init (CbSipQueue *self)
{
  self->queues = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) queue_free);
  self->callers = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) caller_free);
  self->rings = g_hash_table_new_full (g_direct_hash, g_direct_equal, (GDestroyNotify) ring_free, NULL);
  self->wrap_ups = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

static void start_wrap_up  (CbSipQueue *self, gint64 agent_id, guint seconds);
static void stats_changed  (Queue *queue);

/* Wrap-ups a queue started before a restart end when they would have;
 * one the user set by hand has no record and stays. */
static void
resume_wrap_ups (CbSipQueue *self)
{
  g_autoptr(GArray) wrap_ups = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  wrap_ups = cb_store_list_wrap_ups (self->store, &error);
  if (wrap_ups == NULL)
    {
      g_warning ("Could not list the wrap-ups: %s", error->message);
      return;
    }
  for (guint i = 0; i < wrap_ups->len; i++)
    {
      CbWrapUpRecord *record = &g_array_index (wrap_ups, CbWrapUpRecord, i);
      const CbUserRecord *user = cb_directory_get_user (self->directory, record->user_id);

      if (user != NULL && user->agent_status == CB_AGENT_STATUS_WRAP_UP)
        start_wrap_up (self, record->user_id, (guint) CLAMP (record->until - now, 0, G_MAXUINT));
      else if (!cb_store_set_wrap_up (self->store, record->user_id, 0, NULL))
        g_debug ("Could not clear the wrap-up of %" G_GINT64_FORMAT, record->user_id);
    }
}

/* Whether someone can take queue calls may have changed. */
static void
on_user_changed (CbSipQueue *self,
                 gint64      user_id)
{
  cb_sip_queue_agent_changed (self, user_id);
}

static void
on_group_changed (CbSipQueue *self,
                  gint64      group_id)
{
  cb_sip_queue_agent_changed (self, 0);
}

/* The live figures of a queue group, for its statistics. */
static void
waiting_in (gint64    group_id,
            guint    *waiting,
            gint64   *oldest_since,
            gpointer  data)
{
  CbSipQueue *self = data;
  Queue *queue = g_hash_table_lookup (self->queues, &group_id);
  Caller *oldest = queue != NULL ? g_queue_peek_head (&queue->waiting) : NULL;

  *waiting = queue != NULL ? queue->waiting.length : 0;
  *oldest_since = oldest != NULL ? oldest->entered_at : 0;
}

CbSipQueue *
cb_sip_queue_new (CbSipServer *server)
{
  CbSipQueue *self = g_object_new (CB_TYPE_SIP_QUEUE, NULL);

  self->server = server;
  self->changes = cb_sip_server_get_changes (server);
  self->directory = cb_sip_server_get_directory (server);
  self->store = cb_sip_server_get_store (server);
  self->music = cb_hold_music_new (cb_sip_server_get_address (server));
  self->stats = cb_sip_queue_stats_new (self->changes, waiting_in, self);
  resume_wrap_ups (self);
  g_signal_connect_swapped (self->changes, "presence-changed", G_CALLBACK (on_user_changed), self);
  g_signal_connect_swapped (self->changes, "agent-status-changed", G_CALLBACK (on_user_changed), self);
  g_signal_connect_swapped (self->changes, "user-changed", G_CALLBACK (on_user_changed), self);
  g_signal_connect_swapped (self->changes, "group-login-changed", G_CALLBACK (on_group_changed), self);
  g_signal_connect_swapped (self->changes, "group-changed", G_CALLBACK (on_group_changed), self);
  return self;
}

void
cb_sip_queue_shutdown (CbSipQueue *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (CB_IS_SIP_QUEUE (self));

  /* Callers still waiting: their calls end here, journals included (as
   * the B2BUA's calls do). That schedules refreshes: cleared below. */
  g_hash_table_iter_init (&iter, self->callers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Caller *caller = value;

      if (caller->gone)
        continue;
      caller->gone = TRUE;
      journal_rung (caller);
      publish_call (caller, 0, CB_WIRE_CALL_STATE_ENDED, TRUE);
    }

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  cb_sip_queue_stats_stop (self->stats);
  g_hash_table_iter_init (&iter, self->wrap_ups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_source_remove (GPOINTER_TO_UINT (value));
  g_hash_table_remove_all (self->wrap_ups);
  /* nua_shutdown() ends the dialogs. */
  g_hash_table_remove_all (self->callers);
  g_hash_table_remove_all (self->rings);
  g_hash_table_remove_all (self->queues);
}

/* ---- call events and journal --------------------------------------------------- */

static const char *contact_kind (CbSipQueue *self, const char *contact);

/* The caller's side: connected to the queue (remote: the group), from
 * their own phone's dialog. */
static void
caller_side (Caller          *caller,
             CbWireCallState  state,
             CbWireCall      *side)
{
  Queue *queue = caller->queue;
  CbSipQueue *self = queue->owner;

  *side = (CbWireCall) {
    .call_id = caller->id,
    .state = state,
    .user_id = caller->caller_id,
    .direction = CB_CALL_DIRECTION_OUT,
    .from = { caller->caller_id, caller->number, cb_sip_user_name (self->directory, caller->caller_id) },
    .to = { 0, queue->number, queue->name },
    .started_at = caller->entered_at,
    .answered_at = caller->entered_at,
    .device_call_id = caller->dialog_id,
    .device = contact_kind (self, caller->contact),
    .group_id = queue->group_id,
    .group_name = queue->name,
  };
}

/* An agent's side of an offer: the caller, for the group, on the phone
 * of theirs that rings (the softphone of several). */
static void
agent_side (Caller          *caller,
            gint64           agent_id,
            CbWireCallState  state,
            CbWireCall      *side)
{
  Ring *device = NULL;

  for (guint i = 0; i < caller->rings->len; i++)
    {
      Ring *ring = g_ptr_array_index (caller->rings, i);

      if (ring->agent_id == agent_id && ring->calling &&
          (device == NULL || g_strcmp0 (ring->kind, "softphone") == 0))
        device = ring;
    }
  caller_side (caller, state, side);
  side->user_id = agent_id;
  side->direction = CB_CALL_DIRECTION_IN;
  side->answered_at = 0;
  side->device_call_id = device != NULL ? device->call_id : NULL;
  side->device = device != NULL ? device->kind : NULL;
}

/* While the caller waits its dialog is in the store, so that a restart
 * after a crash ends it (a BYE, its journal entry); it goes when the
 * caller leaves, in the transaction of its end, or before the B2BUA
 * keeps the call as its own. */
static gboolean
keep_caller (Caller    *caller,
             CbStore   *store,
             gboolean   waiting,
             GError   **error)
{
  CbSipQueue *self = caller->queue->owner;
  CbSipQueuedCaller queued;

  if (waiting && !caller->gone)
    {
      queued_caller (caller, cb_directory_get_group (self->directory, caller->queue->group_id), &queued);
      caller->kept = TRUE;
      return cb_sip_recovery_keep_queued (store, &queued, caller->entered_at, error);
    }
  if (!caller->kept)
    return TRUE;
  caller->kept = FALSE;
  return cb_store_delete_live_call (store, caller->id, error);
}

/* The same outside a transaction: its dialog said more, it has no
 * call events (an external caller), or the B2BUA takes it over. */
static void
keep_caller_now (Caller   *caller,
                 gboolean  waiting)
{
  g_autoptr(GError) error = NULL;

  if (!keep_caller (caller, caller->queue->owner->store, waiting, &error))
    g_warning ("Could not keep queue call %s: %s", caller->id, error->message);
}

typedef struct {
  Caller          *caller;
  gint64           agent_id;     /* 0: the caller's own side */
  CbWireCallState  state;
  gboolean         journal;      /* the call ended for them */
} CallEvent;

static gboolean
record_call_event (CbChanges  *changes,
                   gpointer    data,
                   GError    **error)
{
  CallEvent *event = data;
  CbWireCall side;

  if (event->agent_id > 0)
    agent_side (event->caller, event->agent_id, event->state, &side);
  else
    caller_side (event->caller, event->state, &side);
  /* The queue answered the caller; an agent it rang answered nothing. */
  return cb_sip_record_call_event (changes, &side, error) &&
         (!event->journal || cb_sip_record_journal (changes, &side, NULL, error)) &&
         (event->agent_id > 0 ||
          keep_caller (event->caller, cb_changes_get_store (changes),
                       event->state != CB_WIRE_CALL_STATE_ENDED, error));
}

static void
publish_call (Caller          *caller,
              gint64           agent_id,
              CbWireCallState  state,
              gboolean         journal)
{
  CbSipQueue *self = caller->queue->owner;
  CallEvent event = { caller, agent_id, state, journal };
  g_autoptr(GError) error = NULL;

  if (agent_id == 0 && caller->caller_id <= 0)
    {
      keep_caller_now (caller, state != CB_WIRE_CALL_STATE_ENDED);
      return;
    }
  if (!cb_changes_run (self->changes, record_call_event, NULL, &event, &error))
    g_warning ("Could not record queue call %s: %s", caller->id, error->message);
  cb_sip_server_update_line_state (self->server, agent_id > 0 ? agent_id : caller->caller_id);
}

static void
stats_changed (Queue *queue)
{
  cb_sip_queue_stats_changed (queue->owner->stats, queue->group_id);
}

/* ---- readiness --------------------------------------------------------------------- */

static guint
rings_of (CbSipQueue *self,
          gint64      agent_id)
{
  GHashTableIter iter;
  Ring *ring;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->rings);
  while (g_hash_table_iter_next (&iter, (gpointer *) &ring, NULL))
    n += ring->calling && ring->agent_id == agent_id;
  return n;
}

static gboolean
waits_in_queue (CbSipQueue *self,
                gint64      user_id)
{
  GHashTableIter iter;
  Caller *caller;

  g_hash_table_iter_init (&iter, self->callers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &caller))
    if (caller->caller_id == user_id && !caller->gone)
      return TRUE;
  return FALSE;
}

CbLineState
cb_sip_queue_line_state (CbSipQueue *self,
                         gint64      user_id)
{
  g_return_val_if_fail (CB_IS_SIP_QUEUE (self), CB_LINE_STATE_OFFLINE);

  if (waits_in_queue (self, user_id))
    return CB_LINE_STATE_BUSY;
  return rings_of (self, user_id) > 0 ? CB_LINE_STATE_RINGING : CB_LINE_STATE_OFFLINE;
}

static gboolean
agent_ready (CbSipQueue *self,
             Queue      *queue,
             gint64      agent_id)
{
  CbDirectory *directory = self->directory;
  const CbUserRecord *user = cb_directory_get_user (directory, agent_id);

  /* A DeviceOnly phone has no client to set a status: its group login
   * is its availability. */
  return user != NULL &&
         (user->agent_status == CB_AGENT_STATUS_AVAILABLE || user->kind == CB_USER_KIND_DEVICE) &&
         user->availability != CB_AVAILABILITY_DND &&
         cb_directory_is_logged_in (directory, queue->group_id, agent_id) &&
         cb_sip_server_is_registered (self->server, agent_id) &&
         cb_sip_b2bua_line_state (cb_sip_server_get_b2bua (self->server), agent_id) == CB_LINE_STATE_OFFLINE &&
         cb_sip_queue_line_state (self, agent_id) == CB_LINE_STATE_OFFLINE;
}

/* Takes the group's current settings and members, then tells the
 * dispatcher who is ready. */
static void
refresh (Queue *queue)
{
  CbSipQueue *self = queue->owner;
  const CbGroupRecord *group = cb_directory_get_group (self->directory, queue->group_id);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (group != NULL)
    {
      g_free (queue->number);
      queue->number = g_strdup (group->number != NULL ? group->number : "");
      g_free (queue->name);
      queue->name = g_strdup (group->name);
      g_free (queue->overflow);
      queue->overflow = g_strdup (group->overflow);
      queue->wrap_up = group->wrap_up;
      queue->announcement = group->announcement;
      cb_queue_dispatcher_set_order (queue->dispatcher, group->queue_order);
      cb_queue_dispatcher_set_timeouts (queue->dispatcher, group->agent_timeout * 1000,
                                        group->max_wait * 1000);
      for (guint i = 0; group->members != NULL && i < group->members->len; i++)
        g_array_append_val (ids, g_array_index (group->members, CbGroupMember, i).user_id);
    }
  cb_queue_dispatcher_set_agents (queue->dispatcher, (gint64 *) ids->data, ids->len);
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      cb_queue_dispatcher_set_agent_ready (queue->dispatcher, id, agent_ready (self, queue, id));
    }
}

static void
refresh_all (CbSipQueue *self)
{
  g_autoptr(GList) queues = g_hash_table_get_values (self->queues);

  for (GList *l = queues; l != NULL; l = l->next)
    refresh (l->data);
}

static gboolean
refresh_idle (gpointer data)
{
  CbSipQueue *self = data;

  self->refresh_id = 0;
  refresh_all (self);
  return G_SOURCE_REMOVE;
}

void
cb_sip_queue_agent_changed (CbSipQueue *self,
                            gint64      user_id)
{
  g_return_if_fail (CB_IS_SIP_QUEUE (self));

  if (self->refresh_id == 0 && g_hash_table_size (self->queues) > 0)
    self->refresh_id = g_idle_add (refresh_idle, self);
}

/* ---- offers -------------------------------------------------------------------------- */

static const char *
contact_kind (CbSipQueue *self,
              const char *contact)
{
  return cb_sip_registrar_contact_kind (cb_sip_server_get_registrar (self->server), contact);
}

static void
rung_add (Caller *caller,
          gint64  agent_id)
{
  for (guint i = 0; i < caller->rung->len; i++)
    if (g_array_index (caller->rung, gint64, i) == agent_id)
      return;
  g_array_append_val (caller->rung, agent_id);
}

static Caller *
find_caller (CbSipQueue *self,
             guint64     serial)
{
  return g_hash_table_lookup (self->callers, &serial);
}

static void
on_offer (CbQueueDispatcher *dispatcher,
          guint64            serial,
          gint64             agent_id,
          Queue             *queue)
{
  CbSipQueue *self = queue->owner;
  Caller *caller = find_caller (self, serial);
  g_autoptr(GPtrArray) contacts = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  const char *address = cb_sip_server_get_address (self->server);
  guint started = 0;

  if (caller == NULL || caller->gone)
    return;
  contacts = cb_sip_registrar_contacts_of (cb_sip_server_get_registrar (self->server), agent_id);
  from = cb_sip_name_addr_at (cb_sip_user_name (self->directory, caller->caller_id), caller->number,
                              address, cb_sip_server_get_port (self->server));
  to = cb_sip_name_addr_at (NULL, queue->number, address, cb_sip_server_get_port (self->server));
  for (guint i = 0; i < contacts->len; i++)
    {
      const char *contact = g_ptr_array_index (contacts, i);
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *body = NULL;
      g_autofree char *offer = NULL;
      Ring *ring = g_new0 (Ring, 1);

      ring->magic.magic.kind = CB_SIP_MAGIC_QUEUE;
      ring->magic.what = QUEUE_RING;
      ring->owner = self;
      ring->caller = caller;
      ring->agent_id = agent_id;
      ring->call_id = g_strdup_printf ("%s@%s", uuid, address);
      ring->contact = g_strdup (contact);
      ring->kind = g_strdup (contact_kind (self, contact));
      ring->calling = TRUE;
      cb_sip_origin_init (&ring->origin);
      /* Keys only to an agent's phone on TLS, over its own connection. */
      offer = cb_sip_tls_sdp_between (caller->offer, caller->secure,
                                      cb_sip_registrar_contact_flow (cb_sip_server_get_registrar (self->server),
                                                                     contact) != NULL);
      body = cb_sip_origin_apply (&ring->origin, address, offer, CB_SIP_SDP_KEEP);
      ring->nh = nua_handle (cb_sip_server_get_nua (self->server), &ring->magic.magic,
                             SIPTAG_FROM_STR (from), SIPTAG_TO_STR (to),
                             SIPTAG_CALL_ID_STR (ring->call_id),
                             CB_SIP_CONTACT_TAGS (self->server, cb_sip_registrar_contact_flow (
                               cb_sip_server_get_registrar (self->server), contact) != NULL),
                             TAG_END ());
      cb_sip_tls_route_to_contact (self->server, ring->nh, contact);
      nua_invite (ring->nh, NUTAG_URL (contact), CB_SIP_SDP_TAGS (body), TAG_END ());
      g_hash_table_add (self->rings, ring);
      g_ptr_array_add (caller->rings, ring);
      started++;
    }
  if (started == 0)
    {
      /* Unregistered since it was found ready. */
      cb_queue_dispatcher_offer_failed (dispatcher, serial, agent_id);
      return;
    }
  g_debug ("Queue %s: caller %s rings agent %" G_GINT64_FORMAT, queue->name, caller->id, agent_id);
  rung_add (caller, agent_id);
  publish_call (caller, agent_id, CB_WIRE_CALL_STATE_RINGING, FALSE);
}

/* Cancels the caller's rings (of one agent, or all with 0). */
static void
cancel_rings (Caller *caller,
              gint64  agent_id,
              Ring   *except)
{
  g_autoptr(GArray) agents = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = caller->rings->len; i > 0; i--)
    {
      Ring *ring = g_ptr_array_index (caller->rings, i - 1);
      gboolean seen = FALSE;

      if (ring == except || (agent_id != 0 && ring->agent_id != agent_id))
        continue;
      if (ring->calling)
        {
          nua_cancel (ring->nh, TAG_END ());
          ring->calling = FALSE;
          for (guint j = 0; j < agents->len; j++)
            seen |= g_array_index (agents, gint64, j) == ring->agent_id;
          if (!seen)
            g_array_append_val (agents, ring->agent_id);
        }
      ring->caller = NULL;
      g_ptr_array_remove_index (caller->rings, i - 1);
    }
  for (guint i = 0; i < agents->len; i++)
    if (except == NULL || g_array_index (agents, gint64, i) != except->agent_id)
      publish_call (caller, g_array_index (agents, gint64, i), CB_WIRE_CALL_STATE_ENDED, FALSE);
}

static void
on_withdraw (CbQueueDispatcher *dispatcher,
             guint64            serial,
             Queue             *queue)
{
  Caller *caller = find_caller (queue->owner, serial);

  if (caller != NULL)
    cancel_rings (caller, 0, NULL);
}

/* The caller leaves the queue (abandoned, overflowed, connected). */
static void
leave_queue (Caller *caller)
{
  Queue *queue = caller->queue;

  caller->gone = TRUE;
  g_queue_remove (&queue->waiting, caller);
  if (caller->stream != 0)
    {
      cb_hold_music_stop (queue->owner->music, caller->stream);
      caller->stream = 0;
    }
  stats_changed (queue);
}

/* Agents it rang who never took it get their journal entry now. */
static void
journal_rung (Caller *caller)
{
  for (guint i = 0; i < caller->rung->len; i++)
    publish_call (caller, g_array_index (caller->rung, gint64, i), CB_WIRE_CALL_STATE_ENDED, TRUE);
}

/* The caller as the B2BUA takes it over. */
static void
queued_caller (Caller              *caller,
               const CbGroupRecord *group,
               CbSipQueuedCaller   *queued)
{
  *queued = (CbSipQueuedCaller) {
    .call_id = caller->id,
    .group = group,
    .caller_id = caller->caller_id,
    .number = caller->number,
    .dialog = {
      .nh = caller->nh, .sdp = caller->offer, .origin = &caller->origin,
      .call_id = caller->dialog_id, .contact = caller->contact, .remote = caller->remote,
      .secure = caller->secure, .local = caller->local, .route = caller->route,
      .local_cseq = caller->local_cseq,
    },
  };
}

static void
on_overflow (CbQueueDispatcher *dispatcher,
             guint64            serial,
             Queue             *queue)
{
  CbSipQueue *self = queue->owner;
  Caller *caller = find_caller (self, serial);
  const CbGroupRecord *group = cb_directory_get_group (self->directory, queue->group_id);
  CbSipQueuedCaller queued;

  if (caller == NULL || caller->gone)
    return;
  g_debug ("Queue %s: caller %s waited %" G_GINT64_FORMAT " s, overflow to “%s”", queue->name,
           caller->id, g_get_real_time () / G_USEC_PER_SEC - caller->entered_at,
           queue->overflow != NULL ? queue->overflow : "");
  cancel_rings (caller, 0, NULL);
  leave_queue (caller);
  journal_rung (caller);

  queued_caller (caller, group, &queued);
  /* The B2BUA keeps the call its own way from here on. */
  keep_caller_now (caller, FALSE);
  if (group != NULL && queue->overflow != NULL && queue->overflow[0] != '\0' &&
      cb_sip_b2bua_queue_redirect (cb_sip_server_get_b2bua (self->server), &queued, queue->overflow))
    {
      /* The B2BUA owns the dialog now. */
      caller->nh = NULL;
      g_hash_table_remove (self->callers, &caller->serial);
      return;
    }
  /* Nowhere to go: the caller hears the call end. */
  nua_bye (caller->nh, TAG_END ());
  publish_call (caller, 0, CB_WIRE_CALL_STATE_ENDED, TRUE);
}

/* ---- the call after an agent answered --------------------------------------------- */

typedef struct {
  CbSipQueue *self;
  gint64      agent_id;
  guint       wrap_up;
} Answered;

typedef struct {
  CbSipQueue *self;
  gint64      agent_id;
} WrapUp;

static gboolean
wrap_up_over (gpointer data)
{
  WrapUp *wrap = data;
  CbSipQueue *self = wrap->self;
  const CbUserRecord *user = cb_directory_get_user (self->directory, wrap->agent_id);
  g_autoptr(GError) error = NULL;

  g_hash_table_remove (self->wrap_ups, &wrap->agent_id);
  if (!cb_store_set_wrap_up (self->store, wrap->agent_id, 0, &error))
    {
      g_warning ("Could not clear the wrap-up of %" G_GINT64_FORMAT ": %s", wrap->agent_id,
                 error->message);
      g_clear_error (&error);
    }
  /* The agent may have chosen another status meanwhile: keep that. */
  if (user != NULL && user->agent_status == CB_AGENT_STATUS_WRAP_UP &&
      !cb_changes_set_agent_status (self->changes, wrap->agent_id, CB_AGENT_STATUS_AVAILABLE, &error))
    g_warning ("Could not end the wrap-up of %" G_GINT64_FORMAT ": %s", wrap->agent_id, error->message);
  return G_SOURCE_REMOVE;
}

/* `data` belongs to the B2BUA's call, which frees it afterwards. */
static void
queue_call_ended (gpointer data)
{
  Answered *answered = data;
  CbSipQueue *self = answered->self;
  const CbUserRecord *user = cb_directory_get_user (self->directory, answered->agent_id);
  g_autoptr(GError) error = NULL;

  if (user == NULL || answered->wrap_up == 0 || user->agent_status != CB_AGENT_STATUS_AVAILABLE)
    {
      cb_sip_queue_agent_changed (self, answered->agent_id);
      return;
    }
  if (!cb_changes_set_agent_status (self->changes, answered->agent_id, CB_AGENT_STATUS_WRAP_UP, &error))
    {
      g_warning ("Could not start the wrap-up of %" G_GINT64_FORMAT ": %s", answered->agent_id, error->message);
      g_clear_error (&error);
    }
  /* Recorded, so that a restart meanwhile still ends it. */
  if (!cb_store_set_wrap_up (self->store, answered->agent_id,
                             g_get_real_time () / G_USEC_PER_SEC + answered->wrap_up, &error))
    g_warning ("Could not record the wrap-up of %" G_GINT64_FORMAT ": %s", answered->agent_id,
               error->message);
  start_wrap_up (self, answered->agent_id, answered->wrap_up);
}

/* The agent, in Wrap-up now, becomes Available after `seconds`. */
static void
start_wrap_up (CbSipQueue *self,
               gint64      agent_id,
               guint       seconds)
{
  WrapUp *wrap;
  guint id;

  wrap = g_new0 (WrapUp, 1);
  wrap->self = self;
  wrap->agent_id = agent_id;
  if ((id = GPOINTER_TO_UINT (g_hash_table_lookup (self->wrap_ups, &wrap->agent_id))) != 0)
    g_source_remove (id);
  /* Not g_timeout_add_seconds(): it may end a wrap-up a quarter of a
   * second early. */
  id = g_timeout_add_full (G_PRIORITY_DEFAULT, MIN (seconds, G_MAXUINT / 1000) * 1000, wrap_up_over,
                           wrap, g_free);
  g_hash_table_insert (self->wrap_ups, g_memdup2 (&wrap->agent_id, sizeof (gint64)), GUINT_TO_POINTER (id));
  g_debug ("Agent %" G_GINT64_FORMAT " in wrap-up for %u s", agent_id, seconds);
}

static void
ring_answered (Ring        *ring,
               const sip_t *sip)
{
  CbSipQueue *self = ring->owner;
  Caller *caller = ring->caller;
  Queue *queue;
  const CbGroupRecord *group;
  g_autofree char *sdp = NULL;
  g_autofree char *agent_remote = NULL;
  g_autofree char *agent_local = NULL;
  g_autofree char *agent_route = NULL;
  g_autoptr(GArray) others = g_array_new (FALSE, FALSE, sizeof (gint64));
  Answered *answered;
  CbSipQueuedCaller queued;
  CbSipDialog from_agent;

  ring->calling = FALSE;
  sdp = cb_sip_payload_dup (sip);
  group = caller != NULL ? cb_directory_get_group (self->directory, caller->queue->group_id) : NULL;
  if (caller == NULL || caller->gone || sdp == NULL || group == NULL)
    {
      /* Too late (another phone won, the caller left): hang this one up. */
      nua_bye (ring->nh, TAG_END ());
      return;
    }
  queue = caller->queue;
  g_debug ("Queue %s: agent %" G_GINT64_FORMAT " took caller %s", queue->name, ring->agent_id, caller->id);

  cancel_rings (caller, 0, ring);
  leave_queue (caller);
  cb_sip_queue_stats_count (self->stats, queue->group_id, TRUE);
  for (guint i = 0; i < caller->rung->len; i++)
    if (g_array_index (caller->rung, gint64, i) != ring->agent_id)
      g_array_append_val (others, g_array_index (caller->rung, gint64, i));

  agent_remote = cb_sip_remote_party (sip, FALSE);
  /* What the B2BUA keeps of both dialogs in the store, so that a restart
   * ends them; ours from the agent's 200. */
  agent_local = cb_sip_recovery_local_party (sip);
  agent_route = cb_sip_recovery_route_set (sip, TRUE);
  queued_caller (caller, group, &queued);
  from_agent = (CbSipDialog) {
    .nh = ring->nh, .sdp = sdp, .origin = &ring->origin,
    .call_id = ring->call_id, .contact = ring->contact, .remote = agent_remote,
    .secure = cb_sip_registrar_contact_flow (cb_sip_server_get_registrar (self->server), ring->contact) != NULL,
    .local = agent_local, .route = agent_route,
    .local_cseq = sip->sip_cseq != NULL ? sip->sip_cseq->cs_seq : 0,
  };
  keep_caller_now (caller, FALSE);
  answered = g_new0 (Answered, 1);
  answered->self = self;
  answered->agent_id = ring->agent_id;
  answered->wrap_up = queue->wrap_up;

  /* Both dialogs belong to the B2BUA from here on. */
  caller->nh = NULL;
  ring->nh = NULL;
  g_ptr_array_remove (caller->rings, ring);
  ring->caller = NULL;
  cb_queue_dispatcher_answered (queue->dispatcher, caller->serial, answered->agent_id);
  queued.rung = others;
  cb_sip_b2bua_queue_connect (cb_sip_server_get_b2bua (self->server), &queued, answered->agent_id,
                              &from_agent, &(CbSipCallEnded) { queue_call_ended, answered, g_free });
  g_hash_table_remove (self->rings, ring);
  g_hash_table_remove (self->callers, &caller->serial);
  cb_sip_queue_agent_changed (self, 0);
}

static void
ring_failed (Ring *ring,
             int   status)
{
  Caller *caller = ring->caller;
  gint64 agent_id = ring->agent_id;

  ring->calling = FALSE;
  if (caller == NULL || caller->gone)
    return;
  g_ptr_array_remove (caller->rings, ring);
  ring->caller = NULL;
  for (guint i = 0; i < caller->rings->len; i++)
    if (((Ring *) g_ptr_array_index (caller->rings, i))->agent_id == agent_id)
      return;
  g_debug ("Queue %s: agent %" G_GINT64_FORMAT " refused caller %s (%d)", caller->queue->name,
           agent_id, caller->id, status);
  publish_call (caller, agent_id, CB_WIRE_CALL_STATE_ENDED, FALSE);
  cb_queue_dispatcher_offer_failed (caller->queue->dispatcher, caller->serial, agent_id);
}

/* ---- the caller ----------------------------------------------------------------------- */

static Queue *
queue_for (CbSipQueue          *self,
           const CbGroupRecord *group)
{
  Queue *queue = g_hash_table_lookup (self->queues, &group->id);

  if (queue != NULL)
    return queue;
  queue = g_new0 (Queue, 1);
  queue->owner = self;
  queue->group_id = group->id;
  queue->dispatcher = cb_queue_dispatcher_new ();
  g_queue_init (&queue->waiting);
  g_signal_connect (queue->dispatcher, "offer", G_CALLBACK (on_offer), queue);
  g_signal_connect (queue->dispatcher, "withdraw", G_CALLBACK (on_withdraw), queue);
  g_signal_connect (queue->dispatcher, "overflow", G_CALLBACK (on_overflow), queue);
  g_hash_table_insert (self->queues, &queue->group_id, queue);
  return queue;
}

static gboolean
anyone_logged_in (CbSipQueue          *self,
                  const CbGroupRecord *group)
{
  for (guint i = 0; group->members != NULL && i < group->members->len; i++)
    if (g_array_index (group->members, CbGroupMember, i).logged_in)
      return TRUE;
  return FALSE;
}

/* The caller (an INVITE not answered yet) waits in the group's queue:
 * answered with the music. Takes `number`. */
static void
enter_queue (CbSipQueue          *self,
             const CbSipDialog   *dialog,
             gint64               caller_id,
             char                *number,
             const CbGroupRecord *group)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *music = NULL;
  Queue *queue;
  Caller *caller;

  queue = queue_for (self, group);
  caller = g_new0 (Caller, 1);
  caller->magic.magic.kind = CB_SIP_MAGIC_QUEUE;
  caller->magic.what = QUEUE_CALLER;
  caller->queue = queue;
  caller->serial = ++self->next_serial;
  caller->id = g_uuid_string_random ();
  caller->nh = dialog->nh;
  caller->caller_id = caller_id;
  caller->number = number;
  caller->entered_at = g_get_real_time () / G_USEC_PER_SEC;
  caller->rings = g_ptr_array_new ();
  caller->rung = g_array_new (FALSE, FALSE, sizeof (gint64));
  caller->dialog_id = g_strdup (dialog->call_id);
  /* The music answers SRTP to a caller on TLS with keys. */
  caller->secure = dialog->secure;
  caller->offer = cb_sip_tls_sdp_between (dialog->sdp, dialog->secure, TRUE);
  caller->contact = g_strdup (dialog->contact);
  caller->remote = g_strdup (dialog->remote);
  caller->local = g_strdup (dialog->local);
  caller->route = g_strdup (dialog->route);
  caller->local_cseq = dialog->local_cseq;
  cb_sip_origin_init (&caller->origin);
  nua_handle_bind (caller->nh, &caller->magic.magic);
  g_hash_table_insert (self->callers, &caller->serial, caller);

  refresh (queue);
  caller->stream = cb_hold_music_play (self->music, caller->offer, queue->announcement,
                                       &music, &error);
  if (caller->stream == 0)
    {
      g_debug ("Queue %s: %s", queue->name, error->message);
      nua_respond (caller->nh, SIP_488_NOT_ACCEPTABLE, TAG_END ());
      caller->gone = TRUE;
      return;
    }
  caller->answer = cb_sip_origin_apply (&caller->origin, cb_sip_server_get_address (self->server), music,
                                        CB_SIP_SDP_KEEP);
  nua_respond (caller->nh, SIP_200_OK, CB_SIP_SDP_TAGS (caller->answer),
               CB_SIP_CONTACT_TAGS (self->server, caller->secure), TAG_END ());
  g_debug ("Queue %s: caller %s (%s) waits", queue->name, caller->id, caller->number);

  g_queue_push_tail (&queue->waiting, caller);
  stats_changed (queue);
  publish_call (caller, 0, CB_WIRE_CALL_STATE_CONNECTED, FALSE);
}

gboolean
cb_sip_queue_incoming (CbSipQueue          *self,
                       const CbSipInvite   *invite,
                       const CbGroupRecord *group)
{
  g_autoptr(CbSipInviteDialog) dialog = NULL;
  g_autofree char *route = NULL;

  g_return_val_if_fail (CB_IS_SIP_QUEUE (self), FALSE);

  if (!anyone_logged_in (self, group))
    return FALSE;
  dialog = cb_sip_invite_dialog_new (invite->nh, invite->sip);
  route = cb_sip_recovery_route_set (invite->sip, FALSE);
  dialog->dialog.route = route;
  enter_queue (self, &dialog->dialog, invite->caller_id,
               cb_sip_user_number (self->directory, invite->caller_id, invite->line), group);
  return TRUE;
}

gboolean
cb_sip_queue_take (CbSipQueue          *self,
                   const CbSipDialog   *caller,
                   gint64               caller_id,
                   const char          *number,
                   const CbGroupRecord *group)
{
  g_return_val_if_fail (CB_IS_SIP_QUEUE (self), FALSE);

  if (!anyone_logged_in (self, group))
    return FALSE;
  enter_queue (self, caller, caller_id, g_strdup (number), group);
  return TRUE;
}

/* The caller hung up while waiting. */
static void
abandoned (Caller *caller)
{
  Queue *queue = caller->queue;

  if (caller->gone)
    return;
  g_debug ("Queue %s: caller %s hung up", queue->name, caller->id);
  cancel_rings (caller, 0, NULL);
  leave_queue (caller);
  cb_sip_queue_stats_count (queue->owner->stats, queue->group_id, FALSE);
  cb_queue_dispatcher_remove_caller (queue->dispatcher, caller->serial);  /* if it got that far */
  journal_rung (caller);
  publish_call (caller, 0, CB_WIRE_CALL_STATE_ENDED, TRUE);
}

static void
caller_event (Caller           *caller,
              const CbSipEvent *event)
{
  CbSipQueue *self = caller->queue->owner;
  int callstate = -1;

  /* Our tag, in the To of its ACK (or of a request after it), completes
   * the record that lets a restart end its dialog. */
  if ((event->event == nua_i_ack || event->event == nua_i_invite) && caller->local == NULL &&
      (caller->local = cb_sip_recovery_local_party (event->sip)) != NULL && caller->kept)
    keep_caller_now (caller, TRUE);

  switch (event->event)
    {
    case nua_i_invite:
      /* A refresh or the phone's hold key: the music goes on as it was. */
      nua_respond (event->nh, SIP_200_OK, CB_SIP_SDP_TAGS (caller->answer), TAG_END ());
      break;

    case nua_i_ack:
      /* Only now can a re-INVITE reach the caller: it joins the queue's
       * distribution (the max wait counts from here). */
      if (!caller->acked && !caller->gone)
        {
          caller->acked = TRUE;
          cb_queue_dispatcher_add_caller (caller->queue->dispatcher, caller->serial);
        }
      break;

    case nua_i_bye:
    case nua_i_cancel:
      abandoned (caller);
      break;

    case nua_i_state:
      tl_gets (event->tags, NUTAG_CALLSTATE_REF (callstate), TAG_END ());
      if (callstate != nua_callstate_terminated)
        break;
      abandoned (caller);
      g_hash_table_remove (self->callers, &caller->serial);
      break;

    default:
      break;
    }
}

static void
ring_event (Ring             *ring,
            const CbSipEvent *event)
{
  CbSipQueue *self = ring->owner;
  int status = event->status;
  int callstate = -1;

  switch (event->event)
    {
    case nua_r_invite:
      if (status < 200)
        break;
      if (!ring->calling)
        {
          /* A 200 that crossed our CANCEL: the phone is up, end it. */
          if (status < 300)
            nua_bye (ring->nh, TAG_END ());
          break;
        }
      if (status < 300)
        ring_answered (ring, event->sip);
      else
        ring_failed (ring, status);
      break;

    case nua_i_state:
      tl_gets (event->tags, NUTAG_CALLSTATE_REF (callstate), TAG_END ());
      if (callstate != nua_callstate_terminated)
        break;
      if (ring->calling)
        ring_failed (ring, 480);
      if (ring->caller != NULL)
        g_ptr_array_remove (ring->caller->rings, ring);
      g_hash_table_remove (self->rings, ring);
      break;

    default:
      break;
    }
}

void
cb_sip_queue_event (CbSipQueue       *self,
                    const CbSipEvent *event)
{
  QueueMagic *queue_magic = (QueueMagic *) event->magic;

  g_return_if_fail (CB_IS_SIP_QUEUE (self));

  if (queue_magic->what == QUEUE_CALLER)
    caller_event ((Caller *) event->magic, event);
  else
    ring_event ((Ring *) event->magic, event);
}
