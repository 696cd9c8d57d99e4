/* test-database-mode.c: the database and its -wal and -shm files are private to the server
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The database holds argon2 hashes and SIP line secrets: whatever the
 * umask, nobody but the server's user may read it.
 */

#define G_LOG_DOMAIN "cb-test-database-mode"

#include "config.h"

#include <sys/stat.h>
#include <glib/gstdio.h>

#include "cb-sqlite-store.h"
#include "cb-test-server.h"

static guint
file_mode (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GStatBuf info;

  if (g_stat (path, &info) != 0)
    g_error ("%s is missing", path);
  return info.st_mode & 07777;
}

static void
write_something (CbStore *store)
{
  g_autoptr(CbUserRecord) user = cb_user_record_new ();
  g_autoptr(GError) error = NULL;

  user->username = g_strdup ("anna");
  user->display_name = g_strdup ("Anna");
  user->password_hash = g_strdup ("$argon2id$not-a-real-hash");
  g_assert_true (cb_store_create_user (store, user, &error));
  g_assert_no_error (error);
}

/* A new database, under the usual umask 022. */
static void
test_new_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cb-mode-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "callboard.db", NULL);
  g_autoptr(CbSqliteStore) store = NULL;
  mode_t old = umask (022);

  store = cb_sqlite_store_new (path, &error);
  umask (old);
  g_assert_no_error (error);
  write_something (CB_STORE (store));

  /* While open, in WAL mode: all three exist. */
  g_assert_cmpuint (file_mode (dir, "callboard.db"), ==, 0600);
  g_assert_cmpuint (file_mode (dir, "callboard.db-wal"), ==, 0600);
  g_assert_cmpuint (file_mode (dir, "callboard.db-shm"), ==, 0600);

  g_clear_object (&store);
  cb_test_remove_dir (dir);
}

/* A database an older version left readable for everyone is closed up
 * when the server opens it. */
static void
test_existing_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cb-mode-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "callboard.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(CbSqliteStore) store = NULL;

  store = cb_sqlite_store_new (path, &error);
  g_assert_no_error (error);
  write_something (CB_STORE (store));
  g_clear_object (&store);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  /* Left behind by a crash: companions readable too. */
  g_assert_true (g_file_set_contents (wal, "", 0, &error));
  g_assert_true (g_file_set_contents (shm, "", 0, &error));
  g_assert_cmpint (g_chmod (wal, 0644), ==, 0);
  g_assert_cmpint (g_chmod (shm, 0644), ==, 0);

  store = cb_sqlite_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (dir, "callboard.db"), ==, 0600);
  g_assert_cmpuint (file_mode (dir, "callboard.db-wal"), ==, 0600);
  g_assert_cmpuint (file_mode (dir, "callboard.db-shm"), ==, 0600);

  g_clear_object (&store);
  cb_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/database-mode/new", test_new_database);
  g_test_add_func ("/database-mode/existing", test_existing_database);
  return g_test_run ();
}
