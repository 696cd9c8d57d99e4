/* cb-rest-client.h: typed calls to callboardd's REST API, and the event stream's handshake
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The only place in the client that knows the API's paths and request
 * bodies: one async method per route the client uses, each with a
 * finish that returns the parsed answer. Routes whose answer the caller
 * does not need finish with cb_rest_client_finish().
 *
 * Errors: CB_PROTOCOL_ERROR from the server's error body (or, for a body
 * that is not one, the code with that HTTP status); G_IO_ERROR for
 * transport failures (G_IO_ERROR_HOST_NOT_FOUND: the server's name does
 * not resolve), except G_TLS_ERROR when TLS failed (BAD_CERTIFICATE: a
 * certificate neither the system trusts nor the user pinned;
 * cb_rest_client_get_rejected_certificate() has it).
 *
 * Properties: base-url (string, construct-only, e.g.
 * "http://127.0.0.1:8480"; trailing slashes are dropped), token (string:
 * the bearer token sent with every request but signing in; NULL while
 * signed out), accept-invalid-certificates (bool, for tests),
 * pinned-certificate (string: the SHA-256 fingerprint, as
 * cb_certificate_get_fingerprint() writes it, of a certificate the user
 * chose to trust for this server although the system does not; NULL:
 * none).
 * Signals: "unauthorized" (const char *message) when a request sent with
 * the current token is answered 401: the server no longer knows the token
 * (revoked, expired, user removed). An answer to an older token is not
 * reported: it must not sign out a newer session.
 */

#pragma once

#include <libsoup/soup.h>

#include "cb-protocol.h"

G_BEGIN_DECLS

/* The user's own lists of colleagues. */
typedef enum {
  CB_USER_LIST_FAVOURITES,
  CB_USER_LIST_MONITOR,
} CbUserList;

/* Which of the user's phones the server rings first for a call it places. */
typedef enum {
  CB_PHONE_DESK,
  CB_PHONE_SOFTPHONE,
} CbPhone;

/* The credentials the user's softphone registers with (GET /me/line). */
typedef struct {
  char *username;    /* the line, which is the extension */
  char *password;
  char *registrar;   /* "sip:host:port" */
  char *registrar_tls; /* "sips:host:port" when the server has SIP over TLS, else NULL */
} CbLineCredentials;

void cb_line_credentials_free (CbLineCredentials *credentials);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbLineCredentials, cb_line_credentials_free)

/* The user's announcement as GET /me/announcement gives it back. */
typedef struct {
  GBytes *audio;
  char   *content_type;   /* as the server said, e.g. "audio/wav" */
} CbAnnouncement;

void cb_announcement_free (CbAnnouncement *announcement);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbAnnouncement, cb_announcement_free)

/* Which parts of an assistant group's filter a request changes. */
typedef enum {
  CB_ASSISTANT_FILTER_CHANGE_ENABLED  = 1 << 0,
  CB_ASSISTANT_FILTER_CHANGE_STRATEGY = 1 << 1,
  CB_ASSISTANT_FILTER_CHANGE_DELAY    = 1 << 2,
} CbAssistantFilterChange;

#define CB_TYPE_REST_CLIENT (cb_rest_client_get_type ())
G_DECLARE_FINAL_TYPE (CbRestClient, cb_rest_client, CB, REST_CLIENT, GObject)

CbRestClient *cb_rest_client_new                         (const char    *base_url);
const char   *cb_rest_client_get_base_url                (CbRestClient  *self);
const char   *cb_rest_client_get_token                   (CbRestClient  *self);
void          cb_rest_client_set_token                   (CbRestClient  *self,
                                                          const char    *token);
gboolean      cb_rest_client_get_accept_invalid_certificates (CbRestClient *self);
const char   *cb_rest_client_get_pinned_certificate      (CbRestClient  *self);
void          cb_rest_client_set_pinned_certificate      (CbRestClient  *self,
                                                          const char    *fingerprint);
/* The last certificate refused (neither trusted nor pinned), with the
 * reasons; NULL when none was. */
GTlsCertificate *cb_rest_client_get_rejected_certificate (CbRestClient  *self,
                                                          GTlsCertificateFlags *errors);
/* The certificate the system does not trust but this client took (the
 * pinned one, or any when told to): SIP over TLS trusts the same one.
 * NULL when none was needed. */
GTlsCertificate *cb_rest_client_get_accepted_certificate (CbRestClient *self);
/* The SHA-256 fingerprint of @certificate's DER form, as colon-separated
 * upper-case hex pairs ("AB:CD:…"). */
char         *cb_certificate_get_fingerprint             (GTlsCertificate *certificate);
void          cb_rest_client_set_accept_invalid_certificates (CbRestClient *self,
                                                              gboolean      accept);

/* Finishes any route below that has no finish of its own. */
gboolean      cb_rest_client_finish                      (CbRestClient  *self,
                                                          GAsyncResult  *result,
                                                          GError       **error);

/* --- the session --- */

