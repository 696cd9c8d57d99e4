/* test-sip-assistants.c: call as, call for and boss–secretary through a real callboardd
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dr. Krause (100) is assisted by Anna and Ben (the "Krause office"
 * assistant group); Carla is a colleague. Phone-library agents are the
 * phones, sipp or an agent the trunk's upstream.
 *
 * Call as: Anna, logged in, calls a number beyond the trunk as Krause;
 * sipp logs the From and P-Asserted-Identity it got: Krause's number and
 * name. Calling Carla as Krause, Carla's phone and call event show
 * Krause; Anna's event says "for" Krause; Krause's journal has the call,
 * taken_by Anna. The same through the X-Callboard-As header of a sipp
 * phone on Anna's line; not logged in, or for someone else, it is
 * refused (403, over REST and SIP).
 *
 * Boss–secretary: Krause diverts every call beyond the trunk: Carla's
 * call goes there, Anna's call and Anna's blind forward of Carla ring
 * Krause; the same with do-not-disturb (Carla gets 486).
 *
 * Call for: with "assistants first, then the leader after 3 s" Anna and
 * Ben ring first ("for" Krause), Krause 3 s later; Anna answers,
 * consults Krause (breaking through the filter) and transfers: Carla and
 * Krause hear each other; Krause's journal says Anna took the call,
 * Anna's that she took it for Krause. The other strategies ring whom
 * they say. Feature codes log in and out and switch the filter.
 */

#define G_LOG_DOMAIN "cb-sip-assistants"

#include "config.h"

#include <string.h>

#include <gst/gst.h>
#include <sofia-sip/msg_parser.h>
#include <sofia-sip/sip_header.h>

#include "cb-test-phone.h"
#include "cb-test-sipp.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS
#define SIPP_MS 40000
#define KRAUSE_HZ   440.0
#define ANNA_HZ     550.0
#define BEN_HZ      660.0
#define CARLA_HZ    770.0
#define UPSTREAM_HZ 880.0

#define KRAUSE_NAME "Dr. Thomas Krause"

static const char *directory =
  "{\"users\":["
  " {\"username\":\"krause\",\"display_name\":\"" KRAUSE_NAME "\",\"extension\":\"100\",\"password\":\"pw\"},"
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla\",\"extension\":\"203\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Krause office\",\"kind\":\"assistant\",\"leader\":\"krause\",\"level\":\"team\","
  "  \"leader_level\":\"team\",\"members\":[\"anna\",\"ben\"]},"
  " {\"name\":\"Everyone\",\"level\":\"team\",\"members\":[\"krause\",\"anna\",\"ben\",\"carla\"]}]}";

typedef struct {
  CbTestServer *server;
  char         *tmpdir;
  guint         trunk_port;
  CbTestSipp   *sipp;         /* the trunk's upstream, when sipp */
  CbTestPhone   upstream;
  CbTestPhone   krause, anna, ben, carla;
  gint64        office;       /* the assistant group's id */
} Fixture;

/* The server with a trunk to trunk_port, and the four phones. */
static void
start (Fixture *fixture)
{
  g_autofree char *trunk = g_strdup_printf ("sip:127.0.0.1:%u", fixture->trunk_port);
  const char * const args[] = { "--sip-port", "0", "--trunk", trunk, NULL };
  g_autoptr(JsonNode) snapshot = NULL;
  JsonArray *groups;

  fixture->server = cb_test_server_start (directory, args);
  cb_test_phone_start_user (fixture->server, &fixture->krause, "krause", KRAUSE_HZ, CARLA_HZ);
  cb_test_phone_listen_for (&fixture->krause, ANNA_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->anna, "anna", ANNA_HZ, CARLA_HZ);
  cb_test_phone_listen_for (&fixture->anna, KRAUSE_HZ);
  cb_test_phone_listen_for (&fixture->anna, UPSTREAM_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->ben, "ben", BEN_HZ, CARLA_HZ);
  cb_test_phone_start_user (fixture->server, &fixture->carla, "carla", CARLA_HZ, KRAUSE_HZ);
  cb_test_phone_listen_for (&fixture->carla, ANNA_HZ);
  cb_test_phone_listen_for (&fixture->carla, UPSTREAM_HZ);
  fixture->krause.manual_answer = fixture->anna.manual_answer = TRUE;
  fixture->ben.manual_answer = fixture->carla.manual_answer = TRUE;
  /* "Call from desk phone", a consultation: the server's INVITE with
   * answer-after=0 is answered by the phone itself, as the client's. */
  g_object_set (fixture->anna.agent, "answer-after", TRUE, NULL);
  g_object_set (fixture->ben.agent, "answer-after", TRUE, NULL);

  groups = json_object_get_array_member (
    cb_test_request_expect (fixture->server, "GET", "/api/v1/snapshot", fixture->krause.token, NULL,
                            200, &snapshot), "groups");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);

      if (g_strcmp0 (json_object_get_string_member (group, "name"), "Krause office") == 0)
        fixture->office = json_object_get_int_member (group, "id");
    }
  g_assert_cmpint (fixture->office, >, 0);
}

