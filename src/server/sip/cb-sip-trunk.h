/* cb-sip-trunk.h: the SIP trunk: external numbers to an upstream proxy, its calls in
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "cb-sip-types.h"

G_BEGIN_DECLS

typedef struct _CbSipTrunk CbSipTrunk;

/* The [trunk] settings (borrowed, they outlive the trunk) with our own
 * SIP address, which its From carries. Without a valid proxy there is no
 * trunk: every number is refused and nothing comes from upstream. */
CbSipTrunk *cb_sip_trunk_new           (const CbSipSettings *settings,
                                        const char          *address,
                                        guint                port);
void        cb_sip_trunk_free          (CbSipTrunk *self);

/* "sip:HOST" or "sip:HOST:PORT" (an IPv6 HOST in brackets), read by
 * sofia-sip's URI parser: *host keeps the brackets, *port is 5060 when
 * not given. FALSE for anything else (a user part, parameters, another
 * scheme, a port outside 1–65535). */
gboolean    cb_sip_trunk_parse_proxy   (const char  *proxy,
                                        char       **host,
                                        guint       *port);

/* The Request-URI of `number` at the upstream proxy ([trunk] prefix
 * stripped), or NULL when there is no trunk or the number is not for it. */
char       *cb_sip_trunk_request_uri   (CbSipTrunk *self,
                                        const char *number);
/* The From header of a call that `number` (an extension) makes out. */
char       *cb_sip_trunk_from          (CbSipTrunk *self,
                                        const char *display,
                                        const char *number);
/* Whether a request that came from address:port (where the transport
 * received it from, see cb_sip_server_request_source()) is the upstream
 * proxy's. */
gboolean    cb_sip_trunk_is_upstream   (CbSipTrunk  *self,
                                        const char  *address,
                                        guint        port);
/* The caller's number of a call coming in over the trunk, the prefix
 * added so that it can be dialled back. */
char       *cb_sip_trunk_caller_number (CbSipTrunk  *self,
                                        const sip_t *sip);
/* Answers the upstream's 401/407 with the [trunk] credentials, a bounded
 * number of times; FALSE when it cannot (the call then fails). */
gboolean    cb_sip_trunk_authenticate  (CbSipTrunk   *self,
                                        nua_handle_t *nh,
                                        const sip_t  *sip,
                                        guint        *attempts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbSipTrunk, cb_sip_trunk_free)

G_END_DECLS
