/* cb-client-private.h: what the store, the call tracker and the softphone use of the item objects
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Widgets only read contacts, members, groups and calls; the store and
 * the call tracker are the only writers, the softphone carries out calls'
 * controls. These setters are therefore kept out of the public headers.
 */

#pragma once

#include "cb-blf-key.h"
#include "cb-call.h"
#include "cb-client-store.h"
#include "cb-contact.h"
#include "cb-group.h"
#include "cb-group-member.h"
#include "cb-journal-entry.h"
#include "cb-protocol.h"
#include "cb-snapshot.h"

G_BEGIN_DECLS

/* CbContact */
/* Updates from a user object as read off the wire; notifies only what
 * changed. */
void        _cb_contact_update            (CbContact        *self,
                                           const CbWireUser *user);
void        _cb_contact_set_is_self       (CbContact      *self,
                                           gboolean        is_self);
void        _cb_contact_set_presence      (CbContact      *self,
                                           CbAvailability  availability,
                                           const char     *note,
                                           gint64          note_until);
void        _cb_contact_set_line_state    (CbContact      *self,
                                           CbLineState     line_state);
void        _cb_contact_set_agent_status  (CbContact      *self,
                                           CbAgentStatus   agent_status);
/* Adds or removes one group in group-logins; TRUE when that changed it. */
gboolean    _cb_contact_set_group_login   (CbContact      *self,
                                           gint64          group_id,
                                           const char     *group_name,
                                           gboolean        logged_in);
/* A `call` event about this contact's side of a call: an incoming call
 * ringing there becomes (or stays) a ringing call anyone but its caller
 * (@my_id) may pick up; any other state removes it. TRUE when the event
 * was about such a call (new, updated or gone). */
gboolean    _cb_contact_apply_call        (CbContact        *self,
                                           const CbWireCall *call,
                                           gint64            my_id);
void        _cb_contact_clear_ringing_calls (CbContact      *self);
/* Folded collation key of the display name, for sorting the directory. */
const char *_cb_contact_get_sort_key      (CbContact      *self);
/* GCompareDataFunc ordering contacts by display name, then id. */
int         _cb_contact_compare           (gconstpointer   a,
                                           gconstpointer   b,
                                           gpointer        user_data);

/* CbJournalEntry: NULL for an entry without an id. */
CbJournalEntry *_cb_journal_entry_new     (const CbWireJournalEntry *entry);

/* CbGroupMember */
CbGroupMember *_cb_group_member_new        (CbContact     *contact);
void        _cb_group_member_set_login    (CbGroupMember  *self,
                                           gboolean        login_known,
                                           gboolean        logged_in);
void        _cb_group_member_set_position (CbGroupMember  *self,
                                           guint           position);

/* CbGroup */
typedef CbContact *(*CbContactLookupFunc) (gint64 user_id, gpointer user_data);

CbGroup    *_cb_group_new                 (gint64          id);
/* Updates fields and members from a group as read off the wire. Members
 * whose contact the lookup does not know are left out (the viewer cannot
 * see them); _cb_group_refresh_members() retries them once they appear. */
void        _cb_group_update              (CbGroup            *self,
                                           const CbWireGroup  *group,
                                           gint64              my_id,
                                           CbContactLookupFunc lookup,
                                           gpointer            lookup_data);
void        _cb_group_refresh_members     (CbGroup            *self,
                                           gint64              my_id,
                                           CbContactLookupFunc lookup,
                                           gpointer            lookup_data);
/* Applies a group-login event to this group; TRUE when something changed. */
gboolean    _cb_group_set_member_login    (CbGroup            *self,
                                           gint64              user_id,
                                           gboolean            logged_in,
                                           gint64              my_id);
/* A group's queue figures (a queue-stats event's, or its object's). */
void        _cb_group_apply_queue_stats   (CbGroup                *self,
                                           const CbWireQueueStats *stats);
/* A group-calls event's count, or the group object's "ringing". */
void        _cb_group_set_ringing         (CbGroup                *self,
                                           guint                   ringing);
/* TRUE when the group's member list names user_id (even if hidden). */
gboolean    _cb_group_lists_user          (CbGroup            *self,
                                           gint64              user_id);

/* CbSnapshot: the codecs' results keep their JSON objects. */
struct _CbSnapshot
{
  gint64       seq;
  CbWireUser  *me;
  GPtrArray   *users;          /* CbWireUser, "me" among them */
  GPtrArray   *groups;         /* CbWireGroup */
  GArray      *favourite_ids;  /* gint64 */
  GArray      *monitor_ids;    /* gint64 */
  /* Of those, the entries only a group gives (empty from older servers). */
  GArray      *favourites_from_groups;
  GArray      *monitor_from_groups;
  GPtrArray   *blf_keys;       /* CbWireBlfKey */
};

