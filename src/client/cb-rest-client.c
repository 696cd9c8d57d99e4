/* cb-rest-client.c: typed calls to callboardd's REST API, and the event stream's handshake
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only libsoup's async API is used, on the thread-default main context:
 * callboardd may run on the same loop (tests, the demo), where a
 * synchronous call would wait for itself. The server closes each REST
 * connection after its answer (libsoup 3.2 leaks idle keep-alive sockets
 * on its side); nothing here depends on keep-alive.
 *
 * Why one file of this size (about 1,600 lines): it is one short method
 * per route of the API, each naming its path and building its body, over
 * one request function; it grows with the API, route by route, and
 * reads best beside doc/PROTOCOL.md's table in the same order.
 */

#define G_LOG_DOMAIN "cb-rest-client"

#include "config.h"

#include "cb-rest-client.h"

/* A "group" event lists every member; allow large groups. */
#define MAX_EVENT_FRAME (16 * 1024 * 1024)

struct _CbRestClient
{
  GObject      parent_instance;

  char        *base_url;
  char        *token;
  SoupSession *soup;
  gboolean     accept_invalid_certificates;
  char        *pinned_certificate;    /* SHA-256 fingerprint the user trusts */
  GTlsCertificate *rejected_certificate;
  GTlsCertificate *accepted_certificate; /* not system-trusted, taken */
  GTlsCertificateFlags rejected_errors;
};

G_DEFINE_FINAL_TYPE (CbRestClient, cb_rest_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TOKEN,
  PROP_ACCEPT_INVALID_CERTIFICATES,
  PROP_PINNED_CERTIFICATE,
  N_PROPS
};

enum {
  SIGNAL_UNAUTHORIZED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

void
cb_announcement_free (CbAnnouncement *announcement)
{
  if (announcement == NULL)
    return;
  g_clear_pointer (&announcement->audio, g_bytes_unref);
  g_free (announcement->content_type);
  g_free (announcement);
}

void
cb_line_credentials_free (CbLineCredentials *credentials)
{
  if (credentials == NULL)
    return;
  g_free (credentials->username);
  g_free (credentials->password);
  g_free (credentials->registrar);
  g_free (credentials->registrar_tls);
  g_free (credentials);
}

/* --- sending --- */

/* Turns the answer's JSON (NULL for 204 or an empty body) into the task's
 * result; returns it on the task, value or error. */
typedef void (*ParseAnswer) (GTask    *task,
                             JsonNode *answer);

/* For answers that are no JSON (an announcement's audio): the body as it
 * came and its Content-Type. */
typedef void (*ParseBytes) (GTask      *task,
                            GBytes     *body,
                            const char *content_type);

typedef struct {
  SoupMessage *msg;
  char        *token;   /* the token the request was sent with, or NULL */
  ParseAnswer  parse;
  ParseBytes   parse_bytes;  /* instead of parse, when set */
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->msg);
  g_clear_pointer (&request->token, g_free);
  g_free (request);
}

char *
cb_certificate_get_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize length = sizeof digest;
  GString *text;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;
  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, der->data, der->len);
  g_checksum_get_digest (checksum, digest, &length);
  text = g_string_sized_new (length * 3);
  for (gsize i = 0; i < length; i++)
    g_string_append_printf (text, i == 0 ? "%02X" : ":%02X", digest[i]);
  return g_string_free (text, FALSE);
}

/* Asked only for a certificate the system does not trust: take it when
 * told to take any (tests), or when it is the one the user pinned;
 * otherwise keep it, so the user can be shown what was refused. */
static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       CbRestClient         *self)
{
  g_autofree char *fingerprint = NULL;

  if (self->accept_invalid_certificates)
    {
      g_debug ("Accepting an invalid TLS certificate (flags 0x%x) as configured", errors);
      g_set_object (&self->accepted_certificate, certificate);
      return TRUE;
    }
  fingerprint = cb_certificate_get_fingerprint (certificate);
  if (self->pinned_certificate != NULL && fingerprint != NULL &&
      g_ascii_strcasecmp (fingerprint, self->pinned_certificate) == 0)
    {
      g_debug ("Accepting the pinned TLS certificate %s (flags 0x%x)", fingerprint, errors);
      g_set_object (&self->accepted_certificate, certificate);
      return TRUE;
    }
  g_debug ("Refusing the TLS certificate %s (flags 0x%x)", fingerprint, errors);
  g_set_object (&self->rejected_certificate, certificate);
  self->rejected_errors = errors;
  return FALSE;
}

/* Transport failures keep what the user can act on: a name that does not
 * resolve and a refused certificate are told apart; the rest is G_IO_ERROR. */
static GError *
transport_error (GError *error)
{
  GError *mapped;

  if (error->domain == G_IO_ERROR || error->domain == G_TLS_ERROR)
    return error;
  if (error->domain == G_RESOLVER_ERROR)
    mapped = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND, error->message);
  else
    mapped = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, error->message);
  g_error_free (error);
  return mapped;
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

