/* cb-sip-pickup.h: taking over a call ringing at someone else: *97, *98 and REST pickup
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
