/* test-lists.c: favourites and monitor, the user's own entries and a group's, against a real callboardd
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Reception group gives Anna Carl as a favourite and Dora on her
 * monitor. Her snapshot, every list answer and every list event say
 * which entries are there only through a group, so a client offers to
 * remove only her own; removing a group's entry is refused with a code
 * a client words itself ("from-group"), as is adding to a full list
 * ("list-full").
 */

#define G_LOG_DOMAIN "cb-test-lists"

#include "config.h"

#include "cb-test-server.h"

#define WAIT_MS 5000
#define LIST_LIMIT 1000

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carl\",\"display_name\":\"Carl\",\"extension\":\"203\",\"password\":\"pw\"},"
  " {\"username\":\"dora\",\"display_name\":\"Dora\",\"extension\":\"204\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Reception\",\"members\":[\"anna\",\"ben\"],"
  "  \"favourites\":[\"carl\",\"anna\"],\"monitor\":[\"dora\"]}]}";

typedef struct {
  CbTestServer *server;
  char         *anna;
  gint64        anna_id, ben_id, carl_id, dora_id;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = cb_test_server_start (directory, NULL);
  fixture->anna = cb_test_sign_in (fixture->server, "anna", "pw", &fixture->anna_id);
  fixture->ben_id = cb_test_user_id (fixture->server, fixture->anna, "ben");
  fixture->carl_id = cb_test_user_id (fixture->server, fixture->anna, "carl");
  fixture->dora_id = cb_test_user_id (fixture->server, fixture->anna, "dora");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_free (fixture->anna);
  cb_test_server_stop (fixture->server);
}

/* "1 2 3" for an array of ids. */
static char *
describe_ids (JsonArray *ids)
{
  GString *text = g_string_new (NULL);

  g_assert_nonnull (ids);
  for (guint i = 0; i < json_array_get_length (ids); i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? " " : "",
                            json_array_get_int_element (ids, i));
  return g_string_free (text, FALSE);
}

static void
assert_ids (JsonObject *object,
            const char *member,
            const char *expected)
{
  g_autofree char *got = describe_ids (json_object_get_array_member (object, member));

  g_assert_cmpstr (got, ==, expected);
}

static JsonObject *
send (Fixture     *fixture,
      const char  *method,
      const char  *path,
      const char  *body,
      guint        expected,
      JsonNode   **answer)
{
  g_autofree char *full = g_strconcat ("/api/v1/me/", path, NULL);

  return cb_test_request_expect (fixture->server, method, full, fixture->anna, body, expected, answer);
}

/* The snapshot and the list answers name the group's entries; her own
 * entry for herself in the group's list is left out. */
static void
test_from_groups (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(JsonNode) favourites = NULL;
  g_autoptr(JsonNode) monitor = NULL;
  g_autofree char *carl = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->carl_id);
  g_autofree char *dora = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->dora_id);
  g_autofree char *ben_carl = g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                                               fixture->ben_id, fixture->carl_id);
  g_autofree char *body = g_strdup_printf ("{\"user_id\":%" G_GINT64_FORMAT "}", fixture->ben_id);
  JsonObject *object;

  object = cb_test_request_expect (fixture->server, "GET", "/api/v1/snapshot", fixture->anna, NULL, 200,
                                   &snapshot);
  assert_ids (object, "favourites", carl);
  assert_ids (object, "favourites_from_groups", carl);
  assert_ids (object, "monitor", dora);
  assert_ids (object, "monitor_from_groups", dora);

  /* Her own entry comes first and is not the group's. */
  object = send (fixture, "POST", "favourites", body, 200, &favourites);
  assert_ids (object, "user_ids", ben_carl);
  assert_ids (object, "from_groups", carl);

  object = send (fixture, "GET", "monitor", NULL, 200, &monitor);
  assert_ids (object, "user_ids", dora);
  assert_ids (object, "from_groups", dora);
}

/* A group's entry is not hers to remove; once she adds it herself, it
 * is, and removing it leaves the group's. Every change reaches her other
 * devices with the same fields. */
