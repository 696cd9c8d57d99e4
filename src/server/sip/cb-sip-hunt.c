/* cb-sip-hunt.c: hunt groups: who a group call rings, in what order, and where it overflows
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parallel rings every eligible member at once, sequential one at a time
 * for the member timeout. Eligibility is read live from the in-memory
 * directory (logins, presence), the registrar (bindings) and the B2BUA
 * (calls) each time a member is about to be rung, so a member who logs
 * out or picks up another call while the hunt runs is passed over. The
 * member order is the one at call start. When nobody (else) takes the
 * call its overflow rings: an extension, a number over the trunk, or
 * another group, which makes the call that group's, starting afresh (a
 * queue answers the caller itself); the groups it went through stop a
 * loop of overflows. A queue's overflow comes here too.
 */

#define G_LOG_DOMAIN "cb-sip-hunt"

#include "config.h"

#include "cb-sip-diversion.h"
#include "cb-sip-hunt.h"
#include "cb-sip-registrar.h"
#include "cb-sip-router.h"
#include "cb-sip-timers.h"

/* ---- a group call's state ------------------------------------------------ */

static void
group_call_init (CbSipGroupCall      *group_call,
                 const CbGroupRecord *group)
{
  group_call->group_id = group->id;
  group_call->group_name = g_strdup (group->name);
  group_call->strategy = group->strategy;
  group_call->member_timeout = group->member_timeout > 0 ? group->member_timeout : 15;
  group_call->wrap_around = group->wrap_around;
  group_call->ring_in_use = group->ring_in_use;
  if (group->overflow != NULL && group->overflow[0] != '\0')
    group_call->overflow = g_strdup (group->overflow);
  group_call->order = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; group->members != NULL && i < group->members->len; i++)
    g_array_append_val (group_call->order,
                        g_array_index (group->members, CbGroupMember, i).user_id);
  g_array_append_val (group_call->visited, group->id);
}

CbSipGroupCall *
cb_sip_group_call_new (const CbGroupRecord *group)
{
  CbSipGroupCall *group_call = g_new0 (CbSipGroupCall, 1);

  group_call->visited = g_array_new (FALSE, FALSE, sizeof (gint64));
  group_call_init (group_call, group);
  return group_call;
}

void
cb_sip_group_call_free (CbSipGroupCall *group_call)
{
  if (group_call == NULL)
    return;
  g_clear_handle_id (&group_call->timer_id, cb_sip_timeout_remove);
  g_free (group_call->group_name);
  g_free (group_call->overflow);
  g_array_unref (group_call->order);
  g_array_unref (group_call->visited);
  g_free (group_call);
}

/* Overflow to another hunt group: the call is that group's call from now
 * on, starting afresh. FALSE (nothing changed) when it was routed there
 * before (a loop) or went through too many groups. */
static gboolean
group_call_overflow_to (CbSipGroupCall      *group_call,
                        const CbGroupRecord *group)
{
  if (group_call->visited->len >= CB_SIP_HUNT_MAX_OVERFLOWS)
    return FALSE;
  for (guint i = 0; i < group_call->visited->len; i++)
    if (g_array_index (group_call->visited, gint64, i) == group->id)
      return FALSE;

  g_clear_handle_id (&group_call->timer_id, cb_sip_timeout_remove);
  g_clear_pointer (&group_call->group_name, g_free);
  g_clear_pointer (&group_call->overflow, g_free);
  g_clear_pointer (&group_call->order, g_array_unref);
  group_call->position = 0;
  group_call->steps = 0;
  group_call->overflowed = FALSE;
  group_call_init (group_call, group);
  return TRUE;
}

/* ---- who rings ----------------------------------------------------------- */

/* Logged in, not in do-not-disturb, something registered, and (unless
 * ring_in_use) not in a call. */
static gboolean
eligible (CbB2buaCall *call,
          gint64       user_id)
{
  CbSipServer *server = call->b2bua->server;
  CbDirectory *directory = call->b2bua->directory;
  const CbUserRecord *user = cb_directory_get_user (directory, user_id);
  g_autoptr(GPtrArray) contacts = NULL;
  CbLineState line;

  if (user == NULL || !cb_directory_is_logged_in (directory, call->group->group_id, user_id))
    return FALSE;
  if (user->availability == CB_AVAILABILITY_DND)
    return FALSE;
  contacts = cb_sip_registrar_contacts_of (cb_sip_server_get_registrar (server), user_id);
  if (contacts->len == 0)
    return FALSE;
  line = cb_sip_b2bua_line_state (call->b2bua, user_id);
  if (!call->group->ring_in_use && (line == CB_LINE_STATE_BUSY || line == CB_LINE_STATE_ON_HOLD))
    return FALSE;
  return TRUE;
}

