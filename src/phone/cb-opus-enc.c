/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-opus-enc.c: "cbopusenc", raw S16 audio to Opus packets, one packet per
 * frame, on libopus's single-stream API.
 *
 * Why not opusenc: it drives libopus through the multistream API, which
 * sizes its encoders again on every frame, and Debian's libopus runs its
 * run-time CPU detection (cpuid) each time; inside a virtual machine every
 * cpuid is a trap to the hypervisor. A call needs one mono or stereo
 * stream, so the plain OpusEncoder does, and this element is a bare chain
 * function: no base class queueing, no adapter, no tags or headers. */
#define G_LOG_DOMAIN "cb-phone"

#include "cb-opus-enc.h"

#include <gst/audio/audio.h>
#include <opus/opus.h>
#include <string.h>

#define DEFAULT_AUDIO_TYPE   CB_OPUS_ENC_AUDIO_TYPE_GENERIC
#define DEFAULT_BITRATE      64000
#define DEFAULT_COMPLEXITY   10
#define DEFAULT_FRAME_MS     20
#define DEFAULT_FEC          FALSE
#define DEFAULT_LOSS         0
/* A 40 or 60 ms packet holds several frames of up to 1,275 bytes each
 * (RFC 6716 section 3.2); libopus's documentation advises this much. */
#define MAX_PACKET_BYTES     4000
#define MAX_FRAME_SAMPLES    (48000 * 60 / 1000 * 2)

struct _CbOpusEnc {
  GstElement          parent_instance;

  GstPad             *sinkpad;
  GstPad             *srcpad;

  /* Settings, under the object lock; applied before the next frame. */
  CbOpusEncAudioType  audio_type;
  int                 bitrate;
  int                 complexity;
  guint               frame_ms;
  gboolean            inband_fec;
  int                 packet_loss;
  gboolean            settings_changed;

  /* Streaming state, on the streaming thread only. */
  OpusEncoder        *encoder;
  guint               rate;
  guint               channels;
  guint               frame_samples;     /* per channel */
  guint               frame_fill;        /* samples per channel in pending */
  GstClockTime        lookahead;         /* libopus's delay, input to output */
  GstClockTime        frame_pts;
  GstClockTime        next_pts;
  gboolean            discont;
  gint16              pending[MAX_FRAME_SAMPLES];
};

G_DEFINE_FINAL_TYPE (CbOpusEnc, cb_opus_enc, GST_TYPE_ELEMENT)

enum {
  PROP_0,
  PROP_AUDIO_TYPE,
  PROP_BITRATE,
  PROP_COMPLEXITY,
  PROP_FRAME_SIZE,
  PROP_INBAND_FEC,
  PROP_PACKET_LOSS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GstStaticPadTemplate sink_template =
  GST_STATIC_PAD_TEMPLATE ("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
                           GST_STATIC_CAPS ("audio/x-raw, "
                                            "format = (string) " GST_AUDIO_NE (S16) ", "
                                            "layout = (string) interleaved, "
                                            "rate = (int) { 48000, 24000, 16000, 12000, 8000 }, "
                                            "channels = (int) [ 1, 2 ]"));

static GstStaticPadTemplate src_template =
  GST_STATIC_PAD_TEMPLATE ("src", GST_PAD_SRC, GST_PAD_ALWAYS,
                           GST_STATIC_CAPS ("audio/x-opus, "
                                            "channel-mapping-family = (int) 0, "
                                            "channels = (int) [ 1, 2 ]"));

GType
cb_opus_enc_audio_type_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { CB_OPUS_ENC_AUDIO_TYPE_VOICE, "Voice (VoIP)", "voice" },
    { CB_OPUS_ENC_AUDIO_TYPE_GENERIC, "Generic audio", "generic" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("CbOpusEncAudioType", values));

  return type;
}

static gboolean
frame_ms_valid (guint ms)
{
  return ms == 10 || ms == 20 || ms == 40 || ms == 60;
}

/* The settings that libopus takes at any time; the application only
 * before the first frame (it is given again at creation). */
static void
apply_settings (CbOpusEnc *self)
{
  GST_OBJECT_LOCK (self);
  self->settings_changed = FALSE;
  opus_encoder_ctl (self->encoder, OPUS_SET_BITRATE (self->bitrate));
  opus_encoder_ctl (self->encoder, OPUS_SET_COMPLEXITY (self->complexity));
  opus_encoder_ctl (self->encoder, OPUS_SET_INBAND_FEC (self->inband_fec ? 1 : 0));
  opus_encoder_ctl (self->encoder, OPUS_SET_PACKET_LOSS_PERC (self->packet_loss));
  /* Constrained VBR, as opusenc: the quality of VBR, packets that stay
   * near the bitrate asked for. */
  opus_encoder_ctl (self->encoder, OPUS_SET_VBR (1));
  opus_encoder_ctl (self->encoder, OPUS_SET_VBR_CONSTRAINT (1));
  GST_OBJECT_UNLOCK (self);
}

