/* cb-directory.h: the in-memory directory and who may see whom
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-store.h"

G_BEGIN_DECLS

#define CB_TYPE_DIRECTORY (cb_directory_get_type ())
G_DECLARE_FINAL_TYPE (CbDirectory, cb_directory, CB, DIRECTORY, GObject)

CbDirectory       *cb_directory_new              (CbLevel         default_level);
/* Replaces everything with the store's users and groups. */
gboolean             cb_directory_load             (CbDirectory  *self,
                                                    CbStore      *store,
                                                    GError      **error);

/* Mirror of what was committed to the store (copies are kept). */
void                 cb_directory_put_user         (CbDirectory        *self,
                                                    const CbUserRecord *record);
void                 cb_directory_put_group        (CbDirectory         *self,
                                                    const CbGroupRecord *record);
void                 cb_directory_set_presence     (CbDirectory    *self,
                                                    gint64          user_id,
                                                    CbAvailability  availability,
                                                    const char     *note,
                                                    gint64          note_until);
void                 cb_directory_set_agent_status (CbDirectory   *self,
                                                    gint64         user_id,
                                                    CbAgentStatus  status);
void                 cb_directory_set_line_state   (CbDirectory *self,
                                                    gint64       user_id,
                                                    CbLineState  state);
void                 cb_directory_set_group_login  (CbDirectory *self,
                                                    gint64       group_id,
                                                    gint64       user_id,
                                                    gboolean     logged_in);

/* Borrowed; valid until the next put for that id. */
const CbUserRecord  *cb_directory_get_user         (CbDirectory *self,
                                                    gint64       user_id);
const CbGroupRecord *cb_directory_get_group        (CbDirectory *self,
                                                    gint64       group_id);
const CbUserRecord  *cb_directory_find_user        (CbDirectory *self,
                                                    const char  *username);
/* Borrowed arrays of borrowed records, ordered by id. */
GPtrArray           *cb_directory_list_users       (CbDirectory  *self);
GPtrArray           *cb_directory_list_groups      (CbDirectory  *self);
/* Groups the user is a member of (borrowed CbGroupRecord), by id. */
GPtrArray           *cb_directory_member_of        (CbDirectory *self,
                                                    gint64       user_id);

/* level(viewer, target) as PROTOCOL.md defines it; NONE for unknown ids.
 * The assistants of an assistant group (its members) see its leader at
 * the group's level, as members see each other. */
CbLevel              cb_directory_level            (CbDirectory *self,
                                                    gint64       viewer,
                                                    gint64       target);
/* Member, leader, deputy, or admin. */
gboolean             cb_directory_can_see_group    (CbDirectory *self,
                                                    gint64       viewer,
                                                    gint64       group_id);
gboolean             cb_directory_is_member        (CbDirectory *self,
                                                    gint64       group_id,
                                                    gint64       user_id);
gboolean             cb_directory_is_logged_in     (CbDirectory *self,
                                                    gint64       group_id,
                                                    gint64       user_id);
/* Assistant groups (kind CB_GROUP_KIND_ASSISTANT) whose leader is
 * leader_id: the people who assist them are their members (borrowed
 * CbGroupRecord, by id; free the array). */
GPtrArray           *cb_directory_assistant_groups (CbDirectory *self,
                                                    gint64       leader_id);
/* Whether assistant_id is a member of an assistant group led by
 * leader_id (logged into it, with logged_in_only): whose calls they may
 * take and place as the leader's, and whose diversion they break
 * through. */
gboolean             cb_directory_assists          (CbDirectory *self,
                                                    gint64       assistant_id,
                                                    gint64       leader_id,
                                                    gboolean     logged_in_only);
/* Case-folded "display name, username, extension, email" for search. */
const char          *cb_directory_search_key       (CbDirectory *self,
                                                    gint64       user_id);
CbLevel              cb_directory_get_default_level (CbDirectory *self);

/* A queue's live figures (the wire's): waiting now, answered and
 * abandoned today. */
typedef CbWireQueueStats CbQueueStats;

/* Zeros for a queue nobody called yet. */
void                 cb_directory_set_queue_stats  (CbDirectory        *self,
                                                    gint64              group_id,
                                                    const CbQueueStats *stats);
void                 cb_directory_get_queue_stats  (CbDirectory  *self,
                                                    gint64        group_id,
                                                    CbQueueStats *stats);

/* Calls ringing at a hunt group's members now (its lamp); 0 by default. */
void                 cb_directory_set_group_ringing (CbDirectory *self,
                                                     gint64       group_id,
                                                     guint        ringing);
guint                cb_directory_get_group_ringing (CbDirectory *self,
                                                     gint64       group_id);

G_END_DECLS
