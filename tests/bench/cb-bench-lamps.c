/* cb-bench-lamps.c: NOTIFY throughput of desk phones' lamps while calls start and end (sipp)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * callboardd runs on loopback with 200 users who see each other at team
 * (the dialog-info documents carry the other party and the pickup
 * details). A sipp "phone" holds the subscriptions to the dialog
 * package (tests/bench/sip-bench-subscribe.xml), spread evenly over all
 * 200 extensions, and answers every NOTIFY. The lines user100..user199
 * are registered by sipp on one port, where a sipp UAS answers their
 * calls (sip-bench-uas.xml); a sipp UAC lets user0..user99 call them
 * (user i calls user 100 + i) at a fixed rate, each call up for a
 * second, so about rate calls are up at once and every call changes two
 * lamps. The table says how many NOTIFYs the subscribing phone got per
 * second (from its -trace_counts file) and the server's CPU meanwhile,
 * until the last NOTIFY ("lag": how long after the last call's end that
 * came); sipp runs on the same machine, its CPU share is in the table
 * too. A quiet phase first shows what the subscriptions cost alone.
 */

#define G_LOG_DOMAIN "cb-bench"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cb-bench-common.h"
#include "cb-bench-lamps.h"
#include "cb-test-sipp.h"

#define N_USERS     200
#define N_CALLERS   100
#define CALL_MS     1000
#define SUBSCRIBE_RATE 400   /* new subscriptions per second while they are set up */

typedef struct {
  CbTestServer *server;
  GPid          pid;
  char         *dir;
  char         *target;          /* callboardd's SIP address, host:port */
  char         *lines[N_USERS];  /* user i's line */
  char         *secrets[N_USERS];
  CbTestSipp   *subscriber;
  GPid          subscriber_pid;
  char         *counts;          /* the subscriber's -trace_counts file */
  CbTestSipp   *uas;
  GPid          uas_pid;
} Bench;

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* A column of a -trace_counts file whose name ends in suffix
 * ("_NOTIFY_Recv"), summed over the scenario's messages. */
static guint64
count_of (const char *path,
          const char *suffix)
{
  g_autoptr(GHashTable) stats = path != NULL ? cb_bench_sipp_stats (path)
                                             : g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  const char *name;
  const char *value;
  guint64 sum = 0;

  g_hash_table_iter_init (&iter, stats);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, (gpointer *) &value))
    if (g_str_has_suffix (name, suffix))
      sum += g_ascii_strtoull (value, NULL, 10);
  return sum;
}

