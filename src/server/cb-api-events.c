/* cb-api-events.c: GET /api/v1/events, the WebSocket handshake
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsoup runs the route (plain handler) before it accepts the upgrade:
 * the route authenticates and answers 401 to refuse; otherwise it leaves
 * the status unset, and libsoup completes the handshake and calls
 * cb_api_events_accept() with the same message.
 */

#define G_LOG_DOMAIN "cb-api-events"

#include "cb-api.h"
#include "cb-api-events.h"

#define HANDSHAKE_KEY "cb-events-handshake"

typedef struct {
  gint64  user_id;
  gint64  since;
  char   *token_hash;
} Handshake;

static void
handshake_free (Handshake *handshake)
{
  g_free (handshake->token_hash);
  g_free (handshake);
}

static void
get_events (CbRequest *request,
            gpointer   user_data)
{
  CbApi *api = user_data;
  g_autofree char *token_hash = NULL;
  const char *since_text = request->query != NULL ? g_hash_table_lookup (request->query, "since") : NULL;
  guint64 since = 0;
  Handshake *handshake;
  gint64 me;

  if ((me = cb_api_require_user (api, request, &token_hash)) == 0)
    return;

  if (since_text != NULL &&
      !g_ascii_string_to_unsigned (since_text, 10, 0, G_MAXINT64, &since, NULL))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_INVALID_FIELD,
                      "Field “since” must be a sequence number");
      return;
    }

  handshake = g_new0 (Handshake, 1);
  handshake->user_id = me;
  handshake->since = since_text != NULL ? (gint64) since : -1;
  handshake->token_hash = g_steal_pointer (&token_hash);
  g_object_set_data_full (G_OBJECT (request->msg), HANDSHAKE_KEY, handshake,
                          (GDestroyNotify) handshake_free);
}

void
cb_api_events_accept (SoupServer              *server,
                      SoupServerMessage       *msg,
                      const char              *path,
                      SoupWebsocketConnection *connection,
                      gpointer                 user_data)
{
  CbApi *api = user_data;
  Handshake *handshake = g_object_get_data (G_OBJECT (msg), HANDSHAKE_KEY);

  if (handshake == NULL)
    {
      /* Cannot happen: the route refuses without it. Be safe anyway. */
      g_message ("WebSocket without an authenticated handshake: closing");
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, NULL);
      return;
    }

  cb_event_hub_accept (api->hub, connection, handshake->user_id, handshake->token_hash,
                       handshake->since);
}

void
cb_api_events_register (CbRouter *router,
                        CbApi    *api)
{
  cb_router_add (router, "GET", CB_API_PREFIX "/events", get_events, api);
}
