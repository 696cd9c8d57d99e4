/* cb-changes.h: every change to the server's state, in one place
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The service layer under REST, SIP and the demo: a change is validated,
 * written to the store together with the events it causes (one
 * transaction, see CbEventLog), mirrored in the in-memory CbDirectory,
 * published, and then announced by a signal so that other parts (the
 * queues) react without polling. Nothing here knows HTTP or SIP.
 *
 * Signals, emitted after the change is committed, mirrored and published:
 *   "presence-changed"     (gint64 user_id)
 *   "agent-status-changed" (gint64 user_id)
 *   "line-state-changed"   (gint64 user_id)
 *   "group-login-changed"  (gint64 group_id, gint64 user_id)
 *   "user-changed"         (gint64 user_id)   an administrator's edit, or the
 *                                             user's own call settings
 *                                             (diversion, mobile ringing,
 *                                             announcement)
 *   "group-changed"        (gint64 group_id)  an edit, a new member order or
 *                                             an assistant group's filter
 */

#pragma once

#include "cb-directory.h"
#include "cb-event-log.h"

G_BEGIN_DECLS

#define CB_TYPE_CHANGES (cb_changes_get_type ())
G_DECLARE_FINAL_TYPE (CbChanges, cb_changes, CB, CHANGES, GObject)

CbChanges   *cb_changes_new              (CbStore     *store,
                                          CbDirectory *directory,
                                          CbEventLog  *log);
CbStore     *cb_changes_get_store        (CbChanges      *self);
CbDirectory *cb_changes_get_directory    (CbChanges      *self);
CbEventLog  *cb_changes_get_event_log    (CbChanges      *self);

/* ---- a change of one's own ------------------------------------------------
 * store() runs inside a transaction: store writes and cb_changes_record*()
 * calls. On commit apply() (may be NULL) mirrors the change in memory,
 * then the events go out; on failure everything is rolled back and no
 * event is sent. */
typedef gboolean (*CbChangesStoreFunc) (CbChanges  *self,
                                        gpointer    data,
                                        GError    **error);
typedef void     (*CbChangesApplyFunc) (CbChanges  *self,
                                        gpointer    data);
gboolean     cb_changes_run              (CbChanges           *self,
                                          CbChangesStoreFunc   store,
                                          CbChangesApplyFunc   apply,
                                          gpointer             data,
                                          GError             **error);
/* Inside store(): an event (data: the full form, every field). */
gboolean     cb_changes_record           (CbChanges    *self,
                                          CbEventType   type,
                                          gint64        subject_user_id,
                                          gint64        group_id,
                                          JsonObject   *data,
                                          GError      **error);
/* Inside store(): a journal entry (entry->id is set) and its event. */
gboolean     cb_changes_record_journal   (CbChanges        *self,
                                          CbJournalRecord  *entry,
                                          GError          **error);
/* Inside store(): "resync" for the users in user_ids (a set of gint64 *):
 * their view of others changed and their snapshot is stale. */
gboolean     cb_changes_record_resync    (CbChanges   *self,
                                          GHashTable  *user_ids,
                                          GError     **error);

/* ---- the changes ------------------------------------------------------- */
/* note_until: unix s the note goes by itself (CbNoteExpiry), 0: it stays. */
gboolean     cb_changes_set_presence     (CbChanges       *self,
                                          gint64           user_id,
                                          CbAvailability   availability,
                                          const char      *note,
                                          gint64           note_until,
                                          GError         **error);
gboolean     cb_changes_set_agent_status (CbChanges      *self,
                                          gint64          user_id,
                                          CbAgentStatus   status,
                                          GError        **error);
/* Derived from calls and registrations by the SIP side. */
gboolean     cb_changes_set_line_state   (CbChanges    *self,
                                          gint64        user_id,
                                          CbLineState   state,
                                          GError      **error);
/* Hunt groups and assistant groups. Errors: NOT_FOUND (no such group),
 * FORBIDDEN (not a member; logging out of an assistant group whose
 * logout_allowed is off), CONFLICT (neither kind). Logging in twice
 * changes nothing. */
gboolean     cb_changes_set_group_login  (CbChanges  *self,
                                          gint64      user_id,
                                          gint64      group_id,
                                          gboolean    logged_in,
                                          GError    **error);
/* The user's own list (favourites, monitor); *effective (may be NULL)
 * is the list they see, with what their groups distribute, and
 * *from_groups (may be NULL) its entries that are there only through a
 * group (not the user's to remove). */
gboolean     cb_changes_set_list         (CbChanges     *self,
                                          gint64         user_id,
                                          CbListKind     kind,
                                          const GArray  *own,
                                          GArray       **effective,
                                          GArray       **from_groups,
                                          GError       **error);
/* The user's list followed by what their groups distribute, without
 * repeats or users the owner cannot see; *from_groups (may be NULL) as
 * for cb_changes_set_list(). */
GArray      *cb_changes_effective_list   (CbChanges   *self,
                                          gint64       user_id,
                                          CbListKind   kind,
                                          GArray     **from_groups,
                                          GError     **error);
/* The user has looked at their journal up to entry up_to (it never moves
 * back): *seen as stored, *missed what still counts as missed; a
 * "journal-seen" event tells their other devices. */
