/* cb-sip-b2bua-private.h: the B2BUA's calls and legs, for the files that work on them
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The core (cb-sip-b2bua.c) owns calls and legs and drives their SIP,
 * what the devices answer comes in through cb-sip-b2bua-dialogs.c;
 * hunting (cb-sip-hunt.c), the routing of calls to a user
 * (cb-sip-diversion.c with cb-sip-assistants.c, cb-sip-mobile.c and
 * cb-sip-announcement.c), pickup (cb-sip-pickup.c), REST call control
 * (cb-sip-call-control.c) and call events (cb-sip-call-events.c) work on
 * them through what is declared here.
 */

#pragma once

#include "cb-hold-music.h"
#include "cb-sip-b2bua.h"
#include "cb-sip-call-events.h"
#include "cb-sip-queue.h"
#include "cb-sip-sdp.h"

G_BEGIN_DECLS

typedef enum {
  CB_B2BUA_LEG_CALLING,     /* our INVITE, no final answer yet */
  CB_B2BUA_LEG_INCOMING,    /* their INVITE, not answered yet */
  CB_B2BUA_LEG_AWAIT_ACK,   /* flow I: their 200 holds the offer, our ACK waits for the answer */
  CB_B2BUA_LEG_UP,
  CB_B2BUA_LEG_GONE,        /* ended, or being ended by us */
} CbB2buaLegState;

typedef struct _CbB2buaCall    CbB2buaCall;
typedef struct _CbB2buaLeg     CbB2buaLeg;
typedef struct _CbSipGroupCall CbSipGroupCall;   /* cb-sip-hunt.h */
typedef struct _CbSipUserCall  CbSipUserCall;    /* cb-sip-diversion.h */
typedef struct _CbSipConference CbSipConference; /* cb-sip-conference.h */

/* One dialog between the server and a device. Its state, fork and
 * user_id count for line states: written only through
 * cb_b2bua_leg_set_state(), cb_b2bua_leg_set_user() and the leg
 * functions. */
struct _CbB2buaLeg {
  CbSipMagic       magic;       /* kind CB_SIP_MAGIC_LEG */
  CbB2buaCall     *call;
  nua_handle_t    *nh;
  CbB2buaLegState  state;
  gboolean         fork;        /* a callee device (else the A leg) */
  gboolean         manual_ack;  /* NUTAG_AUTOACK(0) on this handle */
  char            *sdp;         /* the last SDP the device sent */
  CbSipOrigin      origin;      /* our o= towards it */
  gboolean         reinviting;  /* our re-INVITE waits for its answer */
  CbB2buaLeg      *relay_to;    /* whose re-INVITE that answer goes back to */
  char            *call_id;     /* its dialog's Call-ID: clients match their phone's call by it */
  char            *contact;     /* the device's address, where consultation calls go */
  char            *remote;      /* its To with the dialog's tag, see cb_sip_remote_party() */
  char            *kind;        /* the device's line kind ("softphone", "desk"), NULL if unknown */
  gboolean         early;       /* a 18x with a To tag came: it rings, /answer may pick it up */
  gboolean         answer_when_early; /* /answer came before the device rang: told once it does */
  char            *local_tag;   /* our tag in its dialog, once known (our INVITEs) */
  char            *remote_tag;  /* the device's tag, likewise: a lamp's pickup (Replaces) names both */
  /* Transfer (RFC 3725 flow I applied to a re-INVITE): our offerless
   * re-INVITE's 200 carries this leg's offer, which goes to offer_to;
   * the answer of that leg goes back in our ACK to ack_to. */
  CbB2buaLeg      *offer_to;
  CbB2buaLeg      *ack_to;
  gboolean         ack_pending; /* its 200 (with an offer) waits for our ACK */
  gboolean         trunk;       /* to the upstream proxy (cb-sip-trunk.c) */
  guint            auth_attempts; /* its digest challenges we answered */
  gint64           user_id;     /* a fork ringing a group member or a picker; 0: the callee */
  gboolean         pickup;      /* a fork to someone taking the call over */
  CbB2buaLeg      *pickup_offer; /* the caller, until it ACKs: this picker's offer goes to it then */
  gboolean         lingering;   /* dialog over, our re-INVITE still unanswered: see nua_i_state */
  /* What it takes to end the dialog from outside (cb-sip-recovery.c). */
  char            *local;       /* our From (or To) with our tag, once a message showed it */
  char            *target;      /* the remote target (the device's Contact); NULL: contact */
  char            *route;       /* the route set as a Route value, or NULL */
  guint32          local_cseq;  /* the highest CSeq of ours the device answered */
  CbSipConference *conference;  /* the conference the device is in (cb-sip-conference.c) */
  guint            mixer_party; /* its party in the conference's mixer, 0: none yet */
  gboolean         mixing;      /* our re-INVITE that takes it to the mixer waits for its answer */
  gboolean         secure;      /* its device is on TLS: SRTP keys may go to it (cb-sip-srtp-policy.c) */
};

