/* cb-store.h: the server's persistence interface
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything callboardd keeps across a restart goes through CbStore, so a
 * second backend (PostgreSQL) can be added beside CbSqliteStore without
 * touching the API layer. Calls are synchronous and made on the main thread.
 * A mutation and the event it causes are written in one transaction:
 * cb_store_begin(), the changes, cb_store_append_event(), cb_store_commit().
 */

#pragma once

#include <gio/gio.h>

#include "cb-protocol.h"

G_BEGIN_DECLS

#define CB_STORE_ERROR (cb_store_error_quark ())

typedef enum {
  CB_STORE_ERROR_FAILED,
  CB_STORE_ERROR_NOT_FOUND,
  CB_STORE_ERROR_CONFLICT,    /* unique username/extension/number taken */
  CB_STORE_ERROR_SCHEMA,      /* database newer than this build */
} CbStoreError;

GQuark cb_store_error_quark (void);

/* Whether a user may call out over the SIP trunk. */
typedef enum {
  CB_EXTERNAL_CALLS_DEFAULT = -1,   /* as the user's kind says */
  CB_EXTERNAL_CALLS_DENIED = 0,
  CB_EXTERNAL_CALLS_ALLOWED = 1,
} CbExternalCalls;

/* Lists a user keeps; group-distributed contents use the same kinds. */
typedef enum {
  CB_LIST_FAVOURITES,
  CB_LIST_MONITOR,
  CB_LIST_BLF,
} CbListKind;

/* Where a user's calls go instead of ringing them (schema 7): a number
 * each (an extension, a group number or an external number), NULL: off.
 * Set by the user (cb_changes_set_diversion()), read by the SIP side. */
typedef struct {
  char  *unconditional;             /* every call */
  char  *busy;                      /* while the user is in a call */
  char  *no_answer;                 /* after no_answer_after s of ringing */
  guint  no_answer_after;           /* seconds, default 20 */
} CbDiversionRecord;

typedef struct {
  gint64          id;
  char           *username;
  char           *display_name;
  char           *extension;
  char           *email;
  char           *mobile;
  char           *language;
  char           *time_zone;
  char           *password_hash;   /* argon2id string; NULL for devices */
  CbUserKind      kind;
  gboolean        admin;
  CbAvailability  availability;
  char           *note;
  gint64          note_until;      /* unix s the note goes by itself; 0: it stays */
  CbAgentStatus   agent_status;
  CbLineState     line_state;
  /* The user's own call settings (schema 7): the store writes them only
   * through set_diversion, set_mobile_ringing and set_announcement, never
   * through create_user or update_user. */
  CbDiversionRecord diversion;
  gboolean        mobile_ringing;       /* "mobile" rings with their phones */
  guint           mobile_ringing_delay; /* seconds after their phones start, 0-60 */
  gboolean        announcement;         /* an announcement is stored (read only) */
  /* Schema 8: calls over the SIP trunk. CB_EXTERNAL_CALLS_DEFAULT: as the
   * kind says (users may, DeviceOnly phones may not). */
  CbExternalCalls external_calls;
  /* Schema 12, a call setting of the user's own (set_require_encryption):
   * their calls' media must be SRTP, plain offers get 488. */
  gboolean        require_encryption;
} CbUserRecord;

typedef struct {
  gint64 user_id;
  gint64 until;     /* seconds since the epoch */
} CbWrapUpRecord;

/* A busy lamp field key: a user's own (group_id 0) or one a group gives
 * every member (group_id: that group). */
typedef struct {
  gint64        id;
  gint64        group_id;
  CbBlfKeyKind  kind;
  gint64        target_id;       /* the user or group it lights for */
  char         *number;          /* CB_BLF_KEY_KIND_NUMBER: what it dials */
  char         *label;           /* NULL: the target's own name */
} CbBlfKeyRecord;

/* A member in ringing order, as the wire shows it (cb-wire-group.h). */
typedef CbWireMember CbGroupMember;

