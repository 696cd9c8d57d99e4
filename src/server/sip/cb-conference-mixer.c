/* cb-conference-mixer.c: the server's RTP endpoint that mixes a conference: each party hears the others
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A party joins with its SDP offer: the mixer answers with the first
 * format of the offer it can run (the phone library's codec table, as the
 * hold music does) and a UDP port of its own, used both ways (symmetric
 * RTP; the port above it takes the party's RTCP, unread). One GStreamer
 * pipeline mixes them all: per party a receive chain (jitter buffer,
 * depayloader, decoder, 48 kHz mono) into a tee, and an audiomixer whose
 * inputs are every other party's tee and a live silence (so the mix runs
 * on the clock even when nobody speaks), then the party's own encoder and
 * payloader to its address. N parties cost N decoders, N mixers and N
 * encoders: nobody hears themself. A change of parties rebuilds the
 * pipeline on the same ports; the phones notice nothing but a short gap.
 */

#define G_LOG_DOMAIN "cb-conference"

#include "config.h"

#include <string.h>

#include <gst/gst.h>
#include <sofia-sip/sdp.h>

#include "cb-codec.h"
#include "cb-conference-mixer.h"

#define MIX_RATE       48000
#define JITTER_MS      60
#define MIX_LATENCY_MS 40

typedef struct {
  guint          id;
  const CbCodec *codec;
  guint          pt;
  GSocket       *rtp;
  GSocket       *rtcp;       /* takes the party's RTCP so that no ICMP answers it; unread */
  guint          port;
  char          *remote;     /* the party's address and RTP port */
  guint          remote_port;
} Party;

struct _CbConferenceMixer
{
  GObject     parent_instance;

  char       *address;
  GPtrArray  *parties;       /* Party, in the order they joined */
  guint       next_id;
  GstElement *pipeline;      /* while started */
  guint       bus_watch_id;
};

G_DEFINE_FINAL_TYPE (CbConferenceMixer, cb_conference_mixer, G_TYPE_OBJECT)

static void
party_free (Party *party)
{
  if (party->rtp != NULL)
    g_socket_close (party->rtp, NULL);
  if (party->rtcp != NULL)
    g_socket_close (party->rtcp, NULL);
  g_clear_object (&party->rtp);
  g_clear_object (&party->rtcp);
  g_free (party->remote);
  g_free (party);
}

static void
cb_conference_mixer_dispose (GObject *object)
{
  CbConferenceMixer *self = CB_CONFERENCE_MIXER (object);

  cb_conference_mixer_stop (self);
  G_OBJECT_CLASS (cb_conference_mixer_parent_class)->dispose (object);
}

static void
cb_conference_mixer_finalize (GObject *object)
{
  CbConferenceMixer *self = CB_CONFERENCE_MIXER (object);

  g_ptr_array_unref (self->parties);
  g_free (self->address);
  G_OBJECT_CLASS (cb_conference_mixer_parent_class)->finalize (object);
}

static void
cb_conference_mixer_class_init (CbConferenceMixerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_conference_mixer_dispose;
  object_class->finalize = cb_conference_mixer_finalize;
}

static void
cb_conference_mixer_init (CbConferenceMixer *self)
{
  self->parties = g_ptr_array_new_with_free_func ((GDestroyNotify) party_free);
}

CbConferenceMixer *
cb_conference_mixer_new (const char *address)
{
  CbConferenceMixer *self = g_object_new (CB_TYPE_CONFERENCE_MIXER, NULL);

  self->address = g_strdup (address);
  return self;
}

static Party *
find_party (CbConferenceMixer *self,
            guint              id)
{
  for (guint i = 0; i < self->parties->len; i++)
    if (((Party *) g_ptr_array_index (self->parties, i))->id == id)
      return g_ptr_array_index (self->parties, i);
  return NULL;
}

guint
cb_conference_mixer_get_n_parties (CbConferenceMixer *self)
{
  g_return_val_if_fail (CB_IS_CONFERENCE_MIXER (self), 0);
  return self->parties->len;
}

/* ---- the offer and the answer --------------------------------------------- */

static const sdp_media_t *
find_audio (const sdp_session_t *sdp)
{
  for (const sdp_media_t *m = sdp->sdp_media; m != NULL; m = m->m_next)
    if (m->m_type == sdp_media_audio && m->m_port != 0 && !m->m_rejected)
      return m;
  return NULL;
}

