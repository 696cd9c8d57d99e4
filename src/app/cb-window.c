/* cb-window.c: the main window: sign-in page, then favourites/directory/groups
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The status bar (availability and note, workplace status) and the pages
 * show the session's store; changes go to the server as REST calls and
 * come back as events into the store, which is the one thing the widgets
 * follow.
 *
 * Layout: narrow (down to 360 px, a sidebar beside other work) the calls
 * are one of the pages and the status bar stacks its two parts; wide
 * (WIDE_WIDTH and more) the calls pane stands beside the people, always
 * in view. The window's allocation decides; the change itself waits for
 * an idle, outside the allocation.
 */

#define G_LOG_DOMAIN "cb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-call-as-button.h"
#include "cb-diversion-button.h"
#include "cb-enum-labels.h"
#include "cb-startup-trace.h"
#include "cb-user-locale.h"
#include "cb-window-private.h"

/* From this width on, people and calls are side by side. */
#define WIDE_WIDTH 900

G_DEFINE_FINAL_TYPE (CbWindow, cb_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Dropdown items: a coloured dot and the label. The style of the dot comes
 * from the item's position, which is the enum value. In the open list a
 * check marks the current one. */
typedef const char *(*StyleFunc) (int value);

static void
status_item_setup (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  const char *icon_name = user_data;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *dot = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *label = gtk_label_new (NULL);

  /* The icon tells the two dropdowns apart in the header bar. */
  if (icon_name != NULL)
    gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (icon_name));
  gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* A long word ("Nachbearbeitung") must not hold a narrow window wide. */
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), dot);
  gtk_box_append (GTK_BOX (box), label);
  g_object_set_data (G_OBJECT (box), "cb-dot", dot);
  g_object_set_data (G_OBJECT (box), "cb-label", label);
  gtk_list_item_set_child (item, box);
}

/* The open list's item: the same, and the check. */
static void
status_list_item_setup (GtkSignalListItemFactory *factory,
                        GtkListItem              *item,
                        gpointer                  user_data)
{
  GtkWidget *label;

  status_item_setup (factory, item, NULL);
  label = g_object_get_data (G_OBJECT (gtk_list_item_get_child (item)), "cb-label");
  /* The list is as wide as its longest word needs (its width is its
   * items' smallest); the checks line up at the end. */
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_NONE);
  gtk_widget_set_hexpand (label, TRUE);
  cb_drop_down_item_add_check (item);
}

static void
status_item_bind (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  StyleFunc style_func = (StyleFunc) user_data;
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *label = g_object_get_data (G_OBJECT (box), "cb-label");
  GtkWidget *dot = g_object_get_data (G_OBJECT (box), "cb-dot");
  GtkStringObject *string = gtk_list_item_get_item (item);
  const char *classes[] = { "cb-dot", style_func ((int) gtk_list_item_get_position (item)), NULL };

  gtk_widget_set_css_classes (dot, classes);
  gtk_label_set_label (GTK_LABEL (label), gtk_string_object_get_string (string));
}

/* For the button (with icon_name) or, with list, for the open list. */
static GtkListItemFactory *
status_factory_new (StyleFunc   style_func,
                    const char *icon_name,
                    gboolean    list)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  if (list)
    g_signal_connect (factory, "setup", G_CALLBACK (status_list_item_setup), NULL);
  else
    g_signal_connect (factory, "setup", G_CALLBACK (status_item_setup), (gpointer) icon_name);
  g_signal_connect (factory, "bind", G_CALLBACK (status_item_bind), (gpointer) style_func);

  return factory;
}

static void
setup_status_dropdown (GtkDropDown *dropdown,
                       const char  *labels[],
                       StyleFunc    style_func,
                       const char  *icon_name)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (labels);
  g_autoptr(GtkListItemFactory) button_factory = status_factory_new (style_func, icon_name, FALSE);
  g_autoptr(GtkListItemFactory) list_factory = status_factory_new (style_func, NULL, TRUE);

  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_factory (dropdown, button_factory);
  gtk_drop_down_set_list_factory (dropdown, list_factory);
}

static void
sync_status_from_store (CbWindow *self)
{
  if (self->me == NULL)
    return;

  self->syncing_status = TRUE;
  gtk_drop_down_set_selected (self->agent_dropdown, cb_contact_get_agent_status (self->me));
  self->syncing_status = FALSE;
}

