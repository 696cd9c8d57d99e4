/* cb-event-hub.h: the event log's live side: WebSocket clients, replay, fan-out
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "cb-auth.h"
#include "cb-directory.h"
#include "cb-event-log.h"
#include "cb-server-config.h"

G_BEGIN_DECLS

#define CB_TYPE_EVENT_HUB (cb_event_hub_get_type ())
G_DECLARE_FINAL_TYPE (CbEventHub, cb_event_hub, CB, EVENT_HUB, GObject)

/* Sends what `log` publishes to the streams of those entitled. */
CbEventHub *cb_event_hub_new           (CbStore              *store,
                                        CbDirectory          *directory,
                                        CbEventLog           *log,
                                        CbAuth               *auth,
                                        const CbServerConfig *config);

/* Takes over an accepted WebSocket: replays after since (-1: live only),
 * then streams. */
void        cb_event_hub_accept        (CbEventHub              *self,
                                        SoupWebsocketConnection *connection,
                                        gint64                   user_id,
                                        const char              *token_hash,
                                        gint64                   since);
/* Closes the streams opened with a token that was just revoked. */
void        cb_event_hub_close_token   (CbEventHub *self,
                                        const char *token_hash);
/* Closes every stream (server shutdown). */
void        cb_event_hub_close_all     (CbEventHub              *self);
guint       cb_event_hub_get_n_clients (CbEventHub              *self);

G_END_DECLS
