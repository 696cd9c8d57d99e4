/* test-wire-fields.c: the field table, event audiences, viewers, the sink's enum cache
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "wire-test-support.h"

static void
test_user_field_levels (void)
{
  static const struct {
    const char *name;
    CbLevel     level;
  } expected[] = {
    { "id", CB_LEVEL_PUBLIC },
    { "username", CB_LEVEL_PUBLIC },
    { "display_name", CB_LEVEL_PUBLIC },
    { "kind", CB_LEVEL_PUBLIC },
    { "extension", CB_LEVEL_PUBLIC },
    { "email", CB_LEVEL_PUBLIC },
    { "mobile", CB_LEVEL_PUBLIC },
    { "language", CB_LEVEL_PUBLIC },
    { "time_zone", CB_LEVEL_PUBLIC },
    { "admin", CB_LEVEL_PUBLIC },
    { "level", CB_LEVEL_PUBLIC },
    { "presence", CB_LEVEL_PUBLIC },
    { "line_state", CB_LEVEL_BUSINESS },
    { "agent_status", CB_LEVEL_TEAM },
    { "group_logins", CB_LEVEL_TEAM },
    { "diversion", CB_LEVEL_TEAM },
    { "mobile_ringing", CB_LEVEL_PERSONAL },
    { "announcement", CB_LEVEL_PERSONAL },
    { "external_calls", CB_LEVEL_PERSONAL },
    { "require_encryption", CB_LEVEL_PERSONAL },
    { "calls", CB_LEVEL_TEAM },
    { "pickup", CB_LEVEL_TEAM },
  };
  const CbWireField *fields;
  guint n = 0;

  fields = cb_wire_user_fields (&n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < n; i++)
    {
      /* The table's order is the wire order. */
      g_assert_cmpstr (fields[i].name, ==, expected[i].name);
      g_assert_cmpint (fields[i].level, ==, expected[i].level);
      g_assert_cmpint (cb_wire_user_field_level (expected[i].name), ==, expected[i].level);
    }
}

static void
test_unknown_fields_are_personal (void)
{
  g_assert_cmpint (cb_wire_user_field_level ("private_note"), ==, CB_LEVEL_PERSONAL);
  g_assert_cmpint (cb_wire_user_field_level (""), ==, CB_LEVEL_PERSONAL);
  g_assert_cmpint (cb_wire_user_field_level (NULL), ==, CB_LEVEL_PERSONAL);
  g_assert_cmpint (cb_wire_user_field_level ("Line_State"), ==, CB_LEVEL_PERSONAL);
  g_assert_false (cb_wire_user_field_shown ("private_note", CB_LEVEL_TEAM));
  g_assert_true (cb_wire_user_field_shown ("private_note", CB_LEVEL_PERSONAL));
}

static void
test_field_shown (void)
{
  g_assert_false (cb_wire_user_field_shown ("id", CB_LEVEL_NONE));
  g_assert_true (cb_wire_user_field_shown ("id", CB_LEVEL_PUBLIC));
  g_assert_false (cb_wire_user_field_shown ("line_state", CB_LEVEL_PUBLIC));
  g_assert_true (cb_wire_user_field_shown ("line_state", CB_LEVEL_BUSINESS));
  g_assert_false (cb_wire_user_field_shown ("calls", CB_LEVEL_BUSINESS));
  g_assert_true (cb_wire_user_field_shown ("calls", CB_LEVEL_TEAM));
  g_assert_true (cb_wire_user_field_shown ("pickup", CB_LEVEL_PERSONAL));
  /* Colleagues see where calls go; what the user alone acts on is theirs. */
  g_assert_false (cb_wire_user_field_shown ("diversion", CB_LEVEL_BUSINESS));
  g_assert_true (cb_wire_user_field_shown ("diversion", CB_LEVEL_TEAM));
  g_assert_false (cb_wire_user_field_shown ("mobile_ringing", CB_LEVEL_TEAM));
  g_assert_false (cb_wire_user_field_shown ("announcement", CB_LEVEL_TEAM));
  g_assert_true (cb_wire_user_field_shown ("announcement", CB_LEVEL_PERSONAL));
  g_assert_false (cb_wire_user_field_shown ("require_encryption", CB_LEVEL_TEAM));
}

