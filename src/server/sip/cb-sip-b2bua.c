/* cb-sip-b2bua.c: the back-to-back user agent: calls, their legs, forks and the SIP that connects them
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A call has two sides. The A leg is the caller's device: the INVITE we
 * received, or, for "call from desk phone" (RFC 3725 flow I), our own
 * offerless INVITE to the user's phone. The B side is one outgoing leg
 * per registered device of the callee, forked at once; the first to
 * answer wins and the others are cancelled (cb_b2bua_call_take_leg(), the
 * one way a call is taken: by an answer, a pickup or a queue's agent).
 * SDP is passed between the legs with only the o= line replaced by one
 * origin per leg (cb-sip-sdp.c), so each phone sees one session whose
 * version grows whenever its content changes, even when the server
 * re-INVITEs for hold or forwards the other party elsewhere. Media flows
 * end to end.
 *
 * What the devices' dialogs say (answers, their re-INVITEs, BYE) is
 * handled in cb-sip-b2bua-dialogs.c. Where a new call goes is the
 * router's answer (cb-sip-router.c); what rings for a user follows their
 * settings (diversions, assistants, mobile, announcement:
 * cb-sip-diversion.c), hunt groups ring by cb-sip-hunt.c, pickups by
 * cb-sip-pickup.c, REST drives calls through cb-sip-call-control.c, and
 * every state change is published through cb-sip-call-events.c.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <string.h>

#include "cb-sip-announcement.h"
#include "cb-sip-assistants.h"
#include "cb-sip-conference.h"
#include "cb-sip-diversion.h"
#include "cb-sip-feature-codes.h"
#include "cb-sip-headers.h"
#include "cb-sip-hunt.h"
#include "cb-sip-pickup.h"
#include "cb-sip-recovery.h"
#include "cb-sip-registrar.h"
#include "cb-sip-router.h"
#include "cb-sip-srtp-policy.h"
#include "cb-sip-subscriptions.h"
#include "cb-sip-tls.h"
#include "cb-sip-timers.h"
#include "cb-sip-trunk.h"

/* How often an answered call asks its devices whether they still have
 * it (check_dialogs()); RFC 4028's smallest session interval. */
#define DIALOG_CHECK_S 90

static CbSipRegistrar *
registrar_of (CbB2buaCall *call)
{
  return cb_sip_server_get_registrar (call->b2bua->server);
}

static const char *
address_of (CbB2buaCall *call)
{
  return cb_sip_server_get_address (call->b2bua->server);
}

/* ---- line counts ---------------------------------------------------------- */

/* What a call adds to one user's line. */
typedef struct {
  gint64 user_id;
  guint  flags;   /* CbB2buaLineFlags */
} CbB2buaLineMark;

/* Of a user's calls, how many ring there, keep them busy, hold them. */
typedef struct {
  gint64 user_id;   /* the key */
  guint  ringing;
  guint  busy;
  guint  held;
} Line;

static void
mark (GArray *marks,
      gint64  user_id,
      guint   flags)
{
  CbB2buaLineMark added = { user_id, flags };

  if (user_id <= 0 || flags == 0)
    return;
  for (guint i = 0; i < marks->len; i++)
    if (g_array_index (marks, CbB2buaLineMark, i).user_id == user_id)
      {
        g_array_index (marks, CbB2buaLineMark, i).flags |= flags;
        return;
      }
  g_array_append_val (marks, added);
}

/* The rules of line_state_scanned() for one call. */
static void
call_marks (CbB2buaCall *call,
            GArray      *marks)
{
  CbWireCallState state = call->state;

  g_array_set_size (marks, 0);
  if (state == CB_WIRE_CALL_STATE_ENDED)
    return;
  /* Ringing at someone besides its callee (a member, a picker). */
  if (state == CB_WIRE_CALL_STATE_RINGING)
    for (guint i = 0; i < call->legs->len; i++)
      {
        CbB2buaLeg *leg = g_ptr_array_index (call->legs, i);

        if (leg->fork && leg->state == CB_B2BUA_LEG_CALLING && leg->user_id != call->callee_id)
          mark (marks, leg->user_id, CB_B2BUA_LINE_RINGING);
      }
  if (call->forked && !call->callee_left)
    mark (marks, call->callee_id,
          state == CB_WIRE_CALL_STATE_RINGING ? CB_B2BUA_LINE_RINGING :
          state == CB_WIRE_CALL_STATE_CONNECTED ? CB_B2BUA_LINE_BUSY :
          state == CB_WIRE_CALL_STATE_HELD ? CB_B2BUA_LINE_HELD : 0);
  /* Dialling out uses the line: busy, not ringing. */
  if (!call->caller_left)
    mark (marks, call->caller_id,
          state == CB_WIRE_CALL_STATE_RINGING || state == CB_WIRE_CALL_STATE_CONNECTED ? CB_B2BUA_LINE_BUSY :
          state == CB_WIRE_CALL_STATE_HELD ? CB_B2BUA_LINE_HELD : 0);
}

static void
lines_add (CbSipB2bua            *self,
           const CbB2buaLineMark *mark,
           gint                   delta)
{
  Line *line = g_hash_table_lookup (self->lines, &mark->user_id);

  if (line == NULL)
    {
      g_assert (delta > 0);
      line = g_new0 (Line, 1);
      line->user_id = mark->user_id;
      g_hash_table_insert (self->lines, &line->user_id, line);
    }
  if (mark->flags & CB_B2BUA_LINE_RINGING)
    line->ringing += delta;
  if (mark->flags & CB_B2BUA_LINE_BUSY)
    line->busy += delta;
  if (mark->flags & CB_B2BUA_LINE_HELD)
    line->held += delta;
  if (line->ringing == 0 && line->busy == 0 && line->held == 0)
    g_hash_table_remove (self->lines, &mark->user_id);
}

/* Field by field: the struct's padding is never written. */
static gboolean
marks_equal (GArray *a,
             GArray *b)
{
  if ((a != NULL ? a->len : 0) != (b != NULL ? b->len : 0))
    return FALSE;
  for (guint i = 0; a != NULL && i < a->len; i++)
    {
      const CbB2buaLineMark *x = &g_array_index (a, CbB2buaLineMark, i);
      const CbB2buaLineMark *y = &g_array_index (b, CbB2buaLineMark, i);

      if (x->user_id != y->user_id || x->flags != y->flags)
        return FALSE;
    }
  return TRUE;
}

