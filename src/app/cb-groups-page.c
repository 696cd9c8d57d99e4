/* cb-groups-page.c: the hunt and assistant groups the user sees, with login switches
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A group's row lists all its members (50 cost 60 ms to build and 150 ms
 * to measure in cb-bench client-start): the rows are made when the page
 * is first shown, not at sign-in behind another page.
 */

#define G_LOG_DOMAIN "cb-groups-page"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-group-row.h"
#include "cb-groups-page.h"

struct _CbGroupsPage
{
  GtkWidget           parent_instance;

  CbSession          *session;
  GtkFilterListModel *shown_groups;
  gboolean            shown_once;

  /* Template widgets */
  GtkStack           *stack;
  GtkListBox         *list_box;
};

G_DEFINE_FINAL_TYPE (CbGroupsPage, cb_groups_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Authorisation groups only shape who sees whom: nothing to log into.
 * Assistant groups are shown to their assistants (who log in) and to
 * their leader (whose filter it is), not to everyone who may see them. */
static gboolean
is_shown_group (gpointer item,
                gpointer user_data)
{
  CbGroupsPage *self = user_data;
  CbGroup *group = CB_GROUP (item);
  CbContact *me;

  switch (cb_group_get_kind (group))
    {
    case CB_GROUP_KIND_HUNT:
      return TRUE;
    case CB_GROUP_KIND_ASSISTANT:
      me = self->session != NULL ? cb_client_store_get_me (cb_session_get_store (self->session)) : NULL;
      return cb_group_get_is_member (group) || (me != NULL && cb_group_get_leader (group) == me);
    case CB_GROUP_KIND_AUTHORISATION:
    default:
      return FALSE;
    }
}

/* Who is member or leader is known for certain once a snapshot is in. */
static void
on_snapshot_applied (CbGroupsPage  *self,
                     CbClientStore *store)
{
  gtk_filter_changed (gtk_filter_list_model_get_filter (self->shown_groups), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
update_visible_child (CbGroupsPage *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->shown_groups)) > 0)
    gtk_stack_set_visible_child_name (self->stack, "list");
  else
    gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
on_items_changed (CbGroupsPage *self,
                  guint         position,
                  guint         removed,
                  guint         added,
                  GListModel   *model)
{
  update_visible_child (self);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  CbGroupsPage *self = user_data;
  GtkWidget *row = gtk_list_box_row_new ();

  /* The row is a container, not a button: its switch is what acts. */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), cb_group_row_new (self->session, CB_GROUP (item)));

  return row;
}

/* Rows only once the page has been shown (see the top). */
static void
bind_rows (CbGroupsPage *self)
{
  if (self->shown_once)
    gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->shown_groups), create_row, self, NULL);
}

static void
on_first_map (CbGroupsPage *self)
{
  g_signal_handlers_disconnect_by_func (self, on_first_map, NULL);
  self->shown_once = TRUE;
  bind_rows (self);
}

CbSession *
cb_groups_page_get_session (CbGroupsPage *self)
{
  g_return_val_if_fail (CB_IS_GROUPS_PAGE (self), NULL);

  return self->session;
}

void
cb_groups_page_set_session (CbGroupsPage *self,
                            CbSession    *session)
{
  GListModel *groups = NULL;

  g_return_if_fail (CB_IS_GROUPS_PAGE (self));
  g_return_if_fail (!session || CB_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (cb_session_get_store (self->session), self);
  g_set_object (&self->session, session);

  if (session != NULL)
    {
      groups = cb_client_store_get_groups (cb_session_get_store (session));
      g_signal_connect_object (cb_session_get_store (session), "snapshot-applied",
                               G_CALLBACK (on_snapshot_applied), self, G_CONNECT_SWAPPED);
    }

  gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  gtk_filter_list_model_set_model (self->shown_groups, groups);
  bind_rows (self);
  update_visible_child (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
cb_groups_page_dispose (GObject *object)
{
  CbGroupsPage *self = CB_GROUPS_PAGE (object);

  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_GROUPS_PAGE);
  cb_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->shown_groups);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (cb_session_get_store (self->session), self);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (cb_groups_page_parent_class)->dispose (object);
}

static void
cb_groups_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CbGroupsPage *self = CB_GROUPS_PAGE (object);

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
cb_groups_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CbGroupsPage *self = CB_GROUPS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      cb_groups_page_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_groups_page_class_init (CbGroupsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_groups_page_dispose;
  object_class->get_property = cb_groups_page_get_property;
  object_class->set_property = cb_groups_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         CB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-groups-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CbGroupsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CbGroupsPage, list_box);
}

static void
cb_groups_page_init (CbGroupsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->shown_groups = gtk_filter_list_model_new (NULL,
                                                 GTK_FILTER (gtk_custom_filter_new (is_shown_group, self, NULL)));
  g_signal_connect_object (self->shown_groups, "items-changed",
                           G_CALLBACK (on_items_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self, "map", G_CALLBACK (on_first_map), NULL);
  update_visible_child (self);
}
