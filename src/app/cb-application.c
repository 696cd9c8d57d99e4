/* cb-application.c: the Callboard application: windows, app actions, demo, dialling links
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tel:, sip: and callto: links dial through the running instance: the
 * desktop file names the schemes, and `callboard tel:+49…` on the command
 * line (or an "open" from elsewhere) reaches the primary instance, whose
 * window dials (once signed in, when it is not yet).
 */

#define G_LOG_DOMAIN "cb-application"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-application.h"
#include "cb-blf-window.h"
#include "cb-preferences-window.h"
#include "cb-sign-in-page.h"
#include "cb-startup-trace.h"
#include "cb-window.h"

struct _CbApplication
{
  AdwApplication  parent_instance;

  CbDemoServer   *demo_server;
};

G_DEFINE_FINAL_TYPE (CbApplication, cb_application, ADW_TYPE_APPLICATION)

static CbWindow *
get_window (CbApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* The monitor window may be the active one: find a main window then. */
  if (!CB_IS_WINDOW (window))
    {
      for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
        if (CB_IS_WINDOW (l->data))
          return CB_WINDOW (l->data);
      return NULL;
    }

  return CB_WINDOW (window);
}

static CbWindow *
ensure_window (CbApplication *self)
{
  CbWindow *window = get_window (self);

  if (window == NULL)
    {
      window = cb_window_new (GTK_APPLICATION (self));
      cb_window_set_demo_server (window, cb_application_get_demo_server (self));
    }

  return window;
}

CbDemoServer *
cb_application_get_demo_server (CbApplication *self)
{
  g_return_val_if_fail (CB_IS_APPLICATION (self), NULL);

  if (self->demo_server == NULL)
    self->demo_server = cb_demo_server_new (NULL);

  return self->demo_server;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  for (GList *l = windows; l != NULL; l = l->next)
    g_object_ref (l->data);

  /* Closing (rather than g_application_quit) lets each window sign out;
   * the application ends when the last one is gone and the server heard.
   * Held: closing one may destroy another (the preferences go with their
   * parent). The busy lamp field goes with its main window, without
   * being closed: open when quitting, it is open after the next start. */
  for (GList *l = windows; l != NULL; l = l->next)
    if (!CB_IS_BLF_WINDOW (l->data))
      gtk_window_close (GTK_WINDOW (l->data));
  g_list_free_full (windows, g_object_unref);
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  CbApplication *self = user_data;
  static const char *developers[] = { "The Callboard developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-icon", APP_ID,
                        "application-name", _("Callboard"),
                        "developer-name", _("The Callboard developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("See your colleagues’ availability and phone lines, log into hunt groups and set your workplace status."),
                        "developers", developers,
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The Callboard developers",
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (cb_preferences_window_new (parent)));
}

static void
monitor_action (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  CbWindow *window = get_window (CB_APPLICATION (user_data));

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-monitor", NULL);
}

static void
blf_action (GSimpleAction *action,
            GVariant      *param,
            gpointer       user_data)
{
  CbWindow *window = get_window (CB_APPLICATION (user_data));

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-blf", NULL);
}

static void
sign_out_action (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  CbWindow *window = get_window (CB_APPLICATION (user_data));

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
  { "monitor", monitor_action },
  { "blf", blf_action },
  { "sign-out", sign_out_action },
};

static void
cb_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *monitor_accels[] = { "<Control>m", NULL };
  static const char *blf_accels[] = { "<Control>b", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  CbApplication *self = CB_APPLICATION (application);

  /* AdwApplication loads style.css and the icons from our resources. */
  G_APPLICATION_CLASS (cb_application_parent_class)->startup (application);
  cb_startup_trace_mark ("gtk-ready");

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.monitor", monitor_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.blf", blf_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);

  gtk_window_set_default_icon_name (APP_ID);
}

static void
dial_uri (CbApplication *self,
          const char    *uri)
{
  g_autofree char *number = cb_dial_uri_get_number (uri);
  CbWindow *window;

  if (number == NULL)
    {
      g_message ("Not a number to dial: %s", uri);
      return;
    }
  window = ensure_window (self);
  gtk_window_present (GTK_WINDOW (window));
  cb_window_dial_when_ready (window, number);
}

static void
cb_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);

      dial_uri (CB_APPLICATION (application), uri);
    }
}

static void
cb_application_activate (GApplication *application)
{
  gtk_window_present (GTK_WINDOW (ensure_window (CB_APPLICATION (application))));
}

static int
cb_application_command_line (GApplication            *application,
                             GApplicationCommandLine *command_line)
{
  CbApplication *self = CB_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_auto(GStrv) links = NULL;
  const char *server = NULL;
  const char *user = NULL;
  gboolean demo = FALSE;
  CbWindow *window;

  g_variant_dict_lookup (options, "server", "&s", &server);
  g_variant_dict_lookup (options, "user", "&s", &user);
  g_variant_dict_lookup (options, "demo", "b", &demo);
  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^as", &links);

  window = ensure_window (self);
  cb_startup_trace_mark ("window-built");
  cb_window_set_sign_in_fields (window, server, user);
  gtk_window_present (GTK_WINDOW (window));

  if (demo)
    cb_window_start_demo (window);
  else if (server != NULL && user != NULL && g_getenv ("CALLBOARD_PASSWORD") != NULL)
    cb_sign_in_page_sign_in_with_password (cb_window_get_sign_in_page (window),
                                           g_getenv ("CALLBOARD_PASSWORD"));

  for (guint i = 0; links != NULL && links[i] != NULL; i++)
    dial_uri (self, links[i]);

  return EXIT_SUCCESS;
}

static void
cb_application_shutdown (GApplication *application)
{
  CbApplication *self = CB_APPLICATION (application);

  /* The demo server must not outlive the client that started it. */
  if (self->demo_server != NULL)
    cb_demo_server_stop (self->demo_server);

  G_APPLICATION_CLASS (cb_application_parent_class)->shutdown (application);
}

static void
cb_application_dispose (GObject *object)
{
  CbApplication *self = CB_APPLICATION (object);

  g_clear_object (&self->demo_server);

  G_OBJECT_CLASS (cb_application_parent_class)->dispose (object);
}

static void
cb_application_class_init (CbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = cb_application_dispose;
  app_class->startup = cb_application_startup;
  app_class->activate = cb_application_activate;
  app_class->command_line = cb_application_command_line;
  app_class->open = cb_application_open;
  app_class->shutdown = cb_application_shutdown;
}

static void
cb_application_init (CbApplication *self)
{
  static const GOptionEntry options[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Start a local demo server and sign in to it"), NULL },
    { "server", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Server address to sign in to"), N_("URL") },
    { "user", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("User name to sign in with"), N_("NAME") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
      NULL, N_("[tel:NUMBER…]") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("A desktop client for office telephony"));
}

CbApplication *
cb_application_new (void)
{
  return g_object_new (CB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/callboard/Callboard",
                       NULL);
}
