/* cb-monitor-window.h: a compact window watching monitored colleagues live
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: session (CbSession, construct-only).
 */

#pragma once

#include <adwaita.h>

#include "cb-session.h"

G_BEGIN_DECLS

#define CB_TYPE_MONITOR_WINDOW (cb_monitor_window_get_type ())
G_DECLARE_FINAL_TYPE (CbMonitorWindow, cb_monitor_window, CB, MONITOR_WINDOW, AdwWindow)

GtkWidget *cb_monitor_window_new         (CbSession       *session);
CbSession *cb_monitor_window_get_session (CbMonitorWindow *self);

G_END_DECLS
