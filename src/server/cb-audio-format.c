/* cb-audio-format.c: whether an uploaded file is the audio its media type says
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The layouts: RIFF/WAVE (Microsoft's multimedia RIFF specification,
 * WAVE_FORMAT_* tags), Ogg (RFC 3533, its CRC-32 with polynomial
 * 0x04c11db7, no reflection), MPEG-1/2/2.5 audio frame headers and
 * ID3v2 tags.
 */

#define G_LOG_DOMAIN "cb-audio-format"

#include <string.h>

#include "cb-audio-format.h"
#include "cb-protocol.h"

const char * const cb_audio_media_types[] = { "audio/wav", "audio/ogg", "audio/mpeg", NULL };

static guint16
le16 (const guint8 *p)
{
  return (guint16) (p[0] | p[1] << 8);
}

static guint32
le32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static gboolean
invalid (GError     **error,
         const char  *what,
         const char  *why)
{
  g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
               "The body is not %s: %s", what, why);
  return FALSE;
}

/* ---- WAV ---------------------------------------------------------------- */

#define WAVE_FORMAT_PCM        0x0001
#define WAVE_FORMAT_IEEE_FLOAT 0x0003
#define WAVE_FORMAT_ALAW       0x0006
#define WAVE_FORMAT_MULAW      0x0007
#define WAVE_FORMAT_EXTENSIBLE 0xFFFE

static gboolean
check_wav_format (const guint8  *fmt,
                  guint32        size,
                  GError       **error)
{
  guint16 tag = le16 (fmt);
  guint16 channels = le16 (fmt + 2);
  guint32 rate = le32 (fmt + 4);
  guint16 block_align = le16 (fmt + 12);
  guint16 bits = le16 (fmt + 14);
  gboolean bits_ok;

  /* WAVE_FORMAT_EXTENSIBLE names the real format in its sub-format GUID. */
  if (tag == WAVE_FORMAT_EXTENSIBLE)
    {
      if (size < 40)
        return invalid (error, "a WAV file", "its extensible “fmt ” chunk is too short");
      tag = le16 (fmt + 24);
    }
  switch (tag)
    {
    case WAVE_FORMAT_PCM:
      bits_ok = bits == 8 || bits == 16 || bits == 24 || bits == 32;
      break;
    case WAVE_FORMAT_IEEE_FLOAT:
      bits_ok = bits == 32 || bits == 64;
      break;
    case WAVE_FORMAT_ALAW:
    case WAVE_FORMAT_MULAW:
      bits_ok = bits == 8;
      break;
    default:
      return invalid (error, "a WAV file the server plays",
                      "its samples are not PCM, IEEE float, A-law or µ-law");
    }
  if (!bits_ok)
    return invalid (error, "a WAV file", "its sample size does not fit its format");
  if (channels < 1 || channels > 2)
    return invalid (error, "a WAV file the server plays", "it must have one or two channels");
  if (rate < 8000 || rate > 96000)
    return invalid (error, "a WAV file the server plays", "its sample rate must be 8 to 96 kHz");
  if (block_align != channels * (bits / 8))
    return invalid (error, "a WAV file", "its block size does not fit its channels and samples");
  return TRUE;
}

static gboolean
check_wav (const guint8  *data,
           gsize          length,
           GError       **error)
{
  gboolean have_format = FALSE;
  guint16 block_align = 0;
  gsize offset = 12;

  if (length < 12 || memcmp (data, "RIFF", 4) != 0 || memcmp (data + 8, "WAVE", 4) != 0)
    return invalid (error, "a WAV file", "it does not begin with a RIFF/WAVE header");

  /* Chunks: a four-letter id, a size, the contents padded to even. */
  while (offset + 8 <= length)
    {
      const guint8 *chunk = data + offset;
      guint32 size = le32 (chunk + 4);
      gsize available = length - offset - 8;

      if (memcmp (chunk, "fmt ", 4) == 0)
        {
          if (size < 16 || size > available)
            return invalid (error, "a WAV file", "its “fmt ” chunk is cut short");
          if (!check_wav_format (chunk + 8, size, error))
            return FALSE;
          have_format = TRUE;
          block_align = le16 (chunk + 8 + 12);
        }
      else if (memcmp (chunk, "data", 4) == 0)
        {
          if (!have_format)
            return invalid (error, "a WAV file", "its samples come before their “fmt ” chunk");
          if (size < block_align || size > available)
            return invalid (error, "a WAV file",
                            size > available ? "its “data” chunk is cut short"
                                             : "it holds no samples");
          return TRUE;
        }
      if (size > available)
        break;
      offset += 8 + (gsize) size + (size & 1);
    }
  return invalid (error, "a WAV file", have_format ? "it has no “data” chunk"
                                                   : "it has no “fmt ” chunk");
}

/* ---- Ogg ---------------------------------------------------------------- */

static guint32
ogg_crc (const guint8 *page,
         gsize         length)
{
  guint32 crc = 0;

  /* The checksum field itself counts as zeros. */
  for (gsize i = 0; i < length; i++)
    {
      crc ^= (guint32) (i >= 22 && i < 26 ? 0 : page[i]) << 24;
      for (guint bit = 0; bit < 8; bit++)
        crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
    }
  return crc;
}