static void
on_me_notify (CbWindow   *self,
              GParamSpec *pspec,
              CbContact  *me)
{
  sync_status_from_store (self);
}

static void
set_me (CbWindow  *self,
        CbContact *me)
{
  if (self->me == me)
    return;

  if (self->me != NULL)
    g_signal_handlers_disconnect_by_func (self->me, on_me_notify, self);
  g_set_object (&self->me, me);
  if (me != NULL)
    {
      g_signal_connect_object (me, "notify::agent-status", G_CALLBACK (on_me_notify), self, G_CONNECT_SWAPPED);
    }
  sync_status_from_store (self);
}

static void
on_store_me_changed (CbWindow      *self,
                     GParamSpec    *pspec,
                     CbClientStore *store)
{
  set_me (self, cb_client_store_get_me (store));
}

static void
on_status_set (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CbWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The window may have been closed meanwhile. */
  if (!cb_rest_client_finish (CB_REST_CLIENT (object), result, &error) &&
      self->toast_overlay != NULL)
    {
      g_autofree char *reason = cb_describe_error (error);
      g_autofree char *message = g_strdup_printf (_("Your status could not be changed: %s"), reason);

      adw_toast_overlay_add_toast (self->toast_overlay, cb_toast_new (message));
      /* Show again what the server has. */
      sync_status_from_store (self);
    }
}

static void
on_agent_status_selected (CbWindow    *self,
                          GParamSpec  *pspec,
                          GtkDropDown *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->syncing_status || self->session == NULL || self->me == NULL ||
      selected == GTK_INVALID_LIST_POSITION ||
      selected == (guint) cb_contact_get_agent_status (self->me))
    return;

  g_debug ("Asking for agent status %u", selected);
  cb_rest_client_set_agent_status_async (cb_session_get_rest_client (self->session),
                                         (CbAgentStatus) selected, NULL,
                                         on_status_set, g_object_ref (self));
}

static void
on_session_state (CbWindow   *self,
                  GParamSpec *pspec,
                  CbSession  *session)
{
  CbConnectionState state = cb_session_get_state (session);

  g_debug ("Connection state %d", state);
  gtk_revealer_set_reveal_child (self->banner, state == CB_CONNECTION_STATE_RECONNECTING);

  /* The server ended the session (token revoked or expired). */
  if (state == CB_CONNECTION_STATE_SIGNED_OUT)
    _cb_window_sign_out (self, _("Your session has ended. Please sign in again."));
}

static void
on_first_signed_in_frame (GdkFrameClock *clock,
                          CbWindow      *self)
{
  /* Read by tests/bench/cb-bench client-start: the signed-in view is on screen. */
  g_signal_handlers_disconnect_by_func (clock, on_first_signed_in_frame, self);
  cb_startup_trace_mark ("first-frame");
  g_print ("FIRST-FRAME\n");
  fflush (stdout);
}

static void
report_first_frame (CbWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock != NULL && g_getenv ("CALLBOARD_REPORT_FIRST_FRAME") != NULL)
    g_signal_connect (clock, "after-paint", G_CALLBACK (on_first_signed_in_frame), self);
}

static void
cb_window_set_session (CbWindow  *self,
                       CbSession *session)
{
  CbClientStore *store;

  if (self->session == session)
    return;

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_signal_handlers_disconnect_by_data (cb_session_get_store (self->session), self);
    }

  set_me (self, NULL);
  g_set_object (&self->session, session);

  cb_presence_menu_set_session (self->presence_menu, session);
  cb_favourites_page_set_session (self->favourites_page, session);
  cb_directory_page_set_session (self->directory_page, session);
  cb_groups_page_set_session (self->groups_page, session);
  cb_calls_page_set_session (self->calls_page, session);
  cb_journal_page_set_session (self->journal_page, session);
  _cb_window_calls_set_session (self, session);

  if (session != NULL)
    {
      store = cb_session_get_store (session);
      g_signal_connect_object (session, "notify::state",
                               G_CALLBACK (on_session_state), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (store, "notify::me",
                               G_CALLBACK (on_store_me_changed), self,
                               G_CONNECT_SWAPPED);
      set_me (self, cb_client_store_get_me (store));
      gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
      gtk_stack_set_visible_child_name (self->main_stack, "main");
      report_first_frame (self);
      /* Back where the user left it. */
      if (g_settings_get_boolean (self->settings, "blf-window-open"))
        _cb_window_show_blf (self);
    }
  else
    {
      gtk_search_entry_set_key_capture_widget (self->search_entry, NULL);
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      gtk_revealer_set_reveal_child (self->banner, FALSE);
      gtk_stack_set_visible_child_name (self->main_stack, "sign-in");
    }

  _cb_window_actions_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
  if (session != NULL)
    cb_startup_trace_mark ("session-shown");
}

