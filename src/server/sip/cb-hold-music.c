/* cb-hold-music.c: the server's RTP media endpoint that plays hold music to waiting callers
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every caller hears the same loop, so it is encoded once per codec with
 * GStreamer (the phone library's codec table, so the same encoders and
 * payload types) into 20 ms frames kept in memory. Each waiting caller
 * then costs one UDP socket and one packet every 20 ms, sent from a single
 * timer: two hundred callers do not need two hundred pipelines and their
 * threads. A stream keeps its own SSRC, sequence and timestamp, so the
 * caller's jitter buffer sees one steady source, announcement and music
 * alike. The answer is sendonly: the caller's audio is not wanted here.
 */

#define G_LOG_DOMAIN "cb-hold-music"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gst/gst.h>
#include <sofia-sip/sdp.h>

#include "cb-codec.h"
#include "cb-hold-music.h"

#define FRAME_MS        20
#define MELODY_RATE     48000
#define MAX_BURST       5       /* frames sent at once to catch up a late tick */
#define RTP_HEADER      12

/* One codec's encoded loop. */
typedef struct {
  const CbCodec *codec;
  GPtrArray     *music;         /* GBytes, one frame each */
  GPtrArray     *announcement;
  guint          frame_ticks;   /* RTP timestamp step */
} Track;

typedef struct {
  guint           id;
  Track          *track;
  GSocket        *socket;
  GSocketAddress *remote;
  guint8          pt;
  guint32         ssrc;
  guint16         seq;
  guint32         timestamp;
  gboolean        in_announcement;
  guint           position;
  gint64          started;      /* monotonic µs */
  guint64         sent;
} Stream;

struct _CbHoldMusic
{
  GObject     parent_instance;

  char       *address;
  GHashTable *tracks;    /* codec name → Track */
  GHashTable *streams;   /* id → Stream */
  guint       next_id;
  guint       tick_id;
};

G_DEFINE_FINAL_TYPE (CbHoldMusic, cb_hold_music, G_TYPE_OBJECT)

static void
track_free (Track *track)
{
  g_ptr_array_unref (track->music);
  g_ptr_array_unref (track->announcement);
  g_free (track);
}

static void
stream_free (Stream *stream)
{
  g_socket_close (stream->socket, NULL);
  g_object_unref (stream->socket);
  g_clear_object (&stream->remote);   /* NULL when the offer's address was bad */
  g_free (stream);
}

static void
cb_hold_music_finalize (GObject *object)
{
  CbHoldMusic *self = CB_HOLD_MUSIC (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_hash_table_unref (self->streams);
  g_hash_table_unref (self->tracks);
  g_free (self->address);
  G_OBJECT_CLASS (cb_hold_music_parent_class)->finalize (object);
}

static void
cb_hold_music_class_init (CbHoldMusicClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cb_hold_music_finalize;
}

static void
cb_hold_music_init (CbHoldMusic *self)
{
  self->tracks = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) track_free);
  self->streams = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) stream_free);
}

CbHoldMusic *
cb_hold_music_new (const char *address)
{
  CbHoldMusic *self = g_object_new (CB_TYPE_HOLD_MUSIC, NULL);

  self->address = g_strdup (address);
  return self;
}

/* ---- the sound ------------------------------------------------------------- */

typedef struct {
  double freq;   /* 0: rest */
  guint  ms;
} Note;

/* A calm arpeggio in C major, kept between 500 and 800 Hz, away from the
 * tones tests send across calls. */
static const Note melody[] = {
  { 523.25, 250 }, { 659.25, 250 }, { 783.99, 250 }, { 659.25, 250 },
  { 587.33, 250 }, { 698.46, 250 }, { 783.99, 250 }, { 698.46, 250 },
  { 523.25, 250 }, { 659.25, 250 }, { 783.99, 250 }, { 659.25, 250 },
  { 587.33, 250 }, { 698.46, 250 }, { 523.25, 500 }, { 0, 250 },
};

/* "Please hold": a falling three-note chime. */
static const Note chime[] = {
  { 783.99, 400 }, { 659.25, 400 }, { 523.25, 700 }, { 0, 300 },
};