/* The call's share of the counts follows what it is now. */
static void
call_lines_update (CbB2buaCall *call)
{
  static GArray *now;
  CbSipB2bua *self = call->b2bua;
  guint before = call->lines != NULL ? call->lines->len : 0;

  if (now == NULL)
    now = g_array_new (FALSE, FALSE, sizeof (CbB2buaLineMark));
  call_marks (call, now);
  if (marks_equal (now, call->lines))
    return;
  /* The new share first: a user in both keeps their entry. */
  for (guint i = 0; i < now->len; i++)
    lines_add (self, &g_array_index (now, CbB2buaLineMark, i), 1);
  for (guint i = 0; i < before; i++)
    lines_add (self, &g_array_index (call->lines, CbB2buaLineMark, i), -1);
  if (now->len == 0)
    {
      g_clear_pointer (&call->lines, g_array_unref);
      return;
    }
  if (call->lines == NULL)
    call->lines = g_array_sized_new (FALSE, FALSE, sizeof (CbB2buaLineMark), now->len);
  g_array_set_size (call->lines, now->len);
  memcpy (call->lines->data, now->data, now->len * sizeof (CbB2buaLineMark));
}

/* The state alone; calls being set up are counted for the overload
 * limit (cb-sip-server.c). */
static void
put_state (CbB2buaCall     *call,
           CbWireCallState  state)
{
  if (call->state == CB_WIRE_CALL_STATE_RINGING)
    call->b2bua->setting_up--;
  call->state = state;
  if (state == CB_WIRE_CALL_STATE_RINGING)
    call->b2bua->setting_up++;
}

void
cb_b2bua_call_set_state_quietly (CbB2buaCall     *call,
                                 CbWireCallState  state)
{
  put_state (call, state);
  call_lines_update (call);
}

void
cb_b2bua_call_set_caller (CbB2buaCall *call,
                          gint64       user_id)
{
  call->caller_id = user_id;
  call_lines_update (call);
}

void
cb_b2bua_call_set_callee (CbB2buaCall *call,
                          gint64       user_id)
{
  call->callee_id = user_id;
  call_lines_update (call);
}

void
cb_b2bua_call_set_forked (CbB2buaCall *call,
                          gboolean     forked)
{
  call->forked = forked;
  call_lines_update (call);
}

void
cb_b2bua_call_set_left (CbB2buaCall *call,
                        gboolean     caller)
{
  if (caller)
    call->caller_left = TRUE;
  else
    call->callee_left = TRUE;
  call_lines_update (call);
}

void
cb_b2bua_leg_set_state (CbB2buaLeg      *leg,
                        CbB2buaLegState  state)
{
  leg->state = state;
  call_lines_update (leg->call);
}

void
cb_b2bua_leg_set_user (CbB2buaLeg *leg,
                       gint64      user_id)
{
  leg->user_id = user_id;
  call_lines_update (leg->call);
}

/* The same rules over every call: what the counts must say. */
static CbLineState
line_state_scanned (CbSipB2bua *self,
                    gint64      user_id)
{
  GHashTableIter iter;
  CbB2buaCall *call;
  gboolean ringing = FALSE, held = FALSE, busy = FALSE;

  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call))
    {
      CbWireCallState state = call->state;

      if (state == CB_WIRE_CALL_STATE_ENDED)
        continue;
      if (call->callee_id != user_id && cb_b2bua_call_rings_at (call, user_id))
        ringing = TRUE;
      if (call->callee_id == user_id && call->forked && !call->callee_left)
        {
          ringing |= state == CB_WIRE_CALL_STATE_RINGING;
          busy |= state == CB_WIRE_CALL_STATE_CONNECTED;
          held |= state == CB_WIRE_CALL_STATE_HELD;
        }
      if (call->caller_id == user_id && !call->caller_left)
        {
          busy |= state == CB_WIRE_CALL_STATE_RINGING || state == CB_WIRE_CALL_STATE_CONNECTED;
          held |= state == CB_WIRE_CALL_STATE_HELD;
        }
    }
  return busy ? CB_LINE_STATE_BUSY : held ? CB_LINE_STATE_ON_HOLD :
         ringing ? CB_LINE_STATE_RINGING : CB_LINE_STATE_OFFLINE;
}

static CbLineState
line_state_counted (CbSipB2bua *self,
                    gint64      user_id)
{
  Line *line = g_hash_table_lookup (self->lines, &user_id);

  if (line == NULL)
    return CB_LINE_STATE_OFFLINE;
  return line->busy > 0 ? CB_LINE_STATE_BUSY : line->held > 0 ? CB_LINE_STATE_ON_HOLD :
         line->ringing > 0 ? CB_LINE_STATE_RINGING : CB_LINE_STATE_OFFLINE;
}

static void
check_line (CbSipB2bua *self,
            gint64      user_id)
{
  CbLineState counted, scanned;

  if (user_id <= 0)
    return;
  counted = line_state_counted (self, user_id);
  scanned = line_state_scanned (self, user_id);
  if (counted != scanned)
    g_critical ("Line state of user %" G_GINT64_FORMAT ": counted %s, the calls say %s", user_id,
                cb_enum_to_nick (CB_TYPE_LINE_STATE, counted), cb_enum_to_nick (CB_TYPE_LINE_STATE, scanned));
}

/* CALLBOARD_SIP_CHECK_LINES (the tests set it): every user any call
 * names, and every user counted, against a scan of all calls. */
static void
check_all_lines (CbSipB2bua *self)
{
  GHashTableIter iter;
  CbB2buaCall *call;
  gint64 *user_id;

  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call))
    {
      check_line (self, call->caller_id);
      check_line (self, call->callee_id);
      for (guint i = 0; i < call->legs->len; i++)
        check_line (self, ((CbB2buaLeg *) g_ptr_array_index (call->legs, i))->user_id);
    }
  g_hash_table_iter_init (&iter, self->lines);
  while (g_hash_table_iter_next (&iter, (gpointer *) &user_id, NULL))
    check_line (self, *user_id);
}

/* A hunt group's lamp: calls ringing at its members. */
static void
lamp_count (CbSipB2bua *self,
            gint64      group_id,
            gint        delta)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->lamps, &group_id));

  g_assert (delta > 0 || n > 0);
  n += delta;
  if (n == 0)
    g_hash_table_remove (self->lamps, &group_id);
  else
    g_hash_table_replace (self->lamps, g_memdup2 (&group_id, sizeof group_id), GUINT_TO_POINTER (n));
}

/* ---- legs ---------------------------------------------------------------- */

static void
leg_free (CbB2buaLeg *leg)
{
  cb_sip_handle_release (&leg->nh);
  g_free (leg->sdp);
  cb_sip_origin_clear (&leg->origin);
  g_free (leg->call_id);
  g_free (leg->contact);
  g_free (leg->remote);
  g_free (leg->kind);
  g_free (leg->local_tag);
  g_free (leg->remote_tag);
  g_free (leg->local);
  g_free (leg->target);
  g_free (leg->route);
  g_free (leg);
}

