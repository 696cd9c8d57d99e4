/* cb-bench.c: the foundation benchmarks (not run as tests)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   cb-bench events [CLIENTS] [ROUNDS]  p50/p99 event delivery latency
 *   cb-bench snapshot [USERS]           snapshot time for a large directory
 *   cb-bench client-start [USERS]       app cold start to first frame, RSS
 *   cb-bench sip-calls [MAX_CPS] [HOLD] SIP calls through the B2BUA (sipp), not in all
 *   cb-bench queue [CALLERS] [AGENTS]   queue distribution latency, server CPU, not in all
 *   cb-bench sip-lamps [SUBS] [CPS] [S] NOTIFY throughput and server CPU of desk phones'
 *                                       lamps while calls start and end (sipp; SUBS 0:
 *                                       the calls alone), not in all
 *   cb-bench all                        everything with the sizes
 *
 * Prints figures; asserts nothing about them.
 */

#define G_LOG_DOMAIN "cb-bench"

#include "config.h"

#include <stdlib.h>

#include "cb-bench-common.h"
#include "cb-bench-lamps.h"
#include "cb-bench-queue.h"
#include "cb-bench-sip.h"

/* ---- events ------------------------------------------------------------ */

typedef struct {
  SoupWebsocketConnection *ws;
  guint received;
} Listener;

typedef struct {
  GPtrArray *listeners;
  GArray    *latencies_us;
  guint      expected;
  guint      connected;
} EventsRun;

static void
on_ws_message (SoupWebsocketConnection *ws,
               int                      type,
               GBytes                  *message,
               gpointer                 user_data)
{
  EventsRun *run = g_object_get_data (G_OBJECT (ws), "run");
  Listener *listener = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gint64 now = g_get_monotonic_time ();
  gsize len;
  const char *text = g_bytes_get_data (message, &len);
  JsonObject *object, *data;
  const char *kind, *note;

  if (!json_parser_load_from_data (parser, text, (gssize) len, NULL))
    return;
  object = json_node_get_object (json_parser_get_root (parser));
  kind = json_object_get_string_member_with_default (object, "type", "");

  if (g_str_equal (kind, "ping"))
    {
      g_autofree char *pong = g_strdup_printf ("{\"type\":\"pong\",\"seq\":%" G_GINT64_FORMAT "}",
                                               json_object_get_int_member_with_default (object, "seq", 0));
      soup_websocket_connection_send_text (ws, pong);
      return;
    }
  if (!g_str_equal (kind, "presence"))
    return;

  data = json_object_get_object_member (object, "data");
  note = data != NULL ? json_object_get_string_member_with_default (data, "note", "") : "";
  if (g_str_has_prefix (note, "bench:"))
    {
      double latency = (double) (now - g_ascii_strtoll (note + 6, NULL, 10));
      g_array_append_val (run->latencies_us, latency);
      listener->received++;
    }
}

static void
on_ws_connected (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Listener *listener = user_data;
  g_autoptr(GError) error = NULL;
  EventsRun *run;

  listener->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (listener->ws == NULL)
    g_error ("WebSocket connect failed: %s", error->message);

  run = g_object_get_data (source, "run");
  g_object_set_data (G_OBJECT (listener->ws), "run", run);
  g_signal_connect (listener->ws, "message", G_CALLBACK (on_ws_message), listener);
  run->connected++;
}

static gboolean
all_connected (gpointer data)
{
  EventsRun *run = data;
  return run->connected == run->listeners->len;
}

static gboolean
all_delivered (gpointer data)
{
  EventsRun *run = data;
  return run->latencies_us->len >= run->expected;
}