/* @path_and_query: below the API prefix, e.g. "/snapshot". */
static SoupMessage *
new_message (CbRestClient  *self,
             const char    *method,
             const char    *path_and_query,
             const char    *token,
             GError       **error)
{
  g_autofree char *uri = g_strconcat (self->base_url, CB_API_PREFIX, path_and_query, NULL);
  SoupMessage *msg = soup_message_new (method, uri);

  if (msg == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not a valid server address", self->base_url);
      return NULL;
    }

  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg),
                                    "Authorization", bearer);
    }
  g_signal_connect_object (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), self, 0);

  return msg;
}

/* The token a request was sent with was refused: tell the owner, unless
 * it has moved on to another token since. */
static void
report_unauthorized (CbRestClient *self,
                     const char   *token,
                     const char   *message)
{
  if (token != NULL && g_strcmp0 (self->token, token) == 0)
    g_signal_emit (self, signals[SIGNAL_UNAUTHORIZED], 0, message);
}

static void
on_request_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CbRestClient *self = g_task_get_source_object (task);
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
      g_task_return_error (task, transport_error (g_steal_pointer (&error)));
      return;
    }

  status = soup_message_get_status (request->msg);
  data = g_bytes_get_data (bytes, &length);

  if (status < 200 || status >= 300)
    {
      if (!cb_json_parse_error_body (data, length, &error))
        error = error_from_status (status);
      if (status == SOUP_STATUS_UNAUTHORIZED)
        report_unauthorized (self, request->token, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (request->parse_bytes != NULL)
    {
      request->parse_bytes (task, bytes,
                            soup_message_headers_get_content_type (soup_message_get_response_headers (request->msg),
                                                                   NULL));
      return;
    }

  if (status == SOUP_STATUS_NO_CONTENT || length == 0)
    {
      request->parse (task, NULL);
      return;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &error))
    {
      g_task_return_new_error (task, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON,
                               "The server sent malformed JSON: %s", error->message);
      return;
    }
  request->parse (task, json_parser_get_root (parser));
}

/* Sends @method @path (below the API prefix) with @body (may be NULL) of
 * @content_type and the token, unless @anonymous, asking for an answer
 * of type @accept; the answer goes through @parse, or @parse_bytes when
 * that is set. Takes @task. */
static void
send_request_full (CbRestClient *self,
                   GTask        *task,
                   const char   *method,
                   const char   *path,
                   const char   *content_type,
                   GBytes       *body,
                   gboolean      anonymous,
                   const char   *accept,
                   ParseAnswer   parse,
                   ParseBytes    parse_bytes)
{
  g_autoptr(GError) error = NULL;
  const char *token = anonymous ? NULL : self->token;
  Request *request;
  SoupMessage *msg;

  if (!anonymous && token == NULL)
    {
      g_task_return_new_error (task, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_UNAUTHORIZED,
                               "Not signed in");
      g_object_unref (task);
      return;
    }

  msg = new_message (self, method, path, token, &error);
  if (msg == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  request = g_new0 (Request, 1);
  request->msg = msg;
  request->token = g_strdup (token);
  request->parse = parse;
  request->parse_bytes = parse_bytes;
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", accept);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);

  g_debug ("%s %s", method, path);
  soup_session_send_and_read_async (self->soup, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), on_request_done, task);
}

/* As send_request_full() with a JSON @body (may be NULL). Takes @task. */
static void
send_request (CbRestClient *self,
              GTask        *task,
              const char   *method,
              const char   *path,
              JsonNode     *body,
              gboolean      anonymous,
              ParseAnswer   parse)
{
  g_autoptr(GBytes) bytes = NULL;

  if (body != NULL)
    {
      g_autofree char *text = cb_json_to_string (body);
      gsize length = strlen (text);

      bytes = g_bytes_new_take (g_steal_pointer (&text), length);
    }
  send_request_full (self, task, method, path, "application/json", bytes, anonymous,
                     "application/json", parse, NULL);
}

static GTask *
new_task (CbRestClient        *self,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static JsonObject *
answer_object (JsonNode    *answer,
               const char  *what,
               GError     **error)
{
  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON,
                   "The %s is not a JSON object", what);
      return NULL;
    }
  return json_node_get_object (answer);
}

/* --- answers --- */

static void
parse_nothing (GTask    *task,
               JsonNode *answer)
{
  g_task_return_boolean (task, TRUE);
}

static void
parse_object (GTask    *task,
              JsonNode *answer)
{
  const char *what = g_task_get_name (task);
  GError *error = NULL;
  JsonObject *object = answer_object (answer, what, &error);

  if (object == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, json_object_ref (object), (GDestroyNotify) json_object_unref);
}