CbB2buaLeg *
cb_b2bua_leg_new (CbB2buaCall     *call,
                  gboolean         fork,
                  CbB2buaLegState  state)
{
  CbB2buaLeg *leg = g_new0 (CbB2buaLeg, 1);

  leg->magic.kind = CB_SIP_MAGIC_LEG;
  leg->call = call;
  leg->fork = fork;
  leg->state = state;
  cb_sip_origin_init (&leg->origin);
  g_ptr_array_add (call->legs, leg);
  /* No user yet: nothing changes for the lines. */
  return leg;
}

/* Our handle for an outgoing INVITE to a device. We choose the Call-ID
 * (sofia takes it from the handle's headers) so the call model can name
 * the dialog before the device answers anything. */
void
cb_b2bua_leg_open (CbB2buaLeg *leg,
                   const char *contact,
                   const char *from,
                   const char *to)
{
  CbB2buaCall *call = leg->call;
  g_autofree char *uuid = g_uuid_string_random ();

  leg->call_id = g_strdup_printf ("%s@%s", uuid, address_of (call));
  leg->contact = g_strdup (contact);
  leg->kind = g_strdup (cb_sip_registrar_contact_kind (registrar_of (call), contact));
  /* A phone on TLS is reached over the connection it registered over. */
  leg->secure = cb_sip_registrar_contact_flow (registrar_of (call), contact) != NULL;
  leg->nh = nua_handle (cb_sip_server_get_nua (call->b2bua->server), &leg->magic,
                        SIPTAG_FROM_STR (from), SIPTAG_TO_STR (to),
                        SIPTAG_CALL_ID_STR (leg->call_id),
                        CB_SIP_CONTACT_TAGS (call->b2bua->server, leg->secure), TAG_END ());
  cb_sip_tls_route_to_contact (call->b2bua->server, leg->nh, contact);
}

void
cb_b2bua_leg_adopt (CbB2buaLeg        *leg,
                    const CbSipDialog *dialog)
{
  leg->nh = dialog->nh;
  leg->secure = dialog->secure;
  leg->sdp = cb_sip_tls_sdp_between (dialog->sdp, dialog->secure, TRUE);
  if (dialog->origin != NULL)
    {
      cb_sip_origin_clear (&leg->origin);
      cb_sip_origin_copy (&leg->origin, dialog->origin);
    }
  leg->call_id = g_strdup (dialog->call_id);
  leg->contact = g_strdup (dialog->contact);
  leg->remote = g_strdup (dialog->remote);
  leg->kind = g_strdup (cb_sip_registrar_contact_kind (registrar_of (leg->call), dialog->contact));
  leg->local = g_strdup (dialog->local);
  leg->route = g_strdup (dialog->route);
  leg->local_cseq = dialog->local_cseq;
  nua_handle_bind (leg->nh, &leg->magic);
}

/* The phone's address comes with the dialog: a consultation from it goes
 * there later. */
void
cb_b2bua_leg_adopt_invite (CbB2buaLeg   *leg,
                           nua_handle_t *nh,
                           const sip_t  *sip)
{
  g_autoptr(CbSipInviteDialog) dialog = cb_sip_invite_dialog_new (nh, sip);

  cb_b2bua_leg_adopt (leg, &dialog->dialog);
  cb_sip_recovery_note_dialog (leg, sip, FALSE);
}

gboolean
cb_b2bua_leg_usable (CbB2buaLeg *leg)
{
  return leg != NULL && leg->state == CB_B2BUA_LEG_UP && leg->nh != NULL;
}

void
cb_b2bua_leg_hang_up (CbB2buaLeg *leg)
{
  if (leg->nh != NULL && leg->state == CB_B2BUA_LEG_UP)
    {
      if (leg->ack_pending)
        nua_ack (leg->nh, TAG_END ());
      leg->ack_pending = FALSE;
      nua_bye (leg->nh, TAG_END ());
    }
  cb_b2bua_leg_set_state (leg, CB_B2BUA_LEG_GONE);
}

void
cb_b2bua_leg_party (CbB2buaLeg  *leg,
                    gint64      *user_id,
                    const char **number,
                    gint64      *as_user_id)
{
  CbB2buaCall *call = leg->call;

  *user_id = leg == call->a ? call->caller_id : call->callee_id;
  *number = leg == call->a ? call->caller_number : call->callee_number;
  if (as_user_id != NULL)
    *as_user_id = leg == call->a ? call->as_user_id : 0;
}

void
cb_b2bua_leg_move (CbB2buaLeg  *leg,
                   CbB2buaCall *next,
                   gboolean     as_fork)
{
  CbB2buaCall *call = leg->call;
  guint index;

  g_assert (g_ptr_array_find (call->legs, leg, &index));
  g_ptr_array_add (next->legs, g_ptr_array_steal_index (call->legs, index));
  if (call->a == leg)
    call->a = NULL;
  if (call->b == leg)
    call->b = NULL;
  leg->call = next;
  leg->fork = as_fork;
  call_lines_update (call);
  call_lines_update (next);
}

char *
cb_b2bua_leg_sdp_for (CbB2buaLeg        *leg,
                      const char        *sdp,
                      CbSipSdpDirection  direction)
{
  g_autofree char *without_keys = cb_sip_srtp_sdp_for_leg (leg, sdp);

  return cb_sip_origin_apply (&leg->origin, address_of (leg->call),
                              without_keys != NULL ? without_keys : sdp, direction);
}

/* Our re-INVITE to a device. Its To names the dialog's remote tag: in
 * the dialog that changes nothing, but should the device's BYE end the
 * dialog before sofia-sip sends the request, it goes out as an initial
 * INVITE, and with a To tag the device answers 481 instead of ringing. */
void
cb_b2bua_leg_reinvite (CbB2buaLeg *leg,
                       const char *sdp,
                       CbB2buaLeg *relay_to)
{
  leg->reinviting = TRUE;
  leg->relay_to = relay_to;
  nua_invite (leg->nh,
              TAG_IF (leg->remote != NULL, SIPTAG_TO_STR (leg->remote)),
              CB_SIP_SDP_TAGS (sdp), TAG_END ());
}

/* ---- calls --------------------------------------------------------------- */

static void
call_free (CbB2buaCall *call)
{
  /* Its share of the counts goes with it (a call dropped at shutdown
   * may not have ended). */
  put_state (call, CB_WIRE_CALL_STATE_ENDED);
  call_lines_update (call);
  if (call->lamp_group > 0)
    lamp_count (call->b2bua, call->lamp_group, -1);
  g_clear_pointer (&call->lines, g_array_unref);
  g_free (call->forwarded_to_number);
  g_clear_handle_id (&call->ring_limit_id, cb_sip_timeout_remove);
  g_clear_handle_id (&call->check_id, cb_sip_timeout_remove);
  g_clear_pointer (&call->group, cb_sip_group_call_free);
  cb_sip_diversion_free (call);
  g_clear_pointer (&call->rung, g_array_unref);
  if (call->conference != NULL)
    cb_sip_conference_forget_call (call->conference, call);
  /* A queue call dropped at shutdown never ended: its data goes too. */
  if (call->ended.free != NULL)
    call->ended.free (call->ended.data);
  g_ptr_array_unref (call->legs);
  g_free (call->id);
  g_free (call->caller_number);
  g_free (call->callee_number);
  g_free (call);
}

