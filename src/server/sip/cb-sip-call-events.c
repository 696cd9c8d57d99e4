/* cb-sip-call-events.c: one user's side of a call as its "call" event and journal entry
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one place the SIP side maps a call to JSON: the members follow
 * CbWireCall (src/protocol/cb-wire-call.h) one to one, so that its codec
 * can take over here without the callers changing. The B2BUA's calls are
 * described here too: who sees which side when, and who gets a journal
 * entry (the queue describes its waiting callers and offers itself).
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include "cb-sip-assistants.h"
#include "cb-sip-call-events.h"
#include "cb-sip-conference.h"
#include "cb-sip-hunt.h"
#include "cb-sip-recovery.h"
#include "cb-sip-srtp-policy.h"

const char *
cb_sip_user_name (CbDirectory *directory,
                  gint64       user_id)
{
  const CbUserRecord *user = user_id > 0 ? cb_directory_get_user (directory, user_id) : NULL;

  return user != NULL && user->display_name != NULL ? user->display_name : "";
}

const CbWireParty *
cb_sip_call_side_remote (const CbWireCall *side)
{
  return side->direction == CB_CALL_DIRECTION_OUT ? &side->to : &side->from;
}

JsonObject *
cb_sip_call_event_data (const CbWireCall *side)
{
  return cb_wire_call_to_json (side, NULL);
}

gboolean
cb_sip_record_call_event (CbChanges         *changes,
                          const CbWireCall  *side,
                          GError           **error)
{
  g_autoptr(JsonObject) data = cb_sip_call_event_data (side);

  return cb_changes_record (changes, CB_EVENT_TYPE_CALL, side->user_id, 0, data, error);
}

CbCallOutcome
cb_sip_call_side_outcome (const CbWireCall  *side,
                          const CbWireParty *taken_by,
                          gboolean           declined)
{
  if (side->answered_at > 0)
    return CB_CALL_OUTCOME_ANSWERED;
  if (side->direction == CB_CALL_DIRECTION_OUT)
    switch (side->end_reason)
      {
      case CB_CALL_END_REASON_BUSY:
        return CB_CALL_OUTCOME_BUSY;
      case CB_CALL_END_REASON_DECLINED:
      case CB_CALL_END_REASON_REJECTED:
        return CB_CALL_OUTCOME_REJECTED;
      case CB_CALL_END_REASON_NOT_FOUND:
        return CB_CALL_OUTCOME_NOT_FOUND;
      case CB_CALL_END_REASON_UNREACHABLE:
        return CB_CALL_OUTCOME_UNREACHABLE;
      case CB_CALL_END_REASON_UNKNOWN:
      case CB_CALL_END_REASON_COMPLETED:
      case CB_CALL_END_REASON_CANCELLED:
      case CB_CALL_END_REASON_TRANSFERRED:
      case CB_CALL_END_REASON_CONFERENCE:
      case CB_CALL_END_REASON_SERVER_RESTART:
      default:
        return CB_CALL_OUTCOME_CANCELLED;
      }
  if (taken_by != NULL && taken_by->user_id > 0)
    return CB_CALL_OUTCOME_TAKEN;
  return declined ? CB_CALL_OUTCOME_DECLINED : CB_CALL_OUTCOME_MISSED;
}

gboolean
cb_sip_record_journal (CbChanges          *changes,
                       const CbWireCall   *side,
                       const CbWireParty  *taken_by,
                       GError            **error)
{
  return cb_sip_record_journal_outcome (changes, side, taken_by,
                                        cb_sip_call_side_outcome (side, taken_by, FALSE), error);
}

gboolean
cb_sip_record_journal_outcome (CbChanges          *changes,
                               const CbWireCall   *side,
                               const CbWireParty  *taken_by,
                               CbCallOutcome       outcome,
                               GError            **error)
{
  const CbWireParty *remote = cb_sip_call_side_remote (side);
  gboolean taken = taken_by != NULL && taken_by->user_id > 0;
  CbJournalRecord entry = {
    .user_id = side->user_id,
    .call_id = (char *) side->call_id,
    .outgoing = side->direction == CB_CALL_DIRECTION_OUT,
    .remote_number = (char *) remote->number,
    .remote_name = (char *) (remote->name != NULL ? remote->name : ""),
    .remote_user_id = remote->user_id,
    .started_at = side->started_at,
    .answered_at = side->answered_at,
    .ended_at = g_get_real_time () / G_USEC_PER_SEC,
    .group_id = side->group_id,
    .group_name = (char *) side->group_name,
    .taken_by_user_id = taken ? taken_by->user_id : 0,
    .taken_by_name = taken ? (char *) taken_by->name : NULL,
    .picked_up = side->picked_up,
    .picked_up_from_user_id = side->picked_up_from.user_id,
    .picked_up_from_name = (char *) side->picked_up_from.name,
    .forwarded_to_user_id = side->forwarded_to.user_id,
    .forwarded_to_number = (char *) side->forwarded_to.number,
    .forwarded_to_name = (char *) side->forwarded_to.name,
    .for_user_id = side->for_user_id,
    .for_name = (char *) side->for_name,
    .outcome = outcome,
    .end_reason = side->end_reason,
  };

  return cb_changes_record_journal (changes, &entry, error);
}

/* ---- the B2BUA's calls --------------------------------------------------- */

