/* cb-sip-queue.h: queue groups in callboardd: waiting callers, hold music, offers to agents, wrap-up
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The queue owns a caller from its INVITE until an agent's phone answers:
 * it answers with the hold music endpoint's SDP, rings agents with the
 * caller's offer, and hands both answered dialogs to the B2BUA, which
 * re-INVITEs the caller with the agent's answer. The B2BUA's side of that
 * contract is at the end of this header.
 */

#pragma once

#include "cb-sip-server-private.h"

G_BEGIN_DECLS

#define CB_TYPE_SIP_QUEUE (cb_sip_queue_get_type ())
G_DECLARE_FINAL_TYPE (CbSipQueue, cb_sip_queue, CB, SIP_QUEUE, GObject)

/* The server owns the queue and outlives it; made once it started. */
CbSipQueue *cb_sip_queue_new            (CbSipServer *server);
/* An INVITE to a queue group's number (authenticated, caller_id its
 * user). FALSE, with nothing answered, when nobody is logged into the
 * group: route it like any hunt group then (overflow or busy). */
gboolean    cb_sip_queue_incoming       (CbSipQueue          *self,
                                         const CbSipInvite   *invite,
                                         const CbGroupRecord *group);
/* Events of handles whose magic is CB_SIP_MAGIC_QUEUE. */
void        cb_sip_queue_event          (CbSipQueue       *self,
                                         const CbSipEvent *event);
/* Something that decides whether the user can take queue calls changed
 * (agent status, login, registration, a call); 0: anyone. Cheap: the
 * queues look again from the main loop. */
void        cb_sip_queue_agent_changed  (CbSipQueue *self,
                                         gint64      user_id);
/* RINGING while offered a queue call, BUSY while waiting in a queue,
 * else OFFLINE (nothing to say). */
CbLineState cb_sip_queue_line_state     (CbSipQueue *self,
                                         gint64      user_id);
/* Lets go of every dialog before the stack shuts down. */
void        cb_sip_queue_shutdown       (CbSipQueue *self);

/* The B2BUA's side (cb-sip-b2bua.c, and cb-sip-hunt.c for the overflow). */

/* Runs once when the agent's part of a queue call ends (hang-up,
 * forward, transfer); the call frees `data` with `free` after that, or
 * when it is dropped without ending (server shutdown). */
typedef struct {
  void           (*func) (gpointer data);
  gpointer         data;
  GDestroyNotify   free;
} CbSipCallEnded;

/* A call overflowing from a hunt group into the queue: `caller` is its
 * INVITE, not answered yet (only nh, sdp (the offer), call_id, contact
 * and remote count); the queue answers it and owns the handle. FALSE,
 * with nothing changed, when nobody is logged into the group. */
gboolean    cb_sip_queue_take           (CbSipQueue          *self,
                                         const CbSipDialog   *caller,
                                         gint64               caller_id,
                                         const char          *number,
                                         const CbGroupRecord *group);

/* A connected call to the group's number between the caller and the
 * agent whose phone answered the caller's offer; the caller is
 * re-INVITEd with the agent's answer. The agents in caller->rung get
 * journal entries saying who took it; `ended` tells the queue when the
 * agent's part ends. */
void        cb_sip_b2bua_queue_connect  (CbSipB2bua              *self,
                                         const CbSipQueuedCaller *caller,
                                         gint64                   agent_id,
                                         const CbSipDialog       *agent,
                                         const CbSipCallEnded    *ended);
/* The answered caller goes to `number` (the group's overflow) as a
 * forward does: an extension, a hunt group (ringing by its strategy, with
 * its own overflow and the loop guard) or a number over the trunk; FALSE,
 * with nothing changed, when nobody is there or it is a queue. */
gboolean    cb_sip_b2bua_queue_redirect (CbSipB2bua              *self,
                                         const CbSipQueuedCaller *caller,
                                         const char              *number);

G_END_DECLS
