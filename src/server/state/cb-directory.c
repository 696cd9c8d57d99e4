/* cb-directory.c: the in-memory directory and who may see whom
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every snapshot and every event fan-out asks level(viewer, target) many
 * times, so the answer must not touch the store. Each user keeps the
 * groups it belongs to and the groups it leads; each group keeps a hash
 * of its members. A level is then a walk over the viewer's few groups
 * with one hash lookup each, whatever the size of the directory.
 */

#define G_LOG_DOMAIN "cb-directory"

#include <string.h>

#include "cb-directory.h"

typedef struct {
  gint64         id;
  CbGroupRecord *record;
  GHashTable    *index;   /* &member.user_id → position + 1 */
} GroupEntry;

typedef struct {
  gint64        id;
  CbUserRecord *record;
  GPtrArray    *member_of;   /* GroupEntry, by id */
  GPtrArray    *leads;       /* GroupEntry: leader or deputy, by id */
  char         *search_key;
} UserEntry;

struct _CbDirectory
{
  GObject     parent_instance;

  CbLevel     default_level;
  GHashTable *users;        /* &id → UserEntry */
  GHashTable *usernames;    /* username → UserEntry */
  GHashTable *groups;       /* &id → GroupEntry */
  GPtrArray  *user_list;    /* cache: CbUserRecord by id, NULL when stale */
  GPtrArray  *group_list;   /* cache: CbGroupRecord by id, NULL when stale */
  GHashTable *queue_stats;  /* &group id → CbQueueStats (live, not stored) */
  GHashTable *ringing;      /* &group id → calls ringing at its members (live) */
};

G_DEFINE_FINAL_TYPE (CbDirectory, cb_directory, G_TYPE_OBJECT)

static void
group_entry_free (GroupEntry *entry)
{
  g_clear_pointer (&entry->index, g_hash_table_unref);
  g_clear_pointer (&entry->record, cb_group_record_free);
  g_free (entry);
}

static void
user_entry_free (UserEntry *entry)
{
  g_clear_pointer (&entry->member_of, g_ptr_array_unref);
  g_clear_pointer (&entry->leads, g_ptr_array_unref);
  g_clear_pointer (&entry->record, cb_user_record_free);
  g_free (entry->search_key);
  g_free (entry);
}

static void
cb_directory_finalize (GObject *object)
{
  CbDirectory *self = CB_DIRECTORY (object);

  g_clear_pointer (&self->user_list, g_ptr_array_unref);
  g_clear_pointer (&self->group_list, g_ptr_array_unref);
  g_clear_pointer (&self->usernames, g_hash_table_unref);
  g_clear_pointer (&self->users, g_hash_table_unref);
  g_clear_pointer (&self->groups, g_hash_table_unref);
  g_clear_pointer (&self->queue_stats, g_hash_table_unref);
  g_clear_pointer (&self->ringing, g_hash_table_unref);
  G_OBJECT_CLASS (cb_directory_parent_class)->finalize (object);
}

static void
cb_directory_class_init (CbDirectoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cb_directory_finalize;
}

static void
cb_directory_init (CbDirectory *self)
{
  self->users = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                       (GDestroyNotify) user_entry_free);
  self->usernames = g_hash_table_new (g_str_hash, g_str_equal);
  self->queue_stats = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->ringing = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->groups = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                        (GDestroyNotify) group_entry_free);
}

CbDirectory *
cb_directory_new (CbLevel default_level)
{
  CbDirectory *self = g_object_new (CB_TYPE_DIRECTORY, NULL);

  self->default_level = default_level;
  return self;
}

CbLevel
cb_directory_get_default_level (CbDirectory *self)
{
  return self->default_level;
}

static char *
make_search_key (const CbUserRecord *r)
{
  g_autofree char *joined = g_strjoin ("\n",
                                       r->display_name ? r->display_name : "",
                                       r->username ? r->username : "",
                                       r->extension ? r->extension : "",
                                       r->email ? r->email : "",
                                       NULL);
  return g_utf8_casefold (joined, -1);
}