static void
on_signed_in (CbWindow     *self,
              CbSession    *session,
              CbSignInPage *page)
{
  g_debug ("Signed in");
  /* The account's language and time zone: in another language, a new
   * window built in it takes the session over. */
  if (cb_user_locale_sign_in (self, self->settings, session))
    return;
  cb_window_set_session (self, session);

  /* Signing in is coming online: whoever was offline becomes available;
   * any other choice (away, do not disturb) is kept. */
  if (self->me != NULL && cb_contact_get_availability (self->me) == CB_AVAILABILITY_OFFLINE)
    cb_rest_client_set_presence_async (cb_session_get_rest_client (session),
                                       CB_AVAILABILITY_AVAILABLE, cb_contact_get_note (self->me),
                                       cb_contact_get_note_until (self->me), NULL, on_status_set, g_object_ref (self));
}

/* user_data of the sign-out chain: the application, held until the server
 * heard of it, so closing the last window still signs out. May be NULL. */
static void
release_application (GApplication *application)
{
  if (application == NULL)
    return;

  g_application_release (application);
  g_object_unref (application);
}

static void
on_signed_out (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The token is gone from this client either way; a failure only means
   * the server will let it expire on its own. */
  if (!cb_session_sign_out_finish (CB_SESSION (object), result, &error))
    g_debug ("Signing out on the server failed: %s", error->message);

  release_application (user_data);
}

typedef struct {
  CbSession    *session;
  GApplication *application;   /* as for on_signed_out */
} OfflineThenSignOut;

static void
on_offline_set (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  OfflineThenSignOut *leave = user_data;
  g_autoptr(CbSession) session = g_steal_pointer (&leave->session);
  g_autoptr(GError) error = NULL;

  if (!cb_rest_client_finish (CB_REST_CLIENT (object), result, &error))
    g_debug ("Could not go offline before signing out: %s", error->message);

  /* Only now: the presence call needs the token that signing out revokes. */
  cb_session_sign_out_async (session, NULL, on_signed_out, leave->application);
  g_free (leave);
}

void
_cb_window_sign_out (CbWindow   *self,
                     const char *reason)
{
  g_autoptr(CbSession) session = NULL;
  gboolean go_offline;

  if (self->session == NULL)
    return;

  session = g_object_ref (self->session);
  /* Signing out on purpose means leaving: colleagues see it. When the
   * server ended the session (reason set) there is nothing to tell it. */
  go_offline = reason == NULL && self->me != NULL &&
               cb_contact_get_availability (self->me) != CB_AVAILABILITY_OFFLINE;

  /* Detach first, so the state change of signing out is not read as the
   * server ending the session. */
  cb_window_set_session (self, NULL);

  if (cb_session_get_state (session) != CB_CONNECTION_STATE_SIGNED_OUT)
    {
      GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

      if (application != NULL)
        {
          g_application_hold (application);
          g_object_ref (application);
        }

      if (go_offline)
        {
          OfflineThenSignOut *leave = g_new0 (OfflineThenSignOut, 1);

          leave->session = g_object_ref (session);
          leave->application = application;
          cb_rest_client_set_presence_async (cb_session_get_rest_client (session),
                                             CB_AVAILABILITY_OFFLINE, NULL, 0, NULL,
                                             on_offline_set, leave);
        }
      else
        cb_session_sign_out_async (session, NULL, on_signed_out, application);
    }

  _cb_window_close_satellites (self);

  cb_sign_in_page_reset (self->sign_in_page);
  cb_sign_in_page_set_error (self->sign_in_page, reason);
}

static void
on_search_changed (CbWindow       *self,
                   GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);

  g_object_set (self->favourites_page, "search-text", text, NULL);
  g_object_set (self->directory_page, "search-text", text, NULL);

  /* Groups are not searched: typing there means looking for a person. */
  if (*text != '\0' && g_strcmp0 (page, "groups") == 0)
    adw_view_stack_set_visible_child_name (self->view_stack, "directory");
}

