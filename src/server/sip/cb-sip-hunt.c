/* cb-sip-hunt.c: which members a hunt group call rings, and in what order
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Eligibility is read live from the in-memory directory (logins, presence)
 * and the registrar (bindings, calls) each time a member is about to be
 * rung, so a member who logs out or picks up another call while the hunt
 * runs is passed over. The member order is the one at call start. An
 * overflow to another group makes the call that group's, starting afresh;
 * the groups it went through stop a loop of overflows.
 */

#define G_LOG_DOMAIN "cb-sip-hunt"

#include "config.h"

#include "cb-sip-hunt.h"

const CbGroupRecord *
_cb_sip_hunt_find_group (CbSipRegistrar *self,
                         const char     *number)
{
  GPtrArray *groups;

  if (number == NULL || number[0] == '\0')
    return NULL;
  groups = cb_directory_list_groups (self->directory);
  for (guint i = 0; i < groups->len; i++)
    {
      const CbGroupRecord *group = g_ptr_array_index (groups, i);

      if (group->kind == CB_GROUP_KIND_HUNT && g_strcmp0 (group->number, number) == 0)
        return group;
    }
  return NULL;
}

static void
group_call_init (CbSipGroupCall      *group_call,
                 const CbGroupRecord *group)
{
  group_call->group_id = group->id;
  group_call->group_name = g_strdup (group->name);
  group_call->strategy = group->strategy;
  group_call->member_timeout = group->member_timeout > 0 ? group->member_timeout : 15;
  group_call->wrap_around = group->wrap_around;
  group_call->ring_in_use = group->ring_in_use;
  if (group->overflow != NULL && group->overflow[0] != '\0')
    group_call->overflow = g_strdup (group->overflow);
  group_call->order = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; group->members != NULL && i < group->members->len; i++)
    g_array_append_val (group_call->order,
                        g_array_index (group->members, CbGroupMember, i).user_id);
  g_array_append_val (group_call->visited, group->id);
}

CbSipGroupCall *
_cb_sip_group_call_new (const CbGroupRecord *group)
{
  CbSipGroupCall *group_call = g_new0 (CbSipGroupCall, 1);

  group_call->visited = g_array_new (FALSE, FALSE, sizeof (gint64));
  group_call_init (group_call, group);
  return group_call;
}

gboolean
_cb_sip_group_call_overflow_to (CbSipGroupCall      *group_call,
                                const CbGroupRecord *group)
{
  if (group_call->visited->len >= CB_SIP_HUNT_MAX_OVERFLOWS)
    return FALSE;
  for (guint i = 0; i < group_call->visited->len; i++)
    if (g_array_index (group_call->visited, gint64, i) == group->id)
      return FALSE;

  g_clear_handle_id (&group_call->timer_id, g_source_remove);
  g_clear_pointer (&group_call->group_name, g_free);
  g_clear_pointer (&group_call->overflow, g_free);
  g_clear_pointer (&group_call->order, g_array_unref);
  group_call->position = 0;
  group_call->steps = 0;
  group_call->overflowed = FALSE;
  group_call_init (group_call, group);
  return TRUE;
}

void
_cb_sip_group_call_free (CbSipGroupCall *group_call)
{
  if (group_call == NULL)
    return;
  g_clear_handle_id (&group_call->timer_id, g_source_remove);
  g_free (group_call->group_name);
  g_free (group_call->overflow);
  g_array_unref (group_call->order);
  g_array_unref (group_call->visited);
  g_free (group_call);
}

gboolean
_cb_sip_hunt_eligible (CbSipRegistrar *self,
                       CbSipGroupCall *group_call,
                       gint64          user_id)
{
  CbDirectory *directory = self->directory;
  const CbUserRecord *user = cb_directory_get_user (directory, user_id);
  g_autoptr(GPtrArray) contacts = NULL;
  CbLineState line;

  if (user == NULL || !cb_directory_is_logged_in (directory, group_call->group_id, user_id))
    return FALSE;
  if (user->availability == CB_AVAILABILITY_DND)
    return FALSE;
  contacts = _cb_sip_registrar_contacts_of (self, user_id);
  if (contacts->len == 0)
    return FALSE;
  line = _cb_sip_b2bua_line_state (self, user_id);
  if (!group_call->ring_in_use && (line == CB_LINE_STATE_BUSY || line == CB_LINE_STATE_ON_HOLD))
    return FALSE;
  return TRUE;
}

GArray *
_cb_sip_hunt_all_eligible (CbSipRegistrar *self,
                           CbSipGroupCall *group_call)
{
  GArray *members = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < group_call->order->len; i++)
    {
      gint64 user_id = g_array_index (group_call->order, gint64, i);

      if (_cb_sip_hunt_eligible (self, group_call, user_id))
        g_array_append_val (members, user_id);
    }
  return members;
}

gint64
_cb_sip_hunt_next (CbSipRegistrar *self,
                   CbSipGroupCall *group_call,
                   gboolean        first)
{
  guint len = group_call->order->len;
  guint limit = len * (group_call->wrap_around ? CB_SIP_HUNT_MAX_ROUNDS : 1);

  if (len == 0)
    return 0;
  if (first)
    {
      group_call->position = 0;
      group_call->steps = 0;
    }
  else
    {
      group_call->position++;
      group_call->steps++;
    }

  /* Steps count every member passed, rung or skipped, so the hunt ends
   * after the configured rounds even when nobody is eligible. */
  for (; group_call->steps < limit; group_call->position++, group_call->steps++)
    {
      gint64 user_id;

      if (group_call->position >= len)
        {
          if (!group_call->wrap_around)
            return 0;
          group_call->position = 0;
        }
      user_id = g_array_index (group_call->order, gint64, group_call->position);
      if (_cb_sip_hunt_eligible (self, group_call, user_id))
        return user_id;
    }
  return 0;
}
