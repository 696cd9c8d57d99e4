/* cb-calls-page.c: the softphone: registration state, dial entry, call cards
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list is bound to the softphone's calls model (the window hands the
 * page its softphone); cards come and go with
 * the calls. The dial entry completes from the directory: names find the
 * extension, so nobody has to remember numbers. "Call from desk phone" is
 * third-party call control on the server (POST /calls): the desk phone
 * rings first; the call then shows here as a card the server's events
 * drive (the softphone's model holds the user's calls on every device).
 */

#define G_LOG_DOMAIN "cb-calls-page"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-call-as-button.h"
#include "cb-call-row.h"
#include "cb-calls-page.h"

enum {
  COLUMN_LABEL,
  COLUMN_NAME,
  COLUMN_NUMBER,
  N_COLUMNS
};

struct _CbCallsPage
{
  GtkWidget           parent_instance;

  CbSession          *session;
  CbSoftphone        *softphone;
  GSettings          *settings;
  char               *call_from;
  GCancellable       *cancellable;
  GtkListStore       *completions;
  GtkEntryCompletion *completion;
  /* The directory changed since the completions were made. */
  gboolean            completions_stale;

  /* Template widgets */
  GtkImage           *registration_icon;
  GtkLabel           *registration_label;
  GtkEntry           *dial_entry;
  AdwSplitButton     *call_button;
  GtkImage           *call_from_icon;
  GtkStack           *stack;
  GtkListBox         *call_list;
};

G_DEFINE_FINAL_TYPE (CbCallsPage, cb_calls_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_CALL_FROM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
cb_registration_state_get_label (CbRegistrationState state)
{
  switch (state)
    {
    case CB_REGISTRATION_STATE_REGISTERING:
      return _("Connecting the softphone…");
    case CB_REGISTRATION_STATE_REGISTERED:
      return _("Softphone ready");
    case CB_REGISTRATION_STATE_UNAVAILABLE:
      return _("Softphone unavailable");
    case CB_REGISTRATION_STATE_OFFLINE:
    default:
      return _("Softphone off");
    }
}

const char *
cb_registration_state_get_icon_name (CbRegistrationState state)
{
  switch (state)
    {
    case CB_REGISTRATION_STATE_REGISTERED:
      return "call-start-symbolic";
    case CB_REGISTRATION_STATE_REGISTERING:
      return "content-loading-symbolic";
    case CB_REGISTRATION_STATE_UNAVAILABLE:
      return "dialog-warning-symbolic";
    case CB_REGISTRATION_STATE_OFFLINE:
    default:
      return "call-stop-symbolic";
    }
}

static gboolean
from_desk (CbCallsPage *self)
{
  return g_strcmp0 (self->call_from, "desk") == 0;
}

static void
update_registration (CbCallsPage *self)
{
  CbRegistrationState state = self->softphone != NULL
                              ? cb_softphone_get_registration_state (self->softphone)
                              : CB_REGISTRATION_STATE_OFFLINE;
  g_autofree char *text = NULL;

  if (state == CB_REGISTRATION_STATE_REGISTERED && cb_softphone_get_line (self->softphone) != NULL)
    /* Translators: %s is the user's own extension */
    text = g_strdup_printf (_("Softphone ready — your number is %s"),
                            cb_softphone_get_line (self->softphone));
  else if (state == CB_REGISTRATION_STATE_UNAVAILABLE && cb_softphone_get_last_error (self->softphone) != NULL)
    text = g_strdup_printf ("%s: %s", cb_registration_state_get_label (state),
                            cb_softphone_get_last_error (self->softphone));
  else
    text = g_strdup (cb_registration_state_get_label (state));

  gtk_image_set_from_icon_name (self->registration_icon, cb_registration_state_get_icon_name (state));
  gtk_label_set_label (self->registration_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "calls.dial",
                                 from_desk (self) ? self->session != NULL
                                                  : state == CB_REGISTRATION_STATE_REGISTERED);
}

static void
update_stack (CbCallsPage *self)
{
  gboolean any = self->softphone != NULL &&
                 g_list_model_get_n_items (cb_softphone_get_calls (self->softphone)) > 0;

  gtk_stack_set_visible_child_name (self->stack, any ? "calls" : "empty");
}

static GtkWidget *
create_call_row (gpointer item,
                 gpointer user_data)
{
  CbCallsPage *self = user_data;
  GtkWidget *row = gtk_list_box_row_new ();
  CbClientStore *store = self->session != NULL ? cb_session_get_store (self->session) : NULL;

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row),
                              cb_call_row_new (item, self->softphone,
                                               store != NULL ? cb_client_store_get_directory (store) : NULL,
                                               store != NULL ? cb_client_store_get_favourites (store) : NULL));
  return row;
}

