/* cb-http-server.c: the HTTP(S) listener in front of the router
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Connections are accepted here, not by SoupServer's own listener, which
 * in libsoup 3.2 gives up for good when accept() fails once (EMFILE),
 * keeps a reference to every accepted socket, has no timeouts, and starts
 * a TLS handshake (a blocking worker thread each) for every connection
 * whether or not the client says anything. Here:
 *
 * - accept() failing pauses accepting and tries again (backing off), after
 *   closing the oldest connection that has not sent a whole request yet;
 * - a connection must deliver a complete request within request-timeout
 *   seconds of being accepted (TLS handshake included: slowloris), and
 *   one that moves no byte for idle-timeout seconds while its request is
 *   answered is closed; event streams have the event hub's keepalive;
 * - on HTTPS the handshake starts only once the client has sent something
 *   (its ClientHello), so silent connections hold no thread, and the
 *   request timeout cancels a handshake that stalls;
 * - every connection passes through a CbCountedStream: a request (head and
 *   body) may not read more than the body limit and some, an event stream
 *   no more than a bounded amount without a complete message (libsoup
 *   would buffer a fragmented message without end), and the event hub
 *   sees how much of what it sent is still queued;
 * - TLS is 1.2 or 1.3 with forward-secret AEAD suites only.
 *
 * Then libsoup takes the connection (soup_server_accept_iostream). The
 * request body limit is enforced before a body is read: a Content-Length
 * that is over the limit, negative or not a number (libsoup reads "-1" as
 * "until the connection ends"), or a chunked body growing past it, is
 * answered 413 at once on a connection taken over from libsoup. The limit
 * is max_body, or an upload route's own (cb_router_body_limit()).
 */

#define G_LOG_DOMAIN "cb-http"

#include <string.h>
#include <sys/socket.h>

#include "cb-counted-stream.h"
#include "cb-http-server.h"

/* TLS 1.2 and 1.3; for 1.2 only (EC)DHE key exchange with AEAD ciphers. */
#define DEFAULT_TLS_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-RSA:" \
                             "-AES-128-CBC:-AES-256-CBC:-CAMELLIA-128-CBC:-CAMELLIA-256-CBC:" \
                             "%SERVER_PRECEDENCE"

typedef enum {
  PHASE_TLS_WAIT,        /* HTTPS: waiting for the client's first bytes */
  PHASE_TLS_HANDSHAKE,
  PHASE_REQUEST,         /* libsoup reads the request */
  PHASE_RESPONSE,        /* the request is in; answered, maybe later */
  PHASE_TAKEN,           /* an event stream, or a 413 sent on our own */
} Phase;

typedef struct {
  CbHttpServer    *server;
  GSocket         *socket;
  GSocketAddress  *local;
  GSocketAddress  *remote;      /* the key: libsoup hands it back per message */
  GIOStream       *base;        /* until libsoup has it */
  CbCountedStream *stream;      /* weak: while libsoup has it */
  GCancellable    *cancellable; /* the TLS handshake */
  GSource         *readable;    /* waiting for the ClientHello */
  gint64           accepted_at; /* monotonic µs */
  Phase            phase;
  gboolean         shut;
} Connection;

typedef struct {
  CbHttpServer                *server;
  SoupServerWebsocketCallback  callback;
  gpointer                     user_data;
} WebsocketRoute;

struct _CbHttpServer
{
  GObject          parent_instance;

  SoupServer      *soup;
  CbRouter        *router;
  gsize            max_body;
  guint            request_timeout_s;
  guint            idle_timeout_s;
  char            *tls_priority;
  char            *url;

  GSocket         *listener;
  GSource         *accept_source;
  guint            accept_retry_id;
  guint            accept_backoff_ms;
  gboolean         starved;       /* accept() failed; not caught up since */
  guint            shed;          /* connections closed to make room */
  GTlsCertificate *certificate;
  GHashTable      *connections;   /* remote GSocketAddress → Connection */
  guint            n_watched;     /* connections not taken: what the sweep checks */
  guint            sweep_id;
  GPtrArray       *websocket_routes;
};

