/* test-gui-assist.c: an assistant's window: the assistant group, "Call as", a call for the leader passed to them, call diversion, the account's language and time zone
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real callboardd with SIP. Claudia's window (its softphone sending
 * 880 Hz) signs in; she assists Dr. Thomas Krause in an assistant group
 * she may not log out of. Thomas, Ben and Erik are phone-library agents.
 *
 * - Groups page: Claudia logs in with the group's switch; the header's
 *   "Call as" drop-down appears (screenshot with its list open); she
 *   switches the leader's filter on, and cannot log out again (the
 *   server's refusal shows as a toast). Chosen as Thomas, her call to Ben
 *   goes out as Thomas (the dial field's menu offers the same choice).
 * - A call for Thomas rings on Claudia's softphone, its card "for Dr.
 *   Thomas Krause" (screenshot); she answers and forwards it to him with
 *   the card's "To Dr. Thomas Krause" → "Forward Now": Erik hears Thomas.
 *   The server offers Thomas's call to Claudia by his filter ("all"),
 *   and shows Ben the call Claudia placed as Thomas as Thomas's.
 * - Diversion: the header's button opens the dialog; all calls to Ben
 *   (typed by name), unanswered ones to Erik after 30 s; saved, the
 *   header marks it, naming Ben beside its arrow (screenshot). Ben's own
 *   diversion shows on his directory row. An announcement is uploaded.
 * - Thomas's window: the same group without a login, his filter's
 *   strategy and delay his to set (screenshot).
 * - Greta's account names English and New York: run with LANGUAGE=de,
 *   her window comes back in English; journal times are New York's.
 */

#define G_LOG_DOMAIN "test-gui-assist"

#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-call-as-button.h"
#include "cb-call-row.h"
#include "cb-calls-page.h"
#include "cb-contact-row.h"
#include "cb-diversion-button.h"
#include "cb-diversion-dialog.h"
#include "cb-diversion-label.h"
#include "cb-group-row.h"
#include "cb-journal-page.h"
#include "cb-leader-forward-button.h"
#include "cb-test-app.h"
#include "cb-test-phone.h"
#include "cb-test-server.h"
#include "cb-user-locale.h"
#include "cb-window.h"

#define TIMEOUT_MS 20000
#define CLAUDIA_HZ 880
#define THOMAS_HZ 440
#define BEN_HZ 500
#define ERIK_HZ 660

static const char *directory =
  "{\"users\":["
  " {\"username\":\"claudia\",\"display_name\":\"Claudia Wagner\",\"extension\":\"204\","
  "  \"mobile\":\"+49 170 5550204\",\"password\":\"pw\"},"
  " {\"username\":\"thomas\",\"display_name\":\"Dr. Thomas Krause\",\"extension\":\"203\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben Carter\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"erik\",\"display_name\":\"Erik Lund\",\"extension\":\"205\",\"password\":\"pw\"},"
  " {\"username\":\"greta\",\"display_name\":\"Greta Lindqvist\",\"extension\":\"209\",\"password\":\"pw\","
  "  \"language\":\"en\",\"time_zone\":\"America/New_York\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\","
  "  \"members\":[\"claudia\",\"thomas\",\"ben\",\"erik\",\"greta\"]},"
  " {\"name\":\"Assistance Dr. Krause\",\"kind\":\"assistant\",\"leader\":\"thomas\","
  "  \"level\":\"personal\",\"leader_level\":\"personal\",\"logout_allowed\":false,"
  "  \"members\":[\"claudia\"]}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

static gboolean german;
/* The assistant scene saw the server route "call for" and "call as". */

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

