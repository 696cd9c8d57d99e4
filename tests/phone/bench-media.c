/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-media.c: not a test. Two media pipelines on loopback: prints the
 * mouth-to-ear latency (unmute at A to the first loud sample played at B)
 * and the CPU time one call costs, per codec. */
#define G_LOG_DOMAIN "cb-phone"

#include "cb-codec.h"
#include "cb-media-pipeline.h"

#include <sys/resource.h>

#define SRC "audiotestsrc is-live=true wave=sine freq=440 volume=0.5 samplesperbuffer=480"
#define SINK "audioconvert ! audio/x-raw,format=S16LE,channels=1 ! " \
             "fakesink name=tap sync=true signal-handoffs=true"
#define CALL_SECONDS 10
#define ROUNDS 10

typedef struct {
  gint64 unmuted_at;     /* when the first unmuted buffer left A's volume */
  gint64 heard_at;       /* when B's sink rendered the first loud buffer */
} Probe;

static GstPadProbeReturn
on_sent (GstPad          *pad,
         GstPadProbeInfo *info,
         Probe           *probe)
{
  GstElement *volume = gst_pad_get_parent_element (pad);
  gboolean mute = TRUE;

  g_object_get (volume, "mute", &mute, NULL);
  gst_object_unref (volume);
  if (!mute && probe->unmuted_at == 0)
    probe->unmuted_at = g_get_monotonic_time ();

  return GST_PAD_PROBE_OK;
}

/* handoff runs after the sink's clock wait: the moment the sample "plays". */
static void
on_handoff (GstElement *sink,
            GstBuffer  *buffer,
            GstPad     *pad,
            Probe      *probe)
{
  GstMapInfo map;

  if (probe->unmuted_at == 0 || probe->heard_at != 0 ||
      !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return;

  for (gsize i = 0; i < map.size / 2; i++)
    if (ABS (((const gint16 *) map.data)[i]) > 3000)
      {
        probe->heard_at = g_get_monotonic_time ();
        break;
      }
  gst_buffer_unmap (buffer, &map);
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  guint ticker = g_timeout_add (10, wake_up, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (ticker);
}

static CbMediaPipeline *
make_pipeline (void)
{
  g_autoptr(GError) error = NULL;
  CbMediaPipeline *pipe = cb_media_pipeline_new ("127.0.0.1", 0, 0, &error);

  g_assert_no_error (error);
  g_object_set (pipe, "audio-src", SRC, "audio-sink", SINK, NULL);
  return pipe;
}

static void
start (CbMediaPipeline *pipe,
       CbMediaPipeline *peer,
       const CbCodec   *codec)
{
  g_autoptr(GError) error = NULL;

  cb_media_pipeline_set_remote (pipe, "127.0.0.1",
                                cb_media_pipeline_get_local_rtp_port (peer),
                                cb_media_pipeline_get_local_rtcp_port (peer));
  cb_media_pipeline_set_codec (pipe, codec->name, codec->payload_type,
                               cb_codec_dtmf_pt_for_rate (codec->clock_rate), &error);
  g_assert_no_error (error);
  cb_media_pipeline_start (pipe, &error);
  g_assert_no_error (error);
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static void
bench (const char *codec_name)
{
  const CbCodec *codec = cb_codec_lookup_name (codec_name);
  g_autoptr(CbMediaPipeline) a = make_pipeline ();
  g_autoptr(CbMediaPipeline) b = make_pipeline ();
  g_autoptr(GstElement) tap = NULL;
  g_autoptr(GstElement) volume = NULL;
  g_autoptr(GstPad) volume_src = NULL;
  double latencies[ROUNDS];
  double sum = 0, min = G_MAXDOUBLE, max = 0;
  double cpu_before, cpu_after;
  Probe probe = { 0 };

  cb_media_pipeline_set_mute (a, TRUE);
  start (a, b, codec);
  start (b, a, codec);

  tap = gst_bin_get_by_name (GST_BIN (cb_media_pipeline_get_audio_sink (b)), "tap");
  g_signal_connect (tap, "handoff", G_CALLBACK (on_handoff), &probe);
  {
    g_autoptr(GstObject) pipeline = gst_element_get_parent (cb_media_pipeline_get_audio_src (a));

    volume = gst_bin_get_by_name (GST_BIN (pipeline), "send-volume");
  }
  volume_src = gst_element_get_static_pad (volume, "src");
  gst_pad_add_probe (volume_src, GST_PAD_PROBE_TYPE_BUFFER,
                     (GstPadProbeCallback) on_sent, &probe, NULL);
  iterate_for (1000);

  for (guint i = 0; i < ROUNDS; i++)
    {
      probe.unmuted_at = probe.heard_at = 0;
      cb_media_pipeline_set_mute (a, FALSE);
      iterate_for (400);
      cb_media_pipeline_set_mute (a, TRUE);
      iterate_for (400);
      g_assert_cmpint (probe.heard_at, >, probe.unmuted_at);
      latencies[i] = (probe.heard_at - probe.unmuted_at) / 1000.0;
      sum += latencies[i];
      min = MIN (min, latencies[i]);
      max = MAX (max, latencies[i]);
    }

  cb_media_pipeline_set_mute (a, FALSE);
  cpu_before = cpu_seconds ();
  iterate_for (CALL_SECONDS * 1000);
  cpu_after = cpu_seconds ();

  g_print ("%-5s mouth-to-ear (volume -> played) mean %.1f ms, min %.1f, max %.1f (%d rounds); "
           "CPU per call end %.2f %% of one core\n",
           codec_name, sum / ROUNDS, min, max, ROUNDS,
           (cpu_after - cpu_before) / CALL_SECONDS / 2 * 100);

  cb_media_pipeline_stop (a);
  cb_media_pipeline_stop (b);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);

  bench ("opus");
  bench ("pcma");

  return 0;
}
