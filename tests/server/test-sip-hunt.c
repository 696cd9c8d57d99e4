/* test-sip-hunt.c: hunt group calls through a real callboardd to phone-library agents
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parallel groups ring every logged-in member and cancel the rest when
 * one answers (with tones both ways and "taken by" in the others'
 * journals); sequential groups follow the member order with a short
 * configured timeout, skip logged-out members and follow a reorder;
 * with wrap_around they start again at the first; busy members are
 * skipped unless ring_in_use; the overflow number rings when nobody can,
 * an overflow to another group rings that group's members, one to a
 * queue holds the caller with music until an agent takes it, one to an
 * external number goes over the trunk, and a loop of overflows ends in
 * busy; a DeviceOnly desk phone logs in and
 * out by feature code and the login survives a restart.
 */

#define G_LOG_DOMAIN "cb-sip-hunt"

#include "config.h"

#include <gst/gst.h>

#include "cb-test-phone.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS

static const char *directory =
  "{\"users\":["
  " {\"username\":\"carl\",\"display_name\":\"Carl\",\"extension\":\"301\",\"password\":\"pw\",\"admin\":true},"
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"dora\",\"display_name\":\"Dora\",\"extension\":\"203\",\"password\":\"pw\"},"
  " {\"username\":\"otto\",\"display_name\":\"Otto\",\"extension\":\"204\",\"password\":\"pw\"},"
  " {\"username\":\"lobby\",\"display_name\":\"Lobby phone\",\"extension\":\"290\",\"kind\":\"device\"}],"
  "\"groups\":["
  " {\"name\":\"Support\",\"kind\":\"hunt\",\"number\":\"600\",\"strategy\":\"parallel\","
  "  \"level\":\"team\",\"leader\":\"anna\",\"members\":[\"anna\",\"ben\",\"dora\"]},"
  " {\"name\":\"Sales\",\"kind\":\"hunt\",\"number\":\"610\",\"strategy\":\"sequential\","
  "  \"member_timeout\":2,\"level\":\"team\",\"leader\":\"ben\",\"members\":[\"anna\",\"ben\",\"dora\"]},"
  " {\"name\":\"Service\",\"kind\":\"hunt\",\"number\":\"620\",\"strategy\":\"parallel\","
  "  \"overflow\":\"204\",\"level\":\"team\",\"members\":[\"anna\",\"ben\"]},"
  " {\"name\":\"Lobby\",\"kind\":\"hunt\",\"number\":\"630\",\"strategy\":\"parallel\","
  "  \"level\":\"team\",\"members\":[\"lobby\",\"anna\"]},"
  " {\"name\":\"Front\",\"kind\":\"hunt\",\"number\":\"640\",\"overflow\":\"600\","
  "  \"members\":[\"dora\"]},"
  " {\"name\":\"Loop A\",\"kind\":\"hunt\",\"number\":\"660\",\"overflow\":\"670\","
  "  \"members\":[\"dora\"]},"
  " {\"name\":\"Loop B\",\"kind\":\"hunt\",\"number\":\"670\",\"strategy\":\"sequential\","
  "  \"overflow\":\"660\",\"members\":[\"dora\"]},"
  " {\"name\":\"Self\",\"kind\":\"hunt\",\"number\":\"680\",\"overflow\":\"680\","
  "  \"members\":[\"dora\"]},"
  " {\"name\":\"Night\",\"kind\":\"hunt\",\"number\":\"690\",\"overflow\":\"030555999\","
  "  \"members\":[\"dora\"]},"
  " {\"name\":\"Desk\",\"kind\":\"hunt\",\"number\":\"645\",\"overflow\":\"655\","
  "  \"members\":[\"dora\"]},"
  " {\"name\":\"Lineup\",\"kind\":\"hunt\",\"number\":\"655\",\"strategy\":\"queue\","
  "  \"queue_order\":\"ring-all\",\"agent_timeout\":15,\"max_wait\":300,\"wrap_up\":1,"
  "  \"overflow\":\"645\",\"level\":\"team\",\"members\":[\"ben\"]}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