CbB2buaCall *
cb_b2bua_call_new (CbSipB2bua *b2bua,
                   const char *id)
{
  CbB2buaCall *call = g_new0 (CbB2buaCall, 1);

  call->b2bua = b2bua;
  call->id = id != NULL ? g_strdup (id) : g_uuid_string_random ();
  call->legs = g_ptr_array_new_with_free_func ((GDestroyNotify) leg_free);
  call->started_at = g_get_real_time () / G_USEC_PER_SEC;
  call->created_us = g_get_monotonic_time ();
  call->state = CB_WIRE_CALL_STATE_RINGING;
  b2bua->setting_up++;
  g_hash_table_insert (b2bua->calls, call->id, call);
  return call;
}

CbB2buaCall *
cb_b2bua_call_new_incoming (CbSipB2bua        *b2bua,
                            const CbSipInvite *invite,
                            const char        *callee_number)
{
  CbB2buaCall *call = cb_b2bua_call_new (b2bua, NULL);

  cb_b2bua_call_set_caller (call, invite->caller_id);
  call->as_user_id = invite->as_user_id;
  call->caller_number = cb_sip_user_number (b2bua->directory, invite->caller_id, invite->line);
  call->callee_number = g_strdup (callee_number);
  call->a = cb_b2bua_leg_new (call, FALSE, CB_B2BUA_LEG_INCOMING);
  cb_b2bua_leg_adopt_invite (call->a, invite->nh, invite->sip);
  return call;
}

CbB2buaCall *
cb_b2bua_call_new_for_group (CbSipB2bua              *b2bua,
                             const CbSipQueuedCaller *caller)
{
  CbB2buaCall *call = cb_b2bua_call_new (b2bua, caller->call_id);

  cb_b2bua_call_set_caller (call, caller->caller_id);
  call->caller_number = g_strdup (caller->number);
  call->callee_number = g_strdup (caller->group->number);
  call->group = cb_sip_group_call_new (caller->group);
  return call;
}

CbB2buaCall *
cb_sip_b2bua_lookup (CbSipB2bua *b2bua,
                     const char *call_id)
{
  return call_id != NULL ? g_hash_table_lookup (b2bua->calls, call_id) : NULL;
}

void
cb_b2bua_call_drop_if_finished (CbB2buaCall *call)
{
  if (call->state != CB_WIRE_CALL_STATE_ENDED)
    return;
  for (guint i = 0; i < call->legs->len; i++)
    if (((CbB2buaLeg *) g_ptr_array_index (call->legs, i))->nh != NULL)
      return;
  g_hash_table_remove (call->b2bua->calls, call->id);
}

gboolean
cb_b2bua_call_concerns (CbB2buaCall *call,
                        gint64       user_id)
{
  return (call->caller_id == user_id && !call->caller_left) ||
         (call->callee_id == user_id && call->forked && !call->callee_left) ||
         cb_b2bua_call_rings_at (call, user_id);
}

gboolean
cb_b2bua_call_rings_at (CbB2buaCall *call,
                        gint64       user_id)
{
  if (call->state != CB_WIRE_CALL_STATE_RINGING || user_id <= 0)
    return FALSE;
  for (guint i = 0; i < call->legs->len; i++)
    {
      CbB2buaLeg *leg = g_ptr_array_index (call->legs, i);

      if (leg->fork && leg->state == CB_B2BUA_LEG_CALLING && leg->user_id == user_id)
        return TRUE;
    }
  return FALSE;
}

gint64
cb_b2bua_call_ringing_member (CbB2buaCall *call)
{
  for (guint i = 0; call->rung != NULL && i < call->rung->len; i++)
    {
      gint64 user_id = g_array_index (call->rung, CbSipRung, i).user_id;

      if (cb_b2bua_call_rings_at (call, user_id))
        return user_id;
    }
  return 0;
}

CbSipRung *
cb_b2bua_call_rung_find (CbB2buaCall *call,
                         gint64       user_id)
{
  for (guint i = 0; call->rung != NULL && i < call->rung->len; i++)
    if (g_array_index (call->rung, CbSipRung, i).user_id == user_id)
      return &g_array_index (call->rung, CbSipRung, i);
  return NULL;
}

CbSipRung *
cb_b2bua_call_rung_add (CbB2buaCall *call,
                        gint64       user_id)
{
  CbSipRung rung = { user_id, FALSE, FALSE, FALSE };
  CbSipRung *found = cb_b2bua_call_rung_find (call, user_id);

  if (found != NULL)
    return found;
  if (call->rung == NULL)
    call->rung = g_array_new (FALSE, TRUE, sizeof (CbSipRung));
  g_array_append_val (call->rung, rung);
  return &g_array_index (call->rung, CbSipRung, call->rung->len - 1);
}

void
cb_b2bua_call_cancel_forks (CbB2buaCall *call,
                            gint64       user_id,
                            CbB2buaLeg  *except,
                            gboolean     keep_pickups)
{
  for (guint i = 0; i < call->legs->len; i++)
    {
      CbB2buaLeg *leg = g_ptr_array_index (call->legs, i);

      if (leg == except || !leg->fork || leg->state != CB_B2BUA_LEG_CALLING ||
          (user_id > 0 && leg->user_id != user_id) || (keep_pickups && leg->pickup))
        continue;
      nua_cancel (leg->nh, TAG_END ());
      cb_b2bua_leg_set_state (leg, CB_B2BUA_LEG_GONE);
    }
}

/* ---- state and its events ------------------------------------------------ */

/* A hunt group's lamp: the calls ringing at its members now. */
static void
count_group_lamp (CbSipB2bua *b2bua,
                  gint64      group_id)
{
  g_autoptr(GError) error = NULL;
  guint ringing = GPOINTER_TO_UINT (g_hash_table_lookup (b2bua->lamps, &group_id));

  if (!cb_changes_set_group_ringing (cb_sip_server_get_changes (b2bua->server), group_id, ringing, &error))
    g_warning ("Could not set the lamp of group %" G_GINT64_FORMAT ": %s", group_id, error->message);
}

/* Whether the call counts for its group's lamp changes with its state
 * (answered, overflowed, ended, on to another group); the group's dialog
 * subscribers hear of every change of a call it counts. */
