/* cb-api.c: what the REST handlers share
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-api"

#include "cb-api.h"
#include "cb-projection.h"

void
cb_api_reply_me (CbApi     *api,
                 CbRequest *request,
                 gint64     me)
{
  g_autoptr(JsonObject) object =
    cb_projection_user (api->directory, cb_directory_get_user (api->directory, me), CB_LEVEL_PERSONAL);

  cb_reply_object (request->msg, SOUP_STATUS_OK, object);
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