static void
bench_events (guint n_clients,
              guint rounds)
{
  CbTestServer *server = cb_bench_server_start (n_clients, "public");
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", n_clients + 16,
                                                                  "max-conns-per-host", n_clients + 16,
                                                                  NULL);
  g_autofree char *snapshot_url = g_strconcat (server->url, "/api/v1/snapshot", NULL);
  g_autofree char *presence_url = g_strconcat (server->url, "/api/v1/me/presence", NULL);
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  EventsRun run = { 0 };
  gint64 seq, start;
  char *ws_url;

  run.listeners = g_ptr_array_new_with_free_func (g_free);
  run.latencies_us = g_array_new (FALSE, FALSE, sizeof (double));
  g_object_set_data (G_OBJECT (session), "run", &run);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_clients; i++)
    {
      g_autofree char *username = g_strdup_printf ("user%u", i);
      g_ptr_array_add (tokens, cb_bench_sign_in (session, server->url, username));
    }
  g_printerr ("  %u sign-ins in %.1f s\n", n_clients, (g_get_monotonic_time () - start) / 1e6);

  snapshot = cb_bench_request (session, "GET", snapshot_url, tokens->pdata[0], NULL, NULL);
  seq = json_object_get_int_member (json_node_get_object (snapshot), "seq");
  ws_url = g_strdup_printf ("%s/api/v1/events?since=%" G_GINT64_FORMAT, server->url, seq);
  ws_url[0] = 'w', ws_url[1] = 's';  /* http… → ws… (https → wss likewise) */
  if (g_str_has_prefix (server->url, "http:"))
    memmove (ws_url + 2, ws_url + 4, strlen (ws_url + 4) + 1);
  else
    memmove (ws_url + 3, ws_url + 5, strlen (ws_url + 5) + 1);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_clients; i++)
    {
      Listener *listener = g_new0 (Listener, 1);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", ws_url);
      g_autofree char *auth = g_strdup_printf ("Bearer %s", (char *) tokens->pdata[i]);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      g_ptr_array_add (run.listeners, listener);
      soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                            on_ws_connected, listener);
    }
  cb_test_wait_until (all_connected, &run, 120000, "every WebSocket to connect");
  g_printerr ("  %u WebSockets connected in %.1f s\n", n_clients, (g_get_monotonic_time () - start) / 1e6);

  for (guint r = 0; r < rounds; r++)
    {
      g_autofree char *body = g_strdup_printf ("{\"availability\":\"%s\",\"note\":\"bench:%" G_GINT64_FORMAT "\"}",
                                               r % 2 ? "away" : "available", g_get_monotonic_time ());
      guint status = 0;
      g_autoptr(JsonNode) answer = cb_bench_request (session, "PUT", presence_url, tokens->pdata[0], body, &status);

      if (status != 200)
        g_error ("PUT presence answered %u", status);
      run.expected = (r + 1) * n_clients;
      cb_test_wait_until (all_delivered, &run, 60000, "every listener to get the event");
    }

  g_print ("events: %u WebSocket clients, %u presence changes, %u deliveries\n",
           n_clients, rounds, run.latencies_us->len);
  g_print ("events: delivery latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
           cb_bench_percentile (run.latencies_us, 50) / 1000.0,
           cb_bench_percentile (run.latencies_us, 99) / 1000.0,
           cb_bench_percentile (run.latencies_us, 100) / 1000.0);
  g_print ("events: server resident memory %" G_GINT64_FORMAT " KiB\n",
           cb_bench_rss_kib (atoi (g_subprocess_get_identifier (server->process))));

  for (guint i = 0; i < run.listeners->len; i++)
    {
      Listener *listener = run.listeners->pdata[i];
      g_signal_handlers_disconnect_by_data (listener->ws, listener);
      g_clear_object (&listener->ws);
    }
  g_ptr_array_unref (run.listeners);
  g_array_unref (run.latencies_us);
  g_free (ws_url);
  cb_test_server_stop (server);
}

/* ---- snapshot ---------------------------------------------------------- */

static void
bench_snapshot (guint n_users)
{
  CbTestServer *server = cb_bench_server_start (n_users, "team");
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (server->url, "/api/v1/snapshot", NULL);
  g_autofree char *token = cb_bench_sign_in (session, server->url, "user1");
  g_autoptr(GArray) times_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) parse_ms = g_array_new (FALSE, FALSE, sizeof (double));
  gsize size = 0;
  guint n_seen = 0;

  for (guint i = 0; i < 21; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GBytes) body = cb_bench_fetch (session, url, token);
      gint64 received = g_get_monotonic_time ();
      g_autoptr(JsonParser) parser = json_parser_new ();
      /* Apart from the call: argument order is unspecified, size must be set first. */
      const char *data = g_bytes_get_data (body, &size);
      double ms = (received - start) / 1000.0;
      double parsed;

      if (!json_parser_load_from_data (parser, data, (gssize) size, NULL))
        g_error ("The snapshot is not JSON");
      parsed = (g_get_monotonic_time () - received) / 1000.0;
      n_seen = json_array_get_length (json_object_get_array_member (
                 json_node_get_object (json_parser_get_root (parser)), "users"));
      if (i > 0)  /* the first request also warms up the connection */
        {
          g_array_append_val (times_ms, ms);
          g_array_append_val (parse_ms, parsed);
        }
    }

  g_print ("snapshot: %u-user directory (%u users visible, %" G_GSIZE_FORMAT " KiB), %u requests: "
           "request to last byte p50 %.1f ms, max %.1f ms; json-glib parse p50 %.1f ms\n",
           n_users, n_seen, size / 1024, times_ms->len, cb_bench_percentile (times_ms, 50),
           cb_bench_percentile (times_ms, 100), cb_bench_percentile (parse_ms, 50));
  cb_test_server_stop (server);
}

