/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-media-pipeline.c: one call's RTP audio through rtpbin: symmetric UDP
 * sockets, codec from the table, RFC 4733 DTMF, hold, mute, RTCP stats.
 *
 * Why one file of this size (about 1,900 lines): one GStreamer pipeline
 * whose parts interlock: the elements built here are relinked by the
 * receive side's pad-added, retuned while playing (direction, mute,
 * devices) and read by the statistics, all under one lock. Split, each
 * part would reach into the others' private state. */
#define G_LOG_DOMAIN "cb-phone"

#include "cb-media-pipeline.h"
#include "cb-codec.h"
#include "cb-phone-enums.h"

#include <stdio.h>
#include <string.h>

/*
 * Send:    src ! [aec] ! convert ! resample ! caps ! volume(mute) ! valve(direction)
 *              ! encoder ! payloader ! rtpdtmfmux ! rtpbin ! udpsink (RTP socket)
 *          rtpdtmfsrc ---------------------------^ (priority pad)
 * Receive: udpsrc (RTP socket) ! rtpbin ~pad-added~ input-selector ! depayloader ! decoder
 *              ! [convert ! resample ! echo probe] ! volume(direction)
 *              ! convert ! resample ! playout queue ! sink
 *          the telephone-event PT gets its own rtpdtmfdepay ! fakesink.
 * RTCP:    rtpbin ! udpsink (RTCP socket), udpsrc (RTCP socket) ! rtpbin.
 *
 * The RTP and RTCP sockets are bound once, at construction, so the ports can
 * go into an SDP offer before we know the codec or the remote address; the
 * same socket receives and sends (symmetric RTP, RFC 4961), which is what
 * NATs and SBCs in front of PBXes expect.
 */

#define STATS_INTERVAL_MS     1000
#define DTMF_TONE_MS          200 /* rtpdtmfsrc stretches to its own minimum */
#define DTMF_GAP_MS           100
#define DTMF_VOLUME           10  /* -dBm0, RFC 4733 section 2.3.4 */
#define AEC_RATE              48000
/* The encoders take 20 ms frames (Opus frame-size, the payloaders'
 * ptime); a capture source asked for 20 ms at a time wakes half as often
 * as with its default 10 ms, for no later audio: the encoder could not
 * start a frame before its last sample anyway. */
#define CAPTURE_PERIOD_US     20000
#define PORT_PAIR_ATTEMPTS    64
/* The source played falls silent this long while another sends: play
 * that one (the media moved back to a peer heard before). */
#define SOURCE_SILENT_US      (120 * G_TIME_SPAN_MILLISECOND)

struct _CbMediaPipeline {
  GObject           parent_instance;

  /* Transport, fixed at construction. */
  char             *local_address;
  guint             port_min;
  guint             port_max;
  GSocket          *rtp_socket;
  GSocket          *rtcp_socket;
  guint             local_rtp_port;
  guint             local_rtcp_port;

  /* Negotiated session. */
  char             *remote_address;
  guint             remote_rtp_port;
  guint             remote_rtcp_port;
  const CbCodec    *codec;
  guint             payload_type;
  int               dtmf_payload_type;
  gboolean          srtp;           /* the keys below are set (cb-srtp.c) */
  CbSrtpCrypto      srtp_local;
  CbSrtpCrypto      srtp_remote;

  /* Settings. */
  char             *audio_src_desc;
  char             *audio_sink_desc;
  guint             latency_ms;
  gboolean          mute;
  CbMediaDirection  direction;
  gboolean          echo_cancel;
  guint             rtcp_interval_ms;

  /* The running pipeline; all NULL while stopped. */
  GstElement       *pipeline;
  GstElement       *rtpbin;
  GstElement       *rtp_sink;
  GstElement       *rtcp_sink;
  GstElement       *audio_src;
  GstElement       *audio_sink;
  GstElement       *send_volume;
  GstElement       *send_valve;
  GstElement       *recv_volume;
  GstElement       *selector;       /* one input per audio SSRC */
  GstElement       *depayloader;
  GstElement       *dtmf_src;

  /* The selector's input played, and when it last had a packet; set from
   * the jitter buffers' threads. */
  GMutex            source_lock;
  GstPad           *active_source;
  gint64            active_heard_us;
  guint             bus_watch_id;
  guint             stats_id;

  GVariant         *stats;

  /* Digits waiting to be sent; one tone at a time. */
  GString          *dtmf_pending;
  guint             dtmf_timeout_id;
  gboolean          dtmf_tone_on;
};

static void cb_media_pipeline_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CbMediaPipeline, cb_media_pipeline, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      cb_media_pipeline_initable_iface_init))

enum {
  PROP_0,
  PROP_LOCAL_ADDRESS,
  PROP_PORT_MIN,
  PROP_PORT_MAX,
  PROP_LOCAL_RTP_PORT,
  PROP_LOCAL_RTCP_PORT,
  PROP_REMOTE_ADDRESS,
  PROP_REMOTE_RTP_PORT,
  PROP_REMOTE_RTCP_PORT,
  PROP_CODEC,
  PROP_PAYLOAD_TYPE,
  PROP_DTMF_PAYLOAD_TYPE,
  PROP_AUDIO_SRC,
  PROP_AUDIO_SINK,
  PROP_LATENCY,
  PROP_MUTE,
  PROP_DIRECTION,
  PROP_ECHO_CANCEL,
  PROP_RTCP_INTERVAL,
  PROP_STATS,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_DTMF_RECEIVED,
  SIGNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- directions ------------------------------------------------------- */

static const char * const direction_names[] = {
  [CB_MEDIA_DIRECTION_SENDRECV] = "sendrecv",
  [CB_MEDIA_DIRECTION_SENDONLY] = "sendonly",
  [CB_MEDIA_DIRECTION_RECVONLY] = "recvonly",
  [CB_MEDIA_DIRECTION_INACTIVE] = "inactive",
};

const char *
cb_media_direction_to_sdp (CbMediaDirection direction)
{
  g_return_val_if_fail (direction <= CB_MEDIA_DIRECTION_INACTIVE, "sendrecv");

  return direction_names[direction];
}

gboolean
cb_media_direction_from_sdp (const char       *attribute,
                             CbMediaDirection *direction)
{
  g_return_val_if_fail (attribute != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (direction_names); i++)
    {
      if (g_str_equal (attribute, direction_names[i]))
        {
          if (direction)
            *direction = (CbMediaDirection) i;
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
direction_sends (CbMediaDirection direction)
{
  return direction == CB_MEDIA_DIRECTION_SENDRECV ||
         direction == CB_MEDIA_DIRECTION_SENDONLY;
}

static gboolean
direction_receives (CbMediaDirection direction)
{
  return direction == CB_MEDIA_DIRECTION_SENDRECV ||
         direction == CB_MEDIA_DIRECTION_RECVONLY;
}

/* ---- sockets ---------------------------------------------------------- */

static GSocket *
bind_udp (GInetAddress  *address,
          guint          port,
          GError       **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) sockaddr = NULL;

  socket = g_socket_new (g_inet_address_get_family (address),
                         G_SOCKET_TYPE_DATAGRAM,
                         G_SOCKET_PROTOCOL_UDP,
                         error);
  if (socket == NULL)
    return NULL;

  sockaddr = g_inet_socket_address_new (address, port);
  /* No SO_REUSEADDR: two calls must never share a port. */
  if (!g_socket_bind (socket, sockaddr, FALSE, error))
    return NULL;

  return g_steal_pointer (&socket);
}

static guint
socket_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (socket, NULL);

  if (address == NULL)
    return 0;

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

/* RTCP on RTP+1 with an even RTP port is what RFC 3550 recommends and what
 * peers that ignore a=rtcp (RFC 3605) assume, so we always bind such a pair,
 * from the configured range or from the kernel's ephemeral ports. */
static gboolean
bind_port_pair (CbMediaPipeline  *self,
                GError          **error)
{
  g_autoptr(GInetAddress) address = NULL;

  address = g_inet_address_new_from_string (self->local_address);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Invalid local address “%s”", self->local_address);
      return FALSE;
    }

  if (self->port_min != 0)
    {
      guint first = self->port_min + (self->port_min % 2);
      guint last = self->port_max != 0 ? self->port_max : G_MAXUINT16;

      for (guint port = first; port + 1 <= last; port += 2)
        {
          g_autoptr(GSocket) rtp = bind_udp (address, port, NULL);
          g_autoptr(GSocket) rtcp = NULL;

          if (rtp == NULL)
            continue;
          rtcp = bind_udp (address, port + 1, NULL);
          if (rtcp == NULL)
            continue;

          self->rtp_socket = g_steal_pointer (&rtp);
          self->rtcp_socket = g_steal_pointer (&rtcp);
          break;
        }

      if (self->rtp_socket == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                       "No free RTP/RTCP port pair in %u–%u", first, last);
          return FALSE;
        }
    }
  else
    {
      for (guint attempt = 0; attempt < PORT_PAIR_ATTEMPTS && self->rtp_socket == NULL; attempt++)
        {
          g_autoptr(GSocket) rtp = bind_udp (address, 0, error);
          g_autoptr(GSocket) rtcp = NULL;
          guint port;

          if (rtp == NULL)
            return FALSE;

          port = socket_port (rtp);
          if (port % 2 != 0 || port >= G_MAXUINT16)
            continue;
          rtcp = bind_udp (address, port + 1, NULL);
          if (rtcp == NULL)
            continue;

          self->rtp_socket = g_steal_pointer (&rtp);
          self->rtcp_socket = g_steal_pointer (&rtcp);
        }

      if (self->rtp_socket == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                       "No free ephemeral RTP/RTCP port pair");
          return FALSE;
        }
    }

