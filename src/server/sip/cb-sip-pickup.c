/* cb-sip-pickup.c: who may take over whose ringing call
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pickup is a team-level right (DESIGN.md): the picker's level towards
 * the user whose phone rings must be at least "team". Members logged
 * into a hunt group may also take that group's calls from each other.
 */

#define G_LOG_DOMAIN "cb-sip-pickup"

#include "config.h"

#include "cb-sip-hunt.h"

gboolean
_cb_sip_pickup_allowed (CbSipRegistrar *self,
                        gint64          picker,
                        gint64          ringing_user,
                        gint64          group_id)
{
  CbDirectory *directory = self->directory;

  if (picker <= 0 || picker == ringing_user)
    return FALSE;
  if (group_id > 0 && cb_directory_is_logged_in (directory, group_id, picker))
    return TRUE;
  return ringing_user > 0 && cb_directory_level (directory, picker, ringing_user) >= CB_LEVEL_TEAM;
}

gboolean
_cb_sip_pickup_oldest (CbSipRegistrar *self,
                       gint64          picker)
{
  CbDirectory *directory = self->directory;
  g_autoptr(GPtrArray) groups = cb_directory_member_of (directory, picker);

  for (guint i = 0; groups != NULL && i < groups->len; i++)
    {
      const CbGroupRecord *group = g_ptr_array_index (groups, i);

      if (group->kind == CB_GROUP_KIND_HUNT && group->pickup_oldest)
        return TRUE;
    }
  return FALSE;
}
