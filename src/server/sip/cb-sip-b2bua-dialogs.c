/* cb-sip-b2bua-dialogs.c: what the devices' dialogs tell the B2BUA: answers, re-INVITEs, ACK, CANCEL, BYE, dialogs gone
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every nua event of a leg comes here (cb_sip_b2bua_event()): a fork's
 * 18x, answer or failure, the answer of the user's own phone to "call
 * from desk phone", the answers to our re-INVITEs (relayed to whoever
 * asked, or the next step of a transfer's bridging), a device's own
 * re-INVITE, and the end of a dialog, however it came. The calls they
 * change are the core's (cb-sip-b2bua.c).
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include "cb-sip-announcement.h"
#include "cb-sip-diversion.h"
#include "cb-sip-conference.h"
#include "cb-sip-headers.h"
#include "cb-sip-hunt.h"
#include "cb-sip-pickup.h"
#include "cb-sip-recovery.h"
#include "cb-sip-registrar.h"
#include "cb-sip-tls.h"
#include "cb-sip-timers.h"
#include "cb-sip-trunk.h"

/* Flow I leaves the desk phone's 200 unacknowledged while the target
 * rings; the phone gives up after 64·T1 = 32 s (RFC 3261 §13.3.1.4), so
 * the target rings a little less than that. */
#define CLICK_RING_LIMIT_S 28

/* ---- our INVITEs --------------------------------------------------------- */

static gboolean
ring_limit_reached (gpointer data)
{
  CbB2buaCall *call = data;

  call->ring_limit_id = 0;
  g_debug ("Call %s: the target did not answer in time", call->id);
  cb_b2bua_call_terminate (call, 0);
  return G_SOURCE_REMOVE;
}

static void
fork_alerting (CbB2buaLeg  *leg,
               const sip_t *sip)
{
  CbB2buaCall *call = leg->call;
  g_autofree char *sdp = NULL;
  g_autofree char *body = NULL;

  if (call->a == NULL || call->a->state != CB_B2BUA_LEG_INCOMING)
    return;

  /* Early media (RFC 3960: a 18x with SDP, an announcement or the
   * callee's own ringback) passes through like the answer, even after a
   * 180 went out. Of several forks the first early SDP wins: the caller
   * has one dialog with us and takes one answer to its offer, so the
   * others' early media is not relayed. Should another device answer,
   * its SDP comes in the 200 as a new version of our origin. */
  sdp = cb_sip_payload_dup (sip);
  if (sdp != NULL && call->early_media == NULL)
    {
      body = cb_b2bua_leg_sdp_for (call->a, sdp, CB_SIP_SDP_KEEP);
      call->early_media = leg;
      call->alerted = TRUE;
      nua_respond (call->a->nh, SIP_183_SESSION_PROGRESS, CB_SIP_SDP_TAGS (body),
                   CB_SIP_CONTACT_TAGS (call->b2bua->server, call->a->secure), TAG_END ());
    }
  else if (!call->alerted)
    {
      call->alerted = TRUE;
      nua_respond (call->a->nh, SIP_180_RINGING,
                   CB_SIP_CONTACT_TAGS (call->b2bua->server, call->a->secure), TAG_END ());
    }
}

static void
fork_answered (CbB2buaLeg *leg)
{
  CbB2buaCall *call = leg->call;

  cb_b2bua_leg_set_state (leg, CB_B2BUA_LEG_UP);
  if (call->b != NULL || call->state == CB_WIRE_CALL_STATE_ENDED || call->a == NULL ||
      call->a->state == CB_B2BUA_LEG_GONE)
    {
      /* Lost the race with another device: hang this one up. */
      nua_bye (leg->nh, TAG_END ());
      cb_b2bua_leg_set_state (leg, CB_B2BUA_LEG_GONE);
      return;
    }
  cb_b2bua_call_take_leg (call, leg);
  cb_b2bua_call_answer_caller (call);
}

/* How much a fork's failure says about the callee: a refusal says more
 * than a phone that could not be reached. */
static int
failure_rank (CbCallEndReason reason)
{
  switch (reason)
    {
    case CB_CALL_END_REASON_DECLINED:
      return 4;
    case CB_CALL_END_REASON_BUSY:
      return 3;
    case CB_CALL_END_REASON_REJECTED:
      return 2;
    case CB_CALL_END_REASON_NOT_FOUND:
    case CB_CALL_END_REASON_UNREACHABLE:
    default:
      return 1;
    }
}