static void
on_stop_search (CbWindow       *self,
                GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

CbSession *
cb_window_get_session (CbWindow *self)
{
  g_return_val_if_fail (CB_IS_WINDOW (self), NULL);

  return self->session;
}

CbSignInPage *
cb_window_get_sign_in_page (CbWindow *self)
{
  g_return_val_if_fail (CB_IS_WINDOW (self), NULL);

  return self->sign_in_page;
}

void
cb_window_set_sign_in_fields (CbWindow   *self,
                              const char *server_url,
                              const char *username)
{
  g_return_if_fail (CB_IS_WINDOW (self));

  if (server_url != NULL)
    g_object_set (self->sign_in_page, "server-url", server_url, NULL);
  if (username != NULL)
    g_object_set (self->sign_in_page, "username", username, NULL);
}

void
cb_window_start_demo (CbWindow *self)
{
  g_return_if_fail (CB_IS_WINDOW (self));

  if (self->session != NULL)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self->sign_in_page), "sign-in.try-demo", NULL);
}

void
cb_window_set_demo_server (CbWindow     *self,
                           CbDemoServer *demo_server)
{
  g_return_if_fail (CB_IS_WINDOW (self));

  cb_sign_in_page_set_demo_server (self->sign_in_page, demo_server);
}

void
cb_window_show_page (CbWindow   *self,
                     const char *name)
{
  g_return_if_fail (CB_IS_WINDOW (self));

  /* Wide, the calls are in view already, beside whatever page is. */
  if (self->wide && g_strcmp0 (name, "calls") == 0)
    return;
  /* Shown again (a notification's "Show Journal"): looked at again. */
  if (g_strcmp0 (name, "journal") == 0 &&
      g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), name) == 0)
    _cb_window_mark_journal_seen (self);
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

gboolean
cb_window_get_wide (CbWindow *self)
{
  g_return_val_if_fail (CB_IS_WINDOW (self), FALSE);
  return self->wide;
}

/* --- narrow and wide --- */

/* Which of the pages and the calls pane show: wide, both side by side
 * (the calls not among the pages); narrow, the calls pane in the pages'
 * place while the Calls page is chosen. Nothing is moved between
 * parents: the calls page always lives in its pane. */
static void
update_panes (CbWindow *self)
{
  gboolean calls_chosen = g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack),
                                     "calls") == 0;

  adw_view_stack_page_set_visible (self->calls_stack_page, !self->wide);
  gtk_widget_set_visible (GTK_WIDGET (self->view_stack), self->wide || !calls_chosen);
  gtk_widget_set_visible (self->calls_side, self->wide || calls_chosen);
  gtk_widget_set_visible (self->side_separator, self->wide);
  /* Beside the people the calls keep their width; the people take the rest. */
  gtk_widget_set_hexpand (self->calls_side, !self->wide);
  gtk_widget_set_size_request (self->calls_side, self->wide ? 440 : -1, -1);
}

static void
apply_layout (CbWindow *self,
              gboolean  wide)
{
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);

  g_debug ("Layout: %s", wide ? "wide" : "narrow");
  self->wide = wide;
  /* Leaving the calls page out of the pages must not leave an empty one
   * in view. */
  if (wide && g_strcmp0 (page, "calls") == 0)
    adw_view_stack_set_visible_child_name (self->view_stack, "favourites");
  update_panes (self);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->status_bar),
                                  wide ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL);
  gtk_widget_set_halign (self->workplace_box, wide ? GTK_ALIGN_FILL : GTK_ALIGN_START);
  gtk_widget_set_halign (GTK_WIDGET (self->presence_menu), wide ? GTK_ALIGN_FILL : GTK_ALIGN_START);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->search_entry), wide ? 14 : 4);
  /* Narrow, the pages' switcher is the bar at the bottom only, and the
   * title gives its room to the search (the window keeps its title). */
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, wide);
  adw_view_switcher_title_set_title (self->switcher_title, wide ? _("Callboard") : NULL);
}

static gboolean
on_layout_idle (gpointer user_data)
{
  CbWindow *self = user_data;
  gboolean wide = gtk_widget_get_width (GTK_WIDGET (self)) >= WIDE_WIDTH;

  self->layout_source = 0;
  if (wide != self->wide)
    apply_layout (self, wide);
  return G_SOURCE_REMOVE;
}

static void
cb_window_size_allocate (GtkWidget *widget,
                         int        width,
                         int        height,
                         int        baseline)
{
  CbWindow *self = CB_WINDOW (widget);

  GTK_WIDGET_CLASS (cb_window_parent_class)->size_allocate (widget, width, height, baseline);

  /* Moving widgets now would ask for another allocation in this one. */
  if ((width >= WIDE_WIDTH) != self->wide && self->layout_source == 0)
    self->layout_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, on_layout_idle, self, NULL);
}