/* The upstream is a phone-library agent. */
static void
fixture_setup_agent (Fixture       *fixture,
                     gconstpointer  data)
{
  cb_test_phone_init (&fixture->upstream, "4930123", UPSTREAM_HZ, CARLA_HZ);
  cb_test_phone_listen_for (&fixture->upstream, ANNA_HZ);
  fixture->trunk_port = cb_sip_agent_get_port (fixture->upstream.agent);
  start (fixture);
}

/* sipp runs the scenario `data` (NULL: none) as the upstream; it binds
 * the trunk's port before anything else the test starts can take it. */
static void
fixture_setup_sipp (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->tmpdir = g_dir_make_tmp ("cb-assistants-XXXXXX", &error);
  g_assert_no_error (error);
  if (!cb_test_have_sipp ())
    return;
  fixture->trunk_port = cb_test_free_udp_port ();
  if (data != NULL)
    {
      g_autofree char *scenario = g_test_build_filename (G_TEST_DIST, "server", data, NULL);
      g_autofree char *port = g_strdup_printf ("%u", fixture->trunk_port);
      g_autofree char *media_port = g_strdup_printf ("%u", cb_test_free_udp_port ());

      fixture->sipp = cb_test_sipp_start (fixture->tmpdir, "upstream", scenario, "-p", port,
                                          "-mp", media_port, NULL);
      cb_test_sipp_wait_port (fixture->sipp, fixture->trunk_port, WAIT_MS);
    }
  start (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  cb_test_phone_clear_all (&fixture->krause, &fixture->anna, &fixture->ben, &fixture->carla,
                           &fixture->upstream, NULL);
  g_clear_pointer (&fixture->sipp, cb_test_sipp_free);
  if (fixture->server != NULL)
    cb_test_server_stop (fixture->server);
  if (fixture->tmpdir != NULL)
    {
      cb_test_remove_dir (fixture->tmpdir);
      g_free (fixture->tmpdir);
    }
}

/* ---- helpers ---- */

static JsonObject *
request (Fixture     *fixture,
         const char  *method,
         const char  *path,
         CbTestPhone *phone,
         const char  *body,
         guint        expected,
         JsonNode   **answer)
{
  return cb_test_request_expect (fixture->server, method, path, phone->token, body, expected, answer);
}

static void
login (Fixture     *fixture,
       CbTestPhone *phone,
       gboolean     logged_in)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login", fixture->office);
  g_autoptr(JsonNode) answer = NULL;

  request (fixture, "PUT", path, phone, logged_in ? "{\"logged_in\":true}" : "{\"logged_in\":false}",
           200, &answer);
}

static void
set_filter (Fixture    *fixture,
            const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/filter", fixture->office);
  g_autoptr(JsonNode) answer = NULL;

  request (fixture, "PUT", path, &fixture->krause, body, 200, &answer);
}

static void
put (Fixture     *fixture,
     CbTestPhone *phone,
     const char  *path,
     const char  *body)
{
  g_autoptr(JsonNode) answer = NULL;

  request (fixture, "PUT", path, phone, body, 200, &answer);
}

static gboolean
ended (CbSipCall *call)
{
  return call != NULL && cb_sip_call_get_state (call) == CB_SIP_CALL_STATE_ENDED;
}

static void
wait_rings (CbTestPhone *phone,
            const char  *what)
{
  CB_TEST_WAIT_FOR (cb_test_phone_rang (phone), WAIT_MS, what);
}

/* The `for` member of a call or journal object: the leader's id, 0 when null. */
static gint64
for_of (JsonObject *object)
{
  JsonObject *leader;

  g_assert_true (json_object_has_member (object, "for"));
  if (json_object_get_null_member (object, "for"))
    return 0;
  leader = json_object_get_object_member (object, "for");
  g_assert_cmpstr (json_object_get_string_member (leader, "name"), ==, KRAUSE_NAME);
  return json_object_get_int_member (leader, "user_id");
}