static gboolean
match_type (GtkWidget *widget,
            gpointer   data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
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
match_mapped_popover (GtkWidget *widget,
                      gpointer   data)
{
  return GTK_IS_POPOVER (widget) && gtk_widget_get_mapped (widget);
}

static gboolean
match_assistant_group_row (GtkWidget *widget,
                           gpointer   data)
{
  return CB_IS_GROUP_ROW (widget) && gtk_widget_get_mapped (widget) &&
         cb_group_get_kind (cb_group_row_get_group (CB_GROUP_ROW (widget))) == CB_GROUP_KIND_ASSISTANT;
}

/* A live or ringing card whose remote number is data. */
static gboolean
match_card_with (GtkWidget *widget,
                 gpointer   data)
{
  CbCall *call;

  if (!CB_IS_CALL_ROW (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;
  call = cb_call_row_get_call (CB_CALL_ROW (widget));
  return call != NULL && cb_call_get_state (call) != CB_CALL_STATE_ENDED &&
         g_strcmp0 (cb_call_get_remote_number (call), data) == 0;
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

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static GtkWidget *
wait_for_widget (GtkWidget  *root,
                 Match       match,
                 gpointer    data,
                 const char *what)
{
  GtkWidget *found = NULL;

  CB_TEST_WAIT_FOR ((found = find_widget (root, match, data)) != NULL, TIMEOUT_MS, what);
  return found;
}

/* A toast's close button: in a window that is not active (no window
 * manager here) toasts stay until closed. */
static gboolean
match_toast_close_button (GtkWidget *widget,
                          gpointer   data)
{
  GType toast_widget = g_type_from_name ("AdwToastWidget");

  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) && toast_widget != 0 &&
         gtk_widget_get_ancestor (widget, toast_widget) != NULL;
}

static void
dismiss_toasts (GtkWidget *root)
{
  GtkWidget *button;

  while ((button = find_widget (root, match_toast_close_button, NULL)) != NULL)
    {
      gtk_widget_activate (button);
      cb_test_app_wait_for_frame (root);
    }
}

static char *
screenshot_name (const char *name)
{
  return g_strdup_printf ("%s%s", name, german ? "-de" : "");
}

static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  g_autofree char *full = screenshot_name (name);
  g_autofree char *path = cb_test_app_screenshot (widget, full);
}

static void
screenshot_screen (GtkWidget  *widget,
                   const char *name)
{
  g_autofree char *full = screenshot_name (name);
  g_autofree char *path = cb_test_app_screenshot_screen (widget, full);
}

/* --- the scene --- */

typedef struct {
  CbTestServer  *server;
  CbWindow      *window;
  CbSession     *session;
  CbClientStore *store;
  char          *thomas_token;
  char          *ben_token;
  CbTestStream  *ben_stream;
  CbTestPhone    thomas, ben, erik;
} Scene;

static CbWindow *
signed_in_window (CbTestServer *server,
                  const char   *username)
{
  CbWindow *window = cb_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  g_object_set (cb_window_get_sign_in_page (window),
                "server-url", server->url, "username", username, "password", "pw", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (cb_window_get_sign_in_page (window)),
                                             "sign-in.sign-in", NULL));
  return window;
}

static void
wait_registered (CbWindow *window)
{
  CB_TEST_WAIT_FOR (cb_window_get_softphone (window) != NULL &&
                    cb_softphone_get_registration_state (cb_window_get_softphone (window)) ==
                    CB_REGISTRATION_STATE_REGISTERED,
                    TIMEOUT_MS, "the window's softphone registered");
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

static void
scene_start (Scene        *scene,
             CbTestServer *server)
{
  scene->server = server;
  scene->thomas.manual_answer = TRUE;
  scene->ben.manual_answer = TRUE;
  cb_test_phone_start_user (server, &scene->thomas, "thomas", THOMAS_HZ, ERIK_HZ);
  cb_test_phone_start_user (server, &scene->ben, "ben", BEN_HZ, CLAUDIA_HZ);
  cb_test_phone_start_user (server, &scene->erik, "erik", ERIK_HZ, THOMAS_HZ);
  cb_test_phone_listen_for (&scene->erik, CLAUDIA_HZ);
  scene->thomas_token = g_strdup (scene->thomas.token);
  scene->ben_token = g_strdup (scene->ben.token);
  scene->ben_stream = cb_test_stream_open (server, scene->ben_token, -1, TRUE);
  scene->window = signed_in_window (server, "claudia");
  wait_registered (scene->window);
  scene->session = cb_window_get_session (scene->window);
  scene->store = cb_session_get_store (scene->session);
}

static void
scene_finish (Scene *scene)
{
  g_signal_handlers_disconnect_by_data (scene->session, scene);
  close_window (scene->window);
  cb_test_stream_close (scene->ben_stream);
  cb_test_phone_clear_all (&scene->thomas, &scene->ben, &scene->erik, NULL);
  g_free (scene->thomas_token);
  g_free (scene->ben_token);
}

static CbContact *
contact_named (Scene      *scene,
               const char *extension)
{
  CbContact *contact = cb_client_store_lookup_number (scene->store, extension);

  g_assert_nonnull (contact);
  return contact;
}

static CbCallAsButton *
call_as_button (Scene *scene)
{
  return CB_CALL_AS_BUTTON (find_widget (GTK_WIDGET (scene->window), match_type,
                                         GSIZE_TO_POINTER (CB_TYPE_CALL_AS_BUTTON)));
}

static CbCallAs *
call_as (Scene *scene)
{
  return cb_session_get_call_as (scene->session);
}

/* --- the assistant group and "Call as" --- */

static void
group_and_call_as (Scene *scene)
{
  GtkWidget *row;
  GtkSwitch *login;
  GtkSwitch *filter;
  GtkWidget *strategy;
  CbGroup *group;
  CbCallAsButton *button = call_as_button (scene);
  GtkDropDown *dropdown;
  GtkWidget *popover;
  gint64 thomas_id = cb_contact_get_id (contact_named (scene, "203"));

  g_assert_nonnull (button);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (button)));

  cb_window_show_page (scene->window, "groups");
  row = wait_for_widget (GTK_WIDGET (scene->window), match_assistant_group_row, NULL,
                         "the assistant group on the Groups page");
  group = cb_group_row_get_group (CB_GROUP_ROW (row));
  login = cb_group_row_get_login_switch (CB_GROUP_ROW (row));
  filter = GTK_SWITCH (find_widget (row, match_name, "filter-switch"));
  strategy = find_widget (row, match_name, "strategy-row");
  g_assert_false (cb_group_get_logged_in (group));
  /* Not logged in: the filter is not hers to switch. */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (filter)));

  /* Logging in, as a click on the switch does: the server's event moves it. */
  gtk_switch_set_active (login, TRUE);
  CB_TEST_WAIT_FOR (cb_group_get_logged_in (group) && gtk_switch_get_state (login), TIMEOUT_MS,
                    "Claudia logged into the assistant group");
  CB_TEST_WAIT_FOR (gtk_widget_get_visible (GTK_WIDGET (button)), TIMEOUT_MS,
                    "the Call as drop-down in the header");

  /* The filter: hers to switch now, the strategy Thomas's alone. */
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (filter)));
  g_assert_false (gtk_widget_get_sensitive (strategy));
  gtk_switch_set_active (filter, TRUE);
  CB_TEST_WAIT_FOR (cb_group_get_filter_enabled (group) && gtk_switch_get_state (filter), TIMEOUT_MS,
                    "the filter switched on through the server");
  screenshot (GTK_WIDGET (scene->window), "assist-groups");

  /* Logging out is forbidden here: the server says no, and so does the window. */
  gtk_switch_set_active (login, FALSE);
  wait_for_widget (GTK_WIDGET (scene->window), match_mapped_label_with,
                   _("Your administrator does not allow logging out of this group."),
                   "the toast saying why she cannot log out");
  CB_TEST_WAIT_FOR (gtk_switch_get_active (login), TIMEOUT_MS, "the switch back on");
  g_assert_true (cb_group_get_logged_in (group));

  /* The drop-down, open, in the header. */
  dropdown = cb_call_as_button_get_dropdown (button);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (dropdown)), ==, 2);
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, 0);
  g_signal_emit_by_name (dropdown, "activate");
  popover = wait_for_widget (GTK_WIDGET (dropdown), match_mapped_popover, NULL, "the drop-down's list");
  screenshot_screen (GTK_WIDGET (scene->window), "assist-call-as");
  /* A check marks the current choice, and only it. */
  g_assert_cmpstr (cb_test_app_checked_item (popover), ==, german ? "Ich selbst" : "Myself");
  gtk_drop_down_set_selected (dropdown, 1);
  gtk_popover_popdown (GTK_POPOVER (popover));
  CB_TEST_WAIT_FOR (cb_call_as_get_as_user_id (call_as (scene)) == thomas_id, TIMEOUT_MS,
                    "calls to go out as Thomas");

  /* The dial field's menu offers the same choice, and shows this one. */
  {
    GtkWidget *page = find_widget (GTK_WIDGET (scene->window), match_type,
                                   GSIZE_TO_POINTER (CB_TYPE_CALLS_PAGE));

    g_assert_true (gtk_widget_activate_action (page, "callas.identity", "x", (gint64) 0));
    g_assert_cmpint (cb_call_as_get_as_user_id (call_as (scene)), ==, 0);
    g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, 0);
    g_assert_true (gtk_widget_activate_action (page, "callas.identity", "x", thomas_id));
    g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, 1);
  }
}

