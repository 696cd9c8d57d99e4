/* test-wire-event.c: event stream frames: their exact text, and parsing ping, events, the unknown and the broken
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "wire-test-support.h"

static void
test_frame_text (void)
{
  g_autofree char *event = cb_wire_frame_event (41, CB_EVENT_TYPE_LINE_STATE,
                                                "{\"user_id\":7,\"line_state\":\"busy\"}");
  g_autofree char *resync = cb_wire_frame_event (42, CB_EVENT_TYPE_RESYNC, "{}");
  g_autofree char *ping = cb_wire_frame_ping (43);
  g_autofree char *pong = cb_wire_frame_pong (0);

  /* The text cb-event-hub.c's frame() and client_ping() write today. */
  g_assert_cmpstr (event, ==,
                   "{\"seq\":41,\"type\":\"line-state\",\"data\":{\"user_id\":7,\"line_state\":\"busy\"}}");
  g_assert_cmpstr (resync, ==, "{\"seq\":42,\"type\":\"resync\",\"data\":{}}");
  g_assert_cmpstr (ping, ==, "{\"type\":\"ping\",\"seq\":43}");
  g_assert_cmpstr (pong, ==, "{\"type\":\"pong\",\"seq\":0}");
}

static void
test_parse_event (void)
{
  g_autofree char *text = cb_wire_frame_event (7, CB_EVENT_TYPE_QUEUE_STATS, "{\"group_id\":3}");
  g_auto(CbWireFrame) frame = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (cb_wire_frame_parse (text, strlen (text), &frame, &error));
  g_assert_no_error (error);
  g_assert_cmpint (frame.kind, ==, CB_WIRE_FRAME_EVENT);
  g_assert_cmpint (frame.seq, ==, 7);
  g_assert_cmpint (frame.type, ==, CB_EVENT_TYPE_QUEUE_STATS);
  g_assert_nonnull (frame.data);
  g_assert_cmpint (json_object_get_int_member (frame.data, "group_id"), ==, 3);

  cb_wire_frame_clear (&frame);
  g_assert_null (frame.data);
  /* Clearing twice is harmless. */
  cb_wire_frame_clear (&frame);
}

static void
test_parse_every_type (void)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (CB_TYPE_EVENT_TYPE);

  for (guint i = 0; i < klass->n_values; i++)
    {
      CbEventType type = klass->values[i].value;
      g_autofree char *text = cb_wire_frame_event (i + 1, type, "{}");
      g_auto(CbWireFrame) frame = { 0 };

      g_assert_true (cb_wire_frame_parse (text, strlen (text), &frame, NULL));
      g_assert_cmpint (frame.kind, ==, CB_WIRE_FRAME_EVENT);
      g_assert_cmpint (frame.type, ==, type);
      g_assert_cmpint (frame.seq, ==, i + 1);
    }
}

static void
test_parse_ping_pong (void)
{
  const char *ping = "{\"type\":\"ping\",\"seq\":12}";
  const char *pong = "{\"seq\":13,\"type\":\"pong\"}";
  g_auto(CbWireFrame) frame = { 0 };

  g_assert_true (cb_wire_frame_parse (ping, strlen (ping), &frame, NULL));
  g_assert_cmpint (frame.kind, ==, CB_WIRE_FRAME_PING);
  g_assert_cmpint (frame.seq, ==, 12);
  g_assert_null (frame.data);

  g_assert_true (cb_wire_frame_parse (pong, strlen (pong), &frame, NULL));
  g_assert_cmpint (frame.kind, ==, CB_WIRE_FRAME_PONG);
  g_assert_cmpint (frame.seq, ==, 13);
}

static void
test_parse_unknown_type (void)
{
  /* A newer server's event, data of any shape: skipped, its seq counted. */
  const char *text = "{\"seq\":99,\"type\":\"conference\",\"data\":[1,2]}";
  g_auto(CbWireFrame) frame = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (cb_wire_frame_parse (text, strlen (text), &frame, &error));
  g_assert_no_error (error);
  g_assert_cmpint (frame.kind, ==, CB_WIRE_FRAME_UNKNOWN);
  g_assert_cmpint (frame.seq, ==, 99);
  g_assert_null (frame.data);
}

