/* cb-wire-call.h: one side of a call on the wire (the data of a "call" event)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * {"call_id", "state", "user_id" (whose side), "direction",
 *  "from", "from_user_id", "to", "to_user_id",
 *  "remote_number", "remote_name", "remote_user_id",
 *  "started_at", "answered_at", "device_call_id", "device",
 *  "group": {"id", "name"} | null, "for": {"user_id", "name"} | null,
 *  "picked_up", "picked_up_from": {"user_id", "name"} | null,
 *  "forwarded_to": {"user_id", "number", "name"} | null, "end_reason",
 *  "conference": {"id", "parties": [{"user_id", "number", "name"}]} | null,
 *  "encrypted"}
 *
 * The remote party is `to` for an outgoing side and `from` for an
 * incoming one. Ids are null when the party is not one of our users (a
 * number beyond the trunk, a group), times null when not reached yet.
 *
 * "for" is the assistant group leader the call is for: a call to the
 * leader offered to an assistant ("Call for Dr. Krause"), or one an
 * assistant placed as the leader; null otherwise.
 *
 * "picked_up_from" is set on the side of a user who took the call over
 * by pickup: the colleague it rang at (null otherwise).
 *
 * "forwarded_to" is set on the side of a user who forwarded the call
 * (blind, once connected) or connected its other party to another call
 * of theirs (attended transfer): where it went on to, a colleague, a
 * group or a number beyond the trunk (null otherwise).
 *
 * "end_reason" says why a call ended ("busy", "declined", "not-found",
 * "unreachable", "rejected", "cancelled", "completed", "transferred",
 * "conference", "server-restart"), so a card can say so; null while it
 * goes on. "conference" is set while the call is part of a conference
 * the server mixes: its id (the call of the user who set it up) and
 * everyone in it, this side's own user too.
 *
 * "encrypted" is true while every leg of the call is SRTP (SDES keys
 * agreed over TLS on both sides: the media is encrypted end to end); an
 * older server's call object without it reads as false.
 *
 * Written for a viewer, a party the viewer may not see
 * (cb_wire_viewer_may_see()) loses its number, name and id: the call
 * reads as an internal call without a name. A "for" leader the viewer
 * may not see is null.
 */

#pragma once

#include "cb-wire-fields.h"
#include "cb-wire-sink.h"

G_BEGIN_DECLS

/* Someone at one end of a call. */
typedef struct {
  gint64      user_id;   /* 0: not one of our users */
  const char *number;    /* what was dialled, or the caller's number */
  const char *name;      /* display name, the group's name, or "" */
} CbWireParty;

/* A conference the server mixes, as one of its calls carries it. */
typedef struct {
  const char        *id;          /* the call of the user who set it up */
  guint              n_parties;
  const CbWireParty *parties;     /* everyone in it, in the order they joined */
} CbWireConference;

typedef struct {
  const char      *call_id;
  CbWireCallState  state;
  gint64           user_id;         /* whose side this is */
  CbCallDirection  direction;
  CbWireParty      from;            /* the caller */
  CbWireParty      to;              /* the callee (the group, until a member takes it) */
  gint64           started_at;      /* unix s */
  gint64           answered_at;     /* 0: not answered */
  const char      *device_call_id;  /* the SIP Call-ID of this side's device dialog, or NULL */
  const char      *device;          /* that device's line kind ("softphone", "desk"), or NULL */
  gint64           group_id;        /* 0: not a group call */
  const char      *group_name;
  gboolean         picked_up;
  gint64           for_user_id;     /* the leader it is for; 0: none */
  const char      *for_name;        /* their display name */
  CbWireParty      picked_up_from;  /* this side took it from them (user_id 0: no); no number */
  CbWireParty      forwarded_to;    /* this side sent it on to them (number NULL: no) */
  CbCallEndReason  end_reason;      /* once ended; UNKNOWN before (null on the wire) */
  const CbWireConference *conference; /* NULL: not in a conference */
  gboolean         encrypted;       /* every leg SRTP, end to end */
} CbWireCall;

/* The party on the other side from call->user_id's point of view. */
const CbWireParty *cb_wire_call_remote    (const CbWireCall   *call);

void               cb_wire_call_write     (CbWireSink         *sink,
                                           const CbWireCall   *call,
                                           const CbWireViewer *viewer);
JsonObject        *cb_wire_call_to_json   (const CbWireCall   *call,
                                           const CbWireViewer *viewer);
/* Reads a call object; the result keeps a reference to object. A call
 * object without from_user_id/to_user_id (an older server) reads the
 * remote party's id from remote_user_id. Only the remote party has a
 * name on the wire: the other party's name reads as NULL. An
 * end_reason this build does not know reads as UNKNOWN. Required:
 * call_id, state, user_id, direction. */
CbWireCall        *cb_wire_call_from_json (JsonObject         *object,
                                           GError            **error);
void               cb_wire_call_free      (CbWireCall         *call);
/* A copy that owns everything it points to (free with cb_wire_call_free()),
 * made through the codec: complete whatever members the struct grows;
 * what the wire does not carry (the local party's name) is not copied. */
CbWireCall        *cb_wire_call_copy      (const CbWireCall   *call);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbWireCall, cb_wire_call_free)

G_END_DECLS