G_DEFINE_FINAL_TYPE (CbHttpServer, cb_http_server, G_TYPE_OBJECT)

#define BODY_SIZE_KEY "cb-body-size"
#define BODY_LIMIT_KEY "cb-body-limit"
/* How long and how much a rejected body is drained before closing, so
 * that the client reads our 413 instead of a connection reset. */
#define DRAIN_TIMEOUT_MS 2000
#define DRAIN_MAX_BYTES (8 * 1024 * 1024)
/* Pending connections the kernel queues for us (capped by somaxconn). */
#define LISTEN_BACKLOG 1024
/* What a request may send beyond its body: the head, chunk framing. */
#define HEAD_ALLOWANCE (64 * 1024)
/* What an event stream may send without completing a message: clients
 * only send pongs of a few dozen bytes (frames are capped at 4 KiB). */
#define WEBSOCKET_READ_BUDGET (64 * 1024)
/* Kernel send buffer of an event stream: with autotuning a stream that
 * does not read could hold tcp_wmem's maximum (4 MiB by default) in the
 * kernel, out of sight of the event hub's byte limit. */
#define WEBSOCKET_SNDBUF (256 * 1024)
/* Connections accepted per wake-up before others get a turn. */
#define ACCEPT_BATCH 64
#define ACCEPT_RETRY_MIN_MS 20
#define ACCEPT_RETRY_MAX_MS 1000
#define SWEEP_INTERVAL_MS 250

static void accept_resume (CbHttpServer *self);

/* ---- connections ---------------------------------------------------------- */

static void stream_gone (gpointer  data,
                         GObject  *where_the_object_was);

static void
connection_free (Connection *conn)
{
  if (conn->stream != NULL)
    g_object_weak_unref (G_OBJECT (conn->stream), stream_gone, conn);
  if (conn->readable != NULL)
    {
      g_source_destroy (conn->readable);
      g_source_unref (conn->readable);
    }
  if (conn->server != NULL && conn->phase != PHASE_TAKEN)
    conn->server->n_watched--;
  g_clear_object (&conn->cancellable);
  g_clear_object (&conn->base);
  g_clear_object (&conn->local);
  g_clear_object (&conn->remote);
  g_clear_object (&conn->socket);
  g_free (conn);
}

/* libsoup (or the event stream) let go of the connection. */
static void
stream_gone (gpointer  data,
             GObject  *where_the_object_was)
{
  Connection *conn = data;

  conn->stream = NULL;
  g_hash_table_remove (conn->server->connections, conn->remote);
}

static void
connection_set_phase (Connection *conn,
                      Phase       phase)
{
  if (conn->phase != PHASE_TAKEN && phase == PHASE_TAKEN)
    conn->server->n_watched--;
  conn->phase = phase;
}

static Connection *
connection_for_message (CbHttpServer      *self,
                        SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote != NULL ? g_hash_table_lookup (self->connections, remote) : NULL;
}

/* Ends a connection libsoup has, or one in the TLS handshake: both notice
 * at once (the end of input, a failed write) and clean up. */
static void
connection_shut (Connection *conn,
                 const char *why)
{
  if (conn->shut)
    return;
  conn->shut = TRUE;
  g_debug ("Closing a connection: %s", why);
  if (conn->cancellable != NULL)
    g_cancellable_cancel (conn->cancellable);
  g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
}

