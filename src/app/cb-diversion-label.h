/* cb-diversion-label.h: "Diverted to …" beside a colleague whose calls go elsewhere
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Visible while the contact diverts every call (their unconditional
 * diversion, which colleagues see from team level); the tooltip lists
 * the conditional diversions too. The target is named from the
 * session's directory (a colleague, a hunt group) where it can be, else
 * shown as the number.
 *
 * Properties: contact (CbContact), session (CbSession, may be NULL: the
 * number is shown), compact (bool: "→ Ben Carter", for tight places).
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-session.h"

G_BEGIN_DECLS

#define CB_TYPE_DIVERSION_LABEL (cb_diversion_label_get_type ())
G_DECLARE_FINAL_TYPE (CbDiversionLabel, cb_diversion_label, CB, DIVERSION_LABEL, GtkWidget)

GtkWidget  *cb_diversion_label_new         (void);
void        cb_diversion_label_set_contact (CbDiversionLabel *self,
                                            CbContact        *contact);
void        cb_diversion_label_set_session (CbDiversionLabel *self,
                                            CbSession        *session);
/* What the label says ("" while hidden). */
const char *cb_diversion_label_get_text    (CbDiversionLabel *self);

/* Whom @number reaches, as people say it: a colleague's name, a hunt
 * group's name, else the number itself. @session may be NULL. */
char       *cb_diversion_target_name       (CbSession        *session,
                                            const char       *number);
/* One line per diversion @contact has on ("All calls: Ben Carter"),
 * newline-separated; NULL when none. */
char       *cb_diversion_describe          (CbSession        *session,
                                            CbContact        *contact);

G_END_DECLS
