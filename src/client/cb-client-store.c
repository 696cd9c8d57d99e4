/* cb-client-store.c: the client's local copy of what the server shows it
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Item objects are created once per id and updated in place; lists change
 * by splices so a view of 10,000 contacts sees one items-changed per
 * snapshot rather than one per contact.
 *
 * Why one file of this size (about 1,300 lines): one object applies one
 * stream, a snapshot then events in seq order, to indexes every part
 * shares (contacts by id, groups by id, the lists and keys that name
 * them): a user event refreshes groups, lists and keys at once, a
 * snapshot reuses all their objects. Split by kind of item, each part
 * would reach into the others' indexes.
 */

#define G_LOG_DOMAIN "cb-client"

#include "cb-client-private.h"

struct _CbClientStore
{
  GObject     parent_instance;

  gint64      seq;
  guint       applied_count;
  gint64      me_id;
  CbContact  *me;

  GHashTable *contacts;          /* gint64 id -> CbContact (owned) */
  GHashTable *group_index;       /* gint64 id -> CbGroup (owned) */
  GListStore *directory;         /* CbContact, sorted by _cb_contact_compare */
  GListStore *favourites;        /* CbContact, server order */
  GListStore *monitor;           /* CbContact, server order */
  GListStore *groups;            /* CbGroup, server order */
  GListStore *journal;           /* CbJournalEntry, newest (highest id) first */
  guint       missed_count;
  gint64      seen_up_to;        /* the journal is looked at up to this id */
  GListStore *blf;               /* CbBlfKey, server order */
  GHashTable *blf_index;         /* gint64 key id -> CbBlfKey (owned) */

  /* The lists as the server sent them, including ids not (yet) visible, so
   * an entry shows up once its contact arrives in a "user" event. */
  GArray     *favourite_ids;
  GArray     *monitor_ids;
  /* Their entries only a group gives: not the user's to remove. */
  GArray     *favourites_from_groups;
  GArray     *monitor_from_groups;

  /* Above directory_limit visible users the store holds only the people
   * it shows and those found by a search (directory_complete FALSE). */
  guint       directory_limit;
  guint       directory_size;    /* visible users in the last snapshot */
  gboolean    directory_complete;
};

G_DEFINE_FINAL_TYPE (CbClientStore, cb_client_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SEQ,
  PROP_ME,
  PROP_DIRECTORY,
  PROP_FAVOURITES,
  PROP_MONITOR,
  PROP_GROUPS,
  PROP_APPLIED_COUNT,
  PROP_JOURNAL,
  PROP_MISSED_COUNT,
  PROP_SEEN_UP_TO,
  PROP_BLF,
  PROP_DIRECTORY_LIMIT,
  PROP_DIRECTORY_COMPLETE,
  PROP_DIRECTORY_SIZE,
  N_PROPS
};

enum {
  SIGNAL_EVENT_APPLIED,
  SIGNAL_SNAPSHOT_APPLIED,
  SIGNAL_NEEDS_SNAPSHOT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gint64     member_int   (JsonObject *object, const char *member);
static JsonArray *member_array (JsonObject *object, const char *member);
static void       ask_for_missing (CbClientStore *self,
                                   const gint64  *ids,
                                   guint          n_ids,
                                   const char    *what);

static void
cb_client_store_dispose (GObject *object)
{
  CbClientStore *self = CB_CLIENT_STORE (object);

  g_clear_object (&self->me);
  g_clear_object (&self->directory);
  g_clear_object (&self->favourites);
  g_clear_object (&self->monitor);
  g_clear_object (&self->groups);
  g_clear_object (&self->journal);
  g_clear_object (&self->blf);
  g_clear_pointer (&self->blf_index, g_hash_table_unref);
  g_clear_pointer (&self->contacts, g_hash_table_unref);
  g_clear_pointer (&self->group_index, g_hash_table_unref);
  g_clear_pointer (&self->favourite_ids, g_array_unref);
  g_clear_pointer (&self->monitor_ids, g_array_unref);
  g_clear_pointer (&self->favourites_from_groups, g_array_unref);
  g_clear_pointer (&self->monitor_from_groups, g_array_unref);

  G_OBJECT_CLASS (cb_client_store_parent_class)->dispose (object);
}

static void
cb_client_store_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CbClientStore *self = CB_CLIENT_STORE (object);