/* Soft sine notes with a short attack and a decay, like a music box. */
static GBytes *
synthesize (const Note *notes,
            guint       n_notes)
{
  g_autoptr(GByteArray) pcm = g_byte_array_new ();

  for (guint i = 0; i < n_notes; i++)
    {
      guint n = MELODY_RATE / 1000 * notes[i].ms;

      for (guint s = 0; s < n; s++)
        {
          double t = (double) s / MELODY_RATE;
          double envelope = MIN (t / 0.01, 1.0) * exp (-3.0 * t);
          double value = 0;
          gint16 sample;

          if (notes[i].freq > 0)
            value = 0.35 * envelope * (sin (2 * G_PI * notes[i].freq * t) +
                                       0.25 * sin (4 * G_PI * notes[i].freq * t));
          sample = (gint16) CLAMP (value * 32767, -32768, 32767);
          g_byte_array_append (pcm, (guint8 *) &sample, sizeof sample);
        }
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&pcm));
}

static void
push_pcm (GstElement *src,
          GBytes     *pcm)
{
  GstBuffer *buffer = gst_buffer_new_wrapped_bytes (pcm);
  GstFlowReturn ret;

  g_signal_emit_by_name (src, "push-buffer", buffer, &ret);
  gst_buffer_unref (buffer);
  g_signal_emit_by_name (src, "end-of-stream", &ret);
}

/* Encodes a source into 20 ms frames of `codec`. pcm is 48 kHz mono S16
 * to synthesize from; NULL decodes `file` instead. */
static GPtrArray *
encode (const CbCodec  *codec,
        GBytes         *pcm,
        const char     *file,
        GError        **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autofree char *head = NULL;
  g_autofree char *description = NULL;
  g_autofree char *quoted = NULL;
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gboolean g711 = codec->clock_rate == 8000;
  gsize frame_bytes = codec->clock_rate / 1000 * FRAME_MS;

  if (pcm != NULL)
    head = g_strdup_printf ("appsrc name=src format=time caps=audio/x-raw,format=S16LE,"
                            "rate=%d,channels=1,layout=interleaved", MELODY_RATE);
  else
    {
      quoted = g_strescape (file, NULL);
      head = g_strdup_printf ("filesrc location=\"%s\" ! decodebin", quoted);
    }
  description = g_strdup_printf ("%s ! audioconvert ! audioresample ! "
                                 "audio/x-raw,format=S16LE,rate=%u,channels=1 ! %s%s ! "
                                 "appsink name=sink sync=false",
                                 head, g711 ? 8000 : codec->clock_rate, codec->encoder,
                                 g_str_equal (codec->name, "opus") ? " frame-size=20" : "");
  pipeline = gst_parse_launch (description, error);
  if (pipeline == NULL)
    {
      g_ptr_array_unref (frames);
      return NULL;
    }
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  if (pcm != NULL)
    {
      g_autoptr(GstElement) src = gst_bin_get_by_name (GST_BIN (pipeline), "src");

      push_pcm (src, pcm);
    }

  /* Not live and unsynchronised: this runs as fast as the encoder. */
  for (;;)
    {
      GstSample *sample = NULL;
      GstBuffer *buffer;
      GstMapInfo map;

      g_signal_emit_by_name (sink, "pull-sample", &sample);
      if (sample == NULL)
        break;
      buffer = gst_sample_get_buffer (sample);
      if (gst_buffer_map (buffer, &map, GST_MAP_READ))
        {
          /* G.711 is a byte per sample: cut the stream into frames. An
           * Opus buffer is one frame already. */
          if (g711)
            g_byte_array_append (stream, map.data, map.size);
          else
            g_ptr_array_add (frames, g_bytes_new (map.data, map.size));
          gst_buffer_unmap (buffer, &map);
        }
      gst_sample_unref (sample);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);

  for (gsize offset = 0; g711 && offset + frame_bytes <= stream->len; offset += frame_bytes)
    g_ptr_array_add (frames, g_bytes_new (stream->data + offset, frame_bytes));
  if (frames->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "No audio from %s",
                   file != NULL ? file : "the melody");
      g_ptr_array_unref (frames);
      return NULL;
    }
  return frames;
}

