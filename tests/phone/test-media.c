/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-media.c: two media pipelines on 127.0.0.1 wired to each other: tones
 * both ways with each codec, hold, mute, DTMF, RTCP statistics, ports. */
#define G_LOG_DOMAIN "cb-phone"

#include "cb-codec.h"
#include "cb-media-pipeline.h"
#include "cb-phone-enums.h"
#include "cb-tone-detector.h"

#include <math.h>

#define TONE_A 440.0
#define TONE_B 880.0
#define TONE_C 660.0
/* Every wait is bounded: a failing test fails, it does not hang. */
#define WAIT_MS 4000
/* Blocks (100 ms each) in a row before we believe a tone came ... */
#define RUN 3
/* ... and how long without it before we believe it went (jitter buffer and
 * sink queue included). */
#define GONE_MS 500

/* 10 ms buffers, like a sound card would deliver. */
#define SRC_FMT "audiotestsrc is-live=true wave=sine freq=%g volume=0.5 samplesperbuffer=480"
#define SINK "audioconvert ! audio/x-raw,format=S16LE,channels=1 ! fakesink name=tap sync=true"

typedef struct {
  CbMediaPipeline *pipe;
  CbToneDetector  *detector;
  GString         *dtmf;
} Side;

typedef struct {
  Side a;
  Side b;
} Fixture;

