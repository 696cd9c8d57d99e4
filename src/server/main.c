/* main.c: callboardd's entry point: parse, create, run, shut down cleanly
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "callboardd"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <sys/resource.h>
#include <glib-unix.h>

#include "cb-server.h"

/* Each event stream holds a socket: the default soft limit of 1,024
 * descriptors would cap an office at about a thousand clients. */
static void
raise_descriptor_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        g_debug ("Could not raise the descriptor limit");
    }
}

static gboolean
quit_on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  /* Removed by main() after the loop, so it must stay valid until then. */
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CbServerConfig) config = cb_server_config_new ();
  g_autoptr(CbServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  guint sigint_id;
  guint sigterm_id;
  int status = 0;

  setlocale (LC_ALL, "");
  raise_descriptor_limit ();

  if (!cb_server_config_parse_args (config, &argc, &argv, &error))
    {
      g_printerr ("callboardd: %s\n", error->message);
      return 2;
    }

  server = cb_server_new (config, &error);
  if (server == NULL)
    {
      g_printerr ("callboardd: %s\n", error->message);
      cb_server_config_cleanup_demo (config);
      return 1;
    }

  if (config->import_only)
    {
      g_clear_object (&server);
      return 0;
    }

  if (!cb_server_start (server, &error))
    {
      g_printerr ("callboardd: cannot listen on %s:%u: %s\n", config->listen, config->port,
                  error->message);
      g_clear_object (&server);
      cb_server_config_cleanup_demo (config);
      return 1;
    }

  /* The one line tests and the app wait for. */
  printf ("READY %s\n", cb_server_get_url (server));
  if (cb_server_get_sip_uri (server) != NULL)
    printf ("SIP %s\n", cb_server_get_sip_uri (server));
  if (cb_server_get_sips_uri (server) != NULL)
    printf ("SIPS %s\n", cb_server_get_sips_uri (server));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, quit_on_signal, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, quit_on_signal, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  g_message ("Shutting down");
  cb_server_stop (server);
  /* Let the close frames go out before the sockets are dropped. */
  for (guint i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  g_clear_object (&server);
  cb_server_config_cleanup_demo (config);
  return status;
}
