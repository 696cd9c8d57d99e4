/* cb-api-blf.c: the signed-in user's busy lamp field keys
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every answer is the whole field as the user sees it ({"keys": [...]},
 * their own keys first, then those their groups distribute), and every
 * change also goes out as a "blf" event to their other devices. The
 * checks are the service layer's (cb_changes_set_blf_keys()).
 */

#define G_LOG_DOMAIN "cb-api-blf"

#include "cb-api.h"
#include "cb-projection.h"

static void
reply_keys (CbApi     *api,
            CbRequest *request,
            gint64     me,
            guint      status)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  keys = cb_changes_effective_blf (api->changes, me, &error);
  if (keys == NULL)
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  reply = cb_projection_blf_keys (keys);
  cb_reply_object (request->msg, status, reply);
}

/* A key as a request describes it: kind, target, label (an id names
 * one of the user's own keys). */
static CbBlfKeyRecord *
key_from_body (JsonObject  *object,
               GError     **error)
{
  g_autoptr(CbWireBlfKey) wire = cb_wire_blf_key_from_json (object, error);
  CbBlfKeyRecord *key;

  if (wire == NULL)
    return NULL;
  key = cb_blf_key_record_new ();
  key->id = wire->id;
  key->kind = wire->kind;
  key->target_id = wire->target_id;
  key->number = g_strdup (wire->number);
  key->label = wire->label != NULL && wire->label[0] != '\0' ? g_strdup (wire->label) : NULL;
  return key;
}

static void
save (CbApi     *api,
      CbRequest *request,
      gint64     me,
      GPtrArray *own,
      guint      status)
{
  g_autoptr(GError) error = NULL;

  if (!cb_changes_set_blf_keys (api->changes, me, own, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  reply_keys (api, request, me, status);
}

static void
get_blf (CbRequest *request,
         gpointer   user_data)
{
  CbApi *api = user_data;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;
  reply_keys (api, request, me, SOUP_STATUS_OK);
}

/* Replaces the user's own keys: the new order, new keys without an id. */
static void
put_blf (CbRequest *request,
         gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) own = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;
  JsonArray *array;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;
  body = cb_request_parse_body (request, &error);
  if (body == NULL)
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  node = json_object_get_member (body, "keys");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "Field “keys” must be an array of keys");
      return;
    }
  array = json_node_get_array (node);
  if (json_array_get_length (array) > CB_CHANGES_MAX_BLF_KEYS)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "A busy lamp field holds at most %d keys", CB_CHANGES_MAX_BLF_KEYS);
      return;
    }

  own = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_blf_key_record_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      CbBlfKeyRecord *key;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                          "Field “keys” must be an array of keys");
          return;
        }
      key = key_from_body (json_node_get_object (element), &error);
      if (key == NULL)
        {
          g_prefix_error (&error, "Key %u: ", i + 1);
          cb_reply_gerror (request->msg, error);
          return;
        }
      g_ptr_array_add (own, key);
    }
  save (api, request, me, own, SOUP_STATUS_OK);
}

/* One new key at the end of the user's own ones. */
static void
post_blf (CbRequest *request,
          gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) own = NULL;
  g_autoptr(GError) error = NULL;
  CbBlfKeyRecord *key;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;
  body = cb_request_parse_body (request, &error);
  if (body == NULL || (key = key_from_body (body, &error)) == NULL)
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  key->id = 0;
  own = cb_store_list_blf_keys (api->store, me, &error);
  if (own == NULL)
    {
      cb_blf_key_record_free (key);
      cb_reply_gerror (request->msg, error);
      return;
    }
  g_ptr_array_add (own, key);
  save (api, request, me, own, SOUP_STATUS_CREATED);
}

/* The user's own key `id` in own, else an answer: 409 for a key a group
 * gives them, 404 for anything else. */
static gboolean
find_own (CbApi     *api,
          CbRequest *request,
          gint64     me,
          GPtrArray *own,
          guint     *index)
{
  g_autoptr(GPtrArray) effective = NULL;
  gint64 id;

  if (!cb_request_get_id (request, "id", &id))
    return FALSE;
  for (guint i = 0; i < own->len; i++)
    if (((CbBlfKeyRecord *) g_ptr_array_index (own, i))->id == id)
      {
        *index = i;
        return TRUE;
      }

  effective = cb_changes_effective_blf (api->changes, me, NULL);
  for (guint i = 0; effective != NULL && i < effective->len; i++)
    if (((CbBlfKeyRecord *) g_ptr_array_index (effective, i))->id == id)
      {
        cb_reply_error (request->msg, CB_PROTOCOL_ERROR_FROM_GROUP,
                        "Key %" G_GINT64_FORMAT " comes from a group: only an administrator "
                        "removes it", id);
        return FALSE;
      }
  cb_reply_error (request->msg, CB_PROTOCOL_ERROR_NOT_FOUND, "You have no key %" G_GINT64_FORMAT, id);
  return FALSE;
}

static GPtrArray *
own_keys (CbApi     *api,
          CbRequest *request,
          gint64     me)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *own = cb_store_list_blf_keys (api->store, me, &error);

  if (own == NULL)
    cb_reply_gerror (request->msg, error);
  return own;
}

/* A new label ("" or null: the target's own name). */
static void
patch_blf_key (CbRequest *request,
               gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) own = NULL;
  g_autoptr(GError) error = NULL;
  CbBlfKeyRecord *key;
  const char *label = NULL;
  guint index;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0 ||
      (own = own_keys (api, request, me)) == NULL ||
      !find_own (api, request, me, own, &index))
    return;
  body = cb_request_parse_body (request, &error);
  if (body == NULL ||
      (!json_object_get_null_member (body, "label") &&
       !cb_json_get_string (body, "label", TRUE, &label, &error)))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  key = g_ptr_array_index (own, index);
  g_free (key->label);
  key->label = label != NULL && label[0] != '\0' ? g_strdup (label) : NULL;
  save (api, request, me, own, SOUP_STATUS_OK);
}

static void
delete_blf_key (CbRequest *request,
                gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(GPtrArray) own = NULL;
  guint index;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0 ||
      (own = own_keys (api, request, me)) == NULL ||
      !find_own (api, request, me, own, &index))
    return;
  g_ptr_array_remove_index (own, index);
  save (api, request, me, own, SOUP_STATUS_OK);
}

void
cb_api_blf_register (CbRouter *router,
                     CbApi    *api)
{
  cb_router_add (router, "GET", CB_API_PREFIX "/me/blf", get_blf, api);
  cb_router_add (router, "PUT", CB_API_PREFIX "/me/blf", put_blf, api);
  cb_router_add (router, "POST", CB_API_PREFIX "/me/blf", post_blf, api);
  cb_router_add (router, "PATCH", CB_API_PREFIX "/me/blf/{id}", patch_blf_key, api);
  cb_router_add (router, "DELETE", CB_API_PREFIX "/me/blf/{id}", delete_blf_key, api);
}
