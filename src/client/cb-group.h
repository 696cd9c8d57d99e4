/* cb-group.h: a group (authorisation, hunt or assistant group) and its members
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: id (gint64), name, kind (CbGroupKind), number, strategy
 * (CbRingStrategy), member-timeout (uint), level (CbLevel), leader
 * (CbContact, may be NULL), deputy (CbContact, may be NULL), logged-in (bool:
 * the signed-in user's own login), is-member (bool), members (GListModel of
 * CbGroupMember, in ringing order), logged-in-count (uint), wrap-around
 * (bool), leader-level (CbLevel), and for queues queue-order (string, e.g.
 * "longest-idle"), queue-waiting (uint: callers waiting now),
 * queue-oldest-waiting-since (gint64 unix seconds, 0 when nobody waits),
 * queue-answered and queue-abandoned (uint, since the server started),
 * ringing (uint: calls ringing at its members now, hunt groups only; a
 * busy lamp field key for the group lights while it is not 0), and for
 * assistant groups (whose leader is the person assisted, the members
 * the assistants) filter-enabled (bool), filter (CbAssistantFilter),
 * filter-delay (uint seconds) and logout-allowed (bool).
 */

#pragma once

#include "cb-contact.h"
#include "cb-group-member.h"

G_BEGIN_DECLS

#define CB_TYPE_GROUP (cb_group_get_type ())
G_DECLARE_FINAL_TYPE (CbGroup, cb_group, CB, GROUP, GObject)

gint64          cb_group_get_id            (CbGroup *self);
const char     *cb_group_get_name          (CbGroup *self);
CbGroupKind     cb_group_get_kind          (CbGroup *self);
const char     *cb_group_get_number        (CbGroup *self);
CbRingStrategy  cb_group_get_strategy      (CbGroup *self);
guint           cb_group_get_member_timeout(CbGroup *self);
gboolean        cb_group_get_logged_in     (CbGroup *self);
gboolean        cb_group_get_is_member     (CbGroup *self);
GListModel     *cb_group_get_members       (CbGroup *self);
guint           cb_group_get_logged_in_count (CbGroup *self);
CbLevel         cb_group_get_level         (CbGroup *self);
CbLevel         cb_group_get_leader_level  (CbGroup *self);
gboolean        cb_group_get_wrap_around   (CbGroup *self);
/* NULL when unset or not visible to the viewer. */
CbContact      *cb_group_get_leader        (CbGroup *self);
CbContact      *cb_group_get_deputy        (CbGroup *self);
const char     *cb_group_get_queue_order   (CbGroup *self);
guint           cb_group_get_queue_waiting (CbGroup *self);
gint64          cb_group_get_queue_oldest_waiting_since (CbGroup *self);
guint           cb_group_get_queue_answered (CbGroup *self);
guint           cb_group_get_queue_abandoned (CbGroup *self);
guint           cb_group_get_ringing       (CbGroup *self);
gboolean        cb_group_get_filter_enabled (CbGroup *self);
CbAssistantFilter cb_group_get_filter      (CbGroup *self);
guint           cb_group_get_filter_delay  (CbGroup *self);
gboolean        cb_group_get_logout_allowed (CbGroup *self);
/* Every member's user id in ringing order, including members the viewer
 * cannot see (a reordering must name them all). */
GArray         *cb_group_dup_member_ids    (CbGroup *self);
/* NULL when the viewer may not see that member's login. */
CbGroupMember  *cb_group_find_member       (CbGroup *self,
                                            gint64   user_id);

G_END_DECLS
