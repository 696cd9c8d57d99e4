/* test-gui-prefs.c: the preferences window: device rows and the ringtone switch
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Under Xvfb there is usually no sound server: the device rows must still
 * offer (and select) "System default". The ringtone switch writes its key.
 * A screenshot of the window goes to the build directory.
 *
 * With pulseaudio installed, a private one (null sinks only) is started:
 * a sink loaded while the window is open shows up in the rows, choosing
 * it as ring device stores its key, and the main window's ringer then
 * plays into it.
 */

#define G_LOG_DOMAIN "test-gui-prefs"

#include "config.h"

#include <locale.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-audio-devices.h"
#include "cb-preferences-window.h"
#include "cb-test-app.h"
#include "cb-test-pulse.h"
#include "cb-window.h"

#define TIMEOUT_MS 15000

static GSubprocess *pulse;

#define WAIT_FOR(cond, what) CB_TEST_POLL_FOR (cond, TIMEOUT_MS, what)

static void
collect (GtkWidget *root,
         GType      type,
         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    g_ptr_array_add (found, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GPtrArray) combos = g_ptr_array_new ();
  g_autoptr(GPtrArray) switches = g_ptr_array_new ();
  GtkWidget *window = cb_preferences_window_new (NULL);
  const char *titles[] = { "_Microphone", "_Speaker", "_Ring Device" };
  gpointer weak = window;

  g_settings_reset (settings, "ringtone");
  g_settings_reset (settings, "audio-input");
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (window);

  collect (window, ADW_TYPE_COMBO_ROW, combos);
  g_assert_cmpuint (combos->len, ==, 3);
  for (guint i = 0; i < combos->len; i++)
    {
      AdwComboRow *row = g_ptr_array_index (combos, i);
      GListModel *model = adw_combo_row_get_model (row);

      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, titles[i]);
      g_assert_nonnull (model);
      g_assert_cmpuint (g_list_model_get_n_items (model), >=, 1);
      g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (model), 0), ==, "System default");
      g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);
    }

  /* A stored device that is not plugged in shows as the default, and
   * stays stored for when it comes back. */
  g_settings_set_string (settings, "audio-input", "no-such-device");
  g_assert_cmpuint (adw_combo_row_get_selected (g_ptr_array_index (combos, 0)), ==, 0);
  g_assert_cmpstr (g_settings_get_string (settings, "audio-input"), ==, "no-such-device");
  g_settings_reset (settings, "audio-input");

  collect (window, GTK_TYPE_SWITCH, switches);
  g_assert_cmpuint (switches->len, ==, 2);
  g_assert_true (g_settings_get_boolean (settings, "ringtone"));
  g_assert_true (gtk_switch_get_active (g_ptr_array_index (switches, 0)));
  gtk_switch_set_active (g_ptr_array_index (switches, 0), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "ringtone"));
  g_settings_set_boolean (settings, "ringtone", TRUE);
  g_assert_true (gtk_switch_get_active (g_ptr_array_index (switches, 0)));

  /* The account's language, on unless the user turns it off. */
  g_settings_reset (settings, "use-account-language");
  g_assert_true (gtk_switch_get_active (g_ptr_array_index (switches, 1)));
  gtk_switch_set_active (g_ptr_array_index (switches, 1), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "use-account-language"));
  g_settings_reset (settings, "use-account-language");
  g_assert_true (gtk_switch_get_active (g_ptr_array_index (switches, 1)));

  g_free (cb_test_app_screenshot (window, "preferences"));

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  while (weak != NULL)
    g_main_context_iteration (NULL, FALSE);
}

static int
find_string (GListModel *model,
             const char *text)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (strstr (gtk_string_list_get_string (GTK_STRING_LIST (model), i), text) != NULL)
      return (int) i;
  return -1;
}

static GstDevice *
find_sink (CbAudioDevices *devices,
           const char     *key_part)
{
  GListModel *sinks = cb_audio_devices_get_sinks (devices);

  for (guint i = 0; i < g_list_model_get_n_items (sinks); i++)
    {
      g_autoptr(GstDevice) device = g_list_model_get_item (sinks, i);
      g_autofree char *key = cb_audio_device_get_key (device);

      if (strstr (key, key_part) != NULL)
        return device;
    }
  return NULL;
}

static void
test_live_devices (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GPtrArray) combos = g_ptr_array_new ();
  g_autoptr(CbAudioDevices) devices = NULL;
  g_autofree char *module = NULL;
  g_autofree char *key = NULL;
  g_autofree char *description = NULL;
  g_autofree char *name = NULL;
  CbWindow *main_window;
  GtkWidget *window;
  AdwComboRow *ring_row;
  GstDevice *device;
  gpointer weak;
  int position;

  if (pulse == NULL)
    {
      g_test_skip ("pulseaudio is not installed");
      return;
    }

  g_settings_reset (settings, "ring-device");
  main_window = cb_window_new (NULL);
  window = cb_preferences_window_new (GTK_WINDOW (main_window));
  devices = cb_audio_devices_dup_default ();
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (window);
  collect (window, ADW_TYPE_COMBO_ROW, combos);
  ring_row = g_ptr_array_index (combos, 2);

  /* A headset plugged in while the window is open. */
  module = cb_test_pactl ("load-module", "module-null-sink", "sink_name=cb_headset");
  WAIT_FOR ((device = find_sink (devices, "cb_headset")) != NULL, "the headset");
  key = cb_audio_device_get_key (device);
  /* Both null sinks are "Null Output": the row adds the key to tell them apart. */
  name = g_strdup_printf ("%s (%s)", gst_device_get_display_name (device), key);
  WAIT_FOR ((position = find_string (adw_combo_row_get_model (ring_row), name)) > 0,
            "the headset in the ring device row");
  description = cb_audio_devices_describe (devices, CB_AUDIO_DEVICE_KIND_SINK, key);

  adw_combo_row_set_selected (ring_row, (guint) position);
  g_assert_cmpstr (g_settings_get_string (settings, "ring-device"), ==, key);
  g_assert_cmpstr (cb_ringer_get_sink (cb_window_get_ringer (main_window)), ==, description);
  g_free (cb_test_app_screenshot (window, "preferences-devices"));

  /* Unplugged: the row falls back to the default, the choice stays. */
  g_free (cb_test_pactl ("unload-module", module, NULL));
  WAIT_FOR (find_string (adw_combo_row_get_model (ring_row), name) < 0, "the headset to go");
  g_assert_cmpuint (adw_combo_row_get_selected (ring_row), ==, 0);
  g_assert_cmpstr (g_settings_get_string (settings, "ring-device"), ==, key);
  g_assert_null (cb_ringer_get_sink (cb_window_get_ringer (main_window)));
  g_settings_reset (settings, "ring-device");

  weak = window;
  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  while (weak != NULL)
    g_main_context_iteration (NULL, FALSE);
  weak = main_window;
  g_object_add_weak_pointer (G_OBJECT (main_window), &weak);
  gtk_window_destroy (GTK_WINDOW (main_window));
  while (weak != NULL)
    g_main_context_iteration (NULL, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  pulse = cb_test_pulse_start ("cb_speaker");
  cb_app_init_i18n ();
  gtk_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "");
  adw_init ();
  cb_app_init_style ();
  cb_test_app_setup ();

  g_test_add_func ("/app/preferences", test_preferences);
  g_test_add_func ("/app/preferences/live-devices", test_live_devices);
  status = g_test_run ();
  /* Not stopped here: GStreamer's PulseAudio thread lives until exit and
   * must not see its server go first. PR_SET_PDEATHSIG ends the server
   * when this process is gone. */
  return status;
}
