/* cb-session.c: a signed-in connection to callboardd
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only libsoup's async API is used, on the thread-default main context:
 * callboardd may run on the same loop (tests, the demo), where a
 * synchronous call would wait for itself.
 *
 * Operations the session starts on its own (reconnects, resyncs) hold only
 * a weak reference to it, so dropping the last reference to a session
 * cancels them instead of being kept alive by them.
 */

#define G_LOG_DOMAIN "cb-client"

#include "config.h"

#include <libsoup/soup.h>

#include "cb-session.h"
#include "cb-softphone.h"

#define RECONNECT_MIN_MS_DEFAULT 250
#define RECONNECT_MAX_MS_DEFAULT 30000
#define RECONNECT_JITTER 0.3
/* A "group" event lists every member; allow large groups. */
#define MAX_EVENT_FRAME (16 * 1024 * 1024)
/* The server pings every 20 s by default. A stream silent for three times
 * the longest gap seen (and at least this long; CALLBOARD_STREAM_TIMEOUT_MS
 * overrides it) is taken for dead: a laptop that changed networks gets no
 * FIN, only silence. */
#define STREAM_TIMEOUT_MS_DEFAULT 65000
#define WATCHDOG_INTERVAL_MS 5000
/* The journal page loaded after signing in; older entries are paged in
 * on demand (not yet). */
#define JOURNAL_PAGE CB_API_PREFIX "/journal?limit=200"

G_DEFINE_ENUM_TYPE (CbConnectionState, cb_connection_state,
  G_DEFINE_ENUM_VALUE (CB_CONNECTION_STATE_SIGNED_OUT, "signed-out"),
  G_DEFINE_ENUM_VALUE (CB_CONNECTION_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (CB_CONNECTION_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (CB_CONNECTION_STATE_RECONNECTING, "reconnecting"))

struct _CbSession
{
  GObject                  parent_instance;

  char                    *server_url;
  char                    *username;
  gint64                   user_id;
  char                    *token;
  CbConnectionState        state;
  CbClientStore           *store;
  CbSoftphone             *softphone;
  char                    *last_error;
  guint                    reconnect_min_ms;
  guint                    reconnect_max_ms;

  SoupSession             *soup;
  SoupWebsocketConnection *ws;
  /* Cancelled on sign-out and dispose: everything the session runs for
   * one sign-in (WebSocket handshakes, resync snapshots). */
  GCancellable            *life;
  guint                    reconnect_source;
  guint                    attempt;
  guint                    watchdog_source;
  gint64                   last_frame_us;   /* monotonic */
  gint64                   longest_gap_us;
  gint64                   stream_timeout_us;

  guint                    accept_invalid_certificates : 1;
  guint                    softphone_enabled : 1;
  guint                    attempt_in_flight : 1;
  /* Set by "resync" until a new snapshot is in the store. */
  guint                    need_snapshot : 1;
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
  PROP_SOFTPHONE_ENABLED,
  PROP_SOFTPHONE,
  N_PROPS
};

enum {
  SIGNAL_EVENT_RECEIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void open_websocket   (CbSession *self);
static void load_journal     (CbSession *self);
static void stop_softphone   (CbSession *self);
static void start_resync     (CbSession *self);
static void drop_websocket   (CbSession *self);

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
  if (g_strcmp0 (self->token, token) == 0)
    return;
  g_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

static guint
env_ms (const char *name,
        guint       fallback)
{
  const char *value = g_getenv (name);
  guint64 parsed;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &parsed, NULL))
    return fallback;
  return (guint) parsed;
}

/* Stops everything belonging to the current sign-in: timers, handshakes,
 * the WebSocket. The token and store stay. */
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
  drop_websocket (self);
}

/* The server no longer knows our token (revoked, expired, user removed):
 * retrying cannot help; the user has to sign in again. */
static void
token_gone (CbSession  *self,
            const char *message)
{
  g_autofree char *text = NULL;

  if (self->state == CB_CONNECTION_STATE_SIGNED_OUT)
    return;

  text = g_strdup_printf ("Signed out by the server: %s", message);
  g_debug ("%s", text);
  stop_connection (self);
  stop_softphone (self);
  set_token (self, NULL);
  set_last_error (self, text);
  set_state (self, CB_CONNECTION_STATE_SIGNED_OUT);
}

