/* cb-application.h: the Callboard application: windows, app actions, demo
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Command line: --demo (same as "Try the demo"), --server URL, --user NAME.
 * App actions: quit, about, monitor, sign-out.
 */

#pragma once

#include <adwaita.h>

#include "cb-demo-server.h"

G_BEGIN_DECLS

#define CB_TYPE_APPLICATION (cb_application_get_type ())
G_DECLARE_FINAL_TYPE (CbApplication, cb_application, CB, APPLICATION, AdwApplication)

CbApplication *cb_application_new             (void);
/* The one demo server of this process; stopped when the application quits. */
CbDemoServer  *cb_application_get_demo_server (CbApplication *self);

G_END_DECLS
