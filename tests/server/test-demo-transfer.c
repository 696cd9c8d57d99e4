/* test-demo-transfer.c: attended transfer between the demo's simulated colleagues connects them
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the demo does when a user holds a colleague, consults another and
 * transfers: the demo server runs in this process (callboardd --demo,
 * colleagues only answering), so that the colleagues' own phones can be
 * listened to. anna's phone calls one colleague, holds them longer than
 * a colleague talks to a user, consults a second, and transfers: the held
 * colleague is still there, and the two colleagues hear each other's
 * tones afterwards. (The demo phones used to hang up a held call on the
 * timer of the conversation before, and a transferred one on the timer
 * of the call they had with the user.)
 */

#define G_LOG_DOMAIN "cb-demo"

#include "config.h"

#include <gst/gst.h>

#include "cb-demo-phones.h"
#include "cb-server.h"
#include "cb-test-phone.h"

#define WAIT_MS 20000
/* How long a demo colleague talks to a user before hanging up, and a
 * little more (TALK_USER in src/server/cb-demo-phones.c). */
#define LONGER_THAN_A_TALK_MS 31000
/* Outside the colleagues' 400–980 Hz. */
#define ANNA_HZ 1300.0

static const char * const demo_args[] = {
  "callboardd", "--demo", "--sip-port", "0", "--call-interval", "0", NULL
};

typedef struct {
  CbServerConfig *config;
  CbServer       *server;
  CbTestServer    client;      /* url and session of the server in this process */
} Demo;

static void
demo_start (Demo *demo)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = g_strdupv ((char **) demo_args);
  char **argv = args;
  int argc = g_strv_length (args);

  demo->config = cb_server_config_new ();
  g_assert_true (cb_server_config_parse_args (demo->config, &argc, &argv, &error));
  g_assert_no_error (error);
  demo->server = cb_server_new (demo->config, &error);
  g_assert_no_error (error);
  g_assert_true (cb_server_start (demo->server, &error));
  g_assert_no_error (error);
  demo->client.url = g_strdup (cb_server_get_url (demo->server));
  demo->client.session = soup_session_new ();
}

static void
demo_stop (Demo *demo)
{
  cb_server_stop (demo->server);
  g_clear_object (&demo->server);
  cb_server_config_cleanup_demo (demo->config);
  g_clear_pointer (&demo->config, cb_server_config_free);
  g_clear_object (&demo->client.session);
  g_clear_pointer (&demo->client.url, g_free);
}

/* A colleague other than @besides whose phone is registered (line
 * state idle) and who takes calls now. The simulator changes presences
 * every few seconds: a colleague picked before a long hold may have
 * gone dnd by its end, so each is picked just before being called. */
static char *
a_colleague (Demo        *demo,
             CbTestPhone *anna,
             const char  *besides)
{
  CbTestTimer timer;
  char *found = NULL;

  cb_test_timer_start (&timer, WAIT_MS);
  while (found == NULL)
    {
      g_autoptr(JsonNode) snapshot = NULL;
      JsonArray *users;

      cb_test_request_expect (&demo->client, "GET", "/api/v1/snapshot", anna->token, NULL, 200,
                              &snapshot);
      users = json_object_get_array_member (json_node_get_object (snapshot), "users");
      for (guint i = 0; i < json_array_get_length (users) && found == NULL; i++)
        {
          JsonObject *user = json_array_get_object_element (users, i);
          const char *extension = json_object_get_string_member_with_default (user, "extension", "");
          JsonObject *presence = json_object_get_object_member (user, "presence");
          const char *availability = presence != NULL
                                     ? json_object_get_string_member (presence, "availability") : NULL;

          /* The server refuses calls to a colleague in dnd. */
          if (json_object_get_int_member (user, "id") == anna->user_id ||
              g_strcmp0 (extension, besides) == 0 ||
              g_strcmp0 (json_object_get_string_member_with_default (user, "line_state", ""), "idle") != 0 ||
              availability == NULL ||
              g_strcmp0 (availability, "dnd") == 0 || g_strcmp0 (availability, "offline") == 0 ||
              cb_demo_phones_get_call (cb_server_get_demo_phones (demo->server), extension) != NULL)
            continue;
          found = g_strdup (extension);
        }
      if (found == NULL)
        cb_test_timer_iterate (&timer, "a colleague with a phone");
    }
  cb_test_timer_stop (&timer);
  return found;
}

/* The server's call whose leg to anna's phone is `call`. */
static char *
server_call_of (Demo        *demo,
                CbTestPhone *anna,
                CbSipCall   *call)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *calls;

  calls = json_object_get_array_member (cb_test_request_expect (&demo->client, "GET", "/api/v1/calls",
                                                                anna->token, NULL, 200, &answer),
                                        "calls");
  for (guint i = 0; i < json_array_get_length (calls); i++)
    {
      JsonObject *object = json_array_get_object_element (calls, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (object, "device_call_id", ""),
                     cb_sip_call_get_call_id (call)) == 0)
        return g_strdup (json_object_get_string_member (object, "call_id"));
    }
  g_error ("No server call for anna's phone's call %s", cb_sip_call_get_call_id (call));
}

/* A detector on what a colleague's phone receives in its call; it
 * follows the call's audio sink, which a codec change replaces. */
typedef struct {
  CbToneDetector *detector;
  GstElement     *sink;
} Ear;

static gboolean
ear_hears (Ear       *ear,
           CbSipCall *call)
{
  GstElement *sink = call != NULL ? cb_media_pipeline_get_audio_sink (cb_sip_call_get_media (call)) : NULL;

  if (sink != NULL && sink != ear->sink)
    {
      g_autoptr(GstElement) tap = gst_bin_get_by_name (GST_BIN (sink), "tap");
      g_autoptr(GstPad) pad = NULL;

      g_assert_nonnull (tap);
      pad = gst_element_get_static_pad (tap, "sink");
      cb_tone_detector_reset (ear->detector);
      cb_tone_detector_attach (ear->detector, pad);
      ear->sink = sink;
    }
  return ear->sink != NULL && cb_tone_detector_hears (ear->detector, 3);
}

