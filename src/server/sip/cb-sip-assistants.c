/* cb-sip-assistants.c: assistants and their leaders in the call routing: call as, call for, the filter, breakthrough
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Call as" keeps the assistant as the call's caller (their line is
 * busy, they control the call, their journal has it, its "for" naming
 * the leader) and only presents the leader to everyone else: the From
 * and P-Asserted-Identity of the forks, also over the trunk, and the
 * other parties' call events. The leader's journal gets an entry of its
 * own, taken_by the assistant. A client asks for it over REST (POST
 * /calls with "as") or, from its own phone, with the X-Callboard-As
 * header; either way the server checks the group login.
 *
 * "Call for" is the leader's filter: which of their logged-in assistants
 * ring with the leader's calls, and when the leader's own phones ring
 * (cb-sip-diversion.c runs the stages). The assistants' call events and
 * journal entries name the leader in "for".
 */

#define G_LOG_DOMAIN "cb-sip-assistants"

#include "config.h"

#include <string.h>

#include "cb-sip-assistants.h"
#include "cb-sip-diversion.h"
#include "cb-sip-registrar.h"
#include "cb-sip-router.h"

gboolean
cb_sip_assistants_serves (CbDirectory *directory,
                          gint64       assistant_id,
                          gint64       leader_id)
{
  return assistant_id > 0 && leader_id > 0 && assistant_id != leader_id &&
         cb_directory_assists (directory, assistant_id, leader_id, TRUE);
}

/* ---- call as --------------------------------------------------------------- */

gint64
cb_sip_assistants_invite_as (CbSipServer       *server,
                             const CbSipInvite *invite)
{
  const char *value = NULL;
  guint64 leader = 0;

  for (const sip_unknown_t *header = invite->sip->sip_unknown; header != NULL; header = header->un_next)
    if (header->un_name != NULL && g_ascii_strcasecmp (header->un_name, CB_SIP_HEADER_CALL_AS) == 0)
      value = header->un_value;
  /* Nobody beyond the trunk speaks for one of our users. */
  if (value == NULL || invite->caller_id <= 0)
    return 0;
  if (!g_ascii_string_to_unsigned (value, 10, 1, G_MAXINT64, &leader, NULL) ||
      !cb_sip_assistants_serves (cb_sip_server_get_directory (server), invite->caller_id,
                                 (gint64) leader))
    {
      g_debug ("User %" G_GINT64_FORMAT " may not call as “%s”", invite->caller_id, value);
      nua_respond (invite->nh, 403, "Not logged in as an assistant of that user", TAG_END ());
      nua_handle_destroy (invite->nh);
      return -1;
    }
  g_debug ("User %" G_GINT64_FORMAT " calls as user %" G_GUINT64_FORMAT, invite->caller_id, leader);
  return (gint64) leader;
}

void
cb_sip_assistants_presented (CbB2buaCall *call,
                             CbWireParty *party)
{
  CbDirectory *directory = call->b2bua->directory;
  const CbUserRecord *leader = call->as_user_id > 0 ? cb_directory_get_user (directory, call->as_user_id)
                                                    : NULL;

  if (leader != NULL && leader->extension != NULL && leader->extension[0] != '\0')
    *party = (CbWireParty) { leader->id, leader->extension, cb_sip_user_name (directory, leader->id) };
  else
    *party = (CbWireParty) {
      call->caller_id, call->caller_number, cb_sip_user_name (directory, call->caller_id)
    };
}

gint64
cb_sip_assistants_for (CbB2buaCall *call,
                       gint64       user_id)
{
  gint64 leader;

  if (call->as_user_id > 0)
    return user_id == call->caller_id ? call->as_user_id : 0;
  leader = call->user_call != NULL ? call->user_call->for_user_id : 0;
  if (leader <= 0 || user_id == leader || user_id == call->caller_id)
    return 0;
  /* Whoever the leader's filter rang, or who took it. */
  return cb_directory_assists (call->b2bua->directory, user_id, leader, FALSE) ? leader : 0;
}

