/* cb-sqlite-store.c: CbStore kept in one SQLite database file (WAL)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One connection, used from the main thread only. Enums are stored as their
 * nicks so the database stays readable with the sqlite3 shell and does not
 * depend on the order of enum values. Every statement is prepared once and
 * cached; values are always bound, never formatted into SQL.
 *
 * Why one file of this size (over 2,000 lines): it is one backend of one
 * interface, and most of it is the schema's migrations and one short
 * function per CbStore method, each a prepared statement or two. Read
 * side by side with the migrations they are easy to check against the
 * schema; a second backend (PostgreSQL) is a sibling file, not a part
 * of this one.
 */

#define G_LOG_DOMAIN "cb-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "cb-sqlite-checkpointer.h"
#include "cb-sqlite-store.h"

/* Ordered schema steps: step i brings user_version from i to i + 1. Only
 * ever append; a released step must never change. */
static const char * const migrations[] = {
  /* 1: the initial schema. AUTOINCREMENT so ids and event seqs are never
   * handed out twice, even after rows are deleted. */
  "CREATE TABLE users ("
  "  id            INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  username      TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  display_name  TEXT,"
  "  extension     TEXT UNIQUE,"
  "  email         TEXT,"
  "  mobile        TEXT,"
  "  language      TEXT,"
  "  time_zone     TEXT,"
  "  password_hash TEXT,"
  "  kind          TEXT NOT NULL DEFAULT 'user',"
  "  admin         INTEGER NOT NULL DEFAULT 0,"
  "  availability  TEXT NOT NULL DEFAULT 'available',"
  "  note          TEXT,"
  "  agent_status  TEXT NOT NULL DEFAULT 'logged-out',"
  "  line_state    TEXT NOT NULL DEFAULT 'offline'"
  ");"
  "CREATE TABLE groups ("
  "  id             INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  name           TEXT NOT NULL UNIQUE,"
  "  kind           TEXT NOT NULL,"
  "  number         TEXT UNIQUE,"
  "  strategy       TEXT NOT NULL DEFAULT 'parallel',"
  "  member_timeout INTEGER NOT NULL DEFAULT 15,"
  "  wrap_around    INTEGER NOT NULL DEFAULT 0,"
  "  level          TEXT NOT NULL DEFAULT 'public',"
  "  leader_level   TEXT NOT NULL DEFAULT 'team',"
  "  leader_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,"
  "  deputy_id      INTEGER REFERENCES users (id) ON DELETE SET NULL"
  ");"
  "CREATE TABLE group_members ("
  "  group_id  INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,"
  "  user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  position  INTEGER NOT NULL,"
  "  logged_in INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (group_id, user_id)"
  ");"
  "CREATE INDEX group_members_user ON group_members (user_id);"
  "CREATE TABLE group_lists ("
  "  group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,"
  "  kind     TEXT NOT NULL CHECK (kind IN ('favourites', 'monitor', 'blf')),"
  "  position INTEGER NOT NULL,"
  "  user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (group_id, kind, position),"
  "  UNIQUE (group_id, kind, user_id)"
  ");"
  "CREATE INDEX group_lists_user ON group_lists (user_id);"
  "CREATE TABLE user_lists ("
  "  user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  kind      TEXT NOT NULL CHECK (kind IN ('favourites', 'monitor', 'blf')),"
  "  position  INTEGER NOT NULL,"
  "  target_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (user_id, kind, position),"
  "  UNIQUE (user_id, kind, target_id)"
  ");"
  "CREATE INDEX user_lists_target ON user_lists (target_id);"
  "CREATE TABLE tokens ("
  "  hash       TEXT PRIMARY KEY,"
  "  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  expires_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX tokens_user ON tokens (user_id);"
  "CREATE INDEX tokens_expiry ON tokens (expires_at);"
  /* No foreign keys: the log outlives what it talks about. */
  "CREATE TABLE events ("
  "  seq             INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  type            TEXT NOT NULL,"
  "  subject_user_id INTEGER,"
  "  group_id        INTEGER,"
  "  data            TEXT NOT NULL,"
  "  created_at      INTEGER NOT NULL"
  ");",

  /* 2: SIP lines and the journal. A user's softphone line follows the
   * extension; triggers keep it so, so every way a user is created or
   * renumbered (import, admin API) gets a line with a fresh random
   * secret without knowing about SIP. */
  "CREATE TABLE sip_lines ("
  "  username TEXT PRIMARY KEY COLLATE NOCASE,"
  "  user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  kind     TEXT NOT NULL DEFAULT 'softphone',"
  "  secret   TEXT NOT NULL"
  ");"
  "CREATE INDEX sip_lines_user ON sip_lines (user_id);"
  "INSERT INTO sip_lines (username, user_id, secret)"
  "  SELECT extension, id, lower(hex(randomblob(16))) FROM users"
  "  WHERE extension IS NOT NULL AND extension <> '';"
  "CREATE TRIGGER users_line_insert AFTER INSERT ON users"
  "  WHEN NEW.extension IS NOT NULL AND NEW.extension <> '' BEGIN"
  "  INSERT OR IGNORE INTO sip_lines (username, user_id, secret)"
  "    VALUES (NEW.extension, NEW.id, lower(hex(randomblob(16))));"
  "END;"
  "CREATE TRIGGER users_line_update AFTER UPDATE OF extension ON users"
  "  WHEN OLD.extension IS NOT NEW.extension BEGIN"
  "  DELETE FROM sip_lines WHERE user_id = NEW.id AND kind = 'softphone'"
  "    AND (NEW.extension IS NULL OR NEW.extension = '');"
  "  UPDATE sip_lines SET username = NEW.extension"
  "    WHERE user_id = NEW.id AND kind = 'softphone';"
  "  INSERT OR IGNORE INTO sip_lines (username, user_id, secret)"
  "    SELECT NEW.extension, NEW.id, lower(hex(randomblob(16)))"
  "    WHERE NEW.extension IS NOT NULL AND NEW.extension <> '';"
  "END;"
  "CREATE TABLE journal ("
  "  id             INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  call_id        TEXT NOT NULL,"
  "  outgoing       INTEGER NOT NULL,"
  "  remote_number  TEXT,"
  "  remote_name    TEXT,"
  "  remote_user_id INTEGER,"
  "  started_at     INTEGER NOT NULL,"
  "  answered_at    INTEGER,"
  "  ended_at       INTEGER NOT NULL"
  ");"
  "CREATE INDEX journal_user ON journal (user_id, id);",

  /* 3: hunt group routing, queues and group calls in the journal.
   * DeviceOnly phones are users of kind 'device', so their group logins
   * live in group_members like anyone's and need no table of their own. */
  "ALTER TABLE groups ADD COLUMN ring_in_use   INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE groups ADD COLUMN overflow      TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE groups ADD COLUMN pickup_oldest INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE groups ADD COLUMN queue_order   TEXT NOT NULL DEFAULT 'ring-all';"
  "ALTER TABLE groups ADD COLUMN agent_timeout INTEGER NOT NULL DEFAULT 15;"
  "ALTER TABLE groups ADD COLUMN max_wait      INTEGER NOT NULL DEFAULT 300;"
  "ALTER TABLE groups ADD COLUMN wrap_up       INTEGER NOT NULL DEFAULT 30;"
  "ALTER TABLE groups ADD COLUMN announcement  INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE journal ADD COLUMN group_id         INTEGER;"
  "ALTER TABLE journal ADD COLUMN group_name       TEXT;"
  "ALTER TABLE journal ADD COLUMN taken_by_user_id INTEGER;"
  "ALTER TABLE journal ADD COLUMN taken_by_name    TEXT;"
  "ALTER TABLE journal ADD COLUMN picked_up        INTEGER NOT NULL DEFAULT 0;",

  /* 4: queue counters per group and local day, and the wrap-ups queues
   * started (so a restart can end them; a hand-set Wrap-up has no row). */
  "CREATE TABLE queue_counts ("
  "  group_id  INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,"
  "  day       TEXT NOT NULL,"
  "  answered  INTEGER NOT NULL DEFAULT 0,"
  "  abandoned INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (group_id, day)"
  ");"
  "CREATE TABLE wrap_ups ("
  "  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
  "  until   INTEGER NOT NULL"
  ");",

  /* 5: busy lamp field keys, a user's own or distributed by a group. */
  "CREATE TABLE blf_keys ("
  "  id        INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  owner_id  INTEGER REFERENCES users (id) ON DELETE CASCADE,"
  "  group_id  INTEGER REFERENCES groups (id) ON DELETE CASCADE,"
  "  position  INTEGER NOT NULL,"
  "  kind      TEXT NOT NULL CHECK (kind IN ('user', 'group', 'number')),"
  "  target_id INTEGER,"
  "  number    TEXT,"
  "  label     TEXT,"
  "  CHECK ((owner_id IS NULL) <> (group_id IS NULL))"
  ");"
  "CREATE INDEX blf_keys_owner ON blf_keys (owner_id, position);"
  "CREATE INDEX blf_keys_group ON blf_keys (group_id, position);",

  /* 6: how each call ended for each user, how far they have looked at
   * their journal, and presence notes that go by themselves. */
  "ALTER TABLE journal ADD COLUMN outcome TEXT;"
  "CREATE TABLE journal_seen ("
  "  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
  "  seen_id INTEGER NOT NULL"
  ");"
  "ALTER TABLE users ADD COLUMN note_until INTEGER;",

  /* 7: a user's own call settings (diversions, ringing the mobile too,
   * the announcement before their phones ring, its audio in a table of
   * its own so that listing users never reads it) and assistant groups'
   * settings. */
  "ALTER TABLE users ADD COLUMN divert_unconditional   TEXT;"
  "ALTER TABLE users ADD COLUMN divert_busy            TEXT;"
  "ALTER TABLE users ADD COLUMN divert_no_answer       TEXT;"
  "ALTER TABLE users ADD COLUMN divert_no_answer_after INTEGER NOT NULL DEFAULT 20;"
  "ALTER TABLE users ADD COLUMN mobile_ringing         INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE users ADD COLUMN mobile_ringing_delay   INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE announcements ("
  "  user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
  "  content_type TEXT NOT NULL,"
  "  audio        BLOB NOT NULL,"
  "  updated_at   INTEGER NOT NULL"
  ");"
  "ALTER TABLE groups ADD COLUMN filter_enabled INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE groups ADD COLUMN filter         TEXT NOT NULL DEFAULT 'assistants-first';"
  "ALTER TABLE groups ADD COLUMN filter_delay   INTEGER NOT NULL DEFAULT 15;"
  "ALTER TABLE groups ADD COLUMN logout_allowed INTEGER NOT NULL DEFAULT 1;",
  /* 8: who may call out over the SIP trunk (NULL: as the user's kind
   * says). A step of its own, apart from other user fields. */
  "ALTER TABLE users ADD COLUMN external_calls INTEGER;",
  /* 9: whom a picker took a call from (their own journal entry), and the
   * SIP subscriptions of desk phones' lamps, so that after a restart each
   * subscriber is told in its dialog to subscribe again. */
  "ALTER TABLE journal ADD COLUMN picked_up_from_user_id INTEGER;"
  "ALTER TABLE journal ADD COLUMN picked_up_from_name    TEXT;"
  "CREATE TABLE sip_subscriptions ("
  "  id         INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  event      TEXT NOT NULL,"
  "  call_id    TEXT NOT NULL,"
  "  local_uri  TEXT NOT NULL,"
  "  local_tag  TEXT NOT NULL,"
  "  remote_uri TEXT NOT NULL,"
  "  remote_tag TEXT NOT NULL,"
  "  contact    TEXT NOT NULL,"
  "  route      TEXT,"
  "  cseq       INTEGER NOT NULL"
  ");",
  /* 10: the assistant group leader a journal entry's call was taken or
   * placed for ("call for", "call as"). */
  "ALTER TABLE journal ADD COLUMN for_user_id INTEGER;"
  "ALTER TABLE journal ADD COLUMN for_name    TEXT;",
  /* 11: what a crash must not lose: the contacts phones registered (with
   * their expiry, unix s), the dialogs of calls that are up (the SIP
   * side's own JSON, to end them at the next start), and why each call
   * ended for each user. */
  "CREATE TABLE sip_bindings ("
  "  line       TEXT NOT NULL COLLATE NOCASE,"
  "  contact    TEXT NOT NULL,"
  "  kind       TEXT NOT NULL,"
  "  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  expires_at INTEGER NOT NULL,"
  "  PRIMARY KEY (line, contact)"
  ");"
  "CREATE TABLE live_calls ("
  "  call_id TEXT PRIMARY KEY,"
  "  data    TEXT NOT NULL"
  ");"
  "ALTER TABLE journal ADD COLUMN end_reason TEXT;",
  /* 12: a user's calls must be encrypted (SRTP over TLS). */
  "ALTER TABLE users ADD COLUMN require_encryption INTEGER NOT NULL DEFAULT 0;",
  /* 13: where the user forwarded a call to (their own journal entry). */
  "ALTER TABLE journal ADD COLUMN forwarded_to_user_id INTEGER;"
  "ALTER TABLE journal ADD COLUMN forwarded_to_number  TEXT;"
  "ALTER TABLE journal ADD COLUMN forwarded_to_name    TEXT;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == CB_SQLITE_STORE_SCHEMA_VERSION);

#define USER_COLUMNS \
  "id, username, display_name, extension, email, mobile, language, time_zone, " \
  "password_hash, kind, admin, availability, note, agent_status, line_state, note_until, " \
  "divert_unconditional, divert_busy, divert_no_answer, divert_no_answer_after, " \
  "mobile_ringing, mobile_ringing_delay, " \
  "EXISTS (SELECT 1 FROM announcements WHERE announcements.user_id = users.id), " \
  "external_calls, require_encryption"

#define GROUP_COLUMNS \
  "id, name, kind, number, strategy, member_timeout, wrap_around, level, " \
  "leader_level, leader_id, deputy_id, ring_in_use, overflow, pickup_oldest, " \
  "queue_order, agent_timeout, max_wait, wrap_up, announcement, filter_enabled, filter, " \
  "filter_delay, logout_allowed"

#define EVENT_COLUMNS "seq, type, subject_user_id, group_id, data, created_at"

#define BUSY_TIMEOUT_MS 5000
/* SQLite's own default for checkpoints (wal_autocheckpoint): 4 MiB. */
#define CHECKPOINT_PAGES 1000

struct _CbSqliteStore
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  /* SQL text (static strings, not owned) → sqlite3_stmt */
  GHashTable *statements;
  /* Open begin() calls; only depth 1 is a real transaction, deeper ones are
   * savepoints so an inner rollback undoes only its own part. */
  guint       depth;
  gboolean    wal;
  CbSqliteCheckpointer *checkpointer;
};

