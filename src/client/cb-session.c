/* cb-session.c: a signed-in connection to callboardd
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session is the policy: when to sign in and out, when to reconnect
 * and how long to wait, when a new snapshot is needed. The wire is
 * elsewhere: REST in CbRestClient, the WebSocket in CbEventStream.
 *
 * Operations the session starts on its own (reconnects, resyncs) hold only
 * a weak reference to it, so dropping the last reference to a session
 * cancels them instead of being kept alive by them.
 */

#define G_LOG_DOMAIN "cb-client"

#include "config.h"

#include "cb-event-stream.h"
#include "cb-session.h"
#include "cb-startup-trace.h"

#define RECONNECT_MIN_MS_DEFAULT 250
#define RECONNECT_MAX_MS_DEFAULT 30000
#define RECONNECT_JITTER 0.3
/* How long signing in waits for the server's first answer. */
#define CONNECT_TIMEOUT_MS_DEFAULT 10000
/* The journal page loaded after signing in; older entries are paged in
 * on demand (not yet). */
#define JOURNAL_PAGE_LIMIT 200
/* Above this many colleagues the store holds only those the client shows
 * and finds the others by searching the server (cb-bench client-start:
 * 2,000 fully loaded sign in well within 400 ms; 10,000 would cost
 * 150 ms and 20 MiB more for people nobody looks at). */
#define DIRECTORY_LIMIT_DEFAULT 2000
/* Found by one directory search at most; the server gives up to 500. */
#define SEARCH_LIMIT 200

