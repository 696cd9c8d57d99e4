/* cb-auth.c: bearer sessions and sign-in throttling
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tokens are 32 random bytes, base64url; the store only sees their
 * SHA-256, so a copy of the database does not let anyone sign in.
 * Throttling keeps the times of recent failures per user name and per
 * address in memory: it protects a running server, and a restart that
 * forgets it costs an attacker a restart.
 */

#define G_LOG_DOMAIN "cb-auth"

#include <string.h>
#include <sodium.h>

#include "cb-auth.h"

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
  guint       failure_window;
  GHashTable *failures;   /* "u:name" / "a:address" → GArray of gint64 seconds */
};

G_DEFINE_FINAL_TYPE (CbAuth, cb_auth, G_TYPE_OBJECT)

static void
cb_auth_finalize (GObject *object)
{
  CbAuth *self = CB_AUTH (object);

  g_clear_object (&self->store);
  g_clear_object (&self->clock);
  g_clear_pointer (&self->failures, g_hash_table_unref);
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
  self->failure_window = config->failure_window;
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

static char *
throttle_key (char        kind,
              const char *name)
{
  g_autofree char *cut = g_utf8_make_valid (name != NULL ? name : "", MIN (strlen (name != NULL ? name : ""), MAX_KEY_LENGTH));

  return g_strdup_printf ("%c:%s", kind, cut);
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
          gint64      now,
          CbThrottle *verdict,
          guint      *delay_ms,
          guint      *retry_after)
{
  guint count = times != NULL ? times->len : 0;

  if (count >= self->max_failures)
    {
      /* Until enough failures age out to drop below the limit. */
      gint64 pivot = g_array_index (times, gint64, count - self->max_failures);
      guint wait = (guint) MAX (1, pivot + self->failure_window - now);

      *verdict = CB_THROTTLE_REJECT;
      *retry_after = MAX (*retry_after, wait);
    }
  else if (count >= self->failures_before_delay && *verdict != CB_THROTTLE_REJECT)
    {
      guint exponent = MIN (count - self->failures_before_delay, 16u);
      guint delay = MIN ((guint64) BASE_DELAY_MS << exponent, (guint64) MAX_DELAY_MS);

      *verdict = CB_THROTTLE_DELAY;
      *delay_ms = MAX (*delay_ms, delay);
    }
}

CbThrottle
cb_auth_throttle (CbAuth     *self,
                  const char *username,
                  const char *address,
                  guint      *delay_ms,
                  guint      *retry_after)
{
  g_autofree char *ukey = throttle_key ('u', username);
  g_autofree char *akey = throttle_key ('a', address);
  gint64 now = now_seconds (self);
  CbThrottle verdict = CB_THROTTLE_ALLOW;

  *delay_ms = 0;
  *retry_after = 0;
  evaluate (self, recent_failures (self, ukey, now), now, &verdict, delay_ms, retry_after);
  if (address != NULL)
    evaluate (self, recent_failures (self, akey, now), now, &verdict, delay_ms, retry_after);
  return verdict;
}

static void
add_failure (CbAuth     *self,
             char       *key,
             gint64      now)
{
  GArray *times = g_hash_table_lookup (self->failures, key);

  if (times == NULL)
    {
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (self->failures, g_strdup (key), times);
    }
  g_array_append_val (times, now);
  /* Only the newest max_failures matter for any verdict. */
  if (times->len > self->max_failures + 1)
    g_array_remove_range (times, 0, times->len - (self->max_failures + 1));
}

void
cb_auth_record_failure (CbAuth     *self,
                        const char *username,
                        const char *address)
{
  g_autofree char *ukey = throttle_key ('u', username);
  g_autofree char *akey = throttle_key ('a', address);
  gint64 now = now_seconds (self);

  g_message ("Failed sign-in for “%s” from %s", username != NULL ? username : "",
             address != NULL ? address : "?");
  add_failure (self, ukey, now);
  if (address != NULL)
    add_failure (self, akey, now);
}

void
cb_auth_record_success (CbAuth     *self,
                        const char *username)
{
  g_autofree char *ukey = throttle_key ('u', username);

  /* The address keeps its count: one valid account must not reset the
   * throttle for guessing others from the same place. */
  g_hash_table_remove (self->failures, ukey);
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
