/* test-sip-announcement.c: the announcement before connect, heard by the caller before the callee's phone rings
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Ben uploads a WAV made here (1.5 s of a 1 kHz tone) as his
 * announcement (PUT /me/announcement). Anna calls him: the server
 * answers her at once and she hears the tone; Ben's phone rings only
 * after that, while Anna hears the ringback (425 Hz); when Ben answers,
 * Anna's media goes to him (a re-INVITE) and they hear each other. A
 * second call plays it again (decoded once); a new upload replaces it.
 * An assistant's call to the leader breaks through: no announcement.
 */

#define G_LOG_DOMAIN "cb-sip-announcement"

#include "config.h"

#include <math.h>

#include <gst/gst.h>

#include "cb-test-phone.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS
#define ANNA_HZ         440.0
#define BEN_HZ          660.0
#define CARLA_HZ        770.0
#define ANNOUNCEMENT_HZ 1000.0
#define SECOND_HZ       1300.0   /* the announcement uploaded later */
#define RINGBACK_HZ     425.0

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla\",\"extension\":\"203\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Ben office\",\"kind\":\"assistant\",\"leader\":\"ben\",\"level\":\"team\","
  "  \"members\":[\"carla\"]}]}";

typedef struct {
  CbTestServer *server;
  CbTestPhone   anna, ben, carla;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char * const args[] = { "--sip-port", "0", NULL };

  fixture->server = cb_test_server_start (directory, args);
  cb_test_phone_start_user (fixture->server, &fixture->anna, "anna", ANNA_HZ, ANNOUNCEMENT_HZ);
  cb_test_phone_listen_for (&fixture->anna, BEN_HZ);
  cb_test_phone_listen_for (&fixture->anna, RINGBACK_HZ);
  cb_test_phone_listen_for (&fixture->anna, SECOND_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->ben, "ben", BEN_HZ, ANNA_HZ);
  cb_test_phone_listen_for (&fixture->ben, CARLA_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->carla, "carla", CARLA_HZ, BEN_HZ);
  cb_test_phone_listen_for (&fixture->carla, ANNOUNCEMENT_HZ);
  fixture->ben.manual_answer = TRUE;
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  cb_test_phone_clear_all (&fixture->anna, &fixture->ben, &fixture->carla, NULL);
  cb_test_server_stop (fixture->server);
}

/* A WAV of `ms` of a tone: 16 kHz, 16 bit, mono PCM. */
static GBytes *
make_wav (double freq,
          guint  ms)
{
  guint n = 16 * ms;
  guint32 data_size = 2 * n;
  guint32 riff_size = 36 + data_size;
  GByteArray *wav = g_byte_array_sized_new (44 + data_size);
  guint8 header[44] = { 'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E',
                        'f', 'm', 't', ' ', 16, 0, 0, 0,
                        1, 0, 1, 0,                /* PCM, mono */
                        0x80, 0x3e, 0, 0,          /* 16000 Hz */
                        0x00, 0x7d, 0, 0,          /* 32000 bytes/s */
                        2, 0, 16, 0,
                        'd', 'a', 't', 'a', 0, 0, 0, 0 };

  for (guint i = 0; i < 4; i++)
    {
      header[4 + i] = (riff_size >> (8 * i)) & 0xff;
      header[40 + i] = (data_size >> (8 * i)) & 0xff;
    }
  g_byte_array_append (wav, header, sizeof header);
  for (guint i = 0; i < n; i++)
    {
      gint16 sample = (gint16) (12000 * sin (2 * G_PI * freq * i / 16000.0));
      guint8 bytes[2] = { (guint16) sample & 0xff, ((guint16) sample >> 8) & 0xff };

      g_byte_array_append (wav, bytes, 2);
    }
  return g_byte_array_free_to_bytes (wav);
}

typedef struct {
  GBytes  *body;
  GError  *error;
  gboolean done;
} Sent;

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Sent *sent = user_data;

  sent->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &sent->error);
  sent->done = TRUE;
}

