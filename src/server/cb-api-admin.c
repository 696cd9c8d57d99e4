/* cb-api-admin.c: creating and editing users and groups (admins only)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Handlers check the request and build the new record; the service
 * layer (cb_changes_save_user/group) stores it and decides who must
 * resync.
 */

#define G_LOG_DOMAIN "cb-api-admin"

#include <string.h>

#include "cb-api.h"
#include "cb-projection.h"
#include "cb-record-fields.h"

static gint64
require_admin (CbApi     *api,
               CbRequest *request)
{
  gint64 me = cb_api_require_user (api, request, NULL);
  const CbUserRecord *user;

  if (me == 0)
    return 0;
  user = cb_directory_get_user (api->directory, me);
  if (user == NULL || !user->admin)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_FORBIDDEN, "Only administrators may do this");
      return 0;
    }
  return me;
}

/* ---- users -------------------------------------------------------------- */

/* Creates (record->id 0) or replaces a user and answers with it. */
static void
save_user (CbApi         *api,
           CbRequest     *request,
           CbUserRecord **record)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;
  gboolean create = (*record)->id == 0;

  if (!cb_changes_save_user (api->changes, record, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  reply = cb_projection_user (api->directory, *record, CB_LEVEL_PERSONAL);
  cb_reply_object (request->msg, create ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, reply);
}

static void
post_user (CbRequest *request,
           gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CbUserRecord) record = NULL;

  if (require_admin (api, request) == 0)
    return;

  body = cb_request_parse_body (request, &error);
  if (body == NULL)
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  if (!json_object_has_member (body, "username"))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "Missing required field “username”");
      return;
    }

  record = cb_user_record_new ();
  record->availability = CB_AVAILABILITY_OFFLINE;
  record->line_state = CB_LINE_STATE_OFFLINE;
  record->agent_status = CB_AGENT_STATUS_LOGGED_OUT;
  if (!cb_record_fields_apply_user (record, body, api->config->fast_hash, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  if (cb_directory_find_user (api->directory, record->username) != NULL)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_CONFLICT,
                      "User name “%s” is taken", record->username);
      return;
    }
  save_user (api, request, &record);
}

static void
patch_user (CbRequest *request,
            gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  const CbUserRecord *current;
  const CbUserRecord *holder;
  g_autoptr(CbUserRecord) record = NULL;
  gint64 id;

  if (require_admin (api, request) == 0)
    return;
  if (!cb_request_get_id (request, "id", &id))
    return;

  current = cb_directory_get_user (api->directory, id);
  if (current == NULL)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_NOT_FOUND, "No user %" G_GINT64_FORMAT, id);
      return;
    }

  body = cb_request_parse_body (request, &error);
  if (body == NULL)
    {
      cb_reply_gerror (request->msg, error);
      return;
    }

  record = cb_user_record_copy (current);
  if (!cb_record_fields_apply_user (record, body, api->config->fast_hash, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  holder = cb_directory_find_user (api->directory, record->username);
  if (holder != NULL && holder->id != id)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_CONFLICT,
                      "User name “%s” is taken", record->username);
      return;
    }
  save_user (api, request, &record);
}

/* ---- groups ------------------------------------------------------------- */

static gboolean
check_user_ids (CbApi         *api,
                const GArray  *ids,
                const char    *member,
                GError       **error)
{
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      if (cb_directory_get_user (api->directory, id) == NULL)
        {
          g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND,
                       "Field “%s” names user %" G_GINT64_FORMAT ", who does not exist",
                       member, id);
          return FALSE;
        }
    }
  return TRUE;
}

static GArray *
unique_ids (const GArray *ids)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  GArray *result = g_array_sized_new (FALSE, FALSE, sizeof (gint64), ids->len);

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 *id = &g_array_index (ids, gint64, i);

      if (g_hash_table_add (seen, id))
        g_array_append_val (result, *id);
    }
  return result;
}

static gboolean
apply_person (CbApi       *api,
              JsonObject  *body,
              const char  *member,
              gint64      *target,
              GError     **error)
{
  gint64 id = 0;

  if (cb_record_fields_is_null (body, member))
    {
      *target = 0;
      return TRUE;
    }
  if (!json_object_has_member (body, member))
    return TRUE;
  if (!cb_json_get_int (body, member, TRUE, &id, error))
    {
      g_prefix_error (error, "(an id or null) ");
      return FALSE;
    }
  if (cb_directory_get_user (api->directory, id) == NULL)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND,
                   "Field “%s” names user %" G_GINT64_FORMAT ", who does not exist", member, id);
      return FALSE;
    }
  *target = id;
  return TRUE;
}

