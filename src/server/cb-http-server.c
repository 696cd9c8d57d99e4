/* cb-http-server.c: the HTTP(S) listener in front of the router
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Besides listening, this enforces the request body limit before a body
 * is read: a Content-Length over the limit, or a chunked body growing
 * past it, is answered 413 at once on a connection taken over from
 * libsoup (which would otherwise read the whole body first). The limit
 * is max_body, or an upload route's own (cb_router_body_limit()).
 */

#define G_LOG_DOMAIN "cb-http"

#include <string.h>

#include "cb-http-server.h"

struct _CbHttpServer
{
  GObject     parent_instance;

  SoupServer *soup;
  CbRouter   *router;
  gsize       max_body;
  char       *url;
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
  if (rejection->socket != NULL && !G_IS_TLS_CONNECTION (rejection->stream))
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
  GSocket *socket;
  Rejection *rejection;

  message = g_strdup_printf ("The request body is larger than %" G_GSIZE_FORMAT " bytes", body_limit (msg));
  g_debug ("%s %s → 413: %s", soup_server_message_get_method (msg),
           g_uri_get_path (soup_server_message_get_uri (msg)), why);

  rejection = g_new0 (Rejection, 1);
  socket = soup_server_message_get_socket (msg);
  rejection->socket = socket != NULL ? g_object_ref (socket) : NULL;
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

static void
early_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  CbHttpServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  gsize limit = cb_router_body_limit (self->router, soup_server_message_get_method (msg), path);

  g_object_set_data (G_OBJECT (msg), BODY_LIMIT_KEY, GSIZE_TO_POINTER (limit > 0 ? limit : self->max_body));
  switch (soup_message_headers_get_encoding (headers))
    {
    case SOUP_ENCODING_CONTENT_LENGTH:
      if (soup_message_headers_get_content_length (headers) > (goffset) body_limit (msg))
        reject_too_large (self, msg, "Content-Length over the limit");
      break;

    case SOUP_ENCODING_CHUNKED:
    case SOUP_ENCODING_EOF:
      /* The size is only known while reading: count as it arrives. */
      g_signal_connect_object (msg, "got-chunk", G_CALLBACK (got_chunk), self, 0);
      break;

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

  /* libsoup 3.2 leaks the socket of a keep-alive connection that the
   * client closes while idle (fixed upstream in 3.3): closing after each
   * answer keeps a long-running server within its descriptors. Event
   * streams are long-lived anyway, so the upgrade keeps its connection. */
  if (soup_message_headers_get_one (request, "Upgrade") == NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Connection", "close");

  cb_router_dispatch (self->router, msg, path, query);
}

static void
cb_http_server_dispose (GObject *object)
{
  CbHttpServer *self = CB_HTTP_SERVER (object);

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->router);
  G_OBJECT_CLASS (cb_http_server_parent_class)->dispose (object);
}

static void
cb_http_server_finalize (GObject *object)
{
  CbHttpServer *self = CB_HTTP_SERVER (object);

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
}

CbHttpServer *
cb_http_server_new (CbRouter *router,
                    gsize     max_body)
{
  CbHttpServer *self = g_object_new (CB_TYPE_HTTP_SERVER, NULL);

  self->router = g_object_ref (router);
  self->max_body = max_body;
  soup_server_add_early_handler (self->soup, NULL, early_handler, self, NULL);
  soup_server_add_handler (self->soup, NULL, dispatch_handler, self, NULL);
  return self;
}

void
cb_http_server_add_websocket (CbHttpServer                *self,
                              const char                  *path,
                              SoupServerWebsocketCallback  callback,
                              gpointer                     user_data)
{
  g_return_if_fail (CB_IS_HTTP_SERVER (self));

  /* The path gets its own libsoup handler entry, so it needs the early
   * check and the router again; libsoup runs the plain handler before the
   * upgrade and skips the upgrade when that handler set a status. */
  soup_server_add_early_handler (self->soup, path, early_handler, self, NULL);
  soup_server_add_handler (self->soup, path, dispatch_handler, self, NULL);
  soup_server_add_websocket_handler (self->soup, path, NULL, NULL, callback, user_data, NULL);
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
  SoupServerListenOptions options = 0;
  int bound_port = port;

  g_return_val_if_fail (CB_IS_HTTP_SERVER (self), FALSE);

  if (certificate != NULL)
    {
      g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_files (certificate, key, error);

      if (cert == NULL)
        return FALSE;
      soup_server_set_tls_certificate (self->soup, cert);
      options |= SOUP_SERVER_LISTEN_HTTPS;
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
  if (!g_socket_listen (listener, error) ||
      !soup_server_listen_socket (self->soup, listener, options, error))
    return FALSE;

  /* With port 0 the kernel chose: ask the socket what it got. */
  local = g_socket_get_local_address (listener, error);
  if (local == NULL)
    return FALSE;
  bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));

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
  soup_server_disconnect (self->soup);
}
