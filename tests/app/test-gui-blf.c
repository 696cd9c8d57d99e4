/* test-gui-blf.c: the busy lamp field window, pickup, drag-to-forward and double-click calling
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real callboardd with SIP; Anna's window with its softphone sending
 * 880 Hz; colleagues are phone-library agents (cb-test-phone), each
 * sending its own tone. Anna's busy lamp field shows Ben free, Carla
 * ringing (Erik calls her) and Dora busy (she talks to Frank): the lamps
 * are checked in the model and on the tiles, and a screenshot is taken.
 * Take on Carla's key brings Erik's call to Anna's softphone (Erik hears
 * 880 Hz); the call card, dragged with the real pointer (xdotool) onto
 * Ben's key, offers to forward it, and Forward Now connects Erik with Ben
 * (Ben hears Erik's 660 Hz). A key dragged onto another moves before it.
 * A double click on a favourite calls them, Enter on a focused row too;
 * the Menu key opens a row's menu; the row, dragged into the field,
 * gets a key, and that key dropped on the dial field calls them. A
 * pickup dialled as *97 shows the caller on the card, not "*97…". The
 * field's open state is kept as the user left it.
 *
 * The pointer is X11's (Xvfb): xdotool moves it over the windows, which
 * are put side by side first (there is no window manager to do it).
 */

#define G_LOG_DOMAIN "test-gui-blf"

#include "config.h"

#include <locale.h>
#include <string.h>
#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-blf-key-tile.h"
#include "cb-blf-window.h"
#include "cb-call-row.h"
#include "cb-calls-page.h"
#include "cb-colleague-widget.h"
#include "cb-contact-row.h"
#include "cb-contact-window.h"
#include "cb-journal-page.h"
#include "cb-test-app.h"
#include "cb-test-phone.h"
#include "cb-test-server.h"
#include "cb-window.h"

#define TIMEOUT_MS 20000
#define ANNA_HZ 880
#define BEN_HZ 440
#define CARLA_HZ 500
#define DORA_HZ 550
#define ERIK_HZ 660
#define FRANK_HZ 770

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna Berger\",\"extension\":\"201\",\"password\":\"pw\","
  "  \"email\":\"anna@example.org\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben Ott\",\"extension\":\"202\",\"password\":\"pw\","
  "  \"email\":\"ben@example.org\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla Diaz\",\"extension\":\"203\",\"password\":\"pw\"},"
  " {\"username\":\"dora\",\"display_name\":\"Dora Ek\",\"extension\":\"204\",\"password\":\"pw\"},"
  " {\"username\":\"erik\",\"display_name\":\"Erik Lund\",\"extension\":\"205\",\"password\":\"pw\"},"
  " {\"username\":\"frank\",\"display_name\":\"Frank Moll\",\"extension\":\"206\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\","
  "  \"members\":[\"anna\",\"ben\",\"carla\",\"dora\",\"erik\",\"frank\"]},"
  " {\"name\":\"Sales\",\"kind\":\"hunt\",\"number\":\"610\",\"strategy\":\"parallel\",\"level\":\"team\",\"leader\":\"anna\","
  "  \"members\":[\"ben\",\"carla\"]}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

/* --- finding widgets --- */

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

