/* cb-sip-b2bua.c: the back-to-back user agent, its CTI call model and the journal
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A call is the caller's leg (the INVITE we received, "A") and one
 * outgoing leg per registered device of the callee ("B" legs, forked at
 * once). The first B leg to answer wins; the others are cancelled. SDP is
 * copied between the legs untouched, so media flows end to end. Every
 * state change is a "call" event for each user in the call; the end also
 * writes both journal entries with their "journal" events in the same
 * transaction, so a crash right after cannot lose one.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <string.h>

#include "cb-sip-private.h"

typedef enum {
  CALL_RINGING,
  CALL_CONNECTED,
  CALL_HELD,
  CALL_ENDED,
} CallState;

static const char * const call_state_names[] = { "ringing", "connected", "held", "ended" };

typedef struct _Call Call;

typedef struct {
  CbSipMagic    magic;
  Call         *call;
  nua_handle_t *nh;
  gboolean      done;       /* final answer to our INVITE seen */
} Leg;

struct _Call {
  CbSipMagic      magic;
  CbSipRegistrar *reg;
  char           *id;
  nua_handle_t   *a_nh;
  GPtrArray      *legs;     /* Leg, owned */
  Leg            *b;        /* the leg that answered */
  gint64          caller_id;
  gint64          callee_id;
  char           *caller_number;
  char           *callee_number;
  CallState       state;
  gboolean        alerted;
  gint64          started_at;
  gint64          answered_at;
  nua_handle_t   *reinvite_from;  /* waits for the other side's answer */
};

static void
leg_free (Leg *leg)
{
  if (leg->nh != NULL)
    {
      nua_handle_bind (leg->nh, NULL);
      nua_handle_destroy (leg->nh);
    }
  g_free (leg);
}

static void
call_free (Call *call)
{
  if (call->a_nh != NULL)
    {
      nua_handle_bind (call->a_nh, NULL);
      nua_handle_destroy (call->a_nh);
    }
  g_ptr_array_unref (call->legs);
  g_free (call->id);
  g_free (call->caller_number);
  g_free (call->callee_number);
  g_free (call);
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
      if (call->callee_id == user_id)
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

  if (user_id <= 0)
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

/* ---- the legs ---------------------------------------------------------------- */

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
  return sdp != NULL && (strstr (sdp, "a=sendonly") != NULL || strstr (sdp, "a=inactive") != NULL);
}

static void
end_call (Call *call,
          int   status,
          const char *phrase)
{
  if (call->state == CALL_ENDED)
    return;

  if (call->b == NULL)
    {
      /* Not answered: stop the forks and tell the caller, unless the
       * caller is the one who gave up (sofia has answered 487 then). */
      for (guint i = 0; i < call->legs->len; i++)
        {
          Leg *leg = g_ptr_array_index (call->legs, i);

          if (!leg->done && leg->nh != NULL)
            nua_cancel (leg->nh, TAG_END ());
        }
      if (status > 0 && call->a_nh != NULL)
        nua_respond (call->a_nh, status, phrase, TAG_END ());
    }
  set_state (call, CALL_ENDED);
}

static void
leg_answered (Leg         *leg,
              const sip_t *sip)
{
  Call *call = leg->call;
  g_autofree char *sdp = payload_dup (sip);

  if (call->b != NULL || call->state == CALL_ENDED || call->a_nh == NULL)
    {
      /* Lost the race with another device: hang this one up. */
      nua_bye (leg->nh, TAG_END ());
      return;
    }

  call->b = leg;
  call->answered_at = g_get_real_time () / G_USEC_PER_SEC;
  nua_respond (call->a_nh, SIP_200_OK,
               TAG_IF (sdp != NULL, SIPTAG_CONTENT_TYPE_STR ("application/sdp")),
               TAG_IF (sdp != NULL, SIPTAG_PAYLOAD_STR (sdp)),
               TAG_END ());
  for (guint i = 0; i < call->legs->len; i++)
    {
      Leg *other = g_ptr_array_index (call->legs, i);

      if (other != leg && !other->done && other->nh != NULL)
        nua_cancel (other->nh, TAG_END ());
    }
  set_state (call, sdp_holds (sdp) ? CALL_HELD : CALL_CONNECTED);
}

static void
leg_failed (Leg *leg,
            int  status)
{
  Call *call = leg->call;
  int worst = 0;

  leg->done = TRUE;
  if (call->b != NULL || call->state == CALL_ENDED)
    return;

  for (guint i = 0; i < call->legs->len; i++)
    {
      Leg *other = g_ptr_array_index (call->legs, i);

      if (!other->done)
        return;
    }
  /* Every device refused: busy or declined wins over "not reachable". */
  worst = (status == 486 || status == 600 || status == 603) ? status : 480;
  end_call (call, worst, sip_status_phrase (worst));
}