/* The offerer's preferred format we can run, and where it listens. */
static gboolean
read_offer (const char     *offer,
            Party          *party,
            GError        **error)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  sdp_parser_t *parser = sdp_parse (home, offer != NULL ? offer : "", offer != NULL ? strlen (offer) : 0, 0);
  sdp_session_t *sdp = sdp_session (parser);
  const sdp_media_t *audio = sdp != NULL ? find_audio (sdp) : NULL;
  const CbCodec *codec = NULL;
  const char *address = NULL;
  guint pt = 0;

  for (const sdp_rtpmap_t *rm = audio != NULL ? audio->m_rtpmaps : NULL; rm != NULL && codec == NULL;
       rm = rm->rm_next)
    {
      const CbCodec *candidate = cb_codec_lookup_encoding (rm->rm_encoding, rm->rm_rate);

      if (candidate != NULL && cb_codec_is_available (candidate))
        {
          codec = candidate;
          pt = rm->rm_pt;
        }
    }
  if (audio != NULL && audio->m_connections != NULL)
    address = audio->m_connections->c_address;
  else if (sdp != NULL && sdp->sdp_connection != NULL)
    address = sdp->sdp_connection->c_address;

  if (codec == NULL || address == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "The offer has no audio the mixer can take");
  else
    {
      party->codec = codec;
      party->pt = pt;
      g_free (party->remote);
      party->remote = g_strdup (address);
      party->remote_port = audio->m_port;
    }
  sdp_parser_free (parser);
  su_home_deinit (home);
  return codec != NULL && address != NULL;
}

static GSocket *
bind_udp (GInetAddress  *inet,
          guint          port,
          GError       **error)
{
  g_autoptr(GSocket) socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_DATAGRAM,
                                            G_SOCKET_PROTOCOL_UDP, error);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (inet, port);

  if (socket == NULL || !g_socket_bind (socket, local, FALSE, error))
    return NULL;
  return g_steal_pointer (&socket);
}

/* A port for RTP and the one above it for RTCP. */
static gboolean
bind_ports (CbConferenceMixer  *self,
            Party              *party,
            GError            **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (self->address);

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Bad address %s", self->address);
      return FALSE;
    }
  for (guint attempt = 0; attempt < 20; attempt++)
    {
      g_autoptr(GSocket) rtp = bind_udp (inet, 0, error);
      g_autoptr(GSocketAddress) bound = NULL;
      guint port;

      if (rtp == NULL || (bound = g_socket_get_local_address (rtp, error)) == NULL)
        return FALSE;
      port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
      if (port < G_MAXUINT16 && (party->rtcp = bind_udp (inet, port + 1, NULL)) != NULL)
        {
          party->rtp = g_steal_pointer (&rtp);
          party->port = port;
          return TRUE;
        }
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE, "No pair of free UDP ports on %s",
               self->address);
  return FALSE;
}

static char *
answer_for (CbConferenceMixer *self,
            const Party       *party)
{
  const char *family = strchr (self->address, ':') != NULL ? "IP6" : "IP4";
  const CbCodec *codec = party->codec;
  GString *body = g_string_new ("v=0\r\n");

  g_string_append_printf (body, "o=callboardd 0 0 IN %s %s\r\ns=callboardd\r\nc=IN %s %s\r\nt=0 0\r\n",
                          family, self->address, family, self->address);
  g_string_append_printf (body, "m=audio %u RTP/AVP %u\r\n", party->port, party->pt);
  if (codec->sdp_channels > 0)
    g_string_append_printf (body, "a=rtpmap:%u %s/%u/%u\r\n", party->pt, codec->encoding_name,
                            codec->clock_rate, codec->sdp_channels);
  else
    g_string_append_printf (body, "a=rtpmap:%u %s/%u\r\n", party->pt, codec->encoding_name,
                            codec->clock_rate);
  g_string_append (body, "a=ptime:20\r\na=sendrecv\r\n");
  return g_string_free (body, FALSE);
}

guint
cb_conference_mixer_add (CbConferenceMixer  *self,
                         const char         *offer,
                         char              **answer,
                         GError            **error)
{
  Party *party;

  g_return_val_if_fail (CB_IS_CONFERENCE_MIXER (self), 0);
  g_return_val_if_fail (answer != NULL, 0);

  /* The codec table asks GStreamer which formats it can run. */
  if (!gst_init_check (NULL, NULL, error))
    return 0;
  party = g_new0 (Party, 1);
  if (!read_offer (offer, party, error) || !bind_ports (self, party, error))
    {
      party_free (party);
      return 0;
    }
  party->id = ++self->next_id;
  g_ptr_array_add (self->parties, party);
  *answer = answer_for (self, party);
  g_debug ("Party %u: %s from %s:%u on port %u", party->id, party->codec->name, party->remote,
           party->remote_port, party->port);
  return party->id;
}

gboolean
cb_conference_mixer_update (CbConferenceMixer  *self,
                            guint               id,
                            const char         *offer,
                            char              **answer,
                            GError            **error)
{
  Party *party;

  g_return_val_if_fail (CB_IS_CONFERENCE_MIXER (self), FALSE);
  g_return_val_if_fail (answer != NULL, FALSE);

  party = find_party (self, id);
  if (party == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No party %u in the conference", id);
      return FALSE;
    }
  if (!read_offer (offer, party, error))
    return FALSE;
  *answer = answer_for (self, party);
  return TRUE;
}

void
cb_conference_mixer_remove (CbConferenceMixer *self,
                            guint              id)
{
  Party *party;

  g_return_if_fail (CB_IS_CONFERENCE_MIXER (self));

  party = find_party (self, id);
  if (party != NULL)
    g_ptr_array_remove (self->parties, party);
}

