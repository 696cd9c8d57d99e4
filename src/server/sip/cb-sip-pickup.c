/* cb-sip-pickup.c: taking over a call ringing at someone else: *97, *98, Replaces and REST pickup
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pickup is a team-level right (DESIGN.md): the picker's level towards
 * the user whose phone rings must be at least "team". Members logged
 * into a hunt group may also take that group's calls from each other.
 *
 * A phone picks up by dialling a code, or with one key from its busy lamp
 * field: an INVITE with Replaces (RFC 3891) naming the ringing dialog a
 * dialog-info NOTIFY showed (cb-sip-dialog-info.c). Either INVITE is the
 * picker's leg and takes the call at once. REST rings the picker's phone
 * with the call instead (answer-after=0), and the first answer wins as
 * usual.
 */

#define G_LOG_DOMAIN "cb-sip-pickup"

#include "config.h"

#include "cb-sip-headers.h"
#include "cb-sip-hunt.h"
#include "cb-sip-pickup.h"
#include "cb-sip-registrar.h"
#include "cb-sip-tls.h"

/* May `picker` take over a call ringing at `ringing_user` (group_id: the
 * call's group, 0 if none)? */
static gboolean
allowed (CbDirectory *directory,
         gint64       picker,
         gint64       ringing_user,
         gint64       group_id)
{
  if (picker <= 0 || picker == ringing_user)
    return FALSE;
  if (group_id > 0 && cb_directory_is_logged_in (directory, group_id, picker))
    return TRUE;
  return ringing_user > 0 && cb_directory_level (directory, picker, ringing_user) >= CB_LEVEL_TEAM;
}

/* *98 takes the oldest call instead of the newest when a hunt group the
 * picker belongs to says so. */
static gboolean
oldest_first (CbDirectory *directory,
              gint64       picker)
{
  g_autoptr(GPtrArray) groups = cb_directory_member_of (directory, picker);

  for (guint i = 0; groups != NULL && i < groups->len; i++)
    {
      const CbGroupRecord *group = g_ptr_array_index (groups, i);

      if (group->kind == CB_GROUP_KIND_HUNT && group->pickup_oldest)
        return TRUE;
    }
  return FALSE;
}

/* The users a ringing call rings at now, and whether `picker` may take it
 * from `target` (0: from anyone). */
static gboolean
may_pick_up (CbB2buaCall *call,
             gint64       picker,
             gint64       target)
{
  CbDirectory *directory = call->b2bua->directory;
  gint64 group_id = call->group != NULL ? call->group->group_id : 0;

  if (call->state != CB_WIRE_CALL_STATE_RINGING || call->b != NULL || call->a == NULL ||
      (call->a->state != CB_B2BUA_LEG_INCOMING && call->a->state != CB_B2BUA_LEG_AWAIT_ACK))
    return FALSE;
  if (target > 0)
    return (target == call->callee_id ? call->forked : cb_b2bua_call_rings_at (call, target)) &&
           allowed (directory, picker, target, group_id);

  if (call->callee_id > 0 && call->forked && call->callee_id != picker &&
      allowed (directory, picker, call->callee_id, group_id))
    return TRUE;
  for (guint i = 0; call->rung != NULL && i < call->rung->len; i++)
    {
      gint64 user_id = g_array_index (call->rung, CbSipRung, i).user_id;

      if (user_id != picker && cb_b2bua_call_rings_at (call, user_id) &&
          allowed (directory, picker, user_id, group_id))
        return TRUE;
    }
  return FALSE;
}

gboolean
cb_sip_pickup_may_take (CbB2buaCall *call,
                        gint64       picker,
                        gint64       target)
{
  return call->caller_id != picker && may_pick_up (call, picker, target);
}

/* A call ringing at target (0: any the picker may take, newest or oldest
 * first); *forbidden when one rings there that the picker may not take. */
