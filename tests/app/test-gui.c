/* test-gui.c: the real window against a real callboardd, under Xvfb
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starts callboardd --demo --no-simulation (so nothing but this test
 * changes the office), signs in through the sign-in page's own fields and
 * action, flips the login switch of a hunt group, and checks with a second,
 * independent session that the server changed and that the switch shows
 * it. With a directory above the client's limit (a server of its own),
 * the directory search asks the server. Screenshots go to the build
 * directory. With LANGUAGE=de the same run checks German labels.
 */

#define G_LOG_DOMAIN "test-gui"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-contact-row.h"
#include "cb-demo-server.h"
#include "cb-colleague-widget.h"
#include "cb-directory-page.h"
#include "cb-calls-page.h"
#include "cb-favourites-page.h"
#include "cb-group-row.h"
#include "cb-monitor-window.h"
#include "cb-presence-menu.h"
#include "cb-test-app.h"
#include "cb-test-server.h"
#include "cb-window.h"

#define TIMEOUT_MS 30000

static CbDemoServer *demo_server;
static gboolean german;

/* A timeout fails the test, naming the condition. */
#define WAIT_UNTIL(condition, data) \
  cb_test_wait_until ((condition), (data), TIMEOUT_MS, #condition)

/* Depth-first search for the first widget @match accepts. */
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
match_label_text (GtkWidget *widget,
                  gpointer   data)
{
  return GTK_IS_LABEL (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), data) == 0;
}

static gboolean
match_visible_error_label (GtkWidget *widget,
                           gpointer   data)
{
  return GTK_IS_LABEL (widget) &&
         gtk_widget_has_css_class (widget, "error") &&
         gtk_widget_get_visible (widget) &&
         *gtk_label_get_text (GTK_LABEL (widget)) != '\0';
}

/* A hunt group the signed-in user belongs to, shown and mapped. */
static gboolean
match_member_group_row (GtkWidget *widget,
                        gpointer   data)
{
  CbGroup *group;

  if (!CB_IS_GROUP_ROW (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;

  group = cb_group_row_get_group (CB_GROUP_ROW (widget));
  return cb_group_get_kind (group) == CB_GROUP_KIND_HUNT && cb_group_get_is_member (group);
}

static char *
screenshot (GtkWidget  *widget,
            const char *name)
{
  g_autofree char *full = g_strdup_printf ("%s%s", name, german ? "-de" : "");

  return cb_test_app_screenshot (widget, full);
}

static gboolean
server_ready (gpointer data)
{
  return cb_demo_server_get_url (demo_server) != NULL || !cb_demo_server_get_running (demo_server);
}

static gboolean
signed_in (gpointer data)
{
  CbSession *session = cb_window_get_session (data);

  return session != NULL && cb_session_get_state (session) == CB_CONNECTION_STATE_CONNECTED;
}

static gboolean
not_busy (gpointer data)
{
  return !cb_sign_in_page_get_busy (data);
}

static CbWindow *
new_window (void)
{
  CbWindow *window = cb_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  return window;
}

static void
fill_sign_in_form (CbWindow   *window,
                   const char *password)
{
  g_object_set (cb_window_get_sign_in_page (window),
                "server-url", cb_demo_server_get_url (demo_server),
                "username", "anna",
                "password", password,
                NULL);
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Destroys @window and checks nothing keeps it alive: no leaked
 * references from pending requests, bindings or signal handlers. */
static void
destroy_and_check_finalized (CbWindow *window)
{
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  WAIT_UNTIL (pointer_cleared, &weak);
}

static gboolean
match_type (GtkWidget *widget,
            gpointer   data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

static void
test_wrong_password (void)
{
  CbWindow *window = new_window ();
  CbSignInPage *page = cb_window_get_sign_in_page (window);
  GtkWidget *error_label;
  GtkWidget *password_row;
  GtkWidget *typing_in;
  GtkRoot *root = GTK_ROOT (window);

  fill_sign_in_form (window, "not-the-password");
  /* The user typed the password: the window is active, the field focused. */
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL ((GSourceFunc) gtk_window_is_active, window);
  password_row = find_widget (GTK_WIDGET (page), match_type, GSIZE_TO_POINTER (ADW_TYPE_PASSWORD_ENTRY_ROW));
  g_assert_true (gtk_widget_grab_focus (password_row));
  typing_in = gtk_root_get_focus (root);
  g_assert_true (GTK_IS_TEXT (typing_in) && gtk_widget_has_focus (typing_in));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "sign-in.sign-in", NULL));
  g_assert_true (cb_sign_in_page_get_busy (page));
  /* The greyed form holds no focus (its cursor would go on blinking):
   * Cancel has it. */
  g_assert_false (gtk_widget_has_focus (typing_in));
  g_assert_true (GTK_IS_BUTTON (gtk_root_get_focus (root)));
  WAIT_UNTIL (not_busy, page);
  /* The user is back in the password field to correct it. */
  g_assert_true (gtk_root_get_focus (root) == typing_in);
  g_assert_true (gtk_widget_has_focus (typing_in));

  g_assert_null (cb_window_get_session (window));
  {
    g_autofree char *server_url = NULL;
    g_autofree char *username = NULL;

    /* A failed attempt keeps what was typed, to correct it. */
    g_object_get (page, "server-url", &server_url, "username", &username, NULL);
    g_assert_cmpstr (server_url, ==, cb_demo_server_get_url (demo_server));
    g_assert_cmpstr (username, ==, "anna");
  }
  error_label = find_widget (GTK_WIDGET (page), match_visible_error_label, NULL);
  g_assert_nonnull (error_label);
  g_test_message ("Error shown: %s", gtk_label_get_text (GTK_LABEL (error_label)));

  /* Animations are off: the entry rows' titles are aside on the next
   * frame. */
  g_free (screenshot (GTK_WIDGET (window), "sign-in-error"));
  destroy_and_check_finalized (window);
}

typedef struct {
  CbGroup   *group;
  GtkSwitch *sw;
  gboolean   expected;
} SwitchWait;

static gboolean
switch_reflects (gpointer data)
{
  SwitchWait *wait = data;

  return cb_group_get_logged_in (wait->group) == wait->expected &&
         gtk_switch_get_state (wait->sw) == wait->expected &&
         gtk_switch_get_active (wait->sw) == wait->expected;
}

static gboolean
find_row (gpointer data)
{
  CbWindow *window = data;

  return find_widget (GTK_WIDGET (window), match_member_group_row, NULL) != NULL;
}

typedef struct {
  GAsyncResult *result;
} AsyncWait;

static void
on_async_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->result = g_object_ref (result);
}

static gboolean
async_done (gpointer data)
{
  return ((AsyncWait *) data)->result != NULL;
}

/* A second client, sharing nothing with the window. */
static CbSession *
sign_in_other_client (void)
{
  CbSession *other = cb_session_new (cb_demo_server_get_url (demo_server));
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { NULL };

  cb_session_sign_in_async (other, "anna", "demo", NULL, on_async_done, &wait);
  WAIT_UNTIL (async_done, &wait);
  g_assert_true (cb_session_sign_in_finish (other, wait.result, &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);

  return other;
}

/* Asks the server afresh (GET /snapshot with the other client's token)
 * whether the signed-in user is logged into @group_id. */
static gboolean
server_says_logged_in (CbSession *other,
                       gint64     group_id)
{
  CbRestClient *rest = cb_session_get_rest_client (other);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) snapshot = NULL;
  AsyncWait wait = { NULL };
  gint64 me = cb_session_get_user_id (other);
  JsonArray *groups;

  cb_rest_client_get_snapshot_async (rest, NULL, on_async_done, &wait);
  WAIT_UNTIL (async_done, &wait);
  snapshot = cb_rest_client_get_snapshot_finish (rest, wait.result, &error);
  g_assert_no_error (error);
  g_clear_object (&wait.result);

  groups = json_object_get_array_member (snapshot, "groups");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);
      JsonArray *members;

      if (json_object_get_int_member (group, "id") != group_id)
        continue;

      members = json_object_get_array_member (group, "members");
      for (guint j = 0; j < json_array_get_length (members); j++)
        {
          JsonObject *member = json_array_get_object_element (members, j);

          if (json_object_get_int_member (member, "user_id") == me)
            return json_object_get_boolean_member_with_default (member, "logged_in", FALSE);
        }
    }

  g_assert_not_reached ();
}

