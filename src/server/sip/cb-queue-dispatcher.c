/* cb-queue-dispatcher.c: which waiting caller a queue offers to which agent, and when
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Callers wait in arrival order; each pass gives the oldest caller the
 * first pick of the free agents. Ring-all offers a caller to every free
 * agent at once, the other orders to one agent at a time. An agent that
 * did not answer (or refused) is "tried" for that caller: the next offer
 * goes to someone else, and only once every free agent has been tried and
 * no offer is running does the round start again, so an agent who keeps
 * refusing is asked at most once per ring timeout.
 */

#define G_LOG_DOMAIN "cb-queue"

#include "config.h"

#include "cb-queue-dispatcher.h"
#include "cb-sip-timers.h"

typedef struct {
  gint64   id;
  gboolean ready;
  guint64  offered_to;    /* the caller it rings for, 0: none */
  gint64   idle_since;    /* clock's monotonic µs it last became ready */
  guint    calls;         /* answered from this queue */
  guint    position;      /* in the member list */
} Agent;

typedef struct {
  CbQueueDispatcher *owner;
  guint64            id;
  GArray            *ringing;   /* gint64 agent ids */
  GHashTable        *tried;     /* agent ids */
  guint              ring_id;   /* the current offer's timeout */
  guint              wait_id;   /* the maximum wait */
} Caller;

struct _CbQueueDispatcher
{
  GObject       parent_instance;

  CbClock      *clock;
  CbQueueOrder  order;
  guint         agent_timeout_ms;
  guint         max_wait_ms;
  GPtrArray    *agents;        /* Agent, member order */
  GHashTable   *agent_index;   /* id → Agent */
  GQueue        callers;       /* Caller, arrival order */
  GHashTable   *caller_index;  /* id → GList link in callers */
  gint64        last_offered;  /* round-robin: agent id, 0: none yet */
  gboolean      dispatching;
  gboolean      again;
};

G_DEFINE_FINAL_TYPE (CbQueueDispatcher, cb_queue_dispatcher, G_TYPE_OBJECT)