/* Claudia calls Ben as Thomas: with the routing branch's server Ben's
 * side of the call names Thomas, not her. */
static void
call_as_leader (Scene *scene)
{
  GtkWidget *page = find_widget (GTK_WIDGET (scene->window), match_type,
                                 GSIZE_TO_POINTER (CB_TYPE_CALLS_PAGE));
  gint64 ben_id = cb_contact_get_id (contact_named (scene, "202"));
  gint64 thomas_id = cb_contact_get_id (contact_named (scene, "203"));
  JsonObject *event;
  GtkWidget *card;

  cb_window_show_page (scene->window, "calls");
  cb_calls_page_dial (CB_CALLS_PAGE (page), "202");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&scene->ben), TIMEOUT_MS, "Ben's phone to ring");
  event = cb_test_stream_wait (scene->ben_stream, "call", ben_id, TIMEOUT_MS);
  g_assert_nonnull (event);
  card = wait_for_widget (GTK_WIDGET (scene->window), match_card_with, "202", "the card of the call to Ben");
  {
    JsonObject *data = json_object_get_object_member (event, "data");

    g_assert_cmpint (json_object_get_int_member (data, "remote_user_id"), ==, thomas_id);
    CB_TEST_WAIT_FOR (cb_call_get_for_user_id (cb_call_row_get_call (CB_CALL_ROW (card))) == thomas_id,
                      TIMEOUT_MS, "Claudia's card to say the call is for Thomas");
  }
  g_assert_true (gtk_widget_activate_action (card, "call.hangup", NULL));
  cb_test_phone_wait_state (&scene->ben, CB_SIP_CALL_STATE_ENDED, "Ben's phone to stop");

  /* Her journal says whom she called for. */
  {
    g_autofree char *for_thomas = g_strdup_printf (_("for %s"), "Dr. Thomas Krause");
    GtkWidget *journal_page = find_widget (GTK_WIDGET (scene->window), match_type,
                                           GSIZE_TO_POINTER (CB_TYPE_JOURNAL_PAGE));

    g_assert_nonnull (journal_page);
    cb_window_show_page (scene->window, "journal");
    wait_for_widget (journal_page, match_mapped_label_with, for_thomas,
                     "\"for Dr. Thomas Krause\" in Claudia's journal");
    screenshot (GTK_WIDGET (scene->window), "assist-journal-for");
  }
}

