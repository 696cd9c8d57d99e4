/* test-sip-digest.c: the registrar's digest auth (RFC 2617, RFC 8760) and its throttle in-process
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The RFCs' own examples check the request-digest (MD5 and SHA-256); the
 * answers that cb_sip_digest_verify() gets here are computed by the test
 * itself, so the two computations check each other. Nonces age, and
 * failures are forgotten, on a manual clock.
 */

#define G_LOG_DOMAIN "cb-test-sip-digest"

#include "config.h"

#include <string.h>

#include "cb-server-config.h"
#include "cb-sip-auth-throttle.h"
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

static char *
sha256 (const char *format,
        ...) G_GNUC_PRINTF (1, 2);

static char *
sha256 (const char *format,
        ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

/* The nonce of a fresh challenge, which must offer qop=auth and MD5. */
static char *
challenge_nonce (Fixture  *fixture,
                 gboolean  stale)
{
  g_auto(GStrv) challenges = cb_sip_digest_challenges (fixture->digest, stale);
  const char *challenge = challenges[0];
  const char *start;
  const char *end;

  g_assert_true (g_str_has_prefix (challenge, "Digest "));
  g_assert_nonnull (strstr (challenge, "realm=\"" REALM "\""));
  g_assert_nonnull (strstr (challenge, "qop=\"auth\""));
  g_assert_nonnull (strstr (challenge, "algorithm=MD5"));
  /* MD5 alone unless SHA-256 is asked for. */
  g_assert_null (challenges[1]);
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

  return cb_sip_digest_verify (fixture->digest, (const char * const *) params, "REGISTER", URI, PASSWORD);
}

/* The example of RFC 2617 §3.5. */
static void
test_rfc2617_example (void)
{
  g_autofree char *response = cb_sip_digest_response (CB_SIP_DIGEST_MD5,
                                                      "Mufasa", "testrealm@host.com", "Circle Of Life",
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

  /* Hex digits in either case; without qop as RFC 2069 phones answer
   * (a nonce of its own: one used with qop is not good without). */
  {
    g_autofree char *bare_nonce = challenge_nonce (fixture, FALSE);
    g_autofree char *response = phone_response (PASSWORD, "REGISTER", bare_nonce, NULL, NULL, NULL);
    g_autofree char *upper = g_ascii_strup (response, -1);
    g_auto(GStrv) params = auth_params (bare_nonce, upper, NULL);

    g_assert_cmpint (cb_sip_digest_verify (fixture->digest, (const char * const *) params,
                                           "REGISTER", URI, PASSWORD), ==, CB_SIP_DIGEST_OK);
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
  return cb_sip_digest_verify (fixture->digest, params, "REGISTER", URI, PASSWORD);
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
    const char *dot = strrchr (nonce, '.');
    struct {
      const char *name;
      char       *value;
    } replaced[] = {
      { "realm", g_strdup ("realm=\"elsewhere\"") },
      { "algorithm", g_strdup ("algorithm=SHA-256") },
      { "algorithm", g_strdup ("algorithm=MD5-sess") },
      { "nc", g_strdup ("nc=1") },
      { "nc", g_strdup ("nc=0000000g") },
      { "nc", g_strdup ("nc=00000000") },
      { "uri", g_strdup ("uri=\"sip:elsewhere.test\"") },
      { "qop", g_strdup ("qop=auth-int") },
      { "nonce", g_strdup ("nonce=\"nodot\"") },
      { "nonce", g_strdup ("nonce=\"\"") },
      { "nonce", NULL },
      { "nonce", NULL },
      { "nonce", NULL },
      { "response", g_strdup ("response=\"\"") },
      { "response", g_strdup ("response=\"6629fae49393a05397450978507c4ef1\"") },
    };

    /* The stamp kept, the MAC altered; a nonce another server made. */
    g_assert_nonnull (dot);
    forged_mac = g_strdup (nonce);
    forged_mac[dot - nonce + 1] = forged_mac[dot - nonce + 1] == '0' ? '1' : '0';
    replaced[10].value = g_strdup_printf ("nonce=\"%s\"", forged_mac);
    /* The MAC kept, the stamp altered. */
    replaced[12].value = g_strdup_printf ("nonce=\"1%s\"", nonce);
    {
      g_auto(GStrv) challenges = cb_sip_digest_challenges (other, FALSE);
      const char *start = strstr (challenges[0], "nonce=\"");

      other_key = g_strndup (start, strchr (start + strlen ("nonce=\""), '"') - start + 1);
    }
    replaced[11].value = g_steal_pointer (&other_key);

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
    g_autofree char *second = phone_response (PASSWORD, "REGISTER", nonce, "00000002", "0a4f113b", "auth");
    g_autofree char *bare_response = g_strdup_printf ("response=%s", second);
    const char * const quoted[] = {
      "username=\"" USER "\"", "realm=\"" REALM "\"", quoted_nonce, "uri=\"" URI "\"",
      quoted_response, "algorithm=\"MD5\"", "qop=\"auth\"", "nc=\"00000001\"", "cnonce=\"0a4f113b\"",
      NULL,
    };
    const char * const bare[] = {
      "username=" USER, "realm=" REALM, bare_nonce, "uri=" URI, bare_response, "algorithm=md5",
      "qop=auth", "nc=00000002", "cnonce=0a4f113b", NULL,
    };

    g_assert_cmpint (verify_params (fixture, quoted), ==, CB_SIP_DIGEST_OK);
    g_assert_cmpint (verify_params (fixture, bare), ==, CB_SIP_DIGEST_OK);
  }
}

/* Credentials as a phone computes them for REGISTER: the algorithm, the
 * nonce, its count (NULL: without qop) and the uri it names. */
static GStrv
credentials (CbSipDigestAlgorithm  algorithm,
             const char           *nonce,
             const char           *nc,
             const char           *uri)
{
  gboolean sha = algorithm == CB_SIP_DIGEST_SHA256;
  g_autofree char *ha1 = sha ? sha256 ("%s:%s:%s", USER, REALM, PASSWORD) : md5 ("%s:%s:%s", USER, REALM, PASSWORD);
  g_autofree char *ha2 = sha ? sha256 ("REGISTER:%s", uri) : md5 ("REGISTER:%s", uri);
  g_autofree char *response = NULL;
  GPtrArray *list = g_ptr_array_new ();

  if (nc == NULL)
    response = sha ? sha256 ("%s:%s:%s", ha1, nonce, ha2) : md5 ("%s:%s:%s", ha1, nonce, ha2);
  else
    response = sha ? sha256 ("%s:%s:%s:c0ffee:auth:%s", ha1, nonce, nc, ha2)
                   : md5 ("%s:%s:%s:c0ffee:auth:%s", ha1, nonce, nc, ha2);
  g_ptr_array_add (list, g_strdup ("username=\"" USER "\""));
  g_ptr_array_add (list, g_strdup ("realm=\"" REALM "\""));
  g_ptr_array_add (list, g_strdup_printf ("nonce=\"%s\"", nonce));
  g_ptr_array_add (list, g_strdup_printf ("uri=\"%s\"", uri));
  g_ptr_array_add (list, g_strdup_printf ("response=\"%s\"", response));
  g_ptr_array_add (list, g_strdup_printf ("algorithm=%s", cb_sip_digest_algorithm_name (algorithm)));
  if (nc != NULL)
    {
      g_ptr_array_add (list, g_strdup ("qop=auth"));
      g_ptr_array_add (list, g_strdup_printf ("nc=%s", nc));
      g_ptr_array_add (list, g_strdup ("cnonce=\"c0ffee\""));
    }
  g_ptr_array_add (list, NULL);
  return (GStrv) g_ptr_array_free (list, FALSE);
}

static CbSipDigestResult
check (Fixture              *fixture,
       CbSipDigestAlgorithm  algorithm,
       const char           *nonce,
       const char           *nc)
{
  g_auto(GStrv) params = credentials (algorithm, nonce, nc, URI);

  return cb_sip_digest_verify (fixture->digest, (const char * const *) params, "REGISTER", URI, PASSWORD);
}

/* The SHA-256 example of RFC 7616 §3.9.1 (an HTTP request, the same
 * computation). */
static void
test_rfc7616_example (void)
{
  g_autofree char *response = cb_sip_digest_response (CB_SIP_DIGEST_SHA256,
                                                      "Mufasa", "http-auth@example.org", "Circle of Life",
                                                      "GET", "/dir/index.html",
                                                      "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                                                      "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
                                                      "auth");

  g_assert_cmpstr (response, ==, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

/* Right credentials sent again are a replay: each nonce count once (out
 * of order within 32), a nonce without qop once. */
static void
test_replay (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *nonce = challenge_nonce (fixture, FALSE);
  g_autofree char *bare = challenge_nonce (fixture, FALSE);

  g_assert_cmpstr (nonce, !=, bare);
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, nonce, "00000001"), ==, CB_SIP_DIGEST_OK);
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, nonce, "00000001"), ==, CB_SIP_DIGEST_REPLAYED);
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, nonce, "00000002"), ==, CB_SIP_DIGEST_OK);
  /* Two requests crossing: 5 before 4; then neither again. */
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, nonce, "00000005"), ==, CB_SIP_DIGEST_OK);
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, nonce, "00000004"), ==, CB_SIP_DIGEST_OK);
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, nonce, "00000004"), ==, CB_SIP_DIGEST_REPLAYED);
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, nonce, "00000005"), ==, CB_SIP_DIGEST_REPLAYED);
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, nonce, "00000002"), ==, CB_SIP_DIGEST_REPLAYED);
  /* Far behind the highest: no telling, refused. */
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, nonce, "00000040"), ==, CB_SIP_DIGEST_OK);
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, nonce, "00000003"), ==, CB_SIP_DIGEST_REPLAYED);
  /* The other algorithm is no way around it. */
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_SHA256, nonce, "00000040"), ==, CB_SIP_DIGEST_REPLAYED);
  /* Used with qop, not good without. */
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, nonce, NULL), ==, CB_SIP_DIGEST_REPLAYED);

  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, bare, NULL), ==, CB_SIP_DIGEST_OK);
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, bare, NULL), ==, CB_SIP_DIGEST_REPLAYED);
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, bare, "00000001"), ==, CB_SIP_DIGEST_REPLAYED);

  /* A wrong password stays wrong, replayed or not; a stale nonce stale. */
  {
    g_auto(GStrv) wrong = credentials (CB_SIP_DIGEST_MD5, nonce, "00000001", URI);

    g_assert_cmpint (cb_sip_digest_verify (fixture->digest, (const char * const *) wrong, "REGISTER", URI,
                                           "other"), ==, CB_SIP_DIGEST_WRONG);
  }
  cb_clock_advance (fixture->clock, LIFETIME_S * G_USEC_PER_SEC + 1);
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, nonce, "00000041"), ==, CB_SIP_DIGEST_STALE);
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, nonce, "00000001"), ==, CB_SIP_DIGEST_STALE);
}

