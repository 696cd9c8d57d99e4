/* test-call-tracker.c: CbCallTracker fed with dialogs and call events, in every order
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No network, no SIP: dialogs are plain Call-IDs, events plain CbWireCall
 * structs, the clock a number the test moves, and the controls record
 * what the tracker asked of them. Nothing runs the main loop, so the
 * tracker's own timer never fires: only cb_call_tracker_expire() moves
 * time on.
 */

#define G_LOG_DOMAIN "test-call-tracker"

#include "cb-call-tracker.h"

#define ME 1
#define COLLEAGUE 2
#define LINGER_MS 2000
#define GRACE_MS 1000
#define CONSULT_MS 10000

typedef struct {
  CbCallTracker *tracker;
  gint64         now;        /* the tracker's clock, ms */
  GPtrArray     *ringing;    /* CbCall: "incoming-call" emissions */
  GPtrArray     *answered;   /* CbCall: controls->answer */
  GPtrArray     *hung_up;    /* CbCall: controls->hangup */
} Fixture;

static gint64
fixture_clock (gpointer user_data)
{
  Fixture *fixture = user_data;

  return fixture->now;
}

static gboolean
record_answer (CbCall   *call,
               gpointer  user_data,
               GError  **error)
{
  Fixture *fixture = user_data;

  g_ptr_array_add (fixture->answered, g_object_ref (call));
  return TRUE;
}

static void
record_hangup (CbCall   *call,
               gpointer  user_data)
{
  Fixture *fixture = user_data;

  g_ptr_array_add (fixture->hung_up, g_object_ref (call));
}

static const CbCallControls recording_controls = {
  .answer = record_answer,
  .hangup = record_hangup,
};

static void
on_incoming_call (CbCallTracker *tracker,
                  CbCall        *call,
                  Fixture       *fixture)
{
  g_ptr_array_add (fixture->ringing, g_object_ref (call));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const CbCallTrackerTiming timing = {
    .ended_linger_ms = LINGER_MS,
    .event_grace_ms = GRACE_MS,
    .consult_expect_ms = CONSULT_MS,
  };

  fixture->now = 1000000;
  fixture->tracker = cb_call_tracker_new (ME, NULL);
  cb_call_tracker_set_clock (fixture->tracker, fixture_clock, fixture);
  cb_call_tracker_set_timing (fixture->tracker, &timing);
  cb_call_tracker_set_controls (fixture->tracker, &recording_controls, fixture);
  cb_call_tracker_set_line_registered (fixture->tracker, TRUE);
  fixture->ringing = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->answered = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->hung_up = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (fixture->tracker, "incoming-call", G_CALLBACK (on_incoming_call), fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_assert_finalize_object (fixture->tracker);
  g_ptr_array_unref (fixture->ringing);
  g_ptr_array_unref (fixture->answered);
  g_ptr_array_unref (fixture->hung_up);
}

/* Moves the clock and lets the tracker do what is due. */
static void
advance (Fixture *fixture,
         gint64   ms)
{
  fixture->now += ms;
  cb_call_tracker_expire (fixture->tracker);
}

static guint
n_calls (Fixture *fixture)
{
  return g_list_model_get_n_items (cb_call_tracker_get_calls (fixture->tracker));
}

/* The call at @position; the list keeps it. */
static CbCall *
call_at (Fixture *fixture,
         guint    position)
{
  g_autoptr(CbCall) call = g_list_model_get_item (cb_call_tracker_get_calls (fixture->tracker),
                                                  position);

  g_assert_nonnull (call);
  return call;
}

static CbCall *
add_dialog (Fixture         *fixture,
            const char      *dialog_id,
            CbCallDirection  direction,
            const char      *number)
{
  CbCallTrackerDialog dialog = {
    .call_id = dialog_id,
    .direction = direction,
    .remote_number = number,
  };

  return cb_call_tracker_add_dialog (fixture->tracker, &dialog);
}

/* A `call` event of ours; @device_call_id and @device may be NULL. */
static CbWireCall
call_event (const char      *call_id,
            CbWireCallState  state,
            CbCallDirection  direction,
            const char      *device_call_id,
            const char      *device,
            const char      *remote_number)
{
  CbWireCall call = {
    .call_id = call_id,
    .state = state,
    .user_id = ME,
    .direction = direction,
    .device_call_id = device_call_id,
    .device = device,
  };

  if (direction == CB_CALL_DIRECTION_OUT)
    call.to.number = remote_number;
  else
    call.from.number = remote_number;
  return call;
}

static void
apply (Fixture          *fixture,
       const CbWireCall *call)
{
  cb_call_tracker_apply_call (fixture->tracker, call);
}

/* --- a dialog and its event --- */

static void
test_dialog_then_event (Fixture       *fixture,
                        gconstpointer  data)
{
  CbWireCall ringing = call_event ("c1", CB_WIRE_CALL_STATE_RINGING, CB_CALL_DIRECTION_IN,
                                   "d1", "softphone", "202");
  CbWireCall connected = ringing;
  CbCall *call;

  call = add_dialog (fixture, "d1", CB_CALL_DIRECTION_IN, "202");
  g_assert_cmpuint (n_calls (fixture), ==, 1);
  g_assert_true (call_at (fixture, 0) == call);
  g_assert_false (cb_call_is_remote (call));
  g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_RINGING);
  g_assert_cmpstr (cb_call_get_remote_number (call), ==, "202");
  g_assert_null (cb_call_tracker_get_server_id (fixture->tracker, call));
  g_assert_cmpuint (fixture->ringing->len, ==, 1);
  g_assert_true (g_ptr_array_index (fixture->ringing, 0) == call);

  ringing.group_name = "Sales";
  apply (fixture, &ringing);
  g_assert_cmpuint (n_calls (fixture), ==, 1);
  g_assert_cmpstr (cb_call_tracker_get_server_id (fixture->tracker, call), ==, "c1");
  g_assert_true (cb_call_tracker_lookup_server_call (fixture->tracker, "c1") == call);
  g_assert_true (cb_call_tracker_lookup_dialog (fixture->tracker, "d1") == call);
  g_assert_cmpstr (cb_call_get_group_name (call), ==, "Sales");
  g_assert_cmpuint (fixture->ringing->len, ==, 1);

  /* The dialog is the truth about a call here; the event only names it. */
  cb_call_tracker_update_dialog (fixture->tracker, "d1", CB_SIP_CALL_STATE_ACTIVE, 0);
  g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_CONNECTED);
  connected.state = CB_WIRE_CALL_STATE_CONNECTED;
  apply (fixture, &connected);
  g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_CONNECTED);
  /* ... but hold can come from the server (a consultation). */
  connected.state = CB_WIRE_CALL_STATE_HELD;
  apply (fixture, &connected);
  g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_HELD);

  /* Ended: it lingers, then leaves. */
  cb_call_tracker_update_dialog (fixture->tracker, "d1", CB_SIP_CALL_STATE_ENDED, 0);
  g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_ENDED);
  advance (fixture, LINGER_MS - 1);
  g_assert_cmpuint (n_calls (fixture), ==, 1);
  advance (fixture, 1);
  g_assert_cmpuint (n_calls (fixture), ==, 0);
  g_assert_null (cb_call_tracker_lookup_server_call (fixture->tracker, "c1"));
  g_assert_cmpuint (fixture->answered->len, ==, 0);
}

