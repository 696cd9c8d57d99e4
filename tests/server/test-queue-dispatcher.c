/* test-queue-dispatcher.c: the queue's distribution logic, without SIP
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A simulated owner answers offers at once (or never) and reports agents
 * ready again after each call, as callboardd does after wrap-up. Idle
 * times come from a manual clock that the test moves; timers are real
 * GLib timeouts in milliseconds.
 */

#define G_LOG_DOMAIN "cb-test-queue-dispatcher"

#include "config.h"

#include "cb-queue-dispatcher.h"
#include "cb-test-server.h"

typedef struct {
  CbQueueDispatcher *dispatcher;
  CbClock           *clock;       /* manual */
  GArray            *offers;      /* Offer, as signalled */
  GArray            *withdrawn;   /* guint64 callers */
  GArray            *overflowed;  /* guint64 callers */
  GHashTable        *calls;       /* agent id → answered count */
  gboolean           answer;      /* take every offer at once */
  gboolean           ready_after; /* agent ready again after the call */
} Fixture;

typedef struct {
  guint64 caller;
  gint64  agent;
} Offer;

static gboolean
answer_later (gpointer data)
{
  Fixture *fixture = data;

  for (guint i = 0; i < fixture->offers->len; i++)
    {
      /* A copy: answering makes new offers, which may move the array. */
      Offer offer = g_array_index (fixture->offers, Offer, i);
      guint calls = GPOINTER_TO_UINT (g_hash_table_lookup (fixture->calls, &offer.agent));

      if (cb_queue_dispatcher_offered_to (fixture->dispatcher, offer.agent) != offer.caller)
        continue;
      g_hash_table_insert (fixture->calls, g_memdup2 (&offer.agent, sizeof (gint64)),
                           GUINT_TO_POINTER (calls + 1));
      cb_queue_dispatcher_answered (fixture->dispatcher, offer.caller, offer.agent);
      /* Every call takes a second: agents come back one after the other. */
      cb_clock_advance (fixture->clock, G_USEC_PER_SEC);
      if (fixture->ready_after)
        cb_queue_dispatcher_set_agent_ready (fixture->dispatcher, offer.agent, TRUE);
    }
  return G_SOURCE_REMOVE;
}

static void
on_offer (CbQueueDispatcher *dispatcher,
          guint64            caller,
          gint64             agent,
          Fixture           *fixture)
{
  Offer offer = { caller, agent };

  g_array_append_val (fixture->offers, offer);
  /* Answers come later, from the main loop, as SIP 200s do. */
  if (fixture->answer)
    g_idle_add (answer_later, fixture);
}

static void
on_withdraw (CbQueueDispatcher *dispatcher,
             guint64            caller,
             Fixture           *fixture)
{
  g_array_append_val (fixture->withdrawn, caller);
}