static void
test_event_audiences (void)
{
  static const struct {
    CbEventType    type;
    const char    *name;
    CbWireAudience audience;
    CbLevel        level;
    gboolean       shared;
  } expected[] = {
    { CB_EVENT_TYPE_PRESENCE, "presence", CB_WIRE_AUDIENCE_SUBJECT_LEVEL, CB_LEVEL_PUBLIC, TRUE },
    { CB_EVENT_TYPE_LINE_STATE, "line-state", CB_WIRE_AUDIENCE_SUBJECT_LEVEL, CB_LEVEL_BUSINESS, TRUE },
    { CB_EVENT_TYPE_AGENT_STATUS, "agent-status", CB_WIRE_AUDIENCE_SUBJECT_LEVEL, CB_LEVEL_TEAM, TRUE },
    { CB_EVENT_TYPE_GROUP_LOGIN, "group-login", CB_WIRE_AUDIENCE_SUBJECT_LEVEL, CB_LEVEL_TEAM, TRUE },
    { CB_EVENT_TYPE_USER, "user", CB_WIRE_AUDIENCE_SUBJECT_LEVEL, CB_LEVEL_PUBLIC, FALSE },
    { CB_EVENT_TYPE_GROUP, "group", CB_WIRE_AUDIENCE_GROUP, CB_LEVEL_PERSONAL, FALSE },
    { CB_EVENT_TYPE_FAVOURITES, "favourites", CB_WIRE_AUDIENCE_SUBJECT_ONLY, CB_LEVEL_PERSONAL, TRUE },
    { CB_EVENT_TYPE_MONITOR, "monitor", CB_WIRE_AUDIENCE_SUBJECT_ONLY, CB_LEVEL_PERSONAL, TRUE },
    { CB_EVENT_TYPE_CALL, "call", CB_WIRE_AUDIENCE_SUBJECT_LEVEL, CB_LEVEL_TEAM, FALSE },
    { CB_EVENT_TYPE_JOURNAL, "journal", CB_WIRE_AUDIENCE_SUBJECT_ONLY, CB_LEVEL_PERSONAL, FALSE },
    { CB_EVENT_TYPE_QUEUE_STATS, "queue-stats", CB_WIRE_AUDIENCE_GROUP, CB_LEVEL_PERSONAL, TRUE },
    { CB_EVENT_TYPE_RESYNC, "resync", CB_WIRE_AUDIENCE_LISTED, CB_LEVEL_PERSONAL, FALSE },
    { CB_EVENT_TYPE_BLF, "blf", CB_WIRE_AUDIENCE_SUBJECT_ONLY, CB_LEVEL_PERSONAL, TRUE },
    { CB_EVENT_TYPE_GROUP_CALLS, "group-calls", CB_WIRE_AUDIENCE_GROUP, CB_LEVEL_PERSONAL, TRUE },
    { CB_EVENT_TYPE_JOURNAL_SEEN, "journal-seen", CB_WIRE_AUDIENCE_SUBJECT_ONLY, CB_LEVEL_PERSONAL, TRUE },
  };
  g_autoptr(GEnumClass) klass = g_type_class_ref (CB_TYPE_EVENT_TYPE);

  /* Every event type has a row, and a new one cannot slip by this test. */
  g_assert_cmpuint (klass->n_values, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      CbEventType type = expected[i].type;
      CbEventType parsed;

      g_assert_cmpint (klass->values[i].value, ==, type);
      g_assert_cmpstr (cb_event_type_to_string (type), ==, expected[i].name);
      g_assert_true (cb_event_type_from_string (expected[i].name, &parsed));
      g_assert_cmpint (parsed, ==, type);
      g_assert_cmpint (cb_wire_event_audience (type), ==, expected[i].audience);
      g_assert_cmpint (cb_wire_event_level (type), ==, expected[i].level);
      g_assert_cmpint (cb_wire_event_is_shared (type), ==, expected[i].shared);
    }

  /* The subject-level events take their level from the user field table. */
  g_assert_cmpint (cb_wire_event_level (CB_EVENT_TYPE_LINE_STATE), ==,
                   cb_wire_user_field_level ("line_state"));
  g_assert_cmpint (cb_wire_event_level (CB_EVENT_TYPE_CALL), ==,
                   cb_wire_user_field_level ("calls"));
  g_assert_cmpint (cb_wire_event_level (CB_EVENT_TYPE_GROUP_LOGIN), ==,
                   cb_wire_user_field_level ("group_logins"));

  /* Only nicks name event types. */
  g_assert_false (cb_event_type_from_string ("line_state", NULL));
  g_assert_false (cb_event_type_from_string ("LINE_STATE", NULL));
  g_assert_false (cb_event_type_from_string ("ping", NULL));
  g_assert_false (cb_event_type_from_string (NULL, NULL));
}

