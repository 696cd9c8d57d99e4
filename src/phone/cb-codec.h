/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-codec.h: the audio codec table shared by the media pipeline and SDP. */
#pragma once

#include <glib.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/* A row of the codec table. The table is static and ordered by preference,
 * so a CbCodec pointer is valid for the whole process lifetime. */
typedef struct _CbCodec {
  const char *name;           /* our short name: "opus", "pcma", "pcmu" */
  const char *encoding_name;  /* SDP rtpmap / RTP caps encoding-name */
  guint       payload_type;   /* static PT, or the dynamic PT we offer */
  gboolean    dynamic_pt;     /* TRUE when the PT is negotiated, not fixed */
  guint       clock_rate;     /* RTP clock rate, also the encoder input rate */
  guint       sdp_channels;   /* channels in a=rtpmap (0: omit) */
  const char *fmtp;           /* a=fmtp parameters we offer, or NULL */
  const char *encoder;        /* GStreamer element factory names */
  const char *payloader;
  const char *depayloader;
  const char *decoder;
} CbCodec;

/* Telephone events (RFC 4733) need their own PT per clock rate. */
#define CB_CODEC_DTMF_PT_8000  101
#define CB_CODEC_DTMF_PT_48000 110

void            cb_codec_register_elements    (void);
const CbCodec  *cb_codec_lookup_name          (const char    *name);
const CbCodec  *cb_codec_lookup_static_pt     (guint          pt);
const CbCodec  *cb_codec_lookup_encoding      (const char    *encoding_name,
                                               guint          clock_rate);
gboolean        cb_codec_is_available         (const CbCodec *codec);
GList          *cb_codec_list_available       (void);
guint           cb_codec_dtmf_pt_for_rate     (guint          clock_rate);
GstCaps        *cb_codec_rtp_caps             (const CbCodec *codec,
                                               guint          pt);
GstCaps        *cb_codec_dtmf_rtp_caps        (guint          clock_rate,
                                               guint          pt);

G_END_DECLS
