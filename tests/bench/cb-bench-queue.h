/* cb-bench-queue.h: the queue benchmark of cb-bench
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `callers` wait in one queue (hold music to each) while `agents` are
 * not available, then the agents take them: prints the server's CPU
 * while they wait and the distribution latency (caller in the queue and
 * agent free → the agent's phone rings). */
void cb_bench_queue (guint callers,
                     guint agents);

G_END_DECLS