  switch (prop_id)
    {
    case PROP_SEQ:
      g_value_set_int64 (value, self->seq);
      break;
    case PROP_ME:
      g_value_set_object (value, self->me);
      break;
    case PROP_DIRECTORY:
      g_value_set_object (value, self->directory);
      break;
    case PROP_FAVOURITES:
      g_value_set_object (value, self->favourites);
      break;
    case PROP_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    case PROP_GROUPS:
      g_value_set_object (value, self->groups);
      break;
    case PROP_APPLIED_COUNT:
      g_value_set_uint (value, self->applied_count);
      break;
    case PROP_JOURNAL:
      g_value_set_object (value, self->journal);
      break;
    case PROP_MISSED_COUNT:
      g_value_set_uint (value, self->missed_count);
      break;
    case PROP_SEEN_UP_TO:
      g_value_set_int64 (value, self->seen_up_to);
      break;
    case PROP_BLF:
      g_value_set_object (value, self->blf);
      break;
    case PROP_DIRECTORY_LIMIT:
      g_value_set_uint (value, self->directory_limit);
      break;
    case PROP_DIRECTORY_COMPLETE:
      g_value_set_boolean (value, self->directory_complete);
      break;
    case PROP_DIRECTORY_SIZE:
      g_value_set_uint (value, self->directory_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_client_store_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CbClientStore *self = CB_CLIENT_STORE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY_LIMIT:
      cb_client_store_set_directory_limit (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_client_store_class_init (CbClientStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = cb_client_store_dispose;
  object_class->get_property = cb_client_store_get_property;
  object_class->set_property = cb_client_store_set_property;

  properties[PROP_SEQ] = g_param_spec_int64 ("seq", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_ME] = g_param_spec_object ("me", NULL, NULL, CB_TYPE_CONTACT, ro);
  /* The models themselves never change; their contents do. */
  properties[PROP_DIRECTORY] =
    g_param_spec_object ("directory", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAVOURITES] =
    g_param_spec_object ("favourites", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MONITOR] =
    g_param_spec_object ("monitor", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_GROUPS] =
    g_param_spec_object ("groups", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_APPLIED_COUNT] =
    g_param_spec_uint ("applied-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_JOURNAL] =
    g_param_spec_object ("journal", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MISSED_COUNT] =
    g_param_spec_uint ("missed-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_SEEN_UP_TO] =
    g_param_spec_int64 ("seen-up-to", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_BLF] =
    g_param_spec_object ("blf", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIRECTORY_LIMIT] =
    g_param_spec_uint ("directory-limit", NULL, NULL, 0, G_MAXUINT, G_MAXUINT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIRECTORY_COMPLETE] =
    g_param_spec_boolean ("directory-complete", NULL, NULL, TRUE, ro);
  properties[PROP_DIRECTORY_SIZE] =
    g_param_spec_uint ("directory-size", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_EVENT_APPLIED] =
    g_signal_new ("event-applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, CB_TYPE_EVENT_TYPE);
  signals[SIGNAL_SNAPSHOT_APPLIED] =
    g_signal_new ("snapshot-applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[SIGNAL_NEEDS_SNAPSHOT] =
    g_signal_new ("needs-snapshot", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
cb_client_store_init (CbClientStore *self)
{
  self->contacts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->group_index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->directory = g_list_store_new (CB_TYPE_CONTACT);
  self->favourites = g_list_store_new (CB_TYPE_CONTACT);
  self->monitor = g_list_store_new (CB_TYPE_CONTACT);
  self->groups = g_list_store_new (CB_TYPE_GROUP);
  self->journal = g_list_store_new (CB_TYPE_JOURNAL_ENTRY);
  self->blf = g_list_store_new (CB_TYPE_BLF_KEY);
  self->blf_index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->favourite_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->monitor_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->favourites_from_groups = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->monitor_from_groups = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->directory_limit = G_MAXUINT;
  self->directory_complete = TRUE;
}

CbClientStore *
cb_client_store_new (void)
{
  return g_object_new (CB_TYPE_CLIENT_STORE, NULL);
}

gint64
cb_client_store_get_seq (CbClientStore *self)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), 0);
  return self->seq;
}

CbContact *
cb_client_store_get_me (CbClientStore *self)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), NULL);
  return self->me;
}

GListModel *
cb_client_store_get_directory (CbClientStore *self)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), NULL);
  return G_LIST_MODEL (self->directory);
}

guint
cb_client_store_get_directory_limit (CbClientStore *self)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), 0);
  return self->directory_limit;
}

void
cb_client_store_set_directory_limit (CbClientStore *self,
                                     guint          limit)
{
  g_return_if_fail (CB_IS_CLIENT_STORE (self));

  if (self->directory_limit == limit)
    return;
  self->directory_limit = limit;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRECTORY_LIMIT]);
}

gboolean
cb_client_store_get_directory_complete (CbClientStore *self)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), TRUE);
  return self->directory_complete;
}

guint
cb_client_store_get_directory_size (CbClientStore *self)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), 0);
  return self->directory_size;
}

GListModel *
cb_client_store_get_favourites (CbClientStore *self)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), NULL);
  return G_LIST_MODEL (self->favourites);
}

GListModel *
cb_client_store_get_monitor (CbClientStore *self)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), NULL);
  return G_LIST_MODEL (self->monitor);
}

GListModel *
cb_client_store_get_groups (CbClientStore *self)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), NULL);
  return G_LIST_MODEL (self->groups);
}

CbContact *
cb_client_store_lookup_contact (CbClientStore *self,
                                gint64         user_id)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), NULL);
  return g_hash_table_lookup (self->contacts, &user_id);
}

CbGroup *
cb_client_store_lookup_group (CbClientStore *self,
                              gint64         group_id)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), NULL);
  return g_hash_table_lookup (self->group_index, &group_id);
}

GListModel *
cb_client_store_get_journal (CbClientStore *self)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), NULL);
  return G_LIST_MODEL (self->journal);
}

GListModel *
cb_client_store_get_blf (CbClientStore *self)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), NULL);
  return G_LIST_MODEL (self->blf);
}

CbBlfKey *
cb_client_store_lookup_blf_key (CbClientStore *self,
                                gint64         key_id)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), NULL);
  return g_hash_table_lookup (self->blf_index, &key_id);
}

guint
cb_client_store_get_missed_count (CbClientStore *self)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), 0);
  return self->missed_count;
}

CbContact *
cb_client_store_lookup_number (CbClientStore *self,
                               const char    *number)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), NULL);

  if (number == NULL || *number == '\0')
    return NULL;
  /* A linear walk: it runs once per call, not per frame. */
  g_hash_table_iter_init (&iter, self->contacts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (cb_contact_get_extension (value), number) == 0)
      return value;
  return NULL;
}

static void
set_missed_count (CbClientStore *self,
                  guint          count)
{
  if (self->missed_count == count)
    return;
  self->missed_count = count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MISSED_COUNT]);
}

static gint64
newest_journal_id (CbClientStore *self)
{
  g_autoptr(CbJournalEntry) first = g_list_model_get_item (G_LIST_MODEL (self->journal), 0);

  return first != NULL ? cb_journal_entry_get_id (first) : 0;
}

