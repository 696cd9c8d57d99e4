/* cb-journal-page.c: the user's calls by day, newest first, missed ones marked
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Entries never change, so each row is built once from its entry and the
 * list box follows a filter model over the store's journal (search text,
 * missed only). Rows are grouped under day headings (Today, Yesterday,
 * the weekday within a week, else the date). Each row says how the call
 * went (the server's outcome: missed, declined, not reached and why…),
 * the number, the time and how long it lasted. A group call shows "for
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
  GtkFilterListModel *filtered;
  GtkCustomFilter    *filter;
  char       *filter_name;     /* "all" or "missed" */
  char       *search_key;      /* case-folded, or NULL */

  /* Template widgets */
  GtkStack   *stack;
  GtkListBox *list;
  GtkSearchEntry *search_entry;
};

G_DEFINE_FINAL_TYPE (CbJournalPage, cb_journal_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_FILTER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
cb_journal_day_label (GDateTime *time,
                      GDateTime *now)
{
  g_autoptr(GDate) day = NULL;
  g_autoptr(GDate) today = NULL;
  int days_ago;

  g_return_val_if_fail (time != NULL && now != NULL, NULL);

  day = g_date_new_dmy (g_date_time_get_day_of_month (time), g_date_time_get_month (time),
                        g_date_time_get_year (time));
  today = g_date_new_dmy (g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                          g_date_time_get_year (now));
  days_ago = g_date_days_between (day, today);
  if (days_ago == 0)
    return g_strdup (_("Today"));
  if (days_ago == 1)
    return g_strdup (_("Yesterday"));
  /* Within the week the weekday says it; further back the date. */
  if (days_ago > 1 && days_ago < 7)
    return g_date_time_format (time, "%A");
  return g_date_time_format (time, "%x");
}

/* In the signed-in user's time zone, which their account may name. */
static GDateTime *
local_time (gint64 unix_seconds)
{
  return cb_user_locale_date_time (unix_seconds);
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

/* How the call went, in the words of the server's outcome. */
static char *
outcome_text (CbJournalEntry  *entry,
              const char     **icon_name)
{
  const char *taken_by = cb_journal_entry_get_taken_by_name (entry);

  switch (cb_journal_entry_get_outcome (entry))
    {
    case CB_CALL_OUTCOME_MISSED:
      *icon_name = "call-missed-symbolic";
      return g_strdup (_("Missed"));
    case CB_CALL_OUTCOME_TAKEN:
      *icon_name = "call-incoming-symbolic";
      if (taken_by != NULL)
        /* Translators: %s is the colleague who answered a group call */
        return g_strdup_printf (_("Taken by %s"), taken_by);
      return g_strdup (_("Taken by a colleague"));
    case CB_CALL_OUTCOME_DECLINED:
      *icon_name = "call-incoming-symbolic";
      return g_strdup (_("Declined"));
    case CB_CALL_OUTCOME_CANCELLED:
      *icon_name = "call-outgoing-symbolic";
      return g_strdup (_("Not answered"));
    case CB_CALL_OUTCOME_BUSY:
      *icon_name = "call-stop-symbolic";
      return g_strdup (_("Not reached (busy)"));
    case CB_CALL_OUTCOME_REJECTED:
      *icon_name = "call-stop-symbolic";
      return g_strdup (_("Not reached (refused)"));
    case CB_CALL_OUTCOME_UNREACHABLE:
      *icon_name = "call-stop-symbolic";
      return g_strdup (_("Not reached (phone unreachable)"));
    case CB_CALL_OUTCOME_NOT_FOUND:
      *icon_name = "call-stop-symbolic";
      return g_strdup (_("Not reached (no such number)"));
    case CB_CALL_OUTCOME_ANSWERED:
    default:
      if (cb_journal_entry_get_incoming (entry))
        {
          *icon_name = "call-incoming-symbolic";
          return g_strdup (_("Incoming"));
        }
      *icon_name = "call-outgoing-symbolic";
      return g_strdup (_("Outgoing"));
    }
}

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
  g_autoptr(GDateTime) started = local_time (cb_journal_entry_get_started_at (entry));
  g_autofree char *time = started != NULL ? g_date_time_format (started, "%H:%M") : g_strdup ("");
  g_autofree char *duration = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *what = NULL;
  g_autofree char *for_group = NULL;
  g_autofree char *for_leader = NULL;
  g_autofree char *picked_up = NULL;
  g_autofree char *forwarded = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *number = cb_journal_entry_get_remote_number (entry);
  const char *icon_name = NULL;

  what = outcome_text (entry, &icon_name);
  g_ptr_array_add (parts, what);
  /* The number, unless it is the title already. */
  if (*number != '\0' && g_strcmp0 (number, cb_journal_entry_get_remote_name (entry)) != 0)
    g_ptr_array_add (parts, (gpointer) number);
  if (cb_journal_entry_get_group_name (entry) != NULL)
    {
      /* Translators: %s is the hunt group the call came in for */
      for_group = g_strdup_printf (_("for %s"), cb_journal_entry_get_group_name (entry));
      g_ptr_array_add (parts, for_group);
    }
  if (cb_journal_entry_get_for_name (entry) != NULL)
    {
      /* Translators: %s is the person an assistant took or placed the call for */
      for_leader = g_strdup_printf (_("for %s"), cb_journal_entry_get_for_name (entry));
      g_ptr_array_add (parts, for_leader);
    }
  if (cb_journal_entry_get_picked_up_from (entry) != NULL)
    {
      /* Translators: %s is the colleague the call rang at before the user took it */
      picked_up = g_strdup_printf (_("Picked up from %s"), cb_journal_entry_get_picked_up_from (entry));
      g_ptr_array_add (parts, picked_up);
    }
  else if (cb_journal_entry_get_picked_up (entry))
    g_ptr_array_add (parts, (gpointer) _("Picked up"));
  if (cb_journal_entry_get_forwarded_to (entry) != NULL)
    {
      /* Translators: %s is the colleague (or number) the user forwarded the call to */
      forwarded = g_strdup_printf (_("Forwarded to %s"), cb_journal_entry_get_forwarded_to (entry));
      g_ptr_array_add (parts, forwarded);
    }
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
  if (cb_journal_entry_get_outcome (entry) == CB_CALL_OUTCOME_TAKEN ||
      cb_journal_entry_get_outcome (entry) == CB_CALL_OUTCOME_DECLINED)
    gtk_widget_add_css_class (icon, "dim-label");
  if (cb_journal_entry_get_missed (entry))
    {
      gtk_widget_add_css_class (icon, "error");
      gtk_widget_add_css_class (row, "cb-missed");
    }
  if (cb_journal_entry_get_not_reached (entry))
    {
      gtk_widget_add_css_class (icon, "warning");
      gtk_widget_add_css_class (row, "cb-not-reached");
    }

  if (*number != '\0')
    {
      button = gtk_button_new_from_icon_name ("call-start-symbolic");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, _("Call Back"));
      gtk_widget_add_css_class (button, "flat");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.dial");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", number);
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

/* A day heading above the first call of each day. */
static void
update_header (GtkListBoxRow *row,
               GtkListBoxRow *before,
               gpointer       user_data)
{
  CbJournalEntry *entry = row_entry (GTK_WIDGET (row));
  CbJournalEntry *previous = before != NULL ? row_entry (GTK_WIDGET (before)) : NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) previous_time = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *label = NULL;
  GtkWidget *header;

  if (entry == NULL)
    return;
  time = local_time (cb_journal_entry_get_started_at (entry));
  if (previous != NULL)
    previous_time = local_time (cb_journal_entry_get_started_at (previous));
  if (time != NULL && previous_time != NULL &&
      g_date_time_get_year (time) == g_date_time_get_year (previous_time) &&
      g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (previous_time))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  now = cb_user_locale_now ();
  label = time != NULL ? cb_journal_day_label (time, now) : g_strdup ("");
  header = gtk_list_box_row_get_header (row);
  if (header == NULL)
    {
      header = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (header), 0);
      gtk_widget_add_css_class (header, "heading");
      gtk_widget_add_css_class (header, "cb-day-header");
      gtk_list_box_row_set_header (row, header);
    }
  gtk_label_set_label (GTK_LABEL (header), label);
}

