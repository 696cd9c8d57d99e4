/* test-event-filter.c: who receives which event, and what of it, in process
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A directory on a real SQLite store in a temporary directory, default
 * level "none": Anna and Ben are in a team-level group, Anna and Carl in
 * a business-level one, Dora is in none. Events are made as the service
 * layer makes them (full form) and passed through CbEventFilter for each
 * viewer.
 */

#define G_LOG_DOMAIN "cb-test-event-filter"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cb-event-filter.h"
#include "cb-projection.h"
#include "cb-sqlite-store.h"

typedef struct {
  char        *dir;
  CbStore     *store;
  CbDirectory *directory;
  gint64       anna, ben, carl, dora;
  gint64       team_group;
} Fixture;

static gint64
add_user (Fixture    *fixture,
          const char *username,
          const char *display_name,
          const char *extension)
{
  g_autoptr(CbUserRecord) record = cb_user_record_new ();
  g_autoptr(GError) error = NULL;

  record->username = g_strdup (username);
  record->display_name = g_strdup (display_name);
  record->extension = g_strdup (extension);
  record->agent_status = CB_AGENT_STATUS_WRAP_UP;
  record->line_state = CB_LINE_STATE_BUSY;
  g_assert_true (cb_store_create_user (fixture->store, record, &error));
  g_assert_no_error (error);
  return record->id;
}

static gint64
add_group (Fixture    *fixture,
           const char *name,
           CbLevel     level,
           gint64      first,
           gint64      second)
{
  g_autoptr(CbGroupRecord) record = cb_group_record_new ();
  g_autoptr(GError) error = NULL;
  CbGroupMember members[] = { { first, TRUE }, { second, FALSE } };

  record->name = g_strdup (name);
  record->kind = CB_GROUP_KIND_AUTHORISATION;
  record->level = level;
  record->leader_level = level;
  record->members = g_array_new (FALSE, TRUE, sizeof (CbGroupMember));
  g_array_append_vals (record->members, members, G_N_ELEMENTS (members));
  g_assert_true (cb_store_create_group (fixture->store, record, &error));
  g_assert_no_error (error);
  return record->id;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("cb-test-event-filter-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "cb.db", NULL);
  fixture->store = CB_STORE (cb_sqlite_store_new (path, &error));
  g_assert_no_error (error);

  fixture->anna = add_user (fixture, "anna", "Anna Adler", "201");
  fixture->ben = add_user (fixture, "ben", "Ben Berg", "202");
  fixture->carl = add_user (fixture, "carl", "Carl Cramer", "203");
  fixture->dora = add_user (fixture, "dora", "Dora Dunn", "204");
  fixture->team_group = add_group (fixture, "Team", CB_LEVEL_TEAM, fixture->anna, fixture->ben);
  add_group (fixture, "Business", CB_LEVEL_BUSINESS, fixture->anna, fixture->carl);

  fixture->directory = cb_directory_new (CB_LEVEL_NONE);
  g_assert_true (cb_directory_load (fixture->directory, fixture->store, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "cb.db", NULL);

  g_clear_object (&fixture->directory);
  g_clear_object (&fixture->store);
  g_unlink (path);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

/* What viewer gets of an event of `type` about `subject` (in group
 * `group_id`) with `data`: the parsed frame's data, or NULL. */
static JsonObject *
receive (Fixture     *fixture,
         const char  *type,
         gint64       subject,
         gint64       group_id,
         JsonObject  *data,
         gint64       viewer)
{
  g_autofree char *text = cb_json_object_to_string (data);
  CbEventRecord record = { 42, (char *) type, subject, group_id, text, 0 };
  g_autoptr(CbEventFilter) filter = cb_event_filter_new (fixture->directory, &record, data);
  const char *frame = cb_event_filter_frame (filter, viewer);
  g_autoptr(JsonObject) object = NULL;

  if (frame == NULL)
    return NULL;
  object = cb_json_parse_object (frame, strlen (frame), NULL);
  g_assert_nonnull (object);
  g_assert_cmpint (json_object_get_int_member (object, "seq"), ==, 42);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, type);
  return json_object_ref (json_object_get_object_member (object, "data"));
}

static gboolean
receives (Fixture    *fixture,
          const char *type,
          gint64      subject,
          JsonObject *data,
          gint64      viewer)
{
  g_autoptr(JsonObject) got = receive (fixture, type, subject, 0, data, viewer);

  return got != NULL;
}

/* Each event type reaches the levels the table gives it, and no further. */
static void
test_audience (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonObject) about_anna = json_object_new ();
  static const struct {
    const char *type;
    gboolean    ben;      /* team towards Anna */
    gboolean    carl;     /* business */
    gboolean    dora;     /* none */
  } expect[] = {
    { "presence", TRUE, TRUE, FALSE },
    { "line-state", TRUE, TRUE, FALSE },
    { "agent-status", TRUE, FALSE, FALSE },
    { "group-login", TRUE, FALSE, FALSE },
    { "favourites", FALSE, FALSE, FALSE },
    { "monitor", FALSE, FALSE, FALSE },
    { "no-such-type", FALSE, FALSE, FALSE },
  };

  json_object_set_int_member (about_anna, "user_id", fixture->anna);
  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      g_test_message ("%s", expect[i].type);
      g_assert_cmpint (receives (fixture, expect[i].type, fixture->anna, about_anna, fixture->ben), ==,
                       expect[i].ben);
      g_assert_cmpint (receives (fixture, expect[i].type, fixture->anna, about_anna, fixture->carl), ==,
                       expect[i].carl);
      g_assert_cmpint (receives (fixture, expect[i].type, fixture->anna, about_anna, fixture->dora), ==,
                       expect[i].dora);
      /* Her own events reach her (an unknown type reaches nobody). */
      g_assert_cmpint (receives (fixture, expect[i].type, fixture->anna, about_anna, fixture->anna), ==,
                       i + 1 < G_N_ELEMENTS (expect));
    }
}