typedef struct {
  gint64          id;
  char           *name;
  CbGroupKind     kind;
  char           *number;          /* hunt groups; NULL otherwise */
  CbRingStrategy  strategy;
  guint           member_timeout;  /* seconds, default 15 */
  gboolean        wrap_around;
  CbLevel         level;           /* members towards each other */
  CbLevel         leader_level;    /* leader and deputy towards members */
  gint64          leader_id;       /* 0: none */
  gint64          deputy_id;       /* 0: none */
  GArray         *members;         /* CbGroupMember, ringing order */
  GArray         *favourites;      /* gint64 user ids given to every member */
  GArray         *monitor;         /* gint64 user ids given to every member */
  GPtrArray      *blf;             /* CbBlfKeyRecord given to every member (schema 5) */
  /* Hunt group routing (schema 3). */
  gboolean        ring_in_use;     /* FALSE: busy members are skipped */
  char           *overflow;        /* number when nobody takes it; NULL or "": busy */
  gboolean        pickup_oldest;   /* *98 takes the oldest ringing call */
  /* Queues (strategy "queue"). Times in seconds. */
  CbQueueOrder    queue_order;
  guint           agent_timeout;   /* default 15 */
  guint           max_wait;        /* default 300, then overflow */
  guint           wrap_up;         /* default 30 */
  gboolean        announcement;
  /* Assistant groups (schema 7): the leader is the person assisted, the
   * members their assistants. */
  gboolean           filter_enabled;   /* FALSE: the leader's calls ring the leader alone */
  CbAssistantFilter  filter;           /* default assistants-first */
  guint              filter_delay;     /* seconds, for the "first" filters; default 15 */
  gboolean           logout_allowed;   /* assistants may log out; default TRUE */
} CbGroupRecord;

typedef struct {
  gint64  seq;
  char   *type;                    /* "presence", "group-login", ... */
  gint64  subject_user_id;         /* whose state it is; 0: none */
  gint64  group_id;                /* 0: none */
  char   *data;                    /* JSON object, full detail */
  gint64  created_at;              /* unix seconds */
} CbEventRecord;

/* A SIP line: what a phone authenticates as. Every user with an
 * extension has a softphone line named by the extension. */
typedef struct {
  char   *username;                /* digest user name */
  gint64  user_id;
  char   *kind;                    /* "softphone" or "desk" */
  char   *secret;                  /* digest password, random */
} CbSipLineRecord;

/* One journal entry: one user's view of one call. Times in unix seconds. */
typedef struct {
  gint64    id;
  gint64    user_id;
  char     *call_id;
  gboolean  outgoing;
  char     *remote_number;
  char     *remote_name;
  gint64    remote_user_id;        /* 0: not a user */
  gint64    started_at;
  gint64    answered_at;           /* 0: never answered */
  gint64    ended_at;
  /* Group calls (schema 3). */
  gint64    group_id;              /* 0: not a group call */
  char     *group_name;
  gint64    taken_by_user_id;      /* colleague who answered it; 0: none or self */
  char     *taken_by_name;
  gboolean  picked_up;
  CbCallOutcome outcome;           /* schema 6; older entries: guessed from the times */
  /* Schema 9: the picker's own entry names whom the call was picked up
   * from (0: not picked up by this user). */
  gint64    picked_up_from_user_id;
  char     *picked_up_from_name;
  /* Assistant groups (schema 10): the leader an assistant took or placed
   * the call for; 0: none. */
  gint64    for_user_id;
  char     *for_name;
  CbCallEndReason end_reason;      /* schema 11; UNKNOWN for older entries */
  /* Schema 13: where this user forwarded the call to (number NULL: not
   * forwarded by them); user_id 0 for a number beyond our users. */
  gint64    forwarded_to_user_id;
  char     *forwarded_to_number;
  char     *forwarded_to_name;
} CbJournalRecord;

/* A SIP subscription callboardd accepted (schema 9): the dialog it lives
 * in, so that after a restart the subscriber can be told in that dialog
 * to subscribe again (RFC 6665 §4.1.3, reason=deactivated). Our side is
 * the notifier: local is us (the From of our NOTIFYs), remote the
 * subscriber. */
typedef struct {
  gint64   id;
  char    *event;                  /* "dialog", "presence" */
  char    *call_id;
  char    *local_uri;              /* name-addr without tag */
  char    *local_tag;
  char    *remote_uri;             /* name-addr without tag */
  char    *remote_tag;
  char    *contact;                /* where requests in the dialog go */
  char    *route;                  /* the dialog's route set, NULL: none */
  guint32  cseq;                   /* of a NOTIFY we sent (kept every so many NOTIFYs) */
} CbSipSubscriptionRecord;

/* A contact a phone registered (schema 11), kept so that calls reach it
 * right after a restart, until it expires (unix s). */
typedef struct {
  char   *line;                    /* the SIP line's user name */
  char   *contact;                 /* the Contact URI as registered */
  char   *kind;                    /* the line's kind */
  gint64  user_id;
  gint64  expires_at;
} CbSipBindingRecord;