static void
test_event_then_dialog (Fixture       *fixture,
                        gconstpointer  data)
{
  CbWireCall ringing = call_event ("c1", CB_WIRE_CALL_STATE_RINGING, CB_CALL_DIRECTION_IN,
                                   "d1", "softphone", "202");
  CbCall *call;

  /* The event comes first and waits for its dialog. */
  apply (fixture, &ringing);
  g_assert_cmpuint (n_calls (fixture), ==, 0);
  advance (fixture, GRACE_MS - 1);
  g_assert_cmpuint (n_calls (fixture), ==, 0);

  call = add_dialog (fixture, "d1", CB_CALL_DIRECTION_IN, "202");
  g_assert_cmpuint (n_calls (fixture), ==, 1);
  g_assert_false (cb_call_is_remote (call));
  g_assert_cmpstr (cb_call_tracker_get_server_id (fixture->tracker, call), ==, "c1");
  g_assert_cmpuint (fixture->ringing->len, ==, 1);

  /* Its grace has no card left to make. */
  advance (fixture, GRACE_MS);
  g_assert_cmpuint (n_calls (fixture), ==, 1);
  g_assert_true (call_at (fixture, 0) == call);
}

/* The event of a dialog that does not come (another client of ours has
 * the line): a card of its own once the grace is over. */
static void
test_event_without_dialog (Fixture       *fixture,
                           gconstpointer  data)
{
  CbWireCall ringing = call_event ("c9", CB_WIRE_CALL_STATE_RINGING, CB_CALL_DIRECTION_IN,
                                   "d9", "softphone", "205");
  CbWireCall connected = ringing;
  CbCall *card;

  apply (fixture, &ringing);
  advance (fixture, GRACE_MS - 1);
  g_assert_cmpuint (n_calls (fixture), ==, 0);
  advance (fixture, 1);
  g_assert_cmpuint (n_calls (fixture), ==, 1);
  card = call_at (fixture, 0);
  g_assert_true (cb_call_is_remote (card));
  g_assert_null (cb_call_get_sip_call (card));
  g_assert_cmpint (cb_call_get_state (card), ==, CB_CALL_STATE_RINGING);
  g_assert_cmpint (cb_call_get_direction (card), ==, CB_CALL_DIRECTION_IN);
  g_assert_cmpstr (cb_call_get_remote_number (card), ==, "205");
  g_assert_cmpstr (cb_call_tracker_get_server_id (fixture->tracker, card), ==, "c9");
  /* A card does not ring: the phone it is on does. */
  g_assert_cmpuint (fixture->ringing->len, ==, 0);

  connected.state = CB_WIRE_CALL_STATE_CONNECTED;
  apply (fixture, &connected);
  g_assert_cmpuint (n_calls (fixture), ==, 1);
  g_assert_cmpint (cb_call_get_state (card), ==, CB_CALL_STATE_CONNECTED);
}

