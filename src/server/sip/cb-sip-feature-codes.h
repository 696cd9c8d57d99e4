/* cb-sip-feature-codes.h: what a phone can do by dialling a star code
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-sip-router.h"

G_BEGIN_DECLS

/* Handles an INVITE from one of our users to a feature code
 * (target->kind CB_SIP_TARGET_FEATURE_CODE): answers and drops it. */
void cb_sip_feature_code (CbSipServer       *server,
                          const CbSipInvite *invite,
                          const CbSipTarget *target);

G_END_DECLS