/* Sequential: the next eligible member after the one ringing now (the
 * first when nobody rang yet), 0 when the hunt is over. */
static gint64
next_member (CbB2buaCall *call,
             gboolean     first)
{
  CbSipGroupCall *group_call = call->group;
  guint len = group_call->order->len;
  guint limit = len * (group_call->wrap_around ? CB_SIP_HUNT_MAX_ROUNDS : 1);

  if (len == 0)
    return 0;
  if (first)
    {
      group_call->position = 0;
      group_call->steps = 0;
    }
  else
    {
      group_call->position++;
      group_call->steps++;
    }

  /* Steps count every member passed, rung or skipped, so the hunt ends
   * after the configured rounds even when nobody is eligible. */
  for (; group_call->steps < limit; group_call->position++, group_call->steps++)
    {
      gint64 user_id;

      if (group_call->position >= len)
        {
          if (!group_call->wrap_around)
            return 0;
          group_call->position = 0;
        }
      user_id = g_array_index (group_call->order, gint64, group_call->position);
      if (eligible (call, user_id))
        return user_id;
    }
  return 0;
}

/* ---- overflow ------------------------------------------------------------ */

static void group_ring (CbB2buaCall *call);

/* The overflow number beyond the trunk rings (one leg, as a dialled
 * external call); the call keeps showing the group's number. */
static gboolean
overflow_to_trunk (CbB2buaCall *call,
                   const char  *number)
{
  g_autofree char *group_number = NULL;
  gboolean forked;

  if (call->a == NULL)
    return FALSE;
  group_number = g_steal_pointer (&call->callee_number);
  call->callee_number = g_strdup (number);
  forked = cb_b2bua_call_trunk_fork (call, call->a->sdp);
  g_free (call->callee_number);
  call->callee_number = g_steal_pointer (&group_number);
  return forked;
}

typedef struct {
  CbSipServer *server;
  char        *call_id;
} DropCall;

static void
drop_call_free (gpointer data)
{
  DropCall *drop = data;

  g_object_unref (drop->server);
  g_free (drop->call_id);
  g_free (drop);
}

/* A call with no handle left gets no more events to free it after. */
static gboolean
drop_if_finished (gpointer data)
{
  DropCall *drop = data;
  CbB2buaCall *call = cb_sip_b2bua_lookup (cb_sip_server_get_b2bua (drop->server), drop->call_id);

  if (call != NULL)
    cb_b2bua_call_drop_if_finished (call);
  return G_SOURCE_REMOVE;
}

/* Hands the caller's unanswered INVITE to the queue (which answers it
 * with its music) and ends this call; FALSE, with nothing changed, when
 * the queue does not take it. */
static gboolean
overflow_to_queue (CbB2buaCall         *call,
                   const CbGroupRecord *group)
{
  CbSipServer *server = call->b2bua->server;
  CbSipQueue *queue = cb_sip_server_get_queue (server);
  CbB2buaLeg *a = call->a;
  CbSipDialog dialog;
  DropCall *drop;

  if (queue == NULL || a == NULL || a->nh == NULL || a->state != CB_B2BUA_LEG_INCOMING ||
      call->b != NULL)
    return FALSE;
  dialog = (CbSipDialog) {
    .nh = a->nh, .sdp = a->sdp, .call_id = a->call_id, .contact = a->contact, .remote = a->remote,
    .secure = a->secure, .local = a->local, .route = a->route, .local_cseq = a->local_cseq,
  };
  if (!cb_sip_queue_take (queue, &dialog, call->caller_id, call->caller_number, group))
    return FALSE;
  g_debug ("Call %s: the caller waits in queue “%s”", call->id, group->name);
  /* The queue owns the handle now; whatever still rings stops. */
  a->nh = NULL;
  cb_b2bua_leg_set_state (a, CB_B2BUA_LEG_GONE);
  cb_b2bua_call_terminate (call, 0);
  drop = g_new0 (DropCall, 1);
  drop->server = g_object_ref (server);
  drop->call_id = g_strdup (call->id);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, drop_if_finished, drop, drop_call_free);
  return TRUE;
}

/* Rings the overflow: an extension, another hunt group (which starts
 * ringing by its own strategy) or a number beyond the trunk. FALSE when
 * none of them rings; a group the call was routed to before is none. */
