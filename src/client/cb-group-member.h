/* cb-group-member.h: one member of a group, with its login state
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: contact (CbContact), logged-in (bool), login-known (bool:
 * FALSE when the viewer's level hides it), position (uint).
 */

#pragma once

#include "cb-contact.h"

G_BEGIN_DECLS

#define CB_TYPE_GROUP_MEMBER (cb_group_member_get_type ())
G_DECLARE_FINAL_TYPE (CbGroupMember, cb_group_member, CB, GROUP_MEMBER, GObject)

CbContact *cb_group_member_get_contact     (CbGroupMember *self);
gboolean   cb_group_member_get_logged_in   (CbGroupMember *self);
gboolean   cb_group_member_get_login_known (CbGroupMember *self);

G_END_DECLS
