/* cb-preferences-window.c: audio devices, the ringtone and the account's language
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each device row shows "System default" and then the devices of its
 * kind; its list is rebuilt whenever the monitor's list changes. A stored
 * device that is not plugged in shows as the default but stays stored, so
 * plugging the headset back in brings it back without a visit here.
 */

#define G_LOG_DOMAIN "cb-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-audio-devices.h"
#include "cb-preferences-window.h"

typedef struct {
  AdwComboRow       *row;
  GtkStringList     *names;
  GPtrArray         *keys;          /* parallel to names; "" is the default */
  const char        *settings_key;
  CbAudioDeviceKind  kind;
} DeviceChoice;

enum {
  CHOICE_INPUT,
  CHOICE_OUTPUT,
  CHOICE_RING,
  N_CHOICES
};

struct _CbPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  CbAudioDevices       *devices;
  DeviceChoice          choices[N_CHOICES];
  /* Set while rows are moved to match the settings, so that moving them
   * is not taken for the user choosing. */
  gboolean              syncing;

  /* Template widgets */
  AdwComboRow          *input_row;
  AdwComboRow          *output_row;
  AdwComboRow          *ring_row;
  GtkSwitch            *ringtone_switch;
  GtkSwitch            *account_language_switch;
};

G_DEFINE_FINAL_TYPE (CbPreferencesWindow, cb_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
select_stored (CbPreferencesWindow *self,
               DeviceChoice        *choice)
{
  g_autofree char *stored = g_settings_get_string (self->settings, choice->settings_key);
  guint position = 0;

  for (guint i = 0; i < choice->keys->len; i++)
    if (g_strcmp0 (g_ptr_array_index (choice->keys, i), stored) == 0)
      {
        position = i;
        break;
      }

  self->syncing = TRUE;
  adw_combo_row_set_selected (choice->row, position);
  self->syncing = FALSE;
}

static void
rebuild_choice (CbPreferencesWindow *self,
                DeviceChoice        *choice)
{
  GListModel *devices = cb_audio_devices_get_devices (self->devices, choice->kind);
  guint n = g_list_model_get_n_items (devices);
  guint old_n = g_list_model_get_n_items (G_LIST_MODEL (choice->names));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree gboolean *duplicate = NULL;

  g_ptr_array_set_size (choice->keys, 0);
  g_ptr_array_add (names, g_strdup (_("System default")));
  g_ptr_array_add (choice->keys, g_strdup (""));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GstDevice) device = g_list_model_get_item (devices, i);

      g_ptr_array_add (names, gst_device_get_display_name (device));
      g_ptr_array_add (choice->keys, cb_audio_device_get_key (device));
    }
  /* Two headsets of one model share a name: the key tells them apart. */
  duplicate = g_new0 (gboolean, names->len);
  for (guint i = 1; i < names->len; i++)
    for (guint j = i + 1; j < names->len; j++)
      if (g_strcmp0 (g_ptr_array_index (names, i), g_ptr_array_index (names, j)) == 0)
        duplicate[i] = duplicate[j] = TRUE;
  for (guint i = 1; i < names->len; i++)
    if (duplicate[i])
      {
        char *unique = g_strdup_printf ("%s (%s)", (char *) g_ptr_array_index (names, i),
                                        (char *) g_ptr_array_index (choice->keys, i));

        g_free (g_ptr_array_index (names, i));
        g_ptr_array_index (names, i) = unique;
      }
  g_ptr_array_add (names, NULL);

  self->syncing = TRUE;
  gtk_string_list_splice (choice->names, 0, old_n, (const char * const *) names->pdata);
  self->syncing = FALSE;
  select_stored (self, choice);
}

static void
rebuild_all (CbPreferencesWindow *self)
{
  for (guint i = 0; i < N_CHOICES; i++)
    rebuild_choice (self, &self->choices[i]);
}

static void
on_selected (CbPreferencesWindow *self,
             GParamSpec          *pspec,
             AdwComboRow         *row)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->syncing)
    return;

  for (guint i = 0; i < N_CHOICES; i++)
    {
      DeviceChoice *choice = &self->choices[i];

      if (choice->row == row && selected < choice->keys->len)
        {
          g_debug ("%s: %s", choice->settings_key, (char *) g_ptr_array_index (choice->keys, selected));
          g_settings_set_string (self->settings, choice->settings_key,
                                 g_ptr_array_index (choice->keys, selected));
        }
    }
}