/* The digest's uri must name the Request-URI's resource (RFC 2617
 * §3.2.2.5), compared as URIs: host case and parameters do not matter,
 * scheme, host, port and a user it names do. Without a user it names the
 * server (as sipp signs). */
static void
test_uri (Fixture       *fixture,
          gconstpointer  data)
{
  const struct {
    const char *request;
    const char *uri;
    gboolean    same;
  } cases[] = {
    { URI, URI, TRUE },
    { URI, "sip:CALLBOARD.test", TRUE },
    { URI, "sip:callboard.test;transport=udp", TRUE },
    { URI, "sip:elsewhere.test", FALSE },
    { URI, "sip:201@callboard.test", FALSE },
    { URI, "sip:callboard.test:5070", FALSE },
    { URI, "sips:callboard.test", FALSE },
    { URI, "*", FALSE },
    { URI, "not a uri", FALSE },
    { "sip:202@192.0.2.1:5060", "sip:202@192.0.2.1", TRUE },
    { "sip:202@192.0.2.1:5060", "sip:192.0.2.1:5060", TRUE },
    { "sip:202@192.0.2.1:5060", "sip:203@192.0.2.1:5060", FALSE },
    { "sip:202@192.0.2.1:5060", "sip:202@192.0.2.2:5060", FALSE },
    { "sip:202@192.0.2.1:5060", "sip:202@192.0.2.1:5061", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *nonce = challenge_nonce (fixture, FALSE);
      g_auto(GStrv) params = credentials (CB_SIP_DIGEST_MD5, nonce, "00000001", cases[i].uri);

      g_test_message ("uri %s for %s", cases[i].uri, cases[i].request);
      g_assert_cmpint (cb_sip_digest_verify (fixture->digest, (const char * const *) params, "REGISTER",
                                             cases[i].request, PASSWORD), ==,
                       cases[i].same ? CB_SIP_DIGEST_OK : CB_SIP_DIGEST_WRONG);
    }
}

/* SHA-256 offered before MD5, one challenge each with the same nonce;
 * answers in either are accepted. */
static void
test_sha256 (Fixture       *fixture,
             gconstpointer  data)
{
  const CbSipDigestAlgorithm both[] = { CB_SIP_DIGEST_SHA256, CB_SIP_DIGEST_MD5 };
  g_auto(GStrv) challenges = NULL;
  g_autofree char *nonce = NULL;
  CbSipDigestAlgorithm parsed;

  g_assert_true (cb_sip_digest_algorithm_parse ("sha-256", &parsed));
  g_assert_cmpint (parsed, ==, CB_SIP_DIGEST_SHA256);
  g_assert_true (cb_sip_digest_algorithm_parse ("MD5", &parsed));
  g_assert_cmpint (parsed, ==, CB_SIP_DIGEST_MD5);
  g_assert_false (cb_sip_digest_algorithm_parse ("SHA-512-256", &parsed));
  g_assert_false (cb_sip_digest_algorithm_parse (NULL, &parsed));

  cb_sip_digest_set_algorithms (fixture->digest, both, G_N_ELEMENTS (both));
  challenges = cb_sip_digest_challenges (fixture->digest, TRUE);
  g_assert_cmpuint (g_strv_length (challenges), ==, 2);
  g_assert_nonnull (strstr (challenges[0], "algorithm=SHA-256"));
  g_assert_nonnull (strstr (challenges[1], "algorithm=MD5"));
  for (guint i = 0; i < 2; i++)
    {
      g_assert_nonnull (strstr (challenges[i], "stale=true"));
      g_assert_nonnull (strstr (challenges[i], "qop=\"auth\""));
    }
  {
    const char *start = strstr (challenges[0], "nonce=\"") + strlen ("nonce=\"");

    nonce = g_strndup (start, strchr (start, '"') - start);
    g_assert_nonnull (strstr (challenges[1], nonce));
  }
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_SHA256, nonce, "00000001"), ==, CB_SIP_DIGEST_OK);
  g_assert_cmpint (check (fixture, CB_SIP_DIGEST_MD5, nonce, "00000002"), ==, CB_SIP_DIGEST_OK);
  {
    g_auto(GStrv) wrong = credentials (CB_SIP_DIGEST_SHA256, nonce, "00000003", URI);

    g_assert_cmpint (cb_sip_digest_verify (fixture->digest, (const char * const *) wrong, "REGISTER", URI,
                                           "other"), ==, CB_SIP_DIGEST_WRONG);
  }
}

