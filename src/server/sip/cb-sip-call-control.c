/* cb-sip-call-control.c: REST call control: dial from a phone, hang up, hold, forward or deflect, consult, transfer, answer, DTMF
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a client asks of its user's calls, on the B2BUA's call model. A
 * user may act on calls they place, receive, or that ring at them (a
 * group member's, a picker's). "Call from desk phone" is RFC 3725 flow I:
 * the server rings the user's own phone with no offer, and the offer in
 * its 200 goes to the target. Forward and transfer move the other
 * party's leg to a new call; a transfer reconnects the two legs with a
 * fresh offer (flow I again, as re-INVITEs). Forwarding a call that still
 * rings deflects it: the same call rings the target instead.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <string.h>

#include "cb-sip-assistants.h"
#include "cb-sip-b2bua-private.h"
#include "cb-sip-diversion.h"
#include "cb-sip-conference.h"
#include "cb-sip-headers.h"
#include "cb-sip-hunt.h"
#include "cb-sip-registrar.h"
#include "cb-sip-router.h"
#include "cb-sip-tls.h"
#include "cb-sip-timers.h"

#define DTMF_DIGITS "0123456789*#ABCD"
#define DTMF_MAX_DIGITS 64
#define DTMF_DURATION_MS 160

static gboolean
is_caller (CbB2buaCall *call,
           gint64       user_id)
{
  return call->caller_id == user_id;
}

/* The call as the user sees it now. */
static JsonObject *
answer_with (CbB2buaCall *call,
             gint64       user_id)
{
  return cb_b2bua_call_data (call, user_id, call->state);
}

static gboolean
running (CbSipServer  *self,
         GError      **error)
{
  if (cb_sip_server_get_nua (self) != NULL)
    return TRUE;
  g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_UNAVAILABLE, "SIP is not running");
  return FALSE;
}

/* A call the user places, receives, or that rings at them. */
static CbB2buaCall *
find_own_call (CbSipServer  *self,
               gint64        user_id,
               const char   *call_id,
               GError      **error)
{
  CbB2buaCall *call = cb_sip_b2bua_lookup (cb_sip_server_get_b2bua (self), call_id);

  if (call == NULL || call->state == CB_WIRE_CALL_STATE_ENDED || !cb_b2bua_call_concerns (call, user_id))
    {
      /* Someone else's call is forbidden, but only when it exists. */
      if (call != NULL && call->state != CB_WIRE_CALL_STATE_ENDED)
        g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_FORBIDDEN, "Not your call");
      else
        g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND, "No such call");
      return NULL;
    }
  return call;
}

/* The user's leg in the call and the other party's (either may be NULL). */
static void
legs_of (CbB2buaCall  *call,
         gint64        user_id,
         CbB2buaLeg  **mine,
         CbB2buaLeg  **other)
{
  *mine = is_caller (call, user_id) ? call->a : call->b;
  *other = is_caller (call, user_id) ? call->b : call->a;
}

/* The user's leg and the other party's, both up and not renegotiating. */
static gboolean
connected_legs (CbB2buaCall  *call,
                gint64        user_id,
                CbB2buaLeg  **mine,
                CbB2buaLeg  **other,
                GError      **error)
{
  legs_of (call, user_id, mine, other);
  if (call->conference != NULL)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_IN_CONFERENCE,
                   "The call is part of a conference");
      return FALSE;
    }
  if (call->b == NULL || call->a == NULL || call->a->state != CB_B2BUA_LEG_UP ||
      call->b->state != CB_B2BUA_LEG_UP)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_CONNECTED,
                   "The call is not connected");
      return FALSE;
    }
  if (call->a->reinviting || call->b->reinviting)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_RENEGOTIATING,
                   "The call is being renegotiated; try again");
      return FALSE;
    }
  return TRUE;
}

/* A target user_id can reach by REST: a user (or DeviceOnly phone) with
 * something registered or a diversion, mobile or assistants that take
 * their calls, or a number the trunk takes when they may call out. */