  self->local_rtp_port = socket_port (self->rtp_socket);
  self->local_rtcp_port = socket_port (self->rtcp_socket);
  g_debug ("Media bound to %s RTP %u RTCP %u",
           self->local_address, self->local_rtp_port, self->local_rtcp_port);

  return TRUE;
}

static gboolean
cb_media_pipeline_initable_init (GInitable     *initable,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  CbMediaPipeline *self = CB_MEDIA_PIPELINE (initable);

  if (!gst_is_initialized ())
    gst_init (NULL, NULL);

  if (self->port_max != 0 && self->port_max <= self->port_min)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Port range %u–%u holds no RTP/RTCP pair",
                   self->port_min, self->port_max);
      return FALSE;
    }

  return bind_port_pair (self, error);
}

static void
cb_media_pipeline_initable_iface_init (GInitableIface *iface)
{
  iface->init = cb_media_pipeline_initable_init;
}

/* ---- element helpers -------------------------------------------------- */

static GstElement *
make_element (const char  *factory,
              const char  *name,
              GError     **error)
{
  GstElement *element = gst_element_factory_make (factory, name);

  if (element == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 "GStreamer element “%s” is not installed", factory);

  return element;
}

static gboolean
has_property (gpointer    object,
              const char *name)
{
  return g_object_class_find_property (G_OBJECT_GET_CLASS (object), name) != NULL;
}

static gboolean
link_pads (GstElement *src,
           const char *src_pad_name,
           GstElement *sink,
           const char *sink_pad_name,
           GError    **error)
{
  g_autoptr(GstPad) src_pad = NULL;
  g_autoptr(GstPad) sink_pad = NULL;
  GstPadLinkReturn ret;

  src_pad = gst_element_get_static_pad (src, src_pad_name);
  if (src_pad == NULL)
    src_pad = gst_element_request_pad_simple (src, src_pad_name);
  sink_pad = gst_element_get_static_pad (sink, sink_pad_name);
  if (sink_pad == NULL)
    sink_pad = gst_element_request_pad_simple (sink, sink_pad_name);

  if (src_pad == NULL || sink_pad == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "No pad %s:%s or %s:%s",
                   GST_ELEMENT_NAME (src), src_pad_name,
                   GST_ELEMENT_NAME (sink), sink_pad_name);
      return FALSE;
    }

  ret = gst_pad_link (src_pad, sink_pad);
  if (GST_PAD_LINK_FAILED (ret))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Could not link %s:%s to %s:%s (%s)",
                   GST_ELEMENT_NAME (src), src_pad_name,
                   GST_ELEMENT_NAME (sink), sink_pad_name,
                   gst_pad_link_get_name (ret));
      return FALSE;
    }

  return TRUE;
}

/* Links a chain of elements already in the bin, with a NULL-terminated list. */
static gboolean
link_chain (GError **error,
            GstElement *first,
            ...)
{
  GstElement *prev = first;
  GstElement *next;
  va_list args;
  gboolean ok = TRUE;

  va_start (args, first);
  while (ok && (next = va_arg (args, GstElement *)) != NULL)
    {
      if (!gst_element_link (prev, next))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "Could not link %s to %s",
                       GST_ELEMENT_NAME (prev), GST_ELEMENT_NAME (next));
          ok = FALSE;
        }
      prev = next;
    }
  va_end (args);

  return ok;
}

static GstElement *
make_caps_filter (const char *name,
                  GstCaps    *caps)
{
  GstElement *filter = gst_element_factory_make ("capsfilter", name);

  g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);

  return filter;
}

static GstElement *
make_bin_from_description (const char  *description,
                           const char  *name,
                           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GstElement *bin;

  bin = gst_parse_bin_from_description_full (description, TRUE, NULL,
                                             GST_PARSE_FLAG_NONE, &local_error);
  if (bin == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Invalid audio element “%s”: %s", description, local_error->message);
      return NULL;
    }

  gst_object_set_name (GST_OBJECT (bin), name);

  return bin;
}

static void
set_socket (GstElement *element,
            GSocket    *socket)
{
  if (g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV6 &&
      has_property (element, "socket-v6"))
    g_object_set (element, "socket-v6", socket, NULL);
  else
    g_object_set (element, "socket", socket, NULL);
  /* The sockets outlive any one pipeline: we may restart on re-INVITE. */
  g_object_set (element, "close-socket", FALSE, NULL);
}

/* ---- receive side ----------------------------------------------------- */

static GstCaps *
on_request_pt_map (GstElement      *rtpbin,
                   guint            session,
                   guint            pt,
                   CbMediaPipeline *self)
{
  /* Runs on a streaming thread, but codec and PTs only change while stopped. */
  if (self->codec != NULL && pt == self->payload_type)
    return cb_codec_rtp_caps (self->codec, pt);

  if (self->codec != NULL && self->dtmf_payload_type >= 0 &&
      pt == (guint) self->dtmf_payload_type)
    return cb_codec_dtmf_rtp_caps (self->codec->clock_rate, pt);

  g_debug ("Ignoring RTP with unnegotiated payload type %u", pt);
  return NULL;
}

static void
add_discard_branch (CbMediaPipeline *self,
                    GstPad          *pad,
                    const char      *depayloader)
{
  GstElement *bin = self->pipeline;
  GstElement *first = NULL;
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr(GstPad) sink_pad = NULL;

  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (bin), sink);

  if (depayloader != NULL)
    {
      first = gst_element_factory_make (depayloader, NULL);
      gst_bin_add (GST_BIN (bin), first);
      gst_element_link (first, sink);
      gst_element_sync_state_with_parent (first);
    }
  gst_element_sync_state_with_parent (sink);

  sink_pad = gst_element_get_static_pad (first ? first : sink, "sink");
  if (GST_PAD_LINK_FAILED (gst_pad_link (pad, sink_pad)))
    g_warning ("Could not link %s to a discarding branch", GST_PAD_NAME (pad));
}

static void
play_source (CbMediaPipeline *self,
             GstPad          *source)
{
  g_mutex_lock (&self->source_lock);
  self->active_source = source;
  self->active_heard_us = g_get_monotonic_time ();
  g_mutex_unlock (&self->source_lock);
  g_object_set (self->selector, "active-pad", source, NULL);
}

/* A packet from one of the audio sources: the one played is still there;
 * another one takes over once the played one fell silent (the peer sends
 * from an SSRC that rtpbin saw before, so no pad-added tells us). */
static GstPadProbeReturn
on_source_buffer (GstPad          *source,
                  GstPadProbeInfo *info,
                  gpointer         user_data)
{
  CbMediaPipeline *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gboolean take_over = FALSE;

  g_mutex_lock (&self->source_lock);
  if (source == self->active_source)
    self->active_heard_us = now;
  else if (now - self->active_heard_us > SOURCE_SILENT_US)
    take_over = TRUE;
  g_mutex_unlock (&self->source_lock);

  if (take_over)
    {
      g_debug ("Playing %s again: the source played fell silent", GST_PAD_NAME (source));
      play_source (self, source);
    }
  return GST_PAD_PROBE_OK;
}

