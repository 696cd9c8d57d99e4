/* cb-window-contacts.c: CbWindow's contact.* actions: what every list does to a colleague
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One action group, inserted as "contact" into the main window and into
 * the windows it opens (monitor, busy lamp field, contact details), so a
 * menu item or a button anywhere names the same action with the user id
 * (or a number, or a call) as its target:
 *
 *   contact.call (x), contact.call-from-desk (x), contact.dial (s),
 *   contact.dial-from-desk (s), contact.pick-up (x), contact.send-email (x),
 *   contact.show (x), contact.add-favourite / remove-favourite (x),
 *   contact.add-monitor / remove-monitor (x), contact.add-blf /
 *   remove-blf (x: the user; only the user's own key goes),
 *   contact.remove-blf-key (x: a key id), contact.forward / consult (x:
 *   the user's current call goes to them), contact.forward-call /
 *   consult-call ((ss): a call's server id, the number).
 *
 * Forward and consult are enabled while the user has a call to pass on.
 * Feedback (done, or why not) shows as a toast in the window the user
 * is in.
 */

#define G_LOG_DOMAIN "cb-window-contacts"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-contact-window.h"
#include "cb-window-private.h"

/* --- feedback --- */

static GtkWidget *
find_toast_overlay (GtkWidget *widget)
{
  if (ADW_IS_TOAST_OVERLAY (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_NATIVE (child))
        continue;
      if ((found = find_toast_overlay (child)) != NULL)
        return found;
    }
  return NULL;
}

/* The window the user acts in: one of ours that has the focus, else the
 * main window. */
static GtkWindow *
acting_window (CbWindow *self)
{
  GtkWidget *others[] = { self->blf_window, self->monitor_window, self->contact_window };

  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    if (others[i] != NULL && gtk_window_is_active (GTK_WINDOW (others[i])))
      return GTK_WINDOW (others[i]);
  return GTK_WINDOW (self);
}

void
_cb_window_show_toast (CbWindow   *self,
                       const char *message)
{
  GtkWindow *window = acting_window (self);
  GtkWidget *overlay = window == GTK_WINDOW (self) ? GTK_WIDGET (self->toast_overlay)
                                                   : find_toast_overlay (GTK_WIDGET (window));

  if (overlay == NULL)
    overlay = GTK_WIDGET (self->toast_overlay);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), cb_toast_new (message));
}

/* A request to the server: a toast when it failed (@failure: what), and
 * one when it worked if @done is set. */
typedef struct {
  CbWindow *self;      /* a reference */
  char     *failure;   /* NULL: the reason alone */
  char     *done;
} Request;

static Request *
request_new (CbWindow   *self,
             const char *failure,
             char       *done)
{
  Request *request = g_new0 (Request, 1);

  request->self = g_object_ref (self);
  request->failure = g_strdup (failure);
  request->done = done;
  return request;
}

static void
request_free (Request *request)
{
  g_clear_object (&request->self);
  g_free (request->failure);
  g_free (request->done);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static void
request_report (Request      *request,
                const GError *error)
{
  g_autofree char *reason = NULL;
  g_autofree char *message = NULL;

  if (error == NULL)
    {
      if (request->done != NULL)
        _cb_window_show_toast (request->self, request->done);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  reason = cb_describe_error (error);
  message = request->failure != NULL ? g_strdup_printf ("%s: %s", request->failure, reason)
                                     : g_steal_pointer (&reason);
  _cb_window_show_toast (request->self, message);
}

static void
on_request_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GError) error = NULL;

  cb_rest_client_finish (CB_REST_CLIENT (source), result, &error);
  request_report (request, error);
}

/* The answer is the whole field: into the store at once, the event
 * that follows changes nothing. */
static void
on_blf_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  CbSession *session = request->self->session;

  answer = cb_rest_client_blf_finish (CB_REST_CLIENT (source), result, &error);
  if (answer != NULL && session != NULL)
    cb_client_store_apply_blf (cb_session_get_store (session), answer, &error);
  request_report (request, error);
}

