/* cb-favourites-page.h: the user's favourite colleagues
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: session (CbSession), search-text (string: filters the list).
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-session.h"

G_BEGIN_DECLS

#define CB_TYPE_FAVOURITES_PAGE (cb_favourites_page_get_type ())
G_DECLARE_FINAL_TYPE (CbFavouritesPage, cb_favourites_page, CB, FAVOURITES_PAGE, GtkWidget)

CbSession *cb_favourites_page_get_session (CbFavouritesPage *self);
void       cb_favourites_page_set_session (CbFavouritesPage *self,
                                           CbSession        *session);

G_END_DECLS