/* The phone's server call whose device dialog is `call`. */
static char *
server_call_of (Fixture     *fixture,
                CbTestPhone *phone,
                CbSipCall   *call)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *calls;

  calls = json_object_get_array_member (request (fixture, "GET", "/api/v1/calls", phone, NULL, 200,
                                                 &answer), "calls");
  for (guint i = 0; i < json_array_get_length (calls); i++)
    {
      JsonObject *object = json_array_get_object_element (calls, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (object, "device_call_id", ""),
                     cb_sip_call_get_call_id (call)) == 0)
        return g_strdup (json_object_get_string_member (object, "call_id"));
    }
  g_error ("No server call for the phone's call %s", cb_sip_call_get_call_id (call));
}

/* The journal entry of call_id in the phone's user's journal (a copy). */
static JsonObject *
journal_entry (Fixture     *fixture,
               CbTestPhone *phone,
               const char  *call_id)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *entries;

  entries = json_object_get_array_member (request (fixture, "GET", "/api/v1/journal?limit=20", phone, NULL,
                                                   200, &answer), "entries");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "call_id"), call_id) == 0)
        return json_object_ref (entry);
    }
  return NULL;
}

static JsonObject *
wait_journal_entry (Fixture     *fixture,
                    CbTestPhone *phone,
                    const char  *call_id)
{
  JsonObject *entry = NULL;

  CB_TEST_WAIT_FOR ((entry = journal_entry (fixture, phone, call_id)) != NULL ||
                    (cb_test_run_for (50), FALSE), WAIT_MS, "a journal entry");
  return entry;
}

/* The next "call" event of user_id in `state` (the data). */
static JsonObject *
wait_call_event (CbTestStream *stream,
                 gint64        user_id,
                 const char   *state)
{
  JsonObject *event = cb_test_stream_wait_data (stream, "call", user_id, "state", state, WAIT_MS);

  g_assert_nonnull (event);
  return json_object_get_object_member (event, "data");
}

/* A name-addr sipp logged under key ("key VALUE"): its display name and
 * user part must be these. */
static void
assert_logged_identity (CbTestSipp *sipp,
                        const char *key,
                        const char *display,
                        const char *user)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  g_autofree char *text = NULL;
  g_autofree char *prefix = g_strconcat (key, " ", NULL);
  g_autofree char *value = NULL;
  const char *found;
  const char *end;
  sip_from_t *address;

  g_assert_true (g_file_get_contents (sipp->log, &text, NULL, NULL));
  found = strstr (text, prefix);
  g_assert_nonnull (found);
  found += strlen (prefix);
  end = strchr (found, '\n');
  value = g_strstrip (g_strndup (found, end != NULL ? (gsize) (end - found) : strlen (found)));
  g_test_message ("sipp got %s: %s", key, value);
  address = sip_from_make (home, value);
  g_assert_nonnull (address);
  g_assert_nonnull (address->a_display);
  g_assert_cmpstr (msg_unquote_dup (home, address->a_display), ==, display);
  g_assert_cmpstr (address->a_url->url_user, ==, user);
  su_home_deinit (home);
}

/* carla calls `number` and `phone` answers: they hear each other. */
static void
carla_reaches (Fixture     *fixture,
               const char  *number,
               CbTestPhone *phone,
               double       freq)
{
  cb_test_phone_dial (&fixture->carla, number);
  wait_rings (phone, "the call to ring");
  cb_test_phone_answer (phone);
  cb_test_phone_wait_state (&fixture->carla, CB_SIP_CALL_STATE_ACTIVE, "carla's call to be answered");
  cb_test_phone_wait_hears (&fixture->carla, freq, "carla to hear who answered");
}

static void
hang_up (CbTestPhone *phone,
         CbTestPhone *other)
{
  g_autoptr(CbSipCall) call = g_object_ref (phone->call);

  cb_sip_call_hangup (call);
  CB_TEST_WAIT_FOR (ended (call) && ended (other->call), WAIT_MS, "the call to end");
}

/* ---- call as ---- */

