/* test-assistants.c: assistant groups over REST and events, against a real callboardd
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dr. Krause is assisted by Anna and Ben; Anna also assists Dr. Weber,
 * whose office does not let her log out. Assistants see the leader they
 * assist; they log in and out of each office as of a hunt group and
 * show it in group_logins; the leader sets the filter's strategy and
 * delay, a logged-in assistant switches it on and off, and every change
 * is a "group" event without a resync. Administrators and the import
 * make such groups.
 */

#define G_LOG_DOMAIN "cb-test-assistants"

#include "config.h"

#include <string.h>

#include "cb-test-server.h"

#define WAIT_MS 5000

static const char *directory =
  "{\"users\":["
  " {\"username\":\"root\",\"display_name\":\"Root\",\"password\":\"pw\",\"admin\":true},"
  " {\"username\":\"krause\",\"display_name\":\"Dr. Thomas Krause\",\"extension\":\"100\",\"password\":\"pw\"},"
  " {\"username\":\"weber\",\"display_name\":\"Dr. Eva Weber\",\"extension\":\"110\",\"password\":\"pw\"},"
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carl\",\"display_name\":\"Carl\",\"extension\":\"203\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Krause office\",\"kind\":\"assistant\",\"leader\":\"krause\",\"level\":\"team\","
  "  \"leader_level\":\"team\",\"members\":[\"anna\",\"ben\"]},"
  " {\"name\":\"Weber office\",\"kind\":\"assistant\",\"leader\":\"weber\",\"level\":\"team\","
  "  \"members\":[\"anna\"],\"filter\":\"all\",\"filter_enabled\":true,\"logout_allowed\":false},"
  " {\"name\":\"Support\",\"kind\":\"hunt\",\"number\":\"600\",\"level\":\"team\","
  "  \"members\":[\"anna\",\"carl\"]},"
  " {\"name\":\"Everyone\",\"level\":\"public\","
  "  \"members\":[\"krause\",\"weber\",\"anna\",\"ben\",\"carl\"]}]}";

static const char * const server_args[] = { "--default-level", "none", NULL };

typedef struct {
  CbTestServer *server;
  char         *root, *krause, *anna, *ben, *carl;
  gint64        krause_id, anna_id, ben_id;
  gint64        krause_office, weber_office, support, everyone;
} Fixture;

static JsonObject *
find_by (JsonArray  *array,
         const char *member,
         const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (object, member, NULL), value) == 0)
        return object;
    }
  return NULL;
}

/* The group `name` as `token` sees it in the snapshot; NULL when not. */
static JsonObject *
group_as_seen (Fixture    *fixture,
               const char *token,
               const char *name,
               JsonNode  **snapshot)
{
  *snapshot = cb_test_request (fixture->server, "GET", "/api/v1/snapshot", token, NULL, NULL);
  return find_by (json_object_get_array_member (json_node_get_object (*snapshot), "groups"), "name", name);
}

static JsonObject *
user_as_seen (Fixture    *fixture,
              const char *token,
              const char *username,
              JsonNode  **snapshot)
{
  *snapshot = cb_test_request (fixture->server, "GET", "/api/v1/snapshot", token, NULL, NULL);
  return find_by (json_object_get_array_member (json_node_get_object (*snapshot), "users"), "username",
                  username);
}

static gint64
group_id (Fixture    *fixture,
          const char *name)
{
  g_autoptr(JsonNode) snapshot = NULL;
  JsonObject *group = group_as_seen (fixture, fixture->root, name, &snapshot);

  g_assert_nonnull (group);
  return json_object_get_int_member (group, "id");
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = cb_test_server_start (directory, server_args);
  fixture->root = cb_test_sign_in (fixture->server, "root", "pw", NULL);
  fixture->krause = cb_test_sign_in (fixture->server, "krause", "pw", &fixture->krause_id);
  fixture->anna = cb_test_sign_in (fixture->server, "anna", "pw", &fixture->anna_id);
  fixture->ben = cb_test_sign_in (fixture->server, "ben", "pw", &fixture->ben_id);
  fixture->carl = cb_test_sign_in (fixture->server, "carl", "pw", NULL);
  fixture->krause_office = group_id (fixture, "Krause office");
  fixture->weber_office = group_id (fixture, "Weber office");
  fixture->support = group_id (fixture, "Support");
  fixture->everyone = group_id (fixture, "Everyone");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_free (fixture->root);
  g_free (fixture->krause);
  g_free (fixture->anna);
  g_free (fixture->ben);
  g_free (fixture->carl);
  cb_test_server_stop (fixture->server);
}

