/* test-ws-limits.c: event streams that are too many, too big, too slow or lie
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against the real callboardd with small limits: 3 streams per user and
 * 64 KiB of events a stream may have outstanding. Pings are far apart
 * (keepalive 3600 s) so that no missing pong closes a stream first.
 * Hostile clients are raw sockets (tests/server/cb-test-raw.c).
 */

#define G_LOG_DOMAIN "cb-test-ws-limits"

#include "config.h"

#include <string.h>

#include "cb-test-raw.h"
#include "cb-test-server.h"

#define WAIT_MS 5000
#define MAX_STREAMS 3
#define BACKLOG_BYTES 65536
/* Close codes (doc/PROTOCOL.md). */
#define CLOSE_TOO_SLOW 4008
#define CLOSE_BAD_PONG 4002
#define CLOSE_TOO_MANY_STREAMS 4029

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"level\":\"team\",\"members\":[\"anna\",\"ben\"]}]}";

static CbTestServer *server;

static gboolean
stream_closed (gpointer data)
{
  return ((CbTestStream *) data)->closed;
}

static gint64
current_seq (const char *token)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = cb_test_request (server, "GET", "/api/v1/snapshot", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  return json_object_get_int_member (json_node_get_object (answer), "seq");
}

/* A change of ben's note: one event of some 600 bytes for anna. */
static void
ben_changes (const char *ben,
             guint       i)
{
  g_autofree char *filler = g_strnfill (480, 'n');
  g_autofree char *body = g_strdup_printf ("{\"availability\":\"available\",\"note\":\"%u %s\"}", i, filler);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = cb_test_request (server, "PUT", "/api/v1/me/presence", ben, body, &status);
  g_assert_cmpuint (status, ==, 200);
}

/* One user opens more streams than allowed: the oldest is closed (a
 * client reconnecting while its old stream is still half-open must get
 * through), the newest stay; another user's are untouched. */
static void
test_streams_per_user (void)
{
  g_autofree char *anna = cb_test_sign_in (server, "anna", "pw", NULL);
  g_autofree char *anna2 = cb_test_sign_in (server, "anna", "pw", NULL);
  g_autofree char *ben = cb_test_sign_in (server, "ben", "pw", NULL);
  CbTestStream *streams[MAX_STREAMS + 2];
  CbTestStream *ben_stream = cb_test_stream_open (server, ben, -1, TRUE);

  for (guint i = 0; i < MAX_STREAMS; i++)
    {
      streams[i] = cb_test_stream_open (server, anna, -1, TRUE);
      g_assert_no_error (streams[i]->error);
    }
  cb_test_stream_barrier (server, streams[MAX_STREAMS - 1], anna);
  for (guint i = 0; i < MAX_STREAMS; i++)
    g_assert_false (streams[i]->closed);

  streams[MAX_STREAMS] = cb_test_stream_open (server, anna, -1, TRUE);
  g_assert_no_error (streams[MAX_STREAMS]->error);
  cb_test_wait_until (stream_closed, streams[0], WAIT_MS, "the oldest stream to be closed");
  g_assert_cmpuint (streams[0]->close_code, ==, CLOSE_TOO_MANY_STREAMS);

  /* Per user, whatever the session. */
  streams[MAX_STREAMS + 1] = cb_test_stream_open (server, anna2, -1, TRUE);
  g_assert_no_error (streams[MAX_STREAMS + 1]->error);
  cb_test_wait_until (stream_closed, streams[1], WAIT_MS, "the next oldest stream to be closed");
  g_assert_cmpuint (streams[1]->close_code, ==, CLOSE_TOO_MANY_STREAMS);

  cb_test_stream_barrier (server, streams[MAX_STREAMS + 1], anna2);
  for (guint i = 2; i < MAX_STREAMS + 2; i++)
    g_assert_false (streams[i]->closed);
  cb_test_stream_barrier (server, ben_stream, ben);
  g_assert_false (ben_stream->closed);

  for (guint i = 0; i < MAX_STREAMS + 2; i++)
    cb_test_stream_close (streams[i]);
  cb_test_stream_close (ben_stream);
}

static gsize
server_rss (void)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (server->process));
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return (gsize) g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10) * 1024;
}

/* A text message in fragments of 4,000 bytes that never ends: the server
 * stops reading it well before 4 MiB (libsoup would buffer it all), and
 * its memory does not grow by what was sent. */
static void
test_fragmented (void)
{
  g_autofree char *anna = cb_test_sign_in (server, "anna", "pw", NULL);
  g_autoptr(GSocketConnection) connection = cb_test_raw_connect (server->url);
  g_autofree char *fragment = g_strnfill (4000, ' ');
  gsize sent = 0;
  gboolean closed = FALSE;
  gsize rss_before;

  g_assert_true (cb_test_raw_ws_handshake (connection, "/api/v1/events", anna));
  rss_before = server_rss ();
  g_assert_true (cb_test_raw_ws_send (connection, 0x1, FALSE, "{\"type\":\"pong\",", 15));
  while (!closed && sent < 4 * 1024 * 1024)
    {
      if (!cb_test_raw_ws_send (connection, 0x0, FALSE, fragment, 4000))
        closed = TRUE;
      else
        {
          sent += 4000;
          closed = cb_test_raw_ws_closed_now (connection);
        }
    }
  if (!closed)
    closed = cb_test_raw_ws_read_close (connection, WAIT_MS, NULL) >= 0;
  g_test_message ("closed: %d after %" G_GSIZE_FORMAT " bytes; server RSS %+" G_GSSIZE_FORMAT " KiB",
                  closed, sent, ((gssize) server_rss () - (gssize) rss_before) / 1024);
  g_assert_true (closed);
  g_assert_cmpuint (sent, <, 4 * 1024 * 1024);
  g_assert_cmpint ((gssize) server_rss () - (gssize) rss_before, <, 2 * 1024 * 1024);
  cb_test_assert_healthy (server);
}

