/* cb-sqlite-store.h: CbStore kept in one SQLite database file
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-store.h"

G_BEGIN_DECLS

/* The schema version this build writes; a newer database is refused. */
#define CB_SQLITE_STORE_SCHEMA_VERSION 13

#define CB_TYPE_SQLITE_STORE (cb_sqlite_store_get_type ())
G_DECLARE_FINAL_TYPE (CbSqliteStore, cb_sqlite_store, CB, SQLITE_STORE, GObject)

/* Opens (or creates) the database at path and migrates it to the current
 * schema. Fails with CB_STORE_ERROR_SCHEMA for a database written by a
 * newer build. Also a GInitable, with the construct-only property "path". */
CbSqliteStore *cb_sqlite_store_new      (const char     *path,
                                         GError        **error);
const char    *cb_sqlite_store_get_path (CbSqliteStore  *self);

G_END_DECLS
