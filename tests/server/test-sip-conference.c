/* test-sip-conference.c: a three-party conference the server mixes, joined from two calls and left
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Phone-library agents on a real callboardd, each sending a tone of its
 * own. anna talks to ben, consults carla (ben is held) and joins the two
 * calls (POST /calls/{id}/conference): every party hears the two others
 * (each tone, one at a time, detected at the two others, not at itself),
 * the conference is one call for anna listing its parties, and her other
 * call ended ("conference"). Then someone leaves: the two others stay
 * connected in the mix and hear each other; the last one is hung up.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <gst/gst.h>

#include "cb-test-phone.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS
#define ANNA_HZ  440.0
#define BEN_HZ   660.0
#define CARLA_HZ 880.0

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla\",\"extension\":\"203\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\","
  "  \"members\":[\"anna\",\"ben\",\"carla\"]}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

/* A phone and the audio sink its detectors listen at. */
typedef struct {
  CbTestPhone  phone;
  CbSipCall   *call;       /* the phone's call in the conference */
  GstElement  *sink;
} Party;

typedef struct {
  CbTestServer *server;
  Party         anna, ben, carla;
  CbTestStream *stream;    /* anna's */
  char         *first_id;  /* the server's anna–ben call */
  char         *consult_id; /* anna–carla, which anna keeps */
  CbSipCall    *anna_first; /* anna's phone's dialog of the call with ben */
  guint         ticker;
} Fixture;

/* The detectors count in streaming threads: the waits need the main
 * loop to wake now and then to look. */
static gboolean
keep_waking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = cb_test_server_start (directory, server_args);
  /* Each listens for the others and, to check it is not heard, itself. */
  cb_test_phone_start_user (fixture->server, &fixture->anna.phone, "anna", ANNA_HZ, BEN_HZ);
  cb_test_phone_listen_for (&fixture->anna.phone, CARLA_HZ);
  cb_test_phone_listen_for (&fixture->anna.phone, ANNA_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->ben.phone, "ben", BEN_HZ, ANNA_HZ);
  cb_test_phone_listen_for (&fixture->ben.phone, CARLA_HZ);
  cb_test_phone_listen_for (&fixture->ben.phone, BEN_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->carla.phone, "carla", CARLA_HZ, ANNA_HZ);
  cb_test_phone_listen_for (&fixture->carla.phone, BEN_HZ);
  cb_test_phone_listen_for (&fixture->carla.phone, CARLA_HZ);
  fixture->ticker = g_timeout_add (20, keep_waking, NULL);
  fixture->stream = cb_test_stream_open (fixture->server, fixture->anna.phone.token, -1, TRUE);
  g_assert_null (fixture->stream->error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  Party *parties[] = { &fixture->anna, &fixture->ben, &fixture->carla };

  g_clear_handle_id (&fixture->ticker, g_source_remove);
  g_clear_pointer (&fixture->stream, cb_test_stream_close);
  g_free (fixture->first_id);
  g_free (fixture->consult_id);
  g_clear_object (&fixture->anna_first);
  for (guint i = 0; i < G_N_ELEMENTS (parties); i++)
    {
      g_clear_object (&parties[i]->call);
      cb_test_phone_clear (&parties[i]->phone);
    }
  cb_test_server_stop (fixture->server);
}

/* The server's call whose leg to the phone is `call`. */
static char *
server_call_of (Fixture     *fixture,
                CbTestPhone *phone,
                CbSipCall   *call)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *calls;

  calls = json_object_get_array_member (cb_test_request_expect (fixture->server, "GET", "/api/v1/calls",
                                                                phone->token, NULL, 200, &answer),
                                        "calls");
  for (guint i = 0; i < json_array_get_length (calls); i++)
    {
      JsonObject *object = json_array_get_object_element (calls, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (object, "device_call_id", ""),
                     cb_sip_call_get_call_id (call)) == 0)
        return g_strdup (json_object_get_string_member (object, "call_id"));
    }
  g_error ("No server call for the phone's call %s", cb_sip_call_get_call_id (call));
}

/* Whether the party hears freq in its call; the detectors follow the
 * call's audio sink, which a codec change replaces. */
