/* cb-preferences-window.h: audio devices, the ringtone and the account's language
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Microphone, speaker and ring device are picked from what the
 * GstDeviceMonitor finds ("System default" first, always there) and kept
 * in GSettings; the ringtone switch is bound to the "ringtone" key.
 *
 * Properties: settings (GSettings, construct-only; NULL: the app's schema).
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CB_TYPE_PREFERENCES_WINDOW (cb_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (CbPreferencesWindow, cb_preferences_window, CB, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget *cb_preferences_window_new (GtkWindow *parent);

G_END_DECLS
