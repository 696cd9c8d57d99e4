/* test-sip-early-media.c: a callee's 183 Session Progress with SDP is heard before the answer
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Early media (RFC 3960) through a real callboardd: the callee's phone
 * answers the offer in a 183 and sends a tone (an announcement or its own
 * ringback), the B2BUA relays the 183 with its SDP, and the caller's
 * phone plays it while the call still rings; then the callee answers
 * with the same SDP and the tones go both ways.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <gst/gst.h>

#include "cb-test-phone.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS

#define ANNA_HZ 440
#define BEN_HZ  660
#define DESK_HZ 770

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

typedef struct {
  CbTestServer *server;
  CbTestPhone   anna;
  CbTestPhone   ben;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = cb_test_server_start (directory, server_args);
  cb_test_phone_start_user (fixture->server, &fixture->anna, "anna", ANNA_HZ, BEN_HZ);
  fixture->ben.manual_answer = TRUE;
  cb_test_phone_start_user (fixture->server, &fixture->ben, "ben", BEN_HZ, ANNA_HZ);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  cb_test_phone_clear (&fixture->anna);
  cb_test_phone_clear (&fixture->ben);
  cb_test_server_stop (fixture->server);
}

static gboolean
media_running (CbTestPhone *phone)
{
  return phone->call != NULL && cb_media_pipeline_is_running (cb_sip_call_get_media (phone->call));
}

/* The caller's call state on the server, from the caller's side. */
static char *
server_call_state (Fixture *fixture)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *calls;
  guint status = 0;

  answer = cb_test_request (fixture->server, "GET", "/api/v1/calls", fixture->anna.token, NULL,
                            &status);
  g_assert_cmpuint (status, ==, 200);
  calls = json_object_get_array_member (json_node_get_object (answer), "calls");
  g_assert_cmpuint (json_array_get_length (calls), ==, 1);
  return g_strdup (json_object_get_string_member (json_array_get_object_element (calls, 0),
                                                  "state"));
}

static void
test_early_media (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  CbMediaPipeline *early;

  cb_test_phone_dial (&fixture->anna, "202");
  CB_TEST_WAIT_FOR (fixture->ben.call != NULL, WAIT_MS, "ben's phone to ring");
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_RINGING, "anna to hear it ring");
  g_assert_false (media_running (&fixture->anna));

  /* Ben's phone plays its tone in a 183 before anyone answers. */
  g_assert_true (cb_sip_call_progress_with_media (fixture->ben.call, &error));
  g_assert_no_error (error);
  CB_TEST_WAIT_FOR (media_running (&fixture->anna), WAIT_MS, "anna's early media to start");
  early = cb_sip_call_get_media (fixture->anna.call);
  cb_test_phone_listen_to (&fixture->anna, fixture->anna.call);
  cb_test_phone_wait_hears (&fixture->anna, BEN_HZ, "anna to hear ben's early media");

  /* Still ringing on both phones and on the server. */
  g_assert_cmpint (cb_sip_call_get_state (fixture->anna.call), ==, CB_SIP_CALL_STATE_RINGING);
  g_assert_cmpint (cb_sip_call_get_state (fixture->ben.call), ==, CB_SIP_CALL_STATE_INCOMING);
  state = server_call_state (fixture);
  g_assert_cmpstr (state, ==, "ringing");

  /* Ben answers: the 200 carries the answer the 183 did. */
  g_assert_true (cb_sip_call_answer (fixture->ben.call, &error));
  g_assert_no_error (error);
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ACTIVE, "anna's call to connect");
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ACTIVE, "ben's call to connect");
  /* The same SDP in the 200: the early pipeline goes on. */
  g_assert_true (cb_sip_call_get_media (fixture->anna.call) == early);
  g_assert_true (media_running (&fixture->anna));
  cb_test_phone_wait_hears (&fixture->anna, BEN_HZ, "anna to hear ben after the answer");
  cb_test_phone_wait_hears (&fixture->ben, ANNA_HZ, "ben to hear anna after the answer");
  g_clear_pointer (&state, g_free);
  state = server_call_state (fixture);
  g_assert_cmpstr (state, ==, "connected");

  g_assert_false (cb_sip_call_progress_with_media (fixture->ben.call, &error));
  g_assert_nonnull (error);

  cb_sip_call_hangup (fixture->anna.call);
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ENDED, "ben's call to end");
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ENDED, "anna's call to end");
}

/* Ben has two phones: one plays early media, the other answers. The
 * caller keeps the first early SDP, then takes the answering phone's
 * SDP from the 200. */
static void
test_fork (Fixture       *fixture,
           gconstpointer  data)
{
  CbTestPhone desk = { 0 };
  g_autoptr(GError) error = NULL;

  desk.token = g_strdup (fixture->ben.token);
  desk.manual_answer = TRUE;
  cb_test_phone_start_user (fixture->server, &desk, "ben", DESK_HZ, ANNA_HZ);
  cb_test_phone_listen_for (&fixture->anna, DESK_HZ);

  cb_test_phone_dial (&fixture->anna, "202");
  CB_TEST_WAIT_FOR (fixture->ben.call != NULL && desk.call != NULL, WAIT_MS,
                    "both of ben's phones to ring");
  g_assert_true (cb_sip_call_progress_with_media (fixture->ben.call, &error));
  g_assert_no_error (error);
  CB_TEST_WAIT_FOR (media_running (&fixture->anna), WAIT_MS, "anna's early media to start");
  cb_test_phone_listen_to (&fixture->anna, fixture->anna.call);
  cb_test_phone_wait_hears (&fixture->anna, BEN_HZ, "anna to hear the first phone's early media");
  g_assert_cmpint (cb_sip_call_get_state (fixture->anna.call), ==, CB_SIP_CALL_STATE_RINGING);

  /* The other phone answers: the first is cancelled, anna hears the
   * one that answered. */
  g_assert_true (cb_sip_call_answer (desk.call, &error));
  g_assert_no_error (error);
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ACTIVE, "anna's call to connect");
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ENDED, "the early phone to stop");
  cb_test_phone_wait_hears (&fixture->anna, DESK_HZ, "anna to hear the phone that answered");
  cb_test_phone_wait_hears (&desk, ANNA_HZ, "the phone that answered to hear anna");
  CB_TEST_WAIT_FOR (cb_test_phone_silent (&fixture->anna, BEN_HZ, 500), WAIT_MS,
                    "the early media to stop");

  cb_sip_call_hangup (fixture->anna.call);
  cb_test_phone_wait_state (&desk, CB_SIP_CALL_STATE_ENDED, "the call to end");
  cb_test_phone_clear (&desk);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sip/early-media/183", Fixture, NULL, fixture_setup, test_early_media,
              fixture_teardown);
  g_test_add ("/sip/early-media/fork", Fixture, NULL, fixture_setup, test_fork, fixture_teardown);

  return g_test_run ();
}
