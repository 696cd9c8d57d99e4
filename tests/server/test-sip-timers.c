/* test-sip-timers.c: the SIP side's timeouts on one source, in process
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The contract of g_timeout_add() kept by cb-sip-timers.c: never early,
 * in deadline order (ties in the order added), repeated while the
 * function says so, never after a removal, also one made by a function
 * that runs; and thousands at once, some removed, each run once at most.
 * What did not run is shown by a later timeout that did (a barrier).
 */

#include "config.h"

#include "cb-sip-timers.h"
#include "cb-test-server.h"

typedef struct {
  GArray  *fired;      /* gint: the tags, in the order they ran */
  guint    repeat;     /* runs left for a repeating one */
  guint    remove_id;  /* a timeout the next one to run removes */
  guint   *own_id;     /* where its own id is, for removing itself */
} Log;

typedef struct {
  Log  *log;
  gint  tag;
} Tagged;

static gboolean
record (gpointer data)
{
  Tagged *tagged = data;

  g_array_append_val (tagged->log->fired, tagged->tag);
  if (tagged->log->remove_id != 0)
    g_clear_handle_id (&tagged->log->remove_id, cb_sip_timeout_remove);
  return G_SOURCE_REMOVE;
}

static void
log_init (Log *log)
{
  *log = (Log) { g_array_new (FALSE, FALSE, sizeof (gint)), 0, 0, NULL };
}

static void
log_clear (Log *log)
{
  g_array_unref (log->fired);
}

static gint
fired (Log   *log,
       guint  i)
{
  return g_array_index (log->fired, gint, i);
}

static gboolean
has_fired (Log  *log,
           gint  tag)
{
  for (guint i = 0; i < log->fired->len; i++)
    if (fired (log, i) == tag)
      return TRUE;
  return FALSE;
}

static void
test_order (void)
{
  Log log;
  Tagged tags[5];
  static const guint after_ms[] = { 30, 10, 20, 10, 0 };

  log_init (&log);
  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      tags[i] = (Tagged) { &log, (gint) i };
      cb_sip_timeout_add (after_ms[i], record, &tags[i]);
    }
  g_assert_cmpuint (cb_sip_timeouts_pending (), ==, 5);
  CB_TEST_WAIT_FOR (log.fired->len == 5, 5000, "five timeouts");
  /* By deadline, and the two due at 10 ms in the order added. */
  g_assert_cmpint (fired (&log, 0), ==, 4);
  g_assert_cmpint (fired (&log, 1), ==, 1);
  g_assert_cmpint (fired (&log, 2), ==, 3);
  g_assert_cmpint (fired (&log, 3), ==, 2);
  g_assert_cmpint (fired (&log, 4), ==, 0);
  g_assert_cmpuint (cb_sip_timeouts_pending (), ==, 0);
  log_clear (&log);
}