static gboolean
sweep (gpointer user_data)
{
  CbHttpServer *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 request_deadline = now - (gint64) self->request_timeout_s * G_USEC_PER_SEC;
  gint64 idle_deadline = now - (gint64) self->idle_timeout_s * G_USEC_PER_SEC;
  GHashTableIter iter;
  Connection *conn;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
    {
      switch (conn->phase)
        {
        case PHASE_TLS_WAIT:
          if (conn->accepted_at < request_deadline)
            {
              g_debug ("No TLS handshake within %u s", self->request_timeout_s);
              g_hash_table_iter_remove (&iter);
            }
          break;

        case PHASE_TLS_HANDSHAKE:
        case PHASE_REQUEST:
          if (conn->accepted_at < request_deadline)
            connection_shut (conn, "no complete request in time");
          break;

        case PHASE_RESPONSE:
          if (conn->stream != NULL &&
              cb_counted_stream_get_last_activity (conn->stream) < idle_deadline)
            connection_shut (conn, "idle");
          break;

        case PHASE_TAKEN:
        default:
          break;
        }
    }

  if (self->n_watched == 0)
    {
      self->sweep_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static Connection *
connection_new (CbHttpServer *self,
                GSocket      *socket)
{
  g_autoptr(GError) error = NULL;
  Connection *conn;
  GSocketAddress *remote = g_socket_get_remote_address (socket, &error);

  if (remote == NULL)
    {
      /* Gone already. */
      g_debug ("Accepted a connection without a peer: %s", error->message);
      return NULL;
    }

  conn = g_new0 (Connection, 1);
  conn->server = self;
  conn->socket = g_object_ref (socket);
  conn->remote = remote;
  conn->local = g_socket_get_local_address (socket, NULL);
  conn->accepted_at = g_get_monotonic_time ();
  conn->base = G_IO_STREAM (g_socket_connection_factory_create_connection (socket));
  g_hash_table_insert (self->connections, conn->remote, conn);
  self->n_watched++;
  if (self->sweep_id == 0)
    self->sweep_id = g_timeout_add (SWEEP_INTERVAL_MS, sweep, self);
  return conn;
}

/* From here on libsoup reads and answers the request. */
static void
connection_hand_over (Connection *conn,
                      GIOStream  *stream)
{
  CbHttpServer *self = conn->server;
  g_autoptr(CbCountedStream) counted = cb_counted_stream_new (stream);
  g_autoptr(GError) error = NULL;

  conn->phase = PHASE_REQUEST;
  conn->stream = counted;
  g_object_weak_ref (G_OBJECT (counted), stream_gone, conn);
  g_clear_object (&conn->base);
  g_clear_object (&conn->cancellable);
  cb_counted_stream_set_read_limit (counted, self->max_body + HEAD_ALLOWANCE);

  if (conn->local == NULL ||
      !soup_server_accept_iostream (self->soup, G_IO_STREAM (counted), conn->local, conn->remote, &error))
    {
      g_debug ("libsoup did not take a connection: %s", error != NULL ? error->message : "no address");
      g_io_stream_close (G_IO_STREAM (counted), NULL, NULL);
    }
}

static void
handshake_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Connection *conn = user_data;
  g_autoptr(GError) error = NULL;

  if (conn->server == NULL)
    {
      /* The server went away meanwhile. */
      connection_free (conn);
      return;
    }
  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      g_debug ("TLS handshake failed: %s", error->message);
      g_hash_table_remove (conn->server->connections, conn->remote);
      return;
    }
  connection_hand_over (conn, G_IO_STREAM (source));
}

/* The client has sent its first bytes: now a handshake is worth a thread. */
static gboolean
client_hello (GSocket      *socket,
              GIOCondition  condition,
              gpointer      user_data)
{
  Connection *conn = user_data;
  CbHttpServer *self = conn->server;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&conn->readable, g_source_unref);
  tls = G_IO_STREAM (g_tls_server_connection_new (conn->base, self->certificate, &error));
  if (tls == NULL)
    {
      g_message ("Cannot serve TLS: %s", error->message);
      g_hash_table_remove (self->connections, conn->remote);
      return G_SOURCE_REMOVE;
    }
  /* Clients often close without a close_notify; that is no error here. */
  g_object_set (tls, "require-close-notify", FALSE, NULL);

  conn->phase = PHASE_TLS_HANDSHAKE;
  conn->cancellable = g_cancellable_new ();
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, conn->cancellable,
                                    handshake_done, conn);
  return G_SOURCE_REMOVE;
}

