/* cb-window.h: the main window: sign-in page, then favourites/directory/groups
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: session (CbSession, read-only: NULL while signed out).
 * Showing the journal page marks the journal seen up to its newest entry
 * on the server (PUT /journal/seen), for all the user's devices.
 * While signed in the window owns the user's softphone
 * (cb_window_get_softphone(); NULL with CALLBOARD_SOFTPHONE=0).
 * Actions: win.sign-out, win.show-monitor, win.show-blf (the busy lamp
 * field), win.focus-search, win.dial (s: number or name),
 * win.answer-call / win.hangup-call (s: the call id, for notifications);
 * and the contact.* group (cb-window-contacts.c) that every list of
 * colleagues uses.
 */

#pragma once

#include <adwaita.h>

#include "cb-demo-server.h"
#include "cb-ringer.h"
#include "cb-session.h"
#include "cb-sign-in-page.h"
#include "cb-softphone.h"

G_BEGIN_DECLS

#define CB_TYPE_WINDOW (cb_window_get_type ())
G_DECLARE_FINAL_TYPE (CbWindow, cb_window, CB, WINDOW, AdwApplicationWindow)

CbWindow     *cb_window_new                (GtkApplication *application);
CbSession    *cb_window_get_session        (CbWindow       *self);
CbSignInPage *cb_window_get_sign_in_page   (CbWindow       *self);
/* Prefills the sign-in form, e.g. from --server/--user. */
void          cb_window_set_sign_in_fields (CbWindow       *self,
                                            const char     *server_url,
                                            const char     *username);
/* Same as pressing "Try the demo". */
void          cb_window_start_demo         (CbWindow       *self);
void          cb_window_set_demo_server    (CbWindow       *self,
                                            CbDemoServer   *demo_server);
/* Switches the main view to "calls", "favourites", "directory", "groups"
 * or "journal". When wide, the calls are always in view beside the
 * other pages: "calls" changes nothing then. */
void          cb_window_show_page          (CbWindow       *self,
                                            const char     *name);
/* Whether people and calls are side by side (a wide window). */
gboolean      cb_window_get_wide           (CbWindow       *self);
CbSoftphone  *cb_window_get_softphone      (CbWindow       *self);
/* Dials @number (win.dial) as soon as there is a phone to call from:
 * at once when signed in and ready, else after signing in (a link
 * opened while the sign-in page shows). */
void          cb_window_dial_when_ready    (CbWindow       *self,
                                            const char     *number);
/* What rings while a call rings here (the "ringing" property tells). */
CbRinger     *cb_window_get_ringer         (CbWindow       *self);

G_END_DECLS
