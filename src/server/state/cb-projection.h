/* cb-projection.h: users and groups as JSON, cut to what a viewer may see
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-json-writer.h"
#include "cb-directory.h"

G_BEGIN_DECLS

/* The writers are the projections; the JsonObject forms below parse what
 * they write, for the small answers and the event log. */
void        cb_projection_write_user   (CbJsonWriter       *writer,
                                        CbDirectory        *directory,
                                        const CbUserRecord *user,
                                        CbLevel             level);
/* viewer 0: the full group, every member with `logged_in`. The caller
 * checks that the viewer may see the group. */
void        cb_projection_write_group  (CbJsonWriter        *writer,
                                        CbDirectory         *directory,
                                        const CbGroupRecord *group,
                                        gint64               viewer);

/* A user object at `level` (PROTOCOL.md, "Objects"); NULL at NONE. */
JsonObject *cb_projection_user         (CbDirectory        *directory,
                                        const CbUserRecord *user,
                                        CbLevel             level);
/* Cuts a user object made at PERSONAL level down to `level`. */
JsonObject *cb_projection_filter_user  (JsonObject *full,
                                        CbLevel     level);

/* A group with every member's login: what the event log keeps. */
JsonObject *cb_projection_group_full   (const CbGroupRecord *group);
/* A group as `viewer` sees it: members at NONE left out, `logged_in`
 * only towards members at TEAM or above (or the viewer). NULL when the
 * viewer may not see the group. */
JsonObject *cb_projection_group        (CbDirectory         *directory,
                                        const CbGroupRecord *group,
                                        gint64               viewer);
/* The same cut applied to a group object from the event log. */
JsonObject *cb_projection_filter_group (CbDirectory *directory,
                                        JsonObject  *full,
                                        gint64       viewer);

JsonArray  *cb_projection_id_array     (const GArray        *ids);

/* A queue's statistics: the "queue_stats" of its group object, and with
 * group_id > 0 the data of a "queue-stats" event. */
JsonObject *cb_projection_queue_stats  (gint64              group_id,
                                        const CbQueueStats *stats);

/* One journal entry (PROTOCOL.md, "Journal"). */
JsonObject *cb_projection_journal_entry (const CbJournalRecord *entry);

G_END_DECLS
