/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-opus-dec.h: "cbopusdec", an Opus decoder element on libopus's
 * single-stream API, with packet loss concealment for RTP gaps. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define CB_TYPE_OPUS_DEC (cb_opus_dec_get_type ())
G_DECLARE_FINAL_TYPE (CbOpusDec, cb_opus_dec, CB, OPUS_DEC, GstElement)

G_END_DECLS
