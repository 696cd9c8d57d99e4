/* test-gui-desktop.c: dialling links through the running application
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real `callboard` ($CALLBOARD_BIN) runs as the primary instance on
 * the test's own session bus, signed in as Anna (--server, --user,
 * CALLBOARD_PASSWORD) with her softphone. A second `callboard tel:203`
 * hands the link to it and exits; the running instance calls 203, where
 * Carla's phone (a phone-library agent) rings with Anna's number.
 * Before that, the numbers links stand for.
 */

#define G_LOG_DOMAIN "test-gui-desktop"

#include "config.h"

#include <signal.h>
#include <locale.h>
#include <gst/gst.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-sip-agent.h"
#include "cb-test-server.h"

#define TIMEOUT_MS 30000

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna Berger\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla Diaz\",\"extension\":\"203\",\"password\":\"pw\"}],"
  "\"groups\":[]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

static void
test_link_numbers (void)
{
  static const struct {
    const char *link;
    const char *number;
  } cases[] = {
    { "tel:203", "203" },
    { "tel:+49-30-1234-567", "+49301234567" },
    { "tel:+49%2030%201234", "+49301234" },
    { "TEL:(030) 1234.5", "03012345" },
    { "tel:203;phone-context=example.com", "203" },
    { "callto:203", "203" },
    { "callto://+4930123", "+4930123" },
    { "sip:203@pbx.example.com", "203" },
    { "sips:*97203@pbx", "*97203" },
    { "sip:anna@pbx.example.com", NULL },
    { "https://example.com/", NULL },
    { "tel:", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *number = cb_dial_uri_get_number (cases[i].link);

      g_test_message ("%s -> %s", cases[i].link, number);
      g_assert_cmpstr (number, ==, cases[i].number);
    }
}

/* Carla's phone: rings, never answers. */
typedef struct {
  CbSipAgent *agent;
  CbSipCall  *call;
} Phone;

static void
on_incoming (CbSipAgent *agent,
             CbSipCall  *call,
             Phone      *phone)
{
  g_set_object (&phone->call, call);
}

static void
phone_start (Phone        *phone,
             CbTestServer *server,
             const char   *user)
{
  g_autofree char *token = cb_test_sign_in (server, user, "pw", NULL);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *line;
  guint status = 0;

  answer = cb_test_request (server, "GET", "/api/v1/me/line", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  line = json_node_get_object (answer);
  phone->agent = cb_sip_agent_new ("127.0.0.1", 0, json_object_get_string_member (line, "username"), &error);
  g_assert_no_error (error);
  g_object_set (phone->agent,
                "audio-src", "audiotestsrc is-live=true wave=silence samplesperbuffer=480",
                "audio-sink", "fakesink sync=true", NULL);
  g_signal_connect (phone->agent, "incoming-call", G_CALLBACK (on_incoming), phone);
  cb_sip_agent_register (phone->agent, json_object_get_string_member (line, "registrar"),
                         json_object_get_string_member (line, "password"));
  CB_TEST_WAIT_FOR (cb_sip_agent_get_registered (phone->agent), TIMEOUT_MS, "Carla's phone registered");
}

/* The application's name on the bus: the watch tells the main loop,
 * which the waits run. */
static void
on_name_appeared (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
on_name_vanished (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  *(gboolean *) user_data = FALSE;
}

static gboolean
process_done (GSubprocess *process)
{
  return g_subprocess_get_if_exited (process) || g_subprocess_get_if_signaled (process);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* `callboard tel:203` while an instance runs: it dials 203. */
static void
test_link_through_running_instance (gconstpointer data)
{
  CbTestServer *server = (CbTestServer *) data;
  const char *binary = g_getenv ("CALLBOARD_BIN");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) primary = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *remote = NULL;
  Phone carla = { NULL };
  gboolean primary_exited = FALSE;
  gboolean second_exited = FALSE;
  gboolean on_bus = FALSE;
  guint watch;

  if (binary == NULL || !g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("CALLBOARD_BIN is not set");
      return;
    }
  phone_start (&carla, server, "carla");
  watch = g_bus_watch_name (G_BUS_TYPE_SESSION, "org.callboard.Callboard", G_BUS_NAME_WATCHER_FLAGS_NONE,
                            on_name_appeared, on_name_vanished, &on_bus, NULL);

  g_subprocess_launcher_setenv (launcher, "CALLBOARD_PASSWORD", "pw", TRUE);
  g_subprocess_launcher_setenv (launcher, "CALLBOARD_AUDIO_SRC",
                                "audiotestsrc is-live=true wave=silence samplesperbuffer=480", TRUE);
  g_subprocess_launcher_setenv (launcher, "CALLBOARD_AUDIO_SINK", "fakesink sync=true", TRUE);
  g_subprocess_launcher_setenv (launcher, "CALLBOARD_RING_SINK", "fakesink sync=true", TRUE);
  primary = g_subprocess_launcher_spawn (launcher, &error, binary, "--server", server->url,
                                         "--user", "anna", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (primary, NULL, on_exited, &primary_exited);
  CB_TEST_WAIT_FOR (on_bus || primary_exited, TIMEOUT_MS, "the running instance on the bus");
  g_assert_false (primary_exited);

  /* The link goes to the running instance; this one only hands it over. */
  second = g_subprocess_launcher_spawn (launcher, &error, binary, "tel:203", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (second, NULL, on_exited, &second_exited);
  CB_TEST_WAIT_FOR (second_exited, TIMEOUT_MS, "the second callboard to hand the link over");
  g_assert_true (g_subprocess_get_if_exited (second));
  g_assert_cmpint (g_subprocess_get_exit_status (second), ==, 0);

  CB_TEST_WAIT_FOR (carla.call != NULL, TIMEOUT_MS, "203 to ring, called by the running instance");
  remote = g_strdup (cb_sip_call_get_remote_uri (carla.call));
  g_test_message ("Carla's phone rings from %s", remote);
  g_assert_nonnull (strstr (remote, "201"));
  cb_sip_call_hangup (carla.call);
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (carla.call) == CB_SIP_CALL_STATE_ENDED, TIMEOUT_MS,
                    "the call to end");

  g_bus_unwatch_name (watch);
  g_subprocess_send_signal (primary, SIGTERM);
  CB_TEST_WAIT_FOR (primary_exited && process_done (primary), TIMEOUT_MS, "the running instance to stop");
  g_clear_object (&carla.call);
  cb_sip_agent_shutdown (carla.agent);
  g_clear_object (&carla.agent);
}

int
main (int   argc,
      char *argv[])
{
  CbTestServer *server;
  int status;

  cb_app_init_i18n ();
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "");

  server = cb_test_server_start (directory, server_args);
  g_test_add_func ("/app/desktop/link-numbers", test_link_numbers);
  g_test_add_data_func ("/app/desktop/link-through-running-instance", server,
                        test_link_through_running_instance);
  status = g_test_run ();
  cb_test_server_stop (server);

  return status;
}