static char *
group_path (gint64      group_id,
            const char *what)
{
  return g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/%s", group_id, what);
}

/* A request that must be refused with status and code, the message
 * holding `says` (may be NULL). */
static void
refused (Fixture    *fixture,
         const char *method,
         const char *path,
         const char *token,
         const char *body,
         guint       status,
         const char *code,
         const char *says)
{
  g_autoptr(JsonNode) answer = NULL;
  guint got = 0;
  const char *message;

  answer = cb_test_request (fixture->server, method, path, token, body, &got);
  g_assert_nonnull (answer);
  message = json_object_get_string_member (json_object_get_object_member (json_node_get_object (answer),
                                                                          "error"), "message");
  g_test_message ("%s %s %.80s → %u %s", method, path, body != NULL ? body : "", got, message);
  g_assert_cmpuint (got, ==, status);
  g_assert_cmpstr (cb_test_error_code (answer), ==, code);
  if (says != NULL)
    g_assert_nonnull (strstr (message, says));
}

static void
set_login (Fixture    *fixture,
           const char *token,
           gint64      group,
           gboolean    logged_in)
{
  g_autofree char *path = group_path (group, "login");
  g_autoptr(JsonNode) answer = NULL;

  cb_test_request_expect (fixture->server, "PUT", path, token,
                          logged_in ? "{\"logged_in\":true}" : "{\"logged_in\":false}", 200, &answer);
}

/* The imported groups, and who sees whom through them. */
static void
test_imported (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonNode) s1 = NULL, s2 = NULL, s3 = NULL, s4 = NULL, s5 = NULL;
  JsonObject *group;
  JsonObject *krause;

  group = group_as_seen (fixture, fixture->anna, "Krause office", &s1);
  g_assert_nonnull (group);
  g_assert_cmpstr (json_object_get_string_member (group, "kind"), ==, "assistant");
  g_assert_cmpint (json_object_get_int_member (group, "leader"), ==, fixture->krause_id);
  g_assert_false (json_object_get_boolean_member (group, "filter_enabled"));
  g_assert_cmpstr (json_object_get_string_member (group, "filter"), ==, "assistants-first");
  g_assert_cmpint (json_object_get_int_member (group, "filter_delay"), ==, 15);
  g_assert_true (json_object_get_boolean_member (group, "logout_allowed"));
  g_assert_false (json_object_has_member (group, "number"));

  group = group_as_seen (fixture, fixture->anna, "Weber office", &s2);
  g_assert_true (json_object_get_boolean_member (group, "filter_enabled"));
  g_assert_cmpstr (json_object_get_string_member (group, "filter"), ==, "all");
  g_assert_false (json_object_get_boolean_member (group, "logout_allowed"));

  /* Anna sees the leader she assists at the office's level; Carl, who
   * shares only Everyone with him, at public; the leader sees his office. */
  krause = user_as_seen (fixture, fixture->anna, "krause", &s3);
  g_assert_cmpstr (json_object_get_string_member (krause, "level"), ==, "team");
  krause = user_as_seen (fixture, fixture->carl, "krause", &s4);
  g_assert_cmpstr (json_object_get_string_member (krause, "level"), ==, "public");
  g_assert_nonnull (group_as_seen (fixture, fixture->krause, "Krause office", &s5));
}

/* Logging in and out of an office like a hunt group, shown in
 * group_logins; not out of one that forbids it; not the leader. */
