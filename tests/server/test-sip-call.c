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

#include "cb-sip-agent.h"
#include "cb-test-server.h"
#include "cb-tone-detector.h"

#define WAIT_MS 10000
#define SRC_FMT "audiotestsrc is-live=true wave=sine freq=%g volume=0.5 samplesperbuffer=480"
#define SINK "audioconvert ! audio/x-raw,format=S16LE,channels=1 ! fakesink name=tap sync=true"

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla\",\"extension\":\"203\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\",\"members\":[\"anna\",\"ben\"]}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

typedef struct {
  char           *token;
  gint64          user_id;
  char           *line;
  char           *password;
  char           *registrar;
  CbSipAgent     *agent;
  CbSipCall      *call;
  CbToneDetector *detector;
  CbTestStream   *stream;
} Phone;

typedef struct {
  CbTestServer *server;
  Phone         anna;
  Phone         ben;
} Fixture;

static void
on_call_state (CbSipCall  *call,
               GParamSpec *pspec,
               Phone      *phone)
{
  CbMediaPipeline *media = cb_sip_call_get_media (call);
  g_autoptr(GstElement) tap = NULL;
  g_autoptr(GstPad) pad = NULL;

  if (cb_sip_call_get_state (call) != CB_SIP_CALL_STATE_ACTIVE ||
      cb_media_pipeline_get_audio_sink (media) == NULL)
    return;

  tap = gst_bin_get_by_name (GST_BIN (cb_media_pipeline_get_audio_sink (media)), "tap");
  pad = gst_element_get_static_pad (tap, "sink");
  cb_tone_detector_attach (phone->detector, pad);
}

static void
adopt_call (Phone     *phone,
            CbSipCall *call)
{
  if (phone->call != NULL)
    g_signal_handlers_disconnect_by_data (phone->call, phone);
  g_clear_object (&phone->call);
  phone->call = g_object_ref (call);
  g_signal_connect (call, "notify::state", G_CALLBACK (on_call_state), phone);
}

static void
on_incoming_call (CbSipAgent *agent,
                  CbSipCall  *call,
                  Phone      *phone)
{
  g_autoptr(GError) error = NULL;

  adopt_call (phone, call);
  cb_sip_call_answer (call, &error);
  g_assert_no_error (error);
}

/* Signs in and fetches the line: the user's one password is enough. */
static void
fetch_line (Fixture    *fixture,
            Phone      *phone,
            const char *username)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *line;
  guint status = 0;

  if (phone->token == NULL)
    phone->token = cb_test_sign_in (fixture->server, username, "pw", &phone->user_id);
  answer = cb_test_request (fixture->server, "GET", "/api/v1/me/line", phone->token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  line = json_node_get_object (answer);
  g_clear_pointer (&phone->line, g_free);
  g_clear_pointer (&phone->password, g_free);
  g_clear_pointer (&phone->registrar, g_free);
  phone->line = g_strdup (json_object_get_string_member (line, "username"));
  phone->password = g_strdup (json_object_get_string_member (line, "password"));
  phone->registrar = g_strdup (json_object_get_string_member (line, "registrar"));
  g_assert_cmpuint (strlen (phone->password), >=, 16);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (line, "sip_uri"), "sip:"));
}

static void
phone_start (Fixture    *fixture,
             Phone      *phone,
             const char *username,
             double      freq,
             double      listen_for)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *src = g_strdup_printf (SRC_FMT, freq);

  fetch_line (fixture, phone, username);
  phone->agent = cb_sip_agent_new ("127.0.0.1", 0, phone->line, &error);
  g_assert_no_error (error);
  g_object_set (phone->agent, "audio-src", src, "audio-sink", SINK, NULL);
  g_signal_connect (phone->agent, "incoming-call", G_CALLBACK (on_incoming_call), phone);
  phone->detector = cb_tone_detector_new (listen_for);
  phone->stream = cb_test_stream_open (fixture->server, phone->token, -1, TRUE);
  g_assert_null (phone->stream->error);
}

static void
phone_clear (Phone *phone)
{
  cb_tone_detector_detach (phone->detector);
  g_clear_object (&phone->detector);
  if (phone->call != NULL)
    g_signal_handlers_disconnect_by_data (phone->call, phone);
  g_clear_object (&phone->call);
  if (phone->agent != NULL)
    cb_sip_agent_shutdown (phone->agent);
  g_clear_object (&phone->agent);
  g_clear_pointer (&phone->stream, cb_test_stream_close);
  g_free (phone->token);
  g_free (phone->line);
  g_free (phone->password);
  g_free (phone->registrar);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = cb_test_server_start (directory, server_args);
  phone_start (fixture, &fixture->anna, "anna", 440, 880);
  phone_start (fixture, &fixture->ben, "ben", 880, 440);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  phone_clear (&fixture->anna);
  phone_clear (&fixture->ben);
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
  return phone->call != NULL && cb_sip_call_get_state (phone->call) == state;
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

/* The first event of this type about user_id with the field at value. */
static void
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
        return;
    }
  g_error ("No %s event with %s=%s", type, member, value);
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
  wait_event (fixture->anna.stream, "line-state", fixture->ben.user_id, "line_state", "idle");

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
  wait_event (fixture->ben.stream, "call", fixture->ben.user_id, "state", "connected");
  wait_event (fixture->anna.stream, "call", fixture->anna.user_id, "state", "connected");
  wait_event (fixture->anna.stream, "line-state", fixture->ben.user_id, "line_state", "busy");

  cb_sip_call_hangup (fixture->ben.call);
  cb_test_wait_until (both_ended, fixture, WAIT_MS, "both ends to hang up");
  wait_event (fixture->anna.stream, "call", fixture->anna.user_id, "state", "ended");
  wait_event (fixture->ben.stream, "journal", fixture->ben.user_id, "direction", "in");
  wait_event (fixture->anna.stream, "line-state", fixture->ben.user_id, "line_state", "idle");

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
  wait_event (fixture->anna.stream, "journal", fixture->anna.user_id, "direction", "out");

  g_clear_pointer (&fixture->anna.stream, cb_test_stream_close);
  g_clear_pointer (&fixture->ben.stream, cb_test_stream_close);
  cb_test_server_restart (fixture->server);

  assert_one_entry (fixture, &fixture->anna, "out", fixture->ben.line, TRUE);
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