/* A person's phone that refuses a call while they are in no other call
 * was refused by them (the phone library says 486 for "decline"): a
 * declined call, not a busy one. */
static gboolean
refused_while_free (CbB2buaLeg *leg,
                    int         status)
{
  CbB2buaCall *call = leg->call;
  gint64 user_id = leg->user_id > 0 ? leg->user_id : call->callee_id;
  CbLineState state;

  if (leg->trunk || user_id <= 0 || (status != 486 && status != 600 && status != 603))
    return FALSE;
  if (status == 603)
    return TRUE;
  state = cb_sip_b2bua_line_state (call->b2bua, user_id);
  return state != CB_LINE_STATE_BUSY && state != CB_LINE_STATE_ON_HOLD;
}

static void
fork_failed (CbB2buaLeg *leg,
             int         status)
{
  CbB2buaCall *call = leg->call;
  CbCallEndReason reason;
  int worst;

  cb_b2bua_leg_set_state (leg, CB_B2BUA_LEG_GONE);
  if (call->b != NULL || call->state == CB_WIRE_CALL_STATE_ENDED)
    return;

  reason = cb_b2bua_reason_for_status (status);
  if (refused_while_free (leg, status))
    {
      reason = CB_CALL_END_REASON_DECLINED;
      if (leg->user_id > 0 && leg->user_id != call->callee_id)
        cb_b2bua_call_rung_add (call, leg->user_id)->declined = TRUE;
      else
        call->callee_declined = TRUE;
    }
  if (call->fork_status == 0 || failure_rank (reason) > failure_rank (call->fork_reason))
    {
      call->fork_status = status;
      call->fork_reason = reason;
    }

  for (guint i = 0; i < call->legs->len; i++)
    {
      CbB2buaLeg *other = g_ptr_array_index (call->legs, i);

      if (other->fork && other->state == CB_B2BUA_LEG_CALLING)
        return;
    }
  if (cb_sip_hunt_fork_failed (call) || cb_sip_diversion_fork_failed (call, status))
    return;
  /* Every device refused: busy or declined wins over "not reachable",
   * and the reason says what the most telling one said; a 488 (the
   * media, e.g. a phone that requires SRTP) goes back as it is. */
  worst = call->fork_status;
  call->end_reason = call->fork_reason;
  if (worst != 486 && worst != 600 && worst != 603 && worst != 488)
    worst = 480;
  cb_b2bua_call_terminate (call, worst);
}

/* The user's own phone answered a "call from desk phone": its 200 holds
 * the offer, which goes to the target; the ACK waits for their answer. */
static void
click_answered (CbB2buaLeg *a)
{
  CbB2buaCall *call = a->call;

  cb_b2bua_leg_set_state (a, CB_B2BUA_LEG_AWAIT_ACK);
  if (a->sdp == NULL || (call->external && !cb_b2bua_call_trunk_fork (call, a->sdp)))
    {
      g_debug ("Call %s: %s", call->id, a->sdp == NULL ? "no offer in the 200" : "target gone");
      cb_b2bua_call_terminate (call, 0);
      return;
    }
  call->ring_limit_id = cb_sip_timeout_add_seconds (CLICK_RING_LIMIT_S, ring_limit_reached, call);
  if (call->external)
    cb_b2bua_call_publish (call);
  else
    /* The target's settings decide what rings (and publish); the user
     * who placed it may break through them. */
    cb_sip_diversion_route (call, call->callee_id, call->caller_id);
}

/* ---- re-INVITEs ---------------------------------------------------------- */

