/* cb-sip-b2bua.c: the back-to-back user agent, its CTI call model and the journal
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A call has two sides. The A leg is the caller's device: the INVITE we
 * received, or, for "call from desk phone" (RFC 3725 flow I), our own
 * offerless INVITE to the user's phone. The B side is one outgoing leg
 * per registered device of the callee, forked at once; the first to
 * answer wins and the others are cancelled. SDP is passed between the
 * legs with only the o= line replaced by one origin per leg, so each
 * phone sees one session whose version grows whenever its content
 * changes, even when the server re-INVITEs for hold or forwards the
 * other party elsewhere. Media flows end to end.
 *
 * Every state change is a "call" event for each user in the call; the
 * end also writes both journal entries with their "journal" events in
 * the same transaction, so a crash right after cannot lose one.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <string.h>

#include "cb-sip-call-events.h"
#include "cb-sip-headers.h"
#include "cb-sip-hunt.h"
#include "cb-sip-private.h"
#include "cb-sip-queue.h"
#include "cb-sip-sdp.h"
#include "cb-sip-trunk.h"

/* Flow I leaves the desk phone's 200 unacknowledged while the target
 * rings; the phone gives up after 64·T1 = 32 s (RFC 3261 §13.3.1.4), so
 * the target rings a little less than that. */
#define CLICK_RING_LIMIT_S 28

/* How often an answered call asks its devices whether they still have
 * it (check_dialogs()); RFC 4028's smallest session interval. */
#define DIALOG_CHECK_S 90

/* A call's state is what its "call" events say. */
typedef CbWireCallState CallState;
#define CALL_RINGING   CB_WIRE_CALL_STATE_RINGING
#define CALL_CONNECTED CB_WIRE_CALL_STATE_CONNECTED
#define CALL_HELD      CB_WIRE_CALL_STATE_HELD
#define CALL_ENDED     CB_WIRE_CALL_STATE_ENDED

typedef enum {
  LEG_CALLING,     /* our INVITE, no final answer yet */
  LEG_INCOMING,    /* their INVITE, not answered yet */
  LEG_AWAIT_ACK,   /* flow I: their 200 holds the offer, our ACK waits for the answer */
  LEG_UP,
  LEG_GONE,        /* ended, or being ended by us */
} LegState;

typedef struct _Call Call;
typedef struct _Leg Leg;

struct _Leg {
  CbSipMagic    magic;
  Call         *call;
  nua_handle_t *nh;
  LegState      state;
  gboolean      fork;        /* a callee device (else the A leg) */
  gboolean      manual_ack;  /* NUTAG_AUTOACK(0) on this handle */
  char         *sdp;         /* the last SDP the device sent */
  CbSipOrigin   origin;      /* our o= towards it */
  gboolean      reinviting;  /* our re-INVITE waits for its answer */
  Leg          *relay_to;    /* whose re-INVITE that answer goes back to */
  char         *call_id;     /* its dialog's Call-ID: clients match their phone's call by it */
  char         *contact;     /* the device's address, where consultation calls go */
  char         *remote;      /* its To with the dialog's tag, see _cb_sip_remote_party() */
  char         *kind;        /* the device's line kind ("softphone", "desk"), NULL if unknown */
  gboolean      early;       /* a 18x with a To tag came: it rings, /answer may pick it up */
  /* Transfer (RFC 3725 flow I applied to a re-INVITE): our offerless
   * re-INVITE's 200 carries this leg's offer, which goes to offer_to;
   * the answer of that leg goes back in our ACK to ack_to. */
  Leg          *offer_to;
  Leg          *ack_to;
  gboolean      ack_pending; /* its 200 (with an offer) waits for our ACK */
  gboolean      trunk;       /* to the upstream proxy (cb-sip-trunk.c) */
  guint         auth_attempts; /* its digest challenges we answered */
  gint64        user_id;     /* a fork ringing a group member or a picker; 0: the callee */
  gboolean      pickup;      /* a fork to someone taking the call over */
  Leg          *pickup_offer; /* the caller, until it ACKs: this picker's offer goes to it then */
  gboolean      lingering;   /* dialog over, our re-INVITE still unanswered: see nua_i_state */
};

struct _Call {
  CbSipRegistrar *reg;
  char           *id;
  Leg            *a;
  Leg            *b;         /* the fork that answered */
  GPtrArray      *legs;      /* Leg, owned: a and the forks */
  gint64          caller_id;
  gint64          callee_id;
  char           *caller_number;
  char           *callee_number;
  CallState       state;
  gboolean        alerted;
  Leg            *early_media; /* the fork whose early SDP (18x) the caller got */
  gboolean        forked;    /* the callee's devices were rung */
  gint64          started_at;
  gint64          answered_at;
  guint           ring_limit_id;
  guint           check_id;  /* check_dialogs() while answered */
  gboolean        external;  /* callee_number is beyond the trunk (callee_id 0) */
  CbSipGroupCall *group;     /* a call to a hunt group number (cb-sip-hunt.c) */
  GArray         *rung;      /* CbSipRung: others it rang (members, a picked-up callee) */
  gboolean        picked_up;
  gint64          created_us;  /* monotonic: orders *98's choice within a second */
  const char     *fork_call_info; /* Call-Info of the forks start_forks() opens now */
  CbSipCallEnded  ended;     /* a queue call: tells the queue when it ended */
  gpointer        ended_data;
  GDestroyNotify  ended_free; /* frees ended_data, called or not */
};

/* Hunt groups and pickup, at the end of this file. */
static void     group_answered   (Call *call, Leg *leg);
static gboolean group_fork_failed (Call *call);
static gboolean rings_at         (Call *call, gint64 user_id);
static gboolean record_rung      (CbChanges *changes, Call *call, GError **error);
static gboolean group_new_call   (CbSipRegistrar *self, nua_handle_t *nh, const sip_t *sip,
                                  gint64          caller_id, const char *line);
static JsonObject *member_decline  (Call *call, gint64 user_id);
static void     pickup_acked     (Leg *leg);
static gboolean pickup_answered  (Leg *relay_to, int status, const char *phrase, const char *sdp);
static void     update_pickers   (Call *call);

/* The trunk (cb-sip-trunk.c), with the new calls. */
static gboolean trunk_fork       (Call *call, const char *offer);

static void
leg_free (Leg *leg)
{
  if (leg->nh != NULL)
    {
      nua_handle_bind (leg->nh, NULL);
      nua_handle_destroy (leg->nh);
    }
  g_free (leg->sdp);
  cb_sip_origin_clear (&leg->origin);
  g_free (leg->call_id);
  g_free (leg->contact);
  g_free (leg->remote);
  g_free (leg->kind);
  g_free (leg);
}

static Leg *
leg_new (Call     *call,
         gboolean  fork,
         LegState  state)
{
  Leg *leg = g_new0 (Leg, 1);

  leg->magic.kind = CB_SIP_MAGIC_LEG;
  leg->call = call;
  leg->fork = fork;
  leg->state = state;
  cb_sip_origin_init (&leg->origin);
  g_ptr_array_add (call->legs, leg);
  return leg;
}

/* The line kind of a registered contact, NULL when it is not one. */
static const char *
binding_kind (CbSipRegistrar *self,
              const char     *contact)
{
  for (guint i = 0; contact != NULL && i < self->bindings->len; i++)
    {
      CbSipBinding *binding = g_ptr_array_index (self->bindings, i);

      if (g_strcmp0 (binding->contact, contact) == 0)
        return binding->kind;
    }
  return NULL;
}

/* Our handle for an outgoing INVITE to a device. We choose the Call-ID
 * (sofia takes it from the handle's headers) so the call model can name
 * the dialog before the device answers anything. */
static void
leg_open (Leg        *leg,
          const char *contact,
          const char *from,
          const char *to)
{
  CbSipRegistrar *self = leg->call->reg;
  g_autofree char *uuid = g_uuid_string_random ();

  leg->call_id = g_strdup_printf ("%s@%s", uuid, self->address);
  leg->contact = g_strdup (contact);
  leg->kind = g_strdup (binding_kind (self, contact));
  leg->nh = nua_handle (self->nua, &leg->magic,
                        SIPTAG_FROM_STR (from), SIPTAG_TO_STR (to),
                        SIPTAG_CALL_ID_STR (leg->call_id), TAG_END ());
}

static void
call_free (Call *call)
{
  g_clear_handle_id (&call->ring_limit_id, g_source_remove);
  g_clear_handle_id (&call->check_id, g_source_remove);
  g_clear_pointer (&call->group, _cb_sip_group_call_free);
  g_clear_pointer (&call->rung, g_array_unref);
  /* A queue call dropped at shutdown never ended: its data goes too. */
  if (call->ended_free != NULL)
    call->ended_free (call->ended_data);
  g_ptr_array_unref (call->legs);
  g_free (call->id);
  g_free (call->caller_number);
  g_free (call->callee_number);
  g_free (call);
}

static Call *
call_new (CbSipRegistrar *self)
{
  Call *call = g_new0 (Call, 1);

  call->reg = self;
  call->id = g_uuid_string_random ();
  call->legs = g_ptr_array_new_with_free_func ((GDestroyNotify) leg_free);
  call->started_at = g_get_real_time () / G_USEC_PER_SEC;
  call->created_us = g_get_monotonic_time ();
  call->state = CALL_RINGING;
  g_hash_table_insert (self->calls, call->id, call);
  return call;
}

void
_cb_sip_b2bua_init (CbSipRegistrar *self)
{
  self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) call_free);
}

CbLineState
_cb_sip_b2bua_line_state (CbSipRegistrar *self,
                          gint64          user_id)
{
  GHashTableIter iter;
  Call *call;
  gboolean ringing = FALSE, held = FALSE, busy = FALSE;

  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call))
    {
      if (call->state == CALL_ENDED)
        continue;
      if (call->callee_id != user_id && rings_at (call, user_id))
        ringing = TRUE;
      if (call->callee_id == user_id && call->forked)
        {
          ringing |= call->state == CALL_RINGING;
          busy |= call->state == CALL_CONNECTED;
          held |= call->state == CALL_HELD;
        }
      if (call->caller_id == user_id)
        {
          /* Dialling out uses the line: busy, not ringing. */
          busy |= call->state == CALL_RINGING || call->state == CALL_CONNECTED;
          held |= call->state == CALL_HELD;
        }
    }
  return busy ? CB_LINE_STATE_BUSY : held ? CB_LINE_STATE_ON_HOLD :
         ringing ? CB_LINE_STATE_RINGING : CB_LINE_STATE_OFFLINE;
}

/* ---- events and journal ---------------------------------------------------- */