static gboolean
party_hears (Party  *party,
             double  freq)
{
  GstElement *sink = cb_media_pipeline_get_audio_sink (cb_sip_call_get_media (party->call));

  if (sink != NULL && sink != party->sink &&
      cb_sip_call_get_state (party->call) == CB_SIP_CALL_STATE_ACTIVE)
    {
      cb_test_phone_listen_to (&party->phone, party->call);
      party->sink = sink;
    }
  return party->sink != NULL && cb_test_phone_hears (&party->phone, freq);
}

/* The tone detector hears a tone that stands out from everything else:
 * in a conference one party speaks at a time, the others muted, and the
 * two others hear it; the speaker does not hear itself. */
static void
assert_heard (Fixture    *fixture,
              Party      *speaker,
              double      freq,
              const char *what)
{
  Party *parties[] = { &fixture->anna, &fixture->ben, &fixture->carla };
  CbTestTimer timer;
  gboolean heard = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (parties); i++)
    cb_media_pipeline_set_mute (cb_sip_call_get_media (parties[i]->call), parties[i] != speaker);
  cb_test_timer_start (&timer, WAIT_MS);
  while (!heard)
    {
      heard = TRUE;
      for (guint i = 0; i < G_N_ELEMENTS (parties); i++)
        if (parties[i] != speaker && !party_hears (parties[i], freq))
          heard = FALSE;
      if (!heard)
        cb_test_timer_iterate (&timer, what);
    }
  cb_test_timer_stop (&timer);
  g_assert_false (party_hears (speaker, freq));
  for (guint i = 0; i < G_N_ELEMENTS (parties); i++)
    cb_media_pipeline_set_mute (cb_sip_call_get_media (parties[i]->call), FALSE);
}

/* anna talks to ben, then consults carla; the consultation is the call
 * her phone has now. */
static void
two_calls (Fixture *fixture)
{
  CbTestPhone *anna = &fixture->anna.phone, *ben = &fixture->ben.phone, *carla = &fixture->carla.phone;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;

  cb_test_phone_dial (anna, ben->line);
  cb_test_phone_wait_state (anna, CB_SIP_CALL_STATE_ACTIVE, "ben to answer");
  cb_test_phone_wait_state (ben, CB_SIP_CALL_STATE_ACTIVE, "ben to be in the call");
  fixture->ben.call = g_object_ref (ben->call);
  fixture->anna_first = g_object_ref (anna->call);
  fixture->first_id = server_call_of (fixture, anna, anna->call);

  path = g_strdup_printf ("/api/v1/calls/%s/consult", fixture->first_id);
  fixture->consult_id = g_strdup (json_object_get_string_member (
    cb_test_request_expect (fixture->server, "POST", path, anna->token, "{\"to\":\"203\"}", 201, &answer),
    "call_id"));
  cb_test_phone_wait_state (carla, CB_SIP_CALL_STATE_ACTIVE, "carla to answer the consultation");
  CB_TEST_WAIT_FOR (anna->incoming == 1 && cb_test_phone_state_is (anna, CB_SIP_CALL_STATE_ACTIVE),
                    WAIT_MS, "anna's phone to be in the consultation");
  fixture->anna.call = g_object_ref (anna->call);
  fixture->carla.call = g_object_ref (carla->call);
  cb_test_phone_wait_hears (anna, CARLA_HZ, "anna to hear carla");
}

