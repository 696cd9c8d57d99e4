/* test-sip-overload.c: past its limit of calls being set up, callboardd refuses new calls with 503
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * callboardd runs with --max-call-setups 2. Anna's call to Ben is up;
 * Cara's call to Dora and Eve's call to Finn ring (manual answer): two
 * calls being set up, the limit. Then a new INVITE (sipp, without
 * credentials) gets 503 with a Retry-After of 2 to 5 s at once; a
 * phone-library caller (Ben) is refused alike and tries again after it.
 * Meanwhile a REGISTER gets its 200, a desk phone's SUBSCRIBE its 200
 * and NOTIFY, REST answers GET /health, and the call that is up keeps
 * working in its dialog (hold by re-INVITE: the server sees it held;
 * BYE). Dora and Finn answer:
 * the calls under the limit complete, and Ben's next try gets through.
 *
 * The limiter itself (cb-sip-overload.c) on a manual clock: calls at
 * once, and new calls per second, where an INVITE without credentials
 * (about to be challenged) needs a place but does not take one.
 */

#define G_LOG_DOMAIN "cb-sip-overload"

#include "config.h"

#include <string.h>

#include <gst/gst.h>

#include "cb-sip-overload.h"
#include "cb-test-phone.h"
#include "cb-test-sipp.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS
#define SIPP_MS 30000

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"cara\",\"display_name\":\"Cara\",\"extension\":\"203\",\"password\":\"pw\"},"
  " {\"username\":\"dora\",\"display_name\":\"Dora\",\"extension\":\"204\",\"password\":\"pw\"},"
  " {\"username\":\"eve\",\"display_name\":\"Eve\",\"extension\":\"205\",\"password\":\"pw\"},"
  " {\"username\":\"finn\",\"display_name\":\"Finn\",\"extension\":\"206\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\","
  "  \"members\":[\"anna\",\"ben\",\"cara\",\"dora\",\"eve\",\"finn\"]}]}";

static const char * const server_args[] = { "--sip-port", "0", "--max-call-setups", "2", NULL };

typedef struct {
  CbTestServer *server;
  char         *tmpdir;
  char         *target;   /* callboardd's SIP address, host:port */
  CbTestPhone   anna, ben, cara, dora, eve, finn;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = cb_test_server_start (directory, server_args);
  fixture->tmpdir = g_dir_make_tmp ("cb-sip-overload-XXXXXX", &error);
  g_assert_no_error (error);
  cb_test_phone_start_user (fixture->server, &fixture->anna, "anna", 300, 500);
  cb_test_phone_start_user (fixture->server, &fixture->ben, "ben", 500, 300);
  cb_test_phone_start_user (fixture->server, &fixture->cara, "cara", 700, 900);
  cb_test_phone_start_user (fixture->server, &fixture->dora, "dora", 900, 700);
  cb_test_phone_start_user (fixture->server, &fixture->eve, "eve", 1100, 1300);
  cb_test_phone_start_user (fixture->server, &fixture->finn, "finn", 1300, 1100);
  fixture->dora.manual_answer = fixture->finn.manual_answer = TRUE;
  fixture->target = g_strdup (fixture->anna.registrar + strlen ("sip:"));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  cb_test_phone_clear_all (&fixture->anna, &fixture->ben, &fixture->cara, &fixture->dora,
                           &fixture->eve, &fixture->finn, NULL);
  cb_test_server_stop (fixture->server);
  cb_test_remove_dir (fixture->tmpdir);
  g_free (fixture->tmpdir);
  g_free (fixture->target);
}

static CbTestSipp *
sipp_start (Fixture            *fixture,
            const char         *name,
            const char         *scenario,
            const char * const *args)
{
  g_autofree char *path = g_build_filename (SOURCE_ROOT, "tests", "server", scenario, NULL);

  return cb_test_sipp_start_argv (fixture->tmpdir, name, path, args);
}

/* A desk phone's lamp on Dora (sip-subscribe.xml, with Anna's line):
 * its messages go to *trace. */
static CbTestSipp *
subscribe_start (Fixture  *fixture,
                 char    **trace)
{
  g_autofree char *row = g_strdup_printf ("%s;[authentication username=%s password=%s];204;dialog;"
                                          "application/dialog-info+xml;300",
                                          fixture->anna.line, fixture->anna.line, fixture->anna.password);
  g_autofree char *inf = g_build_filename (fixture->tmpdir, "subscriber.csv", NULL);
  g_autofree char *port = g_strdup_printf ("%u", cb_test_free_udp_port ());
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("SEQUENTIAL\n%s\n", row);

  g_file_set_contents (inf, text, -1, &error);
  g_assert_no_error (error);
  *trace = g_build_filename (fixture->tmpdir, "subscriber-messages.log", NULL);
  {
    const char * const args[] = {
      fixture->target, "-p", port, "-inf", inf, "-trace_msg", "-message_file", *trace,
      "-timeout", "60s", "-recv_timeout", "45000", NULL,
    };

    return sipp_start (fixture, "subscriber", "sip-subscribe.xml", args);
  }
}

