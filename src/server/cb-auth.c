/* cb-auth.c: bearer sessions and sign-in throttling
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tokens are 32 random bytes, base64url; the store only sees their
 * SHA-256, so a copy of the database does not let anyone sign in.
 * Throttling keeps the times of recent failures per (user name, address)
 * pair and per address in memory, with separate limits: failures from
 * elsewhere cannot lock a user out, and an office behind one address is
 * not locked out because a few people mistyped. It protects a running
 * server; a restart that forgets it costs an attacker a restart.
 */

#define G_LOG_DOMAIN "cb-auth"

#include <string.h>
#include <sodium.h>

#include "cb-auth.h"
#include "cb-password.h"

#define TOKEN_BYTES 32
#define BASE_DELAY_MS 250
#define MAX_DELAY_MS 30000
/* Longer user names are cut for the throttle key: bounded memory. */
#define MAX_KEY_LENGTH 128

struct _CbAuth
{
  GObject     parent_instance;

  CbStore    *store;
  CbClock    *clock;
  gint64      token_lifetime;
  guint       failures_before_delay;
  guint       max_failures;
  guint       max_address_failures;
  guint       failure_window;
  gboolean    fast_hash;
  GHashTable *failures;   /* "p:address name" / "a:address" → GArray of gint64 seconds */
  GHashTable *checking;   /* pair key → attempts begun and not yet ended */
  CbPasswordChecker *checker;
};

G_DEFINE_FINAL_TYPE (CbAuth, cb_auth, G_TYPE_OBJECT)

static void
cb_auth_finalize (GObject *object)
{
  CbAuth *self = CB_AUTH (object);

  g_clear_object (&self->store);
  g_clear_object (&self->clock);
  g_clear_pointer (&self->failures, g_hash_table_unref);
  g_clear_pointer (&self->checking, g_hash_table_unref);
  g_clear_object (&self->checker);
  G_OBJECT_CLASS (cb_auth_parent_class)->finalize (object);
}

static void
cb_auth_class_init (CbAuthClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cb_auth_finalize;
}

static void
cb_auth_init (CbAuth *self)
{
  self->clock = g_object_ref (cb_clock_get_system ());
  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_array_unref);
  self->checking = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

CbAuth *
cb_auth_new (CbStore              *store,
             const CbServerConfig *config)
{
  CbAuth *self = g_object_new (CB_TYPE_AUTH, NULL);

  self->store = g_object_ref (store);
  self->token_lifetime = config->token_lifetime;
  self->failures_before_delay = config->failures_before_delay;
  self->max_failures = config->max_failures;
  self->max_address_failures = config->max_address_failures;
  self->failure_window = config->failure_window;
  self->fast_hash = config->fast_hash;
  self->checker = cb_password_checker_new (config->password_checks, config->password_queue);
  return self;
}

void
cb_auth_set_clock (CbAuth  *self,
                   CbClock *clock)
{
  CbClock *next = clock != NULL ? clock : cb_clock_get_system ();

  g_return_if_fail (CB_IS_AUTH (self));
  g_return_if_fail (clock == NULL || CB_IS_CLOCK (clock));
  g_set_object (&self->clock, next);
}

static gint64
now_seconds (CbAuth *self)
{
  return cb_clock_get_real_seconds (self->clock);
}

char *
cb_auth_hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

char *
cb_auth_create_session (CbAuth  *self,
                        gint64   user_id,
                        gint64  *expires_at,
                        GError **error)
{
  guchar bytes[TOKEN_BYTES];
  char token[sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  g_autofree char *hash = NULL;
  gint64 expires = now_seconds (self) + self->token_lifetime;

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (token, sizeof token, bytes, sizeof bytes,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);

  hash = cb_auth_hash_token (token);
  if (!cb_store_add_token (self->store, hash, user_id, expires, error))
    return NULL;

  if (expires_at != NULL)
    *expires_at = expires;
  return g_strdup (token);
}

gint64
cb_auth_lookup_hash (CbAuth     *self,
                     const char *token_hash)
{
  g_autoptr(GError) error = NULL;
  gint64 user_id;

  user_id = cb_store_lookup_token (self->store, token_hash, now_seconds (self), &error);
  if (error != NULL)
    {
      g_message ("Token lookup failed: %s", error->message);
      return 0;
    }
  return user_id;
}

gint64
cb_auth_authenticate (CbAuth             *self,
                      SoupServerMessage  *msg,
                      char              **token_hash)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value = soup_message_headers_get_one (headers, "Authorization");
  g_autofree char *hash = NULL;
  const char *token;
  gint64 user_id;

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return 0;

  token = value + 7;
  while (*token == ' ')
    token++;
  /* A token is 43 base64url characters; anything else cannot match. */
  if (*token == '\0' || strlen (token) > 128)
    return 0;

  hash = cb_auth_hash_token (token);
  user_id = cb_auth_lookup_hash (self, hash);
  if (user_id > 0 && token_hash != NULL)
    *token_hash = g_steal_pointer (&hash);
  return user_id;
}