/* --- a call for the leader, forwarded to him --- */

static void
call_for_leader (Scene *scene)
{
  GtkWidget *card;
  CbCall *call;
  CbLeaderForwardButton *forward;
  GMenuModel *menu;
  g_autofree char *for_thomas = NULL;
  g_autofree char *to_thomas = NULL;
  g_autofree char *action = NULL;
  g_autoptr(GVariant) target = NULL;

  /* The call to Ben gone from the page, the toast closed. */
  CB_TEST_WAIT_FOR (g_list_model_get_n_items (cb_softphone_get_calls (cb_window_get_softphone (scene->window))) == 0,
                    TIMEOUT_MS, "no calls left on the page");
  dismiss_toasts (GTK_WIDGET (scene->window));
  cb_window_show_page (scene->window, "favourites");
  {
    /* Everyone at once: Thomas's phone and Claudia's softphone ring. */
    g_autoptr(JsonNode) answer = NULL;
    CbGroup *group = NULL;
    GListModel *groups = cb_client_store_get_groups (scene->store);
    g_autofree char *path = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
      {
        g_autoptr(CbGroup) item = g_list_model_get_item (groups, i);

        if (cb_group_get_kind (item) == CB_GROUP_KIND_ASSISTANT)
          group = item;
      }
    path = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/filter", cb_group_get_id (group));
    cb_test_request_expect (scene->server, "PUT", path, scene->thomas_token,
                            "{\"enabled\": true, \"strategy\": \"all\"}", 200, &answer);
    CB_TEST_WAIT_FOR (cb_group_get_filter (group) == CB_ASSISTANT_FILTER_ALL, TIMEOUT_MS,
                      "the new filter in Claudia's store");
    cb_test_phone_dial (&scene->erik, "203");
  }

  /* The window shows the calls page for a ringing call. */
  card = wait_for_widget (GTK_WIDGET (scene->window), match_card_with, "205", "the card of Erik's call");
  call = cb_call_row_get_call (CB_CALL_ROW (card));
  CB_TEST_WAIT_FOR (g_strcmp0 (cb_call_get_for_name (call), "Dr. Thomas Krause") == 0, TIMEOUT_MS,
                    "the call to be for Thomas");
  for_thomas = g_strdup_printf (_("for %s"), "Dr. Thomas Krause");
  wait_for_widget (card, match_mapped_label_with, for_thomas, "\"for Dr. Thomas Krause\" on the card");
  screenshot (GTK_WIDGET (scene->window), "assist-call-for");

  g_assert_true (gtk_widget_activate_action (card, "call.answer", NULL));
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_CONNECTED, TIMEOUT_MS,
                    "Claudia connected with Erik");
  /* The server says so in every event of the call: still "for" Thomas. */
  g_assert_cmpstr (cb_call_get_for_name (call), ==, "Dr. Thomas Krause");
  cb_test_phone_wait_hears (&scene->erik, CLAUDIA_HZ, "Erik to hear Claudia");
  cb_test_phone_wait_state (&scene->thomas, CB_SIP_CALL_STATE_ENDED,
                            "Thomas's phone to stop ringing once Claudia took the call");

  /* "To Dr. Thomas Krause": now, or after consultation. */
  forward = CB_LEADER_FORWARD_BUTTON (find_widget (card, match_type,
                                                   GSIZE_TO_POINTER (CB_TYPE_LEADER_FORWARD_BUTTON)));
  g_assert_nonnull (forward);
  CB_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (forward)), TIMEOUT_MS, "the forward-to-leader button");
  to_thomas = g_strdup_printf (_("To %s"), "Dr. Thomas Krause");
  g_assert_nonnull (find_widget (GTK_WIDGET (forward), match_mapped_label_with, to_thomas));
  menu = cb_leader_forward_button_get_menu (forward);
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 2);
  g_assert_true (g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_ACTION, "s", &action));
  g_assert_cmpstr (action, ==, "call.forward");
  target = g_menu_model_get_item_attribute_value (menu, 0, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_STRING);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, "203");
  g_clear_pointer (&action, g_free);
  g_assert_true (g_menu_model_get_item_attribute (menu, 1, G_MENU_ATTRIBUTE_ACTION, "s", &action));
  g_assert_cmpstr (action, ==, "call.consult");
  {
    GtkMenuButton *menu_button = GTK_MENU_BUTTON (find_widget (GTK_WIDGET (forward), match_name,
                                                               "leader-forward-button"));

    gtk_menu_button_popup (menu_button);
    wait_for_widget (GTK_WIDGET (menu_button), match_mapped_popover, NULL, "the forward menu");
    screenshot_screen (GTK_WIDGET (scene->window), "assist-forward-to-leader");
    gtk_menu_button_popdown (menu_button);
  }

  /* Forward Now, as the menu's first item does. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (forward), "call.forward", "s", "203"));
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&scene->thomas), TIMEOUT_MS, "Thomas's phone to ring with the call");
  cb_test_phone_answer (&scene->thomas);
  cb_test_phone_wait_hears (&scene->erik, THOMAS_HZ, "Erik to hear Thomas");
  cb_test_phone_wait_hears (&scene->thomas, ERIK_HZ, "Thomas to hear Erik");
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_ENDED, TIMEOUT_MS,
                    "Claudia's part of the call to end");
  cb_sip_call_hangup (scene->erik.call);
  cb_test_phone_wait_state (&scene->thomas, CB_SIP_CALL_STATE_ENDED, "the forwarded call to end");
}

/* --- call diversion --- */

