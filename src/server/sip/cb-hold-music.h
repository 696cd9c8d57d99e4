/* cb-hold-music.h: the server's RTP media endpoint that plays hold music to waiting callers
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CB_TYPE_HOLD_MUSIC (cb_hold_music_get_type ())
G_DECLARE_FINAL_TYPE (CbHoldMusic, cb_hold_music, CB, HOLD_MUSIC, GObject)

/* RTP goes out from `address` (the SIP address). The music is the file
 * named by $CALLBOARD_HOLD_MUSIC (anything GStreamer decodes), else a
 * generated melody; the announcement a generated chime.
 *
 * Signals:
 *   "finished" (guint stream)  a clip (cb_hold_music_play_clip()) is over */
CbHoldMusic *cb_hold_music_new           (const char   *address);

/* Answers an SDP offer and starts playing to the offerer: the
 * announcement first when asked, then the music in a loop. Returns the
 * stream (> 0) and the answer (sendonly; the caller puts its own origin
 * on it), or 0 when the offer has no audio we can send. */
guint        cb_hold_music_play          (CbHoldMusic  *self,
                                          const char   *offer,
                                          gboolean      announcement,
                                          char        **answer,
                                          GError      **error);
/* The same, for a clip of the caller's own (a user's announcement: a
 * file's bytes, anything GStreamer decodes) played once, then a ringback
 * tone (425 Hz, 1 s on, 4 s off) in a loop; "finished" (guint stream)
 * once the clip is over. The clip is decoded once per codec and kept
 * under `key` until cb_hold_music_forget_clip(). Returns 0 too when the
 * clip cannot be decoded. */
guint        cb_hold_music_play_clip     (CbHoldMusic  *self,
                                          const char   *offer,
                                          const char   *key,
                                          GBytes       *clip,
                                          char        **answer,
                                          GError      **error);
/* Drops what was decoded of the clip under key (it changed). */
void         cb_hold_music_forget_clip   (CbHoldMusic  *self,
                                          const char   *key);
void         cb_hold_music_stop          (CbHoldMusic  *self,
                                          guint         stream);
guint        cb_hold_music_get_n_streams (CbHoldMusic  *self);

G_END_DECLS
