/* cb-audio-devices.c: the machine's audio inputs and outputs, as GStreamer sees them
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The media pipelines take launch descriptions (so tests can put
 * audiotestsrc and fakesink there), so a chosen device is turned into one:
 * the element gst_device_create_element() makes, with the one property
 * that selects the device. Nothing here needs GTK.
 */

#define G_LOG_DOMAIN "cb-audio-devices"

#include "config.h"

#include "cb-audio-devices.h"

struct _CbAudioDevices
{
  GObject           parent_instance;

  GstDeviceMonitor *monitor;
  GstBus           *bus;
  GListStore       *sources;
  GListStore       *sinks;
  guint             bus_watch;
};

G_DEFINE_FINAL_TYPE (CbAudioDevices, cb_audio_devices, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SOURCES,
  PROP_SINKS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Not a reference: the last holder's unref ends the monitor. */
static CbAudioDevices *default_devices;

/* The element properties that pick a device, most specific first:
 * PipeWire's target-object, then pulsesrc/pulsesink and ALSA's device. */
static const char * const selecting_properties[] = { "target-object", "device", NULL };

static GListStore *
store_for (CbAudioDevices *self,
           GstDevice      *device)
{
  if (gst_device_has_classes (device, "Audio/Source"))
    return self->sources;
  if (gst_device_has_classes (device, "Audio/Sink"))
    return self->sinks;
  return NULL;
}

static void
add_device (CbAudioDevices *self,
            GstDevice      *device)
{
  GListStore *store = store_for (self, device);
  g_autofree char *name = NULL;
  guint position;

  if (store == NULL || g_list_store_find (store, device, &position))
    return;
  name = gst_device_get_display_name (device);   /* a copy */
  g_debug ("Audio device added: %s", name);
  g_list_store_append (store, device);
}

static void
remove_device (CbAudioDevices *self,
               GstDevice      *device)
{
  GListStore *store = store_for (self, device);
  guint position;

  if (store != NULL && g_list_store_find (store, device, &position))
    {
      g_autofree char *name = gst_device_get_display_name (device);   /* a copy */

      g_debug ("Audio device removed: %s", name);
      g_list_store_remove (store, position);
    }
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  CbAudioDevices *self = user_data;
  g_autoptr(GstDevice) device = NULL;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_DEVICE_ADDED:
      gst_message_parse_device_added (message, &device);
      add_device (self, device);
      break;
    case GST_MESSAGE_DEVICE_REMOVED:
      gst_message_parse_device_removed (message, &device);
      remove_device (self, device);
      break;
    case GST_MESSAGE_DEVICE_CHANGED:
      {
        g_autoptr(GstDevice) old_device = NULL;

        gst_message_parse_device_changed (message, &device, &old_device);
        remove_device (self, old_device);
        add_device (self, device);
      }
      break;
    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

static void
cb_audio_devices_dispose (GObject *object)
{
  CbAudioDevices *self = CB_AUDIO_DEVICES (object);

  if (default_devices == self)
    default_devices = NULL;
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  if (self->monitor != NULL)
    gst_device_monitor_stop (self->monitor);
  gst_clear_object (&self->bus);
  gst_clear_object (&self->monitor);
  g_clear_object (&self->sources);
  g_clear_object (&self->sinks);

  G_OBJECT_CLASS (cb_audio_devices_parent_class)->dispose (object);
}

static void
cb_audio_devices_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CbAudioDevices *self = CB_AUDIO_DEVICES (object);

  switch (prop_id)
    {
    case PROP_SOURCES:
      g_value_set_object (value, self->sources);
      break;
    case PROP_SINKS:
      g_value_set_object (value, self->sinks);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_audio_devices_class_init (CbAudioDevicesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_audio_devices_dispose;
  object_class->get_property = cb_audio_devices_get_property;

  properties[PROP_SOURCES] =
    g_param_spec_object ("sources", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SINKS] =
    g_param_spec_object ("sinks", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_audio_devices_init (CbAudioDevices *self)
{
  g_autolist(GstDevice) devices = NULL;

  gst_init (NULL, NULL);

  self->sources = g_list_store_new (GST_TYPE_DEVICE);
  self->sinks = g_list_store_new (GST_TYPE_DEVICE);
  self->monitor = gst_device_monitor_new ();
  gst_device_monitor_add_filter (self->monitor, "Audio/Source", NULL);
  gst_device_monitor_add_filter (self->monitor, "Audio/Sink", NULL);
  self->bus = gst_device_monitor_get_bus (self->monitor);
  self->bus_watch = gst_bus_add_watch (self->bus, on_bus_message, self);

  /* Without a sound server (a bare session, CI) there may be nothing to
   * find, or no provider at all: the lists stay empty, "System default"
   * is all the user gets, and that is fine. */
  if (!gst_device_monitor_start (self->monitor))
    {
      g_debug ("No audio device monitor could start");
      return;
    }
  devices = gst_device_monitor_get_devices (self->monitor);
  for (GList *l = devices; l != NULL; l = l->next)
    add_device (self, l->data);
}

CbAudioDevices *
cb_audio_devices_dup_default (void)
{
  if (default_devices != NULL)
    return g_object_ref (default_devices);

  default_devices = g_object_new (CB_TYPE_AUDIO_DEVICES, NULL);
  return default_devices;
}

GListModel *
cb_audio_devices_get_sources (CbAudioDevices *self)
{
  g_return_val_if_fail (CB_IS_AUDIO_DEVICES (self), NULL);
  return G_LIST_MODEL (self->sources);
}

GListModel *
cb_audio_devices_get_sinks (CbAudioDevices *self)
{
  g_return_val_if_fail (CB_IS_AUDIO_DEVICES (self), NULL);
  return G_LIST_MODEL (self->sinks);
}

GListModel *
cb_audio_devices_get_devices (CbAudioDevices    *self,
                              CbAudioDeviceKind  kind)
{
  g_return_val_if_fail (CB_IS_AUDIO_DEVICES (self), NULL);
  return G_LIST_MODEL (kind == CB_AUDIO_DEVICE_KIND_SOURCE ? self->sources : self->sinks);
}

GstDevice *
cb_audio_devices_lookup (CbAudioDevices    *self,
                         CbAudioDeviceKind  kind,
                         const char        *key)
{
  GListModel *devices;
  guint n;

  g_return_val_if_fail (CB_IS_AUDIO_DEVICES (self), NULL);

  if (key == NULL || *key == '\0')
    return NULL;

  devices = cb_audio_devices_get_devices (self, kind);
  n = g_list_model_get_n_items (devices);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GstDevice) device = g_list_model_get_item (devices, i);
      g_autofree char *device_key = cb_audio_device_get_key (device);

      if (g_strcmp0 (device_key, key) == 0)
        return device;  /* the store keeps its reference */
    }
  return NULL;
}

char *
cb_audio_devices_describe (CbAudioDevices    *self,
                           CbAudioDeviceKind  kind,
                           const char        *key)
{
  GstDevice *device;

  g_return_val_if_fail (CB_IS_AUDIO_DEVICES (self), NULL);

  device = cb_audio_devices_lookup (self, kind, key);
  if (device == NULL)
    {
      if (key != NULL && *key != '\0')
        g_debug ("Audio device “%s” is not there; using the default", key);
      return NULL;
    }
  return cb_audio_device_to_description (device);
}

/* The string value of the first device-selecting property @element has
 * set, and that property's name. */
static char *
selecting_value (GstElement  *element,
                 const char **property)
{
  for (guint i = 0; selecting_properties[i] != NULL; i++)
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (element),
                                                        selecting_properties[i]);
      g_autofree char *value = NULL;

      if (pspec == NULL || pspec->value_type != G_TYPE_STRING)
        continue;
      g_object_get (element, selecting_properties[i], &value, NULL);
      if (value != NULL && *value != '\0')
        {
          *property = selecting_properties[i];
          return g_steal_pointer (&value);
        }
    }
  return NULL;
}

/**
 * cb_audio_device_get_key:
 *
 * Returns: a name for @device meant to be stored: PipeWire's node name or
 *   the sound server's device name (both survive re-plugging, unlike
 *   serial numbers), else the display name.
 */
char *
cb_audio_device_get_key (GstDevice *device)
{
  g_autoptr(GstStructure) props = NULL;
  g_autoptr(GstElement) element = NULL;
  const char *property = NULL;
  char *value;

  g_return_val_if_fail (GST_IS_DEVICE (device), NULL);

  props = gst_device_get_properties (device);
  if (props != NULL && gst_structure_get_string (props, "node.name") != NULL)
    return g_strdup (gst_structure_get_string (props, "node.name"));

  element = gst_device_create_element (device, NULL);
  if (element != NULL)
    {
      gst_object_ref_sink (element);
      value = selecting_value (element, &property);
      if (value != NULL && g_strcmp0 (property, "device") == 0)
        return value;
      g_free (value);
    }

  return gst_device_get_display_name (device);
}

/* "value" with backslashes and quotes escaped, as gst_parse_launch reads it. */
static void
append_quoted (GString    *string,
               const char *value)
{
  g_string_append_c (string, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (string, '\\');
      g_string_append_c (string, *p);
    }
  g_string_append_c (string, '"');
}

/**
 * cb_audio_device_to_description:
 *
 * Returns: (nullable): a launch description making the element that plays
 *   to or records from @device, e.g. `pulsesink device="alsa_output.…"`.
 */
char *
cb_audio_device_to_description (GstDevice *device)
{
  g_autoptr(GstElement) element = NULL;
  g_autoptr(GstStructure) props = NULL;
  g_autofree char *value = NULL;
  GstElementFactory *factory;
  const char *property = NULL;
  GString *description;

  g_return_val_if_fail (GST_IS_DEVICE (device), NULL);

  element = gst_device_create_element (device, NULL);
  if (element == NULL)
    return NULL;
  gst_object_ref_sink (element);
  factory = gst_element_get_factory (element);
  if (factory == NULL)
    return NULL;

  description = g_string_new (gst_plugin_feature_get_name (GST_PLUGIN_FEATURE (factory)));
  value = selecting_value (element, &property);
  /* PipeWire's provider targets the node's serial, which a re-plug
   * changes; its name (accepted there too) does not. */
  props = gst_device_get_properties (device);
  if (g_strcmp0 (property, "target-object") == 0 && props != NULL &&
      gst_structure_get_string (props, "node.name") != NULL)
    {
      g_free (value);
      value = g_strdup (gst_structure_get_string (props, "node.name"));
    }
  if (value != NULL)
    {
      g_string_append_printf (description, " %s=", property);
      append_quoted (description, value);
    }

  return g_string_free (description, FALSE);
}