G_DEFINE_ENUM_TYPE (CbConnectionState, cb_connection_state,
  G_DEFINE_ENUM_VALUE (CB_CONNECTION_STATE_SIGNED_OUT, "signed-out"),
  G_DEFINE_ENUM_VALUE (CB_CONNECTION_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (CB_CONNECTION_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (CB_CONNECTION_STATE_RECONNECTING, "reconnecting"))

struct _CbSession
{
  GObject            parent_instance;

  char              *server_url;
  char              *username;
  gint64             user_id;
  CbConnectionState  state;
  CbClientStore     *store;
  CbCallAs          *call_as;
  char              *last_error;
  guint              reconnect_min_ms;
  guint              reconnect_max_ms;
  guint              connect_timeout_ms;

  CbRestClient      *rest;
  CbEventStream     *stream;
  /* Cancelled on sign-out and dispose: everything the session runs for
   * one sign-in (WebSocket handshakes, resync snapshots). */
  GCancellable      *life;
  guint              reconnect_source;
  guint              attempt;

  guint              attempt_in_flight : 1;
  /* Set by "resync" until a new snapshot is in the store. */
  guint              need_snapshot : 1;
};

G_DEFINE_FINAL_TYPE (CbSession, cb_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_USERNAME,
  PROP_USER_ID,
  PROP_TOKEN,
  PROP_STATE,
  PROP_STORE,
  PROP_ACCEPT_INVALID_CERTIFICATES,
  PROP_LAST_ERROR,
  PROP_RECONNECT_MIN_MS,
  PROP_RECONNECT_MAX_MS,
  PROP_CONNECT_TIMEOUT_MS,
  N_PROPS
};

enum {
  SIGNAL_EVENT_RECEIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void open_stream        (CbSession  *self);
static void load_journal       (CbSession  *self);
static void start_resync       (CbSession  *self);
static void drop_stream        (CbSession  *self);
static void schedule_reconnect (CbSession  *self,
                                const char *reason);

/* --- small state helpers --- */

static void
set_state (CbSession         *self,
           CbConnectionState  state)
{
  if (self->state == state)
    return;
  g_debug ("Session %s: state %d -> %d", self->username, self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_last_error (CbSession  *self,
                const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
set_token (CbSession  *self,
           const char *token)
{
  if (g_strcmp0 (cb_rest_client_get_token (self->rest), token) == 0)
    return;
  cb_rest_client_set_token (self->rest, token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

static gboolean
signed_in (CbSession *self)
{
  return cb_rest_client_get_token (self->rest) != NULL;
}

static guint
env_uint (const char *name,
        guint       fallback)
{
  const char *value = g_getenv (name);
  guint64 parsed;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &parsed, NULL))
    return fallback;
  return (guint) parsed;
}

/* Background work holds the session weakly. */
static GWeakRef *
weak_self (CbSession *self)
{
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  g_weak_ref_init (weak, self);
  return weak;
}

static CbSession *
take_weak_self (GWeakRef *weak)
{
  CbSession *self = g_weak_ref_get (weak);

  g_weak_ref_clear (weak);
  g_free (weak);
  return self;
}

/* Stops everything belonging to the current sign-in: timers, handshakes,
 * the event stream. The token and store stay. */
static void
stop_connection (CbSession *self)
{
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  g_cancellable_cancel (self->life);
  g_clear_object (&self->life);
  self->life = g_cancellable_new ();
  self->attempt_in_flight = FALSE;
  self->need_snapshot = FALSE;
  self->attempt = 0;
  drop_stream (self);
}

/* The server no longer knows our token (revoked, expired, user removed):
 * retrying cannot help; the user has to sign in again. */
static void
on_unauthorized (CbSession    *self,
                 const char   *message,
                 CbRestClient *rest)
{
  g_autofree char *text = NULL;

  if (self->state == CB_CONNECTION_STATE_SIGNED_OUT)
    return;

  text = g_strdup_printf ("Signed out by the server: %s", message);
  g_debug ("%s", text);
  stop_connection (self);
  set_token (self, NULL);
  set_last_error (self, text);
  set_state (self, CB_CONNECTION_STATE_SIGNED_OUT);
}

/* --- the event stream --- */

static void
on_stream_event (CbSession     *self,
                 gint64         seq,
                 CbEventType    type,
                 JsonObject    *data,
                 CbEventStream *stream)
{
  g_autoptr(CbSession) hold = NULL;

  if (type == CB_EVENT_TYPE_RESYNC)
    {
      g_debug ("Server asked for a resync at seq %" G_GINT64_FORMAT, seq);
      start_resync (self);
      return;
    }

  /* A handler may drop the last reference to the session. */
  hold = g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_EVENT_RECEIVED], 0, seq, type, data);
  cb_client_store_apply_event (self->store, seq, type, data);
  if (self->stream == stream)
    cb_event_stream_set_seq (stream, cb_client_store_get_seq (self->store));
}

static void
on_stream_unknown_event (CbSession     *self,
                         gint64         seq,
                         CbEventStream *stream)
{
  cb_client_store_skip_event (self->store, seq);
  cb_event_stream_set_seq (stream, cb_client_store_get_seq (self->store));
}

static void
on_stream_closed (CbSession     *self,
                  const char    *reason,
                  CbEventStream *stream)
{
  drop_stream (self);
  schedule_reconnect (self, reason);
}

static void
drop_stream (CbSession *self)
{
  g_autoptr(CbEventStream) stream = g_steal_pointer (&self->stream);

  if (stream == NULL)
    return;
  g_signal_handlers_disconnect_by_data (stream, self);
  cb_event_stream_close (stream);
}

static void
on_stream_open (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CbEventStream) stream = CB_EVENT_STREAM (source);
  g_autoptr(CbSession) self = take_weak_self (user_data);
  g_autoptr(GError) error = NULL;

  if (!cb_event_stream_connect_finish (stream, result, &error))
    {
      /* Signed out (or gone) while the handshake ran. */
      if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->attempt_in_flight = FALSE;
      /* A 401 signed us out already ("unauthorized"). */
      if (!g_error_matches (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_UNAUTHORIZED))
        schedule_reconnect (self, error->message);
      return;
    }
  if (self == NULL)
    {
      cb_event_stream_close (stream);
      return;
    }

  self->attempt_in_flight = FALSE;
  g_debug ("Event stream open for %s at seq %" G_GINT64_FORMAT,
           self->username, cb_client_store_get_seq (self->store));

  drop_stream (self);
  self->stream = g_object_ref (stream);
  g_signal_connect_object (stream, "event", G_CALLBACK (on_stream_event), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (stream, "unknown-event", G_CALLBACK (on_stream_unknown_event), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (stream, "closed", G_CALLBACK (on_stream_closed), self,
                           G_CONNECT_SWAPPED);

  self->attempt = 0;
  set_last_error (self, NULL);
  set_state (self, CB_CONNECTION_STATE_CONNECTED);
}

static void
open_stream (CbSession *self)
{
  /* The callback takes this reference. */
  CbEventStream *stream = cb_event_stream_new (self->rest);

  self->attempt_in_flight = TRUE;
  cb_event_stream_connect_async (stream, cb_client_store_get_seq (self->store), self->life,
                                 on_stream_open, weak_self (self));
}

/* --- reconnecting --- */

static void
attempt_reconnect (CbSession *self)
{
  g_clear_handle_id (&self->reconnect_source, g_source_remove);

  if (self->need_snapshot)
    start_resync (self);
  else
    open_stream (self);
}

static gboolean
on_reconnect_timeout (gpointer user_data)
{
  CbSession *self = user_data;

  self->reconnect_source = 0;
  attempt_reconnect (self);
  return G_SOURCE_REMOVE;
}

static guint
next_delay_ms (CbSession *self)
{
  guint max = MAX (self->reconnect_max_ms, 1);
  double delay = MIN (self->reconnect_min_ms, max);

  /* Exponential, capped; the jitter keeps a whole office from hammering
   * a restarted server in lock step. */
  for (guint i = 0; i < self->attempt && delay < max; i++)
    delay *= 2;
  delay = MIN (delay, max);
  delay *= g_random_double_range (1.0 - RECONNECT_JITTER, 1.0 + RECONNECT_JITTER);
  return (guint) MAX (delay, 1.0);
}

static void
schedule_reconnect (CbSession  *self,
                    const char *reason)
{
  guint delay;

  if (self->state == CB_CONNECTION_STATE_SIGNED_OUT || !signed_in (self))
    return;

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  delay = next_delay_ms (self);
  if (self->attempt < G_MAXUINT)
    self->attempt++;

  g_debug ("Reconnecting %s in %u ms (attempt %u): %s",
           self->username, delay, self->attempt, reason);
  set_last_error (self, reason);
  set_state (self, CB_CONNECTION_STATE_RECONNECTING);
  self->reconnect_source = g_timeout_add (delay, on_reconnect_timeout, self);
}

/* --- the snapshot: fetched, then parsed in a worker thread --- */

static void
on_snapshot_loaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  CbSnapshot *snapshot = cb_snapshot_load_finish (result, &error);

  if (snapshot == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, snapshot, (GDestroyNotify) cb_snapshot_free_in_background);
}

static void
on_snapshot_body (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GInputStream) stream = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  body = cb_rest_client_get_snapshot_body_finish (CB_REST_CLIENT (source), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  cb_startup_trace_mark ("snapshot-received");
  stream = g_memory_input_stream_new_from_bytes (body);
  /* Apart from the call: the order of arguments is unspecified. */
  cancellable = g_task_get_cancellable (task);
  cb_snapshot_load_async (stream, cancellable, on_snapshot_loaded, g_steal_pointer (&task));
}

/* The task holds the REST client, not the session: see weak_self(). */
static void
fetch_snapshot_async (CbSession           *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (self->rest, cancellable, callback, user_data);

  g_task_set_source_tag (task, fetch_snapshot_async);
  cb_rest_client_get_snapshot_body_async (self->rest, cancellable, on_snapshot_body, task);
}

static CbSnapshot *
fetch_snapshot_finish (GAsyncResult  *result,
                       GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- resync: a new snapshot, then the stream from its seq --- */

static void
on_resync_snapshot (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CbSession) self = take_weak_self (user_data);
  g_autoptr(GError) error = NULL;
  CbSnapshot *snapshot;

  snapshot = fetch_snapshot_finish (result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      cb_snapshot_free_in_background (snapshot);
      return;
    }

  self->attempt_in_flight = FALSE;
  if (self->state == CB_CONNECTION_STATE_SIGNED_OUT)
    {
      cb_snapshot_free_in_background (snapshot);
      return;  /* a 401 already signed us out */
    }

  if (snapshot == NULL)
    {
      schedule_reconnect (self, error->message);
      return;
    }
  cb_client_store_apply_loaded_snapshot (self->store, snapshot);
  cb_snapshot_free_in_background (snapshot);

  self->need_snapshot = FALSE;
  open_stream (self);
  /* Events were lost; the journal may have missed entries too. */
  load_journal (self);
}

/* @quiet: the connection is fine, only the store wants more (see
 * on_store_needs_snapshot()): nobody is told of a reconnect. */
static void
start_resync_full (CbSession *self,
                   gboolean   quiet)
{
  /* The old stream is useless now: its seq no longer fits a snapshot. */
  drop_stream (self);
  self->need_snapshot = TRUE;
  if (self->state == CB_CONNECTION_STATE_CONNECTED && !quiet)
    set_state (self, CB_CONNECTION_STATE_RECONNECTING);

  self->attempt_in_flight = TRUE;
  fetch_snapshot_async (self, self->life, on_resync_snapshot, weak_self (self));
}

static void
start_resync (CbSession *self)
{
  start_resync_full (self, FALSE);
}

/* An event named someone a directory above the limit has not loaded. A
 * new snapshot loads them, and the stream resumes from its seq, so that
 * no event is lost in between. */
static void
on_store_needs_snapshot (CbSession     *self,
                         CbClientStore *store)
{
  if (self->state != CB_CONNECTION_STATE_CONNECTED || self->need_snapshot)
    return;
  start_resync_full (self, TRUE);
}

/* --- the journal --- */

static void
on_journal (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CbSession) self = take_weak_self (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) page = NULL;

  page = cb_rest_client_get_journal_finish (CB_REST_CLIENT (source), result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (page != NULL)
    cb_client_store_apply_journal (self->store, page, &error);
  /* Not fatal: the journal stays as it was and events keep adding to it. */
  if (error != NULL)
    g_debug ("Could not load the journal: %s", error->message);
}

static void
load_journal (CbSession *self)
{
  cb_rest_client_get_journal_async (self->rest, JOURNAL_PAGE_LIMIT, self->life, on_journal,
                                    weak_self (self));
}

/* --- signing in --- */

/* One sign-in: it runs on a cancellable of its own, which the caller's
 * cancels too, and which the connect limit cancels while the server has
 * not answered yet (then the error says it timed out). */
typedef struct {
  GCancellable *attempt;
  GCancellable *caller;
  gulong        caller_handler;
  guint         timeout_source;
  guint         timeout_ms;
  gboolean      timed_out;
} SignIn;

static void
sign_in_free (gpointer data)
{
  SignIn *sign_in = data;

  g_clear_handle_id (&sign_in->timeout_source, g_source_remove);
  if (sign_in->caller != NULL)
    g_cancellable_disconnect (sign_in->caller, sign_in->caller_handler);
  g_clear_object (&sign_in->caller);
  g_clear_object (&sign_in->attempt);
  g_free (sign_in);
}

static void
on_caller_cancelled (GCancellable *caller,
                     GCancellable *attempt)
{
  g_cancellable_cancel (attempt);
}

static gboolean
on_connect_timeout (gpointer user_data)
{
  SignIn *sign_in = user_data;

  sign_in->timeout_source = 0;
  sign_in->timed_out = TRUE;
  g_debug ("No answer from the server within %u ms", sign_in->timeout_ms);
  g_cancellable_cancel (sign_in->attempt);
  return G_SOURCE_REMOVE;
}

static void
fail_sign_in (GTask  *task,
              GError *error)
{
  CbSession *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);

  if (sign_in->timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&error);
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           "The server did not answer within %u seconds",
                           (sign_in->timeout_ms + 999) / 1000);
    }

  if (signed_in (self))
    {
      /* Signed in but could not load the snapshot: do not leave a live
       * token behind on the server. Nobody waits for the answer. */
      cb_rest_client_sign_out_async (self->rest, NULL, NULL, NULL);
      set_token (self, NULL);
    }
  set_last_error (self, error->message);
  set_state (self, CB_CONNECTION_STATE_SIGNED_OUT);
  g_task_return_error (task, error);
}

static void
on_sign_in_snapshot (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CbSession *self = g_task_get_source_object (task);
  CbSnapshot *snapshot;
  GError *error = NULL;

  snapshot = fetch_snapshot_finish (result, &error);
  if (snapshot == NULL)
    {
      fail_sign_in (task, error);
      return;
    }
  cb_client_store_apply_loaded_snapshot (self->store, snapshot);
  cb_snapshot_free_in_background (snapshot);
  cb_startup_trace_mark ("snapshot-applied");

  g_task_return_boolean (task, TRUE);
  open_stream (self);
  load_journal (self);
}

static void
on_session_created (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CbSession *self = g_task_get_source_object (task);
  g_autofree char *token = NULL;
  GError *error = NULL;
  gint64 user_id = 0;

  token = cb_rest_client_sign_in_finish (CB_REST_CLIENT (source), result, &user_id, &error);
  /* The server answered: the limit was for reaching it. */
  g_clear_handle_id (&((SignIn *) g_task_get_task_data (task))->timeout_source, g_source_remove);
  if (token == NULL)
    {
      fail_sign_in (task, error);
      return;
    }

  set_token (self, token);
  if (self->user_id != user_id)
    {
      self->user_id = user_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER_ID]);
    }

  cb_startup_trace_mark ("signed-in");
  fetch_snapshot_async (self, g_task_get_cancellable (task), on_sign_in_snapshot, g_object_ref (task));
}

