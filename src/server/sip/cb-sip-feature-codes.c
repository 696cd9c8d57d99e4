/* cb-sip-feature-codes.c: what a phone can do by dialling a star code
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DeviceOnly members have no client, so the desk phone's keypad is their
 * only way into and out of a hunt group. A login goes through the same
 * change function as the client's switch: stored, mirrored and published
 * as a "group-login" event. No feature code ever connects a call: the
 * phone gets a final answer whose reason phrase says what happened.
 */

#define G_LOG_DOMAIN "cb-sip-feature-codes"

#include "config.h"

#include "cb-sip-assistants.h"
#include "cb-sip-feature-codes.h"
#include "cb-sip-pickup.h"

static void
group_login (CbSipServer  *server,
             nua_handle_t *nh,
             gint64        caller_id,
             const char   *number,
             gboolean      logged_in)
{
  g_auto(CbSipTarget) group = { 0 };
  g_autoptr(GError) error = NULL;

  cb_sip_route (server, number, CB_SIP_ROUTE_GROUPS, &group);
  if (group.kind == CB_SIP_TARGET_NONE)
    {
      nua_respond (nh, 404, "No such hunt group", TAG_END ());
      return;
    }
  if (!cb_changes_set_group_login (cb_sip_server_get_changes (server), caller_id, group.group->id,
                                   logged_in, &error))
    {
      g_debug ("Feature code login of user %" G_GINT64_FORMAT " to %s refused: %s",
               caller_id, number, error->message);
      nua_respond (nh, SIP_403_FORBIDDEN, TAG_END ());
      return;
    }
  g_debug ("User %" G_GINT64_FORMAT " logged %s group %s by feature code",
           caller_id, logged_in ? "into" : "out of", number);
  /* 603: the request is deliberately not connected; the phrase is the
   * outcome phones show. */
  nua_respond (nh, 603, logged_in ? "Logged in" : "Logged out", TAG_END ());
}

void
cb_sip_feature_code (CbSipServer       *server,
                     const CbSipInvite *invite,
                     const CbSipTarget *target)
{
  CbSipB2bua *b2bua = cb_sip_server_get_b2bua (server);
  g_auto(CbSipTarget) ringing = { 0 };

  switch (target->feature)
    {
    case CB_SIP_FEATURE_GROUP_LOGIN:
    case CB_SIP_FEATURE_GROUP_LOGOUT:
      group_login (server, invite->nh, invite->caller_id, target->argument,
                   target->feature == CB_SIP_FEATURE_GROUP_LOGIN);
      nua_handle_destroy (invite->nh);
      return;

    case CB_SIP_FEATURE_ASSIST_LOGIN:
    case CB_SIP_FEATURE_ASSIST_LOGOUT:
      cb_sip_assistants_login_code (server, invite->nh, invite->caller_id, target->argument,
                                    target->feature == CB_SIP_FEATURE_ASSIST_LOGIN);
      nua_handle_destroy (invite->nh);
      return;

    case CB_SIP_FEATURE_FILTER_ON:
    case CB_SIP_FEATURE_FILTER_OFF:
      cb_sip_assistants_filter_code (server, invite->nh, invite->caller_id, target->argument,
                                     target->feature == CB_SIP_FEATURE_FILTER_ON);
      nua_handle_destroy (invite->nh);
      return;

    case CB_SIP_FEATURE_PICKUP:
      cb_sip_route (server, target->argument, CB_SIP_ROUTE_USERS, &ringing);
      if (ringing.kind == CB_SIP_TARGET_NONE)
        {
          nua_respond (invite->nh, SIP_404_NOT_FOUND, TAG_END ());
          nua_handle_destroy (invite->nh);
          return;
        }
      /* Answers and drops the handle itself. */
      cb_sip_pickup_invite (b2bua, invite, ringing.user_id);
      return;

    case CB_SIP_FEATURE_GROUP_PICKUP:
    default:
      cb_sip_pickup_invite (b2bua, invite, 0);
      return;
    }
}
