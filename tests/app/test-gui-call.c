/* test-gui-call.c: an incoming call in the real window, answered from its card
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real callboardd with SIP on a free port. The window signs in as Anna
 * with its softphone sending an 880 Hz tone (CALLBOARD_AUDIO_SRC); a
 * phone-library agent registered as Ben calls her. The call card appears,
 * the ringtone plays (into a fakesink) until its call.answer action
 * connects the call and Ben hears the tone; the
 * card's call.hangup ends it, and the journal page lists the call.
 * Screenshots of the card and the journal go to the build directory.
 *
 * Then the card's controls, each checked where it takes effect: hold
 * (the server's `call` event says "held"), the keypad (Ben's media
 * receives the digit), the transfer picker (Carla, found by name, gets
 * Ben's call), consultation (Anna's softphone places the call the server
 * asks for, Carla answers, Cancel resumes Ben, Transfer connects Ben and
 * Carla), and a call answered on Anna's desk phone, which shows as a card
 * controlled over REST.
 */

#define G_LOG_DOMAIN "test-gui-call"

#include "config.h"

#include <locale.h>
#include <string.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-call-row.h"
#include "cb-calls-page.h"
#include "cb-group-row.h"
#include "cb-sip-agent.h"
#include "cb-test-app.h"
#include "cb-test-server.h"
#include "cb-tone-detector.h"
#include "cb-window.h"

#define TIMEOUT_MS 20000
#define BEN_SINK "audioconvert ! audio/x-raw,format=S16LE,channels=1 ! fakesink name=tap sync=true"
#define BEN_SRC "audiotestsrc is-live=true wave=sine freq=440 volume=0.5 samplesperbuffer=480"

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna Berger\",\"extension\":\"201\",\"password\":\"pw\","
  "  \"desk_phones\":[{\"username\":\"201-desk\",\"password\":\"desk-secret\"}]},"
  " {\"username\":\"ben\",\"display_name\":\"Ben Ott\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla Diaz\",\"extension\":\"203\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\",\"members\":[\"anna\",\"ben\",\"carla\"]},"
  " {\"name\":\"Sales\",\"kind\":\"hunt\",\"number\":\"610\",\"strategy\":\"parallel\",\"level\":\"team\","
  "  \"leader\":\"anna\",\"members\":[\"anna\",\"carla\"]},"
  " {\"name\":\"Hotline\",\"kind\":\"hunt\",\"number\":\"620\",\"strategy\":\"queue\",\"level\":\"team\","
  "  \"leader\":\"anna\",\"max_wait\":120,\"members\":[\"anna\",\"carla\"]}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

typedef gboolean (*Match) (GtkWidget *widget, gpointer data);

static GtkWidget *
find_widget (GtkWidget *root,
             Match      match,
             gpointer   data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
match_mapped_call_row (GtkWidget *widget,
                       gpointer   data)
{
  return CB_IS_CALL_ROW (widget) && gtk_widget_get_mapped (widget);
}

/* The mapped card of the call data. */
static gboolean
match_card_of (GtkWidget *widget,
               gpointer   data)
{
  return CB_IS_CALL_ROW (widget) && gtk_widget_get_mapped (widget) &&
         cb_call_row_get_call (CB_CALL_ROW (widget)) == data;
}

/* A group row's queue line that shows a wait of a second or more. */
static gboolean
match_queue_wait_shown (GtkWidget *widget,
                        gpointer   data)
{
  const char *text;

  if (!GTK_IS_LABEL (widget) || !gtk_widget_has_css_class (widget, "waiting"))
    return FALSE;
  text = gtk_label_get_text (GTK_LABEL (widget));
  /* The parts are joined with no-break spaces: "longest 0:01". */
  return strstr (text, "longest\u00a0") != NULL && strstr (text, "longest\u00a00:00") == NULL;
}

static gboolean
match_journal_row (GtkWidget *widget,
                   gpointer   data)
{
  return ADW_IS_ACTION_ROW (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), data) == 0;
}

/* Ben, Carla, Anna's desk phone: bare phone-library agents on their
 * lines' credentials. */
typedef struct {
  CbSipAgent     *agent;
  CbSipCall      *call;
  CbToneDetector *detector;
  char           *registrar;
  gboolean        auto_answer;
  GString        *dtmf;       /* digits received in the current call */
} Peer;

typedef Peer Ben;

static void
on_peer_dtmf (CbMediaPipeline *media,
              const char      *digit,
              Peer            *peer)
{
  g_string_append (peer->dtmf, digit);
}

static void
on_peer_call_state (CbSipCall  *call,
                    GParamSpec *pspec,
                    Peer       *peer)
{
  CbMediaPipeline *media;

  /* The media pipeline exists once the call is up. */
  if (cb_sip_call_get_state (call) != CB_SIP_CALL_STATE_ACTIVE ||
      (media = cb_sip_call_get_media (call)) == NULL ||
      g_object_get_data (G_OBJECT (media), "peer") != NULL)
    return;
  g_object_set_data (G_OBJECT (media), "peer", peer);
  g_signal_connect (media, "dtmf-received", G_CALLBACK (on_peer_dtmf), peer);
}

