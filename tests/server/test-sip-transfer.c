/* test-sip-transfer.c: consultation, attended transfer, remote answer and DTMF over REST
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Phone-library agents on a real callboardd: anna calls ben; ben consults
 * carla over REST (anna is held), then either transfers (anna and carla
 * hear each other, ben's legs end, the journal has every call) or takes
 * anna back. REST DTMF reaches the other phone as INFO digits, REST
 * answer makes a ringing phone pick up, and only one's own calls can be
 * controlled.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <gst/gst.h>

#include "cb-test-phone.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS
/* Each phone sends its own tone. */
#define ANNA_HZ  440.0
#define BEN_HZ   660.0
#define CARLA_HZ 880.0

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla\",\"extension\":\"203\",\"password\":\"pw\"}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

typedef struct {
  CbTestServer *server;
  CbTestPhone   anna;
  CbTestPhone   ben;
  CbTestPhone   carla;
  CbSipCall    *ben_first;    /* ben's phone's call with anna */
  char         *call_id;      /* the server's anna–ben call */
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = cb_test_server_start (directory, server_args);
  cb_test_phone_start_user (fixture->server, &fixture->anna, "anna", ANNA_HZ, BEN_HZ);
  cb_test_phone_listen_for (&fixture->anna, CARLA_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->ben, "ben", BEN_HZ, ANNA_HZ);
  cb_test_phone_listen_for (&fixture->ben, CARLA_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->carla, "carla", CARLA_HZ, BEN_HZ);
  cb_test_phone_listen_for (&fixture->carla, ANNA_HZ);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->ben_first);
  g_free (fixture->call_id);
  cb_test_phone_clear_all (&fixture->anna, &fixture->ben, &fixture->carla, NULL);
  cb_test_server_stop (fixture->server);
}

static JsonObject *
request (Fixture     *fixture,
         const char  *method,
         const char  *path,
         CbTestPhone *phone,
         const char  *body,
         guint        expected,
         JsonNode   **answer)
{
  return cb_test_request_expect (fixture->server, method, path, phone->token, body, expected, answer);
}

/* An error answer with this status and code; returns its message. */
static char *
expect_error (Fixture     *fixture,
              const char  *path,
              CbTestPhone *phone,
              const char  *body,
              guint        status,
              const char  *code)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *error;

  request (fixture, "POST", path, phone, body, status, &answer);
  g_assert_cmpstr (cb_test_error_code (answer), ==, code);
  error = json_object_get_object_member (json_node_get_object (answer), "error");
  return g_strdup (json_object_get_string_member (error, "message"));
}

/* The server's call whose leg to the phone is `call` (device_call_id). */
static char *
server_call_of (Fixture     *fixture,
                CbTestPhone *phone,
                CbSipCall   *call)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *calls;

  calls = json_object_get_array_member (request (fixture, "GET", "/api/v1/calls", phone, NULL, 200,
                                                 &answer), "calls");
  for (guint i = 0; i < json_array_get_length (calls); i++)
    {
      JsonObject *object = json_array_get_object_element (calls, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (object, "device_call_id", ""),
                     cb_sip_call_get_call_id (call)) == 0)
        return g_strdup (json_object_get_string_member (object, "call_id"));
    }
  g_error ("No server call for the phone's call %s", cb_sip_call_get_call_id (call));
}

static guint
count_calls (Fixture     *fixture,
             CbTestPhone *phone)
{
  g_autoptr(JsonNode) answer = NULL;

  return json_array_get_length (json_object_get_array_member (
    request (fixture, "GET", "/api/v1/calls", phone, NULL, 200, &answer), "calls"));
}

static CbMediaDirection
direction_of (CbSipCall *call)
{
  return cb_media_pipeline_get_direction (cb_sip_call_get_media (call));
}

/* anna calls ben, who answers; they hear each other. */
static void
connect_anna_ben (Fixture *fixture)
{
  CbTestPhone *anna = &fixture->anna, *ben = &fixture->ben;

  cb_test_phone_dial (anna, ben->line);
  cb_test_phone_wait_state (anna, CB_SIP_CALL_STATE_ACTIVE, "anna's call to be answered");
  cb_test_phone_wait_state (ben, CB_SIP_CALL_STATE_ACTIVE, "ben to answer");
  cb_test_phone_wait_hears (anna, BEN_HZ, "anna to hear ben");
  cb_test_phone_wait_hears (ben, ANNA_HZ, "ben to hear anna");
  fixture->ben_first = g_object_ref (ben->call);
  fixture->call_id = server_call_of (fixture, ben, ben->call);
}