static CbDiversionDialog *
open_diversion_dialog (Scene *scene)
{
  GtkWidget *button = find_widget (GTK_WIDGET (scene->window), match_type,
                                   GSIZE_TO_POINTER (CB_TYPE_DIVERSION_BUTTON));
  CbDiversionDialog *dialog;

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));
  /* One click in the header. */
  g_assert_true (gtk_widget_activate_action (button, "diversion-button.open", NULL));
  CB_TEST_WAIT_FOR ((dialog = (CbDiversionDialog *) find_toplevel (CB_TYPE_DIVERSION_DIALOG)) != NULL,
                    TIMEOUT_MS, "the diversion dialog");
  cb_test_app_wait_for_frame (GTK_WIDGET (dialog));
  return dialog;
}

static void
save_and_wait_closed (CbDiversionDialog *dialog)
{
  gpointer weak = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "diversion.save", NULL));
  CB_TEST_WAIT_FOR (weak == NULL, TIMEOUT_MS, "the dialog to close once saved");
}

static GBytes *
wav_new (void)
{
  guint n_samples = 8000;
  guint data_size = n_samples * 2;
  guint8 *wav = g_malloc0 (44 + data_size);
  guint32 u32;
  guint16 u16;

#define PUT32(offset, value) (u32 = GUINT32_TO_LE (value), memcpy (wav + (offset), &u32, 4))
#define PUT16(offset, value) (u16 = GUINT16_TO_LE (value), memcpy (wav + (offset), &u16, 2))
  memcpy (wav, "RIFF", 4);
  PUT32 (4, 36 + data_size);
  memcpy (wav + 8, "WAVEfmt ", 8);
  PUT32 (16, 16);
  PUT16 (20, 1);
  PUT16 (22, 1);
  PUT32 (24, 8000);
  PUT32 (28, 16000);
  PUT16 (32, 2);
  PUT16 (34, 16);
  memcpy (wav + 36, "data", 4);
  PUT32 (40, data_size);
#undef PUT32
#undef PUT16
  return g_bytes_new_take (wav, 44 + data_size);
}

