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

/* The same check on a worker thread: argon2id at interactive cost takes
 * tens of milliseconds that the main loop must not wait for. A NULL hash
 * still costs one verification (against a dummy) so that unknown user
 * names cannot be told from wrong passwords by timing. */
void      cb_password_verify_async  (const char          *hash,
                                     const char          *password,
                                     gboolean             fast,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean  cb_password_verify_finish (GAsyncResult        *result);

G_END_DECLS
