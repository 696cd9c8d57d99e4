/* cb-record-fields.h: user and group fields from JSON, validated
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the admin API and the directory import, which name the same
 * fields; they differ only in how they refer to users (ids or names).
 */

#pragma once

#include "cb-store.h"

G_BEGIN_DECLS

/* Applies the members of `fields` that are present: username,
 * display_name, extension, email, mobile, language, time_zone, kind,
 * admin, external_calls (true, false, or null: as the kind says),
 * password (hashed here). Errors are CB_PROTOCOL_ERROR_INVALID_FIELD. */
gboolean cb_record_fields_apply_user   (CbUserRecord   *record,
                                        JsonObject     *fields,
                                        gboolean        fast_hash,
                                        GError        **error);
/* name, kind, number, strategy, member_timeout, wrap_around, level,
 * leader_level, ring_in_use, overflow, pickup_oldest, queue_order,
 * agent_timeout, max_wait, wrap_up, announcement, filter_enabled,
 * filter, filter_delay, logout_allowed. Members, leader, deputy and
 * lists are the caller's; cb_record_fields_check_group() then. */
gboolean cb_record_fields_apply_group  (CbGroupRecord  *record,
                                        JsonObject     *fields,
                                        GError        **error);
/* What holds between fields the caller filled in: the leader of an
 * assistant group is not one of its assistants (INVALID_FIELD). */
gboolean cb_record_fields_check_group  (const CbGroupRecord *record,
                                        GError             **error);
/* A present member that is null: how "no leader" is written. */
gboolean cb_record_fields_is_null      (JsonObject     *fields,
                                        const char     *member);

G_END_DECLS
