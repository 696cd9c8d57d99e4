/* cb-api-groups.c: hunt and assistant groups: logging in and out, member order, the assistants' filter, pickup
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-api-groups"

#include "cb-api.h"
#include "cb-projection.h"

/* The signed-in user and the {id} of a group they see; FALSE when the
 * request has been answered (401, or 404 for a group they do not see). */
static gboolean
visible_group (CbApi     *api,
               CbRequest *request,
               gint64    *me,
               gint64    *group_id)
{
  if ((*me = cb_api_require_user (api, request, NULL)) == 0 ||
      !cb_request_get_id (request, "id", group_id))
    return FALSE;
  if (!cb_directory_can_see_group (api->directory, *me, *group_id))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_NOT_FOUND,
                      "No group %" G_GINT64_FORMAT, *group_id);
      return FALSE;
    }
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

  if (!visible_group (api, request, &me, &group_id))
    return;

  body = cb_request_parse_body (request, &error);
  if (body == NULL ||
      !cb_json_get_bool (body, "logged_in", TRUE, &logged_in, &error) ||
      !cb_changes_set_group_login (api->changes, me, group_id, logged_in, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }

  reply = cb_projection_group (api->directory, cb_directory_get_group (api->directory, group_id), me);
  cb_reply_object (request->msg, SOUP_STATUS_OK, reply);
}

/* The new order must name every current member exactly once (else 400,
 * as the contract says; a wrong type is 422 like everywhere). */
static GArray *
members_in_order (const CbGroupRecord  *group,
                  JsonObject           *body,
                  GError              **error)
{
  JsonNode *node = json_object_get_member (body, "members");
  g_autoptr(GArray) members = NULL;
  JsonArray *array;
  guint len;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                           "Field “members” must be an array of user ids");
      return NULL;
    }
  array = json_node_get_array (node);
  len = json_array_get_length (array);
  if (len != group->members->len)
    {
      g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_BAD_REQUEST,
                           "Field “members” must list every member of the group once");
      return NULL;
    }

  members = g_array_sized_new (FALSE, TRUE, sizeof (CbGroupMember), len);
  for (guint i = 0; i < len; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gboolean found = FALSE;
      gint64 user_id;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_INT64)
        {
          g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                               "Field “members” must be an array of user ids");
          return NULL;
        }
      user_id = json_node_get_int (element);
      for (guint k = 0; k < members->len; k++)
        if (g_array_index (members, CbGroupMember, k).user_id == user_id)
          found = TRUE;   /* twice */
      for (guint k = 0; !found && k < group->members->len; k++)
        {
          const CbGroupMember *member = &g_array_index (group->members, CbGroupMember, k);

          if (member->user_id == user_id)
            {
              g_array_append_val (members, *member);
              break;
            }
        }
      if (found || members->len != i + 1)
        {
          g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_BAD_REQUEST,
                       "Field “members”: %" G_GINT64_FORMAT " is not a member, or is listed twice",
                       user_id);
          return NULL;
        }
    }
  return g_steal_pointer (&members);
}