void
cb_calls_page_set_softphone (CbCallsPage *self,
                             CbSoftphone *softphone)
{
  g_return_if_fail (CB_IS_CALLS_PAGE (self));

  if (self->softphone == softphone)
    return;

  if (self->softphone != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->softphone, self);
      g_signal_handlers_disconnect_by_data (cb_softphone_get_calls (self->softphone), self);
    }
  g_set_object (&self->softphone, softphone);
  gtk_list_box_bind_model (self->call_list,
                           softphone != NULL ? cb_softphone_get_calls (softphone) : NULL,
                           softphone != NULL ? create_call_row : NULL, self, NULL);
  if (softphone != NULL)
    {
      g_signal_connect_object (softphone, "notify::registration-state",
                               G_CALLBACK (update_registration), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (softphone, "notify::last-error",
                               G_CALLBACK (update_registration), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (cb_softphone_get_calls (softphone), "items-changed",
                               G_CALLBACK (update_stack), self, G_CONNECT_SWAPPED);
    }
  update_registration (self);
  update_stack (self);
}

/* --- completion from the directory --- */

/* Made when first needed (typing, or a name to resolve): 10,000 rows of
 * a GtkListStore are 30 ms and a few MiB that signing in need not pay. */
static void
fill_completions (CbCallsPage *self)
{
  GListModel *directory;
  guint n;

  self->completions_stale = FALSE;
  gtk_list_store_clear (self->completions);
  if (self->session == NULL)
    return;

  directory = cb_client_store_get_directory (cb_session_get_store (self->session));
  n = g_list_model_get_n_items (directory);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbContact) contact = g_list_model_get_item (directory, i);
      const char *extension = cb_contact_get_extension (contact);
      g_autofree char *label = NULL;

      if (extension == NULL || *extension == '\0' || cb_contact_get_is_self (contact))
        continue;
      label = g_strdup_printf ("%s (%s)", cb_contact_get_display_name (contact), extension);
      gtk_list_store_insert_with_values (self->completions, NULL, -1,
                                         COLUMN_LABEL, label,
                                         COLUMN_NAME, cb_contact_get_display_name (contact),
                                         COLUMN_NUMBER, extension,
                                         -1);
    }
}

static void
ensure_completions (CbCallsPage *self)
{
  if (self->completions_stale)
    fill_completions (self);
}

static void
mark_completions_stale (CbCallsPage *self)
{
  self->completions_stale = TRUE;
}

static gboolean
completion_match (GtkEntryCompletion *completion,
                  const char         *key,
                  GtkTreeIter        *iter,
                  gpointer            user_data)
{
  CbCallsPage *self = user_data;
  g_autofree char *label = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *folded_key = NULL;

  if (key == NULL || *key == '\0')
    return FALSE;
  gtk_tree_model_get (GTK_TREE_MODEL (self->completions), iter, COLUMN_LABEL, &label, -1);
  folded = g_utf8_casefold (label, -1);
  folded_key = g_utf8_casefold (key, -1);
  return strstr (folded, folded_key) != NULL;
}

