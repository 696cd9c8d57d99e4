/* cb-test-pulse.c: a private PulseAudio for tests that need a live sound server
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-test-pulse"

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>

#include "cb-test-pulse.h"


/* A failed test aborts: the sound server must not outlive it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

GSubprocess *
cb_test_pulse_start (const char *sink_name)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_find_program_in_path ("pulseaudio");
  g_autofree char *dir = NULL;
  g_autofree char *socket = NULL;
  g_autofree char *sink = NULL;
  GSubprocess *pulse;

  if (program == NULL)
    return NULL;
  dir = g_dir_make_tmp ("cb-pulse-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_RUNTIME_DIR", dir, TRUE);
  /* Its cookie and state go here too, not into the real home. */
  g_setenv ("HOME", dir, TRUE);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  sink = g_strdup_printf ("module-null-sink sink_name=%s", sink_name);
  pulse = g_subprocess_launcher_spawn (launcher, &error, "pulseaudio", "-n", "--daemonize=no",
                                       "--exit-idle-time=-1", "-L", "module-native-protocol-unix",
                                       "-L", sink, NULL);
  g_assert_no_error (error);

  socket = g_build_filename (dir, "pulse", "native", NULL);
  CB_TEST_POLL_FOR (g_file_test (socket, G_FILE_TEST_EXISTS), 15000, "the PulseAudio socket");
  return pulse;
}

void
cb_test_pulse_stop (GSubprocess *pulse)
{
  g_autoptr(GError) error = NULL;

  if (pulse == NULL)
    return;
  g_subprocess_send_signal (pulse, SIGTERM);
  g_subprocess_wait (pulse, NULL, &error);
  g_object_unref (pulse);
}

char *
cb_test_pactl (const char *arg1,
               const char *arg2,
               const char *arg3)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;
  const char *argv[] = { "pactl", arg1, arg2, arg3, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_strstrip (g_steal_pointer (&out));
}
