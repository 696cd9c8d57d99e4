/* cb-api.h: what the REST handlers share
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Handlers parse and check a request, call the service layer
 * (CbChanges) for a change, and answer. They hold no state of their own.
 */

#pragma once

#include "cb-auth.h"
#include "cb-changes.h"
#include "cb-event-hub.h"
#include "cb-router.h"
#include "cb-server-config.h"
#include "cb-sip-server.h"

G_BEGIN_DECLS

/* What every route handler reaches. Changes go through `changes` (the
 * service layer); reads may use the directory and the store directly. */
typedef struct {
  const CbServerConfig *config;
  CbStore              *store;
  CbAuth               *auth;
  CbDirectory          *directory;
  CbChanges            *changes;
  CbEventHub           *hub;
  CbSipServer          *sip;     /* NULL when SIP is not running */
} CbApi;

/* Route registration, one per file. */
void        cb_api_health_register    (CbRouter *router, CbApi *api);
void        cb_api_session_register   (CbRouter *router, CbApi *api);
void        cb_api_snapshot_register  (CbRouter *router, CbApi *api);
void        cb_api_me_register        (CbRouter *router, CbApi *api);
void        cb_api_call_settings_register (CbRouter *router, CbApi *api);
void        cb_api_blf_register       (CbRouter *router, CbApi *api);
void        cb_api_journal_register   (CbRouter *router, CbApi *api);
void        cb_api_groups_register    (CbRouter *router, CbApi *api);
void        cb_api_directory_register (CbRouter *router, CbApi *api);
void        cb_api_admin_register     (CbRouter *router, CbApi *api);
void        cb_api_events_register    (CbRouter *router, CbApi *api);
void        cb_api_telephony_register (CbRouter *router, CbApi *api);
/* All of the above, in the order PROTOCOL.md lists the routes. */
void        cb_api_register_all       (CbRouter *router, CbApi *api);

/* Answers 200 with the user's own object (personal level): what the
 * routes that change one's own state answer. */
void        cb_api_reply_me           (CbApi      *api,
                                       CbRequest  *request,
                                       gint64      me);
/* The signed-in user, or 0 after answering 401. */
gint64      cb_api_require_user       (CbApi      *api,
                                       CbRequest  *request,
                                       char      **token_hash);

G_END_DECLS
