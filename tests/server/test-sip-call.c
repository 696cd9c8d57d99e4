/* test-sip-call.c: two phone-library agents register to a real callboardd and call each other
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Credentials come over REST (GET /me/line), REGISTER is digest
 * authenticated, the call goes through the B2BUA with tones both ways
 * (Opus and PCMA), the clients get call and line-state events, and the
 * journal entries are there for both and survive a SIGKILL restart.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <gst/gst.h>

#include "cb-test-phone.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla\",\"extension\":\"203\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\",\"members\":[\"anna\",\"ben\"]}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

typedef CbTestPhone Phone;

typedef struct {
  CbTestServer *server;
  Phone         anna;
  Phone         ben;
  CbTestStream *anna_stream;
  CbTestStream *ben_stream;
} Fixture;

static void
adopt_call (Phone     *phone,
            CbSipCall *call)
{
  cb_test_phone_adopt (phone, call);
}

/* Signs in and fetches the line: the user's one password is enough. */
static void
fetch_line (Fixture    *fixture,
            Phone      *phone,
            const char *username)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  cb_test_phone_fetch_line (fixture->server, phone, username);
  g_assert_cmpuint (strlen (phone->password), >=, 16);
  answer = cb_test_request (fixture->server, "GET", "/api/v1/me/line", phone->token, NULL, &status);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_node_get_object (answer), "sip_uri"),
                                   "sip:"));
}

/* An agent that answers every call, not registered yet, and the user's
 * event stream. */
static void
phone_start (Fixture       *fixture,
             Phone         *phone,
             CbTestStream **stream,
             const char    *username,
             double         freq,
             double         listen_for)
{
  fetch_line (fixture, phone, username);
  cb_test_phone_init (phone, phone->line, freq, listen_for);
  *stream = cb_test_stream_open (fixture->server, phone->token, -1, TRUE);
  g_assert_null ((*stream)->error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = cb_test_server_start (directory, server_args);
  phone_start (fixture, &fixture->anna, &fixture->anna_stream, "anna", 440, 880);
  phone_start (fixture, &fixture->ben, &fixture->ben_stream, "ben", 880, 440);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  cb_test_phone_clear (&fixture->anna);
  cb_test_phone_clear (&fixture->ben);
  g_clear_pointer (&fixture->anna_stream, cb_test_stream_close);
  g_clear_pointer (&fixture->ben_stream, cb_test_stream_close);
  cb_test_server_stop (fixture->server);
}

static gboolean both_registered (gpointer d)
{
  Fixture *f = d;
  return cb_sip_agent_get_registered (f->anna.agent) && cb_sip_agent_get_registered (f->ben.agent);
}
static gboolean
state_is (Phone *phone, CbSipCallState state)
{
  return cb_test_phone_state_is (phone, state);
}
static gboolean both_active (gpointer d)
{
  Fixture *f = d;
  return state_is (&f->anna, CB_SIP_CALL_STATE_ACTIVE) && state_is (&f->ben, CB_SIP_CALL_STATE_ACTIVE);
}
static gboolean both_ended (gpointer d)
{
  Fixture *f = d;
  return state_is (&f->anna, CB_SIP_CALL_STATE_ENDED) && state_is (&f->ben, CB_SIP_CALL_STATE_ENDED);
}
static gboolean both_hear (gpointer d)
{
  Fixture *f = d;
  return cb_tone_detector_hears (f->anna.detector, 3) && cb_tone_detector_hears (f->ben.detector, 3);
}
static gboolean anna_ended (gpointer d)
{
  return state_is (&((Fixture *) d)->anna, CB_SIP_CALL_STATE_ENDED);
}

static void
register_both (Fixture *fixture)
{
  cb_sip_agent_register (fixture->anna.agent, fixture->anna.registrar, fixture->anna.password);
  cb_sip_agent_register (fixture->ben.agent, fixture->ben.registrar, fixture->ben.password);
  cb_test_wait_until (both_registered, fixture, WAIT_MS, "both phones registered");
}

static void
dial (Fixture    *fixture,
      const char *number)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strdup_printf ("sip:%s@%s", number, fixture->anna.registrar + 4);
  g_autoptr(CbSipCall) call = cb_sip_agent_dial (fixture->anna.agent, uri, &error);

  g_assert_no_error (error);
  adopt_call (&fixture->anna, call);
}

