/* cb-sip-registrar.h: callboardd's SIP endpoint: registrar, location service, B2BUA
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-api.h"

G_BEGIN_DECLS

#define CB_TYPE_SIP_REGISTRAR (cb_sip_registrar_get_type ())
G_DECLARE_FINAL_TYPE (CbSipRegistrar, cb_sip_registrar, CB, SIP_REGISTRAR, GObject)

/* api must outlive the registrar. */
CbSipRegistrar *cb_sip_registrar_new           (CbApi           *api);
/* Listens on UDP and TCP at address:port (0: one free port for both). */
gboolean        cb_sip_registrar_start         (CbSipRegistrar  *self,
                                                const char      *address,
                                                guint            port,
                                                GError         **error);
/* Ends calls and shuts the stack down (iterates the default context). */
void            cb_sip_registrar_stop          (CbSipRegistrar  *self);
guint           cb_sip_registrar_get_port      (CbSipRegistrar  *self);
/* "sip:ADDRESS:PORT" once started. */
const char     *cb_sip_registrar_get_uri       (CbSipRegistrar  *self);
gboolean        cb_sip_registrar_is_registered (CbSipRegistrar  *self,
                                                gint64           user_id);

/* REST call control on the CTI call model (cb-sip-b2bua.c). A call
 * object is the data of a "call" event from the user's side. Errors are
 * CB_PROTOCOL_ERROR: NOT_FOUND (no such call or number), FORBIDDEN (not
 * the user's call), CONFLICT (wrong state, no phone registered). */
JsonArray      *cb_sip_registrar_list_calls    (CbSipRegistrar  *self,
                                                gint64           user_id);
/* Third-party call control: rings the user's phone of device_kind
 * ("desk" or "softphone") first, then the number, and bridges them. */
JsonObject     *cb_sip_registrar_dial          (CbSipRegistrar  *self,
                                                gint64           user_id,
                                                const char      *to,
                                                const char      *device_kind,
                                                GError         **error);
JsonObject     *cb_sip_registrar_hangup        (CbSipRegistrar  *self,
                                                gint64           user_id,
                                                const char      *call_id,
                                                GError         **error);
JsonObject     *cb_sip_registrar_hold          (CbSipRegistrar  *self,
                                                gint64           user_id,
                                                const char      *call_id,
                                                gboolean         hold,
                                                GError         **error);
/* Blind: the other party is connected to `to`, the user's leg ends. */
JsonObject     *cb_sip_registrar_forward       (CbSipRegistrar  *self,
                                                gint64           user_id,
                                                const char      *call_id,
                                                const char      *to,
                                                GError         **error);

G_END_DECLS