/* Without a registered line nothing can ring here: a card at once. */
static void
test_event_line_unregistered (Fixture       *fixture,
                              gconstpointer  data)
{
  CbWireCall ringing = call_event ("c1", CB_WIRE_CALL_STATE_RINGING, CB_CALL_DIRECTION_IN,
                                   "d1", "softphone", "202");

  cb_call_tracker_set_line_registered (fixture->tracker, FALSE);
  apply (fixture, &ringing);
  g_assert_cmpuint (n_calls (fixture), ==, 1);
  g_assert_true (cb_call_is_remote (call_at (fixture, 0)));
}

/* The desk phone's calls: cards at once, driven by the events,
 * controlled through the controls. */
static void
test_desk_phone_call (Fixture       *fixture,
                      gconstpointer  data)
{
  CbWireCall call = call_event ("c3", CB_WIRE_CALL_STATE_RINGING, CB_CALL_DIRECTION_IN,
                                "desk-dialog", "desk", "0301234");
  g_autoptr(GError) error = NULL;
  CbCall *card;

  call.from.name = "Berlin Office";
  call.started_at = 1700000000;
  apply (fixture, &call);
  g_assert_cmpuint (n_calls (fixture), ==, 1);
  card = call_at (fixture, 0);
  g_assert_true (cb_call_is_remote (card));
  g_assert_cmpstr (cb_call_get_remote_name (card), ==, "Berlin Office");
  g_assert_cmpint (cb_call_get_started_at (card), ==, 1700000000);

  g_assert_true (cb_call_answer (card, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->answered->len, ==, 1);
  g_assert_true (g_ptr_array_index (fixture->answered, 0) == card);
  /* Answered on the server's word, not before. */
  g_assert_cmpint (cb_call_get_state (card), ==, CB_CALL_STATE_RINGING);

  call.state = CB_WIRE_CALL_STATE_CONNECTED;
  apply (fixture, &call);
  g_assert_cmpint (cb_call_get_state (card), ==, CB_CALL_STATE_CONNECTED);
  call.state = CB_WIRE_CALL_STATE_ENDED;
  apply (fixture, &call);
  g_assert_cmpint (cb_call_get_state (card), ==, CB_CALL_STATE_ENDED);
  g_assert_null (cb_call_tracker_lookup_server_call (fixture->tracker, "c3"));
  advance (fixture, LINGER_MS);
  g_assert_cmpuint (n_calls (fixture), ==, 0);

  /* An ended call never seen before leaves nothing behind. */
  call.call_id = "c4";
  apply (fixture, &call);
  advance (fixture, GRACE_MS);
  g_assert_cmpuint (n_calls (fixture), ==, 0);
}

/* A colleague's call (seen at team level) is not ours to show. */
static void
test_other_users_call (Fixture       *fixture,
                       gconstpointer  data)
{
  CbWireCall call = call_event ("c5", CB_WIRE_CALL_STATE_RINGING, CB_CALL_DIRECTION_IN,
                                "d5", "softphone", "202");

  call.user_id = COLLEAGUE;
  apply (fixture, &call);
  add_dialog (fixture, "d1", CB_CALL_DIRECTION_OUT, "203");
  advance (fixture, GRACE_MS);
  g_assert_cmpuint (n_calls (fixture), ==, 1);
  g_assert_null (cb_call_tracker_get_server_id (fixture->tracker, call_at (fixture, 0)));
  g_assert_null (cb_call_tracker_lookup_server_call (fixture->tracker, "c5"));
}

/* A dialog the server never tells about (a server too old, a call it
 * does not route): a call all the same, without a server id. */
static void
test_dialog_without_event (Fixture       *fixture,
                           gconstpointer  data)
{
  CbCall *call = add_dialog (fixture, "d1", CB_CALL_DIRECTION_OUT, "203");

  g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_DIALING);
  g_assert_cmpuint (fixture->ringing->len, ==, 0);
  cb_call_tracker_update_dialog (fixture->tracker, "d1", CB_SIP_CALL_STATE_RINGING, 0);
  g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_DIALING);
  cb_call_tracker_update_dialog (fixture->tracker, "d1", CB_SIP_CALL_STATE_ACTIVE, 0);
  g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_CONNECTED);
  advance (fixture, 60000);
  g_assert_cmpuint (n_calls (fixture), ==, 1);
  g_assert_null (cb_call_tracker_get_server_id (fixture->tracker, call));
  cb_call_tracker_update_dialog (fixture->tracker, "d1", CB_SIP_CALL_STATE_ENDED, 0);
  advance (fixture, LINGER_MS);
  g_assert_cmpuint (n_calls (fixture), ==, 0);
}

