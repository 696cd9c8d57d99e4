/* cb-bench-sip.c: calls per second and concurrent calls through the B2BUA, driven by sipp
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * callboardd runs on loopback with two users. The callee's line is
 * registered by sipp (tests/server/sip-register-line.xml) and answered
 * by a sipp UAS (sip-bench-uas.xml) on that port; a sipp UAC
 * (sip-bench-uac.xml) calls it with digest auth on every INVITE. Each
 * rate step offers a bounded number of short calls; the steps stop after
 * the first one with failed calls. The hold step keeps many calls up at
 * once and asks the server (GET /calls) how many it holds. sipp runs on
 * the same machine: its CPU share is in the table next to the server's.
 */

#define G_LOG_DOMAIN "cb-bench"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cb-bench-common.h"
#include "cb-bench-sip.h"
#include "cb-test-sipp.h"

#define SHORT_CALL_MS 1000   /* the calls of the rate steps */
#define STEP_SECONDS  5      /* a rate step offers rate × this many calls */
#define HOLD_CALL_MS  30000  /* the calls of the hold step */
#define HOLD_RATE     100    /* the hold step ramps up at this rate */

typedef struct {
  CbTestServer *server;
  GPid          pid;
  char         *dir;          /* injection files, sipp's statistics */
  char         *target;       /* callboardd's SIP address, host:port */
  char         *caller_token;
  char         *caller_inf;
  CbTestSipp   *uas;
  GPid          uas_pid;
} Bench;

typedef struct {
  guint    rate;
  guint    offered;
  guint64  created;
  guint64  successful;
  guint64  failed;
  double   seconds;
  double   server_cpu;     /* percent of one core */
  double   sipp_cpu;       /* both sipps, percent of one core */
  gint64   rss_kib;
  double   setup_p50_ms;
  double   setup_p99_ms;
  guint64  udp_drops;      /* datagrams the kernel dropped, whole machine */
  guint    stale;          /* connected calls GET /calls showed before the step */
  guint    peak_connected; /* most more than those it showed at once */
} Step;

/* The resident memory split of a process, as /proc/PID/status has it. */
static char *
memory_split (GPid pid)
{
  static const char * const keys[] = { "RssAnon:", "RssFile:", "RssShmem:" };
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;
  GString *split = g_string_new (NULL);

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return g_string_free (split, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *line = strstr (status, keys[i]);

      if (line != NULL)
        g_string_append_printf (split, "%s%.*s %" G_GINT64_FORMAT " KiB", split->len > 0 ? ", " : "",
                                (int) strlen (keys[i]) - 1, keys[i],
                                g_ascii_strtoll (line + strlen (keys[i]), NULL, 10));
    }
  return g_string_free (split, FALSE);
}

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* The calls the caller has in state connected, as the server sees them. */
static guint
connected_calls (Bench *bench)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *calls;
  guint status = 0;
  guint connected = 0;

  answer = cb_test_request (bench->server, "GET", "/api/v1/calls", bench->caller_token, NULL, &status);
  if (status != 200)
    return 0;
  calls = json_object_get_array_member (json_node_get_object (answer), "calls");
  for (guint i = 0; i < json_array_get_length (calls); i++)
    {
      JsonObject *call = json_array_get_object_element (calls, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (call, "state", ""), "connected") == 0)
        connected++;
    }
  return connected;
}

/* -trace_rtt rows: date_ms;response_time_ms;rtd_no */
static void
read_setup_times (const char *path,
                  Step       *step)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;
  lines = g_strsplit (text, "\n", 0);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ";", 0);
      double ms;

      if (g_strv_length (fields) < 3 || !g_ascii_isdigit (fields[1][0]))
        continue;
      ms = g_ascii_strtod (fields[1], NULL);
      g_array_append_val (times, ms);
    }
  if (times->len == 0)
    return;
  step->setup_p50_ms = cb_bench_percentile (times, 50);
  step->setup_p99_ms = cb_bench_percentile (times, 99);
}

/* Why calls failed: the start of sipp's error log. */
static void
print_first_errors (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;
  lines = g_strsplit (text, "\n", 4);
  for (guint i = 0; lines[i] != NULL && i < 3; i++)
    if (lines[i][0] != '\0')
      g_printerr ("  sipp: %s\n", lines[i]);
}

/* Offers `offered` calls at `rate` cps, each up for call_ms; with
 * watch, polls the server for the calls it holds. */
