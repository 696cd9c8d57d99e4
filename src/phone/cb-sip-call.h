/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-sip-call.h: one SIP call (INVITE dialog) and its media pipeline. */
#pragma once

#include <gio/gio.h>

#include "cb-media-pipeline.h"

G_BEGIN_DECLS

typedef enum {
  CB_SIP_CALL_STATE_INCOMING,  /* ringing here, not answered yet */
  CB_SIP_CALL_STATE_DIALING,   /* INVITE sent, no answer yet */
  CB_SIP_CALL_STATE_RINGING,   /* the far end is alerting (18x) */
  CB_SIP_CALL_STATE_ACTIVE,    /* answered; media runs */
  CB_SIP_CALL_STATE_ENDED,
} CbSipCallState;

/* A call action the call's state (or the other side) does not allow
 * now; other failures are G_IO_ERROR's. */
#define CB_SIP_CALL_ERROR (cb_sip_call_error_quark ())
typedef enum {
  CB_SIP_CALL_ERROR_NOT_RINGING,      /* answered, taken elsewhere or gone */
  CB_SIP_CALL_ERROR_NOT_ACTIVE,       /* not (or no longer) connected */
  CB_SIP_CALL_ERROR_NO_KEYPAD_TONES,  /* no telephone-event agreed with the other side */
} CbSipCallError;

GQuark            cb_sip_call_error_quark     (void);

#define CB_TYPE_SIP_CALL (cb_sip_call_get_type ())
G_DECLARE_FINAL_TYPE (CbSipCall, cb_sip_call, CB, SIP_CALL, GObject)

CbSipCallState    cb_sip_call_get_state       (CbSipCall  *self);
gboolean          cb_sip_call_is_incoming     (CbSipCall  *self);
const char       *cb_sip_call_get_remote_uri  (CbSipCall  *self);
const char       *cb_sip_call_get_call_id     (CbSipCall  *self);
const char       *cb_sip_call_get_request_uri (CbSipCall  *self);
guint             cb_sip_call_get_end_status  (CbSipCall  *self);
int               cb_sip_call_get_answer_after (CbSipCall *self);
CbMediaPipeline  *cb_sip_call_get_media       (CbSipCall  *self);
gboolean          cb_sip_call_get_encrypted   (CbSipCall  *self);

gboolean          cb_sip_call_answer          (CbSipCall  *self,
                                               GError    **error);
gboolean          cb_sip_call_progress_with_media (CbSipCall  *self,
                                                   GError    **error);
void              cb_sip_call_hangup          (CbSipCall  *self);
gboolean          cb_sip_call_get_held        (CbSipCall  *self);
gboolean          cb_sip_call_set_hold        (CbSipCall  *self,
                                               gboolean    hold,
                                               GError    **error);
gboolean          cb_sip_call_send_dtmf       (CbSipCall  *self,
                                               const char *digits,
                                               GError    **error);

G_END_DECLS