/* A "user_ids" list; elements that are no ids are left out. */
GArray     *_cb_snapshot_read_ids         (JsonArray          *array);
/* Busy lamp field keys; one that cannot be read is left out. */
GPtrArray  *_cb_snapshot_read_blf_keys    (JsonArray          *array);

/* CbBlfKey: made and updated by the store, which resolves the targets. */
CbBlfKey   *_cb_blf_key_new               (gint64              id);
void        _cb_blf_key_update            (CbBlfKey           *self,
                                           const CbWireBlfKey *wire,
                                           CbContact          *contact,
                                           CbGroup            *group);
/* The target as the store knows it now (NULL: not, or not visible). */
void        _cb_blf_key_set_targets       (CbBlfKey           *self,
                                           CbContact          *contact,
                                           CbGroup            *group);

/* CbCall: only the call tracker creates calls and resolves their party;
 * its owner (the softphone) carries out their controls. */

/* How a call's controls are carried out: on the SIP dialog for a call on
 * this phone, through the server for a remote one. The call has checked
 * its state first. A control that fails later (a refused REST request)
 * is reported with _cb_call_report_control_failed(). */
typedef struct {
  gboolean (*answer)    (CbCall      *call,
                         gpointer     user_data,
                         GError     **error);
  void     (*hangup)    (CbCall      *call,
                         gpointer     user_data);
  gboolean (*set_held)  (CbCall      *call,
                         gboolean     held,
                         gpointer     user_data,
                         GError     **error);
  void     (*set_muted) (CbCall      *call,
                         gboolean     muted,
                         gpointer     user_data);
  gboolean (*send_dtmf) (CbCall      *call,
                         const char  *digits,
                         gpointer     user_data,
                         GError     **error);
} CbCallControls;

/* A call on this phone: @sip_call is its dialog (NULL where there is no
 * SIP, in tests); its state follows _cb_call_set_dialog_state(). */
CbCall     *_cb_call_new_local            (const char         *id,
                                           CbCallDirection     direction,
                                           const char         *remote_number,
                                           CbContact          *contact,
                                           CbSipCall          *sip_call);
/* A call on another of the user's devices, from its `call` event. */
CbCall     *_cb_call_new_remote           (const char         *id,
                                           const CbWireCall   *call,
                                           CbContact          *contact);
/* @controls must outlive the call (a static table); NULL: none. */
void        _cb_call_set_controls         (CbCall               *self,
                                           const CbCallControls *controls,
                                           gpointer              user_data);
void        _cb_call_set_contact          (CbCall             *self,
                                           CbContact          *contact);
/* The party on the other side as the server names it (a pickup dialled
 * as a feature code shows the caller); @number NULL keeps the number.
 * The name shown is the contact's, else @name, else the number. */
void        _cb_call_set_remote_party     (CbCall             *self,
                                           const char         *number,
                                           const char         *name,
                                           CbContact          *contact);
void        _cb_call_set_encrypted        (CbCall             *self,
                                           gboolean            encrypted);
void        _cb_call_set_picked_up        (CbCall             *self,
                                           gboolean            picked_up,
                                           const char         *from);
void        _cb_call_set_forwarded_to     (CbCall             *self,
                                           const char         *to);
/* The local dialog's state changed (ignored for remote calls). */
void        _cb_call_set_dialog_state     (CbCall             *self,
                                           CbSipCallState      state);
/* Takes the server id and group from a `call` event (and the state, for
 * remote and server-placed calls). */
void        _cb_call_apply_server         (CbCall             *self,
                                           const CbWireCall   *call);
/* The server placed this call through our phone: outgoing, state from events. */
void        _cb_call_set_server_driven    (CbCall             *self);
/* Answers the dialog whatever the call's state says (a call the server
 * placed through us is taken at once). */
gboolean    _cb_call_answer_dialog        (CbCall             *self,
                                           GError            **error);
void        _cb_call_set_ended            (CbCall             *self);
/* Why a call placed reached nobody (set before it ends, so the end shows
 * why); ignored for other calls. */
void        _cb_call_set_failure          (CbCall             *self,
                                           CbCallFailure       failure);
/* Links the two calls of a consultation (NULL unlinks both sides). */
void        _cb_call_set_partner          (CbCall             *self,
                                           CbCall             *partner,
                                           gboolean            consultation);
/* Emits "control-failed". */
void        _cb_call_report_control_failed (CbCall            *self,
                                            const GError      *error);

G_END_DECLS