void
cb_session_sign_in_async (CbSession           *self,
                          const char          *username,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SignIn *sign_in;

  g_return_if_fail (CB_IS_SESSION (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  sign_in = g_new0 (SignIn, 1);
  sign_in->attempt = g_cancellable_new ();
  sign_in->timeout_ms = self->connect_timeout_ms;
  if (cancellable != NULL)
    {
      sign_in->caller = g_object_ref (cancellable);
      sign_in->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                       sign_in->attempt, NULL);
    }
  task = g_task_new (self, sign_in->attempt, callback, user_data);
  g_task_set_source_tag (task, cb_session_sign_in_async);
  g_task_set_task_data (task, sign_in, sign_in_free);
  /* The errors say themselves why it stopped (cancelled or timed out). */
  g_task_set_check_cancellable (task, FALSE);

  if (self->state != CB_CONNECTION_STATE_SIGNED_OUT)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               "Already signed in; sign out first");
      return;
    }

  stop_connection (self);
  if (g_strcmp0 (self->username, username) != 0)
    {
      g_free (self->username);
      self->username = g_strdup (username);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
    }
  set_last_error (self, NULL);
  set_state (self, CB_CONNECTION_STATE_CONNECTING);

  sign_in->timeout_source = g_timeout_add (sign_in->timeout_ms, on_connect_timeout, sign_in);
  cb_rest_client_sign_in_async (self->rest, username, password, sign_in->attempt,
                                on_session_created, g_steal_pointer (&task));
}

