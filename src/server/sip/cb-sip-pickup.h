/* cb-sip-pickup.h: taking over a call ringing at someone else: *97, *98, Replaces and REST pickup
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-sip-b2bua-private.h"

G_BEGIN_DECLS

/* Pickup by INVITE: the picker's INVITE is answered with a call ringing
 * at `target` (*97), or with target 0 the newest (or oldest) call the
 * picker may take (*98). Answers (and on failure drops) it itself. */
void     cb_sip_pickup_invite   (CbSipB2bua        *b2bua,
                                 const CbSipInvite *invite,
                                 gint64             target);
/* Pickup with one key (RFC 3891): an INVITE whose Replaces names the
 * dialog of a call ringing at someone's phone (a dialog-info NOTIFY gave
 * it) takes that call, with the same right as *97. 481 when no dialog is
 * named, 486 when the call was answered meanwhile, 403 when the picker
 * may not take it. Answers (and on failure drops) invite->nh itself. */
void     cb_sip_pickup_replaces (CbSipB2bua        *b2bua,
                                 const CbSipInvite *invite);
/* Whether picker may take `call` over from target (0: from whoever it
 * rings at) now: it rings, and the picker is at team towards them or
 * logged into the call's group. */
gboolean cb_sip_pickup_may_take (CbB2buaCall *call,
                                 gint64       picker,
                                 gint64       target);
/* The ACK of our 200 to the caller came: a picker's offer waiting for it
 * goes to the caller now. */
void     cb_sip_pickup_acked    (CbB2buaLeg *leg);
/* The caller's answer to a picker's offer (relayed by the re-INVITE
 * machinery): the 200 to the picker's INVITE, or its failure ends the
 * call. FALSE when relay_to is not a picker waiting for it. */
gboolean cb_sip_pickup_answered (CbB2buaLeg *relay_to,
                                 int         status,
                                 const char *phrase,
                                 const char *sdp);

G_END_DECLS