/* A desk phone's call moves to this phone (picked up here): the card
 * goes, the dialog's call takes the server id. */
static void
test_call_moves_here (Fixture       *fixture,
                      gconstpointer  data)
{
  CbWireCall on_desk = call_event ("c7", CB_WIRE_CALL_STATE_RINGING, CB_CALL_DIRECTION_IN,
                                   "desk-dialog", "desk", "0301234");
  CbWireCall here = call_event ("c7", CB_WIRE_CALL_STATE_RINGING, CB_CALL_DIRECTION_IN,
                                "d7", "softphone", "0301234");
  CbCall *call;

  apply (fixture, &on_desk);
  g_assert_cmpuint (n_calls (fixture), ==, 1);
  g_assert_true (cb_call_is_remote (call_at (fixture, 0)));

  call = add_dialog (fixture, "d7", CB_CALL_DIRECTION_IN, "0301234");
  apply (fixture, &here);
  g_assert_cmpuint (n_calls (fixture), ==, 1);
  g_assert_true (call_at (fixture, 0) == call);
  g_assert_true (cb_call_tracker_lookup_server_call (fixture->tracker, "c7") == call);
}

/* The server places a call through this phone (a consultation): the
 * dialog rings in, the event says outgoing. It is taken at once and shows
 * as outgoing, its state from the events; it never rings. */
static void
test_server_placed_dialog (Fixture       *fixture,
                           gconstpointer  data)
{
  CbWireCall out = call_event ("c2", CB_WIRE_CALL_STATE_RINGING, CB_CALL_DIRECTION_OUT,
                               "d2", "softphone", "203");
  CbCall *call;

  cb_call_tracker_expect_consultation (fixture->tracker, "203");
  call = add_dialog (fixture, "d2", CB_CALL_DIRECTION_IN, "203");
  g_assert_cmpuint (fixture->ringing->len, ==, 0);

  apply (fixture, &out);
  g_assert_cmpint (cb_call_get_direction (call), ==, CB_CALL_DIRECTION_OUT);
  g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_DIALING);
  g_assert_cmpuint (fixture->answered->len, ==, 1);
  g_assert_true (g_ptr_array_index (fixture->answered, 0) == call);

  /* The dialog is up long before the far end answers: events decide. */
  cb_call_tracker_update_dialog (fixture->tracker, "d2", CB_SIP_CALL_STATE_ACTIVE, 0);
  g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_DIALING);
  apply (fixture, &out);
  g_assert_cmpuint (fixture->answered->len, ==, 1);
  out.state = CB_WIRE_CALL_STATE_CONNECTED;
  apply (fixture, &out);
  g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_CONNECTED);
  /* Its dialog ending still ends it. */
  cb_call_tracker_update_dialog (fixture->tracker, "d2", CB_SIP_CALL_STATE_ENDED, 0);
  g_assert_cmpint (cb_call_get_state (call), ==, CB_CALL_STATE_ENDED);
}

/* Same, its event first: the dialog never rings, even with no
 * consultation expected (a call from this phone). */
static void
test_server_placed_event_first (Fixture       *fixture,
                                gconstpointer  data)
{
  CbWireCall out = call_event ("c2", CB_WIRE_CALL_STATE_RINGING, CB_CALL_DIRECTION_OUT,
                               "d2", "softphone", "203");
  CbCall *call;

  apply (fixture, &out);
  g_assert_cmpuint (n_calls (fixture), ==, 0);
  call = add_dialog (fixture, "d2", CB_CALL_DIRECTION_IN, "203");
  g_assert_cmpuint (fixture->ringing->len, ==, 0);
  g_assert_cmpint (cb_call_get_direction (call), ==, CB_CALL_DIRECTION_OUT);
  g_assert_cmpuint (fixture->answered->len, ==, 1);
  advance (fixture, GRACE_MS);
  g_assert_cmpuint (n_calls (fixture), ==, 1);
}

/* A dialog the phone answers by itself does not ring; an expected
 * consultation's number stops being expected after a while. */