static void cb_sqlite_store_initable_iface_init (GInitableIface *iface);
static void cb_sqlite_store_store_iface_init    (CbStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CbSqliteStore, cb_sqlite_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      cb_sqlite_store_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (CB_TYPE_STORE,
                                                      cb_sqlite_store_store_iface_init))

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const list_kind_names[] = {
  [CB_LIST_FAVOURITES] = "favourites",
  [CB_LIST_MONITOR] = "monitor",
  [CB_LIST_BLF] = "blf",
};

/* Statements */

/* A cached statement borrowed for one scope: the cleanup resets it (ending
 * any read it holds open) instead of finalizing it. */
typedef sqlite3_stmt CbStmt;

static void
cb_stmt_release (CbStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbStmt, cb_stmt_release)

/* The statement cache's value destructor (sqlite3_finalize returns int). */
static void
cb_stmt_finalize (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
set_db_error (CbSqliteStore  *self,
              GError        **error,
              const char     *what)
{
  CbStoreError code;

  switch (sqlite3_extended_errcode (self->db))
    {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      code = CB_STORE_ERROR_CONFLICT;
      break;

    /* A referenced user or group does not exist. */
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      code = CB_STORE_ERROR_NOT_FOUND;
      break;

    default:
      code = CB_STORE_ERROR_FAILED;
      break;
    }

  g_set_error (error, CB_STORE_ERROR, code, "%s: %s", what, sqlite3_errmsg (self->db));
}

static CbStmt *
get_stmt (CbSqliteStore  *self,
          const char     *sql,
          GError        **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    return stmt;

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      set_db_error (self, error, "Could not prepare a statement");
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

/* Runs a statement that returns no rows. */
static gboolean
step_done (CbSqliteStore  *self,
           CbStmt         *stmt,
           const char     *what,
           GError        **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_db_error (self, error, what);
      return FALSE;
    }

  return TRUE;
}

/* One-off SQL without values (transactions, pragmas, migrations). */
static gboolean
exec_sql (CbSqliteStore  *self,
          const char     *sql,
          GError        **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_FAILED,
                   "“%s” failed: %s", sql, message != NULL ? message : "unknown error");
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

static void
bind_text (CbStmt     *stmt,
           int         index,
           const char *value)
{
  if (value != NULL)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* Extensions and group numbers are unique when set; "" means unset, so two
 * users without an extension never collide. */
static void
bind_optional_unique (CbStmt     *stmt,
                      int         index,
                      const char *value)
{
  bind_text (stmt, index, value != NULL && *value != '\0' ? value : NULL);
}

/* Ids use 0 for "none"; the database uses NULL so foreign keys hold. */
static void
bind_id (CbStmt *stmt,
         int     index,
         gint64  id)
{
  if (id != 0)
    sqlite3_bind_int64 (stmt, index, id);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
bind_enum (CbStmt   *stmt,
           int       index,
           GType     enum_type,
           int       value,
           GError  **error)
{
  const char *nick = cb_enum_to_nick (enum_type, value);

  if (nick == NULL)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_FAILED,
                   "Invalid %s value %d", g_type_name (enum_type), value);
      return FALSE;
    }

  sqlite3_bind_text (stmt, index, nick, -1, SQLITE_STATIC);
  return TRUE;
}

static char *
column_dup_text (CbStmt *stmt,
                 int     column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static int
column_enum (CbStmt *stmt,
             int     column,
             GType   enum_type,
             int     fallback)
{
  const char *nick = (const char *) sqlite3_column_text (stmt, column);
  int value;

  if (!cb_enum_from_nick (enum_type, nick, &value))
    {
      g_warning ("Unknown %s “%s” in the database; using the default",
                 g_type_name (enum_type), nick != NULL ? nick : "(null)");
      return fallback;
    }

  return value;
}

/* Transactions */

/* One transaction statement, prepared once: every change begins and
 * commits, and sqlite3_exec() would parse "BEGIN IMMEDIATE" and "COMMIT"
 * anew each time (3 % of the main thread under SIP load). */
static gboolean
exec_prepared (CbSqliteStore  *self,
               const char     *sql,
               GError        **error)
{
  g_autoptr(CbStmt) stmt = get_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_FAILED,
                   "“%s” failed: %s", sql, sqlite3_errmsg (self->db));
      return FALSE;
    }
  return TRUE;
}

static gboolean
cb_sqlite_store_begin (CbStore  *store,
                       GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);

  /* IMMEDIATE takes the write lock up front, so a commit cannot fail with
   * SQLITE_BUSY halfway through because another process wrote meanwhile. */
  if (!exec_prepared (self, self->depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT cb_nested", error))
    return FALSE;

  self->depth++;
  return TRUE;
}

static void
cb_sqlite_store_rollback (CbStore *store)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(GError) error = NULL;

  g_return_if_fail (self->depth > 0);

  self->depth--;

  /* SQLite rolls the whole transaction back by itself on some errors
   * (disk full, I/O); there is then nothing left to undo. */
  if (sqlite3_get_autocommit (self->db))
    return;

  if (self->depth == 0)
    {
      if (!exec_prepared (self, "ROLLBACK", &error))
        g_warning ("%s", error->message);
    }
  else if (!exec_sql (self, "ROLLBACK TO cb_nested; RELEASE cb_nested", &error))
    {
      g_warning ("%s", error->message);
    }
}

static gboolean
cb_sqlite_store_commit (CbStore  *store,
                        GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);

  if (self->depth == 0)
    {
      g_set_error_literal (error, CB_STORE_ERROR, CB_STORE_ERROR_FAILED,
                           "Commit without a transaction");
      return FALSE;
    }

  if (sqlite3_get_autocommit (self->db))
    {
      self->depth--;
      g_set_error_literal (error, CB_STORE_ERROR, CB_STORE_ERROR_FAILED,
                           "The transaction was rolled back after an earlier error");
      return FALSE;
    }

  if (self->depth > 1)
    {
      if (!exec_prepared (self, "RELEASE cb_nested", error))
        return FALSE;
      self->depth--;
      return TRUE;
    }

  if (!exec_prepared (self, "COMMIT", error))
    {
      /* A failed COMMIT leaves the transaction open; end it so the next
       * begin() starts clean. The caller learns the change is lost. */
      self->depth = 1;
      cb_sqlite_store_rollback (store);
      return FALSE;
    }

  self->depth = 0;
  return TRUE;
}

/* Wraps a multi-statement change so it applies entirely or not at all, on
 * its own or inside the caller's transaction. */
static gboolean
finish_change (CbSqliteStore  *self,
               gboolean        ok,
               GError        **error)
{
  if (!ok)
    {
      cb_sqlite_store_rollback (CB_STORE (self));
      return FALSE;
    }

  return cb_sqlite_store_commit (CB_STORE (self), error);
}

/* Users */

static CbUserRecord *
read_user (CbStmt *stmt)
{
  CbUserRecord *record = cb_user_record_new ();

  record->id = sqlite3_column_int64 (stmt, 0);
  record->username = column_dup_text (stmt, 1);
  record->display_name = column_dup_text (stmt, 2);
  record->extension = column_dup_text (stmt, 3);
  record->email = column_dup_text (stmt, 4);
  record->mobile = column_dup_text (stmt, 5);
  record->language = column_dup_text (stmt, 6);
  record->time_zone = column_dup_text (stmt, 7);
  record->password_hash = column_dup_text (stmt, 8);
  record->kind = column_enum (stmt, 9, CB_TYPE_USER_KIND, CB_USER_KIND_USER);
  record->admin = sqlite3_column_int (stmt, 10) != 0;
  record->availability = column_enum (stmt, 11, CB_TYPE_AVAILABILITY,
                                      CB_AVAILABILITY_AVAILABLE);
  record->note = column_dup_text (stmt, 12);
  record->agent_status = column_enum (stmt, 13, CB_TYPE_AGENT_STATUS,
                                      CB_AGENT_STATUS_LOGGED_OUT);
  record->line_state = column_enum (stmt, 14, CB_TYPE_LINE_STATE, CB_LINE_STATE_OFFLINE);
  record->note_until = sqlite3_column_int64 (stmt, 15);
  record->diversion.unconditional = column_dup_text (stmt, 16);
  record->diversion.busy = column_dup_text (stmt, 17);
  record->diversion.no_answer = column_dup_text (stmt, 18);
  record->diversion.no_answer_after = (guint) CLAMP (sqlite3_column_int64 (stmt, 19), 0, G_MAXUINT);
  record->mobile_ringing = sqlite3_column_int (stmt, 20) != 0;
  record->mobile_ringing_delay = (guint) CLAMP (sqlite3_column_int64 (stmt, 21), 0, G_MAXUINT);
  record->announcement = sqlite3_column_int (stmt, 22) != 0;
  record->external_calls = sqlite3_column_type (stmt, 23) == SQLITE_NULL ? CB_EXTERNAL_CALLS_DEFAULT
                           : sqlite3_column_int (stmt, 23) != 0 ? CB_EXTERNAL_CALLS_ALLOWED
                           : CB_EXTERNAL_CALLS_DENIED;
  record->require_encryption = sqlite3_column_int (stmt, 24) != 0;

  return record;
}