/* A "user" event is cut to each viewer's level. */
static void
test_user_cut (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonObject) full = NULL;
  g_autoptr(JsonObject) team = NULL;
  g_autoptr(JsonObject) business = NULL;
  g_autoptr(JsonObject) none = NULL;

  full = cb_projection_user (fixture->directory, cb_directory_get_user (fixture->directory, fixture->anna),
                             CB_LEVEL_PERSONAL);
  team = receive (fixture, "user", fixture->anna, 0, full, fixture->ben);
  business = receive (fixture, "user", fixture->anna, 0, full, fixture->carl);
  none = receive (fixture, "user", fixture->anna, 0, full, fixture->dora);

  g_assert_cmpstr (json_object_get_string_member (team, "level"), ==, "team");
  g_assert_cmpstr (json_object_get_string_member (team, "agent_status"), ==, "wrap-up");
  /* Where her calls go, from team; what only she acts on, to nobody else. */
  g_assert_true (json_object_has_member (team, "diversion"));
  g_assert_false (json_object_has_member (team, "mobile_ringing"));
  g_assert_false (json_object_has_member (team, "announcement"));
  g_assert_false (json_object_has_member (business, "diversion"));
  g_assert_cmpstr (json_object_get_string_member (business, "level"), ==, "business");
  g_assert_cmpstr (json_object_get_string_member (business, "line_state"), ==, "busy");
  g_assert_false (json_object_has_member (business, "agent_status"));
  g_assert_false (json_object_has_member (business, "group_logins"));
  g_assert_null (none);
}

/* Anna's call with Carl as Ben sees it: Ben is at team towards Anna
 * (he gets her call) and at none towards Carl (Carl is blanked). */
static void
test_call_hides_party (Fixture       *fixture,
                       gconstpointer  data)
{
  CbWireCall call = {
    .call_id = "c1",
    .state = CB_WIRE_CALL_STATE_CONNECTED,
    .user_id = fixture->anna,
    .direction = CB_CALL_DIRECTION_OUT,
    .from = { fixture->anna, "201", "Anna Adler" },
    .to = { fixture->carl, "203", "Carl Cramer" },
    .started_at = 1700000000,
    .answered_at = 1700000005,
  };
  g_autoptr(JsonObject) full = cb_wire_call_to_json (&call, NULL);
  g_autoptr(JsonObject) ben = receive (fixture, "call", fixture->anna, 0, full, fixture->ben);
  g_autoptr(JsonObject) anna = receive (fixture, "call", fixture->anna, 0, full, fixture->anna);
  g_autofree char *ben_text = NULL;

  g_assert_nonnull (ben);
  ben_text = cb_json_object_to_string (ben);
  g_assert_null (strstr (ben_text, "Carl"));
  g_assert_null (strstr (ben_text, "203"));
  g_assert_true (json_object_get_null_member (ben, "remote_user_id"));
  g_assert_true (json_object_get_null_member (ben, "to_user_id"));
  g_assert_cmpint (json_object_get_int_member (ben, "from_user_id"), ==, fixture->anna);

  /* Anna herself is at business towards Carl: she sees him. */
  g_assert_cmpint (json_object_get_int_member (anna, "remote_user_id"), ==, fixture->carl);
  g_assert_cmpstr (json_object_get_string_member (anna, "remote_name"), ==, "Carl Cramer");

  /* Carl is at business towards Anna: no call events of hers. */
  g_assert_false (receives (fixture, "call", fixture->anna, full, fixture->carl));
}