/* ben consults carla: anna is held, ben's phone calls carla, both answer.
 * Returns the consultation's server call id. */
static char *
consult_carla (Fixture *fixture)
{
  CbTestPhone *anna = &fixture->anna, *ben = &fixture->ben, *carla = &fixture->carla;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s/consult", fixture->call_id);
  JsonObject *call;

  /* Errors first: someone else's call, an unknown number, no body, ben
   * himself or anna, whose call it is (none of them holds anna). */
  g_free (expect_error (fixture, path, carla, "{\"to\":\"201\"}", 403, "forbidden"));
  g_free (expect_error (fixture, path, ben, "{\"to\":\"999\"}", 404, "not-found"));
  g_free (expect_error (fixture, path, ben, "{}", 422, "invalid-field"));
  g_free (expect_error (fixture, path, ben, "{\"to\":\"202\"}", 409, "same-party"));
  g_free (expect_error (fixture, path, ben, "{\"to\":\"201\"}", 409, "same-party"));
  g_assert_cmpint (direction_of (anna->call), ==, CB_MEDIA_DIRECTION_SENDRECV);

  call = request (fixture, "POST", path, ben, "{\"to\":\"203\"}", 201, &answer);
  g_assert_cmpstr (json_object_get_string_member (call, "state"), ==, "ringing");
  g_assert_cmpstr (json_object_get_string_member (call, "direction"), ==, "out");
  g_assert_cmpstr (json_object_get_string_member (call, "remote_number"), ==, "203");
  g_assert_cmpstr (json_object_get_string_member (call, "call_id"), !=, fixture->call_id);

  /* anna is held: she answered the server's a=sendonly with recvonly and
   * no longer hears ben. */
  CB_TEST_WAIT_FOR (direction_of (anna->call) == CB_MEDIA_DIRECTION_RECVONLY, WAIT_MS,
                    "anna's media to become receive-only");
  CB_TEST_WAIT_FOR (cb_test_phone_silent (anna, BEN_HZ, 600), WAIT_MS, "ben's tone to stop at anna");

  /* ben's phone rings (and auto-answers) first, then carla's. */
  cb_test_phone_wait_state (carla, CB_SIP_CALL_STATE_ACTIVE, "carla to answer the consultation");
  g_assert_cmpuint (ben->incoming, ==, 2);
  g_assert_true (ben->call != fixture->ben_first);
  g_assert_cmpint (ben->rang_at, <, carla->rang_at);
  cb_test_phone_wait_state (ben, CB_SIP_CALL_STATE_ACTIVE, "ben's consultation to be up");
  g_assert_cmpint (cb_sip_call_get_state (fixture->ben_first), ==, CB_SIP_CALL_STATE_ACTIVE);
  cb_test_phone_wait_hears (ben, CARLA_HZ, "ben to hear carla");
  cb_test_phone_wait_hears (carla, BEN_HZ, "carla to hear ben");
  g_assert_false (cb_test_phone_hears (anna, CARLA_HZ));
  g_assert_cmpuint (count_calls (fixture, ben), ==, 2);

  return g_strdup (json_object_get_string_member (call, "call_id"));
}

static JsonArray *
journal (Fixture      *fixture,
         CbTestPhone  *phone,
         JsonNode    **answer)
{
  return json_object_get_array_member (request (fixture, "GET", "/api/v1/journal?limit=10", phone,
                                                NULL, 200, answer), "entries");
}

static void
assert_entry (JsonArray  *entries,
              guint       index,
              const char *direction,
              const char *remote,
              gboolean    answered)
{
  JsonObject *entry = json_array_get_object_element (entries, index);

  g_assert_nonnull (entry);
  g_assert_cmpstr (json_object_get_string_member (entry, "direction"), ==, direction);
  g_assert_cmpstr (json_object_get_string_member (entry, "remote_number"), ==, remote);
  g_assert_cmpint (json_object_get_boolean_member (entry, "answered"), ==, answered);
}

/* Where the entry's (or ended call's) user sent the call on: the
 * number and name of "forwarded_to", NULL for null. */
static void
assert_forwarded (JsonObject *entry,
                  const char *number,
                  const char *name)
{
  JsonNode *node = json_object_get_member (entry, "forwarded_to");
  JsonObject *to;

  g_assert_nonnull (node);
  if (number == NULL)
    {
      g_assert_true (JSON_NODE_HOLDS_NULL (node));
      return;
    }
  to = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (to, "number"), ==, number);
  g_assert_cmpstr (json_object_get_string_member (to, "name"), ==, name);
  g_assert_cmpint (json_object_get_int_member (to, "user_id"), >, 0);
}

