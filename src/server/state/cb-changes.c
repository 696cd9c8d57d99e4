/* cb-changes.c: every change to the server's state, in one place
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A user's own call settings and assistant groups' filter are in
 * cb-changes-call-settings.c.
 */

#define G_LOG_DOMAIN "cb-changes"

#include <string.h>

#include "cb-changes-private.h"
#include "cb-projection.h"

G_DEFINE_FINAL_TYPE (CbChanges, cb_changes, G_TYPE_OBJECT)

enum {
  PRESENCE_CHANGED,
  AGENT_STATUS_CHANGED,
  LINE_STATE_CHANGED,
  GROUP_LOGIN_CHANGED,
  USER_CHANGED,
  GROUP_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_cb_changes_emit_user_changed (CbChanges *self,
                               gint64     user_id)
{
  g_signal_emit (self, signals[USER_CHANGED], 0, user_id);
}

static void
cb_changes_dispose (GObject *object)
{
  CbChanges *self = CB_CHANGES (object);

  g_clear_object (&self->log);
  g_clear_object (&self->directory);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (cb_changes_parent_class)->dispose (object);
}

static guint
id_signal (CbChangesClass *klass,
           const char     *name,
           guint           n_ids)
{
  if (n_ids == 2)
    return g_signal_new (name, G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                         G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);
  return g_signal_new (name, G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                       G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
cb_changes_class_init (CbChangesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cb_changes_dispose;

  signals[PRESENCE_CHANGED] = id_signal (klass, "presence-changed", 1);
  signals[AGENT_STATUS_CHANGED] = id_signal (klass, "agent-status-changed", 1);
  signals[LINE_STATE_CHANGED] = id_signal (klass, "line-state-changed", 1);
  signals[GROUP_LOGIN_CHANGED] = id_signal (klass, "group-login-changed", 2);
  signals[USER_CHANGED] = id_signal (klass, "user-changed", 1);
  signals[GROUP_CHANGED] = id_signal (klass, "group-changed", 1);
}

static void
cb_changes_init (CbChanges *self)
{
}

CbChanges *
cb_changes_new (CbStore     *store,
                CbDirectory *directory,
                CbEventLog  *log)
{
  CbChanges *self = g_object_new (CB_TYPE_CHANGES, NULL);

  self->store = g_object_ref (store);
  self->directory = g_object_ref (directory);
  self->log = g_object_ref (log);
  return self;
}

CbStore *
cb_changes_get_store (CbChanges *self)
{
  return self->store;
}

CbDirectory *
cb_changes_get_directory (CbChanges *self)
{
  return self->directory;
}

CbEventLog *
cb_changes_get_event_log (CbChanges *self)
{
  return self->log;
}

/* ---- the transaction ------------------------------------------------------ */

gboolean
cb_changes_run (CbChanges           *self,
                CbChangesStoreFunc   store,
                CbChangesApplyFunc   apply,
                gpointer             data,
                GError             **error)
{
  g_return_val_if_fail (CB_IS_CHANGES (self), FALSE);

  if (!cb_store_begin (self->store, error))
    return FALSE;
  if (!store (self, data, error) || !cb_store_commit (self->store, error))
    {
      cb_store_rollback (self->store);
      cb_event_log_discard (self->log);
      return FALSE;
    }
  /* Mirrored before the events go out: their filters read the directory. */
  if (apply != NULL)
    apply (self, data);
  cb_event_log_publish (self->log);
  return TRUE;
}

gboolean
cb_changes_record (CbChanges    *self,
                   CbEventType   type,
                   gint64        subject_user_id,
                   gint64        group_id,
                   JsonObject   *data,
                   GError      **error)
{
  return cb_event_log_record (self->log, type, subject_user_id, group_id, data, error);
}

gboolean
cb_changes_record_journal (CbChanges        *self,
                           CbJournalRecord  *entry,
                           GError          **error)
{
  g_autoptr(JsonObject) data = NULL;

  if (!cb_store_add_journal (self->store, entry, error))
    return FALSE;
  data = cb_projection_journal_entry (entry, NULL);
  return cb_changes_record (self, CB_EVENT_TYPE_JOURNAL, entry->user_id, 0, data, error);
}

gboolean
cb_changes_record_resync (CbChanges   *self,
                          GHashTable  *user_ids,
                          GError     **error)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(GList) keys = g_hash_table_get_keys (user_ids);
  JsonArray *ids = json_array_new ();

  for (GList *l = keys; l != NULL; l = l->next)
    json_array_add_int_element (ids, *(gint64 *) l->data);
  json_object_set_array_member (data, "user_ids", ids);
  return cb_changes_record (self, CB_EVENT_TYPE_RESYNC, 0, 0, data, error);
}

/* ---- presence, agent status, line state -------------------------------------- */

typedef struct {
  gint64         user_id;
  int            value;      /* CbAvailability, CbAgentStatus or CbLineState */
  const char    *note;       /* presence only */
  gint64         note_until; /* likewise */
} UserField;

static JsonObject *
user_field_event (gint64      user_id,
                  const char *member,
                  GType       type,
                  int         value)
{
  JsonObject *event = json_object_new ();

  json_object_set_int_member (event, "user_id", user_id);
  json_object_set_string_member (event, member, cb_enum_to_nick (type, value));
  return event;
}

static gboolean
presence_store (CbChanges  *self,
                gpointer    data,
                GError    **error)
{
  UserField *change = data;
  g_autoptr(JsonObject) event = user_field_event (change->user_id, "availability",
                                                  CB_TYPE_AVAILABILITY, change->value);

  json_object_set_string_member (event, "note", change->note != NULL ? change->note : "");
  if (change->note_until > 0)
    json_object_set_int_member (event, "note_until", change->note_until);
  else
    json_object_set_null_member (event, "note_until");
  return cb_store_set_presence (self->store, change->user_id, change->value, change->note,
                                change->note_until, error) &&
         cb_changes_record (self, CB_EVENT_TYPE_PRESENCE, change->user_id, 0, event, error);
}

static void
presence_apply (CbChanges *self,
                gpointer   data)
{
  UserField *change = data;

  cb_directory_set_presence (self->directory, change->user_id, change->value, change->note,
                             change->note_until);
}

gboolean
cb_changes_set_presence (CbChanges       *self,
                         gint64           user_id,
                         CbAvailability   availability,
                         const char      *note,
                         gint64           note_until,
                         GError         **error)
{
  /* A note that goes needs a note to go. */
  UserField change = { user_id, availability, note,
                       note != NULL && note[0] != '\0' ? MAX (note_until, 0) : 0 };

  if (!cb_changes_run (self, presence_store, presence_apply, &change, error))
    return FALSE;
  g_signal_emit (self, signals[PRESENCE_CHANGED], 0, user_id);
  return TRUE;
}

static gboolean
agent_status_store (CbChanges  *self,
                    gpointer    data,
                    GError    **error)
{
  UserField *change = data;
  g_autoptr(JsonObject) event = user_field_event (change->user_id, "agent_status",
                                                  CB_TYPE_AGENT_STATUS, change->value);

  return cb_store_set_agent_status (self->store, change->user_id, change->value, error) &&
         cb_changes_record (self, CB_EVENT_TYPE_AGENT_STATUS, change->user_id, 0, event, error);
}

static void
agent_status_apply (CbChanges *self,
                    gpointer   data)
{
  UserField *change = data;

  cb_directory_set_agent_status (self->directory, change->user_id, change->value);
}

gboolean
cb_changes_set_agent_status (CbChanges      *self,
                             gint64          user_id,
                             CbAgentStatus   status,
                             GError        **error)
{
  UserField change = { user_id, status, NULL, 0 };

  if (!cb_changes_run (self, agent_status_store, agent_status_apply, &change, error))
    return FALSE;
  g_signal_emit (self, signals[AGENT_STATUS_CHANGED], 0, user_id);
  return TRUE;
}

static gboolean
line_state_store (CbChanges  *self,
                  gpointer    data,
                  GError    **error)
{
  UserField *change = data;
  g_autoptr(JsonObject) event = user_field_event (change->user_id, "line_state",
                                                  CB_TYPE_LINE_STATE, change->value);

  return cb_store_set_line_state (self->store, change->user_id, change->value, error) &&
         cb_changes_record (self, CB_EVENT_TYPE_LINE_STATE, change->user_id, 0, event, error);
}

static void
line_state_apply (CbChanges *self,
                  gpointer   data)
{
  UserField *change = data;

  cb_directory_set_line_state (self->directory, change->user_id, change->value);
}

gboolean
cb_changes_set_line_state (CbChanges    *self,
                           gint64        user_id,
                           CbLineState   state,
                           GError      **error)
{
  UserField change = { user_id, state, NULL, 0 };

  if (!cb_changes_run (self, line_state_store, line_state_apply, &change, error))
    return FALSE;
  g_signal_emit (self, signals[LINE_STATE_CHANGED], 0, user_id);
  return TRUE;
}

/* ---- group login ------------------------------------------------------------- */

typedef struct {
  gint64               user_id;
  const CbGroupRecord *group;
  gboolean             logged_in;
} LoginChange;

static gboolean
login_store (CbChanges  *self,
             gpointer    data,
             GError    **error)
{
  LoginChange *change = data;
  g_autoptr(JsonObject) event = json_object_new ();

  json_object_set_int_member (event, "group_id", change->group->id);
  json_object_set_string_member (event, "group_name",
                                 change->group->name != NULL ? change->group->name : "");
  json_object_set_int_member (event, "user_id", change->user_id);
  json_object_set_boolean_member (event, "logged_in", change->logged_in);

  return cb_store_set_group_login (self->store, change->group->id, change->user_id,
                                   change->logged_in, error) &&
         cb_changes_record (self, CB_EVENT_TYPE_GROUP_LOGIN, change->user_id, change->group->id,
                            event, error);
}

static void
login_apply (CbChanges *self,
             gpointer   data)
{
  LoginChange *change = data;

  cb_directory_set_group_login (self->directory, change->group->id, change->user_id,
                                change->logged_in);
}

gboolean
cb_changes_set_group_login (CbChanges  *self,
                            gint64      user_id,
                            gint64      group_id,
                            gboolean    logged_in,
                            GError    **error)
{
  const CbGroupRecord *group = cb_directory_get_group (self->directory, group_id);
  LoginChange change = { user_id, group, logged_in };

  if (group == NULL)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND,
                   "No group %" G_GINT64_FORMAT, group_id);
      return FALSE;
    }
  if (!cb_directory_is_member (self->directory, group_id, user_id))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_FORBIDDEN,
                   "Not a member of “%s”", group->name);
      return FALSE;
    }
  if (group->kind != CB_GROUP_KIND_HUNT && group->kind != CB_GROUP_KIND_ASSISTANT)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT,
                   "“%s” is not a hunt group or an assistant group: there is nothing to log into",
                   group->name);
      return FALSE;
    }
  /* Nothing changes, nothing to tell anyone. */
  if (cb_directory_is_logged_in (self->directory, group_id, user_id) == !!logged_in)
    return TRUE;
  if (group->kind == CB_GROUP_KIND_ASSISTANT && !logged_in && !group->logout_allowed)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_FORBIDDEN,
                   "The administrator does not allow logging out of “%s”", group->name);
      return FALSE;
    }

  if (!cb_changes_run (self, login_store, login_apply, &change, error))
    return FALSE;
  g_signal_emit (self, signals[GROUP_LOGIN_CHANGED], 0, group_id, user_id);
  return TRUE;
}

