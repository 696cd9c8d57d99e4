/* test-sip-restart.c: SIGKILL of callboardd during calls leaves no trace after the restart
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Phone-library agents on a real callboardd with a fixed SIP port. Two
 * calls are up (anna–ben, carla–dora) when the server is killed. After
 * the restart: every phone of those calls gets a BYE, their line states
 * are not busy (no line state is busy without a call), their journals
 * have the calls as ended by the restart, and a call placed 1 s after the
 * restart reaches a phone registered before it (the registrations were
 * kept), without the phone registering again. The same holds for a
 * queue: a caller waiting with hold music and a queue call an agent took
 * both end with a BYE to every phone, the waiting caller's journal
 * included. A call whose dialogs the server checked (an OPTIONS a second
 * in each) ends as well: the phones, sofia-sip like the server, refuse a
 * BYE whose CSeq is below one they saw (500), and the kept record
 * follows the checks in steps of eight, numbered from 1 in the dialog
 * the caller began (sofia would take a number from the clock, and the
 * record would be written again at the first check).
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <gst/gst.h>
#include <sqlite3.h>

#include "cb-test-phone.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla\",\"extension\":\"203\",\"password\":\"pw\"},"
  " {\"username\":\"dora\",\"display_name\":\"Dora\",\"extension\":\"204\",\"password\":\"pw\"},"
  " {\"username\":\"emil\",\"display_name\":\"Emil\",\"extension\":\"205\",\"password\":\"pw\"},"
  " {\"username\":\"fritz\",\"display_name\":\"Fritz\",\"extension\":\"206\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Office\",\"kind\":\"authorisation\",\"level\":\"team\","
  "  \"members\":[\"anna\",\"ben\",\"carla\",\"dora\",\"emil\",\"fritz\"]}]}";

/* The same people with a queue, 600, that Ben works. */
static const char *queue_directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla\",\"extension\":\"203\",\"password\":\"pw\"},"
  " {\"username\":\"dora\",\"display_name\":\"Dora\",\"extension\":\"204\",\"password\":\"pw\"},"
  " {\"username\":\"emil\",\"display_name\":\"Emil\",\"extension\":\"205\",\"password\":\"pw\"},"
  " {\"username\":\"fritz\",\"display_name\":\"Fritz\",\"extension\":\"206\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Office\",\"kind\":\"authorisation\",\"level\":\"team\","
  "  \"members\":[\"anna\",\"ben\",\"carla\",\"dora\",\"emil\",\"fritz\"]},"
  " {\"name\":\"Hotline\",\"kind\":\"hunt\",\"number\":\"600\",\"strategy\":\"queue\","
  "  \"queue_order\":\"ring-all\",\"agent_timeout\":15,\"max_wait\":300,\"wrap_up\":0,"
  "  \"overflow\":\"\",\"announcement\":false,\"level\":\"team\",\"members\":[\"ben\"]}]}";

#define ANNA_HZ  440.0
#define BEN_HZ   550.0
#define CARLA_HZ 660.0
#define DORA_HZ  770.0
#define EMIL_HZ  880.0

typedef struct {
  CbTestServer *server;
  CbTestPhone   anna, ben, carla, dora, emil;
  CbSipCall    *calls[4];     /* the phones' calls the kill leaves up */
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  /* The SIP port stays across the restart: the phones know no other. */
  g_autofree char *port = g_strdup_printf ("%u", cb_test_free_udp_port ());
  const char * const args[] = { "--sip-port", port, NULL };

  fixture->server = cb_test_server_start (data != NULL ? data : directory, args);
  cb_test_phone_start_user (fixture->server, &fixture->anna, "anna", ANNA_HZ, BEN_HZ);
  cb_test_phone_listen_for (&fixture->anna, EMIL_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->ben, "ben", BEN_HZ, ANNA_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->carla, "carla", CARLA_HZ, DORA_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->dora, "dora", DORA_HZ, CARLA_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->emil, "emil", EMIL_HZ, ANNA_HZ);
}

/* The server checks its calls' dialogs every second. */
static void
fixture_setup_checking (Fixture       *fixture,
                        gconstpointer  data)
{
  g_setenv ("CALLBOARD_SIP_DIALOG_CHECK", "1", TRUE);
  fixture_setup (fixture, data);
  g_unsetenv ("CALLBOARD_SIP_DIALOG_CHECK");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (fixture->calls); i++)
    g_clear_object (&fixture->calls[i]);
  cb_test_phone_clear_all (&fixture->anna, &fixture->ben, &fixture->carla, &fixture->dora,
                           &fixture->emil, NULL);
  cb_test_server_stop (fixture->server);
}