static gboolean
file_contains (const char *path,
               const char *text)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, text) != NULL;
}

/* The server lists a call of the user's in that state. */
static gboolean
has_call_in_state (Fixture     *fixture,
                   CbTestPhone *phone,
                   const char  *state)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *calls;
  guint status = 0;

  answer = cb_test_request (fixture->server, "GET", "/api/v1/calls", phone->token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  calls = json_object_get_array_member (json_node_get_object (answer), "calls");
  for (guint i = 0; i < json_array_get_length (calls); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (calls, i), "state"),
                   state) == 0)
      return TRUE;
  return FALSE;
}

static void
wait_state (CbTestPhone    *phone,
            CbSipCallState  state,
            const char     *what)
{
  cb_test_phone_wait_state (phone, state, what);
}

static void
test_limit (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(CbTestSipp) refused = NULL;
  g_autoptr(CbTestSipp) subscriber = NULL;
  g_autoptr(JsonNode) health = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CbSipCall) to_dora = NULL;
  g_autoptr(CbSipCall) retried = NULL;
  g_autoptr(CbSipCall) from_anna = NULL;
  g_autofree char *trace = NULL;
  CbSipCall *up;
  guint retry_after;
  guint status = 0;

  if (!cb_test_have_sipp ())
    return;

  /* Up: Anna and Ben. */
  up = cb_test_phone_dial (&fixture->anna, "202");
  wait_state (&fixture->anna, CB_SIP_CALL_STATE_ACTIVE, "Anna's call to Ben to be answered");
  from_anna = g_object_ref (fixture->ben.call);

  /* Two calls being set up: the limit. */
  to_dora = g_object_ref (cb_test_phone_dial (&fixture->cara, "204"));
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->dora), WAIT_MS, "Dora's phone to ring");
  cb_test_phone_dial (&fixture->eve, "206");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->finn), WAIT_MS, "Finn's phone to ring");

  /* A third: 503 at once, before any question of credentials. */
  {
    const char * const args[] = { fixture->target, "-s", "202", "-p", "0", NULL };

    refused = sipp_start (fixture, "refused", "sip-uac-overload.xml", args);
    cb_test_sipp_finish (refused, SIPP_MS);
  }
  retry_after = cb_test_sipp_logged (refused, "retry-after");
  g_test_message ("Retry-After: %u", retry_after);
  g_assert_cmpuint (retry_after, >=, 2);
  g_assert_cmpuint (retry_after, <=, 5);

  /* A phone-library caller is refused the same way and tries again
   * after Retry-After (sofia-sip does), until there is room. */
  retried = g_object_ref (cb_test_phone_dial (&fixture->ben, "203"));

  /* Meanwhile: REGISTER (the barrier re-registers and waits for 200),
   * SUBSCRIBE (200, then the first NOTIFY), REST. */
  cb_test_phone_barrier (&fixture->cara);
  subscriber = subscribe_start (fixture, &trace);
  CB_TEST_WAIT_FOR (file_contains (trace, "NOTIFY sip:"), WAIT_MS, "the lamp's first NOTIFY");
  health = cb_test_request (fixture->server, "GET", "/api/v1/health", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);

  /* The call that is up goes on in its dialog: hold, then hang up. */
  g_assert_true (cb_sip_call_set_hold (up, TRUE, &error));
  g_assert_no_error (error);
  CB_TEST_WAIT_FOR (has_call_in_state (fixture, &fixture->anna, "held"), WAIT_MS,
                    "the server to see Anna hold");
  g_assert_cmpint (cb_sip_call_get_state (from_anna), ==, CB_SIP_CALL_STATE_ACTIVE);
  cb_sip_call_hangup (up);
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (from_anna) == CB_SIP_CALL_STATE_ENDED, WAIT_MS,
                    "Ben's call to end with Anna's BYE");
  /* Nobody took Ben's new call all this time: it is still being tried. */
  g_assert_cmpuint (fixture->cara.incoming, ==, 0);
  g_assert_cmpint (cb_sip_call_get_state (retried), ==, CB_SIP_CALL_STATE_DIALING);

  /* The calls under the limit complete; then Ben's next try rings Cara,
   * whose phone answers it. */
  cb_test_phone_answer (&fixture->dora);
  cb_test_phone_answer (&fixture->finn);
  wait_state (&fixture->eve, CB_SIP_CALL_STATE_ACTIVE, "Eve's call to be answered");
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (to_dora) == CB_SIP_CALL_STATE_ACTIVE, WAIT_MS,
                    "Cara's call to be answered");
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (retried) == CB_SIP_CALL_STATE_ACTIVE, WAIT_MS,
                    "Ben's call, tried again, to be answered");
  g_assert_cmpuint (fixture->cara.incoming, ==, 1);

  /* The lamp's dialog on Dora ends with her call; the lamp unsubscribes. */
  cb_sip_call_hangup (to_dora);
  cb_test_sipp_finish (subscriber, SIPP_MS);
  cb_sip_call_hangup (fixture->eve.call);
  cb_sip_call_hangup (retried);
  wait_state (&fixture->finn, CB_SIP_CALL_STATE_ENDED, "Finn's call to end");
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (retried) == CB_SIP_CALL_STATE_ENDED, WAIT_MS,
                    "Ben's call to end");
}

