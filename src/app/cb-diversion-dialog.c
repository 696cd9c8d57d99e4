/* cb-diversion-dialog.c: the user's call diversion, mobile ringing and announcement in one dialog
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dialog shows the user's settings as the store has them when it
 * opens and sends only what the user changed. Targets complete from the
 * directory (colleagues by name or extension, hunt groups by name or
 * number); whatever is typed ends up a number, which is what the server
 * keeps, and the row says whom it reaches.
 */

#define G_LOG_DOMAIN "cb-diversion-dialog"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-diversion-dialog.h"
#include "cb-diversion-label.h"

enum {
  COLUMN_LABEL,
  COLUMN_NUMBER,
  N_COLUMNS
};

/* The three diversions, in the order of their rows. */
typedef enum {
  TARGET_UNCONDITIONAL,
  TARGET_BUSY,
  TARGET_NO_ANSWER,
  N_TARGETS
} Target;

static const char * const target_members[N_TARGETS] = { "unconditional", "busy", "no_answer" };

struct _CbDiversionDialog
{
  AdwWindow            parent_instance;

  CbSession           *session;
  CbContact           *me;
  GCancellable        *cancellable;
  GtkListStore        *completions;
  GtkMediaStream      *player;
  GtkNativeDialog     *chooser;
  guint                saving : 1;

  /* Template widgets */
  AdwToastOverlay     *toast_overlay;
  GtkWidget           *save_button;
  AdwExpanderRow      *unconditional_row;
  AdwExpanderRow      *busy_row;
  AdwExpanderRow      *no_answer_row;
  AdwActionRow        *unconditional_target_row;
  AdwActionRow        *busy_target_row;
  AdwActionRow        *no_answer_target_row;
  GtkEntry            *unconditional_entry;
  GtkEntry            *busy_entry;
  GtkEntry            *no_answer_entry;
  GtkSpinButton       *no_answer_after_spin;
  AdwExpanderRow      *mobile_row;
  GtkSpinButton       *mobile_delay_spin;
  AdwActionRow        *announcement_row;
};

G_DEFINE_FINAL_TYPE (CbDiversionDialog, cb_diversion_dialog, ADW_TYPE_WINDOW)

static AdwExpanderRow *
target_row (CbDiversionDialog *self,
            Target             target)
{
  AdwExpanderRow *rows[N_TARGETS] = { self->unconditional_row, self->busy_row, self->no_answer_row };

  return rows[target];
}

static AdwActionRow *
target_number_row (CbDiversionDialog *self,
                   Target             target)
{
  AdwActionRow *rows[N_TARGETS] = {
    self->unconditional_target_row, self->busy_target_row, self->no_answer_target_row
  };

  return rows[target];
}

static GtkEntry *
target_entry (CbDiversionDialog *self,
              Target             target)
{
  GtkEntry *entries[N_TARGETS] = { self->unconditional_entry, self->busy_entry, self->no_answer_entry };

  return entries[target];
}

static void
show_toast (CbDiversionDialog *self,
            const char        *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, cb_toast_new (message));
}

/* --- targets --- */

static gboolean
is_number (const char *text)
{
  return *text != '\0' && strspn (text, "+0123456789*# -/()") == strlen (text) &&
         strpbrk (text, "+0123456789*#") != NULL;
}

/* Without the spaces and dashes people type in numbers. */
static char *
clean_number (const char *text)
{
  GString *number = g_string_new (NULL);

  for (const char *c = text; *c != '\0'; c++)
    if (strchr ("+0123456789*#", *c) != NULL)
      g_string_append_c (number, *c);
  return g_string_free (number, FALSE);
}

