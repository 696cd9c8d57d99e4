/* test-bad-input.c: every kind of bad request gets the right error, and the server lives on
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against the real callboardd. After each case the server must still
 * answer /api/v1/health.
 */

#define G_LOG_DOMAIN "cb-test-bad-input"

#include "config.h"

#include <string.h>

#include "cb-test-server.h"

static const char *directory =
  "{\"users\":["
  " {\"username\":\"admin\",\"display_name\":\"Admin\",\"password\":\"pw\",\"admin\":true},"
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"level\":\"team\",\"members\":[\"anna\",\"ben\"]},"
  " {\"name\":\"Hotline\",\"kind\":\"hunt\",\"number\":\"600\",\"members\":[\"ben\"]}]}";

static CbTestServer *server;

static void
expect (const char *method,
        const char *path,
        const char *token,
        const char *body,
        guint       status,
        const char *code)
{
  g_autoptr(JsonNode) answer = NULL;
  guint got = 0;

  answer = cb_test_request (server, method, path, token, body, &got);
  if (got != status)
    g_error ("%s %s: expected %u, got %u", method, path, status, got);
  if (code != NULL)
    g_assert_cmpstr (cb_test_error_code (answer), ==, code);
  cb_test_assert_healthy (server);
}

/* Raw HTTP over a socket: what a hostile client sends. Returns the first
 * response line. The socket has a timeout, so this cannot hang. */
static char *
raw_exchange (const char *head,
              gsize       body_bytes_to_send)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, &error);
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *filler = g_malloc (16384);
  GOutputStream *out;
  gsize sent = 0;

  g_assert_no_error (error);
  g_socket_client_set_timeout (client, 10);
  connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri), g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);

  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error);
  g_assert_no_error (error);

  memset (filler, 'x', 16384);
  while (sent < body_bytes_to_send)
    {
      gsize n = MIN (16384, body_bytes_to_send - sent);

      /* The server may already have answered and closed: stop then. */
      if (!g_output_stream_write_all (out, filler, n, NULL, NULL, NULL))
        break;
      sent += n;
    }

  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  return g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
}

static void
test_too_large (void)
{
  g_autofree char *token = cb_test_sign_in (server, "anna", "pw", NULL);
  g_autofree char *head = NULL;
  g_autofree char *line = NULL;
  g_autofree char *big = NULL;

  /* Announces 100 MB and sends 64 KiB: the 413 must come without the rest. */
  head = g_strdup_printf ("PUT /api/v1/me/presence HTTP/1.1\r\n"
                          "Host: 127.0.0.1\r\n"
                          "Authorization: Bearer %s\r\n"
                          "Content-Type: application/json\r\n"
                          "Content-Length: 100000000\r\n\r\n", token);
  line = raw_exchange (head, 65536);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "HTTP/1.1 413"));
  cb_test_assert_healthy (server);
  g_clear_pointer (&line, g_free);
  g_clear_pointer (&head, g_free);

  /* Chunked: no length up front, counted while it arrives. */
  head = g_strdup_printf ("PUT /api/v1/me/presence HTTP/1.1\r\n"
                          "Host: 127.0.0.1\r\n"
                          "Authorization: Bearer %s\r\n"
                          "Content-Type: application/json\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n"
                          "%x\r\n", token, 200000);
  line = raw_exchange (head, 200000);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "HTTP/1.1 413"));
  cb_test_assert_healthy (server);

  /* And through an ordinary client, with the JSON error body. */
  big = g_strnfill (70000, ' ');
  big[0] = '{';
  big[69999] = '}';
  expect ("PUT", "/api/v1/me/presence", token, big, 413, "payload-too-large");
}

static void
test_malformed (void)
{
  g_autofree char *token = cb_test_sign_in (server, "anna", "pw", NULL);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  expect ("PUT", "/api/v1/me/presence", token, "{\"availability\": ", 400, "invalid-json");
  expect ("PUT", "/api/v1/me/presence", token, "[1,2,3]", 400, "invalid-json");
  expect ("PUT", "/api/v1/me/presence", token, "\xff\xfe", 400, "invalid-json");
  expect ("POST", "/api/v1/session", NULL, "nope", 400, "invalid-json");

  answer = cb_test_request_full (server, "PUT", "/api/v1/me/presence", token, "text/plain",
                                 "{\"availability\":\"away\"}", &status, NULL);
  g_assert_cmpuint (status, ==, 415);
  g_assert_cmpstr (cb_test_error_code (answer), ==, "unsupported-media-type");
  cb_test_assert_healthy (server);
}

