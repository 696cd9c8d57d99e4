/* cb-sip-auth-throttle.c: failed SIP digests slowed, then refused, per source address and per user
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A few failures are free; after that each failure blocks its counts for
 * a time that doubles, and while blocked, attempts are answered without
 * computing a digest. Attempts made while blocked raise the count (the
 * next block is longer) but do not lengthen the current block, so a phone
 * that was given the right secret gets through when it ends.
 *
 * Only failures and successes make entries, and both tables are bounded:
 * a flood from spoofed addresses empties the failure table rather than
 * growing it.
 */

#define G_LOG_DOMAIN "cb-sip"

#include <string.h>

#include "cb-sip-auth-throttle.h"

#define MAX_COUNTERS 16384
#define MAX_KNOWN 16384
/* How many addresses a user's count tells apart. */
#define MAX_USER_ADDRESSES 64
/* An address a user authenticated from stays trusted this long. */
#define KNOWN_GOOD_US (G_GINT64_CONSTANT (24) * 3600 * G_USEC_PER_SEC)
/* Names are cut: a key is no place for a megabyte. */
#define MAX_NAME 64

typedef struct {
  guint       failures;
  gint64      last;            /* monotonic µs of the last failure */
  gint64      blocked_until;   /* monotonic µs */
  GHashTable *addresses;       /* a user's count: the addresses it counted */
} Counter;

struct _CbSipAuthThrottle {
  guint       free_failures;
  gint64      max_block_us;
  gint64      window_us;
  CbClock    *clock;
  GHashTable *counters;   /* key → Counter */
  GHashTable *known;      /* "user\taddress" → gint64 last success, monotonic µs */
};

static void
counter_free (Counter *counter)
{
  g_clear_pointer (&counter->addresses, g_hash_table_unref);
  g_free (counter);
}

CbSipAuthThrottle *
cb_sip_auth_throttle_new (guint free_failures,
                          guint max_block_s,
                          guint window_s)
{
  CbSipAuthThrottle *self = g_new0 (CbSipAuthThrottle, 1);

  self->free_failures = free_failures;
  self->max_block_us = (gint64) MAX (max_block_s, 1) * G_USEC_PER_SEC;
  self->window_us = (gint64) MAX (window_s, 1) * G_USEC_PER_SEC;
  self->clock = g_object_ref (cb_clock_get_system ());
  self->counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) counter_free);
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

void
cb_sip_auth_throttle_free (CbSipAuthThrottle *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->clock);
  g_hash_table_unref (self->counters);
  g_hash_table_unref (self->known);
  g_free (self);
}

void
cb_sip_auth_throttle_set_clock (CbSipAuthThrottle *self,
                                CbClock           *clock)
{
  CbClock *next = clock != NULL ? clock : cb_clock_get_system ();

  g_set_object (&self->clock, next);
}

/* Lines are named without regard to case (the store's COLLATE NOCASE). */
static char *
user_key (const char *username)
{
  g_autofree char *cut = g_strndup (username != NULL ? username : "", MAX_NAME);

  return g_ascii_strdown (cut, -1);
}

static char *
known_key (const char *address,
           const char *username)
{
  g_autofree char *user = user_key (username);

  return g_strdup_printf ("%s\t%s", user, address);
}

static gboolean
known_good (CbSipAuthThrottle *self,
            const char        *address,
            const char        *username,
            gint64             now)
{
  g_autofree char *key = known_key (address, username);
  gint64 *last = g_hash_table_lookup (self->known, key);

  return last != NULL && now - *last < KNOWN_GOOD_US;
}

static gboolean
blocked (CbSipAuthThrottle *self,
         const char        *key,
         gint64             now)
{
  Counter *counter = g_hash_table_lookup (self->counters, key);

  return counter != NULL && now < counter->blocked_until;
}

/* Makes room for one more counter: forgets the ones that block nothing
 * and are past their window, else every one that blocks nothing now. */
static void
make_room (CbSipAuthThrottle *self,
           gint64             now)
{
  GHashTableIter iter;
  Counter *counter;

  if (g_hash_table_size (self->counters) < MAX_COUNTERS)
    return;
  g_hash_table_iter_init (&iter, self->counters);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &counter))
    if (now >= counter->blocked_until && now - counter->last > self->window_us)
      g_hash_table_iter_remove (&iter);
  if (g_hash_table_size (self->counters) < MAX_COUNTERS * 3 / 4)
    return;
  g_debug ("SIP authentication throttle full: forgetting what blocks nothing now");
  g_hash_table_iter_init (&iter, self->counters);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &counter))
    if (now >= counter->blocked_until)
      g_hash_table_iter_remove (&iter);
  if (g_hash_table_size (self->counters) >= MAX_COUNTERS)
    g_hash_table_remove_all (self->counters);
}

