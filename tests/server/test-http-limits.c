/* test-http-limits.c: the HTTP listener against slow, silent, lying and too many clients
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against the real callboardd with small limits (a request timeout of
 * 1 s), so that what takes minutes with defaults takes seconds here. One
 * server runs under `prlimit --nofile` and really runs out of
 * descriptors; one serves HTTPS to connections that never start TLS.
 */

#define G_LOG_DOMAIN "cb-test-http-limits"

#include "config.h"

#include <string.h>

#include "cb-test-raw.h"
#include "cb-test-server.h"

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"password\":\"pw\"}]}";

static CbTestServer *server;

/* ---- Content-Length that libsoup misreads -------------------------------- */

/* Announces a body, sends part of it and waits for the answer without
 * sending the rest: a 413 must come before the body is read. */
static char *
announce_body (const char *content_length)
{
  g_autoptr(GSocketConnection) connection = cb_test_raw_connect (server->url);
  g_autofree char *head = g_strdup_printf ("POST /api/v1/session HTTP/1.1\r\n"
                                           "Host: 127.0.0.1\r\n"
                                           "Content-Type: application/json\r\n"
                                           "Content-Length: %s\r\n\r\n", content_length);
  g_autofree char *body = g_strnfill (32768, 'x');

  g_assert_true (cb_test_raw_send (connection, head, strlen (head)));
  cb_test_raw_send (connection, body, strlen (body));
  return cb_test_raw_read_status (connection, 5000);
}

static void
test_content_length (void)
{
  const char *lengths[] = {
    "-1",                        /* libsoup reads until the end of the connection */
    "-9223372036854775808",
    "18446744073709551615",      /* 2^64 - 1: -1 again as a goffset */
    "18446744073709551616",      /* overflows */
    "99999999999999999999999",
    "100000",                    /* just too large (max-body 65536) */
    "1e9",
    "+70000",
    " 70000, 70000",
  };

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autofree char *status = announce_body (lengths[i]);

      g_test_message ("Content-Length: %s → %s", lengths[i], status != NULL ? status : "(nothing)");
      g_assert_nonnull (status);
      g_assert_true (g_str_has_prefix (status, "HTTP/1.1 413") || g_str_has_prefix (status, "HTTP/1.1 400"));
      cb_test_assert_healthy (server);
    }
}

/* A request head that never ends, sent as fast as the server reads: the
 * server stops reading long before 4 MiB and closes. (libsoup has a
 * limit of its own for this; the request's read limit is a second one.) */
static void
test_endless_head (void)
{
  g_autoptr(GSocketConnection) connection = cb_test_raw_connect (server->url);
  const char *start = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  g_autofree char *filler = g_strnfill (1000, 'f');
  g_autofree char *line = g_strdup_printf ("X-Filler: %s\r\n", filler);
  gsize sent = 0;

  g_assert_true (cb_test_raw_send (connection, start, strlen (start)));
  while (sent < 4 * 1024 * 1024 && cb_test_raw_send (connection, line, strlen (line)))
    sent += strlen (line);
  g_test_message ("sent %" G_GSIZE_FORMAT " bytes of head", sent);
  g_assert_cmpuint (sent, <, 4 * 1024 * 1024);
  g_assert_true (cb_test_raw_wait_closed (connection, 5000));
  cb_test_assert_healthy (server);
}

/* ---- slow and silent clients ------------------------------------------- */

/* A request head trickling in, one header line every 200 ms: closed once
 * the request timeout (1 s) has passed, however busy it looks. */
static void
test_slowloris (void)
{
  g_autoptr(GSocketConnection) connection = cb_test_raw_connect (server->url);
  const char *start = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  gint64 began = g_get_monotonic_time ();
  gboolean closed = FALSE;

  g_assert_true (cb_test_raw_send (connection, start, strlen (start)));
  while (!closed && g_get_monotonic_time () - began < 6 * G_TIME_SPAN_SECOND)
    {
      if (!cb_test_raw_send (connection, "X-Slow: yes\r\n", 13))
        closed = TRUE;
      else
        closed = cb_test_raw_wait_closed (connection, 200);
    }
  g_test_message ("closed after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - began) / G_TIME_SPAN_MILLISECOND);
  g_assert_true (closed);
  g_assert_cmpint (g_get_monotonic_time () - began, >=, 900 * G_TIME_SPAN_MILLISECOND);
  cb_test_assert_healthy (server);
}

/* Connected, never a byte: closed too. */
static void
test_silent (void)
{
  g_autoptr(GSocketConnection) connection = cb_test_raw_connect (server->url);

  g_assert_true (cb_test_raw_wait_closed (connection, 5000));
}

/* After an answer the connection does not stay open, idle. */
static void
test_keep_alive (void)
{
  g_autoptr(GSocketConnection) connection = cb_test_raw_connect (server->url);
  const char *request = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  g_autofree char *status = NULL;

  g_assert_true (cb_test_raw_send (connection, request, strlen (request)));
  status = cb_test_raw_read_status (connection, 5000);
  g_assert_cmpstr (status, ==, "HTTP/1.1 200 OK");
  g_assert_true (cb_test_raw_wait_closed (connection, 5000));
}

/* ---- descriptor exhaustion ------------------------------------------- */

typedef struct {
  SoupMessage *msg;
  GBytes      *body;
  GError      *error;
  gboolean     done;
} Health;

static void
health_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Health *health = user_data;

  health->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &health->error);
  health->done = TRUE;
}

static gboolean
accept_any_certificate (SoupMessage          *msg,
                        GTlsCertificate      *certificate,
                        GTlsCertificateFlags  errors,
                        gpointer              user_data)
{
  return TRUE;
}