static void
connection_start (CbHttpServer *self,
                  GSocket      *socket)
{
  Connection *conn = connection_new (self, socket);

  if (conn == NULL)
    return;

  if (self->certificate == NULL)
    {
      connection_hand_over (conn, conn->base);
      return;
    }

  conn->phase = PHASE_TLS_WAIT;
  conn->readable = g_socket_create_source (socket, G_IO_IN, NULL);
  g_source_set_callback (conn->readable, (GSourceFunc) (GCallback) client_hello, conn, NULL);
  g_source_attach (conn->readable, NULL);
}

/* Out of descriptors: the connection that has waited longest without
 * sending a whole request goes first, making room for a new one. */
static void
shed_oldest (CbHttpServer *self)
{
  GHashTableIter iter;
  Connection *conn;
  Connection *oldest = NULL;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
    if (conn->phase <= PHASE_REQUEST && !conn->shut &&
        (oldest == NULL || conn->accepted_at < oldest->accepted_at))
      oldest = conn;

  if (oldest == NULL)
    return;
  self->shed++;
  if (oldest->phase == PHASE_TLS_WAIT)
    g_hash_table_remove (self->connections, oldest->remote);
  else
    connection_shut (oldest, "out of descriptors, it waited longest");
  /* Its descriptor is free once libsoup has seen the end: soon. */
  self->accept_backoff_ms = ACCEPT_RETRY_MIN_MS;
}

/* ---- accepting ---------------------------------------------------------- */

static gboolean
accept_retry (gpointer user_data)
{
  CbHttpServer *self = user_data;

  self->accept_retry_id = 0;
  accept_resume (self);
  return G_SOURCE_REMOVE;
}

static void
accept_pause (CbHttpServer *self,
              const GError *error)
{
  if (self->accept_source != NULL)
    {
      g_source_destroy (self->accept_source);
      g_clear_pointer (&self->accept_source, g_source_unref);
    }

  if (!self->starved)
    {
      g_message ("Cannot accept connections (%s): pausing and trying again", error->message);
      self->starved = TRUE;
      self->shed = 0;
    }
  if (self->accept_backoff_ms == 0)
    self->accept_backoff_ms = ACCEPT_RETRY_MIN_MS * 5;
  else
    self->accept_backoff_ms = MIN (self->accept_backoff_ms * 2, ACCEPT_RETRY_MAX_MS);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES))
    shed_oldest (self);
  self->accept_retry_id = g_timeout_add (self->accept_backoff_ms, accept_retry, self);
}

static gboolean
on_incoming (GSocket      *listener,
             GIOCondition  condition,
             gpointer      user_data)
{
  CbHttpServer *self = user_data;

  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) socket = g_socket_accept (listener, NULL, &error);

      if (socket == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              if (self->starved)
                {
                  /* Every waiting client has been taken in. */
                  g_message ("Accepting connections again (%u waiting ones closed to make room)",
                             self->shed);
                  self->starved = FALSE;
                }
              return G_SOURCE_CONTINUE;
            }
          /* EMFILE and friends. The listening socket stays readable, so
           * carrying on would spin: wait a little. */
          accept_pause (self, error);
          return G_SOURCE_REMOVE;
        }
      self->accept_backoff_ms = 0;
      connection_start (self, socket);
    }
  return G_SOURCE_CONTINUE;
}

static void
accept_resume (CbHttpServer *self)
{
  if (self->listener == NULL || self->accept_source != NULL)
    return;
  self->accept_source = g_socket_create_source (self->listener, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, (GSourceFunc) (GCallback) on_incoming, self, NULL);
  g_source_attach (self->accept_source, NULL);
}

static void
accept_stop (CbHttpServer *self)
{
  g_clear_handle_id (&self->accept_retry_id, g_source_remove);
  if (self->accept_source != NULL)
    {
      g_source_destroy (self->accept_source);
      g_clear_pointer (&self->accept_source, g_source_unref);
    }
  if (self->listener != NULL)
    g_socket_close (self->listener, NULL);
  g_clear_object (&self->listener);
}

