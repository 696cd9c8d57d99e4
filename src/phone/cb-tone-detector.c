/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-tone-detector.c: Goertzel power at one frequency over blocks of S16
 * audio, compared with the power of everything else in the block. Tests use
 * it to prove a tone crossed a call; it runs on the streaming thread. */
#define G_LOG_DOMAIN "cb-phone"

#include "cb-tone-detector.h"

#include <gst/audio/audio.h>
#include <math.h>

/* 100 ms blocks: 10 Hz bins, so 440 and 880 Hz fall on exact bins at both
 * 8 and 48 kHz, and a few blocks decide within half a second. */
#define BLOCKS_PER_SECOND 10
/* A tone has to dominate: ten times the power of the rest of the block ... */
#define PRESENT_RATIO     10.0
/* ... and be audible, not a ratio of two kinds of near-silence. */
#define PRESENT_LEVEL_DB  -50.0

struct _CbToneDetector {
  GObject  parent_instance;

  double   frequency;

  GMutex   lock;
  GstPad  *pad;
  gulong   probe_id;
  gboolean probing;       /* the probe is in place or still running */
  GCond    probe_gone;
  guint    rate;          /* from the pad's caps */
  guint    channels;
  gboolean format_ok;

  /* The block being accumulated (first channel only). */
  guint    block_rate;
  guint    block_len;
  guint    block_fill;
  double   coeff;
  double   s1, s2;
  double   energy;

  /* Results of the last complete block. */
  double   ratio;
  double   level_db;
  guint64  blocks;
  guint    present_run;
  guint    absent_run;
  /* Monotonic times: a stream that stops delivers no blocks at all, so
   * "gone" has to be judged by the clock, not by counting blocks. */
  gint64   last_block_time;
  gint64   last_present_time;
};

G_DEFINE_FINAL_TYPE (CbToneDetector, cb_tone_detector, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FREQUENCY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
start_block (CbToneDetector *self,
             guint           rate)
{
  double k;

  self->block_rate = rate;
  self->block_len = MAX (rate / BLOCKS_PER_SECOND, 1);
  k = self->frequency * self->block_len / rate;
  self->coeff = 2.0 * cos (2.0 * G_PI * k / self->block_len);
  self->block_fill = 0;
  self->s1 = self->s2 = 0;
  self->energy = 0;
}

static void
finish_block (CbToneDetector *self)
{
  double n = self->block_len;
  double goertzel = self->s1 * self->s1 + self->s2 * self->s2 - self->coeff * self->s1 * self->s2;
  /* For a sinusoid on an exact bin, 2|X|²/N is its share of Σx², so the
   * remainder is the power at every other frequency (noise, codec
   * artefacts, the other party's tone). */
  double tone = 2.0 * goertzel / n;
  double rest = MAX (self->energy - tone, 0.0);
  double mean_square = self->energy / n;

  self->ratio = tone / MAX (rest, 1e-9 * n);
  self->level_db = mean_square > 0 ? 10.0 * log10 (mean_square) : -200.0;
  self->blocks++;
  self->last_block_time = g_get_monotonic_time ();

  if (self->ratio >= PRESENT_RATIO && self->level_db >= PRESENT_LEVEL_DB)
    {
      self->last_present_time = self->last_block_time;
      self->present_run++;
      self->absent_run = 0;
    }
  else
    {
      self->absent_run++;
      self->present_run = 0;
    }

  start_block (self, self->block_rate);
}

static void
process_locked (CbToneDetector *self,
                const gint16   *samples,
                gsize           n_frames,
                guint           channels,
                guint           rate)
{
  if (rate == 0 || channels == 0)
    return;

  if (rate != self->block_rate)
    start_block (self, rate);

  for (gsize i = 0; i < n_frames; i++)
    {
      double x = samples[i * channels] / 32768.0;
      double s0 = x + self->coeff * self->s1 - self->s2;

      self->s2 = self->s1;
      self->s1 = s0;
      self->energy += x * x;

      if (++self->block_fill == self->block_len)
        finish_block (self);
    }
}

void
cb_tone_detector_process_s16 (CbToneDetector *self,
                              const gint16   *samples,
                              gsize           n_frames,
                              guint           channels,
                              guint           rate)
{
  g_return_if_fail (CB_IS_TONE_DETECTOR (self));

  g_mutex_lock (&self->lock);
  process_locked (self, samples, n_frames, channels, rate);
  g_mutex_unlock (&self->lock);
}

static GstPadProbeReturn
on_pad_probe (GstPad          *pad,
              GstPadProbeInfo *info,
              CbToneDetector  *self)
{
  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
      GstCaps *caps;
      GstAudioInfo audio;

      if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
        return GST_PAD_PROBE_OK;

      gst_event_parse_caps (event, &caps);
      g_mutex_lock (&self->lock);
      self->format_ok = gst_audio_info_from_caps (&audio, caps) &&
                        GST_AUDIO_INFO_FORMAT (&audio) == GST_AUDIO_FORMAT_S16 &&
                        GST_AUDIO_INFO_LAYOUT (&audio) == GST_AUDIO_LAYOUT_INTERLEAVED;
      if (self->format_ok)
        {
          self->rate = GST_AUDIO_INFO_RATE (&audio);
          self->channels = GST_AUDIO_INFO_CHANNELS (&audio);
          g_debug ("Tone detector %g Hz: %u Hz, %u channels",
                   self->frequency, self->rate, self->channels);
        }
      else
        {
          g_autofree char *text = gst_caps_to_string (caps);

          g_warning ("Tone detector needs interleaved native S16, got %s", text);
        }
      g_mutex_unlock (&self->lock);
    }
  else if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
      GstMapInfo map;

      if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
        return GST_PAD_PROBE_OK;

      g_mutex_lock (&self->lock);
      if (self->format_ok)
        process_locked (self, (const gint16 *) map.data,
                        map.size / (sizeof (gint16) * self->channels),
                        self->channels, self->rate);
      g_mutex_unlock (&self->lock);
      gst_buffer_unmap (buffer, &map);
    }

  return GST_PAD_PROBE_OK;
}

