/* test-sip-pickup.c: taking over a colleague's ringing call through a real callboardd
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Directed pickup dialled as *97 + extension (with the picker preferring
 * another codec than the caller), group pickup as *98 (the newest ringing
 * call first, the oldest with pickup_oldest), and the REST pickup the BLF
 * uses, which the picker's phone answers by itself (answer-after) and
 * which makes the picker's line ring; a user whose level towards the
 * ringing colleague is below team is refused with 403 over REST and 403
 * Forbidden over SIP. The colleague's phone gets CANCEL and their journal
 * says who took the call; the picker's call event and journal entry name
 * the caller as the other party and Anna as whom it was picked up from.
 */

#define G_LOG_DOMAIN "cb-sip-pickup"

#include "config.h"

#include <gst/gst.h>

#include "cb-test-phone.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS

static const char *directory =
  "{\"users\":["
  " {\"username\":\"carl\",\"display_name\":\"Carl\",\"extension\":\"301\",\"password\":\"pw\",\"admin\":true},"
  " {\"username\":\"otto\",\"display_name\":\"Otto\",\"extension\":\"302\",\"password\":\"pw\"},"
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"cleo\",\"display_name\":\"Cleo\",\"extension\":\"203\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\","
  "  \"members\":[\"anna\",\"ben\",\"cleo\"]},"
  " {\"name\":\"Front\",\"kind\":\"hunt\",\"number\":\"700\",\"members\":[\"ben\"]}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

typedef struct {
  CbTestServer *server;
  CbTestPhone   carl, otto, anna, ben, cleo;
  CbTestStream *stream;     /* ben's events */
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = cb_test_server_start (directory, server_args);
  cb_test_phone_start_user (fixture->server, &fixture->carl, "carl", 300, 1200);
  cb_test_phone_start_user (fixture->server, &fixture->otto, "otto", 500, 1200);
  cb_test_phone_start_user (fixture->server, &fixture->anna, "anna", 1000, 300);
  cb_test_phone_start_user (fixture->server, &fixture->ben, "ben", 1200, 300);
  cb_test_phone_listen_for (&fixture->ben, 500);
  cb_test_phone_start_user (fixture->server, &fixture->cleo, "cleo", 1400, 300);
  fixture->anna.manual_answer = fixture->cleo.manual_answer = TRUE;
  fixture->stream = cb_test_stream_open (fixture->server, fixture->ben.token, -1, TRUE);
  g_assert_null (fixture->stream->error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->stream, cb_test_stream_close);
  cb_test_phone_clear_all (&fixture->carl, &fixture->otto, &fixture->anna,
                           &fixture->ben, &fixture->cleo, NULL);
  cb_test_server_stop (fixture->server);
}

/* Anna's entry names who took her call, by pickup; not missed. */
static void
assert_taken_from_anna (Fixture *fixture)
{
  g_autoptr(JsonNode) answer1 = NULL;
  g_autoptr(JsonNode) answer2 = NULL;
  JsonObject *entry, *from;
  gint64 missed = -1;

  g_assert_nonnull (cb_test_stream_wait (fixture->stream, "journal", fixture->ben.user_id, WAIT_MS));
  entry = cb_test_phone_last_entry (fixture->server, &fixture->anna, &answer1, &missed);
  g_assert_false (json_object_get_boolean_member (entry, "answered"));
  g_assert_cmpint (json_object_get_int_member (entry, "taken_by_user_id"), ==, fixture->ben.user_id);
  g_assert_cmpstr (json_object_get_string_member (entry, "taken_by_name"), ==, "Ben");
  g_assert_true (json_object_get_boolean_member (entry, "picked_up"));
  g_assert_cmpint (missed, ==, 0);

  entry = cb_test_phone_last_entry (fixture->server, &fixture->ben, &answer2, NULL);
  g_assert_true (json_object_get_boolean_member (entry, "answered"));
  g_assert_true (json_object_get_boolean_member (entry, "picked_up"));
  g_assert_cmpstr (json_object_get_string_member (entry, "remote_number"), ==, "301");
  /* Ben's own entry names whom he took it from. */
  from = json_object_get_object_member (entry, "picked_up_from");
  g_assert_nonnull (from);
  g_assert_cmpint (json_object_get_int_member (from, "user_id"), ==, fixture->anna.user_id);
  g_assert_cmpstr (json_object_get_string_member (from, "name"), ==, "Anna");
}

/* Waits for a call event about user_id with picked_up set: the picker's
 * side names the caller as the other party (not the code dialled) and
 * Anna as whom it was picked up from. */
