/* test-api-description.c: data/callboard-api.json describes exactly the routes the server registers
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server is built in-process from server_lib on a temporary database;
 * its router lists what it really serves.
 */

#define G_LOG_DOMAIN "cb-test-api-description"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "cb-server.h"

static const char *methods[] = { "get", "put", "post", "delete", "patch", "head", "options" };

static JsonObject *
load_description (JsonParser *parser)
{
  const char *data_dir = g_getenv ("CALLBOARD_DATA_DIR");
  g_autofree char *path = g_build_filename (data_dir != NULL ? data_dir : SOURCE_ROOT "/data",
                                            "callboard-api.json", NULL);
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_node_get_object (root);
}

static GPtrArray *
described_routes (JsonObject *api)
{
  GPtrArray *routes = g_ptr_array_new_with_free_func (g_free);
  JsonObject *paths = json_object_get_object_member (api, "paths");
  g_autoptr(GList) names = json_object_get_members (paths);

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *item = json_object_get_object_member (paths, l->data);

      for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
        if (json_object_has_member (item, methods[i]))
          {
            g_autofree char *upper = g_ascii_strup (methods[i], -1);
            g_ptr_array_add (routes, g_strdup_printf ("%s %s", upper, (const char *) l->data));
          }
    }
  return routes;
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static void
test_routes_match (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(CbServerConfig) config = cb_server_config_new ();
  g_autoptr(CbServer) server = NULL;
  g_autoptr(GPtrArray) registered = NULL;
  g_autoptr(GPtrArray) described = NULL;
  g_autoptr(GPtrArray) served = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = g_dir_make_tmp ("cb-api-XXXXXX", &error);
  JsonObject *api;
  const char *prefix;

  g_assert_no_error (error);
  g_free (config->database);
  config->database = g_build_filename (tmpdir, "api.db", NULL);
  server = cb_server_new (config, &error);
  g_assert_no_error (error);

  registered = cb_router_list_routes (cb_server_get_router (server));
  for (guint i = 0; i < registered->len; i++)
    {
      CbRouteInfo *info = g_ptr_array_index (registered, i);
      g_ptr_array_add (served, g_strdup_printf ("%s %s", info->method, info->pattern));
    }

  api = load_description (parser);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (api, "openapi"), "3.0"));
  /* Paths in the file are relative to the server URL, which carries the
   * version prefix. */
  prefix = json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (api, "servers"), 0), "url");
  g_assert_cmpstr (prefix, ==, "/api/v1");

  described = described_routes (api);
  for (guint i = 0; i < described->len; i++)
    {
      char *route = g_ptr_array_index (described, i);
      char *space = strchr (route, ' ');
      char *full = g_strdup_printf ("%.*s %s%s", (int) (space - route), route, prefix, space + 1);

      g_ptr_array_index (described, i) = full;
      g_free (route);
    }

  g_ptr_array_sort (served, compare_strings);
  g_ptr_array_sort (described, compare_strings);
  for (guint i = 0; i < MAX (served->len, described->len); i++)
    {
      const char *s = i < served->len ? g_ptr_array_index (served, i) : "(none)";
      const char *d = i < described->len ? g_ptr_array_index (described, i) : "(none)";

      if (g_strcmp0 (s, d) != 0)
        g_error ("Route mismatch: the server serves “%s”, the description has “%s”", s, d);
    }
  g_assert_cmpuint (served->len, ==, described->len);

  g_clear_object (&server);
  g_unlink (config->database);
  {
    g_autofree char *wal = g_strconcat (config->database, "-wal", NULL);
    g_autofree char *shm = g_strconcat (config->database, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (tmpdir);
}

static void
test_event_types (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *api = load_description (parser);
  g_autoptr(GEnumClass) klass = g_type_class_ref (CB_TYPE_EVENT_TYPE);
  JsonObject *events;

  /* Every event type the protocol knows is described, and the frames
   * that are no events: nothing more. */
  g_assert_true (json_object_has_member (api, "x-events"));
  events = json_object_get_object_member (api, "x-events");
  for (guint i = 0; i < klass->n_values; i++)
    if (!json_object_has_member (events, klass->values[i].value_nick))
      g_error ("x-events lacks “%s”", klass->values[i].value_nick);
  g_assert_true (json_object_has_member (events, "ping"));
  g_assert_true (json_object_has_member (events, "pong"));
  g_assert_cmpuint (json_object_get_size (events), ==, klass->n_values + 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api-description/routes", test_routes_match);
  g_test_add_func ("/api-description/event-types", test_event_types);
  return g_test_run ();
}
