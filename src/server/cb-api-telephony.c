/* cb-api-telephony.c: my line and REST call control
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-api-telephony"

#include "cb-api.h"
#include "cb-projection.h"


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
  CbSipServer *sip = api->sip;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;

  if (sip == NULL || cb_sip_server_get_uri (sip) == NULL)
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
                             cb_sip_server_get_uri (sip) + 4);
  answer = json_object_new ();
  json_object_set_string_member (answer, "sip_uri", sip_uri);
  json_object_set_string_member (answer, "username", line->username);
  json_object_set_string_member (answer, "password", line->secret);
  json_object_set_string_member (answer, "realm", api->config->sip_realm);
  json_object_set_string_member (answer, "registrar", cb_sip_server_get_uri (sip));
  /* SIP over TLS, when the server has a certificate: the client prefers it. */
  if (cb_sip_server_get_tls_uri (sip) != NULL)
    json_object_set_string_member (answer, "registrar_tls", cb_sip_server_get_tls_uri (sip));
  cb_reply_object (request->msg, SOUP_STATUS_OK, answer);
}

/* ---- call control --------------------------------------------------------- */

static CbSipServer *
require_sip (CbApi     *api,
             CbRequest *request)
{
  CbSipServer *sip = api->sip;

  if (sip == NULL || cb_sip_server_get_uri (sip) == NULL)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_UNAVAILABLE, "SIP is not running");
      return NULL;
    }
  return sip;
}

static void
reply_call (CbRequest  *request,
            guint       status,
            JsonObject *call,
            GError     *error)
{
  if (call == NULL)
    cb_reply_gerror (request->msg, error);
  else
    cb_reply_object (request->msg, status, call);
}

static void
get_calls (CbRequest *request,
           gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) answer = NULL;
  CbSipServer *sip;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0 || (sip = require_sip (api, request)) == NULL)
    return;
  answer = json_object_new ();
  json_object_set_array_member (answer, "calls", cb_sip_server_list_calls (sip, me));
  cb_reply_object (request->msg, SOUP_STATUS_OK, answer);
}

/* "Call from desk phone" (or from the softphone): the server rings the
 * user's own phone first, then the number; with "as" (a leader's user
 * id) the number sees the leader ("call as", checked by the SIP side). */
static void
post_call (CbRequest *request,
           gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) call = NULL;
  g_autoptr(GError) error = NULL;
  const char *to = NULL;
  const char *device = NULL;
  gint64 as = 0;
  CbSipServer *sip;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0 || (sip = require_sip (api, request)) == NULL)
    return;
  body = cb_request_parse_body (request, &error);
  if (body == NULL ||
      !cb_json_get_string (body, "to", TRUE, &to, &error) ||
      !cb_json_get_string (body, "from_device", FALSE, &device, &error) ||
      !cb_json_get_int (body, "as", FALSE, &as, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  if (device == NULL)
    device = "desk";
  if (!g_str_equal (device, "desk") && !g_str_equal (device, "softphone"))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "Field “from_device” must be “desk” or “softphone”");
      return;
    }
  if (as < 0)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD, "Field “as” must be a user id");
      return;
    }
  call = cb_sip_server_dial (sip, me, to, device, as, &error);
  reply_call (request, SOUP_STATUS_CREATED, call, error);
}

static void
delete_call (CbRequest *request,
             gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) call = NULL;
  g_autoptr(GError) error = NULL;
  CbSipServer *sip;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0 || (sip = require_sip (api, request)) == NULL)
    return;
  call = cb_sip_server_hangup (sip, me, g_hash_table_lookup (request->params, "id"), &error);
  reply_call (request, SOUP_STATUS_OK, call, error);
}

static void
set_hold (CbRequest *request,
          CbApi     *api,
          gboolean   hold)
{
  g_autoptr(JsonObject) call = NULL;
  g_autoptr(GError) error = NULL;
  CbSipServer *sip;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0 || (sip = require_sip (api, request)) == NULL)
    return;
  call = cb_sip_server_hold (sip, me, g_hash_table_lookup (request->params, "id"), hold, &error);
  reply_call (request, SOUP_STATUS_OK, call, error);
}

static void
post_hold (CbRequest *request,
           gpointer   user_data)
{
  set_hold (request, user_data, TRUE);
}