/* The mapped tile of the key whose title is data. */
static gboolean
match_tile (GtkWidget *widget,
            gpointer   data)
{
  CbBlfKey *key;

  if (!CB_IS_BLF_KEY_TILE (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;
  key = cb_blf_key_tile_get_key (CB_BLF_KEY_TILE (widget));
  return key != NULL && g_strcmp0 (cb_blf_key_get_title (key), data) == 0;
}

static gboolean
match_card_with (GtkWidget *widget,
                 gpointer   data)
{
  CbCall *call;

  if (!CB_IS_CALL_ROW (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;
  call = cb_call_row_get_call (CB_CALL_ROW (widget));
  return call != NULL && cb_call_get_state (call) != CB_CALL_STATE_ENDED &&
         g_strcmp0 (cb_call_get_remote_name (call), data) == 0;
}

static gboolean
match_contact_row (GtkWidget *widget,
                   gpointer   data)
{
  CbContact *contact;

  if (!CB_IS_CONTACT_ROW (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;
  contact = cb_contact_row_get_contact (CB_CONTACT_ROW (widget));
  return contact != NULL && g_strcmp0 (cb_contact_get_username (contact), data) == 0;
}

static gboolean
match_mapped_popover (GtkWidget *widget,
                      gpointer   data)
{
  return GTK_IS_POPOVER (widget) && gtk_widget_get_mapped (widget);
}

static gboolean
match_name (GtkWidget *widget,
            gpointer   data)
{
  return g_strcmp0 (gtk_widget_get_name (widget), data) == 0;
}

static gboolean
match_mapped_label_with (GtkWidget *widget,
                         gpointer   data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         strstr (gtk_label_get_text (GTK_LABEL (widget)), data) != NULL;
}

static gboolean
match_type (GtkWidget *widget,
            gpointer   data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

static CbBlfWindow *
find_blf_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (CB_IS_BLF_WINDOW (window))
        return CB_BLF_WINDOW (window);
    }
  return NULL;
}

/* --- the real pointer (xdotool) --- */

static gulong
xid_of (GtkWidget *widget)
{
  GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (widget));

  g_assert_true (GDK_IS_X11_SURFACE (surface));
  return (gulong) gdk_x11_surface_get_xid (surface);
}

static void
on_xdotool_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* Runs xdotool with @args (a command line), the main loop turning
 * meanwhile so the app takes the events as they come. */
static void
xdotool (const char *args)
{
  g_autofree char *command = g_strdup_printf ("xdotool %s", args);
  g_auto(GStrv) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  g_test_message ("%s", command);
  g_assert_true (g_shell_parse_argv (command, NULL, &argv, &error));
  process = g_subprocess_newv ((const char * const *) argv, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check_async (process, NULL, on_xdotool_done, &done);
  CB_TEST_WAIT_FOR (done, TIMEOUT_MS, "xdotool");
}

/* The last pointer move, as xdotool's arguments. */
static char *last_move;

/* The pointer over widget's centre (plus dx, dy), in its X window. */
static void
pointer_to (GtkWidget *widget,
            double     dx,
            double     dy)
{
  GtkNative *native = gtk_widget_get_native (widget);
  double surface_x, surface_y, x, y;
  g_autofree char *args = NULL;

  gtk_native_get_surface_transform (native, &surface_x, &surface_y);
  g_assert_true (gtk_widget_translate_coordinates (widget, GTK_WIDGET (native),
                                                   gtk_widget_get_width (widget) / 2.0 + dx,
                                                   gtk_widget_get_height (widget) / 2.0 + dy,
                                                   &x, &y));
  args = g_strdup_printf ("mousemove --sync --window %lu %d %d", xid_of (widget),
                          (int) (surface_x + x), (int) (surface_y + y));
  /* --sync waits for the pointer to move: not where it is already. */
  if (g_strcmp0 (args, last_move) == 0)
    return;
  xdotool (args);
  g_free (last_move);
  last_move = g_steal_pointer (&args);
}

/* As pointer_to(), arriving with a motion as a hand does: after a page
 * under a still pointer changed (or a menu closed), GTK would not know
 * what it is over and a press could go to the widget it last saw. */
static void
pointer_arrive (GtkWidget *widget,
                double     dx,
                double     dy)
{
  pointer_to (widget, dx - 3, dy);
  pointer_to (widget, dx, dy);
}

static void
move_window (GtkWidget *window,
             int        x,
             int        y)
{
  g_autofree char *args = g_strdup_printf ("windowmove --sync %lu %d %d", xid_of (window), x, y);

  xdotool (args);
  /* The pointer is somewhere else in it now. */
  g_clear_pointer (&last_move, g_free);
  cb_test_app_wait_for_frame (window);
}

/* The keyboard goes to the window with the X input focus: with no window
 * manager, nobody gives it but us. */
static void
focus_window (GtkWidget *window)
{
  g_autofree char *args = g_strdup_printf ("windowfocus --sync %lu", xid_of (window));

  xdotool (args);
  CB_TEST_WAIT_FOR (gtk_window_is_active (GTK_WINDOW (window)), TIMEOUT_MS, "the window to have the focus");
}

/* The whole screen, popovers (surfaces of their own) included. */
static void
screenshot_screen (const char *name)
{
  g_autofree char *file = g_strdup_printf ("screenshot-%s.png", name);
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, file, NULL);
  g_autofree char *command = g_strdup_printf ("import -window root %s", path);
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (wait_status, &error));
  g_test_message ("Screenshot: %s", path);
}

static void
on_drag_begin (GtkDragSource *source,
               GdkDrag       *drag,
               gboolean      *begun)
{
  *begun = TRUE;
}

/* The pointer over @target until it shows that a drop would land there.
 * A motion that reaches the drag before its pointer grab is in place is
 * lost, so the pointer keeps moving (a pixel to and fro), each move a
 * round trip through the X server and the app. */
static void
hover_over_until_lit (GtkWidget *over,
                      GtkWidget *lit)
{
  CbTestTimer timer;
  guint moves = 0;

  cb_test_timer_start (&timer, TIMEOUT_MS);
  while (!(gtk_widget_get_state_flags (lit) & GTK_STATE_FLAG_DROP_ACTIVE))
    {
      pointer_to (over, (moves++ % 2) ? 1 : -1, 0);
      cb_test_app_wait_for_frame (over);
      cb_test_timer_iterate (&timer, "the drop target to light up under the drag");
    }
  cb_test_timer_stop (&timer);
  g_test_message ("The drop target lit up after %u moves", moves);
}

static void
hover_until_drop_active (GtkWidget *target)
{
  hover_over_until_lit (target, target);
}

static GtkDragSource *
drag_source_of (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DRAG_SOURCE (controller))
        return GTK_DRAG_SOURCE (controller);
    }
  return NULL;
}

/* --- the scene --- */

typedef struct {
  CbTestServer *server;
  CbWindow     *window;
  CbClientStore *store;
  char         *token;     /* Anna's, for requests of her own */
  CbTestPhone   ben, carla, dora, erik, frank;
} Scene;

static void
post (Scene      *scene,
      const char *path,
      const char *body,
      guint       expected)
{
  g_autoptr(JsonNode) answer = NULL;

  cb_test_request_expect (scene->server, "POST", path, scene->token, body, expected, &answer);
}

static CbWindow *
signed_in_window (CbTestServer *server)
{
  CbWindow *window = cb_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 640, 740);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  g_object_set (cb_window_get_sign_in_page (window),
                "server-url", server->url, "username", "anna", "password", "pw", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (cb_window_get_sign_in_page (window)),
                                             "sign-in.sign-in", NULL));
  CB_TEST_WAIT_FOR (cb_window_get_softphone (window) != NULL &&
                    cb_softphone_get_registration_state (cb_window_get_softphone (window)) ==
                    CB_REGISTRATION_STATE_REGISTERED,
                    TIMEOUT_MS, "the window's softphone registered");
  return window;
}