/* The codec's track, encoded on first use. */
static Track *
get_track (CbHoldMusic    *self,
           const CbCodec  *codec,
           GError        **error)
{
  Track *track = g_hash_table_lookup (self->tracks, codec->name);
  g_autoptr(GBytes) music = NULL;
  g_autoptr(GBytes) announcement = NULL;
  const char *file = g_getenv ("CALLBOARD_HOLD_MUSIC");
  GPtrArray *music_frames, *announcement_frames;

  if (track != NULL)
    return track;

  if (!gst_init_check (NULL, NULL, error))
    return NULL;
  if (file == NULL || *file == '\0')
    music = synthesize (melody, G_N_ELEMENTS (melody));
  announcement = synthesize (chime, G_N_ELEMENTS (chime));

  music_frames = encode (codec, music, file, error);
  if (music_frames == NULL)
    return NULL;
  announcement_frames = encode (codec, announcement, NULL, error);
  if (announcement_frames == NULL)
    {
      g_ptr_array_unref (music_frames);
      return NULL;
    }

  track = g_new0 (Track, 1);
  track->codec = codec;
  track->music = music_frames;
  track->announcement = announcement_frames;
  track->frame_ticks = codec->clock_rate / 1000 * FRAME_MS;
  g_hash_table_insert (self->tracks, (gpointer) codec->name, track);
  g_debug ("Hold music in %s: %u frames, announcement %u", codec->name,
           track->music->len, track->announcement->len);
  return track;
}

/* ---- sending ----------------------------------------------------------------- */

static void
send_frame (Stream *stream)
{
  GPtrArray *frames = stream->in_announcement ? stream->track->announcement : stream->track->music;
  GBytes *frame = g_ptr_array_index (frames, stream->position);
  gsize size;
  const guint8 *payload = g_bytes_get_data (frame, &size);
  guint8 packet[RTP_HEADER + 1500];

  size = MIN (size, sizeof packet - RTP_HEADER);
  packet[0] = 0x80;
  /* The marker starts the talkspurt (RFC 3551 §4.1). */
  packet[1] = stream->pt | (stream->sent == 0 ? 0x80 : 0);
  packet[2] = stream->seq >> 8;
  packet[3] = stream->seq & 0xff;
  packet[4] = stream->timestamp >> 24;
  packet[5] = (stream->timestamp >> 16) & 0xff;
  packet[6] = (stream->timestamp >> 8) & 0xff;
  packet[7] = stream->timestamp & 0xff;
  packet[8] = stream->ssrc >> 24;
  packet[9] = (stream->ssrc >> 16) & 0xff;
  packet[10] = (stream->ssrc >> 8) & 0xff;
  packet[11] = stream->ssrc & 0xff;
  memcpy (packet + RTP_HEADER, payload, size);

  /* UDP: a lost or refused packet is just a gap in the music. */
  g_socket_send_to (stream->socket, stream->remote, (char *) packet, RTP_HEADER + size, NULL, NULL);

  stream->seq++;
  stream->timestamp += stream->track->frame_ticks;
  stream->sent++;
  if (++stream->position >= frames->len)
    {
      stream->position = 0;
      stream->in_announcement = FALSE;
    }
}

static gboolean
tick (gpointer data)
{
  CbHoldMusic *self = data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  Stream *stream;

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &stream))
    {
      guint64 due = (guint64) (now - stream->started) / (FRAME_MS * 1000) + 1;

      /* After a long stall, skip ahead rather than flood the caller. */
      if (due > stream->sent + MAX_BURST)
        {
          guint64 skipped = due - stream->sent - MAX_BURST;

          stream->sent += skipped;
          stream->timestamp += skipped * stream->track->frame_ticks;
        }
      while (stream->sent < due)
        send_frame (stream);
    }
  return G_SOURCE_CONTINUE;
}

/* ---- the offer and the answer --------------------------------------------------- */

static const sdp_media_t *
find_audio (const sdp_session_t *sdp)
{
  for (const sdp_media_t *m = sdp->sdp_media; m != NULL; m = m->m_next)
    if (m->m_type == sdp_media_audio && m->m_port != 0 && !m->m_rejected)
      return m;
  return NULL;
}