static const char *
display_name (CbSipRegistrar *self,
              gint64          user_id)
{
  const CbUserRecord *user = user_id > 0 ? cb_directory_get_user (self->directory, user_id) : NULL;

  return user != NULL && user->display_name != NULL ? user->display_name : "";
}

/* The leg of the user's own device in the call: the caller's A leg, the
 * callee's answered leg, else one still ringing at the user. While the
 * call rings at several of their devices the leg to the softphone stands
 * for them (the client matches its own phone's call), else the first. */
static Leg *
device_of (Call     *call,
           gint64    user_id,
           gboolean  outgoing)
{
  Leg *first = NULL;

  if (outgoing)
    return call->a;
  if (call->b != NULL && user_id == call->callee_id)
    return call->b;
  for (guint i = 0; i < call->legs->len; i++)
    {
      Leg *leg = g_ptr_array_index (call->legs, i);

      if (!leg->fork || leg->state != LEG_CALLING ||
          (leg->user_id != user_id && !(leg->user_id == 0 && user_id == call->callee_id)))
        continue;
      if (g_strcmp0 (leg->kind, "softphone") == 0)
        return leg;
      if (first == NULL)
        first = leg;
    }
  return first;
}

/* The call as user_id sees it: the caller's side (outgoing), or that of
 * its callee or of someone else it rings (a member, a picker). The
 * device is the user's own dialog in it, so a client knows at once
 * whether the call rings at its own phone or is one for a desk card. A
 * group call is the group's until a member takes it. */
static void
call_side (Call       *call,
           gint64      user_id,
           gboolean    outgoing,
           CbWireCall *side)
{
  CbSipRegistrar *self = call->reg;
  Leg *device = device_of (call, user_id, outgoing);
  gboolean to_group = call->group != NULL && call->callee_id <= 0;

  *side = (CbWireCall) {
    .call_id = call->id,
    .state = call->state,
    .user_id = user_id,
    .direction = outgoing ? CB_CALL_DIRECTION_OUT : CB_CALL_DIRECTION_IN,
    .from = { call->caller_id, call->caller_number, display_name (self, call->caller_id) },
    .to = { call->callee_id, call->callee_number,
            to_group ? call->group->group_name : display_name (self, call->callee_id) },
    .started_at = call->started_at,
    .answered_at = call->answered_at,
    .device_call_id = device != NULL ? device->call_id : NULL,
    .device = device != NULL ? device->kind : NULL,
    .group_id = call->group != NULL ? call->group->group_id : 0,
    .group_name = call->group != NULL ? call->group->group_name : NULL,
    .picked_up = call->picked_up,
  };
}

/* The call as user_id sees it, as a REST answer; `state` overrides. */
static JsonObject *
call_data_in (Call      *call,
              gint64     user_id,
              CallState  state)
{
  CbWireCall side;

  call_side (call, user_id, call->caller_id == user_id, &side);
  side.state = state;
  return cb_sip_call_event_data (&side);
}

static JsonObject *
call_data (Call   *call,
           gint64  user_id)
{
  return call_data_in (call, user_id, call->state);
}

static gboolean
record_side (CbChanges  *changes,
             Call       *call,
             gboolean    outgoing,
             GError    **error)
{
  gint64 user_id = outgoing ? call->caller_id : call->callee_id;
  CbWireCall side;

  /* The callee hears of a click-to-dial call once their phones ring. */
  if (user_id <= 0 || (!outgoing && !call->forked))
    return TRUE;

  call_side (call, user_id, outgoing, &side);
  if (!cb_sip_record_call_event (changes, &side, error))
    return FALSE;
  return call->state != CALL_ENDED || cb_sip_record_journal (changes, &side, NULL, error);
}

static gboolean
record_call (CbChanges  *changes,
             gpointer    data,
             GError    **error)
{
  return record_side (changes, data, TRUE, error) && record_side (changes, data, FALSE, error) &&
         record_rung (changes, data, error);
}

static void
publish (Call *call)
{
  CbSipRegistrar *self = call->reg;
  g_autoptr(GError) error = NULL;

  if (!cb_changes_run (self->changes, record_call, NULL, call, &error))
    g_warning ("Could not record call %s: %s", call->id, error->message);

  if (call->caller_id > 0)
    _cb_sip_registrar_update_line_state (self, call->caller_id);
  if (call->callee_id > 0)
    _cb_sip_registrar_update_line_state (self, call->callee_id);
  for (guint i = 0; call->rung != NULL && i < call->rung->len; i++)
    _cb_sip_registrar_update_line_state (self, g_array_index (call->rung, CbSipRung, i).user_id);
  update_pickers (call);
}

/* A device that forgets a call without a BYE reaching us (a crash, a
 * power cut, a BYE for another dialog: sipp sends one with a To tag of
 * an earlier 407 when a late retransmission of it arrives) would leave
 * the call connected and its lines busy for ever: nothing else in SIP
 * tells us. So an answered call asks its devices from time to time with
 * an OPTIONS in each dialog; the nua_r_options case ends the call when a
 * device answers 481 (RFC 5057: the dialog is gone) or not at all. */
static gboolean
check_dialogs (gpointer data)
{
  Call *call = data;

  for (guint i = 0; i < call->legs->len; i++)
    {
      Leg *leg = g_ptr_array_index (call->legs, i);

      if (leg->state == LEG_UP && leg->nh != NULL)
        nua_options (leg->nh, TAG_END ());
    }
  return G_SOURCE_CONTINUE;
}

static guint
dialog_check_interval (void)
{
  static guint interval;

  /* CALLBOARD_SIP_DIALOG_CHECK (seconds) lets tests wait less. */
  if (interval == 0)
    {
      const char *env = g_getenv ("CALLBOARD_SIP_DIALOG_CHECK");
      guint64 value = env != NULL ? g_ascii_strtoull (env, NULL, 10) : 0;

      interval = value > 0 && value <= 3600 ? (guint) value : DIALOG_CHECK_S;
    }
  return interval;
}

static void
set_state (Call      *call,
           CallState  state)
{
  if (call->state == state)
    return;
  g_debug ("Call %s: %s → %s", call->id, cb_enum_to_nick (CB_TYPE_WIRE_CALL_STATE, call->state),
           cb_enum_to_nick (CB_TYPE_WIRE_CALL_STATE, state));
  call->state = state;
  if (state == CALL_ENDED)
    g_clear_handle_id (&call->check_id, g_source_remove);
  else if (state != CALL_RINGING && call->check_id == 0)
    call->check_id = g_timeout_add_seconds (dialog_check_interval (), check_dialogs, call);
  publish (call);
  if (state == CALL_ENDED && call->ended != NULL)
    {
      CbSipCallEnded ended = call->ended;
      GDestroyNotify ended_free = call->ended_free;
      gpointer ended_data = call->ended_data;

      call->ended = NULL;
      call->ended_free = NULL;
      call->ended_data = NULL;
      ended (ended_data);
      if (ended_free != NULL)
        ended_free (ended_data);
    }
}

/* ---- SDP ------------------------------------------------------------------------ */

/* What to send to `to`: sdp under our origin for that leg. */
static char *
sdp_for (Leg               *to,
         const char        *sdp,
         CbSipSdpDirection  direction)
{
  return cb_sip_origin_apply (&to->origin, to->call->reg->address, sdp, direction);
}

#define SDP_TAGS(sdp) \
  TAG_IF ((sdp) != NULL, SIPTAG_CONTENT_TYPE_STR ("application/sdp")), \
  TAG_IF ((sdp) != NULL, SIPTAG_PAYLOAD_STR (sdp))

/* ---- ending ---------------------------------------------------------------------- */

/* Ends every leg still up or ringing; status answers an unanswered
 * incoming INVITE (0: 480). */
static void
call_terminate (Call *call,
                int   status)
{
  g_clear_handle_id (&call->ring_limit_id, g_source_remove);
  for (guint i = 0; i < call->legs->len; i++)
    {
      Leg *leg = g_ptr_array_index (call->legs, i);

      if (leg->nh == NULL)
        leg->state = LEG_GONE;
      switch (leg->state)
        {
        case LEG_CALLING:
          nua_cancel (leg->nh, TAG_END ());
          break;
        case LEG_INCOMING:
          status = status > 0 ? status : 480;
          nua_respond (leg->nh, status, sip_status_phrase (status), TAG_END ());
          break;
        case LEG_AWAIT_ACK:
          nua_ack (leg->nh, TAG_END ());
          nua_bye (leg->nh, TAG_END ());
          break;
        case LEG_UP:
          if (leg->ack_pending)
            nua_ack (leg->nh, TAG_END ());
          leg->ack_pending = FALSE;
          nua_bye (leg->nh, TAG_END ());
          break;
        case LEG_GONE:
        default:
          break;
        }
      leg->state = LEG_GONE;
    }
  set_state (call, CALL_ENDED);
}

static gboolean
ring_limit_reached (gpointer data)
{
  Call *call = data;

  call->ring_limit_id = 0;
  g_debug ("Call %s: the target did not answer in time", call->id);
  call_terminate (call, 0);
  return G_SOURCE_REMOVE;
}

/* ---- the legs -------------------------------------------------------------------- */

/* Our re-INVITE to a device. Its To names the dialog's remote tag: in
 * the dialog that changes nothing, but should the device's BYE end the
 * dialog before sofia-sip sends the request, it goes out as an initial
 * INVITE, and with a To tag the device answers 481 instead of ringing. */
static void
server_reinvite (Leg        *leg,
                 const char *sdp,
                 Leg        *relay_to)
{
  leg->reinviting = TRUE;
  leg->relay_to = relay_to;
  nua_invite (leg->nh,
              TAG_IF (leg->remote != NULL, SIPTAG_TO_STR (leg->remote)),
              SDP_TAGS (sdp), TAG_END ());
}

static void
start_forks (Call       *call,
             GPtrArray  *contacts,
             const char *offer)
{
  CbSipRegistrar *self = call->reg;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  from = cb_sip_name_addr_at (display_name (self, call->caller_id), call->caller_number,
                              self->address, self->port);
  to = cb_sip_name_addr_at (NULL, call->callee_number, self->address, self->port);
  call->forked = TRUE;
  for (guint i = 0; i < contacts->len; i++)
    {
      Leg *leg = leg_new (call, TRUE, LEG_CALLING);
      g_autofree char *sdp = NULL;

      /* A held party offered to someone new still wants to talk. */
      sdp = sdp_for (leg, offer, call->a->state == LEG_UP ? CB_SIP_SDP_SENDRECV : CB_SIP_SDP_KEEP);
      leg_open (leg, g_ptr_array_index (contacts, i), from, to);
      nua_invite (leg->nh,
                  NUTAG_URL (g_ptr_array_index (contacts, i)),
                  SDP_TAGS (sdp),
                  TAG_IF (call->fork_call_info != NULL, SIPTAG_CALL_INFO_STR (call->fork_call_info)),
                  TAG_END ());
    }
}