static gint
compare_group_entries (gconstpointer a,
                       gconstpointer b)
{
  const GroupEntry *ga = *(GroupEntry * const *) a;
  const GroupEntry *gb = *(GroupEntry * const *) b;

  return ga->id < gb->id ? -1 : ga->id > gb->id;
}

static void
invalidate_lists (CbDirectory *self)
{
  g_clear_pointer (&self->user_list, g_ptr_array_unref);
  g_clear_pointer (&self->group_list, g_ptr_array_unref);
}

void
cb_directory_put_user (CbDirectory        *self,
                       const CbUserRecord *record)
{
  UserEntry *entry;

  g_return_if_fail (CB_IS_DIRECTORY (self));
  g_return_if_fail (record != NULL && record->id > 0);

  entry = g_hash_table_lookup (self->users, &record->id);
  if (entry == NULL)
    {
      entry = g_new0 (UserEntry, 1);
      entry->id = record->id;
      entry->member_of = g_ptr_array_new ();
      entry->leads = g_ptr_array_new ();
      g_hash_table_insert (self->users, &entry->id, entry);
    }
  else
    {
      if (entry->record->username != NULL)
        g_hash_table_remove (self->usernames, entry->record->username);
      g_clear_pointer (&entry->record, cb_user_record_free);
      g_clear_pointer (&entry->search_key, g_free);
    }

  entry->record = cb_user_record_copy (record);
  entry->search_key = make_search_key (entry->record);
  if (entry->record->username != NULL)
    g_hash_table_insert (self->usernames, entry->record->username, entry);
  invalidate_lists (self);
}

static void
unlink_group (CbDirectory *self,
              GroupEntry  *group)
{
  const CbGroupRecord *r = group->record;

  for (guint i = 0; i < r->members->len; i++)
    {
      gint64 uid = g_array_index (r->members, CbGroupMember, i).user_id;
      UserEntry *user = g_hash_table_lookup (self->users, &uid);

      if (user != NULL)
        g_ptr_array_remove (user->member_of, group);
    }

  for (guint k = 0; k < 2; k++)
    {
      gint64 uid = k == 0 ? r->leader_id : r->deputy_id;
      UserEntry *user = uid > 0 ? g_hash_table_lookup (self->users, &uid) : NULL;

      if (user != NULL)
        g_ptr_array_remove (user->leads, group);
    }
}

static void
link_group (CbDirectory *self,
            GroupEntry  *group)
{
  const CbGroupRecord *r = group->record;

  for (guint i = 0; i < r->members->len; i++)
    {
      gint64 uid = g_array_index (r->members, CbGroupMember, i).user_id;
      UserEntry *user = g_hash_table_lookup (self->users, &uid);

      if (user != NULL && !g_ptr_array_find (user->member_of, group, NULL))
        {
          g_ptr_array_add (user->member_of, group);
          g_ptr_array_sort (user->member_of, compare_group_entries);
        }
    }

  for (guint k = 0; k < 2; k++)
    {
      gint64 uid = k == 0 ? r->leader_id : r->deputy_id;
      UserEntry *user = uid > 0 ? g_hash_table_lookup (self->users, &uid) : NULL;

      if (user != NULL && !g_ptr_array_find (user->leads, group, NULL))
        {
          g_ptr_array_add (user->leads, group);
          g_ptr_array_sort (user->leads, compare_group_entries);
        }
    }
}