static void
on_overflow (CbQueueDispatcher *dispatcher,
             guint64            caller,
             Fixture           *fixture)
{
  g_array_append_val (fixture->overflowed, caller);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dispatcher = cb_queue_dispatcher_new ();
  fixture->clock = cb_clock_new_manual (G_GINT64_CONSTANT (1000) * G_USEC_PER_SEC,
                                        G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC);
  cb_queue_dispatcher_set_clock (fixture->dispatcher, fixture->clock);
  fixture->offers = g_array_new (FALSE, FALSE, sizeof (Offer));
  fixture->withdrawn = g_array_new (FALSE, FALSE, sizeof (guint64));
  fixture->overflowed = g_array_new (FALSE, FALSE, sizeof (guint64));
  fixture->calls = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_signal_connect (fixture->dispatcher, "offer", G_CALLBACK (on_offer), fixture);
  g_signal_connect (fixture->dispatcher, "withdraw", G_CALLBACK (on_withdraw), fixture);
  g_signal_connect (fixture->dispatcher, "overflow", G_CALLBACK (on_overflow), fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  /* Drain pending idles before the fixture goes. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->dispatcher);
  g_assert_finalize_object (fixture->clock);
  g_array_unref (fixture->offers);
  g_array_unref (fixture->withdrawn);
  g_array_unref (fixture->overflowed);
  g_hash_table_unref (fixture->calls);
}

static void
add_agents (Fixture *fixture,
            guint    n,
            gboolean ready)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (gint64 id = 1; id <= (gint64) n; id++)
    g_array_append_val (ids, id);
  cb_queue_dispatcher_set_agents (fixture->dispatcher, (gint64 *) ids->data, ids->len);
  for (gint64 id = 1; ready && id <= (gint64) n; id++)
    cb_queue_dispatcher_set_agent_ready (fixture->dispatcher, id, TRUE);
}

static guint
calls_of (Fixture *fixture,
          gint64   agent)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (fixture->calls, &agent));
}

/* Round-robin at scale: 1,000 callers over 50 agents, 20 each, in turn. */
static void
test_round_robin_even (Fixture       *fixture,
                       gconstpointer  data)
{
  fixture->answer = TRUE;
  fixture->ready_after = TRUE;
  cb_queue_dispatcher_set_order (fixture->dispatcher, CB_QUEUE_ORDER_ROUND_ROBIN);
  add_agents (fixture, 50, TRUE);
  for (guint64 caller = 1; caller <= 1000; caller++)
    cb_queue_dispatcher_add_caller (fixture->dispatcher, caller);

  CB_TEST_WAIT_FOR (cb_queue_dispatcher_get_n_waiting (fixture->dispatcher) == 0, 10000,
                    "every caller to be answered");
  for (gint64 agent = 1; agent <= 50; agent++)
    g_assert_cmpuint (calls_of (fixture, agent), ==, 20);
  /* Strictly in turn: offer n goes to agent n mod 50. */
  for (guint i = 0; i < fixture->offers->len; i++)
    g_assert_cmpint (g_array_index (fixture->offers, Offer, i).agent, ==, (gint64) (i % 50) + 1);
  /* First come, first served. */
  for (guint i = 1; i < fixture->offers->len; i++)
    g_assert_cmpuint (g_array_index (fixture->offers, Offer, i).caller, >,
                      g_array_index (fixture->offers, Offer, i - 1).caller);
}

/* Only ready agents get offers; ring-all rings every ready one at once. */
static void
test_ring_all_ready_only (Fixture       *fixture,
                          gconstpointer  data)
{
  add_agents (fixture, 5, FALSE);
  cb_queue_dispatcher_set_agent_ready (fixture->dispatcher, 2, TRUE);
  cb_queue_dispatcher_set_agent_ready (fixture->dispatcher, 4, TRUE);
  cb_queue_dispatcher_add_caller (fixture->dispatcher, 7);
  cb_queue_dispatcher_add_caller (fixture->dispatcher, 8);

  g_assert_cmpuint (fixture->offers->len, ==, 2);
  g_assert_cmpint (g_array_index (fixture->offers, Offer, 0).agent, ==, 2);
  g_assert_cmpint (g_array_index (fixture->offers, Offer, 1).agent, ==, 4);
  g_assert_cmpuint (g_array_index (fixture->offers, Offer, 0).caller, ==, 7);
  g_assert_cmpuint (g_array_index (fixture->offers, Offer, 1).caller, ==, 7);

  /* Agent 4 takes caller 7; agent 2 is free again and gets caller 8. */
  cb_queue_dispatcher_answered (fixture->dispatcher, 7, 4);
  g_assert_cmpuint (fixture->offers->len, ==, 3);
  g_assert_cmpint (g_array_index (fixture->offers, Offer, 2).agent, ==, 2);
  g_assert_cmpuint (g_array_index (fixture->offers, Offer, 2).caller, ==, 8);

  /* A newly ready agent joins caller 8's ringing. */
  cb_queue_dispatcher_set_agent_ready (fixture->dispatcher, 5, TRUE);
  g_assert_cmpuint (fixture->offers->len, ==, 4);
  g_assert_cmpint (g_array_index (fixture->offers, Offer, 3).agent, ==, 5);
}

/* Top-down: the first agent of the list; a refusal or a ring timeout
 * moves on to the next, and the round starts again at the top. */
static void
test_top_down_timeout (Fixture       *fixture,
                       gconstpointer  data)
{
  cb_queue_dispatcher_set_order (fixture->dispatcher, CB_QUEUE_ORDER_TOP_DOWN);
  cb_queue_dispatcher_set_timeouts (fixture->dispatcher, 100, 0);
  add_agents (fixture, 3, TRUE);
  cb_queue_dispatcher_add_caller (fixture->dispatcher, 1);
  g_assert_cmpuint (fixture->offers->len, ==, 1);
  g_assert_cmpint (g_array_index (fixture->offers, Offer, 0).agent, ==, 1);

  cb_queue_dispatcher_offer_failed (fixture->dispatcher, 1, 1);
  g_assert_cmpuint (fixture->offers->len, ==, 2);
  g_assert_cmpint (g_array_index (fixture->offers, Offer, 1).agent, ==, 2);

  CB_TEST_WAIT_FOR (fixture->offers->len == 3, 2000, "the ring timeout");
  g_assert_cmpuint (fixture->withdrawn->len, ==, 1);
  g_assert_cmpint (g_array_index (fixture->offers, Offer, 2).agent, ==, 3);

  CB_TEST_WAIT_FOR (fixture->offers->len == 4, 2000, "a new round");
  g_assert_cmpint (g_array_index (fixture->offers, Offer, 3).agent, ==, 1);
}

/* The ready agent with the given idle history: one offer at a time. */
static gint64
next_offer_agent (Fixture *fixture,
                  guint64  caller)
{
  guint before = fixture->offers->len;

  cb_queue_dispatcher_add_caller (fixture->dispatcher, caller);
  g_assert_cmpuint (fixture->offers->len, ==, before + 1);
  CB_TEST_WAIT_FOR (cb_queue_dispatcher_get_n_waiting (fixture->dispatcher) == 0, 2000, "an answer");
  return g_array_index (fixture->offers, Offer, before).agent;
}

/* Longest idle and fewest calls pick by history, not by list position;
 * the list position only breaks ties. */
static void
test_longest_idle_fewest_calls (Fixture       *fixture,
                                gconstpointer  data)
{
  fixture->answer = TRUE;
  fixture->ready_after = TRUE;
  cb_queue_dispatcher_set_order (fixture->dispatcher, CB_QUEUE_ORDER_LONGEST_IDLE);
  add_agents (fixture, 3, FALSE);
  /* Ready in the order 3, 2, 1, a second apart: 3 has waited longest. */
  for (gint64 agent = 3; agent >= 1; agent--)
    {
      cb_queue_dispatcher_set_agent_ready (fixture->dispatcher, agent, TRUE);
      cb_clock_advance (fixture->clock, G_USEC_PER_SEC);
    }
  g_assert_cmpint (next_offer_agent (fixture, 1), ==, 3);
  /* 3 is back after its call, now the most recently idle. */
  g_assert_cmpint (next_offer_agent (fixture, 2), ==, 2);
  g_assert_cmpint (next_offer_agent (fixture, 3), ==, 1);
  g_assert_cmpint (next_offer_agent (fixture, 4), ==, 3);

  /* Idle since the same instant: the member list decides. */
  cb_queue_dispatcher_set_agent_ready (fixture->dispatcher, 2, FALSE);
  cb_queue_dispatcher_set_agent_ready (fixture->dispatcher, 1, FALSE);
  cb_queue_dispatcher_set_agent_ready (fixture->dispatcher, 3, FALSE);
  cb_clock_advance (fixture->clock, G_USEC_PER_SEC);
  cb_queue_dispatcher_set_agent_ready (fixture->dispatcher, 2, TRUE);
  cb_queue_dispatcher_set_agent_ready (fixture->dispatcher, 1, TRUE);
  g_assert_cmpint (next_offer_agent (fixture, 5), ==, 1);

  /* Fewest calls: 1 and 3 have two each, 2 has one; 2 is away a while. */
  cb_queue_dispatcher_set_order (fixture->dispatcher, CB_QUEUE_ORDER_FEWEST_CALLS);
  cb_queue_dispatcher_set_agent_ready (fixture->dispatcher, 3, TRUE);
  cb_queue_dispatcher_set_agent_ready (fixture->dispatcher, 2, FALSE);
  for (guint64 caller = 6; caller <= 9; caller++)
    next_offer_agent (fixture, caller);
  g_assert_cmpuint (cb_queue_dispatcher_get_agent_calls (fixture->dispatcher, 1), ==, 4);
  g_assert_cmpuint (cb_queue_dispatcher_get_agent_calls (fixture->dispatcher, 3), ==, 4);
  g_assert_cmpuint (cb_queue_dispatcher_get_agent_calls (fixture->dispatcher, 2), ==, 1);
  cb_queue_dispatcher_set_agent_ready (fixture->dispatcher, 2, TRUE);
  g_assert_cmpint (next_offer_agent (fixture, 10), ==, 2);
}

/* The maximum wait sends the caller to overflow, withdrawing its offer;
 * a caller who hangs up frees its agents. */
static void
test_overflow_and_abandon (Fixture       *fixture,
                           gconstpointer  data)
{
  cb_queue_dispatcher_set_timeouts (fixture->dispatcher, 5000, 150);
  add_agents (fixture, 1, TRUE);
  cb_queue_dispatcher_add_caller (fixture->dispatcher, 1);
  cb_queue_dispatcher_add_caller (fixture->dispatcher, 2);
  g_assert_cmpuint (fixture->offers->len, ==, 1);
  cb_queue_dispatcher_remove_caller (fixture->dispatcher, 1);
  g_assert_cmpuint (fixture->offers->len, ==, 2);
  g_assert_cmpuint (g_array_index (fixture->offers, Offer, 1).caller, ==, 2);

  CB_TEST_WAIT_FOR (fixture->overflowed->len == 1, 2000, "the maximum wait");
  g_assert_cmpuint (g_array_index (fixture->overflowed, guint64, 0), ==, 2);
  g_assert_cmpuint (fixture->withdrawn->len, ==, 1);
  g_assert_cmpuint (cb_queue_dispatcher_get_n_waiting (fixture->dispatcher), ==, 0);
  g_assert_cmpuint (cb_queue_dispatcher_offered_to (fixture->dispatcher, 1), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/queue-dispatcher/round-robin-even", test_round_robin_even);
  ADD ("/queue-dispatcher/ring-all-ready-only", test_ring_all_ready_only);
  ADD ("/queue-dispatcher/top-down-timeout", test_top_down_timeout);
  ADD ("/queue-dispatcher/longest-idle-fewest-calls", test_longest_idle_fewest_calls);
  ADD ("/queue-dispatcher/overflow-and-abandon", test_overflow_and_abandon);
#undef ADD

  return g_test_run ();
}
