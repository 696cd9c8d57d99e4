/* cb-api-health.c: GET /api/v1/health
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-api-health"

#include "config.h"

#include "cb-api.h"

static void
get_health (CbRequest *request,
            gpointer   user_data)
{
  g_autoptr(JsonObject) object = json_object_new ();

  /* No auth and no store access: monitoring may poll it freely. */
  json_object_set_string_member (object, "status", "ok");
  json_object_set_string_member (object, "version", PACKAGE_VERSION);
  cb_reply_object (request->msg, SOUP_STATUS_OK, object);
}

void
cb_api_health_register (CbRouter *router,
                        CbApi    *api)
{
  cb_router_add (router, "GET", CB_API_PREFIX "/health", get_health, api);
}