static void
test_wrong_types (void)
{
  g_autofree char *token = cb_test_sign_in (server, "anna", "pw", NULL);
  g_autofree char *ben = cb_test_sign_in (server, "ben", "pw", NULL);
  g_autoptr(JsonNode) answer = NULL;
  const char *message;
  guint status = 0;

  answer = cb_test_request (server, "PUT", "/api/v1/me/presence", token, "{\"availability\":5}", &status);
  g_assert_cmpuint (status, ==, 422);
  g_assert_cmpstr (cb_test_error_code (answer), ==, "invalid-field");
  message = json_object_get_string_member (json_object_get_object_member (json_node_get_object (answer), "error"), "message");
  g_assert_nonnull (strstr (message, "availability"));

  expect ("PUT", "/api/v1/me/presence", token, "{\"availability\":\"away\",\"note\":7}", 422, "invalid-field");
  expect ("PUT", "/api/v1/me/presence", token, "{}", 422, "invalid-field");
  expect ("PUT", "/api/v1/me/agent-status", token, "{\"agent_status\":true}", 422, "invalid-field");
  expect ("PUT", "/api/v1/me/favourites", token, "{\"user_ids\":[\"x\"]}", 422, "invalid-field");
  expect ("PUT", "/api/v1/me/favourites", token, "{\"user_ids\":3}", 422, "invalid-field");
  expect ("POST", "/api/v1/me/monitor", token, "{\"user_id\":1.5}", 422, "invalid-field");
  expect ("PUT", "/api/v1/groups/2/login", ben, "{\"logged_in\":\"yes\"}", 422, "invalid-field");
  expect ("POST", "/api/v1/session", NULL, "{\"username\":1,\"password\":\"pw\"}", 422, "invalid-field");
  expect ("GET", "/api/v1/directory?limit=many", token, NULL, 422, "invalid-field");
}

static void
test_unknown_enum (void)
{
  g_autofree char *token = cb_test_sign_in (server, "anna", "pw", NULL);

  expect ("PUT", "/api/v1/me/presence", token, "{\"availability\":\"sleepy\"}", 422, "invalid-field");
  expect ("PUT", "/api/v1/me/agent-status", token, "{\"agent_status\":\"lunch\"}", 422, "invalid-field");
}

static void
test_unknown_ids (void)
{
  g_autofree char *token = cb_test_sign_in (server, "anna", "pw", NULL);
  g_autofree char *admin = cb_test_sign_in (server, "admin", "pw", NULL);

  expect ("POST", "/api/v1/me/favourites", token, "{\"user_id\":99999}", 404, "not-found");
  expect ("PUT", "/api/v1/me/monitor", token, "{\"user_ids\":[1,99999]}", 404, "not-found");
  expect ("DELETE", "/api/v1/me/favourites/99999", token, NULL, 404, "not-found");
  expect ("DELETE", "/api/v1/me/favourites/abc", token, NULL, 404, "not-found");
  expect ("PUT", "/api/v1/groups/99999/login", token, "{\"logged_in\":true}", 404, "not-found");
  expect ("PUT", "/api/v1/groups/-1/login", token, "{\"logged_in\":true}", 404, "not-found");
  expect ("PATCH", "/api/v1/admin/users/99999", admin, "{\"display_name\":\"X\"}", 404, "not-found");
  expect ("PATCH", "/api/v1/admin/groups/99999", admin, "{\"name\":\"X\"}", 404, "not-found");
  expect ("POST", "/api/v1/admin/groups", admin, "{\"name\":\"New\",\"members\":[99999]}", 404, "not-found");
  /* anna is not in the hunt group: 403; the authorisation group: 409. */
  expect ("PUT", "/api/v1/groups/2/login", token, "{\"logged_in\":true}", 404, "not-found");
  expect ("PUT", "/api/v1/groups/1/login", token, "{\"logged_in\":true}", 409, "conflict");
  expect ("PUT", "/api/v1/groups/2/login", admin, "{\"logged_in\":true}", 403, "forbidden");
}

static void
test_tokens (void)
{
  g_autofree char *token = cb_test_sign_in (server, "anna", "pw", NULL);
  CbTestStream *stream;

  expect ("GET", "/api/v1/snapshot", NULL, NULL, 401, "unauthorized");
  expect ("GET", "/api/v1/snapshot", "not-a-token", NULL, 401, "unauthorized");

  /* No token, no event stream. */
  stream = cb_test_stream_open (server, NULL, -1, TRUE);
  g_assert_nonnull (stream->error);
  g_assert_cmpuint (stream->status, ==, 401);
  cb_test_stream_close (stream);

  /* Revoked. */
  expect ("GET", "/api/v1/snapshot", token, NULL, 200, NULL);
  expect ("DELETE", "/api/v1/session", token, NULL, 204, NULL);
  expect ("GET", "/api/v1/snapshot", token, NULL, 401, "unauthorized");
  expect ("DELETE", "/api/v1/session", token, NULL, 401, "unauthorized");
  stream = cb_test_stream_open (server, token, -1, TRUE);
  g_assert_cmpuint (stream->status, ==, 401);
  cb_test_stream_close (stream);
}