/* caller dials callee, who answers; both hear each other. */
static void
connect (CbTestPhone *caller,
         CbTestPhone *callee,
         double       caller_hz,
         double       callee_hz)
{
  cb_test_phone_dial (caller, callee->line);
  cb_test_phone_wait_state (caller, CB_SIP_CALL_STATE_ACTIVE, "the call to be answered");
  cb_test_phone_wait_state (callee, CB_SIP_CALL_STATE_ACTIVE, "the callee to be in the call");
  cb_test_phone_wait_hears (caller, callee_hz, "the caller to hear the callee");
  cb_test_phone_wait_hears (callee, caller_hz, "the callee to hear the caller");
}

static gboolean
all_ended (Fixture *fixture)
{
  for (guint i = 0; i < G_N_ELEMENTS (fixture->calls); i++)
    if (fixture->calls[i] != NULL && cb_sip_call_get_state (fixture->calls[i]) != CB_SIP_CALL_STATE_ENDED)
      return FALSE;
  return TRUE;
}

/* Every user's line state in a fresh snapshot: none busy (nobody is in a
 * call), registered phones idle. */
static void
assert_line_states (Fixture *fixture)
{
  g_autoptr(JsonNode) snapshot = NULL;
  JsonArray *users;

  cb_test_request_expect (fixture->server, "GET", "/api/v1/snapshot", fixture->emil.token, NULL, 200,
                          &snapshot);
  users = json_object_get_array_member (json_node_get_object (snapshot), "users");
  g_assert_cmpuint (json_array_get_length (users), ==, 6);
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);
      const char *name = json_object_get_string_member (user, "username");
      const char *state = json_object_get_string_member (user, "line_state");

      g_test_message ("%s is %s", name, state);
      /* fritz never registered a phone. */
      g_assert_cmpstr (state, ==, g_str_equal (name, "fritz") ? "offline" : "idle");
    }
}

/* The user's newest journal entry is the call the restart ended. */
static void
assert_ended_by_restart (Fixture     *fixture,
                         CbTestPhone *phone,
                         const char  *remote)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *entry = cb_test_phone_last_entry (fixture->server, phone, &answer, NULL);

  g_assert_cmpstr (json_object_get_string_member (entry, "remote_number"), ==, remote);
  g_assert_true (json_object_get_boolean_member (entry, "answered"));
  g_assert_cmpstr (json_object_get_string_member (entry, "outcome"), ==, "answered");
  g_assert_cmpstr (json_object_get_string_member (entry, "end_reason"), ==, "server-restart");
}

static void
test_sigkill (Fixture       *fixture,
              gconstpointer  data)
{
  CbTestPhone *anna = &fixture->anna, *ben = &fixture->ben, *carla = &fixture->carla;
  CbTestPhone *dora = &fixture->dora, *emil = &fixture->emil;
  g_autoptr(JsonNode) before = NULL;
  CbTestStream *stream;
  JsonObject *event;
  gint64 restarted_at;

  connect (anna, ben, ANNA_HZ, BEN_HZ);
  fixture->calls[0] = g_object_ref (anna->call);
  fixture->calls[1] = g_object_ref (ben->call);
  connect (carla, dora, CARLA_HZ, DORA_HZ);
  fixture->calls[2] = g_object_ref (carla->call);
  fixture->calls[3] = g_object_ref (dora->call);
  cb_test_request_expect (fixture->server, "GET", "/api/v1/calls", anna->token, NULL, 200, &before);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (before),
                                                                         "calls")), ==, 1);

  cb_test_server_kill (fixture->server, SIGKILL);
  cb_test_server_restart (fixture->server);
  restarted_at = g_get_monotonic_time ();

  /* Every phone of both calls is told the call is over. */
  CB_TEST_WAIT_FOR (all_ended (fixture), WAIT_MS, "the phones of the killed calls to get a BYE");
  for (guint i = 0; i < G_N_ELEMENTS (fixture->calls); i++)
    g_assert_cmpint (cb_sip_call_get_state (fixture->calls[i]), ==, CB_SIP_CALL_STATE_ENDED);

  /* Nobody is busy: the line states follow the kept registrations. */
  assert_line_states (fixture);
  assert_ended_by_restart (fixture, anna, "202");
  assert_ended_by_restart (fixture, ben, "201");
  assert_ended_by_restart (fixture, carla, "204");
  assert_ended_by_restart (fixture, dora, "203");

  /* A call placed 1 s after the restart (the moment the issue names: the
   * phones registered before it and have not refreshed since) reaches
   * its callee's phone and connects. */
  stream = cb_test_stream_open (fixture->server, anna->token, -1, TRUE);
  g_assert_null (stream->error);
  if (g_get_monotonic_time () < restarted_at + G_USEC_PER_SEC)
    cb_test_run_for ((guint) ((restarted_at + G_USEC_PER_SEC - g_get_monotonic_time ()) / 1000));
  connect (anna, emil, ANNA_HZ, EMIL_HZ);
  event = cb_test_stream_wait_data (stream, "call", anna->user_id, "state", "connected", WAIT_MS);
  g_assert_nonnull (event);
  cb_sip_call_hangup (anna->call);
  cb_test_phone_wait_state (emil, CB_SIP_CALL_STATE_ENDED, "the new call to end");
  cb_test_stream_close (stream);
  cb_test_assert_healthy (fixture->server);
}

