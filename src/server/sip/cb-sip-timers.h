/* cb-sip-timers.h: the SIP side's timeouts on one GLib source, a deadline heap
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib looks at every source attached to the main context on each pass
 * of the loop. With a timeout per call (the dialog check of every
 * answered call, ring limits, hunt and diversion timers, a queue's
 * offers) that walk grew with the calls up: g_source_ref() was 15 % of
 * the server's time with 1,000 calls held. Here every timeout is an entry
 * of one binary heap ordered by deadline, and one source, ready at the
 * earliest deadline, runs what is due: a pass of the loop costs the same
 * with any number of timeouts, adding and removing one O(log n).
 *
 * The contract is g_timeout_add()'s: func runs on the default main
 * context after at least interval_ms, and again every interval_ms (from
 * when it ran) while it returns G_SOURCE_CONTINUE. Timeouts due at the
 * same time run in the order they were added; one added while others
 * run waits for the next pass of the loop, as a new GLib source does.
 * The ids are never 0 and are not GLib source ids: remove them with
 * cb_sip_timeout_remove() (g_clear_handle_id() takes it), never with
 * g_source_remove(). The main thread only, like the rest of the SIP side.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint cb_sip_timeout_add         (guint       interval_ms,
                                  GSourceFunc func,
                                  gpointer    data);
guint cb_sip_timeout_add_seconds (guint       interval_s,
                                  GSourceFunc func,
                                  gpointer    data);
/* Removes a timeout that has not ended yet (a warning otherwise, as
 * g_source_remove() gives); it may be the one running. */
void  cb_sip_timeout_remove      (guint       id);
/* Timeouts waiting (tests). */
guint cb_sip_timeouts_pending    (void);

G_END_DECLS