typedef struct {
  CbTestServer *server;
  CbTestPhone   carl, anna, ben, dora, otto;
  CbTestStream *stream;     /* anna's events */
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = cb_test_server_start (directory, server_args);
  cb_test_phone_start_user (fixture->server, &fixture->carl, "carl", 300, 1000);
  cb_test_phone_listen_for (&fixture->carl, 1200);
  cb_test_phone_start_user (fixture->server, &fixture->anna, "anna", 1000, 300);
  cb_test_phone_start_user (fixture->server, &fixture->ben, "ben", 1200, 300);
  cb_test_phone_start_user (fixture->server, &fixture->dora, "dora", 1400, 300);
  fixture->anna.manual_answer = fixture->ben.manual_answer = fixture->dora.manual_answer = TRUE;
  fixture->stream = cb_test_stream_open (fixture->server, fixture->anna.token, -1, TRUE);
  g_assert_null (fixture->stream->error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->stream, cb_test_stream_close);
  cb_test_phone_clear_all (&fixture->carl, &fixture->anna, &fixture->ben,
                           &fixture->dora, &fixture->otto, NULL);
  cb_test_server_stop (fixture->server);
}

/* The group object named `name` as `token`'s owner sees it. */
static JsonObject *
find_group (Fixture     *fixture,
            const char  *token,
            const char  *name,
            JsonNode   **answer)
{
  JsonArray *groups;
  guint status = 0;

  *answer = cb_test_request (fixture->server, "GET", "/api/v1/snapshot", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  groups = json_object_get_array_member (json_node_get_object (*answer), "groups");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);

      if (g_strcmp0 (json_object_get_string_member (group, "name"), name) == 0)
        return group;
    }
  g_error ("No group %s in the snapshot", name);
}

static gint64
group_id (Fixture    *fixture,
          const char *name)
{
  g_autoptr(JsonNode) answer = NULL;

  return json_object_get_int_member (find_group (fixture, fixture->carl.token, name, &answer), "id");
}

static void
login (Fixture     *fixture,
       CbTestPhone *phone,
       const char  *group,
       gboolean     logged_in)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login",
                                           group_id (fixture, group));
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = cb_test_request (fixture->server, "PUT", path, phone->token,
                            logged_in ? "{\"logged_in\":true}" : "{\"logged_in\":false}", &status);
  g_assert_cmpuint (status, ==, 200);
}

/* What the stream got, for the log of a failed wait. */
static void
dump_events (CbTestStream *stream)
{
  for (guint i = 0; i < stream->events->len; i++)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (),
                                                        g_ptr_array_index (stream->events, i));
      g_autofree char *text = json_to_string (node, FALSE);

      g_test_message ("event: %s", text);
    }
}

/* The next call event about user_id in this state. */
static JsonObject *
wait_call_event (CbTestStream *stream,
                 gint64        user_id,
                 const char   *state)
{
  for (;;)
    {
      JsonObject *event = cb_test_stream_wait (stream, "call", user_id, WAIT_MS);
      JsonObject *data;

      if (event == NULL)
        dump_events (stream);
      g_assert_nonnull (event);
      data = json_object_get_object_member (event, "data");
      if (g_strcmp0 (json_object_get_string_member (data, "state"), state) == 0)
        return data;
    }
}

