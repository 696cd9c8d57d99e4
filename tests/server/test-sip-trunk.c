/* test-sip-trunk.c: external numbers over callboardd's SIP trunk to an upstream proxy
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A phone-library agent plays the upstream (--trunk sip:127.0.0.1:PORT):
 * a user dials an external number, the upstream gets the INVITE with the
 * number in its Request-URI and answers, tones go both ways (also for
 * "call from desk phone" over REST); a call from
 * the upstream's address reaches an extension like an internal one, but
 * may not go out again. Then sipp plays an upstream that asks for digest
 * credentials ([trunk] in a config file, with a prefix and a caller ID).
 * A call forwarded to the trunk is on the account of who forwarded it:
 * only if they may call out, and in their journal.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <string.h>

#include <gst/gst.h>

#include "cb-test-phone.h"
#include "cb-test-sipp.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS
#define ANNA_HZ     440.0
#define BEN_HZ      660.0
#define UPSTREAM_HZ 880.0

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla\",\"extension\":\"203\",\"password\":\"pw\","
  "  \"external_calls\":false}]}";

typedef struct {
  CbTestServer *server;
  char         *tmpdir;
  CbTestPhone   upstream;
  CbTestPhone   anna;
  CbTestPhone   ben;
  CbTestPhone   carla;
} Fixture;

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  cb_test_phone_clear_all (&fixture->anna, &fixture->ben, &fixture->carla, &fixture->upstream, NULL);
  if (fixture->server != NULL)
    cb_test_server_stop (fixture->server);
  if (fixture->tmpdir != NULL)
    {
      cb_test_remove_dir (fixture->tmpdir);
      g_free (fixture->tmpdir);
    }
}

static JsonObject *
only_call (Fixture      *fixture,
           CbTestPhone  *phone,
           JsonNode    **answer)
{
  guint status = 0;
  JsonArray *calls;

  *answer = cb_test_request (fixture->server, "GET", "/api/v1/calls", phone->token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  calls = json_object_get_array_member (json_node_get_object (*answer), "calls");
  g_assert_cmpuint (json_array_get_length (calls), ==, 1);
  return json_array_get_object_element (calls, 0);
}

static gboolean
ended (CbSipCall *call)
{
  return cb_sip_call_get_state (call) == CB_SIP_CALL_STATE_ENDED;
}

/* The upstream is an agent: out to it with tones, in from it. */
static void
test_agent_upstream (Fixture       *fixture,
                     gconstpointer  data)
{
  CbTestPhone *upstream = &fixture->upstream, *anna = &fixture->anna, *ben = &fixture->ben;
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(JsonNode) journal = NULL;
  g_autoptr(JsonNode) incoming = NULL;
  g_autoptr(CbSipCall) out = NULL;
  g_autoptr(CbSipCall) in = NULL;
  g_autofree char *trunk = NULL;
  const char *request_uri;
  JsonObject *call, *entry;
  guint status = 0;

  /* The upstream listens before the server starts: its port is the trunk. */
  cb_test_phone_init (upstream, "4930123", UPSTREAM_HZ, ANNA_HZ);
  cb_test_phone_listen_for (upstream, BEN_HZ);
  trunk = g_strdup_printf ("sip:127.0.0.1:%u", cb_sip_agent_get_port (upstream->agent));
  {
    const char * const args[] = { "--sip-port", "0", "--trunk", trunk, NULL };

    fixture->server = cb_test_server_start (directory, args);
  }
  cb_test_phone_start_user (fixture->server, anna, "anna", ANNA_HZ, UPSTREAM_HZ);
  cb_test_phone_start_user (fixture->server, ben, "ben", BEN_HZ, UPSTREAM_HZ);

  /* anna dials an external number: it goes to the upstream unchanged. */
  out = g_object_ref (cb_test_phone_dial (anna, "030555123"));
  cb_test_phone_wait_state (upstream, CB_SIP_CALL_STATE_ACTIVE, "the upstream to answer");
  request_uri = cb_sip_call_get_request_uri (upstream->call);
  g_test_message ("upstream Request-URI %s, From %s", request_uri,
                  cb_sip_call_get_remote_uri (upstream->call));
  g_assert_true (g_str_has_prefix (request_uri, "sip:030555123@127.0.0.1:"));
  g_assert_true (g_str_has_prefix (cb_sip_call_get_remote_uri (upstream->call), "sip:201@"));
  cb_test_phone_wait_state (anna, CB_SIP_CALL_STATE_ACTIVE, "anna's call to be answered");
  cb_test_phone_wait_hears (anna, UPSTREAM_HZ, "anna to hear the upstream");
  cb_test_phone_wait_hears (upstream, ANNA_HZ, "the upstream to hear anna");

  call = only_call (fixture, anna, &listed);
  g_assert_cmpstr (json_object_get_string_member (call, "state"), ==, "connected");
  g_assert_cmpstr (json_object_get_string_member (call, "remote_number"), ==, "030555123");
  g_assert_true (json_object_get_null_member (call, "remote_user_id"));

  cb_sip_call_hangup (upstream->call);
  CB_TEST_WAIT_FOR (ended (out) && ended (upstream->call), WAIT_MS, "the external call to end");
  journal = cb_test_request (fixture->server, "GET", "/api/v1/journal", anna->token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  entry = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (journal), "entries"), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "remote_number"), ==, "030555123");
  g_assert_cmpstr (json_object_get_string_member (entry, "direction"), ==, "out");
  g_assert_true (json_object_get_boolean_member (entry, "answered"));

  /* From the upstream's address to an extension: no digest, ben rings. */
  upstream->registrar = g_strdup (anna->registrar);
  in = g_object_ref (cb_test_phone_dial (upstream, "202"));
  cb_test_phone_wait_state (ben, CB_SIP_CALL_STATE_ACTIVE, "ben to answer the external call");
  cb_test_phone_wait_state (upstream, CB_SIP_CALL_STATE_ACTIVE, "the upstream's call to be answered");
  cb_test_phone_wait_hears (ben, UPSTREAM_HZ, "ben to hear the upstream");
  cb_test_phone_wait_hears (upstream, BEN_HZ, "the upstream to hear ben");
  call = only_call (fixture, ben, &incoming);
  g_assert_cmpstr (json_object_get_string_member (call, "direction"), ==, "in");
  g_assert_cmpstr (json_object_get_string_member (call, "remote_number"), ==, "4930123");
  cb_sip_call_hangup (ben->call);
  CB_TEST_WAIT_FOR (ended (in) && ended (ben->call), WAIT_MS, "the incoming call to end");

  /* "Call from desk phone" (here the softphone) to an external number:
   * anna's phone rings first, then the upstream. */
  {
    g_autoptr(JsonNode) clicked = NULL;
    g_autoptr(CbSipCall) upstream_call = NULL;
    JsonObject *object;

    clicked = cb_test_request (fixture->server, "POST", "/api/v1/calls", anna->token,
                               "{\"to\":\"030777\",\"from_device\":\"softphone\"}", &status);
    g_assert_cmpuint (status, ==, 201);
    object = json_node_get_object (clicked);
    g_assert_cmpstr (json_object_get_string_member (object, "remote_number"), ==, "030777");
    CB_TEST_WAIT_FOR (upstream->call != NULL && upstream->call != in &&
                      cb_sip_call_get_state (upstream->call) == CB_SIP_CALL_STATE_ACTIVE,
                      WAIT_MS, "the upstream to answer the click-to-dial call");
    upstream_call = g_object_ref (upstream->call);
    g_assert_true (g_str_has_prefix (cb_sip_call_get_request_uri (upstream_call), "sip:030777@"));
    cb_test_phone_wait_state (anna, CB_SIP_CALL_STATE_ACTIVE, "anna's phone to be connected");
    cb_test_phone_wait_hears (anna, UPSTREAM_HZ, "anna to hear the upstream");
    cb_test_phone_wait_hears (upstream, ANNA_HZ, "the upstream to hear anna");
    cb_sip_call_hangup (anna->call);
    CB_TEST_WAIT_FOR (ended (upstream_call) && ended (anna->call), WAIT_MS, "the click-to-dial call to end");
  }

  /* The upstream may not call out through us. */
  g_clear_object (&in);
  in = g_object_ref (cb_test_phone_dial (upstream, "0301234"));
  CB_TEST_WAIT_FOR (ended (in), WAIT_MS, "the call from outside to outside to fail");
  g_assert_cmpuint (cb_sip_call_get_end_status (in), ==, 404);
}