/* ---- the limiter alone ------------------------------------------------- */

static void
test_limiter_setups (void)
{
  CbSipOverload *overload = cb_sip_overload_new (3, 0);

  g_assert_true (cb_sip_overload_admit (overload, 0, TRUE));
  g_assert_true (cb_sip_overload_admit (overload, 2, FALSE));
  g_assert_true (cb_sip_overload_admit (overload, 2, TRUE));
  g_test_expect_message ("cb-sip", G_LOG_LEVEL_MESSAGE, "SIP overload: 1 new call(s) refused*");
  g_assert_false (cb_sip_overload_admit (overload, 3, TRUE));
  g_test_assert_expected_messages ();
  /* The next refusals within the interval are counted, not logged. */
  g_assert_false (cb_sip_overload_admit (overload, 4, FALSE));
  g_assert_cmpuint (cb_sip_overload_refused (overload), ==, 2);
  g_assert_true (cb_sip_overload_admit (overload, 1, TRUE));
  for (guint i = 0; i < 20; i++)
    {
      guint retry = cb_sip_overload_retry_after (overload);

      g_assert_cmpuint (retry, >=, 2);
      g_assert_cmpuint (retry, <=, 5);
    }
  cb_sip_overload_free (overload);
}

static void
test_limiter_rate (void)
{
  g_autoptr(CbClock) clock = cb_clock_new_manual (G_GINT64_CONSTANT (1000) * G_USEC_PER_SEC, 0);
  CbSipOverload *overload = cb_sip_overload_new (0, 4);
  guint admitted = 0;

  cb_sip_overload_set_clock (overload, clock);
  /* Challenged INVITEs need a place but take none. */
  for (guint i = 0; i < 10; i++)
    g_assert_true (cb_sip_overload_admit (overload, 0, FALSE));
  /* A second's worth with credentials, then none. */
  for (guint i = 0; i < 4; i++)
    g_assert_true (cb_sip_overload_admit (overload, 0, TRUE));
  g_test_expect_message ("cb-sip", G_LOG_LEVEL_MESSAGE, "SIP overload:*");
  g_assert_false (cb_sip_overload_admit (overload, 0, TRUE));
  g_test_assert_expected_messages ();
  g_assert_false (cb_sip_overload_admit (overload, 0, FALSE));
  /* A quarter of a second later: one more. */
  cb_clock_advance (clock, G_USEC_PER_SEC / 4);
  g_assert_true (cb_sip_overload_admit (overload, 0, TRUE));
  g_assert_false (cb_sip_overload_admit (overload, 0, TRUE));
  /* Ten seconds later the bucket holds one second's worth, not ten; the
   * refusals since the last line are logged again. */
  cb_clock_advance (clock, 10 * G_USEC_PER_SEC);
  g_test_expect_message ("cb-sip", G_LOG_LEVEL_MESSAGE, "SIP overload: 3 new call(s) refused*");
  for (guint i = 0; i < 10; i++)
    admitted += cb_sip_overload_admit (overload, 0, TRUE);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (admitted, ==, 4);
  cb_sip_overload_free (overload);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip-overload/limiter-setups", test_limiter_setups);
  g_test_add_func ("/sip-overload/limiter-rate", test_limiter_rate);
  g_test_add ("/sip-overload/limit", Fixture, NULL, fixture_setup, test_limit, fixture_teardown);
  return g_test_run ();
}
