/* test-sip-calls.c: one agent with several calls at once, one talking, the others held
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three agents on 127.0.0.1, no registrar: alice calls carol, then bob
 * calls carol; with auto-hold, carol's answer puts alice on hold (carol
 * offers a=sendonly and mutes her towards alice: alice stops hearing
 * her, bob hears her). Resuming alice holds bob in turn.
 */

#define G_LOG_DOMAIN "cb-phone"

#include "config.h"

#include <gst/gst.h>

#include "cb-test-phone.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS
#define ALICE_HZ 440.0
#define BOB_HZ   660.0
#define CAROL_HZ 880.0

typedef struct {
  CbTestPhone alice;
  CbTestPhone bob;
  CbTestPhone carol;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  cb_test_phone_init (&fixture->alice, "alice", ALICE_HZ, CAROL_HZ);
  cb_test_phone_init (&fixture->bob, "bob", BOB_HZ, CAROL_HZ);
  cb_test_phone_init (&fixture->carol, "carol", CAROL_HZ, ALICE_HZ);
  cb_test_phone_listen_for (&fixture->carol, BOB_HZ);
  cb_sip_agent_set_auto_hold (fixture->carol.agent, TRUE);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  cb_test_phone_clear (&fixture->alice);
  cb_test_phone_clear (&fixture->bob);
  cb_test_phone_clear (&fixture->carol);
}

static CbSipCall *
dial_carol (Fixture     *fixture,
            CbTestPhone *phone)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strdup_printf ("sip:carol@127.0.0.1:%u",
                                          cb_sip_agent_get_port (fixture->carol.agent));
  g_autoptr(CbSipCall) call = cb_sip_agent_dial (phone->agent, uri, &error);

  g_assert_no_error (error);
  cb_test_phone_adopt (phone, call);
  return call;
}

static CbMediaDirection
direction_of (CbSipCall *call)
{
  return cb_media_pipeline_get_direction (cb_sip_call_get_media (call));
}

static gboolean
ended (CbSipCall *call)
{
  return cb_sip_call_get_state (call) == CB_SIP_CALL_STATE_ENDED;
}

static void
test_second_call (Fixture       *fixture,
                  gconstpointer  data)
{
  CbTestPhone *alice = &fixture->alice, *bob = &fixture->bob, *carol = &fixture->carol;
  g_autoptr(CbSipCall) with_alice = NULL;
  g_autoptr(CbSipCall) with_bob = NULL;
  g_autoptr(GError) error = NULL;

  dial_carol (fixture, alice);
  cb_test_phone_wait_state (carol, CB_SIP_CALL_STATE_ACTIVE, "carol to answer alice");
  cb_test_phone_wait_state (alice, CB_SIP_CALL_STATE_ACTIVE, "alice's call to be answered");
  with_alice = g_object_ref (carol->call);
  cb_test_phone_wait_hears (alice, CAROL_HZ, "alice to hear carol");
  cb_test_phone_wait_hears (carol, ALICE_HZ, "carol to hear alice");

  /* bob calls: carol answers, alice goes on hold by herself. */
  dial_carol (fixture, bob);
  cb_test_phone_wait_state (bob, CB_SIP_CALL_STATE_ACTIVE, "carol to answer bob");
  with_bob = g_object_ref (carol->call);
  g_assert_true (with_bob != with_alice);
  g_assert_true (cb_sip_call_get_held (with_alice));
  g_assert_false (cb_sip_call_get_held (with_bob));
  CB_TEST_WAIT_FOR (direction_of (with_alice) == CB_MEDIA_DIRECTION_SENDONLY &&
                    direction_of (alice->call) == CB_MEDIA_DIRECTION_RECVONLY,
                    WAIT_MS, "alice's call to be held");
  g_assert_cmpint (cb_sip_call_get_state (with_alice), ==, CB_SIP_CALL_STATE_ACTIVE);
  CB_TEST_WAIT_FOR (cb_test_phone_silent (alice, CAROL_HZ, 600), WAIT_MS, "carol to fall silent at alice");
  cb_test_phone_wait_hears (bob, CAROL_HZ, "bob to hear carol");
  cb_test_phone_wait_hears (carol, BOB_HZ, "carol to hear bob");
  g_assert_cmpint (direction_of (with_bob), ==, CB_MEDIA_DIRECTION_SENDRECV);

  /* Back to alice: bob is held now. */
  g_assert_true (cb_sip_call_set_hold (with_alice, FALSE, &error));
  g_assert_no_error (error);
  cb_test_phone_adopt (carol, with_alice);
  CB_TEST_WAIT_FOR (direction_of (with_bob) == CB_MEDIA_DIRECTION_SENDONLY &&
                    direction_of (bob->call) == CB_MEDIA_DIRECTION_RECVONLY,
                    WAIT_MS, "bob's call to be held");
  CB_TEST_WAIT_FOR (direction_of (with_alice) == CB_MEDIA_DIRECTION_SENDRECV &&
                    direction_of (alice->call) == CB_MEDIA_DIRECTION_SENDRECV,
                    WAIT_MS, "alice's call to be resumed");
  g_assert_true (cb_sip_call_get_held (with_bob));
  g_assert_false (cb_sip_call_get_held (with_alice));
  cb_test_phone_listen_to (carol, with_alice);
  cb_test_phone_wait_hears (alice, CAROL_HZ, "alice to hear carol again");
  cb_test_phone_wait_hears (carol, ALICE_HZ, "carol to hear alice again");
  CB_TEST_WAIT_FOR (cb_test_phone_silent (bob, CAROL_HZ, 600), WAIT_MS, "carol to fall silent at bob");

  /* Without auto-hold, a second answer leaves the first call alone. */
  cb_sip_call_hangup (with_bob);
  CB_TEST_WAIT_FOR (ended (with_bob) && ended (bob->call), WAIT_MS, "bob's call to end");
  cb_sip_agent_set_auto_hold (carol->agent, FALSE);
  dial_carol (fixture, bob);
  cb_test_phone_wait_state (bob, CB_SIP_CALL_STATE_ACTIVE, "carol to answer bob again");
  cb_test_phone_wait_hears (bob, CAROL_HZ, "bob to hear carol in the second call");
  g_assert_false (cb_sip_call_get_held (with_alice));
  g_assert_cmpint (direction_of (with_alice), ==, CB_MEDIA_DIRECTION_SENDRECV);
  g_assert_true (cb_test_phone_hears (alice, CAROL_HZ));

  cb_sip_call_hangup (with_alice);
  cb_sip_call_hangup (carol->call);
  CB_TEST_WAIT_FOR (ended (alice->call) && ended (bob->call), WAIT_MS, "every call to end");
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/phone/calls/second-call-holds-first", Fixture, NULL,
              fixture_setup, test_second_call, fixture_teardown);

  return g_test_run ();
}