static void
on_forward_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GError) error = NULL;

  cb_softphone_forward_finish (CB_SOFTPHONE (source), result, &error);
  request_report (request, error);
}

static void
on_consult_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GError) error = NULL;

  cb_softphone_consult_finish (CB_SOFTPHONE (source), result, &error);
  request_report (request, error);
}

/* --- whom an action is about --- */

static CbClientStore *
store_of (CbWindow *self)
{
  return self->session != NULL ? cb_session_get_store (self->session) : NULL;
}

static CbContact *
contact_for (CbWindow *self,
             GVariant *param)
{
  CbClientStore *store = store_of (self);

  return store != NULL ? cb_client_store_lookup_contact (store, g_variant_get_int64 (param)) : NULL;
}

static CbRestClient *
rest_of (CbWindow *self)
{
  return cb_session_get_rest_client (self->session);
}

/* The phone the call-from setting names. */
static CbPhone
chosen_phone (CbWindow *self)
{
  g_autofree char *from = g_settings_get_string (self->settings, "call-from");

  return g_strcmp0 (from, "desk") == 0 ? CB_PHONE_DESK : CB_PHONE_SOFTPHONE;
}

/* The user's call to pass on: the one they talk in, else one on hold,
 * else (to deflect it) one ringing here. */
static CbCall *
current_call (CbWindow *self,
              gboolean  ringing_too)
{
  GListModel *calls;
  CbCall *held = NULL;
  CbCall *ringing = NULL;
  guint n;

  if (self->softphone == NULL)
    return NULL;
  calls = cb_softphone_get_calls (self->softphone);
  n = g_list_model_get_n_items (calls);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbCall) call = g_list_model_get_item (calls, i);

      switch (cb_call_get_state (call))
        {
        case CB_CALL_STATE_CONNECTED:
          return call;  /* the list keeps it */
        case CB_CALL_STATE_HELD:
          held = held != NULL ? held : call;
          break;
        case CB_CALL_STATE_RINGING:
          ringing = ringing != NULL ? ringing : call;
          break;
        case CB_CALL_STATE_DIALING:
        case CB_CALL_STATE_ENDED:
        default:
          break;
        }
    }
  if (held != NULL)
    return held;
  return ringing_too ? ringing : NULL;
}

/* --- calling --- */

static void
call_number (CbWindow   *self,
             const char *number,
             gboolean    chosen,
             CbPhone     phone)
{
  if (self->session == NULL || number == NULL || *number == '\0')
    return;
  cb_window_show_page (self, "calls");
  if (chosen)
    cb_calls_page_dial (self->calls_page, number);
  else
    cb_calls_page_dial_from (self->calls_page, number, phone);
}

static void
call_contact (CbWindow *self,
              GVariant *param,
              gboolean  chosen,
              CbPhone   phone)
{
  CbContact *contact = contact_for (self, param);
  const char *extension = contact != NULL ? cb_contact_get_extension (contact) : NULL;

  if (contact == NULL)
    return;
  if (extension == NULL || *extension == '\0')
    {
      g_autofree char *message = g_strdup_printf (_("%s has no number to call"),
                                                   cb_contact_get_display_name (contact));

      _cb_window_show_toast (self, message);
      return;
    }
  call_number (self, extension, chosen, phone);
}

static void
call_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  call_contact (user_data, param, TRUE, CB_PHONE_SOFTPHONE);
}

static void
call_from_desk_activated (GSimpleAction *action,
                          GVariant      *param,
                          gpointer       user_data)
{
  call_contact (user_data, param, FALSE, CB_PHONE_DESK);
}

static void
dial_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  call_number (user_data, g_variant_get_string (param, NULL), TRUE, CB_PHONE_SOFTPHONE);
}

static void
dial_from_desk_activated (GSimpleAction *action,
                          GVariant      *param,
                          gpointer       user_data)
{
  call_number (user_data, g_variant_get_string (param, NULL), FALSE, CB_PHONE_DESK);
}

