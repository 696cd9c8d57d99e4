/* cb-sip-diversion.c: a call to a user: diversions, do-not-disturb, loops, breakthrough, and what rings when
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In this order, for the user whose number the call reaches:
 *
 *  1. Breakthrough: a call placed or transferred by an assistant logged
 *     into one of the user's assistant groups skips 2–4 and the filter
 *     (boss–secretary): the user's own phones ring, and their mobile.
 *  2. The unconditional diversion sends the call on at once.
 *  3. Do-not-disturb counts as busy: the busy diversion, else 486. So
 *     does a line in a call (busy or on hold): the busy diversion, else
 *     the phones ring as a second call.
 *  4. Nothing can ring (no phone registered, no mobile, no assistant):
 *     the no-answer diversion at once, else 480.
 *  5. The announcement, if the user has one and the caller's INVITE is
 *     unanswered (cb-sip-announcement.c); then:
 *  6. The phones ring: the user's own and, by the leader's filter, their
 *     assistants (at once or after the filter's delay); the mobile
 *     after its delay; the no-answer diversion after no_answer_after.
 *     When every fork fails: a pending stage rings at once, else a busy
 *     answer (486, 600, 603) takes the busy diversion, anything else the
 *     no-answer one.
 *
 * A diversion target is routed as a dialled number: a user (whose own
 * settings then apply), a hunt group or queue (the call becomes the
 * group's), or a number over the trunk. A user the call was diverted
 * away from before, or its caller, is a loop: the diversion is not
 * taken and the call rings the last user reached, so no call goes round
 * for ever or gets lost; the server logs it, and everyone the call was
 * diverted from gets a journal entry (not answered by them, taken_by
 * whoever answered), as group members do.
 */

#define G_LOG_DOMAIN "cb-sip-diversion"

#include "config.h"

#include "cb-sip-announcement.h"
#include "cb-sip-assistants.h"
#include "cb-sip-diversion.h"
#include "cb-sip-hunt.h"
#include "cb-sip-mobile.h"
#include "cb-sip-queue.h"
#include "cb-sip-registrar.h"
#include "cb-sip-router.h"
#include "cb-sip-timers.h"

static void route_user (CbB2buaCall *call, gint64 user_id);

static CbSipServer *
server_of (CbB2buaCall *call)
{
  return call->b2bua->server;
}

static GPtrArray *
contacts_of (CbB2buaCall *call,
             gint64       user_id)
{
  return cb_sip_registrar_contacts_of (cb_sip_server_get_registrar (server_of (call)), user_id);
}

/* ---- state ----------------------------------------------------------------- */

static CbSipUserCall *
user_call_of (CbB2buaCall *call)
{
  if (call->user_call == NULL)
    {
      call->user_call = g_new0 (CbSipUserCall, 1);
      call->user_call->diverted = g_array_new (FALSE, FALSE, sizeof (gint64));
    }
  return call->user_call;
}

static void
stop_timers (CbSipUserCall *user_call)
{
  g_clear_handle_id (&user_call->no_answer_id, cb_sip_timeout_remove);
  g_clear_handle_id (&user_call->mobile_id, cb_sip_timeout_remove);
  g_clear_handle_id (&user_call->filter_id, cb_sip_timeout_remove);
  g_clear_pointer (&user_call->mobile, g_free);
}

void
cb_sip_diversion_free (CbB2buaCall *call)
{
  CbSipUserCall *user_call = call->user_call;

  if (user_call == NULL)
    return;
  stop_timers (user_call);
  cb_sip_announcement_stop (call);
  g_array_unref (user_call->diverted);
  g_free (user_call->announcement_answer);
  g_free (user_call);
  call->user_call = NULL;
}

static gboolean
was_diverted_from (CbSipUserCall *user_call,
                   gint64         user_id)
{
  for (guint i = 0; i < user_call->diverted->len; i++)
    if (g_array_index (user_call->diverted, gint64, i) == user_id)
      return TRUE;
  return FALSE;
}

/* In a call (busy or on hold), or waiting in a queue. */
static gboolean
line_busy (CbB2buaCall *call,
           gint64       user_id)
{
  CbSipQueue *queue = cb_sip_server_get_queue (server_of (call));
  CbLineState line = cb_sip_b2bua_line_state (call->b2bua, user_id);

  return line == CB_LINE_STATE_BUSY || line == CB_LINE_STATE_ON_HOLD ||
         (queue != NULL && cb_sip_queue_line_state (queue, user_id) == CB_LINE_STATE_BUSY);
}

/* One of the user's diversions, copied (the record may be replaced while
 * the call is routed on). */