/* Someone rung by a call who is not (or no longer) its callee: group
 * members, and the callee a pickup took the call from. */
typedef struct {
  gint64   user_id;
  gboolean ended;       /* their "ended" call event went out */
  gboolean journaled;
  gboolean declined;    /* they refused it (REST, or their phone while free) */
} CbSipRung;

/* A call has two sides: the A leg is the caller's device, the B side one
 * fork per device rung, of which the first to answer is b. Its state,
 * caller_id, callee_id, forked, caller_left and callee_left count for
 * line states: written only through cb_b2bua_call_set_*(). */
struct _CbB2buaCall {
  CbSipB2bua      *b2bua;
  char            *id;
  CbB2buaLeg      *a;
  CbB2buaLeg      *b;         /* the fork that answered */
  GPtrArray       *legs;      /* CbB2buaLeg, owned: a and the forks */
  gint64           caller_id;
  gint64           callee_id;
  char            *caller_number;
  char            *callee_number;
  CbWireCallState  state;     /* what its "call" events say */
  gboolean         alerted;
  CbB2buaLeg      *early_media; /* the fork whose early SDP (18x) the caller got */
  gboolean         forked;    /* the callee's devices were rung */
  gint64           started_at;
  gint64           answered_at;
  guint            ring_limit_id;
  guint            check_id;  /* check_dialogs() while answered */
  gboolean         external;  /* a leg goes to the upstream: callee_number is beyond the trunk
                               * (callee_id 0), or a transfer joined such a leg */
  gint64           placed_by; /* who put it on the trunk when not the caller (a forward, a
                               * transfer): their external call; 0: the caller's */
  gboolean         placed_journaled; /* placed_by has its call out in their journal already
                                      * (a transfer continues their own call) */
  CbSipGroupCall  *group;     /* a call to a hunt group number (cb-sip-hunt.c) */
  CbSipUserCall   *user_call; /* a call to a user: diversion, assistants, mobile, announcement
                               * (cb-sip-diversion.c) */
  gint64           as_user_id; /* "call as": the leader the caller places it as (cb-sip-assistants.c) */
  GArray          *rung;      /* CbSipRung: others it rang (members, a picked-up callee) */
  gboolean         picked_up;
  gint64           picked_up_from; /* whom a pickup took it from (0: nobody, or not known) */
  /* Who sent the call on and where (a forward once connected, an
   * attended transfer): their side and journal entry say so. */
  gint64           forwarded_by;
  gint64           forwarded_to;        /* a user, 0: a number beyond the trunk */
  char            *forwarded_to_number; /* NULL: not forwarded */
  gint64           lamp_group;  /* the group whose lamp counts it as ringing (0: none) */
  gint64           created_us;  /* monotonic: orders *98's choice within a second */
  const char      *fork_call_info; /* Call-Info of the forks opened now */
  CbSipCallEnded   ended;     /* a queue call: tells the queue when it ended */
  CbCallEndReason  end_reason; /* why it ended; UNKNOWN: from how (cb_b2bua_call_terminate()) */
  int              fork_status; /* the most telling failure of a fork so far, 0: none */
  CbCallEndReason  fork_reason; /* what it says */
  gboolean         callee_declined; /* the callee refused it while free */
  gboolean         kept;      /* its record is in the store (cb-sip-recovery.c) */
  guint64          kept_print; /* what that record was written from (cb-sip-recovery.c) */
  CbSipConference *conference; /* a conference it is part of (cb-sip-conference.c) */
  gboolean         caller_left; /* that side's user is out of the call, which goes on */
  gboolean         callee_left; /* (its ended event and journal entry went out) */
  GArray          *lines;     /* CbB2buaLineMark: what it adds to line counts now */
};

