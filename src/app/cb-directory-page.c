/* cb-directory-page.c: every colleague the user may see, searchable
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkListView recycles its rows, so a directory of thousands costs only
 * the rows on screen; the filter runs incrementally in idle chunks. GTK
 * 4.8's list view still makes 200 rows for any model that long (its
 * fixed window of items), about 250 ms and 10 MiB: the list gets its
 * model when the page is first shown, not at sign-in behind another page.
 *
 * Above the store's directory limit the store holds only the people the
 * client shows: typing searches the server too (after a short pause), and
 * those found join the store's directory, where the same filter shows
 * them.
 */

#define G_LOG_DOMAIN "cb-directory-page"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-colleague-widget.h"
#include "cb-contact-row.h"
#include "cb-directory-page.h"

/* Typing pauses this long before the server is asked. */
#define SEARCH_DELAY_MS 250

struct _CbDirectoryPage
{
  GtkWidget           parent_instance;

  CbSession          *session;
  GtkStringFilter    *filter;
  GtkFilterListModel *filtered;
  GtkSelectionModel  *selection;     /* the list view's, once shown */

  /* Searching the server (a directory above the store's limit). */
  guint               search_source;
  GCancellable       *search_cancellable;
  char               *search_error;  /* why the last search failed */
  guint               searching : 1;

  /* Template widgets */
  GtkWidget          *hint_box;
  GtkSpinner         *search_spinner;
  GtkLabel           *hint_label;
  GtkStack           *stack;
  GtkListView        *list_view;
  AdwStatusPage      *no_results_page;
};

G_DEFINE_FINAL_TYPE (CbDirectoryPage, cb_directory_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_SEARCH_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_visible_child (CbDirectoryPage *self)
{
  GListModel *all = gtk_filter_list_model_get_model (self->filtered);
  guint n_all = all ? g_list_model_get_n_items (all) : 0;
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  g_debug ("%u of %u shown for “%s”", n_shown, n_all,
           gtk_string_filter_get_search (self->filter) ? gtk_string_filter_get_search (self->filter) : "");

  if (n_all == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
  else if (n_shown == 0 && gtk_filter_list_model_get_pending (self->filtered) == 0 &&
           !self->searching)
    {
      const char *search = gtk_string_filter_get_search (self->filter);
      g_autofree char *description = NULL;

      /* Only those loaded were searched: say so rather than "nobody"
       * (the hint above says why). */
      if (self->search_error != NULL)
        description = g_strdup (_("Only the colleagues already loaded were searched."));
      else
        description = g_strdup_printf (_("Nobody in the directory matches “%s”."), search ? search : "");

      adw_status_page_set_description (self->no_results_page, description);
      gtk_stack_set_visible_child_name (self->stack, "no-results");
    }
  else
    {
      gtk_stack_set_visible_child_name (self->stack, "list");
    }
}

static void
on_filtered_changed (CbDirectoryPage *self)
{
  update_visible_child (self);
}

/* --- rows when first shown --- */

static void
on_first_map (CbDirectoryPage *self)
{
  g_signal_handlers_disconnect_by_func (self, on_first_map, NULL);
  gtk_list_view_set_model (self->list_view, self->selection);
}

/* --- searching the server --- */

static void
update_hint (CbDirectoryPage *self)
{
  CbClientStore *store = self->session != NULL ? cb_session_get_store (self->session) : NULL;
  gboolean partial = store != NULL && !cb_client_store_get_directory_complete (store);
  gboolean failed = FALSE;

  if (partial)
    {
      guint size = cb_client_store_get_directory_size (store);
      g_autofree char *text = NULL;

      if (self->searching)
        {
          text = g_strdup_printf (ngettext ("Searching all %u colleague…",
                                            "Searching all %u colleagues…",
                                            size), size);
        }
      else if (self->search_error != NULL)
        {
          text = g_strdup_printf (_("The server could not be searched: %s"), self->search_error);
          failed = TRUE;
        }
      else
        {
          text = g_strdup_printf (ngettext ("Type a name, extension or e-mail address to search all %u colleague.",
                                            "Type a name, extension or e-mail address to search all %u colleagues.",
                                            size), size);
        }
      gtk_label_set_label (self->hint_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->search_spinner), partial && self->searching);
  gtk_spinner_set_spinning (self->search_spinner, partial && self->searching);
  if (failed)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->hint_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->hint_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->hint_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->hint_label), "dim-label");
    }
  gtk_widget_set_visible (self->hint_box, partial);
}

static void
set_searching (CbDirectoryPage *self,
               gboolean         searching)
{
  if (self->searching == !!searching)
    return;
  self->searching = !!searching;
  update_visible_child (self);
  update_hint (self);
}

static void
cancel_search (CbDirectoryPage *self)
{
  g_clear_handle_id (&self->search_source, g_source_remove);
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  g_clear_pointer (&self->search_error, g_free);
  self->searching = FALSE;
}

static void
on_search_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CbDirectoryPage) self = user_data;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  found = cb_session_search_directory_finish (CB_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Those found are in the store's directory now, where the filter shows
   * them; a failed search leaves what is loaded, and says why. */
  if (error != NULL)
    {
      g_debug ("Searching the directory failed: %s", error->message);
      self->search_error = g_strdup (error->message);
    }
  else
    {
      g_debug ("%u found on the server", found->len);
    }
  g_clear_object (&self->search_cancellable);
  set_searching (self, FALSE);
}

