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

#include <string.h>

#include "cb-sip-hunt.h"

static void
group_login (CbSipRegistrar *self,
             nua_handle_t   *nh,
             gint64          caller_id,
             const char     *number,
             gboolean        logged_in)
{
  const CbGroupRecord *group = _cb_sip_hunt_find_group (self, number);
  g_autoptr(GError) error = NULL;

  if (group == NULL)
    {
      nua_respond (nh, 404, "No such hunt group", TAG_END ());
      return;
    }
  if (!cb_changes_set_group_login (self->changes, caller_id, group->id, logged_in, &error))
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

gboolean
_cb_sip_feature_code (CbSipRegistrar *self,
                      nua_handle_t   *nh,
                      const sip_t    *sip,
                      gint64          caller_id,
                      const char     *number)
{
  if (number == NULL || number[0] != '*')
    return FALSE;

  if (g_str_has_prefix (number, CB_SIP_CODE_GROUP_LOGIN))
    group_login (self, nh, caller_id, number + strlen (CB_SIP_CODE_GROUP_LOGIN), TRUE);
  else if (g_str_has_prefix (number, CB_SIP_CODE_GROUP_LOGOUT))
    group_login (self, nh, caller_id, number + strlen (CB_SIP_CODE_GROUP_LOGOUT), FALSE);
  else if (g_str_has_prefix (number, CB_SIP_CODE_PICKUP) && number[strlen (CB_SIP_CODE_PICKUP)] != '\0')
    {
      g_autoptr(CbSipLineRecord) target = NULL;

      target = cb_store_find_sip_line (self->store, number + strlen (CB_SIP_CODE_PICKUP), NULL);
      if (target == NULL || g_strcmp0 (target->kind, "softphone") != 0)
        {
          nua_respond (nh, SIP_404_NOT_FOUND, TAG_END ());
          nua_handle_destroy (nh);
          return TRUE;
        }
      _cb_sip_b2bua_pickup_invite (self, nh, sip, caller_id, target->user_id);
      return TRUE;
    }
  else if (g_str_equal (number, CB_SIP_CODE_GROUP_PICKUP))
    {
      _cb_sip_b2bua_pickup_invite (self, nh, sip, caller_id, 0);
      return TRUE;
    }
  else
    return FALSE;

  nua_handle_destroy (nh);
  return TRUE;
}
