/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-srtp.c: SDES-SRTP in the phone library: a=crypto attributes read and
 * written, SDP modes, packets protected by hand, and two media pipelines on
 * 127.0.0.1 whose tones cross encrypted (and do not with a wrong key). */
#define G_LOG_DOMAIN "cb-phone"

#include <string.h>

#include <sofia-sip/sdp.h>

#include "cb-codec.h"
#include "cb-media-pipeline.h"
#include "cb-srtp.h"
#include "cb-tone-detector.h"

#define TONE_A   440.0
#define TONE_B   880.0
#define WAIT_MS  4000
#define RUN      3
#define SRC_FMT  "audiotestsrc is-live=true wave=sine freq=%g volume=0.5 samplesperbuffer=480"
#define SINK     "audioconvert ! audio/x-raw,format=S16LE,channels=1 ! fakesink name=tap sync=true"

/* RFC 4568 §9.1's example key, 30 bytes. */
#define EXAMPLE_KEY "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"

static void
test_crypto_attribute (void)
{
  CbSrtpCrypto a, b, read;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  cb_srtp_crypto_generate (&a, 1);
  cb_srtp_crypto_generate (&b, 1);
  /* A CSPRNG's 240 bits never repeat. */
  g_assert_true (memcmp (a.key, b.key, CB_SRTP_KEY_LENGTH) != 0);

  text = cb_srtp_crypto_to_string (&a);
  g_assert_true (g_str_has_prefix (text, "1 AES_CM_128_HMAC_SHA1_80 inline:"));
  g_assert_cmpuint (strlen (text), ==, strlen ("1 AES_CM_128_HMAC_SHA1_80 inline:") + 40);
  g_assert_true (cb_srtp_crypto_parse (text, &read, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (read.tag, ==, 1);
  g_assert_cmpmem (read.key, CB_SRTP_KEY_LENGTH, a.key, CB_SRTP_KEY_LENGTH);

  /* A lifetime is fine; what we cannot honour is refused, saying why. */
  g_assert_true (cb_srtp_crypto_parse ("7 AES_CM_128_HMAC_SHA1_80 inline:" EXAMPLE_KEY "|2^20",
                                       &read, NULL));
  g_assert_cmpuint (read.tag, ==, 7);
  g_assert_false (cb_srtp_crypto_parse ("1 AES_CM_128_HMAC_SHA1_32 inline:" EXAMPLE_KEY, &read, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_false (cb_srtp_crypto_parse ("1 AES_CM_128_HMAC_SHA1_80 inline:" EXAMPLE_KEY "|2^20|1:4",
                                        &read, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_false (cb_srtp_crypto_parse ("1 AES_CM_128_HMAC_SHA1_80 inline:" EXAMPLE_KEY " KDR=1",
                                        &read, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_false (cb_srtp_crypto_parse ("1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=", &read, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_false (cb_srtp_crypto_parse ("x AES_CM_128_HMAC_SHA1_80 inline:" EXAMPLE_KEY, &read, NULL));
  g_assert_false (cb_srtp_crypto_parse ("1 AES_CM_128_HMAC_SHA1_80", &read, NULL));
  g_assert_false (cb_srtp_crypto_parse ("", &read, NULL));
}

static const char sdp_head[] =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";

static CbSrtpMode
mode_of (const char *media,
         gboolean   *usable,
         guint      *tag)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  g_autofree char *text = g_strconcat (sdp_head, media, NULL);
  sdp_session_t *session = sdp_session (sdp_parse (home, text, (issize_t) strlen (text), 0));
  CbSrtpCrypto crypto = { 0 };
  CbSrtpMode mode;

  g_assert_nonnull (session);
  mode = cb_srtp_media_mode (session->sdp_media, &crypto, usable);
  *tag = crypto.tag;
  su_home_deinit (home);
  return mode;
}

static void
test_sdp (void)
{
  gboolean usable = TRUE;
  guint tag = 0;
  g_autofree char *savp = NULL;
  g_autofree char *stripped = NULL;

  g_assert_cmpint (mode_of ("m=audio 4000 RTP/AVP 8\r\n", &usable, &tag), ==, CB_SRTP_MODE_NONE);
  g_assert_false (usable);
  /* The first attribute we can do, whatever comes before it. */
  g_assert_cmpint (mode_of ("m=audio 4000 RTP/SAVP 8\r\n"
                            "a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:x\r\n"
                            "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" EXAMPLE_KEY "\r\n",
                            &usable, &tag), ==, CB_SRTP_MODE_MANDATORY);
  g_assert_true (usable);
  g_assert_cmpuint (tag, ==, 2);
  g_assert_cmpint (mode_of ("m=audio 4000 RTP/AVP 8\r\n"
                            "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:" EXAMPLE_KEY "\r\n",
                            &usable, &tag), ==, CB_SRTP_MODE_BEST_EFFORT);
  g_assert_true (usable);
  g_assert_cmpint (mode_of ("m=audio 4000 RTP/SAVP 8\r\n"
                            "a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:" EXAMPLE_KEY "\r\n",
                            &usable, &tag), ==, CB_SRTP_MODE_MANDATORY);
  g_assert_false (usable);
  g_assert_cmpint (mode_of ("m=audio 4000 RTP/SAVPF 8\r\n", &usable, &tag), ==, CB_SRTP_MODE_MANDATORY);

  savp = g_strconcat (sdp_head, "m=audio 4000 RTP/SAVP 8\r\n"
                      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" EXAMPLE_KEY "\r\n", NULL);
  g_assert_true (cb_srtp_sdp_has_crypto (savp));
  stripped = cb_srtp_sdp_strip (savp);
  g_assert_nonnull (stripped);
  g_assert_null (strstr (stripped, "crypto"));
  g_assert_nonnull (strstr (stripped, "RTP/SAVP"));
  g_assert_false (cb_srtp_sdp_has_crypto (stripped));
  g_assert_false (cb_srtp_sdp_has_crypto (NULL));
}

static void
test_sender (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbSrtpSender) sender = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  CbSrtpCrypto crypto;
  guint8 packet[12 + 160];
  const guint8 *out;
  gsize size;

  cb_srtp_crypto_generate (&crypto, 1);
  sender = cb_srtp_sender_new (&crypto, &error);
  g_assert_no_error (error);

  memset (packet, 0, sizeof packet);
  packet[0] = 0x80;
  packet[1] = 8;
  packet[3] = 1;
  packet[11] = 0x42;
  memset (packet + 12, 0xd5, 160);  /* A-law silence, a plain pattern */
  first = cb_srtp_sender_protect (sender, packet, sizeof packet);
  g_assert_nonnull (first);
  out = g_bytes_get_data (first, &size);
  /* The header stays readable, the payload does not, a 10-byte tag follows. */
  g_assert_cmpuint (size, ==, sizeof packet + 10);
  g_assert_cmpmem (out, 12, packet, 12);
  g_assert_true (memcmp (out + 12, packet + 12, 160) != 0);

  packet[3] = 2;
  second = cb_srtp_sender_protect (sender, packet, sizeof packet);
  g_assert_nonnull (second);
  g_assert_true (memcmp (g_bytes_get_data (second, NULL) + 12, out + 12, 160) != 0);
}

/* ---- two pipelines ----------------------------------------------------------- */

typedef struct {
  CbMediaPipeline *pipe;
  CbToneDetector  *detector;
} Side;

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
side_start (Side               *side,
            double              freq,
            double              listen_for,
            const char         *codec_name,
            const CbSrtpCrypto *local,
            const CbSrtpCrypto *remote)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *src = g_strdup_printf (SRC_FMT, freq);

  side->pipe = cb_media_pipeline_new ("127.0.0.1", 0, 0, &error);
  g_assert_no_error (error);
  g_object_set (side->pipe, "audio-src", src, "audio-sink", SINK, NULL);
  side->detector = cb_tone_detector_new (listen_for);
  g_assert_true (cb_media_pipeline_set_codec (side->pipe, codec_name,
                                              cb_codec_lookup_name (codec_name)->payload_type, -1,
                                              &error));
  g_assert_true (cb_media_pipeline_set_srtp (side->pipe, local, remote, &error));
  g_assert_no_error (error);
  g_assert_true (cb_media_pipeline_get_encrypted (side->pipe));
}

static void
side_connect (Side *side,
              Side *peer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) tap = NULL;
  g_autoptr(GstPad) pad = NULL;

  cb_media_pipeline_set_remote (side->pipe, "127.0.0.1",
                                cb_media_pipeline_get_local_rtp_port (peer->pipe),
                                cb_media_pipeline_get_local_rtcp_port (peer->pipe));
  g_assert_true (cb_media_pipeline_start (side->pipe, &error));
  g_assert_no_error (error);
  tap = gst_bin_get_by_name (GST_BIN (cb_media_pipeline_get_audio_sink (side->pipe)), "tap");
  pad = gst_element_get_static_pad (tap, "sink");
  cb_tone_detector_attach (side->detector, pad);
}

static void
side_clear (Side *side)
{
  cb_tone_detector_detach (side->detector);
  g_clear_object (&side->detector);
  cb_media_pipeline_stop (side->pipe);
  g_assert_finalize_object (side->pipe);
}

static void
test_media (gconstpointer data)
{
  const char *codec = data;
  CbSrtpCrypto key_a, key_b, wrong;
  Side a = { 0 }, b = { 0 }, c = { 0 };
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;
  guint ticker = g_timeout_add (20, wake_up, NULL);
  gboolean heard;

  cb_srtp_crypto_generate (&key_a, 1);
  cb_srtp_crypto_generate (&key_b, 1);
  cb_srtp_crypto_generate (&wrong, 1);
  side_start (&a, TONE_A, TONE_B, codec, &key_a, &key_b);
  side_start (&b, TONE_B, TONE_A, codec, &key_b, &key_a);
  side_connect (&a, &b);
  side_connect (&b, &a);

  while (!(heard = cb_tone_detector_hears (a.detector, RUN) && cb_tone_detector_hears (b.detector, RUN)) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("%s over SRTP: A hears %g Hz (ratio %.0f), B hears %g Hz (ratio %.0f)", codec,
                  TONE_B, cb_tone_detector_get_ratio (a.detector),
                  TONE_A, cb_tone_detector_get_ratio (b.detector));
  g_assert_true (heard);
  side_clear (&b);

  /* C takes over B's place with the wrong key for A's packets: A still
   * hears C (a barrier: packets flow both ways meanwhile), C hears noise
   * or nothing, never the tone. */
  side_start (&c, TONE_B, TONE_A, codec, &key_b, &wrong);
  side_connect (&c, &a);
  cb_media_pipeline_set_remote (a.pipe, "127.0.0.1", cb_media_pipeline_get_local_rtp_port (c.pipe),
                                cb_media_pipeline_get_local_rtcp_port (c.pipe));
  cb_tone_detector_reset (a.detector);
  deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;
  while (!(heard = cb_tone_detector_get_blocks (a.detector) > 10 && cb_tone_detector_hears (a.detector, RUN)) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (heard);
  g_assert_cmpuint (cb_tone_detector_get_present_run (c.detector), ==, 0);
  g_assert_false (cb_tone_detector_is_present (c.detector));
  g_source_remove (ticker);
  side_clear (&c);
  side_clear (&a);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/phone/srtp/crypto-attribute", test_crypto_attribute);
  g_test_add_func ("/phone/srtp/sdp", test_sdp);
  g_test_add_func ("/phone/srtp/sender", test_sender);
  g_test_add_data_func ("/phone/srtp/media/opus", "opus", test_media);
  g_test_add_data_func ("/phone/srtp/media/pcma", "pcma", test_media);

  return g_test_run ();
}