/* Directed pickup: the colleague's ringing call rings here instead (the
 * phone the call-from setting names), and is taken at once. */
static void
pick_up_activated (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  CbWindow *self = user_data;
  CbContact *contact = contact_for (self, param);
  const char *call_id = contact != NULL ? cb_contact_get_ringing_call_id (contact) : NULL;

  if (contact == NULL)
    return;
  if (call_id == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("No call rings at %s any more"),
                                                  cb_contact_get_display_name (contact));

      _cb_window_show_toast (self, message);
      return;
    }
  g_debug ("Picking up %s from %s", call_id, cb_contact_get_display_name (contact));
  cb_window_show_page (self, "calls");
  cb_rest_client_pickup_async (rest_of (self), call_id, chosen_phone (self), NULL, on_request_done,
                               request_new (self, _("The call could not be picked up"), NULL));
}

/* --- details --- */

static void
on_mail_launched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CbWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("No e-mail program could be opened: %s"),
                                                  error->message);

      _cb_window_show_toast (self, message);
    }
}

static void
send_email_activated (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  CbWindow *self = user_data;
  CbContact *contact = contact_for (self, param);
  const char *email = contact != NULL ? cb_contact_get_email (contact) : NULL;
  g_autoptr(GdkAppLaunchContext) context = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *uri = NULL;

  if (email == NULL || *email == '\0')
    return;
  escaped = g_uri_escape_string (email, "@", FALSE);
  uri = g_strconcat ("mailto:", escaped, NULL);
  context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self)));
  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context), NULL,
                                           on_mail_launched, g_object_ref (self));
}

static void
show_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  CbWindow *self = user_data;
  CbContact *contact = contact_for (self, param);
  GtkWindow *parent = acting_window (self);

  if (contact == NULL)
    return;
  /* One at a time: the colleague asked about last. */
  if (self->contact_window != NULL)
    {
      if (cb_contact_window_get_contact (CB_CONTACT_WINDOW (self->contact_window)) == contact)
        {
          gtk_window_present (GTK_WINDOW (self->contact_window));
          return;
        }
      gtk_window_destroy (GTK_WINDOW (self->contact_window));
      parent = acting_window (self);
    }
  self->contact_window = cb_contact_window_new (self->session, contact);
  g_object_add_weak_pointer (G_OBJECT (self->contact_window), (gpointer *) &self->contact_window);
  gtk_window_set_transient_for (GTK_WINDOW (self->contact_window), parent);
  _cb_window_adopt (self, GTK_WINDOW (self->contact_window));
  gtk_window_present (GTK_WINDOW (self->contact_window));
}

/* --- the user's lists --- */

static void
change_list (CbWindow *self,
             GVariant *param,
             CbUserList list,
             gboolean  add)
{
  CbContact *contact = contact_for (self, param);
  char *done = NULL;

  if (contact == NULL)
    return;
  if (add && list == CB_USER_LIST_FAVOURITES)
    done = g_strdup_printf (_("%s was added to your favourites"), cb_contact_get_display_name (contact));
  else if (add)
    done = g_strdup_printf (_("%s is now on your monitor"), cb_contact_get_display_name (contact));
  if (add)
    cb_rest_client_add_to_list_async (rest_of (self), list, cb_contact_get_id (contact), NULL,
                                      on_request_done, request_new (self, NULL, done));
  else
    cb_rest_client_remove_from_list_async (rest_of (self), list, cb_contact_get_id (contact), NULL,
                                           on_request_done, request_new (self, NULL, NULL));
}

static void
add_favourite_activated (GSimpleAction *action,
                         GVariant      *param,
                         gpointer       user_data)
{
  change_list (user_data, param, CB_USER_LIST_FAVOURITES, TRUE);
}

static void
remove_favourite_activated (GSimpleAction *action,
                            GVariant      *param,
                            gpointer       user_data)
{
  change_list (user_data, param, CB_USER_LIST_FAVOURITES, FALSE);
}

