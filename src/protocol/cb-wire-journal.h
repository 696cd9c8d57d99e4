/* cb-wire-journal.h: one journal entry on the wire (one user's record of one call)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * {"id", "user_id", "call_id", "direction",
 *  "remote_number", "remote_name", "remote_user_id",
 *  "started_at", "answered_at", "ended_at", "duration", "answered",
 *  "group_id", "group_name", "taken_by_user_id", "taken_by_name",
 *  "for": {"user_id", "name"} | null, "picked_up", "outcome",
 *  "picked_up_from": {"user_id", "name"} | null,
 *  "forwarded_to": {"user_id", "number", "name"} | null, "end_reason"}
 *
 * Written for a viewer, the remote party and the colleague who took the
 * call lose their names, numbers and ids when the viewer may not see
 * them (cb_wire_viewer_may_see()); the store keeps them, so a viewer who
 * is granted the level later sees them again.
 *
 * "picked_up_from" names, in the entry of the user who took a call over
 * by pickup, the colleague it rang at (null otherwise; hidden like
 * "taken_by" from a viewer who may not see them).
 *
 * "forwarded_to" says where the user sent the call on to (as the call's,
 * cb-wire-call.h): "Forwarded to Ben Carter"; null otherwise.
 *
 * "group_name" is null without a group; "taken_by_user_id" and
 * "taken_by_name" are both null when nobody took the call, and null and
 * "" when someone the viewer may not see took it (clients read "" as no
 * name, so nobody is named).
 *
 * "for" is the assistant group leader an assistant took or placed the
 * call for ("call for", "call as"), null otherwise and to a viewer who
 * may not see that leader (as the call's "for").
 *
 * "end_reason" is why the call ended (as the call's, cb-wire-call.h):
 * with "outcome" a card reads "not reached (busy)"; null for entries
 * written before it was kept.
 */

#pragma once

#include "cb-wire-call.h"

G_BEGIN_DECLS

typedef struct {
  gint64           id;
  gint64           user_id;
  const char      *call_id;
  CbCallDirection  direction;
  CbWireParty      remote;
  gint64           started_at;    /* unix s */
  gint64           answered_at;   /* 0: not answered (by this user) */
  gint64           ended_at;
  gint64           group_id;      /* 0: not a group call */
  const char      *group_name;
  CbWireParty      taken_by;      /* the colleague who answered it (user_id 0: none); no number */
  gint64           for_user_id;   /* the leader an assistant took or placed it for; 0: none */
  const char      *for_name;
  gboolean         picked_up;
  CbCallOutcome    outcome;
  CbWireParty      picked_up_from; /* this user took it over from them (user_id 0: no); no number */
  CbWireParty      forwarded_to;   /* this user sent it on to them (number NULL: no) */
  CbCallEndReason  end_reason;    /* UNKNOWN: null */
} CbWireJournalEntry;

void                cb_wire_journal_entry_write     (CbWireSink               *sink,
                                                     const CbWireJournalEntry *entry,
                                                     const CbWireViewer       *viewer);
JsonObject         *cb_wire_journal_entry_to_json   (const CbWireJournalEntry *entry,
                                                     const CbWireViewer       *viewer);
/* The result keeps a reference to object. */
CbWireJournalEntry *cb_wire_journal_entry_from_json (JsonObject               *object,
                                                     GError                  **error);
void                cb_wire_journal_entry_free      (CbWireJournalEntry       *entry);
/* The outcome of an entry recorded before outcomes were (or by a writer
 * that did not know the reason): answered, taken by a colleague, missed,
 * or, for a call placed, cancelled. */
CbCallOutcome       cb_wire_journal_guess_outcome   (CbCallDirection           direction,
                                                     gint64                    answered_at,
                                                     gint64                    taken_by);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbWireJournalEntry, cb_wire_journal_entry_free)

G_END_DECLS
