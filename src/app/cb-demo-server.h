/* cb-demo-server.h: a callboardd --demo child process for "Try the demo"
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: extra-arguments (GStrv, construct-only: appended after
 * "--demo --port 0"), url (string, read-only: set once the server printed
 * "READY <url>"), running (bool, read-only).
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CB_TYPE_DEMO_SERVER (cb_demo_server_get_type ())
G_DECLARE_FINAL_TYPE (CbDemoServer, cb_demo_server, CB, DEMO_SERVER, GObject)

CbDemoServer *cb_demo_server_new          (const char * const  *extra_arguments);
const char   *cb_demo_server_get_url      (CbDemoServer        *self);
gboolean      cb_demo_server_get_running  (CbDemoServer        *self);

/* Where callboardd is: $CALLBOARDD, else BINDIR, else the build tree,
 * else PATH. NULL if none of them has it. */
char         *cb_demo_server_find_binary  (void);

/* Starts the child (or reuses the running one) and completes with the
 * URL it printed. */
void          cb_demo_server_start_async  (CbDemoServer        *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
char         *cb_demo_server_start_finish (CbDemoServer        *self,
                                           GAsyncResult        *result,
                                           GError             **error);
/* Terminates the child; also done on dispose so it never outlives us. */
void          cb_demo_server_stop         (CbDemoServer        *self);

G_END_DECLS