/* POST /session; never sends the token property. */
void          cb_rest_client_sign_in_async               (CbRestClient        *self,
                                                          const char          *username,
                                                          const char          *password,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* The new token; *user_id the signed-in user's id (0 if the server did
 * not say). */
char         *cb_rest_client_sign_in_finish              (CbRestClient        *self,
                                                          GAsyncResult        *result,
                                                          gint64              *user_id,
                                                          GError             **error);
/* DELETE /session with the token as it is now: the caller may forget the
 * token at once. Finish: cb_rest_client_finish(). */
void          cb_rest_client_sign_out_async              (CbRestClient        *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);

/* --- what the user sees --- */

/* GET /snapshot: everything this user may see, with the event seq. */
void          cb_rest_client_get_snapshot_async          (CbRestClient        *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
JsonObject   *cb_rest_client_get_snapshot_finish         (CbRestClient        *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* The same answer as it came, unparsed: for cb_snapshot_load_async(),
 * which parses it off the main thread. */
void          cb_rest_client_get_snapshot_body_async     (CbRestClient        *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GBytes       *cb_rest_client_get_snapshot_body_finish    (CbRestClient        *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* GET /directory?q=@text&limit=@limit: users this user may see whose
 * name, user name, extension or e-mail contains @text ({"users": [...]};
 * the server gives at most 500). */
void          cb_rest_client_search_directory_async      (CbRestClient        *self,
                                                          const char          *text,
                                                          guint                limit,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
JsonObject   *cb_rest_client_search_directory_finish     (CbRestClient        *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* GET /journal: the newest @limit entries ({"entries", "missed"}). */
void          cb_rest_client_get_journal_async           (CbRestClient        *self,
                                                          guint                limit,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
JsonObject   *cb_rest_client_get_journal_finish          (CbRestClient        *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* GET /me/line. */
void          cb_rest_client_get_line_async              (CbRestClient        *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
CbLineCredentials *cb_rest_client_get_line_finish        (CbRestClient        *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* PUT /journal/seen: the user has looked at the journal up to the entry
 * @up_to, on every device (they hear of it by a "journal-seen" event).
 * The answer ({"seen_up_to", "missed"}) is for
 * cb_client_store_apply_journal_seen(). */
void          cb_rest_client_set_journal_seen_async      (CbRestClient        *self,
                                                          gint64               up_to,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
JsonObject   *cb_rest_client_set_journal_seen_finish     (CbRestClient        *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* --- changes; each effect comes back as an event --- */

/* PUT /me/presence; @note may be NULL; @note_until (unix seconds, within
 * the coming year) is when the server clears the note by itself, 0: never. */
void          cb_rest_client_set_presence_async          (CbRestClient        *self,
                                                          CbAvailability       availability,
                                                          const char          *note,
                                                          gint64               note_until,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* PUT /me/agent-status. */
void          cb_rest_client_set_agent_status_async      (CbRestClient        *self,
                                                          CbAgentStatus        status,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* PUT /groups/{id}/login. */
void          cb_rest_client_set_group_login_async       (CbRestClient        *self,
                                                          gint64               group_id,
                                                          gboolean             logged_in,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* PUT /groups/{id}/members/order: every member, in the new ringing order. */
void          cb_rest_client_set_member_order_async      (CbRestClient        *self,
                                                          gint64               group_id,
                                                          const gint64        *user_ids,
                                                          guint                n_user_ids,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* PUT /groups/{id}/filter with the parts @changes names: an assistant
 * group's filter (the leader may change all, a logged-in assistant only
 * ENABLED; else 403). */
void          cb_rest_client_set_assistant_filter_async  (CbRestClient        *self,
                                                          gint64               group_id,
                                                          CbAssistantFilterChange changes,
                                                          gboolean             enabled,
                                                          CbAssistantFilter    strategy,
                                                          guint                delay,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* PUT /me/diversion: the whole diversion (targets NULL or "" are off);
 * 422 names the member the server refused. */
void          cb_rest_client_set_diversion_async         (CbRestClient          *self,
                                                          const CbWireDiversion *diversion,
                                                          GCancellable          *cancellable,
                                                          GAsyncReadyCallback    callback,
                                                          gpointer               user_data);
/* PUT /me/mobile-ringing; 409 while the user has no mobile a trunk dials. */
void          cb_rest_client_set_mobile_ringing_async    (CbRestClient        *self,
                                                          gboolean             enabled,
                                                          guint                delay,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* PUT /me/announcement: @audio as the body, of @content_type
 * ("audio/wav", "audio/ogg" or "audio/mpeg"); 413 too large, 415 another
 * type, 422 not audio of its type. */
void          cb_rest_client_upload_announcement_async   (CbRestClient        *self,
                                                          GBytes              *audio,
                                                          const char          *content_type,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* GET /me/announcement; 404 when there is none. */
void          cb_rest_client_get_announcement_async      (CbRestClient        *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
CbAnnouncement *cb_rest_client_get_announcement_finish   (CbRestClient        *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* DELETE /me/announcement; 404 when there is none. */
void          cb_rest_client_delete_announcement_async   (CbRestClient        *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* POST /me/favourites or /me/monitor. */
void          cb_rest_client_add_to_list_async           (CbRestClient        *self,
                                                          CbUserList           list,
                                                          gint64               user_id,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* DELETE /me/favourites/{user_id} or /me/monitor/{user_id}. */
void          cb_rest_client_remove_from_list_async      (CbRestClient        *self,
                                                          CbUserList           list,
                                                          gint64               user_id,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);

/* --- the busy lamp field; each answer is the whole field ({"keys": [...]},
 * for cb_client_store_apply_blf()), finished by cb_rest_client_blf_finish() --- */

/* GET /me/blf. */
void          cb_rest_client_get_blf_async               (CbRestClient        *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* POST /me/blf: a key for the user or hunt group @target_id, or for
 * @number (kind NUMBER), after the user's own keys. */
void          cb_rest_client_add_blf_key_async           (CbRestClient        *self,
                                                          CbBlfKeyKind         kind,
                                                          gint64               target_id,
                                                          const char          *number,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* PUT /me/blf: @keys (JsonObject, as cb_wire_blf_key_to_json() writes
 * them, with their ids) are all the user's own keys in their new order. */
void          cb_rest_client_set_blf_keys_async          (CbRestClient        *self,
                                                          GPtrArray           *keys,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* DELETE /me/blf/{id}; a distributed key answers 409. */
void          cb_rest_client_remove_blf_key_async        (CbRestClient        *self,
                                                          gint64               key_id,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
JsonObject   *cb_rest_client_blf_finish                  (CbRestClient        *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* --- call control; call ids are the server's --- */

/* GET /calls: the user's calls now, on every device. */
void          cb_rest_client_list_calls_async            (CbRestClient        *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* A GPtrArray of CbWireCall (cb_wire_call_from_json()); calls it cannot
 * read are left out. */
GPtrArray    *cb_rest_client_list_calls_finish           (CbRestClient        *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* POST /calls: the server rings @from first, then @to. */
void          cb_rest_client_dial_async                  (CbRestClient        *self,
                                                          const char          *to,
                                                          CbPhone              from,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* As cb_rest_client_dial_async(), placing the call as @as_user_id (a
 * leader the user assists, "call as"; 0: as the user): the callee sees
 * the leader. Finish: cb_rest_client_dial_finish(). */
void          cb_rest_client_dial_as_async               (CbRestClient        *self,
                                                          const char          *to,
                                                          CbPhone              from,
                                                          gint64               as_user_id,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* The new call's id. */
char         *cb_rest_client_dial_finish                 (CbRestClient        *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* DELETE /calls/{id}. */
void          cb_rest_client_hangup_async                (CbRestClient        *self,
                                                          const char          *call_id,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* POST /calls/{id}/answer. */
void          cb_rest_client_answer_async                (CbRestClient        *self,
                                                          const char          *call_id,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* POST /calls/{id}/hold or /calls/{id}/resume. */
void          cb_rest_client_set_held_async              (CbRestClient        *self,
                                                          const char          *call_id,
                                                          gboolean             held,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* POST /calls/{id}/dtmf. */
void          cb_rest_client_send_dtmf_async             (CbRestClient        *self,
                                                          const char          *call_id,
                                                          const char          *digits,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* POST /calls/{id}/forward: blind; the other party is connected to @to. */
void          cb_rest_client_forward_async               (CbRestClient        *self,
                                                          const char          *call_id,
                                                          const char          *to,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* POST /calls/{id}/consult: the call goes on hold and its phone calls @to. */
void          cb_rest_client_consult_async               (CbRestClient        *self,
                                                          const char          *call_id,
                                                          const char          *to,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* The consultation call's id. */
char         *cb_rest_client_consult_finish              (CbRestClient        *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* POST /calls/{id}/transfer: the parties of both calls talk; we leave. */
void          cb_rest_client_transfer_async              (CbRestClient        *self,
                                                          const char          *call_id,
                                                          const char          *to_call_id,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* POST /calls/{id}/conference: @call_id's and @with_call_id's parties
 * talk with each other and with the user, the server mixing; the
 * conference goes on as the user's one call. */
void          cb_rest_client_conference_async            (CbRestClient        *self,
                                                          const char          *call_id,
                                                          const char          *with_call_id,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
/* POST /calls/{id}/pickup: a colleague's ringing call rings @phone instead. */
void          cb_rest_client_pickup_async                (CbRestClient        *self,
                                                          const char          *call_id,
                                                          CbPhone              phone,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);

/* --- the event stream --- */

/* The WebSocket handshake of GET /events?since=@since, the token in the
 * Authorization header (never in the URL, which ends up in logs). A 401
 * fails with CB_PROTOCOL_ERROR_UNAUTHORIZED (and "unauthorized"). */
void          cb_rest_client_connect_events_async        (CbRestClient        *self,
                                                          gint64               since,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
SoupWebsocketConnection *cb_rest_client_connect_events_finish (CbRestClient   *self,
                                                               GAsyncResult   *result,
                                                               GError        **error);

G_END_DECLS