/* ---- 413 on a connection taken over from libsoup ------------------------- */

typedef struct {
  GIOStream    *stream;
  GSocket      *socket;
  GCancellable *cancellable;
  char         *response;
  gsize         drained;
  guint         timeout_id;
  char          buffer[16384];
} Rejection;

static void
rejection_free (Rejection *rejection)
{
  g_clear_handle_id (&rejection->timeout_id, g_source_remove);
  g_clear_object (&rejection->cancellable);
  g_clear_object (&rejection->socket);
  g_clear_object (&rejection->stream);
  g_free (rejection->response);
  g_free (rejection);
}

static void
rejection_closed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  rejection_free (user_data);
}

static void
rejection_finish (Rejection *rejection)
{
  g_clear_handle_id (&rejection->timeout_id, g_source_remove);
  g_io_stream_close_async (rejection->stream, G_PRIORITY_DEFAULT, NULL,
                           rejection_closed, rejection);
}

static gboolean
rejection_timeout (gpointer user_data)
{
  Rejection *rejection = user_data;

  rejection->timeout_id = 0;
  g_cancellable_cancel (rejection->cancellable);
  return G_SOURCE_REMOVE;
}

static void drain_next (Rejection *rejection);

static void
drained_some (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Rejection *rejection = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0 || (rejection->drained += n) > DRAIN_MAX_BYTES)
    {
      rejection_finish (rejection);
      return;
    }
  drain_next (rejection);
}

static void
drain_next (Rejection *rejection)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (rejection->stream),
                             rejection->buffer, sizeof rejection->buffer,
                             G_PRIORITY_DEFAULT, rejection->cancellable,
                             drained_some, rejection);
}

static void
rejection_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Rejection *rejection = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      g_debug ("Could not send 413: %s", error->message);
      rejection_finish (rejection);
      return;
    }

  g_output_stream_flush (G_OUTPUT_STREAM (source), NULL, NULL);
  /* On plain TCP, half-close so the client sees the end of our answer at
   * once; TLS needs its own close, done in rejection_finish(). */
  if (rejection->socket != NULL)
    g_socket_shutdown (rejection->socket, FALSE, TRUE, NULL);

  rejection->timeout_id = g_timeout_add (DRAIN_TIMEOUT_MS, rejection_timeout, rejection);
  drain_next (rejection);
}

/* The limit early_handler() chose for this request. */
static gsize
body_limit (SoupServerMessage *msg)
{
  return GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), BODY_LIMIT_KEY));
}

static void
reject_too_large (CbHttpServer      *self,
                  SoupServerMessage *msg,
                  const char        *why)
{
  g_autofree char *body = NULL;
  g_autofree char *message = NULL;
  Connection *conn = connection_for_message (self, msg);
  Rejection *rejection;

  message = g_strdup_printf ("The request body is larger than %" G_GSIZE_FORMAT " bytes", body_limit (msg));
  g_debug ("%s %s → 413: %s", soup_server_message_get_method (msg),
           g_uri_get_path (soup_server_message_get_uri (msg)), why);

  rejection = g_new0 (Rejection, 1);
  if (conn != NULL)
    {
      /* Ours to answer and close now; the drain may read this much. */
      connection_set_phase (conn, PHASE_TAKEN);
      if (conn->stream != NULL)
        cb_counted_stream_set_read_limit (conn->stream,
                                          cb_counted_stream_get_bytes_read (conn->stream) + DRAIN_MAX_BYTES + sizeof rejection->buffer);
      /* Half-closing is for plain TCP only: TLS closes on its own. */
      if (conn->stream != NULL && !G_IS_TLS_CONNECTION (cb_counted_stream_get_base (conn->stream)))
        rejection->socket = g_object_ref (conn->socket);
    }
  rejection->stream = soup_server_message_steal_connection (msg);
  rejection->cancellable = g_cancellable_new ();
  if (rejection->stream == NULL)
    {
      rejection_free (rejection);
      return;
    }

  body = cb_json_error_body (CB_PROTOCOL_ERROR_PAYLOAD_TOO_LARGE, message);
  rejection->response = g_strdup_printf ("HTTP/1.1 413 Payload Too Large\r\n"
                                         "Content-Type: application/json\r\n"
                                         "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                         "Connection: close\r\n"
                                         "\r\n%s", strlen (body), body);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (rejection->stream),
                                   rejection->response, strlen (rejection->response),
                                   G_PRIORITY_DEFAULT, NULL, rejection_written, rejection);
}

