/* cb-projection.h: the server's records as wire objects, for one viewer
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The JSON of every object is written by the protocol's codecs
 * (src/protocol/cb-wire-*.h), which also hold the one table of which
 * field needs which level. What only the server knows is here: how a
 * store record becomes a wire object (a user's group logins, a queue's
 * live figures) and each viewer's level from the directory.
 */

#pragma once

#include "cb-directory.h"

G_BEGIN_DECLS

/* `viewer` as the codecs ask: their level towards others, from the
 * directory (which must outlive the viewer). */
void        cb_projection_viewer        (CbDirectory          *directory,
                                         gint64                viewer_id,
                                         CbWireViewer         *viewer);

/* A user at `level` (the viewer's towards them). */
void        cb_projection_write_user    (CbWireSink           *sink,
                                         CbDirectory          *directory,
                                         const CbUserRecord   *user,
                                         CbLevel               level);
/* NULL at CB_LEVEL_NONE. */
JsonObject *cb_projection_user          (CbDirectory          *directory,
                                         const CbUserRecord   *user,
                                         CbLevel               level);

/* viewer 0: the full group (the event log's form). The caller checks
 * that the viewer may see the group. */
void        cb_projection_write_group   (CbWireSink           *sink,
                                         CbDirectory          *directory,
                                         const CbGroupRecord  *group,
                                         gint64                viewer);
/* NULL when the viewer may not see the group. */
JsonObject *cb_projection_group         (CbDirectory          *directory,
                                         const CbGroupRecord  *group,
                                         gint64                viewer);
/* The full group, every member with its login (the event log's form). */
JsonObject *cb_projection_group_full    (const CbGroupRecord  *group);

/* With group_id > 0: the data of a "queue-stats" event. */
JsonObject *cb_projection_queue_stats   (gint64                group_id,
                                         const CbQueueStats   *stats);

/* A journal entry as `viewer` may see it (NULL: in full). */
void        cb_projection_journal_entry_wire (const CbJournalRecord *entry,
                                              CbWireJournalEntry    *wire);
JsonObject *cb_projection_journal_entry (const CbJournalRecord *entry,
                                         const CbWireViewer    *viewer);

/* Busy lamp field keys (CbBlfKeyRecord; group_id > 0: distributed): an
 * array, or {"keys": [...]} (answers and the "blf" event). */
void        cb_projection_write_blf_keys (CbWireSink          *sink,
                                          GPtrArray           *keys);
JsonObject *cb_projection_blf_keys      (GPtrArray            *keys);

JsonArray  *cb_projection_id_array      (const GArray         *ids);
/* A favourites or monitor list as answers and events carry it:
 * {"user_ids": [...], "from_groups": [...]}. */
JsonObject *cb_projection_user_list     (const GArray         *ids,
                                         const GArray         *from_groups);

G_END_DECLS