static void
fork_alerting (Leg         *leg,
               const sip_t *sip)
{
  Call *call = leg->call;
  g_autofree char *sdp = NULL;
  g_autofree char *body = NULL;

  if (call->a == NULL || call->a->state != LEG_INCOMING)
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
      body = sdp_for (call->a, sdp, CB_SIP_SDP_KEEP);
      call->early_media = leg;
      call->alerted = TRUE;
      nua_respond (call->a->nh, SIP_183_SESSION_PROGRESS, SDP_TAGS (body), TAG_END ());
    }
  else if (!call->alerted)
    {
      call->alerted = TRUE;
      nua_respond (call->a->nh, SIP_180_RINGING, TAG_END ());
    }
}

static void
fork_answered (Leg *leg)
{
  Call *call = leg->call;
  Leg *a = call->a;
  g_autofree char *body = NULL;

  leg->state = LEG_UP;
  if (call->b != NULL || call->state == CALL_ENDED || a == NULL || a->state == LEG_GONE)
    {
      /* Lost the race with another device: hang this one up. */
      nua_bye (leg->nh, TAG_END ());
      leg->state = LEG_GONE;
      return;
    }

  call->b = leg;
  call->answered_at = g_get_real_time () / G_USEC_PER_SEC;
  group_answered (call, leg);
  g_clear_handle_id (&call->ring_limit_id, g_source_remove);
  for (guint i = 0; i < call->legs->len; i++)
    {
      Leg *other = g_ptr_array_index (call->legs, i);

      if (other != leg && other->fork && other->state == LEG_CALLING)
        {
          nua_cancel (other->nh, TAG_END ());
          other->state = LEG_GONE;
        }
    }

  body = sdp_for (a, leg->sdp, CB_SIP_SDP_KEEP);
  switch (a->state)
    {
    case LEG_INCOMING:
      nua_respond (a->nh, SIP_200_OK, SDP_TAGS (body), TAG_END ());
      break;
    case LEG_AWAIT_ACK:
      /* Flow I: the target's answer completes the desk phone's offer. */
      nua_ack (a->nh, SDP_TAGS (body), TAG_END ());
      break;
    case LEG_UP:
      /* Forwarded: the other party learns where the new target is. */
      server_reinvite (a, body, NULL);
      break;
    case LEG_CALLING:
    case LEG_GONE:
    default:
      break;
    }
  a->state = LEG_UP;
  set_state (call, cb_sip_sdp_holds (leg->sdp) ? CALL_HELD : CALL_CONNECTED);
}

static void
fork_failed (Leg *leg,
             int  status)
{
  Call *call = leg->call;
  int worst;

  leg->state = LEG_GONE;
  if (call->b != NULL || call->state == CALL_ENDED)
    return;

  for (guint i = 0; i < call->legs->len; i++)
    {
      Leg *other = g_ptr_array_index (call->legs, i);

      if (other->fork && other->state == LEG_CALLING)
        return;
    }
  if (group_fork_failed (call))
    return;
  /* Every device refused: busy or declined wins over "not reachable". */
  worst = (status == 486 || status == 600 || status == 603) ? status : 480;
  call_terminate (call, worst);
}

/* The user's own phone answered a "call from desk phone": its 200 holds
 * the offer, which goes to the target; the ACK waits for their answer. */
static void
click_answered (Leg *a)
{
  Call *call = a->call;
  g_autoptr(GPtrArray) contacts = NULL;

  a->state = LEG_AWAIT_ACK;
  contacts = _cb_sip_registrar_contacts_of (call->reg, call->callee_id);
  if (a->sdp == NULL || (call->external ? !trunk_fork (call, a->sdp) : contacts->len == 0))
    {
      g_debug ("Call %s: %s", call->id, a->sdp == NULL ? "no offer in the 200" : "target gone");
      call_terminate (call, 0);
      return;
    }
  if (!call->external)
    start_forks (call, contacts, a->sdp);
  call->ring_limit_id = g_timeout_add_seconds (CLICK_RING_LIMIT_S, ring_limit_reached, call);
  publish (call);
}

static gboolean
leg_usable (Leg *leg)
{
  return leg != NULL && leg->state == LEG_UP && leg->nh != NULL;
}

/* Connects two legs that were in different calls: an offerless re-INVITE
 * to `offerer`, whose 200 holds a fresh offer; that goes to `answerer` in
 * a re-INVITE, and its answer into our ACK to `offerer` (RFC 3725 flow I,
 * as re-INVITEs). Passing each side's old SDP to the other instead could
 * leave them on different codecs: those SDPs were answers to someone else. */
static void
bridge_legs (Leg *offerer,
             Leg *answerer)
{
  if (!offerer->manual_ack)
    {
      offerer->manual_ack = TRUE;
      nua_set_hparams (offerer->nh, NUTAG_AUTOACK (0), TAG_END ());
    }
  offerer->offer_to = answerer;
  server_reinvite (offerer, NULL, NULL);
}

/* The answer to a re-INVITE we sent. */
static void
reinvite_answered (Leg         *leg,
                   int          status,
                   const char  *phrase,
                   const sip_t *sip)
{
  g_autofree char *sdp = cb_sip_payload_dup (sip);
  Leg *relay_to = leg->relay_to;
  Leg *offer_to = leg->offer_to;
  Leg *ack_to = leg->ack_to;

  leg->reinviting = FALSE;
  leg->relay_to = NULL;
  leg->offer_to = NULL;
  leg->ack_to = NULL;
  if (status < 300 && sdp != NULL)
    {
      g_free (leg->sdp);
      leg->sdp = g_strdup (sdp);
    }

  if (offer_to != NULL)
    {
      g_autofree char *body = NULL;

      if (status < 300 && sdp != NULL && leg_usable (offer_to) && leg->call->state != CALL_ENDED)
        {
          /* Our ACK waits for the other side's answer; until then this
           * leg counts as renegotiating. */
          leg->reinviting = TRUE;
          leg->ack_pending = TRUE;
          offer_to->ack_to = leg;
          body = sdp_for (offer_to, sdp, CB_SIP_SDP_KEEP);
          server_reinvite (offer_to, body, NULL);
          return;
        }
      g_debug ("Call %s: bridging failed (%d %s)", leg->call->id, status, phrase);
      if (status < 300 && leg->manual_ack)
        nua_ack (leg->nh, TAG_END ());
      call_terminate (leg->call, 0);
      return;
    }

  if (status < 300 && leg->manual_ack)
    nua_ack (leg->nh, TAG_END ());

  if (ack_to != NULL)
    {
      if (ack_to->nh != NULL && ack_to->ack_pending)
        {
          g_autofree char *body = status < 300 ? sdp_for (ack_to, sdp, CB_SIP_SDP_KEEP) : NULL;

          ack_to->reinviting = FALSE;
          ack_to->ack_pending = FALSE;
          nua_ack (ack_to->nh, SDP_TAGS (body), TAG_END ());
        }
      if (status >= 300 && leg->call->state != CALL_ENDED)
        {
          g_debug ("Call %s: bridging failed (%d %s)", leg->call->id, status, phrase);
          call_terminate (leg->call, 0);
        }
      return;
    }

  if (pickup_answered (relay_to, status, phrase, sdp))
    return;
  if (relay_to != NULL && relay_to->state == LEG_UP && relay_to->nh != NULL)
    {
      g_autofree char *body = sdp_for (relay_to, sdp, CB_SIP_SDP_KEEP);

      nua_respond (relay_to->nh, status, phrase, SDP_TAGS (body), TAG_END ());
    }
}

/* A re-INVITE from a device (its own hold, a media change) is relayed to
 * the other side, and the answer back. */
static void
on_reinvite (Leg         *leg,
             const sip_t *sip)
{
  Call *call = leg->call;
  g_autofree char *sdp = cb_sip_payload_dup (sip);
  g_autofree char *body = NULL;
  Leg *other;

  other = leg == call->a ? call->b : call->a;
  if (call->state == CALL_ENDED || other == NULL || other->state != LEG_UP || other->nh == NULL)
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
  body = sdp_for (other, sdp, CB_SIP_SDP_KEEP);
  server_reinvite (other, body, leg);
  set_state (call, cb_sip_sdp_holds (sdp) ? CALL_HELD : CALL_CONNECTED);
}

/* ---- new calls ----------------------------------------------------------------- */

/* The user a dialled number reaches (their softphone line is named by
 * the extension), 0 when none. */
static gint64
resolve_number (CbSipRegistrar  *self,
                const char      *number,
                char           **canonical)
{
  g_autoptr(CbSipLineRecord) target = NULL;

  if (number != NULL)
    target = cb_store_find_sip_line (self->store, number, NULL);
  if (target == NULL || g_strcmp0 (target->kind, "softphone") != 0)
    return 0;
  if (canonical != NULL)
    *canonical = g_strdup (target->username);
  return target->user_id;
}

/* Calls show the user's number, whichever of their phones is used. */
static char *
number_of (CbSipRegistrar *self,
           gint64          user_id,
           const char     *line)
{
  const CbUserRecord *user = cb_directory_get_user (self->directory, user_id);

  if (user != NULL && user->extension != NULL && user->extension[0] != '\0')
    return g_strdup (user->extension);
  return g_strdup (line);
}

/* ---- the trunk ------------------------------------------------------------------- */

/* The callee side of a call to an external number: one leg to the
 * upstream proxy, the number (prefix stripped) in its Request-URI. FALSE
 * when the number is not for the trunk (or there is none). */
static gboolean
trunk_fork (Call       *call,
            const char *offer)
{
  CbSipRegistrar *self = call->reg;
  g_autofree char *target = cb_sip_trunk_request_uri (self->trunk, call->callee_number);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *sdp = NULL;
  Leg *leg;

  if (target == NULL)
    return FALSE;
  g_debug ("Call %s: %s over the trunk to %s", call->id, call->callee_number, target);
  call->external = TRUE;
  call->forked = TRUE;
  leg = leg_new (call, TRUE, LEG_CALLING);
  leg->trunk = TRUE;
  from = cb_sip_trunk_from (self->trunk, display_name (self, call->caller_id), call->caller_number);
  to = cb_sip_name_addr (NULL, target);
  /* A held party offered to someone new still wants to talk. */
  sdp = sdp_for (leg, offer, call->a != NULL && call->a->state == LEG_UP ? CB_SIP_SDP_SENDRECV : CB_SIP_SDP_KEEP);
  leg_open (leg, target, from, to);
  nua_invite (leg->nh, NUTAG_URL (target), SDP_TAGS (sdp), TAG_END ());
  return TRUE;
}

