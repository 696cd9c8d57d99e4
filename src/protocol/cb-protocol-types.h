/* cb-protocol-types.h: the enums every part of Callboard shares
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Their JSON form is the enum nick (CB_LINE_STATE_ON_HOLD is "on-hold"):
 * see cb_enum_to_nick() and cb_enum_from_nick().
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CB_API_PREFIX "/api/v1"

/* Manual availability a user chooses. */
typedef enum {
  CB_AVAILABILITY_AVAILABLE,
  CB_AVAILABILITY_AWAY,
  CB_AVAILABILITY_BUSY,
  CB_AVAILABILITY_DND,
  CB_AVAILABILITY_OFFLINE,
} CbAvailability;

/* State of a user's telephone line, derived from calls. */
typedef enum {
  CB_LINE_STATE_IDLE,
  CB_LINE_STATE_RINGING,
  CB_LINE_STATE_BUSY,
  CB_LINE_STATE_ON_HOLD,
  CB_LINE_STATE_OFFLINE,
} CbLineState;

/* Agent status decides who receives queue calls: only AVAILABLE does. */
typedef enum {
  CB_AGENT_STATUS_AVAILABLE,
  CB_AGENT_STATUS_NOT_AVAILABLE,
  CB_AGENT_STATUS_WRAP_UP,
  CB_AGENT_STATUS_LOGGED_IN,
  CB_AGENT_STATUS_LOGGED_OUT,
} CbAgentStatus;

/* What one user may see of another; each level adds to the one before. */
typedef enum {
  CB_LEVEL_NONE,      /* nothing */
  CB_LEVEL_PUBLIC,    /* directory entry and availability */
  CB_LEVEL_BUSINESS,  /* line state (BLF lamps) */
  CB_LEVEL_TEAM,      /* call details, group logins, agent status, pickup */
  CB_LEVEL_PERSONAL,  /* journal and private notes */
} CbLevel;

/* An assistant group's leader is the person assisted; its members are
 * the assistants, who log into it like into a hunt group. */
typedef enum {
  CB_GROUP_KIND_AUTHORISATION,
  CB_GROUP_KIND_HUNT,
  CB_GROUP_KIND_ASSISTANT,
} CbGroupKind;

typedef enum {
  CB_RING_STRATEGY_PARALLEL,
  CB_RING_STRATEGY_SEQUENTIAL,
  CB_RING_STRATEGY_QUEUE,
} CbRingStrategy;

/* Whom the calls to an assistant group's leader ring while the group's
 * filter is on ("first": the others after the group's filter_delay). */
typedef enum {
  CB_ASSISTANT_FILTER_LEADER_ONLY,
  CB_ASSISTANT_FILTER_ASSISTANTS_ONLY,
  CB_ASSISTANT_FILTER_ASSISTANTS_FIRST,
  CB_ASSISTANT_FILTER_LEADER_FIRST,
  CB_ASSISTANT_FILTER_ALL,
} CbAssistantFilter;

/* The order in which a queue offers a waiting caller to its agents. */
typedef enum {
  CB_QUEUE_ORDER_RING_ALL,
  CB_QUEUE_ORDER_TOP_DOWN,
  CB_QUEUE_ORDER_ROUND_ROBIN,
  CB_QUEUE_ORDER_LONGEST_IDLE,
  CB_QUEUE_ORDER_FEWEST_CALLS,
} CbQueueOrder;

/* A person with a client, or a DeviceOnly SIP phone. */
typedef enum {
  CB_USER_KIND_USER,
  CB_USER_KIND_DEVICE,
} CbUserKind;

/* What a busy lamp field key points at: a colleague or a DeviceOnly
 * phone (both users; the lamp is their line state), a hunt group (the
 * lamp: calls ringing or waiting in it) or a plain number (speed dial,
 * no lamp). */
typedef enum {
  CB_BLF_KEY_KIND_USER,
  CB_BLF_KEY_KIND_GROUP,
  CB_BLF_KEY_KIND_NUMBER,
} CbBlfKeyKind;

