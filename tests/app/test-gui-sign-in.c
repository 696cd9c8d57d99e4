/* test-gui-sign-in.c: signing in when the server is slow, unknown or has its own certificate
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real sign-in page: against a server that takes the connection and
 * never answers (Cancel while it hangs; the 10 s limit, then a plain
 * message), a name that does not resolve (a plain message, not the
 * resolver's), and a real callboardd over TLS with the self-signed test
 * certificate (its SHA-256 fingerprint shown; trusted, it is pinned in
 * the settings and the next sign-in does not ask; another fingerprint
 * pinned for that server is a changed certificate, asked about again).
 */

#define G_LOG_DOMAIN "test-gui-sign-in"

#include "config.h"

#include <locale.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-rest-client.h"
#include "cb-test-app.h"
#include "cb-test-phone.h"
#include "cb-test-server.h"
#include "cb-window.h"

#define TIMEOUT_MS 20000

static gboolean german;

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna Berger\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben Ott\",\"extension\":\"202\",\"password\":\"pw\"}],"
  "\"groups\":[]}";

typedef gboolean (*Match) (GtkWidget *widget, gpointer data);

static GtkWidget *
find_widget (GtkWidget *root,
             Match      match,
             gpointer   data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
match_mapped_label (GtkWidget *widget,
                    gpointer   data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), data) == 0;
}

static gboolean
match_error (GtkWidget *widget,
             gpointer   data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error") &&
         gtk_widget_get_mapped (widget);
}

static gboolean
match_mapped_button_action (GtkWidget *widget,
                            gpointer   data)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), data) == 0;
}

static char *
screenshot (GtkWidget  *widget,
            const char *name)
{
  g_autofree char *full = g_strdup_printf ("%s%s", name, german ? "-de" : "");

  return cb_test_app_screenshot (widget, full);
}

static const char *
error_text (CbWindow *window)
{
  GtkWidget *label = find_widget (GTK_WIDGET (window), match_error, NULL);

  return label != NULL ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static CbWindow *
new_window (void)
{
  CbWindow *window = cb_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 760);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  return window;
}

static void
sign_in (CbWindow   *window,
         const char *url)
{
  g_object_set (cb_window_get_sign_in_page (window),
                "server-url", url, "username", "anna", "password", "pw", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (cb_window_get_sign_in_page (window)),
                                             "sign-in.sign-in", NULL));
}

static void
close_window (CbWindow *window)
{
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  CB_TEST_WAIT_FOR (weak == NULL, TIMEOUT_MS, "the window to be finalized");
}

/* --- a server that never answers --- */

typedef struct {
  GSocketService *service;
  GPtrArray      *connections;   /* kept open, never answered */
  guint16         port;
} BlackHole;

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             BlackHole         *hole)
{
  g_ptr_array_add (hole->connections, g_object_ref (connection));
  return TRUE;
}

