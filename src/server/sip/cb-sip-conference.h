/* cb-sip-conference.h: three-party conferences the server mixes, made from a user's two calls
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * REST starts one with cb_sip_server_conference() (cb-sip-server.h); the
 * B2BUA hands what the members' dialogs say to the functions below.
 */

#pragma once

#include "cb-sip-b2bua-private.h"

G_BEGIN_DECLS

/* The conference as its calls' events show it. */
const CbWireConference *cb_sip_conference_wire        (CbSipConference *conference);

/* The answer to the offerless re-INVITE that takes a member's leg to the
 * mixer: its offer goes to the mixer, the mixer's answer into our ACK. */
void                    cb_sip_conference_answered    (CbB2buaLeg      *leg,
                                                       int              status,
                                                       const char      *sdp);
/* A member's own re-INVITE (its phone's hold key): the mixer answers. */
void                    cb_sip_conference_reoffer     (CbB2buaLeg      *leg,
                                                       const char      *sdp);
/* A member's dialog ended (BYE, lost): the member leaves; the others stay
 * in the mix, or, two left, become a normal call between them. */
void                    cb_sip_conference_leg_gone    (CbB2buaLeg      *leg);
/* REST hangup of a conference call by one of its members: they leave.
 * Returns their side of the call, ended. */
JsonObject             *cb_sip_conference_hang_up     (CbB2buaCall     *call,
                                                       gint64           user_id);
/* The call is freed: the conference forgets it, and ends with its last. */
void                    cb_sip_conference_forget_call (CbSipConference *conference,
                                                       CbB2buaCall     *call);

G_END_DECLS