/* What a call makes a user's line (cb_sip_b2bua_line_state()). */
typedef enum {
  CB_B2BUA_LINE_RINGING = 1 << 0,
  CB_B2BUA_LINE_BUSY    = 1 << 1,
  CB_B2BUA_LINE_HELD    = 1 << 2,
} CbB2buaLineFlags;

struct _CbSipB2bua {
  CbSipServer *server;
  CbDirectory *directory;  /* the server's */
  GHashTable  *calls;      /* call id → CbB2buaCall */
  CbHoldMusic *announcer;  /* plays users' announcements (cb-sip-announcement.c), made on first use */
  GHashTable  *lines;      /* user id → how many of their calls ring, keep them busy, hold */
  GHashTable  *lamps;      /* group id → calls its lamp counts as ringing (lamp_group) */
  guint        setting_up; /* calls ringing (not answered, not ended): the overload limit's */
  gboolean     check_lines; /* CALLBOARD_SIP_CHECK_LINES: every line state against a scan */
};

/* ---- calls (cb-sip-b2bua.c) ---------------------------------------------- */

/* A new call, ringing; its id is `id` (NULL: a new one). */
CbB2buaCall *cb_b2bua_call_new              (CbSipB2bua *b2bua,
                                             const char *id);
/* A call for an INVITE we received: its A leg is the caller's dialog. */
CbB2buaCall *cb_b2bua_call_new_incoming     (CbSipB2bua        *b2bua,
                                             const CbSipInvite *invite,
                                             const char        *callee_number);
/* A call to the group's number of a caller a queue answered, known to
 * clients by the id it had while it waited; no leg yet. */
CbB2buaCall *cb_b2bua_call_new_for_group    (CbSipB2bua              *b2bua,
                                             const CbSipQueuedCaller *caller);
CbB2buaCall *cb_sip_b2bua_lookup            (CbSipB2bua *b2bua,
                                             const char *call_id);
/* Forgets the call once it ended and has no handle left (no event will
 * come to free it after). */
void         cb_b2bua_call_drop_if_finished (CbB2buaCall *call);
/* Its events and journal entries for everyone in it, then their lines
 * and lamps (a hunt group's ringing count too). */
void         cb_b2bua_call_publish          (CbB2buaCall *call);
/* Only the lamps (dialog subscriptions) of everyone in it: a device's 18x
 * changes a dialog's state without changing the call's. */
void         cb_b2bua_call_lamps_changed    (CbB2buaCall *call);
void         cb_b2bua_call_set_state        (CbB2buaCall     *call,
                                             CbWireCallState  state);
/* Ends every leg still up or ringing; status answers an unanswered
 * incoming INVITE (0: 480). Unless end_reason is set, it follows:
 * completed when answered, else from status (0: unreachable, no answer). */
void         cb_b2bua_call_terminate        (CbB2buaCall *call,
                                             int          status);
/* Answers an INVITE that reaches nobody with status and phrase (NULL:
 * the usual one); a call one of our users placed goes on record for them
 * as ended at once, for reason (UNKNOWN: from status). */
void         cb_b2bua_call_refuse           (CbSipB2bua        *self,
                                             const CbSipInvite *invite,
                                             const char        *number,
                                             gint64             callee_id,
                                             int                status,
                                             const char        *phrase,
                                             CbCallEndReason    reason);
/* Why a call that was not answered ended, from the SIP status that ended
 * it (busy and declined alike for 486: the caller decides). */
CbCallEndReason cb_b2bua_reason_for_status  (int          status);
/* user_id is in the call: its caller, its callee once rung (neither
 * having left it), or rung by it. */
