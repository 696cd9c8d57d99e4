/* cb-sip-trunk.h: the SIP trunk: external numbers to an upstream proxy, its calls in
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-sip-private.h"

G_BEGIN_DECLS

/* The Request-URI of `number` at the upstream proxy ([trunk] prefix
 * stripped), or NULL when there is no trunk or the number is not for it. */
char     *_cb_sip_trunk_request_uri   (CbSipRegistrar *self,
                                       const char     *number);
/* The From header of a call that `number` (an extension) makes out. */
char     *_cb_sip_trunk_from          (CbSipRegistrar *self,
                                       const char     *display,
                                       const char     *number);
/* Whether a request came from the upstream proxy's address. */
gboolean  _cb_sip_trunk_is_upstream   (CbSipRegistrar *self,
                                       const sip_t    *sip);
/* The caller's number of a call coming in over the trunk, the prefix
 * added so that it can be dialled back. */
char     *_cb_sip_trunk_caller_number (CbSipRegistrar *self,
                                       const sip_t    *sip);
/* Answers the upstream's 401/407 with the [trunk] credentials, a bounded
 * number of times; FALSE when it cannot (the call then fails). */
gboolean  _cb_sip_trunk_authenticate  (CbSipRegistrar *self,
                                       nua_handle_t   *nh,
                                       const sip_t    *sip,
                                       guint          *attempts);

G_END_DECLS
