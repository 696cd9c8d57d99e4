/* cb-sip-digest.c: SIP digest authentication (RFC 2617, RFC 8760: MD5 and SHA-256): nonces and checks
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Nonces are "<issued, hex>.<random>.<HMAC of both>" under a key drawn
 * from libsodium at start: any number of phones can be challenged without
 * keeping a table, a forged nonce fails the HMAC, and an old one reads as
 * stale. Only nonces that carried a right answer are remembered, with the
 * nonce counts they were used with, until they are stale anyway: that is
 * what refuses a sniffed request sent again. Secrets and MACs are compared
 * in constant time.
 */

#define G_LOG_DOMAIN "cb-sip"

#include <string.h>

#include <sodium.h>
#include <sofia-sip/url.h>

#include "cb-sip-digest.h"

#define KEY_BYTES 32
#define MAC_CHARS 32
#define SALT_BYTES 8
/* Nonce counts accepted out of order below the highest one seen. */
#define NC_WINDOW 32
#define MAX_ALGORITHMS 2

/* What is known of a nonce that carried a right answer. */
typedef struct {
  gint64   issued;   /* monotonic µs */
  gboolean bare;     /* used without qop: once only */
  guint32  highest;  /* the highest nonce count used */
  guint32  window;   /* bit i: highest - i was used */
} NonceUse;

struct _CbSipDigest
{
  char                 *realm;
  guint8                key[KEY_BYTES];
  gint64                lifetime_us;
  CbClock              *clock;
  CbSipDigestAlgorithm  algorithms[MAX_ALGORITHMS];
  guint                 n_algorithms;
  GHashTable           *used;        /* nonce → NonceUse */
  gint64                last_purge;  /* monotonic µs */
};

const char *
cb_sip_digest_algorithm_name (CbSipDigestAlgorithm algorithm)
{
  return algorithm == CB_SIP_DIGEST_SHA256 ? "SHA-256" : "MD5";
}

gboolean
cb_sip_digest_algorithm_parse (const char           *name,
                               CbSipDigestAlgorithm *algorithm)
{
  if (name != NULL && g_ascii_strcasecmp (name, "MD5") == 0)
    *algorithm = CB_SIP_DIGEST_MD5;
  else if (name != NULL && g_ascii_strcasecmp (name, "SHA-256") == 0)
    *algorithm = CB_SIP_DIGEST_SHA256;
  else
    return FALSE;
  return TRUE;
}

CbSipDigest *
cb_sip_digest_new (const char *realm,
                   guint       nonce_lifetime_s)
{
  CbSipDigest *self = g_new0 (CbSipDigest, 1);

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  self->realm = g_strdup (realm);
  self->lifetime_us = (gint64) nonce_lifetime_s * G_USEC_PER_SEC;
  self->clock = g_object_ref (cb_clock_get_system ());
  self->algorithms[0] = CB_SIP_DIGEST_MD5;
  self->n_algorithms = 1;
  self->used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  randombytes_buf (self->key, sizeof self->key);
  return self;
}

