/* cb-contact-window.h: one colleague in detail: numbers, e-mail, presence, line, groups
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What "Show Contact" opens. It follows the contact live; its buttons
 * name the contact.* actions, which the window that opens it inserts.
 *
 * Properties: session (CbSession, construct-only: the groups to list),
 * contact (CbContact, construct-only).
 */

#pragma once

#include <adwaita.h>

#include "cb-session.h"

G_BEGIN_DECLS

#define CB_TYPE_CONTACT_WINDOW (cb_contact_window_get_type ())
G_DECLARE_FINAL_TYPE (CbContactWindow, cb_contact_window, CB, CONTACT_WINDOW, AdwWindow)

GtkWidget *cb_contact_window_new         (CbSession       *session,
                                          CbContact       *contact);
CbContact *cb_contact_window_get_contact (CbContactWindow *self);

G_END_DECLS