/* A call for Carl (a leader Anna assists) on Anna's side: Ben, at none
 * towards Carl, gets it for nobody; Anna sees whom it is for. */
static void
test_call_for_hidden_leader (Fixture       *fixture,
                             gconstpointer  data)
{
  CbWireCall call = {
    .call_id = "c3",
    .state = CB_WIRE_CALL_STATE_RINGING,
    .user_id = fixture->anna,
    .direction = CB_CALL_DIRECTION_IN,
    .from = { 0, "+4930555", "" },
    .to = { fixture->anna, "201", "Anna Adler" },
    .started_at = 1700000000,
    .for_user_id = fixture->carl,
    .for_name = "Carl Cramer",
  };
  g_autoptr(JsonObject) full = cb_wire_call_to_json (&call, NULL);
  g_autoptr(JsonObject) ben = receive (fixture, "call", fixture->anna, 0, full, fixture->ben);
  g_autoptr(JsonObject) anna = receive (fixture, "call", fixture->anna, 0, full, fixture->anna);
  g_autofree char *ben_text = NULL;
  JsonObject *leader;

  g_assert_nonnull (ben);
  ben_text = cb_json_object_to_string (ben);
  g_assert_null (strstr (ben_text, "Carl"));
  g_assert_true (json_object_get_null_member (ben, "for"));
  leader = json_object_get_object_member (anna, "for");
  g_assert_nonnull (leader);
  g_assert_cmpint (json_object_get_int_member (leader, "user_id"), ==, fixture->carl);
  g_assert_cmpstr (json_object_get_string_member (leader, "name"), ==, "Carl Cramer");
}

/* Anna's conference with Carl and Dora, ended for her: Ben, at none
 * towards Carl and Dora, gets it with both blanked; Anna sees them, and
 * why it ended. */
static void
test_conference_hides_parties (Fixture       *fixture,
                               gconstpointer  data)
{
  const CbWireParty parties[] = {
    { fixture->anna, "201", "Anna Adler" },
    { fixture->carl, "203", "Carl Cramer" },
    { fixture->dora, "204", "Dora Dreher" },
  };
  const CbWireConference conference = { "c4", G_N_ELEMENTS (parties), parties };
  CbWireCall call = {
    .call_id = "c4",
    .state = CB_WIRE_CALL_STATE_CONNECTED,
    .user_id = fixture->anna,
    .direction = CB_CALL_DIRECTION_OUT,
    .from = { fixture->anna, "201", "Anna Adler" },
    .to = { fixture->carl, "203", "Carl Cramer" },
    .started_at = 1700000000,
    .answered_at = 1700000005,
    .conference = &conference,
  };
  g_autoptr(JsonObject) full = cb_wire_call_to_json (&call, NULL);
  g_autoptr(JsonObject) ben = receive (fixture, "call", fixture->anna, 0, full, fixture->ben);
  g_autoptr(JsonObject) anna = receive (fixture, "call", fixture->anna, 0, full, fixture->anna);
  g_autofree char *ben_text = NULL;
  JsonArray *seen;

  g_assert_nonnull (ben);
  ben_text = cb_json_object_to_string (ben);
  g_assert_null (strstr (ben_text, "Carl"));
  g_assert_null (strstr (ben_text, "Dora"));
  g_assert_null (strstr (ben_text, "203"));
  g_assert_null (strstr (ben_text, "204"));
  seen = json_object_get_array_member (json_object_get_object_member (ben, "conference"), "parties");
  g_assert_cmpuint (json_array_get_length (seen), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (seen, 0), "name"), ==,
                   "Anna Adler");
  g_assert_true (json_object_get_null_member (json_array_get_object_element (seen, 2), "user_id"));

  /* Anna is at business towards Carl but at none towards Dora. */
  seen = json_object_get_array_member (json_object_get_object_member (anna, "conference"), "parties");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (seen, 1), "name"), ==,
                   "Carl Cramer");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (seen, 2), "number"), ==,
                   "");
}