typedef enum {
  DIVERSION_UNCONDITIONAL,
  DIVERSION_BUSY,
  DIVERSION_NO_ANSWER,
} Diversion;

static const char * const diversion_names[] = { "unconditional", "busy", "no-answer" };

static char *
diversion_of (CbB2buaCall *call,
              gint64       user_id,
              Diversion    which)
{
  const CbUserRecord *user = cb_directory_get_user (call->b2bua->directory, user_id);
  const char *target = NULL;

  if (user == NULL)
    return NULL;
  switch (which)
    {
    case DIVERSION_UNCONDITIONAL:
      target = user->diversion.unconditional;
      break;
    case DIVERSION_BUSY:
      target = user->diversion.busy;
      break;
    case DIVERSION_NO_ANSWER:
    default:
      target = user->diversion.no_answer;
      break;
    }
  return target != NULL && target[0] != '\0' ? g_strdup (target) : NULL;
}

/* ---- diverting ------------------------------------------------------------- */

/* The call leaves user_id: what rings there stops, they remember the call
 * in their journal (as someone it rang), and the next target's phones
 * have not rung yet. */
static void
leave_user (CbB2buaCall *call,
            gint64       user_id)
{
  CbSipUserCall *user_call = call->user_call;
  CbSipRung *rung;

  stop_timers (user_call);
  g_array_append_val (user_call->diverted, user_id);
  cb_b2bua_call_cancel_forks (call, 0, NULL, TRUE);
  rung = cb_b2bua_call_rung_add (call, user_id);
  /* Their "ended" event only if they had heard of the call. */
  rung->ended = !user_call->phones_rang;
  user_call->user_id = 0;
  user_call->phones_rang = FALSE;
  cb_b2bua_call_set_forked (call, FALSE);
}

/* Sends the call on from user_id to `number`, routed like a dialled
 * number. FALSE, with nothing changed, when the number reaches nobody, or
 * a user the call left before or its caller (a loop: it stays here). */
static gboolean
divert (CbB2buaCall *call,
        gint64       user_id,
        const char  *number,
        Diversion    which)
{
  CbSipUserCall *user_call = call->user_call;
  g_auto(CbSipTarget) target = { 0 };

  if (call->a == NULL)
    return FALSE;
  cb_sip_route (server_of (call), number,
                CB_SIP_ROUTE_USERS | CB_SIP_ROUTE_GROUPS | CB_SIP_ROUTE_TRUNK, &target);
  switch (target.kind)
    {
    case CB_SIP_TARGET_USER:
    case CB_SIP_TARGET_DEVICE:
      if (target.user_id == user_id || target.user_id == call->caller_id ||
          was_diverted_from (user_call, target.user_id))
        {
          g_message ("Call %s: the %s diversion of user %" G_GINT64_FORMAT " to %s is a loop "
                     "(diverted from %u user(s) before); it rings user %" G_GINT64_FORMAT,
                     call->id, diversion_names[which], user_id, number, user_call->diverted->len,
                     user_id);
          return FALSE;
        }
      break;

    case CB_SIP_TARGET_HUNT_GROUP:
    case CB_SIP_TARGET_QUEUE:
    case CB_SIP_TARGET_TRUNK:
      break;

    case CB_SIP_TARGET_NONE:
    case CB_SIP_TARGET_FEATURE_CODE:
    default:
      g_debug ("Call %s: the %s diversion of user %" G_GINT64_FORMAT " to %s reaches nobody",
               call->id, diversion_names[which], user_id, number);
      return FALSE;
    }

  g_debug ("Call %s: %s diversion of user %" G_GINT64_FORMAT " to %s", call->id,
           diversion_names[which], user_id, number);
  leave_user (call, user_id);
  g_free (call->callee_number);
  call->callee_number = g_strdup (target.number);
  switch (target.kind)
    {
    case CB_SIP_TARGET_USER:
    case CB_SIP_TARGET_DEVICE:
      cb_b2bua_call_set_callee (call, target.user_id);
      route_user (call, target.user_id);
      break;

    case CB_SIP_TARGET_HUNT_GROUP:
    case CB_SIP_TARGET_QUEUE:
      cb_b2bua_call_set_callee (call, 0);
      cb_sip_hunt_divert (call, target.group);
      break;

    case CB_SIP_TARGET_TRUNK:
    default:
      cb_b2bua_call_set_callee (call, 0);
      if (cb_b2bua_call_trunk_fork (call, call->a->sdp))
        cb_b2bua_call_publish (call);
      else
        cb_b2bua_call_terminate (call, 480);
      break;
    }
  return TRUE;
}