static CbB2buaCall *
find_pickup (CbSipB2bua *b2bua,
             gint64      picker,
             gint64      target,
             gboolean   *forbidden)
{
  gboolean oldest = target == 0 && oldest_first (b2bua->directory, picker);
  GHashTableIter iter;
  CbB2buaCall *best = NULL;
  CbB2buaCall *call;

  *forbidden = FALSE;
  g_hash_table_iter_init (&iter, b2bua->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call))
    {
      if (call->caller_id == picker)
        continue;
      if (!may_pick_up (call, picker, target))
        {
          if (target > 0 && call->state == CB_WIRE_CALL_STATE_RINGING &&
              ((call->callee_id == target && call->forked) || cb_b2bua_call_rings_at (call, target)))
            *forbidden = TRUE;
          continue;
        }
      if (best == NULL || (oldest ? call->created_us < best->created_us
                                  : call->created_us > best->created_us))
        best = call;
    }
  if (best != NULL)
    *forbidden = FALSE;
  return best;
}

/* ---- the picker's offer -------------------------------------------------- */

/* The caller's leg answered, the picker's offer goes to the caller in a
 * re-INVITE; its answer will answer the picker's INVITE. */
static void
offer_to_caller (CbB2buaLeg *a,
                 CbB2buaLeg *picker)
{
  g_autofree char *body = cb_b2bua_leg_sdp_for (a, picker->sdp, CB_SIP_SDP_KEEP);

  cb_b2bua_leg_reinvite (a, body, picker);
}

void
cb_sip_pickup_acked (CbB2buaLeg *leg)
{
  CbB2buaLeg *picker = leg->pickup_offer;

  leg->pickup_offer = NULL;
  if (picker == NULL || leg->call->state == CB_WIRE_CALL_STATE_ENDED ||
      picker->state != CB_B2BUA_LEG_INCOMING)
    return;
  offer_to_caller (leg, picker);
}

gboolean
cb_sip_pickup_answered (CbB2buaLeg *relay_to,
                        int         status,
                        const char *phrase,
                        const char *sdp)
{
  CbB2buaCall *call;
  g_autofree char *body = NULL;

  if (relay_to == NULL || !relay_to->pickup || relay_to->state != CB_B2BUA_LEG_INCOMING ||
      relay_to->nh == NULL)
    return FALSE;
  call = relay_to->call;
  if (status >= 300 || sdp == NULL)
    {
      g_debug ("Call %s: the caller refused the picker's offer (%d %s)", call->id, status, phrase);
      nua_respond (relay_to->nh, status >= 300 ? status : 488,
                   cb_sip_relayed_phrase (status >= 300 ? status : 488), TAG_END ());
      cb_b2bua_leg_set_state (relay_to, CB_B2BUA_LEG_GONE);
      cb_b2bua_call_terminate (call, 0);
      return TRUE;
    }
  body = cb_b2bua_leg_sdp_for (relay_to, sdp, CB_SIP_SDP_KEEP);
  nua_respond (relay_to->nh, SIP_200_OK, CB_SIP_SDP_TAGS (body), TAG_END ());
  cb_b2bua_leg_set_state (relay_to, CB_B2BUA_LEG_UP);
  cb_b2bua_call_set_state (call, cb_sip_sdp_holds (sdp) ? CB_WIRE_CALL_STATE_HELD
                                                        : CB_WIRE_CALL_STATE_CONNECTED);
  return TRUE;
}

/* ---- by dialling, or with Replaces ------------------------------------- */

