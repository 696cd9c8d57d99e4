/* cb-api-telephony.c: GET /api/v1/me/line and GET /api/v1/journal
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-api-telephony"

#include "cb-api.h"
#include "cb-sip-registrar.h"

#define DEFAULT_LIMIT 50
#define MAX_LIMIT 500

JsonObject *_cb_sip_journal_entry_to_json (const CbJournalRecord *entry);

/* The signed-in user's softphone credentials: the client registers with
 * them, so the user only ever types their own password. */
static void
get_line (CbRequest *request,
          gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(CbSipLineRecord) line = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sip_uri = NULL;
  CbSipRegistrar *sip = (CbSipRegistrar *) api->sip;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;

  if (sip == NULL || cb_sip_registrar_get_uri (sip) == NULL)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_UNAVAILABLE, "SIP is not running");
      return;
    }
  line = cb_store_get_softphone_line (api->store, me, &error);
  if (line == NULL)
    {
      if (g_error_matches (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND))
        cb_reply_error (request->msg, CB_PROTOCOL_ERROR_NOT_FOUND, "You have no line (no extension)");
      else
        cb_reply_gerror (request->msg, error);
      return;
    }

  sip_uri = g_strdup_printf ("sip:%s@%s", line->username,
                             cb_sip_registrar_get_uri (sip) + 4);
  answer = json_object_new ();
  json_object_set_string_member (answer, "sip_uri", sip_uri);
  json_object_set_string_member (answer, "username", line->username);
  json_object_set_string_member (answer, "password", line->secret);
  json_object_set_string_member (answer, "realm", api->config->sip_realm);
  json_object_set_string_member (answer, "registrar", cb_sip_registrar_get_uri (sip));
  cb_reply_object (request->msg, SOUP_STATUS_OK, answer);
}

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
  gint64 missed;
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
  if (entries == NULL || missed < 0)
    {
      cb_reply_gerror (request->msg, error);
      return;
    }

  answer = json_object_new ();
  array = json_array_new ();
  for (guint i = 0; i < entries->len && i < limit; i++)
    json_array_add_object_element (array, _cb_sip_journal_entry_to_json (g_ptr_array_index (entries, i)));
  json_object_set_array_member (answer, "entries", array);
  json_object_set_int_member (answer, "missed", missed);
  if (entries->len > limit)
    json_object_set_int_member (answer, "next_before",
                                ((CbJournalRecord *) g_ptr_array_index (entries, limit - 1))->id);
  else
    json_object_set_null_member (answer, "next_before");
  cb_reply_object (request->msg, SOUP_STATUS_OK, answer);
}

void
cb_api_telephony_register (CbRouter *router,
                           CbApi    *api)
{
  cb_router_add (router, "GET", CB_API_PREFIX "/me/line", get_line, api);
  cb_router_add (router, "GET", CB_API_PREFIX "/journal", get_journal, api);
}