gboolean     cb_b2bua_call_concerns         (CbB2buaCall *call,
                                             gint64       user_id);
/* Forks of the call to user_id (a group member, a picker) still ring. */
gboolean     cb_b2bua_call_rings_at         (CbB2buaCall *call,
                                             gint64       user_id);
CbSipRung   *cb_b2bua_call_rung_add         (CbB2buaCall *call,
                                             gint64       user_id);
/* Someone the call rang besides its callee at whom it still rings (a
 * group member), 0 if none. */
gint64       cb_b2bua_call_ringing_member   (CbB2buaCall *call);
/* NULL when the call did not ring user_id as one of those others. */
CbSipRung   *cb_b2bua_call_rung_find        (CbB2buaCall *call,
                                             gint64       user_id);
/* One fork per contact with the offer, From (and P-Asserted-Identity)
 * the caller as the call presents them, To the callee. */
void         cb_b2bua_call_start_forks      (CbB2buaCall *call,
                                             GPtrArray   *contacts,
                                             const char  *offer);
/* Forks to every registered device of user_id (contacts NULL) or to
 * `contacts`, marked as theirs; a member is remembered as rung, a picker
 * not. FALSE when nothing rings (nothing registered, or the caller). */
gboolean     cb_b2bua_call_ring_user        (CbB2buaCall *call,
                                             gint64       user_id,
                                             gboolean     pickup,
                                             GPtrArray   *contacts);
/* The callee side of a call to an external number: one leg to the
 * upstream proxy. FALSE when the number is not for the trunk. */
gboolean     cb_b2bua_call_trunk_fork       (CbB2buaCall *call,
                                             const char  *offer);
/* One fork to `number` over the trunk, From the caller as the call
 * presents them ([trunk] caller-id replaces the number when set) and the
 * same in P-Asserted-Identity; NULL when the trunk does not take it. */
CbB2buaLeg  *cb_b2bua_call_trunk_leg        (CbB2buaCall *call,
                                             const char  *number,
                                             const char  *offer);
/* Stops the forks still ringing: user_id's (0: everyone's) but
 * `except`, pickups too unless keep_pickups. */
void         cb_b2bua_call_cancel_forks     (CbB2buaCall *call,
                                             gint64       user_id,
                                             CbB2buaLeg  *except,
                                             gboolean     keep_pickups);
/* The caller learns b's answer: in the 200 to its INVITE, in the ACK of
 * a "call from desk phone", or, already connected (forwarded, or waiting
 * in a queue), in a re-INVITE. */
void         cb_b2bua_call_answer_caller    (CbB2buaCall *call);
/* `leg` wins the call: whoever it rang is the callee now, the call is
 * answered, no other fork rings any more. */
void         cb_b2bua_call_take_leg         (CbB2buaCall *call,
                                             CbB2buaLeg  *leg);

/* An INVITE outside any dialog: authenticated, routed, and answered by
 * whoever the number reaches. */
void         cb_sip_b2bua_new_call          (CbSipB2bua   *self,
                                             nua_handle_t *nh,
                                             const sip_t  *sip);

/* ---- what counts for line states (cb-sip-b2bua.c) ------------------------
 *
 * A user's line state comes from counts of their calls that ring, keep
 * them busy or on hold, kept up to date as calls change (the whole set
 * of calls is never scanned for it). Each call remembers what it adds to
 * the counts; these setters change a field the counts follow, and the
 * call's share with it. */

void         cb_b2bua_call_set_caller       (CbB2buaCall     *call,
                                             gint64           user_id);
void         cb_b2bua_call_set_callee       (CbB2buaCall     *call,
                                             gint64           user_id);
void         cb_b2bua_call_set_forked       (CbB2buaCall     *call,
                                             gboolean         forked);
/* caller_left (caller) or callee_left. */
void         cb_b2bua_call_set_left         (CbB2buaCall     *call,
                                             gboolean         caller);
/* The state without its events (cb_b2bua_call_set_state() publishes):
 * for a call being put together, or at shutdown. */
void         cb_b2bua_call_set_state_quietly (CbB2buaCall    *call,
                                             CbWireCallState  state);
