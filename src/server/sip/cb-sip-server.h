/* cb-sip-server.h: callboardd's SIP server: what the rest of the server starts, stops and asks
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One object for the whole SIP side: registrar, B2BUA with hunt groups,
 * queues, pickup, the trunk and desk phones' lamps (SUBSCRIBE). REST's call control comes in here
 * (cb-sip-call-control.c); every change the SIP side makes goes out
 * through the service layer (CbChanges).
 */

#pragma once

#include "cb-changes.h"

G_BEGIN_DECLS

/* What the SIP side is configured with (callboardd.conf, [sip] and
 * [trunk]); strings borrowed, NULL when not set. */
typedef struct {
  const char *realm;            /* digest realm */
  guint       nonce_lifetime;   /* s */
  guint       max_expires;      /* s, the longest registration granted */
  const char * const *digest_algorithms; /* challenges offer these, most preferred first; NULL: MD5 */
  guint       auth_failures;    /* failed digests (per address, user) before blocking */
  guint       auth_max_block;   /* s, the longest block */
  guint       auth_failure_window; /* s a failure counts */
  guint       max_bindings;     /* registered contacts per line, 0: no limit */
  guint       max_forks;        /* devices a call rings at once, 0: no limit */
  guint       max_external_calls; /* calls over the trunk per user at once */
  const char *trunk_proxy;      /* sip:host[:port] of the upstream, NULL: no trunk */
  const char *trunk_prefix;     /* dialled before an external number */
  const char *trunk_caller_id;  /* From user part towards the trunk */
  const char *trunk_username;
  const char *trunk_password;
  /* Lamps over SIP (SUBSCRIBE): the shortest and longest subscription
   * granted (a SUBSCRIBE without Expires asks for 3600 s, RFC 4235 and
   * 3856), and how many subscriptions there may be in all and from one
   * device (the address in its Contact). 0: the defaults below. */
  guint       subscribe_min_expires;   /* s */
  guint       subscribe_max_expires;   /* s */
  guint       max_subscriptions;
  guint       max_device_subscriptions;
  /* SIP over TLS (cb-sip-tls.c): [server]'s certificate and key (PEM
   * files, NULL: no TLS) on tls_port (0: a free one; the default taken
   * is not fatal unless tls_port_set), and whether every call's media
   * must be SRTP ([sip] require-encryption). */
  const char *tls_certificate;
  const char *tls_key;
  guint       tls_port;
  gboolean    tls_port_set;
  gboolean    require_encryption;
  /* Overload control (cb-sip-overload.c): past either limit new calls
   * get 503 with Retry-After at once. 0: no limit. */
  guint       max_call_setups;  /* calls being set up (ringing) at once */
  guint       max_call_rate;    /* new calls per second */
} CbSipSettings;

#define CB_SIP_DEFAULT_SUBSCRIBE_MIN_EXPIRES    60
#define CB_SIP_DEFAULT_SUBSCRIBE_MAX_EXPIRES    3600
#define CB_SIP_DEFAULT_MAX_SUBSCRIPTIONS        10000
#define CB_SIP_DEFAULT_MAX_DEVICE_SUBSCRIPTIONS 200
#define CB_SIP_DEFAULT_MAX_CALL_SETUPS          1000
#define CB_SIP_DEFAULT_MAX_CALL_RATE            0

/* Whether `uri` is a trunk proxy the SIP side can use: sip:HOST or
 * sip:HOST:PORT (an IPv6 HOST in brackets), read by sofia-sip's parser. */
gboolean     cb_sip_settings_check_proxy (const char *uri);
/* Whether the SIP side knows a digest algorithm: "MD5" or "SHA-256". */
gboolean     cb_sip_settings_check_digest_algorithm (const char *name);

#define CB_TYPE_SIP_SERVER (cb_sip_server_get_type ())
G_DECLARE_FINAL_TYPE (CbSipServer, cb_sip_server, CB, SIP_SERVER, GObject)

/* Every change (line state, logins by feature code, calls and journal)
 * goes through `changes`; settings must outlive the server. */
CbSipServer *cb_sip_server_new           (CbChanges           *changes,
                                          const CbSipSettings *settings);
/* Listens on UDP and TCP at address:port (0: one free port for both). */
gboolean     cb_sip_server_start         (CbSipServer  *self,
                                          const char   *address,
                                          guint         port,
                                          GError      **error);
