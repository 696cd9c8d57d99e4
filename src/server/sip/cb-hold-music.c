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
 *
 * The same endpoint plays a user's announcement before their phones ring
 * (cb-sip-announcement.c): a clip of the caller's own (uploaded audio,
 * decoded once per codec and kept under a key until forgotten), then a
 * ringback tone until the call is answered; "finished" says when the
 * clip is over.
 *
 * An offer with an SDES key we can do (AES_CM_128_HMAC_SHA1_80, in
 * RTP/SAVP or as best effort in RTP/AVP) is answered in kind with a key
 * of ours, and the stream's packets go out as SRTP (cb-srtp.c, srtpenc
 * driven by hand: still no pipeline per caller). The SIP side passes
 * keys here only from callers on TLS (cb-sip-tls.c).
 */

#define G_LOG_DOMAIN "cb-hold-music"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gst/gst.h>
#include <sofia-sip/sdp.h>

#include "cb-codec.h"
#include "cb-hold-music.h"
#include "cb-srtp.h"

#define FRAME_MS        20
#define MELODY_RATE     48000
#define MAX_BURST       5       /* frames sent at once to catch up a late tick */
#define RTP_HEADER      12
/* A decoder that stalls (a broken upload) must not hang the server. */
#define ENCODE_TIMEOUT_S 20

/* One codec's encoded loops. */
typedef struct {
  const CbCodec *codec;
  GPtrArray     *music;         /* GBytes, one frame each */
  GPtrArray     *announcement;  /* the queue's chime */
  GPtrArray     *ringback;      /* after a user's announcement */
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
  GPtrArray      *first;        /* played once before the loop (a reference), NULL: none */
  GPtrArray      *loop;         /* then this, over and over (the track's) */
  gboolean        report;       /* "finished" once first is over */
  gboolean        finished;     /* first is over, not reported yet */
  guint           position;
  gint64          started;      /* monotonic µs */
  guint64         sent;
  CbSrtpSender   *srtp;         /* NULL: plain RTP */
} Stream;

struct _CbHoldMusic
{
  GObject     parent_instance;

  char       *address;
  GHashTable *tracks;    /* codec name → Track */
  GHashTable *clips;     /* "KEY\nCODEC" → GPtrArray of frames */
  GHashTable *streams;   /* id → Stream */
  guint       next_id;
  guint       tick_id;
};

G_DEFINE_FINAL_TYPE (CbHoldMusic, cb_hold_music, G_TYPE_OBJECT)

