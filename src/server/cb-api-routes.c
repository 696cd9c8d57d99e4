/* cb-api-routes.c: every route of the REST API, in the order PROTOCOL.md lists them
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Apart from cb-api.c, which the handler files use, so that the handlers
 * and what they share form no loop.
 */

#define G_LOG_DOMAIN "cb-api-routes"

#include "cb-api.h"

void
cb_api_register_all (CbRouter *router,
                     CbApi    *api)
{
  cb_api_health_register (router, api);
  cb_api_session_register (router, api);
  cb_api_snapshot_register (router, api);
  cb_api_me_register (router, api);
  cb_api_call_settings_register (router, api);
  cb_api_blf_register (router, api);
  cb_api_journal_register (router, api);
  cb_api_telephony_register (router, api);
  cb_api_groups_register (router, api);
  cb_api_directory_register (router, api);
  cb_api_admin_register (router, api);
  cb_api_events_register (router, api);
}