/* A user's phone dials an external number. FALSE when it is not one. */
static gboolean
trunk_new_call (CbSipRegistrar *self,
                nua_handle_t   *nh,
                const sip_t    *sip,
                gint64          caller_id,
                const char     *line)
{
  const char *number = sip->sip_request->rq_url->url_user;
  g_autofree char *target = cb_sip_trunk_request_uri (self->trunk, number);
  Call *call;

  if (target == NULL)
    return FALSE;

  call = call_new (self);
  call->caller_id = caller_id;
  call->caller_number = number_of (self, caller_id, line);
  call->callee_number = g_strdup (number);
  call->a = leg_new (call, FALSE, LEG_INCOMING);
  call->a->nh = nh;
  call->a->sdp = cb_sip_payload_dup (sip);
  call->a->call_id = g_strdup (cb_sip_call_id (sip));
  call->a->remote = cb_sip_remote_party (sip, TRUE);
  nua_handle_bind (nh, &call->a->magic);
  trunk_fork (call, call->a->sdp);
  publish (call);
  return TRUE;
}

static void
new_call (CbSipRegistrar *self,
          nua_handle_t   *nh,
          const sip_t    *sip)
{
  g_autofree char *line = NULL;
  g_autofree char *callee_number = NULL;
  g_autoptr(GPtrArray) contacts = NULL;
  gint64 caller_id;
  gint64 callee_id;
  Call *call;

  if (cb_sip_trunk_is_upstream (self->trunk, sip))
    {
      /* From outside: routed like an internal call, with no user behind
       * it (caller_id 0) and its number as the line. */
      caller_id = 0;
      line = cb_sip_trunk_caller_number (self->trunk, sip);
    }
  else if ((caller_id = _cb_sip_registrar_authenticate (self, nh, sip, TRUE, &line)) == 0)
    {
      nua_handle_destroy (nh);
      return;
    }
  if ((caller_id > 0 &&
       _cb_sip_feature_code (self, nh, sip, caller_id, sip->sip_request->rq_url->url_user)) ||
      group_new_call (self, nh, sip, caller_id, line))
    return;

  callee_id = resolve_number (self, sip->sip_request->rq_url->url_user, &callee_number);
  /* Only our own users may call out (no toll fraud through the trunk). */
  if (callee_id == 0 && caller_id > 0 && trunk_new_call (self, nh, sip, caller_id, line))
    return;
  if (callee_id == 0)
    {
      nua_respond (nh, SIP_404_NOT_FOUND, TAG_END ());
      nua_handle_destroy (nh);
      return;
    }
  contacts = _cb_sip_registrar_contacts_of (self, callee_id);
  if (contacts->len == 0)
    {
      nua_respond (nh, SIP_480_TEMPORARILY_UNAVAILABLE, TAG_END ());
      nua_handle_destroy (nh);
      return;
    }

  call = call_new (self);
  call->caller_id = caller_id;
  call->callee_id = callee_id;
  call->caller_number = number_of (self, caller_id, line);
  call->callee_number = g_steal_pointer (&callee_number);
  call->a = leg_new (call, FALSE, LEG_INCOMING);
  call->a->nh = nh;
  call->a->sdp = cb_sip_payload_dup (sip);
  call->a->call_id = g_strdup (cb_sip_call_id (sip));
  call->a->remote = cb_sip_remote_party (sip, TRUE);
  call->a->contact = cb_sip_contact_uri (sip);
  call->a->kind = g_strdup (binding_kind (self, call->a->contact));
  nua_handle_bind (nh, &call->a->magic);

  start_forks (call, contacts, call->a->sdp);
  publish (call);
}

/* ---- dispatch ------------------------------------------------------------------ */

static gboolean
call_finished (Call *call)
{
  if (call->state != CALL_ENDED)
    return FALSE;
  for (guint i = 0; i < call->legs->len; i++)
    if (((Leg *) g_ptr_array_index (call->legs, i))->nh != NULL)
      return FALSE;
  return TRUE;
}

static void
on_invite_answer (Leg         *leg,
                  int          status,
                  const char  *phrase,
                  const sip_t *sip)
{
  if (leg->reinviting)
    {
      if (status >= 200)
        reinvite_answered (leg, status, phrase, sip);
      return;
    }

  switch (leg->state)
    {
    case LEG_CALLING:
      /* A To tag: the device itself rings (not just a proxy's 18x). */
      if (status > 100 && status < 200 && sip != NULL && sip->sip_to != NULL &&
          sip->sip_to->a_tag != NULL)
        leg->early = TRUE;
      if (status < 200)
        {
          if (leg->fork && status > 100)
            fork_alerting (leg, sip);
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
               cb_sip_trunk_authenticate (leg->call->reg->trunk, leg->nh, sip, &leg->auth_attempts))
        g_debug ("Call %s: the trunk asked for credentials", leg->call->id);
      else if (leg->fork)
        fork_failed (leg, status);
      else
        {
          leg->state = LEG_GONE;
          call_terminate (leg->call, 0);
        }
      break;

    case LEG_GONE:
      /* A 200 that crossed our CANCEL: the device is up, end it. */
      if (status >= 200 && status < 300 && leg->nh != NULL)
        {
          if (leg->manual_ack)
            nua_ack (leg->nh, TAG_END ());
          nua_bye (leg->nh, TAG_END ());
        }
      break;

    case LEG_INCOMING:
    case LEG_AWAIT_ACK:
    case LEG_UP:
    default:
      break;
    }
}

/* The leg's dialog is over: its handle goes, and the call with its
 * last handle. */
static void
leg_let_go (Leg *leg)
{
  Call *call = leg->call;

  nua_handle_bind (leg->nh, NULL);
  nua_handle_destroy (leg->nh);
  leg->nh = NULL;
  if (call_finished (call))
    g_hash_table_remove (call->reg->calls, call->id);
}

void
_cb_sip_b2bua_event (CbSipRegistrar *self,
                     nua_event_t     event,
                     int             status,
                     const char     *phrase,
                     nua_handle_t   *nh,
                     CbSipMagic     *magic,
                     const sip_t    *sip,
                     tagi_t          tags[])
{
  Leg *leg = magic != NULL && magic->kind == CB_SIP_MAGIC_LEG ? (Leg *) magic : NULL;
  Call *call = leg != NULL ? leg->call : NULL;
  int callstate = -1;

  if (event == nua_i_state)
    tl_gets (tags, NUTAG_CALLSTATE_REF (callstate), TAG_END ());

  if (call == NULL)
    {
      if (event == nua_i_invite && sip != NULL)
        new_call (self, nh, sip);
      else if (event == nua_i_state && callstate == nua_callstate_terminated)
        nua_handle_destroy (nh);
      else if (event == nua_r_notify && status >= 200)
        nua_handle_destroy (nh);   /* remote_answer()'s */
      return;
    }

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
      pickup_acked (leg);
      break;

    case nua_i_cancel:
      /* The caller gave up; sofia has answered 487. */
      leg->state = LEG_GONE;
      call_terminate (call, 0);
      break;

    case nua_i_bye:
      leg->state = LEG_GONE;
      if (!leg->fork || leg == call->b)
        call_terminate (call, 0);
      break;

    case nua_r_options:
      /* check_dialogs()'s question: a 481 (RFC 5057), or no answer at
       * all (our stack's 408, or its 503 for an ICMP error: the phone's
       * port is closed), means the device no longer has this call. */
      if ((status == 481 || status == 408 || status == 503) &&
          leg->state == LEG_UP && call->state != CALL_ENDED)
        {
          g_debug ("Call %s: a device lost its dialog (%d %s)", call->id, status, phrase);
          call_terminate (call, 0);
        }
      break;

    case nua_i_state:
      if (callstate != nua_callstate_terminated)
        break;
      /* A leg vanished (timeout, transport error) or finished. */
      if (leg->state != LEG_GONE)
        {
          if (leg->fork && leg != call->b)
            {
              if (leg->state == LEG_CALLING)
                fork_failed (leg, 480);
              leg->state = LEG_GONE;
            }
          else
            {
              leg->state = LEG_GONE;
              call_terminate (call, 0);
            }
        }
      /* A BYE that crossed our re-INVITE ends the dialog before that
       * transaction does: the handle waits for its answer (a 481, or the
       * transaction's own timeout), so that no event comes for a handle
       * we destroyed. Its To carries the dialog's tag (server_reinvite()),
       * so a re-INVITE sofia-sip sends only after the dialog ended is
       * refused with 481 rather than ringing the phone as a new call.
       * (sofia-sip 1.12.11 as Debian ships it keeps one reference too
       * many to a re-INVITE in flight when its session ends, about 2 KiB
       * per such crossing; freeswitch's fork, which the Flatpak builds,
       * has that fixed in nua_session_usage_remove().) */
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

void
_cb_sip_b2bua_shutdown (CbSipRegistrar *self)
{
  GHashTableIter iter;
  Call *call;

  /* nua_shutdown() ends the dialogs itself; the calls only need their
   * ends recorded so the journal is complete. */
  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call))
    if (call->state != CALL_ENDED)
      {
        call->state = CALL_ENDED;
        publish (call);
      }
  g_hash_table_remove_all (self->calls);
}

/* ---- REST call control ------------------------------------------------------------ */

static Call *
find_own_call (CbSipRegistrar  *self,
               gint64           user_id,
               const char      *call_id,
               GError         **error)
{
  Call *call = call_id != NULL ? g_hash_table_lookup (self->calls, call_id) : NULL;

  if (call == NULL || call->state == CALL_ENDED ||
      (call->caller_id != user_id && !(call->callee_id == user_id && call->forked) &&
       !rings_at (call, user_id)))
    {
      /* Someone else's call is forbidden, but only when it exists. */
      if (call != NULL && call->state != CALL_ENDED)
        g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_FORBIDDEN, "Not your call");
      else
        g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND, "No such call");
      return NULL;
    }
  return call;
}

static gboolean
is_caller (Call   *call,
           gint64  user_id)
{
  return call->caller_id == user_id;
}

JsonArray *
cb_sip_registrar_list_calls (CbSipRegistrar *self,
                             gint64          user_id)
{
  JsonArray *array = json_array_new ();
  GHashTableIter iter;
  Call *call;

  g_return_val_if_fail (CB_IS_SIP_REGISTRAR (self), array);

  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call))
    {
      if (call->state == CALL_ENDED)
        continue;
      if (call->caller_id == user_id || (call->callee_id == user_id && call->forked) ||
          rings_at (call, user_id))
        json_array_add_object_element (array, call_data (call, user_id));
    }
  return array;
}

/* resolve_target()'s answer for a number beyond the trunk. */
#define EXTERNAL_CALLEE ((gint64) -1)