static gboolean
on_match_selected (CbCallsPage        *self,
                   GtkTreeModel       *model,
                   GtkTreeIter        *iter,
                   GtkEntryCompletion *completion)
{
  g_autofree char *number = NULL;

  gtk_tree_model_get (model, iter, COLUMN_NUMBER, &number, -1);
  gtk_editable_set_text (GTK_EDITABLE (self->dial_entry), number);
  gtk_editable_set_position (GTK_EDITABLE (self->dial_entry), -1);
  return TRUE;
}

/* Whether the text is a number to dial as it is (digits and the keys and
 * signs a number is written with), not a name. */
static gboolean
looks_like_number (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && strchr ("+*#()-/. ", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* A colleague's name stands for their extension: the whole name (as
 * typed, or picked from the list), else the one colleague whose entry in
 * the list holds what was typed ("claudia"). NULL when several do
 * (*ambiguous); what is neither is dialled as it is. */
static char *
resolve_number (CbCallsPage *self,
                const char  *text,
                gboolean    *ambiguous)
{
  GtkTreeIter iter;
  g_autofree char *folded = g_utf8_casefold (text, -1);
  g_autofree char *only = NULL;
  guint partial = 0;
  gboolean valid;

  *ambiguous = FALSE;
  if (looks_like_number (text))
    return g_strdup (text);

  ensure_completions (self);
  for (valid = gtk_tree_model_get_iter_first (GTK_TREE_MODEL (self->completions), &iter);
       valid;
       valid = gtk_tree_model_iter_next (GTK_TREE_MODEL (self->completions), &iter))
    {
      g_autofree char *name = NULL;
      g_autofree char *label = NULL;
      g_autofree char *number = NULL;
      g_autofree char *folded_name = NULL;
      g_autofree char *folded_label = NULL;

      gtk_tree_model_get (GTK_TREE_MODEL (self->completions), &iter,
                          COLUMN_NAME, &name, COLUMN_LABEL, &label, COLUMN_NUMBER, &number, -1);
      folded_name = g_utf8_casefold (name, -1);
      folded_label = g_utf8_casefold (label, -1);
      if (g_str_equal (folded, folded_name) || g_str_equal (folded, folded_label))
        return g_steal_pointer (&number);
      /* The list's own rule (completion_match()). */
      if (strstr (folded_label, folded) != NULL && partial++ == 0)
        only = g_steal_pointer (&number);
    }
  if (partial == 1)
    return g_steal_pointer (&only);
  if (partial > 1)
    {
      *ambiguous = TRUE;
      return NULL;
    }
  return g_strdup (text);
}

static void
on_desk_call (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CbCallsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *message = NULL;

  call_id = cb_rest_client_dial_finish (CB_REST_CLIENT (source), result, &error);
  if (call_id != NULL)
    {
      cb_widget_show_toast (GTK_WIDGET (self), _("Your desk phone rings; pick it up to call."));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The one people can fix themselves: plug the desk phone in. */
  if (g_error_matches (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NO_PHONE))
    reason = g_strdup (_("Your desk phone is not registered right now."));
  else
    reason = cb_describe_error (error);
  message = g_strdup_printf (_("Could not call from the desk phone: %s"), reason);
  cb_widget_show_toast (GTK_WIDGET (self), message);
}

static void
dial_from_desk (CbCallsPage *self,
                const char  *number)
{
  /* As the leader when the user chose to call as them (the softphone
   * does the same for its own calls). */
  cb_rest_client_dial_as_async (cb_session_get_rest_client (self->session), number, CB_PHONE_DESK,
                                cb_call_as_get_as_user_id (cb_session_get_call_as (self->session)),
                                self->cancellable, on_desk_call, g_object_ref (self));
}

static void
dial_with (CbCallsPage *self,
           const char  *text,
           gboolean     desk)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *number = NULL;
  g_autofree char *stripped = NULL;
  gboolean ambiguous;

  stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*stripped == '\0')
    return;
  number = resolve_number (self, stripped, &ambiguous);
  if (ambiguous)
    {
      /* Translators: %s is what the user typed to call */
      g_autofree char *message = g_strdup_printf (_("Several colleagues match “%s”: pick one from the list."),
                                                  stripped);

      cb_widget_show_toast (GTK_WIDGET (self), message);
      return;
    }
  if (desk && self->session != NULL)
    {
      dial_from_desk (self, number);
      gtk_editable_set_text (GTK_EDITABLE (self->dial_entry), "");
      return;
    }
  if (self->softphone == NULL)
    {
      cb_widget_show_toast (GTK_WIDGET (self), _("The softphone is not available."));
      return;
    }

  if (cb_softphone_dial (self->softphone, number, &error) == NULL)
    {
      g_autofree char *reason = cb_describe_dial_error (error);
      g_autofree char *message = g_strdup_printf (_("Could not call %s: %s"), stripped, reason);

      cb_widget_show_toast (GTK_WIDGET (self), message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->dial_entry), "");
}

