/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-opus-dec.c: "cbopusdec", Opus packets (RFC 7587, as rtpopusdepay
 * gives them) to S16 audio on libopus's single-stream API, concealing lost
 * packets.
 *
 * Why not opusdec: it decodes through the multistream API, which sizes its
 * decoders again on every packet and so runs Debian's libopus CPU
 * detection (cpuid, a trap to the hypervisor in a virtual machine) each
 * time: 69 µs a packet against 28 µs through opus_decode here. libopus
 * decodes at the rate and channel count asked for, so the output is what
 * downstream wants (mono for a call) with no mixing or resampling after.
 *
 * Loss: the jitter buffer (do-lost) makes the depayloader send a GAP event
 * for each packet that did not come in time; with plc (the default) that
 * becomes concealed audio of the gap's time and length, as opusdec does
 * with plc=TRUE. */
#define G_LOG_DOMAIN "cb-phone"

#include "cb-opus-dec.h"

#include <gst/audio/audio.h>
#include <opus/opus.h>

#define DEFAULT_PLC          TRUE
/* The longest an Opus packet lasts (RFC 6716 section 3.2.5), and the most
 * libopus conceals in one call. */
#define MAX_PACKET_MS        120
/* Concealment comes in multiples of 2.5 ms. */
#define PLC_STEP_PER_SECOND  400

struct _CbOpusDec {
  GstElement   parent_instance;

  GstPad      *sinkpad;
  GstPad      *srcpad;

  gboolean     plc;               /* under the object lock */

  /* Streaming state. */
  OpusDecoder *decoder;
  guint        stream_channels;   /* what the caps say is sent */
  guint        stream_rate;
  guint        rate;              /* what we decode to */
  guint        channels;
  guint        last_samples;      /* per channel, of the last packet */
  gboolean     discont;
};

G_DEFINE_FINAL_TYPE (CbOpusDec, cb_opus_dec, GST_TYPE_ELEMENT)

