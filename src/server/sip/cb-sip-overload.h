/* cb-sip-overload.h: new calls refused at once (503) past the configured load
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Past its knee a SIP server that takes every INVITE falls behind on all
 * of them: the kernel drops datagrams, retransmissions add to the load,
 * and call setup takes seconds for everyone (3.6 s at p99 in issue 14's
 * measurement). Refusing what is beyond the limit at once, with
 * 503 Service Unavailable and a Retry-After, costs little and keeps the
 * calls taken (and REST, WebSocket, REGISTER, every request in a dialog)
 * quick. Two limits, each off at 0: calls being set up at once (ringing,
 * neither answered nor ended), and new calls per second (a token bucket
 * that holds one second's worth). The server asks before it looks at the
 * INVITE's credentials or makes any call object.
 */

#pragma once

#include <glib.h>

#include "cb-clock.h"

G_BEGIN_DECLS

typedef struct _CbSipOverload CbSipOverload;

/* max_setups: calls being set up at once, max_rate: new calls per
 * second; 0: no limit. */
CbSipOverload *cb_sip_overload_new       (guint          max_setups,
                                          guint          max_rate);
void           cb_sip_overload_free      (CbSipOverload *self);
/* NULL (the default): the system clock. */
void           cb_sip_overload_set_clock (CbSipOverload *self,
                                          CbClock       *clock);
/* Whether a new call's INVITE may go on with setting_up calls being set
 * up now. One with credentials spends a second's share of the rate; one
 * without (about to be challenged) only needs one left, so that a call
 * counts once. FALSE: answer 503 with cb_sip_overload_retry_after();
 * the refusals are logged at most once every 10 s. */
gboolean       cb_sip_overload_admit     (CbSipOverload *self,
                                          guint          setting_up,
                                          gboolean       credentials);
/* The Retry-After of a refusal: 2 to 5 s, spread so that the refused do
 * not all come back at once. */
guint          cb_sip_overload_retry_after (CbSipOverload *self);
/* INVITEs refused so far. */
guint64        cb_sip_overload_refused   (CbSipOverload *self);

G_END_DECLS
