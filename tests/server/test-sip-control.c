/* test-sip-control.c: REST call control through callboardd with phone-library agents
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Desk lines come from the import and the admin API; "call from desk
 * phone" rings the desk agent first, then the target, and bridges them
 * (tones both ways); hold and resume through REST stop and restart the
 * held party's audio; blind forward connects the other party to a third
 * phone; only one's own calls can be controlled.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <gst/gst.h>

#include "cb-test-phone.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\","
  "  \"desk_phones\":[{\"username\":\"201-desk\",\"password\":\"desk-secret\"}]},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla\",\"extension\":\"203\",\"password\":\"pw\","
  "  \"admin\":true}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

typedef CbTestPhone Phone;

typedef struct {
  CbTestServer *server;
  char         *registrar;
  Phone         desk;         /* anna's desk phone */
  Phone         anna;         /* anna's softphone */
  Phone         ben;
  Phone         carla;
} Fixture;

static void
adopt_call (Phone     *phone,
            CbSipCall *call)
{
  cb_test_phone_adopt (phone, call);
}

/* A phone on a line; like a desk phone on auto-answer, it answers every
 * call at once. */
static void
phone_start (Fixture    *fixture,
             Phone      *phone,
             const char *line,
             const char *password,
             double      freq,
             double      listen_for)
{
  cb_test_phone_init (phone, line, freq, listen_for);
  cb_test_phone_register (phone, fixture->registrar, password);
}

/* Signs in, fetches the softphone line and registers with it. */
static void
user_start (Fixture    *fixture,
            Phone      *phone,
            const char *username,
            double      freq,
            double      listen_for)
{
  cb_test_phone_fetch_line (fixture->server, phone, username);
  if (fixture->registrar == NULL)
    fixture->registrar = g_strdup (phone->registrar);
  phone_start (fixture, phone, phone->line, phone->password, freq, listen_for);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = cb_test_server_start (directory, server_args);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  cb_test_phone_clear_all (&fixture->desk, &fixture->anna, &fixture->ben, &fixture->carla, NULL);
  g_free (fixture->registrar);
  cb_test_server_stop (fixture->server);
}

static gboolean
state_is (Phone          *phone,
          CbSipCallState  state)
{
  return cb_test_phone_state_is (phone, state);
}

typedef struct {
  Phone *one;
  Phone *two;
} Pair;

static gboolean
pair_active (gpointer data)
{
  Pair *p = data;
  return state_is (p->one, CB_SIP_CALL_STATE_ACTIVE) && state_is (p->two, CB_SIP_CALL_STATE_ACTIVE);
}

static gboolean
pair_ended (gpointer data)
{
  Pair *p = data;
  return state_is (p->one, CB_SIP_CALL_STATE_ENDED) && state_is (p->two, CB_SIP_CALL_STATE_ENDED);
}

static gboolean
pair_hears (gpointer data)
{
  Pair *p = data;
  return cb_tone_detector_hears (p->one->detector, 3) && cb_tone_detector_hears (p->two->detector, 3);
}

static gboolean
hears (gpointer data)
{
  return cb_tone_detector_hears (((Phone *) data)->detector, 3);
}

static gboolean
silent (gpointer data)
{
  return cb_tone_detector_silent_for (((Phone *) data)->detector, 600);
}

static JsonObject *
request (Fixture     *fixture,
         const char  *method,
         const char  *path,
         Phone       *phone,
         const char  *body,
         guint        expected,
         JsonNode   **answer)
{
  return cb_test_request_expect (fixture->server, method, path, phone->token, body, expected, answer);
}

/* @object ("forwarded_to" of an ended call or a journal entry) names
 * the colleague at @number. */
static void
assert_forwarded_to (JsonObject *object,
                     const char *number,
                     const char *name)
{
  JsonObject *to = json_object_get_object_member (object, "forwarded_to");

  g_assert_nonnull (to);
  g_assert_cmpstr (json_object_get_string_member (to, "number"), ==, number);
  g_assert_cmpstr (json_object_get_string_member (to, "name"), ==, name);
  g_assert_cmpint (json_object_get_int_member (to, "user_id"), >, 0);
}

