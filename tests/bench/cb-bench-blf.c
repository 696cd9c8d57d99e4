/* cb-bench-blf.c: the busy lamp field window under a storm of lamp changes
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real client (src/app/callboard) signs in to a real callboardd
 * whose demo simulator changes colleagues at a set rate, half of the
 * changes being line states, the lamps. The user's BLF holds `keys`
 * colleagues and its window opens at sign-in (blf-window-open in a
 * keyfile settings backend); with CALLBOARD_REPORT_FRAMES the window
 * prints each frame's layout-and-paint time and the lamp changes it
 * showed (src/app/cb-frame-report.c). The first seconds after the window
 * appears are left out: they measure start-up, not updates.
 */

#define G_LOG_DOMAIN "cb-bench"

#include "config.h"

#include <stdlib.h>

#include <glib/gstdio.h>

#include "cb-bench-blf.h"
#include "cb-bench-common.h"

#define WARM_UP_S 3

typedef struct {
  GDataInputStream *out;
  GArray  *frame_us;      /* doubles, frames after the warm-up */
  guint64  lamps;         /* lamp changes shown in them */
  gint64   first_frame;   /* monotonic us of the window's first frame */
  gint64   measure_from;
  gint64   measure_to;
  gboolean done;
} BlfRun;

static void on_line (GObject *source, GAsyncResult *result, gpointer user_data);

static void
read_next (BlfRun *run)
{
  g_data_input_stream_read_line_async (run->out, G_PRIORITY_DEFAULT, NULL, on_line, run);
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  BlfRun *run = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (run->out, result, NULL, NULL);
  gint64 now = g_get_monotonic_time ();
  g_auto(GStrv) words = NULL;

  if (line == NULL)
    {
      run->done = TRUE;
      return;
    }
  words = g_strsplit (line, " ", 0);
  if (g_strv_length (words) == 4 && g_str_equal (words[0], "FRAME") && g_str_equal (words[1], "blf"))
    {
      if (run->first_frame == 0)
        {
          run->first_frame = now;
          run->measure_from = now + WARM_UP_S * G_USEC_PER_SEC;
        }
      else if (now >= run->measure_from && now < run->measure_to)
        {
          double us = g_ascii_strtod (words[2], NULL);

          g_array_append_val (run->frame_us, us);
          run->lamps += g_ascii_strtoull (words[3], NULL, 10);
        }
    }
  read_next (run);
}

static gboolean
reached (gpointer data)
{
  BlfRun *run = data;

  return run->done || (run->first_frame != 0 && g_get_monotonic_time () >= run->measure_from);
}

static gboolean
measured (gpointer data)
{
  BlfRun *run = data;

  return run->done || g_get_monotonic_time () >= run->measure_to;
}

/* The user's BLF: `keys` colleagues, in directory order. */
static void
set_keys (CbTestServer *server,
          const char   *token,
          guint         keys)
{
  g_autofree char *snapshot_url = g_strdup_printf ("%s/api/v1/snapshot", server->url);
  g_autofree char *blf_url = g_strdup_printf ("%s/api/v1/me/blf", server->url);
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *text = NULL;
  JsonObject *root;
  JsonArray *users;
  gint64 me;
  guint status = 0, n = 0;

  snapshot = cb_bench_request (server->session, "GET", snapshot_url, token, NULL, &status);
  if (status != 200 || snapshot == NULL)
    g_error ("GET /snapshot answered %u", status);
  root = json_node_get_object (snapshot);
  me = json_object_get_int_member (json_object_get_object_member (root, "me"), "id");
  users = json_object_get_array_member (root, "users");

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "keys");
  json_builder_begin_array (b);
  for (guint i = 0; i < json_array_get_length (users) && n < keys; i++)
    {
      gint64 id = json_object_get_int_member (json_array_get_object_element (users, i), "id");

      if (id == me)
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, "user");
      json_builder_set_member_name (b, "user_id");
      json_builder_add_int_value (b, id);
      json_builder_end_object (b);
      n++;
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  text = json_to_string (body, FALSE);
  answer = cb_bench_request (server->session, "PUT", blf_url, token, text, &status);
  if (status != 200)
    g_error ("PUT /me/blf answered %u", status);
  if (n < keys)
    g_error ("Only %u colleagues for %u keys", n, keys);
}

