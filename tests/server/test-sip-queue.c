/* test-sip-queue.c: queue groups through a real callboardd with phone-library agents
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The caller is answered at once and hears the server's hold music (sound
 * energy in its received audio) while no agent rings; only an Available
 * agent is offered the call, and once it answers the two phones hear each
 * other's tones; after the call the agent is in Wrap-up, then Available
 * (agent-status events); round-robin spreads 20 calls evenly over four
 * agents; an offer nobody answers moves on after the agent timeout; a
 * caller who waits longer than max_wait goes to the overflow number, as
 * does one calling a queue nobody is logged into; an overflow to a
 * parallel hunt group rings its member, one to an external number goes
 * over the trunk; queue-stats events count callers
 * waiting, answered, abandoned, and the day's counts and a wrap-up in
 * progress survive a SIGKILL and restart.
 */

#define G_LOG_DOMAIN "cb-test-queue"

#include "config.h"

#include "cb-test-phone.h"

#define WAIT_MS      10000
#define CALLER_TONE  440.0
#define AGENT_TONE   1200.0
#define OTHER_TONE   1500.0
/* The hold music is loud; a phone receiving nothing sees no blocks. */
#define MUSIC_DB     -35.0

static const char * const server_args[] = { "--sip-port", "0", NULL };

typedef struct {
  CbTestServer *server;
  char         *admin;        /* token */
  gint64        group_id;
  CbTestPhone   caller;
  CbTestPhone   agents[4];
  CbTestPhone   overflow;
  const char   *overflow_to;  /* NULL: olga's 299 */
  const char   *more_groups;  /* JSON objects after the queue's, with a leading comma */
  const char   *trunk;        /* --trunk, if any */
} Fixture;

/* Carl calls; ann, bob, cid and dan are agents; olga takes the overflow. */
static char *
directory (Fixture    *fixture,
           const char *order,
           guint       agent_timeout,
           guint       wrap_up,
           guint       max_wait,
           gboolean    announcement)
{
  return g_strdup_printf (
    "{\"users\":["
    " {\"username\":\"root\",\"display_name\":\"Root\",\"password\":\"pw\",\"admin\":true},"
    " {\"username\":\"carl\",\"display_name\":\"Carl Caller\",\"extension\":\"201\",\"password\":\"pw\"},"
    " {\"username\":\"ann\",\"display_name\":\"Ann\",\"extension\":\"301\",\"password\":\"pw\"},"
    " {\"username\":\"bob\",\"display_name\":\"Bob\",\"extension\":\"302\",\"password\":\"pw\"},"
    " {\"username\":\"cid\",\"display_name\":\"Cid\",\"extension\":\"303\",\"password\":\"pw\"},"
    " {\"username\":\"dan\",\"display_name\":\"Dan\",\"extension\":\"304\",\"password\":\"pw\"},"
    " {\"username\":\"olga\",\"display_name\":\"Olga\",\"extension\":\"299\",\"password\":\"pw\"}],"
    " \"groups\":["
    " {\"name\":\"Hotline\",\"kind\":\"hunt\",\"number\":\"600\",\"strategy\":\"queue\","
    "  \"queue_order\":\"%s\",\"agent_timeout\":%u,\"max_wait\":%u,\"wrap_up\":%u,"
    "  \"overflow\":\"%s\",\"announcement\":%s,\"level\":\"team\","
    "  \"members\":[\"ann\",\"bob\",\"cid\",\"dan\"]}%s]}",
    order, agent_timeout, max_wait, wrap_up,
    fixture->overflow_to != NULL ? fixture->overflow_to : "299", announcement ? "true" : "false",
    fixture->more_groups != NULL ? fixture->more_groups : "");
}

/* The id of the group called `name`, from the admin's snapshot. */
static gint64
group_id_named (Fixture    *fixture,
                const char *name)
{
  g_autoptr(JsonNode) snapshot = NULL;
  JsonArray *groups;
  guint status = 0;

  snapshot = cb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->admin, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  groups = json_object_get_array_member (json_node_get_object (snapshot), "groups");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);

      if (g_str_equal (json_object_get_string_member (group, "name"), name))
        return json_object_get_int_member (group, "id");
    }
  g_assert_not_reached ();
}


