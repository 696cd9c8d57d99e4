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
#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-call-row.h"
#include "cb-calls-page.h"
#include "cb-group-row.h"
#include "cb-journal-page.h"
#include "cb-protocol.h"
#include "cb-sip-agent.h"
#include "cb-sip-call.h"
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
  " {\"username\":\"carla\",\"display_name\":\"Carla Diaz\",\"extension\":\"203\",\"password\":\"pw\"},"
  " {\"username\":\"otto\",\"display_name\":\"Otto Lenz\",\"extension\":\"205\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\",\"members\":[\"anna\",\"ben\",\"carla\"]},"
  " {\"name\":\"Sales\",\"kind\":\"hunt\",\"number\":\"610\",\"strategy\":\"parallel\",\"level\":\"team\","
  "  \"leader\":\"anna\",\"members\":[\"anna\",\"carla\"]},"
  " {\"name\":\"Hotline\",\"kind\":\"hunt\",\"number\":\"620\",\"strategy\":\"queue\",\"level\":\"team\","
  "  \"leader\":\"anna\",\"max_wait\":120,\"members\":[\"anna\",\"carla\"]}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

/* LANGUAGE=de: the same run in German, the screenshots named -de. */
static gboolean german;

static char *
screenshot (GtkWidget  *widget,
            const char *name)
{
  g_autofree char *full = g_strdup_printf ("%s%s", name, german ? "-de" : "");

  return cb_test_app_screenshot (widget, full);
}

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
  if (german)
    return strstr (text, "längsten\u00a0") != NULL && strstr (text, "längsten\u00a00:00") == NULL;
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
signed_in_window_as (CbTestServer *server,
                     const char   *user)
{
  CbWindow *window = cb_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  g_object_set (cb_window_get_sign_in_page (window),
                "server-url", server->url, "username", user, "password", "pw", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (cb_window_get_sign_in_page (window)),
                                             "sign-in.sign-in", NULL));
  CB_TEST_WAIT_FOR (window_softphone (window) != NULL &&
                    cb_softphone_get_registration_state (window_softphone (window)) == CB_REGISTRATION_STATE_REGISTERED,
                    TIMEOUT_MS, "the window's softphone registered");
  return window;
}

static CbWindow *
signed_in_window (CbTestServer *server)
{
  return signed_in_window_as (server, "anna");
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
  g_free (screenshot (row, "call-card-ringing"));
  g_free (screenshot (GTK_WIDGET (window), "calls-ringing"));

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
  g_free (screenshot (row, "call-card-connected"));

  cb_tone_detector_detach (ben.detector);
  g_assert_true (gtk_widget_activate_action (row, "call.hangup", NULL));
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (ben.call) == CB_SIP_CALL_STATE_ENDED,
                    TIMEOUT_MS, "the call to end at Ben");

  journal = cb_client_store_get_journal (cb_session_get_store (cb_window_get_session (window)));
  CB_TEST_WAIT_FOR (g_list_model_get_n_items (journal) == 1, TIMEOUT_MS, "the journal entry");
  cb_window_show_page (window, "journal");
  CB_TEST_WAIT_FOR (find_widget (GTK_WIDGET (window), match_journal_row, (gpointer) "Ben Ott") != NULL,
                    TIMEOUT_MS, "the journal row");
  g_free (screenshot (GTK_WIDGET (window), "journal"));

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

static gboolean
match_action (GtkWidget *widget,
              gpointer   data)
{
  return GTK_IS_ACTIONABLE (widget) && gtk_widget_get_visible (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), data) == 0;
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

/* Where each control of a card is, in the card's coordinates. */
#define N_CONTROLS 5
static const char *control_names[N_CONTROLS] = {
  "mute-button", "hold-button", "keypad-button", "transfer-button", "hangup-button",
};

typedef struct {
  graphene_rect_t bounds[N_CONTROLS];
} ControlPlaces;

static void
control_places (GtkWidget     *row,
                ControlPlaces *places)
{
  /* A frame after the change: the new allocation. */
  cb_test_app_wait_for_frame (row);
  for (guint i = 0; i < N_CONTROLS; i++)
    {
      GtkWidget *control = find_widget (row, match_name, (gpointer) control_names[i]);

      g_assert_nonnull (control);
      g_assert_true (gtk_widget_get_mapped (control));
      g_assert_true (gtk_widget_compute_bounds (control, row, &places->bounds[i]));
    }
}

static void
assert_same_places (const ControlPlaces *a,
                    const ControlPlaces *b)
{
  for (guint i = 0; i < N_CONTROLS; i++)
    {
      g_test_message ("%s at %.0f,%.0f", control_names[i], b->bounds[i].origin.x, b->bounds[i].origin.y);
      g_assert_true (graphene_rect_equal (&a->bounds[i], &b->bounds[i]));
    }
}

/* The narrowest the card can be: what it asks of the column. */
static int
minimum_width (GtkWidget *widget)
{
  int minimum = 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  return minimum;
}

static const char *
connect_label (GtkWidget *row)
{
  GtkWidget *button = find_widget (row, match_name, (gpointer) "connect-button");

  g_assert_nonnull (button);
  if (!gtk_widget_get_mapped (button))
    return NULL;
  return gtk_label_get_text (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))));
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

  /* Hold and resume: the server sees both; no control moves, the hold
   * toggle is on while held and says what a press does now. */
  {
    ControlPlaces before;
    ControlPlaces held;
    GtkToggleButton *hold = GTK_TOGGLE_BUTTON (find_widget (row, match_name, (gpointer) "hold-button"));

    control_places (row, &before);
    g_assert_false (gtk_toggle_button_get_active (hold));
    g_assert_true (gtk_widget_activate_action (row, "call.toggle-hold", NULL));
    wait_server_call (scene.stream, "202", "held");
    g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_HELD);
    control_places (row, &held);
    assert_same_places (&before, &held);
    g_assert_true (gtk_toggle_button_get_active (hold));
    g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (hold)), ==, german ? "Fortsetzen" : "Resume");
    g_free (screenshot (row, "call-card-held"));
    g_assert_true (gtk_widget_activate_action (row, "call.toggle-hold", NULL));
    wait_server_call (scene.stream, "202", "connected");
    g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_CONNECTED);
    g_assert_false (gtk_toggle_button_get_active (hold));

    /* Mute likewise. */
    g_assert_true (gtk_widget_activate_action (row, "call.toggle-mute", NULL));
    control_places (row, &held);
    assert_same_places (&before, &held);
    g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (find_widget (row, match_name,
                                                                                 (gpointer) "mute-button"))));
    g_assert_true (gtk_widget_activate_action (row, "call.toggle-mute", NULL));
    g_assert_false (cb_call_get_muted (call));
  }

  /* The keypad: a digit reaches Ben as RFC 4733 DTMF. */
  g_assert_true (gtk_widget_activate_action (row, "call.dtmf", "s", "5"));
  CB_TEST_WAIT_FOR (strchr (scene.ben.dtmf->str, '5') != NULL, TIMEOUT_MS, "Ben to receive the 5");

  /* The keypad popover holds the twelve keys. */
  button = find_widget (row, match_name, (gpointer) "keypad-button");
  g_assert_nonnull (button);
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  CB_TEST_WAIT_FOR (gtk_widget_get_mapped (popover), TIMEOUT_MS, "the keypad");
  g_free (screenshot (popover, "keypad"));
  gtk_popover_popdown (GTK_POPOVER (popover));

  /* The picker: Carla by name, Enter forwards to the only match. */
  button = find_widget (row, match_name, (gpointer) "transfer-button");
  g_assert_nonnull (button);
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  CB_TEST_WAIT_FOR (gtk_widget_get_mapped (popover), TIMEOUT_MS, "the transfer picker");
  search = find_widget (popover, match_type, GSIZE_TO_POINTER (GTK_TYPE_SEARCH_ENTRY));
  list = GTK_LIST_BOX (find_widget (popover, match_type, GSIZE_TO_POINTER (GTK_TYPE_LIST_BOX)));
  /* Everyone but Anna and Ben, whose call it is: Carla and Otto. */
  CB_TEST_WAIT_FOR (gtk_list_box_get_row_at_index (list, 1) != NULL, TIMEOUT_MS, "the picker's list");
  g_assert_null (gtk_list_box_get_row_at_index (list, 2));
  /* Typed in the search, as a user would (the window active). */
  gtk_window_present (GTK_WINDOW (gtk_widget_get_root (row)));
  CB_TEST_WAIT_FOR (gtk_window_is_active (GTK_WINDOW (gtk_widget_get_root (row))), TIMEOUT_MS,
                    "the window to be active");
  g_assert_true (gtk_widget_grab_focus (search));
  g_assert_true (gtk_widget_has_focus (gtk_root_get_focus (gtk_widget_get_root (row))));
  gtk_editable_set_text (GTK_EDITABLE (search), "carl");
  CB_TEST_WAIT_FOR (gtk_list_box_get_row_at_index (list, 0) != NULL &&
                    gtk_list_box_get_row_at_index (list, 1) == NULL, TIMEOUT_MS, "Carla alone");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (list, 0))),
                   ==, "Carla Diaz");
  g_free (screenshot (popover, "transfer-picker"));
  g_signal_emit_by_name (search, "activate");

  /* Ben now talks to Carla; Anna's call is over. */
  CB_TEST_WAIT_FOR (peer_in_state (&scene.carla, CB_SIP_CALL_STATE_ACTIVE), TIMEOUT_MS,
                    "Carla to get the call");
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_ENDED, TIMEOUT_MS, "Anna's call to end");
  /* Focus left the closed picker: a search entry still focused there
   * when the card greys its button would keep blinking (GTK 4.8 warns,
   * fatally here). */
  g_assert_false (gtk_widget_get_mapped (popover));
  {
    GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (row));

    g_assert_true (focus == NULL || !gtk_widget_is_ancestor (focus, popover));
  }
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

