/* test-wire-blf.c: busy lamp field keys and a group's ringing count on the wire
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "wire-test-support.h"

static void
write_key (CbWireSink    *sink,
           gconstpointer  key,
           gconstpointer  unused)
{
  cb_wire_blf_key_write (sink, key);
}

static void
test_key_text (void)
{
  CbWireBlfKey user = { 12, CB_BLF_KEY_KIND_USER, 7, NULL, "Reception", FALSE };
  CbWireBlfKey group = { 13, CB_BLF_KEY_KIND_GROUP, 3, NULL, NULL, TRUE };
  CbWireBlfKey number = { 14, CB_BLF_KEY_KIND_NUMBER, 0, "+49 30 1234", "Taxi", FALSE };
  g_autofree char *user_text = wire_test_assert_sinks_agree (write_key, &user, NULL);
  g_autofree char *group_text = wire_test_assert_sinks_agree (write_key, &group, NULL);
  g_autofree char *number_text = wire_test_assert_sinks_agree (write_key, &number, NULL);

  g_assert_cmpstr (user_text, ==,
                   "{\"id\":12,\"kind\":\"user\",\"user_id\":7,\"label\":\"Reception\",\"distributed\":false}");
  g_assert_cmpstr (group_text, ==,
                   "{\"id\":13,\"kind\":\"group\",\"group_id\":3,\"label\":\"\",\"distributed\":true}");
  g_assert_cmpstr (number_text, ==,
                   "{\"id\":14,\"kind\":\"number\",\"number\":\"+49 30 1234\",\"label\":\"Taxi\",\"distributed\":false}");
}

static void
test_key_round_trip (void)
{
  CbWireBlfKey group = { 13, CB_BLF_KEY_KIND_GROUP, 3, NULL, "Support", TRUE };
  g_autoptr(JsonObject) object = cb_wire_blf_key_to_json (&group);
  g_autoptr(GError) error = NULL;
  g_autoptr(CbWireBlfKey) read = cb_wire_blf_key_from_json (object, &error);

  g_assert_no_error (error);
  g_assert_cmpint (read->id, ==, 13);
  g_assert_cmpint (read->kind, ==, CB_BLF_KEY_KIND_GROUP);
  g_assert_cmpint (read->target_id, ==, 3);
  g_assert_cmpstr (read->label, ==, "Support");
  g_assert_true (read->distributed);
}

/* What a client sends to add a key: no id, no "distributed". */
static void
test_key_request (void)
{
  g_autoptr(JsonObject) body = wire_test_parse ("{\"kind\":\"number\",\"number\":\"110\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(CbWireBlfKey) key = cb_wire_blf_key_from_json (body, &error);

  g_assert_no_error (error);
  g_assert_cmpint (key->id, ==, 0);
  g_assert_cmpstr (key->number, ==, "110");
  g_assert_null (key->label);
  g_assert_false (key->distributed);
}

static void
test_key_errors (void)
{
  static const struct {
    const char *json;
    const char *names;   /* the member the message must name */
  } bad[] = {
    { "{\"kind\":\"user\"}", "user_id" },
    { "{\"kind\":\"group\",\"group_id\":\"3\"}", "group_id" },
    { "{\"kind\":\"number\"}", "number" },
    { "{\"kind\":\"lamp\",\"user_id\":1}", "kind" },
    { "{\"user_id\":1}", "kind" },
    { "{\"kind\":\"user\",\"user_id\":1,\"label\":5}", "label" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) body = wire_test_parse (bad[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(CbWireBlfKey) key = cb_wire_blf_key_from_json (body, &error);

      g_assert_null (key);
      g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, bad[i].names));
    }
}

static void
test_group_calls (void)
{
  g_autoptr(JsonObject) object = cb_wire_group_calls_to_json (3, 2);
  g_autofree char *text = wire_test_serialise (object);
  g_autoptr(GError) error = NULL;
  gint64 group_id = 0;
  guint ringing = 0;

  g_assert_cmpstr (text, ==, "{\"group_id\":3,\"ringing\":2}");
  g_assert_true (cb_wire_group_calls_from_json (object, &group_id, &ringing, &error));
  g_assert_cmpint (group_id, ==, 3);
  g_assert_cmpuint (ringing, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wire/blf/key-text", test_key_text);
  g_test_add_func ("/wire/blf/key-round-trip", test_key_round_trip);
  g_test_add_func ("/wire/blf/key-request", test_key_request);
  g_test_add_func ("/wire/blf/key-errors", test_key_errors);
  g_test_add_func ("/wire/blf/group-calls", test_group_calls);
  return g_test_run ();
}
