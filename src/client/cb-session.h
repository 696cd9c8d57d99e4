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
 * connect-timeout-ms (uint: how long signing in waits for the server's
 * first answer, 10000 by default; then it fails with
 * G_IO_ERROR_TIMED_OUT). Signing in also loads the journal into the store.
 * Signals: "event-received" (gint64 seq, CbEventType type, JsonObject *data)
 * for every event frame, before the store decides whether to apply it.
 *
 * Above 2,000 colleagues (CALLBOARD_DIRECTORY_LIMIT overrides it) the
 * store holds only the people the client shows; the others are found by
 * cb_session_search_directory_async(). See
 * cb_client_store_set_directory_limit().
 *
 * The user's choice of whom their calls present lives with the session
 * (cb_session_get_call_as()).
 *
 * Every REST call, the session's own included, goes through its
 * CbRestClient (cb_session_get_rest_client()), which carries the token;
 * the event stream is a CbEventStream. Whoever wants a softphone for the
 * signed-in user makes one (cb_softphone_new()).
 */

#pragma once

#include "cb-call-as.h"
#include "cb-client-store.h"
#include "cb-rest-client.h"

G_BEGIN_DECLS

typedef enum {
  CB_CONNECTION_STATE_SIGNED_OUT,
  CB_CONNECTION_STATE_CONNECTING,
  CB_CONNECTION_STATE_CONNECTED,
  CB_CONNECTION_STATE_RECONNECTING,
} CbConnectionState;

#define CB_TYPE_CONNECTION_STATE (cb_connection_state_get_type ())
GType cb_connection_state_get_type (void);

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
/* Whom this session's calls present ("call as"), chosen for as long as
 * the session lives. */
CbCallAs         *cb_session_get_call_as    (CbSession           *self);
/* Where every change goes: the REST client with this session's token. */
CbRestClient     *cb_session_get_rest_client (CbSession          *self);
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

/* Searches the directory on the server (name, user name, extension or
 * e-mail containing @text); the users found become contacts of the store
 * (cb_client_store_add_found_users()). Finish: a GPtrArray of CbContact
 * in the server's order, at most 200. */
void       cb_session_search_directory_async  (CbSession           *self,
                                               const char          *text,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GPtrArray *cb_session_search_directory_finish (CbSession           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Drops the WebSocket as if the network failed (tests, and "reconnect now"). */
void     cb_session_disconnect_for_test   (CbSession           *self);
/* While RECONNECTING, skips the rest of the backoff delay and tries at once
 * (e.g. when the network monitor says the network is back). */
void     cb_session_reconnect_now         (CbSession           *self);

G_END_DECLS