/* ---- lists --------------------------------------------------------------- */

static void
append_unique (GArray     *list,
               GHashTable *seen,
               gint64      id)
{
  if (g_hash_table_contains (seen, &id))
    return;
  g_array_append_val (list, id);
  g_hash_table_add (seen, &g_array_index (list, gint64, list->len - 1));
}

GArray *
cb_changes_effective_list (CbChanges   *self,
                           gint64       user_id,
                           CbListKind   kind,
                           GArray     **from_groups,
                           GError     **error)
{
  g_autoptr(GArray) own = cb_store_get_list (self->store, user_id, kind, error);
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) ids = NULL;
  GArray *result;

  if (own == NULL)
    return NULL;

  /* Candidates first, then the visible ones without repeats. */
  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_vals (ids, own->data, own->len);
  groups = cb_directory_member_of (self->directory, user_id);
  for (guint i = 0; i < groups->len; i++)
    {
      const CbGroupRecord *g = g_ptr_array_index (groups, i);
      const GArray *extra = kind == CB_LIST_FAVOURITES ? g->favourites :
                            kind == CB_LIST_MONITOR ? g->monitor : NULL;

      /* A group hands its list to every member: skip the member's own
       * entry there (their own list may still name them). */
      for (guint k = 0; extra != NULL && k < extra->len; k++)
        if (g_array_index (extra, gint64, k) != user_id)
          g_array_append_val (ids, g_array_index (extra, gint64, k));
    }

  /* Sized up front: `seen` points into result, which must not move. */
  result = g_array_sized_new (FALSE, FALSE, sizeof (gint64), ids->len);
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      if (cb_directory_level (self->directory, user_id, id) > CB_LEVEL_NONE)
        append_unique (result, seen, id);
    }

  if (from_groups != NULL)
    {
      g_autoptr(GHashTable) mine = g_hash_table_new (g_int64_hash, g_int64_equal);

      for (guint i = 0; i < own->len; i++)
        g_hash_table_add (mine, &g_array_index (own, gint64, i));
      *from_groups = g_array_new (FALSE, FALSE, sizeof (gint64));
      for (guint i = 0; i < result->len; i++)
        if (!g_hash_table_contains (mine, &g_array_index (result, gint64, i)))
          g_array_append_val (*from_groups, g_array_index (result, gint64, i));
    }
  return result;
}

