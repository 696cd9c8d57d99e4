/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-sip-private.h: what CbSipAgent and CbSipCall share inside the library. */
#pragma once

/* sofia-sip takes its "magic" (user data) types from these macros, so they
 * must come before any sofia header. */
#define SU_ROOT_MAGIC_T struct _CbSipAgent
#define NUA_MAGIC_T     struct _CbSipAgent
#define NUA_HMAGIC_T    struct _CbSipCall

#include <sofia-sip/nua.h>
#include <sofia-sip/sdp.h>

#include "cb-sip-agent.h"

G_BEGIN_DECLS

CbSipCall        *_cb_sip_call_new           (CbSipAgent       *agent,
                                              nua_handle_t     *nh,
                                              gboolean          incoming,
                                              const char       *remote_uri,
                                              CbMediaPipeline  *media);
void              _cb_sip_call_handle_event  (CbSipCall        *self,
                                              nua_event_t       event,
                                              int               status,
                                              const char       *phrase,
                                              const sip_t      *sip,
                                              tagi_t            tags[]);
void              _cb_sip_call_terminate     (CbSipCall        *self);
/* An outgoing call's Call-ID, chosen before its INVITE goes out. */
void              _cb_sip_call_set_call_id   (CbSipCall        *self,
                                              const char       *call_id);
void              _cb_sip_call_set_request_uri (CbSipCall      *self,
                                                const char     *uri);
void              _cb_sip_call_auto_hold     (CbSipCall        *self);
void              _cb_sip_call_set_answer_after (CbSipCall     *self,
                                                 int            seconds);

CbMediaPipeline  *_cb_sip_agent_new_media    (CbSipAgent       *self,
                                              GError          **error);
char             *_cb_sip_agent_build_sdp    (CbSipAgent       *self,
                                              CbMediaPipeline  *media);
gboolean          _cb_sip_agent_authenticate (CbSipAgent       *self,
                                              nua_handle_t     *nh,
                                              const sip_t      *sip,
                                              guint            *attempts);
void              _cb_sip_agent_call_ended   (CbSipAgent       *self,
                                              CbSipCall        *call);
void              _cb_sip_agent_hold_others  (CbSipAgent       *self,
                                              CbSipCall        *keep);

G_END_DECLS