void
cb_sip_digest_free (CbSipDigest *self)
{
  if (self == NULL)
    return;
  sodium_memzero (self->key, sizeof self->key);
  g_clear_object (&self->clock);
  g_hash_table_unref (self->used);
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

void
cb_sip_digest_set_algorithms (CbSipDigest                *self,
                              const CbSipDigestAlgorithm *algorithms,
                              guint                       n_algorithms)
{
  g_return_if_fail (n_algorithms > 0 && n_algorithms <= MAX_ALGORITHMS);

  memcpy (self->algorithms, algorithms, n_algorithms * sizeof *algorithms);
  self->n_algorithms = n_algorithms;
}

const char *
cb_sip_digest_get_realm (CbSipDigest *self)
{
  return self->realm;
}

/* ---- nonces -------------------------------------------------------------- */

static char *
nonce_mac (CbSipDigest *self,
           const char  *stamp)
{
  g_autofree char *mac = g_compute_hmac_for_string (G_CHECKSUM_SHA256, self->key,
                                                    sizeof self->key, stamp, -1);
  return g_strndup (mac, MAC_CHARS);
}

GStrv
cb_sip_digest_challenges (CbSipDigest *self,
                          gboolean     stale)
{
  g_autoptr(GStrvBuilder) challenges = g_strv_builder_new ();
  guint8 salt[SALT_BYTES];
  char salt_hex[2 * SALT_BYTES + 1];
  g_autofree char *stamp = NULL;
  g_autofree char *mac = NULL;

  /* The random part keeps two challenges of one microsecond apart, so
   * that one's nonce counts are not the other's. */
  randombytes_buf (salt, sizeof salt);
  sodium_bin2hex (salt_hex, sizeof salt_hex, salt, sizeof salt);
  stamp = g_strdup_printf ("%" G_GINT64_MODIFIER "x.%s", cb_clock_get_monotonic (self->clock), salt_hex);
  mac = nonce_mac (self, stamp);
  for (guint i = 0; i < self->n_algorithms; i++)
    {
      g_autofree char *value = NULL;

      value = g_strdup_printf ("Digest realm=\"%s\", nonce=\"%s.%s\", qop=\"auth\", algorithm=%s%s",
                               self->realm, stamp, mac, cb_sip_digest_algorithm_name (self->algorithms[i]),
                               stale ? ", stale=true" : "");
      g_strv_builder_add (challenges, value);
    }
  return g_strv_builder_end (challenges);
}

/* Whether the nonce is one of ours, untampered; *issued: when. */
static gboolean
nonce_valid (CbSipDigest *self,
             const char  *nonce,
             gint64      *issued)
{
  const char *mac = strrchr (nonce, '.');
  g_autofree char *stamp = NULL;
  g_autofree char *expected = NULL;
  char *end = NULL;

  if (mac == NULL || strlen (mac + 1) != MAC_CHARS)
    return FALSE;
  stamp = g_strndup (nonce, mac - nonce);
  expected = nonce_mac (self, stamp);
  if (sodium_memcmp (expected, mac + 1, MAC_CHARS) != 0)
    return FALSE;
  *issued = g_ascii_strtoll (stamp, &end, 16);
  return end != NULL && *end == '.';
}

/* Forgets what is known of nonces that are stale by now (they are
 * refused before their counts matter), at most once per lifetime. */
static void
purge_used (CbSipDigest *self,
            gint64       now)
{
  GHashTableIter iter;
  NonceUse *use;

  if (now - self->last_purge < self->lifetime_us)
    return;
  self->last_purge = now;
  g_hash_table_iter_init (&iter, self->used);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &use))
    if (now - use->issued > self->lifetime_us)
      g_hash_table_iter_remove (&iter);
}

/* Records one use of a nonce; FALSE when it is a replay. count: its
 * nonce count, 0 without qop. */
static gboolean
nonce_use (CbSipDigest *self,
           const char  *nonce,
           gint64       issued,
           guint32      count)
{
  NonceUse *use = g_hash_table_lookup (self->used, nonce);

  purge_used (self, cb_clock_get_monotonic (self->clock));

  if (use == NULL)
    {
      use = g_new0 (NonceUse, 1);
      use->issued = issued;
      g_hash_table_insert (self->used, g_strdup (nonce), use);
    }
  else if (use->bare || count == 0)
    return FALSE;

  if (count == 0)
    {
      use->bare = TRUE;
      return TRUE;
    }
  if (count > use->highest)
    {
      guint32 shift = count - use->highest;

      use->window = shift >= NC_WINDOW ? 0 : use->window << shift;
      use->window |= 1;
      use->highest = count;
      return TRUE;
    }
  if (use->highest - count >= NC_WINDOW || (use->window & (1u << (use->highest - count))) != 0)
    return FALSE;
  use->window |= 1u << (use->highest - count);
  return TRUE;
}

/* ---- answers ------------------------------------------------------------- */

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