static void
update_group_lamp (CbB2buaCall *call)
{
  CbSipSubscriptions *subscriptions = cb_sip_server_get_subscriptions (call->b2bua->server);
  gint64 before = call->lamp_group;
  gint64 now = 0;

  if (call->group != NULL && !call->group->overflowed && call->b == NULL &&
      call->state == CB_WIRE_CALL_STATE_RINGING)
    now = call->group->group_id;
  call->lamp_group = now;
  if (before != now)
    {
      if (before > 0)
        lamp_count (call->b2bua, before, -1);
      if (now > 0)
        lamp_count (call->b2bua, now, 1);
      if (before > 0)
        count_group_lamp (call->b2bua, before);
      if (now > 0)
        count_group_lamp (call->b2bua, now);
    }
  if (before > 0)
    cb_sip_subscriptions_group_changed (subscriptions, before);
  if (now > 0 && now != before)
    cb_sip_subscriptions_group_changed (subscriptions, now);
}

void
cb_b2bua_call_lamps_changed (CbB2buaCall *call)
{
  CbSipSubscriptions *subscriptions = cb_sip_server_get_subscriptions (call->b2bua->server);

  if (subscriptions == NULL)
    return;
  cb_sip_subscriptions_user_changed (subscriptions, call->caller_id);
  cb_sip_subscriptions_user_changed (subscriptions, call->callee_id);
  for (guint i = 0; call->rung != NULL && i < call->rung->len; i++)
    cb_sip_subscriptions_user_changed (subscriptions, g_array_index (call->rung, CbSipRung, i).user_id);
  for (guint i = 0; i < call->legs->len; i++)
    cb_sip_subscriptions_user_changed (subscriptions,
                                       ((CbB2buaLeg *) g_ptr_array_index (call->legs, i))->user_id);
  if (call->lamp_group > 0)
    cb_sip_subscriptions_group_changed (subscriptions, call->lamp_group);
}

