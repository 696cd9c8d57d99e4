/* cb-password-store.h: the remembered password, kept by the Secret Service
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Passwords are keyed by server URL and user name under the schema
 * org.callboard.Callboard.Password. Without a Secret Service (a bare
 * session, a test bus) every call fails softly: lookups find nothing and
 * stores report an error the caller may ignore.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     cb_password_store_lookup_async  (const char          *server,
                                          const char          *username,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
/* NULL (and no error) when nothing is stored. */
char    *cb_password_store_lookup_finish (GAsyncResult        *result,
                                          GError             **error);
void     cb_password_store_save_async    (const char          *server,
                                          const char          *username,
                                          const char          *password,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean cb_password_store_save_finish   (GAsyncResult        *result,
                                          GError             **error);
/* Fire and forget: a failure is only logged. */
void     cb_password_store_forget        (const char          *server,
                                          const char          *username);

G_END_DECLS