/* The picker's INVITE takes `call`: answers and owns invite->nh. */
static void
take_call (CbSipB2bua        *b2bua,
           CbB2buaCall       *call,
           const CbSipInvite *invite)
{
  nua_handle_t *nh = invite->nh;
  const sip_t *sip = invite->sip;
  gint64 picker = invite->caller_id;
  g_autofree char *hold = NULL;
  g_autofree char *body = NULL;
  CbB2buaLeg *leg;
  CbB2buaLeg *a;

  /* An answer to the caller's offer that holds the call until the
   * picker's offer reaches it. */
  a = call->a;
  if (a->sdp != NULL)
    hold = cb_sip_sdp_inactive_answer (a->sdp, cb_sip_server_get_address (b2bua->server));
  if (sip->sip_payload == NULL || sip->sip_payload->pl_len == 0 || hold == NULL)
    {
      /* Both sides offered, or neither did: nothing to build on. */
      nua_respond (nh, SIP_488_NOT_ACCEPTABLE, TAG_END ());
      nua_handle_destroy (nh);
      return;
    }

  /* Two offers wait for answers: the caller's (its INVITE, or the 200 of
   * a "call from desk phone") and the picker's. The caller's gets an
   * inactive answer from us; once its dialog is up, the picker's offer
   * goes to it in a re-INVITE, and its answer answers the picker. So
   * both phones settle on a codec each of them chose, whatever their
   * preferences. */
  leg = cb_b2bua_leg_new (call, TRUE, CB_B2BUA_LEG_INCOMING);
  cb_b2bua_leg_set_user (leg, picker);
  leg->pickup = TRUE;
  cb_b2bua_leg_adopt_invite (leg, nh, sip);
  g_debug ("Call %s: picked up by %" G_GINT64_FORMAT, call->id, picker);
  cb_b2bua_call_take_leg (call, leg);

  body = cb_b2bua_leg_sdp_for (a, hold, CB_SIP_SDP_INACTIVE);
  if (a->state == CB_B2BUA_LEG_AWAIT_ACK)
    {
      nua_ack (a->nh, CB_SIP_SDP_TAGS (body), TAG_END ());
      cb_b2bua_leg_set_state (a, CB_B2BUA_LEG_UP);
      offer_to_caller (a, leg);
    }
  else
    {
      /* A re-INVITE must wait for the ACK of our 200 (RFC 3261 §14.1). */
      nua_respond (a->nh, SIP_200_OK, CB_SIP_SDP_TAGS (body),
                   CB_SIP_CONTACT_TAGS (a->call->b2bua->server, a->secure), TAG_END ());
      cb_b2bua_leg_set_state (a, CB_B2BUA_LEG_UP);
      a->pickup_offer = leg;
    }
  /* Taken: no other pickup, no ring timeout; "connected" comes with the
   * picker's 200. */
  cb_b2bua_call_publish (call);
}

void
cb_sip_pickup_invite (CbSipB2bua        *b2bua,
                      const CbSipInvite *invite,
                      gint64             target)
{
  gboolean forbidden = FALSE;
  CbB2buaCall *call = find_pickup (b2bua, invite->caller_id, target, &forbidden);

  if (call == NULL)
    {
      if (forbidden)
        nua_respond (invite->nh, SIP_403_FORBIDDEN, TAG_END ());
      else
        nua_respond (invite->nh, 404, "Nothing to pick up", TAG_END ());
      nua_handle_destroy (invite->nh);
      return;
    }
  if (target > 0)
    call->picked_up_from = target;
  take_call (b2bua, call, invite);
}

/* Whether the dialog of `leg` is the one `replaces` names: its Call-ID,
 * and its two tags when given, in either order (phones differ in whose
 * view to-tag and from-tag take). */
static gboolean
names_leg (const sip_replaces_t *replaces,
           CbB2buaLeg           *leg)
{
  const char *a = replaces->rp_to_tag;
  const char *b = replaces->rp_from_tag;

  if (leg->call_id == NULL || g_strcmp0 (leg->call_id, replaces->rp_call_id) != 0)
    return FALSE;
  if (a == NULL || b == NULL || leg->local_tag == NULL || leg->remote_tag == NULL)
    return TRUE;
  return (g_strcmp0 (a, leg->local_tag) == 0 && g_strcmp0 (b, leg->remote_tag) == 0) ||
         (g_strcmp0 (a, leg->remote_tag) == 0 && g_strcmp0 (b, leg->local_tag) == 0);
}

