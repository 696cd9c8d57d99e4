/* test-sip-mobile.c: ring the mobile too: a sipp UAS behind the trunk rings with the user's softphone
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Ben's mobile (0170 5550101) rings with his softphone when he turns
 * mobile ringing on (PUT /me/mobile-ringing); sipp plays the mobile
 * behind the trunk and logs what it got: the number in the Request-URI,
 * Anna (the caller) in From and P-Asserted-Identity. When the softphone
 * answers, the mobile's INVITE is cancelled; when the mobile answers
 * (after its delay and a ring), the softphone's stops ringing and Anna
 * hears the mobile.
 */

#define G_LOG_DOMAIN "cb-sip-mobile"

#include "config.h"

#include <string.h>

#include <gst/gst.h>
#include <sofia-sip/msg_parser.h>
#include <sofia-sip/sip_header.h>

#include "cb-test-phone.h"
#include "cb-test-sipp.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS
#define SIPP_MS 40000
#define ANNA_HZ   440.0
#define BEN_HZ    660.0
#define MOBILE_HZ 1000.0   /* sipp plays it */

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\","
  "  \"mobile\":\"0170 5550101\"}]}";

typedef struct {
  CbTestServer *server;
  char         *tmpdir;
  guint         trunk_port;
  CbTestSipp   *mobile;     /* the trunk's upstream */
  CbTestPhone   anna, ben;
} Fixture;

/* The mobile's scenario, and its pause before answering. */
typedef struct {
  const char *scenario;
  const char *pause_ms;
} Mobile;

/* One second of MOBILE_HZ in A-law with a WAV header, for sipp to play. */
static void
write_tone (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "sipp-tone.wav", NULL);
  g_autofree char *description =
    g_strdup_printf ("audiotestsrc wave=sine freq=%g num-buffers=50 samplesperbuffer=160 ! "
                     "audio/x-raw,format=S16LE,rate=8000,channels=1 ! alawenc ! wavenc ! "
                     "filesink location=\"%s\"", MOBILE_HZ, path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;

  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
}

static void start_mobile (Fixture *fixture, const Mobile *mobile);

/* sipp binds the trunk's port first: nothing the test starts after can
 * take it. */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *trunk = NULL;

  fixture->tmpdir = g_dir_make_tmp ("cb-mobile-XXXXXX", &error);
  g_assert_no_error (error);
  if (!cb_test_have_sipp ())
    return;
  write_tone (fixture->tmpdir);
  start_mobile (fixture, data);
  trunk = g_strdup_printf ("sip:127.0.0.1:%u", fixture->trunk_port);
  {
    const char * const args[] = { "--sip-port", "0", "--trunk", trunk, NULL };

    fixture->server = cb_test_server_start (directory, args);
  }
  cb_test_phone_start_user (fixture->server, &fixture->anna, "anna", ANNA_HZ, BEN_HZ);
  cb_test_phone_listen_for (&fixture->anna, MOBILE_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->ben, "ben", BEN_HZ, ANNA_HZ);
  fixture->ben.manual_answer = TRUE;
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  cb_test_phone_clear_all (&fixture->anna, &fixture->ben, NULL);
  g_clear_pointer (&fixture->mobile, cb_test_sipp_free);
  if (fixture->server != NULL)
    cb_test_server_stop (fixture->server);
  cb_test_remove_dir (fixture->tmpdir);
  g_free (fixture->tmpdir);
}

static gboolean
ended (CbSipCall *call)
{
  return call != NULL && cb_sip_call_get_state (call) == CB_SIP_CALL_STATE_ENDED;
}

static void
start_mobile (Fixture      *fixture,
              const Mobile *mobile)
{
  g_autofree char *scenario = g_test_build_filename (G_TEST_DIST, "server", mobile->scenario, NULL);
  g_autofree char *port = NULL;
  g_autofree char *media_port = g_strdup_printf ("%u", cb_test_free_udp_port ());

  fixture->trunk_port = cb_test_free_udp_port ();
  port = g_strdup_printf ("%u", fixture->trunk_port);
  fixture->mobile = cb_test_sipp_start (fixture->tmpdir, "mobile", scenario, "-p", port, "-mp", media_port,
                                        "-d", mobile->pause_ms, NULL);
  cb_test_sipp_wait_port (fixture->mobile, fixture->trunk_port, WAIT_MS);
}

static void
mobile_ringing (Fixture    *fixture,
                const char *body)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *me;

  me = cb_test_request_expect (fixture->server, "PUT", "/api/v1/me/mobile-ringing", fixture->ben.token, body,
                               200, &answer);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (me, "mobile_ringing"),
                                                 "enabled"));
}

/* What sipp logged under key ("key VALUE"). */
static char *
logged (CbTestSipp *sipp,
        const char *key)
{
  g_autofree char *text = NULL;
  g_autofree char *prefix = g_strconcat (key, " ", NULL);
  const char *found;
  const char *end;

  g_assert_true (g_file_get_contents (sipp->log, &text, NULL, NULL));
  found = strstr (text, prefix);
  g_assert_nonnull (found);
  found += strlen (prefix);
  end = strchr (found, '\n');
  return g_strstrip (g_strndup (found, end != NULL ? (gsize) (end - found) : strlen (found)));
}