typedef gboolean (*Condition) (Fixture *fixture);

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main loop until @condition holds or @timeout_ms passed. */
static gboolean
wait_for (Fixture   *fixture,
          Condition  condition,
          guint      timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint ticker = g_timeout_add (20, wake_up, NULL);
  gboolean ok;

  while (!(ok = condition (fixture)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (ticker);
  return ok;
}

static void
on_dtmf_received (CbMediaPipeline *pipe,
                  const char      *digit,
                  Side            *side)
{
  g_string_append (side->dtmf, digit);
}

static void
side_init (Side   *side,
           double  freq,
           double  listen_for,
           guint   rtcp_interval_ms)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *src = g_strdup_printf (SRC_FMT, freq);

  side->pipe = cb_media_pipeline_new ("127.0.0.1", 0, 0, &error);
  g_assert_no_error (error);
  g_object_set (side->pipe,
                "audio-src", src,
                "audio-sink", SINK,
                "rtcp-interval", rtcp_interval_ms,
                NULL);
  side->detector = cb_tone_detector_new (listen_for);
  side->dtmf = g_string_new (NULL);
  g_signal_connect (side->pipe, "dtmf-received", G_CALLBACK (on_dtmf_received), side);
}

static void
side_start (Side       *side,
            Side       *peer,
            const char *codec_name)
{
  g_autoptr(GError) error = NULL;
  const CbCodec *codec = cb_codec_lookup_name (codec_name);
  g_autoptr(GstElement) tap = NULL;
  g_autoptr(GstPad) pad = NULL;

  g_assert_nonnull (codec);
  cb_media_pipeline_set_remote (side->pipe, "127.0.0.1",
                                cb_media_pipeline_get_local_rtp_port (peer->pipe),
                                cb_media_pipeline_get_local_rtcp_port (peer->pipe));
  cb_media_pipeline_set_codec (side->pipe, codec_name, codec->payload_type,
                               cb_codec_dtmf_pt_for_rate (codec->clock_rate), &error);
  g_assert_no_error (error);
  cb_media_pipeline_start (side->pipe, &error);
  g_assert_no_error (error);

  tap = gst_bin_get_by_name (GST_BIN (cb_media_pipeline_get_audio_sink (side->pipe)), "tap");
  g_assert_nonnull (tap);
  pad = gst_element_get_static_pad (tap, "sink");
  cb_tone_detector_attach (side->detector, pad);
}

static void
side_clear (Side *side)
{
  cb_tone_detector_detach (side->detector);
  g_assert_finalize_object (side->detector);
  cb_media_pipeline_stop (side->pipe);
  g_assert_finalize_object (side->pipe);
  g_string_free (side->dtmf, TRUE);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  side_init (&fixture->a, TONE_A, TONE_B, 500);
  side_init (&fixture->b, TONE_B, TONE_A, 500);
}

static void
fixture_start (Fixture    *fixture,
               const char *codec)
{
  side_start (&fixture->a, &fixture->b, codec);
  side_start (&fixture->b, &fixture->a, codec);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  side_clear (&fixture->a);
  side_clear (&fixture->b);
}

/* ---- conditions ------------------------------------------------------- */

static gboolean
present (Side *side)
{
  return cb_tone_detector_hears (side->detector, RUN);
}

static gboolean
absent (Side *side)
{
  return cb_tone_detector_silent_for (side->detector, GONE_MS);
}

static gboolean both_hear (Fixture *f) { return present (&f->a) && present (&f->b); }
static gboolean neither_hears (Fixture *f) { return absent (&f->a) && absent (&f->b); }
static gboolean only_a_hears (Fixture *f) { return present (&f->a) && absent (&f->b); }
static gboolean only_b_hears (Fixture *f) { return absent (&f->a) && present (&f->b); }

static void
assert_tones_both_ways (Fixture *fixture)
{
  gboolean ok = wait_for (fixture, both_hear, WAIT_MS);

  g_test_message ("A hears %g Hz: ratio %.0f at %.1f dBFS; B hears %g Hz: ratio %.0f at %.1f dBFS",
                  TONE_B, cb_tone_detector_get_ratio (fixture->a.detector),
                  cb_tone_detector_get_level_db (fixture->a.detector),
                  TONE_A, cb_tone_detector_get_ratio (fixture->b.detector),
                  cb_tone_detector_get_level_db (fixture->b.detector));
  g_assert_true (ok);
}

/* ---- tests ------------------------------------------------------------ */

static void
test_tone_detector (void)
{
  g_autoptr(CbToneDetector) detector = cb_tone_detector_new (440);
  g_autofree gint16 *samples = g_new (gint16, 8000);

  /* A pure 440 Hz sine: detected with a huge margin. */
  for (guint i = 0; i < 8000; i++)
    samples[i] = (gint16) (16000 * sin (2 * G_PI * 440 * i / 8000.0));
  cb_tone_detector_process_s16 (detector, samples, 8000, 1, 8000);
  g_assert_cmpuint (cb_tone_detector_get_blocks (detector), ==, 10);
  g_assert_cmpfloat (cb_tone_detector_get_ratio (detector), >, 1e4);
  g_assert_cmpuint (cb_tone_detector_get_present_run (detector), ==, 10);

  /* 880 Hz is something else entirely. */
  for (guint i = 0; i < 8000; i++)
    samples[i] = (gint16) (16000 * sin (2 * G_PI * 880 * i / 8000.0));
  cb_tone_detector_reset (detector);
  cb_tone_detector_process_s16 (detector, samples, 8000, 1, 8000);
  g_assert_cmpfloat (cb_tone_detector_get_ratio (detector), <, 1e-3);
  g_assert_cmpuint (cb_tone_detector_get_absent_run (detector), ==, 10);

  /* Silence is not a tone, whatever the ratio of nothing to nothing. */
  memset (samples, 0, 8000 * sizeof (gint16));
  cb_tone_detector_reset (detector);
  cb_tone_detector_process_s16 (detector, samples, 8000, 1, 8000);
  g_assert_false (cb_tone_detector_is_present (detector));
}

static void
test_codec_table (void)
{
  g_autoptr(GList) available = cb_codec_list_available ();
  const CbCodec *opus = cb_codec_lookup_name ("opus");
  g_autoptr(GstCaps) caps = NULL;

  g_assert_nonnull (opus);
  g_assert_cmpuint (opus->payload_type, ==, 111);
  g_assert_cmpuint (opus->clock_rate, ==, 48000);
  g_assert_true (cb_codec_lookup_static_pt (8) == cb_codec_lookup_name ("PCMA"));
  g_assert_true (cb_codec_lookup_static_pt (0) == cb_codec_lookup_name ("pcmu"));
  g_assert_null (cb_codec_lookup_static_pt (111));
  g_assert_true (cb_codec_lookup_encoding ("opus", 48000) == opus);
  g_assert_null (cb_codec_lookup_encoding ("G722", 8000));

  /* Opus is preferred; all three are installed on the machines we target. */
  g_assert_cmpuint (g_list_length (available), ==, 3);
  g_assert_true (available->data == opus);

  caps = cb_codec_rtp_caps (opus, 96);
  g_assert_true (gst_caps_is_fixed (caps));
}

static void
test_ports (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbMediaPipeline) one = NULL;
  g_autoptr(CbMediaPipeline) two = NULL;
  g_autoptr(CbMediaPipeline) three = NULL;
  guint base;

  one = cb_media_pipeline_new ("127.0.0.1", 0, 0, &error);
  g_assert_no_error (error);
  base = cb_media_pipeline_get_local_rtp_port (one);
  g_assert_cmpuint (base % 2, ==, 0);
  g_assert_cmpuint (cb_media_pipeline_get_local_rtcp_port (one), ==, base + 1);
  g_assert_cmpuint (cb_media_pipeline_get_latency (one), ==, 40);
  g_assert_cmpint (cb_media_pipeline_get_direction (one), ==, CB_MEDIA_DIRECTION_SENDRECV);

  /* A range: the taken pair is skipped, and a full range is an error. */
  g_clear_object (&one);
  one = cb_media_pipeline_new ("127.0.0.1", base, base + 3, &error);
  g_assert_no_error (error);
  two = cb_media_pipeline_new ("127.0.0.1", base, base + 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cb_media_pipeline_get_local_rtp_port (one), ==, base);
  g_assert_cmpuint (cb_media_pipeline_get_local_rtp_port (two), ==, base + 2);
  three = cb_media_pipeline_new ("127.0.0.1", base, base + 3, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_null (three);
  g_clear_error (&error);

  three = cb_media_pipeline_new ("not an address", 0, 0, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Starting needs a codec and a peer; a bad codec is refused. */
  g_assert_false (cb_media_pipeline_start (one, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
  g_clear_error (&error);
  g_assert_false (cb_media_pipeline_set_codec (one, "g729", 18, -1, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  g_assert_cmpstr (cb_media_direction_to_sdp (CB_MEDIA_DIRECTION_RECVONLY), ==, "recvonly");
  {
    CbMediaDirection direction;

    g_assert_true (cb_media_direction_from_sdp ("inactive", &direction));
    g_assert_cmpint (direction, ==, CB_MEDIA_DIRECTION_INACTIVE);
    g_assert_false (cb_media_direction_from_sdp ("rtcp-mux", &direction));
  }
}

static void
test_tone (Fixture       *fixture,
           gconstpointer  data)
{
  fixture_start (fixture, data);
  assert_tones_both_ways (fixture);
}

/* A sendonly end stops playing what it receives; a recvonly end stops
 * sending; inactive does both; sendrecv brings both back. */
static void
test_hold (Fixture       *fixture,
           gconstpointer  data)
{
  fixture_start (fixture, data);
  assert_tones_both_ways (fixture);

  cb_media_pipeline_set_direction (fixture->a.pipe, CB_MEDIA_DIRECTION_SENDONLY);
  g_assert_true (wait_for (fixture, only_b_hears, WAIT_MS));

  cb_media_pipeline_set_direction (fixture->a.pipe, CB_MEDIA_DIRECTION_RECVONLY);
  g_assert_true (wait_for (fixture, only_a_hears, WAIT_MS));

  cb_media_pipeline_set_direction (fixture->a.pipe, CB_MEDIA_DIRECTION_INACTIVE);
  g_assert_true (wait_for (fixture, neither_hears, WAIT_MS));
  {
    g_autoptr(GError) error = NULL;

    /* No telephone events from a held end either. */
    g_assert_false (cb_media_pipeline_send_dtmf (fixture->a.pipe, "1", &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  }

  cb_media_pipeline_set_direction (fixture->a.pipe, CB_MEDIA_DIRECTION_SENDRECV);
  assert_tones_both_ways (fixture);
}

static gboolean
b_hears_c (Fixture *fixture)
{
  return cb_tone_detector_hears (g_object_get_data (G_OBJECT (fixture->b.pipe), "detector-c"), RUN) &&
         absent (&fixture->b);
}

static gboolean
b_hears_a_again (Fixture *fixture)
{
  return present (&fixture->b) &&
         cb_tone_detector_silent_for (g_object_get_data (G_OBJECT (fixture->b.pipe), "detector-c"), GONE_MS);
}

/* The media moves from A to C and back to A (a transfer and back, a
 * conference that ends): B plays C when C comes, and A again when A
 * comes back, though A's SSRC is one B has seen before. */
static void
test_source_back (Fixture       *fixture,
                  gconstpointer  data)
{
  Side c;
  CbToneDetector *detector_c = cb_tone_detector_new (TONE_C);
  g_autoptr(GstElement) tap = NULL;
  g_autoptr(GstPad) pad = NULL;

  fixture_start (fixture, data);
  assert_tones_both_ways (fixture);
  tap = gst_bin_get_by_name (GST_BIN (cb_media_pipeline_get_audio_sink (fixture->b.pipe)), "tap");
  pad = gst_element_get_static_pad (tap, "sink");
  cb_tone_detector_attach (detector_c, pad);
  g_object_set_data (G_OBJECT (fixture->b.pipe), "detector-c", detector_c);

  /* A stops sending; C starts, to B. */
  cb_media_pipeline_set_direction (fixture->a.pipe, CB_MEDIA_DIRECTION_RECVONLY);
  side_init (&c, TONE_C, TONE_B, 500);
  side_start (&c, &fixture->b, data);
  g_assert_true (wait_for (fixture, b_hears_c, WAIT_MS));

  /* C stops; A sends again from the SSRC it had. */
  cb_media_pipeline_set_direction (c.pipe, CB_MEDIA_DIRECTION_RECVONLY);
  cb_media_pipeline_set_direction (fixture->a.pipe, CB_MEDIA_DIRECTION_SENDRECV);
  g_assert_true (wait_for (fixture, b_hears_a_again, WAIT_MS));

  g_object_set_data (G_OBJECT (fixture->b.pipe), "detector-c", NULL);
  cb_tone_detector_detach (detector_c);
  g_assert_finalize_object (detector_c);
  side_clear (&c);
}

static void
test_mute (Fixture       *fixture,
           gconstpointer  data)
{
  fixture_start (fixture, "pcma");
  assert_tones_both_ways (fixture);

  g_object_set (fixture->a.pipe, "mute", TRUE, NULL);
  g_assert_true (wait_for (fixture, only_a_hears, WAIT_MS));
  /* Muted still means sending (silence), unlike hold. */
  g_assert_cmpfloat (cb_tone_detector_get_level_db (fixture->b.detector), <, -60);

  g_object_set (fixture->a.pipe, "mute", FALSE, NULL);
  assert_tones_both_ways (fixture);
}

static gboolean
b_got_two_digits (Fixture *fixture)
{
  return fixture->b.dtmf->len >= 2;
}

static void
test_dtmf (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture_start (fixture, data);
  assert_tones_both_ways (fixture);

  g_assert_false (cb_media_pipeline_send_dtmf (fixture->a.pipe, "1x", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (cb_media_pipeline_send_dtmf (fixture->a.pipe, "1#", &error));
  g_assert_no_error (error);
  g_assert_true (wait_for (fixture, b_got_two_digits, WAIT_MS));
  g_assert_cmpstr (fixture->b.dtmf->str, ==, "1#");
  g_assert_cmpstr (fixture->a.dtmf->str, ==, "");

  /* Audio resumes after the events (the mux only drops it meanwhile). */
  cb_tone_detector_reset (fixture->b.detector);
  assert_tones_both_ways (fixture);
}

static gboolean
stats_complete (Fixture *fixture)
{
  g_autoptr(GVariant) a = cb_media_pipeline_dup_stats (fixture->a.pipe);
  g_autoptr(GVariant) b = cb_media_pipeline_dup_stats (fixture->b.pipe);

  return a != NULL && b != NULL &&
         g_variant_lookup (a, "round-trip-ms", "d", NULL) &&
         g_variant_lookup (b, "round-trip-ms", "d", NULL) &&
         g_variant_lookup (a, "jitter-ms", "d", NULL);
}

static void
test_rtcp_stats (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GVariant) stats = NULL;
  g_autofree char *text = NULL;
  guint64 sent = 0, received = 0;
  gint64 lost = -1;
  double rtt = -1, jitter = -1;

  fixture_start (fixture, "opus");
  g_assert_true (wait_for (fixture, stats_complete, 6000));

  stats = cb_media_pipeline_dup_stats (fixture->a.pipe);
  text = g_variant_print (stats, TRUE);
  g_test_message ("A stats: %s", text);

  g_assert_true (g_variant_lookup (stats, "packets-sent", "t", &sent));
  g_assert_true (g_variant_lookup (stats, "packets-received", "t", &received));
  g_assert_true (g_variant_lookup (stats, "packets-lost", "x", &lost));
  g_assert_true (g_variant_lookup (stats, "round-trip-ms", "d", &rtt));
  g_assert_true (g_variant_lookup (stats, "jitter-ms", "d", &jitter));
  g_assert_cmpuint (sent, >, 10);
  g_assert_cmpuint (received, >, 10);
  /* Loopback: no loss, next to no delay. */
  g_assert_cmpint (lost, <=, 2);
  g_assert_cmpfloat (rtt, >=, 0);
  g_assert_cmpfloat (rtt, <, 100);
  g_assert_cmpfloat (jitter, <, 40);
}

static void
test_echo_cancel (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GstElementFactory) dsp = gst_element_factory_find ("webrtcdsp");

  if (dsp == NULL)
    {
      g_test_skip ("webrtcdsp is not installed");
      return;
    }

  /* The canceller must not eat the near-end signal when the far end plays
   * something different. */
  g_object_set (fixture->a.pipe, "echo-cancel", TRUE, NULL);
  fixture_start (fixture, "opus");
  assert_tones_both_ways (fixture);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/phone/tone-detector", test_tone_detector);
  g_test_add_func ("/phone/codec-table", test_codec_table);
  g_test_add_func ("/phone/media/ports", test_ports);
  g_test_add ("/phone/media/tone/opus", Fixture, "opus",
              fixture_setup, test_tone, fixture_teardown);
  g_test_add ("/phone/media/tone/pcma", Fixture, "pcma",
              fixture_setup, test_tone, fixture_teardown);
  g_test_add ("/phone/media/tone/pcmu", Fixture, "pcmu",
              fixture_setup, test_tone, fixture_teardown);
  g_test_add ("/phone/media/hold/opus", Fixture, "opus",
              fixture_setup, test_hold, fixture_teardown);
  g_test_add ("/phone/media/hold/pcma", Fixture, "pcma",
              fixture_setup, test_hold, fixture_teardown);
  g_test_add ("/phone/media/source-back/opus", Fixture, "opus",
              fixture_setup, test_source_back, fixture_teardown);
  g_test_add ("/phone/media/source-back/pcma", Fixture, "pcma",
              fixture_setup, test_source_back, fixture_teardown);
  g_test_add ("/phone/media/mute", Fixture, NULL,
              fixture_setup, test_mute, fixture_teardown);
  g_test_add ("/phone/media/dtmf/opus", Fixture, "opus",
              fixture_setup, test_dtmf, fixture_teardown);
  g_test_add ("/phone/media/dtmf/pcma", Fixture, "pcma",
              fixture_setup, test_dtmf, fixture_teardown);
  g_test_add ("/phone/media/rtcp-stats", Fixture, NULL,
              fixture_setup, test_rtcp_stats, fixture_teardown);
  g_test_add ("/phone/media/echo-cancel", Fixture, NULL,
              fixture_setup, test_echo_cancel, fixture_teardown);

  return g_test_run ();
}