static void
test_call_as_trunk (Fixture       *fixture,
                    gconstpointer  data)
{
  CbTestSipp *sipp = fixture->sipp;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonObject) krause_entry = NULL;
  g_autoptr(JsonObject) anna_entry = NULL;
  g_autofree char *body = NULL;
  g_autofree char *call_id = NULL;
  CbTestStream *anna_stream;
  JsonObject *call, *event;

  if (sipp == NULL)
    return;

  /* Not logged in, or for someone she does not assist: refused. */
  body = g_strdup_printf ("{\"to\":\"030555123\",\"from_device\":\"softphone\",\"as\":%" G_GINT64_FORMAT "}",
                          fixture->krause.user_id);
  request (fixture, "POST", "/api/v1/calls", &fixture->anna, body, 403, &answer);
  g_clear_pointer (&answer, json_node_unref);
  login (fixture, &fixture->anna, TRUE);
  {
    g_autofree char *other = g_strdup_printf ("{\"to\":\"030555123\",\"from_device\":\"softphone\","
                                              "\"as\":%" G_GINT64_FORMAT "}", fixture->carla.user_id);

    request (fixture, "POST", "/api/v1/calls", &fixture->anna, other, 403, &answer);
    g_clear_pointer (&answer, json_node_unref);
  }

  /* Anna's softphone rings first (and answers), then the number. */
  anna_stream = cb_test_stream_open (fixture->server, fixture->anna.token, -1, TRUE);
  call = request (fixture, "POST", "/api/v1/calls", &fixture->anna, body, 201, &answer);
  g_assert_cmpint (for_of (call), ==, fixture->krause.user_id);
  call_id = g_strdup (json_object_get_string_member (call, "call_id"));
  event = wait_call_event (anna_stream, fixture->anna.user_id, "connected");
  g_assert_cmpint (for_of (event), ==, fixture->krause.user_id);
  g_assert_cmpstr (json_object_get_string_member (event, "remote_number"), ==, "030555123");
  /* The server's ACK with sipp's answer makes Anna's phone's call active. */
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ACTIVE, "anna's phone to be connected");
  cb_sip_call_hangup (fixture->anna.call);
  cb_test_sipp_finish (sipp, SIPP_MS);
  cb_test_stream_close (anna_stream);

  assert_logged_identity (sipp, "from", KRAUSE_NAME, "100");
  assert_logged_identity (sipp, "identity", KRAUSE_NAME, "100");

  /* Krause's journal has the call, placed by Anna; Anna's says for whom. */
  krause_entry = wait_journal_entry (fixture, &fixture->krause, call_id);
  g_assert_cmpstr (json_object_get_string_member (krause_entry, "direction"), ==, "out");
  g_assert_cmpstr (json_object_get_string_member (krause_entry, "remote_number"), ==, "030555123");
  g_assert_cmpint (json_object_get_int_member (krause_entry, "taken_by_user_id"), ==, fixture->anna.user_id);
  g_assert_cmpint (for_of (krause_entry), ==, 0);
  anna_entry = wait_journal_entry (fixture, &fixture->anna, call_id);
  g_assert_cmpstr (json_object_get_string_member (anna_entry, "direction"), ==, "out");
  g_assert_cmpint (for_of (anna_entry), ==, fixture->krause.user_id);
}

static void
test_call_as_colleague (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *body = NULL;
  CbTestStream *carla_stream, *anna_stream;
  JsonObject *event;

  carla_stream = cb_test_stream_open (fixture->server, fixture->carla.token, -1, TRUE);
  anna_stream = cb_test_stream_open (fixture->server, fixture->anna.token, -1, TRUE);
  login (fixture, &fixture->anna, TRUE);
  body = g_strdup_printf ("{\"to\":\"203\",\"from_device\":\"softphone\",\"as\":%" G_GINT64_FORMAT "}",
                          fixture->krause.user_id);
  request (fixture, "POST", "/api/v1/calls", &fixture->anna, body, 201, &answer);

  /* Carla's phone and client see Krause calling. */
  wait_rings (&fixture->carla, "carla's phone to ring");
  g_test_message ("carla's phone sees %s", cb_sip_call_get_remote_uri (fixture->carla.call));
  g_assert_true (g_str_has_prefix (cb_sip_call_get_remote_uri (fixture->carla.call), "sip:100@"));
  event = wait_call_event (carla_stream, fixture->carla.user_id, "ringing");
  g_assert_cmpstr (json_object_get_string_member (event, "direction"), ==, "in");
  g_assert_cmpint (json_object_get_int_member (event, "remote_user_id"), ==, fixture->krause.user_id);
  g_assert_cmpstr (json_object_get_string_member (event, "remote_name"), ==, KRAUSE_NAME);
  g_assert_cmpstr (json_object_get_string_member (event, "remote_number"), ==, "100");
  g_assert_cmpint (for_of (event), ==, 0);
  /* Anna's own side is hers, for Krause. */
  event = wait_call_event (anna_stream, fixture->anna.user_id, "ringing");
  g_assert_cmpint (json_object_get_int_member (event, "from_user_id"), ==, fixture->anna.user_id);
  g_assert_cmpint (for_of (event), ==, fixture->krause.user_id);

  cb_test_phone_answer (&fixture->carla);
  cb_test_phone_wait_hears (&fixture->carla, ANNA_HZ, "carla to hear anna");
  cb_test_phone_wait_hears (&fixture->anna, CARLA_HZ, "anna to hear carla");
  hang_up (&fixture->carla, &fixture->anna);
  cb_test_stream_close (carla_stream);
  cb_test_stream_close (anna_stream);
}

