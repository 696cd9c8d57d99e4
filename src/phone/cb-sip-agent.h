/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-sip-agent.h: a SIP user agent (sofia-sip on the GLib main loop). */
#pragma once

#include <gio/gio.h>

#include "cb-sip-call.h"

G_BEGIN_DECLS

/* How the agent reaches its registrar (the "transport" property). */
typedef enum {
  CB_SIP_TRANSPORT_UDP,
  CB_SIP_TRANSPORT_TCP,
  CB_SIP_TRANSPORT_TLS,  /* SIP over TLS: calls offer SRTP (cb-srtp.h) */
} CbSipTransport;

#define CB_SIP_DEFAULT_TLS_PORT 5061

#define CB_TYPE_SIP_AGENT (cb_sip_agent_get_type ())
G_DECLARE_FINAL_TYPE (CbSipAgent, cb_sip_agent, CB, SIP_AGENT, GObject)

CbSipAgent  *cb_sip_agent_new             (const char  *local_address,
                                           guint        port,
                                           const char  *user,
                                           GError     **error);
/* SIP over TLS (transport TLS) trusting pinned_pem only (a PEM
 * certificate), or with NULL the system's trust
 * (/etc/ssl/certs/ca-certificates.crt) and the registrar's host name. */
CbSipAgent  *cb_sip_agent_new_tls         (const char  *local_address,
                                           const char  *user,
                                           const char  *pinned_pem,
                                           GError     **error);
guint        cb_sip_agent_get_port        (CbSipAgent  *self);
CbSipTransport cb_sip_agent_get_transport (CbSipAgent  *self);
const char  *cb_sip_agent_get_contact     (CbSipAgent  *self);

void         cb_sip_agent_set_codecs      (CbSipAgent          *self,
                                           const char * const  *codecs);
void         cb_sip_agent_register        (CbSipAgent  *self,
                                           const char  *registrar,
                                           const char  *password);
void         cb_sip_agent_unregister      (CbSipAgent  *self);
gboolean     cb_sip_agent_get_registered  (CbSipAgent  *self);
/* Why the last registration failed ("The SIP server's certificate is not
 * the pinned certificate", "REGISTER failed: 403 Forbidden"), NULL while
 * it is fine. */
const char  *cb_sip_agent_get_registration_error (CbSipAgent *self);
/* Refuse calls whose media is not SRTP (488 to a plain offer), and offer
 * RTP/SAVP; off by default. */
void         cb_sip_agent_set_require_encryption (CbSipAgent *self,
                                                  gboolean    require);
gboolean     cb_sip_agent_get_require_encryption (CbSipAgent *self);

CbSipCall   *cb_sip_agent_dial            (CbSipAgent  *self,
                                           const char  *uri,
                                           GError     **error);
/* With extra header lines on the INVITE ("Name: value", CRLF between). */
CbSipCall   *cb_sip_agent_dial_with_headers (CbSipAgent  *self,
                                             const char  *uri,
                                             const char  *headers,
                                             GError     **error);
void         cb_sip_agent_shutdown        (CbSipAgent  *self);
void         cb_sip_agent_set_auto_hold   (CbSipAgent  *self,
                                           gboolean     auto_hold);
gboolean     cb_sip_agent_get_auto_hold   (CbSipAgent  *self);

G_END_DECLS
