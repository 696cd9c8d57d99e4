/* cb-sip-call-events.c: one user's side of a call as its "call" event and journal entry
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one place the SIP side maps a call to JSON: the members follow
 * CbWireCall (src/protocol/cb-wire-call.h) one to one, so that its codec
 * can take over here without the callers changing.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include "cb-sip-call-events.h"

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
  json_object_set_boolean_member (data, "picked_up", side->picked_up);
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
  };

  return cb_changes_record_journal (changes, &entry, error);
}
