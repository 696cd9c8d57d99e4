/* cb-directory-import.c: loading users and groups from a directory JSON file
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-import"

#include "cb-directory-import.h"
#include "cb-record-fields.h"

static gboolean
get_array (JsonObject  *object,
           const char  *member,
           JsonArray  **array,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *array = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “%s” must be an array", member);
      return FALSE;
    }
  *array = json_node_get_array (node);
  return TRUE;
}

/* NULL (no error) when the store does not know the name. */
static CbUserRecord *
find_user (CbStore     *store,
           const char  *username,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  CbUserRecord *record = cb_store_find_user (store, username, &local_error);

  if (record == NULL && local_error != NULL &&
      !g_error_matches (local_error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND))
    g_propagate_error (error, g_steal_pointer (&local_error));
  return record;
}

/* "desk_phones": [{"username", "password"?}]: desk lines of the user;
 * without a password a line gets a random secret (kept on re-import). */
static gboolean
import_desk_phones (CbStore     *store,
                    JsonObject  *object,
                    gint64       user_id,
                    GError     **error)
{
  JsonArray *phones;

  if (!get_array (object, "desk_phones", &phones, error))
    return FALSE;
  for (guint i = 0; phones != NULL && i < json_array_get_length (phones); i++)
    {
      JsonNode *node = json_array_get_element (phones, i);
      CbSipLineRecord line = { 0 };
      const char *username = NULL;
      const char *password = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                       "desk_phones[%u] must be an object", i);
          return FALSE;
        }
      if (!cb_json_get_string (json_node_get_object (node), "username", TRUE, &username, error) ||
          !cb_json_get_string (json_node_get_object (node), "password", FALSE, &password, error))
        {
          g_prefix_error (error, "desk_phones[%u]: ", i);
          return FALSE;
        }
      line.username = (char *) username;
      line.user_id = user_id;
      line.kind = (char *) "desk";
      line.secret = (char *) password;
      if (!cb_store_put_sip_line (store, &line, error))
        {
          g_prefix_error (error, "desk_phones[%u]: ", i);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
import_user (CbStore     *store,
             JsonObject  *object,
             gboolean     fast_hash,
             GHashTable  *ids,
             GError     **error)
{
  g_autoptr(CbUserRecord) record = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *username = NULL;
  gboolean create;

  if (!cb_json_get_string (object, "username", TRUE, &username, error))
    return FALSE;

  record = find_user (store, username, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  create = record == NULL;
  if (create)
    {
      record = cb_user_record_new ();
      record->availability = CB_AVAILABILITY_OFFLINE;
      record->line_state = CB_LINE_STATE_OFFLINE;
      record->agent_status = CB_AGENT_STATUS_LOGGED_OUT;
    }

  if (!cb_record_fields_apply_user (record, object, fast_hash, error))
    return FALSE;
  if (create ? !cb_store_create_user (store, record, error)
             : !cb_store_update_user (store, record, error))
    return FALSE;

  g_hash_table_insert (ids, g_strdup (record->username), g_memdup2 (&record->id, sizeof record->id));
  return import_desk_phones (store, object, record->id, error);
}

static gboolean
resolve (GHashTable  *ids,
         CbStore     *store,
         const char  *username,
         const char  *member,
         gint64      *id,
         GError     **error)
{
  gint64 *known = g_hash_table_lookup (ids, username);
  g_autoptr(CbUserRecord) record = NULL;

  if (known != NULL)
    {
      *id = *known;
      return TRUE;
    }
  /* Users imported earlier, not in this file, are fine to refer to. */
  record = find_user (store, username, error);
  if (record == NULL)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND,
                     "Field “%s” names unknown user “%s”", member, username);
      return FALSE;
    }
  g_hash_table_insert (ids, g_strdup (username), g_memdup2 (&record->id, sizeof record->id));
  *id = record->id;
  return TRUE;
}

static gboolean
resolve_names (GHashTable  *ids,
               CbStore     *store,
               JsonObject  *object,
               const char  *member,
               GArray     **result,
               GError     **error)
{
  JsonArray *array;
  g_autoptr(GArray) list = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  *result = NULL;
  if (!get_array (object, member, &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;

  list = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *name;
      gint64 id;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                       "Field “%s” must be an array of user names", member);
          return FALSE;
        }
      name = json_node_get_string (node);
      if (!g_hash_table_add (seen, (gpointer) name))
        continue;
      if (!resolve (ids, store, name, member, &id, error))
        return FALSE;
      g_array_append_val (list, id);
    }
  *result = g_steal_pointer (&list);
  return TRUE;
}

