/* cb-blf-window.h: the busy lamp field: a dense grid of keys with lamps, beside the monitor
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows the store's busy lamp field (cb_client_store_get_blf()). Keys move
 * by dragging one onto another; a colleague dragged in from any list gets
 * a key. Its size and whether it is open are kept in GSettings
 * (blf-window-width, -height, -maximized, -open): closing it is the
 * user's choice, remembered; signing out only takes it away.
 *
 * Properties: session (CbSession, construct-only).
 * Actions: blf.move-key ((xx): key id, the key to put it before, 0 for
 * after the user's own keys).
 */

#pragma once

#include <adwaita.h>

#include "cb-session.h"

G_BEGIN_DECLS

#define CB_TYPE_BLF_WINDOW (cb_blf_window_get_type ())
G_DECLARE_FINAL_TYPE (CbBlfWindow, cb_blf_window, CB, BLF_WINDOW, AdwWindow)

GtkWidget *cb_blf_window_new         (CbSession   *session);
CbSession *cb_blf_window_get_session (CbBlfWindow *self);
/* The grid of keys (for tests and the keyboard). */
GtkWidget *cb_blf_window_get_grid    (CbBlfWindow *self);

G_END_DECLS
