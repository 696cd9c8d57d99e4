/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-codec.c: the codec table in preference order, and helpers to map SDP
 * names and payload types to GStreamer elements and RTP caps. */
#define G_LOG_DOMAIN "cb-phone"

#include "cb-codec.h"
#include "cb-opus-dec.h"
#include "cb-opus-enc.h"

/* Order is preference: Opus first (wideband, FEC, robust to loss), then the
 * G.711 pair every SIP peer and trunk understands. */
static const CbCodec codecs[] = {
  {
    .name = "opus", .encoding_name = "OPUS",
    .payload_type = 111, .dynamic_pt = TRUE,
    /* RFC 7587: always signalled as 48000/2, whatever is actually sent. */
    .clock_rate = 48000, .sdp_channels = 2,
    .fmtp = "useinbandfec=1",
    /* Our own, on libopus's single-stream API (cb-opus-enc.c says why);
     * RTP packing stays GStreamer's (RFC 7587). */
    .encoder = "cbopusenc", .payloader = "rtpopuspay",
    .depayloader = "rtpopusdepay", .decoder = "cbopusdec",
  },
  {
    .name = "pcma", .encoding_name = "PCMA",
    .payload_type = 8, .dynamic_pt = FALSE,
    .clock_rate = 8000, .sdp_channels = 0,
    .encoder = "alawenc", .payloader = "rtppcmapay",
    .depayloader = "rtppcmadepay", .decoder = "alawdec",
  },
  {
    .name = "pcmu", .encoding_name = "PCMU",
    .payload_type = 0, .dynamic_pt = FALSE,
    .clock_rate = 8000, .sdp_channels = 0,
    .encoder = "mulawenc", .payloader = "rtppcmupay",
    .depayloader = "rtppcmudepay", .decoder = "mulawdec",
  },
};

/**
 * cb_codec_register_elements:
 *
 * Registers the phone library's own GStreamer elements (cbopusenc,
 * cbopusdec) with this process, initialising GStreamer if nobody has yet.
 * Every lookup in the table does it first, so a name read from a row can
 * always be instantiated; call it directly to use the elements by name.
 */
void
cb_codec_register_elements (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      if (!gst_is_initialized ())
        gst_init (NULL, NULL);
      gst_element_register (NULL, "cbopusenc", GST_RANK_NONE, CB_TYPE_OPUS_ENC);
      gst_element_register (NULL, "cbopusdec", GST_RANK_NONE, CB_TYPE_OPUS_DEC);
      g_once_init_leave (&registered, 1);
    }
}

const CbCodec *
cb_codec_lookup_name (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  cb_codec_register_elements ();

  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++)
    if (g_ascii_strcasecmp (codecs[i].name, name) == 0)
      return &codecs[i];

  return NULL;
}

const CbCodec *
cb_codec_lookup_static_pt (guint pt)
{
  cb_codec_register_elements ();

  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++)
    if (!codecs[i].dynamic_pt && codecs[i].payload_type == pt)
      return &codecs[i];

  return NULL;
}

const CbCodec *
cb_codec_lookup_encoding (const char *encoding_name,
                          guint       clock_rate)
{
  g_return_val_if_fail (encoding_name != NULL, NULL);

  cb_codec_register_elements ();

  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++)
    if (g_ascii_strcasecmp (codecs[i].encoding_name, encoding_name) == 0 &&
        codecs[i].clock_rate == clock_rate)
      return &codecs[i];

  return NULL;
}

static gboolean
factory_exists (const char *name)
{
  g_autoptr(GstElementFactory) factory = gst_element_factory_find (name);

  return factory != NULL;
}

/* Distributions split codecs over plugin packages, so only offer what we
 * can actually instantiate. */
gboolean
cb_codec_is_available (const CbCodec *codec)
{
  g_return_val_if_fail (codec != NULL, FALSE);

  cb_codec_register_elements ();

  return factory_exists (codec->encoder) &&
         factory_exists (codec->payloader) &&
         factory_exists (codec->depayloader) &&
         factory_exists (codec->decoder);
}

/* Returns: (transfer container) (element-type CbCodec): in preference order. */
GList *
cb_codec_list_available (void)
{
  GList *list = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++)
    if (cb_codec_is_available (&codecs[i]))
      list = g_list_prepend (list, (gpointer) &codecs[i]);

  return g_list_reverse (list);
}

guint
cb_codec_dtmf_pt_for_rate (guint clock_rate)
{
  return clock_rate == 48000 ? CB_CODEC_DTMF_PT_48000 : CB_CODEC_DTMF_PT_8000;
}

GstCaps *
cb_codec_rtp_caps (const CbCodec *codec,
                   guint          pt)
{
  g_return_val_if_fail (codec != NULL, NULL);

  return gst_caps_new_simple ("application/x-rtp",
                              "media", G_TYPE_STRING, "audio",
                              "clock-rate", G_TYPE_INT, (int) codec->clock_rate,
                              "encoding-name", G_TYPE_STRING, codec->encoding_name,
                              "payload", G_TYPE_INT, (int) pt,
                              NULL);
}

GstCaps *
cb_codec_dtmf_rtp_caps (guint clock_rate,
                        guint pt)
{
  return gst_caps_new_simple ("application/x-rtp",
                              "media", G_TYPE_STRING, "audio",
                              "clock-rate", G_TYPE_INT, (int) clock_rate,
                              "encoding-name", G_TYPE_STRING, "TELEPHONE-EVENT",
                              "payload", G_TYPE_INT, (int) pt,
                              NULL);
}
