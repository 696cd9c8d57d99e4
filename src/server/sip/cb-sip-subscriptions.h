/* cb-sip-subscriptions.h: desk phones' lamps over SIP: SUBSCRIBE and NOTIFY for the dialog and presence event packages
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-sip-server-private.h"

G_BEGIN_DECLS

/* The event packages notified (sofia answers 489 Bad Event to others). */
#define CB_SIP_SUBSCRIPTION_EVENTS "dialog, presence"

/* Created once the stack runs; the server outlives it. */
CbSipSubscriptions *cb_sip_subscriptions_new           (CbSipServer *server);
/* Releases every handle left (call cb_sip_subscriptions_shutdown() first). */
void                cb_sip_subscriptions_free          (CbSipSubscriptions *self);
/* Subscriptions the last run had (the store keeps their dialogs): each
 * subscriber is told in its dialog to subscribe again at once
 * (terminated;reason=deactivated, RFC 6665 §4.1.3). */
void                cb_sip_subscriptions_restore       (CbSipSubscriptions *self);
/* nua_i_subscribe: a new SUBSCRIBE (no magic), or a refresh or an
 * unsubscribe in a subscription's dialog. */
void                cb_sip_subscriptions_subscribe     (CbSipSubscriptions *self,
                                                        const CbSipEvent   *event);
/* Other events of the subscriptions' handles (their NOTIFYs' answers). */
void                cb_sip_subscriptions_event         (CbSipSubscriptions *self,
                                                        const CbSipEvent   *event);
/* The calls of a user, or those ringing in a hunt group, changed: their
 * dialog subscribers get a NOTIFY (changes coming together make one). */
void                cb_sip_subscriptions_user_changed  (CbSipSubscriptions *self,
                                                        gint64              user_id);
void                cb_sip_subscriptions_group_changed (CbSipSubscriptions *self,
                                                        gint64              group_id);
/* A final NOTIFY (terminated;reason=deactivated) to every subscriber,
 * then waits a little for their answers (iterates the default context).
 * Nothing is notified after. */
void                cb_sip_subscriptions_shutdown      (CbSipSubscriptions *self);
/* Live subscriptions (restored dialogs and fetches not counted). */
guint               cb_sip_subscriptions_count         (CbSipSubscriptions *self);

G_END_DECLS