typedef struct {
  gint64        user_id;
  CbListKind    kind;
  const GArray *own;
  GArray       *effective;   /* out */
  GArray       *from_groups; /* out */
} ListChange;

static gboolean
list_store (CbChanges  *self,
            gpointer    data,
            GError    **error)
{
  ListChange *change = data;
  g_autoptr(JsonObject) event = NULL;

  if (!cb_store_set_list (self->store, change->user_id, change->kind, change->own, error))
    return FALSE;
  change->effective = cb_changes_effective_list (self, change->user_id, change->kind,
                                                 &change->from_groups, error);
  if (change->effective == NULL)
    return FALSE;
  event = cb_projection_user_list (change->effective, change->from_groups);
  return cb_changes_record (self,
                            change->kind == CB_LIST_MONITOR ? CB_EVENT_TYPE_MONITOR
                                                            : CB_EVENT_TYPE_FAVOURITES,
                            change->user_id, 0, event, error);
}

gboolean
cb_changes_set_list (CbChanges     *self,
                     gint64         user_id,
                     CbListKind     kind,
                     const GArray  *own,
                     GArray       **effective,
                     GArray       **from_groups,
                     GError       **error)
{
  ListChange change = { user_id, kind, own, NULL, NULL };

  if (!cb_changes_run (self, list_store, NULL, &change, error))
    {
      g_clear_pointer (&change.effective, g_array_unref);
      g_clear_pointer (&change.from_groups, g_array_unref);
      return FALSE;
    }
  if (effective != NULL)
    *effective = g_steal_pointer (&change.effective);
  if (from_groups != NULL)
    *from_groups = g_steal_pointer (&change.from_groups);
  g_clear_pointer (&change.effective, g_array_unref);
  g_clear_pointer (&change.from_groups, g_array_unref);
  return TRUE;
}

