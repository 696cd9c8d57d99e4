/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-opus-elements.c: cbopusenc and cbopusdec on their own (GstHarness: no
 * clock, no network): a tone through them and through GStreamer's Opus and
 * RTP elements either way, the encoder's frames, and the decoder's
 * concealment of lost packets (GAP events, empty buffers). */
#define G_LOG_DOMAIN "cb-phone"

#include "cb-codec.h"
#include "cb-tone-detector.h"

#include <gst/audio/audio.h>
#include <gst/check/gstharness.h>
#include <math.h>

#define RATE 48000
#define TONE 440.0
#define FRAME (RATE / 50)          /* 20 ms, the frame a call sends */
#define BLOCK (RATE / 10)          /* the tone detector's 100 ms */
#define RAW_CAPS "audio/x-raw, format=" GST_AUDIO_NE (S16) ", layout=interleaved, " \
                 "rate=48000, channels=1"
/* libopus's delay from a frame's input to its decoded output (2.5 ms +
 * 4 ms, for every application but restricted-lowdelay). */
#define LOOKAHEAD (6500 * GST_USECOND)
/* What rtpopusdepay gives for a mono call. */
#define OPUS_CAPS "audio/x-opus, channel-mapping-family=0, channels=1, rate=48000"

/* @n samples of the tone from sample @first on, timestamped. */
static GstBuffer *
tone_buffer (guint64 first,
             guint   n)
{
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, n * sizeof (gint16), NULL);
  GstMapInfo map;

  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  for (guint i = 0; i < n; i++)
    ((gint16 *) map.data)[i] = (gint16) (16000 * sin (2 * G_PI * TONE * (double) (first + i) / RATE));
  gst_buffer_unmap (buffer, &map);
  GST_BUFFER_PTS (buffer) = gst_util_uint64_scale_int (first, GST_SECOND, RATE);
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale_int (n, GST_SECOND, RATE);

  return buffer;
}

static GstClockTime
ms (guint64 value)
{
  return value * GST_MSECOND;
}

/* Appends the samples of every buffer the harness holds to @pcm. */
static void
drain_into (GstHarness *h,
            GArray     *pcm)
{
  GstBuffer *buffer;

  while ((buffer = gst_harness_try_pull (h)) != NULL)
    {
      GstMapInfo map;

      g_assert_true (gst_buffer_map (buffer, &map, GST_MAP_READ));
      g_array_append_vals (pcm, map.data, map.size / sizeof (gint16));
      gst_buffer_unmap (buffer, &map);
      gst_buffer_unref (buffer);
    }
}

/* The tone is clearly there in every 100 ms block of @pcm from
 * @first_block to before @end_block (the first ones hold the codecs'
 * ramp-up); 0 for every whole block. */
static void
assert_tone (GArray *pcm,
             guint   first_block,
             guint   end_block)
{
  g_autoptr(CbToneDetector) detector = cb_tone_detector_new (TONE);
  guint blocks = end_block != 0 ? end_block : pcm->len / BLOCK;

  g_assert_cmpuint (blocks, >, first_block);
  g_assert_cmpuint (blocks * BLOCK, <=, pcm->len);
  for (guint b = first_block; b < blocks; b++)
    {
      cb_tone_detector_process_s16 (detector, &g_array_index (pcm, gint16, b * BLOCK), BLOCK, 1, RATE);
      if (!cb_tone_detector_is_present (detector))
        g_error ("block %u of %u: ratio %.1f, level %.1f dB", b, blocks,
                 cb_tone_detector_get_ratio (detector), cb_tone_detector_get_level_db (detector));
    }
}

static gint16
peak (GArray *pcm,
      guint   from,
      guint   to)
{
  gint16 high = 0;

  for (guint i = from; i < to && i < pcm->len; i++)
    high = MAX (high, ABS (g_array_index (pcm, gint16, i)));

  return high;
}

/* One second of the tone in 10 ms buffers (a sound card's) through
 * @description; every block after the first carries it. */
static void
test_round_trip (gconstpointer data)
{
  const char *description = data;
  g_autoptr(GArray) pcm = g_array_new (FALSE, FALSE, sizeof (gint16));
  GstHarness *h = gst_harness_new_parse (description);

  gst_harness_set_src_caps_str (h, RAW_CAPS);
  gst_harness_set_sink_caps_str (h, RAW_CAPS);
  for (guint i = 0; i < 100; i++)
    {
      g_assert_cmpint (gst_harness_push (h, tone_buffer (i * RATE / 100, RATE / 100)), ==, GST_FLOW_OK);
      drain_into (h, pcm);
    }
  g_assert_true (gst_harness_push_event (h, gst_event_new_eos ()));
  drain_into (h, pcm);

  /* All of it, give or take opusdec's pre-skip (6.5 ms) and opusenc's
   * last frame, padded at the end of the stream. */
  g_assert_cmpuint (pcm->len, >=, RATE - RATE / 100);
  g_assert_cmpuint (pcm->len, <=, RATE + FRAME);
  assert_tone (pcm, 1, 0);

  gst_harness_teardown (h);
}