static void
black_hole_start (BlackHole *hole)
{
  g_autoptr(GError) error = NULL;

  hole->service = g_socket_service_new ();
  hole->connections = g_ptr_array_new_with_free_func (g_object_unref);
  hole->port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (hole->service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (hole->service, "incoming", G_CALLBACK (on_incoming), hole);
  g_socket_service_start (hole->service);
}

static void
black_hole_stop (BlackHole *hole)
{
  g_socket_service_stop (hole->service);
  g_socket_listener_close (G_SOCKET_LISTENER (hole->service));
  g_clear_pointer (&hole->connections, g_ptr_array_unref);
  g_clear_object (&hole->service);
}

/* Cancel while it hangs: the form is back at once, without an error;
 * left alone, it gives up after 10 s and says so plainly. */
static void
test_cancel_and_limit (void)
{
  CbWindow *window = new_window ();
  CbSignInPage *page = cb_window_get_sign_in_page (window);
  BlackHole hole = { NULL };
  g_autofree char *url = NULL;
  GtkWidget *cancel;
  gint64 started;
  gint64 took_ms;

  black_hole_start (&hole);
  url = g_strdup_printf ("http://127.0.0.1:%u", hole.port);

  sign_in (window, url);
  CB_TEST_WAIT_FOR (hole.connections->len > 0, TIMEOUT_MS, "the connection to the silent server");
  g_assert_true (cb_sign_in_page_get_busy (page));
  cb_test_app_wait_for_frame (GTK_WIDGET (window));
  cancel = find_widget (GTK_WIDGET (page), match_mapped_button_action, (gpointer) "sign-in.cancel");
  g_assert_nonnull (cancel);
  g_free (screenshot (GTK_WIDGET (window), "sign-in-connecting"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "sign-in.cancel", NULL));
  g_assert_false (cb_sign_in_page_get_busy (page));
  g_assert_null (cb_window_get_session (window));
  cb_test_app_wait_for_frame (GTK_WIDGET (window));
  g_assert_null (error_text (window));
  g_assert_null (find_widget (GTK_WIDGET (page), match_mapped_button_action, (gpointer) "sign-in.cancel"));

  /* The limit. */
  started = g_get_monotonic_time ();
  sign_in (window, url);
  CB_TEST_WAIT_FOR (!cb_sign_in_page_get_busy (page), 15000, "the sign-in to give up");
  took_ms = (g_get_monotonic_time () - started) / 1000;
  g_test_message ("Gave up after %" G_GINT64_FORMAT " ms", took_ms);
  g_assert_cmpint (took_ms, >=, 9900);
  g_assert_cmpint (took_ms, <, 12000);
  cb_test_app_wait_for_frame (GTK_WIDGET (window));
  g_assert_cmpstr (error_text (window), ==,
                   german ? "Der Server hat nicht rechtzeitig geantwortet. Vielleicht läuft er nicht, oder die Adresse ist falsch."
                          : "The server did not answer in time. It may be down, or the address may be wrong.");
  g_free (screenshot (GTK_WIDGET (window), "sign-in-timed-out"));

  black_hole_stop (&hole);
  close_window (window);
}

/* A name that does not resolve: plain words, not the resolver's. */
static void
test_unknown_host (void)
{
  CbWindow *window = new_window ();
  CbSignInPage *page = cb_window_get_sign_in_page (window);

  sign_in (window, "callboard.invalid");
  CB_TEST_WAIT_FOR (!cb_sign_in_page_get_busy (page), TIMEOUT_MS, "the sign-in to fail");
  cb_test_app_wait_for_frame (GTK_WIDGET (window));
  g_assert_cmpstr (error_text (window), ==,
                   german ? "Unter diesem Namen wurde kein Server gefunden. Prüfen Sie die Adresse."
                          : "No server by that name was found. Check the address.");
  close_window (window);
}

static char *
test_certificate_fingerprint (void)
{
  g_autofree char *path = g_build_filename (SOURCE_ROOT, "tests", "data", "tls", "test-cert.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_file (path, &error);

  g_assert_no_error (error);
  return cb_certificate_get_fingerprint (certificate);
}

static gboolean
signed_in (CbWindow *window)
{
  return cb_window_get_session (window) != NULL &&
         cb_session_get_state (cb_window_get_session (window)) == CB_CONNECTION_STATE_CONNECTED;
}

static gboolean
match_mapped_icon (GtkWidget *widget,
                   gpointer   data)
{
  return GTK_IS_IMAGE (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (widget)), data) == 0;
}

/* A colleague on SIP over TLS calls: the softphone (on TLS with the
 * pinned certificate) answers, the server says every leg is SRTP, and
 * the card shows the lock until the call ends. */
static void
encrypted_call (CbTestServer *server,
                CbWindow     *window,
                const char   *cert)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;
  g_autoptr(CbCall) call = NULL;
  CbSoftphone *softphone = cb_window_get_softphone (window);
  GListModel *calls = cb_softphone_get_calls (softphone);
  CbTestPhone ben = { 0 };

  g_assert_true (g_file_get_contents (cert, &pem, NULL, &error));
  cb_test_phone_fetch_line (server, &ben, "ben");
  g_assert_nonnull (ben.registrar_tls);
  cb_test_phone_init_tls (&ben, ben.line, 440, 880, pem);
  cb_test_phone_register (&ben, ben.registrar_tls, NULL);
  cb_test_phone_dial (&ben, "201");
  CB_TEST_WAIT_FOR (g_list_model_get_n_items (calls) == 1, TIMEOUT_MS, "the call to ring here");
  call = g_list_model_get_item (calls, 0);
  g_assert_false (cb_call_get_encrypted (call));
  g_assert_true (cb_softphone_answer (softphone, call, &error));
  g_assert_no_error (error);
  CB_TEST_WAIT_FOR (cb_call_get_encrypted (call), TIMEOUT_MS, "the call to be encrypted end to end");
  cb_test_app_wait_for_frame (GTK_WIDGET (window));
  g_assert_nonnull (find_widget (GTK_WIDGET (window), match_mapped_icon, (gpointer) "channel-secure-symbolic"));
  g_free (screenshot (GTK_WIDGET (window), "call-encrypted"));

  cb_sip_call_hangup (ben.call);
  CB_TEST_WAIT_FOR (cb_call_get_state (call) == CB_CALL_STATE_ENDED, TIMEOUT_MS, "the call to end");
  cb_test_app_wait_for_frame (GTK_WIDGET (window));
  g_assert_null (find_widget (GTK_WIDGET (window), match_mapped_icon, (gpointer) "channel-secure-symbolic"));
  cb_test_phone_clear (&ben);
}

/* The self-signed certificate: shown by its fingerprint, trusted for the
 * server, pinned; a changed one is asked about again. */