void
cb_directory_put_group (CbDirectory         *self,
                        const CbGroupRecord *record)
{
  GroupEntry *entry;

  g_return_if_fail (CB_IS_DIRECTORY (self));
  g_return_if_fail (record != NULL && record->id > 0);

  entry = g_hash_table_lookup (self->groups, &record->id);
  if (entry == NULL)
    {
      entry = g_new0 (GroupEntry, 1);
      entry->id = record->id;
      g_hash_table_insert (self->groups, &entry->id, entry);
    }
  else
    {
      unlink_group (self, entry);
      g_clear_pointer (&entry->index, g_hash_table_unref);
      g_clear_pointer (&entry->record, cb_group_record_free);
    }

  entry->record = cb_group_record_copy (record);
  if (entry->record->members == NULL)
    entry->record->members = g_array_new (FALSE, TRUE, sizeof (CbGroupMember));
  entry->index = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < entry->record->members->len; i++)
    {
      CbGroupMember *m = &g_array_index (entry->record->members, CbGroupMember, i);
      g_hash_table_insert (entry->index, &m->user_id, GUINT_TO_POINTER (i + 1));
    }
  link_group (self, entry);
  invalidate_lists (self);
}

gboolean
cb_directory_load (CbDirectory  *self,
                   CbStore      *store,
                   GError      **error)
{
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GPtrArray) groups = NULL;

  g_return_val_if_fail (CB_IS_DIRECTORY (self), FALSE);

  users = cb_store_list_users (store, error);
  if (users == NULL)
    return FALSE;
  groups = cb_store_list_groups (store, error);
  if (groups == NULL)
    return FALSE;

  invalidate_lists (self);
  g_hash_table_remove_all (self->usernames);
  g_hash_table_remove_all (self->groups);
  g_hash_table_remove_all (self->users);

  for (guint i = 0; i < users->len; i++)
    cb_directory_put_user (self, g_ptr_array_index (users, i));
  for (guint i = 0; i < groups->len; i++)
    cb_directory_put_group (self, g_ptr_array_index (groups, i));

  g_debug ("Directory loaded: %u users, %u groups", users->len, groups->len);
  return TRUE;
}

static UserEntry *
lookup_user (CbDirectory *self,
             gint64       id)
{
  return g_hash_table_lookup (self->users, &id);
}

static GroupEntry *
lookup_group (CbDirectory *self,
              gint64       id)
{
  return g_hash_table_lookup (self->groups, &id);
}

void
cb_directory_set_presence (CbDirectory    *self,
                           gint64          user_id,
                           CbAvailability  availability,
                           const char     *note,
                           gint64          note_until)
{
  UserEntry *entry = lookup_user (self, user_id);

  if (entry == NULL)
    return;
  entry->record->availability = availability;
  g_free (entry->record->note);
  entry->record->note = g_strdup (note);
  entry->record->note_until = note_until;
}

void
cb_directory_set_agent_status (CbDirectory   *self,
                               gint64         user_id,
                               CbAgentStatus  status)
{
  UserEntry *entry = lookup_user (self, user_id);

  if (entry != NULL)
    entry->record->agent_status = status;
}

void
cb_directory_set_line_state (CbDirectory *self,
                             gint64       user_id,
                             CbLineState  state)
{
  UserEntry *entry = lookup_user (self, user_id);

  if (entry != NULL)
    entry->record->line_state = state;
}

void
cb_directory_set_group_login (CbDirectory *self,
                              gint64       group_id,
                              gint64       user_id,
                              gboolean     logged_in)
{
  GroupEntry *group = lookup_group (self, group_id);
  guint position;

  if (group == NULL)
    return;
  position = GPOINTER_TO_UINT (g_hash_table_lookup (group->index, &user_id));
  if (position == 0)
    return;
  g_array_index (group->record->members, CbGroupMember, position - 1).logged_in = logged_in;
}

const CbUserRecord *
cb_directory_get_user (CbDirectory *self,
                       gint64       user_id)
{
  UserEntry *entry = lookup_user (self, user_id);

  return entry != NULL ? entry->record : NULL;
}

const CbGroupRecord *
cb_directory_get_group (CbDirectory *self,
                        gint64       group_id)
{
  GroupEntry *entry = lookup_group (self, group_id);

  return entry != NULL ? entry->record : NULL;
}

