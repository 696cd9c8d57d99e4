/* cb-user-locale.h: the signed-in user's language and time zone, from their account
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A user's account may name a language ("de") and a time zone
 * ("Europe/Berlin"). The client speaks that language when it is set (and
 * the use-account-language setting allows it), else the system's; times
 * of calls show in that time zone, else the system's.
 *
 * The language is gettext's LANGUAGE: strings already on screen keep
 * theirs, so a window built in the old language is replaced by a new
 * one that takes over the session (cb_user_locale_sign_in()).
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-session.h"
#include "cb-window.h"

G_BEGIN_DECLS

/* Makes @language ("" or NULL: the system's, as at start) the one
 * translations come in; TRUE when that changed what they are. */
gboolean   cb_user_locale_set_language   (const char *language);
/* The language in use: the account's, or NULL for the system's. */
const char *cb_user_locale_get_language  (void);
/* Makes @identifier ("Europe/Berlin"; NULL, "" or unknown: the
 * system's) the time zone call times are shown in. */
void       cb_user_locale_set_time_zone  (const char *identifier);
/* A new reference to that time zone. */
GTimeZone *cb_user_locale_get_time_zone  (void);
/* @unix_seconds, and now, in that time zone. */
GDateTime *cb_user_locale_date_time      (gint64      unix_seconds);
GDateTime *cb_user_locale_now            (void);

/* The signed-in user's language and time zone for @session, before
 * @window shows it. TRUE when the language changed and @window was
 * replaced by a new main window in it, which takes the session over
 * (its sign-in page reports it signed in): @window then must not take
 * the session, and goes away. */
gboolean   cb_user_locale_sign_in        (CbWindow   *window,
                                          GSettings  *settings,
                                          CbSession  *session);

G_END_DECLS
