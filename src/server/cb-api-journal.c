/* cb-api-journal.c: the signed-in user's journal: pages, and how far it was looked at
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The missed-call count is kept on the server: an entry counts as missed
 * until the user has looked at the journal up to it on any of their
 * devices (PUT /journal/seen), and each of them hears of it by a
 * "journal-seen" event.
 */

#define G_LOG_DOMAIN "cb-api-journal"

#include "cb-api.h"
#include "cb-projection.h"

#define DEFAULT_LIMIT 50
#define MAX_LIMIT 500

static gboolean
query_int (CbRequest  *request,
           const char *name,
           guint64     min,
           guint64     max,
           guint64    *value)
{
  const char *text = request->query != NULL ? g_hash_table_lookup (request->query, name) : NULL;

  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, min, max, value, NULL))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "Field “%s” must be a positive integer", name);
      return FALSE;
    }
  return TRUE;
}

/* Newest first; "next_before" pages back, null on the last page. */
static void
get_journal (CbRequest *request,
             gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  guint64 before = 0;
  guint64 limit = DEFAULT_LIMIT;
  JsonArray *array;
  CbWireViewer viewer;
  gint64 missed;
  gint64 seen;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;
  if (!query_int (request, "before", 1, G_MAXINT64, &before) ||
      !query_int (request, "limit", 1, G_MAXINT32, &limit))
    return;
  limit = MIN (limit, MAX_LIMIT);

  /* One more than asked tells whether there is a next page. */
  entries = cb_store_list_journal (api->store, me, (gint64) before, (guint) limit + 1, &error);
  missed = entries != NULL ? cb_store_count_missed (api->store, me, &error) : -1;
  seen = missed >= 0 ? cb_store_get_journal_seen (api->store, me, &error) : -1;
  if (entries == NULL || missed < 0 || seen < 0)
    {
      cb_reply_gerror (request->msg, error);
      return;
    }

  /* Colleagues the user may not see are left out of their own entries. */
  cb_projection_viewer (api->directory, me, &viewer);
  answer = json_object_new ();
  array = json_array_new ();
  for (guint i = 0; i < entries->len && i < limit; i++)
    json_array_add_object_element (array, cb_projection_journal_entry (g_ptr_array_index (entries, i), &viewer));
  json_object_set_array_member (answer, "entries", array);
  json_object_set_int_member (answer, "missed", missed);
  json_object_set_int_member (answer, "seen_up_to", seen);
  if (entries->len > limit)
    json_object_set_int_member (answer, "next_before",
                                ((CbJournalRecord *) g_ptr_array_index (entries, limit - 1))->id);
  else
    json_object_set_null_member (answer, "next_before");
  cb_reply_object (request->msg, SOUP_STATUS_OK, answer);
}

static void
put_journal_seen (CbRequest *request,
                  gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  gint64 up_to = 0;
  gint64 seen = 0;
  gint64 missed = 0;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;
  body = cb_request_parse_body (request, &error);
  if (body == NULL || !cb_json_get_int (body, "up_to", TRUE, &up_to, &error) ||
      !cb_changes_set_journal_seen (api->changes, me, up_to, &seen, &missed, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  answer = json_object_new ();
  json_object_set_int_member (answer, "seen_up_to", seen);
  json_object_set_int_member (answer, "missed", missed);
  cb_reply_object (request->msg, SOUP_STATUS_OK, answer);
}

void
cb_api_journal_register (CbRouter *router,
                         CbApi    *api)
{
  cb_router_add (router, "GET", CB_API_PREFIX "/journal", get_journal, api);
  cb_router_add (router, "PUT", CB_API_PREFIX "/journal/seen", put_journal_seen, api);
}