/* The ringing order of a hunt group: its leader, deputy or an admin. */
static void
put_members_order (CbRequest *request,
                   gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) members = NULL;
  const CbGroupRecord *group;
  const CbUserRecord *user;
  g_autoptr(CbGroupRecord) record = NULL;
  gint64 group_id;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;
  if (!cb_request_get_id (request, "id", &group_id))
    return;
  group = cb_directory_get_group (api->directory, group_id);
  if (group == NULL || !cb_directory_can_see_group (api->directory, me, group_id))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_NOT_FOUND,
                      "No group %" G_GINT64_FORMAT, group_id);
      return;
    }
  user = cb_directory_get_user (api->directory, me);
  if (group->leader_id != me && group->deputy_id != me && (user == NULL || !user->admin))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_FORBIDDEN,
                      "Only the leader, the deputy or an administrator may reorder “%s”",
                      group->name);
      return;
    }

  body = cb_request_parse_body (request, &error);
  if (body == NULL || (members = members_in_order (group, body, &error)) == NULL)
    {
      cb_reply_gerror (request->msg, error);
      return;
    }

  record = cb_group_record_copy (group);
  g_array_unref (record->members);
  record->members = g_steal_pointer (&members);
  if (!cb_changes_save_group (api->changes, &record, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  reply = cb_projection_group (api->directory, record, me);
  cb_reply_object (request->msg, SOUP_STATUS_OK, reply);
}

/* An assistant group's filter: the leader sets it, a logged-in assistant
 * switches it on and off (the rights are the service layer's). */
static void
put_filter (CbRequest *request,
            gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean enabled = FALSE;
  int strategy = 0;
  gint64 delay = 0;
  guint delay_s;
  CbAssistantFilter filter;
  gint64 group_id;
  gint64 me;

  if (!visible_group (api, request, &me, &group_id))
    return;

  body = cb_request_parse_body (request, &error);
  if (body == NULL ||
      !cb_json_get_bool (body, "enabled", FALSE, &enabled, &error) ||
      !cb_json_get_enum (body, "strategy", CB_TYPE_ASSISTANT_FILTER, FALSE, &strategy, &error) ||
      !cb_json_get_int (body, "delay", FALSE, &delay, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  if (!json_object_has_member (body, "enabled") && !json_object_has_member (body, "strategy") &&
      !json_object_has_member (body, "delay"))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "Give at least one of “enabled”, “strategy” and “delay”");
      return;
    }
  if (delay < 0 || delay > G_MAXUINT)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "Field “delay” must be %d to %d seconds", CB_WIRE_FILTER_DELAY_MIN,
                      CB_WIRE_FILTER_DELAY_MAX);
      return;
    }
  filter = strategy;
  delay_s = (guint) delay;
  if (!cb_changes_set_assistant_filter (api->changes, me, group_id,
                                        json_object_has_member (body, "enabled") ? &enabled : NULL,
                                        json_object_has_member (body, "strategy") ? &filter : NULL,
                                        json_object_has_member (body, "delay") ? &delay_s : NULL,
                                        &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  reply = cb_projection_group (api->directory, cb_directory_get_group (api->directory, group_id), me);
  cb_reply_object (request->msg, SOUP_STATUS_OK, reply);
}

/* Directed pickup (the BLF's "pick up"): the caller's phone rings with a
 * call ringing at a colleague; the permission check is the server's. */
static void
post_pickup (CbRequest *request,
             gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) call = NULL;
  g_autoptr(GError) error = NULL;
  CbSipServer *sip = api->sip;
  const char *device = NULL;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;
  if (sip == NULL)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_UNAVAILABLE, "SIP is not running");
      return;
    }
  body = cb_request_parse_body (request, &error);
  if (body == NULL || !cb_json_get_string (body, "device", FALSE, &device, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  if (device != NULL && !g_str_equal (device, "desk") && !g_str_equal (device, "softphone"))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "Field “device” must be “desk” or “softphone”");
      return;
    }
  call = cb_sip_server_pickup (sip, me, g_hash_table_lookup (request->params, "id"), device,
                                  &error);
  if (call == NULL)
    cb_reply_gerror (request->msg, error);
  else
    cb_reply_object (request->msg, SOUP_STATUS_OK, call);
}

void
cb_api_groups_register (CbRouter *router,
                        CbApi    *api)
{
  cb_router_add (router, "PUT", CB_API_PREFIX "/groups/{id}/login", put_login, api);
  cb_router_add (router, "PUT", CB_API_PREFIX "/groups/{id}/members/order", put_members_order, api);
  cb_router_add (router, "PUT", CB_API_PREFIX "/groups/{id}/filter", put_filter, api);
  cb_router_add (router, "POST", CB_API_PREFIX "/calls/{id}/pickup", post_pickup, api);
}