static gboolean
ended (CbSipCall *call)
{
  return cb_sip_call_get_state (call) == CB_SIP_CALL_STATE_ENDED;
}

/* Consultation, then transfer: anna and carla talk, ben is out. */
static void
test_attended (Fixture       *fixture,
               gconstpointer  data)
{
  CbTestPhone *anna = &fixture->anna, *ben = &fixture->ben, *carla = &fixture->carla;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(JsonNode) j1 = NULL, j2 = NULL, j3 = NULL, j4 = NULL, j5 = NULL;
  g_autoptr(CbSipCall) ben_consult = NULL;
  g_autoptr(CbSipCall) anna_call = NULL;
  g_autoptr(CbSipCall) carla_call = NULL;
  g_autofree char *consult_id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *carla_path = NULL;
  g_autofree char *carla_body = NULL;
  g_autofree char *message = NULL;
  JsonObject *call;
  JsonArray *calls, *entries;

  connect_anna_ben (fixture);
  consult_id = consult_carla (fixture);
  ben_consult = g_object_ref (ben->call);
  anna_call = g_object_ref (anna->call);
  carla_call = g_object_ref (carla->call);

  path = g_strdup_printf ("/api/v1/calls/%s/transfer", fixture->call_id);
  body = g_strdup_printf ("{\"to_call\":\"%s\"}", consult_id);

  /* Someone else's call; a call that is not one's own as the target
   * (carla's consultation → anna's call with ben); unknown; bad bodies. */
  g_free (expect_error (fixture, path, carla, body, 403, "forbidden"));
  carla_path = g_strdup_printf ("/api/v1/calls/%s/transfer", consult_id);
  carla_body = g_strdup_printf ("{\"to_call\":\"%s\"}", fixture->call_id);
  message = expect_error (fixture, carla_path, carla, carla_body, 403, "forbidden");
  g_assert_nonnull (strstr (message, "to_call"));
  g_clear_pointer (&message, g_free);
  message = expect_error (fixture, path, ben, "{\"to_call\":\"no-such-call\"}", 404, "not-found");
  g_assert_nonnull (strstr (message, "to_call"));
  g_free (expect_error (fixture, "/api/v1/calls/no-such-call/transfer", ben, body, 404, "not-found"));
  g_free (expect_error (fixture, path, ben, "{}", 422, "invalid-field"));
  g_clear_pointer (&carla_body, g_free);
  carla_body = g_strdup_printf ("{\"to_call\":\"%s\"}", fixture->call_id);
  g_free (expect_error (fixture, path, ben, carla_body, 422, "invalid-field"));

  call = request (fixture, "POST", path, ben, body, 200, &answer);
  g_assert_cmpstr (json_object_get_string_member (call, "call_id"), ==, fixture->call_id);
  g_assert_cmpstr (json_object_get_string_member (call, "state"), ==, "ended");
  assert_forwarded (call, "203", "Carla");

  /* ben's two legs end; anna and carla keep their dialogs and now hear
   * each other, anna no longer held. */
  CB_TEST_WAIT_FOR (ended (fixture->ben_first) && ended (ben_consult), WAIT_MS, "ben's calls to end");
  CB_TEST_WAIT_FOR (direction_of (anna_call) == CB_MEDIA_DIRECTION_SENDRECV, WAIT_MS,
                    "anna to send and receive again");
  cb_test_phone_wait_hears (anna, CARLA_HZ, "anna to hear carla");
  cb_test_phone_wait_hears (carla, ANNA_HZ, "carla to hear anna");
  g_assert_true (anna->call == anna_call && carla->call == carla_call);
  g_assert_cmpint (cb_sip_call_get_state (anna_call), ==, CB_SIP_CALL_STATE_ACTIVE);
  g_assert_cmpint (cb_sip_call_get_state (carla_call), ==, CB_SIP_CALL_STATE_ACTIVE);
  g_assert_cmpuint (count_calls (fixture, ben), ==, 0);

  /* The new call: anna's side, with carla, connected. */
  calls = json_object_get_array_member (request (fixture, "GET", "/api/v1/calls", anna, NULL, 200,
                                                 &listed), "calls");
  g_assert_cmpuint (json_array_get_length (calls), ==, 1);
  call = json_array_get_object_element (calls, 0);
  g_assert_cmpstr (json_object_get_string_member (call, "state"), ==, "connected");
  g_assert_cmpstr (json_object_get_string_member (call, "remote_number"), ==, "203");
  g_assert_cmpstr (json_object_get_string_member (call, "device_call_id"), ==,
                   cb_sip_call_get_call_id (anna_call));
  g_assert_cmpstr (json_object_get_string_member (call, "call_id"), !=, fixture->call_id);
  g_assert_cmpstr (json_object_get_string_member (call, "call_id"), !=, consult_id);

  /* Journal: ben has both of his calls, carla the consultation, anna
   * the call with ben so far. Each of ben's says where it went on to:
   * anna's call to carla, the consultation to anna. */
  entries = journal (fixture, ben, &j1);
  g_assert_cmpuint (json_array_get_length (entries), ==, 2);
  assert_entry (entries, 0, "out", "203", TRUE);
  assert_forwarded (json_array_get_object_element (entries, 0), "201", "Anna");
  assert_entry (entries, 1, "in", "201", TRUE);
  assert_forwarded (json_array_get_object_element (entries, 1), "203", "Carla");
  entries = journal (fixture, carla, &j2);
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  assert_entry (entries, 0, "in", "202", TRUE);
  assert_forwarded (json_array_get_object_element (entries, 0), NULL, NULL);
  entries = journal (fixture, anna, &j3);
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  assert_entry (entries, 0, "out", "202", TRUE);
  assert_forwarded (json_array_get_object_element (entries, 0), NULL, NULL);

  cb_sip_call_hangup (anna_call);
  CB_TEST_WAIT_FOR (ended (anna_call) && ended (carla_call), WAIT_MS, "anna and carla to hang up");
  CB_TEST_WAIT_FOR (count_calls (fixture, carla) == 0, WAIT_MS, "the call to end on the server");
  entries = journal (fixture, anna, &j4);
  g_assert_cmpuint (json_array_get_length (entries), ==, 2);
  assert_entry (entries, 0, "out", "203", TRUE);
  entries = journal (fixture, carla, &j5);
  g_assert_cmpuint (json_array_get_length (entries), ==, 2);
  assert_entry (entries, 0, "in", "201", TRUE);
}