static void
diversion (Scene *scene)
{
  CbDiversionDialog *dialog;
  CbDiversionButton *button = CB_DIVERSION_BUTTON (find_widget (GTK_WIDGET (scene->window), match_type,
                                                                GSIZE_TO_POINTER (CB_TYPE_DIVERSION_BUTTON)));
  CbContact *me = cb_client_store_get_me (scene->store);
  CbContact *ben = contact_named (scene, "202");
  const char *marker = "Ben Carter";
  g_autofree char *ben_diverted = g_strdup_printf (_("Diverted to %s"), "Dr. Thomas Krause");
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GBytes) wav = wav_new ();
  /* A directory of its own: runs side by side must not share the file. */
  g_autofree char *wav_dir = g_dir_make_tmp ("cb-assist-XXXXXX", NULL);
  g_autofree char *wav_path = g_build_filename (wav_dir, "announcement.wav", NULL);
  g_autoptr(GFile) wav_file = g_file_new_for_path (wav_path);
  g_autoptr(GError) error = NULL;
  GtkWidget *row;
  GtkWidget *label;

  g_assert_nonnull (wav_dir);
  g_assert_false (cb_diversion_button_get_diverted (button));

  /* All calls to Ben, named as people do; unanswered ones to Erik. */
  dialog = open_diversion_dialog (scene);
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (find_widget (GTK_WIDGET (dialog), match_name,
                                                                         "unconditional-row")), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (find_widget (GTK_WIDGET (dialog), match_name, "unconditional-entry")),
                         "Ben Carter");
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (find_widget (GTK_WIDGET (dialog), match_name,
                                                                         "no-answer-row")), TRUE);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (find_widget (GTK_WIDGET (dialog), match_name,
                                                                 "no-answer-row")), TRUE);

  /* Saved without a number for unanswered calls: the toast says so, all
   * of it (libadwaita cut a toast to one line: in German, mid-sentence). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "diversion.save", NULL));
  label = wait_for_widget (GTK_WIDGET (dialog), match_mapped_label_with,
                           _("Choose a colleague or a group, or type a number, to divert to."),
                           "the toast asking for a number");
  CB_TEST_WAIT_FOR (gtk_widget_get_width (label) > 0, TIMEOUT_MS, "the toast laid out");
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
  g_assert_cmpint (gtk_widget_get_width (label), <, gtk_widget_get_width (GTK_WIDGET (dialog)));
  screenshot (GTK_WIDGET (dialog), "assist-diversion-no-number");
  dismiss_toasts (GTK_WIDGET (dialog));

  gtk_editable_set_text (GTK_EDITABLE (find_widget (GTK_WIDGET (dialog), match_name, "no-answer-entry")),
                         "205");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find_widget (GTK_WIDGET (dialog), match_name,
                                                           "no-answer-after-spin")), 30);
  screenshot (GTK_WIDGET (dialog), "assist-diversion-dialog");
  save_and_wait_closed (dialog);

  g_assert_cmpstr (cb_contact_get_diversion_unconditional (me), ==, "202");
  g_assert_cmpstr (cb_contact_get_diversion_no_answer (me), ==, "205");
  g_assert_cmpuint (cb_contact_get_diversion_no_answer_after (me), ==, 30);
  CB_TEST_WAIT_FOR (cb_diversion_button_get_diverted (button), TIMEOUT_MS, "the header's marker");
  g_assert_cmpstr (cb_diversion_button_get_text (button), ==, marker);
  cb_window_show_page (scene->window, "favourites");
  screenshot (GTK_WIDGET (scene->window), "assist-diversion-marker");

  /* Ben diverts to Thomas: his row says so, at team level. */
  cb_test_request_expect (scene->server, "PUT", "/api/v1/me/diversion", scene->ben_token,
                          "{\"unconditional\": \"203\"}", 200, &answer);
  CB_TEST_WAIT_FOR (cb_contact_get_diverted (ben), TIMEOUT_MS, "Ben's diversion in Claudia's store");
  cb_window_show_page (scene->window, "directory");
  row = wait_for_widget (GTK_WIDGET (scene->window), match_contact_row, "ben", "Ben's directory row");
  label = find_widget (row, match_type, GSIZE_TO_POINTER (CB_TYPE_DIVERSION_LABEL));
  g_assert_nonnull (label);
  CB_TEST_WAIT_FOR (gtk_widget_get_mapped (label), TIMEOUT_MS, "\"Diverted to …\" on Ben's row");
  g_assert_cmpstr (cb_diversion_label_get_text (CB_DIVERSION_LABEL (label)), ==, ben_diverted);
  screenshot (GTK_WIDGET (scene->window), "assist-diverted-colleague");

  /* The announcement, from a file (what the file chooser hands over). */
  g_assert_true (g_file_replace_contents (wav_file, g_bytes_get_data (wav, NULL), g_bytes_get_size (wav),
                                          NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (cb_contact_get_announcement (me));
  dialog = open_diversion_dialog (scene);
  cb_diversion_dialog_upload_file (dialog, wav_file);
  CB_TEST_WAIT_FOR (cb_contact_get_announcement (me), TIMEOUT_MS, "the announcement uploaded");

  /* Everything off again: the marker goes. */
  for (guint i = 0; i < 3; i++)
    {
      const char *rows[] = { "unconditional-row", "busy-row", "no-answer-row" };

      adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (find_widget (GTK_WIDGET (dialog), match_name,
                                                                             (gpointer) rows[i])), FALSE);
    }
  save_and_wait_closed (dialog);
  CB_TEST_WAIT_FOR (!cb_diversion_button_get_diverted (button), TIMEOUT_MS, "the marker gone");
  g_assert_false (cb_contact_get_diverted (me));
  /* Ben's calls ring him again (a server that routes diversions would
   * send the next test's call to Thomas). */
  g_clear_pointer (&answer, json_node_unref);
  cb_test_request_expect (scene->server, "PUT", "/api/v1/me/diversion", scene->ben_token, "{}", 200, &answer);
  CB_TEST_WAIT_FOR (!cb_contact_get_diverted (ben), TIMEOUT_MS, "Ben's diversion off");
  cb_test_remove_dir (wav_dir);
}

