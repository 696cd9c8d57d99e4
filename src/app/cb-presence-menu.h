/* cb-presence-menu.h: the user's own availability and note, in the window's status bar
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A button showing the availability (and the note, if any) opens a
 * popover: the availabilities, a note for colleagues ("Back at 2") with
 * the notes used recently (GSettings "recent-notes") and when the server
 * clears it by itself.
 *
 * Properties: session (CbSession: whose "me" it shows and changes).
 * Actions: presence.set-availability (i: a CbAvailability; the note
 * stays), presence.set-note (the entry's text and the chosen end),
 * presence.clear-note, presence.use-note (s: fills the entry with a
 * recent note). Changes go to the server (PUT /me/presence); the button
 * follows the store, so it shows what the server has.
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-session.h"

G_BEGIN_DECLS

/* When a note goes: the choices of the popover, in its order. */
typedef enum {
  CB_NOTE_END_NEVER,
  CB_NOTE_END_30_MINUTES,
  CB_NOTE_END_1_HOUR,
  CB_NOTE_END_2_HOURS,
  CB_NOTE_END_4_HOURS,
  CB_NOTE_END_TOMORROW,     /* tomorrow at 08:00 */
  CB_N_NOTE_ENDS
} CbNoteEnd;

#define CB_TYPE_PRESENCE_MENU (cb_presence_menu_get_type ())
G_DECLARE_FINAL_TYPE (CbPresenceMenu, cb_presence_menu, CB, PRESENCE_MENU, GtkWidget)

void        cb_presence_menu_set_session  (CbPresenceMenu *self,
                                           CbSession      *session);
/* The popover's parts, for tests and keyboard focus. */
GtkEditable *cb_presence_menu_get_note_entry (CbPresenceMenu *self);
void        cb_presence_menu_set_note_end (CbPresenceMenu *self,
                                           CbNoteEnd       end);
/* Unix seconds when a note set @now would go; 0 for CB_NOTE_END_NEVER. */
gint64      cb_note_end_resolve           (CbNoteEnd       end,
                                           GDateTime      *now);

G_END_DECLS
