/* cb-sip-diversion.h: a call to a user: diversions, do-not-disturb, loops, breakthrough, and what rings when
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every call that reaches a user's number (dialled, forwarded, a
 * consultation, "call from desk phone", or diverted there) is routed
 * here: the user's diversions and do-not-disturb, the boss–secretary
 * breakthrough, then their phones, their assistants by the leader's
 * filter (cb-sip-assistants.c), their mobile (cb-sip-mobile.c) and the
 * announcement before all that (cb-sip-announcement.c). The B2BUA core
 * tells it when a fork answered or every fork failed.
 */

#pragma once

#include "cb-sip-b2bua-private.h"

G_BEGIN_DECLS

/* A call to a user's routing state, owned by its call (user_call). */
struct _CbSipUserCall {
  gint64    user_id;         /* whose number it rings now (the callee) */
  gint64    by_user_id;      /* who placed or transferred it: their breakthrough */
  GArray   *diverted;        /* gint64: users it was diverted away from, in order */
  gboolean  breakthrough;    /* by an assistant of user_id: no diversion, no filter */
  gboolean  phones_rang;     /* user_id's own phones were rung */
  guint     no_answer_id;    /* the no-answer diversion's timer */
  guint     mobile_id;       /* the mobile rings when it fires */
  char     *mobile;          /* the number it rings then */
  guint     filter_id;       /* the filter's second stage */
  gboolean  later_assistants; /* at filter_id the assistants ring (else the user's phones) */
  gint64    for_user_id;     /* the leader whose assistants it rang ("call for") */
  guint     announcement;    /* the announcement's stream (cb-sip-announcement.c), 0: none */
  char     *announcement_answer; /* our SDP towards the caller while it plays */
  gboolean  announcement_acked;  /* the caller's ACK came: a re-INVITE may follow */
  gboolean  announcement_over;   /* the recording has been played */
  gboolean  announcement_done;   /* and the phones rang after it */
};

/* Stops whatever the call's routing still runs and frees it (call_free()). */
void     cb_sip_diversion_free        (CbB2buaCall *call);

/* An INVITE to a user's (or DeviceOnly phone's) number: a new call routed
 * by the user's settings. */
void     cb_sip_diversion_new_call    (CbSipB2bua        *b2bua,
                                       const CbSipInvite *invite,
                                       gint64             user_id,
                                       const char        *number);
/* The callee side of a call whose A leg is up or offers already (a blind
 * forward, "call from desk phone", a consultation) to user_id, placed or
 * transferred by by_user_id: their diversions, breakthrough and phones.
 * Publishes the call. */
void     cb_sip_diversion_route       (CbB2buaCall *call,
                                       gint64       user_id,
                                       gint64       by_user_id);
/* The callee's phones (their assistants, their mobile) ring now: after
 * the announcement (cb-sip-announcement.c). Publishes the call. */
void     cb_sip_diversion_ring        (CbB2buaCall *call);
/* Whether a call to the user can reach anything: a phone registered, a
 * diversion, their mobile or their assistants. */
gboolean cb_sip_diversion_reachable   (CbSipServer *server,
                                       gint64       user_id);

/* A fork answered: timers stop, the announcement's stream too. */
void     cb_sip_diversion_answered    (CbB2buaCall *call);
/* Every fork ringing now failed (status the last answer): the next stage
 * of the filter, the mobile, or a diversion. FALSE when the call's own
 * ending applies. */
gboolean cb_sip_diversion_fork_failed (CbB2buaCall *call,
                                       int          status);
/* The call ended: timers and stream stop. */
void     cb_sip_diversion_ended       (CbB2buaCall *call);

G_END_DECLS
