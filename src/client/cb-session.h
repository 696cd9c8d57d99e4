/* cb-session.h: a signed-in connection to callboardd
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Signs in over REST, fetches the snapshot into its CbClientStore, keeps a
 * WebSocket open for events, and reconnects with backoff and jitter,
 * resuming from the last applied seq (or fetching a new snapshot on
 * "resync"). Every change is a REST call; its effect arrives as an event.
 *
 * Properties: server-url (string, e.g. "http://127.0.0.1:8480"), username,
 * user-id (gint64), token (string, may be NULL), state (CbConnectionState),
 * store (CbClientStore), accept-invalid-certificates (bool, for tests and
 * self-signed office servers), last-error (string), reconnect-min-ms and
 * reconnect-max-ms (uint: first and longest backoff delay; the defaults
 * 250 and 30000 can be overridden by the environment variables
 * CALLBOARD_RECONNECT_MIN_MS and CALLBOARD_RECONNECT_MAX_MS),
 * softphone-enabled (bool, default FALSE: whether signing in starts the
 * embedded softphone), softphone (CbSoftphone while signed in with it
 * enabled, else NULL). Signing in also loads the journal into the store.
 * Signals: "event-received" (gint64 seq, const char *type, JsonObject *data)
 * for every event frame, before the store decides whether to apply it.
 */

#pragma once

#include "cb-client-store.h"

G_BEGIN_DECLS

typedef enum {
  CB_CONNECTION_STATE_SIGNED_OUT,
  CB_CONNECTION_STATE_CONNECTING,
  CB_CONNECTION_STATE_CONNECTED,
  CB_CONNECTION_STATE_RECONNECTING,
} CbConnectionState;

#define CB_TYPE_CONNECTION_STATE (cb_connection_state_get_type ())
GType cb_connection_state_get_type (void);

/* cb-softphone.h includes this header; the pointer type is enough here. */
typedef struct _CbSoftphone CbSoftphone;

#define CB_TYPE_SESSION (cb_session_get_type ())
G_DECLARE_FINAL_TYPE (CbSession, cb_session, CB, SESSION, GObject)

CbSession        *cb_session_new            (const char          *server_url);
CbClientStore    *cb_session_get_store      (CbSession           *self);
CbConnectionState cb_session_get_state      (CbSession           *self);
gint64            cb_session_get_user_id    (CbSession           *self);
const char       *cb_session_get_server_url (CbSession           *self);
const char       *cb_session_get_username  (CbSession           *self);
const char       *cb_session_get_token     (CbSession           *self);
const char       *cb_session_get_last_error (CbSession          *self);
CbSoftphone      *cb_session_get_softphone  (CbSession           *self);
gboolean          cb_session_get_softphone_enabled (CbSession    *self);
void              cb_session_set_softphone_enabled (CbSession    *self,
                                                    gboolean      enabled);
gboolean          cb_session_get_accept_invalid_certificates (CbSession *self);
void              cb_session_set_accept_invalid_certificates (CbSession *self,
                                                              gboolean   accept);

/* Signs in, loads the snapshot and opens the event stream; completes when
 * the store holds the snapshot. Errors are in CB_PROTOCOL_ERROR or G_IO_ERROR. */
void     cb_session_sign_in_async         (CbSession           *self,
                                           const char          *username,
                                           const char          *password,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean cb_session_sign_in_finish        (CbSession           *self,
                                           GAsyncResult        *result,
                                           GError             **error);
void     cb_session_sign_out_async        (CbSession           *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean cb_session_sign_out_finish       (CbSession           *self,
                                           GAsyncResult        *result,
                                           GError             **error);

/* Any authenticated REST call; body may be NULL. The result is the parsed
 * answer (NULL for 204); server errors become CB_PROTOCOL_ERROR errors. */
void      cb_session_request_async        (CbSession           *self,
                                           const char          *method,
                                           const char          *path,
                                           JsonNode            *body,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
JsonNode *cb_session_request_finish       (CbSession           *self,
                                           GAsyncResult        *result,
                                           GError             **error);

/* Convenience calls; each finishes with cb_session_request_finish(). */
void cb_session_set_presence_async        (CbSession *self, CbAvailability availability,
                                           const char *note, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
void cb_session_set_agent_status_async    (CbSession *self, CbAgentStatus status,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
void cb_session_set_group_login_async     (CbSession *self, gint64 group_id, gboolean logged_in,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
void cb_session_add_to_list_async         (CbSession *self, const char *list /* "favourites" or "monitor" */,
                                           gint64 user_id, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
void cb_session_remove_from_list_async    (CbSession *self, const char *list, gint64 user_id,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);

/* Drops the WebSocket as if the network failed (tests, and "reconnect now"). */
void     cb_session_disconnect_for_test   (CbSession           *self);
/* While RECONNECTING, skips the rest of the backoff delay and tries at once
 * (e.g. when the network monitor says the network is back). */
void     cb_session_reconnect_now         (CbSession           *self);

G_END_DECLS
