/* test-wire-group.c: the group codec: exact text, per-viewer members, queue statistics, the reader
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "wire-test-support.h"

/* The hidden user: its id, name and number must never leak to a viewer at none. */
#define HIDDEN_ID 4242

static const CbWireMember members[] = {
  { 7, TRUE },
  { HIDDEN_ID, TRUE },
  { 8, FALSE },
};

static CbWireGroup
hunt_group (void)
{
  return (CbWireGroup) {
    .id = 3,
    .name = "Sales",
    .kind = CB_GROUP_KIND_HUNT,
    .number = "300",
    .strategy = CB_RING_STRATEGY_SEQUENTIAL,
    .member_timeout = 15,
    .wrap_around = TRUE,
    .ring_in_use = FALSE,
    .overflow = NULL,
    .pickup_oldest = TRUE,
    .level = CB_LEVEL_TEAM,
    .leader_level = CB_LEVEL_PERSONAL,
    .leader_id = 7,
    .deputy_id = 0,
    .members = members,
    .n_members = G_N_ELEMENTS (members),
  };
}

static CbWireGroup
queue_group (void)
{
  CbWireGroup group = hunt_group ();

  group.strategy = CB_RING_STRATEGY_QUEUE;
  group.queue_order = CB_QUEUE_ORDER_LONGEST_IDLE;
  group.agent_timeout = 20;
  group.max_wait = 300;
  group.wrap_up = 10;
  group.announcement = TRUE;
  group.queue_stats = (CbWireQueueStats) { 2, 1700000000, 5, 1 };
  return group;
}

/* Dr. Krause (7) is assisted by 4242 and 8. */
static CbWireGroup
assistant_group (void)
{
  return (CbWireGroup) {
    .id = 5,
    .name = "Krause's office",
    .kind = CB_GROUP_KIND_ASSISTANT,
    /* Hunt group settings are not written for an assistant group. */
    .number = "999",
    .filter_enabled = TRUE,
    .filter = CB_ASSISTANT_FILTER_LEADER_FIRST,
    .filter_delay = 10,
    .logout_allowed = FALSE,
    .level = CB_LEVEL_TEAM,
    .leader_level = CB_LEVEL_TEAM,
    .leader_id = 7,
    .members = members + 1,
    .n_members = 2,
  };
}

static void
write_group (CbWireSink    *sink,
             gconstpointer  group,
             gconstpointer  viewer)
{
  cb_wire_group_write (sink, group, viewer);
}

#define MEMBERS_ALL \
  "\"members\":[{\"user_id\":7,\"logged_in\":true},{\"user_id\":4242,\"logged_in\":true}," \
  "{\"user_id\":8,\"logged_in\":false}]}"

static void
test_hunt_group_text (void)
{
  CbWireGroup group = hunt_group ();
  g_autofree char *text = wire_test_assert_sinks_agree (write_group, &group, NULL);

  g_assert_cmpstr (text, ==,
                   "{\"id\":3,\"name\":\"Sales\",\"kind\":\"hunt\",\"number\":\"300\","
                   "\"strategy\":\"sequential\",\"member_timeout\":15,\"wrap_around\":true,"
                   "\"ring_in_use\":false,\"overflow\":\"\",\"pickup_oldest\":true,\"ringing\":0,"
                   "\"level\":\"team\",\"leader_level\":\"personal\",\"leader\":7,\"deputy\":null,"
                   MEMBERS_ALL);
}

static void
test_queue_text (void)
{
  CbWireGroup group = queue_group ();
  g_autofree char *text = wire_test_assert_sinks_agree (write_group, &group, NULL);

  g_assert_cmpstr (text, ==,
                   "{\"id\":3,\"name\":\"Sales\",\"kind\":\"hunt\",\"number\":\"300\","
                   "\"strategy\":\"queue\",\"member_timeout\":15,\"wrap_around\":true,"
                   "\"ring_in_use\":false,\"overflow\":\"\",\"pickup_oldest\":true,\"ringing\":0,"
                   "\"queue_order\":\"longest-idle\",\"agent_timeout\":20,\"max_wait\":300,"
                   "\"wrap_up\":10,\"announcement\":true,"
                   "\"queue_stats\":{\"waiting\":2,\"oldest_waiting_since\":1700000000,"
                   "\"answered\":5,\"abandoned\":1},"
                   "\"level\":\"team\",\"leader_level\":\"personal\",\"leader\":7,\"deputy\":null,"
                   MEMBERS_ALL);
}