/* anna joins her two calls; everyone hears everyone else. */
static void
join (Fixture *fixture)
{
  CbTestPhone *anna = &fixture->anna.phone;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) listed = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s/conference", fixture->consult_id);
  g_autofree char *body = g_strdup_printf ("{\"with_call\":\"%s\"}", fixture->first_id);
  JsonObject *call, *conference, *event;
  JsonArray *parties, *calls;

  call = cb_test_request_expect (fixture->server, "POST", path, anna->token, body, 200, &answer);
  g_assert_cmpstr (json_object_get_string_member (call, "call_id"), ==, fixture->consult_id);
  conference = json_object_get_object_member (call, "conference");
  g_assert_nonnull (conference);
  g_assert_cmpstr (json_object_get_string_member (conference, "id"), ==, fixture->consult_id);
  parties = json_object_get_array_member (conference, "parties");
  g_assert_cmpuint (json_array_get_length (parties), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (parties, 0), "name"), ==,
                   "Anna");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (parties, 1), "name"), ==,
                   "Carla");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (parties, 2), "name"), ==,
                   "Ben");

  /* Her phone's dialog of the first call ends; her side of it too. */
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (fixture->anna_first) == CB_SIP_CALL_STATE_ENDED, WAIT_MS,
                    "anna's phone to leave the first call");
  g_assert_cmpint (cb_sip_call_get_state (fixture->ben.call), ==, CB_SIP_CALL_STATE_ACTIVE);
  event = cb_test_stream_wait_data (fixture->stream, "call", anna->user_id, "call_id", fixture->first_id,
                                    WAIT_MS);
  while (event != NULL &&
         g_strcmp0 (json_object_get_string_member (json_object_get_object_member (event, "data"), "state"),
                    "ended") != 0)
    event = cb_test_stream_wait_data (fixture->stream, "call", anna->user_id, "call_id", fixture->first_id,
                                      WAIT_MS);
  g_assert_nonnull (event);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (event, "data"),
                                                  "end_reason"), ==, "conference");

  /* One call on anna's screen: the conference. */
  calls = json_object_get_array_member (cb_test_request_expect (fixture->server, "GET", "/api/v1/calls",
                                                                anna->token, NULL, 200, &listed),
                                        "calls");
  g_assert_cmpuint (json_array_get_length (calls), ==, 1);
  call = json_array_get_object_element (calls, 0);
  g_assert_cmpstr (json_object_get_string_member (call, "call_id"), ==, fixture->consult_id);
  g_assert_cmpstr (json_object_get_string_member (call, "state"), ==, "connected");
  g_assert_nonnull (json_object_get_object_member (call, "conference"));

  assert_heard (fixture, &fixture->anna, ANNA_HZ, "ben and carla to hear anna");
  assert_heard (fixture, &fixture->ben, BEN_HZ, "anna and carla to hear ben");
  assert_heard (fixture, &fixture->carla, CARLA_HZ, "anna and ben to hear carla");
}

/* Joining needs two answered calls of one's own. */
static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  CbTestPhone *anna = &fixture->anna.phone, *ben = &fixture->ben.phone;
  g_autoptr(JsonNode) a1 = NULL, a2 = NULL, a3 = NULL, a4 = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;

  cb_test_phone_dial (anna, ben->line);
  cb_test_phone_wait_state (anna, CB_SIP_CALL_STATE_ACTIVE, "ben to answer");
  fixture->first_id = server_call_of (fixture, anna, anna->call);
  path = g_strdup_printf ("/api/v1/calls/%s/conference", fixture->first_id);

  cb_test_request_expect (fixture->server, "POST", path, anna->token, "{}", 422, &a1);
  g_assert_cmpstr (cb_test_error_code (a1), ==, "invalid-field");
  body = g_strdup_printf ("{\"with_call\":\"%s\"}", fixture->first_id);
  cb_test_request_expect (fixture->server, "POST", path, anna->token, body, 422, &a2);
  g_assert_cmpstr (cb_test_error_code (a2), ==, "invalid-field");
  cb_test_request_expect (fixture->server, "POST", path, anna->token, "{\"with_call\":\"nope\"}", 404, &a3);
  g_assert_cmpstr (cb_test_error_code (a3), ==, "not-found");
  /* carla is in neither call. */
  cb_test_request_expect (fixture->server, "POST", path, fixture->carla.phone.token,
                          "{\"with_call\":\"nope\"}", 403, &a4);
  g_assert_cmpstr (cb_test_error_code (a4), ==, "forbidden");
}

/* The parties of the user's one call: its conference lists these names. */
static void
assert_parties (Fixture     *fixture,
                CbTestPhone *phone,
                const char  *first,
                const char  *second)
{
  g_autoptr(JsonNode) listed = NULL;
  JsonObject *call, *conference;
  JsonArray *calls, *parties;

  calls = json_object_get_array_member (cb_test_request_expect (fixture->server, "GET", "/api/v1/calls",
                                                                phone->token, NULL, 200, &listed),
                                        "calls");
  g_assert_cmpuint (json_array_get_length (calls), ==, 1);
  call = json_array_get_object_element (calls, 0);
  g_assert_cmpstr (json_object_get_string_member (call, "state"), ==, "connected");
  conference = json_object_get_object_member (call, "conference");
  g_assert_nonnull (conference);
  g_assert_cmpstr (json_object_get_string_member (conference, "id"), ==, fixture->consult_id);
  parties = json_object_get_array_member (conference, "parties");
  g_assert_cmpuint (json_array_get_length (parties), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (parties, 0), "name"), ==,
                   first);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (parties, 1), "name"), ==,
                   second);
}

