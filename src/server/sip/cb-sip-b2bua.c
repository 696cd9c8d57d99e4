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

#include "cb-sip-private.h"

/* Flow I leaves the desk phone's 200 unacknowledged while the target
 * rings; the phone gives up after 64·T1 = 32 s (RFC 3261 §13.3.1.4), so
 * the target rings a little less than that. */
#define CLICK_RING_LIMIT_S 28

typedef enum {
  CALL_RINGING,
  CALL_CONNECTED,
  CALL_HELD,
  CALL_ENDED,
} CallState;

static const char * const call_state_names[] = { "ringing", "connected", "held", "ended" };

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
  char         *sent;        /* the last SDP sent to it, origin left out */
  guint32       session;     /* our o= session id towards it */
  guint         version;     /* and its version */
  gboolean      reinviting;  /* our re-INVITE waits for its answer */
  Leg          *relay_to;    /* whose re-INVITE that answer goes back to */
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
  gboolean        forked;    /* the callee's devices were rung */
  gint64          started_at;
  gint64          answered_at;
  guint           ring_limit_id;
};

static void
leg_free (Leg *leg)
{
  if (leg->nh != NULL)
    {
      nua_handle_bind (leg->nh, NULL);
      nua_handle_destroy (leg->nh);
    }
  g_free (leg->sdp);
  g_free (leg->sent);
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
  leg->session = g_random_int_range (1, G_MAXINT32);
  g_ptr_array_add (call->legs, leg);
  return leg;
}

static void
call_free (Call *call)
{
  g_clear_handle_id (&call->ring_limit_id, g_source_remove);
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
  const CbUserRecord *user = user_id > 0 ? cb_permissions_get_user (self->api->perms, user_id) : NULL;

  return user != NULL && user->display_name != NULL ? user->display_name : "";
}

static JsonObject *
call_data (Call     *call,
           gboolean  outgoing)
{
  CbSipRegistrar *self = call->reg;
  JsonObject *data = json_object_new ();
  gint64 remote_id = outgoing ? call->callee_id : call->caller_id;

  json_object_set_string_member (data, "call_id", call->id);
  json_object_set_string_member (data, "state", call_state_names[call->state]);
  json_object_set_int_member (data, "user_id", outgoing ? call->caller_id : call->callee_id);
  json_object_set_string_member (data, "direction", outgoing ? "out" : "in");
  json_object_set_string_member (data, "from", call->caller_number);
  json_object_set_string_member (data, "to", call->callee_number);
  json_object_set_string_member (data, "remote_number",
                                 outgoing ? call->callee_number : call->caller_number);
  json_object_set_string_member (data, "remote_name", display_name (self, remote_id));
  if (remote_id > 0)
    json_object_set_int_member (data, "remote_user_id", remote_id);
  else
    json_object_set_null_member (data, "remote_user_id");
  json_object_set_int_member (data, "started_at", call->started_at);
  if (call->answered_at > 0)
    json_object_set_int_member (data, "answered_at", call->answered_at);
  else
    json_object_set_null_member (data, "answered_at");
  return data;
}

JsonObject *
_cb_sip_journal_entry_to_json (const CbJournalRecord *entry);

JsonObject *
_cb_sip_journal_entry_to_json (const CbJournalRecord *entry)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", entry->id);
  json_object_set_int_member (object, "user_id", entry->user_id);
  json_object_set_string_member (object, "call_id", entry->call_id);
  json_object_set_string_member (object, "direction", entry->outgoing ? "out" : "in");
  json_object_set_string_member (object, "remote_number",
                                 entry->remote_number != NULL ? entry->remote_number : "");
  json_object_set_string_member (object, "remote_name",
                                 entry->remote_name != NULL ? entry->remote_name : "");
  if (entry->remote_user_id > 0)
    json_object_set_int_member (object, "remote_user_id", entry->remote_user_id);
  else
    json_object_set_null_member (object, "remote_user_id");
  json_object_set_int_member (object, "started_at", entry->started_at);
  if (entry->answered_at > 0)
    json_object_set_int_member (object, "answered_at", entry->answered_at);
  else
    json_object_set_null_member (object, "answered_at");
  json_object_set_int_member (object, "ended_at", entry->ended_at);
  json_object_set_int_member (object, "duration",
                              entry->answered_at > 0 ? entry->ended_at - entry->answered_at : 0);
  json_object_set_boolean_member (object, "answered", entry->answered_at > 0);
  return object;
}

