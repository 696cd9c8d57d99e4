/* cb-contact-row.h: one colleague as a row: avatar, presence, line, groups
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: contact (CbContact), session (CbSession: whose lists the
 * row's menu offers to change), compact (bool: smaller, for the monitor
 * window).
 * The row is a colleague widget (cb-colleague-widget.h): its menu (the ⋮
 * button, right click, long press, Menu key) names the window's
 * contact.* actions; a double click calls; it drags as the contact, and
 * a call dropped on it may be forwarded there.
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-session.h"

G_BEGIN_DECLS

#define CB_TYPE_CONTACT_ROW (cb_contact_row_get_type ())
G_DECLARE_FINAL_TYPE (CbContactRow, cb_contact_row, CB, CONTACT_ROW, GtkWidget)

GtkWidget *cb_contact_row_new         (CbSession    *session,
                                       CbContact    *contact);
CbContact *cb_contact_row_get_contact (CbContactRow *self);
void       cb_contact_row_set_contact (CbContactRow *self,
                                       CbContact    *contact);
CbSession *cb_contact_row_get_session (CbContactRow *self);
void       cb_contact_row_set_session (CbContactRow *self,
                                       CbSession    *session);
gboolean   cb_contact_row_get_compact (CbContactRow *self);
void       cb_contact_row_set_compact (CbContactRow *self,
                                       gboolean      compact);

/* A GtkStringFilter over name, user name, extension and e-mail: the
 * same search for every list of contacts. */
GtkStringFilter *cb_contact_filter_new (void);

/* TRUE if @model (of CbContact) holds the user @user_id. */
gboolean   cb_contact_list_contains   (GListModel   *model,
                                       gint64        user_id);

G_END_DECLS
