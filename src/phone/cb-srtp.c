/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-srtp.c: SDES-SRTP (RFC 4568) for the phone library and the server's
 * own media: keys from libsodium, a=crypto attributes read and written,
 * GStreamer's srtpenc/srtpdec put into a call's rtpbin, and srtpenc driven
 * by hand for a sender that builds its own RTP packets (hold music). */
#define G_LOG_DOMAIN "cb-phone"

#include "cb-srtp.h"

#include <string.h>

#include <sodium.h>
#include <sofia-sip/sdp.h>

#define CB_SRTP_KEY_BASE64_LENGTH 40   /* 30 bytes in base64 */

/* ---- keys and attributes -------------------------------------------------- */

void
cb_srtp_crypto_generate (CbSrtpCrypto *crypto,
                         guint         tag)
{
  g_return_if_fail (crypto != NULL);

  /* Idempotent, and safe from any thread: randombytes_buf() needs it. */
  if (sodium_init () < 0)
    g_error ("libsodium cannot be initialised");
  crypto->tag = tag;
  randombytes_buf (crypto->key, sizeof crypto->key);
}

char *
cb_srtp_crypto_to_string (const CbSrtpCrypto *crypto)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (crypto != NULL, NULL);

  key = g_base64_encode (crypto->key, sizeof crypto->key);
  return g_strdup_printf ("%u " CB_SRTP_SUITE " inline:%s", crypto->tag, key);
}

static gboolean
is_base64 (const char *text,
           gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/' && text[i] != '=')
      return FALSE;
  return TRUE;
}

gboolean
cb_srtp_crypto_parse (const char    *value,
                      CbSrtpCrypto  *crypto,
                      GError       **error)
{
  g_auto(GStrv) fields = NULL;
  g_autofree guchar *key = NULL;
  const char *params;
  gsize key_length = 0;
  gsize encoded_length;
  guint64 tag;
  char *end = NULL;

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (crypto != NULL, FALSE);

  /* tag SP crypto-suite SP key-params [SP session-params] (§9.1) */
  fields = g_strsplit_set (value, " \t", -1);
  if (g_strv_length (fields) < 3)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not an a=crypto attribute: %s", value);
      return FALSE;
    }
  tag = g_ascii_strtoull (fields[0], &end, 10);
  if (end == fields[0] || *end != '\0' || tag > 999999999)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Bad a=crypto tag “%s”", fields[0]);
      return FALSE;
    }
  if (strcmp (fields[1], CB_SRTP_SUITE) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Crypto suite %s is not supported",
                   fields[1]);
      return FALSE;
    }
  /* Session parameters (KDR, UNENCRYPTED_SRTP, …) change what the key
   * means; several keys (";") come with MKIs. Neither is for us. */
  if (fields[3] != NULL && fields[3][0] != '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "SRTP session parameters are not supported");
      return FALSE;
    }
  params = fields[2];
  if (!g_str_has_prefix (params, "inline:") || strchr (params, ';') != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Only one inline key is supported");
      return FALSE;
    }
  params += strlen ("inline:");
  encoded_length = strcspn (params, "|");
  /* KEY|LIFETIME|MKI:LENGTH: a lifetime only limits how long the key may
   * be used (srtpdec's hard limit stands for it); an MKI is not done. */
  if (params[encoded_length] == '|')
    {
      const char *rest = params + encoded_length + 1;

      if (strchr (rest, ':') != NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "SRTP master key identifiers are not supported");
          return FALSE;
        }
    }
  if (encoded_length != CB_SRTP_KEY_BASE64_LENGTH || !is_base64 (params, encoded_length))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Bad SRTP key");
      return FALSE;
    }
  {
    g_autofree char *encoded = g_strndup (params, encoded_length);

    key = g_base64_decode (encoded, &key_length);
  }
  if (key_length != CB_SRTP_KEY_LENGTH)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "An SRTP key has %d bytes, not %" G_GSIZE_FORMAT,
                   CB_SRTP_KEY_LENGTH, key_length);
      return FALSE;
    }
  crypto->tag = (guint) tag;
  memcpy (crypto->key, key, CB_SRTP_KEY_LENGTH);
  sodium_memzero (key, key_length);
  return TRUE;
}

GstBuffer *
cb_srtp_crypto_buffer (const CbSrtpCrypto *crypto)
{
  g_return_val_if_fail (crypto != NULL, NULL);

  return gst_buffer_new_memdup (crypto->key, sizeof crypto->key);
}