/* What callboardd starts with when the [sip] section says nothing. */
static void
test_defaults (void)
{
  CbServerConfig *config = cb_server_config_new ();

  g_assert_cmpuint (config->sip_nonce_lifetime, ==, 30);
  g_assert_cmpstrv (config->sip_digest_algorithms, ((const char * const []) { "MD5", NULL }));
  g_assert_cmpuint (config->sip_auth_failures, ==, 5);
  g_assert_cmpuint (config->sip_max_bindings, ==, 5);
  g_assert_cmpuint (config->sip_max_forks, ==, 32);
  g_assert_cmpuint (config->sip_max_external_calls, ==, 2);
  g_assert_cmpuint (config->sip_max_call_setups, ==, 1000);
  g_assert_cmpuint (config->sip_max_call_rate, ==, 0);
  cb_server_config_free (config);
}

/* ---- the throttle -------------------------------------------------------- */

#define FREE 3
#define MAX_BLOCK_S 60
#define WINDOW_S 300

typedef struct {
  CbClock           *clock;
  CbSipAuthThrottle *throttle;
} Throttle;

static void
throttle_setup (Throttle      *fixture,
                gconstpointer  data)
{
  fixture->clock = cb_clock_new_manual (G_GINT64_CONSTANT (7200) * G_USEC_PER_SEC, 0);
  fixture->throttle = cb_sip_auth_throttle_new (FREE, MAX_BLOCK_S, WINDOW_S);
  cb_sip_auth_throttle_set_clock (fixture->throttle, fixture->clock);
}

