/* cb-monitor-window.c: a compact window watching monitored colleagues live
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-monitor-window"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-colleague-widget.h"
#include "cb-contact-row.h"
#include "cb-monitor-window.h"

struct _CbMonitorWindow
{
  AdwWindow       parent_instance;

  CbSession      *session;

  /* Template widgets */
  AdwWindowTitle *window_title;
  GtkStack       *stack;
  GtkListBox     *list_box;
};

G_DEFINE_FINAL_TYPE (CbMonitorWindow, cb_monitor_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_count (CbMonitorWindow *self,
              GListModel      *monitor)
{
  guint n = g_list_model_get_n_items (monitor);
  g_autofree char *subtitle = NULL;

  if (n > 0)
    subtitle = g_strdup_printf (ngettext ("%u colleague", "%u colleagues", n), n);
  adw_window_title_set_subtitle (self->window_title, subtitle ? subtitle : "");
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
}

static void
on_items_changed (CbMonitorWindow *self,
                  guint            position,
                  guint            removed,
                  guint            added,
                  GListModel      *model)
{
  update_count (self, model);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  CbMonitorWindow *self = user_data;
  GtkWidget *row = cb_contact_row_new (self->session, CB_CONTACT (item));

  cb_contact_row_set_compact (CB_CONTACT_ROW (row), TRUE);

  return row;
}

CbSession *
cb_monitor_window_get_session (CbMonitorWindow *self)
{
  g_return_val_if_fail (CB_IS_MONITOR_WINDOW (self), NULL);

  return self->session;
}

static void
cb_monitor_window_constructed (GObject *object)
{
  CbMonitorWindow *self = CB_MONITOR_WINDOW (object);
  GListModel *monitor;

  G_OBJECT_CLASS (cb_monitor_window_parent_class)->constructed (object);

  g_return_if_fail (self->session != NULL);

  monitor = cb_client_store_get_monitor (cb_session_get_store (self->session));
  gtk_list_box_bind_model (self->list_box, monitor, create_row, self, NULL);
  g_signal_connect_object (monitor, "items-changed",
                           G_CALLBACK (on_items_changed), self,
                           G_CONNECT_SWAPPED);
  update_count (self, monitor);
}

static void
cb_monitor_window_dispose (GObject *object)
{
  CbMonitorWindow *self = CB_MONITOR_WINDOW (object);

  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_MONITOR_WINDOW);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (cb_monitor_window_parent_class)->dispose (object);
}

static void
cb_monitor_window_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CbMonitorWindow *self = CB_MONITOR_WINDOW (object);

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
cb_monitor_window_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CbMonitorWindow *self = CB_MONITOR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_monitor_window_class_init (CbMonitorWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cb_monitor_window_constructed;
  object_class->dispose = cb_monitor_window_dispose;
  object_class->get_property = cb_monitor_window_get_property;
  object_class->set_property = cb_monitor_window_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         CB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-monitor-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CbMonitorWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CbMonitorWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CbMonitorWindow, list_box);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cb_monitor_window_init (CbMonitorWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  cb_colleague_list_attach (GTK_WIDGET (self->list_box));
}

GtkWidget *
cb_monitor_window_new (CbSession *session)
{
  g_return_val_if_fail (CB_IS_SESSION (session), NULL);

  return g_object_new (CB_TYPE_MONITOR_WINDOW,
                       "session", session,
                       NULL);
}