static void
on_visible_page (CbWindow     *self,
                 GParamSpec   *pspec,
                 AdwViewStack *stack)
{
  update_panes (self);
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (stack), "journal") == 0)
    _cb_window_mark_journal_seen (self);
}

static gboolean
cb_window_close_request (GtkWindow *window)
{
  /* Closing the window is leaving: sign out, so colleagues see it and the
   * token does not linger. */
  _cb_window_sign_out (CB_WINDOW (window), NULL);

  return GTK_WINDOW_CLASS (cb_window_parent_class)->close_request (window);
}

static void
cb_window_dispose (GObject *object)
{
  CbWindow *self = CB_WINDOW (object);

  g_clear_handle_id (&self->layout_source, g_source_remove);
  _cb_window_close_satellites (self);
  _cb_window_calls_dispose (self);
  _cb_window_contacts_dispose (self);
  set_me (self, NULL);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_signal_handlers_disconnect_by_data (cb_session_get_store (self->session), self);
    }
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_WINDOW);

  G_OBJECT_CLASS (cb_window_parent_class)->dispose (object);
}

static void
cb_window_finalize (GObject *object)
{
  CbWindow *self = CB_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cb_window_parent_class)->finalize (object);
}

static void
cb_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  CbWindow *self = CB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_window_class_init (CbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = cb_window_dispose;
  widget_class->size_allocate = cb_window_size_allocate;
  window_class->close_request = cb_window_close_request;
  object_class->finalize = cb_window_finalize;
  object_class->get_property = cb_window_get_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         CB_TYPE_SESSION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The template names these types: they must exist before it is parsed. */
  g_type_ensure (CB_TYPE_SIGN_IN_PAGE);
  g_type_ensure (CB_TYPE_PRESENCE_MENU);
  g_type_ensure (CB_TYPE_FAVOURITES_PAGE);
  g_type_ensure (CB_TYPE_DIRECTORY_PAGE);
  g_type_ensure (CB_TYPE_GROUPS_PAGE);
  g_type_ensure (CB_TYPE_CALLS_PAGE);
  g_type_ensure (CB_TYPE_JOURNAL_PAGE);
  g_type_ensure (CB_TYPE_CALL_AS_BUTTON);
  g_type_ensure (CB_TYPE_DIVERSION_BUTTON);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, sign_in_menu_button);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, presence_menu);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, agent_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, status_bar);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, workplace_box);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, favourites_page);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, directory_page);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, groups_page);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, calls_page);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, journal_page);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, journal_stack_page);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, calls_stack_page);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, calls_side);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, side_separator);
  gtk_widget_class_bind_template_child (widget_class, CbWindow, registration_icon);
  gtk_widget_class_bind_template_callback (widget_class, on_signed_in);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_agent_status_selected);

  _cb_window_class_actions_init (klass);
}

static const char *
agent_status_style (int value)
{
  return cb_agent_status_get_style ((CbAgentStatus) value);
}

static void
cb_window_init (CbWindow *self)
{
  const char *agent_statuses[CB_N_AGENT_STATUSES + 1] = { NULL };

  gtk_widget_init_template (GTK_WIDGET (self));
  cb_menu_button_hide_tooltip_when_open (self->sign_in_menu_button);
  cb_menu_button_hide_tooltip_when_open (self->primary_menu_button);

  for (int i = 0; i < CB_N_AGENT_STATUSES; i++)
    agent_statuses[i] = cb_agent_status_get_label ((CbAgentStatus) i);

  self->syncing_status = TRUE;
  setup_status_dropdown (self->agent_dropdown, agent_statuses, agent_status_style,
                         "audio-headset-symbolic");
  self->syncing_status = FALSE;
  /* Narrow until the first allocation says otherwise. */
  apply_layout (self, FALSE);
  g_signal_connect_object (self->view_stack, "notify::visible-child-name",
                           G_CALLBACK (on_visible_page), self, G_CONNECT_SWAPPED);

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  gtk_stack_set_visible_child_name (self->main_stack, "sign-in");
  _cb_window_contacts_init (self);
  _cb_window_actions_update (self);
}

CbWindow *
cb_window_new (GtkApplication *application)
{
  return g_object_new (CB_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
