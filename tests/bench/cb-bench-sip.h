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

G_END_DECLS
