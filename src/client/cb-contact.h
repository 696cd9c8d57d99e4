/* cb-contact.h: one colleague (or DeviceOnly phone) as this client sees it
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties (all notify on change, so widgets bind to them):
 *   id (gint64), username, display-name, extension, email, mobile, language,
 *   time-zone (strings), kind (CbUserKind), admin (bool), level (CbLevel),
 *   availability (CbAvailability), note (string), note-until (gint64: unix
 *   seconds when the server clears the note by itself; 0: it stays),
 *   line-state (CbLineState),
 *   agent-status (CbAgentStatus), group-logins (GStrv: names of the groups
 *   the contact is logged into, sorted), is-self (bool).
 *   Fields the viewer's level hides keep their defaults (offline, logged-out,
 *   empty group-logins); has-line-state / has-agent-status /
 *   has-group-logins (bool) tell which.
 *   ringing-call-id (string: the server's id of the newest incoming call
 *   ringing at them that this viewer may pick up, known from their `call`
 *   events at team level; NULL when none), ringing-caller-name and
 *   ringing-caller-number (that call's caller, either NULL when not known).
 *   has-diversion (bool: the viewer's level shows the diversion, team and
 *   up), diversion-unconditional, diversion-busy, diversion-no-answer
 *   (strings: the numbers calls go to instead, NULL when that diversion is
 *   off), diversion-no-answer-after (uint seconds), diverted (bool: any of
 *   the three is on); the user's own settings, known for oneself only:
 *   mobile-ringing (bool), mobile-ringing-delay (uint seconds),
 *   announcement (bool: one is uploaded).
 */

#pragma once

#include "cb-protocol.h"

G_BEGIN_DECLS

#define CB_TYPE_CONTACT (cb_contact_get_type ())
G_DECLARE_FINAL_TYPE (CbContact, cb_contact, CB, CONTACT, GObject)

CbContact      *cb_contact_new               (gint64      id);
gint64          cb_contact_get_id            (CbContact  *self);
const char     *cb_contact_get_username      (CbContact  *self);
const char     *cb_contact_get_display_name  (CbContact  *self);
const char     *cb_contact_get_extension     (CbContact  *self);
const char     *cb_contact_get_email         (CbContact  *self);
CbUserKind      cb_contact_get_kind          (CbContact  *self);
CbLevel         cb_contact_get_level         (CbContact  *self);
CbAvailability  cb_contact_get_availability  (CbContact  *self);
const char     *cb_contact_get_note          (CbContact  *self);
gint64          cb_contact_get_note_until    (CbContact  *self);
CbLineState     cb_contact_get_line_state    (CbContact  *self);
CbAgentStatus   cb_contact_get_agent_status  (CbContact  *self);
const char * const *cb_contact_get_group_logins (CbContact *self);
gboolean        cb_contact_get_is_self       (CbContact  *self);
const char     *cb_contact_get_mobile        (CbContact  *self);
const char     *cb_contact_get_language      (CbContact  *self);
const char     *cb_contact_get_time_zone     (CbContact  *self);
gboolean        cb_contact_get_admin         (CbContact  *self);
gboolean        cb_contact_get_has_line_state   (CbContact *self);
gboolean        cb_contact_get_has_agent_status (CbContact *self);
gboolean        cb_contact_get_has_group_logins (CbContact *self);
const char     *cb_contact_get_ringing_call_id       (CbContact *self);
const char     *cb_contact_get_ringing_caller_name   (CbContact *self);
const char     *cb_contact_get_ringing_caller_number (CbContact *self);
gboolean        cb_contact_get_has_diversion             (CbContact *self);
const char     *cb_contact_get_diversion_unconditional   (CbContact *self);
const char     *cb_contact_get_diversion_busy            (CbContact *self);
const char     *cb_contact_get_diversion_no_answer       (CbContact *self);
guint           cb_contact_get_diversion_no_answer_after (CbContact *self);
gboolean        cb_contact_get_diverted                  (CbContact *self);
gboolean        cb_contact_get_mobile_ringing            (CbContact *self);
guint           cb_contact_get_mobile_ringing_delay      (CbContact *self);
gboolean        cb_contact_get_announcement              (CbContact *self);

G_END_DECLS