/* GET /api/v1/health within timeout_ms (a new connection each time);
 * returns the status, 0 when there was no answer in time. */
static guint
health_within (CbTestServer *target,
               guint         timeout_ms)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 0, NULL);
  g_autofree char *url = g_strconcat (target->url, "/api/v1/health", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Health health = { soup_message_new ("GET", url), NULL, NULL, FALSE };
  CbTestTimer timer;
  guint status;

  g_signal_connect (health.msg, "accept-certificate", G_CALLBACK (accept_any_certificate), NULL);
  soup_session_send_and_read_async (session, health.msg, G_PRIORITY_DEFAULT, cancellable,
                                    health_done, &health);
  cb_test_timer_start (&timer, timeout_ms);
  while (!health.done && !timer.expired)
    g_main_context_iteration (NULL, TRUE);
  cb_test_timer_stop (&timer);
  if (!health.done)
    {
      g_cancellable_cancel (cancellable);
      CB_TEST_WAIT_FOR (health.done, 5000, "the cancelled request");
    }
  status = health.error == NULL ? soup_message_get_status (health.msg) : 0;
  if (health.error != NULL)
    g_test_message ("/health: %s", health.error->message);
  g_clear_error (&health.error);
  g_clear_pointer (&health.body, g_bytes_unref);
  g_clear_object (&health.msg);
  return status;
}

/* The server may open 64 descriptors and is sent 150 idle connections:
 * accept() fails with EMFILE. The listener waits and tries again; idle
 * connections time out (2 s) and free their descriptors, and it answers
 * again, while the idle ones are still open on our side and after they
 * are gone. */
static void
test_descriptors (void)
{
  const char *args[] = { "--request-timeout", "2", NULL };
  g_autoptr(GPtrArray) idle = g_ptr_array_new_with_free_func (g_object_unref);
  CbTestServer *limited;
  g_autofree char *prlimit = g_find_program_in_path ("prlimit");
  gint64 began;
  guint status;

  if (prlimit == NULL)
    {
      g_test_skip ("prlimit (Debian package util-linux) is not installed");
      return;
    }
  if (g_getenv ("CALLBOARDD_WRAPPER") != NULL)
    {
      /* valgrind and the like need descriptors of their own. */
      g_test_skip ("not under $CALLBOARDD_WRAPPER");
      return;
    }
  g_setenv ("CALLBOARDD_WRAPPER", "prlimit --nofile=64:64", TRUE);
  limited = cb_test_server_start (directory, args);
  g_unsetenv ("CALLBOARDD_WRAPPER");

  for (guint i = 0; i < 150; i++)
    g_ptr_array_add (idle, cb_test_raw_connect (limited->url));

  began = g_get_monotonic_time ();
  status = health_within (limited, 15000);
  g_test_message ("answered %u after %" G_GINT64_FORMAT " ms with 150 idle connections open",
                  status, (g_get_monotonic_time () - began) / G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (status, ==, 200);

  g_ptr_array_set_size (idle, 0);
  g_assert_cmpuint (health_within (limited, 5000), ==, 200);
  g_assert_true (cb_test_server_alive (limited));
  cb_test_server_stop (limited);
}

/* HTTPS: 60 connections that never send a ClientHello must not hold a
 * thread each (the TLS handshake waits for it on a worker thread: before
 * the fix, GLib's pool grew slowly past them and a real request waited
 * 12 s here), and they are closed after the request timeout like any
 * other. */
static void
test_tls_never_starts (void)
{
  g_autofree char *cert = g_build_filename (SOURCE_ROOT, "tests", "data", "tls", "test-cert.pem", NULL);
  g_autofree char *key = g_build_filename (SOURCE_ROOT, "tests", "data", "tls", "test-key.pem", NULL);
  const char *args[] = { "--request-timeout", "2", "--tls-certificate", cert, "--tls-key", key, NULL };
  g_autoptr(GPtrArray) silent = g_ptr_array_new_with_free_func (g_object_unref);
  CbTestServer *tls = cb_test_server_start (directory, args);
  g_autofree char *plain_url = NULL;
  gint64 began;
  guint status;

  g_assert_true (g_str_has_prefix (tls->url, "https://"));
  plain_url = g_strconcat ("http://", tls->url + strlen ("https://"), NULL);
  for (guint i = 0; i < 60; i++)
    g_ptr_array_add (silent, cb_test_raw_connect (plain_url));

  began = g_get_monotonic_time ();
  status = health_within (tls, 5000);
  g_test_message ("answered %u after %" G_GINT64_FORMAT " ms with 60 silent connections",
                  status, (g_get_monotonic_time () - began) / G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (status, ==, 200);

  for (guint i = 0; i < silent->len; i++)
    g_assert_true (cb_test_raw_wait_closed (g_ptr_array_index (silent, i), 5000));
  cb_test_server_stop (tls);
}

int
main (int   argc,
      char *argv[])
{
  const char *args[] = { "--request-timeout", "1", NULL };
  int result;

  g_test_init (&argc, &argv, NULL);
  server = cb_test_server_start (directory, args);

  g_test_add_func ("/http-limits/content-length", test_content_length);
  g_test_add_func ("/http-limits/endless-head", test_endless_head);
  g_test_add_func ("/http-limits/slowloris", test_slowloris);
  g_test_add_func ("/http-limits/silent", test_silent);
  g_test_add_func ("/http-limits/keep-alive", test_keep_alive);
  g_test_add_func ("/http-limits/descriptors", test_descriptors);
  g_test_add_func ("/http-limits/tls-never-starts", test_tls_never_starts);
  result = g_test_run ();

  cb_test_server_stop (server);
  return result;
}
