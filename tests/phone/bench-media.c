/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-media.c: not a test. Two media pipelines on loopback: prints the
 * mouth-to-ear latency (unmute at A to the first loud sample played at B)
 * and the CPU time one call costs, per codec; then the CPU time of one
 * call end of baresip (/usr/bin/baresip) with Opus, two baresip processes
 * calling each other on loopback with the same 440 Hz tone, in the same
 * run. Each CPU figure is per call end: one encoder, one decoder.
 * Both sides use the same Opus settings (voice, 32 kbit/s, in-band FEC for
 * 5 % loss, complexity 10, 20 ms, mono, 48 kHz).
 *   bench-media [--speech=FILE.wav] [opus|pcma|baresip]...   (default: all three)
 * --speech: that recording (48 kHz mono S16, longer than 30 s) instead of
 * the tone, for both; the CPU only (mouth-to-ear needs the tone). */
#define G_LOG_DOMAIN "cb-phone"

#include "cb-codec.h"
#include "cb-media-pipeline.h"

#include <gst/audio/audio.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* 20 ms a buffer at the codec's rate (the pipeline asks that much of a
 * capture source, and offers it the codec's rate). */
#define SRC "audiotestsrc is-live=true wave=sine freq=440 volume=0.5 samplesperbuffer=%u"
/* A recording played in real time, in 20 ms buffers like a capture device. */
#define SPEECH_SRC "filesrc location=\"%s\" ! wavparse ! audiobuffersplit output-buffer-duration=1/50 ! " \
                   "identity sync=true"
#define SINK "audioconvert ! audio/x-raw,format=S16LE,channels=1 ! " \
             "fakesink name=tap sync=true signal-handoffs=true"
#define CALL_SECONDS 10
#define ROUNDS 10
/* CPU is measured over CALL_SECONDS in this many windows; the lowest is
 * the figure (other work on a shared machine only ever adds), the
 * highest is printed beside it. */
#define WINDOWS 5

static char *speech_file;

typedef struct {
  gint64 unmuted_at;     /* when the first unmuted buffer left A's volume */
  gint64 heard_at;       /* when B's sink played the first loud sample */
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
        g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
        GstAudioInfo info;

        /* The buffer starts playing now; its loud part i samples later
         * (a whole buffer, 20 or 40 ms, would hide a frame size). */
        probe->heard_at = g_get_monotonic_time ();
        if (caps != NULL && gst_audio_info_from_caps (&info, caps))
          probe->heard_at += gst_util_uint64_scale_int (i, G_USEC_PER_SEC, GST_AUDIO_INFO_RATE (&info));
        break;
      }
  gst_buffer_unmap (buffer, &map);
}

static gboolean
time_is_up (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* One timer for the whole span: a ticker would wake the main thread a
 * hundred times a second, CPU that no call spends. */
static void
iterate_for (guint ms)
{
  gboolean up = FALSE;

  g_timeout_add (ms, time_is_up, &up);
  while (!up)
    g_main_context_iteration (NULL, TRUE);
}

static CbMediaPipeline *
make_pipeline (const CbCodec *codec)
{
  g_autoptr(GError) error = NULL;
  CbMediaPipeline *pipe = cb_media_pipeline_new ("127.0.0.1", 0, 0, &error);
  g_autofree char *src = NULL;

  g_assert_no_error (error);
  if (speech_file != NULL)
    src = g_strdup_printf (SPEECH_SRC, speech_file);
  else
    src = g_strdup_printf (SRC, codec->clock_rate / 50);
  g_object_set (pipe, "audio-src", src, "audio-sink", SINK, NULL);
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
  g_autoptr(CbMediaPipeline) a = make_pipeline (codec);
  g_autoptr(CbMediaPipeline) b = make_pipeline (codec);
  g_autoptr(GstElement) tap = NULL;
  g_autoptr(GstElement) volume = NULL;
  g_autoptr(GstPad) volume_src = NULL;
  double latencies[ROUNDS];
  double sum = 0, min = G_MAXDOUBLE, max = 0;
  double cpu_before, cpu_after, cpu_low = G_MAXDOUBLE, cpu_high = 0;
  Probe probe = { 0 };
  gulong probe_id;

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
  probe_id = gst_pad_add_probe (volume_src, GST_PAD_PROBE_TYPE_BUFFER,
                                (GstPadProbeCallback) on_sent, &probe, NULL);
  iterate_for (1000);

  for (guint i = 0; i < (speech_file != NULL ? 0 : ROUNDS); i++)
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

  /* The CPU a call costs, not the bench's taps: no probe, no handoffs. */
  gst_pad_remove_probe (volume_src, probe_id);
  g_object_set (tap, "signal-handoffs", FALSE, NULL);
  cb_media_pipeline_set_mute (a, FALSE);
  for (guint w = 0; w < WINDOWS; w++)
    {
      double share;

      cpu_before = cpu_seconds ();
      iterate_for (CALL_SECONDS * 1000 / WINDOWS);
      cpu_after = cpu_seconds ();
      share = (cpu_after - cpu_before) / (CALL_SECONDS / (double) WINDOWS) / 2 * 100;
      cpu_low = MIN (cpu_low, share);
      cpu_high = MAX (cpu_high, share);
    }

  if (speech_file != NULL)
    g_print ("%-5s speech: CPU per call end %.2f %% of one core (highest window %.2f %%)\n",
             codec_name, cpu_low, cpu_high);
  else
    g_print ("%-5s mouth-to-ear (volume -> played) mean %.1f ms, min %.1f, max %.1f (%d rounds); "
             "CPU per call end %.2f %% of one core (highest window %.2f %%)\n",
             codec_name, sum / ROUNDS, min, max, ROUNDS, cpu_low, cpu_high);

  cb_media_pipeline_stop (a);
  cb_media_pipeline_stop (b);
}

/* ---- baresip ------------------------------------------------------------ */

/* A SIP port for baresip: it binds UDP and TCP there and TLS one above. */
static guint
free_sip_port (void)
{
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      guint port = (guint) g_random_int_range (20000, 30000);
      gboolean free_ = TRUE;

      for (guint i = 0; i < 3 && free_; i++)
        {
          GSocketType type = i == 1 ? G_SOCKET_TYPE_DATAGRAM : G_SOCKET_TYPE_STREAM;
          GSocketProtocol protocol = i == 1 ? G_SOCKET_PROTOCOL_UDP : G_SOCKET_PROTOCOL_TCP;
          g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, type, protocol, NULL);
          g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
          g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port + (i == 2));

          free_ = socket != NULL && g_socket_bind (socket, address, FALSE, NULL);
        }
      if (free_)
        return port;
    }
  g_error ("No free port for baresip");
}