static void
test_parallel (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonNode) answer1 = NULL;
  g_autoptr(JsonNode) answer2 = NULL;
  g_autoptr(JsonNode) answer3 = NULL;
  JsonObject *call, *entry, *group;
  gint64 missed = -1;

  login (fixture, &fixture->anna, "Support", TRUE);
  login (fixture, &fixture->ben, "Support", TRUE);
  login (fixture, &fixture->dora, "Support", TRUE);

  cb_test_phone_dial (&fixture->carl, "600");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->anna) && cb_test_phone_rang (&fixture->ben) &&
                    cb_test_phone_rang (&fixture->dora),
                    WAIT_MS, "every logged-in member to ring");

  /* Anna's card says whom the call is for. */
  call = wait_call_event (fixture->stream, fixture->anna.user_id, "ringing");
  group = json_object_get_object_member (call, "group");
  g_assert_nonnull (group);
  g_assert_cmpstr (json_object_get_string_member (group, "name"), ==, "Support");
  g_assert_false (json_object_get_boolean_member (call, "picked_up"));
  g_assert_cmpstr (json_object_get_string_member (call, "remote_number"), ==, "301");

  cb_test_phone_answer (&fixture->ben);
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "the caller connected");
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ENDED, "anna's phone cancelled");
  cb_test_phone_wait_state (&fixture->dora, CB_SIP_CALL_STATE_ENDED, "dora's phone cancelled");
  g_assert_cmpuint (cb_sip_call_get_end_status (fixture->anna.call), ==, 487);
  g_assert_cmpuint (cb_sip_call_get_end_status (fixture->dora.call), ==, 487);

  /* Media flows end to end between the caller and the member who took it. */
  cb_test_phone_wait_hears (&fixture->carl, 1200, "the caller to hear ben");
  cb_test_phone_wait_hears (&fixture->ben, 300, "ben to hear the caller");
  g_test_message ("carl hears ben at ratio %.0f", cb_tone_detector_get_ratio (
                    g_ptr_array_index (fixture->carl.detectors, 1)));

  /* The others' cards end; the call events name who took it. */
  call = wait_call_event (fixture->stream, fixture->ben.user_id, "connected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (call, "group"),
                                                  "name"), ==, "Support");
  wait_call_event (fixture->stream, fixture->anna.user_id, "ended");

  cb_sip_call_hangup (fixture->carl.call);
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ENDED, "ben's end to hang up");
  g_assert_nonnull (cb_test_stream_wait (fixture->stream, "journal", fixture->anna.user_id, WAIT_MS));

  /* Anna did not miss it: Ben took it. */
  entry = cb_test_phone_last_entry (fixture->server, &fixture->anna, &answer1, &missed);
  g_assert_false (json_object_get_boolean_member (entry, "answered"));
  g_assert_cmpint (json_object_get_int_member (entry, "taken_by_user_id"), ==, fixture->ben.user_id);
  g_assert_cmpstr (json_object_get_string_member (entry, "taken_by_name"), ==, "Ben");
  g_assert_cmpstr (json_object_get_string_member (entry, "group_name"), ==, "Support");
  g_assert_false (json_object_get_boolean_member (entry, "picked_up"));
  g_assert_cmpint (missed, ==, 0);

  entry = cb_test_phone_last_entry (fixture->server, &fixture->ben, &answer2, NULL);
  g_assert_true (json_object_get_boolean_member (entry, "answered"));
  g_assert_true (json_object_get_null_member (entry, "taken_by_user_id"));
  g_assert_cmpstr (json_object_get_string_member (entry, "group_name"), ==, "Support");

  entry = cb_test_phone_last_entry (fixture->server, &fixture->carl, &answer3, NULL);
  g_assert_cmpstr (json_object_get_string_member (entry, "direction"), ==, "out");
  g_assert_cmpstr (json_object_get_string_member (entry, "remote_name"), ==, "Ben");
  g_assert_cmpstr (json_object_get_string_member (entry, "group_name"), ==, "Support");
}

static void
reorder (Fixture     *fixture,
         CbTestPhone *phone,
         const char  *body,
         guint        expected)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/members/order",
                                           group_id (fixture, "Sales"));
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = cb_test_request (fixture->server, "PUT", path, phone->token, body, &status);
  g_assert_cmpuint (status, ==, expected);
}

/* Hangs up from the client the one call ringing at the phone's user. */
static void
decline (Fixture     *fixture,
         CbTestPhone *phone)
{
  g_autoptr(JsonNode) calls = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  JsonArray *list;
  guint status = 0;

  calls = cb_test_request (fixture->server, "GET", "/api/v1/calls", phone->token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  list = json_object_get_array_member (json_node_get_object (calls), "calls");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  path = g_strdup_printf ("/api/v1/calls/%s", json_object_get_string_member (
                            json_array_get_object_element (list, 0), "call_id"));
  answer = cb_test_request (fixture->server, "DELETE", path, phone->token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "state"), ==, "ended");
}

