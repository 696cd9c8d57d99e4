/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sip.c: two SIP user agents on 127.0.0.1 call each other directly (no
 * registrar): tones both ways with Opus and PCMA, hold, DTMF, CANCEL, BYE;
 * against sipp: REGISTER, and an answer that crosses our CANCEL. */
#define G_LOG_DOMAIN "cb-phone"

#include "config.h"

#include "cb-sip-agent.h"
#include "cb-test-server.h"
#include "cb-test-sipp.h"
#include "cb-tone-detector.h"

#define WAIT_MS 5000
#define SRC_FMT "audiotestsrc is-live=true wave=sine freq=%g volume=0.5 samplesperbuffer=480"
#define SINK "audioconvert ! audio/x-raw,format=S16LE,channels=1 ! fakesink name=tap sync=true"

typedef struct {
  CbSipAgent      *agent;
  CbSipCall       *call;
  CbToneDetector  *detector;
  GString         *dtmf;
  gboolean         auto_answer;
  gboolean         was_active;
} Phone;

typedef struct {
  Phone alice;
  Phone bob;
} Fixture;

typedef gboolean (*Condition) (Fixture *fixture);

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
wait_for (Fixture   *fixture,
          Condition  condition,
          guint      timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint ticker = g_timeout_add (20, wake_up, NULL);
  gboolean ok;

  while (!(ok = condition (fixture)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (ticker);
  return ok;
}

static void
on_dtmf_received (CbMediaPipeline *media,
                  const char      *digit,
                  Phone           *phone)
{
  g_string_append (phone->dtmf, digit);
}

/* Detection starts once the call is active: the sink exists from then. */
static void
on_call_state (CbSipCall  *call,
               GParamSpec *pspec,
               Phone      *phone)
{
  CbMediaPipeline *media = cb_sip_call_get_media (call);
  g_autoptr(GstElement) tap = NULL;
  g_autoptr(GstPad) pad = NULL;

  if (cb_sip_call_get_state (call) == CB_SIP_CALL_STATE_ACTIVE)
    phone->was_active = TRUE;
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
  g_clear_object (&phone->call);
  phone->call = g_object_ref (call);
  g_signal_connect (call, "notify::state", G_CALLBACK (on_call_state), phone);
  g_signal_connect (cb_sip_call_get_media (call), "dtmf-received",
                    G_CALLBACK (on_dtmf_received), phone);
}

static void
on_incoming_call (CbSipAgent *agent,
                  CbSipCall  *call,
                  Phone      *phone)
{
  adopt_call (phone, call);
  if (phone->auto_answer)
    {
      g_autoptr(GError) error = NULL;

      cb_sip_call_answer (call, &error);
      g_assert_no_error (error);
    }
}

static void
phone_init (Phone      *phone,
            const char *user,
            double      freq,
            double      listen_for)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *src = g_strdup_printf (SRC_FMT, freq);

  phone->agent = cb_sip_agent_new ("127.0.0.1", 0, user, &error);
  g_assert_no_error (error);
  g_object_set (phone->agent, "audio-src", src, "audio-sink", SINK, NULL);
  g_signal_connect (phone->agent, "incoming-call", G_CALLBACK (on_incoming_call), phone);
  phone->detector = cb_tone_detector_new (listen_for);
  phone->dtmf = g_string_new (NULL);
  phone->auto_answer = TRUE;
}

static void
phone_clear (Phone *phone)
{
  cb_tone_detector_detach (phone->detector);
  g_assert_finalize_object (phone->detector);
  if (phone->call != NULL)
    g_signal_handlers_disconnect_by_data (phone->call, phone);
  g_clear_object (&phone->call);
  cb_sip_agent_shutdown (phone->agent);
  g_assert_finalize_object (phone->agent);
  g_string_free (phone->dtmf, TRUE);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  phone_init (&fixture->alice, "alice", 440, 880);
  phone_init (&fixture->bob, "bob", 880, 440);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  phone_clear (&fixture->alice);
  phone_clear (&fixture->bob);
}

static void
dial_bob (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strdup_printf ("sip:bob@127.0.0.1:%u",
                                          cb_sip_agent_get_port (fixture->bob.agent));
  g_autoptr(CbSipCall) call = cb_sip_agent_dial (fixture->alice.agent, uri, &error);

  g_assert_no_error (error);
  g_assert_nonnull (call);
  g_assert_false (cb_sip_call_is_incoming (call));
  adopt_call (&fixture->alice, call);
}

static gboolean
state_is (Phone          *phone,
          CbSipCallState  state)
{
  return phone->call != NULL && cb_sip_call_get_state (phone->call) == state;
}

static gboolean both_active (Fixture *f)
{
  return state_is (&f->alice, CB_SIP_CALL_STATE_ACTIVE) && state_is (&f->bob, CB_SIP_CALL_STATE_ACTIVE);
}
static gboolean both_ended (Fixture *f)
{
  return state_is (&f->alice, CB_SIP_CALL_STATE_ENDED) && state_is (&f->bob, CB_SIP_CALL_STATE_ENDED);
}
static gboolean bob_ringing (Fixture *f)
{
  return state_is (&f->bob, CB_SIP_CALL_STATE_INCOMING) &&
         state_is (&f->alice, CB_SIP_CALL_STATE_RINGING);
}
static gboolean both_hear (Fixture *f)
{
  return cb_tone_detector_hears (f->alice.detector, 3) &&
         cb_tone_detector_hears (f->bob.detector, 3);
}
static gboolean held (Fixture *f)
{
  return cb_media_pipeline_get_direction (cb_sip_call_get_media (f->alice.call)) == CB_MEDIA_DIRECTION_SENDONLY &&
         cb_media_pipeline_get_direction (cb_sip_call_get_media (f->bob.call)) == CB_MEDIA_DIRECTION_RECVONLY;
}
static gboolean alice_silent_bob_hears (Fixture *f)
{
  return cb_tone_detector_silent_for (f->alice.detector, 500) &&
         cb_tone_detector_hears (f->bob.detector, 3);
}
static gboolean resumed (Fixture *f)
{
  return cb_media_pipeline_get_direction (cb_sip_call_get_media (f->alice.call)) == CB_MEDIA_DIRECTION_SENDRECV &&
         cb_media_pipeline_get_direction (cb_sip_call_get_media (f->bob.call)) == CB_MEDIA_DIRECTION_SENDRECV;
}
static gboolean bob_got_digits (Fixture *f)
{
  return f->bob.dtmf->len >= 2;
}

static void
assert_tones (Fixture *fixture)
{
  gboolean ok = wait_for (fixture, both_hear, WAIT_MS);

  g_test_message ("alice hears 880 Hz ratio %.0f, bob hears 440 Hz ratio %.0f",
                  cb_tone_detector_get_ratio (fixture->alice.detector),
                  cb_tone_detector_get_ratio (fixture->bob.detector));
  g_assert_true (ok);
}

static void
test_call (Fixture       *fixture,
           gconstpointer  data)
{
  const char *codec = data;
  const char * const codecs[] = { codec, NULL };

  cb_sip_agent_set_codecs (fixture->alice.agent, codecs);
  dial_bob (fixture);
  g_assert_true (wait_for (fixture, both_active, WAIT_MS));
  g_assert_cmpstr (cb_media_pipeline_get_codec (cb_sip_call_get_media (fixture->alice.call)), ==, codec);
  g_assert_cmpstr (cb_media_pipeline_get_codec (cb_sip_call_get_media (fixture->bob.call)), ==, codec);
  g_assert_true (cb_sip_call_is_incoming (fixture->bob.call));
  g_assert_true (g_str_has_prefix (cb_sip_call_get_remote_uri (fixture->bob.call), "sip:alice@"));

  assert_tones (fixture);

  /* DTMF over the call: RFC 4733 at the negotiated telephone-event PT. */
  g_assert_true (cb_sip_call_send_dtmf (fixture->alice.call, "1#", NULL));
  g_assert_true (wait_for (fixture, bob_got_digits, WAIT_MS));
  g_assert_cmpstr (fixture->bob.dtmf->str, ==, "1#");

  /* Hold by re-INVITE: alice offers sendonly, bob answers recvonly. */
  g_assert_true (cb_sip_call_set_hold (fixture->alice.call, TRUE, NULL));
  g_assert_true (wait_for (fixture, held, WAIT_MS));
  g_assert_true (wait_for (fixture, alice_silent_bob_hears, WAIT_MS));
  g_assert_true (cb_sip_call_set_hold (fixture->alice.call, FALSE, NULL));
  g_assert_true (wait_for (fixture, resumed, WAIT_MS));
  assert_tones (fixture);

  cb_sip_call_hangup (fixture->bob.call);
  g_assert_true (wait_for (fixture, both_ended, WAIT_MS));
  g_assert_false (cb_media_pipeline_is_running (cb_sip_call_get_media (fixture->alice.call)));
}

static gboolean bob_holds (Fixture *f)
{
  return cb_media_pipeline_get_direction (cb_sip_call_get_media (f->bob.call)) == CB_MEDIA_DIRECTION_SENDONLY &&
         cb_media_pipeline_get_direction (cb_sip_call_get_media (f->alice.call)) == CB_MEDIA_DIRECTION_RECVONLY;
}
static gboolean bob_silent_alice_hears (Fixture *f)
{
  return cb_tone_detector_silent_for (f->bob.detector, 500) &&
         cb_tone_detector_hears (f->alice.detector, 3);
}

/* The callee re-INVITEs: its offer lists Opus first, but the call runs
 * PCMA and must stay on it. */
static void
test_hold_by_callee (Fixture       *fixture,
                     gconstpointer  data)
{
  const char * const codecs[] = { "pcma", NULL };

  cb_sip_agent_set_codecs (fixture->alice.agent, codecs);
  dial_bob (fixture);
  g_assert_true (wait_for (fixture, both_active, WAIT_MS));
  assert_tones (fixture);

  g_assert_true (cb_sip_call_set_hold (fixture->bob.call, TRUE, NULL));
  g_assert_true (wait_for (fixture, bob_holds, WAIT_MS));
  g_assert_true (wait_for (fixture, bob_silent_alice_hears, WAIT_MS));
  g_assert_cmpstr (cb_media_pipeline_get_codec (cb_sip_call_get_media (fixture->bob.call)), ==, "pcma");

  g_assert_true (cb_sip_call_set_hold (fixture->bob.call, FALSE, NULL));
  g_assert_true (wait_for (fixture, resumed, WAIT_MS));
  assert_tones (fixture);

  cb_sip_call_hangup (fixture->alice.call);
  g_assert_true (wait_for (fixture, both_ended, WAIT_MS));
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  fixture->bob.auto_answer = FALSE;
  dial_bob (fixture);
  g_assert_true (wait_for (fixture, bob_ringing, WAIT_MS));

  cb_sip_call_hangup (fixture->alice.call);
  g_assert_true (wait_for (fixture, both_ended, WAIT_MS));
  g_assert_cmpuint (cb_sip_call_get_end_status (fixture->bob.call), ==, 487);
}

static void
test_decline (Fixture       *fixture,
              gconstpointer  data)
{
  fixture->bob.auto_answer = FALSE;
  dial_bob (fixture);
  g_assert_true (wait_for (fixture, bob_ringing, WAIT_MS));

  cb_sip_call_hangup (fixture->bob.call);
  g_assert_true (wait_for (fixture, both_ended, WAIT_MS));
  g_assert_cmpuint (cb_sip_call_get_end_status (fixture->alice.call), ==, 486);
}

/* ---- against sipp ------------------------------------------------------ */

/* The sipp a test runs, for conditions. */
static CbTestSipp *current_sipp;

static gboolean sipp_exited (Fixture *f) { return current_sipp->exited; }

/* sipp playing tests/phone/SCENARIO on a free port of 127.0.0.1, in a
 * new directory (*dir, for cb_test_remove_dir()); the port in *port.
 * timeout: sipp's -timeout, or NULL for the one-call default. */
static CbTestSipp *
start_sipp (const char  *name,
            const char  *scenario,
            const char  *timeout,
            char       **dir,
            guint       *port)
{
  g_autofree char *path = g_build_filename (SOURCE_ROOT, "tests", "phone", scenario, NULL);
  g_autofree char *port_arg = NULL;
  CbTestSipp *sipp;

  *dir = g_dir_make_tmp ("cb-phone-sip-XXXXXX", NULL);
  g_assert_nonnull (*dir);
  *port = cb_test_free_udp_port ();
  port_arg = g_strdup_printf ("%u", *port);
  /* Without a timeout the argument list ends at its NULL. */
  sipp = cb_test_sipp_start (*dir, name, path, "-p", port_arg,
                             timeout != NULL ? "-timeout" : NULL, timeout, NULL);
  current_sipp = sipp;
  cb_test_sipp_wait_port (sipp, *port, WAIT_MS);
  return sipp;
}

/* Alice calls sipp playing SCENARIO as the callee (*dir as for
 * start_sipp()); her call is fixture->alice.call. */
static CbTestSipp *
call_sipp (Fixture     *fixture,
           const char  *scenario,
           char       **dir)
{
  g_autoptr(CbSipCall) call = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  CbTestSipp *callee;
  guint port;

  callee = start_sipp ("callee", scenario, NULL, dir, &port);
  uri = g_strdup_printf ("sip:callee@127.0.0.1:%u", port);
  call = cb_sip_agent_dial (fixture->alice.agent, uri, &error);
  g_assert_no_error (error);
  adopt_call (&fixture->alice, call);
  return callee;
}

/* ---- REGISTER ------------------------------------------------------------ */

static gboolean alice_registered (Fixture *f) { return cb_sip_agent_get_registered (f->alice.agent); }
static gboolean alice_unregistered (Fixture *f) { return !cb_sip_agent_get_registered (f->alice.agent); }

static void
test_register (Fixture       *fixture,
               gconstpointer  data)
{
  gboolean good_password = GPOINTER_TO_INT (data);
  g_autoptr(CbTestSipp) registrar = NULL;
  g_autofree char *registrar_uri = NULL;
  g_autofree char *dir = NULL;
  guint port;

  if (!cb_test_have_sipp ())
    return;

  registrar = start_sipp ("registrar", "register-auth.xml", "20s", &dir, &port);
  registrar_uri = g_strdup_printf ("sip:127.0.0.1:%u", port);
  cb_sip_agent_register (fixture->alice.agent, registrar_uri,
                         good_password ? "secret" : "wrong");

  if (good_password)
    {
      g_assert_true (wait_for (fixture, alice_registered, 10000));
      cb_sip_agent_unregister (fixture->alice.agent);
      g_assert_true (wait_for (fixture, alice_unregistered, WAIT_MS));
    }
  else
    {
      g_assert_true (wait_for (fixture, sipp_exited, 10000));
      g_assert_false (cb_sip_agent_get_registered (fixture->alice.agent));
    }

  cb_test_sipp_finish (registrar, 10000);
  current_sipp = NULL;
  g_clear_pointer (&registrar, cb_test_sipp_free);
  cb_test_remove_dir (dir);
}

/* ---- an answer crossing our CANCEL -------------------------------------- */

static gboolean alice_ringing (Fixture *f) { return state_is (&f->alice, CB_SIP_CALL_STATE_RINGING); }
static gboolean alice_ended (Fixture *f) { return state_is (&f->alice, CB_SIP_CALL_STATE_ENDED); }

/* Alice hangs up a ringing call just as the callee picks up: the callee's
 * 200 arrives after her CANCEL went out (on the CANCEL, sipp answers it
 * 481, then sends the 200 for the INVITE). She ACKs it and sends a BYE,
 * and her call never shows as connected. (Before, the call stayed up at
 * both ends.) */
static void
test_answer_crosses_cancel (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(CbTestSipp) callee = NULL;
  g_autofree char *dir = NULL;

  if (!cb_test_have_sipp ())
    return;

  callee = call_sipp (fixture, "uas-answer-crossing-cancel.xml", &dir);
  g_assert_true (wait_for (fixture, alice_ringing, WAIT_MS));

  cb_sip_call_hangup (fixture->alice.call);
  /* sipp ends its scenario with the BYE (without one, at its receive
   * timeout, failing). */
  g_assert_true (wait_for (fixture, sipp_exited, 30000));
  cb_test_sipp_finish (callee, 10000);
  g_assert_true (wait_for (fixture, alice_ended, WAIT_MS));
  g_assert_false (fixture->alice.was_active);

  current_sipp = NULL;
  cb_test_remove_dir (dir);
}

/* ---- refusals ------------------------------------------------------------- */

static gboolean alice_active (Fixture *f) { return state_is (&f->alice, CB_SIP_CALL_STATE_ACTIVE); }

/* A callee that agreed on no telephone-event takes no keypad tones; an
 * ended call is neither ringing nor connected. Each refusal has its code
 * (the client words them). */
static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(CbTestSipp) callee = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  const char * const pcma[] = { "pcma", NULL };

  if (!cb_test_have_sipp ())
    return;

  cb_sip_agent_set_codecs (fixture->alice.agent, pcma);
  callee = call_sipp (fixture, "uas-answer-without-dtmf.xml", &dir);
  g_assert_true (wait_for (fixture, alice_active, WAIT_MS));

  g_assert_false (cb_sip_call_send_dtmf (fixture->alice.call, "1", &error));
  g_assert_error (error, CB_SIP_CALL_ERROR, CB_SIP_CALL_ERROR_NO_KEYPAD_TONES);
  g_clear_error (&error);
  g_assert_false (cb_sip_call_answer (fixture->alice.call, &error));
  g_assert_error (error, CB_SIP_CALL_ERROR, CB_SIP_CALL_ERROR_NOT_RINGING);
  g_clear_error (&error);

  cb_sip_call_hangup (fixture->alice.call);
  g_assert_true (wait_for (fixture, sipp_exited, 30000));
  cb_test_sipp_finish (callee, 10000);
  g_assert_true (wait_for (fixture, alice_ended, WAIT_MS));

  g_assert_false (cb_sip_call_set_hold (fixture->alice.call, TRUE, &error));
  g_assert_error (error, CB_SIP_CALL_ERROR, CB_SIP_CALL_ERROR_NOT_ACTIVE);
  g_clear_error (&error);
  g_assert_false (cb_sip_call_send_dtmf (fixture->alice.call, "1", &error));
  g_assert_error (error, CB_SIP_CALL_ERROR, CB_SIP_CALL_ERROR_NOT_ACTIVE);

  current_sipp = NULL;
  cb_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/phone/sip/call/opus", Fixture, "opus", fixture_setup, test_call, fixture_teardown);
  g_test_add ("/phone/sip/call/pcma", Fixture, "pcma", fixture_setup, test_call, fixture_teardown);
  g_test_add ("/phone/sip/hold-by-callee", Fixture, NULL, fixture_setup, test_hold_by_callee, fixture_teardown);
  g_test_add ("/phone/sip/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/phone/sip/decline", Fixture, NULL, fixture_setup, test_decline, fixture_teardown);
  g_test_add ("/phone/sip/answer-crosses-cancel", Fixture, NULL,
              fixture_setup, test_answer_crosses_cancel, fixture_teardown);
  g_test_add ("/phone/sip/refusals", Fixture, NULL, fixture_setup, test_refusals, fixture_teardown);
  g_test_add ("/phone/sip/register/auth", Fixture, GINT_TO_POINTER (TRUE),
              fixture_setup, test_register, fixture_teardown);
  g_test_add ("/phone/sip/register/wrong-password", Fixture, GINT_TO_POINTER (FALSE),
              fixture_setup, test_register, fixture_teardown);

  return g_test_run ();
}
