/* cb-sip-conference.c: three-party conferences the server mixes, made from a user's two calls
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A user with two calls (one usually held) joins them: the user's phone
 * keeps its dialog of the first call and leaves the second (a BYE to
 * it: one card on the user's screen, not two), and the three dialogs
 * that remain go to the conference's mixer (cb-conference-mixer.c):
 * each gets an offerless re-INVITE, its 200 carries the phone's offer,
 * the mixer answers it in our ACK (RFC 3725 flow I, as the transfer
 * does). Every party then sends its audio to the server and hears the
 * other two. Both calls go on, each marked with the conference in its
 * events (its id is the first call's, the one the user kept); the user's
 * side of the second ends at once ("conference").
 *
 * Leaving is hanging up, on the phone or over REST: the one who left has
 * the call ended on record, the mix goes on without them, and the
 * others' calls go on (also when the user who set it up leaves). Two left
 * stay in the mixer rather than being re-INVITEd to each other: a phone
 * plays one RTP source at a time and switches to a new one as it comes,
 * and not every phone switches back to a source it played before (ours
 * does since its source selector), so two who talked before the
 * conference (the consultation) might not hear each other again. The
 * last one left is hung up.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include "cb-conference-mixer.h"
#include "cb-sip-call-events.h"
#include "cb-sip-conference.h"

typedef struct {
  CbB2buaLeg *leg;
  gint64      user_id;
  char       *number;
  char       *name;
} Member;

struct _CbSipConference {
  CbSipServer       *server;
  char              *id;        /* the call the user who set it up kept */
  CbConferenceMixer *mixer;
  GPtrArray         *members;   /* Member, in the order they joined */
  GPtrArray         *calls;     /* CbB2buaCall (not owned) in it */
  guint              waiting;   /* members whose offer has not come yet */
  GArray            *parties;   /* CbWireParty of the members, for the calls' events */
  CbWireConference   wire;
};

static void
member_free (Member *member)
{
  g_free (member->number);
  g_free (member->name);
  g_free (member);
}

static void
conference_free (CbSipConference *self)
{
  for (guint i = 0; i < self->members->len; i++)
    ((Member *) g_ptr_array_index (self->members, i))->leg->conference = NULL;
  for (guint i = 0; i < self->calls->len; i++)
    ((CbB2buaCall *) g_ptr_array_index (self->calls, i))->conference = NULL;
  g_clear_object (&self->mixer);
  g_ptr_array_unref (self->members);
  g_ptr_array_unref (self->calls);
  g_array_unref (self->parties);
  g_free (self->id);
  g_free (self);
}

/* The members as the calls' events list them. */
static void
update_parties (CbSipConference *self)
{
  g_array_set_size (self->parties, 0);
  for (guint i = 0; i < self->members->len; i++)
    {
      Member *member = g_ptr_array_index (self->members, i);
      CbWireParty party = { member->user_id, member->number, member->name };

      g_array_append_val (self->parties, party);
    }
  self->wire = (CbWireConference) {
    self->id, self->parties->len, (const CbWireParty *) self->parties->data,
  };
}

const CbWireConference *
cb_sip_conference_wire (CbSipConference *self)
{
  return &self->wire;
}

static Member *
member_of (CbSipConference *self,
           CbB2buaLeg      *leg)
{
  for (guint i = 0; i < self->members->len; i++)
    if (((Member *) g_ptr_array_index (self->members, i))->leg == leg)
      return g_ptr_array_index (self->members, i);
  return NULL;
}

static void
add_member (CbSipConference *self,
            CbB2buaLeg      *leg)
{
  Member *member = g_new0 (Member, 1);
  const char *number;

  member->leg = leg;
  cb_b2bua_leg_party (leg, &member->user_id, &number, NULL);
  member->number = g_strdup (number);
  member->name = g_strdup (cb_sip_user_name (cb_sip_server_get_directory (self->server),
                                             member->user_id));
  g_ptr_array_add (self->members, member);
  leg->conference = self;
  leg->mixer_party = 0;
}