static gboolean
is_external (CbSipRegistrar *self,
             const char     *number)
{
  g_autofree char *target = cb_sip_trunk_request_uri (self->trunk, number);

  return target != NULL;
}

/* The user (callee_id) a number reaches, with something registered, or
 * EXTERNAL_CALLEE for a number that goes to the trunk; else a protocol
 * error. */
static gint64
resolve_target (CbSipRegistrar  *self,
                const char      *to,
                char           **callee_number,
                GError         **error)
{
  g_autoptr(GPtrArray) targets = NULL;
  gint64 callee_id;

  callee_id = resolve_number (self, to, callee_number);
  if (callee_id == 0 && is_external (self, to))
    {
      *callee_number = g_strdup (to);
      return EXTERNAL_CALLEE;
    }
  if (callee_id == 0)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND, "Unknown number “%s”", to);
      return 0;
    }
  targets = _cb_sip_registrar_contacts_of (self, callee_id);
  if (targets->len == 0)
    {
      g_clear_pointer (callee_number, g_free);
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT,
                   "Nothing is registered for “%s”", to);
      return 0;
    }
  return callee_id;
}

/* Third-party call control from one of the user's devices (RFC 3725
 * flow I): an offerless INVITE to the device; its 200 starts the forks. */
static Call *
click_call (CbSipRegistrar *self,
            gint64          user_id,
            gint64          callee_id,
            char           *callee_number,
            const char     *device)
{
  g_autoptr(CbSipLineRecord) own = NULL;
  g_autofree char *from = NULL;
  g_autofree char *dest = NULL;
  g_autofree char *call_info = NULL;
  Call *call;

  call = call_new (self);
  call->caller_id = user_id;
  call->callee_id = callee_id;
  own = cb_store_get_softphone_line (self->store, user_id, NULL);
  call->caller_number = number_of (self, user_id, own != NULL ? own->username : "");
  call->callee_number = callee_number;

  /* The user's phone shows whom it is about to call. */
  call->a = leg_new (call, FALSE, LEG_CALLING);
  call->a->manual_ack = TRUE;
  from = cb_sip_name_addr_at (display_name (self, callee_id), call->callee_number,
                              self->address, self->port);
  dest = cb_sip_name_addr (NULL, device);
  call_info = g_strdup_printf ("<%s>;answer-after=0", self->uri);
  leg_open (call->a, device, from, dest);
  nua_set_hparams (call->a->nh, NUTAG_AUTOACK (0), TAG_END ());
  /* No offer: the phone makes it in its 200 (RFC 3725 flow I). */
  nua_invite (call->a->nh,
              NUTAG_URL (device),
              SIPTAG_CALL_INFO_STR (call_info),
              TAG_END ());
  publish (call);
  return call;
}

JsonObject *
cb_sip_registrar_dial (CbSipRegistrar  *self,
                       gint64           user_id,
                       const char      *to,
                       const char      *device_kind,
                       GError         **error)
{
  g_autoptr(GPtrArray) devices = NULL;
  g_autofree char *callee_number = NULL;
  gint64 callee_id;
  Call *call;

  g_return_val_if_fail (CB_IS_SIP_REGISTRAR (self), NULL);

  if (self->nua == NULL)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_UNAVAILABLE, "SIP is not running");
      return NULL;
    }
  if (resolve_number (self, to, NULL) == 0 && !is_external (self, to))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND, "Unknown number “%s”", to);
      return NULL;
    }
  devices = _cb_sip_registrar_contacts_of_kind (self, user_id, device_kind);
  if (devices->len == 0)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT,
                   "No %s phone of yours is registered", device_kind);
      return NULL;
    }
  if ((callee_id = resolve_target (self, to, &callee_number, error)) == 0)
    return NULL;

  call = click_call (self, user_id, MAX (callee_id, 0), g_steal_pointer (&callee_number),
                     g_ptr_array_index (devices, 0));
  call->external = callee_id == EXTERNAL_CALLEE;
  return call_data (call, user_id);
}

JsonObject *
cb_sip_registrar_hangup (CbSipRegistrar  *self,
                         gint64           user_id,
                         const char      *call_id,
                         GError         **error)
{
  Call *call;

  g_return_val_if_fail (CB_IS_SIP_REGISTRAR (self), NULL);

  if ((call = find_own_call (self, user_id, call_id, error)) == NULL)
    return NULL;
  if (!is_caller (call, user_id) && call->callee_id != user_id)
    return member_decline (call, user_id);
  /* A callee hanging up a ringing call declines it. */
  call_terminate (call, is_caller (call, user_id) ? 487 : 603);
  return call_data (call, user_id);
}

/* The user's leg and the other party's, both up and not renegotiating. */
static gboolean
connected_legs (Call    *call,
                gint64   user_id,
                Leg    **mine,
                Leg    **other,
                GError **error)
{
  *mine = is_caller (call, user_id) ? call->a : call->b;
  *other = is_caller (call, user_id) ? call->b : call->a;
  if (call->b == NULL || call->a == NULL || call->a->state != LEG_UP || call->b->state != LEG_UP)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT, "The call is not connected");
      return FALSE;
    }
  if (call->a->reinviting || call->b->reinviting)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT,
                   "The call is being renegotiated; try again");
      return FALSE;
    }
  return TRUE;
}

JsonObject *
cb_sip_registrar_hold (CbSipRegistrar  *self,
                       gint64           user_id,
                       const char      *call_id,
                       gboolean         hold,
                       GError         **error)
{
  g_autofree char *to_other = NULL;
  g_autofree char *to_mine = NULL;
  CbSipSdpDirection direction = hold ? CB_SIP_SDP_SENDONLY : CB_SIP_SDP_SENDRECV;
  Leg *mine, *other;
  Call *call;

  g_return_val_if_fail (CB_IS_SIP_REGISTRAR (self), NULL);

  if ((call = find_own_call (self, user_id, call_id, error)) == NULL ||
      !connected_legs (call, user_id, &mine, &other, error))
    return NULL;

  /* Both phones stop sending: the held party is told so, and the user's
   * own phone, which knows nothing of the hold, is made to stop too. */
  to_other = sdp_for (other, mine->sdp, direction);
  to_mine = sdp_for (mine, other->sdp, direction);
  server_reinvite (other, to_other, NULL);
  server_reinvite (mine, to_mine, NULL);
  set_state (call, hold ? CALL_HELD : CALL_CONNECTED);
  return call_data (call, user_id);
}

/* Moves a leg from its call to `next` (which owns it from now on). */
static void
move_leg (Leg      *leg,
          Call     *next,
          gboolean  as_fork)
{
  Call *call = leg->call;
  guint index;

  g_assert (g_ptr_array_find (call->legs, leg, &index));
  g_ptr_array_add (next->legs, g_ptr_array_steal_index (call->legs, index));
  if (call->a == leg)
    call->a = NULL;
  if (call->b == leg)
    call->b = NULL;
  leg->call = next;
  leg->fork = as_fork;
}

/* Ends a call the other party's leg was moved out of; the user's side of
 * it, as ended, is the answer. */
static JsonObject *
end_left_call (Call   *call,
               gint64  user_id)
{
  JsonObject *answer = call_data_in (call, user_id, CALL_ENDED);

  call_terminate (call, 0);
  if (call_finished (call))
    g_hash_table_remove (call->reg->calls, call->id);
  return answer;
}

JsonObject *
cb_sip_registrar_forward (CbSipRegistrar  *self,
                          gint64           user_id,
                          const char      *call_id,
                          const char      *to,
                          GError         **error)
{
  g_autoptr(GPtrArray) targets = NULL;
  g_autofree char *callee_number = NULL;
  JsonObject *answer;
  gint64 callee_id;
  Leg *mine, *other;
  Call *call, *next;

  g_return_val_if_fail (CB_IS_SIP_REGISTRAR (self), NULL);

  if ((call = find_own_call (self, user_id, call_id, error)) == NULL ||
      !connected_legs (call, user_id, &mine, &other, error))
    return NULL;
  if ((callee_id = resolve_target (self, to, &callee_number, error)) == 0)
    return NULL;
  targets = _cb_sip_registrar_contacts_of (self, MAX (callee_id, 0));

  /* The other party's leg moves to a new call to the target; the old
   * call ends for both (each keeps its journal entry). */
  next = call_new (self);
  next->caller_id = other == call->a ? call->caller_id : call->callee_id;
  next->caller_number = g_strdup (other == call->a ? call->caller_number : call->callee_number);
  next->callee_id = MAX (callee_id, 0);
  next->callee_number = g_steal_pointer (&callee_number);
  move_leg (other, next, FALSE);
  next->a = other;

  answer = end_left_call (call, user_id);

  if (callee_id == EXTERNAL_CALLEE)
    trunk_fork (next, other->sdp);
  else
    start_forks (next, targets, other->sdp);
  publish (next);
  return answer;
}

/* The party at the other end of `leg`, which is a or b of its call. */
static void
party_of (Leg         *leg,
          gint64      *user_id,
          const char **number)
{
  Call *call = leg->call;

  *user_id = leg == call->a ? call->caller_id : call->callee_id;
  *number = leg == call->a ? call->caller_number : call->callee_number;
}

JsonObject *
cb_sip_registrar_transfer (CbSipRegistrar  *self,
                           gint64           user_id,
                           const char      *call_id,
                           const char      *to_call_id,
                           GError         **error)
{
  Leg *mine, *other, *consult_mine, *consult_other;
  Call *call, *consult, *next;
  JsonObject *answer;
  const char *number;

  g_return_val_if_fail (CB_IS_SIP_REGISTRAR (self), NULL);

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
  next = call_new (self);
  party_of (other, &next->caller_id, &number);
  next->caller_number = g_strdup (number);
  party_of (consult_other, &next->callee_id, &number);
  next->callee_number = g_strdup (number);
  move_leg (other, next, FALSE);
  move_leg (consult_other, next, TRUE);
  next->a = other;
  next->b = consult_other;
  next->forked = TRUE;
  next->alerted = TRUE;
  next->answered_at = next->started_at;
  next->state = CALL_CONNECTED;

  answer = end_left_call (call, user_id);
  json_object_unref (end_left_call (consult, user_id));

  bridge_legs (consult_other, other);
  publish (next);
  return answer;
}

