/* cb-presence-menu.c: the user's own availability and note, in the window's status bar
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The button shows the store's "me"; a choice is a request to the server
 * whose event moves the button, so two clients of one user agree. The
 * note keeps its end when only the availability changes (the server
 * would otherwise keep the note for good).
 */

#define G_LOG_DOMAIN "cb-presence-menu"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-enum-labels.h"
#include "cb-presence-menu.h"

/* How many recent notes the popover offers. */
#define MAX_RECENT_NOTES 5

struct _CbPresenceMenu
{
  GtkWidget       parent_instance;

  CbSession      *session;
  CbContact      *me;
  GSettings      *settings;

  /* Template widgets */
  GtkMenuButton  *button;
  GtkWidget      *dot;
  GtkLabel       *availability_label;
  GtkLabel       *note_label;
  GtkPopover     *popover;
  GtkListBox     *availability_list;
  GtkEntry       *note_entry;
  GtkWidget      *recent_box;
  GtkDropDown    *end_dropdown;
};

G_DEFINE_FINAL_TYPE (CbPresenceMenu, cb_presence_menu, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

gint64
cb_note_end_resolve (CbNoteEnd  end,
                     GDateTime *now)
{
  g_autoptr(GDateTime) tomorrow = NULL;
  g_autoptr(GDateTime) morning = NULL;

  g_return_val_if_fail (now != NULL, 0);

  switch (end)
    {
    case CB_NOTE_END_30_MINUTES:
      return g_date_time_to_unix (now) + 30 * 60;
    case CB_NOTE_END_1_HOUR:
      return g_date_time_to_unix (now) + 3600;
    case CB_NOTE_END_2_HOURS:
      return g_date_time_to_unix (now) + 2 * 3600;
    case CB_NOTE_END_4_HOURS:
      return g_date_time_to_unix (now) + 4 * 3600;
    case CB_NOTE_END_TOMORROW:
      /* Tomorrow by the calendar, in the local time zone. */
      tomorrow = g_date_time_add_days (now, 1);
      morning = g_date_time_new (g_date_time_get_timezone (now),
                                 g_date_time_get_year (tomorrow), g_date_time_get_month (tomorrow),
                                 g_date_time_get_day_of_month (tomorrow), 8, 0, 0);
      return morning != NULL ? g_date_time_to_unix (morning) : 0;
    case CB_NOTE_END_NEVER:
    case CB_N_NOTE_ENDS:
    default:
      return 0;
    }
}

static const char *
note_end_label (CbNoteEnd end)
{
  switch (end)
    {
    case CB_NOTE_END_30_MINUTES: return _("In 30 minutes");
    case CB_NOTE_END_1_HOUR:     return _("In 1 hour");
    case CB_NOTE_END_2_HOURS:    return _("In 2 hours");
    case CB_NOTE_END_4_HOURS:    return _("In 4 hours");
    case CB_NOTE_END_TOMORROW:   return _("Tomorrow at 8:00");
    case CB_NOTE_END_NEVER:
    case CB_N_NOTE_ENDS:
    default:                     return _("Never");
    }
}

/* --- showing the store's state --- */

static void
update (CbPresenceMenu *self)
{
  CbAvailability availability = self->me != NULL ? cb_contact_get_availability (self->me)
                                                 : CB_AVAILABILITY_OFFLINE;
  const char *note = self->me != NULL ? cb_contact_get_note (self->me) : NULL;
  gint64 until = self->me != NULL ? cb_contact_get_note_until (self->me) : 0;
  const char *classes[] = { "cb-dot", cb_availability_get_style (availability), NULL };
  g_autofree char *tooltip = NULL;

  gtk_widget_set_css_classes (self->dot, classes);
  gtk_label_set_label (self->availability_label, cb_availability_get_label (availability));
  gtk_label_set_label (self->note_label, note != NULL ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note != NULL);

  if (note != NULL && until > 0)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (until);
      g_autofree char *at = g_date_time_format (time, "%H:%M");

      /* Translators: the first %s is the user's availability, the second
       * their note, the third the time the note goes by itself */
      tooltip = g_strdup_printf (_("%s — “%s” until %s"), cb_availability_get_label (availability),
                                 note, at);
    }
  else if (note != NULL)
    tooltip = g_strdup_printf ("%s — “%s”", cb_availability_get_label (availability), note);
  else
    tooltip = g_strdup (_("Your Availability and Note"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), tooltip);

  for (int i = 0; i < CB_N_AVAILABILITIES; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->availability_list, i);
      GtkWidget *check = g_object_get_data (G_OBJECT (row), "cb-check");

      gtk_widget_set_opacity (check, i == (int) availability ? 1.0 : 0.0);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "presence.set-availability", self->me != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "presence.set-note", self->me != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "presence.clear-note",
                                 self->me != NULL && note != NULL);
}