char *
cb_diversion_dialog_resolve (CbDiversionDialog *self,
                             const char        *text)
{
  g_autofree char *stripped = NULL;
  g_autofree char *folded = NULL;
  GtkTreeModel *model;
  GtkTreeIter iter;
  const char *open;

  g_return_val_if_fail (CB_IS_DIVERSION_DIALOG (self), NULL);

  stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*stripped == '\0')
    return NULL;
  if (is_number (stripped))
    return clean_number (stripped);

  /* "Ben Carter (202)", as the completion lists them. */
  open = strrchr (stripped, '(');
  if (open != NULL && g_str_has_suffix (stripped, ")"))
    {
      g_autofree char *inner = g_strndup (open + 1, strlen (open + 1) - 1);

      if (is_number (inner))
        return clean_number (inner);
    }

  /* A name: the one colleague or group that has it. */
  folded = g_utf8_casefold (stripped, -1);
  model = GTK_TREE_MODEL (self->completions);
  if (gtk_tree_model_get_iter_first (model, &iter))
    do
      {
        g_autofree char *label = NULL;
        g_autofree char *number = NULL;
        g_autofree char *folded_label = NULL;
        char *paren;

        gtk_tree_model_get (model, &iter, COLUMN_LABEL, &label, COLUMN_NUMBER, &number, -1);
        paren = strrchr (label, '(');
        if (paren != NULL && paren > label)
          paren[-1] = '\0';
        folded_label = g_utf8_casefold (label, -1);
        if (g_str_equal (folded_label, folded))
          return g_steal_pointer (&number);
      }
    while (gtk_tree_model_iter_next (model, &iter));

  return NULL;
}

static void
fill_completions (CbDiversionDialog *self)
{
  CbClientStore *store = cb_session_get_store (self->session);
  GListModel *directory = cb_client_store_get_directory (store);
  GListModel *groups = cb_client_store_get_groups (store);

  gtk_list_store_clear (self->completions);
  for (guint i = 0; i < g_list_model_get_n_items (directory); i++)
    {
      g_autoptr(CbContact) contact = g_list_model_get_item (directory, i);
      const char *extension = cb_contact_get_extension (contact);
      g_autofree char *label = NULL;

      if (extension == NULL || *extension == '\0' || cb_contact_get_is_self (contact))
        continue;
      label = g_strdup_printf ("%s (%s)", cb_contact_get_display_name (contact), extension);
      gtk_list_store_insert_with_values (self->completions, NULL, -1,
                                         COLUMN_LABEL, label, COLUMN_NUMBER, extension, -1);
    }
  for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
    {
      g_autoptr(CbGroup) group = g_list_model_get_item (groups, i);
      const char *number = cb_group_get_number (group);
      g_autofree char *label = NULL;

      if (number == NULL || *number == '\0')
        continue;
      label = g_strdup_printf ("%s (%s)", cb_group_get_name (group), number);
      gtk_list_store_insert_with_values (self->completions, NULL, -1,
                                         COLUMN_LABEL, label, COLUMN_NUMBER, number, -1);
    }
}

/* Anywhere in the name or the number, as people remember either. */
static gboolean
completion_match (GtkEntryCompletion *completion,
                  const char         *key,
                  GtkTreeIter        *iter,
                  gpointer            user_data)
{
  CbDiversionDialog *self = user_data;
  g_autofree char *label = NULL;
  g_autofree char *folded_label = NULL;
  g_autofree char *folded_key = g_utf8_casefold (key, -1);

  gtk_tree_model_get (GTK_TREE_MODEL (self->completions), iter, COLUMN_LABEL, &label, -1);
  folded_label = g_utf8_casefold (label, -1);
  return strstr (folded_label, folded_key) != NULL;
}

static gboolean
on_match_selected (GtkEntryCompletion *completion,
                   GtkTreeModel       *model,
                   GtkTreeIter        *iter,
                   CbDiversionDialog  *self)
{
  g_autofree char *number = NULL;
  GtkWidget *entry = gtk_entry_completion_get_entry (completion);

  gtk_tree_model_get (model, iter, COLUMN_NUMBER, &number, -1);
  gtk_editable_set_text (GTK_EDITABLE (entry), number);
  gtk_editable_set_position (GTK_EDITABLE (entry), -1);
  return TRUE;
}

static void
attach_completion (CbDiversionDialog *self,
                   GtkEntry          *entry)
{
  g_autoptr(GtkEntryCompletion) completion = gtk_entry_completion_new ();
  GtkCellRenderer *cell = gtk_cell_renderer_text_new ();

  gtk_entry_completion_set_model (completion, GTK_TREE_MODEL (self->completions));
  gtk_entry_completion_set_match_func (completion, completion_match, self, NULL);
  gtk_entry_completion_set_minimum_key_length (completion, 1);
  gtk_cell_layout_pack_start (GTK_CELL_LAYOUT (completion), cell, TRUE);
  gtk_cell_layout_add_attribute (GTK_CELL_LAYOUT (completion), cell, "text", COLUMN_LABEL);
  g_signal_connect_object (completion, "match-selected", G_CALLBACK (on_match_selected), self, 0);
  gtk_entry_set_completion (entry, completion);
}

