/* cb-server-config.h: callboardd settings from a keyfile and the command line
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "cb-protocol.h"

G_BEGIN_DECLS

#define CB_SERVER_DEFAULT_PORT 8480
#define CB_SERVER_DEFAULT_SIP_PORT 5060
#define CB_SERVER_DEFAULT_SIP_TLS_PORT 5061

/* A plain struct: the server reads it, nothing observes it. */
typedef struct {
  char     *config_file;

  /* [server] */
  char     *listen;           /* an IP address or host name */
  guint     port;             /* 0: ephemeral */
  char     *database;         /* SQLite file */
  char     *tls_certificate;
  char     *tls_key;
  char     *tls_priority;     /* GnuTLS priority string; NULL: built in */
  CbLevel   default_level;
  char     *import;           /* directory JSON imported at start */
  gboolean  import_only;      /* exit after the import */

  /* [limits] */
  gsize     max_body;         /* bytes */
  gsize     max_announcement; /* bytes of an uploaded announcement */
  guint     request_timeout;  /* seconds from connecting to a whole request */
  guint     idle_timeout;     /* seconds without a byte while answering */
  guint     max_streams_per_user; /* event streams; more close the oldest */
  gsize     max_backlog_bytes; /* event bytes unacknowledged or unsent */
  gint64    token_lifetime;   /* seconds */
  guint     keepalive;        /* seconds */
  guint     max_backlog;      /* events */
  guint     event_retention;  /* events */

  /* [auth] */
  guint     failures_before_delay; /* per user name and address */
  guint     max_failures;     /* per user name and address */
  guint     max_address_failures; /* per address, any user names */
  guint     failure_window;   /* seconds */
  guint     password_checks;  /* argon2id checks at once */
  guint     password_queue;   /* sign-ins waiting for one */
  gboolean  fast_hash;        /* cheap argon2id: tests, benchmarks, demo */

  /* [sip] */
  char     *sip_listen;       /* NULL: the [server] listen address */
  guint     sip_port;         /* UDP and TCP; 0: ephemeral */
  gboolean  sip_port_set;     /* given explicitly: failing to bind is fatal */
  guint     sip_tls_port;     /* SIP over TLS, with [server]'s certificate; 0: ephemeral */
  gboolean  sip_tls_port_set; /* likewise */
  gboolean  sip_require_encryption; /* every call's media SRTP (offers without keys: 488) */
  char     *sip_realm;        /* digest realm */
  guint     sip_nonce_lifetime; /* seconds */
  guint     sip_max_expires;  /* longest registration granted, seconds */
  char    **sip_digest_algorithms;   /* offered, most preferred first */
  guint     sip_auth_failures;       /* failed digests before blocking */
  guint     sip_auth_max_block;      /* seconds */
  guint     sip_auth_failure_window; /* seconds */
  guint     sip_max_bindings;        /* per line */
  guint     sip_max_forks;           /* per call */
  guint     sip_max_external_calls;  /* over the trunk, per user at once */
  guint     sip_subscribe_min_expires;    /* lamps' subscriptions: shortest granted, s */
  guint     sip_subscribe_max_expires;    /* longest granted, s */
  guint     sip_max_subscriptions;        /* in all */
  guint     sip_max_device_subscriptions; /* from one device */
  guint     sip_max_call_setups;          /* calls ringing at once, then 503; 0: no limit */
  guint     sip_max_call_rate;            /* new calls per second, then 503; 0: no limit */

  /* [trunk]: the upstream proxy for numbers that are not ours */
  char     *trunk_proxy;      /* "sip:HOST[:PORT]"; NULL: no trunk */
  char     *trunk_username;   /* digest credentials towards it, if it asks */
  char     *trunk_password;
  char     *trunk_prefix;     /* external line code: stripped out, added in */
  char     *trunk_caller_id;  /* the number shown upstream; NULL: the extension */

  /* [demo] */
  gboolean  demo;
  gboolean  simulation;
  guint     simulation_interval_ms;
  guint     simulation_rate;        /* changes per second; 0: one per interval */
  guint     call_interval_ms; /* mean time between simulated calls; 0: none */
  char     *demo_dir;         /* temporary directory removed on exit */
} CbServerConfig;

CbServerConfig *cb_server_config_new         (void);
void            cb_server_config_free        (CbServerConfig  *config);

/* Parses argv (flags win over the --config keyfile, which wins over the
 * defaults). Leaves argv untouched on error. */
gboolean        cb_server_config_parse_args  (CbServerConfig  *config,
                                              int             *argc,
                                              char          ***argv,
                                              GError         **error);
/* Reads a keyfile into config: used by parse_args and by tests. */
gboolean        cb_server_config_load_file   (CbServerConfig  *config,
                                              const char      *path,
                                              GError         **error);
/* Resolves --demo: a fresh temporary database and the demo directory. */
gboolean        cb_server_config_prepare_demo (CbServerConfig *config,
                                               GError        **error);
/* Removes the demo's temporary directory, if any. */
void            cb_server_config_cleanup_demo (CbServerConfig *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbServerConfig, cb_server_config_free)

G_END_DECLS
