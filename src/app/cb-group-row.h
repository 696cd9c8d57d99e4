/* cb-group-row.h: a hunt group: number, strategy, my login switch, members
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: group (CbGroup, construct-only), session (CbSession,
 * construct-only: the switch logs in and out through it).
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-session.h"

G_BEGIN_DECLS

#define CB_TYPE_GROUP_ROW (cb_group_row_get_type ())
G_DECLARE_FINAL_TYPE (CbGroupRow, cb_group_row, CB, GROUP_ROW, GtkWidget)

GtkWidget *cb_group_row_new              (CbSession  *session,
                                          CbGroup    *group);
CbGroup   *cb_group_row_get_group        (CbGroupRow *self);
/* The switch showing (and changing) the signed-in user's login. */
GtkSwitch *cb_group_row_get_login_switch (CbGroupRow *self);

G_END_DECLS