/* rtpbin adds one pad per (SSRC, PT) it has seen, after the jitter buffer. */
static void
on_rtpbin_pad_added (GstElement      *rtpbin,
                     GstPad          *pad,
                     CbMediaPipeline *self)
{
  g_autofree char *name = gst_pad_get_name (pad);
  guint session, ssrc, pt;
  g_autoptr(GstPad) source = NULL;

  if (sscanf (name, "recv_rtp_src_%u_%u_%u", &session, &ssrc, &pt) != 3)
    return;

  g_debug ("Receiving SSRC %08x PT %u", ssrc, pt);

  if (self->dtmf_payload_type >= 0 && pt == (guint) self->dtmf_payload_type)
    {
      /* rtpdtmfdepay posts "dtmf-event" on the bus, which is all we want;
       * the tones it synthesises are thrown away. */
      add_discard_branch (self, pad, "rtpdtmfdepay");
      return;
    }

  if (pt != self->payload_type)
    {
      add_discard_branch (self, pad, NULL);
      return;
    }

  /* A new SSRC for the audio PT means the peer restarted its stream (or a
   * B2BUA moved the media to another peer): play the newest one. The
   * earlier ones stay inputs of the selector, which drops what they send
   * until one is played again (on_source_buffer()). */
  source = gst_element_request_pad_simple (self->selector, "sink_%u");
  gst_pad_add_probe (source, GST_PAD_PROBE_TYPE_BUFFER, on_source_buffer, self, NULL);
  if (GST_PAD_LINK_FAILED (gst_pad_link (pad, source)))
    {
      g_warning ("Could not link %s to the source selector", name);
      return;
    }
  g_debug ("Playing SSRC %08x", ssrc);
  play_source (self, source);
}

/* ---- bus -------------------------------------------------------------- */

static const char dtmf_digits[] = "0123456789*#ABCD";

static void
handle_element_message (CbMediaPipeline *self,
                        GstMessage      *message)
{
  const GstStructure *s = gst_message_get_structure (message);
  int number = -1;
  char digit[2] = { 0, 0 };

  if (s == NULL || !gst_structure_has_name (s, "dtmf-event"))
    return;

  /* rtpdtmfsrc posts "dtmf-event-processed" for what we send; only the
   * depayloader posts "dtmf-event", once per received event. */
  if (!gst_structure_get_int (s, "number", &number) ||
      number < 0 || number >= (int) strlen (dtmf_digits))
    return;

  digit[0] = dtmf_digits[number];
  g_debug ("DTMF received: %s", digit);
  g_signal_emit (self, signals[SIGNAL_DTMF_RECEIVED], 0, digit);
}

static gboolean
on_bus_message (GstBus          *bus,
                GstMessage      *message,
                CbMediaPipeline *self)
{
  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_debug ("Pipeline error from %s: %s (%s)",
                 GST_OBJECT_NAME (GST_MESSAGE_SRC (message)), error->message,
                 debug ? debug : "");
        g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
        break;
      }

    case GST_MESSAGE_WARNING:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_warning (message, &error, &debug);
        g_debug ("Pipeline warning from %s: %s (%s)",
                 GST_OBJECT_NAME (GST_MESSAGE_SRC (message)), error->message,
                 debug ? debug : "");
        break;
      }

    case GST_MESSAGE_ELEMENT:
      handle_element_message (self, message);
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

/* GstBin's default sets the pipeline latency to the largest latency of any
 * sink. Our network sinks do not sync, yet the send chain (encoder
 * lookahead, ptime packing, rtpdtmfsrc) adds up to well over 100 ms there;
 * playback would then wait that long, the jitter buffer would overflow
 * and drop. Only the playback chain decides how late we play. */
static gboolean
on_do_latency (GstBin          *bin,
               CbMediaPipeline *self)
{
  g_autoptr(GstQuery) query = gst_query_new_latency ();
  GstClockTime min_latency = 0, max_latency = GST_CLOCK_TIME_NONE;
  gboolean live = FALSE;

  if (self->audio_sink == NULL || !gst_element_query (self->audio_sink, query))
    {
      /* Not prerolled yet; it posts a latency message once it is. */
      return TRUE;
    }

  gst_query_parse_latency (query, &live, &min_latency, &max_latency);
  g_debug ("Playback latency %" GST_TIME_FORMAT " (live %d)",
           GST_TIME_ARGS (min_latency), live);

  return gst_element_send_event (GST_ELEMENT (bin), gst_event_new_latency (min_latency));
}

/* ---- statistics ------------------------------------------------------- */

static GObject *
get_rtp_session (CbMediaPipeline *self)
{
  GObject *session = NULL;

  if (self->rtpbin != NULL)
    g_signal_emit_by_name (self->rtpbin, "get-internal-session", 0, &session);

  return session;
}

static guint
structure_get_uint_or (const GstStructure *s,
                       const char         *field,
                       guint               fallback)
{
  guint value;

  return gst_structure_get_uint (s, field, &value) ? value : fallback;
}

/* Folds rtpsession's per-source statistics into one dictionary:
 * what we receive (from the remote SSRC) and what the peer reports about
 * what we send (its receiver report blocks), plus our round-trip time. */
static GVariant *
collect_stats (CbMediaPipeline *self)
{
  g_autoptr(GObject) session = get_rtp_session (self);
  g_autoptr(GstStructure) stats = NULL;
  const GValue *sources;
  GVariantDict dict;
  guint64 packets_sent = 0;
  guint64 packets_received = 0;
  gint64 packets_lost = 0;
  double jitter_ms = 0;
  double rtt_ms = -1;
  double remote_jitter_ms = -1;
  gint64 remote_packets_lost = -1;
  double remote_fraction_lost = -1;
  gboolean have_remote = FALSE;
  gboolean have_sr = FALSE;
  guint clock_rate = self->codec ? self->codec->clock_rate : 8000;

  if (session == NULL)
    return NULL;

  g_object_get (session, "stats", &stats, NULL);
  if (stats == NULL)
    return NULL;

  sources = gst_structure_get_value (stats, "source-stats");
  /* rtpsession only offers a GValueArray here. Checked by name and read
   * through its public fields, because G_TYPE_VALUE_ARRAY and its accessors
   * are deprecated and we build warning-free. */
  if (sources != NULL && g_str_equal (G_VALUE_TYPE_NAME (sources), "GValueArray"))
    {
      GValueArray *array = g_value_get_boxed (sources);

      for (guint i = 0; array != NULL && i < array->n_values; i++)
        {
          const GstStructure *s = gst_value_get_structure (&array->values[i]);
          gboolean internal = FALSE;
          gboolean have_rb = FALSE;
          guint64 value64;
          int lost;
          guint rate = structure_get_uint_or (s, "clock-rate", 0);

          if (rate == 0 || rate == G_MAXUINT)
            rate = clock_rate;
          gst_structure_get_boolean (s, "internal", &internal);

          if (internal)
            {
              if (gst_structure_get_uint64 (s, "packets-sent", &value64))
                packets_sent += value64;
              continue;
            }

          /* A remote source that sent RTP: the receive side of the call. */
          if (gst_structure_get_uint64 (s, "packets-received", &value64) && value64 > 0)
            {
              have_remote = TRUE;
              packets_received += value64;
              if (gst_structure_get_int (s, "packets-lost", &lost))
                packets_lost += MAX (lost, 0);
              jitter_ms = MAX (jitter_ms,
                               structure_get_uint_or (s, "jitter", 0) * 1000.0 / rate);
            }

          /* Its report block about our stream: what the peer sees of us. */
          gst_structure_get_boolean (s, "have-rb", &have_rb);
          if (have_rb)
            {
              guint rtt = structure_get_uint_or (s, "rb-round-trip", 0);
              int rb_lost = 0;

              have_sr = TRUE;
              gst_structure_get_int (s, "rb-packetslost", &rb_lost);
              remote_packets_lost = MAX (rb_lost, 0);
              remote_fraction_lost = structure_get_uint_or (s, "rb-fractionlost", 0) / 256.0;
              remote_jitter_ms = structure_get_uint_or (s, "rb-jitter", 0) * 1000.0 / clock_rate;
              /* rb-round-trip is in 1/65536 s (NTP short format); 0 means
               * the peer's report did not echo one of our sender reports. */
              if (rtt > 0)
                rtt_ms = rtt * 1000.0 / 65536.0;
            }
        }
    }

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "packets-sent", "t", packets_sent);
  g_variant_dict_insert (&dict, "packets-received", "t", packets_received);
  if (have_remote)
    {
      g_variant_dict_insert (&dict, "packets-lost", "x", packets_lost);
      g_variant_dict_insert (&dict, "jitter-ms", "d", jitter_ms);
    }
  if (have_sr)
    {
      g_variant_dict_insert (&dict, "remote-packets-lost", "x", remote_packets_lost);
      g_variant_dict_insert (&dict, "remote-fraction-lost", "d", remote_fraction_lost);
      g_variant_dict_insert (&dict, "remote-jitter-ms", "d", remote_jitter_ms);
    }
  if (rtt_ms >= 0)
    g_variant_dict_insert (&dict, "round-trip-ms", "d", rtt_ms);

  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

