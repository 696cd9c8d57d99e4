/* cb-api-snapshot.c: GET /api/v1/snapshot
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built from the in-memory directory in one main-loop turn, so `seq` and
 * the state it describes match exactly.
 */

#define G_LOG_DOMAIN "cb-api-snapshot"

#include "cb-api.h"
#include "cb-projection.h"

static void
write_ids (CbJsonWriter *w,
           const char   *member,
           const GArray *ids)
{
  cb_json_writer_member (w, member);
  cb_json_writer_begin_array (w);
  for (guint i = 0; i < ids->len; i++)
    cb_json_writer_int (w, g_array_index (ids, gint64, i));
  cb_json_writer_end_array (w);
}

static void
get_snapshot (CbRequest *request,
              gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(GArray) favourites = NULL;
  g_autoptr(GArray) monitor = NULL;
  g_autoptr(GArray) group_favourites = NULL;
  g_autoptr(GArray) group_monitor = NULL;
  g_autoptr(GPtrArray) blf = NULL;
  g_autoptr(GError) error = NULL;
  CbJsonWriter *w;
  CbWireSink sink;
  GPtrArray *users;
  GPtrArray *groups;
  char *text;
  gsize length;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;

  favourites = cb_changes_effective_list (api->changes, me, CB_LIST_FAVOURITES, &group_favourites, &error);
  if (favourites != NULL)
    monitor = cb_changes_effective_list (api->changes, me, CB_LIST_MONITOR, &group_monitor, &error);
  if (monitor != NULL)
    blf = cb_changes_effective_blf (api->changes, me, &error);
  if (blf == NULL)
    {
      cb_reply_gerror (request->msg, error);
      return;
    }

  users = cb_directory_list_users (api->directory);
  /* About 400 bytes a user: one allocation for most directories. */
  w = cb_json_writer_new (512 + users->len * 400);
  sink = CB_WIRE_SINK_TEXT (w);
  cb_json_writer_begin_object (w);
  cb_json_writer_member (w, "seq");
  cb_json_writer_int (w, cb_store_last_seq (api->store));
  cb_json_writer_member (w, "me");
  cb_projection_write_user (&sink, api->directory, cb_directory_get_user (api->directory, me), CB_LEVEL_PERSONAL);

  cb_json_writer_member (w, "users");
  cb_json_writer_begin_array (w);
  for (guint i = 0; i < users->len; i++)
    {
      const CbUserRecord *user = g_ptr_array_index (users, i);
      CbLevel level = cb_directory_level (api->directory, me, user->id);

      if (level > CB_LEVEL_NONE)
        cb_projection_write_user (&sink, api->directory, user, level);
    }
  cb_json_writer_end_array (w);

  groups = cb_directory_list_groups (api->directory);
  cb_json_writer_member (w, "groups");
  cb_json_writer_begin_array (w);
  for (guint i = 0; i < groups->len; i++)
    {
      const CbGroupRecord *group = g_ptr_array_index (groups, i);

      if (cb_directory_can_see_group (api->directory, me, group->id))
        cb_projection_write_group (&sink, api->directory, group, me);
    }
  cb_json_writer_end_array (w);

  write_ids (w, "favourites", favourites);
  write_ids (w, "monitor", monitor);
  /* Their entries that are there only through a group. */
  write_ids (w, "favourites_from_groups", group_favourites);
  write_ids (w, "monitor_from_groups", group_monitor);
  cb_json_writer_member (w, "blf");
  cb_projection_write_blf_keys (&sink, blf);
  cb_json_writer_end_object (w);

  text = cb_json_writer_free_to_text (w, &length);
  cb_reply_text (request->msg, SOUP_STATUS_OK, text, length);
}

void
cb_api_snapshot_register (CbRouter *router,
                          CbApi    *api)
{
  cb_router_add (router, "GET", CB_API_PREFIX "/snapshot", get_snapshot, api);
}