/* Checked here, read by cb_rest_client_sign_in_finish(). */
static void
parse_sign_in (GTask    *task,
               JsonNode *answer)
{
  GError *error = NULL;
  JsonObject *object = answer_object (answer, "sign-in answer", &error);
  const char *token;
  gint64 user_id;

  if (object == NULL ||
      !cb_json_get_string (object, "token", TRUE, &token, &error) ||
      !cb_json_get_int (object, "user_id", FALSE, &user_id, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, json_object_ref (object), (GDestroyNotify) json_object_unref);
}

static void
parse_line (GTask    *task,
            JsonNode *answer)
{
  GError *error = NULL;
  JsonObject *object = answer_object (answer, "line answer", &error);
  const char *username = NULL;
  const char *password = NULL;
  const char *registrar = NULL;
  const char *registrar_tls = NULL;
  CbLineCredentials *line;

  if (object == NULL ||
      !cb_json_get_string (object, "username", TRUE, &username, &error) ||
      !cb_json_get_string (object, "password", TRUE, &password, &error) ||
      !cb_json_get_string (object, "registrar", TRUE, &registrar, &error) ||
      !cb_json_get_string (object, "registrar_tls", FALSE, &registrar_tls, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  line = g_new0 (CbLineCredentials, 1);
  line->username = g_strdup (username);
  line->password = g_strdup (password);
  line->registrar = g_strdup (registrar);
  line->registrar_tls = g_strdup (registrar_tls);
  g_task_return_pointer (task, line, (GDestroyNotify) cb_line_credentials_free);
}

static void
parse_calls (GTask    *task,
             JsonNode *answer)
{
  GError *error = NULL;
  JsonObject *object = answer_object (answer, "call list", &error);
  g_autoptr(GPtrArray) calls = NULL;
  JsonNode *node;
  JsonArray *array;

  if (object == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  calls = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_wire_call_free);
  node = json_object_get_member (object, "calls");
  array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(GError) call_error = NULL;
      CbWireCall *call = JSON_NODE_HOLDS_OBJECT (element)
                         ? cb_wire_call_from_json (json_node_get_object (element), &call_error)
                         : NULL;

      /* One call we cannot read does not cost the others. */
      if (call != NULL)
        g_ptr_array_add (calls, call);
      else
        g_debug ("Skipping call %u of the list: %s", i,
                 call_error != NULL ? call_error->message : "not an object");
    }
  g_task_return_pointer (task, g_steal_pointer (&calls), (GDestroyNotify) g_ptr_array_unref);
}

/* A call object's call_id: the answer to POST /calls and to consult. */
static void
parse_call_id (GTask    *task,
               JsonNode *answer)
{
  GError *error = NULL;
  JsonObject *object = answer_object (answer, "call", &error);
  g_autoptr(CbWireCall) call = NULL;

  if (object == NULL || (call = cb_wire_call_from_json (object, &error)) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (call->call_id), g_free);
}

gboolean
cb_rest_client_finish (CbRestClient  *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
finish_pointer (CbRestClient  *self,
                GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- request bodies --- */

static JsonNode *
object_node (JsonObject *object)
{
  return json_node_init_object (json_node_alloc (), object);
}

static JsonNode *
string_body (const char *member,
             const char *value)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, member, value);
  return object_node (object);
}

static const char *
phone_name (CbPhone phone)
{
  return phone == CB_PHONE_SOFTPHONE ? "softphone" : "desk";
}

/* --- the session --- */

void
cb_rest_client_sign_in_async (CbRestClient        *self,
                              const char          *username,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  json_object_set_string_member (object, "username", username);
  json_object_set_string_member (object, "password", password);
  body = object_node (object);
  send_request (self, new_task (self, cb_rest_client_sign_in_async, cancellable, callback, user_data),
                SOUP_METHOD_POST, "/session", body, TRUE, parse_sign_in);
}

char *
cb_rest_client_sign_in_finish (CbRestClient  *self,
                               GAsyncResult  *result,
                               gint64        *user_id,
                               GError       **error)
{
  g_autoptr(JsonObject) answer = finish_pointer (self, result, cb_rest_client_sign_in_async, error);

  if (answer == NULL)
    return NULL;
  if (user_id != NULL)
    *user_id = json_object_get_int_member_with_default (answer, "user_id", 0);
  return g_strdup (json_object_get_string_member (answer, "token"));
}

void
cb_rest_client_sign_out_async (CbRestClient        *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));

  send_request (self, new_task (self, cb_rest_client_sign_out_async, cancellable, callback, user_data),
                SOUP_METHOD_DELETE, "/session", NULL, FALSE, parse_nothing);
}

/* --- what the user sees --- */

void
cb_rest_client_get_snapshot_async (CbRestClient        *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CB_IS_REST_CLIENT (self));

  task = new_task (self, cb_rest_client_get_snapshot_async, cancellable, callback, user_data);
  g_task_set_name (task, "snapshot");
  send_request (self, task, SOUP_METHOD_GET, "/snapshot", NULL, FALSE, parse_object);
}

JsonObject *
cb_rest_client_get_snapshot_finish (CbRestClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_pointer (self, result, cb_rest_client_get_snapshot_async, error);
}

static void
parse_body (GTask      *task,
            GBytes     *body,
            const char *content_type)
{
  g_task_return_pointer (task, g_bytes_ref (body), (GDestroyNotify) g_bytes_unref);
}

void
cb_rest_client_get_snapshot_body_async (CbRestClient        *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CB_IS_REST_CLIENT (self));

  task = new_task (self, cb_rest_client_get_snapshot_body_async, cancellable, callback, user_data);
  send_request_full (self, task, SOUP_METHOD_GET, "/snapshot", NULL, NULL, FALSE,
                     "application/json", NULL, parse_body);
}

GBytes *
cb_rest_client_get_snapshot_body_finish (CbRestClient  *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return finish_pointer (self, result, cb_rest_client_get_snapshot_body_async, error);
}