static void
wait_picked_up (CbTestStream *stream,
                gint64        user_id)
{
  for (;;)
    {
      JsonObject *event = cb_test_stream_wait (stream, "call", user_id, WAIT_MS);
      JsonObject *data, *from;

      g_assert_nonnull (event);
      data = json_object_get_object_member (event, "data");
      if (!json_object_get_boolean_member (data, "picked_up"))
        continue;
      g_assert_cmpstr (json_object_get_string_member (data, "direction"), ==, "in");
      g_assert_cmpstr (json_object_get_string_member (data, "remote_number"), ==, "301");
      g_assert_cmpstr (json_object_get_string_member (data, "remote_name"), ==, "Carl");
      from = json_object_get_object_member (data, "picked_up_from");
      g_assert_nonnull (from);
      g_assert_cmpstr (json_object_get_string_member (from, "name"), ==, "Anna");
      return;
    }
}

static const char *
codec_of (CbTestPhone *phone)
{
  return cb_media_pipeline_get_codec (cb_sip_call_get_media (phone->call));
}

/* Ben's phone prefers PCMA, Carl's Opus: the pickup must still settle
 * both on one codec (each phone's offer as the other's answer would not). */
static void
test_directed (Fixture       *fixture,
               gconstpointer  data)
{
  static const char * const pcma_first[] = { "pcma", "pcmu", "opus", NULL };

  cb_sip_agent_set_codecs (fixture->ben.agent, pcma_first);
  cb_test_phone_dial (&fixture->carl, fixture->anna.line);
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->anna), WAIT_MS, "anna's phone to ring");

  cb_test_phone_dial (&fixture->ben, "*97201");
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ACTIVE, "ben's pickup answered");
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "the caller connected");
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ENDED, "anna's phone cancelled");
  g_assert_cmpuint (cb_sip_call_get_end_status (fixture->anna.call), ==, 487);

  /* The two phones hear each other, on one codec (a codec change in the
   * re-INVITE rebuilds the caller's pipeline: listen to the new one). */
  CB_TEST_WAIT_FOR (g_strcmp0 (codec_of (&fixture->carl), codec_of (&fixture->ben)) == 0, WAIT_MS,
                    "carl and ben on one codec");
  g_test_message ("carl sends %s, ben %s", codec_of (&fixture->carl), codec_of (&fixture->ben));
  cb_test_phone_listen_to (&fixture->carl, fixture->carl.call);
  cb_test_phone_wait_hears (&fixture->carl, 1200, "the caller to hear ben");
  cb_test_phone_wait_hears (&fixture->ben, 300, "ben to hear the caller");
  wait_picked_up (fixture->stream, fixture->ben.user_id);

  cb_sip_call_hangup (fixture->carl.call);
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ENDED, "ben's end to hang up");
  assert_taken_from_anna (fixture);

  /* Nothing rings at Anna now. */
  cb_test_phone_dial (&fixture->ben, "*97201");
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ENDED, "an empty pickup");
  g_assert_cmpuint (cb_sip_call_get_end_status (fixture->ben.call), ==, 404);
}

/* Carl calls Anna "from his softphone" over REST (his phone answers the
 * server's offerless INVITE, its 200 holds the offer); Ben, preferring
 * another codec, picks the call up while Anna's phone rings. */
static void
test_directed_click (Fixture       *fixture,
                     gconstpointer  data)
{
  static const char * const pcmu_first[] = { "pcmu", "opus", "pcma", NULL };
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  cb_sip_agent_set_codecs (fixture->ben.agent, pcmu_first);
  answer = cb_test_request (fixture->server, "POST", "/api/v1/calls", fixture->carl.token,
                            "{\"to\":\"201\",\"from_device\":\"softphone\"}", &status);
  g_assert_cmpuint (status, ==, 201);
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->anna), WAIT_MS, "anna's phone to ring");

  cb_test_phone_dial (&fixture->ben, "*97201");
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ACTIVE, "ben's pickup answered");
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ENDED, "anna's phone cancelled");
  /* Carl's phone went active on the server's inactive answer; the
   * re-INVITE with Ben's offer may change its codec, which rebuilds its
   * pipeline: listen to the one that runs now. */
  CB_TEST_WAIT_FOR (g_strcmp0 (codec_of (&fixture->carl), codec_of (&fixture->ben)) == 0, WAIT_MS,
                    "carl and ben on one codec");
  cb_test_phone_listen_to (&fixture->carl, fixture->carl.call);
  cb_test_phone_wait_hears (&fixture->carl, 1200, "carl to hear ben");
  cb_test_phone_wait_hears (&fixture->ben, 300, "ben to hear carl");
  g_test_message ("carl sends %s, ben %s", codec_of (&fixture->carl), codec_of (&fixture->ben));
  g_assert_cmpstr (codec_of (&fixture->carl), ==, codec_of (&fixture->ben));
  wait_picked_up (fixture->stream, fixture->ben.user_id);

  cb_sip_call_hangup (fixture->ben.call);
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ENDED, "carl's end to hang up");
}

