/* cb-frame-report.c: frame timings on standard output, for benchmarks
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read by tests/bench (cb-bench blf-frames): the figures come from the
 * real window drawing real updates, not from a model of it. Lines are
 * written with one write per frame, so the report costs little beside
 * the frame itself.
 */

#define G_LOG_DOMAIN "cb-frame-report"

#include "config.h"

#include <stdio.h>

#include "cb-frame-report.h"

typedef struct {
  char   *tag;
  gint64  paint_start;
  guint   events;
} Report;

static void
report_free (gpointer data)
{
  Report *report = data;

  g_free (report->tag);
  g_free (report);
}

gboolean
cb_frame_report_enabled (void)
{
  static int enabled = -1;

  if (enabled < 0)
    enabled = g_getenv ("CALLBOARD_REPORT_FRAMES") != NULL;
  return enabled;
}

static void
before_paint (GdkFrameClock *clock,
              Report        *report)
{
  report->paint_start = g_get_monotonic_time ();
}

static void
after_paint (GdkFrameClock *clock,
             Report        *report)
{
  if (report->paint_start == 0)
    return;
  printf ("FRAME %s %" G_GINT64_FORMAT " %u\n", report->tag,
          g_get_monotonic_time () - report->paint_start, report->events);
  fflush (stdout);
  report->events = 0;
  report->paint_start = 0;
}

static void
on_realize (GtkWidget *widget,
            Report    *report)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint), report);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), report);
}

static void
on_unrealize (GtkWidget *widget,
              Report    *report)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  if (clock != NULL)
    g_signal_handlers_disconnect_by_data (clock, report);
}

void
cb_frame_report_attach (GtkWidget  *widget,
                        const char *tag)
{
  Report *report;

  if (!cb_frame_report_enabled ())
    return;
  report = g_new0 (Report, 1);
  report->tag = g_strdup (tag);
  g_object_set_data_full (G_OBJECT (widget), "cb-frame-report", report, report_free);
  g_signal_connect (widget, "realize", G_CALLBACK (on_realize), report);
  g_signal_connect (widget, "unrealize", G_CALLBACK (on_unrealize), report);
  if (gtk_widget_get_realized (widget))
    on_realize (widget, report);
}

void
cb_frame_report_count (GtkWidget *widget)
{
  Report *report = g_object_get_data (G_OBJECT (widget), "cb-frame-report");

  if (report != NULL)
    report->events++;
}
