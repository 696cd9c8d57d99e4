/* test-blf.c: busy lamp field keys over REST and events, against a real callboardd
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Anna keeps her own keys (a colleague, a hunt group, a number) in the
 * order she likes; the Reception group gives her a key she may not
 * remove; targets she cannot see or that have no lamp are refused with
 * the field named; every change reaches her other devices as a "blf"
 * event and her snapshot carries the field.
 */

#define G_LOG_DOMAIN "cb-test-blf"

#include "config.h"

#include <string.h>

#include "cb-test-server.h"

#define WAIT_MS 5000

static const char *directory =
  "{\"users\":["
  " {\"username\":\"root\",\"display_name\":\"Root\",\"password\":\"pw\",\"admin\":true},"
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\","
  "  \"blf\":[{\"user\":\"ben\",\"label\":\"Ben (desk)\"}]},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carl\",\"display_name\":\"Carl\",\"extension\":\"203\",\"password\":\"pw\"},"
  " {\"username\":\"dora\",\"display_name\":\"Dora\",\"extension\":\"204\",\"password\":\"pw\"},"
  " {\"username\":\"lobby\",\"display_name\":\"Lobby phone\",\"extension\":\"290\",\"kind\":\"device\"}],"
  "\"groups\":["
  " {\"name\":\"Support\",\"kind\":\"hunt\",\"number\":\"600\",\"level\":\"team\","
  "  \"members\":[\"anna\",\"ben\"]},"
  " {\"name\":\"Office\",\"level\":\"business\",\"members\":[\"anna\",\"carl\",\"lobby\"]},"
  " {\"name\":\"Reception\",\"level\":\"business\",\"members\":[\"anna\"],"
  "  \"blf\":[{\"user\":\"carl\"},{\"group\":\"Support\",\"label\":\"Hotline\"},{\"user\":\"anna\"}]},"
  " {\"name\":\"Everyone\",\"level\":\"none\",\"leader\":\"root\",\"leader_level\":\"public\","
  "  \"members\":[\"anna\",\"ben\",\"carl\",\"dora\",\"lobby\"]}]}";

static const char * const server_args[] = { "--default-level", "none", NULL };

typedef struct {
  CbTestServer *server;
  char         *anna;
  char         *root;
  gint64        anna_id, ben_id, carl_id, dora_id, lobby_id, support_id, office_id, reception_id;
} Fixture;

static gint64
group_id (Fixture    *fixture,
          const char *name)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *groups;

  answer = cb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->root, NULL, NULL);
  groups = json_object_get_array_member (json_node_get_object (answer), "groups");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);

      if (g_str_equal (json_object_get_string_member (group, "name"), name))
        return json_object_get_int_member (group, "id");
    }
  g_error ("No group %s", name);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = cb_test_server_start (directory, server_args);
  fixture->anna = cb_test_sign_in (fixture->server, "anna", "pw", &fixture->anna_id);
  fixture->root = cb_test_sign_in (fixture->server, "root", "pw", NULL);
  fixture->ben_id = cb_test_user_id (fixture->server, fixture->root, "ben");
  fixture->carl_id = cb_test_user_id (fixture->server, fixture->root, "carl");
  fixture->dora_id = cb_test_user_id (fixture->server, fixture->root, "dora");
  fixture->lobby_id = cb_test_user_id (fixture->server, fixture->root, "lobby");
  fixture->support_id = group_id (fixture, "Support");
  fixture->office_id = group_id (fixture, "Office");
  fixture->reception_id = group_id (fixture, "Reception");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_free (fixture->anna);
  g_free (fixture->root);
  cb_test_server_stop (fixture->server);
}

/* "u<id>", "g<id>" or "n<number>" for each key, then "*" when distributed. */
static char *
describe (JsonArray *keys)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      JsonObject *key = json_array_get_object_element (keys, i);
      const char *kind = json_object_get_string_member (key, "kind");

      if (i > 0)
        g_string_append_c (text, ' ');
      if (g_str_equal (kind, "user"))
        g_string_append_printf (text, "u%" G_GINT64_FORMAT, json_object_get_int_member (key, "user_id"));
      else if (g_str_equal (kind, "group"))
        g_string_append_printf (text, "g%" G_GINT64_FORMAT, json_object_get_int_member (key, "group_id"));
      else
        g_string_append_printf (text, "n%s", json_object_get_string_member (key, "number"));
      if (json_object_get_boolean_member (key, "distributed"))
        g_string_append_c (text, '*');
    }
  return g_string_free (text, FALSE);
}

static JsonArray *
keys_of (JsonNode *answer)
{
  return json_object_get_array_member (json_node_get_object (answer), "keys");
}

static JsonNode *
send (Fixture    *fixture,
      const char *method,
      const char *path,
      const char *body,
      guint       expected)
{
  JsonNode *answer = NULL;
  g_autofree char *full = g_strconcat ("/api/v1/me/blf", path, NULL);

  cb_test_request_expect (fixture->server, method, full, fixture->anna, body, expected, &answer);
  return answer;
}

