/* cb-leader-forward-button.h: an assistant's "Forward to <leader>", now or after consultation, on a call card
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shown on a live call card while the user is logged into an assistant
 * group, for each leader they assist (the one the call is for first):
 * "Forward Now" and "Forward after Consultation" name the card's own
 * call.forward and call.consult actions with the leader's extension, so
 * the card carries them out as any forward or consultation. Hidden
 * while the call is with the leader, or one of a consultation pair.
 *
 * Properties: call (CbCall), softphone (CbSoftphone: its CbCallAs knows
 * the leaders).
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-softphone.h"

G_BEGIN_DECLS

#define CB_TYPE_LEADER_FORWARD_BUTTON (cb_leader_forward_button_get_type ())
G_DECLARE_FINAL_TYPE (CbLeaderForwardButton, cb_leader_forward_button, CB, LEADER_FORWARD_BUTTON, GtkWidget)

GtkWidget  *cb_leader_forward_button_new       (void);
/* The menu as it is now (for tests: its items name the actions). */
GMenuModel *cb_leader_forward_button_get_menu  (CbLeaderForwardButton *self);

G_END_DECLS