enum {
  SIGNAL_OFFER,
  SIGNAL_WITHDRAW,
  SIGNAL_OVERFLOW,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void dispatch (CbQueueDispatcher *self);

static void
caller_free (Caller *caller)
{
  g_clear_handle_id (&caller->ring_id, cb_sip_timeout_remove);
  g_clear_handle_id (&caller->wait_id, cb_sip_timeout_remove);
  g_array_unref (caller->ringing);
  g_hash_table_unref (caller->tried);
  g_free (caller);
}

static void
cb_queue_dispatcher_finalize (GObject *object)
{
  CbQueueDispatcher *self = CB_QUEUE_DISPATCHER (object);

  g_queue_clear_full (&self->callers, (GDestroyNotify) caller_free);
  g_hash_table_unref (self->caller_index);
  g_hash_table_unref (self->agent_index);
  g_ptr_array_unref (self->agents);
  g_clear_object (&self->clock);
  G_OBJECT_CLASS (cb_queue_dispatcher_parent_class)->finalize (object);
}

static void
cb_queue_dispatcher_class_init (CbQueueDispatcherClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cb_queue_dispatcher_finalize;

  signals[SIGNAL_OFFER] =
    g_signal_new ("offer", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_INT64);
  signals[SIGNAL_WITHDRAW] =
    g_signal_new ("withdraw", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT64);
  signals[SIGNAL_OVERFLOW] =
    g_signal_new ("overflow", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT64);
}

static void
cb_queue_dispatcher_init (CbQueueDispatcher *self)
{
  self->clock = g_object_ref (cb_clock_get_system ());
  self->order = CB_QUEUE_ORDER_RING_ALL;
  self->agents = g_ptr_array_new_with_free_func (g_free);
  self->agent_index = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->caller_index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_queue_init (&self->callers);
}

CbQueueDispatcher *
cb_queue_dispatcher_new (void)
{
  return g_object_new (CB_TYPE_QUEUE_DISPATCHER, NULL);
}

void
cb_queue_dispatcher_set_clock (CbQueueDispatcher *self,
                               CbClock           *clock)
{
  CbClock *next = clock != NULL ? clock : cb_clock_get_system ();

  g_return_if_fail (CB_IS_QUEUE_DISPATCHER (self));
  g_return_if_fail (clock == NULL || CB_IS_CLOCK (clock));
  g_set_object (&self->clock, next);
}

void
cb_queue_dispatcher_set_order (CbQueueDispatcher *self,
                               CbQueueOrder       order)
{
  g_return_if_fail (CB_IS_QUEUE_DISPATCHER (self));
  self->order = order;
}

void
cb_queue_dispatcher_set_timeouts (CbQueueDispatcher *self,
                                  guint              agent_timeout_ms,
                                  guint              max_wait_ms)
{
  g_return_if_fail (CB_IS_QUEUE_DISPATCHER (self));
  /* Applies to offers and callers from now on. */
  self->agent_timeout_ms = agent_timeout_ms;
  self->max_wait_ms = max_wait_ms;
}

static Agent *
find_agent (CbQueueDispatcher *self,
            gint64             agent_id)
{
  return g_hash_table_lookup (self->agent_index, &agent_id);
}

static Caller *
find_caller (CbQueueDispatcher *self,
             guint64            id)
{
  GList *link = g_hash_table_lookup (self->caller_index, &id);

  return link != NULL ? link->data : NULL;
}

/* The agent no longer rings for its caller. */
static void
release_agent (CbQueueDispatcher *self,
               Caller            *caller,
               gint64             agent_id,
               gboolean           tried)
{
  Agent *agent = find_agent (self, agent_id);

  for (guint i = 0; i < caller->ringing->len; i++)
    if (g_array_index (caller->ringing, gint64, i) == agent_id)
      {
        g_array_remove_index (caller->ringing, i);
        break;
      }
  if (agent != NULL && agent->offered_to == caller->id)
    agent->offered_to = 0;
  if (tried)
    g_hash_table_add (caller->tried, g_memdup2 (&agent_id, sizeof agent_id));
}

static void
release_all (CbQueueDispatcher *self,
             Caller            *caller,
             gboolean           tried)
{
  while (caller->ringing->len > 0)
    release_agent (self, caller, g_array_index (caller->ringing, gint64, 0), tried);
}

void
cb_queue_dispatcher_set_agents (CbQueueDispatcher *self,
                                const gint64      *agent_ids,
                                guint              n_agents)
{
  GPtrArray *agents;
  GHashTable *index;
  GList *link;

  g_return_if_fail (CB_IS_QUEUE_DISPATCHER (self));

  /* Rebuilt rather than patched: member lists are short and rarely change. */
  agents = g_ptr_array_new_with_free_func (g_free);
  index = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < n_agents; i++)
    {
      Agent *old = find_agent (self, agent_ids[i]);
      Agent *agent = g_new0 (Agent, 1);

      if (g_hash_table_contains (index, &agent_ids[i]))
        {
          g_free (agent);
          continue;
        }
      if (old != NULL)
        *agent = *old;
      else
        {
          agent->id = agent_ids[i];
          agent->idle_since = cb_clock_get_monotonic (self->clock);
        }
      agent->position = agents->len;
      g_ptr_array_add (agents, agent);
      g_hash_table_insert (index, &agent->id, agent);
    }

  /* Agents who left the queue ring for nobody here any more. */
  for (link = self->callers.head; link != NULL; link = link->next)
    {
      Caller *caller = link->data;

      for (guint i = caller->ringing->len; i > 0; i--)
        {
          gint64 id = g_array_index (caller->ringing, gint64, i - 1);

          if (!g_hash_table_contains (index, &id))
            g_array_remove_index (caller->ringing, i - 1);
        }
    }

  g_hash_table_unref (self->agent_index);
  g_ptr_array_unref (self->agents);
  self->agent_index = index;
  self->agents = agents;
  dispatch (self);
}

void
cb_queue_dispatcher_set_agent_ready (CbQueueDispatcher *self,
                                     gint64             agent_id,
                                     gboolean           ready)
{
  Agent *agent;

  g_return_if_fail (CB_IS_QUEUE_DISPATCHER (self));

  agent = find_agent (self, agent_id);
  if (agent == NULL || agent->ready == ready)
    return;
  agent->ready = ready;
  /* Longest idle counts from the end of the last call (or wrap-up). */
  if (ready)
    {
      agent->idle_since = cb_clock_get_monotonic (self->clock);
      dispatch (self);
    }
}

/* ---- choosing ------------------------------------------------------------ */

static gboolean
is_candidate (Caller *caller,
              Agent  *agent,
              gboolean ignore_tried)
{
  return agent->ready && agent->offered_to == 0 &&
         (ignore_tried || !g_hash_table_contains (caller->tried, &agent->id));
}

/* Better: longer idle, fewer calls; member order breaks ties. */
static gboolean
better (CbQueueOrder  order,
        Agent        *a,
        Agent        *b)
{
  if (b == NULL)
    return TRUE;
  if (order == CB_QUEUE_ORDER_LONGEST_IDLE && a->idle_since != b->idle_since)
    return a->idle_since < b->idle_since;
  if (order == CB_QUEUE_ORDER_FEWEST_CALLS && a->calls != b->calls)
    return a->calls < b->calls;
  return a->position < b->position;
}

