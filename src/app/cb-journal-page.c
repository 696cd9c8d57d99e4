/* cb-journal-page.c: the user's calls, newest first, missed ones marked
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Entries never change, so each row is built once from its entry and the
 * list box follows the store's journal model. A group call shows "for
 * <group>", and who took it when a colleague did; pickups are marked.
 */

#define G_LOG_DOMAIN "cb-journal-page"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-call-row.h"
#include "cb-colleague-widget.h"
#include "cb-journal-page.h"
#include "cb-user-locale.h"

struct _CbJournalPage
{
  GtkWidget   parent_instance;

  CbSession  *session;
  GListModel *journal;

  /* Template widgets */
  GtkStack   *stack;
  GtkListBox *list;
};

G_DEFINE_FINAL_TYPE (CbJournalPage, cb_journal_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
format_time (gint64 unix_seconds)
{
  /* In the signed-in user's time zone, which their account may name. */
  g_autoptr(GDateTime) time = cb_user_locale_date_time (unix_seconds);
  g_autoptr(GDateTime) now = cb_user_locale_now ();

  if (time == NULL)
    return g_strdup ("");
  /* Today's calls need no date. */
  if (g_date_time_get_year (time) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (now))
    return g_date_time_format (time, "%H:%M");
  return g_date_time_format (time, "%x %H:%M");
}

/* --- what the shared colleague code asks: an entry's other party --- */

static CbJournalEntry *
row_entry (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "cb-journal-entry");
}

static CbClientStore *
row_store (GtkWidget *row)
{
  CbJournalPage *self = g_object_get_data (G_OBJECT (row), "cb-journal-page");

  return self != NULL && self->session != NULL ? cb_session_get_store (self->session) : NULL;
}

/* The colleague the call was with, when the directory shows them. */
static CbContact *
row_contact (GtkWidget *row)
{
  CbJournalEntry *entry = row_entry (row);
  CbClientStore *store = row_store (row);
  gint64 id = entry != NULL ? cb_journal_entry_get_remote_user_id (entry) : 0;

  return id > 0 && store != NULL ? cb_client_store_lookup_contact (store, id) : NULL;
}

static const char *
row_number (GtkWidget *row)
{
  CbJournalEntry *entry = row_entry (row);
  const char *number = entry != NULL ? cb_journal_entry_get_remote_number (entry) : NULL;

  return number != NULL && *number != '\0' ? number : NULL;
}

static GMenuModel *
row_menu (GtkWidget *row)
{
  CbContact *contact = row_contact (row);

  if (contact != NULL)
    return cb_colleague_menu_new (row_store (row), contact);
  return row_number (row) != NULL ? cb_number_menu_new (row_number (row)) : NULL;
}

static void
row_activate (GtkWidget *row)
{
  CbContact *contact = row_contact (row);

  if (contact != NULL)
    cb_colleague_call (row, contact);
  else if (row_number (row) != NULL)
    gtk_widget_activate_action (row, "contact.dial", "s", row_number (row));
}

static char *
row_forward_number (GtkWidget *row)
{
  CbContact *contact = row_contact (row);

  if (contact != NULL && cb_contact_get_is_self (contact))
    return NULL;
  return g_strdup (row_number (row));
}

static const char *
row_title (GtkWidget *row)
{
  CbJournalEntry *entry = row_entry (row);

  return entry != NULL ? cb_journal_entry_get_remote_name (entry) : NULL;
}

static GdkContentProvider *
row_drag_content (GtkWidget *row)
{
  CbContact *contact = row_contact (row);

  return contact != NULL ? cb_colleague_content_new (contact) : NULL;
}