/* The row under an entry says whom the number reaches. */
static void
on_target_changed (CbDiversionDialog *self,
                   GtkEditable       *editable)
{
  for (Target target = 0; target < N_TARGETS; target++)
    {
      GtkEntry *entry = target_entry (self, target);
      g_autofree char *number = NULL;
      g_autofree char *name = NULL;

      if (GTK_EDITABLE (entry) != editable)
        continue;
      gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
      number = cb_diversion_dialog_resolve (self, gtk_editable_get_text (editable));
      if (number != NULL)
        name = cb_diversion_target_name (self->session, number);
      adw_action_row_set_subtitle (target_number_row (self, target),
                                   name != NULL && g_strcmp0 (name, number) != 0 ? name : "");
    }
}

/* --- what the store has --- */

static void
update_mobile (CbDiversionDialog *self)
{
  const char *mobile = cb_contact_get_mobile (self->me);
  gboolean has_mobile = mobile != NULL && *mobile != '\0';

  gtk_widget_set_sensitive (GTK_WIDGET (self->mobile_row), has_mobile);
  adw_expander_row_set_subtitle (self->mobile_row,
                                 has_mobile ? mobile : _("No mobile number is set for you"));
}

static void
update_announcement (CbDiversionDialog *self)
{
  gboolean has = cb_contact_get_announcement (self->me);

  adw_action_row_set_subtitle (self->announcement_row,
                               has ? _("Callers hear your announcement first") : _("None"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "diversion.play-announcement", has);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "diversion.remove-announcement", has);
}

static void
on_me_notify (CbDiversionDialog *self,
              GParamSpec        *pspec,
              CbContact         *me)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "announcement"))
    update_announcement (self);
  else if (g_str_equal (name, "mobile"))
    update_mobile (self);
}

static void
load_settings (CbDiversionDialog *self)
{
  const char *numbers[N_TARGETS] = {
    cb_contact_get_diversion_unconditional (self->me),
    cb_contact_get_diversion_busy (self->me),
    cb_contact_get_diversion_no_answer (self->me),
  };

  for (Target target = 0; target < N_TARGETS; target++)
    {
      adw_expander_row_set_enable_expansion (target_row (self, target), numbers[target] != NULL);
      adw_expander_row_set_expanded (target_row (self, target), numbers[target] != NULL);
      gtk_editable_set_text (GTK_EDITABLE (target_entry (self, target)),
                             numbers[target] != NULL ? numbers[target] : "");
    }
  gtk_spin_button_set_value (self->no_answer_after_spin,
                             cb_contact_get_diversion_no_answer_after (self->me));
  adw_expander_row_set_enable_expansion (self->mobile_row, cb_contact_get_mobile_ringing (self->me));
  gtk_spin_button_set_value (self->mobile_delay_spin, cb_contact_get_mobile_ringing_delay (self->me));
  update_mobile (self);
  update_announcement (self);
}

/* --- saving --- */

static void
set_saving (CbDiversionDialog *self,
            gboolean           saving)
{
  self->saving = saving;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "diversion.save", !saving);
}

static gboolean
mobile_changed (CbDiversionDialog *self)
{
  gboolean enabled = adw_expander_row_get_enable_expansion (self->mobile_row);

  if (enabled != cb_contact_get_mobile_ringing (self->me))
    return TRUE;
  return enabled && (guint) gtk_spin_button_get_value_as_int (self->mobile_delay_spin) !=
                    cb_contact_get_mobile_ringing_delay (self->me);
}

static void
on_mobile_set (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CbDiversionDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *message = NULL;

  if (cb_rest_client_finish (CB_REST_CLIENT (source), result, &error))
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_saving (self, FALSE);
  if (g_error_matches (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT))
    reason = g_strdup (_("Your mobile number cannot be called. Ask your administrator to set it."));
  else
    reason = cb_describe_error (error);
  message = g_strdup_printf (_("Your mobile could not be set to ring: %s"), reason);
  show_toast (self, message);
}

static void
save_mobile_or_close (CbDiversionDialog *self)
{
  if (!mobile_changed (self))
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  cb_rest_client_set_mobile_ringing_async (cb_session_get_rest_client (self->session),
                                           adw_expander_row_get_enable_expansion (self->mobile_row),
                                           (guint) gtk_spin_button_get_value_as_int (self->mobile_delay_spin),
                                           self->cancellable, on_mobile_set, g_object_ref (self));
}

