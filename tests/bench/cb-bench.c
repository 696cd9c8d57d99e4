/* cb-bench.c: the foundation benchmarks (not run as tests)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   cb-bench events [CLIENTS] [ROUNDS]      event delivery p50/p99, lean raw-socket client
 *   cb-bench events-soup [CLIENTS] [ROUNDS] the same with a libsoup client per stream
 *   cb-bench snapshot [USERS]               snapshot time for a large directory
 *   cb-bench client-start [USERS]           app cold start to the signed-in frame, RSS
 *                                           (all: 2,000 and 10,000 users)
 *   cb-bench sip-rate [MAX_CPS]             calls/s until failures and CPU per 1,000
 *                                           calls, callboardd and Kamailio in turn
 *   cb-bench sip-held [N,N,...]             setup cost and PSS per call with N calls
 *                                           held (100,1000,5000), callboardd, Kamailio
 *                                           (CB_BENCH_SETTLE_MS: memory read that long
 *                                           after the calls were set up)
 *   cb-bench sip-overload [KNEE] [LIMIT]    twice callboardd's knee (found first
 *                                           without KNEE) and 20 REGISTER/s: callboardd
 *                                           without a limit, with max-call-rate LIMIT
 *                                           (half the knee), Kamailio: 503s, REGISTERs
 *                                           ok, REST and WebSocket p50/p99 meanwhile
 *   cb-bench sip-calls [MAX_CPS] [HOLD]     callboardd alone: rate steps, drops, a hold
 *   cb-bench queue [CALLERS] [AGENTS]       queue distribution latency, server CPU
 *   cb-bench sip-lamps [SUBS] [CPS] [S]     NOTIFY throughput and server CPU of desk
 *                                           phones' lamps while calls start and end
 *                                           (sipp; SUBS 0: the calls alone), not in all
 *   cb-bench blf-frames [KEYS] [N] [S]      the client's BLF window: frame time p50/p99
 *                                           and CPU while the server sends N lamp
 *                                           events/s (xvfb-run), not in all
 *   cb-bench soak [MINUTES] [CLIENTS]       callboardd --demo with CLIENTS (50) event
 *                                           streams closing and resuming: RSS, PSS,
 *                                           fds, /health p50/p99 every 30 s, growth
 *                                           per hour over the second half (10 min),
 *                                           not in all
 *   cb-bench all                            events, snapshot, client-start, sip-rate,
 *                                           sip-held with the sizes
 *
 * Prints figures; asserts nothing about them.
 */

#define G_LOG_DOMAIN "cb-bench"

#include "config.h"

#include <stdlib.h>

#include "cb-bench-common.h"
#include "cb-bench-blf.h"
#include "cb-bench-events.h"
#include "cb-bench-lamps.h"
#include "cb-bench-queue.h"
#include "cb-bench-soak.h"
#include "cb-bench-sip.h"

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

/* How long after the first frame the memory is read again. */
#define CLIENT_SETTLE_MS 3000