/* Two colleagues' phones ring; *98 takes the newest call first. */
static void
test_group (Fixture       *fixture,
            gconstpointer  data)
{
  cb_test_phone_dial (&fixture->carl, fixture->anna.line);
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->anna), WAIT_MS, "anna's phone to ring");
  cb_test_phone_dial (&fixture->otto, fixture->cleo.line);
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->cleo), WAIT_MS, "cleo's phone to ring");

  cb_test_phone_dial (&fixture->ben, "*98");
  cb_test_phone_wait_state (&fixture->otto, CB_SIP_CALL_STATE_ACTIVE, "the newest call picked up");
  cb_test_phone_wait_state (&fixture->cleo, CB_SIP_CALL_STATE_ENDED, "cleo's phone cancelled");
  cb_test_phone_wait_hears (&fixture->ben, 500, "ben to hear otto");
  g_assert_true (cb_test_phone_state_is (&fixture->anna, CB_SIP_CALL_STATE_INCOMING));
  g_assert_false (cb_test_phone_state_is (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE));
  cb_sip_call_hangup (fixture->ben.call);
  cb_test_phone_wait_state (&fixture->otto, CB_SIP_CALL_STATE_ENDED, "otto's end to hang up");

  cb_test_phone_dial (&fixture->ben, "*98");
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "the older call picked up");
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ENDED, "anna's phone cancelled");
  cb_sip_call_hangup (fixture->carl.call);
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ENDED, "ben's end to hang up");
  assert_taken_from_anna (fixture);
}

static guint
post_pickup (Fixture     *fixture,
             CbTestPhone *phone,
             const char  *call_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s/pickup", call_id);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = cb_test_request (fixture->server, "POST", path, phone->token, "{}", &status);
  return status;
}

/* A pickup refused with 409 and @code (one a client words itself). */
static void
assert_pickup_conflict (Fixture     *fixture,
                        CbTestPhone *phone,
                        const char  *call_id,
                        const char  *code)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s/pickup", call_id);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = cb_test_request (fixture->server, "POST", path, phone->token, "{}", &status);
  g_assert_cmpuint (status, ==, 409);
  g_assert_cmpstr (cb_test_error_code (answer), ==, code);
}

/* Carl calls Anna and her phone rings; the call's id, as Carl sees it. */
static char *
ring_anna (Fixture *fixture)
{
  g_autoptr(JsonNode) calls = NULL;
  guint status = 0;

  cb_test_phone_dial (&fixture->carl, fixture->anna.line);
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->anna), WAIT_MS, "anna's phone to ring");
  calls = cb_test_request (fixture->server, "GET", "/api/v1/calls", fixture->carl.token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  return g_strdup (json_object_get_string_member (
    json_array_get_object_element (json_object_get_array_member (json_node_get_object (calls), "calls"), 0),
    "call_id"));
}

/* Otto is nobody to Anna: refused both ways. Ben may, over REST: his
 * softphone rings with the call and answers it by itself, as the server
 * asks (answer-after=0): nothing answers it locally. */
static void
test_refused_and_rest (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *call_id = ring_anna (fixture);

  g_assert_cmpuint (post_pickup (fixture, &fixture->otto, call_id), ==, 403);
  g_assert_cmpuint (post_pickup (fixture, &fixture->ben, "no-such-call"), ==, 404);
  cb_test_phone_dial (&fixture->otto, "*97201");
  cb_test_phone_wait_state (&fixture->otto, CB_SIP_CALL_STATE_ENDED, "otto's pickup refused");
  g_assert_cmpuint (cb_sip_call_get_end_status (fixture->otto.call), ==, 403);
  g_assert_true (cb_test_phone_state_is (&fixture->anna, CB_SIP_CALL_STATE_INCOMING));

  fixture->ben.manual_answer = TRUE;
  g_object_set (fixture->ben.agent, "answer-after", TRUE, NULL);
  g_assert_cmpuint (post_pickup (fixture, &fixture->ben, call_id), ==, 200);
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ACTIVE, "ben's phone to answer itself");
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "the caller connected");
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ENDED, "anna's phone cancelled");
  g_assert_true (cb_sip_call_is_incoming (fixture->ben.call));
  cb_test_phone_wait_hears (&fixture->carl, 1200, "the caller to hear ben");
  cb_test_phone_wait_hears (&fixture->ben, 300, "ben to hear the caller");
  wait_picked_up (fixture->stream, fixture->ben.user_id);
  /* Taken: a late click on Take Over is told why. */
  assert_pickup_conflict (fixture, &fixture->ben, call_id, "not-ringing");

  cb_sip_call_hangup (fixture->ben.call);
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ENDED, "the caller's end to hang up");
  assert_taken_from_anna (fixture);
}