/* The events of the WebSocket stream; the nick is the frame's "type".
 * Who receives each is cb_wire_event_audience()'s answer. */
typedef enum {
  CB_EVENT_TYPE_PRESENCE,
  CB_EVENT_TYPE_LINE_STATE,
  CB_EVENT_TYPE_AGENT_STATUS,
  CB_EVENT_TYPE_GROUP_LOGIN,
  CB_EVENT_TYPE_USER,
  CB_EVENT_TYPE_GROUP,
  CB_EVENT_TYPE_FAVOURITES,
  CB_EVENT_TYPE_MONITOR,
  CB_EVENT_TYPE_CALL,
  CB_EVENT_TYPE_JOURNAL,
  CB_EVENT_TYPE_QUEUE_STATS,
  CB_EVENT_TYPE_RESYNC,
  CB_EVENT_TYPE_BLF,
  CB_EVENT_TYPE_GROUP_CALLS,
  CB_EVENT_TYPE_JOURNAL_SEEN,
} CbEventType;

/* A call as one side sees it: placed ("out") or received ("in"). */
typedef enum {
  CB_CALL_DIRECTION_IN,
  CB_CALL_DIRECTION_OUT,
} CbCallDirection;

/* How a call ended for one user: their journal entry's "outcome". */
typedef enum {
  CB_CALL_OUTCOME_ANSWERED,     /* talked */
  CB_CALL_OUTCOME_MISSED,       /* rang here; nobody took it */
  CB_CALL_OUTCOME_TAKEN,        /* rang here; a colleague took it (group call, pickup) */
  CB_CALL_OUTCOME_DECLINED,     /* rang here; this user declined it */
  CB_CALL_OUTCOME_CANCELLED,    /* placed; given up before an answer */
  CB_CALL_OUTCOME_BUSY,         /* placed; not reached: busy */
  CB_CALL_OUTCOME_REJECTED,     /* placed; not reached: declined or refused */
  CB_CALL_OUTCOME_UNREACHABLE,  /* placed; not reached: nothing registered, no answer */
  CB_CALL_OUTCOME_NOT_FOUND,    /* placed; not reached: no such number */
} CbCallOutcome;

/* Why a call ended: the last "call" event's and the journal entry's
 * "end_reason" (null while it goes on, or when an older server did not
 * say). Not reached: busy, declined, not found, unreachable, rejected. */
typedef enum {
  CB_CALL_END_REASON_UNKNOWN,       /* null on the wire */
  CB_CALL_END_REASON_COMPLETED,     /* answered, then hung up */
  CB_CALL_END_REASON_CANCELLED,     /* the caller gave up before an answer */
  CB_CALL_END_REASON_BUSY,          /* the callee was busy (486, 600) */
  CB_CALL_END_REASON_DECLINED,      /* the callee refused it while free (603, or their phone's 486) */
  CB_CALL_END_REASON_NOT_FOUND,     /* no such number (404) */
  CB_CALL_END_REASON_UNREACHABLE,   /* nothing registered, no answer, no route (480, 408, 503) */
  CB_CALL_END_REASON_REJECTED,      /* refused otherwise (403 and other failures) */
  CB_CALL_END_REASON_TRANSFERRED,   /* forwarded or transferred: it goes on as another call */
  CB_CALL_END_REASON_CONFERENCE,    /* joined into a conference, which goes on as another call */
  CB_CALL_END_REASON_SERVER_RESTART, /* the server stopped during it and ended it when it came back */
} CbCallEndReason;

/* A call's state on the server (the client folds more into its own
 * CbCallState: dialling, held here or there). */
typedef enum {
  CB_WIRE_CALL_STATE_RINGING,
  CB_WIRE_CALL_STATE_CONNECTED,
  CB_WIRE_CALL_STATE_HELD,
  CB_WIRE_CALL_STATE_ENDED,
} CbWireCallState;

G_END_DECLS
