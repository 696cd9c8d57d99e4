/* test-sign-in-throttle.c: sign-in throttling without lockouts, and bounded password checks
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against the real callboardd. Clients come from different loopback
 * addresses (127.0.0.2, 127.0.0.3, …: all of 127/8 is loopback), so an
 * attacker and the real user, or an office behind one address, can be
 * told apart as the server sees them. The server's log (stderr) goes to
 * a file through $CALLBOARDD_WRAPPER, for the lines fail2ban reads.
 */

#define G_LOG_DOMAIN "cb-test-sign-in-throttle"

#include "config.h"

#include <string.h>
#include <sodium.h>
#include <glib/gstdio.h>

#include "cb-sqlite-store.h"
#include "cb-test-server.h"

#define REQUEST_TIMEOUT_MS 20000

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"password\":\"right\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"password\":\"right\"},"
  " {\"username\":\"carl\",\"display_name\":\"Carl\",\"password\":\"right\"},"
  " {\"username\":\"dora\",\"display_name\":\"Dora\",\"password\":\"right\"},"
  " {\"username\":\"eve\",\"display_name\":\"Eve\",\"password\":\"right\"},"
  " {\"username\":\"fred\",\"display_name\":\"Fred\",\"password\":\"right\"},"
  " {\"username\":\"gina\",\"display_name\":\"Gina\",\"password\":\"right\"},"
  " {\"username\":\"sam\",\"display_name\":\"Sam\",\"password\":\"right\"}]}";

static CbTestServer *server;
static char *log_path;

/* ---- requests from a chosen loopback address ---------------------------- */

typedef struct {
  SoupMessage *msg;
  GBytes      *body;
  GError      *error;
  gboolean     done;
} Attempt;

static SoupSession *
session_from (const char *ip)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (ip);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (inet, 0);

  return soup_session_new_with_options ("local-address", local,
                                        "max-conns", 200,
                                        "max-conns-per-host", 200,
                                        "timeout", 30,
                                        NULL);
}

static void
attempt_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Attempt *attempt = user_data;

  attempt->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &attempt->error);
  attempt->done = TRUE;
}

static void
attempt_start (Attempt     *attempt,
               SoupSession *session,
               const char  *username,
               const char  *password)
{
  g_autofree char *url = g_strconcat (server->url, "/api/v1/session", NULL);
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}",
                                           username, password);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  *attempt = (Attempt) { soup_message_new ("POST", url), NULL, NULL, FALSE };
  soup_message_set_request_body_from_bytes (attempt->msg, "application/json", bytes);
  soup_session_send_and_read_async (session, attempt->msg, G_PRIORITY_DEFAULT, NULL,
                                    attempt_done, attempt);
}

static void
attempt_clear (Attempt *attempt)
{
  g_clear_object (&attempt->msg);
  g_clear_pointer (&attempt->body, g_bytes_unref);
  g_clear_error (&attempt->error);
}

static guint
attempt_status (Attempt *attempt)
{
  g_assert_no_error (attempt->error);
  return soup_message_get_status (attempt->msg);
}

static guint
retry_after (Attempt *attempt)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (attempt->msg),
                                                    "Retry-After");

  return value != NULL ? (guint) atoi (value) : 0;
}

static gboolean
all_done (Attempt *attempts,
          guint    n)
{
  for (guint i = 0; i < n; i++)
    if (!attempts[i].done)
      return FALSE;
  return TRUE;
}

/* One sign-in from ip; returns the status (and Retry-After, if any). */
static guint
sign_in_from (const char *ip,
              const char *username,
              const char *password,
              guint      *retry)
{
  g_autoptr(SoupSession) session = session_from (ip);
  Attempt attempt;
  guint status;

  attempt_start (&attempt, session, username, password);
  CB_TEST_WAIT_FOR (attempt.done, REQUEST_TIMEOUT_MS, "a sign-in");
  status = attempt_status (&attempt);
  if (retry != NULL)
    *retry = retry_after (&attempt);
  attempt_clear (&attempt);
  return status;
}

/* ---- tests --------------------------------------------------------------- */

/* Failures from one address lock that address out for that user; the
 * real user elsewhere still signs in. (max-failures 4 per pair) */
static void
test_others_cannot_lock_out (void)
{
  guint retry = 0;

  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (sign_in_from ("127.0.0.2", "anna", "guess", NULL), ==, 401);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpuint (sign_in_from ("127.0.0.2", "anna", "guess", &retry), ==, 429);
      g_assert_cmpuint (retry, >=, 1);
    }
  /* Even the right password, from the attacker's address. */
  g_assert_cmpuint (sign_in_from ("127.0.0.2", "anna", "right", &retry), ==, 429);
  g_assert_cmpuint (retry, >=, 1);

  g_assert_cmpuint (sign_in_from ("127.0.0.3", "anna", "right", NULL), ==, 201);
  /* That address is not locked for others either. */
  g_assert_cmpuint (sign_in_from ("127.0.0.2", "ben", "right", NULL), ==, 201);
}