/* The answer to a re-INVITE we sent. */
static void
reinvite_answered (CbB2buaLeg  *leg,
                   int          status,
                   const char  *phrase,
                   const sip_t *sip)
{
  g_autofree char *sdp = cb_sip_payload_dup (sip);
  CbB2buaLeg *relay_to = leg->relay_to;
  CbB2buaLeg *offer_to = leg->offer_to;
  CbB2buaLeg *ack_to = leg->ack_to;
  CbB2buaCall *call = leg->call;

  leg->reinviting = FALSE;
  leg->relay_to = NULL;
  leg->offer_to = NULL;
  leg->ack_to = NULL;
  if (status < 300 && sdp != NULL)
    {
      g_free (leg->sdp);
      leg->sdp = g_strdup (sdp);
    }

  /* Taken to a conference's mixer: the mixer answers the offer. */
  if (leg->mixing)
    {
      leg->mixing = FALSE;
      cb_sip_conference_answered (leg, status, sdp);
      return;
    }

  if (offer_to != NULL)
    {
      g_autofree char *body = NULL;

      if (status < 300 && sdp != NULL && cb_b2bua_leg_usable (offer_to) &&
          call->state != CB_WIRE_CALL_STATE_ENDED)
        {
          /* Our ACK waits for the other side's answer; until then this
           * leg counts as renegotiating. */
          leg->reinviting = TRUE;
          leg->ack_pending = TRUE;
          offer_to->ack_to = leg;
          body = cb_b2bua_leg_sdp_for (offer_to, sdp, CB_SIP_SDP_KEEP);
          cb_b2bua_leg_reinvite (offer_to, body, NULL);
          return;
        }
      g_debug ("Call %s: bridging failed (%d %s)", call->id, status, phrase);
      if (status < 300 && leg->manual_ack)
        nua_ack (leg->nh, TAG_END ());
      cb_b2bua_call_terminate (call, 0);
      return;
    }

  if (status < 300 && leg->manual_ack)
    nua_ack (leg->nh, TAG_END ());

  if (ack_to != NULL)
    {
      if (ack_to->nh != NULL && ack_to->ack_pending)
        {
          g_autofree char *body = NULL;

          if (status < 300)
            body = cb_b2bua_leg_sdp_for (ack_to, sdp, CB_SIP_SDP_KEEP);
          ack_to->reinviting = FALSE;
          ack_to->ack_pending = FALSE;
          nua_ack (ack_to->nh, CB_SIP_SDP_TAGS (body), TAG_END ());
        }
      if (status >= 300 && call->state != CB_WIRE_CALL_STATE_ENDED)
        {
          g_debug ("Call %s: bridging failed (%d %s)", call->id, status, phrase);
          cb_b2bua_call_terminate (call, 0);
        }
      return;
    }

  if (cb_sip_pickup_answered (relay_to, status, phrase, sdp))
    return;
  if (relay_to != NULL && relay_to->state == CB_B2BUA_LEG_UP && relay_to->nh != NULL)
    {
      g_autofree char *body = cb_b2bua_leg_sdp_for (relay_to, sdp, CB_SIP_SDP_KEEP);

      nua_respond (relay_to->nh, status, cb_sip_relayed_phrase (status), CB_SIP_SDP_TAGS (body),
                   TAG_END ());
    }
}

/* A re-INVITE from a device (its own hold, a media change) is relayed to
 * the other side, and the answer back. */
static void
on_reinvite (CbB2buaLeg  *leg,
             const sip_t *sip)
{
  CbB2buaCall *call = leg->call;
  g_autofree char *sdp = cb_sip_payload_dup (sip);
  g_autofree char *body = NULL;
  CbB2buaLeg *other;

  if (cb_sip_announcement_reinvite (leg, sip))
    return;
  if (leg->conference != NULL)
    {
      cb_sip_conference_reoffer (leg, sdp);
      return;
    }
  other = leg == call->a ? call->b : call->a;
  if (call->state == CB_WIRE_CALL_STATE_ENDED || other == NULL ||
      other->state != CB_B2BUA_LEG_UP || other->nh == NULL)
    {
      nua_respond (leg->nh, SIP_488_NOT_ACCEPTABLE, TAG_END ());
      return;
    }
  if (leg->reinviting || other->reinviting)
    {
      nua_respond (leg->nh, SIP_491_REQUEST_PENDING, TAG_END ());
      return;
    }

  if (sdp != NULL)
    {
      g_free (leg->sdp);
      leg->sdp = g_strdup (sdp);
    }
  body = cb_b2bua_leg_sdp_for (other, sdp, CB_SIP_SDP_KEEP);
  cb_b2bua_leg_reinvite (other, body, leg);
  cb_b2bua_call_set_state (call, cb_sip_sdp_holds (sdp) ? CB_WIRE_CALL_STATE_HELD
                                                        : CB_WIRE_CALL_STATE_CONNECTED);
}

/* ---- dispatch ------------------------------------------------------------ */

