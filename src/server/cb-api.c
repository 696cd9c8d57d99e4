/* cb-api.c: what the REST handlers share
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-api"

#include "cb-api.h"
#include "cb-projection.h"

void
cb_api_register_all (CbRouter *router,
                     CbApi    *api)
{
  cb_api_health_register (router, api);
  cb_api_session_register (router, api);
  cb_api_snapshot_register (router, api);
  cb_api_me_register (router, api);
  cb_api_telephony_register (router, api);
  cb_api_groups_register (router, api);
  cb_api_directory_register (router, api);
  cb_api_admin_register (router, api);
  cb_api_events_register (router, api);
}

gint64
cb_api_require_user (CbApi      *api,
                     CbRequest  *request,
                     char      **token_hash)
{
  gint64 user_id = cb_auth_authenticate (api->auth, request->msg, token_hash);

  if (user_id <= 0 || cb_directory_get_user (api->directory, user_id) == NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                    "WWW-Authenticate", "Bearer");
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_UNAUTHORIZED,
                      "A valid “Authorization: Bearer” token is required");
      return 0;
    }
  return user_id;
}

gboolean
cb_api_transact (CbApi             *api,
                 CbApiTransaction   func,
                 gpointer           data,
                 GError           **error)
{
  if (!cb_store_begin (api->store, error))
    return FALSE;

  if (!func (api, data, error) || !cb_store_commit (api->store, error))
    {
      cb_store_rollback (api->store);
      cb_event_hub_discard (api->hub);
      return FALSE;
    }
  return TRUE;
}

static void
append_unique (GArray     *list,
               GHashTable *seen,
               gint64      id)
{
  if (g_hash_table_contains (seen, &id))
    return;
  g_array_append_val (list, id);
  g_hash_table_add (seen, &g_array_index (list, gint64, list->len - 1));
}

GArray *
cb_api_effective_list (CbApi       *api,
                       gint64       user_id,
                       CbListKind   kind,
                       GError     **error)
{
  g_autoptr(GArray) own = cb_store_get_list (api->store, user_id, kind, error);
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) ids = NULL;
  GArray *result;

  if (own == NULL)
    return NULL;

  /* Candidates first, then the visible ones without repeats. */
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_vals (ids, own->data, own->len);
  groups = cb_directory_member_of (api->directory, user_id);
  for (guint i = 0; i < groups->len; i++)
    {
      const CbGroupRecord *g = g_ptr_array_index (groups, i);
      const GArray *extra = kind == CB_LIST_FAVOURITES ? g->favourites :
                            kind == CB_LIST_MONITOR ? g->monitor : NULL;

      /* A group hands its list to every member: skip the member's own
       * entry there (their own list may still name them). */
      for (guint k = 0; extra != NULL && k < extra->len; k++)
        if (g_array_index (extra, gint64, k) != user_id)
          g_array_append_val (ids, g_array_index (extra, gint64, k));
    }

  /* Sized up front: `seen` points into result, which must not move. */
  result = g_array_sized_new (FALSE, FALSE, sizeof (gint64), ids->len);
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      if (cb_directory_level (api->directory, user_id, id) > CB_LEVEL_NONE)
        append_unique (result, seen, id);
    }
  return result;
}

JsonObject *
cb_api_full_user (CbApi              *api,
                  const CbUserRecord *user)
{
  return cb_projection_user (api->directory, user, CB_LEVEL_PERSONAL);
}

gboolean
cb_api_record_resync (CbApi       *api,
                      GHashTable  *user_ids,
                      GError     **error)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(GList) keys = NULL;
  JsonArray *ids = json_array_new ();

  keys = g_hash_table_get_keys (user_ids);
  for (GList *l = keys; l != NULL; l = l->next)
    json_array_add_int_element (ids, *(gint64 *) l->data);
  json_object_set_array_member (data, "user_ids", ids);
  return cb_event_hub_record (api->hub, CB_EVENT_RESYNC, 0, 0, data, error);
}