void
cb_rest_client_search_directory_async (CbRestClient        *self,
                                       const char          *text,
                                       guint                limit,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (text != NULL);

  escaped = g_uri_escape_string (text, NULL, FALSE);
  path = g_strdup_printf ("/directory?q=%s&limit=%u", escaped, MAX (limit, 1));
  task = new_task (self, cb_rest_client_search_directory_async, cancellable, callback, user_data);
  g_task_set_name (task, "directory search answer");
  send_request (self, task, SOUP_METHOD_GET, path, NULL, FALSE, parse_object);
}

JsonObject *
cb_rest_client_search_directory_finish (CbRestClient  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return finish_pointer (self, result, cb_rest_client_search_directory_async, error);
}

void
cb_rest_client_get_journal_async (CbRestClient        *self,
                                  guint                limit,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (CB_IS_REST_CLIENT (self));

  task = new_task (self, cb_rest_client_get_journal_async, cancellable, callback, user_data);
  g_task_set_name (task, "journal");
  path = g_strdup_printf ("/journal?limit=%u", limit);
  send_request (self, task, SOUP_METHOD_GET, path, NULL, FALSE, parse_object);
}

JsonObject *
cb_rest_client_get_journal_finish (CbRestClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_pointer (self, result, cb_rest_client_get_journal_async, error);
}

void
cb_rest_client_get_line_async (CbRestClient        *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));

  send_request (self, new_task (self, cb_rest_client_get_line_async, cancellable, callback, user_data),
                SOUP_METHOD_GET, "/me/line", NULL, FALSE, parse_line);
}

CbLineCredentials *
cb_rest_client_get_line_finish (CbRestClient  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_pointer (self, result, cb_rest_client_get_line_async, error);
}

void
cb_rest_client_set_journal_seen_async (CbRestClient        *self,
                                       gint64               up_to,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  GTask *task;

  g_return_if_fail (CB_IS_REST_CLIENT (self));

  json_object_set_int_member (object, "up_to", MAX (up_to, 0));
  body = object_node (object);
  task = new_task (self, cb_rest_client_set_journal_seen_async, cancellable, callback, user_data);
  g_task_set_name (task, "journal-seen answer");
  send_request (self, task, SOUP_METHOD_PUT, "/journal/seen", body, FALSE, parse_object);
}

JsonObject *
cb_rest_client_set_journal_seen_finish (CbRestClient  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return finish_pointer (self, result, cb_rest_client_set_journal_seen_async, error);
}

/* --- changes --- */

void
cb_rest_client_set_presence_async (CbRestClient        *self,
                                   CbAvailability       availability,
                                   const char          *note,
                                   gint64               note_until,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (CB_IS_REST_CLIENT (self));

  body = string_body ("availability", cb_enum_to_nick (CB_TYPE_AVAILABILITY, availability));
  if (note != NULL)
    json_object_set_string_member (json_node_get_object (body), "note", note);
  if (note != NULL && note_until > 0)
    json_object_set_int_member (json_node_get_object (body), "note_until", note_until);
  send_request (self, new_task (self, cb_rest_client_set_presence_async, cancellable, callback, user_data),
                SOUP_METHOD_PUT, "/me/presence", body, FALSE, parse_nothing);
}

void
cb_rest_client_set_agent_status_async (CbRestClient        *self,
                                       CbAgentStatus        status,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (CB_IS_REST_CLIENT (self));

  body = string_body ("agent_status", cb_enum_to_nick (CB_TYPE_AGENT_STATUS, status));
  send_request (self, new_task (self, cb_rest_client_set_agent_status_async, cancellable, callback, user_data),
                SOUP_METHOD_PUT, "/me/agent-status", body, FALSE, parse_nothing);
}

void
cb_rest_client_set_group_login_async (CbRestClient        *self,
                                      gint64               group_id,
                                      gboolean             logged_in,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (CB_IS_REST_CLIENT (self));

  json_object_set_boolean_member (object, "logged_in", logged_in);
  body = object_node (object);
  path = g_strdup_printf ("/groups/%" G_GINT64_FORMAT "/login", group_id);
  send_request (self, new_task (self, cb_rest_client_set_group_login_async, cancellable, callback, user_data),
                SOUP_METHOD_PUT, path, body, FALSE, parse_nothing);
}

void
cb_rest_client_set_member_order_async (CbRestClient        *self,
                                       gint64               group_id,
                                       const gint64        *user_ids,
                                       guint                n_user_ids,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  JsonArray *members = json_array_sized_new (n_user_ids);

  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (user_ids != NULL || n_user_ids == 0);

  for (guint i = 0; i < n_user_ids; i++)
    json_array_add_int_element (members, user_ids[i]);
  json_object_set_array_member (object, "members", members);
  body = object_node (object);
  path = g_strdup_printf ("/groups/%" G_GINT64_FORMAT "/members/order", group_id);
  send_request (self, new_task (self, cb_rest_client_set_member_order_async, cancellable, callback, user_data),
                SOUP_METHOD_PUT, path, body, FALSE, parse_nothing);
}

#define LIST_NAME(list) ((list) == CB_USER_LIST_MONITOR ? "monitor" : "favourites")