/* A sipp phone on Anna's line asks with X-Callboard-As. */
static void
test_call_as_header (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(CbTestSipp) sipp = NULL;
  g_autofree char *scenario = NULL;
  g_autofree char *inject = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *media_port = NULL;
  g_autofree char *port = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GError) error = NULL;
  CbTestStream *carla_stream;
  JsonObject *event;

  if (fixture->server == NULL)
    return;

  carla_stream = cb_test_stream_open (fixture->server, fixture->carla.token, -1, TRUE);
  login (fixture, &fixture->anna, TRUE);
  /* Carla answers whatever rings: sipp hangs up after a second. */
  fixture->carla.manual_answer = FALSE;
  scenario = g_test_build_filename (G_TEST_DIST, "server", "sip-uac-call-as.xml", NULL);
  inject = g_build_filename (fixture->tmpdir, "call-as.csv", NULL);
  rows = g_strdup_printf ("SEQUENTIAL\n%s;[authentication username=%s password=%s];203;%" G_GINT64_FORMAT "\n"
                          "%s;[authentication username=%s password=%s];203;%" G_GINT64_FORMAT "\n",
                          fixture->anna.line, fixture->anna.line, fixture->anna.password,
                          fixture->krause.user_id,
                          fixture->anna.line, fixture->anna.line, fixture->anna.password,
                          fixture->carla.user_id);
  g_file_set_contents (inject, rows, -1, &error);
  g_assert_no_error (error);
  media_port = g_strdup_printf ("%u", cb_test_free_udp_port ());
  target = g_strdup (fixture->anna.registrar + strlen ("sip:"));
  port = g_strdup_printf ("%u", cb_test_free_udp_port ());
  /* One call at a time, each with its row. */
  sipp = cb_test_sipp_start (fixture->tmpdir, "call-as", scenario, target, "-p", port, "-inf", inject,
                             "-mp", media_port, "-m", "2", "-l", "1", "-d", "1000", NULL);

  /* The first call (as Krause) rings carla as Krause's; the second (as
   * carla herself, whom Anna does not assist) is refused with 403, which
   * the scenario expects. */
  event = wait_call_event (carla_stream, fixture->carla.user_id, "connected");
  g_assert_cmpint (json_object_get_int_member (event, "remote_user_id"), ==, fixture->krause.user_id);
  g_assert_cmpstr (json_object_get_string_member (event, "remote_name"), ==, KRAUSE_NAME);
  cb_test_sipp_finish (sipp, SIPP_MS);
  g_assert_cmpuint (cb_test_sipp_logged (sipp, "refused"), ==, 403);
  cb_test_stream_close (carla_stream);
}

/* ---- boss–secretary ---- */

/* Carla calls Anna, who forwards her to Krause (blind, over REST):
 * Krause's phone rings and they hear each other. */
static void
anna_forwards_carla (Fixture *fixture)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *path = NULL;

  carla_reaches (fixture, "201", &fixture->anna, ANNA_HZ);
  call_id = server_call_of (fixture, &fixture->anna, fixture->anna.call);
  path = g_strdup_printf ("/api/v1/calls/%s/forward", call_id);
  fixture->krause.incoming = 0;
  request (fixture, "POST", path, &fixture->anna, "{\"to\":\"100\"}", 200, &answer);
  wait_rings (&fixture->krause, "krause's phone to ring with the forwarded call");
  cb_test_phone_answer (&fixture->krause);
  cb_test_phone_wait_hears (&fixture->krause, CARLA_HZ, "krause to hear carla");
  CB_TEST_WAIT_FOR (cb_test_phone_hears (&fixture->carla, KRAUSE_HZ), WAIT_MS, "carla to hear krause");
  hang_up (&fixture->carla, &fixture->krause);
}

static void
anna_calls_krause (Fixture *fixture)
{
  fixture->krause.incoming = 0;
  cb_test_phone_dial (&fixture->anna, "100");
  wait_rings (&fixture->krause, "krause's phone to ring with anna's call");
  cb_test_phone_answer (&fixture->krause);
  cb_test_phone_wait_hears (&fixture->anna, KRAUSE_HZ, "anna to hear krause");
  hang_up (&fixture->anna, &fixture->krause);
}

