/* cb-clock.h: the time as the server's logic sees it, replaceable in tests
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Logic whose outcome depends on the time (the queue's longest-idle
 * order, token expiry, nonce age) asks a CbClock instead of GLib. The
 * server uses the system clock; a test makes a manual clock and moves it
 * by hand, so it checks orderings and expiries without waiting for real
 * time. Timers (GLib timeouts) are not the clock's business.
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CB_TYPE_CLOCK (cb_clock_get_type ())
G_DECLARE_FINAL_TYPE (CbClock, cb_clock, CB, CLOCK, GObject)

/* The system clock: g_get_monotonic_time() and g_get_real_time(). One
 * shared instance (transfer none). */
CbClock *cb_clock_get_system         (void);
/* A clock that stands still until cb_clock_advance(); it starts at the
 * given readings (monotonic µs, real µs since the epoch). */
CbClock *cb_clock_new_manual         (gint64   monotonic_us,
                                      gint64   real_us);

/* Monotonic time in µs, as g_get_monotonic_time(). */
gint64   cb_clock_get_monotonic      (CbClock *self);
/* Wall-clock time in whole seconds since the epoch. */
gint64   cb_clock_get_real_seconds   (CbClock *self);
/* Moves a manual clock (both readings) forward by us µs. */
void     cb_clock_advance            (CbClock *self,
                                      gint64   us);

G_END_DECLS