static gboolean
reachable (CbSipServer        *self,
           gint64              user_id,
           const CbSipTarget  *target,
           const char         *to,
           GError            **error)
{
  switch (target->kind)
    {
    case CB_SIP_TARGET_TRUNK:
      switch (cb_sip_route_external (self, user_id, target->number))
        {
        case CB_SIP_EXTERNAL_FORBIDDEN:
          g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_FORBIDDEN,
                       "You may not call external numbers");
          return FALSE;
        case CB_SIP_EXTERNAL_LIMIT:
          g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_TOO_MANY_CALLS,
                       "Too many external calls of yours are going on");
          return FALSE;
        case CB_SIP_EXTERNAL_ALLOWED:
        default:
          return TRUE;
        }

    case CB_SIP_TARGET_USER:
    case CB_SIP_TARGET_DEVICE:
      if (cb_sip_diversion_reachable (self, target->user_id))
        return TRUE;
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_UNREACHABLE,
                   "Nothing is registered for “%s”", to);
      return FALSE;

    case CB_SIP_TARGET_NONE:
    default:
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND, "Unknown number “%s”", to);
      return FALSE;
    }
}

/* REST reaches users and the trunk; a group's number is not dialled
 * from here. */
static void
route (CbSipServer *self,
       const char  *to,
       CbSipTarget *target)
{
  cb_sip_route (self, to, CB_SIP_ROUTE_USERS | CB_SIP_ROUTE_TRUNK, target);
}

/* Third-party call control from one of the user's devices (RFC 3725
 * flow I): an offerless INVITE to the device; its 200 starts the forks. */
static CbB2buaCall *
click_call (CbSipServer       *self,
            gint64             user_id,
            gint64             as_user_id,
            const CbSipTarget *target,
            const char        *device)
{
  CbDirectory *directory = cb_sip_server_get_directory (self);
  const char *address = cb_sip_server_get_address (self);
  g_autoptr(CbSipLineRecord) own = NULL;
  g_autofree char *from = NULL;
  g_autofree char *dest = NULL;
  g_autofree char *call_info = NULL;
  CbB2buaCall *call;

  call = cb_b2bua_call_new (cb_sip_server_get_b2bua (self), NULL);
  cb_b2bua_call_set_caller (call, user_id);
  call->as_user_id = as_user_id;
  cb_b2bua_call_set_callee (call, target->user_id);
  call->external = target->kind == CB_SIP_TARGET_TRUNK;
  own = cb_store_get_softphone_line (cb_sip_server_get_store (self), user_id, NULL);
  call->caller_number = cb_sip_user_number (directory, user_id, own != NULL ? own->username : "");
  call->callee_number = g_strdup (target->number);

  /* The user's phone shows whom it is about to call. */
  call->a = cb_b2bua_leg_new (call, FALSE, CB_B2BUA_LEG_CALLING);
  call->a->manual_ack = TRUE;
  from = cb_sip_name_addr_at (cb_sip_user_name (directory, target->user_id), call->callee_number,
                              address, cb_sip_server_get_port (self));
  dest = cb_sip_name_addr (NULL, device);
  call_info = g_strdup_printf ("<%s>;answer-after=0", cb_sip_server_get_uri (self));
  cb_b2bua_leg_open (call->a, device, from, dest);
  nua_set_hparams (call->a->nh, NUTAG_AUTOACK (0), TAG_END ());
  /* No offer: the phone makes it in its 200 (RFC 3725 flow I). */
  nua_invite (call->a->nh,
              NUTAG_URL (device),
              SIPTAG_CALL_INFO_STR (call_info),
              TAG_END ());
  cb_b2bua_call_publish (call);
  return call;
}

/* The user sent @call on to @to (a user, 0: beyond the trunk) at
 * @number: their side and journal entry say where. */
static void
mark_forwarded (CbB2buaCall *call,
                gint64       user_id,
                gint64       to,
                const char  *number)
{
  call->forwarded_by = user_id;
  call->forwarded_to = to;
  g_free (call->forwarded_to_number);
  call->forwarded_to_number = g_strdup (number);
}