/* ---- SDP ---------------------------------------------------------------------- */

static gboolean
proto_is_savp (const sdp_media_t *media)
{
  return media->m_proto == sdp_proto_srtp ||
         (media->m_proto_name != NULL && g_str_has_prefix (media->m_proto_name, "RTP/SAVP"));
}

CbSrtpMode
cb_srtp_media_mode (const sdp_media_t *media,
                    CbSrtpCrypto      *crypto,
                    gboolean          *usable)
{
  gboolean any = FALSE;
  gboolean found = FALSE;

  g_return_val_if_fail (media != NULL, CB_SRTP_MODE_NONE);

  for (const sdp_attribute_t *a = media->m_attributes; a != NULL; a = a->a_next)
    {
      CbSrtpCrypto candidate;

      if (g_ascii_strcasecmp (a->a_name, "crypto") != 0 || a->a_value == NULL)
        continue;
      any = TRUE;
      if (!found && cb_srtp_crypto_parse (a->a_value, &candidate, NULL))
        {
          found = TRUE;
          if (crypto != NULL)
            *crypto = candidate;
        }
      sodium_memzero (&candidate, sizeof candidate);
    }
  if (usable != NULL)
    *usable = found;
  if (proto_is_savp (media))
    return CB_SRTP_MODE_MANDATORY;
  return any ? CB_SRTP_MODE_BEST_EFFORT : CB_SRTP_MODE_NONE;
}

gboolean
cb_srtp_media_answer (const sdp_media_t *media,
                      guint              tag,
                      CbSrtpCrypto      *crypto)
{
  g_return_val_if_fail (media != NULL, FALSE);
  g_return_val_if_fail (crypto != NULL, FALSE);

  /* The answer has one attribute, under the tag of the offer's it took. */
  for (const sdp_attribute_t *a = media->m_attributes; a != NULL; a = a->a_next)
    if (g_ascii_strcasecmp (a->a_name, "crypto") == 0 && a->a_value != NULL &&
        cb_srtp_crypto_parse (a->a_value, crypto, NULL) && crypto->tag == tag)
      return TRUE;
  return FALSE;
}

static const sdp_media_t *
first_audio (const sdp_session_t *session)
{
  for (const sdp_media_t *m = session != NULL ? session->sdp_media : NULL; m != NULL; m = m->m_next)
    if (m->m_type == sdp_media_audio && m->m_port != 0 && !m->m_rejected)
      return m;
  return NULL;
}

gboolean
cb_srtp_sdp_has_crypto (const char *sdp)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  const sdp_media_t *audio;
  gboolean usable = FALSE;

  if (sdp == NULL)
    return FALSE;
  audio = first_audio (sdp_session (sdp_parse (home, sdp, (issize_t) strlen (sdp), 0)));
  if (audio != NULL && cb_srtp_media_mode (audio, NULL, &usable) == CB_SRTP_MODE_NONE)
    usable = FALSE;
  su_home_deinit (home);
  return usable;
}

char *
cb_srtp_sdp_strip (const char *sdp)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  sdp_session_t *session;
  char *stripped = NULL;

  g_return_val_if_fail (sdp != NULL, NULL);

  session = sdp_session (sdp_parse (home, sdp, (issize_t) strlen (sdp), 0));
  if (session != NULL)
    {
      sdp_printer_t *printer;

      while (sdp_attribute_remove (&session->sdp_attributes, "crypto") != NULL)
        ;
      for (sdp_media_t *m = session->sdp_media; m != NULL; m = m->m_next)
        while (sdp_attribute_remove (&m->m_attributes, "crypto") != NULL)
          ;
      printer = sdp_print (home, session, NULL, 0, 0);
      if (sdp_message (printer) != NULL)
        stripped = g_strdup (sdp_message (printer));
    }
  su_home_deinit (home);
  return stripped;
}

/* ---- a call's rtpbin ---------------------------------------------------------- */

/* What session 0's encoder and decoder are made from; lives as long as
 * the rtpbin. The elements are the rtpbin's: it asks for each twice (RTP,
 * RTCP) and must get the same one. */
typedef struct {
  CbSrtpCrypto  local;
  CbSrtpCrypto  remote;
  GstElement   *encoder;
  GstElement   *decoder;
} RtpbinSrtp;

