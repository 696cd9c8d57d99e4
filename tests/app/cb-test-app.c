/* cb-test-app.c: what the GUI tests share about the widgets they drive
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-test-app"

#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "cb-test-app.h"

/* Bounded: a window that is not shown never paints. */
#define FRAME_TIMEOUT_MS 10000

/* With animations off, an AdwViewSwitcherBar whose reveal follows an
 * AdwViewSwitcherTitle's title-visible (the libadwaita 1.2 pattern of
 * cb-window.ui) is revealed and hidden again within one layout when the
 * main view first appears: the title notifies from its own size
 * allocation, and the bar's GtkRevealer jumps to the new state at once
 * instead of over later frames. GTK then allocates the action bar's
 * content below its CSS border and warns for each widget in it ("attempt
 * to allocate GtkBox box 0x… with width 0 and height -1"). Nothing in our
 * code can avoid it short of keeping animations on; that warning, for a
 * widget inside an AdwViewSwitcherBar, goes to the test log instead of
 * aborting. Every other message takes GLib's default path (fatal
 * warnings included). */
static gboolean
is_switcher_bar_warning (GLogLevelFlags   log_level,
                         const GLogField *fields,
                         gsize            n_fields,
                         const char     **text)
{
  const char *domain = NULL;
  const char *message = NULL;
  const char *address;
  GtkWidget *widget;

  if ((log_level & G_LOG_LEVEL_MASK) != G_LOG_LEVEL_WARNING)
    return FALSE;
  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0)
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
        message = fields[i].value;
    }
  /* "... attempt to allocate TYPE CSS-NAME 0xADDRESS with width W and height -1" */
  if (g_strcmp0 (domain, "Gtk") != 0 || message == NULL ||
      !g_str_has_prefix (message, "gtk_widget_size_allocate(): attempt to allocate ") ||
      !g_str_has_suffix (message, " and height -1") ||
      (address = strstr (message, " 0x")) == NULL)
    return FALSE;
  /* The widget named is the one GTK is allocating right now. */
  widget = (GtkWidget *) (gsize) g_ascii_strtoull (address + 1, NULL, 16);
  *text = message;
  return GTK_IS_WIDGET (widget) && gtk_widget_get_ancestor (widget, ADW_TYPE_VIEW_SWITCHER_BAR) != NULL;
}

static GLogWriterOutput
write_log (GLogLevelFlags   log_level,
           const GLogField *fields,
           gsize            n_fields,
           gpointer         user_data)
{
  const char *text = NULL;

  if (is_switcher_bar_warning (log_level, fields, n_fields, &text))
    {
      g_test_message ("Known GTK warning with animations off, not fatal: %s", text);
      return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

void
cb_test_app_setup (void)
{
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_log_set_writer_func (write_log, NULL, NULL);
}

static void
on_after_paint (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

static gboolean
frame_timed_out (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
cb_test_app_wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gboolean timed_out = FALSE;
  gulong handler;
  guint timeout;

  g_assert_true (gtk_widget_get_mapped (widget));
  clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);
  timeout = g_timeout_add (FRAME_TIMEOUT_MS, frame_timed_out, &timed_out);
  gtk_widget_queue_draw (widget);
  while (!painted && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!painted)
    g_error ("No frame painted within %d ms", FRAME_TIMEOUT_MS);
  g_source_remove (timeout);
  g_signal_handler_disconnect (clock, handler);
}

char *
cb_test_app_screenshot (GtkWidget  *widget,
                        const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = g_strdup_printf ("screenshot-%s.png", name);
  GtkSnapshot *snapshot;
  char *path;
  int width, height;

  cb_test_app_wait_for_frame (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_test_build_filename (G_TEST_BUILT, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
  return path;
}

char *
cb_test_app_screenshot_screen (GtkWidget  *widget,
                               const char *name)
{
  g_autofree char *file = g_strdup_printf ("screenshot-%s.png", name);
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, file, NULL);
  g_autofree char *command = g_strdup_printf ("import -window root %s", path);
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  cb_test_app_wait_for_frame (widget);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (wait_status, &error));
  g_test_message ("Screenshot: %s", path);
  return g_steal_pointer (&path);
}

static void
collect_shown_checks (GtkWidget *widget,
                      GPtrArray *found)
{
  if (GTK_IS_IMAGE (widget) && gtk_widget_get_mapped (widget) && gtk_widget_get_opacity (widget) > 0.5 &&
      g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (widget)), "object-select-symbolic") == 0)
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_shown_checks (child, found);
}

const char *
cb_test_app_checked_item (GtkWidget *root)
{
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();
  GtkWidget *label;

  collect_shown_checks (root, checks);
  g_assert_cmpuint (checks->len, ==, 1);
  /* The check follows its row's label. */
  label = gtk_widget_get_prev_sibling (g_ptr_array_index (checks, 0));
  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}
