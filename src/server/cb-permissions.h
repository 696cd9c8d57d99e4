/* cb-permissions.h: the in-memory directory and who may see whom
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-store.h"

G_BEGIN_DECLS

#define CB_TYPE_PERMISSIONS (cb_permissions_get_type ())
G_DECLARE_FINAL_TYPE (CbPermissions, cb_permissions, CB, PERMISSIONS, GObject)

CbPermissions       *cb_permissions_new              (CbLevel         default_level);
/* Replaces everything with the store's users and groups. */
gboolean             cb_permissions_load             (CbPermissions  *self,
                                                      CbStore        *store,
                                                      GError        **error);

/* Mirror of what was committed to the store (copies are kept). */
void                 cb_permissions_put_user         (CbPermissions        *self,
                                                      const CbUserRecord   *record);
void                 cb_permissions_put_group        (CbPermissions        *self,
                                                      const CbGroupRecord  *record);
void                 cb_permissions_set_presence     (CbPermissions  *self,
                                                      gint64          user_id,
                                                      CbAvailability  availability,
                                                      const char     *note);
void                 cb_permissions_set_agent_status (CbPermissions  *self,
                                                      gint64          user_id,
                                                      CbAgentStatus   status);
void                 cb_permissions_set_line_state   (CbPermissions  *self,
                                                      gint64          user_id,
                                                      CbLineState     state);
void                 cb_permissions_set_group_login  (CbPermissions  *self,
                                                      gint64          group_id,
                                                      gint64          user_id,
                                                      gboolean        logged_in);

/* Borrowed; valid until the next put for that id. */
const CbUserRecord  *cb_permissions_get_user         (CbPermissions  *self,
                                                      gint64          user_id);
const CbGroupRecord *cb_permissions_get_group        (CbPermissions  *self,
                                                      gint64          group_id);
const CbUserRecord  *cb_permissions_find_user        (CbPermissions  *self,
                                                      const char     *username);
/* Borrowed arrays of borrowed records, ordered by id. */
GPtrArray           *cb_permissions_list_users       (CbPermissions  *self);
GPtrArray           *cb_permissions_list_groups      (CbPermissions  *self);
/* Groups the user is a member of (borrowed CbGroupRecord), by id. */
GPtrArray           *cb_permissions_member_of        (CbPermissions  *self,
                                                      gint64          user_id);

/* level(viewer, target) as PROTOCOL.md defines it; NONE for unknown ids. */
CbLevel              cb_permissions_level            (CbPermissions  *self,
                                                      gint64          viewer,
                                                      gint64          target);
/* Member, leader, deputy, or admin. */
gboolean             cb_permissions_can_see_group    (CbPermissions  *self,
                                                      gint64          viewer,
                                                      gint64          group_id);
gboolean             cb_permissions_is_member        (CbPermissions  *self,
                                                      gint64          group_id,
                                                      gint64          user_id);
gboolean             cb_permissions_is_logged_in     (CbPermissions  *self,
                                                      gint64          group_id,
                                                      gint64          user_id);
/* Case-folded "display name, username, extension, email" for search. */
const char          *cb_permissions_search_key       (CbPermissions  *self,
                                                      gint64          user_id);
CbLevel              cb_permissions_get_default_level (CbPermissions *self);

/* A queue's live statistics, counted since the server started. */
typedef struct {
  guint   waiting;
  gint64  oldest_waiting_since;   /* unix s, 0: nobody waits */
  guint64 answered;
  guint64 abandoned;
} CbQueueStats;

/* Zeros for a queue nobody called yet. */
void                 cb_permissions_set_queue_stats  (CbPermissions      *self,
                                                      gint64              group_id,
                                                      const CbQueueStats *stats);
void                 cb_permissions_get_queue_stats  (CbPermissions      *self,
                                                      gint64              group_id,
                                                      CbQueueStats       *stats);

G_END_DECLS
