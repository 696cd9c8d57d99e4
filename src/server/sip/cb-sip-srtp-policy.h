/* cb-sip-srtp-policy.h: where SRTP keys may go, and who requires encrypted calls
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-sip-b2bua-private.h"
#include "cb-sip-router.h"

G_BEGIN_DECLS

/* The SDP without its a=crypto lines when the device it goes to (leg)
 * or the one it comes from is not on TLS; NULL when it may go as it is. */
char        *cb_sip_srtp_sdp_for_leg   (CbB2buaLeg          *leg,
                                        const char          *sdp);
/* Whether the offer may ring the device at contact: RTP/SAVP (SRTP or
 * nothing) only reaches devices on TLS, and a user who requires
 * encryption only offers that will be encrypted. */
gboolean     cb_sip_srtp_may_ring      (CbB2buaCall         *call,
                                        const char          *contact,
                                        const char          *offer);
/* A new call's INVITE (after routing): FALSE with the reason when it
 * must be refused with 488 (keys offered outside TLS, or a plain offer
 * from or to someone who requires encryption). */
gboolean     cb_sip_srtp_admit         (CbSipServer         *server,
                                        const CbSipInvite   *invite,
                                        const CbSipTarget   *target,
                                        const char         **why);
/* Every leg of the call is SRTP end to end: both devices on TLS, both
 * sent keys (what "encrypted" says on the wire). */
gboolean     cb_sip_srtp_call_encrypted (CbB2buaCall        *call);

G_END_DECLS