static char *
write_rows (Bench      *bench,
            const char *name,
            GString    *rows)
{
  char *path = g_build_filename (bench->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_string_prepend (rows, "SEQUENTIAL\n");
  if (!g_file_set_contents (path, rows->str, -1, &error))
    g_error ("%s", error->message);
  return path;
}

static void
fetch_lines (Bench *bench)
{
  for (guint i = 0; i < N_USERS; i++)
    {
      g_autofree char *username = g_strdup_printf ("user%u", i);
      g_autofree char *token = cb_test_sign_in (bench->server, username, "bench", NULL);
      g_autoptr(JsonNode) answer = NULL;
      JsonObject *line;
      guint status = 0;

      answer = cb_test_request (bench->server, "GET", "/api/v1/me/line", token, NULL, &status);
      if (status != 200)
        g_error ("GET /me/line answered %u: is SIP running?", status);
      line = json_node_get_object (answer);
      bench->lines[i] = g_strdup (json_object_get_string_member (line, "username"));
      bench->secrets[i] = g_strdup (json_object_get_string_member (line, "password"));
      if (bench->target == NULL)
        bench->target = g_strdup (json_object_get_string_member (line, "registrar") + strlen ("sip:"));
    }
}

/* The called lines register from one port, where the UAS answers. */
static void
start_callees (Bench *bench)
{
  g_autoptr(GString) rows = g_string_new (NULL);
  g_autofree char *inf = NULL;
  g_autofree char *register_xml = g_build_filename (SOURCE_ROOT, "tests", "server", "sip-register-line.xml", NULL);
  g_autofree char *uas_xml = g_build_filename (SOURCE_ROOT, "tests", "bench", "sip-bench-uas.xml", NULL);
  guint port = cb_test_free_udp_port ();
  g_autofree char *port_arg = g_strdup_printf ("%u", port);
  g_autofree char *calls_arg = g_strdup_printf ("%u", N_USERS - N_CALLERS);
  g_autoptr(CbTestSipp) registration = NULL;

  for (guint i = N_CALLERS; i < N_USERS; i++)
    g_string_append_printf (rows, "%s;[authentication username=%s password=%s]\n",
                            bench->lines[i], bench->lines[i], bench->secrets[i]);
  inf = write_rows (bench, "callees.csv", rows);
  {
    const char *args[] = { bench->target, "-p", port_arg, "-inf", inf, "-m", calls_arg, "-r", "50",
                           "-timeout", "60s", NULL };

    registration = cb_test_sipp_spawn (bench->dir, "register", register_xml, CB_TEST_SIPP_OPEN_ENDED, args);
  }
  if (!cb_test_sipp_wait (registration, 90000))
    g_error ("sipp could not register the called lines");
  {
    const char *args[] = { "-p", port_arg, NULL };

    bench->uas = cb_test_sipp_spawn (bench->dir, "uas", uas_xml, CB_TEST_SIPP_OPEN_ENDED, args);
  }
  bench->uas_pid = atoi (g_subprocess_get_identifier (bench->uas->process));
  cb_test_sipp_wait_port (bench->uas, port, 10000);
}

/* n subscriptions, one after the other over the extensions, each by
 * the user before the one it watches; waits until all are granted. */
static void
start_subscriptions (Bench *bench,
                     guint  n)
{
  g_autoptr(GString) rows = g_string_new (NULL);
  g_autofree char *inf = NULL;
  g_autofree char *xml = g_build_filename (SOURCE_ROOT, "tests", "bench", "sip-bench-subscribe.xml", NULL);
  g_autofree char *port = g_strdup_printf ("%u", cb_test_free_udp_port ());
  g_autofree char *calls = g_strdup_printf ("%u", n);
  g_autofree char *rate = g_strdup_printf ("%u", SUBSCRIBE_RATE);
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + 120 * G_USEC_PER_SEC;
  guint ticker;

  if (n == 0)
    return;
  for (guint i = 0; i < N_USERS; i++)
    {
      guint who = (i + N_USERS - 1) % N_USERS;

      g_string_append_printf (rows, "%s;[authentication username=%s password=%s];%u\n",
                              bench->lines[who], bench->lines[who], bench->secrets[who], 10000 + i);
    }
  inf = write_rows (bench, "subscribers.csv", rows);
  {
    const char *args[] = { bench->target, "-p", port, "-inf", inf, "-m", calls, "-r", rate,
                           "-l", calls, "-trace_counts", "-fd", "1", NULL };

    bench->subscriber = cb_test_sipp_spawn (bench->dir, "subscriber", xml, CB_TEST_SIPP_OPEN_ENDED, args);
  }
  bench->subscriber_pid = atoi (g_subprocess_get_identifier (bench->subscriber->process));
  bench->counts = g_strdup_printf ("%s/sip-bench-subscribe_%d_counts.csv", bench->dir,
                                   (int) bench->subscriber_pid);

  ticker = g_timeout_add (100, tick, NULL);
  while (count_of (bench->counts, "_200_Recv") < n)
    {
      g_main_context_iteration (NULL, TRUE);
      if (bench->subscriber->exited)
        g_error ("The subscribing sipp exited");
      if (g_get_monotonic_time () > deadline)
        g_error ("Only %" G_GUINT64_FORMAT " of %u subscriptions in 120 s",
                 count_of (bench->counts, "_200_Recv"), n);
    }
  g_source_remove (ticker);
  g_print ("sip-lamps: %u subscriptions granted in %.1f s (%u per second offered)\n", n,
           (g_get_monotonic_time () - start) / 1e6, SUBSCRIBE_RATE);
}

typedef struct {
  double   seconds;
  double   lag;             /* s from the calls' end to the last NOTIFY */
  guint64  notifies;
  guint64  offered;
  guint64  successful;
  guint64  failed;
  double   server_cpu;
  double   sipp_cpu;
  gint64   rss_kib;
  guint64  udp_drops;       /* datagrams the kernel dropped, whole machine */
} Phase;

/* Calls at `rate` cps for `seconds` (0: no calls, `seconds` of quiet). */
static void
run_phase (Bench  *bench,
           Phase  *phase,
           guint   rate,
           guint   seconds)
{
  g_autoptr(GString) rows = g_string_new (NULL);
  g_autofree char *inf = NULL;
  g_autofree char *xml = g_build_filename (SOURCE_ROOT, "tests", "bench", "sip-bench-uac.xml", NULL);
  g_autofree char *port = g_strdup_printf ("%u", cb_test_free_udp_port ());
  g_autofree char *rate_arg = g_strdup_printf ("%u", MAX (rate, 1u));
  g_autofree char *calls_arg = g_strdup_printf ("%u", rate * seconds);
  g_autofree char *length = g_strdup_printf ("%u", CALL_MS);
  g_autofree char *stat_file = g_strdup_printf ("%s/uac-%u.csv", bench->dir, rate);
  g_autoptr(CbTestSipp) uac = NULL;
  g_autoptr(GHashTable) stats = NULL;
  guint64 notifies_before = count_of (bench->counts, "_NOTIFY_Recv");
  double server_before = cb_bench_cpu_seconds (bench->pid);
  double sipp_before = cb_bench_cpu_seconds (bench->subscriber_pid) + cb_bench_cpu_seconds (bench->uas_pid);
  double uac_cpu = 0;
  guint64 drops_before = cb_bench_udp_receive_drops ();
  gint64 start = g_get_monotonic_time ();
  gint64 end = start + (gint64) seconds * G_USEC_PER_SEC;
  guint ticker = g_timeout_add (100, tick, NULL);
  GPid uac_pid = 0;

  phase->offered = (guint64) rate * seconds;
  if (rate > 0)
    {
      for (guint i = 0; i < N_CALLERS; i++)
        g_string_append_printf (rows, "%s;[authentication username=%s password=%s];%s\n",
                                bench->lines[i], bench->lines[i], bench->secrets[i],
                                bench->lines[N_CALLERS + i]);
      inf = write_rows (bench, "callers.csv", rows);
      {
        const char *args[] = {
          bench->target, "-p", port, "-inf", inf, "-r", rate_arg, "-m", calls_arg, "-d", length,
          "-l", calls_arg, "-recv_timeout", "10000", "-timeout", "300s",
          "-trace_stat", "-stf", stat_file, "-fd", "1", NULL,
        };

        uac = cb_test_sipp_spawn (bench->dir, "uac", xml, CB_TEST_SIPP_OPEN_ENDED, args);
      }
      uac_pid = atoi (g_subprocess_get_identifier (uac->process));
      while (!uac->exited)
        {
          g_main_context_iteration (NULL, TRUE);
          if (!uac->exited)
            uac_cpu = cb_bench_cpu_seconds (uac_pid);
          if (g_get_monotonic_time () > end + 120 * G_USEC_PER_SEC)
            g_error ("sipp did not end its calls");
        }
    }
  else
    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);

  /* NOTIFYs still come after the last call's end while the phone works
   * through them (the server has one in flight per subscription): until
   * the count (sipp writes it every second) stays put for 3 s. The phase
   * ends with the last change seen. */
  {
    guint64 last = count_of (bench->counts, "_NOTIFY_Recv");
    gint64 calls_over = g_get_monotonic_time ();
    gint64 changed = calls_over;

    while (g_get_monotonic_time () < changed + 3 * G_USEC_PER_SEC)
      {
        guint64 now;

        g_main_context_iteration (NULL, TRUE);
        now = count_of (bench->counts, "_NOTIFY_Recv");
        if (now != last)
          changed = g_get_monotonic_time ();
        last = now;
      }
    phase->lag = (changed - calls_over) / 1e6;
    phase->seconds = (changed - start) / 1e6;
  }
  g_source_remove (ticker);

  phase->notifies = count_of (bench->counts, "_NOTIFY_Recv") - notifies_before;
  phase->server_cpu = (cb_bench_cpu_seconds (bench->pid) - server_before) / phase->seconds * 100;
  phase->sipp_cpu = (cb_bench_cpu_seconds (bench->subscriber_pid) + cb_bench_cpu_seconds (bench->uas_pid) -
                     sipp_before + uac_cpu) / phase->seconds * 100;
  phase->rss_kib = cb_bench_rss_kib (bench->pid);
  phase->udp_drops = cb_bench_udp_receive_drops () - drops_before;
  if (rate > 0)
    {
      stats = cb_bench_sipp_stats (stat_file);
      phase->successful = cb_bench_sipp_stat (stats, "SuccessfulCall(C)");
      phase->failed = cb_bench_sipp_stat (stats, "FailedCall(C)");
    }
}

