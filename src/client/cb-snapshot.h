/* cb-snapshot.h: a GET /snapshot answer read into the wire model, parsed off the main thread
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A snapshot of 10,000 users is 4 MiB of JSON and about 200 ms of
 * json-glib on this kind of machine: loading it runs in a worker thread
 * while the main loop goes on drawing; the store then takes the read
 * structs (cb_client_store_apply_loaded_snapshot()). Everything is read
 * before anything is applied: a bad snapshot leaves the store as it was.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _CbSnapshot CbSnapshot;

/* Reads a snapshot object. Any thread. Errors: CB_PROTOCOL_ERROR. */
CbSnapshot *cb_snapshot_new_from_json     (JsonObject          *object,
                                           GError             **error);
/* Reads @stream to its end, parses and reads it in a worker thread. */
void        cb_snapshot_load_async        (GInputStream        *stream,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
CbSnapshot *cb_snapshot_load_finish       (GAsyncResult        *result,
                                           GError             **error);
gint64      cb_snapshot_get_seq           (CbSnapshot          *self);
/* Users in "users", "me" among them. */
guint       cb_snapshot_get_n_users       (CbSnapshot          *self);
void        cb_snapshot_free              (CbSnapshot          *self);
/* Frees @self in a worker thread (tens of milliseconds for a large
 * directory), then hands the freed heap back to the system. */
void        cb_snapshot_free_in_background (CbSnapshot         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbSnapshot, cb_snapshot_free)

G_END_DECLS