JsonObject *
cb_sip_registrar_consult (CbSipRegistrar  *self,
                          gint64           user_id,
                          const char      *call_id,
                          const char      *to,
                          GError         **error)
{
  g_autofree char *callee_number = NULL;
  g_autoptr(JsonObject) held = NULL;
  gint64 callee_id;
  Leg *mine, *other;
  Call *call, *consult;

  g_return_val_if_fail (CB_IS_SIP_REGISTRAR (self), NULL);

  if ((call = find_own_call (self, user_id, call_id, error)) == NULL ||
      !connected_legs (call, user_id, &mine, &other, error))
    return NULL;
  if (mine->contact == NULL)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT,
                   "Your phone in this call cannot be reached");
      return NULL;
    }
  if ((callee_id = resolve_target (self, to, &callee_number, error)) == 0)
    return NULL;

  if (call->state == CALL_CONNECTED &&
      (held = cb_sip_registrar_hold (self, user_id, call_id, TRUE, error)) == NULL)
    return NULL;
  /* The same phone places the consultation call, as if the user had
   * dialled on it: it rings (answer-after=0), then the target. */
  consult = click_call (self, user_id, MAX (callee_id, 0), g_steal_pointer (&callee_number),
                        mine->contact);
  consult->external = callee_id == EXTERNAL_CALLEE;
  return call_data (consult, user_id);
}

/* The remote-answer convention of desk phones: an unsolicited NOTIFY
 * with Event: talk. sofia keeps no dialog for an INVITE still ringing
 * (it would send the NOTIFY to the To URI, i.e. to us), so it goes to the
 * device's contact outside the dialog: phones answer the call ringing
 * there (the oldest one, should there be several). Its handle is freed
 * when the answer comes (see _cb_sip_b2bua_event). */
static void
remote_answer (Leg *leg)
{
  CbSipRegistrar *self = leg->call->reg;
  g_autofree char *to = cb_sip_name_addr (NULL, leg->contact);
  nua_handle_t *nh;

  nh = nua_handle (self->nua, NULL, NUTAG_URL (leg->contact), SIPTAG_TO_STR (to),
                   SIPTAG_FROM_STR (self->uri), TAG_END ());
  nua_notify (nh,
              NUTAG_NEWSUB (1),
              NUTAG_SUBSTATE (nua_substate_terminated),
              SIPTAG_EVENT_STR ("talk"),
              SIPTAG_SUBSCRIPTION_STATE_STR ("terminated;reason=noresource"),
              TAG_END ());
}

JsonObject *
cb_sip_registrar_answer (CbSipRegistrar  *self,
                         gint64           user_id,
                         const char      *call_id,
                         GError         **error)
{
  Leg *target = NULL;
  Call *call;

  g_return_val_if_fail (CB_IS_SIP_REGISTRAR (self), NULL);

  if ((call = find_own_call (self, user_id, call_id, error)) == NULL)
    return NULL;

  if (call->state == CALL_RINGING && is_caller (call, user_id))
    {
      /* "Call from desk phone": the user's own phone rings first. */
      if (call->a != NULL && call->a->state == LEG_CALLING && call->a->early &&
          call->a->contact != NULL)
        target = call->a;
    }
  else if (call->state == CALL_RINGING)
    {
      /* A desk phone is the one the user cannot reach from the client;
       * the softphone otherwise. */
      for (guint i = 0; i < call->legs->len; i++)
        {
          Leg *leg = g_ptr_array_index (call->legs, i);

          if (!leg->fork || leg->state != LEG_CALLING || !leg->early || leg->nh == NULL ||
              leg->contact == NULL || (leg->user_id > 0 && leg->user_id != user_id))
            continue;
          if (target == NULL || (g_strcmp0 (leg->kind, "desk") == 0 &&
                                 g_strcmp0 (target->kind, "desk") != 0))
            target = leg;
        }
    }
  if (target == NULL)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT,
                   "The call is not ringing at your phone");
      return NULL;
    }

  remote_answer (target);
  return call_data (call, user_id);
}

#define DTMF_DIGITS "0123456789*#ABCD"
#define DTMF_MAX_DIGITS 64
#define DTMF_DURATION_MS 160

JsonObject *
cb_sip_registrar_send_dtmf (CbSipRegistrar  *self,
                            gint64           user_id,
                            const char      *call_id,
                            const char      *digits,
                            GError         **error)
{
  Leg *mine, *other;
  Call *call;
  gsize len;

  g_return_val_if_fail (CB_IS_SIP_REGISTRAR (self), NULL);

  if ((call = find_own_call (self, user_id, call_id, error)) == NULL)
    return NULL;
  len = digits != NULL ? strlen (digits) : 0;
  if (len == 0 || len > DTMF_MAX_DIGITS || strspn (digits, DTMF_DIGITS) != len)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “digits” must be 1–%d of 0-9 * # A-D", DTMF_MAX_DIGITS);
      return NULL;
    }
  mine = is_caller (call, user_id) ? call->a : call->b;
  other = is_caller (call, user_id) ? call->b : call->a;
  if (call->state == CALL_RINGING || !leg_usable (mine) || !leg_usable (other))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT, "The call is not connected");
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
  return call_data (call, user_id);
}

/* ---- hunt groups and pickup ------------------------------------------------------ */

/* Forks of the call to user_id (a group member, a picker) still ring. */
static gboolean
rings_at (Call   *call,
          gint64  user_id)
{
  if (call->state != CALL_RINGING || user_id <= 0)
    return FALSE;
  for (guint i = 0; i < call->legs->len; i++)
    {
      Leg *leg = g_ptr_array_index (call->legs, i);

      if (leg->fork && leg->state == LEG_CALLING && leg->user_id == user_id)
        return TRUE;
    }
  return FALSE;
}

static CbSipRung *
rung_add (Call   *call,
          gint64  user_id)
{
  CbSipRung rung = { user_id, FALSE, FALSE };

  if (call->rung == NULL)
    call->rung = g_array_new (FALSE, TRUE, sizeof (CbSipRung));
  for (guint i = 0; i < call->rung->len; i++)
    if (g_array_index (call->rung, CbSipRung, i).user_id == user_id)
      return &g_array_index (call->rung, CbSipRung, i);
  g_array_append_val (call->rung, rung);
  return &g_array_index (call->rung, CbSipRung, call->rung->len - 1);
}

/* Everyone the call rang besides its callee: a "call" event while it
 * rings there and one when it stopped; a journal entry once it is
 * decided who took it (answered_at 0, taken_by the colleague). */
