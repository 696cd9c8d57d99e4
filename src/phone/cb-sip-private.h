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
#include "cb-srtp.h"

G_BEGIN_DECLS

/* What a call does about SRTP in its offers and answers (cb-sip-call.c). */
typedef struct {
  gboolean     secure;   /* its signalling is on TLS: keys may go in its SDP */
  gboolean     crypto;   /* our SDP carries our key (local) */
  gboolean     savp;     /* our m= line says RTP/SAVP: SRTP or nothing */
  gboolean     required; /* a call without SRTP is ended */
  CbSrtpCrypto local;    /* our key, under our tag or the offer's we took */
} CbSipCallSrtp;

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
/* Our offer's SRTP for an outgoing call: a key when secure, RTP/SAVP when
 * encryption is required. */
void              _cb_sip_call_plan_offer    (CbSipCallSrtp    *srtp,
                                              gboolean          secure,
                                              gboolean          required);
/* Our answer's SRTP for an incoming offer (NULL: none); FALSE (and why)
 * when we must refuse it with 488 Not Acceptable Here. */
gboolean          _cb_sip_call_plan_answer   (CbSipCallSrtp    *srtp,
                                              const char       *offer,
                                              gboolean          secure,
                                              gboolean          required,
                                              GError          **error);
void              _cb_sip_call_set_srtp      (CbSipCall        *self,
                                              const CbSipCallSrtp *srtp);

CbMediaPipeline  *_cb_sip_agent_new_media    (CbSipAgent       *self,
                                              GError          **error);
/* srtp NULL or without crypto: plain RTP/AVP. */
char             *_cb_sip_agent_build_sdp    (CbSipAgent       *self,
                                              CbMediaPipeline  *media,
                                              const CbSipCallSrtp *srtp);
gboolean          _cb_sip_agent_authenticate (CbSipAgent       *self,
                                              nua_handle_t     *nh,
                                              const sip_t      *sip,
                                              guint            *attempts);
void              _cb_sip_agent_call_ended   (CbSipAgent       *self,
                                              CbSipCall        *call);
void              _cb_sip_agent_hold_others  (CbSipAgent       *self,
                                              CbSipCall        *keep);

/* SIP over TLS (cb-sip-agent-tls.c). */
char             *_cb_sip_tls_make_dir       (const char       *pinned_pem,
                                              GError          **error);
void              _cb_sip_tls_remove_dir     (const char       *dir);
void              _cb_sip_tls_route_sofia_log (void);
void              _cb_sip_tls_check_async    (const char          *host,
                                              guint16              port,
                                              const char          *pinned_pem,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             data);
gboolean          _cb_sip_tls_check_finish   (GAsyncResult     *result,
                                              GError          **error);

G_END_DECLS