gboolean
cb_session_sign_in_finish (CbSession     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- signing out --- */

static void
on_session_deleted (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!cb_rest_client_finish (CB_REST_CLIENT (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
cb_session_sign_out_async (CbSession           *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CB_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cb_session_sign_out_async);

  if (!signed_in (self))
    {
      stop_connection (self);
      set_state (self, CB_CONNECTION_STATE_SIGNED_OUT);
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* Sent with the token as it is now; locally signed out at once,
   * whatever the server says: the user asked for it, and a token that
   * cannot be revoked now expires anyway. */
  cb_rest_client_sign_out_async (self->rest, cancellable, on_session_deleted,
                                 g_steal_pointer (&task));
  stop_connection (self);
  set_token (self, NULL);
  set_state (self, CB_CONNECTION_STATE_SIGNED_OUT);
}

gboolean
cb_session_sign_out_finish (CbSession     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- searching the directory on the server --- */

static void
on_directory_found (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CbSession *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) answer = NULL;
  GPtrArray *found;
  GError *error = NULL;

  answer = cb_rest_client_search_directory_finish (CB_REST_CLIENT (source), result, &error);
  if (answer == NULL ||
      (found = cb_client_store_add_found_users (self->store, answer, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref);
}

void
cb_session_search_directory_async (CbSession           *self,
                                   const char          *text,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CB_IS_SESSION (self));
  g_return_if_fail (text != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cb_session_search_directory_async);
  cb_rest_client_search_directory_async (self->rest, text, SEARCH_LIMIT, cancellable,
                                         on_directory_found, task);
}

GPtrArray *
cb_session_search_directory_finish (CbSession     *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- connection control --- */

void
cb_session_disconnect_for_test (CbSession *self)
{
  g_return_if_fail (CB_IS_SESSION (self));

  if (self->stream == NULL)
    return;

  drop_stream (self);
  schedule_reconnect (self, "Disconnected");
}

void
cb_session_reconnect_now (CbSession *self)
{
  g_return_if_fail (CB_IS_SESSION (self));

  if (self->state != CB_CONNECTION_STATE_RECONNECTING || self->attempt_in_flight)
    return;
  attempt_reconnect (self);
}

/* --- GObject --- */

static void
cb_session_dispose (GObject *object)
{
  CbSession *self = CB_SESSION (object);

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  if (self->life != NULL)
    g_cancellable_cancel (self->life);
  drop_stream (self);
  g_clear_object (&self->life);
  if (self->rest != NULL)
    g_signal_handlers_disconnect_by_data (self->rest, self);
  g_clear_object (&self->rest);
  g_clear_object (&self->call_as);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cb_session_parent_class)->dispose (object);
}

static void
cb_session_finalize (GObject *object)
{
  CbSession *self = CB_SESSION (object);

  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->last_error, g_free);

  G_OBJECT_CLASS (cb_session_parent_class)->finalize (object);
}

static void
cb_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  CbSession *self = CB_SESSION (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_USER_ID:
      g_value_set_int64 (value, self->user_id);
      break;
    case PROP_TOKEN:
      g_value_set_string (value, cb_session_get_token (self));
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_ACCEPT_INVALID_CERTIFICATES:
      g_value_set_boolean (value, cb_session_get_accept_invalid_certificates (self));
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_RECONNECT_MIN_MS:
      g_value_set_uint (value, self->reconnect_min_ms);
      break;
    case PROP_RECONNECT_MAX_MS:
      g_value_set_uint (value, self->reconnect_max_ms);
      break;
    case PROP_CONNECT_TIMEOUT_MS:
      g_value_set_uint (value, self->connect_timeout_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_session_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  CbSession *self = CB_SESSION (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_free (self->server_url);
      self->server_url = g_value_dup_string (value);
      break;
    case PROP_ACCEPT_INVALID_CERTIFICATES:
      cb_session_set_accept_invalid_certificates (self, g_value_get_boolean (value));
      break;
    case PROP_RECONNECT_MIN_MS:
      if (self->reconnect_min_ms != g_value_get_uint (value))
        {
          self->reconnect_min_ms = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_RECONNECT_MAX_MS:
      if (self->reconnect_max_ms != g_value_get_uint (value))
        {
          self->reconnect_max_ms = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_CONNECT_TIMEOUT_MS:
      if (self->connect_timeout_ms != g_value_get_uint (value))
        {
          self->connect_timeout_ms = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_session_constructed (GObject *object)
{
  CbSession *self = CB_SESSION (object);

  G_OBJECT_CLASS (cb_session_parent_class)->constructed (object);

  self->rest = cb_rest_client_new (self->server_url != NULL ? self->server_url : "");
  /* The REST client drops trailing slashes; the session shows the same URL. */
  g_free (self->server_url);
  self->server_url = g_strdup (cb_rest_client_get_base_url (self->rest));
  g_signal_connect_object (self->rest, "unauthorized", G_CALLBACK (on_unauthorized), self,
                           G_CONNECT_SWAPPED);
}

static void
cb_session_class_init (CbSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = cb_session_constructed;
  object_class->dispose = cb_session_dispose;
  object_class->finalize = cb_session_finalize;
  object_class->get_property = cb_session_get_property;
  object_class->set_property = cb_session_set_property;

  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL, ro);
  properties[PROP_USER_ID] = g_param_spec_int64 ("user-id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_TOKEN] = g_param_spec_string ("token", NULL, NULL, NULL, ro);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, CB_TYPE_CONNECTION_STATE,
                       CB_CONNECTION_STATE_SIGNED_OUT, ro);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, CB_TYPE_CLIENT_STORE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCEPT_INVALID_CERTIFICATES] =
    g_param_spec_boolean ("accept-invalid-certificates", NULL, NULL, FALSE, rw);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, ro);
  properties[PROP_RECONNECT_MIN_MS] =
    g_param_spec_uint ("reconnect-min-ms", NULL, NULL, 1, G_MAXUINT,
                       RECONNECT_MIN_MS_DEFAULT, rw);
  properties[PROP_RECONNECT_MAX_MS] =
    g_param_spec_uint ("reconnect-max-ms", NULL, NULL, 1, G_MAXUINT,
                       RECONNECT_MAX_MS_DEFAULT, rw);
  properties[PROP_CONNECT_TIMEOUT_MS] =
    g_param_spec_uint ("connect-timeout-ms", NULL, NULL, 1, G_MAXUINT,
                       CONNECT_TIMEOUT_MS_DEFAULT, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_EVENT_RECEIVED] =
    g_signal_new ("event-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT64, CB_TYPE_EVENT_TYPE, JSON_TYPE_OBJECT);
}

static void
cb_session_init (CbSession *self)
{
  self->store = cb_client_store_new ();
  cb_client_store_set_directory_limit (self->store, env_uint ("CALLBOARD_DIRECTORY_LIMIT",
                                                            DIRECTORY_LIMIT_DEFAULT));
  g_signal_connect_object (self->store, "needs-snapshot", G_CALLBACK (on_store_needs_snapshot),
                           self, G_CONNECT_SWAPPED);
  self->call_as = cb_call_as_new (self->store);
  self->life = g_cancellable_new ();
  self->reconnect_min_ms = env_uint ("CALLBOARD_RECONNECT_MIN_MS", RECONNECT_MIN_MS_DEFAULT);
  self->reconnect_max_ms = env_uint ("CALLBOARD_RECONNECT_MAX_MS", RECONNECT_MAX_MS_DEFAULT);
  self->connect_timeout_ms = CONNECT_TIMEOUT_MS_DEFAULT;
}

CbSession *
cb_session_new (const char *server_url)
{
  g_return_val_if_fail (server_url != NULL, NULL);
  return g_object_new (CB_TYPE_SESSION, "server-url", server_url, NULL);
}

CbClientStore *
cb_session_get_store (CbSession *self)
{
  g_return_val_if_fail (CB_IS_SESSION (self), NULL);
  return self->store;
}

CbCallAs *
cb_session_get_call_as (CbSession *self)
{
  g_return_val_if_fail (CB_IS_SESSION (self), NULL);
  return self->call_as;
}

CbRestClient *
cb_session_get_rest_client (CbSession *self)
{
  g_return_val_if_fail (CB_IS_SESSION (self), NULL);
  return self->rest;
}

CbConnectionState
cb_session_get_state (CbSession *self)
{
  g_return_val_if_fail (CB_IS_SESSION (self), CB_CONNECTION_STATE_SIGNED_OUT);
  return self->state;
}

gint64
cb_session_get_user_id (CbSession *self)
{
  g_return_val_if_fail (CB_IS_SESSION (self), 0);
  return self->user_id;
}

const char *
cb_session_get_server_url (CbSession *self)
{
  g_return_val_if_fail (CB_IS_SESSION (self), NULL);
  return self->server_url;
}

const char *
cb_session_get_username (CbSession *self)
{
  g_return_val_if_fail (CB_IS_SESSION (self), NULL);
  return self->username;
}

const char *
cb_session_get_token (CbSession *self)
{
  g_return_val_if_fail (CB_IS_SESSION (self), NULL);
  return self->rest != NULL ? cb_rest_client_get_token (self->rest) : NULL;
}

const char *
cb_session_get_last_error (CbSession *self)
{
  g_return_val_if_fail (CB_IS_SESSION (self), NULL);
  return self->last_error;
}

gboolean
cb_session_get_accept_invalid_certificates (CbSession *self)
{
  g_return_val_if_fail (CB_IS_SESSION (self), FALSE);
  return self->rest != NULL && cb_rest_client_get_accept_invalid_certificates (self->rest);
}

void
cb_session_set_accept_invalid_certificates (CbSession *self,
                                            gboolean   accept)
{
  g_return_if_fail (CB_IS_SESSION (self));

  if (self->rest == NULL || cb_session_get_accept_invalid_certificates (self) == !!accept)
    return;
  cb_rest_client_set_accept_invalid_certificates (self->rest, accept);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCEPT_INVALID_CERTIFICATES]);
}
