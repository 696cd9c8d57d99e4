/* test-sip-visibility.c: a colleague at level "none" never appears in calls or journals
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Vera is at "team" towards Xena (so she sees Xena's calls) and at
 * "none" towards Cleo (for her Cleo does not exist); Tom is at "team"
 * towards both. Xena calls the hunt group all three are rung by, and
 * Cleo takes the call. Vera's event frames (Xena's call events, her own
 * rung call, her journal entry "taken by …"), her journal over REST and
 * her snapshot must hold no id, name or number of Cleo anywhere; Tom
 * sees Cleo in the same places.
 */

#define G_LOG_DOMAIN "cb-test-sip-visibility"

#include "config.h"

#include <string.h>

#include <gst/gst.h>

#include "cb-test-phone.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS

/* Every level above "none" comes from a group: the default is nothing. */
static const char *directory =
  "{\"users\":["
  " {\"username\":\"xena\",\"display_name\":\"Xena Xu\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"vera\",\"display_name\":\"Vera Vogt\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"cleo\",\"display_name\":\"Cleo Quist\",\"extension\":\"273\",\"password\":\"pw\","
  "  \"email\":\"cleo@example.org\"},"
  " {\"username\":\"tom\",\"display_name\":\"Tom Tran\",\"extension\":\"204\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Office\",\"level\":\"team\",\"members\":[\"xena\",\"vera\",\"tom\"]},"
  " {\"name\":\"Backroom\",\"level\":\"team\",\"members\":[\"tom\",\"cleo\"]},"
  " {\"name\":\"Desk\",\"kind\":\"hunt\",\"number\":\"600\",\"strategy\":\"parallel\","
  "  \"level\":\"none\",\"leader_level\":\"none\",\"members\":[\"vera\",\"cleo\",\"tom\"]}]}";

static const char * const server_args[] = { "--sip-port", "0", "--default-level", "none", NULL };

typedef struct {
  CbTestServer *server;
  CbTestPhone   xena, vera, cleo, tom;
  CbTestStream *vera_stream;
  CbTestStream *tom_stream;
} Fixture;

static void
login (Fixture     *fixture,
       CbTestPhone *phone,
       gint64       group_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login", group_id);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = cb_test_request (fixture->server, "PUT", path, phone->token, "{\"logged_in\":true}",
                            &status);
  g_assert_cmpuint (status, ==, 200);
}

static gint64
desk_group_id (Fixture *fixture)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *groups;
  guint status = 0;

  answer = cb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->tom.token, NULL,
                            &status);
  g_assert_cmpuint (status, ==, 200);
  groups = json_object_get_array_member (json_node_get_object (answer), "groups");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);

      if (g_strcmp0 (json_object_get_string_member (group, "name"), "Desk") == 0)
        return json_object_get_int_member (group, "id");
    }
  g_error ("No group Desk in the snapshot");
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  gint64 desk;

  fixture->server = cb_test_server_start (directory, server_args);
  cb_test_phone_start_user (fixture->server, &fixture->xena, "xena", 400, 500);
  cb_test_phone_start_user (fixture->server, &fixture->vera, "vera", 600, 400);
  cb_test_phone_start_user (fixture->server, &fixture->cleo, "cleo", 500, 400);
  cb_test_phone_start_user (fixture->server, &fixture->tom, "tom", 700, 400);
  fixture->vera.manual_answer = fixture->cleo.manual_answer = fixture->tom.manual_answer = TRUE;

  desk = desk_group_id (fixture);
  login (fixture, &fixture->vera, desk);
  login (fixture, &fixture->cleo, desk);
  login (fixture, &fixture->tom, desk);

  fixture->vera_stream = cb_test_stream_open (fixture->server, fixture->vera.token, -1, TRUE);
  fixture->tom_stream = cb_test_stream_open (fixture->server, fixture->tom.token, -1, TRUE);
  g_assert_null (fixture->vera_stream->error);
  g_assert_null (fixture->tom_stream->error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->vera_stream, cb_test_stream_close);
  g_clear_pointer (&fixture->tom_stream, cb_test_stream_close);
  cb_test_phone_clear_all (&fixture->xena, &fixture->vera, &fixture->cleo, &fixture->tom, NULL);
  cb_test_server_stop (fixture->server);
}

typedef struct {
  gint64      id;
  const char *strings[4];   /* name, username, extension, e-mail */
  guint       found;        /* places that name them */
  GString    *where;
} Needle;

/* Whether @word is in @text as a word of its own: a random dialog id
 * ("178273f3-…") holds any short number by chance. */
static gboolean
has_word (const char *text,
          const char *word)
{
  gsize length = strlen (word);

  for (const char *at = strstr (text, word); at != NULL; at = strstr (at + 1, word))
    if ((at == text || !g_ascii_isalnum (at[-1])) && !g_ascii_isalnum (at[length]))
      return TRUE;
  return FALSE;
}

/* Walks every value of node: members ending in "user_id" (and "leader",
 * "deputy", "id" of users) must not be the hidden user's id, and no
 * string may contain their name, user name, number or e-mail. */