static CbContact *
contact_named (Scene      *scene,
               const char *extension)
{
  CbContact *contact = cb_client_store_lookup_number (scene->store, extension);

  g_assert_nonnull (contact);
  return contact;
}

static CbGroup *
group_named (Scene      *scene,
             const char *name)
{
  GListModel *groups = cb_client_store_get_groups (scene->store);

  for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
    {
      g_autoptr(CbGroup) group = g_list_model_get_item (groups, i);

      if (g_strcmp0 (cb_group_get_name (group), name) == 0)
        return group;  /* the store keeps it */
    }
  g_error ("No group %s", name);
  return NULL;
}

static CbBlfKey *
key_titled (Scene      *scene,
            const char *title)
{
  GListModel *blf = cb_client_store_get_blf (scene->store);

  for (guint i = 0; i < g_list_model_get_n_items (blf); i++)
    {
      g_autoptr(CbBlfKey) key = g_list_model_get_item (blf, i);

      if (g_strcmp0 (cb_blf_key_get_title (key), title) == 0)
        return key;  /* the store keeps it */
    }
  return NULL;
}

static GtkWidget *
wait_tile (CbBlfWindow *blf,
           const char  *title)
{
  GtkWidget *tile = NULL;

  CB_TEST_WAIT_FOR ((tile = find_widget (GTK_WIDGET (blf), match_tile, (gpointer) title)) != NULL,
                    TIMEOUT_MS, "a key's tile");
  /* Where it is: a new tile is placed in the next layout. */
  cb_test_app_wait_for_frame (tile);
  return tile;
}

static GtkWidget *
wait_card (CbWindow   *window,
           const char *name)
{
  GtkWidget *card = NULL;

  CB_TEST_WAIT_FOR ((card = find_widget (GTK_WIDGET (window), match_card_with, (gpointer) name)) != NULL,
                    TIMEOUT_MS, "a call card");
  return card;
}

static void
scene_start (Scene        *scene,
             CbTestServer *server)
{
  scene->server = server;
  scene->ben.manual_answer = FALSE;
  scene->carla.manual_answer = TRUE;
  cb_test_phone_start_user (server, &scene->ben, "ben", BEN_HZ, ERIK_HZ);
  cb_test_phone_start_user (server, &scene->carla, "carla", CARLA_HZ, ERIK_HZ);
  cb_test_phone_start_user (server, &scene->dora, "dora", DORA_HZ, FRANK_HZ);
  cb_test_phone_start_user (server, &scene->erik, "erik", ERIK_HZ, ANNA_HZ);
  cb_test_phone_start_user (server, &scene->frank, "frank", FRANK_HZ, ANNA_HZ);
  scene->token = cb_test_sign_in (server, "anna", "pw", NULL);
  scene->window = signed_in_window (server);
  scene->store = cb_session_get_store (cb_window_get_session (scene->window));
}

