/* cb-window-actions.c: the win.* actions of CbWindow
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-window-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-blf-window.h"
#include "cb-monitor-window.h"
#include "cb-window-private.h"

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  _cb_window_sign_out (CB_WINDOW (widget), NULL);
}

void
_cb_window_show_monitor (CbWindow *self)
{
  if (self->session == NULL)
    return;

  if (self->monitor_window == NULL)
    {
      self->monitor_window = cb_monitor_window_new (self->session);
      g_object_add_weak_pointer (G_OBJECT (self->monitor_window),
                                 (gpointer *) &self->monitor_window);
      _cb_window_adopt (self, GTK_WINDOW (self->monitor_window));
    }

  gtk_window_present (GTK_WINDOW (self->monitor_window));
}

void
_cb_window_show_blf (CbWindow *self)
{
  if (self->session == NULL)
    return;

  if (self->blf_window == NULL)
    {
      self->blf_window = cb_blf_window_new (self->session);
      g_object_add_weak_pointer (G_OBJECT (self->blf_window), (gpointer *) &self->blf_window);
      _cb_window_adopt (self, GTK_WINDOW (self->blf_window));
    }

  gtk_window_present (GTK_WINDOW (self->blf_window));
}

void
_cb_window_close_satellites (CbWindow *self)
{
  /* Destroyed, not closed: the busy lamp field stays "open" in the
   * settings, to come back with the next session. */
  if (self->monitor_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->monitor_window));
  if (self->blf_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->blf_window));
  if (self->contact_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->contact_window));
}

static void
show_blf_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  _cb_window_show_blf (CB_WINDOW (widget));
}

static void
show_monitor_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  _cb_window_show_monitor (CB_WINDOW (widget));
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  CbWindow *self = CB_WINDOW (widget);

  if (self->session != NULL)
    cb_session_reconnect_now (self->session);
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  CbWindow *self = CB_WINDOW (widget);

  if (self->session != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  CbWindow *self = CB_WINDOW (widget);

  if (self->session != NULL)
    cb_window_show_page (self, g_variant_get_string (param, NULL));
}

static void
dial_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CbWindow *self = CB_WINDOW (widget);

  if (self->session == NULL)
    return;
  cb_window_show_page (self, "calls");
  cb_calls_page_dial (self->calls_page, g_variant_get_string (param, NULL));
}

static void
answer_call_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  CbWindow *self = CB_WINDOW (widget);
  CbCall *call = _cb_window_lookup_call (self, g_variant_get_string (param, NULL));
  g_autoptr(GError) error = NULL;

  if (call == NULL)
    return;
  cb_window_show_page (self, "calls");
  if (!cb_softphone_answer (self->softphone, call, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The call could not be answered: %s"), error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, cb_toast_new (message));
    }
}

static void
hangup_call_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  CbCall *call = _cb_window_lookup_call (CB_WINDOW (widget), g_variant_get_string (param, NULL));

  if (call != NULL)
    cb_call_hangup (call);
}

void
_cb_window_actions_update (CbWindow *self)
{
  gboolean signed_in = self->session != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-monitor", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-blf", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reconnect", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.focus-search", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-page", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.dial", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.answer-call", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.hangup-call", signed_in);
  _cb_window_contacts_update (self);
}

void
_cb_window_class_actions_init (CbWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "win.show-monitor", NULL, show_monitor_action);
  gtk_widget_class_install_action (widget_class, "win.show-blf", NULL, show_blf_action);
  gtk_widget_class_install_action (widget_class, "win.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_action (widget_class, "win.focus-search", NULL, focus_search_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.dial", "s", dial_action);
  gtk_widget_class_install_action (widget_class, "win.answer-call", "s", answer_call_action);
  gtk_widget_class_install_action (widget_class, "win.hangup-call", "s", hangup_call_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.focus-search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.show-page", "s", "favourites");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.show-page", "s", "directory");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.show-page", "s", "groups");
}
