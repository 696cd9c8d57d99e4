/* cb-test-app.h: what the GUI tests share about the widgets they drive
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Screenshots wait for a frame, never for a fixed time: with animations
 * off, a change shows in full on the first frame after the state that
 * causes it.
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Turns animations off (GtkSettings:gtk-enable-animations, which the
 * widgets, libadwaita and CSS follow) and installs the log writer that
 * lets through the one GTK warning this provokes (see cb-test-app.c).
 * Call once, after gtk_test_init() and adw_init(). */
void  cb_test_app_setup              (void);
/* Asks for a new frame of widget's window and waits until it has been
 * painted (the frame clock's after-paint). */
void  cb_test_app_wait_for_frame     (GtkWidget  *widget);
/* Renders widget, once a new frame is painted, with its window's
 * renderer into G_TEST_BUILT/screenshot-NAME.png, names the file in the
 * test log and returns its path. */
char *cb_test_app_screenshot         (GtkWidget  *widget,
                                      const char *name);

/* The whole X screen (popovers and other windows, which are surfaces of
 * their own, included), once widget has painted a new frame: into
 * G_TEST_BUILT/screenshot-NAME.png (imagemagick's import). */
char *cb_test_app_screenshot_screen  (GtkWidget  *widget,
                                      const char *name);

/* In an open drop-down list (under root), the label of the one row whose
 * check is shown (cb_drop_down_item_add_check()); fails the test unless
 * exactly one is. */
const char *cb_test_app_checked_item   (GtkWidget  *root);

G_END_DECLS
