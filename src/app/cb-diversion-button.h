/* cb-diversion-button.h: the header's way to call diversion, and its marker while one is on
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One click opens the diversion dialog. While any diversion of the
 * user's is on, the button says so (beside its arrow the name of
 * where every call goes, or "Diversion on" for the conditional ones) in a colour that
 * stands out; its tooltip ("Diverted to Ben Carter") lists them all.
 *
 * Properties: session (CbSession, may be NULL), diverted (bool, read:
 * the marker is showing).
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-session.h"

G_BEGIN_DECLS

#define CB_TYPE_DIVERSION_BUTTON (cb_diversion_button_get_type ())
G_DECLARE_FINAL_TYPE (CbDiversionButton, cb_diversion_button, CB, DIVERSION_BUTTON, GtkWidget)

GtkWidget  *cb_diversion_button_new         (void);
void        cb_diversion_button_set_session (CbDiversionButton *self,
                                             CbSession         *session);
gboolean    cb_diversion_button_get_diverted (CbDiversionButton *self);
/* What the marker says ("" while no diversion is on). */
const char *cb_diversion_button_get_text    (CbDiversionButton *self);

G_END_DECLS
