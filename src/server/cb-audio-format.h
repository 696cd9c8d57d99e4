/* cb-audio-format.h: whether an uploaded file is the audio its media type says
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A user's announcement is played by the server to every caller, so an
 * upload is checked by its bytes, not by the Content-Type it came with:
 * the container's own structure is parsed (no decoding).
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The media types an announcement may have, NULL-terminated. */
extern const char * const cb_audio_media_types[];

/* Checks that data is audio of media_type:
 *   audio/wav   RIFF/WAVE with a "fmt " chunk of PCM (8, 16, 24 or 32
 *               bit), IEEE float (32 or 64), A-law or µ-law (8), 1 or 2
 *               channels at 8 to 96 kHz, then a "data" chunk holding
 *               samples, whole;
 *   audio/ogg   an Ogg page that begins a stream (capture pattern
 *               "OggS", version 0, CRC checked) whose first packet is an
 *               Opus, Vorbis or FLAC identification header;
 *   audio/mpeg  MPEG audio frames (layer I, II or III, after an ID3v2
 *               tag if there is one): the first frame's header is valid,
 *               the frame is there whole and, unless it ends the data,
 *               another frame of the same kind follows it.
 * Errors (CB_PROTOCOL_ERROR): UNSUPPORTED_MEDIA for another media type,
 * INVALID_FIELD saying what is wrong with the data. */
gboolean cb_audio_check (const char    *media_type,
                         const guint8  *data,
                         gsize          length,
                         GError       **error);

G_END_DECLS
