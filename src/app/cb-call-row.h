/* cb-call-row.h: one call as a card: remote party, state, duration, controls
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: call (CbCall), softphone (CbSoftphone: answering through it
 * puts the other calls on hold).
 * Actions: call.answer, call.hangup, call.toggle-hold, call.toggle-mute,
 * call.dtmf (s: the digits).
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-softphone.h"

G_BEGIN_DECLS

#define CB_TYPE_CALL_ROW (cb_call_row_get_type ())
G_DECLARE_FINAL_TYPE (CbCallRow, cb_call_row, CB, CALL_ROW, GtkWidget)

GtkWidget *cb_call_row_new  (CbCall      *call,
                             CbSoftphone *softphone);
CbCall    *cb_call_row_get_call (CbCallRow *self);

/* "m:ss" or "h:mm:ss". */
char      *cb_format_duration   (guint seconds);

G_END_DECLS
