/* cb-sip-digest.h: SIP digest authentication (RFC 2617, RFC 8760: MD5 and SHA-256): nonces and checks
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
  CB_SIP_DIGEST_WRONG,      /* bad response, malformed, or for another Request-URI */
  CB_SIP_DIGEST_STALE,      /* right password, expired nonce */
  CB_SIP_DIGEST_REPLAYED,   /* right password, but its nonce count was used before */
} CbSipDigestResult;

typedef enum {
  CB_SIP_DIGEST_MD5,
  CB_SIP_DIGEST_SHA256,     /* "SHA-256" (RFC 8760) */
} CbSipDigestAlgorithm;

typedef struct _CbSipDigest CbSipDigest;

/* "MD5" or "SHA-256", as algorithm= names them. */
const char        *cb_sip_digest_algorithm_name  (CbSipDigestAlgorithm  algorithm);
/* Case does not matter; FALSE for any other algorithm (MD5-sess …). */
gboolean           cb_sip_digest_algorithm_parse (const char            *name,
                                                  CbSipDigestAlgorithm  *algorithm);

CbSipDigest       *cb_sip_digest_new             (const char   *realm,
                                                  guint         nonce_lifetime_s);
void               cb_sip_digest_free            (CbSipDigest  *self);
const char        *cb_sip_digest_get_realm       (CbSipDigest  *self);
/* The clock that dates nonces; NULL (the default): the system clock. */
void               cb_sip_digest_set_clock       (CbSipDigest  *self,
                                                  CbClock      *clock);
/* The algorithms a challenge offers, most preferred first (RFC 8760
 * §2.4: one WWW-/Proxy-Authenticate header each, in that order); the
 * default is MD5 alone. An answer in either algorithm is accepted
 * whatever is offered. */
void               cb_sip_digest_set_algorithms  (CbSipDigest                *self,
                                                  const CbSipDigestAlgorithm *algorithms,
                                                  guint                       n_algorithms);

/* WWW-/Proxy-Authenticate values for one fresh nonce, one per algorithm
 * offered, in order. */
GStrv              cb_sip_digest_challenges      (CbSipDigest  *self,
                                                  gboolean      stale);

/* params: the Authorization header's parameters (name=value, values may
 * be quoted), as sofia keeps them in msg_auth_t.au_params; request_uri:
 * the request's, whose resource the digest's uri must name (RFC 2617
 * §3.2.2.5: same scheme, host and port, the same user if it has one).
 * A nonce lives nonce_lifetime_s; with qop each nonce count is accepted
 * once (out of order within the last 32), without qop the nonce once. */
CbSipDigestResult  cb_sip_digest_verify          (CbSipDigest        *self,
                                                  const char * const *params,
                                                  const char         *method,
                                                  const char         *request_uri,
                                                  const char         *password);
/* The request-digest of RFC 2617 §3.2.2.1 (RFC 8760 for SHA-256): with
 * qop ("auth") over nc and cnonce, without (qop NULL) as in RFC 2069. */
char              *cb_sip_digest_response        (CbSipDigestAlgorithm  algorithm,
                                                  const char           *username,
                                                  const char           *realm,
                                                  const char           *password,
                                                  const char           *method,
                                                  const char           *uri,
                                                  const char           *nonce,
                                                  const char           *nc,
                                                  const char           *cnonce,
                                                  const char           *qop);
/* The unquoted value of a parameter, or NULL. */
char              *cb_sip_digest_param           (const char * const *params,
                                                  const char         *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbSipDigest, cb_sip_digest_free)

G_END_DECLS