/* Consultation, then ben hangs up on carla and takes anna back. */
static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  CbTestPhone *anna = &fixture->anna, *ben = &fixture->ben, *carla = &fixture->carla;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) resumed = NULL;
  g_autoptr(JsonNode) j1 = NULL;
  g_autoptr(CbSipCall) ben_consult = NULL;
  g_autofree char *consult_id = NULL;
  g_autofree char *path = NULL;
  JsonObject *call;
  JsonArray *entries;

  connect_anna_ben (fixture);
  consult_id = consult_carla (fixture);
  ben_consult = g_object_ref (ben->call);

  path = g_strdup_printf ("/api/v1/calls/%s", consult_id);
  call = request (fixture, "DELETE", path, ben, NULL, 200, &answer);
  g_assert_cmpstr (json_object_get_string_member (call, "state"), ==, "ended");
  CB_TEST_WAIT_FOR (ended (ben_consult) && ended (carla->call), WAIT_MS, "the consultation to end");
  g_assert_cmpint (cb_sip_call_get_state (fixture->ben_first), ==, CB_SIP_CALL_STATE_ACTIVE);

  g_free (path);
  path = g_strdup_printf ("/api/v1/calls/%s/resume", fixture->call_id);
  call = request (fixture, "POST", path, ben, NULL, 200, &resumed);
  g_assert_cmpstr (json_object_get_string_member (call, "state"), ==, "connected");

  /* ben's phone listens to the first call again. */
  cb_test_phone_adopt (ben, fixture->ben_first);
  cb_test_phone_listen_to (ben, fixture->ben_first);
  CB_TEST_WAIT_FOR (direction_of (anna->call) == CB_MEDIA_DIRECTION_SENDRECV, WAIT_MS,
                    "anna to send and receive again");
  cb_test_phone_wait_hears (anna, BEN_HZ, "anna to hear ben again");
  cb_test_phone_wait_hears (ben, ANNA_HZ, "ben to hear anna again");
  g_assert_false (cb_test_phone_hears (anna, CARLA_HZ));

  entries = journal (fixture, carla, &j1);
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  assert_entry (entries, 0, "in", "202", TRUE);

  cb_sip_call_hangup (anna->call);
  CB_TEST_WAIT_FOR (ended (anna->call) && ended (fixture->ben_first), WAIT_MS, "anna and ben to hang up");
}