static gboolean
on_stats_timeout (gpointer user_data)
{
  CbMediaPipeline *self = user_data;
  g_autoptr(GVariant) stats = collect_stats (self);

  if (stats == NULL)
    return G_SOURCE_CONTINUE;

  if (self->stats == NULL || !g_variant_equal (self->stats, stats))
    {
      g_clear_pointer (&self->stats, g_variant_unref);
      self->stats = g_steal_pointer (&stats);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATS]);
    }

  return G_SOURCE_CONTINUE;
}

/* ---- applying settings to a running pipeline --------------------------- */

static void
apply_direction (CbMediaPipeline *self)
{
  if (self->send_valve != NULL)
    g_object_set (self->send_valve, "drop", !direction_sends (self->direction), NULL);
  /* Received media keeps flowing (RTCP and the jitter buffer stay warm for
   * the resume) but is not played. */
  if (self->recv_volume != NULL)
    g_object_set (self->recv_volume, "mute", !direction_receives (self->direction), NULL);
}

static void
apply_remote (CbMediaPipeline *self)
{
  if (self->rtp_sink == NULL || self->remote_address == NULL)
    return;

  g_object_set (self->rtp_sink,
                "host", self->remote_address,
                "port", (int) self->remote_rtp_port,
                NULL);
  g_object_set (self->rtcp_sink,
                "host", self->remote_address,
                "port", (int) (self->remote_rtcp_port ? self->remote_rtcp_port
                                                      : self->remote_rtp_port + 1),
                NULL);
}

/* ---- building --------------------------------------------------------- */

static gboolean
echo_cancel_available (void)
{
  g_autoptr(GstElementFactory) dsp = gst_element_factory_find ("webrtcdsp");
  g_autoptr(GstElementFactory) probe = gst_element_factory_find ("webrtcechoprobe");

  return dsp != NULL && probe != NULL;
}

static void
configure_encoder (CbMediaPipeline *self,
                   GstElement      *encoder)
{
  if (g_str_equal (self->codec->name, "opus"))
    {
      gst_util_set_object_arg (G_OBJECT (encoder), "audio-type", "voice");
      gst_util_set_object_arg (G_OBJECT (encoder), "frame-size", "20");
      g_object_set (encoder,
                    "bitrate", 32000,
                    "inband-fec", TRUE,
                    /* Opus FEC only helps when told to expect some loss. */
                    "packet-loss-percentage", 5,
                    NULL);
    }
}

static void
configure_payloader (CbMediaPipeline *self,
                     GstElement      *payloader)
{
  g_object_set (payloader, "pt", self->payload_type, NULL);

  /* 20 ms packets, the common ptime; G.711 payloaders would otherwise fill
   * the MTU with whatever the source buffers hold. */
  if (has_property (payloader, "max-ptime"))
    g_object_set (payloader,
                  "min-ptime", (gint64) 20 * GST_MSECOND,
                  "max-ptime", (gint64) 20 * GST_MSECOND,
                  NULL);
}

static void
set_capture_period (GstElement *element)
{
  /* GstAudioBaseSrc (pulsesrc, alsasrc, …): the size of each read. */
  if (has_property (element, "latency-time"))
    g_object_set (element, "latency-time", (gint64) CAPTURE_PERIOD_US, NULL);
}

static void
on_source_element_added (GstBin     *bin,
                         GstBin     *sub_bin,
                         GstElement *element,
                         gpointer    user_data)
{
  set_capture_period (element);
}

/* The source's elements now and those it adds later (autoaudiosrc picks
 * its device's element when it starts). */
static void
configure_source (GstElement *source)
{
  g_autoptr(GstIterator) elements = gst_bin_iterate_recurse (GST_BIN (source));
  GValue item = G_VALUE_INIT;

  while (gst_iterator_next (elements, &item) == GST_ITERATOR_OK)
    {
      set_capture_period (g_value_get_object (&item));
      g_value_reset (&item);
    }
  g_value_unset (&item);
  g_signal_connect (source, "deep-element-added", G_CALLBACK (on_source_element_added), NULL);
}

static gboolean
build_send (CbMediaPipeline  *self,
            GstElement       *echo_dsp,
            GError          **error)
{
  GstBin *bin = GST_BIN (self->pipeline);
  GstElement *convert, *resample, *caps, *encoder, *payloader, *mux;
  GstElement *first, *prefer;
  GstCaps *preferred;

  self->audio_src = make_bin_from_description (self->audio_src_desc, "audio-src", error);
  if (self->audio_src == NULL)
    return FALSE;
  configure_source (self->audio_src);

  /* What the encoder takes, if the source can give it (S16 mono at the
   * codec's rate): else a source picks its own default, F64 for
   * audiotestsrc, 44.1 kHz for many, and every buffer is converted and
   * resampled here. A preference, not a demand: any source still links. */
  preferred = gst_caps_new_simple ("audio/x-raw",
                                   "format", G_TYPE_STRING, "S16LE",
                                   "rate", G_TYPE_INT, echo_dsp != NULL ? AEC_RATE : (int) self->codec->clock_rate,
                                   "channels", G_TYPE_INT, 1,
                                   NULL);
  gst_caps_append (preferred, gst_caps_new_empty_simple ("audio/x-raw"));
  prefer = make_caps_filter ("source-caps", preferred);
  convert = gst_element_factory_make ("audioconvert", NULL);
  resample = gst_element_factory_make ("audioresample", NULL);
  caps = make_caps_filter ("send-caps",
                           gst_caps_new_simple ("audio/x-raw",
                                                "rate", G_TYPE_INT, (int) self->codec->clock_rate,
                                                "channels", G_TYPE_INT, 1,
                                                NULL));
  self->send_volume = gst_element_factory_make ("volume", "send-volume");
  self->send_valve = gst_element_factory_make ("valve", "send-valve");
  encoder = make_element (self->codec->encoder, "encoder", error);
  payloader = encoder ? make_element (self->codec->payloader, "payloader", error) : NULL;
  mux = payloader ? make_element ("rtpdtmfmux", "dtmf-mux", error) : NULL;
  if (mux == NULL)
    {
      gst_clear_object (&encoder);
      gst_clear_object (&payloader);
      gst_clear_object (&self->audio_src);
      gst_clear_object (&convert);
      gst_clear_object (&resample);
      gst_clear_object (&caps);
      gst_clear_object (&prefer);
      gst_clear_object (&self->send_volume);
      gst_clear_object (&self->send_valve);
      return FALSE;
    }

  configure_encoder (self, encoder);
  configure_payloader (self, payloader);
  g_object_set (self->send_volume, "mute", self->mute, NULL);

  gst_bin_add_many (bin, self->audio_src, prefer, convert, resample, caps,
                    self->send_volume, self->send_valve, encoder, payloader, mux, NULL);
  if (!link_chain (error, self->audio_src, prefer, NULL))
    return FALSE;

  first = convert;
  if (echo_dsp != NULL)
    {
      /* webrtcdsp works on 10 ms frames of S16 at a rate it supports. */
      GstElement *aec_convert = gst_element_factory_make ("audioconvert", NULL);
      GstElement *aec_resample = gst_element_factory_make ("audioresample", NULL);
      GstElement *aec_caps = make_caps_filter (NULL,
                                               gst_caps_new_simple ("audio/x-raw",
                                                                    "format", G_TYPE_STRING, "S16LE",
                                                                    "rate", G_TYPE_INT, AEC_RATE,
                                                                    "channels", G_TYPE_INT, 1,
                                                                    NULL));

      gst_bin_add_many (bin, aec_convert, aec_resample, aec_caps, echo_dsp, NULL);
      if (!link_chain (error, prefer, aec_convert, aec_resample, aec_caps,
                       echo_dsp, convert, NULL))
        return FALSE;
    }
  else if (!link_chain (error, prefer, first, NULL))
    {
      return FALSE;
    }

  if (!link_chain (error, convert, resample, caps, self->send_volume,
                   self->send_valve, encoder, payloader, NULL))
    return FALSE;
  if (!link_pads (payloader, "src", mux, "sink_%u", error))
    return FALSE;

  if (self->dtmf_payload_type >= 0)
    {
      self->dtmf_src = make_element ("rtpdtmfsrc", "dtmf-src", error);
      if (self->dtmf_src == NULL)
        return FALSE;
      g_object_set (self->dtmf_src,
                    "pt", (guint) self->dtmf_payload_type,
                    "clock-rate", self->codec->clock_rate,
                    NULL);
      gst_bin_add (bin, self->dtmf_src);
      /* The priority pad makes the mux drop voice while a digit plays, as
       * RFC 4733 section 2.6 asks. */
      if (!link_pads (self->dtmf_src, "src", mux, "priority_sink_%u", error))
        return FALSE;
    }

  return link_pads (mux, "src", self->rtpbin, "send_rtp_sink_0", error);
}