typedef struct {
  CbGroup  *group;
  gboolean  expected;
} GroupWait;

static gboolean
group_reflects (gpointer data)
{
  GroupWait *wait = data;

  return cb_group_get_logged_in (wait->group) == wait->expected;
}

/* The header's search entry; the dropdowns hide their own in popovers. */
static gboolean
match_header_search_entry (GtkWidget *widget,
                           gpointer   data)
{
  return GTK_IS_SEARCH_ENTRY (widget) &&
         gtk_widget_get_ancestor (widget, GTK_TYPE_POPOVER) == NULL;
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

/* Mapped contact rows under root that show a contact (a list view keeps
 * unbound rows for recycling). */
static guint
count_contact_rows (GtkWidget *root)
{
  guint count = 0;

  if (CB_IS_CONTACT_ROW (root) && gtk_widget_get_mapped (root) &&
      cb_contact_row_get_contact (CB_CONTACT_ROW (root)) != NULL)
    return 1;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count += count_contact_rows (child);
  return count;
}

typedef struct {
  GtkWidget *root;
  guint      rows;   /* 0: any number but none */
} RowsWait;

static gboolean
rows_shown (gpointer data)
{
  RowsWait *wait = data;
  guint rows = count_contact_rows (wait->root);

  return wait->rows == 0 ? rows > 0 : rows == wait->rows;
}

typedef struct {
  GtkWidget  *root;
  const char *username;
} RowWait;

static gboolean
row_shown (gpointer data)
{
  RowWait *wait = data;

  return find_widget (wait->root, match_contact_row, (gpointer) wait->username) != NULL;
}

static gboolean
model_has_one_item (gpointer data)
{
  return g_list_model_get_n_items (data) == 1;
}

typedef struct {
  GListModel *model;
  gint64      user_id;
} ListWait;

static gboolean
list_contains (gpointer data)
{
  ListWait *wait = data;

  return cb_contact_list_contains (wait->model, wait->user_id);
}

static CbMonitorWindow *
find_monitor_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (CB_IS_MONITOR_WINDOW (window))
        return CB_MONITOR_WINDOW (window);
    }

  return NULL;
}