static void
watch_call (Peer      *peer,
            CbSipCall *call)
{
  g_set_object (&peer->call, call);
  g_signal_connect (call, "notify::state", G_CALLBACK (on_peer_call_state), peer);
  on_peer_call_state (call, NULL, peer);
}

static void
on_peer_incoming (CbSipAgent *agent,
                  CbSipCall  *call,
                  Peer       *peer)
{
  g_autoptr(GError) error = NULL;

  watch_call (peer, call);
  if (peer->auto_answer && !cb_sip_call_answer (call, &error))
    g_error ("Could not answer: %s", error->message);
}

/* @line and @password: a desk phone's line; NULL: the user's softphone line. */
static void
peer_start_line (Peer         *peer,
                 CbTestServer *server,
                 const char   *user,
                 const char   *line_name,
                 const char   *line_password)
{
  g_autofree char *token = cb_test_sign_in (server, user, "pw", NULL);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *line;
  guint status = 0;

  answer = cb_test_request (server, "GET", "/api/v1/me/line", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  line = json_node_get_object (answer);
  if (line_name == NULL)
    {
      line_name = json_object_get_string_member (line, "username");
      line_password = json_object_get_string_member (line, "password");
    }
  peer->registrar = g_strdup (json_object_get_string_member (line, "registrar"));
  peer->agent = cb_sip_agent_new ("127.0.0.1", 0, line_name, &error);
  g_assert_no_error (error);
  g_object_set (peer->agent, "audio-src", BEN_SRC, "audio-sink", BEN_SINK, NULL);
  peer->detector = cb_tone_detector_new (880);
  peer->dtmf = g_string_new (NULL);
  g_signal_connect (peer->agent, "incoming-call", G_CALLBACK (on_peer_incoming), peer);
  cb_sip_agent_register (peer->agent, peer->registrar, line_password);
  CB_TEST_WAIT_FOR (cb_sip_agent_get_registered (peer->agent), TIMEOUT_MS, "a peer registered");
}

static void
ben_start (Ben          *ben,
           CbTestServer *server)
{
  peer_start_line (ben, server, "ben", NULL, NULL);
}

static void
ben_clear (Ben *ben)
{
  cb_tone_detector_detach (ben->detector);
  g_clear_object (&ben->detector);
  if (ben->call != NULL)
    g_signal_handlers_disconnect_by_data (ben->call, ben);
  g_clear_object (&ben->call);
  cb_sip_agent_shutdown (ben->agent);
  g_clear_object (&ben->agent);
  g_clear_pointer (&ben->registrar, g_free);
  if (ben->dtmf != NULL)
    g_string_free (ben->dtmf, TRUE);
  ben->dtmf = NULL;
}

static void
peer_dial (Peer       *peer,
           const char *number)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strdup_printf ("sip:%s@%s", number, peer->registrar + 4);
  g_autoptr(CbSipCall) call = cb_sip_agent_dial (peer->agent, uri, &error);

  g_assert_no_error (error);
  g_string_truncate (peer->dtmf, 0);
  watch_call (peer, call);
}

static gboolean
peer_in_state (Peer           *peer,
               CbSipCallState  state)
{
  return peer->call != NULL && cb_sip_call_get_state (peer->call) == state;
}

static void
attach_detector (Ben *ben)
{
  CbMediaPipeline *media = cb_sip_call_get_media (ben->call);
  g_autoptr(GstElement) tap = gst_bin_get_by_name (GST_BIN (cb_media_pipeline_get_audio_sink (media)), "tap");
  g_autoptr(GstPad) pad = gst_element_get_static_pad (tap, "sink");

  cb_tone_detector_attach (ben->detector, pad);
}

static CbSoftphone *
window_softphone (CbWindow *window)
{
  return cb_window_get_softphone (window);
}

/* Anna's window, signed in, its softphone registered. */
static CbWindow *
signed_in_window (CbTestServer *server)
{
  CbWindow *window = cb_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  g_object_set (cb_window_get_sign_in_page (window),
                "server-url", server->url, "username", "anna", "password", "pw", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (cb_window_get_sign_in_page (window)),
                                             "sign-in.sign-in", NULL));
  CB_TEST_WAIT_FOR (window_softphone (window) != NULL &&
                    cb_softphone_get_registration_state (window_softphone (window)) == CB_REGISTRATION_STATE_REGISTERED,
                    TIMEOUT_MS, "the window's softphone registered");
  return window;
}

