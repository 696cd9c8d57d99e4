/* cb-favourites-page.c: the user's favourite colleagues
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-favourites-page"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-colleague-widget.h"
#include "cb-contact-row.h"
#include "cb-favourites-page.h"

struct _CbFavouritesPage
{
  GtkWidget           parent_instance;

  CbSession          *session;
  GtkStringFilter    *filter;
  GtkFilterListModel *filtered;

  /* Template widgets */
  GtkStack           *stack;
  GtkListBox         *list_box;
};

G_DEFINE_FINAL_TYPE (CbFavouritesPage, cb_favourites_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_SEARCH_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_visible_child (CbFavouritesPage *self)
{
  GListModel *all = gtk_filter_list_model_get_model (self->filtered);
  guint n_all = all ? g_list_model_get_n_items (all) : 0;
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  if (n_all == 0)
    gtk_stack_set_visible_child_name (self->stack, "empty");
  else if (n_shown == 0)
    gtk_stack_set_visible_child_name (self->stack, "no-results");
  else
    gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
on_items_changed (CbFavouritesPage *self,
                  guint             position,
                  guint             removed,
                  guint             added,
                  GListModel       *model)
{
  update_visible_child (self);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  CbFavouritesPage *self = user_data;

  return cb_contact_row_new (self->session, CB_CONTACT (item));
}

CbSession *
cb_favourites_page_get_session (CbFavouritesPage *self)
{
  g_return_val_if_fail (CB_IS_FAVOURITES_PAGE (self), NULL);

  return self->session;
}

void
cb_favourites_page_set_session (CbFavouritesPage *self,
                                CbSession        *session)
{
  GListModel *favourites = NULL;

  g_return_if_fail (CB_IS_FAVOURITES_PAGE (self));
  g_return_if_fail (!session || CB_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;

  if (session != NULL)
    favourites = cb_client_store_get_favourites (cb_session_get_store (session));

  /* Rebind: the rows carry the session for their menus. */
  gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  gtk_filter_list_model_set_model (self->filtered, favourites);
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->filtered), create_row, self, NULL);
  update_visible_child (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
cb_favourites_page_dispose (GObject *object)
{
  CbFavouritesPage *self = CB_FAVOURITES_PAGE (object);

  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_FAVOURITES_PAGE);
  cb_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->filtered);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (cb_favourites_page_parent_class)->dispose (object);
}

static void
cb_favourites_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CbFavouritesPage *self = CB_FAVOURITES_PAGE (object);

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
cb_favourites_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CbFavouritesPage *self = CB_FAVOURITES_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      cb_favourites_page_set_session (self, g_value_get_object (value));
      break;
    case PROP_SEARCH_TEXT:
      gtk_string_filter_set_search (self->filter, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_favourites_page_class_init (CbFavouritesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_favourites_page_dispose;
  object_class->get_property = cb_favourites_page_get_property;
  object_class->set_property = cb_favourites_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         CB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH_TEXT] =
    g_param_spec_string ("search-text", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-favourites-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CbFavouritesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CbFavouritesPage, list_box);
}

static void
cb_favourites_page_init (CbFavouritesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  cb_colleague_list_attach (GTK_WIDGET (self->list_box));

  self->filter = cb_contact_filter_new ();
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  g_signal_connect_object (self->filtered, "items-changed",
                           G_CALLBACK (on_items_changed), self,
                           G_CONNECT_SWAPPED);
  update_visible_child (self);
}