/* Whether a colleague's menu (sections of items) offers this action. */
static gboolean
menu_has_action (GMenuModel *menu,
                 const char *action)
{
  for (guint i = 0; i < (guint) g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_autofree char *name = NULL;

      if (section != NULL && menu_has_action (section, action))
        return TRUE;
      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_str_equal (name, action))
        return TRUE;
    }
  return FALSE;
}

/* Search the directory, put the one hit on the monitor through its row's
 * action, and open the monitor window. */
static void
check_search_and_monitor (CbWindow *window)
{
  GtkWidget *entry = find_widget (GTK_WIDGET (window), match_header_search_entry, NULL);
  GtkWidget *page = find_widget (GTK_WIDGET (window), match_type, GSIZE_TO_POINTER (CB_TYPE_DIRECTORY_PAGE));
  CbClientStore *store = cb_session_get_store (cb_window_get_session (window));
  CbMonitorWindow *monitor;
  GtkWidget *row;
  CbContact *greta;
  ListWait wait;
  RowsWait rows;
  RowWait greta_shown;

  g_assert_nonnull (entry);
  g_assert_nonnull (page);

  cb_window_show_page (window, "directory");
  gtk_editable_set_text (GTK_EDITABLE (entry), "lindq");
  WAIT_UNTIL (model_has_one_item, cb_directory_page_get_model (CB_DIRECTORY_PAGE (page)));
  /* The list shows the one hit, and no other row. */
  rows = (RowsWait) { page, 1 };
  WAIT_UNTIL (rows_shown, &rows);
  /* The whole directory is loaded: nothing is asked of the server. */
  g_assert_true (cb_client_store_get_directory_complete (store));
  g_assert_false (gtk_widget_get_mapped (find_widget (page, match_type, GSIZE_TO_POINTER (GTK_TYPE_SPINNER))));
  row = find_widget (page, match_contact_row, (gpointer) "greta");
  g_assert_nonnull (row);
  greta = cb_contact_row_get_contact (CB_CONTACT_ROW (row));
  g_free (screenshot (GTK_WIDGET (window), "search"));

  g_assert_true (gtk_widget_activate_action (row, "contact.add-monitor", "x", cb_contact_get_id (greta)));
  wait = (ListWait) { cb_client_store_get_monitor (store), cb_contact_get_id (greta) };
  WAIT_UNTIL (list_contains, &wait);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-monitor", NULL));
  monitor = find_monitor_window ();
  g_assert_nonnull (monitor);
  greta_shown = (RowWait) { GTK_WIDGET (monitor), "greta" };
  WAIT_UNTIL (row_shown, &greta_shown);
  g_free (screenshot (GTK_WIDGET (monitor), "monitor"));
  /* Her own entry: hers to remove. */
  {
    g_autoptr(GMenuModel) menu = cb_colleague_menu_new (store, greta);

    g_assert_true (menu_has_action (menu, "contact.remove-monitor"));
  }

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

typedef struct {
  CbContact *me;
  gboolean   agent;
  int        expected;
} StatusWait;

static gboolean
status_reflects (gpointer data)
{
  StatusWait *wait = data;

  if (wait->agent)
    return (int) cb_contact_get_agent_status (wait->me) == wait->expected;
  return (int) cb_contact_get_availability (wait->me) == wait->expected;
}

typedef struct {
  GtkDropDown *dropdown;
  guint        expected;
} DropDownWait;

static gboolean
dropdown_shows (gpointer data)
{
  DropDownWait *wait = data;

  return gtk_drop_down_get_selected (wait->dropdown) == wait->expected;
}

/* The agent status dropdown (the header has drop-downs of its own). */
static gboolean
match_workplace_dropdown (GtkWidget *widget,
                          gpointer   data)
{
  return GTK_IS_DROP_DOWN (widget) && g_strcmp0 (gtk_widget_get_name (widget), "workplace-status") == 0;
}

typedef struct {
  CbPresenceMenu *menu;
  const char     *label;
} PresenceWait;

static gboolean
presence_shows (gpointer data)
{
  PresenceWait *wait = data;

  return find_widget (GTK_WIDGET (wait->menu), match_label_text, (gpointer) wait->label) != NULL;
}

static gboolean
widget_unmapped (gpointer widget)
{
  return !gtk_widget_get_mapped (widget);
}

/* The status bar follows the store, and choosing in it asks the server:
 * signing in made the user available, the workplace status (under a
 * visible label, in the seed's words) goes to wrap-up when chosen. */
static void
check_status_dropdowns (CbWindow *window)
{
  GtkWidget *agent = find_widget (GTK_WIDGET (window), match_workplace_dropdown, NULL);
  GtkWidget *presence = find_widget (GTK_WIDGET (window), match_type, GSIZE_TO_POINTER (CB_TYPE_PRESENCE_MENU));
  CbContact *me = cb_client_store_get_me (cb_session_get_store (cb_window_get_session (window)));
  StatusWait status;
  DropDownWait shown;
  PresenceWait presence_shown;

  g_assert_nonnull (agent);
  g_assert_nonnull (presence);
  g_assert_nonnull (me);
  /* Presence and workplace status are told apart by a visible label. */
  g_assert_nonnull (find_widget (GTK_WIDGET (window), match_label_text,
                                 german ? "Arbeitsplatz-Status" : "Workplace status"));
  /* Its explanation on the label, not over the drop-down's list: GTK 4.8
   * keeps a tooltip up when a click opens the list under it. */
  for (GtkWidget *w = agent; w != NULL && w != GTK_WIDGET (window); w = gtk_widget_get_parent (w))
    g_assert_false (gtk_widget_get_has_tooltip (w));
  /* And a menu button's tooltip is off while its menu shows (GTK 4.8
   * would leave it over the menu's first lines), back once it closes. */
  {
    GtkWidget *button = find_widget (presence, match_type, GSIZE_TO_POINTER (GTK_TYPE_MENU_BUTTON));
    GtkWidget *popover;

    g_assert_nonnull (button);
    g_assert_true (gtk_widget_get_has_tooltip (button));
    gtk_menu_button_popup (GTK_MENU_BUTTON (button));
    popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
    WAIT_UNTIL ((GSourceFunc) gtk_widget_get_mapped, popover);
    g_assert_false (gtk_widget_get_has_tooltip (button));
    gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
    WAIT_UNTIL (widget_unmapped, popover);
    g_assert_true (gtk_widget_get_has_tooltip (button));
  }

  status = (StatusWait) { me, FALSE, CB_AVAILABILITY_AVAILABLE };
  WAIT_UNTIL (status_reflects, &status);
  presence_shown = (PresenceWait) { CB_PRESENCE_MENU (presence), german ? "Verfügbar" : "Available" };
  WAIT_UNTIL (presence_shows, &presence_shown);

  gtk_drop_down_set_selected (GTK_DROP_DOWN (agent), CB_AGENT_STATUS_WRAP_UP);
  status = (StatusWait) { me, TRUE, CB_AGENT_STATUS_WRAP_UP };
  WAIT_UNTIL (status_reflects, &status);
  shown = (DropDownWait) { GTK_DROP_DOWN (agent), CB_AGENT_STATUS_WRAP_UP };
  WAIT_UNTIL (dropdown_shows, &shown);
  g_assert_cmpstr (gtk_string_object_get_string (gtk_drop_down_get_selected_item (GTK_DROP_DOWN (agent))), ==,
                   german ? "Nachbearbeitung" : "Wrap-up");

  /* The seed's words for every workplace status. */
  {
    static const char *english[] = { "Available", "Not available", "Wrap-up", "Logged in", "Logged out" };
    static const char *deutsch[] = { "Verfügbar", "Nicht verfügbar", "Nachbearbeitung", "Angemeldet", "Abgemeldet" };
    GListModel *items = gtk_drop_down_get_model (GTK_DROP_DOWN (agent));

    g_assert_cmpuint (g_list_model_get_n_items (items), ==, G_N_ELEMENTS (english));
    for (guint i = 0; i < G_N_ELEMENTS (english); i++)
      {
        g_autoptr(GtkStringObject) item = g_list_model_get_item (items, i);

        g_assert_cmpstr (gtk_string_object_get_string (item), ==, german ? deutsch[i] : english[i]);
      }
  }

  /* Open, the list marks the current status, and only it, with a check. */
  {
    GtkWidget *popover;

    g_signal_emit_by_name (agent, "activate");
    popover = find_widget (agent, match_type, GSIZE_TO_POINTER (GTK_TYPE_POPOVER));
    g_assert_nonnull (popover);
    WAIT_UNTIL ((GSourceFunc) gtk_widget_get_mapped, popover);
    g_assert_cmpstr (cb_test_app_checked_item (popover), ==, german ? "Nachbearbeitung" : "Wrap-up");
    gtk_popover_popdown (GTK_POPOVER (popover));
    WAIT_UNTIL (widget_unmapped, popover);
  }
}

static gboolean
match_banner (GtkWidget *widget,
              gpointer   data)
{
  GtkWidget *child;

  if (!GTK_IS_REVEALER (widget))
    return FALSE;
  child = gtk_revealer_get_child (GTK_REVEALER (widget));
  return child != NULL && gtk_widget_has_css_class (child, "cb-banner");
}

typedef struct {
  CbWindow    *window;
  GtkRevealer *banner;
  gboolean     reconnecting;
} BannerWait;

static gboolean
banner_reflects (gpointer data)
{
  BannerWait *wait = data;
  CbSession *session = cb_window_get_session (wait->window);
  CbConnectionState expected = wait->reconnecting ? CB_CONNECTION_STATE_RECONNECTING
                                                  : CB_CONNECTION_STATE_CONNECTED;

  return cb_session_get_state (session) == expected &&
         gtk_revealer_get_reveal_child (wait->banner) == wait->reconnecting;
}

/* Fully shown: with animations off, at once. */
static gboolean
banner_revealed (gpointer data)
{
  return gtk_revealer_get_child_revealed (data);
}

/* A dropped connection shows the banner until the session is back. */
static void
check_reconnect_banner (CbWindow *window)
{
  GtkWidget *banner = find_widget (GTK_WIDGET (window), match_banner, NULL);
  BannerWait wait;

  g_assert_nonnull (banner);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (banner)));

  cb_session_disconnect_for_test (cb_window_get_session (window));
  wait = (BannerWait) { window, GTK_REVEALER (banner), TRUE };
  WAIT_UNTIL (banner_reflects, &wait);
  g_assert_nonnull (find_widget (banner, match_label_text,
                                 german ? "Verbindung verloren – neuer Verbindungsversuch …"
                                        : "Connection lost — reconnecting…"));
  WAIT_UNTIL (banner_revealed, banner);
  g_free (screenshot (GTK_WIDGET (window), "reconnecting"));

  wait.reconnecting = FALSE;
  WAIT_UNTIL (banner_reflects, &wait);
}

