/* cb-test-pulse.h: a private PulseAudio for tests that need a live sound server
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The daemon runs with its own XDG_RUNTIME_DIR (and HOME, for its cookie
 * and state) and null sinks only, so the desktop's sound server and the
 * real home stay untouched; it dies with the test process.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Iterates the default main context until `cond` holds, failing the test
 * with `what` after timeout_ms. The sound server is another process that
 * wakes nothing here: poll, without blocking. */
#define CB_TEST_POLL_FOR(cond, timeout_ms, what)                              \
  G_STMT_START {                                                              \
    gint64 cb_test_deadline_ = g_get_monotonic_time () +                      \
                               (gint64) (timeout_ms) * 1000;                  \
    while (!(cond))                                                           \
      {                                                                       \
        if (g_get_monotonic_time () > cb_test_deadline_)                      \
          g_error ("Timed out waiting for %s", (what));                       \
        if (!g_main_context_iteration (NULL, FALSE))                          \
          g_usleep (10000);                                                   \
      }                                                                       \
  } G_STMT_END

/* Starts pulseaudio with one null sink named sink_name and waits for its
 * socket; NULL when pulseaudio is not installed. Points this process's
 * XDG_RUNTIME_DIR and HOME at a new temporary directory, so call it
 * before anything connects to a sound server. */
GSubprocess *cb_test_pulse_start (const char  *sink_name);
/* Terminates the daemon and waits for it; NULL is fine. */
void         cb_test_pulse_stop  (GSubprocess *pulse);
/* Runs `pactl arg1 arg2 arg3` (trailing NULLs end the list) and returns
 * its output, stripped; a failure fails the test. */
char        *cb_test_pactl       (const char  *arg1,
                                  const char  *arg2,
                                  const char  *arg3);

G_END_DECLS
