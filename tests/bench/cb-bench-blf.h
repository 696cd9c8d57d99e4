/* cb-bench-blf.h: the busy lamp field window benchmark of cb-bench
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The client's BLF window with `keys` keys while the server sends about
 * `lamp_events` lamp (line state) events per second, for `seconds`;
 * prints the window's frame time p50/p99 and the client's and server's
 * CPU. Needs a display (xvfb-run). */
void cb_bench_blf_frames (guint keys,
                          guint lamp_events,
                          guint seconds);

G_END_DECLS
