/* cb-sip-dialog-info.h: a lamp as RFC 4235 dialog-info+xml: a user's or a hunt group's calls, as one subscriber may see them
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The document of the "dialog" event package (desk phones' BLF keys):
 * one <dialog> per call of the target, in state trying, early or
 * confirmed, and terminated once for a call that was in the previous
 * document and is over. What the subscriber learns follows the levels
 * (DESIGN.md): the states at business; the other party and what a phone
 * needs to pick the call up with one key (the ringing dialog's call-id
 * and tags, for an INVITE with Replaces, RFC 3891) only to someone who
 * may pick it up, and the other party only when the subscriber may see
 * them at all.
 */

#pragma once

#include "cb-sip-server-private.h"

G_BEGIN_DECLS

#define CB_SIP_DIALOG_INFO_TYPE "application/dialog-info+xml"

/* Whose lamp a document shows. */
typedef struct {
  gboolean    group;    /* a hunt group (id: the group's), else a user or DeviceOnly phone */
  gint64      id;
  const char *entity;   /* its address, sip:NUMBER@HOST:PORT */
} CbSipLamp;

/* A set of dialog ids for cb_sip_dialog_info_document(). */
GHashTable *cb_sip_dialog_info_reported_new (void);

/* The full document (state="full") of the lamp for `subscriber`, with
 * this version: the XML declaration and the root element's start on the
 * first two lines, then the dialogs, a dialog that is over on one line
 * of its own. `reported` holds the ids of the dialogs the previous
 * document said were live and is updated: a dialog gone since is written
 * once as terminated, then forgotten. */
char       *cb_sip_dialog_info_document     (CbSipServer     *server,
                                             const CbSipLamp *lamp,
                                             gint64           subscriber,
                                             guint            version,
                                             GHashTable      *reported);

G_END_DECLS
