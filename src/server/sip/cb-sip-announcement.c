/* cb-sip-announcement.c: the announcement before connect: the server answers the caller and plays the callee's recording first
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A user's announcement ("Ansage vor melden") is played by the server to
 * each caller before the user's phones ring. The caller's INVITE is
 * answered with the hold music endpoint's SDP (a=sendonly), which plays
 * the uploaded recording (decoded once per codec and kept until the user
 * changes it) and then a ringback tone; the phones ring with the caller's
 * original offer, and whoever answers reaches the caller in a re-INVITE,
 * exactly as a queue's agent does (cb_b2bua_call_answer_caller()).
 */

#define G_LOG_DOMAIN "cb-sip-announcement"

#include "config.h"

#include "cb-sip-announcement.h"
#include "cb-sip-diversion.h"
#include "cb-sip-tls.h"

/* The clip of user_id's announcement. */
static char *
clip_key (gint64 user_id)
{
  return g_strdup_printf ("user %" G_GINT64_FORMAT, user_id);
}

/* A user's settings changed: their announcement may be another now. */
static void
on_user_changed (CbHoldMusic *music,
                 gint64       user_id)
{
  g_autofree char *key = clip_key (user_id);

  cb_hold_music_forget_clip (music, key);
}

static CbB2buaCall *
call_playing (CbSipB2bua *b2bua,
              guint       stream)
{
  GHashTableIter iter;
  CbB2buaCall *call;

  g_hash_table_iter_init (&iter, b2bua->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call))
    if (call->user_call != NULL && call->user_call->announcement == stream)
      return call;
  return NULL;
}

/* The phones ring once the recording is over and the caller has ACKed
 * our answer (an answer reaches the caller in a re-INVITE, which must
 * not come before that ACK); the ringback plays on. */
static void
ring_when_ready (CbB2buaCall *call)
{
  CbSipUserCall *user_call = call->user_call;

  if (!user_call->announcement_over || !user_call->announcement_acked ||
      user_call->announcement_done || call->state != CB_WIRE_CALL_STATE_RINGING || call->b != NULL)
    return;
  g_debug ("Call %s: the announcement is over", call->id);
  user_call->announcement_done = TRUE;
  cb_sip_diversion_ring (call);
}

static void
on_finished (CbHoldMusic *music,
             guint        stream,
             CbSipB2bua  *b2bua)
{
  CbB2buaCall *call = call_playing (b2bua, stream);

  if (call == NULL)
    return;
  call->user_call->announcement_over = TRUE;
  ring_when_ready (call);
}

void
cb_sip_announcement_acked (CbB2buaLeg *leg)
{
  CbB2buaCall *call = leg->call;

  if (call->user_call == NULL || call->user_call->announcement == 0 || leg != call->a)
    return;
  call->user_call->announcement_acked = TRUE;
  ring_when_ready (call);
}

static CbHoldMusic *
player_of (CbSipB2bua *b2bua)
{
  if (b2bua->announcer == NULL)
    {
      b2bua->announcer = cb_hold_music_new (cb_sip_server_get_address (b2bua->server));
      g_signal_connect (b2bua->announcer, "finished", G_CALLBACK (on_finished), b2bua);
      g_signal_connect_swapped (cb_sip_server_get_changes (b2bua->server), "user-changed",
                                G_CALLBACK (on_user_changed), b2bua->announcer);
    }
  return b2bua->announcer;
}

gboolean
cb_sip_announcement_start (CbB2buaCall *call,
                           gint64       user_id)
{
  CbSipB2bua *b2bua = call->b2bua;
  CbSipUserCall *user_call = call->user_call;
  const CbUserRecord *user = cb_directory_get_user (b2bua->directory, user_id);
  g_autoptr(GBytes) audio = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *key = NULL;
  g_autofree char *type = NULL;
  CbB2buaLeg *a = call->a;

  if (user == NULL || !user->announcement || user_call == NULL || a == NULL || a->nh == NULL ||
      a->state != CB_B2BUA_LEG_INCOMING || a->sdp == NULL)
    return FALSE;
  audio = cb_store_get_announcement (cb_sip_server_get_store (b2bua->server), user_id, &type, &error);
  key = clip_key (user_id);
  if (audio == NULL ||
      (user_call->announcement = cb_hold_music_play_clip (player_of (b2bua), a->sdp, key, audio,
                                                          &answer, &error)) == 0)
    {
      g_debug ("Call %s: no announcement of user %" G_GINT64_FORMAT ": %s", call->id, user_id,
               error != NULL ? error->message : "none");
      return FALSE;
    }

  g_debug ("Call %s: the announcement of user %" G_GINT64_FORMAT " plays", call->id, user_id);
  user_call->announcement_answer = cb_b2bua_leg_sdp_for (a, answer, CB_SIP_SDP_KEEP);
  nua_respond (a->nh, SIP_200_OK, CB_SIP_SDP_TAGS (user_call->announcement_answer),
               CB_SIP_CONTACT_TAGS (b2bua->server, a->secure), TAG_END ());
  cb_b2bua_leg_set_state (a, CB_B2BUA_LEG_UP);
  return TRUE;
}

void
cb_sip_announcement_stop (CbB2buaCall *call)
{
  CbSipUserCall *user_call = call->user_call;

  if (user_call == NULL || user_call->announcement == 0)
    return;
  if (call->b2bua->announcer != NULL)
    cb_hold_music_stop (call->b2bua->announcer, user_call->announcement);
  user_call->announcement = 0;
}

gboolean
cb_sip_announcement_reinvite (CbB2buaLeg  *leg,
                              const sip_t *sip)
{
  CbB2buaCall *call = leg->call;
  CbSipUserCall *user_call = call->user_call;

  if (user_call == NULL || user_call->announcement == 0 || leg != call->a || call->b != NULL ||
      call->state == CB_WIRE_CALL_STATE_ENDED)
    return FALSE;
  /* What it plays does not change; the caller's new offer counts for
   * the phones only once one answers. */
  nua_respond (leg->nh, SIP_200_OK, CB_SIP_SDP_TAGS (user_call->announcement_answer), TAG_END ());
  return TRUE;
}

void
cb_sip_announcement_shutdown (CbSipB2bua *b2bua)
{
  if (b2bua->announcer == NULL)
    return;
  g_signal_handlers_disconnect_by_data (cb_sip_server_get_changes (b2bua->server), b2bua->announcer);
  g_signal_handlers_disconnect_by_data (b2bua->announcer, b2bua);
  g_clear_object (&b2bua->announcer);
}
