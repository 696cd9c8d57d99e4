/* cb-queue-dispatcher.h: which waiting caller a queue offers to which agent, and when
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "cb-clock.h"
#include "cb-protocol.h"

G_BEGIN_DECLS

#define CB_TYPE_QUEUE_DISPATCHER (cb_queue_dispatcher_get_type ())
G_DECLARE_FINAL_TYPE (CbQueueDispatcher, cb_queue_dispatcher, CB, QUEUE_DISPATCHER, GObject)

/* Pure distribution logic, no SIP: callers are opaque non-zero ids, agents
 * user ids. The owner reports what happens (an agent became ready, an
 * offer failed or was answered, a caller hung up) and acts on the signals:
 *   ::offer (caller, agent)  ring this agent for this caller;
 *   ::withdraw (caller)      stop ringing every agent for it (ring timeout);
 *   ::overflow (caller)      the maximum wait passed: the caller has left
 *                            the queue, send it to the overflow destination.
 * Callers are served first come, first served. Timers are GLib timeouts;
 * the idle times of longest-idle come from the clock. */
CbQueueDispatcher *cb_queue_dispatcher_new              (void);

/* The clock for idle times; NULL (the default): the system clock. Set it
 * before adding agents. */
void               cb_queue_dispatcher_set_clock        (CbQueueDispatcher *self,
                                                         CbClock           *clock);

void               cb_queue_dispatcher_set_order        (CbQueueDispatcher *self,
                                                         CbQueueOrder       order);
/* 0: no limit. */
void               cb_queue_dispatcher_set_timeouts     (CbQueueDispatcher *self,
                                                         guint              agent_timeout_ms,
                                                         guint              max_wait_ms);
/* The members in list order (top-down and round-robin follow it; it
 * breaks ties otherwise). Agents that stay keep their history. */
void               cb_queue_dispatcher_set_agents       (CbQueueDispatcher *self,
                                                         const gint64      *agent_ids,
                                                         guint              n_agents);
/* Ready: may take a call now (Available, logged in, reachable, not on
 * the phone). An agent ringing for this queue stays offered whatever it
 * is told here. */
void               cb_queue_dispatcher_set_agent_ready  (CbQueueDispatcher *self,
                                                         gint64             agent_id,
                                                         gboolean           ready);

void               cb_queue_dispatcher_add_caller       (CbQueueDispatcher *self,
                                                         guint64            caller);
/* Forgets the caller (hung up); its ringing agents are free again, the
 * owner cancels their rings itself. */
void               cb_queue_dispatcher_remove_caller    (CbQueueDispatcher *self,
                                                         guint64            caller);
/* This agent's phones refused or could not be reached. */
void               cb_queue_dispatcher_offer_failed     (CbQueueDispatcher *self,
                                                         guint64            caller,
                                                         gint64             agent_id);
/* The agent took the call: the caller leaves the queue; the other agents
 * ringing for it are free again (the owner cancels their rings). */
void               cb_queue_dispatcher_answered         (CbQueueDispatcher *self,
                                                         guint64            caller,
                                                         gint64             agent_id);

guint              cb_queue_dispatcher_get_n_waiting    (CbQueueDispatcher *self);
gboolean           cb_queue_dispatcher_has_caller       (CbQueueDispatcher *self,
                                                         guint64            caller);
/* The caller an agent is ringing for, 0 when none. */
guint64            cb_queue_dispatcher_offered_to       (CbQueueDispatcher *self,
                                                         gint64             agent_id);
/* Calls the agent took from this queue. */
guint              cb_queue_dispatcher_get_agent_calls  (CbQueueDispatcher *self,
                                                         gint64             agent_id);

G_END_DECLS
