/* test-json-writer.c: the streaming JSON writer: escaping, UTF-8 repair, commas
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "cb-protocol.h"

static char *
one_string (const char *value)
{
  CbJsonWriter *w = cb_json_writer_new (0);

  cb_json_writer_begin_array (w);
  cb_json_writer_string (w, value);
  cb_json_writer_end_array (w);
  return cb_json_writer_free_to_text (w, NULL);
}

/* The text parses, and the string in it reads back as expected. */
static void
assert_reads_back (const char *text,
                   const char *expected)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, expected);
}

static void
test_escaping (void)
{
  static const struct {
    const char *value;
    const char *text;
  } cases[] = {
    { "plain", "[\"plain\"]" },
    { "say \"hi\"", "[\"say \\\"hi\\\"\"]" },
    { "C:\\dir\\", "[\"C:\\\\dir\\\\\"]" },
    { "a\nb\rc\td", "[\"a\\nb\\rc\\td\"]" },
    { "\x01\x1f", "[\"\\u0001\\u001f\"]" },
    { "</script>", "[\"</script>\"]" },
    { "Müller 日本", "[\"Müller 日本\"]" },
    { "", "[\"\"]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = one_string (cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].text);
      assert_reads_back (text, cases[i].value);
    }
}

static void
test_null_string (void)
{
  g_autofree char *text = one_string (NULL);

  g_assert_cmpstr (text, ==, "[\"\"]");
}

static void
test_invalid_utf8 (void)
{
  /* A lone continuation byte and a truncated sequence: each becomes U+FFFD. */
  g_autofree char *text = one_string ("a\x80" "b\xc3");

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpstr (text, ==, "[\"a\xef\xbf\xbd" "b\xef\xbf\xbd\"]");
  assert_reads_back (text, "a\xef\xbf\xbd" "b\xef\xbf\xbd");
}

static void
test_member_names_escaped (void)
{
  CbJsonWriter *w = cb_json_writer_new (0);
  g_autofree char *text = NULL;

  cb_json_writer_begin_object (w);
  cb_json_writer_member (w, "a\"b");
  cb_json_writer_int (w, 1);
  cb_json_writer_end_object (w);
  text = cb_json_writer_free_to_text (w, NULL);
  g_assert_cmpstr (text, ==, "{\"a\\\"b\":1}");
}

static void
test_nesting_and_commas (void)
{
  CbJsonWriter *w = cb_json_writer_new (0);
  g_autofree char *text = NULL;
  gsize length = 0;

  cb_json_writer_begin_object (w);
  cb_json_writer_member (w, "empty_array");
  cb_json_writer_begin_array (w);
  cb_json_writer_end_array (w);
  cb_json_writer_member (w, "empty_object");
  cb_json_writer_begin_object (w);
  cb_json_writer_end_object (w);
  cb_json_writer_member (w, "list");
  cb_json_writer_begin_array (w);
  cb_json_writer_int (w, 1);
  cb_json_writer_int (w, G_MININT64);
  cb_json_writer_begin_object (w);
  cb_json_writer_member (w, "x");
  cb_json_writer_null (w);
  cb_json_writer_member (w, "y");
  cb_json_writer_bool (w, FALSE);
  cb_json_writer_end_object (w);
  cb_json_writer_begin_array (w);
  cb_json_writer_begin_array (w);
  cb_json_writer_end_array (w);
  cb_json_writer_end_array (w);
  cb_json_writer_raw (w, "{\"r\":[1]}");
  cb_json_writer_end_array (w);
  cb_json_writer_member (w, "last");
  cb_json_writer_bool (w, TRUE);
  cb_json_writer_end_object (w);
  text = cb_json_writer_free_to_text (w, &length);

  g_assert_cmpstr (text, ==,
                   "{\"empty_array\":[],\"empty_object\":{},"
                   "\"list\":[1,-9223372036854775808,{\"x\":null,\"y\":false},[[]],{\"r\":[1]}],"
                   "\"last\":true}");
  g_assert_cmpuint (length, ==, strlen (text));
}

static void
test_top_level_scalar (void)
{
  CbJsonWriter *w = cb_json_writer_new (0);
  g_autofree char *text = NULL;

  cb_json_writer_int (w, 42);
  text = cb_json_writer_free_to_text (w, NULL);
  g_assert_cmpstr (text, ==, "42");
}

static void
test_free_unfinished (void)
{
  CbJsonWriter *w = cb_json_writer_new (16);
  g_autoptr(CbJsonWriter) cleaned = cb_json_writer_new (16);

  /* Dropping a half-written document is allowed (an error path). */
  cb_json_writer_begin_object (w);
  cb_json_writer_member (w, "a");
  cb_json_writer_free (w);
  cb_json_writer_begin_array (cleaned);
  cb_json_writer_free (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-writer/escaping", test_escaping);
  g_test_add_func ("/json-writer/null-string", test_null_string);
  g_test_add_func ("/json-writer/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/json-writer/member-names", test_member_names_escaped);
  g_test_add_func ("/json-writer/nesting-and-commas", test_nesting_and_commas);
  g_test_add_func ("/json-writer/top-level-scalar", test_top_level_scalar);
  g_test_add_func ("/json-writer/free-unfinished", test_free_unfinished);

  return g_test_run ();
}