enum {
  PROP_0,
  PROP_PLC,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GstStaticPadTemplate sink_template =
  GST_STATIC_PAD_TEMPLATE ("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
                           GST_STATIC_CAPS ("audio/x-opus, "
                                            "channel-mapping-family = (int) 0"));

static GstStaticPadTemplate src_template =
  GST_STATIC_PAD_TEMPLATE ("src", GST_PAD_SRC, GST_PAD_ALWAYS,
                           GST_STATIC_CAPS ("audio/x-raw, "
                                            "format = (string) " GST_AUDIO_NE (S16) ", "
                                            "layout = (string) interleaved, "
                                            "rate = (int) { 48000, 24000, 16000, 12000, 8000 }, "
                                            "channels = (int) [ 1, 2 ]"));

static GstClockTime
samples_to_time (CbOpusDec *self,
                 guint64    samples)
{
  return gst_util_uint64_scale_int (samples, GST_SECOND, (int) self->rate);
}

/* What downstream takes, closest to the stream as sent: its channels, and
 * 48 kHz (or the rate the sender captured at). */
static gboolean
negotiate (CbOpusDec *self)
{
  g_autoptr(GstCaps) template = gst_pad_get_pad_template_caps (self->srcpad);
  g_autoptr(GstCaps) allowed = gst_pad_peer_query_caps (self->srcpad, template);
  GstStructure *s;
  int rate, channels;
  int error = OPUS_OK;

  if (gst_caps_is_empty (allowed))
    return FALSE;

  allowed = gst_caps_truncate (g_steal_pointer (&allowed));
  allowed = gst_caps_make_writable (g_steal_pointer (&allowed));
  s = gst_caps_get_structure (allowed, 0);
  gst_structure_fixate_field_nearest_int (s, "rate", (int) self->stream_rate);
  gst_structure_fixate_field_nearest_int (s, "channels", (int) self->stream_channels);
  allowed = gst_caps_fixate (g_steal_pointer (&allowed));
  s = gst_caps_get_structure (allowed, 0);
  if (!gst_structure_get_int (s, "rate", &rate) ||
      !gst_structure_get_int (s, "channels", &channels))
    return FALSE;

  if (self->decoder == NULL || (guint) rate != self->rate || (guint) channels != self->channels)
    {
      g_clear_pointer (&self->decoder, opus_decoder_destroy);
      self->decoder = opus_decoder_create (rate, channels, &error);
      if (self->decoder == NULL)
        {
          GST_ELEMENT_ERROR (self, LIBRARY, INIT, (NULL),
                             ("opus_decoder_create: %s", opus_strerror (error)));
          return FALSE;
        }
      self->rate = rate;
      self->channels = channels;
      self->last_samples = rate / 50;
    }

  return gst_pad_set_caps (self->srcpad, allowed);
}

static GstFlowReturn
push_decoded (CbOpusDec    *self,
              GstBuffer    *pcm,
              int           samples,
              GstClockTime  pts)
{
  gst_buffer_set_size (pcm, (gsize) samples * self->channels * sizeof (gint16));
  GST_BUFFER_PTS (pcm) = pts;
  GST_BUFFER_DURATION (pcm) = samples_to_time (self, samples);
  if (self->discont)
    {
      GST_BUFFER_FLAG_SET (pcm, GST_BUFFER_FLAG_DISCONT);
      self->discont = FALSE;
    }

  return gst_pad_push (self->srcpad, pcm);
}

/* Concealed audio for @duration from @pts, in the steps libopus takes. */
static GstFlowReturn
conceal (CbOpusDec    *self,
         GstClockTime  pts,
         GstClockTime  duration)
{
  guint64 total, done = 0;
  guint step = self->rate / PLC_STEP_PER_SECOND;
  guint max = self->rate * MAX_PACKET_MS / 1000;
  GstFlowReturn ret = GST_FLOW_OK;

  if (GST_CLOCK_TIME_IS_VALID (duration))
    total = gst_util_uint64_scale_round (duration, self->rate, GST_SECOND);
  else
    total = self->last_samples;
  total = (total + step / 2) / step * step;

  while (done < total && ret == GST_FLOW_OK)
    {
      guint want = (guint) MIN (total - done, (guint64) max);
      GstBuffer *pcm = gst_buffer_new_allocate (NULL, (gsize) want * self->channels * sizeof (gint16), NULL);
      GstMapInfo map;
      int samples;

      gst_buffer_map (pcm, &map, GST_MAP_WRITE);
      samples = opus_decode (self->decoder, NULL, 0, (opus_int16 *) map.data, (int) want, 0);
      gst_buffer_unmap (pcm, &map);
      if (samples <= 0)
        {
          gst_buffer_unref (pcm);
          GST_DEBUG_OBJECT (self, "Concealment failed: %s", opus_strerror (samples));
          break;
        }
      ret = push_decoded (self, pcm,
                          samples,
                          GST_CLOCK_TIME_IS_VALID (pts) ? pts + samples_to_time (self, done) : pts);
      done += samples;
    }

  return ret;
}

static GstFlowReturn
cb_opus_dec_chain (GstPad    *pad,
                   GstObject *parent,
                   GstBuffer *buffer)
{
  CbOpusDec *self = CB_OPUS_DEC (parent);
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  GstFlowReturn ret;
  GstBuffer *pcm;
  GstMapInfo in, out;
  int max_samples, samples;

  if (G_UNLIKELY (gst_pad_check_reconfigure (self->srcpad) || self->decoder == NULL))
    {
      if (!negotiate (self))
        {
          gst_buffer_unref (buffer);
          gst_pad_mark_reconfigure (self->srcpad);
          return GST_PAD_IS_FLUSHING (self->srcpad) ? GST_FLOW_FLUSHING : GST_FLOW_NOT_NEGOTIATED;
        }
    }

  if (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DISCONT))
    self->discont = TRUE;

  /* An empty buffer stands for a lost packet (as for opusdec). */
  if (gst_buffer_get_size (buffer) == 0)
    {
      GstClockTime duration = GST_BUFFER_DURATION (buffer);

      gst_buffer_unref (buffer);
      return conceal (self, pts, duration);
    }

  max_samples = (int) (self->rate * MAX_PACKET_MS / 1000);
  pcm = gst_buffer_new_allocate (NULL, (gsize) max_samples * self->channels * sizeof (gint16), NULL);
  gst_buffer_map (buffer, &in, GST_MAP_READ);
  gst_buffer_map (pcm, &out, GST_MAP_WRITE);
  samples = opus_decode (self->decoder, in.data, (opus_int32) in.size,
                         (opus_int16 *) out.data, max_samples, 0);
  gst_buffer_unmap (pcm, &out);
  gst_buffer_unmap (buffer, &in);
  gst_buffer_unref (buffer);

  if (samples < 0)
    {
      /* A corrupt packet in a call is a glitch, not the end of it. */
      gst_buffer_unref (pcm);
      GST_ELEMENT_WARNING (self, STREAM, DECODE, (NULL), ("opus_decode: %s", opus_strerror (samples)));
      return GST_FLOW_OK;
    }

