/* test-permissions.c: levels in the snapshot, the directory and the event stream
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Against the real callboardd with default-level none, so every level
 * comes from a group:
 *   vera–nina: no shared group → none
 *   vera–bob:  group Biz at business
 *   vera–tom:  group Crew at team; tom alone in hunt group Hunt (vera not in it)
 *   bob alone in hunt group Hunt2; vera and bob in hunt group Desk at
 *   business, so vera sees Desk but not bob's login to it
 *   Led: level public, leader_level team, leader lea, deputy dan,
 *        members mia and mo
 */

#define G_LOG_DOMAIN "cb-test-permissions"

#include "config.h"

#include "cb-test-server.h"

#define WAIT_MS 5000

static const char *directory =
  "{\"users\":["
  " {\"username\":\"vera\",\"display_name\":\"Vera\",\"password\":\"pw\"},"
  " {\"username\":\"nina\",\"display_name\":\"Nina Hidden\",\"extension\":\"777\",\"password\":\"pw\"},"
  " {\"username\":\"bob\",\"display_name\":\"Bob\",\"password\":\"pw\"},"
  " {\"username\":\"tom\",\"display_name\":\"Tom\",\"password\":\"pw\"},"
  " {\"username\":\"lea\",\"display_name\":\"Lea\",\"password\":\"pw\"},"
  " {\"username\":\"dan\",\"display_name\":\"Dan\",\"password\":\"pw\"},"
  " {\"username\":\"mia\",\"display_name\":\"Mia\",\"password\":\"pw\"},"
  " {\"username\":\"mo\",\"display_name\":\"Mo\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Biz\",\"level\":\"business\",\"members\":[\"vera\",\"bob\"]},"
  " {\"name\":\"Crew\",\"level\":\"team\",\"members\":[\"vera\",\"tom\"]},"
  " {\"name\":\"Hunt\",\"kind\":\"hunt\",\"number\":\"601\",\"level\":\"team\",\"members\":[\"tom\"]},"
  " {\"name\":\"Hunt2\",\"kind\":\"hunt\",\"number\":\"602\",\"level\":\"team\",\"members\":[\"bob\"]},"
  " {\"name\":\"Desk\",\"kind\":\"hunt\",\"number\":\"603\",\"level\":\"business\",\"members\":[\"vera\",\"bob\"]},"
  " {\"name\":\"Led\",\"level\":\"public\",\"leader_level\":\"team\",\"leader\":\"lea\","
  "  \"deputy\":\"dan\",\"members\":[\"mia\",\"mo\"]}]}";

static JsonObject *
snapshot (CbTestServer *server,
          const char   *token,
          JsonNode    **keep)
{
  guint status = 0;

  *keep = cb_test_request (server, "GET", "/api/v1/snapshot", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  return json_node_get_object (*keep);
}

static JsonObject *
find_by (JsonArray  *array,
         const char *member,
         const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (object, member), value))
        return object;
    }
  return NULL;
}

static gint64
group_id (JsonObject *snap,
          const char *name)
{
  JsonObject *group = find_by (json_object_get_array_member (snap, "groups"), "name", name);

  g_assert_nonnull (group);
  return json_object_get_int_member (group, "id");
}

static void
put (CbTestServer *server,
     const char   *path,
     const char   *token,
     const char   *body)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = cb_test_request (server, "PUT", path, token, body, &status);
  g_assert_cmpuint (status, ==, 200);
}