static void
test_certificate (void)
{
  g_autofree char *cert = g_build_filename (SOURCE_ROOT, "tests", "data", "tls", "test-cert.pem", NULL);
  g_autofree char *key = g_build_filename (SOURCE_ROOT, "tests", "data", "tls", "test-key.pem", NULL);
  const char *args[] = { "--tls-certificate", cert, "--tls-key", key, NULL };
  CbTestServer *server = cb_test_server_start (directory, args);
  g_autoptr(GSettings) settings = g_settings_new ("org.callboard.Callboard");
  g_autofree char *fingerprint = test_certificate_fingerprint ();
  g_autofree char *key_name = NULL;
  g_autoptr(GVariant) pins = NULL;
  const char *pinned = NULL;
  CbWindow *window = new_window ();
  CbSignInPage *page = cb_window_get_sign_in_page (window);

  g_assert_true (g_str_has_prefix (server->url, "https://127.0.0.1:"));
  key_name = g_strdup (server->url + strlen ("https://"));

  sign_in (window, server->url);
  CB_TEST_WAIT_FOR (!cb_sign_in_page_get_busy (page), TIMEOUT_MS, "the certificate to be refused");
  cb_test_app_wait_for_frame (GTK_WIDGET (window));
  g_assert_null (cb_window_get_session (window));
  g_assert_nonnull (find_widget (GTK_WIDGET (page), match_mapped_label, fingerprint));
  g_assert_nonnull (find_widget (GTK_WIDGET (page), match_mapped_button_action,
                                 (gpointer) "sign-in.trust-certificate"));
  g_free (screenshot (GTK_WIDGET (window), "sign-in-certificate"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "sign-in.trust-certificate", NULL));
  CB_TEST_WAIT_FOR (signed_in (window), TIMEOUT_MS, "signed in over TLS with the trusted certificate");
  pins = g_settings_get_value (settings, "trusted-certificates");
  g_assert_true (g_variant_lookup (pins, key_name, "&s", &pinned));
  g_assert_cmpstr (pinned, ==, fingerprint);
  g_clear_pointer (&pins, g_variant_unref);
  /* The softphone trusts what the sign-in trusted: it registers over SIP
   * over TLS with the pinned certificate (no system trust has it). */
  CB_TEST_WAIT_FOR (cb_window_get_softphone (window) != NULL &&
                    cb_softphone_get_registration_state (cb_window_get_softphone (window))
                      == CB_REGISTRATION_STATE_REGISTERED,
                    TIMEOUT_MS, "the softphone to register over TLS");
  g_assert_true (g_str_has_prefix (cb_softphone_get_registrar (cb_window_get_softphone (window)), "sips:") ||
                 strstr (cb_softphone_get_registrar (cb_window_get_softphone (window)), "transport=tls") != NULL);
  encrypted_call (server, window, cert);

  /* Once trusted, not asked again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  sign_in (window, server->url);
  CB_TEST_WAIT_FOR (signed_in (window), TIMEOUT_MS, "signed in again without a question");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));

  /* Another fingerprint trusted for this server: the certificate changed. */
  {
    GVariantBuilder pins_builder;

    g_variant_builder_init (&pins_builder, G_VARIANT_TYPE ("a{ss}"));
    g_variant_builder_add (&pins_builder, "{ss}", key_name,
                           "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
                           "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF");
    g_settings_set_value (settings, "trusted-certificates", g_variant_builder_end (&pins_builder));
  }
  sign_in (window, server->url);
  CB_TEST_WAIT_FOR (!cb_sign_in_page_get_busy (page), TIMEOUT_MS, "the changed certificate to be refused");
  cb_test_app_wait_for_frame (GTK_WIDGET (window));
  g_assert_null (cb_window_get_session (window));
  {
    g_autofree char *title = g_strdup_printf (german ? "Das Zertifikat von %s hat sich geändert"
                                                     : "The certificate of %s has changed", key_name);

    g_assert_nonnull (find_widget (GTK_WIDGET (page), match_mapped_label, title));
  }
  g_assert_nonnull (find_widget (GTK_WIDGET (page), match_mapped_label, fingerprint));
  g_free (screenshot (GTK_WIDGET (window), "sign-in-certificate-changed"));

  g_settings_reset (settings, "trusted-certificates");
  close_window (window);
  cb_test_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  cb_app_init_i18n ();
  gtk_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "");
  adw_init ();
  cb_app_init_style ();
  cb_test_app_setup ();
  /* The softphone's media without a sound card. */
  g_setenv ("CALLBOARD_AUDIO_SRC", "audiotestsrc is-live=true wave=sine freq=880 volume=0.5 samplesperbuffer=480", TRUE);
  g_setenv ("CALLBOARD_AUDIO_SINK", "fakesink sync=true", TRUE);
  german = g_getenv ("LANGUAGE") != NULL && g_str_has_prefix (g_getenv ("LANGUAGE"), "de");

  g_test_add_func ("/app/sign-in/cancel-and-limit", test_cancel_and_limit);
  g_test_add_func ("/app/sign-in/unknown-host", test_unknown_host);
  g_test_add_func ("/app/sign-in/certificate", test_certificate);

  return g_test_run ();
}
