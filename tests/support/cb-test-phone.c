/* cb-test-phone.c: a phone-library agent for tests, on a callboardd line, with tone detectors
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-test-phone"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <gst/gst.h>

#include "cb-test-phone.h"

#define SRC_FMT "audiotestsrc is-live=true wave=sine freq=%g volume=0.5 samplesperbuffer=480"
/* The detectors watch the "tap" sink's pad: mono S16 as they read it. */
#define SINK "audioconvert ! audio/x-raw,format=S16LE,channels=1 ! fakesink name=tap sync=true"

void
cb_test_phone_fetch_line (CbTestServer *server,
                          CbTestPhone  *phone,
                          const char   *username)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *line;
  guint status = 0;

  if (phone->token == NULL)
    phone->token = cb_test_sign_in (server, username, "pw", &phone->user_id);
  answer = cb_test_request (server, "GET", "/api/v1/me/line", phone->token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  line = json_node_get_object (answer);
  g_clear_pointer (&phone->line, g_free);
  g_clear_pointer (&phone->password, g_free);
  g_clear_pointer (&phone->registrar, g_free);
  g_clear_pointer (&phone->registrar_tls, g_free);
  phone->line = g_strdup (json_object_get_string_member (line, "username"));
  phone->password = g_strdup (json_object_get_string_member (line, "password"));
  phone->registrar = g_strdup (json_object_get_string_member (line, "registrar"));
  phone->registrar_tls = g_strdup (json_object_get_string_member_with_default (line, "registrar_tls", NULL));
}

void
cb_test_phone_listen_to (CbTestPhone *phone,
                         CbSipCall   *call)
{
  CbMediaPipeline *media = cb_sip_call_get_media (call);
  g_autoptr(GstElement) tap = NULL;
  g_autoptr(GstPad) pad = NULL;

  if (cb_media_pipeline_get_audio_sink (media) == NULL)
    return;
  tap = gst_bin_get_by_name (GST_BIN (cb_media_pipeline_get_audio_sink (media)), "tap");
  g_assert_nonnull (tap);
  pad = gst_element_get_static_pad (tap, "sink");
  for (guint i = 0; i < phone->detectors->len; i++)
    {
      cb_tone_detector_reset (g_ptr_array_index (phone->detectors, i));
      cb_tone_detector_attach (g_ptr_array_index (phone->detectors, i), pad);
    }
}

static void
on_call_state (CbSipCall   *call,
               GParamSpec  *pspec,
               CbTestPhone *phone)
{
  if (cb_sip_call_get_state (call) == CB_SIP_CALL_STATE_ACTIVE && call == phone->call)
    cb_test_phone_listen_to (phone, call);
}

void
cb_test_phone_adopt (CbTestPhone *phone,
                     CbSipCall   *call)
{
  if (phone->call != NULL)
    g_signal_handlers_disconnect_by_data (phone->call, phone);
  g_clear_object (&phone->call);
  phone->call = g_object_ref (call);
  g_signal_connect (call, "notify::state", G_CALLBACK (on_call_state), phone);
}

static void
on_incoming_call (CbSipAgent  *agent,
                  CbSipCall   *call,
                  CbTestPhone *phone)
{
  g_autoptr(GError) error = NULL;

  phone->incoming++;
  phone->rang_at = g_get_monotonic_time ();
  cb_test_phone_adopt (phone, call);
  if (phone->manual_answer)
    return;
  cb_sip_call_answer (call, &error);
  g_assert_no_error (error);
}

void
cb_test_phone_listen_for (CbTestPhone *phone,
                          double       freq)
{
  g_ptr_array_add (phone->detectors, cb_tone_detector_new (freq));
  phone->detector = g_ptr_array_index (phone->detectors, 0);
}

static void
set_up_agent (CbTestPhone *phone,
              double       freq,
              double       listen_for)
{
  g_autofree char *src = g_strdup_printf (SRC_FMT, freq);

  g_object_set (phone->agent, "audio-src", src, "audio-sink", SINK, NULL);
  g_signal_connect (phone->agent, "incoming-call", G_CALLBACK (on_incoming_call), phone);
  phone->detectors = g_ptr_array_new_with_free_func (g_object_unref);
  cb_test_phone_listen_for (phone, listen_for);
}

void
cb_test_phone_init (CbTestPhone *phone,
                    const char  *line,
                    double       freq,
                    double       listen_for)
{
  g_autoptr(GError) error = NULL;

  phone->agent = cb_sip_agent_new ("127.0.0.1", 0, line, &error);
  g_assert_no_error (error);
  set_up_agent (phone, freq, listen_for);
}

void
cb_test_phone_init_tls (CbTestPhone *phone,
                        const char  *line,
                        double       freq,
                        double       listen_for,
                        const char  *pinned_pem)
{
  g_autoptr(GError) error = NULL;

  phone->agent = cb_sip_agent_new_tls ("127.0.0.1", line, pinned_pem, &error);
  g_assert_no_error (error);
  set_up_agent (phone, freq, listen_for);
}

static gboolean
is_registered (gpointer data)
{
  return cb_sip_agent_get_registered (((CbTestPhone *) data)->agent);
}

