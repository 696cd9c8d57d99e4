/* test-sip-stuck.c: a call whose caller lost its dialog ends anyway (the B2BUA's dialog check)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Under load in cb-bench sip-calls, some calls stayed connected for
 * good: the ACK of a 407 was lost, callboardd retransmitted the 407
 * after the call was up, sipp took that response's To tag as the peer's
 * and sent its BYE with it; no dialog had that tag, so 481, and nothing
 * else ever told the server. sip-uac-lost-ack.xml plays that ordering
 * (the ACK of the 407 marked lost), against a sipp callee
 * (tests/bench/sip-bench-uas.xml, with -aa for the server's OPTIONS).
 * With CALLBOARD_SIP_DIALOG_CHECK=3 the server asks both dialogs after
 * 3 s; the caller answers 481 and the call must end: sipp exits 0 only
 * after the 481 to its BYE, the OPTIONS and the server's BYE. In the
 * second case the caller's sipp exits after the 481 to its BYE, as a
 * phone that is switched off: the OPTIONS meets a closed port.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <string.h>

#include "cb-test-server.h"
#include "cb-test-sipp.h"

#define WAIT_MS 20000
/* A sipp's whole run: its own -timeout (40 s) and some slack. */
#define SIPP_MS 45000

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\",\"members\":[\"anna\",\"ben\"]}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

typedef struct {
  char         *token;
  gint64        id;
  char         *line;
  char         *password;
  CbTestStream *stream;   /* the user's own events */
} User;

typedef struct {
  CbTestServer *server;
  char         *tmpdir;
  char         *target;    /* callboardd's SIP address, host:port */
  User          anna;
  User          ben;
} Fixture;

static void
fetch_line (Fixture    *fixture,
            User       *user,
            const char *username)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *line;
  guint status = 0;

  user->token = cb_test_sign_in (fixture->server, username, "pw", &user->id);
  user->stream = cb_test_stream_open (fixture->server, user->token, -1, TRUE);
  g_assert_no_error (user->stream->error);
  answer = cb_test_request (fixture->server, "GET", "/api/v1/me/line", user->token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  line = json_node_get_object (answer);
  user->line = g_strdup (json_object_get_string_member (line, "username"));
  user->password = g_strdup (json_object_get_string_member (line, "password"));
  if (fixture->target == NULL)
    fixture->target = g_strdup (json_object_get_string_member (line, "registrar") + strlen ("sip:"));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = cb_test_server_start (directory, server_args);
  fixture->tmpdir = g_dir_make_tmp ("cb-stuck-XXXXXX", &error);
  g_assert_no_error (error);
  fetch_line (fixture, &fixture->anna, "anna");
  fetch_line (fixture, &fixture->ben, "ben");
}

static void
user_clear (User *user)
{
  g_clear_pointer (&user->stream, cb_test_stream_close);
  g_free (user->token);
  g_free (user->line);
  g_free (user->password);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  cb_test_remove_dir (fixture->tmpdir);
  g_free (fixture->tmpdir);
  g_free (fixture->target);
  user_clear (&fixture->anna);
  user_clear (&fixture->ben);
  cb_test_server_stop (fixture->server);
}