/* The first event of this type about user_id with the field at value;
 * returns its data. */
static JsonObject *
wait_event (CbTestStream *stream,
            const char   *type,
            gint64        user_id,
            const char   *member,
            const char   *value)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      JsonObject *event = cb_test_stream_wait (stream, type, user_id, WAIT_MS);
      JsonObject *data;

      g_assert_nonnull (event);
      data = json_object_get_object_member (event, "data");
      if (g_strcmp0 (json_object_get_string_member_with_default (data, member, ""), value) == 0)
        return data;
    }
  g_error ("No %s event with %s=%s", type, member, value);
  return NULL;
}

static JsonObject *
journal (Fixture    *fixture,
         Phone      *phone,
         JsonNode  **answer)
{
  guint status = 0;

  *answer = cb_test_request (fixture->server, "GET", "/api/v1/journal?limit=10", phone->token,
                             NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  return json_node_get_object (*answer);
}

static void
assert_one_entry (Fixture    *fixture,
                  Phone      *phone,
                  const char *direction,
                  const char *remote,
                  gboolean    answered)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *page = journal (fixture, phone, &answer);
  JsonArray *entries = json_object_get_array_member (page, "entries");
  JsonObject *entry;

  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  entry = json_array_get_object_element (entries, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "direction"), ==, direction);
  g_assert_cmpstr (json_object_get_string_member (entry, "remote_number"), ==, remote);
  g_assert_cmpint (json_object_get_boolean_member (entry, "answered"), ==, answered);
  g_assert_cmpint (json_object_get_int_member (page, "missed"), ==,
                   !answered && g_str_equal (direction, "in") ? 1 : 0);
}