static void
test_parse_errors (void)
{
  static const struct {
    const char *text;
    int         code;
    const char *names;
  } cases[] = {
    { "", CB_PROTOCOL_ERROR_INVALID_JSON, NULL },
    { "{\"seq\":1,", CB_PROTOCOL_ERROR_INVALID_JSON, NULL },
    { "[1]", CB_PROTOCOL_ERROR_INVALID_JSON, NULL },
    { "not json", CB_PROTOCOL_ERROR_INVALID_JSON, NULL },
    { "{\"seq\":1,\"data\":{}}", CB_PROTOCOL_ERROR_INVALID_FIELD, "“type”" },
    { "{\"seq\":1,\"type\":5,\"data\":{}}", CB_PROTOCOL_ERROR_INVALID_FIELD, "“type”" },
    { "{\"type\":\"presence\",\"data\":{}}", CB_PROTOCOL_ERROR_INVALID_FIELD, "“seq”" },
    { "{\"seq\":\"1\",\"type\":\"presence\",\"data\":{}}", CB_PROTOCOL_ERROR_INVALID_FIELD, "“seq”" },
    { "{\"type\":\"ping\"}", CB_PROTOCOL_ERROR_INVALID_FIELD, "“seq”" },
    { "{\"seq\":1,\"type\":\"presence\"}", CB_PROTOCOL_ERROR_INVALID_FIELD, "“data”" },
    { "{\"seq\":1,\"type\":\"presence\",\"data\":null}", CB_PROTOCOL_ERROR_INVALID_FIELD, "“data”" },
    { "{\"seq\":1,\"type\":\"presence\",\"data\":[]}", CB_PROTOCOL_ERROR_INVALID_FIELD, "“data”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CbWireFrame frame = { .kind = CB_WIRE_FRAME_PONG, .seq = -5 };
      g_autoptr(GError) error = NULL;

      g_assert_false (cb_wire_frame_parse (cases[i].text, strlen (cases[i].text), &frame, &error));
      g_test_message ("%s: %s", cases[i].text, error->message);
      g_assert_error (error, CB_PROTOCOL_ERROR, cases[i].code);
      if (cases[i].names != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].names));
      /* A frame that failed is left as it was. */
      g_assert_cmpint (frame.kind, ==, CB_WIRE_FRAME_PONG);
      g_assert_cmpint (frame.seq, ==, -5);
      g_assert_null (frame.data);
    }
}

/* A "call" event end to end: the codec's data in a frame, parsed back. */
static void
test_call_frame_round_trip (void)
{
  CbWireCall call = {
    .call_id = "c9", .user_id = 7, .direction = CB_CALL_DIRECTION_IN,
    .from = { 8, "202", "Ben" }, .to = { 7, "201", "" }, .started_at = 1,
  };
  g_autoptr(JsonObject) data = cb_wire_call_to_json (&call, NULL);
  g_autofree char *data_json = cb_json_object_to_string (data);
  g_autofree char *text = cb_wire_frame_event (5, CB_EVENT_TYPE_CALL, data_json);
  g_auto(CbWireFrame) frame = { 0 };
  g_autoptr(CbWireCall) read = NULL;

  g_assert_true (cb_wire_frame_parse (text, strlen (text), &frame, NULL));
  g_assert_cmpint (frame.type, ==, CB_EVENT_TYPE_CALL);
  read = cb_wire_call_from_json (frame.data, NULL);
  g_assert_nonnull (read);
  g_assert_cmpstr (read->from.name, ==, "Ben");
  g_assert_cmpint (read->from.user_id, ==, 8);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wire-event/frame-text", test_frame_text);
  g_test_add_func ("/wire-event/parse-event", test_parse_event);
  g_test_add_func ("/wire-event/parse-every-type", test_parse_every_type);
  g_test_add_func ("/wire-event/parse-ping-pong", test_parse_ping_pong);
  g_test_add_func ("/wire-event/parse-unknown-type", test_parse_unknown_type);
  g_test_add_func ("/wire-event/parse-errors", test_parse_errors);
  g_test_add_func ("/wire-event/call-frame-round-trip", test_call_frame_round_trip);

  return g_test_run ();
}