static gboolean
build_receive (CbMediaPipeline  *self,
               GstElement       *echo_probe,
               GError          **error)
{
  GstBin *bin = GST_BIN (self->pipeline);
  GstElement *decoder, *decoded, *out_convert, *out_resample, *playout;

  self->audio_sink = make_bin_from_description (self->audio_sink_desc, "audio-sink", error);
  if (self->audio_sink == NULL)
    return FALSE;

  self->selector = make_element ("input-selector", "source-selector", error);
  self->depayloader = self->selector ? make_element (self->codec->depayloader, "depayloader", error) : NULL;
  decoder = self->depayloader ? make_element (self->codec->decoder, "decoder", error) : NULL;
  if (decoder == NULL)
    {
      gst_clear_object (&self->selector);
      gst_clear_object (&self->depayloader);
      gst_clear_object (&self->audio_sink);
      return FALSE;
    }

  /* Mono: opusdec would decode to two channels (RFC 7587 signals every
   * Opus stream as 48000/2), for the sink's conversion to mix down. */
  decoded = make_caps_filter (NULL, gst_caps_new_simple ("audio/x-raw", "channels", G_TYPE_INT, 1, NULL));
  self->recv_volume = gst_element_factory_make ("volume", "recv-volume");
  out_convert = gst_element_factory_make ("audioconvert", NULL);
  out_resample = gst_element_factory_make ("audioresample", NULL);
  /* A thread boundary between the jitter buffer and the sink. Without it
   * the jitter buffer's thread sits in the sink's clock wait (its
   * processing deadline is another 20 ms) and, with drop-on-latency, the
   * packets that pile up meanwhile count as "too late" and get dropped:
   * audible gaps after any disturbance (a DTMF event, a resumed hold). */
  playout = gst_element_factory_make ("queue", "playout-queue");
  g_object_set (playout,
                "max-size-buffers", 0,
                "max-size-bytes", 0,
                "max-size-time", (guint64) 500 * GST_MSECOND,
                NULL);

  /* Conceal lost packets (the jitter buffer reports them, do-lost). Not
   * opusdec's in-band FEC: to use it, opusdec holds every packet back for
   * the largest Opus frame, 120 ms of latency that a call cannot afford. */
  if (has_property (decoder, "plc"))
    g_object_set (decoder, "plc", TRUE, NULL);
  if (has_property (decoder, "use-inband-fec"))
    g_object_set (decoder, "use-inband-fec", FALSE, NULL);

  /* Not synchronising the inputs: only the played one matters, the
   * others are dropped as they come. */
  g_object_set (self->selector, "sync-streams", FALSE, "cache-buffers", FALSE, NULL);
  gst_bin_add_many (bin, self->selector, self->depayloader, decoder, decoded, self->recv_volume, out_convert,
                    out_resample, playout, self->audio_sink, NULL);
  if (!gst_element_link (self->selector, self->depayloader))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not link the source selector");
      return FALSE;
    }

  if (echo_probe != NULL)
    {
      GstElement *convert = gst_element_factory_make ("audioconvert", NULL);
      GstElement *resample = gst_element_factory_make ("audioresample", NULL);
      GstElement *probe_caps = make_caps_filter (NULL,
                                                 gst_caps_new_simple ("audio/x-raw",
                                                                      "format", G_TYPE_STRING, "S16LE",
                                                                      "rate", G_TYPE_INT, AEC_RATE,
                                                                      "channels", G_TYPE_INT, 1,
                                                                      NULL));

      gst_bin_add_many (bin, convert, resample, probe_caps, echo_probe, NULL);
      return link_chain (error, self->depayloader, decoder, decoded, convert, resample,
                         probe_caps, echo_probe, self->recv_volume, out_convert,
                         out_resample, playout, self->audio_sink, NULL);
    }

  /* Without the probe, the decoder's output goes to the volume as it is
   * (volume takes what decoders give); one conversion, for the sink. */
  return link_chain (error, self->depayloader, decoder, decoded, self->recv_volume, out_convert,
                     out_resample, playout, self->audio_sink, NULL);
}

static gboolean
build_pipeline (CbMediaPipeline  *self,
                GError          **error)
{
  g_autofree char *name = NULL;
  GstElement *rtp_src, *rtcp_src;
  GstElement *echo_dsp = NULL, *echo_probe = NULL;
  g_autoptr(GObject) session = NULL;
  g_autoptr(GstBus) bus = NULL;

  name = g_strdup_printf ("cb-media-%u", self->local_rtp_port);
  self->pipeline = gst_pipeline_new (name);
  gst_object_ref_sink (self->pipeline);
  g_signal_connect_object (self->pipeline, "do-latency",
                           G_CALLBACK (on_do_latency), self, 0);

  self->rtpbin = make_element ("rtpbin", "rtpbin", error);
  if (self->rtpbin == NULL)
    return FALSE;
  g_object_set (self->rtpbin,
                "latency", self->latency_ms,
                /* Late packets are useless for a call: drop them rather than
                 * let the delay grow, and let the decoder conceal the gap. */
                "drop-on-latency", TRUE,
                "do-lost", TRUE,
                NULL);
  g_signal_connect_object (self->rtpbin, "request-pt-map",
                           G_CALLBACK (on_request_pt_map), self, 0);
  g_signal_connect_object (self->rtpbin, "pad-added",
                           G_CALLBACK (on_rtpbin_pad_added), self, 0);
  gst_bin_add (GST_BIN (self->pipeline), self->rtpbin);

  rtp_src = gst_element_factory_make ("udpsrc", "rtp-src");
  rtcp_src = gst_element_factory_make ("udpsrc", "rtcp-src");
  self->rtp_sink = gst_element_factory_make ("udpsink", "rtp-sink");
  self->rtcp_sink = gst_element_factory_make ("udpsink", "rtcp-sink");
  set_socket (rtp_src, self->rtp_socket);
  set_socket (self->rtp_sink, self->rtp_socket);
  set_socket (rtcp_src, self->rtcp_socket);
  set_socket (self->rtcp_sink, self->rtcp_socket);
  if (self->srtp)
    cb_srtp_attach_to_rtpbin (self->rtpbin, &self->srtp_local, &self->srtp_remote);
  {
    g_autoptr(GstCaps) rtp_caps = self->srtp ? cb_srtp_rtp_caps ()
                                             : gst_caps_new_empty_simple ("application/x-rtp");
    g_autoptr(GstCaps) rtcp_caps = self->srtp ? cb_srtp_rtcp_caps ()
                                              : gst_caps_new_empty_simple ("application/x-rtcp");

    g_object_set (rtp_src, "caps", rtp_caps, NULL);
    g_object_set (rtcp_src, "caps", rtcp_caps, NULL);
  }
  /* Network sinks must never wait on the clock or for preroll: rtpbin
   * already paces RTP, and RTCP is sent when it is due. */
  g_object_set (self->rtp_sink, "sync", FALSE, "async", FALSE, NULL);
  g_object_set (self->rtcp_sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add_many (GST_BIN (self->pipeline),
                    rtp_src, rtcp_src, self->rtp_sink, self->rtcp_sink, NULL);
  apply_remote (self);

  if (self->echo_cancel)
    {
      if (echo_cancel_available ())
        {
          /* webrtcdsp finds its probe by name, process-wide: make it unique
           * so concurrent calls do not cancel each other's echo. */
          g_autofree char *probe_name = g_strdup_printf ("cb-echo-probe-%p", (gpointer) self);

          echo_probe = gst_element_factory_make ("webrtcechoprobe", probe_name);
          echo_dsp = gst_element_factory_make ("webrtcdsp", NULL);
          g_object_set (echo_dsp, "probe", probe_name, NULL);
        }
      else
        {
          g_debug ("Echo cancellation requested but webrtcdsp is not installed");
        }
    }

  if (!build_send (self, echo_dsp, error) || !build_receive (self, echo_probe, error))
    return FALSE;

  if (!link_pads (rtp_src, "src", self->rtpbin, "recv_rtp_sink_0", error) ||
      !link_pads (rtcp_src, "src", self->rtpbin, "recv_rtcp_sink_0", error) ||
      !link_pads (self->rtpbin, "send_rtp_src_0", self->rtp_sink, "sink", error) ||
      !link_pads (self->rtpbin, "send_rtcp_src_0", self->rtcp_sink, "sink", error))
    return FALSE;

  session = get_rtp_session (self);
  if (session != NULL && self->rtcp_interval_ms > 0)
    g_object_set (session, "rtcp-min-interval",
                  (guint64) self->rtcp_interval_ms * GST_MSECOND, NULL);

  apply_direction (self);

  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  self->bus_watch_id = gst_bus_add_watch (bus, (GstBusFunc) on_bus_message, self);

  return TRUE;
}

static void
clear_pipeline (CbMediaPipeline *self)
{
  g_clear_handle_id (&self->bus_watch_id, g_source_remove);
  g_clear_handle_id (&self->stats_id, g_source_remove);
  g_clear_handle_id (&self->dtmf_timeout_id, g_source_remove);
  self->dtmf_tone_on = FALSE;
  g_string_truncate (self->dtmf_pending, 0);

  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);

  /* The bin holds the elements; these are borrowed pointers into it. */
  self->rtpbin = NULL;
  self->rtp_sink = NULL;
  self->rtcp_sink = NULL;
  self->audio_src = NULL;
  self->audio_sink = NULL;
  self->send_volume = NULL;
  self->send_valve = NULL;
  self->recv_volume = NULL;
  self->selector = NULL;
  self->depayloader = NULL;
  self->dtmf_src = NULL;
  self->active_source = NULL;
  gst_clear_object (&self->pipeline);
}