void         cb_b2bua_leg_set_state         (CbB2buaLeg      *leg,
                                             CbB2buaLegState  state);
/* The user a fork rings (a group member, a picker). */
void         cb_b2bua_leg_set_user          (CbB2buaLeg      *leg,
                                             gint64           user_id);

/* ---- legs (cb-sip-b2bua.c) ----------------------------------------------- */

CbB2buaLeg  *cb_b2bua_leg_new               (CbB2buaCall     *call,
                                             gboolean         fork,
                                             CbB2buaLegState  state);
/* Our handle for an outgoing INVITE to a device (From, To as given). */
void         cb_b2bua_leg_open              (CbB2buaLeg *leg,
                                             const char *contact,
                                             const char *from,
                                             const char *to);
/* Takes over a dialog someone else set up: its handle, SDP, origin,
 * dialog and device. */
void         cb_b2bua_leg_adopt             (CbB2buaLeg        *leg,
                                             const CbSipDialog *dialog);
/* The same for an INVITE we received. */
void         cb_b2bua_leg_adopt_invite      (CbB2buaLeg   *leg,
                                             nua_handle_t *nh,
                                             const sip_t  *sip);
/* What to send to the leg's device: sdp under our origin for it. */
char        *cb_b2bua_leg_sdp_for           (CbB2buaLeg        *leg,
                                             const char        *sdp,
                                             CbSipSdpDirection  direction);
/* Our re-INVITE to the device; the answer goes back to relay_to's
 * re-INVITE (NULL: nobody's). */
void         cb_b2bua_leg_reinvite          (CbB2buaLeg *leg,
                                             const char *sdp,
                                             CbB2buaLeg *relay_to);
/* Up, with a handle. */
gboolean     cb_b2bua_leg_usable            (CbB2buaLeg *leg);
/* Ends one leg's dialog (BYE), the call goes on. */
void         cb_b2bua_leg_hang_up           (CbB2buaLeg *leg);
/* Tells a ringing device to pick up (desk phones' NOTIFY Event: talk;
 * cb-sip-call-control.c). */
void         cb_b2bua_leg_remote_answer     (CbB2buaLeg *leg);
/* The party at the other end of leg, which is a or b of its call; a
 * caller who called as a leader stays presented as the leader
 * (as_user_id, may be NULL). */
void         cb_b2bua_leg_party             (CbB2buaLeg  *leg,
                                             gint64      *user_id,
                                             const char **number,
                                             gint64      *as_user_id);
/* Moves a leg from its call to `next` (which owns it from now on). */
void         cb_b2bua_leg_move              (CbB2buaLeg  *leg,
                                             CbB2buaCall *next,
                                             gboolean     as_fork);
/* Connects two legs that were in different calls (RFC 3725 flow I, as
 * re-INVITEs): `offerer` makes a fresh offer, `answerer` answers it. */
void         cb_b2bua_legs_bridge           (CbB2buaLeg *offerer,
                                             CbB2buaLeg *answerer);

/* ---- events (cb-sip-call-events.c) --------------------------------------- */

/* The call as user_id sees it: the caller's side (outgoing), or that of
 * its callee or of someone else it rings. */
void         cb_b2bua_call_side             (CbB2buaCall *call,
                                             gint64       user_id,
                                             gboolean     outgoing,
                                             CbWireCall  *side);
/* The call as user_id sees it as a REST answer, in `state`. */
JsonObject  *cb_b2bua_call_data             (CbB2buaCall     *call,
                                             gint64           user_id,
                                             CbWireCallState  state);
/* One side's user is out of a call that goes on (a conference): their
 * "ended" event (reason) and journal entry now, none later. */
void         cb_b2bua_call_side_leaves      (CbB2buaCall     *call,
                                             gboolean         caller,
                                             CbCallEndReason  reason);
/* Inside a CbChanges transaction (a CbChangesStoreFunc, data: the call):
 * the call's events and journal entries for everyone it concerns. */
gboolean     cb_b2bua_call_record           (CbChanges  *changes,
                                             gpointer    call,
                                             GError    **error);

G_END_DECLS