/* A settings keyfile that opens the BLF window at sign-in. */
static char *
settings_home (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *home = g_dir_make_tmp ("cb-bench-blf-XXXXXX", &error);
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;

  if (home == NULL)
    g_error ("%s", error->message);
  dir = g_build_filename (home, "glib-2.0", "settings", NULL);
  file = g_build_filename (dir, "keyfile", NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents (file, "[org/callboard/Callboard]\nblf-window-open=true\n", -1, &error))
    g_error ("Cannot write %s", file);
  return g_steal_pointer (&home);
}

static void
remove_settings_home (const char *home)
{
  g_autofree char *settings = g_build_filename (home, "glib-2.0", "settings", NULL);
  g_autofree char *glib = g_build_filename (home, "glib-2.0", NULL);

  cb_test_remove_dir (settings);
  g_rmdir (glib);
  g_rmdir (home);
}

void
cb_bench_blf_frames (guint keys,
                     guint lamp_events,
                     guint seconds)
{
  /* Half of the simulator's changes are line states (the others presence
   * and agent status, which a lamp does not show). */
  g_autofree char *rate = g_strdup_printf ("%u", lamp_events * 2);
  const char *args[] = { "--demo", "--call-interval", "0", "--simulation-rate", rate, NULL };
  g_autofree char *directory = NULL;
  g_autofree char *home = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("CALLBOARD_APP");
  CbTestServer *server;
  BlfRun run = { 0 };
  GPid app_pid, server_pid;
  double app_cpu, server_cpu, elapsed;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("blf-frames: SKIP: no display (run it under xvfb-run)\n");
      return;
    }
  if (binary == NULL)
    binary = BUILD_ROOT "/src/app/callboard";

  directory = cb_bench_directory_json (keys + 2, "team");
  server = cb_test_server_start (directory, args);
  server_pid = atoi (g_subprocess_get_identifier (server->process));
  token = cb_bench_sign_in (server->session, server->url, "user1");
  set_keys (server, token, keys);

  home = settings_home ();
  g_subprocess_launcher_setenv (launcher, "CALLBOARD_PASSWORD", "bench", TRUE);
  g_subprocess_launcher_setenv (launcher, "CALLBOARD_REPORT_FRAMES", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", BUILD_ROOT "/data", TRUE);
  app = g_subprocess_launcher_spawn (launcher, &error, binary, "--server", server->url,
                                     "--user", "user1", NULL);
  if (app == NULL)
    g_error ("Cannot start %s: %s", binary, error->message);
  app_pid = atoi (g_subprocess_get_identifier (app));

  run.frame_us = g_array_new (FALSE, FALSE, sizeof (double));
  run.out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (app));
  run.measure_to = G_MAXINT64;
  read_next (&run);
  cb_test_wait_until (reached, &run, 120000, "the BLF window to draw");
  if (run.done)
    g_error ("The client exited before its BLF window drew");

  run.measure_to = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  app_cpu = cb_bench_cpu_seconds (app_pid);
  server_cpu = cb_bench_cpu_seconds (server_pid);
  cb_test_wait_until (measured, &run, (seconds + 60) * 1000, "the measurement");
  elapsed = seconds;
  app_cpu = (cb_bench_cpu_seconds (app_pid) - app_cpu) / elapsed * 100;
  server_cpu = (cb_bench_cpu_seconds (server_pid) - server_cpu) / elapsed * 100;

  g_print ("blf-frames: %u keys, server asked for %u lamp events/s (%s changes/s in all), %u s: "
           "%u frames (%.1f/s) showing %.0f lamp changes/s; frame time (layout + paint) "
           "p50 %.2f ms, p99 %.2f ms, max %.2f ms; client CPU %.0f%% of a core, server %.0f%%, "
           "client RSS %" G_GINT64_FORMAT " KiB\n",
           keys, lamp_events, rate, seconds, run.frame_us->len, run.frame_us->len / elapsed,
           run.lamps / elapsed, cb_bench_percentile (run.frame_us, 50) / 1000,
           cb_bench_percentile (run.frame_us, 99) / 1000, cb_bench_percentile (run.frame_us, 100) / 1000,
           app_cpu, server_cpu, cb_bench_rss_kib (app_pid));

  g_subprocess_force_exit (app);
  g_subprocess_wait (app, NULL, NULL);
  g_object_unref (run.out);
  g_array_unref (run.frame_us);
  cb_test_server_stop (server);
  remove_settings_home (home);
}