/* ---- DTMF sending ----------------------------------------------------- */

static int
dtmf_event_number (char digit)
{
  const char *p = strchr (dtmf_digits, g_ascii_toupper (digit));

  return (p != NULL && digit != '\0') ? (int) (p - dtmf_digits) : -1;
}

static void
send_dtmf_event (CbMediaPipeline *self,
                 int              number,
                 gboolean         start)
{
  GstStructure *s;

  if (start)
    s = gst_structure_new ("dtmf-event",
                           "type", G_TYPE_INT, 1,
                           "number", G_TYPE_INT, number,
                           "volume", G_TYPE_INT, DTMF_VOLUME,
                           "start", G_TYPE_BOOLEAN, TRUE,
                           NULL);
  else
    s = gst_structure_new ("dtmf-event",
                           "type", G_TYPE_INT, 1,
                           "start", G_TYPE_BOOLEAN, FALSE,
                           NULL);

  /* rtpdtmfsrc takes its commands as custom upstream events arriving on its
   * src pad; gst_element_send_event() on a GstBaseSrc does not pass custom
   * events to the subclass, so push it into the pad ourselves. */
  {
    g_autoptr(GstPad) pad = gst_element_get_static_pad (self->dtmf_src, "src");

    if (!gst_pad_send_event (pad, gst_event_new_custom (GST_EVENT_CUSTOM_UPSTREAM, s)))
      g_debug ("rtpdtmfsrc refused a DTMF %s", start ? "start" : "stop");
  }
}

static gboolean
on_dtmf_timeout (gpointer user_data)
{
  CbMediaPipeline *self = user_data;

  self->dtmf_timeout_id = 0;

  if (self->dtmf_src == NULL)
    return G_SOURCE_REMOVE;

  if (self->dtmf_tone_on)
    {
      send_dtmf_event (self, 0, FALSE);
      self->dtmf_tone_on = FALSE;
      if (self->dtmf_pending->len > 0)
        self->dtmf_timeout_id = g_timeout_add (DTMF_GAP_MS, on_dtmf_timeout, self);
      return G_SOURCE_REMOVE;
    }

  if (self->dtmf_pending->len > 0)
    {
      int number = dtmf_event_number (self->dtmf_pending->str[0]);

      g_string_erase (self->dtmf_pending, 0, 1);
      send_dtmf_event (self, number, TRUE);
      self->dtmf_tone_on = TRUE;
      self->dtmf_timeout_id = g_timeout_add (DTMF_TONE_MS, on_dtmf_timeout, self);
    }

  return G_SOURCE_REMOVE;
}

/* ---- public API ------------------------------------------------------- */

/**
 * cb_media_pipeline_new:
 * @local_address: (nullable): address to bind RTP/RTCP to; %NULL for any IPv4
 * @port_min: first port of the RTP range, or 0 for ephemeral ports
 * @port_max: last port of the range, or 0 for no limit
 *
 * Binds the RTP and RTCP sockets at once, so the ports are known for SDP.
 */
CbMediaPipeline *
cb_media_pipeline_new (const char  *local_address,
                       guint        port_min,
                       guint        port_max,
                       GError     **error)
{
  return g_initable_new (CB_TYPE_MEDIA_PIPELINE, NULL, error,
                         "local-address", local_address ? local_address : "0.0.0.0",
                         "port-min", port_min,
                         "port-max", port_max,
                         NULL);
}

guint
cb_media_pipeline_get_local_rtp_port (CbMediaPipeline *self)
{
  g_return_val_if_fail (CB_IS_MEDIA_PIPELINE (self), 0);

  return self->local_rtp_port;
}

guint
cb_media_pipeline_get_local_rtcp_port (CbMediaPipeline *self)
{
  g_return_val_if_fail (CB_IS_MEDIA_PIPELINE (self), 0);

  return self->local_rtcp_port;
}

const char *
cb_media_pipeline_get_local_address (CbMediaPipeline *self)
{
  g_return_val_if_fail (CB_IS_MEDIA_PIPELINE (self), NULL);

  return self->local_address;
}

/**
 * cb_media_pipeline_set_remote:
 * @rtcp_port: the peer's RTCP port, or 0 for @rtp_port + 1
 *
 * May be called while running (a re-INVITE moved the media).
 */
void
cb_media_pipeline_set_remote (CbMediaPipeline *self,
                              const char      *address,
                              guint            rtp_port,
                              guint            rtcp_port)
{
  g_return_if_fail (CB_IS_MEDIA_PIPELINE (self));
  g_return_if_fail (address != NULL);
  g_return_if_fail (rtp_port > 0 && rtp_port <= G_MAXUINT16);

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->remote_address, address) != 0)
    {
      g_free (self->remote_address);
      self->remote_address = g_strdup (address);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_ADDRESS]);
    }
  if (self->remote_rtp_port != rtp_port)
    {
      self->remote_rtp_port = rtp_port;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_RTP_PORT]);
    }
  if (self->remote_rtcp_port != rtcp_port)
    {
      self->remote_rtcp_port = rtcp_port;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_RTCP_PORT]);
    }
  apply_remote (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * cb_media_pipeline_set_codec:
 * @codec_name: a name from the codec table ("opus", "pcma", "pcmu")
 * @payload_type: the negotiated PT, used for sending and receiving
 * @dtmf_payload_type: the negotiated telephone-event PT, or -1 for none
 *
 * Only while stopped: changing codec means rebuilding the pipeline.
 */
gboolean
cb_media_pipeline_set_codec (CbMediaPipeline  *self,
                             const char       *codec_name,
                             guint             payload_type,
                             int               dtmf_payload_type,
                             GError          **error)
{
  const CbCodec *codec;

  g_return_val_if_fail (CB_IS_MEDIA_PIPELINE (self), FALSE);
  g_return_val_if_fail (codec_name != NULL, FALSE);

  if (self->pipeline != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   "Cannot change the codec of a running pipeline");
      return FALSE;
    }

  codec = cb_codec_lookup_name (codec_name);
  if (codec == NULL || !cb_codec_is_available (codec))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Codec “%s” is not available", codec_name);
      return FALSE;
    }
  if (payload_type > 127 || dtmf_payload_type > 127 ||
      (int) payload_type == dtmf_payload_type)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Invalid payload types %u / %d", payload_type, dtmf_payload_type);
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (self->codec != codec)
    {
      self->codec = codec;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CODEC]);
    }
  if (self->payload_type != payload_type)
    {
      self->payload_type = payload_type;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAYLOAD_TYPE]);
    }
  if (self->dtmf_payload_type != MAX (dtmf_payload_type, -1))
    {
      self->dtmf_payload_type = MAX (dtmf_payload_type, -1);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DTMF_PAYLOAD_TYPE]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

