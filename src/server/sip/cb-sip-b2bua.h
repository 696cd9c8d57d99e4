/* cb-sip-b2bua.h: the back-to-back user agent, as the server and the queue see it
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Its calls and legs are private to the files that work on them (see
 * cb-sip-b2bua-private.h); the rest of the SIP side hands it events and
 * asks it about lines.
 */

#pragma once

#include "cb-sip-server-private.h"

G_BEGIN_DECLS

/* The server outlives it. */
CbSipB2bua *cb_sip_b2bua_new        (CbSipServer *server);
void        cb_sip_b2bua_free       (CbSipB2bua *self);
/* Events of handles whose magic is a leg, and new INVITEs (no magic). */
void        cb_sip_b2bua_event      (CbSipB2bua       *self,
                                     const CbSipEvent *event);
/* Records the end of every call (nua_shutdown() ends the dialogs). */
void        cb_sip_b2bua_shutdown   (CbSipB2bua *self);
/* BUSY, ON_HOLD or RINGING by the user's calls; OFFLINE when in none. */
CbLineState cb_sip_b2bua_line_state (CbSipB2bua *self,
                                     gint64      user_id);
guint       cb_sip_b2bua_n_calls    (CbSipB2bua *self);
/* Calls being set up: ringing, neither answered nor ended. */
guint       cb_sip_b2bua_setting_up (CbSipB2bua *self);
/* Calls over the trunk the user placed (or forwarded there) that have
 * not ended. */
guint       cb_sip_b2bua_external_calls (CbSipB2bua *self,
                                         gint64      user_id);

G_END_DECLS
