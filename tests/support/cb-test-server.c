/* cb-test-server.c: a real callboardd for tests, and a client to talk to it
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything is asynchronous on the default main context with bounded
 * waits: a test never sleeps and hopes, and never hangs forever.
 */

#define G_LOG_DOMAIN "cb-test"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>

#include "cb-test-server.h"

/* Generous: a server under valgrind starts and stops slowly. */
#define START_TIMEOUT_MS 60000
#define EXIT_TIMEOUT_MS 60000
#define REQUEST_TIMEOUT_MS 20000

/* ---- waiting ------------------------------------------------------------- */

static gboolean
timer_expired (gpointer user_data)
{
  CbTestTimer *timer = user_data;

  timer->expired = TRUE;
  timer->source_id = 0;
  return G_SOURCE_REMOVE;
}

void
cb_test_timer_start (CbTestTimer *timer,
                     guint        timeout_ms)
{
  timer->expired = FALSE;
  timer->timeout_ms = timeout_ms;
  /* The timeout also wakes the main context when nothing else happens. */
  timer->source_id = g_timeout_add (timeout_ms, timer_expired, timer);
}

void
cb_test_timer_iterate (CbTestTimer *timer,
                       const char  *what)
{
  if (timer->expired)
    g_error ("Timed out after %u ms waiting for %s", timer->timeout_ms, what);
  g_main_context_iteration (NULL, TRUE);
}

void
cb_test_timer_stop (CbTestTimer *timer)
{
  g_clear_handle_id (&timer->source_id, g_source_remove);
}

void
cb_test_wait_until (gboolean   (*done) (gpointer),
                    gpointer     data,
                    guint        timeout_ms,
                    const char  *what)
{
  CB_TEST_WAIT_FOR (done (data), timeout_ms, what);
}

guint
cb_test_free_udp_port (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);

  /* Free for UDP and TCP alike: sipp with -t t1 listens on TCP at its
   * -p port, and a port in TCP use made it exit at once (254). */
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_autoptr(GSocket) udp = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                             G_SOCKET_PROTOCOL_UDP, NULL);
      g_autoptr(GSocket) tcp = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                             G_SOCKET_PROTOCOL_TCP, NULL);
      g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
      g_autoptr(GSocketAddress) bound = NULL;
      g_autoptr(GSocketAddress) same = NULL;
      gboolean tcp_free;
      guint port;

      g_assert_true (g_socket_bind (udp, any, FALSE, NULL));
      bound = g_socket_get_local_address (udp, NULL);
      port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
      same = g_inet_socket_address_new (loopback, port);
      tcp_free = g_socket_bind (tcp, same, FALSE, NULL);
      g_socket_close (tcp, NULL);
      g_socket_close (udp, NULL);
      if (tcp_free)
        return port;
    }
  g_error ("No port free for both UDP and TCP on loopback");
}

gboolean
cb_test_udp_port_taken (guint port)
{
  g_autoptr(GSocket) probe = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                           G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  if (!g_socket_bind (probe, address, FALSE, NULL))
    return TRUE;
  g_socket_close (probe, NULL);
  return FALSE;
}

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Probes every 20 ms until taken (port) or *gave_up. */
static void
wait_port (gboolean      (*taken) (guint port),
           guint           port,
           const gboolean *gave_up,
           guint           timeout_ms,
           const char     *what)
{
  /* Wakes the main context to probe again. */
  guint ticker = g_timeout_add (20, tick, NULL);

  CB_TEST_WAIT_FOR (*gave_up || taken (port), timeout_ms, what);
  g_source_remove (ticker);
}

void
cb_test_wait_udp_port (guint           port,
                       const gboolean *gave_up,
                       guint           timeout_ms,
                       const char     *what)
{
  wait_port (cb_test_udp_port_taken, port, gave_up, timeout_ms, what);
}