const char *
cb_media_pipeline_get_codec (CbMediaPipeline *self)
{
  g_return_val_if_fail (CB_IS_MEDIA_PIPELINE (self), NULL);

  return self->codec ? self->codec->name : NULL;
}

gboolean
cb_media_pipeline_set_srtp (CbMediaPipeline     *self,
                            const CbSrtpCrypto  *local,
                            const CbSrtpCrypto  *remote,
                            GError             **error)
{
  g_return_val_if_fail (CB_IS_MEDIA_PIPELINE (self), FALSE);
  g_return_val_if_fail ((local == NULL) == (remote == NULL), FALSE);

  if (self->pipeline != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   "Cannot change the keys of a running pipeline");
      return FALSE;
    }
  self->srtp = local != NULL;
  self->srtp_local = local != NULL ? *local : (CbSrtpCrypto) { 0 };
  self->srtp_remote = remote != NULL ? *remote : (CbSrtpCrypto) { 0 };
  return TRUE;
}

gboolean
cb_media_pipeline_get_encrypted (CbMediaPipeline *self)
{
  g_return_val_if_fail (CB_IS_MEDIA_PIPELINE (self), FALSE);

  return self->srtp;
}

gboolean
cb_media_pipeline_start (CbMediaPipeline  *self,
                         GError          **error)
{
  GstStateChangeReturn ret;

  g_return_val_if_fail (CB_IS_MEDIA_PIPELINE (self), FALSE);

  if (self->pipeline != NULL)
    return TRUE;

  if (self->codec == NULL || self->remote_address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                   "Codec and remote address must be set before starting");
      return FALSE;
    }

  if (!build_pipeline (self, error))
    {
      clear_pipeline (self);
      return FALSE;
    }

  ret = gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
  if (ret == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Could not start the audio pipeline (audio device busy or missing?)");
      clear_pipeline (self);
      return FALSE;
    }

  self->stats_id = g_timeout_add (STATS_INTERVAL_MS, on_stats_timeout, self);
  g_debug ("Media %u ⇄ %s:%u started with %s/%u",
           self->local_rtp_port, self->remote_address, self->remote_rtp_port,
           self->codec->name, self->payload_type);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  return TRUE;
}

void
cb_media_pipeline_stop (CbMediaPipeline *self)
{
  g_return_if_fail (CB_IS_MEDIA_PIPELINE (self));

  if (self->pipeline == NULL)
    return;

  clear_pipeline (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

gboolean
cb_media_pipeline_is_running (CbMediaPipeline *self)
{
  g_return_val_if_fail (CB_IS_MEDIA_PIPELINE (self), FALSE);

  return self->pipeline != NULL;
}

void
cb_media_pipeline_set_mute (CbMediaPipeline *self,
                            gboolean         mute)
{
  g_return_if_fail (CB_IS_MEDIA_PIPELINE (self));

  mute = !!mute;
  if (self->mute == mute)
    return;

  self->mute = mute;
  /* Muting sends silence rather than nothing: the peer keeps seeing RTP,
   * so NAT bindings and media timeouts do not trip. */
  if (self->send_volume != NULL)
    g_object_set (self->send_volume, "mute", mute, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTE]);
}

gboolean
cb_media_pipeline_get_mute (CbMediaPipeline *self)
{
  g_return_val_if_fail (CB_IS_MEDIA_PIPELINE (self), FALSE);

  return self->mute;
}

void
cb_media_pipeline_set_direction (CbMediaPipeline  *self,
                                 CbMediaDirection  direction)
{
  g_return_if_fail (CB_IS_MEDIA_PIPELINE (self));
  g_return_if_fail (direction <= CB_MEDIA_DIRECTION_INACTIVE);

  if (self->direction == direction)
    return;

  self->direction = direction;
  apply_direction (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRECTION]);
}

CbMediaDirection
cb_media_pipeline_get_direction (CbMediaPipeline *self)
{
  g_return_val_if_fail (CB_IS_MEDIA_PIPELINE (self), CB_MEDIA_DIRECTION_SENDRECV);

  return self->direction;
}

void
cb_media_pipeline_set_latency (CbMediaPipeline *self,
                               guint            latency_ms)
{
  g_return_if_fail (CB_IS_MEDIA_PIPELINE (self));

  if (self->latency_ms == latency_ms)
    return;

  self->latency_ms = latency_ms;
  /* rtpbin forwards this to every jitter buffer it has. */
  if (self->rtpbin != NULL)
    g_object_set (self->rtpbin, "latency", latency_ms, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATENCY]);
}

guint
cb_media_pipeline_get_latency (CbMediaPipeline *self)
{
  g_return_val_if_fail (CB_IS_MEDIA_PIPELINE (self), 0);

  return self->latency_ms;
}

/**
 * cb_media_pipeline_send_dtmf:
 * @digits: any of 0-9 * # A-D; queued behind digits still being sent
 *
 * Sends RFC 4733 telephone events, one after the other.
 */
gboolean
cb_media_pipeline_send_dtmf (CbMediaPipeline  *self,
                             const char       *digits,
                             GError          **error)
{
  g_return_val_if_fail (CB_IS_MEDIA_PIPELINE (self), FALSE);
  g_return_val_if_fail (digits != NULL, FALSE);

  if (self->dtmf_src == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "No telephone-event negotiated or media not running");
      return FALSE;
    }
  if (!direction_sends (self->direction))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                   "Media is not sending (call on hold)");
      return FALSE;
    }
  for (const char *p = digits; *p; p++)
    {
      if (dtmf_event_number (*p) < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "“%c” is not a DTMF digit", *p);
          return FALSE;
        }
    }

  g_string_append (self->dtmf_pending, digits);
  if (self->dtmf_timeout_id == 0 && !self->dtmf_tone_on)
    self->dtmf_timeout_id = g_idle_add (on_dtmf_timeout, self);

  return TRUE;
}

/**
 * cb_media_pipeline_dup_stats:
 *
 * Returns: (transfer full) (nullable): an a{sv} with packets-sent,
 *   packets-received, packets-lost, jitter-ms (what we receive),
 *   remote-packets-lost, remote-fraction-lost, remote-jitter-ms (what the
 *   peer reports about our stream) and round-trip-ms, each present once
 *   known; refreshed every second while running.
 */
GVariant *
cb_media_pipeline_dup_stats (CbMediaPipeline *self)
{
  g_return_val_if_fail (CB_IS_MEDIA_PIPELINE (self), NULL);

  return self->stats ? g_variant_ref (self->stats) : NULL;
}

/**
 * cb_media_pipeline_get_audio_sink:
 *
 * Returns: (transfer none) (nullable): the bin made from the audio-sink
 *   description, while running; tests find their probes in it by name.
 */
GstElement *
cb_media_pipeline_get_audio_sink (CbMediaPipeline *self)
{
  g_return_val_if_fail (CB_IS_MEDIA_PIPELINE (self), NULL);

  return self->audio_sink;
}

/**
 * cb_media_pipeline_get_audio_src:
 *
 * Returns: (transfer none) (nullable): the bin made from the audio-src
 *   description, while running.
 */
GstElement *
cb_media_pipeline_get_audio_src (CbMediaPipeline *self)
{
  g_return_val_if_fail (CB_IS_MEDIA_PIPELINE (self), NULL);

  return self->audio_src;
}

/* ---- GObject ---------------------------------------------------------- */

static void
cb_media_pipeline_dispose (GObject *object)
{
  CbMediaPipeline *self = CB_MEDIA_PIPELINE (object);

  clear_pipeline (self);

  G_OBJECT_CLASS (cb_media_pipeline_parent_class)->dispose (object);
}

