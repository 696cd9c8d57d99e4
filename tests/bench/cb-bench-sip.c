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
 *
 * sip-rate and sip-held run the same sipp scenarios against a second
 * peer in the same invocation, step by step in turn with callboardd:
 * Kamailio (Debian's package) as a stateful proxy with digest auth
 * (tests/bench/kamailio-bench.cfg), the engine DESIGN.md puts in front
 * of callboardd beyond one machine. Its CPU and memory are those of all
 * its processes together; memory is PSS (shared pages divided among the
 * processes that share them), so that Kamailio's shared-memory segment
 * counts once.
 *
 * sip-overload offers twice callboardd's knee (sip-bench-uac-overload.xml:
 * a call answered 503 ends there and is counted as refused) while a
 * third line REGISTERs and, against callboardd, the bench times REST
 * requests and the events of its own presence changes on a WebSocket
 * stream. Kamailio gets the same load; it has no overload limit.
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
#define HELD_RATE     50     /* sip-held ramps its held calls up at this rate */
#define HELD_CALL_MS  3600000 /* sip-held's held calls: until the peer stops */
#define PROBE_RATE    50     /* sip-held's probe: short calls at this rate */
#define PROBE_CALLS   250
#define PROBE_CALL_MS 100
#define IDLE_MS       10000  /* sip-held: the peer's CPU with calls held and none made */
#define PROBE_ROUNDS  3      /* sip-held: probes per level; the median is printed */

typedef enum {
  PEER_CALLBOARDD,
  PEER_KAMAILIO,
} PeerKind;

typedef struct {
  PeerKind      kind;
  const char   *name;
  CbTestServer *server;       /* callboardd */
  GSubprocess  *kamailio;     /* kamailio */
  GPid          pid;
  GArray       *pids;         /* GPid: pid and its children (Kamailio forks workers) */
  char         *dir;          /* injection files, sipp's statistics */
  char         *target;       /* the peer's SIP address, host:port */
  char         *caller_token; /* callboardd */
  char         *caller_inf;
  CbTestSipp   *uas;
  GPid          uas_pid;
  guint         runs;         /* sipp runs so far, for unique file names */
  const char * const *server_args; /* callboardd's; NULL: SERVER_ARGS */
  guint         users;        /* in callboardd's directory; 0: 2 */
  const char   *level;        /* between them; NULL: business */
} Bench;

typedef struct {
  guint    rate;
  guint    offered;
  guint64  created;
  guint64  successful;
  guint64  failed;
  double   seconds;
  double   server_cpu;     /* percent of one core */
  double   server_cpu_s;   /* seconds */
  double   sipp_cpu;       /* both sipps, percent of one core */
  gint64   pss_kib;
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

/* The peer's process and, for Kamailio, the workers it forked. */
static void
find_processes (Bench *bench)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  g_clear_pointer (&bench->pids, g_array_unref);
  bench->pids = g_array_new (FALSE, FALSE, sizeof (GPid));
  g_array_append_val (bench->pids, bench->pid);
  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *stat = NULL;
      const char *end;
      GPid child;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_strdup_printf ("/proc/%s/stat", name);
      if (!g_file_get_contents (path, &stat, NULL, NULL) || (end = strrchr (stat, ')')) == NULL)
        continue;
      /* ") S PPID ..." */
      if (g_ascii_strtoll (end + 4, NULL, 10) == bench->pid)
        {
          child = atoi (name);
          g_array_append_val (bench->pids, child);
        }
    }
}

static double
peer_cpu_seconds (Bench *bench)
{
  double sum = 0;

  for (guint i = 0; i < bench->pids->len; i++)
    sum += cb_bench_cpu_seconds (g_array_index (bench->pids, GPid, i));
  return sum;
}

