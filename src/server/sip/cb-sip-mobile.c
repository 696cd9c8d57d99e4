/* cb-sip-mobile.c: ring the mobile too: a user's mobile number as one more fork of their call, over the trunk
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The mobile leg is one of the callee's own forks (no user of its own on
 * it): whichever answers first, a phone or the mobile, takes the call and
 * the others are cancelled. Its From shows the caller (the trunk's
 * [trunk] caller-id replaces the number when one is set, as for every
 * call out; P-Asserted-Identity always carries the caller), so the mobile
 * shows who calls rather than the office.
 */

#define G_LOG_DOMAIN "cb-sip-mobile"

#include "config.h"

#include "cb-sip-mobile.h"
#include "cb-sip-trunk.h"

char *
cb_sip_mobile_number (CbSipServer *server,
                      gint64       user_id)
{
  const CbUserRecord *user = cb_directory_get_user (cb_sip_server_get_directory (server), user_id);
  g_autofree char *number = NULL;
  g_autofree char *uri = NULL;

  if (user == NULL || !user->mobile_ringing || (number = cb_user_record_mobile_number (user)) == NULL)
    return NULL;
  uri = cb_sip_trunk_request_uri (cb_sip_server_get_trunk (server), number);
  return uri != NULL ? g_steal_pointer (&number) : NULL;
}

guint
cb_sip_mobile_delay (CbSipServer *server,
                     gint64       user_id)
{
  const CbUserRecord *user = cb_directory_get_user (cb_sip_server_get_directory (server), user_id);

  return user != NULL ? user->mobile_ringing_delay : 0;
}

gboolean
cb_sip_mobile_ring (CbB2buaCall *call,
                    const char  *number)
{
  CbB2buaLeg *leg;

  if (call->a == NULL || call->state != CB_WIRE_CALL_STATE_RINGING)
    return FALSE;
  leg = cb_b2bua_call_trunk_leg (call, number, call->a->sdp);
  if (leg == NULL)
    return FALSE;
  g_debug ("Call %s: the mobile %s rings too", call->id, number);
  cb_b2bua_call_set_forked (call, TRUE);
  return TRUE;
}