/* Every call of the conference shows who is in it now. */
static void
publish (CbSipConference *self)
{
  g_autoptr(GPtrArray) calls = g_ptr_array_copy (self->calls, NULL, NULL);

  update_parties (self);
  for (guint i = 0; i < calls->len; i++)
    {
      CbB2buaCall *call = g_ptr_array_index (calls, i);

      /* A held call is held no more: everyone hears everyone. */
      if (call->state == CB_WIRE_CALL_STATE_HELD)
        cb_b2bua_call_set_state (call, CB_WIRE_CALL_STATE_CONNECTED);
      else if (call->state != CB_WIRE_CALL_STATE_ENDED)
        cb_b2bua_call_publish (call);
    }
}

static void
mix (CbSipConference *self)
{
  g_autoptr(GError) error = NULL;

  if (self->waiting > 0)
    return;
  if (!cb_conference_mixer_start (self->mixer, &error))
    g_message ("Conference %s cannot be mixed: %s", self->id, error->message);
}

/* ---- joining ------------------------------------------------------------- */

/* A call of user_id's, answered, with both legs up and settled: the
 * user's leg and the other party's. field names the request's member. */
static CbB2buaCall *
joinable_call (CbSipServer  *server,
               gint64        user_id,
               const char   *call_id,
               const char   *field,
               CbB2buaLeg  **mine,
               CbB2buaLeg  **other,
               GError      **error)
{
  CbB2buaCall *call = cb_sip_b2bua_lookup (cb_sip_server_get_b2bua (server), call_id);

  if (call == NULL || call->state == CB_WIRE_CALL_STATE_ENDED || !cb_b2bua_call_concerns (call, user_id))
    {
      if (call != NULL && call->state != CB_WIRE_CALL_STATE_ENDED)
        g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_FORBIDDEN, "Not your call");
      else
        g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND, "No such call");
    }
  else if (call->conference != NULL)
    g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_IN_CONFERENCE,
                 "The call is part of a conference already");
  else if (!cb_b2bua_leg_usable (call->a) || !cb_b2bua_leg_usable (call->b) ||
           (call->caller_id != user_id && call->callee_id != user_id))
    g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_CONNECTED,
                 "The call is not connected");
  else if (call->a->reinviting || call->b->reinviting || call->a->ack_pending || call->b->ack_pending)
    g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_RENEGOTIATING,
                 "The call is being renegotiated; try again");
  else
    {
      *mine = call->caller_id == user_id ? call->a : call->b;
      *other = call->caller_id == user_id ? call->b : call->a;
      return call;
    }
  if (field != NULL)
    g_prefix_error (error, "Field “%s”: ", field);
  return NULL;
}

/* An offerless re-INVITE: the phone's 200 brings its offer, to which the
 * mixer answers in our ACK. */
static void
take_to_mixer (CbSipConference *self,
               CbB2buaLeg      *leg)
{
  if (!leg->manual_ack)
    {
      leg->manual_ack = TRUE;
      nua_set_hparams (leg->nh, NUTAG_AUTOACK (0), TAG_END ());
    }
  leg->mixing = TRUE;
  self->waiting++;
  cb_b2bua_leg_reinvite (leg, NULL, NULL);
}

