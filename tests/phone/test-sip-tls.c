/* test-sip-tls.c: the phone library on SIP over TLS: its settings, the server's certificate checked, SRTP calls
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against a real callboardd with the test certificate (HTTPS and SIP over
 * TLS): an agent that pins that certificate registers; one that pins
 * another, or trusts the system's authorities, is refused before any
 * REGISTER goes out and says why. Two agents on TLS call each other
 * through the server with SRTP, tones crossing; an agent that requires
 * encryption refuses a plain offer with 488.
 */

#define G_LOG_DOMAIN "cb-phone"

#include "config.h"

#include <string.h>

#include <gst/gst.h>

#include "cb-phone-enums.h"
#include "cb-test-phone.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS
#define ANNA_HZ 440.0
#define BEN_HZ  880.0

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"}]}";

static CbTestServer *server;
static char *test_pem;
static char *other_pem;

static char *
read_pem (const char *name)
{
  g_autofree char *path = g_build_filename (SOURCE_ROOT, "tests", "data", "tls", name, NULL);
  g_autoptr(GError) error = NULL;
  char *pem = NULL;

  g_file_get_contents (path, &pem, NULL, &error);
  g_assert_no_error (error);
  return pem;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_properties (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbSipAgent) udp = cb_sip_agent_new ("127.0.0.1", 0, "anna", &error);
  g_autoptr(CbSipAgent) tls = NULL;
  g_autofree char *pinned = NULL;
  CbSipTransport transport;
  gboolean require = TRUE;
  guint notified = 0;

  g_assert_no_error (error);
  g_object_get (udp, "transport", &transport, "require-encryption", &require, NULL);
  g_assert_cmpint (transport, ==, CB_SIP_TRANSPORT_UDP);
  g_assert_false (require);
  g_assert_null (cb_sip_agent_get_registration_error (udp));

  g_signal_connect (udp, "notify::require-encryption", G_CALLBACK (count_notify), &notified);
  cb_sip_agent_set_require_encryption (udp, TRUE);
  cb_sip_agent_set_require_encryption (udp, TRUE);
  g_assert_true (cb_sip_agent_get_require_encryption (udp));
  g_assert_cmpuint (notified, ==, 1);
  g_object_set (udp, "require-encryption", FALSE, NULL);
  g_assert_false (cb_sip_agent_get_require_encryption (udp));
  g_assert_cmpuint (notified, ==, 2);

  tls = cb_sip_agent_new_tls ("127.0.0.1", "anna", test_pem, &error);
  g_assert_no_error (error);
  g_object_get (tls, "transport", &transport, "pinned-certificate", &pinned, NULL);
  g_assert_cmpint (transport, ==, CB_SIP_TRANSPORT_TLS);
  g_assert_cmpint (cb_sip_agent_get_transport (tls), ==, CB_SIP_TRANSPORT_TLS);
  g_assert_cmpstr (pinned, ==, test_pem);
  g_assert_true (g_str_has_prefix (cb_sip_agent_get_contact (tls), "sips:anna@127.0.0.1"));
  cb_sip_agent_shutdown (tls);
  cb_sip_agent_shutdown (udp);
}

static gboolean
has_error (gpointer data)
{
  return cb_sip_agent_get_registration_error (((CbTestPhone *) data)->agent) != NULL;
}

static void
test_pinned (void)
{
  CbTestPhone anna = { 0 };

  cb_test_phone_fetch_line (server, &anna, "anna");
  g_assert_nonnull (anna.registrar_tls);
  g_assert_true (g_str_has_prefix (anna.registrar_tls, "sips:127.0.0.1:"));
  cb_test_phone_init_tls (&anna, anna.line, ANNA_HZ, BEN_HZ, test_pem);
  cb_test_phone_register (&anna, anna.registrar_tls, NULL);
  g_assert_null (cb_sip_agent_get_registration_error (anna.agent));
  cb_test_phone_clear (&anna);
}

/* Refused before a REGISTER (and the line's secret) goes to a server
 * that is not the one trusted; the reason in words. */
static void
refused (const char *pinned_pem,
         const char *expected)
{
  CbTestPhone anna = { 0 };
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *me = NULL;
  JsonArray *users;
  guint status = 0;

  cb_test_phone_fetch_line (server, &anna, "anna");
  cb_test_phone_init_tls (&anna, anna.line, ANNA_HZ, BEN_HZ, pinned_pem);
  cb_sip_agent_register (anna.agent, anna.registrar_tls, anna.password);
  cb_test_wait_until (has_error, &anna, WAIT_MS, "the agent to refuse the server");
  g_test_message ("registration error: %s", cb_sip_agent_get_registration_error (anna.agent));
  g_assert_nonnull (strstr (cb_sip_agent_get_registration_error (anna.agent), expected));
  g_assert_false (cb_sip_agent_get_registered (anna.agent));

  /* The server never had a binding: her line is offline. */
  answer = cb_test_request (server, "GET", "/api/v1/directory", anna.token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  users = json_object_get_array_member (json_node_get_object (answer), "users");
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);

      if (json_object_get_int_member (user, "id") == anna.user_id)
        me = user;
    }
  g_assert_nonnull (me);
  g_assert_cmpstr (json_object_get_string_member (me, "line_state"), ==, "offline");
  cb_test_phone_clear (&anna);
}