static void
on_invite_answer (CbB2buaLeg  *leg,
                  int          status,
                  const char  *phrase,
                  const sip_t *sip)
{
  CbB2buaCall *call = leg->call;
  gboolean was_early = leg->early;

  if (leg->reinviting)
    {
      if (status >= 200)
        reinvite_answered (leg, status, phrase, sip);
      return;
    }

  switch (leg->state)
    {
    case CB_B2BUA_LEG_CALLING:
      /* A To tag: the device itself rings (not just a proxy's 18x). */
      if (status > 100 && status < 200 && sip != NULL && sip->sip_to != NULL &&
          sip->sip_to->a_tag != NULL)
        leg->early = TRUE;
      if (leg->early && leg->answer_when_early)
        {
          leg->answer_when_early = FALSE;
          cb_b2bua_leg_remote_answer (leg);
        }
      if (status < 200)
        {
          gboolean alerted = call->alerted;

          if (leg->fork && status > 100)
            fork_alerting (leg, sip);
          /* Trying became early for the device's lamp, or the caller's. */
          if (leg->early != was_early || call->alerted != alerted)
            cb_b2bua_call_lamps_changed (call);
        }
      else if (status < 300)
        {
          g_free (leg->sdp);
          leg->sdp = cb_sip_payload_dup (sip);
          if (leg->fork)
            fork_answered (leg);
          else
            click_answered (leg);
        }
      else if (leg->trunk && (status == 401 || status == 407) &&
               cb_sip_trunk_authenticate (cb_sip_server_get_trunk (call->b2bua->server), leg->nh, sip,
                                          &leg->auth_attempts))
        g_debug ("Call %s: the trunk asked for credentials", call->id);
      else if (leg->fork)
        fork_failed (leg, status);
      else
        {
          cb_b2bua_leg_set_state (leg, CB_B2BUA_LEG_GONE);
          cb_b2bua_call_terminate (call, 0);
        }
      break;

    case CB_B2BUA_LEG_GONE:
      /* A 200 that crossed our CANCEL: the device is up, end it. */
      if (status >= 200 && status < 300 && leg->nh != NULL)
        {
          if (leg->manual_ack)
            nua_ack (leg->nh, TAG_END ());
          nua_bye (leg->nh, TAG_END ());
        }
      break;

    case CB_B2BUA_LEG_INCOMING:
    case CB_B2BUA_LEG_AWAIT_ACK:
    case CB_B2BUA_LEG_UP:
    default:
      break;
    }
}

/* The leg's dialog is over: its handle goes, and the call with its
 * last handle. */
static void
leg_let_go (CbB2buaLeg *leg)
{
  cb_sip_handle_release (&leg->nh);
  cb_b2bua_call_drop_if_finished (leg->call);
}