/* The next line-state event about user_id, in this state. */
static void
wait_line_state (CbTestStream *stream,
                 gint64        user_id,
                 const char   *state)
{
  for (;;)
    {
      JsonObject *event = cb_test_stream_wait (stream, "line-state", user_id, WAIT_MS);

      g_assert_nonnull (event);
      if (g_strcmp0 (json_object_get_string_member (json_object_get_object_member (event, "data"),
                                                    "line_state"), state) == 0)
        return;
    }
}

/* Cleo's phone (answering by hand) rings with a REST pickup: her line
 * rings, and is idle again when Anna answers first. */
static void
test_rest_line_state (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *call_id = ring_anna (fixture);

  g_assert_cmpuint (post_pickup (fixture, &fixture->cleo, call_id), ==, 200);
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->cleo), WAIT_MS, "cleo's phone to ring");
  wait_line_state (fixture->stream, fixture->cleo.user_id, "ringing");

  cb_test_phone_answer (&fixture->anna);
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "anna to take it");
  cb_test_phone_wait_state (&fixture->cleo, CB_SIP_CALL_STATE_ENDED, "cleo's phone cancelled");
  wait_line_state (fixture->stream, fixture->cleo.user_id, "idle");
  cb_sip_call_hangup (fixture->carl.call);
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ENDED, "anna's end to hang up");
}

/* With pickup_oldest on a hunt group Ben is in, *98 takes the call that
 * has rung the longest. */
static void
test_oldest (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(JsonNode) patched = NULL;
  g_autofree char *path = NULL;
  JsonArray *groups;
  gint64 front = 0;
  guint status = 0;

  snapshot = cb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->ben.token, NULL,
                              &status);
  g_assert_cmpuint (status, ==, 200);
  groups = json_object_get_array_member (json_node_get_object (snapshot), "groups");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);

      if (g_strcmp0 (json_object_get_string_member (group, "name"), "Front") == 0)
        front = json_object_get_int_member (group, "id");
    }
  g_assert_cmpint (front, >, 0);
  path = g_strdup_printf ("/api/v1/admin/groups/%" G_GINT64_FORMAT, front);
  patched = cb_test_request (fixture->server, "PATCH", path, fixture->carl.token,
                             "{\"pickup_oldest\":true}", &status);
  g_assert_cmpuint (status, ==, 200);

  cb_test_phone_dial (&fixture->carl, fixture->anna.line);
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->anna), WAIT_MS, "anna's phone to ring");
  cb_test_phone_dial (&fixture->otto, fixture->cleo.line);
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->cleo), WAIT_MS, "cleo's phone to ring");

  cb_test_phone_dial (&fixture->ben, "*98");
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "the oldest call picked up");
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ENDED, "anna's phone cancelled");
  cb_test_phone_wait_hears (&fixture->ben, 300, "ben to hear carl");
  g_assert_true (cb_test_phone_state_is (&fixture->cleo, CB_SIP_CALL_STATE_INCOMING));
  g_assert_false (cb_test_phone_state_is (&fixture->otto, CB_SIP_CALL_STATE_ACTIVE));
  cb_sip_call_hangup (fixture->ben.call);
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ENDED, "carl's end to hang up");
  cb_sip_call_hangup (fixture->otto.call);
  cb_test_phone_wait_state (&fixture->cleo, CB_SIP_CALL_STATE_ENDED, "cleo's phone to stop");
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sip/pickup/directed", Fixture, NULL, fixture_setup, test_directed, fixture_teardown);
  g_test_add ("/sip/pickup/directed-click", Fixture, NULL, fixture_setup, test_directed_click,
              fixture_teardown);
  g_test_add ("/sip/pickup/group", Fixture, NULL, fixture_setup, test_group, fixture_teardown);
  g_test_add ("/sip/pickup/refused-and-rest", Fixture, NULL, fixture_setup, test_refused_and_rest,
              fixture_teardown);
  g_test_add ("/sip/pickup/rest-line-state", Fixture, NULL, fixture_setup, test_rest_line_state,
              fixture_teardown);
  g_test_add ("/sip/pickup/oldest", Fixture, NULL, fixture_setup, test_oldest, fixture_teardown);

  return g_test_run ();
}
