/* cb-softphone.h: the signed-in user's embedded SIP phone
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Owned by a CbSession once signed in (when its softphone-enabled is
 * set): fetches the line's credentials (GET /api/v1/me/line), registers a
 * CbSipAgent at the server's registrar, and shows the calls as a model.
 *
 * Properties: registration-state (CbRegistrationState), line (string: the
 * extension), last-error (string), calls (GListModel of CbCall: current
 * calls in arrival order; an ended call stays ended-linger-ms, default
 * 2000, so its card can say so), audio-src, audio-sink (GStreamer launch
 * descriptions; NULL: $CALLBOARD_AUDIO_SRC/SINK, then the auto elements).
 * Signals: "incoming-call" (CbCall) when a call starts ringing here.
 */

#pragma once

#include "cb-call.h"
#include "cb-session.h"

G_BEGIN_DECLS

typedef enum {
  CB_REGISTRATION_STATE_OFFLINE,      /* not started, or stopped */
  CB_REGISTRATION_STATE_REGISTERING,  /* fetching the line, or (re-)registering */
  CB_REGISTRATION_STATE_REGISTERED,
  CB_REGISTRATION_STATE_UNAVAILABLE,  /* no line for this user, or the SIP side failed */
} CbRegistrationState;

#define CB_TYPE_REGISTRATION_STATE (cb_registration_state_get_type ())
GType cb_registration_state_get_type (void);

#define CB_TYPE_SOFTPHONE (cb_softphone_get_type ())
G_DECLARE_FINAL_TYPE (CbSoftphone, cb_softphone, CB, SOFTPHONE, GObject)

CbSoftphone         *cb_softphone_new                    (CbSession   *session);
void                 cb_softphone_start                  (CbSoftphone *self);
/* Ends every call, un-registers and shuts the SIP stack down (iterates
 * the main context until sofia confirms, at most a few seconds). */
void                 cb_softphone_stop                   (CbSoftphone *self);
CbRegistrationState  cb_softphone_get_registration_state (CbSoftphone *self);
const char          *cb_softphone_get_line               (CbSoftphone *self);
const char          *cb_softphone_get_last_error         (CbSoftphone *self);
GListModel          *cb_softphone_get_calls              (CbSoftphone *self);
CbCall              *cb_softphone_lookup_call            (CbSoftphone *self,
                                                          const char  *id);
/* Calls @number (an extension or any number the server routes); the
 * call's state follows in the calls model. */
CbCall              *cb_softphone_dial                   (CbSoftphone *self,
                                                          const char  *number,
                                                          GError     **error);
/* Answers @call, first putting any other connected call on hold. */
gboolean             cb_softphone_answer                 (CbSoftphone *self,
                                                          CbCall      *call,
                                                          GError     **error);

G_END_DECLS