/* --- REST --- */

typedef struct {
  GWeakRef     session;
  SoupMessage *msg;
  char        *token;   /* the token the request was sent with, or NULL */
} Request;

static void
request_free (Request *request)
{
  g_weak_ref_clear (&request->session);
  g_clear_object (&request->msg);
  g_clear_pointer (&request->token, g_free);
  g_free (request);
}

static gboolean
accept_any_certificate (SoupMessage          *msg,
                        GTlsCertificate      *certificate,
                        GTlsCertificateFlags  errors,
                        gpointer              user_data)
{
  g_debug ("Accepting an invalid TLS certificate (flags 0x%x) as configured", errors);
  return TRUE;
}

/* Error for a non-2xx answer whose body is not our error object (a proxy
 * page, say): pick the protocol code that has that HTTP status. */
static GError *
error_from_status (guint status)
{
  CbProtocolError code = status >= 500 ? CB_PROTOCOL_ERROR_INTERNAL : CB_PROTOCOL_ERROR_BAD_REQUEST;

  for (int i = CB_PROTOCOL_ERROR_BAD_REQUEST; i <= CB_PROTOCOL_ERROR_UNAVAILABLE; i++)
    if (cb_protocol_error_to_http_status (i) == status)
      {
        code = i;
        break;
      }

  return g_error_new (CB_PROTOCOL_ERROR, code, "The server answered %u %s",
                      status, soup_status_get_phrase (status));
}

static SoupMessage *
new_message (CbSession   *self,
             const char  *method,
             const char  *path_and_query,
             const char  *token,
             GError     **error)
{
  g_autofree char *uri = g_strconcat (self->server_url, path_and_query, NULL);
  SoupMessage *msg = soup_message_new (method, uri);

  if (msg == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not a valid server address", uri);
      return NULL;
    }

  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg),
                                    "Authorization", bearer);
    }
  if (self->accept_invalid_certificates)
    g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any_certificate), NULL);

  return msg;
}

static void
on_request_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  const char *data;
  gsize length;
  guint status;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      /* Transport failures are reported in one domain, whatever layer
       * (resolver, TLS, libsoup) produced them. */
      if (error->domain != G_IO_ERROR)
        {
          GError *io_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, error->message);

          g_clear_error (&error);
          error = io_error;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  status = soup_message_get_status (request->msg);
  data = g_bytes_get_data (bytes, &length);

  if (status < 200 || status >= 300)
    {
      if (!cb_json_parse_error_body (data, length, &error))
        error = error_from_status (status);

      if (status == SOUP_STATUS_UNAUTHORIZED && request->token != NULL)
        {
          g_autoptr(CbSession) self = g_weak_ref_get (&request->session);

          /* Only if it is still the current token: an old request must not
           * sign out a newer session. */
          if (self != NULL && g_strcmp0 (self->token, request->token) == 0)
            token_gone (self, error->message);
        }

      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (status == SOUP_STATUS_NO_CONTENT || length == 0)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &error))
    {
      g_task_return_new_error (task, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON,
                               "The server sent malformed JSON: %s", error->message);
      return;
    }

  g_task_return_pointer (task, json_node_ref (json_parser_get_root (parser)),
                         (GDestroyNotify) json_node_unref);
}

/* source_object: the session for calls a caller waits on (so _finish can
 * check it), NULL for the session's own background work. */
static void
send_request (CbSession           *self,
              gpointer             source_object,
              const char          *method,
              const char          *path,
              JsonNode            *body,
              const char          *token,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source_object, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  Request *request;
  SoupMessage *msg;

  g_task_set_source_tag (task, send_request);

  msg = new_message (self, method, path, token, &error);
  if (msg == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  request = g_new0 (Request, 1);
  g_weak_ref_init (&request->session, self);
  request->msg = msg;
  request->token = g_strdup (token);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  soup_message_headers_replace (soup_message_get_request_headers (msg),
                                "Accept", "application/json");
  if (body != NULL)
    {
      g_autofree char *text = cb_json_to_string (body);
      gsize length = strlen (text);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), length);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  soup_session_send_and_read_async (self->soup, msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_request_done, g_steal_pointer (&task));
}