static void
throttle_teardown (Throttle      *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->throttle, cb_sip_auth_throttle_free);
  g_assert_finalize_object (fixture->clock);
}

/* One attempt: allowed and failed, or refused unheard; whether allowed. */
static gboolean
attempt (Throttle   *fixture,
         const char *address,
         const char *user)
{
  if (!cb_sip_auth_throttle_allow (fixture->throttle, address, user))
    return FALSE;
  cb_sip_auth_throttle_failed (fixture->throttle, address, user);
  return TRUE;
}

static void
advance_s (Throttle *fixture,
           double    seconds)
{
  cb_clock_advance (fixture->clock, (gint64) (seconds * G_USEC_PER_SEC));
}

/* A few free failures, then blocks of 1 s, 2 s, 4 s …; attempts while
 * blocked are refused unheard and make the next block longer, not this
 * one. */
static void
test_throttle_blocks (Throttle      *fixture,
                      gconstpointer  data)
{
  for (guint i = 0; i < FREE; i++)
    g_assert_true (attempt (fixture, "192.0.2.1", "201"));
  g_assert_true (attempt (fixture, "192.0.2.1", "201"));   /* the first that blocks: 1 s */
  g_assert_false (attempt (fixture, "192.0.2.1", "201"));
  advance_s (fixture, 0.9);
  g_assert_false (attempt (fixture, "192.0.2.1", "201"));
  advance_s (fixture, 0.2);
  /* Two refused attempts counted: this failure blocks 2^3 s. */
  g_assert_true (attempt (fixture, "192.0.2.1", "201"));
  advance_s (fixture, 7.9);
  g_assert_false (attempt (fixture, "192.0.2.1", "201"));
  advance_s (fixture, 0.2);
  /* One refused: 2^5 s. */
  g_assert_true (attempt (fixture, "192.0.2.1", "201"));
  advance_s (fixture, 31.9);
  g_assert_false (attempt (fixture, "192.0.2.1", "201"));
  advance_s (fixture, 0.2);
  /* 2^7 s would be more than the cap. */
  g_assert_true (attempt (fixture, "192.0.2.1", "201"));
  advance_s (fixture, MAX_BLOCK_S - 0.1);
  g_assert_false (cb_sip_auth_throttle_allow (fixture->throttle, "192.0.2.1", "201"));
  advance_s (fixture, 0.2);
  g_assert_true (cb_sip_auth_throttle_allow (fixture->throttle, "192.0.2.1", "201"));

  /* A quiet window wipes the slate. */
  cb_sip_auth_throttle_failed (fixture->throttle, "192.0.2.1", "201");
  advance_s (fixture, WINDOW_S + MAX_BLOCK_S);
  for (guint i = 0; i < FREE; i++)
    g_assert_true (attempt (fixture, "192.0.2.1", "201"));
}