/* Only ever forward, as on the server: a page or answer older than what
 * another device reported moves nothing back. */
static void
set_seen_up_to (CbClientStore *self,
                gint64         seen_up_to)
{
  if (seen_up_to <= self->seen_up_to)
    return;
  self->seen_up_to = seen_up_to;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEEN_UP_TO]);
}

/* Missed and not looked at yet: what the badge counts. */
static gboolean
counts_as_missed (CbClientStore  *self,
                  CbJournalEntry *entry)
{
  return cb_journal_entry_get_missed (entry) && cb_journal_entry_get_id (entry) > self->seen_up_to;
}

gboolean
cb_client_store_apply_journal (CbClientStore  *self,
                               JsonObject     *page,
                               GError        **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *array;
  gint64 newest = 0;
  guint missed;
  guint n_kept = 0;
  guint n_items;

  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), FALSE);

  array = member_array (page, "entries");
  if (array == NULL)
    {
      g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                           "The journal page has no entries");
      return FALSE;
    }
  missed = (guint) CLAMP (member_int (page, "missed"), 0, G_MAXUINT);
  set_seen_up_to (self, member_int (page, "seen_up_to"));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(CbWireJournalEntry) wire = NULL;
      g_autoptr(GError) entry_error = NULL;
      CbJournalEntry *entry;

      /* One entry we cannot read does not cost the others. */
      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          (wire = cb_wire_journal_entry_from_json (json_node_get_object (node), &entry_error)) == NULL ||
          (entry = _cb_journal_entry_new (wire)) == NULL)
        {
          g_debug ("Skipping journal entry %u: %s", i,
                   entry_error != NULL ? entry_error->message : "not an entry");
          continue;
        }
      newest = MAX (newest, cb_journal_entry_get_id (entry));
      g_ptr_array_add (entries, entry);
    }

  /* Entries that came as events while the request was under way are newer
   * than the page and not counted in its "missed": keep them on top. */
  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->journal));
  for (; n_kept < n_items; n_kept++)
    {
      g_autoptr(CbJournalEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->journal), n_kept);

      if (cb_journal_entry_get_id (entry) <= newest)
        break;
      if (counts_as_missed (self, entry))
        missed++;
    }

  g_list_store_splice (self->journal, n_kept, n_items - n_kept,
                       entries->pdata, entries->len);
  set_missed_count (self, missed);
  return TRUE;
}

static gboolean
apply_journal_entry (CbClientStore *self,
                     JsonObject    *data)
{
  g_autoptr(CbWireJournalEntry) wire = cb_wire_journal_entry_from_json (data, NULL);
  g_autoptr(CbJournalEntry) entry = wire != NULL ? _cb_journal_entry_new (wire) : NULL;

  /* The server writes entries in id order; an id we have is a replay. */
  if (entry == NULL || cb_journal_entry_get_id (entry) <= newest_journal_id (self))
    return FALSE;

  g_list_store_insert (self->journal, 0, entry);
  if (counts_as_missed (self, entry))
    set_missed_count (self, self->missed_count + 1);
  return TRUE;
}

gboolean
cb_client_store_apply_journal_seen (CbClientStore *self,
                                    JsonObject    *data)
{
  JsonNode *missed;

  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  missed = json_object_get_member (data, "missed");
  if (!json_object_has_member (data, "seen_up_to") || missed == NULL ||
      !JSON_NODE_HOLDS_VALUE (missed))
    return FALSE;
  /* An answer overtaken by a newer one (another device looked further)
   * moves nothing back. */
  if (member_int (data, "seen_up_to") < self->seen_up_to)
    return FALSE;
  set_seen_up_to (self, member_int (data, "seen_up_to"));
  set_missed_count (self, (guint) CLAMP (member_int (data, "missed"), 0, G_MAXUINT));
  return TRUE;
}

gint64
cb_client_store_get_seen_up_to (CbClientStore *self)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), 0);
  return self->seen_up_to;
}

guint
cb_client_store_get_applied_count (CbClientStore *self)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), 0);
  return self->applied_count;
}

/* --- helpers --- */

static CbContact *
lookup_contact_cb (gint64   user_id,
                   gpointer user_data)
{
  CbClientStore *self = user_data;

  return g_hash_table_lookup (self->contacts, &user_id);
}

static gint64 *
id_key (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static gint64
member_int (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

static JsonArray *
member_array (JsonObject *object,
              const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

/* Replaces the contents of store with items unless they are already the
 * same objects in the same order, so an unchanged list emits nothing. */
static void
splice_if_changed (GListStore *store,
                   GPtrArray  *items)
{
  GListModel *model = G_LIST_MODEL (store);
  guint n_old = g_list_model_get_n_items (model);
  gboolean same = n_old == items->len;

  for (guint i = 0; same && i < n_old; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      same = item == g_ptr_array_index (items, i);
    }
  if (!same)
    g_list_store_splice (store, 0, n_old, items->pdata, items->len);
}

static int
compare_contact_ptrs (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  return _cb_contact_compare (*(CbContact * const *) a, *(CbContact * const *) b, NULL);
}

static void
sync_list (CbClientStore *self,
           GListStore    *store,
           GArray        *ids)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);

  for (guint i = 0; i < ids->len; i++)
    {
      CbContact *contact = cb_client_store_lookup_contact (self, g_array_index (ids, gint64, i));

      /* The server sends no duplicates; a list model with one would make
       * two rows share an item, which GTK list views do not expect. */
      if (contact == NULL || !g_hash_table_add (seen, contact))
        continue;
      g_ptr_array_add (items, contact);
    }
  splice_if_changed (store, items);
}

static void
replace_ids (GArray **field,
             GArray  *ids)
{
  g_clear_pointer (field, g_array_unref);
  *field = g_array_ref (ids);
}

static void
set_id_list (CbClientStore  *self,
             GArray        **field,
             GListStore     *store,
             GArray         *ids)
{
  replace_ids (field, ids);
  sync_list (self, store, ids);
}

static void
set_me (CbClientStore *self,
        CbContact     *me)
{
  if (g_set_object (&self->me, me))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ME]);
}