const CbUserRecord *
cb_directory_find_user (CbDirectory *self,
                        const char  *username)
{
  UserEntry *entry = username != NULL ? g_hash_table_lookup (self->usernames, username) : NULL;

  return entry != NULL ? entry->record : NULL;
}

static gint
compare_user_records (gconstpointer a,
                      gconstpointer b)
{
  const CbUserRecord *ua = *(CbUserRecord * const *) a;
  const CbUserRecord *ub = *(CbUserRecord * const *) b;

  return ua->id < ub->id ? -1 : ua->id > ub->id;
}

static gint
compare_group_records (gconstpointer a,
                       gconstpointer b)
{
  const CbGroupRecord *ga = *(CbGroupRecord * const *) a;
  const CbGroupRecord *gb = *(CbGroupRecord * const *) b;

  return ga->id < gb->id ? -1 : ga->id > gb->id;
}

GPtrArray *
cb_directory_list_users (CbDirectory *self)
{
  if (self->user_list == NULL)
    {
      GHashTableIter iter;
      UserEntry *entry;

      self->user_list = g_ptr_array_sized_new (g_hash_table_size (self->users));
      g_hash_table_iter_init (&iter, self->users);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
        g_ptr_array_add (self->user_list, entry->record);
      g_ptr_array_sort (self->user_list, compare_user_records);
    }
  return self->user_list;
}

GPtrArray *
cb_directory_list_groups (CbDirectory *self)
{
  if (self->group_list == NULL)
    {
      GHashTableIter iter;
      GroupEntry *entry;

      self->group_list = g_ptr_array_sized_new (g_hash_table_size (self->groups));
      g_hash_table_iter_init (&iter, self->groups);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
        g_ptr_array_add (self->group_list, entry->record);
      g_ptr_array_sort (self->group_list, compare_group_records);
    }
  return self->group_list;
}

GPtrArray *
cb_directory_member_of (CbDirectory *self,
                        gint64       user_id)
{
  UserEntry *entry = lookup_user (self, user_id);
  GPtrArray *result = g_ptr_array_new ();

  if (entry == NULL)
    return result;
  for (guint i = 0; i < entry->member_of->len; i++)
    g_ptr_array_add (result, ((GroupEntry *) g_ptr_array_index (entry->member_of, i))->record);
  return result;
}

CbLevel
cb_directory_level (CbDirectory *self,
                    gint64       viewer,
                    gint64       target)
{
  UserEntry *v;
  CbLevel best;

  if (lookup_user (self, target) == NULL || (v = lookup_user (self, viewer)) == NULL)
    return CB_LEVEL_NONE;
  if (viewer == target)
    return CB_LEVEL_PERSONAL;

  best = self->default_level;
  for (guint i = 0; i < v->member_of->len && best < CB_LEVEL_PERSONAL; i++)
    {
      GroupEntry *g = g_ptr_array_index (v->member_of, i);

      /* An assistant takes the leader's calls: they must see the leader. */
      if (g->record->level > best &&
          (g_hash_table_contains (g->index, &target) ||
           (g->record->kind == CB_GROUP_KIND_ASSISTANT && g->record->leader_id == target)))
        best = g->record->level;
    }
  for (guint i = 0; i < v->leads->len && best < CB_LEVEL_PERSONAL; i++)
    {
      GroupEntry *g = g_ptr_array_index (v->leads, i);

      if (g->record->leader_level > best && g_hash_table_contains (g->index, &target))
        best = g->record->leader_level;
    }
  return best;
}

gboolean
cb_directory_can_see_group (CbDirectory *self,
                            gint64       viewer,
                            gint64       group_id)
{
  GroupEntry *g = lookup_group (self, group_id);
  UserEntry *v = lookup_user (self, viewer);

  if (g == NULL || v == NULL)
    return FALSE;
  return v->record->admin ||
         g->record->leader_id == viewer || g->record->deputy_id == viewer ||
         g_hash_table_contains (g->index, &viewer);
}