static void
set_me (CbPresenceMenu *self,
        CbContact      *me)
{
  if (self->me == me)
    return;
  if (self->me != NULL)
    g_signal_handlers_disconnect_by_data (self->me, self);
  g_set_object (&self->me, me);
  if (me != NULL)
    {
      g_signal_connect_object (me, "notify::availability", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (me, "notify::note", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (me, "notify::note-until", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
    }
  update (self);
}

static void
on_store_me (CbPresenceMenu *self,
             GParamSpec     *pspec,
             CbClientStore  *store)
{
  set_me (self, cb_client_store_get_me (store));
}

void
cb_presence_menu_set_session (CbPresenceMenu *self,
                              CbSession      *session)
{
  g_return_if_fail (CB_IS_PRESENCE_MENU (self));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (cb_session_get_store (self->session), self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (cb_session_get_store (session), "notify::me",
                             G_CALLBACK (on_store_me), self, G_CONNECT_SWAPPED);
  set_me (self, session != NULL ? cb_client_store_get_me (cb_session_get_store (session)) : NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/* --- recent notes --- */

static void
fill_recent (CbPresenceMenu *self)
{
  g_auto(GStrv) notes = g_settings_get_strv (self->settings, "recent-notes");
  GtkWidget *child = gtk_widget_get_first_child (self->recent_box);
  GtkWidget *next;

  /* The first child is the heading. */
  for (child = gtk_widget_get_next_sibling (child); child != NULL; child = next)
    {
      next = gtk_widget_get_next_sibling (child);
      gtk_box_remove (GTK_BOX (self->recent_box), child);
    }
  for (guint i = 0; notes[i] != NULL && i < MAX_RECENT_NOTES; i++)
    {
      GtkWidget *button = gtk_button_new_with_label (notes[i]);
      GtkWidget *label = gtk_button_get_child (GTK_BUTTON (button));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "cb-recent-note");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "presence.use-note");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", notes[i]);
      gtk_box_append (GTK_BOX (self->recent_box), button);
    }
  gtk_widget_set_visible (self->recent_box, notes[0] != NULL);
}

/* The note goes first, once: the list is what the user says most lately. */
static void
remember_note (CbPresenceMenu *self,
               const char     *note)
{
  g_auto(GStrv) old = g_settings_get_strv (self->settings, "recent-notes");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) notes = NULL;
  guint n = 1;

  g_strv_builder_add (builder, note);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT_NOTES; i++)
    if (g_strcmp0 (old[i], note) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  notes = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-notes", (const char * const *) notes);
}

/* --- asking the server --- */

static void
on_presence_set (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CbPresenceMenu) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cb_rest_client_finish (CB_REST_CLIENT (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *reason = cb_describe_error (error);
      g_autofree char *message = g_strdup_printf (_("Your status could not be changed: %s"), reason);

      cb_widget_show_toast (GTK_WIDGET (self), message);
    }
}

static void
send_presence (CbPresenceMenu *self,
               CbAvailability  availability,
               const char     *note,
               gint64          note_until)
{
  if (self->session == NULL)
    return;
  g_debug ("Asking for availability %d, note “%s” until %" G_GINT64_FORMAT,
           availability, note != NULL ? note : "", note_until);
  cb_rest_client_set_presence_async (cb_session_get_rest_client (self->session), availability,
                                     note, note_until, NULL, on_presence_set,
                                     g_object_ref (self));
}

static void
set_availability_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  CbPresenceMenu *self = CB_PRESENCE_MENU (widget);
  int availability = g_variant_get_int32 (param);

  if (self->me == NULL || availability < 0 || availability >= CB_N_AVAILABILITIES)
    return;
  gtk_popover_popdown (self->popover);
  /* The note stays, with its end. */
  send_presence (self, (CbAvailability) availability, cb_contact_get_note (self->me),
                 cb_contact_get_note_until (self->me));
}

static void
set_note_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  CbPresenceMenu *self = CB_PRESENCE_MENU (widget);
  g_autofree char *note = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->note_entry))));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  gint64 until;

  if (self->me == NULL)
    return;
  gtk_popover_popdown (self->popover);
  if (*note == '\0')
    {
      send_presence (self, cb_contact_get_availability (self->me), "", 0);
      return;
    }
  until = cb_note_end_resolve ((CbNoteEnd) gtk_drop_down_get_selected (self->end_dropdown), now);
  remember_note (self, note);
  send_presence (self, cb_contact_get_availability (self->me), note, until);
}

static void
clear_note_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  CbPresenceMenu *self = CB_PRESENCE_MENU (widget);

  if (self->me == NULL)
    return;
  gtk_popover_popdown (self->popover);
  gtk_editable_set_text (GTK_EDITABLE (self->note_entry), "");
  send_presence (self, cb_contact_get_availability (self->me), "", 0);
}