static const CbColleagueFuncs row_funcs = {
  .menu = row_menu,
  .activate = row_activate,
  .forward_number = row_forward_number,
  .title = row_title,
  .drag_content = row_drag_content,
};

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  CbJournalPage *self = user_data;
  CbJournalEntry *entry = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;
  GtkWidget *button;
  GtkWidget *menu_button;
  g_autofree char *time = format_time (cb_journal_entry_get_started_at (entry));
  g_autofree char *duration = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *taken_by = NULL;
  g_autofree char *for_group = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *icon_name;
  const char *what;

  if (cb_journal_entry_get_taken_by_name (entry) != NULL)
    {
      /* A group call a colleague answered: not missed, and who it was. */
      icon_name = "call-incoming-symbolic";
      /* Translators: %s is the colleague who answered a group call */
      taken_by = g_strdup_printf (_("Taken by %s"), cb_journal_entry_get_taken_by_name (entry));
      what = taken_by;
    }
  else if (cb_journal_entry_get_missed (entry))
    {
      icon_name = "call-missed-symbolic";
      what = _("Missed");
    }
  else if (cb_journal_entry_get_incoming (entry))
    {
      icon_name = "call-incoming-symbolic";
      what = cb_journal_entry_get_answered (entry) ? _("Incoming") : _("Missed");
    }
  else
    {
      icon_name = "call-outgoing-symbolic";
      what = cb_journal_entry_get_answered (entry) ? _("Outgoing") : _("Not answered");
    }

  g_ptr_array_add (parts, (gpointer) what);
  if (cb_journal_entry_get_group_name (entry) != NULL)
    {
      /* Translators: %s is the hunt group the call came in for */
      for_group = g_strdup_printf (_("for %s"), cb_journal_entry_get_group_name (entry));
      g_ptr_array_add (parts, for_group);
    }
  if (cb_journal_entry_get_picked_up (entry))
    g_ptr_array_add (parts, (gpointer) _("Picked up"));
  g_ptr_array_add (parts, time);
  if (cb_journal_entry_get_answered (entry))
    {
      duration = cb_format_duration (cb_journal_entry_get_duration (entry));
      g_ptr_array_add (parts, duration);
    }
  g_ptr_array_add (parts, NULL);
  subtitle = g_strjoinv (" · ", (char **) parts->pdata);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cb_journal_entry_get_remote_name (entry));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  icon = gtk_image_new_from_icon_name (icon_name);
  gtk_widget_set_tooltip_text (icon, what);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  if (taken_by != NULL)
    gtk_widget_add_css_class (icon, "dim-label");
  if (cb_journal_entry_get_missed (entry))
    {
      gtk_widget_add_css_class (icon, "error");
      gtk_widget_add_css_class (row, "cb-missed");
    }

  if (*cb_journal_entry_get_remote_number (entry) != '\0')
    {
      button = gtk_button_new_from_icon_name ("call-start-symbolic");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, _("Call Back"));
      gtk_widget_add_css_class (button, "flat");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.dial");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s",
                                        cb_journal_entry_get_remote_number (entry));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  menu_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (menu_button, _("Contact Options"));
  gtk_widget_add_css_class (menu_button, "flat");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), menu_button);

  g_object_set_data_full (G_OBJECT (row), "cb-journal-entry", g_object_ref (entry), g_object_unref);
  g_object_set_data (G_OBJECT (row), "cb-journal-page", self);
  cb_colleague_widget_attach (row, &row_funcs, GTK_MENU_BUTTON (menu_button));
  return row;
}

static void
update_stack (CbJournalPage *self)
{
  gboolean any = self->journal != NULL && g_list_model_get_n_items (self->journal) > 0;

  gtk_stack_set_visible_child_name (self->stack, any ? "list" : "empty");
}

void
cb_journal_page_set_session (CbJournalPage *self,
                             CbSession     *session)
{
  g_return_if_fail (CB_IS_JOURNAL_PAGE (self));

  if (self->session == session)
    return;

  if (self->journal != NULL)
    g_signal_handlers_disconnect_by_data (self->journal, self);
  g_set_object (&self->session, session);
  self->journal = session != NULL ? cb_client_store_get_journal (cb_session_get_store (session)) : NULL;
  gtk_list_box_bind_model (self->list, self->journal, self->journal != NULL ? create_row : NULL,
                           self, NULL);
  if (self->journal != NULL)
    g_signal_connect_object (self->journal, "items-changed", G_CALLBACK (update_stack), self,
                             G_CONNECT_SWAPPED);
  update_stack (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
cb_journal_page_dispose (GObject *object)
{
  CbJournalPage *self = CB_JOURNAL_PAGE (object);

  cb_journal_page_set_session (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_JOURNAL_PAGE);
  cb_widget_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cb_journal_page_parent_class)->dispose (object);
}

static void
cb_journal_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CbJournalPage *self = CB_JOURNAL_PAGE (object);

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
cb_journal_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CbJournalPage *self = CB_JOURNAL_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      cb_journal_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_journal_page_class_init (CbJournalPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_journal_page_dispose;
  object_class->get_property = cb_journal_page_get_property;
  object_class->set_property = cb_journal_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-journal-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CbJournalPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CbJournalPage, list);
}

static void
cb_journal_page_init (CbJournalPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  cb_colleague_list_attach (GTK_WIDGET (self->list));
  update_stack (self);
}
