/* cb-sip-queue-stats.h: a queue group's figures: answered and abandoned today, waiting now
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-changes.h"

G_BEGIN_DECLS

typedef struct _CbSipQueueStats CbSipQueueStats;

/* How many callers wait in the group's queue now, and since when the
 * oldest of them (unix s, 0: nobody). */
typedef void (*CbSipQueueWaitingFunc) (gint64   group_id,
                                       guint   *waiting,
                                       gint64  *oldest_since,
                                       gpointer data);

/* Today's counters of every queue group go into the directory now and
 * again at each local midnight; `waiting` tells the live figures. */
CbSipQueueStats *cb_sip_queue_stats_new     (CbChanges             *changes,
                                             CbSipQueueWaitingFunc  waiting,
                                             gpointer               data);
void             cb_sip_queue_stats_free    (CbSipQueueStats       *self);
/* A caller answered by an agent, or one who hung up while waiting:
 * counted in the store for the local day. */
void             cb_sip_queue_stats_count   (CbSipQueueStats       *self,
                                             gint64                 group_id,
                                             gboolean               answered);
/* The group's figures changed: they go out from the main loop, the
 * changes of one turn as one "queue-stats" event per group. */
void             cb_sip_queue_stats_changed (CbSipQueueStats       *self,
                                             gint64                 group_id);
/* Nothing waiting to go out goes out any more. */
void             cb_sip_queue_stats_stop    (CbSipQueueStats       *self);

G_END_DECLS