void
cb_rest_client_add_to_list_async (CbRestClient        *self,
                                  CbUserList           list,
                                  gint64               user_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (CB_IS_REST_CLIENT (self));

  json_object_set_int_member (object, "user_id", user_id);
  body = object_node (object);
  path = g_strdup_printf ("/me/%s", LIST_NAME (list));
  send_request (self, new_task (self, cb_rest_client_add_to_list_async, cancellable, callback, user_data),
                SOUP_METHOD_POST, path, body, FALSE, parse_nothing);
}

void
cb_rest_client_remove_from_list_async (CbRestClient        *self,
                                       CbUserList           list,
                                       gint64               user_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (CB_IS_REST_CLIENT (self));

  path = g_strdup_printf ("/me/%s/%" G_GINT64_FORMAT, LIST_NAME (list), user_id);
  send_request (self, new_task (self, cb_rest_client_remove_from_list_async, cancellable, callback, user_data),
                SOUP_METHOD_DELETE, path, NULL, FALSE, parse_nothing);
}

/* --- assistant groups and the user's own call settings --- */

void
cb_rest_client_set_assistant_filter_async (CbRestClient        *self,
                                           gint64               group_id,
                                           CbAssistantFilterChange changes,
                                           gboolean             enabled,
                                           CbAssistantFilter    strategy,
                                           guint                delay,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (changes != 0);

  /* An assistant may send "enabled" only: the rest is the leader's. */
  if (changes & CB_ASSISTANT_FILTER_CHANGE_ENABLED)
    json_object_set_boolean_member (object, "enabled", enabled);
  if (changes & CB_ASSISTANT_FILTER_CHANGE_STRATEGY)
    json_object_set_string_member (object, "strategy",
                                   cb_enum_to_nick (CB_TYPE_ASSISTANT_FILTER, strategy));
  if (changes & CB_ASSISTANT_FILTER_CHANGE_DELAY)
    json_object_set_int_member (object, "delay", delay);
  body = object_node (object);
  path = g_strdup_printf ("/groups/%" G_GINT64_FORMAT "/filter", group_id);
  send_request (self, new_task (self, cb_rest_client_set_assistant_filter_async, cancellable, callback, user_data),
                SOUP_METHOD_PUT, path, body, FALSE, parse_nothing);
}

static void
set_number_or_null (JsonObject *object,
                    const char *member,
                    const char *number)
{
  if (number != NULL && *number != '\0')
    json_object_set_string_member (object, member, number);
  else
    json_object_set_null_member (object, member);
}

void
cb_rest_client_set_diversion_async (CbRestClient          *self,
                                    const CbWireDiversion *diversion,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (diversion != NULL);

  /* The whole diversion, every member named: what is null is off. */
  set_number_or_null (object, "unconditional", diversion->unconditional);
  set_number_or_null (object, "busy", diversion->busy);
  set_number_or_null (object, "no_answer", diversion->no_answer);
  json_object_set_int_member (object, "no_answer_after", diversion->no_answer_after);
  body = object_node (object);
  send_request (self, new_task (self, cb_rest_client_set_diversion_async, cancellable, callback, user_data),
                SOUP_METHOD_PUT, "/me/diversion", body, FALSE, parse_nothing);
}

void
cb_rest_client_set_mobile_ringing_async (CbRestClient        *self,
                                         gboolean             enabled,
                                         guint                delay,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (CB_IS_REST_CLIENT (self));

  json_object_set_boolean_member (object, "enabled", enabled);
  json_object_set_int_member (object, "delay", delay);
  body = object_node (object);
  send_request (self, new_task (self, cb_rest_client_set_mobile_ringing_async, cancellable, callback, user_data),
                SOUP_METHOD_PUT, "/me/mobile-ringing", body, FALSE, parse_nothing);
}

void
cb_rest_client_upload_announcement_async (CbRestClient        *self,
                                          GBytes              *audio,
                                          const char          *content_type,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (audio != NULL);
  g_return_if_fail (content_type != NULL);

  send_request_full (self, new_task (self, cb_rest_client_upload_announcement_async, cancellable, callback, user_data),
                     SOUP_METHOD_PUT, "/me/announcement", content_type, audio, FALSE,
                     "application/json", parse_nothing, NULL);
}

static void
parse_audio (GTask      *task,
             GBytes     *body,
             const char *content_type)
{
  CbAnnouncement *announcement = g_new0 (CbAnnouncement, 1);

  announcement->audio = g_bytes_ref (body);
  announcement->content_type = g_strdup (content_type);
  g_task_return_pointer (task, announcement, (GDestroyNotify) cb_announcement_free);
}

void
cb_rest_client_get_announcement_async (CbRestClient        *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));

  send_request_full (self, new_task (self, cb_rest_client_get_announcement_async, cancellable, callback, user_data),
                     SOUP_METHOD_GET, "/me/announcement", NULL, NULL, FALSE, "*/*", NULL, parse_audio);
}

CbAnnouncement *
cb_rest_client_get_announcement_finish (CbRestClient  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return finish_pointer (self, result, cb_rest_client_get_announcement_async, error);
}

void
cb_rest_client_delete_announcement_async (CbRestClient        *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));

  send_request (self, new_task (self, cb_rest_client_delete_announcement_async, cancellable, callback, user_data),
                SOUP_METHOD_DELETE, "/me/announcement", NULL, FALSE, parse_nothing);
}