gboolean
cb_test_tcp_port_listening (guint port)
{
  g_autofree char *table = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *local = g_strdup_printf ("0100007F:%04X", port);

  if (!g_file_get_contents ("/proc/net/tcp", &table, NULL, NULL))
    return FALSE;
  lines = g_strsplit (table, "\n", -1);
  /* "sl local_address rem_address st ...": 0A is LISTEN. */
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      g_autoptr(GPtrArray) words = g_ptr_array_new ();

      for (guint j = 0; fields[j] != NULL; j++)
        if (fields[j][0] != '\0')
          g_ptr_array_add (words, fields[j]);
      if (words->len > 3 && g_strcmp0 (g_ptr_array_index (words, 1), local) == 0 &&
          g_strcmp0 (g_ptr_array_index (words, 3), "0A") == 0)
        return TRUE;
    }
  return FALSE;
}

void
cb_test_wait_tcp_port (guint           port,
                       const gboolean *gave_up,
                       guint           timeout_ms,
                       const char     *what)
{
  wait_port (cb_test_tcp_port_listening, port, gave_up, timeout_ms, what);
}

void
cb_test_remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      g_unlink (file);
    }
  g_rmdir (path);
}

void
cb_test_run_for (guint ms)
{
  CbTestTimer timer;

  cb_test_timer_start (&timer, ms);
  while (!timer.expired)
    g_main_context_iteration (NULL, TRUE);
  cb_test_timer_stop (&timer);
}

/* ---- the server process -------------------------------------------------- */

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autofree char *line = NULL;
  CbTestServer *server = user_data;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                     NULL, NULL);
  if (line == NULL)
    return;  /* end of file (the server exited) or cancelled: server may be gone */

  if (g_test_initialized ())
    g_test_message ("callboardd: %s", line);
  if (g_str_has_prefix (line, "READY "))
    {
      const char *url = line + strlen ("READY ");
      const char *colon = strrchr (url, ':');

      g_assert_nonnull (colon);
      server->port = (guint) g_ascii_strtoull (colon + 1, NULL, 10);
      g_free (server->url);
      server->url = g_strdup (url);
      server->ready = TRUE;
    }

  /* Keep draining, so the server never blocks on a full pipe. */
  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (source), G_PRIORITY_DEFAULT,
                                       server->cancellable, on_line, server);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *exited = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *exited = TRUE;
}

/* A failed assertion aborts the test: the server must not outlive it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
spawn (CbTestServer *server,
       gboolean      import)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  const char *binary = g_getenv ("CALLBOARDD");
  const char *wrapper = g_getenv ("CALLBOARDD_WRAPPER");

  if (binary == NULL)
    binary = BUILD_ROOT "/src/server/callboardd";

  if (wrapper != NULL)
    {
      g_auto(GStrv) words = g_strsplit (wrapper, " ", -1);

      for (guint i = 0; words[i] != NULL; i++)
        if (words[i][0] != '\0')
          g_ptr_array_add (argv, g_strdup (words[i]));
    }
  g_ptr_array_add (argv, g_strdup (binary));
  g_ptr_array_add (argv, g_strdup ("--listen"));
  g_ptr_array_add (argv, g_strdup ("127.0.0.1"));
  g_ptr_array_add (argv, g_strdup ("--port"));
  /* First start: any free port; a restart takes the same one back so that
   * clients find the server again. */
  g_ptr_array_add (argv, g_strdup_printf ("%u", server->port));
  g_ptr_array_add (argv, g_strdup ("--database"));
  g_ptr_array_add (argv, g_strdup (server->database));
  g_ptr_array_add (argv, g_strdup ("--fast-hash"));
  if (import && server->directory != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--import"));
      g_ptr_array_add (argv, g_strdup (server->directory));
    }
  for (guint i = 0; server->extra_args != NULL && server->extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (server->extra_args[i]));
  /* Never the default 5060: tests running at the same time (and any
   * phone on this machine) would fight over it, and the loser would run
   * without SIP after a warning. */
  if (server->extra_args == NULL || !g_strv_contains ((const char * const *) server->extra_args, "--sip-port"))
    {
      g_ptr_array_add (argv, g_strdup ("--sip-port"));
      g_ptr_array_add (argv, g_strdup ("0"));
    }
  /* Likewise SIP over TLS's 5061, which a certificate turns on. */
  if (server->extra_args != NULL &&
      g_strv_contains ((const char * const *) server->extra_args, "--tls-certificate") &&
      !g_strv_contains ((const char * const *) server->extra_args, "--sip-tls-port"))
    {
      g_ptr_array_add (argv, g_strdup ("--sip-tls-port"));
      g_ptr_array_add (argv, g_strdup ("0"));
    }
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  server->ready = FALSE;
  server->exited = FALSE;
  server->cancellable = g_cancellable_new ();
  g_subprocess_wait_async (server->process, NULL, on_exited, &server->exited);
  server->stdout_lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  g_data_input_stream_read_line_async (server->stdout_lines, G_PRIORITY_DEFAULT,
                                       server->cancellable, on_line, server);

  CB_TEST_WAIT_FOR (server->ready || server->exited, START_TIMEOUT_MS,
                    "the READY line of callboardd");
  if (!server->ready)
    g_error ("callboardd exited without a READY line");
}