static void
test_call (Fixture       *fixture,
           gconstpointer  data)
{
  const char *codec = data;
  const char * const codecs[] = { codec, NULL };
  gboolean ok;

  register_both (fixture);
  /* Registration drives the lamp: offline → idle. */
  wait_event (fixture->anna_stream, "line-state", fixture->ben.user_id, "line_state", "idle");

  cb_sip_agent_set_codecs (fixture->anna.agent, codecs);
  dial (fixture, fixture->ben.line);
  cb_test_wait_until (both_active, fixture, WAIT_MS, "the call to be answered");
  g_assert_cmpstr (cb_media_pipeline_get_codec (cb_sip_call_get_media (fixture->anna.call)), ==, codec);
  g_assert_cmpstr (cb_media_pipeline_get_codec (cb_sip_call_get_media (fixture->ben.call)), ==, codec);

  ok = FALSE;
  {
    gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;
    while (!(ok = both_hear (fixture)) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_test_message ("anna hears 880 Hz ratio %.0f, ben hears 440 Hz ratio %.0f",
                  cb_tone_detector_get_ratio (fixture->anna.detector),
                  cb_tone_detector_get_ratio (fixture->ben.detector));
  g_assert_true (ok);

  /* Both clients see the call, from their side and the colleague's. */
  {
    JsonObject *event;

    event = wait_event (fixture->ben_stream, "call", fixture->ben.user_id, "state", "connected");
    g_assert_cmpint (json_object_get_int_member (event, "from_user_id"), ==, fixture->anna.user_id);
    g_assert_cmpint (json_object_get_int_member (event, "to_user_id"), ==, fixture->ben.user_id);
    g_assert_cmpint (json_object_get_int_member (event, "remote_user_id"), ==, fixture->anna.user_id);
    g_assert_cmpstr (json_object_get_string_member (event, "remote_name"), ==, "Anna");
    g_assert_cmpstr (json_object_get_string_member (event, "device"), ==, "softphone");
  }
  wait_event (fixture->anna_stream, "call", fixture->anna.user_id, "state", "connected");
  wait_event (fixture->anna_stream, "line-state", fixture->ben.user_id, "line_state", "busy");

  cb_sip_call_hangup (fixture->ben.call);
  cb_test_wait_until (both_ended, fixture, WAIT_MS, "both ends to hang up");
  wait_event (fixture->anna_stream, "call", fixture->anna.user_id, "state", "ended");
  wait_event (fixture->ben_stream, "journal", fixture->ben.user_id, "direction", "in");
  wait_event (fixture->anna_stream, "line-state", fixture->ben.user_id, "line_state", "idle");

  assert_one_entry (fixture, &fixture->anna, "out", fixture->ben.line, TRUE);
  assert_one_entry (fixture, &fixture->ben, "in", fixture->anna.line, TRUE);
}

/* Unknown numbers, then SIGKILL: the journal of an ended call stays, and
 * the phones register again to the restarted server and call. */
static void
test_restart (Fixture       *fixture,
              gconstpointer  data)
{
  register_both (fixture);

  dial (fixture, "999");
  cb_test_wait_until (anna_ended, fixture, WAIT_MS, "the call to 999 to fail");
  g_assert_cmpuint (cb_sip_call_get_end_status (fixture->anna.call), ==, 404);

  dial (fixture, fixture->ben.line);
  cb_test_wait_until (both_active, fixture, WAIT_MS, "the call to be answered");
  cb_sip_call_hangup (fixture->anna.call);
  cb_test_wait_until (both_ended, fixture, WAIT_MS, "both ends to hang up");
  wait_event (fixture->anna_stream, "journal", fixture->anna.user_id, "direction", "out");

  g_clear_pointer (&fixture->anna_stream, cb_test_stream_close);
  g_clear_pointer (&fixture->ben_stream, cb_test_stream_close);
  cb_test_server_restart (fixture->server);

  /* anna's: the call to 999, not reached, and the one with ben. */
  {
    g_autoptr(JsonNode) answer = NULL;
    JsonArray *entries = json_object_get_array_member (journal (fixture, &fixture->anna, &answer),
                                                       "entries");
    JsonObject *entry;

    g_assert_cmpuint (json_array_get_length (entries), ==, 2);
    entry = json_array_get_object_element (entries, 0);
    g_assert_cmpstr (json_object_get_string_member (entry, "remote_number"), ==, fixture->ben.line);
    g_assert_true (json_object_get_boolean_member (entry, "answered"));
    entry = json_array_get_object_element (entries, 1);
    g_assert_cmpstr (json_object_get_string_member (entry, "remote_number"), ==, "999");
    g_assert_cmpstr (json_object_get_string_member (entry, "outcome"), ==, "not-found");
  }
  assert_one_entry (fixture, &fixture->ben, "in", fixture->anna.line, TRUE);

  /* A new SIP port after the restart: the clients fetch it again. */
  fetch_line (fixture, &fixture->anna, "anna");
  fetch_line (fixture, &fixture->ben, "ben");
  register_both (fixture);
  dial (fixture, fixture->ben.line);
  cb_test_wait_until (both_active, fixture, WAIT_MS, "the call after the restart");
  cb_sip_call_hangup (fixture->anna.call);
  cb_test_wait_until (both_ended, fixture, WAIT_MS, "both ends to hang up");
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sip/call/opus", Fixture, "opus", fixture_setup, test_call, fixture_teardown);
  g_test_add ("/sip/call/pcma", Fixture, "pcma", fixture_setup, test_call, fixture_teardown);
  g_test_add ("/sip/call/restart", Fixture, NULL, fixture_setup, test_restart, fixture_teardown);

  return g_test_run ();
}
