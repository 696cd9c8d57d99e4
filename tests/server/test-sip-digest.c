/* test-sip-digest.c: the registrar's digest auth (RFC 2617, MD5) in-process
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The RFC's own example checks the request-digest; the answers that
 * cb_sip_digest_verify() gets here are computed by the test itself, so
 * the two computations check each other. Nonces age on a manual clock.
 */

#define G_LOG_DOMAIN "cb-test-sip-digest"

#include "config.h"

#include <string.h>

#include "cb-sip-digest.h"

#define REALM      "callboard.test"
#define LIFETIME_S 30
#define USER       "l201"
#define PASSWORD   "s3cret"
#define URI        "sip:callboard.test"

typedef struct {
  CbClock     *clock;
  CbSipDigest *digest;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->clock = cb_clock_new_manual (G_GINT64_CONSTANT (7200) * G_USEC_PER_SEC, 0);
  fixture->digest = cb_sip_digest_new (REALM, LIFETIME_S);
  cb_sip_digest_set_clock (fixture->digest, fixture->clock);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->digest, cb_sip_digest_free);
  g_assert_finalize_object (fixture->clock);
}

static char *
md5 (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static char *
md5 (const char *format,
     ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  return g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);
}

/* What a phone answers, computed here (RFC 2617 §3.2.2.1). */
static char *
phone_response (const char *password,
                const char *method,
                const char *nonce,
                const char *nc,
                const char *cnonce,
                const char *qop)
{
  g_autofree char *ha1 = md5 ("%s:%s:%s", USER, REALM, password);
  g_autofree char *ha2 = md5 ("%s:%s", method, URI);

  if (qop == NULL)
    return md5 ("%s:%s:%s", ha1, nonce, ha2);
  return md5 ("%s:%s:%s:%s:%s:%s", ha1, nonce, nc, cnonce, qop, ha2);
}

/* The nonce of a fresh challenge, which must offer qop=auth and MD5. */
static char *
challenge_nonce (Fixture  *fixture,
                 gboolean  stale)
{
  g_autofree char *challenge = cb_sip_digest_challenge (fixture->digest, stale);
  const char *start;
  const char *end;

  g_assert_true (g_str_has_prefix (challenge, "Digest "));
  g_assert_nonnull (strstr (challenge, "realm=\"" REALM "\""));
  g_assert_nonnull (strstr (challenge, "qop=\"auth\""));
  g_assert_nonnull (strstr (challenge, "algorithm=MD5"));
  g_assert_cmpint (strstr (challenge, "stale=true") != NULL, ==, stale);
  start = strstr (challenge, "nonce=\"");
  g_assert_nonnull (start);
  start += strlen ("nonce=\"");
  end = strchr (start, '"');
  g_assert_nonnull (end);
  return g_strndup (start, end - start);
}

/* Authorization parameters as sofia hands them over: quoted strings,
 * qop and nc bare. NULL values leave the parameter out. */
static GStrv
auth_params (const char *nonce,
             const char *response,
             const char *qop)
{
  GPtrArray *list = g_ptr_array_new ();

  g_ptr_array_add (list, g_strdup ("username=\"" USER "\""));
  g_ptr_array_add (list, g_strdup ("realm=\"" REALM "\""));
  if (nonce != NULL)
    g_ptr_array_add (list, g_strdup_printf ("nonce=\"%s\"", nonce));
  g_ptr_array_add (list, g_strdup ("uri=\"" URI "\""));
  if (response != NULL)
    g_ptr_array_add (list, g_strdup_printf ("response=\"%s\"", response));
  g_ptr_array_add (list, g_strdup ("algorithm=MD5"));
  if (qop != NULL)
    {
      g_ptr_array_add (list, g_strdup_printf ("qop=%s", qop));
      g_ptr_array_add (list, g_strdup ("nc=00000001"));
      g_ptr_array_add (list, g_strdup ("cnonce=\"0a4f113b\""));
    }
  g_ptr_array_add (list, NULL);
  return (GStrv) g_ptr_array_free (list, FALSE);
}

static CbSipDigestResult
verify (Fixture    *fixture,
        const char *nonce,
        const char *password,
        const char *method)
{
  g_autofree char *response = phone_response (password, method, nonce, "00000001", "0a4f113b", "auth");
  g_auto(GStrv) params = auth_params (nonce, response, "auth");

  return cb_sip_digest_verify (fixture->digest, (const char * const *) params, "REGISTER", PASSWORD);
}