static char *
baresip_dir (const char *name,
             guint       port)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("cb-bench-baresip-XXXXXX", &error);
  g_autofree char *config = NULL;
  g_autofree char *accounts = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *accounts_path = NULL;

  g_assert_no_error (error);
  /* Opus only, mono and with our encoder's settings (voice, 32 kbit/s,
   * in-band FEC for 5 % loss, complexity 10; 20 ms is baresip's ptime), a
   * 440 Hz sine as microphone (ausine only makes stereo: baresip
   * downmixes it) or the recording, an aubridge device as speaker (it
   * takes the audio and plays it nowhere). No menu output, no terminal:
   * the status line would cost CPU of its own. */
  config = g_strdup_printf ("poll_method poll\n"
                            "sip_listen 127.0.0.1:%u\n"
                            "net_interface 127.0.0.1\n"
                            "audio_source %s%s\n"
                            "audio_player aubridge,speaker\n"
                            "audio_alert aubridge,alert\n"
                            "ausrc_srate 48000\n"
                            "ausrc_channels %d\n"
                            "auplay_srate 48000\n"
                            "auplay_channels 1\n"
                            "opus_stereo no\n"
                            "opus_sprop_stereo no\n"
                            "opus_bitrate 32000\n"
                            "opus_inbandfec yes\n"
                            "opus_packet_loss 5\n"
                            "opus_application voip\n"
                            "opus_complexity 10\n"
                            "module_path /usr/lib/baresip/modules\n"
                            "module opus.so\n"
                            "module %s\n"
                            "module aubridge.so\n"
                            "module menu.so\n"
                            "module_app account.so\n", port,
                            speech_file != NULL ? "aufile," : "ausine,",
                            speech_file != NULL ? speech_file : "440",
                            speech_file != NULL ? 1 : 2,
                            speech_file != NULL ? "aufile.so" : "ausine.so");
  accounts = g_strdup_printf ("<sip:%s@127.0.0.1>;regint=0;answermode=auto\n", name);
  config_path = g_build_filename (dir, "config", NULL);
  accounts_path = g_build_filename (dir, "accounts", NULL);
  g_assert_true (g_file_set_contents (config_path, config, -1, NULL));
  g_assert_true (g_file_set_contents (accounts_path, accounts, -1, NULL));
  return dir;
}

/* CPU time of all of a process's threads, in ns (schedstat), not in the
 * clock ticks of /proc/PID/stat: at 100 ticks a second, one tick is half
 * a percent of a 2 s window. */
static double
process_cpu_seconds (const char *pid)
{
  g_autofree char *task_dir = g_strdup_printf ("/proc/%s/task", pid);
  g_autoptr(GDir) dir = g_dir_open (task_dir, 0, NULL);
  const char *tid;
  double total = 0;

  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (task_dir, tid, "schedstat", NULL);
      g_autofree char *text = NULL;

      if (g_file_get_contents (path, &text, NULL, NULL))
        total += g_ascii_strtod (text, NULL) / 1e9;
    }

  return total;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