/* A final answer to a re-INVITE we relayed goes back to its sender. */
static void
relay_reinvite_answer (Call        *call,
                       int          status,
                       const char  *phrase,
                       const sip_t *sip)
{
  g_autofree char *sdp = payload_dup (sip);
  nua_handle_t *from = call->reinvite_from;

  if (status < 200)
    return;
  call->reinvite_from = NULL;
  nua_respond (from, status, phrase,
               TAG_IF (sdp != NULL, SIPTAG_CONTENT_TYPE_STR ("application/sdp")),
               TAG_IF (sdp != NULL, SIPTAG_PAYLOAD_STR (sdp)),
               TAG_END ());
}

static void
on_reinvite (Call         *call,
             nua_handle_t *nh,
             const sip_t  *sip)
{
  g_autofree char *sdp = payload_dup (sip);
  nua_handle_t *other;

  if (call->b == NULL || call->state == CALL_ENDED)
    {
      nua_respond (nh, SIP_488_NOT_ACCEPTABLE, TAG_END ());
      return;
    }
  if (call->reinvite_from != NULL)
    {
      nua_respond (nh, SIP_491_REQUEST_PENDING, TAG_END ());
      return;
    }

  other = nh == call->a_nh ? call->b->nh : call->a_nh;
  if (other == NULL)
    {
      nua_respond (nh, SIP_481_NO_TRANSACTION, TAG_END ());
      return;
    }
  call->reinvite_from = nh;
  nua_invite (other,
              TAG_IF (sdp != NULL, SIPTAG_CONTENT_TYPE_STR ("application/sdp")),
              TAG_IF (sdp != NULL, SIPTAG_PAYLOAD_STR (sdp)),
              TAG_END ());
  set_state (call, sdp_holds (sdp) ? CALL_HELD : CALL_CONNECTED);
}

/* ---- new calls ----------------------------------------------------------------- */

static void
new_call (CbSipRegistrar *self,
          nua_handle_t   *nh,
          const sip_t    *sip)
{
  g_autofree char *line = NULL;
  g_autofree char *sdp = NULL;
  g_autoptr(CbSipLineRecord) target = NULL;
  g_autoptr(GPtrArray) contacts = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *uuid = NULL;
  const char *number;
  gint64 caller_id;
  Call *call;

  caller_id = _cb_sip_registrar_authenticate (self, nh, sip, TRUE, &line);
  if (caller_id == 0)
    {
      nua_handle_destroy (nh);
      return;
    }

  number = sip->sip_request->rq_url->url_user;
  if (number != NULL)
    target = cb_store_find_sip_line (self->api->store, number, NULL);
  if (target == NULL || g_strcmp0 (target->kind, "softphone") != 0)
    {
      nua_respond (nh, SIP_404_NOT_FOUND, TAG_END ());
      nua_handle_destroy (nh);
      return;
    }
  contacts = _cb_sip_registrar_contacts_of (self, target->user_id);
  if (contacts->len == 0)
    {
      nua_respond (nh, SIP_480_TEMPORARILY_UNAVAILABLE, TAG_END ());
      nua_handle_destroy (nh);
      return;
    }

  uuid = g_uuid_string_random ();
  call = g_new0 (Call, 1);
  call->magic.kind = CB_SIP_MAGIC_CALL;
  call->reg = self;
  call->id = g_steal_pointer (&uuid);
  call->a_nh = nh;
  call->legs = g_ptr_array_new_with_free_func ((GDestroyNotify) leg_free);
  call->caller_id = caller_id;
  call->callee_id = target->user_id;
  call->caller_number = g_strdup (line);
  call->callee_number = g_strdup (target->username);
  call->started_at = g_get_real_time () / G_USEC_PER_SEC;
  call->state = CALL_RINGING;
  nua_handle_bind (nh, &call->magic);
  g_hash_table_insert (self->calls, call->id, call);

  sdp = payload_dup (sip);
  from = g_strdup_printf ("\"%s\" <sip:%s@%s:%u>", display_name (self, caller_id),
                          line, self->address, self->port);
  to = g_strdup_printf ("<sip:%s@%s:%u>", target->username, self->address, self->port);
  for (guint i = 0; i < contacts->len; i++)
    {
      Leg *leg = g_new0 (Leg, 1);

      leg->magic.kind = CB_SIP_MAGIC_LEG;
      leg->call = call;
      leg->nh = nua_handle (self->nua, &leg->magic,
                            SIPTAG_FROM_STR (from), SIPTAG_TO_STR (to), TAG_END ());
      g_ptr_array_add (call->legs, leg);
      nua_invite (leg->nh,
                  NUTAG_URL (g_ptr_array_index (contacts, i)),
                  TAG_IF (sdp != NULL, SIPTAG_CONTENT_TYPE_STR ("application/sdp")),
                  TAG_IF (sdp != NULL, SIPTAG_PAYLOAD_STR (sdp)),
                  TAG_END ());
    }
  publish (call);
}