/* Our CSeq in the dialog with the device of `number`, as the store keeps
 * the call for a restart (cb-sip-recovery.c), read as the server wrote
 * it last; -1 while no record has that dialog. */
static gint64
kept_cseq (Fixture    *fixture,
           const char *number)
{
  g_autofree char *party = g_strdup_printf ("sip:%s@", number);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 cseq = -1;

  g_assert_cmpint (sqlite3_open_v2 (fixture->server->database, &db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  sqlite3_busy_timeout (db, 1000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT data FROM live_calls", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(JsonNode) record = json_from_string ((const char *) sqlite3_column_text (stmt, 0), NULL);
      JsonArray *legs;

      g_assert_nonnull (record);
      legs = json_object_get_array_member (json_node_get_object (record), "legs");
      for (guint i = 0; i < json_array_get_length (legs); i++)
        {
          JsonObject *leg = json_array_get_object_element (legs, i);

          if (strstr (json_object_get_string_member (leg, "remote"), party) != NULL)
            cseq = json_object_get_int_member (leg, "cseq");
        }
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return cseq;
}

static void
test_sigkill_after_checks (Fixture       *fixture,
                           gconstpointer  data)
{
  CbTestPhone *anna = &fixture->anna, *ben = &fixture->ben;
  gint64 cseq;

  connect (anna, ben, ANNA_HZ, BEN_HZ);
  fixture->calls[0] = g_object_ref (anna->call);
  fixture->calls[1] = g_object_ref (ben->call);

  /* Anna's INVITE began her dialog; the record has 0 for us there until
   * our CSeq passes 8, the eighth check (a clock's number at the first,
   * without the numbering from 1). */
  CB_TEST_WAIT_FOR ((cseq = kept_cseq (fixture, "201")) >= 8, 30000,
                    "the kept record to follow eight dialog checks");
  g_assert_cmpint (cseq, <, 16);

  cb_test_server_kill (fixture->server, SIGKILL);
  cb_test_server_restart (fixture->server);
  /* Both phones take the BYE: above every CSeq of the checks. */
  CB_TEST_WAIT_FOR (all_ended (fixture), WAIT_MS, "the phones of the checked call to get a BYE");
  assert_ended_by_restart (fixture, anna, "202");
  assert_ended_by_restart (fixture, ben, "201");
  cb_test_assert_healthy (fixture->server);
}

/* The id of the group called `name`, from the user's snapshot. */
static gint64
group_id_named (Fixture     *fixture,
                CbTestPhone *phone,
                const char  *name)
{
  g_autoptr(JsonNode) snapshot = NULL;
  JsonArray *groups;

  cb_test_request_expect (fixture->server, "GET", "/api/v1/snapshot", phone->token, NULL, 200, &snapshot);
  groups = json_object_get_array_member (json_node_get_object (snapshot), "groups");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);

      if (g_str_equal (json_object_get_string_member (group, "name"), name))
        return json_object_get_int_member (group, "id");
    }
  g_assert_not_reached ();
}

/* Ben takes Anna's queue call; Carla waits behind it with the music,
 * as nobody else works the queue. */
static void
test_sigkill_queue (Fixture       *fixture,
                    gconstpointer  data)
{
  CbTestPhone *anna = &fixture->anna, *ben = &fixture->ben, *carla = &fixture->carla;
  g_autofree char *login = NULL;
  g_autoptr(JsonNode) logged_in = NULL;
  g_autoptr(JsonNode) available = NULL;
  g_autoptr(JsonNode) waiting = NULL;
  JsonArray *users;

  login = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login", group_id_named (fixture, ben, "Hotline"));
  cb_test_request_expect (fixture->server, "PUT", login, ben->token, "{\"logged_in\":true}", 200, &logged_in);
  cb_test_request_expect (fixture->server, "PUT", "/api/v1/me/agent-status", ben->token,
                          "{\"agent_status\":\"available\"}", 200, &available);

  cb_test_phone_dial (anna, "600");
  cb_test_phone_wait_state (ben, CB_SIP_CALL_STATE_ACTIVE, "the agent to take the queue call");
  cb_test_phone_wait_hears (anna, BEN_HZ, "the caller to hear the agent");
  cb_test_phone_wait_hears (ben, ANNA_HZ, "the agent to hear the caller");
  fixture->calls[0] = g_object_ref (anna->call);
  fixture->calls[1] = g_object_ref (ben->call);

  cb_test_phone_dial (carla, "600");
  cb_test_phone_wait_state (carla, CB_SIP_CALL_STATE_ACTIVE, "the queue to answer the second caller");
  fixture->calls[2] = g_object_ref (carla->call);
  /* Ben is busy: Carla waits in the queue, busy on her line. */
  cb_test_request_expect (fixture->server, "GET", "/api/v1/snapshot", carla->token, NULL, 200, &waiting);
  users = json_object_get_array_member (json_node_get_object (waiting), "users");
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);

      if (g_str_equal (json_object_get_string_member (user, "username"), "carla"))
        g_assert_cmpstr (json_object_get_string_member (user, "line_state"), ==, "busy");
    }
  /* Her phone's ACK has reached the server (it confirms the dialog the
   * server keeps): a barrier on her socket after it. */
  cb_test_phone_barrier (carla);

  cb_test_server_kill (fixture->server, SIGKILL);
  cb_test_server_restart (fixture->server);

  CB_TEST_WAIT_FOR (cb_sip_call_get_state (fixture->calls[0]) == CB_SIP_CALL_STATE_ENDED &&
                    cb_sip_call_get_state (fixture->calls[1]) == CB_SIP_CALL_STATE_ENDED,
                    WAIT_MS, "the caller and agent of the queue call to get a BYE");
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (fixture->calls[2]) == CB_SIP_CALL_STATE_ENDED,
                    WAIT_MS, "the caller waiting in the queue to get a BYE");
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (cb_sip_call_get_state (fixture->calls[i]), ==, CB_SIP_CALL_STATE_ENDED);

  assert_line_states (fixture);
  assert_ended_by_restart (fixture, carla, "600");
  {
    g_autoptr(JsonNode) answer = NULL;
    JsonObject *entry = cb_test_phone_last_entry (fixture->server, carla, &answer, NULL);

    /* Her call to the queue, once, as the queue answered it. */
    g_assert_cmpstr (json_object_get_string_member (entry, "direction"), ==, "out");
    g_assert_cmpstr (json_object_get_string_member (entry, "remote_name"), ==, "Hotline");
    g_assert_cmpstr (json_object_get_string_member (entry, "group_name"), ==, "Hotline");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (answer),
                                                                           "entries")), ==, 1);
  }
  assert_ended_by_restart (fixture, anna, "600");
  assert_ended_by_restart (fixture, ben, "201");
  cb_test_assert_healthy (fixture->server);
}