static char *
write_injection (Fixture    *fixture,
                 const char *name,
                 User       *user,
                 const char *dial)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("SEQUENTIAL\n%s;[authentication username=%s password=%s]%s%s\n",
                                           user->line, user->line, user->password,
                                           dial != NULL ? ";" : "", dial != NULL ? dial : "");
  char *path = g_build_filename (fixture->tmpdir, name, NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* sipp with SOURCE_ROOT/scenario (or an absolute path), one call, then
 * the arguments given (NULL-terminated). */
static CbTestSipp *
sipp_start (Fixture    *fixture,
            const char *name,
            const char *scenario,
            ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *path = g_path_is_absolute (scenario) ? g_strdup (scenario) :
                          g_build_filename (SOURCE_ROOT, scenario, NULL);
  const char *arg;
  va_list list;

  va_start (list, scenario);
  while ((arg = va_arg (list, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (list);
  /* The dialog check comes after 3 s, its answers may be retransmitted. */
  g_ptr_array_add (args, "-timeout");
  g_ptr_array_add (args, "40s");
  g_ptr_array_add (args, NULL);
  return cb_test_sipp_start_argv (fixture->tmpdir, name, path, (const char * const *) args->pdata);
}

/* The calls the server lists for the user, in state (NULL: any). */
static guint
count_calls (Fixture    *fixture,
             User       *user,
             const char *state)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *calls;
  guint status = 0;
  guint count = 0;

  answer = cb_test_request (fixture->server, "GET", "/api/v1/calls", user->token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  calls = json_object_get_array_member (json_node_get_object (answer), "calls");
  for (guint i = 0; i < json_array_get_length (calls); i++)
    {
      JsonObject *call = json_array_get_object_element (calls, i);

      if (state == NULL ||
          g_strcmp0 (json_object_get_string_member_with_default (call, "state", ""), state) == 0)
        count++;
    }
  return count;
}

/* sip-uac-lost-ack.xml up to the 481 to its BYE, in the fixture's
 * directory: the caller is gone before the server asks. */
static char *
write_gone_scenario (Fixture *fixture)
{
  g_autofree char *source = g_build_filename (SOURCE_ROOT, "tests", "server", "sip-uac-lost-ack.xml", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->tmpdir, "uac-gone.xml", NULL);
  char *cut;

  g_file_get_contents (source, &text, NULL, &error);
  g_assert_no_error (error);
  cut = strstr (text, "  <recv request=\"OPTIONS\" />");
  g_assert_nonnull (cut);
  strcpy (cut, "</scenario>\n");
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_lost_dialog (Fixture       *fixture,
                  gconstpointer  data)
{
  gboolean gone = GPOINTER_TO_INT (data);
  g_autofree char *scenario = NULL;
  g_autofree char *callee_inf = NULL;
  g_autofree char *caller_inf = NULL;
  g_autofree char *callee_port = NULL;
  g_autofree char *caller_port = NULL;
  g_autoptr(CbTestSipp) registration = NULL;
  g_autoptr(CbTestSipp) uas = NULL;
  g_autoptr(CbTestSipp) uac = NULL;
  guint port;

  if (!cb_test_have_sipp ())
    return;

  /* Ben's phone: registers, then answers on that port. */
  callee_inf = write_injection (fixture, "callee.csv", &fixture->ben, NULL);
  port = cb_test_free_udp_port ();
  callee_port = g_strdup_printf ("%u", port);
  registration = sipp_start (fixture, "register", "tests/server/sip-register-line.xml",
                             fixture->target, "-p", callee_port, "-inf", callee_inf, NULL);
  cb_test_sipp_finish (registration, SIPP_MS);
  uas = sipp_start (fixture, "uas", "tests/bench/sip-bench-uas.xml", "-p", callee_port, "-aa", NULL);
  cb_test_sipp_wait_port (uas, port, WAIT_MS);

  caller_inf = write_injection (fixture, "caller.csv", &fixture->anna, fixture->ben.line);
  caller_port = g_strdup_printf ("%u", cb_test_free_udp_port ());
  scenario = gone ? write_gone_scenario (fixture) : g_strdup ("tests/server/sip-uac-lost-ack.xml");
  uac = sipp_start (fixture, "uac", scenario, fixture->target,
                    "-p", caller_port, "-inf", caller_inf, NULL);

  /* Answered: the server tells the caller. */
  if (cb_test_stream_wait_data (fixture->anna.stream, "call", fixture->anna.id, "state", "connected",
                                WAIT_MS) == NULL)
    cb_test_sipp_finish (uac, SIPP_MS);  /* its errors say why */
  g_assert_cmpuint (count_calls (fixture, &fixture->anna, "connected"), ==, 1);

  /* The 481 to the BYE, the dialog check, the 481 to its OPTIONS; then
   * the call ends on both sides and is listed no more. */
  cb_test_sipp_finish (uac, SIPP_MS);
  cb_test_sipp_finish (uas, SIPP_MS);
  g_assert_nonnull (cb_test_stream_wait_data (fixture->anna.stream, "call", fixture->anna.id,
                                              "state", "ended", WAIT_MS));
  g_assert_nonnull (cb_test_stream_wait_data (fixture->ben.stream, "call", fixture->ben.id,
                                              "state", "ended", WAIT_MS));
  g_assert_cmpuint (count_calls (fixture, &fixture->anna, NULL), ==, 0);
  g_assert_cmpuint (count_calls (fixture, &fixture->ben, NULL), ==, 0);
  cb_test_assert_healthy (fixture->server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* The server (a child) asks its calls' devices after 3 s, not 90. */
  g_setenv ("CALLBOARD_SIP_DIALOG_CHECK", "3", TRUE);
  g_test_add ("/sip/stuck/lost-dialog", Fixture, GINT_TO_POINTER (FALSE),
              fixture_setup, test_lost_dialog, fixture_teardown);
  g_test_add ("/sip/stuck/phone-gone", Fixture, GINT_TO_POINTER (TRUE),
              fixture_setup, test_lost_dialog, fixture_teardown);
  return g_test_run ();
}