static void
fixture_start (Fixture    *fixture,
               const char *order,
               guint       agent_timeout,
               guint       wrap_up,
               guint       max_wait)
{
  /* The first test hears the announcement before the music. */
  g_autofree char *json = directory (fixture, order, agent_timeout, wrap_up, max_wait,
                                      g_str_equal (order, "ring-all"));
  if (fixture->trunk != NULL)
    {
      const char * const args[] = { "--sip-port", "0", "--trunk", fixture->trunk, NULL };

      fixture->server = cb_test_server_start (json, args);
    }
  else
    fixture->server = cb_test_server_start (json, server_args);
  fixture->admin = cb_test_sign_in (fixture->server, "root", "pw", NULL);
  fixture->group_id = group_id_named (fixture, "Hotline");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  cb_test_phone_clear (&fixture->caller);
  for (guint i = 0; i < G_N_ELEMENTS (fixture->agents); i++)
    cb_test_phone_clear (&fixture->agents[i]);
  cb_test_phone_clear (&fixture->overflow);
  g_free (fixture->admin);
  cb_test_server_stop (fixture->server);
}

static void
request_ok (Fixture    *fixture,
            const char *method,
            const char *path,
            const char *token,
            const char *body)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = cb_test_request (fixture->server, method, path, token, body, &status);
  g_assert_cmpuint (status, ==, 200);
}

static void
set_agent_status (Fixture     *fixture,
                  CbTestPhone *agent,
                  const char  *status)
{
  g_autofree char *body = g_strdup_printf ("{\"agent_status\":\"%s\"}", status);

  request_ok (fixture, "PUT", "/api/v1/me/agent-status", agent->token, body);
}

/* Registers the agent's phone and logs it into the queue. */
static void
agent_start (Fixture     *fixture,
             CbTestPhone *agent,
             const char  *username,
             double       tone,
             const char  *status)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login", fixture->group_id);

  cb_test_phone_start_user (fixture->server, agent, username, tone, CALLER_TONE);
  request_ok (fixture, "PUT", path, agent->token, "{\"logged_in\":true}");
  set_agent_status (fixture, agent, status);
}

static gboolean
hears_music (CbTestPhone *phone)
{
  return cb_tone_detector_get_blocks (phone->detector) > 0 &&
         cb_tone_detector_get_level_db (phone->detector) > MUSIC_DB;
}

/* The next queue-stats event about our group. */
static JsonObject *
wait_stats (CbTestStream *stream,
            Fixture      *fixture)
{
  for (;;)
    {
      JsonObject *frame = cb_test_stream_wait (stream, "queue-stats", 0, WAIT_MS);
      JsonObject *data;

      g_assert_nonnull (frame);
      data = json_object_get_object_member (frame, "data");
      if (json_object_get_int_member (data, "group_id") == fixture->group_id)
        return data;
    }
}


/* The admin's stream sees every group; the agent's its own status. */
static void
open_streams (Fixture       *fixture,
              CbTestPhone   *agent,
              CbTestStream **admin_stream,
              CbTestStream **agent_stream)
{
  *admin_stream = cb_test_stream_open (fixture->server, fixture->admin, -1, TRUE);
  g_assert_no_error ((*admin_stream)->error);
  *agent_stream = cb_test_stream_open (fixture->server, agent->token, -1, TRUE);
  g_assert_no_error ((*agent_stream)->error);
}

/* The next agent-status event about the user; its status. */
static const char *
wait_agent_status (CbTestStream *stream,
                   gint64        user_id)
{
  JsonObject *frame = cb_test_stream_wait (stream, "agent-status", user_id, WAIT_MS);

  g_assert_nonnull (frame);
  return json_object_get_string_member (json_object_get_object_member (frame, "data"), "agent_status");
}