/* The leg of the user's own device in the call: the caller's A leg, the
 * callee's answered leg, else one still ringing at the user. While the
 * call rings at several of their devices the leg to the softphone stands
 * for them (the client matches its own phone's call), else the first. */
static CbB2buaLeg *
device_of (CbB2buaCall *call,
           gint64       user_id,
           gboolean     outgoing)
{
  CbB2buaLeg *first = NULL;

  if (outgoing)
    return call->a;
  if (call->b != NULL && user_id == call->callee_id)
    return call->b;
  for (guint i = 0; i < call->legs->len; i++)
    {
      CbB2buaLeg *leg = g_ptr_array_index (call->legs, i);

      if (!leg->fork || leg->state != CB_B2BUA_LEG_CALLING ||
          (leg->user_id != user_id && !(leg->user_id == 0 && user_id == call->callee_id)))
        continue;
      if (g_strcmp0 (leg->kind, "softphone") == 0)
        return leg;
      if (first == NULL)
        first = leg;
    }
  return first;
}

/* Why the call ended, once it has. */
static CbCallEndReason
end_reason_of (CbB2buaCall *call)
{
  if (call->state != CB_WIRE_CALL_STATE_ENDED)
    return CB_CALL_END_REASON_UNKNOWN;
  if (call->end_reason != CB_CALL_END_REASON_UNKNOWN)
    return call->end_reason;
  return call->answered_at > 0 ? CB_CALL_END_REASON_COMPLETED : CB_CALL_END_REASON_UNREACHABLE;
}

/* The device is the user's own dialog in the call, so a client knows at
 * once whether a call rings at its own phone or is one for a desk card.
 * A group call is the group's until a member takes it. */