static void
print_phase (const char *what,
             guint       rate,
             Phase      *phase)
{
  g_print ("%-8s %5u %8" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT " %7" G_GUINT64_FORMAT
           " %8.1f %6.1f %10" G_GUINT64_FORMAT " %9.0f %9.0f%% %7.0f%% %9" G_GINT64_FORMAT
           " %9" G_GUINT64_FORMAT "\n",
           what, rate, phase->offered, phase->successful, phase->failed, phase->seconds, phase->lag,
           phase->notifies, phase->notifies / MAX (phase->seconds, 0.001), phase->server_cpu,
           phase->sipp_cpu, phase->rss_kib, phase->udp_drops);
}

void
cb_bench_sip_lamps (guint subscriptions,
                    guint cps,
                    guint seconds)
{
  g_autofree char *directory = cb_bench_directory_json (N_USERS, "team");
  g_autofree char *per_device = g_strdup_printf ("%u", MAX (subscriptions, 1u));
  g_autoptr(GError) error = NULL;
  const char *args[] = {
    "--sip-port", "0", "--keepalive", "600", "--max-backlog", "1000000",
    /* All the lamps are one sipp's, from one port. */
    "--max-subscriptions-per-device", per_device, "--max-subscriptions", per_device, NULL,
  };
  Bench bench = { 0 };
  Phase quiet = { 0 };
  Phase load = { 0 };

  if (!cb_test_sipp_installed ())
    {
      g_print ("sip-lamps: skipped, sipp (package sip-tester) is not installed\n");
      return;
    }

  bench.dir = g_dir_make_tmp ("cb-bench-lamps-XXXXXX", &error);
  if (bench.dir == NULL)
    g_error ("%s", error->message);
  bench.server = cb_test_server_start (directory, args);
  bench.pid = atoi (g_subprocess_get_identifier (bench.server->process));
  fetch_lines (&bench);
  g_print ("sip-lamps: %u users at team, SIP at %s; %u dialog subscriptions (%u per extension), "
           "calls of %u ms between %u pairs\n", N_USERS, bench.target, subscriptions,
           subscriptions / N_USERS, CALL_MS, N_CALLERS);
  start_callees (&bench);
  start_subscriptions (&bench, subscriptions);

  g_print ("%-8s %5s %8s %10s %7s %8s %6s %10s %9s %10s %8s %9s %9s\n", "phase", "cps", "offered",
           "successful", "failed", "seconds", "lag", "NOTIFYs", "NOTIFY/s", "server CPU", "sipp CPU",
           "RSS (KiB)", "UDP drops");
  run_phase (&bench, &quiet, 0, 2);
  print_phase ("quiet", 0, &quiet);
  run_phase (&bench, &load, cps, seconds);
  print_phase ("calls", cps, &load);
  if (load.successful > 0 && load.notifies > 0)
    g_print ("sip-lamps: %.1f NOTIFYs per call, %.0f us of server CPU per NOTIFY (calls included)\n",
             (double) load.notifies / load.successful,
             load.server_cpu / 100 * load.seconds * 1e6 / MAX (load.notifies, (guint64) 1));

  g_clear_pointer (&bench.subscriber, cb_test_sipp_free);
  g_clear_pointer (&bench.uas, cb_test_sipp_free);
  cb_test_server_stop (bench.server);
  /* CB_BENCH_KEEP=1 keeps sipp's files. */
  if (g_getenv ("CB_BENCH_KEEP") != NULL)
    g_print ("sip-lamps: sipp's files are in %s\n", bench.dir);
  else
    cb_test_remove_dir (bench.dir);
  for (guint i = 0; i < N_USERS; i++)
    {
      g_free (bench.lines[i]);
      g_free (bench.secrets[i]);
    }
  g_free (bench.counts);
  g_free (bench.dir);
  g_free (bench.target);
}
