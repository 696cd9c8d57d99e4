/* cb-sip-digest.c: RFC 2617 digest (MD5) for the registrar: nonces and checks
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Nonces are stateless: "<issued, hex>.<HMAC of it>" under a key made at
 * start, so any number of phones can be challenged without keeping a
 * table, a forged nonce fails the HMAC, and an old one reads as stale.
 */

#define G_LOG_DOMAIN "cb-sip"

#include <string.h>

#include "cb-sip-digest.h"

struct _CbSipDigest
{
  char    *realm;
  guint8   key[32];
  gint64   lifetime_us;
  CbClock *clock;
};

CbSipDigest *
cb_sip_digest_new (const char *realm,
                   guint       nonce_lifetime_s)
{
  CbSipDigest *self = g_new0 (CbSipDigest, 1);

  self->realm = g_strdup (realm);
  self->lifetime_us = (gint64) nonce_lifetime_s * G_USEC_PER_SEC;
  self->clock = g_object_ref (cb_clock_get_system ());
  for (guint i = 0; i < sizeof self->key; i += 4)
    {
      guint32 r = g_random_int ();
      memcpy (self->key + i, &r, 4);
    }
  return self;
}

void
cb_sip_digest_free (CbSipDigest *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->clock);
  g_free (self->realm);
  g_free (self);
}

void
cb_sip_digest_set_clock (CbSipDigest *self,
                         CbClock     *clock)
{
  CbClock *next = clock != NULL ? clock : cb_clock_get_system ();

  g_set_object (&self->clock, next);
}

const char *
cb_sip_digest_get_realm (CbSipDigest *self)
{
  return self->realm;
}

static char *
nonce_mac (CbSipDigest *self,
           const char  *issued)
{
  g_autofree char *mac = g_compute_hmac_for_string (G_CHECKSUM_SHA256, self->key,
                                                    sizeof self->key, issued, -1);
  return g_strndup (mac, 32);
}

char *
cb_sip_digest_challenge (CbSipDigest *self,
                         gboolean     stale)
{
  g_autofree char *issued = g_strdup_printf ("%" G_GINT64_MODIFIER "x", cb_clock_get_monotonic (self->clock));
  g_autofree char *mac = nonce_mac (self, issued);

  return g_strdup_printf ("Digest realm=\"%s\", nonce=\"%s.%s\", qop=\"auth\", "
                          "algorithm=MD5%s", self->realm, issued, mac,
                          stale ? ", stale=true" : "");
}

char *
cb_sip_digest_param (const char * const *params,
                     const char         *name)
{
  gsize len = strlen (name);

  for (guint i = 0; params != NULL && params[i] != NULL; i++)
    {
      const char *p = params[i];
      gsize vlen;

      if (g_ascii_strncasecmp (p, name, len) != 0 || p[len] != '=')
        continue;
      p += len + 1;
      vlen = strlen (p);
      if (vlen >= 2 && p[0] == '"' && p[vlen - 1] == '"')
        return g_strndup (p + 1, vlen - 2);
      return g_strdup (p);
    }
  return NULL;
}

static char *
md5_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);
}

char *
cb_sip_digest_response (const char *username,
                        const char *realm,
                        const char *password,
                        const char *method,
                        const char *uri,
                        const char *nonce,
                        const char *nc,
                        const char *cnonce,
                        const char *qop)
{
  g_autofree char *a1 = g_strdup_printf ("%s:%s:%s", username, realm, password);
  g_autofree char *a2 = g_strdup_printf ("%s:%s", method, uri);
  g_autofree char *ha1 = md5_hex (a1);
  g_autofree char *ha2 = md5_hex (a2);
  g_autofree char *kd = NULL;

  if (qop != NULL)
    kd = g_strdup_printf ("%s:%s:%s:%s:%s:%s", ha1, nonce, nc, cnonce, qop, ha2);
  else
    kd = g_strdup_printf ("%s:%s:%s", ha1, nonce, ha2);
  return md5_hex (kd);
}

CbSipDigestResult
cb_sip_digest_verify (CbSipDigest        *self,
                      const char * const *params,
                      const char         *method,
                      const char         *password)
{
  g_autofree char *username = cb_sip_digest_param (params, "username");
  g_autofree char *realm = cb_sip_digest_param (params, "realm");
  g_autofree char *nonce = cb_sip_digest_param (params, "nonce");
  g_autofree char *uri = cb_sip_digest_param (params, "uri");
  g_autofree char *response = cb_sip_digest_param (params, "response");
  g_autofree char *qop = cb_sip_digest_param (params, "qop");
  g_autofree char *nc = cb_sip_digest_param (params, "nc");
  g_autofree char *cnonce = cb_sip_digest_param (params, "cnonce");
  g_autofree char *algorithm = cb_sip_digest_param (params, "algorithm");
  g_autofree char *expected = NULL;
  g_autofree char *mac = NULL;
  const char *dot;
  gint64 issued;
  char *end = NULL;

  if (username == NULL || realm == NULL || nonce == NULL || uri == NULL || response == NULL ||
      g_strcmp0 (realm, self->realm) != 0 ||
      (algorithm != NULL && g_ascii_strcasecmp (algorithm, "MD5") != 0))
    return CB_SIP_DIGEST_WRONG;

  /* Our own nonce, untampered? */
  dot = strchr (nonce, '.');
  if (dot == NULL)
    return CB_SIP_DIGEST_WRONG;
  {
    g_autofree char *stamp = g_strndup (nonce, dot - nonce);

    mac = nonce_mac (self, stamp);
    if (strcmp (mac, dot + 1) != 0)
      return CB_SIP_DIGEST_WRONG;
    issued = g_ascii_strtoll (stamp, &end, 16);
    if (end == NULL || *end != '\0')
      return CB_SIP_DIGEST_WRONG;
  }

  if (qop != NULL && (g_ascii_strcasecmp (qop, "auth") != 0 || nc == NULL || cnonce == NULL))
    return CB_SIP_DIGEST_WRONG;
  expected = cb_sip_digest_response (username, realm, password, method, uri, nonce, nc, cnonce, qop);

  if (g_ascii_strcasecmp (expected, response) != 0)
    return CB_SIP_DIGEST_WRONG;
  /* Checked last: "stale" promises the password was right. */
  if (cb_clock_get_monotonic (self->clock) - issued > self->lifetime_us)
    return CB_SIP_DIGEST_STALE;
  return CB_SIP_DIGEST_OK;
}