static JsonNode *
send_request_finish (GAsyncResult  *result,
                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- the event stream --- */

static void
send_pong (CbSession *self)
{
  g_autofree char *text = NULL;

  if (self->ws == NULL ||
      soup_websocket_connection_get_state (self->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  text = g_strdup_printf ("{\"type\":\"pong\",\"seq\":%" G_GINT64_FORMAT "}",
                          cb_client_store_get_seq (self->store));
  soup_websocket_connection_send_text (self->ws, text);
}

static void
on_ws_message (SoupWebsocketConnection *ws,
               SoupWebsocketDataType    type,
               GBytes                  *message,
               gpointer                 user_data)
{
  CbSession *self = user_data;
  g_autoptr(CbSession) hold = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) frame = NULL;
  g_autoptr(JsonObject) empty = NULL;
  const char *data;
  const char *frame_type = NULL;
  JsonNode *node;
  JsonObject *payload;
  gint64 seq = 0;
  gint64 now;
  gsize length;

  now = g_get_monotonic_time ();
  self->longest_gap_us = MAX (self->longest_gap_us, now - self->last_frame_us);
  self->last_frame_us = now;

  data = g_bytes_get_data (message, &length);
  frame = cb_json_parse_object (data, length, &error);
  if (frame == NULL ||
      !cb_json_get_string (frame, "type", TRUE, &frame_type, &error) ||
      !cb_json_get_int (frame, "seq", FALSE, &seq, &error))
    {
      /* A frame we cannot read is a server bug; skipping it is all a
       * client can do, and resuming later would not fix it. */
      g_warning ("Ignoring an unreadable event frame: %s", error->message);
      return;
    }

  if (g_str_equal (frame_type, "ping"))
    {
      send_pong (self);
      return;
    }

  if (g_str_equal (frame_type, "resync"))
    {
      g_debug ("Server asked for a resync at seq %" G_GINT64_FORMAT, seq);
      start_resync (self);
      return;
    }

  node = json_object_get_member (frame, "data");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    payload = json_node_get_object (node);
  else
    payload = empty = json_object_new ();

  /* A handler may drop the last reference to the session. */
  hold = g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_EVENT_RECEIVED], 0, seq, frame_type, payload);
  cb_client_store_apply_event (self->store, seq, frame_type, payload);
}

static void schedule_reconnect (CbSession *self, const char *reason);

static void
on_ws_error (SoupWebsocketConnection *ws,
             GError                  *error,
             gpointer                 user_data)
{
  g_debug ("Event stream error: %s", error->message);
}

static void
on_ws_closed (SoupWebsocketConnection *ws,
              gpointer                 user_data)
{
  CbSession *self = user_data;
  g_autofree char *reason = NULL;
  gushort code = soup_websocket_connection_get_close_code (ws);

  /* 4000: missed pongs; 4008: too slow. Both are worth a plain resume. */
  if (code != 0)
    reason = g_strdup_printf ("The event stream was closed (code %u)", code);
  else
    reason = g_strdup ("The connection to the server was lost");

  drop_websocket (self);
  schedule_reconnect (self, reason);
}

static gboolean
release_cb (gpointer data)
{
  return G_SOURCE_REMOVE;  /* the destroy notify does the work */
}

static void
unref_later (gpointer object)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, release_cb, object, g_object_unref);
}

static void
on_stale_ws_closed (SoupWebsocketConnection *ws,
                    gpointer                 user_data)
{
  /* Not from inside its own signal emission. */
  unref_later (ws);
}

/* Detaches the WebSocket from the session and lets it finish closing in
 * the background. */