gboolean
cb_sip_assistants_record (CbChanges    *changes,
                          CbB2buaCall  *call,
                          GError      **error)
{
  CbDirectory *directory = call->b2bua->directory;
  CbWireParty taken_by;
  CbWireCall side;

  if (call->as_user_id <= 0 || call->caller_id <= 0 || call->state != CB_WIRE_CALL_STATE_ENDED ||
      cb_directory_get_user (directory, call->as_user_id) == NULL)
    return TRUE;
  /* The assistant's side, as the leader's: it went out in their name. */
  cb_b2bua_call_side (call, call->caller_id, TRUE, &side);
  side.user_id = call->as_user_id;
  cb_sip_assistants_presented (call, &side.from);
  side.device_call_id = NULL;
  side.device = NULL;
  side.for_user_id = 0;
  side.for_name = NULL;
  taken_by = (CbWireParty) { call->caller_id, NULL, cb_sip_user_name (directory, call->caller_id) };
  return cb_sip_record_journal (changes, &side, &taken_by, error);
}

/* ---- call for: the filter -------------------------------------------------- */

void
cb_sip_filter_plan_clear (CbSipFilterPlan *plan)
{
  g_clear_pointer (&plan->assistants, g_array_unref);
  *plan = (CbSipFilterPlan) { 0 };
}

/* Logged into the group, something registered, not in do-not-disturb,
 * and neither the caller (caller_id) nor the leader. */
static gboolean
may_ring (CbSipServer         *server,
          gint64               caller_id,
          const CbGroupRecord *group,
          gint64               assistant_id)
{
  CbDirectory *directory = cb_sip_server_get_directory (server);
  const CbUserRecord *user = cb_directory_get_user (directory, assistant_id);

  return user != NULL && assistant_id != caller_id && assistant_id != group->leader_id &&
         user->availability != CB_AVAILABILITY_DND &&
         cb_directory_is_logged_in (directory, group->id, assistant_id) &&
         cb_sip_registrar_is_registered (cb_sip_server_get_registrar (server), assistant_id);
}

gboolean
cb_sip_assistants_reachable (CbSipServer *server,
                             gint64       leader_id)
{
  g_autoptr(GPtrArray) groups = cb_directory_assistant_groups (cb_sip_server_get_directory (server),
                                                               leader_id);

  for (guint i = 0; i < groups->len; i++)
    {
      const CbGroupRecord *group = g_ptr_array_index (groups, i);

      for (guint j = 0; group->filter_enabled && group->filter != CB_ASSISTANT_FILTER_LEADER_ONLY &&
                        group->members != NULL && j < group->members->len; j++)
        if (may_ring (server, 0, group, g_array_index (group->members, CbGroupMember, j).user_id))
          return TRUE;
    }
  return FALSE;
}

gboolean
cb_sip_assistants_plan (CbB2buaCall     *call,
                        gint64           leader_id,
                        CbSipFilterPlan *plan)
{
  g_autoptr(GPtrArray) groups = cb_directory_assistant_groups (call->b2bua->directory, leader_id);
  const CbGroupRecord *deciding = NULL;

  *plan = (CbSipFilterPlan) { 0 };
  plan->assistants = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < groups->len; i++)
    {
      const CbGroupRecord *group = g_ptr_array_index (groups, i);

      if (!group->filter_enabled)
        continue;
      for (guint j = 0; group->members != NULL && j < group->members->len; j++)
        {
          gint64 id = g_array_index (group->members, CbGroupMember, j).user_id;
          gboolean known = FALSE;

          for (guint k = 0; k < plan->assistants->len; k++)
            known |= g_array_index (plan->assistants, gint64, k) == id;
          if (known || !may_ring (call->b2bua->server, call->caller_id, group, id))
            continue;
          g_array_append_val (plan->assistants, id);
          if (deciding == NULL)
            deciding = group;
        }
    }
  if (deciding == NULL || deciding->filter == CB_ASSISTANT_FILTER_LEADER_ONLY)
    {
      cb_sip_filter_plan_clear (plan);
      return FALSE;
    }
  plan->strategy = deciding->filter;
  plan->delay = deciding->filter_delay > 0 ? deciding->filter_delay : 15;
  g_debug ("Call %s: the filter of “%s” (%s, %u s) offers it to %u assistant(s)", call->id,
           deciding->name, cb_enum_to_nick (CB_TYPE_ASSISTANT_FILTER, plan->strategy), plan->delay,
           plan->assistants->len);
  return TRUE;
}

/* ---- feature codes --------------------------------------------------------- */