static void
test_breakthrough (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(CbSipCall) refused = NULL;

  login (fixture, &fixture->anna, TRUE);
  fixture->upstream.manual_answer = TRUE;
  put (fixture, &fixture->krause, "/api/v1/me/diversion", "{\"unconditional\":\"030999\"}");

  /* An ordinary colleague's call goes beyond the trunk. */
  cb_test_phone_dial (&fixture->carla, "100");
  wait_rings (&fixture->upstream, "the diverted call to reach the upstream");
  g_assert_true (g_str_has_prefix (cb_sip_call_get_request_uri (fixture->upstream.call), "sip:030999@"));
  cb_test_phone_answer (&fixture->upstream);
  cb_test_phone_wait_hears (&fixture->carla, UPSTREAM_HZ, "carla to hear the upstream");
  hang_up (&fixture->carla, &fixture->upstream);

  /* The assistant's call and her blind forward ring Krause. */
  anna_calls_krause (fixture);
  anna_forwards_carla (fixture);

  /* Do-not-disturb likewise. */
  put (fixture, &fixture->krause, "/api/v1/me/diversion", "{}");
  put (fixture, &fixture->krause, "/api/v1/me/presence", "{\"availability\":\"dnd\"}");
  fixture->krause.incoming = 0;
  refused = g_object_ref (cb_test_phone_dial (&fixture->carla, "100"));
  CB_TEST_WAIT_FOR (ended (refused), WAIT_MS, "carla's call to be refused");
  g_assert_cmpuint (cb_sip_call_get_end_status (refused), ==, 486);
  cb_test_phone_barrier (&fixture->krause);
  g_assert_cmpuint (fixture->krause.incoming, ==, 0);
  anna_calls_krause (fixture);
  anna_forwards_carla (fixture);

  /* Not logged in, Anna is an ordinary colleague. */
  login (fixture, &fixture->anna, FALSE);
  g_clear_object (&refused);
  refused = g_object_ref (cb_test_phone_dial (&fixture->anna, "100"));
  CB_TEST_WAIT_FOR (ended (refused), WAIT_MS, "anna's call to be refused");
  g_assert_cmpuint (cb_sip_call_get_end_status (refused), ==, 486);
}

/* ---- call for ---- */

