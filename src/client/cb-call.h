/* cb-call.h: one call of the softphone, as the client shows it
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a call card needs, for a SIP dialog on this phone or a call on
 * another of the user's devices: the remote party resolved through the
 * directory, a state that folds hold in, mute, and a duration that ticks
 * while the call is connected. CbCallTracker makes and updates them.
 *
 * Properties (all notify): id (string, unique per softphone),
 * direction (CbCallDirection), remote-number, remote-name (strings; the
 * name falls back to the number), contact (CbContact or NULL),
 * state (CbCallState), started-at (gint64 unix seconds when created),
 * connected-at (gint64 unix seconds, 0 until answered), duration (uint
 * seconds since connected; notifies each second), muted, held (bool),
 * sip-call (CbSipCall: the dialog of a call on this phone; NULL for a
 * remote call), server-id (string: the server's call id once known),
 * group-name (string: the hunt group the call came through, or NULL),
 * partner (CbCall: the other call of a consultation in progress, or NULL),
 * picked-up (bool: the user took this call over from a colleague it rang
 * at), picked-up-from (string: that colleague's name, or the number the
 * caller dialled; NULL when not known or a hunt group's call),
 * for-user-id (gint64) and for-name (string): the leader this call is
 * for, an assistant's "call for" or "call as" the leader (0 and NULL
 * otherwise, or when the server does not show that leader), declined
 * (bool: the user hung up here while it rang here), failure
 * (CbCallFailure: why a call placed ended without reaching anyone; from
 * the SIP answer on this phone, or the server's end_reason),
 * encrypted (bool: the server says the media is SRTP on every leg, end
 * to end), conference-parties (GStrv: while the call is a conference the server
 * mixes, the others in it by name, else number, in the order they
 * joined; NULL otherwise).
 *
 * The remote party is the server's once its `call` event names one: after
 * a pickup dialled as *97206 the card shows the caller, not "*97206".
 * Signals: "control-failed" (GError) when a control sent to the server
 * for a remote call was refused.
 *
 * A remote call is one on another of the user's devices (the desk
 * phone), shown from the server's `call` events and controlled over REST.
 */

#pragma once

#include "cb-contact.h"
#include "cb-sip-call.h"

G_BEGIN_DECLS

typedef enum {
  CB_CALL_STATE_RINGING,    /* incoming, not answered yet */
  CB_CALL_STATE_DIALING,    /* outgoing, not answered yet */
  CB_CALL_STATE_CONNECTED,
  CB_CALL_STATE_HELD,       /* put on hold from this end */
  CB_CALL_STATE_ENDED,
} CbCallState;

#define CB_TYPE_CALL_STATE (cb_call_state_get_type ())
GType cb_call_state_get_type (void);

/* Why a call placed reached nobody; NONE for every other call. */
typedef enum {
  CB_CALL_FAILURE_NONE,
  CB_CALL_FAILURE_BUSY,          /* the callee is on a call */
  CB_CALL_FAILURE_DECLINED,      /* the callee refused it */
  CB_CALL_FAILURE_NOT_FOUND,     /* no such number */
  CB_CALL_FAILURE_UNREACHABLE,   /* nothing registered, no answer, no route */
  CB_CALL_FAILURE_REJECTED,      /* refused otherwise (not allowed, a fault) */
} CbCallFailure;

#define CB_TYPE_CALL_FAILURE (cb_call_failure_get_type ())
GType cb_call_failure_get_type (void);

#define CB_TYPE_CALL (cb_call_get_type ())
G_DECLARE_FINAL_TYPE (CbCall, cb_call, CB, CALL, GObject)

const char      *cb_call_get_id            (CbCall *self);
CbCallDirection  cb_call_get_direction     (CbCall *self);
const char      *cb_call_get_remote_number (CbCall *self);
const char      *cb_call_get_remote_name   (CbCall *self);
CbContact       *cb_call_get_contact       (CbCall *self);
CbCallState      cb_call_get_state         (CbCall *self);
gint64           cb_call_get_started_at    (CbCall *self);
gint64           cb_call_get_connected_at  (CbCall *self);
guint            cb_call_get_duration      (CbCall *self);
gboolean         cb_call_get_muted         (CbCall *self);
gboolean         cb_call_get_held          (CbCall *self);
CbSipCall       *cb_call_get_sip_call      (CbCall *self);
const char      *cb_call_get_server_id     (CbCall *self);
const char      *cb_call_get_group_name    (CbCall *self);
gint64           cb_call_get_for_user_id   (CbCall *self);
const char      *cb_call_get_for_name      (CbCall *self);
gboolean         cb_call_is_remote         (CbCall *self);
gboolean         cb_call_get_picked_up     (CbCall *self);
gboolean         cb_call_get_encrypted     (CbCall *self);
gboolean         cb_call_get_declined      (CbCall *self);
CbCallFailure    cb_call_get_failure       (CbCall *self);
const char * const *cb_call_get_conference_parties (CbCall *self);
const char      *cb_call_get_picked_up_from (CbCall *self);
/* Where the user sent the call on (a forward, a transfer): the
 * colleague's name, else the number; NULL when they did not. */
const char      *cb_call_get_forwarded_to  (CbCall *self);
CbCall          *cb_call_get_partner       (CbCall *self);
/* TRUE for the consultation call of a pair, FALSE for the held original. */
gboolean         cb_call_is_consultation   (CbCall *self);

/* Control; each is a no-op (returning TRUE where it can fail) when the
 * state does not allow it, and fails (G_IO_ERROR_NOT_SUPPORTED) for a
 * call nobody can control (its phone was stopped). */
gboolean         cb_call_answer            (CbCall     *self,
                                            GError    **error);
void             cb_call_hangup            (CbCall     *self);
gboolean         cb_call_set_held          (CbCall     *self,
                                            gboolean    held,
                                            GError    **error);
void             cb_call_set_muted         (CbCall     *self,
                                            gboolean    muted);
gboolean         cb_call_send_dtmf         (CbCall     *self,
                                            const char *digits,
                                            GError    **error);

/* The failure a SIP final status stands for (CB_CALL_FAILURE_NONE for a
 * success, and for 487: given up by the caller). */
CbCallFailure    cb_call_failure_from_sip_status (guint status);

/* The user part of a SIP URI ("sip:201@host;tag" -> "201"), or a copy of
 * the text when it is no SIP URI. */
char            *cb_call_number_from_uri   (const char *uri);

G_END_DECLS