static void
test_sequential (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *order = NULL;
  JsonObject *group;
  gint64 waited_ms;

  /* The default member timeout, and the configured one. */
  group = find_group (fixture, fixture->carl.token, "Support", &answer);
  g_assert_cmpint (json_object_get_int_member (group, "member_timeout"), ==, 15);
  g_assert_false (json_object_get_boolean_member (group, "ring_in_use"));
  g_assert_cmpstr (json_object_get_string_member (group, "overflow"), ==, "");
  g_clear_pointer (&answer, json_node_unref);
  group = find_group (fixture, fixture->carl.token, "Sales", &answer);
  g_assert_cmpint (json_object_get_int_member (group, "member_timeout"), ==, 2);

  /* Anna, first in the list, is logged out: Ben rings first, then Dora. */
  login (fixture, &fixture->ben, "Sales", TRUE);
  login (fixture, &fixture->dora, "Sales", TRUE);
  cb_test_phone_dial (&fixture->carl, "610");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "ben to ring first");
  cb_test_phone_barrier (&fixture->dora);
  g_assert_cmpuint (fixture->dora.incoming, ==, 0);
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->dora), WAIT_MS, "dora to ring after ben's timeout");
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ENDED, "ben's phone to stop");
  waited_ms = (fixture->dora.rang_at - fixture->ben.rang_at) / 1000;
  g_test_message ("dora rang %" G_GINT64_FORMAT " ms after ben", waited_ms);
  g_assert_cmpint (waited_ms, >=, 1500);
  g_assert_cmpint (waited_ms, <, 4000);
  cb_test_phone_barrier (&fixture->anna);
  g_assert_cmpuint (fixture->anna.incoming, ==, 0);
  cb_test_phone_answer (&fixture->dora);
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "the caller connected");
  cb_sip_call_hangup (fixture->carl.call);
  cb_test_phone_wait_state (&fixture->dora, CB_SIP_CALL_STATE_ENDED, "dora's end to hang up");

  /* Only the leader (Ben), deputy or an admin reorders, and only to a
   * permutation of the members. */
  order = g_strdup_printf ("{\"members\":[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]}",
                           fixture->dora.user_id, fixture->ben.user_id, fixture->anna.user_id);
  reorder (fixture, &fixture->dora, order, 403);
  reorder (fixture, &fixture->ben, "{\"members\":[1]}", 400);
  reorder (fixture, &fixture->ben, "{\"members\":\"x\"}", 422);
  reorder (fixture, &fixture->ben, order, 200);
  g_assert_nonnull (cb_test_stream_wait (fixture->stream, "group", 0, WAIT_MS));

  /* Dora first now. She declines from her client: Ben rings at once. */
  fixture->ben.incoming = fixture->dora.incoming = 0;
  cb_test_phone_dial (&fixture->carl, "610");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->dora), WAIT_MS, "dora to ring first after the reorder");
  cb_test_phone_barrier (&fixture->ben);
  g_assert_cmpuint (fixture->ben.incoming, ==, 0);
  decline (fixture, &fixture->dora);
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "ben to ring after dora declined");
  cb_test_phone_wait_state (&fixture->dora, CB_SIP_CALL_STATE_ENDED, "dora's phone to stop");
  g_assert_cmpint ((fixture->ben.rang_at - fixture->dora.rang_at) / 1000, <, 1500);
  cb_test_phone_answer (&fixture->ben);
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "the caller connected");
  cb_sip_call_hangup (fixture->carl.call);
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ENDED, "ben's end to hang up");
}

/* Ben is in a call: with ring_in_use off the group passes him over, as
 * it does a member in do-not-disturb. When nobody can take it, the
 * overflow number (Otto) rings; without an overflow the caller hears
 * busy. */
