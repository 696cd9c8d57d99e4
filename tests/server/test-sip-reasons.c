/* test-sip-reasons.c: a call that is not reached says why, in its call event and in the journal
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Phone-library agents on a real callboardd. A callee busy in another
 * call, one who declines, one with nothing registered, a number that
 * does not exist, a caller who gives up: the caller's last "call" event
 * carries the end_reason and their journal entry the outcome ("not
 * reached (busy)"); a callee who declined has "declined", not "missed",
 * and it does not count as missed.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <gst/gst.h>

#include "cb-test-phone.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla\",\"extension\":\"203\",\"password\":\"pw\"},"
  " {\"username\":\"dora\",\"display_name\":\"Dora\",\"extension\":\"204\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\","
  "  \"members\":[\"anna\",\"ben\",\"carla\",\"dora\"]}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

typedef struct {
  CbTestServer *server;
  CbTestPhone   anna;
  CbTestPhone   ben;
  CbTestPhone   carla;
  CbTestStream *anna_stream;
  CbTestStream *ben_stream;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = cb_test_server_start (directory, server_args);
  cb_test_phone_start_user (fixture->server, &fixture->anna, "anna", 440, 660);
  cb_test_phone_start_user (fixture->server, &fixture->ben, "ben", 660, 440);
  cb_test_phone_start_user (fixture->server, &fixture->carla, "carla", 880, 660);
  /* ben decides himself whether he takes a call. */
  fixture->ben.manual_answer = TRUE;
  fixture->anna_stream = cb_test_stream_open (fixture->server, fixture->anna.token, -1, TRUE);
  fixture->ben_stream = cb_test_stream_open (fixture->server, fixture->ben.token, -1, TRUE);
  g_assert_null (fixture->anna_stream->error);
  g_assert_null (fixture->ben_stream->error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->anna_stream, cb_test_stream_close);
  g_clear_pointer (&fixture->ben_stream, cb_test_stream_close);
  cb_test_phone_clear_all (&fixture->anna, &fixture->ben, &fixture->carla, NULL);
  cb_test_server_stop (fixture->server);
}

/* The user's "call" event that ended their call, with its reason. */
static JsonObject *
wait_ended (CbTestStream *stream,
            gint64        user_id,
            const char   *reason)
{
  JsonObject *event = cb_test_stream_wait_data (stream, "call", user_id, "state", "ended", WAIT_MS);
  JsonObject *data;

  g_assert_nonnull (event);
  data = json_object_get_object_member (event, "data");
  g_assert_cmpint (json_object_get_int_member (data, "user_id"), ==, user_id);
  g_assert_false (json_object_get_null_member (data, "end_reason"));
  g_assert_cmpstr (json_object_get_string_member (data, "end_reason"), ==, reason);
  return data;
}

/* The newest journal entry of the phone's user says outcome and reason. */
static void
assert_journal (Fixture     *fixture,
                CbTestPhone *phone,
                const char  *direction,
                const char  *remote,
                const char  *outcome,
                const char  *reason,
                gint64       missed)
{
  g_autoptr(JsonNode) answer = NULL;
  gint64 count = -1;
  JsonObject *entry = cb_test_phone_last_entry (fixture->server, phone, &answer, &count);

  g_assert_cmpstr (json_object_get_string_member (entry, "direction"), ==, direction);
  g_assert_cmpstr (json_object_get_string_member (entry, "remote_number"), ==, remote);
  g_assert_cmpstr (json_object_get_string_member (entry, "outcome"), ==, outcome);
  g_assert_cmpstr (json_object_get_string_member (entry, "end_reason"), ==, reason);
  g_assert_false (json_object_get_boolean_member (entry, "answered"));
  g_assert_cmpint (count, ==, missed);
}

/* ben is in a call with carla; anna's call reaches his phone, which
 * refuses it: busy. */
