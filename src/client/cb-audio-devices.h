/* cb-audio-devices.h: the machine's audio inputs and outputs, as GStreamer sees them
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GstDeviceMonitor for Audio/Source and Audio/Sink whose devices are
 * kept in two list models that follow hot-plugging. Devices are named in
 * settings by a key (cb_audio_device_get_key) that survives restarts and
 * re-plugging better than the display name; a key that matches nothing
 * means "the system default".
 *
 * Properties: sources, sinks (GListModel of GstDevice, in arrival order).
 */

#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum {
  CB_AUDIO_DEVICE_KIND_SOURCE,
  CB_AUDIO_DEVICE_KIND_SINK,
} CbAudioDeviceKind;

#define CB_TYPE_AUDIO_DEVICES (cb_audio_devices_get_type ())
G_DECLARE_FINAL_TYPE (CbAudioDevices, cb_audio_devices, CB, AUDIO_DEVICES, GObject)

/* One monitor per process: every caller shares it while any holds it. */
CbAudioDevices *cb_audio_devices_dup_default   (void);
GListModel     *cb_audio_devices_get_sources   (CbAudioDevices    *self);
GListModel     *cb_audio_devices_get_sinks     (CbAudioDevices    *self);
GListModel     *cb_audio_devices_get_devices   (CbAudioDevices    *self,
                                                CbAudioDeviceKind  kind);
/* The device whose key is @key, or NULL (gone, or @key empty). */
GstDevice      *cb_audio_devices_lookup        (CbAudioDevices    *self,
                                                CbAudioDeviceKind  kind,
                                                const char        *key);
/* A GStreamer launch description for the device with @key, or NULL for
 * the system default (also when the device is not there now). */
char           *cb_audio_devices_describe      (CbAudioDevices    *self,
                                                CbAudioDeviceKind  kind,
                                                const char        *key);

char           *cb_audio_device_get_key        (GstDevice         *device);
char           *cb_audio_device_to_description (GstDevice         *device);

G_END_DECLS