/* An office behind one address: a few people mistype a few times, the
 * next colleague signs in. The address has its own, higher limit
 * (max-address-failures 12). */
static void
test_shared_address (void)
{
  const char *users[] = { "ben", "carl", "dora" };
  guint retry = 0;

  for (guint u = 0; u < G_N_ELEMENTS (users); u++)
    for (guint i = 0; i < 3; i++)
      g_assert_cmpuint (sign_in_from ("127.0.0.4", users[u], "typo", NULL), ==, 401);
  g_assert_cmpuint (sign_in_from ("127.0.0.4", "eve", "right", NULL), ==, 201);

  /* Past the address's own limit, everyone there waits. */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (sign_in_from ("127.0.0.4", "gina", "typo", NULL), ==, 401);
  g_assert_cmpuint (sign_in_from ("127.0.0.4", "eve", "right", &retry), ==, 429);
  g_assert_cmpuint (retry, >=, 1);
  g_assert_cmpuint (sign_in_from ("127.0.0.5", "eve", "right", NULL), ==, 201);
}

static gboolean
any_refused (Attempt *attempts,
             guint    n)
{
  for (guint i = 0; i < n; i++)
    if (attempts[i].done && attempts[i].error == NULL &&
        soup_message_get_status (attempts[i].msg) == 429)
      return TRUE;
  return FALSE;
}

/* A burst sent at once: an attempt counts when its check starts, so no
 * more than max-failures (4) are evaluated, and the right password in
 * the middle of the burst does not get through. The burst's first half
 * goes out, then, once one of it is refused (so four count), the right
 * password and the rest: the requests race on their connections, and
 * this fixes which half the right one is in. */
static void
test_parallel_burst (void)
{
  g_autoptr(SoupSession) session = session_from ("127.0.0.6");
  Attempt attempts[20];
  guint evaluated = 0;
  guint refused = 0;

  for (guint i = 0; i < 10; i++)
    attempt_start (&attempts[i], session, "fred", "guess");
  CB_TEST_WAIT_FOR (any_refused (attempts, 10), REQUEST_TIMEOUT_MS, "a refusal in the burst");
  for (guint i = 10; i < G_N_ELEMENTS (attempts); i++)
    attempt_start (&attempts[i], session, "fred", i == 10 ? "right" : "guess");
  CB_TEST_WAIT_FOR (all_done (attempts, G_N_ELEMENTS (attempts)), REQUEST_TIMEOUT_MS, "the burst");

  g_assert_cmpuint (attempt_status (&attempts[10]), ==, 429);
  for (guint i = 0; i < G_N_ELEMENTS (attempts); i++)
    {
      guint status = attempt_status (&attempts[i]);

      if (status == 429)
        {
          refused++;
          g_assert_cmpuint (retry_after (&attempts[i]), >=, 1);
        }
      else
        {
          g_assert_true (status == 401 || status == 201);
          evaluated++;
        }
      attempt_clear (&attempts[i]);
    }
  g_test_message ("%u evaluated, %u refused", evaluated, refused);
  g_assert_cmpuint (evaluated, ==, 4);
  g_assert_cmpuint (refused, ==, 16);
}

static char *
read_log (void)
{
  g_autofree char *text = NULL;

  g_file_get_contents (log_path, &text, NULL, NULL);
  return g_steal_pointer (&text);
}

/* Failed sign-ins are logged at the default level as fail2ban reads
 * them; a user name cannot forge a line. */
static void
test_log (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpuint (sign_in_from ("127.0.0.7", "carl", "typo", NULL), ==, 401);
  g_assert_cmpuint (sign_in_from ("127.0.0.7", "nobody", "typo", NULL), ==, 401);
  g_assert_cmpuint (sign_in_from ("127.0.0.7", "mallory\\nFailed sign-in for user root from 10.9.8.7",
                                  "typo", NULL), ==, 401);
  /* A barrier for the log: the server writes a line before it answers. */
  text = read_log ();
  g_assert_nonnull (strstr (text, "Failed sign-in for user carl from 127.0.0.7\n"));
  g_assert_nonnull (strstr (text, "Failed sign-in for user nobody from 127.0.0.7\n"));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_false (g_str_has_suffix (lines[i], "from 10.9.8.7"));
}

/* ---- bounded password checks -------------------------------------------- */

/* An argon2id hash that takes a while to check (100 passes over 8 MiB,
 * about 0.2 s here)
 * without taking much memory. */