/* Ends a call the other party's leg was moved out of; the user's side of
 * it, as ended, is the answer. */
static JsonObject *
end_left_call (CbB2buaCall *call,
               gint64       user_id)
{
  JsonObject *answer;

  call->end_reason = CB_CALL_END_REASON_TRANSFERRED;
  answer = cb_b2bua_call_data (call, user_id, CB_WIRE_CALL_STATE_ENDED);
  cb_b2bua_call_terminate (call, 0);
  cb_b2bua_call_drop_if_finished (call);
  return answer;
}

/* ---- the REST functions -------------------------------------------------- */

JsonArray *
cb_sip_server_list_calls (CbSipServer *self,
                          gint64       user_id)
{
  JsonArray *array = json_array_new ();
  GHashTableIter iter;
  CbB2buaCall *call;

  g_return_val_if_fail (CB_IS_SIP_SERVER (self), array);

  g_hash_table_iter_init (&iter, cb_sip_server_get_b2bua (self)->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call))
    {
      if (call->state == CB_WIRE_CALL_STATE_ENDED)
        continue;
      if (cb_b2bua_call_concerns (call, user_id))
        json_array_add_object_element (array, answer_with (call, user_id));
    }
  return array;
}

JsonObject *
cb_sip_server_dial (CbSipServer  *self,
                    gint64        user_id,
                    const char   *to,
                    const char   *device_kind,
                    gint64        as_user_id,
                    GError      **error)
{
  g_autoptr(GPtrArray) devices = NULL;
  g_auto(CbSipTarget) target = { 0 };
  CbB2buaCall *call;

  g_return_val_if_fail (CB_IS_SIP_SERVER (self), NULL);

  if (!running (self, error))
    return NULL;
  if (as_user_id > 0 && !cb_sip_assistants_serves (cb_sip_server_get_directory (self), user_id, as_user_id))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_FORBIDDEN,
                   "You are not logged into an assistant group of that user");
      return NULL;
    }
  route (self, to, &target);
  if (target.kind == CB_SIP_TARGET_NONE)
    {
      reachable (self, user_id, &target, to, error);
      return NULL;
    }
  devices = cb_sip_registrar_contacts_of_kind (cb_sip_server_get_registrar (self), user_id, device_kind);
  if (devices->len == 0)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NO_PHONE,
                   "No %s phone of yours is registered", device_kind);
      return NULL;
    }
  if (!reachable (self, user_id, &target, to, error))
    return NULL;

  call = click_call (self, user_id, as_user_id, &target, g_ptr_array_index (devices, 0));
  return answer_with (call, user_id);
}

JsonObject *
cb_sip_server_hangup (CbSipServer  *self,
                      gint64        user_id,
                      const char   *call_id,
                      GError      **error)
{
  CbB2buaCall *call;

  g_return_val_if_fail (CB_IS_SIP_SERVER (self), NULL);

  if ((call = find_own_call (self, user_id, call_id, error)) == NULL)
    return NULL;
  /* One member leaving a conference ends nobody else's call. */
  if (call->conference != NULL)
    return cb_sip_conference_hang_up (call, user_id);
  if (!is_caller (call, user_id) && call->callee_id != user_id)
    return cb_sip_hunt_decline (call, user_id);
  /* A callee hanging up a ringing call declines it. */
  if (!is_caller (call, user_id) && call->state == CB_WIRE_CALL_STATE_RINGING)
    call->callee_declined = TRUE;
  cb_b2bua_call_terminate (call, is_caller (call, user_id) ? 487 : 603);
  return answer_with (call, user_id);
}

