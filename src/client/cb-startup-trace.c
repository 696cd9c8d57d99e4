/* cb-startup-trace.c: where a cold start spends its time, on standard output for benchmarks
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read by tests/bench (cb-bench client-start), which prints the phases as
 * a split of the time to the first signed-in frame. A mark costs a read
 * of /proc/self/statm and one write.
 */

#define G_LOG_DOMAIN "cb-startup-trace"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "cb-startup-trace.h"

gboolean
cb_startup_trace_enabled (void)
{
  static gsize enabled = 0;

  if (g_once_init_enter (&enabled))
    g_once_init_leave (&enabled, g_getenv ("CALLBOARD_REPORT_FIRST_FRAME") != NULL ? 2 : 1);
  return enabled == 2;
}

static long
resident_kib (void)
{
  long pages = 0;
  long resident = 0;
  FILE *statm = fopen ("/proc/self/statm", "r");

  if (statm == NULL)
    return -1;
  if (fscanf (statm, "%ld %ld", &pages, &resident) != 2)
    resident = -1;
  fclose (statm);
  return resident < 0 ? -1 : resident * (sysconf (_SC_PAGESIZE) / 1024);
}

void
cb_startup_trace_mark (const char *phase)
{
  if (!cb_startup_trace_enabled ())
    return;
  printf ("STARTUP %s %" G_GINT64_FORMAT " %ld\n", phase, g_get_monotonic_time (), resident_kib ());
  fflush (stdout);
}