static void
test_other_enum_nicks (void)
{
  g_assert_cmpstr (cb_enum_to_nick (CB_TYPE_CALL_DIRECTION, CB_CALL_DIRECTION_IN), ==, "in");
  g_assert_cmpstr (cb_enum_to_nick (CB_TYPE_CALL_DIRECTION, CB_CALL_DIRECTION_OUT), ==, "out");
  g_assert_cmpstr (cb_enum_to_nick (CB_TYPE_WIRE_CALL_STATE, CB_WIRE_CALL_STATE_RINGING), ==, "ringing");
  g_assert_cmpstr (cb_enum_to_nick (CB_TYPE_WIRE_CALL_STATE, CB_WIRE_CALL_STATE_CONNECTED), ==, "connected");
  g_assert_cmpstr (cb_enum_to_nick (CB_TYPE_WIRE_CALL_STATE, CB_WIRE_CALL_STATE_HELD), ==, "held");
  g_assert_cmpstr (cb_enum_to_nick (CB_TYPE_WIRE_CALL_STATE, CB_WIRE_CALL_STATE_ENDED), ==, "ended");
  g_assert_null (cb_event_type_to_string ((CbEventType) 99));
}

static const WireTestLevel levels[] = {
  { 2, CB_LEVEL_TEAM },
  { 3, CB_LEVEL_PUBLIC },
  { 0 },
};

static void
test_viewer (void)
{
  CbWireViewer viewer = WIRE_TEST_VIEWER (1, levels);
  CbWireViewer blind = { .id = 1 };

  /* Themself, and no viewer at all: everything. */
  g_assert_cmpint (cb_wire_viewer_level (&viewer, 1), ==, CB_LEVEL_PERSONAL);
  g_assert_cmpint (cb_wire_viewer_level (NULL, 2), ==, CB_LEVEL_PERSONAL);
  g_assert_cmpint (cb_wire_viewer_level (&viewer, 2), ==, CB_LEVEL_TEAM);
  g_assert_cmpint (cb_wire_viewer_level (&viewer, 3), ==, CB_LEVEL_PUBLIC);
  g_assert_cmpint (cb_wire_viewer_level (&viewer, 4), ==, CB_LEVEL_NONE);
  g_assert_cmpint (cb_wire_viewer_level (&blind, 2), ==, CB_LEVEL_NONE);

  g_assert_true (cb_wire_viewer_may_see (&viewer, 1));
  g_assert_true (cb_wire_viewer_may_see (&viewer, 3));
  g_assert_false (cb_wire_viewer_may_see (&viewer, 4));
  g_assert_true (cb_wire_viewer_may_see (NULL, 4));
  /* Not one of our users (a trunk number, a group): nothing to hide. */
  g_assert_true (cb_wire_viewer_may_see (&viewer, 0));
  g_assert_true (cb_wire_viewer_may_see (&viewer, -1));
  g_assert_false (cb_wire_viewer_may_see (&blind, 2));
}

/* Enough enum types to overflow the sink's class cache: every nick must
 * still come out right, from several threads at once. */
#define N_TEST_ENUMS 24
#define N_THREADS 4

static GType test_enums[N_TEST_ENUMS];

static void
register_test_enums (void)
{
  for (guint i = 0; i < N_TEST_ENUMS; i++)
    {
      GEnumValue *values = g_new0 (GEnumValue, 3);
      g_autofree char *name = g_strdup_printf ("WireTestEnum%u", i);

      values[0] = (GEnumValue) { 0, "ZERO", g_intern_string ("zero") };
      values[1] = (GEnumValue) { 1, "ONE", g_intern_string (i % 2 ? "one-odd" : "one-even") };
      /* values[2] stays zero: the terminator. The array lives as long as the type. */
      test_enums[i] = g_enum_register_static (g_intern_string (name), values);
    }
}