JsonObject *
cb_sip_server_conference (CbSipServer  *server,
                          gint64        user_id,
                          const char   *call_id,
                          const char   *with_call_id,
                          GError      **error)
{
  CbB2buaLeg *mine, *other, *with_mine, *with_other;
  CbB2buaCall *call, *with;
  CbSipConference *self;

  g_return_val_if_fail (CB_IS_SIP_SERVER (server), NULL);

  if (cb_sip_server_get_nua (server) == NULL)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_UNAVAILABLE, "SIP is not running");
      return NULL;
    }
  if ((call = joinable_call (server, user_id, call_id, NULL, &mine, &other, error)) == NULL ||
      (with = joinable_call (server, user_id, with_call_id, "with_call", &with_mine, &with_other,
                             error)) == NULL)
    return NULL;
  if (call == with)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “with_call” must be another call");
      return NULL;
    }

  self = g_new0 (CbSipConference, 1);
  self->server = server;
  self->id = g_strdup (call->id);
  self->mixer = cb_conference_mixer_new (cb_sip_server_get_address (server));
  self->members = g_ptr_array_new_with_free_func ((GDestroyNotify) member_free);
  self->calls = g_ptr_array_new ();
  self->parties = g_array_new (FALSE, TRUE, sizeof (CbWireParty));
  g_ptr_array_add (self->calls, call);
  g_ptr_array_add (self->calls, with);
  call->conference = with->conference = self;
  g_debug ("Conference %s: user %" G_GINT64_FORMAT " joins call %s", self->id, user_id, with->id);

  /* One dialog of the user's phone is enough: the other ends, and with
   * it the user's side of that call. */
  cb_b2bua_leg_hang_up (with_mine);
  cb_b2bua_call_side_leaves (with, with->caller_id == user_id, CB_CALL_END_REASON_CONFERENCE);

  add_member (self, mine);
  add_member (self, other);
  add_member (self, with_other);
  for (guint i = 0; i < self->members->len; i++)
    take_to_mixer (self, ((Member *) g_ptr_array_index (self->members, i))->leg);
  publish (self);
  return cb_b2bua_call_data (call, user_id, call->state);
}

/* ---- the mixer's answers ------------------------------------------------- */

void
cb_sip_conference_answered (CbB2buaLeg *leg,
                            int         status,
                            const char *sdp)
{
  CbSipConference *self = leg->conference;
  g_autofree char *answer = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;

  if (self == NULL)
    {
      /* The conference went while the phone answered: its offer gets no
       * answer of ours, so the dialog ends. */
      if (status < 300)
        nua_ack (leg->nh, TAG_END ());
      cb_b2bua_leg_hang_up (leg);
      return;
    }
  self->waiting--;
  if (status < 300 && sdp != NULL &&
      (leg->mixer_party = cb_conference_mixer_add (self->mixer, sdp, &answer, &error)) > 0)
    {
      body = cb_b2bua_leg_sdp_for (leg, answer, CB_SIP_SDP_KEEP);
      nua_ack (leg->nh, CB_SIP_SDP_TAGS (body), TAG_END ());
      mix (self);
      return;
    }

  g_message ("Conference %s: a phone cannot join (%d, %s)", self->id, status,
             error != NULL ? error->message : "no offer");
  if (status < 300)
    nua_ack (leg->nh, TAG_END ());
  cb_b2bua_leg_hang_up (leg);
  cb_sip_conference_leg_gone (leg);
}

void
cb_sip_conference_reoffer (CbB2buaLeg *leg,
                           const char *sdp)
{
  CbSipConference *self = leg->conference;
  g_autofree char *answer = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;

  if (leg->mixer_party == 0 || leg->reinviting)
    {
      nua_respond (leg->nh, SIP_491_REQUEST_PENDING, TAG_END ());
      return;
    }
  if (sdp == NULL || !cb_conference_mixer_update (self->mixer, leg->mixer_party, sdp, &answer, &error))
    {
      nua_respond (leg->nh, SIP_488_NOT_ACCEPTABLE, TAG_END ());
      return;
    }
  g_free (leg->sdp);
  leg->sdp = g_strdup (sdp);
  /* A phone that holds hears nothing until it resumes. */
  body = cb_b2bua_leg_sdp_for (leg, answer, cb_sip_sdp_holds (sdp) ? CB_SIP_SDP_INACTIVE
                                                                   : CB_SIP_SDP_SENDRECV);
  nua_respond (leg->nh, SIP_200_OK, CB_SIP_SDP_TAGS (body), TAG_END ());
  mix (self);
}

/* ---- leaving ------------------------------------------------------------- */

/* The call a member is in, with nobody of the conference left in it,
 * ends (its sides that were in it left already). */
