/* cb-sip-server-private.h: what the parts of the SIP server ask it for
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server owns the stack and the parts; each part keeps a pointer to
 * it and asks here for the others, and for what the whole side shares.
 */

#pragma once

#include "cb-sip-types.h"

G_BEGIN_DECLS

/* NULL while stopped. */
nua_t               *cb_sip_server_get_nua           (CbSipServer *self);
/* Our IP address (the [sip] listen address), NULL while stopped. */
const char          *cb_sip_server_get_address       (CbSipServer *self);
CbChanges           *cb_sip_server_get_changes       (CbSipServer *self);
CbDirectory         *cb_sip_server_get_directory     (CbSipServer *self);
CbStore             *cb_sip_server_get_store         (CbSipServer *self);
const CbSipSettings *cb_sip_server_get_settings      (CbSipServer *self);
CbSipRegistrar      *cb_sip_server_get_registrar     (CbSipServer *self);
CbSipB2bua          *cb_sip_server_get_b2bua         (CbSipServer *self);
/* NULL while stopped. */
CbSipQueue          *cb_sip_server_get_queue         (CbSipServer *self);
/* Without a [trunk] proxy a trunk that refuses every number. */
CbSipTrunk          *cb_sip_server_get_trunk         (CbSipServer *self);
/* NULL while stopped. */
CbSipSubscriptions  *cb_sip_server_get_subscriptions (CbSipServer *self);

/* Our Contact in a dialog with a device, when the server listens on TLS
 * too: "<sip:ADDRESS:TLSPORT;transport=tls>" for a device on TLS, else
 * "<sip:ADDRESS:PORT>". sofia-sip would write sips: for TLS, which libre
 * (baresip) cannot send to, and on loopback it writes that for every
 * device once TLS listens. NULL without TLS (or on a wildcard address):
 * sofia's own is right then. Use CB_SIP_CONTACT_TAGS (cb-sip-tls.h). */
const char          *cb_sip_server_contact           (CbSipServer *self,
                                                      gboolean     tls);

/* Where the request of the nua event being handled came from: the
 * transport's source address (its IP as text) and port, not what its Via
 * claims. FALSE outside an event's handling or when unknown. */
gboolean             cb_sip_server_request_source    (CbSipServer  *self,
                                                      char        **address,
                                                      guint        *port);

/* Derives the user's line state from calls, queue and bindings and
 * publishes it when it changed; a queue looks again whether the user can
 * take its calls. */
void                 cb_sip_server_update_line_state (CbSipServer *self,
                                                      gint64       user_id);

G_END_DECLS