static gboolean
repeat (gpointer data)
{
  Tagged *tagged = data;

  g_array_append_val (tagged->log->fired, tagged->tag);
  if (--tagged->log->repeat == 0)
    {
      *tagged->log->own_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
test_repeat (void)
{
  Log log;
  Tagged tag;
  guint id;
  gint64 start = g_get_monotonic_time ();

  log_init (&log);
  tag = (Tagged) { &log, 7 };
  log.repeat = 4;
  log.own_id = &id;
  id = cb_sip_timeout_add (5, repeat, &tag);
  CB_TEST_WAIT_FOR (id == 0, 5000, "four runs");
  g_assert_cmpuint (log.fired->len, ==, 4);
  /* Never early: four intervals at least. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 20 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (cb_sip_timeouts_pending (), ==, 0);
  log_clear (&log);
}

static void
test_remove (void)
{
  Log log;
  Tagged removed = { NULL, 1 };
  Tagged barrier = { NULL, 2 };
  guint id;

  log_init (&log);
  removed.log = barrier.log = &log;
  id = cb_sip_timeout_add (5, record, &removed);
  cb_sip_timeout_add (30, record, &barrier);
  cb_sip_timeout_remove (id);
  CB_TEST_WAIT_FOR (log.fired->len == 1, 5000, "the barrier");
  g_assert_cmpint (fired (&log, 0), ==, 2);

  /* An id that is not there (any more) is a fault, as in GLib. */
  g_test_expect_message ("cb-sip", G_LOG_LEVEL_CRITICAL, "*was not found*");
  cb_sip_timeout_remove (id);
  g_test_assert_expected_messages ();
  log_clear (&log);
}

/* The first of two due together removes the second; a repeating one
 * that removes itself and still says "continue" stops. */
static gboolean
remove_self (gpointer data)
{
  Tagged *tagged = data;

  g_array_append_val (tagged->log->fired, tagged->tag);
  g_clear_handle_id (tagged->log->own_id, cb_sip_timeout_remove);
  return G_SOURCE_CONTINUE;
}

static void
test_remove_while_running (void)
{
  Log log;
  Tagged first = { NULL, 1 };
  Tagged second = { NULL, 2 };
  Tagged self = { NULL, 3 };
  Tagged barrier = { NULL, 4 };
  guint self_id;

  log_init (&log);
  first.log = second.log = self.log = barrier.log = &log;
  cb_sip_timeout_add (5, record, &first);
  log.remove_id = cb_sip_timeout_add (5, record, &second);
  log.own_id = &self_id;
  self_id = cb_sip_timeout_add (10, remove_self, &self);
  cb_sip_timeout_add (40, record, &barrier);
  CB_TEST_WAIT_FOR (has_fired (&log, 4), 5000, "the barrier");
  g_assert_cmpuint (log.fired->len, ==, 3);
  g_assert_cmpint (fired (&log, 0), ==, 1);
  g_assert_cmpint (fired (&log, 1), ==, 3);
  g_assert_cmpint (fired (&log, 2), ==, 4);
  g_assert_cmpuint (self_id, ==, 0);
  g_assert_cmpuint (cb_sip_timeouts_pending (), ==, 0);
  log_clear (&log);
}

/* ---- many ------------------------------------------------------------- */

#define MANY 5000

typedef struct {
  gint64 due;     /* monotonic µs */
  gint64 ran;     /* when it ran, 0: not */
  guint  runs;
  guint  id;
  gint64 *last;   /* the latest due of those run so far */
  gboolean in_order;
} Entry;

static gboolean
run_entry (gpointer data)
{
  Entry *entry = data;

  entry->ran = g_get_monotonic_time ();
  entry->runs++;
  /* Deadline order: none ran whose deadline was later than this one's
   * (by more than the millisecond GLib rounds the poll to). */
  if (*entry->last > entry->due + G_TIME_SPAN_MILLISECOND)
    entry->in_order = FALSE;
  *entry->last = MAX (*entry->last, entry->due);
  entry->id = 0;
  return G_SOURCE_REMOVE;
}

static void
test_many (void)
{
  g_autofree Entry *entries = g_new0 (Entry, MANY);
  g_autoptr(GRand) rand = g_rand_new_with_seed (14);
  gint64 last = 0;
  guint removed = 0, ran = 0;
  Log log;
  Tagged barrier;

  for (guint i = 0; i < MANY; i++)
    {
      guint ms = g_rand_int_range (rand, 0, 200);

      entries[i].due = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
      entries[i].last = &last;
      entries[i].in_order = TRUE;
      entries[i].id = cb_sip_timeout_add (ms, run_entry, &entries[i]);
    }
  g_assert_cmpuint (cb_sip_timeouts_pending (), ==, MANY);
  /* Every third goes before it runs. */
  for (guint i = 0; i < MANY; i += 3)
    if (entries[i].id != 0)
      {
        g_clear_handle_id (&entries[i].id, cb_sip_timeout_remove);
        entries[i].due = -1;
        removed++;
      }

  log_init (&log);
  barrier = (Tagged) { &log, 1 };
  cb_sip_timeout_add (300, record, &barrier);
  CB_TEST_WAIT_FOR (log.fired->len == 1, 10000, "the barrier after all of them");
  for (guint i = 0; i < MANY; i++)
    {
      if (entries[i].due < 0)
        {
          g_assert_cmpuint (entries[i].runs, ==, 0);
          continue;
        }
      g_assert_cmpuint (entries[i].runs, ==, 1);
      g_assert_cmpint (entries[i].ran, >=, entries[i].due);
      g_assert_true (entries[i].in_order);
      ran++;
    }
  g_assert_cmpuint (ran + removed, ==, MANY);
  g_assert_cmpuint (cb_sip_timeouts_pending (), ==, 0);
  log_clear (&log);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip-timers/order", test_order);
  g_test_add_func ("/sip-timers/repeat", test_repeat);
  g_test_add_func ("/sip-timers/remove", test_remove);
  g_test_add_func ("/sip-timers/remove-while-running", test_remove_while_running);
  g_test_add_func ("/sip-timers/many", test_many);
  return g_test_run ();
}
