/* cb-bench-soak.h: the soak benchmark of cb-bench
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* callboardd --demo for `minutes` with n_clients event streams that keep
 * closing and resuming; prints the server's memory, descriptors and
 * /health latency every 30 s, and the memory growth per hour. */
void cb_bench_soak (guint minutes,
                    guint n_clients);

G_END_DECLS