/* Refused with 409 and @code (one a client words itself). */
static void
expect_conflict (Fixture    *fixture,
                 const char *method,
                 const char *path,
                 Phone      *phone,
                 const char *body,
                 const char *code)
{
  g_autoptr(JsonNode) answer = NULL;

  request (fixture, method, path, phone, body, 409, &answer);
  g_assert_cmpstr (cb_test_error_code (answer), ==, code);
}

static void
expect_status (Fixture    *fixture,
               const char *method,
               const char *path,
               Phone      *phone,
               const char *body,
               guint       expected)
{
  g_autoptr(JsonNode) answer = NULL;

  request (fixture, method, path, phone, body, expected, &answer);
}

/* Admin provisioning: desk lines with secrets, digest REGISTER with them. */
static void
test_lines (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autofree char *path = NULL;
  JsonArray *lines;
  JsonObject *line;

  user_start (fixture, &fixture->carla, "carla", 660, 440);
  fixture->ben.token = cb_test_sign_in (fixture->server, "ben", "pw", &fixture->ben.user_id);
  fixture->anna.token = cb_test_sign_in (fixture->server, "anna", "pw", &fixture->anna.user_id);

  /* The imported desk line, after the softphone line. */
  path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT "/lines", fixture->anna.user_id);
  lines = json_object_get_array_member (request (fixture, "GET", path, &fixture->carla, NULL, 200,
                                                 &answer), "lines");
  g_assert_cmpuint (json_array_get_length (lines), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (lines, 0), "kind"), ==, "softphone");
  line = json_array_get_object_element (lines, 1);
  g_assert_cmpstr (json_object_get_string_member (line, "username"), ==, "201-desk");
  g_assert_cmpstr (json_object_get_string_member (line, "kind"), ==, "desk");
  g_assert_cmpstr (json_object_get_string_member (line, "password"), ==, "desk-secret");

  /* A second desk phone with a random secret; it registers with it. */
  line = request (fixture, "POST", path, &fixture->carla, "{\"username\":\"201-desk2\"}", 201,
                  &created);
  g_assert_cmpstr (json_object_get_string_member (line, "kind"), ==, "desk");
  g_assert_cmpuint (strlen (json_object_get_string_member (line, "password")), >=, 16);
  phone_start (fixture, &fixture->desk, "201-desk2", json_object_get_string_member (line, "password"), 440, 880);

  /* Only admins; a name held by another user is a conflict. */
  expect_status (fixture, "GET", path, &fixture->ben, NULL, 403);
  expect_status (fixture, "POST", path, &fixture->ben, "{\"username\":\"x-desk\"}", 403);
  expect_status (fixture, "POST", path, &fixture->carla, "{\"username\":\"202\"}", 409);
  expect_status (fixture, "POST", path, &fixture->carla, "{\"username\":\"a b\"}", 422);
  expect_status (fixture, "POST", path, &fixture->carla, "{\"username\":\"d\",\"password\":\"short\"}", 422);
  expect_status (fixture, "GET", "/api/v1/admin/users/999/lines", &fixture->carla, NULL, 404);
}

static const char *
call_id_of (JsonObject *call)
{
  return json_object_get_string_member (call, "call_id");
}

/* "Call from desk phone": the desk rings first, then ben; they talk;
 * REST hold silences ben's side and resume brings it back. */