void
cb_calls_page_dial (CbCallsPage *self,
                    const char  *text)
{
  g_return_if_fail (CB_IS_CALLS_PAGE (self));

  dial_with (self, text, from_desk (self));
}

void
cb_calls_page_dial_from (CbCallsPage *self,
                         const char  *text,
                         CbPhone      phone)
{
  g_return_if_fail (CB_IS_CALLS_PAGE (self));

  dial_with (self, text, phone == CB_PHONE_DESK);
}

/* A colleague dropped on the page (or its dial field) is called. */
static gboolean
on_contact_drop (GtkDropTarget *target,
                 const GValue  *value,
                 double         x,
                 double         y,
                 CbCallsPage   *self)
{
  CbContact *contact = g_value_get_object (value);
  const char *extension = contact != NULL ? cb_contact_get_extension (contact) : NULL;

  if (extension == NULL || *extension == '\0' || cb_contact_get_is_self (contact))
    return FALSE;
  cb_calls_page_dial (self, extension);
  return TRUE;
}

static void
dial_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CbCallsPage *self = CB_CALLS_PAGE (widget);

  cb_calls_page_dial (self, gtk_editable_get_text (GTK_EDITABLE (self->dial_entry)));
}

static void
on_dial_activate (CbCallsPage *self,
                  GtkEntry    *entry)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "calls.dial", NULL);
}

void
cb_calls_page_set_session (CbCallsPage *self,
                           CbSession   *session)
{
  g_return_if_fail (CB_IS_CALLS_PAGE (self));

  if (self->session == session)
    return;

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_signal_handlers_disconnect_by_data (cb_client_store_get_directory (cb_session_get_store (self->session)), self);
    }
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      /* Rebuilt whole: the directory changes rarely, and a GtkListStore
       * offers no cheap keyed update. */
      g_signal_connect_object (cb_client_store_get_directory (cb_session_get_store (session)),
                               "items-changed", G_CALLBACK (mark_completions_stale), self,
                               G_CONNECT_SWAPPED);
    }
  gtk_list_store_clear (self->completions);
  mark_completions_stale (self);
  /* "Call as" in the Call button's menu too. */
  cb_call_as_menu_attach (GTK_WIDGET (self), G_MENU (adw_split_button_get_menu_model (self->call_button)),
                          session != NULL ? cb_session_get_call_as (session) : NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

GtkEditable *
cb_calls_page_get_entry (CbCallsPage *self)
{
  g_return_val_if_fail (CB_IS_CALLS_PAGE (self), NULL);
  return GTK_EDITABLE (self->dial_entry);
}

static void
set_call_from (CbCallsPage *self,
               const char  *call_from)
{
  if (g_strcmp0 (call_from, "desk") != 0)
    call_from = "softphone";
  if (g_strcmp0 (self->call_from, call_from) == 0)
    return;

  g_free (self->call_from);
  self->call_from = g_strdup (call_from);
  gtk_image_set_from_icon_name (self->call_from_icon,
                                from_desk (self) ? "phone-old-symbolic" : "computer-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->call_button),
                               from_desk (self) ? _("Call from your desk phone: it rings first")
                                                : _("Call from the softphone"));
  update_registration (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CALL_FROM]);
}

/* --- GObject --- */

