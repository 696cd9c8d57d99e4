/* cb-journal-entry.h: one call in the user's journal
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read-only properties from the server's journal entry: id (gint64),
 * call-id, direction ("in" or "out"), remote-number, remote-name (falls
 * back to the number), remote-user-id (gint64, 0 when unknown),
 * started-at, answered-at (0: never), ended-at (gint64 unix seconds),
 * duration (uint seconds), answered, missed (bool: the outcome is
 * missed: rang here, nobody took it, not declined), outcome
 * (CbCallOutcome: how the call ended for the user; an older server's
 * entries have it guessed from the times), group-id (gint64, 0
 * when not a group call), group-name (NULL when not a group call),
 * taken-by-user-id (gint64, 0), taken-by-name (the colleague who answered
 * a group call the user was rung for; NULL if nobody or the user),
 * picked-up (bool: the call was taken by pickup).
 */

#pragma once

#include "cb-protocol.h"

G_BEGIN_DECLS

#define CB_TYPE_JOURNAL_ENTRY (cb_journal_entry_get_type ())
G_DECLARE_FINAL_TYPE (CbJournalEntry, cb_journal_entry, CB, JOURNAL_ENTRY, GObject)

gint64          cb_journal_entry_get_id            (CbJournalEntry *self);
const char     *cb_journal_entry_get_call_id       (CbJournalEntry *self);
gboolean        cb_journal_entry_get_incoming      (CbJournalEntry *self);
const char     *cb_journal_entry_get_remote_number (CbJournalEntry *self);
const char     *cb_journal_entry_get_remote_name   (CbJournalEntry *self);
gint64          cb_journal_entry_get_remote_user_id (CbJournalEntry *self);
gint64          cb_journal_entry_get_started_at    (CbJournalEntry *self);
gint64          cb_journal_entry_get_answered_at   (CbJournalEntry *self);
gint64          cb_journal_entry_get_ended_at      (CbJournalEntry *self);
guint           cb_journal_entry_get_duration      (CbJournalEntry *self);
gboolean        cb_journal_entry_get_answered      (CbJournalEntry *self);
gboolean        cb_journal_entry_get_missed        (CbJournalEntry *self);
CbCallOutcome   cb_journal_entry_get_outcome       (CbJournalEntry *self);
/* A call placed that did not reach anyone: busy, rejected, unreachable
 * or not found (a call the user gave up is "cancelled", not this). */
gboolean        cb_journal_entry_get_not_reached   (CbJournalEntry *self);
gint64          cb_journal_entry_get_group_id      (CbJournalEntry *self);
const char     *cb_journal_entry_get_group_name    (CbJournalEntry *self);
gint64          cb_journal_entry_get_taken_by_user_id (CbJournalEntry *self);
const char     *cb_journal_entry_get_taken_by_name (CbJournalEntry *self);
/* The leader an assistant took or placed the call for; 0 and NULL: none. */
gint64          cb_journal_entry_get_for_user_id (CbJournalEntry *self);
const char     *cb_journal_entry_get_for_name (CbJournalEntry *self);
gboolean        cb_journal_entry_get_picked_up     (CbJournalEntry *self);
/* Whose ringing call the user took over, when the viewer may know. */
const char     *cb_journal_entry_get_picked_up_from (CbJournalEntry *self);
/* Where the user forwarded the call (or transferred its other party):
 * the colleague's name, else the number; NULL when they did not. */
const char     *cb_journal_entry_get_forwarded_to (CbJournalEntry *self);

G_END_DECLS
