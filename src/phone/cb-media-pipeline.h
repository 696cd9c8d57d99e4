/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-media-pipeline.h: one call's RTP audio (GStreamer rtpbin) in both directions. */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "cb-srtp.h"

G_BEGIN_DECLS

/* The SDP a= direction attribute, seen from this end (RFC 3264). */
typedef enum {
  CB_MEDIA_DIRECTION_SENDRECV,
  CB_MEDIA_DIRECTION_SENDONLY,
  CB_MEDIA_DIRECTION_RECVONLY,
  CB_MEDIA_DIRECTION_INACTIVE,
} CbMediaDirection;

#define CB_MEDIA_PIPELINE_DEFAULT_LATENCY_MS 40

#define CB_TYPE_MEDIA_PIPELINE (cb_media_pipeline_get_type ())
G_DECLARE_FINAL_TYPE (CbMediaPipeline, cb_media_pipeline, CB, MEDIA_PIPELINE, GObject)

CbMediaPipeline  *cb_media_pipeline_new                (const char        *local_address,
                                                        guint              port_min,
                                                        guint              port_max,
                                                        GError           **error);

guint             cb_media_pipeline_get_local_rtp_port  (CbMediaPipeline   *self);
guint             cb_media_pipeline_get_local_rtcp_port (CbMediaPipeline   *self);
const char       *cb_media_pipeline_get_local_address   (CbMediaPipeline   *self);

void              cb_media_pipeline_set_remote          (CbMediaPipeline   *self,
                                                        const char        *address,
                                                        guint              rtp_port,
                                                        guint              rtcp_port);
gboolean          cb_media_pipeline_set_codec           (CbMediaPipeline   *self,
                                                        const char        *codec_name,
                                                        guint              payload_type,
                                                        int                dtmf_payload_type,
                                                        GError           **error);
const char       *cb_media_pipeline_get_codec           (CbMediaPipeline   *self);
/* SRTP (cb-srtp.h) with our key and the peer's, or plain RTP for NULL
 * keys; only while stopped, like the codec. */
gboolean          cb_media_pipeline_set_srtp            (CbMediaPipeline   *self,
                                                        const CbSrtpCrypto *local,
                                                        const CbSrtpCrypto *remote,
                                                        GError           **error);
gboolean          cb_media_pipeline_get_encrypted       (CbMediaPipeline   *self);

gboolean          cb_media_pipeline_start               (CbMediaPipeline   *self,
                                                        GError           **error);
void              cb_media_pipeline_stop                (CbMediaPipeline   *self);
gboolean          cb_media_pipeline_is_running          (CbMediaPipeline   *self);

void              cb_media_pipeline_set_mute            (CbMediaPipeline   *self,
                                                        gboolean           mute);
gboolean          cb_media_pipeline_get_mute            (CbMediaPipeline   *self);
void              cb_media_pipeline_set_direction       (CbMediaPipeline   *self,
                                                        CbMediaDirection   direction);
CbMediaDirection  cb_media_pipeline_get_direction       (CbMediaPipeline   *self);
void              cb_media_pipeline_set_latency         (CbMediaPipeline   *self,
                                                        guint              latency_ms);
guint             cb_media_pipeline_get_latency         (CbMediaPipeline   *self);

gboolean          cb_media_pipeline_send_dtmf           (CbMediaPipeline   *self,
                                                        const char        *digits,
                                                        GError           **error);

GVariant         *cb_media_pipeline_dup_stats           (CbMediaPipeline   *self);
GstElement       *cb_media_pipeline_get_audio_sink      (CbMediaPipeline   *self);
GstElement       *cb_media_pipeline_get_audio_src       (CbMediaPipeline   *self);

const char       *cb_media_direction_to_sdp             (CbMediaDirection  direction);
gboolean          cb_media_direction_from_sdp           (const char       *attribute,
                                                        CbMediaDirection *direction);

G_END_DECLS