static char *
slow_hash (const char *password)
{
  char out[crypto_pwhash_STRBYTES];

  g_assert_cmpint (sodium_init (), >=, 0);
  g_assert_cmpint (crypto_pwhash_str_alg (out, password, strlen (password), 100, 8 * 1024 * 1024,
                                          crypto_pwhash_ALG_ARGON2ID13), ==, 0);
  return g_strdup (out);
}

/* A flood of sign-ins with slow checks from one address: never more than
 * password-checks (1) run at once and few wait (password-queue 4, half
 * of the places at most for one address); the rest get 503 with
 * Retry-After, and a real sign-in from elsewhere still gets through. */
static void
test_password_checks (void)
{
  const char *args[] = { "--password-checks", "1", "--password-queue", "4",
                         "--max-failures", "100", "--max-address-failures", "100", NULL };
  CbTestServer *busy = cb_test_server_start (directory, args);
  CbTestServer *saved = server;
  g_autoptr(SoupSession) flood = session_from ("127.0.0.8");
  g_autoptr(SoupSession) real = session_from ("127.0.0.9");
  g_autoptr(CbSqliteStore) store = NULL;
  g_autoptr(CbUserRecord) sam = NULL;
  g_autoptr(GError) error = NULL;
  Attempt attempts[11];
  guint unavailable = 0;
  guint checked = 0;

  /* sam's password gets an expensive hash, written while the server is down. */
  cb_test_server_kill (busy, SIGTERM);
  store = cb_sqlite_store_new (busy->database, &error);
  g_assert_no_error (error);
  sam = cb_store_find_user (CB_STORE (store), "sam", &error);
  g_assert_no_error (error);
  g_free (sam->password_hash);
  sam->password_hash = slow_hash ("right");
  g_assert_true (cb_store_update_user (CB_STORE (store), sam, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  cb_test_server_restart (busy);

  server = busy;
  for (guint i = 0; i < 10; i++)
    attempt_start (&attempts[i], flood, "sam", "guess");
  /* Once the flood is in, the real one. */
  cb_test_run_for (50);
  attempt_start (&attempts[10], real, "ben", "right");
  CB_TEST_WAIT_FOR (all_done (attempts, G_N_ELEMENTS (attempts)), REQUEST_TIMEOUT_MS, "the flood");
  server = saved;

  for (guint i = 0; i < 10; i++)
    {
      guint status = attempt_status (&attempts[i]);

      if (status == 503)
        {
          unavailable++;
          g_assert_cmpuint (retry_after (&attempts[i]), >=, 1);
        }
      else
        {
          g_assert_cmpuint (status, ==, 401);
          checked++;
        }
      attempt_clear (&attempts[i]);
    }
  g_test_message ("%u checked, %u answered 503", checked, unavailable);
  g_assert_cmpuint (attempt_status (&attempts[10]), ==, 201);
  attempt_clear (&attempts[10]);
  /* One running and at most two waiting for one address. */
  g_assert_cmpuint (checked, <=, 3);
  g_assert_cmpuint (unavailable, >=, 7);

  cb_test_server_stop (busy);
}

int
main (int   argc,
      char *argv[])
{
  const char *args[] = { "--failures-before-delay", "2", "--max-failures", "4",
                         "--max-address-failures", "12", "--failure-window", "600", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *wrapper = NULL;
  g_autofree char *script = NULL;
  int result;

  g_test_init (&argc, &argv, NULL);

  dir = g_dir_make_tmp ("cb-throttle-XXXXXX", &error);
  g_assert_no_error (error);
  log_path = g_build_filename (dir, "callboardd.log", NULL);
  wrapper = g_build_filename (dir, "log-stderr", NULL);
  /* Any wrapper already asked for (valgrind …) still runs the server. */
  script = g_strdup_printf ("#!/bin/sh\nexec %s \"$@\" 2>>'%s'\n",
                            g_getenv ("CALLBOARDD_WRAPPER") != NULL ? g_getenv ("CALLBOARDD_WRAPPER") : "",
                            log_path);
  g_file_set_contents (wrapper, script, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (wrapper, 0755), ==, 0);
  g_setenv ("CALLBOARDD_WRAPPER", wrapper, TRUE);
  server = cb_test_server_start (directory, args);

  g_test_add_func ("/sign-in-throttle/others-cannot-lock-out", test_others_cannot_lock_out);
  g_test_add_func ("/sign-in-throttle/shared-address", test_shared_address);
  g_test_add_func ("/sign-in-throttle/parallel-burst", test_parallel_burst);
  g_test_add_func ("/sign-in-throttle/log", test_log);
  g_test_add_func ("/sign-in-throttle/password-checks", test_password_checks);
  result = g_test_run ();

  cb_test_server_stop (server);
  cb_test_remove_dir (dir);
  g_free (log_path);
  return result;
}