/* The agents to offer the caller to now, per the order. */
static GArray *
choose (CbQueueDispatcher *self,
        Caller            *caller,
        gboolean           ignore_tried)
{
  GArray *chosen = g_array_new (FALSE, FALSE, sizeof (gint64));
  Agent *best = NULL;
  guint n = self->agents->len;

  switch (self->order)
    {
    case CB_QUEUE_ORDER_RING_ALL:
      for (guint i = 0; i < n; i++)
        {
          Agent *agent = g_ptr_array_index (self->agents, i);

          if (is_candidate (caller, agent, ignore_tried))
            g_array_append_val (chosen, agent->id);
        }
      return chosen;

    case CB_QUEUE_ORDER_ROUND_ROBIN:
      {
        Agent *last = self->last_offered != 0 ? find_agent (self, self->last_offered) : NULL;
        guint start = last != NULL ? last->position + 1 : 0;

        for (guint i = 0; i < n && best == NULL; i++)
          {
            Agent *agent = g_ptr_array_index (self->agents, (start + i) % n);

            if (is_candidate (caller, agent, ignore_tried))
              best = agent;
          }
        break;
      }

    case CB_QUEUE_ORDER_TOP_DOWN:
    case CB_QUEUE_ORDER_LONGEST_IDLE:
    case CB_QUEUE_ORDER_FEWEST_CALLS:
    default:
      for (guint i = 0; i < n; i++)
        {
          Agent *agent = g_ptr_array_index (self->agents, i);

          if (is_candidate (caller, agent, ignore_tried) && better (self->order, agent, best))
            best = agent;
        }
      break;
    }

  if (best != NULL)
    g_array_append_val (chosen, best->id);
  return chosen;
}

/* ---- timers -------------------------------------------------------------- */

static gboolean
ring_timeout (gpointer data)
{
  Caller *caller = data;
  CbQueueDispatcher *self = caller->owner;
  guint64 id = caller->id;

  caller->ring_id = 0;
  g_debug ("Caller %" G_GUINT64_FORMAT ": nobody answered in time", id);
  if (caller->ringing->len > 0)
    {
      release_all (self, caller, TRUE);
      g_signal_emit (self, signals[SIGNAL_WITHDRAW], 0, id);
    }
  dispatch (self);
  return G_SOURCE_REMOVE;
}

static void
forget_caller (CbQueueDispatcher *self,
               Caller            *caller)
{
  GList *link = g_hash_table_lookup (self->caller_index, &caller->id);

  release_all (self, caller, FALSE);
  g_hash_table_remove (self->caller_index, &caller->id);
  g_queue_delete_link (&self->callers, link);
  caller_free (caller);
}