static void
scene_finish (Scene *scene)
{
  gpointer weak = scene->window;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->window), "win.sign-out", NULL));
  /* Signing out takes the field along. */
  g_assert_null (find_blf_window ());
  g_object_add_weak_pointer (G_OBJECT (scene->window), &weak);
  gtk_window_destroy (GTK_WINDOW (scene->window));
  CB_TEST_WAIT_FOR (weak == NULL, TIMEOUT_MS, "the window to be finalized");
  cb_test_phone_clear_all (&scene->ben, &scene->carla, &scene->dora, &scene->erik, &scene->frank, NULL);
  g_free (scene->token);
}

/* --- the test --- */

static void
check_lamps (Scene       *scene,
             CbBlfWindow *blf)
{
  GtkWidget *ben_tile, *carla_tile, *dora_tile;
  GtkWidget *row = NULL;
  CbBlfKey *carla = key_titled (scene, "Carla Diaz");

  /* Dora talks to Frank; Erik calls Carla, who lets it ring. */
  cb_test_phone_dial (&scene->dora, "206");
  cb_test_phone_wait_state (&scene->dora, CB_SIP_CALL_STATE_ACTIVE, "Dora and Frank talking");
  cb_test_phone_dial (&scene->erik, "203");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&scene->carla), TIMEOUT_MS, "Carla's phone to ring");

  CB_TEST_WAIT_FOR (cb_blf_key_get_lamp (key_titled (scene, "Ben Ott")) == CB_BLF_LAMP_FREE &&
                    cb_blf_key_get_lamp (carla) == CB_BLF_LAMP_RINGING &&
                    cb_blf_key_get_lamp (key_titled (scene, "Dora Ek")) == CB_BLF_LAMP_BUSY &&
                    cb_contact_get_ringing_call_id (cb_blf_key_get_contact (carla)) != NULL,
                    TIMEOUT_MS, "the lamps: Ben free, Carla ringing (with her call), Dora busy");
  g_assert_cmpstr (cb_contact_get_ringing_caller_name (cb_blf_key_get_contact (carla)), ==, "Erik Lund");
  g_assert_cmpint (cb_blf_key_get_lamp (key_titled (scene, "Taxi")), ==, CB_BLF_LAMP_NONE);

  /* The tiles say so: shape and colour (the style class), and Take. */
  ben_tile = wait_tile (blf, "Ben Ott");
  carla_tile = wait_tile (blf, "Carla Diaz");
  dora_tile = wait_tile (blf, "Dora Ek");
  CB_TEST_WAIT_FOR (gtk_widget_has_css_class (carla_tile, "ringing") &&
                    gtk_widget_is_visible (cb_blf_key_tile_get_take_button (CB_BLF_KEY_TILE (carla_tile))),
                    TIMEOUT_MS, "Carla's tile ringing, with Take");
  g_assert_true (gtk_widget_has_css_class (ben_tile, "free"));
  g_assert_true (gtk_widget_has_css_class (dora_tile, "busy"));
  /* Animations are off in tests: no blinking then. */
  g_assert_false (gtk_widget_has_css_class (carla_tile, "blink"));
  g_assert_false (gtk_widget_is_visible (cb_blf_key_tile_get_take_button (CB_BLF_KEY_TILE (ben_tile))));
  g_free (cb_test_app_screenshot (GTK_WIDGET (blf), "blf-lamps"));

  /* Her row in the directory offers Take too. */
  cb_window_show_page (scene->window, "directory");
  CB_TEST_WAIT_FOR ((row = find_widget (GTK_WIDGET (scene->window), match_contact_row, (gpointer) "carla")) != NULL &&
                    gtk_widget_is_visible (find_widget (row, match_name, (gpointer) "take-button")),
                    TIMEOUT_MS, "Take on Carla's directory row");
  g_assert_false (gtk_widget_is_visible (find_widget (find_widget (GTK_WIDGET (scene->window), match_contact_row,
                                                                   (gpointer) "ben"),
                                                      match_name, (gpointer) "take-button")));
  g_free (cb_test_app_screenshot (GTK_WIDGET (scene->window), "directory-ringing"));

  /* With animations on, the ringing lamp blinks. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", TRUE, NULL);
  g_assert_true (gtk_widget_has_css_class (carla_tile, "blink"));
  g_assert_false (gtk_widget_has_css_class (ben_tile, "blink"));
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_assert_false (gtk_widget_has_css_class (carla_tile, "blink"));
}

/* Take on Carla's key: Erik's call comes to Anna's softphone. */
static GtkWidget *
take_carlas_call (Scene       *scene,
                  CbBlfWindow *blf)
{
  GtkWidget *carla_tile = wait_tile (blf, "Carla Diaz");
  GtkWidget *card;
  CbCall *call;

  g_assert_true (gtk_widget_activate (cb_blf_key_tile_get_take_button (CB_BLF_KEY_TILE (carla_tile))));
  card = wait_card (scene->window, "Erik Lund");
  call = cb_call_row_get_call (CB_CALL_ROW (card));
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_CONNECTED &&
                    cb_test_phone_state_is (&scene->erik, CB_SIP_CALL_STATE_ACTIVE),
                    TIMEOUT_MS, "Erik's call connected to Anna");
  cb_test_phone_wait_hears (&scene->erik, ANNA_HZ, "Anna's 880 Hz at Erik");
  g_assert_cmpint (cb_test_phone_state_is (&scene->carla, CB_SIP_CALL_STATE_ENDED), ==, TRUE);
  CB_TEST_WAIT_FOR (cb_call_get_picked_up (call) &&
                    g_strcmp0 (cb_call_get_picked_up_from (call), "Carla Diaz") == 0,
                    TIMEOUT_MS, "the card to say whose call it was");
  CB_TEST_WAIT_FOR (cb_blf_key_get_lamp (key_titled (scene, "Carla Diaz")) != CB_BLF_LAMP_RINGING,
                    TIMEOUT_MS, "Carla's lamp to stop ringing");
  g_free (cb_test_app_screenshot (card, "call-card-picked-up"));
  return card;
}