/* --- filtering --- */

static gboolean
matches (gpointer item,
         gpointer user_data)
{
  CbJournalPage *self = user_data;
  CbJournalEntry *entry = item;
  const char *fields[3];

  if (g_strcmp0 (self->filter_name, "missed") == 0 && !cb_journal_entry_get_missed (entry))
    return FALSE;
  if (self->search_key == NULL)
    return TRUE;
  fields[0] = cb_journal_entry_get_remote_name (entry);
  fields[1] = cb_journal_entry_get_remote_number (entry);
  fields[2] = cb_journal_entry_get_group_name (entry);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *folded = fields[i] != NULL ? g_utf8_casefold (fields[i], -1) : NULL;

      if (folded != NULL && strstr (folded, self->search_key) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
refilter (CbJournalPage *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_search_changed (CbJournalPage  *self,
                   GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  g_clear_pointer (&self->search_key, g_free);
  if (*stripped != '\0')
    self->search_key = g_utf8_casefold (stripped, -1);
  refilter (self);
}

static void
set_filter (CbJournalPage *self,
            const char    *filter)
{
  if (g_strcmp0 (filter, "missed") != 0)
    filter = "all";
  if (g_strcmp0 (self->filter_name, filter) == 0)
    return;
  g_free (self->filter_name);
  self->filter_name = g_strdup (filter);
  if (self->filter != NULL)
    refilter (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER]);
}

static void
update_stack (CbJournalPage *self)
{
  gboolean any = self->journal != NULL && g_list_model_get_n_items (self->journal) > 0;
  gboolean shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) > 0;

  gtk_stack_set_visible_child_name (self->stack, !any ? "empty" : shown ? "list" : "no-results");
}

void
cb_journal_page_set_session (CbJournalPage *self,
                             CbSession     *session)
{
  g_return_if_fail (CB_IS_JOURNAL_PAGE (self));

  if (self->session == session)
    return;

  g_set_object (&self->session, session);
  self->journal = session != NULL ? cb_client_store_get_journal (cb_session_get_store (session)) : NULL;
  gtk_filter_list_model_set_model (self->filtered, self->journal);
  gtk_list_box_bind_model (self->list, self->journal != NULL ? G_LIST_MODEL (self->filtered) : NULL,
                           self->journal != NULL ? create_row : NULL, self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  set_filter (self, "all");
  update_stack (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
cb_journal_page_finalize (GObject *object)
{
  CbJournalPage *self = CB_JOURNAL_PAGE (object);

  g_free (self->filter_name);
  g_free (self->search_key);

  G_OBJECT_CLASS (cb_journal_page_parent_class)->finalize (object);
}

static void
cb_journal_page_dispose (GObject *object)
{
  CbJournalPage *self = CB_JOURNAL_PAGE (object);

  cb_journal_page_set_session (self, NULL);
  if (self->filtered != NULL)
    g_signal_handlers_disconnect_by_data (self->filtered, self);
  g_clear_object (&self->filtered);
  self->filter = NULL;
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
    case PROP_FILTER:
      g_value_set_string (value, self->filter_name);
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
    case PROP_FILTER:
      set_filter (self, g_value_get_string (value));
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
  object_class->finalize = cb_journal_page_finalize;
  object_class->get_property = cb_journal_page_get_property;
  object_class->set_property = cb_journal_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILTER] =
    g_param_spec_string ("filter", NULL, NULL, "all",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-journal-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CbJournalPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CbJournalPage, list);
  gtk_widget_class_bind_template_child (widget_class, CbJournalPage, search_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);

  gtk_widget_class_install_property_action (widget_class, "journal.filter", "filter");
}

static void
on_map (CbJournalPage *self)
{
  /* "Today" may have become "Yesterday" since the rows were made. */
  gtk_list_box_invalidate_headers (self->list);
}

static void
cb_journal_page_init (CbJournalPage *self)
{
  /* The template's toggles read journal.filter's state while it is built. */
  self->filter_name = g_strdup ("all");
  gtk_widget_init_template (GTK_WIDGET (self));
  self->filter = gtk_custom_filter_new (matches, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (update_stack), self,
                           G_CONNECT_SWAPPED);
  gtk_list_box_set_header_func (self->list, update_header, NULL, NULL);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  cb_colleague_list_attach (GTK_WIDGET (self->list));
  update_stack (self);
}
