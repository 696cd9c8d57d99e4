/* test-wire-user.c: the user codec: exact text per level, the cut, the reader
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "wire-test-support.h"

static const CbWireGroupRef logins[] = {
  { 3, "Sales" },
  { 5, "Support \"1st\"" },
};

static CbWireUser
sample_user (CbLevel level)
{
  return (CbWireUser) {
    .id = 7,
    .username = "anna",
    .display_name = "Anna Meyer",
    .kind = CB_USER_KIND_USER,
    .extension = "201",
    .email = "anna@example.org",
    .mobile = NULL,
    .language = "de",
    .time_zone = "Europe/Berlin",
    .admin = FALSE,
    .level = level,
    .availability = CB_AVAILABILITY_AWAY,
    .note = "lunch",
    .line_state = CB_LINE_STATE_ON_HOLD,
    .agent_status = CB_AGENT_STATUS_WRAP_UP,
    .group_logins = logins,
    .n_group_logins = G_N_ELEMENTS (logins),
    .diversion = { NULL, "250", "+4917012345", 25 },
    .mobile_ringing = { TRUE, 5 },
    .announcement = TRUE,
    .external_calls = TRUE,
    .require_encryption = TRUE,
  };
}

#define PUBLIC_PART \
  "{\"id\":7,\"username\":\"anna\",\"display_name\":\"Anna Meyer\",\"kind\":\"user\"," \
  "\"extension\":\"201\",\"email\":\"anna@example.org\",\"mobile\":\"\",\"language\":\"de\"," \
  "\"time_zone\":\"Europe/Berlin\",\"admin\":false,\"level\":\"%s\"," \
  "\"presence\":{\"availability\":\"away\",\"note\":\"lunch\",\"note_until\":null}"
#define BUSINESS_PART ",\"line_state\":\"on-hold\""
#define TEAM_PART \
  ",\"agent_status\":\"wrap-up\"," \
  "\"group_logins\":[{\"id\":3,\"name\":\"Sales\"},{\"id\":5,\"name\":\"Support \\\"1st\\\"\"}]," \
  "\"diversion\":{\"unconditional\":null,\"busy\":\"250\",\"no_answer\":\"+4917012345\"," \
  "\"no_answer_after\":25}"
#define PERSONAL_PART ",\"mobile_ringing\":{\"enabled\":true,\"delay\":5},\"announcement\":true," \
  "\"external_calls\":true,\"require_encryption\":true"

/* Today's cb_projection_write_user() text, level by level. */
static char *
expected_text (CbLevel level)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, PUBLIC_PART, cb_enum_to_nick (CB_TYPE_LEVEL, level));
  if (level >= CB_LEVEL_BUSINESS)
    g_string_append (text, BUSINESS_PART);
  if (level >= CB_LEVEL_TEAM)
    g_string_append (text, TEAM_PART);
  if (level >= CB_LEVEL_PERSONAL)
    g_string_append (text, PERSONAL_PART);
  g_string_append_c (text, '}');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
write_user (CbWireSink    *sink,
            gconstpointer  user,
            gconstpointer  unused)
{
  cb_wire_user_write (sink, user);
}

static void
test_exact_text_per_level (void)
{
  for (CbLevel level = CB_LEVEL_PUBLIC; level <= CB_LEVEL_PERSONAL; level++)
    {
      CbWireUser user = sample_user (level);
      g_autofree char *expected = expected_text (level);
      g_autofree char *text = wire_test_assert_sinks_agree (write_user, &user, NULL);

      g_test_message ("level %s", cb_enum_to_nick (CB_TYPE_LEVEL, level));
      g_assert_cmpstr (text, ==, expected);
    }
}