/* The leader an extension names (0 for ""); -1 when it names nobody. */
static gint64
leader_of (CbSipServer *server,
           const char  *number)
{
  g_auto(CbSipTarget) target = { 0 };

  if (number == NULL || number[0] == '\0')
    return 0;
  cb_sip_route (server, number, CB_SIP_ROUTE_USERS, &target);
  return target.kind == CB_SIP_TARGET_USER ? target.user_id : -1;
}

void
cb_sip_assistants_login_code (CbSipServer  *server,
                              nua_handle_t *nh,
                              gint64        caller_id,
                              const char   *leader_number,
                              gboolean      logged_in)
{
  CbDirectory *directory = cb_sip_server_get_directory (server);
  g_autoptr(GPtrArray) groups = cb_directory_member_of (directory, caller_id);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 leader = leader_of (server, leader_number);
  gboolean refused = FALSE;

  /* Ids first: every login replaces the group's record. */
  for (guint i = 0; leader >= 0 && groups != NULL && i < groups->len; i++)
    {
      const CbGroupRecord *group = g_ptr_array_index (groups, i);

      if (group->kind == CB_GROUP_KIND_ASSISTANT && (leader == 0 || group->leader_id == leader))
        g_array_append_val (ids, group->id);
    }
  if (ids->len == 0)
    {
      nua_respond (nh, 404, "No such assistant group", TAG_END ());
      return;
    }
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!cb_changes_set_group_login (cb_sip_server_get_changes (server), caller_id,
                                       g_array_index (ids, gint64, i), logged_in, &error))
        {
          g_debug ("Feature code login of user %" G_GINT64_FORMAT " refused: %s", caller_id,
                   error->message);
          refused = TRUE;
        }
    }
  if (refused)
    nua_respond (nh, SIP_403_FORBIDDEN, TAG_END ());
  else
    nua_respond (nh, 603, logged_in ? "Logged in" : "Logged out", TAG_END ());
}

void
cb_sip_assistants_filter_code (CbSipServer  *server,
                               nua_handle_t *nh,
                               gint64        caller_id,
                               const char   *leader_number,
                               gboolean      enabled)
{
  CbDirectory *directory = cb_sip_server_get_directory (server);
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 leader = leader_of (server, leader_number);
  gboolean refused = FALSE;

  /* Without a number: the groups the dialler leads, else those they are
   * logged into as an assistant. */
  if (leader == 0)
    {
      groups = cb_directory_assistant_groups (directory, caller_id);
      if (groups->len > 0)
        leader = caller_id;
      else
        g_clear_pointer (&groups, g_ptr_array_unref);
    }
  if (groups == NULL && leader >= 0)
    {
      g_autoptr(GPtrArray) member_of = cb_directory_member_of (directory, caller_id);

      groups = g_ptr_array_new ();
      for (guint i = 0; member_of != NULL && i < member_of->len; i++)
        {
          const CbGroupRecord *group = g_ptr_array_index (member_of, i);

          if (group->kind == CB_GROUP_KIND_ASSISTANT && (leader == 0 || group->leader_id == leader) &&
              cb_directory_is_logged_in (directory, group->id, caller_id))
            g_ptr_array_add (groups, (gpointer) group);
        }
      /* A leader's own groups by their own number. */
      if (groups->len == 0 && leader == caller_id)
        {
          g_ptr_array_unref (groups);
          groups = cb_directory_assistant_groups (directory, caller_id);
        }
    }
  for (guint i = 0; groups != NULL && i < groups->len; i++)
    g_array_append_val (ids, ((const CbGroupRecord *) g_ptr_array_index (groups, i))->id);
  if (ids->len == 0)
    {
      nua_respond (nh, 404, "No such assistant group", TAG_END ());
      return;
    }
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!cb_changes_set_assistant_filter (cb_sip_server_get_changes (server), caller_id,
                                            g_array_index (ids, gint64, i), &enabled, NULL, NULL,
                                            &error))
        {
          g_debug ("Feature code filter switch of user %" G_GINT64_FORMAT " refused: %s", caller_id,
                   error->message);
          refused = TRUE;
        }
    }
  if (refused)
    nua_respond (nh, SIP_403_FORBIDDEN, TAG_END ());
  else
    nua_respond (nh, 603, enabled ? "Filter on" : "Filter off", TAG_END ());
}
