/* cb-sip-auth-throttle.h: failed SIP digests slowed, then refused, per source address and per user
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "cb-clock.h"

G_BEGIN_DECLS

typedef struct _CbSipAuthThrottle CbSipAuthThrottle;

/* free_failures: failures that cost nothing; then each one blocks for a
 * growing time (1 s, doubling, up to max_block_s); failures are
 * forgotten window_s after the last one. */
CbSipAuthThrottle *cb_sip_auth_throttle_new       (guint               free_failures,
                                                   guint               max_block_s,
                                                   guint               window_s);
void               cb_sip_auth_throttle_free      (CbSipAuthThrottle  *self);
/* NULL (the default): the system clock. */
void               cb_sip_auth_throttle_set_clock (CbSipAuthThrottle  *self,
                                                   CbClock            *clock);

/* Whether an attempt to authenticate as `username` from `address` (an IP
 * address as text) may be looked at now. FALSE: refuse it unheard; the
 * attempt counts towards the next block, without making this one longer.
 *
 * Three counts decide: the address with this user (always), the address
 * with any user, and the user from any address, counting each address
 * once, so that one address cannot lock a user out elsewhere. The last
 * two spare an address this user recently authenticated from (a phone
 * behind the same NAT as an attacker keeps working). */
gboolean           cb_sip_auth_throttle_allow     (CbSipAuthThrottle  *self,
                                                   const char         *address,
                                                   const char         *username);
void               cb_sip_auth_throttle_failed    (CbSipAuthThrottle  *self,
                                                   const char         *address,
                                                   const char         *username);
void               cb_sip_auth_throttle_succeeded (CbSipAuthThrottle  *self,
                                                   const char         *address,
                                                   const char         *username);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbSipAuthThrottle, cb_sip_auth_throttle_free)

G_END_DECLS