/* ---- journal ---------------------------------------------------------------- */

typedef struct {
  gint64 user_id;
  gint64 up_to;
  gint64 seen;     /* out: as stored (never backwards) */
  gint64 missed;   /* out */
} SeenChange;

static gboolean
seen_store (CbChanges  *self,
            gpointer    data,
            GError    **error)
{
  SeenChange *change = data;
  g_autoptr(JsonObject) event = json_object_new ();

  if (!cb_store_set_journal_seen (self->store, change->user_id, change->up_to, error) ||
      (change->seen = cb_store_get_journal_seen (self->store, change->user_id, error)) < 0 ||
      (change->missed = cb_store_count_missed (self->store, change->user_id, error)) < 0)
    return FALSE;
  json_object_set_int_member (event, "seen_up_to", change->seen);
  json_object_set_int_member (event, "missed", change->missed);
  return cb_changes_record (self, CB_EVENT_TYPE_JOURNAL_SEEN, change->user_id, 0, event, error);
}

gboolean
cb_changes_set_journal_seen (CbChanges  *self,
                             gint64      user_id,
                             gint64      up_to,
                             gint64     *seen,
                             gint64     *missed,
                             GError    **error)
{
  SeenChange change = { user_id, MAX (up_to, 0), 0, 0 };

  if (!cb_changes_run (self, seen_store, NULL, &change, error))
    return FALSE;
  if (seen != NULL)
    *seen = change.seen;
  if (missed != NULL)
    *missed = change.missed;
  return TRUE;
}

