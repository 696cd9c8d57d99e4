/* cb-sip-hunt.h: hunt group routing, pickup and feature codes, for the B2BUA
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The B2BUA owns calls and legs; these files decide who a group call
 * rings next, who may take over a ringing call, and what a dialled
 * feature code does. The B2BUA's side of that contract is at the end of
 * this header.
 */

#pragma once

#include "cb-sip-private.h"

G_BEGIN_DECLS

/* Feature codes a phone dials (documented in doc/PROTOCOL.md). */
#define CB_SIP_CODE_GROUP_LOGIN    "*61"   /* + group number */
#define CB_SIP_CODE_GROUP_LOGOUT   "*62"   /* + group number */
#define CB_SIP_CODE_PICKUP         "*97"   /* + extension */
#define CB_SIP_CODE_GROUP_PICKUP   "*98"

/* Sequential hunting with wrap_around goes round at most this often. */
#define CB_SIP_HUNT_MAX_ROUNDS 3

/* A call overflows through at most this many groups. */
#define CB_SIP_HUNT_MAX_OVERFLOWS 8

/* A group call's routing state, owned by its call. */
typedef struct {
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
} CbSipGroupCall;

/* Someone rung by a call who is not (or no longer) its callee: group
 * members, and the callee a pickup took the call from. */
typedef struct {
  gint64   user_id;
  gboolean ended;       /* their "ended" call event went out */
  gboolean journaled;
} CbSipRung;

/* cb-sip-hunt.c */
const CbGroupRecord *_cb_sip_hunt_find_group  (CbSipRegistrar       *self,
                                               const char           *number);
CbSipGroupCall      *_cb_sip_group_call_new   (const CbGroupRecord  *group);
void                 _cb_sip_group_call_free  (CbSipGroupCall       *group_call);
/* Overflow to another hunt group: the call is that group's call from now
 * on, starting afresh. FALSE (nothing changed) when it was routed there
 * before (a loop) or went through too many groups. */
gboolean             _cb_sip_group_call_overflow_to (CbSipGroupCall      *group_call,
                                                     const CbGroupRecord *group);
/* Logged in, not in do-not-disturb, something registered, and (unless
 * ring_in_use) not in a call. */
gboolean             _cb_sip_hunt_eligible    (CbSipRegistrar       *self,
                                               CbSipGroupCall       *group_call,
                                               gint64                user_id);
/* Parallel: every eligible member, in member order. */
GArray              *_cb_sip_hunt_all_eligible (CbSipRegistrar      *self,
                                                CbSipGroupCall      *group_call);
/* Sequential: the next eligible member after the one ringing now (the
 * first when nobody rang yet), 0 when the hunt is over. */
gint64               _cb_sip_hunt_next        (CbSipRegistrar       *self,
                                               CbSipGroupCall       *group_call,
                                               gboolean              first);

/* cb-sip-pickup.c: may `picker` take over a call ringing at `ringing_user`
 * (group_id: the call's group, 0 if none)? */
gboolean             _cb_sip_pickup_allowed   (CbSipRegistrar       *self,
                                               gint64                picker,
                                               gint64                ringing_user,
                                               gint64                group_id);
/* *98 takes the oldest call instead of the newest when a hunt group the
 * picker belongs to says so. */
gboolean             _cb_sip_pickup_oldest    (CbSipRegistrar       *self,
                                               gint64                picker);

/* cb-sip-feature-codes.c: handles an INVITE to a feature code; FALSE
 * when `number` is not one (nothing was answered). */
gboolean             _cb_sip_feature_code     (CbSipRegistrar       *self,
                                               nua_handle_t         *nh,
                                               const sip_t          *sip,
                                               gint64                caller_id,
                                               const char           *number);

/* The B2BUA's side (cb-sip-b2bua.c). Pickup by INVITE: the picker's
 * INVITE (nh) is answered with a call ringing at `target` (*97), or with
 * target 0 the newest (or oldest) call the picker may take (*98).
 * Answers nh itself, also on failure. */
void                 _cb_sip_b2bua_pickup_invite (CbSipRegistrar    *self,
                                                  nua_handle_t      *nh,
                                                  const sip_t       *sip,
                                                  gint64             picker,
                                                  gint64             target);

G_END_DECLS