/* "blf": the keys the group gives every member, as a user adds keys. */
static gboolean
apply_blf (CbApi          *api,
           CbGroupRecord  *record,
           JsonObject     *body,
           GError        **error)
{
  JsonNode *node = json_object_get_member (body, "blf");
  g_autoptr(GPtrArray) keys = NULL;
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (json_node_get_array (node)) > CB_CHANGES_MAX_BLF_KEYS)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “blf” must be an array of at most %d keys", CB_CHANGES_MAX_BLF_KEYS);
      return FALSE;
    }
  array = json_node_get_array (node);
  keys = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_blf_key_record_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(CbWireBlfKey) wire = NULL;
      CbBlfKeyRecord *key;

      if (JSON_NODE_HOLDS_OBJECT (element))
        wire = cb_wire_blf_key_from_json (json_node_get_object (element), error);
      else
        g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                             "Field “blf” must be an array of keys");
      if (wire == NULL)
        return FALSE;
      key = cb_blf_key_record_new ();
      key->kind = wire->kind;
      key->target_id = wire->target_id;
      key->number = g_strdup (wire->number);
      key->label = wire->label != NULL && wire->label[0] != '\0' ? g_strdup (wire->label) : NULL;
      g_ptr_array_add (keys, key);
      if (!cb_changes_check_blf_key (api->changes, 0, key, error))
        {
          g_prefix_error (error, "Field “blf”, key %u: ", i + 1);
          return FALSE;
        }
    }
  g_clear_pointer (&record->blf, g_ptr_array_unref);
  record->blf = g_steal_pointer (&keys);
  return TRUE;
}

/* Applies body to record; members keep their login state. */
static gboolean
apply_group_body (CbApi          *api,
                  CbGroupRecord  *record,
                  JsonObject     *body,
                  GError        **error)
{
  g_autoptr(GArray) members = NULL;
  g_autoptr(GArray) favourites = NULL;
  g_autoptr(GArray) monitor = NULL;

  if (!cb_record_fields_apply_group (record, body, error) ||
      !apply_person (api, body, "leader", &record->leader_id, error) ||
      !apply_person (api, body, "deputy", &record->deputy_id, error) ||
      !cb_json_get_id_array (body, "members", FALSE, &members, error) ||
      !cb_json_get_id_array (body, "favourites", FALSE, &favourites, error) ||
      !cb_json_get_id_array (body, "monitor", FALSE, &monitor, error) ||
      !check_user_ids (api, members, "members", error) ||
      !check_user_ids (api, favourites, "favourites", error) ||
      !check_user_ids (api, monitor, "monitor", error) ||
      !apply_blf (api, record, body, error))
    return FALSE;

  if (members != NULL)
    {
      g_autoptr(GArray) ids = unique_ids (members);
      GArray *list = g_array_sized_new (FALSE, TRUE, sizeof (CbGroupMember), ids->len);

      for (guint i = 0; i < ids->len; i++)
        {
          CbGroupMember m = { g_array_index (ids, gint64, i), FALSE };

          for (guint k = 0; record->members != NULL && k < record->members->len; k++)
            if (g_array_index (record->members, CbGroupMember, k).user_id == m.user_id)
              m.logged_in = g_array_index (record->members, CbGroupMember, k).logged_in;
          g_array_append_val (list, m);
        }
      g_clear_pointer (&record->members, g_array_unref);
      record->members = list;
    }
  if (favourites != NULL)
    {
      g_clear_pointer (&record->favourites, g_array_unref);
      record->favourites = unique_ids (favourites);
    }
  if (monitor != NULL)
    {
      g_clear_pointer (&record->monitor, g_array_unref);
      record->monitor = unique_ids (monitor);
    }
  return cb_record_fields_check_group (record, error);
}

/* Creates (record->id 0) or replaces a group and answers with it as
 * the administrator sees it. */
static void
save_group (CbApi          *api,
            CbRequest      *request,
            gint64          me,
            CbGroupRecord **record)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;
  gboolean create = (*record)->id == 0;

  if (!cb_changes_save_group (api->changes, record, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  reply = cb_projection_group (api->directory, *record, me);
  cb_reply_object (request->msg, create ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, reply);
}

static gboolean
group_name_taken (CbApi      *api,
                  const char *name,
                  gint64      except)
{
  GPtrArray *groups = cb_directory_list_groups (api->directory);

  for (guint i = 0; i < groups->len; i++)
    {
      const CbGroupRecord *g = g_ptr_array_index (groups, i);

      if (g->id != except && g_strcmp0 (g->name, name) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
post_group (CbRequest *request,
            gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CbGroupRecord) record = NULL;
  gint64 me;

  if ((me = require_admin (api, request)) == 0)
    return;

  body = cb_request_parse_body (request, &error);
  if (body == NULL)
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  if (!json_object_has_member (body, "name"))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD, "Missing required field “name”");
      return;
    }

  record = cb_group_record_new ();
  record->member_timeout = 15;
  record->level = CB_LEVEL_BUSINESS;
  record->leader_level = CB_LEVEL_TEAM;
  if (record->members == NULL)
    record->members = g_array_new (FALSE, TRUE, sizeof (CbGroupMember));
  if (!apply_group_body (api, record, body, &error))
    cb_reply_gerror (request->msg, error);
  else if (group_name_taken (api, record->name, 0))
    cb_reply_error (request->msg, CB_PROTOCOL_ERROR_CONFLICT,
                    "Group name “%s” is taken", record->name);
  else
    save_group (api, request, me, &record);
}

static void
patch_group (CbRequest *request,
             gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CbGroupRecord) record = NULL;
  const CbGroupRecord *current;
  gint64 id;
  gint64 me;

  if ((me = require_admin (api, request)) == 0)
    return;
  if (!cb_request_get_id (request, "id", &id))
    return;

  current = cb_directory_get_group (api->directory, id);
  if (current == NULL)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_NOT_FOUND, "No group %" G_GINT64_FORMAT, id);
      return;
    }

  body = cb_request_parse_body (request, &error);
  if (body == NULL)
    {
      cb_reply_gerror (request->msg, error);
      return;
    }

  record = cb_group_record_copy (current);
  if (!apply_group_body (api, record, body, &error))
    cb_reply_gerror (request->msg, error);
  else if (group_name_taken (api, record->name, id))
    cb_reply_error (request->msg, CB_PROTOCOL_ERROR_CONFLICT,
                    "Group name “%s” is taken", record->name);
  else
    save_group (api, request, me, &record);
}