/* ---- ringing --------------------------------------------------------------- */

static gboolean
mobile_due (gpointer data)
{
  CbB2buaCall *call = data;
  CbSipUserCall *user_call = call->user_call;
  g_autofree char *number = g_steal_pointer (&user_call->mobile);

  user_call->mobile_id = 0;
  if (call->state == CB_WIRE_CALL_STATE_RINGING && call->b == NULL && cb_sip_mobile_ring (call, number))
    cb_b2bua_call_publish (call);
  return G_SOURCE_REMOVE;
}

/* The user's own phones, and their mobile (now or after its delay).
 * FALSE when nothing rings or will. */
static gboolean
ring_own (CbB2buaCall *call)
{
  CbSipUserCall *user_call = call->user_call;
  CbSipServer *server = server_of (call);
  g_autoptr(GPtrArray) contacts = contacts_of (call, user_call->user_id);
  g_autofree char *mobile = cb_sip_mobile_number (server, user_call->user_id);
  guint delay = cb_sip_mobile_delay (server, user_call->user_id);
  gboolean any = FALSE;

  user_call->phones_rang = TRUE;
  if (contacts->len > 0 && call->a != NULL)
    {
      cb_b2bua_call_start_forks (call, contacts, call->a->sdp);
      any = TRUE;
    }
  /* With nothing else ringing the mobile does not wait. */
  if (mobile != NULL && (delay == 0 || !any))
    any |= cb_sip_mobile_ring (call, mobile);
  else if (mobile != NULL)
    {
      g_clear_handle_id (&user_call->mobile_id, cb_sip_timeout_remove);
      g_free (user_call->mobile);
      user_call->mobile = g_steal_pointer (&mobile);
      user_call->mobile_id = cb_sip_timeout_add (delay * 1000, mobile_due, call);
    }
  return any;
}

/* The assistants the leader's filter offers the call to. The leader
 * hears of it (their call events, their lamp) only once their own phones
 * ring: `forked` says the callee's phones rang. */
static gboolean
ring_assistants (CbB2buaCall           *call,
                 const CbSipFilterPlan *plan)
{
  gboolean callee_rang = call->forked;
  gboolean any = FALSE;

  for (guint i = 0; i < plan->assistants->len; i++)
    any |= cb_b2bua_call_ring_user (call, g_array_index (plan->assistants, gint64, i), FALSE, NULL);
  cb_b2bua_call_set_forked (call, callee_rang);
  return any;
}

/* The filter's second stage: the assistants, or the leader's phones. */
static gboolean
ring_later (CbB2buaCall *call)
{
  CbSipUserCall *user_call = call->user_call;
  g_auto(CbSipFilterPlan) plan = { 0 };
  gboolean any;

  if (user_call->later_assistants)
    any = cb_sip_assistants_plan (call, user_call->user_id, &plan) && ring_assistants (call, &plan);
  else
    any = ring_own (call);
  g_debug ("Call %s: the filter's second stage: the %s %s", call->id,
           user_call->later_assistants ? "assistants" : "leader", any ? "ring" : "cannot ring");
  return any;
}

static gboolean
filter_due (gpointer data)
{
  CbB2buaCall *call = data;
  CbSipUserCall *user_call = call->user_call;

  user_call->filter_id = 0;
  if (call->state != CB_WIRE_CALL_STATE_RINGING || call->b != NULL || user_call->user_id <= 0)
    return G_SOURCE_REMOVE;
  if (ring_later (call))
    cb_b2bua_call_publish (call);
  return G_SOURCE_REMOVE;
}

static gboolean
no_answer_due (gpointer data)
{
  CbB2buaCall *call = data;
  CbSipUserCall *user_call = call->user_call;
  g_autofree char *target = NULL;

  user_call->no_answer_id = 0;
  if (call->state != CB_WIRE_CALL_STATE_RINGING || call->b != NULL || user_call->user_id <= 0)
    return G_SOURCE_REMOVE;
  target = diversion_of (call, user_call->user_id, DIVERSION_NO_ANSWER);
  /* FALSE: a loop, or nobody there; the phones ring on. */
  if (target != NULL)
    divert (call, user_call->user_id, target, DIVERSION_NO_ANSWER);
  return G_SOURCE_REMOVE;
}

