/* cb-bench-events.h: the event delivery benchmark of cb-bench
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* p50/p99 delivery latency of `rounds` presence changes to n_clients
 * WebSocket clients; client is "lean" (raw sockets, the default) or
 * "soup" (libsoup + json-glib per client). */
void cb_bench_events (const char *client,
                      guint       n_clients,
                      guint       rounds);

G_END_DECLS