/* --- snapshot --- */

/* Takes id's value (and its reference) out of table; NULL if absent. */
static gpointer
steal_from (GHashTable *table,
            gint64      id)
{
  gpointer key = NULL;
  gpointer value = NULL;

  if (!g_hash_table_steal_extended (table, &id, &key, &value))
    return NULL;
  g_free (key);
  return value;
}

static CbContact *
take_or_create_contact (GHashTable *old_contacts,
                        GHashTable *new_contacts,
                        gint64      id)
{
  CbContact *contact = g_hash_table_lookup (new_contacts, &id);

  if (contact != NULL)
    return contact;

  /* Reuse the object a widget may be bound to. */
  contact = steal_from (old_contacts, id);
  if (contact == NULL)
    contact = cb_contact_new (id);
  g_hash_table_insert (new_contacts, id_key (id), contact);
  return contact;
}

/* --- busy lamp field --- */

static void
resolve_blf_key (CbClientStore *self,
                 CbBlfKey      *key)
{
  gint64 target = cb_blf_key_get_target_id (key);
  CbBlfKeyKind kind = cb_blf_key_get_kind (key);

  _cb_blf_key_set_targets (key,
                           kind == CB_BLF_KEY_KIND_USER ? cb_client_store_lookup_contact (self, target) : NULL,
                           kind == CB_BLF_KEY_KIND_GROUP ? cb_client_store_lookup_group (self, target) : NULL);
}

/* The keys pointing at this user or group know it (again, or no more). */
static void
refresh_blf_targets (CbClientStore *self,
                     CbBlfKeyKind   kind,
                     gint64         target_id)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->blf_index);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (cb_blf_key_get_kind (value) == kind && cb_blf_key_get_target_id (value) == target_id)
      resolve_blf_key (self, value);
}

/* The whole field, in the server's order; keys are reused by id so a tile
 * bound to one stays bound. */
static void
set_blf_keys (CbClientStore *self,
              GPtrArray     *wires)
{
  g_autoptr(GHashTable) old_index = g_steal_pointer (&self->blf_index);
  g_autoptr(GPtrArray) items = g_ptr_array_sized_new (wires->len);

  self->blf_index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  for (guint i = 0; i < wires->len; i++)
    {
      const CbWireBlfKey *wire = g_ptr_array_index (wires, i);
      CbBlfKey *key;

      if (g_hash_table_contains (self->blf_index, &wire->id))
        continue;
      key = steal_from (old_index, wire->id);
      if (key == NULL)
        key = _cb_blf_key_new (wire->id);
      g_hash_table_insert (self->blf_index, id_key (wire->id), key);
      _cb_blf_key_update (key, wire,
                          wire->kind == CB_BLF_KEY_KIND_USER
                          ? cb_client_store_lookup_contact (self, wire->target_id) : NULL,
                          wire->kind == CB_BLF_KEY_KIND_GROUP
                          ? cb_client_store_lookup_group (self, wire->target_id) : NULL);
      g_ptr_array_add (items, key);
    }
  splice_if_changed (self->blf, items);
}

static gboolean
apply_blf_keys (CbClientStore  *self,
                JsonObject     *object,
                GError        **error)
{
  JsonArray *array = member_array (object, "keys");
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GArray) targets = NULL;

  if (array == NULL)
    {
      g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                           "Field “keys” must be an array of busy lamp field keys");
      return FALSE;
    }
  keys = _cb_snapshot_read_blf_keys (array);
  set_blf_keys (self, keys);
  targets = g_array_sized_new (FALSE, FALSE, sizeof (gint64), keys->len);
  for (guint i = 0; i < keys->len; i++)
    {
      const CbWireBlfKey *key = g_ptr_array_index (keys, i);

      if (key->kind == CB_BLF_KEY_KIND_USER)
        g_array_append_val (targets, key->target_id);
    }
  ask_for_missing (self, (const gint64 *) (gpointer) targets->data, targets->len, "busy lamp field");
  return TRUE;
}

gboolean
cb_client_store_apply_blf (CbClientStore  *self,
                           JsonObject     *answer,
                           GError        **error)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), FALSE);
  g_return_val_if_fail (answer != NULL, FALSE);

  return apply_blf_keys (self, answer, error);
}

/* --- the directory's limit --- */

/* Hunt and assistant groups show their members (the groups page);
 * authorisation groups only decide who sees whom. */
static gboolean
shows_members (CbGroupKind kind)
{
  return kind == CB_GROUP_KIND_HUNT || kind == CB_GROUP_KIND_ASSISTANT;
}

static void
add_id (GHashTable *set,
        gint64      id)
{
  if (id > 0 && !g_hash_table_contains (set, &id))
    g_hash_table_add (set, id_key (id));
}

/* Whom a directory above the limit loads: the people the client shows
 * without a search (the user, favourites, monitor, the busy lamp field,
 * the members of the groups on the groups page), and whoever it holds
 * already (found by a search, perhaps bound to a widget). */