void
cb_test_phone_register (CbTestPhone *phone,
                        const char  *registrar,
                        const char  *password)
{
  if (registrar != phone->registrar)
    {
      g_free (phone->registrar);
      phone->registrar = g_strdup (registrar);
    }
  cb_sip_agent_register (phone->agent, registrar, password != NULL ? password : phone->password);
  cb_test_wait_until (is_registered, phone, CB_TEST_PHONE_WAIT_MS, "a phone to register");
}

void
cb_test_phone_barrier (CbTestPhone *phone)
{
  g_assert_true (cb_sip_agent_get_registered (phone->agent));
  /* A new registration handle: "registered" drops until the 200. */
  cb_test_phone_register (phone, phone->registrar, NULL);
}

void
cb_test_phone_start_user (CbTestServer *server,
                          CbTestPhone  *phone,
                          const char   *username,
                          double        freq,
                          double        listen_for)
{
  cb_test_phone_fetch_line (server, phone, username);
  cb_test_phone_init (phone, phone->line, freq, listen_for);
  cb_test_phone_register (phone, phone->registrar, NULL);
}

CbSipCall *
cb_test_phone_dial (CbTestPhone *phone,
                    const char  *number)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strdup_printf ("sip:%s@%s", number, strchr (phone->registrar, ':') + 1);
  g_autoptr(CbSipCall) call = cb_sip_agent_dial (phone->agent, uri, &error);

  g_assert_no_error (error);
  cb_test_phone_adopt (phone, call);
  return call;
}

void
cb_test_phone_clear (CbTestPhone *phone)
{
  for (guint i = 0; phone->detectors != NULL && i < phone->detectors->len; i++)
    cb_tone_detector_detach (g_ptr_array_index (phone->detectors, i));
  g_clear_pointer (&phone->detectors, g_ptr_array_unref);
  phone->detector = NULL;
  if (phone->call != NULL)
    g_signal_handlers_disconnect_by_data (phone->call, phone);
  g_clear_object (&phone->call);
  if (phone->agent != NULL)
    cb_sip_agent_shutdown (phone->agent);
  g_clear_object (&phone->agent);
  g_clear_pointer (&phone->token, g_free);
  g_clear_pointer (&phone->line, g_free);
  g_clear_pointer (&phone->password, g_free);
  g_clear_pointer (&phone->registrar, g_free);
  g_clear_pointer (&phone->registrar_tls, g_free);
}

void
cb_test_phone_clear_all (CbTestPhone *phone,
                         ...)
{
  va_list args;

  va_start (args, phone);
  for (; phone != NULL; phone = va_arg (args, CbTestPhone *))
    cb_test_phone_clear (phone);
  va_end (args);
}

gboolean
cb_test_phone_state_is (CbTestPhone    *phone,
                        CbSipCallState  state)
{
  return phone->call != NULL && cb_sip_call_get_state (phone->call) == state;
}

gboolean
cb_test_phone_rang (CbTestPhone *phone)
{
  return phone->incoming > 0 && cb_test_phone_state_is (phone, CB_SIP_CALL_STATE_INCOMING);
}

void
cb_test_phone_answer (CbTestPhone *phone)
{
  g_autoptr(GError) error = NULL;

  cb_sip_call_answer (phone->call, &error);
  g_assert_no_error (error);
}

JsonObject *
cb_test_phone_last_entry (CbTestServer  *server,
                          CbTestPhone   *phone,
                          JsonNode     **answer,
                          gint64        *missed)
{
  JsonArray *entries;
  guint status = 0;

  *answer = cb_test_request (server, "GET", "/api/v1/journal?limit=5", phone->token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  entries = json_object_get_array_member (json_node_get_object (*answer), "entries");
  g_assert_cmpuint (json_array_get_length (entries), >=, 1);
  if (missed != NULL)
    *missed = json_object_get_int_member (json_node_get_object (*answer), "missed");
  return json_array_get_object_element (entries, 0);
}

static CbToneDetector *
detector_for (CbTestPhone *phone,
              double       freq)
{
  for (guint i = 0; i < phone->detectors->len; i++)
    {
      CbToneDetector *detector = g_ptr_array_index (phone->detectors, i);

      if (cb_tone_detector_get_frequency (detector) == freq)
        return detector;
    }
  g_error ("The phone does not listen for %g Hz", freq);
}

gboolean
cb_test_phone_hears (CbTestPhone *phone,
                     double       freq)
{
  return cb_tone_detector_hears (detector_for (phone, freq), 3);
}

gboolean
cb_test_phone_silent (CbTestPhone *phone,
                      double       freq,
                      guint        ms)
{
  return cb_tone_detector_silent_for (detector_for (phone, freq), ms);
}

void
cb_test_phone_wait_hears (CbTestPhone *phone,
                          double       freq,
                          const char  *what)
{
  CB_TEST_WAIT_FOR (cb_test_phone_hears (phone, freq), CB_TEST_PHONE_WAIT_MS, what);
}

void
cb_test_phone_wait_state (CbTestPhone    *phone,
                          CbSipCallState  state,
                          const char     *what)
{
  CB_TEST_WAIT_FOR (cb_test_phone_state_is (phone, state), CB_TEST_PHONE_WAIT_MS, what);
}