static void
test_call_for (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(CbSipCall) anna_first = NULL;
  g_autoptr(CbSipCall) ben_call = NULL;
  g_autoptr(CbSipCall) krause_call = NULL;
  g_autoptr(JsonNode) consulted = NULL;
  g_autoptr(JsonNode) transferred = NULL;
  g_autoptr(JsonObject) krause_entry = NULL;
  g_autoptr(JsonObject) anna_entry = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *consult_id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  CbTestStream *anna_stream;
  JsonObject *event;
  gint64 first_rang;

  login (fixture, &fixture->anna, TRUE);
  login (fixture, &fixture->ben, TRUE);
  set_filter (fixture, "{\"enabled\":true,\"strategy\":\"assistants-first\",\"delay\":3}");
  anna_stream = cb_test_stream_open (fixture->server, fixture->anna.token, -1, TRUE);

  /* The assistants ring first, "for" Krause. */
  cb_test_phone_dial (&fixture->carla, "100");
  wait_rings (&fixture->anna, "anna's phone to ring");
  wait_rings (&fixture->ben, "ben's phone to ring");
  first_rang = MIN (fixture->anna.rang_at, fixture->ben.rang_at);
  anna_first = g_object_ref (fixture->anna.call);
  ben_call = g_object_ref (fixture->ben.call);
  event = wait_call_event (anna_stream, fixture->anna.user_id, "ringing");
  g_assert_cmpint (for_of (event), ==, fixture->krause.user_id);
  g_assert_cmpint (json_object_get_int_member (event, "remote_user_id"), ==, fixture->carla.user_id);
  g_assert_cmpint (json_object_get_int_member (event, "to_user_id"), ==, fixture->krause.user_id);
  call_id = g_strdup (json_object_get_string_member (event, "call_id"));

  /* Krause, 3 s later. */
  wait_rings (&fixture->krause, "krause's phone to ring after the delay");
  krause_call = g_object_ref (fixture->krause.call);
  g_test_message ("krause rang %.2f s after the assistants", (fixture->krause.rang_at - first_rang) / 1e6);
  /* Measured at the phones: the first stage's INVITEs may arrive a little
   * after the server started the delay. */
  g_assert_cmpint (fixture->krause.rang_at - first_rang, >=, 2500 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (fixture->krause.rang_at - first_rang, <, 6000 * G_TIME_SPAN_MILLISECOND);

  /* Anna answers: Ben's and Krause's phones stop. */
  cb_test_phone_answer (&fixture->anna);
  cb_test_phone_wait_hears (&fixture->carla, ANNA_HZ, "carla to hear anna");
  CB_TEST_WAIT_FOR (ended (ben_call) && ended (krause_call), WAIT_MS, "the other phones to stop");
  event = wait_call_event (anna_stream, fixture->anna.user_id, "connected");
  g_assert_cmpint (for_of (event), ==, fixture->krause.user_id);

  /* She consults Krause: her phone (answer-after) and then Krause's ring. */
  path = g_strdup_printf ("/api/v1/calls/%s/consult", call_id);
  fixture->krause.incoming = 0;
  consult_id = g_strdup (json_object_get_string_member (
    request (fixture, "POST", path, &fixture->anna, "{\"to\":\"100\"}", 201, &consulted), "call_id"));
  wait_rings (&fixture->krause, "krause's phone to ring with the consultation");
  cb_test_phone_answer (&fixture->krause);
  cb_test_phone_wait_hears (&fixture->krause, ANNA_HZ, "krause to hear anna");

  /* And transfers: Carla and Krause talk. */
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/api/v1/calls/%s/transfer", call_id);
  body = g_strdup_printf ("{\"to_call\":\"%s\"}", consult_id);
  request (fixture, "POST", path, &fixture->anna, body, 200, &transferred);
  CB_TEST_WAIT_FOR (ended (anna_first) && ended (fixture->anna.call), WAIT_MS, "anna's calls to end");
  cb_tone_detector_reset (g_ptr_array_index (fixture->krause.detectors, 0));
  cb_test_phone_wait_hears (&fixture->krause, CARLA_HZ, "krause to hear carla");
  cb_test_phone_wait_hears (&fixture->carla, KRAUSE_HZ, "carla to hear krause");
  hang_up (&fixture->carla, &fixture->krause);

  /* Both journals: Krause's says Anna took the call, Anna's that she took it for Krause. */
  krause_entry = wait_journal_entry (fixture, &fixture->krause, call_id);
  g_assert_cmpstr (json_object_get_string_member (krause_entry, "direction"), ==, "in");
  g_assert_cmpint (json_object_get_int_member (krause_entry, "remote_user_id"), ==, fixture->carla.user_id);
  g_assert_cmpint (json_object_get_int_member (krause_entry, "taken_by_user_id"), ==, fixture->anna.user_id);
  g_assert_cmpstr (json_object_get_string_member (krause_entry, "taken_by_name"), ==, "Anna");
  g_assert_false (json_object_get_boolean_member (krause_entry, "answered"));
  g_assert_cmpstr (json_object_get_string_member (krause_entry, "outcome"), ==, "taken");
  anna_entry = wait_journal_entry (fixture, &fixture->anna, call_id);
  g_assert_true (json_object_get_boolean_member (anna_entry, "answered"));
  g_assert_cmpint (json_object_get_int_member (anna_entry, "remote_user_id"), ==, fixture->carla.user_id);
  g_assert_cmpint (for_of (anna_entry), ==, fixture->krause.user_id);
  cb_test_stream_close (anna_stream);
}

/* Who rings first under each filter (a second's delay). */
static void
test_filter_strategies (Fixture       *fixture,
                        gconstpointer  data)
{
  static const struct {
    const char *strategy;
    gboolean    leader_first, assistant_first, leader_later, assistant_later;
  } cases[] = {
    { "leader-only",     TRUE,  FALSE, FALSE, FALSE },
    { "assistants-only", FALSE, TRUE,  FALSE, FALSE },
    { "leader-first",    TRUE,  FALSE, FALSE, TRUE },
    { "all",             TRUE,  TRUE,  FALSE, FALSE },
  };

  login (fixture, &fixture->anna, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"enabled\":true,\"strategy\":\"%s\",\"delay\":1}",
                                               cases[i].strategy);
      g_autoptr(CbSipCall) call = NULL;

      g_test_message ("filter %s", cases[i].strategy);
      set_filter (fixture, body);
      fixture->krause.incoming = fixture->anna.incoming = 0;
      call = g_object_ref (cb_test_phone_dial (&fixture->carla, "100"));
      CB_TEST_WAIT_FOR (cb_test_phone_state_is (&fixture->carla, CB_SIP_CALL_STATE_RINGING), WAIT_MS,
                        "carla's call to ring");
      cb_test_phone_barrier (&fixture->krause);
      cb_test_phone_barrier (&fixture->anna);
      g_assert_cmpuint (fixture->krause.incoming, ==, cases[i].leader_first ? 1 : 0);
      g_assert_cmpuint (fixture->anna.incoming, ==, cases[i].assistant_first ? 1 : 0);
      if (cases[i].leader_later)
        wait_rings (&fixture->krause, "the leader after the delay");
      if (cases[i].assistant_later)
        wait_rings (&fixture->anna, "the assistant after the delay");
      cb_sip_call_hangup (call);
      CB_TEST_WAIT_FOR (ended (call) && (fixture->krause.call == NULL || ended (fixture->krause.call)) &&
                        (fixture->anna.call == NULL || ended (fixture->anna.call)), WAIT_MS,
                        "the call to end everywhere");
    }
}