/* The probe's destroy notify: GStreamer calls it once the probe is
 * removed and no callback of it runs any more, on whichever thread ran
 * the last one. */
static void
probe_removed (gpointer data)
{
  CbToneDetector *self = data;

  g_mutex_lock (&self->lock);
  self->probing = FALSE;
  g_cond_broadcast (&self->probe_gone);
  g_mutex_unlock (&self->lock);
}

/**
 * cb_tone_detector_attach:
 * @pad: a pad carrying audio/x-raw S16 (native endianness), interleaved
 *
 * Watches every buffer through @pad. Put a capsfilter before it so the
 * format is what we read.
 */
void
cb_tone_detector_attach (CbToneDetector *self,
                         GstPad         *pad)
{
  g_autoptr(GstCaps) caps = NULL;

  g_return_if_fail (CB_IS_TONE_DETECTOR (self));
  g_return_if_fail (GST_IS_PAD (pad));

  cb_tone_detector_detach (self);

  self->pad = gst_object_ref (pad);
  /* No reference for the probe: detach() waits for it to be gone, so the
   * detector outlives any callback, and a test that detaches it then
   * finds the last reference its own (a probe's reference was dropped
   * on the streaming thread, a moment after the removal). */
  self->probing = TRUE;
  self->probe_id = gst_pad_add_probe (pad,
                                      GST_PAD_PROBE_TYPE_BUFFER |
                                      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                                      (GstPadProbeCallback) on_pad_probe,
                                      self, probe_removed);
  if (self->probe_id == 0)
    self->probing = FALSE;

  /* Caps may already be negotiated, then no caps event passes again. */
  caps = gst_pad_get_current_caps (pad);
  if (caps != NULL)
    {
      GstAudioInfo audio;

      g_mutex_lock (&self->lock);
      self->format_ok = gst_audio_info_from_caps (&audio, caps) &&
                        GST_AUDIO_INFO_FORMAT (&audio) == GST_AUDIO_FORMAT_S16;
      self->rate = GST_AUDIO_INFO_RATE (&audio);
      self->channels = GST_AUDIO_INFO_CHANNELS (&audio);
      g_mutex_unlock (&self->lock);
    }
}

void
cb_tone_detector_detach (CbToneDetector *self)
{
  g_return_if_fail (CB_IS_TONE_DETECTOR (self));

  if (self->pad != NULL && self->probe_id != 0)
    gst_pad_remove_probe (self->pad, self->probe_id);
  self->probe_id = 0;
  /* A callback running on a streaming thread finishes first. */
  g_mutex_lock (&self->lock);
  while (self->probing)
    g_cond_wait (&self->probe_gone, &self->lock);
  g_mutex_unlock (&self->lock);
  gst_clear_object (&self->pad);
}

/* Forgets results, e.g. before waiting for a change of state. */
void
cb_tone_detector_reset (CbToneDetector *self)
{
  g_return_if_fail (CB_IS_TONE_DETECTOR (self));

  g_mutex_lock (&self->lock);
  self->ratio = 0;
  self->level_db = -200.0;
  self->blocks = 0;
  self->present_run = 0;
  self->absent_run = 0;
  self->last_block_time = 0;
  /* Counts as silent from now on, not since the epoch. */
  self->last_present_time = g_get_monotonic_time ();
  if (self->block_rate != 0)
    start_block (self, self->block_rate);
  g_mutex_unlock (&self->lock);
}

