/* cb-sign-in-page.h: server, user and password, or "Try the demo"
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: server-url, username, password (strings, the entry texts),
 * busy (bool, read-only: a sign-in or demo start is under way).
 * Signals: "signed-in" (CbSession *): a session holding its snapshot.
 * Actions: sign-in.sign-in, sign-in.try-demo, sign-in.cancel (while
 * signing in), sign-in.trust-certificate (while a certificate the system
 * does not trust is shown: trusts it for that server and signs in).
 * Trusted certificates are kept in the "trusted-certificates" setting.
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-demo-server.h"
#include "cb-session.h"

G_BEGIN_DECLS

#define CB_TYPE_SIGN_IN_PAGE (cb_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (CbSignInPage, cb_sign_in_page, CB, SIGN_IN_PAGE, GtkWidget)

GtkWidget *cb_sign_in_page_new        (void);
gboolean   cb_sign_in_page_get_busy   (CbSignInPage *self);
/* Shows @message (or hides the error when NULL). */
void       cb_sign_in_page_set_error  (CbSignInPage *self,
                                       const char   *message);
/* Back to a fresh form after signing out: keeps server and user. */
void       cb_sign_in_page_reset      (CbSignInPage *self);
/* Signs in with the filled-in server and user and this password
 * (unattended starts: CALLBOARD_PASSWORD with --server and --user). */
void       cb_sign_in_page_sign_in_with_password (CbSignInPage *self,
                                                  const char   *password);

/* The demo server used by "Try the demo"; the application's when there is
 * one, so it lives (and dies) with the application. */
void       cb_sign_in_page_set_demo_server (CbSignInPage *self,
                                            CbDemoServer *demo_server);

/* Turns "host:port" into a URL: http for loopback, https otherwise. */
char      *cb_sign_in_page_normalize_url (const char *text);

G_END_DECLS
