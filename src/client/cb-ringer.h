/* cb-ringer.h: the ringtone played while a call rings
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A generated two-tone ring (no sound file to ship or find): bursts of
 * alternating tones, then a pause, repeated until stopped.
 *
 * Properties: sink (string: a GStreamer launch description of where the
 * ring plays; NULL: $CALLBOARD_RING_SINK, then autoaudiosink. The
 * environment wins over the property, so tests stay silent whatever the
 * settings say), ringing (bool, read-only).
 */

#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define CB_TYPE_RINGER (cb_ringer_get_type ())
G_DECLARE_FINAL_TYPE (CbRinger, cb_ringer, CB, RINGER, GObject)

CbRinger   *cb_ringer_new         (void);
/* Starts ringing (a no-op while ringing); FALSE with @error when the sink
 * cannot be made or started. */
gboolean    cb_ringer_start       (CbRinger    *self,
                                   GError     **error);
void        cb_ringer_stop        (CbRinger    *self);
gboolean    cb_ringer_get_ringing (CbRinger    *self);
const char *cb_ringer_get_sink    (CbRinger    *self);
void        cb_ringer_set_sink    (CbRinger    *self,
                                   const char  *sink);
/* The running pipeline, for tests; NULL when silent. */
GstElement *cb_ringer_get_pipeline (CbRinger   *self);

G_END_DECLS