void
cb_sip_b2bua_event (CbSipB2bua       *self,
                    const CbSipEvent *ev)
{
  nua_event_t event = ev->event;
  int status = ev->status;
  const char *phrase = ev->phrase;
  nua_handle_t *nh = ev->nh;
  const sip_t *sip = ev->sip;
  CbB2buaLeg *leg = ev->magic != NULL && ev->magic->kind == CB_SIP_MAGIC_LEG ? (CbB2buaLeg *) ev->magic
                                                                             : NULL;
  CbB2buaCall *call = leg != NULL ? leg->call : NULL;
  int callstate = -1;

  if (event == nua_i_state)
    tl_gets (ev->tags, NUTAG_CALLSTATE_REF (callstate), TAG_END ());

  if (call == NULL)
    {
      if (event == nua_i_invite && sip != NULL)
        cb_sip_b2bua_new_call (self, nh, sip);
      else if (event == nua_i_state && callstate == nua_callstate_terminated)
        nua_handle_destroy (nh);
      else if (event == nua_r_notify && status >= 200)
        nua_handle_destroy (nh);   /* a remote answer's (cb-sip-call-control.c) */
      else if (event == nua_r_method && status >= 200)
        nua_handle_destroy (nh);   /* a BYE after a restart (cb-sip-recovery.c) */
      return;
    }

  /* Our CSeq in the dialog, and where it goes now, for a BYE after a crash. */
  cb_sip_recovery_note_message (leg, sip);
  if (event == nua_r_invite && !leg->reinviting && status >= 200 && status < 300)
    cb_sip_recovery_note_dialog (leg, sip, TRUE);
  else if (event == nua_i_invite)
    cb_sip_recovery_note_target (leg, sip);
  /* Our tag towards a device whose INVITE we answered is known once the
   * stack sent the 200: by the ACK at the latest. */
  if (call->kept && sip != NULL &&
      (sip->sip_status != NULL || event == nua_i_invite || event == nua_i_ack))
    cb_sip_recovery_refresh (call);

  switch (event)
    {
    case nua_i_invite:
      on_reinvite (leg, sip);
      break;

    case nua_r_invite:
      /* The device's tag: a 2xx's wins over an earlier 18x's (a proxy
       * beyond the trunk may fork). */
      if (!leg->reinviting && status > 100 && status < 300 &&
          (leg->remote == NULL || status >= 200))
        {
          char *remote = cb_sip_remote_party (sip, FALSE);

          if (remote != NULL)
            {
              g_free (leg->remote);
              leg->remote = remote;
            }
          /* The dialog's tags, which a lamp names for pickup. */
          if (sip != NULL && sip->sip_from != NULL && sip->sip_to != NULL && sip->sip_to->a_tag != NULL)
            {
              g_free (leg->local_tag);
              g_free (leg->remote_tag);
              leg->local_tag = g_strdup (sip->sip_from->a_tag);
              leg->remote_tag = g_strdup (sip->sip_to->a_tag);
            }
        }
      if (leg->lingering)
        {
          if (status >= 200)
            {
              g_debug ("Call %s: the re-INVITE of an ended leg got its answer (%d)", call->id, status);
              if (status < 300 && leg->manual_ack)
                nua_ack (nh, TAG_END ());
              leg_let_go (leg);
            }
          break;
        }
      on_invite_answer (leg, status, phrase, sip);
      break;

    case nua_i_ack:
      cb_sip_pickup_acked (leg);
      cb_sip_announcement_acked (leg);
      break;

    case nua_i_cancel:
      /* The caller gave up; sofia has answered 487. */
      cb_b2bua_leg_set_state (leg, CB_B2BUA_LEG_GONE);
      cb_b2bua_call_terminate (call, 487);
      break;

    case nua_i_bye:
      cb_b2bua_leg_set_state (leg, CB_B2BUA_LEG_GONE);
      if (leg->conference != NULL)
        cb_sip_conference_leg_gone (leg);
      else if (!leg->fork || leg == call->b)
        cb_b2bua_call_terminate (call, 0);
      break;

    case nua_r_options:
      /* check_dialogs()'s question: a 481 (RFC 5057), or no answer at
       * all (our stack's 408, or its 503 for an ICMP error: the phone's
       * port is closed), means the device no longer has this call. */
      if ((status == 481 || status == 408 || status == 503) &&
          leg->state == CB_B2BUA_LEG_UP && call->state != CB_WIRE_CALL_STATE_ENDED)
        {
          g_debug ("Call %s: a device lost its dialog (%d %s)", call->id, status, phrase);
          if (leg->conference != NULL)
            {
              cb_b2bua_leg_hang_up (leg);
              cb_sip_conference_leg_gone (leg);
            }
          else
            cb_b2bua_call_terminate (call, 0);
        }
      break;

    case nua_i_state:
      if (callstate != nua_callstate_terminated)
        break;
      /* A leg vanished (timeout, transport error) or finished. */
      if (leg->state != CB_B2BUA_LEG_GONE && leg->conference != NULL)
        {
          cb_b2bua_leg_set_state (leg, CB_B2BUA_LEG_GONE);
          cb_sip_conference_leg_gone (leg);
        }
      else if (leg->state != CB_B2BUA_LEG_GONE)
        {
          if (leg->fork && leg != call->b)
            {
              if (leg->state == CB_B2BUA_LEG_CALLING)
                fork_failed (leg, 480);
              cb_b2bua_leg_set_state (leg, CB_B2BUA_LEG_GONE);
            }
          else
            {
              /* The caller's INVITE died before an answer: given up. */
              gboolean given_up = leg == call->a && leg->state == CB_B2BUA_LEG_INCOMING;

              cb_b2bua_leg_set_state (leg, CB_B2BUA_LEG_GONE);
              cb_b2bua_call_terminate (call, given_up ? 487 : 0);
            }
        }
      /* A BYE that crossed our re-INVITE ends the dialog before that
       * transaction does: the handle waits for its answer (a 481, or the
       * transaction's own timeout), so that no event comes for a handle
       * we destroyed. Its To carries the dialog's tag
       * (cb_b2bua_leg_reinvite()), so a re-INVITE sofia-sip sends only
       * after the dialog ended is refused with 481 rather than ringing
       * the phone as a new call. (sofia-sip 1.12.11 as Debian ships it
       * keeps one reference too many to a re-INVITE in flight when its
       * session ends, about 2 KiB per such crossing; freeswitch's fork,
       * which the Flatpak builds, has that fixed in
       * nua_session_usage_remove().) */
      if (leg->reinviting && leg->nh != NULL)
        {
          g_debug ("Call %s: a leg ended during our re-INVITE", call->id);
          leg->lingering = TRUE;
          break;
        }
      leg_let_go (leg);
      break;

    default:
      break;
    }
}