static void
add_monitor_activated (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  change_list (user_data, param, CB_USER_LIST_MONITOR, TRUE);
}

static void
remove_monitor_activated (GSimpleAction *action,
                          GVariant      *param,
                          gpointer       user_data)
{
  change_list (user_data, param, CB_USER_LIST_MONITOR, FALSE);
}

static void
add_blf_activated (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  CbWindow *self = user_data;
  CbContact *contact = contact_for (self, param);

  if (contact == NULL)
    return;
  cb_rest_client_add_blf_key_async (rest_of (self), CB_BLF_KEY_KIND_USER, cb_contact_get_id (contact),
                                    NULL, NULL, on_blf_done,
                                    request_new (self, _("The key could not be added"),
                                                 g_strdup_printf (_("%s was added to your busy lamp field"),
                                                                  cb_contact_get_display_name (contact))));
}

static void
remove_blf_key (CbWindow *self,
                gint64    key_id)
{
  cb_rest_client_remove_blf_key_async (rest_of (self), key_id, NULL, on_blf_done,
                                       request_new (self, _("The key could not be removed"), NULL));
}

/* The user's own keys for the colleague; a group's stay (only an
 * administrator removes those). */
static void
remove_blf_activated (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  CbWindow *self = user_data;
  GListModel *blf;
  guint n;

  if (store_of (self) == NULL)
    return;
  blf = cb_client_store_get_blf (store_of (self));
  n = g_list_model_get_n_items (blf);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbBlfKey) key = g_list_model_get_item (blf, i);

      if (cb_blf_key_get_kind (key) == CB_BLF_KEY_KIND_USER && !cb_blf_key_get_distributed (key) &&
          cb_blf_key_get_target_id (key) == g_variant_get_int64 (param))
        remove_blf_key (self, cb_blf_key_get_id (key));
    }
}

static void
remove_blf_key_activated (GSimpleAction *action,
                          GVariant      *param,
                          gpointer       user_data)
{
  CbWindow *self = user_data;

  if (self->session != NULL)
    remove_blf_key (self, g_variant_get_int64 (param));
}

/* --- passing a call on --- */

static void
pass_call (CbWindow   *self,
           CbCall     *call,
           const char *number,
           gboolean    consult)
{
  Request *request;

  if (call == NULL || number == NULL || *number == '\0' || self->softphone == NULL)
    return;
  if (consult && cb_call_get_state (call) != CB_CALL_STATE_CONNECTED &&
      cb_call_get_state (call) != CB_CALL_STATE_HELD)
    {
      _cb_window_show_toast (self, _("Answer the call before consulting"));
      return;
    }
  cb_window_show_page (self, "calls");
  if (consult)
    {
      request = request_new (self, _("The consultation call could not be made"), NULL);
      cb_softphone_consult_async (self->softphone, call, number, NULL, on_consult_done, request);
    }
  else
    {
      /* A ringing call goes on unanswered (deflected). */
      request = request_new (self, _("The call could not be forwarded"), NULL);
      cb_softphone_forward_async (self->softphone, call, number, NULL, on_forward_done, request);
    }
}

static void
pass_current_call (CbWindow *self,
                   GVariant *param,
                   gboolean  consult)
{
  CbContact *contact = contact_for (self, param);

  if (contact != NULL)
    pass_call (self, current_call (self, !consult), cb_contact_get_extension (contact), consult);
}

static void
forward_activated (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  pass_current_call (user_data, param, FALSE);
}

static void
consult_activated (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  pass_current_call (user_data, param, TRUE);
}

static void
pass_dropped_call (CbWindow *self,
                   GVariant *param,
                   gboolean  consult)
{
  const char *call_id = NULL;
  const char *number = NULL;
  CbCall *call;

  g_variant_get (param, "(&s&s)", &call_id, &number);
  call = self->softphone != NULL ? cb_softphone_lookup_server_call (self->softphone, call_id) : NULL;
  if (call == NULL)
    {
      _cb_window_show_toast (self, _("That call is over"));
      return;
    }
  pass_call (self, call, number, consult);
}

