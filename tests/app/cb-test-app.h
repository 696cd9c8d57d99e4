/* cb-test-app.h: what the GUI tests share about the widgets they drive
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Renders widget, once drawn, with its window's renderer into
 * G_TEST_BUILT/screenshot-NAME.png, names the file in the test log and
 * returns its path. */
char *cb_test_app_screenshot (GtkWidget  *widget,
                              const char *name);

G_END_DECLS
