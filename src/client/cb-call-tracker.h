/* cb-call-tracker.h: the user's calls, from SIP dialogs on this phone and the server's call events
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A call of this phone exists twice: as a SIP dialog here and as a call
 * on the server, whose `call` events name the dialog by its SIP Call-ID
 * (device_call_id). Either may be known first. The tracker joins them
 * into one CbCall, and makes a CbCall of its own for a call the user has
 * on another device (the desk phone), driven by the events alone.
 *
 * It takes plain inputs (a dialog appeared, changed or ended; a call
 * event; a consultation asked for or started) and keeps no network, SIP
 * or main-loop state of its own beyond one timer, so it can be tested
 * alone. The timing is explicit (CbCallTrackerTiming) and the clock can
 * be replaced.
 *
 * Rules:
 * - An event for another user's call (a colleague's, seen at team level)
 *   is not ours to show.
 * - An event naming one of our dialogs (device_call_id) updates that
 *   dialog's call; a card made for it from earlier events goes.
 * - An outgoing event for a dialog that rang in here: the server placed
 *   the call through this phone (a consultation, a call from this phone);
 *   the dialog is answered at once and the call shows as outgoing,
 *   its state from the events.
 * - A ringing event that may be about this phone (its device is the
 *   softphone, or unnamed) waits event_grace_ms for its dialog while a
 *   line is registered here; then it becomes a card of its own.
 * - Any other event of ours makes or updates a remote call.
 * - An incoming dialog rings ("incoming-call") unless the server placed
 *   it, it comes from a number a consultation was asked for within
 *   consult_expect_ms, or the phone answers it by itself.
 * - Consultation: once both the held call and the consultation's server
 *   id (from the consult request's answer) are known, the calls are
 *   partners.
 * - An ended call stays in the list ended_linger_ms, so its card can
 *   say so; one that reached nobody (a failure, from the dialog's SIP
 *   answer or the server) stays until dismissed.
 *
 * Properties: calls (GListModel of CbCall, in arrival order).
 * Signals: "incoming-call" (CbCall) when a dialog starts ringing here.
 */

#pragma once

#include "cb-client-private.h"

G_BEGIN_DECLS

/* How long things wait, in milliseconds. */
typedef struct {
  guint ended_linger_ms;     /* an ended call stays in the list (2000) */
  guint event_grace_ms;      /* a ringing event waits for its dialog (1000) */
  guint consult_expect_ms;   /* a dialog from a consulted number is the consultation (10000) */
} CbCallTrackerTiming;

/* The tracker's clock: milliseconds, monotonic. */
typedef gint64 (*CbCallTrackerClock) (gpointer user_data);

/* A SIP dialog that appeared on this phone. */
typedef struct {
  const char      *call_id;         /* its SIP Call-ID */
  CbCallDirection  direction;
  const char      *remote_number;
  gboolean         answers_itself;  /* the phone takes it at once (answer-after=0) */
  CbSipCall       *sip_call;        /* the dialog itself, or NULL */
} CbCallTrackerDialog;

#define CB_TYPE_CALL_TRACKER (cb_call_tracker_get_type ())
G_DECLARE_FINAL_TYPE (CbCallTracker, cb_call_tracker, CB, CALL_TRACKER, GObject)

/* @user_id: whose calls; @store (may be NULL): where remote parties are
 * looked up by number. */
CbCallTracker *cb_call_tracker_new                  (gint64                      user_id,
                                                     CbClientStore              *store);
/* Installed in every call the tracker makes; @controls must outlive it. */
void           cb_call_tracker_set_controls         (CbCallTracker              *self,
                                                     const CbCallControls       *controls,
                                                     gpointer                    user_data);
void           cb_call_tracker_get_timing           (CbCallTracker              *self,
                                                     CbCallTrackerTiming        *timing);
void           cb_call_tracker_set_timing           (CbCallTracker              *self,
                                                     const CbCallTrackerTiming  *timing);
/* NULL: g_get_monotonic_time(). Tests move their own clock, then call
 * cb_call_tracker_expire(). */
void           cb_call_tracker_set_clock            (CbCallTracker              *self,
                                                     CbCallTrackerClock          clock,
                                                     gpointer                    user_data);
/* Whether a line is registered here, so that a ringing event may be
 * about a dialog still on its way. */
void           cb_call_tracker_set_line_registered  (CbCallTracker              *self,
                                                     gboolean                    registered);

/* --- inputs --- */

/* A dialog appeared; returns its call (owned by the list). */
CbCall        *cb_call_tracker_add_dialog           (CbCallTracker              *self,
                                                     const CbCallTrackerDialog  *dialog);
/* The dialog's state changed (CB_SIP_CALL_STATE_ENDED: it ended, with
 * the final SIP status @end_status, which says why a call placed failed;
 * ignored otherwise). */
void           cb_call_tracker_update_dialog        (CbCallTracker              *self,
                                                     const char                 *dialog_call_id,
                                                     CbSipCallState              state,
                                                     guint                       end_status);
/* A `call` event, or one call of the server's call list. */
void           cb_call_tracker_apply_call           (CbCallTracker              *self,
                                                     const CbWireCall           *call);
/* A consultation with @number was asked for (the dialog may come before
 * the answer), or the request failed. */
void           cb_call_tracker_expect_consultation  (CbCallTracker              *self,
                                                     const char                 *number);
void           cb_call_tracker_forget_consultation  (CbCallTracker              *self,
                                                     const char                 *number);
/* The server answered: @held's consultation is its call @server_call_id. */
void           cb_call_tracker_consultation_started (CbCallTracker              *self,
                                                     CbCall                     *held,
                                                     const char                 *server_call_id);
/* Does what is due by the clock: ended calls leave, waiting events
 * become cards. The tracker's own timer calls it. */
void           cb_call_tracker_expire               (CbCallTracker              *self);
/* An ended call leaves the list now (a failed call's card was dismissed). */
void           cb_call_tracker_dismiss              (CbCallTracker              *self,
                                                     CbCall                     *call);
/* The phone stops: its dialogs are hung up (through the controls), the
 * other devices' calls go on without us; every call ends and leaves. */
void           cb_call_tracker_clear                (CbCallTracker              *self);

/* --- what is known --- */

GListModel    *cb_call_tracker_get_calls            (CbCallTracker              *self);
/* By the call's own id (cb_call_get_id()). */
CbCall        *cb_call_tracker_lookup               (CbCallTracker              *self,
                                                     const char                 *id);
CbCall        *cb_call_tracker_lookup_dialog        (CbCallTracker              *self,
                                                     const char                 *dialog_call_id);
/* The live call the server knows as @server_call_id, or NULL. */
CbCall        *cb_call_tracker_lookup_server_call   (CbCallTracker              *self,
                                                     const char                 *server_call_id);
/* The server's id for @call, once an event (or the call list) named it. */
const char    *cb_call_tracker_get_server_id        (CbCallTracker              *self,
                                                     CbCall                     *call);

G_END_DECLS