static gboolean
overflow_to (CbB2buaCall *call,
             const char  *overflow)
{
  CbSipGroupCall *group = call->group;
  g_auto(CbSipTarget) target = { 0 };
  g_autofree char *from = g_strdup (group->group_name);

  cb_sip_route (call->b2bua->server, overflow,
                CB_SIP_ROUTE_GROUPS | CB_SIP_ROUTE_USERS | CB_SIP_ROUTE_TRUNK, &target);
  switch (target.kind)
    {
    case CB_SIP_TARGET_HUNT_GROUP:
    case CB_SIP_TARGET_QUEUE:
      if (!group_call_overflow_to (group, target.group))
        {
          g_debug ("Call %s: no overflow of “%s” to group “%s” (a loop)", call->id, from,
                   target.group->name);
          return FALSE;
        }
      g_debug ("Call %s: overflow of “%s” to group “%s”", call->id, from, target.group->name);
      /* A queue answers the caller's INVITE itself: only while it is
       * unanswered (nobody logged in: it rings like any hunt group). */
      if (target.kind == CB_SIP_TARGET_QUEUE && overflow_to_queue (call, target.group))
        return TRUE;
      group_ring (call);
      return TRUE;

    case CB_SIP_TARGET_USER:
    case CB_SIP_TARGET_DEVICE:
      if (target.user_id == call->caller_id ||
          !cb_b2bua_call_ring_user (call, target.user_id, FALSE, NULL))
        return FALSE;
      break;

    case CB_SIP_TARGET_TRUNK:
      if (!overflow_to_trunk (call, overflow))
        return FALSE;
      break;

    case CB_SIP_TARGET_NONE:
    case CB_SIP_TARGET_FEATURE_CODE:
    default:
      return FALSE;
    }
  g_debug ("Call %s: overflow of “%s” to %s", call->id, from, overflow);
  cb_b2bua_call_publish (call);
  return TRUE;
}

/* Nobody (else) takes it: the overflow rings (once), or the caller hears
 * busy. */
static void
overflow_or_busy (CbB2buaCall *call)
{
  CbSipGroupCall *group = call->group;
  g_autofree char *overflow = NULL;

  if (!group->overflowed && group->overflow != NULL)
    overflow = g_strdup (group->overflow);
  group->overflowed = TRUE;
  if (overflow != NULL && overflow_to (call, overflow))
    return;
  g_debug ("Call %s: nobody in “%s” takes it", call->id, group->group_name);
  cb_b2bua_call_terminate (call, 486);
}

/* ---- ringing ------------------------------------------------------------- */

static gboolean member_timed_out (gpointer data);

/* Sequential: the next eligible member rings for the member timeout. */
static void
hunt_on (CbB2buaCall *call,
         gboolean     first)
{
  CbSipGroupCall *group = call->group;
  gint64 member;

  while ((member = next_member (call, first)) != 0)
    {
      first = FALSE;
      if (cb_b2bua_call_ring_user (call, member, FALSE, NULL))
        {
          g_debug ("Call %s: “%s” rings member %" G_GINT64_FORMAT " for %u s", call->id,
                   group->group_name, member, group->member_timeout);
          group->timer_id = cb_sip_timeout_add (group->member_timeout * 1000, member_timed_out, call);
          cb_b2bua_call_publish (call);
          return;
        }
    }
  overflow_or_busy (call);
}

static gboolean
member_timed_out (gpointer data)
{
  CbB2buaCall *call = data;
  CbSipGroupCall *group = call->group;

  group->timer_id = 0;
  if (call->state != CB_WIRE_CALL_STATE_RINGING || call->b != NULL)
    return G_SOURCE_REMOVE;
  /* Only the member's own phones stop; a pickup ringing goes on. */
  cb_b2bua_call_cancel_forks (call, g_array_index (group->order, gint64, group->position), NULL,
                              TRUE);
  hunt_on (call, FALSE);
  return G_SOURCE_REMOVE;
}

/* Starts ringing the call's group, by its strategy. */
static void
group_ring (CbB2buaCall *call)
{
  switch (call->group->strategy)
    {
    case CB_RING_STRATEGY_SEQUENTIAL:
      hunt_on (call, TRUE);
      break;

    case CB_RING_STRATEGY_QUEUE:
      /* Only a queue nobody is logged into gets here (see new_call() in
       * cb-sip-b2bua.c): nobody is eligible, so overflow or busy. */
    case CB_RING_STRATEGY_PARALLEL:
    default:
      {
        GArray *order = call->group->order;
        gboolean any = FALSE;

        /* Every eligible member, in member order. */
        for (guint i = 0; i < order->len; i++)
          {
            gint64 user_id = g_array_index (order, gint64, i);

            if (eligible (call, user_id))
              any |= cb_b2bua_call_ring_user (call, user_id, FALSE, NULL);
          }
        if (any)
          cb_b2bua_call_publish (call);
        else
          overflow_or_busy (call);
      }
      break;
    }
}

/* ---- what the B2BUA asks ------------------------------------------------- */