/* Proportional set size of all the peer's processes, KiB. */
static gint64
peer_pss_kib (Bench *bench)
{
  gint64 sum = 0;

  for (guint i = 0; i < bench->pids->len; i++)
    sum += MAX (cb_bench_pss_kib (g_array_index (bench->pids, GPid, i)), 0);
  return sum;
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

  if (bench->kind != PEER_CALLBOARDD)
    return 0;
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
  g_autofree char *name = g_strdup_printf ("uac-%s-%u-%u", kind, rate, ++bench->runs);
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
  double server_before = peer_cpu_seconds (bench);
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
  step->server_cpu_s = peer_cpu_seconds (bench) - server_before;
  step->server_cpu = step->server_cpu_s / step->seconds * 100;
  step->sipp_cpu = (cb_bench_cpu_seconds (bench->uas_pid) - uas_before + uac_cpu) / step->seconds * 100;
  step->pss_kib = peer_pss_kib (bench);
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
print_header (void)
{
  g_print ("%-10s %6s %8s %8s %10s %7s %9s %8s %10s %8s %9s %9s %9s\n", "peer", "cps", "offered",
           "created", "successful", "failed", "setup p50", "p99 (ms)", "server CPU", "sipp CPU",
           "CPU s/1k", "PSS (KiB)", "UDP drops");
}

/* CPU seconds the peer spent per 1,000 successful calls. */
static double
cpu_per_thousand (Step *step)
{
  return step->successful > 0 ? step->server_cpu_s * 1000 / step->successful : 0;
}

static void
print_step (Bench *bench,
            Step  *step)
{
  g_print ("%-10s %6u %8u %8" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT " %7" G_GUINT64_FORMAT
           " %9.1f %8.1f %9.0f%% %7.0f%% %9.2f %9" G_GINT64_FORMAT " %9" G_GUINT64_FORMAT "\n",
           bench->name, step->rate, step->offered, step->created, step->successful, step->failed,
           step->setup_p50_ms, step->setup_p99_ms, step->server_cpu, step->sipp_cpu,
           cpu_per_thousand (step), step->pss_kib, step->udp_drops);
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
 * UAS answers there for the whole run. */
static void
start_callee (Bench      *bench,
              const char *line,
              const char *password)
{
  g_autofree char *inf = write_injection (bench, "callee.csv", line, password, NULL);
  g_autofree char *register_xml = g_build_filename (SOURCE_ROOT, "tests", "server", "sip-register-line.xml", NULL);
  g_autofree char *uas_xml = g_build_filename (SOURCE_ROOT, "tests", "bench", "sip-bench-uas.xml", NULL);
  guint port = cb_test_free_udp_port ();
  g_autofree char *port_arg = g_strdup_printf ("%u", port);
  const char *register_args[] = { bench->target, "-p", port_arg, "-inf", inf, NULL };
  /* -aa: the server asks answered calls from time to time whether the
   * phone still has them (an OPTIONS in the dialog, every 90 s); without
   * an answer sipp would abort the call. */
  const char *uas_args[] = { "-p", port_arg, "-aa", NULL };
  g_autoptr(CbTestSipp) registration = NULL;

  registration = cb_test_sipp_start_argv (bench->dir, "register", register_xml, register_args);
  if (!cb_test_sipp_wait (registration, 40000))
    g_error ("sipp could not register the callee's line %s at %s", line, bench->name);

  bench->uas = cb_test_sipp_spawn (bench->dir, "uas", uas_xml, CB_TEST_SIPP_OPEN_ENDED, uas_args);
  bench->uas_pid = atoi (g_subprocess_get_identifier (bench->uas->process));
  /* The first INVITE must find the port bound. */
  cb_test_sipp_wait_port (bench->uas, port, 10000);
}

static void
start_kamailio (Bench *bench)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *config = g_build_filename (SOURCE_ROOT, "tests", "bench", "kamailio-bench.cfg", NULL);
  g_autofree char *log = g_build_filename (bench->dir, "kamailio.log", NULL);
  guint port = cb_test_free_udp_port ();
  g_autofree char *listen = g_strdup_printf ("udp:127.0.0.1:%u", port);
  const char *binary = g_getenv ("KAMAILIO") != NULL ? g_getenv ("KAMAILIO") : "kamailio";
  gboolean exited = FALSE;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  /* -DD: no daemon, so the process we started is the one that forks the
   * workers; -E: its log to the file; -Y/-w: its runtime files here. */
  bench->kamailio = g_subprocess_launcher_spawn (launcher, &error, binary, "-f", config, "-DD", "-E",
                                                 "-l", listen, "-Y", bench->dir, "-w", bench->dir,
                                                 "-m", "256", "-M", "16", NULL);
  if (bench->kamailio == NULL)
    g_error ("Cannot start %s: %s", binary, error->message);
  bench->pid = atoi (g_subprocess_get_identifier (bench->kamailio));
  cb_test_wait_udp_port (port, &exited, 20000, "Kamailio to listen");
  bench->target = g_strdup_printf ("127.0.0.1:%u", port);
}

#define SERVER_ARGS "--sip-port", "0", "--keepalive", "600"

static gboolean
bench_start (Bench    *bench,
             PeerKind  kind)
{
  static const char * const default_args[] = { SERVER_ARGS, NULL };
  const char * const *args = bench->server_args != NULL ? bench->server_args : default_args;
  g_autofree char *caller_line = NULL;
  g_autofree char *caller_password = NULL;
  g_autofree char *callee_line = NULL;
  g_autofree char *callee_password = NULL;
  g_autoptr(GError) error = NULL;

  bench->kind = kind;
  bench->name = kind == PEER_CALLBOARDD ? "callboardd" : "kamailio";
  bench->dir = g_dir_make_tmp ("cb-bench-sip-XXXXXX", &error);
  if (bench->dir == NULL)
    g_error ("%s", error->message);

  if (kind == PEER_CALLBOARDD)
    {
      g_autofree char *directory = cb_bench_directory_json (MAX (bench->users, 2),
                                                            bench->level != NULL ? bench->level : "business");
      g_autofree char *callee_token = NULL;

      bench->server = cb_test_server_start (directory, args);
      bench->pid = atoi (g_subprocess_get_identifier (bench->server->process));
      caller_line = fetch_line (bench, "user0", &caller_password, &bench->caller_token);
      callee_line = fetch_line (bench, "user1", &callee_password, &callee_token);
    }
  else
    {
      if (!g_find_program_in_path (g_getenv ("KAMAILIO") != NULL ? g_getenv ("KAMAILIO") : "kamailio"))
        {
          cb_test_remove_dir (bench->dir);
          g_clear_pointer (&bench->dir, g_free);
          return FALSE;
        }
      start_kamailio (bench);
      caller_line = g_strdup ("user0");
      caller_password = g_strdup ("bench");
      callee_line = g_strdup ("user1");
      callee_password = g_strdup ("bench");
    }

  start_callee (bench, callee_line, callee_password);
  bench->caller_inf = write_injection (bench, "caller.csv", caller_line, caller_password, callee_line);
  /* Kamailio's workers answered the REGISTER: they are all forked. */
  find_processes (bench);
  return TRUE;
}

static void
bench_stop (Bench *bench)
{
  g_clear_pointer (&bench->uas, cb_test_sipp_free);
  if (bench->server != NULL)
    cb_test_server_stop (bench->server);
  if (bench->kamailio != NULL)
    {
      g_subprocess_send_signal (bench->kamailio, SIGTERM);
      g_subprocess_wait (bench->kamailio, NULL, NULL);
      g_clear_object (&bench->kamailio);
    }
  /* CB_BENCH_KEEP=1 keeps sipp's statistics and error logs. */
  if (g_getenv ("CB_BENCH_KEEP") != NULL)
    g_print ("%s: sipp's files are in %s\n", bench->name, bench->dir);
  else if (bench->dir != NULL)
    cb_test_remove_dir (bench->dir);
  g_clear_pointer (&bench->dir, g_free);
  g_clear_pointer (&bench->target, g_free);
  g_clear_pointer (&bench->caller_token, g_free);
  g_clear_pointer (&bench->caller_inf, g_free);
  g_clear_pointer (&bench->pids, g_array_unref);
}

void
cb_bench_sip_calls (guint max_cps,
                    guint concurrent)
{
  static const guint rates[] = { 10, 20, 50, 100, 200, 300, 400, 600, 800, 1000, 1500, 2000 };
  const char *binary = g_getenv ("CALLBOARDD");
  Bench bench = { 0 };
  Step hold = { 0 };

  if (!cb_test_sipp_installed ())
    {
      g_print ("sip-calls: skipped, sipp (package sip-tester) is not installed\n");
      return;
    }

  bench_start (&bench, PEER_CALLBOARDD);

  g_print ("sip-calls: %s, SIP at %s; sipp UAC -> B2BUA -> sipp UAS, digest auth on every INVITE\n",
           binary != NULL ? binary : BUILD_ROOT "/src/server/callboardd", bench.target);
  g_print ("sip-calls: rate steps of %u s of %u ms calls, until calls fail (max %u cps)\n",
           STEP_SECONDS, SHORT_CALL_MS, max_cps);
  print_header ();
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
          print_step (&bench, &step);
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
      g_print ("sip-calls: hold: setup p50 %.1f ms, p99 %.1f ms, server CPU %.0f%%, PSS %" G_GINT64_FORMAT
               " KiB\n", hold.setup_p50_ms, hold.setup_p99_ms, hold.server_cpu, hold.pss_kib);
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

  bench_stop (&bench);
}

/* ---- sip-rate: the knee and CPU per 1,000 calls, beside Kamailio ------- */

static const guint rate_steps[] = { 10, 20, 50, 100, 200, 300, 400, 600, 800, 1000, 1200, 1500, 2000 };

void
cb_bench_sip_rate (guint max_cps)
{
  Bench peers[2] = { { 0 } };
  guint n_peers = 0;
  guint knee[2] = { 0, 0 };
  guint clean[2] = { 0, 0 };
  double cpu_1k[2][G_N_ELEMENTS (rate_steps)] = { { 0 } };
  guint common = 0;

  if (!cb_test_sipp_installed ())
    {
      g_print ("sip-rate: skipped, sipp (package sip-tester) is not installed\n");
      return;
    }
  bench_start (&peers[n_peers++], PEER_CALLBOARDD);
  if (bench_start (&peers[n_peers], PEER_KAMAILIO))
    n_peers++;
  else
    g_print ("sip-rate: kamailio is not installed (build-aux/install-deps.sh): callboardd alone\n");

  g_print ("sip-rate: steps of %u s of %u ms calls with digest auth on every INVITE, peers in turn "
           "at each rate, until calls fail (max %u cps)\n", STEP_SECONDS, SHORT_CALL_MS, max_cps);
  print_header ();
  for (guint i = 0; i < G_N_ELEMENTS (rate_steps) && rate_steps[i] <= max_cps; i++)
    {
      gboolean any = FALSE;

      for (guint p = 0; p < n_peers; p++)
        {
          Step step = { 0 };

          if (knee[p] > 0)
            continue;
          any = TRUE;
          run_step (&peers[p], &step, rate_steps[i], MAX (rate_steps[i] * STEP_SECONDS, 50u),
                    SHORT_CALL_MS, FALSE);
          print_step (&peers[p], &step);
          cpu_1k[p][i] = cpu_per_thousand (&step);
          if (step.failed > 0 || step.successful < step.offered)
            knee[p] = rate_steps[i];
          else
            clean[p] = rate_steps[i];
        }
      if (!any)
        break;
      if (knee[0] == 0 && (n_peers < 2 || knee[1] == 0))
        common = i;
    }

  for (guint p = 0; p < n_peers; p++)
    {
      if (knee[p] > 0)
        g_print ("sip-rate: %s clean to %u cps, first failures at %u cps\n", peers[p].name, clean[p], knee[p]);
      else
        g_print ("sip-rate: %s clean to %u cps (the highest step offered)\n", peers[p].name, clean[p]);
    }
  /* CPU per call is compared where both were clean, at the highest such
   * rate, and at 200 cps where the fixed costs no longer dominate. */
  for (guint p = 0; p < n_peers; p++)
    g_print ("sip-rate: %s CPU per 1,000 calls: %.2f s at %u cps, %.2f s at 200 cps\n", peers[p].name,
             cpu_1k[p][common], rate_steps[common], cpu_1k[p][4]);

  for (guint p = 0; p < n_peers; p++)
    bench_stop (&peers[p]);
}

/* ---- sip-held: setup cost and memory with many calls up --------------- */

/* Holds n more calls up (until the peer stops); waits until sipp has
 * set them all up or seen them fail. *established: how many are up. */
static CbTestSipp *
hold_more (Bench *bench,
           guint  n,
           guint *established)
{
  g_autofree char *scenario = g_build_filename (SOURCE_ROOT, "tests", "bench", "sip-bench-uac.xml", NULL);
  g_autofree char *port = g_strdup_printf ("%u", cb_test_free_udp_port ());
  g_autofree char *rate_arg = g_strdup_printf ("%u", HELD_RATE);
  g_autofree char *calls_arg = g_strdup_printf ("%u", n);
  g_autofree char *length_arg = g_strdup_printf ("%u", HELD_CALL_MS);
  g_autofree char *name = g_strdup_printf ("held-%u", ++bench->runs);
  g_autofree char *stat_file = g_strdup_printf ("%s/%s.csv", bench->dir, name);
  const char *args[] = {
    bench->target, "-p", port,
    "-inf", bench->caller_inf, "-r", rate_arg, "-m", calls_arg, "-d", length_arg,
    "-l", calls_arg, "-recv_timeout", "10000", "-trace_stat", "-stf", stat_file, "-fd", "1",
    "-aa",  /* answers the server's dialog checks (OPTIONS), as a phone does */
    NULL,
  };
  CbTestSipp *uac = cb_test_sipp_spawn (bench->dir, name, scenario, CB_TEST_SIPP_OPEN_ENDED, args);
  gint64 deadline = g_get_monotonic_time () + ((gint64) n / HELD_RATE + 120) * G_USEC_PER_SEC;
  guint64 failed = 0;

  for (;;)
    {
      g_autoptr(GHashTable) stats = NULL;
      guint64 current;

      cb_test_run_for (1000);
      if (uac->exited)
        g_error ("The sipp holding calls at %s exited", bench->name);
      if (g_get_monotonic_time () > deadline)
        g_error ("%s did not take %u more calls in time", bench->name, n);
      stats = cb_bench_sipp_stats (stat_file);
      current = cb_bench_sipp_stat (stats, "CurrentCall");
      failed = cb_bench_sipp_stat (stats, "FailedCall(C)");
      /* All created, and each either up or failed (sipp writes its
       * statistics once a second, so this is read twice in a row). */
      if (cb_bench_sipp_stat (stats, "TotalCallCreated") == n && current + failed == n)
        {
          if (*established == current)
            break;
          *established = (guint) current;
        }
    }
  if (failed > 0)
    {
      g_print ("sip-held: %s: %" G_GUINT64_FORMAT " of %u calls to hold failed\n", bench->name, failed, n);
      print_first_errors (uac->errors);
    }
  return uac;
}

/* CB_BENCH_SETTLE_MS: memory is read that long after the calls were set
 * up (and the base after the first probe), so that the transactions of
 * setting them up (kept some 32 s, RFC 3261) and the allocator's free
 * memory (trimmed every 30 s) are not counted as memory per call held. */
static void
settle (guint ms)
{
  if (ms > 0)
    cb_test_run_for (ms);
}

static double
median3 (const double v[PROBE_ROUNDS])
{
  G_STATIC_ASSERT (PROBE_ROUNDS == 3);
  return MAX (MIN (v[0], v[1]), MIN (MAX (v[0], v[1]), v[2]));
}

/* What the peer spends holding calls (for callboardd the dialog checks:
 * an OPTIONS in each leg every 90 s), in ms of CPU per second, so that
 * the probe's CPU per call can be given without it too. */
static double
idle_cpu_ms_per_s (Bench *bench)
{
  double before = peer_cpu_seconds (bench);

  cb_test_run_for (IDLE_MS);
  return (peer_cpu_seconds (bench) - before) * 1000 / (IDLE_MS / 1000.0);
}

void
cb_bench_sip_held (guint levels[],
                   guint n_levels)
{
  guint settle_ms = (guint) g_ascii_strtoull (g_getenv ("CB_BENCH_SETTLE_MS") != NULL ?
                                               g_getenv ("CB_BENCH_SETTLE_MS") : "0", NULL, 10);

  if (!cb_test_sipp_installed ())
    {
      g_print ("sip-held: skipped, sipp (package sip-tester) is not installed\n");
      return;
    }

  g_print ("sip-held: calls held up (set up at %u cps), then %u calls at %u cps (%u ms each) to "
           "measure what one call costs; each peer alone (a peer holding calls must not load the "
           "other's figure)\n", HELD_RATE, PROBE_CALLS, PROBE_RATE, PROBE_CALL_MS);
  if (settle_ms > 0)
    g_print ("sip-held: memory read %u ms after the calls were set up (CB_BENCH_SETTLE_MS)\n", settle_ms);
  g_print ("sip-held: idle: the peer's CPU over %u s with the calls held and none made; net: the "
           "probe's CPU per call less that; median of %u probes, setup times of the last\n",
           IDLE_MS / 1000, PROBE_ROUNDS);
  g_print ("%-10s %6s %9s %8s %13s %10s %14s %10s %13s %6s\n", "peer", "held", "setup p50", "p99 (ms)",
           "CPU ms/call", "idle ms/s", "net ms/call", "PSS (KiB)", "PSS/held call", "failed");
  for (PeerKind kind = PEER_CALLBOARDD; kind <= PEER_KAMAILIO; kind++)
    {
      g_autoptr(GPtrArray) holds = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_test_sipp_free);
      Bench bench = { 0 };
      gint64 idle_pss = 0;
      guint held = 0;

      if (!bench_start (&bench, kind))
        {
          g_print ("sip-held: kamailio is not installed (build-aux/install-deps.sh)\n");
          continue;
        }
      for (guint l = 0; l <= n_levels; l++)
        {
          guint level = l == 0 ? 0 : levels[l - 1];
          Step probe = { 0 };
          char per_call[32] = "-";
          double idle, per_probe[PROBE_ROUNDS], net[PROBE_ROUNDS];
          guint64 failed = 0;
          gint64 pss;

          if (level > held)
            {
              guint more = G_MAXUINT;

              g_ptr_array_add (holds, hold_more (&bench, level - held, &more));
              held += more;
            }
          settle (settle_ms);
          pss = peer_pss_kib (&bench);
          if (held > 0)
            g_snprintf (per_call, sizeof per_call, "%.1f KiB", (pss - idle_pss) / (double) held);
          idle = idle_cpu_ms_per_s (&bench);
          /* Single probes of 250 calls vary by some 20 % on this machine. */
          for (guint r = 0; r < PROBE_ROUNDS; r++)
            {
              run_step (&bench, &probe, PROBE_RATE, PROBE_CALLS, PROBE_CALL_MS, FALSE);
              per_probe[r] = probe.successful > 0 ? probe.server_cpu_s * 1000 / probe.successful : 0.0;
              net[r] = probe.successful > 0 ?
                       (probe.server_cpu_s * 1000 - idle * probe.seconds) / probe.successful : 0.0;
              failed += probe.failed;
            }
          g_print ("%-10s %6u %9.1f %8.1f %13.3f %10.1f %14.3f %10" G_GINT64_FORMAT " %13s %6"
                   G_GUINT64_FORMAT "\n", bench.name, held, probe.setup_p50_ms, probe.setup_p99_ms,
                   median3 (per_probe), idle, median3 (net), pss, per_call, failed);
          /* The base: after calls have run once, not a cold start. */
          if (held == 0)
            {
              settle (settle_ms);
              idle_pss = peer_pss_kib (&bench);
            }
          if (kind == PEER_CALLBOARDD && held > 0)
            g_printerr ("  callboardd lists %u connected calls\n", connected_calls (&bench));
        }
      /* Held calls end with their peer: no BYE for each of thousands. */
      if (bench.server != NULL)
        cb_test_server_kill (bench.server, SIGKILL);
      g_ptr_array_set_size (holds, 0);
      bench_stop (&bench);
    }
}