JsonObject *
cb_sip_server_hold (CbSipServer  *self,
                    gint64        user_id,
                    const char   *call_id,
                    gboolean      hold,
                    GError      **error)
{
  g_autofree char *to_other = NULL;
  g_autofree char *to_mine = NULL;
  CbSipSdpDirection direction = hold ? CB_SIP_SDP_SENDONLY : CB_SIP_SDP_SENDRECV;
  CbB2buaLeg *mine, *other;
  CbB2buaCall *call;

  g_return_val_if_fail (CB_IS_SIP_SERVER (self), NULL);

  if ((call = find_own_call (self, user_id, call_id, error)) == NULL ||
      !connected_legs (call, user_id, &mine, &other, error))
    return NULL;

  /* Both phones stop sending: the held party is told so, and the user's
   * own phone, which knows nothing of the hold, is made to stop too. */
  to_other = cb_b2bua_leg_sdp_for (other, mine->sdp, direction);
  to_mine = cb_b2bua_leg_sdp_for (mine, other->sdp, direction);
  cb_b2bua_leg_reinvite (other, to_other, NULL);
  cb_b2bua_leg_reinvite (mine, to_mine, NULL);
  cb_b2bua_call_set_state (call, hold ? CB_WIRE_CALL_STATE_HELD : CB_WIRE_CALL_STATE_CONNECTED);
  return answer_with (call, user_id);
}

/* A call still ringing at the user (their own, or a group's at them),
 * not yet answered by anyone: its caller's INVITE still waits. */
static gboolean
rings_unanswered (CbB2buaCall *call,
                  gint64       user_id)
{
  if (call->state != CB_WIRE_CALL_STATE_RINGING || call->b != NULL || is_caller (call, user_id) ||
      call->a == NULL ||
      (call->a->state != CB_B2BUA_LEG_INCOMING && call->a->state != CB_B2BUA_LEG_AWAIT_ACK))
    return FALSE;
  return (call->callee_id == user_id && call->forked) || cb_b2bua_call_rings_at (call, user_id);
}

/* A call sent on (or a consultation) goes to someone else: not back to
 * the user (their own phone would ring with it) nor to the call's other
 * party. */
static gboolean
other_party_target (const CbSipTarget  *target,
                    gint64              user_id,
                    gint64              party,
                    const char         *to,
                    GError            **error)
{
  if (target->user_id > 0 && (target->user_id == user_id || target->user_id == party))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_SAME_PARTY,
                   "The call cannot go on to “%s”", to);
      return FALSE;
    }
  return TRUE;
}

/* Deflection: a call ringing at the user goes on to the target without
 * being answered; the caller keeps ringing. The user (and a group's
 * other members) stop ringing and get their "ended" event, and their
 * journal entry once it is decided who took the call (taken_by: the
 * target); the target is the callee from now on. A group call leaves
 * its group's hunting as an overflow does. */
static JsonObject *
deflect (CbSipServer        *self,
         CbB2buaCall        *call,
         gint64              user_id,
         const CbSipTarget  *target,
         const char         *to,
         GError            **error)
{
  g_autoptr(GPtrArray) contacts = NULL;
  JsonObject *answer;

  if (!other_party_target (target, user_id, call->caller_id, to, error))
    return NULL;
  g_debug ("Call %s: deflected by %" G_GINT64_FORMAT " to %s", call->id, user_id, to);

  cb_sip_hunt_answered (call);
  if (call->group != NULL)
    call->group->overflowed = TRUE;
  g_clear_handle_id (&call->ring_limit_id, cb_sip_timeout_remove);
  cb_b2bua_call_cancel_forks (call, 0, NULL, FALSE);
  if (call->callee_id > 0)
    cb_b2bua_call_rung_add (call, call->callee_id);
  cb_b2bua_call_rung_add (call, user_id);
  cb_b2bua_call_set_callee (call, target->user_id);
  g_free (call->callee_number);
  call->callee_number = g_strdup (target->number);
  answer = cb_b2bua_call_data (call, user_id, CB_WIRE_CALL_STATE_ENDED);

  if (target->kind == CB_SIP_TARGET_TRUNK)
    cb_b2bua_call_trunk_fork (call, call->a->sdp);
  else
    {
      contacts = cb_sip_registrar_contacts_of (cb_sip_server_get_registrar (self), target->user_id);
      cb_b2bua_call_start_forks (call, contacts, call->a->sdp);
    }
  cb_b2bua_call_publish (call);
  return answer;
}

