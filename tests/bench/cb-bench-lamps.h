/* cb-bench-lamps.h: the desk phones' lamps benchmark of cb-bench
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `subscriptions` dialog subscriptions held by a sipp phone while calls
 * start and end at `cps` for `seconds`; prints the NOTIFY throughput and
 * the server's CPU. */
void cb_bench_sip_lamps (guint subscriptions,
                         guint cps,
                         guint seconds);

G_END_DECLS