static void
test_what_rings (Fixture       *fixture,
                 gconstpointer  data)
{
  CbCallTrackerDialog dialog = {
    .call_id = "d1",
    .direction = CB_CALL_DIRECTION_IN,
    .remote_number = "202",
    .answers_itself = TRUE,
  };

  cb_call_tracker_add_dialog (fixture->tracker, &dialog);
  g_assert_cmpuint (fixture->ringing->len, ==, 0);

  cb_call_tracker_expect_consultation (fixture->tracker, "204");
  advance (fixture, CONSULT_MS + 1);
  add_dialog (fixture, "d2", CB_CALL_DIRECTION_IN, "204");
  g_assert_cmpuint (fixture->ringing->len, ==, 1);

  /* A failed consultation request is forgotten at once. */
  cb_call_tracker_expect_consultation (fixture->tracker, "205");
  cb_call_tracker_forget_consultation (fixture->tracker, "205");
  add_dialog (fixture, "d3", CB_CALL_DIRECTION_IN, "205");
  g_assert_cmpuint (fixture->ringing->len, ==, 2);
}

/* --- consultation pairs --- */

static CbCall *
connected_call (Fixture    *fixture,
                const char *dialog_id,
                const char *server_id,
                const char *number)
{
  CbWireCall event = call_event (server_id, CB_WIRE_CALL_STATE_CONNECTED, CB_CALL_DIRECTION_IN,
                                 dialog_id, "softphone", number);
  CbCall *call = add_dialog (fixture, dialog_id, CB_CALL_DIRECTION_IN, number);

  cb_call_tracker_update_dialog (fixture->tracker, dialog_id, CB_SIP_CALL_STATE_ACTIVE, 0);
  apply (fixture, &event);
  return call;
}

static void
assert_pair (CbCall *held,
             CbCall *consultation)
{
  g_assert_true (cb_call_get_partner (held) == consultation);
  g_assert_true (cb_call_get_partner (consultation) == held);
  g_assert_true (cb_call_is_consultation (consultation));
  g_assert_false (cb_call_is_consultation (held));
}

/* The consult request's answer comes before the consultation's dialog
 * and event. */
static void
test_consultation_answer_first (Fixture       *fixture,
                                gconstpointer  data)
{
  CbCall *held = connected_call (fixture, "d1", "c1", "202");
  CbWireCall out = call_event ("c2", CB_WIRE_CALL_STATE_RINGING, CB_CALL_DIRECTION_OUT,
                               "d2", "softphone", "203");
  CbCall *consultation;

  cb_call_tracker_expect_consultation (fixture->tracker, "203");
  cb_call_tracker_consultation_started (fixture->tracker, held, "c2");
  g_assert_null (cb_call_get_partner (held));

  consultation = add_dialog (fixture, "d2", CB_CALL_DIRECTION_IN, "203");
  g_assert_null (cb_call_get_partner (held));
  apply (fixture, &out);
  assert_pair (held, consultation);
  g_assert_cmpuint (fixture->ringing->len, ==, 1);   /* the first call only */

  /* The pair ends with either call. */
  out.state = CB_WIRE_CALL_STATE_ENDED;
  apply (fixture, &out);
  g_assert_null (cb_call_get_partner (held));
  g_assert_null (cb_call_get_partner (consultation));
}

/* The consultation's dialog and event come before the request's answer. */
static void
test_consultation_answer_last (Fixture       *fixture,
                               gconstpointer  data)
{
  CbCall *held = connected_call (fixture, "d1", "c1", "202");
  CbWireCall out = call_event ("c2", CB_WIRE_CALL_STATE_RINGING, CB_CALL_DIRECTION_OUT,
                               "d2", "softphone", "203");
  CbCall *consultation;

  cb_call_tracker_expect_consultation (fixture->tracker, "203");
  apply (fixture, &out);
  consultation = add_dialog (fixture, "d2", CB_CALL_DIRECTION_IN, "203");
  g_assert_null (cb_call_get_partner (held));
  g_assert_cmpuint (fixture->ringing->len, ==, 1);

  cb_call_tracker_consultation_started (fixture->tracker, held, "c2");
  assert_pair (held, consultation);
}

/* On the desk phone: both calls are cards. */
static void
test_consultation_on_desk (Fixture       *fixture,
                           gconstpointer  data)
{
  CbWireCall first = call_event ("c1", CB_WIRE_CALL_STATE_HELD, CB_CALL_DIRECTION_IN,
                                 "desk-1", "desk", "202");
  CbWireCall second = call_event ("c2", CB_WIRE_CALL_STATE_RINGING, CB_CALL_DIRECTION_OUT,
                                  "desk-2", "desk", "203");
  CbCall *held;

  apply (fixture, &first);
  held = call_at (fixture, 0);
  cb_call_tracker_consultation_started (fixture->tracker, held, "c2");
  apply (fixture, &second);
  g_assert_cmpuint (n_calls (fixture), ==, 2);
  assert_pair (held, call_at (fixture, 1));
  g_assert_cmpint (cb_call_get_state (held), ==, CB_CALL_STATE_HELD);
}

/* --- stopping --- */