void
cb_b2bua_call_side (CbB2buaCall *call,
                    gint64       user_id,
                    gboolean     outgoing,
                    CbWireCall  *side)
{
  CbDirectory *directory = call->b2bua->directory;
  CbB2buaLeg *device = device_of (call, user_id, outgoing);
  gboolean to_group = call->group != NULL && call->callee_id <= 0;
  gint64 leader = cb_sip_assistants_for (call, user_id);
  CbWireParty caller = { call->caller_id, call->caller_number, cb_sip_user_name (directory, call->caller_id) };

  /* A call placed as a leader is the leader's to everyone else. */
  if (user_id != call->caller_id)
    cb_sip_assistants_presented (call, &caller);
  *side = (CbWireCall) {
    .call_id = call->id,
    .state = call->state,
    .user_id = user_id,
    .direction = outgoing ? CB_CALL_DIRECTION_OUT : CB_CALL_DIRECTION_IN,
    .from = caller,
    .to = { call->callee_id, call->callee_number,
            to_group ? call->group->group_name : cb_sip_user_name (directory, call->callee_id) },
    .started_at = call->started_at,
    .answered_at = call->answered_at,
    .device_call_id = device != NULL ? device->call_id : NULL,
    .device = device != NULL ? device->kind : NULL,
    .group_id = call->group != NULL ? call->group->group_id : 0,
    .group_name = call->group != NULL ? call->group->group_name : NULL,
    .picked_up = call->picked_up,
    .for_user_id = leader,
    .for_name = leader > 0 ? cb_sip_user_name (directory, leader) : NULL,
    .end_reason = end_reason_of (call),
    .conference = call->conference != NULL ? cb_sip_conference_wire (call->conference) : NULL,
    .encrypted = call->state != CB_WIRE_CALL_STATE_ENDED && cb_sip_srtp_call_encrypted (call),
  };
  /* The side of whoever sent it on names where to. */
  if (call->forwarded_to_number != NULL && user_id == call->forwarded_by)
    side->forwarded_to = (CbWireParty) {
      call->forwarded_to, call->forwarded_to_number,
      call->forwarded_to > 0 ? cb_sip_user_name (directory, call->forwarded_to) : ""
    };
  /* The picker's side names whom they took it from. */
  if (call->picked_up && call->picked_up_from > 0 && user_id == call->callee_id && !outgoing)
    side->picked_up_from = (CbWireParty) {
      call->picked_up_from, NULL, cb_sip_user_name (directory, call->picked_up_from)
    };
}

JsonObject *
cb_b2bua_call_data (CbB2buaCall     *call,
                    gint64           user_id,
                    CbWireCallState  state)
{
  CbWireCall side;

  cb_b2bua_call_side (call, user_id, call->caller_id == user_id, &side);
  side.state = state;
  if (state == CB_WIRE_CALL_STATE_ENDED && side.end_reason == CB_CALL_END_REASON_UNKNOWN)
    side.end_reason = call->end_reason;
  return cb_sip_call_event_data (&side);
}

static gboolean
record_side (CbChanges    *changes,
             CbB2buaCall  *call,
             gboolean      outgoing,
             GError      **error)
{
  gint64 user_id = outgoing ? call->caller_id : call->callee_id;
  CbWireCall side;

  /* The callee hears of a click-to-dial call once their phones ring; who
   * left a call that goes on has its end on record already. */
  if (user_id <= 0 || (!outgoing && !call->forked) ||
      (outgoing ? call->caller_left : call->callee_left))
    return TRUE;

  cb_b2bua_call_side (call, user_id, outgoing, &side);
  if (!cb_sip_record_call_event (changes, &side, error))
    return FALSE;
  return call->state != CB_WIRE_CALL_STATE_ENDED ||
         cb_sip_record_journal_outcome (changes, &side, NULL,
                                        cb_sip_call_side_outcome (&side, NULL,
                                                                  !outgoing && call->callee_declined),
                                        error);
}

/* Everyone the call rang besides its callee: a "call" event while it
 * rings there and one when it stopped; a journal entry once it is
 * decided who took it (answered_at 0, taken_by the colleague). */