/* The card, dragged with the pointer onto Ben's key: the key lights up
 * while the call hovers; dropped, it asks; Forward Now sends Erik to Ben. */
static void
drag_card_to_ben (Scene       *scene,
                  CbBlfWindow *blf,
                  GtkWidget   *card)
{
  GtkWidget *ben_tile = wait_tile (blf, "Ben Ott");
  CbCall *call = g_object_ref (cb_call_row_get_call (CB_CALL_ROW (card)));
  GtkDragSource *source = drag_source_of (card);
  GtkWidget *popover = NULL;
  GtkWidget *forward;
  gboolean begun = FALSE;

  g_assert_nonnull (source);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin), &begun);

  /* From the card's left, away from its buttons. */
  pointer_arrive (card, -gtk_widget_get_width (card) / 2.0 + 40, 0);
  xdotool ("mousedown 1");
  pointer_to (card, -gtk_widget_get_width (card) / 2.0 + 60, 12);
  pointer_to (card, -gtk_widget_get_width (card) / 2.0 + 90, 20);
  CB_TEST_WAIT_FOR (begun, TIMEOUT_MS, "the drag to begin");
  hover_until_drop_active (ben_tile);
  g_free (cb_test_app_screenshot (GTK_WIDGET (blf), "blf-drag-over"));
  xdotool ("mouseup 1");

  CB_TEST_WAIT_FOR ((popover = find_widget (ben_tile, match_mapped_popover, NULL)) != NULL,
                    TIMEOUT_MS, "the forward question");
  g_assert_nonnull (find_widget (popover, match_name, (gpointer) "consult-first"));
  forward = find_widget (popover, match_name, (gpointer) "forward-now");
  g_assert_nonnull (forward);
  cb_test_app_wait_for_frame (popover);
  screenshot_screen ("blf-forward-offer");
  g_signal_handlers_disconnect_by_data (source, &begun);

  g_assert_true (gtk_widget_activate (forward));
  cb_test_phone_wait_state (&scene->ben, CB_SIP_CALL_STATE_ACTIVE, "Ben to take Erik's call");
  cb_test_phone_wait_hears (&scene->ben, ERIK_HZ, "Erik's 660 Hz at Ben");
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_ENDED, TIMEOUT_MS,
                    "Anna's part of the call to end");
  g_object_unref (call);

  cb_sip_call_hangup (scene->erik.call);
  cb_test_phone_wait_state (&scene->ben, CB_SIP_CALL_STATE_ENDED, "Erik and Ben to hang up");

  /* Anna's journal says whose call she took. */
  {
    g_autofree char *from_carla = g_strdup_printf (_("Picked up from %s"), "Carla Diaz");
    GtkWidget *journal_page = find_widget (GTK_WIDGET (scene->window), match_type,
                                           GSIZE_TO_POINTER (CB_TYPE_JOURNAL_PAGE));

    g_assert_nonnull (journal_page);
    cb_window_show_page (scene->window, "journal");
    CB_TEST_WAIT_FOR (find_widget (journal_page, match_mapped_label_with, from_carla) != NULL,
                      TIMEOUT_MS, "\"Picked up from Carla Diaz\" in Anna's journal");
    g_free (cb_test_app_screenshot (GTK_WIDGET (scene->window), "journal-picked-up"));
  }
}

/* Ends the card's call and waits until both ends know: a later card for
 * the same party must not be taken for this one. */
