/* cb-groups-page.h: the hunt groups the user sees, with login switches
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: session (CbSession).
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-session.h"

G_BEGIN_DECLS

#define CB_TYPE_GROUPS_PAGE (cb_groups_page_get_type ())
G_DECLARE_FINAL_TYPE (CbGroupsPage, cb_groups_page, CB, GROUPS_PAGE, GtkWidget)

CbSession *cb_groups_page_get_session (CbGroupsPage *self);
void       cb_groups_page_set_session (CbGroupsPage *self,
                                       CbSession    *session);

G_END_DECLS