/* The mobile was called at its number, with Anna as the caller. */
static void
assert_mobile_saw_anna (CbTestSipp *sipp)
{
  g_autofree char *request_uri = logged (sipp, "request-uri");
  const char * const keys[] = { "from", "identity" };

  g_test_message ("mobile: %s", request_uri);
  g_assert_true (g_str_has_prefix (request_uri, "INVITE sip:01705550101@"));
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      su_home_t home[1] = { SU_HOME_INIT (home) };
      g_autofree char *value = logged (sipp, keys[i]);
      sip_from_t *address = sip_from_make (home, value);

      g_test_message ("mobile %s: %s", keys[i], value);
      g_assert_nonnull (address);
      g_assert_cmpstr (address->a_url->url_user, ==, "201");
      g_assert_nonnull (address->a_display);
      g_assert_cmpstr (msg_unquote_dup (home, address->a_display), ==, "Anna");
      su_home_deinit (home);
    }
}

/* ---- the tests ---- */

/* Ben's softphone answers: the mobile's INVITE is cancelled. */
static void
test_softphone_answers (Fixture       *fixture,
                        gconstpointer  data)
{
  CbTestSipp *sipp = fixture->mobile;
  g_autoptr(CbSipCall) call = NULL;

  if (sipp == NULL)
    return;

  mobile_ringing (fixture, "{\"enabled\":true,\"delay\":0}");
  call = g_object_ref (cb_test_phone_dial (&fixture->anna, "202"));
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "ben's softphone to ring");
  /* Both ring: the caller hears ringing from whichever said so first. */
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (call) == CB_SIP_CALL_STATE_RINGING, WAIT_MS,
                    "anna's call to ring");
  cb_test_phone_answer (&fixture->ben);
  cb_test_phone_wait_hears (&fixture->anna, BEN_HZ, "anna to hear ben");
  cb_test_phone_wait_hears (&fixture->ben, ANNA_HZ, "ben to hear anna");
  /* sipp ends its scenario only with the CANCEL. */
  cb_test_sipp_finish (sipp, SIPP_MS);
  assert_mobile_saw_anna (sipp);

  cb_sip_call_hangup (call);
  CB_TEST_WAIT_FOR (ended (call) && ended (fixture->ben.call), WAIT_MS, "the call to end");
}

/* The mobile answers (after its delay of a second and a ring of 1.5 s):
 * the softphone stops ringing, Anna hears the mobile. */
static void
test_mobile_answers (Fixture       *fixture,
                     gconstpointer  data)
{
  CbTestSipp *sipp = fixture->mobile;
  g_autoptr(CbSipCall) call = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *listed;
  gint64 answered_at;

  if (sipp == NULL)
    return;

  mobile_ringing (fixture, "{\"enabled\":true,\"delay\":1}");
  call = g_object_ref (cb_test_phone_dial (&fixture->anna, "202"));
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "ben's softphone to ring");
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (call) == CB_SIP_CALL_STATE_ACTIVE, WAIT_MS,
                    "the mobile to answer");
  answered_at = g_get_monotonic_time ();
  g_test_message ("the mobile answered %.2f s after the softphone rang",
                  (answered_at - fixture->ben.rang_at) / 1e6);
  g_assert_cmpint (answered_at - fixture->ben.rang_at, >=, 2400 * G_TIME_SPAN_MILLISECOND);
  CB_TEST_WAIT_FOR (ended (fixture->ben.call), WAIT_MS, "ben's softphone to stop ringing");
  cb_test_phone_wait_hears (&fixture->anna, MOBILE_HZ, "anna to hear the mobile");

  /* Ben's call is answered, at no phone of his. */
  listed = json_array_get_object_element (json_object_get_array_member (
    cb_test_request_expect (fixture->server, "GET", "/api/v1/calls", fixture->ben.token, NULL, 200, &answer),
    "calls"), 0);
  g_assert_cmpstr (json_object_get_string_member (listed, "state"), ==, "connected");
  g_assert_cmpint (json_object_get_int_member (listed, "remote_user_id"), ==, fixture->anna.user_id);
  g_assert_true (json_object_get_null_member (listed, "device"));

  cb_sip_call_hangup (call);
  cb_test_sipp_finish (sipp, SIPP_MS);
  assert_mobile_saw_anna (sipp);
}

int
main (int   argc,
      char *argv[])
{
  /* The mobile rings until cancelled; or answers after a ring of 1.5 s. */
  static const Mobile cancelled = { "sip-trunk-mobile-cancelled.xml", "0" };
  static const Mobile answers = { "sip-trunk-mobile-answer.xml", "1500" };

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sip/mobile/softphone-answers", Fixture, &cancelled, fixture_setup, test_softphone_answers,
              fixture_teardown);
  g_test_add ("/sip/mobile/mobile-answers", Fixture, &answers, fixture_setup, test_mobile_answers,
              fixture_teardown);

  return g_test_run ();
}
