/* cb-client-store.h: the client's local copy of what the server shows it
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Applies a snapshot, then events in seq order (each at most once), and
 * exposes the result as GListModels of long-lived item objects: a contact
 * keeps its identity across snapshots, so bindings stay valid.
 *
 * Properties: seq (gint64, last applied), me (CbContact), directory,
 * favourites, monitor (GListModel of CbContact; directory sorted by
 * display name), groups (GListModel of CbGroup), applied-count (uint),
 * journal (GListModel of CbJournalEntry, newest first), missed-count
 * (uint: missed calls not looked at yet, as the server counts them; it
 * follows the user's other devices through "journal-seen" events),
 * seen-up-to (gint64: the newest journal entry id looked at), blf
 * (GListModel of CbBlfKey: the busy lamp field, the user's own keys in
 * their order, then those groups distribute), directory-limit (uint),
 * directory-complete (boolean), directory-size (uint): see
 * cb_client_store_set_directory_limit().
 *
 * Colleagues' `call` events (team level) are applied to their contacts:
 * a call ringing there shows as their ringing-call-id, which may be
 * picked up. The user's own calls are the softphone's business.
 * Signals: "event-applied" (gint64 seq, CbEventType type) after each
 *          applied event,
 *          "snapshot-applied",
 *          "needs-snapshot": an event named someone a directory above the
 *          limit did not load (a favourite added elsewhere); a new
 *          snapshot loads them.
 */

#pragma once

#include "cb-blf-key.h"
#include "cb-contact.h"
#include "cb-group.h"
#include "cb-journal-entry.h"
#include "cb-snapshot.h"

G_BEGIN_DECLS

#define CB_TYPE_CLIENT_STORE (cb_client_store_get_type ())
G_DECLARE_FINAL_TYPE (CbClientStore, cb_client_store, CB, CLIENT_STORE, GObject)

CbClientStore *cb_client_store_new              (void);
gint64         cb_client_store_get_seq          (CbClientStore *self);
CbContact     *cb_client_store_get_me           (CbClientStore *self);
GListModel    *cb_client_store_get_directory    (CbClientStore *self);
GListModel    *cb_client_store_get_favourites   (CbClientStore *self);
GListModel    *cb_client_store_get_monitor      (CbClientStore *self);
/* Whether the entry is on the list only because a group gives it (an
 * administrator's to remove, not the user's). */
gboolean       cb_client_store_favourite_from_group (CbClientStore *self,
                                                     gint64         user_id);
gboolean       cb_client_store_monitored_from_group (CbClientStore *self,
                                                     gint64         user_id);
GListModel    *cb_client_store_get_groups       (CbClientStore *self);
CbContact     *cb_client_store_lookup_contact   (CbClientStore *self,
                                                 gint64         user_id);
CbGroup       *cb_client_store_lookup_group     (CbClientStore *self,
                                                 gint64         group_id);
gboolean       cb_client_store_apply_snapshot   (CbClientStore *self,
                                                 JsonObject    *snapshot,
                                                 GError       **error);
/* The same, read already (in a worker thread: cb_snapshot_load_async()). */
void           cb_client_store_apply_loaded_snapshot (CbClientStore *self,
                                                      CbSnapshot    *snapshot);
/* Above this many users a snapshot shares, the store holds only the
 * people the client shows without a search: the user, favourites,
 * monitor, busy lamp field targets, the members, leaders and deputies of
 * hunt and assistant groups, and whoever it held already; the others are
 * found by searching the server (cb_client_store_add_found_users()).
 * G_MAXUINT (the default): never. Takes effect at the next snapshot. */
guint          cb_client_store_get_directory_limit    (CbClientStore *self);
void           cb_client_store_set_directory_limit    (CbClientStore *self,
                                                       guint          limit);
/* FALSE while the store holds only part of the directory (see above). */
gboolean       cb_client_store_get_directory_complete (CbClientStore *self);
/* How many users the last snapshot shared (the user among them). */
guint          cb_client_store_get_directory_size     (CbClientStore *self);
/* Takes a directory search's answer (GET /directory: {"users": [...]}):
 * each user found becomes a contact of the store (kept up to date by
 * events from then on, listed in the directory, ready for lists and
 * calls). Returns the contacts in the answer's order. */
GPtrArray     *cb_client_store_add_found_users        (CbClientStore *self,
                                                       JsonObject    *answer,
                                                       GError       **error);
/* FALSE when skipped (seq already applied) or not understood. */
gboolean       cb_client_store_apply_event      (CbClientStore *self,
                                                 gint64         seq,
                                                 CbEventType    type,
                                                 JsonObject    *data);
/* An event of a type this build does not know (a newer server's): its
 * seq counts as applied. */
void           cb_client_store_skip_event       (CbClientStore *self,
                                                 gint64         seq);
GListModel    *cb_client_store_get_journal      (CbClientStore *self);
guint          cb_client_store_get_missed_count (CbClientStore *self);
/* The contact whose extension is @number, or NULL. */
CbContact     *cb_client_store_lookup_number    (CbClientStore *self,
                                                 const char    *number);
/* Replaces the journal by a GET /journal answer ({"entries", "missed",
 * "seen_up_to"}), keeping entries that arrived as events after the
 * server made it. */
gboolean       cb_client_store_apply_journal    (CbClientStore *self,
                                                 JsonObject    *page,
                                                 GError       **error);
/* How far the journal is looked at: a PUT /journal/seen answer or a
 * "journal-seen" event's data ({"seen_up_to", "missed"}); never moves
 * back. FALSE when it was not one, or older than what is known. */
gboolean       cb_client_store_apply_journal_seen (CbClientStore *self,
                                                   JsonObject    *data);
gint64         cb_client_store_get_seen_up_to   (CbClientStore *self);
GListModel    *cb_client_store_get_blf          (CbClientStore *self);
CbBlfKey      *cb_client_store_lookup_blf_key   (CbClientStore *self,
                                                 gint64         key_id);
/* Replaces the busy lamp field by a /me/blf answer ({"keys": [...]}),
 * the same as its "blf" event does. */
gboolean       cb_client_store_apply_blf        (CbClientStore *self,
                                                 JsonObject    *answer,
                                                 GError       **error);
/* Counts for tests: how many events were applied since creation. */
guint          cb_client_store_get_applied_count (CbClientStore *self);

G_END_DECLS