static void
test_desk_call (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(JsonNode) other = NULL;
  g_autofree char *call_path = NULL;
  g_autofree char *hold_path = NULL;
  g_autofree char *resume_path = NULL;
  g_autofree char *call_id = NULL;
  Pair pair = { &fixture->desk, &fixture->ben };
  JsonObject *call;
  JsonArray *calls;

  user_start (fixture, &fixture->ben, "ben", 880, 440);
  user_start (fixture, &fixture->carla, "carla", 660, 440);
  fixture->anna.token = cb_test_sign_in (fixture->server, "anna", "pw", &fixture->anna.user_id);
  phone_start (fixture, &fixture->desk, "201-desk", "desk-secret", 440, 880);

  /* Nothing registered for the softphone; unknown numbers. */
  expect_conflict (fixture, "POST", "/api/v1/calls", &fixture->anna,
                   "{\"to\":\"202\",\"from_device\":\"softphone\"}", "no-phone");
  expect_status (fixture, "POST", "/api/v1/calls", &fixture->anna, "{\"to\":\"999\"}", 404);
  expect_status (fixture, "POST", "/api/v1/calls", &fixture->anna,
                 "{\"to\":\"202\",\"from_device\":\"fax\"}", 422);

  call = request (fixture, "POST", "/api/v1/calls", &fixture->anna,
                  "{\"to\":\"202\",\"from_device\":\"desk\"}", 201, &answer);
  call_id = g_strdup (call_id_of (call));
  g_assert_cmpstr (json_object_get_string_member (call, "direction"), ==, "out");
  g_assert_cmpstr (json_object_get_string_member (call, "remote_number"), ==, "202");
  /* Anna's own leg is the one to her desk phone, from the start. */
  g_assert_cmpstr (json_object_get_string_member (call, "device"), ==, "desk");

  cb_test_wait_until (pair_active, &pair, WAIT_MS, "desk phone and ben connected");
  g_assert_cmpuint (fixture->desk.incoming, ==, 1);
  g_assert_cmpuint (fixture->ben.incoming, ==, 1);
  g_assert_cmpint (fixture->desk.rang_at, <, fixture->ben.rang_at);
  cb_test_wait_until (pair_hears, &pair, WAIT_MS, "desk and ben to hear each other");

  /* Both see the call; carla may not touch it. */
  calls = json_object_get_array_member (request (fixture, "GET", "/api/v1/calls", &fixture->ben,
                                                 NULL, 200, &listed), "calls");
  g_assert_cmpuint (json_array_get_length (calls), ==, 1);
  g_assert_cmpstr (call_id_of (json_array_get_object_element (calls, 0)), ==, call_id);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (calls, 0), "direction"), ==, "in");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (calls, 0), "device"), ==, "softphone");
  call_path = g_strdup_printf ("/api/v1/calls/%s", call_id);
  hold_path = g_strdup_printf ("/api/v1/calls/%s/hold", call_id);
  resume_path = g_strdup_printf ("/api/v1/calls/%s/resume", call_id);
  expect_status (fixture, "POST", hold_path, &fixture->carla, NULL, 403);
  expect_status (fixture, "DELETE", call_path, &fixture->carla, NULL, 403);
  expect_status (fixture, "DELETE", "/api/v1/calls/no-such-call", &fixture->anna, NULL, 404);

  /* Hold: ben (the held party) no longer hears the desk phone. */
  call = request (fixture, "POST", hold_path, &fixture->anna, NULL, 200, &other);
  g_assert_cmpstr (json_object_get_string_member (call, "state"), ==, "held");
  cb_test_wait_until (silent, &fixture->ben, WAIT_MS, "the tone to stop at ben");
  g_clear_pointer (&other, json_node_unref);
  call = request (fixture, "POST", resume_path, &fixture->anna, NULL, 200, &other);
  g_assert_cmpstr (json_object_get_string_member (call, "state"), ==, "connected");
  cb_test_wait_until (hears, &fixture->ben, WAIT_MS, "the tone to come back at ben");
  cb_test_wait_until (hears, &fixture->desk, WAIT_MS, "ben's tone to come back at the desk");

  g_clear_pointer (&other, json_node_unref);
  call = request (fixture, "DELETE", call_path, &fixture->anna, NULL, 200, &other);
  g_assert_cmpstr (json_object_get_string_member (call, "state"), ==, "ended");
  cb_test_wait_until (pair_ended, &pair, WAIT_MS, "both phones to hang up");
  expect_status (fixture, "DELETE", call_path, &fixture->anna, NULL, 404);
}

