/* test-changes.c: the service layer alone: transactions, events, mirror, signals
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In process, on a real SQLite store in a temporary directory: no HTTP,
 * no SIP. What the event log publishes is recorded as it happens.
 */

#define G_LOG_DOMAIN "cb-test-changes"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "cb-changes.h"
#include "cb-note-expiry.h"
#include "cb-projection.h"
#include "cb-sqlite-store.h"

typedef struct {
  char        *dir;
  CbStore     *store;
  CbDirectory *directory;
  CbEventLog  *log;
  CbChanges   *changes;
  GPtrArray   *published;   /* "type" or "type:user_ids" strings, in order */
  GPtrArray   *signalled;   /* "signal-name:id" strings, in order */
  JsonObject  *last_data;   /* the data of the last event published */
  gint64       a, b, c;     /* users */
} Fixture;

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
on_published (CbEventLog          *log,
              const CbEventRecord *record,
              JsonObject          *data,
              Fixture             *fixture)
{
  g_autoptr(GString) text = g_string_new (record->type);

  g_clear_pointer (&fixture->last_data, json_object_unref);
  fixture->last_data = json_object_ref (data);
  if (json_object_has_member (data, "user_ids"))
    {
      JsonArray *ids = json_object_get_array_member (data, "user_ids");
      g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (gint64));

      for (guint i = 0; i < json_array_get_length (ids); i++)
        {
          gint64 id = json_array_get_int_element (ids, i);
          g_array_append_val (sorted, id);
        }
      g_array_sort (sorted, compare_ids);
      g_string_append_c (text, ':');
      for (guint i = 0; i < sorted->len; i++)
        g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                                g_array_index (sorted, gint64, i));
    }
  g_ptr_array_add (fixture->published, g_string_free (g_steal_pointer (&text), FALSE));
}

static void
on_user_signal (CbChanges *changes,
                gint64     id,
                Fixture   *fixture)
{
  const char *name = g_signal_name (g_signal_get_invocation_hint (changes)->signal_id);

  g_ptr_array_add (fixture->signalled, g_strdup_printf ("%s:%" G_GINT64_FORMAT, name, id));
}

