/* cb-member-row.h: one member of a hunt group with login and agent status
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: member (CbGroupMember).
 */

#pragma once

#include <adwaita.h>

#include "cb-group-member.h"

G_BEGIN_DECLS

#define CB_TYPE_MEMBER_ROW (cb_member_row_get_type ())
G_DECLARE_FINAL_TYPE (CbMemberRow, cb_member_row, CB, MEMBER_ROW, AdwActionRow)

GtkWidget     *cb_member_row_new        (CbGroupMember *member);
CbGroupMember *cb_member_row_get_member (CbMemberRow   *self);

G_END_DECLS