/* A call the SIP side has up (schema 11): what it needs to end the call
 * after a crash, in its own format (JSON text the store does not read). */
typedef struct {
  char *call_id;
  char *data;
} CbLiveCallRecord;

CbBlfKeyRecord *cb_blf_key_record_new  (void);
CbBlfKeyRecord *cb_blf_key_record_copy (const CbBlfKeyRecord *record);
void           cb_blf_key_record_free  (CbBlfKeyRecord *record);
CbUserRecord  *cb_user_record_new      (void);
/* The user's mobile number as a trunk dials it (spaces and - ( ) / left
 * out), or NULL when there is none or it holds more than 0-9 * # +. */
char          *cb_user_record_mobile_number (const CbUserRecord *record);
/* Whether the user may call over the SIP trunk: as set, else as the
 * kind says (users may, DeviceOnly phones may not). */
gboolean       cb_user_record_may_call_external (const CbUserRecord *record);
CbUserRecord  *cb_user_record_copy     (const CbUserRecord *record);
void           cb_user_record_free     (CbUserRecord *record);
CbGroupRecord *cb_group_record_new     (void);
CbGroupRecord *cb_group_record_copy    (const CbGroupRecord *record);
void           cb_group_record_free    (CbGroupRecord *record);
void           cb_event_record_free    (CbEventRecord *record);
void           cb_sip_line_record_free (CbSipLineRecord *record);
void           cb_journal_record_free  (CbJournalRecord *record);
void           cb_sip_subscription_record_free (CbSipSubscriptionRecord *record);
void           cb_sip_binding_record_free (CbSipBindingRecord *record);
void           cb_live_call_record_free (CbLiveCallRecord *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbBlfKeyRecord, cb_blf_key_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbUserRecord, cb_user_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbGroupRecord, cb_group_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbEventRecord, cb_event_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbSipLineRecord, cb_sip_line_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbJournalRecord, cb_journal_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbSipSubscriptionRecord, cb_sip_subscription_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbSipBindingRecord, cb_sip_binding_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbLiveCallRecord, cb_live_call_record_free)

#define CB_TYPE_STORE (cb_store_get_type ())
G_DECLARE_INTERFACE (CbStore, cb_store, CB, STORE, GObject)

struct _CbStoreInterface
{
  GTypeInterface parent_iface;

  gboolean       (*begin)              (CbStore *self, GError **error);
  gboolean       (*commit)             (CbStore *self, GError **error);
  void           (*rollback)           (CbStore *self);

  /* Users. list_users returns CbUserRecord elements (free func set). */
  GPtrArray     *(*list_users)         (CbStore *self, GError **error);
  CbUserRecord  *(*get_user)           (CbStore *self, gint64 id, GError **error);
  CbUserRecord  *(*find_user)          (CbStore *self, const char *username, GError **error);
  /* Sets record->id on success. */
  gboolean       (*create_user)        (CbStore *self, CbUserRecord *record, GError **error);
  gboolean       (*update_user)        (CbStore *self, const CbUserRecord *record, GError **error);
  gboolean       (*set_presence)       (CbStore *self, gint64 user_id, CbAvailability availability,
                                        const char *note, gint64 note_until, GError **error);
  gboolean       (*set_agent_status)   (CbStore *self, gint64 user_id, CbAgentStatus status,
                                        GError **error);
  gboolean       (*set_line_state)     (CbStore *self, gint64 user_id, CbLineState state,
                                        GError **error);
  /* A user's own call settings (schema 7); NOT_FOUND for an unknown user. */
  gboolean       (*set_diversion)      (CbStore *self, gint64 user_id,
                                        const CbDiversionRecord *diversion, GError **error);
  gboolean       (*set_mobile_ringing) (CbStore *self, gint64 user_id, gboolean enabled,
                                        guint delay, GError **error);
  gboolean       (*set_require_encryption) (CbStore *self, gint64 user_id, gboolean required,
                                            GError **error);
  /* The announcement played to a user's callers before their phones ring:
   * the audio as uploaded and its media type ("audio/wav", "audio/ogg",
   * "audio/mpeg"). set replaces it (NOT_FOUND: no such user); get and
   * delete: NOT_FOUND when there is none. */
  gboolean       (*set_announcement)   (CbStore *self, gint64 user_id, const char *content_type,
                                        GBytes *audio, GError **error);
  GBytes        *(*get_announcement)   (CbStore *self, gint64 user_id, char **content_type,
                                        GError **error);
  gboolean       (*delete_announcement) (CbStore *self, gint64 user_id, GError **error);

