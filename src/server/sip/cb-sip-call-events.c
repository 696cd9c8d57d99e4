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
#include "cb-sip-hunt.h"

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

static void
set_id (JsonObject *data,
        const char *member,
        gint64      id)
{
  if (id > 0)
    json_object_set_int_member (data, member, id);
  else
    json_object_set_null_member (data, member);
}

static void
set_string (JsonObject *data,
            const char *member,
            const char *value)
{
  if (value != NULL)
    json_object_set_string_member (data, member, value);
  else
    json_object_set_null_member (data, member);
}

JsonObject *
cb_sip_call_event_data (const CbWireCall *side)
{
  const CbWireParty *remote = cb_sip_call_side_remote (side);
  JsonObject *data = json_object_new ();

  json_object_set_string_member (data, "call_id", side->call_id);
  json_object_set_string_member (data, "state", cb_enum_to_nick (CB_TYPE_WIRE_CALL_STATE, side->state));
  json_object_set_int_member (data, "user_id", side->user_id);
  json_object_set_string_member (data, "direction",
                                 cb_enum_to_nick (CB_TYPE_CALL_DIRECTION, side->direction));
  set_string (data, "from", side->from.number);
  set_id (data, "from_user_id", side->from.user_id);
  set_string (data, "to", side->to.number);
  set_id (data, "to_user_id", side->to.user_id);
  set_string (data, "remote_number", remote->number);
  json_object_set_string_member (data, "remote_name", remote->name != NULL ? remote->name : "");
  set_id (data, "remote_user_id", remote->user_id);
  json_object_set_int_member (data, "started_at", side->started_at);
  set_id (data, "answered_at", side->answered_at);
  set_string (data, "device_call_id", side->device_call_id);
  set_string (data, "device", side->device_call_id != NULL ? side->device : NULL);
  if (side->group_id > 0)
    {
      JsonObject *group = json_object_new ();

      json_object_set_int_member (group, "id", side->group_id);
      json_object_set_string_member (group, "name", side->group_name);
      json_object_set_object_member (data, "group", group);
    }
  else
    json_object_set_null_member (data, "group");
  if (side->for_user_id > 0)
    {
      JsonObject *leader = json_object_new ();

      json_object_set_int_member (leader, "user_id", side->for_user_id);
      json_object_set_string_member (leader, "name", side->for_name != NULL ? side->for_name : "");
      json_object_set_object_member (data, "for", leader);
    }
  else
    json_object_set_null_member (data, "for");
  json_object_set_boolean_member (data, "picked_up", side->picked_up);
  if (side->picked_up_from.user_id > 0)
    {
      JsonObject *from = json_object_new ();

      json_object_set_int_member (from, "user_id", side->picked_up_from.user_id);
      json_object_set_string_member (from, "name", side->picked_up_from.name != NULL
                                                   ? side->picked_up_from.name : "");
      json_object_set_object_member (data, "picked_up_from", from);
    }
  else
    json_object_set_null_member (data, "picked_up_from");
  return data;
}

gboolean
cb_sip_record_call_event (CbChanges         *changes,
                          const CbWireCall  *side,
                          GError           **error)
{
  g_autoptr(JsonObject) data = cb_sip_call_event_data (side);

  return cb_changes_record (changes, CB_EVENT_TYPE_CALL, side->user_id, 0, data, error);
}

gboolean
cb_sip_record_journal (CbChanges          *changes,
                       const CbWireCall   *side,
                       const CbWireParty  *taken_by,
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
    .for_user_id = side->for_user_id,
    .for_name = (char *) side->for_name,
    /* Not why a call failed, only whether it was answered here, by a
     * colleague, or by nobody: the reason is not known here. */
    .outcome = cb_wire_journal_guess_outcome (side->direction, side->answered_at,
                                              taken ? taken_by->user_id : 0),
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

  /* The callee hears of a click-to-dial call once their phones ring. */
  if (user_id <= 0 || (!outgoing && !call->forked))
    return TRUE;

  cb_b2bua_call_side (call, user_id, outgoing, &side);
  if (!cb_sip_record_call_event (changes, &side, error))
    return FALSE;
  return call->state != CB_WIRE_CALL_STATE_ENDED || cb_sip_record_journal (changes, &side, NULL, error);
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
          if (!cb_sip_record_journal (changes, &side, &taken_by, error))
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
         cb_sip_assistants_record (changes, call, error);
}