/* 10 ms buffers in, one packet per 20 ms frame out, stamped with the time
 * of what it decodes to (its frame less the look-ahead; the first one
 * shorter, from 0), about the size the bitrate allows. */
static void
test_encoder_frames (void)
{
  GstHarness *h = gst_harness_new ("cbopusenc");
  g_autoptr(GstCaps) caps = NULL;
  GstStructure *s;
  int value;

  g_object_set (h->element, "bitrate", 32000, NULL);
  gst_util_set_object_arg (G_OBJECT (h->element), "audio-type", "voice");
  gst_harness_set_src_caps_str (h, RAW_CAPS);
  for (guint i = 0; i < 20; i++)
    g_assert_cmpint (gst_harness_push (h, tone_buffer (i * RATE / 100, RATE / 100)), ==, GST_FLOW_OK);

  g_assert_cmpuint (gst_harness_buffers_in_queue (h), ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(GstBuffer) packet = gst_harness_pull (h);

      g_assert_cmpuint (GST_BUFFER_PTS (packet), ==, i == 0 ? 0 : ms (20 * i) - LOOKAHEAD);
      g_assert_cmpuint (GST_BUFFER_DURATION (packet), ==, i == 0 ? ms (20) - LOOKAHEAD : ms (20));
      g_assert_cmpint (GST_BUFFER_FLAG_IS_SET (packet, GST_BUFFER_FLAG_DISCONT), ==, i == 0);
      /* 32 kbit/s is 80 bytes a frame; constrained VBR stays near it. */
      g_assert_cmpuint (gst_buffer_get_size (packet), >, 10);
      g_assert_cmpuint (gst_buffer_get_size (packet), <, 160);
    }

  caps = gst_pad_get_current_caps (h->sinkpad);
  s = gst_caps_get_structure (caps, 0);
  g_assert_true (gst_structure_has_name (s, "audio/x-opus"));
  g_assert_true (gst_structure_get_int (s, "rate", &value) && value == RATE);
  g_assert_true (gst_structure_get_int (s, "channels", &value) && value == 1);

  gst_harness_teardown (h);
}

/* @n 20 ms packets of the tone, from our encoder, stamped 20 ms apart from
 * 0 as the jitter buffer stamps what it receives. */
static GPtrArray *
encode_tone (guint n)
{
  GPtrArray *packets = g_ptr_array_new_with_free_func ((GDestroyNotify) gst_buffer_unref);
  GstHarness *h = gst_harness_new ("cbopusenc");

  gst_util_set_object_arg (G_OBJECT (h->element), "audio-type", "voice");
  g_object_set (h->element, "bitrate", 32000, NULL);
  gst_harness_set_src_caps_str (h, RAW_CAPS);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (gst_harness_push (h, tone_buffer ((guint64) i * FRAME, FRAME)), ==, GST_FLOW_OK);
      GstBuffer *packet = gst_buffer_make_writable (gst_harness_pull (h));

      GST_BUFFER_PTS (packet) = ms (20 * i);
      GST_BUFFER_DURATION (packet) = ms (20);
      g_ptr_array_add (packets, packet);
    }
  gst_harness_teardown (h);

  return packets;
}

static GstHarness *
new_decoder (gboolean plc)
{
  GstHarness *h = gst_harness_new ("cbopusdec");

  g_object_set (h->element, "plc", plc, NULL);
  gst_harness_set_src_caps_str (h, OPUS_CAPS);
  gst_harness_set_sink_caps_str (h, RAW_CAPS);

  return h;
}

static void
push_packets (GstHarness *h,
              GPtrArray  *packets,
              guint       from,
              guint       to)
{
  for (guint i = from; i < to; i++)
    g_assert_cmpint (gst_harness_push (h, gst_buffer_ref (g_ptr_array_index (packets, i))), ==, GST_FLOW_OK);
}

