/* cb-wire-group.h: a group (authorisation, hunt or assistant group, queue) on the wire
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * {"id", "name", "kind",
 *  hunt groups: "number", "strategy", "member_timeout", "wrap_around",
 *               "ring_in_use", "overflow", "pickup_oldest", "ringing",
 *  queues:      "queue_order", "agent_timeout", "max_wait", "wrap_up",
 *               "announcement", "queue_stats": {…},
 *  assistant groups: "filter_enabled", "filter", "filter_delay",
 *               "logout_allowed",
 *  "level", "leader_level", "leader", "deputy",
 *  "members": [{"user_id", "logged_in"}]}
 *
 * Per viewer: members at CB_LEVEL_NONE are left out, "logged_in" only
 * towards members at the level of the "group_logins" field, and a leader
 * or deputy the viewer may not see is null. Whether the viewer may see
 * the group at all is the server's question, asked before.
 */

#pragma once

#include "cb-wire-fields.h"
#include "cb-wire-sink.h"

G_BEGIN_DECLS

/* An assistant group's filter_delay unless set, and its range. */
#define CB_WIRE_FILTER_DELAY_DEFAULT 15
#define CB_WIRE_FILTER_DELAY_MIN     1
#define CB_WIRE_FILTER_DELAY_MAX     300

typedef struct {
  gint64   user_id;
  gboolean logged_in;
} CbWireMember;

/* A queue's live figures: waiting now, and answered/abandoned today. */
typedef struct {
  guint   waiting;
  gint64  oldest_waiting_since;   /* unix s, 0: nobody waits */
  guint64 answered;
  guint64 abandoned;
} CbWireQueueStats;

typedef struct {
  gint64              id;
  const char         *name;
  CbGroupKind         kind;
  /* Hunt groups. */
  const char         *number;
  CbRingStrategy      strategy;
  guint               member_timeout;
  gboolean            wrap_around;
  gboolean            ring_in_use;
  const char         *overflow;
  gboolean            pickup_oldest;
  guint               ringing;       /* calls ringing at its members now (live) */
  /* Queues (strategy queue). */
  CbQueueOrder        queue_order;
  guint               agent_timeout;
  guint               max_wait;
  guint               wrap_up;
  gboolean            announcement;
  CbWireQueueStats    queue_stats;
  /* Assistant groups: the leader is the person assisted. */
  gboolean            filter_enabled;
  CbAssistantFilter   filter;
  guint               filter_delay;  /* seconds, for the "first" filters */
  gboolean            logout_allowed;
  CbLevel             level;
  CbLevel             leader_level;
  gint64              leader_id;     /* 0: none */
  gint64              deputy_id;     /* 0: none */
  const CbWireMember *members;       /* in ringing order */
  guint               n_members;
} CbWireGroup;

/* viewer NULL: everything, every member with logged_in (the event log's form). */
void         cb_wire_group_write       (CbWireSink         *sink,
                                        const CbWireGroup  *group,
                                        const CbWireViewer *viewer);
JsonObject  *cb_wire_group_to_json     (const CbWireGroup  *group,
                                        const CbWireViewer *viewer);
/* Reads a group object; members whose login was not shown read as not
 * logged in with *login_known (per member: cb_wire_group_login_known()) FALSE.
 * Members may also be plain ids (the admin API's form): login unknown.
 * Only "id" is required; assistant fields left out read as a new group
 * has them (filter off, assistants-first, 15 s, logging out allowed).
 * cb_wire_group_login_known() and
 * cb_wire_group_free() take only groups this returned. */
CbWireGroup *cb_wire_group_from_json   (JsonObject         *object,
                                        GError            **error);
gboolean     cb_wire_group_login_known (const CbWireGroup  *group,
                                        guint               index);
void         cb_wire_group_free        (CbWireGroup        *group);

/* {"waiting", "oldest_waiting_since", "answered", "abandoned"}, and with
 * group_id > 0 "group_id" first: the data of a "queue-stats" event. */
void         cb_wire_queue_stats_write   (CbWireSink             *sink,
                                          gint64                  group_id,
                                          const CbWireQueueStats *stats);
JsonObject  *cb_wire_queue_stats_to_json (gint64                  group_id,
                                          const CbWireQueueStats *stats);
gboolean     cb_wire_queue_stats_from_json (JsonObject           *object,
                                            gint64               *group_id,
                                            CbWireQueueStats     *stats,
                                            GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbWireGroup, cb_wire_group_free)

G_END_DECLS