static GstClockTime
samples_to_time (CbOpusEnc *self,
                 guint64    samples)
{
  return gst_util_uint64_scale_int (samples, GST_SECOND, (int) self->rate);
}

static gboolean
configure (CbOpusEnc *self,
           GstCaps   *caps)
{
  g_autoptr(GstCaps) out_caps = NULL;
  GstAudioInfo info;
  int application;
  guint frame_ms;
  int error = OPUS_OK;

  if (!gst_audio_info_from_caps (&info, caps))
    return FALSE;

  GST_OBJECT_LOCK (self);
  application = self->audio_type;
  frame_ms = self->frame_ms;
  GST_OBJECT_UNLOCK (self);

  g_clear_pointer (&self->encoder, opus_encoder_destroy);
  self->encoder = opus_encoder_create (GST_AUDIO_INFO_RATE (&info),
                                       GST_AUDIO_INFO_CHANNELS (&info),
                                       application, &error);
  if (self->encoder == NULL)
    {
      GST_ELEMENT_ERROR (self, LIBRARY, INIT, (NULL),
                         ("opus_encoder_create: %s", opus_strerror (error)));
      return FALSE;
    }
  apply_settings (self);

  self->rate = GST_AUDIO_INFO_RATE (&info);
  self->channels = GST_AUDIO_INFO_CHANNELS (&info);
  self->frame_samples = self->rate * frame_ms / 1000;
  {
    opus_int32 lookahead = 0;

    opus_encoder_ctl (self->encoder, OPUS_GET_LOOKAHEAD (&lookahead));
    self->lookahead = samples_to_time (self, (guint64) MAX (lookahead, 0));
  }
  self->frame_fill = 0;
  self->discont = TRUE;

  out_caps = gst_caps_new_simple ("audio/x-opus",
                                  "rate", G_TYPE_INT, (int) self->rate,
                                  "channels", G_TYPE_INT, (int) self->channels,
                                  "channel-mapping-family", G_TYPE_INT, 0,
                                  "stream-count", G_TYPE_INT, 1,
                                  "coupled-count", G_TYPE_INT, self->channels == 2 ? 1 : 0,
                                  NULL);

  return gst_pad_set_caps (self->srcpad, out_caps);
}

static GstFlowReturn
encode_frame (CbOpusEnc    *self,
              const gint16 *pcm)
{
  GstBuffer *packet;
  GstMapInfo map;
  GstClockTime frame;
  opus_int32 size;

  if (G_UNLIKELY (self->settings_changed))
    apply_settings (self);

  packet = gst_buffer_new_allocate (NULL, MAX_PACKET_BYTES, NULL);
  gst_buffer_map (packet, &map, GST_MAP_WRITE);
  size = opus_encode (self->encoder, pcm, (int) self->frame_samples, map.data, MAX_PACKET_BYTES);
  gst_buffer_unmap (packet, &map);
  if (size < 0)
    {
      gst_buffer_unref (packet);
      GST_ELEMENT_ERROR (self, STREAM, ENCODE, (NULL), ("opus_encode: %s", opus_strerror (size)));
      return GST_FLOW_ERROR;
    }
  gst_buffer_set_size (packet, size);

  /* A packet decodes to its frame's audio delayed by libopus's look-ahead:
   * stamped with the time of what it plays (as opusenc does), the RTP
   * timestamps tell the receiver when the sound was captured. The first
   * packet of a stream at 0 gets the rest of its frame. */
  frame = samples_to_time (self, self->frame_samples);
  GST_BUFFER_PTS (packet) = self->frame_pts;
  GST_BUFFER_DURATION (packet) = frame;
  if (GST_CLOCK_TIME_IS_VALID (self->frame_pts))
    {
      GstClockTime shift = MIN (self->lookahead, self->frame_pts);

      GST_BUFFER_PTS (packet) = self->frame_pts - shift;
      GST_BUFFER_DURATION (packet) = frame - (self->lookahead - shift);
      self->next_pts = self->frame_pts + frame;
    }
  if (self->discont)
    {
      GST_BUFFER_FLAG_SET (packet, GST_BUFFER_FLAG_DISCONT);
      self->discont = FALSE;
    }

  return gst_pad_push (self->srcpad, packet);
}

/* A frame starts: its time is that of its first sample. */
static void
start_frame (CbOpusEnc    *self,
             GstClockTime  buffer_pts,
             guint         offset)
{
  if (GST_CLOCK_TIME_IS_VALID (buffer_pts))
    self->frame_pts = buffer_pts + samples_to_time (self, offset);
  else
    self->frame_pts = self->next_pts;
}