/* ---- busy lamp field ---------------------------------------------------------- */

static gboolean
same_target (const CbBlfKeyRecord *a,
             const CbBlfKeyRecord *b)
{
  if (a->kind != b->kind)
    return FALSE;
  if (a->kind == CB_BLF_KEY_KIND_NUMBER)
    return g_strcmp0 (a->number, b->number) == 0;
  return a->target_id == b->target_id;
}

/* Whether the key's target exists for the user. */
static gboolean
key_visible (CbChanges            *self,
             gint64                user_id,
             const CbBlfKeyRecord *key)
{
  switch (key->kind)
    {
    case CB_BLF_KEY_KIND_USER:
      return cb_directory_level (self->directory, user_id, key->target_id) > CB_LEVEL_NONE;
    case CB_BLF_KEY_KIND_GROUP:
      return cb_directory_can_see_group (self->directory, user_id, key->target_id);
    case CB_BLF_KEY_KIND_NUMBER:
    default:
      return TRUE;
    }
}

GPtrArray *
cb_changes_effective_blf (CbChanges  *self,
                          gint64      user_id,
                          GError    **error)
{
  g_autoptr(GPtrArray) own = cb_store_list_blf_keys (self->store, user_id, error);
  g_autoptr(GPtrArray) groups = NULL;
  GPtrArray *keys;

  if (own == NULL)
    return NULL;
  keys = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_blf_key_record_free);
  for (guint i = 0; i < own->len; i++)
    if (key_visible (self, user_id, g_ptr_array_index (own, i)))
      g_ptr_array_add (keys, cb_blf_key_record_copy (g_ptr_array_index (own, i)));

  groups = cb_directory_member_of (self->directory, user_id);
  for (guint i = 0; i < groups->len; i++)
    {
      const CbGroupRecord *group = g_ptr_array_index (groups, i);

      for (guint k = 0; group->blf != NULL && k < group->blf->len; k++)
        {
          const CbBlfKeyRecord *key = g_ptr_array_index (group->blf, k);
          gboolean had = FALSE;

          /* A group's key for the member themself lights nothing for them. */
          if ((key->kind == CB_BLF_KEY_KIND_USER && key->target_id == user_id) ||
              !key_visible (self, user_id, key))
            continue;
          for (guint j = 0; j < keys->len && !had; j++)
            had = same_target (g_ptr_array_index (keys, j), key);
          if (!had)
            g_ptr_array_add (keys, cb_blf_key_record_copy (key));
        }
    }
  return keys;
}

/* Digits, *, #, + and the spaces people write numbers with. */
static gboolean
valid_number (const char *number)
{
  gsize len = number != NULL ? strlen (number) : 0;

  if (len == 0 || len > 32)
    return FALSE;
  for (const char *c = number; *c != '\0'; c++)
    if (!g_ascii_isdigit (*c) && strchr ("*#+ ", *c) == NULL)
      return FALSE;
  return TRUE;
}

gboolean
cb_changes_check_blf_key (CbChanges             *self,
                          gint64                 owner,
                          const CbBlfKeyRecord  *key,
                          GError               **error)
{
  const CbGroupRecord *group;

  if (key->label != NULL && (!g_utf8_validate (key->label, -1, NULL) ||
                             g_utf8_strlen (key->label, -1) > 64))
    {
      g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                           "Field “label” must be text of at most 64 characters");
      return FALSE;
    }
  switch (key->kind)
    {
    case CB_BLF_KEY_KIND_USER:
      if (owner > 0 ? cb_directory_level (self->directory, owner, key->target_id) > CB_LEVEL_NONE
                    : cb_directory_get_user (self->directory, key->target_id) != NULL)
        return TRUE;
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND,
                   "No user %" G_GINT64_FORMAT, key->target_id);
      return FALSE;

    case CB_BLF_KEY_KIND_GROUP:
      group = cb_directory_get_group (self->directory, key->target_id);
      if (group == NULL ||
          (owner > 0 && !cb_directory_can_see_group (self->directory, owner, group->id)))
        {
          g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND,
                       "No group %" G_GINT64_FORMAT, key->target_id);
          return FALSE;
        }
      if (group->kind != CB_GROUP_KIND_HUNT)
        {
          g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                       "“%s” is not a hunt group: it has no lamp", group->name);
          return FALSE;
        }
      return TRUE;

    case CB_BLF_KEY_KIND_NUMBER:
    default:
      if (valid_number (key->number))
        return TRUE;
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “number” must be 1–32 of 0-9 * # + and spaces");
      return FALSE;
    }
}

