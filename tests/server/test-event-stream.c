/* test-event-stream.c: resume, resync, keepalive, back pressure, restart
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against the real callboardd on loopback.
 */

#define G_LOG_DOMAIN "cb-test-event-stream"

#include "config.h"

#include "cb-test-server.h"

#define WAIT_MS 5000

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla\",\"extension\":\"203\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\",\"members\":[\"anna\",\"ben\",\"carla\"]},"
  " {\"name\":\"Hotline\",\"kind\":\"hunt\",\"number\":\"600\",\"strategy\":\"parallel\","
  "  \"level\":\"team\",\"members\":[\"anna\",\"ben\"]}]}";

static void
put (CbTestServer *server,
     const char   *path,
     const char   *token,
     const char   *body)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = cb_test_request (server, "PUT", path, token, body, &status);
  g_assert_cmpuint (status, ==, 200);
}

static gint64
snapshot_seq (CbTestServer *server,
              const char   *token)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = cb_test_request (server, "GET", "/api/v1/snapshot", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  return json_object_get_int_member (json_node_get_object (answer), "seq");
}

static gint64
hotline_id (CbTestServer *server,
            const char   *token)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *groups;
  guint status = 0;

  answer = cb_test_request (server, "GET", "/api/v1/snapshot", token, NULL, &status);
  groups = json_object_get_array_member (json_node_get_object (answer), "groups");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *g = json_array_get_object_element (groups, i);

      if (g_str_equal (json_object_get_string_member (g, "name"), "Hotline"))
        return json_object_get_int_member (g, "id");
    }
  g_assert_not_reached ();
}

static void
test_resume (void)
{
  CbTestServer *server = cb_test_server_start (directory, NULL);
  g_autofree char *anna = NULL;
  g_autofree char *ben = NULL;
  g_autofree char *login_path = NULL;
  CbTestStream *stream;
  JsonObject *event;
  gint64 ben_id, first_seq, since;

  anna = cb_test_sign_in (server, "anna", "pw", NULL);
  ben = cb_test_sign_in (server, "ben", "pw", &ben_id);
  login_path = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login", hotline_id (server, ben));

  since = snapshot_seq (server, anna);
  stream = cb_test_stream_open (server, anna, since, TRUE);
  g_assert_no_error (stream->error);

  put (server, "/api/v1/me/presence", ben, "{\"availability\":\"away\",\"note\":\"lunch\"}");
  event = cb_test_stream_wait (stream, "presence", ben_id, WAIT_MS);
  g_assert_nonnull (event);
  first_seq = json_object_get_int_member (event, "seq");
  g_assert_cmpint (first_seq, >, since);
  cb_test_stream_close (stream);

  /* Three changes while anna is away. */
  put (server, "/api/v1/me/presence", ben, "{\"availability\":\"busy\"}");
  put (server, "/api/v1/me/agent-status", ben, "{\"agent_status\":\"available\"}");
  put (server, login_path, ben, "{\"logged_in\":true}");

  stream = cb_test_stream_open (server, anna, first_seq, TRUE);
  g_assert_no_error (stream->error);
  g_assert_nonnull (cb_test_stream_wait (stream, "group-login", ben_id, WAIT_MS));
  /* Nothing more may follow: exactly the missed events, in order, then
   * anna's own change (the barrier) as the first live event. */
  g_assert_cmpuint (cb_test_stream_barrier (server, stream, anna), ==, 3);
  g_assert_cmpuint (stream->events->len, ==, 4);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (stream->events, 0), "type"), ==, "presence");
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (stream->events, 1), "type"), ==, "agent-status");
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (stream->events, 2), "type"), ==, "group-login");
  for (guint i = 0; i < stream->events->len; i++)
    {
      gint64 seq = json_object_get_int_member (g_ptr_array_index (stream->events, i), "seq");

      g_assert_cmpint (seq, >, first_seq);
      first_seq = seq;
    }

  /* More live events follow on the same stream. */
  put (server, "/api/v1/me/presence", ben, "{\"availability\":\"available\"}");
  event = cb_test_stream_wait (stream, "presence", ben_id, WAIT_MS);
  g_assert_nonnull (event);
  g_assert_cmpint (json_object_get_int_member (event, "seq"), >, first_seq);
  g_assert_cmpuint (stream->events->len, ==, 5);
  cb_test_stream_close (stream);

  /* Resuming at the current seq replays nothing: the barrier is the
   * first event. */
  stream = cb_test_stream_open (server, anna, snapshot_seq (server, anna), TRUE);
  g_assert_cmpuint (cb_test_stream_barrier (server, stream, anna), ==, 0);
  g_assert_cmpuint (stream->events->len, ==, 1);
  cb_test_stream_close (stream);

  cb_test_server_stop (server);
}