/* ---- SIP lines ---------------------------------------------------------- */

/* Line names go into SIP URIs and digest headers unescaped. */
static gboolean
valid_line_name (const char *name)
{
  if (name == NULL || name[0] == '\0' || strlen (name) > 64)
    return FALSE;
  for (const char *c = name; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && strchr ("-_.+", *c) == NULL)
      return FALSE;
  return TRUE;
}

static JsonObject *
line_to_json (const CbSipLineRecord *line)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "username", line->username);
  json_object_set_int_member (object, "user_id", line->user_id);
  json_object_set_string_member (object, "kind", line->kind);
  json_object_set_string_member (object, "password", line->secret);
  return object;
}

/* The lines of a user with their secrets, so an administrator can
 * provision a desk phone or a DeviceOnly phone. */
static void
get_user_lines (CbRequest *request,
                gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array;
  gint64 id;

  if (require_admin (api, request) == 0 || !cb_request_get_id (request, "id", &id))
    return;
  if (cb_directory_get_user (api->directory, id) == NULL)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_NOT_FOUND, "No user %" G_GINT64_FORMAT, id);
      return;
    }
  lines = cb_store_list_sip_lines (api->store, id, &error);
  if (lines == NULL)
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  answer = json_object_new ();
  array = json_array_new ();
  for (guint i = 0; i < lines->len; i++)
    json_array_add_object_element (array, line_to_json (g_ptr_array_index (lines, i)));
  json_object_set_array_member (answer, "lines", array);
  cb_reply_object (request->msg, SOUP_STATUS_OK, answer);
}

/* Adds a desk phone line (or sets its password); no password: a random
 * one, returned in the answer. */
static void
post_user_line (CbRequest *request,
                gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CbSipLineRecord) stored = NULL;
  g_autoptr(JsonObject) answer = NULL;
  const char *username = NULL;
  const char *password = NULL;
  CbSipLineRecord line = { 0 };
  gint64 id;

  if (require_admin (api, request) == 0 || !cb_request_get_id (request, "id", &id))
    return;
  if (cb_directory_get_user (api->directory, id) == NULL)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_NOT_FOUND, "No user %" G_GINT64_FORMAT, id);
      return;
    }
  body = cb_request_parse_body (request, &error);
  if (body == NULL ||
      !cb_json_get_string (body, "username", TRUE, &username, &error) ||
      !cb_json_get_string (body, "password", FALSE, &password, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  if (!valid_line_name (username))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "Field “username” must be 1–64 letters, digits or -_.+");
      return;
    }
  if (password != NULL && strlen (password) < 8)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "Field “password” must have at least 8 characters");
      return;
    }

  line.username = (char *) username;
  line.user_id = id;
  line.kind = (char *) "desk";
  line.secret = (char *) password;
  if (!cb_store_put_sip_line (api->store, &line, &error) ||
      (stored = cb_store_find_sip_line (api->store, username, &error)) == NULL)
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  answer = line_to_json (stored);
  cb_reply_object (request->msg, SOUP_STATUS_CREATED, answer);
}

void
cb_api_admin_register (CbRouter *router,
                       CbApi    *api)
{
  cb_router_add (router, "POST", CB_API_PREFIX "/admin/users", post_user, api);
  cb_router_add (router, "PATCH", CB_API_PREFIX "/admin/users/{id}", patch_user, api);
  cb_router_add (router, "GET", CB_API_PREFIX "/admin/users/{id}/lines", get_user_lines, api);
  cb_router_add (router, "POST", CB_API_PREFIX "/admin/users/{id}/lines", post_user_line, api);
  cb_router_add (router, "POST", CB_API_PREFIX "/admin/groups", post_group, api);
  cb_router_add (router, "PATCH", CB_API_PREFIX "/admin/groups/{id}", patch_group, api);
}