/* Binds every user field from index 1 on, in USER_COLUMNS order after id. */
static gboolean
bind_user (CbStmt              *stmt,
           const CbUserRecord  *record,
           GError             **error)
{
  bind_text (stmt, 1, record->username);
  bind_text (stmt, 2, record->display_name);
  bind_optional_unique (stmt, 3, record->extension);
  bind_text (stmt, 4, record->email);
  bind_text (stmt, 5, record->mobile);
  bind_text (stmt, 6, record->language);
  bind_text (stmt, 7, record->time_zone);
  bind_text (stmt, 8, record->password_hash);
  sqlite3_bind_int (stmt, 10, record->admin ? 1 : 0);
  bind_text (stmt, 12, record->note);

  return bind_enum (stmt, 9, CB_TYPE_USER_KIND, record->kind, error) &&
         bind_enum (stmt, 11, CB_TYPE_AVAILABILITY, record->availability, error) &&
         bind_enum (stmt, 13, CB_TYPE_AGENT_STATUS, record->agent_status, error) &&
         bind_enum (stmt, 14, CB_TYPE_LINE_STATE, record->line_state, error);
}

static GPtrArray *
cb_sqlite_store_list_users (CbStore  *store,
                            GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;
  g_autoptr(GPtrArray) users = NULL;
  int rc;

  stmt = get_stmt (self, "SELECT " USER_COLUMNS " FROM users ORDER BY id", error);
  if (stmt == NULL)
    return NULL;

  users = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_user_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (users, read_user (stmt));

  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "Could not list users");
      return NULL;
    }

  return g_steal_pointer (&users);
}

/* Runs a user query that has its parameters bound; NOT_FOUND without a row. */
static CbUserRecord *
fetch_user (CbSqliteStore  *self,
            CbStmt         *stmt,
            GError        **error)
{
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      return read_user (stmt);

    case SQLITE_DONE:
      g_set_error_literal (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND, "No such user");
      return NULL;

    default:
      set_db_error (self, error, "Could not read a user");
      return NULL;
    }
}

static CbUserRecord *
cb_sqlite_store_get_user (CbStore  *store,
                          gint64    id,
                          GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "SELECT " USER_COLUMNS " FROM users WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  return fetch_user (self, stmt, error);
}

static CbUserRecord *
cb_sqlite_store_find_user (CbStore     *store,
                           const char  *username,
                           GError     **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  /* The column is COLLATE NOCASE: "Anna" finds "anna". */
  stmt = get_stmt (self, "SELECT " USER_COLUMNS " FROM users WHERE username = ?", error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, username);
  return fetch_user (self, stmt, error);
}

/* Schema 7's field, written apart from the others: NULL for the default. */
static gboolean
set_external_calls (CbSqliteStore       *self,
                    const CbUserRecord  *record,
                    GError             **error)
{
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "UPDATE users SET external_calls = ?1 WHERE id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  if (record->external_calls == CB_EXTERNAL_CALLS_DEFAULT)
    sqlite3_bind_null (stmt, 1);
  else
    sqlite3_bind_int (stmt, 1, record->external_calls == CB_EXTERNAL_CALLS_ALLOWED);
  sqlite3_bind_int64 (stmt, 2, record->id);
  return step_done (self, stmt, "Could not set the user's external calls", error);
}

static gboolean
cb_sqlite_store_create_user (CbStore       *store,
                             CbUserRecord  *record,
                             GError       **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self,
                   "INSERT INTO users (username, display_name, extension, email, mobile, "
                   "language, time_zone, password_hash, kind, admin, availability, note, "
                   "agent_status, line_state) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                   error);
  if (stmt == NULL || !bind_user (stmt, record, error))
    return FALSE;

  if (!step_done (self, stmt, "Could not create the user", error))
    return FALSE;

  record->id = sqlite3_last_insert_rowid (self->db);
  return set_external_calls (self, record, error);
}

/* An UPDATE … WHERE id = ? that touched no row means the id is unknown. */
static gboolean
step_update (CbSqliteStore  *self,
             CbStmt         *stmt,
             const char     *what,
             const char     *not_found,
             GError        **error)
{
  if (!step_done (self, stmt, what, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error_literal (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND, not_found);
      return FALSE;
    }

  return TRUE;
}

static gboolean
cb_sqlite_store_update_user (CbStore             *store,
                             const CbUserRecord  *record,
                             GError             **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self,
                   "UPDATE users SET username = ?1, display_name = ?2, extension = ?3, "
                   "email = ?4, mobile = ?5, language = ?6, time_zone = ?7, "
                   "password_hash = ?8, kind = ?9, admin = ?10, availability = ?11, "
                   "note = ?12, agent_status = ?13, line_state = ?14 WHERE id = ?15",
                   error);
  if (stmt == NULL || !bind_user (stmt, record, error))
    return FALSE;

  sqlite3_bind_int64 (stmt, 15, record->id);
  return step_update (self, stmt, "Could not update the user", "No such user", error) &&
         set_external_calls (self, record, error);
}

static gboolean
cb_sqlite_store_set_presence (CbStore         *store,
                              gint64           user_id,
                              CbAvailability   availability,
                              const char      *note,
                              gint64           note_until,
                              GError         **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "UPDATE users SET availability = ?, note = ?, note_until = ? WHERE id = ?",
                   error);
  if (stmt == NULL || !bind_enum (stmt, 1, CB_TYPE_AVAILABILITY, availability, error))
    return FALSE;

  bind_text (stmt, 2, note);
  bind_id (stmt, 3, note_until);
  sqlite3_bind_int64 (stmt, 4, user_id);
  return step_update (self, stmt, "Could not set the presence", "No such user", error);
}

static gboolean
cb_sqlite_store_set_agent_status (CbStore        *store,
                                  gint64          user_id,
                                  CbAgentStatus   status,
                                  GError        **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "UPDATE users SET agent_status = ? WHERE id = ?", error);
  if (stmt == NULL || !bind_enum (stmt, 1, CB_TYPE_AGENT_STATUS, status, error))
    return FALSE;

  sqlite3_bind_int64 (stmt, 2, user_id);
  return step_update (self, stmt, "Could not set the agent status", "No such user", error);
}

static gboolean
cb_sqlite_store_set_line_state (CbStore      *store,
                                gint64        user_id,
                                CbLineState   state,
                                GError      **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "UPDATE users SET line_state = ? WHERE id = ?", error);
  if (stmt == NULL || !bind_enum (stmt, 1, CB_TYPE_LINE_STATE, state, error))
    return FALSE;

  sqlite3_bind_int64 (stmt, 2, user_id);
  return step_update (self, stmt, "Could not set the line state", "No such user", error);
}

static gboolean
cb_sqlite_store_set_diversion (CbStore                  *store,
                               gint64                    user_id,
                               const CbDiversionRecord  *diversion,
                               GError                  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self,
                   "UPDATE users SET divert_unconditional = ?, divert_busy = ?, "
                   "divert_no_answer = ?, divert_no_answer_after = ? WHERE id = ?",
                   error);
  if (stmt == NULL)
    return FALSE;

  /* "" is no number: stored as NULL, like a diversion that is off. */
  bind_optional_unique (stmt, 1, diversion->unconditional);
  bind_optional_unique (stmt, 2, diversion->busy);
  bind_optional_unique (stmt, 3, diversion->no_answer);
  sqlite3_bind_int64 (stmt, 4, diversion->no_answer_after);
  sqlite3_bind_int64 (stmt, 5, user_id);
  return step_update (self, stmt, "Could not set the diversion", "No such user", error);
}

static gboolean
cb_sqlite_store_set_mobile_ringing (CbStore   *store,
                                    gint64     user_id,
                                    gboolean   enabled,
                                    guint      delay,
                                    GError   **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "UPDATE users SET mobile_ringing = ?, mobile_ringing_delay = ? WHERE id = ?",
                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 1, enabled ? 1 : 0);
  sqlite3_bind_int64 (stmt, 2, delay);
  sqlite3_bind_int64 (stmt, 3, user_id);
  return step_update (self, stmt, "Could not set mobile ringing", "No such user", error);
}

static gboolean
cb_sqlite_store_set_require_encryption (CbStore   *store,
                                        gint64     user_id,
                                        gboolean   required,
                                        GError   **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "UPDATE users SET require_encryption = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 1, required ? 1 : 0);
  sqlite3_bind_int64 (stmt, 2, user_id);
  return step_update (self, stmt, "Could not set required encryption", "No such user", error);
}

static gboolean
user_exists (CbSqliteStore  *self,
             gint64          user_id,
             GError        **error)
{
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "SELECT 1 FROM users WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, user_id);
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      return TRUE;

    case SQLITE_DONE:
      g_set_error_literal (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND, "No such user");
      return FALSE;

    default:
      set_db_error (self, error, "Could not look up a user");
      return FALSE;
    }
}

/* Groups */

static CbGroupRecord *
read_group (CbStmt *stmt)
{
  CbGroupRecord *record = cb_group_record_new ();

  record->id = sqlite3_column_int64 (stmt, 0);
  record->name = column_dup_text (stmt, 1);
  record->kind = column_enum (stmt, 2, CB_TYPE_GROUP_KIND, CB_GROUP_KIND_AUTHORISATION);
  record->number = column_dup_text (stmt, 3);
  record->strategy = column_enum (stmt, 4, CB_TYPE_RING_STRATEGY, CB_RING_STRATEGY_PARALLEL);
  record->member_timeout = (guint) CLAMP (sqlite3_column_int64 (stmt, 5), 0, G_MAXUINT);
  record->wrap_around = sqlite3_column_int (stmt, 6) != 0;
  record->level = column_enum (stmt, 7, CB_TYPE_LEVEL, CB_LEVEL_PUBLIC);
  record->leader_level = column_enum (stmt, 8, CB_TYPE_LEVEL, CB_LEVEL_TEAM);
  record->leader_id = sqlite3_column_int64 (stmt, 9);   /* NULL reads as 0 */
  record->deputy_id = sqlite3_column_int64 (stmt, 10);
  record->ring_in_use = sqlite3_column_int (stmt, 11) != 0;
  record->overflow = column_dup_text (stmt, 12);
  record->pickup_oldest = sqlite3_column_int (stmt, 13) != 0;
  record->queue_order = column_enum (stmt, 14, CB_TYPE_QUEUE_ORDER, CB_QUEUE_ORDER_RING_ALL);
  record->agent_timeout = (guint) CLAMP (sqlite3_column_int64 (stmt, 15), 0, G_MAXUINT);
  record->max_wait = (guint) CLAMP (sqlite3_column_int64 (stmt, 16), 0, G_MAXUINT);
  record->wrap_up = (guint) CLAMP (sqlite3_column_int64 (stmt, 17), 0, G_MAXUINT);
  record->announcement = sqlite3_column_int (stmt, 18) != 0;
  record->filter_enabled = sqlite3_column_int (stmt, 19) != 0;
  record->filter = column_enum (stmt, 20, CB_TYPE_ASSISTANT_FILTER,
                                CB_ASSISTANT_FILTER_ASSISTANTS_FIRST);
  record->filter_delay = (guint) CLAMP (sqlite3_column_int64 (stmt, 21), 0, G_MAXUINT);
  record->logout_allowed = sqlite3_column_int (stmt, 22) != 0;

  return record;
}