typedef struct {
  CbWindow *window;
  gboolean  wide;
  int       width;
} LayoutWait;

static gboolean
layout_is (gpointer data)
{
  LayoutWait *wait = data;
  return cb_window_get_wide (wait->window) == wait->wide &&
         (wait->width == 0 || gtk_widget_get_width (GTK_WIDGET (wait->window)) == wait->width);
}

static gboolean
mapped (GtkWidget *widget)
{
  return widget != NULL && gtk_widget_get_mapped (widget);
}

/* Down to 360 px (a sidebar beside other work) the window fits, with the
 * calls one of the pages; wide, people and calls side by side. */
static void
check_layouts (CbWindow *window)
{
  GtkWidget *calls = find_widget (GTK_WIDGET (window), match_type, GSIZE_TO_POINTER (CB_TYPE_CALLS_PAGE));
  GtkWidget *favourites = find_widget (GTK_WIDGET (window), match_type,
                                       GSIZE_TO_POINTER (CB_TYPE_FAVOURITES_PAGE));
  int minimum = 0;
  int frame;
  int width;
  int height;
  LayoutWait wait;

  g_assert_nonnull (calls);
  g_assert_nonnull (favourites);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  frame = width - gtk_widget_get_width (GTK_WIDGET (window));
  g_test_message ("Window frame: %d px", frame);

  /* Narrower than the wide layout's threshold first (the wide layout's
   * own minimum may keep it a little wider): then the narrow layout's
   * smaller minimum lets the window go down to 360 px. The window's own
   * frame (shadow, resize border) is outside its width. */
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 720);
  wait = (LayoutWait) { window, FALSE, 0 };
  WAIT_UNTIL (layout_is, &wait);

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  wait = (LayoutWait) { window, FALSE, 360 - frame };
  WAIT_UNTIL (layout_is, &wait);
  cb_test_app_wait_for_frame (GTK_WIDGET (window));
  /* Nothing asks for more than the sidebar's width. */
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_test_message ("Narrowest window: %d px (with its frame)", minimum);
  g_assert_cmpint (minimum, <=, 360);
  cb_window_show_page (window, "favourites");
  cb_test_app_wait_for_frame (GTK_WIDGET (window));
  g_assert_true (mapped (favourites));
  g_assert_false (mapped (calls));
  g_free (screenshot (GTK_WIDGET (window), "narrow"));
  cb_window_show_page (window, "calls");
  cb_test_app_wait_for_frame (GTK_WIDGET (window));
  g_assert_true (mapped (calls));
  g_assert_false (mapped (favourites));
  g_free (screenshot (GTK_WIDGET (window), "narrow-calls"));

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  wait = (LayoutWait) { window, TRUE, 1280 - frame };
  WAIT_UNTIL (layout_is, &wait);
  cb_window_show_page (window, "favourites");
  cb_test_app_wait_for_frame (GTK_WIDGET (window));
  g_assert_true (mapped (favourites));
  g_assert_true (mapped (calls));
  g_free (screenshot (GTK_WIDGET (window), "wide"));

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
}