static void
rtpbin_srtp_free (RtpbinSrtp *srtp)
{
  gst_clear_object (&srtp->encoder);
  gst_clear_object (&srtp->decoder);
  sodium_memzero (srtp, sizeof *srtp);
  g_free (srtp);
}

static GstElement *
request_encoder (RtpbinSrtp *srtp,
                 const char *pad)
{
  g_autoptr(GstPad) sink = NULL;

  if (srtp->encoder == NULL)
    {
      g_autoptr(GstBuffer) key = cb_srtp_crypto_buffer (&srtp->local);

      /* aes-128-icm and hmac-sha1-80 are its defaults, RTP and RTCP. */
      srtp->encoder = gst_element_factory_make ("srtpenc", NULL);
      if (srtp->encoder == NULL)
        return NULL;
      gst_object_ref_sink (srtp->encoder);
      g_object_set (srtp->encoder, "key", key, NULL);
    }
  /* rtpbin looks for the src pad before it asks for the sink pad that
   * makes srtpenc create it. */
  sink = gst_element_request_pad_simple (srtp->encoder, pad);
  return gst_object_ref (srtp->encoder);
}

static GstElement *
on_request_rtp_encoder (GstElement *rtpbin,
                        guint       session,
                        RtpbinSrtp *srtp)
{
  return session == 0 ? request_encoder (srtp, "rtp_sink_0") : NULL;
}

static GstElement *
on_request_rtcp_encoder (GstElement *rtpbin,
                         guint       session,
                         RtpbinSrtp *srtp)
{
  return session == 0 ? request_encoder (srtp, "rtcp_sink_0") : NULL;
}

static GstCaps *
on_request_key (GstElement *decoder,
                guint       ssrc,
                RtpbinSrtp *srtp)
{
  g_autoptr(GstBuffer) key = cb_srtp_crypto_buffer (&srtp->remote);

  /* One key for whatever SSRC the peer sends from (SDES keys the stream,
   * not a source). */
  return gst_caps_new_simple ("application/x-srtp",
                              "srtp-key", GST_TYPE_BUFFER, key,
                              "srtp-cipher", G_TYPE_STRING, "aes-128-icm",
                              "srtp-auth", G_TYPE_STRING, "hmac-sha1-80",
                              "srtcp-cipher", G_TYPE_STRING, "aes-128-icm",
                              "srtcp-auth", G_TYPE_STRING, "hmac-sha1-80",
                              NULL);
}

static GstElement *
on_request_decoder (GstElement *rtpbin,
                    guint       session,
                    RtpbinSrtp *srtp)
{
  if (session != 0)
    return NULL;
  if (srtp->decoder == NULL)
    {
      srtp->decoder = gst_element_factory_make ("srtpdec", NULL);
      if (srtp->decoder == NULL)
        return NULL;
      gst_object_ref_sink (srtp->decoder);
      g_signal_connect (srtp->decoder, "request-key", G_CALLBACK (on_request_key), srtp);
    }
  return gst_object_ref (srtp->decoder);
}

void
cb_srtp_attach_to_rtpbin (GstElement         *rtpbin,
                          const CbSrtpCrypto *local,
                          const CbSrtpCrypto *remote)
{
  RtpbinSrtp *srtp;

  g_return_if_fail (GST_IS_ELEMENT (rtpbin));
  g_return_if_fail (local != NULL && remote != NULL);

  srtp = g_new0 (RtpbinSrtp, 1);
  srtp->local = *local;
  srtp->remote = *remote;
  g_object_set_data_full (G_OBJECT (rtpbin), "cb-srtp", srtp, (GDestroyNotify) rtpbin_srtp_free);
  g_signal_connect (rtpbin, "request-rtp-encoder", G_CALLBACK (on_request_rtp_encoder), srtp);
  g_signal_connect (rtpbin, "request-rtcp-encoder", G_CALLBACK (on_request_rtcp_encoder), srtp);
  g_signal_connect (rtpbin, "request-rtp-decoder", G_CALLBACK (on_request_decoder), srtp);
  g_signal_connect (rtpbin, "request-rtcp-decoder", G_CALLBACK (on_request_decoder), srtp);
}

GstCaps *
cb_srtp_rtp_caps (void)
{
  return gst_caps_new_empty_simple ("application/x-srtp");
}

GstCaps *
cb_srtp_rtcp_caps (void)
{
  return gst_caps_new_empty_simple ("application/x-srtcp");
}

/* ---- packets protected one by one ------------------------------------------- */