/* A session that trusts the server's --tls-certificate, if it has one
 * (HTTPS with the self-signed test certificate). */
static SoupSession *
new_session (CbTestServer *server)
{
  SoupSession *session = soup_session_new ();

  for (guint i = 0; server->extra_args != NULL && server->extra_args[i] != NULL; i++)
    if (g_str_equal (server->extra_args[i], "--tls-certificate") && server->extra_args[i + 1] != NULL)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GTlsDatabase) trust = g_tls_file_database_new (server->extra_args[i + 1], &error);

        g_assert_no_error (error);
        soup_session_set_tls_database (session, trust);
      }
  return session;
}

CbTestServer *
cb_test_server_start (const char         *directory_json,
                      const char * const *extra_args)
{
  CbTestServer *server = g_new0 (CbTestServer, 1);
  g_autoptr(GError) error = NULL;

  server->tmpdir = g_dir_make_tmp ("cb-test-XXXXXX", &error);
  g_assert_no_error (error);
  server->database = g_build_filename (server->tmpdir, "callboard.db", NULL);
  if (directory_json != NULL)
    {
      server->directory = g_build_filename (server->tmpdir, "directory.json", NULL);
      g_file_set_contents (server->directory, directory_json, -1, &error);
      g_assert_no_error (error);
    }
  server->extra_args = g_strdupv ((char **) extra_args);
  server->session = new_session (server);
  spawn (server, TRUE);
  return server;
}

gboolean
cb_test_server_alive (CbTestServer *server)
{
  return server->process != NULL && g_subprocess_get_identifier (server->process) != NULL;
}

void
cb_test_server_kill (CbTestServer *server,
                     int           signum)
{
  if (server->process == NULL)
    return;

  if (!server->exited)
    g_subprocess_send_signal (server->process, signum);
  CB_TEST_WAIT_FOR (server->exited, EXIT_TIMEOUT_MS, "callboardd to exit");

  g_cancellable_cancel (server->cancellable);
  g_clear_object (&server->cancellable);
  g_clear_object (&server->stdout_lines);
  g_clear_object (&server->process);
}

void
cb_test_server_restart (CbTestServer *server)
{
  cb_test_server_kill (server, SIGKILL);
  /* Connections to the dead process must not be reused. */
  g_clear_object (&server->session);
  server->session = new_session (server);
  spawn (server, FALSE);
}