static void
test_authorisation_group_text (void)
{
  CbWireGroup group = {
    .id = 1,
    .name = "Office",
    .kind = CB_GROUP_KIND_AUTHORISATION,
    /* Hunt group settings are not written for an authorisation group. */
    .number = "999",
    .strategy = CB_RING_STRATEGY_QUEUE,
    .level = CB_LEVEL_BUSINESS,
    .leader_level = CB_LEVEL_TEAM,
  };
  g_autofree char *text = wire_test_assert_sinks_agree (write_group, &group, NULL);

  g_assert_cmpstr (text, ==,
                   "{\"id\":1,\"name\":\"Office\",\"kind\":\"authorisation\","
                   "\"level\":\"business\",\"leader_level\":\"team\",\"leader\":null,"
                   "\"deputy\":null,\"members\":[]}");
}

static void
test_assistant_group_text (void)
{
  CbWireGroup group = assistant_group ();
  g_autofree char *text = wire_test_assert_sinks_agree (write_group, &group, NULL);

  g_assert_cmpstr (text, ==,
                   "{\"id\":5,\"name\":\"Krause's office\",\"kind\":\"assistant\","
                   "\"filter_enabled\":true,\"filter\":\"leader-first\",\"filter_delay\":10,"
                   "\"logout_allowed\":false,"
                   "\"level\":\"team\",\"leader_level\":\"team\",\"leader\":7,\"deputy\":null,"
                   "\"members\":[{\"user_id\":4242,\"logged_in\":true},"
                   "{\"user_id\":8,\"logged_in\":false}]}");
}

static void
test_assistant_filters (void)
{
  static const char * const nicks[] = {
    [CB_ASSISTANT_FILTER_LEADER_ONLY] = "leader-only",
    [CB_ASSISTANT_FILTER_ASSISTANTS_ONLY] = "assistants-only",
    [CB_ASSISTANT_FILTER_ASSISTANTS_FIRST] = "assistants-first",
    [CB_ASSISTANT_FILTER_LEADER_FIRST] = "leader-first",
    [CB_ASSISTANT_FILTER_ALL] = "all",
  };
  g_autoptr(GEnumClass) klass = g_type_class_ref (CB_TYPE_ASSISTANT_FILTER);

  g_assert_cmpuint (klass->n_values, ==, G_N_ELEMENTS (nicks));
  for (guint i = 0; i < G_N_ELEMENTS (nicks); i++)
    {
      int value = -1;

      g_assert_cmpstr (cb_enum_to_nick (CB_TYPE_ASSISTANT_FILTER, i), ==, nicks[i]);
      g_assert_true (cb_enum_from_nick (CB_TYPE_ASSISTANT_FILTER, nicks[i], &value));
      g_assert_cmpint (value, ==, i);
    }
  g_assert_cmpstr (cb_enum_to_nick (CB_TYPE_GROUP_KIND, CB_GROUP_KIND_ASSISTANT), ==, "assistant");
}

/* What a reader fills in for an assistant group that leaves fields out. */
static void
test_assistant_defaults (void)
{
  g_autoptr(JsonObject) object = wire_test_parse ("{\"id\":5,\"kind\":\"assistant\"}");
  g_autoptr(CbWireGroup) group = cb_wire_group_from_json (object, NULL);

  g_assert_nonnull (group);
  g_assert_cmpint (group->kind, ==, CB_GROUP_KIND_ASSISTANT);
  g_assert_false (group->filter_enabled);
  g_assert_cmpint (group->filter, ==, CB_ASSISTANT_FILTER_ASSISTANTS_FIRST);
  g_assert_cmpuint (group->filter_delay, ==, CB_WIRE_FILTER_DELAY_DEFAULT);
  g_assert_true (group->logout_allowed);
}