static gint64
add_user (Fixture    *fixture,
          const char *username)
{
  g_autoptr(CbUserRecord) record = cb_user_record_new ();
  g_autoptr(GError) error = NULL;

  record->username = g_strdup (username);
  record->display_name = g_strdup (username);
  record->availability = CB_AVAILABILITY_OFFLINE;
  g_assert_true (cb_changes_save_user (fixture->changes, &record, &error));
  g_assert_no_error (error);
  return record->id;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("cb-test-changes-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "cb.db", NULL);
  fixture->store = CB_STORE (cb_sqlite_store_new (path, &error));
  g_assert_no_error (error);
  fixture->directory = cb_directory_new (CB_LEVEL_NONE);
  g_assert_true (cb_directory_load (fixture->directory, fixture->store, &error));
  fixture->log = cb_event_log_new (fixture->store, 1000);
  fixture->changes = cb_changes_new (fixture->store, fixture->directory, fixture->log);
  fixture->published = g_ptr_array_new_with_free_func (g_free);
  fixture->signalled = g_ptr_array_new_with_free_func (g_free);

  fixture->a = add_user (fixture, "anna");
  fixture->b = add_user (fixture, "ben");
  fixture->c = add_user (fixture, "clara");

  g_signal_connect (fixture->log, "published", G_CALLBACK (on_published), fixture);
  for (guint i = 0; i < 4; i++)
    {
      static const char * const names[] = {
        "presence-changed", "agent-status-changed", "user-changed", "group-changed",
      };
      g_signal_connect (fixture->changes, names[i], G_CALLBACK (on_user_signal), fixture);
    }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  g_clear_object (&fixture->changes);
  g_clear_object (&fixture->log);
  g_clear_object (&fixture->directory);
  g_assert_finalize_object (fixture->store);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_ptr_array_unref (fixture->published);
  g_ptr_array_unref (fixture->signalled);
  g_clear_pointer (&fixture->last_data, json_object_unref);
}

/* The published types since the last call, joined by spaces. */
static char *
take_published (Fixture *fixture)
{
  char *text;

  g_ptr_array_add (fixture->published, NULL);
  text = g_strjoinv (" ", (char **) fixture->published->pdata);
  g_ptr_array_set_size (fixture->published, 0);
  return text;
}

static gint64
add_group (Fixture *fixture)
{
  g_autoptr(CbGroupRecord) record = cb_group_record_new ();
  g_autoptr(GError) error = NULL;
  CbGroupMember members[] = { { fixture->a, FALSE }, { fixture->b, FALSE } };

  record->name = g_strdup ("Sales");
  record->kind = CB_GROUP_KIND_HUNT;
  record->number = g_strdup ("700");
  record->member_timeout = 15;
  record->level = CB_LEVEL_TEAM;
  record->leader_level = CB_LEVEL_TEAM;
  record->members = g_array_new (FALSE, TRUE, sizeof (CbGroupMember));
  g_array_append_vals (record->members, members, G_N_ELEMENTS (members));
  g_assert_true (cb_changes_save_group (fixture->changes, &record, &error));
  g_assert_no_error (error);
  return record->id;
}

static void
edit_group (Fixture  *fixture,
            gint64    group_id,
            void    (*edit) (CbGroupRecord *record, Fixture *fixture))
{
  g_autoptr(CbGroupRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  record = cb_group_record_copy (cb_directory_get_group (fixture->directory, group_id));
  edit (record, fixture);
  g_assert_true (cb_changes_save_group (fixture->changes, &record, &error));
  g_assert_no_error (error);
}

static void
edit_timeout (CbGroupRecord *record,
              Fixture       *fixture)
{
  record->member_timeout = 20;
  g_free (record->overflow);
  record->overflow = g_strdup ("201");
}

static void
edit_order (CbGroupRecord *record,
            Fixture       *fixture)
{
  CbGroupMember first = g_array_index (record->members, CbGroupMember, 0);

  g_array_remove_index (record->members, 0);
  g_array_append_val (record->members, first);
}

static void
edit_add_member (CbGroupRecord *record,
                 Fixture       *fixture)
{
  CbGroupMember clara = { fixture->c, FALSE };

  g_array_append_val (record->members, clara);
}

static void
edit_level (CbGroupRecord *record,
            Fixture       *fixture)
{
  record->level = CB_LEVEL_BUSINESS;
}

/* Only an edit that changes who sees whom makes its people fetch a new
 * snapshot; settings and the ringing order are a "group" event alone. */
static void
test_group_edit_resync (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *created = NULL;
  g_autofree char *timeout = NULL;
  g_autofree char *order = NULL;
  g_autofree char *added = NULL;
  g_autofree char *level = NULL;
  g_autofree char *expect_created = NULL;
  g_autofree char *expect_added = NULL;
  gint64 group_id;

  g_ptr_array_set_size (fixture->published, 0);
  group_id = add_group (fixture);
  created = take_published (fixture);
  expect_created = g_strdup_printf ("group resync:%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT,
                                    fixture->a, fixture->b);
  g_assert_cmpstr (created, ==, expect_created);

  edit_group (fixture, group_id, edit_timeout);
  timeout = take_published (fixture);
  g_assert_cmpstr (timeout, ==, "group");
  g_assert_cmpuint (cb_directory_get_group (fixture->directory, group_id)->member_timeout, ==, 20);

  edit_group (fixture, group_id, edit_order);
  order = take_published (fixture);
  g_assert_cmpstr (order, ==, "group");

  edit_group (fixture, group_id, edit_add_member);
  added = take_published (fixture);
  expect_added = g_strdup_printf ("group resync:%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                                  ",%" G_GINT64_FORMAT, fixture->a, fixture->b, fixture->c);
  g_assert_cmpstr (added, ==, expect_added);
  g_assert_cmpint (cb_directory_level (fixture->directory, fixture->a, fixture->c), ==, CB_LEVEL_TEAM);

  edit_group (fixture, group_id, edit_level);
  level = take_published (fixture);
  g_assert_true (g_str_has_prefix (level, "group resync:"));
  g_assert_cmpint (cb_directory_level (fixture->directory, fixture->a, fixture->c), ==,
                   CB_LEVEL_BUSINESS);
}

typedef struct {
  Fixture        *fixture;
  CbAvailability  seen;
  guint           events;
} MirrorCheck;

static void
check_mirrored (CbEventLog          *log,
                const CbEventRecord *record,
                JsonObject          *data,
                MirrorCheck         *check)
{
  /* Filters read the directory while sending: it must be up to date. */
  check->seen = cb_directory_get_user (check->fixture->directory, check->fixture->a)->availability;
  check->events++;
}

/* The store, the event, the mirror, then the signal: in that order. */
static void
test_presence_order (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expect = g_strdup_printf ("presence-changed:%" G_GINT64_FORMAT, fixture->a);
  g_autoptr(CbUserRecord) stored = NULL;
  MirrorCheck check = { fixture, CB_AVAILABILITY_OFFLINE, 0 };
  gulong handler;

  handler = g_signal_connect (fixture->log, "published", G_CALLBACK (check_mirrored), &check);
  g_ptr_array_set_size (fixture->signalled, 0);
  g_assert_true (cb_changes_set_presence (fixture->changes, fixture->a, CB_AVAILABILITY_AWAY,
                                          "Back at 2", 0, &error));
  g_assert_no_error (error);
  g_signal_handler_disconnect (fixture->log, handler);

  g_assert_cmpuint (check.events, ==, 1);
  g_assert_cmpint (check.seen, ==, CB_AVAILABILITY_AWAY);
  g_assert_cmpuint (fixture->signalled->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->signalled, 0), ==, expect);
  stored = cb_store_get_user (fixture->store, fixture->a, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored->availability, ==, CB_AVAILABILITY_AWAY);
  g_assert_cmpstr (stored->note, ==, "Back at 2");
}

static gboolean
record_then_fail (CbChanges  *changes,
                  gpointer    data,
                  GError    **error)
{
  g_autoptr(JsonObject) event = json_object_new ();
  gint64 *user_id = data;

  json_object_set_int_member (event, "user_id", *user_id);
  if (!cb_store_set_agent_status (cb_changes_get_store (changes), *user_id,
                                  CB_AGENT_STATUS_AVAILABLE, error) ||
      !cb_changes_record (changes, CB_EVENT_TYPE_AGENT_STATUS, *user_id, 0, event, error))
    return FALSE;
  g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT, "changed my mind");
  return FALSE;
}

static void
never_applied (CbChanges *changes,
               gpointer   data)
{
  g_assert_not_reached ();
}

/* A failed change leaves nothing behind: no row, no event, no mirror. */
static void
test_rollback (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbUserRecord) stored = NULL;
  g_autofree char *published = NULL;
  gint64 seq = cb_store_last_seq (fixture->store);
  gint64 user_id = fixture->b;

  g_ptr_array_set_size (fixture->published, 0);
  g_assert_false (cb_changes_run (fixture->changes, record_then_fail, never_applied, &user_id,
                                  &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT);
  g_assert_cmpint (cb_store_last_seq (fixture->store), ==, seq);
  stored = cb_store_get_user (fixture->store, user_id, NULL);
  g_assert_cmpint (stored->agent_status, !=, CB_AGENT_STATUS_AVAILABLE);

  /* The next change publishes only its own event. */
  g_assert_true (cb_changes_set_agent_status (fixture->changes, user_id, CB_AGENT_STATUS_WRAP_UP,
                                              NULL));
  published = take_published (fixture);
  g_assert_cmpstr (published, ==, "agent-status");
  g_assert_cmpint (cb_store_last_seq (fixture->store), ==, seq + 1);
}

/* Group logins: only members of hunt groups, and a repeat is no change. */
static void
test_group_login (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  gint64 group_id = add_group (fixture);

  g_assert_false (cb_changes_set_group_login (fixture->changes, fixture->c, group_id, TRUE, &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_false (cb_changes_set_group_login (fixture->changes, fixture->a, 999, TRUE, &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_ptr_array_set_size (fixture->published, 0);
  g_assert_true (cb_changes_set_group_login (fixture->changes, fixture->a, group_id, TRUE, &error));
  first = take_published (fixture);
  g_assert_cmpstr (first, ==, "group-login");
  g_assert_true (cb_directory_is_logged_in (fixture->directory, group_id, fixture->a));
  g_assert_true (cb_changes_set_group_login (fixture->changes, fixture->a, group_id, TRUE, &error));
  again = take_published (fixture);
  g_assert_cmpstr (again, ==, "");
}

/* A note with an end goes by itself at that time, as a change like any other. */
static void
test_note_expiry (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(CbClock) clock = cb_clock_new_manual (0, G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC);
  g_autoptr(CbNoteExpiry) expiry = cb_note_expiry_new (fixture->changes, clock);
  g_autoptr(GError) error = NULL;
  g_autoptr(CbUserRecord) stored = NULL;
  g_autofree char *published = NULL;
  const CbUserRecord *user;

  g_assert_cmpint (cb_note_expiry_get_next (expiry), ==, 0);
  g_assert_true (cb_changes_set_presence (fixture->changes, fixture->a, CB_AVAILABILITY_AWAY,
                                          "Back at 2", 1800000060, &error));
  g_assert_no_error (error);
  /* Without a note there is nothing to go. */
  g_assert_true (cb_changes_set_presence (fixture->changes, fixture->b, CB_AVAILABILITY_BUSY,
                                          NULL, 1800000030, &error));
  g_assert_cmpint (cb_directory_get_user (fixture->directory, fixture->b)->note_until, ==, 0);
  g_assert_cmpint (cb_note_expiry_get_next (expiry), ==, 1800000060);

  g_ptr_array_set_size (fixture->published, 0);
  g_assert_cmpuint (cb_note_expiry_run_due (expiry), ==, 0);
  cb_clock_advance (clock, 59 * G_USEC_PER_SEC);
  g_assert_cmpuint (cb_note_expiry_run_due (expiry), ==, 0);
  cb_clock_advance (clock, 1 * G_USEC_PER_SEC);
  g_assert_cmpuint (cb_note_expiry_run_due (expiry), ==, 1);

  published = take_published (fixture);
  g_assert_cmpstr (published, ==, "presence");
  user = cb_directory_get_user (fixture->directory, fixture->a);
  g_assert_null (user->note);
  g_assert_cmpint (user->availability, ==, CB_AVAILABILITY_AWAY);
  g_assert_cmpint (cb_note_expiry_get_next (expiry), ==, 0);
  stored = cb_store_get_user (fixture->store, fixture->a, &error);
  g_assert_null (stored->note);
  g_assert_cmpint (stored->note_until, ==, 0);
}

static gboolean
add_journal (CbChanges  *changes,
             gpointer    data,
             GError    **error)
{
  return cb_changes_record_journal (changes, data, error);
}

/* Missed calls count until looked at (on any device); declined and
 * taken ones never count. */
static void
test_journal_seen (Fixture       *fixture,
                   gconstpointer  data)
{
  CbCallOutcome outcomes[] = { CB_CALL_OUTCOME_MISSED, CB_CALL_OUTCOME_DECLINED,
                               CB_CALL_OUTCOME_MISSED, CB_CALL_OUTCOME_TAKEN };
  gint64 ids[G_N_ELEMENTS (outcomes)];
  g_autoptr(GError) error = NULL;
  g_autofree char *published = NULL;
  gint64 seen = -1, missed = -1;

  for (guint i = 0; i < G_N_ELEMENTS (outcomes); i++)
    {
      CbJournalRecord entry = {
        .user_id = fixture->a, .call_id = (char *) "c", .remote_number = (char *) "0301234",
        .started_at = 1, .ended_at = 2, .outcome = outcomes[i],
        .taken_by_user_id = outcomes[i] == CB_CALL_OUTCOME_TAKEN ? fixture->b : 0,
      };

      g_assert_true (cb_changes_run (fixture->changes, add_journal, NULL, &entry, &error));
      ids[i] = entry.id;
    }
  g_assert_cmpint (cb_store_count_missed (fixture->store, fixture->a, NULL), ==, 2);

  g_ptr_array_set_size (fixture->published, 0);
  g_assert_true (cb_changes_set_journal_seen (fixture->changes, fixture->a, ids[0], &seen, &missed,
                                              &error));
  g_assert_no_error (error);
  g_assert_cmpint (seen, ==, ids[0]);
  g_assert_cmpint (missed, ==, 1);
  published = take_published (fixture);
  g_assert_cmpstr (published, ==, "journal-seen");

  /* An older page seen later moves nothing back. */
  g_assert_true (cb_changes_set_journal_seen (fixture->changes, fixture->a, 0, &seen, &missed, NULL));
  g_assert_cmpint (seen, ==, ids[0]);
  g_assert_cmpint (missed, ==, 1);
  g_assert_true (cb_changes_set_journal_seen (fixture->changes, fixture->a, ids[3], &seen, &missed, NULL));
  g_assert_cmpint (missed, ==, 0);
}

/* The signals since the last call, joined by spaces. */
static char *
take_signalled (Fixture *fixture)
{
  char *text;

  g_ptr_array_add (fixture->signalled, NULL);
  text = g_strjoinv (" ", (char **) fixture->signalled->pdata);
  g_ptr_array_set_size (fixture->signalled, 0);
  return text;
}

/* An administrator's edit of a user. */
static void
edit_user (Fixture    *fixture,
           gint64      user_id,
           const char *extension,
           const char *mobile)
{
  g_autoptr(CbUserRecord) record = cb_user_record_copy (cb_directory_get_user (fixture->directory,
                                                                               user_id));
  g_autoptr(GError) error = NULL;

  g_free (record->extension);
  record->extension = g_strdup (extension);
  g_free (record->mobile);
  record->mobile = g_strdup (mobile);
  g_assert_true (cb_changes_save_user (fixture->changes, &record, &error));
  g_assert_no_error (error);
}

/* A refused change: the error, and nothing stored, published or signalled. */
static void
assert_refused (Fixture    *fixture,
                gboolean    ok,
                GError     *error,
                int         code,
                const char *names)
{
  g_autofree char *published = take_published (fixture);
  g_autofree char *signalled = take_signalled (fixture);

  g_test_message ("refused: %s", error != NULL ? error->message : "(no error)");
  g_assert_false (ok);
  g_assert_error (error, CB_PROTOCOL_ERROR, code);
  if (names != NULL)
    g_assert_nonnull (strstr (error->message, names));
  g_assert_cmpstr (published, ==, "");
  g_assert_cmpstr (signalled, ==, "");
}

/* Diversions: checked, stored, mirrored, one "user" event whose cut shows
 * them to colleagues at team, not at business. */
static void
test_diversion (Fixture       *fixture,
                gconstpointer  data)
{
  static const struct {
    CbWireDiversion diversion;
    const char     *names;
  } refused[] = {
    { { "call me", NULL, NULL, 20 }, "“unconditional”" },
    { { NULL, "12 34", NULL, 20 }, "“busy”" },
    { { NULL, NULL, "012345678901234567890123456789012", 20 }, "“no_answer”" },
    { { NULL, "201", NULL, 20 }, "own extension" },
    { { NULL, NULL, "300", 4 }, "“no_answer_after”" },
    { { NULL, NULL, "300", 121 }, "“no_answer_after”" },
  };
  CbWireDiversion diversion = { "", "*300", "+49301234", 5 };
  g_autoptr(GError) error = NULL;
  g_autoptr(CbUserRecord) stored = NULL;
  g_autoptr(JsonObject) team = NULL;
  g_autoptr(JsonObject) business = NULL;
  g_autofree char *published = NULL;
  g_autofree char *signalled = NULL;
  g_autofree char *expect_signal = g_strdup_printf ("user-changed:%" G_GINT64_FORMAT, fixture->a);
  const CbUserRecord *mirrored;
  JsonObject *shown;

  edit_user (fixture, fixture->a, "201", NULL);
  g_ptr_array_set_size (fixture->published, 0);
  g_ptr_array_set_size (fixture->signalled, 0);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      gboolean ok = cb_changes_set_diversion (fixture->changes, fixture->a, &refused[i].diversion,
                                              &error);

      assert_refused (fixture, ok, error, CB_PROTOCOL_ERROR_INVALID_FIELD, refused[i].names);
      g_clear_error (&error);
    }
  g_assert_false (cb_changes_set_diversion (fixture->changes, 999, &diversion, &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (cb_changes_set_diversion (fixture->changes, fixture->a, &diversion, &error));
  g_assert_no_error (error);
  published = take_published (fixture);
  signalled = take_signalled (fixture);
  g_assert_cmpstr (published, ==, "user");
  g_assert_cmpstr (signalled, ==, expect_signal);

  mirrored = cb_directory_get_user (fixture->directory, fixture->a);
  g_assert_null (mirrored->diversion.unconditional);
  g_assert_cmpstr (mirrored->diversion.busy, ==, "*300");
  g_assert_cmpstr (mirrored->diversion.no_answer, ==, "+49301234");
  g_assert_cmpuint (mirrored->diversion.no_answer_after, ==, 5);
  stored = cb_store_get_user (fixture->store, fixture->a, &error);
  g_assert_cmpstr (stored->diversion.busy, ==, "*300");
  g_assert_cmpuint (stored->diversion.no_answer_after, ==, 5);

  /* The log keeps the whole object; a colleague gets it cut to their level. */
  g_assert_cmpstr (json_object_get_string_member (fixture->last_data, "level"), ==, "personal");
  team = cb_wire_user_cut (fixture->last_data, CB_LEVEL_TEAM);
  business = cb_wire_user_cut (fixture->last_data, CB_LEVEL_BUSINESS);
  shown = json_object_get_object_member (team, "diversion");
  g_assert_nonnull (shown);
  g_assert_true (json_object_get_null_member (shown, "unconditional"));
  g_assert_cmpstr (json_object_get_string_member (shown, "busy"), ==, "*300");
  g_assert_cmpint (json_object_get_int_member (shown, "no_answer_after"), ==, 5);
  g_assert_false (json_object_has_member (team, "mobile_ringing"));
  g_assert_false (json_object_has_member (business, "diversion"));

  /* Off again. */
  diversion = (CbWireDiversion) { NULL, NULL, NULL, 20 };
  g_assert_true (cb_changes_set_diversion (fixture->changes, fixture->a, &diversion, &error));
  g_assert_null (cb_directory_get_user (fixture->directory, fixture->a)->diversion.busy);
}

/* Ringing the mobile too needs a mobile number a trunk can dial. */
static void
test_mobile_ringing (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *published = NULL;
  const CbUserRecord *mirrored;
  gboolean ok;

  g_ptr_array_set_size (fixture->published, 0);
  g_ptr_array_set_size (fixture->signalled, 0);
  ok = cb_changes_set_mobile_ringing (fixture->changes, fixture->a, TRUE, 0, &error);
  assert_refused (fixture, ok, error, CB_PROTOCOL_ERROR_NO_MOBILE, "no mobile number");
  g_clear_error (&error);

  edit_user (fixture, fixture->a, "201", "on request");
  g_free (take_published (fixture));
  g_free (take_signalled (fixture));
  ok = cb_changes_set_mobile_ringing (fixture->changes, fixture->a, TRUE, 0, &error);
  assert_refused (fixture, ok, error, CB_PROTOCOL_ERROR_NO_MOBILE, "“on request”");
  g_clear_error (&error);

  edit_user (fixture, fixture->a, "201", "+49 (170) 1234-567");
  g_free (take_published (fixture));
  g_free (take_signalled (fixture));
  ok = cb_changes_set_mobile_ringing (fixture->changes, fixture->a, TRUE, 61, &error);
  assert_refused (fixture, ok, error, CB_PROTOCOL_ERROR_INVALID_FIELD, "“delay”");
  g_clear_error (&error);

  g_assert_true (cb_changes_set_mobile_ringing (fixture->changes, fixture->a, TRUE, 60, &error));
  g_assert_no_error (error);
  published = take_published (fixture);
  g_assert_cmpstr (published, ==, "user");
  mirrored = cb_directory_get_user (fixture->directory, fixture->a);
  g_assert_true (mirrored->mobile_ringing);
  g_assert_cmpuint (mirrored->mobile_ringing_delay, ==, 60);

  /* Off needs no number. */
  edit_user (fixture, fixture->a, "201", NULL);
  g_assert_true (cb_directory_get_user (fixture->directory, fixture->a)->mobile_ringing);
  g_assert_true (cb_changes_set_mobile_ringing (fixture->changes, fixture->a, FALSE, 0, &error));
  g_assert_false (cb_directory_get_user (fixture->directory, fixture->a)->mobile_ringing);
}

static void
test_announcement (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char audio[] = "RIFF\0\0\0\0WAVE";
  g_autoptr(GBytes) bytes = g_bytes_new_static (audio, sizeof audio);
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *type = NULL;
  g_autofree char *published = NULL;
  gboolean ok;

  g_ptr_array_set_size (fixture->published, 0);
  g_assert_true (cb_changes_set_announcement (fixture->changes, fixture->a, "audio/wav", bytes,
                                              &error));
  g_assert_no_error (error);
  published = take_published (fixture);
  g_assert_cmpstr (published, ==, "user");
  g_assert_true (json_object_get_boolean_member (fixture->last_data, "announcement"));
  g_assert_true (cb_directory_get_user (fixture->directory, fixture->a)->announcement);
  stored = cb_store_get_announcement (fixture->store, fixture->a, &type, &error);
  g_assert_true (g_bytes_equal (stored, bytes));
  g_assert_cmpstr (type, ==, "audio/wav");

  g_assert_true (cb_changes_delete_announcement (fixture->changes, fixture->a, &error));
  g_assert_false (cb_directory_get_user (fixture->directory, fixture->a)->announcement);
  g_assert_false (json_object_get_boolean_member (fixture->last_data, "announcement"));
  g_free (take_published (fixture));
  g_free (take_signalled (fixture));
  ok = cb_changes_delete_announcement (fixture->changes, fixture->a, &error);
  assert_refused (fixture, ok, error, CB_PROTOCOL_ERROR_NOT_FOUND, NULL);
}

/* Clara leads an assistant group; Anna and Ben assist her. */
static gint64
add_assistant_group (Fixture *fixture)
{
  g_autoptr(CbGroupRecord) record = cb_group_record_new ();
  g_autoptr(GError) error = NULL;
  CbGroupMember members[] = { { fixture->a, FALSE }, { fixture->b, FALSE } };

  record->name = g_strdup ("Clara's office");
  record->kind = CB_GROUP_KIND_ASSISTANT;
  record->level = CB_LEVEL_TEAM;
  record->leader_level = CB_LEVEL_TEAM;
  record->leader_id = fixture->c;
  g_array_append_vals (record->members, members, G_N_ELEMENTS (members));
  g_assert_true (cb_changes_save_group (fixture->changes, &record, &error));
  g_assert_no_error (error);
  return record->id;
}

static void
forbid_logout (CbGroupRecord *record,
               Fixture       *fixture)
{
  record->logout_allowed = FALSE;
}

/* Assistants see their leader; they log in and out like hunt group
 * members (unless logging out is forbidden), and show it in
 * group_logins; who assists whom. */
static void
test_assistant_logins (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) led = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(JsonObject) projected = NULL;
  g_autofree char *published = NULL;
  gint64 group_id = add_assistant_group (fixture);
  JsonArray *logins;
  gboolean ok;

  /* Anna sees Clara, whom she assists, as Clara sees her; Anna and Ben
   * see each other as members do. */
  g_assert_cmpint (cb_directory_level (fixture->directory, fixture->a, fixture->c), ==, CB_LEVEL_TEAM);
  g_assert_cmpint (cb_directory_level (fixture->directory, fixture->c, fixture->a), ==, CB_LEVEL_TEAM);
  g_assert_cmpint (cb_directory_level (fixture->directory, fixture->a, fixture->b), ==, CB_LEVEL_TEAM);

  led = cb_directory_assistant_groups (fixture->directory, fixture->c);
  g_assert_cmpuint (led->len, ==, 1);
  g_assert_cmpint (((CbGroupRecord *) g_ptr_array_index (led, 0))->id, ==, group_id);
  none = cb_directory_assistant_groups (fixture->directory, fixture->a);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_true (cb_directory_assists (fixture->directory, fixture->a, fixture->c, FALSE));
  g_assert_false (cb_directory_assists (fixture->directory, fixture->a, fixture->c, TRUE));
  g_assert_false (cb_directory_assists (fixture->directory, fixture->c, fixture->a, FALSE));

  g_ptr_array_set_size (fixture->published, 0);
  g_ptr_array_set_size (fixture->signalled, 0);
  g_assert_true (cb_changes_set_group_login (fixture->changes, fixture->a, group_id, TRUE, &error));
  g_assert_no_error (error);
  published = take_published (fixture);
  g_assert_cmpstr (published, ==, "group-login");
  g_assert_true (cb_directory_assists (fixture->directory, fixture->a, fixture->c, TRUE));
  projected = cb_projection_user (fixture->directory,
                                  cb_directory_get_user (fixture->directory, fixture->a),
                                  CB_LEVEL_TEAM);
  logins = json_object_get_array_member (projected, "group_logins");
  g_assert_cmpuint (json_array_get_length (logins), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (logins, 0), "id"), ==,
                   group_id);

  /* The leader is no assistant: nothing to log into. */
  ok = cb_changes_set_group_login (fixture->changes, fixture->c, group_id, TRUE, &error);
  assert_refused (fixture, ok, error, CB_PROTOCOL_ERROR_FORBIDDEN, NULL);
  g_clear_error (&error);

  /* Logging out, until the administrator forbids it. */
  g_assert_true (cb_changes_set_group_login (fixture->changes, fixture->a, group_id, FALSE, &error));
  g_assert_true (cb_changes_set_group_login (fixture->changes, fixture->a, group_id, TRUE, &error));
  edit_group (fixture, group_id, forbid_logout);
  g_free (take_published (fixture));
  g_free (take_signalled (fixture));
  ok = cb_changes_set_group_login (fixture->changes, fixture->a, group_id, FALSE, &error);
  assert_refused (fixture, ok, error, CB_PROTOCOL_ERROR_FORBIDDEN, "logging out");
  g_clear_error (&error);
  g_assert_true (cb_directory_is_logged_in (fixture->directory, group_id, fixture->a));
  /* Ben, not logged in, may still log in; logging out of nothing is no change. */
  g_assert_true (cb_changes_set_group_login (fixture->changes, fixture->b, group_id, FALSE, &error));
  g_assert_true (cb_changes_set_group_login (fixture->changes, fixture->b, group_id, TRUE, &error));
  g_assert_no_error (error);
}

static void
no_longer_assistant (CbGroupRecord *record,
                Fixture       *fixture)
{
  record->kind = CB_GROUP_KIND_AUTHORISATION;
}

/* The filter: the leader sets it all, a logged-in assistant switches it
 * on and off; a "group" event each, no resync. */
static void
test_assistant_filter (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *published = NULL;
  g_autofree char *signalled = NULL;
  g_autofree char *expect_signal = NULL;
  gint64 group_id = add_assistant_group (fixture);
  gint64 hunt_id = add_group (fixture);
  const CbGroupRecord *group;
  gboolean on = TRUE;
  CbAssistantFilter all = CB_ASSISTANT_FILTER_ALL;
  CbAssistantFilter first = CB_ASSISTANT_FILTER_ASSISTANTS_FIRST;
  guint delay = 30;
  guint too_long = 301;
  guint same_delay = 15;
  gboolean ok;

  g_assert_true (cb_changes_set_group_login (fixture->changes, fixture->a, group_id, TRUE, &error));
  g_ptr_array_set_size (fixture->published, 0);
  g_ptr_array_set_size (fixture->signalled, 0);

  /* Ben is not logged in; a hunt group has no filter; no such group. */
  ok = cb_changes_set_assistant_filter (fixture->changes, fixture->b, group_id, &on, NULL, NULL, &error);
  assert_refused (fixture, ok, error, CB_PROTOCOL_ERROR_FORBIDDEN, "Log into");
  g_clear_error (&error);
  ok = cb_changes_set_assistant_filter (fixture->changes, fixture->a, hunt_id, &on, NULL, NULL, &error);
  assert_refused (fixture, ok, error, CB_PROTOCOL_ERROR_CONFLICT, NULL);
  g_clear_error (&error);
  ok = cb_changes_set_assistant_filter (fixture->changes, fixture->a, 999, &on, NULL, NULL, &error);
  assert_refused (fixture, ok, error, CB_PROTOCOL_ERROR_NOT_FOUND, NULL);
  g_clear_error (&error);

  /* Anna switches it on; she may send the strategy and delay as they are. */
  g_assert_true (cb_changes_set_assistant_filter (fixture->changes, fixture->a, group_id, &on,
                                                  &first, &same_delay, &error));
  g_assert_no_error (error);
  published = take_published (fixture);
  signalled = take_signalled (fixture);
  expect_signal = g_strdup_printf ("group-changed:%" G_GINT64_FORMAT, group_id);
  g_assert_cmpstr (published, ==, "group");
  g_assert_cmpstr (signalled, ==, expect_signal);
  g_assert_true (cb_directory_get_group (fixture->directory, group_id)->filter_enabled);
  g_assert_true (json_object_get_boolean_member (fixture->last_data, "filter_enabled"));

  /* Again: no change, no event. */
  g_assert_true (cb_changes_set_assistant_filter (fixture->changes, fixture->a, group_id, &on,
                                                  NULL, NULL, &error));
  g_clear_pointer (&published, g_free);
  published = take_published (fixture);
  g_assert_cmpstr (published, ==, "");

  /* The strategy and delay are the leader's. */
  ok = cb_changes_set_assistant_filter (fixture->changes, fixture->a, group_id, NULL, &all, NULL, &error);
  assert_refused (fixture, ok, error, CB_PROTOCOL_ERROR_FORBIDDEN, "leader");
  g_clear_error (&error);
  ok = cb_changes_set_assistant_filter (fixture->changes, fixture->a, group_id, NULL, NULL, &delay, &error);
  assert_refused (fixture, ok, error, CB_PROTOCOL_ERROR_FORBIDDEN, "leader");
  g_clear_error (&error);
  ok = cb_changes_set_assistant_filter (fixture->changes, fixture->c, group_id, NULL, NULL, &too_long,
                                        &error);
  assert_refused (fixture, ok, error, CB_PROTOCOL_ERROR_INVALID_FIELD, "“delay”");
  g_clear_error (&error);

  g_assert_true (cb_changes_set_assistant_filter (fixture->changes, fixture->c, group_id, NULL, &all,
                                                  &delay, &error));
  g_assert_no_error (error);
  g_clear_pointer (&published, g_free);
  published = take_published (fixture);
  g_assert_cmpstr (published, ==, "group");
  group = cb_directory_get_group (fixture->directory, group_id);
  g_assert_true (group->filter_enabled);
  g_assert_cmpint (group->filter, ==, CB_ASSISTANT_FILTER_ALL);
  g_assert_cmpuint (group->filter_delay, ==, 30);

  /* Once the group is no assistant group, Anna's login counts for nothing. */
  edit_group (fixture, group_id, no_longer_assistant);
  g_assert_false (cb_directory_assists (fixture->directory, fixture->a, fixture->c, FALSE));
  g_assert_cmpint (cb_directory_level (fixture->directory, fixture->a, fixture->c), ==, CB_LEVEL_NONE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/changes/group-edit-resync", Fixture, NULL, fixture_set_up,
              test_group_edit_resync, fixture_tear_down);
  g_test_add ("/changes/presence-order", Fixture, NULL, fixture_set_up,
              test_presence_order, fixture_tear_down);
  g_test_add ("/changes/rollback", Fixture, NULL, fixture_set_up,
              test_rollback, fixture_tear_down);
  g_test_add ("/changes/group-login", Fixture, NULL, fixture_set_up,
              test_group_login, fixture_tear_down);
  g_test_add ("/changes/note-expiry", Fixture, NULL, fixture_set_up,
              test_note_expiry, fixture_tear_down);
  g_test_add ("/changes/journal-seen", Fixture, NULL, fixture_set_up,
              test_journal_seen, fixture_tear_down);
  g_test_add ("/changes/diversion", Fixture, NULL, fixture_set_up,
              test_diversion, fixture_tear_down);
  g_test_add ("/changes/mobile-ringing", Fixture, NULL, fixture_set_up,
              test_mobile_ringing, fixture_tear_down);
  g_test_add ("/changes/announcement", Fixture, NULL, fixture_set_up,
              test_announcement, fixture_tear_down);
  g_test_add ("/changes/assistant-logins", Fixture, NULL, fixture_set_up,
              test_assistant_logins, fixture_tear_down);
  g_test_add ("/changes/assistant-filter", Fixture, NULL, fixture_set_up,
              test_assistant_filter, fixture_tear_down);
  return g_test_run ();
}
