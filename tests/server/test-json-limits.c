/* test-json-limits.c: nesting depth and text validity of JSON from clients
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib parses recursively without a depth limit and turns a lone
 * surrogate escape into invalid UTF-8. Against the real callboardd (with
 * a body limit large enough for a nesting that would overflow its stack)
 * and, for WebSocket frames, the protocol's frame parser in process.
 */

#define G_LOG_DOMAIN "cb-test-json-limits"

#include "config.h"

#include <string.h>

#include "cb-protocol.h"
#include "cb-test-server.h"

#define WAIT_MS 5000

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"level\":\"team\",\"members\":[\"anna\",\"ben\"]}]}";

static CbTestServer *server;

static char *
nested (const char *before,
        guint       levels,
        const char *after)
{
  GString *text = g_string_new (before);

  for (guint i = 0; i < levels; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < levels; i++)
    g_string_append_c (text, ']');
  g_string_append (text, after);
  return g_string_free (text, FALSE);
}

static const char *
error_message (JsonNode *answer)
{
  JsonObject *error;

  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer) ||
      !json_object_has_member (json_node_get_object (answer), "error"))
    return "";
  error = json_object_get_object_member (json_node_get_object (answer), "error");
  return json_object_get_string_member_with_default (error, "message", "");
}

static void
expect_refused (const char *method,
                const char *path,
                const char *token,
                const char *body,
                guint       status,
                const char *code,
                const char *in_message)
{
  g_autoptr(JsonNode) answer = NULL;
  guint got = 0;

  answer = cb_test_request (server, method, path, token, body, &got);
  if (got != status)
    g_error ("%s %s: expected %u, got %u (%s)", method, path, status, got, error_message (answer));
  g_assert_cmpstr (cb_test_error_code (answer), ==, code);
  if (strstr (error_message (answer), in_message) == NULL)
    g_error ("“%s” does not mention “%s”", error_message (answer), in_message);
  cb_test_assert_healthy (server);
}

/* Deeper than 64 levels is refused with a clear 400 before parsing; 64
 * itself parses (and is then the wrong type for the field). */