static void
run_step (Bench   *bench,
          Step    *step,
          guint    rate,
          guint    offered,
          guint    call_ms,
          gboolean watch)
{
  g_autofree char *scenario = g_build_filename (SOURCE_ROOT, "tests", "bench", "sip-bench-uac.xml", NULL);
  g_autofree char *port = g_strdup_printf ("%u", cb_test_free_udp_port ());
  g_autofree char *rate_arg = g_strdup_printf ("%u", rate);
  g_autofree char *calls_arg = g_strdup_printf ("%u", offered);
  g_autofree char *length_arg = g_strdup_printf ("%u", call_ms);
  g_autofree char *limit_arg = g_strdup_printf ("%u", offered);
  guint timeout_s = offered / rate + call_ms / 1000 + 60;
  g_autofree char *timeout_arg = g_strdup_printf ("%us", timeout_s);
  const char *kind = watch ? "hold" : "rate";
  g_autofree char *name = g_strdup_printf ("uac-%s-%u", kind, rate);
  g_autofree char *stat_file = g_strdup_printf ("%s/%s.csv", bench->dir, name);
  const char *args[] = {
    bench->target, "-p", port,
    "-inf", bench->caller_inf, "-r", rate_arg, "-m", calls_arg, "-d", length_arg,
    "-l", limit_arg, "-timeout", timeout_arg, "-recv_timeout", "10000",
    "-timer_resol", "1",  /* finer timing than the default 10 ms */
    "-trace_stat", "-stf", stat_file, "-fd", "1", "-trace_rtt", "-rtt_freq", "1", NULL,
  };
  g_autoptr(CbTestSipp) uac = NULL;
  g_autoptr(GHashTable) stats = NULL;
  g_autofree char *rtt_file = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + (gint64) (timeout_s + 30) * G_USEC_PER_SEC;
  double server_before = cb_bench_cpu_seconds (bench->pid);
  guint64 drops_before = cb_bench_udp_receive_drops ();
  double uas_before = cb_bench_cpu_seconds (bench->uas_pid);
  double uac_cpu = 0;
  gint64 next_poll = 0;
  guint ticker;
  GPid uac_pid;

  step->rate = rate;
  step->offered = offered;
  if (watch)
    step->stale = connected_calls (bench);
  /* sipp writes its statistics files to bench->dir. */
  uac = cb_test_sipp_spawn (bench->dir, name, scenario, CB_TEST_SIPP_OPEN_ENDED, args);
  uac_pid = atoi (g_subprocess_get_identifier (uac->process));
  ticker = g_timeout_add_seconds (1, tick, NULL);
  while (!uac->exited)
    {
      g_main_context_iteration (NULL, TRUE);
      if (!uac->exited)
        uac_cpu = cb_bench_cpu_seconds (uac_pid);  /* gone after the exit */
      if (watch && !uac->exited && g_get_monotonic_time () >= next_poll)
        {
          guint now = connected_calls (bench);

          step->peak_connected = MAX (step->peak_connected, now - MIN (now, step->stale));
          next_poll = g_get_monotonic_time () + G_USEC_PER_SEC;
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("sipp did not end its %u cps step", rate);
      if (bench->uas->exited)
        g_error ("The sipp UAS exited");
    }
  g_source_remove (ticker);

  step->seconds = (g_get_monotonic_time () - start) / 1e6;
  step->server_cpu = (cb_bench_cpu_seconds (bench->pid) - server_before) / step->seconds * 100;
  step->sipp_cpu = (cb_bench_cpu_seconds (bench->uas_pid) - uas_before + uac_cpu) / step->seconds * 100;
  step->rss_kib = cb_bench_rss_kib (bench->pid);
  step->udp_drops = cb_bench_udp_receive_drops () - drops_before;

  stats = cb_bench_sipp_stats (stat_file);
  step->created = cb_bench_sipp_stat (stats, "TotalCallCreated");
  step->successful = cb_bench_sipp_stat (stats, "SuccessfulCall(C)");
  step->failed = cb_bench_sipp_stat (stats, "FailedCall(C)");
  rtt_file = g_strdup_printf ("%s/sip-bench-uac_%d_rtt.csv", bench->dir, (int) uac_pid);
  read_setup_times (rtt_file, step);
  if (step->failed > 0)
    print_first_errors (uac->errors);
}

static void
print_step (Step *step)
{
  g_print ("%6u %8u %8" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT " %7" G_GUINT64_FORMAT
           " %9.1f %8.1f %9.0f%% %7.0f%% %9" G_GINT64_FORMAT " %9" G_GUINT64_FORMAT "\n",
           step->rate, step->offered, step->created, step->successful, step->failed,
           step->setup_p50_ms, step->setup_p99_ms, step->server_cpu, step->sipp_cpu,
           step->rss_kib, step->udp_drops);
}

static char *
write_injection (Bench      *bench,
                 const char *name,
                 const char *line,
                 const char *password,
                 const char *dial)
{
  g_autofree char *text = g_strdup_printf ("SEQUENTIAL\n%s;[authentication username=%s password=%s]%s%s\n",
                                           line, line, password,
                                           dial != NULL ? ";" : "", dial != NULL ? dial : "");
  char *path = g_build_filename (bench->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, text, -1, &error))
    g_error ("%s", error->message);
  return path;
}