static gint64
key_id (JsonArray *keys,
        guint      index)
{
  return json_object_get_int_member (json_array_get_object_element (keys, index), "id");
}

/* Imported keys, own ones first; the group's key for Anna herself is left out. */
static void
test_imported (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonNode) answer = send (fixture, "GET", "", NULL, 200);
  g_autoptr(JsonNode) snapshot = NULL;
  g_autofree char *got = describe (keys_of (answer));
  g_autofree char *expect = g_strdup_printf ("u%" G_GINT64_FORMAT " u%" G_GINT64_FORMAT "* g%"
                                             G_GINT64_FORMAT "*", fixture->ben_id,
                                             fixture->carl_id, fixture->support_id);
  g_autofree char *in_snapshot = NULL;
  JsonObject *first = json_array_get_object_element (keys_of (answer), 0);
  JsonObject *hotline = json_array_get_object_element (keys_of (answer), 2);

  g_assert_cmpstr (got, ==, expect);
  g_assert_cmpstr (json_object_get_string_member (first, "label"), ==, "Ben (desk)");
  g_assert_cmpstr (json_object_get_string_member (hotline, "label"), ==, "Hotline");

  snapshot = cb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->anna, NULL, NULL);
  in_snapshot = describe (json_object_get_array_member (json_node_get_object (snapshot), "blf"));
  g_assert_cmpstr (in_snapshot, ==, expect);
}

/* Add, reorder, relabel, remove; each change also reaches her other devices. */
static void
test_edit (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(JsonNode) added = NULL;
  g_autoptr(JsonNode) ordered = NULL;
  g_autoptr(JsonNode) relabelled = NULL;
  g_autoptr(JsonNode) removed = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *got = NULL;
  g_autofree char *expect = NULL;
  g_autofree char *in_event = NULL;
  CbTestStream *stream = cb_test_stream_open (fixture->server, fixture->anna, -1, TRUE);
  JsonObject *event;
  JsonArray *keys;
  gint64 ben_key, lobby_key;

  g_assert_null (stream->error);
  body = g_strdup_printf ("{\"kind\":\"user\",\"user_id\":%" G_GINT64_FORMAT "}", fixture->lobby_id);
  json_node_unref (send (fixture, "POST", "", "{\"kind\":\"number\",\"number\":\"+49 110\","
                         "\"label\":\"Police\"}", 201));
  added = send (fixture, "POST", "", body, 201);
  keys = keys_of (added);
  got = describe (keys);
  expect = g_strdup_printf ("u%" G_GINT64_FORMAT " n+49 110 u%" G_GINT64_FORMAT " u%" G_GINT64_FORMAT
                            "* g%" G_GINT64_FORMAT "*", fixture->ben_id, fixture->lobby_id,
                            fixture->carl_id, fixture->support_id);
  g_assert_cmpstr (got, ==, expect);
  ben_key = key_id (keys, 0);
  lobby_key = key_id (keys, 2);

  /* The last change's event holds the same field. */
  event = cb_test_stream_wait (stream, "blf", 0, WAIT_MS);
  event = cb_test_stream_wait (stream, "blf", 0, WAIT_MS);
  g_assert_nonnull (event);
  in_event = describe (json_object_get_array_member (json_object_get_object_member (event, "data"),
                                                     "keys"));
  g_assert_cmpstr (in_event, ==, expect);

  /* Reordered: the lobby phone first, the number dropped; ids kept. */
  g_free (body);
  body = g_strdup_printf ("{\"keys\":[{\"id\":%" G_GINT64_FORMAT ",\"kind\":\"user\",\"user_id\":%"
                          G_GINT64_FORMAT "},{\"id\":%" G_GINT64_FORMAT ",\"kind\":\"user\",\"user_id\":%"
                          G_GINT64_FORMAT ",\"label\":\"Ben\"}]}",
                          lobby_key, fixture->lobby_id, ben_key, fixture->ben_id);
  ordered = send (fixture, "PUT", "", body, 200);
  keys = keys_of (ordered);
  g_assert_cmpint (key_id (keys, 0), ==, lobby_key);
  g_assert_cmpint (key_id (keys, 1), ==, ben_key);
  g_assert_cmpuint (json_array_get_length (keys), ==, 4);

  path = g_strdup_printf ("/%" G_GINT64_FORMAT, lobby_key);
  relabelled = send (fixture, "PATCH", path, "{\"label\":\"Lobby\"}", 200);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (keys_of (relabelled), 0),
                                                  "label"), ==, "Lobby");
  removed = send (fixture, "DELETE", path, NULL, 200);
  g_assert_cmpuint (json_array_get_length (keys_of (removed)), ==, 3);
  g_assert_cmpint (key_id (keys_of (removed), 0), ==, ben_key);

  cb_test_stream_close (stream);
}