static gboolean
match_label_text (GtkWidget *widget,
                  gpointer   data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), data) == 0;
}

/* A mapped journal row whose subtitle holds @data. */
static gboolean
match_journal_subtitle (GtkWidget *widget,
                        gpointer   data)
{
  const char *subtitle;

  if (!ADW_IS_ACTION_ROW (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
  return subtitle != NULL && strstr (subtitle, data) != NULL;
}

/* Consult Carla about Ben: Anna's softphone places the call the server
 * asks for without ringing, the two cards become a pair. Cancel resumes
 * Ben; a second consultation is completed and Ben talks to Carla, which
 * Anna's journal says of each call: where it went on to. */
static void
test_consultation (gconstpointer data)
{
  Scene scene = { NULL };
  GtkWidget *row;
  GtkWidget *consultation_row;
  CbCall *call;
  CbCall *consultation;
  GtkWidget *journal_row;
  g_autofree char *to_carla = NULL;
  g_autofree char *to_ben = NULL;
  int width_alone;

  scene_start (&scene, (CbTestServer *) data);
  row = scene.row;
  call = scene.call;
  cb_test_app_wait_for_frame (row);
  width_alone = minimum_width (row);
  g_assert_null (connect_label (row));

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
  CB_TEST_WAIT_FOR ((consultation_row = find_widget (GTK_WIDGET (scene.window), match_card_of,
                                                     consultation)) != NULL,
                    TIMEOUT_MS, "the consultation's card");
  cb_test_app_wait_for_frame (row);
  /* Both cards say what goes where, the held party first; the pair's
   * actions do not widen the column. */
  g_assert_cmpstr (connect_label (row), ==,
                   german ? "Ben Ott mit Carla Diaz verbinden" : "Connect Ben Ott with Carla Diaz");
  g_assert_cmpstr (connect_label (consultation_row), ==, connect_label (row));
  g_assert_cmpint (minimum_width (row), <=, width_alone);
  g_assert_cmpint (minimum_width (consultation_row), <=, width_alone);
  g_free (screenshot (GTK_WIDGET (scene.window), "consultation"));

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
  /* The "Connect Ben Ott with Carla Diaz" button. The ended cards stay
   * long enough to be read here, and each says where its call went. */
  g_object_set (window_softphone (scene.window), "ended-linger-ms", 60000, NULL);
  g_assert_true (gtk_widget_activate_action (row, "call.connect", NULL));
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_ENDED &&
                    cb_call_get_state (consultation) == CB_CALL_STATE_ENDED,
                    TIMEOUT_MS, "Anna's two calls to end");
  to_carla = g_strdup_printf (_("Forwarded to %s"), "Carla Diaz");
  to_ben = g_strdup_printf (_("Forwarded to %s"), "Ben Ott");
  CB_TEST_WAIT_FOR (find_widget (row, match_label_text, to_ben) != NULL &&
                    find_widget (scene.row, match_label_text, to_carla) != NULL,
                    TIMEOUT_MS, "the ended cards to say where each call went");
  g_free (screenshot (GTK_WIDGET (scene.window), "call-cards-forwarded"));
  /* Ben's call was held on its way: its ended card shows no toggle
   * pressed, as if it could be resumed. */
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (find_widget (scene.row, match_action,
                                                                               (gpointer) "call.toggle-hold"))));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (find_widget (row, match_action,
                                                                               (gpointer) "call.toggle-hold"))));
  g_object_set (window_softphone (scene.window), "ended-linger-ms", 2000, NULL);
  g_assert_true (peer_in_state (&scene.ben, CB_SIP_CALL_STATE_ACTIVE));
  g_assert_true (peer_in_state (&scene.carla, CB_SIP_CALL_STATE_ACTIVE));
  cb_sip_call_hangup (scene.ben.call);
  CB_TEST_WAIT_FOR (peer_in_state (&scene.carla, CB_SIP_CALL_STATE_ENDED), TIMEOUT_MS,
                    "Ben and Carla to hang up");

  cb_window_show_page (scene.window, "journal");
  CB_TEST_WAIT_FOR ((journal_row = find_widget (GTK_WIDGET (scene.window), match_journal_subtitle,
                                                to_carla)) != NULL,
                    TIMEOUT_MS, "the journal to say Ben's call went on to Carla");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (journal_row)), ==, "Ben Ott");
  CB_TEST_WAIT_FOR ((journal_row = find_widget (GTK_WIDGET (scene.window), match_journal_subtitle,
                                                to_ben)) != NULL,
                    TIMEOUT_MS, "the journal to say the consultation went on to Ben");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (journal_row)), ==, "Carla Diaz");
  g_free (screenshot (GTK_WIDGET (scene.window), "journal-forwarded"));

  g_object_unref (consultation);
  scene_finish (&scene);
}

/* Ben calls Anna, her desk phone answers: the card follows the call onto
 * the desk phone and controls it over REST.
 * Before the desk phone registers, calling from it says so in the
 * user's language (the server's refusal has a code of its own). */
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
  g_autofree char *told = NULL;

  g_assert_no_error (stream->error);
  peer_start_line (&ben, server, "ben", NULL, NULL);

  told = g_strdup_printf (_("Could not call from the desk phone: %s"),
                          _("Your desk phone is not registered right now."));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "contact.dial-from-desk", "s", "202"));
  CB_TEST_WAIT_FOR (find_widget (GTK_WIDGET (window), match_label_text, told) != NULL, TIMEOUT_MS,
                    "the toast saying the desk phone is not registered");
  g_free (screenshot (GTK_WIDGET (window), "desk-phone-not-registered"));

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
  g_free (screenshot (row, "call-card-desk-phone"));

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
  {
    GtkWidget *call_button = find_widget (page, match_type, GSIZE_TO_POINTER (ADW_TYPE_SPLIT_BUTTON));
    int softphone_width;

    cb_test_app_wait_for_frame (call_button);
    softphone_width = gtk_widget_get_width (call_button);
    g_assert_true (gtk_widget_activate_action (page, "calls.call-from", "s", "desk"));
    /* The button says which phone without growing. */
    cb_test_app_wait_for_frame (call_button);
    g_assert_cmpint (gtk_widget_get_width (call_button), ==, softphone_width);
    /* Its tooltip is off while its menu shows (GTK 4.8 would leave it
     * over the menu's first item), back once the menu closes. */
    g_assert_true (gtk_widget_get_has_tooltip (call_button));
    adw_split_button_popup (ADW_SPLIT_BUTTON (call_button));
    CB_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (adw_split_button_get_popover (ADW_SPLIT_BUTTON (call_button)))),
                      TIMEOUT_MS, "the Call button's menu");
    g_assert_false (gtk_widget_get_has_tooltip (call_button));
    adw_split_button_popdown (ADW_SPLIT_BUTTON (call_button));
    CB_TEST_WAIT_FOR (!gtk_widget_get_mapped (GTK_WIDGET (adw_split_button_get_popover (ADW_SPLIT_BUTTON (call_button)))),
                      TIMEOUT_MS, "the Call button's menu to close");
    g_assert_true (gtk_widget_get_has_tooltip (call_button));
  }
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