static void
hang_up (Scene     *scene,
         GtkWidget *card)
{
  g_autoptr(CbCall) call = g_object_ref (cb_call_row_get_call (CB_CALL_ROW (card)));

  g_assert_true (gtk_widget_activate_action (card, "call.hangup", NULL));
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_ENDED &&
                    !cb_test_phone_state_is (&scene->frank, CB_SIP_CALL_STATE_ACTIVE) &&
                    !cb_test_phone_state_is (&scene->erik, CB_SIP_CALL_STATE_ACTIVE),
                    TIMEOUT_MS, "the call to end at both ends");
}

/* A double click on a favourite calls them; so does Enter on the
 * focused row; the Menu key opens the row's menu. */
static void
call_favourite (Scene *scene)
{
  CbContact *frank = contact_named (scene, "206");
  GtkWidget *row = NULL;
  GtkWidget *card;
  GtkWidget *list_row;
  GtkWidget *popover = NULL;
  g_autofree char *body = g_strdup_printf ("{\"user_id\": %" G_GINT64_FORMAT "}", cb_contact_get_id (frank));

  /* Frank is free again. */
  cb_sip_call_hangup (scene->dora.call);
  cb_test_phone_wait_state (&scene->frank, CB_SIP_CALL_STATE_ENDED, "Dora and Frank to hang up");

  post (scene, "/api/v1/me/favourites", body, 200);
  cb_window_show_page (scene->window, "favourites");
  CB_TEST_WAIT_FOR ((row = find_widget (GTK_WIDGET (scene->window), match_contact_row, (gpointer) "frank")) != NULL,
                    TIMEOUT_MS, "Frank's favourite row");
  cb_test_app_wait_for_frame (row);
  pointer_arrive (row, -gtk_widget_get_width (row) / 4.0, 0);
  /* One call per double click, and per Enter. */
  scene->frank.incoming = 0;
  xdotool ("click --repeat 2 --delay 80 1");
  card = wait_card (scene->window, "Frank Moll");
  cb_test_phone_wait_state (&scene->frank, CB_SIP_CALL_STATE_ACTIVE, "Frank to answer the double click's call");
  g_assert_cmpuint (scene->frank.incoming, ==, 1);
  cb_test_phone_wait_hears (&scene->frank, ANNA_HZ, "Anna's 880 Hz at Frank");
  hang_up (scene, card);

  /* The keyboard: Menu opens the menu, Enter calls. */
  cb_window_show_page (scene->window, "favourites");
  CB_TEST_WAIT_FOR ((row = find_widget (GTK_WIDGET (scene->window), match_contact_row, (gpointer) "frank")) != NULL,
                    TIMEOUT_MS, "Frank's favourite row again");
  list_row = gtk_widget_get_ancestor (row, GTK_TYPE_LIST_BOX_ROW);
  g_assert_nonnull (list_row);
  focus_window (GTK_WIDGET (scene->window));
  gtk_widget_grab_focus (list_row);
  cb_test_app_wait_for_frame (list_row);
  xdotool ("key Menu");
  CB_TEST_WAIT_FOR ((popover = find_widget (row, match_mapped_popover, NULL)) != NULL,
                    TIMEOUT_MS, "the row's menu from the Menu key");
  cb_test_app_wait_for_frame (popover);
  screenshot_screen ("favourite-menu");
  gtk_popover_popdown (GTK_POPOVER (popover));
  CB_TEST_WAIT_FOR (!gtk_widget_get_mapped (popover), TIMEOUT_MS, "the menu to close");
  gtk_widget_grab_focus (list_row);
  cb_test_app_wait_for_frame (list_row);
  xdotool ("key Return");
  card = wait_card (scene->window, "Frank Moll");
  cb_test_phone_wait_state (&scene->frank, CB_SIP_CALL_STATE_ACTIVE, "Frank to answer the Enter's call");
  g_assert_cmpuint (scene->frank.incoming, ==, 2);
  hang_up (scene, card);
}

/* *97203 from the Calls page: the card shows Erik, whom it took over. */
static void
dialled_pickup (Scene *scene)
{
  GtkWidget *page;
  GtkWidget *card;
  CbCall *call;

  scene->carla.incoming = 0;
  cb_test_phone_dial (&scene->erik, "203");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&scene->carla), TIMEOUT_MS, "Carla's phone to ring again");
  cb_window_show_page (scene->window, "calls");
  page = find_widget (GTK_WIDGET (scene->window), match_type, GSIZE_TO_POINTER (CB_TYPE_CALLS_PAGE));
  g_assert_nonnull (page);
  cb_calls_page_dial (CB_CALLS_PAGE (page), "*97203");
  card = wait_card (scene->window, "Erik Lund");
  call = cb_call_row_get_call (CB_CALL_ROW (card));
  g_assert_cmpstr (cb_call_get_remote_number (call), ==, "205");
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_CONNECTED &&
                    cb_test_phone_state_is (&scene->erik, CB_SIP_CALL_STATE_ACTIVE),
                    TIMEOUT_MS, "the dialled pickup connected");
  cb_test_phone_wait_hears (&scene->erik, ANNA_HZ, "Anna's 880 Hz at Erik after *97");
  g_free (cb_test_app_screenshot (card, "call-card-dialled-pickup"));
  hang_up (scene, card);
}

