/* test-sip-diversion.c: diversions, do-not-disturb and loops through a real callboardd to phone-library agents
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Ben diverts his calls (PUT /me/diversion) and anna calls him: an
 * unconditional diversion rings carla instead and ben's phone never
 * rings; a busy one takes over while ben is in a call or when his phone
 * answers 486; a no-answer one after its seconds of ringing, ben's phone
 * cancelled; do-not-disturb refuses with 486 unless a busy diversion
 * sends the call on. A loop (ben to carla to ben, and a longer one)
 * rings the last user reached; ben's journal has every such call, taken
 * by whoever answered. Targets may be a hunt group (its members ring)
 * or a number beyond the trunk (an upstream agent: From and
 * P-Asserted-Identity still show anna), and a blind forward to ben
 * follows his diversion too. The caller hears the one who answered.
 */

#define G_LOG_DOMAIN "cb-sip-diversion"

#include "config.h"

#include <gst/gst.h>

#include "cb-test-phone.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS
#define ANNA_HZ     440.0
#define BEN_HZ      550.0
#define CARLA_HZ    660.0
#define DORA_HZ     770.0
#define UPSTREAM_HZ 880.0

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla\",\"extension\":\"203\",\"password\":\"pw\"},"
  " {\"username\":\"dora\",\"display_name\":\"Dora\",\"extension\":\"204\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\","
  "  \"members\":[\"anna\",\"ben\",\"carla\",\"dora\"]},"
  " {\"name\":\"Desk\",\"kind\":\"hunt\",\"number\":\"600\",\"strategy\":\"parallel\","
  "  \"level\":\"team\",\"members\":[\"dora\"]}]}";

typedef struct {
  CbTestServer *server;
  CbTestPhone   upstream;   /* the trunk's proxy */
  CbTestPhone   anna, ben, carla, dora;
  CbTestStream *ben_stream;
  guint         ben_entries;  /* journal events of ben's seen so far */
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *trunk = NULL;

  /* The upstream listens before the server starts: its port is the trunk. */
  cb_test_phone_init (&fixture->upstream, "4930123", UPSTREAM_HZ, ANNA_HZ);
  fixture->upstream.manual_answer = TRUE;
  trunk = g_strdup_printf ("sip:127.0.0.1:%u", cb_sip_agent_get_port (fixture->upstream.agent));
  {
    const char * const args[] = { "--sip-port", "0", "--trunk", trunk, NULL };

    fixture->server = cb_test_server_start (directory, args);
  }
  cb_test_phone_start_user (fixture->server, &fixture->anna, "anna", ANNA_HZ, CARLA_HZ);
  cb_test_phone_listen_for (&fixture->anna, DORA_HZ);
  cb_test_phone_listen_for (&fixture->anna, UPSTREAM_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->ben, "ben", BEN_HZ, ANNA_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->carla, "carla", CARLA_HZ, ANNA_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->dora, "dora", DORA_HZ, ANNA_HZ);
  fixture->ben.manual_answer = fixture->carla.manual_answer = fixture->dora.manual_answer = TRUE;
  fixture->ben_stream = cb_test_stream_open (fixture->server, fixture->ben.token, -1, TRUE);
  g_assert_null (fixture->ben_stream->error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->ben_stream, cb_test_stream_close);
  cb_test_phone_clear_all (&fixture->anna, &fixture->ben, &fixture->carla, &fixture->dora,
                           &fixture->upstream, NULL);
  cb_test_server_stop (fixture->server);
}

static void
put (Fixture     *fixture,
     CbTestPhone *phone,
     const char  *path,
     const char  *body)
{
  g_autoptr(JsonNode) answer = NULL;

  cb_test_request_expect (fixture->server, "PUT", path, phone->token, body, 200, &answer);
}

static void
divert (Fixture     *fixture,
        CbTestPhone *phone,
        const char  *body)
{
  put (fixture, phone, "/api/v1/me/diversion", body);
}

static gboolean
ended (CbSipCall *call)
{
  return call != NULL && cb_sip_call_get_state (call) == CB_SIP_CALL_STATE_ENDED;
}

/* Anna's current call is answered by `phone`, who rings with it; they
 * hear each other. */