/* The card of the call placed to @number (live or ended). */
static gboolean
match_card_to (GtkWidget *widget,
               gpointer   data)
{
  CbCall *call;

  if (!CB_IS_CALL_ROW (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;
  call = cb_call_row_get_call (CB_CALL_ROW (widget));
  return call != NULL && cb_call_get_direction (call) == CB_CALL_DIRECTION_OUT &&
         g_strcmp0 (cb_call_get_remote_number (call), data) == 0;
}

static CbJournalEntry *
newest_entry (CbWindow *window)
{
  GListModel *journal = cb_client_store_get_journal (cb_session_get_store (cb_window_get_session (window)));
  g_autoptr(CbJournalEntry) entry = g_list_model_get_item (journal, 0);

  return entry;   /* the store keeps it */
}

/* Anna calls Ben, who is on a call with Carla: his phone refuses (486).
 * The card says why until it is dismissed, with Call Again; the journal
 * has the call, "not reached (busy)". A number nobody has says so too. */
static void
test_failed_call (gconstpointer data)
{
  g_autofree char *not_a_number = NULL;
  g_autofree char *several = NULL;
  GtkEditable *dial_entry;
  CbTestServer *server = (CbTestServer *) data;
  g_autofree char *token = cb_test_sign_in (server, "anna", "pw", NULL);
  CbTestStream *stream = cb_test_stream_open (server, token, -1, TRUE);
  CbWindow *window = signed_in_window (server);
  Peer ben = { NULL };
  Peer carla = { .auto_answer = TRUE };
  g_autoptr(CbSipCall) with_carla = NULL;
  g_autoptr(CbCall) call = NULL;
  CbJournalEntry *entry = NULL;
  GtkWidget *row;

  peer_start_line (&ben, server, "ben", NULL, NULL);
  peer_start_line (&carla, server, "carla", NULL, NULL);
  peer_dial (&ben, "203");
  CB_TEST_WAIT_FOR (peer_in_state (&ben, CB_SIP_CALL_STATE_ACTIVE), TIMEOUT_MS, "Ben talking to Carla");
  with_carla = g_object_ref (ben.call);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.dial", "s", "202"));
  CB_TEST_WAIT_FOR (ben.call != with_carla && peer_in_state (&ben, CB_SIP_CALL_STATE_INCOMING),
                    TIMEOUT_MS, "Anna's call to reach Ben's phone");
  cb_sip_call_hangup (ben.call);

  CB_TEST_WAIT_FOR ((row = find_widget (GTK_WIDGET (window), match_card_to, (gpointer) "202")) != NULL &&
                    cb_call_get_state (cb_call_row_get_call (CB_CALL_ROW (row))) == CB_CALL_STATE_ENDED,
                    TIMEOUT_MS, "the call to end");
  call = g_object_ref (cb_call_row_get_call (CB_CALL_ROW (row)));
  g_assert_cmpint (cb_call_get_failure (call), ==, CB_CALL_FAILURE_BUSY);
  g_assert_nonnull (find_widget (row, match_label_text,
                                 german ? "Nicht erreicht: besetzt" : "Not reached: busy"));
  g_assert_true (gtk_widget_get_mapped (find_widget (row, match_name, (gpointer) "call-again-button")));
  g_assert_true (gtk_widget_get_mapped (find_widget (row, match_name, (gpointer) "dismiss-button")));

  /* Journaled for Anna: not reached (busy). */
  CB_TEST_WAIT_FOR ((entry = newest_entry (window)) != NULL &&
                    g_strcmp0 (cb_journal_entry_get_call_id (entry), cb_call_get_server_id (call)) == 0,
                    TIMEOUT_MS, "Anna's journal entry of the call");
  g_assert_cmpint (cb_journal_entry_get_outcome (entry), ==, CB_CALL_OUTCOME_BUSY);
  g_assert_false (cb_journal_entry_get_incoming (entry));
  /* A call that ended normally would have left by now (the linger is
   * 2 s): this one stays until dismissed. */
  cb_test_run_for (2500);
  g_assert_true (find_widget (GTK_WIDGET (window), match_card_of, call) != NULL);
  g_free (screenshot (row, "call-card-busy"));
  g_free (screenshot (GTK_WIDGET (window), "calls-busy"));

  cb_window_show_page (window, "journal");
  CB_TEST_WAIT_FOR (find_widget (GTK_WIDGET (window), match_journal_row, (gpointer) "Ben Ott") != NULL,
                    TIMEOUT_MS, "the journal row");
  {
    GtkWidget *journal_row = find_widget (GTK_WIDGET (window), match_journal_row, (gpointer) "Ben Ott");
    const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (journal_row));

    g_test_message ("Journal row: %s", subtitle);
    g_assert_true (g_str_has_prefix (subtitle, german ? "Nicht erreicht (besetzt)" : "Not reached (busy)"));
  }

  /* Call Again: the same number, and the old card goes. */
  g_assert_true (gtk_widget_activate_action (row, "call.call-again", NULL));
  CB_TEST_WAIT_FOR (find_widget (GTK_WIDGET (window), match_card_of, call) == NULL &&
                    peer_in_state (&ben, CB_SIP_CALL_STATE_INCOMING),
                    TIMEOUT_MS, "the call again");
  cb_sip_call_hangup (ben.call);
  /* The server's reason may come before the phone's answer: the card is
   * done once the call has ended too. */
  CB_TEST_WAIT_FOR ((row = find_widget (GTK_WIDGET (window), match_card_to, (gpointer) "202")) != NULL &&
                    cb_call_get_failure (cb_call_row_get_call (CB_CALL_ROW (row))) == CB_CALL_FAILURE_BUSY &&
                    cb_call_get_state (cb_call_row_get_call (CB_CALL_ROW (row))) == CB_CALL_STATE_ENDED,
                    TIMEOUT_MS, "the second try to fail");
  g_clear_object (&call);
  call = g_object_ref (cb_call_row_get_call (CB_CALL_ROW (row)));
  g_assert_true (gtk_widget_activate_action (row, "call.dismiss", NULL));
  CB_TEST_WAIT_FOR (find_widget (GTK_WIDGET (window), match_card_of, call) == NULL, TIMEOUT_MS,
                    "the card to go");

  /* No such number. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.dial", "s", "299"));
  CB_TEST_WAIT_FOR ((row = find_widget (GTK_WIDGET (window), match_card_to, (gpointer) "299")) != NULL &&
                    cb_call_get_failure (cb_call_row_get_call (CB_CALL_ROW (row))) != CB_CALL_FAILURE_NONE &&
                    cb_call_get_state (cb_call_row_get_call (CB_CALL_ROW (row))) == CB_CALL_STATE_ENDED,
                    TIMEOUT_MS, "the call to a number nobody has to fail");
  g_assert_cmpint (cb_call_get_failure (cb_call_row_get_call (CB_CALL_ROW (row))), ==,
                   CB_CALL_FAILURE_NOT_FOUND);
  /* A number nobody has: no initials made of its first digit or "+",
   * the plain avatar. */
  {
    const char *initials = adw_avatar_get_text (ADW_AVATAR (find_widget (row, match_type,
                                                                         GSIZE_TO_POINTER (ADW_TYPE_AVATAR))));

    g_assert_cmpstr (initials != NULL ? initials : "", ==, "");
  }
  g_assert_true (gtk_widget_activate_action (row, "call.dismiss", NULL));
  CB_TEST_WAIT_FOR (find_widget (GTK_WIDGET (window), match_card_to, (gpointer) "299") == NULL, TIMEOUT_MS,
                    "the card of 299 to go");

  /* A name nobody has, typed and entered: nothing is placed, and the
   * toast says why in the user's language (the phone library's words
   * were English: "“Mueller” is not a phone number"). */
  not_a_number = g_strdup_printf (_("Could not call %s: %s"), "Mueller",
                                  _("That is neither a colleague's name nor a phone number."));
  dial_entry = cb_calls_page_get_entry (CB_CALLS_PAGE (find_widget (GTK_WIDGET (window), match_type,
                                                                   GSIZE_TO_POINTER (CB_TYPE_CALLS_PAGE))));
  gtk_editable_set_text (dial_entry, "Mueller");
  g_signal_emit_by_name (dial_entry, "activate");
  CB_TEST_WAIT_FOR (find_widget (GTK_WIDGET (window), match_label_text, not_a_number) != NULL, TIMEOUT_MS,
                    "the toast saying Mueller is neither a name nor a number");
  g_assert_null (find_widget (GTK_WIDGET (window), match_card_to, (gpointer) "Mueller"));
  g_free (screenshot (GTK_WIDGET (window), "dial-not-a-number"));

  /* Part of a name: "ott" is Ben Ott's and Otto Lenz's, so nothing is
   * placed and the toast asks for one of them; "ben o" is Ben's alone,
   * and calls him. */
  several = g_strdup_printf (_("Several colleagues match “%s”: pick one from the list."), "ott");
  gtk_editable_set_text (dial_entry, "ott");
  g_signal_emit_by_name (dial_entry, "activate");
  CB_TEST_WAIT_FOR (find_widget (GTK_WIDGET (window), match_label_text, several) != NULL, TIMEOUT_MS,
                    "the toast asking which colleague");
  g_assert_cmpstr (gtk_editable_get_text (dial_entry), ==, "ott");
  gtk_editable_set_text (dial_entry, "ben o");
  g_signal_emit_by_name (dial_entry, "activate");
  CB_TEST_WAIT_FOR (peer_in_state (&ben, CB_SIP_CALL_STATE_INCOMING), TIMEOUT_MS, "Ben's phone to ring");
  /* Nothing was placed for "ott": its card would be there by now, as
   * the one for "ben o" is. */
  g_assert_null (find_widget (GTK_WIDGET (window), match_card_to, (gpointer) "205"));
  g_assert_null (find_widget (GTK_WIDGET (window), match_card_to, (gpointer) "ott"));
  cb_sip_call_hangup (ben.call);
  CB_TEST_WAIT_FOR ((row = find_widget (GTK_WIDGET (window), match_card_to, (gpointer) "202")) != NULL &&
                    cb_call_get_state (cb_call_row_get_call (CB_CALL_ROW (row))) == CB_CALL_STATE_ENDED,
                    TIMEOUT_MS, "the call to Ben to end");
  g_assert_true (gtk_widget_activate_action (row, "call.dismiss", NULL));

  cb_sip_call_hangup (with_carla);
  CB_TEST_WAIT_FOR (peer_in_state (&carla, CB_SIP_CALL_STATE_ENDED), TIMEOUT_MS, "Ben and Carla to hang up");
  cb_test_stream_close (stream);
  ben_clear (&ben);
  ben_clear (&carla);
  close_window (window);
}

/* Ben's call is answered, then Carla's (Ben goes on hold): both cards
 * offer Swap, Connect and Conference; Swap from Ben's card brings him
 * back and holds Carla, and the other way. Conference from the held
 * card: one card (the call talking) lists Ben and Carla, Ben's call is
 * gone into it; leaving it leaves the two talking. */
static void
test_two_calls (gconstpointer data)
{
  CbTestServer *server = (CbTestServer *) data;
  g_autofree char *token = cb_test_sign_in (server, "anna", "pw", NULL);
  CbTestStream *stream = cb_test_stream_open (server, token, -1, TRUE);
  CbWindow *window = signed_in_window (server);
  Peer ben = { NULL };
  Peer carla = { NULL };
  GtkWidget *ben_row;
  GtkWidget *carla_row;
  CbCall *ben_call;
  CbCall *carla_call;

  peer_start_line (&ben, server, "ben", NULL, NULL);
  peer_start_line (&carla, server, "carla", NULL, NULL);
  ben_row = ben_calls_anna (window, &ben);
  ben_call = g_object_ref (cb_call_row_get_call (CB_CALL_ROW (ben_row)));

  peer_dial (&carla, "201");
  carla_row = wait_for_row (window, "203", FALSE);
  carla_call = g_object_ref (cb_call_row_get_call (CB_CALL_ROW (carla_row)));
  CB_TEST_WAIT_FOR (cb_call_get_state (carla_call) == CB_CALL_STATE_RINGING, TIMEOUT_MS, "Carla's call to ring");
  g_assert_true (gtk_widget_activate_action (carla_row, "call.answer", NULL));
  CB_TEST_WAIT_FOR (cb_call_get_state (carla_call) == CB_CALL_STATE_CONNECTED &&
                    cb_call_get_state (ben_call) == CB_CALL_STATE_HELD &&
                    peer_in_state (&carla, CB_SIP_CALL_STATE_ACTIVE),
                    TIMEOUT_MS, "Carla connected, Ben held");
  cb_test_app_wait_for_frame (ben_row);
  g_assert_cmpstr (connect_label (ben_row), ==,
                   german ? "Ben Ott mit Carla Diaz verbinden" : "Connect Ben Ott with Carla Diaz");
  g_assert_true (gtk_widget_get_mapped (find_widget (ben_row, match_name, (gpointer) "swap-button")));
  g_assert_true (gtk_widget_get_mapped (find_widget (carla_row, match_name, (gpointer) "conference-button")));
  g_free (screenshot (GTK_WIDGET (window), "calls-two-calls"));

  /* Swap from the held card: Ben back, Carla held, as the server says. */
  g_assert_true (gtk_widget_activate_action (ben_row, "call.swap", NULL));
  /* The one talking is held first, then the other resumed. */
  wait_server_call (stream, "203", "held");
  wait_server_call (stream, "202", "connected");
  CB_TEST_WAIT_FOR (cb_call_get_state (ben_call) == CB_CALL_STATE_CONNECTED &&
                    cb_call_get_state (carla_call) == CB_CALL_STATE_HELD,
                    TIMEOUT_MS, "Ben connected, Carla held");
  /* And back, from the card of the call that talks now. */
  g_assert_true (gtk_widget_activate_action (ben_row, "call.swap", NULL));
  wait_server_call (stream, "203", "connected");
  CB_TEST_WAIT_FOR (cb_call_get_state (ben_call) == CB_CALL_STATE_HELD &&
                    cb_call_get_state (carla_call) == CB_CALL_STATE_CONNECTED,
                    TIMEOUT_MS, "Carla connected, Ben held again");

  /* Conference: one card listing both, Ben's call gone into it. */
  g_assert_true (gtk_widget_activate_action (ben_row, "call.conference", NULL));
  CB_TEST_WAIT_FOR (cb_call_get_conference_parties (carla_call) != NULL &&
                    g_strv_length ((char **) cb_call_get_conference_parties (carla_call)) == 2 &&
                    cb_call_get_state (ben_call) == CB_CALL_STATE_ENDED &&
                    cb_call_get_state (carla_call) == CB_CALL_STATE_CONNECTED,
                    TIMEOUT_MS, "the conference on Carla's card");
  g_assert_true (g_strv_contains (cb_call_get_conference_parties (carla_call), "Ben Ott"));
  g_assert_true (g_strv_contains (cb_call_get_conference_parties (carla_call), "Carla Diaz"));
  g_assert_cmpint (cb_call_get_failure (ben_call), ==, CB_CALL_FAILURE_NONE);
  cb_test_app_wait_for_frame (carla_row);
  g_assert_nonnull (find_widget (carla_row, match_label_text, german ? "Konferenz" : "Conference"));
  g_assert_nonnull (find_widget (carla_row, match_label_text, (gpointer) "Ben Ott"));
  g_assert_nonnull (find_widget (carla_row, match_label_text, (gpointer) "Carla Diaz"));
  CB_TEST_WAIT_FOR (find_widget (GTK_WIDGET (window), match_card_of, ben_call) == NULL, TIMEOUT_MS,
                    "Ben's own card to go");
  g_assert_true (peer_in_state (&ben, CB_SIP_CALL_STATE_ACTIVE));
  g_assert_true (peer_in_state (&carla, CB_SIP_CALL_STATE_ACTIVE));
  g_free (screenshot (GTK_WIDGET (window), "calls-conference"));

  /* Leaving: Anna's call ends, Ben and Carla stay in the mix. */
  g_assert_true (gtk_widget_activate_action (carla_row, "call.hangup", NULL));
  CB_TEST_WAIT_FOR (cb_call_get_state (carla_call) == CB_CALL_STATE_ENDED, TIMEOUT_MS, "Anna to leave");
  g_assert_true (peer_in_state (&ben, CB_SIP_CALL_STATE_ACTIVE));
  g_assert_true (peer_in_state (&carla, CB_SIP_CALL_STATE_ACTIVE));
  cb_sip_call_hangup (ben.call);
  CB_TEST_WAIT_FOR (peer_in_state (&ben, CB_SIP_CALL_STATE_ENDED) &&
                    peer_in_state (&carla, CB_SIP_CALL_STATE_ENDED),
                    TIMEOUT_MS, "the conference to end");
  g_object_unref (ben_call);
  g_object_unref (carla_call);
  cb_test_stream_close (stream);
  ben_clear (&ben);
  ben_clear (&carla);
  close_window (window);
}

/* --- notifications, as the notification server is asked --- */

/* A private session bus (run-gui-test.sh) with notification-daemon on it,
 * and a monitor connection (BecomeMonitor) that records what the window
 * asks of it: Notify calls with their answers, CloseNotification, and
 * NotificationClosed. */
typedef struct {
  GSubprocess     *daemon;
  GDBusConnection *monitor;
  GMutex           lock;
  GPtrArray       *messages;   /* GDBusMessage, in order */
} Notifications;

static Notifications notifications;

/* Runs in GDBus's worker thread: keeps a copy, and consumes it (a
 * monitor must never answer). */
static GDBusMessage *
on_monitored (GDBusConnection *connection,
              GDBusMessage    *message,
              gboolean         incoming,
              gpointer         user_data)
{
  Notifications *n = user_data;

  /* Our own call (BecomeMonitor) and its answer go their way. */
  if (!incoming ||
      g_strcmp0 (g_dbus_message_get_destination (message), g_dbus_connection_get_unique_name (connection)) == 0)
    return message;
  g_mutex_lock (&n->lock);
  g_ptr_array_add (n->messages, g_object_ref (message));
  g_mutex_unlock (&n->lock);
  /* The waits run the main context: have it look again. */
  g_main_context_wakeup (NULL);
  g_object_unref (message);
  return NULL;
}

/* The watch tells the main loop, which the waits run. */
static void
on_server_appeared (GDBusConnection *connection,
                    const char      *name,
                    const char      *owner,
                    gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
notifications_start (void)
{
  static const char *rules[] = {
    "type='method_call',interface='org.freedesktop.Notifications'",
    "type='method_return'",
    "type='signal',interface='org.freedesktop.Notifications'",
    NULL
  };
  const char *path = "/usr/lib/notification-daemon/notification-daemon";
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GVariant) result = NULL;
  gboolean ready = FALSE;
  guint watch;

  if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  watch = g_bus_watch_name (G_BUS_TYPE_SESSION, "org.freedesktop.Notifications",
                            G_BUS_NAME_WATCHER_FLAGS_NONE, on_server_appeared, NULL, &ready, NULL);
  {
    /* A GTK 3 program: without NO_AT_BRIDGE it starts the accessibility
     * bus, whose registry writes into the test's output (not TAP). */
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);

    g_subprocess_launcher_setenv (launcher, "NO_AT_BRIDGE", "1", TRUE);
    notifications.daemon = g_subprocess_launcher_spawn (launcher, &error, path, NULL);
    g_assert_no_error (error);
  }
  CB_TEST_WAIT_FOR (ready, TIMEOUT_MS, "notification-daemon on the bus");
  g_bus_unwatch_name (watch);

  g_mutex_init (&notifications.lock);
  notifications.messages = g_ptr_array_new_with_free_func (g_object_unref);
  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  notifications.monitor =
    g_dbus_connection_new_for_address_sync (address,
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_add_filter (notifications.monitor, on_monitored, &notifications, NULL);
  result = g_dbus_connection_call_sync (notifications.monitor, "org.freedesktop.DBus",
                                        "/org/freedesktop/DBus", "org.freedesktop.DBus.Monitoring",
                                        "BecomeMonitor", g_variant_new ("(^asu)", rules, 0),
                                        NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  return TRUE;
}

static void
notifications_stop (void)
{
  if (notifications.daemon == NULL)
    return;
  g_dbus_connection_close_sync (notifications.monitor, NULL, NULL);
  g_clear_object (&notifications.monitor);
  g_subprocess_force_exit (notifications.daemon);
  g_subprocess_wait (notifications.daemon, NULL, NULL);
  g_clear_object (&notifications.daemon);
  g_clear_pointer (&notifications.messages, g_ptr_array_unref);
  g_mutex_clear (&notifications.lock);
}

/* What the window asked, read off the monitor's copies. */
typedef struct {
  guint32  serial;         /* of the Notify call */
  guint32  replaces_id;
  char    *summary;
  gint32   expire_timeout;
  guchar   urgency;
  guint32  id;             /* from its answer; 0 until then */
} NotifyCall;

static void
notify_call_clear (NotifyCall *call)
{
  g_free (call->summary);
}

/* Every Notify call so far (with the ids their answers gave), how many
 * CloseNotification calls named @id and how many NotificationClosed
 * signals did. */
static GArray *
notify_calls (guint32  id,
              guint   *closes,
              guint   *closed)
{
  GArray *calls = g_array_new (FALSE, TRUE, sizeof (NotifyCall));

  g_array_set_clear_func (calls, (GDestroyNotify) notify_call_clear);
  *closes = *closed = 0;
  g_mutex_lock (&notifications.lock);
  for (guint i = 0; i < notifications.messages->len; i++)
    {
      GDBusMessage *message = g_ptr_array_index (notifications.messages, i);
      GVariant *body = g_dbus_message_get_body (message);
      const char *member = g_dbus_message_get_member (message);
      GDBusMessageType type = g_dbus_message_get_message_type (message);

      if (type == G_DBUS_MESSAGE_TYPE_METHOD_CALL && g_strcmp0 (member, "Notify") == 0)
        {
          NotifyCall call = { g_dbus_message_get_serial (message) };
          g_autoptr(GVariant) hints = NULL;

          g_variant_get (body, "(&su&s&s&s^a&s@a{sv}i)", NULL, &call.replaces_id, NULL,
                         &call.summary, NULL, NULL, &hints, &call.expire_timeout);
          call.summary = g_strdup (call.summary);
          g_variant_lookup (hints, "urgency", "y", &call.urgency);
          g_array_append_val (calls, call);
        }
      else if (type == G_DBUS_MESSAGE_TYPE_METHOD_RETURN && body != NULL &&
               g_variant_is_of_type (body, G_VARIANT_TYPE ("(u)")))
        {
          for (guint j = 0; j < calls->len; j++)
            if (g_array_index (calls, NotifyCall, j).serial == g_dbus_message_get_reply_serial (message))
              g_variant_get (body, "(u)", &g_array_index (calls, NotifyCall, j).id);
        }
      else if (type == G_DBUS_MESSAGE_TYPE_METHOD_CALL && g_strcmp0 (member, "CloseNotification") == 0)
        {
          guint32 closing = 0;

          g_variant_get (body, "(u)", &closing);
          *closes += closing == id;
        }
      else if (type == G_DBUS_MESSAGE_TYPE_SIGNAL && g_strcmp0 (member, "NotificationClosed") == 0)
        {
          guint32 gone = 0;

          g_variant_get (body, "(uu)", &gone, NULL);
          *closed += gone == id;
        }
    }
  g_mutex_unlock (&notifications.lock);
  return calls;
}

/* The newest Notify with this summary (and its answer), or NULL. */
static const NotifyCall *
find_notify (GArray     *calls,
             const char *summary)
{
  for (guint i = calls->len; i > 0; i--)
    {
      const NotifyCall *call = &g_array_index (calls, NotifyCall, i - 1);

      if (g_strcmp0 (call->summary, summary) == 0 && call->id != 0)
        return call;
    }
  return NULL;
}

static gboolean
notified (const char *summary,
          guint32     replaces_id)
{
  guint closes, closed;
  g_autoptr(GArray) calls = notify_calls (0, &closes, &closed);
  const NotifyCall *call = find_notify (calls, summary);

  return call != NULL && (replaces_id == 0 || call->replaces_id == replaces_id);
}

static guint
count_notify (const char *summary)
{
  guint closes, closed, n = 0;
  g_autoptr(GArray) calls = notify_calls (0, &closes, &closed);

  for (guint i = 0; i < calls->len; i++)
    n += g_strcmp0 (g_array_index (calls, NotifyCall, i).summary, summary) == 0 &&
         g_array_index (calls, NotifyCall, i).id != 0;
  return n;
}

static guint32
newest_notify_id (const char *summary)
{
  guint closes, closed;
  g_autoptr(GArray) calls = notify_calls (0, &closes, &closed);
  const NotifyCall *call = find_notify (calls, summary);

  return call != NULL ? call->id : 0;
}

static guint
count_closes (guint32 id)
{
  guint closes, closed;
  g_autoptr(GArray) calls = notify_calls (id, &closes, &closed);

  return closes;
}

static guint
count_member (const char *member)
{
  guint n = 0;

  g_mutex_lock (&notifications.lock);
  for (guint i = 0; i < notifications.messages->len; i++)
    n += g_strcmp0 (g_dbus_message_get_member (g_ptr_array_index (notifications.messages, i)), member) == 0;
  g_mutex_unlock (&notifications.lock);
  return n;
}

/* Everything this process sent the notification server before has been
 * seen by the monitor once a later call of ours (on the same shared bus
 * connection, so in order) has. */
static void
monitor_barrier (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) info = NULL;
  guint before = count_member ("GetServerInformation");

  info = g_dbus_connection_call_sync (bus, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                                      "org.freedesktop.Notifications", "GetServerInformation",
                                      NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  g_assert_nonnull (info);
  CB_TEST_WAIT_FOR (count_member ("GetServerInformation") > before, TIMEOUT_MS, "the monitor's barrier");
}

/* The id of the newest journal entry when @remember, else the one
 * remembered last. */
static gint64
entries_before_decline (CbWindow *window,
                        gboolean  remember)
{
  static gint64 newest_id;

  if (remember)
    newest_id = newest_entry (window) != NULL ? cb_journal_entry_get_id (newest_entry (window)) : 0;
  return newest_id;
}

/* A call ringing for 20 s keeps its notification (no expiry asked, none
 * closed); when the caller gives up, the same notification becomes the
 * missed-call one. A call declined from the card closes its own and no
 * missed-call one follows. */
static void
test_notifications (gconstpointer data)
{
  CbTestServer *server = (CbTestServer *) data;
  CbWindow *window;
  Peer ben = { NULL };
  g_autoptr(CbCall) first = NULL;
  guint closes, closed;
  guint missed_before;
  guint incoming_before;
  guint32 id;
  GtkWidget *row;
  const char *incoming = german ? "Eingehender Anruf" : "Incoming Call";
  const char *missed = german ? "Verpasster Anruf" : "Missed Call";

  if (notifications.daemon == NULL)
    {
      g_test_skip ("notification-daemon is not installed (package notification-daemon)");
      return;
    }
  /* Earlier tests' calls may have notified already. */
  missed_before = count_notify (missed);
  incoming_before = count_notify (incoming);
  window = signed_in_window (server);
  peer_start_line (&ben, server, "ben", NULL, NULL);
  peer_dial (&ben, "201");
  row = wait_for_row (window, "202", FALSE);
  first = g_object_ref (cb_call_row_get_call (CB_CALL_ROW (row)));
  CB_TEST_WAIT_FOR (count_notify (incoming) == incoming_before + 1, TIMEOUT_MS,
                    "the incoming-call notification");
  {
    g_autoptr(GArray) calls = notify_calls (0, &closes, &closed);
    const NotifyCall *call = find_notify (calls, incoming);

    id = call->id;
    g_assert_cmpint (call->expire_timeout, ==, 0);   /* never: the call closes it */
    g_assert_cmpuint (call->urgency, ==, 2);
  }

  /* Twenty seconds of ringing: still there. */
  cb_test_run_for (20000);
  g_assert_cmpint (cb_call_get_state (cb_call_row_get_call (CB_CALL_ROW (row))), ==, CB_CALL_STATE_RINGING);
  {
    g_autoptr(GArray) calls = notify_calls (id, &closes, &closed);

    g_assert_cmpuint (closes, ==, 0);
    g_assert_cmpuint (closed, ==, 0);
    g_assert_cmpuint (count_notify (missed), ==, missed_before);
  }

  /* Ben gives up: the same notification says "Missed Call". */
  cb_sip_call_hangup (ben.call);
  CB_TEST_WAIT_FOR (notified (missed, id), TIMEOUT_MS, "the missed-call notification in its place");
  {
    g_autoptr(GArray) calls = notify_calls (id, &closes, &closed);

    g_assert_cmpuint (closes, ==, 0);
    g_assert_cmpint (find_notify (calls, missed)->id, ==, id);
  }

  /* Declined from the card: closed, and nothing missed. The first call's
   * CANCEL may come after its journal entry: its card ends first. */
  CB_TEST_WAIT_FOR (cb_call_get_state (first) == CB_CALL_STATE_ENDED, TIMEOUT_MS,
                    "the first call to end here");
  CB_TEST_WAIT_FOR (newest_entry (window) != NULL, TIMEOUT_MS, "the missed call's journal entry");
  entries_before_decline (window, TRUE);
  peer_dial (&ben, "201");
  row = wait_for_row (window, "202", FALSE);
  /* Ben hears it ring: the phone's answers have started. */
  CB_TEST_WAIT_FOR (count_notify (incoming) == incoming_before + 2 &&
                    peer_in_state (&ben, CB_SIP_CALL_STATE_RINGING),
                    TIMEOUT_MS, "the second incoming-call notification");
  id = newest_notify_id (incoming);
  g_assert_true (gtk_widget_activate_action (row, "call.hangup", NULL));
  CB_TEST_WAIT_FOR (peer_in_state (&ben, CB_SIP_CALL_STATE_ENDED), TIMEOUT_MS, "the call to be declined");
  CB_TEST_WAIT_FOR (count_closes (id) == 1, TIMEOUT_MS, "the notification to be closed");
  /* Whatever the journal entry would bring has come once it is here,
   * and the bus has passed it on once a later call of ours is through. */
  CB_TEST_WAIT_FOR (newest_entry (window) != NULL &&
                    g_strcmp0 (cb_journal_entry_get_remote_number (newest_entry (window)), "202") == 0 &&
                    cb_journal_entry_get_id (newest_entry (window)) > entries_before_decline (window, FALSE),
                    TIMEOUT_MS, "the declined call's journal entry");
  monitor_barrier ();
  g_assert_cmpuint (count_notify (missed), ==, missed_before + 1);

  ben_clear (&ben);
  close_window (window);
}

/* --- the journal --- */

static AdwViewStackPage *
journal_stack_page (CbWindow *window)
{
  AdwViewStack *stack = ADW_VIEW_STACK (find_widget (GTK_WIDGET (window), match_type,
                                                     GSIZE_TO_POINTER (ADW_TYPE_VIEW_STACK)));

  return adw_view_stack_get_page (stack, adw_view_stack_get_child_by_name (stack, "journal"));
}

static guint
badge (CbWindow *window)
{
  return adw_view_stack_page_get_badge_number (journal_stack_page (window));
}

static guint
missed_count (CbSession *session)
{
  return cb_client_store_get_missed_count (cb_session_get_store (session));
}

/* What the server counts as missed and not looked at (GET /journal). */
static gint64
server_missed (CbTestServer *server,
               const char   *token)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = cb_test_request (server, "GET", "/api/v1/journal?limit=1", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  return json_object_get_int_member (json_node_get_object (answer), "missed");
}

static void
on_other_signed_in (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cb_session_sign_in_finish (CB_SESSION (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* Ben calls and gives up while it rings at Anna's window. */
static void
missed_call_from_ben (CbWindow *window,
                      Peer     *ben)
{
  GtkWidget *row;
  CbCall *call;

  peer_dial (ben, "201");
  row = wait_for_row (window, "202", FALSE);
  call = cb_call_row_get_call (CB_CALL_ROW (row));
  CB_TEST_WAIT_FOR (peer_in_state (ben, CB_SIP_CALL_STATE_RINGING), TIMEOUT_MS, "Ben to hear it ring");
  cb_sip_call_hangup (ben->call);
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_ENDED, TIMEOUT_MS, "the ringing to stop");
}

static void
on_seen (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = cb_rest_client_set_journal_seen_finish (CB_REST_CLIENT (source), result, &error);

  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* The badge is the server's count of missed calls not looked at; showing
 * the journal clears it, on the server, and on a second client of the
 * same user (journal-seen event); looking at the journal there clears
 * the window's badge likewise. A call declined from the card is
 * "declined", not missed: no badge. */
static void
test_journal_badge (gconstpointer data)
{
  CbTestServer *server = (CbTestServer *) data;
  g_autofree char *token = cb_test_sign_in (server, "anna", "pw", NULL);
  g_autoptr(CbSession) other = cb_session_new (server->url);
  CbWindow *window = signed_in_window (server);
  CbSession *session = cb_window_get_session (window);
  Peer ben = { NULL };
  gboolean done = FALSE;
  GtkWidget *row;
  CbJournalEntry *entry;

  cb_session_sign_in_async (other, "anna", "pw", NULL, on_other_signed_in, &done);
  CB_TEST_WAIT_FOR (done, TIMEOUT_MS, "the second client");
  peer_start_line (&ben, server, "ben", NULL, NULL);
  cb_window_show_page (window, "favourites");

  missed_call_from_ben (window, &ben);
  CB_TEST_WAIT_FOR (missed_count (session) >= 1 && missed_count (other) == missed_count (session),
                    TIMEOUT_MS, "the missed call counted on both clients");
  g_assert_cmpint (server_missed (server, token), ==, missed_count (session));
  CB_TEST_WAIT_FOR (badge (window) == missed_count (session), TIMEOUT_MS, "the badge");
  g_free (screenshot (GTK_WIDGET (window), "journal-badge"));

  /* Looked at: cleared here, on the server, on the other client. */
  cb_window_show_page (window, "journal");
  CB_TEST_WAIT_FOR (missed_count (session) == 0 && badge (window) == 0, TIMEOUT_MS, "the badge to clear");
  CB_TEST_WAIT_FOR (missed_count (other) == 0, TIMEOUT_MS, "the other client's count to clear");
  g_assert_cmpint (server_missed (server, token), ==, 0);
  g_assert_cmpint (cb_client_store_get_seen_up_to (cb_session_get_store (other)), ==,
                   cb_journal_entry_get_id (newest_entry (window)));

  /* Another one, looked at on the other client: the window's badge goes. */
  cb_window_show_page (window, "favourites");
  missed_call_from_ben (window, &ben);
  CB_TEST_WAIT_FOR (missed_count (session) == 1 && missed_count (other) == 1 && badge (window) == 1,
                    TIMEOUT_MS, "the second missed call on both clients");
  {
    g_autoptr(CbJournalEntry) newest = g_list_model_get_item (cb_client_store_get_journal (cb_session_get_store (other)), 0);

    done = FALSE;
    cb_rest_client_set_journal_seen_async (cb_session_get_rest_client (other), cb_journal_entry_get_id (newest),
                                           NULL, on_seen, &done);
    CB_TEST_WAIT_FOR (done, TIMEOUT_MS, "the other client to look at its journal");
  }
  CB_TEST_WAIT_FOR (missed_count (session) == 0 && badge (window) == 0, TIMEOUT_MS,
                    "the window's badge to clear");

  /* Declined from the card: declined, not missed. */
  peer_dial (&ben, "201");
  row = wait_for_row (window, "202", FALSE);
  CB_TEST_WAIT_FOR (peer_in_state (&ben, CB_SIP_CALL_STATE_RINGING), TIMEOUT_MS, "Ben to hear it ring");
  g_assert_true (gtk_widget_activate_action (row, "call.hangup", NULL));
  CB_TEST_WAIT_FOR (peer_in_state (&ben, CB_SIP_CALL_STATE_ENDED), TIMEOUT_MS, "the call to be declined");
  CB_TEST_WAIT_FOR ((entry = newest_entry (window)) != NULL &&
                    cb_journal_entry_get_outcome (entry) != CB_CALL_OUTCOME_MISSED &&
                    cb_journal_entry_get_started_at (entry) > 0 &&
                    cb_journal_entry_get_id (entry) > cb_client_store_get_seen_up_to (cb_session_get_store (session)),
                    TIMEOUT_MS, "the declined call's journal entry");
  g_assert_cmpint (cb_journal_entry_get_outcome (entry), ==, CB_CALL_OUTCOME_DECLINED);
  g_assert_cmpuint (missed_count (session), ==, 0);
  g_assert_cmpuint (badge (window), ==, 0);

  ben_clear (&ben);
  close_window (window);
}

static gint64
unix_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
entry_json (gint64      id,
            gint64      started_at,
            const char *direction,
            const char *number,
            const char *name,
            const char *outcome,
            guint       duration)
{
  g_autofree char *answered = duration > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, started_at + 5)
                                           : g_strdup ("null");

  return g_strdup_printf ("{\"id\": %" G_GINT64_FORMAT ", \"user_id\": 3, \"call_id\": \"x%" G_GINT64_FORMAT "\","
                          " \"direction\": \"%s\", \"remote_number\": \"%s\", \"remote_name\": \"%s\","
                          " \"remote_user_id\": null, \"started_at\": %" G_GINT64_FORMAT ","
                          " \"answered_at\": %s, \"ended_at\": %" G_GINT64_FORMAT ", \"duration\": %u,"
                          " \"answered\": %s, \"group_id\": null, \"group_name\": null,"
                          " \"taken_by_user_id\": null, \"taken_by_name\": null, \"picked_up\": false,"
                          " \"outcome\": \"%s\"}",
                          id, id, direction, number, name, started_at, answered,
                          started_at + 5 + duration, duration, duration > 0 ? "true" : "false", outcome);
}

static gboolean
match_day_header (GtkWidget *widget,
                  gpointer   data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "cb-day-header") &&
         gtk_widget_get_mapped (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), data) == 0;
}

static guint
count_journal_rows (GtkWidget *root)
{
  guint n = ADW_IS_ACTION_ROW (root) && gtk_widget_get_mapped (root) &&
            gtk_widget_get_ancestor (root, GTK_TYPE_POPOVER) == NULL ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    n += count_journal_rows (child);
  return n;
}

/* Calls of several days under their days' headings, each with how it
 * went, the number and how long it took; the missed ones alone, and a
 * search. The entries are the server's form, put into the store as a
 * journal page would be. */
static void
test_journal_days (gconstpointer data)
{
  /* A server of its own: Carla's journal holds nothing but these. */
  CbTestServer *server = cb_test_server_start (directory, server_args);
  CbWindow *window = signed_in_window_as (server, "carla");
  CbClientStore *store = cb_session_get_store (cb_window_get_session (window));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) today_noon = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                           g_date_time_get_day_of_month (now), 9, 30, 0);
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (today_noon, -1);
  g_autoptr(GDateTime) three_days = g_date_time_add_days (today_noon, -3);
  g_autoptr(GDateTime) ten_days = g_date_time_add_days (today_noon, -10);
  g_autofree char *three_days_label = cb_journal_day_label (three_days, now);
  g_autofree char *ten_days_label = cb_journal_day_label (ten_days, now);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) page = NULL;
  g_autofree char *json = NULL;
  g_autofree char *e1 = entry_json (1001, g_date_time_to_unix (ten_days), "in", "202", "Ben Ott", "declined", 0);
  g_autofree char *e2 = entry_json (1002, g_date_time_to_unix (three_days), "out", "204", "", "busy", 0);
  g_autofree char *e3 = entry_json (1003, g_date_time_to_unix (yesterday), "out", "201", "Anna Berger", "answered", 151);
  g_autofree char *e4 = entry_json (1004, MIN (g_date_time_to_unix (today_noon), unix_now () - 60), "in",
                                    "+4930123456", "Paula Meyer", "missed", 0);
  g_autofree char *e5 = entry_json (1005, unix_now () - 30, "in", "202", "Ben Ott", "answered", 42);
  GtkWidget *page_widget;
  GtkWidget *search;
  GtkWidget *row;

  /* The day labels themselves, against a fixed "now". */
  {
    g_autoptr(GDateTime) fixed_now = g_date_time_new_local (2026, 3, 12, 15, 0, 0);
    g_autoptr(GDateTime) t1 = g_date_time_new_local (2026, 3, 12, 0, 5, 0);
    g_autoptr(GDateTime) t2 = g_date_time_new_local (2026, 3, 11, 23, 55, 0);
    g_autoptr(GDateTime) t3 = g_date_time_new_local (2026, 3, 9, 8, 0, 0);
    g_autoptr(GDateTime) t4 = g_date_time_new_local (2026, 2, 26, 8, 0, 0);
    g_autofree char *l1 = cb_journal_day_label (t1, fixed_now);
    g_autofree char *l2 = cb_journal_day_label (t2, fixed_now);
    g_autofree char *l3 = cb_journal_day_label (t3, fixed_now);
    g_autofree char *l4 = cb_journal_day_label (t4, fixed_now);
    g_autofree char *weekday = g_date_time_format (t3, "%A");
    g_autofree char *date = g_date_time_format (t4, "%x");

    g_assert_cmpstr (l1, ==, german ? "Heute" : "Today");
    g_assert_cmpstr (l2, ==, german ? "Gestern" : "Yesterday");
    g_assert_cmpstr (l3, ==, weekday);
    g_assert_cmpstr (l4, ==, date);
  }

  json = g_strdup_printf ("{\"entries\": [%s, %s, %s, %s, %s], \"missed\": 1, \"seen_up_to\": 0,"
                          " \"next_before\": null}", e5, e4, e3, e2, e1);
  page = cb_json_parse_object (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_true (cb_client_store_apply_journal (store, page, &error));
  g_assert_no_error (error);

  cb_window_show_page (window, "journal");
  page_widget = find_widget (GTK_WIDGET (window), match_type, GSIZE_TO_POINTER (CB_TYPE_JOURNAL_PAGE));
  CB_TEST_WAIT_FOR (count_journal_rows (page_widget) == 5, TIMEOUT_MS, "the five calls");
  g_assert_nonnull (find_widget (page_widget, match_day_header, (gpointer) (german ? "Heute" : "Today")));
  g_assert_nonnull (find_widget (page_widget, match_day_header, (gpointer) (german ? "Gestern" : "Yesterday")));
  g_assert_nonnull (find_widget (page_widget, match_day_header, three_days_label));
  g_assert_nonnull (find_widget (page_widget, match_day_header, ten_days_label));
  /* How it went, the number, the time, the duration. */
  row = find_widget (page_widget, match_journal_row, (gpointer) "Paula Meyer");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                                   german ? "Verpasst · +4930123456 · " : "Missed · +4930123456 · "));
  row = find_widget (page_widget, match_journal_row, (gpointer) "Anna Berger");
  g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), " · 2:31"));
  row = find_widget (page_widget, match_journal_row, (gpointer) "204");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                                   german ? "Nicht erreicht (besetzt)" : "Not reached (busy)"));
  /* Shown, so seen: the badge goes. */
  CB_TEST_WAIT_FOR (badge (window) == 0, TIMEOUT_MS, "the badge to clear");
  g_free (screenshot (GTK_WIDGET (window), "journal-days"));

  /* The missed ones alone. */
  g_assert_true (gtk_widget_activate_action (page_widget, "journal.filter", "s", "missed"));
  CB_TEST_WAIT_FOR (count_journal_rows (page_widget) == 1, TIMEOUT_MS, "the missed call alone");
  g_assert_nonnull (find_widget (page_widget, match_journal_row, (gpointer) "Paula Meyer"));
  g_free (screenshot (GTK_WIDGET (window), "journal-missed"));
  g_assert_true (gtk_widget_activate_action (page_widget, "journal.filter", "s", "all"));

  /* A search, by name and by number. */
  search = find_widget (page_widget, match_type, GSIZE_TO_POINTER (GTK_TYPE_SEARCH_ENTRY));
  gtk_editable_set_text (GTK_EDITABLE (search), "ben");
  CB_TEST_WAIT_FOR (count_journal_rows (page_widget) == 2, TIMEOUT_MS, "Ben's two calls");
  gtk_editable_set_text (GTK_EDITABLE (search), "4930");
  CB_TEST_WAIT_FOR (count_journal_rows (page_widget) == 1, TIMEOUT_MS, "the call from +4930…");
  gtk_editable_set_text (GTK_EDITABLE (search), "nobody");
  CB_TEST_WAIT_FOR (count_journal_rows (page_widget) == 0, TIMEOUT_MS, "no call");
  gtk_editable_set_text (GTK_EDITABLE (search), "");

  close_window (window);
  cb_test_server_stop (server);
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

  /* Sales rings everyone at once: its members are listed, not in a
   * ringing order, and nobody is offered to move them. */
  g_assert_nonnull (find_widget (row, match_label_text, (gpointer) _("Members")));
  g_assert_null (find_widget (row, match_action, (gpointer) "group.move-up"));
  g_assert_null (find_widget (row, match_action, (gpointer) "group.move-down"));

  /* Anna leads Sales: Carla moves up to the top, as the server says (the
   * order is kept for when the group rings in turn). */
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
  g_free (screenshot (GTK_WIDGET (window), "groups-queue"));
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
  g_free (screenshot (card, "call-card-for-group"));
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
    g_free (screenshot (GTK_WIDGET (window), "journal-groups"));
    ben_clear (&carla_phone);
  }

  ben_clear (&ben);
  close_window (window);
}

