/* cb-changes-private.h: what the files of CbChanges share
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CbChanges is one object split by concern: cb-changes.c (the
 * transaction, presence and states, logins, lists, the administrators'
 * edits) and cb-changes-call-settings.c (a user's own call settings and
 * assistant groups' filter).
 */

#pragma once

#include "cb-changes.h"

G_BEGIN_DECLS

struct _CbChanges
{
  GObject      parent_instance;

  CbStore     *store;
  CbDirectory *directory;
  CbEventLog  *log;
};

/* "user-changed" for user_id. */
void _cb_changes_emit_user_changed (CbChanges *self,
                                    gint64     user_id);

G_END_DECLS