static void
test_expired (void)
{
  const char *args[] = { "--token-lifetime", "1", NULL };
  CbTestServer *short_lived = cb_test_server_start (directory, args);
  g_autofree char *token = cb_test_sign_in (short_lived, "anna", "pw", NULL);
  g_autoptr(JsonNode) answer = NULL;
  gint64 deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  guint status = 0;

  /* A duration under test: the server's real clock runs out the token's
   * one-second lifetime (whole seconds, so within 0 to 1 s). Expiry to
   * the second is test-auth's business, on a manual clock; here the
   * token is tried every 100 ms until it fails, for at most 3 s. */
  for (;;)
    {
      g_clear_pointer (&answer, json_node_unref);
      answer = cb_test_request (short_lived, "GET", "/api/v1/snapshot", token, NULL, &status);
      if (status != 200 || g_get_monotonic_time () > deadline)
        break;
      cb_test_run_for (100);
    }
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (cb_test_error_code (answer), ==, "unauthorized");
  cb_test_assert_healthy (short_lived);
  cb_test_server_stop (short_lived);
}

static void
test_not_admin (void)
{
  g_autofree char *token = cb_test_sign_in (server, "anna", "pw", NULL);

  expect ("POST", "/api/v1/admin/users", token, "{\"username\":\"eve\",\"password\":\"x\"}", 403, "forbidden");
  expect ("PATCH", "/api/v1/admin/users/2", token, "{\"admin\":true}", 403, "forbidden");
  expect ("POST", "/api/v1/admin/groups", token, "{\"name\":\"Mine\"}", 403, "forbidden");
  expect ("PATCH", "/api/v1/admin/groups/1", token, "{\"level\":\"personal\"}", 403, "forbidden");
}

static void
test_routes (void)
{
  g_autofree char *token = cb_test_sign_in (server, "anna", "pw", NULL);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  guint status = 0;

  expect ("DELETE", "/api/v1/health", NULL, NULL, 405, "method-not-allowed");
  expect ("PATCH", "/api/v1/me/presence", token, "{}", 405, "method-not-allowed");
  expect ("GET", "/api/v1/nowhere", token, NULL, 404, "not-found");
  expect ("GET", "/", NULL, NULL, 404, "not-found");
  expect ("GET", "/api/v2/health", NULL, NULL, 404, "not-found");

  answer = cb_test_request_full (server, "POST", "/api/v1/snapshot", token, NULL, "{}", &status, &headers);
  g_assert_cmpuint (status, ==, 405);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Allow"), ==, "GET");
}

static void
test_throttle (void)
{
  const char *wrong = "{\"username\":\"ben\",\"password\":\"wrong\"}";
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  guint status = 0;
  gint64 start;

  /* failures-before-delay 2, max-failures 4 (see main()). Failures also
   * count for the address, so this is the only case with wrong passwords. */
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(JsonNode) reply = NULL;

      start = g_get_monotonic_time ();
      reply = cb_test_request (server, "POST", "/api/v1/session", NULL, wrong, &status);
      g_assert_cmpuint (status, ==, 401);
      /* From the third attempt the answer is held back (250 ms, 500 ms …). */
      if (i >= 2)
        g_assert_cmpint (g_get_monotonic_time () - start, >=, 200 * G_TIME_SPAN_MILLISECOND);
      cb_test_assert_healthy (server);
    }

  /* Now even the right password is refused for a while. */
  answer = cb_test_request_full (server, "POST", "/api/v1/session", NULL, NULL,
                                 "{\"username\":\"ben\",\"password\":\"pw\"}", &status, &headers);
  g_assert_cmpuint (status, ==, 429);
  g_assert_cmpstr (cb_test_error_code (answer), ==, "too-many-requests");
  g_assert_nonnull (soup_message_headers_get_one (headers, "Retry-After"));
  g_assert_cmpint (atoi (soup_message_headers_get_one (headers, "Retry-After")), >=, 1);
  cb_test_assert_healthy (server);
}

int
main (int   argc,
      char *argv[])
{
  const char *args[] = { "--failures-before-delay", "2", "--max-failures", "4",
                         "--failure-window", "600", NULL };
  int result;

  g_test_init (&argc, &argv, NULL);
  server = cb_test_server_start (directory, args);

  g_test_add_func ("/bad-input/too-large", test_too_large);
  g_test_add_func ("/bad-input/malformed", test_malformed);
  g_test_add_func ("/bad-input/wrong-types", test_wrong_types);
  g_test_add_func ("/bad-input/unknown-enum", test_unknown_enum);
  g_test_add_func ("/bad-input/unknown-ids", test_unknown_ids);
  g_test_add_func ("/bad-input/tokens", test_tokens);
  g_test_add_func ("/bad-input/expired", test_expired);
  g_test_add_func ("/bad-input/not-admin", test_not_admin);
  g_test_add_func ("/bad-input/routes", test_routes);
  /* Last: it locks sign-ins from 127.0.0.1 for this server. */
  g_test_add_func ("/bad-input/throttle", test_throttle);
  result = g_test_run ();

  g_assert_true (cb_test_server_alive (server));
  cb_test_server_stop (server);
  return result;
}