typedef struct {
  CbContact  *contact;
  const char *note;
} NoteWait;

static gboolean
note_is (gpointer data)
{
  NoteWait *wait = data;

  return g_strcmp0 (cb_contact_get_note (wait->contact), wait->note) == 0;
}

/* A note of one's own from the availability button: with an end, seen by
 * another client, offered again from the recent notes, and removed. */
static void
check_presence_note (CbWindow  *window,
                     CbSession *other)
{
  GtkWidget *menu = find_widget (GTK_WIDGET (window), match_type, GSIZE_TO_POINTER (CB_TYPE_PRESENCE_MENU));
  GtkWidget *button = find_widget (menu, match_type, GSIZE_TO_POINTER (GTK_TYPE_MENU_BUTTON));
  CbContact *me = cb_client_store_get_me (cb_session_get_store (cb_window_get_session (window)));
  CbContact *seen = cb_client_store_lookup_contact (cb_session_get_store (other), cb_contact_get_id (me));
  g_autoptr(GSettings) settings = g_settings_new ("org.callboard.Callboard");
  g_auto(GStrv) recent = NULL;
  const char *note = german ? "Zurück um 14 Uhr" : "Back at 2";
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  NoteWait wait;

  g_assert_nonnull (menu);
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  WAIT_UNTIL ((gboolean (*) (gpointer)) mapped,
              GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))));
  gtk_editable_set_text (cb_presence_menu_get_note_entry (CB_PRESENCE_MENU (menu)), note);
  cb_presence_menu_set_note_end (CB_PRESENCE_MENU (menu), CB_NOTE_END_1_HOUR);
  g_free (screenshot (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))), "presence-note"));
  g_assert_true (gtk_widget_activate_action (menu, "presence.set-note", NULL));

  wait = (NoteWait) { me, note };
  WAIT_UNTIL (note_is, &wait);
  g_assert_cmpint (cb_contact_get_note_until (me), >=, now + 3600 - 5);
  g_assert_cmpint (cb_contact_get_note_until (me), <=, now + 3600 + 60);
  /* Another client sees it, with its end. */
  wait = (NoteWait) { seen, note };
  WAIT_UNTIL (note_is, &wait);
  g_assert_cmpint (cb_contact_get_note_until (seen), ==, cb_contact_get_note_until (me));
  /* The button shows it. */
  g_assert_nonnull (find_widget (menu, match_label_text, (gpointer) note));
  recent = g_settings_get_strv (settings, "recent-notes");
  g_assert_cmpstr (recent[0], ==, note);

  /* Changing the availability keeps the note and its end. */
  g_assert_true (gtk_widget_activate_action (menu, "presence.set-availability", "i", CB_AVAILABILITY_AWAY));
  {
    StatusWait away = { me, FALSE, CB_AVAILABILITY_AWAY };

    WAIT_UNTIL (status_reflects, &away);
  }
  g_assert_cmpstr (cb_contact_get_note (me), ==, note);
  g_assert_cmpint (cb_contact_get_note_until (me), >, now);

  /* Offered again: the popover lists the recent note. */
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  WAIT_UNTIL ((gboolean (*) (gpointer)) mapped,
              GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))));
  g_assert_nonnull (find_widget (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))),
                                 match_label_text, (gpointer) note));
  g_free (screenshot (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))),
                      "presence-recent-notes"));
  g_assert_true (gtk_widget_activate_action (menu, "presence.clear-note", NULL));
  wait = (NoteWait) { seen, NULL };
  WAIT_UNTIL (note_is, &wait);
  g_assert_cmpint (cb_contact_get_note_until (me), ==, 0);
  g_assert_true (gtk_widget_activate_action (menu, "presence.set-availability", "i", CB_AVAILABILITY_AVAILABLE));
}

