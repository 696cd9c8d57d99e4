/* cb-bench-sip.h: the SIP call benchmark of cb-bench
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* sipp calls through callboardd's B2BUA at rising rates up to max_cps
 * (until calls fail), then holds `concurrent` calls at once; prints a
 * table. */
void cb_bench_sip_calls (guint max_cps,
                         guint concurrent);

/* The same rate steps for callboardd and Kamailio in turn, each until
 * its calls fail; prints the knee and CPU per 1,000 calls of each. */
void cb_bench_sip_rate  (guint max_cps);

/* With 0 and then each of levels[] calls held up, the setup time and CPU
 * of a batch of short calls, and memory per held call (PSS); callboardd,
 * then Kamailio. */
void cb_bench_sip_held  (guint levels[],
                         guint n_levels);

/* callboardd's knee (the first rate step with failures, no limit; 0:
 * found first), then twice the knee offered for 10 s, while a third line
 * REGISTERs 20 times a second: to callboardd without a limit, with [sip]
 * max-call-rate `limit` (0: half the knee), and to Kamailio. Prints the
 * INVITEs answered 503, setup time of the calls taken, the REGISTERs
 * answered 200 and, for callboardd, REST /health and WebSocket event
 * latency measured meanwhile. */
void cb_bench_sip_overload (guint knee,
                            guint limit);

G_END_DECLS