gboolean
cb_directory_is_member (CbDirectory *self,
                        gint64       group_id,
                        gint64       user_id)
{
  GroupEntry *g = lookup_group (self, group_id);

  return g != NULL && g_hash_table_contains (g->index, &user_id);
}

gboolean
cb_directory_is_logged_in (CbDirectory *self,
                           gint64       group_id,
                           gint64       user_id)
{
  GroupEntry *g = lookup_group (self, group_id);
  guint position;

  if (g == NULL)
    return FALSE;
  position = GPOINTER_TO_UINT (g_hash_table_lookup (g->index, &user_id));
  return position > 0 &&
         g_array_index (g->record->members, CbGroupMember, position - 1).logged_in;
}

GPtrArray *
cb_directory_assistant_groups (CbDirectory *self,
                               gint64       leader_id)
{
  UserEntry *entry = lookup_user (self, leader_id);
  GPtrArray *result = g_ptr_array_new ();

  /* A leader's groups are in `leads` (with those they are deputy of). */
  for (guint i = 0; entry != NULL && i < entry->leads->len; i++)
    {
      GroupEntry *g = g_ptr_array_index (entry->leads, i);

      if (g->record->kind == CB_GROUP_KIND_ASSISTANT && g->record->leader_id == leader_id)
        g_ptr_array_add (result, g->record);
    }
  return result;
}

gboolean
cb_directory_assists (CbDirectory *self,
                      gint64       assistant_id,
                      gint64       leader_id,
                      gboolean     logged_in_only)
{
  UserEntry *entry = lookup_user (self, assistant_id);

  for (guint i = 0; entry != NULL && leader_id > 0 && i < entry->member_of->len; i++)
    {
      GroupEntry *g = g_ptr_array_index (entry->member_of, i);

      if (g->record->kind == CB_GROUP_KIND_ASSISTANT && g->record->leader_id == leader_id &&
          (!logged_in_only || cb_directory_is_logged_in (self, g->id, assistant_id)))
        return TRUE;
    }
  return FALSE;
}

const char *
cb_directory_search_key (CbDirectory *self,
                         gint64       user_id)
{
  UserEntry *entry = lookup_user (self, user_id);

  return entry != NULL ? entry->search_key : NULL;
}

/* ---- queue statistics ------------------------------------------------------ */

void
cb_directory_set_queue_stats (CbDirectory        *self,
                              gint64              group_id,
                              const CbQueueStats *stats)
{
  g_return_if_fail (CB_IS_DIRECTORY (self));

  g_hash_table_insert (self->queue_stats, g_memdup2 (&group_id, sizeof group_id),
                       g_memdup2 (stats, sizeof *stats));
}

void
cb_directory_get_queue_stats (CbDirectory  *self,
                              gint64        group_id,
                              CbQueueStats *stats)
{
  const CbQueueStats *known;

  g_return_if_fail (CB_IS_DIRECTORY (self));

  known = g_hash_table_lookup (self->queue_stats, &group_id);
  if (known != NULL)
    *stats = *known;
  else
    memset (stats, 0, sizeof *stats);
}

void
cb_directory_set_group_ringing (CbDirectory *self,
                                gint64       group_id,
                                guint        ringing)
{
  g_return_if_fail (CB_IS_DIRECTORY (self));

  if (ringing == 0)
    g_hash_table_remove (self->ringing, &group_id);
  else
    g_hash_table_insert (self->ringing, g_memdup2 (&group_id, sizeof group_id),
                         GUINT_TO_POINTER (ringing));
}

guint
cb_directory_get_group_ringing (CbDirectory *self,
                                gint64       group_id)
{
  g_return_val_if_fail (CB_IS_DIRECTORY (self), 0);

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->ringing, &group_id));
}