/* A stream that never reads and never answers: dropped (4008) once what
 * it has not acknowledged passes the byte limit, long before the count
 * limit (100,000 events). */
static void
test_never_reads (void)
{
  g_autofree char *anna = cb_test_sign_in (server, "anna", "pw", NULL);
  g_autofree char *ben = cb_test_sign_in (server, "ben", "pw", NULL);
  g_autoptr(GSocketConnection) connection = cb_test_raw_connect (server->url);
  int code;

  g_assert_true (cb_test_raw_ws_handshake (connection, "/api/v1/events", anna));
  /* 200 events of 600 bytes: 120 KB, twice the limit. */
  for (guint i = 0; i < 200; i++)
    ben_changes (ben, i);
  code = cb_test_raw_ws_read_close (connection, WAIT_MS, NULL);
  g_assert_cmpint (code, ==, CLOSE_TOO_SLOW);
}

/* A pong for an event the stream never got is a lie: closed (4002). A
 * pong up to what was sent is fine. */
static void
test_lying_pong (void)
{
  g_autofree char *anna = cb_test_sign_in (server, "anna", "pw", NULL);
  CbTestStream *honest = cb_test_stream_open (server, anna, -1, FALSE);
  CbTestStream *liar = cb_test_stream_open (server, anna, -1, FALSE);
  g_autofree char *truth = NULL;
  g_autofree char *lie = NULL;

  g_assert_no_error (honest->error);
  g_assert_no_error (liar->error);
  cb_test_stream_barrier (server, honest, anna);
  truth = g_strdup_printf ("{\"type\":\"pong\",\"seq\":%" G_GINT64_FORMAT "}", honest->last_seq);
  soup_websocket_connection_send_text (honest->conn, truth);
  cb_test_stream_barrier (server, liar, anna);
  lie = g_strdup_printf ("{\"type\":\"pong\",\"seq\":%" G_GINT64_FORMAT "}", liar->last_seq + 1000);
  soup_websocket_connection_send_text (liar->conn, lie);

  cb_test_wait_until (stream_closed, liar, WAIT_MS, "the lying stream to be closed");
  g_assert_cmpuint (liar->close_code, ==, CLOSE_BAD_PONG);
  cb_test_stream_barrier (server, honest, anna);
  g_assert_false (honest->closed);
  cb_test_stream_close (honest);
  cb_test_stream_close (liar);
}

/* A stream that acknowledges every event with the right seq but never
 * reads a byte (a small receive buffer, so our kernel takes little):
 * once the server's kernel buffer for the stream is full (256 KiB, or
 * twice that as Linux counts), what it could not send piles up in
 * libsoup, and the stream is dropped once that passes the byte limit.
 * 1,500 events of 600 bytes are 900 KB: well past 512 + 64 KiB. The
 * close frame cannot get through a full buffer: the server closes the
 * connection after libsoup's 5 s wait for the close handshake. */
static void
test_acks_without_reading (void)
{
  g_autofree char *anna = cb_test_sign_in (server, "anna", "pw", NULL);
  g_autofree char *ben = cb_test_sign_in (server, "ben", "pw", NULL);
  g_autoptr(GSocketConnection) connection = cb_test_raw_connect_rcvbuf (server->url, 4096);
  gint64 seq;
  int code;

  g_assert_true (cb_test_raw_ws_handshake (connection, "/api/v1/events", anna));
  seq = current_seq (anna);
  for (guint i = 0; i < 1500; i++)
    {
      ben_changes (ben, i);
      seq++;
      if (i % 10 == 9)
        {
          g_autofree char *pong = g_strdup_printf ("{\"type\":\"pong\",\"seq\":%" G_GINT64_FORMAT "}", seq);

          g_assert_cmpint (current_seq (anna), ==, seq);
          cb_test_raw_ws_send (connection, 0x1, TRUE, pong, strlen (pong));
        }
    }
  code = cb_test_raw_ws_read_close (connection, 2 * WAIT_MS, NULL);
  g_test_message ("the stream ended with %d", code);
  g_assert_true (code == CLOSE_TOO_SLOW || code == 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *streams = g_strdup_printf ("%d", MAX_STREAMS);
  g_autofree char *bytes = g_strdup_printf ("%d", BACKLOG_BYTES);
  const char *args[] = { "--max-streams-per-user", streams, "--max-backlog-bytes", bytes,
                         "--max-backlog", "100000", "--keepalive", "3600", NULL };
  int result;

  g_test_init (&argc, &argv, NULL);
  server = cb_test_server_start (directory, args);

  g_test_add_func ("/ws-limits/streams-per-user", test_streams_per_user);
  g_test_add_func ("/ws-limits/fragmented", test_fragmented);
  g_test_add_func ("/ws-limits/never-reads", test_never_reads);
  g_test_add_func ("/ws-limits/lying-pong", test_lying_pong);
  g_test_add_func ("/ws-limits/acks-without-reading", test_acks_without_reading);
  result = g_test_run ();

  cb_test_server_stop (server);
  return result;
}
