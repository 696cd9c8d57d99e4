/* test-sqlite-store.c: CbSqliteStore against real database files
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-store"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "cb-sqlite-store.h"

typedef struct {
  char    *dir;
  char    *path;
  CbStore *store;
} Fixture;

static CbStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  CbSqliteStore *store = cb_sqlite_store_new (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return CB_STORE (store);
}

/* Closes the store (it must not leak a reference) and opens the file anew,
 * as a restarted server would. */
static void
reopen (Fixture *fixture)
{
  g_assert_finalize_object (fixture->store);
  fixture->store = open_store (fixture->path);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("cb-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "callboard.db", NULL);
  fixture->store = open_store (fixture->path);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (fixture->store != NULL)
    g_assert_finalize_object (fixture->store);

  /* The database plus its -wal and -shm files, and whatever a test added. */
  dir = g_dir_open (fixture->dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (fixture->dir, name, NULL);
      g_assert_cmpint (g_unlink (file), ==, 0);
    }
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);

  g_free (fixture->path);
  g_free (fixture->dir);
}

static gint64
add_user (CbStore    *store,
          const char *username,
          const char *extension)
{
  g_autoptr(CbUserRecord) user = cb_user_record_new ();
  g_autoptr(GError) error = NULL;

  user->username = g_strdup (username);
  user->display_name = g_strdup_printf ("User %s", username);
  user->extension = g_strdup (extension);
  user->password_hash = g_strdup ("$argon2id$test");
  g_assert_true (cb_store_create_user (store, user, &error));
  g_assert_no_error (error);
  g_assert_cmpint (user->id, >, 0);
  return user->id;
}

static GArray *
ids_new (guint n, ...)
{
  GArray *ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  va_list args;

  va_start (args, n);
  for (guint i = 0; i < n; i++)
    {
      gint64 id = va_arg (args, gint64);
      g_array_append_val (ids, id);
    }
  va_end (args);

  return ids;
}

static void
assert_ids (const GArray *ids, guint n, ...)
{
  va_list args;

  g_assert_nonnull (ids);
  g_assert_cmpuint (ids->len, ==, n);
  va_start (args, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (ids, gint64, i), ==, va_arg (args, gint64));
  va_end (args);
}

static void
add_member (CbGroupRecord *group,
            gint64         user_id,
            gboolean       logged_in)
{
  CbGroupMember member = { .user_id = user_id, .logged_in = logged_in };

  g_array_append_val (group->members, member);
}

static const CbGroupMember *
member_at (const CbGroupRecord *group,
           guint                index)
{
  g_assert_cmpuint (index, <, group->members->len);
  return &g_array_index (group->members, CbGroupMember, index);
}

static gint64
append_event (CbStore    *store,
              const char *type,
              gint64      subject)
{
  CbEventRecord event = {
    .type = (char *) type,
    .subject_user_id = subject,
    .data = (char *) "{\"x\":1}",
  };
  g_autoptr(GError) error = NULL;

  g_assert_true (cb_store_append_event (store, &event, &error));
  g_assert_no_error (error);
  return event.seq;
}

/* Reads one integer with a separate connection: what another process (or
 * the server after a crash) would see on disk. */