static void
post_resume (CbRequest *request,
             gpointer   user_data)
{
  set_hold (request, user_data, FALSE);
}

static void
post_forward (CbRequest *request,
              gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) call = NULL;
  g_autoptr(GError) error = NULL;
  const char *to = NULL;
  CbSipServer *sip;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0 || (sip = require_sip (api, request)) == NULL)
    return;
  body = cb_request_parse_body (request, &error);
  if (body == NULL || !cb_json_get_string (body, "to", TRUE, &to, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  call = cb_sip_server_forward (sip, me, g_hash_table_lookup (request->params, "id"), to, &error);
  reply_call (request, SOUP_STATUS_OK, call, error);
}

/* The routes below all take an optional or required string field from
 * the body and act on the call in the path. */
typedef JsonObject *(*CallAction) (CbSipServer  *self,
                                   gint64        user_id,
                                   const char   *call_id,
                                   const char   *field,
                                   GError      **error);

static void
call_action (CbRequest  *request,
             CbApi      *api,
             const char *field_name,
             guint       status,
             CallAction  action)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) call = NULL;
  g_autoptr(GError) error = NULL;
  const char *field = NULL;
  CbSipServer *sip;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0 || (sip = require_sip (api, request)) == NULL)
    return;
  if (field_name != NULL)
    {
      body = cb_request_parse_body (request, &error);
      if (body == NULL || !cb_json_get_string (body, field_name, TRUE, &field, &error))
        {
          cb_reply_gerror (request->msg, error);
          return;
        }
    }
  call = action (sip, me, g_hash_table_lookup (request->params, "id"), field, &error);
  reply_call (request, status, call, error);
}

static void
post_consult (CbRequest *request,
              gpointer   user_data)
{
  call_action (request, user_data, "to", SOUP_STATUS_CREATED, cb_sip_server_consult);
}

static void
post_transfer (CbRequest *request,
               gpointer   user_data)
{
  call_action (request, user_data, "to_call", SOUP_STATUS_OK, cb_sip_server_transfer);
}

static void
post_conference (CbRequest *request,
                 gpointer   user_data)
{
  call_action (request, user_data, "with_call", SOUP_STATUS_OK, cb_sip_server_conference);
}

static JsonObject *
answer_action (CbSipServer  *self,
               gint64        user_id,
               const char   *call_id,
               const char   *field,
               GError      **error)
{
  return cb_sip_server_answer (self, user_id, call_id, error);
}

static void
post_answer (CbRequest *request,
             gpointer   user_data)
{
  call_action (request, user_data, NULL, SOUP_STATUS_OK, answer_action);
}

static void
post_dtmf (CbRequest *request,
           gpointer   user_data)
{
  call_action (request, user_data, "digits", SOUP_STATUS_OK, cb_sip_server_send_dtmf);
}

void
cb_api_telephony_register (CbRouter *router,
                           CbApi    *api)
{
  cb_router_add (router, "GET", CB_API_PREFIX "/me/line", get_line, api);
  cb_router_add (router, "GET", CB_API_PREFIX "/calls", get_calls, api);
  cb_router_add (router, "POST", CB_API_PREFIX "/calls", post_call, api);
  cb_router_add (router, "DELETE", CB_API_PREFIX "/calls/{id}", delete_call, api);
  cb_router_add (router, "POST", CB_API_PREFIX "/calls/{id}/hold", post_hold, api);
  cb_router_add (router, "POST", CB_API_PREFIX "/calls/{id}/resume", post_resume, api);
  cb_router_add (router, "POST", CB_API_PREFIX "/calls/{id}/forward", post_forward, api);
  cb_router_add (router, "POST", CB_API_PREFIX "/calls/{id}/consult", post_consult, api);
  cb_router_add (router, "POST", CB_API_PREFIX "/calls/{id}/transfer", post_transfer, api);
  cb_router_add (router, "POST", CB_API_PREFIX "/calls/{id}/conference", post_conference, api);
  cb_router_add (router, "POST", CB_API_PREFIX "/calls/{id}/answer", post_answer, api);
  cb_router_add (router, "POST", CB_API_PREFIX "/calls/{id}/dtmf", post_dtmf, api);
}