static void
test_clear (Fixture       *fixture,
            gconstpointer  data)
{
  CbWireCall desk = call_event ("c3", CB_WIRE_CALL_STATE_CONNECTED, CB_CALL_DIRECTION_IN,
                                "desk-dialog", "desk", "0301234");
  CbWireCall waiting = call_event ("c4", CB_WIRE_CALL_STATE_RINGING, CB_CALL_DIRECTION_IN,
                                   "d4", "softphone", "205");
  g_autoptr(CbCall) local = NULL;
  g_autoptr(CbCall) remote = NULL;

  local = g_object_ref (connected_call (fixture, "d1", "c1", "202"));
  apply (fixture, &desk);
  remote = g_object_ref (call_at (fixture, 1));
  apply (fixture, &waiting);

  cb_call_tracker_clear (fixture->tracker);
  g_assert_cmpuint (n_calls (fixture), ==, 0);
  /* Our dialog is hung up; the desk phone's call goes on without us. */
  g_assert_cmpuint (fixture->hung_up->len, ==, 1);
  g_assert_true (g_ptr_array_index (fixture->hung_up, 0) == local);
  g_assert_cmpint (cb_call_get_state (local), ==, CB_CALL_STATE_ENDED);
  g_assert_cmpint (cb_call_get_state (remote), ==, CB_CALL_STATE_ENDED);
  /* Nothing waits any more. */
  advance (fixture, GRACE_MS);
  g_assert_cmpuint (n_calls (fixture), ==, 0);
  g_assert_cmpuint (fixture->answered->len, ==, 0);
}

/* A pickup dialled as *97202: the dialog is "*97202", the server's event
 * names the caller it took over and where it rang. */
static void
test_dialled_pickup (Fixture       *fixture,
                     gconstpointer  data)
{
  CbWireCall taken = call_event ("c7", CB_WIRE_CALL_STATE_CONNECTED, CB_CALL_DIRECTION_IN,
                                 "d7", "softphone", "+4930123");
  CbCall *call = add_dialog (fixture, "d7", CB_CALL_DIRECTION_OUT, "*97202");

  g_assert_cmpstr (cb_call_get_remote_number (call), ==, "*97202");
  g_assert_cmpstr (cb_call_get_remote_name (call), ==, "*97202");
  g_assert_false (cb_call_get_picked_up (call));

  taken.from.name = "Erika Muster";
  taken.to.number = "202";
  taken.picked_up = TRUE;
  apply (fixture, &taken);
  g_assert_cmpstr (cb_call_get_remote_number (call), ==, "+4930123");
  g_assert_cmpstr (cb_call_get_remote_name (call), ==, "Erika Muster");
  g_assert_true (cb_call_get_picked_up (call));
  /* No store here to name the colleague: the number they have. */
  g_assert_cmpstr (cb_call_get_picked_up_from (call), ==, "202");
  g_assert_cmpstr (cb_call_tracker_get_server_id (fixture->tracker, call), ==, "c7");

  /* A caller hidden from us (no number on the wire) keeps what we had. */
  taken.from.number = NULL;
  taken.from.name = NULL;
  apply (fixture, &taken);
  g_assert_cmpstr (cb_call_get_remote_number (call), ==, "+4930123");
  g_assert_cmpstr (cb_call_get_remote_name (call), ==, "Erika Muster");
}

/* The lock follows what the server says of the call's media: set when
 * every leg is SRTP, cleared when a leg falls back (a plain transfer
 * target), on the phone's own dialog and on a desk phone's call. */
static void
test_encrypted (Fixture       *fixture,
                gconstpointer  data)
{
  CbWireCall own = call_event ("c8", CB_WIRE_CALL_STATE_CONNECTED, CB_CALL_DIRECTION_OUT,
                               "d8", "softphone", "202");
  CbWireCall desk = call_event ("c9", CB_WIRE_CALL_STATE_CONNECTED, CB_CALL_DIRECTION_IN,
                                "d9", "desk", "203");
  CbCall *call = add_dialog (fixture, "d8", CB_CALL_DIRECTION_OUT, "202");

  apply (fixture, &own);
  g_assert_false (cb_call_get_encrypted (call));
  own.encrypted = TRUE;
  apply (fixture, &own);
  g_assert_true (cb_call_get_encrypted (call));
  own.encrypted = FALSE;
  apply (fixture, &own);
  g_assert_false (cb_call_get_encrypted (call));

  desk.encrypted = TRUE;
  apply (fixture, &desk);
  g_assert_cmpuint (n_calls (fixture), ==, 2);
  g_assert_true (cb_call_is_remote (call_at (fixture, 1)));
  g_assert_true (cb_call_get_encrypted (call_at (fixture, 1)));
}

/* A call placed that reached nobody says why (from the dialog's final
 * SIP status) and stays until dismissed; one the caller gave up (487)
 * is no failure and leaves as any ended call. */