static void
test_login (Fixture       *fixture,
            gconstpointer  data)
{
  CbTestStream *leader = cb_test_stream_open (fixture->server, fixture->krause, -1, TRUE);
  CbTestStream *colleague = cb_test_stream_open (fixture->server, fixture->ben, -1, TRUE);
  g_autofree char *krause_login = group_path (fixture->krause_office, "login");
  g_autofree char *weber_login = group_path (fixture->weber_office, "login");
  g_autofree char *everyone_login = group_path (fixture->everyone, "login");
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(JsonNode) weber_snapshot = NULL;
  JsonObject *event;
  JsonObject *anna;
  JsonArray *logins;

  g_assert_null (leader->error);
  cb_test_request_expect (fixture->server, "PUT", krause_login, fixture->anna, "{\"logged_in\":true}",
                          200, &answer);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (
                   json_object_get_array_member (json_node_get_object (answer), "members"), 0),
                   "logged_in"));

  /* The leader and the other assistant hear of it. */
  event = cb_test_stream_wait (leader, "group-login", fixture->anna_id, WAIT_MS);
  g_assert_nonnull (event);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (event, "data"), "group_id"),
                   ==, fixture->krause_office);
  g_assert_nonnull (cb_test_stream_wait (colleague, "group-login", fixture->anna_id, WAIT_MS));

  anna = user_as_seen (fixture, fixture->krause, "anna", &snapshot);
  logins = json_object_get_array_member (anna, "group_logins");
  g_assert_nonnull (find_by (logins, "name", "Krause office"));

  /* Out, and in to Weber's office: that one she cannot leave. */
  set_login (fixture, fixture->anna, fixture->krause_office, FALSE);
  set_login (fixture, fixture->anna, fixture->weber_office, TRUE);
  refused (fixture, "PUT", weber_login, fixture->anna, "{\"logged_in\":false}", 403, "forbidden",
           "logging out");
  g_clear_pointer (&snapshot, json_node_unref);
  anna = user_as_seen (fixture, fixture->anna, "anna", &weber_snapshot);
  logins = json_object_get_array_member (anna, "group_logins");
  g_assert_cmpuint (json_array_get_length (logins), ==, 1);
  g_assert_nonnull (find_by (logins, "name", "Weber office"));

  /* The leader is no assistant; an authorisation group has no login. */
  refused (fixture, "PUT", krause_login, fixture->krause, "{\"logged_in\":true}", 403, "forbidden", NULL);
  refused (fixture, "PUT", everyone_login, fixture->anna, "{\"logged_in\":true}", 409, "conflict", NULL);

  cb_test_stream_close (leader);
  cb_test_stream_close (colleague);
}

/* The filter's rights: the leader all of it, a logged-in assistant its
 * switch; each change a "group" event, and no resync. */
static void
test_filter (Fixture       *fixture,
             gconstpointer  data)
{
  CbTestStream *leader = cb_test_stream_open (fixture->server, fixture->krause, -1, TRUE);
  CbTestStream *colleague = cb_test_stream_open (fixture->server, fixture->ben, -1, TRUE);
  g_autofree char *filter = group_path (fixture->krause_office, "filter");
  g_autofree char *support_filter = group_path (fixture->support, "filter");
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *group;
  JsonObject *event;
  guint barrier;

  /* Not logged in yet; not hers to see; not an assistant group. */
  refused (fixture, "PUT", filter, fixture->anna, "{\"enabled\":true}", 403, "forbidden", "Log into");
  refused (fixture, "PUT", filter, fixture->carl, "{\"enabled\":true}", 404, "not-found", NULL);
  refused (fixture, "PUT", support_filter, fixture->anna, "{\"enabled\":true}", 409, "conflict", NULL);

  set_login (fixture, fixture->anna, fixture->krause_office, TRUE);
  cb_test_request_expect (fixture->server, "PUT", filter, fixture->anna, "{\"enabled\":true}", 200, &answer);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (answer), "filter_enabled"));
  event = cb_test_stream_wait (leader, "group", 0, WAIT_MS);
  g_assert_nonnull (event);
  group = json_object_get_object_member (event, "data");
  g_assert_cmpint (json_object_get_int_member (group, "id"), ==, fixture->krause_office);
  g_assert_true (json_object_get_boolean_member (group, "filter_enabled"));
  g_assert_nonnull (cb_test_stream_wait (colleague, "group", 0, WAIT_MS));

  /* The strategy and the delay are the leader's. */
  refused (fixture, "PUT", filter, fixture->anna, "{\"strategy\":\"all\"}", 403, "forbidden", "leader");
  refused (fixture, "PUT", filter, fixture->anna, "{\"enabled\":false,\"delay\":5}", 403, "forbidden",
           "leader");
  refused (fixture, "PUT", filter, fixture->krause, "{\"delay\":0}", 422, "invalid-field", "“delay”");
  refused (fixture, "PUT", filter, fixture->krause, "{\"delay\":301}", 422, "invalid-field", "“delay”");
  refused (fixture, "PUT", filter, fixture->krause, "{\"strategy\":\"boss-only\"}", 422, "invalid-field",
           "“strategy”");
  refused (fixture, "PUT", filter, fixture->krause, "{\"enabled\":\"yes\"}", 422, "invalid-field",
           "“enabled”");
  refused (fixture, "PUT", filter, fixture->krause, "{}", 422, "invalid-field", NULL);

  g_clear_pointer (&answer, json_node_unref);
  cb_test_request_expect (fixture->server, "PUT", filter, fixture->krause,
                          "{\"strategy\":\"leader-first\",\"delay\":10}", 200, &answer);
  group = json_node_get_object (answer);
  g_assert_cmpstr (json_object_get_string_member (group, "filter"), ==, "leader-first");
  g_assert_cmpint (json_object_get_int_member (group, "filter_delay"), ==, 10);
  g_assert_true (json_object_get_boolean_member (group, "filter_enabled"));
  event = cb_test_stream_wait (colleague, "group", 0, WAIT_MS);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (event, "data"), "filter"),
                   ==, "leader-first");

  /* Switched off by the assistant, who sends the strategy back as it is. */
  g_clear_pointer (&answer, json_node_unref);
  cb_test_request_expect (fixture->server, "PUT", filter, fixture->anna,
                          "{\"enabled\":false,\"strategy\":\"leader-first\",\"delay\":10}", 200, &answer);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (answer), "filter_enabled"));

  /* None of it made anyone fetch a new snapshot. */
  barrier = cb_test_stream_barrier (fixture->server, leader, fixture->krause);
  for (guint i = 0; i < barrier; i++)
    g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (leader->events, i), "type"), !=,
                     "resync");

  cb_test_stream_close (leader);
  cb_test_stream_close (colleague);
}

