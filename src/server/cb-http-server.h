/* cb-http-server.h: the HTTP(S) listener in front of the router
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "cb-router.h"
#include "cb-server-config.h"

G_BEGIN_DECLS

#define CB_TYPE_HTTP_SERVER (cb_http_server_get_type ())
G_DECLARE_FINAL_TYPE (CbHttpServer, cb_http_server, CB, HTTP_SERVER, GObject)

/* Limits from config: max_body, request_timeout, idle_timeout,
 * tls_priority. */
CbHttpServer *cb_http_server_new            (CbRouter                    *router,
                                             const CbServerConfig        *config);
/* Routes WebSocket upgrades on path: the router's route for path runs
 * first (it authenticates and may refuse); callback gets the accepted
 * connection. */
void          cb_http_server_add_websocket  (CbHttpServer                *self,
                                             const char                  *path,
                                             SoupServerWebsocketCallback  callback,
                                             gpointer                     user_data);
/* address: an IP address or a host name; port 0 picks a free one. With
 * certificate and key (PEM files) it serves https only. */
gboolean      cb_http_server_listen         (CbHttpServer                *self,
                                             const char                  *address,
                                             guint                        port,
                                             const char                  *certificate,
                                             const char                  *key,
                                             GError                     **error);
/* "http://127.0.0.1:8480" once listening. */
const char   *cb_http_server_get_url        (CbHttpServer                *self);
void          cb_http_server_disconnect     (CbHttpServer                *self);

G_END_DECLS