/* Binds every group field from index 1 on, in GROUP_COLUMNS order after id. */
static gboolean
bind_group (CbStmt               *stmt,
            const CbGroupRecord  *record,
            GError              **error)
{
  bind_text (stmt, 1, record->name);
  bind_optional_unique (stmt, 3, record->number);
  sqlite3_bind_int64 (stmt, 5, record->member_timeout);
  sqlite3_bind_int (stmt, 6, record->wrap_around ? 1 : 0);
  bind_id (stmt, 9, record->leader_id);
  bind_id (stmt, 10, record->deputy_id);
  sqlite3_bind_int (stmt, 11, record->ring_in_use ? 1 : 0);
  sqlite3_bind_text (stmt, 12, record->overflow != NULL ? record->overflow : "", -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 13, record->pickup_oldest ? 1 : 0);
  sqlite3_bind_int64 (stmt, 15, record->agent_timeout);
  sqlite3_bind_int64 (stmt, 16, record->max_wait);
  sqlite3_bind_int64 (stmt, 17, record->wrap_up);
  sqlite3_bind_int (stmt, 18, record->announcement ? 1 : 0);
  sqlite3_bind_int (stmt, 19, record->filter_enabled ? 1 : 0);
  sqlite3_bind_int64 (stmt, 21, record->filter_delay);
  sqlite3_bind_int (stmt, 22, record->logout_allowed ? 1 : 0);

  return bind_enum (stmt, 2, CB_TYPE_GROUP_KIND, record->kind, error) &&
         bind_enum (stmt, 20, CB_TYPE_ASSISTANT_FILTER, record->filter, error) &&
         bind_enum (stmt, 14, CB_TYPE_QUEUE_ORDER, record->queue_order, error) &&
         bind_enum (stmt, 4, CB_TYPE_RING_STRATEGY, record->strategy, error) &&
         bind_enum (stmt, 7, CB_TYPE_LEVEL, record->level, error) &&
         bind_enum (stmt, 8, CB_TYPE_LEVEL, record->leader_level, error);
}

/* Busy lamp field keys */

#define BLF_COLUMNS "id, group_id, kind, target_id, number, label"

/* Appends the keys of an owner or a group (`by` names the column) to keys. */
static gboolean
read_blf_keys (CbSqliteStore  *self,
               const char     *by,
               gint64          id,
               GPtrArray      *keys,
               GError        **error)
{
  g_autoptr(CbStmt) stmt = NULL;
  int rc;

  stmt = get_stmt (self, g_str_equal (by, "group_id")
                   ? "SELECT " BLF_COLUMNS " FROM blf_keys WHERE group_id = ? ORDER BY position"
                   : "SELECT " BLF_COLUMNS " FROM blf_keys WHERE owner_id = ? ORDER BY position",
                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CbBlfKeyRecord *key = cb_blf_key_record_new ();

      key->id = sqlite3_column_int64 (stmt, 0);
      key->group_id = sqlite3_column_int64 (stmt, 1);
      key->kind = column_enum (stmt, 2, CB_TYPE_BLF_KEY_KIND, CB_BLF_KEY_KIND_NUMBER);
      key->target_id = sqlite3_column_int64 (stmt, 3);
      key->number = column_dup_text (stmt, 4);
      key->label = column_dup_text (stmt, 5);
      g_ptr_array_add (keys, key);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "Could not read busy lamp field keys");
      return FALSE;
    }
  return TRUE;
}

/* Replaces the keys of an owner (group_id 0) or a group. A key with an id
 * keeps it; a new one's id is written back into its record. */
static gboolean
write_blf_keys (CbSqliteStore  *self,
                gint64          owner_id,
                gint64          group_id,
                GPtrArray      *keys,
                GError        **error)
{
  g_autoptr(CbStmt) clear = NULL;

  clear = get_stmt (self, owner_id > 0 ? "DELETE FROM blf_keys WHERE owner_id = ?"
                                       : "DELETE FROM blf_keys WHERE group_id = ?", error);
  if (clear == NULL)
    return FALSE;
  sqlite3_bind_int64 (clear, 1, owner_id > 0 ? owner_id : group_id);
  if (!step_done (self, clear, "Could not clear busy lamp field keys", error))
    return FALSE;

  for (guint i = 0; keys != NULL && i < keys->len; i++)
    {
      CbBlfKeyRecord *key = g_ptr_array_index (keys, i);
      g_autoptr(CbStmt) insert = NULL;

      insert = get_stmt (self,
                         "INSERT INTO blf_keys (id, owner_id, group_id, position, kind, "
                         "target_id, number, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         error);
      if (insert == NULL)
        return FALSE;
      bind_id (insert, 1, key->id);
      bind_id (insert, 2, owner_id);
      bind_id (insert, 3, group_id);
      sqlite3_bind_int (insert, 4, (int) i);
      if (!bind_enum (insert, 5, CB_TYPE_BLF_KEY_KIND, key->kind, error))
        return FALSE;
      bind_id (insert, 6, key->kind == CB_BLF_KEY_KIND_NUMBER ? 0 : key->target_id);
      bind_text (insert, 7, key->kind == CB_BLF_KEY_KIND_NUMBER ? key->number : NULL);
      bind_text (insert, 8, key->label);
      if (!step_done (self, insert, "Could not write a busy lamp field key", error))
        return FALSE;
      key->id = sqlite3_last_insert_rowid (self->db);
      key->group_id = group_id;
    }
  return TRUE;
}

static GPtrArray *
cb_sqlite_store_list_blf_keys (CbStore  *store,
                               gint64    user_id,
                               GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_blf_key_record_free);

  if (!user_exists (self, user_id, error) ||
      !read_blf_keys (self, "owner_id", user_id, keys, error))
    return NULL;
  return g_steal_pointer (&keys);
}

static gboolean
cb_sqlite_store_set_blf_keys (CbStore    *store,
                              gint64      user_id,
                              GPtrArray  *keys,
                              GError    **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);

  if (!cb_sqlite_store_begin (store, error))
    return FALSE;
  return finish_change (self,
                        user_exists (self, user_id, error) &&
                        write_blf_keys (self, user_id, 0, keys, error),
                        error);
}

/* Fills members, favourites and monitor of a record read by read_group(). */
static gboolean
load_group_details (CbSqliteStore  *self,
                    CbGroupRecord  *record,
                    GError        **error)
{
  g_autoptr(CbStmt) members = NULL;
  g_autoptr(CbStmt) lists = NULL;
  int rc;

  members = get_stmt (self,
                      "SELECT user_id, logged_in FROM group_members "
                      "WHERE group_id = ? ORDER BY position",
                      error);
  if (members == NULL)
    return FALSE;

  sqlite3_bind_int64 (members, 1, record->id);
  while ((rc = sqlite3_step (members)) == SQLITE_ROW)
    {
      CbGroupMember member = {
        .user_id = sqlite3_column_int64 (members, 0),
        .logged_in = sqlite3_column_int (members, 1) != 0,
      };

      g_array_append_val (record->members, member);
    }

  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "Could not read group members");
      return FALSE;
    }

  lists = get_stmt (self,
                    "SELECT kind, user_id FROM group_lists "
                    "WHERE group_id = ? ORDER BY kind, position",
                    error);
  if (lists == NULL)
    return FALSE;

  sqlite3_bind_int64 (lists, 1, record->id);
  while ((rc = sqlite3_step (lists)) == SQLITE_ROW)
    {
      const char *kind = (const char *) sqlite3_column_text (lists, 0);
      gint64 user_id = sqlite3_column_int64 (lists, 1);

      if (g_strcmp0 (kind, list_kind_names[CB_LIST_FAVOURITES]) == 0)
        g_array_append_val (record->favourites, user_id);
      else if (g_strcmp0 (kind, list_kind_names[CB_LIST_MONITOR]) == 0)
        g_array_append_val (record->monitor, user_id);
    }

  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "Could not read group lists");
      return FALSE;
    }

  return read_blf_keys (self, "group_id", record->id, record->blf, error);
}

static GPtrArray *
cb_sqlite_store_list_groups (CbStore  *store,
                             GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(GPtrArray) groups = NULL;
  int rc;

  groups = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_group_record_free);

  /* Read all rows first so the details below never run while this
   * statement is still open. */
  {
    g_autoptr(CbStmt) stmt = NULL;

    stmt = get_stmt (self, "SELECT " GROUP_COLUMNS " FROM groups ORDER BY id", error);
    if (stmt == NULL)
      return NULL;

    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_ptr_array_add (groups, read_group (stmt));

    if (rc != SQLITE_DONE)
      {
        set_db_error (self, error, "Could not list groups");
        return NULL;
      }
  }

  for (guint i = 0; i < groups->len; i++)
    {
      if (!load_group_details (self, g_ptr_array_index (groups, i), error))
        return NULL;
    }

  return g_steal_pointer (&groups);
}

static CbGroupRecord *
cb_sqlite_store_get_group (CbStore  *store,
                           gint64    id,
                           GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbGroupRecord) record = NULL;

  {
    g_autoptr(CbStmt) stmt = NULL;

    stmt = get_stmt (self, "SELECT " GROUP_COLUMNS " FROM groups WHERE id = ?", error);
    if (stmt == NULL)
      return NULL;

    sqlite3_bind_int64 (stmt, 1, id);
    switch (sqlite3_step (stmt))
      {
      case SQLITE_ROW:
        record = read_group (stmt);
        break;

      case SQLITE_DONE:
        g_set_error_literal (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND, "No such group");
        return NULL;

      default:
        set_db_error (self, error, "Could not read a group");
        return NULL;
      }
  }

  if (!load_group_details (self, record, error))
    return NULL;

  return g_steal_pointer (&record);
}

/* Writes the member list in order. Members listed in `logins` (user id →
 * logged_in + 1, so FALSE is distinguishable from absent) keep that login;
 * newcomers take the one in the record. */