/* An administrator makes and edits an office with the same fields. */
static void
test_admin (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *body = NULL;
  g_autofree char *bad_members = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *group;
  gint64 id;

  body = g_strdup_printf ("{\"name\":\"Lang office\",\"kind\":\"assistant\",\"leader\":%" G_GINT64_FORMAT
                          ",\"members\":[%" G_GINT64_FORMAT "],\"filter\":\"assistants-only\","
                          "\"filter_delay\":20,\"logout_allowed\":false,\"number\":\"777\"}",
                          fixture->krause_id, fixture->ben_id);
  cb_test_request_expect (fixture->server, "POST", "/api/v1/admin/groups", fixture->root, body, 201,
                          &answer);
  group = json_node_get_object (answer);
  id = json_object_get_int_member (group, "id");
  g_assert_cmpstr (json_object_get_string_member (group, "kind"), ==, "assistant");
  g_assert_cmpstr (json_object_get_string_member (group, "filter"), ==, "assistants-only");
  g_assert_cmpint (json_object_get_int_member (group, "filter_delay"), ==, 20);
  g_assert_false (json_object_get_boolean_member (group, "logout_allowed"));
  g_assert_false (json_object_get_boolean_member (group, "filter_enabled"));
  /* No number: nobody dials an assistant group. */
  g_assert_false (json_object_has_member (group, "number"));

  path = g_strdup_printf ("/api/v1/admin/groups/%" G_GINT64_FORMAT, id);
  refused (fixture, "PATCH", path, fixture->root, "{\"filter_delay\":0}", 422, "invalid-field",
           "“filter_delay”");
  refused (fixture, "PATCH", path, fixture->root, "{\"filter\":\"x\"}", 422, "invalid-field", "“filter”");
  refused (fixture, "PATCH", path, fixture->root, "{\"logout_allowed\":1}", 422, "invalid-field",
           "“logout_allowed”");
  bad_members = g_strdup_printf ("{\"members\":[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]}",
                                 fixture->ben_id, fixture->krause_id);
  refused (fixture, "PATCH", path, fixture->root, bad_members, 422, "invalid-field", "leader");

  g_clear_pointer (&answer, json_node_unref);
  cb_test_request_expect (fixture->server, "PATCH", path, fixture->root,
                          "{\"filter_enabled\":true,\"logout_allowed\":true}", 200, &answer);
  group = json_node_get_object (answer);
  g_assert_true (json_object_get_boolean_member (group, "filter_enabled"));
  g_assert_true (json_object_get_boolean_member (group, "logout_allowed"));
  g_assert_cmpstr (json_object_get_string_member (group, "filter"), ==, "assistants-only");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/assistants/imported", test_imported);
  ADD ("/assistants/login", test_login);
  ADD ("/assistants/filter", test_filter);
  ADD ("/assistants/admin", test_admin);
#undef ADD
  return g_test_run ();
}