static GHashTable *
shown_ids (CbClientStore *self,
           CbSnapshot    *snapshot)
{
  GHashTable *set = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer key;

  add_id (set, snapshot->me->id);
  for (guint i = 0; i < snapshot->favourite_ids->len; i++)
    add_id (set, g_array_index (snapshot->favourite_ids, gint64, i));
  for (guint i = 0; i < snapshot->monitor_ids->len; i++)
    add_id (set, g_array_index (snapshot->monitor_ids, gint64, i));
  for (guint i = 0; i < snapshot->blf_keys->len; i++)
    {
      const CbWireBlfKey *key_wire = g_ptr_array_index (snapshot->blf_keys, i);

      if (key_wire->kind == CB_BLF_KEY_KIND_USER)
        add_id (set, key_wire->target_id);
    }
  for (guint i = 0; i < snapshot->groups->len; i++)
    {
      const CbWireGroup *group = g_ptr_array_index (snapshot->groups, i);

      if (!shows_members (group->kind))
        continue;
      add_id (set, group->leader_id);
      add_id (set, group->deputy_id);
      for (guint m = 0; m < group->n_members; m++)
        add_id (set, group->members[m].user_id);
    }
  g_hash_table_iter_init (&iter, self->contacts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    add_id (set, *(gint64 *) key);
  return set;
}

static void
set_directory_state (CbClientStore *self,
                     gboolean       complete,
                     guint          size)
{
  if (self->directory_complete != complete)
    {
      self->directory_complete = complete;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRECTORY_COMPLETE]);
    }
  if (self->directory_size != size)
    {
      self->directory_size = size;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRECTORY_SIZE]);
    }
}

/* --- snapshot --- */

gboolean
cb_client_store_apply_snapshot (CbClientStore  *self,
                                JsonObject     *object,
                                GError        **error)
{
  g_autoptr(CbSnapshot) snapshot = NULL;

  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), FALSE);
  g_return_val_if_fail (object != NULL, FALSE);

  snapshot = cb_snapshot_new_from_json (object, error);
  if (snapshot == NULL)
    return FALSE;
  cb_client_store_apply_loaded_snapshot (self, snapshot);
  return TRUE;
}

void
cb_client_store_apply_loaded_snapshot (CbClientStore *self,
                                       CbSnapshot    *snapshot)
{
  g_autoptr(GHashTable) old_contacts = NULL;
  g_autoptr(GHashTable) old_groups = NULL;
  g_autoptr(GHashTable) shown = NULL;
  g_autoptr(GPtrArray) sorted = NULL;
  g_autoptr(GPtrArray) group_items = NULL;
  GHashTableIter iter;
  gpointer value;
  gboolean complete;
  CbContact *me;

  g_return_if_fail (CB_IS_CLIENT_STORE (self));
  g_return_if_fail (snapshot != NULL);

  g_object_freeze_notify (G_OBJECT (self));

  complete = snapshot->users->len <= self->directory_limit;
  if (!complete)
    shown = shown_ids (self, snapshot);

  /* Contacts: move the survivors into a fresh table; what is left in the
   * old one has vanished. O(n) with the hash index. */
  self->me_id = snapshot->me->id;
  old_contacts = g_steal_pointer (&self->contacts);
  self->contacts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);

  for (guint i = 0; i < snapshot->users->len; i++)
    {
      const CbWireUser *user = g_ptr_array_index (snapshot->users, i);
      CbContact *contact;

      if (user->id == self->me_id)
        continue;  /* "me" carries the personal-level view; applied below */
      if (shown != NULL && !g_hash_table_contains (shown, &user->id))
        continue;  /* found by searching the server when asked for */
      contact = take_or_create_contact (old_contacts, self->contacts, user->id);
      _cb_contact_update (contact, user);
      _cb_contact_set_is_self (contact, FALSE);
    }

  me = take_or_create_contact (old_contacts, self->contacts, self->me_id);
  _cb_contact_update (me, snapshot->me);
  _cb_contact_set_is_self (me, TRUE);
  set_me (self, me);

  /* Directory: one sort, one splice. */
  sorted = g_ptr_array_sized_new (g_hash_table_size (self->contacts));
  g_hash_table_iter_init (&iter, self->contacts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (sorted, value);
  g_ptr_array_sort_with_data (sorted, compare_contact_ptrs, NULL);
  splice_if_changed (self->directory, sorted);

  /* Groups, reused by id, in server order. */
  old_groups = g_steal_pointer (&self->group_index);
  self->group_index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  group_items = g_ptr_array_new ();
  for (guint i = 0; i < snapshot->groups->len; i++)
    {
      const CbWireGroup *wire = g_ptr_array_index (snapshot->groups, i);
      CbGroup *group;

      if (g_hash_table_contains (self->group_index, &wire->id))
        continue;
      group = steal_from (old_groups, wire->id);
      if (group == NULL)
        group = _cb_group_new (wire->id);
      g_hash_table_insert (self->group_index, id_key (wire->id), group);
      _cb_group_update (group, wire, self->me_id, lookup_contact_cb, self);
      g_ptr_array_add (group_items, group);
    }
  splice_if_changed (self->groups, group_items);

  set_id_list (self, &self->favourite_ids, self->favourites, snapshot->favourite_ids);
  set_id_list (self, &self->monitor_ids, self->monitor, snapshot->monitor_ids);
  replace_ids (&self->favourites_from_groups, snapshot->favourites_from_groups);
  replace_ids (&self->monitor_from_groups, snapshot->monitor_from_groups);
  set_blf_keys (self, snapshot->blf_keys);

  /* A snapshot names no calls: a call that rang at a colleague before it
   * may have been missed in between. Whoever no longer rings has none. */
  g_hash_table_iter_init (&iter, self->contacts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (cb_contact_get_line_state (value) != CB_LINE_STATE_RINGING)
      _cb_contact_clear_ringing_calls (value);

  /* A snapshot is authoritative, also when its seq is lower than ours (a
   * server restored from backup): later events are judged against it. */
  if (self->seq != snapshot->seq)
    {
      self->seq = snapshot->seq;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEQ]);
    }
  set_directory_state (self, complete, snapshot->users->len);

  g_object_thaw_notify (G_OBJECT (self));

  g_debug ("Snapshot applied: seq %" G_GINT64_FORMAT ", %u of %u users as contacts (%u gone), "
           "%u groups", snapshot->seq, g_hash_table_size (self->contacts), snapshot->users->len,
           g_hash_table_size (old_contacts), g_hash_table_size (self->group_index));

  g_signal_emit (self, signals[SIGNAL_SNAPSHOT_APPLIED], 0);
}

