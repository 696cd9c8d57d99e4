/* cb-api.h: what the REST handlers share, and the state changes they make
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The change functions (cb_api_set_presence() …) are the one code path
 * for a change: REST handlers and the demo simulator both call them, and
 * each persists the change and its event in one transaction, mirrors it
 * in memory and publishes the event.
 */

#pragma once

#include "cb-auth.h"
#include "cb-event-hub.h"
#include "cb-directory.h"
#include "cb-router.h"
#include "cb-server-config.h"

G_BEGIN_DECLS

typedef struct _CbSipRegistrar CbSipRegistrarRef;

typedef struct {
  const CbServerConfig *config;
  CbStore              *store;
  CbAuth               *auth;
  CbDirectory        *directory;
  CbEventHub           *hub;
  CbSipRegistrarRef    *sip;     /* NULL when SIP is not running */
} CbApi;

/* Route registration, one per file. */
void        cb_api_health_register    (CbRouter *router, CbApi *api);
void        cb_api_session_register   (CbRouter *router, CbApi *api);
void        cb_api_snapshot_register  (CbRouter *router, CbApi *api);
void        cb_api_me_register        (CbRouter *router, CbApi *api);
void        cb_api_groups_register    (CbRouter *router, CbApi *api);
void        cb_api_directory_register (CbRouter *router, CbApi *api);
void        cb_api_admin_register     (CbRouter *router, CbApi *api);
void        cb_api_events_register    (CbRouter *router, CbApi *api);
void        cb_api_telephony_register (CbRouter *router, CbApi *api);
/* All of the above, in the order PROTOCOL.md lists the routes. */
void        cb_api_register_all       (CbRouter *router, CbApi *api);

/* The signed-in user, or 0 after answering 401. */
gint64      cb_api_require_user       (CbApi      *api,
                                       CbRequest  *request,
                                       char      **token_hash);
/* Runs a change's store steps in a transaction with its events: the
 * callback does the store writes and cb_event_hub_record() calls. On
 * success the caller mirrors the change in memory, then calls
 * cb_event_hub_flush(). */
typedef gboolean (*CbApiTransaction) (CbApi    *api,
                                      gpointer  data,
                                      GError  **error);
gboolean    cb_api_transact           (CbApi            *api,
                                       CbApiTransaction  func,
                                       gpointer          data,
                                       GError          **error);

/* The changes (cb-api-me.c, cb-api-groups.c). */
gboolean    cb_api_set_presence       (CbApi          *api,
                                       gint64          user_id,
                                       CbAvailability  availability,
                                       const char     *note,
                                       GError        **error);
gboolean    cb_api_set_agent_status   (CbApi          *api,
                                       gint64          user_id,
                                       CbAgentStatus   status,
                                       GError        **error);
gboolean    cb_api_set_line_state     (CbApi          *api,
                                       gint64          user_id,
                                       CbLineState     state,
                                       GError        **error);
/* Errors: FORBIDDEN when not a member, CONFLICT when not a hunt group. */
gboolean    cb_api_set_group_login    (CbApi          *api,
                                       gint64          user_id,
                                       gint64          group_id,
                                       gboolean        logged_in,
                                       GError        **error);

/* The user's list followed by what their groups distribute, without
 * duplicates or users the owner cannot see. */
GArray     *cb_api_effective_list     (CbApi          *api,
                                       gint64          user_id,
                                       CbListKind      kind,
                                       GError        **error);

/* The user object at personal level, as the log keeps it. */
JsonObject *cb_api_full_user          (CbApi              *api,
                                       const CbUserRecord *user);
/* A "resync" event for everyone whose view may have changed. */
gboolean    cb_api_record_resync      (CbApi          *api,
                                       GHashTable     *user_ids,
                                       GError        **error);

G_END_DECLS