void
cb_b2bua_call_publish (CbB2buaCall *call)
{
  CbSipServer *server = call->b2bua->server;
  g_autoptr(GError) error = NULL;

  if (!cb_changes_run (cb_sip_server_get_changes (server), cb_b2bua_call_record, NULL, call, &error))
    g_warning ("Could not record call %s: %s", call->id, error->message);
  update_group_lamp (call);

  /* Every line the call touches: its parties', everyone it rang, and
   * pickers', whose phones ring too (they are not rung: no journal
   * entry of their own). */
  if (call->caller_id > 0)
    cb_sip_server_update_line_state (server, call->caller_id);
  if (call->callee_id > 0)
    cb_sip_server_update_line_state (server, call->callee_id);
  for (guint i = 0; call->rung != NULL && i < call->rung->len; i++)
    cb_sip_server_update_line_state (server, g_array_index (call->rung, CbSipRung, i).user_id);
  for (guint i = 0; i < call->legs->len; i++)
    {
      CbB2buaLeg *leg = g_ptr_array_index (call->legs, i);

      if (leg->pickup && leg->user_id > 0 && leg->user_id != call->callee_id &&
          leg->user_id != call->caller_id)
        cb_sip_server_update_line_state (server, leg->user_id);
    }
  if (G_UNLIKELY (call->b2bua->check_lines))
    check_all_lines (call->b2bua);
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
  CbB2buaCall *call = data;

  for (guint i = 0; i < call->legs->len; i++)
    {
      CbB2buaLeg *leg = g_ptr_array_index (call->legs, i);

      if (leg->state == CB_B2BUA_LEG_UP && leg->nh != NULL)
        {
          const char *cseq = cb_sip_recovery_check_cseq (leg);

          nua_options (leg->nh, TAG_IF (cseq != NULL, SIPTAG_CSEQ_STR (cseq)), TAG_END ());
        }
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

void
cb_b2bua_call_set_state (CbB2buaCall     *call,
                         CbWireCallState  state)
{
  if (call->state == state)
    return;
  g_debug ("Call %s: %s → %s", call->id, cb_enum_to_nick (CB_TYPE_WIRE_CALL_STATE, call->state),
           cb_enum_to_nick (CB_TYPE_WIRE_CALL_STATE, state));
  cb_b2bua_call_set_state_quietly (call, state);
  if (state == CB_WIRE_CALL_STATE_ENDED)
    {
      g_clear_handle_id (&call->check_id, cb_sip_timeout_remove);
      cb_sip_diversion_ended (call);
    }
  else if (state != CB_WIRE_CALL_STATE_RINGING && call->check_id == 0)
    call->check_id = cb_sip_timeout_add_seconds (dialog_check_interval (), check_dialogs, call);
  cb_b2bua_call_publish (call);
  if (state == CB_WIRE_CALL_STATE_ENDED && call->ended.func != NULL)
    {
      CbSipCallEnded ended = call->ended;

      call->ended = (CbSipCallEnded) { NULL };
      ended.func (ended.data);
      if (ended.free != NULL)
        ended.free (ended.data);
    }
}

/* ---- ending -------------------------------------------------------------- */

CbCallEndReason
cb_b2bua_reason_for_status (int status)
{
  switch (status)
    {
    case 486:
    case 600:
      return CB_CALL_END_REASON_BUSY;
    case 603:
      return CB_CALL_END_REASON_DECLINED;
    case 404:
    case 484:
    case 604:
      return CB_CALL_END_REASON_NOT_FOUND;
    case 487:
      return CB_CALL_END_REASON_CANCELLED;
    case 0:
    case 408:
    case 410:
    case 480:
    case 503:
    case 504:
      return CB_CALL_END_REASON_UNREACHABLE;
    default:
      return status >= 300 ? CB_CALL_END_REASON_REJECTED : CB_CALL_END_REASON_UNREACHABLE;
    }
}

void
cb_b2bua_call_terminate (CbB2buaCall *call,
                         int          status)
{
  if (call->end_reason == CB_CALL_END_REASON_UNKNOWN && call->state != CB_WIRE_CALL_STATE_ENDED)
    call->end_reason = call->answered_at > 0 ? CB_CALL_END_REASON_COMPLETED
                                             : cb_b2bua_reason_for_status (status);
  g_clear_handle_id (&call->ring_limit_id, cb_sip_timeout_remove);
  for (guint i = 0; i < call->legs->len; i++)
    {
      CbB2buaLeg *leg = g_ptr_array_index (call->legs, i);

      if (leg->nh == NULL)
        cb_b2bua_leg_set_state (leg, CB_B2BUA_LEG_GONE);
      switch (leg->state)
        {
        case CB_B2BUA_LEG_CALLING:
          nua_cancel (leg->nh, TAG_END ());
          break;
        case CB_B2BUA_LEG_INCOMING:
          status = status > 0 ? status : 480;
          nua_respond (leg->nh, status, sip_status_phrase (status), TAG_END ());
          break;
        case CB_B2BUA_LEG_AWAIT_ACK:
          nua_ack (leg->nh, TAG_END ());
          nua_bye (leg->nh, TAG_END ());
          break;
        case CB_B2BUA_LEG_UP:
          if (leg->ack_pending)
            nua_ack (leg->nh, TAG_END ());
          leg->ack_pending = FALSE;
          nua_bye (leg->nh, TAG_END ());
          break;
        case CB_B2BUA_LEG_GONE:
        default:
          break;
        }
      cb_b2bua_leg_set_state (leg, CB_B2BUA_LEG_GONE);
    }
  cb_b2bua_call_set_state (call, CB_WIRE_CALL_STATE_ENDED);
}

/* ---- forks --------------------------------------------------------------- */

/* A held party offered to someone new still wants to talk. */
static CbSipSdpDirection
fork_direction (CbB2buaCall *call)
{
  return call->a != NULL && call->a->state == CB_B2BUA_LEG_UP ? CB_SIP_SDP_SENDRECV : CB_SIP_SDP_KEEP;
}

/* The caller as the call presents them ("call as": the leader) at our
 * address: the forks' From and P-Asserted-Identity. */
static char *
presented_identity (CbB2buaCall *call)
{
  CbWireParty caller;

  cb_sip_assistants_presented (call, &caller);
  return cb_sip_name_addr_at (caller.name, caller.number, address_of (call),
                              cb_sip_server_get_port (call->b2bua->server));
}

/* RFC 3325's header as a whole line: sofia-sip's default message class
 * does not know it, so its own tag would not be sent. */
static char *
asserted_identity (const char *identity)
{
  return identity != NULL ? g_strconcat ("P-Asserted-Identity: ", identity, NULL) : NULL;
}

void
cb_b2bua_call_start_forks (CbB2buaCall *call,
                           GPtrArray   *contacts,
                           const char  *offer)
{
  CbSipServer *server = call->b2bua->server;
  g_autofree char *from = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *to = NULL;
  guint port = cb_sip_server_get_port (server);
  guint max = cb_sip_server_get_settings (server)->max_forks;
  guint ringing = 0;

  from = presented_identity (call);
  identity = asserted_identity (from);
  to = cb_sip_name_addr_at (NULL, call->callee_number, address_of (call), port);
  cb_b2bua_call_set_forked (call, TRUE);
  for (guint i = 0; i < call->legs->len; i++)
    {
      CbB2buaLeg *leg = g_ptr_array_index (call->legs, i);

      ringing += leg->fork && leg->state == CB_B2BUA_LEG_CALLING;
    }
  for (guint i = 0; i < contacts->len; i++)
    {
      CbB2buaLeg *leg;
      g_autofree char *sdp = NULL;

      /* One call never rings more than [sip] max-forks devices at once:
       * a line's bindings, many members' phones. */
      if (max > 0 && ringing++ >= max)
        {
          g_message ("Call %s rings %u devices: %u more not rung", call->id, max, contacts->len - i);
          break;
        }
      if (!cb_sip_srtp_may_ring (call, g_ptr_array_index (contacts, i), offer))
        {
          ringing--;
          continue;
        }
      leg = cb_b2bua_leg_new (call, TRUE, CB_B2BUA_LEG_CALLING);
      /* Opened first: whether keys may go to it depends on its device. */
      cb_b2bua_leg_open (leg, g_ptr_array_index (contacts, i), from, to);
      sdp = cb_b2bua_leg_sdp_for (leg, offer, fork_direction (call));

      nua_invite (leg->nh,
                  NUTAG_URL (g_ptr_array_index (contacts, i)),
                  CB_SIP_SDP_TAGS (sdp),
                  TAG_IF (identity != NULL, SIPTAG_HEADER_STR (identity)),
                  TAG_IF (call->fork_call_info != NULL, SIPTAG_CALL_INFO_STR (call->fork_call_info)),
                  TAG_END ());
    }
}

gboolean
cb_b2bua_call_ring_user (CbB2buaCall *call,
                         gint64       user_id,
                         gboolean     pickup,
                         GPtrArray   *contacts)
{
  g_autoptr(GPtrArray) all = NULL;
  guint first = call->legs->len;

  /* A member calling their own group is not rung by it. */
  if (user_id == call->caller_id)
    return FALSE;
  if (contacts == NULL)
    contacts = all = cb_sip_registrar_contacts_of (registrar_of (call), user_id);
  if (contacts->len == 0 || call->a == NULL)
    return FALSE;
  cb_b2bua_call_start_forks (call, contacts, call->a->sdp);
  for (guint i = first; i < call->legs->len; i++)
    {
      CbB2buaLeg *leg = g_ptr_array_index (call->legs, i);

      leg->pickup = pickup;
      cb_b2bua_leg_set_user (leg, user_id);
    }
  if (!pickup)
    cb_b2bua_call_rung_add (call, user_id)->ended = FALSE;
  return TRUE;
}

CbB2buaLeg *
cb_b2bua_call_trunk_leg (CbB2buaCall *call,
                         const char  *number,
                         const char  *offer)
{
  CbSipTrunk *trunk = cb_sip_server_get_trunk (call->b2bua->server);
  g_autofree char *target = cb_sip_trunk_request_uri (trunk, number);
  g_autofree char *from = NULL;
  g_autofree char *presented = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *to = NULL;
  g_autofree char *sdp = NULL;
  CbWireParty caller;
  CbB2buaLeg *leg;

  if (target == NULL)
    return NULL;
  g_debug ("Call %s: %s over the trunk to %s", call->id, number, target);
  leg = cb_b2bua_leg_new (call, TRUE, CB_B2BUA_LEG_CALLING);
  leg->trunk = TRUE;
  /* From: [trunk] caller-id, where one is set, hides the caller's number
   * (what the trunk allows); P-Asserted-Identity names them always. */
  cb_sip_assistants_presented (call, &caller);
  from = cb_sip_trunk_from (trunk, caller.name, caller.number);
  presented = presented_identity (call);
  identity = asserted_identity (presented);
  to = cb_sip_name_addr (NULL, target);
  sdp = cb_b2bua_leg_sdp_for (leg, offer, fork_direction (call));
  cb_b2bua_leg_open (leg, target, from, to);
  nua_invite (leg->nh, NUTAG_URL (target), CB_SIP_SDP_TAGS (sdp),
              TAG_IF (identity != NULL, SIPTAG_HEADER_STR (identity)),
              TAG_END ());
  return leg;
}

gboolean
cb_b2bua_call_trunk_fork (CbB2buaCall *call,
                          const char  *offer)
{
  if (cb_b2bua_call_trunk_leg (call, call->callee_number, offer) == NULL)
    return FALSE;
  /* Every call out is on record with who placed it, also in the log. */
  if (call->placed_by > 0 || call->caller_id > 0)
    g_message ("SIP trunk call %s to %s placed by user %" G_GINT64_FORMAT "%s", call->id,
               call->callee_number, call->placed_by > 0 ? call->placed_by : call->caller_id,
               call->placed_by > 0 ? " (forwarded)" : "");
  else
    g_message ("SIP trunk call %s to %s for %s, who is no user (an overflow)", call->id,
               call->callee_number, call->caller_number);
  call->external = TRUE;
  cb_b2bua_call_set_forked (call, TRUE);
  return TRUE;
}

void
cb_b2bua_call_take_leg (CbB2buaCall *call,
                        CbB2buaLeg  *leg)
{
  call->b = leg;
  call->answered_at = g_get_real_time () / G_USEC_PER_SEC;
  cb_sip_hunt_answered (call);
  g_clear_handle_id (&call->ring_limit_id, cb_sip_timeout_remove);
  cb_sip_diversion_answered (call);

  /* Whoever the leg rang is the callee now; a callee the call was picked
   * up from stays in its history. */
  if (leg->user_id > 0 && leg->user_id != call->callee_id)
    {
      if (leg->pickup)
        {
          call->picked_up = TRUE;
          if (call->picked_up_from == 0)
            call->picked_up_from = call->callee_id > 0 ? call->callee_id : cb_b2bua_call_ringing_member (call);
        }
      if (call->callee_id > 0)
        cb_b2bua_call_rung_add (call, call->callee_id);
      cb_b2bua_call_set_callee (call, leg->user_id);
    }

  cb_b2bua_call_cancel_forks (call, 0, leg, FALSE);
}

void
cb_b2bua_call_answer_caller (CbB2buaCall *call)
{
  CbB2buaLeg *a = call->a;
  g_autofree char *body = cb_b2bua_leg_sdp_for (a, call->b->sdp, CB_SIP_SDP_KEEP);

  switch (a->state)
    {
    case CB_B2BUA_LEG_INCOMING:
      nua_respond (a->nh, SIP_200_OK, CB_SIP_SDP_TAGS (body),
                   CB_SIP_CONTACT_TAGS (call->b2bua->server, a->secure), TAG_END ());
      break;
    case CB_B2BUA_LEG_AWAIT_ACK:
      /* Flow I: the target's answer completes the desk phone's offer. */
      nua_ack (a->nh, CB_SIP_SDP_TAGS (body), TAG_END ());
      break;
    case CB_B2BUA_LEG_UP:
      /* The other party learns where the new target is. */
      cb_b2bua_leg_reinvite (a, body, NULL);
      break;
    case CB_B2BUA_LEG_CALLING:
    case CB_B2BUA_LEG_GONE:
    default:
      break;
    }
  cb_b2bua_leg_set_state (a, CB_B2BUA_LEG_UP);
  cb_b2bua_call_set_state (call, cb_sip_sdp_holds (call->b->sdp) ? CB_WIRE_CALL_STATE_HELD
                                                                  : CB_WIRE_CALL_STATE_CONNECTED);
}

/* ---- re-INVITEs ---------------------------------------------------------- */

/* An offerless re-INVITE to `offerer`, whose 200 holds a fresh offer;
 * that goes to `answerer` in a re-INVITE, and its answer into our ACK to
 * `offerer`. Passing each side's old SDP to the other instead could
 * leave them on different codecs: those SDPs were answers to someone
 * else. */
void
cb_b2bua_legs_bridge (CbB2buaLeg *offerer,
                      CbB2buaLeg *answerer)
{
  if (!offerer->manual_ack)
    {
      offerer->manual_ack = TRUE;
      nua_set_hparams (offerer->nh, NUTAG_AUTOACK (0), TAG_END ());
    }
  offerer->offer_to = answerer;
  cb_b2bua_leg_reinvite (offerer, NULL, NULL);
}

/* ---- new calls ----------------------------------------------------------- */

/* A call that reaches nobody is answered with status and phrase (NULL:
 * the usual one); one of our users placed is on record for them: a
 * "call" event that ends at once and a journal entry, both saying why
 * (reason; UNKNOWN: from status). */
void
cb_b2bua_call_refuse (CbSipB2bua        *self,
                      const CbSipInvite *invite,
                      const char        *number,
                      gint64             callee_id,
                      int                status,
                      const char        *phrase,
                      CbCallEndReason    reason)
{
  CbB2buaCall *call;

  nua_respond (invite->nh, status, phrase != NULL ? phrase : sip_status_phrase (status), TAG_END ());
  if (invite->caller_id <= 0)
    {
      nua_handle_destroy (invite->nh);
      return;
    }
  /* Answered already: the leg goes when its handle does. */
  call = cb_b2bua_call_new_incoming (self, invite, number);
  cb_b2bua_leg_set_state (call->a, CB_B2BUA_LEG_GONE);
  cb_b2bua_call_set_callee (call, callee_id);
  call->end_reason = reason;
  cb_b2bua_call_terminate (call, status);
}
/* Toll fraud: out over the trunk only who may, and not too often at
 * once; else refused (403, or 486 at the limit), on record as rejected. */
static gboolean
may_call_out (CbSipB2bua        *self,
              const CbSipInvite *invite,
              const char        *number)
{
  switch (cb_sip_route_external (self->server, invite->caller_id, number))
    {
    case CB_SIP_EXTERNAL_FORBIDDEN:
      cb_b2bua_call_refuse (self, invite, number, 0, 403, NULL, CB_CALL_END_REASON_REJECTED);
      return FALSE;
    case CB_SIP_EXTERNAL_LIMIT:
      cb_b2bua_call_refuse (self, invite, number, 0, 486, "Too Many External Calls",
                   CB_CALL_END_REASON_REJECTED);
      return FALSE;
    case CB_SIP_EXTERNAL_ALLOWED:
    default:
      return TRUE;
    }
}

void
cb_sip_b2bua_new_call (CbSipB2bua   *self,
                       nua_handle_t *nh,
                       const sip_t  *sip)
{
  CbSipServer *server = self->server;
  CbSipTrunk *trunk = cb_sip_server_get_trunk (server);
  CbSipQueue *queue = cb_sip_server_get_queue (server);
  g_auto(CbSipTarget) target = { 0 };
  g_autofree char *line = NULL;
  g_autofree char *source = NULL;
  guint source_port = 0;
  CbSipInvite invite = { nh, sip, 0, NULL, 0 };
  const char *refusal = NULL;
  CbB2buaCall *call;

  /* Where it really came from, not what its Via says. */
  if (cb_sip_server_request_source (server, &source, &source_port) &&
      cb_sip_trunk_is_upstream (trunk, source, source_port))
    {
      /* From outside: routed like an internal call, with no user behind
       * it (caller_id 0) and its number as the line. */
      line = cb_sip_trunk_caller_number (trunk, sip);
    }
  else if ((invite.caller_id = cb_sip_registrar_authenticate (cb_sip_server_get_registrar (server),
                                                              nh, sip, TRUE, &line)) == 0)
    {
      nua_handle_destroy (nh);
      return;
    }
  invite.line = line;
  /* "Call as" from the user's own phone: checked, or refused here. */
  if ((invite.as_user_id = cb_sip_assistants_invite_as (server, &invite)) < 0)
    return;

  /* A phone taking a ringing call with one key (RFC 3891). */
  if (sip->sip_replaces != NULL && invite.caller_id > 0)
    {
      cb_sip_pickup_replaces (self, &invite);
      return;
    }

  /* Only our own users dial feature codes and call out (no toll fraud
   * through the trunk). */
  cb_sip_route (server, sip->sip_request->rq_url->url_user,
                invite.caller_id > 0 ? CB_SIP_ROUTE_ALL : CB_SIP_ROUTE_USERS | CB_SIP_ROUTE_GROUPS,
                &target);
  /* SRTP keys only over TLS; who requires encryption gets it. */
  if (target.kind != CB_SIP_TARGET_FEATURE_CODE && target.kind != CB_SIP_TARGET_NONE &&
      !cb_sip_srtp_admit (server, &invite, &target, &refusal))
    {
      cb_b2bua_call_refuse (self, &invite, sip->sip_request->rq_url->url_user, target.user_id,
                            488, refusal, CB_CALL_END_REASON_REJECTED);
      return;
    }
  switch (target.kind)
    {
    case CB_SIP_TARGET_FEATURE_CODE:
      cb_sip_feature_code (server, &invite, &target);
      break;

    case CB_SIP_TARGET_QUEUE:
      /* Queues answer and hold the caller themselves (cb-sip-queue.c);
       * one nobody is logged into rings like any hunt group: overflow
       * or busy. */
      if (queue != NULL && cb_sip_queue_incoming (queue, &invite, target.group))
        break;
      G_GNUC_FALLTHROUGH;
    case CB_SIP_TARGET_HUNT_GROUP:
      cb_sip_hunt_new_call (self, &invite, target.group);
      break;

    case CB_SIP_TARGET_USER:
    case CB_SIP_TARGET_DEVICE:
      /* Their diversions, assistants, mobile and announcement decide. */
      cb_sip_diversion_new_call (self, &invite, target.user_id, target.number);
      break;

    case CB_SIP_TARGET_TRUNK:
      if (!may_call_out (self, &invite, target.number))
        break;
      /* One leg to the upstream. */
      call = cb_b2bua_call_new_incoming (self, &invite, target.number);
      cb_b2bua_call_trunk_fork (call, call->a->sdp);
      cb_b2bua_call_publish (call);
      break;

    case CB_SIP_TARGET_NONE:
    default:
      cb_b2bua_call_refuse (self, &invite, sip->sip_request->rq_url->url_user, 0, 404, NULL,
                   CB_CALL_END_REASON_NOT_FOUND);
      break;
    }
}

/* ---- queue calls --------------------------------------------------------- */

void
cb_sip_b2bua_queue_connect (CbSipB2bua              *self,
                            const CbSipQueuedCaller *caller,
                            gint64                   agent_id,
                            const CbSipDialog       *agent,
                            const CbSipCallEnded    *ended)
{
  CbB2buaCall *call = cb_b2bua_call_new_for_group (self, caller);
  CbB2buaLeg *leg;

  cb_b2bua_call_set_forked (call, TRUE);
  call->alerted = TRUE;
  call->ended = *ended;
  for (guint i = 0; caller->rung != NULL && i < caller->rung->len; i++)
    cb_b2bua_call_rung_add (call, g_array_index (caller->rung, gint64, i))->ended = TRUE;

  call->a = cb_b2bua_leg_new (call, FALSE, CB_B2BUA_LEG_UP);
  cb_b2bua_leg_adopt (call->a, &caller->dialog);
  leg = cb_b2bua_leg_new (call, TRUE, CB_B2BUA_LEG_UP);
  cb_b2bua_leg_adopt (leg, agent);
  cb_b2bua_leg_set_user (leg, agent_id);

  /* The agent's phone took the call: the caller hears the agent instead
   * of the music. */
  cb_b2bua_call_take_leg (call, leg);
  cb_b2bua_call_answer_caller (call);
}

/* ---- the B2BUA ----------------------------------------------------------- */

CbSipB2bua *
cb_sip_b2bua_new (CbSipServer *server)
{
  CbSipB2bua *self = g_new0 (CbSipB2bua, 1);

  self->server = server;
  self->directory = cb_sip_server_get_directory (server);
  self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) call_free);
  self->lines = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  self->lamps = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->check_lines = g_getenv ("CALLBOARD_SIP_CHECK_LINES") != NULL;
  return self;
}

