/* cb-sip-call-events.h: one user's side of a call as its "call" event and journal entry
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every call the SIP side knows (the B2BUA's calls and the views of the
 * members and pickers they ring, the queue's waiting callers and its
 * offers to agents) is described as a CbWireCall, the protocol's model of
 * one side of a call, and written by these functions alone.
 */

#pragma once

#include "cb-changes.h"

G_BEGIN_DECLS

/* A user's display name, "" for nobody (0) or no name. */
const char        *cb_sip_user_name         (CbDirectory *directory,
                                             gint64       user_id);

/* The party at the other end from side->user_id's point of view. */
const CbWireParty *cb_sip_call_side_remote  (const CbWireCall *side);

/* The data of a "call" event (and of a call in REST answers): the wire
 * call (cb-wire-call.h) in full, for nobody in particular. */
JsonObject        *cb_sip_call_event_data   (const CbWireCall *side);
/* The journal outcome of a side that ended: answered; for the caller why
 * it was not reached (side->end_reason); for others taken by a colleague,
 * declined (by this user) or missed. */
CbCallOutcome      cb_sip_call_side_outcome (const CbWireCall  *side,
                                             const CbWireParty *taken_by,
                                             gboolean           declined);

/* Inside a CbChanges transaction: the side's "call" event. */
gboolean           cb_sip_record_call_event (CbChanges         *changes,
                                             const CbWireCall  *side,
                                             GError           **error);
/* Inside a CbChanges transaction: the journal entry (and its event) of a
 * call that ended for side->user_id: its remote party, group and times
 * (answered_at 0: not answered by this user), ended now. taken_by: the
 * colleague who answered it instead, or NULL. */
gboolean           cb_sip_record_journal    (CbChanges          *changes,
                                             const CbWireCall   *side,
                                             const CbWireParty  *taken_by,
                                             GError            **error);
/* The same with an outcome of the caller's (cb_sip_record_journal()
 * takes cb_sip_call_side_outcome() of a side nobody declined). */
gboolean           cb_sip_record_journal_outcome (CbChanges          *changes,
                                                  const CbWireCall   *side,
                                                  const CbWireParty  *taken_by,
                                                  CbCallOutcome       outcome,
                                                  GError            **error);

G_END_DECLS
