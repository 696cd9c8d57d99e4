/* cb-call-as-button.h: the header's "Call as" choice, and its menu section for the dial field
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shown only while the user is logged into an assistant group: a
 * drop-down of the user and the leaders they may call as. It shows and
 * sets the session's CbCallAs, so the choice holds for the session and
 * every way of calling follows it.
 *
 * Properties: session (CbSession, may be NULL).
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-session.h"

G_BEGIN_DECLS

#define CB_TYPE_CALL_AS_BUTTON (cb_call_as_button_get_type ())
G_DECLARE_FINAL_TYPE (CbCallAsButton, cb_call_as_button, CB, CALL_AS_BUTTON, GtkWidget)

GtkWidget   *cb_call_as_button_new         (void);
CbSession   *cb_call_as_button_get_session (CbCallAsButton *self);
void         cb_call_as_button_set_session (CbCallAsButton *self,
                                            CbSession      *session);
GtkDropDown *cb_call_as_button_get_dropdown (CbCallAsButton *self);

/* Gives @menu a "Call As" section of radio items, one per identity of
 * @call_as, kept up to date, and @widget the "callas" actions they use;
 * @call_as NULL takes both away again. */
void         cb_call_as_menu_attach        (GtkWidget      *widget,
                                            GMenu          *menu,
                                            CbCallAs       *call_as);

G_END_DECLS