gboolean     cb_changes_set_journal_seen (CbChanges      *self,
                                          gint64          user_id,
                                          gint64          up_to,
                                          gint64         *seen,
                                          gint64         *missed,
                                          GError        **error);
/* The user's busy lamp field: their own keys, then those their groups
 * distribute (group_id set), without keys whose target they cannot see
 * and without a distributed key they have themselves (CbBlfKeyRecord). */
GPtrArray   *cb_changes_effective_blf    (CbChanges      *self,
                                          gint64          user_id,
                                          GError        **error);
/* Replaces the user's own keys (CbBlfKeyRecord; an id names a key they
 * have, 0 a new one). Checked: a user target they can see, a hunt group
 * they can see, a number of digits, *, # and +, a label of at most 64
 * characters, at most CB_CHANGES_MAX_BLF_KEYS keys. Errors:
 * CB_PROTOCOL_ERROR NOT_FOUND (target or id), INVALID_FIELD. */
#define CB_CHANGES_MAX_BLF_KEYS 1000
gboolean     cb_changes_set_blf_keys     (CbChanges      *self,
                                          gint64          user_id,
                                          GPtrArray      *keys,
                                          GError        **error);
/* One key: for `owner`, whose targets they must see, or (owner 0) for a
 * group to distribute, whose targets must exist. Errors as above. */
gboolean     cb_changes_check_blf_key    (CbChanges            *self,
                                          gint64                owner,
                                          const CbBlfKeyRecord *key,
                                          GError              **error);
/* A hunt group's lamp: calls ringing at its members now. */
gboolean     cb_changes_set_group_ringing (CbChanges     *self,
                                           gint64         group_id,
                                           guint          ringing,
                                           GError       **error);
/* ---- a user's own call settings -------------------------------------------
 * Each is stored, mirrored in the directory and published as a "user"
 * event (the whole object; CbEventFilter cuts it per viewer: colleagues
 * at team see the diversion, only the user the rest); "user-changed" is
 * emitted. Errors are CB_PROTOCOL_ERROR (INVALID_FIELD naming the
 * member) or the store's. */

/* Each target NULL or "" (off), or 1–32 of 0-9 * # + that is not the
 * user's own extension; no_answer_after CB_WIRE_NO_ANSWER_AFTER_MIN to
 * _MAX seconds. */
gboolean     cb_changes_set_diversion    (CbChanges              *self,
                                          gint64                  user_id,
                                          const CbWireDiversion  *diversion,
                                          GError                **error);
/* delay 0 to CB_WIRE_MOBILE_RINGING_DELAY_MAX seconds. CONFLICT when
 * enabling it for a user whose "mobile" is no number a trunk can dial
 * (cb_user_record_mobile_number()). */
gboolean     cb_changes_set_mobile_ringing (CbChanges            *self,
                                            gint64                user_id,
                                            gboolean              enabled,
                                            guint                 delay,
                                            GError              **error);
/* The user's calls must be encrypted (SRTP over TLS): the SIP side
 * refuses plain offers from and to them (cb-sip-srtp-policy.c). */
gboolean     cb_changes_set_require_encryption (CbChanges        *self,
                                                gint64            user_id,
                                                gboolean          required,
                                                GError          **error);
/* The audio is checked by the caller (REST). NOT_FOUND (delete) when
 * there is none. The SIP side reads it with cb_store_get_announcement(). */
gboolean     cb_changes_set_announcement (CbChanges              *self,
                                          gint64                  user_id,
                                          const char             *content_type,
                                          GBytes                 *audio,
                                          GError                **error);
gboolean     cb_changes_delete_announcement (CbChanges           *self,
                                             gint64               user_id,
                                             GError             **error);

/* An assistant group's filter, as user_id changes it; NULL leaves that
 * setting as it is. The leader may change all three, a logged-in
 * assistant only whether it is on. A "group" event; nothing when nothing
 * changes. Errors: NOT_FOUND, CONFLICT (not an assistant group),
 * FORBIDDEN (neither the leader nor a logged-in assistant, or an
 * assistant changing the strategy or delay), INVALID_FIELD ("delay"
 * outside CB_WIRE_FILTER_DELAY_MIN to _MAX). */
gboolean     cb_changes_set_assistant_filter (CbChanges               *self,
                                              gint64                   user_id,
                                              gint64                   group_id,
                                              const gboolean          *enabled,
                                              const CbAssistantFilter *strategy,
                                              const guint             *delay,
                                              GError                 **error);

/* Creates (record->id 0) or replaces a user; *record becomes the stored
 * one. An admin flag that changed resyncs the user (admins see every group). */
gboolean     cb_changes_save_user        (CbChanges     *self,
                                          CbUserRecord **record,
                                          GError       **error);
/* Creates (record->id 0) or replaces a group; *record becomes the stored
 * one. Only an edit that changes who sees whom (members, levels, leader,
 * deputy, distributed lists and keys) resyncs the people it touches. */
gboolean     cb_changes_save_group       (CbChanges      *self,
                                          CbGroupRecord **record,
                                          GError        **error);
/* A queue's figures: mirrored and published as "queue-stats" events
 * (several queues in one transaction). */
gboolean     cb_changes_set_queue_stats  (CbChanges           *self,
                                          guint                n_queues,
                                          const gint64        *group_ids,
                                          const CbQueueStats  *stats,
                                          GError             **error);

G_END_DECLS
