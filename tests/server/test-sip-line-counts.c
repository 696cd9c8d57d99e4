/* test-sip-line-counts.c: line states counted as calls change agree with a scan of all calls
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * callboardd keeps each user's line state from counts its calls update
 * as they change (cb-sip-b2bua.c). With CALLBOARD_SIP_CHECK_LINES it
 * compares every line state it reads, and after every change of a call
 * every user any call names, with a scan of all calls (the way it was
 * computed before), and a difference is a g_critical, which
 * G_DEBUG=fatal-warnings makes fatal: the server would die and the test
 * with it. One scenario walks what changes counts: a hunt group ringing
 * two members, a directed pickup (*97) taking the call from them, hold
 * and resume over REST, a consultation and the transfer that joins its
 * two other parties, and the end of the calls; after each step the
 * stream's line states say what they must.
 */

#define G_LOG_DOMAIN "cb-sip-lines"

#include "config.h"

#include <gst/gst.h>

#include "cb-test-phone.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carl\",\"display_name\":\"Carl\",\"extension\":\"203\",\"password\":\"pw\"},"
  " {\"username\":\"dora\",\"display_name\":\"Dora\",\"extension\":\"204\",\"password\":\"pw\"},"
  " {\"username\":\"emil\",\"display_name\":\"Emil\",\"extension\":\"205\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\","
  "  \"members\":[\"anna\",\"ben\",\"carl\",\"dora\",\"emil\"]},"
  " {\"name\":\"Desk\",\"kind\":\"hunt\",\"number\":\"700\",\"strategy\":\"parallel\","
  "  \"level\":\"team\",\"members\":[\"ben\",\"carl\"]}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

typedef struct {
  CbTestServer *server;
  CbTestPhone   anna, ben, carl, dora, emil;
  CbTestStream *stream;     /* emil's events: he sees everyone's line */
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  /* Whatever the environment: this test is about the check. */
  g_setenv ("CALLBOARD_SIP_CHECK_LINES", "1", TRUE);
  fixture->server = cb_test_server_start (directory, server_args);
  cb_test_phone_start_user (fixture->server, &fixture->anna, "anna", 300, 500);
  cb_test_phone_start_user (fixture->server, &fixture->ben, "ben", 500, 300);
  cb_test_phone_start_user (fixture->server, &fixture->carl, "carl", 700, 300);
  cb_test_phone_start_user (fixture->server, &fixture->dora, "dora", 900, 300);
  cb_test_phone_start_user (fixture->server, &fixture->emil, "emil", 1100, 300);
  fixture->ben.manual_answer = fixture->carl.manual_answer = TRUE;
  fixture->stream = cb_test_stream_open (fixture->server, fixture->emil.token, -1, TRUE);
  g_assert_null (fixture->stream->error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->stream, cb_test_stream_close);
  cb_test_phone_clear_all (&fixture->anna, &fixture->ben, &fixture->carl, &fixture->dora,
                           &fixture->emil, NULL);
  cb_test_server_stop (fixture->server);
}

static JsonNode *
request (Fixture     *fixture,
         const char  *method,
         const char  *path,
         CbTestPhone *phone,
         const char  *body,
         guint        expected)
{
  guint status = 0;
  JsonNode *answer = cb_test_request (fixture->server, method, path, phone->token, body, &status);

  g_assert_cmpuint (status, ==, expected);
  return answer;
}

/* The id of the user's only call as the server lists it. */
static char *
only_call (Fixture     *fixture,
           CbTestPhone *phone)
{
  g_autoptr(JsonNode) answer = request (fixture, "GET", "/api/v1/calls", phone, NULL, 200);
  JsonArray *calls = json_object_get_array_member (json_node_get_object (answer), "calls");

  g_assert_cmpuint (json_array_get_length (calls), ==, 1);
  return g_strdup (json_object_get_string_member (json_array_get_object_element (calls, 0), "call_id"));
}

static void
group_login (Fixture     *fixture,
             CbTestPhone *phone)
{
  g_autoptr(JsonNode) snapshot = request (fixture, "GET", "/api/v1/snapshot", phone, NULL, 200);
  JsonArray *groups = json_object_get_array_member (json_node_get_object (snapshot), "groups");
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) answer = NULL;

  for (guint i = 0; i < json_array_get_length (groups) && path == NULL; i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);

      if (g_strcmp0 (json_object_get_string_member (group, "name"), "Desk") == 0)
        path = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login",
                                json_object_get_int_member (group, "id"));
    }
  g_assert_nonnull (path);
  answer = request (fixture, "PUT", path, phone, "{\"logged_in\":true}", 200);
}

/* The user's line state as the latest line-state event about them says
 * (idle before any: all phones registered). */
static const char *
line_of (Fixture     *fixture,
         CbTestPhone *phone)
{
  const char *state = "idle";

  for (guint i = 0; i < fixture->stream->events->len; i++)
    {
      JsonObject *event = g_ptr_array_index (fixture->stream->events, i);
      JsonObject *data = json_object_get_object_member (event, "data");

      if (g_strcmp0 (json_object_get_string_member (event, "type"), "line-state") == 0 &&
          json_object_get_int_member (data, "user_id") == phone->user_id)
        state = json_object_get_string_member (data, "line_state");
    }
  return state;
}