typedef struct {
  GtkWidget  *root;
  const char *text;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return find_widget (wait->root, match_label_text, (gpointer) wait->text) != NULL;
}

/* Logged into a hunt group reads as membership on the user's row ("In
 * Support"): "Logged in" is the workplace status's word. */
static void
check_membership_words (CbWindow *window,
                        CbGroup  *group)
{
  GtkWidget *entry = find_widget (GTK_WIDGET (window), match_header_search_entry, NULL);
  GtkWidget *page = find_widget (GTK_WIDGET (window), match_type, GSIZE_TO_POINTER (CB_TYPE_DIRECTORY_PAGE));
  /* The same word in German. */
  g_autofree char *words = g_strdup_printf ("In %s", cb_group_get_name (group));
  RowWait anna = { page, "anna" };
  LabelWait shown;
  GtkWidget *row;

  cb_window_show_page (window, "directory");
  gtk_editable_set_text (GTK_EDITABLE (entry), "Anna Berger");
  WAIT_UNTIL (row_shown, &anna);
  row = find_widget (page, match_contact_row, (gpointer) "anna");
  shown = (LabelWait) { row, words };
  WAIT_UNTIL (label_shown, &shown);
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  cb_window_show_page (window, "groups");
}

static void
test_sign_in_and_group_login (void)
{
  CbWindow *window = new_window ();
  CbSignInPage *page = cb_window_get_sign_in_page (window);
  g_autoptr(CbSession) other = NULL;
  GtkWidget *row;
  CbGroup *group;
  CbGroup *other_group;
  GtkSwitch *sw;
  SwitchWait wait;
  GroupWait other_wait;
  RowsWait rows;
  CbClientStore *store;
  gboolean before;

  /* The first thing a user sees, in the language asked for. */
  g_assert_nonnull (find_widget (GTK_WIDGET (page), match_label_text,
                                 german ? "Anmelden" : "Sign In"));
  g_assert_nonnull (find_widget (GTK_WIDGET (page), match_label_text,
                                 german ? "Demo ausprobieren" : "Try the Demo"));
  g_free (screenshot (GTK_WIDGET (window), "sign-in"));

  fill_sign_in_form (window, "demo");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "sign-in.sign-in", NULL));
  WAIT_UNTIL (signed_in, window);

  check_status_dropdowns (window);
  check_layouts (window);
  /* Every favourite has its row. */
  store = cb_session_get_store (cb_window_get_session (window));
  rows = (RowsWait) {
    find_widget (GTK_WIDGET (window), match_type, GSIZE_TO_POINTER (CB_TYPE_FAVOURITES_PAGE)),
    g_list_model_get_n_items (cb_client_store_get_favourites (store)),
  };
  g_assert_nonnull (rows.root);
  g_assert_cmpuint (rows.rows, >, 0);
  WAIT_UNTIL (rows_shown, &rows);
  g_free (screenshot (GTK_WIDGET (window), "favourites"));
  /* The demo's favourites all come from Anna's groups: an administrator's
   * to remove, so no menu offers it (the server would refuse). */
  for (guint i = 0; i < rows.rows; i++)
    {
      g_autoptr(CbContact) favourite = g_list_model_get_item (cb_client_store_get_favourites (store), i);
      g_autoptr(GMenuModel) menu = cb_colleague_menu_new (store, favourite);

      g_assert_true (cb_client_store_favourite_from_group (store, cb_contact_get_id (favourite)));
      g_assert_false (menu_has_action (menu, "contact.remove-favourite"));
      g_assert_false (menu_has_action (menu, "contact.add-favourite"));
    }

  cb_window_show_page (window, "directory");
  rows = (RowsWait) {
    find_widget (GTK_WIDGET (window), match_type, GSIZE_TO_POINTER (CB_TYPE_DIRECTORY_PAGE)), 0,
  };
  g_assert_nonnull (rows.root);
  WAIT_UNTIL (rows_shown, &rows);
  g_free (screenshot (GTK_WIDGET (window), "directory"));

  check_search_and_monitor (window);

  cb_window_show_page (window, "groups");
  WAIT_UNTIL (find_row, window);
  g_assert_nonnull (find_widget (GTK_WIDGET (window), match_label_text,
                                 german ? "Gruppen" : "Groups"));

  row = find_widget (GTK_WIDGET (window), match_member_group_row, NULL);
  group = cb_group_row_get_group (CB_GROUP_ROW (row));
  sw = cb_group_row_get_login_switch (CB_GROUP_ROW (row));
  before = cb_group_get_logged_in (group);
  g_test_message ("Group %s, logged in: %d", cb_group_get_name (group), before);
  g_assert_cmpint (gtk_switch_get_state (sw), ==, before);

  other = sign_in_other_client ();
  check_presence_note (window, other);
  other_group = cb_client_store_lookup_group (cb_session_get_store (other), cb_group_get_id (group));
  g_assert_nonnull (other_group);
  g_assert_true (other_group != group);
  g_assert_cmpint (cb_group_get_logged_in (other_group), ==, before);
  g_assert_cmpint (server_says_logged_in (other, cb_group_get_id (group)), ==, before);

  /* Flip it as a click would; the server's event moves the state. */
  gtk_widget_activate (GTK_WIDGET (sw));
  wait = (SwitchWait) { group, sw, !before };
  WAIT_UNTIL (switch_reflects, &wait);
  g_assert_cmpint (server_says_logged_in (other, cb_group_get_id (group)), ==, !before);
  /* The other client hears of it too, through its own event stream. */
  other_wait = (GroupWait) { other_group, !before };
  WAIT_UNTIL (group_reflects, &other_wait);

  /* The switch shows the new state on the next frame (no animation). */
  g_free (screenshot (GTK_WIDGET (window), "groups"));
  if (!before)
    check_membership_words (window, group);

  /* And back. */
  gtk_widget_activate (GTK_WIDGET (sw));
  wait = (SwitchWait) { group, sw, before };
  WAIT_UNTIL (switch_reflects, &wait);
  if (before)
    check_membership_words (window, group);
  g_assert_cmpint (server_says_logged_in (other, cb_group_get_id (group)), ==, before);

  check_reconnect_banner (window);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  g_assert_null (cb_window_get_session (window));
  /* The monitor belongs to the session: it goes with it. */
  g_assert_null (find_monitor_window ());

  destroy_and_check_finalized (window);
}