#define LOCKED_GETTER(type, name, field)                  \
  type                                                    \
  cb_tone_detector_get_##name (CbToneDetector *self)      \
  {                                                       \
    type value;                                           \
                                                          \
    g_return_val_if_fail (CB_IS_TONE_DETECTOR (self), 0); \
                                                          \
    g_mutex_lock (&self->lock);                           \
    value = self->field;                                  \
    g_mutex_unlock (&self->lock);                         \
                                                          \
    return value;                                         \
  }

/* Power at the frequency over the power of everything else, last block. */
LOCKED_GETTER (double, ratio, ratio)
/* Mean square of the last block in dBFS (a full-scale sine is -3 dB). */
LOCKED_GETTER (double, level_db, level_db)
LOCKED_GETTER (guint64, blocks, blocks)
/* How many blocks in a row had / lacked the tone, ending with the last. */
LOCKED_GETTER (guint, present_run, present_run)
LOCKED_GETTER (guint, absent_run, absent_run)

gboolean
cb_tone_detector_is_present (CbToneDetector *self)
{
  return cb_tone_detector_get_present_run (self) > 0;
}

/**
 * cb_tone_detector_hears:
 * @min_blocks: how many 100 ms blocks in a row must hold the tone
 *
 * Returns: whether the tone is in the stream now: the last @min_blocks
 *   blocks had it and the last one ended less than 300 ms ago (a stream
 *   that stopped is not still sounding).
 */
gboolean
cb_tone_detector_hears (CbToneDetector *self,
                        guint           min_blocks)
{
  gboolean hears;

  g_return_val_if_fail (CB_IS_TONE_DETECTOR (self), FALSE);

  g_mutex_lock (&self->lock);
  hears = self->present_run >= MAX (min_blocks, 1) &&
          g_get_monotonic_time () - self->last_block_time < 300 * G_TIME_SPAN_MILLISECOND;
  g_mutex_unlock (&self->lock);

  return hears;
}

/**
 * cb_tone_detector_silent_for:
 *
 * Returns: whether no block has held the tone for @ms milliseconds (or
 *   since creation or the last reset), whether audio kept coming or not.
 */
gboolean
cb_tone_detector_silent_for (CbToneDetector *self,
                             guint           ms)
{
  gboolean silent;

  g_return_val_if_fail (CB_IS_TONE_DETECTOR (self), FALSE);

  g_mutex_lock (&self->lock);
  silent = g_get_monotonic_time () - self->last_present_time >= (gint64) ms * G_TIME_SPAN_MILLISECOND;
  g_mutex_unlock (&self->lock);

  return silent;
}

double
cb_tone_detector_get_frequency (CbToneDetector *self)
{
  g_return_val_if_fail (CB_IS_TONE_DETECTOR (self), 0);

  return self->frequency;
}

CbToneDetector *
cb_tone_detector_new (double frequency)
{
  return g_object_new (CB_TYPE_TONE_DETECTOR, "frequency", frequency, NULL);
}

static void
cb_tone_detector_dispose (GObject *object)
{
  CbToneDetector *self = CB_TONE_DETECTOR (object);

  cb_tone_detector_detach (self);

  G_OBJECT_CLASS (cb_tone_detector_parent_class)->dispose (object);
}

static void
cb_tone_detector_finalize (GObject *object)
{
  CbToneDetector *self = CB_TONE_DETECTOR (object);

  g_mutex_clear (&self->lock);
  g_cond_clear (&self->probe_gone);

  G_OBJECT_CLASS (cb_tone_detector_parent_class)->finalize (object);
}

static void
cb_tone_detector_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CbToneDetector *self = CB_TONE_DETECTOR (object);

  switch (prop_id)
    {
    case PROP_FREQUENCY:
      g_value_set_double (value, self->frequency);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_tone_detector_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CbToneDetector *self = CB_TONE_DETECTOR (object);

  switch (prop_id)
    {
    case PROP_FREQUENCY:
      self->frequency = g_value_get_double (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_tone_detector_class_init (CbToneDetectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_tone_detector_dispose;
  object_class->finalize = cb_tone_detector_finalize;
  object_class->get_property = cb_tone_detector_get_property;
  object_class->set_property = cb_tone_detector_set_property;

  properties[PROP_FREQUENCY] =
    g_param_spec_double ("frequency", NULL, NULL, 1.0, 24000.0, 440.0,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_tone_detector_init (CbToneDetector *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->probe_gone);
  self->level_db = -200.0;
  self->last_present_time = g_get_monotonic_time ();
}