/* The user's next call event in `state`: it is on their softphone. */
static JsonObject *
assert_call_device (CbTestStream *stream,
                    gint64        user_id,
                    const char   *state)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      JsonObject *frame = cb_test_stream_wait (stream, "call", user_id, WAIT_MS);
      JsonObject *data;

      g_assert_nonnull (frame);
      data = json_object_get_object_member (frame, "data");
      if (g_strcmp0 (json_object_get_string_member (data, "state"), state) != 0)
        continue;
      g_assert_cmpstr (json_object_get_string_member (data, "device"), ==, "softphone");
      g_assert_nonnull (json_object_get_string_member (data, "device_call_id"));
      return data;
    }
  g_error ("No %s call event about user %" G_GINT64_FORMAT, state, user_id);
  return NULL;
}

static void
test_hold_then_agent (Fixture       *fixture,
                      gconstpointer  data)
{
  CbTestPhone *ann = &fixture->agents[0];
  CbTestPhone *bob = &fixture->agents[1];
  CbTestStream *stream, *ann_stream, *carl_stream, *offer_stream;
  JsonObject *stats, *frame;
  gint64 wrap_started;

  fixture_start (fixture, "ring-all", 15, 1, 300);
  agent_start (fixture, ann, "ann", AGENT_TONE, "logged-in");
  agent_start (fixture, bob, "bob", OTHER_TONE, "not-available");
  open_streams (fixture, ann, &stream, &ann_stream);
  cb_test_phone_start_user (fixture->server, &fixture->caller, "carl", CALLER_TONE, AGENT_TONE);
  carl_stream = cb_test_stream_open (fixture->server, fixture->caller.token, -1, TRUE);
  offer_stream = cb_test_stream_open (fixture->server, ann->token, -1, TRUE);

  /* Answered by the queue, the caller hears music, and no agent rings:
   * nobody is Available. */
  cb_test_phone_dial (&fixture->caller, "600");
  cb_test_phone_wait_state (&fixture->caller, CB_SIP_CALL_STATE_ACTIVE, "the queue to answer");
  stats = wait_stats (stream, fixture);
  g_assert_cmpint (json_object_get_int_member (stats, "waiting"), ==, 1);
  g_assert_false (json_object_get_null_member (stats, "oldest_waiting_since"));
  CB_TEST_WAIT_FOR (hears_music (&fixture->caller), WAIT_MS, "the hold music");
  g_assert_false (cb_test_phone_hears (&fixture->caller, AGENT_TONE));
  /* The queue would have rung them when the caller arrived: a REGISTER
   * round trip after that shows any INVITE it sent. */
  cb_test_phone_barrier (ann);
  cb_test_phone_barrier (bob);
  g_assert_cmpuint (ann->incoming, ==, 0);
  g_assert_cmpuint (bob->incoming, ==, 0);

  /* The caller's call, like every call, names the device it is on. */
  assert_call_device (carl_stream, fixture->caller.user_id, "connected");

  /* Ann becomes Available: her phone rings (auto-answer), Bob's never. */
  set_agent_status (fixture, ann, "available");
  cb_test_phone_wait_state (ann, CB_SIP_CALL_STATE_ACTIVE, "the agent to answer");
  g_assert_cmpuint (ann->incoming, ==, 1);
  frame = assert_call_device (offer_stream, ann->user_id, "ringing");
  g_assert_cmpint (json_object_get_int_member (frame, "from_user_id"), ==, fixture->caller.user_id);
  g_assert_true (json_object_get_null_member (frame, "to_user_id"));
  stats = wait_stats (stream, fixture);
  g_assert_cmpint (json_object_get_int_member (stats, "waiting"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (stats, "answered"), ==, 1);
  g_assert_true (json_object_get_null_member (stats, "oldest_waiting_since"));

  /* The caller's phone was re-INVITEd to Ann: tones both ways. */
  cb_test_phone_listen_to (&fixture->caller, fixture->caller.call);
  cb_test_phone_wait_hears (&fixture->caller, AGENT_TONE, "the caller to hear the agent");
  cb_test_phone_wait_hears (ann, CALLER_TONE, "the agent to hear the caller");
  cb_test_phone_barrier (bob);
  g_assert_cmpuint (bob->incoming, ==, 0);

  /* Hang-up: Wrap-up for the group's 1 s, then Available. */
  g_assert_cmpstr (wait_agent_status (ann_stream, ann->user_id), ==, "available");
  cb_sip_call_hangup (fixture->caller.call);
  g_assert_cmpstr (wait_agent_status (ann_stream, ann->user_id), ==, "wrap-up");
  wrap_started = g_get_monotonic_time ();
  g_assert_cmpstr (wait_agent_status (ann_stream, ann->user_id), ==, "available");
  g_assert_cmpint (g_get_monotonic_time () - wrap_started, >=, 800 * 1000);
  cb_test_phone_barrier (bob);
  g_assert_cmpuint (bob->incoming, ==, 0);

  /* The group object carries the figures; Ann's journal the group. */
  {
    g_autoptr(JsonNode) snapshot = NULL;
    g_autoptr(JsonNode) journal = NULL;
    JsonObject *group, *entry;
    guint status = 0;

    snapshot = cb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->admin, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    group = json_array_get_object_element (json_object_get_array_member (json_node_get_object (snapshot),
                                                                         "groups"), 0);
    stats = json_object_get_object_member (group, "queue_stats");
    g_assert_nonnull (stats);
    g_assert_cmpint (json_object_get_int_member (stats, "waiting"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (stats, "answered"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (stats, "abandoned"), ==, 0);

    journal = cb_test_request (fixture->server, "GET", "/api/v1/journal", ann->token, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    entry = json_array_get_object_element (json_object_get_array_member (json_node_get_object (journal),
                                                                         "entries"), 0);
    g_assert_true (json_object_get_boolean_member (entry, "answered"));
    g_assert_cmpstr (json_object_get_string_member (entry, "group_name"), ==, "Hotline");
    g_assert_cmpstr (json_object_get_string_member (entry, "remote_number"), ==, "201");
  }

  cb_test_stream_close (offer_stream);
  cb_test_stream_close (carl_stream);
  cb_test_stream_close (ann_stream);
  cb_test_stream_close (stream);
}

/* Round-robin: 20 calls, one after the other, over four agents: five each. */
static void
test_round_robin (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char * const names[] = { "ann", "bob", "cid", "dan" };
  guint total = 0;

  fixture_start (fixture, "round-robin", 15, 0, 300);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    agent_start (fixture, &fixture->agents[i], names[i], AGENT_TONE + 100 * i, "available");
  cb_test_phone_start_user (fixture->server, &fixture->caller, "carl", CALLER_TONE, AGENT_TONE);

  for (guint n = 0; n < 20; n++)
    {
      CbTestPhone *agent = NULL;

      cb_test_phone_dial (&fixture->caller, "600");
      CB_TEST_WAIT_FOR ((total = fixture->agents[0].incoming + fixture->agents[1].incoming +
                                 fixture->agents[2].incoming + fixture->agents[3].incoming) == n + 1,
                        WAIT_MS, "an agent to ring");
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        if (cb_test_phone_state_is (&fixture->agents[i], CB_SIP_CALL_STATE_INCOMING) ||
            cb_test_phone_state_is (&fixture->agents[i], CB_SIP_CALL_STATE_ACTIVE))
          agent = &fixture->agents[i];
      g_assert_nonnull (agent);
      cb_test_phone_wait_state (agent, CB_SIP_CALL_STATE_ACTIVE, "the agent to answer");
      /* The agent may answer before the caller's phone has seen the
       * queue's 200: hanging up earlier would be a CANCEL. */
      cb_test_phone_wait_state (&fixture->caller, CB_SIP_CALL_STATE_ACTIVE, "the queue to answer");
      cb_sip_call_hangup (fixture->caller.call);
      cb_test_phone_wait_state (agent, CB_SIP_CALL_STATE_ENDED, "the agent's call to end");
      cb_test_phone_wait_state (&fixture->caller, CB_SIP_CALL_STATE_ENDED, "the caller's call to end");
    }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpuint (fixture->agents[i].incoming, ==, 5);
  /* The caller hangs up as the agent answers: a BYE that overtakes the
   * server's re-INVITE must not make that re-INVITE a new call to it.
   * The server answers a REGISTER after anything it sent before. */
  cb_test_phone_barrier (&fixture->caller);
  g_assert_cmpuint (fixture->caller.incoming, ==, 0);
}

/* A caller who hangs up is abandoned; one who waits past max_wait goes
 * to the overflow number, which answers. */
static void
test_abandon_and_overflow (Fixture       *fixture,
                           gconstpointer  data)
{
  CbTestStream *stream;
  JsonObject *stats;
  gint64 entered;

  fixture_start (fixture, "top-down", 15, 1, 2);
  agent_start (fixture, &fixture->agents[0], "ann", AGENT_TONE, "not-available");
  cb_test_phone_start_user (fixture->server, &fixture->overflow, "olga", OTHER_TONE, CALLER_TONE);
  stream = cb_test_stream_open (fixture->server, fixture->admin, -1, TRUE);
  g_assert_no_error (stream->error);
  cb_test_phone_start_user (fixture->server, &fixture->caller, "carl", CALLER_TONE, OTHER_TONE);

  cb_test_phone_dial (&fixture->caller, "600");
  cb_test_phone_wait_state (&fixture->caller, CB_SIP_CALL_STATE_ACTIVE, "the queue to answer");
  stats = wait_stats (stream, fixture);
  g_assert_cmpint (json_object_get_int_member (stats, "waiting"), ==, 1);
  cb_sip_call_hangup (fixture->caller.call);
  stats = wait_stats (stream, fixture);
  g_assert_cmpint (json_object_get_int_member (stats, "waiting"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (stats, "abandoned"), ==, 1);
  cb_test_phone_wait_state (&fixture->caller, CB_SIP_CALL_STATE_ENDED, "the call to end");

  cb_test_phone_dial (&fixture->caller, "600");
  cb_test_phone_wait_state (&fixture->caller, CB_SIP_CALL_STATE_ACTIVE, "the queue to answer");
  entered = g_get_monotonic_time ();
  stats = wait_stats (stream, fixture);
  g_assert_cmpint (json_object_get_int_member (stats, "waiting"), ==, 1);
  CB_TEST_WAIT_FOR (fixture->overflow.incoming == 1, WAIT_MS, "the overflow number to ring");
  g_assert_cmpint (g_get_monotonic_time () - entered, >=, 1500 * 1000);
  stats = wait_stats (stream, fixture);
  g_assert_cmpint (json_object_get_int_member (stats, "waiting"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (stats, "answered"), ==, 0);

  cb_test_phone_wait_state (&fixture->overflow, CB_SIP_CALL_STATE_ACTIVE, "the overflow to answer");
  cb_test_phone_listen_to (&fixture->caller, fixture->caller.call);
  cb_test_phone_wait_hears (&fixture->caller, OTHER_TONE, "the caller to hear the overflow");
  cb_test_phone_wait_hears (&fixture->overflow, CALLER_TONE, "the overflow to hear the caller");
  cb_test_phone_barrier (&fixture->agents[0]);
  g_assert_cmpuint (fixture->agents[0].incoming, ==, 0);

  cb_test_stream_close (stream);
}

/* The queue's overflow is a parallel hunt group: after max_wait the
 * waiting caller rings its logged-in member, who answers. */
static void
test_overflow_to_group (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *path = NULL;
  gint64 backup_id;

  fixture->overflow_to = "700";
  fixture->more_groups =
    ",{\"name\":\"Backup\",\"kind\":\"hunt\",\"number\":\"700\",\"strategy\":\"parallel\","
    "  \"level\":\"team\",\"members\":[\"olga\"]}";
  fixture_start (fixture, "top-down", 15, 1, 2);
  backup_id = group_id_named (fixture, "Backup");

  agent_start (fixture, &fixture->agents[0], "ann", AGENT_TONE, "not-available");
  cb_test_phone_start_user (fixture->server, &fixture->overflow, "olga", OTHER_TONE, CALLER_TONE);
  path = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login", backup_id);
  request_ok (fixture, "PUT", path, fixture->overflow.token, "{\"logged_in\":true}");
  cb_test_phone_start_user (fixture->server, &fixture->caller, "carl", CALLER_TONE, OTHER_TONE);

  cb_test_phone_dial (&fixture->caller, "600");
  cb_test_phone_wait_state (&fixture->caller, CB_SIP_CALL_STATE_ACTIVE, "the queue to answer");
  CB_TEST_WAIT_FOR (fixture->overflow.incoming == 1, WAIT_MS, "the overflow group's member to ring");
  cb_test_phone_wait_state (&fixture->overflow, CB_SIP_CALL_STATE_ACTIVE, "the member to answer");
  cb_test_phone_listen_to (&fixture->caller, fixture->caller.call);
  cb_test_phone_wait_hears (&fixture->caller, OTHER_TONE, "the caller to hear the member");
  cb_test_phone_wait_hears (&fixture->overflow, CALLER_TONE, "the member to hear the caller");
  cb_test_phone_barrier (&fixture->agents[0]);
  g_assert_cmpuint (fixture->agents[0].incoming, ==, 0);
}

/* The queue's overflow is an external number: after max_wait the
 * caller's call goes out over the trunk (the upstream answers). */
static void
test_overflow_to_trunk (Fixture       *fixture,
                        gconstpointer  data)
{
  CbTestPhone *upstream = &fixture->overflow;
  g_autofree char *trunk = NULL;

  cb_test_phone_init (upstream, "4930123", OTHER_TONE, CALLER_TONE);
  trunk = g_strdup_printf ("sip:127.0.0.1:%u", cb_sip_agent_get_port (upstream->agent));
  fixture->trunk = trunk;
  fixture->overflow_to = "030555999";
  fixture_start (fixture, "top-down", 15, 1, 2);
  agent_start (fixture, &fixture->agents[0], "ann", AGENT_TONE, "not-available");
  cb_test_phone_start_user (fixture->server, &fixture->caller, "carl", CALLER_TONE, OTHER_TONE);

  cb_test_phone_dial (&fixture->caller, "600");
  cb_test_phone_wait_state (&fixture->caller, CB_SIP_CALL_STATE_ACTIVE, "the queue to answer");
  cb_test_phone_wait_state (upstream, CB_SIP_CALL_STATE_ACTIVE, "the upstream to answer");
  g_assert_true (g_str_has_prefix (cb_sip_call_get_request_uri (upstream->call), "sip:030555999@"));
  cb_test_phone_listen_to (&fixture->caller, fixture->caller.call);
  cb_test_phone_wait_hears (&fixture->caller, OTHER_TONE, "the caller to hear the upstream");
  cb_test_phone_wait_hears (upstream, CALLER_TONE, "the upstream to hear the caller");
  cb_test_phone_barrier (&fixture->agents[0]);
  g_assert_cmpuint (fixture->agents[0].incoming, ==, 0);
  fixture->trunk = NULL;
}

/* The agent's snapshot: the Hotline group's queue_stats and her own
 * agent status. */
static JsonNode *
snapshot_of (Fixture     *fixture,
             CbTestPhone *agent,
             JsonObject **stats,
             const char **agent_status)
{
  JsonNode *snapshot;
  JsonArray *array;
  guint status = 0;

  snapshot = cb_test_request (fixture->server, "GET", "/api/v1/snapshot", agent->token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  *stats = NULL;
  *agent_status = NULL;
  array = json_object_get_array_member (json_node_get_object (snapshot), "groups");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *group = json_array_get_object_element (array, i);

      if (json_object_get_int_member (group, "id") == fixture->group_id)
        *stats = json_object_get_object_member (group, "queue_stats");
    }
  array = json_object_get_array_member (json_node_get_object (snapshot), "users");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *user = json_array_get_object_element (array, i);

      if (json_object_get_int_member (user, "id") == agent->user_id)
        *agent_status = json_object_get_string_member (user, "agent_status");
    }
  g_assert_nonnull (*stats);
  g_assert_nonnull (*agent_status);
  return snapshot;
}

/* The day's answered and abandoned counts survive a crash, and so does
 * the wrap-up a queue started: Ann becomes Available when it would have
 * ended. */
static void
test_restart (Fixture       *fixture,
              gconstpointer  data)
{
  CbTestPhone *ann = &fixture->agents[0];
  CbTestStream *stream, *ann_stream;
  JsonObject *stats;
  const char *agent_status;
  gint64 wrap_started;

  fixture_start (fixture, "ring-all", 15, 5, 300);
  agent_start (fixture, ann, "ann", AGENT_TONE, "not-available");
  open_streams (fixture, ann, &stream, &ann_stream);
  cb_test_phone_start_user (fixture->server, &fixture->caller, "carl", CALLER_TONE, AGENT_TONE);

  /* One caller hangs up while waiting, the next one Ann answers. */
  cb_test_phone_dial (&fixture->caller, "600");
  cb_test_phone_wait_state (&fixture->caller, CB_SIP_CALL_STATE_ACTIVE, "the queue to answer");
  stats = wait_stats (stream, fixture);
  g_assert_cmpint (json_object_get_int_member (stats, "waiting"), ==, 1);
  cb_sip_call_hangup (fixture->caller.call);
  stats = wait_stats (stream, fixture);
  g_assert_cmpint (json_object_get_int_member (stats, "abandoned"), ==, 1);
  cb_test_phone_wait_state (&fixture->caller, CB_SIP_CALL_STATE_ENDED, "the call to end");
  set_agent_status (fixture, ann, "available");
  g_assert_cmpstr (wait_agent_status (ann_stream, ann->user_id), ==, "available");
  cb_test_phone_dial (&fixture->caller, "600");
  cb_test_phone_wait_state (ann, CB_SIP_CALL_STATE_ACTIVE, "the agent to answer");
  cb_sip_call_hangup (fixture->caller.call);
  g_assert_cmpstr (wait_agent_status (ann_stream, ann->user_id), ==, "wrap-up");
  wrap_started = g_get_monotonic_time ();
  cb_test_stream_close (ann_stream);
  cb_test_stream_close (stream);

  /* A crash in the middle of the wrap-up. The stream opens before the
   * snapshot is read, so the end of the wrap-up cannot fall between. */
  cb_test_server_kill (fixture->server, SIGKILL);
  cb_test_server_restart (fixture->server);
  ann_stream = cb_test_stream_open (fixture->server, ann->token, -1, TRUE);
  g_assert_no_error (ann_stream->error);
  {
    g_autoptr(JsonNode) snapshot = snapshot_of (fixture, ann, &stats, &agent_status);

    g_assert_cmpint (json_object_get_int_member (stats, "answered"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (stats, "abandoned"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (stats, "waiting"), ==, 0);
    g_assert_cmpstr (agent_status, ==, "wrap-up");
  }
  {
    g_autoptr(JsonNode) answer = NULL;
    JsonObject *entry = cb_test_phone_last_entry (fixture->server, &fixture->caller, &answer, NULL);

    /* Both calls had ended: the store kept neither for the restart to end
     * again (the abandoned one was the queue's, the other the B2BUA's). */
    g_assert_cmpstr (json_object_get_string_member (entry, "end_reason"), !=, "server-restart");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (answer),
                                                                           "entries")), ==, 2);
  }
  g_assert_cmpstr (wait_agent_status (ann_stream, ann->user_id), ==, "available");
  cb_test_stream_close (ann_stream);
  /* Its remaining seconds, not a fresh wrap-up nor none at all. */
  g_assert_cmpint (g_get_monotonic_time () - wrap_started, >=, 3000 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - wrap_started, <, 8000 * 1000);
}

/* Top-down: Ann rings first but does not answer; after the agent
 * timeout her phone stops and Bob's rings. */
static void
test_agent_timeout (Fixture       *fixture,
                    gconstpointer  data)
{
  CbTestPhone *ann = &fixture->agents[0];
  CbTestPhone *bob = &fixture->agents[1];
  CbTestStream *ann_stream;
  JsonObject *frame, *entry;
  gint64 rang;

  fixture_start (fixture, "top-down", 1, 1, 300);
  ann->manual_answer = TRUE;
  agent_start (fixture, ann, "ann", OTHER_TONE, "available");
  agent_start (fixture, bob, "bob", AGENT_TONE, "available");
  ann_stream = cb_test_stream_open (fixture->server, ann->token, -1, TRUE);
  g_assert_no_error (ann_stream->error);
  cb_test_phone_start_user (fixture->server, &fixture->caller, "carl", CALLER_TONE, AGENT_TONE);

  cb_test_phone_dial (&fixture->caller, "600");
  CB_TEST_WAIT_FOR (ann->incoming == 1, WAIT_MS, "the first agent to ring");
  rang = g_get_monotonic_time ();
  cb_test_phone_barrier (bob);
  g_assert_cmpuint (bob->incoming, ==, 0);
  cb_test_phone_wait_state (ann, CB_SIP_CALL_STATE_ENDED, "the first agent's ringing to stop");
  g_assert_cmpint (g_get_monotonic_time () - rang, >=, 800 * 1000);
  cb_test_phone_wait_state (bob, CB_SIP_CALL_STATE_ACTIVE, "the next agent to answer");
  g_assert_cmpuint (bob->incoming, ==, 1);
  cb_test_phone_listen_to (&fixture->caller, fixture->caller.call);
  cb_test_phone_wait_hears (&fixture->caller, AGENT_TONE, "the caller to hear the agent");

  /* Ann's journal: the group call she did not take, taken by Bob. */
  frame = cb_test_stream_wait (ann_stream, "journal", ann->user_id, WAIT_MS);
  g_assert_nonnull (frame);
  entry = json_object_get_object_member (frame, "data");
  g_assert_false (json_object_get_boolean_member (entry, "answered"));
  g_assert_cmpstr (json_object_get_string_member (entry, "group_name"), ==, "Hotline");
  g_assert_cmpint (json_object_get_int_member (entry, "taken_by_user_id"), ==, bob->user_id);
  cb_test_stream_close (ann_stream);
}

/* Nobody logged in: the queue does not answer; the overflow rings as
 * for any hunt group. */
static void
test_nobody_logged_in (Fixture       *fixture,
                       gconstpointer  data)
{
  fixture_start (fixture, "ring-all", 15, 1, 300);
  cb_test_phone_start_user (fixture->server, &fixture->agents[0], "ann", AGENT_TONE, CALLER_TONE);
  cb_test_phone_start_user (fixture->server, &fixture->overflow, "olga", OTHER_TONE, CALLER_TONE);
  cb_test_phone_start_user (fixture->server, &fixture->caller, "carl", CALLER_TONE, OTHER_TONE);

  cb_test_phone_dial (&fixture->caller, "600");
  CB_TEST_WAIT_FOR (fixture->overflow.incoming == 1, WAIT_MS, "the overflow number to ring");
  cb_test_phone_wait_state (&fixture->caller, CB_SIP_CALL_STATE_ACTIVE, "the overflow to answer");
  cb_test_phone_wait_hears (&fixture->caller, OTHER_TONE, "the caller to hear the overflow");
  cb_test_phone_barrier (&fixture->agents[0]);
  g_assert_cmpuint (fixture->agents[0].incoming, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, NULL, func, fixture_teardown)
  ADD ("/sip-queue/hold-then-agent", test_hold_then_agent);
  ADD ("/sip-queue/round-robin", test_round_robin);
  ADD ("/sip-queue/abandon-and-overflow", test_abandon_and_overflow);
  ADD ("/sip-queue/overflow-to-group", test_overflow_to_group);
  ADD ("/sip-queue/overflow-to-trunk", test_overflow_to_trunk);
  ADD ("/sip-queue/agent-timeout", test_agent_timeout);
  ADD ("/sip-queue/nobody-logged-in", test_nobody_logged_in);
  ADD ("/sip-queue/restart", test_restart);
#undef ADD

  return g_test_run ();
}