static void
answered_by (CbTestPhone *anna,
             CbTestPhone *phone,
             double       freq,
             const char  *who)
{
  g_autofree char *rings = g_strdup_printf ("%s's phone to ring", who);

  CB_TEST_WAIT_FOR (cb_test_phone_rang (phone), WAIT_MS, rings);
  cb_test_phone_answer (phone);
  cb_test_phone_wait_state (anna, CB_SIP_CALL_STATE_ACTIVE, "anna's call to be answered");
  cb_test_phone_wait_hears (anna, freq, "anna to hear who answered");
  cb_test_phone_wait_hears (phone, ANNA_HZ, "who answered to hear anna");
}

static void
hang_up (CbTestPhone *anna,
         CbTestPhone *other)
{
  g_autoptr(CbSipCall) call = g_object_ref (anna->call);

  cb_sip_call_hangup (call);
  CB_TEST_WAIT_FOR (ended (call) && ended (other->call), WAIT_MS, "the call to end");
}

static guint
count_entries (CbTestStream *stream)
{
  guint n = 0;

  for (guint i = 0; i < stream->events->len; i++)
    n += g_str_equal (json_object_get_string_member (g_ptr_array_index (stream->events, i), "type"),
                      "journal");
  return n;
}

/* Ben's journal remembers anna's call (a new entry since the last
 * look), taken by `taker` (NULL: nobody). */
static void
assert_ben_journal (Fixture     *fixture,
                    CbTestPhone *taker)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *entry;

  CB_TEST_WAIT_FOR (count_entries (fixture->ben_stream) > fixture->ben_entries, WAIT_MS,
                    "ben's journal entry");
  fixture->ben_entries = count_entries (fixture->ben_stream);
  entry = cb_test_phone_last_entry (fixture->server, &fixture->ben, &answer, NULL);
  g_assert_cmpstr (json_object_get_string_member (entry, "direction"), ==, "in");
  g_assert_cmpint (json_object_get_int_member (entry, "remote_user_id"), ==, fixture->anna.user_id);
  g_assert_false (json_object_get_boolean_member (entry, "answered"));
  if (taker != NULL)
    g_assert_cmpint (json_object_get_int_member (entry, "taken_by_user_id"), ==, taker->user_id);
  else
    g_assert_true (json_object_get_null_member (entry, "taken_by_user_id"));
  g_assert_cmpstr (json_object_get_string_member (entry, "outcome"), ==, taker != NULL ? "taken" : "missed");
}

/* Ben's phone did not ring, and he saw no call ring: the barrier comes
 * after anything the server had sent him. */
static void
assert_ben_untouched (Fixture *fixture)
{
  cb_test_phone_barrier (&fixture->ben);
  g_assert_cmpuint (fixture->ben.incoming, ==, 0);
  cb_test_stream_barrier (fixture->server, fixture->ben_stream, fixture->ben.token);
  for (guint i = 0; i < fixture->ben_stream->events->len; i++)
    {
      JsonObject *event = g_ptr_array_index (fixture->ben_stream->events, i);
      JsonObject *payload = json_object_get_object_member (event, "data");

      g_assert_false (g_str_equal (json_object_get_string_member (event, "type"), "call") &&
                      json_object_get_int_member (payload, "user_id") == fixture->ben.user_id);
    }
}

/* ---- the tests ---- */

static void
test_unconditional (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(JsonNode) listed = NULL;
  JsonObject *call;

  divert (fixture, &fixture->ben, "{\"unconditional\":\"203\"}");
  cb_test_phone_dial (&fixture->anna, "202");
  answered_by (&fixture->anna, &fixture->carla, CARLA_HZ, "carla");

  /* Anna's side names carla, who answered. */
  call = json_array_get_object_element (json_object_get_array_member (
    cb_test_request_expect (fixture->server, "GET", "/api/v1/calls", fixture->anna.token, NULL, 200,
                            &listed), "calls"), 0);
  g_assert_cmpstr (json_object_get_string_member (call, "remote_number"), ==, "203");
  g_assert_cmpint (json_object_get_int_member (call, "remote_user_id"), ==, fixture->carla.user_id);
  assert_ben_untouched (fixture);

  hang_up (&fixture->anna, &fixture->carla);
  assert_ben_journal (fixture, &fixture->carla);
}