/* --- the busy lamp field; every answer is the whole field --- */

static void
send_blf_request (CbRestClient *self,
                  GTask        *task,
                  const char   *method,
                  const char   *path,
                  JsonNode     *body)
{
  g_task_set_name (task, "busy lamp field");
  send_request (self, task, method, path, body, FALSE, parse_object);
}

void
cb_rest_client_get_blf_async (CbRestClient        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));

  send_blf_request (self, new_task (self, cb_rest_client_get_blf_async, cancellable, callback, user_data),
                    SOUP_METHOD_GET, "/me/blf", NULL);
}

void
cb_rest_client_add_blf_key_async (CbRestClient        *self,
                                  CbBlfKeyKind         kind,
                                  gint64               target_id,
                                  const char          *number,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  CbWireBlfKey key = { .kind = kind, .target_id = target_id, .number = number };
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (kind != CB_BLF_KEY_KIND_NUMBER || number != NULL);

  object = cb_wire_blf_key_to_json (&key);
  /* A new key has neither: the server gives the id, groups distribute. */
  json_object_remove_member (object, "id");
  json_object_remove_member (object, "distributed");
  body = object_node (object);
  send_blf_request (self, new_task (self, cb_rest_client_add_blf_key_async, cancellable, callback, user_data),
                    SOUP_METHOD_POST, "/me/blf", body);
}

void
cb_rest_client_set_blf_keys_async (CbRestClient        *self,
                                   GPtrArray           *keys,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  JsonArray *array;

  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (keys != NULL);

  array = json_array_sized_new (keys->len);
  for (guint i = 0; i < keys->len; i++)
    json_array_add_object_element (array, json_object_ref (g_ptr_array_index (keys, i)));
  json_object_set_array_member (object, "keys", array);
  body = object_node (object);
  send_blf_request (self, new_task (self, cb_rest_client_set_blf_keys_async, cancellable, callback, user_data),
                    SOUP_METHOD_PUT, "/me/blf", body);
}

void
cb_rest_client_remove_blf_key_async (CbRestClient        *self,
                                     gint64               key_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (CB_IS_REST_CLIENT (self));

  path = g_strdup_printf ("/me/blf/%" G_GINT64_FORMAT, key_id);
  send_blf_request (self, new_task (self, cb_rest_client_remove_blf_key_async, cancellable, callback, user_data),
                    SOUP_METHOD_DELETE, path, NULL);
}

JsonObject *
cb_rest_client_blf_finish (CbRestClient  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  gpointer tag;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  tag = g_task_get_source_tag (G_TASK (result));
  g_return_val_if_fail (tag == cb_rest_client_get_blf_async ||
                        tag == cb_rest_client_add_blf_key_async ||
                        tag == cb_rest_client_set_blf_keys_async ||
                        tag == cb_rest_client_remove_blf_key_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- call control --- */

void
cb_rest_client_list_calls_async (CbRestClient        *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));

  send_request (self, new_task (self, cb_rest_client_list_calls_async, cancellable, callback, user_data),
                SOUP_METHOD_GET, "/calls", NULL, FALSE, parse_calls);
}

GPtrArray *
cb_rest_client_list_calls_finish (CbRestClient  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return finish_pointer (self, result, cb_rest_client_list_calls_async, error);
}

void
cb_rest_client_dial_async (CbRestClient        *self,
                           const char          *to,
                           CbPhone              from,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  cb_rest_client_dial_as_async (self, to, from, 0, cancellable, callback, user_data);
}

void
cb_rest_client_dial_as_async (CbRestClient        *self,
                              const char          *to,
                              CbPhone              from,
                              gint64               as_user_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (to != NULL);

  body = string_body ("to", to);
  json_object_set_string_member (json_node_get_object (body), "from_device", phone_name (from));
  if (as_user_id > 0)
    json_object_set_int_member (json_node_get_object (body), "as", as_user_id);
  send_request (self, new_task (self, cb_rest_client_dial_async, cancellable, callback, user_data),
                SOUP_METHOD_POST, "/calls", body, FALSE, parse_call_id);
}

char *
cb_rest_client_dial_finish (CbRestClient  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return finish_pointer (self, result, cb_rest_client_dial_async, error);
}

/* POST /calls/{id}/@verb with {@member: @value} ({} for member NULL), or
 * DELETE /calls/{id} for verb NULL. Takes @task. */