/* --- the leader's side of the filter --- */

static void
leader_sets_filter (Scene *scene)
{
  CbWindow *window = signed_in_window (scene->server, "thomas");
  CbGroup *claudias_view = NULL;
  CbGroup *group;
  GtkWidget *row;
  GtkWidget *strategy;
  GtkWidget *delay;
  GListModel *groups = cb_client_store_get_groups (scene->store);

  for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
    {
      g_autoptr(CbGroup) item = g_list_model_get_item (groups, i);

      if (cb_group_get_kind (item) == CB_GROUP_KIND_ASSISTANT)
        claudias_view = item;
    }
  CB_TEST_WAIT_FOR (cb_window_get_session (window) != NULL &&
                    cb_session_get_state (cb_window_get_session (window)) == CB_CONNECTION_STATE_CONNECTED,
                    TIMEOUT_MS, "Thomas signed in");
  cb_window_show_page (window, "groups");
  row = wait_for_widget (GTK_WIDGET (window), match_assistant_group_row, NULL, "Thomas's assistant group");
  group = cb_group_row_get_group (CB_GROUP_ROW (row));
  /* No member: nothing to log into, and no Call as for him. */
  g_assert_false (cb_group_get_is_member (group));
  g_assert_false (gtk_widget_get_visible (find_widget (GTK_WIDGET (window), match_type,
                                                       GSIZE_TO_POINTER (CB_TYPE_CALL_AS_BUTTON))));
  strategy = find_widget (row, match_name, "strategy-row");
  delay = find_widget (row, match_name, "delay-spin");
  g_assert_true (gtk_widget_get_sensitive (strategy));

  /* His to choose: he first, then the assistants after 9 seconds. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (strategy), CB_ASSISTANT_FILTER_LEADER_FIRST);
  CB_TEST_WAIT_FOR (cb_group_get_filter (claudias_view) == CB_ASSISTANT_FILTER_LEADER_FIRST, TIMEOUT_MS,
                    "Claudia to see Thomas's new filter");
  CB_TEST_WAIT_FOR (gtk_widget_get_mapped (delay), TIMEOUT_MS, "the delay for \"leader first\"");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (delay), 9);
  CB_TEST_WAIT_FOR (cb_group_get_filter_delay (claudias_view) == 9 && cb_group_get_filter_delay (group) == 9,
                    TIMEOUT_MS, "the delay through the server");
  screenshot (GTK_WIDGET (window), "assist-leader-filter");
  close_window (window);
}

static void
test_assistant (gconstpointer data)
{
  Scene scene = { NULL };

  scene_start (&scene, (CbTestServer *) data);
  group_and_call_as (&scene);
  call_as_leader (&scene);
  call_for_leader (&scene);
  diversion (&scene);
  leader_sets_filter (&scene);
  scene_finish (&scene);
}

/* --- the account's language and time zone --- */

static gboolean
match_mapped_label_text (GtkWidget *widget,
                         gpointer   data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), data) == 0;
}