static Counter *
counter_get (CbSipAuthThrottle *self,
             char              *key,   /* taken */
             gint64             now)
{
  Counter *counter = g_hash_table_lookup (self->counters, key);

  if (counter != NULL)
    {
      g_free (key);
      /* A quiet window wipes the slate (once any block is over). */
      if (now - counter->last > self->window_us && now >= counter->blocked_until)
        {
          counter->failures = 0;
          if (counter->addresses != NULL)
            g_hash_table_remove_all (counter->addresses);
        }
      return counter;
    }
  make_room (self, now);
  counter = g_new0 (Counter, 1);
  g_hash_table_insert (self->counters, key, counter);
  return counter;
}

/* One more failure; past the free ones it blocks, unless it is an
 * attempt made while blocked. */
static void
count (CbSipAuthThrottle *self,
       Counter           *counter,
       gint64             now)
{
  gboolean was_blocked = now < counter->blocked_until;

  counter->failures++;
  counter->last = now;
  if (counter->failures > self->free_failures && !was_blocked)
    {
      guint doublings = MIN (counter->failures - self->free_failures - 1, 30);
      gint64 block = MIN ((gint64) G_USEC_PER_SEC << doublings, self->max_block_us);

      counter->blocked_until = now + block;
    }
}

static void
record_failure (CbSipAuthThrottle *self,
                const char        *address,
                const char        *username,
                gint64             now)
{
  g_autofree char *user = user_key (username);
  Counter *counter;

  count (self, counter_get (self, g_strdup_printf ("p\t%s\t%s", address, user), now), now);
  count (self, counter_get (self, g_strdup_printf ("a\t%s", address), now), now);

  /* The user's count goes up once per address. */
  counter = counter_get (self, g_strdup_printf ("u\t%s", user), now);
  if (counter->addresses == NULL)
    counter->addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (g_hash_table_contains (counter->addresses, address))
    {
      counter->last = now;
      return;
    }
  if (g_hash_table_size (counter->addresses) < MAX_USER_ADDRESSES)
    g_hash_table_add (counter->addresses, g_strdup (address));
  count (self, counter, now);
}

gboolean
cb_sip_auth_throttle_allow (CbSipAuthThrottle *self,
                            const char        *address,
                            const char        *username)
{
  gint64 now = cb_clock_get_monotonic (self->clock);
  g_autofree char *user = user_key (username);
  g_autofree char *pair = g_strdup_printf ("p\t%s\t%s", address, user);
  g_autofree char *from = g_strdup_printf ("a\t%s", address);
  g_autofree char *whom = g_strdup_printf ("u\t%s", user);
  gboolean refuse;

  refuse = blocked (self, pair, now) ||
           (!known_good (self, address, username, now) &&
            (blocked (self, from, now) || blocked (self, whom, now)));
  if (refuse)
    record_failure (self, address, username, now);
  return !refuse;
}

void
cb_sip_auth_throttle_failed (CbSipAuthThrottle *self,
                             const char        *address,
                             const char        *username)
{
  record_failure (self, address, username, cb_clock_get_monotonic (self->clock));
}

void
cb_sip_auth_throttle_succeeded (CbSipAuthThrottle *self,
                                const char        *address,
                                const char        *username)
{
  gint64 now = cb_clock_get_monotonic (self->clock);
  g_autofree char *user = user_key (username);
  g_autofree char *pair = g_strdup_printf ("p\t%s\t%s", address, user);
  gint64 *last;

  /* Its own count starts again; the address's and the user's do not:
   * others may be guessing from there or for them. */
  g_hash_table_remove (self->counters, pair);

  if (g_hash_table_size (self->known) >= MAX_KNOWN)
    {
      GHashTableIter iter;

      g_hash_table_iter_init (&iter, self->known);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &last))
        if (now - *last >= KNOWN_GOOD_US)
          g_hash_table_iter_remove (&iter);
      if (g_hash_table_size (self->known) >= MAX_KNOWN)
        g_hash_table_remove_all (self->known);
    }
  last = g_new (gint64, 1);
  *last = now;
  g_hash_table_insert (self->known, known_key (address, username), last);
}