/* ---- request handling ------------------------------------------------------ */

static void
got_chunk (SoupServerMessage *msg,
           GBytes            *chunk,
           gpointer           user_data)
{
  CbHttpServer *self = user_data;
  gsize total = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), BODY_SIZE_KEY));

  total += g_bytes_get_size (chunk);
  g_object_set_data (G_OBJECT (msg), BODY_SIZE_KEY, GSIZE_TO_POINTER (total));
  if (total > body_limit (msg))
    {
      g_signal_handlers_disconnect_by_func (msg, got_chunk, self);
      reject_too_large (self, msg, "chunked body over the limit");
    }
}

/* Digits only, at most max: libsoup would take "-1" (or a value that
 * overflows to it) as "read until the connection ends". */
static gboolean
content_length_acceptable (const char *value,
                           gsize       max)
{
  g_autofree char *text = g_strstrip (g_strdup (value));
  guint64 length;

  if (text[0] == '\0' || strspn (text, "0123456789") != strlen (text))
    return FALSE;
  return g_ascii_string_to_unsigned (text, 10, 0, max, &length, NULL);
}

static void
early_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  CbHttpServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *length = soup_message_headers_get_one (headers, "Content-Length");
  gsize route_limit = cb_router_body_limit (self->router, soup_server_message_get_method (msg), path);
  gsize limit = route_limit > 0 ? route_limit : self->max_body;
  Connection *conn;

  g_object_set_data (G_OBJECT (msg), BODY_LIMIT_KEY, GSIZE_TO_POINTER (limit));
  if (length != NULL && !content_length_acceptable (length, limit))
    {
      reject_too_large (self, msg, "Content-Length not a size up to the limit");
      return;
    }
  /* An upload route takes more than the connection's default allowance. */
  if (limit > self->max_body && (conn = connection_for_message (self, msg)) != NULL &&
      conn->stream != NULL)
    cb_counted_stream_set_read_limit (conn->stream,
                                      cb_counted_stream_get_bytes_read (conn->stream) + limit +
                                      HEAD_ALLOWANCE);

  switch (soup_message_headers_get_encoding (headers))
    {
    case SOUP_ENCODING_CHUNKED:
    case SOUP_ENCODING_EOF:
      /* The size is only known while reading: count as it arrives. */
      g_signal_connect_object (msg, "got-chunk", G_CALLBACK (got_chunk), self, 0);
      break;

    case SOUP_ENCODING_CONTENT_LENGTH:
    default:
      break;
    }
}

static void
dispatch_handler (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  CbHttpServer *self = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);

  /* One request per connection (libsoup closes after the answer when
   * connections are not accepted by its own listener): say so. Event
   * streams are long-lived anyway, so the upgrade keeps its connection. */
  if (soup_message_headers_get_one (request, "Upgrade") == NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Connection", "close");

  cb_router_dispatch (self->router, msg, path, query);
}

/* The whole request is in: from now on the idle timeout applies. */
static void
request_read (SoupServer        *server,
              SoupServerMessage *msg,
              gpointer           user_data)
{
  CbHttpServer *self = user_data;
  Connection *conn = connection_for_message (self, msg);

  if (conn != NULL && conn->phase == PHASE_REQUEST)
    conn->phase = PHASE_RESPONSE;
}

/* Each complete message renews what the stream may read next. */
static void
websocket_message (SoupWebsocketConnection *connection,
                   gint                     type,
                   GBytes                  *message,
                   gpointer                 user_data)
{
  CbCountedStream *stream = user_data;

  cb_counted_stream_set_read_limit (stream, cb_counted_stream_get_bytes_read (stream) + WEBSOCKET_READ_BUDGET);
}

