/* wire-test-support.c: what the wire codec tests share: both sinks, leak scans
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "wire-test-support.h"

char *
wire_test_text (CbWireWriteFunc write,
                gconstpointer   object,
                gconstpointer   user_data)
{
  CbJsonWriter *writer = cb_json_writer_new (256);
  CbWireSink sink = CB_WIRE_SINK_TEXT (writer);

  write (&sink, object, user_data);
  return cb_json_writer_free_to_text (writer, NULL);
}

char *
wire_test_serialise (JsonObject *object)
{
  return cb_json_object_to_string (object);
}

JsonObject *
wire_test_parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = cb_json_parse_object (text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (object);
  return object;
}

char *
wire_test_assert_sinks_agree (CbWireWriteFunc write,
                              gconstpointer   object,
                              gconstpointer   user_data)
{
  g_autofree char *text = wire_test_text (write, object, user_data);
  g_autoptr(JsonObject) from_text = wire_test_parse (text);
  g_autoptr(JsonObject) from_tree = cb_wire_build_object (write, object, user_data);
  g_autoptr(JsonNode) text_node = json_node_init_object (json_node_alloc (), from_text);
  g_autoptr(JsonNode) tree_node = json_node_init_object (json_node_alloc (), from_tree);
  g_autofree char *text_again = wire_test_serialise (from_text);
  g_autofree char *tree_text = wire_test_serialise (from_tree);

  g_assert_nonnull (from_tree);
  g_assert_true (json_node_equal (text_node, tree_node));
  /* json_node_equal() ignores member order; the serialisations do not. */
  g_assert_cmpstr (text_again, ==, tree_text);
  return g_steal_pointer (&text);
}

void
wire_test_assert_absent (const char         *text,
                         const char * const *needles)
{
  for (guint i = 0; needles[i] != NULL; i++)
    if (strstr (text, needles[i]) != NULL)
      g_error ("“%s” leaked into %s", needles[i], text);
}

void
wire_test_assert_present (const char         *text,
                          const char * const *needles)
{
  for (guint i = 0; needles[i] != NULL; i++)
    if (strstr (text, needles[i]) == NULL)
      g_error ("“%s” missing from %s", needles[i], text);
}

CbLevel
wire_test_level_func (gint64   viewer,
                      gint64   user_id,
                      gpointer data)
{
  const WireTestLevel *levels = data;

  g_assert_cmpint (user_id, !=, viewer);   /* themself is the codec's answer */
  g_assert_cmpint (user_id, >, 0);
  for (guint i = 0; levels[i].user_id != 0; i++)
    if (levels[i].user_id == user_id)
      return levels[i].level;
  return CB_LEVEL_NONE;
}