static gboolean
check_ogg (const guint8  *data,
           gsize          length,
           GError       **error)
{
  gsize header, body = 0;
  const guint8 *packet;
  guint segments;

  if (length < 27 || memcmp (data, "OggS", 4) != 0)
    return invalid (error, "an Ogg file", "it does not begin with the capture pattern “OggS”");
  if (data[4] != 0)
    return invalid (error, "an Ogg file", "its page version is not 0");
  if ((data[5] & 0x02) == 0)
    return invalid (error, "an Ogg file", "its first page does not begin a stream");
  segments = data[26];
  header = 27 + segments;
  if (length < header)
    return invalid (error, "an Ogg file", "its first page is cut short");
  for (guint i = 0; i < segments; i++)
    body += data[27 + i];
  if (length < header + body)
    return invalid (error, "an Ogg file", "its first page is cut short");
  if (ogg_crc (data, header + body) != le32 (data + 22))
    return invalid (error, "an Ogg file", "the checksum of its first page is wrong");

  packet = data + header;
  if ((body >= 8 && memcmp (packet, "OpusHead", 8) == 0) ||
      (body >= 7 && memcmp (packet, "\001vorbis", 7) == 0) ||
      (body >= 5 && memcmp (packet, "\177FLAC", 5) == 0))
    return TRUE;
  return invalid (error, "Ogg audio the server plays", "its stream is not Opus, Vorbis or FLAC");
}

/* ---- MPEG audio --------------------------------------------------------- */

typedef struct {
  guint version;      /* 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5 */
  guint layer;        /* 1, 2 or 3 */
  guint rate;         /* Hz */
  gsize frame;        /* bytes, header included */
} MpegFrame;

/* kbit/s by [MPEG-1?][layer - 1][index]. */
static const guint16 bitrates[2][3][15] = {
  { /* MPEG-2 and 2.5 */
    { 0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256 },
    { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 },
    { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 },
  },
  { /* MPEG-1 */
    { 0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448 },
    { 0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384 },
    { 0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320 },
  },
};

/* Hz by [version][index]; version 1 is reserved. */
static const guint rates[4][3] = {
  { 11025, 12000, 8000 },
  { 0, 0, 0 },
  { 22050, 24000, 16000 },
  { 44100, 48000, 32000 },
};

static gboolean
read_mpeg_header (const guint8 *p,
                  MpegFrame    *frame)
{
  guint bitrate_index, rate_index, padding, kbps;

  if (p[0] != 0xFF || (p[1] & 0xE0) != 0xE0)
    return FALSE;
  frame->version = (p[1] >> 3) & 3;
  frame->layer = 4 - ((p[1] >> 1) & 3);
  bitrate_index = p[2] >> 4;
  rate_index = (p[2] >> 2) & 3;
  padding = (p[2] >> 1) & 1;
  /* Reserved values, and free format (index 0), whose length no header tells. */
  if (frame->version == 1 || frame->layer == 4 || bitrate_index == 0 || bitrate_index == 15 ||
      rate_index == 3)
    return FALSE;

  kbps = bitrates[frame->version == 3][frame->layer - 1][bitrate_index];
  frame->rate = rates[frame->version][rate_index];
  if (frame->layer == 1)
    frame->frame = (12 * kbps * 1000 / frame->rate + padding) * 4;
  else if (frame->layer == 3 && frame->version != 3)
    frame->frame = 72 * kbps * 1000 / frame->rate + padding;
  else
    frame->frame = 144 * kbps * 1000 / frame->rate + padding;
  return TRUE;
}

static gboolean
check_mpeg (const guint8  *data,
            gsize          length,
            GError       **error)
{
  MpegFrame first, next;
  gsize offset = 0;

  /* An ID3v2 tag: "ID3", version, flags, a 28-bit "synchsafe" size. */
  if (length >= 10 && memcmp (data, "ID3", 3) == 0)
    {
      if (data[3] == 0xFF || data[4] == 0xFF ||
          (data[6] | data[7] | data[8] | data[9]) & 0x80)
        return invalid (error, "an MP3 file", "its ID3v2 tag header is damaged");
      offset = 10 + ((gsize) data[6] << 21 | (gsize) data[7] << 14 | (gsize) data[8] << 7 | data[9]);
      if (data[5] & 0x10)
        offset += 10;   /* a footer */
    }
  if (offset + 4 > length || !read_mpeg_header (data + offset, &first))
    return invalid (error, "MPEG audio", "no frame header where its first frame must begin");
  if (offset + first.frame > length)
    return invalid (error, "MPEG audio", "its first frame is cut short");
  offset += first.frame;

  /* One header could be chance: a second of the same kind is not. */
  if (length - offset >= 4 &&
      (!read_mpeg_header (data + offset, &next) || next.version != first.version ||
       next.layer != first.layer || next.rate != first.rate))
    return invalid (error, "MPEG audio", "its first frame is not followed by another");
  return TRUE;
}

gboolean
cb_audio_check (const char    *media_type,
                const guint8  *data,
                gsize          length,
                GError       **error)
{
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (g_strcmp0 (media_type, "audio/wav") == 0)
    return check_wav (data, length, error);
  if (g_strcmp0 (media_type, "audio/ogg") == 0)
    return check_ogg (data, length, error);
  if (g_strcmp0 (media_type, "audio/mpeg") == 0)
    return check_mpeg (data, length, error);
  g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_UNSUPPORTED_MEDIA,
               "An announcement must be audio/wav, audio/ogg or audio/mpeg, not %s",
               media_type != NULL ? media_type : "untyped");
  return FALSE;
}