static void
test_device_without_logins (void)
{
  CbWireUser user = sample_user (CB_LEVEL_TEAM);
  g_autofree char *text = NULL;

  user.kind = CB_USER_KIND_DEVICE;
  user.admin = TRUE;
  user.group_logins = NULL;
  user.n_group_logins = 0;
  user.note = NULL;
  /* "" is no number: off, like NULL. */
  user.diversion = (CbWireDiversion) { "", NULL, NULL, 20 };
  text = wire_test_assert_sinks_agree (write_user, &user, NULL);
  g_assert_nonnull (strstr (text, "\"kind\":\"device\""));
  g_assert_nonnull (strstr (text, "\"admin\":true"));
  g_assert_nonnull (strstr (text, "\"note\":\"\""));
  g_assert_true (g_str_has_suffix (text, "\"group_logins\":[],\"diversion\":{\"unconditional\":null,"
                                         "\"busy\":null,\"no_answer\":null,\"no_answer_after\":20}}"));
}

static void
test_none_is_not_written (void)
{
  CbWireUser user = sample_user (CB_LEVEL_NONE);

  g_assert_null (cb_wire_user_to_json (&user));
  g_assert_null (cb_wire_user_to_json (NULL));
}

static void
test_cut (void)
{
  CbWireUser user = sample_user (CB_LEVEL_PERSONAL);
  g_autoptr(JsonObject) full = cb_wire_user_to_json (&user);

  g_assert_nonnull (full);
  g_assert_null (cb_wire_user_cut (full, CB_LEVEL_NONE));
  g_assert_null (cb_wire_user_cut (NULL, CB_LEVEL_TEAM));

  /* The cut of the log's copy is exactly what the writer gives at that level. */
  for (CbLevel level = CB_LEVEL_PUBLIC; level <= CB_LEVEL_PERSONAL; level++)
    {
      g_autoptr(JsonObject) cut = cb_wire_user_cut (full, level);
      g_autofree char *text = wire_test_serialise (cut);
      g_autofree char *expected = expected_text (level);

      g_assert_cmpstr (text, ==, expected);
    }
}

