/* cb-api-me.c: the signed-in user's own state: presence, agent status, lists
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-api-me"

#include "cb-api.h"
#include "cb-projection.h"
#include "cb-record-fields.h"

#define MAX_NOTE_CHARS 500
#define MAX_NOTE_LIFETIME_S (366 * 24 * 3600)
#define MAX_LIST_LENGTH 1000

/* ---- presence and agent status ------------------------------------------ */

static void
put_presence (CbRequest *request,
              gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *note = NULL;
  int availability = 0;
  gint64 note_until = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;

  body = cb_request_parse_body (request, &error);
  if (body == NULL ||
      !cb_json_get_enum (body, "availability", CB_TYPE_AVAILABILITY, TRUE, &availability, &error) ||
      !cb_json_get_string (body, "note", FALSE, &note, &error) ||
      (!cb_record_fields_is_null (body, "note_until") &&
       !cb_json_get_int (body, "note_until", FALSE, &note_until, &error)))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  if (note != NULL && g_utf8_strlen (note, -1) > MAX_NOTE_CHARS)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "Field “note” is longer than %d characters", MAX_NOTE_CHARS);
      return;
    }
  /* A note that goes by itself: some time in the coming year. */
  if (note_until != 0 && (note_until <= now || note_until > now + MAX_NOTE_LIFETIME_S))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "Field “note_until” must be a time (unix seconds) within the coming year");
      return;
    }

  if (!cb_changes_set_presence (api->changes, me, availability, note, note_until, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  cb_api_reply_me (api, request, me);
}

static void
put_agent_status (CbRequest *request,
                  gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;

  body = cb_request_parse_body (request, &error);
  if (body == NULL ||
      !cb_json_get_enum (body, "agent_status", CB_TYPE_AGENT_STATUS, TRUE, &status, &error) ||
      !cb_changes_set_agent_status (api->changes, me, status, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  cb_api_reply_me (api, request, me);
}

/* ---- favourites and monitor --------------------------------------------- */

static CbListKind
list_kind (CbRequest *request)
{
  return g_str_has_prefix (request->path, CB_API_PREFIX "/me/monitor") ? CB_LIST_MONITOR
                                                                        : CB_LIST_FAVOURITES;
}

static void
store_list (CbApi      *api,
            CbRequest  *request,
            gint64      me,
            CbListKind  kind,
            GArray     *own)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) effective = NULL;
  g_autoptr(GArray) from_groups = NULL;
  g_autoptr(JsonObject) reply = NULL;

  if (!cb_changes_set_list (api->changes, me, kind, own, &effective, &from_groups, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  reply = cb_projection_user_list (effective, from_groups);
  cb_reply_object (request->msg, SOUP_STATUS_OK, reply);
}

static gboolean
check_visible (CbApi     *api,
               CbRequest *request,
               gint64     me,
               gint64     id)
{
  if (cb_directory_level (api->directory, me, id) == CB_LEVEL_NONE)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_NOT_FOUND,
                      "No user %" G_GINT64_FORMAT, id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
contains_id (const GArray *ids,
             gint64        id,
             guint        *index)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      {
        if (index != NULL)
          *index = i;
        return TRUE;
      }
  return FALSE;
}

static void
get_list (CbRequest *request,
          gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) from_groups = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;

  ids = cb_changes_effective_list (api->changes, me, list_kind (request), &from_groups, &error);
  if (ids == NULL)
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  reply = cb_projection_user_list (ids, from_groups);
  cb_reply_object (request->msg, SOUP_STATUS_OK, reply);
}

static void
put_list (CbRequest *request,
          gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) own = NULL;
  g_autoptr(GError) error = NULL;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;

  body = cb_request_parse_body (request, &error);
  if (body == NULL || !cb_json_get_id_array (body, "user_ids", TRUE, &ids, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  if (ids->len > MAX_LIST_LENGTH)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "Field “user_ids” holds more than %d ids", MAX_LIST_LENGTH);
      return;
    }

  /* Order kept, repeats dropped: a list names each person once. */
  own = g_array_sized_new (FALSE, FALSE, sizeof (gint64), ids->len);
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      if (!check_visible (api, request, me, id))
        return;
      if (!contains_id (own, id, NULL))
        g_array_append_val (own, id);
    }
  store_list (api, request, me, list_kind (request), own);
}

static void
post_list (CbRequest *request,
           gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GArray) own = NULL;
  g_autoptr(GError) error = NULL;
  CbListKind kind = list_kind (request);
  gint64 id = 0;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;

  body = cb_request_parse_body (request, &error);
  if (body == NULL || !cb_json_get_int (body, "user_id", TRUE, &id, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  if (!check_visible (api, request, me, id))
    return;

  own = cb_store_get_list (api->store, me, kind, &error);
  if (own == NULL)
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  if (own->len >= MAX_LIST_LENGTH)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_LIST_FULL,
                      "The list already holds %d entries", MAX_LIST_LENGTH);
      return;
    }
  if (!contains_id (own, id, NULL))
    g_array_append_val (own, id);
  store_list (api, request, me, kind, own);
}

static void
delete_list_entry (CbRequest *request,
                   gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(GArray) own = NULL;
  g_autoptr(GArray) effective = NULL;
  g_autoptr(GError) error = NULL;
  CbListKind kind = list_kind (request);
  guint index;
  gint64 id;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;
  if (!cb_request_get_id (request, "user_id", &id) || !check_visible (api, request, me, id))
    return;

  own = cb_store_get_list (api->store, me, kind, &error);
  if (own == NULL)
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  if (!contains_id (own, id, &index))
    {
      effective = cb_changes_effective_list (api->changes, me, kind, NULL, NULL);
      if (effective != NULL && contains_id (effective, id, NULL))
        cb_reply_error (request->msg, CB_PROTOCOL_ERROR_FROM_GROUP,
                        "User %" G_GINT64_FORMAT " is on the list through a group", id);
      else
        cb_reply_error (request->msg, CB_PROTOCOL_ERROR_NOT_FOUND,
                        "User %" G_GINT64_FORMAT " is not on the list", id);
      return;
    }
  g_array_remove_index (own, index);
  store_list (api, request, me, kind, own);
}

void
cb_api_me_register (CbRouter *router,
                    CbApi    *api)
{
  cb_router_add (router, "PUT", CB_API_PREFIX "/me/presence", put_presence, api);
  cb_router_add (router, "PUT", CB_API_PREFIX "/me/agent-status", put_agent_status, api);
  cb_router_add (router, "GET", CB_API_PREFIX "/me/favourites", get_list, api);
  cb_router_add (router, "PUT", CB_API_PREFIX "/me/favourites", put_list, api);
  cb_router_add (router, "POST", CB_API_PREFIX "/me/favourites", post_list, api);
  cb_router_add (router, "DELETE", CB_API_PREFIX "/me/favourites/{user_id}", delete_list_entry, api);
  cb_router_add (router, "GET", CB_API_PREFIX "/me/monitor", get_list, api);
  cb_router_add (router, "PUT", CB_API_PREFIX "/me/monitor", put_list, api);
  cb_router_add (router, "POST", CB_API_PREFIX "/me/monitor", post_list, api);
  cb_router_add (router, "DELETE", CB_API_PREFIX "/me/monitor/{user_id}", delete_list_entry, api);
}