  self->last_samples = samples;
  ret = push_decoded (self, pcm, samples, pts);

  return ret;
}

static gboolean
handle_gap (CbOpusDec *self,
            GstEvent  *event)
{
  GstClockTime pts, duration;
  gboolean plc;

  GST_OBJECT_LOCK (self);
  plc = self->plc;
  GST_OBJECT_UNLOCK (self);

  if (self->decoder == NULL)
    {
      /* Not negotiated: nothing to conceal, and no caps to send it after. */
      gst_event_unref (event);
      return TRUE;
    }
  if (!plc)
    return gst_pad_push_event (self->srcpad, event);

  gst_event_parse_gap (event, &pts, &duration);
  gst_event_unref (event);
  self->discont = TRUE;

  return conceal (self, pts, duration) == GST_FLOW_OK;
}

static gboolean
cb_opus_dec_sink_event (GstPad    *pad,
                        GstObject *parent,
                        GstEvent  *event)
{
  CbOpusDec *self = CB_OPUS_DEC (parent);

  switch (GST_EVENT_TYPE (event))
    {
    case GST_EVENT_CAPS:
      {
        GstCaps *caps;
        const GstStructure *s;
        int value;

        gst_event_parse_caps (event, &caps);
        s = gst_caps_get_structure (caps, 0);
        /* RFC 7587: whatever the SDP says, a stream may be stereo; without
         * a hint, decode as sent in the common case, one channel. */
        self->stream_channels = gst_structure_get_int (s, "channels", &value) ? CLAMP (value, 1, 2) : 1;
        self->stream_rate = gst_structure_get_int (s, "rate", &value) ? value : 48000;
        gst_event_unref (event);
        return negotiate (self);
      }

    case GST_EVENT_GAP:
      return handle_gap (self, event);

    case GST_EVENT_FLUSH_STOP:
      if (self->decoder != NULL)
        opus_decoder_ctl (self->decoder, OPUS_RESET_STATE);
      self->discont = TRUE;
      break;

    default:
      break;
    }

  return gst_pad_event_default (pad, parent, event);
}

static GstStateChangeReturn
cb_opus_dec_change_state (GstElement     *element,
                          GstStateChange  transition)
{
  CbOpusDec *self = CB_OPUS_DEC (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
    self->discont = TRUE;

  ret = GST_ELEMENT_CLASS (cb_opus_dec_parent_class)->change_state (element, transition);

  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    {
      g_clear_pointer (&self->decoder, opus_decoder_destroy);
      self->rate = 0;
      self->channels = 0;
    }

  return ret;
}

static void
cb_opus_dec_finalize (GObject *object)
{
  CbOpusDec *self = CB_OPUS_DEC (object);

  g_clear_pointer (&self->decoder, opus_decoder_destroy);

  G_OBJECT_CLASS (cb_opus_dec_parent_class)->finalize (object);
}

static void
cb_opus_dec_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CbOpusDec *self = CB_OPUS_DEC (object);

  switch (prop_id)
    {
    case PROP_PLC:
      GST_OBJECT_LOCK (self);
      g_value_set_boolean (value, self->plc);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_opus_dec_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CbOpusDec *self = CB_OPUS_DEC (object);

  switch (prop_id)
    {
    case PROP_PLC:
      GST_OBJECT_LOCK (self);
      self->plc = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_opus_dec_class_init (CbOpusDecClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  object_class->finalize = cb_opus_dec_finalize;
  object_class->get_property = cb_opus_dec_get_property;
  object_class->set_property = cb_opus_dec_set_property;
  element_class->change_state = cb_opus_dec_change_state;

  /* Conceal lost packets (GAP events, empty buffers); else pass GAPs on. */
  properties[PROP_PLC] =
    g_param_spec_boolean ("plc", NULL, NULL, DEFAULT_PLC,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
                                         "Opus call decoder", "Codec/Decoder/Audio",
                                         "Decodes one mono or stereo Opus stream, concealing lost packets",
                                         "Callboard");
}

static void
cb_opus_dec_init (CbOpusDec *self)
{
  self->plc = DEFAULT_PLC;
  self->stream_channels = 1;
  self->stream_rate = 48000;

  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad, cb_opus_dec_chain);
  gst_pad_set_event_function (self->sinkpad, cb_opus_dec_sink_event);
  GST_PAD_SET_ACCEPT_TEMPLATE (self->sinkpad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
}