/* Signs in and returns the user's line name and secret. */
static char *
fetch_line (Bench       *bench,
            const char  *username,
            char       **password,
            char       **token)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *line;
  guint status = 0;
  char *name;

  *token = cb_test_sign_in (bench->server, username, "bench", NULL);
  answer = cb_test_request (bench->server, "GET", "/api/v1/me/line", *token, NULL, &status);
  if (status != 200)
    g_error ("GET /me/line answered %u: is SIP running?", status);
  line = json_node_get_object (answer);
  name = g_strdup (json_object_get_string_member (line, "username"));
  *password = g_strdup (json_object_get_string_member (line, "password"));
  if (bench->target == NULL)
    bench->target = g_strdup (json_object_get_string_member (line, "registrar") + strlen ("sip:"));
  return name;
}

/* The callee's phone: sipp registers the line from a port, then a sipp
 * UAS answers there for the whole run. Returns the line. */
static char *
start_callee (Bench *bench)
{
  g_autofree char *password = NULL;
  g_autofree char *token = NULL;
  char *line = fetch_line (bench, "user1", &password, &token);
  g_autofree char *inf = write_injection (bench, "callee.csv", line, password, NULL);
  g_autofree char *register_xml = g_build_filename (SOURCE_ROOT, "tests", "server", "sip-register-line.xml", NULL);
  g_autofree char *uas_xml = g_build_filename (SOURCE_ROOT, "tests", "bench", "sip-bench-uas.xml", NULL);
  guint port = cb_test_free_udp_port ();
  g_autofree char *port_arg = g_strdup_printf ("%u", port);
  const char *register_args[] = { bench->target, "-p", port_arg, "-inf", inf, NULL };
  const char *uas_args[] = { "-p", port_arg, NULL };
  g_autoptr(CbTestSipp) registration = NULL;

  registration = cb_test_sipp_start_argv (bench->dir, "register", register_xml, register_args);
  if (!cb_test_sipp_wait (registration, 40000))
    g_error ("sipp could not register the callee's line %s", line);

  bench->uas = cb_test_sipp_spawn (bench->dir, "uas", uas_xml, CB_TEST_SIPP_OPEN_ENDED, uas_args);
  bench->uas_pid = atoi (g_subprocess_get_identifier (bench->uas->process));
  /* The first INVITE must find the port bound. */
  cb_test_sipp_wait_port (bench->uas, port, 10000);
  return line;
}