void
cb_sip_pickup_replaces (CbSipB2bua        *b2bua,
                        const CbSipInvite *invite)
{
  const sip_replaces_t *replaces = invite->sip->sip_replaces;
  gint64 picker = invite->caller_id;
  GHashTableIter iter;
  CbB2buaCall *call;
  CbB2buaLeg *found = NULL;
  gint64 target;

  g_hash_table_iter_init (&iter, b2bua->calls);
  while (found == NULL && g_hash_table_iter_next (&iter, NULL, (gpointer *) &call))
    for (guint i = 0; i < call->legs->len && found == NULL; i++)
      if (names_leg (replaces, g_ptr_array_index (call->legs, i)))
        found = g_ptr_array_index (call->legs, i);

  if (found == NULL || found->call->state == CB_WIRE_CALL_STATE_ENDED)
    {
      /* RFC 3891 §3: no such dialog. */
      g_debug ("Replaces names no dialog of ours (%s)", replaces->rp_call_id);
      nua_respond (invite->nh, SIP_481_NO_TRANSACTION, TAG_END ());
      nua_handle_destroy (invite->nh);
      return;
    }
  call = found->call;
  if (call->state != CB_WIRE_CALL_STATE_RINGING || call->b != NULL)
    {
      /* Answered before the pickup came: a call in progress is not taken
       * over here (RFC 3891 §3 answers early-only the same way). */
      nua_respond (invite->nh, SIP_486_BUSY_HERE, TAG_END ());
      nua_handle_destroy (invite->nh);
      return;
    }

  /* The same right as *97, towards the user whose phone that dialog
   * rings. The caller's own dialog names nobody rung: any of them. */
  target = found->fork ? (found->user_id > 0 ? found->user_id : call->callee_id) : 0;
  if (found->pickup || call->caller_id == picker || !may_pick_up (call, picker, target))
    {
      g_debug ("Call %s: user %" G_GINT64_FORMAT " may not pick it up", call->id, picker);
      nua_respond (invite->nh, SIP_403_FORBIDDEN, TAG_END ());
      nua_handle_destroy (invite->nh);
      return;
    }
  if (target > 0)
    call->picked_up_from = target;
  g_debug ("Call %s: picked up with Replaces", call->id);
  take_call (b2bua, call, invite);
}

/* ---- over REST ----------------------------------------------------------- */

JsonObject *
cb_sip_server_pickup (CbSipServer  *self,
                      gint64        user_id,
                      const char   *call_id,
                      const char   *device_kind,
                      GError      **error)
{
  CbSipRegistrar *registrar;
  g_autoptr(GPtrArray) devices = NULL;
  g_autofree char *call_info = NULL;
  CbB2buaCall *call;

  g_return_val_if_fail (CB_IS_SIP_SERVER (self), NULL);

  registrar = cb_sip_server_get_registrar (self);
  call = cb_sip_b2bua_lookup (cb_sip_server_get_b2bua (self), call_id);
  if (call == NULL || call->state == CB_WIRE_CALL_STATE_ENDED)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND, "No such call");
      return NULL;
    }
  if (call->state != CB_WIRE_CALL_STATE_RINGING || call->b != NULL)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_RINGING,
                   "The call no longer rings");
      return NULL;
    }
  if (call->caller_id == user_id || call->callee_id == user_id || !may_pick_up (call, user_id, 0))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_FORBIDDEN,
                   "You may not pick up this call");
      return NULL;
    }
  devices = cb_sip_registrar_contacts_of_kind (registrar, user_id,
                                               device_kind != NULL ? device_kind : "softphone");
  if (devices->len == 0 && device_kind == NULL)
    {
      g_ptr_array_unref (devices);
      devices = cb_sip_registrar_contacts_of (registrar, user_id);
    }
  if (devices->len == 0)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NO_PHONE,
                   "No %s phone of yours is registered", device_kind != NULL ? device_kind : "");
      return NULL;
    }
  /* The picker's phone rings with the call and, having asked for it,
   * answers at once (answer-after=0, as for "call from desk phone");
   * first answer wins as usual. */
  call_info = g_strdup_printf ("<%s>;answer-after=0", cb_sip_server_get_uri (self));
  call->fork_call_info = call_info;
  cb_b2bua_call_ring_user (call, user_id, TRUE, devices);
  call->fork_call_info = NULL;
  cb_b2bua_call_publish (call);
  return cb_b2bua_call_data (call, user_id, call->state);
}