static void
test_failed_call_stays (Fixture       *fixture,
                        gconstpointer  data)
{
  CbCall *busy;
  CbCall *given_up;
  CbCall *next;

  busy = add_dialog (fixture, "d1", CB_CALL_DIRECTION_OUT, "202");
  given_up = add_dialog (fixture, "d2", CB_CALL_DIRECTION_OUT, "203");
  cb_call_tracker_update_dialog (fixture->tracker, "d1", CB_SIP_CALL_STATE_RINGING, 0);
  cb_call_tracker_update_dialog (fixture->tracker, "d1", CB_SIP_CALL_STATE_ENDED, 486);
  cb_call_tracker_update_dialog (fixture->tracker, "d2", CB_SIP_CALL_STATE_ENDED, 487);
  g_assert_cmpint (cb_call_get_state (busy), ==, CB_CALL_STATE_ENDED);
  g_assert_cmpint (cb_call_get_failure (busy), ==, CB_CALL_FAILURE_BUSY);
  g_assert_cmpint (cb_call_get_failure (given_up), ==, CB_CALL_FAILURE_NONE);

  advance (fixture, LINGER_MS * 10);
  g_assert_cmpuint (n_calls (fixture), ==, 1);
  g_assert_true (call_at (fixture, 0) == busy);

  /* A call placed afterwards shows above it, where the user looks (a
   * consultation next to the call it is for, not under a "busy" card). */
  next = add_dialog (fixture, "d3", CB_CALL_DIRECTION_OUT, "204");
  g_assert_cmpuint (n_calls (fixture), ==, 2);
  g_assert_true (call_at (fixture, 0) == next);
  g_assert_true (call_at (fixture, 1) == busy);
  cb_call_tracker_update_dialog (fixture->tracker, "d3", CB_SIP_CALL_STATE_ENDED, 487);
  advance (fixture, LINGER_MS * 10);
  g_assert_cmpuint (n_calls (fixture), ==, 1);

  cb_call_tracker_dismiss (fixture->tracker, busy);
  g_assert_cmpuint (n_calls (fixture), ==, 0);

  /* The other reasons, as the status codes say them. */
  g_assert_cmpint (cb_call_failure_from_sip_status (603), ==, CB_CALL_FAILURE_DECLINED);
  g_assert_cmpint (cb_call_failure_from_sip_status (404), ==, CB_CALL_FAILURE_NOT_FOUND);
  g_assert_cmpint (cb_call_failure_from_sip_status (480), ==, CB_CALL_FAILURE_UNREACHABLE);
  g_assert_cmpint (cb_call_failure_from_sip_status (403), ==, CB_CALL_FAILURE_REJECTED);
  g_assert_cmpint (cb_call_failure_from_sip_status (200), ==, CB_CALL_FAILURE_NONE);
}

/* A call answered, then ended with any status, is no failure. */
static void
test_answered_call_no_failure (Fixture       *fixture,
                               gconstpointer  data)
{
  CbCall *call = add_dialog (fixture, "d1", CB_CALL_DIRECTION_OUT, "202");

  cb_call_tracker_update_dialog (fixture->tracker, "d1", CB_SIP_CALL_STATE_ACTIVE, 0);
  cb_call_tracker_update_dialog (fixture->tracker, "d1", CB_SIP_CALL_STATE_ENDED, 503);
  g_assert_cmpint (cb_call_get_failure (call), ==, CB_CALL_FAILURE_NONE);
  advance (fixture, LINGER_MS);
  g_assert_cmpuint (n_calls (fixture), ==, 0);
}

/* A call to the leader offered to this assistant, and one the assistant
 * placed as the leader: the cards name the leader ("for"). */
static void
test_call_for_leader (Fixture       *fixture,
                      gconstpointer  data)
{
  CbWireCall ringing = call_event ("c20", CB_WIRE_CALL_STATE_RINGING, CB_CALL_DIRECTION_IN,
                                   "d20", "softphone", "0301234");
  CbWireCall on_desk = call_event ("c21", CB_WIRE_CALL_STATE_RINGING, CB_CALL_DIRECTION_OUT,
                                   "desk-21", "desk", "0307654");
  CbCall *call;
  CbCall *remote;

  call = add_dialog (fixture, "d20", CB_CALL_DIRECTION_IN, "0301234");
  g_assert_cmpint (cb_call_get_for_user_id (call), ==, 0);
  g_assert_null (cb_call_get_for_name (call));

  ringing.for_user_id = 3;
  ringing.for_name = "Dr. Thomas Krause";
  apply (fixture, &ringing);
  g_assert_cmpint (cb_call_get_for_user_id (call), ==, 3);
  g_assert_cmpstr (cb_call_get_for_name (call), ==, "Dr. Thomas Krause");

  /* A leader the server blanks for this viewer is nobody. */
  ringing.for_user_id = 0;
  ringing.for_name = "";
  apply (fixture, &ringing);
  g_assert_cmpint (cb_call_get_for_user_id (call), ==, 0);
  g_assert_null (cb_call_get_for_name (call));

  /* Placed from the desk phone as the leader. */
  on_desk.for_user_id = 3;
  on_desk.for_name = "Dr. Thomas Krause";
  apply (fixture, &on_desk);
  remote = cb_call_tracker_lookup_server_call (fixture->tracker, "c21");
  g_assert_nonnull (remote);
  g_assert_true (cb_call_is_remote (remote));
  g_assert_cmpstr (cb_call_get_for_name (remote), ==, "Dr. Thomas Krause");
}

