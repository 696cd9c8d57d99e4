/* cb-api-call-settings.c: where the signed-in user's calls go: diversion, mobile ringing, announcement, encryption
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The settings the SIP side reads when it routes a call to the user.
 * Each change answers with the user's own object and reaches everyone
 * entitled as a "user" event (cb_changes_set_diversion() and the others).
 * The announcement is the one upload of the API: its body is audio, up
 * to the configured max-announcement, checked by its bytes.
 */

#define G_LOG_DOMAIN "cb-api-call-settings"

#include "cb-api.h"
#include "cb-audio-format.h"

/* The whole diversion: what the body leaves out is off. */
static void
put_diversion (CbRequest *request,
               gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  CbWireDiversion diversion;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;

  body = cb_request_parse_body (request, &error);
  if (body == NULL ||
      !cb_wire_diversion_from_json (body, &diversion, &error) ||
      !cb_changes_set_diversion (api->changes, me, &diversion, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  cb_api_reply_me (api, request, me);
}

static void
put_mobile_ringing (CbRequest *request,
                    gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  gboolean enabled = FALSE;
  gint64 delay = 0;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;

  body = cb_request_parse_body (request, &error);
  if (body == NULL ||
      !cb_json_get_bool (body, "enabled", TRUE, &enabled, &error) ||
      !cb_json_get_int (body, "delay", FALSE, &delay, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  if (delay < 0 || delay > CB_WIRE_MOBILE_RINGING_DELAY_MAX)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "Field “delay” must be 0 to %d seconds", CB_WIRE_MOBILE_RINGING_DELAY_MAX);
      return;
    }
  if (!cb_changes_set_mobile_ringing (api->changes, me, enabled, (guint) delay, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  cb_api_reply_me (api, request, me);
}

/* Only encrypted calls (SRTP over TLS) from and to the user. */
static void
put_require_encryption (CbRequest *request,
                        gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  gboolean enabled = FALSE;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;

  body = cb_request_parse_body (request, &error);
  if (body == NULL ||
      !cb_json_get_bool (body, "enabled", TRUE, &enabled, &error) ||
      !cb_changes_set_require_encryption (api->changes, me, enabled, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  cb_api_reply_me (api, request, me);
}

static void
put_announcement (CbRequest *request,
                  gpointer   user_data)
{
  CbApi *api = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  SoupMessageBody *body = soup_server_message_get_request_body (request->msg);
  g_autoptr(GBytes) audio = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *type = NULL;
  const guint8 *data;
  gsize length = 0;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;

  /* The router took only the audio types, in any case. */
  type = g_ascii_strdown (soup_message_headers_get_content_type (headers, NULL) != NULL
                          ? soup_message_headers_get_content_type (headers, NULL) : "", -1);
  if (body != NULL)
    audio = soup_message_body_flatten (body);
  data = audio != NULL ? g_bytes_get_data (audio, &length) : NULL;
  if (length == 0)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "The body must be the announcement's audio (audio/wav, audio/ogg or audio/mpeg)");
      return;
    }
  /* The HTTP server stops larger bodies before they are read; this is
   * the same limit, should one get here some other way. */
  if (length > api->config->max_announcement)
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_PAYLOAD_TOO_LARGE,
                      "An announcement may have at most %" G_GSIZE_FORMAT " bytes",
                      api->config->max_announcement);
      return;
    }
  if (!cb_audio_check (type, data, length, &error) ||
      !cb_changes_set_announcement (api->changes, me, type, audio, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  cb_api_reply_me (api, request, me);
}

static void
get_announcement (CbRequest *request,
                  gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(GBytes) audio = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *type = NULL;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;

  audio = cb_store_get_announcement (api->store, me, &type, &error);
  if (audio == NULL)
    {
      if (g_error_matches (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND))
        cb_reply_error (request->msg, CB_PROTOCOL_ERROR_NOT_FOUND, "You have no announcement");
      else
        cb_reply_gerror (request->msg, error);
      return;
    }
  soup_server_message_set_status (request->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (request->msg, type, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (audio, NULL), g_bytes_get_size (audio));
}

static void
delete_announcement (CbRequest *request,
                     gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(GError) error = NULL;
  gint64 me;

  if ((me = cb_api_require_user (api, request, NULL)) == 0)
    return;

  if (!cb_changes_delete_announcement (api->changes, me, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  cb_api_reply_me (api, request, me);
}

void
cb_api_call_settings_register (CbRouter *router,
                               CbApi    *api)
{
  cb_router_add (router, "PUT", CB_API_PREFIX "/me/diversion", put_diversion, api);
  cb_router_add (router, "PUT", CB_API_PREFIX "/me/mobile-ringing", put_mobile_ringing, api);
  cb_router_add (router, "PUT", CB_API_PREFIX "/me/require-encryption", put_require_encryption, api);
  cb_router_add_upload (router, "PUT", CB_API_PREFIX "/me/announcement", cb_audio_media_types,
                        api->config->max_announcement, put_announcement, api);
  cb_router_add (router, "GET", CB_API_PREFIX "/me/announcement", get_announcement, api);
  cb_router_add (router, "DELETE", CB_API_PREFIX "/me/announcement", delete_announcement, api);
}