JsonObject *
cb_sip_server_forward (CbSipServer  *self,
                       gint64        user_id,
                       const char   *call_id,
                       const char   *to,
                       GError      **error)
{
  g_auto(CbSipTarget) target = { 0 };
  JsonObject *answer;
  CbB2buaLeg *mine, *other;
  CbB2buaCall *call, *next;
  const char *number;
  gint64 party;
  gint64 as_user_id;

  g_return_val_if_fail (CB_IS_SIP_SERVER (self), NULL);

  if ((call = find_own_call (self, user_id, call_id, error)) == NULL)
    return NULL;
  if (rings_unanswered (call, user_id))
    {
      route (self, to, &target);
      if (!reachable (self, user_id, &target, to, error))
        return NULL;
      return deflect (self, call, user_id, &target, to, error);
    }
  if (!connected_legs (call, user_id, &mine, &other, error))
    return NULL;
  route (self, to, &target);
  cb_b2bua_leg_party (other, &party, &number, &as_user_id);
  if (!other_party_target (&target, user_id, party, to, error) ||
      !reachable (self, user_id, &target, to, error))
    return NULL;

  /* The other party's leg moves to a new call to the target; the old
   * call ends for both (each keeps its journal entry). */
  next = cb_b2bua_call_new (cb_sip_server_get_b2bua (self), NULL);
  next->as_user_id = as_user_id;
  cb_b2bua_call_set_caller (next, party);
  next->caller_number = g_strdup (number);
  cb_b2bua_call_set_callee (next, target.user_id);
  next->callee_number = g_strdup (target.number);
  cb_b2bua_leg_move (other, next, FALSE);
  next->a = other;

  mark_forwarded (call, user_id, target.user_id, target.number);
  answer = end_left_call (call, user_id);

  if (target.kind == CB_SIP_TARGET_TRUNK)
    {
      /* The forward goes out on the user's account. */
      next->placed_by = user_id;
      if (cb_b2bua_call_trunk_fork (next, other->sdp))
        cb_b2bua_call_publish (next);
      else
        cb_b2bua_call_terminate (next, 0);
    }
  else
    /* The target's settings decide (and publish); the forwarding user
     * may break through them (an assistant forwarding to their leader). */
    cb_sip_diversion_route (next, target.user_id, user_id);
  return answer;
}

JsonObject *
cb_sip_server_consult (CbSipServer  *self,
                       gint64        user_id,
                       const char   *call_id,
                       const char   *to,
                       GError      **error)
{
  g_auto(CbSipTarget) target = { 0 };
  g_autoptr(JsonObject) held = NULL;
  CbB2buaLeg *mine, *other;
  CbB2buaCall *call, *consult;
  const char *number;
  gint64 party;

  g_return_val_if_fail (CB_IS_SIP_SERVER (self), NULL);

  if ((call = find_own_call (self, user_id, call_id, error)) == NULL ||
      !connected_legs (call, user_id, &mine, &other, error))
    return NULL;
  if (mine->contact == NULL)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NO_PHONE,
                   "Your phone in this call cannot be reached");
      return NULL;
    }
  route (self, to, &target);
  cb_b2bua_leg_party (other, &party, &number, NULL);
  if (!other_party_target (&target, user_id, party, to, error) ||
      !reachable (self, user_id, &target, to, error))
    return NULL;

  if (call->state == CB_WIRE_CALL_STATE_CONNECTED &&
      (held = cb_sip_server_hold (self, user_id, call_id, TRUE, error)) == NULL)
    return NULL;
  /* The same phone places the consultation call, as if the user had
   * dialled on it: it rings (answer-after=0), then the target. */
  consult = click_call (self, user_id, 0, &target, mine->contact);
  return answer_with (consult, user_id);
}

