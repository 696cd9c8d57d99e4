/* cb-sip-feature-codes.h: what a phone can do by dialling a star code
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-sip-router.h"

G_BEGIN_DECLS

/* Handles an INVITE (nh, ours to answer and drop) from user caller_id to
 * a feature code (target->kind CB_SIP_TARGET_FEATURE_CODE). */
void cb_sip_feature_code (CbSipServer       *server,
                          nua_handle_t      *nh,
                          const sip_t       *sip,
                          gint64             caller_id,
                          const CbSipTarget *target);

G_END_DECLS
