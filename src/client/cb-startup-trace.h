/* cb-startup-trace.h: where a cold start spends its time, on standard output for benchmarks
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* With CALLBOARD_REPORT_FIRST_FRAME set (tests/bench: cb-bench
 * client-start), each call prints "STARTUP <phase> <us> <rss-kib>": the
 * monotonic clock (the same clock in every process, so the benchmark can
 * subtract its spawn time) and the resident memory at that point. Without
 * it, nothing happens. Any thread. */
void     cb_startup_trace_mark    (const char *phase);
gboolean cb_startup_trace_enabled (void);

G_END_DECLS
