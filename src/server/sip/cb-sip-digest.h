/* cb-sip-digest.h: RFC 2617 digest (MD5) for the registrar: nonces and checks
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "cb-clock.h"

G_BEGIN_DECLS

typedef enum {
  CB_SIP_DIGEST_OK,
  CB_SIP_DIGEST_WRONG,      /* bad response or malformed */
  CB_SIP_DIGEST_STALE,      /* right password, expired nonce */
} CbSipDigestResult;

typedef struct _CbSipDigest CbSipDigest;

CbSipDigest       *cb_sip_digest_new         (const char   *realm,
                                              guint         nonce_lifetime_s);
void               cb_sip_digest_free        (CbSipDigest  *self);
const char        *cb_sip_digest_get_realm   (CbSipDigest  *self);
/* The clock that dates nonces; NULL (the default): the system clock. */
void               cb_sip_digest_set_clock   (CbSipDigest  *self,
                                              CbClock      *clock);

/* A WWW-/Proxy-Authenticate value with a fresh nonce. */
char              *cb_sip_digest_challenge   (CbSipDigest  *self,
                                              gboolean      stale);

/* params: the Authorization header's parameters (name=value, values may
 * be quoted), as sofia keeps them in msg_auth_t.au_params. */
CbSipDigestResult  cb_sip_digest_verify      (CbSipDigest        *self,
                                              const char * const *params,
                                              const char         *method,
                                              const char         *password);
/* The request-digest of RFC 2617 §3.2.2.1 with MD5: with qop ("auth")
 * over nc and cnonce, without (qop NULL) as in RFC 2069. */
char              *cb_sip_digest_response    (const char         *username,
                                              const char         *realm,
                                              const char         *password,
                                              const char         *method,
                                              const char         *uri,
                                              const char         *nonce,
                                              const char         *nc,
                                              const char         *cnonce,
                                              const char         *qop);
/* The unquoted value of a parameter, or NULL. */
char              *cb_sip_digest_param       (const char * const *params,
                                              const char         *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbSipDigest, cb_sip_digest_free)

G_END_DECLS