/* ---- sipp as the upstream, with digest ---- */

static void
test_sipp_digest (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbTestSipp) sipp = NULL;
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(CbSipCall) out = NULL;
  g_autofree char *config = NULL;
  g_autofree char *text = NULL;
  g_autofree char *scenario = NULL;
  g_autofree char *port_arg = NULL;
  g_autofree char *media_port_arg = NULL;
  JsonObject *call;
  guint port = cb_test_free_udp_port ();

  if (!cb_test_have_sipp ())
    return;

  /* [trunk] from the config file: prefix 0, caller ID, credentials. */
  fixture->tmpdir = g_dir_make_tmp ("cb-trunk-XXXXXX", &error);
  g_assert_no_error (error);
  config = g_build_filename (fixture->tmpdir, "callboardd.conf", NULL);
  text = g_strdup_printf ("[trunk]\nproxy=sip:127.0.0.1:%u\nusername=trunkuser\n"
                          "password=trunksecret\nprefix=0\ncaller-id=4930999\n", port);
  g_file_set_contents (config, text, -1, &error);
  g_assert_no_error (error);
  {
    const char * const args[] = { "--sip-port", "0", "--config", config, NULL };

    fixture->server = cb_test_server_start (directory, args);
  }
  cb_test_phone_start_user (fixture->server, &fixture->anna, "anna", ANNA_HZ, UPSTREAM_HZ);

  scenario = g_test_build_filename (G_TEST_DIST, "server", "sip-trunk-upstream.xml", NULL);
  port_arg = g_strdup_printf ("%u", port);
  media_port_arg = g_strdup_printf ("%u", cb_test_free_udp_port ());
  sipp = cb_test_sipp_start (fixture->tmpdir, "upstream", scenario,
                             "-p", port_arg, "-mp", media_port_arg, NULL);
  cb_test_sipp_wait_port (sipp, port, WAIT_MS);

  /* 0 + 301234567: the prefix comes off upstream; sipp checks it, the
   * caller ID and the credentials, else the call fails there. */
  out = g_object_ref (cb_test_phone_dial (&fixture->anna, "0301234567"));
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (out) == CB_SIP_CALL_STATE_ACTIVE || ended (out) || sipp->exited,
                    WAIT_MS, "the call through the challenging upstream to be answered");
  if (sipp->exited)
    {
      g_autofree char *log = cb_test_sipp_errors (sipp);

      g_test_message ("sipp failed: %s", log != NULL ? log : "(no error file)");
    }
  g_assert_cmpint (cb_sip_call_get_state (out), ==, CB_SIP_CALL_STATE_ACTIVE);
  call = only_call (fixture, &fixture->anna, &listed);
  g_assert_cmpstr (json_object_get_string_member (call, "remote_number"), ==, "0301234567");

  cb_sip_call_hangup (out);
  CB_TEST_WAIT_FOR (ended (out) && sipp->exited, WAIT_MS * 2, "the hang-up and sipp's exit");
  g_assert_true (sipp->success);
}