static void
test_transfer (void)
{
  Demo demo = { 0 };
  CbTestPhone anna = { 0 };
  CbDemoPhones *phones;
  g_autofree char *held_ext = NULL, *consulted_ext = NULL;
  g_autofree char *call_id = NULL, *consult_id = NULL, *path = NULL, *body = NULL;
  g_autoptr(JsonNode) held = NULL, consult = NULL, transferred = NULL;
  g_autoptr(CbSipCall) first = NULL;
  CbSipCall *held_call, *consulted_call;
  Ear held_ear = { 0 }, consulted_ear = { 0 };
  double held_hz, consulted_hz;
  gint64 answered_at;

  demo_start (&demo);
  phones = cb_server_get_demo_phones (demo.server);
  g_assert_nonnull (phones);
  anna.token = cb_test_sign_in (&demo.client, "anna", "demo", &anna.user_id);
  held_ext = a_colleague (&demo, &anna, NULL);
  held_hz = cb_demo_phones_tone_for (held_ext);
  g_test_message ("anna holds %s (%g Hz)", held_ext, held_hz);

  cb_test_phone_fetch_line (&demo.client, &anna, "anna");
  cb_test_phone_init (&anna, anna.line, ANNA_HZ, held_hz);
  cb_test_phone_register (&anna, anna.registrar, NULL);

  /* anna calls the first colleague, who answers by itself. */
  first = g_object_ref (cb_test_phone_dial (&anna, held_ext));
  cb_test_phone_wait_state (&anna, CB_SIP_CALL_STATE_ACTIVE, "the colleague to answer");
  answered_at = g_get_monotonic_time ();
  cb_test_phone_wait_hears (&anna, held_hz, "anna to hear the colleague");
  call_id = server_call_of (&demo, &anna, first);

  /* She holds them longer than a colleague talks to a user: the time
   * the hold lasts is what is under test. */
  path = g_strdup_printf ("/api/v1/calls/%s/hold", call_id);
  cb_test_request_expect (&demo.client, "POST", path, anna.token, NULL, 200, &held);
  held_call = cb_demo_phones_get_call (phones, held_ext);
  g_assert_nonnull (held_call);
  cb_test_run_for ((guint) MAX (0, LONGER_THAN_A_TALK_MS -
                                   (g_get_monotonic_time () - answered_at) / 1000));
  g_assert_true (cb_demo_phones_get_call (phones, held_ext) == held_call);
  g_assert_cmpint (cb_sip_call_get_state (held_call), ==, CB_SIP_CALL_STATE_ACTIVE);

  /* The consultation: anna's phone rings first (and answers), then the
   * second colleague, who answers. */
  consulted_ext = a_colleague (&demo, &anna, held_ext);
  consulted_hz = cb_demo_phones_tone_for (consulted_ext);
  g_test_message ("and consults %s (%g Hz)", consulted_ext, consulted_hz);
  /* Attached to the consultation's media when it starts. */
  cb_test_phone_listen_for (&anna, consulted_hz);
  g_free (path);
  path = g_strdup_printf ("/api/v1/calls/%s/consult", call_id);
  body = g_strdup_printf ("{\"to\":\"%s\"}", consulted_ext);
  consult_id = g_strdup (json_object_get_string_member (
    cb_test_request_expect (&demo.client, "POST", path, anna.token, body, 201, &consult), "call_id"));
  CB_TEST_WAIT_FOR (anna.incoming == 1 && cb_test_phone_state_is (&anna, CB_SIP_CALL_STATE_ACTIVE),
                    WAIT_MS, "anna's phone to take the consultation");
  cb_test_phone_wait_hears (&anna, consulted_hz, "anna to hear the consulted colleague");
  consulted_call = cb_demo_phones_get_call (phones, consulted_ext);
  g_assert_nonnull (consulted_call);

  /* Transfer: anna is out, the two colleagues talk. */
  g_free (path);
  g_free (body);
  path = g_strdup_printf ("/api/v1/calls/%s/transfer", call_id);
  body = g_strdup_printf ("{\"to_call\":\"%s\"}", consult_id);
  cb_test_request_expect (&demo.client, "POST", path, anna.token, body, 200, &transferred);
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (first) == CB_SIP_CALL_STATE_ENDED &&
                    cb_test_phone_state_is (&anna, CB_SIP_CALL_STATE_ENDED),
                    WAIT_MS, "anna's two calls to end");

  held_ear.detector = cb_tone_detector_new (consulted_hz);
  consulted_ear.detector = cb_tone_detector_new (held_hz);
  CB_TEST_WAIT_FOR (ear_hears (&held_ear, cb_demo_phones_get_call (phones, held_ext)) &&
                    ear_hears (&consulted_ear, cb_demo_phones_get_call (phones, consulted_ext)),
                    WAIT_MS, "the held colleague and the consulted one to hear each other");
  /* Still the calls they had with anna, now with each other. */
  g_assert_true (cb_demo_phones_get_call (phones, held_ext) == held_call);
  g_assert_true (cb_demo_phones_get_call (phones, consulted_ext) == consulted_call);

  cb_tone_detector_detach (held_ear.detector);
  cb_tone_detector_detach (consulted_ear.detector);
  g_clear_object (&held_ear.detector);
  g_clear_object (&consulted_ear.detector);
  cb_test_phone_clear (&anna);
  demo_stop (&demo);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo/transfer", test_transfer);

  return g_test_run ();
}