static void
test_queue_stats (void)
{
  CbWireQueueStats stats = { 0, 0, 12, 3 };
  CbWireQueueStats read = { 99, 99, 99, 99 };
  g_autoptr(JsonObject) event = cb_wire_queue_stats_to_json (3, &stats);
  g_autoptr(JsonObject) inner = cb_wire_queue_stats_to_json (0, &stats);
  g_autofree char *event_text = wire_test_serialise (event);
  g_autofree char *inner_text = wire_test_serialise (inner);
  g_autoptr(GError) error = NULL;
  gint64 group_id = -1;

  g_assert_cmpstr (event_text, ==,
                   "{\"group_id\":3,\"waiting\":0,\"oldest_waiting_since\":null,"
                   "\"answered\":12,\"abandoned\":3}");
  g_assert_cmpstr (inner_text, ==,
                   "{\"waiting\":0,\"oldest_waiting_since\":null,\"answered\":12,\"abandoned\":3}");

  g_assert_true (cb_wire_queue_stats_from_json (event, &group_id, &read, &error));
  g_assert_no_error (error);
  g_assert_cmpint (group_id, ==, 3);
  g_assert_cmpuint (read.waiting, ==, 0);
  g_assert_cmpint (read.oldest_waiting_since, ==, 0);
  g_assert_cmpuint (read.answered, ==, 12);
  g_assert_cmpuint (read.abandoned, ==, 3);

  g_assert_true (cb_wire_queue_stats_from_json (inner, &group_id, &read, NULL));
  g_assert_cmpint (group_id, ==, 0);

  json_object_set_int_member (inner, "waiting", -1);
  g_assert_false (cb_wire_queue_stats_from_json (inner, NULL, &read, &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD);
  g_assert_nonnull (strstr (error->message, "“waiting”"));
}

static const WireTestLevel business_levels[] = {
  { 7, CB_LEVEL_BUSINESS },
  { 8, CB_LEVEL_TEAM },
  { 0 },
};

static const WireTestLevel public_levels[] = {
  { 7, CB_LEVEL_TEAM },
  { 8, CB_LEVEL_TEAM },
  { HIDDEN_ID, CB_LEVEL_PUBLIC },
  { 0 },
};

static void
test_viewer_cut (void)
{
  CbWireViewer viewer = WIRE_TEST_VIEWER (9, business_levels);
  CbWireGroup group = queue_group ();
  g_autofree char *text = NULL;
  const char * const hidden[] = { "4242", NULL };

  group.deputy_id = HIDDEN_ID;
  text = wire_test_assert_sinks_agree (write_group, &group, &viewer);
  wire_test_assert_absent (text, hidden);
  /* Logins only towards members at the level of the "group_logins" field. */
  g_assert_true (g_str_has_suffix (text,
                                   "\"leader\":7,\"deputy\":null,"
                                   "\"members\":[{\"user_id\":7},{\"user_id\":8,\"logged_in\":false}]}"));

  /* The viewer at public towards the hidden user sees them, without login. */
  viewer = WIRE_TEST_VIEWER (9, public_levels);
  g_clear_pointer (&text, g_free);
  text = wire_test_assert_sinks_agree (write_group, &group, &viewer);
  g_assert_true (g_str_has_suffix (text,
                                   "\"leader\":7,\"deputy\":4242,"
                                   "\"members\":[{\"user_id\":7,\"logged_in\":true},"
                                   "{\"user_id\":4242},{\"user_id\":8,\"logged_in\":false}]}"));
}

static void
test_viewer_sees_own_login (void)
{
  static const WireTestLevel nobody[] = { { 0 } };
  CbWireViewer viewer = WIRE_TEST_VIEWER (8, nobody);
  CbWireGroup group = hunt_group ();
  g_autofree char *text = wire_test_assert_sinks_agree (write_group, &group, &viewer);

  g_assert_true (g_str_has_suffix (text,
                                   "\"leader\":null,\"deputy\":null,"
                                   "\"members\":[{\"user_id\":8,\"logged_in\":false}]}"));
}

static void
test_round_trip (void)
{
  CbWireViewer viewer = WIRE_TEST_VIEWER (9, business_levels);
  CbWireGroup groups[] = { hunt_group (), queue_group (), assistant_group () };

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_autofree char *text = wire_test_text (write_group, &groups[i], NULL);
      g_autoptr(JsonObject) object = wire_test_parse (text);
      g_autoptr(GError) error = NULL;
      g_autoptr(CbWireGroup) read = cb_wire_group_from_json (object, &error);
      g_autofree char *again = NULL;

      g_assert_no_error (error);
      g_assert_cmpuint (read->n_members, ==, groups[i].n_members);
      for (guint m = 0; m < read->n_members; m++)
        {
          g_assert_true (cb_wire_group_login_known (read, m));
          g_assert_cmpint (read->members[m].user_id, ==, groups[i].members[m].user_id);
          g_assert_cmpint (read->members[m].logged_in, ==, groups[i].members[m].logged_in);
        }
      g_assert_false (cb_wire_group_login_known (read, groups[i].n_members));
      if (groups[i].kind == CB_GROUP_KIND_ASSISTANT)
        {
          g_assert_true (read->filter_enabled);
          g_assert_cmpint (read->filter, ==, CB_ASSISTANT_FILTER_LEADER_FIRST);
          g_assert_cmpuint (read->filter_delay, ==, 10);
          g_assert_false (read->logout_allowed);
        }
      g_clear_pointer (&object, json_object_unref);
      again = wire_test_text (write_group, read, NULL);
      g_assert_cmpstr (again, ==, text);
    }

  /* As a viewer got it: logins not shown read as not known. */
  {
    CbWireGroup group = hunt_group ();
    g_autofree char *text = wire_test_text (write_group, &group, &viewer);
    g_autoptr(JsonObject) object = wire_test_parse (text);
    g_autoptr(CbWireGroup) read = cb_wire_group_from_json (object, NULL);

    g_assert_cmpuint (read->n_members, ==, 2);
    g_assert_false (cb_wire_group_login_known (read, 0));
    g_assert_false (read->members[0].logged_in);
    g_assert_true (cb_wire_group_login_known (read, 1));
    g_assert_cmpint (read->members[1].user_id, ==, 8);
    g_assert_cmpint (read->leader_id, ==, 7);
    g_assert_cmpint (read->deputy_id, ==, 0);
    g_assert_cmpint (read->strategy, ==, CB_RING_STRATEGY_SEQUENTIAL);
  }
}

