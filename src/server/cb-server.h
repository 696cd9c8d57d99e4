/* cb-server.h: callboardd put together: store, auth, directory, events, routes
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-router.h"
#include "cb-server-config.h"
#include "cb-store.h"

G_BEGIN_DECLS

#define CB_TYPE_SERVER (cb_server_get_type ())
G_DECLARE_FINAL_TYPE (CbServer, cb_server, CB, SERVER, GObject)

/* Opens the database, runs the configured import and loads the directory.
 * config is borrowed and must outlive the server. */
CbServer    *cb_server_new        (const CbServerConfig  *config,
                                   GError               **error);
/* Listens and starts the periodic work (and the demo simulation). */
gboolean     cb_server_start      (CbServer              *self,
                                   GError               **error);
/* Closes event streams and listeners; the object stays usable for reading. */
void         cb_server_stop       (CbServer              *self);
/* "http://127.0.0.1:8480" after start. */
const char  *cb_server_get_url    (CbServer              *self);
CbRouter    *cb_server_get_router (CbServer              *self);
CbStore     *cb_server_get_store  (CbServer              *self);

/* "sip:HOST:PORT" after start; NULL when SIP is not running. */
const char  *cb_server_get_sip_uri (CbServer              *self);
const char  *cb_server_get_sips_uri (CbServer             *self);
/* The demo's simulated colleagues' phones once started, else NULL
 * (cb-demo-phones.h). */
typedef struct _CbDemoPhones CbDemoPhones;
CbDemoPhones *cb_server_get_demo_phones (CbServer         *self);

G_END_DECLS