static void
test_resync (void)
{
  const char *args[] = { "--event-retention", "3", NULL };
  CbTestServer *server = cb_test_server_start (directory, args);
  g_autofree char *anna = cb_test_sign_in (server, "anna", "pw", NULL);
  g_autofree char *ben = cb_test_sign_in (server, "ben", "pw", NULL);
  CbTestStream *stream;
  JsonObject *event;
  gint64 current;

  for (guint i = 0; i < 10; i++)
    put (server, "/api/v1/me/presence", ben, i % 2 ? "{\"availability\":\"away\"}"
                                                    : "{\"availability\":\"busy\"}");
  current = snapshot_seq (server, anna);

  /* Older than the oldest retained event. */
  stream = cb_test_stream_open (server, anna, 1, TRUE);
  event = cb_test_stream_wait (stream, "resync", 0, WAIT_MS);
  g_assert_nonnull (event);
  g_assert_cmpint (json_object_get_int_member (event, "seq"), ==, current);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (event, "data")), ==, 0);
  /* Nothing is replayed after the resync: the barrier comes next. */
  g_assert_cmpuint (cb_test_stream_barrier (server, stream, anna), ==, 1);
  g_assert_cmpuint (stream->events->len, ==, 2);
  cb_test_stream_close (stream);

  /* Newer than the server's current seq (the barrier moved it). */
  current = snapshot_seq (server, anna);
  stream = cb_test_stream_open (server, anna, current + 100, TRUE);
  event = cb_test_stream_wait (stream, "resync", 0, WAIT_MS);
  g_assert_nonnull (event);
  g_assert_cmpint (json_object_get_int_member (event, "seq"), ==, current);
  cb_test_stream_close (stream);

  cb_test_server_stop (server);
}

static gboolean
stream_closed (gpointer data)
{
  return ((CbTestStream *) data)->closed;
}

static gboolean
three_pings (gpointer data)
{
  return ((CbTestStream *) data)->pings >= 3 || ((CbTestStream *) data)->closed;
}

static void
test_keepalive (void)
{
  const char *args[] = { "--keepalive", "1", NULL };
  CbTestServer *server = cb_test_server_start (directory, args);
  g_autofree char *anna = cb_test_sign_in (server, "anna", "pw", NULL);
  CbTestStream *silent;
  CbTestStream *polite;

  silent = cb_test_stream_open (server, anna, -1, FALSE);
  polite = cb_test_stream_open (server, anna, -1, TRUE);
  g_assert_no_error (silent->error);
  g_assert_no_error (polite->error);

  /* Two intervals without a pong, plus one for timer slack. */
  cb_test_wait_until (stream_closed, silent, 6000, "the silent client to be dropped");
  g_assert_cmpuint (silent->close_code, ==, 4000);
  g_assert_cmpuint (silent->pings, >=, 1);

  /* The client that answers stays, well past two intervals. */
  cb_test_wait_until (three_pings, polite, 6000, "three pings to the polite client");
  g_assert_false (polite->closed);

  cb_test_stream_close (silent);
  cb_test_stream_close (polite);
  cb_test_server_stop (server);
}

