/* test-audio-devices.c: devices follow a real sound server, live
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A private PulseAudio (its own XDG_RUNTIME_DIR, null sinks only) stands
 * in for the desktop's sound server. A sink loaded while the monitor runs
 * appears in the sinks model, its key turns into a launch description
 * that plays into it, and it goes again when unloaded. Skipped when
 * pulseaudio is not installed.
 */

#define G_LOG_DOMAIN "test-audio-devices"

#include "config.h"

#include "cb-audio-devices.h"
#include "cb-test-pulse.h"

#define TIMEOUT_MS 15000

static GSubprocess *pulse;

#define WAIT_FOR(cond, what) CB_TEST_POLL_FOR (cond, TIMEOUT_MS, what)

static GstDevice *
find_device (GListModel *devices,
             const char *key_part)
{
  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(GstDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *key = cb_audio_device_get_key (device);

      if (key != NULL && strstr (key, key_part) != NULL)
        return device;  /* the model keeps it */
    }
  return NULL;
}

static void
test_live_devices (void)
{
  g_autoptr(CbAudioDevices) devices = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *module = NULL;
  g_autofree char *key = NULL;
  g_autofree char *description = NULL;
  g_autofree char *launch = NULL;
  GListModel *sinks;
  GstDevice *device;

  if (pulse == NULL)
    {
      g_test_skip ("pulseaudio or pactl (packages pulseaudio, pulseaudio-utils) is not installed");
      return;
    }

  devices = cb_audio_devices_dup_default ();
  sinks = cb_audio_devices_get_sinks (devices);
  WAIT_FOR (find_device (sinks, "cb_first") != NULL, "the first null sink");
  /* A null sink's monitor is a source. */
  WAIT_FOR (find_device (cb_audio_devices_get_sources (devices), "cb_first") != NULL,
            "the first sink's monitor source");

  /* Plugged in while the monitor runs. */
  module = cb_test_pactl ("load-module", "module-null-sink", "sink_name=cb_headset");
  WAIT_FOR ((device = find_device (sinks, "cb_headset")) != NULL, "the new sink");
  key = cb_audio_device_get_key (device);
  g_assert_true (cb_audio_devices_lookup (devices, CB_AUDIO_DEVICE_KIND_SINK, key) == device);
  g_assert_null (cb_audio_devices_lookup (devices, CB_AUDIO_DEVICE_KIND_SOURCE, key));

  /* The description plays into exactly that sink. */
  description = cb_audio_devices_describe (devices, CB_AUDIO_DEVICE_KIND_SINK, key);
  g_assert_nonnull (description);
  g_test_message ("%s → %s", key, description);
  g_assert_nonnull (strstr (description, "cb_headset"));
  launch = g_strdup_printf ("audiotestsrc num-buffers=20 ! audioconvert ! audioresample ! %s",
                            description);
  pipeline = gst_parse_launch (launch, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=, GST_STATE_CHANGE_FAILURE);
  {
    g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
    g_autoptr(GstMessage) message =
      gst_bus_timed_pop_filtered (bus, TIMEOUT_MS * GST_MSECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);

    g_assert_nonnull (message);
    g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);

  /* Unplugged: gone from the list, and the key means the default again. */
  g_free (cb_test_pactl ("unload-module", module, NULL));
  WAIT_FOR (find_device (sinks, "cb_headset") == NULL, "the sink to go");
  g_assert_null (cb_audio_devices_describe (devices, CB_AUDIO_DEVICE_KIND_SINK, key));
  g_assert_null (cb_audio_devices_describe (devices, CB_AUDIO_DEVICE_KIND_SINK, ""));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *pactl = g_find_program_in_path ("pactl");
  int status;

  g_test_init (&argc, &argv, NULL);
  /* pactl loads and unloads the sinks the test watches. */
  if (pactl != NULL)
    pulse = cb_test_pulse_start ("cb_first");
  gst_init (&argc, &argv);
  g_test_add_func ("/audio-devices/live", test_live_devices);
  status = g_test_run ();
  g_clear_pointer (&pulse, cb_test_pulse_stop);
  return status;
}