static gboolean
record_rung (CbChanges    *changes,
             CbB2buaCall  *call,
             GError      **error)
{
  for (guint i = 0; call->rung != NULL && i < call->rung->len; i++)
    {
      CbSipRung *rung = &g_array_index (call->rung, CbSipRung, i);
      gboolean ringing = cb_b2bua_call_rings_at (call, rung->user_id);
      CbWireCall side;

      if (rung->user_id == call->callee_id)
        continue;
      cb_b2bua_call_side (call, rung->user_id, FALSE, &side);
      if (ringing || !rung->ended)
        {
          if (!ringing)
            {
              side.state = CB_WIRE_CALL_STATE_ENDED;
              rung->ended = TRUE;
            }
          if (!cb_sip_record_call_event (changes, &side, error))
            return FALSE;
        }
      if (!ringing && !rung->journaled &&
          (call->answered_at > 0 || call->state == CB_WIRE_CALL_STATE_ENDED))
        {
          CbWireParty taken_by = { 0 };

          if (call->answered_at > 0)
            taken_by = (CbWireParty) {
              call->callee_id, NULL, cb_sip_user_name (call->b2bua->directory, call->callee_id)
            };
          /* Not answered by them. */
          side.answered_at = 0;
          rung->journaled = TRUE;
          if (!cb_sip_record_journal_outcome (changes, &side, &taken_by,
                                              cb_sip_call_side_outcome (&side, &taken_by, rung->declined),
                                              error))
            return FALSE;
        }
    }
  return TRUE;
}

/* Who forwarded a call to the trunk has it in their journal as a call
 * they made to its callee: every call out is on record with who placed
 * it. They are in it no more, so they get no "call" events. (A transfer
 * continues a call out they made, which their journal has already.) */
static gboolean
record_placed_by (CbChanges    *changes,
                  CbB2buaCall  *call,
                  GError      **error)
{
  CbWireCall side;

  if (call->placed_by <= 0 || call->placed_journaled || call->placed_by == call->caller_id ||
      call->placed_by == call->callee_id || call->state != CB_WIRE_CALL_STATE_ENDED)
    return TRUE;
  cb_b2bua_call_side (call, call->placed_by, TRUE, &side);
  return cb_sip_record_journal (changes, &side, NULL, error);
}

typedef struct {
  CbB2buaCall     *call;
  gboolean         caller;
  CbCallEndReason  reason;
} SideLeaves;

static gboolean
record_leaving (CbChanges  *changes,
                gpointer    data,
                GError    **error)
{
  SideLeaves *leaving = data;
  CbB2buaCall *call = leaving->call;
  CbWireCall side;

  cb_b2bua_call_side (call, leaving->caller ? call->caller_id : call->callee_id, leaving->caller, &side);
  side.state = CB_WIRE_CALL_STATE_ENDED;
  side.end_reason = leaving->reason;
  side.conference = NULL;
  return cb_sip_record_call_event (changes, &side, error) &&
         cb_sip_record_journal_outcome (changes, &side, NULL, cb_sip_call_side_outcome (&side, NULL, FALSE),
                                        error);
}

void
cb_b2bua_call_side_leaves (CbB2buaCall     *call,
                           gboolean         caller,
                           CbCallEndReason  reason)
{
  CbSipServer *server = call->b2bua->server;
  SideLeaves leaving = { call, caller, reason };
  gint64 user_id = caller ? call->caller_id : call->callee_id;
  g_autoptr(GError) error = NULL;

  if (caller ? call->caller_left : call->callee_left)
    return;
  if (user_id > 0 && !cb_changes_run (cb_sip_server_get_changes (server), record_leaving, NULL, &leaving,
                                      &error))
    g_warning ("Could not record the end of call %s for user %" G_GINT64_FORMAT ": %s", call->id,
               user_id, error->message);
  cb_b2bua_call_set_left (call, caller);
  if (user_id > 0)
    cb_sip_server_update_line_state (server, user_id);
}

/* Every state change is a "call" event for each user in the call; the
 * end also writes their journal entries with their "journal" events in
 * the same transaction, so a crash right after cannot lose one. */
gboolean
cb_b2bua_call_record (CbChanges  *changes,
                      gpointer    data,
                      GError    **error)
{
  CbB2buaCall *call = data;

  return record_side (changes, call, TRUE, error) && record_side (changes, call, FALSE, error) &&
         record_rung (changes, call, error) && record_placed_by (changes, call, error) &&
         cb_sip_assistants_record (changes, call, error) &&
         cb_sip_recovery_record (changes, call, error);
}