static gboolean
wait_timeout (gpointer data)
{
  Caller *caller = data;
  CbQueueDispatcher *self = caller->owner;
  guint64 id = caller->id;
  gboolean ringing = caller->ringing->len > 0;

  caller->wait_id = 0;
  g_debug ("Caller %" G_GUINT64_FORMAT ": waited too long", id);
  forget_caller (self, caller);
  g_object_ref (self);
  if (ringing)
    g_signal_emit (self, signals[SIGNAL_WITHDRAW], 0, id);
  g_signal_emit (self, signals[SIGNAL_OVERFLOW], 0, id);
  dispatch (self);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* ---- the pass ------------------------------------------------------------ */

typedef struct {
  guint64 caller;
  gint64  agent;
} Offer;

/* Decides every offer first and announces them after, so handlers may
 * call back into the dispatcher. */
static void
dispatch_once (CbQueueDispatcher *self)
{
  g_autoptr(GArray) offers = g_array_new (FALSE, FALSE, sizeof (Offer));

  for (GList *link = self->callers.head; link != NULL; link = link->next)
    {
      Caller *caller = link->data;
      g_autoptr(GArray) chosen = NULL;

      /* One agent at a time, except ring-all, which adds agents who
       * become free while the others ring. */
      if (self->order != CB_QUEUE_ORDER_RING_ALL && caller->ringing->len > 0)
        continue;
      chosen = choose (self, caller, FALSE);
      /* Everyone free was tried: a new round, but not while an offer of
       * this round still runs. */
      if (chosen->len == 0 && caller->ring_id == 0 && g_hash_table_size (caller->tried) > 0)
        {
          g_hash_table_remove_all (caller->tried);
          g_array_unref (chosen);
          chosen = choose (self, caller, FALSE);
        }
      if (chosen->len == 0)
        continue;

      for (guint i = 0; i < chosen->len; i++)
        {
          Offer offer = { caller->id, g_array_index (chosen, gint64, i) };
          Agent *agent = find_agent (self, offer.agent);

          agent->offered_to = caller->id;
          g_array_append_val (caller->ringing, offer.agent);
          g_array_append_val (offers, offer);
          self->last_offered = offer.agent;
        }
      /* Every new offer rings for the full agent timeout. */
      g_clear_handle_id (&caller->ring_id, cb_sip_timeout_remove);
      if (self->agent_timeout_ms > 0)
        caller->ring_id = cb_sip_timeout_add (self->agent_timeout_ms, ring_timeout, caller);
    }

  for (guint i = 0; i < offers->len; i++)
    {
      Offer *offer = &g_array_index (offers, Offer, i);
      Agent *agent = find_agent (self, offer->agent);

      /* A handler may have settled it meanwhile. */
      if (agent == NULL || agent->offered_to != offer->caller)
        continue;
      g_signal_emit (self, signals[SIGNAL_OFFER], 0, offer->caller, offer->agent);
    }
}

static void
dispatch (CbQueueDispatcher *self)
{
  if (self->dispatching)
    {
      self->again = TRUE;
      return;
    }
  self->dispatching = TRUE;
  g_object_ref (self);
  do
    {
      self->again = FALSE;
      dispatch_once (self);
    }
  while (self->again);
  self->dispatching = FALSE;
  g_object_unref (self);
}

/* ---- what the owner reports ---------------------------------------------- */

void
cb_queue_dispatcher_add_caller (CbQueueDispatcher *self,
                                guint64            id)
{
  Caller *caller;

  g_return_if_fail (CB_IS_QUEUE_DISPATCHER (self));
  g_return_if_fail (id != 0 && find_caller (self, id) == NULL);

  caller = g_new0 (Caller, 1);
  caller->owner = self;
  caller->id = id;
  caller->ringing = g_array_new (FALSE, FALSE, sizeof (gint64));
  caller->tried = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  if (self->max_wait_ms > 0)
    caller->wait_id = cb_sip_timeout_add (self->max_wait_ms, wait_timeout, caller);
  g_queue_push_tail (&self->callers, caller);
  g_hash_table_insert (self->caller_index, g_memdup2 (&id, sizeof id), self->callers.tail);
  dispatch (self);
}

void
cb_queue_dispatcher_remove_caller (CbQueueDispatcher *self,
                                   guint64            id)
{
  Caller *caller;

  g_return_if_fail (CB_IS_QUEUE_DISPATCHER (self));

  if ((caller = find_caller (self, id)) == NULL)
    return;
  forget_caller (self, caller);
  dispatch (self);
}

void
cb_queue_dispatcher_offer_failed (CbQueueDispatcher *self,
                                  guint64            id,
                                  gint64             agent_id)
{
  Caller *caller;

  g_return_if_fail (CB_IS_QUEUE_DISPATCHER (self));

  if ((caller = find_caller (self, id)) == NULL)
    return;
  release_agent (self, caller, agent_id, TRUE);
  dispatch (self);
}

void
cb_queue_dispatcher_answered (CbQueueDispatcher *self,
                              guint64            id,
                              gint64             agent_id)
{
  Caller *caller;
  Agent *agent;

  g_return_if_fail (CB_IS_QUEUE_DISPATCHER (self));

  if ((agent = find_agent (self, agent_id)) != NULL)
    {
      agent->calls++;
      /* On the phone now; the owner reports when it is ready again. */
      agent->ready = FALSE;
    }
  if ((caller = find_caller (self, id)) == NULL)
    return;
  forget_caller (self, caller);
  dispatch (self);
}

guint
cb_queue_dispatcher_get_n_waiting (CbQueueDispatcher *self)
{
  g_return_val_if_fail (CB_IS_QUEUE_DISPATCHER (self), 0);
  return self->callers.length;
}

gboolean
cb_queue_dispatcher_has_caller (CbQueueDispatcher *self,
                                guint64            id)
{
  g_return_val_if_fail (CB_IS_QUEUE_DISPATCHER (self), FALSE);
  return find_caller (self, id) != NULL;
}

guint64
cb_queue_dispatcher_offered_to (CbQueueDispatcher *self,
                                gint64             agent_id)
{
  Agent *agent;

  g_return_val_if_fail (CB_IS_QUEUE_DISPATCHER (self), 0);
  agent = find_agent (self, agent_id);
  return agent != NULL ? agent->offered_to : 0;
}

guint
cb_queue_dispatcher_get_agent_calls (CbQueueDispatcher *self,
                                     gint64             agent_id)
{
  Agent *agent;

  g_return_val_if_fail (CB_IS_QUEUE_DISPATCHER (self), 0);
  agent = find_agent (self, agent_id);
  return agent != NULL ? agent->calls : 0;
}