static void
upload (Fixture     *fixture,
        CbTestPhone *phone,
        GBytes      *wav)
{
  g_autofree char *url = g_strconcat (fixture->server->url, "/api/v1/me/announcement", NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", phone->token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("PUT", url);
  Sent sent = { NULL, NULL, FALSE };

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  soup_message_set_request_body_from_bytes (msg, "audio/wav", wav);
  soup_session_send_and_read_async (fixture->server->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &sent);
  CB_TEST_WAIT_FOR (sent.done, WAIT_MS, "the upload");
  g_assert_no_error (sent.error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_bytes_unref (sent.body);
}

static gboolean
ended (CbSipCall *call)
{
  return call != NULL && cb_sip_call_get_state (call) == CB_SIP_CALL_STATE_ENDED;
}

/* Anna calls Ben: she is answered and hears `freq` (the announcement)
 * before Ben's phone rings, then the ringback; Ben answers and they talk. */
static void
call_through_announcement (Fixture *fixture,
                           double   freq)
{
  g_autoptr(CbSipCall) call = NULL;
  gint64 heard_at;

  fixture->ben.incoming = 0;
  call = g_object_ref (cb_test_phone_dial (&fixture->anna, "202"));
  /* The first call decodes the recording (and makes the ringback): slow
   * under valgrind. */
  CB_TEST_WAIT_FOR (cb_test_phone_state_is (&fixture->anna, CB_SIP_CALL_STATE_ACTIVE), 3 * WAIT_MS,
                    "the server to answer anna");
  cb_test_phone_wait_hears (&fixture->anna, freq, "anna to hear the announcement");
  heard_at = g_get_monotonic_time ();
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "ben's phone to ring after it");
  g_test_message ("ben's phone rang %.2f s after anna heard the announcement",
                  (fixture->ben.rang_at - heard_at) / 1e6);
  g_assert_cmpint (fixture->ben.rang_at, >, heard_at);
  cb_test_phone_wait_hears (&fixture->anna, RINGBACK_HZ, "anna to hear the ringback");

  cb_test_phone_answer (&fixture->ben);
  cb_test_phone_wait_hears (&fixture->anna, BEN_HZ, "anna to hear ben");
  cb_test_phone_wait_hears (&fixture->ben, ANNA_HZ, "ben to hear anna");
  CB_TEST_WAIT_FOR (cb_test_phone_silent (&fixture->anna, RINGBACK_HZ, 1000), WAIT_MS,
                    "the ringback to stop");
  cb_sip_call_hangup (call);
  CB_TEST_WAIT_FOR (ended (call) && ended (fixture->ben.call), WAIT_MS, "the call to end");
}

static void
test_announcement (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GBytes) wav = make_wav (ANNOUNCEMENT_HZ, 1500);
  g_autoptr(GBytes) second = make_wav (SECOND_HZ, 1500);
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *entry;

  upload (fixture, &fixture->ben, wav);
  call_through_announcement (fixture, ANNOUNCEMENT_HZ);
  entry = cb_test_phone_last_entry (fixture->server, &fixture->anna, &answer, NULL);
  g_assert_true (json_object_get_boolean_member (entry, "answered"));
  g_assert_cmpint (json_object_get_int_member (entry, "remote_user_id"), ==, fixture->ben.user_id);

  /* Again (decoded once), then with a new one. */
  call_through_announcement (fixture, ANNOUNCEMENT_HZ);
  upload (fixture, &fixture->ben, second);
  call_through_announcement (fixture, SECOND_HZ);
}

/* Carla, logged in as Ben's assistant, breaks through: Ben's phone
 * rings at once and she never hears the announcement. */
static void
test_assistant_breaks_through (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GBytes) wav = make_wav (ANNOUNCEMENT_HZ, 1500);
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(JsonNode) login = NULL;
  g_autofree char *path = NULL;
  g_autoptr(CbSipCall) call = NULL;
  JsonArray *groups;

  upload (fixture, &fixture->ben, wav);
  groups = json_object_get_array_member (
    cb_test_request_expect (fixture->server, "GET", "/api/v1/snapshot", fixture->carla.token, NULL, 200,
                            &snapshot), "groups");
  path = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login",
                          json_object_get_int_member (json_array_get_object_element (groups, 0), "id"));
  cb_test_request_expect (fixture->server, "PUT", path, fixture->carla.token, "{\"logged_in\":true}", 200,
                          &login);

  call = g_object_ref (cb_test_phone_dial (&fixture->carla, "202"));
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "ben's phone to ring");
  g_assert_cmpint (cb_sip_call_get_state (call), !=, CB_SIP_CALL_STATE_ACTIVE);
  cb_test_phone_answer (&fixture->ben);
  cb_test_phone_wait_hears (&fixture->carla, BEN_HZ, "carla to hear ben");
  cb_test_phone_wait_hears (&fixture->ben, CARLA_HZ, "ben to hear carla");
  g_assert_false (cb_test_phone_hears (&fixture->carla, ANNOUNCEMENT_HZ));
  cb_sip_call_hangup (call);
  CB_TEST_WAIT_FOR (ended (call) && ended (fixture->ben.call), WAIT_MS, "the call to end");
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sip/announcement/before-connect", Fixture, NULL, fixture_setup, test_announcement,
              fixture_teardown);
  g_test_add ("/sip/announcement/assistant-breaks-through", Fixture, NULL, fixture_setup,
              test_assistant_breaks_through, fixture_teardown);

  return g_test_run ();
}