static gboolean
write_members (CbSqliteStore  *self,
               gint64          group_id,
               const GArray   *members,
               GHashTable     *logins,
               GError        **error)
{
  g_autoptr(CbStmt) stmt = NULL;

  if (members == NULL || members->len == 0)
    return TRUE;

  stmt = get_stmt (self,
                   "INSERT INTO group_members (group_id, user_id, position, logged_in) "
                   "VALUES (?, ?, ?, ?)",
                   error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < members->len; i++)
    {
      const CbGroupMember *member = &g_array_index (members, CbGroupMember, i);
      gboolean logged_in = member->logged_in;
      gpointer kept;

      if (logins != NULL &&
          g_hash_table_lookup_extended (logins, &member->user_id, NULL, &kept))
        logged_in = GPOINTER_TO_INT (kept) - 1;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, group_id);
      sqlite3_bind_int64 (stmt, 2, member->user_id);
      sqlite3_bind_int64 (stmt, 3, i);
      sqlite3_bind_int (stmt, 4, logged_in ? 1 : 0);

      if (!step_done (self, stmt, "Could not add a group member", error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
write_id_list (CbSqliteStore  *self,
               const char     *sql,
               gint64          owner_id,
               CbListKind      kind,
               const GArray   *ids,
               GError        **error)
{
  g_autoptr(CbStmt) stmt = NULL;

  if (ids == NULL || ids->len == 0)
    return TRUE;

  stmt = get_stmt (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, owner_id);
      sqlite3_bind_text (stmt, 2, list_kind_names[kind], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, i);
      sqlite3_bind_int64 (stmt, 4, g_array_index (ids, gint64, i));

      if (!step_done (self, stmt, "Could not add a list entry", error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
write_group_lists (CbSqliteStore        *self,
                   const CbGroupRecord  *record,
                   gint64                group_id,
                   GError              **error)
{
  static const char insert_sql[] =
    "INSERT INTO group_lists (group_id, kind, position, user_id) VALUES (?, ?, ?, ?)";
  g_autoptr(CbStmt) clear = NULL;

  clear = get_stmt (self, "DELETE FROM group_lists WHERE group_id = ?", error);
  if (clear == NULL)
    return FALSE;

  sqlite3_bind_int64 (clear, 1, group_id);
  return step_done (self, clear, "Could not clear group lists", error) &&
         write_id_list (self, insert_sql, group_id, CB_LIST_FAVOURITES,
                        record->favourites, error) &&
         write_id_list (self, insert_sql, group_id, CB_LIST_MONITOR,
                        record->monitor, error);
}

static gboolean
insert_group (CbSqliteStore        *self,
              const CbGroupRecord  *record,
              gint64               *group_id,
              GError              **error)
{
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self,
                   "INSERT INTO groups (name, kind, number, strategy, member_timeout, "
                   "wrap_around, level, leader_level, leader_id, deputy_id, ring_in_use, "
                   "overflow, pickup_oldest, queue_order, agent_timeout, max_wait, wrap_up, "
                   "announcement, filter_enabled, filter, filter_delay, logout_allowed) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                   "?16, ?17, ?18, ?19, ?20, ?21, ?22)",
                   error);
  if (stmt == NULL || !bind_group (stmt, record, error))
    return FALSE;

  if (!step_done (self, stmt, "Could not create the group", error))
    return FALSE;

  *group_id = sqlite3_last_insert_rowid (self->db);
  return write_members (self, *group_id, record->members, NULL, error) &&
         write_group_lists (self, record, *group_id, error) &&
         write_blf_keys (self, 0, *group_id, record->blf, error);
}

static gboolean
cb_sqlite_store_create_group (CbStore        *store,
                              CbGroupRecord  *record,
                              GError        **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  gint64 group_id = 0;

  if (!cb_sqlite_store_begin (store, error))
    return FALSE;

  if (!finish_change (self, insert_group (self, record, &group_id, error), error))
    return FALSE;

  record->id = group_id;
  return TRUE;
}

/* user id → logged_in + 1 for the group's current members. */
static GHashTable *
read_logins (CbSqliteStore  *self,
             gint64          group_id,
             GError        **error)
{
  g_autoptr(CbStmt) stmt = NULL;
  g_autoptr(GHashTable) logins = NULL;
  int rc;

  stmt = get_stmt (self, "SELECT user_id, logged_in FROM group_members WHERE group_id = ?",
                   error);
  if (stmt == NULL)
    return NULL;

  logins = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  sqlite3_bind_int64 (stmt, 1, group_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *user_id = g_new (gint64, 1);

      *user_id = sqlite3_column_int64 (stmt, 0);
      g_hash_table_insert (logins, user_id,
                           GINT_TO_POINTER ((sqlite3_column_int (stmt, 1) != 0) + 1));
    }

  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "Could not read group logins");
      return NULL;
    }

  return g_steal_pointer (&logins);
}

static gboolean
replace_group (CbSqliteStore        *self,
               const CbGroupRecord  *record,
               GError              **error)
{
  g_autoptr(CbStmt) stmt = NULL;
  g_autoptr(CbStmt) clear = NULL;
  g_autoptr(GHashTable) logins = NULL;

  stmt = get_stmt (self,
                   "UPDATE groups SET name = ?1, kind = ?2, number = ?3, strategy = ?4, "
                   "member_timeout = ?5, wrap_around = ?6, level = ?7, leader_level = ?8, "
                   "leader_id = ?9, deputy_id = ?10, ring_in_use = ?11, overflow = ?12, "
                   "pickup_oldest = ?13, queue_order = ?14, agent_timeout = ?15, "
                   "max_wait = ?16, wrap_up = ?17, announcement = ?18, filter_enabled = ?19, "
                   "filter = ?20, filter_delay = ?21, logout_allowed = ?22 WHERE id = ?23",
                   error);
  if (stmt == NULL || !bind_group (stmt, record, error))
    return FALSE;

  sqlite3_bind_int64 (stmt, 23, record->id);
  if (!step_update (self, stmt, "Could not update the group", "No such group", error))
    return FALSE;

  logins = read_logins (self, record->id, error);
  if (logins == NULL)
    return FALSE;

  clear = get_stmt (self, "DELETE FROM group_members WHERE group_id = ?", error);
  if (clear == NULL)
    return FALSE;

  sqlite3_bind_int64 (clear, 1, record->id);
  return step_done (self, clear, "Could not clear group members", error) &&
         write_members (self, record->id, record->members, logins, error) &&
         write_group_lists (self, record, record->id, error) &&
         write_blf_keys (self, 0, record->id, record->blf, error);
}

static gboolean
cb_sqlite_store_update_group (CbStore              *store,
                              const CbGroupRecord  *record,
                              GError              **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);

  if (!cb_sqlite_store_begin (store, error))
    return FALSE;

  return finish_change (self, replace_group (self, record, error), error);
}

static gboolean
cb_sqlite_store_set_group_login (CbStore   *store,
                                 gint64     group_id,
                                 gint64     user_id,
                                 gboolean   logged_in,
                                 GError   **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self,
                   "UPDATE group_members SET logged_in = ? WHERE group_id = ? AND user_id = ?",
                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 1, logged_in ? 1 : 0);
  sqlite3_bind_int64 (stmt, 2, group_id);
  sqlite3_bind_int64 (stmt, 3, user_id);
  return step_update (self, stmt, "Could not set the group login",
                      "No such group, or the user is not a member", error);
}

/* User lists */

static GArray *
cb_sqlite_store_get_list (CbStore     *store,
                          gint64       user_id,
                          CbListKind   kind,
                          GError     **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;
  g_autoptr(GArray) ids = NULL;
  int rc;

  if (!user_exists (self, user_id, error))
    return NULL;

  stmt = get_stmt (self,
                   "SELECT target_id FROM user_lists "
                   "WHERE user_id = ? AND kind = ? ORDER BY position",
                   error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, list_kind_names[kind], -1, SQLITE_STATIC);

  ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 target = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, target);
    }

  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "Could not read a list");
      return NULL;
    }

  return g_steal_pointer (&ids);
}

static gboolean
replace_list (CbSqliteStore  *self,
              gint64          user_id,
              CbListKind      kind,
              const GArray   *user_ids,
              GError        **error)
{
  g_autoptr(CbStmt) clear = NULL;

  if (!user_exists (self, user_id, error))
    return FALSE;

  clear = get_stmt (self, "DELETE FROM user_lists WHERE user_id = ? AND kind = ?", error);
  if (clear == NULL)
    return FALSE;

  sqlite3_bind_int64 (clear, 1, user_id);
  sqlite3_bind_text (clear, 2, list_kind_names[kind], -1, SQLITE_STATIC);

  return step_done (self, clear, "Could not clear a list", error) &&
         write_id_list (self,
                        "INSERT INTO user_lists (user_id, kind, position, target_id) "
                        "VALUES (?, ?, ?, ?)",
                        user_id, kind, user_ids, error);
}

static gboolean
cb_sqlite_store_set_list (CbStore       *store,
                          gint64         user_id,
                          CbListKind     kind,
                          const GArray  *user_ids,
                          GError       **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);

  if (!cb_sqlite_store_begin (store, error))
    return FALSE;

  return finish_change (self, replace_list (self, user_id, kind, user_ids, error), error);
}

/* Tokens */

static gboolean
cb_sqlite_store_add_token (CbStore     *store,
                           const char  *token_hash,
                           gint64       user_id,
                           gint64       expires_at,
                           GError     **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "INSERT INTO tokens (hash, user_id, expires_at) VALUES (?, ?, ?)",
                   error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, token_hash);
  sqlite3_bind_int64 (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 3, expires_at);
  return step_done (self, stmt, "Could not store the token", error);
}

static gint64
cb_sqlite_store_lookup_token (CbStore     *store,
                              const char  *token_hash,
                              gint64       now,
                              GError     **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  /* A token is valid strictly before its expiry second. */
  stmt = get_stmt (self, "SELECT user_id FROM tokens WHERE hash = ? AND expires_at > ?", error);
  if (stmt == NULL)
    return 0;

  bind_text (stmt, 1, token_hash);
  sqlite3_bind_int64 (stmt, 2, now);
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      return sqlite3_column_int64 (stmt, 0);

    case SQLITE_DONE:
      return 0;

    default:
      set_db_error (self, error, "Could not look up the token");
      return 0;
    }
}

static gboolean
cb_sqlite_store_revoke_token (CbStore     *store,
                              const char  *token_hash,
                              GError     **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "DELETE FROM tokens WHERE hash = ?", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, token_hash);
  return step_update (self, stmt, "Could not revoke the token", "No such token", error);
}

static gboolean
cb_sqlite_store_revoke_user_tokens (CbStore  *store,
                                    gint64    user_id,
                                    GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "DELETE FROM tokens WHERE user_id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, user_id);
  return step_done (self, stmt, "Could not revoke the user's tokens", error);
}

static gboolean
cb_sqlite_store_purge_tokens (CbStore  *store,
                              gint64    now,
                              GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "DELETE FROM tokens WHERE expires_at <= ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, now);
  return step_done (self, stmt, "Could not purge tokens", error);
}

/* Events */

static gboolean
cb_sqlite_store_append_event (CbStore        *store,
                              CbEventRecord  *record,
                              GError        **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;
  gint64 created_at;

  created_at = record->created_at != 0 ? record->created_at
                                       : g_get_real_time () / G_USEC_PER_SEC;

  stmt = get_stmt (self,
                   "INSERT INTO events (type, subject_user_id, group_id, data, created_at) "
                   "VALUES (?, ?, ?, ?, ?)",
                   error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, record->type);
  bind_id (stmt, 2, record->subject_user_id);
  bind_id (stmt, 3, record->group_id);
  bind_text (stmt, 4, record->data != NULL ? record->data : "{}");
  sqlite3_bind_int64 (stmt, 5, created_at);

  if (!step_done (self, stmt, "Could not append the event", error))
    return FALSE;

  record->seq = sqlite3_last_insert_rowid (self->db);
  record->created_at = created_at;
  return TRUE;
}

static GPtrArray *
cb_sqlite_store_events_since (CbStore  *store,
                              gint64    after,
                              guint     limit,
                              GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;
  g_autoptr(GPtrArray) events = NULL;
  int rc;

  stmt = get_stmt (self,
                   "SELECT " EVENT_COLUMNS " FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                   error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, after);
  /* A negative LIMIT is no limit in SQLite. */
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);

  events = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_event_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CbEventRecord *record = g_new0 (CbEventRecord, 1);

      record->seq = sqlite3_column_int64 (stmt, 0);
      record->type = column_dup_text (stmt, 1);
      record->subject_user_id = sqlite3_column_int64 (stmt, 2);
      record->group_id = sqlite3_column_int64 (stmt, 3);
      record->data = column_dup_text (stmt, 4);
      record->created_at = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (events, record);
    }

  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "Could not read events");
      return NULL;
    }

  return g_steal_pointer (&events);
}