static void
cb_calls_page_dispose (GObject *object)
{
  CbCallsPage *self = CB_CALLS_PAGE (object);

  cb_calls_page_set_session (self, NULL);
  cb_calls_page_set_softphone (self, NULL);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  if (self->dial_entry != NULL)
    gtk_entry_set_completion (self->dial_entry, NULL);
  g_clear_object (&self->completion);
  g_clear_object (&self->completions);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_CALLS_PAGE);
  cb_widget_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cb_calls_page_parent_class)->dispose (object);
}

static void
cb_calls_page_finalize (GObject *object)
{
  CbCallsPage *self = CB_CALLS_PAGE (object);

  g_free (self->call_from);

  G_OBJECT_CLASS (cb_calls_page_parent_class)->finalize (object);
}

static void
cb_calls_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CbCallsPage *self = CB_CALLS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_CALL_FROM:
      g_value_set_string (value, self->call_from);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_calls_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CbCallsPage *self = CB_CALLS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      cb_calls_page_set_session (self, g_value_get_object (value));
      break;
    case PROP_CALL_FROM:
      set_call_from (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_calls_page_class_init (CbCallsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_calls_page_dispose;
  object_class->finalize = cb_calls_page_finalize;
  object_class->get_property = cb_calls_page_get_property;
  object_class->set_property = cb_calls_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CALL_FROM] =
    g_param_spec_string ("call-from", NULL, NULL, "softphone",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-calls-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CbCallsPage, registration_icon);
  gtk_widget_class_bind_template_child (widget_class, CbCallsPage, registration_label);
  gtk_widget_class_bind_template_child (widget_class, CbCallsPage, dial_entry);
  gtk_widget_class_bind_template_child (widget_class, CbCallsPage, call_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallsPage, call_from_icon);
  gtk_widget_class_bind_template_child (widget_class, CbCallsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CbCallsPage, call_list);
  gtk_widget_class_bind_template_callback (widget_class, on_dial_activate);

  gtk_widget_class_install_action (widget_class, "calls.dial", NULL, dial_action);
  gtk_widget_class_install_property_action (widget_class, "calls.call-from", "call-from");
}

static void
cb_calls_page_init (CbCallsPage *self)
{
  GtkCellRenderer *cell;
  GtkDropTarget *target;

  /* The template's menu reads the calls.call-from state while it is built. */
  self->call_from = g_strdup ("softphone");
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->call_button), _("Call from the softphone"));
  cb_split_button_hide_tooltip_when_open (self->call_button);
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "call-from", self, "call-from", G_SETTINGS_BIND_DEFAULT);

  self->completions = gtk_list_store_new (N_COLUMNS, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  self->completion = gtk_entry_completion_new ();
  gtk_entry_completion_set_model (self->completion, GTK_TREE_MODEL (self->completions));
  gtk_entry_completion_set_match_func (self->completion, completion_match, self, NULL);
  gtk_entry_completion_set_minimum_key_length (self->completion, 1);
  cell = gtk_cell_renderer_text_new ();
  gtk_cell_layout_pack_start (GTK_CELL_LAYOUT (self->completion), cell, TRUE);
  gtk_cell_layout_add_attribute (GTK_CELL_LAYOUT (self->completion), cell, "text", COLUMN_LABEL);
  g_signal_connect_object (self->completion, "match-selected", G_CALLBACK (on_match_selected),
                           self, G_CONNECT_SWAPPED);
  /* Before the completion's own handler, which reads the rows. */
  g_signal_connect_object (self->dial_entry, "changed", G_CALLBACK (ensure_completions),
                           self, G_CONNECT_SWAPPED);
  gtk_entry_set_completion (self->dial_entry, self->completion);

  /* The whole page, the dial field included: a contact is no text for it. */
  target = gtk_drop_target_new (CB_TYPE_CONTACT, GDK_ACTION_COPY | GDK_ACTION_MOVE);
  g_signal_connect_object (target, "drop", G_CALLBACK (on_contact_drop), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  update_registration (self);
  update_stack (self);
}
