/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-srtp.h: SDES-SRTP (RFC 4568, AES_CM_128_HMAC_SHA1_80): keys, a=crypto
 * attributes, and GStreamer's srtpenc/srtpdec for a call's media. */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

/* sofia-sip's sdp_media_t, without its headers for whoever only runs media. */
struct sdp_media_s;

G_BEGIN_DECLS

/* The one suite we speak: AES counter mode with a 128-bit key, 80-bit
 * HMAC-SHA1 tag, for SRTP and SRTCP alike (RFC 4568 §6.2.1). Every SDES
 * implementation has it; it is what srtpenc and srtpdec default to. */
#define CB_SRTP_SUITE        "AES_CM_128_HMAC_SHA1_80"
/* The master key (16 bytes) followed by the master salt (14 bytes). */
#define CB_SRTP_KEY_LENGTH   30

/* One a=crypto attribute of our suite: its tag and inline key. */
typedef struct _CbSrtpCrypto {
  guint  tag;
  guint8 key[CB_SRTP_KEY_LENGTH];
} CbSrtpCrypto;

/* How an SDP audio stream asks for media encryption. */
typedef enum {
  CB_SRTP_MODE_NONE,        /* plain RTP: RTP/AVP without a=crypto */
  CB_SRTP_MODE_BEST_EFFORT, /* RTP/AVP with a=crypto: SRTP if the answer has a key too */
  CB_SRTP_MODE_MANDATORY,   /* RTP/SAVP (or SAVPF): SRTP or nothing */
} CbSrtpMode;

/* A fresh key from libsodium's CSPRNG, under `tag`. */
void          cb_srtp_crypto_generate   (CbSrtpCrypto        *crypto,
                                         guint                tag);
/* The attribute's value: "TAG AES_CM_128_HMAC_SHA1_80 inline:KEY". */
char         *cb_srtp_crypto_to_string  (const CbSrtpCrypto  *crypto);
/* Reads an a=crypto value; FALSE (and why) for another suite, a key of
 * the wrong size, an MKI or session parameters, which we do not do. */
gboolean      cb_srtp_crypto_parse      (const char          *value,
                                         CbSrtpCrypto        *crypto,
                                         GError             **error);
/* The key as srtpenc's "key" property and srtpdec's caps take it. */
GstBuffer    *cb_srtp_crypto_buffer     (const CbSrtpCrypto  *crypto);

/* What the stream asks for, and (when crypto is not NULL) the first of
 * its a=crypto attributes we can do. A stream with a=crypto lines but
 * none of our suite is BEST_EFFORT or MANDATORY all the same: *usable
 * (if not NULL) says whether crypto was filled in. */
CbSrtpMode    cb_srtp_media_mode        (const struct sdp_media_s *media,
                                         CbSrtpCrypto        *crypto,
                                         gboolean            *usable);
/* The answer's key for the tag we offered; FALSE when it has none. */
gboolean      cb_srtp_media_answer      (const struct sdp_media_s *media,
                                         guint                tag,
                                         CbSrtpCrypto        *crypto);
/* Whether the SDP text's first active audio stream asks for SRTP
 * (BEST_EFFORT or MANDATORY) with a key we can use. */
gboolean      cb_srtp_sdp_has_crypto    (const char          *sdp);
/* The SDP text without a single a=crypto attribute, every stream's proto
 * kept; NULL when sofia cannot read it. */
char         *cb_srtp_sdp_strip         (const char          *sdp);

/* Puts srtpenc (send) and srtpdec (receive) for session 0 into rtpbin,
 * through its request-*-encoder/decoder signals: call before rtpbin
 * goes to PAUSED. The receive sockets' udpsrc must then produce
 * cb_srtp_rtp_caps() and cb_srtp_rtcp_caps(). */
void          cb_srtp_attach_to_rtpbin  (GstElement          *rtpbin,
                                         const CbSrtpCrypto  *local,
                                         const CbSrtpCrypto  *remote);
GstCaps      *cb_srtp_rtp_caps          (void);
GstCaps      *cb_srtp_rtcp_caps         (void);

/* Protects RTP packets one by one, in the caller's thread (srtpenc
 * driven by hand): for a sender that builds its own packets. */
typedef struct _CbSrtpSender CbSrtpSender;

CbSrtpSender *cb_srtp_sender_new        (const CbSrtpCrypto  *crypto,
                                         GError             **error);
/* The SRTP packet for an RTP packet, NULL when srtpenc refused it. */
GBytes       *cb_srtp_sender_protect    (CbSrtpSender        *self,
                                         const guint8        *packet,
                                         gsize                length);
void          cb_srtp_sender_free       (CbSrtpSender        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbSrtpSender, cb_srtp_sender_free)

G_END_DECLS
