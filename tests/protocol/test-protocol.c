/* test-protocol.c: enum and JSON codecs shared by client and server
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cb-protocol.h"

static void
test_enum_nicks (void)
{
  int value = -1;

  g_assert_cmpstr (cb_enum_to_nick (CB_TYPE_LINE_STATE, CB_LINE_STATE_ON_HOLD), ==, "on-hold");
  g_assert_cmpstr (cb_enum_to_nick (CB_TYPE_AGENT_STATUS, CB_AGENT_STATUS_WRAP_UP), ==, "wrap-up");
  g_assert_cmpstr (cb_enum_to_nick (CB_TYPE_AVAILABILITY, CB_AVAILABILITY_DND), ==, "dnd");
  g_assert_cmpstr (cb_enum_to_nick (CB_TYPE_LEVEL, CB_LEVEL_PERSONAL), ==, "personal");
  g_assert_null (cb_enum_to_nick (CB_TYPE_LEVEL, 99));

  g_assert_true (cb_enum_from_nick (CB_TYPE_AGENT_STATUS, "not-available", &value));
  g_assert_cmpint (value, ==, CB_AGENT_STATUS_NOT_AVAILABLE);
  g_assert_false (cb_enum_from_nick (CB_TYPE_AGENT_STATUS, "NOT_AVAILABLE", &value));
  g_assert_false (cb_enum_from_nick (CB_TYPE_AGENT_STATUS, NULL, &value));
  g_assert_cmpint (value, ==, CB_AGENT_STATUS_NOT_AVAILABLE);
}

static void
test_error_body_round_trip (void)
{
  g_autofree char *body = cb_json_error_body (CB_PROTOCOL_ERROR_PAYLOAD_TOO_LARGE, "too big");
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (cb_protocol_error_to_http_status (CB_PROTOCOL_ERROR_PAYLOAD_TOO_LARGE), ==, 413);
  g_assert_cmpuint (cb_protocol_error_to_http_status (CB_PROTOCOL_ERROR_INVALID_FIELD), ==, 422);
  g_assert_true (cb_json_parse_error_body (body, strlen (body), &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_PAYLOAD_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, "too big");

  g_assert_false (cb_json_parse_error_body ("{\"ok\":1}", 8, NULL));
  g_assert_cmpint (cb_protocol_error_from_code ("no-such-code"), ==, CB_PROTOCOL_ERROR_INTERNAL);
}

static void
test_parse_object_rejects (void)
{
  const char *bad[] = { "", "{", "[1,2]", "42", "{\"a\":}", "nul" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = cb_json_parse_object (bad[i], strlen (bad[i]), &error);

      g_assert_null (object);
      g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON);
    }
}

static void
test_typed_members (void)
{
  const char *json = "{\"s\":\"x\",\"i\":5,\"b\":true,\"e\":\"wrap-up\",\"ids\":[3,4],"
                     "\"bad_ids\":[3,\"x\"],\"f\":1.5}";
  g_autoptr(JsonObject) object = cb_json_parse_object (json, strlen (json), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  const char *s = NULL;
  gint64 i = 0;
  gboolean b = FALSE;
  int e = -1;

  g_assert_nonnull (object);
  g_assert_true (cb_json_get_string (object, "s", TRUE, &s, NULL));
  g_assert_cmpstr (s, ==, "x");
  g_assert_true (cb_json_get_int (object, "i", TRUE, &i, NULL));
  g_assert_cmpint (i, ==, 5);
  g_assert_true (cb_json_get_bool (object, "b", TRUE, &b, NULL));
  g_assert_true (b);
  g_assert_true (cb_json_get_enum (object, "e", CB_TYPE_AGENT_STATUS, TRUE, &e, NULL));
  g_assert_cmpint (e, ==, CB_AGENT_STATUS_WRAP_UP);
  g_assert_true (cb_json_get_id_array (object, "ids", TRUE, &ids, NULL));
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, 4);

  /* Absent optional members leave the value alone. */
  s = "kept";
  g_assert_true (cb_json_get_string (object, "missing", FALSE, &s, NULL));
  g_assert_cmpstr (s, ==, "kept");

  /* Wrong types and unknown enum values name the field. */
  g_assert_false (cb_json_get_int (object, "s", TRUE, &i, &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD);
  g_assert_nonnull (strstr (error->message, "“s”"));
  g_clear_error (&error);
  g_assert_false (cb_json_get_int (object, "f", TRUE, &i, &error));
  g_clear_error (&error);
  g_assert_false (cb_json_get_enum (object, "s", CB_TYPE_AGENT_STATUS, TRUE, &e, &error));
  g_assert_nonnull (strstr (error->message, "wrap-up"));
  g_clear_error (&error);
  g_assert_false (cb_json_get_id_array (object, "bad_ids", TRUE, &ids, &error));
  g_clear_error (&error);
  g_assert_false (cb_json_get_string (object, "missing", TRUE, &s, &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/enum-nicks", test_enum_nicks);
  g_test_add_func ("/protocol/error-body", test_error_body_round_trip);
  g_test_add_func ("/protocol/parse-object-rejects", test_parse_object_rejects);
  g_test_add_func ("/protocol/typed-members", test_typed_members);

  return g_test_run ();
}
