/* cb-directory-page.c: every colleague the user may see, searchable
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkListView recycles its rows, so a directory of thousands costs only
 * the rows on screen; the filter runs incrementally in idle chunks.
 */

#define G_LOG_DOMAIN "cb-directory-page"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-colleague-widget.h"
#include "cb-contact-row.h"
#include "cb-directory-page.h"

struct _CbDirectoryPage
{
  GtkWidget           parent_instance;

  CbSession          *session;
  GtkStringFilter    *filter;
  GtkFilterListModel *filtered;

  /* Template widgets */
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
  else if (n_shown == 0 && gtk_filter_list_model_get_pending (self->filtered) == 0)
    {
      const char *search = gtk_string_filter_get_search (self->filter);
      g_autofree char *description =
        g_strdup_printf (_("Nobody in the directory matches “%s”."), search ? search : "");

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

  if (!g_set_object (&self->session, session))
    return;

  if (session != NULL)
    directory = cb_client_store_get_directory (cb_session_get_store (session));

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

  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_DIRECTORY_PAGE);
  cb_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->filtered);
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
  gtk_widget_class_bind_template_child (widget_class, CbDirectoryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CbDirectoryPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, CbDirectoryPage, no_results_page);
}

static void
cb_directory_page_init (CbDirectoryPage *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

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

  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  update_visible_child (self);
}
