/* test-conference-mixer.c: the conference mixer on its own: each party hears the others, not itself
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three GStreamer "phones" in this process, each sending a tone of its
 * own over RTP (G.711 A-law and Opus) to the port the mixer answered its
 * offer with, from the port it offered (symmetric RTP), and listening
 * there. The tone detector hears a tone that stands out from everything
 * else, so one phone speaks at a time (the others muted): the two others
 * hear it, it never hears itself. One leaves, the mix is rebuilt on the
 * same ports, and the two left still hear each other.
 */

#include "config.h"

#include <string.h>

#include <gst/gst.h>

#include "cb-codec.h"
#include "cb-conference-mixer.h"
#include "cb-test-server.h"
#include "cb-tone-detector.h"

#define WAIT_MS 10000

typedef struct {
  double          freq;
  const char     *codec;        /* "pcma" or "opus" */
  GSocket        *socket;
  guint           port;
  guint           party;
  GstElement     *pipeline;
  GPtrArray      *detectors;    /* CbToneDetector */
} Phone;

static GSocket *
bound_socket (guint *port)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string ("127.0.0.1");
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (inet, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                  G_SOCKET_PROTOCOL_UDP, &error);

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return socket;
}

static char *
offer_of (Phone *phone)
{
  const CbCodec *codec = cb_codec_lookup_name (phone->codec);

  return g_strdup_printf ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                          "m=audio %u RTP/AVP %u 101\r\n"
                          "a=rtpmap:%u %s/%u%s\r\na=rtpmap:101 telephone-event/8000\r\n",
                          phone->port, codec->payload_type, codec->payload_type,
                          codec->encoding_name, codec->clock_rate,
                          codec->sdp_channels > 0 ? "/2" : "");
}

/* The port of the answer's audio stream. */
static guint
answer_port (const char *answer)
{
  const char *m = strstr (answer, "m=audio ");

  g_assert_nonnull (m);
  g_assert_nonnull (strstr (answer, "a=sendrecv"));
  return (guint) g_ascii_strtoull (m + strlen ("m=audio "), NULL, 10);
}

