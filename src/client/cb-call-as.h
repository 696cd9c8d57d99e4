/* cb-call-as.h: whom the user's calls present: themself, or a leader they assist ("call as")
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An assistant logged into an assistant group may place calls as its
 * leader: the callee sees the leader. This object follows the store and
 * holds the choice for as long as the session lives (a reconnect or a
 * new snapshot keeps it); a leader whose group the user leaves falls
 * back to the user.
 *
 * Properties: store (CbClientStore, construct-only), identities
 * (GListModel of CbContact: the user first, then the leaders of the
 * assistant groups they are logged into, by name), identity (CbContact:
 * the one chosen, the user unless a leader is; NULL before the store
 * knows the user), as-user-id (gint64: the chosen leader's id, 0 while
 * it is the user), available (bool: there is a leader to choose).
 *
 * The action group (cb_call_as_get_action_group()) has one stateful
 * action, "identity" (int64 parameter and state: a leader's user id, or
 * 0 for the user), for menus with one radio item per identity.
 */

#pragma once

#include "cb-client-store.h"

G_BEGIN_DECLS

#define CB_TYPE_CALL_AS (cb_call_as_get_type ())
G_DECLARE_FINAL_TYPE (CbCallAs, cb_call_as, CB, CALL_AS, GObject)

CbCallAs     *cb_call_as_new              (CbClientStore *store);
GListModel   *cb_call_as_get_identities   (CbCallAs      *self);
CbContact    *cb_call_as_get_identity     (CbCallAs      *self);
gint64        cb_call_as_get_as_user_id   (CbCallAs      *self);
gboolean      cb_call_as_get_available    (CbCallAs      *self);
/* @user_id: a leader in identities, or 0 (or the user's own id) for the
 * user; FALSE, changing nothing, for anyone else. */
gboolean      cb_call_as_set_as_user_id   (CbCallAs      *self,
                                           gint64         user_id);
GActionGroup *cb_call_as_get_action_group (CbCallAs      *self);

G_END_DECLS