static void
test_busy (Fixture       *fixture,
           gconstpointer  data)
{
  CbTestPhone *anna = &fixture->anna, *ben = &fixture->ben;
  g_autoptr(CbSipCall) with_carla = NULL;
  g_autoptr(CbSipCall) dialled = NULL;

  with_carla = g_object_ref (cb_test_phone_dial (ben, fixture->carla.line));
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (with_carla) == CB_SIP_CALL_STATE_ACTIVE, WAIT_MS,
                    "carla to answer ben");
  g_assert_nonnull (cb_test_stream_wait_data (fixture->anna_stream, "line-state", ben->user_id,
                                              "line_state", "busy", WAIT_MS));

  dialled = g_object_ref (cb_test_phone_dial (anna, ben->line));
  CB_TEST_WAIT_FOR (cb_test_phone_rang (ben), WAIT_MS, "anna's call to reach ben's phone");
  cb_sip_call_hangup (ben->call);
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (dialled) == CB_SIP_CALL_STATE_ENDED, WAIT_MS,
                    "anna's call to be refused");
  g_assert_cmpuint (cb_sip_call_get_end_status (dialled), ==, 486);

  wait_ended (fixture->anna_stream, anna->user_id, "busy");
  g_assert_nonnull (cb_test_stream_wait (fixture->anna_stream, "journal", anna->user_id, WAIT_MS));
  assert_journal (fixture, anna, "out", "202", "busy", "busy", 0);
  /* The call ben was in goes on. */
  g_assert_cmpint (cb_sip_call_get_state (with_carla), ==, CB_SIP_CALL_STATE_ACTIVE);
  cb_sip_call_hangup (with_carla);
}

/* ben is free and refuses anna's call: declined for him (not missed),
 * not reached (declined) for anna. */
static void
test_declined (Fixture       *fixture,
               gconstpointer  data)
{
  CbTestPhone *anna = &fixture->anna, *ben = &fixture->ben;
  g_autoptr(CbSipCall) dialled = NULL;

  dialled = g_object_ref (cb_test_phone_dial (anna, ben->line));
  CB_TEST_WAIT_FOR (cb_test_phone_rang (ben), WAIT_MS, "anna's call to ring at ben");
  cb_sip_call_hangup (ben->call);
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (dialled) == CB_SIP_CALL_STATE_ENDED, WAIT_MS,
                    "anna's call to be refused");

  wait_ended (fixture->anna_stream, anna->user_id, "declined");
  wait_ended (fixture->ben_stream, ben->user_id, "declined");
  g_assert_nonnull (cb_test_stream_wait (fixture->anna_stream, "journal", anna->user_id, WAIT_MS));
  g_assert_nonnull (cb_test_stream_wait (fixture->ben_stream, "journal", ben->user_id, WAIT_MS));
  assert_journal (fixture, anna, "out", "202", "rejected", "declined", 0);
  assert_journal (fixture, ben, "in", "201", "declined", "declined", 0);
}

/* Declined over REST while it rings: the same for both. */
static void
test_declined_rest (Fixture       *fixture,
                    gconstpointer  data)
{
  CbTestPhone *anna = &fixture->anna, *ben = &fixture->ben;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  JsonObject *event;

  cb_test_phone_dial (anna, ben->line);
  CB_TEST_WAIT_FOR (cb_test_phone_rang (ben), WAIT_MS, "anna's call to ring at ben");
  event = cb_test_stream_wait_data (fixture->ben_stream, "call", ben->user_id, "state", "ringing",
                                    WAIT_MS);
  g_assert_nonnull (event);
  path = g_strdup_printf ("/api/v1/calls/%s",
                          json_object_get_string_member (json_object_get_object_member (event, "data"),
                                                         "call_id"));
  cb_test_request_expect (fixture->server, "DELETE", path, ben->token, NULL, 200, &answer);
  cb_test_phone_wait_state (anna, CB_SIP_CALL_STATE_ENDED, "anna's call to be declined");
  g_assert_cmpuint (cb_sip_call_get_end_status (anna->call), ==, 603);

  wait_ended (fixture->anna_stream, anna->user_id, "declined");
  g_assert_nonnull (cb_test_stream_wait (fixture->ben_stream, "journal", ben->user_id, WAIT_MS));
  assert_journal (fixture, ben, "in", "201", "declined", "declined", 0);
}