/* --- a directory above the store's limit --- */

static gboolean
match_spinning (GtkWidget *widget,
                gpointer   data)
{
  gboolean spinning = FALSE;

  if (!GTK_IS_SPINNER (widget) || !gtk_widget_get_mapped (widget))
    return FALSE;
  g_object_get (widget, "spinning", &spinning, NULL);
  return spinning;
}

static gboolean
match_visible_error_text (GtkWidget *widget,
                          gpointer   data)
{
  return match_visible_error_label (widget, data) && gtk_widget_get_mapped (widget);
}

static gboolean
searching_shown (gpointer data)
{
  return find_widget (data, match_spinning, NULL) != NULL;
}

static gboolean
search_error_shown (gpointer data)
{
  return find_widget (data, match_visible_error_text, NULL) != NULL;
}

static gboolean
own_server_ready (gpointer data)
{
  return cb_demo_server_get_url (data) != NULL || !cb_demo_server_get_running (data);
}

static CbContact *
find_username (GListModel *model,
               const char *username)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CbContact) contact = g_list_model_get_item (model, i);

      if (g_strcmp0 (cb_contact_get_username (contact), username) == 0)
        return contact;  /* the model keeps it */
    }

  return NULL;
}

typedef struct {
  GListModel *model;
  const char *username;
} UsernameWait;

static gboolean
model_has_username (gpointer data)
{
  UsernameWait *wait = data;

  return find_username (wait->model, wait->username) != NULL;
}

/* With the store's limit below the office's size the store holds only
 * those the client shows; typing in the directory search asks the server
 * (and shows that it does), shows who it found, and says so when the
 * server cannot be asked. A server of its own: this test stops it. */
