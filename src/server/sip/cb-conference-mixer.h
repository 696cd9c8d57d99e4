/* cb-conference-mixer.h: the server's RTP endpoint that mixes a conference: each party hears the others
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CB_TYPE_CONFERENCE_MIXER (cb_conference_mixer_get_type ())
G_DECLARE_FINAL_TYPE (CbConferenceMixer, cb_conference_mixer, CB, CONFERENCE_MIXER, GObject)

/* RTP comes and goes at `address` (the SIP address), one port per party. */
CbConferenceMixer *cb_conference_mixer_new           (const char         *address);

/* A party's SDP offer: its first audio format the mixer can run (the
 * phone library's codec table) and its address. Returns the party (> 0)
 * and the answer (sendrecv; the caller puts its own origin on it), or 0
 * when the offer has no audio we can take. The party is heard once the
 * mixer is (re)started. */
guint              cb_conference_mixer_add           (CbConferenceMixer  *self,
                                                      const char         *offer,
                                                      char              **answer,
                                                      GError            **error);
/* A new offer of a party already in (its phone's own re-INVITE): the
 * answer keeps its port; takes effect at the next start. */
gboolean           cb_conference_mixer_update        (CbConferenceMixer  *self,
                                                      guint               party,
                                                      const char         *offer,
                                                      char              **answer,
                                                      GError            **error);
void               cb_conference_mixer_remove        (CbConferenceMixer  *self,
                                                      guint               party);
/* (Re)builds the mix from the parties in: each gets everyone's audio but
 * its own (N-1 mixes), decoded, mixed with GStreamer's audiomixer and
 * encoded in its own codec. */
gboolean           cb_conference_mixer_start         (CbConferenceMixer  *self,
                                                      GError            **error);
void               cb_conference_mixer_stop          (CbConferenceMixer  *self);
guint              cb_conference_mixer_get_n_parties (CbConferenceMixer  *self);

G_END_DECLS