/* Ben calls anna, who forwards him to an external number: the call out is
 * hers, in her journal as a call she made. Carla, who may not call out,
 * cannot forward him there. */
static void
test_forward (Fixture       *fixture,
              gconstpointer  data)
{
  CbTestPhone *upstream = &fixture->upstream, *anna = &fixture->anna, *ben = &fixture->ben;
  CbTestPhone *carla = &fixture->carla;
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(JsonNode) forwarded = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) journal = NULL;
  g_autoptr(CbSipCall) call = NULL;
  g_autoptr(CbSipCall) out = NULL;
  g_autofree char *trunk = NULL;
  g_autofree char *path = NULL;
  JsonObject *entry;
  guint status = 0;

  cb_test_phone_init (upstream, "4930123", UPSTREAM_HZ, BEN_HZ);
  trunk = g_strdup_printf ("sip:127.0.0.1:%u", cb_sip_agent_get_port (upstream->agent));
  {
    const char * const args[] = { "--sip-port", "0", "--trunk", trunk, NULL };

    fixture->server = cb_test_server_start (directory, args);
  }
  cb_test_phone_start_user (fixture->server, anna, "anna", ANNA_HZ, BEN_HZ);
  cb_test_phone_start_user (fixture->server, ben, "ben", BEN_HZ, UPSTREAM_HZ);
  cb_test_phone_start_user (fixture->server, carla, "carla", ANNA_HZ, BEN_HZ);

  /* Carla may not send ben out. */
  call = g_object_ref (cb_test_phone_dial (ben, "203"));
  cb_test_phone_wait_state (carla, CB_SIP_CALL_STATE_ACTIVE, "carla to answer ben");
  path = g_strdup_printf ("/api/v1/calls/%s/forward",
                          json_object_get_string_member (only_call (fixture, carla, &listed), "call_id"));
  refused = cb_test_request (fixture->server, "POST", path, carla->token, "{\"to\":\"030888\"}", &status);
  g_assert_cmpuint (status, ==, 403);
  g_assert_cmpstr (cb_test_error_code (refused), ==, "forbidden");
  cb_sip_call_hangup (call);
  CB_TEST_WAIT_FOR (ended (call) && ended (carla->call), WAIT_MS, "ben's call to carla to end");
  g_clear_object (&call);
  g_clear_pointer (&listed, json_node_unref);

  /* Anna may. */
  call = g_object_ref (cb_test_phone_dial (ben, "201"));
  cb_test_phone_wait_state (anna, CB_SIP_CALL_STATE_ACTIVE, "anna to answer ben");
  g_free (path);
  path = g_strdup_printf ("/api/v1/calls/%s/forward",
                          json_object_get_string_member (only_call (fixture, anna, &listed), "call_id"));
  forwarded = cb_test_request (fixture->server, "POST", path, anna->token, "{\"to\":\"030999\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  cb_test_phone_wait_state (upstream, CB_SIP_CALL_STATE_ACTIVE, "the upstream to answer the forward");
  out = g_object_ref (upstream->call);
  g_assert_true (g_str_has_prefix (cb_sip_call_get_request_uri (out), "sip:030999@"));
  cb_test_phone_wait_hears (ben, UPSTREAM_HZ, "ben to hear the upstream");
  cb_sip_call_hangup (out);
  CB_TEST_WAIT_FOR (ended (out) && ended (call), WAIT_MS, "the forwarded call to end");

  /* Anna's journal: ben's call to her, then the one she put out. Its
   * entry is written with the call's end, which went out before ben's
   * phone heard of it. */
  journal = cb_test_request (fixture->server, "GET", "/api/v1/journal", anna->token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  entry = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (journal), "entries"), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "remote_number"), ==, "030999");
  g_assert_cmpstr (json_object_get_string_member (entry, "direction"), ==, "out");
  g_assert_true (json_object_get_boolean_member (entry, "answered"));
}

/* A bad trunk address is refused at the start. */
static void
test_bad_proxy (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *output = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, g_getenv ("CALLBOARDD"), "--trunk", "http://x", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &output, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_successful (process));
  g_assert_nonnull (strstr (output, "sip:HOST:PORT"));
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sip/trunk/agent-upstream", Fixture, NULL, NULL, test_agent_upstream, fixture_teardown);
  g_test_add ("/sip/trunk/sipp-digest", Fixture, NULL, NULL, test_sipp_digest, fixture_teardown);
  g_test_add ("/sip/trunk/forward", Fixture, NULL, NULL, test_forward, fixture_teardown);
  g_test_add_func ("/sip/trunk/bad-proxy", test_bad_proxy);

  return g_test_run ();
}