/* Two parties hear each other, no longer the one who left. */
static void
assert_two_left (Party      *one,
                 double      one_hz,
                 Party      *other,
                 double      other_hz,
                 double      gone_hz,
                 const char *what)
{
  one->sink = other->sink = NULL;
  CB_TEST_WAIT_FOR (party_hears (one, other_hz) && party_hears (other, one_hz), WAIT_MS, what);
  CB_TEST_WAIT_FOR (cb_test_phone_silent (&one->phone, gone_hz, 500) &&
                    cb_test_phone_silent (&other->phone, gone_hz, 500),
                    WAIT_MS, "the one who left to fall silent");
}

/* ben hangs up: anna and carla talk on in the mix; carla hangs up too,
 * and anna, the last one, is hung up. */
static void
test_member_leaves (Fixture       *fixture,
                    gconstpointer  data)
{
  CbTestPhone *anna = &fixture->anna.phone, *ben = &fixture->ben.phone;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *entry;
  CbTestStream *ben_stream;

  two_calls (fixture);
  join (fixture);
  ben_stream = cb_test_stream_open (fixture->server, ben->token, -1, TRUE);
  g_assert_null (ben_stream->error);

  cb_sip_call_hangup (fixture->ben.call);
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (fixture->ben.call) == CB_SIP_CALL_STATE_ENDED, WAIT_MS,
                    "ben's call to end");
  assert_two_left (&fixture->anna, ANNA_HZ, &fixture->carla, CARLA_HZ, BEN_HZ,
                   "anna and carla to hear each other");
  g_assert_nonnull (cb_test_stream_wait_data (ben_stream, "call", ben->user_id, "state", "ended", WAIT_MS));
  g_assert_nonnull (cb_test_stream_wait (ben_stream, "journal", ben->user_id, WAIT_MS));
  entry = cb_test_phone_last_entry (fixture->server, ben, &answer, NULL);
  g_assert_cmpstr (json_object_get_string_member (entry, "outcome"), ==, "answered");
  g_assert_cmpstr (json_object_get_string_member (entry, "end_reason"), ==, "completed");
  assert_parties (fixture, anna, "Anna", "Carla");

  cb_sip_call_hangup (fixture->carla.call);
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (fixture->anna.call) == CB_SIP_CALL_STATE_ENDED, WAIT_MS,
                    "anna, the last one, to be hung up");
  cb_test_stream_close (ben_stream);
}

/* anna leaves (DELETE): ben and carla stay connected with each other. */
static void
test_host_leaves (Fixture       *fixture,
                  gconstpointer  data)
{
  CbTestPhone *anna = &fixture->anna.phone, *ben = &fixture->ben.phone, *carla = &fixture->carla.phone;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) listed = NULL;
  g_autofree char *path = NULL;
  JsonObject *call;

  two_calls (fixture);
  join (fixture);

  path = g_strdup_printf ("/api/v1/calls/%s", fixture->consult_id);
  call = cb_test_request_expect (fixture->server, "DELETE", path, anna->token, NULL, 200, &answer);
  g_assert_cmpstr (json_object_get_string_member (call, "state"), ==, "ended");
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (fixture->anna.call) == CB_SIP_CALL_STATE_ENDED, WAIT_MS,
                    "anna's phone to leave");
  assert_two_left (&fixture->ben, BEN_HZ, &fixture->carla, CARLA_HZ, ANNA_HZ,
                   "ben and carla to hear each other");

  /* anna has no call left; ben and carla the conference of two. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
    cb_test_request_expect (fixture->server, "GET", "/api/v1/calls", anna->token, NULL, 200, &listed),
    "calls")), ==, 0);
  assert_parties (fixture, ben, "Carla", "Ben");
  assert_parties (fixture, carla, "Carla", "Ben");

  cb_sip_call_hangup (fixture->ben.call);
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (fixture->carla.call) == CB_SIP_CALL_STATE_ENDED, WAIT_MS,
                    "carla, the last one, to be hung up");
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sip/conference/refused", test_refused);
  ADD ("/sip/conference/member-leaves", test_member_leaves);
  ADD ("/sip/conference/host-leaves", test_host_leaves);
#undef ADD

  return g_test_run ();
}