static void
test_incoming_call (gconstpointer data)
{
  CbTestServer *server = (CbTestServer *) data;
  CbWindow *window = signed_in_window (server);
  Ben ben = { NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  GListModel *journal;
  GtkWidget *row = NULL;
  CbCall *call;
  gpointer weak = window;

  ben_start (&ben, server);
  uri = g_strdup_printf ("sip:201@%s", ben.registrar + 4);
  ben.call = cb_sip_agent_dial (ben.agent, uri, &error);
  g_assert_no_error (error);

  /* The incoming call brings the calls page forward with its card. */
  CB_TEST_WAIT_FOR ((row = find_widget (GTK_WIDGET (window), match_mapped_call_row, NULL)) != NULL,
                    TIMEOUT_MS, "the call card");
  call = cb_call_row_get_call (CB_CALL_ROW (row));
  g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_RINGING);
  g_assert_cmpstr (cb_call_get_remote_name (call), ==, "Ben Ott");
  g_assert_true (cb_ringer_get_ringing (cb_window_get_ringer (window)));
  /* The card is mapped with its state: the next frame shows it. */
  g_free (cb_test_app_screenshot (row, "call-card-ringing"));
  g_free (cb_test_app_screenshot (GTK_WIDGET (window), "calls-ringing"));

  g_assert_true (gtk_widget_activate_action (row, "call.answer", NULL));
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_CONNECTED &&
                    cb_sip_call_get_state (ben.call) == CB_SIP_CALL_STATE_ACTIVE,
                    TIMEOUT_MS, "the call to connect");
  g_assert_false (cb_ringer_get_ringing (cb_window_get_ringer (window)));
  /* What matches this call to the server's call id (device_call_id). */
  g_assert_nonnull (cb_sip_call_get_call_id (cb_call_get_sip_call (call)));
  attach_detector (&ben);
  CB_TEST_WAIT_FOR (cb_tone_detector_hears (ben.detector, 3), TIMEOUT_MS,
                    "the app's 880 Hz at Ben");
  CB_TEST_WAIT_FOR (cb_call_get_duration (call) >= 1, TIMEOUT_MS, "the duration to tick");
  g_free (cb_test_app_screenshot (row, "call-card-connected"));

  cb_tone_detector_detach (ben.detector);
  g_assert_true (gtk_widget_activate_action (row, "call.hangup", NULL));
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (ben.call) == CB_SIP_CALL_STATE_ENDED,
                    TIMEOUT_MS, "the call to end at Ben");

  journal = cb_client_store_get_journal (cb_session_get_store (cb_window_get_session (window)));
  CB_TEST_WAIT_FOR (g_list_model_get_n_items (journal) == 1, TIMEOUT_MS, "the journal entry");
  cb_window_show_page (window, "journal");
  CB_TEST_WAIT_FOR (find_widget (GTK_WIDGET (window), match_journal_row, (gpointer) "Ben Ott") != NULL,
                    TIMEOUT_MS, "the journal row");
  g_free (cb_test_app_screenshot (GTK_WIDGET (window), "journal"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  ben_clear (&ben);

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  CB_TEST_WAIT_FOR (weak == NULL, TIMEOUT_MS, "the window to be finalized");
}


/* --- the card's controls --- */

typedef struct {
  const char *number;    /* the remote party */
  gboolean    remote;    /* a call on another device */
} RowMatch;

static gboolean
match_live_call_row (GtkWidget *widget,
                     gpointer   data)
{
  RowMatch *match = data;
  CbCall *call;

  if (!CB_IS_CALL_ROW (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;
  call = cb_call_row_get_call (CB_CALL_ROW (widget));
  return call != NULL && cb_call_get_state (call) != CB_CALL_STATE_ENDED &&
         g_strcmp0 (cb_call_get_remote_number (call), match->number) == 0 &&
         cb_call_is_remote (call) == match->remote;
}

static gboolean
match_name (GtkWidget *widget,
            gpointer   data)
{
  return g_strcmp0 (gtk_widget_get_name (widget), data) == 0;
}

static gboolean
match_type (GtkWidget *widget,
            gpointer   data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

static GtkWidget *
wait_for_row (CbWindow   *window,
              const char *number,
              gboolean    remote)
{
  RowMatch match = { number, remote };
  GtkWidget *row = NULL;

  CB_TEST_WAIT_FOR ((row = find_widget (GTK_WIDGET (window), match_live_call_row, &match)) != NULL,
                    TIMEOUT_MS, "a call card");
  return row;
}

static void
close_window (CbWindow *window)
{
  gpointer weak = window;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  CB_TEST_WAIT_FOR (weak == NULL, TIMEOUT_MS, "the window to be finalized");
}

/* Waits for Anna's `call` event about @number in @state: the server's
 * own account of the call. */
static JsonObject *
wait_server_call (CbTestStream *stream,
                  const char   *number,
                  const char   *state)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < deadline)
    {
      guint left = (guint) ((deadline - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND);
      JsonObject *frame = cb_test_stream_wait (stream, "call", 0, MAX (left, 1));
      JsonObject *data;

      if (frame == NULL)
        break;
      data = json_object_get_object_member (frame, "data");
      if (g_strcmp0 (json_object_get_string_member_with_default (data, "remote_number", ""), number) == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (data, "state", ""), state) == 0)
        return data;
    }
  g_error ("No call event for %s in state %s", number, state);
  return NULL;
}

/* Ben calls Anna; she answers from the card. */
static GtkWidget *
ben_calls_anna (CbWindow *window,
                Peer     *ben)
{
  GtkWidget *row;
  CbCall *call;

  peer_dial (ben, "201");
  row = wait_for_row (window, "202", FALSE);
  call = cb_call_row_get_call (CB_CALL_ROW (row));
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_RINGING, TIMEOUT_MS, "the call to ring");
  g_assert_true (gtk_widget_activate_action (row, "call.answer", NULL));
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_CONNECTED &&
                    peer_in_state (ben, CB_SIP_CALL_STATE_ACTIVE),
                    TIMEOUT_MS, "the call to connect");
  return row;
}