/* The server's end_reason says why a call placed failed (a phone's 486
 * for a free user is a decline, not busy); a conference's parties come
 * with its events, the user left out. */
static void
test_server_reasons_and_conference (Fixture       *fixture,
                                    gconstpointer  data)
{
  CbCall *call = add_dialog (fixture, "d1", CB_CALL_DIRECTION_OUT, "202");
  CbWireCall ended = call_event ("c1", CB_WIRE_CALL_STATE_ENDED, CB_CALL_DIRECTION_OUT, "d1",
                                 "softphone", "202");
  CbWireParty parties[] = {
    { ME, "201", "Anna Berger" },
    { 3, "203", "Carla Diaz" },
    { 0, "+4930123", "" },
  };
  CbWireConference conference = { "c2", G_N_ELEMENTS (parties), parties };
  CbWireCall talking = call_event ("c2", CB_WIRE_CALL_STATE_CONNECTED, CB_CALL_DIRECTION_IN, "d2",
                                   "softphone", "203");
  CbCall *kept;

  cb_call_tracker_update_dialog (fixture->tracker, "d1", CB_SIP_CALL_STATE_ENDED, 486);
  g_assert_cmpint (cb_call_get_failure (call), ==, CB_CALL_FAILURE_BUSY);
  ended.end_reason = CB_CALL_END_REASON_DECLINED;
  apply (fixture, &ended);
  g_assert_cmpint (cb_call_get_failure (call), ==, CB_CALL_FAILURE_DECLINED);
  advance (fixture, LINGER_MS * 2);
  g_assert_true (call_at (fixture, 0) == call);

  kept = add_dialog (fixture, "d2", CB_CALL_DIRECTION_IN, "203");
  cb_call_tracker_update_dialog (fixture->tracker, "d2", CB_SIP_CALL_STATE_ACTIVE, 0);
  g_assert_null (cb_call_get_conference_parties (kept));
  talking.conference = &conference;
  apply (fixture, &talking);
  g_assert_nonnull (cb_call_get_conference_parties (kept));
  g_assert_cmpuint (g_strv_length ((char **) cb_call_get_conference_parties (kept)), ==, 2);
  g_assert_cmpstr (cb_call_get_conference_parties (kept)[0], ==, "Carla Diaz");
  g_assert_cmpstr (cb_call_get_conference_parties (kept)[1], ==, "+4930123");
  talking.conference = NULL;
  apply (fixture, &talking);
  g_assert_null (cb_call_get_conference_parties (kept));
  /* An answered call has no failure, whatever reason ends it. */
  talking.state = CB_WIRE_CALL_STATE_ENDED;
  talking.end_reason = CB_CALL_END_REASON_CONFERENCE;
  apply (fixture, &talking);
  g_assert_cmpint (cb_call_get_failure (kept), ==, CB_CALL_FAILURE_NONE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/call-tracker/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("dialog-then-event", test_dialog_then_event);
  ADD ("event-then-dialog", test_event_then_dialog);
  ADD ("event-without-dialog", test_event_without_dialog);
  ADD ("event-line-unregistered", test_event_line_unregistered);
  ADD ("desk-phone-call", test_desk_phone_call);
  ADD ("other-users-call", test_other_users_call);
  ADD ("dialog-without-event", test_dialog_without_event);
  ADD ("call-moves-here", test_call_moves_here);
  ADD ("server-placed-dialog", test_server_placed_dialog);
  ADD ("server-placed-event-first", test_server_placed_event_first);
  ADD ("what-rings", test_what_rings);
  ADD ("consultation-answer-first", test_consultation_answer_first);
  ADD ("consultation-answer-last", test_consultation_answer_last);
  ADD ("consultation-on-desk", test_consultation_on_desk);
  ADD ("clear", test_clear);
  ADD ("dialled-pickup", test_dialled_pickup);
  ADD ("encrypted", test_encrypted);
  ADD ("failed-call-stays", test_failed_call_stays);
  ADD ("answered-call-no-failure", test_answered_call_no_failure);
  ADD ("server-reasons-and-conference", test_server_reasons_and_conference);
  ADD ("call-for-leader", test_call_for_leader);
#undef ADD

  return g_test_run ();
}
