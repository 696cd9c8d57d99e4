/* cb-sip-tls.h: SIP over TLS for callboardd: the listener's certificate, and requests to phones over their own connection
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-sip-server-private.h"

G_BEGIN_DECLS

/* Our Contact for a dialog with a device (tls: it is on TLS), see
 * cb_sip_server_contact(); nothing without TLS. */
#define CB_SIP_CONTACT_TAGS(server, tls) \
  TAG_IF (cb_sip_server_contact ((server), (tls)) != NULL, \
          SIPTAG_CONTACT_STR (cb_sip_server_contact ((server), (tls))))

/* sofia-sip takes TPTAG_CERTIFICATE as a directory with agent.pem (key
 * and certificate) and cafile.pem: made from the [server] PEM files in a
 * private temporary directory (0700, files 0600). Free with
 * cb_sip_tls_remove_dir(). */
char        *cb_sip_tls_make_dir         (const char   *certificate,
                                          const char   *key,
                                          GError      **error);
void         cb_sip_tls_remove_dir       (const char   *dir);
/* A TCP port on address free a moment ago, for tls-port 0. */
guint        cb_sip_tls_pick_port        (const char   *address,
                                          GError      **error);

/* SDP as it may go from a device (from_tls: on TLS) to another: without
 * its a=crypto lines unless both are on TLS; a new string (NULL for
 * NULL). An SDP a device not on TLS sent is kept so (to_tls TRUE): its
 * keys went in clear, and an answer's must not go back the same way. */
char        *cb_sip_tls_sdp_between      (const char   *sdp,
                                          gboolean      from_tls,
                                          gboolean      to_tls);
/* Whether the request came over TLS: the stack drops a request whose top
 * Via names another transport than the one it came over. */
gboolean     cb_sip_tls_request_is_tls   (const sip_t  *sip);
/* Whether a URI is reached over TLS: sips:, or transport=tls. */
gboolean     cb_sip_tls_uri_is_tls       (const char   *uri);

/* The connection the request being handled came over, as a next hop
 * ("sip:ADDRESS:PORT;transport=tls"), when it came over TLS; else NULL. */
char        *cb_sip_tls_request_flow     (CbSipServer  *server,
                                          const sip_t  *sip);
/* A phone on TLS has no certificate to accept connections with: what
 * the server sends it goes over the connection it came over (its
 * REGISTER's for a new request, its INVITE's or SUBSCRIBE's for the rest
 * of that dialog). Sets nh's next hop to that flow, if any. */
void         cb_sip_tls_route_by_request (CbSipServer  *server,
                                          nua_handle_t *nh,
                                          const sip_t  *sip);
void         cb_sip_tls_route_to_contact (CbSipServer  *server,
                                          nua_handle_t *nh,
                                          const char   *contact);

G_END_DECLS