static GstFlowReturn
cb_opus_enc_chain (GstPad    *pad,
                   GstObject *parent,
                   GstBuffer *buffer)
{
  CbOpusEnc *self = CB_OPUS_ENC (parent);
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  GstFlowReturn ret = GST_FLOW_OK;
  GstMapInfo map;
  const gint16 *samples;
  guint n, offset = 0;

  if (G_UNLIKELY (self->encoder == NULL))
    {
      gst_buffer_unref (buffer);
      GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL), ("No caps before the first buffer"));
      return GST_FLOW_NOT_NEGOTIATED;
    }

  if (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DISCONT))
    {
      /* What was pending belongs to audio before the break. */
      self->frame_fill = 0;
      self->discont = TRUE;
    }

  gst_buffer_map (buffer, &map, GST_MAP_READ);
  samples = (const gint16 *) map.data;
  n = map.size / (sizeof (gint16) * self->channels);

  while (offset < n && ret == GST_FLOW_OK)
    {
      if (self->frame_fill == 0)
        start_frame (self, pts, offset);

      if (self->frame_fill == 0 && n - offset >= self->frame_samples)
        {
          /* The usual case: the source gives whole frames; no copy. */
          ret = encode_frame (self, samples + offset * self->channels);
          offset += self->frame_samples;
        }
      else
        {
          guint take = MIN (self->frame_samples - self->frame_fill, n - offset);

          memcpy (self->pending + self->frame_fill * self->channels,
                  samples + offset * self->channels,
                  take * self->channels * sizeof (gint16));
          self->frame_fill += take;
          offset += take;
          if (self->frame_fill == self->frame_samples)
            {
              self->frame_fill = 0;
              ret = encode_frame (self, self->pending);
            }
        }
    }

  gst_buffer_unmap (buffer, &map);
  gst_buffer_unref (buffer);

  return ret;
}

/* The end of the stream: the last partial frame, padded with silence. */
static void
drain (CbOpusEnc *self)
{
  if (self->encoder == NULL || self->frame_fill == 0)
    return;

  memset (self->pending + self->frame_fill * self->channels, 0,
          (self->frame_samples - self->frame_fill) * self->channels * sizeof (gint16));
  self->frame_fill = 0;
  encode_frame (self, self->pending);
}

static void
reset (CbOpusEnc *self)
{
  self->frame_fill = 0;
  self->frame_pts = GST_CLOCK_TIME_NONE;
  self->next_pts = GST_CLOCK_TIME_NONE;
  self->discont = TRUE;
  if (self->encoder != NULL)
    opus_encoder_ctl (self->encoder, OPUS_RESET_STATE);
}

static gboolean
cb_opus_enc_sink_event (GstPad    *pad,
                        GstObject *parent,
                        GstEvent  *event)
{
  CbOpusEnc *self = CB_OPUS_ENC (parent);

  switch (GST_EVENT_TYPE (event))
    {
    case GST_EVENT_CAPS:
      {
        GstCaps *caps;
        gboolean ok;

        gst_event_parse_caps (event, &caps);
        ok = configure (self, caps);
        gst_event_unref (event);
        return ok;
      }

    case GST_EVENT_EOS:
      drain (self);
      break;

    case GST_EVENT_FLUSH_STOP:
      reset (self);
      break;

    default:
      break;
    }

  return gst_pad_event_default (pad, parent, event);
}

/* Upstream's latency plus one frame: the first sample of a frame waits
 * that long for the last. */
static gboolean
cb_opus_enc_src_query (GstPad    *pad,
                       GstObject *parent,
                       GstQuery  *query)
{
  CbOpusEnc *self = CB_OPUS_ENC (parent);

  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY)
    {
      GstClockTime min, max, frame;
      gboolean live;

      if (!gst_pad_peer_query (self->sinkpad, query))
        return FALSE;

      GST_OBJECT_LOCK (self);
      frame = self->frame_ms * GST_MSECOND;
      GST_OBJECT_UNLOCK (self);
      gst_query_parse_latency (query, &live, &min, &max);
      min += frame;
      if (GST_CLOCK_TIME_IS_VALID (max))
        max += frame;
      gst_query_set_latency (query, live, min, max);
      return TRUE;
    }

  return gst_pad_query_default (pad, parent, query);
}