static void
drop_websocket (CbSession *self)
{
  SoupWebsocketConnection *ws = g_steal_pointer (&self->ws);

  g_clear_handle_id (&self->watchdog_source, g_source_remove);
  if (ws == NULL)
    return;

  g_signal_handlers_disconnect_by_data (ws, self);
  if (soup_websocket_connection_get_state (ws) == SOUP_WEBSOCKET_STATE_CLOSED)
    {
      unref_later (ws);
      return;
    }

  g_signal_connect (ws, "closed", G_CALLBACK (on_stale_ws_closed), NULL);
  if (soup_websocket_connection_get_state (ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
}

static gboolean
on_watchdog (gpointer user_data)
{
  CbSession *self = user_data;
  gint64 limit = MAX (self->stream_timeout_us, 3 * self->longest_gap_us);

  if (g_get_monotonic_time () - self->last_frame_us < limit)
    return G_SOURCE_CONTINUE;

  self->watchdog_source = 0;
  g_debug ("No frame from the server for %" G_GINT64_FORMAT " s", limit / G_USEC_PER_SEC);
  drop_websocket (self);
  schedule_reconnect (self, "The server stopped answering");
  return G_SOURCE_REMOVE;
}

typedef struct {
  GWeakRef     session;
  SoupMessage *msg;
} Handshake;

static void
handshake_free (Handshake *handshake)
{
  g_weak_ref_clear (&handshake->session);
  g_clear_object (&handshake->msg);
  g_free (handshake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Handshake, handshake_free)

static void
on_ws_connected (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Handshake) handshake = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupWebsocketConnection) ws = NULL;
  g_autoptr(CbSession) self = NULL;
  guint status;

  ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  self = g_weak_ref_get (&handshake->session);

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Signed out (or gone) while the handshake ran. */
      if (ws != NULL)
        {
          g_signal_connect (ws, "closed", G_CALLBACK (on_stale_ws_closed), NULL);
          soup_websocket_connection_close (g_steal_pointer (&ws),
                                           SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
        }
      return;
    }

  self->attempt_in_flight = FALSE;

  if (ws == NULL)
    {
      status = soup_message_get_status (handshake->msg);
      if (status == SOUP_STATUS_UNAUTHORIZED)
        {
          token_gone (self, "the session token is no longer valid");
          return;
        }
      schedule_reconnect (self, error->message);
      return;
    }

  g_debug ("Event stream open for %s at seq %" G_GINT64_FORMAT,
           self->username, cb_client_store_get_seq (self->store));

  self->ws = g_steal_pointer (&ws);
  soup_websocket_connection_set_max_incoming_payload_size (self->ws, MAX_EVENT_FRAME);
  g_signal_connect (self->ws, "message", G_CALLBACK (on_ws_message), self);
  g_signal_connect (self->ws, "error", G_CALLBACK (on_ws_error), self);
  g_signal_connect (self->ws, "closed", G_CALLBACK (on_ws_closed), self);
  self->last_frame_us = g_get_monotonic_time ();
  self->longest_gap_us = 0;
  self->watchdog_source = g_timeout_add (MIN (WATCHDOG_INTERVAL_MS,
                                              self->stream_timeout_us / 1000 / 2 + 1),
                                         on_watchdog, self);

  self->attempt = 0;
  set_last_error (self, NULL);
  set_state (self, CB_CONNECTION_STATE_CONNECTED);
}

static void
open_websocket (CbSession *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  Handshake *handshake;
  SoupMessage *msg;

  path = g_strdup_printf (CB_API_PREFIX "/events?since=%" G_GINT64_FORMAT,
                          cb_client_store_get_seq (self->store));
  /* The token goes in the handshake's header, never in the URL (which
   * ends up in proxy and server logs). */
  msg = new_message (self, SOUP_METHOD_GET, path, self->token, &error);
  if (msg == NULL)
    {
      schedule_reconnect (self, error->message);
      return;
    }

  handshake = g_new0 (Handshake, 1);
  g_weak_ref_init (&handshake->session, self);
  handshake->msg = msg;

  self->attempt_in_flight = TRUE;
  soup_session_websocket_connect_async (self->soup, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->life, on_ws_connected, handshake);
}

/* --- reconnecting --- */

static void
attempt_reconnect (CbSession *self)
{
  g_clear_handle_id (&self->reconnect_source, g_source_remove);

  if (self->need_snapshot)
    start_resync (self);
  else
    open_websocket (self);
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

  if (self->state == CB_CONNECTION_STATE_SIGNED_OUT || self->token == NULL)
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

/* --- resync: a new snapshot, then the stream from its seq --- */

static void
on_resync_snapshot (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(CbSession) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_weak_ref_clear (weak);
  g_free (weak);

  node = send_request_finish (result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->attempt_in_flight = FALSE;
  if (self->state == CB_CONNECTION_STATE_SIGNED_OUT)
    return;  /* a 401 already signed us out */

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      if (error == NULL)
        error = g_error_new_literal (CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON,
                                     "The snapshot is not a JSON object");
      schedule_reconnect (self, error->message);
      return;
    }

  if (!cb_client_store_apply_snapshot (self->store, json_node_get_object (node), &error))
    {
      schedule_reconnect (self, error->message);
      return;
    }

  self->need_snapshot = FALSE;
  open_websocket (self);
  /* Events were lost; the journal may have missed entries too. */
  load_journal (self);
}

static void
start_resync (CbSession *self)
{
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  /* The old stream is useless now: its seq no longer fits a snapshot. */
  drop_websocket (self);
  self->need_snapshot = TRUE;
  if (self->state == CB_CONNECTION_STATE_CONNECTED)
    set_state (self, CB_CONNECTION_STATE_RECONNECTING);

  g_weak_ref_init (weak, self);
  self->attempt_in_flight = TRUE;
  send_request (self, NULL, SOUP_METHOD_GET, CB_API_PREFIX "/snapshot", NULL, self->token,
                self->life, on_resync_snapshot, weak);
}

/* --- GObject --- */

static void
cb_session_dispose (GObject *object)
{
  CbSession *self = CB_SESSION (object);

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  stop_softphone (self);
  if (self->life != NULL)
    g_cancellable_cancel (self->life);
  drop_websocket (self);
  g_clear_object (&self->life);
  if (self->soup != NULL)
    soup_session_abort (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cb_session_parent_class)->dispose (object);
}

static void
cb_session_finalize (GObject *object)
{
  CbSession *self = CB_SESSION (object);

  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->token, g_free);
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
      g_value_set_string (value, self->token);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_ACCEPT_INVALID_CERTIFICATES:
      g_value_set_boolean (value, self->accept_invalid_certificates);
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
    case PROP_SOFTPHONE_ENABLED:
      g_value_set_boolean (value, self->softphone_enabled);
      break;
    case PROP_SOFTPHONE:
      g_value_set_object (value, self->softphone);
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
      {
        const char *url = g_value_get_string (value);
        gsize len = url != NULL ? strlen (url) : 0;

        /* Paths are appended as "/api/v1/...": no double slash. */
        while (len > 0 && url[len - 1] == '/')
          len--;
        g_free (self->server_url);
        self->server_url = g_strndup (url != NULL ? url : "", len);
      }
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
    case PROP_SOFTPHONE_ENABLED:
      cb_session_set_softphone_enabled (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_session_class_init (CbSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

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
  properties[PROP_SOFTPHONE_ENABLED] =
    g_param_spec_boolean ("softphone-enabled", NULL, NULL, FALSE, rw);
  properties[PROP_SOFTPHONE] =
    g_param_spec_object ("softphone", NULL, NULL, CB_TYPE_SOFTPHONE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_EVENT_RECEIVED] =
    g_signal_new ("event-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_STRING, JSON_TYPE_OBJECT);
}

static void
cb_session_init (CbSession *self)
{
  self->store = cb_client_store_new ();
  self->life = g_cancellable_new ();
  self->soup = soup_session_new_with_options ("user-agent", PACKAGE_NAME "/" PACKAGE_VERSION,
                                              NULL);
  self->reconnect_min_ms = env_ms ("CALLBOARD_RECONNECT_MIN_MS", RECONNECT_MIN_MS_DEFAULT);
  self->reconnect_max_ms = env_ms ("CALLBOARD_RECONNECT_MAX_MS", RECONNECT_MAX_MS_DEFAULT);
  self->stream_timeout_us = (gint64) env_ms ("CALLBOARD_STREAM_TIMEOUT_MS",
                                             STREAM_TIMEOUT_MS_DEFAULT) * 1000;
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
  return self->token;
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
  return self->accept_invalid_certificates;
}

void
cb_session_set_accept_invalid_certificates (CbSession *self,
                                            gboolean   accept)
{
  g_return_if_fail (CB_IS_SESSION (self));

  accept = !!accept;
  if (self->accept_invalid_certificates == (guint) accept)
    return;
  self->accept_invalid_certificates = accept;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCEPT_INVALID_CERTIFICATES]);
}

CbSoftphone *
cb_session_get_softphone (CbSession *self)
{
  g_return_val_if_fail (CB_IS_SESSION (self), NULL);
  return self->softphone;
}

gboolean
cb_session_get_softphone_enabled (CbSession *self)
{
  g_return_val_if_fail (CB_IS_SESSION (self), FALSE);
  return self->softphone_enabled;
}

static void
start_softphone (CbSession *self)
{
  if (self->softphone != NULL || !self->softphone_enabled || self->token == NULL)
    return;

  self->softphone = cb_softphone_new (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOFTPHONE]);
  cb_softphone_start (self->softphone);
}

static void
stop_softphone (CbSession *self)
{
  g_autoptr(CbSoftphone) softphone = g_steal_pointer (&self->softphone);

  if (softphone == NULL)
    return;
  /* Un-registers while the token and server are still there. */
  cb_softphone_stop (softphone);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOFTPHONE]);
}