static void
phone_start (Phone *phone,
             guint  mixer_port)
{
  const CbCodec *codec = cb_codec_lookup_name (phone->codec);
  g_autoptr(GstCaps) caps = cb_codec_rtp_caps (codec, codec->payload_type);
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstElement) tap = NULL;
  g_autoptr(GstPad) pad = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GError) error = NULL;

  description = g_strdup_printf (
    "audiotestsrc is-live=true wave=sine freq=%g volume=0.4 samplesperbuffer=480 ! "
    "volume name=voice ! audioconvert ! audioresample ! audio/x-raw,rate=%u,channels=1 ! %s ! %s pt=%u ! "
    "udpsink name=sink sync=false async=false "
    "udpsrc name=src ! rtpjitterbuffer latency=40 ! %s ! %s ! audioconvert ! audioresample ! "
    "audio/x-raw,format=S16LE,channels=1 ! fakesink name=tap sync=false",
    phone->freq, codec->clock_rate, codec->encoder, codec->payloader, codec->payload_type,
    codec->depayloader, codec->decoder);
  phone->pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  src = gst_bin_get_by_name (GST_BIN (phone->pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (phone->pipeline), "sink");
  tap = gst_bin_get_by_name (GST_BIN (phone->pipeline), "tap");
  g_object_set (src, "socket", phone->socket, "close-socket", FALSE, "caps", caps, NULL);
  g_object_set (sink, "socket", phone->socket, "close-socket", FALSE, "host", "127.0.0.1",
                "port", (int) mixer_port, NULL);
  pad = gst_element_get_static_pad (tap, "sink");
  for (guint i = 0; i < phone->detectors->len; i++)
    cb_tone_detector_attach (g_ptr_array_index (phone->detectors, i), pad);
  g_assert_cmpint (gst_element_set_state (phone->pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
}

static void
phone_stop (Phone *phone)
{
  for (guint i = 0; phone->detectors != NULL && i < phone->detectors->len; i++)
    cb_tone_detector_detach (g_ptr_array_index (phone->detectors, i));
  g_clear_pointer (&phone->detectors, g_ptr_array_unref);
  if (phone->pipeline != NULL)
    gst_element_set_state (phone->pipeline, GST_STATE_NULL);
  g_clear_object (&phone->pipeline);
  if (phone->socket != NULL)
    g_socket_close (phone->socket, NULL);
  g_clear_object (&phone->socket);
}

static CbToneDetector *
detector (Phone  *phone,
          double  freq)
{
  for (guint i = 0; i < phone->detectors->len; i++)
    if (cb_tone_detector_get_frequency (g_ptr_array_index (phone->detectors, i)) == freq)
      return g_ptr_array_index (phone->detectors, i);
  g_assert_not_reached ();
}

static gboolean
hears (Phone  *phone,
       double  freq)
{
  return cb_tone_detector_hears (detector (phone, freq), 3);
}

static void
mute (Phone    *phone,
      gboolean  muted)
{
  g_autoptr(GstElement) voice = gst_bin_get_by_name (GST_BIN (phone->pipeline), "voice");

  g_object_set (voice, "mute", muted, NULL);
}

/* Only `speaker` sends its tone: everyone in `listeners` hears it, the
 * speaker does not hear itself. */
static void
assert_heard (Phone       *phones,
              guint        n_phones,
              guint        speaker,
              const char  *what)
{
  double freq = phones[speaker].freq;
  gboolean heard = FALSE;
  CbTestTimer timer;

  for (guint i = 0; i < n_phones; i++)
    if (phones[i].pipeline != NULL)
      mute (&phones[i], i != speaker);
  cb_test_timer_start (&timer, WAIT_MS);
  while (!heard)
    {
      heard = TRUE;
      for (guint i = 0; i < n_phones; i++)
        if (i != speaker && phones[i].pipeline != NULL && !hears (&phones[i], freq))
          heard = FALSE;
      if (!heard)
        cb_test_timer_iterate (&timer, what);
    }
  cb_test_timer_stop (&timer);
  g_assert_false (hears (&phones[speaker], freq));
}

/* The detectors count in streaming threads: the main loop, which the
 * waits iterate, needs something to wake it. */
static gboolean
keep_waking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
test_mix (void)
{
  Phone phones[] = {
    { 440.0, "pcma" }, { 660.0, "opus" }, { 880.0, "pcma" },
  };
  g_autoptr(CbConferenceMixer) mixer = cb_conference_mixer_new ("127.0.0.1");
  g_autoptr(GError) error = NULL;
  guint ticker = g_timeout_add (20, keep_waking, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (phones); i++)
    {
      g_autofree char *offer = NULL;
      g_autofree char *answer = NULL;

      phones[i].socket = bound_socket (&phones[i].port);
      phones[i].detectors = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint j = 0; j < G_N_ELEMENTS (phones); j++)
        g_ptr_array_add (phones[i].detectors, cb_tone_detector_new (phones[j].freq));
      offer = offer_of (&phones[i]);
      phones[i].party = cb_conference_mixer_add (mixer, offer, &answer, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (phones[i].party, >, 0);
      /* The answer takes the offerer's format, and no telephone-event. */
      g_assert_nonnull (strstr (answer, cb_codec_lookup_name (phones[i].codec)->encoding_name));
      g_assert_null (strstr (answer, "telephone-event"));
      phone_start (&phones[i], answer_port (answer));
    }
  g_assert_cmpuint (cb_conference_mixer_get_n_parties (mixer), ==, 3);
  g_assert_true (cb_conference_mixer_start (mixer, &error));
  g_assert_no_error (error);

  assert_heard (phones, G_N_ELEMENTS (phones), 0, "the first party's tone at the two others");
  assert_heard (phones, G_N_ELEMENTS (phones), 1, "the second party's tone at the two others");
  assert_heard (phones, G_N_ELEMENTS (phones), 2, "the third party's tone at the two others");

  /* The second leaves: the two others, on the same ports, hear each other
   * and no longer the one who left. */
  mute (&phones[1], FALSE);
  cb_conference_mixer_remove (mixer, phones[1].party);
  g_assert_true (cb_conference_mixer_start (mixer, &error));
  g_assert_no_error (error);
  CB_TEST_WAIT_FOR (cb_tone_detector_silent_for (detector (&phones[0], 660.0), 500) &&
                    cb_tone_detector_silent_for (detector (&phones[2], 660.0), 500),
                    WAIT_MS, "the one who left to fall silent");
  gst_element_set_state (phones[1].pipeline, GST_STATE_NULL);
  g_clear_object (&phones[1].pipeline);
  assert_heard (phones, G_N_ELEMENTS (phones), 0, "the first to be heard by the third");
  assert_heard (phones, G_N_ELEMENTS (phones), 2, "the third to be heard by the first");

  cb_conference_mixer_stop (mixer);
  for (guint i = 0; i < G_N_ELEMENTS (phones); i++)
    phone_stop (&phones[i]);
  g_source_remove (ticker);
}

/* An offer the mixer cannot take: no audio, or no format it runs. */
static void
test_refused_offer (void)
{
  g_autoptr(CbConferenceMixer) mixer = cb_conference_mixer_new ("127.0.0.1");
  g_autoptr(GError) error = NULL;
  char *answer = NULL;

  g_assert_cmpuint (cb_conference_mixer_add (mixer, "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
                                                    "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                                                    "m=audio 4000 RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n",
                                             &answer, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_null (answer);
  g_clear_error (&error);
  g_assert_cmpuint (cb_conference_mixer_add (mixer, "garbage", &answer, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_cmpuint (cb_conference_mixer_get_n_parties (mixer), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conference-mixer/mix", test_mix);
  g_test_add_func ("/conference-mixer/refused-offer", test_refused_offer);

  return g_test_run ();
}
