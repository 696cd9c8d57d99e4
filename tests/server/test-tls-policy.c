/* test-tls-policy.c: HTTPS speaks TLS 1.2 and 1.3 only, with forward-secret suites
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against the real callboardd with the test certificate, probed by
 * `openssl s_client` (Debian's openssl package; the test is skipped
 * without it). The client is told to allow everything it can (security
 * level 0), so a refusal is the server's.
 */

#define G_LOG_DOMAIN "cb-test-tls-policy"

#include "config.h"

#include <string.h>

#include "cb-test-server.h"

static CbTestServer *server;
static char *openssl;

/* Whether a handshake with these s_client options succeeds; the
 * negotiated protocol and cipher in *what. */
static gboolean
handshake (const char * const *options,
           char              **what)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *connect = NULL;
  g_autofree char *out = NULL;
  const char *cipher;
  const char *port = strrchr (server->url, ':') + 1;

  connect = g_strdup_printf ("127.0.0.1:%s", port);
  g_ptr_array_add (argv, openssl);
  g_ptr_array_add (argv, (char *) "s_client");
  g_ptr_array_add (argv, (char *) "-connect");
  g_ptr_array_add (argv, connect);
  for (guint i = 0; options[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) options[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  /* No input: s_client ends after the handshake. */
  g_subprocess_communicate_utf8 (process, "", NULL, &out, NULL, &error);
  g_assert_no_error (error);

  cipher = out != NULL ? strstr (out, ", Cipher is ") : NULL;
  *what = cipher != NULL ? g_strndup (cipher + 2, strcspn (cipher + 2, "\n")) : g_strdup ("no handshake");
  return g_subprocess_get_successful (process) && cipher != NULL &&
         strstr (out, "Cipher is (NONE)") == NULL;
}

static void
expect (gboolean            accepted,
        const char * const *options)
{
  g_autofree char *what = NULL;
  g_autofree char *shown = g_strjoinv (" ", (char **) options);
  gboolean ok = handshake (options, &what);

  g_test_message ("%s: %s", shown, what);
  if (ok != accepted)
    g_error ("s_client %s: %s, expected %s", shown, what, accepted ? "a handshake" : "a refusal");
}

static void
test_versions (void)
{
  const char *tls10[] = { "-tls1", "-cipher", "DEFAULT:@SECLEVEL=0", NULL };
  const char *tls11[] = { "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0", NULL };
  const char *tls12[] = { "-tls1_2", NULL };
  const char *tls13[] = { "-tls1_3", NULL };

  if (openssl == NULL)
    {
      g_test_skip ("openssl (Debian package openssl) is not installed");
      return;
    }
  expect (FALSE, tls10);
  expect (FALSE, tls11);
  expect (TRUE, tls12);
  expect (TRUE, tls13);
}

/* In TLS 1.2, key exchange by RSA encryption (no forward secrecy) is
 * refused; ECDHE is what a client gets. */
static void
test_forward_secrecy (void)
{
  const char *rsa_kx[] = { "-tls1_2", "-cipher", "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA:AES256-SHA:@SECLEVEL=0", NULL };
  const char *ecdhe[] = { "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256", NULL };
  const char *any12[] = { "-tls1_2", "-cipher", "ALL:@SECLEVEL=0", NULL };
  g_autofree char *what = NULL;

  if (openssl == NULL)
    {
      g_test_skip ("openssl (Debian package openssl) is not installed");
      return;
    }
  expect (FALSE, rsa_kx);
  expect (TRUE, ecdhe);
  /* Offered everything, the server picks a forward-secret AEAD suite. */
  g_assert_true (handshake (any12, &what));
  g_test_message ("-tls1_2 -cipher ALL: %s", what);
  g_assert_true (strstr (what, "ECDHE-") != NULL || strstr (what, "DHE-") != NULL);
  g_assert_true (strstr (what, "GCM") != NULL || strstr (what, "CHACHA20") != NULL ||
                 strstr (what, "CCM") != NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cert = g_build_filename (SOURCE_ROOT, "tests", "data", "tls", "test-cert.pem", NULL);
  g_autofree char *key = g_build_filename (SOURCE_ROOT, "tests", "data", "tls", "test-key.pem", NULL);
  const char *args[] = { "--tls-certificate", cert, "--tls-key", key, NULL };
  int result;

  g_test_init (&argc, &argv, NULL);
  openssl = g_find_program_in_path ("openssl");
  /* The server must choose its own priority, not one from our caller. */
  g_unsetenv ("G_TLS_GNUTLS_PRIORITY");
  server = cb_test_server_start ("{\"users\":[]}", args);

  g_test_add_func ("/tls-policy/versions", test_versions);
  g_test_add_func ("/tls-policy/forward-secrecy", test_forward_secrecy);
  result = g_test_run ();

  cb_test_server_stop (server);
  g_free (openssl);
  return result;
}
