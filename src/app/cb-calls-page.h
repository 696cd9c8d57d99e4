/* cb-calls-page.h: the softphone: registration state, dial entry, call cards
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: session (CbSession: the directory to complete from, and the
 * REST client for calls from the desk phone),
 * call-from ("softphone" or "desk": which phone calls.dial uses; kept in
 * the "call-from" setting).
 * Actions: calls.dial (dials what the entry holds), calls.call-from (s,
 * stateful: the call-from property).
 * A colleague dropped on the page (or on its dial field) is called.
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-session.h"
#include "cb-softphone.h"

G_BEGIN_DECLS

#define CB_TYPE_CALLS_PAGE (cb_calls_page_get_type ())
G_DECLARE_FINAL_TYPE (CbCallsPage, cb_calls_page, CB, CALLS_PAGE, GtkWidget)

void        cb_calls_page_set_session (CbCallsPage *self,
                                       CbSession   *session);
/* The phone whose calls the page shows and dials from (NULL: none). */
void        cb_calls_page_set_softphone (CbCallsPage *self,
                                         CbSoftphone *softphone);
/* Dials @text: an extension, a number, or a colleague's name, from the
 * phone the call-from setting names, or from @phone. */
void        cb_calls_page_dial        (CbCallsPage *self,
                                       const char  *text);
void        cb_calls_page_dial_from   (CbCallsPage *self,
                                       const char  *text,
                                       CbPhone      phone);
GtkEditable *cb_calls_page_get_entry  (CbCallsPage *self);

/* The user-facing words for a registration state. */
const char *cb_registration_state_get_label     (CbRegistrationState state);
const char *cb_registration_state_get_icon_name (CbRegistrationState state);

G_END_DECLS