void
cb_sip_diversion_ring (CbB2buaCall *call)
{
  CbSipUserCall *user_call = call->user_call;
  gint64 user_id = user_call->user_id;
  g_auto(CbSipFilterPlan) plan = { 0 };
  g_autofree char *no_answer = NULL;
  const CbUserRecord *user;
  gboolean filtered, assistants_now = FALSE, own_now = TRUE, any = FALSE;

  filtered = !user_call->breakthrough && cb_sip_assistants_plan (call, user_id, &plan);
  if (filtered)
    {
      user_call->for_user_id = user_id;
      assistants_now = plan.strategy != CB_ASSISTANT_FILTER_LEADER_FIRST;
      own_now = plan.strategy == CB_ASSISTANT_FILTER_LEADER_FIRST ||
                plan.strategy == CB_ASSISTANT_FILTER_ALL;
      if (plan.strategy == CB_ASSISTANT_FILTER_ASSISTANTS_FIRST ||
          plan.strategy == CB_ASSISTANT_FILTER_LEADER_FIRST)
        {
          user_call->later_assistants = plan.strategy == CB_ASSISTANT_FILTER_LEADER_FIRST;
          user_call->filter_id = cb_sip_timeout_add (plan.delay * 1000, filter_due, call);
        }
    }
  if (assistants_now)
    any |= ring_assistants (call, &plan);
  if (own_now)
    any |= ring_own (call);
  if (!any)
    {
      /* The assistants cannot be rung after all: the user's phones. */
      g_clear_handle_id (&user_call->filter_id, cb_sip_timeout_remove);
      any = !user_call->phones_rang && ring_own (call);
    }
  if (!any)
    {
      g_autofree char *target = user_call->breakthrough
                                  ? NULL : diversion_of (call, user_id, DIVERSION_NO_ANSWER);

      if (target == NULL || !divert (call, user_id, target, DIVERSION_NO_ANSWER))
        cb_b2bua_call_terminate (call, 480);
      return;
    }

  user = cb_directory_get_user (call->b2bua->directory, user_id);
  if (!user_call->breakthrough && user != NULL &&
      (no_answer = diversion_of (call, user_id, DIVERSION_NO_ANSWER)) != NULL)
    user_call->no_answer_id = cb_sip_timeout_add (MAX (user->diversion.no_answer_after, 1) * 1000,
                                                  no_answer_due, call);
  cb_b2bua_call_publish (call);
}

/* Anything to ring at all: a phone, the mobile, an assistant. */
static gboolean
something_rings (CbB2buaCall *call,
                 gint64       user_id)
{
  g_autoptr(GPtrArray) contacts = contacts_of (call, user_id);
  g_autofree char *mobile = NULL;
  g_auto(CbSipFilterPlan) plan = { 0 };

  if (contacts->len > 0 || (mobile = cb_sip_mobile_number (server_of (call), user_id)) != NULL)
    return TRUE;
  return !call->user_call->breakthrough && cb_sip_assistants_plan (call, user_id, &plan);
}

/* Steps 1–5 for user_id, the call's callee now. */
static void
route_user (CbB2buaCall *call,
            gint64       user_id)
{
  CbSipUserCall *user_call = call->user_call;
  const CbUserRecord *user = cb_directory_get_user (call->b2bua->directory, user_id);
  g_autofree char *target = NULL;
  gboolean dnd;

  user_call->user_id = user_id;
  user_call->phones_rang = FALSE;
  user_call->breakthrough = cb_sip_assistants_serves (call->b2bua->directory, user_call->by_user_id,
                                                       user_id);
  if (user == NULL)
    {
      cb_b2bua_call_terminate (call, 404);
      return;
    }
  dnd = user->availability == CB_AVAILABILITY_DND;
  if (user_call->breakthrough)
    g_debug ("Call %s: user %" G_GINT64_FORMAT " assists user %" G_GINT64_FORMAT
             " and breaks through", call->id, user_call->by_user_id, user_id);
  else
    {
      if ((target = diversion_of (call, user_id, DIVERSION_UNCONDITIONAL)) != NULL &&
          divert (call, user_id, target, DIVERSION_UNCONDITIONAL))
        return;
      g_clear_pointer (&target, g_free);
      if ((dnd || line_busy (call, user_id)) &&
          (target = diversion_of (call, user_id, DIVERSION_BUSY)) != NULL &&
          divert (call, user_id, target, DIVERSION_BUSY))
        return;
      g_clear_pointer (&target, g_free);
      if (dnd)
        {
          g_debug ("Call %s: user %" G_GINT64_FORMAT " does not want to be disturbed", call->id,
                   user_id);
          cb_b2bua_call_terminate (call, 486);
          return;
        }
    }

  if (!something_rings (call, user_id))
    {
      if (user_call->breakthrough || (target = diversion_of (call, user_id, DIVERSION_NO_ANSWER)) == NULL ||
          !divert (call, user_id, target, DIVERSION_NO_ANSWER))
        cb_b2bua_call_terminate (call, 480);
      return;
    }
  if (!user_call->breakthrough && cb_sip_announcement_start (call, user_id))
    {
      cb_b2bua_call_publish (call);
      return;
    }
  cb_sip_diversion_ring (call);
}