/* Anna's window with Ben's call answered on its card, and Carla, who
 * answers what reaches her: where the transfer tests start. */
typedef struct {
  CbTestStream *stream;    /* Anna's events */
  CbWindow     *window;
  Peer          ben;
  Peer          carla;
  GtkWidget    *row;       /* the call's card */
  CbCall       *call;      /* its call, a reference */
} Scene;

static void
scene_start (Scene        *scene,
             CbTestServer *server)
{
  g_autofree char *token = cb_test_sign_in (server, "anna", "pw", NULL);

  scene->stream = cb_test_stream_open (server, token, -1, TRUE);
  scene->window = signed_in_window (server);
  scene->carla.auto_answer = TRUE;
  g_assert_no_error (scene->stream->error);
  peer_start_line (&scene->ben, server, "ben", NULL, NULL);
  peer_start_line (&scene->carla, server, "carla", NULL, NULL);
  scene->row = ben_calls_anna (scene->window, &scene->ben);
  scene->call = g_object_ref (cb_call_row_get_call (CB_CALL_ROW (scene->row)));
}

static void
scene_finish (Scene *scene)
{
  cb_test_stream_close (scene->stream);
  g_object_unref (scene->call);
  ben_clear (&scene->ben);
  ben_clear (&scene->carla);
  close_window (scene->window);
}

static void
test_card_controls (gconstpointer data)
{
  Scene scene = { NULL };
  GtkWidget *row;
  GtkWidget *button;
  GtkWidget *popover;
  GtkWidget *search;
  GtkListBox *list;
  CbCall *call;

  scene_start (&scene, (CbTestServer *) data);
  row = scene.row;
  call = scene.call;

  /* Hold and resume: the server sees both. */
  g_assert_true (gtk_widget_activate_action (row, "call.toggle-hold", NULL));
  wait_server_call (scene.stream, "202", "held");
  g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_HELD);
  g_assert_true (gtk_widget_activate_action (row, "call.toggle-hold", NULL));
  wait_server_call (scene.stream, "202", "connected");
  g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_CONNECTED);

  /* The keypad: a digit reaches Ben as RFC 4733 DTMF. */
  g_assert_true (gtk_widget_activate_action (row, "call.dtmf", "s", "5"));
  CB_TEST_WAIT_FOR (strchr (scene.ben.dtmf->str, '5') != NULL, TIMEOUT_MS, "Ben to receive the 5");

  /* The keypad popover holds the twelve keys. */
  button = find_widget (row, match_name, (gpointer) "keypad-button");
  g_assert_nonnull (button);
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  CB_TEST_WAIT_FOR (gtk_widget_get_mapped (popover), TIMEOUT_MS, "the keypad");
  g_free (cb_test_app_screenshot (popover, "keypad"));
  gtk_popover_popdown (GTK_POPOVER (popover));

  /* The picker: Carla by name, Enter forwards to the only match. */
  button = find_widget (row, match_name, (gpointer) "transfer-button");
  g_assert_nonnull (button);
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  CB_TEST_WAIT_FOR (gtk_widget_get_mapped (popover), TIMEOUT_MS, "the transfer picker");
  search = find_widget (popover, match_type, GSIZE_TO_POINTER (GTK_TYPE_SEARCH_ENTRY));
  list = GTK_LIST_BOX (find_widget (popover, match_type, GSIZE_TO_POINTER (GTK_TYPE_LIST_BOX)));
  /* Everyone but Anna and Ben, whose call it is. */
  CB_TEST_WAIT_FOR (gtk_list_box_get_row_at_index (list, 0) != NULL, TIMEOUT_MS, "the picker's list");
  g_assert_null (gtk_list_box_get_row_at_index (list, 1));
  gtk_editable_set_text (GTK_EDITABLE (search), "carl");
  CB_TEST_WAIT_FOR (gtk_list_box_get_row_at_index (list, 0) != NULL &&
                    gtk_list_box_get_row_at_index (list, 1) == NULL, TIMEOUT_MS, "Carla alone");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (list, 0))),
                   ==, "Carla Diaz");
  g_free (cb_test_app_screenshot (popover, "transfer-picker"));
  g_signal_emit_by_name (search, "activate");

  /* Ben now talks to Carla; Anna's call is over. */
  CB_TEST_WAIT_FOR (peer_in_state (&scene.carla, CB_SIP_CALL_STATE_ACTIVE), TIMEOUT_MS,
                    "Carla to get the call");
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_ENDED, TIMEOUT_MS, "Anna's call to end");
  g_assert_true (peer_in_state (&scene.ben, CB_SIP_CALL_STATE_ACTIVE));
  cb_sip_call_hangup (scene.ben.call);
  CB_TEST_WAIT_FOR (peer_in_state (&scene.carla, CB_SIP_CALL_STATE_ENDED), TIMEOUT_MS,
                    "Carla's call to end");

  scene_finish (&scene);
}

