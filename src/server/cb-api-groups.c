/* cb-api-groups.c: logging into and out of hunt groups
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-api-groups"

#include "cb-api.h"
#include "cb-projection.h"

typedef struct {
  gint64               user_id;
  const CbGroupRecord *group;
  gboolean             logged_in;
} LoginChange;

static gboolean
login_in_store (CbApi    *api,
                gpointer  data,
                GError  **error)
{
  LoginChange *change = data;
  g_autoptr(JsonObject) event = json_object_new ();

  json_object_set_int_member (event, "group_id", change->group->id);
  json_object_set_string_member (event, "group_name", change->group->name != NULL ? change->group->name : "");
  json_object_set_int_member (event, "user_id", change->user_id);
  json_object_set_boolean_member (event, "logged_in", change->logged_in);

  return cb_store_set_group_login (api->store, change->group->id, change->user_id,
                                   change->logged_in, error) &&
         cb_event_hub_record (api->hub, "group-login", change->user_id, change->group->id,
                              event, error);
}

gboolean
cb_api_set_group_login (CbApi     *api,
                        gint64     user_id,
                        gint64     group_id,
                        gboolean   logged_in,
                        GError   **error)
{
  const CbGroupRecord *group = cb_permissions_get_group (api->perms, group_id);
  LoginChange change = { user_id, group, logged_in };

  if (group == NULL)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND,
                   "No group %" G_GINT64_FORMAT, group_id);
      return FALSE;
    }
  if (!cb_permissions_is_member (api->perms, group_id, user_id))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_FORBIDDEN,
                   "Not a member of “%s”", group->name);
      return FALSE;
    }
  if (group->kind != CB_GROUP_KIND_HUNT)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT,
                   "“%s” is not a hunt group: there is nothing to log into", group->name);
      return FALSE;
    }
  /* Nothing changes, nothing to tell anyone. */
  if (cb_permissions_is_logged_in (api->perms, group_id, user_id) == !!logged_in)
    return TRUE;

  if (!cb_api_transact (api, login_in_store, &change, error))
    return FALSE;
  cb_permissions_set_group_login (api->perms, group_id, user_id, logged_in);
  cb_event_hub_flush (api->hub);
  return TRUE;
}

static void
put_login (CbRequest *request,
           gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean logged_in = FALSE;
  gint64 group_id;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;
  if (!cb_request_get_id (request, "id", &group_id))
    return;
  if (!cb_permissions_can_see_group (api->perms, me, group_id))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_NOT_FOUND,
                      "No group %" G_GINT64_FORMAT, group_id);
      return;
    }

  body = cb_request_parse_body (request, &error);
  if (body == NULL ||
      !cb_json_get_bool (body, "logged_in", TRUE, &logged_in, &error) ||
      !cb_api_set_group_login (api, me, group_id, logged_in, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }

  reply = cb_projection_group (api->perms, cb_permissions_get_group (api->perms, group_id), me);
  cb_reply_object (request->msg, SOUP_STATUS_OK, reply);
}

void
cb_api_groups_register (CbRouter *router,
                        CbApi    *api)
{
  cb_router_add (router, "PUT", CB_API_PREFIX "/groups/{id}/login", put_login, api);
}