void
cb_sip_hunt_new_call (CbSipB2bua          *b2bua,
                      const CbSipInvite   *invite,
                      const CbGroupRecord *group)
{
  CbB2buaCall *call = cb_b2bua_call_new_incoming (b2bua, invite, group->number);

  call->group = cb_sip_group_call_new (group);
  g_debug ("Call %s: to group “%s” (%s)", call->id, group->name,
           cb_enum_to_nick (CB_TYPE_RING_STRATEGY, group->strategy));
  group_ring (call);
}

void
cb_sip_hunt_answered (CbB2buaCall *call)
{
  if (call->group != NULL)
    g_clear_handle_id (&call->group->timer_id, cb_sip_timeout_remove);
}

gboolean
cb_sip_hunt_fork_failed (CbB2buaCall *call)
{
  CbSipGroupCall *group = call->group;

  if (group == NULL || group->overflowed)
    return FALSE;
  if (group->strategy == CB_RING_STRATEGY_SEQUENTIAL)
    {
      g_clear_handle_id (&group->timer_id, cb_sip_timeout_remove);
      hunt_on (call, FALSE);
    }
  else
    overflow_or_busy (call);
  return TRUE;
}

void
cb_sip_hunt_divert (CbB2buaCall         *call,
                    const CbGroupRecord *group)
{
  g_clear_pointer (&call->group, cb_sip_group_call_free);
  call->group = cb_sip_group_call_new (group);
  g_debug ("Call %s: diverted to group “%s” (%s)", call->id, group->name,
           cb_enum_to_nick (CB_TYPE_RING_STRATEGY, group->strategy));
  /* A queue takes a caller whose INVITE is unanswered. */
  if (group->strategy == CB_RING_STRATEGY_QUEUE && overflow_to_queue (call, group))
    return;
  group_ring (call);
}

JsonObject *
cb_sip_hunt_decline (CbB2buaCall *call,
                     gint64       user_id)
{
  JsonObject *answer;
  CbSipRung *rung = cb_b2bua_call_rung_find (call, user_id);

  if (rung != NULL)
    rung->declined = TRUE;
  cb_b2bua_call_cancel_forks (call, user_id, NULL, FALSE);
  answer = cb_b2bua_call_data (call, user_id, CB_WIRE_CALL_STATE_ENDED);
  for (guint i = 0; i < call->legs->len; i++)
    {
      CbB2buaLeg *leg = g_ptr_array_index (call->legs, i);

      if (leg->fork && leg->state == CB_B2BUA_LEG_CALLING)
        {
          cb_b2bua_call_publish (call);
          return answer;
        }
    }
  /* A call for a leader rings the leader when their assistants decline
   * it (cb-sip-diversion.c). */
  if (!cb_sip_hunt_fork_failed (call) && !cb_sip_diversion_fork_failed (call, 603))
    cb_b2bua_call_terminate (call, 603);
  return answer;
}

gboolean
cb_sip_b2bua_queue_redirect (CbSipB2bua              *self,
                             const CbSipQueuedCaller *caller,
                             const char              *number)
{
  g_auto(CbSipTarget) target = { 0 };
  g_autoptr(GPtrArray) contacts = NULL;
  CbB2buaCall *call;

  /* Decided before the B2BUA takes the dialog, so that FALSE changes
   * nothing; a group is followed as hunt groups follow their overflow
   * (and its loop guard), with this queue counted as visited. */
  cb_sip_route (self->server, number, CB_SIP_ROUTE_GROUPS | CB_SIP_ROUTE_USERS | CB_SIP_ROUTE_TRUNK,
                &target);
  switch (target.kind)
    {
    case CB_SIP_TARGET_HUNT_GROUP:
      if (target.group->id == caller->group->id)
        return FALSE;
      break;

    case CB_SIP_TARGET_USER:
    case CB_SIP_TARGET_DEVICE:
      if (target.user_id == caller->caller_id)
        return FALSE;
      contacts = cb_sip_registrar_contacts_of (cb_sip_server_get_registrar (self->server),
                                               target.user_id);
      if (contacts->len == 0)
        return FALSE;
      break;

    case CB_SIP_TARGET_TRUNK:
      break;

    case CB_SIP_TARGET_QUEUE:
    case CB_SIP_TARGET_NONE:
    case CB_SIP_TARGET_FEATURE_CODE:
    default:
      return FALSE;
    }

  call = cb_b2bua_call_new_for_group (self, caller);
  call->group->overflowed = TRUE;
  call->a = cb_b2bua_leg_new (call, FALSE, CB_B2BUA_LEG_UP);
  cb_b2bua_leg_adopt (call->a, &caller->dialog);
  if (contacts != NULL)
    {
      cb_b2bua_call_ring_user (call, target.user_id, FALSE, contacts);
      cb_b2bua_call_publish (call);
    }
  else if (!overflow_to (call, number))
    cb_b2bua_call_terminate (call, 0);
  return TRUE;
}
