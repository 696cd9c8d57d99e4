/* cb-wire-call.c: one side of a call on the wire (the data of a "call" event)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-wire"

#include "cb-protocol-enums.h"
#include "cb-protocol-json.h"
#include "cb-wire-call.h"
#include "cb-wire-private.h"

/* What cb_wire_call_from_json() returns: the strings point into object. */
typedef struct {
  CbWireCall        call;
  JsonObject       *object;
  CbWireConference  conference;
  GArray           *parties;     /* CbWireParty of conference, or NULL */
} CallRead;

/* Who nobody may learn of: no number, no name, no id. */
static const CbWireParty hidden_party = { 0, "", "" };

const CbWireParty *
cb_wire_call_remote (const CbWireCall *call)
{
  return call->direction == CB_CALL_DIRECTION_OUT ? &call->to : &call->from;
}

static const CbWireParty *
as_seen (const CbWireParty  *party,
         const CbWireViewer *viewer)
{
  return cb_wire_viewer_may_see (viewer, party->user_id) ? party : &hidden_party;
}

void
cb_wire_call_write (CbWireSink         *sink,
                    const CbWireCall   *call,
                    const CbWireViewer *viewer)
{
  const CbWireParty *from = as_seen (&call->from, viewer);
  const CbWireParty *to = as_seen (&call->to, viewer);
  const CbWireParty *remote = call->direction == CB_CALL_DIRECTION_OUT ? to : from;

  cb_wire_sink_begin_object (sink);
  cb_wire_sink_put_string (sink, "call_id", call->call_id);
  cb_wire_sink_put_nick (sink, "state", CB_TYPE_WIRE_CALL_STATE, call->state);
  cb_wire_sink_put_int (sink, "user_id", call->user_id);
  cb_wire_sink_put_nick (sink, "direction", CB_TYPE_CALL_DIRECTION, call->direction);
  cb_wire_sink_put_string (sink, "from", from->number);
  cb_wire_sink_put_id (sink, "from_user_id", from->user_id);
  cb_wire_sink_put_string (sink, "to", to->number);
  cb_wire_sink_put_id (sink, "to_user_id", to->user_id);
  cb_wire_sink_put_string (sink, "remote_number", remote->number);
  cb_wire_sink_put_string (sink, "remote_name", remote->name);
  cb_wire_sink_put_id (sink, "remote_user_id", remote->user_id);
  cb_wire_sink_put_int (sink, "started_at", call->started_at);
  cb_wire_sink_put_id (sink, "answered_at", call->answered_at);

  /* device_call_id names this side's own dialog; device the kind of line
   * it is on, only when there is such a dialog. */
  cb_wire_sink_member (sink, "device_call_id");
  if (call->device_call_id != NULL)
    cb_wire_sink_string (sink, call->device_call_id);
  else
    cb_wire_sink_null (sink);
  cb_wire_sink_member (sink, "device");
  if (call->device_call_id != NULL && call->device != NULL)
    cb_wire_sink_string (sink, call->device);
  else
    cb_wire_sink_null (sink);

  cb_wire_sink_member (sink, "group");
  if (call->group_id > 0)
    {
      cb_wire_sink_begin_object (sink);
      cb_wire_sink_put_int (sink, "id", call->group_id);
      cb_wire_sink_put_string (sink, "name", call->group_name);
      cb_wire_sink_end_object (sink);
    }
  else
    cb_wire_sink_null (sink);

  /* Nobody is named to a viewer who may not see them. */
  cb_wire_sink_member (sink, "for");
  if (call->for_user_id > 0 && cb_wire_viewer_may_see (viewer, call->for_user_id))
    {
      cb_wire_sink_begin_object (sink);
      cb_wire_sink_put_int (sink, "user_id", call->for_user_id);
      cb_wire_sink_put_string (sink, "name", call->for_name);
      cb_wire_sink_end_object (sink);
    }
  else
    cb_wire_sink_null (sink);
  cb_wire_sink_put_bool (sink, "picked_up", call->picked_up);
  _cb_wire_put_colleague (sink, "picked_up_from", call->picked_up_from.user_id,
                          call->picked_up_from.name, viewer);
  _cb_wire_put_party (sink, "forwarded_to", &call->forwarded_to, viewer);

  cb_wire_sink_member (sink, "end_reason");
  if (call->state == CB_WIRE_CALL_STATE_ENDED && call->end_reason != CB_CALL_END_REASON_UNKNOWN)
    cb_wire_sink_string (sink, _cb_wire_nick (CB_TYPE_CALL_END_REASON, call->end_reason));
  else
    cb_wire_sink_null (sink);

  /* Parties the viewer may not see are in it without a name. */
  cb_wire_sink_member (sink, "conference");
  if (call->conference != NULL)
    {
      cb_wire_sink_begin_object (sink);
      cb_wire_sink_put_string (sink, "id", call->conference->id);
      cb_wire_sink_member (sink, "parties");
      cb_wire_sink_begin_array (sink);
      for (guint i = 0; i < call->conference->n_parties; i++)
        _cb_wire_put_party_object (sink, &call->conference->parties[i], viewer);
      cb_wire_sink_end_array (sink);
      cb_wire_sink_end_object (sink);
    }
  else
    cb_wire_sink_null (sink);
  cb_wire_sink_put_bool (sink, "encrypted", call->encrypted);
  cb_wire_sink_end_object (sink);
}