void
cb_session_set_softphone_enabled (CbSession *self,
                                  gboolean   enabled)
{
  g_return_if_fail (CB_IS_SESSION (self));

  enabled = !!enabled;
  if (self->softphone_enabled == (guint) enabled)
    return;
  self->softphone_enabled = enabled;
  if (enabled && self->state != CB_CONNECTION_STATE_SIGNED_OUT)
    start_softphone (self);
  else if (!enabled)
    stop_softphone (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOFTPHONE_ENABLED]);
}

/* --- the journal --- */

static void
on_journal (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(CbSession) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_weak_ref_clear (weak);
  g_free (weak);

  node = send_request_finish (result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error == NULL && (node == NULL || !JSON_NODE_HOLDS_OBJECT (node)))
    error = g_error_new_literal (CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON,
                                 "The journal is not a JSON object");
  if (error == NULL)
    cb_client_store_apply_journal (self->store, json_node_get_object (node), &error);
  /* Not fatal: the journal stays as it was and events keep adding to it. */
  if (error != NULL)
    g_debug ("Could not load the journal: %s", error->message);
}

static void
load_journal (CbSession *self)
{
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  g_weak_ref_init (weak, self);
  send_request (self, NULL, SOUP_METHOD_GET, JOURNAL_PAGE, NULL, self->token,
                self->life, on_journal, weak);
}

