/* cb-sqlite-checkpointer.h: WAL checkpoints on a thread of their own
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

typedef struct _CbSqliteCheckpointer CbSqliteCheckpointer;

/* Takes checkpointing over from db (a connection in WAL mode to the file
 * at path, used from one thread): once a commit leaves `pages` pages or
 * more in the WAL, a second connection copies them into the database on
 * the checkpointer's thread. */
CbSqliteCheckpointer *cb_sqlite_checkpointer_start (sqlite3               *db,
                                                    const char            *path,
                                                    int                    pages,
                                                    GError               **error);
/* Lets a checkpoint in progress end, stops the thread, closes its
 * connection and gives checkpointing back to db. */
void                  cb_sqlite_checkpointer_stop  (CbSqliteCheckpointer  *self);
/* Checkpoints run so far (for tests). */
guint                 cb_sqlite_checkpointer_get_runs (CbSqliteCheckpointer *self);

G_END_DECLS