static gboolean
process_done (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop (the server's too) for @ms. */
static void
run_loop_ms (guint ms)
{
  gboolean elapsed = FALSE;

  g_timeout_add (ms, set_flag, &elapsed);
  cb_test_wait_until (process_done, &elapsed, ms + 10000, "the time to pass");
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
  GString *phases;   /* the app's STARTUP lines, as a table */
  gint64 last_us;
} ClientRun;

/* "STARTUP <phase> <monotonic us> <rss KiB>" (cb-startup-trace.h): the
 * same clock as ours, so the phases count from the spawn. */
static void
add_phase (ClientRun  *run,
           const char *line)
{
  g_auto(GStrv) fields = g_strsplit (line, " ", 0);
  gint64 us;

  if (g_strv_length (fields) < 4)
    return;
  us = g_ascii_strtoll (fields[2], NULL, 10);
  g_string_append_printf (run->phases, "    %-18s %7.1f ms  +%6.1f ms  %7s KiB\n", fields[1],
                          (us - run->start) / 1000.0,
                          (us - (run->last_us > 0 ? run->last_us : run->start)) / 1000.0, fields[3]);
  run->last_us = us;
}

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
  if (g_str_has_prefix (line, "STARTUP "))
    add_phase (run, line);
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
  gint64 settled_kib;

  if (binary == NULL)
    binary = BUILD_ROOT "/src/app/callboard";

  g_subprocess_launcher_setenv (launcher, "CALLBOARD_PASSWORD", "bench", TRUE);
  g_subprocess_launcher_setenv (launcher, "CALLBOARD_REPORT_FIRST_FRAME", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", BUILD_ROOT "/data", TRUE);

  run.phases = g_string_new (NULL);
  run.start = g_get_monotonic_time ();
  app = g_subprocess_launcher_spawn (launcher, &error, binary, "--server", server->url,
                                     "--user", "user1", NULL);
  if (app == NULL)
    g_error ("Cannot start %s: %s", binary, error->message);
  run.pid = atoi (g_subprocess_get_identifier (app));
  run.out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (app));
  read_next_line (&run);
  cb_test_wait_until (process_done, &run.done, 60000, "the client to finish");
  /* Work put off until after the first frame counts too: memory once the
   * app has been idle for a while. */
  run_loop_ms (CLIENT_SETTLE_MS);
  settled_kib = cb_bench_rss_kib (run.pid);

  if (run.first_frame_ms > 0)
    g_print ("client-start: %u-user directory: cold start to first signed-in frame %.0f ms, "
             "resident memory %" G_GINT64_FORMAT " KiB (%" G_GINT64_FORMAT " KiB %u s later)\n%s",
             n_users, run.first_frame_ms, run.rss_kib, settled_kib, CLIENT_SETTLE_MS / 1000,
             run.phases->str);
  else
    g_print ("client-start: the app exited without drawing a frame\n");
  g_string_free (run.phases, TRUE);

  g_subprocess_force_exit (app);
  g_subprocess_wait (app, NULL, NULL);
  g_object_unref (run.out);
  cb_test_server_stop (server);
}

/* "100,1000,5000" */
static guint
parse_levels (const char *text,
              guint       levels[],
              guint       max)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", 0);
  guint n = 0;

  for (guint i = 0; parts[i] != NULL && n < max; i++)
    if (atoi (parts[i]) > 0)
      levels[n++] = (guint) atoi (parts[i]);
  return n;
}

int
main (int   argc,
      char *argv[])
{
  const char *what = argc > 1 ? argv[1] : "all";
  guint arg2 = argc > 2 ? (guint) atoi (argv[2]) : 0;
  guint arg3 = argc > 3 ? (guint) atoi (argv[3]) : 0;
  guint arg4 = argc > 4 ? (guint) atoi (argv[4]) : 0;
  gboolean all = g_str_equal (what, "all");

  cb_bench_raise_fd_limit ();

  if (g_str_equal (what, "events") || all)
    cb_bench_events ("lean", arg2 ? arg2 : 1000, arg3 ? arg3 : 20);
  if (g_str_equal (what, "events-soup"))
    cb_bench_events ("soup", arg2 ? arg2 : 1000, arg3 ? arg3 : 20);
  if (g_str_equal (what, "snapshot") || all)
    bench_snapshot (arg2 ? arg2 : 10000);
  if (g_str_equal (what, "client-start"))
    bench_client_start (arg2 ? arg2 : 2000);
  if (all)
    {
      bench_client_start (2000);
      bench_client_start (10000);
    }
  if (g_str_equal (what, "sip-rate") || all)
    cb_bench_sip_rate (arg2 ? arg2 : 2000);
  if (g_str_equal (what, "sip-held") || all)
    {
      guint levels[8] = { 100, 1000, 5000 };
      guint n = argc > 2 ? parse_levels (argv[2], levels, G_N_ELEMENTS (levels)) : 3;

      cb_bench_sip_held (levels, n);
    }
  if (g_str_equal (what, "sip-overload"))
    cb_bench_sip_overload (arg2, arg3);
  if (g_str_equal (what, "sip-calls"))
    cb_bench_sip_calls (arg2 ? arg2 : 2000, argc > 3 ? arg3 : 1000);
  if (g_str_equal (what, "queue"))
    cb_bench_queue (arg2 ? arg2 : 200, arg3 ? arg3 : 50);
  if (g_str_equal (what, "blf-frames"))
    cb_bench_blf_frames (arg2 ? arg2 : 500, arg3 ? arg3 : 1000, arg4 ? arg4 : 20);
  if (g_str_equal (what, "sip-lamps"))
    cb_bench_sip_lamps (argc > 2 ? arg2 : 2000, arg3 ? arg3 : 100, arg4 ? arg4 : 30);
  if (g_str_equal (what, "soak"))
    cb_bench_soak (arg2 ? arg2 : 10, arg3 ? arg3 : 50);

  return 0;
}