static void
test_busy_and_overflow (Fixture       *fixture,
                        gconstpointer  data)
{
  cb_test_phone_start_user (fixture->server, &fixture->otto, "otto", 1600, 300);
  login (fixture, &fixture->anna, "Service", TRUE);
  login (fixture, &fixture->ben, "Service", TRUE);
  login (fixture, &fixture->ben, "Support", TRUE);

  /* Dora calls Ben directly; he answers. */
  fixture->ben.manual_answer = FALSE;
  cb_test_phone_dial (&fixture->dora, fixture->ben.line);
  cb_test_phone_wait_state (&fixture->dora, CB_SIP_CALL_STATE_ACTIVE, "dora's call to ben");
  fixture->ben.manual_answer = TRUE;

  fixture->ben.incoming = 0;
  cb_test_phone_dial (&fixture->carl, "620");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->anna), WAIT_MS, "anna to ring");
  cb_test_phone_barrier (&fixture->ben);
  g_assert_cmpuint (fixture->ben.incoming, ==, 0);
  /* Anna declines: nobody else can, so the overflow rings. */
  cb_sip_call_hangup (fixture->anna.call);
  cb_test_phone_wait_state (&fixture->otto, CB_SIP_CALL_STATE_ACTIVE, "the overflow to answer");
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "the caller connected");
  cb_test_phone_wait_hears (&fixture->otto, 300, "otto to hear the caller");
  cb_sip_call_hangup (fixture->carl.call);
  cb_test_phone_wait_state (&fixture->otto, CB_SIP_CALL_STATE_ENDED, "otto's end to hang up");

  /* Support has no overflow; of its logged-in members Ben is busy and
   * Anna in do-not-disturb. */
  login (fixture, &fixture->anna, "Support", TRUE);
  {
    g_autoptr(JsonNode) answer = NULL;
    guint status = 0;

    answer = cb_test_request (fixture->server, "PUT", "/api/v1/me/presence", fixture->anna.token,
                              "{\"availability\":\"dnd\"}", &status);
    g_assert_cmpuint (status, ==, 200);
  }
  fixture->anna.incoming = 0;
  cb_test_phone_dial (&fixture->carl, "600");
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ENDED, "busy");
  g_assert_cmpuint (cb_sip_call_get_end_status (fixture->carl.call), ==, 486);
  cb_test_phone_barrier (&fixture->ben);
  g_assert_cmpuint (fixture->ben.incoming, ==, 0);
  cb_test_phone_barrier (&fixture->anna);
  g_assert_cmpuint (fixture->anna.incoming, ==, 0);
  {
    g_autoptr(JsonNode) answer = NULL;
    JsonObject *entry;

    /* Whom the caller called, since nobody took it (the entry is
     * written before the 486 leaves). */
    entry = cb_test_phone_last_entry (fixture->server, &fixture->carl, &answer, NULL);
    g_assert_cmpstr (json_object_get_string_member (entry, "remote_number"), ==, "600");
    g_assert_cmpstr (json_object_get_string_member (entry, "remote_name"), ==, "Support");
    g_assert_cmpstr (json_object_get_string_member (entry, "group_name"), ==, "Support");
    g_assert_false (json_object_get_boolean_member (entry, "answered"));
  }
  cb_sip_call_hangup (fixture->dora.call);
}

/* Front has nobody logged in and overflows to Support, where Ben is:
 * his phone rings with the call, now Support's. Groups overflowing to
 * each other, or to themselves, end in busy. */
static void
test_overflow_group (Fixture       *fixture,
                     gconstpointer  data)
{
  JsonObject *call;

  login (fixture, &fixture->ben, "Support", TRUE);
  cb_test_phone_dial (&fixture->carl, "640");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "ben to ring through the overflow");
  cb_test_phone_barrier (&fixture->dora);
  g_assert_cmpuint (fixture->dora.incoming, ==, 0);
  call = wait_call_event (fixture->stream, fixture->ben.user_id, "ringing");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (call, "group"),
                                                  "name"), ==, "Support");
  cb_test_phone_answer (&fixture->ben);
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "the caller connected");
  cb_test_phone_wait_hears (&fixture->carl, 1200, "the caller to hear ben");
  cb_test_phone_wait_hears (&fixture->ben, 300, "ben to hear the caller");
  cb_sip_call_hangup (fixture->carl.call);
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ENDED, "ben's end to hang up");

  cb_test_phone_dial (&fixture->carl, "660");
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ENDED, "busy after a loop");
  g_assert_cmpuint (cb_sip_call_get_end_status (fixture->carl.call), ==, 486);
  cb_test_phone_dial (&fixture->carl, "680");
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ENDED, "busy after a self-overflow");
  g_assert_cmpuint (cb_sip_call_get_end_status (fixture->carl.call), ==, 486);
  cb_test_phone_barrier (&fixture->dora);
  g_assert_cmpuint (fixture->dora.incoming, ==, 0);
}

static void
set_agent_status (Fixture     *fixture,
                  CbTestPhone *phone,
                  const char  *status)
{
  g_autofree char *body = g_strdup_printf ("{\"agent_status\":\"%s\"}", status);
  g_autoptr(JsonNode) answer = NULL;
  guint status_code = 0;

  answer = cb_test_request (fixture->server, "PUT", "/api/v1/me/agent-status", phone->token, body,
                            &status_code);
  g_assert_cmpuint (status_code, ==, 200);
}