static void
call_request (CbRestClient *self,
              GTask        *task,
              const char   *call_id,
              const char   *verb,
              const char   *member,
              const char   *value,
              ParseAnswer   parse)
{
  g_autofree char *escaped = g_uri_escape_string (call_id, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/calls/", escaped, verb != NULL ? "/" : NULL, verb, NULL);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;

  if (member != NULL)
    json_object_set_string_member (object, member, value);
  if (verb != NULL)
    body = object_node (object);
  send_request (self, task, verb == NULL ? SOUP_METHOD_DELETE : SOUP_METHOD_POST, path,
                body, FALSE, parse);
}

void
cb_rest_client_hangup_async (CbRestClient        *self,
                             const char          *call_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (call_id != NULL);

  call_request (self, new_task (self, cb_rest_client_hangup_async, cancellable, callback, user_data),
                call_id, NULL, NULL, NULL, parse_nothing);
}

void
cb_rest_client_answer_async (CbRestClient        *self,
                             const char          *call_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (call_id != NULL);

  call_request (self, new_task (self, cb_rest_client_answer_async, cancellable, callback, user_data),
                call_id, "answer", NULL, NULL, parse_nothing);
}

void
cb_rest_client_set_held_async (CbRestClient        *self,
                               const char          *call_id,
                               gboolean             held,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (call_id != NULL);

  call_request (self, new_task (self, cb_rest_client_set_held_async, cancellable, callback, user_data),
                call_id, held ? "hold" : "resume", NULL, NULL, parse_nothing);
}

void
cb_rest_client_send_dtmf_async (CbRestClient        *self,
                                const char          *call_id,
                                const char          *digits,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (call_id != NULL);
  g_return_if_fail (digits != NULL);

  call_request (self, new_task (self, cb_rest_client_send_dtmf_async, cancellable, callback, user_data),
                call_id, "dtmf", "digits", digits, parse_nothing);
}

void
cb_rest_client_forward_async (CbRestClient        *self,
                              const char          *call_id,
                              const char          *to,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (call_id != NULL);
  g_return_if_fail (to != NULL);

  call_request (self, new_task (self, cb_rest_client_forward_async, cancellable, callback, user_data),
                call_id, "forward", "to", to, parse_nothing);
}

void
cb_rest_client_consult_async (CbRestClient        *self,
                              const char          *call_id,
                              const char          *to,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (call_id != NULL);
  g_return_if_fail (to != NULL);

  call_request (self, new_task (self, cb_rest_client_consult_async, cancellable, callback, user_data),
                call_id, "consult", "to", to, parse_call_id);
}

char *
cb_rest_client_consult_finish (CbRestClient  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish_pointer (self, result, cb_rest_client_consult_async, error);
}

void
cb_rest_client_transfer_async (CbRestClient        *self,
                               const char          *call_id,
                               const char          *to_call_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (call_id != NULL);
  g_return_if_fail (to_call_id != NULL);

  call_request (self, new_task (self, cb_rest_client_transfer_async, cancellable, callback, user_data),
                call_id, "transfer", "to_call", to_call_id, parse_nothing);
}

void
cb_rest_client_conference_async (CbRestClient        *self,
                                 const char          *call_id,
                                 const char          *with_call_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (call_id != NULL);
  g_return_if_fail (with_call_id != NULL);

  call_request (self, new_task (self, cb_rest_client_conference_async, cancellable, callback, user_data),
                call_id, "conference", "with_call", with_call_id, parse_nothing);
}

void
cb_rest_client_pickup_async (CbRestClient        *self,
                             const char          *call_id,
                             CbPhone              phone,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));
  g_return_if_fail (call_id != NULL);

  call_request (self, new_task (self, cb_rest_client_pickup_async, cancellable, callback, user_data),
                call_id, "pickup", "device", phone_name (phone), parse_nothing);
}

/* --- the event stream --- */

static void
on_stale_ws_closed (SoupWebsocketConnection *ws,
                    gpointer                 user_data)
{
  g_object_unref (ws);
}

static void
on_ws_connected (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CbRestClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *ws;

  ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (ws != NULL && g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      /* Given up while the handshake ran: close it properly, in the
       * background. */
      g_signal_connect (ws, "closed", G_CALLBACK (on_stale_ws_closed), NULL);
      soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return;
    }
  if (ws == NULL)
    {
      if (soup_message_get_status (request->msg) == SOUP_STATUS_UNAUTHORIZED)
        {
          const char *message = "the session token is no longer valid";

          report_unauthorized (self, request->token, message);
          g_task_return_new_error (task, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_UNAUTHORIZED,
                                   "%s", message);
          return;
        }
      g_task_return_error (task, transport_error (g_steal_pointer (&error)));
      return;
    }

  soup_websocket_connection_set_max_incoming_payload_size (ws, MAX_EVENT_FRAME);
  g_task_return_pointer (task, ws, g_object_unref);
}

void
cb_rest_client_connect_events_async (CbRestClient        *self,
                                     gint64               since,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  Request *request;
  SoupMessage *msg;

  g_return_if_fail (CB_IS_REST_CLIENT (self));

  task = new_task (self, cb_rest_client_connect_events_async, cancellable, callback, user_data);
  if (self->token == NULL)
    {
      g_task_return_new_error (task, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_UNAUTHORIZED,
                               "Not signed in");
      return;
    }
  path = g_strdup_printf ("/events?since=%" G_GINT64_FORMAT, since);
  msg = new_message (self, SOUP_METHOD_GET, path, self->token, &error);
  if (msg == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  request = g_new0 (Request, 1);
  request->msg = msg;
  request->token = g_strdup (self->token);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  /* The task's own check would drop a connection made after cancelling
   * unclosed; on_ws_connected closes it. */
  g_task_set_check_cancellable (task, FALSE);
  soup_session_websocket_connect_async (self->soup, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        cancellable, on_ws_connected, g_steal_pointer (&task));
}

SoupWebsocketConnection *
cb_rest_client_connect_events_finish (CbRestClient  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return finish_pointer (self, result, cb_rest_client_connect_events_async, error);
}

/* --- GObject --- */

static void
cb_rest_client_dispose (GObject *object)
{
  CbRestClient *self = CB_REST_CLIENT (object);

  if (self->soup != NULL)
    soup_session_abort (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->rejected_certificate);
  g_clear_object (&self->accepted_certificate);

  G_OBJECT_CLASS (cb_rest_client_parent_class)->dispose (object);
}

static void
cb_rest_client_finalize (GObject *object)
{
  CbRestClient *self = CB_REST_CLIENT (object);

  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->pinned_certificate, g_free);

  G_OBJECT_CLASS (cb_rest_client_parent_class)->finalize (object);
}

