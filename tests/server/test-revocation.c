/* test-revocation.c: a password set by an administrator ends the user's sessions
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against the real callboardd: every token of the user stops working and
 * their open event streams are closed; other users and other edits keep
 * their sessions.
 */

#define G_LOG_DOMAIN "cb-test-revocation"

#include "config.h"

#include "cb-test-server.h"

#define WAIT_MS 5000
/* The stream's close code when its session ended (policy violation). */
#define CLOSE_SESSION_ENDED 1008

static const char *directory =
  "{\"users\":["
  " {\"username\":\"admin\",\"display_name\":\"Admin\",\"password\":\"pw\",\"admin\":true},"
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"password\":\"old-password\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"level\":\"team\",\"members\":[\"anna\",\"ben\"]}]}";

static CbTestServer *server;

static guint
status_of (const char *method,
           const char *path,
           const char *token,
           const char *body)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = cb_test_request (server, method, path, token, body, &status);
  return status;
}

static gboolean
stream_closed (gpointer data)
{
  return ((CbTestStream *) data)->closed;
}

static void
test_new_password (void)
{
  gint64 anna_id = 0;
  g_autofree char *admin = cb_test_sign_in (server, "admin", "pw", NULL);
  g_autofree char *anna1 = cb_test_sign_in (server, "anna", "old-password", &anna_id);
  g_autofree char *anna2 = cb_test_sign_in (server, "anna", "old-password", NULL);
  g_autofree char *ben = cb_test_sign_in (server, "ben", "pw", NULL);
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT, anna_id);
  CbTestStream *anna_stream = cb_test_stream_open (server, anna1, -1, TRUE);
  CbTestStream *ben_stream = cb_test_stream_open (server, ben, -1, TRUE);

  g_assert_no_error (anna_stream->error);
  g_assert_no_error (ben_stream->error);

  /* An edit that leaves the password alone keeps the sessions. */
  g_assert_cmpuint (status_of ("PATCH", path, admin, "{\"display_name\":\"Anna M.\"}"), ==, 200);
  cb_test_stream_barrier (server, anna_stream, anna1);
  g_assert_false (anna_stream->closed);
  g_assert_cmpuint (status_of ("GET", "/api/v1/snapshot", anna2, NULL), ==, 200);

  /* The same password again is no change either. */
  g_assert_cmpuint (status_of ("PATCH", path, admin, "{\"password\":\"old-password\"}"), ==, 200);
  cb_test_stream_barrier (server, anna_stream, anna1);
  g_assert_false (anna_stream->closed);

  g_assert_cmpuint (status_of ("PATCH", path, admin, "{\"password\":\"a-new-password\"}"), ==, 200);
  g_assert_cmpuint (status_of ("GET", "/api/v1/snapshot", anna1, NULL), ==, 401);
  g_assert_cmpuint (status_of ("GET", "/api/v1/snapshot", anna2, NULL), ==, 401);
  cb_test_wait_until (stream_closed, anna_stream, WAIT_MS, "anna's stream to be closed");
  g_assert_cmpuint (anna_stream->close_code, ==, CLOSE_SESSION_ENDED);

  /* Others keep theirs; anna signs in with the new password only. */
  g_assert_cmpuint (status_of ("GET", "/api/v1/snapshot", admin, NULL), ==, 200);
  g_assert_cmpuint (status_of ("GET", "/api/v1/snapshot", ben, NULL), ==, 200);
  cb_test_stream_barrier (server, ben_stream, ben);
  g_assert_false (ben_stream->closed);
  g_assert_cmpuint (status_of ("POST", "/api/v1/session", NULL,
                               "{\"username\":\"anna\",\"password\":\"old-password\"}"), ==, 401);
  g_free (cb_test_sign_in (server, "anna", "a-new-password", NULL));

  cb_test_stream_close (anna_stream);
  cb_test_stream_close (ben_stream);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);
  server = cb_test_server_start (directory, NULL);

  g_test_add_func ("/revocation/new-password", test_new_password);
  result = g_test_run ();

  cb_test_server_stop (server);
  return result;
}