static gboolean
record_rung (CbChanges  *changes,
             Call       *call,
             GError    **error)
{
  for (guint i = 0; call->rung != NULL && i < call->rung->len; i++)
    {
      CbSipRung *rung = &g_array_index (call->rung, CbSipRung, i);
      gboolean ringing = rings_at (call, rung->user_id);
      CbWireCall side;

      if (rung->user_id == call->callee_id)
        continue;
      call_side (call, rung->user_id, FALSE, &side);
      if (ringing || !rung->ended)
        {
          if (!ringing)
            {
              side.state = CALL_ENDED;
              rung->ended = TRUE;
            }
          if (!cb_sip_record_call_event (changes, &side, error))
            return FALSE;
        }
      if (!ringing && !rung->journaled && (call->answered_at > 0 || call->state == CALL_ENDED))
        {
          CbWireParty taken_by = { 0 };

          if (call->answered_at > 0)
            taken_by = (CbWireParty) { call->callee_id, NULL, display_name (call->reg, call->callee_id) };
          /* Not answered by them. */
          side.answered_at = 0;
          rung->journaled = TRUE;
          if (!cb_sip_record_journal (changes, &side, &taken_by, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* Forks to every registered device of user_id, marked as theirs. */
static gboolean
ring_user (Call      *call,
           gint64     user_id,
           gboolean   pickup,
           GPtrArray *contacts)
{
  g_autoptr(GPtrArray) all = NULL;
  guint first = call->legs->len;

  /* A member calling their own group is not rung by it. */
  if (user_id == call->caller_id)
    return FALSE;
  if (contacts == NULL)
    contacts = all = _cb_sip_registrar_contacts_of (call->reg, user_id);
  if (contacts->len == 0 || call->a == NULL)
    return FALSE;
  start_forks (call, contacts, call->a->sdp);
  for (guint i = first; i < call->legs->len; i++)
    {
      Leg *leg = g_ptr_array_index (call->legs, i);

      leg->user_id = user_id;
      leg->pickup = pickup;
    }
  if (!pickup)
    rung_add (call, user_id)->ended = FALSE;
  return TRUE;
}

static void group_ring (Call *call);

/* The overflow number beyond the trunk rings (one leg, as a dialled
 * external call); the call keeps showing the group's number. */
static gboolean
overflow_to_trunk (Call       *call,
                   const char *number)
{
  g_autofree char *group_number = NULL;
  gboolean forked;

  if (call->a == NULL || !is_external (call->reg, number))
    return FALSE;
  group_number = g_steal_pointer (&call->callee_number);
  call->callee_number = g_strdup (number);
  forked = trunk_fork (call, call->a->sdp);
  g_free (call->callee_number);
  call->callee_number = g_steal_pointer (&group_number);
  return forked;
}

typedef struct {
  CbSipRegistrar *reg;
  char           *call_id;
} DropCall;

static void
drop_call_free (gpointer data)
{
  DropCall *drop = data;

  g_object_unref (drop->reg);
  g_free (drop->call_id);
  g_free (drop);
}

/* A call with no handle left gets no more events to free it after. */
static gboolean
drop_if_finished (gpointer data)
{
  DropCall *drop = data;
  Call *call = g_hash_table_lookup (drop->reg->calls, drop->call_id);

  if (call != NULL && call_finished (call))
    g_hash_table_remove (drop->reg->calls, drop->call_id);
  return G_SOURCE_REMOVE;
}

/* Hands the caller's unanswered INVITE to the queue (which answers it
 * with its music) and ends this call; FALSE, with nothing changed, when
 * the queue does not take it. */
static gboolean
overflow_to_queue (Call                *call,
                   const CbGroupRecord *queue)
{
  Leg *a = call->a;
  CbSipDialog dialog;
  DropCall *drop;

  if (call->reg->queue == NULL || a == NULL || a->nh == NULL || a->state != LEG_INCOMING ||
      call->b != NULL)
    return FALSE;
  dialog = (CbSipDialog) {
    .nh = a->nh, .sdp = a->sdp, .call_id = a->call_id, .contact = a->contact, .remote = a->remote,
  };
  if (!_cb_sip_queue_take (call->reg->queue, &dialog, call->caller_id, call->caller_number, queue))
    return FALSE;
  g_debug ("Call %s: the caller waits in queue “%s”", call->id, queue->name);
  /* The queue owns the handle now; whatever still rings stops. */
  a->nh = NULL;
  a->state = LEG_GONE;
  call_terminate (call, 0);
  drop = g_new0 (DropCall, 1);
  drop->reg = g_object_ref (call->reg);
  drop->call_id = g_strdup (call->id);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, drop_if_finished, drop, drop_call_free);
  return TRUE;
}

/* Rings the overflow: an extension, another hunt group (which starts
 * ringing by its own strategy) or a number beyond the trunk. FALSE when
 * none of them rings; a group the call was routed to before is none. */
static gboolean
overflow_to (Call       *call,
             const char *overflow)
{
  CbSipGroupCall *group = call->group;
  const CbGroupRecord *next = _cb_sip_hunt_find_group (call->reg, overflow);
  gint64 target;

  if (next != NULL)
    {
      g_autofree char *from = g_strdup (group->group_name);

      if (!_cb_sip_group_call_overflow_to (group, next))
        {
          g_debug ("Call %s: no overflow of “%s” to group “%s” (a loop)", call->id, from, next->name);
          return FALSE;
        }
      g_debug ("Call %s: overflow of “%s” to group “%s”", call->id, from, next->name);
      /* A queue answers the caller's INVITE itself: only while it is
       * unanswered (nobody logged in: it rings like any hunt group). */
      if (next->strategy == CB_RING_STRATEGY_QUEUE && overflow_to_queue (call, next))
        return TRUE;
      group_ring (call);
      return TRUE;
    }
  if ((target = resolve_number (call->reg, overflow, NULL)) > 0)
    {
      if (target == call->caller_id || !ring_user (call, target, FALSE, NULL))
        return FALSE;
    }
  else if (!overflow_to_trunk (call, overflow))
    return FALSE;
  g_debug ("Call %s: overflow of “%s” to %s", call->id, group->group_name, overflow);
  publish (call);
  return TRUE;
}

/* Nobody (else) takes it: the overflow rings (once), or the caller hears
 * busy. */
static void
overflow_or_busy (Call *call)
{
  CbSipGroupCall *group = call->group;
  g_autofree char *overflow = NULL;

  if (!group->overflowed && group->overflow != NULL)
    overflow = g_strdup (group->overflow);
  group->overflowed = TRUE;
  if (overflow != NULL && overflow_to (call, overflow))
    return;
  g_debug ("Call %s: nobody in “%s” takes it", call->id, group->group_name);
  call_terminate (call, 486);
}

/* Stops the member ringing now (sequential) without touching pickups. */
static void
stop_ringing (Call   *call,
              gint64  user_id)
{
  for (guint i = 0; i < call->legs->len; i++)
    {
      Leg *leg = g_ptr_array_index (call->legs, i);

      if (leg->fork && leg->state == LEG_CALLING && leg->user_id == user_id && !leg->pickup)
        {
          nua_cancel (leg->nh, TAG_END ());
          leg->state = LEG_GONE;
        }
    }
}

static gboolean member_timed_out (gpointer data);

/* Sequential: the next eligible member rings for the member timeout. */
static void
hunt_on (Call     *call,
         gboolean  first)
{
  CbSipGroupCall *group = call->group;
  gint64 member;

  while ((member = _cb_sip_hunt_next (call->reg, group, first)) != 0)
    {
      first = FALSE;
      if (ring_user (call, member, FALSE, NULL))
        {
          g_debug ("Call %s: “%s” rings member %" G_GINT64_FORMAT " for %u s", call->id,
                   group->group_name, member, group->member_timeout);
          /* Not g_timeout_add_seconds(): its coalescing adds up to a second. */
          group->timer_id = g_timeout_add (group->member_timeout * 1000, member_timed_out, call);
          publish (call);
          return;
        }
    }
  overflow_or_busy (call);
}

static gboolean
member_timed_out (gpointer data)
{
  Call *call = data;
  CbSipGroupCall *group = call->group;

  group->timer_id = 0;
  if (call->state != CALL_RINGING || call->b != NULL)
    return G_SOURCE_REMOVE;
  stop_ringing (call, g_array_index (group->order, gint64, group->position));
  hunt_on (call, FALSE);
  return G_SOURCE_REMOVE;
}

/* Every fork of the current member(s) failed; FALSE when the call's own
 * ending applies (not a group call, or its overflow failed too). */
static gboolean
group_fork_failed (Call *call)
{
  CbSipGroupCall *group = call->group;

  if (group == NULL || group->overflowed)
    return FALSE;
  if (group->strategy == CB_RING_STRATEGY_SEQUENTIAL)
    {
      g_clear_handle_id (&group->timer_id, g_source_remove);
      hunt_on (call, FALSE);
    }
  else
    overflow_or_busy (call);
  return TRUE;
}

/* A fork answered: whoever it rang is the callee now; a callee the call
 * was picked up from stays in the call's history. */
static void
group_answered (Call *call,
                Leg  *leg)
{
  if (call->group != NULL)
    g_clear_handle_id (&call->group->timer_id, g_source_remove);
  if (leg->user_id <= 0 || leg->user_id == call->callee_id)
    return;
  if (leg->pickup)
    call->picked_up = TRUE;
  if (call->callee_id > 0)
    rung_add (call, call->callee_id);
  call->callee_id = leg->user_id;
}

/* The leg of an INVITE we received: its offer, dialog and the phone's
 * address (where a consultation from it goes later). */
static void
adopt_invite (Leg          *leg,
              nua_handle_t *nh,
              const sip_t  *sip)
{
  CbSipRegistrar *self = leg->call->reg;

  leg->nh = nh;
  leg->sdp = cb_sip_payload_dup (sip);
  leg->call_id = g_strdup (cb_sip_call_id (sip));
  leg->remote = cb_sip_remote_party (sip, TRUE);
  leg->contact = cb_sip_contact_uri (sip);
  leg->kind = g_strdup (binding_kind (self, leg->contact));
  nua_handle_bind (nh, &leg->magic);
}

static gboolean
group_new_call (CbSipRegistrar *self,
                nua_handle_t   *nh,
                const sip_t    *sip,
                gint64          caller_id,
                const char     *line)
{
  const CbGroupRecord *group = _cb_sip_hunt_find_group (self, sip->sip_request->rq_url->url_user);
  Call *call;

  if (group == NULL)
    return FALSE;
  /* Queues answer and hold the caller themselves (cb-sip-queue.c);
   * nobody logged in is routed below: overflow or busy. */
  if (group->strategy == CB_RING_STRATEGY_QUEUE && self->queue != NULL &&
      _cb_sip_queue_incoming (self->queue, nh, sip, caller_id, line, group))
    return TRUE;

  call = call_new (self);
  call->caller_id = caller_id;
  call->caller_number = number_of (self, caller_id, line);
  call->callee_number = g_strdup (group->number);
  call->group = _cb_sip_group_call_new (group);
  call->a = leg_new (call, FALSE, LEG_INCOMING);
  adopt_invite (call->a, nh, sip);
  g_debug ("Call %s: to group “%s” (%s)", call->id, group->name,
           cb_enum_to_nick (CB_TYPE_RING_STRATEGY, group->strategy));
  group_ring (call);
  return TRUE;
}

/* Starts ringing the call's group, by its strategy. */
static void
group_ring (Call *call)
{
  switch (call->group->strategy)
    {
    case CB_RING_STRATEGY_SEQUENTIAL:
      hunt_on (call, TRUE);
      break;

    case CB_RING_STRATEGY_QUEUE:
      /* Only a queue nobody is logged into gets here (see
       * group_new_call()): nobody is eligible, so overflow or busy. */
    case CB_RING_STRATEGY_PARALLEL:
    default:
      {
        g_autoptr(GArray) members = _cb_sip_hunt_all_eligible (call->reg, call->group);
        gboolean any = FALSE;

        for (guint i = 0; i < members->len; i++)
          any |= ring_user (call, g_array_index (members, gint64, i), FALSE, NULL);
        if (any)
          publish (call);
        else
          overflow_or_busy (call);
      }
      break;
    }
}

/* The users a ringing call rings at now, and whether `picker` may take it. */
static gboolean
may_pick_up (Call   *call,
             gint64  picker,
             gint64  target)
{
  gint64 group_id = call->group != NULL ? call->group->group_id : 0;

  if (call->state != CALL_RINGING || call->b != NULL || call->a == NULL ||
      (call->a->state != LEG_INCOMING && call->a->state != LEG_AWAIT_ACK))
    return FALSE;
  if (target > 0)
    return (target == call->callee_id ? call->forked : rings_at (call, target)) &&
           _cb_sip_pickup_allowed (call->reg, picker, target, group_id);

  if (call->callee_id > 0 && call->forked && call->callee_id != picker &&
      _cb_sip_pickup_allowed (call->reg, picker, call->callee_id, group_id))
    return TRUE;
  for (guint i = 0; call->rung != NULL && i < call->rung->len; i++)
    {
      gint64 user_id = g_array_index (call->rung, CbSipRung, i).user_id;

      if (user_id != picker && rings_at (call, user_id) &&
          _cb_sip_pickup_allowed (call->reg, picker, user_id, group_id))
        return TRUE;
    }
  return FALSE;
}

/* A call ringing at target (0: any the picker may take, newest or oldest
 * first); *forbidden when one rings there that the picker may not take. */
static Call *
find_pickup (CbSipRegistrar *self,
             gint64          picker,
             gint64          target,
             gboolean       *forbidden)
{
  gboolean oldest = target == 0 && _cb_sip_pickup_oldest (self, picker);
  GHashTableIter iter;
  Call *best = NULL;
  Call *call;

  *forbidden = FALSE;
  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call))
    {
      if (call->caller_id == picker)
        continue;
      if (!may_pick_up (call, picker, target))
        {
          if (target > 0 && call->state == CALL_RINGING &&
              ((call->callee_id == target && call->forked) || rings_at (call, target)))
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

/* The caller's leg answered, the picker's offer goes to the caller in a
 * re-INVITE; its answer will answer the picker's INVITE. */
static void
pickup_offer (Leg *a,
              Leg *picker)
{
  g_autofree char *body = sdp_for (a, picker->sdp, CB_SIP_SDP_KEEP);

  server_reinvite (a, body, picker);
}

static void
pickup_acked (Leg *leg)
{
  Leg *picker = leg->pickup_offer;

  leg->pickup_offer = NULL;
  if (picker == NULL || leg->call->state == CALL_ENDED || picker->state != LEG_INCOMING)
    return;
  pickup_offer (leg, picker);
}

/* The caller's answer to the picker's offer (relayed by
 * reinvite_answered()): the 200 to the picker's INVITE, or its failure
 * ends the call. FALSE when relay_to is not a picker waiting for it. */
static gboolean
pickup_answered (Leg        *relay_to,
                 int         status,
                 const char *phrase,
                 const char *sdp)
{
  Call *call;
  g_autofree char *body = NULL;

  if (relay_to == NULL || !relay_to->pickup || relay_to->state != LEG_INCOMING ||
      relay_to->nh == NULL)
    return FALSE;
  call = relay_to->call;
  if (status >= 300 || sdp == NULL)
    {
      g_debug ("Call %s: the caller refused the picker's offer (%d %s)", call->id, status, phrase);
      nua_respond (relay_to->nh, status >= 300 ? status : 488,
                   status >= 300 ? phrase : sip_status_phrase (488), TAG_END ());
      relay_to->state = LEG_GONE;
      call_terminate (call, 0);
      return TRUE;
    }
  body = sdp_for (relay_to, sdp, CB_SIP_SDP_KEEP);
  nua_respond (relay_to->nh, SIP_200_OK, SDP_TAGS (body), TAG_END ());
  relay_to->state = LEG_UP;
  set_state (call, cb_sip_sdp_holds (sdp) ? CALL_HELD : CALL_CONNECTED);
  return TRUE;
}

/* A REST pickup rings the picker's phones, so their line rings too;
 * pickers are not in call->rung (no journal entry of their own). */
static void
update_pickers (Call *call)
{
  for (guint i = 0; i < call->legs->len; i++)
    {
      Leg *leg = g_ptr_array_index (call->legs, i);

      if (leg->pickup && leg->user_id > 0 && leg->user_id != call->callee_id &&
          leg->user_id != call->caller_id)
        _cb_sip_registrar_update_line_state (call->reg, leg->user_id);
    }
}

void
_cb_sip_b2bua_pickup_invite (CbSipRegistrar *self,
                             nua_handle_t   *nh,
                             const sip_t    *sip,
                             gint64          picker,
                             gint64          target)
{
  g_autofree char *hold = NULL;
  g_autofree char *body = NULL;
  gboolean forbidden = FALSE;
  Call *call = find_pickup (self, picker, target, &forbidden);
  Leg *leg;
  Leg *a;

  if (call == NULL)
    {
      if (forbidden)
        nua_respond (nh, SIP_403_FORBIDDEN, TAG_END ());
      else
        nua_respond (nh, 404, "Nothing to pick up", TAG_END ());
      nua_handle_destroy (nh);
      return;
    }
  /* An answer to the caller's offer that holds the call until the
   * picker's offer reaches it. */
  if (call->a->sdp != NULL)
    hold = cb_sip_sdp_inactive_answer (call->a->sdp, self->address);
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
  leg = leg_new (call, TRUE, LEG_INCOMING);
  leg->user_id = picker;
  leg->pickup = TRUE;
  adopt_invite (leg, nh, sip);
  g_debug ("Call %s: picked up by %" G_GINT64_FORMAT, call->id, picker);

  a = call->a;
  call->b = leg;
  call->answered_at = g_get_real_time () / G_USEC_PER_SEC;
  group_answered (call, leg);
  g_clear_handle_id (&call->ring_limit_id, g_source_remove);
  for (guint i = 0; i < call->legs->len; i++)
    {
      Leg *other = g_ptr_array_index (call->legs, i);

      if (other != leg && other->fork && other->state == LEG_CALLING)
        {
          nua_cancel (other->nh, TAG_END ());
          other->state = LEG_GONE;
        }
    }

  body = sdp_for (a, hold, CB_SIP_SDP_INACTIVE);
  if (a->state == LEG_AWAIT_ACK)
    {
      nua_ack (a->nh, SDP_TAGS (body), TAG_END ());
      a->state = LEG_UP;
      pickup_offer (a, leg);
    }
  else
    {
      /* A re-INVITE must wait for the ACK of our 200 (RFC 3261 §14.1). */
      nua_respond (a->nh, SIP_200_OK, SDP_TAGS (body), TAG_END ());
      a->state = LEG_UP;
      a->pickup_offer = leg;
    }
  /* Taken: no other pickup, no ring timeout; "connected" comes with the
   * picker's 200. */
  publish (call);
}

JsonObject *
cb_sip_registrar_pickup (CbSipRegistrar  *self,
                         gint64           user_id,
                         const char      *call_id,
                         const char      *device_kind,
                         GError         **error)
{
  g_autoptr(GPtrArray) devices = NULL;
  g_autofree char *call_info = NULL;
  Call *call;

  g_return_val_if_fail (CB_IS_SIP_REGISTRAR (self), NULL);

  call = call_id != NULL ? g_hash_table_lookup (self->calls, call_id) : NULL;
  if (call == NULL || call->state == CALL_ENDED)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND, "No such call");
      return NULL;
    }
  if (call->state != CALL_RINGING || call->b != NULL)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT, "The call no longer rings");
      return NULL;
    }
  if (call->caller_id == user_id || call->callee_id == user_id || !may_pick_up (call, user_id, 0))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_FORBIDDEN,
                   "You may not pick up this call");
      return NULL;
    }
  devices = _cb_sip_registrar_contacts_of_kind (self, user_id,
                                                device_kind != NULL ? device_kind : "softphone");
  if (devices->len == 0 && device_kind == NULL)
    {
      g_ptr_array_unref (devices);
      devices = _cb_sip_registrar_contacts_of (self, user_id);
    }
  if (devices->len == 0)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT,
                   "No %s phone of yours is registered", device_kind != NULL ? device_kind : "");
      return NULL;
    }
  /* The picker's phone rings with the call and, having asked for it,
   * answers at once (answer-after=0, as for "call from desk phone");
   * first answer wins as usual. */
  call_info = g_strdup_printf ("<%s>;answer-after=0", self->uri);
  call->fork_call_info = call_info;
  ring_user (call, user_id, TRUE, devices);
  call->fork_call_info = NULL;
  publish (call);
  return call_data (call, user_id);
}