static GstStateChangeReturn
cb_opus_enc_change_state (GstElement     *element,
                          GstStateChange  transition)
{
  CbOpusEnc *self = CB_OPUS_ENC (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
    reset (self);

  ret = GST_ELEMENT_CLASS (cb_opus_enc_parent_class)->change_state (element, transition);

  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    g_clear_pointer (&self->encoder, opus_encoder_destroy);

  return ret;
}

static void
cb_opus_enc_finalize (GObject *object)
{
  CbOpusEnc *self = CB_OPUS_ENC (object);

  g_clear_pointer (&self->encoder, opus_encoder_destroy);

  G_OBJECT_CLASS (cb_opus_enc_parent_class)->finalize (object);
}

static void
cb_opus_enc_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CbOpusEnc *self = CB_OPUS_ENC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id)
    {
    case PROP_AUDIO_TYPE:
      g_value_set_enum (value, self->audio_type);
      break;
    case PROP_BITRATE:
      g_value_set_int (value, self->bitrate);
      break;
    case PROP_COMPLEXITY:
      g_value_set_int (value, self->complexity);
      break;
    case PROP_FRAME_SIZE:
      g_value_set_uint (value, self->frame_ms);
      break;
    case PROP_INBAND_FEC:
      g_value_set_boolean (value, self->inband_fec);
      break;
    case PROP_PACKET_LOSS:
      g_value_set_int (value, self->packet_loss);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  GST_OBJECT_UNLOCK (self);
}

static void
cb_opus_enc_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CbOpusEnc *self = CB_OPUS_ENC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id)
    {
    case PROP_AUDIO_TYPE:
      /* Takes effect with the next caps (libopus fixes it at the first
       * frame). */
      self->audio_type = g_value_get_enum (value);
      break;
    case PROP_BITRATE:
      self->bitrate = g_value_get_int (value);
      break;
    case PROP_COMPLEXITY:
      self->complexity = g_value_get_int (value);
      break;
    case PROP_FRAME_SIZE:
      /* Takes effect with the next caps. */
      if (frame_ms_valid (g_value_get_uint (value)))
        self->frame_ms = g_value_get_uint (value);
      else
        GST_WARNING_OBJECT (self, "frame-size must be 10, 20, 40 or 60 ms");
      break;
    case PROP_INBAND_FEC:
      self->inband_fec = g_value_get_boolean (value);
      break;
    case PROP_PACKET_LOSS:
      self->packet_loss = g_value_get_int (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  self->settings_changed = TRUE;
  GST_OBJECT_UNLOCK (self);
}

static void
cb_opus_enc_class_init (CbOpusEncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  object_class->finalize = cb_opus_enc_finalize;
  object_class->get_property = cb_opus_enc_get_property;
  object_class->set_property = cb_opus_enc_set_property;
  element_class->change_state = cb_opus_enc_change_state;

  /* The names and meanings of opusenc's, so either element can be told
   * the same. */
  properties[PROP_AUDIO_TYPE] =
    g_param_spec_enum ("audio-type", NULL, NULL,
                       CB_TYPE_OPUS_ENC_AUDIO_TYPE, DEFAULT_AUDIO_TYPE,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BITRATE] =
    g_param_spec_int ("bitrate", NULL, NULL, 6000, 510000, DEFAULT_BITRATE,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPLEXITY] =
    g_param_spec_int ("complexity", NULL, NULL, 0, 10, DEFAULT_COMPLEXITY,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* In ms: 10, 20, 40 or 60. */
  properties[PROP_FRAME_SIZE] =
    g_param_spec_uint ("frame-size", NULL, NULL, 10, 60, DEFAULT_FRAME_MS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_INBAND_FEC] =
    g_param_spec_boolean ("inband-fec", NULL, NULL, DEFAULT_FEC,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* Opus adds in-band FEC only when told to expect some loss. */
  properties[PROP_PACKET_LOSS] =
    g_param_spec_int ("packet-loss-percentage", NULL, NULL, 0, 100, DEFAULT_LOSS,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
                                         "Opus call encoder", "Codec/Encoder/Audio",
                                         "Encodes one mono or stereo Opus stream for RTP",
                                         "Callboard");
}

static void
cb_opus_enc_init (CbOpusEnc *self)
{
  self->audio_type = DEFAULT_AUDIO_TYPE;
  self->bitrate = DEFAULT_BITRATE;
  self->complexity = DEFAULT_COMPLEXITY;
  self->frame_ms = DEFAULT_FRAME_MS;
  self->inband_fec = DEFAULT_FEC;
  self->packet_loss = DEFAULT_LOSS;
  self->frame_pts = GST_CLOCK_TIME_NONE;
  self->next_pts = GST_CLOCK_TIME_NONE;

  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad, cb_opus_enc_chain);
  gst_pad_set_event_function (self->sinkpad, cb_opus_enc_sink_event);
  GST_PAD_SET_ACCEPT_TEMPLATE (self->sinkpad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_query_function (self->srcpad, cb_opus_enc_src_query);
  gst_pad_use_fixed_caps (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
}