static gint64
peek_int_with (const char *path,
               const char *sql,
               const char *param)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (param != NULL)
    sqlite3_bind_text (stmt, 1, param, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static gint64
peek_int (const char *path,
          const char *sql)
{
  return peek_int_with (path, sql, NULL);
}

static void
test_records (void)
{
  g_autoptr(CbUserRecord) user = cb_user_record_new ();
  g_autoptr(CbUserRecord) user_copy = NULL;
  g_autoptr(CbGroupRecord) group = cb_group_record_new ();
  g_autoptr(CbGroupRecord) group_copy = NULL;
  gint64 fav = 42;

  g_assert_cmpint (user->availability, ==, CB_AVAILABILITY_AVAILABLE);
  g_assert_cmpint (user->agent_status, ==, CB_AGENT_STATUS_LOGGED_OUT);
  g_assert_cmpint (user->line_state, ==, CB_LINE_STATE_OFFLINE);
  g_assert_cmpint (user->kind, ==, CB_USER_KIND_USER);
  g_assert_cmpuint (group->member_timeout, ==, 15);
  g_assert_cmpint (group->level, ==, CB_LEVEL_PUBLIC);
  g_assert_cmpint (group->leader_level, ==, CB_LEVEL_TEAM);
  g_assert_cmpint (group->kind, ==, CB_GROUP_KIND_AUTHORISATION);
  g_assert_cmpuint (group->members->len, ==, 0);

  user->username = g_strdup ("anna");
  user->note = g_strdup ("lunch");
  user->id = 7;
  user_copy = cb_user_record_copy (user);
  g_assert_cmpint (user_copy->id, ==, 7);
  g_assert_cmpstr (user_copy->username, ==, "anna");
  g_assert_true (user_copy->username != user->username);
  g_assert_cmpstr (user_copy->note, ==, "lunch");

  group->name = g_strdup ("Support");
  add_member (group, 3, TRUE);
  g_array_append_val (group->favourites, fav);
  group_copy = cb_group_record_copy (group);
  add_member (group, 4, FALSE);
  g_assert_cmpstr (group_copy->name, ==, "Support");
  g_assert_cmpuint (group_copy->members->len, ==, 1);
  g_assert_true (member_at (group_copy, 0)->logged_in);
  assert_ids (group_copy->favourites, 1, (gint64) 42);
  g_assert_cmpuint (group_copy->monitor->len, ==, 0);

  cb_user_record_free (NULL);
  cb_group_record_free (NULL);
  cb_event_record_free (NULL);
}

static void
test_users (Fixture       *fixture,
            gconstpointer  data)
{
  CbStore *store = fixture->store;
  g_autoptr(CbUserRecord) anna = cb_user_record_new ();
  g_autoptr(CbUserRecord) got = NULL;
  g_autoptr(CbUserRecord) found = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GError) error = NULL;
  gint64 ben;

  anna->username = g_strdup ("anna");
  anna->display_name = g_strdup ("Anna Berger");
  anna->extension = g_strdup ("201");
  anna->email = g_strdup ("anna.berger@example.org");
  anna->mobile = g_strdup ("+49 170 5550201");
  anna->language = g_strdup ("de");
  anna->time_zone = g_strdup ("Europe/Berlin");
  anna->password_hash = g_strdup ("$argon2id$v=19$abc");
  anna->admin = TRUE;
  anna->availability = CB_AVAILABILITY_DND;
  anna->note = g_strdup ("in a meeting");
  anna->agent_status = CB_AGENT_STATUS_WRAP_UP;
  anna->line_state = CB_LINE_STATE_ON_HOLD;
  g_assert_true (cb_store_create_user (store, anna, &error));
  g_assert_no_error (error);
  g_assert_cmpint (anna->id, >, 0);

  got = cb_store_get_user (store, anna->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->id, ==, anna->id);
  g_assert_cmpstr (got->username, ==, "anna");
  g_assert_cmpstr (got->display_name, ==, "Anna Berger");
  g_assert_cmpstr (got->extension, ==, "201");
  g_assert_cmpstr (got->email, ==, "anna.berger@example.org");
  g_assert_cmpstr (got->mobile, ==, "+49 170 5550201");
  g_assert_cmpstr (got->language, ==, "de");
  g_assert_cmpstr (got->time_zone, ==, "Europe/Berlin");
  g_assert_cmpstr (got->password_hash, ==, "$argon2id$v=19$abc");
  g_assert_true (got->admin);
  g_assert_cmpint (got->kind, ==, CB_USER_KIND_USER);
  g_assert_cmpint (got->availability, ==, CB_AVAILABILITY_DND);
  g_assert_cmpstr (got->note, ==, "in a meeting");
  g_assert_cmpint (got->agent_status, ==, CB_AGENT_STATUS_WRAP_UP);
  g_assert_cmpint (got->line_state, ==, CB_LINE_STATE_ON_HOLD);

  /* Usernames are matched without regard to ASCII case. */
  found = cb_store_find_user (store, "ANNA", &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->id, ==, anna->id);
  g_clear_pointer (&found, cb_user_record_free);

  found = cb_store_find_user (store, "nobody", &error);
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_assert_null (found);
  g_clear_error (&error);

  g_assert_null (cb_store_get_user (store, anna->id + 100, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A device: no password, and the stored defaults of a fresh record. */
  {
    g_autoptr(CbUserRecord) phone = cb_user_record_new ();
    g_autoptr(CbUserRecord) phone_got = NULL;

    phone->username = g_strdup ("lobby-phone");
    phone->kind = CB_USER_KIND_DEVICE;
    g_assert_true (cb_store_create_user (store, phone, &error));
    g_assert_no_error (error);
    phone_got = cb_store_get_user (store, phone->id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (phone_got->kind, ==, CB_USER_KIND_DEVICE);
    g_assert_null (phone_got->password_hash);
    g_assert_null (phone_got->extension);
    g_assert_null (phone_got->note);
    g_assert_false (phone_got->admin);
    g_assert_cmpint (phone_got->availability, ==, CB_AVAILABILITY_AVAILABLE);
    g_assert_cmpint (phone_got->agent_status, ==, CB_AGENT_STATUS_LOGGED_OUT);
    g_assert_cmpint (phone_got->line_state, ==, CB_LINE_STATE_OFFLINE);
  }

  /* update_user replaces every field. */
  g_free (got->display_name);
  got->display_name = g_strdup ("Anna Berger-Schmidt");
  g_free (got->extension);
  got->extension = g_strdup ("299");
  got->admin = FALSE;
  g_assert_true (cb_store_update_user (store, got, &error));
  g_assert_no_error (error);
  g_clear_pointer (&got, cb_user_record_free);
  got = cb_store_get_user (store, anna->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->display_name, ==, "Anna Berger-Schmidt");
  g_assert_cmpstr (got->extension, ==, "299");
  g_assert_false (got->admin);
  g_assert_cmpstr (got->email, ==, "anna.berger@example.org");

  got->id += 100;
  g_assert_false (cb_store_update_user (store, got, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&got, cb_user_record_free);

  /* The state setters. */
  g_assert_true (cb_store_set_presence (store, anna->id, CB_AVAILABILITY_AWAY, "back at 2",
                                        1900000000, &error));
  g_assert_no_error (error);
  g_assert_true (cb_store_set_agent_status (store, anna->id, CB_AGENT_STATUS_AVAILABLE,
                                            &error));
  g_assert_no_error (error);
  g_assert_true (cb_store_set_line_state (store, anna->id, CB_LINE_STATE_RINGING, &error));
  g_assert_no_error (error);
  got = cb_store_get_user (store, anna->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->availability, ==, CB_AVAILABILITY_AWAY);
  g_assert_cmpstr (got->note, ==, "back at 2");
  g_assert_cmpint (got->note_until, ==, 1900000000);
  g_assert_cmpint (got->agent_status, ==, CB_AGENT_STATUS_AVAILABLE);
  g_assert_cmpint (got->line_state, ==, CB_LINE_STATE_RINGING);
  g_clear_pointer (&got, cb_user_record_free);

  g_assert_true (cb_store_set_presence (store, anna->id, CB_AVAILABILITY_AVAILABLE, NULL, 0,
                                        &error));
  got = cb_store_get_user (store, anna->id, &error);
  g_assert_no_error (error);
  g_assert_null (got->note);
  g_assert_null (got->note);
  g_assert_cmpint (got->note_until, ==, 0);
  g_assert_false (cb_store_set_presence (store, 9999, CB_AVAILABILITY_AWAY, NULL, 0, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cb_store_set_agent_status (store, 9999, CB_AGENT_STATUS_AVAILABLE, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cb_store_set_line_state (store, 9999, CB_LINE_STATE_IDLE, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  ben = add_user (store, "ben", "202");
  users = cb_store_list_users (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (users->len, ==, 3);
  g_assert_cmpint (((CbUserRecord *) users->pdata[0])->id, ==, anna->id);
  g_assert_cmpstr (((CbUserRecord *) users->pdata[1])->username, ==, "lobby-phone");
  g_assert_cmpint (((CbUserRecord *) users->pdata[2])->id, ==, ben);
}

static void
test_user_conflicts (Fixture       *fixture,
                     gconstpointer  data)
{
  CbStore *store = fixture->store;
  g_autoptr(CbUserRecord) user = NULL;
  g_autoptr(CbUserRecord) got = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GError) error = NULL;
  gint64 anna, ben;

  anna = add_user (store, "anna", "201");
  ben = add_user (store, "ben", "202");

  user = cb_user_record_new ();
  user->username = g_strdup ("Anna");
  g_assert_false (cb_store_create_user (store, user, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT);
  g_assert_cmpint (user->id, ==, 0);
  g_clear_error (&error);

  g_free (user->username);
  user->username = g_strdup ("carla");
  user->extension = g_strdup ("202");
  g_assert_false (cb_store_create_user (store, user, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  /* No extension, or an empty one, never collides. */
  add_user (store, "dev-1", NULL);
  add_user (store, "dev-2", NULL);
  add_user (store, "dev-3", "");
  add_user (store, "dev-4", "");
  got = cb_store_find_user (store, "dev-4", &error);
  g_assert_no_error (error);
  g_assert_null (got->extension);
  g_clear_pointer (&got, cb_user_record_free);

  /* Taking ben's extension fails and leaves anna unchanged. */
  got = cb_store_get_user (store, anna, &error);
  g_assert_no_error (error);
  g_free (got->extension);
  got->extension = g_strdup ("202");
  g_assert_false (cb_store_update_user (store, got, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_free (got->username);
  got->username = g_strdup ("ben");
  g_free (got->extension);
  got->extension = g_strdup ("201");
  g_assert_false (cb_store_update_user (store, got, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_clear_pointer (&got, cb_user_record_free);

  got = cb_store_get_user (store, anna, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->username, ==, "anna");
  g_assert_cmpstr (got->extension, ==, "201");
  g_clear_pointer (&got, cb_user_record_free);
  got = cb_store_get_user (store, ben, &error);
  g_assert_cmpstr (got->extension, ==, "202");

  users = cb_store_list_users (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (users->len, ==, 6);
}

static CbGroupRecord *
support_group (gint64 a, gint64 b, gint64 c)
{
  CbGroupRecord *group = cb_group_record_new ();

  group->name = g_strdup ("Support");
  group->kind = CB_GROUP_KIND_HUNT;
  group->number = g_strdup ("600");
  group->strategy = CB_RING_STRATEGY_SEQUENTIAL;
  group->member_timeout = 20;
  group->wrap_around = TRUE;
  group->level = CB_LEVEL_TEAM;
  group->leader_level = CB_LEVEL_PERSONAL;
  group->leader_id = a;
  add_member (group, c, FALSE);
  add_member (group, a, TRUE);
  add_member (group, b, FALSE);
  g_array_append_val (group->favourites, b);
  g_array_append_val (group->favourites, a);
  g_array_append_val (group->monitor, c);

  return group;
}

static void
test_groups (Fixture       *fixture,
             gconstpointer  data)
{
  CbStore *store = fixture->store;
  g_autoptr(CbGroupRecord) group = NULL;
  g_autoptr(CbGroupRecord) got = NULL;
  g_autoptr(CbGroupRecord) other = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) error = NULL;
  gint64 a, b, c, d, e;

  a = add_user (store, "anna", "201");
  b = add_user (store, "ben", "202");
  c = add_user (store, "carla", "203");
  d = add_user (store, "dirk", "204");
  e = add_user (store, "emre", "205");

  group = support_group (a, b, c);
  g_assert_true (cb_store_create_group (store, group, &error));
  g_assert_no_error (error);
  g_assert_cmpint (group->id, >, 0);

  got = cb_store_get_group (store, group->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->name, ==, "Support");
  g_assert_cmpint (got->kind, ==, CB_GROUP_KIND_HUNT);
  g_assert_cmpstr (got->number, ==, "600");
  g_assert_cmpint (got->strategy, ==, CB_RING_STRATEGY_SEQUENTIAL);
  g_assert_cmpuint (got->member_timeout, ==, 20);
  g_assert_true (got->wrap_around);
  g_assert_cmpint (got->level, ==, CB_LEVEL_TEAM);
  g_assert_cmpint (got->leader_level, ==, CB_LEVEL_PERSONAL);
  g_assert_cmpint (got->leader_id, ==, a);
  g_assert_cmpint (got->deputy_id, ==, 0);
  g_assert_cmpuint (got->members->len, ==, 3);
  g_assert_cmpint (member_at (got, 0)->user_id, ==, c);
  g_assert_false (member_at (got, 0)->logged_in);
  g_assert_cmpint (member_at (got, 1)->user_id, ==, a);
  g_assert_true (member_at (got, 1)->logged_in);
  g_assert_cmpint (member_at (got, 2)->user_id, ==, b);
  assert_ids (got->favourites, 2, b, a);
  assert_ids (got->monitor, 1, c);
  g_clear_pointer (&got, cb_group_record_free);

  /* Name and number are unique. */
  other = cb_group_record_new ();
  other->name = g_strdup ("Support");
  g_assert_false (cb_store_create_group (store, other, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_free (other->name);
  other->name = g_strdup ("Sales");
  other->kind = CB_GROUP_KIND_HUNT;
  other->number = g_strdup ("600");
  g_assert_false (cb_store_create_group (store, other, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  /* An unknown member fails the whole creation: no half-made group. */
  g_free (other->number);
  other->number = g_strdup ("610");
  add_member (other, d, FALSE);
  add_member (other, 9999, FALSE);
  g_assert_false (cb_store_create_group (store, other, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_assert_cmpint (other->id, ==, 0);
  g_clear_error (&error);
  groups = cb_store_list_groups (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (groups->len, ==, 1);
  g_clear_pointer (&groups, g_ptr_array_unref);

  /* A member twice is refused too. */
  g_array_index (other->members, CbGroupMember, 1).user_id = d;
  g_assert_false (cb_store_create_group (store, other, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  g_array_set_size (other->members, 1);
  other->deputy_id = e;
  g_assert_true (cb_store_create_group (store, other, &error));
  g_assert_no_error (error);
  g_assert_cmpint (other->id, !=, group->id);

  groups = cb_store_list_groups (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (groups->len, ==, 2);
  got = cb_group_record_copy (groups->pdata[1]);
  g_assert_cmpstr (got->name, ==, "Sales");
  g_assert_cmpint (got->deputy_id, ==, e);
  g_assert_cmpint (got->leader_id, ==, 0);
  g_assert_cmpuint (got->members->len, ==, 1);
  g_assert_cmpint (member_at (got, 0)->user_id, ==, d);
  g_assert_cmpuint (((CbGroupRecord *) groups->pdata[0])->members->len, ==, 3);
  g_clear_pointer (&got, cb_group_record_free);
  g_clear_pointer (&groups, g_ptr_array_unref);

  g_assert_null (cb_store_get_group (store, 9999, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_group_logins (Fixture       *fixture,
                   gconstpointer  data)
{
  CbStore *store = fixture->store;
  g_autoptr(CbGroupRecord) group = NULL;
  g_autoptr(CbGroupRecord) got = NULL;
  g_autoptr(GError) error = NULL;
  gint64 a, b, c, d;

  a = add_user (store, "anna", "201");
  b = add_user (store, "ben", "202");
  c = add_user (store, "carla", "203");
  d = add_user (store, "dirk", "204");

  group = support_group (a, b, c);
  g_assert_true (cb_store_create_group (store, group, &error));
  g_assert_no_error (error);

  g_assert_true (cb_store_set_group_login (store, group->id, b, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (cb_store_set_group_login (store, group->id, c, TRUE, &error));
  g_assert_true (cb_store_set_group_login (store, group->id, c, FALSE, &error));
  g_assert_no_error (error);

  g_assert_false (cb_store_set_group_login (store, group->id, d, TRUE, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cb_store_set_group_login (store, 9999, a, TRUE, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Reorder to b, d, a (c leaves, d joins), with every login in the
   * record FALSE: a and b stay logged in, the newcomer d takes the record's. */
  g_array_set_size (group->members, 0);
  add_member (group, b, FALSE);
  add_member (group, d, FALSE);
  add_member (group, a, FALSE);
  g_free (group->name);
  group->name = g_strdup ("Support 2nd level");
  group->deputy_id = d;
  group->level = CB_LEVEL_BUSINESS;
  g_array_set_size (group->favourites, 0);
  g_assert_true (cb_store_update_group (store, group, &error));
  g_assert_no_error (error);

  got = cb_store_get_group (store, group->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->name, ==, "Support 2nd level");
  g_assert_cmpint (got->deputy_id, ==, d);
  g_assert_cmpint (got->level, ==, CB_LEVEL_BUSINESS);
  g_assert_cmpuint (got->favourites->len, ==, 0);
  assert_ids (got->monitor, 1, c);
  g_assert_cmpuint (got->members->len, ==, 3);
  g_assert_cmpint (member_at (got, 0)->user_id, ==, b);
  g_assert_true (member_at (got, 0)->logged_in);
  g_assert_cmpint (member_at (got, 1)->user_id, ==, d);
  g_assert_false (member_at (got, 1)->logged_in);
  g_assert_cmpint (member_at (got, 2)->user_id, ==, a);
  g_assert_true (member_at (got, 2)->logged_in);
  g_clear_pointer (&got, cb_group_record_free);

  /* Staying logged out is kept too, whatever the record says. */
  g_array_index (group->members, CbGroupMember, 1).logged_in = TRUE;
  g_assert_true (cb_store_update_group (store, group, &error));
  g_assert_no_error (error);
  got = cb_store_get_group (store, group->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (member_at (got, 1)->user_id, ==, d);
  g_assert_false (member_at (got, 1)->logged_in);
  g_clear_pointer (&got, cb_group_record_free);

  /* c left: its login is gone. */
  g_assert_false (cb_store_set_group_login (store, group->id, c, TRUE, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A failing update (unknown member) changes nothing at all. */
  add_member (group, 9999, FALSE);
  g_free (group->name);
  group->name = g_strdup ("Broken");
  g_assert_false (cb_store_update_group (store, group, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  got = cb_store_get_group (store, group->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->name, ==, "Support 2nd level");
  g_assert_cmpuint (got->members->len, ==, 3);
  g_assert_true (member_at (got, 0)->logged_in);
  g_clear_pointer (&got, cb_group_record_free);

  group->id = 9999;
  g_array_set_size (group->members, 0);
  g_assert_false (cb_store_update_group (store, group, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static CbBlfKeyRecord *
blf_key (CbBlfKeyKind  kind,
         gint64        target_id,
         const char   *number,
         const char   *label)
{
  CbBlfKeyRecord *key = cb_blf_key_record_new ();

  key->kind = kind;
  key->target_id = target_id;
  key->number = g_strdup (number);
  key->label = g_strdup (label);
  return key;
}

/* A user's own keys in order, kept ids, and keys a group distributes. */
static void
test_blf_keys (Fixture       *fixture,
               gconstpointer  data)
{
  CbStore *store = fixture->store;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_blf_key_record_free);
  g_autoptr(GPtrArray) got = NULL;
  g_autoptr(CbGroupRecord) group = cb_group_record_new ();
  g_autoptr(CbGroupRecord) read = NULL;
  g_autoptr(GError) error = NULL;
  gint64 a = add_user (store, "anna", "201");
  gint64 b = add_user (store, "ben", "202");
  gint64 first_id;
  CbBlfKeyRecord *key;

  g_ptr_array_add (keys, blf_key (CB_BLF_KEY_KIND_USER, b, NULL, "Ben at the desk"));
  g_ptr_array_add (keys, blf_key (CB_BLF_KEY_KIND_NUMBER, 0, "110", NULL));
  g_assert_true (cb_store_set_blf_keys (store, a, keys, &error));
  g_assert_no_error (error);
  first_id = ((CbBlfKeyRecord *) g_ptr_array_index (keys, 0))->id;
  g_assert_cmpint (first_id, >, 0);

  got = cb_store_list_blf_keys (store, a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 2);
  key = g_ptr_array_index (got, 0);
  g_assert_cmpint (key->id, ==, first_id);
  g_assert_cmpint (key->kind, ==, CB_BLF_KEY_KIND_USER);
  g_assert_cmpint (key->target_id, ==, b);
  g_assert_cmpstr (key->label, ==, "Ben at the desk");
  g_assert_cmpint (key->group_id, ==, 0);
  key = g_ptr_array_index (got, 1);
  g_assert_cmpstr (key->number, ==, "110");
  g_assert_null (key->label);
  g_clear_pointer (&got, g_ptr_array_unref);

  /* Reordered: the ids stay with their keys. */
  g_ptr_array_add (keys, g_ptr_array_steal_index (keys, 0));
  g_assert_true (cb_store_set_blf_keys (store, a, keys, &error));
  got = cb_store_list_blf_keys (store, a, &error);
  g_assert_cmpuint (got->len, ==, 2);
  g_assert_cmpint (((CbBlfKeyRecord *) g_ptr_array_index (got, 1))->id, ==, first_id);
  g_clear_pointer (&got, g_ptr_array_unref);

  /* A group hands out keys with the group. */
  group->name = g_strdup ("Reception");
  g_ptr_array_add (group->blf, blf_key (CB_BLF_KEY_KIND_USER, a, NULL, NULL));
  g_assert_true (cb_store_create_group (store, group, &error));
  g_assert_no_error (error);
  read = cb_store_get_group (store, group->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->blf->len, ==, 1);
  key = g_ptr_array_index (read->blf, 0);
  g_assert_cmpint (key->group_id, ==, group->id);
  g_assert_cmpint (key->target_id, ==, a);

  /* Group keys are no one's own. */
  got = cb_store_list_blf_keys (store, b, &error);
  g_assert_cmpuint (got->len, ==, 0);
  g_clear_pointer (&got, g_ptr_array_unref);
  g_assert_null (cb_store_list_blf_keys (store, 9999, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
}

static void
test_lists (Fixture       *fixture,
            gconstpointer  data)
{
  CbStore *store = fixture->store;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) got = NULL;
  g_autoptr(GError) error = NULL;
  gint64 a, b, c;

  a = add_user (store, "anna", "201");
  b = add_user (store, "ben", "202");
  c = add_user (store, "carla", "203");

  got = cb_store_get_list (store, a, CB_LIST_FAVOURITES, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 0);
  g_clear_pointer (&got, g_array_unref);

  ids = ids_new (2, c, b);
  g_assert_true (cb_store_set_list (store, a, CB_LIST_FAVOURITES, ids, &error));
  g_assert_no_error (error);
  g_clear_pointer (&ids, g_array_unref);
  ids = ids_new (1, a);
  g_assert_true (cb_store_set_list (store, a, CB_LIST_MONITOR, ids, &error));
  g_assert_no_error (error);
  g_clear_pointer (&ids, g_array_unref);

  got = cb_store_get_list (store, a, CB_LIST_FAVOURITES, &error);
  g_assert_no_error (error);
  assert_ids (got, 2, c, b);
  g_clear_pointer (&got, g_array_unref);
  got = cb_store_get_list (store, a, CB_LIST_MONITOR, &error);
  assert_ids (got, 1, a);
  g_clear_pointer (&got, g_array_unref);
  got = cb_store_get_list (store, a, CB_LIST_BLF, &error);
  assert_ids (got, 0);
  g_clear_pointer (&got, g_array_unref);
  got = cb_store_get_list (store, b, CB_LIST_FAVOURITES, &error);
  assert_ids (got, 0);
  g_clear_pointer (&got, g_array_unref);

  /* Replacing keeps the new order. */
  ids = ids_new (3, b, a, c);
  g_assert_true (cb_store_set_list (store, a, CB_LIST_FAVOURITES, ids, &error));
  g_clear_pointer (&ids, g_array_unref);
  got = cb_store_get_list (store, a, CB_LIST_FAVOURITES, &error);
  assert_ids (got, 3, b, a, c);
  g_clear_pointer (&got, g_array_unref);

  /* Unknown targets and duplicates are refused and change nothing. */
  ids = ids_new (2, c, (gint64) 9999);
  g_assert_false (cb_store_set_list (store, a, CB_LIST_FAVOURITES, ids, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&ids, g_array_unref);
  ids = ids_new (2, c, c);
  g_assert_false (cb_store_set_list (store, a, CB_LIST_FAVOURITES, ids, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  got = cb_store_get_list (store, a, CB_LIST_FAVOURITES, &error);
  g_assert_no_error (error);
  assert_ids (got, 3, b, a, c);
  g_clear_pointer (&got, g_array_unref);

  g_assert_false (cb_store_set_list (store, 9999, CB_LIST_FAVOURITES, ids, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (cb_store_get_list (store, 9999, CB_LIST_FAVOURITES, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* NULL clears. */
  g_assert_true (cb_store_set_list (store, a, CB_LIST_FAVOURITES, NULL, &error));
  g_assert_no_error (error);
  got = cb_store_get_list (store, a, CB_LIST_FAVOURITES, &error);
  assert_ids (got, 0);
}

static void
test_tokens (Fixture       *fixture,
             gconstpointer  data)
{
  CbStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  gint64 a, b;

  a = add_user (store, "anna", "201");
  b = add_user (store, "ben", "202");

  g_assert_true (cb_store_add_token (store, "hash-a", a, 1000, &error));
  g_assert_no_error (error);
  g_assert_true (cb_store_add_token (store, "hash-b", b, 2000, &error));
  g_assert_no_error (error);

  g_assert_cmpint (cb_store_lookup_token (store, "hash-a", 999, &error), ==, a);
  g_assert_no_error (error);
  g_assert_cmpint (cb_store_lookup_token (store, "hash-b", 999, &error), ==, b);
  /* Expired at its expiry second. */
  g_assert_cmpint (cb_store_lookup_token (store, "hash-a", 1000, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (cb_store_lookup_token (store, "unknown", 0, &error), ==, 0);
  g_assert_no_error (error);

  g_assert_false (cb_store_add_token (store, "hash-a", b, 5000, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpint (cb_store_lookup_token (store, "hash-a", 0, &error), ==, a);
  g_assert_false (cb_store_add_token (store, "hash-x", 9999, 5000, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (cb_store_revoke_token (store, "hash-b", &error));
  g_assert_no_error (error);
  g_assert_cmpint (cb_store_lookup_token (store, "hash-b", 0, &error), ==, 0);
  g_assert_false (cb_store_revoke_token (store, "hash-b", &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Purging removes expired rows: even an earlier clock no longer finds them. */
  g_assert_true (cb_store_add_token (store, "hash-c", b, 3000, &error));
  g_assert_true (cb_store_purge_tokens (store, 1500, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cb_store_lookup_token (store, "hash-a", 0, &error), ==, 0);
  g_assert_cmpint (cb_store_lookup_token (store, "hash-c", 0, &error), ==, b);
  g_assert_cmpint (peek_int (fixture->path, "SELECT count(*) FROM tokens"), ==, 1);
}

static void
test_events (Fixture       *fixture,
             gconstpointer  data)
{
  CbStore *store = fixture->store;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  CbEventRecord event = { .type = (char *) "group-login", .subject_user_id = 5,
                          .group_id = 3, .data = (char *) "{\"logged_in\":true}",
                          .created_at = 1700000000 };
  CbEventRecord *e;
  gint64 before;

  g_assert_cmpint (cb_store_last_seq (store), ==, 0);
  g_assert_cmpint (cb_store_first_seq (store), ==, 1);
  events = cb_store_events_since (store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 0);
  g_clear_pointer (&events, g_ptr_array_unref);

  before = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpint (append_event (store, "presence", 1), ==, 1);
  g_assert_true (cb_store_append_event (store, &event, &error));
  g_assert_no_error (error);
  g_assert_cmpint (event.seq, ==, 2);
  for (gint64 i = 3; i <= 5; i++)
    g_assert_cmpint (append_event (store, "line-state", 0), ==, i);

  g_assert_cmpint (cb_store_last_seq (store), ==, 5);
  g_assert_cmpint (cb_store_first_seq (store), ==, 1);

  events = cb_store_events_since (store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 5);
  e = events->pdata[0];
  g_assert_cmpstr (e->type, ==, "presence");
  g_assert_cmpint (e->subject_user_id, ==, 1);
  g_assert_cmpint (e->group_id, ==, 0);
  g_assert_cmpint (e->created_at, >=, before);
  g_assert_cmpint (e->created_at, <=, before + 60);
  e = events->pdata[1];
  g_assert_cmpint (e->seq, ==, 2);
  g_assert_cmpstr (e->type, ==, "group-login");
  g_assert_cmpint (e->subject_user_id, ==, 5);
  g_assert_cmpint (e->group_id, ==, 3);
  g_assert_cmpstr (e->data, ==, "{\"logged_in\":true}");
  g_assert_cmpint (e->created_at, ==, 1700000000);
  g_clear_pointer (&events, g_ptr_array_unref);

  events = cb_store_events_since (store, 2, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (((CbEventRecord *) events->pdata[0])->seq, ==, 3);
  g_assert_cmpint (((CbEventRecord *) events->pdata[1])->seq, ==, 4);
  g_clear_pointer (&events, g_ptr_array_unref);

  events = cb_store_events_since (store, 5, 10, &error);
  g_assert_cmpuint (events->len, ==, 0);
  g_clear_pointer (&events, g_ptr_array_unref);

  /* Keeping more than there are deletes nothing. */
  g_assert_true (cb_store_trim_events (store, 10, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cb_store_first_seq (store), ==, 1);

  g_assert_true (cb_store_trim_events (store, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cb_store_first_seq (store), ==, 4);
  g_assert_cmpint (cb_store_last_seq (store), ==, 5);
  events = cb_store_events_since (store, 0, 0, &error);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (((CbEventRecord *) events->pdata[0])->seq, ==, 4);
  g_clear_pointer (&events, g_ptr_array_unref);

  /* Trimmed empty, the seq still moves on. */
  g_assert_true (cb_store_trim_events (store, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cb_store_last_seq (store), ==, 5);
  g_assert_cmpint (cb_store_first_seq (store), ==, 6);
  g_assert_cmpint (append_event (store, "presence", 1), ==, 6);

  g_assert_true (cb_store_trim_events (store, 0, &error));
  reopen (fixture);
  store = fixture->store;
  g_assert_cmpint (cb_store_last_seq (store), ==, 6);
  g_assert_cmpint (cb_store_first_seq (store), ==, 7);
  g_assert_cmpint (append_event (store, "presence", 1), ==, 7);
  g_assert_cmpint (cb_store_first_seq (store), ==, 7);
}

static gint64
count_users (const char *path,
             const char *username)
{
  return peek_int_with (path, "SELECT count(*) FROM users WHERE username = ?", username);
}

static void
test_transactions (Fixture       *fixture,
                   gconstpointer  data)
{
  CbStore *store = fixture->store;
  g_autoptr(CbUserRecord) got = NULL;
  g_autoptr(CbGroupRecord) group = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) error = NULL;
  gint64 seq;

  seq = append_event (store, "presence", 0);

  /* Rollback leaves neither the change nor its event. */
  g_assert_true (cb_store_begin (store, &error));
  g_assert_no_error (error);
  add_user (store, "ghost", "250");
  g_assert_cmpint (append_event (store, "user", 0), ==, seq + 1);
  cb_store_rollback (store);
  got = cb_store_find_user (store, "ghost", &error);
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (cb_store_last_seq (store), ==, seq);
  g_assert_cmpint (append_event (store, "presence", 0), ==, seq + 1);
  /* The extension is free again. */
  add_user (store, "real", "250");

  /* Only the outermost commit writes; another connection sees nothing before. */
  g_assert_true (cb_store_begin (store, &error));
  g_assert_true (cb_store_begin (store, &error));
  add_user (store, "nested", NULL);
  g_assert_true (cb_store_commit (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_users (fixture->path, "nested"), ==, 0);
  g_assert_true (cb_store_commit (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_users (fixture->path, "nested"), ==, 1);

  /* An inner rollback undoes only the inner part. */
  g_assert_true (cb_store_begin (store, &error));
  add_user (store, "outer", NULL);
  g_assert_true (cb_store_begin (store, &error));
  add_user (store, "inner", NULL);
  cb_store_rollback (store);
  g_assert_true (cb_store_commit (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_users (fixture->path, "outer"), ==, 1);
  g_assert_cmpint (count_users (fixture->path, "inner"), ==, 0);

  /* A failed multi-step change inside a transaction undoes only itself. */
  g_assert_true (cb_store_begin (store, &error));
  add_user (store, "keeper", NULL);
  group = cb_group_record_new ();
  group->name = g_strdup ("Broken");
  add_member (group, 9999, FALSE);
  g_assert_false (cb_store_create_group (store, group, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (cb_store_commit (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_users (fixture->path, "keeper"), ==, 1);
  groups = cb_store_list_groups (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (groups->len, ==, 0);

  g_assert_false (cb_store_commit (store, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_FAILED);
  g_clear_error (&error);

  /* A transaction left open does not survive the store. */
  g_assert_true (cb_store_begin (store, &error));
  add_user (store, "abandoned", NULL);
  g_test_expect_message ("cb-store", G_LOG_LEVEL_WARNING, "*inside a transaction*");
  reopen (fixture);
  g_test_assert_expected_messages ();
  g_assert_cmpint (count_users (fixture->path, "abandoned"), ==, 0);
  g_assert_cmpint (count_users (fixture->path, "keeper"), ==, 1);
}

static void
test_reopen (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(CbGroupRecord) group = NULL;
  g_autoptr(CbGroupRecord) got = NULL;
  g_autoptr(CbUserRecord) user = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  gint64 a, b, c;

  a = add_user (fixture->store, "anna", "201");
  b = add_user (fixture->store, "ben", "202");
  c = add_user (fixture->store, "carla", "203");
  g_assert_true (cb_store_set_presence (fixture->store, b, CB_AVAILABILITY_BUSY, "call", 0,
                                        &error));
  g_assert_true (cb_store_set_agent_status (fixture->store, c, CB_AGENT_STATUS_NOT_AVAILABLE,
                                            &error));
  group = support_group (a, b, c);
  g_assert_true (cb_store_create_group (fixture->store, group, &error));
  g_assert_no_error (error);
  g_assert_true (cb_store_set_group_login (fixture->store, group->id, c, TRUE, &error));
  ids = ids_new (2, c, b);
  g_assert_true (cb_store_set_list (fixture->store, a, CB_LIST_BLF, ids, &error));
  g_assert_true (cb_store_add_token (fixture->store, "hash", a, G_MAXINT64, &error));
  append_event (fixture->store, "presence", b);
  append_event (fixture->store, "group-login", c);
  g_assert_no_error (error);

  reopen (fixture);

  user = cb_store_find_user (fixture->store, "ben", &error);
  g_assert_no_error (error);
  g_assert_cmpint (user->id, ==, b);
  g_assert_cmpint (user->availability, ==, CB_AVAILABILITY_BUSY);
  g_assert_cmpstr (user->note, ==, "call");
  g_clear_pointer (&user, cb_user_record_free);
  user = cb_store_get_user (fixture->store, c, &error);
  g_assert_cmpint (user->agent_status, ==, CB_AGENT_STATUS_NOT_AVAILABLE);

  /* Group logins survive a restart. */
  got = cb_store_get_group (fixture->store, group->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->number, ==, "600");
  g_assert_cmpint (member_at (got, 0)->user_id, ==, c);
  g_assert_true (member_at (got, 0)->logged_in);
  g_assert_true (member_at (got, 1)->logged_in);
  g_assert_false (member_at (got, 2)->logged_in);
  assert_ids (got->favourites, 2, b, a);

  g_clear_pointer (&ids, g_array_unref);
  ids = cb_store_get_list (fixture->store, a, CB_LIST_BLF, &error);
  assert_ids (ids, 2, c, b);
  g_assert_cmpint (cb_store_lookup_token (fixture->store, "hash", 0, &error), ==, a);

  g_assert_cmpint (cb_store_last_seq (fixture->store), ==, 2);
  events = cb_store_events_since (fixture->store, 1, 0, &error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpstr (((CbEventRecord *) events->pdata[0])->type, ==, "group-login");

  /* Ids are never handed out twice either. */
  g_assert_cmpint (add_user (fixture->store, "dirk", "204"), ==, c + 1);
  g_assert_no_error (error);
}

static void
test_schema (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *newer = g_build_filename (fixture->dir, "newer.db", NULL);
  g_autofree char *garbage = g_build_filename (fixture->dir, "garbage.db", NULL);
  g_autofree char *set_version = NULL;
  g_autoptr(GError) error = NULL;
  CbSqliteStore *store;
  sqlite3 *db = NULL;

  g_assert_cmpint (peek_int (fixture->path, "PRAGMA user_version"), ==,
                   CB_SQLITE_STORE_SCHEMA_VERSION);
  g_assert_cmpint (peek_int (fixture->path, "SELECT count(*) FROM sqlite_master "
                                            "WHERE type = 'table' AND name IN ('users', "
                                            "'groups', 'group_members', 'group_lists', "
                                            "'user_lists', 'tokens', 'events', "
                                            "'queue_counts', 'wrap_ups')"), ==, 9);

  /* Reopening a current database migrates nothing and keeps the version. */
  reopen (fixture);
  g_assert_cmpint (peek_int (fixture->path, "PRAGMA user_version"), ==,
                   CB_SQLITE_STORE_SCHEMA_VERSION);

  /* A database from a newer build is refused, untouched. */
  g_assert_cmpint (sqlite3_open (newer, &db), ==, SQLITE_OK);
  set_version = g_strdup_printf ("PRAGMA user_version = %d", CB_SQLITE_STORE_SCHEMA_VERSION + 1);
  g_assert_cmpint (sqlite3_exec (db, set_version, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = cb_sqlite_store_new (newer, &error);
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_SCHEMA);
  g_assert_null (store);
  g_clear_error (&error);
  g_assert_cmpint (peek_int (newer, "PRAGMA user_version"), ==,
                   CB_SQLITE_STORE_SCHEMA_VERSION + 1);
  g_assert_cmpint (peek_int (newer, "SELECT count(*) FROM sqlite_master"), ==, 0);

  /* Not a database at all. */
  g_assert_true (g_file_set_contents (garbage, "this is no database, just some text that "
                                      "is long enough to be read as a header page", -1,
                                      NULL));
  store = cb_sqlite_store_new (garbage, &error);
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_FAILED);
  g_assert_null (store);
}

/* A database of schema 2 (before hunt routing, queues and group calls in
 * the journal) opens with the current store: the new group and journal
 * columns get their defaults and every old row survives. The v2 file is
 * made from a current one by dropping what schemas 3 to 12 added, so its tables
 * have exactly the v2 columns; one journal row is then written in the v2
 * shape by plain SQL, as a v2 server wrote it. */
static void
test_migrate_v2 (Fixture       *fixture,
                 gconstpointer  data)
{
  static const char *to_v2 =
    "ALTER TABLE groups DROP COLUMN ring_in_use;"
    "ALTER TABLE groups DROP COLUMN overflow;"
    "ALTER TABLE groups DROP COLUMN pickup_oldest;"
    "ALTER TABLE groups DROP COLUMN queue_order;"
    "ALTER TABLE groups DROP COLUMN agent_timeout;"
    "ALTER TABLE groups DROP COLUMN max_wait;"
    "ALTER TABLE groups DROP COLUMN wrap_up;"
    "ALTER TABLE groups DROP COLUMN announcement;"
    "ALTER TABLE journal DROP COLUMN group_id;"
    "ALTER TABLE journal DROP COLUMN group_name;"
    "ALTER TABLE journal DROP COLUMN taken_by_user_id;"
    "ALTER TABLE journal DROP COLUMN taken_by_name;"
    "ALTER TABLE journal DROP COLUMN picked_up;"
    "ALTER TABLE journal DROP COLUMN outcome;"
    "ALTER TABLE journal DROP COLUMN picked_up_from_user_id;"
    "ALTER TABLE journal DROP COLUMN picked_up_from_name;"
    "DROP TABLE sip_subscriptions;"
    "ALTER TABLE journal DROP COLUMN for_user_id;"
    "ALTER TABLE journal DROP COLUMN for_name;"
    "ALTER TABLE users DROP COLUMN note_until;"
    "ALTER TABLE users DROP COLUMN divert_unconditional;"
    "ALTER TABLE users DROP COLUMN divert_busy;"
    "ALTER TABLE users DROP COLUMN divert_no_answer;"
    "ALTER TABLE users DROP COLUMN divert_no_answer_after;"
    "ALTER TABLE users DROP COLUMN mobile_ringing;"
    "ALTER TABLE users DROP COLUMN mobile_ringing_delay;"
    "ALTER TABLE groups DROP COLUMN filter_enabled;"
    "ALTER TABLE groups DROP COLUMN filter;"
    "ALTER TABLE groups DROP COLUMN filter_delay;"
    "ALTER TABLE groups DROP COLUMN logout_allowed;"
    "DROP TABLE announcements;"
    "ALTER TABLE users DROP COLUMN external_calls;"
    "ALTER TABLE journal DROP COLUMN end_reason;"
    "ALTER TABLE users DROP COLUMN require_encryption;"
    "ALTER TABLE journal DROP COLUMN forwarded_to_user_id;"
    "ALTER TABLE journal DROP COLUMN forwarded_to_number;"
    "ALTER TABLE journal DROP COLUMN forwarded_to_name;"
    "DROP TABLE sip_bindings;"
    "DROP TABLE live_calls;"
    "DROP TABLE journal_seen;"
    "DROP TABLE queue_counts;"
    "DROP TABLE wrap_ups;"
    "DROP TABLE blf_keys;"
    "PRAGMA user_version = 2;";
  g_autoptr(CbGroupRecord) group = NULL;
  g_autoptr(CbGroupRecord) got = NULL;
  g_autoptr(CbSipLineRecord) line = NULL;
  g_autoptr(CbUserRecord) user = NULL;
  g_autoptr(GPtrArray) journal = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *insert = NULL;
  CbJournalRecord *entry;
  sqlite3 *db = NULL;
  gint64 a, b, c;

  a = add_user (fixture->store, "anna", "201");
  b = add_user (fixture->store, "ben", "202");
  c = add_user (fixture->store, "carla", "203");
  group = support_group (a, b, c);
  g_assert_true (cb_store_create_group (fixture->store, group, &error));
  g_assert_no_error (error);
  g_assert_finalize_object (fixture->store);
  fixture->store = NULL;

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, to_v2, NULL, NULL, NULL), ==, SQLITE_OK);
  insert = g_strdup_printf ("INSERT INTO journal (user_id, call_id, outgoing, remote_number, "
                            "remote_name, remote_user_id, started_at, answered_at, ended_at) "
                            "VALUES (%" G_GINT64_FORMAT ", 'old-call', 0, '202', 'User ben', "
                            "%" G_GINT64_FORMAT ", 1000, 1005, 1060)", a, b);
  g_assert_cmpint (sqlite3_exec (db, insert, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_cmpint (peek_int (fixture->path, "PRAGMA user_version"), ==, 2);
  g_assert_cmpint (peek_int (fixture->path, "SELECT count(*) FROM pragma_table_info('groups')"),
                   ==, 11);
  g_assert_cmpint (peek_int (fixture->path, "SELECT count(*) FROM pragma_table_info('journal')"),
                   ==, 10);

  fixture->store = open_store (fixture->path);
  g_assert_cmpint (peek_int (fixture->path, "PRAGMA user_version"), ==,
                   CB_SQLITE_STORE_SCHEMA_VERSION);

  /* The group as it was, the new settings at their defaults. */
  got = cb_store_get_group (fixture->store, group->id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_assert_cmpstr (got->name, ==, "Support");
  g_assert_cmpstr (got->number, ==, "600");
  g_assert_cmpint (got->strategy, ==, CB_RING_STRATEGY_SEQUENTIAL);
  g_assert_cmpuint (got->member_timeout, ==, 20);
  g_assert_true (got->wrap_around);
  g_assert_cmpint (got->leader_id, ==, a);
  g_assert_cmpuint (got->members->len, ==, 3);
  g_assert_cmpint (member_at (got, 1)->user_id, ==, a);
  g_assert_true (member_at (got, 1)->logged_in);
  assert_ids (got->favourites, 2, b, a);
  g_assert_false (got->ring_in_use);
  g_assert_true (got->overflow == NULL || got->overflow[0] == '\0');
  g_assert_false (got->pickup_oldest);
  g_assert_cmpint (got->queue_order, ==, CB_QUEUE_ORDER_RING_ALL);
  g_assert_cmpuint (got->agent_timeout, ==, 15);
  g_assert_cmpuint (got->max_wait, ==, 300);
  g_assert_cmpuint (got->wrap_up, ==, 30);
  g_assert_false (got->announcement);
  g_assert_false (got->filter_enabled);
  g_assert_cmpint (got->filter, ==, CB_ASSISTANT_FILTER_ASSISTANTS_FIRST);
  g_assert_cmpuint (got->filter_delay, ==, 15);
  g_assert_true (got->logout_allowed);

  /* The users' call settings at their defaults: nothing diverted. */
  user = cb_store_get_user (fixture->store, a, &error);
  g_assert_no_error (error);
  g_assert_null (user->diversion.unconditional);
  g_assert_null (user->diversion.busy);
  g_assert_null (user->diversion.no_answer);
  g_assert_cmpuint (user->diversion.no_answer_after, ==, 20);
  g_assert_false (user->mobile_ringing);
  g_assert_cmpuint (user->mobile_ringing_delay, ==, 0);
  g_assert_false (user->require_encryption);
  g_assert_false (user->announcement);

  /* The users' lines and the old journal row, not a group call. */
  line = cb_store_find_sip_line (fixture->store, "202", &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_cmpint (line->user_id, ==, b);
  journal = cb_store_list_journal (fixture->store, a, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (journal->len, ==, 1);
  entry = g_ptr_array_index (journal, 0);
  g_assert_cmpstr (entry->call_id, ==, "old-call");
  g_assert_cmpstr (entry->remote_number, ==, "202");
  g_assert_cmpint (entry->remote_user_id, ==, b);
  g_assert_cmpint (entry->answered_at, ==, 1005);
  g_assert_cmpint (entry->group_id, ==, 0);
  g_assert_null (entry->group_name);
  g_assert_cmpint (entry->taken_by_user_id, ==, 0);
  g_assert_null (entry->taken_by_name);
  g_assert_false (entry->picked_up);
  g_assert_cmpint (entry->for_user_id, ==, 0);
  g_assert_null (entry->for_name);
  g_assert_null (entry->forwarded_to_number);
  g_assert_cmpint (cb_store_count_missed (fixture->store, a, &error), ==, 0);
  g_assert_no_error (error);

  /* Calls over the trunk as the kind says (schema 7). */
  {
    g_autoptr(CbUserRecord) anna = cb_store_get_user (fixture->store, a, &error);

    g_assert_no_error (error);
    g_assert_cmpint (anna->external_calls, ==, CB_EXTERNAL_CALLS_DEFAULT);
  }
}

/* Whether a user may call out over the trunk: allowed, denied, or as the
 * kind says (NULL in the table), kept across create, update and reopen. */
static void
test_external_calls (Fixture       *fixture,
                     gconstpointer  data)
{
  const CbExternalCalls values[] = {
    CB_EXTERNAL_CALLS_DEFAULT, CB_EXTERNAL_CALLS_ALLOWED, CB_EXTERNAL_CALLS_DENIED,
  };
  gint64 ids[G_N_ELEMENTS (values)];
  g_autoptr(CbUserRecord) fresh = cb_user_record_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (fresh->external_calls, ==, CB_EXTERNAL_CALLS_DEFAULT);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(CbUserRecord) user = cb_user_record_new ();

      user->username = g_strdup_printf ("user%u", i);
      user->kind = i == 2 ? CB_USER_KIND_DEVICE : CB_USER_KIND_USER;
      user->external_calls = values[i];
      g_assert_true (cb_store_create_user (fixture->store, user, &error));
      g_assert_no_error (error);
      ids[i] = user->id;
    }
  reopen (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(CbUserRecord) user = cb_store_get_user (fixture->store, ids[i], &error);
      g_autoptr(CbUserRecord) copy = NULL;
      g_autoptr(CbUserRecord) again = NULL;

      g_assert_no_error (error);
      g_assert_cmpint (user->external_calls, ==, values[i]);
      copy = cb_user_record_copy (user);
      g_assert_cmpint (copy->external_calls, ==, values[i]);
      /* Round the three values on by one. */
      copy->external_calls = values[(i + 1) % G_N_ELEMENTS (values)];
      g_assert_true (cb_store_update_user (fixture->store, copy, &error));
      g_assert_no_error (error);
      again = cb_store_get_user (fixture->store, ids[i], &error);
      g_assert_cmpint (again->external_calls, ==, values[(i + 1) % G_N_ELEMENTS (values)]);
    }
  g_assert_cmpint (peek_int (fixture->path, "SELECT count(*) FROM users WHERE external_calls IS NULL"), ==, 1);
}

static CbUserRecord *
get_user (CbStore *store,
          gint64   id)
{
  g_autoptr(GError) error = NULL;
  CbUserRecord *user = cb_store_get_user (store, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (user);
  return user;
}

/* A user's diversions and mobile ringing: written only by their own
 * setters (an administrator's edit keeps them), kept across a restart. */
static void
test_call_settings (Fixture       *fixture,
                    gconstpointer  data)
{
  CbDiversionRecord diversion = { "", "250", "+49 171", 30 };
  g_autoptr(CbUserRecord) user = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GError) error = NULL;
  gint64 a = add_user (fixture->store, "anna", "201");
  gint64 b = add_user (fixture->store, "ben", "202");

  user = get_user (fixture->store, a);
  g_assert_null (user->diversion.busy);
  g_assert_cmpuint (user->diversion.no_answer_after, ==, 20);
  g_assert_false (user->mobile_ringing);
  g_assert_false (user->require_encryption);
  g_clear_pointer (&user, cb_user_record_free);

  g_assert_true (cb_store_set_diversion (fixture->store, a, &diversion, &error));
  g_assert_no_error (error);
  g_assert_true (cb_store_set_mobile_ringing (fixture->store, a, TRUE, 10, &error));
  g_assert_no_error (error);
  g_assert_true (cb_store_set_require_encryption (fixture->store, a, TRUE, &error));
  g_assert_no_error (error);
  g_assert_false (cb_store_set_require_encryption (fixture->store, b + 100, TRUE, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* An administrator renames her with a record that holds no settings. */
  user = get_user (fixture->store, a);
  g_free (user->display_name);
  user->display_name = g_strdup ("Anna B.");
  g_clear_pointer (&user->diversion.busy, g_free);
  user->mobile_ringing = FALSE;
  user->require_encryption = FALSE;
  g_assert_true (cb_store_update_user (fixture->store, user, &error));
  g_assert_no_error (error);
  g_clear_pointer (&user, cb_user_record_free);

  reopen (fixture);
  user = get_user (fixture->store, a);
  g_assert_cmpstr (user->display_name, ==, "Anna B.");
  g_assert_null (user->diversion.unconditional);   /* "" is off */
  g_assert_cmpstr (user->diversion.busy, ==, "250");
  g_assert_cmpstr (user->diversion.no_answer, ==, "+49 171");
  g_assert_cmpuint (user->diversion.no_answer_after, ==, 30);
  g_assert_true (user->mobile_ringing);
  g_assert_cmpuint (user->mobile_ringing_delay, ==, 10);
  g_assert_true (user->require_encryption);

  /* The listing reads them too; Ben has none. */
  users = cb_store_list_users (fixture->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < users->len; i++)
    {
      CbUserRecord *listed = g_ptr_array_index (users, i);

      g_assert_cmpstr (listed->diversion.busy, ==, listed->id == a ? "250" : NULL);
      g_assert_cmpint (listed->mobile_ringing, ==, listed->id == a);
      g_assert_cmpint (listed->require_encryption, ==, listed->id == a);
    }

  /* Off again. */
  diversion = (CbDiversionRecord) { NULL, NULL, NULL, 20 };
  g_assert_true (cb_store_set_diversion (fixture->store, a, &diversion, &error));
  g_clear_pointer (&user, cb_user_record_free);
  user = get_user (fixture->store, a);
  g_assert_null (user->diversion.busy);
  g_assert_null (user->diversion.no_answer);

  g_assert_false (cb_store_set_diversion (fixture->store, b + 100, &diversion, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cb_store_set_mobile_ringing (fixture->store, b + 100, TRUE, 0, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
}

/* The announcement's bytes as uploaded (NULs and all), its type, the
 * user's flag; replaced, rolled back with its transaction, deleted. */
static void
test_announcement (Fixture       *fixture,
                   gconstpointer  data)
{
  static const guint8 wav[] = { 'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E', 0, 1, 2 };
  static const guint8 ogg[] = { 'O', 'g', 'g', 'S', 0, 2, 0, 0 };
  g_autoptr(GBytes) first = g_bytes_new_static (wav, sizeof wav);
  g_autoptr(GBytes) second = g_bytes_new_static (ogg, sizeof ogg);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(CbUserRecord) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *type = NULL;
  gint64 a = add_user (fixture->store, "anna", "201");
  gint64 b = add_user (fixture->store, "ben", "202");

  g_assert_null (cb_store_get_announcement (fixture->store, a, &type, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (cb_store_set_announcement (fixture->store, a, "audio/wav", first, &error));
  g_assert_no_error (error);
  reopen (fixture);
  got = cb_store_get_announcement (fixture->store, a, &type, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got, first));
  g_assert_cmpstr (type, ==, "audio/wav");
  user = get_user (fixture->store, a);
  g_assert_true (user->announcement);
  g_clear_pointer (&user, cb_user_record_free);
  user = get_user (fixture->store, b);
  g_assert_false (user->announcement);
  g_clear_pointer (&user, cb_user_record_free);

  /* Replaced, but not by a transaction that is rolled back. */
  g_assert_true (cb_store_begin (fixture->store, &error));
  g_assert_true (cb_store_set_announcement (fixture->store, a, "audio/ogg", second, &error));
  cb_store_rollback (fixture->store);
  g_clear_pointer (&got, g_bytes_unref);
  g_clear_pointer (&type, g_free);
  got = cb_store_get_announcement (fixture->store, a, &type, &error);
  g_assert_true (g_bytes_equal (got, first));
  g_assert_true (cb_store_set_announcement (fixture->store, a, "audio/ogg", second, &error));
  g_clear_pointer (&got, g_bytes_unref);
  g_clear_pointer (&type, g_free);
  got = cb_store_get_announcement (fixture->store, a, &type, &error);
  g_assert_true (g_bytes_equal (got, second));
  g_assert_cmpstr (type, ==, "audio/ogg");

  g_assert_true (cb_store_delete_announcement (fixture->store, a, &error));
  g_assert_no_error (error);
  user = get_user (fixture->store, a);
  g_assert_false (user->announcement);
  g_assert_false (cb_store_delete_announcement (fixture->store, a, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cb_store_set_announcement (fixture->store, b + 100, "audio/wav", first, &error));
  g_assert_error (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND);
}

/* What a trunk dials for "ring my mobile too". */
static void
test_mobile_number (void)
{
  static const struct {
    const char *mobile;
    const char *dialled;
  } cases[] = {
    { "+49 (170) 123-45/67", "+491701234567" },
    { "0170 1234567", "01701234567" },
    { "*31#0170", "*31#0170" },
    { "", NULL },
    { " - ", NULL },
    { "0170 ext. 5", NULL },
    { "012345678901234567890123456789012", NULL },   /* 33 digits */
    { NULL, NULL },
  };
  g_autoptr(CbUserRecord) user = cb_user_record_new ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dialled = NULL;

      g_free (user->mobile);
      user->mobile = g_strdup (cases[i].mobile);
      dialled = cb_user_record_mobile_number (user);
      g_assert_cmpstr (dialled, ==, cases[i].dialled);
    }
}

/* An assistant group's settings round-trip; a new group has the defaults. */
static void
test_assistant_group (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(CbGroupRecord) group = cb_group_record_new ();
  g_autoptr(CbGroupRecord) got = NULL;
  g_autoptr(GError) error = NULL;
  gint64 leader = add_user (fixture->store, "krause", "100");
  gint64 a = add_user (fixture->store, "anna", "201");
  gint64 b = add_user (fixture->store, "ben", "202");

  g_assert_false (group->filter_enabled);
  g_assert_cmpint (group->filter, ==, CB_ASSISTANT_FILTER_ASSISTANTS_FIRST);
  g_assert_cmpuint (group->filter_delay, ==, 15);
  g_assert_true (group->logout_allowed);

  group->name = g_strdup ("Krause's office");
  group->kind = CB_GROUP_KIND_ASSISTANT;
  group->leader_id = leader;
  group->filter_enabled = TRUE;
  group->filter = CB_ASSISTANT_FILTER_LEADER_FIRST;
  group->filter_delay = 8;
  group->logout_allowed = FALSE;
  add_member (group, a, TRUE);
  add_member (group, b, FALSE);
  g_assert_true (cb_store_create_group (fixture->store, group, &error));
  g_assert_no_error (error);

  reopen (fixture);
  got = cb_store_get_group (fixture->store, group->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->kind, ==, CB_GROUP_KIND_ASSISTANT);
  g_assert_true (got->filter_enabled);
  g_assert_cmpint (got->filter, ==, CB_ASSISTANT_FILTER_LEADER_FIRST);
  g_assert_cmpuint (got->filter_delay, ==, 8);
  g_assert_false (got->logout_allowed);
  g_assert_true (member_at (got, 0)->logged_in);

  got->filter_enabled = FALSE;
  got->filter = CB_ASSISTANT_FILTER_ALL;
  got->logout_allowed = TRUE;
  g_assert_true (cb_store_update_group (fixture->store, got, &error));
  g_assert_no_error (error);
  g_clear_pointer (&got, cb_group_record_free);
  got = cb_store_get_group (fixture->store, group->id, &error);
  g_assert_false (got->filter_enabled);
  g_assert_cmpint (got->filter, ==, CB_ASSISTANT_FILTER_ALL);
  g_assert_true (got->logout_allowed);
  /* The login survived the edit. */
  g_assert_true (member_at (got, 0)->logged_in);
}

/* A commit is on disk when it returns: a child process commits, then dies
 * by SIGKILL without closing anything, and the parent finds the change. */
static void
test_sigkill (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(CbUserRecord) user = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  pid_t pid;

  /* The child opens its own connection; ours must not be shared across fork. */
  g_assert_finalize_object (fixture->store);
  fixture->store = NULL;

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      CbStore *store = CB_STORE (cb_sqlite_store_new (fixture->path, NULL));
      CbUserRecord *child = cb_user_record_new ();
      CbEventRecord event = { .type = (char *) "user", .data = (char *) "{}" };

      child->username = g_strdup ("survivor");
      if (store == NULL ||
          !cb_store_begin (store, NULL) ||
          !cb_store_create_user (store, child, NULL) ||
          !cb_store_append_event (store, &event, NULL) ||
          !cb_store_commit (store, NULL) ||
          !cb_store_set_presence (store, child->id, CB_AVAILABILITY_AWAY, "autocommit", 0, NULL))
        _exit (1);

      kill (getpid (), SIGKILL);
      _exit (2);
    }

  while (waitpid (pid, &status, 0) < 0)
    g_assert_cmpint (errno, ==, EINTR);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);

  fixture->store = open_store (fixture->path);
  user = cb_store_find_user (fixture->store, "survivor", &error);
  g_assert_no_error (error);
  g_assert_cmpint (user->availability, ==, CB_AVAILABILITY_AWAY);
  g_assert_cmpstr (user->note, ==, "autocommit");
  g_assert_cmpint (cb_store_last_seq (fixture->store), ==, 1);
}

static gint64
demo_user_id (CbStore    *store,
              const char *username)
{
  g_autoptr(CbUserRecord) user = NULL;
  g_autoptr(GError) error = NULL;

  user = cb_store_find_user (store, username, &error);
  g_assert_no_error (error);
  return user->id;
}

static GArray *
demo_ids (CbStore    *store,
          JsonObject *object,
          const char *member)
{
  GArray *ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  JsonArray *names;

  if (!json_object_has_member (object, member))
    return ids;

  names = json_object_get_array_member (object, member);
  for (guint i = 0; i < json_array_get_length (names); i++)
    {
      gint64 id = demo_user_id (store, json_array_get_string_element (names, i));
      g_array_append_val (ids, id);
    }

  return ids;
}

static int
demo_enum (JsonObject *object,
           const char *member,
           GType       type,
           int         fallback)
{
  int value = fallback;

  if (json_object_has_member (object, member))
    g_assert_true (cb_enum_from_nick (type, json_object_get_string_member (object, member),
                                      &value));
  return value;
}

static gboolean
group_has (const CbGroupRecord *group,
           gint64               user_id)
{
  for (guint i = 0; i < group->members->len; i++)
    if (member_at (group, i)->user_id == user_id)
      return TRUE;

  return group->leader_id == user_id || group->deputy_id == user_id;
}

/* data/demo-directory.json fits the store's rules (unique names and
 * extensions, known members, no member twice) and holds what the demo and
 * other tests rely on. */
static void
test_demo_directory (Fixture       *fixture,
                     gconstpointer  data)
{
  CbStore *store = fixture->store;
  const char *data_dir = g_getenv ("CALLBOARD_DATA_DIR");
  g_autofree char *file = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *users, *group_list;
  gint64 anna, zoe, phone;
  guint in_hunt = 0;
  gboolean phone_in_hunt = FALSE;

  file = g_build_filename (data_dir != NULL ? data_dir : SOURCE_ROOT "/data",
                           "demo-directory.json", NULL);
  json_parser_load_from_file (parser, file, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  users = json_object_get_array_member (root, "users");
  group_list = json_object_get_array_member (root, "groups");
  g_assert_cmpuint (json_array_get_length (users), >=, 25);

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *object = json_array_get_object_element (users, i);
      g_autoptr(CbUserRecord) user = cb_user_record_new ();
      const char *password = json_object_get_string_member_with_default (object, "password",
                                                                          NULL);

      user->username = g_strdup (json_object_get_string_member (object, "username"));
      user->display_name = g_strdup (json_object_get_string_member (object, "display_name"));
      user->extension = g_strdup (json_object_get_string_member (object, "extension"));
      user->kind = demo_enum (object, "kind", CB_TYPE_USER_KIND, CB_USER_KIND_USER);
      user->admin = json_object_get_boolean_member_with_default (object, "admin", FALSE);
      user->password_hash = g_strdup (password);

      /* People sign in with "demo"; devices have no password. */
      if (user->kind == CB_USER_KIND_DEVICE)
        g_assert_null (password);
      else
        g_assert_cmpstr (password, ==, "demo");

      g_assert_true (cb_store_create_user (store, user, &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < json_array_get_length (group_list); i++)
    {
      JsonObject *object = json_array_get_object_element (group_list, i);
      g_autoptr(CbGroupRecord) group = cb_group_record_new ();
      g_autoptr(GArray) members = demo_ids (store, object, "members");

      group->name = g_strdup (json_object_get_string_member (object, "name"));
      group->kind = demo_enum (object, "kind", CB_TYPE_GROUP_KIND, -1);
      group->number = g_strdup (json_object_get_string_member_with_default (object, "number",
                                                                            NULL));
      group->strategy = demo_enum (object, "strategy", CB_TYPE_RING_STRATEGY,
                                   CB_RING_STRATEGY_PARALLEL);
      group->member_timeout = json_object_get_int_member_with_default (object,
                                                                       "member_timeout", 15);
      group->level = demo_enum (object, "level", CB_TYPE_LEVEL, CB_LEVEL_PUBLIC);
      group->leader_level = demo_enum (object, "leader_level", CB_TYPE_LEVEL, CB_LEVEL_TEAM);
      if (json_object_has_member (object, "leader"))
        group->leader_id = demo_user_id (store, json_object_get_string_member (object, "leader"));
      if (json_object_has_member (object, "deputy"))
        group->deputy_id = demo_user_id (store, json_object_get_string_member (object, "deputy"));
      for (guint m = 0; m < members->len; m++)
        add_member (group, g_array_index (members, gint64, m), FALSE);
      g_array_unref (group->favourites);
      group->favourites = demo_ids (store, object, "favourites");
      g_array_unref (group->monitor);
      group->monitor = demo_ids (store, object, "monitor");

      /* Hunt groups have a number, others none. */
      g_assert_cmpint (group->number != NULL, ==, group->kind == CB_GROUP_KIND_HUNT);
      g_assert_true (cb_store_create_group (store, group, &error));
      g_assert_no_error (error);
    }

  anna = demo_user_id (store, "anna");
  zoe = demo_user_id (store, "zoe");
  phone = demo_user_id (store, "lobby-phone");
  groups = cb_store_list_groups (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < groups->len; i++)
    {
      CbGroupRecord *group = groups->pdata[i];

      g_assert_false (group_has (group, anna) && group_has (group, zoe));
      if (group->kind == CB_GROUP_KIND_HUNT)
        {
          in_hunt += group_has (group, anna);
          phone_in_hunt |= group_has (group, phone);
        }
    }

  /* Support, Sales and Hotline at least. */
  g_assert_cmpuint (in_hunt, >=, 3);
  g_assert_true (phone_in_hunt);
}

/* Queue counters add up per group and day and survive a reopen; the
 * wrap-ups queues started are listed until cleared. */
static void
test_queue_counts (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(CbGroupRecord) group = NULL;
  g_autoptr(GArray) wrap_ups = NULL;
  g_autoptr(GError) error = NULL;
  gint64 a, b, c, answered = -1, abandoned = -1;

  a = add_user (fixture->store, "anna", "201");
  b = add_user (fixture->store, "ben", "202");
  c = add_user (fixture->store, "carla", "203");
  group = support_group (a, b, c);
  g_assert_true (cb_store_create_group (fixture->store, group, &error));
  g_assert_no_error (error);

  g_assert_true (cb_store_add_queue_counts (fixture->store, group->id, "2026-11-21", 1, 0, &error));
  g_assert_true (cb_store_add_queue_counts (fixture->store, group->id, "2026-11-21", 1, 0, &error));
  g_assert_true (cb_store_add_queue_counts (fixture->store, group->id, "2026-11-21", 0, 1, &error));
  g_assert_true (cb_store_add_queue_counts (fixture->store, group->id, "2026-11-22", 0, 1, &error));
  g_assert_true (cb_store_set_wrap_up (fixture->store, b, 1000, &error));
  g_assert_true (cb_store_set_wrap_up (fixture->store, c, 2000, &error));
  g_assert_true (cb_store_set_wrap_up (fixture->store, c, 0, &error));
  g_assert_true (cb_store_set_wrap_up (fixture->store, a, 3000, &error));
  g_assert_no_error (error);
  reopen (fixture);

  g_assert_true (cb_store_get_queue_counts (fixture->store, group->id, "2026-11-21", &answered,
                                            &abandoned, &error));
  g_assert_cmpint (answered, ==, 2);
  g_assert_cmpint (abandoned, ==, 1);
  g_assert_true (cb_store_get_queue_counts (fixture->store, group->id, "2026-11-22", &answered,
                                            &abandoned, &error));
  g_assert_cmpint (answered, ==, 0);
  g_assert_cmpint (abandoned, ==, 1);
  g_assert_true (cb_store_get_queue_counts (fixture->store, group->id, "2026-11-23", &answered,
                                            &abandoned, &error));
  g_assert_cmpint (answered, ==, 0);
  g_assert_cmpint (abandoned, ==, 0);
  g_assert_no_error (error);

  wrap_ups = cb_store_list_wrap_ups (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (wrap_ups->len, ==, 2);
  g_assert_cmpint (g_array_index (wrap_ups, CbWrapUpRecord, 0).user_id, ==, a);
  g_assert_cmpint (g_array_index (wrap_ups, CbWrapUpRecord, 0).until, ==, 3000);
  g_assert_cmpint (g_array_index (wrap_ups, CbWrapUpRecord, 1).user_id, ==, b);
  g_assert_cmpint (g_array_index (wrap_ups, CbWrapUpRecord, 1).until, ==, 1000);
}

/* Lamps' subscriptions kept for a restart (schema 9): added, the contact
 * and CSeq updated, listed after a reopen, removed; a picker's journal
 * entry keeps whom the call was picked up from. */
static void
test_sip_subscriptions (Fixture       *fixture,
                        gconstpointer  data)
{
  CbSipSubscriptionRecord first = {
    .event = (char *) "dialog", .call_id = (char *) "1-2943@127.0.0.1",
    .local_uri = (char *) "<sip:202@127.0.0.1>", .local_tag = (char *) "cyDF",
    .remote_uri = (char *) "<sip:201@127.0.0.1>", .remote_tag = (char *) "2943SIPpTag001",
    .contact = (char *) "sip:201@127.0.0.1:15070;transport=UDP", .cseq = 1001401345,
  };
  CbSipSubscriptionRecord second = {
    .event = (char *) "presence", .call_id = (char *) "c2", .local_uri = (char *) "<sip:203@h>",
    .local_tag = (char *) "a", .remote_uri = (char *) "<sip:201@h>", .remote_tag = (char *) "b",
    .contact = (char *) "sip:201@h:5062", .route = (char *) "<sip:proxy;lr>", .cseq = 7,
  };
  CbJournalRecord entry = {
    .call_id = (char *) "picked", .remote_number = (char *) "203", .remote_name = (char *) "",
    .started_at = 10, .answered_at = 12, .ended_at = 20, .picked_up = TRUE,
    .picked_up_from_name = (char *) "Ben",
    .forwarded_to_number = (char *) "+4930777", .forwarded_to_name = (char *) "",
  };
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) journal = NULL;
  g_autoptr(GError) error = NULL;
  CbSipSubscriptionRecord *record;
  CbJournalRecord *read;
  gint64 anna, ben;

  g_assert_true (cb_store_add_sip_subscription (fixture->store, &first, &error));
  g_assert_no_error (error);
  g_assert_true (cb_store_add_sip_subscription (fixture->store, &second, &error));
  g_assert_cmpint (second.id, >, first.id);
  g_assert_true (cb_store_update_sip_subscription (fixture->store, first.id,
                                                   "sip:201@127.0.0.1:15080", 1001401409, &error));
  g_assert_no_error (error);

  reopen (fixture);
  records = cb_store_list_sip_subscriptions (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 2);
  record = g_ptr_array_index (records, 0);
  g_assert_cmpint (record->id, ==, first.id);
  g_assert_cmpstr (record->event, ==, "dialog");
  g_assert_cmpstr (record->call_id, ==, first.call_id);
  g_assert_cmpstr (record->local_uri, ==, first.local_uri);
  g_assert_cmpstr (record->local_tag, ==, first.local_tag);
  g_assert_cmpstr (record->remote_uri, ==, first.remote_uri);
  g_assert_cmpstr (record->remote_tag, ==, first.remote_tag);
  g_assert_cmpstr (record->contact, ==, "sip:201@127.0.0.1:15080");
  g_assert_null (record->route);
  g_assert_cmpuint (record->cseq, ==, 1001401409);
  record = g_ptr_array_index (records, 1);
  g_assert_cmpstr (record->event, ==, "presence");
  g_assert_cmpstr (record->route, ==, "<sip:proxy;lr>");

  g_assert_true (cb_store_remove_sip_subscription (fixture->store, first.id, &error));
  g_clear_pointer (&records, g_ptr_array_unref);
  records = cb_store_list_sip_subscriptions (fixture->store, &error);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpint (((CbSipSubscriptionRecord *) g_ptr_array_index (records, 0))->id, ==, second.id);

  anna = add_user (fixture->store, "anna", "201");
  ben = add_user (fixture->store, "ben", "202");
  entry.user_id = anna;
  entry.picked_up_from_user_id = ben;
  g_assert_true (cb_store_add_journal (fixture->store, &entry, &error));
  g_assert_no_error (error);
  journal = cb_store_list_journal (fixture->store, anna, 0, 10, &error);
  g_assert_cmpuint (journal->len, ==, 1);
  read = g_ptr_array_index (journal, 0);
  g_assert_cmpint (read->picked_up_from_user_id, ==, ben);
  g_assert_cmpstr (read->picked_up_from_name, ==, "Ben");
  /* Forwarded beyond the trunk (schema 13): a number, no user. */
  g_assert_cmpint (read->forwarded_to_user_id, ==, 0);
  g_assert_cmpstr (read->forwarded_to_number, ==, "+4930777");
  g_assert_cmpstr (read->forwarded_to_name, ==, "");
}

/* Registrations survive a reopen in the order they came, a refresh
 * keeps the order, a line's bindings go together, a user's with them. */
static void
test_sip_bindings (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) bindings = NULL;
  g_autoptr(GError) error = NULL;
  gint64 a = add_user (fixture->store, "anna", "201");
  gint64 b = add_user (fixture->store, "ben", "202");
  CbSipBindingRecord first = { "201", "sip:201@192.0.2.1:5060", "softphone", a, 2000 };
  CbSipBindingRecord second = { "201", "sip:201@192.0.2.2:5062", "softphone", a, 2500 };
  CbSipBindingRecord desk = { "ben-desk", "sip:desk@192.0.2.3", "desk", b, 3000 };
  CbSipBindingRecord *got;

  g_assert_true (cb_store_put_sip_binding (fixture->store, &first, &error));
  g_assert_true (cb_store_put_sip_binding (fixture->store, &second, &error));
  g_assert_true (cb_store_put_sip_binding (fixture->store, &desk, &error));
  /* A refresh. */
  first.expires_at = 4000;
  g_assert_true (cb_store_put_sip_binding (fixture->store, &first, &error));
  g_assert_no_error (error);

  reopen (fixture);
  bindings = cb_store_list_sip_bindings (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bindings->len, ==, 3);
  got = g_ptr_array_index (bindings, 0);
  g_assert_cmpstr (got->line, ==, "201");
  g_assert_cmpstr (got->contact, ==, "sip:201@192.0.2.1:5060");
  g_assert_cmpstr (got->kind, ==, "softphone");
  g_assert_cmpint (got->user_id, ==, a);
  g_assert_cmpint (got->expires_at, ==, 4000);
  got = g_ptr_array_index (bindings, 2);
  g_assert_cmpstr (got->kind, ==, "desk");
  g_assert_cmpint (got->expires_at, ==, 3000);
  g_clear_pointer (&bindings, g_ptr_array_unref);

  g_assert_true (cb_store_delete_sip_binding (fixture->store, "201", "sip:201@192.0.2.2:5062", &error));
  /* Nothing to delete is no error. */
  g_assert_true (cb_store_delete_sip_binding (fixture->store, "201", "sip:nobody@192.0.2.9", &error));
  g_assert_no_error (error);
  bindings = cb_store_list_sip_bindings (fixture->store, &error);
  g_assert_cmpuint (bindings->len, ==, 2);
  g_clear_pointer (&bindings, g_ptr_array_unref);

  /* Line names match as the registrar compares them, case aside. */
  g_assert_true (cb_store_delete_sip_binding (fixture->store, "BEN-DESK", NULL, &error));
  g_assert_no_error (error);
  bindings = cb_store_list_sip_bindings (fixture->store, &error);
  g_assert_cmpuint (bindings->len, ==, 1);
  g_assert_cmpstr (((CbSipBindingRecord *) g_ptr_array_index (bindings, 0))->line, ==, "201");
}

/* Calls up: replaced, listed after a reopen, forgotten. */
static void
test_live_calls (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GError) error = NULL;
  CbLiveCallRecord *call;

  g_assert_true (cb_store_put_live_call (fixture->store, "c1", "{\"legs\":[]}", &error));
  g_assert_true (cb_store_put_live_call (fixture->store, "c2", "{}", &error));
  g_assert_true (cb_store_put_live_call (fixture->store, "c1", "{\"legs\":[1]}", &error));
  g_assert_no_error (error);

  reopen (fixture);
  calls = cb_store_list_live_calls (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (calls->len, ==, 2);
  call = g_ptr_array_index (calls, 0);
  g_assert_cmpstr (call->call_id, ==, "c2");
  call = g_ptr_array_index (calls, 1);
  g_assert_cmpstr (call->call_id, ==, "c1");
  g_assert_cmpstr (call->data, ==, "{\"legs\":[1]}");
  g_clear_pointer (&calls, g_ptr_array_unref);

  g_assert_true (cb_store_delete_live_call (fixture->store, "c1", &error));
  g_assert_true (cb_store_delete_live_call (fixture->store, "c1", &error));
  g_assert_no_error (error);
  calls = cb_store_list_live_calls (fixture->store, &error);
  g_assert_cmpuint (calls->len, ==, 1);
}

/* Why a call ended is kept with the entry. */
static void
test_journal_end_reason (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gint64 a = add_user (fixture->store, "anna", "201");
  CbJournalRecord busy = {
    .user_id = a, .call_id = "c1", .outgoing = TRUE, .remote_number = "202", .remote_name = "",
    .started_at = 1000, .ended_at = 1002, .outcome = CB_CALL_OUTCOME_BUSY,
    .end_reason = CB_CALL_END_REASON_BUSY,
  };
  CbJournalRecord restart = {
    .user_id = a, .call_id = "c2", .outgoing = FALSE, .remote_number = "203", .remote_name = "",
    .started_at = 1100, .answered_at = 1101, .ended_at = 1200,
    .outcome = CB_CALL_OUTCOME_ANSWERED, .end_reason = CB_CALL_END_REASON_SERVER_RESTART,
  };
  CbJournalRecord unknown = {
    .user_id = a, .call_id = "c3", .outgoing = FALSE, .remote_number = "204", .remote_name = "",
    .started_at = 1300, .ended_at = 1310, .outcome = CB_CALL_OUTCOME_MISSED,
  };

  g_assert_true (cb_store_add_journal (fixture->store, &busy, &error));
  g_assert_true (cb_store_add_journal (fixture->store, &restart, &error));
  g_assert_true (cb_store_add_journal (fixture->store, &unknown, &error));
  g_assert_no_error (error);
  entries = cb_store_list_journal (fixture->store, a, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_cmpint (((CbJournalRecord *) g_ptr_array_index (entries, 0))->end_reason, ==,
                   CB_CALL_END_REASON_UNKNOWN);
  g_assert_cmpint (((CbJournalRecord *) g_ptr_array_index (entries, 1))->end_reason, ==,
                   CB_CALL_END_REASON_SERVER_RESTART);
  g_assert_cmpint (((CbJournalRecord *) g_ptr_array_index (entries, 2))->end_reason, ==,
                   CB_CALL_END_REASON_BUSY);
  g_assert_cmpint (((CbJournalRecord *) g_ptr_array_index (entries, 2))->outcome, ==,
                   CB_CALL_OUTCOME_BUSY);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/records", test_records);
  g_test_add_func ("/store/records/mobile-number", test_mobile_number);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store/users", test_users);
  ADD ("/store/users/conflicts", test_user_conflicts);
  ADD ("/store/users/external-calls", test_external_calls);
  ADD ("/store/groups", test_groups);
  ADD ("/store/groups/logins", test_group_logins);
  ADD ("/store/lists", test_lists);
  ADD ("/store/blf-keys", test_blf_keys);
  ADD ("/store/tokens", test_tokens);
  ADD ("/store/events", test_events);
  ADD ("/store/transactions", test_transactions);
  ADD ("/store/reopen", test_reopen);
  ADD ("/store/queue-counts", test_queue_counts);
  ADD ("/store/call-settings", test_call_settings);
  ADD ("/store/announcement", test_announcement);
  ADD ("/store/groups/assistant", test_assistant_group);
  ADD ("/store/sip-subscriptions", test_sip_subscriptions);
  ADD ("/store/schema", test_schema);
  ADD ("/store/schema/migrate-v2", test_migrate_v2);
  ADD ("/store/durability/sigkill", test_sigkill);
  ADD ("/store/demo-directory", test_demo_directory);
  ADD ("/store/sip-bindings", test_sip_bindings);
  ADD ("/store/live-calls", test_live_calls);
  ADD ("/store/journal/end-reason", test_journal_end_reason);
#undef ADD

  return g_test_run ();
}