/* --- events --- */

static gboolean
contains_id (GArray *ids,
             gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

gboolean
cb_client_store_favourite_from_group (CbClientStore *self,
                                      gint64         user_id)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), FALSE);
  return contains_id (self->favourites_from_groups, user_id);
}

gboolean
cb_client_store_monitored_from_group (CbClientStore *self,
                                      gint64         user_id)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), FALSE);
  return contains_id (self->monitor_from_groups, user_id);
}

/* Whether a directory above the limit would show this user without a
 * search (see shown_ids()); in a complete one everyone is. */
static gboolean
is_shown (CbClientStore *self,
          gint64         user_id)
{
  GHashTableIter iter;
  gpointer value;

  if (self->directory_complete || user_id == self->me_id ||
      contains_id (self->favourite_ids, user_id) || contains_id (self->monitor_ids, user_id))
    return TRUE;
  g_hash_table_iter_init (&iter, self->blf_index);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (cb_blf_key_get_kind (value) == CB_BLF_KEY_KIND_USER && cb_blf_key_get_target_id (value) == user_id)
      return TRUE;
  g_hash_table_iter_init (&iter, self->group_index);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (shows_members (cb_group_get_kind (value)) && _cb_group_lists_user (value, user_id))
      return TRUE;
  return FALSE;
}

/* A directory above the limit holds only whom it showed at the last
 * snapshot: an event naming someone else for a list or a group asks for
 * a new snapshot, which loads them (rare: a favourite added on another
 * device, a new member). */
static void
ask_for_missing (CbClientStore *self,
                 const gint64  *ids,
                 guint          n_ids,
                 const char    *what)
{
  if (self->directory_complete)
    return;
  for (guint i = 0; i < n_ids; i++)
    if (ids[i] > 0 && cb_client_store_lookup_contact (self, ids[i]) == NULL)
      {
        g_debug ("The %s names user %" G_GINT64_FORMAT ", not loaded: asking for a snapshot",
                 what, ids[i]);
        g_signal_emit (self, signals[SIGNAL_NEEDS_SNAPSHOT], 0);
        return;
      }
}

static void
reposition_contact (CbClientStore *self,
                    CbContact     *contact)
{
  guint position;

  if (g_list_store_find (self->directory, contact, &position))
    {
      /* Only move when the neighbours say the order broke. */
      GListModel *model = G_LIST_MODEL (self->directory);
      guint n = g_list_model_get_n_items (model);
      g_autoptr(CbContact) before = position > 0 ? g_list_model_get_item (model, position - 1) : NULL;
      g_autoptr(CbContact) after = position + 1 < n ? g_list_model_get_item (model, position + 1) : NULL;

      if ((before == NULL || _cb_contact_compare (before, contact, NULL) < 0) &&
          (after == NULL || _cb_contact_compare (contact, after, NULL) < 0))
        return;
      g_list_store_remove (self->directory, position);
    }
  g_list_store_insert_sorted (self->directory, contact, _cb_contact_compare, NULL);
}

static void
refresh_after_contact_change (CbClientStore *self,
                              gint64         user_id)
{
  GHashTableIter iter;
  gpointer value;

  /* Groups and lists may name a contact the store did not know. */
  g_hash_table_iter_init (&iter, self->group_index);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      CbGroup *group = value;

      if (_cb_group_lists_user (group, user_id))
        _cb_group_refresh_members (group, self->me_id, lookup_contact_cb, self);
    }
  sync_list (self, self->favourites, self->favourite_ids);
  sync_list (self, self->monitor, self->monitor_ids);
  refresh_blf_targets (self, CB_BLF_KEY_KIND_USER, user_id);
}

static void
remove_contact (CbClientStore *self,
                CbContact     *contact)
{
  g_autoptr(CbContact) hold = g_object_ref (contact);
  gint64 id = cb_contact_get_id (contact);
  guint position;

  if (g_list_store_find (self->directory, contact, &position))
    g_list_store_remove (self->directory, position);
  g_hash_table_remove (self->contacts, &id);
  refresh_after_contact_change (self, id);
}

/* A user the store did not hold: a contact, listed in the directory and
 * wherever lists and groups name them. */
static CbContact *
add_contact (CbClientStore    *self,
             const CbWireUser *user)
{
  CbContact *contact = cb_contact_new (user->id);

  g_hash_table_insert (self->contacts, id_key (user->id), contact);
  _cb_contact_update (contact, user);
  _cb_contact_set_is_self (contact, user->id == self->me_id);
  g_list_store_insert_sorted (self->directory, contact, _cb_contact_compare, NULL);
  refresh_after_contact_change (self, user->id);
  if (user->id == self->me_id)
    set_me (self, contact);
  return contact;
}

static void
update_contact (CbClientStore    *self,
                CbContact        *contact,
                const CbWireUser *user)
{
  g_autofree char *old_key = g_strdup (_cb_contact_get_sort_key (contact));

  _cb_contact_update (contact, user);
  if (g_strcmp0 (old_key, _cb_contact_get_sort_key (contact)) != 0)
    reposition_contact (self, contact);
}