/* Refused: what she cannot see, what has no lamp, what is no number, a
 * key a group gives her, a key of someone else. */
static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JsonNode) answer = send (fixture, "GET", "", NULL, 200);
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) root_keys = NULL;
  g_autofree char *dora = g_strdup_printf ("{\"kind\":\"user\",\"user_id\":%" G_GINT64_FORMAT "}",
                                           fixture->dora_id);
  g_autofree char *office = g_strdup_printf ("{\"kind\":\"group\",\"group_id\":%" G_GINT64_FORMAT "}",
                                             fixture->office_id);
  g_autofree char *long_label = NULL;
  g_autofree char *distributed = g_strdup_printf ("/%" G_GINT64_FORMAT, key_id (keys_of (answer), 1));
  g_autofree char *foreign = NULL;
  g_autofree char *put_foreign = NULL;
  g_autoptr(GString) label = g_string_new (NULL);

  for (guint i = 0; i < 65; i++)
    g_string_append (label, "é");
  long_label = g_strdup_printf ("{\"kind\":\"number\",\"number\":\"110\",\"label\":\"%s\"}", label->str);

  json_node_unref (send (fixture, "POST", "", dora, 404));
  json_node_unref (send (fixture, "POST", "", office, 422));
  json_node_unref (send (fixture, "POST", "", "{\"kind\":\"number\",\"number\":\"call me\"}", 422));
  json_node_unref (send (fixture, "POST", "", "{\"kind\":\"number\"}", 422));
  json_node_unref (send (fixture, "POST", "", "{\"kind\":\"lamp\"}", 422));
  json_node_unref (send (fixture, "POST", "", long_label, 422));
  json_node_unref (send (fixture, "POST", "", "[1]", 400));
  refused = send (fixture, "DELETE", distributed, NULL, 409);
  g_assert_cmpstr (cb_test_error_code (refused), ==, "from-group");
  json_node_unref (send (fixture, "DELETE", "/987654", NULL, 404));

  /* Root's keys are not Anna's to name. */
  cb_test_request_expect (fixture->server, "POST", "/api/v1/me/blf", fixture->root,
                          "{\"kind\":\"number\",\"number\":\"112\"}", 201, &root_keys);
  foreign = g_strdup_printf ("/%" G_GINT64_FORMAT, key_id (keys_of (root_keys), 0));
  json_node_unref (send (fixture, "DELETE", foreign, NULL, 404));
  put_foreign = g_strdup_printf ("{\"keys\":[{\"id\":%" G_GINT64_FORMAT ",\"kind\":\"number\","
                                 "\"number\":\"112\"}]}", key_id (keys_of (root_keys), 0));
  json_node_unref (send (fixture, "PUT", "", put_foreign, 404));

  /* Nothing of that changed her field. */
  {
    g_autoptr(JsonNode) after = send (fixture, "GET", "", NULL, 200);
    g_autofree char *before_text = describe (keys_of (answer));
    g_autofree char *after_text = describe (keys_of (after));

    g_assert_cmpstr (after_text, ==, before_text);
  }
}

/* An administrator changes the group's keys: its members resync. */
static void
test_distributed_edit (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/groups/%" G_GINT64_FORMAT,
                                           fixture->reception_id);
  g_autofree char *body = g_strdup_printf ("{\"blf\":[{\"kind\":\"user\",\"user_id\":%" G_GINT64_FORMAT
                                           "},{\"kind\":\"number\",\"number\":\"0800\"}]}",
                                           fixture->ben_id);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) keys = NULL;
  g_autofree char *got = NULL;
  g_autofree char *expect = NULL;
  CbTestStream *stream = cb_test_stream_open (fixture->server, fixture->anna, -1, TRUE);

  cb_test_request_expect (fixture->server, "PATCH", path, fixture->root, body, 200, &answer);
  g_assert_nonnull (cb_test_stream_wait (stream, "resync", 0, WAIT_MS));

  /* Ben is hers already: the group's key for him is left out. */
  keys = send (fixture, "GET", "", NULL, 200);
  got = describe (keys_of (keys));
  expect = g_strdup_printf ("u%" G_GINT64_FORMAT " n0800*", fixture->ben_id);
  g_assert_cmpstr (got, ==, expect);

  g_clear_pointer (&answer, json_node_unref);
  cb_test_request_expect (fixture->server, "PATCH", path, fixture->root,
                          "{\"blf\":[{\"kind\":\"group\",\"group_id\":999}]}", 404, &answer);
  cb_test_stream_close (stream);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/blf/imported", Fixture, NULL, fixture_setup, test_imported, fixture_teardown);
  g_test_add ("/blf/edit", Fixture, NULL, fixture_setup, test_edit, fixture_teardown);
  g_test_add ("/blf/refused", Fixture, NULL, fixture_setup, test_refused, fixture_teardown);
  g_test_add ("/blf/distributed-edit", Fixture, NULL, fixture_setup, test_distributed_edit,
              fixture_teardown);
  return g_test_run ();
}
