/* cb-sqlite-checkpointer.c: WAL checkpoints on a thread of their own
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A commit in WAL mode appends to the -wal file. Left to itself, SQLite
 * checkpoints in the commit that takes the WAL past 1,000 pages: that
 * commit copies the WAL into the database and syncs both files
 * (fdatasync twice), on the thread that committed, which for callboardd
 * is the main loop: every REST request and SIP message waits behind it.
 * Here the main connection's WAL hook only asks, and a second connection
 * on this thread checkpoints (PASSIVE: it never blocks the writer, and
 * copies what no reader still needs); only when a long stream of
 * commits keeps the WAL from starting over does the writer copy the last
 * pages itself (see on_wal_commit()). What a commit guarantees does not
 * change: a transaction is in the WAL when COMMIT returns either way;
 * the checkpoint only moves it into the database file, and SQLite keeps
 * the WAL until it has.
 */

#define G_LOG_DOMAIN "cb-store"

#include "config.h"

#include "cb-sqlite-checkpointer.h"
#include "cb-store.h"

#define BUSY_TIMEOUT_MS 5000

struct _CbSqliteCheckpointer
{
  sqlite3      *db;        /* the main connection (borrowed) */
  sqlite3      *own;       /* this thread's connection */
  int           pages;
  GThread      *thread;
  GMutex        lock;
  GCond         wake;
  gboolean      asked;     /* under lock */
  gboolean      stopping;  /* under lock */
  guint         runs;      /* atomic */
  gint          last_log;  /* atomic: the WAL's pages at the last run */
};

/* Runs on the main connection's thread after each commit. */
static int
on_wal_commit (void       *user_data,
               sqlite3    *db,
               const char *schema,
               int         pages)
{
  CbSqliteCheckpointer *self = user_data;
  int last = g_atomic_int_get (&self->last_log);

  /* A reader may keep a checkpoint from copying it all: the WAL stays
   * long, and asking again on every commit would only spin. Again once
   * it has grown by a quarter, or started over. */
  if (pages < self->pages || (pages >= last && pages < last + self->pages / 4))
    return SQLITE_OK;
  /* The WAL starts over only at a commit that finds it all copied, and
   * under a steady stream of commits this thread's copy always lags a
   * little behind: the WAL would grow for as long as the stream lasts.
   * Past four times the mark, the rest (a few pages, most are copied) is
   * copied here, once, and the next commit starts the WAL over. */
  if (pages >= 4 * self->pages)
    {
      int log = 0, done = 0;

      if (sqlite3_wal_checkpoint_v2 (db, schema, SQLITE_CHECKPOINT_PASSIVE, &log, &done) == SQLITE_OK)
        g_debug ("WAL checkpoint on the writer's thread: %d of %d pages", done, log);
      return SQLITE_OK;
    }
  g_mutex_lock (&self->lock);
  if (!self->asked)
    {
      self->asked = TRUE;
      g_cond_signal (&self->wake);
    }
  g_mutex_unlock (&self->lock);
  return SQLITE_OK;
}

static gpointer
checkpoint_thread (gpointer user_data)
{
  CbSqliteCheckpointer *self = user_data;

  for (;;)
    {
      int log = 0, done = 0, rc;

      g_mutex_lock (&self->lock);
      while (!self->asked && !self->stopping)
        g_cond_wait (&self->wake, &self->lock);
      if (self->stopping)
        {
          g_mutex_unlock (&self->lock);
          break;
        }
      self->asked = FALSE;
      g_mutex_unlock (&self->lock);

      rc = sqlite3_wal_checkpoint_v2 (self->own, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
      g_atomic_int_set (&self->last_log, log);
      g_atomic_int_inc (&self->runs);
      /* Busy: the writer was copying pages itself (on_wal_commit());
       * the next commit asks again. Not worth a line in the log. */
      if (rc == SQLITE_BUSY)
        g_debug ("WAL checkpoint: busy, %d of %d pages in the database", done, log);
      else if (rc != SQLITE_OK)
        g_message ("WAL checkpoint: %s", sqlite3_errmsg (self->own));
      else
        g_debug ("WAL checkpoint: %d of %d pages in the database", done, log);
    }
  return NULL;
}

CbSqliteCheckpointer *
cb_sqlite_checkpointer_start (sqlite3     *db,
                              const char  *path,
                              int          pages,
                              GError     **error)
{
  CbSqliteCheckpointer *self;
  sqlite3 *own = NULL;

  if (sqlite3_open_v2 (path, &own, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_FAILED, "Could not open %s for checkpoints: %s",
                   path, own != NULL ? sqlite3_errmsg (own) : "out of memory");
      sqlite3_close_v2 (own);
      return NULL;
    }
  sqlite3_busy_timeout (own, BUSY_TIMEOUT_MS);
  /* A connection learns that the database is in WAL mode when it first
   * reads it; until then a checkpoint does nothing. */
  if (sqlite3_exec (own, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_FAILED, "Could not read %s for checkpoints: %s",
                   path, sqlite3_errmsg (own));
      sqlite3_close_v2 (own);
      return NULL;
    }
  /* This connection never checkpoints by itself on close: the main one
   * does, last. */
  sqlite3_db_config (own, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);

  self = g_new0 (CbSqliteCheckpointer, 1);
  self->db = db;
  self->own = own;
  self->pages = pages;
  g_mutex_init (&self->lock);
  g_cond_init (&self->wake);
  self->thread = g_thread_new ("cb-checkpoint", checkpoint_thread, self);
  /* Replaces SQLite's own checkpoint-on-commit, which is a WAL hook too. */
  sqlite3_wal_hook (db, on_wal_commit, self);
  return self;
}

void
cb_sqlite_checkpointer_stop (CbSqliteCheckpointer *self)
{
  if (self == NULL)
    return;
  sqlite3_wal_hook (self->db, NULL, NULL);
  sqlite3_wal_autocheckpoint (self->db, self->pages);
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_signal (&self->wake);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);
  sqlite3_close_v2 (self->own);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->wake);
  g_free (self);
}

guint
cb_sqlite_checkpointer_get_runs (CbSqliteCheckpointer *self)
{
  return self != NULL ? (guint) g_atomic_int_get (&self->runs) : 0;
}