static gboolean
on_search_timeout (gpointer user_data)
{
  CbDirectoryPage *self = user_data;
  const char *text = gtk_string_filter_get_search (self->filter);

  self->search_source = 0;
  self->search_cancellable = g_cancellable_new ();
  cb_session_search_directory_async (self->session, text, self->search_cancellable,
                                     on_search_done, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* The store holds only part of the directory: ask the server as well,
 * once typing pauses. */
static void
schedule_search (CbDirectoryPage *self)
{
  const char *text = gtk_string_filter_get_search (self->filter);
  CbClientStore *store = self->session != NULL ? cb_session_get_store (self->session) : NULL;

  cancel_search (self);
  update_visible_child (self);
  update_hint (self);
  if (store == NULL || cb_client_store_get_directory_complete (store) ||
      text == NULL || *text == '\0')
    return;
  self->search_source = g_timeout_add (SEARCH_DELAY_MS, on_search_timeout, self);
  set_searching (self, TRUE);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           CbDirectoryPage          *self)
{
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_child (item, cb_contact_row_new (self->session, NULL));
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          CbDirectoryPage          *self)
{
  cb_contact_row_set_contact (CB_CONTACT_ROW (gtk_list_item_get_child (item)),
                              gtk_list_item_get_item (item));
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            CbDirectoryPage          *self)
{
  cb_contact_row_set_contact (CB_CONTACT_ROW (gtk_list_item_get_child (item)), NULL);
}

CbSession *
cb_directory_page_get_session (CbDirectoryPage *self)
{
  g_return_val_if_fail (CB_IS_DIRECTORY_PAGE (self), NULL);

  return self->session;
}

void
cb_directory_page_set_session (CbDirectoryPage *self,
                               CbSession       *session)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  GListModel *directory = NULL;

  g_return_if_fail (CB_IS_DIRECTORY_PAGE (self));
  g_return_if_fail (!session || CB_IS_SESSION (session));

  if (self->session == session)
    return;
  cancel_search (self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (cb_session_get_store (self->session), self);
  g_set_object (&self->session, session);

  if (session != NULL)
    {
      directory = cb_client_store_get_directory (cb_session_get_store (session));
      g_signal_connect_object (cb_session_get_store (session), "notify::directory-complete",
                               G_CALLBACK (update_hint), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (cb_session_get_store (session), "notify::directory-size",
                               G_CALLBACK (update_hint), self, G_CONNECT_SWAPPED);
    }
  update_hint (self);

  /* A new factory: recycled rows keep the session they were made with. */
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_row), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_row), self, 0);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_filter_list_model_set_model (self->filtered, directory);
  update_visible_child (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

GListModel *
cb_directory_page_get_model (CbDirectoryPage *self)
{
  g_return_val_if_fail (CB_IS_DIRECTORY_PAGE (self), NULL);

  return G_LIST_MODEL (self->filtered);
}

static void
cb_directory_page_dispose (GObject *object)
{
  CbDirectoryPage *self = CB_DIRECTORY_PAGE (object);

  cancel_search (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_DIRECTORY_PAGE);
  cb_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (cb_session_get_store (self->session), self);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (cb_directory_page_parent_class)->dispose (object);
}

static void
cb_directory_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CbDirectoryPage *self = CB_DIRECTORY_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_SEARCH_TEXT:
      g_value_set_string (value, gtk_string_filter_get_search (self->filter));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_directory_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CbDirectoryPage *self = CB_DIRECTORY_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      cb_directory_page_set_session (self, g_value_get_object (value));
      break;
    case PROP_SEARCH_TEXT:
      gtk_string_filter_set_search (self->filter, g_value_get_string (value));
      schedule_search (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_directory_page_class_init (CbDirectoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_directory_page_dispose;
  object_class->get_property = cb_directory_page_get_property;
  object_class->set_property = cb_directory_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         CB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH_TEXT] =
    g_param_spec_string ("search-text", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-directory-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CbDirectoryPage, hint_box);
  gtk_widget_class_bind_template_child (widget_class, CbDirectoryPage, search_spinner);
  gtk_widget_class_bind_template_child (widget_class, CbDirectoryPage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, CbDirectoryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CbDirectoryPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, CbDirectoryPage, no_results_page);
}

static void
cb_directory_page_init (CbDirectoryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  cb_colleague_list_attach (GTK_WIDGET (self->list_view));

  self->filter = cb_contact_filter_new ();
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  gtk_filter_list_model_set_incremental (self->filtered, TRUE);
  g_signal_connect_object (self->filtered, "items-changed",
                           G_CALLBACK (on_filtered_changed), self,
                           G_CONNECT_SWAPPED);
  /* With incremental filtering "no results" is only known at the end. */
  g_signal_connect_object (self->filtered, "notify::pending",
                           G_CALLBACK (on_filtered_changed), self,
                           G_CONNECT_SWAPPED);

  self->selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filtered))));
  g_signal_connect (self, "map", G_CALLBACK (on_first_map), NULL);
  update_visible_child (self);
}
