/* cb-directory-page.h: every colleague the user may see, searchable
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: session (CbSession), search-text (string: filters the list
 * incrementally, so large directories stay responsive while typing).
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-session.h"

G_BEGIN_DECLS

#define CB_TYPE_DIRECTORY_PAGE (cb_directory_page_get_type ())
G_DECLARE_FINAL_TYPE (CbDirectoryPage, cb_directory_page, CB, DIRECTORY_PAGE, GtkWidget)

CbSession  *cb_directory_page_get_session (CbDirectoryPage *self);
void        cb_directory_page_set_session (CbDirectoryPage *self,
                                           CbSession       *session);
/* The filtered model the list shows (for tests). */
GListModel *cb_directory_page_get_model   (CbDirectoryPage *self);

G_END_DECLS
