/* cb-api-events.h: the WebSocket side of GET /api/v1/events
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define CB_API_EVENTS_PATH "/api/v1/events"

/* A SoupServerWebsocketCallback; user_data is the CbApi. */
void cb_api_events_accept (SoupServer              *server,
                           SoupServerMessage       *msg,
                           const char              *path,
                           SoupWebsocketConnection *connection,
                           gpointer                 user_data);

G_END_DECLS