static gpointer
write_nicks (gpointer data)
{
  guint offset = GPOINTER_TO_UINT (data);

  for (guint round = 0; round < 50; round++)
    {
      CbJsonWriter *writer = cb_json_writer_new (0);
      CbWireSink sink = CB_WIRE_SINK_TEXT (writer);
      g_autofree char *text = NULL;
      g_autoptr(JsonObject) object = NULL;

      cb_wire_sink_begin_object (&sink);
      for (guint i = 0; i < N_TEST_ENUMS; i++)
        {
          g_autofree char *member = g_strdup_printf ("e%u", i);

          cb_wire_sink_put_nick (&sink, member, test_enums[(i + offset) % N_TEST_ENUMS], 1);
        }
      cb_wire_sink_put_nick (&sink, "unknown", test_enums[offset], 7);
      cb_wire_sink_end_object (&sink);
      text = cb_json_writer_free_to_text (writer, NULL);
      object = wire_test_parse (text);

      for (guint i = 0; i < N_TEST_ENUMS; i++)
        {
          g_autofree char *member = g_strdup_printf ("e%u", i);
          guint index = (i + offset) % N_TEST_ENUMS;

          g_assert_cmpstr (json_object_get_string_member (object, member), ==,
                           index % 2 ? "one-odd" : "one-even");
        }
      g_assert_cmpstr (json_object_get_string_member (object, "unknown"), ==, "");
    }
  return NULL;
}

static void
test_nick_cache (void)
{
  GThread *threads[N_THREADS];

  register_test_enums ();
  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("nicks", write_nicks, GUINT_TO_POINTER (i * 5));
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
}

static void
write_scalars (CbWireSink    *sink,
               gconstpointer  object,
               gconstpointer  user_data)
{
  cb_wire_sink_begin_object (sink);
  cb_wire_sink_put_string (sink, "null_string", NULL);
  cb_wire_sink_put_string (sink, "bad_utf8", "x\xff" "y");
  cb_wire_sink_put_string (sink, "quote", "\"\\\n");
  cb_wire_sink_put_int (sink, "zero", 0);
  cb_wire_sink_put_int (sink, "negative", -5);
  cb_wire_sink_put_id (sink, "id", 12);
  cb_wire_sink_put_id (sink, "no_id", 0);
  cb_wire_sink_put_id (sink, "negative_id", -3);
  cb_wire_sink_put_bool (sink, "yes", TRUE);
  cb_wire_sink_put_nick (sink, "level", CB_TYPE_LEVEL, CB_LEVEL_TEAM);
  cb_wire_sink_put_nick (sink, "bad_level", CB_TYPE_LEVEL, 42);
  cb_wire_sink_member (sink, "list");
  cb_wire_sink_begin_array (sink);
  cb_wire_sink_null (sink);
  cb_wire_sink_bool (sink, FALSE);
  cb_wire_sink_begin_object (sink);
  cb_wire_sink_end_object (sink);
  cb_wire_sink_end_array (sink);
  cb_wire_sink_end_object (sink);
}

static void
test_sinks_agree (void)
{
  g_autofree char *text = wire_test_assert_sinks_agree (write_scalars, NULL, NULL);

  g_assert_cmpstr (text, ==,
                   "{\"null_string\":\"\",\"bad_utf8\":\"x\xef\xbf\xbdy\",\"quote\":\"\\\"\\\\\\n\","
                   "\"zero\":0,\"negative\":-5,\"id\":12,\"no_id\":null,\"negative_id\":null,"
                   "\"yes\":true,\"level\":\"team\",\"bad_level\":\"\",\"list\":[null,false,{}]}");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wire-fields/user-field-levels", test_user_field_levels);
  g_test_add_func ("/wire-fields/unknown-fields-are-personal", test_unknown_fields_are_personal);
  g_test_add_func ("/wire-fields/field-shown", test_field_shown);
  g_test_add_func ("/wire-fields/event-audiences", test_event_audiences);
  g_test_add_func ("/wire-fields/other-enum-nicks", test_other_enum_nicks);
  g_test_add_func ("/wire-fields/viewer", test_viewer);
  g_test_add_func ("/wire-sink/nick-cache", test_nick_cache);
  g_test_add_func ("/wire-sink/sinks-agree", test_sinks_agree);

  return g_test_run ();
}
