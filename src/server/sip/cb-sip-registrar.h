/* cb-sip-registrar.h: the registrar and location service: REGISTER, bindings, digest authentication
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-sip-server-private.h"

G_BEGIN_DECLS

#define CB_TYPE_SIP_REGISTRAR (cb_sip_registrar_get_type ())
G_DECLARE_FINAL_TYPE (CbSipRegistrar, cb_sip_registrar, CB, SIP_REGISTRAR, GObject)

/* Signals:
 *   "bindings-changed" (gint64 user_id)  a registration came, went or lapsed */

/* The server outlives the registrar. */
CbSipRegistrar *cb_sip_registrar_new              (CbSipServer *server);

/* Answers a REGISTER (nh is the caller's to destroy). */
void            cb_sip_registrar_handle_register  (CbSipRegistrar *self,
                                                   nua_handle_t   *nh,
                                                   const sip_t    *sip);
/* Authenticates a request against a line (Proxy-Authorization for
 * INVITE); on failure it has answered and returns 0. *line (may be NULL)
 * is the line's user name. */
gint64          cb_sip_registrar_authenticate     (CbSipRegistrar  *self,
                                                   nua_handle_t    *nh,
                                                   const sip_t     *sip,
                                                   gboolean         proxy,
                                                   char           **line);

gboolean        cb_sip_registrar_is_registered    (CbSipRegistrar *self,
                                                   gint64          user_id);
/* The Contact URIs the user's phones registered. */
GPtrArray      *cb_sip_registrar_contacts_of      (CbSipRegistrar *self,
                                                   gint64          user_id);
/* Only the lines of this kind, most recently registered first. */
GPtrArray      *cb_sip_registrar_contacts_of_kind (CbSipRegistrar *self,
                                                   gint64          user_id,
                                                   const char     *kind);
/* The line kind ("softphone", "desk") of a registered contact, NULL when
 * it is none. */
const char     *cb_sip_registrar_contact_kind     (CbSipRegistrar *self,
                                                   const char     *contact);
/* The user whose line registered the contact, 0 when none. */
gint64          cb_sip_registrar_contact_user     (CbSipRegistrar *self,
                                                   const char     *contact);
/* The TLS connection the contact registered over, as a next hop
 * (cb-sip-tls.h); NULL when it did not come over TLS (or was restored
 * after a restart, which ends every connection). */
const char     *cb_sip_registrar_contact_flow     (CbSipRegistrar *self,
                                                   const char     *contact);
/* Takes back the bindings the store kept (those that have not expired
 * since), as at the start after a restart. */
void            cb_sip_registrar_restore          (CbSipRegistrar *self);
/* Stops the expiry timer (the bindings stay). */
void            cb_sip_registrar_stop             (CbSipRegistrar *self);

G_END_DECLS