void
cb_test_server_stop (CbTestServer *server)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (server == NULL)
    return;

  cb_test_server_kill (server, SIGTERM);

  dir = g_dir_open (server->tmpdir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (server->tmpdir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (server->tmpdir);

  g_clear_object (&server->session);
  g_strfreev (server->extra_args);
  g_free (server->url);
  g_free (server->tmpdir);
  g_free (server->database);
  g_free (server->directory);
  g_free (server);
}

/* ---- requests ---------------------------------------------------------- */

typedef struct {
  GBytes  *body;
  GError  *error;
  gboolean done;
} Request;

static void
request_sent (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Request *request = user_data;

  request->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &request->error);
  request->done = TRUE;
}

static gboolean
request_done (gpointer data)
{
  return ((Request *) data)->done;
}

JsonNode *
cb_test_request_full (CbTestServer        *server,
                      const char          *method,
                      const char          *path,
                      const char          *token,
                      const char          *content_type,
                      const char          *body,
                      guint               *status,
                      SoupMessageHeaders **response_headers)
{
  g_autofree char *url = g_strconcat (server->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(JsonParser) parser = json_parser_new ();
  Request request = { NULL, NULL, FALSE };
  JsonNode *answer = NULL;
  gsize length;
  const char *data;

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, content_type ? content_type : "application/json", bytes);
    }

  soup_session_send_and_read_async (server->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    request_sent, &request);
  cb_test_wait_until (request_done, &request, REQUEST_TIMEOUT_MS, path);
  g_assert_no_error (request.error);

  if (status != NULL)
    *status = soup_message_get_status (msg);
  if (response_headers != NULL)
    *response_headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  data = g_bytes_get_data (request.body, &length);
  if (length > 0)
    {
      g_autoptr(GError) error = NULL;

      if (!json_parser_load_from_data (parser, data, length, &error))
        g_error ("%s %s answered non-JSON: %.*s", method, path, (int) length, data);
      answer = json_node_copy (json_parser_get_root (parser));
    }
  g_bytes_unref (request.body);
  return answer;
}

JsonNode *
cb_test_request (CbTestServer *server,
                 const char   *method,
                 const char   *path,
                 const char   *token,
                 const char   *body,
                 guint        *status)
{
  return cb_test_request_full (server, method, path, token, NULL, body, status, NULL);
}

JsonObject *
cb_test_request_expect (CbTestServer  *server,
                        const char    *method,
                        const char    *path,
                        const char    *token,
                        const char    *body,
                        guint          expected,
                        JsonNode     **answer)
{
  guint status = 0;

  *answer = cb_test_request (server, method, path, token, body, &status);
  if (status != expected)
    g_error ("%s %s: %u, expected %u (%s)", method, path, status, expected,
             *answer != NULL ? cb_test_error_code (*answer) : "");
  return *answer != NULL && JSON_NODE_HOLDS_OBJECT (*answer) ? json_node_get_object (*answer) : NULL;
}

char *
cb_test_sign_in (CbTestServer *server,
                 const char   *username,
                 const char   *password,
                 gint64       *user_id)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}",
                                           username, password);
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *object;
  guint status = 0;

  answer = cb_test_request (server, "POST", "/api/v1/session", NULL, body, &status);
  g_assert_cmpuint (status, ==, 201);
  object = json_node_get_object (answer);
  if (user_id != NULL)
    *user_id = json_object_get_int_member (object, "user_id");
  return g_strdup (json_object_get_string_member (object, "token"));
}

gint64
cb_test_user_id (CbTestServer *server,
                 const char   *token,
                 const char   *username)
{
  g_autofree char *escaped = g_uri_escape_string (username, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/api/v1/directory?q=%s", escaped);
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *users;

  users = json_object_get_array_member (cb_test_request_expect (server, "GET", path, token, NULL, 200, &answer),
                                        "users");
  for (guint i = 0; users != NULL && i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);

      if (g_strcmp0 (json_object_get_string_member (user, "username"), username) == 0)
        return json_object_get_int_member (user, "id");
    }
  g_error ("No user %s in the directory", username);
}

const char *
cb_test_error_code (JsonNode *answer)
{
  JsonObject *error;

  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer))
    return "";
  error = json_object_get_object_member (json_node_get_object (answer), "error");
  return error != NULL ? json_object_get_string_member (error, "code") : "";
}