static CbCall *
partner_of (GtkWidget *row)
{
  CbCall *call = cb_call_row_get_call (CB_CALL_ROW (row));

  return call != NULL ? cb_call_get_partner (call) : NULL;
}

/* Consult Carla about Ben: Anna's softphone places the call the server
 * asks for without ringing, the two cards become a pair. Cancel resumes
 * Ben; a second consultation is completed and Ben talks to Carla. */
static void
test_consultation (gconstpointer data)
{
  Scene scene = { NULL };
  GtkWidget *row;
  CbCall *call;
  CbCall *consultation;

  scene_start (&scene, (CbTestServer *) data);
  row = scene.row;
  call = scene.call;

  g_assert_true (gtk_widget_activate_action (row, "call.consult", "s", "203"));
  wait_server_call (scene.stream, "202", "held");
  CB_TEST_WAIT_FOR (partner_of (row) != NULL &&
                    cb_call_get_state (partner_of (row)) == CB_CALL_STATE_CONNECTED &&
                    peer_in_state (&scene.carla, CB_SIP_CALL_STATE_ACTIVE),
                    TIMEOUT_MS, "the consultation with Carla");
  consultation = g_object_ref (partner_of (row));
  g_assert_true (cb_call_is_consultation (consultation));
  g_assert_false (cb_call_is_consultation (call));
  g_assert_cmpint (cb_call_get_direction (consultation), ==, CB_CALL_DIRECTION_OUT);
  g_assert_cmpstr (cb_call_get_remote_name (consultation), ==, "Carla Diaz");
  g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_HELD);
  CB_TEST_WAIT_FOR (find_widget (GTK_WIDGET (scene.window), match_card_of, consultation) != NULL,
                    TIMEOUT_MS, "the consultation's card");
  g_free (cb_test_app_screenshot (GTK_WIDGET (scene.window), "consultation"));

  /* Cancel: Carla's call ends, Ben is back. */
  g_assert_true (gtk_widget_activate_action (row, "call.cancel-consultation", NULL));
  CB_TEST_WAIT_FOR (peer_in_state (&scene.carla, CB_SIP_CALL_STATE_ENDED), TIMEOUT_MS,
                    "the consultation to end");
  wait_server_call (scene.stream, "202", "connected");
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_CONNECTED && partner_of (row) == NULL,
                    TIMEOUT_MS, "Ben's call to resume");
  g_clear_object (&consultation);

  /* Again, and complete it from the consultation's card this time. */
  g_assert_true (gtk_widget_activate_action (row, "call.consult", "s", "203"));
  CB_TEST_WAIT_FOR (partner_of (row) != NULL &&
                    cb_call_get_state (partner_of (row)) == CB_CALL_STATE_CONNECTED &&
                    peer_in_state (&scene.carla, CB_SIP_CALL_STATE_ACTIVE),
                    TIMEOUT_MS, "the second consultation");
  consultation = g_object_ref (partner_of (row));
  row = wait_for_row (scene.window, "203", FALSE);
  g_assert_true (cb_call_row_get_call (CB_CALL_ROW (row)) == consultation);
  g_assert_true (gtk_widget_activate_action (row, "call.complete-consultation", NULL));
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_ENDED &&
                    cb_call_get_state (consultation) == CB_CALL_STATE_ENDED,
                    TIMEOUT_MS, "Anna's two calls to end");
  g_assert_true (peer_in_state (&scene.ben, CB_SIP_CALL_STATE_ACTIVE));
  g_assert_true (peer_in_state (&scene.carla, CB_SIP_CALL_STATE_ACTIVE));
  cb_sip_call_hangup (scene.ben.call);
  CB_TEST_WAIT_FOR (peer_in_state (&scene.carla, CB_SIP_CALL_STATE_ENDED), TIMEOUT_MS,
                    "Ben and Carla to hang up");

  g_object_unref (consultation);
  scene_finish (&scene);
}

