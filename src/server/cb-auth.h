/* cb-auth.h: bearer sessions and sign-in throttling
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "cb-clock.h"
#include "cb-server-config.h"
#include "cb-store.h"

G_BEGIN_DECLS

typedef enum {
  CB_THROTTLE_ALLOW,
  CB_THROTTLE_DELAY,    /* answer only after *delay_ms */
  CB_THROTTLE_REJECT,   /* 429, Retry-After *retry_after seconds */
} CbThrottle;

#define CB_TYPE_AUTH (cb_auth_get_type ())
G_DECLARE_FINAL_TYPE (CbAuth, cb_auth, CB, AUTH, GObject)

CbAuth     *cb_auth_new             (CbStore               *store,
                                     const CbServerConfig  *config);
/* The clock for token expiry and the throttle's window; NULL (the
 * default): the system clock. */
void        cb_auth_set_clock       (CbAuth                *self,
                                     CbClock               *clock);

/* SHA-256 hex of a token: the only form that is stored. */
char       *cb_auth_hash_token      (const char            *token);
/* A new random token for user_id (only its hash is stored). */
char       *cb_auth_create_session  (CbAuth                *self,
                                     gint64                 user_id,
                                     gint64                *expires_at,
                                     GError               **error);
/* The user of a token, 0 when unknown, expired or revoked. */
gint64      cb_auth_lookup_hash     (CbAuth                *self,
                                     const char            *token_hash);
/* Reads "Authorization: Bearer …"; 0 when missing or not valid. The
 * token's hash is returned for revocation. */
gint64      cb_auth_authenticate    (CbAuth                *self,
                                     SoupServerMessage     *msg,
                                     char                 **token_hash);
gboolean    cb_auth_revoke          (CbAuth                *self,
                                     const char            *token_hash,
                                     GError               **error);

/* Sign-in throttling by (user name, client address) pair and by address.
 * Before a password check: ALLOW or DELAY counts the attempt as failed
 * from now on, so that attempts sent in parallel cannot run more checks
 * than the limits allow; REJECT counts nothing. */
CbThrottle  cb_auth_begin_attempt   (CbAuth                *self,
                                     const char            *username,
                                     const char            *address,
                                     guint                 *delay_ms,
                                     guint                 *retry_after);
typedef enum {
  CB_ATTEMPT_FAILED,      /* logged for fail2ban */
  CB_ATTEMPT_SUCCEEDED,   /* the pair starts afresh */
  CB_ATTEMPT_CANCELLED,   /* never checked (no place free): not counted */
} CbAttemptResult;
/* After the check of an attempt that cb_auth_begin_attempt() let in. */
void        cb_auth_end_attempt     (CbAuth                *self,
                                     const char            *username,
                                     const char            *address,
                                     CbAttemptResult        result);
/* The password check, bounded (CbPasswordChecker with the configured
 * places); FALSE when none is free: answer 503. */
gboolean    cb_auth_verify_password_async  (CbAuth              *self,
                                            const char          *hash,
                                            const char          *password,
                                            const char          *address,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean    cb_auth_verify_password_finish (CbAuth              *self,
                                            GAsyncResult        *result);
/* Forgets failures older than the window and expired tokens. */
void        cb_auth_prune           (CbAuth                *self);

G_END_DECLS