/* Runs a query yielding one integer (NULL reads as 0); logs failures since
 * the seq getters have no error to report them through. */
static gint64
query_int (CbSqliteStore *self,
           const char    *sql)
{
  g_autoptr(CbStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  stmt = get_stmt (self, sql, &error);
  if (stmt == NULL)
    {
      g_warning ("%s", error->message);
      return 0;
    }

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_warning ("Could not read the event log: %s", sqlite3_errmsg (self->db));
      return 0;
    }

  return sqlite3_column_int64 (stmt, 0);
}

static gint64
cb_sqlite_store_last_seq (CbStore *store)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);

  /* sqlite_sequence remembers the highest seq ever handed out, so it stays
   * right after the log is trimmed empty and across restarts. */
  return query_int (self,
                    "SELECT max(coalesce((SELECT seq FROM sqlite_sequence "
                    "WHERE name = 'events'), 0), coalesce((SELECT max(seq) FROM events), 0))");
}

static gint64
cb_sqlite_store_first_seq (CbStore *store)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  gint64 first;

  first = query_int (self, "SELECT coalesce(min(seq), 0) FROM events");
  if (first == 0)
    return cb_sqlite_store_last_seq (store) + 1;

  return first;
}

static gboolean
cb_sqlite_store_trim_events (CbStore  *store,
                             guint     keep,
                             GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  /* The subquery finds the newest event that goes (NULL, deleting
   * nothing, when there are no more than `keep`). */
  stmt = get_stmt (self,
                   "DELETE FROM events WHERE seq <= "
                   "(SELECT seq FROM events ORDER BY seq DESC LIMIT 1 OFFSET ?)",
                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, keep);
  return step_done (self, stmt, "Could not trim the event log", error);
}

/* SIP lines and journal */

static CbSipLineRecord *
fetch_sip_line (CbSqliteStore  *self,
                CbStmt         *stmt,
                GError        **error)
{
  CbSipLineRecord *line;

  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      line = g_new0 (CbSipLineRecord, 1);
      line->username = column_dup_text (stmt, 0);
      line->user_id = sqlite3_column_int64 (stmt, 1);
      line->kind = column_dup_text (stmt, 2);
      line->secret = column_dup_text (stmt, 3);
      return line;

    case SQLITE_DONE:
      g_set_error_literal (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND, "No such line");
      return NULL;

    default:
      set_db_error (self, error, "Could not read a SIP line");
      return NULL;
    }
}

static CbSipLineRecord *
cb_sqlite_store_find_sip_line (CbStore     *store,
                               const char  *username,
                               GError     **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "SELECT username, user_id, kind, secret FROM sip_lines"
                         " WHERE username = ?", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, username);
  return fetch_sip_line (self, stmt, error);
}

static CbSipLineRecord *
cb_sqlite_store_get_softphone_line (CbStore  *store,
                                    gint64    user_id,
                                    GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "SELECT username, user_id, kind, secret FROM sip_lines"
                         " WHERE user_id = ? AND kind = 'softphone'", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, user_id);
  return fetch_sip_line (self, stmt, error);
}

static GPtrArray *
cb_sqlite_store_list_sip_lines (CbStore  *store,
                                gint64    user_id,
                                GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) local_error = NULL;
  CbSipLineRecord *line;

  stmt = get_stmt (self, "SELECT username, user_id, kind, secret FROM sip_lines"
                         " WHERE user_id = ? ORDER BY kind <> 'softphone', username", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, user_id);

  lines = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_sip_line_record_free);
  while ((line = fetch_sip_line (self, stmt, &local_error)) != NULL)
    g_ptr_array_add (lines, line);
  if (!g_error_matches (local_error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&lines);
}

static gboolean
cb_sqlite_store_put_sip_line (CbStore                *store,
                              const CbSipLineRecord  *record,
                              GError                **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  /* The upsert only touches a line of the same user: a name another
   * user holds stays theirs and is a conflict. */
  stmt = get_stmt (self, "INSERT INTO sip_lines (username, user_id, kind, secret)"
                         " VALUES (?1, ?2, ?3, coalesce (?4, lower(hex(randomblob(16)))))"
                         " ON CONFLICT (username) DO UPDATE SET kind = excluded.kind,"
                         "   secret = coalesce (?4, secret)"
                         " WHERE user_id = excluded.user_id", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, record->username);
  sqlite3_bind_int64 (stmt, 2, record->user_id);
  bind_text (stmt, 3, record->kind);
  bind_text (stmt, 4, record->secret);
  if (!step_done (self, stmt, "Could not store a SIP line", error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_CONFLICT,
                   "The line name “%s” is taken", record->username);
      return FALSE;
    }
  return TRUE;
}

static gboolean
cb_sqlite_store_add_journal (CbStore          *store,
                             CbJournalRecord  *record,
                             GError          **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "INSERT INTO journal (user_id, call_id, outgoing, remote_number,"
                         " remote_name, remote_user_id, started_at, answered_at, ended_at,"
                         " group_id, group_name, taken_by_user_id, taken_by_name, picked_up,"
                         " outcome, picked_up_from_user_id, picked_up_from_name, for_user_id,"
                         " for_name, end_reason, forwarded_to_user_id, forwarded_to_number,"
                         " forwarded_to_name)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   error);
  if (stmt == NULL ||
      !bind_enum (stmt, 15, CB_TYPE_CALL_OUTCOME, record->outcome, error))
    return FALSE;
  if (record->end_reason != CB_CALL_END_REASON_UNKNOWN &&
      !bind_enum (stmt, 20, CB_TYPE_CALL_END_REASON, record->end_reason, error))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, record->user_id);
  bind_text (stmt, 2, record->call_id);
  sqlite3_bind_int (stmt, 3, record->outgoing ? 1 : 0);
  bind_text (stmt, 4, record->remote_number);
  bind_text (stmt, 5, record->remote_name);
  bind_id (stmt, 6, record->remote_user_id);
  sqlite3_bind_int64 (stmt, 7, record->started_at);
  bind_id (stmt, 8, record->answered_at);
  sqlite3_bind_int64 (stmt, 9, record->ended_at);
  bind_id (stmt, 10, record->group_id);
  bind_text (stmt, 11, record->group_name);
  bind_id (stmt, 12, record->taken_by_user_id);
  bind_text (stmt, 13, record->taken_by_name);
  sqlite3_bind_int (stmt, 14, record->picked_up ? 1 : 0);
  bind_id (stmt, 16, record->picked_up_from_user_id);
  bind_text (stmt, 17, record->picked_up_from_user_id > 0 ? record->picked_up_from_name : NULL);
  bind_id (stmt, 18, record->for_user_id);
  bind_text (stmt, 19, record->for_user_id > 0 ? record->for_name : NULL);
  bind_id (stmt, 21, record->forwarded_to_user_id);
  bind_text (stmt, 22, record->forwarded_to_number);
  bind_text (stmt, 23, record->forwarded_to_number != NULL ? record->forwarded_to_name : NULL);
  if (!step_done (self, stmt, "Could not add a journal entry", error))
    return FALSE;

  record->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static GPtrArray *
cb_sqlite_store_list_journal (CbStore  *store,
                              gint64    user_id,
                              gint64    before,
                              guint     limit,
                              GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  int rc;

  stmt = get_stmt (self, "SELECT id, user_id, call_id, outgoing, remote_number, remote_name,"
                         " remote_user_id, started_at, answered_at, ended_at, group_id,"
                         " group_name, taken_by_user_id, taken_by_name, picked_up, outcome,"
                         " picked_up_from_user_id, picked_up_from_name, for_user_id, for_name,"
                         " end_reason, forwarded_to_user_id, forwarded_to_number, forwarded_to_name"
                         " FROM journal"
                         " WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, before > 0 ? before : G_MAXINT64);
  sqlite3_bind_int64 (stmt, 3, limit > 0 ? (gint64) limit : -1);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_journal_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CbJournalRecord *entry = g_new0 (CbJournalRecord, 1);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->user_id = sqlite3_column_int64 (stmt, 1);
      entry->call_id = column_dup_text (stmt, 2);
      entry->outgoing = sqlite3_column_int (stmt, 3) != 0;
      entry->remote_number = column_dup_text (stmt, 4);
      entry->remote_name = column_dup_text (stmt, 5);
      entry->remote_user_id = sqlite3_column_int64 (stmt, 6);
      entry->started_at = sqlite3_column_int64 (stmt, 7);
      entry->answered_at = sqlite3_column_int64 (stmt, 8);
      entry->ended_at = sqlite3_column_int64 (stmt, 9);
      entry->group_id = sqlite3_column_int64 (stmt, 10);
      entry->group_name = column_dup_text (stmt, 11);
      entry->taken_by_user_id = sqlite3_column_int64 (stmt, 12);
      entry->taken_by_name = column_dup_text (stmt, 13);
      entry->picked_up = sqlite3_column_int (stmt, 14) != 0;
      /* Entries from before schema 6 have no outcome: it follows from the times. */
      if (sqlite3_column_type (stmt, 15) == SQLITE_NULL)
        entry->outcome = cb_wire_journal_guess_outcome (entry->outgoing ? CB_CALL_DIRECTION_OUT
                                                                        : CB_CALL_DIRECTION_IN,
                                                        entry->answered_at, entry->taken_by_user_id);
      else
        entry->outcome = column_enum (stmt, 15, CB_TYPE_CALL_OUTCOME, CB_CALL_OUTCOME_MISSED);
      entry->picked_up_from_user_id = sqlite3_column_int64 (stmt, 16);
      entry->picked_up_from_name = column_dup_text (stmt, 17);
      entry->for_user_id = sqlite3_column_int64 (stmt, 18);
      entry->for_name = column_dup_text (stmt, 19);
      if (sqlite3_column_type (stmt, 20) != SQLITE_NULL)
        entry->end_reason = column_enum (stmt, 20, CB_TYPE_CALL_END_REASON, CB_CALL_END_REASON_UNKNOWN);
      entry->forwarded_to_user_id = sqlite3_column_int64 (stmt, 21);
      entry->forwarded_to_number = column_dup_text (stmt, 22);
      entry->forwarded_to_name = column_dup_text (stmt, 23);
      g_ptr_array_add (entries, entry);
    }

  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "Could not list the journal");
      return NULL;
    }
  return g_steal_pointer (&entries);
}

