/* cb-password.h: argon2id password hashes (libsodium)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Initialises libsodium; safe to call more than once. */
gboolean  cb_password_init          (GError     **error);

/* An argon2id string (salt and parameters included). @fast selects the
 * minimum cost: only for tests, benchmarks and the demo. */
char     *cb_password_hash          (const char  *password,
                                     gboolean     fast,
                                     GError     **error);
/* Constant-time check; a NULL or malformed hash never matches. */
gboolean  cb_password_verify        (const char  *hash,
                                     const char  *password);

/* The same check on worker threads, bounded: argon2id at interactive
 * cost takes tens of milliseconds and tens of MiB each, so a flood of
 * sign-ins must neither run them all at once nor make the main loop wait.
 * At most max_running run at once (on the checker's own threads) and
 * max_waiting more wait; one client address may hold at most half of
 * these places. */
#define CB_TYPE_PASSWORD_CHECKER (cb_password_checker_get_type ())
G_DECLARE_FINAL_TYPE (CbPasswordChecker, cb_password_checker, CB, PASSWORD_CHECKER, GObject)

CbPasswordChecker *cb_password_checker_new           (guint                max_running,
                                                      guint                max_waiting);
/* Checks password against hash; a NULL hash still costs one check
 * (against a dummy of the same cost) so that unknown user names cannot be
 * told from wrong passwords by timing. FALSE, and no callback: no place
 * free (the caller answers 503). */
gboolean           cb_password_checker_verify_async  (CbPasswordChecker   *self,
                                                      const char          *hash,
                                                      const char          *password,
                                                      gboolean             fast,
                                                      const char          *address,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           cb_password_checker_verify_finish (CbPasswordChecker   *self,
                                                      GAsyncResult        *result);
/* Checks running or waiting. */
guint              cb_password_checker_get_pending   (CbPasswordChecker   *self);

G_END_DECLS