static gboolean
record_side (CbApi    *api,
             Call     *call,
             gboolean  outgoing,
             GError  **error)
{
  gint64 user_id = outgoing ? call->caller_id : call->callee_id;
  g_autoptr(JsonObject) data = NULL;

  /* The callee hears of a click-to-dial call once their phones ring. */
  if (user_id <= 0 || (!outgoing && !call->forked))
    return TRUE;

  data = call_data (call, outgoing);
  if (!cb_event_hub_record (api->hub, "call", user_id, 0, data, error))
    return FALSE;

  if (call->state == CALL_ENDED)
    {
      g_autoptr(JsonObject) entry_json = NULL;
      CbJournalRecord entry = {
        .user_id = user_id,
        .call_id = call->id,
        .outgoing = outgoing,
        .remote_number = outgoing ? call->callee_number : call->caller_number,
        .remote_name = (char *) display_name (call->reg, outgoing ? call->callee_id : call->caller_id),
        .remote_user_id = outgoing ? call->callee_id : call->caller_id,
        .started_at = call->started_at,
        .answered_at = call->answered_at,
        .ended_at = g_get_real_time () / G_USEC_PER_SEC,
      };

      if (!cb_store_add_journal (api->store, &entry, error))
        return FALSE;
      entry_json = _cb_sip_journal_entry_to_json (&entry);
      if (!cb_event_hub_record (api->hub, "journal", user_id, 0, entry_json, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
record_call (CbApi    *api,
             gpointer  data,
             GError  **error)
{
  return record_side (api, data, TRUE, error) && record_side (api, data, FALSE, error);
}

static void
publish (Call *call)
{
  CbSipRegistrar *self = call->reg;
  g_autoptr(GError) error = NULL;

  if (cb_api_transact (self->api, record_call, call, &error))
    cb_event_hub_flush (self->api->hub);
  else
    g_warning ("Could not record call %s: %s", call->id, error->message);

  if (call->caller_id > 0)
    _cb_sip_registrar_update_line_state (self, call->caller_id);
  if (call->callee_id > 0)
    _cb_sip_registrar_update_line_state (self, call->callee_id);
}

static void
set_state (Call      *call,
           CallState  state)
{
  if (call->state == state)
    return;
  g_debug ("Call %s: %s → %s", call->id, call_state_names[call->state], call_state_names[state]);
  call->state = state;
  publish (call);
}

/* ---- SDP ------------------------------------------------------------------------ */

static char *
payload_dup (const sip_t *sip)
{
  if (sip == NULL || sip->sip_payload == NULL || sip->sip_payload->pl_len == 0)
    return NULL;
  return g_strndup (sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

/* Held when the SDP no longer sends both ways (RFC 3264 §8.4). */
static gboolean
sdp_holds (const char *sdp)
{
  return sdp != NULL && (strstr (sdp, "a=sendonly") != NULL || strstr (sdp, "a=inactive") != NULL ||
                         strstr (sdp, "a=recvonly") != NULL);
}

static gboolean
is_direction (const char *line)
{
  return g_str_equal (line, "a=sendrecv") || g_str_equal (line, "a=sendonly") ||
         g_str_equal (line, "a=recvonly") || g_str_equal (line, "a=inactive");
}

/* The SDP without its o= line (that goes first, from `origin`) and, when
 * direction is set, with that direction on every media section. */
static char *
sdp_rewrite (const char *sdp,
             const char *origin,
             const char *direction)
{
  g_auto(GStrv) lines = g_strsplit (sdp, "\n", -1);
  GString *out = g_string_new (NULL);
  gboolean in_media = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strchomp (lines[i]);

      if (line[0] == '\0')
        continue;
      if (g_str_has_prefix (line, "o="))
        {
          if (origin != NULL)
            g_string_append_printf (out, "%s\r\n", origin);
          continue;
        }
      if (direction != NULL && is_direction (line))
        continue;
      if (g_str_has_prefix (line, "m=") && in_media && direction != NULL)
        g_string_append_printf (out, "a=%s\r\n", direction);
      in_media |= g_str_has_prefix (line, "m=");
      g_string_append_printf (out, "%s\r\n", line);
    }
  if (in_media && direction != NULL)
    g_string_append_printf (out, "a=%s\r\n", direction);
  return g_string_free (out, FALSE);
}

/* What to send to `to`: sdp with our origin for that leg, its version
 * raised when the content changed (RFC 3264 §8). */
static char *
sdp_for (Leg        *to,
         const char *sdp,
         const char *direction)
{
  CbSipRegistrar *self = to->call->reg;
  g_autofree char *body = NULL;
  g_autofree char *origin = NULL;

  if (sdp == NULL)
    return NULL;
  body = sdp_rewrite (sdp, NULL, direction);
  if (g_strcmp0 (body, to->sent) != 0)
    {
      to->version++;
      g_free (to->sent);
      to->sent = g_strdup (body);
    }
  origin = g_strdup_printf ("o=callboardd %u %u IN %s %s", to->session, to->version,
                            strchr (self->address, ':') != NULL ? "IP6" : "IP4", self->address);
  return sdp_rewrite (sdp, origin, direction);
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

static void
server_reinvite (Leg        *leg,
                 const char *sdp,
                 Leg        *relay_to)
{
  leg->reinviting = TRUE;
  leg->relay_to = relay_to;
  nua_invite (leg->nh, SDP_TAGS (sdp), TAG_END ());
}

static void
start_forks (Call       *call,
             GPtrArray  *contacts,
             const char *offer)
{
  CbSipRegistrar *self = call->reg;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  from = g_strdup_printf ("\"%s\" <sip:%s@%s:%u>", display_name (self, call->caller_id),
                          call->caller_number, self->address, self->port);
  to = g_strdup_printf ("<sip:%s@%s:%u>", call->callee_number, self->address, self->port);
  call->forked = TRUE;
  for (guint i = 0; i < contacts->len; i++)
    {
      Leg *leg = leg_new (call, TRUE, LEG_CALLING);
      g_autofree char *sdp = NULL;

      /* A held party offered to someone new still wants to talk. */
      sdp = sdp_for (leg, offer, call->a->state == LEG_UP ? "sendrecv" : NULL);
      leg->nh = nua_handle (self->nua, &leg->magic,
                            SIPTAG_FROM_STR (from), SIPTAG_TO_STR (to), TAG_END ());
      nua_invite (leg->nh,
                  NUTAG_URL (g_ptr_array_index (contacts, i)),
                  SDP_TAGS (sdp),
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

  if (call->alerted || call->a == NULL || call->a->state != LEG_INCOMING)
    return;

  /* Early media (183 with SDP) passes through like the answer. */
  call->alerted = TRUE;
  sdp = payload_dup (sip);
  body = sdp_for (call->a, sdp, NULL);
  if (body != NULL)
    nua_respond (call->a->nh, SIP_183_SESSION_PROGRESS, SDP_TAGS (body), TAG_END ());
  else
    nua_respond (call->a->nh, SIP_180_RINGING, TAG_END ());
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

  body = sdp_for (a, leg->sdp, NULL);
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
  set_state (call, sdp_holds (leg->sdp) ? CALL_HELD : CALL_CONNECTED);
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
  if (a->sdp == NULL || contacts->len == 0)
    {
      g_debug ("Call %s: %s", call->id, a->sdp == NULL ? "no offer in the 200" : "target gone");
      call_terminate (call, 0);
      return;
    }
  start_forks (call, contacts, a->sdp);
  call->ring_limit_id = g_timeout_add_seconds (CLICK_RING_LIMIT_S, ring_limit_reached, call);
  publish (call);
}

/* The answer to a re-INVITE we sent. */
static void
reinvite_answered (Leg         *leg,
                   int          status,
                   const char  *phrase,
                   const sip_t *sip)
{
  g_autofree char *sdp = payload_dup (sip);
  Leg *relay_to = leg->relay_to;

  leg->reinviting = FALSE;
  leg->relay_to = NULL;
  if (status < 300 && sdp != NULL)
    {
      g_free (leg->sdp);
      leg->sdp = g_strdup (sdp);
    }
  if (status < 300 && leg->manual_ack)
    nua_ack (leg->nh, TAG_END ());

  if (relay_to != NULL && relay_to->state == LEG_UP && relay_to->nh != NULL)
    {
      g_autofree char *body = sdp_for (relay_to, sdp, NULL);

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
  g_autofree char *sdp = payload_dup (sip);
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
  body = sdp_for (other, sdp, NULL);
  server_reinvite (other, body, leg);
  set_state (call, sdp_holds (sdp) ? CALL_HELD : CALL_CONNECTED);
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
    target = cb_store_find_sip_line (self->api->store, number, NULL);
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
  const CbUserRecord *user = cb_permissions_get_user (self->api->perms, user_id);

  if (user != NULL && user->extension != NULL && user->extension[0] != '\0')
    return g_strdup (user->extension);
  return g_strdup (line);
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

  caller_id = _cb_sip_registrar_authenticate (self, nh, sip, TRUE, &line);
  if (caller_id == 0)
    {
      nua_handle_destroy (nh);
      return;
    }

  callee_id = resolve_number (self, sip->sip_request->rq_url->url_user, &callee_number);
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
  call->a->sdp = payload_dup (sip);
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
      if (status < 200)
        {
          if (leg->fork && status > 100)
            fork_alerting (leg, sip);
        }
      else if (status < 300)
        {
          g_free (leg->sdp);
          leg->sdp = payload_dup (sip);
          if (leg->fork)
            fork_answered (leg);
          else
            click_answered (leg);
        }
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
      return;
    }

  switch (event)
    {
    case nua_i_invite:
      on_reinvite (leg, sip);
      break;

    case nua_r_invite:
      on_invite_answer (leg, status, phrase, sip);
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
      nua_handle_bind (nh, NULL);
      nua_handle_destroy (nh);
      leg->nh = NULL;
      if (call_finished (call))
        g_hash_table_remove (self->calls, call->id);
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
      (call->caller_id != user_id && !(call->callee_id == user_id && call->forked)))
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
      if (call->caller_id == user_id)
        json_array_add_object_element (array, call_data (call, TRUE));
      else if (call->callee_id == user_id && call->forked)
        json_array_add_object_element (array, call_data (call, FALSE));
    }
  return array;
}

JsonObject *
cb_sip_registrar_dial (CbSipRegistrar  *self,
                       gint64           user_id,
                       const char      *to,
                       const char      *device_kind,
                       GError         **error)
{
  g_autoptr(CbSipLineRecord) own = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autofree char *callee_number = NULL;
  g_autofree char *from = NULL;
  g_autofree char *dest = NULL;
  g_autofree char *call_info = NULL;
  gint64 callee_id;
  Call *call;

  g_return_val_if_fail (CB_IS_SIP_REGISTRAR (self), NULL);

  if (self->nua == NULL)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_UNAVAILABLE, "SIP is not running");
      return NULL;
    }
  callee_id = resolve_number (self, to, &callee_number);
  if (callee_id == 0)
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
  targets = _cb_sip_registrar_contacts_of (self, callee_id);
  if (targets->len == 0)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT,
                   "Nothing is registered for “%s”", to);
      return NULL;
    }

  call = call_new (self);
  call->caller_id = user_id;
  call->callee_id = callee_id;
  own = cb_store_get_softphone_line (self->api->store, user_id, NULL);
  call->caller_number = number_of (self, user_id, own != NULL ? own->username : "");
  call->callee_number = g_steal_pointer (&callee_number);

  /* The user's phone shows whom it is about to call. */
  call->a = leg_new (call, FALSE, LEG_CALLING);
  call->a->manual_ack = TRUE;
  from = g_strdup_printf ("\"%s\" <sip:%s@%s:%u>", display_name (self, callee_id),
                          call->callee_number, self->address, self->port);
  dest = g_strdup_printf ("<%s>", (const char *) g_ptr_array_index (devices, 0));
  call_info = g_strdup_printf ("<%s>;answer-after=0", self->uri);
  call->a->nh = nua_handle (self->nua, &call->a->magic,
                            SIPTAG_FROM_STR (from), SIPTAG_TO_STR (dest), TAG_END ());
  nua_set_hparams (call->a->nh, NUTAG_AUTOACK (0), TAG_END ());
  /* No offer: the phone makes it in its 200 (RFC 3725 flow I). */
  nua_invite (call->a->nh,
              NUTAG_URL (g_ptr_array_index (devices, 0)),
              SIPTAG_CALL_INFO_STR (call_info),
              TAG_END ());
  publish (call);
  return call_data (call, TRUE);
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
  /* A callee hanging up a ringing call declines it. */
  call_terminate (call, is_caller (call, user_id) ? 487 : 603);
  return call_data (call, is_caller (call, user_id));
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
  const char *direction = hold ? "sendonly" : "sendrecv";
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
  return call_data (call, is_caller (call, user_id));
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
  guint index;

  g_return_val_if_fail (CB_IS_SIP_REGISTRAR (self), NULL);

  if ((call = find_own_call (self, user_id, call_id, error)) == NULL ||
      !connected_legs (call, user_id, &mine, &other, error))
    return NULL;
  callee_id = resolve_number (self, to, &callee_number);
  if (callee_id == 0)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND, "Unknown number “%s”", to);
      return NULL;
    }
  targets = _cb_sip_registrar_contacts_of (self, callee_id);
  if (targets->len == 0)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT,
                   "Nothing is registered for “%s”", to);
      return NULL;
    }

  /* The other party's leg moves to a new call to the target; the old
   * call ends for both (each keeps its journal entry). */
  next = call_new (self);
  next->caller_id = other == call->a ? call->caller_id : call->callee_id;
  next->caller_number = g_strdup (other == call->a ? call->caller_number : call->callee_number);
  next->callee_id = callee_id;
  next->callee_number = g_steal_pointer (&callee_number);
  g_assert (g_ptr_array_find (call->legs, other, &index));
  g_ptr_array_add (next->legs, g_ptr_array_steal_index (call->legs, index));
  if (call->a == other)
    call->a = NULL;
  else
    call->b = NULL;
  other->call = next;
  other->fork = FALSE;
  next->a = other;

  answer = call_data (call, is_caller (call, user_id));
  call_terminate (call, 0);
  json_object_set_string_member (answer, "state", call_state_names[CALL_ENDED]);
  if (call_finished (call))
    g_hash_table_remove (self->calls, call->id);

  start_forks (next, targets, other->sdp);
  publish (next);
  return answer;
}
