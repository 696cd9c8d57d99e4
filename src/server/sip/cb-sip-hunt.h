/* cb-sip-hunt.h: hunt groups: who a group call rings, in what order, and where it overflows
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The B2BUA owns calls and legs; hunting decides who a group call rings
 * next and what happens when nobody takes it. The B2BUA core tells it
 * when a fork answered or failed.
 */

#pragma once

#include "cb-sip-b2bua-private.h"

G_BEGIN_DECLS

/* Sequential hunting with wrap_around goes round at most this often. */
#define CB_SIP_HUNT_MAX_ROUNDS 3

/* A call overflows through at most this many groups. */
#define CB_SIP_HUNT_MAX_OVERFLOWS 8

/* A group call's routing state, owned by its call. */
struct _CbSipGroupCall {
  gint64          group_id;
  char           *group_name;
  CbRingStrategy  strategy;
  guint           member_timeout;  /* seconds */
  gboolean        wrap_around;
  gboolean        ring_in_use;
  char           *overflow;        /* NULL: busy when nobody takes it */
  GArray         *order;           /* gint64 member ids, ringing order at call start */
  guint           position;        /* sequential: index of the member ringing now */
  guint           steps;           /* sequential: members tried so far */
  gboolean        overflowed;      /* the overflow number rings now */
  guint           timer_id;        /* sequential: the member timeout */
  GArray         *visited;         /* gint64 ids of the groups it was routed to */
};

/* The group's settings and member order as the call starts. */
CbSipGroupCall *cb_sip_group_call_new   (const CbGroupRecord *group);
void            cb_sip_group_call_free  (CbSipGroupCall *group_call);

/* An INVITE to a hunt group's number, or to a queue nobody is logged
 * into: a new call that rings the group's members by its strategy. */
void            cb_sip_hunt_new_call    (CbSipB2bua          *b2bua,
                                         const CbSipInvite   *invite,
                                         const CbGroupRecord *group);
/* A call to a user diverted to a hunt group's (or queue's) number: it is
 * the group's call from now on, ringing by its strategy (a queue takes
 * the caller while its INVITE is unanswered). Publishes the call. */
void            cb_sip_hunt_divert      (CbB2buaCall         *call,
                                         const CbGroupRecord *group);
/* A fork answered: the hunt is over. */
void            cb_sip_hunt_answered    (CbB2buaCall *call);
/* Every fork of the member(s) ringing now failed: the next member, the
 * overflow, or busy. FALSE when the call's own ending applies (not a
 * group call, or its overflow failed too). */
gboolean        cb_sip_hunt_fork_failed (CbB2buaCall *call);
/* A group member (or picker) hangs up a call ringing at them: only their
 * phones stop; the hunt goes on as if they had refused it. Returns the
 * call as they see it, ended. */
JsonObject     *cb_sip_hunt_decline     (CbB2buaCall *call,
                                         gint64       user_id);

G_END_DECLS
