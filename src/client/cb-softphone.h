/* cb-softphone.h: the signed-in user's embedded SIP phone
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Made for a signed-in CbSession by whoever wants the user's phone (the
 * window), which owns it and stops it before the session signs out.
 * Started, it fetches the line's credentials through the session's REST
 * client, registers a CbSipAgent at the server's registrar, and shows the
 * calls as a model.
 *
 * Properties: registration-state (CbRegistrationState), line (string: the
 * extension), last-error (string), calls (GListModel of CbCall: current
 * calls in arrival order; an ended call stays ended-linger-ms, default
 * 2000, so its card can say so, one that reached nobody until
 * dismissed), audio-src, audio-sink (GStreamer launch
 * descriptions; NULL: $CALLBOARD_AUDIO_SRC/SINK, then the auto elements),
 * tls-pinned-certificate (PEM: the certificate SIP over TLS trusts;
 * NULL: the one the REST client took, else the system's). The line
 * registers over SIP over TLS, and calls offer SRTP, when the server
 * offers TLS and the session is on HTTPS (or this is set); else UDP.
 * Signals: "incoming-call" (CbCall) when a call starts ringing here.
 *
 * The calls model is its CbCallTracker's: the agent's dialogs joined with
 * the session's `call` events (which name this phone's dialog by its SIP
 * Call-ID), and the user's calls on other devices (the desk phone) as
 * remote CbCalls, controlled over REST. A call the server places through
 * this phone (a consultation) is taken at once and shows as outgoing.
 *
 * Call control beyond the phone itself (blind forward, completing a
 * transfer) goes through the REST client, which names calls by the
 * server's ids; when a call's id is not known yet, the phone first asks
 * for the user's calls.
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
/* Registers again now (after a network change or waking up), instead of
 * at the next refresh; a phone whose local address changed starts anew
 * when no call of its own is under way. */
void                 cb_softphone_reregister             (CbSoftphone *self);
CbRegistrationState  cb_softphone_get_registration_state (CbSoftphone *self);
/* The session's choice of whom calls present, which dialling follows
 * (and which knows the leaders the user assists). */
CbCallAs            *cb_softphone_get_call_as            (CbSoftphone *self);
const char          *cb_softphone_get_line               (CbSoftphone *self);
/* Where the line registers: "sip:host:port", or the server's TLS
 * registrar when the session is on HTTPS; NULL before the line is known. */
const char          *cb_softphone_get_registrar          (CbSoftphone *self);
const char          *cb_softphone_get_last_error         (CbSoftphone *self);
GListModel          *cb_softphone_get_calls              (CbSoftphone *self);
CbCall              *cb_softphone_lookup_call            (CbSoftphone *self,
                                                          const char  *id);
/* The live call the server knows as @server_call_id, or NULL. */
CbCall              *cb_softphone_lookup_server_call     (CbSoftphone *self,
                                                          const char  *server_call_id);
/* The INVITE header that asks callboardd to place a call as a leader
 * the caller assists (its value: the leader's user id). */
#define CB_SOFTPHONE_HEADER_CALL_AS "X-Callboard-As"

/* Calls @number (an extension or any number the server routes); the
 * call's state follows in the calls model. While the session's
 * CbCallAs names a leader, the call is placed as that leader. */
CbCall              *cb_softphone_dial                   (CbSoftphone *self,
                                                          const char  *number,
                                                          GError     **error);
/* Takes @call off hold, first putting any other connected call on hold:
 * swapping between two calls. */
gboolean             cb_softphone_resume                 (CbSoftphone *self,
                                                          CbCall      *call,
                                                          GError     **error);
/* Answers @call, first putting any other connected call on hold. */
gboolean             cb_softphone_answer                 (CbSoftphone *self,
                                                          CbCall      *call,
                                                          GError     **error);


/* The server's id for @call, when its `call` event has been seen. */
const char          *cb_softphone_get_server_call_id     (CbSoftphone *self,
                                                          CbCall      *call);
/* Blind forward (POST /calls/{id}/forward {"to"}): the other party is
 * connected to @to and this call ends. */
void                 cb_softphone_forward_async          (CbSoftphone         *self,
                                                          CbCall              *call,
                                                          const char          *to,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean             cb_softphone_forward_finish         (CbSoftphone         *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* Completes a consultation transfer (POST /calls/{id}/transfer
 * {"to_call"}): the parties of @call and @to_call talk, this phone leaves. */
void                 cb_softphone_transfer_async         (CbSoftphone         *self,
                                                          CbCall              *call,
                                                          CbCall              *to_call,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean             cb_softphone_transfer_finish        (CbSoftphone         *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* Conference (POST /calls/{id}/conference {"with_call"}): the parties of
 * @call and @with_call and the user talk together, the server mixing;
 * it goes on as one call of the user's, whose conference-parties say
 * who is in it. */
void                 cb_softphone_conference_async       (CbSoftphone         *self,
                                                          CbCall              *call,
                                                          CbCall              *with_call,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean             cb_softphone_conference_finish      (CbSoftphone         *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* Consultation (POST /calls/{id}/consult {"to"}): @call goes on hold and
 * the phone it is on calls @to; the new call becomes @call's partner
 * (cb_call_get_partner) once it shows up. */
void                 cb_softphone_consult_async          (CbSoftphone         *self,
                                                          CbCall              *call,
                                                          const char          *to,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean             cb_softphone_consult_finish         (CbSoftphone         *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* An ended call leaves the calls model now (a call that reached nobody
 * stays there until dismissed). */
void                 cb_softphone_dismiss_call           (CbSoftphone         *self,
                                                          CbCall              *call);
/* Hangs up a consultation call and resumes the call it was about. */
void                 cb_softphone_cancel_consultation    (CbSoftphone         *self,
                                                          CbCall              *consultation);

G_END_DECLS