/* dora has no phone registered: unreachable, on record at once. */
static void
test_unreachable (Fixture       *fixture,
                  gconstpointer  data)
{
  CbTestPhone *anna = &fixture->anna;
  JsonObject *call;

  cb_test_phone_dial (anna, "204");
  cb_test_phone_wait_state (anna, CB_SIP_CALL_STATE_ENDED, "the call to dora to fail");
  g_assert_cmpuint (cb_sip_call_get_end_status (anna->call), ==, 480);

  call = wait_ended (fixture->anna_stream, anna->user_id, "unreachable");
  g_assert_cmpstr (json_object_get_string_member (call, "remote_number"), ==, "204");
  g_assert_cmpstr (json_object_get_string_member (call, "remote_name"), ==, "Dora");
  /* The client finds its phone's call by it. */
  g_assert_cmpstr (json_object_get_string_member (call, "device_call_id"), ==,
                   cb_sip_call_get_call_id (anna->call));
  g_assert_nonnull (cb_test_stream_wait (fixture->anna_stream, "journal", anna->user_id, WAIT_MS));
  assert_journal (fixture, anna, "out", "204", "unreachable", "unreachable", 0);
}

/* A number nobody has. */
static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  CbTestPhone *anna = &fixture->anna;

  cb_test_phone_dial (anna, "999");
  cb_test_phone_wait_state (anna, CB_SIP_CALL_STATE_ENDED, "the call to 999 to fail");
  g_assert_cmpuint (cb_sip_call_get_end_status (anna->call), ==, 404);

  wait_ended (fixture->anna_stream, anna->user_id, "not-found");
  g_assert_nonnull (cb_test_stream_wait (fixture->anna_stream, "journal", anna->user_id, WAIT_MS));
  assert_journal (fixture, anna, "out", "999", "not-found", "not-found", 0);
}

/* anna gives up while ben's phone rings: cancelled for her, missed for
 * him; an answered call that ends is completed. */
static void
test_cancelled_and_completed (Fixture       *fixture,
                              gconstpointer  data)
{
  CbTestPhone *anna = &fixture->anna, *ben = &fixture->ben;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *entry;

  cb_test_phone_dial (anna, ben->line);
  CB_TEST_WAIT_FOR (cb_test_phone_rang (ben), WAIT_MS, "anna's call to ring at ben");
  cb_sip_call_hangup (anna->call);
  cb_test_phone_wait_state (ben, CB_SIP_CALL_STATE_ENDED, "the call to stop ringing at ben");
  wait_ended (fixture->anna_stream, anna->user_id, "cancelled");
  wait_ended (fixture->ben_stream, ben->user_id, "cancelled");
  g_assert_nonnull (cb_test_stream_wait (fixture->anna_stream, "journal", anna->user_id, WAIT_MS));
  g_assert_nonnull (cb_test_stream_wait (fixture->ben_stream, "journal", ben->user_id, WAIT_MS));
  assert_journal (fixture, anna, "out", "202", "cancelled", "cancelled", 0);
  assert_journal (fixture, ben, "in", "201", "missed", "cancelled", 1);

  cb_test_phone_dial (anna, ben->line);
  CB_TEST_WAIT_FOR (cb_test_phone_rang (ben), WAIT_MS, "anna's second call to ring at ben");
  cb_test_phone_answer (ben);
  cb_test_phone_wait_state (anna, CB_SIP_CALL_STATE_ACTIVE, "ben to answer");
  cb_sip_call_hangup (ben->call);
  cb_test_phone_wait_state (anna, CB_SIP_CALL_STATE_ENDED, "ben to hang up");
  wait_ended (fixture->anna_stream, anna->user_id, "completed");
  g_assert_nonnull (cb_test_stream_wait (fixture->anna_stream, "journal", anna->user_id, WAIT_MS));
  entry = cb_test_phone_last_entry (fixture->server, anna, &answer, NULL);
  g_assert_cmpstr (json_object_get_string_member (entry, "outcome"), ==, "answered");
  g_assert_cmpstr (json_object_get_string_member (entry, "end_reason"), ==, "completed");
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sip/reasons/busy", test_busy);
  ADD ("/sip/reasons/declined", test_declined);
  ADD ("/sip/reasons/declined-rest", test_declined_rest);
  ADD ("/sip/reasons/unreachable", test_unreachable);
  ADD ("/sip/reasons/not-found", test_not_found);
  ADD ("/sip/reasons/cancelled-completed", test_cancelled_and_completed);
#undef ADD

  return g_test_run ();
}
