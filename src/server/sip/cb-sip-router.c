/* cb-sip-router.c: where a dialled number goes: a user, a DeviceOnly phone, a hunt group, a queue, the trunk, a feature code
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one answer to "who is this number": new calls, forwards, "call
 * from desk phone", overflows and *97 all ask it, each saying what the
 * number may reach from where it is dialled (only our own users may call
 * out over the trunk, REST dials users and the trunk only). Whether a
 * user may call out at all, and how many calls at once, is its toll-fraud
 * check (cb_sip_route_external()).
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <string.h>

#include "cb-sip-b2bua.h"
#include "cb-sip-router.h"
#include "cb-sip-trunk.h"

static gboolean
feature_code (const char  *number,
              CbSipTarget *target)
{
  static const struct {
    const char   *code;
    CbSipFeature  feature;
    gboolean      argument;   /* FALSE: exactly the code; TRUE: one must follow (may be empty: "*61") */
    gboolean      nonempty;   /* the argument may not be empty */
  } codes[] = {
    { CB_SIP_CODE_GROUP_LOGIN, CB_SIP_FEATURE_GROUP_LOGIN, TRUE, FALSE },
    { CB_SIP_CODE_GROUP_LOGOUT, CB_SIP_FEATURE_GROUP_LOGOUT, TRUE, FALSE },
    { CB_SIP_CODE_ASSIST_LOGIN, CB_SIP_FEATURE_ASSIST_LOGIN, TRUE, FALSE },
    { CB_SIP_CODE_ASSIST_LOGOUT, CB_SIP_FEATURE_ASSIST_LOGOUT, TRUE, FALSE },
    { CB_SIP_CODE_FILTER_ON, CB_SIP_FEATURE_FILTER_ON, TRUE, FALSE },
    { CB_SIP_CODE_FILTER_OFF, CB_SIP_FEATURE_FILTER_OFF, TRUE, FALSE },
    { CB_SIP_CODE_PICKUP, CB_SIP_FEATURE_PICKUP, TRUE, TRUE },
    { CB_SIP_CODE_GROUP_PICKUP, CB_SIP_FEATURE_GROUP_PICKUP, FALSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      const char *rest;

      if (!g_str_has_prefix (number, codes[i].code))
        continue;
      rest = number + strlen (codes[i].code);
      if ((!codes[i].argument && rest[0] != '\0') || (codes[i].nonempty && rest[0] == '\0'))
        continue;
      target->kind = CB_SIP_TARGET_FEATURE_CODE;
      target->feature = codes[i].feature;
      target->argument = g_strdup (rest);
      return TRUE;
    }
  return FALSE;
}

static const CbGroupRecord *
find_group (CbDirectory *directory,
            const char  *number)
{
  GPtrArray *groups = cb_directory_list_groups (directory);

  for (guint i = 0; i < groups->len; i++)
    {
      const CbGroupRecord *group = g_ptr_array_index (groups, i);

      if (group->kind == CB_GROUP_KIND_HUNT && g_strcmp0 (group->number, number) == 0)
        return group;
    }
  return NULL;
}

void
cb_sip_route (CbSipServer *server,
              const char  *number,
              CbSipRoutes  routes,
              CbSipTarget *target)
{
  CbDirectory *directory = cb_sip_server_get_directory (server);
  g_autoptr(CbSipLineRecord) line = NULL;
  g_autofree char *trunk_uri = NULL;

  *target = (CbSipTarget) { CB_SIP_TARGET_NONE };
  if (number == NULL || number[0] == '\0')
    return;

  if ((routes & CB_SIP_ROUTE_FEATURE_CODES) && feature_code (number, target))
    return;

  if ((routes & CB_SIP_ROUTE_GROUPS) && (target->group = find_group (directory, number)) != NULL)
    {
      target->kind = target->group->strategy == CB_RING_STRATEGY_QUEUE ? CB_SIP_TARGET_QUEUE
                                                                       : CB_SIP_TARGET_HUNT_GROUP;
      target->number = g_strdup (target->group->number);
      return;
    }

  /* A user's extension names their softphone line. */
  if (routes & CB_SIP_ROUTE_USERS)
    line = cb_store_find_sip_line (cb_sip_server_get_store (server), number, NULL);
  if (line != NULL && g_strcmp0 (line->kind, "softphone") == 0)
    {
      const CbUserRecord *user = cb_directory_get_user (directory, line->user_id);

      target->kind = user != NULL && user->kind == CB_USER_KIND_DEVICE ? CB_SIP_TARGET_DEVICE
                                                                      : CB_SIP_TARGET_USER;
      target->user_id = line->user_id;
      target->number = g_strdup (line->username);
      return;
    }

  if ((routes & CB_SIP_ROUTE_TRUNK) &&
      (trunk_uri = cb_sip_trunk_request_uri (cb_sip_server_get_trunk (server), number)) != NULL)
    {
      target->kind = CB_SIP_TARGET_TRUNK;
      target->number = g_strdup (number);
    }
}

CbSipExternal
cb_sip_route_external (CbSipServer *server,
                       gint64       user_id,
                       const char  *number)
{
  const CbUserRecord *user = user_id > 0 ? cb_directory_get_user (cb_sip_server_get_directory (server), user_id)
                                         : NULL;
  guint max = cb_sip_server_get_settings (server)->max_external_calls;
  guint going_on;

  if (user == NULL || !cb_user_record_may_call_external (user))
    {
      g_message ("SIP trunk call to %s refused: user %" G_GINT64_FORMAT " may not call external numbers",
                 number, user_id);
      return CB_SIP_EXTERNAL_FORBIDDEN;
    }

  going_on = cb_sip_b2bua_external_calls (cb_sip_server_get_b2bua (server), user_id);
  if (max > 0 && going_on >= max)
    {
      g_message ("SIP trunk call to %s refused: user %" G_GINT64_FORMAT " has %u external calls going on",
                 number, user_id, going_on);
      return CB_SIP_EXTERNAL_LIMIT;
    }
  return CB_SIP_EXTERNAL_ALLOWED;
}

void
cb_sip_target_clear (CbSipTarget *target)
{
  g_clear_pointer (&target->number, g_free);
  g_clear_pointer (&target->argument, g_free);
  target->kind = CB_SIP_TARGET_NONE;
}

char *
cb_sip_user_number (CbDirectory *directory,
                    gint64       user_id,
                    const char  *line)
{
  const CbUserRecord *user = cb_directory_get_user (directory, user_id);

  if (user != NULL && user->extension != NULL && user->extension[0] != '\0')
    return g_strdup (user->extension);
  return g_strdup (line != NULL ? line : "");
}