/* Ben calls Anna, her desk phone answers: the card follows the call onto
 * the desk phone and controls it over REST. */
static void
test_desk_phone_call (gconstpointer data)
{
  CbTestServer *server = (CbTestServer *) data;
  g_autofree char *token = cb_test_sign_in (server, "anna", "pw", NULL);
  CbTestStream *stream = cb_test_stream_open (server, token, -1, TRUE);
  CbWindow *window = signed_in_window (server);
  Peer ben = { NULL };
  Peer desk = { NULL };
  GtkWidget *row;
  GtkWidget *page;
  CbCall *call;
  g_autoptr(GError) error = NULL;

  g_assert_no_error (stream->error);
  peer_start_line (&ben, server, "ben", NULL, NULL);
  peer_start_line (&desk, server, "anna", "201-desk", "desk-secret");

  peer_dial (&ben, "201");
  row = wait_for_row (window, "202", FALSE);
  CB_TEST_WAIT_FOR (desk.call != NULL && peer_in_state (&desk, CB_SIP_CALL_STATE_INCOMING),
                    TIMEOUT_MS, "the desk phone to ring");
  g_assert_true (cb_sip_call_answer (desk.call, &error));
  g_assert_no_error (error);

  row = wait_for_row (window, "202", TRUE);
  call = g_object_ref (cb_call_row_get_call (CB_CALL_ROW (row)));
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_CONNECTED, TIMEOUT_MS,
                    "the desk phone's call connected on its card");
  g_assert_null (cb_call_get_sip_call (call));
  g_assert_cmpstr (cb_call_get_remote_name (call), ==, "Ben Ott");
  g_free (cb_test_app_screenshot (row, "call-card-desk-phone"));

  g_assert_true (gtk_widget_activate_action (row, "call.toggle-hold", NULL));
  wait_server_call (stream, "202", "held");
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_HELD, TIMEOUT_MS, "the card to say held");
  g_assert_true (gtk_widget_activate_action (row, "call.toggle-hold", NULL));
  wait_server_call (stream, "202", "connected");
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_CONNECTED, TIMEOUT_MS, "the card to say connected");

  g_assert_true (gtk_widget_activate_action (row, "call.hangup", NULL));
  CB_TEST_WAIT_FOR (peer_in_state (&ben, CB_SIP_CALL_STATE_ENDED) &&
                    peer_in_state (&desk, CB_SIP_CALL_STATE_ENDED) &&
                    cb_call_get_state (call) == CB_CALL_STATE_ENDED,
                    TIMEOUT_MS, "the call to end everywhere");
  g_clear_object (&call);

  /* "Call from desk phone": the desk phone (on auto-answer) calls Ben by
   * name from the Calls page; the call shows as a card all the same. */
  desk.auto_answer = TRUE;
  ben.auto_answer = TRUE;
  cb_window_show_page (window, "calls");
  page = find_widget (GTK_WIDGET (window), match_type, GSIZE_TO_POINTER (CB_TYPE_CALLS_PAGE));
  g_assert_nonnull (page);
  g_assert_true (gtk_widget_activate_action (page, "calls.call-from", "s", "desk"));
  cb_calls_page_dial (CB_CALLS_PAGE (page), "Ben Ott");
  CB_TEST_WAIT_FOR (peer_in_state (&desk, CB_SIP_CALL_STATE_ACTIVE) &&
                    peer_in_state (&ben, CB_SIP_CALL_STATE_ACTIVE),
                    TIMEOUT_MS, "the desk phone and Ben connected");
  row = wait_for_row (window, "202", TRUE);
  call = g_object_ref (cb_call_row_get_call (CB_CALL_ROW (row)));
  g_assert_cmpint (cb_call_get_direction (call), ==, CB_CALL_DIRECTION_OUT);
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_CONNECTED, TIMEOUT_MS,
                    "the desk phone's outgoing call on its card");
  g_assert_true (gtk_widget_activate_action (row, "call.hangup", NULL));
  CB_TEST_WAIT_FOR (peer_in_state (&ben, CB_SIP_CALL_STATE_ENDED) &&
                    peer_in_state (&desk, CB_SIP_CALL_STATE_ENDED) &&
                    cb_call_get_state (call) == CB_CALL_STATE_ENDED,
                    TIMEOUT_MS, "the desk phone's call to end");
  g_assert_true (gtk_widget_activate_action (page, "calls.call-from", "s", "softphone"));
  g_clear_object (&call);

  /* With the softphone off only the desk phone rings: its card answers
   * it remotely (POST /calls/{id}/answer, the phone picks up). */
  desk.auto_answer = FALSE;
  cb_softphone_stop (window_softphone (window));
  peer_dial (&ben, "201");
  row = wait_for_row (window, "202", TRUE);
  call = g_object_ref (cb_call_row_get_call (CB_CALL_ROW (row)));
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_RINGING &&
                    peer_in_state (&desk, CB_SIP_CALL_STATE_INCOMING),
                    TIMEOUT_MS, "the desk phone ringing, on a card");
  g_assert_false (cb_ringer_get_ringing (cb_window_get_ringer (window)));
  g_assert_true (gtk_widget_activate_action (row, "call.answer", NULL));
  CB_TEST_WAIT_FOR (peer_in_state (&desk, CB_SIP_CALL_STATE_ACTIVE) &&
                    peer_in_state (&ben, CB_SIP_CALL_STATE_ACTIVE) &&
                    cb_call_get_state (call) == CB_CALL_STATE_CONNECTED,
                    TIMEOUT_MS, "the desk phone to pick up");
  g_assert_true (gtk_widget_activate_action (row, "call.hangup", NULL));
  CB_TEST_WAIT_FOR (peer_in_state (&ben, CB_SIP_CALL_STATE_ENDED), TIMEOUT_MS, "the call to end");

  cb_test_stream_close (stream);
  g_object_unref (call);
  ben_clear (&ben);
  ben_clear (&desk);
  close_window (window);
}