/* Desk has nobody logged in and overflows to the queue Lineup: the
 * queue answers the caller's still unanswered INVITE with its music,
 * and Ben, once Available, takes the call from there. (Lineup's own
 * overflow back to Desk is never reached: the loop guard would end it.) */
static void
test_overflow_queue (Fixture       *fixture,
                     gconstpointer  data)
{
  login (fixture, &fixture->ben, "Lineup", TRUE);
  set_agent_status (fixture, &fixture->ben, "not-available");
  cb_test_phone_dial (&fixture->carl, "645");
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "the queue to answer");
  CB_TEST_WAIT_FOR (cb_tone_detector_get_blocks (fixture->carl.detector) > 0 &&
                    cb_tone_detector_get_level_db (fixture->carl.detector) > -35.0,
                    WAIT_MS, "the hold music");
  /* Ben is not Available, Dora not in the queue: a REGISTER round trip
   * shows any INVITE the queue sent them when the caller arrived. */
  cb_test_phone_barrier (&fixture->ben);
  cb_test_phone_barrier (&fixture->dora);
  g_assert_cmpuint (fixture->ben.incoming, ==, 0);
  g_assert_cmpuint (fixture->dora.incoming, ==, 0);

  set_agent_status (fixture, &fixture->ben, "available");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "the agent to ring");
  cb_test_phone_answer (&fixture->ben);
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ACTIVE, "the agent to answer");
  cb_test_phone_listen_to (&fixture->carl, fixture->carl.call);
  cb_test_phone_wait_hears (&fixture->carl, 1200, "the caller to hear ben");
  cb_test_phone_wait_hears (&fixture->ben, 300, "ben to hear the caller");
  cb_test_phone_barrier (&fixture->dora);
  g_assert_cmpuint (fixture->dora.incoming, ==, 0);
}

/* Otto plays the upstream proxy of a trunk: Night (nobody logged in)
 * overflows to an external number, which goes out over the trunk. */
static void
fixture_setup_trunk (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *trunk = NULL;

  cb_test_phone_init (&fixture->otto, "4930123", 1600, 300);
  trunk = g_strdup_printf ("sip:127.0.0.1:%u", cb_sip_agent_get_port (fixture->otto.agent));
  {
    const char * const args[] = { "--sip-port", "0", "--trunk", trunk, NULL };

    fixture->server = cb_test_server_start (directory, args);
  }
  cb_test_phone_start_user (fixture->server, &fixture->carl, "carl", 300, 1600);
}

static void
test_overflow_trunk (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *request_uri;

  cb_test_phone_dial (&fixture->carl, "690");
  cb_test_phone_wait_state (&fixture->otto, CB_SIP_CALL_STATE_ACTIVE, "the upstream to answer");
  request_uri = cb_sip_call_get_request_uri (fixture->otto.call);
  g_test_message ("upstream Request-URI %s", request_uri);
  g_assert_true (g_str_has_prefix (request_uri, "sip:030555999@127.0.0.1:"));
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "the caller connected");
  cb_test_phone_wait_hears (&fixture->carl, 1600, "the caller to hear the upstream");
  cb_test_phone_wait_hears (&fixture->otto, 300, "the upstream to hear the caller");
  cb_sip_call_hangup (fixture->carl.call);
  cb_test_phone_wait_state (&fixture->otto, CB_SIP_CALL_STATE_ENDED, "the upstream's end to hang up");
}

static JsonObject *
patch_group (Fixture     *fixture,
             const char  *name,
             const char  *body,
             guint        expected,
             JsonNode   **answer)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/groups/%" G_GINT64_FORMAT,
                                           group_id (fixture, name));
  guint status = 0;

  *answer = cb_test_request (fixture->server, "PATCH", path, fixture->carl.token, body, &status);
  g_assert_cmpuint (status, ==, expected);
  return json_node_get_object (*answer);
}

