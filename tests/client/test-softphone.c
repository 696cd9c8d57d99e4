/* test-softphone.c: two signed-in sessions with softphones call each other
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real callboardd with SIP on a free port. Anna and Ben sign in and
 * each starts a softphone for the session; both register with the line credentials the
 * server hands out. Anna dials Ben's extension, Ben's calls model shows
 * the ringing call with Anna's name from the directory, Ben answers, a
 * 440 Hz tone from Anna is detected at Ben, Anna hangs up and the call
 * ends on both sides, and both journals get their entry through events.
 */

#define G_LOG_DOMAIN "test-softphone"

#include "config.h"

#include "cb-softphone.h"
#include "cb-test-server.h"
#include "cb-tone-detector.h"

#define WAIT_MS 15000
#define SRC_FMT "audiotestsrc is-live=true wave=sine freq=%g volume=0.5 samplesperbuffer=480"
#define SINK "audioconvert ! audio/x-raw,format=S16LE,channels=1 ! fakesink name=tap sync=true"

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna Berger\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben Ott\",\"extension\":\"202\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\",\"members\":[\"anna\",\"ben\"]}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

typedef struct {
  CbSession      *session;
  CbSoftphone    *phone;
  CbToneDetector *detector;
  CbCall         *call;
} Side;

typedef struct {
  CbTestServer *server;
  Side          anna;
  Side          ben;
} Fixture;