/* One address guessing: refused there, for every user; the user from
 * another address is not; nor is a phone of another user that recently
 * authenticated from the attacker's address (one NAT). */
static void
test_throttle_addresses (Throttle      *fixture,
                         gconstpointer  data)
{
  cb_sip_auth_throttle_succeeded (fixture->throttle, "192.0.2.1", "anna");
  for (guint i = 0; i < 20; i++)
    attempt (fixture, "192.0.2.1", "201");
  g_assert_false (cb_sip_auth_throttle_allow (fixture->throttle, "192.0.2.1", "201"));
  g_assert_false (cb_sip_auth_throttle_allow (fixture->throttle, "192.0.2.1", "203"));
  /* User names count without regard to case. */
  g_assert_true (cb_sip_auth_throttle_allow (fixture->throttle, "192.0.2.1", "ANNA"));
  g_assert_true (cb_sip_auth_throttle_allow (fixture->throttle, "198.51.100.2", "201"));
  cb_sip_auth_throttle_succeeded (fixture->throttle, "198.51.100.2", "201");

  /* Guessing from many addresses locks the user out of new ones, not out
   * of the one it authenticated from. */
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *address = g_strdup_printf ("203.0.113.%u", i);

      /* 192.0.2.1 counted once, then three more addresses. */
      g_assert_cmpint (attempt (fixture, address, "201"), ==, i < FREE);
    }
  g_assert_false (cb_sip_auth_throttle_allow (fixture->throttle, "203.0.113.99", "201"));
  g_assert_false (cb_sip_auth_throttle_allow (fixture->throttle, "203.0.113.98", "201"));
  g_assert_true (cb_sip_auth_throttle_allow (fixture->throttle, "198.51.100.2", "201"));
  g_assert_true (cb_sip_auth_throttle_allow (fixture->throttle, "203.0.113.99", "202"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip-digest/rfc2617-example", test_rfc2617_example);
  g_test_add_func ("/sip-digest/rfc7616-example", test_rfc7616_example);
  g_test_add_func ("/sip-digest/defaults", test_defaults);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sip-digest/verify", test_verify);
  ADD ("/sip-digest/stale", test_stale);
  ADD ("/sip-digest/malformed", test_malformed);
  ADD ("/sip-digest/quoting", test_quoting);
  ADD ("/sip-digest/replay", test_replay);
  ADD ("/sip-digest/uri", test_uri);
  ADD ("/sip-digest/sha-256", test_sha256);
#undef ADD
  g_test_add ("/sip-digest/throttle/blocks", Throttle, NULL, throttle_setup, test_throttle_blocks,
              throttle_teardown);
  g_test_add ("/sip-digest/throttle/addresses", Throttle, NULL, throttle_setup, test_throttle_addresses,
              throttle_teardown);

  return g_test_run ();
}