/* --- signing in --- */

static void
fail_sign_in (GTask  *task,
              GError *error)
{
  CbSession *self = g_task_get_source_object (task);

  if (self->token != NULL)
    {
      /* Signed in but could not load the snapshot: do not leave a live
       * token behind on the server. Nobody waits for the answer. */
      send_request (self, NULL, SOUP_METHOD_DELETE, CB_API_PREFIX "/session", NULL,
                    self->token, NULL, NULL, NULL);
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
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;

  node = send_request_finish (result, &error);
  if (node == NULL && error == NULL)
    error = g_error_new_literal (CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON,
                                 "The server sent an empty snapshot");
  if (error == NULL && !JSON_NODE_HOLDS_OBJECT (node))
    error = g_error_new_literal (CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON,
                                 "The snapshot is not a JSON object");
  if (error == NULL)
    cb_client_store_apply_snapshot (self->store, json_node_get_object (node), &error);
  if (error != NULL)
    {
      fail_sign_in (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
  open_websocket (self);
  load_journal (self);
  start_softphone (self);
}

static void
on_session_created (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CbSession *self = g_task_get_source_object (task);
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;
  const char *token = NULL;
  gint64 user_id = 0;
  JsonObject *answer;

  node = send_request_finish (result, &error);
  if (error == NULL && (node == NULL || !JSON_NODE_HOLDS_OBJECT (node)))
    error = g_error_new_literal (CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON,
                                 "The sign-in answer is not a JSON object");
  if (error == NULL)
    {
      answer = json_node_get_object (node);
      if (cb_json_get_string (answer, "token", TRUE, &token, &error))
        cb_json_get_int (answer, "user_id", FALSE, &user_id, &error);
    }
  if (error != NULL)
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

  send_request (self, NULL, SOUP_METHOD_GET, CB_API_PREFIX "/snapshot", NULL, self->token,
                g_task_get_cancellable (task), on_sign_in_snapshot, g_object_ref (task));
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
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (CB_IS_SESSION (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cb_session_sign_in_async);

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

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  send_request (self, NULL, SOUP_METHOD_POST, CB_API_PREFIX "/session", body, NULL,
                cancellable, on_session_created, g_steal_pointer (&task));
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
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;

  node = send_request_finish (result, &error);
  if (error != NULL)
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
  g_autofree char *token = NULL;

  g_return_if_fail (CB_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cb_session_sign_out_async);

  /* Locally signed out at once, whatever the server says: the user asked
   * for it, and a token that cannot be revoked now expires anyway. */
  token = g_strdup (self->token);
  stop_softphone (self);
  stop_connection (self);
  set_token (self, NULL);
  set_state (self, CB_CONNECTION_STATE_SIGNED_OUT);

  if (token == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  send_request (self, NULL, SOUP_METHOD_DELETE, CB_API_PREFIX "/session", NULL, token,
                cancellable, on_session_deleted, g_steal_pointer (&task));
}

gboolean
cb_session_sign_out_finish (CbSession     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- requests --- */

static void
on_public_request_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  JsonNode *node;

  node = send_request_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

void
cb_session_request_async (CbSession           *self,
                          const char          *method,
                          const char          *path,
                          JsonNode            *body,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CB_IS_SESSION (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cb_session_request_async);

  if (self->token == NULL)
    {
      g_task_return_new_error (task, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_UNAUTHORIZED,
                               "Not signed in");
      return;
    }

  send_request (self, NULL, method, path, body, self->token, cancellable,
                on_public_request_done, g_steal_pointer (&task));
}

JsonNode *
cb_session_request_finish (CbSession     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static JsonNode *
object_node (JsonBuilder *builder)
{
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

void
cb_session_set_presence_async (CbSession           *self,
                               CbAvailability       availability,
                               const char          *note,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "availability");
  json_builder_add_string_value (builder, cb_enum_to_nick (CB_TYPE_AVAILABILITY, availability));
  if (note != NULL)
    {
      json_builder_set_member_name (builder, "note");
      json_builder_add_string_value (builder, note);
    }
  body = object_node (builder);

  cb_session_request_async (self, SOUP_METHOD_PUT, CB_API_PREFIX "/me/presence", body,
                            cancellable, callback, user_data);
}

void
cb_session_set_agent_status_async (CbSession           *self,
                                   CbAgentStatus        status,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "agent_status");
  json_builder_add_string_value (builder, cb_enum_to_nick (CB_TYPE_AGENT_STATUS, status));
  body = object_node (builder);

  cb_session_request_async (self, SOUP_METHOD_PUT, CB_API_PREFIX "/me/agent-status", body,
                            cancellable, callback, user_data);
}

void
cb_session_set_group_login_async (CbSession           *self,
                                  gint64               group_id,
                                  gboolean             logged_in,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "logged_in");
  json_builder_add_boolean_value (builder, logged_in);
  body = object_node (builder);

  path = g_strdup_printf (CB_API_PREFIX "/groups/%" G_GINT64_FORMAT "/login", group_id);
  cb_session_request_async (self, SOUP_METHOD_PUT, path, body, cancellable, callback, user_data);
}

static gboolean
valid_list (const char *list)
{
  return g_strcmp0 (list, "favourites") == 0 || g_strcmp0 (list, "monitor") == 0;
}

void
cb_session_add_to_list_async (CbSession           *self,
                              const char          *list,
                              gint64               user_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (valid_list (list));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user_id");
  json_builder_add_int_value (builder, user_id);
  body = object_node (builder);

  path = g_strdup_printf (CB_API_PREFIX "/me/%s", list);
  cb_session_request_async (self, SOUP_METHOD_POST, path, body, cancellable, callback, user_data);
}

void
cb_session_remove_from_list_async (CbSession           *self,
                                   const char          *list,
                                   gint64               user_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (valid_list (list));

  path = g_strdup_printf (CB_API_PREFIX "/me/%s/%" G_GINT64_FORMAT, list, user_id);
  cb_session_request_async (self, SOUP_METHOD_DELETE, path, NULL, cancellable, callback, user_data);
}

/* --- connection control --- */

void
cb_session_disconnect_for_test (CbSession *self)
{
  g_return_if_fail (CB_IS_SESSION (self));

  if (self->ws == NULL)
    return;

  drop_websocket (self);
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