/* Pulls one decoded buffer and checks where and how long it is. */
static void
pull_expect (GstHarness *h,
             GArray     *pcm,
             GstClockTime pts,
             guint        samples,
             gboolean     discont)
{
  g_autoptr(GstBuffer) buffer = gst_harness_try_pull (h);
  GstMapInfo map;

  g_assert_nonnull (buffer);
  g_assert_cmpuint (GST_BUFFER_PTS (buffer), ==, pts);
  g_assert_cmpuint (GST_BUFFER_DURATION (buffer), ==, gst_util_uint64_scale_int (samples, GST_SECOND, RATE));
  g_assert_cmpuint (gst_buffer_get_size (buffer), ==, samples * sizeof (gint16));
  g_assert_cmpint (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DISCONT), ==, discont);
  g_assert_true (gst_buffer_map (buffer, &map, GST_MAP_READ));
  g_array_append_vals (pcm, map.data, samples);
  gst_buffer_unmap (buffer, &map);
}

/* What the jitter buffer reports as lost (a GAP from the depayloader, or
 * an empty buffer) becomes audio of that time and length, not silence; the
 * packets after it decode as before. */
static void
test_concealment (void)
{
  g_autoptr(GPtrArray) packets = encode_tone (25);
  g_autoptr(GArray) pcm = g_array_new (FALSE, FALSE, sizeof (gint16));
  GstHarness *h = new_decoder (TRUE);

  push_packets (h, packets, 0, 10);
  for (guint i = 0; i < 10; i++)
    pull_expect (h, pcm, ms (20 * i), FRAME, i == 0);

  /* Packets 10 and 11 lost: one GAP of 40 ms. */
  g_assert_true (gst_harness_push_event (h, gst_event_new_gap (ms (200), ms (40))));
  pull_expect (h, pcm, ms (200), 2 * FRAME, TRUE);
  g_assert_cmpint (peak (pcm, 10 * FRAME, 12 * FRAME), >, 2000);

  /* Packet 12 lost too, said with an empty buffer. */
  {
    GstBuffer *lost = gst_buffer_new ();

    GST_BUFFER_PTS (lost) = ms (240);
    GST_BUFFER_DURATION (lost) = ms (20);
    g_assert_cmpint (gst_harness_push (h, lost), ==, GST_FLOW_OK);
  }
  pull_expect (h, pcm, ms (240), FRAME, FALSE);

  push_packets (h, packets, 13, 25);
  for (guint i = 13; i < 25; i++)
    pull_expect (h, pcm, ms (20 * i), FRAME, FALSE);
  g_assert_cmpuint (gst_harness_buffers_in_queue (h), ==, 0);

  /* The tone before the loss and soon after it (concealment carries the
   * sound on, not the pure tone). */
  g_assert_cmpuint (pcm->len, ==, 25 * FRAME);
  assert_tone (pcm, 1, 2);
  assert_tone (pcm, 3, 0);

  gst_harness_teardown (h);
}

/* plc=FALSE: a GAP goes on downstream as it came, and no audio is made. */
static void
test_gap_without_plc (void)
{
  g_autoptr(GPtrArray) packets = encode_tone (5);
  GstHarness *h = new_decoder (FALSE);
  GstEvent *event;
  gboolean seen = FALSE;

  push_packets (h, packets, 0, 5);
  g_assert_cmpuint (gst_harness_buffers_received (h), ==, 5);
  g_assert_true (gst_harness_push_event (h, gst_event_new_gap (ms (100), ms (40))));
  g_assert_cmpuint (gst_harness_buffers_received (h), ==, 5);

  while ((event = gst_harness_try_pull_event (h)) != NULL)
    {
      if (GST_EVENT_TYPE (event) == GST_EVENT_GAP)
        {
          GstClockTime pts, duration;

          gst_event_parse_gap (event, &pts, &duration);
          g_assert_cmpuint (pts, ==, ms (100));
          g_assert_cmpuint (duration, ==, ms (40));
          seen = TRUE;
        }
      gst_event_unref (event);
    }
  g_assert_true (seen);

  gst_harness_teardown (h);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  cb_codec_register_elements ();

  g_test_add_data_func ("/phone/opus/round-trip/ours", "cbopusenc ! cbopusdec", test_round_trip);
  g_test_add_data_func ("/phone/opus/round-trip/rtp", "cbopusenc ! rtpopuspay ! rtpopusdepay ! cbopusdec",
                        test_round_trip);
  /* Either element against GStreamer's: the same bitstream and caps. */
  g_test_add_data_func ("/phone/opus/round-trip/to-opusdec",
                        "cbopusenc ! rtpopuspay ! rtpopusdepay ! opusdec", test_round_trip);
  g_test_add_data_func ("/phone/opus/round-trip/from-opusenc",
                        "opusenc ! rtpopuspay ! rtpopusdepay ! cbopusdec", test_round_trip);
  g_test_add_func ("/phone/opus/encoder-frames", test_encoder_frames);
  g_test_add_func ("/phone/opus/concealment", test_concealment);
  g_test_add_func ("/phone/opus/gap-without-plc", test_gap_without_plc);

  return g_test_run ();
}