static void
test_remove (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(JsonNode) added = NULL;
  g_autoptr(JsonNode) removed = NULL;
  g_autofree char *path = g_strdup_printf ("favourites/%" G_GINT64_FORMAT, fixture->carl_id);
  g_autofree char *body = g_strdup_printf ("{\"user_id\":%" G_GINT64_FORMAT "}", fixture->carl_id);
  g_autofree char *carl = g_strdup_printf ("%" G_GINT64_FORMAT, fixture->carl_id);
  CbTestStream *stream = cb_test_stream_open (fixture->server, fixture->anna, -1, TRUE);
  JsonObject *object;
  JsonObject *event;

  g_assert_null (stream->error);
  send (fixture, "DELETE", path, NULL, 409, &refused);
  g_assert_cmpstr (cb_test_error_code (refused), ==, "from-group");
  object = send (fixture, "GET", "favourites", NULL, 200, &after);
  assert_ids (object, "user_ids", carl);

  object = send (fixture, "POST", "favourites", body, 200, &added);
  assert_ids (object, "user_ids", carl);
  assert_ids (object, "from_groups", "");
  event = cb_test_stream_wait (stream, "favourites", 0, WAIT_MS);
  g_assert_nonnull (event);
  assert_ids (json_object_get_object_member (event, "data"), "user_ids", carl);
  assert_ids (json_object_get_object_member (event, "data"), "from_groups", "");

  object = send (fixture, "DELETE", path, NULL, 200, &removed);
  assert_ids (object, "user_ids", carl);
  assert_ids (object, "from_groups", carl);
  event = cb_test_stream_wait (stream, "favourites", 0, WAIT_MS);
  g_assert_nonnull (event);
  assert_ids (json_object_get_object_member (event, "data"), "from_groups", carl);

  cb_test_stream_close (stream);
  cb_test_assert_healthy (fixture->server);
}

/* A list holds LIST_LIMIT entries; one more is refused with its code and
 * leaves the list as it was. */
static void
test_full (void)
{
  g_autoptr(GString) people = g_string_new ("{\"users\":[{\"username\":\"anna\",\"display_name\":\"Anna\","
                                            "\"password\":\"pw\"}");
  g_autoptr(GString) ids = g_string_new ("{\"user_ids\":[");
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(JsonNode) full = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *anna = NULL;
  g_autofree char *extra = NULL;
  CbTestServer *server;
  JsonArray *users;
  JsonObject *object;
  gint64 last = 0;
  guint listed = 0;

  for (guint i = 0; i <= LIST_LIMIT; i++)
    g_string_append_printf (people, ",{\"username\":\"u%04u\",\"display_name\":\"User %u\"}", i, i);
  g_string_append (people, "]}");
  server = cb_test_server_start (people->str, NULL);
  anna = cb_test_sign_in (server, "anna", "pw", NULL);

  object = cb_test_request_expect (server, "GET", "/api/v1/snapshot", anna, NULL, 200, &snapshot);
  users = json_object_get_array_member (object, "users");
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);

      if (!g_str_has_prefix (json_object_get_string_member (user, "username"), "u"))
        continue;
      last = json_object_get_int_member (user, "id");
      if (listed == LIST_LIMIT)
        break;
      g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, listed > 0 ? "," : "", last);
      listed++;
    }
  g_assert_cmpuint (listed, ==, LIST_LIMIT);
  g_string_append (ids, "]}");
  cb_test_request_expect (server, "PUT", "/api/v1/me/favourites", anna, ids->str, 200, &full);

  extra = g_strdup_printf ("{\"user_id\":%" G_GINT64_FORMAT "}", last);
  cb_test_request_expect (server, "POST", "/api/v1/me/favourites", anna, extra, 409, &refused);
  g_assert_cmpstr (cb_test_error_code (refused), ==, "list-full");
  object = cb_test_request_expect (server, "GET", "/api/v1/me/favourites", anna, NULL, 200, &after);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "user_ids")), ==,
                    LIST_LIMIT);

  cb_test_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/lists/from-groups", Fixture, NULL, fixture_setup, test_from_groups, fixture_teardown);
  g_test_add ("/lists/remove", Fixture, NULL, fixture_setup, test_remove, fixture_teardown);
  g_test_add_func ("/lists/full", test_full);
  return g_test_run ();
}