/* Sales with wrap_around: Anna, Ben, and Anna again (Dora is not in). */
static void
test_wrap_around (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  gint64 first_ring;

  patch_group (fixture, "Sales", "{\"wrap_around\":true}", 200, &answer);
  login (fixture, &fixture->anna, "Sales", TRUE);
  login (fixture, &fixture->ben, "Sales", TRUE);
  cb_test_phone_dial (&fixture->carl, "610");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->anna), WAIT_MS, "anna to ring first");
  first_ring = fixture->anna.rang_at;
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "ben to ring second");
  CB_TEST_WAIT_FOR (fixture->anna.incoming == 2 && cb_test_phone_rang (&fixture->anna), WAIT_MS,
                    "anna to ring again after the last member");
  g_test_message ("anna rang again %" G_GINT64_FORMAT " ms after the first time",
                  (fixture->anna.rang_at - first_ring) / 1000);
  g_assert_cmpint ((fixture->anna.rang_at - first_ring) / 1000, >=, 3000);
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ENDED, "ben's phone to stop");
  g_assert_cmpuint (fixture->ben.incoming, ==, 1);
  cb_test_phone_barrier (&fixture->dora);
  g_assert_cmpuint (fixture->dora.incoming, ==, 0);
  cb_test_phone_answer (&fixture->anna);
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "the caller connected");
  cb_sip_call_hangup (fixture->carl.call);
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ENDED, "anna's end to hang up");
}

/* The hunt settings through the admin routes, validated; the queue's
 * only on queues. */
static void
test_settings (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonNode) answer1 = NULL;
  g_autoptr(JsonNode) answer2 = NULL;
  g_autoptr(JsonNode) answer3 = NULL;
  g_autoptr(JsonNode) answer4 = NULL;
  g_autoptr(JsonNode) answer5 = NULL;
  JsonObject *group;

  group = patch_group (fixture, "Support",
                       "{\"ring_in_use\":true,\"overflow\":\"204\",\"pickup_oldest\":true}",
                       200, &answer1);
  g_assert_true (json_object_get_boolean_member (group, "ring_in_use"));
  g_assert_cmpstr (json_object_get_string_member (group, "overflow"), ==, "204");
  g_assert_true (json_object_get_boolean_member (group, "pickup_oldest"));
  g_assert_false (json_object_has_member (group, "queue_order"));

  patch_group (fixture, "Support", "{\"overflow\":\"not a number\"}", 422, &answer2);
  patch_group (fixture, "Support", "{\"ring_in_use\":\"yes\"}", 422, &answer3);

  group = patch_group (fixture, "Support",
                       "{\"strategy\":\"queue\",\"queue_order\":\"round-robin\",\"wrap_up\":5}",
                       200, &answer4);
  g_assert_cmpstr (json_object_get_string_member (group, "queue_order"), ==, "round-robin");
  g_assert_cmpint (json_object_get_int_member (group, "wrap_up"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (group, "agent_timeout"), ==, 15);
  g_assert_cmpint (json_object_get_int_member (group, "max_wait"), ==, 300);
  g_assert_false (json_object_get_boolean_member (group, "announcement"));
  patch_group (fixture, "Support", "{\"agent_timeout\":0}", 422, &answer5);
}