char *
cb_sip_digest_response (CbSipDigestAlgorithm  algorithm,
                        const char           *username,
                        const char           *realm,
                        const char           *password,
                        const char           *method,
                        const char           *uri,
                        const char           *nonce,
                        const char           *nc,
                        const char           *cnonce,
                        const char           *qop)
{
  GChecksumType type = algorithm == CB_SIP_DIGEST_SHA256 ? G_CHECKSUM_SHA256 : G_CHECKSUM_MD5;
  g_autofree char *a1 = g_strdup_printf ("%s:%s:%s", username, realm, password);
  g_autofree char *a2 = g_strdup_printf ("%s:%s", method, uri);
  g_autofree char *ha1 = g_compute_checksum_for_string (type, a1, -1);
  g_autofree char *ha2 = g_compute_checksum_for_string (type, a2, -1);
  g_autofree char *kd = NULL;

  if (qop != NULL)
    kd = g_strdup_printf ("%s:%s:%s:%s:%s:%s", ha1, nonce, nc, cnonce, qop, ha2);
  else
    kd = g_strdup_printf ("%s:%s:%s", ha1, nonce, ha2);
  sodium_memzero (a1, strlen (a1));
  return g_compute_checksum_for_string (type, kd, -1);
}

/* Whether the digest's uri names the Request-URI's resource, compared as
 * URIs by sofia-sip (host case, default ports, parameters aside): the same
 * scheme, host and port, and the same user when it names one. sipp 3.6
 * signs "sip:HOST:PORT" without the user of the Request-URI; phones that
 * sign the whole Request-URI have its user checked too. */
static gboolean
same_resource (const char *uri,
               const char *request_uri)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  url_t *a = url_make (home, uri);
  url_t *b = request_uri != NULL ? url_make (home, request_uri) : NULL;
  gboolean same = FALSE;

  if (a != NULL && b != NULL && a->url_type != url_any && b->url_type != url_any &&
      a->url_type != url_unknown)
    {
      url_t target = *b;

      if (a->url_user == NULL)
        target.url_user = target.url_password = NULL;
      same = url_cmp (a, &target) == 0;
    }
  su_home_deinit (home);
  return same;
}

CbSipDigestResult
cb_sip_digest_verify (CbSipDigest        *self,
                      const char * const *params,
                      const char         *method,
                      const char         *request_uri,
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
  g_autofree char *algorithm_name = cb_sip_digest_param (params, "algorithm");
  g_autofree char *expected = NULL;
  g_autofree char *given = NULL;
  CbSipDigestAlgorithm algorithm = CB_SIP_DIGEST_MD5;
  gint64 issued = 0;
  guint64 count = 0;

  if (username == NULL || realm == NULL || nonce == NULL || uri == NULL || response == NULL ||
      g_strcmp0 (realm, self->realm) != 0 ||
      (algorithm_name != NULL && !cb_sip_digest_algorithm_parse (algorithm_name, &algorithm)))
    return CB_SIP_DIGEST_WRONG;
  if (!nonce_valid (self, nonce, &issued))
    return CB_SIP_DIGEST_WRONG;
  if (qop != NULL && (g_ascii_strcasecmp (qop, "auth") != 0 || nc == NULL || cnonce == NULL ||
                      strlen (nc) != 8 ||
                      !g_ascii_string_to_unsigned (nc, 16, 1, G_MAXUINT32, &count, NULL)))
    return CB_SIP_DIGEST_WRONG;
  /* Credentials for another request are no credentials for this one. */
  if (!same_resource (uri, request_uri))
    return CB_SIP_DIGEST_WRONG;

  expected = cb_sip_digest_response (algorithm, username, realm, password, method, uri, nonce, nc,
                                     cnonce, qop);
  given = g_ascii_strdown (response, -1);
  if (strlen (given) != strlen (expected) || sodium_memcmp (given, expected, strlen (expected)) != 0)
    return CB_SIP_DIGEST_WRONG;

  /* Checked after the answer: "stale" and "replayed" promise the password
   * was right. */
  if (cb_clock_get_monotonic (self->clock) - issued > self->lifetime_us)
    return CB_SIP_DIGEST_STALE;
  if (!nonce_use (self, nonce, issued, (guint32) count))
    return CB_SIP_DIGEST_REPLAYED;
  return CB_SIP_DIGEST_OK;
}