void
cb_test_assert_healthy (CbTestServer *server)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = cb_test_request (server, "GET", "/api/v1/health", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "status"), ==, "ok");
}

/* ---- event streams ------------------------------------------------------ */

static void
stream_message (SoupWebsocketConnection *conn,
                gint                     type,
                GBytes                  *message,
                gpointer                 user_data)
{
  CbTestStream *stream = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  JsonObject *object;
  const char *kind;

  if (!json_parser_load_from_data (parser, data, length, NULL))
    g_error ("The server sent a frame that is not JSON: %.*s", (int) length, data);
  object = json_node_get_object (json_parser_get_root (parser));
  kind = json_object_get_string_member (object, "type");

  if (g_str_equal (kind, "ping"))
    {
      stream->pings++;
      if (stream->answer_pings)
        {
          g_autofree char *pong = g_strdup_printf ("{\"type\":\"pong\",\"seq\":%" G_GINT64_FORMAT "}",
                                                   stream->last_seq);
          soup_websocket_connection_send_text (conn, pong);
        }
      return;
    }

  stream->last_seq = MAX (stream->last_seq, json_object_get_int_member (object, "seq"));
  g_ptr_array_add (stream->events, json_object_ref (object));
}

static void
stream_closed (SoupWebsocketConnection *conn,
               gpointer                 user_data)
{
  CbTestStream *stream = user_data;

  stream->closed = TRUE;
  stream->close_code = soup_websocket_connection_get_close_code (conn);
}

typedef struct {
  CbTestStream *stream;
  gboolean      done;
} Connect;

static void
stream_connected (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Connect *connect = user_data;
  CbTestStream *stream = connect->stream;

  stream->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &stream->error);
  if (stream->conn != NULL)
    {
      g_signal_connect (stream->conn, "message", G_CALLBACK (stream_message), stream);
      g_signal_connect (stream->conn, "closed", G_CALLBACK (stream_closed), stream);
    }
  connect->done = TRUE;
}

static gboolean
connect_done (gpointer data)
{
  return ((Connect *) data)->done;
}

CbTestStream *
cb_test_stream_open (CbTestServer *server,
                     const char   *token,
                     gint64        since,
                     gboolean      answer_pings)
{
  CbTestStream *stream = g_new0 (CbTestStream, 1);
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  Connect connect = { stream, FALSE };

  if (since >= 0)
    url = g_strdup_printf ("%s/api/v1/events?since=%" G_GINT64_FORMAT, server->url, since);
  else
    url = g_strdup_printf ("%s/api/v1/events", server->url);
  msg = soup_message_new ("GET", url);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }

  stream->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  stream->answer_pings = answer_pings;
  soup_session_websocket_connect_async (server->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, stream_connected, &connect);
  cb_test_wait_until (connect_done, &connect, REQUEST_TIMEOUT_MS, "the WebSocket handshake");
  stream->status = soup_message_get_status (msg);
  return stream;
}

static gboolean
event_matches (JsonObject *event,
               const char *type,
               gint64      user_id)
{
  JsonObject *data;

  if (type != NULL && !g_str_equal (json_object_get_string_member (event, "type"), type))
    return FALSE;
  if (user_id <= 0)
    return TRUE;
  data = json_object_get_object_member (event, "data");
  if (data == NULL)
    return FALSE;
  if (json_object_has_member (data, "user_id"))
    return json_object_get_int_member (data, "user_id") == user_id;
  if (json_object_has_member (data, "username") && json_object_has_member (data, "id"))
    return json_object_get_int_member (data, "id") == user_id;
  return FALSE;
}

typedef struct {
  CbTestStream *stream;
  const char   *type;
  gint64        user_id;
  const char   *member;   /* NULL: any data */
  const char   *value;
  JsonObject   *found;
} Search;