static gboolean
apply_user (CbClientStore *self,
            JsonObject    *data)
{
  g_autoptr(CbWireUser) user = cb_wire_user_from_json (data, NULL);
  CbContact *contact;

  if (user == NULL || user->id <= 0)
    return FALSE;

  contact = cb_client_store_lookup_contact (self, user->id);

  /* Visibility changes come with a resync, but never keep a contact the
   * server says this viewer may not see. */
  if (user->level == CB_LEVEL_NONE && user->id != self->me_id)
    {
      if (contact != NULL)
        remove_contact (self, contact);
      return TRUE;
    }

  if (contact != NULL)
    update_contact (self, contact, user);
  /* Above the limit only who is shown gets loaded; a search finds the
   * others with what they are now. */
  else if (is_shown (self, user->id))
    add_contact (self, user);
  else
    return FALSE;
  return TRUE;
}

GPtrArray *
cb_client_store_add_found_users (CbClientStore  *self,
                                 JsonObject     *answer,
                                 GError        **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *array;

  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), NULL);
  g_return_val_if_fail (answer != NULL, NULL);

  array = member_array (answer, "users");
  if (array == NULL)
    {
      g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                           "Field “users” must be an array of user objects");
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(CbWireUser) user = JSON_NODE_HOLDS_OBJECT (element)
                                   ? cb_wire_user_from_json (json_node_get_object (element), NULL)
                                   : NULL;
      CbContact *contact;

      if (user == NULL || user->id <= 0 || user->level == CB_LEVEL_NONE)
        continue;
      contact = cb_client_store_lookup_contact (self, user->id);
      /* The user's own contact keeps the snapshot's personal view. */
      if (contact != NULL && user->id != self->me_id)
        update_contact (self, contact, user);
      else if (contact == NULL)
        contact = add_contact (self, user);
      g_ptr_array_add (found, g_object_ref (contact));
    }
  return g_steal_pointer (&found);
}

static gboolean
apply_group (CbClientStore *self,
             JsonObject    *data)
{
  g_autoptr(CbWireGroup) wire = cb_wire_group_from_json (data, NULL);
  CbGroup *group;

  if (wire == NULL || wire->id <= 0)
    return FALSE;

  if (shows_members (wire->kind))
    {
      g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), wire->n_members + 2);

      g_array_append_val (ids, wire->leader_id);
      g_array_append_val (ids, wire->deputy_id);
      for (guint i = 0; i < wire->n_members; i++)
        g_array_append_val (ids, wire->members[i].user_id);
      ask_for_missing (self, (const gint64 *) (gpointer) ids->data, ids->len, "group");
    }

  group = cb_client_store_lookup_group (self, wire->id);
  if (group == NULL)
    {
      group = _cb_group_new (wire->id);
      g_hash_table_insert (self->group_index, id_key (wire->id), group);
      _cb_group_update (group, wire, self->me_id, lookup_contact_cb, self);
      g_list_store_append (self->groups, group);
      refresh_blf_targets (self, CB_BLF_KEY_KIND_GROUP, wire->id);
      return TRUE;
    }

  _cb_group_update (group, wire, self->me_id, lookup_contact_cb, self);
  return TRUE;
}

static gboolean
apply_queue_stats (CbClientStore *self,
                   JsonObject    *data)
{
  CbWireQueueStats stats;
  gint64 group_id = 0;
  CbGroup *group;

  if (!cb_wire_queue_stats_from_json (data, &group_id, &stats, NULL) ||
      (group = cb_client_store_lookup_group (self, group_id)) == NULL)
    return FALSE;
  _cb_group_apply_queue_stats (group, &stats);
  return TRUE;
}

static gboolean
apply_group_calls (CbClientStore *self,
                   JsonObject    *data)
{
  gint64 group_id = 0;
  guint ringing = 0;
  CbGroup *group;

  if (!cb_wire_group_calls_from_json (data, &group_id, &ringing, NULL) ||
      (group = cb_client_store_lookup_group (self, group_id)) == NULL)
    return FALSE;
  _cb_group_set_ringing (group, ringing);
  return TRUE;
}

/* A colleague's call (the server sends them at team level): what rings
 * there may be picked up. The user's own calls are the softphone's. */
static gboolean
apply_call (CbClientStore *self,
            JsonObject    *data)
{
  g_autoptr(CbWireCall) call = cb_wire_call_from_json (data, NULL);
  CbContact *contact;

  if (call == NULL || call->user_id == self->me_id ||
      (contact = cb_client_store_lookup_contact (self, call->user_id)) == NULL)
    return FALSE;
  return _cb_contact_apply_call (contact, call, self->me_id);
}

static gboolean
apply_presence (CbClientStore *self,
                JsonObject    *data)
{
  CbContact *contact = cb_client_store_lookup_contact (self, member_int (data, "user_id"));
  int availability;

  if (contact == NULL)
    return FALSE;
  if (!cb_enum_from_nick (CB_TYPE_AVAILABILITY,
                          json_object_get_string_member_with_default (data, "availability", NULL),
                          &availability))
    return FALSE;

  _cb_contact_set_presence (contact, availability,
                            json_object_get_string_member_with_default (data, "note", NULL),
                            member_int (data, "note_until"));
  return TRUE;
}

static gboolean
apply_agent_status (CbClientStore *self,
                    JsonObject    *data)
{
  CbContact *contact = cb_client_store_lookup_contact (self, member_int (data, "user_id"));
  int status;

  if (contact == NULL)
    return FALSE;
  if (!cb_enum_from_nick (CB_TYPE_AGENT_STATUS,
                          json_object_get_string_member_with_default (data, "agent_status", NULL),
                          &status))
    return FALSE;

  _cb_contact_set_agent_status (contact, status);
  return TRUE;
}