enum {
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
track_free (Track *track)
{
  g_ptr_array_unref (track->music);
  g_ptr_array_unref (track->announcement);
  g_ptr_array_unref (track->ringback);
  g_free (track);
}

static void
stream_free (Stream *stream)
{
  g_socket_close (stream->socket, NULL);
  g_object_unref (stream->socket);
  g_clear_object (&stream->remote);   /* NULL when the offer's address was bad */
  g_clear_pointer (&stream->first, g_ptr_array_unref);
  g_clear_pointer (&stream->srtp, cb_srtp_sender_free);
  g_free (stream);
}

static void
cb_hold_music_finalize (GObject *object)
{
  CbHoldMusic *self = CB_HOLD_MUSIC (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_hash_table_unref (self->streams);
  g_hash_table_unref (self->clips);
  g_hash_table_unref (self->tracks);
  g_free (self->address);
  G_OBJECT_CLASS (cb_hold_music_parent_class)->finalize (object);
}

static void
cb_hold_music_class_init (CbHoldMusicClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cb_hold_music_finalize;

  /* A clip (cb_hold_music_play_clip()) has been sent to the end; the
   * ringback follows. Emitted from the main loop, never from inside a
   * call of ours. */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
cb_hold_music_init (CbHoldMusic *self)
{
  self->tracks = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) track_free);
  self->clips = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
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

/* The ringback tone of ETSI ES 201 970: 425 Hz, 1 s on, 4 s off, with
 * 10 ms ramps so that it does not click. */
static GBytes *
synthesize_ringback (void)
{
  g_autoptr(GByteArray) pcm = g_byte_array_new ();
  guint on = MELODY_RATE, total = 5 * MELODY_RATE, ramp = MELODY_RATE / 100;

  for (guint s = 0; s < total; s++)
    {
      double value = 0;
      gint16 sample;

      if (s < on)
        value = 0.3 * MIN (1.0, MIN ((double) s / ramp, (double) (on - s) / ramp)) *
                sin (2 * G_PI * 425.0 * s / MELODY_RATE);
      sample = (gint16) CLAMP (value * 32767, -32768, 32767);
      g_byte_array_append (pcm, (guint8 *) &sample, sizeof sample);
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

typedef enum {
  SOURCE_PCM,       /* 48 kHz mono S16, synthesized */
  SOURCE_FILE,      /* a file anything GStreamer decodes */
  SOURCE_ENCODED,   /* the same, in memory (an uploaded announcement) */
} Source;

/* The pipeline's error, if it posted one. */
static gboolean
pipeline_failed (GstElement  *pipeline,
                 GError     **error)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  g_autoptr(GError) cause = NULL;

  if (message == NULL)
    return FALSE;
  gst_message_parse_error (message, &cause, NULL);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Cannot decode the audio: %s",
               cause != NULL ? cause->message : "unknown error");
  return TRUE;
}

/* Encodes a source into 20 ms frames of `codec`: bytes (PCM or ENCODED)
 * or the file's. */
static GPtrArray *
encode (const CbCodec  *codec,
        Source          source,
        GBytes         *bytes,
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
  gint64 deadline = g_get_monotonic_time () + ENCODE_TIMEOUT_S * G_USEC_PER_SEC;

  switch (source)
    {
    case SOURCE_PCM:
      head = g_strdup_printf ("appsrc name=src format=time caps=audio/x-raw,format=S16LE,"
                              "rate=%d,channels=1,layout=interleaved", MELODY_RATE);
      break;
    case SOURCE_ENCODED:
      head = g_strdup ("appsrc name=src ! decodebin");
      break;
    case SOURCE_FILE:
    default:
      quoted = g_strescape (file, NULL);
      head = g_strdup_printf ("filesrc location=\"%s\" ! decodebin", quoted);
      break;
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
  if (source != SOURCE_FILE)
    {
      g_autoptr(GstElement) src = gst_bin_get_by_name (GST_BIN (pipeline), "src");

      push_pcm (src, bytes);
    }

  /* Not live and unsynchronised: this runs as fast as the encoder. A
   * decoder that fails posts an error and sends no EOS, so the waits are
   * bounded and the bus is asked. */
  for (;;)
    {
      GstSample *sample = NULL;
      GstBuffer *buffer;
      GstMapInfo map;
      gboolean eos = FALSE;

      g_signal_emit_by_name (sink, "try-pull-sample", (GstClockTime) (GST_SECOND / 4), &sample);
      if (sample == NULL)
        {
          g_object_get (sink, "eos", &eos, NULL);
          if (eos)
            break;
          if (pipeline_failed (pipeline, error) || g_get_monotonic_time () > deadline)
            {
              if (error != NULL && *error == NULL)
                g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Decoding the audio took too long");
              gst_element_set_state (pipeline, GST_STATE_NULL);
              g_ptr_array_unref (frames);
              return NULL;
            }
          continue;
        }
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
                   source == SOURCE_FILE ? file : source == SOURCE_PCM ? "the melody" : "the clip");
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
  g_autoptr(GBytes) ringback = NULL;
  g_autoptr(GPtrArray) music_frames = NULL;
  g_autoptr(GPtrArray) announcement_frames = NULL;
  g_autoptr(GPtrArray) ringback_frames = NULL;
  const char *file = g_getenv ("CALLBOARD_HOLD_MUSIC");

  if (track != NULL)
    return track;

  if (!gst_init_check (NULL, NULL, error))
    return NULL;
  if (file == NULL || *file == '\0')
    music = synthesize (melody, G_N_ELEMENTS (melody));
  announcement = synthesize (chime, G_N_ELEMENTS (chime));
  ringback = synthesize_ringback ();

  if ((music_frames = encode (codec, music != NULL ? SOURCE_PCM : SOURCE_FILE, music, file,
                              error)) == NULL ||
      (announcement_frames = encode (codec, SOURCE_PCM, announcement, NULL, error)) == NULL ||
      (ringback_frames = encode (codec, SOURCE_PCM, ringback, NULL, error)) == NULL)
    return NULL;

  track = g_new0 (Track, 1);
  track->codec = codec;
  track->music = g_steal_pointer (&music_frames);
  track->announcement = g_steal_pointer (&announcement_frames);
  track->ringback = g_steal_pointer (&ringback_frames);
  track->frame_ticks = codec->clock_rate / 1000 * FRAME_MS;
  g_hash_table_insert (self->tracks, (gpointer) codec->name, track);
  g_debug ("Hold music in %s: %u frames, announcement %u, ringback %u", codec->name,
           track->music->len, track->announcement->len, track->ringback->len);
  return track;
}

/* ---- sending ----------------------------------------------------------------- */

static void
send_frame (Stream *stream)
{
  GPtrArray *frames = stream->first != NULL ? stream->first : stream->loop;
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
  if (stream->srtp != NULL)
    {
      g_autoptr(GBytes) protected = cb_srtp_sender_protect (stream->srtp, packet, RTP_HEADER + size);
      gsize length = 0;
      const char *data = protected != NULL ? g_bytes_get_data (protected, &length) : NULL;

      if (data != NULL)
        g_socket_send_to (stream->socket, stream->remote, data, length, NULL, NULL);
    }
  else
    g_socket_send_to (stream->socket, stream->remote, (char *) packet, RTP_HEADER + size, NULL, NULL);

  stream->seq++;
  stream->timestamp += stream->track->frame_ticks;
  stream->sent++;
  if (++stream->position >= frames->len)
    {
      stream->position = 0;
      if (stream->first != NULL)
        {
          g_clear_pointer (&stream->first, g_ptr_array_unref);
          stream->finished = stream->report;
        }
    }
}

static gboolean
tick (gpointer data)
{
  CbHoldMusic *self = data;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GArray) finished = NULL;
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
      if (stream->finished)
        {
          stream->finished = FALSE;
          if (finished == NULL)
            finished = g_array_new (FALSE, FALSE, sizeof (guint));
          g_array_append_val (finished, stream->id);
        }
    }

  /* Handlers may stop streams: only once the table is left alone. */
  if (finished != NULL)
    {
      g_autoptr(CbHoldMusic) keep = g_object_ref (self);

      for (guint i = 0; i < finished->len; i++)
        if (g_hash_table_contains (self->streams, GUINT_TO_POINTER (g_array_index (finished, guint, i))))
          g_signal_emit (self, signals[SIGNAL_FINISHED], 0, g_array_index (finished, guint, i));
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

/* SRTP when the offer has a key we can do: our sender and a=crypto
 * value, and the offer's proto to answer in. FALSE when it insists on
 * SRTP (RTP/SAVP) we cannot do. */
static gboolean
answer_srtp (const sdp_media_t  *audio,
             CbSrtpSender      **srtp,
             char              **crypto,
             const char        **proto,
             GError            **error)
{
  CbSrtpCrypto theirs = { 0 };
  CbSrtpCrypto ours;
  gboolean usable = FALSE;
  CbSrtpMode mode = cb_srtp_media_mode (audio, &theirs, &usable);

  if (mode == CB_SRTP_MODE_NONE || (mode == CB_SRTP_MODE_BEST_EFFORT && !usable))
    return TRUE;
  if (!usable)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "The offer asks for SRTP, but not with " CB_SRTP_SUITE);
      return FALSE;
    }
  cb_srtp_crypto_generate (&ours, theirs.tag);
  *srtp = cb_srtp_sender_new (&ours, error);
  if (*srtp == NULL)
    return FALSE;
  *crypto = cb_srtp_crypto_to_string (&ours);
  /* In the offer's profile (RTP/SAVPF too: feedback is optional). */
  *proto = mode == CB_SRTP_MODE_MANDATORY
           ? (audio->m_proto_name != NULL ? audio->m_proto_name : "RTP/SAVP") : "RTP/AVP";
  explicit_bzero (&ours, sizeof ours);
  return TRUE;
}

/* The clip's frames in the track's codec (a new reference), decoded on
 * first use and kept under key. */
static GPtrArray *
get_clip (CbHoldMusic  *self,
          Track        *track,
          const char   *key,
          GBytes       *audio,
          GError      **error)
{
  g_autofree char *name = g_strdup_printf ("%s\n%s", key, track->codec->name);
  GPtrArray *frames = g_hash_table_lookup (self->clips, name);

  if (frames == NULL)
    {
      gint64 started = g_get_monotonic_time ();

      if ((frames = encode (track->codec, SOURCE_ENCODED, audio, NULL, error)) == NULL)
        return NULL;
      g_debug ("Clip %s in %s: %u frames, decoded in %" G_GINT64_FORMAT " ms", key,
               track->codec->name, frames->len, (g_get_monotonic_time () - started) / 1000);
      g_hash_table_insert (self->clips, g_steal_pointer (&name), frames);
    }
  return g_ptr_array_ref (frames);
}

/* Answers the offer and starts a stream: `clip` (under clip_key) once,
 * then the ringback; else the chime when `with_chime`, then the music. */
static guint
start_stream (CbHoldMusic  *self,
              const char   *offer,
              const char   *clip_key,
              GBytes       *clip,
              gboolean      with_chime,
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
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(CbSrtpSender) srtp = NULL;
  g_autofree char *crypto = NULL;
  const char *proto = "RTP/AVP";
  guint port, remote_port = 0;
  const char *family = strchr (self->address, ':') != NULL ? "IP6" : "IP4";

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
      if (codec != NULL && !answer_srtp (audio, &srtp, &crypto, &proto, error))
        {
          sdp_parser_free (parser);
          su_home_deinit (home);
          return 0;
        }
    }
  if (codec == NULL || address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "The offer has no audio we can play");
      sdp_parser_free (parser);
      su_home_deinit (home);
      return 0;
    }
  if (clip != NULL)
    first = get_clip (self, track, clip_key, clip, error);
  else if (with_chime)
    first = g_ptr_array_ref (track->announcement);
  if (clip != NULL && first == NULL)
    {
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
  stream->first = g_steal_pointer (&first);
  stream->loop = clip != NULL ? track->ringback : track->music;
  stream->report = clip != NULL;
  stream->started = g_get_monotonic_time ();
  stream->srtp = g_steal_pointer (&srtp);

  body = g_string_new ("v=0\r\n");
  g_string_append_printf (body, "o=callboardd 0 0 IN %s %s\r\ns=callboardd\r\nc=IN %s %s\r\nt=0 0\r\n",
                          family, self->address, family, self->address);
  g_string_append_printf (body, "m=audio %u %s %u\r\n", port, proto, stream->pt);
  if (codec->sdp_channels > 0)
    g_string_append_printf (body, "a=rtpmap:%u %s/%u/%u\r\n", stream->pt, codec->encoding_name,
                            codec->clock_rate, codec->sdp_channels);
  else
    g_string_append_printf (body, "a=rtpmap:%u %s/%u\r\n", stream->pt, codec->encoding_name,
                            codec->clock_rate);
  g_string_append (body, "a=sendonly\r\n");
  if (crypto != NULL)
    g_string_append_printf (body, "a=crypto:%s\r\n", crypto);
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

guint
cb_hold_music_play (CbHoldMusic  *self,
                    const char   *offer,
                    gboolean      announcement,
                    char        **answer,
                    GError      **error)
{
  g_return_val_if_fail (CB_IS_HOLD_MUSIC (self), 0);
  g_return_val_if_fail (answer != NULL, 0);

  return start_stream (self, offer, NULL, NULL, announcement, answer, error);
}

guint
cb_hold_music_play_clip (CbHoldMusic  *self,
                         const char   *offer,
                         const char   *key,
                         GBytes       *clip,
                         char        **answer,
                         GError      **error)
{
  g_return_val_if_fail (CB_IS_HOLD_MUSIC (self), 0);
  g_return_val_if_fail (key != NULL && clip != NULL, 0);
  g_return_val_if_fail (answer != NULL, 0);

  return start_stream (self, offer, key, clip, FALSE, answer, error);
}

void
cb_hold_music_forget_clip (CbHoldMusic *self,
                           const char  *key)
{
  g_autofree char *prefix = NULL;
  GHashTableIter iter;
  const char *name;

  g_return_if_fail (CB_IS_HOLD_MUSIC (self));

  /* Streams playing it keep their reference. */
  prefix = g_strconcat (key, "\n", NULL);
  g_hash_table_iter_init (&iter, self->clips);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    if (g_str_has_prefix (name, prefix))
      g_hash_table_iter_remove (&iter);
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
