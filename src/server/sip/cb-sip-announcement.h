/* cb-sip-announcement.h: the announcement before connect: the server answers the caller and plays the callee's recording first
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-sip-b2bua-private.h"

G_BEGIN_DECLS

/* Answers the caller's still unanswered INVITE with the server's media
 * and plays user_id's announcement; once it is over the user's phones
 * ring (cb_sip_diversion_ring()) while the caller hears a ringback tone,
 * and the answer reaches the caller in a re-INVITE, as a queue's caller.
 * FALSE (nothing done) when the user has none or it cannot be played:
 * ring at once. */
gboolean cb_sip_announcement_start    (CbB2buaCall *call,
                                       gint64       user_id);
/* The caller's ACK of a leg (nua_i_ack). */
void     cb_sip_announcement_acked    (CbB2buaLeg  *leg);
/* The server's media for the caller stops (answered, ended). */
void     cb_sip_announcement_stop     (CbB2buaCall *call);
/* A re-INVITE of the caller while only the server answers it (a session
 * refresh, the hold key): answered with the same SDP. FALSE when the leg
 * is not such a caller. */
gboolean cb_sip_announcement_reinvite (CbB2buaLeg  *leg,
                                       const sip_t *sip);
/* Lets go of the player (cb_sip_b2bua_free()). */
void     cb_sip_announcement_shutdown (CbSipB2bua  *b2bua);

G_END_DECLS