static gboolean
resolve_person (GHashTable  *ids,
                CbStore     *store,
                JsonObject  *object,
                const char  *member,
                gint64      *target,
                GError     **error)
{
  const char *name = NULL;

  if (cb_record_fields_is_null (object, member))
    {
      *target = 0;
      return TRUE;
    }
  if (!cb_json_get_string (object, member, FALSE, &name, error))
    return FALSE;
  if (name == NULL)
    return TRUE;
  if (name[0] == '\0')
    {
      *target = 0;
      return TRUE;
    }
  return resolve (ids, store, name, member, target, error);
}

/* Busy lamp field keys by name: [{"user": NAME} | {"group": NAME} |
 * {"number": "110"}, each with an optional "label"]; groups must be
 * stored already (earlier in the file, or before). NULL *result: absent. */
static gboolean
resolve_blf (GHashTable  *ids,
             CbStore     *store,
             GPtrArray   *groups,
             JsonObject  *object,
             GPtrArray  **result,
             GError     **error)
{
  g_autoptr(GPtrArray) keys = NULL;
  JsonArray *array;

  *result = NULL;
  if (!get_array (object, "blf", &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;

  keys = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_blf_key_record_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(CbBlfKeyRecord) key = cb_blf_key_record_new ();
      JsonObject *spec;
      const char *user = NULL, *group = NULL, *number = NULL, *label = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                               "Field “blf” must be an array of keys");
          return FALSE;
        }
      spec = json_node_get_object (node);
      if (!cb_json_get_string (spec, "user", FALSE, &user, error) ||
          !cb_json_get_string (spec, "group", FALSE, &group, error) ||
          !cb_json_get_string (spec, "number", FALSE, &number, error) ||
          !cb_json_get_string (spec, "label", FALSE, &label, error))
        return FALSE;
      if (user != NULL)
        {
          key->kind = CB_BLF_KEY_KIND_USER;
          if (!resolve (ids, store, user, "blf", &key->target_id, error))
            return FALSE;
        }
      else if (group != NULL)
        {
          key->kind = CB_BLF_KEY_KIND_GROUP;
          for (guint k = 0; k < groups->len && key->target_id == 0; k++)
            {
              CbGroupRecord *g = g_ptr_array_index (groups, k);

              if (g_strcmp0 (g->name, group) == 0 && g->kind == CB_GROUP_KIND_HUNT)
                key->target_id = g->id;
            }
          if (key->target_id == 0)
            {
              g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND,
                           "Field “blf” names unknown hunt group “%s”", group);
              return FALSE;
            }
        }
      else if (number != NULL)
        {
          key->kind = CB_BLF_KEY_KIND_NUMBER;
          key->number = g_strdup (number);
        }
      else
        {
          g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                               "A key of “blf” needs “user”, “group” or “number”");
          return FALSE;
        }
      key->label = g_strdup (label);
      g_ptr_array_add (keys, g_steal_pointer (&key));
    }
  *result = g_steal_pointer (&keys);
  return TRUE;
}

static gboolean
import_group (CbStore     *store,
              JsonObject  *object,
              GHashTable  *ids,
              GPtrArray   *existing,
              GError     **error)
{
  g_autoptr(CbGroupRecord) record = NULL;
  g_autoptr(GArray) members = NULL;
  g_autoptr(GArray) favourites = NULL;
  g_autoptr(GArray) monitor = NULL;
  g_autoptr(GPtrArray) blf = NULL;
  const char *name = NULL;
  gboolean create = TRUE;

  if (!cb_json_get_string (object, "name", TRUE, &name, error))
    return FALSE;

  for (guint i = 0; i < existing->len; i++)
    {
      CbGroupRecord *g = g_ptr_array_index (existing, i);

      if (g_strcmp0 (g->name, name) == 0)
        {
          record = cb_group_record_copy (g);
          create = FALSE;
          break;
        }
    }
  if (create)
    {
      record = cb_group_record_new ();
      record->member_timeout = 15;
      record->level = CB_LEVEL_BUSINESS;
      record->leader_level = CB_LEVEL_TEAM;
    }
  if (record->members == NULL)
    record->members = g_array_new (FALSE, TRUE, sizeof (CbGroupMember));

  if (!cb_record_fields_apply_group (record, object, error) ||
      !resolve_person (ids, store, object, "leader", &record->leader_id, error) ||
      !resolve_person (ids, store, object, "deputy", &record->deputy_id, error) ||
      !resolve_names (ids, store, object, "members", &members, error) ||
      !resolve_names (ids, store, object, "favourites", &favourites, error) ||
      !resolve_names (ids, store, object, "monitor", &monitor, error) ||
      !resolve_blf (ids, store, existing, object, &blf, error))
    return FALSE;

  if (members != NULL)
    {
      GArray *list = g_array_sized_new (FALSE, TRUE, sizeof (CbGroupMember), members->len);

      for (guint i = 0; i < members->len; i++)
        {
          CbGroupMember m = { g_array_index (members, gint64, i), FALSE };

          /* A member who stays keeps the login (it survives re-imports). */
          for (guint k = 0; k < record->members->len; k++)
            if (g_array_index (record->members, CbGroupMember, k).user_id == m.user_id)
              m.logged_in = g_array_index (record->members, CbGroupMember, k).logged_in;
          g_array_append_val (list, m);
        }
      g_array_unref (record->members);
      record->members = list;
    }
  if (favourites != NULL)
    {
      g_clear_pointer (&record->favourites, g_array_unref);
      record->favourites = g_steal_pointer (&favourites);
    }
  if (monitor != NULL)
    {
      g_clear_pointer (&record->monitor, g_array_unref);
      record->monitor = g_steal_pointer (&monitor);
    }
  if (blf != NULL)
    {
      g_clear_pointer (&record->blf, g_ptr_array_unref);
      record->blf = g_steal_pointer (&blf);
    }
  if (!cb_record_fields_check_group (record, error))
    return FALSE;

  if (create)
    {
      if (!cb_store_create_group (store, record, error))
        return FALSE;
      g_ptr_array_add (existing, cb_group_record_copy (record));
      return TRUE;
    }
  return cb_store_update_group (store, record, error);
}