static void
test_directory_server_search (void)
{
  static const char *extra[] = { "--no-simulation", NULL };
  /* Not among those anna's client shows (her lamps, her hunt and
   * assistant groups); the first one the store lacks is looked for. */
  static const char *candidates[] = { "zoe", "sophie", "lukas", "yusuf", "xenia", "umut", "tanja", NULL };
  g_autoptr(CbDemoServer) server = cb_demo_server_new (extra);
  CbWindow *window;
  CbClientStore *store;
  GtkWidget *entry;
  GtkWidget *page;
  const char *target = NULL;
  UsernameWait found;
  RowWait row;

  cb_demo_server_start_async (server, NULL, NULL, NULL);
  WAIT_UNTIL (own_server_ready, server);
  g_assert_nonnull (cb_demo_server_get_url (server));

  /* Read when the session is made. */
  g_setenv ("CALLBOARD_DIRECTORY_LIMIT", "1", TRUE);
  window = new_window ();
  g_object_set (cb_window_get_sign_in_page (window),
                "server-url", cb_demo_server_get_url (server),
                "username", "anna",
                "password", "demo",
                NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (cb_window_get_sign_in_page (window)),
                                             "sign-in.sign-in", NULL));
  WAIT_UNTIL (signed_in, window);
  g_unsetenv ("CALLBOARD_DIRECTORY_LIMIT");

  store = cb_session_get_store (cb_window_get_session (window));
  g_assert_false (cb_client_store_get_directory_complete (store));
  g_assert_cmpuint (cb_client_store_get_directory_size (store), >,
                    g_list_model_get_n_items (cb_client_store_get_directory (store)));
  for (guint i = 0; candidates[i] != NULL && target == NULL; i++)
    if (find_username (cb_client_store_get_directory (store), candidates[i]) == NULL)
      target = candidates[i];
  g_assert_nonnull (target);
  g_test_message ("Looking for %s, not loaded", target);

  entry = find_widget (GTK_WIDGET (window), match_header_search_entry, NULL);
  page = find_widget (GTK_WIDGET (window), match_type, GSIZE_TO_POINTER (CB_TYPE_DIRECTORY_PAGE));
  g_assert_nonnull (entry);
  g_assert_nonnull (page);
  cb_window_show_page (window, "directory");
  g_assert_false (searching_shown (page));

  /* Typing shows that the server is searched, then who it found. */
  gtk_editable_set_text (GTK_EDITABLE (entry), target);
  WAIT_UNTIL (searching_shown, page);
  g_free (screenshot (GTK_WIDGET (window), "directory-searching"));
  found = (UsernameWait) { cb_directory_page_get_model (CB_DIRECTORY_PAGE (page)), target };
  WAIT_UNTIL (model_has_username, &found);
  row = (RowWait) { page, target };
  WAIT_UNTIL (row_shown, &row);
  g_assert_nonnull (find_username (cb_client_store_get_directory (store), target));
  g_assert_false (searching_shown (page));
  g_assert_false (search_error_shown (page));
  g_free (screenshot (GTK_WIDGET (window), "directory-found"));

  /* The server gone: the search says it failed, and the page does not
   * claim that nobody matches. */
  cb_demo_server_stop (server);
  gtk_editable_set_text (GTK_EDITABLE (entry), "nobody-loaded-is-called-this");
  WAIT_UNTIL (search_error_shown, page);
  g_assert_false (searching_shown (page));
  g_free (screenshot (GTK_WIDGET (window), "directory-search-error"));

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  destroy_and_check_finalized (window);
}

int
main (int   argc,
      char *argv[])
{
  static const char *extra[] = { "--no-simulation", NULL };
  const char *language = g_getenv ("LANGUAGE");
  int status;

  /* Slow enough to see the reconnect banner before the session is back. */
  g_setenv ("CALLBOARD_RECONNECT_MIN_MS", "1500", TRUE);

  cb_app_init_i18n ();
  gtk_test_init (&argc, &argv, NULL);
  /* gtk_test_init switches to en_US.UTF-8 (or fails to); the catalogue
   * choice must follow the environment, as in the application. */
  setlocale (LC_ALL, "");
  adw_init ();
  cb_app_init_style ();
  cb_test_app_setup ();

  german = language != NULL && g_str_has_prefix (language, "de");
  /* The demo's users have German accounts: this run checks the labels of
   * the language it was started in. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    g_settings_set_boolean (settings, "use-account-language", FALSE);
  }

  demo_server = cb_demo_server_new (extra);
  cb_demo_server_start_async (demo_server, NULL, NULL, NULL);
  WAIT_UNTIL (server_ready, NULL);
  g_assert_nonnull (cb_demo_server_get_url (demo_server));
  g_test_message ("callboardd at %s", cb_demo_server_get_url (demo_server));

  g_test_add_func ("/app/sign-in-wrong-password", test_wrong_password);
  g_test_add_func ("/app/sign-in-and-group-login", test_sign_in_and_group_login);
  g_test_add_func ("/app/directory-server-search", test_directory_server_search);

  status = g_test_run ();

  cb_demo_server_stop (demo_server);
  g_clear_object (&demo_server);

  return status;
}