/* ---- the mix ---------------------------------------------------------------- */

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *debug = NULL;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (message, &error, &debug);
      /* A party whose audio breaks the pipeline is not heard; the others'
       * calls go on. Logged, not a warning: it is the network's doing. */
      g_message ("Conference mixer: %s (%s)", error->message, debug != NULL ? debug : "");
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (message, &error, &debug);
      g_debug ("Conference mixer: %s", error->message);
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

static char *
describe (CbConferenceMixer *self)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < self->parties->len; i++)
    {
      const Party *party = g_ptr_array_index (self->parties, i);
      const CbCodec *codec = party->codec;
      guint rate = codec->clock_rate;

      /* What the party says, decoded, for everyone else's mix. */
      g_string_append_printf (text,
                              "udpsrc name=src%u ! rtpjitterbuffer latency=%u drop-on-latency=true ! "
                              "%s ! %s ! audioconvert ! audioresample ! "
                              "audio/x-raw,format=S16LE,rate=%u,channels=1 ! "
                              "tee name=in%u allow-not-linked=true ",
                              party->id, JITTER_MS, codec->depayloader, codec->decoder, MIX_RATE,
                              party->id);
      /* What the party hears: the others and a live silence. */
      g_string_append_printf (text,
                              "audiomixer name=mix%u latency=%" G_GUINT64_FORMAT " ! "
                              "audioconvert ! audioresample ! audio/x-raw,rate=%u,channels=1 ! "
                              "%s%s ! %s pt=%u ! udpsink name=sink%u sync=false async=false ",
                              party->id, (guint64) MIX_LATENCY_MS * GST_MSECOND, rate, codec->encoder,
                              g_str_equal (codec->name, "opus") ? " frame-size=20" : "",
                              codec->payloader, party->pt, party->id);
      g_string_append_printf (text,
                              "audiotestsrc is-live=true wave=silence samplesperbuffer=%u ! "
                              "audio/x-raw,format=S16LE,rate=%u,channels=1 ! mix%u. ",
                              MIX_RATE / 50, MIX_RATE, party->id);
    }
  for (guint i = 0; i < self->parties->len; i++)
    for (guint j = 0; j < self->parties->len; j++)
      if (i != j)
        g_string_append_printf (text,
                                "in%u. ! queue max-size-time=%" G_GUINT64_FORMAT " leaky=downstream ! mix%u. ",
                                ((Party *) g_ptr_array_index (self->parties, j))->id,
                                (guint64) 200 * GST_MSECOND,
                                ((Party *) g_ptr_array_index (self->parties, i))->id);
  return g_string_free (text, FALSE);
}

/* The party's sockets and caps on its source and sink. */
static void
set_up_party (GstElement  *pipeline,
              const Party *party)
{
  g_autofree char *src_name = g_strdup_printf ("src%u", party->id);
  g_autofree char *sink_name = g_strdup_printf ("sink%u", party->id);
  g_autoptr(GstElement) src = gst_bin_get_by_name (GST_BIN (pipeline), src_name);
  g_autoptr(GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline), sink_name);
  g_autoptr(GstCaps) caps = cb_codec_rtp_caps (party->codec, party->pt);

  g_object_set (src, "socket", party->rtp, "close-socket", FALSE, "caps", caps, NULL);
  g_object_set (sink, "socket", party->rtp, "close-socket", FALSE,
                "host", party->remote, "port", (int) party->remote_port, NULL);
}

gboolean
cb_conference_mixer_start (CbConferenceMixer  *self,
                           GError            **error)
{
  g_autofree char *description = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GError) parse_error = NULL;
  GstElement *pipeline;

  g_return_val_if_fail (CB_IS_CONFERENCE_MIXER (self), FALSE);

  cb_conference_mixer_stop (self);
  if (self->parties->len == 0)
    return TRUE;
  if (!gst_init_check (NULL, NULL, error))
    return FALSE;

  description = describe (self);
  pipeline = gst_parse_launch (description, &parse_error);
  if (pipeline == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&parse_error));
      return FALSE;
    }
  if (parse_error != NULL)
    g_debug ("Conference mixer: %s", parse_error->message);
  for (guint i = 0; i < self->parties->len; i++)
    set_up_party (pipeline, g_ptr_array_index (self->parties, i));

  bus = gst_element_get_bus (pipeline);
  self->bus_watch_id = gst_bus_add_watch (bus, on_bus_message, self);
  self->pipeline = pipeline;
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The conference mixer does not start");
      cb_conference_mixer_stop (self);
      return FALSE;
    }
  g_debug ("Mixing %u parties", self->parties->len);
  return TRUE;
}

void
cb_conference_mixer_stop (CbConferenceMixer *self)
{
  g_return_if_fail (CB_IS_CONFERENCE_MIXER (self));

  g_clear_handle_id (&self->bus_watch_id, g_source_remove);
  if (self->pipeline == NULL)
    return;
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_object (&self->pipeline);
}