/* Ben's journal entry of a call Carl took: only Ben gets it, without Carl. */
static void
test_journal_hides_taker (Fixture       *fixture,
                          gconstpointer  data)
{
  CbJournalRecord record = {
    .id = 7, .user_id = fixture->ben, .call_id = (char *) "c2", .outgoing = FALSE,
    .remote_number = (char *) "201", .remote_name = (char *) "Anna Adler",
    .remote_user_id = fixture->anna, .started_at = 1700000000, .ended_at = 1700000060,
    .group_id = 3, .group_name = (char *) "Desk",
    .taken_by_user_id = fixture->carl, .taken_by_name = (char *) "Carl Cramer",
  };
  g_autoptr(JsonObject) full = cb_projection_journal_entry (&record, NULL);
  g_autoptr(JsonObject) ben = receive (fixture, "journal", fixture->ben, 0, full, fixture->ben);

  g_assert_nonnull (ben);
  g_assert_true (json_object_get_null_member (ben, "taken_by_user_id"));
  g_assert_cmpstr (json_object_get_string_member (ben, "taken_by_name"), ==, "");
  g_assert_cmpint (json_object_get_int_member (ben, "remote_user_id"), ==, fixture->anna);
  g_assert_false (receives (fixture, "journal", fixture->ben, full, fixture->anna));
}

/* A group goes to those who see it, members at none left out, logins at team. */
static void
test_group (Fixture       *fixture,
            gconstpointer  data)
{
  const CbGroupRecord *group = cb_directory_get_group (fixture->directory, fixture->team_group);
  g_autoptr(JsonObject) full = cb_projection_group_full (group);
  g_autoptr(JsonObject) ben = receive (fixture, "group", 0, group->id, full, fixture->ben);
  g_autoptr(JsonObject) carl = receive (fixture, "group", 0, group->id, full, fixture->carl);
  JsonArray *members;

  g_assert_nonnull (ben);
  g_assert_null (carl);
  members = json_object_get_array_member (ben, "members");
  g_assert_cmpuint (json_array_get_length (members), ==, 2);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (members, 0),
                                                 "logged_in"));
}

/* A resync reaches the listed users only, and tells them nothing else. */
static void
test_resync (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(JsonObject) full = json_object_new ();
  g_autoptr(JsonObject) ben = NULL;
  JsonArray *ids = json_array_new ();

  json_array_add_int_element (ids, fixture->ben);
  json_array_add_int_element (ids, fixture->carl);
  json_object_set_array_member (full, "user_ids", ids);
  ben = receive (fixture, "resync", 0, 0, full, fixture->ben);
  g_assert_nonnull (ben);
  g_assert_cmpuint (json_object_get_size (ben), ==, 0);
  g_assert_false (receives (fixture, "resync", 0, full, fixture->anna));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/event-filter/audience", Fixture, NULL, fixture_set_up, test_audience,
              fixture_tear_down);
  g_test_add ("/event-filter/user-cut", Fixture, NULL, fixture_set_up, test_user_cut,
              fixture_tear_down);
  g_test_add ("/event-filter/call-hides-party", Fixture, NULL, fixture_set_up,
              test_call_hides_party, fixture_tear_down);
  g_test_add ("/event-filter/call-for-hidden-leader", Fixture, NULL, fixture_set_up,
              test_call_for_hidden_leader, fixture_tear_down);
  g_test_add ("/event-filter/conference-hides-parties", Fixture, NULL, fixture_set_up,
              test_conference_hides_parties, fixture_tear_down);
  g_test_add ("/event-filter/journal-hides-taker", Fixture, NULL, fixture_set_up,
              test_journal_hides_taker, fixture_tear_down);
  g_test_add ("/event-filter/group", Fixture, NULL, fixture_set_up, test_group,
              fixture_tear_down);
  g_test_add ("/event-filter/resync", Fixture, NULL, fixture_set_up, test_resync,
              fixture_tear_down);
  return g_test_run ();
}