static void
use_note_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  CbPresenceMenu *self = CB_PRESENCE_MENU (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->note_entry), g_variant_get_string (param, NULL));
  gtk_editable_set_position (GTK_EDITABLE (self->note_entry), -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->note_entry));
}

static void
on_availability_activated (CbPresenceMenu *self,
                           GtkListBoxRow  *row,
                           GtkListBox     *list)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "presence.set-availability", "i",
                              gtk_list_box_row_get_index (row));
}

static void
on_note_activate (CbPresenceMenu *self,
                  GtkEntry       *entry)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "presence.set-note", NULL);
}

static void
on_popover_show (CbPresenceMenu *self,
                 GtkPopover     *popover)
{
  const char *note = self->me != NULL ? cb_contact_get_note (self->me) : NULL;

  /* What colleagues see now, ready to edit. */
  gtk_editable_set_text (GTK_EDITABLE (self->note_entry), note != NULL ? note : "");
  fill_recent (self);
}

GtkEditable *
cb_presence_menu_get_note_entry (CbPresenceMenu *self)
{
  g_return_val_if_fail (CB_IS_PRESENCE_MENU (self), NULL);
  return GTK_EDITABLE (self->note_entry);
}

void
cb_presence_menu_set_note_end (CbPresenceMenu *self,
                               CbNoteEnd       end)
{
  g_return_if_fail (CB_IS_PRESENCE_MENU (self));
  g_return_if_fail (end < CB_N_NOTE_ENDS);
  gtk_drop_down_set_selected (self->end_dropdown, end);
}

/* --- GObject --- */

static void
cb_presence_menu_dispose (GObject *object)
{
  CbPresenceMenu *self = CB_PRESENCE_MENU (object);

  cb_presence_menu_set_session (self, NULL);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_PRESENCE_MENU);
  cb_widget_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cb_presence_menu_parent_class)->dispose (object);
}

static void
cb_presence_menu_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CbPresenceMenu *self = CB_PRESENCE_MENU (object);

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
cb_presence_menu_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CbPresenceMenu *self = CB_PRESENCE_MENU (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      cb_presence_menu_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_presence_menu_class_init (CbPresenceMenuClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_presence_menu_dispose;
  object_class->get_property = cb_presence_menu_get_property;
  object_class->set_property = cb_presence_menu_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "cb-presence-menu");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-presence-menu.ui");
  gtk_widget_class_bind_template_child (widget_class, CbPresenceMenu, button);
  gtk_widget_class_bind_template_child (widget_class, CbPresenceMenu, dot);
  gtk_widget_class_bind_template_child (widget_class, CbPresenceMenu, availability_label);
  gtk_widget_class_bind_template_child (widget_class, CbPresenceMenu, note_label);
  gtk_widget_class_bind_template_child (widget_class, CbPresenceMenu, popover);
  gtk_widget_class_bind_template_child (widget_class, CbPresenceMenu, availability_list);
  gtk_widget_class_bind_template_child (widget_class, CbPresenceMenu, note_entry);
  gtk_widget_class_bind_template_child (widget_class, CbPresenceMenu, recent_box);
  gtk_widget_class_bind_template_child (widget_class, CbPresenceMenu, end_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, on_availability_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_note_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_show);

  gtk_widget_class_install_action (widget_class, "presence.set-availability", "i",
                                   set_availability_action);
  gtk_widget_class_install_action (widget_class, "presence.set-note", NULL, set_note_action);
  gtk_widget_class_install_action (widget_class, "presence.clear-note", NULL, clear_note_action);
  gtk_widget_class_install_action (widget_class, "presence.use-note", "s", use_note_action);
}

static void
cb_presence_menu_init (CbPresenceMenu *self)
{
  const char *ends[CB_N_NOTE_ENDS + 1] = { NULL };
  g_autoptr(GtkStringList) end_model = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  cb_menu_button_hide_tooltip_when_open (self->button);
  self->settings = g_settings_new (APP_ID);

  /* One row per availability, in the enum's order: the row's index is
   * the value. */
  for (int i = 0; i < CB_N_AVAILABILITIES; i++)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
      GtkWidget *dot = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      GtkWidget *label = gtk_label_new (cb_availability_get_label ((CbAvailability) i));
      GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");
      const char *classes[] = { "cb-dot", cb_availability_get_style ((CbAvailability) i), NULL };

      gtk_widget_set_css_classes (dot, classes);
      gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (box), dot);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), check);
      gtk_widget_add_css_class (box, "cb-availability-choice");
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      g_object_set_data (G_OBJECT (row), "cb-check", check);
      gtk_list_box_append (self->availability_list, row);
    }

  for (int i = 0; i < CB_N_NOTE_ENDS; i++)
    ends[i] = note_end_label ((CbNoteEnd) i);
  end_model = gtk_string_list_new (ends);
  gtk_drop_down_set_model (self->end_dropdown, G_LIST_MODEL (end_model));

  update (self);
}