gboolean
cb_auth_revoke (CbAuth      *self,
                const char  *token_hash,
                GError     **error)
{
  return cb_store_revoke_token (self->store, token_hash, error);
}

/* A name as it may appear in a log line: no control characters (a
 * newline would let a sign-in forge a line for fail2ban), valid UTF-8,
 * short. */
static char *
loggable (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "",
                                              MIN (strlen (text != NULL ? text : ""), MAX_KEY_LENGTH));

  for (char *p = valid; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = '?';
  return g_steal_pointer (&valid);
}

/* "p:<address> <name>": one user name from one address. */
static char *
pair_key (const char *username,
          const char *address)
{
  g_autofree char *name = g_utf8_make_valid (username != NULL ? username : "",
                                             MIN (strlen (username != NULL ? username : ""), MAX_KEY_LENGTH));

  return g_strdup_printf ("p:%s %s", address != NULL ? address : "?", name);
}

/* "a:<address>": every name from one address. */
static char *
address_key (const char *address)
{
  return g_strdup_printf ("a:%s", address != NULL ? address : "?");
}

/* Drops failures that left the window; returns the array (maybe empty). */
static GArray *
recent_failures (CbAuth     *self,
                 const char *key,
                 gint64      now)
{
  GArray *times = g_hash_table_lookup (self->failures, key);
  guint drop = 0;

  if (times == NULL)
    return NULL;
  while (drop < times->len &&
         g_array_index (times, gint64, drop) + self->failure_window <= now)
    drop++;
  if (drop > 0)
    g_array_remove_range (times, 0, drop);
  return times;
}

static void
evaluate (CbAuth     *self,
          GArray     *times,
          guint       before_delay,
          guint       max,
          gint64      now,
          CbThrottle *verdict,
          guint      *delay_ms,
          guint      *retry_after)
{
  guint count = times != NULL ? times->len : 0;

  if (count >= max)
    {
      /* Until enough failures age out to drop below the limit. */
      gint64 pivot = g_array_index (times, gint64, count - max);
      guint wait = (guint) MAX (1, pivot + self->failure_window - now);

      *verdict = CB_THROTTLE_REJECT;
      *retry_after = MAX (*retry_after, wait);
    }
  else if (count >= before_delay && *verdict != CB_THROTTLE_REJECT)
    {
      guint exponent = MIN (count - before_delay, 16u);
      guint delay = MIN ((guint64) BASE_DELAY_MS << exponent, (guint64) MAX_DELAY_MS);

      *verdict = CB_THROTTLE_DELAY;
      *delay_ms = MAX (*delay_ms, delay);
    }
}

/* Keeps only the newest `keep` failures of key. */
static void
keep_newest (CbAuth     *self,
             const char *key,
             guint       keep)
{
  GArray *times = g_hash_table_lookup (self->failures, key);

  if (times == NULL)
    return;
  if (keep == 0)
    g_hash_table_remove (self->failures, key);
  else if (times->len > keep)
    g_array_remove_range (times, 0, times->len - keep);
}

static void
add_failure (CbAuth     *self,
             const char *key,
             guint       keep,
             gint64      now)
{
  GArray *times = g_hash_table_lookup (self->failures, key);

  if (times == NULL)
    {
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (self->failures, g_strdup (key), times);
    }
  g_array_append_val (times, now);
  /* Only the newest `keep` matter for any verdict. */
  keep_newest (self, key, keep);
}