typedef struct {
  gint64     user_id;
  GPtrArray *keys;
} BlfChange;

static gboolean
blf_store (CbChanges  *self,
           gpointer    data,
           GError    **error)
{
  BlfChange *change = data;
  g_autoptr(GPtrArray) effective = NULL;
  g_autoptr(JsonObject) event = NULL;

  if (!cb_store_set_blf_keys (self->store, change->user_id, change->keys, error))
    return FALSE;
  effective = cb_changes_effective_blf (self, change->user_id, error);
  if (effective == NULL)
    return FALSE;
  event = cb_projection_blf_keys (effective);
  return cb_changes_record (self, CB_EVENT_TYPE_BLF, change->user_id, 0, event, error);
}

gboolean
cb_changes_set_blf_keys (CbChanges  *self,
                         gint64      user_id,
                         GPtrArray  *keys,
                         GError    **error)
{
  g_autoptr(GPtrArray) own = cb_store_list_blf_keys (self->store, user_id, error);
  g_autoptr(GHashTable) own_ids = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  BlfChange change = { user_id, keys };

  if (own == NULL)
    return FALSE;
  if (keys->len > CB_CHANGES_MAX_BLF_KEYS)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "A busy lamp field holds at most %d keys", CB_CHANGES_MAX_BLF_KEYS);
      return FALSE;
    }
  for (guint i = 0; i < own->len; i++)
    g_hash_table_add (own_ids, &((CbBlfKeyRecord *) g_ptr_array_index (own, i))->id);
  for (guint i = 0; i < keys->len; i++)
    {
      CbBlfKeyRecord *key = g_ptr_array_index (keys, i);

      if (key->id > 0 && !g_hash_table_contains (own_ids, &key->id))
        {
          g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND,
                       "You have no key %" G_GINT64_FORMAT, key->id);
          return FALSE;
        }
      if (!cb_changes_check_blf_key (self, user_id, key, error))
        return FALSE;
      /* Named twice: once is enough. */
      if (key->id > 0 && !g_hash_table_add (seen, &key->id))
        {
          g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                       "Key %" G_GINT64_FORMAT " is listed twice", key->id);
          return FALSE;
        }
      key->group_id = 0;
    }
  return cb_changes_run (self, blf_store, NULL, &change, error);
}

typedef struct {
  gint64 group_id;
  guint  ringing;
} RingingChange;

static gboolean
ringing_store (CbChanges  *self,
               gpointer    data,
               GError    **error)
{
  RingingChange *change = data;
  g_autoptr(JsonObject) event = cb_wire_group_calls_to_json (change->group_id, change->ringing);

  return cb_changes_record (self, CB_EVENT_TYPE_GROUP_CALLS, 0, change->group_id, event, error);
}

static void
ringing_apply (CbChanges *self,
               gpointer   data)
{
  RingingChange *change = data;

  cb_directory_set_group_ringing (self->directory, change->group_id, change->ringing);
}

gboolean
cb_changes_set_group_ringing (CbChanges  *self,
                              gint64      group_id,
                              guint       ringing,
                              GError    **error)
{
  RingingChange change = { group_id, ringing };

  if (cb_directory_get_group_ringing (self->directory, group_id) == ringing)
    return TRUE;
  return cb_changes_run (self, ringing_store, ringing_apply, &change, error);
}

/* ---- users and groups (administrators) ------------------------------------ */

static void
add_id (GHashTable *set,
        gint64      id)
{
  if (id > 0)
    g_hash_table_add (set, g_memdup2 (&id, sizeof id));
}

static GHashTable *
id_set_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

typedef struct {
  CbUserRecord *record;          /* in: the new state; out: as stored */
  gboolean      admin_changed;
  gboolean      password_changed;
} UserChange;

