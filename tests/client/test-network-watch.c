/* test-network-watch.c: CbNetworkWatch on a network monitor and a stand-in logind
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A private D-Bus daemon (GTestDBus) plays the system bus: the test owns
 * org.freedesktop.login1 on it and sends PrepareForSleep as logind does
 * around a suspend. The network monitor is the default one, whose
 * "network-changed" the test emits as GIO would.
 */

#define G_LOG_DOMAIN "test-network-watch"

#include "config.h"

#include "cb-network-watch.h"
#include "cb-test-server.h"

#define WAIT_MS 5000

static void
on_changed (CbNetworkWatch *watch,
            const char     *reason,
            GPtrArray      *reasons)
{
  g_ptr_array_add (reasons, g_strdup (reason));
}

static void
emit_prepare_for_sleep (GDBusConnection *logind,
                        gboolean         sleeping)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (logind, NULL, "/org/freedesktop/login1",
                                 "org.freedesktop.login1.Manager", "PrepareForSleep",
                                 g_variant_new ("(b)", sleeping), &error);
  g_assert_no_error (error);
  g_assert_true (g_dbus_connection_flush_sync (logind, NULL, &error));
  g_assert_no_error (error);
}

static void
on_name_acquired (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
test_network_and_resume (void)
{
  g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr(GDBusConnection) watcher_bus = NULL;
  g_autoptr(GDBusConnection) logind = NULL;
  g_autoptr(CbNetworkWatch) watch = NULL;
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  GNetworkMonitor *monitor = g_network_monitor_get_default ();
  gboolean owned = FALSE;
  guint owner;

  g_test_dbus_up (bus);
  watcher_bus = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                        G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                        G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                        NULL, NULL, &error);
  g_assert_no_error (error);
  logind = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                   G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                   NULL, NULL, &error);
  g_assert_no_error (error);
  owner = g_bus_own_name_on_connection (logind, "org.freedesktop.login1", G_BUS_NAME_OWNER_FLAGS_NONE,
                                        on_name_acquired, NULL, &owned, NULL);
  CB_TEST_WAIT_FOR (owned, WAIT_MS, "the logind name");

  watch = cb_network_watch_new (monitor, watcher_bus);
  g_object_set (watch, "settle-ms", 50, NULL);
  g_signal_connect (watch, "changed", G_CALLBACK (on_changed), reasons);

  /* A burst of route changes is one change. */
  g_signal_emit_by_name (monitor, "network-changed", TRUE);
  g_signal_emit_by_name (monitor, "network-changed", TRUE);
  g_signal_emit_by_name (monitor, "network-changed", TRUE);
  CB_TEST_WAIT_FOR (reasons->len > 0, WAIT_MS, "the network change");

  /* Going to sleep is nothing to act on; waking up is. The network
   * change that follows in the same burst does not hide it. */
  emit_prepare_for_sleep (logind, TRUE);
  emit_prepare_for_sleep (logind, FALSE);
  g_signal_emit_by_name (monitor, "network-changed", TRUE);
  CB_TEST_WAIT_FOR (reasons->len > 1, WAIT_MS, "the resume");

  /* Losing the network is nothing to re-register over. A later resume
   * is the barrier: the loss had its chance to be reported before it. */
  g_signal_emit_by_name (monitor, "network-changed", FALSE);
  emit_prepare_for_sleep (logind, FALSE);
  CB_TEST_WAIT_FOR (reasons->len > 2, WAIT_MS, "the second resume");

  g_assert_cmpuint (reasons->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (reasons, 0), ==, "network");
  g_assert_cmpstr (g_ptr_array_index (reasons, 1), ==, "resume");
  g_assert_cmpstr (g_ptr_array_index (reasons, 2), ==, "resume");

  g_clear_object (&watch);
  g_bus_unown_name (owner);
  g_dbus_connection_close_sync (logind, NULL, NULL);
  g_dbus_connection_close_sync (watcher_bus, NULL, NULL);
  g_clear_object (&logind);
  g_clear_object (&watcher_bus);
  g_test_dbus_down (bus);
}

/* Without a system bus (a container, the tests' own sessions) the
 * monitor still works, and nothing warns. */
static void
test_no_system_bus (void)
{
  g_autoptr(CbNetworkWatch) watch = NULL;
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);

  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/callboard-test-bus", TRUE);
  watch = cb_network_watch_new (NULL, NULL);
  g_object_set (watch, "settle-ms", 10, NULL);
  g_signal_connect (watch, "changed", G_CALLBACK (on_changed), reasons);
  g_signal_emit_by_name (g_network_monitor_get_default (), "network-changed", TRUE);
  CB_TEST_WAIT_FOR (reasons->len > 0, WAIT_MS, "the network change");
  g_assert_cmpstr (g_ptr_array_index (reasons, 0), ==, "network");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/network-watch/network-and-resume", test_network_and_resume);
  g_test_add_func ("/network-watch/no-system-bus", test_no_system_bus);

  return g_test_run ();
}