static void
test_wrong_pin (void)
{
  refused (other_pem, "not the pinned certificate");
}

static void
test_system_trust (void)
{
  /* The test certificate is self-signed: no authority of the system's. */
  refused (NULL, "not trusted");
}

static gboolean
both_hear (gpointer data)
{
  CbTestPhone *phones = data;

  return cb_test_phone_hears (&phones[0], BEN_HZ) && cb_test_phone_hears (&phones[1], ANNA_HZ);
}

static void
test_srtp_call (void)
{
  CbTestPhone phones[2] = { { 0 } };
  CbTestPhone *anna = &phones[0], *ben = &phones[1];

  cb_test_phone_fetch_line (server, anna, "anna");
  cb_test_phone_fetch_line (server, ben, "ben");
  cb_test_phone_init_tls (anna, anna->line, ANNA_HZ, BEN_HZ, test_pem);
  cb_test_phone_init_tls (ben, ben->line, BEN_HZ, ANNA_HZ, test_pem);
  cb_test_phone_register (anna, anna->registrar_tls, NULL);
  cb_test_phone_register (ben, ben->registrar_tls, NULL);

  cb_test_phone_dial (anna, "202");
  cb_test_phone_wait_state (anna, CB_SIP_CALL_STATE_ACTIVE, "ben to answer over TLS");
  cb_test_phone_wait_state (ben, CB_SIP_CALL_STATE_ACTIVE, "ben's call to be up");
  cb_test_wait_until (both_hear, phones, WAIT_MS, "the tones to cross over SRTP");
  g_assert_true (cb_sip_call_get_encrypted (anna->call));
  g_assert_true (cb_sip_call_get_encrypted (ben->call));
  g_assert_true (cb_media_pipeline_get_encrypted (cb_sip_call_get_media (anna->call)));

  /* Hold and resume re-INVITE with the same keys: still SRTP. */
  cb_sip_call_set_hold (anna->call, TRUE, NULL);
  CB_TEST_WAIT_FOR (cb_media_pipeline_get_direction (cb_sip_call_get_media (ben->call)) ==
                    CB_MEDIA_DIRECTION_RECVONLY, WAIT_MS, "ben to be held");
  cb_sip_call_set_hold (anna->call, FALSE, NULL);
  CB_TEST_WAIT_FOR (cb_media_pipeline_get_direction (cb_sip_call_get_media (ben->call)) ==
                    CB_MEDIA_DIRECTION_SENDRECV, WAIT_MS, "ben to be resumed");
  cb_tone_detector_reset (anna->detector);
  cb_tone_detector_reset (ben->detector);
  cb_test_wait_until (both_hear, phones, WAIT_MS, "the tones to cross again");
  g_assert_true (cb_sip_call_get_encrypted (anna->call));

  cb_sip_call_hangup (anna->call);
  cb_test_phone_wait_state (ben, CB_SIP_CALL_STATE_ENDED, "the call to end");
  cb_test_phone_clear_all (anna, ben, NULL);
}

/* An agent that requires encryption refuses a plain offer with 488. */
static void
test_require_encryption (void)
{
  CbTestPhone anna = { 0 }, ben = { 0 };

  cb_test_phone_start_user (server, &anna, "anna", ANNA_HZ, BEN_HZ);
  cb_test_phone_start_user (server, &ben, "ben", BEN_HZ, ANNA_HZ);
  cb_sip_agent_set_require_encryption (ben.agent, TRUE);
  cb_test_phone_dial (&anna, "202");
  cb_test_phone_wait_state (&anna, CB_SIP_CALL_STATE_ENDED, "ben's phone to refuse");
  g_assert_cmpuint (cb_sip_call_get_end_status (anna.call), ==, 488);
  g_assert_cmpuint (ben.incoming, ==, 0);
  cb_test_phone_clear_all (&anna, &ben, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cert = g_build_filename (SOURCE_ROOT, "tests", "data", "tls", "test-cert.pem", NULL);
  g_autofree char *key = g_build_filename (SOURCE_ROOT, "tests", "data", "tls", "test-key.pem", NULL);
  const char *args[] = { "--tls-certificate", cert, "--tls-key", key, NULL };
  int result;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  test_pem = read_pem ("test-cert.pem");
  other_pem = read_pem ("other-cert.pem");
  server = cb_test_server_start (directory, args);

  g_test_add_func ("/phone/sip-tls/properties", test_properties);
  g_test_add_func ("/phone/sip-tls/pinned", test_pinned);
  g_test_add_func ("/phone/sip-tls/wrong-pin", test_wrong_pin);
  g_test_add_func ("/phone/sip-tls/system-trust", test_system_trust);
  g_test_add_func ("/phone/sip-tls/srtp-call", test_srtp_call);
  g_test_add_func ("/phone/sip-tls/require-encryption", test_require_encryption);
  result = g_test_run ();

  cb_test_server_stop (server);
  g_free (test_pem);
  g_free (other_pem);
  return result;
}