static gint64
cb_sqlite_store_count_missed (CbStore  *store,
                              gint64    user_id,
                              GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  /* Missed: rang here, taken by nobody, not declined; and not looked at
   * yet (entries before schema 6 have no outcome and count by the times). */
  stmt = get_stmt (self, "SELECT count(*) FROM journal WHERE user_id = ?1 AND outgoing = 0"
                         " AND (outcome = 'missed' OR (outcome IS NULL AND answered_at IS NULL"
                         " AND taken_by_user_id IS NULL))"
                         " AND id > coalesce ((SELECT seen_id FROM journal_seen"
                         " WHERE user_id = ?1), 0)", error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_int64 (stmt, 1, user_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_db_error (self, error, "Could not count missed calls");
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
cb_sqlite_store_set_journal_seen (CbStore  *store,
                                  gint64    user_id,
                                  gint64    seen_id,
                                  GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  if (!user_exists (self, user_id, error))
    return FALSE;
  /* Only ever forward: a device that looked at an older page moves nothing back. */
  stmt = get_stmt (self, "INSERT INTO journal_seen (user_id, seen_id) VALUES (?1, ?2)"
                         " ON CONFLICT (user_id) DO UPDATE SET seen_id = max (seen_id, ?2)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, seen_id);
  return step_done (self, stmt, "Could not mark the journal seen", error);
}

static gint64
cb_sqlite_store_get_journal_seen (CbStore  *store,
                                  gint64    user_id,
                                  GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;
  int rc;

  stmt = get_stmt (self, "SELECT seen_id FROM journal_seen WHERE user_id = ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, user_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc == SQLITE_DONE)
    return 0;
  set_db_error (self, error, "Could not read how far the journal was seen");
  return -1;
}

/* Queue counters and wrap-ups */

static gboolean
cb_sqlite_store_add_queue_counts (CbStore     *store,
                                  gint64       group_id,
                                  const char  *day,
                                  gint64       answered,
                                  gint64       abandoned,
                                  GError     **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "INSERT INTO queue_counts (group_id, day, answered, abandoned)"
                         " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (group_id, day) DO UPDATE"
                         " SET answered = answered + ?3, abandoned = abandoned + ?4", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, group_id);
  bind_text (stmt, 2, day);
  sqlite3_bind_int64 (stmt, 3, answered);
  sqlite3_bind_int64 (stmt, 4, abandoned);
  return step_done (self, stmt, "Could not count the queue call", error);
}

static gboolean
cb_sqlite_store_get_queue_counts (CbStore     *store,
                                  gint64       group_id,
                                  const char  *day,
                                  gint64      *answered,
                                  gint64      *abandoned,
                                  GError     **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;
  int rc;

  *answered = *abandoned = 0;
  stmt = get_stmt (self, "SELECT answered, abandoned FROM queue_counts WHERE group_id = ? AND day = ?",
                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, group_id);
  bind_text (stmt, 2, day);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *answered = sqlite3_column_int64 (stmt, 0);
      *abandoned = sqlite3_column_int64 (stmt, 1);
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "Could not read the queue counts");
      return FALSE;
    }
  return TRUE;
}

static gboolean
cb_sqlite_store_set_wrap_up (CbStore  *store,
                             gint64    user_id,
                             gint64    until,
                             GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  if (until > 0)
    stmt = get_stmt (self, "INSERT OR REPLACE INTO wrap_ups (user_id, until) VALUES (?, ?)", error);
  else
    stmt = get_stmt (self, "DELETE FROM wrap_ups WHERE user_id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, user_id);
  if (until > 0)
    sqlite3_bind_int64 (stmt, 2, until);
  return step_done (self, stmt, "Could not record the wrap-up", error);
}

static GArray *
cb_sqlite_store_list_wrap_ups (CbStore  *store,
                               GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;
  g_autoptr(GArray) wrap_ups = g_array_new (FALSE, FALSE, sizeof (CbWrapUpRecord));
  int rc;

  stmt = get_stmt (self, "SELECT user_id, until FROM wrap_ups ORDER BY user_id", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CbWrapUpRecord record = {
        .user_id = sqlite3_column_int64 (stmt, 0),
        .until = sqlite3_column_int64 (stmt, 1),
      };

      g_array_append_val (wrap_ups, record);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "Could not list the wrap-ups");
      return NULL;
    }
  return g_steal_pointer (&wrap_ups);
}

/* Registrations and calls up: what the SIP side restores after a restart */

static gboolean
cb_sqlite_store_put_sip_binding (CbStore                   *store,
                                 const CbSipBindingRecord  *binding,
                                 GError                   **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  /* An update keeps the row, and with it the order of registration. */
  stmt = get_stmt (self, "INSERT INTO sip_bindings (line, contact, kind, user_id, expires_at)"
                         " VALUES (?, ?, ?, ?, ?)"
                         " ON CONFLICT (line, contact) DO UPDATE SET kind = excluded.kind,"
                         " user_id = excluded.user_id, expires_at = excluded.expires_at", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, binding->line);
  bind_text (stmt, 2, binding->contact);
  bind_text (stmt, 3, binding->kind != NULL ? binding->kind : "softphone");
  sqlite3_bind_int64 (stmt, 4, binding->user_id);
  sqlite3_bind_int64 (stmt, 5, binding->expires_at);
  return step_done (self, stmt, "Could not store a registration", error);
}

static gboolean
cb_sqlite_store_delete_sip_binding (CbStore     *store,
                                    const char  *line,
                                    const char  *contact,
                                    GError     **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  if (contact != NULL)
    stmt = get_stmt (self, "DELETE FROM sip_bindings WHERE line = ? AND contact = ?", error);
  else
    stmt = get_stmt (self, "DELETE FROM sip_bindings WHERE line = ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, line);
  if (contact != NULL)
    bind_text (stmt, 2, contact);
  return step_done (self, stmt, "Could not remove a registration", error);
}

static GPtrArray *
cb_sqlite_store_list_sip_bindings (CbStore  *store,
                                   GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;
  g_autoptr(GPtrArray) bindings = NULL;
  int rc;

  stmt = get_stmt (self, "SELECT line, contact, kind, user_id, expires_at FROM sip_bindings"
                         " ORDER BY rowid", error);
  if (stmt == NULL)
    return NULL;

  bindings = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_sip_binding_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CbSipBindingRecord *binding = g_new0 (CbSipBindingRecord, 1);

      binding->line = column_dup_text (stmt, 0);
      binding->contact = column_dup_text (stmt, 1);
      binding->kind = column_dup_text (stmt, 2);
      binding->user_id = sqlite3_column_int64 (stmt, 3);
      binding->expires_at = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (bindings, binding);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "Could not list the registrations");
      return NULL;
    }
  return g_steal_pointer (&bindings);
}

static gboolean
cb_sqlite_store_put_live_call (CbStore     *store,
                               const char  *call_id,
                               const char  *data,
                               GError     **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "INSERT OR REPLACE INTO live_calls (call_id, data) VALUES (?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, call_id);
  bind_text (stmt, 2, data);
  return step_done (self, stmt, "Could not store a call", error);
}

static gboolean
cb_sqlite_store_delete_live_call (CbStore     *store,
                                  const char  *call_id,
                                  GError     **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "DELETE FROM live_calls WHERE call_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, call_id);
  return step_done (self, stmt, "Could not remove a call", error);
}

static GPtrArray *
cb_sqlite_store_list_live_calls (CbStore  *store,
                                 GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;
  g_autoptr(GPtrArray) calls = NULL;
  int rc;

  stmt = get_stmt (self, "SELECT call_id, data FROM live_calls ORDER BY rowid", error);
  if (stmt == NULL)
    return NULL;

  calls = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_live_call_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CbLiveCallRecord *call = g_new0 (CbLiveCallRecord, 1);

      call->call_id = column_dup_text (stmt, 0);
      call->data = column_dup_text (stmt, 1);
      g_ptr_array_add (calls, call);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "Could not list the calls");
      return NULL;
    }
  return g_steal_pointer (&calls);
}

/* Announcements */

