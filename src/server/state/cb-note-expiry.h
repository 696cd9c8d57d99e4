/* cb-note-expiry.h: presence notes that go by themselves ("Back at 2", until 14:00)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Watches the service layer's presence changes and keeps one timer, for
 * the note that goes first; when it fires, the notes due are cleared
 * through cb_changes_set_presence() like any other change (stored,
 * published). Notes that came due while the server was down go at start.
 */

#pragma once

#include "cb-changes.h"
#include "cb-clock.h"

G_BEGIN_DECLS

#define CB_TYPE_NOTE_EXPIRY (cb_note_expiry_get_type ())
G_DECLARE_FINAL_TYPE (CbNoteExpiry, cb_note_expiry, CB, NOTE_EXPIRY, GObject)

/* clock NULL: the system clock. */
CbNoteExpiry *cb_note_expiry_new      (CbChanges    *changes,
                                       CbClock      *clock);
/* Clears the notes that are due by the clock now (the timer calls it;
 * a test with a manual clock may too). Returns how many it cleared. */
guint         cb_note_expiry_run_due  (CbNoteExpiry *self);
/* When the next note goes (unix s), 0 when none will. */
gint64        cb_note_expiry_get_next (CbNoteExpiry *self);

G_END_DECLS