JsonObject *
cb_sip_server_transfer (CbSipServer  *self,
                        gint64        user_id,
                        const char   *call_id,
                        const char   *to_call_id,
                        GError      **error)
{
  CbB2buaLeg *mine, *other, *consult_mine, *consult_other;
  CbB2buaCall *call, *consult, *next;
  JsonObject *answer;
  const char *number;
  gint64 party;

  g_return_val_if_fail (CB_IS_SIP_SERVER (self), NULL);

  if ((call = find_own_call (self, user_id, call_id, error)) == NULL)
    return NULL;
  if ((consult = find_own_call (self, user_id, to_call_id, error)) == NULL)
    {
      /* Say which of the two calls is meant. */
      g_prefix_error (error, "Field “to_call”: ");
      return NULL;
    }
  if (call == consult)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “to_call” must be another call");
      return NULL;
    }
  if (!connected_legs (call, user_id, &mine, &other, error) ||
      !connected_legs (consult, user_id, &consult_mine, &consult_other, error))
    return NULL;

  /* The two other parties get a call of their own; the user's two calls
   * end (journal entries for everyone as usual). */
  next = cb_b2bua_call_new (cb_sip_server_get_b2bua (self), NULL);
  cb_b2bua_leg_party (other, &party, &number, &next->as_user_id);
  cb_b2bua_call_set_caller (next, party);
  next->caller_number = g_strdup (number);
  cb_b2bua_leg_party (consult_other, &party, &number, NULL);
  cb_b2bua_call_set_callee (next, party);
  next->callee_number = g_strdup (number);
  /* Each of the user's two calls went on to the other's party. */
  mark_forwarded (call, user_id, next->callee_id, next->callee_number);
  mark_forwarded (consult, user_id, next->caller_id, next->caller_number);
  cb_b2bua_leg_move (other, next, FALSE);
  cb_b2bua_leg_move (consult_other, next, TRUE);
  next->a = other;
  next->b = consult_other;
  /* A leg to the upstream stays on the account of who placed it, which
   * their journal has from the call they placed it in. */
  if (other->trunk || consult_other->trunk)
    {
      next->external = TRUE;
      next->placed_by = user_id;
      next->placed_journaled = TRUE;
    }
  cb_b2bua_call_set_forked (next, TRUE);
  next->alerted = TRUE;
  next->answered_at = next->started_at;
  cb_b2bua_call_set_state_quietly (next, CB_WIRE_CALL_STATE_CONNECTED);

  answer = end_left_call (call, user_id);
  json_object_unref (end_left_call (consult, user_id));

  cb_b2bua_legs_bridge (consult_other, other);
  cb_b2bua_call_publish (next);
  return answer;
}

/* The remote-answer convention of desk phones: an unsolicited NOTIFY
 * with Event: talk. sofia keeps no dialog for an INVITE still ringing
 * (it would send the NOTIFY to the To URI, i.e. to us), so it goes to the
 * device's contact outside the dialog: phones answer the call ringing
 * there (the oldest one, should there be several). Its handle is freed
 * when the answer comes (see cb_sip_b2bua_event()). */
void
cb_b2bua_leg_remote_answer (CbB2buaLeg *leg)
{
  CbSipServer *self = leg->call->b2bua->server;
  g_autofree char *to = cb_sip_name_addr (NULL, leg->contact);
  nua_handle_t *nh;

  nh = nua_handle (cb_sip_server_get_nua (self), NULL, NUTAG_URL (leg->contact), SIPTAG_TO_STR (to),
                   SIPTAG_FROM_STR (cb_sip_server_get_uri (self)), TAG_END ());
  cb_sip_tls_route_to_contact (self, nh, leg->contact);
  nua_notify (nh,
              NUTAG_NEWSUB (1),
              NUTAG_SUBSTATE (nua_substate_terminated),
              SIPTAG_EVENT_STR ("talk"),
              SIPTAG_SUBSCRIPTION_STATE_STR ("terminated;reason=noresource"),
              TAG_END ());
}

/* Of a user's devices the call is at: a desk phone first (the one the
 * user cannot reach from the client, the softphone otherwise), then one
 * that already rings. */
