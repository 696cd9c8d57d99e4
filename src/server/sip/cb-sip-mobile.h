/* cb-sip-mobile.h: ring the mobile too: a user's mobile number as one more fork of their call, over the trunk
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-sip-b2bua-private.h"

G_BEGIN_DECLS

/* The number the user's mobile rings at with their calls: ringing it is
 * on, they have a mobile number and the trunk takes it; else NULL. */
char     *cb_sip_mobile_number (CbSipServer *server,
                                gint64       user_id);
/* *delay: seconds after their phones (0: with them). */
guint     cb_sip_mobile_delay  (CbSipServer *server,
                                gint64       user_id);
/* Rings `number` over the trunk as a fork of the callee's own (the
 * first answer wins, as with their phones); the original caller in From
 * where the trunk allows, and in P-Asserted-Identity. FALSE when the
 * trunk does not take it. */
gboolean  cb_sip_mobile_ring   (CbB2buaCall *call,
                                const char  *number);

G_END_DECLS