static void
test_depth (void)
{
  g_autofree char *token = cb_test_sign_in (server, "anna", "pw", NULL);
  g_autofree char *deep = nested ("{\"availability\":\"away\",\"note\":", 100, "}");
  g_autofree char *limit = nested ("{\"availability\":\"away\",\"note\":", 63, "}");
  g_autofree char *in_string = g_strdup_printf ("{\"availability\":\"away\",\"note\":\"%s\"}",
                                                "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                                                "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");

  expect_refused ("PUT", "/api/v1/me/presence", token, deep, 400, "invalid-json", "too deeply nested");
  expect_refused ("PUT", "/api/v1/me/presence", token, limit, 422, "invalid-field", "note");
  /* Brackets inside a string are text, not nesting. */
  {
    g_autoptr(JsonNode) answer = NULL;
    guint status = 0;

    answer = cb_test_request (server, "PUT", "/api/v1/me/presence", token, in_string, &status);
    g_assert_cmpuint (status, ==, 200);
  }
}

/* A sign-in body nested a million levels deep: before authentication,
 * and far beyond what the server's stack survives without the limit. */
static void
test_depth_before_sign_in (void)
{
  g_autofree char *deep = nested ("{\"username\":\"anna\",\"password\":", 1000000, "}");

  expect_refused ("POST", "/api/v1/session", NULL, deep, 400, "invalid-json", "too deeply nested");
  g_assert_true (cb_test_server_alive (server));
}

/* Client frames go through the same parser. */
static void
test_frame_depth (void)
{
  g_autofree char *deep = nested ("{\"type\":\"pong\",\"seq\":1,\"x\":", 65, "}");
  g_autofree char *fine = nested ("{\"type\":\"pong\",\"seq\":1,\"x\":", 63, "}");
  g_auto(CbWireFrame) frame = { 0 };
  g_auto(CbWireFrame) ok = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_false (cb_wire_frame_parse (deep, strlen (deep), &frame, &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON);
  g_assert_nonnull (strstr (error->message, "too deeply nested"));
  g_clear_error (&error);

  g_assert_true (cb_wire_frame_parse (fine, strlen (fine), &ok, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ok.kind, ==, CB_WIRE_FRAME_PONG);
}

static const char *
current_note (const char *token)
{
  static char *note;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *presence;
  guint status = 0;

  answer = cb_test_request (server, "GET", "/api/v1/snapshot", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  presence = json_object_get_object_member (json_object_get_object_member (json_node_get_object (answer), "me"),
                                            "presence");
  g_free (note);
  note = g_strdup (json_object_get_string_member_with_default (presence, "note", ""));
  g_assert_true (g_utf8_validate (note, -1, NULL));
  return note;
}

/* Lone surrogates, raw invalid bytes and NUL escapes in a string are
 * refused naming the field; nothing of them is stored or sent. A proper
 * surrogate pair is a character like any other. */
static void
test_invalid_text (void)
{
  const char *bodies[] = {
    "{\"availability\":\"away\",\"note\":\"before \\ud800 after\"}",
    "{\"availability\":\"away\",\"note\":\"before \\udc00\\ud800 after\"}",
    "{\"availability\":\"away\",\"note\":\"high at the end \\ud83d\"}",
    "{\"availability\":\"away\",\"note\":\"raw \xed\xa0\x80 bytes\"}",
    "{\"availability\":\"away\",\"note\":\"raw \xff byte\"}",
    "{\"availability\":\"away\",\"note\":\"cut \\u0000 here\"}",
  };
  g_autofree char *anna = cb_test_sign_in (server, "anna", "pw", NULL);
  g_autofree char *ben = cb_test_sign_in (server, "ben", "pw", NULL);
  CbTestStream *stream = cb_test_stream_open (server, ben, -1, TRUE);
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *event;
  guint status = 0;

  g_assert_no_error (stream->error);
  answer = cb_test_request (server, "PUT", "/api/v1/me/presence", anna,
                            "{\"availability\":\"away\",\"note\":\"kept\"}", &status);
  g_assert_cmpuint (status, ==, 200);

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_test_message ("body %u", i);
      expect_refused ("PUT", "/api/v1/me/presence", anna, bodies[i], 422, "invalid-field", "“note”");
      g_assert_cmpstr (current_note (anna), ==, "kept");
    }
  /* A member name is checked as well, and so is a sign-in. */
  expect_refused ("PUT", "/api/v1/me/presence", anna,
                  "{\"availability\":\"away\",\"n\\ud800\":\"x\"}", 422, "invalid-field", "UTF-8");
  expect_refused ("POST", "/api/v1/session", NULL,
                  "{\"username\":\"anna\\udfff\",\"password\":\"pw\"}", 422, "invalid-field", "“username”");

  g_clear_pointer (&answer, json_node_unref);
  answer = cb_test_request (server, "PUT", "/api/v1/me/presence", anna,
                            "{\"availability\":\"away\",\"note\":\"smile \\ud83d\\ude00\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (current_note (anna), ==, "smile \xf0\x9f\x98\x80");
  event = cb_test_stream_wait_data (stream, "presence", 0, NULL, NULL, WAIT_MS);
  g_assert_nonnull (event);
  /* ben saw "kept" first, then the smile: no event for a refused note. */
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (event, "data"), "note"),
                   ==, "kept");
  event = cb_test_stream_wait_data (stream, "presence", 0, NULL, NULL, WAIT_MS);
  g_assert_nonnull (event);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (event, "data"), "note"),
                   ==, "smile \xf0\x9f\x98\x80");
  cb_test_stream_close (stream);
}

int
main (int   argc,
      char *argv[])
{
  const char *args[] = { "--max-body", "2100000", NULL };
  int result;

  g_test_init (&argc, &argv, NULL);
  server = cb_test_server_start (directory, args);

  g_test_add_func ("/json-limits/depth", test_depth);
  g_test_add_func ("/json-limits/depth-before-sign-in", test_depth_before_sign_in);
  g_test_add_func ("/json-limits/frame-depth", test_frame_depth);
  g_test_add_func ("/json-limits/invalid-text", test_invalid_text);
  result = g_test_run ();

  cb_test_server_stop (server);
  return result;
}