bench_baresip (void)
{
  g_autofree char *program = g_find_program_in_path ("baresip");
  guint port_a, port_b;
  g_autofree char *dir_a = NULL;
  g_autofree char *dir_b = NULL;
  g_autofree char *dial = NULL;
  g_autofree char *seconds = g_strdup_printf ("%d", CALL_SECONDS + 10);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) a = NULL;
  g_autoptr(GSubprocess) b = NULL;
  g_autoptr(GError) error = NULL;
  double a_before, b_before;

  if (program == NULL)
    {
      g_print ("baresip: not installed (package baresip-core)\n");
      return;
    }
  port_a = free_sip_port ();
  do
    port_b = free_sip_port ();
  while (port_b >= port_a - 1 && port_b <= port_a + 1);
  dir_a = baresip_dir ("a", port_a);
  dir_b = baresip_dir ("b", port_b);
  dial = g_strdup_printf ("/dial sip:b@127.0.0.1:%u", port_b);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  /* Under timeout: baresip may hang on its way out. */
  b = g_subprocess_launcher_spawn (launcher, &error, "timeout", "60", program, "-4", "-f", dir_b,
                                   "-t", seconds, NULL);
  g_assert_no_error (error);
  iterate_for (500);
  a = g_subprocess_launcher_spawn (launcher, &error, "timeout", "60", program, "-4", "-f", dir_a,
                                   "-t", seconds, "-e", dial, NULL);
  g_assert_no_error (error);
  /* A duration, not a wait for something: the call sets up in well under
   * this; then the steady state is measured, as for ours. */
  iterate_for (3000);
  {
    /* timeout's child is baresip. */
    g_autofree char *children_a = g_strdup_printf ("/proc/%s/task/%s/children",
                                                   g_subprocess_get_identifier (a), g_subprocess_get_identifier (a));
    g_autofree char *children_b = g_strdup_printf ("/proc/%s/task/%s/children",
                                                   g_subprocess_get_identifier (b), g_subprocess_get_identifier (b));
    g_autofree char *pid_a = NULL;
    g_autofree char *pid_b = NULL;
    double low = G_MAXDOUBLE, high = 0, a_low = 0, b_low = 0;

    g_assert_true (g_file_get_contents (children_a, &pid_a, NULL, NULL));
    g_assert_true (g_file_get_contents (children_b, &pid_b, NULL, NULL));
    g_strstrip (pid_a);
    g_strstrip (pid_b);
    for (guint w = 0; w < WINDOWS; w++)
      {
        double window = CALL_SECONDS / (double) WINDOWS;
        double a_share, b_share;

        a_before = process_cpu_seconds (pid_a);
        b_before = process_cpu_seconds (pid_b);
        iterate_for (CALL_SECONDS * 1000 / WINDOWS);
        a_share = (process_cpu_seconds (pid_a) - a_before) / window * 100;
        b_share = (process_cpu_seconds (pid_b) - b_before) / window * 100;
        if ((a_share + b_share) / 2 < low)
          {
            low = (a_share + b_share) / 2;
            a_low = a_share;
            b_low = b_share;
          }
        high = MAX (high, (a_share + b_share) / 2);
      }
    g_print ("baresip opus%s: CPU per call end %.2f %% of one core (caller %.2f %%, callee %.2f %%; "
             "highest window %.2f %%)\n", speech_file != NULL ? " speech" : "", low, a_low, b_low, high);
    if (a_low < 0.1)
      g_print ("baresip opus: (no CPU at all: did the call set up?)\n");
  }
  g_subprocess_send_signal (a, SIGTERM);
  g_subprocess_send_signal (b, SIGTERM);
  g_subprocess_wait (a, NULL, NULL);
  g_subprocess_wait (b, NULL, NULL);
  remove_dir (dir_a);
  remove_dir (dir_b);
}

int
main (int   argc,
      char *argv[])
{
  int first = 1;

  gst_init (&argc, &argv);

  if (argc > 1 && g_str_has_prefix (argv[1], "--speech="))
    {
      speech_file = g_canonicalize_filename (argv[1] + strlen ("--speech="), NULL);
      first = 2;
    }

  for (int i = argc > first ? first : 0; i < (argc > first ? argc : 1); i++)
    {
      const char *what = argc > first ? argv[i] : "all";

      if (g_str_equal (what, "opus") || g_str_equal (what, "all"))
        bench ("opus");
      if (g_str_equal (what, "pcma") || g_str_equal (what, "all"))
        bench ("pcma");
      if (g_str_equal (what, "baresip") || g_str_equal (what, "all"))
        bench_baresip ();
    }

  g_free (speech_file);
  return 0;
}
