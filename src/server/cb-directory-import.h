/* cb-directory-import.h: loading users and groups from a directory JSON file
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Format: {"users": [{"username", "display_name", "extension", "email",
 * "mobile", "language", "time_zone", "password", "admin", "kind",
 * "desk_phones": [{"username", "password"}]}],
 * "groups": [{"name", "kind", "number", "strategy", "member_timeout",
 * "wrap_around", "level", "leader_level", "leader", "deputy",
 * "members": [username…], "favourites": [username…], "monitor": [username…]}]}
 */

#pragma once

#include "cb-store.h"

G_BEGIN_DECLS

/* Upserts by username and by group name in one transaction, so importing
 * the same file twice changes nothing; group logins of members who stay
 * are kept. Records a "resync" event: connected views are stale. */
gboolean cb_directory_import_data (CbStore     *store,
                                   const char  *data,
                                   gsize        length,
                                   gboolean     fast_hash,
                                   guint       *n_users,
                                   guint       *n_groups,
                                   GError     **error);
gboolean cb_directory_import_file (CbStore     *store,
                                   const char  *path,
                                   gboolean     fast_hash,
                                   guint       *n_users,
                                   guint       *n_groups,
                                   GError     **error);

G_END_DECLS