static void
on_settings_changed (CbPreferencesWindow *self,
                     const char          *key,
                     GSettings           *settings)
{
  for (guint i = 0; i < N_CHOICES; i++)
    if (g_strcmp0 (self->choices[i].settings_key, key) == 0)
      select_stored (self, &self->choices[i]);
}

/* Quitting closes the main window first: this one must not outlive it
 * still pointing at it as its parent. */
static void
on_parent_destroy (CbPreferencesWindow *self,
                   GtkWindow           *parent)
{
  gtk_window_set_transient_for (GTK_WINDOW (self), NULL);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
cb_preferences_window_constructed (GObject *object)
{
  CbPreferencesWindow *self = CB_PREFERENCES_WINDOW (object);
  const struct {
    AdwComboRow       *row;
    const char        *settings_key;
    CbAudioDeviceKind  kind;
  } rows[N_CHOICES] = {
    [CHOICE_INPUT] = { self->input_row, "audio-input", CB_AUDIO_DEVICE_KIND_SOURCE },
    [CHOICE_OUTPUT] = { self->output_row, "audio-output", CB_AUDIO_DEVICE_KIND_SINK },
    [CHOICE_RING] = { self->ring_row, "ring-device", CB_AUDIO_DEVICE_KIND_SINK },
  };

  G_OBJECT_CLASS (cb_preferences_window_parent_class)->constructed (object);

  if (gtk_window_get_transient_for (GTK_WINDOW (self)) != NULL)
    g_signal_connect_object (gtk_window_get_transient_for (GTK_WINDOW (self)), "destroy",
                             G_CALLBACK (on_parent_destroy), self, G_CONNECT_SWAPPED);
  if (self->settings == NULL)
    self->settings = g_settings_new (APP_ID);
  self->devices = cb_audio_devices_dup_default ();

  for (guint i = 0; i < N_CHOICES; i++)
    {
      DeviceChoice *choice = &self->choices[i];

      choice->row = rows[i].row;
      choice->settings_key = rows[i].settings_key;
      choice->kind = rows[i].kind;
      choice->names = gtk_string_list_new (NULL);
      choice->keys = g_ptr_array_new_with_free_func (g_free);
      adw_combo_row_set_model (choice->row, G_LIST_MODEL (choice->names));
      rebuild_choice (self, choice);
      g_signal_connect_object (choice->row, "notify::selected", G_CALLBACK (on_selected), self,
                               G_CONNECT_SWAPPED);
    }

  g_signal_connect_object (cb_audio_devices_get_sources (self->devices), "items-changed",
                           G_CALLBACK (rebuild_all), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (cb_audio_devices_get_sinks (self->devices), "items-changed",
                           G_CALLBACK (rebuild_all), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self,
                           G_CONNECT_SWAPPED);
  g_settings_bind (self->settings, "ringtone", self->ringtone_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "use-account-language", self->account_language_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

static void
cb_preferences_window_dispose (GObject *object)
{
  CbPreferencesWindow *self = CB_PREFERENCES_WINDOW (object);

  if (self->devices != NULL)
    {
      g_signal_handlers_disconnect_by_data (cb_audio_devices_get_sources (self->devices), self);
      g_signal_handlers_disconnect_by_data (cb_audio_devices_get_sinks (self->devices), self);
    }
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  for (guint i = 0; i < N_CHOICES; i++)
    {
      g_clear_object (&self->choices[i].names);
      g_clear_pointer (&self->choices[i].keys, g_ptr_array_unref);
    }
  g_clear_object (&self->devices);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (cb_preferences_window_parent_class)->dispose (object);
}

static void
cb_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CbPreferencesWindow *self = CB_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  CbPreferencesWindow *self = CB_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_preferences_window_class_init (CbPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cb_preferences_window_constructed;
  object_class->dispose = cb_preferences_window_dispose;
  object_class->get_property = cb_preferences_window_get_property;
  object_class->set_property = cb_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/callboard/Callboard/cb-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, input_row);
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, output_row);
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, ring_row);
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, ringtone_switch);
  gtk_widget_class_bind_template_child (widget_class, CbPreferencesWindow, account_language_switch);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
cb_preferences_window_init (CbPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
cb_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (CB_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
}