static void
websocket_accepted (SoupServer              *server,
                    SoupServerMessage       *msg,
                    const char              *path,
                    SoupWebsocketConnection *connection,
                    gpointer                 user_data)
{
  WebsocketRoute *route = user_data;
  Connection *conn = connection_for_message (route->server, msg);

  if (conn != NULL && conn->stream != NULL)
    {
      connection_set_phase (conn, PHASE_TAKEN);
      if (!g_socket_set_option (conn->socket, SOL_SOCKET, SO_SNDBUF, WEBSOCKET_SNDBUF, NULL))
        g_debug ("Could not set the send buffer of an event stream");
      websocket_message (connection, 0, NULL, conn->stream);
      g_signal_connect_object (connection, "message", G_CALLBACK (websocket_message), conn->stream, 0);
      cb_counted_stream_attach_websocket (conn->stream, connection);
    }
  route->callback (server, msg, path, connection, route->user_data);
}

/* ---- the object ------------------------------------------------------------ */

static void
cb_http_server_dispose (GObject *object)
{
  CbHttpServer *self = CB_HTTP_SERVER (object);

  accept_stop (self);
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  /* Streams libsoup still holds must not call back into a dead server. */
  if (self->connections != NULL)
    {
      GHashTableIter iter;
      Connection *conn;

      g_hash_table_iter_init (&iter, self->connections);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
        if (conn->cancellable != NULL)
          {
            /* Its handshake callback still comes and frees it. */
            g_hash_table_iter_steal (&iter);
            conn->server = NULL;
            g_cancellable_cancel (conn->cancellable);
          }
      g_clear_pointer (&self->connections, g_hash_table_unref);
    }
  g_clear_object (&self->soup);
  g_clear_object (&self->router);
  g_clear_object (&self->certificate);
  G_OBJECT_CLASS (cb_http_server_parent_class)->dispose (object);
}

static void
cb_http_server_finalize (GObject *object)
{
  CbHttpServer *self = CB_HTTP_SERVER (object);

  g_clear_pointer (&self->websocket_routes, g_ptr_array_unref);
  g_free (self->tls_priority);
  g_free (self->url);
  G_OBJECT_CLASS (cb_http_server_parent_class)->finalize (object);
}

static void
cb_http_server_class_init (CbHttpServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_http_server_dispose;
  object_class->finalize = cb_http_server_finalize;
}

static void
cb_http_server_init (CbHttpServer *self)
{
  self->soup = soup_server_new ("server-header", "callboardd ", NULL);
  self->connections = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                             (GDestroyNotify) connection_free);
  self->websocket_routes = g_ptr_array_new_with_free_func (g_free);
}

CbHttpServer *
cb_http_server_new (CbRouter             *router,
                    const CbServerConfig *config)
{
  CbHttpServer *self = g_object_new (CB_TYPE_HTTP_SERVER, NULL);

  self->router = g_object_ref (router);
  self->max_body = config->max_body;
  self->request_timeout_s = config->request_timeout;
  self->idle_timeout_s = config->idle_timeout;
  self->tls_priority = g_strdup (config->tls_priority);
  soup_server_add_early_handler (self->soup, NULL, early_handler, self, NULL);
  soup_server_add_handler (self->soup, NULL, dispatch_handler, self, NULL);
  g_signal_connect (self->soup, "request-read", G_CALLBACK (request_read), self);
  return self;
}