/* The lobby desk phone has no client: its keypad logs it in. */
static void
test_device_login (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(JsonNode) lines = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  CbTestPhone lobby = { 0 };
  JsonObject *line, *group;
  gint64 lobby_id = 0;
  guint status = 0;

  {
    g_autoptr(JsonNode) directory_answer = NULL;
    JsonArray *users;

    directory_answer = cb_test_request (fixture->server, "GET", "/api/v1/directory",
                                        fixture->carl.token, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    users = json_object_get_array_member (json_node_get_object (directory_answer), "users");
    for (guint i = 0; i < json_array_get_length (users); i++)
      {
        JsonObject *user = json_array_get_object_element (users, i);

        if (g_strcmp0 (json_object_get_string_member (user, "username"), "lobby") == 0)
          lobby_id = json_object_get_int_member (user, "id");
      }
  }
  g_assert_cmpint (lobby_id, >, 0);
  path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT "/lines", lobby_id);
  lines = cb_test_request (fixture->server, "GET", path, fixture->carl.token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  line = json_array_get_object_element (json_object_get_array_member (json_node_get_object (lines),
                                                                      "lines"), 0);
  lobby.password = g_strdup (json_object_get_string_member (line, "password"));
  lobby.line = g_strdup (json_object_get_string_member (line, "username"));
  cb_test_phone_init (&lobby, lobby.line, 1800, 300);
  lobby.manual_answer = TRUE;
  cb_test_phone_register (&lobby, fixture->carl.registrar, NULL);

  /* Not a member of Support: refused; Lobby: logged in, as an event. */
  cb_test_phone_dial (&lobby, "*61600");
  cb_test_phone_wait_state (&lobby, CB_SIP_CALL_STATE_ENDED, "the refused login");
  g_assert_cmpuint (cb_sip_call_get_end_status (lobby.call), ==, 403);
  cb_test_phone_dial (&lobby, "*61999");
  cb_test_phone_wait_state (&lobby, CB_SIP_CALL_STATE_ENDED, "the unknown group");
  g_assert_cmpuint (cb_sip_call_get_end_status (lobby.call), ==, 404);
  cb_test_phone_dial (&lobby, "*61630");
  cb_test_phone_wait_state (&lobby, CB_SIP_CALL_STATE_ENDED, "the login");
  g_assert_cmpuint (cb_sip_call_get_end_status (lobby.call), ==, 603);
  g_assert_nonnull (cb_test_stream_wait (fixture->stream, "group-login", lobby_id, WAIT_MS));

  /* A crash and restart keep the login; the phone registers again. */
  g_clear_pointer (&fixture->stream, cb_test_stream_close);
  cb_test_server_restart (fixture->server);
  group = find_group (fixture, fixture->anna.token, "Lobby", &answer);
  {
    JsonArray *members = json_object_get_array_member (group, "members");
    gboolean found = FALSE;

    for (guint i = 0; i < json_array_get_length (members); i++)
      {
        JsonObject *member = json_array_get_object_element (members, i);

        if (json_object_get_int_member (member, "user_id") == lobby_id)
          {
            g_assert_true (json_object_get_boolean_member (member, "logged_in"));
            found = TRUE;
          }
      }
    g_assert_true (found);
  }
  cb_test_phone_fetch_line (fixture->server, &fixture->carl, "carl");
  cb_test_phone_register (&fixture->carl, fixture->carl.registrar, NULL);
  cb_test_phone_register (&lobby, fixture->carl.registrar, NULL);

  /* The group rings the desk phone. */
  cb_test_phone_dial (&fixture->carl, "630");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&lobby), WAIT_MS, "the lobby phone to ring");
  cb_test_phone_answer (&lobby);
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "the caller connected");
  cb_sip_call_hangup (fixture->carl.call);
  cb_test_phone_wait_state (&lobby, CB_SIP_CALL_STATE_ENDED, "the lobby's end to hang up");

  /* And logs out again; nobody else is in: busy. */
  fixture->stream = cb_test_stream_open (fixture->server, fixture->anna.token, -1, TRUE);
  cb_test_phone_dial (&lobby, "*62630");
  cb_test_phone_wait_state (&lobby, CB_SIP_CALL_STATE_ENDED, "the logout");
  g_assert_cmpuint (cb_sip_call_get_end_status (lobby.call), ==, 603);
  g_assert_nonnull (cb_test_stream_wait (fixture->stream, "group-login", lobby_id, WAIT_MS));
  cb_test_phone_dial (&fixture->carl, "630");
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ENDED, "busy");
  g_assert_cmpuint (cb_sip_call_get_end_status (fixture->carl.call), ==, 486);

  cb_test_phone_clear (&lobby);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sip/hunt/parallel", Fixture, NULL, fixture_setup, test_parallel, fixture_teardown);
  g_test_add ("/sip/hunt/sequential", Fixture, NULL, fixture_setup, test_sequential, fixture_teardown);
  g_test_add ("/sip/hunt/busy-and-overflow", Fixture, NULL, fixture_setup, test_busy_and_overflow,
              fixture_teardown);
  g_test_add ("/sip/hunt/wrap-around", Fixture, NULL, fixture_setup, test_wrap_around,
              fixture_teardown);
  g_test_add ("/sip/hunt/overflow-group", Fixture, NULL, fixture_setup, test_overflow_group,
              fixture_teardown);
  g_test_add ("/sip/hunt/overflow-queue", Fixture, NULL, fixture_setup, test_overflow_queue,
              fixture_teardown);
  g_test_add ("/sip/hunt/overflow-trunk", Fixture, NULL, fixture_setup_trunk, test_overflow_trunk,
              fixture_teardown);
  g_test_add ("/sip/hunt/settings", Fixture, NULL, fixture_setup, test_settings, fixture_teardown);
  g_test_add ("/sip/hunt/device-login", Fixture, NULL, fixture_setup, test_device_login,
              fixture_teardown);

  return g_test_run ();
}