/* ---- what the B2BUA asks --------------------------------------------------- */

gboolean
cb_sip_diversion_reachable (CbSipServer *server,
                            gint64       user_id)
{
  CbDirectory *directory = cb_sip_server_get_directory (server);
  const CbUserRecord *user = cb_directory_get_user (directory, user_id);
  g_autoptr(GPtrArray) contacts = NULL;
  g_autofree char *mobile = NULL;

  if (user == NULL)
    return FALSE;
  contacts = cb_sip_registrar_contacts_of (cb_sip_server_get_registrar (server), user_id);
  return contacts->len > 0 ||
         (user->diversion.unconditional != NULL && user->diversion.unconditional[0] != '\0') ||
         (user->diversion.no_answer != NULL && user->diversion.no_answer[0] != '\0') ||
         (mobile = cb_sip_mobile_number (server, user_id)) != NULL ||
         cb_sip_assistants_reachable (server, user_id);
}

void
cb_sip_diversion_new_call (CbSipB2bua        *b2bua,
                           const CbSipInvite *invite,
                           gint64             user_id,
                           const char        *number)
{
  CbB2buaCall *call;

  /* Nothing at all to reach: refused, on record for the caller. */
  if (!cb_sip_diversion_reachable (b2bua->server, user_id))
    {
      cb_b2bua_call_refuse (b2bua, invite, number, user_id, 480, NULL,
                            CB_CALL_END_REASON_UNKNOWN);
      return;
    }
  call = cb_b2bua_call_new_incoming (b2bua, invite, number);
  cb_b2bua_call_set_callee (call, user_id);
  user_call_of (call)->by_user_id = invite->caller_id;
  route_user (call, user_id);
}

void
cb_sip_diversion_route (CbB2buaCall *call,
                        gint64       user_id,
                        gint64       by_user_id)
{
  user_call_of (call)->by_user_id = by_user_id;
  cb_b2bua_call_set_callee (call, user_id);
  route_user (call, user_id);
}

void
cb_sip_diversion_answered (CbB2buaCall *call)
{
  CbSipUserCall *user_call = call->user_call;

  if (user_call == NULL)
    return;
  stop_timers (user_call);
  cb_sip_announcement_stop (call);
  /* Someone else (an assistant, a picker) took it before the callee's
   * phones rang: the callee heard nothing of it and gets no "ended", only
   * their journal entry; the taker is its callee from now on. */
  if (!call->forked && call->callee_id > 0 && call->group == NULL)
    {
      cb_b2bua_call_rung_add (call, call->callee_id)->ended = TRUE;
      cb_b2bua_call_set_forked (call, TRUE);
    }
}

void
cb_sip_diversion_ended (CbB2buaCall *call)
{
  if (call->user_call == NULL)
    return;
  stop_timers (call->user_call);
  cb_sip_announcement_stop (call);
}

gboolean
cb_sip_diversion_fork_failed (CbB2buaCall *call,
                              int          status)
{
  CbSipUserCall *user_call = call->user_call;
  gboolean busy = status == 486 || status == 600 || status == 603;
  g_autofree char *target = NULL;
  gint64 user_id;

  if (user_call == NULL || call->group != NULL || (user_id = user_call->user_id) <= 0 ||
      call->callee_id != user_id || call->b != NULL)
    return FALSE;

  /* What was still to ring rings now. */
  if (user_call->filter_id != 0)
    {
      g_clear_handle_id (&user_call->filter_id, cb_sip_timeout_remove);
      if (ring_later (call) || user_call->mobile_id != 0)
        {
          cb_b2bua_call_publish (call);
          return TRUE;
        }
    }
  if (user_call->mobile_id != 0 && !busy)
    {
      g_autofree char *number = g_steal_pointer (&user_call->mobile);

      g_clear_handle_id (&user_call->mobile_id, cb_sip_timeout_remove);
      if (cb_sip_mobile_ring (call, number))
        {
          cb_b2bua_call_publish (call);
          return TRUE;
        }
    }
  if (user_call->breakthrough)
    return FALSE;
  target = diversion_of (call, user_id, busy ? DIVERSION_BUSY : DIVERSION_NO_ANSWER);
  return target != NULL && divert (call, user_id, target, busy ? DIVERSION_BUSY : DIVERSION_NO_ANSWER);
}