static void
on_dtmf (CbSipCall  *call,
         const char *digit,
         GString    *received)
{
  g_string_append (received, digit);
}

/* REST DTMF arrives at the other phone, digit by digit, in order. */
static void
test_dtmf (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GString) received = g_string_new (NULL);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  JsonObject *call;

  connect_anna_ben (fixture);
  g_signal_connect (fixture->anna.call, "dtmf-received", G_CALLBACK (on_dtmf), received);

  path = g_strdup_printf ("/api/v1/calls/%s/dtmf", fixture->call_id);
  g_free (expect_error (fixture, path, &fixture->ben, "{\"digits\":\"12x\"}", 422, "invalid-field"));
  g_free (expect_error (fixture, path, &fixture->ben, "{\"digits\":\"\"}", 422, "invalid-field"));
  g_free (expect_error (fixture, path, &fixture->ben, "{}", 422, "invalid-field"));
  g_free (expect_error (fixture, path, &fixture->carla, "{\"digits\":\"1\"}", 403, "forbidden"));
  g_free (expect_error (fixture, "/api/v1/calls/nope/dtmf", &fixture->ben, "{\"digits\":\"1\"}",
                        404, "not-found"));

  call = request (fixture, "POST", path, &fixture->ben, "{\"digits\":\"159#*0D\"}", 200, &answer);
  g_assert_cmpstr (json_object_get_string_member (call, "state"), ==, "connected");
  CB_TEST_WAIT_FOR (received->len >= 7, WAIT_MS, "anna to receive the digits");
  g_assert_cmpstr (received->str, ==, "159#*0D");

  g_signal_handlers_disconnect_by_data (fixture->anna.call, received);
  cb_sip_call_hangup (fixture->anna.call);
  CB_TEST_WAIT_FOR (ended (fixture->anna.call) && ended (fixture->ben_first), WAIT_MS,
                    "anna and ben to hang up");
}

/* A call ringing at ben's phone is answered through REST. */
static void
test_answer (Fixture       *fixture,
             gconstpointer  data)
{
  CbTestPhone *anna = &fixture->anna, *ben = &fixture->ben;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  JsonObject *call;

  ben->manual_answer = TRUE;
  cb_test_phone_dial (anna, ben->line);
  cb_test_phone_wait_state (ben, CB_SIP_CALL_STATE_INCOMING, "ben's phone to ring");
  cb_test_phone_wait_state (anna, CB_SIP_CALL_STATE_RINGING, "anna to hear it ring");
  fixture->call_id = server_call_of (fixture, ben, ben->call);

  path = g_strdup_printf ("/api/v1/calls/%s/answer", fixture->call_id);
  g_free (expect_error (fixture, path, &fixture->carla, NULL, 403, "forbidden"));
  g_free (expect_error (fixture, "/api/v1/calls/nope/answer", ben, NULL, 404, "not-found"));
  /* The caller's phone is not the one ringing. */
  g_free (expect_error (fixture, path, anna, NULL, 409, "not-ringing"));

  call = request (fixture, "POST", path, ben, NULL, 200, &answer);
  g_assert_cmpstr (json_object_get_string_member (call, "state"), ==, "ringing");
  cb_test_phone_wait_state (ben, CB_SIP_CALL_STATE_ACTIVE, "ben's phone to answer");
  cb_test_phone_wait_state (anna, CB_SIP_CALL_STATE_ACTIVE, "anna's call to be answered");
  cb_test_phone_wait_hears (anna, BEN_HZ, "anna to hear ben");
  cb_test_phone_wait_hears (ben, ANNA_HZ, "ben to hear anna");
  g_assert_cmpuint (ben->incoming, ==, 1);

  /* Connected now: nothing to answer. */
  g_free (expect_error (fixture, path, ben, NULL, 409, "not-ringing"));

  cb_sip_call_hangup (anna->call);
  CB_TEST_WAIT_FOR (ended (anna->call) && ended (ben->call), WAIT_MS, "anna and ben to hang up");
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sip/transfer/attended", Fixture, NULL, fixture_setup, test_attended, fixture_teardown);
  g_test_add ("/sip/transfer/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/sip/transfer/dtmf", Fixture, NULL, fixture_setup, test_dtmf, fixture_teardown);
  g_test_add ("/sip/transfer/answer", Fixture, NULL, fixture_setup, test_answer, fixture_teardown);

  return g_test_run ();
}
