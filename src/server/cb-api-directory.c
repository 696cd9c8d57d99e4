/* cb-api-directory.c: GET /api/v1/directory?q=TEXT&limit=N
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-api-directory"

#include <string.h>

#include "cb-api.h"
#include "cb-projection.h"

#define DEFAULT_LIMIT 50
#define MAX_LIMIT 500

static void
get_directory (CbRequest *request,
               gpointer   user_data)
{
  CbApi *api = user_data;
  g_autofree char *needle = NULL;
  const char *q = request->query != NULL ? g_hash_table_lookup (request->query, "q") : NULL;
  const char *limit_text = request->query != NULL ? g_hash_table_lookup (request->query, "limit") : NULL;
  guint64 limit = DEFAULT_LIMIT;
  guint found = 0;
  GPtrArray *users;
  CbJsonWriter *w;
  CbWireSink sink;
  char *text;
  gsize length;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;

  if (limit_text != NULL &&
      !g_ascii_string_to_unsigned (limit_text, 10, 1, G_MAXINT32, &limit, NULL))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "Field “limit” must be a positive integer");
      return;
    }
  limit = MIN (limit, MAX_LIMIT);
  if (q != NULL && !g_utf8_validate (q, -1, NULL))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "Field “q” is not valid UTF-8");
      return;
    }
  needle = g_utf8_casefold (q != NULL ? q : "", -1);

  w = cb_json_writer_new (4096);
  sink = CB_WIRE_SINK_TEXT (w);
  cb_json_writer_begin_object (w);
  cb_json_writer_member (w, "users");
  cb_json_writer_begin_array (w);
  users = cb_directory_list_users (api->directory);
  for (guint i = 0; i < users->len && found < limit; i++)
    {
      const CbUserRecord *user = g_ptr_array_index (users, i);
      const char *key = cb_directory_search_key (api->directory, user->id);
      CbLevel level;

      if (needle[0] != '\0' && (key == NULL || strstr (key, needle) == NULL))
        continue;
      level = cb_directory_level (api->directory, me, user->id);
      if (level < CB_LEVEL_PUBLIC)
        continue;
      cb_projection_write_user (&sink, api->directory, user, level);
      found++;
    }
  cb_json_writer_end_array (w);
  cb_json_writer_end_object (w);

  text = cb_json_writer_free_to_text (w, &length);
  cb_reply_text (request->msg, SOUP_STATUS_OK, text, length);
}

void
cb_api_directory_register (CbRouter *router,
                           CbApi    *api)
{
  cb_router_add (router, "GET", CB_API_PREFIX "/directory", get_directory, api);
}
