/* cb-ringer.c: the ringtone played while a call rings
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * audiotestsrc → volume → sink, with the melody stepped from the main
 * loop: each step sets the tone's frequency and the envelope's volume.
 * A live source keeps the pipeline at real time even into a fakesink.
 */

#define G_LOG_DOMAIN "cb-ringer"

#include "config.h"

#include "cb-ringer.h"

#define RING_VOLUME 0.4

typedef struct {
  double frequency;   /* Hz; 0 is a pause */
  guint  duration_ms;
} RingStep;

/* Two bursts of a trilling two-tone, then a pause: a desk phone's rhythm. */
static const RingStep pattern[] = {
  { 880, 80 }, { 660, 80 }, { 880, 80 }, { 660, 80 }, { 880, 80 }, { 660, 80 },
  { 880, 80 }, { 660, 80 }, { 880, 80 }, { 660, 80 },
  { 0, 300 },
  { 880, 80 }, { 660, 80 }, { 880, 80 }, { 660, 80 }, { 880, 80 }, { 660, 80 },
  { 880, 80 }, { 660, 80 }, { 880, 80 }, { 660, 80 },
  { 0, 2200 },
};

struct _CbRinger
{
  GObject     parent_instance;

  char       *sink;
  GstElement *pipeline;
  GstElement *tone;
  GstElement *envelope;
  guint       step;
  guint       step_source;
  guint       bus_watch;
};

G_DEFINE_FINAL_TYPE (CbRinger, cb_ringer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SINK,
  PROP_RINGING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
next_step (gpointer user_data)
{
  CbRinger *self = user_data;
  const RingStep *step = &pattern[self->step];

  if (step->frequency > 0)
    g_object_set (self->tone, "freq", step->frequency, NULL);
  g_object_set (self->envelope, "volume", step->frequency > 0 ? RING_VOLUME : 0.0, NULL);

  self->step = (self->step + 1) % G_N_ELEMENTS (pattern);
  self->step_source = g_timeout_add (step->duration_ms, next_step, self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  CbRinger *self = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *debug = NULL;

      /* A ring that cannot play must not take the call with it. */
      gst_message_parse_error (message, &error, &debug);
      g_debug ("Ringtone failed: %s (%s)", error->message, debug ? debug : "");
      cb_ringer_stop (self);
    }
  return G_SOURCE_CONTINUE;
}

static const char *
effective_sink (CbRinger *self)
{
  const char *env = g_getenv ("CALLBOARD_RING_SINK");

  if (env != NULL && *env != '\0')
    return env;
  if (self->sink != NULL && *self->sink != '\0')
    return self->sink;
  return "autoaudiosink";
}

gboolean
cb_ringer_start (CbRinger  *self,
                 GError   **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autofree char *description = NULL;

  g_return_val_if_fail (CB_IS_RINGER (self), FALSE);

  if (self->pipeline != NULL)
    return TRUE;

  description = g_strdup_printf ("audiotestsrc name=tone is-live=true wave=sine freq=880 ! "
                                 "volume name=envelope volume=0 ! audioconvert ! audioresample ! %s",
                                 effective_sink (self));
  pipeline = gst_parse_launch (description, error);
  if (pipeline == NULL)
    return FALSE;
  gst_object_ref_sink (pipeline);

  self->tone = gst_bin_get_by_name (GST_BIN (pipeline), "tone");
  self->envelope = gst_bin_get_by_name (GST_BIN (pipeline), "envelope");
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "The ringtone could not play on “%s”", effective_sink (self));
      gst_element_set_state (pipeline, GST_STATE_NULL);
      gst_clear_object (&self->tone);
      gst_clear_object (&self->envelope);
      return FALSE;
    }

  self->pipeline = g_steal_pointer (&pipeline);
  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);
  self->step = 0;
  next_step (self);
  g_debug ("Ringing on %s", effective_sink (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RINGING]);
  return TRUE;
}

void
cb_ringer_stop (CbRinger *self)
{
  g_return_if_fail (CB_IS_RINGER (self));

  if (self->pipeline == NULL)
    return;

  g_clear_handle_id (&self->step_source, g_source_remove);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  gst_clear_object (&self->tone);
  gst_clear_object (&self->envelope);
  gst_clear_object (&self->pipeline);
  g_debug ("Ringing stopped");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RINGING]);
}

gboolean
cb_ringer_get_ringing (CbRinger *self)
{
  g_return_val_if_fail (CB_IS_RINGER (self), FALSE);
  return self->pipeline != NULL;
}

GstElement *
cb_ringer_get_pipeline (CbRinger *self)
{
  g_return_val_if_fail (CB_IS_RINGER (self), NULL);
  return self->pipeline;
}

const char *
cb_ringer_get_sink (CbRinger *self)
{
  g_return_val_if_fail (CB_IS_RINGER (self), NULL);
  return self->sink;
}

void
cb_ringer_set_sink (CbRinger   *self,
                    const char *sink)
{
  g_return_if_fail (CB_IS_RINGER (self));

  if (g_strcmp0 (self->sink, sink) == 0)
    return;
  g_free (self->sink);
  self->sink = g_strdup (sink);
  /* A ring in progress moves to the new device at once. */
  if (self->pipeline != NULL)
    {
      cb_ringer_stop (self);
      cb_ringer_start (self, NULL);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SINK]);
}

static void
cb_ringer_dispose (GObject *object)
{
  CbRinger *self = CB_RINGER (object);

  cb_ringer_stop (self);

  G_OBJECT_CLASS (cb_ringer_parent_class)->dispose (object);
}

static void
cb_ringer_finalize (GObject *object)
{
  CbRinger *self = CB_RINGER (object);

  g_free (self->sink);

  G_OBJECT_CLASS (cb_ringer_parent_class)->finalize (object);
}

static void
cb_ringer_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  CbRinger *self = CB_RINGER (object);

  switch (prop_id)
    {
    case PROP_SINK:
      g_value_set_string (value, self->sink);
      break;
    case PROP_RINGING:
      g_value_set_boolean (value, cb_ringer_get_ringing (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_ringer_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  CbRinger *self = CB_RINGER (object);

  switch (prop_id)
    {
    case PROP_SINK:
      cb_ringer_set_sink (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_ringer_class_init (CbRingerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_ringer_dispose;
  object_class->finalize = cb_ringer_finalize;
  object_class->get_property = cb_ringer_get_property;
  object_class->set_property = cb_ringer_set_property;

  properties[PROP_SINK] =
    g_param_spec_string ("sink", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RINGING] =
    g_param_spec_boolean ("ringing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_ringer_init (CbRinger *self)
{
  gst_init (NULL, NULL);
}

CbRinger *
cb_ringer_new (void)
{
  return g_object_new (CB_TYPE_RINGER, NULL);
}