  /* Groups, with members in order. */
  GPtrArray     *(*list_groups)        (CbStore *self, GError **error);
  CbGroupRecord *(*get_group)          (CbStore *self, gint64 id, GError **error);
  gboolean       (*create_group)       (CbStore *self, CbGroupRecord *record, GError **error);
  /* Replaces fields and members; keeps logins of members that stay. */
  gboolean       (*update_group)       (CbStore *self, const CbGroupRecord *record, GError **error);
  gboolean       (*set_group_login)    (CbStore *self, gint64 group_id, gint64 user_id,
                                        gboolean logged_in, GError **error);

  /* A user's own lists (ordered user ids). */
  GArray        *(*get_list)           (CbStore *self, gint64 user_id, CbListKind kind,
                                        GError **error);
  gboolean       (*set_list)           (CbStore *self, gint64 user_id, CbListKind kind,
                                        const GArray *user_ids, GError **error);

  /* A user's own busy lamp field keys in order (CbBlfKeyRecord, free func
   * set). set replaces them: a key with an id keeps it, one with id 0 gets
   * a new one (written back into the record). */
  GPtrArray     *(*list_blf_keys)      (CbStore *self, gint64 user_id, GError **error);
  gboolean       (*set_blf_keys)       (CbStore *self, gint64 user_id, GPtrArray *keys,
                                        GError **error);

  /* Sessions: only a hash of the token is stored. */
  gboolean       (*add_token)          (CbStore *self, const char *token_hash, gint64 user_id,
                                        gint64 expires_at, GError **error);
  /* Returns the user id, 0 when unknown or expired (at time now). */
  gint64         (*lookup_token)       (CbStore *self, const char *token_hash, gint64 now,
                                        GError **error);
  gboolean       (*revoke_token)       (CbStore *self, const char *token_hash, GError **error);
  /* Every token of the user (a new password ends their sessions). */
  gboolean       (*revoke_user_tokens) (CbStore *self, gint64 user_id, GError **error);
  gboolean       (*purge_tokens)       (CbStore *self, gint64 now, GError **error);

  /* Event log. append sets record->seq (strictly increasing, never reused). */
  gboolean       (*append_event)       (CbStore *self, CbEventRecord *record, GError **error);
  /* Events with seq > after, oldest first, at most limit (0: no limit). */
  GPtrArray     *(*events_since)       (CbStore *self, gint64 after, guint limit, GError **error);
  gint64         (*last_seq)           (CbStore *self);
  /* Oldest retained seq; last_seq + 1 when the log is empty. */
  gint64         (*first_seq)          (CbStore *self);
  /* Keeps the newest `keep` events. */
  gboolean       (*trim_events)        (CbStore *self, guint keep, GError **error);

  /* SIP lines: NOT_FOUND when there is none. */
  CbSipLineRecord *(*find_sip_line)    (CbStore *self, const char *username, GError **error);
  CbSipLineRecord *(*get_softphone_line) (CbStore *self, gint64 user_id, GError **error);
  /* Every line of the user (softphone first), CbSipLineRecord elements. */
  GPtrArray     *(*list_sip_lines)     (CbStore *self, gint64 user_id, GError **error);
  /* Inserts the line, or updates kind and secret of the user's line of
   * that name; CONFLICT when another user holds the name. A NULL secret
   * gets a random one (a kept one on update). */
  gboolean       (*put_sip_line)       (CbStore *self, const CbSipLineRecord *record,
                                        GError **error);

  /* Journal. add sets record->id. list: newest first, ids < before
   * (0: from the newest), at most limit. */
  gboolean       (*add_journal)        (CbStore *self, CbJournalRecord *record, GError **error);
  GPtrArray     *(*list_journal)       (CbStore *self, gint64 user_id, gint64 before,
                                        guint limit, GError **error);
  /* Incoming calls never answered, by anyone: a group call a colleague
   * took is not missed. */
  gint64         (*count_missed)       (CbStore *self, gint64 user_id, GError **error);
  /* How far the user has looked at their journal (an entry id; only ever
   * moves forward): entries up to it no longer count as missed. get: 0
   * when never, -1 on error. */
  gboolean       (*set_journal_seen)   (CbStore *self, gint64 user_id, gint64 seen_id,
                                        GError **error);
  gint64         (*get_journal_seen)   (CbStore *self, gint64 user_id, GError **error);