/* Which field a 422 names: the server's message quotes its member. */
static gboolean
error_names (const GError *error,
             const char   *member)
{
  g_autofree char *quoted = g_strdup_printf ("“%s”", member);

  return strstr (error->message, quoted) != NULL;
}

static void
on_diversion_set (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CbDiversionDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *message = NULL;

  if (cb_rest_client_finish (CB_REST_CLIENT (source), result, &error))
    {
      save_mobile_or_close (self);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_saving (self, FALSE);
  for (Target target = 0; target < N_TARGETS; target++)
    if (g_error_matches (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD) &&
        error_names (error, target_members[target]))
      gtk_widget_add_css_class (GTK_WIDGET (target_entry (self, target)), "error");
  if (g_error_matches (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD))
    reason = g_strdup (_("The server did not accept a number."));
  else
    reason = cb_describe_error (error);
  message = g_strdup_printf (_("The diversion could not be saved: %s"), reason);
  show_toast (self, message);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CbDiversionDialog *self = CB_DIVERSION_DIALOG (widget);
  g_autofree char *numbers[N_TARGETS] = { NULL };
  const char *mine = cb_contact_get_extension (self->me);
  const char *current[N_TARGETS] = {
    cb_contact_get_diversion_unconditional (self->me),
    cb_contact_get_diversion_busy (self->me),
    cb_contact_get_diversion_no_answer (self->me),
  };
  CbWireDiversion diversion = { NULL };
  gboolean changed = FALSE;

  if (self->saving)
    return;

  for (Target target = 0; target < N_TARGETS; target++)
    {
      GtkEntry *entry = target_entry (self, target);

      if (!adw_expander_row_get_enable_expansion (target_row (self, target)))
        continue;
      numbers[target] = cb_diversion_dialog_resolve (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
      if (numbers[target] == NULL || g_strcmp0 (numbers[target], mine) == 0)
        {
          gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
          adw_expander_row_set_expanded (target_row (self, target), TRUE);
          gtk_widget_grab_focus (GTK_WIDGET (entry));
          show_toast (self, numbers[target] == NULL
                            ? _("Choose a colleague or a group, or type a number, to divert to.")
                            : _("Your calls cannot go to your own number."));
          return;
        }
    }

  diversion.unconditional = numbers[TARGET_UNCONDITIONAL];
  diversion.busy = numbers[TARGET_BUSY];
  diversion.no_answer = numbers[TARGET_NO_ANSWER];
  diversion.no_answer_after = (guint) gtk_spin_button_get_value_as_int (self->no_answer_after_spin);
  for (Target target = 0; target < N_TARGETS; target++)
    changed |= g_strcmp0 (numbers[target], current[target]) != 0;
  changed |= diversion.no_answer != NULL &&
             diversion.no_answer_after != cb_contact_get_diversion_no_answer_after (self->me);

  set_saving (self, TRUE);
  if (!changed)
    {
      save_mobile_or_close (self);
      return;
    }
  g_debug ("Diversion: %s / %s / %s after %u s", diversion.unconditional, diversion.busy,
           diversion.no_answer, diversion.no_answer_after);
  cb_rest_client_set_diversion_async (cb_session_get_rest_client (self->session), &diversion,
                                      self->cancellable, on_diversion_set, g_object_ref (self));
}

/* --- the announcement --- */

/* The types the server takes, from the file's name or contents. */
static const char *
announcement_type (GFile  *file,
                   GBytes *bytes)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *guessed = NULL;
  g_autofree char *mime = NULL;
  gsize size = 0;
  gconstpointer data = g_bytes_get_data (bytes, &size);

  guessed = g_content_type_guess (name, data, MIN (size, 4096), NULL);
  mime = g_content_type_get_mime_type (guessed);
  if (mime == NULL)
    return NULL;
  if (g_str_equal (mime, "audio/x-wav") || g_str_equal (mime, "audio/wav") ||
      g_str_equal (mime, "audio/vnd.wave"))
    return "audio/wav";
  if (g_str_equal (mime, "audio/ogg") || g_str_equal (mime, "audio/x-vorbis+ogg") ||
      g_str_equal (mime, "audio/x-opus+ogg") || g_str_equal (mime, "audio/x-flac+ogg") ||
      g_str_equal (mime, "application/ogg"))
    return "audio/ogg";
  if (g_str_equal (mime, "audio/mpeg"))
    return "audio/mpeg";
  return NULL;
}

static void
on_announcement_uploaded (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(CbDiversionDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *message = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "diversion.upload-announcement", TRUE);
  if (cb_rest_client_finish (CB_REST_CLIENT (source), result, &error))
    {
      show_toast (self, _("Announcement uploaded"));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_PAYLOAD_TOO_LARGE))
    reason = g_strdup (_("The file is too large."));
  else if (g_error_matches (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_UNSUPPORTED_MEDIA) ||
           g_error_matches (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD))
    reason = g_strdup (_("The file is no audio the server can play."));
  else
    reason = cb_describe_error (error);
  message = g_strdup_printf (_("The announcement could not be uploaded: %s"), reason);
  show_toast (self, message);
}

