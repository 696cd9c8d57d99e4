/* cb-diversion-dialog.h: the user's call diversion, mobile ringing and announcement in one dialog
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opened from the header (one click): the three diversions (every call,
 * when busy, when not answered after some seconds), each to a number the
 * user types or picks from the directory's colleagues and groups;
 * ringing the mobile too; the announcement callers hear first. Save
 * sends what changed (PUT /me/diversion, /me/mobile-ringing) and closes
 * once the server took it; a refusal stays in the dialog, naming the
 * field. The announcement is uploaded, played and removed at once.
 *
 * Actions (prefix "diversion."): save, upload-announcement (a file
 * chooser), play-announcement, remove-announcement.
 */

#pragma once

#include <adwaita.h>

#include "cb-session.h"

G_BEGIN_DECLS

#define CB_TYPE_DIVERSION_DIALOG (cb_diversion_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CbDiversionDialog, cb_diversion_dialog, CB, DIVERSION_DIALOG, AdwWindow)

GtkWidget *cb_diversion_dialog_new         (GtkWindow         *parent,
                                            CbSession         *session);
/* Uploads @file as the announcement (what the file chooser does). */
void       cb_diversion_dialog_upload_file (CbDiversionDialog *self,
                                            GFile             *file);
/* The number a target typed as @text reaches: a colleague's or group's
 * name (or the completion's "Name (number)") gives their number, a
 * number is kept without spaces and dashes; NULL when it is neither. */
char      *cb_diversion_dialog_resolve     (CbDiversionDialog *self,
                                            const char        *text);

G_END_DECLS