static gboolean
first_key_is (GListModel *keys,
              const char *title)
{
  g_autoptr(CbBlfKey) first = g_list_model_get_item (keys, 0);

  return first != NULL && g_strcmp0 (cb_blf_key_get_title (first), title) == 0;
}

/* A key dragged onto another goes before it: Taxi before Ben. */
static void
reorder_by_drag (Scene       *scene,
                 CbBlfWindow *blf)
{
  GListModel *keys = cb_client_store_get_blf (scene->store);
  GtkWidget *taxi = wait_tile (blf, "Taxi");
  GtkWidget *ben = wait_tile (blf, "Ben Ott");
  GtkDragSource *source = drag_source_of (taxi);
  gboolean begun = FALSE;

  g_assert_nonnull (source);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin), &begun);
  pointer_arrive (taxi, -40, 0);
  xdotool ("mousedown 1");
  pointer_to (taxi, -20, 10);
  pointer_to (taxi, 0, 20);
  CB_TEST_WAIT_FOR (begun, TIMEOUT_MS, "the key's drag to begin");
  hover_until_drop_active (ben);
  xdotool ("mouseup 1");
  CB_TEST_WAIT_FOR (first_key_is (keys, "Taxi"), TIMEOUT_MS, "Taxi moved first");
  g_signal_handlers_disconnect_by_data (source, &begun);
}

/* A real drag from @source (a colleague) onto @over, until @target
 * (which has the drop target) lights up. */
static void
drag_colleague (GtkWidget *source_widget,
                GtkWidget *over,
                GtkWidget *target)
{
  GtkDragSource *source = drag_source_of (source_widget);
  gboolean begun = FALSE;

  g_assert_nonnull (source);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin), &begun);
  pointer_arrive (source_widget, -gtk_widget_get_width (source_widget) / 4.0, 0);
  xdotool ("mousedown 1");
  pointer_to (source_widget, -gtk_widget_get_width (source_widget) / 4.0 + 20, 10);
  pointer_to (source_widget, -gtk_widget_get_width (source_widget) / 4.0 + 40, 14);
  CB_TEST_WAIT_FOR (begun, TIMEOUT_MS, "the colleague's drag to begin");
  hover_over_until_lit (over, target);
  xdotool ("mouseup 1");
  g_signal_handlers_disconnect_by_data (source, &begun);
}

/* Frank's favourite row dragged into the field gets a key; Frank's key
 * dragged onto the Calls page's dial field calls him. */
static void
drag_colleagues (Scene       *scene,
                 CbBlfWindow *blf)
{
  GtkWidget *row = NULL;
  GtkWidget *stack;
  GtkWidget *page;
  GtkWidget *card;

  cb_window_show_page (scene->window, "favourites");
  CB_TEST_WAIT_FOR ((row = find_widget (GTK_WIDGET (scene->window), match_contact_row, (gpointer) "frank")) != NULL,
                    TIMEOUT_MS, "Frank's favourite row");
  cb_test_app_wait_for_frame (row);
  stack = gtk_widget_get_ancestor (cb_blf_window_get_grid (blf), GTK_TYPE_STACK);
  g_assert_nonnull (stack);
  drag_colleague (row, stack, stack);
  CB_TEST_WAIT_FOR (key_titled (scene, "Frank Moll") != NULL, TIMEOUT_MS, "Frank's new key");

  cb_window_show_page (scene->window, "calls");
  page = find_widget (GTK_WIDGET (scene->window), match_type, GSIZE_TO_POINTER (CB_TYPE_CALLS_PAGE));
  cb_test_app_wait_for_frame (page);
  scene->frank.incoming = 0;
  drag_colleague (wait_tile (blf, "Frank Moll"),
                  gtk_widget_get_ancestor (GTK_WIDGET (cb_calls_page_get_entry (CB_CALLS_PAGE (page))),
                                           GTK_TYPE_ENTRY),
                  page);
  card = wait_card (scene->window, "Frank Moll");
  cb_test_phone_wait_state (&scene->frank, CB_SIP_CALL_STATE_ACTIVE, "Frank to answer the dropped call");
  g_assert_cmpuint (scene->frank.incoming, ==, 1);
  hang_up (scene, card);
}

/* Show Contact: the details, live. */
static void
show_contact (Scene *scene)
{
  CbContact *ben = contact_named (scene, "202");
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *details = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene->window), "contact.show", "x",
                                             cb_contact_get_id (ben)));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && details == NULL; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (CB_IS_CONTACT_WINDOW (window))
        details = window;
    }
  g_assert_nonnull (details);
  g_assert_true (cb_contact_window_get_contact (CB_CONTACT_WINDOW (details)) == ben);
  g_free (cb_test_app_screenshot (GTK_WIDGET (details), "contact-details"));
  gtk_window_destroy (details);
}