static void
test_levels (void)
{
  const char *args[] = { "--default-level", "none", NULL };
  CbTestServer *server = cb_test_server_start (directory, args);
  g_autofree char *vera = NULL, *nina = NULL, *bob = NULL, *tom = NULL;
  g_autoptr(JsonNode) vera_node = NULL;
  g_autoptr(JsonNode) tom_node = NULL;
  g_autoptr(JsonNode) bob_node = NULL;
  g_autoptr(JsonNode) search = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *hunt_login = NULL;
  g_autofree char *hunt2_login = NULL;
  g_autofree char *desk_login = NULL;
  JsonObject *snap, *user;
  JsonArray *users;
  CbTestStream *stream;
  gint64 nina_id, bob_id, tom_id;
  guint status = 0;

  vera = cb_test_sign_in (server, "vera", "pw", NULL);
  nina = cb_test_sign_in (server, "nina", "pw", &nina_id);
  bob = cb_test_sign_in (server, "bob", "pw", &bob_id);
  tom = cb_test_sign_in (server, "tom", "pw", &tom_id);
  hunt_login = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login",
                                group_id (snapshot (server, tom, &tom_node), "Hunt"));
  hunt2_login = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login",
                                 group_id (snapshot (server, bob, &bob_node), "Hunt2"));
  g_clear_pointer (&bob_node, json_node_unref);
  desk_login = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login",
                                group_id (snapshot (server, bob, &bob_node), "Desk"));

  /* Snapshot: nina absent; bob at business; tom at team. */
  snap = snapshot (server, vera, &vera_node);
  users = json_object_get_array_member (snap, "users");
  g_assert_null (find_by (users, "username", "nina"));
  g_assert_cmpuint (json_array_get_length (users), ==, 3);   /* vera, bob, tom */

  user = find_by (users, "username", "bob");
  g_assert_nonnull (user);
  g_assert_cmpstr (json_object_get_string_member (user, "level"), ==, "business");
  g_assert_true (json_object_has_member (user, "presence"));
  g_assert_true (json_object_has_member (user, "line_state"));
  g_assert_false (json_object_has_member (user, "agent_status"));
  g_assert_false (json_object_has_member (user, "group_logins"));

  user = find_by (users, "username", "tom");
  g_assert_nonnull (user);
  g_assert_cmpstr (json_object_get_string_member (user, "level"), ==, "team");
  g_assert_true (json_object_has_member (user, "agent_status"));
  g_assert_true (json_object_has_member (user, "group_logins"));

  /* Groups: only those vera belongs to. */
  g_assert_nonnull (find_by (json_object_get_array_member (snap, "groups"), "name", "Biz"));
  g_assert_nonnull (find_by (json_object_get_array_member (snap, "groups"), "name", "Crew"));
  g_assert_nonnull (find_by (json_object_get_array_member (snap, "groups"), "name", "Desk"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (snap, "groups")), ==, 3);

  /* Directory search cannot find nina, by name or extension. */
  search = cb_test_request (server, "GET", "/api/v1/directory?q=nina", vera, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (search), "users")), ==, 0);
  g_clear_pointer (&search, json_node_unref);
  search = cb_test_request (server, "GET", "/api/v1/directory?q=777", vera, NULL, &status);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (search), "users")), ==, 0);
  g_clear_pointer (&search, json_node_unref);
  search = cb_test_request (server, "GET", "/api/v1/directory?q=TO", vera, NULL, &status);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (search), "users")), ==, 1);

  /* Nina cannot be made a favourite: for vera she does not exist. */
  {
    g_autofree char *body = g_strdup_printf ("{\"user_id\":%" G_GINT64_FORMAT "}", nina_id);

    answer = cb_test_request (server, "POST", "/api/v1/me/favourites", vera, body, &status);
    g_assert_cmpuint (status, ==, 404);
  }

  /* Events. */
  stream = cb_test_stream_open (server, vera, json_object_get_int_member (snap, "seq"), TRUE);
  g_assert_no_error (stream->error);

  put (server, "/api/v1/me/presence", nina, "{\"availability\":\"away\"}");
  put (server, "/api/v1/me/agent-status", nina, "{\"agent_status\":\"available\"}");
  put (server, "/api/v1/me/agent-status", bob, "{\"agent_status\":\"available\"}");
  put (server, hunt2_login, bob, "{\"logged_in\":true}");
  put (server, desk_login, bob, "{\"logged_in\":true}");
  put (server, "/api/v1/me/presence", bob, "{\"availability\":\"busy\"}");
  put (server, "/api/v1/me/agent-status", tom, "{\"agent_status\":\"wrap-up\"}");
  put (server, hunt_login, tom, "{\"logged_in\":true}");
  put (server, "/api/v1/me/presence", tom, "{\"availability\":\"dnd\"}");

  /* Events are sent in order: once tom's last one is here, all are. */
  g_assert_nonnull (cb_test_stream_wait (stream, "presence", tom_id, WAIT_MS));
  g_assert_true (cb_test_stream_has (stream, "presence", bob_id));
  g_assert_true (cb_test_stream_has (stream, "agent-status", tom_id));
  g_assert_true (cb_test_stream_has (stream, "group-login", tom_id));
  g_assert_false (cb_test_stream_has (stream, NULL, nina_id));
  g_assert_false (cb_test_stream_has (stream, "agent-status", bob_id));
  g_assert_false (cb_test_stream_has (stream, "group-login", bob_id));
  g_assert_cmpuint (stream->events->len, ==, 4);
  cb_test_stream_close (stream);

  /* Tom's login shows in vera's snapshot; bob's does not. */
  g_clear_pointer (&vera_node, json_node_unref);
  snap = snapshot (server, vera, &vera_node);
  user = find_by (json_object_get_array_member (snap, "users"), "username", "tom");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (user, "group_logins")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (user, "agent_status"), ==, "wrap-up");

  /* Vera sees the Desk group she shares with bob, but at business level
   * not bob's login to it: the member entry carries no logged_in. */
  {
    JsonObject *desk = find_by (json_object_get_array_member (snap, "groups"), "name", "Desk");
    JsonArray *members = json_object_get_array_member (desk, "members");
    gboolean found_bob = FALSE;

    for (guint i = 0; i < json_array_get_length (members); i++)
      {
        JsonObject *member = json_array_get_object_element (members, i);

        if (json_object_get_int_member (member, "user_id") == bob_id)
          {
            found_bob = TRUE;
            g_assert_false (json_object_has_member (member, "logged_in"));
          }
      }
    g_assert_true (found_bob);
  }

  cb_test_server_stop (server);
}