/* An orderly stop ends the calls itself: nothing is left for the start
 * after it, and the kept registrations still reach the phones. */
static void
test_sigterm (Fixture       *fixture,
              gconstpointer  data)
{
  CbTestPhone *anna = &fixture->anna, *ben = &fixture->ben, *emil = &fixture->emil;

  connect (anna, ben, ANNA_HZ, BEN_HZ);
  fixture->calls[0] = g_object_ref (anna->call);
  fixture->calls[1] = g_object_ref (ben->call);
  cb_test_server_kill (fixture->server, SIGTERM);
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (fixture->calls[0]) == CB_SIP_CALL_STATE_ENDED &&
                    cb_sip_call_get_state (fixture->calls[1]) == CB_SIP_CALL_STATE_ENDED,
                    WAIT_MS, "the stopping server to end the call");
  cb_test_server_restart (fixture->server);

  {
    g_autoptr(JsonNode) answer = NULL;
    JsonObject *entry = cb_test_phone_last_entry (fixture->server, anna, &answer, NULL);

    /* Ended by the stop, once. */
    g_assert_cmpstr (json_object_get_string_member (entry, "remote_number"), ==, "202");
    g_assert_cmpstr (json_object_get_string_member (entry, "end_reason"), !=, "server-restart");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (answer),
                                                                           "entries")), ==, 1);
  }
  connect (emil, anna, EMIL_HZ, ANNA_HZ);
  cb_sip_call_hangup (emil->call);
  cb_test_phone_wait_state (anna, CB_SIP_CALL_STATE_ENDED, "the new call to end");
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sip/restart/sigkill", test_sigkill);
  ADD ("/sip/restart/sigterm", test_sigterm);
#undef ADD
  g_test_add ("/sip/restart/sigkill-queue", Fixture, queue_directory, fixture_setup, test_sigkill_queue,
              fixture_teardown);
  g_test_add ("/sip/restart/sigkill-after-checks", Fixture, NULL, fixture_setup_checking,
              test_sigkill_after_checks, fixture_teardown);

  return g_test_run ();
}
