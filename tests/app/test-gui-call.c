/* test-gui-call.c: an incoming call in the real window, answered from its card
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real callboardd with SIP on a free port. The window signs in as Anna
 * with its softphone sending an 880 Hz tone (CALLBOARD_AUDIO_SRC); a
 * phone-library agent registered as Ben calls her. The call card appears,
 * its call.answer action connects the call and Ben hears the tone; the
 * card's call.hangup ends it, and the journal page lists the call.
 * Screenshots of the card and the journal go to the build directory.
 */

#define G_LOG_DOMAIN "test-gui-call"

#include "config.h"

#include <locale.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-call-row.h"
#include "cb-sip-agent.h"
#include "cb-test-server.h"
#include "cb-tone-detector.h"
#include "cb-window.h"

#define TIMEOUT_MS 20000
#define BEN_SINK "audioconvert ! audio/x-raw,format=S16LE,channels=1 ! fakesink name=tap sync=true"
#define BEN_SRC "audiotestsrc is-live=true wave=sine freq=440 volume=0.5 samplesperbuffer=480"

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna Berger\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben Ott\",\"extension\":\"202\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\",\"members\":[\"anna\",\"ben\"]}]}";

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

static gboolean
match_journal_row (GtkWidget *widget,
                   gpointer   data)
{
  return ADW_IS_ACTION_ROW (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), data) == 0;
}

static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = g_strdup_printf ("screenshot-%s.png", name);
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, file, NULL);
  GtkSnapshot *snapshot;
  int width, height;

  gtk_test_widget_wait_for_draw (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_print ("# Screenshot: %s\n", path);
}

/* Ben: a bare phone-library agent with his line's credentials. */
typedef struct {
  CbSipAgent     *agent;
  CbSipCall      *call;
  CbToneDetector *detector;
  char           *registrar;
} Ben;

static void
ben_start (Ben          *ben,
           CbTestServer *server)
{
  g_autofree char *token = cb_test_sign_in (server, "ben", "pw", NULL);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *line;
  guint status = 0;

  answer = cb_test_request (server, "GET", "/api/v1/me/line", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  line = json_node_get_object (answer);
  ben->registrar = g_strdup (json_object_get_string_member (line, "registrar"));
  ben->agent = cb_sip_agent_new ("127.0.0.1", 0, json_object_get_string_member (line, "username"), &error);
  g_assert_no_error (error);
  g_object_set (ben->agent, "audio-src", BEN_SRC, "audio-sink", BEN_SINK, NULL);
  ben->detector = cb_tone_detector_new (880);
  cb_sip_agent_register (ben->agent, ben->registrar, json_object_get_string_member (line, "password"));
  CB_TEST_WAIT_FOR (cb_sip_agent_get_registered (ben->agent), TIMEOUT_MS, "Ben registered");
}

static void
ben_clear (Ben *ben)
{
  cb_tone_detector_detach (ben->detector);
  g_clear_object (&ben->detector);
  g_clear_object (&ben->call);
  cb_sip_agent_shutdown (ben->agent);
  g_clear_object (&ben->agent);
  g_clear_pointer (&ben->registrar, g_free);
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
  CbSession *session = cb_window_get_session (window);

  return session != NULL ? cb_session_get_softphone (session) : NULL;
}

static void
test_incoming_call (gconstpointer data)
{
  CbTestServer *server = (CbTestServer *) data;
  CbWindow *window = cb_window_new (NULL);
  Ben ben = { NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  GListModel *journal;
  GtkWidget *row = NULL;
  CbCall *call;
  gpointer weak = window;

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
  cb_test_run_for (300);
  screenshot (row, "call-card-ringing");
  screenshot (GTK_WIDGET (window), "calls-ringing");

  g_assert_true (gtk_widget_activate_action (row, "call.answer", NULL));
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_CONNECTED &&
                    cb_sip_call_get_state (ben.call) == CB_SIP_CALL_STATE_ACTIVE,
                    TIMEOUT_MS, "the call to connect");
  attach_detector (&ben);
  CB_TEST_WAIT_FOR (cb_tone_detector_hears (ben.detector, 3), TIMEOUT_MS,
                    "the app's 880 Hz at Ben");
  CB_TEST_WAIT_FOR (cb_call_get_duration (call) >= 1, TIMEOUT_MS, "the duration to tick");
  screenshot (row, "call-card-connected");

  cb_tone_detector_detach (ben.detector);
  g_assert_true (gtk_widget_activate_action (row, "call.hangup", NULL));
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (ben.call) == CB_SIP_CALL_STATE_ENDED,
                    TIMEOUT_MS, "the call to end at Ben");

  journal = cb_client_store_get_journal (cb_session_get_store (cb_window_get_session (window)));
  CB_TEST_WAIT_FOR (g_list_model_get_n_items (journal) == 1, TIMEOUT_MS, "the journal entry");
  cb_window_show_page (window, "journal");
  CB_TEST_WAIT_FOR (find_widget (GTK_WIDGET (window), match_journal_row, (gpointer) "Ben Ott") != NULL,
                    TIMEOUT_MS, "the journal row");
  cb_test_run_for (300);
  screenshot (GTK_WIDGET (window), "journal");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  ben_clear (&ben);

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  CB_TEST_WAIT_FOR (weak == NULL, TIMEOUT_MS, "the window to be finalized");
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

  cb_app_init_i18n ();
  gst_init (&argc, &argv);
  gtk_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "");
  adw_init ();
  cb_app_init_style ();

  server = cb_test_server_start (directory, server_args);
  g_test_add_data_func ("/app/incoming-call", server, test_incoming_call);
  status = g_test_run ();
  cb_test_server_stop (server);

  return status;
}