/* Ends calls and shuts the stack down (iterates the default context). */
void         cb_sip_server_stop          (CbSipServer *self);
guint        cb_sip_server_get_port      (CbSipServer *self);
/* "sip:ADDRESS:PORT" once started. */
const char  *cb_sip_server_get_uri       (CbSipServer *self);
/* "sips:ADDRESS:PORT" once started with TLS, else NULL. */
const char  *cb_sip_server_get_tls_uri   (CbSipServer *self);
gboolean     cb_sip_server_is_registered (CbSipServer *self,
                                          gint64       user_id);

/* REST call control on the CTI call model (cb-sip-call-control.c). A call
 * object is the data of a "call" event from the user's side. Errors are
 * CB_PROTOCOL_ERROR: NOT_FOUND (no such call or number), FORBIDDEN (not
 * the user's call), CONFLICT (wrong state, no phone registered). */
JsonArray   *cb_sip_server_list_calls    (CbSipServer *self,
                                          gint64       user_id);
/* Third-party call control: rings the user's phone of device_kind
 * ("desk" or "softphone") first, then the number, and bridges them.
 * as_user_id > 0: "call as" that leader (FORBIDDEN unless the user is
 * logged into one of their assistant groups): the number sees the leader. */
JsonObject  *cb_sip_server_dial          (CbSipServer  *self,
                                          gint64        user_id,
                                          const char   *to,
                                          const char   *device_kind,
                                          gint64        as_user_id,
                                          GError      **error);
JsonObject  *cb_sip_server_hangup        (CbSipServer  *self,
                                          gint64        user_id,
                                          const char   *call_id,
                                          GError      **error);
JsonObject  *cb_sip_server_hold          (CbSipServer  *self,
                                          gint64        user_id,
                                          const char   *call_id,
                                          gboolean      hold,
                                          GError      **error);
/* Blind: the other party is connected to `to`, the user's leg ends. A
 * call still ringing at the user (not answered) is deflected instead:
 * it rings `to` without being answered, the caller keeps ringing.
 * Returns the call as the user sees it, ended. */
JsonObject  *cb_sip_server_forward       (CbSipServer  *self,
                                          gint64        user_id,
                                          const char   *call_id,
                                          const char   *to,
                                          GError      **error);
/* Consultation: call_id is held (unless it is already) and the user's
 * phone in it places a new call to `to` (RFC 3725 flow I); returns the
 * new call. */
JsonObject  *cb_sip_server_consult       (CbSipServer  *self,
                                          gint64        user_id,
                                          const char   *call_id,
                                          const char   *to,
                                          GError      **error);
/* Connects the other parties of two of the user's calls (connected or
 * held) to each other; the user's legs of both end. Returns call_id from
 * the user's side, ended. */
JsonObject  *cb_sip_server_transfer      (CbSipServer  *self,
                                          gint64        user_id,
                                          const char   *call_id,
                                          const char   *to_call_id,
                                          GError      **error);
/* Joins two of the user's answered calls (connected or held) into a
 * three-party conference the server mixes (cb-sip-conference.c): the
 * user keeps their dialog of call_id; the conference's id is call_id.
 * Returns call_id from the user's side. CONFLICT when either call is not
 * connected or is part of a conference already. */
JsonObject  *cb_sip_server_conference    (CbSipServer  *self,
                                          gint64        user_id,
                                          const char   *call_id,
                                          const char   *with_call_id,
                                          GError      **error);
/* Remote answer of a call ringing at the user's phone (NOTIFY, Event: talk). */
JsonObject  *cb_sip_server_answer        (CbSipServer  *self,
                                          gint64        user_id,
                                          const char   *call_id,
                                          GError      **error);
/* digits (0-9 * # A-D) to the other party as SIP INFO application/dtmf-relay. */
JsonObject  *cb_sip_server_send_dtmf     (CbSipServer  *self,
                                          gint64        user_id,
                                          const char   *call_id,
                                          const char   *digits,
                                          GError      **error);
/* Directed pickup: the user's phone of device_kind (NULL: the
 * softphone, else any) rings with a call ringing at someone the user may
 * pick up from (cb-sip-pickup.c). FORBIDDEN when not entitled, CONFLICT
 * when the call no longer rings. Returns the call as the user sees it. */
JsonObject  *cb_sip_server_pickup        (CbSipServer  *self,
                                          gint64        user_id,
                                          const char   *call_id,
                                          const char   *device_kind,
                                          GError      **error);

G_END_DECLS