static gboolean
user_store (CbChanges  *self,
            gpointer    data,
            GError    **error)
{
  UserChange *change = data;
  g_autoptr(CbUserRecord) stored = NULL;
  g_autoptr(JsonObject) event = NULL;

  if (change->record->id == 0 ? !cb_store_create_user (self->store, change->record, error)
                              : !cb_store_update_user (self->store, change->record, error))
    return FALSE;
  /* A new password ends every session of the old one (the event hub
   * closes their streams when it sees the user event). */
  if (change->password_changed &&
      !cb_store_revoke_user_tokens (self->store, change->record->id, error))
    return FALSE;
  stored = cb_store_get_user (self->store, change->record->id, error);
  if (stored == NULL)
    return FALSE;
  cb_user_record_free (change->record);
  change->record = g_steal_pointer (&stored);

  /* The log keeps the full object; each viewer gets it cut to their level. */
  event = cb_projection_user (self->directory, change->record, CB_LEVEL_PERSONAL);
  if (!cb_changes_record (self, CB_EVENT_TYPE_USER, change->record->id, 0, event, error))
    return FALSE;

  if (change->admin_changed)
    {
      /* Admins see every group: the user's group list changed. */
      g_autoptr(GHashTable) affected = id_set_new ();

      add_id (affected, change->record->id);
      return cb_changes_record_resync (self, affected, error);
    }
  return TRUE;
}

static void
user_apply (CbChanges *self,
            gpointer   data)
{
  UserChange *change = data;

  cb_directory_put_user (self->directory, change->record);
}

gboolean
cb_changes_save_user (CbChanges     *self,
                      CbUserRecord **record,
                      GError       **error)
{
  const CbUserRecord *before = (*record)->id > 0 ? cb_directory_get_user (self->directory,
                                                                          (*record)->id) : NULL;
  UserChange change = { *record, FALSE, FALSE };
  gint64 id;

  change.admin_changed = before != NULL ? before->admin != (*record)->admin : (*record)->admin;
  change.password_changed = before != NULL &&
                            g_strcmp0 (before->password_hash, (*record)->password_hash) != 0;
  if (!cb_changes_run (self, user_store, user_apply, &change, error))
    {
      /* The record may have been replaced by the stored one before a later step failed. */
      *record = change.record;
      return FALSE;
    }
  *record = change.record;
  id = change.record->id;
  g_signal_emit (self, signals[USER_CHANGED], 0, id);
  return TRUE;
}

static void
add_people (GHashTable          *set,
            const CbGroupRecord *record)
{
  if (record == NULL)
    return;
  add_id (set, record->leader_id);
  add_id (set, record->deputy_id);
  for (guint i = 0; record->members != NULL && i < record->members->len; i++)
    add_id (set, g_array_index (record->members, CbGroupMember, i).user_id);
}

static gboolean
same_ids (const GArray *a,
          const GArray *b)
{
  guint len_a = a != NULL ? a->len : 0;
  guint len_b = b != NULL ? b->len : 0;

  if (len_a != len_b)
    return FALSE;
  for (guint i = 0; i < len_a; i++)
    if (g_array_index (a, gint64, i) != g_array_index (b, gint64, i))
      return FALSE;
  return TRUE;
}