  /* Queue counters of a group for one day ("YYYY-MM-DD", the server's
   * local date): add adds to them, get gives zeros for a day without. */
  gboolean       (*add_queue_counts)   (CbStore *self, gint64 group_id, const char *day,
                                        gint64 answered, gint64 abandoned, GError **error);
  gboolean       (*get_queue_counts)   (CbStore *self, gint64 group_id, const char *day,
                                        gint64 *answered, gint64 *abandoned, GError **error);
  /* Wrap-ups a queue started, to end them after a restart: until in
   * seconds since the epoch; 0 clears. list: CbWrapUpRecord elements. */
  gboolean       (*set_wrap_up)        (CbStore *self, gint64 user_id, gint64 until,
                                        GError **error);
  GArray        *(*list_wrap_ups)      (CbStore *self, GError **error);

  /* SIP subscriptions (schema 9). add sets record->id; update changes
   * the contact (a refresh may move it) and the CSeq; list:
   * CbSipSubscriptionRecord elements, oldest first. */
  gboolean       (*add_sip_subscription)    (CbStore *self, CbSipSubscriptionRecord *record,
                                             GError **error);
  gboolean       (*update_sip_subscription) (CbStore *self, gint64 id, const char *contact,
                                             guint32 cseq, GError **error);
  gboolean       (*remove_sip_subscription) (CbStore *self, gint64 id, GError **error);
  GPtrArray     *(*list_sip_subscriptions)  (CbStore *self, GError **error);
  /* Registrations (schema 11). put inserts or refreshes the binding of
   * (line, contact); delete removes it, or every binding of the line when
   * contact is NULL (none is no error); list: CbSipBindingRecord elements,
   * in the order they were first registered. */
  gboolean       (*put_sip_binding)    (CbStore *self, const CbSipBindingRecord *binding,
                                        GError **error);
  gboolean       (*delete_sip_binding) (CbStore *self, const char *line, const char *contact,
                                        GError **error);
  GPtrArray     *(*list_sip_bindings)  (CbStore *self, GError **error);
  /* Calls up (schema 11): put replaces the call's data, delete forgets it
   * (none is no error), list: CbLiveCallRecord elements. */
  gboolean       (*put_live_call)      (CbStore *self, const char *call_id, const char *data,
                                        GError **error);
  gboolean       (*delete_live_call)   (CbStore *self, const char *call_id, GError **error);
  GPtrArray     *(*list_live_calls)    (CbStore *self, GError **error);
};

gboolean       cb_store_begin            (CbStore *self, GError **error);
gboolean       cb_store_commit           (CbStore *self, GError **error);
void           cb_store_rollback         (CbStore *self);
GPtrArray     *cb_store_list_users       (CbStore *self, GError **error);
CbUserRecord  *cb_store_get_user         (CbStore *self, gint64 id, GError **error);
CbUserRecord  *cb_store_find_user        (CbStore *self, const char *username, GError **error);
gboolean       cb_store_create_user      (CbStore *self, CbUserRecord *record, GError **error);
gboolean       cb_store_update_user      (CbStore *self, const CbUserRecord *record, GError **error);
gboolean       cb_store_set_presence     (CbStore *self, gint64 user_id, CbAvailability availability,
                                          const char *note, gint64 note_until, GError **error);
gboolean       cb_store_set_agent_status (CbStore *self, gint64 user_id, CbAgentStatus status,
                                          GError **error);
gboolean       cb_store_set_line_state   (CbStore *self, gint64 user_id, CbLineState state,
                                          GError **error);
gboolean       cb_store_set_diversion    (CbStore *self, gint64 user_id,
                                          const CbDiversionRecord *diversion, GError **error);
gboolean       cb_store_set_mobile_ringing (CbStore *self, gint64 user_id, gboolean enabled,
                                            guint delay, GError **error);
gboolean       cb_store_set_require_encryption (CbStore *self, gint64 user_id, gboolean required,
                                                GError **error);
gboolean       cb_store_set_announcement (CbStore *self, gint64 user_id, const char *content_type,
                                          GBytes *audio, GError **error);
GBytes        *cb_store_get_announcement (CbStore *self, gint64 user_id, char **content_type,
                                          GError **error);