struct _CbSrtpSender {
  GstElement *encoder;
  GstPad     *src;       /* ours, feeding the encoder */
  GstPad     *sink;      /* ours, taking what it protected */
  GstBuffer  *protected; /* the last packet out */
};

static GstFlowReturn
sender_chain (GstPad    *pad,
              GstObject *parent,
              GstBuffer *buffer)
{
  CbSrtpSender *self = gst_pad_get_element_private (pad);

  gst_clear_buffer (&self->protected);
  self->protected = buffer;
  return GST_FLOW_OK;
}

CbSrtpSender *
cb_srtp_sender_new (const CbSrtpCrypto  *crypto,
                    GError             **error)
{
  g_autoptr(GstBuffer) key = NULL;
  g_autoptr(GstPad) encoder_sink = NULL;
  g_autoptr(GstPad) encoder_src = NULL;
  g_autoptr(GstCaps) caps = NULL;
  CbSrtpSender *self;

  g_return_val_if_fail (crypto != NULL, NULL);

  if (!gst_init_check (NULL, NULL, error))
    return NULL;
  self = g_new0 (CbSrtpSender, 1);
  self->encoder = gst_element_factory_make ("srtpenc", NULL);
  if (self->encoder == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "GStreamer element “srtpenc” is not installed");
      g_free (self);
      return NULL;
    }
  gst_object_ref_sink (self->encoder);
  key = cb_srtp_crypto_buffer (crypto);
  g_object_set (self->encoder, "key", key, NULL);

  /* No pipeline: our own pads on both sides, so a push returns with the
   * protected packet in hand (srtpenc has no thread of its own). */
  encoder_sink = gst_element_request_pad_simple (self->encoder, "rtp_sink_0");
  encoder_src = gst_element_get_static_pad (self->encoder, "rtp_src_0");
  self->src = gst_pad_new ("src", GST_PAD_SRC);
  self->sink = gst_pad_new ("sink", GST_PAD_SINK);
  gst_pad_set_element_private (self->sink, self);
  gst_pad_set_chain_function (self->sink, sender_chain);
  if (encoder_src == NULL ||
      GST_PAD_LINK_FAILED (gst_pad_link (self->src, encoder_sink)) ||
      GST_PAD_LINK_FAILED (gst_pad_link (encoder_src, self->sink)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not set up srtpenc");
      cb_srtp_sender_free (self);
      return NULL;
    }
  gst_pad_set_active (self->sink, TRUE);
  gst_pad_set_active (self->src, TRUE);
  if (gst_element_set_state (self->encoder, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not start srtpenc");
      cb_srtp_sender_free (self);
      return NULL;
    }

  caps = gst_caps_new_empty_simple ("application/x-rtp");
  gst_pad_push_event (self->src, gst_event_new_stream_start ("cb-srtp-sender"));
  gst_pad_push_event (self->src, gst_event_new_caps (caps));
  {
    GstSegment segment;

    gst_segment_init (&segment, GST_FORMAT_TIME);
    gst_pad_push_event (self->src, gst_event_new_segment (&segment));
  }
  return self;
}

GBytes *
cb_srtp_sender_protect (CbSrtpSender *self,
                        const guint8 *packet,
                        gsize         length)
{
  GstBuffer *protected;
  GstMapInfo map;
  GBytes *bytes;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (packet != NULL, NULL);

  if (gst_pad_push (self->src, gst_buffer_new_memdup (packet, length)) != GST_FLOW_OK ||
      self->protected == NULL)
    return NULL;
  protected = g_steal_pointer (&self->protected);
  if (!gst_buffer_map (protected, &map, GST_MAP_READ))
    {
      gst_buffer_unref (protected);
      return NULL;
    }
  bytes = g_bytes_new (map.data, map.size);
  gst_buffer_unmap (protected, &map);
  gst_buffer_unref (protected);
  return bytes;
}

void
cb_srtp_sender_free (CbSrtpSender *self)
{
  if (self == NULL)
    return;
  if (self->encoder != NULL)
    gst_element_set_state (self->encoder, GST_STATE_NULL);
  if (self->src != NULL)
    gst_pad_set_active (self->src, FALSE);
  if (self->sink != NULL)
    gst_pad_set_active (self->sink, FALSE);
  gst_clear_object (&self->src);
  gst_clear_object (&self->sink);
  gst_clear_object (&self->encoder);
  gst_clear_buffer (&self->protected);
  g_free (self);
}