void
cb_sip_b2bua_free (CbSipB2bua *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->calls);
  g_hash_table_unref (self->lines);
  g_hash_table_unref (self->lamps);
  cb_sip_announcement_shutdown (self);
  g_free (self);
}

void
cb_sip_b2bua_shutdown (CbSipB2bua *self)
{
  GHashTableIter iter;
  CbB2buaCall *call;

  /* nua_shutdown() ends the dialogs itself; the calls only need their
   * ends recorded so the journal is complete. */
  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call))
    if (call->state != CB_WIRE_CALL_STATE_ENDED)
      {
        cb_b2bua_call_set_state_quietly (call, CB_WIRE_CALL_STATE_ENDED);
        cb_b2bua_call_publish (call);
      }
  g_hash_table_remove_all (self->calls);
}

CbLineState
cb_sip_b2bua_line_state (CbSipB2bua *self,
                         gint64      user_id)
{
  if (G_UNLIKELY (self->check_lines))
    check_line (self, user_id);
  return line_state_counted (self, user_id);
}

guint
cb_sip_b2bua_setting_up (CbSipB2bua *self)
{
  return self->setting_up;
}

guint
cb_sip_b2bua_n_calls (CbSipB2bua *self)
{
  return g_hash_table_size (self->calls);
}

guint
cb_sip_b2bua_external_calls (CbSipB2bua *self,
                             gint64      user_id)
{
  GHashTableIter iter;
  CbB2buaCall *call;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call))
    if (call->external && call->state != CB_WIRE_CALL_STATE_ENDED &&
        (call->placed_by > 0 ? call->placed_by : call->caller_id) == user_id)
      n++;
  return n;
}