static void
search (JsonNode   *node,
        const char *member,
        Needle     *needle)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) names = json_object_get_members (object);

        for (GList *l = names; l != NULL; l = l->next)
          search (json_object_get_member (object, l->data), l->data, needle);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          search (json_array_get_element (array, i), member, needle);
      }
      break;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          const char *text = json_node_get_string (node);

          for (guint i = 0; i < G_N_ELEMENTS (needle->strings); i++)
            if (has_word (text, needle->strings[i]))
              {
                needle->found++;
                g_string_append_printf (needle->where, " %s=“%s”", member, text);
              }
        }
      else if (json_node_get_value_type (node) == G_TYPE_INT64 && member != NULL &&
               (g_str_has_suffix (member, "user_id") || g_str_equal (member, "user_ids") ||
                g_str_equal (member, "leader") || g_str_equal (member, "deputy")) &&
               json_node_get_int (node) == needle->id)
        {
          needle->found++;
          g_string_append_printf (needle->where, " %s=%" G_GINT64_FORMAT, member, needle->id);
        }
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }
}

/* How often `frames` (JsonObject) name Cleo; `where` says how. */
static guint
count_cleo (Fixture    *fixture,
            GPtrArray  *frames,
            JsonNode   *extra,
            GString    *where)
{
  Needle needle = {
    fixture->cleo.user_id, { "Cleo", "cleo", "273", "cleo@example.org" }, 0, where,
  };

  for (guint i = 0; frames != NULL && i < frames->len; i++)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (node, g_ptr_array_index (frames, i));
      search (node, NULL, &needle);
    }
  if (extra != NULL)
    search (extra, NULL, &needle);
  return needle.found;
}

/* The frames of `type` in a stream so far. */
static GPtrArray *
frames_of (CbTestStream *stream,
           const char   *type)
{
  GPtrArray *frames = g_ptr_array_new ();

  for (guint i = 0; i < stream->events->len; i++)
    {
      JsonObject *frame = g_ptr_array_index (stream->events, i);

      if (type == NULL || g_strcmp0 (json_object_get_string_member (frame, "type"), type) == 0)
        g_ptr_array_add (frames, frame);
    }
  return frames;
}

static void
test_hidden_colleague (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) vera_calls = NULL;
  g_autoptr(GPtrArray) vera_all = NULL;
  g_autoptr(GPtrArray) tom_all = NULL;
  g_autoptr(JsonNode) vera_journal = NULL;
  g_autoptr(JsonNode) vera_snapshot = NULL;
  g_autoptr(JsonNode) tom_journal = NULL;
  g_autoptr(GString) where = g_string_new (NULL);
  JsonObject *entry;
  JsonObject *xena_connected = NULL;
  guint status = 0;
  guint found;

  /* Xena calls the group; all three ring; Cleo takes it. */
  cb_test_phone_dial (&fixture->xena, "600");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->cleo) && cb_test_phone_rang (&fixture->vera) &&
                    cb_test_phone_rang (&fixture->tom), WAIT_MS, "the group to ring everyone");
  cb_test_phone_answer (&fixture->cleo);
  cb_test_phone_wait_hears (&fixture->xena, 500, "Xena to hear Cleo");
  cb_sip_call_hangup (fixture->cleo.call);

  /* Vera's journal entry comes after every call event of that call (one
   * transaction, one stream): a barrier for what she may have received. */
  entry = cb_test_stream_wait (fixture->vera_stream, "journal", fixture->vera.user_id, WAIT_MS);
  g_assert_nonnull (entry);
  g_assert_nonnull (cb_test_stream_wait (fixture->tom_stream, "journal", fixture->tom.user_id,
                                         WAIT_MS));

  /* Vera did get Xena's call events, through to the answer: the filter
   * must hide Cleo in them, not drop them. */
  vera_calls = frames_of (fixture->vera_stream, "call");
  for (guint i = 0; i < vera_calls->len; i++)
    {
      JsonObject *call = json_object_get_object_member (g_ptr_array_index (vera_calls, i), "data");

      if (json_object_get_int_member (call, "user_id") == fixture->xena.user_id &&
          g_strcmp0 (json_object_get_string_member (call, "state"), "connected") == 0)
        xena_connected = call;
    }
  g_assert_nonnull (xena_connected);
  g_assert_true (json_object_get_null_member (xena_connected, "remote_user_id"));
  g_assert_cmpstr (json_object_get_string_member (xena_connected, "remote_name"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (xena_connected, "remote_number"), ==, "");

  vera_journal = cb_test_request (fixture->server, "GET", "/api/v1/journal", fixture->vera.token,
                                  NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  vera_snapshot = cb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->vera.token,
                                   NULL, &status);
  g_assert_cmpuint (status, ==, 200);

  vera_all = frames_of (fixture->vera_stream, NULL);
  found = count_cleo (fixture, vera_all, vera_journal, where) +
          count_cleo (fixture, NULL, vera_snapshot, where);
  if (found > 0)
    g_test_message ("Vera saw Cleo:%s", where->str);
  g_assert_cmpuint (found, ==, 0);

  /* The same call as Tom sees it, who is at team towards Cleo. */
  tom_journal = cb_test_request (fixture->server, "GET", "/api/v1/journal", fixture->tom.token,
                                 NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  tom_all = frames_of (fixture->tom_stream, NULL);
  g_assert_cmpuint (count_cleo (fixture, tom_all, NULL, where), >, 0);
  entry = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (tom_journal), "entries"), 0);
  g_assert_cmpint (json_object_get_int_member (entry, "taken_by_user_id"), ==, fixture->cleo.user_id);
  g_assert_cmpstr (json_object_get_string_member (entry, "taken_by_name"), ==, "Cleo Quist");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  g_test_add ("/sip/visibility/hidden-colleague", Fixture, NULL, fixture_setup,
              test_hidden_colleague, fixture_teardown);
  return g_test_run ();
}