static void
test_reader_errors (void)
{
  static const struct {
    const char *json;
    const char *names;
  } cases[] = {
    { "{\"name\":\"x\"}", "“id”" },
    { "{\"id\":1,\"kind\":\"club\"}", "“kind”" },
    { "{\"id\":1,\"member_timeout\":-2}", "“member_timeout”" },
    { "{\"id\":1,\"member_timeout\":\"15\"}", "“member_timeout”" },
    { "{\"id\":1,\"leader\":\"7\"}", "“leader”" },
    { "{\"id\":1,\"members\":{}}", "“members”" },
    { "{\"id\":1,\"members\":[\"7\"]}", "“members”" },
    { "{\"id\":1,\"members\":[{\"logged_in\":true}]}", "“user_id”" },
    { "{\"id\":1,\"members\":[{\"user_id\":7,\"logged_in\":1}]}", "“logged_in”" },
    { "{\"id\":1,\"queue_stats\":{\"waiting\":\"2\"}}", "“queue_stats”" },
    { "{\"id\":1,\"queue_stats\":[]}", "“queue_stats”" },
    { "{\"id\":1,\"filter_enabled\":\"yes\"}", "“filter_enabled”" },
    { "{\"id\":1,\"filter\":\"boss-only\"}", "“filter”" },
    { "{\"id\":1,\"filter_delay\":-5}", "“filter_delay”" },
    { "{\"id\":1,\"logout_allowed\":0}", "“logout_allowed”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) object = wire_test_parse (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(CbWireGroup) group = cb_wire_group_from_json (object, &error);

      g_test_message ("%s: %s", cases[i].json, error != NULL ? error->message : "(no error)");
      g_assert_null (group);
      g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, cases[i].names));
    }
}

static void
test_reader_plain_member_ids (void)
{
  g_autoptr(JsonObject) object = wire_test_parse ("{\"id\":1,\"members\":[7,8],\"leader\":null}");
  g_autoptr(CbWireGroup) group = cb_wire_group_from_json (object, NULL);

  g_assert_nonnull (group);
  g_assert_cmpuint (group->n_members, ==, 2);
  g_assert_cmpint (group->members[1].user_id, ==, 8);
  g_assert_false (cb_wire_group_login_known (group, 1));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wire-group/hunt-group-text", test_hunt_group_text);
  g_test_add_func ("/wire-group/queue-text", test_queue_text);
  g_test_add_func ("/wire-group/authorisation-group-text", test_authorisation_group_text);
  g_test_add_func ("/wire-group/assistant-group-text", test_assistant_group_text);
  g_test_add_func ("/wire-group/assistant-filters", test_assistant_filters);
  g_test_add_func ("/wire-group/assistant-defaults", test_assistant_defaults);
  g_test_add_func ("/wire-group/queue-stats", test_queue_stats);
  g_test_add_func ("/wire-group/viewer-cut", test_viewer_cut);
  g_test_add_func ("/wire-group/viewer-sees-own-login", test_viewer_sees_own_login);
  g_test_add_func ("/wire-group/round-trip", test_round_trip);
  g_test_add_func ("/wire-group/reader-errors", test_reader_errors);
  g_test_add_func ("/wire-group/reader-plain-member-ids", test_reader_plain_member_ids);

  return g_test_run ();
}