/* ---- sip-overload: twice the knee against a limit ---------------------- */

#define OVERLOAD_SECONDS 10   /* the offered load lasts this long */
#define PROBE_EVERY_MS   50   /* a REST /health and a WebSocket event each time */
#define REGISTER_RATE    20   /* REGISTERs per second of a third line meanwhile */

/* REST and WebSocket latency, measured by the bench while sipp offers
 * the load: GET /health, and the time from a PUT /me/presence (a new
 * note) to its event on the user's own stream. The user is in none of
 * the calls (level none), yet the stream carries some five events per
 * call besides its own: a loaded stream, as a desk client's would be. */
typedef struct {
  CbTestServer *server;
  SoupSession  *session;
  char         *token;
  CbTestStream *stream;
  GArray       *rest_ms;
  GArray       *event_ms;
  GHashTable   *sent;       /* note → monotonic µs of its PUT */
  guint         seen;       /* stream events looked at */
  guint         notes;
  guint         in_flight;
  guint         lost;       /* requests that failed */
} Probes;

typedef struct {
  Probes   *probes;
  gint64    start;
  gboolean  rest;
} Request;

static void
probe_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Request *request = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  double ms = (g_get_monotonic_time () - request->start) / 1000.0;

  request->probes->in_flight--;
  if (body == NULL)
    request->probes->lost++;
  else if (request->rest)
    g_array_append_val (request->probes->rest_ms, ms);
  g_free (request);
}