static gboolean
same_keys (const GPtrArray *a,
           const GPtrArray *b)
{
  guint len_a = a != NULL ? a->len : 0;
  guint len_b = b != NULL ? b->len : 0;

  if (len_a != len_b)
    return FALSE;
  for (guint i = 0; i < len_a; i++)
    {
      const CbBlfKeyRecord *x = g_ptr_array_index ((GPtrArray *) a, i);
      const CbBlfKeyRecord *y = g_ptr_array_index ((GPtrArray *) b, i);

      if (!same_target (x, y) || g_strcmp0 (x->label, y->label) != 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
same_members (const CbGroupRecord *a,
              const CbGroupRecord *b)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint len_a = a->members != NULL ? a->members->len : 0;
  guint len_b = b->members != NULL ? b->members->len : 0;

  /* The set counts, not the ringing order. */
  if (len_a != len_b)
    return FALSE;
  for (guint i = 0; i < len_a; i++)
    g_hash_table_add (ids, &g_array_index (a->members, CbGroupMember, i).user_id);
  for (guint i = 0; i < len_b; i++)
    if (!g_hash_table_contains (ids, &g_array_index (b->members, CbGroupMember, i).user_id))
      return FALSE;
  return TRUE;
}

/* Whether an edit can change who sees whom, or what a member's lists hold. */
static gboolean
changes_visibility (const CbGroupRecord *before,
                    const CbGroupRecord *after)
{
  return before == NULL || before->kind != after->kind ||
         before->level != after->level || before->leader_level != after->leader_level ||
         before->leader_id != after->leader_id || before->deputy_id != after->deputy_id ||
         !same_members (before, after) ||
         !same_ids (before->favourites, after->favourites) ||
         !same_ids (before->monitor, after->monitor) ||
         !same_keys (before->blf, after->blf);
}

typedef struct {
  CbGroupRecord       *record;   /* in: new state; out: as stored */
  const CbGroupRecord *before;   /* NULL when creating */
} GroupChange;

static gboolean
group_store (CbChanges  *self,
             gpointer    data,
             GError    **error)
{
  GroupChange *change = data;
  g_autoptr(CbGroupRecord) stored = NULL;
  g_autoptr(JsonObject) event = NULL;
  g_autoptr(GHashTable) affected = NULL;

  if (change->before == NULL ? !cb_store_create_group (self->store, change->record, error)
                             : !cb_store_update_group (self->store, change->record, error))
    return FALSE;
  stored = cb_store_get_group (self->store, change->record->id, error);
  if (stored == NULL)
    return FALSE;
  cb_group_record_free (change->record);
  change->record = g_steal_pointer (&stored);

  event = cb_projection_group_full (change->record);
  if (!cb_changes_record (self, CB_EVENT_TYPE_GROUP, 0, change->record->id, event, error))
    return FALSE;
  if (!changes_visibility (change->before, change->record))
    return TRUE;

  /* Whoever was or is in the group may see others differently now. */
  affected = id_set_new ();
  add_people (affected, change->before);
  add_people (affected, change->record);
  return cb_changes_record_resync (self, affected, error);
}

static void
group_apply (CbChanges *self,
             gpointer   data)
{
  GroupChange *change = data;

  cb_directory_put_group (self->directory, change->record);
}

gboolean
cb_changes_save_group (CbChanges      *self,
                       CbGroupRecord **record,
                       GError        **error)
{
  g_autoptr(CbGroupRecord) before = NULL;
  GroupChange change = { *record, NULL };
  gboolean ok;

  /* A copy: the directory's record is replaced when the change is mirrored. */
  if ((*record)->id > 0 && cb_directory_get_group (self->directory, (*record)->id) != NULL)
    before = cb_group_record_copy (cb_directory_get_group (self->directory, (*record)->id));
  change.before = before;
  ok = cb_changes_run (self, group_store, group_apply, &change, error);
  *record = change.record;
  if (ok)
    g_signal_emit (self, signals[GROUP_CHANGED], 0, change.record->id);
  return ok;
}

/* ---- queue statistics ------------------------------------------------------- */

typedef struct {
  guint               n;
  const gint64       *group_ids;
  const CbQueueStats *stats;
} StatsChange;

static gboolean
stats_store (CbChanges  *self,
             gpointer    data,
             GError    **error)
{
  StatsChange *change = data;

  for (guint i = 0; i < change->n; i++)
    {
      g_autoptr(JsonObject) event = cb_projection_queue_stats (change->group_ids[i], &change->stats[i]);

      if (!cb_changes_record (self, CB_EVENT_TYPE_QUEUE_STATS, 0, change->group_ids[i], event, error))
        return FALSE;
    }
  return TRUE;
}

static void
stats_apply (CbChanges *self,
             gpointer   data)
{
  StatsChange *change = data;

  for (guint i = 0; i < change->n; i++)
    cb_directory_set_queue_stats (self->directory, change->group_ids[i], &change->stats[i]);
}

gboolean
cb_changes_set_queue_stats (CbChanges           *self,
                            guint                n_queues,
                            const gint64        *group_ids,
                            const CbQueueStats  *stats,
                            GError             **error)
{
  StatsChange change = { n_queues, group_ids, stats };

  return cb_changes_run (self, stats_store, stats_apply, &change, error);
}
