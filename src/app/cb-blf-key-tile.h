/* cb-blf-key-tile.h: one busy lamp field key as a tile: lamp, name, extension, caller, Take
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The lamp is an icon whose shape tells the state without its colour;
 * a ringing lamp blinks (when animations are on) and, where the user may
 * take the call, the tile names the caller and shows Take. The tile is a
 * colleague widget (cb-colleague-widget.h) and, dragged onto another
 * key, moves there (blf.move-key, the window's).
 *
 * Properties: key (CbBlfKey, may be NULL while recycled), session
 * (CbSession: whose lists the menu offers to change).
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-session.h"

G_BEGIN_DECLS

#define CB_TYPE_BLF_KEY_TILE (cb_blf_key_tile_get_type ())
G_DECLARE_FINAL_TYPE (CbBlfKeyTile, cb_blf_key_tile, CB, BLF_KEY_TILE, GtkWidget)

GtkWidget *cb_blf_key_tile_new         (CbSession    *session);
CbBlfKey  *cb_blf_key_tile_get_key     (CbBlfKeyTile *self);
void       cb_blf_key_tile_set_key     (CbBlfKeyTile *self,
                                        CbBlfKey     *key);
/* The Take button (shown while a call there may be picked up). */
GtkWidget *cb_blf_key_tile_get_take_button (CbBlfKeyTile *self);

G_END_DECLS
