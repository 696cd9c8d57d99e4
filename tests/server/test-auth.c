/* test-auth.c: bearer token expiry and the sign-in throttle, on a manual clock
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CbAuth in-process on a temporary SQLite store. The clock stands still
 * until the test moves it, so "one second before expiry" and "just
 * expired" are exact instants, not real waits.
 */

#define G_LOG_DOMAIN "cb-test-auth"

#include "config.h"

#include "cb-auth.h"
#include "cb-sqlite-store.h"
#include "cb-test-server.h"

#define LIFETIME_S 3600
#define WINDOW_S   900
/* 2023-11-14 22:13:20 UTC: any fixed instant does. */
#define START_S    G_GINT64_CONSTANT (1700000000)

typedef struct {
  char         *dir;
  CbStore      *store;
  CbClock      *clock;
  CbAuth       *auth;
  gint64        user_id;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(CbServerConfig) config = cb_server_config_new ();
  g_autoptr(CbUserRecord) user = cb_user_record_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("cb-auth-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "callboard.db", NULL);
  fixture->store = CB_STORE (cb_sqlite_store_new (path, &error));
  g_assert_no_error (error);

  user->username = g_strdup ("anna");
  user->display_name = g_strdup ("Anna");
  g_assert_true (cb_store_create_user (fixture->store, user, &error));
  g_assert_no_error (error);
  fixture->user_id = user->id;

  config->token_lifetime = LIFETIME_S;
  config->failures_before_delay = 3;
  config->max_failures = 5;
  config->max_address_failures = 8;
  config->failure_window = WINDOW_S;
  fixture->clock = cb_clock_new_manual (G_GINT64_CONSTANT (5000) * G_USEC_PER_SEC,
                                        START_S * G_USEC_PER_SEC);
  fixture->auth = cb_auth_new (fixture->store, config);
  cb_auth_set_clock (fixture->auth, fixture->clock);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_assert_finalize_object (fixture->auth);
  g_assert_finalize_object (fixture->clock);
  g_assert_finalize_object (fixture->store);
  cb_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static void
advance_s (Fixture *fixture,
           gint64   seconds)
{
  cb_clock_advance (fixture->clock, seconds * G_USEC_PER_SEC);
}

static char *
new_session (Fixture *fixture,
             gint64  *expires_at)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = cb_auth_create_session (fixture->auth, fixture->user_id, expires_at, &error);

  g_assert_no_error (error);
  g_assert_nonnull (token);
  return cb_auth_hash_token (token);
}

/* A token is valid up to the second before its lifetime ends, and not
 * from that second on. */
static void
test_token_expiry (Fixture       *fixture,
                   gconstpointer  data)
{
  gint64 expires_at = 0;
  g_autofree char *hash = new_session (fixture, &expires_at);

  g_assert_cmpint (expires_at, ==, START_S + LIFETIME_S);
  g_assert_cmpint (cb_auth_lookup_hash (fixture->auth, hash), ==, fixture->user_id);

  advance_s (fixture, LIFETIME_S - 1);
  g_assert_cmpint (cb_auth_lookup_hash (fixture->auth, hash), ==, fixture->user_id);

  advance_s (fixture, 1);
  g_assert_cmpint (cb_auth_lookup_hash (fixture->auth, hash), ==, 0);

  /* Unknown and revoked tokens are refused as well. */
  g_assert_cmpint (cb_auth_lookup_hash (fixture->auth, "0000"), ==, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *other = new_session (fixture, NULL);

    g_assert_cmpint (cb_auth_lookup_hash (fixture->auth, other), ==, fixture->user_id);
    g_assert_true (cb_auth_revoke (fixture->auth, other, &error));
    g_assert_no_error (error);
    g_assert_cmpint (cb_auth_lookup_hash (fixture->auth, other), ==, 0);
  }
}

/* Pruning deletes the tokens that expired by the clock's time, and only
 * those. */
static void
test_prune (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old = new_session (fixture, NULL);
  g_autofree char *young = NULL;

  advance_s (fixture, LIFETIME_S / 2);
  young = new_session (fixture, NULL);
  advance_s (fixture, LIFETIME_S / 2);
  cb_auth_prune (fixture->auth);

  /* Asked as of the epoch, a stored token would still count: the old
   * one is gone from the store, the young one is there. */
  g_assert_cmpint (cb_store_lookup_token (fixture->store, old, 0, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (cb_store_lookup_token (fixture->store, young, 0, &error), ==, fixture->user_id);
  g_assert_no_error (error);
  g_assert_cmpint (cb_auth_lookup_hash (fixture->auth, young), ==, fixture->user_id);
}

static CbThrottle
fail (Fixture    *fixture,
      const char *username,
      const char *address,
      guint      *delay_ms,
      guint      *retry_after)
{
  CbThrottle verdict = cb_auth_begin_attempt (fixture->auth, username, address, delay_ms, retry_after);

  if (verdict != CB_THROTTLE_REJECT)
    cb_auth_end_attempt (fixture->auth, username, address, CB_ATTEMPT_FAILED);
  return verdict;
}

/* Failures of one name from one address delay its sign-ins, then refuse
 * them, until they leave the window; the same name from elsewhere and
 * other names from there are not affected. */
static void
test_throttle_window (Fixture       *fixture,
                      gconstpointer  data)
{
  guint delay_ms = 0;
  guint retry_after = 0;

  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpint (fail (fixture, "anna", "10.0.0.1", &delay_ms, &retry_after), ==, CB_THROTTLE_ALLOW);
      advance_s (fixture, 10);
    }
  g_assert_cmpint (fail (fixture, "anna", "10.0.0.1", &delay_ms, &retry_after), ==, CB_THROTTLE_DELAY);
  g_assert_cmpuint (delay_ms, ==, 250);
  g_assert_cmpint (fail (fixture, "anna", "10.0.0.1", &delay_ms, &retry_after), ==, CB_THROTTLE_DELAY);
  g_assert_cmpuint (delay_ms, ==, 500);

  /* Five failures at 0, 10, 20, 30 and 30 s: refused until the first
   * leaves the window, 900 s after it, that is 870 s from now. */
  g_assert_cmpint (cb_auth_begin_attempt (fixture->auth, "anna", "10.0.0.1", &delay_ms, &retry_after),
                   ==, CB_THROTTLE_REJECT);
  g_assert_cmpuint (retry_after, ==, WINDOW_S - 30);
  /* Not from elsewhere, and not for other names from there. */
  g_assert_cmpint (cb_auth_begin_attempt (fixture->auth, "anna", "10.0.0.2", &delay_ms, &retry_after),
                   ==, CB_THROTTLE_ALLOW);
  cb_auth_end_attempt (fixture->auth, "anna", "10.0.0.2", CB_ATTEMPT_SUCCEEDED);
  g_assert_cmpint (cb_auth_begin_attempt (fixture->auth, "ben", "10.0.0.1", &delay_ms, &retry_after),
                   ==, CB_THROTTLE_ALLOW);
  cb_auth_end_attempt (fixture->auth, "ben", "10.0.0.1", CB_ATTEMPT_SUCCEEDED);

  advance_s (fixture, WINDOW_S - 31);
  g_assert_cmpint (cb_auth_begin_attempt (fixture->auth, "anna", "10.0.0.1", &delay_ms, &retry_after),
                   ==, CB_THROTTLE_REJECT);
  g_assert_cmpuint (retry_after, ==, 1);
  advance_s (fixture, 1);
  g_assert_cmpint (cb_auth_begin_attempt (fixture->auth, "anna", "10.0.0.1", &delay_ms, &retry_after),
                   ==, CB_THROTTLE_DELAY);
  cb_auth_end_attempt (fixture->auth, "anna", "10.0.0.1", CB_ATTEMPT_CANCELLED);

  /* Past the window of the last failure everything is forgotten. */
  advance_s (fixture, 30);
  cb_auth_prune (fixture->auth);
  g_assert_cmpint (cb_auth_begin_attempt (fixture->auth, "anna", "10.0.0.1", &delay_ms, &retry_after),
                   ==, CB_THROTTLE_ALLOW);
  g_assert_cmpuint (delay_ms, ==, 0);
  g_assert_cmpuint (retry_after, ==, 0);
}

/* An address has its own, higher limit over all names (8 here). */
static void
test_throttle_address (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *names[] = { "ben", "carl", "dora", "eve" };
  guint delay_ms = 0;
  guint retry_after = 0;

  for (guint i = 0; i < 8; i++)
    g_assert_cmpint (fail (fixture, names[i % 4], "10.0.0.9", &delay_ms, &retry_after), ==, CB_THROTTLE_ALLOW);
  g_assert_cmpint (cb_auth_begin_attempt (fixture->auth, "anna", "10.0.0.9", &delay_ms, &retry_after),
                   ==, CB_THROTTLE_REJECT);
  g_assert_cmpuint (retry_after, ==, WINDOW_S);
  g_assert_cmpint (cb_auth_begin_attempt (fixture->auth, "anna", "10.0.0.8", &delay_ms, &retry_after),
                   ==, CB_THROTTLE_ALLOW);
}

/* Attempts count when they begin: of a burst begun before any ends, the
 * sixth is refused; a cancelled attempt gives its count back, and a
 * success starts the pair afresh but for the attempts still being
 * checked, which stay counted until they end. */
static void
test_throttle_burst (Fixture       *fixture,
                     gconstpointer  data)
{
  guint delay_ms = 0;
  guint retry_after = 0;

  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (cb_auth_begin_attempt (fixture->auth, "anna", "10.0.0.1", &delay_ms, &retry_after),
                     !=, CB_THROTTLE_REJECT);
  g_assert_cmpint (cb_auth_begin_attempt (fixture->auth, "anna", "10.0.0.1", &delay_ms, &retry_after),
                   ==, CB_THROTTLE_REJECT);

  cb_auth_end_attempt (fixture->auth, "anna", "10.0.0.1", CB_ATTEMPT_CANCELLED);
  g_assert_cmpint (cb_auth_begin_attempt (fixture->auth, "anna", "10.0.0.1", &delay_ms, &retry_after),
                   ==, CB_THROTTLE_DELAY);

  /* One of the five succeeds; four are still being checked: one more
   * may begin, not five more. */
  cb_auth_end_attempt (fixture->auth, "anna", "10.0.0.1", CB_ATTEMPT_SUCCEEDED);
  g_assert_cmpint (cb_auth_begin_attempt (fixture->auth, "anna", "10.0.0.1", &delay_ms, &retry_after),
                   ==, CB_THROTTLE_DELAY);
  g_assert_cmpint (cb_auth_begin_attempt (fixture->auth, "anna", "10.0.0.1", &delay_ms, &retry_after),
                   ==, CB_THROTTLE_REJECT);

  /* With none other under way, a success forgets the pair's failures. */
  for (guint i = 0; i < 2; i++)
    g_assert_cmpint (fail (fixture, "anna", "10.0.0.2", &delay_ms, &retry_after), ==, CB_THROTTLE_ALLOW);
  g_assert_cmpint (cb_auth_begin_attempt (fixture->auth, "anna", "10.0.0.2", &delay_ms, &retry_after),
                   ==, CB_THROTTLE_ALLOW);
  cb_auth_end_attempt (fixture->auth, "anna", "10.0.0.2", CB_ATTEMPT_SUCCEEDED);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (fail (fixture, "anna", "10.0.0.2", &delay_ms, &retry_after), ==, CB_THROTTLE_ALLOW);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/auth/token-expiry", test_token_expiry);
  ADD ("/auth/prune", test_prune);
  ADD ("/auth/throttle-window", test_throttle_window);
  ADD ("/auth/throttle-address", test_throttle_address);
  ADD ("/auth/throttle-burst", test_throttle_burst);
#undef ADD

  return g_test_run ();
}