static gboolean
data_matches (JsonObject *event,
              const char *member,
              const char *value)
{
  JsonObject *data;

  if (member == NULL)
    return TRUE;
  data = json_object_get_object_member (event, "data");
  return data != NULL &&
         g_strcmp0 (json_object_get_string_member_with_default (data, member, NULL), value) == 0;
}

static gboolean
search_done (gpointer data)
{
  Search *search = data;
  CbTestStream *stream = search->stream;

  for (guint i = stream->cursor; i < stream->events->len; i++)
    if (event_matches (g_ptr_array_index (stream->events, i), search->type, search->user_id) &&
        data_matches (g_ptr_array_index (stream->events, i), search->member, search->value))
      {
        search->found = g_ptr_array_index (stream->events, i);
        stream->cursor = i + 1;
        return TRUE;
      }
  return stream->closed;
}

JsonObject *
cb_test_stream_wait_data (CbTestStream *stream,
                          const char   *type,
                          gint64        user_id,
                          const char   *member,
                          const char   *value,
                          guint         timeout_ms)
{
  Search search = { stream, type, user_id, member, value, NULL };
  CbTestTimer timer;

  /* A timeout is an answer here (NULL), not a failure. */
  cb_test_timer_start (&timer, timeout_ms);
  while (!search_done (&search) && !timer.expired)
    g_main_context_iteration (NULL, TRUE);
  cb_test_timer_stop (&timer);
  return search.found;
}

JsonObject *
cb_test_stream_wait (CbTestStream *stream,
                     const char   *type,
                     gint64        user_id,
                     guint         timeout_ms)
{
  return cb_test_stream_wait_data (stream, type, user_id, NULL, NULL, timeout_ms);
}

guint
cb_test_stream_barrier (CbTestServer *server,
                        CbTestStream *stream,
                        const char   *token)
{
  static guint barriers;
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *note = g_strdup_printf ("barrier %u", ++barriers);
  g_autofree char *body = NULL;
  JsonObject *me;
  JsonObject *event;
  guint status = 0;

  snapshot = cb_test_request (server, "GET", "/api/v1/snapshot", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  me = json_object_get_object_member (json_node_get_object (snapshot), "me");
  g_assert_nonnull (me);
  /* A new note is a change whatever the server skips as a no-op. */
  body = g_strdup_printf ("{\"availability\":\"%s\",\"note\":\"%s\"}",
                          json_object_get_string_member (json_object_get_object_member (me, "presence"),
                                                         "availability"),
                          note);
  answer = cb_test_request (server, "PUT", "/api/v1/me/presence", token, body, &status);
  g_assert_cmpuint (status, ==, 200);
  event = cb_test_stream_wait_data (stream, "presence", json_object_get_int_member (me, "id"),
                                    "note", note, REQUEST_TIMEOUT_MS);
  if (event == NULL)
    g_error ("The barrier event (%s) did not arrive", note);
  return stream->cursor - 1;
}

gboolean
cb_test_stream_has (CbTestStream *stream,
                    const char   *type,
                    gint64        user_id)
{
  for (guint i = 0; i < stream->events->len; i++)
    if (event_matches (g_ptr_array_index (stream->events, i), type, user_id))
      return TRUE;
  return FALSE;
}

static gboolean
stream_is_closed (gpointer data)
{
  return ((CbTestStream *) data)->closed;
}

void
cb_test_stream_close (CbTestStream *stream)
{
  if (stream == NULL)
    return;
  if (stream->conn != NULL)
    {
      if (!stream->closed &&
          soup_websocket_connection_get_state (stream->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        {
          soup_websocket_connection_close (stream->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
          cb_test_wait_until (stream_is_closed, stream, 10000, "the WebSocket to close");
        }
      g_signal_handlers_disconnect_by_data (stream->conn, stream);
      g_clear_object (&stream->conn);
    }
  g_clear_error (&stream->error);
  g_ptr_array_unref (stream->events);
  g_free (stream);
}