/* After a barrier on the stream (whatever the server published before
 * has arrived): the five lines in order anna, ben, carl, dora, emil. */
static void
assert_lines (Fixture    *fixture,
              const char *anna,
              const char *ben,
              const char *carl,
              const char *dora,
              const char *emil)
{
  cb_test_stream_barrier (fixture->server, fixture->stream, fixture->emil.token);
  g_assert_cmpstr (line_of (fixture, &fixture->anna), ==, anna);
  g_assert_cmpstr (line_of (fixture, &fixture->ben), ==, ben);
  g_assert_cmpstr (line_of (fixture, &fixture->carl), ==, carl);
  g_assert_cmpstr (line_of (fixture, &fixture->dora), ==, dora);
  g_assert_cmpstr (line_of (fixture, &fixture->emil), ==, emil);
}

static gboolean
active (CbSipCall *call)
{
  return cb_sip_call_get_state (call) == CB_SIP_CALL_STATE_ACTIVE;
}

static gboolean
ended (CbSipCall *call)
{
  return cb_sip_call_get_state (call) == CB_SIP_CALL_STATE_ENDED;
}

static void
test_scenario (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(CbSipCall) anna_call = NULL;
  g_autoptr(CbSipCall) dora_call = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *consult_id = NULL;
  g_autofree char *body = NULL;

  group_login (fixture, &fixture->ben);
  group_login (fixture, &fixture->carl);
  assert_lines (fixture, "idle", "idle", "idle", "idle", "idle");

  /* The hunt group rings both members; dialling out is busy. */
  anna_call = g_object_ref (cb_test_phone_dial (&fixture->anna, "700"));
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben) && cb_test_phone_rang (&fixture->carl), WAIT_MS,
                    "both members' phones to ring");
  assert_lines (fixture, "busy", "ringing", "ringing", "idle", "idle");

  /* Dora takes it from Ben with *97: the members' phones stop. */
  dora_call = g_object_ref (cb_test_phone_dial (&fixture->dora, "*97202"));
  CB_TEST_WAIT_FOR (active (dora_call) && active (anna_call), WAIT_MS, "the pickup to connect");
  CB_TEST_WAIT_FOR (ended (fixture->ben.call) && ended (fixture->carl.call), WAIT_MS,
                    "the members' phones to stop ringing");
  assert_lines (fixture, "busy", "idle", "idle", "busy", "idle");

  /* Hold and resume over REST. */
  call_id = only_call (fixture, &fixture->dora);
  path = g_strdup_printf ("/api/v1/calls/%s/hold", call_id);
  g_clear_pointer (&answer, json_node_unref);
  answer = request (fixture, "POST", path, &fixture->dora, NULL, 200);
  assert_lines (fixture, "on-hold", "idle", "idle", "on-hold", "idle");
  g_free (path);
  path = g_strdup_printf ("/api/v1/calls/%s/resume", call_id);
  g_clear_pointer (&answer, json_node_unref);
  answer = request (fixture, "POST", path, &fixture->dora, NULL, 200);
  assert_lines (fixture, "busy", "idle", "idle", "busy", "idle");

  /* Dora consults Emil (Anna held; Dora's phone rings first and answers
   * by itself, then Emil's), then joins Anna and Emil and is out. */
  g_free (path);
  path = g_strdup_printf ("/api/v1/calls/%s/consult", call_id);
  g_clear_pointer (&answer, json_node_unref);
  answer = request (fixture, "POST", path, &fixture->dora, "{\"to\":\"205\"}", 201);
  consult_id = g_strdup (json_object_get_string_member (json_node_get_object (answer), "call_id"));
  cb_test_phone_wait_state (&fixture->emil, CB_SIP_CALL_STATE_ACTIVE, "Emil to answer");
  cb_test_phone_wait_state (&fixture->dora, CB_SIP_CALL_STATE_ACTIVE, "the consultation to be up");
  assert_lines (fixture, "on-hold", "idle", "idle", "busy", "busy");
  g_free (path);
  path = g_strdup_printf ("/api/v1/calls/%s/transfer", call_id);
  body = g_strdup_printf ("{\"to_call\":\"%s\"}", consult_id);
  g_clear_pointer (&answer, json_node_unref);
  answer = request (fixture, "POST", path, &fixture->dora, body, 200);
  CB_TEST_WAIT_FOR (ended (dora_call) && ended (fixture->dora.call), WAIT_MS, "Dora's calls to end");
  assert_lines (fixture, "busy", "idle", "idle", "idle", "busy");

  /* The end. */
  cb_sip_call_hangup (anna_call);
  cb_test_phone_wait_state (&fixture->emil, CB_SIP_CALL_STATE_ENDED, "Emil's call to end");
  assert_lines (fixture, "idle", "idle", "idle", "idle", "idle");

  /* The checks ran all along and found nothing: the server is up. */
  g_assert_true (cb_test_server_alive (fixture->server));
  g_clear_pointer (&answer, json_node_unref);
  answer = request (fixture, "GET", "/api/v1/health", &fixture->emil, NULL, 200);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sip/line-counts/scenario", Fixture, NULL, fixture_setup, test_scenario, fixture_teardown);
  return g_test_run ();
}