/* ---- client start ------------------------------------------------------ */

static gboolean
process_done (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_client_line (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data);

typedef struct {
  GDataInputStream *out;
  GPid pid;
  gint64 start;
  double first_frame_ms;
  gint64 rss_kib;
  gboolean done;
} ClientRun;

static void
read_next_line (ClientRun *run)
{
  g_data_input_stream_read_line_async (run->out, G_PRIORITY_DEFAULT, NULL, on_client_line, run);
}

static void
on_client_line (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ClientRun *run = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (run->out, result, NULL, NULL);

  if (line == NULL)
    {
      run->done = TRUE;
      return;
    }
  /* The app prints this once its window has drawn the signed-in view. */
  if (g_str_has_prefix (line, "FIRST-FRAME"))
    {
      run->first_frame_ms = (g_get_monotonic_time () - run->start) / 1000.0;
      run->rss_kib = cb_bench_rss_kib (run->pid);
      run->done = TRUE;
      return;
    }
  read_next_line (run);
}

static void
bench_client_start (guint n_users)
{
  CbTestServer *server = cb_bench_server_start (n_users, "team");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("CALLBOARD_APP");
  ClientRun run = { 0 };

  if (binary == NULL)
    binary = BUILD_ROOT "/src/app/callboard";

  g_subprocess_launcher_setenv (launcher, "CALLBOARD_PASSWORD", "bench", TRUE);
  g_subprocess_launcher_setenv (launcher, "CALLBOARD_REPORT_FIRST_FRAME", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", BUILD_ROOT "/data", TRUE);

  run.start = g_get_monotonic_time ();
  app = g_subprocess_launcher_spawn (launcher, &error, binary, "--server", server->url,
                                     "--user", "user1", NULL);
  if (app == NULL)
    g_error ("Cannot start %s: %s", binary, error->message);
  run.pid = atoi (g_subprocess_get_identifier (app));
  run.out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (app));
  read_next_line (&run);
  cb_test_wait_until (process_done, &run.done, 60000, "the client to finish");

  if (run.first_frame_ms > 0)
    g_print ("client-start: %u-user directory: cold start to first signed-in frame %.0f ms, "
             "resident memory %" G_GINT64_FORMAT " KiB\n", n_users, run.first_frame_ms, run.rss_kib);
  else
    g_print ("client-start: the app exited without drawing a frame\n");

  g_subprocess_force_exit (app);
  g_subprocess_wait (app, NULL, NULL);
  g_object_unref (run.out);
  cb_test_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  const char *what = argc > 1 ? argv[1] : "all";
  guint arg2 = argc > 2 ? (guint) atoi (argv[2]) : 0;
  guint arg3 = argc > 3 ? (guint) atoi (argv[3]) : 0;
  guint arg4 = argc > 4 ? (guint) atoi (argv[4]) : 0;

  cb_bench_raise_fd_limit ();

  if (g_str_equal (what, "events") || g_str_equal (what, "all"))
    bench_events (arg2 ? arg2 : 1000, arg3 ? arg3 : 20);
  if (g_str_equal (what, "snapshot") || g_str_equal (what, "all"))
    bench_snapshot (arg2 ? arg2 : 10000);
  if (g_str_equal (what, "client-start") || g_str_equal (what, "all"))
    bench_client_start (arg2 ? arg2 : 2000);
  if (g_str_equal (what, "sip-calls"))
    cb_bench_sip_calls (arg2 ? arg2 : 2000, argc > 3 ? arg3 : 1000);
  if (g_str_equal (what, "queue"))
    cb_bench_queue (arg2 ? arg2 : 200, arg3 ? arg3 : 50);
  if (g_str_equal (what, "sip-lamps"))
    cb_bench_sip_lamps (argc > 2 ? arg2 : 2000, arg3 ? arg3 : 100, arg4 ? arg4 : 30);

  return 0;
}
