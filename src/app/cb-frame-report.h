/* cb-frame-report.h: frame timings on standard output, for benchmarks
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* With CALLBOARD_REPORT_FRAMES set, every frame the widget's window
 * draws prints "FRAME <tag> <us> <events>": the time from the frame
 * clock's before-paint to its after-paint (layout and drawing) and how
 * many events were counted since the previous frame. Without it, nothing
 * happens. */
void     cb_frame_report_attach  (GtkWidget  *widget,
                                  const char *tag);
/* Counts one event for the next frame's line (e.g. a lamp changed). */
void     cb_frame_report_count   (GtkWidget  *widget);
gboolean cb_frame_report_enabled (void);

G_END_DECLS