static void
probe_send (Probes     *probes,
            const char *method,
            const char *path,
            const char *body,
            gboolean    rest)
{
  g_autofree char *url = g_strconcat (probes->server->url, path, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", probes->token);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  Request *request = g_new0 (Request, 1);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  request->probes = probes;
  request->start = g_get_monotonic_time ();
  request->rest = rest;
  probes->in_flight++;
  soup_session_send_and_read_async (probes->session, msg, G_PRIORITY_DEFAULT, NULL, probe_done, request);
}

static gboolean
probe_tick (gpointer data)
{
  Probes *probes = data;
  g_autofree char *note = NULL;
  g_autofree char *body = NULL;
  gint64 *sent;

  /* A server that stops answering is measured by what is in flight,
   * not by piling up more. */
  if (probes->in_flight > 8)
    return G_SOURCE_CONTINUE;
  probe_send (probes, "GET", "/api/v1/health", NULL, TRUE);
  note = g_strdup_printf ("probe %u", ++probes->notes);
  body = g_strdup_printf ("{\"availability\":\"available\",\"note\":\"%s\"}", note);
  sent = g_new (gint64, 1);
  *sent = g_get_monotonic_time ();
  g_hash_table_insert (probes->sent, g_strdup (note), sent);
  probe_send (probes, "PUT", "/api/v1/me/presence", body, FALSE);
  return G_SOURCE_CONTINUE;
}

/* The events that arrived since the last look: their latency. */
static void
probe_events (Probes *probes)
{
  for (; probes->seen < probes->stream->events->len; probes->seen++)
    {
      JsonObject *event = g_ptr_array_index (probes->stream->events, probes->seen);
      JsonObject *data = json_object_get_object_member (event, "data");
      const char *note;
      gint64 *sent;

      if (data == NULL || !json_object_has_member (data, "note") ||
          json_object_get_null_member (data, "note"))
        continue;
      note = json_object_get_string_member (data, "note");
      if (note != NULL && (sent = g_hash_table_lookup (probes->sent, note)) != NULL)
        {
          double ms = (g_get_monotonic_time () - *sent) / 1000.0;

          g_array_append_val (probes->event_ms, ms);
          g_hash_table_remove (probes->sent, note);
        }
    }
}

typedef struct {
  gboolean ran;
  guint    rate;
  guint    offered;
  guint64  created;
  guint64  successful;      /* sipp's: ends reached, a 503 included */
  guint64  failed;
  guint    refused;         /* answered 503 */
  double   setup_p50_ms;    /* of the calls taken */
  double   setup_p99_ms;
  double   server_cpu;      /* percent of one core */
  guint64  udp_drops;
  guint    registers;       /* REGISTERs offered meanwhile */
  guint64  registered;      /* of those, answered 200 */
  gboolean probed;          /* callboardd: REST and events measured */
  double   rest_p50_ms, rest_p99_ms;
  double   event_p50_ms, event_p99_ms;
  guint    rest_n, event_n;
  guint    lost;            /* REST requests without an answer */
  guint    missing;         /* presence changes whose event never came */
  guint    close_code;      /* the server closed the stream: why */
} OverloadRun;

static guint
count_lines (const char *path,
             const char *text)
{
  g_autofree char *contents = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  for (const char *p = contents; (p = strstr (p, text)) != NULL; p += strlen (text))
    n++;
  return n;
}

static void
probes_start (Probes *probes,
              Bench  *bench,
              char   *token)
{
  probes->server = bench->server;
  probes->session = soup_session_new ();
  probes->token = token;
  probes->stream = cb_test_stream_open (bench->server, probes->token, -1, TRUE);
  probes->rest_ms = g_array_new (FALSE, FALSE, sizeof (double));
  probes->event_ms = g_array_new (FALSE, FALSE, sizeof (double));
  probes->sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
probes_finish (Probes      *probes,
               OverloadRun *run)
{
  gint64 deadline;

  CB_TEST_WAIT_FOR (probes->in_flight == 0, 30000, "the probes in flight");
  /* An event may come after the answer to its PUT: a few seconds for
   * the last ones, then those still missing are counted. */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  for (probe_events (probes);
       g_hash_table_size (probes->sent) > 0 && g_get_monotonic_time () < deadline;
       probe_events (probes))
    cb_test_run_for (10);
  run->probed = TRUE;
  if (probes->rest_ms->len > 0)
    {
      run->rest_p50_ms = cb_bench_percentile (probes->rest_ms, 50);
      run->rest_p99_ms = cb_bench_percentile (probes->rest_ms, 99);
    }
  if (probes->event_ms->len > 0)
    {
      run->event_p50_ms = cb_bench_percentile (probes->event_ms, 50);
      run->event_p99_ms = cb_bench_percentile (probes->event_ms, 99);
    }
  run->rest_n = probes->rest_ms->len;
  run->event_n = probes->event_ms->len;
  run->lost = probes->lost;
  run->missing = g_hash_table_size (probes->sent);
  if (probes->stream->closed)
    run->close_code = probes->stream->close_code;

  cb_test_stream_close (probes->stream);
  g_clear_object (&probes->session);
  g_clear_pointer (&probes->token, g_free);
  g_clear_pointer (&probes->rest_ms, g_array_unref);
  g_clear_pointer (&probes->event_ms, g_array_unref);
  g_clear_pointer (&probes->sent, g_hash_table_unref);
}

/* rate cps of 1 s calls for OVERLOAD_SECONDS through the peer (callboardd
 * started with server_args), a third line REGISTERing meanwhile and, for
 * callboardd, the REST and WebSocket probes running. FALSE: the peer is
 * not installed. */
static gboolean
overload_run (PeerKind            kind,
              const char * const *server_args,
              guint               rate,
              OverloadRun        *run)
{
  g_autofree char *scenario = g_build_filename (SOURCE_ROOT, "tests", "bench", "sip-bench-uac-overload.xml", NULL);
  g_autofree char *register_xml = g_build_filename (SOURCE_ROOT, "tests", "server", "sip-register-line.xml", NULL);
  Bench bench = { .server_args = server_args, .users = 3, .level = "none" };
  Probes probes = { 0 };
  g_autofree char *port = g_strdup_printf ("%u", cb_test_free_udp_port ());
  g_autofree char *register_port = g_strdup_printf ("%u", cb_test_free_udp_port ());
  g_autofree char *rate_arg = g_strdup_printf ("%u", rate);
  g_autofree char *calls_arg = g_strdup_printf ("%u", rate * OVERLOAD_SECONDS);
  g_autofree char *length_arg = g_strdup_printf ("%u", SHORT_CALL_MS);
  g_autofree char *register_rate_arg = g_strdup_printf ("%u", REGISTER_RATE);
  g_autofree char *registers_arg = g_strdup_printf ("%u", REGISTER_RATE * OVERLOAD_SECONDS);
  g_autofree char *stat_file = NULL;
  g_autofree char *register_stat_file = NULL;
  g_autofree char *register_inf = NULL;
  g_autofree char *register_line = NULL;
  g_autofree char *register_password = NULL;
  g_autofree char *rtt_file = NULL;
  g_autoptr(CbTestSipp) uac = NULL;
  g_autoptr(CbTestSipp) registrar = NULL;
  g_autoptr(GHashTable) stats = NULL;
  g_autoptr(GHashTable) register_stats = NULL;
  double cpu_before;
  guint64 drops_before;
  gint64 start, deadline;
  guint ticker = 0;
  GPid uac_pid;

  if (!bench_start (&bench, kind))
    return FALSE;
  stat_file = g_strdup_printf ("%s/overload.csv", bench.dir);
  register_stat_file = g_strdup_printf ("%s/overload-register.csv", bench.dir);
  if (kind == PEER_CALLBOARDD)
    {
      char *token = NULL;

      register_line = fetch_line (&bench, "user2", &register_password, &token);
      probes_start (&probes, &bench, token);
    }
  else
    {
      register_line = g_strdup ("user2");
      register_password = g_strdup ("bench");
    }
  register_inf = write_injection (&bench, "register.csv", register_line, register_password, NULL);

  {
    const char *args[] = {
      bench.target, "-p", port,
      "-inf", bench.caller_inf, "-r", rate_arg, "-m", calls_arg, "-d", length_arg,
      "-l", calls_arg, "-timeout", "120s", "-recv_timeout", "10000", "-timer_resol", "1",
      "-trace_stat", "-stf", stat_file, "-fd", "1", "-trace_rtt", "-rtt_freq", "1", NULL,
    };
    const char *register_args[] = {
      bench.target, "-p", register_port,
      "-inf", register_inf, "-r", register_rate_arg, "-m", registers_arg, "-l", registers_arg,
      "-timeout", "120s", "-recv_timeout", "10000", "-trace_stat", "-stf", register_stat_file,
      "-fd", "1", NULL,
    };

    cpu_before = peer_cpu_seconds (&bench);
    drops_before = cb_bench_udp_receive_drops ();
    start = g_get_monotonic_time ();
    uac = cb_test_sipp_spawn (bench.dir, "overload", scenario, CB_TEST_SIPP_OPEN_ENDED, args);
    registrar = cb_test_sipp_spawn (bench.dir, "overload-register", register_xml,
                                    CB_TEST_SIPP_OPEN_ENDED, register_args);
  }
  uac_pid = atoi (g_subprocess_get_identifier (uac->process));
  if (kind == PEER_CALLBOARDD)
    ticker = g_timeout_add (PROBE_EVERY_MS, probe_tick, &probes);
  else
    ticker = g_timeout_add_seconds (1, tick, NULL);
  deadline = start + (OVERLOAD_SECONDS + 150) * G_USEC_PER_SEC;
  while (!uac->exited || !registrar->exited)
    {
      g_main_context_iteration (NULL, TRUE);
      if (kind == PEER_CALLBOARDD)
        probe_events (&probes);
      if (g_get_monotonic_time () > deadline)
        g_error ("sipp did not end its %u cps run at %s", rate, bench.name);
    }
  g_source_remove (ticker);
  run->server_cpu = (peer_cpu_seconds (&bench) - cpu_before) /
                    ((g_get_monotonic_time () - start) / 1e6) * 100;
  run->udp_drops = cb_bench_udp_receive_drops () - drops_before;
  if (kind == PEER_CALLBOARDD)
    probes_finish (&probes, run);

  {
    Step step = { 0 };

    rtt_file = g_strdup_printf ("%s/sip-bench-uac-overload_%d_rtt.csv", bench.dir, (int) uac_pid);
    read_setup_times (rtt_file, &step);
    run->setup_p50_ms = step.setup_p50_ms;
    run->setup_p99_ms = step.setup_p99_ms;
  }
  stats = cb_bench_sipp_stats (stat_file);
  register_stats = cb_bench_sipp_stats (register_stat_file);
  run->ran = TRUE;
  run->rate = rate;
  run->offered = rate * OVERLOAD_SECONDS;
  run->created = cb_bench_sipp_stat (stats, "TotalCallCreated");
  run->successful = cb_bench_sipp_stat (stats, "SuccessfulCall(C)");
  run->failed = cb_bench_sipp_stat (stats, "FailedCall(C)");
  run->refused = count_lines (uac->log, "refused");
  run->registers = REGISTER_RATE * OVERLOAD_SECONDS;
  run->registered = cb_bench_sipp_stat (register_stats, "SuccessfulCall(C)");
  if (run->failed > 0)
    print_first_errors (uac->errors);
  if (run->registered < run->registers)
    print_first_errors (registrar->errors);

  g_clear_pointer (&uac, cb_test_sipp_free);
  g_clear_pointer (&registrar, cb_test_sipp_free);
  bench_stop (&bench);
  return TRUE;
}

static void
overload_print (const char  *label,
                OverloadRun *run)
{
  guint64 taken = run->successful - MIN (run->successful, run->refused);
  g_autofree char *rest = NULL;

  if (run->probed)
    rest = g_strdup_printf ("%9.1f %8.1f %9.1f %8.1f", run->rest_p50_ms, run->rest_p99_ms,
                            run->event_p50_ms, run->event_p99_ms);
  else
    rest = g_strdup_printf ("%9s %8s %9s %8s", "-", "-", "-", "-");
  g_print ("%-20s %6u %8u %8" G_GUINT64_FORMAT " %6u %6" G_GUINT64_FORMAT " %7" G_GUINT64_FORMAT
           " %9.1f %8.1f %5" G_GUINT64_FORMAT "/%-5u %s %4.0f%% %9" G_GUINT64_FORMAT "\n",
           label, run->rate, run->offered, run->created, run->refused, taken, run->failed,
           run->setup_p50_ms, run->setup_p99_ms, run->registered, run->registers, rest,
           run->server_cpu, run->udp_drops);
  if (run->lost > 0 || run->missing > 0)
    g_print ("  %u REST requests without an answer, %u presence changes without their event%s\n",
             run->lost, run->missing, run->close_code == 4008 ? " (stream dropped as too slow, 4008)" :
             run->close_code > 0 ? " (stream closed by the server)" : "");
}

/* The stream acknowledges events with its pongs, one per ping: at the
 * 2,000-4,000 call events a second of the calls a limit lets through,
 * 600 s between pings (SERVER_ARGS), or even 2, would let the server drop
 * it as too slow (4008, 5,000 events unacknowledged) however fast it
 * reads. */
#define OVERLOAD_ARGS "--sip-port", "0", "--keepalive", "1"

void
cb_bench_sip_overload (guint knee,
                       guint limit)
{
  static const char * const unlimited[] = { OVERLOAD_ARGS, "--max-call-setups", "0", "--max-call-rate", "0", NULL };
  g_autofree char *limit_arg = NULL;
  g_autofree char *limit_label = NULL;
  OverloadRun free_run = { 0 };
  OverloadRun limited_run = { 0 };
  OverloadRun kamailio_run = { 0 };
  guint clean = 0;

  if (!cb_test_sipp_installed ())
    {
      g_print ("sip-overload: skipped, sipp (package sip-tester) is not installed\n");
      return;
    }

  /* The knee: the first rate step with failed calls, no limit set. */
  if (knee == 0)
    {
      Bench bench = { .server_args = unlimited };

      bench_start (&bench, PEER_CALLBOARDD);
      g_print ("sip-overload: finding callboardd's knee without a limit (steps of %u s of %u ms calls)\n",
               STEP_SECONDS, SHORT_CALL_MS);
      print_header ();
      for (guint i = 0; i < G_N_ELEMENTS (rate_steps) && knee == 0; i++)
        {
          Step step = { 0 };

          run_step (&bench, &step, rate_steps[i], MAX (rate_steps[i] * STEP_SECONDS, 50u),
                    SHORT_CALL_MS, FALSE);
          print_step (&bench, &step);
          if (step.failed > 0 || step.successful < step.offered)
            knee = rate_steps[i];
          else
            clean = rate_steps[i];
        }
      bench_stop (&bench);
      if (knee == 0)
        knee = clean;
    }
  /* A quarter: the limit must leave room for refusing the rest (some
   * 0.15 ms each); half the knee at twice the knee was more than a core. */
  if (limit == 0)
    limit = MAX (knee / 4, 1);
  limit_arg = g_strdup_printf ("%u", limit);

  g_print ("sip-overload: knee %u cps; %u s at %u cps (twice the knee) of %u ms calls, and %u REGISTER/s "
           "of a third line, to callboardd without a limit, with --max-call-rate %u, and to Kamailio; "
           "meanwhile (callboardd) GET /health and a presence change (its event on the user's "
           "WebSocket stream) every %u ms\n",
           knee, OVERLOAD_SECONDS, 2 * knee, SHORT_CALL_MS, REGISTER_RATE, limit, PROBE_EVERY_MS);
  {
    const char * const limited[] = { OVERLOAD_ARGS, "--max-call-setups", "0", "--max-call-rate", limit_arg, NULL };

    overload_run (PEER_CALLBOARDD, unlimited, 2 * knee, &free_run);
    overload_run (PEER_CALLBOARDD, limited, 2 * knee, &limited_run);
    if (!overload_run (PEER_KAMAILIO, NULL, 2 * knee, &kamailio_run))
      g_print ("sip-overload: kamailio is not installed (build-aux/install-deps.sh): callboardd alone\n");
  }
  g_print ("%-20s %6s %8s %8s %6s %6s %7s %9s %8s %11s %9s %8s %9s %8s %5s %9s\n", "peer", "cps", "offered",
           "created", "503", "taken", "failed", "setup p50", "p99 (ms)", "REGISTER ok", "REST p50",
           "p99 (ms)", "event p50", "p99 (ms)", "CPU", "UDP drops");
  limit_label = g_strdup_printf ("callboardd limit %u", limit);
  overload_print ("callboardd no limit", &free_run);
  overload_print (limit_label, &limited_run);
  if (kamailio_run.ran)
    overload_print ("kamailio", &kamailio_run);
  g_print ("sip-overload: %s: %u of %" G_GUINT64_FORMAT " INVITEs answered 503, REGISTER %" G_GUINT64_FORMAT
           "/%u ok, REST p99 %.1f ms, WebSocket event p99 %.1f ms while offered %u cps\n",
           limit_label, limited_run.refused, limited_run.created, limited_run.registered,
           limited_run.registers, limited_run.rest_p99_ms, limited_run.event_p99_ms, 2 * knee);
}