/* ---- queues (cb-sip-queue.c) ------------------------------------------------------ */

/* A leg for a dialog the queue answered or rang; our o= towards it goes on. */
static Leg *
adopt_leg (Call              *call,
           gboolean           fork,
           const CbSipDialog *dialog)
{
  Leg *leg = leg_new (call, fork, LEG_UP);

  leg->nh = dialog->nh;
  leg->sdp = g_strdup (dialog->sdp);
  cb_sip_origin_copy (&leg->origin, dialog->origin);
  leg->call_id = g_strdup (dialog->call_id);
  leg->contact = g_strdup (dialog->contact);
  leg->remote = g_strdup (dialog->remote);
  leg->kind = g_strdup (binding_kind (call->reg, dialog->contact));
  nua_handle_bind (leg->nh, &leg->magic);
  return leg;
}

static Call *
queue_call_new (CbSipRegistrar      *self,
                const char          *call_id,
                const CbGroupRecord *group,
                gint64               caller_id,
                const char          *caller_number)
{
  Call *call = call_new (self);

  /* Clients knew the call by this id while it waited. */
  g_hash_table_steal (self->calls, call->id);
  g_free (call->id);
  call->id = g_strdup (call_id);
  g_hash_table_insert (self->calls, call->id, call);
  call->caller_id = caller_id;
  call->caller_number = g_strdup (caller_number);
  call->callee_number = g_strdup (group->number);
  call->group = _cb_sip_group_call_new (group);
  return call;
}

void
_cb_sip_b2bua_queue_connect (CbSipRegistrar      *self,
                             const char          *call_id,
                             const CbGroupRecord *group,
                             gint64               caller_id,
                             const char          *caller_number,
                             const CbSipDialog   *caller,
                             gint64               agent_id,
                             const CbSipDialog   *agent,
                             GArray              *rung,
                             CbSipCallEnded       ended,
                             gpointer             user_data,
                             GDestroyNotify       ended_free)
{
  Call *call = queue_call_new (self, call_id, group, caller_id, caller_number);
  g_autofree char *body = NULL;

  call->a = adopt_leg (call, FALSE, caller);
  call->b = adopt_leg (call, TRUE, agent);
  call->b->user_id = agent_id;
  call->callee_id = agent_id;
  call->forked = TRUE;
  call->alerted = TRUE;
  call->answered_at = g_get_real_time () / G_USEC_PER_SEC;
  call->state = CALL_CONNECTED;
  call->ended = ended;
  call->ended_data = user_data;
  call->ended_free = ended_free;
  for (guint i = 0; rung != NULL && i < rung->len; i++)
    rung_add (call, g_array_index (rung, gint64, i))->ended = TRUE;

  /* The caller hears the agent instead of the music. */
  body = sdp_for (call->a, call->b->sdp, CB_SIP_SDP_KEEP);
  server_reinvite (call->a, body, NULL);
  publish (call);
}

gboolean
_cb_sip_b2bua_queue_redirect (CbSipRegistrar      *self,
                              const char          *call_id,
                              const CbGroupRecord *group,
                              gint64               caller_id,
                              const char          *caller_number,
                              const CbSipDialog   *caller,
                              const char          *number)
{
  g_autoptr(GPtrArray) contacts = NULL;
  const CbGroupRecord *next = _cb_sip_hunt_find_group (self, number);
  gint64 target = 0;
  Call *call;

  /* Decided before the B2BUA takes the dialog, so that FALSE changes
   * nothing; a group is followed as hunt groups follow their overflow
   * (and its loop guard), with this queue counted as visited. */
  if (next != NULL)
    {
      if (next->id == group->id || next->strategy == CB_RING_STRATEGY_QUEUE)
        return FALSE;
    }
  else if ((target = resolve_number (self, number, NULL)) > 0)
    {
      if (target == caller_id)
        return FALSE;
      contacts = _cb_sip_registrar_contacts_of (self, target);
      if (contacts->len == 0)
        return FALSE;
    }
  else if (!is_external (self, number))
    return FALSE;

  call = queue_call_new (self, call_id, group, caller_id, caller_number);
  call->group->overflowed = TRUE;
  call->a = adopt_leg (call, FALSE, caller);
  if (target > 0)
    {
      ring_user (call, target, FALSE, contacts);
      publish (call);
    }
  else if (!overflow_to (call, number))
    call_terminate (call, 0);
  return TRUE;
}

/* A group member (or picker) hangs up a call ringing at them: only their
 * phones stop; the hunt goes on as if they had refused it. */
static JsonObject *
member_decline (Call   *call,
                gint64  user_id)
{
  JsonObject *answer;

  for (guint i = 0; i < call->legs->len; i++)
    {
      Leg *leg = g_ptr_array_index (call->legs, i);

      if (leg->fork && leg->state == LEG_CALLING && leg->user_id == user_id)
        {
          nua_cancel (leg->nh, TAG_END ());
          leg->state = LEG_GONE;
        }
    }
  answer = call_data_in (call, user_id, CALL_ENDED);
  for (guint i = 0; i < call->legs->len; i++)
    {
      Leg *leg = g_ptr_array_index (call->legs, i);

      if (leg->fork && leg->state == LEG_CALLING)
        {
          publish (call);
          return answer;
        }
    }
  if (!group_fork_failed (call))
    call_terminate (call, 603);
  return answer;
}