static CbGroup *
group_named (CbWindow   *window,
             const char *name)
{
  GListModel *groups = cb_client_store_get_groups (cb_session_get_store (cb_window_get_session (window)));

  for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
    {
      g_autoptr(CbGroup) group = g_list_model_get_item (groups, i);

      if (g_strcmp0 (cb_group_get_name (group), name) == 0)
        return group;  /* the store keeps it */
    }
  g_error ("No group %s", name);
  return NULL;
}

static gboolean
match_group_row (GtkWidget *widget,
                 gpointer   data)
{
  return CB_IS_GROUP_ROW (widget) && gtk_widget_get_mapped (widget) &&
         cb_group_row_get_group (CB_GROUP_ROW (widget)) == data;
}

static gboolean
newest_entry_taken_by_someone (GListModel *journal)
{
  g_autoptr(CbJournalEntry) entry = g_list_model_get_item (journal, 0);

  return entry != NULL && cb_journal_entry_get_taken_by_name (entry) != NULL;
}

static gint64
first_member_id (CbGroup *group)
{
  g_autoptr(CbGroupMember) first = g_list_model_get_item (cb_group_get_members (group), 0);

  return first != NULL ? cb_contact_get_id (cb_group_member_get_contact (first)) : 0;
}

static void
on_login_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cb_rest_client_finish (CB_REST_CLIENT (source), result, &error));
  g_assert_no_error (error);
}

/* The Groups page: the leader moves a member up, a caller waits in the
 * queue and is counted, and a call to a parallel group shows "for Sales"
 * on Anna's card. */