static void
on_sign_in (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (cb_session_sign_in_finish (CB_SESSION (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
side_start (Fixture    *fixture,
            Side       *side,
            const char *username,
            double      send_freq,
            double      listen_freq)
{
  g_autofree char *src = g_strdup_printf (SRC_FMT, send_freq);
  gboolean done = FALSE;

  side->session = cb_session_new (fixture->server->url);
  cb_session_sign_in_async (side->session, username, "pw", NULL, on_sign_in, &done);
  CB_TEST_WAIT_FOR (done, WAIT_MS, "signed in");
  side->phone = cb_softphone_new (side->session);
  g_object_set (side->phone, "audio-src", src, "audio-sink", SINK, NULL);
  cb_softphone_start (side->phone);
  side->detector = cb_tone_detector_new (listen_freq);
}

static void
side_clear (Side *side)
{
  cb_tone_detector_detach (side->detector);
  g_clear_object (&side->detector);
  g_clear_object (&side->call);
  cb_softphone_stop (side->phone);
  g_clear_object (&side->phone);
  g_clear_object (&side->session);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = cb_test_server_start (directory, server_args);
  side_start (fixture, &fixture->anna, "anna", 440, 880);
  side_start (fixture, &fixture->ben, "ben", 880, 440);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  side_clear (&fixture->anna);
  side_clear (&fixture->ben);
  cb_test_server_stop (fixture->server);
}

static CbCall *
first_call (Side *side)
{
  GListModel *calls = cb_softphone_get_calls (side->phone);
  g_autoptr(CbCall) call = g_list_model_get_n_items (calls) > 0 ? g_list_model_get_item (calls, 0) : NULL;

  return call;  /* the model keeps it */
}

static void
attach_detector (Side *side)
{
  CbMediaPipeline *media = cb_sip_call_get_media (cb_call_get_sip_call (side->call));
  g_autoptr(GstElement) tap = gst_bin_get_by_name (GST_BIN (cb_media_pipeline_get_audio_sink (media)), "tap");
  g_autoptr(GstPad) pad = gst_element_get_static_pad (tap, "sink");

  cb_tone_detector_attach (side->detector, pad);
}

static guint
journal_length (Side *side)
{
  return g_list_model_get_n_items (cb_client_store_get_journal (cb_session_get_store (side->session)));
}

static void
test_call (Fixture       *fixture,
           gconstpointer  data)
{
  CbClientStore *ben_store = cb_session_get_store (fixture->ben.session);
  g_autoptr(GError) error = NULL;
  g_autoptr(CbJournalEntry) anna_entry = NULL;
  g_autoptr(CbJournalEntry) ben_entry = NULL;
  CbCall *dialed;

  CB_TEST_WAIT_FOR (cb_softphone_get_registration_state (fixture->anna.phone) == CB_REGISTRATION_STATE_REGISTERED &&
                    cb_softphone_get_registration_state (fixture->ben.phone) == CB_REGISTRATION_STATE_REGISTERED,
                    WAIT_MS, "both softphones registered");
  g_assert_cmpstr (cb_softphone_get_line (fixture->ben.phone), ==, "202");
  /* Journals were loaded (empty) after signing in. */
  g_assert_cmpuint (journal_length (&fixture->anna), ==, 0);
  g_assert_cmpuint (cb_client_store_get_missed_count (ben_store), ==, 0);

  dialed = cb_softphone_dial (fixture->anna.phone, "202", &error);
  g_assert_no_error (error);
  g_assert_nonnull (dialed);
  fixture->anna.call = g_object_ref (dialed);
  g_assert_cmpint (cb_call_get_direction (dialed), ==, CB_CALL_DIRECTION_OUT);
  g_assert_cmpstr (cb_call_get_remote_name (dialed), ==, "Ben Ott");
  g_assert_true (first_call (&fixture->anna) == dialed);

  /* Ben's model shows the ringing call, named from the directory. */
  CB_TEST_WAIT_FOR (first_call (&fixture->ben) != NULL, WAIT_MS, "the call to ring at Ben");
  fixture->ben.call = g_object_ref (first_call (&fixture->ben));
  g_assert_cmpint (cb_call_get_state (fixture->ben.call), ==, CB_CALL_STATE_RINGING);
  g_assert_cmpint (cb_call_get_direction (fixture->ben.call), ==, CB_CALL_DIRECTION_IN);
  g_assert_cmpstr (cb_call_get_remote_number (fixture->ben.call), ==, "201");
  g_assert_cmpstr (cb_call_get_remote_name (fixture->ben.call), ==, "Anna Berger");
  g_assert_cmpint (cb_call_get_state (dialed), ==, CB_CALL_STATE_DIALING);

  g_assert_true (cb_softphone_answer (fixture->ben.phone, fixture->ben.call, &error));
  g_assert_no_error (error);
  CB_TEST_WAIT_FOR (cb_call_get_state (fixture->anna.call) == CB_CALL_STATE_CONNECTED &&
                    cb_call_get_state (fixture->ben.call) == CB_CALL_STATE_CONNECTED,
                    WAIT_MS, "the call to connect on both sides");
  g_assert_cmpint (cb_call_get_connected_at (fixture->ben.call), >, 0);

  attach_detector (&fixture->ben);
  attach_detector (&fixture->anna);
  CB_TEST_WAIT_FOR (cb_tone_detector_hears (fixture->ben.detector, 3), WAIT_MS,
                    "Anna's 440 Hz at Ben");
  CB_TEST_WAIT_FOR (cb_tone_detector_hears (fixture->anna.detector, 3), WAIT_MS,
                    "Ben's 880 Hz at Anna");
  CB_TEST_WAIT_FOR (cb_call_get_duration (fixture->anna.call) >= 1, WAIT_MS, "the duration to tick");

  /* Mute and hold are local states the card shows. */
  cb_call_set_muted (fixture->anna.call, TRUE);
  g_assert_true (cb_call_get_muted (fixture->anna.call));
  cb_call_set_muted (fixture->anna.call, FALSE);
  g_assert_true (cb_call_send_dtmf (fixture->anna.call, "1#", &error));
  g_assert_no_error (error);

  cb_tone_detector_detach (fixture->ben.detector);
  cb_tone_detector_detach (fixture->anna.detector);
  cb_call_hangup (fixture->anna.call);
  CB_TEST_WAIT_FOR (cb_call_get_state (fixture->anna.call) == CB_CALL_STATE_ENDED &&
                    cb_call_get_state (fixture->ben.call) == CB_CALL_STATE_ENDED,
                    WAIT_MS, "the call to end on both sides");

  /* Both journals get the entry through their event streams. */
  CB_TEST_WAIT_FOR (journal_length (&fixture->anna) == 1 && journal_length (&fixture->ben) == 1,
                    WAIT_MS, "a journal entry on both sides");
  anna_entry = g_list_model_get_item (cb_client_store_get_journal (cb_session_get_store (fixture->anna.session)), 0);
  ben_entry = g_list_model_get_item (cb_client_store_get_journal (ben_store), 0);
  g_assert_false (cb_journal_entry_get_incoming (anna_entry));
  g_assert_true (cb_journal_entry_get_incoming (ben_entry));
  g_assert_cmpstr (cb_journal_entry_get_remote_number (anna_entry), ==, "202");
  g_assert_cmpstr (cb_journal_entry_get_remote_number (ben_entry), ==, "201");
  g_assert_true (cb_journal_entry_get_answered (ben_entry));
  g_assert_false (cb_journal_entry_get_missed (ben_entry));
  g_assert_cmpuint (cb_client_store_get_missed_count (ben_store), ==, 0);

  /* The ended card lingers, then leaves the model. */
  CB_TEST_WAIT_FOR (first_call (&fixture->ben) == NULL, WAIT_MS, "the ended call to leave the model");
}

/* Ben does not answer; Anna gives up: Ben's journal shows a missed call,
 * counted in missed-count. */
static void
test_missed (Fixture       *fixture,
             gconstpointer  data)
{
  CbClientStore *ben_store = cb_session_get_store (fixture->ben.session);
  g_autoptr(GError) error = NULL;
  g_autoptr(CbJournalEntry) entry = NULL;
  CbCall *dialed;

  CB_TEST_WAIT_FOR (cb_softphone_get_registration_state (fixture->anna.phone) == CB_REGISTRATION_STATE_REGISTERED &&
                    cb_softphone_get_registration_state (fixture->ben.phone) == CB_REGISTRATION_STATE_REGISTERED,
                    WAIT_MS, "both softphones registered");

  dialed = cb_softphone_dial (fixture->anna.phone, "20 2", &error);
  g_assert_no_error (error);
  fixture->anna.call = g_object_ref (dialed);
  CB_TEST_WAIT_FOR (first_call (&fixture->ben) != NULL, WAIT_MS, "the call to ring at Ben");
  fixture->ben.call = g_object_ref (first_call (&fixture->ben));
  cb_call_hangup (fixture->anna.call);
  CB_TEST_WAIT_FOR (cb_call_get_state (fixture->ben.call) == CB_CALL_STATE_ENDED,
                    WAIT_MS, "the ringing to stop at Ben");

  CB_TEST_WAIT_FOR (cb_client_store_get_missed_count (ben_store) == 1, WAIT_MS, "one missed call");
  entry = g_list_model_get_item (cb_client_store_get_journal (ben_store), 0);
  g_assert_true (cb_journal_entry_get_missed (entry));
  g_assert_cmpstr (cb_journal_entry_get_remote_name (entry), ==, "Anna Berger");

  /* Not a number: refused before any SIP is sent. */
  g_assert_null (cb_softphone_dial (fixture->anna.phone, "anna", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
on_registration_state (CbSoftphone *phone,
                       GParamSpec  *pspec,
                       GArray      *states)
{
  CbRegistrationState state = cb_softphone_get_registration_state (phone);

  g_array_append_val (states, state);
}

/* After a network change or waking up the phone registers again at once
 * (the registrar's 200 brings it back), instead of at its refresh; with
 * the network watch's "changed" the window asks for that. A call through
 * the registration afterwards still reaches it. */
static void
test_reregister (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (CbRegistrationState));
  g_autoptr(GError) error = NULL;
  CbCall *dialed;

  CB_TEST_WAIT_FOR (cb_softphone_get_registration_state (fixture->anna.phone) == CB_REGISTRATION_STATE_REGISTERED &&
                    cb_softphone_get_registration_state (fixture->ben.phone) == CB_REGISTRATION_STATE_REGISTERED,
                    WAIT_MS, "both softphones registered");
  g_signal_connect (fixture->ben.phone, "notify::registration-state",
                    G_CALLBACK (on_registration_state), states);

  cb_softphone_reregister (fixture->ben.phone);
  g_assert_cmpint (cb_softphone_get_registration_state (fixture->ben.phone), ==,
                   CB_REGISTRATION_STATE_REGISTERING);
  CB_TEST_WAIT_FOR (cb_softphone_get_registration_state (fixture->ben.phone) == CB_REGISTRATION_STATE_REGISTERED,
                    5000, "Ben registered again");
  g_assert_cmpuint (states->len, ==, 2);
  g_assert_cmpint (g_array_index (states, CbRegistrationState, 0), ==, CB_REGISTRATION_STATE_REGISTERING);
  g_assert_cmpint (g_array_index (states, CbRegistrationState, 1), ==, CB_REGISTRATION_STATE_REGISTERED);
  g_signal_handlers_disconnect_by_func (fixture->ben.phone, on_registration_state, states);

  dialed = cb_softphone_dial (fixture->anna.phone, "202", &error);
  g_assert_no_error (error);
  fixture->anna.call = g_object_ref (dialed);
  CB_TEST_WAIT_FOR (first_call (&fixture->ben) != NULL, WAIT_MS, "the call to ring at Ben");
  cb_call_hangup (fixture->anna.call);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/softphone/call", Fixture, NULL, fixture_setup, test_call, fixture_teardown);
  g_test_add ("/softphone/missed", Fixture, NULL, fixture_setup, test_missed, fixture_teardown);
  g_test_add ("/softphone/reregister", Fixture, NULL, fixture_setup, test_reregister, fixture_teardown);

  return g_test_run ();
}