/* A call action's failure reads in the user's language, whoever refused
 * it: the phone (keypad tones the other side did not agree on, a call
 * that stopped ringing), the server, the connection; the phone's own
 * technical words never reach the toast. */
static void
test_call_error_words (gconstpointer data)
{
  static const struct {
    const char *english;
    const char *deutsch;
    GQuark      domain;
    int         code;
  } cases[] = {
    { "The other side takes no keypad tones on this call.",
      "Die Gegenseite nimmt bei diesem Anruf keine Tastentöne an.", 0, CB_SIP_CALL_ERROR_NO_KEYPAD_TONES },
    { "The call is not ringing any more.",
      "Der Anruf klingelt nicht mehr.", 0, CB_SIP_CALL_ERROR_NOT_RINGING },
    { "The softphone could not do that just now.",
      "Das Softphone konnte das gerade nicht ausführen.", 1, G_IO_ERROR_FAILED },
    { "The softphone could not do that just now.",
      "Das Softphone konnte das gerade nicht ausführen.", 1, G_IO_ERROR_NOT_FOUND },
    { "Nothing answers at that address. Check the address and the port.",
      NULL, 1, G_IO_ERROR_CONNECTION_REFUSED },
    { "The call is being changed just now. Try again in a moment.",
      NULL, 2, CB_PROTOCOL_ERROR_RENEGOTIATING },
    { "You cannot pass a call on to yourself or to the other person in it.",
      "Sie können einen Anruf nicht an sich selbst oder an die andere Person im Gespräch weitergeben.",
      2, CB_PROTOCOL_ERROR_SAME_PARTY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GQuark domain = cases[i].domain == 0 ? CB_SIP_CALL_ERROR
                    : cases[i].domain == 1 ? G_IO_ERROR : CB_PROTOCOL_ERROR;
      g_autoptr(GError) error = g_error_new_literal (domain, cases[i].code, "the library's own words");
      g_autofree char *words = cb_describe_call_error (error);

      g_assert_null (strstr (words, "library"));
      if (!german)
        g_assert_cmpstr (words, ==, cases[i].english);
      else if (cases[i].deutsch != NULL)
        g_assert_cmpstr (words, ==, cases[i].deutsch);
      else
        g_assert_cmpstr (words, !=, cases[i].english);
    }
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
  german = g_getenv ("LANGUAGE") != NULL && g_str_has_prefix (g_getenv ("LANGUAGE"), "de");
  adw_init ();
  cb_app_init_style ();
  cb_test_app_setup ();

  server = cb_test_server_start (directory, server_args);
  /* Before the first window: libnotify asks the server once. */
  notifications_start ();
  g_test_add_data_func ("/app/call-error-words", server, test_call_error_words);
  g_test_add_data_func ("/app/incoming-call", server, test_incoming_call);
  g_test_add_data_func ("/app/card-controls", server, test_card_controls);
  g_test_add_data_func ("/app/consultation", server, test_consultation);
  g_test_add_data_func ("/app/desk-phone-call", server, test_desk_phone_call);
  g_test_add_data_func ("/app/groups", server, test_groups);
  g_test_add_data_func ("/app/failed-call", server, test_failed_call);
  g_test_add_data_func ("/app/two-calls", server, test_two_calls);
  g_test_add_data_func ("/app/notifications", server, test_notifications);
  g_test_add_data_func ("/app/journal-badge", server, test_journal_badge);
  g_test_add_data_func ("/app/journal-days", server, test_journal_days);
  status = g_test_run ();
  notifications_stop ();
  cb_test_server_stop (server);

  return status;
}