static void
on_file_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CbDiversionDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  const char *type;

  if (bytes == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "diversion.upload-announcement", TRUE);
      message = g_strdup_printf (_("The file could not be read: %s"), error->message);
      show_toast (self, message);
      return;
    }
  type = announcement_type (G_FILE (source), bytes);
  if (type == NULL)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "diversion.upload-announcement", TRUE);
      show_toast (self, _("Choose a WAV, Ogg or MP3 file."));
      return;
    }
  g_debug ("Uploading %" G_GSIZE_FORMAT " bytes of %s", g_bytes_get_size (bytes), type);
  cb_rest_client_upload_announcement_async (cb_session_get_rest_client (self->session), bytes, type,
                                            self->cancellable, on_announcement_uploaded,
                                            g_object_ref (self));
}

void
cb_diversion_dialog_upload_file (CbDiversionDialog *self,
                                 GFile             *file)
{
  g_return_if_fail (CB_IS_DIVERSION_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "diversion.upload-announcement", FALSE);
  g_file_load_bytes_async (file, self->cancellable, on_file_loaded, g_object_ref (self));
}

static void
on_chooser_response (GtkNativeDialog   *chooser,
                     int                response,
                     CbDiversionDialog *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file != NULL)
    cb_diversion_dialog_upload_file (self, file);
}

static void
upload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CbDiversionDialog *self = CB_DIVERSION_DIALOG (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    return;

  /* GtkFileDialog is GTK 4.10: the native chooser is 4.8's way. */
  chooser = gtk_file_chooser_native_new (_("Choose an Announcement"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Upload"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Audio (WAV, Ogg, MP3)"));
  gtk_file_filter_add_mime_type (filter, "audio/x-wav");
  gtk_file_filter_add_mime_type (filter, "audio/wav");
  gtk_file_filter_add_mime_type (filter, "audio/ogg");
  gtk_file_filter_add_mime_type (filter, "audio/x-vorbis+ogg");
  gtk_file_filter_add_mime_type (filter, "audio/x-opus+ogg");
  gtk_file_filter_add_mime_type (filter, "audio/mpeg");
  gtk_file_filter_add_suffix (filter, "wav");
  gtk_file_filter_add_suffix (filter, "ogg");
  gtk_file_filter_add_suffix (filter, "opus");
  gtk_file_filter_add_suffix (filter, "mp3");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_chooser_response), self, 0);
  gtk_native_dialog_show (self->chooser);
}

static void
on_announcement_removed (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(CbDiversionDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (cb_rest_client_finish (CB_REST_CLIENT (source), result, &error))
    show_toast (self, _("Announcement removed"));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *reason = cb_describe_error (error);
      g_autofree char *message = g_strdup_printf (_("The announcement could not be removed: %s"), reason);

      show_toast (self, message);
    }
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CbDiversionDialog *self = CB_DIVERSION_DIALOG (widget);

  cb_rest_client_delete_announcement_async (cb_session_get_rest_client (self->session),
                                            self->cancellable, on_announcement_removed,
                                            g_object_ref (self));
}

static void
on_player_ended (CbDiversionDialog *self,
                 GParamSpec        *pspec,
                 GtkMediaStream    *player)
{
  if (gtk_media_stream_get_ended (player) || gtk_media_stream_get_error (player) != NULL)
    g_clear_object (&self->player);
}