gboolean       cb_store_delete_announcement (CbStore *self, gint64 user_id, GError **error);
GPtrArray     *cb_store_list_groups      (CbStore *self, GError **error);
CbGroupRecord *cb_store_get_group        (CbStore *self, gint64 id, GError **error);
gboolean       cb_store_create_group     (CbStore *self, CbGroupRecord *record, GError **error);
gboolean       cb_store_update_group     (CbStore *self, const CbGroupRecord *record, GError **error);
gboolean       cb_store_set_group_login  (CbStore *self, gint64 group_id, gint64 user_id,
                                          gboolean logged_in, GError **error);
GArray        *cb_store_get_list         (CbStore *self, gint64 user_id, CbListKind kind,
                                          GError **error);
GPtrArray     *cb_store_list_blf_keys    (CbStore *self, gint64 user_id, GError **error);
gboolean       cb_store_set_blf_keys     (CbStore *self, gint64 user_id, GPtrArray *keys,
                                          GError **error);
gboolean       cb_store_set_list         (CbStore *self, gint64 user_id, CbListKind kind,
                                          const GArray *user_ids, GError **error);
gboolean       cb_store_add_token        (CbStore *self, const char *token_hash, gint64 user_id,
                                          gint64 expires_at, GError **error);
gint64         cb_store_lookup_token     (CbStore *self, const char *token_hash, gint64 now,
                                          GError **error);
gboolean       cb_store_revoke_token     (CbStore *self, const char *token_hash, GError **error);
gboolean       cb_store_revoke_user_tokens (CbStore *self, gint64 user_id, GError **error);
gboolean       cb_store_purge_tokens     (CbStore *self, gint64 now, GError **error);
gboolean       cb_store_append_event     (CbStore *self, CbEventRecord *record, GError **error);
GPtrArray     *cb_store_events_since     (CbStore *self, gint64 after, guint limit, GError **error);
gint64         cb_store_last_seq         (CbStore *self);
gint64         cb_store_first_seq        (CbStore *self);
gboolean       cb_store_trim_events      (CbStore *self, guint keep, GError **error);
CbSipLineRecord *cb_store_find_sip_line  (CbStore *self, const char *username, GError **error);
CbSipLineRecord *cb_store_get_softphone_line (CbStore *self, gint64 user_id, GError **error);
GPtrArray     *cb_store_list_sip_lines   (CbStore *self, gint64 user_id, GError **error);
gboolean       cb_store_put_sip_line     (CbStore *self, const CbSipLineRecord *record,
                                          GError **error);
gboolean       cb_store_add_journal      (CbStore *self, CbJournalRecord *record, GError **error);
GPtrArray     *cb_store_list_journal     (CbStore *self, gint64 user_id, gint64 before,
                                          guint limit, GError **error);
gint64         cb_store_count_missed     (CbStore *self, gint64 user_id, GError **error);
gboolean       cb_store_set_journal_seen (CbStore *self, gint64 user_id, gint64 seen_id,
                                          GError **error);
gint64         cb_store_get_journal_seen (CbStore *self, gint64 user_id, GError **error);
gboolean       cb_store_add_queue_counts (CbStore *self, gint64 group_id, const char *day,
                                          gint64 answered, gint64 abandoned, GError **error);
gboolean       cb_store_get_queue_counts (CbStore *self, gint64 group_id, const char *day,
                                          gint64 *answered, gint64 *abandoned, GError **error);
gboolean       cb_store_set_wrap_up      (CbStore *self, gint64 user_id, gint64 until,
                                          GError **error);
GArray        *cb_store_list_wrap_ups    (CbStore *self, GError **error);
gboolean       cb_store_add_sip_subscription    (CbStore *self, CbSipSubscriptionRecord *record,
                                                 GError **error);
gboolean       cb_store_update_sip_subscription (CbStore *self, gint64 id, const char *contact,
                                                 guint32 cseq, GError **error);
gboolean       cb_store_remove_sip_subscription (CbStore *self, gint64 id, GError **error);
GPtrArray     *cb_store_list_sip_subscriptions  (CbStore *self, GError **error);
gboolean       cb_store_put_sip_binding  (CbStore *self, const CbSipBindingRecord *binding,
                                          GError **error);
gboolean       cb_store_delete_sip_binding (CbStore *self, const char *line, const char *contact,
                                            GError **error);
GPtrArray     *cb_store_list_sip_bindings (CbStore *self, GError **error);
gboolean       cb_store_put_live_call    (CbStore *self, const char *call_id, const char *data,
                                          GError **error);
gboolean       cb_store_delete_live_call (CbStore *self, const char *call_id, GError **error);
GPtrArray     *cb_store_list_live_calls  (CbStore *self, GError **error);

G_END_DECLS