static void
forward_call_activated (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       user_data)
{
  pass_dropped_call (user_data, param, FALSE);
}

static void
consult_call_activated (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       user_data)
{
  pass_dropped_call (user_data, param, TRUE);
}

static const GActionEntry contact_entries[] = {
  { "call", call_activated, "x" },
  { "call-from-desk", call_from_desk_activated, "x" },
  { "dial", dial_activated, "s" },
  { "dial-from-desk", dial_from_desk_activated, "s" },
  { "pick-up", pick_up_activated, "x" },
  { "send-email", send_email_activated, "x" },
  { "show", show_activated, "x" },
  { "add-favourite", add_favourite_activated, "x" },
  { "remove-favourite", remove_favourite_activated, "x" },
  { "add-monitor", add_monitor_activated, "x" },
  { "remove-monitor", remove_monitor_activated, "x" },
  { "add-blf", add_blf_activated, "x" },
  { "remove-blf", remove_blf_activated, "x" },
  { "remove-blf-key", remove_blf_key_activated, "x" },
  { "forward", forward_activated, "x" },
  { "consult", consult_activated, "x" },
  { "forward-call", forward_call_activated, "(ss)" },
  { "consult-call", consult_call_activated, "(ss)" },
};

/* --- state --- */

static void
set_enabled (CbWindow   *self,
             const char *name,
             gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->contact_actions), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

void
_cb_window_contacts_update (CbWindow *self)
{
  gboolean signed_in = self->session != NULL;
  gboolean phone = signed_in && self->softphone != NULL;

  if (self->contact_actions == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (contact_entries); i++)
    set_enabled (self, contact_entries[i].name, signed_in);
  set_enabled (self, "forward", phone && current_call (self, TRUE) != NULL);
  set_enabled (self, "consult", phone && current_call (self, FALSE) != NULL);
  set_enabled (self, "forward-call", phone);
  set_enabled (self, "consult-call", phone);
}

/* Forward and consult follow the calls and their states. */
static void
on_calls_changed (CbWindow *self)
{
  GListModel *calls;
  guint n;

  if (self->softphone == NULL)
    return;
  calls = cb_softphone_get_calls (self->softphone);
  n = g_list_model_get_n_items (calls);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbCall) call = g_list_model_get_item (calls, i);

      g_signal_handlers_disconnect_by_func (call, _cb_window_contacts_update, self);
      g_signal_connect_object (call, "notify::state", G_CALLBACK (_cb_window_contacts_update), self,
                               G_CONNECT_SWAPPED);
    }
  _cb_window_contacts_update (self);
}

void
_cb_window_contacts_set_softphone (CbWindow    *self,
                                   CbSoftphone *softphone)
{
  if (softphone != NULL)
    g_signal_connect_object (cb_softphone_get_calls (softphone), "items-changed",
                             G_CALLBACK (on_calls_changed), self, G_CONNECT_SWAPPED);
  on_calls_changed (self);
  _cb_window_contacts_update (self);
}

void
_cb_window_adopt (CbWindow  *self,
                  GtkWindow *window)
{
  gtk_widget_insert_action_group (GTK_WIDGET (window), "contact", G_ACTION_GROUP (self->contact_actions));
  /* Its own window, not a dialog: it stays up while the main window is
   * minimised, but belongs to the same application. */
  gtk_window_set_application (window, gtk_window_get_application (GTK_WINDOW (self)));
}

void
_cb_window_contacts_init (CbWindow *self)
{
  self->contact_actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->contact_actions), contact_entries,
                                   G_N_ELEMENTS (contact_entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "contact", G_ACTION_GROUP (self->contact_actions));
  _cb_window_contacts_update (self);
}

void
_cb_window_contacts_dispose (CbWindow *self)
{
  if (self->contact_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->contact_window));
  g_clear_object (&self->contact_actions);
}