static void
end_if_empty (CbSipConference *self,
              CbB2buaCall     *call)
{
  for (guint i = 0; i < self->members->len; i++)
    if (((Member *) g_ptr_array_index (self->members, i))->leg->call == call)
      return;
  g_ptr_array_remove (self->calls, call);
  call->conference = NULL;
  if (call->state != CB_WIRE_CALL_STATE_ENDED)
    {
      call->end_reason = CB_CALL_END_REASON_COMPLETED;
      cb_b2bua_call_terminate (call, 0);
    }
  cb_b2bua_call_drop_if_finished (call);
}

/* Nobody to talk to: whoever is still there is hung up. */
static void
end_all (CbSipConference *self)
{
  g_autoptr(GPtrArray) calls = g_ptr_array_copy (self->calls, NULL, NULL);

  g_debug ("Conference %s is over", self->id);
  cb_conference_mixer_stop (self->mixer);
  for (guint i = 0; i < calls->len; i++)
    ((CbB2buaCall *) g_ptr_array_index (calls, i))->conference = NULL;
  g_ptr_array_set_size (self->calls, 0);
  conference_free (self);
  for (guint i = 0; i < calls->len; i++)
    {
      CbB2buaCall *call = g_ptr_array_index (calls, i);

      if (call->state != CB_WIRE_CALL_STATE_ENDED)
        {
          call->end_reason = CB_CALL_END_REASON_COMPLETED;
          cb_b2bua_call_terminate (call, 0);
        }
      cb_b2bua_call_drop_if_finished (call);
    }
}

void
cb_sip_conference_leg_gone (CbB2buaLeg *leg)
{
  CbSipConference *self = leg->conference;
  CbB2buaCall *call = leg->call;
  Member *member = self != NULL ? member_of (self, leg) : NULL;

  if (member == NULL)
    return;
  g_debug ("Conference %s: user %" G_GINT64_FORMAT " leaves", self->id, member->user_id);
  if (leg->mixing)
    self->waiting--;
  leg->mixing = FALSE;
  if (leg->mixer_party > 0)
    cb_conference_mixer_remove (self->mixer, leg->mixer_party);
  leg->mixer_party = 0;
  leg->conference = NULL;
  g_ptr_array_remove (self->members, member);
  cb_b2bua_call_side_leaves (call, leg == call->a, CB_CALL_END_REASON_COMPLETED);
  end_if_empty (self, call);

  if (self->members->len >= 2)
    {
      mix (self);
      publish (self);
    }
  else
    end_all (self);
}

JsonObject *
cb_sip_conference_hang_up (CbB2buaCall *call,
                           gint64       user_id)
{
  CbSipConference *self = call->conference;
  CbB2buaLeg *leg = NULL;
  JsonObject *answer;
  CbWireCall side;

  /* Their side as it ends for them, out of the conference. */
  cb_b2bua_call_side (call, user_id, call->caller_id == user_id, &side);
  side.state = CB_WIRE_CALL_STATE_ENDED;
  side.end_reason = CB_CALL_END_REASON_COMPLETED;
  side.conference = NULL;
  answer = cb_sip_call_event_data (&side);
  /* The user's dialog in this call, else theirs in the conference. */
  for (guint i = 0; i < self->members->len && leg == NULL; i++)
    {
      Member *member = g_ptr_array_index (self->members, i);

      if (member->user_id == user_id && member->leg->call == call)
        leg = member->leg;
    }
  for (guint i = 0; i < self->members->len && leg == NULL; i++)
    {
      Member *member = g_ptr_array_index (self->members, i);

      if (member->user_id == user_id)
        leg = member->leg;
    }
  if (leg != NULL)
    {
      cb_b2bua_leg_hang_up (leg);
      cb_sip_conference_leg_gone (leg);
    }
  return answer;
}

void
cb_sip_conference_forget_call (CbSipConference *self,
                               CbB2buaCall     *call)
{
  g_ptr_array_remove (self->calls, call);
  call->conference = NULL;
  for (guint i = self->members->len; i > 0; i--)
    {
      Member *member = g_ptr_array_index (self->members, i - 1);

      if (member->leg->call == call)
        {
          member->leg->conference = NULL;
          g_ptr_array_remove_index (self->members, i - 1);
        }
    }
  if (self->calls->len == 0)
    conference_free (self);
}