static gboolean
cb_sqlite_store_set_announcement (CbStore     *store,
                                  gint64       user_id,
                                  const char  *content_type,
                                  GBytes      *audio,
                                  GError     **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;
  gsize size;
  const void *data = g_bytes_get_data (audio, &size);

  if (!user_exists (self, user_id, error))
    return FALSE;
  stmt = get_stmt (self,
                   "INSERT INTO announcements (user_id, content_type, audio, updated_at) "
                   "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (user_id) DO UPDATE SET "
                   "content_type = ?2, audio = ?3, updated_at = ?4",
                   error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, user_id);
  bind_text (stmt, 2, content_type);
  /* A zero-length blob would bind as NULL with a NULL pointer. */
  sqlite3_bind_blob64 (stmt, 3, data != NULL ? data : "", size, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  return step_done (self, stmt, "Could not store the announcement", error);
}

static GBytes *
cb_sqlite_store_get_announcement (CbStore   *store,
                                  gint64     user_id,
                                  char     **content_type,
                                  GError   **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;
  const void *data;
  int size;

  stmt = get_stmt (self, "SELECT content_type, audio FROM announcements WHERE user_id = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, user_id);
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      break;

    case SQLITE_DONE:
      g_set_error_literal (error, CB_STORE_ERROR, CB_STORE_ERROR_NOT_FOUND, "No announcement");
      return NULL;

    default:
      set_db_error (self, error, "Could not read the announcement");
      return NULL;
    }

  if (content_type != NULL)
    *content_type = column_dup_text (stmt, 0);
  /* The blob first, then its size: that is the order SQLite asks for. */
  data = sqlite3_column_blob (stmt, 1);
  size = sqlite3_column_bytes (stmt, 1);
  return g_bytes_new (data, size);
}

static gboolean
cb_sqlite_store_delete_announcement (CbStore  *store,
                                     gint64    user_id,
                                     GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "DELETE FROM announcements WHERE user_id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, user_id);
  return step_update (self, stmt, "Could not delete the announcement", "No announcement", error);
}

/* SIP subscriptions */

static gboolean
cb_sqlite_store_add_sip_subscription (CbStore                  *store,
                                      CbSipSubscriptionRecord  *record,
                                      GError                  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "INSERT INTO sip_subscriptions (event, call_id, local_uri, local_tag,"
                         " remote_uri, remote_tag, contact, route, cseq)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, record->event);
  bind_text (stmt, 2, record->call_id);
  bind_text (stmt, 3, record->local_uri != NULL ? record->local_uri : "");
  bind_text (stmt, 4, record->local_tag != NULL ? record->local_tag : "");
  bind_text (stmt, 5, record->remote_uri != NULL ? record->remote_uri : "");
  bind_text (stmt, 6, record->remote_tag != NULL ? record->remote_tag : "");
  bind_text (stmt, 7, record->contact != NULL ? record->contact : "");
  bind_text (stmt, 8, record->route);
  sqlite3_bind_int64 (stmt, 9, record->cseq);
  if (!step_done (self, stmt, "Could not record the subscription", error))
    return FALSE;

  record->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static gboolean
cb_sqlite_store_update_sip_subscription (CbStore     *store,
                                         gint64       id,
                                         const char  *contact,
                                         guint32      cseq,
                                         GError     **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "UPDATE sip_subscriptions SET contact = ?, cseq = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, contact);
  sqlite3_bind_int64 (stmt, 2, cseq);
  sqlite3_bind_int64 (stmt, 3, id);
  return step_done (self, stmt, "Could not update the subscription", error);
}

static gboolean
cb_sqlite_store_remove_sip_subscription (CbStore  *store,
                                         gint64    id,
                                         GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;

  stmt = get_stmt (self, "DELETE FROM sip_subscriptions WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  return step_done (self, stmt, "Could not remove the subscription", error);
}

static GPtrArray *
cb_sqlite_store_list_sip_subscriptions (CbStore  *store,
                                        GError  **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (store);
  g_autoptr(CbStmt) stmt = NULL;
  g_autoptr(GPtrArray) records = NULL;
  int rc;

  stmt = get_stmt (self, "SELECT id, event, call_id, local_uri, local_tag, remote_uri, remote_tag,"
                         " contact, route, cseq FROM sip_subscriptions ORDER BY id", error);
  if (stmt == NULL)
    return NULL;

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_sip_subscription_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CbSipSubscriptionRecord *record = g_new0 (CbSipSubscriptionRecord, 1);

      record->id = sqlite3_column_int64 (stmt, 0);
      record->event = column_dup_text (stmt, 1);
      record->call_id = column_dup_text (stmt, 2);
      record->local_uri = column_dup_text (stmt, 3);
      record->local_tag = column_dup_text (stmt, 4);
      record->remote_uri = column_dup_text (stmt, 5);
      record->remote_tag = column_dup_text (stmt, 6);
      record->contact = column_dup_text (stmt, 7);
      record->route = column_dup_text (stmt, 8);
      record->cseq = (guint32) CLAMP (sqlite3_column_int64 (stmt, 9), 0, G_MAXUINT32);
      g_ptr_array_add (records, record);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "Could not list the subscriptions");
      return NULL;
    }
  return g_steal_pointer (&records);
}

/* Opening and migrating */

static gboolean
read_user_version (CbSqliteStore  *self,
                   int            *version,
                   GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* Not cached: used only while opening. */
  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    {
      set_db_error (self, error, "Could not read the schema version");
      return FALSE;
    }

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *version = sqlite3_column_int (stmt, 0);
  else
    set_db_error (self, error, "Could not read the schema version");

  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW;
}

/* Applies one pending migration in its own transaction; *done once the
 * schema is current. The version is read inside the transaction so two
 * processes opening the same file cannot both apply a step. */
static gboolean
migrate_step (CbSqliteStore  *self,
              gboolean       *done,
              GError        **error)
{
  g_autofree char *set_version = NULL;
  int version = 0;

  if (!exec_sql (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (!read_user_version (self, &version, error))
    goto fail;

  if (version > CB_SQLITE_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_SCHEMA,
                   "The database %s has schema version %d, newer than the %d this "
                   "build knows; use a newer callboardd",
                   self->path, version, CB_SQLITE_STORE_SCHEMA_VERSION);
      goto fail;
    }

  if (version == CB_SQLITE_STORE_SCHEMA_VERSION)
    {
      *done = TRUE;
      return exec_sql (self, "COMMIT", error);
    }

  g_debug ("Migrating %s to schema version %d", self->path, version + 1);

  /* PRAGMA takes no bound parameters; the number is ours, not input. */
  set_version = g_strdup_printf ("PRAGMA user_version = %d", version + 1);
  if (!exec_sql (self, migrations[version], error) ||
      !exec_sql (self, set_version, error))
    goto fail;

  *done = FALSE;
  return exec_sql (self, "COMMIT", error);

fail:
  exec_sql (self, "ROLLBACK", NULL);
  return FALSE;
}

static gboolean
configure_connection (CbSqliteStore  *self,
                      GError        **error)
{
  sqlite3_stmt *stmt = NULL;

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* WAL with synchronous=NORMAL (SQLite's "WAL mode" and "PRAGMA
   * synchronous" pages): COMMIT returns once the transaction's pages are
   * written to the -wal file, without an fsync. What the kernel has been
   * given survives the process being killed (SIGKILL, a crash): every
   * acknowledged write is there after a restart. A power loss or an OS
   * crash may drop the last transactions since the WAL was last synced
   * (before each checkpoint), never corrupt the database, and never a
   * part of a transaction. FULL would sync the WAL on every commit: an
   * fdatasync per REST write and per call event, on the main loop, for
   * power loss alone. Checkpoints, which do sync, run on a thread of their
   * own (cb-sqlite-checkpointer.c). */
  if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_db_error (self, error, "Could not open the database");
      sqlite3_finalize (stmt);
      return FALSE;
    }

  self->wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
  if (!self->wal)
    g_debug ("%s is not in WAL mode (%s)", self->path, sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return exec_sql (self, "PRAGMA synchronous = NORMAL", error) &&
         exec_sql (self, "PRAGMA foreign_keys = ON", error);
}

/* Takes group and other permissions away from path, if it exists. */
static gboolean
restrict_mode (const char  *path,
               int          fd,
               GError     **error)
{
  struct stat info;
  int result = fd >= 0 ? fstat (fd, &info) : g_stat (path, &info);

  if (result != 0)
    return errno == ENOENT && fd < 0;
  if ((info.st_mode & 077) == 0)
    return TRUE;
  g_message ("%s was readable by others (mode %04o): made private", path,
             (guint) (info.st_mode & 07777));
  if ((fd >= 0 ? fchmod (fd, info.st_mode & 0700) : g_chmod (path, info.st_mode & 0700)) != 0)
    {
      int saved = errno;

      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_FAILED,
                   "Could not make %s private: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* The database holds password hashes and SIP line secrets: it is created
 * 0600 whatever the umask (SQLite gives its -wal and -shm files the
 * database's mode), and a file an older version left readable is closed
 * up, companions included. */
static gboolean
make_private (const char  *path,
              GError     **error)
{
  static const char *companions[] = { "-wal", "-shm", "-journal" };
  int fd;

  if (path[0] == '\0' || g_str_equal (path, ":memory:"))
    return TRUE;

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return TRUE;   /* sqlite3_open_v2() reports why, in its words */
  if (!restrict_mode (path, fd, error))
    {
      close (fd);
      return FALSE;
    }
  close (fd);

  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *companion = g_strconcat (path, companions[i], NULL);

      if (!restrict_mode (companion, -1, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
cb_sqlite_store_initable_init (GInitable     *initable,
                               GCancellable  *cancellable,
                               GError       **error)
{
  CbSqliteStore *self = CB_SQLITE_STORE (initable);
  gboolean done = FALSE;

  g_return_val_if_fail (self->path != NULL, FALSE);
  g_return_val_if_fail (self->db == NULL, FALSE);

  if (!make_private (self->path, error))
    return FALSE;

  if (sqlite3_open_v2 (self->path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      g_set_error (error, CB_STORE_ERROR, CB_STORE_ERROR_FAILED,
                   "Could not open the database %s: %s", self->path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : "out of memory");
      goto fail;
    }

  if (!configure_connection (self, error))
    goto fail;

  while (!done)
    {
      if (!migrate_step (self, &done, error))
        goto fail;
    }

  if (self->wal)
    {
      self->checkpointer = cb_sqlite_checkpointer_start (self->db, self->path, CHECKPOINT_PAGES, error);
      if (self->checkpointer == NULL)
        goto fail;
    }

  return TRUE;

fail:
  g_clear_pointer (&self->db, sqlite3_close_v2);
  return FALSE;
}

static void
cb_sqlite_store_initable_iface_init (GInitableIface *iface)
{
  iface->init = cb_sqlite_store_initable_init;
}

static void
cb_sqlite_store_store_iface_init (CbStoreInterface *iface)
{
  iface->begin = cb_sqlite_store_begin;
  iface->commit = cb_sqlite_store_commit;
  iface->rollback = cb_sqlite_store_rollback;
  iface->list_users = cb_sqlite_store_list_users;
  iface->get_user = cb_sqlite_store_get_user;
  iface->find_user = cb_sqlite_store_find_user;
  iface->create_user = cb_sqlite_store_create_user;
  iface->update_user = cb_sqlite_store_update_user;
  iface->set_presence = cb_sqlite_store_set_presence;
  iface->set_agent_status = cb_sqlite_store_set_agent_status;
  iface->set_line_state = cb_sqlite_store_set_line_state;
  iface->set_diversion = cb_sqlite_store_set_diversion;
  iface->set_mobile_ringing = cb_sqlite_store_set_mobile_ringing;
  iface->set_require_encryption = cb_sqlite_store_set_require_encryption;
  iface->set_announcement = cb_sqlite_store_set_announcement;
  iface->get_announcement = cb_sqlite_store_get_announcement;
  iface->delete_announcement = cb_sqlite_store_delete_announcement;
  iface->list_groups = cb_sqlite_store_list_groups;
  iface->get_group = cb_sqlite_store_get_group;
  iface->create_group = cb_sqlite_store_create_group;
  iface->update_group = cb_sqlite_store_update_group;
  iface->set_group_login = cb_sqlite_store_set_group_login;
  iface->get_list = cb_sqlite_store_get_list;
  iface->set_list = cb_sqlite_store_set_list;
  iface->list_blf_keys = cb_sqlite_store_list_blf_keys;
  iface->set_blf_keys = cb_sqlite_store_set_blf_keys;
  iface->add_token = cb_sqlite_store_add_token;
  iface->lookup_token = cb_sqlite_store_lookup_token;
  iface->revoke_token = cb_sqlite_store_revoke_token;
  iface->revoke_user_tokens = cb_sqlite_store_revoke_user_tokens;
  iface->purge_tokens = cb_sqlite_store_purge_tokens;
  iface->append_event = cb_sqlite_store_append_event;
  iface->events_since = cb_sqlite_store_events_since;
  iface->last_seq = cb_sqlite_store_last_seq;
  iface->first_seq = cb_sqlite_store_first_seq;
  iface->trim_events = cb_sqlite_store_trim_events;
  iface->find_sip_line = cb_sqlite_store_find_sip_line;
  iface->get_softphone_line = cb_sqlite_store_get_softphone_line;
  iface->list_sip_lines = cb_sqlite_store_list_sip_lines;
  iface->put_sip_line = cb_sqlite_store_put_sip_line;
  iface->add_journal = cb_sqlite_store_add_journal;
  iface->list_journal = cb_sqlite_store_list_journal;
  iface->count_missed = cb_sqlite_store_count_missed;
  iface->set_journal_seen = cb_sqlite_store_set_journal_seen;
  iface->get_journal_seen = cb_sqlite_store_get_journal_seen;
  iface->add_queue_counts = cb_sqlite_store_add_queue_counts;
  iface->get_queue_counts = cb_sqlite_store_get_queue_counts;
  iface->set_wrap_up = cb_sqlite_store_set_wrap_up;
  iface->list_wrap_ups = cb_sqlite_store_list_wrap_ups;
  iface->add_sip_subscription = cb_sqlite_store_add_sip_subscription;
  iface->update_sip_subscription = cb_sqlite_store_update_sip_subscription;
  iface->remove_sip_subscription = cb_sqlite_store_remove_sip_subscription;
  iface->list_sip_subscriptions = cb_sqlite_store_list_sip_subscriptions;
  iface->put_sip_binding = cb_sqlite_store_put_sip_binding;
  iface->delete_sip_binding = cb_sqlite_store_delete_sip_binding;
  iface->list_sip_bindings = cb_sqlite_store_list_sip_bindings;
  iface->put_live_call = cb_sqlite_store_put_live_call;
  iface->delete_live_call = cb_sqlite_store_delete_live_call;
  iface->list_live_calls = cb_sqlite_store_list_live_calls;
}

/* GObject */

static void
cb_sqlite_store_finalize (GObject *object)
{
  CbSqliteStore *self = CB_SQLITE_STORE (object);

  if (self->depth > 0 && self->db != NULL)
    {
      g_warning ("Store finalized inside a transaction; rolling it back");
      exec_sql (self, "ROLLBACK", NULL);
    }

  g_clear_pointer (&self->checkpointer, cb_sqlite_checkpointer_stop);
  /* Statements must go before the connection they belong to. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (cb_sqlite_store_parent_class)->finalize (object);
}

static void
cb_sqlite_store_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CbSqliteStore *self = CB_SQLITE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_sqlite_store_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CbSqliteStore *self = CB_SQLITE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_sqlite_store_class_init (CbSqliteStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cb_sqlite_store_finalize;
  object_class->get_property = cb_sqlite_store_get_property;
  object_class->set_property = cb_sqlite_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_sqlite_store_init (CbSqliteStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            cb_stmt_finalize);
}

CbSqliteStore *
cb_sqlite_store_new (const char  *path,
                     GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (CB_TYPE_SQLITE_STORE, NULL, error, "path", path, NULL);
}

const char *
cb_sqlite_store_get_path (CbSqliteStore *self)
{
  g_return_val_if_fail (CB_IS_SQLITE_STORE (self), NULL);

  return self->path;
}
