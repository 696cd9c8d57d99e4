/* cb-sip-assistants.h: assistants and their leaders in the call routing: call as, call for, the filter, breakthrough
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An assistant logged into an assistant group (its members are the
 * assistants, its leader the person assisted) may place calls as the
 * leader ("call as"), is offered the leader's calls by the leader's
 * filter ("call for"), and breaks through the leader's diversions and
 * do-not-disturb with calls and transfers to them (boss–secretary).
 */

#pragma once

#include "cb-sip-b2bua-private.h"

G_BEGIN_DECLS

/* The header a client's own INVITE asks "call as" with: the leader's
 * user id. Only from one of our users' phones (digest authenticated), and
 * only for a leader they are logged in as an assistant of. */
#define CB_SIP_HEADER_CALL_AS "X-Callboard-As"

/* Whether assistant_id, logged into an assistant group of leader_id,
 * may place calls as the leader and breaks through their diversion. */
gboolean cb_sip_assistants_serves       (CbDirectory *directory,
                                         gint64       assistant_id,
                                         gint64       leader_id);

/* The leader the INVITE asks to call as (CB_SIP_HEADER_CALL_AS), 0 when
 * it does not ask (or came over the trunk); -1 when it asks for one the
 * caller may not: answered 403 and dropped. */
gint64   cb_sip_assistants_invite_as    (CbSipServer       *server,
                                         const CbSipInvite *invite);

/* The caller as the call presents them to everyone else: the leader of a
 * call placed as them, else the caller (number and name borrowed). */
void     cb_sip_assistants_presented    (CbB2buaCall *call,
                                         CbWireParty *party);
/* The leader user_id's side of the call is for (its "for"), 0 when none:
 * the leader an assistant places it as, or whose call it is offered to
 * them or was taken by them. */
gint64   cb_sip_assistants_for          (CbB2buaCall *call,
                                         gint64       user_id);

/* Who the leader's filter offers a call to them. */
typedef struct {
  CbAssistantFilter  strategy;
  guint              delay;       /* seconds, for the "first" strategies */
  GArray            *assistants;  /* gint64: logged in, registered, not in do-not-disturb */
} CbSipFilterPlan;

/* The filter of the leader's assistant groups (the first by id that is on
 * and has an assistant to ring decides; the assistants of every such
 * group ring). FALSE, with plan cleared, when it rings the leader alone:
 * no filter on, "leader-only", or no assistant to ring. */
gboolean cb_sip_assistants_plan         (CbB2buaCall     *call,
                                         gint64           leader_id,
                                         CbSipFilterPlan *plan);
void     cb_sip_filter_plan_clear       (CbSipFilterPlan *plan);
/* Whether the leader's filter has an assistant to offer a call to now. */
gboolean cb_sip_assistants_reachable    (CbSipServer     *server,
                                         gint64           leader_id);

/* Inside a CbChanges transaction (with cb_b2bua_call_record()): the
 * leader's journal entry of an ended call an assistant placed as them,
 * taken_by the assistant. */
gboolean cb_sip_assistants_record       (CbChanges    *changes,
                                         CbB2buaCall  *call,
                                         GError      **error);

/* Feature codes (cb-sip-feature-codes.c). leader_number: the leader's
 * extension, or "" for every such group. Answered with 603 and the
 * outcome as the phrase, 403 or 404. */
void     cb_sip_assistants_login_code   (CbSipServer  *server,
                                         nua_handle_t *nh,
                                         gint64        caller_id,
                                         const char   *leader_number,
                                         gboolean      logged_in);
void     cb_sip_assistants_filter_code  (CbSipServer  *server,
                                         nua_handle_t *nh,
                                         gint64        caller_id,
                                         const char   *leader_number,
                                         gboolean      enabled);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CbSipFilterPlan, cb_sip_filter_plan_clear)

G_END_DECLS