static CbWindow *
main_window_signed_in (void)
{
  CbWindow *window = (CbWindow *) find_toplevel (CB_TYPE_WINDOW);

  return window != NULL && cb_window_get_session (window) != NULL &&
         cb_session_get_state (cb_window_get_session (window)) == CB_CONNECTION_STATE_CONNECTED
         ? window : NULL;
}

static void
test_language_and_time_zone (gconstpointer data)
{
  CbTestServer *server = (CbTestServer *) data;
  CbTestPhone ben = { NULL };
  CbWindow *window = signed_in_window (server, "greta");
  CbWindow *signed_in;
  gpointer weak = window;
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GDateTime) started = NULL;
  g_autoptr(GDateTime) started_utc = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *utc = NULL;
  g_autoptr(CbJournalEntry) entry = NULL;
  GListModel *journal;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  CB_TEST_WAIT_FOR ((signed_in = main_window_signed_in ()) != NULL, TIMEOUT_MS, "Greta signed in");
  if (german)
    {
      /* Started in German, her account says English: a window built in it. */
      CB_TEST_WAIT_FOR (weak == NULL, TIMEOUT_MS, "the German window to go");
      g_assert_true (signed_in != window);
    }
  else
    g_assert_true (signed_in == window);
  window = signed_in;
  g_assert_cmpstr (cb_user_locale_get_language (), ==, "en");
  wait_for_widget (GTK_WIDGET (window), match_mapped_label_text, "Favourites", "the pages named in English");
  screenshot (GTK_WIDGET (window), "assist-account-language");

  /* Her calls' times are New York's. */
  zone = cb_user_locale_get_time_zone ();
  g_assert_cmpstr (g_time_zone_get_identifier (zone), ==, "America/New_York");
  wait_registered (window);
  ben.manual_answer = FALSE;
  cb_test_phone_start_user (server, &ben, "ben", BEN_HZ, CLAUDIA_HZ);
  {
    GtkWidget *page = find_widget (GTK_WIDGET (window), match_type, GSIZE_TO_POINTER (CB_TYPE_CALLS_PAGE));
    GtkWidget *card;

    cb_window_show_page (window, "calls");
    cb_calls_page_dial (CB_CALLS_PAGE (page), "202");
    cb_test_phone_wait_state (&ben, CB_SIP_CALL_STATE_ACTIVE, "Ben to answer Greta");
    card = wait_for_widget (GTK_WIDGET (window), match_card_with, "202", "Greta's card");
    /* Hung up once connected here too (before, it would be a CANCEL). */
    CB_TEST_WAIT_FOR (cb_call_get_state (cb_call_row_get_call (CB_CALL_ROW (card))) == CB_CALL_STATE_CONNECTED,
                      TIMEOUT_MS, "Greta's call connected");
    g_assert_true (gtk_widget_activate_action (card, "call.hangup", NULL));
  }
  journal = cb_client_store_get_journal (cb_session_get_store (cb_window_get_session (window)));
  CB_TEST_WAIT_FOR (g_list_model_get_n_items (journal) > 0, TIMEOUT_MS, "the call in Greta's journal");
  entry = g_list_model_get_item (journal, 0);
  started = cb_user_locale_date_time (cb_journal_entry_get_started_at (entry));
  started_utc = g_date_time_new_from_unix_utc (cb_journal_entry_get_started_at (entry));
  shown = g_date_time_format (started, "%H:%M");
  utc = g_date_time_format (started_utc, "%H:%M");
  g_assert_cmpstr (shown, !=, utc);
  cb_window_show_page (window, "journal");
  wait_for_widget (GTK_WIDGET (window), match_mapped_label_with, shown, "the call's New York time");
  screenshot (GTK_WIDGET (window), "assist-journal-time-zone");

  close_window (window);
  cb_test_phone_clear (&ben);
}

int
main (int   argc,
      char *argv[])
{
  const char *language = g_getenv ("LANGUAGE");
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

  german = language != NULL && g_str_has_prefix (language, "de");

  server = cb_test_server_start (directory, server_args);
  g_test_add_data_func ("/app/assist/assistant", server, test_assistant);
  g_test_add_data_func ("/app/assist/language-and-time-zone", server, test_language_and_time_zone);
  status = g_test_run ();
  cb_test_server_stop (server);

  return status;
}