/* Counts the attempts of a pair under way; returns those left after. */
static guint
count_checking (CbAuth     *self,
                const char *pkey,
                int         change)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->checking, pkey));

  count = change > 0 ? count + 1 : (count > 0 ? count - 1 : 0);
  if (count == 0)
    g_hash_table_remove (self->checking, pkey);
  else
    g_hash_table_insert (self->checking, g_strdup (pkey), GUINT_TO_POINTER (count));
  return count;
}

/* Takes back the newest failure of key (an attempt that did not fail). */
static void
remove_newest (CbAuth     *self,
               const char *key)
{
  GArray *times = g_hash_table_lookup (self->failures, key);

  if (times != NULL && times->len > 0)
    g_array_remove_index (times, times->len - 1);
}

CbThrottle
cb_auth_begin_attempt (CbAuth     *self,
                       const char *username,
                       const char *address,
                       guint      *delay_ms,
                       guint      *retry_after)
{
  g_autofree char *pkey = pair_key (username, address);
  g_autofree char *akey = address_key (address);
  gint64 now = now_seconds (self);
  CbThrottle verdict = CB_THROTTLE_ALLOW;

  g_return_val_if_fail (CB_IS_AUTH (self), CB_THROTTLE_REJECT);

  *delay_ms = 0;
  *retry_after = 0;
  evaluate (self, recent_failures (self, pkey, now), self->failures_before_delay,
            self->max_failures, now, &verdict, delay_ms, retry_after);
  evaluate (self, recent_failures (self, akey, now), G_MAXUINT, self->max_address_failures,
            now, &verdict, delay_ms, retry_after);
  if (verdict == CB_THROTTLE_REJECT)
    return verdict;

  /* Counted as failed from the start: a burst sent in parallel sees the
   * attempts before it, so no more checks run than the limits allow. */
  add_failure (self, pkey, self->max_failures + 1, now);
  add_failure (self, akey, self->max_address_failures + 1, now);
  count_checking (self, pkey, +1);
  return verdict;
}

void
cb_auth_end_attempt (CbAuth          *self,
                     const char      *username,
                     const char      *address,
                     CbAttemptResult  result)
{
  g_autofree char *pkey = pair_key (username, address);
  g_autofree char *akey = address_key (address);
  guint checking;

  g_return_if_fail (CB_IS_AUTH (self));

  checking = count_checking (self, pkey, -1);
  switch (result)
    {
    case CB_ATTEMPT_FAILED:
      {
        g_autofree char *name = loggable (username);

        /* Default level, one line each, in the form fail2ban reads:
         * failregex = Failed sign-in for user .* from <HOST>$ */
        g_message ("Failed sign-in for user %s from %s", name, address != NULL ? address : "?");
        break;
      }

    case CB_ATTEMPT_SUCCEEDED:
      /* The name from there starts afresh, but for the attempts still
       * being checked, which stay counted: a burst with the right
       * password early in it gets no more guesses than the limit. The
       * address keeps the failures of other names (one valid account
       * must not reset the throttle for guessing others from the same
       * place). */
      keep_newest (self, pkey, checking);
      remove_newest (self, akey);
      break;

    case CB_ATTEMPT_CANCELLED:
    default:
      remove_newest (self, pkey);
      remove_newest (self, akey);
      break;
    }
}

gboolean
cb_auth_verify_password_async (CbAuth              *self,
                               const char          *hash,
                               const char          *password,
                               const char          *address,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_val_if_fail (CB_IS_AUTH (self), FALSE);

  return cb_password_checker_verify_async (self->checker, hash, password, self->fast_hash,
                                           address, callback, user_data);
}

gboolean
cb_auth_verify_password_finish (CbAuth       *self,
                                GAsyncResult *result)
{
  g_return_val_if_fail (CB_IS_AUTH (self), FALSE);

  return cb_password_checker_verify_finish (self->checker, result);
}

void
cb_auth_prune (CbAuth *self)
{
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  const char *key;
  gint64 now = now_seconds (self);

  g_hash_table_iter_init (&iter, self->failures);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    {
      GArray *times = recent_failures (self, key, now);

      if (times == NULL || times->len == 0)
        g_hash_table_iter_remove (&iter);
    }

  if (!cb_store_purge_tokens (self->store, now, &error))
    g_message ("Could not purge expired tokens: %s", error->message);
}