static void
cb_rest_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CbRestClient *self = CB_REST_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;
    case PROP_ACCEPT_INVALID_CERTIFICATES:
      g_value_set_boolean (value, self->accept_invalid_certificates);
      break;
    case PROP_PINNED_CERTIFICATE:
      g_value_set_string (value, self->pinned_certificate);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_rest_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CbRestClient *self = CB_REST_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      {
        const char *url = g_value_get_string (value);
        gsize len = url != NULL ? strlen (url) : 0;

        /* Paths are appended as "/api/v1/...": no double slash. */
        while (len > 0 && url[len - 1] == '/')
          len--;
        g_free (self->base_url);
        self->base_url = g_strndup (url != NULL ? url : "", len);
      }
      break;
    case PROP_TOKEN:
      cb_rest_client_set_token (self, g_value_get_string (value));
      break;
    case PROP_ACCEPT_INVALID_CERTIFICATES:
      cb_rest_client_set_accept_invalid_certificates (self, g_value_get_boolean (value));
      break;
    case PROP_PINNED_CERTIFICATE:
      cb_rest_client_set_pinned_certificate (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_rest_client_class_init (CbRestClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = cb_rest_client_dispose;
  object_class->finalize = cb_rest_client_finalize;
  object_class->get_property = cb_rest_client_get_property;
  object_class->set_property = cb_rest_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOKEN] = g_param_spec_string ("token", NULL, NULL, NULL, rw);
  properties[PROP_ACCEPT_INVALID_CERTIFICATES] =
    g_param_spec_boolean ("accept-invalid-certificates", NULL, NULL, FALSE, rw);
  properties[PROP_PINNED_CERTIFICATE] =
    g_param_spec_string ("pinned-certificate", NULL, NULL, NULL, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_UNAUTHORIZED] =
    g_signal_new ("unauthorized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
cb_rest_client_init (CbRestClient *self)
{
  self->soup = soup_session_new_with_options ("user-agent", PACKAGE_NAME "/" PACKAGE_VERSION,
                                              NULL);
}

CbRestClient *
cb_rest_client_new (const char *base_url)
{
  g_return_val_if_fail (base_url != NULL, NULL);
  return g_object_new (CB_TYPE_REST_CLIENT, "base-url", base_url, NULL);
}

const char *
cb_rest_client_get_base_url (CbRestClient *self)
{
  g_return_val_if_fail (CB_IS_REST_CLIENT (self), NULL);
  return self->base_url;
}

const char *
cb_rest_client_get_token (CbRestClient *self)
{
  g_return_val_if_fail (CB_IS_REST_CLIENT (self), NULL);
  return self->token;
}

void
cb_rest_client_set_token (CbRestClient *self,
                          const char   *token)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));

  if (g_strcmp0 (self->token, token) == 0)
    return;
  g_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

const char *
cb_rest_client_get_pinned_certificate (CbRestClient *self)
{
  g_return_val_if_fail (CB_IS_REST_CLIENT (self), NULL);
  return self->pinned_certificate;
}

void
cb_rest_client_set_pinned_certificate (CbRestClient *self,
                                       const char   *fingerprint)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));

  if (g_strcmp0 (self->pinned_certificate, fingerprint) == 0)
    return;
  g_free (self->pinned_certificate);
  self->pinned_certificate = g_strdup (fingerprint);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED_CERTIFICATE]);
}

GTlsCertificate *
cb_rest_client_get_accepted_certificate (CbRestClient *self)
{
  g_return_val_if_fail (CB_IS_REST_CLIENT (self), NULL);

  return self->accepted_certificate;
}

GTlsCertificate *
cb_rest_client_get_rejected_certificate (CbRestClient         *self,
                                         GTlsCertificateFlags *errors)
{
  g_return_val_if_fail (CB_IS_REST_CLIENT (self), NULL);

  if (errors != NULL)
    *errors = self->rejected_errors;
  return self->rejected_certificate;
}

gboolean
cb_rest_client_get_accept_invalid_certificates (CbRestClient *self)
{
  g_return_val_if_fail (CB_IS_REST_CLIENT (self), FALSE);
  return self->accept_invalid_certificates;
}

void
cb_rest_client_set_accept_invalid_certificates (CbRestClient *self,
                                                gboolean      accept)
{
  g_return_if_fail (CB_IS_REST_CLIENT (self));

  accept = !!accept;
  if (self->accept_invalid_certificates == accept)
    return;
  self->accept_invalid_certificates = accept;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCEPT_INVALID_CERTIFICATES]);
}