static void
write_call (CbWireSink    *sink,
            gconstpointer  call,
            gconstpointer  viewer)
{
  cb_wire_call_write (sink, call, viewer);
}

JsonObject *
cb_wire_call_to_json (const CbWireCall   *call,
                      const CbWireViewer *viewer)
{
  g_return_val_if_fail (call != NULL, NULL);
  return cb_wire_build_object (write_call, call, viewer);
}

static gboolean
read_group (JsonObject  *object,
            CbWireCall  *call,
            GError     **error)
{
  JsonObject *group = NULL;

  if (!_cb_wire_get_nullable_object (object, "group", &group, error))
    return FALSE;
  if (group == NULL)
    return TRUE;
  if (!cb_json_get_int (group, "id", TRUE, &call->group_id, error) ||
      !cb_json_get_string (group, "name", FALSE, &call->group_name, error))
    {
      g_prefix_error (error, "In “group”: ");
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_for (JsonObject  *object,
          CbWireCall  *call,
          GError     **error)
{
  JsonObject *leader = NULL;

  if (!_cb_wire_get_nullable_object (object, "for", &leader, error))
    return FALSE;
  if (leader == NULL)
    return TRUE;
  if (!cb_json_get_int (leader, "user_id", TRUE, &call->for_user_id, error) ||
      !cb_json_get_string (leader, "name", FALSE, &call->for_name, error))
    {
      g_prefix_error (error, "In “for”: ");
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_end_reason (JsonObject  *object,
                 CbWireCall  *call,
                 GError     **error)
{
  const char *nick = NULL;
  int value;

  if (!_cb_wire_get_nullable_string (object, "end_reason", &nick, error))
    return FALSE;
  /* A reason a newer server gives is still an end, for a reason unknown here. */
  if (nick != NULL && cb_enum_from_nick (CB_TYPE_CALL_END_REASON, nick, &value))
    call->end_reason = value;
  return TRUE;
}

static gboolean
read_conference (JsonObject  *object,
                 CallRead    *read,
                 GError     **error)
{
  JsonObject *conference = NULL;
  JsonArray *parties = NULL;

  if (!_cb_wire_get_nullable_object (object, "conference", &conference, error))
    return FALSE;
  if (conference == NULL)
    return TRUE;
  if (!cb_json_get_string (conference, "id", TRUE, &read->conference.id, error) ||
      !_cb_wire_get_array (conference, "parties", &parties, error))
    {
      g_prefix_error (error, "In “conference”: ");
      return FALSE;
    }
  read->parties = g_array_new (FALSE, TRUE, sizeof (CbWireParty));
  for (guint i = 0; parties != NULL && i < json_array_get_length (parties); i++)
    {
      CbWireParty party = { 0, NULL, NULL };
      JsonObject *element = NULL;

      if (!_cb_wire_get_element_object (parties, "parties", i, &element, error) ||
          !_cb_wire_read_party_object (element, &party, error))
        {
          g_prefix_error (error, "In “conference”: ");
          return FALSE;
        }
      g_array_append_val (read->parties, party);
    }
  read->conference.n_parties = read->parties->len;
  read->conference.parties = (const CbWireParty *) read->parties->data;
  read->call.conference = &read->conference;
  return TRUE;
}

CbWireCall *
cb_wire_call_from_json (JsonObject  *object,
                        GError     **error)
{
  CallRead *read;
  CbWireCall *call;
  CbWireParty *remote;
  int state = CB_WIRE_CALL_STATE_RINGING;
  int direction = CB_CALL_DIRECTION_IN;
  const char *remote_number = NULL;
  const char *remote_name = NULL;
  gint64 remote_user_id = 0;

  g_return_val_if_fail (object != NULL, NULL);

  read = g_new0 (CallRead, 1);
  read->object = json_object_ref (object);
  call = &read->call;

  if (!cb_json_get_string (object, "call_id", TRUE, &call->call_id, error) ||
      !cb_json_get_enum (object, "state", CB_TYPE_WIRE_CALL_STATE, TRUE, &state, error) ||
      !cb_json_get_int (object, "user_id", TRUE, &call->user_id, error) ||
      !cb_json_get_enum (object, "direction", CB_TYPE_CALL_DIRECTION, TRUE, &direction, error) ||
      !cb_json_get_string (object, "from", FALSE, &call->from.number, error) ||
      !_cb_wire_get_nullable_int (object, "from_user_id", &call->from.user_id, error) ||
      !cb_json_get_string (object, "to", FALSE, &call->to.number, error) ||
      !_cb_wire_get_nullable_int (object, "to_user_id", &call->to.user_id, error) ||
      !cb_json_get_string (object, "remote_number", FALSE, &remote_number, error) ||
      !cb_json_get_string (object, "remote_name", FALSE, &remote_name, error) ||
      !_cb_wire_get_nullable_int (object, "remote_user_id", &remote_user_id, error) ||
      !cb_json_get_int (object, "started_at", FALSE, &call->started_at, error) ||
      !_cb_wire_get_nullable_int (object, "answered_at", &call->answered_at, error) ||
      !_cb_wire_get_nullable_string (object, "device_call_id", &call->device_call_id, error) ||
      !_cb_wire_get_nullable_string (object, "device", &call->device, error) ||
      !read_group (object, call, error) ||
      !read_for (object, call, error) ||
      !cb_json_get_bool (object, "picked_up", FALSE, &call->picked_up, error) ||
      !_cb_wire_get_colleague (object, "picked_up_from", &call->picked_up_from.user_id,
                               &call->picked_up_from.name, error) ||
      !_cb_wire_get_party (object, "forwarded_to", &call->forwarded_to, error) ||
      !read_end_reason (object, call, error) ||
      !read_conference (object, read, error) ||
      !cb_json_get_bool (object, "encrypted", FALSE, &call->encrypted, error))
    {
      cb_wire_call_free (call);
      return NULL;
    }
  call->state = state;
  call->direction = direction;

  /* The remote party's name is only in remote_name; its id and number
   * there too when an older server left out from_user_id/to_user_id. */
  remote = call->direction == CB_CALL_DIRECTION_OUT ? &call->to : &call->from;
  remote->name = remote_name;
  if (!json_object_has_member (object, call->direction == CB_CALL_DIRECTION_OUT ? "to_user_id"
                                                                                : "from_user_id"))
    remote->user_id = remote_user_id;
  if (remote->number == NULL)
    remote->number = remote_number;
  return call;
}

void
cb_wire_call_free (CbWireCall *call)
{
  CallRead *read = (CallRead *) call;

  if (read == NULL)
    return;
  g_clear_pointer (&read->object, json_object_unref);
  g_clear_pointer (&read->parties, g_array_unref);
  g_free (read);
}

CbWireCall *
cb_wire_call_copy (const CbWireCall *call)
{
  g_autoptr(JsonObject) object = NULL;
  CbWireCall *copy;

  g_return_val_if_fail (call != NULL, NULL);

  /* Through the codec: one place knows every member, and the copy's
   * strings live in the object it keeps. */
  object = cb_wire_call_to_json (call, NULL);
  copy = cb_wire_call_from_json (object, NULL);
  g_return_val_if_fail (copy != NULL, NULL);
  return copy;
}