static void
test_without_xdotool (void)
{
  /* Like a missing Xvfb: a failure, not a skip (install-deps.sh has it). */
  g_test_message ("xdotool is not installed: it moves the real pointer for the drag");
  g_test_fail ();
}

static void
test_blf (gconstpointer data)
{
  Scene scene = { NULL };
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *body = NULL;
  CbBlfWindow *blf;
  GListModel *keys;
  CbContact *ben;

  scene_start (&scene, (CbTestServer *) data);

  /* The field: Carla, Dora, the Sales group and a speed dial number,
   * then Ben from his menu's action. */
  body = g_strdup_printf ("{\"kind\": \"user\", \"user_id\": %" G_GINT64_FORMAT "}",
                          cb_contact_get_id (contact_named (&scene, "203")));
  post (&scene, "/api/v1/me/blf", body, 201);
  g_free (body);
  body = g_strdup_printf ("{\"kind\": \"user\", \"user_id\": %" G_GINT64_FORMAT "}",
                          cb_contact_get_id (contact_named (&scene, "204")));
  post (&scene, "/api/v1/me/blf", body, 201);
  g_free (body);
  body = g_strdup_printf ("{\"kind\": \"group\", \"group_id\": %" G_GINT64_FORMAT "}",
                          cb_group_get_id (group_named (&scene, "Sales")));
  post (&scene, "/api/v1/me/blf", body, 201);
  post (&scene, "/api/v1/me/blf", "{\"kind\": \"number\", \"number\": \"+49 30 1234567\", \"label\": \"Taxi\"}", 201);
  keys = cb_client_store_get_blf (scene.store);
  CB_TEST_WAIT_FOR (g_list_model_get_n_items (keys) == 4, TIMEOUT_MS, "four keys from the blf events");
  ben = contact_named (&scene, "202");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene.window), "contact.add-blf", "x",
                                             cb_contact_get_id (ben)));
  CB_TEST_WAIT_FOR (key_titled (&scene, "Ben Ott") != NULL, TIMEOUT_MS, "Ben's key");

  /* Ben first: moved before Carla, as a drop onto her key does. The
   * field's size is the one it was left with. */
  g_settings_set_int (settings, "blf-window-width", 490);
  g_settings_set_int (settings, "blf-window-height", 400);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene.window), "win.show-blf", NULL));
  blf = find_blf_window ();
  g_assert_nonnull (blf);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (blf), "blf.move-key", "(xx)",
                                             cb_blf_key_get_id (key_titled (&scene, "Ben Ott")),
                                             cb_blf_key_get_id (key_titled (&scene, "Carla Diaz"))));
  CB_TEST_WAIT_FOR (first_key_is (keys, "Ben Ott"), TIMEOUT_MS, "Ben's key first");

  /* Side by side: no window manager places them. */
  cb_test_app_wait_for_frame (GTK_WIDGET (blf));
  move_window (GTK_WIDGET (blf), 780, 0);
  g_assert_true (g_settings_get_boolean (settings, "blf-window-open"));

  check_lamps (&scene, blf);
  drag_card_to_ben (&scene, blf, take_carlas_call (&scene, blf));
  reorder_by_drag (&scene, blf);
  show_contact (&scene);
  /* After the double click on Frank's row, the same row still drags. */
  call_favourite (&scene);
  drag_colleagues (&scene, blf);
  dialled_pickup (&scene);

  /* Closed by the user, the field stays closed next time; left open, it
   * comes back (signing out takes it away without closing it). */
  gtk_window_close (GTK_WINDOW (blf));
  g_assert_false (g_settings_get_boolean (settings, "blf-window-open"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scene.window), "win.show-blf", NULL));
  g_assert_nonnull (find_blf_window ());
  CB_TEST_WAIT_FOR (g_settings_get_boolean (settings, "blf-window-open"), TIMEOUT_MS,
                    "the field to count as open");
  scene_finish (&scene);
  g_assert_true (g_settings_get_boolean (settings, "blf-window-open"));
  g_settings_reset (settings, "blf-window-open");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *xdotool_path = g_find_program_in_path ("xdotool");
  CbTestServer *server;
  int status;

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

  if (xdotool_path == NULL)
    {
      g_test_add_func ("/app/blf", test_without_xdotool);
      return g_test_run ();
    }

  server = cb_test_server_start (directory, server_args);
  g_test_add_data_func ("/app/blf", server, test_blf);
  status = g_test_run ();
  cb_test_server_stop (server);

  return status;
}