static void
cb_media_pipeline_finalize (GObject *object)
{
  CbMediaPipeline *self = CB_MEDIA_PIPELINE (object);

  if (self->rtp_socket != NULL)
    g_socket_close (self->rtp_socket, NULL);
  if (self->rtcp_socket != NULL)
    g_socket_close (self->rtcp_socket, NULL);
  g_clear_object (&self->rtp_socket);
  g_clear_object (&self->rtcp_socket);
  g_clear_pointer (&self->stats, g_variant_unref);
  g_string_free (self->dtmf_pending, TRUE);
  g_free (self->local_address);
  g_free (self->remote_address);
  g_free (self->audio_src_desc);
  g_free (self->audio_sink_desc);
  g_mutex_clear (&self->source_lock);

  G_OBJECT_CLASS (cb_media_pipeline_parent_class)->finalize (object);
}

static void
cb_media_pipeline_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CbMediaPipeline *self = CB_MEDIA_PIPELINE (object);

  switch (prop_id)
    {
    case PROP_LOCAL_ADDRESS:
      g_value_set_string (value, self->local_address);
      break;
    case PROP_PORT_MIN:
      g_value_set_uint (value, self->port_min);
      break;
    case PROP_PORT_MAX:
      g_value_set_uint (value, self->port_max);
      break;
    case PROP_LOCAL_RTP_PORT:
      g_value_set_uint (value, self->local_rtp_port);
      break;
    case PROP_LOCAL_RTCP_PORT:
      g_value_set_uint (value, self->local_rtcp_port);
      break;
    case PROP_REMOTE_ADDRESS:
      g_value_set_string (value, self->remote_address);
      break;
    case PROP_REMOTE_RTP_PORT:
      g_value_set_uint (value, self->remote_rtp_port);
      break;
    case PROP_REMOTE_RTCP_PORT:
      g_value_set_uint (value, self->remote_rtcp_port);
      break;
    case PROP_CODEC:
      g_value_set_string (value, cb_media_pipeline_get_codec (self));
      break;
    case PROP_PAYLOAD_TYPE:
      g_value_set_uint (value, self->payload_type);
      break;
    case PROP_DTMF_PAYLOAD_TYPE:
      g_value_set_int (value, self->dtmf_payload_type);
      break;
    case PROP_AUDIO_SRC:
      g_value_set_string (value, self->audio_src_desc);
      break;
    case PROP_AUDIO_SINK:
      g_value_set_string (value, self->audio_sink_desc);
      break;
    case PROP_LATENCY:
      g_value_set_uint (value, self->latency_ms);
      break;
    case PROP_MUTE:
      g_value_set_boolean (value, self->mute);
      break;
    case PROP_DIRECTION:
      g_value_set_enum (value, self->direction);
      break;
    case PROP_ECHO_CANCEL:
      g_value_set_boolean (value, self->echo_cancel);
      break;
    case PROP_RTCP_INTERVAL:
      g_value_set_uint (value, self->rtcp_interval_ms);
      break;
    case PROP_STATS:
      g_value_set_variant (value, self->stats);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->pipeline != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_description (char       **field,
                 const char  *value,
                 const char  *env,
                 const char  *fallback)
{
  g_free (*field);
  if (value == NULL || *value == '\0')
    value = g_getenv (env);
  if (value == NULL || *value == '\0')
    value = fallback;
  *field = g_strdup (value);
}

static void
cb_media_pipeline_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CbMediaPipeline *self = CB_MEDIA_PIPELINE (object);

  switch (prop_id)
    {
    case PROP_LOCAL_ADDRESS:
      g_free (self->local_address);
      self->local_address = g_value_dup_string (value);
      if (self->local_address == NULL)
        self->local_address = g_strdup ("0.0.0.0");
      break;
    case PROP_PORT_MIN:
      self->port_min = g_value_get_uint (value);
      break;
    case PROP_PORT_MAX:
      self->port_max = g_value_get_uint (value);
      break;
    case PROP_AUDIO_SRC:
      /* Applies from the next start; a running call keeps its device. */
      set_description (&self->audio_src_desc, g_value_get_string (value),
                       "CALLBOARD_AUDIO_SRC", "autoaudiosrc");
      break;
    case PROP_AUDIO_SINK:
      set_description (&self->audio_sink_desc, g_value_get_string (value),
                       "CALLBOARD_AUDIO_SINK", "autoaudiosink");
      break;
    case PROP_LATENCY:
      cb_media_pipeline_set_latency (self, g_value_get_uint (value));
      break;
    case PROP_MUTE:
      cb_media_pipeline_set_mute (self, g_value_get_boolean (value));
      break;
    case PROP_DIRECTION:
      cb_media_pipeline_set_direction (self, g_value_get_enum (value));
      break;
    case PROP_ECHO_CANCEL:
      self->echo_cancel = g_value_get_boolean (value);
      break;
    case PROP_RTCP_INTERVAL:
      self->rtcp_interval_ms = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_media_pipeline_class_init (CbMediaPipelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_media_pipeline_dispose;
  object_class->finalize = cb_media_pipeline_finalize;
  object_class->get_property = cb_media_pipeline_get_property;
  object_class->set_property = cb_media_pipeline_set_property;

  properties[PROP_LOCAL_ADDRESS] =
    g_param_spec_string ("local-address", NULL, NULL, "0.0.0.0",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT_MIN] =
    g_param_spec_uint ("port-min", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT_MAX] =
    g_param_spec_uint ("port-max", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOCAL_RTP_PORT] =
    g_param_spec_uint ("local-rtp-port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOCAL_RTCP_PORT] =
    g_param_spec_uint ("local-rtcp-port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REMOTE_ADDRESS] =
    g_param_spec_string ("remote-address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REMOTE_RTP_PORT] =
    g_param_spec_uint ("remote-rtp-port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REMOTE_RTCP_PORT] =
    g_param_spec_uint ("remote-rtcp-port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CODEC] =
    g_param_spec_string ("codec", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAYLOAD_TYPE] =
    g_param_spec_uint ("payload-type", NULL, NULL, 0, 127, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DTMF_PAYLOAD_TYPE] =
    g_param_spec_int ("dtmf-payload-type", NULL, NULL, -1, 127, -1,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Element descriptions in gst-launch syntax; NULL or "" means the
   * environment (CALLBOARD_AUDIO_SRC/SINK), then the auto elements. */
  properties[PROP_AUDIO_SRC] =
    g_param_spec_string ("audio-src", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUDIO_SINK] =
    g_param_spec_string ("audio-sink", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  /* 40 ms: enough for LAN and most WAN jitter; GStreamer's 200 ms default
   * is a streaming value that makes conversation awkward. */
  properties[PROP_LATENCY] =
    g_param_spec_uint ("latency", NULL, NULL, 0, 2000, CB_MEDIA_PIPELINE_DEFAULT_LATENCY_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);
  properties[PROP_MUTE] =
    g_param_spec_boolean ("mute", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIRECTION] =
    g_param_spec_enum ("direction", NULL, NULL,
                       CB_TYPE_MEDIA_DIRECTION, CB_MEDIA_DIRECTION_SENDRECV,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ECHO_CANCEL] =
    g_param_spec_boolean ("echo-cancel", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  /* RTCP minimum interval; RFC 3550's 5 s unless a test wants stats sooner. */
  properties[PROP_RTCP_INTERVAL] =
    g_param_spec_uint ("rtcp-interval", NULL, NULL, 0, 60000, 5000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATS] =
    g_param_spec_variant ("stats", NULL, NULL, G_VARIANT_TYPE_VARDICT, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CbMediaPipeline::dtmf-received:
   * @digit: one of "0"–"9", "*", "#", "A"–"D"
   *
   * Emitted once per RFC 4733 event received, at its start.
   */
  signals[SIGNAL_DTMF_RECEIVED] =
    g_signal_new ("dtmf-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * CbMediaPipeline::error:
   *
   * A GStreamer error: the media of this call is broken (device gone,
   * element failure). The owner decides whether to hang up.
   */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
cb_media_pipeline_init (CbMediaPipeline *self)
{
  self->local_address = g_strdup ("0.0.0.0");
  self->dtmf_payload_type = -1;
  self->latency_ms = CB_MEDIA_PIPELINE_DEFAULT_LATENCY_MS;
  self->rtcp_interval_ms = 5000;
  self->dtmf_pending = g_string_new (NULL);
  g_mutex_init (&self->source_lock);
}