/* ---- feature codes ---- */

static guint
dial_code (CbTestPhone *phone,
           const char  *code)
{
  g_autoptr(CbSipCall) call = g_object_ref (cb_test_phone_dial (phone, code));

  CB_TEST_WAIT_FOR (ended (call), WAIT_MS, "the feature code's answer");
  return cb_sip_call_get_end_status (call);
}

static JsonObject *
office_as_seen (Fixture      *fixture,
                CbTestPhone  *phone,
                JsonNode    **snapshot)
{
  JsonArray *groups;

  groups = json_object_get_array_member (request (fixture, "GET", "/api/v1/snapshot", phone, NULL, 200,
                                                  snapshot), "groups");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    if (json_object_get_int_member (json_array_get_object_element (groups, i), "id") == fixture->office)
      return json_array_get_object_element (groups, i);
  g_error ("The office is not in the snapshot");
}

static gboolean
logged_in (Fixture     *fixture,
           CbTestPhone *phone)
{
  g_autoptr(JsonNode) snapshot = NULL;
  JsonArray *members = json_object_get_array_member (office_as_seen (fixture, &fixture->krause, &snapshot),
                                                     "members");

  for (guint i = 0; i < json_array_get_length (members); i++)
    {
      JsonObject *member = json_array_get_object_element (members, i);

      if (json_object_get_int_member (member, "user_id") == phone->user_id)
        return json_object_get_boolean_member (member, "logged_in");
    }
  g_error ("Not a member");
}

static gboolean
filter_on (Fixture *fixture)
{
  g_autoptr(JsonNode) snapshot = NULL;

  return json_object_get_boolean_member (office_as_seen (fixture, &fixture->krause, &snapshot),
                                         "filter_enabled");
}

static void
test_feature_codes (Fixture       *fixture,
                    gconstpointer  data)
{
  g_assert_false (logged_in (fixture, &fixture->anna));
  g_assert_cmpuint (dial_code (&fixture->anna, "*63100"), ==, 603);
  g_assert_true (logged_in (fixture, &fixture->anna));
  g_assert_cmpuint (dial_code (&fixture->anna, "*64"), ==, 603);
  g_assert_false (logged_in (fixture, &fixture->anna));
  g_assert_cmpuint (dial_code (&fixture->carla, "*63100"), ==, 404);
  g_assert_cmpuint (dial_code (&fixture->anna, "*63999"), ==, 404);

  /* The leader switches the filter with his own code; a logged-in
   * assistant with his number; one logged out may not. */
  g_assert_false (filter_on (fixture));
  g_assert_cmpuint (dial_code (&fixture->krause, "*65"), ==, 603);
  g_assert_true (filter_on (fixture));
  g_assert_cmpuint (dial_code (&fixture->ben, "*66100"), ==, 404);
  g_assert_true (filter_on (fixture));
  g_assert_cmpuint (dial_code (&fixture->ben, "*63100"), ==, 603);
  g_assert_cmpuint (dial_code (&fixture->ben, "*66100"), ==, 603);
  g_assert_false (filter_on (fixture));
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sip/assistants/call-as-trunk", Fixture, "sip-trunk-identity.xml", fixture_setup_sipp,
              test_call_as_trunk, fixture_teardown);
  g_test_add ("/sip/assistants/call-as-colleague", Fixture, NULL, fixture_setup_agent,
              test_call_as_colleague, fixture_teardown);
  g_test_add ("/sip/assistants/call-as-header", Fixture, NULL, fixture_setup_sipp, test_call_as_header,
              fixture_teardown);
  g_test_add ("/sip/assistants/breakthrough", Fixture, NULL, fixture_setup_agent, test_breakthrough,
              fixture_teardown);
  g_test_add ("/sip/assistants/call-for", Fixture, NULL, fixture_setup_agent, test_call_for,
              fixture_teardown);
  g_test_add ("/sip/assistants/filter-strategies", Fixture, NULL, fixture_setup_agent,
              test_filter_strategies, fixture_teardown);
  g_test_add ("/sip/assistants/feature-codes", Fixture, NULL, fixture_setup_agent, test_feature_codes,
              fixture_teardown);

  return g_test_run ();
}