static void
on_announcement_fetched (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(CbDiversionDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CbAnnouncement) announcement = NULL;
  g_autoptr(GInputStream) stream = NULL;

  announcement = cb_rest_client_get_announcement_finish (CB_REST_CLIENT (source), result, &error);
  if (announcement == NULL)
    {
      g_autofree char *reason = NULL;
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      reason = cb_describe_error (error);
      message = g_strdup_printf (_("The announcement could not be played: %s"), reason);
      show_toast (self, message);
      return;
    }
  stream = g_memory_input_stream_new_from_bytes (announcement->audio);
  g_clear_object (&self->player);
  self->player = gtk_media_file_new_for_input_stream (stream);
  g_signal_connect_object (self->player, "notify::ended", G_CALLBACK (on_player_ended), self,
                           G_CONNECT_SWAPPED);
  gtk_media_stream_play (self->player);
}

static void
play_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CbDiversionDialog *self = CB_DIVERSION_DIALOG (widget);

  cb_rest_client_get_announcement_async (cb_session_get_rest_client (self->session),
                                         self->cancellable, on_announcement_fetched,
                                         g_object_ref (self));
}

/* --- GObject --- */

static void
cb_diversion_dialog_dispose (GObject *object)
{
  CbDiversionDialog *self = CB_DIVERSION_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  if (self->player != NULL)
    gtk_media_stream_pause (self->player);
  g_clear_object (&self->player);
  if (self->me != NULL)
    g_signal_handlers_disconnect_by_data (self->me, self);
  for (Target target = 0; self->unconditional_entry != NULL && target < N_TARGETS; target++)
    gtk_entry_set_completion (target_entry (self, target), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_DIVERSION_DIALOG);

  G_OBJECT_CLASS (cb_diversion_dialog_parent_class)->dispose (object);
}

static void
cb_diversion_dialog_finalize (GObject *object)
{
  CbDiversionDialog *self = CB_DIVERSION_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->completions);
  g_clear_object (&self->me);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (cb_diversion_dialog_parent_class)->finalize (object);
}

static void
cb_diversion_dialog_class_init (CbDiversionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_diversion_dialog_dispose;
  object_class->finalize = cb_diversion_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-diversion-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CbDiversionDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CbDiversionDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, CbDiversionDialog, unconditional_row);
  gtk_widget_class_bind_template_child (widget_class, CbDiversionDialog, busy_row);
  gtk_widget_class_bind_template_child (widget_class, CbDiversionDialog, no_answer_row);
  gtk_widget_class_bind_template_child (widget_class, CbDiversionDialog, unconditional_target_row);
  gtk_widget_class_bind_template_child (widget_class, CbDiversionDialog, busy_target_row);
  gtk_widget_class_bind_template_child (widget_class, CbDiversionDialog, no_answer_target_row);
  gtk_widget_class_bind_template_child (widget_class, CbDiversionDialog, unconditional_entry);
  gtk_widget_class_bind_template_child (widget_class, CbDiversionDialog, busy_entry);
  gtk_widget_class_bind_template_child (widget_class, CbDiversionDialog, no_answer_entry);
  gtk_widget_class_bind_template_child (widget_class, CbDiversionDialog, no_answer_after_spin);
  gtk_widget_class_bind_template_child (widget_class, CbDiversionDialog, mobile_row);
  gtk_widget_class_bind_template_child (widget_class, CbDiversionDialog, mobile_delay_spin);
  gtk_widget_class_bind_template_child (widget_class, CbDiversionDialog, announcement_row);
  gtk_widget_class_bind_template_callback (widget_class, on_target_changed);

  gtk_widget_class_install_action (widget_class, "diversion.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "diversion.upload-announcement", NULL, upload_action);
  gtk_widget_class_install_action (widget_class, "diversion.play-announcement", NULL, play_action);
  gtk_widget_class_install_action (widget_class, "diversion.remove-announcement", NULL, remove_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cb_diversion_dialog_init (CbDiversionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->completions = gtk_list_store_new (N_COLUMNS, G_TYPE_STRING, G_TYPE_STRING);
  for (Target target = 0; target < N_TARGETS; target++)
    attach_completion (self, target_entry (self, target));
}

GtkWidget *
cb_diversion_dialog_new (GtkWindow *parent,
                         CbSession *session)
{
  CbDiversionDialog *self;
  CbContact *me;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CB_IS_SESSION (session), NULL);

  me = cb_client_store_get_me (cb_session_get_store (session));
  g_return_val_if_fail (me != NULL, NULL);

  self = g_object_new (CB_TYPE_DIVERSION_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  self->me = g_object_ref (me);
  g_signal_connect_object (me, "notify", G_CALLBACK (on_me_notify), self, G_CONNECT_SWAPPED);
  fill_completions (self);
  load_settings (self);
  return GTK_WIDGET (self);
}