/* The example of RFC 2617 §3.5. */
static void
test_rfc2617_example (void)
{
  g_autofree char *response = cb_sip_digest_response ("Mufasa", "testrealm@host.com", "Circle Of Life",
                                                      "GET", "/dir/index.html",
                                                      "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                                                      "00000001", "0a4f113b", "auth");

  g_assert_cmpstr (response, ==, "6629fae49393a05397450978507c4ef1");
}

static void
test_verify (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *nonce = challenge_nonce (fixture, FALSE);

  g_assert_cmpstr (cb_sip_digest_get_realm (fixture->digest), ==, REALM);
  g_assert_cmpint (verify (fixture, nonce, PASSWORD, "REGISTER"), ==, CB_SIP_DIGEST_OK);
  g_assert_cmpint (verify (fixture, nonce, "wrong", "REGISTER"), ==, CB_SIP_DIGEST_WRONG);
  g_assert_cmpint (verify (fixture, nonce, "", "REGISTER"), ==, CB_SIP_DIGEST_WRONG);
  /* An answer for another method does not carry over. */
  g_assert_cmpint (verify (fixture, nonce, PASSWORD, "INVITE"), ==, CB_SIP_DIGEST_WRONG);

  /* Hex digits in either case; without qop as RFC 2069 phones answer. */
  {
    g_autofree char *response = phone_response (PASSWORD, "REGISTER", nonce, NULL, NULL, NULL);
    g_autofree char *upper = g_ascii_strup (response, -1);
    g_auto(GStrv) params = auth_params (nonce, upper, NULL);

    g_assert_cmpint (cb_sip_digest_verify (fixture->digest, (const char * const *) params,
                                           "REGISTER", PASSWORD), ==, CB_SIP_DIGEST_OK);
  }
}

/* A nonce is good for its lifetime; after that the right password gets
 * "stale" (the phone retries at once with a new nonce), a wrong one
 * still gets "wrong". */
static void
test_stale (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *nonce = challenge_nonce (fixture, FALSE);
  g_autofree char *fresh = NULL;

  cb_clock_advance (fixture->clock, LIFETIME_S * G_USEC_PER_SEC);
  g_assert_cmpint (verify (fixture, nonce, PASSWORD, "REGISTER"), ==, CB_SIP_DIGEST_OK);
  cb_clock_advance (fixture->clock, 1);
  g_assert_cmpint (verify (fixture, nonce, PASSWORD, "REGISTER"), ==, CB_SIP_DIGEST_STALE);
  g_assert_cmpint (verify (fixture, nonce, "wrong", "REGISTER"), ==, CB_SIP_DIGEST_WRONG);

  fresh = challenge_nonce (fixture, TRUE);
  g_assert_cmpstr (fresh, !=, nonce);
  g_assert_cmpint (verify (fixture, fresh, PASSWORD, "REGISTER"), ==, CB_SIP_DIGEST_OK);
}

static CbSipDigestResult
verify_params (Fixture            *fixture,
               const char * const *params)
{
  return cb_sip_digest_verify (fixture->digest, params, "REGISTER", PASSWORD);
}

/* Each missing or mangled part makes the answer wrong, never OK. */
static void
test_malformed (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *nonce = challenge_nonce (fixture, FALSE);
  g_autofree char *response = phone_response (PASSWORD, "REGISTER", nonce, "00000001", "0a4f113b", "auth");
  g_auto(GStrv) good = auth_params (nonce, response, "auth");
  static const char * const names[] = { "username", "realm", "nonce", "uri", "response", "nc", "cnonce" };

  g_assert_cmpint (verify_params (fixture, (const char * const *) good), ==, CB_SIP_DIGEST_OK);
  g_assert_cmpint (verify_params (fixture, NULL), ==, CB_SIP_DIGEST_WRONG);
  {
    const char * const empty[] = { NULL };

    g_assert_cmpint (verify_params (fixture, empty), ==, CB_SIP_DIGEST_WRONG);
  }

  /* Without any one of the parameters it needs. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GPtrArray) without = g_ptr_array_new ();

      for (guint j = 0; good[j] != NULL; j++)
        if (!g_str_has_prefix (good[j], names[i]) || good[j][strlen (names[i])] != '=')
          g_ptr_array_add (without, good[j]);
      g_ptr_array_add (without, NULL);
      g_assert_cmpuint (without->len, ==, g_strv_length (good));
      g_test_message ("without %s", names[i]);
      g_assert_cmpint (verify_params (fixture, (const char * const *) without->pdata), ==,
                       CB_SIP_DIGEST_WRONG);
    }

  /* One parameter replaced at a time. */
  {
    g_autofree char *forged_mac = NULL;
    g_autofree char *other_key = NULL;
    g_autoptr(CbSipDigest) other = cb_sip_digest_new (REALM, LIFETIME_S);
    const char *dot = strchr (nonce, '.');
    struct {
      const char *name;
      char       *value;
    } replaced[] = {
      { "realm", g_strdup ("realm=\"elsewhere\"") },
      { "algorithm", g_strdup ("algorithm=SHA-256") },
      { "qop", g_strdup ("qop=auth-int") },
      { "nonce", g_strdup ("nonce=\"nodot\"") },
      { "nonce", g_strdup ("nonce=\"\"") },
      { "nonce", NULL },
      { "nonce", NULL },
      { "response", g_strdup ("response=\"\"") },
      { "response", g_strdup ("response=\"6629fae49393a05397450978507c4ef1\"") },
    };

    /* The stamp kept, the MAC altered; a nonce another server made. */
    g_assert_nonnull (dot);
    forged_mac = g_strdup (nonce);
    forged_mac[dot - nonce + 1] = forged_mac[dot - nonce + 1] == '0' ? '1' : '0';
    replaced[5].value = g_strdup_printf ("nonce=\"%s\"", forged_mac);
    {
      g_autofree char *challenge = cb_sip_digest_challenge (other, FALSE);
      const char *start = strstr (challenge, "nonce=\"");

      other_key = g_strndup (start, strchr (start + strlen ("nonce=\""), '"') - start + 1);
    }
    replaced[6].value = g_steal_pointer (&other_key);

    for (guint i = 0; i < G_N_ELEMENTS (replaced); i++)
      {
        g_autoptr(GPtrArray) changed = g_ptr_array_new ();
        gsize len = strlen (replaced[i].name);

        for (guint j = 0; good[j] != NULL; j++)
          g_ptr_array_add (changed, strncmp (good[j], replaced[i].name, len) == 0 && good[j][len] == '=' ?
                                    replaced[i].value : good[j]);
        g_ptr_array_add (changed, NULL);
        g_test_message ("with %s", replaced[i].value);
        g_assert_cmpint (verify_params (fixture, (const char * const *) changed->pdata), ==,
                         CB_SIP_DIGEST_WRONG);
      }
    for (guint i = 0; i < G_N_ELEMENTS (replaced); i++)
      g_free (replaced[i].value);
  }
}

/* Values may come quoted or bare; names match without regard to case. */
static void
test_quoting (Fixture       *fixture,
              gconstpointer  data)
{
  const char * const params[] = {
    "usernamex=\"not this\"", "USERNAME=\"anna\"", "nc=00000001", "uri=\"sip:a=b@c\"",
    "opaque=\"\"", "odd=\"", "bare=x\"y", NULL,
  };
  struct {
    const char *name;
    const char *value;
  } expected[] = {
    { "username", "anna" },
    { "nc", "00000001" },
    { "uri", "sip:a=b@c" },
    { "opaque", "" },
    { "odd", "\"" },
    { "bare", "x\"y" },
    { "cnonce", NULL },
    { "user", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *value = cb_sip_digest_param (params, expected[i].name);

      g_assert_cmpstr (value, ==, expected[i].value);
    }
  g_assert_null (cb_sip_digest_param (NULL, "username"));

  /* The same answer verifies with qop, nc and the strings quoted or not. */
  {
    g_autofree char *nonce = challenge_nonce (fixture, FALSE);
    g_autofree char *response = phone_response (PASSWORD, "REGISTER", nonce, "00000001", "0a4f113b", "auth");
    g_autofree char *quoted_nonce = g_strdup_printf ("nonce=\"%s\"", nonce);
    g_autofree char *bare_nonce = g_strdup_printf ("nonce=%s", nonce);
    g_autofree char *quoted_response = g_strdup_printf ("response=\"%s\"", response);
    g_autofree char *bare_response = g_strdup_printf ("response=%s", response);
    const char * const quoted[] = {
      "username=\"" USER "\"", "realm=\"" REALM "\"", quoted_nonce, "uri=\"" URI "\"",
      quoted_response, "algorithm=\"MD5\"", "qop=\"auth\"", "nc=\"00000001\"", "cnonce=\"0a4f113b\"",
      NULL,
    };
    const char * const bare[] = {
      "username=" USER, "realm=" REALM, bare_nonce, "uri=" URI, bare_response, "algorithm=md5",
      "qop=auth", "nc=00000001", "cnonce=0a4f113b", NULL,
    };

    g_assert_cmpint (verify_params (fixture, quoted), ==, CB_SIP_DIGEST_OK);
    g_assert_cmpint (verify_params (fixture, bare), ==, CB_SIP_DIGEST_OK);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip-digest/rfc2617-example", test_rfc2617_example);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sip-digest/verify", test_verify);
  ADD ("/sip-digest/stale", test_stale);
  ADD ("/sip-digest/malformed", test_malformed);
  ADD ("/sip-digest/quoting", test_quoting);
#undef ADD

  return g_test_run ();
}