/* Anna calls ben; ben forwards her to carla and drops out. */
static void
test_forward (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) journal = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *path = NULL;
  g_autoptr(CbSipCall) call = NULL;
  Pair anna_ben = { &fixture->anna, &fixture->ben };
  Pair anna_carla = { &fixture->anna, &fixture->carla };
  JsonArray *calls, *entries;
  JsonObject *forwarded;

  user_start (fixture, &fixture->anna, "anna", 440, 660);
  user_start (fixture, &fixture->ben, "ben", 880, 440);

  uri = g_strdup_printf ("sip:202@%s", fixture->registrar + 4);
  call = cb_sip_agent_dial (fixture->anna.agent, uri, &error);
  g_assert_no_error (error);
  adopt_call (&fixture->anna, call);
  cb_test_wait_until (pair_active, &anna_ben, WAIT_MS, "anna and ben connected");

  calls = json_object_get_array_member (request (fixture, "GET", "/api/v1/calls", &fixture->ben,
                                                 NULL, 200, &listed), "calls");
  g_assert_cmpuint (json_array_get_length (calls), ==, 1);
  path = g_strdup_printf ("/api/v1/calls/%s/forward", call_id_of (json_array_get_object_element (calls, 0)));
  expect_status (fixture, "POST", path, &fixture->ben, "{\"to\":\"999\"}", 404);
  /* Nothing registered for carla yet: a conflict with a code of its own,
   * which clients put in their own words; the call stays as it was. */
  expect_conflict (fixture, "POST", path, &fixture->ben, "{\"to\":\"203\"}", "unreachable");
  /* Nor back to ben himself (his phone would ring with the call he sent
   * on) or to anna, whose call it is. */
  expect_conflict (fixture, "POST", path, &fixture->ben, "{\"to\":\"202\"}", "same-party");
  expect_conflict (fixture, "POST", path, &fixture->ben, "{\"to\":\"201\"}", "same-party");
  g_assert_true (pair_active (&anna_ben));

  user_start (fixture, &fixture->carla, "carla", 660, 440);
  forwarded = request (fixture, "POST", path, &fixture->ben, "{\"to\":\"203\"}", 200, &answer);
  assert_forwarded_to (forwarded, "203", "Carla");

  cb_test_wait_until (pair_active, &anna_carla, WAIT_MS, "carla to answer");
  g_assert_true (state_is (&fixture->ben, CB_SIP_CALL_STATE_ENDED) ||
                 state_is (&fixture->ben, CB_SIP_CALL_STATE_ACTIVE));
  cb_test_wait_until (pair_hears, &anna_carla, WAIT_MS, "anna and carla to hear each other");
  g_assert_true (state_is (&fixture->ben, CB_SIP_CALL_STATE_ENDED));

  /* Ben's journal says where the call went; anna's call with him does not. */
  entries = json_object_get_array_member (request (fixture, "GET", "/api/v1/journal", &fixture->ben,
                                                   NULL, 200, &journal), "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  assert_forwarded_to (json_array_get_object_element (entries, 0), "203", "Carla");
  g_clear_pointer (&journal, json_node_unref);
  entries = json_object_get_array_member (request (fixture, "GET", "/api/v1/journal", &fixture->anna,
                                                   NULL, 200, &journal), "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  g_assert_true (json_object_get_null_member (json_array_get_object_element (entries, 0), "forwarded_to"));

  cb_sip_call_hangup (fixture->carla.call);
  cb_test_wait_until (pair_ended, &anna_carla, WAIT_MS, "anna and carla to hang up");
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sip/control/lines", Fixture, NULL, fixture_setup, test_lines, fixture_teardown);
  g_test_add ("/sip/control/desk-call", Fixture, NULL, fixture_setup, test_desk_call, fixture_teardown);
  g_test_add ("/sip/control/forward", Fixture, NULL, fixture_setup, test_forward, fixture_teardown);

  return g_test_run ();
}