static void
test_cut_never_raises (void)
{
  CbWireUser user = sample_user (CB_LEVEL_PUBLIC);
  g_autoptr(JsonObject) low = cb_wire_user_to_json (&user);
  g_autoptr(JsonObject) cut = cb_wire_user_cut (low, CB_LEVEL_PERSONAL);
  g_autofree char *text = wire_test_serialise (cut);
  g_autofree char *expected = expected_text (CB_LEVEL_PUBLIC);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_cut_unknown_members (void)
{
  CbWireUser user = sample_user (CB_LEVEL_PERSONAL);
  g_autoptr(JsonObject) full = cb_wire_user_to_json (&user);
  g_autoptr(JsonObject) team = NULL;
  g_autoptr(JsonObject) personal = NULL;

  json_object_set_string_member (full, "private_note", "secret");
  team = cb_wire_user_cut (full, CB_LEVEL_TEAM);
  personal = cb_wire_user_cut (full, CB_LEVEL_PERSONAL);
  g_assert_false (json_object_has_member (team, "private_note"));
  g_assert_cmpstr (json_object_get_string_member (personal, "private_note"), ==, "secret");
}

static void
test_round_trip (void)
{
  for (CbLevel level = CB_LEVEL_PUBLIC; level <= CB_LEVEL_PERSONAL; level++)
    {
      CbWireUser user = sample_user (level);
      g_autofree char *text = wire_test_text (write_user, &user, NULL);
      g_autoptr(JsonObject) object = wire_test_parse (text);
      g_autoptr(GError) error = NULL;
      g_autoptr(CbWireUser) read = cb_wire_user_from_json (object, &error);
      g_autofree char *again = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (read);
      g_assert_cmpint (read->id, ==, 7);
      g_assert_cmpint (read->level, ==, level);
      g_assert_cmpstr (read->display_name, ==, "Anna Meyer");
      g_assert_cmpstr (read->mobile, ==, "");
      g_assert_cmpint (read->availability, ==, CB_AVAILABILITY_AWAY);
      g_assert_cmpstr (read->note, ==, "lunch");
      if (level >= CB_LEVEL_TEAM)
        {
          g_assert_cmpuint (read->n_group_logins, ==, 2);
          g_assert_cmpstr (read->group_logins[1].name, ==, "Support \"1st\"");
          g_assert_cmpint (read->agent_status, ==, CB_AGENT_STATUS_WRAP_UP);
        }
      else
        {
          g_assert_cmpuint (read->n_group_logins, ==, 0);
          g_assert_cmpint (read->agent_status, ==, CB_AGENT_STATUS_LOGGED_OUT);
        }
      g_assert_cmpint (read->line_state, ==,
                       level >= CB_LEVEL_BUSINESS ? CB_LINE_STATE_ON_HOLD : CB_LINE_STATE_OFFLINE);
      if (level >= CB_LEVEL_TEAM)
        {
          g_assert_null (read->diversion.unconditional);
          g_assert_cmpstr (read->diversion.busy, ==, "250");
          g_assert_cmpstr (read->diversion.no_answer, ==, "+4917012345");
          g_assert_cmpuint (read->diversion.no_answer_after, ==, 25);
        }
      else
        {
          g_assert_null (read->diversion.busy);
          g_assert_null (read->diversion.no_answer);
          g_assert_cmpuint (read->diversion.no_answer_after, ==, CB_WIRE_NO_ANSWER_AFTER_DEFAULT);
        }
      g_assert_cmpint (read->mobile_ringing.enabled, ==, level == CB_LEVEL_PERSONAL);
      g_assert_cmpuint (read->mobile_ringing.delay, ==, level == CB_LEVEL_PERSONAL ? 5 : 0);
      g_assert_cmpint (read->announcement, ==, level == CB_LEVEL_PERSONAL);
      g_assert_cmpint (read->external_calls, ==, level == CB_LEVEL_PERSONAL);
      g_assert_cmpint (read->require_encryption, ==, level == CB_LEVEL_PERSONAL);

      /* Strings stay valid while only the read user holds the object. */
      g_clear_pointer (&object, json_object_unref);
      again = wire_test_text (write_user, read, NULL);
      g_assert_cmpstr (again, ==, text);
    }
}

static void
test_reader_ignores_what_the_level_hides (void)
{
  const char *json = "{\"id\":9,\"level\":\"public\",\"line_state\":\"busy\","
                     "\"agent_status\":\"available\",\"group_logins\":[{\"id\":1,\"name\":\"x\"}],"
                     "\"diversion\":{\"busy\":\"200\"},\"mobile_ringing\":{\"enabled\":true},"
                     "\"announcement\":true,\"external_calls\":true,"
                     "\"require_encryption\":true}";
  g_autoptr(JsonObject) object = wire_test_parse (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(CbWireUser) user = cb_wire_user_from_json (object, &error);

  g_assert_no_error (error);
  g_assert_cmpint (user->line_state, ==, CB_LINE_STATE_OFFLINE);
  g_assert_cmpint (user->agent_status, ==, CB_AGENT_STATUS_LOGGED_OUT);
  g_assert_cmpuint (user->n_group_logins, ==, 0);
  g_assert_null (user->diversion.busy);
  g_assert_false (user->mobile_ringing.enabled);
  g_assert_false (user->announcement);
  g_assert_false (user->external_calls);
  g_assert_false (user->require_encryption);
  /* Absent: unknown, not invented. */
  g_assert_null (user->username);
  g_assert_cmpint (user->availability, ==, CB_AVAILABILITY_OFFLINE);
}

static void
test_reader_errors (void)
{
  static const struct {
    const char *json;
    const char *names;   /* what the message must mention */
  } cases[] = {
    { "{\"level\":\"team\"}", "“id”" },
    { "{\"id\":\"7\",\"level\":\"team\"}", "“id”" },
    { "{\"id\":7}", "“level”" },
    { "{\"id\":7,\"level\":\"boss\"}", "“level”" },
    { "{\"id\":7,\"level\":\"team\",\"display_name\":5}", "“display_name”" },
    { "{\"id\":7,\"level\":\"team\",\"admin\":\"yes\"}", "“admin”" },
    { "{\"id\":7,\"level\":\"team\",\"kind\":\"robot\"}", "“kind”" },
    { "{\"id\":7,\"level\":\"team\",\"presence\":[]}", "“presence”" },
    { "{\"id\":7,\"level\":\"team\",\"presence\":{\"availability\":\"gone\"}}", "“availability”" },
    { "{\"id\":7,\"level\":\"team\",\"presence\":{\"note\":1}}", "“presence”" },
    { "{\"id\":7,\"level\":\"team\",\"line_state\":3}", "“line_state”" },
    { "{\"id\":7,\"level\":\"team\",\"group_logins\":{}}", "“group_logins”" },
    { "{\"id\":7,\"level\":\"team\",\"group_logins\":[1]}", "“group_logins”" },
    { "{\"id\":7,\"level\":\"team\",\"group_logins\":[{\"id\":\"3\"}]}", "“group_logins”" },
    { "{\"id\":7,\"level\":\"team\",\"diversion\":\"250\"}", "“diversion”" },
    { "{\"id\":7,\"level\":\"team\",\"diversion\":{\"busy\":250}}", "“busy”" },
    { "{\"id\":7,\"level\":\"team\",\"diversion\":{\"no_answer_after\":-1}}", "“no_answer_after”" },
    { "{\"id\":7,\"level\":\"personal\",\"mobile_ringing\":true}", "“mobile_ringing”" },
    { "{\"id\":7,\"level\":\"personal\",\"mobile_ringing\":{\"delay\":\"5\"}}", "“delay”" },
    { "{\"id\":7,\"level\":\"personal\",\"announcement\":1}", "“announcement”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) object = wire_test_parse (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(CbWireUser) user = cb_wire_user_from_json (object, &error);

      g_test_message ("%s: %s", cases[i].json, error != NULL ? error->message : "(no error)");
      g_assert_null (user);
      g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, cases[i].names));
    }
}

/* The body of PUT /me/diversion: off unless given, the default delay. */
static void
test_diversion_reader (void)
{
  g_autoptr(JsonObject) empty = wire_test_parse ("{}");
  g_autoptr(JsonObject) full = wire_test_parse ("{\"unconditional\":\"*5\",\"busy\":null,"
                                                "\"no_answer\":\"300\",\"no_answer_after\":7}");
  g_autoptr(JsonObject) bad = wire_test_parse ("{\"no_answer\":[\"300\"]}");
  g_autoptr(GError) error = NULL;
  CbWireDiversion diversion = { "x", "x", "x", 1 };

  g_assert_true (cb_wire_diversion_from_json (empty, &diversion, &error));
  g_assert_no_error (error);
  g_assert_null (diversion.unconditional);
  g_assert_null (diversion.busy);
  g_assert_null (diversion.no_answer);
  g_assert_cmpuint (diversion.no_answer_after, ==, CB_WIRE_NO_ANSWER_AFTER_DEFAULT);

  g_assert_true (cb_wire_diversion_from_json (full, &diversion, &error));
  g_assert_cmpstr (diversion.unconditional, ==, "*5");
  g_assert_null (diversion.busy);
  g_assert_cmpstr (diversion.no_answer, ==, "300");
  g_assert_cmpuint (diversion.no_answer_after, ==, 7);

  /* A failed read leaves the result alone. */
  g_assert_false (cb_wire_diversion_from_json (bad, &diversion, &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD);
  g_assert_nonnull (strstr (error->message, "“no_answer”"));
  g_assert_cmpstr (diversion.unconditional, ==, "*5");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wire-user/exact-text-per-level", test_exact_text_per_level);
  g_test_add_func ("/wire-user/device-without-logins", test_device_without_logins);
  g_test_add_func ("/wire-user/none-is-not-written", test_none_is_not_written);
  g_test_add_func ("/wire-user/cut", test_cut);
  g_test_add_func ("/wire-user/cut-never-raises", test_cut_never_raises);
  g_test_add_func ("/wire-user/cut-unknown-members", test_cut_unknown_members);
  g_test_add_func ("/wire-user/round-trip", test_round_trip);
  g_test_add_func ("/wire-user/reader-ignores-hidden-fields", test_reader_ignores_what_the_level_hides);
  g_test_add_func ("/wire-user/reader-errors", test_reader_errors);
  g_test_add_func ("/wire-user/diversion-reader", test_diversion_reader);

  return g_test_run ();
}
