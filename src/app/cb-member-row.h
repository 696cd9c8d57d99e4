/* cb-member-row.h: one member of a hunt group with login and agent status
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: member (CbGroupMember), session (CbSession: whose lists
 * the menu offers to change; may be NULL).
 * The row is a colleague widget (cb-colleague-widget.h): a menu (⋮,
 * right click, long press, Menu key), double click calls, drag and drop.
 */

#pragma once

#include <adwaita.h>

#include "cb-group-member.h"
#include "cb-session.h"

G_BEGIN_DECLS

#define CB_TYPE_MEMBER_ROW (cb_member_row_get_type ())
G_DECLARE_FINAL_TYPE (CbMemberRow, cb_member_row, CB, MEMBER_ROW, AdwActionRow)

GtkWidget     *cb_member_row_new        (CbGroupMember *member,
                                         CbSession     *session,
                                         const char    *group_name);
CbGroupMember *cb_member_row_get_member (CbMemberRow   *self);
/* Adds @widget at the row's end, before its menu button. */
void           cb_member_row_add_suffix (CbMemberRow   *self,
                                         GtkWidget     *widget);

G_END_DECLS
