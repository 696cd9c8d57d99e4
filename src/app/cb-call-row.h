/* cb-call-row.h: one call as a card: remote party, state, duration, controls
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: call (CbCall), softphone (CbSoftphone: answering through it
 * puts the other calls on hold), directory (GListModel of CbContact: whom
 * the transfer picker offers), favourites (GListModel of CbContact: shown
 * first and starred in the picker).
 * Actions: call.answer, call.hangup, call.toggle-hold, call.toggle-mute,
 * call.dtmf (s: the digits), call.forward (s: the number to forward to),
 * call.complete-transfer (s: the softphone's id of the other call),
 * call.consult (s: the number to consult), call.complete-consultation and
 * call.cancel-consultation (while the call is one of a consultation pair);
 * with exactly one other live call on the phone (the pair's partner
 * first): call.connect (transfer: the two other parties talk),
 * call.swap (the held one of the two is resumed, the other held),
 * call.conference (all three talk); for a call placed that reached
 * nobody: call.call-again, call.dismiss.
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-softphone.h"

G_BEGIN_DECLS

#define CB_TYPE_CALL_ROW (cb_call_row_get_type ())
G_DECLARE_FINAL_TYPE (CbCallRow, cb_call_row, CB, CALL_ROW, GtkWidget)

GtkWidget *cb_call_row_new  (CbCall      *call,
                             CbSoftphone *softphone,
                             GListModel  *directory,
                             GListModel  *favourites);
CbCall    *cb_call_row_get_call (CbCallRow *self);

/* "m:ss" or "h:mm:ss". */
char      *cb_format_duration   (guint seconds);

G_END_DECLS