static void
test_leader (void)
{
  const char *args[] = { "--default-level", "none", NULL };
  CbTestServer *server = cb_test_server_start (directory, args);
  const char *viewers[] = { "lea", "dan", "mo" };
  const char *expected[] = { "team", "team", "public" };

  for (guint i = 0; i < G_N_ELEMENTS (viewers); i++)
    {
      g_autofree char *token = cb_test_sign_in (server, viewers[i], "pw", NULL);
      g_autoptr(JsonNode) node = NULL;
      JsonObject *snap = snapshot (server, token, &node);
      JsonObject *mia = find_by (json_object_get_array_member (snap, "users"), "username", "mia");
      JsonObject *led = find_by (json_object_get_array_member (snap, "groups"), "name", "Led");
      JsonArray *members;

      g_assert_nonnull (mia);
      g_assert_cmpstr (json_object_get_string_member (mia, "level"), ==, expected[i]);
      g_assert_cmpint (json_object_has_member (mia, "agent_status"), ==, g_str_equal (expected[i], "team"));

      /* Leader and deputy see the group without being members. */
      g_assert_nonnull (led);
      members = json_object_get_array_member (led, "members");
      g_assert_cmpuint (json_array_get_length (members), ==, 2);
    }

  /* The leader level is towards members only, not between leaders. */
  {
    g_autofree char *token = cb_test_sign_in (server, "lea", "pw", NULL);
    g_autoptr(JsonNode) node = NULL;
    JsonObject *snap = snapshot (server, token, &node);

    g_assert_null (find_by (json_object_get_array_member (snap, "users"), "username", "dan"));
  }

  cb_test_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/permissions/levels", test_levels);
  g_test_add_func ("/permissions/leader", test_leader);
  return g_test_run ();
}