static void
test_busy (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(CbSipCall) dora_call = NULL;

  divert (fixture, &fixture->ben, "{\"busy\":\"203\"}");

  /* Ben's phone says busy: carla rings instead. */
  cb_test_phone_dial (&fixture->anna, "202");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "ben's phone to ring");
  cb_sip_call_hangup (fixture->ben.call);
  answered_by (&fixture->anna, &fixture->carla, CARLA_HZ, "carla");
  hang_up (&fixture->anna, &fixture->carla);
  assert_ben_journal (fixture, &fixture->carla);

  /* Ben in a call with dora: anna's call goes to carla at once. */
  dora_call = g_object_ref (cb_test_phone_dial (&fixture->dora, "202"));
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "dora's call to ring at ben");
  cb_test_phone_answer (&fixture->ben);
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (dora_call) == CB_SIP_CALL_STATE_ACTIVE, WAIT_MS,
                    "dora's call to be answered");
  fixture->ben.incoming = 0;
  cb_test_phone_dial (&fixture->anna, "202");
  answered_by (&fixture->anna, &fixture->carla, CARLA_HZ, "carla");
  cb_test_phone_barrier (&fixture->ben);
  g_assert_cmpuint (fixture->ben.incoming, ==, 0);
  hang_up (&fixture->anna, &fixture->carla);
  cb_sip_call_hangup (dora_call);
  CB_TEST_WAIT_FOR (ended (dora_call), WAIT_MS, "dora's call to end");
}

static void
test_no_answer (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CbSipCall) ben_call = NULL;
  gint64 rang_at;

  divert (fixture, &fixture->ben, "{\"no_answer\":\"203\",\"no_answer_after\":5}");
  cb_test_phone_dial (&fixture->anna, "202");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "ben's phone to ring");
  ben_call = g_object_ref (fixture->ben.call);
  rang_at = fixture->ben.rang_at;

  /* Nobody answers: after its 5 s ben's phone stops and carla's rings. */
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->carla), WAIT_MS, "carla's phone to ring");
  g_test_message ("carla rang %.1f s after ben", (fixture->carla.rang_at - rang_at) / 1e6);
  g_assert_cmpint (fixture->carla.rang_at - rang_at, >=, 4500 * G_TIME_SPAN_MILLISECOND);
  CB_TEST_WAIT_FOR (ended (ben_call), WAIT_MS, "ben's phone to stop ringing");
  answered_by (&fixture->anna, &fixture->carla, CARLA_HZ, "carla");
  hang_up (&fixture->anna, &fixture->carla);
  assert_ben_journal (fixture, &fixture->carla);
}

static void
test_loops (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *entry;

  /* Ben to carla to ben: carla, the last one reached, rings. */
  divert (fixture, &fixture->ben, "{\"unconditional\":\"203\"}");
  divert (fixture, &fixture->carla, "{\"unconditional\":\"202\"}");
  cb_test_phone_dial (&fixture->anna, "202");
  answered_by (&fixture->anna, &fixture->carla, CARLA_HZ, "carla");
  assert_ben_untouched (fixture);
  hang_up (&fixture->anna, &fixture->carla);
  assert_ben_journal (fixture, &fixture->carla);

  /* Ben to carla to dora to ben: dora rings; ben and carla both have
   * the call in their journals. */
  divert (fixture, &fixture->carla, "{\"unconditional\":\"204\"}");
  divert (fixture, &fixture->dora, "{\"unconditional\":\"202\"}");
  fixture->carla.incoming = 0;
  cb_test_phone_dial (&fixture->anna, "202");
  answered_by (&fixture->anna, &fixture->dora, DORA_HZ, "dora");
  cb_test_phone_barrier (&fixture->carla);
  g_assert_cmpuint (fixture->carla.incoming, ==, 0);
  hang_up (&fixture->anna, &fixture->dora);
  assert_ben_journal (fixture, &fixture->dora);
  entry = cb_test_phone_last_entry (fixture->server, &fixture->carla, &answer, NULL);
  g_assert_cmpint (json_object_get_int_member (entry, "remote_user_id"), ==, fixture->anna.user_id);
  g_assert_cmpint (json_object_get_int_member (entry, "taken_by_user_id"), ==, fixture->dora.user_id);
}

static void
test_do_not_disturb (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(CbSipCall) call = NULL;

  put (fixture, &fixture->ben, "/api/v1/me/presence", "{\"availability\":\"dnd\"}");
  call = g_object_ref (cb_test_phone_dial (&fixture->anna, "202"));
  CB_TEST_WAIT_FOR (ended (call), WAIT_MS, "anna's call to be refused");
  g_assert_cmpuint (cb_sip_call_get_end_status (call), ==, 486);
  cb_test_phone_barrier (&fixture->ben);
  g_assert_cmpuint (fixture->ben.incoming, ==, 0);

  /* With a busy diversion do-not-disturb sends the call there. */
  divert (fixture, &fixture->ben, "{\"busy\":\"203\"}");
  cb_test_phone_dial (&fixture->anna, "202");
  answered_by (&fixture->anna, &fixture->carla, CARLA_HZ, "carla");
  hang_up (&fixture->anna, &fixture->carla);
  cb_test_phone_barrier (&fixture->ben);
  g_assert_cmpuint (fixture->ben.incoming, ==, 0);
}

