/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-opus-enc.h: "cbopusenc", an Opus encoder element on libopus's
 * single-stream API, for calls (mono or stereo, one frame per buffer). */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum {
  CB_OPUS_ENC_AUDIO_TYPE_VOICE = 2048,    /* OPUS_APPLICATION_VOIP */
  CB_OPUS_ENC_AUDIO_TYPE_GENERIC = 2049,  /* OPUS_APPLICATION_AUDIO */
} CbOpusEncAudioType;

#define CB_TYPE_OPUS_ENC_AUDIO_TYPE (cb_opus_enc_audio_type_get_type ())
GType cb_opus_enc_audio_type_get_type (void);

#define CB_TYPE_OPUS_ENC (cb_opus_enc_get_type ())
G_DECLARE_FINAL_TYPE (CbOpusEnc, cb_opus_enc, CB, OPUS_ENC, GstElement)

G_END_DECLS
