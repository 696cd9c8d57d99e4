/* cb-event-log.h: events recorded with the change that causes them, published after commit
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The transactional outbox: record() appends an event to the store's log
 * inside the transaction that makes the change; after the commit and the
 * in-memory mirror, publish() emits "published" for each, in order, so
 * the WebSocket fan-out (CbEventHub) sends exactly what was committed.
 * After a rollback, discard() forgets them. CbChanges drives all three.
 */

#pragma once

#include "cb-store.h"

G_BEGIN_DECLS

#define CB_TYPE_EVENT_LOG (cb_event_log_get_type ())
G_DECLARE_FINAL_TYPE (CbEventLog, cb_event_log, CB, EVENT_LOG, GObject)

/* retention: how many events the log keeps for clients that resume. */
CbEventLog *cb_event_log_new      (CbStore *store,
                                   guint    retention);
gboolean    cb_event_log_record   (CbEventLog   *self,
                                   CbEventType   type,
                                   gint64        subject_user_id,
                                   gint64        group_id,
                                   JsonObject   *data,
                                   GError      **error);
/* Emits "published" (const CbEventRecord *record, JsonObject *data) for
 * every recorded event, then trims the log when it outgrew the retention. */
void        cb_event_log_publish  (CbEventLog   *self);
void        cb_event_log_discard  (CbEventLog   *self);

G_END_DECLS