static gboolean
better_to_answer (CbB2buaLeg *leg,
                  CbB2buaLeg *than)
{
  gboolean desk = g_strcmp0 (leg->kind, "desk") == 0;

  if (desk != (g_strcmp0 (than->kind, "desk") == 0))
    return desk;
  return leg->early && !than->early;
}

JsonObject *
cb_sip_server_answer (CbSipServer  *self,
                      gint64        user_id,
                      const char   *call_id,
                      GError      **error)
{
  CbB2buaLeg *target = NULL;
  CbB2buaCall *call;

  g_return_val_if_fail (CB_IS_SIP_SERVER (self), NULL);

  if ((call = find_own_call (self, user_id, call_id, error)) == NULL)
    return NULL;

  if (call->state == CB_WIRE_CALL_STATE_RINGING && is_caller (call, user_id))
    {
      /* "Call from desk phone": the user's own phone rings first. */
      if (call->a != NULL && call->a->state == CB_B2BUA_LEG_CALLING && call->a->early &&
          call->a->contact != NULL)
        target = call->a;
    }
  else if (call->state == CB_WIRE_CALL_STATE_RINGING)
    {
      for (guint i = 0; i < call->legs->len; i++)
        {
          CbB2buaLeg *leg = g_ptr_array_index (call->legs, i);

          /* Not only one that rings yet: the card shows the call as soon
           * as the INVITE goes out, and a click may beat the phone's 180. */
          if (!leg->fork || leg->state != CB_B2BUA_LEG_CALLING || leg->nh == NULL ||
              leg->contact == NULL || (leg->user_id > 0 && leg->user_id != user_id))
            continue;
          if (target == NULL || better_to_answer (leg, target))
            target = leg;
        }
    }
  if (target == NULL)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_RINGING,
                   "The call is not ringing at your phone");
      return NULL;
    }

  /* A phone answers the call ringing at it: one that has not said so
   * yet is told when it does (on_invite_answer()). */
  if (target->early)
    cb_b2bua_leg_remote_answer (target);
  else
    {
      g_debug ("Call %s: its device is told to pick up once it rings", call->id);
      target->answer_when_early = TRUE;
    }
  return answer_with (call, user_id);
}

JsonObject *
cb_sip_server_send_dtmf (CbSipServer  *self,
                         gint64        user_id,
                         const char   *call_id,
                         const char   *digits,
                         GError      **error)
{
  CbB2buaLeg *mine, *other;
  CbB2buaCall *call;
  gsize len;

  g_return_val_if_fail (CB_IS_SIP_SERVER (self), NULL);

  if ((call = find_own_call (self, user_id, call_id, error)) == NULL)
    return NULL;
  len = digits != NULL ? strlen (digits) : 0;
  if (len == 0 || len > DTMF_MAX_DIGITS || strspn (digits, DTMF_DIGITS) != len)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “digits” must be 1–%d of 0-9 * # A-D", DTMF_MAX_DIGITS);
      return NULL;
    }
  legs_of (call, user_id, &mine, &other);
  if (call->state == CB_WIRE_CALL_STATE_RINGING || !cb_b2bua_leg_usable (mine) ||
      !cb_b2bua_leg_usable (other))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_CONNECTED,
                   "The call is not connected");
      return NULL;
    }

  /* SIP INFO (application/dtmf-relay) rather than RFC 4733 events: the
   * media does not pass through the server. sofia sends the INFOs of one
   * dialog one after the other, so the digits keep their order. */
  for (gsize i = 0; i < len; i++)
    {
      g_autofree char *body = g_strdup_printf ("Signal=%c\r\nDuration=%d\r\n",
                                               digits[i], DTMF_DURATION_MS);

      nua_info (other->nh,
                SIPTAG_CONTENT_TYPE_STR ("application/dtmf-relay"),
                SIPTAG_PAYLOAD_STR (body),
                TAG_END ());
    }
  return answer_with (call, user_id);
}