static void
test_groups (gconstpointer data)
{
  CbTestServer *server = (CbTestServer *) data;
  CbWindow *window = signed_in_window (server);
  CbSession *session = cb_window_get_session (window);
  Peer ben = { NULL };
  CbGroup *sales = group_named (window, "Sales");
  CbGroup *hotline = group_named (window, "Hotline");
  CbContact *carla = cb_client_store_lookup_number (cb_session_get_store (session), "203");
  GtkWidget *row;
  GtkWidget *card;
  CbCall *call;

  cb_window_show_page (window, "groups");
  CB_TEST_WAIT_FOR ((row = find_widget (GTK_WIDGET (window), match_group_row, sales)) != NULL,
                    TIMEOUT_MS, "the Sales group row");

  /* Anna leads Sales: Carla moves up to the top, as the server says. */
  g_assert_cmpint (first_member_id (sales), !=, cb_contact_get_id (carla));
  g_assert_true (gtk_widget_activate_action (row, "group.move-up", "x", cb_contact_get_id (carla)));
  CB_TEST_WAIT_FOR (first_member_id (sales) == cb_contact_get_id (carla), TIMEOUT_MS,
                    "the new order from the server");

  /* The queue: Ben waits; Anna is logged in but not available. */
  row = find_widget (GTK_WIDGET (window), match_group_row, hotline);
  g_assert_nonnull (row);
  cb_rest_client_set_agent_status_async (cb_session_get_rest_client (session),
                                         CB_AGENT_STATUS_NOT_AVAILABLE, NULL, on_login_done, NULL);
  cb_rest_client_set_group_login_async (cb_session_get_rest_client (session),
                                        cb_group_get_id (hotline), TRUE, NULL, on_login_done, NULL);
  CB_TEST_WAIT_FOR (cb_group_get_logged_in (hotline) &&
                    cb_contact_get_agent_status (cb_client_store_get_me (cb_session_get_store (session))) ==
                    CB_AGENT_STATUS_NOT_AVAILABLE,
                    TIMEOUT_MS, "Anna logged into Hotline, not available");
  peer_start_line (&ben, server, "ben", NULL, NULL);
  peer_dial (&ben, "620");
  CB_TEST_WAIT_FOR (cb_group_get_queue_waiting (hotline) == 1 &&
                    cb_group_get_queue_oldest_waiting_since (hotline) > 0,
                    TIMEOUT_MS, "Ben waiting in the queue");
  /* The row counts the wait up each second by itself: it has once it
   * shows a second or more. */
  CB_TEST_WAIT_FOR (find_widget (row, match_queue_wait_shown, NULL) != NULL, TIMEOUT_MS,
                    "the row to show a second of waiting");
  g_free (cb_test_app_screenshot (GTK_WIDGET (window), "groups-queue"));
  cb_sip_call_hangup (ben.call);
  CB_TEST_WAIT_FOR (cb_group_get_queue_waiting (hotline) == 0 && cb_group_get_queue_abandoned (hotline) >= 1,
                    TIMEOUT_MS, "the abandoned call counted");

  /* A call for Sales rings Anna, logged in there, and says so. */
  cb_rest_client_set_group_login_async (cb_session_get_rest_client (session),
                                        cb_group_get_id (sales), TRUE, NULL, on_login_done, NULL);
  CB_TEST_WAIT_FOR (cb_group_get_logged_in (sales), TIMEOUT_MS, "Anna logged into Sales");
  peer_dial (&ben, "610");
  card = wait_for_row (window, "202", FALSE);
  call = cb_call_row_get_call (CB_CALL_ROW (card));
  CB_TEST_WAIT_FOR (g_strcmp0 (cb_call_get_group_name (call), "Sales") == 0, TIMEOUT_MS,
                    "the call to say it is for Sales");
  g_free (cb_test_app_screenshot (card, "call-card-for-group"));
  cb_sip_call_hangup (ben.call);
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_ENDED, TIMEOUT_MS, "the group call to end");

  /* Carla takes the next Sales call: Anna's journal says who did. */
  {
    g_autofree char *carla_token = cb_test_sign_in (server, "carla", "pw", NULL);
    g_autofree char *path = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login",
                                             cb_group_get_id (sales));
    g_autoptr(JsonNode) answer = NULL;
    GListModel *journal = cb_client_store_get_journal (cb_session_get_store (session));
    guint entries = g_list_model_get_n_items (journal);
    Peer carla_phone = { .auto_answer = TRUE };
    g_autoptr(CbJournalEntry) entry = NULL;
    guint status = 0;

    peer_start_line (&carla_phone, server, "carla", NULL, NULL);
    answer = cb_test_request (server, "PUT", path, carla_token, "{\"logged_in\":true}", &status);
    g_assert_cmpuint (status, ==, 200);
    peer_dial (&ben, "610");
    CB_TEST_WAIT_FOR (peer_in_state (&carla_phone, CB_SIP_CALL_STATE_ACTIVE), TIMEOUT_MS,
                      "Carla to take the Sales call");
    cb_sip_call_hangup (ben.call);
    CB_TEST_WAIT_FOR (g_list_model_get_n_items (journal) > entries &&
                      newest_entry_taken_by_someone (journal),
                      TIMEOUT_MS, "Anna's journal entry of Carla's call");
    entry = g_list_model_get_item (journal, 0);
    g_assert_cmpstr (cb_journal_entry_get_taken_by_name (entry), ==, "Carla Diaz");
    g_assert_cmpstr (cb_journal_entry_get_group_name (entry), ==, "Sales");
    g_assert_false (cb_journal_entry_get_missed (entry));
    cb_window_show_page (window, "journal");
    CB_TEST_WAIT_FOR (find_widget (GTK_WIDGET (window), match_journal_row, (gpointer) "Ben Ott") != NULL,
                      TIMEOUT_MS, "the journal row");
    g_free (cb_test_app_screenshot (GTK_WIDGET (window), "journal-groups"));
    ben_clear (&carla_phone);
  }

  ben_clear (&ben);
  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  CbTestServer *server;
  int status;

  /* The window's softphone sends 880 Hz and plays into nothing. */
  g_setenv ("CALLBOARD_AUDIO_SRC", "audiotestsrc is-live=true wave=sine freq=880 volume=0.5 samplesperbuffer=480", TRUE);
  g_setenv ("CALLBOARD_AUDIO_SINK", "fakesink sync=true", TRUE);
  g_setenv ("CALLBOARD_RING_SINK", "fakesink sync=true", TRUE);

  cb_app_init_i18n ();
  gst_init (&argc, &argv);
  gtk_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "");
  adw_init ();
  cb_app_init_style ();
  cb_test_app_setup ();

  server = cb_test_server_start (directory, server_args);
  g_test_add_data_func ("/app/incoming-call", server, test_incoming_call);
  g_test_add_data_func ("/app/card-controls", server, test_card_controls);
  g_test_add_data_func ("/app/consultation", server, test_consultation);
  g_test_add_data_func ("/app/desk-phone-call", server, test_desk_phone_call);
  g_test_add_data_func ("/app/groups", server, test_groups);
  status = g_test_run ();
  cb_test_server_stop (server);

  return status;
}