static gboolean
import_all (CbStore     *store,
            JsonObject  *root,
            gboolean     fast_hash,
            guint       *n_users,
            guint       *n_groups,
            GError     **error)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(CbEventRecord) resync = NULL;
  JsonArray *users;
  JsonArray *groups;

  if (!get_array (root, "users", &users, error) || !get_array (root, "groups", &groups, error))
    return FALSE;

  for (guint i = 0; users != NULL && i < json_array_get_length (users); i++)
    {
      JsonNode *node = json_array_get_element (users, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                       "users[%u] must be an object", i);
          return FALSE;
        }
      if (!import_user (store, json_node_get_object (node), fast_hash, ids, error))
        {
          g_prefix_error (error, "users[%u]: ", i);
          return FALSE;
        }
    }

  existing = cb_store_list_groups (store, error);
  if (existing == NULL)
    return FALSE;
  for (guint i = 0; groups != NULL && i < json_array_get_length (groups); i++)
    {
      JsonNode *node = json_array_get_element (groups, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                       "groups[%u] must be an object", i);
          return FALSE;
        }
      if (!import_group (store, json_node_get_object (node), ids, existing, error))
        {
          g_prefix_error (error, "groups[%u]: ", i);
          return FALSE;
        }
    }

  /* A user's own keys may name any user or group of the file. */
  for (guint i = 0; users != NULL && i < json_array_get_length (users); i++)
    {
      JsonObject *object = json_array_get_object_element (users, i);
      g_autoptr(GPtrArray) blf = NULL;
      gint64 user_id = 0;

      if (!resolve_blf (ids, store, existing, object, &blf, error) ||
          (blf != NULL &&
           (!resolve (ids, store, json_object_get_string_member (object, "username"), "username",
                      &user_id, error) ||
            !cb_store_set_blf_keys (store, user_id, blf, error))))
        {
          g_prefix_error (error, "users[%u]: ", i);
          return FALSE;
        }
    }

  /* Clients that resume across the import must refetch their snapshot. */
  resync = g_new0 (CbEventRecord, 1);
  resync->type = g_strdup (cb_event_type_to_string (CB_EVENT_TYPE_RESYNC));
  resync->data = g_strdup ("{}");
  resync->created_at = g_get_real_time () / G_USEC_PER_SEC;
  if (!cb_store_append_event (store, resync, error))
    return FALSE;

  *n_users = users != NULL ? json_array_get_length (users) : 0;
  *n_groups = groups != NULL ? json_array_get_length (groups) : 0;
  return TRUE;
}

gboolean
cb_directory_import_data (CbStore     *store,
                          const char  *data,
                          gsize        length,
                          gboolean     fast_hash,
                          guint       *n_users,
                          guint       *n_groups,
                          GError     **error)
{
  g_autoptr(JsonObject) root = NULL;
  guint users = 0;
  guint groups = 0;

  root = cb_json_parse_object (data, length, error);
  if (root == NULL)
    return FALSE;

  if (!cb_store_begin (store, error))
    return FALSE;
  if (!import_all (store, root, fast_hash, &users, &groups, error) ||
      !cb_store_commit (store, error))
    {
      cb_store_rollback (store);
      return FALSE;
    }

  if (n_users != NULL)
    *n_users = users;
  if (n_groups != NULL)
    *n_groups = groups;
  return TRUE;
}

gboolean
cb_directory_import_file (CbStore     *store,
                          const char  *path,
                          gboolean     fast_hash,
                          guint       *n_users,
                          guint       *n_groups,
                          GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;
  if (!cb_directory_import_data (store, contents, length, fast_hash, n_users, n_groups, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return TRUE;
}