static void
test_backlog (void)
{
  const char *args[] = { "--max-backlog", "3", "--keepalive", "600", NULL };
  CbTestServer *server = cb_test_server_start (directory, args);
  g_autofree char *anna = cb_test_sign_in (server, "anna", "pw", NULL);
  g_autofree char *ben = cb_test_sign_in (server, "ben", "pw", NULL);
  CbTestStream *stream;

  stream = cb_test_stream_open (server, anna, -1, FALSE);
  g_assert_no_error (stream->error);

  /* No pong ever acknowledges these: the fourth one is too many. */
  for (guint i = 0; i < 5; i++)
    put (server, "/api/v1/me/presence", ben, i % 2 ? "{\"availability\":\"away\"}"
                                                    : "{\"availability\":\"busy\"}");
  cb_test_wait_until (stream_closed, stream, WAIT_MS, "the slow client to be dropped");
  g_assert_cmpuint (stream->close_code, ==, 4008);
  g_assert_cmpuint (stream->events->len, ==, 3);

  cb_test_stream_close (stream);
  cb_test_assert_healthy (server);
  cb_test_server_stop (server);
}

static void
test_restart (void)
{
  CbTestServer *server = cb_test_server_start (directory, NULL);
  g_autofree char *anna = cb_test_sign_in (server, "anna", "pw", NULL);
  g_autofree char *ben = NULL;
  g_autofree char *login_path = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *snapshot;
  JsonArray *users;
  JsonObject *ben_object = NULL;
  JsonArray *logins;
  CbTestStream *stream;
  JsonObject *event;
  gint64 ben_id, before, hotline;
  guint status = 0;

  ben = cb_test_sign_in (server, "ben", "pw", &ben_id);
  hotline = hotline_id (server, ben);
  login_path = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login", hotline);
  put (server, "/api/v1/me/presence", ben, "{\"availability\":\"dnd\",\"note\":\"focus\"}");
  put (server, "/api/v1/me/agent-status", ben, "{\"agent_status\":\"wrap-up\"}");
  put (server, login_path, ben, "{\"logged_in\":true}");
  before = snapshot_seq (server, anna);

  cb_test_server_restart (server);

  /* Sessions are in the store too: the old token still works. */
  answer = cb_test_request (server, "GET", "/api/v1/snapshot", anna, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  snapshot = json_node_get_object (answer);
  g_assert_cmpint (json_object_get_int_member (snapshot, "seq"), >=, before);
  users = json_object_get_array_member (snapshot, "users");
  for (guint i = 0; i < json_array_get_length (users); i++)
    if (json_object_get_int_member (json_array_get_object_element (users, i), "id") == ben_id)
      ben_object = json_array_get_object_element (users, i);
  g_assert_nonnull (ben_object);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (ben_object, "presence"), "availability"), ==, "dnd");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (ben_object, "presence"), "note"), ==, "focus");
  g_assert_cmpstr (json_object_get_string_member (ben_object, "agent_status"), ==, "wrap-up");
  logins = json_object_get_array_member (ben_object, "group_logins");
  g_assert_cmpuint (json_array_get_length (logins), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (logins, 0), "id"), ==, hotline);

  /* Resuming across the restart works, and seq carries on. */
  stream = cb_test_stream_open (server, anna, before, TRUE);
  g_assert_no_error (stream->error);
  put (server, "/api/v1/me/presence", ben, "{\"availability\":\"available\"}");
  event = cb_test_stream_wait (stream, "presence", ben_id, WAIT_MS);
  g_assert_nonnull (event);
  g_assert_cmpint (json_object_get_int_member (event, "seq"), >, before);
  g_assert_false (cb_test_stream_has (stream, "resync", 0));
  cb_test_stream_close (stream);

  cb_test_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/event-stream/resume", test_resume);
  g_test_add_func ("/event-stream/resync", test_resync);
  g_test_add_func ("/event-stream/keepalive", test_keepalive);
  g_test_add_func ("/event-stream/backlog", test_backlog);
  g_test_add_func ("/event-stream/restart", test_restart);
  return g_test_run ();
}