void
cb_bench_sip_calls (guint max_cps,
                    guint concurrent)
{
  static const guint rates[] = { 10, 20, 50, 100, 200, 300, 400, 600, 800, 1000, 1500, 2000 };
  static const char * const args[] = { "--sip-port", "0", "--keepalive", "600", NULL };
  g_autofree char *directory = cb_bench_directory_json (2, "business");
  g_autofree char *caller_line = NULL;
  g_autofree char *caller_password = NULL;
  g_autofree char *callee_line = NULL;
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("CALLBOARDD");
  Bench bench = { 0 };
  Step hold = { 0 };

  if (!cb_test_sipp_installed ())
    {
      g_print ("sip-calls: skipped, sipp (package sip-tester) is not installed\n");
      return;
    }

  bench.dir = g_dir_make_tmp ("cb-bench-sip-XXXXXX", &error);
  if (bench.dir == NULL)
    g_error ("%s", error->message);
  bench.server = cb_test_server_start (directory, args);
  bench.pid = atoi (g_subprocess_get_identifier (bench.server->process));
  caller_line = fetch_line (&bench, "user0", &caller_password, &bench.caller_token);
  callee_line = start_callee (&bench);
  bench.caller_inf = write_injection (&bench, "caller.csv", caller_line, caller_password, callee_line);

  g_print ("sip-calls: %s, SIP at %s; sipp UAC -> B2BUA -> sipp UAS, digest auth on every INVITE\n",
           binary != NULL ? binary : BUILD_ROOT "/src/server/callboardd", bench.target);
  g_print ("sip-calls: rate steps of %u s of %u ms calls, until calls fail (max %u cps)\n",
           STEP_SECONDS, SHORT_CALL_MS, max_cps);
  g_print ("%6s %8s %8s %10s %7s %9s %8s %10s %8s %9s %9s\n", "cps", "offered", "created",
           "successful", "failed", "setup p50", "p99 (ms)", "server CPU", "sipp CPU", "RSS (KiB)",
           "UDP drops");
  /* CB_BENCH_ROUNDS=N runs the rate steps N times on the same server: a
   * leak grows round after round, the allocator's high-water mark does not. */
  for (guint64 round = 1, rounds = g_ascii_strtoull (g_getenv ("CB_BENCH_ROUNDS") != NULL ?
                                                      g_getenv ("CB_BENCH_ROUNDS") : "1", NULL, 10);
       round <= MAX (rounds, 1); round++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (rates) && rates[i] <= max_cps; i++)
        {
          Step step = { 0 };

          run_step (&bench, &step, rates[i], MAX (rates[i] * STEP_SECONDS, 50u), SHORT_CALL_MS, FALSE);
          print_step (&step);
          if (step.failed > 0 || step.successful < step.offered)
            {
              g_print ("sip-calls: calls start to fail at %u cps\n", rates[i]);
              break;
            }
        }
      if (rounds > 1)
        {
          g_autofree char *split = NULL;

          /* Transactions linger for 32 s after their calls (RFC 3261 timers). */
          cb_test_run_for (35000);
          split = memory_split (bench.pid);
          g_print ("sip-calls: after round %" G_GUINT64_FORMAT " and 35 s idle: %s, connected calls %u\n",
                   round, split, connected_calls (&bench));
        }
    }

  if (concurrent > 0)
    {
      run_step (&bench, &hold, MIN (HOLD_RATE, concurrent), concurrent, HOLD_CALL_MS, TRUE);
      if (hold.stale > 0)
        g_print ("sip-calls: the server still listed %u connected calls from the rate steps\n",
                 hold.stale);
      g_print ("sip-calls: hold %u calls of %u s (ramp %u cps): server held %u at once, "
               "%" G_GUINT64_FORMAT " successful, %" G_GUINT64_FORMAT " failed: %s\n",
               concurrent, HOLD_CALL_MS / 1000, MIN (HOLD_RATE, concurrent), hold.peak_connected,
               hold.successful, hold.failed,
               hold.peak_connected == concurrent && hold.successful == concurrent ? "all held" : "NOT all held");
      g_print ("sip-calls: hold: setup p50 %.1f ms, p99 %.1f ms, server CPU %.0f%%, RSS %" G_GINT64_FORMAT
               " KiB\n", hold.setup_p50_ms, hold.setup_p99_ms, hold.server_cpu, hold.rss_kib);
    }

  {
    g_autofree char *split = memory_split (bench.pid);

    g_print ("sip-calls: server memory at the end: %s\n", split);
  }

  /* CB_BENCH_LINGER=SECONDS: what the server gives back once the load
   * stops, and whether calls stay up without anyone in them. */
  for (guint64 idle = 10, linger = g_ascii_strtoull (g_getenv ("CB_BENCH_LINGER") != NULL ?
                                                     g_getenv ("CB_BENCH_LINGER") : "0", NULL, 10);
       idle <= linger; idle += 10)
    {
      g_autofree char *split = NULL;

      cb_test_run_for (10000);
      split = memory_split (bench.pid);
      g_print ("sip-calls: idle %3" G_GUINT64_FORMAT " s: %s, connected calls %u\n",
               idle, split, connected_calls (&bench));
    }

  g_clear_pointer (&bench.uas, cb_test_sipp_free);
  cb_test_server_stop (bench.server);
  /* CB_BENCH_KEEP=1 keeps sipp's statistics and error logs. */
  if (g_getenv ("CB_BENCH_KEEP") != NULL)
    g_print ("sip-calls: sipp's files are in %s\n", bench.dir);
  else
    cb_test_remove_dir (bench.dir);
  g_free (bench.dir);
  g_free (bench.target);
  g_free (bench.caller_token);
  g_free (bench.caller_inf);
}
