/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-sip-agent.h: a SIP user agent (sofia-sip on the GLib main loop). */
#pragma once

#include <gio/gio.h>

#include "cb-sip-call.h"

G_BEGIN_DECLS

#define CB_TYPE_SIP_AGENT (cb_sip_agent_get_type ())
G_DECLARE_FINAL_TYPE (CbSipAgent, cb_sip_agent, CB, SIP_AGENT, GObject)

CbSipAgent  *cb_sip_agent_new             (const char  *local_address,
                                           guint        port,
                                           const char  *user,
                                           GError     **error);
guint        cb_sip_agent_get_port        (CbSipAgent  *self);
const char  *cb_sip_agent_get_contact     (CbSipAgent  *self);

void         cb_sip_agent_set_codecs      (CbSipAgent          *self,
                                           const char * const  *codecs);
void         cb_sip_agent_register        (CbSipAgent  *self,
                                           const char  *registrar,
                                           const char  *password);
void         cb_sip_agent_unregister      (CbSipAgent  *self);
gboolean     cb_sip_agent_get_registered  (CbSipAgent  *self);

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