void
cb_http_server_add_websocket (CbHttpServer                *self,
                              const char                  *path,
                              SoupServerWebsocketCallback  callback,
                              gpointer                     user_data)
{
  WebsocketRoute *route;

  g_return_if_fail (CB_IS_HTTP_SERVER (self));

  route = g_new0 (WebsocketRoute, 1);
  route->server = self;
  route->callback = callback;
  route->user_data = user_data;
  g_ptr_array_add (self->websocket_routes, route);

  /* The path gets its own libsoup handler entry, so it needs the early
   * check and the router again; libsoup runs the plain handler before the
   * upgrade and skips the upgrade when that handler set a status. */
  soup_server_add_early_handler (self->soup, path, early_handler, self, NULL);
  soup_server_add_handler (self->soup, path, dispatch_handler, self, NULL);
  soup_server_add_websocket_handler (self->soup, path, NULL, NULL, websocket_accepted, route, NULL);
}

static GInetAddress *
resolve_address (const char  *address,
                 GError     **error)
{
  g_autoptr(GResolver) resolver = NULL;
  GList *list;
  GInetAddress *result;

  result = g_inet_address_new_from_string (address);
  if (result != NULL)
    return result;

  /* A host name: resolved once, at start, before the main loop runs. */
  resolver = g_resolver_get_default ();
  list = g_resolver_lookup_by_name (resolver, address, NULL, error);
  if (list == NULL)
    return NULL;
  result = g_object_ref (list->data);
  g_resolver_free_addresses (list);
  return result;
}

/* glib-networking reads its GnuTLS priority once, when the first TLS
 * connection is made: before that, and only if the administrator has not
 * chosen one in the environment, unless our setting says otherwise. */
static void
set_tls_priority (CbHttpServer *self)
{
  if (self->tls_priority != NULL && self->tls_priority[0] != '\0')
    g_setenv ("G_TLS_GNUTLS_PRIORITY", self->tls_priority, TRUE);
  else if (g_getenv ("G_TLS_GNUTLS_PRIORITY") == NULL)
    g_setenv ("G_TLS_GNUTLS_PRIORITY", DEFAULT_TLS_PRIORITY, TRUE);
}

gboolean
cb_http_server_listen (CbHttpServer  *self,
                       const char    *address,
                       guint          port,
                       const char    *certificate,
                       const char    *key,
                       GError       **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autofree char *host = NULL;
  int bound_port = port;

  g_return_val_if_fail (CB_IS_HTTP_SERVER (self), FALSE);
  g_return_val_if_fail (self->listener == NULL, FALSE);

  if (certificate != NULL)
    {
      set_tls_priority (self);
      self->certificate = g_tls_certificate_new_from_files (certificate, key, error);
      if (self->certificate == NULL)
        return FALSE;
    }

  inet = resolve_address (address, error);
  if (inet == NULL)
    return FALSE;

  socket_address = g_inet_socket_address_new (inet, port);
  listener = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                           G_SOCKET_PROTOCOL_TCP, error);
  if (listener == NULL || !g_socket_bind (listener, socket_address, TRUE, error))
    return FALSE;
  /* GSocket's default backlog is 10: when a restarted server is met by
   * every client of the office reconnecting at once, most SYNs would be
   * dropped and those clients would wait for a retransmit timeout. */
  g_socket_set_listen_backlog (listener, LISTEN_BACKLOG);
  if (!g_socket_listen (listener, error))
    return FALSE;
  g_socket_set_blocking (listener, FALSE);

  /* With port 0 the kernel chose: ask the socket what it got. */
  local = g_socket_get_local_address (listener, error);
  if (local == NULL)
    return FALSE;
  bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));

  self->listener = g_steal_pointer (&listener);
  accept_resume (self);

  host = g_inet_address_to_string (inet);
  g_free (self->url);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    self->url = g_strdup_printf ("%s://[%s]:%d", certificate ? "https" : "http", host, bound_port);
  else
    self->url = g_strdup_printf ("%s://%s:%d", certificate ? "https" : "http", host, bound_port);
  return TRUE;
}

const char *
cb_http_server_get_url (CbHttpServer *self)
{
  g_return_val_if_fail (CB_IS_HTTP_SERVER (self), NULL);
  return self->url;
}

void
cb_http_server_disconnect (CbHttpServer *self)
{
  g_return_if_fail (CB_IS_HTTP_SERVER (self));
  accept_stop (self);
  soup_server_disconnect (self->soup);
}
