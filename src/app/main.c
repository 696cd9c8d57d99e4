/* main.c: starts Callboard
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-app"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-application.h"
#include "cb-startup-trace.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CbApplication) app = NULL;

  cb_startup_trace_mark ("main");
  cb_app_init_i18n ();
  cb_app_init_schemas ();
  cb_app_init_renderer ();

  app = cb_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
