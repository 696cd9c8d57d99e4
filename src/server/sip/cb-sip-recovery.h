/* cb-sip-recovery.h: calls up when the server died: kept in the store, ended at the next start
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-sip-b2bua-private.h"

G_BEGIN_DECLS

/* Inside the CbChanges transaction of a call's events (a step of
 * cb_b2bua_call_record()): an answered call that goes on is kept in the
 * store with the dialog of each leg up, an ended one forgotten. */
gboolean cb_sip_recovery_record      (CbChanges    *changes,
                                      CbB2buaCall  *call,
                                      GError      **error);
/* Keeps a kept call's record up to date after one of its dialogs moved
 * on (our CSeq, the remote target). */
void     cb_sip_recovery_refresh     (CbB2buaCall  *call);

/* What a leg's dialog says about itself: the remote target (Contact)
 * and route set (Record-Route) of the message that set it up, the
 * INVITE we answered (uac FALSE) or the 2xx to ours (uac TRUE); the
 * target a re-INVITE of the device's moved it to; from any message in
 * it, our party with our tag, and our CSeq from the answers to our
 * requests. */
void     cb_sip_recovery_note_dialog (CbB2buaLeg   *leg,
                                      const sip_t  *sip,
                                      gboolean      uac);
void     cb_sip_recovery_note_target (CbB2buaLeg   *leg,
                                      const sip_t  *sip);
void     cb_sip_recovery_note_message (CbB2buaLeg  *leg,
                                       const sip_t *sip);

/* The CSeq for a dialog check's OPTIONS in the leg (SIPTAG_CSEQ_STR),
 * or NULL to let the stack number it. */
const char *cb_sip_recovery_check_cseq (CbB2buaLeg *leg);

/* The same for a dialog that is no leg (yet): our party with our tag,
 * if the message shows it (NULL if not), and the route set (NULL:
 * none). */
char    *cb_sip_recovery_local_party (const sip_t  *sip);
char    *cb_sip_recovery_route_set   (const sip_t  *sip,
                                      gboolean      uac);

/* A caller the queue answered itself (hold music), kept as a call to the
 * group answered when it came, so that a restart ends it as it ends a
 * B2BUA call: its dialog once caller->dialog has our tag (local), the
 * journal entry in any case. In the transaction of the caller's call
 * events, and again when its dialog said more; a caller who leaves the
 * queue is forgotten by its id (cb_store_delete_live_call()), unless the
 * B2BUA took it over. */
gboolean cb_sip_recovery_keep_queued (CbStore                  *store,
                                      const CbSipQueuedCaller  *caller,
                                      gint64                    waiting_since,
                                      GError                  **error);

/* At start, with the stack up: every call the store still keeps was up
 * when the server stopped without ending it. Each leg gets a BYE (a
 * request in its old dialog, on a handle of its own), each call its
 * "ended" events and journal entries (end_reason "server-restart").
 * Returns how many calls it ended. */
guint    cb_sip_recovery_end_orphans (CbSipServer  *server);

G_END_DECLS
