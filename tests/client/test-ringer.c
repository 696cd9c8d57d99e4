/* test-ringer.c: the ringtone plays into the ring sink until stopped
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CALLBOARD_RING_SINK puts a fakesink where the speaker would be; a pad
 * probe counts the audio reaching it while the ring plays.
 */

#define G_LOG_DOMAIN "test-ringer"

#include "config.h"

#include "cb-ringer.h"

static GstPadProbeReturn
count_buffer (GstPad          *pad,
              GstPadProbeInfo *info,
              gpointer         user_data)
{
  g_atomic_int_inc ((int *) user_data);
  return GST_PAD_PROBE_OK;
}

static void
run_until (gboolean (*done) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (!done (data) && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
enough_buffers (gpointer data)
{
  return g_atomic_int_get ((int *) data) >= 20;
}

static void
test_ring_and_stop (void)
{
  g_autoptr(CbRinger) ringer = cb_ringer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstPad) pad = NULL;
  int buffers = 0;

  g_assert_false (cb_ringer_get_ringing (ringer));
  /* The environment wins over the setting (a device that is not here). */
  cb_ringer_set_sink (ringer, "pulsesink device=nothing-here");
  g_assert_true (cb_ringer_start (ringer, &error));
  g_assert_no_error (error);
  g_assert_true (cb_ringer_get_ringing (ringer));
  g_assert_true (cb_ringer_start (ringer, &error));  /* already ringing: a no-op */

  sink = gst_bin_get_by_name (GST_BIN (cb_ringer_get_pipeline (ringer)), "ringsink");
  g_assert_nonnull (sink);
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_buffer, &buffers, NULL);
  run_until (enough_buffers, &buffers, 5000);
  g_assert_cmpint (g_atomic_int_get (&buffers), >=, 20);

  cb_ringer_stop (ringer);
  g_assert_false (cb_ringer_get_ringing (ringer));
  g_assert_null (cb_ringer_get_pipeline (ringer));
  cb_ringer_stop (ringer);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("CALLBOARD_RING_SINK", "fakesink name=ringsink sync=true", TRUE);
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ringer/ring-and-stop", test_ring_and_stop);
  return g_test_run ();
}