static void
test_group_and_trunk (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(JsonNode) group = NULL;
  g_autoptr(JsonNode) snapshot = NULL;
  g_autofree char *path = NULL;
  JsonArray *groups;
  gint64 desk = 0;

  /* Dora logged into the hunt group "Desk". */
  groups = json_object_get_array_member (
    cb_test_request_expect (fixture->server, "GET", "/api/v1/snapshot", fixture->dora.token, NULL, 200,
                            &snapshot), "groups");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (groups, i), "name"),
                   "Desk") == 0)
      desk = json_object_get_int_member (json_array_get_object_element (groups, i), "id");
  g_assert_cmpint (desk, >, 0);
  path = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login", desk);
  cb_test_request_expect (fixture->server, "PUT", path, fixture->dora.token, "{\"logged_in\":true}", 200,
                          &group);

  divert (fixture, &fixture->ben, "{\"unconditional\":\"600\"}");
  cb_test_phone_dial (&fixture->anna, "202");
  answered_by (&fixture->anna, &fixture->dora, DORA_HZ, "dora");
  hang_up (&fixture->anna, &fixture->dora);
  assert_ben_journal (fixture, &fixture->dora);

  /* Beyond the trunk: the upstream sees anna calling. */
  divert (fixture, &fixture->ben, "{\"unconditional\":\"030555123\"}");
  cb_test_phone_dial (&fixture->anna, "202");
  answered_by (&fixture->anna, &fixture->upstream, UPSTREAM_HZ, "the upstream");
  g_test_message ("upstream Request-URI %s, From %s", cb_sip_call_get_request_uri (fixture->upstream.call),
                  cb_sip_call_get_remote_uri (fixture->upstream.call));
  g_assert_true (g_str_has_prefix (cb_sip_call_get_request_uri (fixture->upstream.call),
                                   "sip:030555123@"));
  g_assert_true (g_str_has_prefix (cb_sip_call_get_remote_uri (fixture->upstream.call), "sip:201@"));
  hang_up (&fixture->anna, &fixture->upstream);
  assert_ben_journal (fixture, NULL);
  assert_ben_untouched (fixture);
}

/* Dora forwards anna to ben over REST: ben's diversion applies. */
static void
test_forward (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(JsonNode) forwarded = NULL;
  g_autofree char *path = NULL;
  JsonArray *calls;

  divert (fixture, &fixture->ben, "{\"unconditional\":\"203\"}");
  cb_test_phone_dial (&fixture->anna, "204");
  answered_by (&fixture->anna, &fixture->dora, DORA_HZ, "dora");
  calls = json_object_get_array_member (
    cb_test_request_expect (fixture->server, "GET", "/api/v1/calls", fixture->dora.token, NULL, 200,
                            &listed), "calls");
  path = g_strdup_printf ("/api/v1/calls/%s/forward",
                          json_object_get_string_member (json_array_get_object_element (calls, 0),
                                                         "call_id"));
  cb_test_request_expect (fixture->server, "POST", path, fixture->dora.token, "{\"to\":\"202\"}", 200,
                          &forwarded);
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->carla), WAIT_MS, "carla's phone to ring");
  cb_test_phone_answer (&fixture->carla);
  cb_test_phone_wait_hears (&fixture->carla, ANNA_HZ, "carla to hear anna");
  CB_TEST_WAIT_FOR (cb_test_phone_hears (&fixture->anna, CARLA_HZ), WAIT_MS, "anna to hear carla");
  hang_up (&fixture->anna, &fixture->carla);
  assert_ben_untouched (fixture);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sip/diversion/unconditional", test_unconditional);
  ADD ("/sip/diversion/busy", test_busy);
  ADD ("/sip/diversion/no-answer", test_no_answer);
  ADD ("/sip/diversion/loops", test_loops);
  ADD ("/sip/diversion/do-not-disturb", test_do_not_disturb);
  ADD ("/sip/diversion/group-and-trunk", test_group_and_trunk);
  ADD ("/sip/diversion/forward", test_forward);
#undef ADD

  return g_test_run ();
}