static gboolean
apply_line_state (CbClientStore *self,
                  JsonObject    *data)
{
  CbContact *contact = cb_client_store_lookup_contact (self, member_int (data, "user_id"));
  int state;

  if (contact == NULL)
    return FALSE;
  if (!cb_enum_from_nick (CB_TYPE_LINE_STATE,
                          json_object_get_string_member_with_default (data, "line_state", NULL),
                          &state))
    return FALSE;

  _cb_contact_set_line_state (contact, state);
  return TRUE;
}

static gboolean
apply_group_login (CbClientStore *self,
                   JsonObject    *data)
{
  gint64 user_id = member_int (data, "user_id");
  gint64 group_id = member_int (data, "group_id");
  CbContact *contact = cb_client_store_lookup_contact (self, user_id);
  CbGroup *group = cb_client_store_lookup_group (self, group_id);
  JsonNode *node = json_object_get_member (data, "logged_in");
  const char *group_name;
  gboolean logged_in;

  if (group_id <= 0 || user_id <= 0 || node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  if (contact == NULL && group == NULL)
    return FALSE;

  logged_in = json_node_get_boolean (node);
  group_name = json_object_get_string_member_with_default (data, "group_name", NULL);
  if (group_name == NULL && group != NULL)
    group_name = cb_group_get_name (group);

  /* The server sends a login only to whom may know it (team level). */
  if (contact != NULL)
    _cb_contact_set_group_login (contact, group_id, group_name, logged_in);
  if (group != NULL)
    _cb_group_set_member_login (group, user_id, logged_in, self->me_id);
  return TRUE;
}

static gboolean
apply_list (CbClientStore  *self,
            GArray        **field,
            GArray        **from_groups,
            GListStore     *store,
            JsonObject     *data)
{
  JsonArray *array = member_array (data, "user_ids");
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) group_ids = NULL;

  if (array == NULL)
    return FALSE;
  ids = _cb_snapshot_read_ids (array);
  group_ids = _cb_snapshot_read_ids (member_array (data, "from_groups"));
  replace_ids (from_groups, group_ids);
  set_id_list (self, field, store, ids);
  ask_for_missing (self, (const gint64 *) (gpointer) ids->data, ids->len, "list");
  return TRUE;
}

/* The seq moves on for every event, also one we could not use (a type
 * from a newer server, a user we cannot see): asking for it again on
 * resume would not make it more useful, and the pong must say how far we
 * got. */
static void
advance_seq (CbClientStore *self,
             gint64         seq)
{
  self->seq = seq;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEQ]);
}

gboolean
cb_client_store_apply_event (CbClientStore *self,
                             gint64         seq,
                             CbEventType    type,
                             JsonObject    *data)
{
  gboolean applied;

  g_return_val_if_fail (CB_IS_CLIENT_STORE (self), FALSE);

  if (data == NULL)
    return FALSE;
  /* A control frame is the session's business and carries no state. */
  if (type == CB_EVENT_TYPE_RESYNC)
    return FALSE;
  /* Never twice: a replay after reconnecting may overlap what we have. */
  if (seq <= self->seq)
    {
      g_debug ("Skipping %s event %" G_GINT64_FORMAT ": already at %" G_GINT64_FORMAT,
               cb_event_type_to_string (type), seq, self->seq);
      return FALSE;
    }

  switch (type)
    {
    case CB_EVENT_TYPE_PRESENCE:
      applied = apply_presence (self, data);
      break;
    case CB_EVENT_TYPE_AGENT_STATUS:
      applied = apply_agent_status (self, data);
      break;
    case CB_EVENT_TYPE_LINE_STATE:
      applied = apply_line_state (self, data);
      break;
    case CB_EVENT_TYPE_GROUP_LOGIN:
      applied = apply_group_login (self, data);
      break;
    case CB_EVENT_TYPE_FAVOURITES:
      applied = apply_list (self, &self->favourite_ids, &self->favourites_from_groups, self->favourites, data);
      break;
    case CB_EVENT_TYPE_MONITOR:
      applied = apply_list (self, &self->monitor_ids, &self->monitor_from_groups, self->monitor, data);
      break;
    case CB_EVENT_TYPE_USER:
      applied = apply_user (self, data);
      break;
    case CB_EVENT_TYPE_GROUP:
      applied = apply_group (self, data);
      break;
    case CB_EVENT_TYPE_JOURNAL:
      applied = apply_journal_entry (self, data);
      break;
    case CB_EVENT_TYPE_JOURNAL_SEEN:
      applied = cb_client_store_apply_journal_seen (self, data);
      break;
    case CB_EVENT_TYPE_QUEUE_STATS:
      applied = apply_queue_stats (self, data);
      break;
    case CB_EVENT_TYPE_BLF:
      applied = apply_blf_keys (self, data, NULL);
      break;
    case CB_EVENT_TYPE_GROUP_CALLS:
      applied = apply_group_calls (self, data);
      break;
    case CB_EVENT_TYPE_CALL:
      applied = apply_call (self, data);
      break;
    case CB_EVENT_TYPE_RESYNC:
    default:
      applied = FALSE;
      break;
    }

  advance_seq (self, seq);
  if (!applied)
    {
      g_debug ("Event %" G_GINT64_FORMAT " (%s) not applicable here", seq,
               cb_event_type_to_string (type));
      return FALSE;
    }

  self->applied_count++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APPLIED_COUNT]);
  g_signal_emit (self, signals[SIGNAL_EVENT_APPLIED], 0, seq, type);
  return TRUE;
}

void
cb_client_store_skip_event (CbClientStore *self,
                            gint64         seq)
{
  g_return_if_fail (CB_IS_CLIENT_STORE (self));

  if (seq <= self->seq)
    return;
  g_debug ("Event %" G_GINT64_FORMAT " of a type this client does not know", seq);
  advance_seq (self, seq);
}