/* ---- dispatch ------------------------------------------------------------------ */

static void
forget_handle (Call         *call,
               nua_handle_t *nh)
{
  if (call->a_nh == nh)
    {
      nua_handle_bind (nh, NULL);
      nua_handle_destroy (nh);
      call->a_nh = NULL;
    }
  for (guint i = 0; i < call->legs->len; i++)
    {
      Leg *leg = g_ptr_array_index (call->legs, i);

      if (leg->nh == nh)
        {
          nua_handle_bind (nh, NULL);
          nua_handle_destroy (nh);
          leg->nh = NULL;
          leg->done = TRUE;
        }
    }
  if (call->reinvite_from == nh)
    call->reinvite_from = NULL;
}

static gboolean
call_finished (Call *call)
{
  if (call->state != CALL_ENDED || call->a_nh != NULL)
    return FALSE;
  for (guint i = 0; i < call->legs->len; i++)
    if (((Leg *) g_ptr_array_index (call->legs, i))->nh != NULL)
      return FALSE;
  return TRUE;
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
  Call *call = NULL;
  Leg *leg = NULL;
  int callstate = -1;

  if (magic != NULL && magic->kind == CB_SIP_MAGIC_LEG)
    {
      leg = (Leg *) magic;
      call = leg->call;
    }
  else if (magic != NULL)
    call = (Call *) magic;

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
      on_reinvite (call, nh, sip);
      break;

    case nua_r_invite:
      if (call->reinvite_from != NULL && (leg == NULL || leg == call->b))
        relay_reinvite_answer (call, status, phrase, sip);
      else if (leg != NULL && status >= 200 && status < 300)
        leg_answered (leg, sip);
      else if (leg != NULL && status >= 300)
        leg_failed (leg, status);
      else if (leg != NULL && status > 100 && !call->alerted && call->a_nh != NULL)
        {
          g_autofree char *sdp = payload_dup (sip);

          /* Early media (183 with SDP) passes through like the answer. */
          call->alerted = TRUE;
          if (sdp != NULL)
            nua_respond (call->a_nh, SIP_183_SESSION_PROGRESS,
                         SIPTAG_CONTENT_TYPE_STR ("application/sdp"),
                         SIPTAG_PAYLOAD_STR (sdp), TAG_END ());
          else
            nua_respond (call->a_nh, SIP_180_RINGING, TAG_END ());
        }
      break;

    case nua_i_cancel:
      /* The caller gave up; sofia has answered 487. */
      if (nh == call->a_nh)
        end_call (call, 0, NULL);
      break;

    case nua_i_bye:
      if (call->state != CALL_ENDED)
        {
          nua_handle_t *other = NULL;

          if (nh == call->a_nh && call->b != NULL)
            other = call->b->nh;
          else if (call->b != NULL && nh == call->b->nh)
            other = call->a_nh;
          if (other != NULL)
            nua_bye (other, TAG_END ());
          end_call (call, 0, NULL);
        }
      break;

    case nua_i_state:
      if (callstate == nua_callstate_terminated)
        {
          /* A leg or the caller vanished (timeout, transport error). */
          if (call->state != CALL_ENDED)
            {
              if (nh == call->a_nh)
                {
                  if (call->b != NULL && call->b->nh != NULL)
                    nua_bye (call->b->nh, TAG_END ());
                  call->a_nh = NULL;
                  nua_handle_bind (nh, NULL);
                  nua_handle_destroy (nh);
                  end_call (call, 0, NULL);
                }
              else if (leg != NULL && leg == call->b)
                {
                  if (call->a_nh != NULL)
                    nua_bye (call->a_nh, TAG_END ());
                  end_call (call, 0, NULL);
                }
              else if (leg != NULL && !leg->done)
                leg_failed (leg, 480);
            }
          forget_handle (call, nh);
          if (call_finished (call))
            g_hash_table_remove (self->calls, call->id);
        }
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
