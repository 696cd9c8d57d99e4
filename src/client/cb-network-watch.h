/* cb-network-watch.h: tells when the network changed or the computer woke up
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * After either, a SIP registration may point at an address that is gone
 * or a NAT binding that expired, and a WebSocket may be dead without
 * knowing it: whoever owns the softphone and the session re-registers
 * and reconnects at once instead of waiting for the next refresh.
 *
 * Sources: a GNetworkMonitor's "network-changed" (while the network is
 * available), and logind's PrepareForSleep(false) on the system bus
 * (org.freedesktop.login1.Manager). Bursts (a monitor reports every
 * route) are coalesced into one "changed" after settle-ms.
 *
 * Properties: settle-ms (uint, default 500).
 * Signals: "changed" (const char *reason: "network" or "resume").
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CB_TYPE_NETWORK_WATCH (cb_network_watch_get_type ())
G_DECLARE_FINAL_TYPE (CbNetworkWatch, cb_network_watch, CB, NETWORK_WATCH, GObject)

/* @monitor: NULL for the default one. @system_bus: where logind is; NULL:
 * the system bus is looked for in the background, and its absence (a
 * container, a test) only means no resume signal. */
CbNetworkWatch *cb_network_watch_new          (GNetworkMonitor *monitor,
                                               GDBusConnection *system_bus);

G_END_DECLS