guint
cb_hold_music_play (CbHoldMusic  *self,
                    const char   *offer,
                    gboolean      announcement,
                    char        **answer,
                    GError      **error)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GString) body = NULL;
  const sdp_media_t *audio;
  const sdp_rtpmap_t *chosen = NULL;
  const CbCodec *codec = NULL;
  g_autofree char *address = NULL;
  sdp_parser_t *parser;
  sdp_session_t *sdp;
  Stream *stream;
  Track *track = NULL;
  guint port, remote_port = 0;
  const char *family = strchr (self->address, ':') != NULL ? "IP6" : "IP4";

  g_return_val_if_fail (CB_IS_HOLD_MUSIC (self), 0);
  g_return_val_if_fail (answer != NULL, 0);

  parser = sdp_parse (home, offer != NULL ? offer : "", offer != NULL ? strlen (offer) : 0, 0);
  sdp = sdp_session (parser);
  audio = sdp != NULL ? find_audio (sdp) : NULL;
  if (audio != NULL)
    {
      /* The caller's preference first. */
      for (const sdp_rtpmap_t *rm = audio->m_rtpmaps; rm != NULL && codec == NULL; rm = rm->rm_next)
        {
          const CbCodec *candidate = cb_codec_lookup_encoding (rm->rm_encoding, rm->rm_rate);

          if (candidate != NULL && (track = get_track (self, candidate, NULL)) != NULL)
            {
              codec = candidate;
              chosen = rm;
            }
        }
      if (audio->m_connections != NULL && audio->m_connections->c_address != NULL)
        address = g_strdup (audio->m_connections->c_address);
      else if (sdp->sdp_connection != NULL)
        address = g_strdup (sdp->sdp_connection->c_address);
      remote_port = audio->m_port;
    }
  if (codec == NULL || address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "The offer has no audio we can play");
      sdp_parser_free (parser);
      su_home_deinit (home);
      return 0;
    }

  inet = g_inet_address_new_from_string (self->address);
  socket = g_socket_new (inet != NULL ? g_inet_address_get_family (inet) : G_SOCKET_FAMILY_IPV4,
                         G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  local = inet != NULL ? g_inet_socket_address_new (inet, 0) : NULL;
  if (socket == NULL || local == NULL || !g_socket_bind (socket, local, FALSE, error) ||
      (bound = g_socket_get_local_address (socket, error)) == NULL)
    {
      if (local == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Bad address %s", self->address);
      sdp_parser_free (parser);
      su_home_deinit (home);
      return 0;
    }
  g_socket_set_blocking (socket, FALSE);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  stream = g_new0 (Stream, 1);
  stream->id = ++self->next_id;
  stream->track = track;
  stream->socket = g_steal_pointer (&socket);
  stream->remote = g_inet_socket_address_new_from_string (address, audio->m_port);
  stream->pt = chosen->rm_pt;
  stream->ssrc = g_random_int ();
  stream->seq = g_random_int_range (0, G_MAXUINT16);
  stream->timestamp = g_random_int ();
  stream->in_announcement = announcement;
  stream->started = g_get_monotonic_time ();

  body = g_string_new ("v=0\r\n");
  g_string_append_printf (body, "o=callboardd 0 0 IN %s %s\r\ns=callboardd\r\nc=IN %s %s\r\nt=0 0\r\n",
                          family, self->address, family, self->address);
  g_string_append_printf (body, "m=audio %u RTP/AVP %u\r\n", port, stream->pt);
  if (codec->sdp_channels > 0)
    g_string_append_printf (body, "a=rtpmap:%u %s/%u/%u\r\n", stream->pt, codec->encoding_name,
                            codec->clock_rate, codec->sdp_channels);
  else
    g_string_append_printf (body, "a=rtpmap:%u %s/%u\r\n", stream->pt, codec->encoding_name,
                            codec->clock_rate);
  g_string_append (body, "a=sendonly\r\n");
  sdp_parser_free (parser);
  su_home_deinit (home);

  if (stream->remote == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Bad connection address in the offer");
      stream_free (stream);
      return 0;
    }

  g_hash_table_insert (self->streams, GUINT_TO_POINTER (stream->id), stream);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_full (G_PRIORITY_HIGH, FRAME_MS / 2, tick, self, NULL);
  *answer = g_string_free (g_steal_pointer (&body), FALSE);
  g_debug ("Hold music stream %u: %s to %s:%u", stream->id, codec->name, address, remote_port);
  return stream->id;
}

void
cb_hold_music_stop (CbHoldMusic *self,
                    guint        id)
{
  g_return_if_fail (CB_IS_HOLD_MUSIC (self));

  g_hash_table_remove (self->streams, GUINT_TO_POINTER (id));
  if (g_hash_table_size (self->streams) == 0)
    g_clear_handle_id (&self->tick_id, g_source_remove);
}

guint
cb_hold_music_get_n_streams (CbHoldMusic *self)
{
  g_return_val_if_fail (CB_IS_HOLD_MUSIC (self), 0);
  return g_hash_table_size (self->streams);
}
