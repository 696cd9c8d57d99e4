/* cb-group.c: a group (authorisation, hunt or assistant group) and its members
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-client"

#include "cb-client-private.h"

/* A member as the server listed it, kept even while its contact is unknown
 * to the store, so the member can be shown once the contact appears. */
typedef struct {
  gint64   user_id;
  gboolean has_logged_in;
  gboolean logged_in;
} RawMember;

struct _CbGroup
{
  GObject         parent_instance;

  gint64          id;
  char           *name;
  char           *number;
  CbGroupKind     kind;
  CbRingStrategy  strategy;
  guint           member_timeout;
  CbLevel         level;
  CbLevel         leader_level;
  CbContact      *leader;
  CbContact      *deputy;

  GArray         *raw_members;     /* RawMember, ringing order */
  GListStore     *members;         /* CbGroupMember */
  GHashTable     *member_index;    /* gint64 user id -> CbGroupMember (borrowed) */
  guint           logged_in_count;
  char           *queue_order;
  guint           queue_waiting;
  gint64          queue_oldest_since;  /* unix seconds; 0: nobody waits */
  guint           ringing;             /* calls ringing at members now */
  guint           queue_answered;
  guint           queue_abandoned;
  /* Assistant groups: the leader's filter. */
  CbAssistantFilter filter;
  guint           filter_delay;

  guint           wrap_around : 1;
  guint           logged_in : 1;
  guint           is_member : 1;
  guint           filter_enabled : 1;
  guint           logout_allowed : 1;
};

G_DEFINE_FINAL_TYPE (CbGroup, cb_group, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_KIND,
  PROP_NUMBER,
  PROP_STRATEGY,
  PROP_MEMBER_TIMEOUT,
  PROP_WRAP_AROUND,
  PROP_LEVEL,
  PROP_LEADER_LEVEL,
  PROP_LEADER,
  PROP_DEPUTY,
  PROP_LOGGED_IN,
  PROP_IS_MEMBER,
  PROP_MEMBERS,
  PROP_LOGGED_IN_COUNT,
  PROP_QUEUE_ORDER,
  PROP_QUEUE_WAITING,
  PROP_QUEUE_OLDEST_WAITING_SINCE,
  PROP_QUEUE_ANSWERED,
  PROP_QUEUE_ABANDONED,
  PROP_RINGING,
  PROP_FILTER_ENABLED,
  PROP_FILTER,
  PROP_FILTER_DELAY,
  PROP_LOGOUT_ALLOWED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cb_group_dispose (GObject *object)
{
  CbGroup *self = CB_GROUP (object);

  g_clear_object (&self->leader);
  g_clear_object (&self->deputy);
  if (self->member_index != NULL)
    g_hash_table_remove_all (self->member_index);
  if (self->members != NULL)
    g_list_store_remove_all (self->members);

  G_OBJECT_CLASS (cb_group_parent_class)->dispose (object);
}

static void
cb_group_finalize (GObject *object)
{
  CbGroup *self = CB_GROUP (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->number, g_free);
  g_clear_pointer (&self->queue_order, g_free);
  g_clear_pointer (&self->raw_members, g_array_unref);
  g_clear_pointer (&self->member_index, g_hash_table_unref);
  g_clear_object (&self->members);

  G_OBJECT_CLASS (cb_group_parent_class)->finalize (object);
}

static void
cb_group_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  CbGroup *self = CB_GROUP (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_NUMBER:
      g_value_set_string (value, self->number);
      break;
    case PROP_STRATEGY:
      g_value_set_enum (value, self->strategy);
      break;
    case PROP_MEMBER_TIMEOUT:
      g_value_set_uint (value, self->member_timeout);
      break;
    case PROP_WRAP_AROUND:
      g_value_set_boolean (value, self->wrap_around);
      break;
    case PROP_LEVEL:
      g_value_set_enum (value, self->level);
      break;
    case PROP_LEADER_LEVEL:
      g_value_set_enum (value, self->leader_level);
      break;
    case PROP_LEADER:
      g_value_set_object (value, self->leader);
      break;
    case PROP_DEPUTY:
      g_value_set_object (value, self->deputy);
      break;
    case PROP_LOGGED_IN:
      g_value_set_boolean (value, self->logged_in);
      break;
    case PROP_IS_MEMBER:
      g_value_set_boolean (value, self->is_member);
      break;
    case PROP_MEMBERS:
      g_value_set_object (value, self->members);
      break;
    case PROP_LOGGED_IN_COUNT:
      g_value_set_uint (value, self->logged_in_count);
      break;
    case PROP_QUEUE_ORDER:
      g_value_set_string (value, self->queue_order);
      break;
    case PROP_QUEUE_WAITING:
      g_value_set_uint (value, self->queue_waiting);
      break;
    case PROP_QUEUE_OLDEST_WAITING_SINCE:
      g_value_set_int64 (value, self->queue_oldest_since);
      break;
    case PROP_QUEUE_ANSWERED:
      g_value_set_uint (value, self->queue_answered);
      break;
    case PROP_RINGING:
      g_value_set_uint (value, self->ringing);
      break;
    case PROP_QUEUE_ABANDONED:
      g_value_set_uint (value, self->queue_abandoned);
      break;
    case PROP_FILTER_ENABLED:
      g_value_set_boolean (value, self->filter_enabled);
      break;
    case PROP_FILTER:
      g_value_set_enum (value, self->filter);
      break;
    case PROP_FILTER_DELAY:
      g_value_set_uint (value, self->filter_delay);
      break;
    case PROP_LOGOUT_ALLOWED:
      g_value_set_boolean (value, self->logout_allowed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_group_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  CbGroup *self = CB_GROUP (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_get_int64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_group_class_init (CbGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = cb_group_dispose;
  object_class->finalize = cb_group_finalize;
  object_class->get_property = cb_group_get_property;
  object_class->set_property = cb_group_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, CB_TYPE_GROUP_KIND,
                       CB_GROUP_KIND_AUTHORISATION, ro);
  properties[PROP_NUMBER] = g_param_spec_string ("number", NULL, NULL, NULL, ro);
  properties[PROP_STRATEGY] =
    g_param_spec_enum ("strategy", NULL, NULL, CB_TYPE_RING_STRATEGY,
                       CB_RING_STRATEGY_PARALLEL, ro);
  properties[PROP_MEMBER_TIMEOUT] =
    g_param_spec_uint ("member-timeout", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_WRAP_AROUND] = g_param_spec_boolean ("wrap-around", NULL, NULL, FALSE, ro);
  properties[PROP_LEVEL] =
    g_param_spec_enum ("level", NULL, NULL, CB_TYPE_LEVEL, CB_LEVEL_NONE, ro);
  properties[PROP_LEADER_LEVEL] =
    g_param_spec_enum ("leader-level", NULL, NULL, CB_TYPE_LEVEL, CB_LEVEL_NONE, ro);
  properties[PROP_LEADER] = g_param_spec_object ("leader", NULL, NULL, CB_TYPE_CONTACT, ro);
  properties[PROP_DEPUTY] = g_param_spec_object ("deputy", NULL, NULL, CB_TYPE_CONTACT, ro);
  properties[PROP_LOGGED_IN] = g_param_spec_boolean ("logged-in", NULL, NULL, FALSE, ro);
  properties[PROP_IS_MEMBER] = g_param_spec_boolean ("is-member", NULL, NULL, FALSE, ro);
  properties[PROP_MEMBERS] =
    g_param_spec_object ("members", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOGGED_IN_COUNT] =
    g_param_spec_uint ("logged-in-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_QUEUE_ORDER] = g_param_spec_string ("queue-order", NULL, NULL, NULL, ro);
  properties[PROP_QUEUE_WAITING] =
    g_param_spec_uint ("queue-waiting", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_QUEUE_OLDEST_WAITING_SINCE] =
    g_param_spec_int64 ("queue-oldest-waiting-since", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_QUEUE_ANSWERED] =
    g_param_spec_uint ("queue-answered", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_QUEUE_ABANDONED] =
    g_param_spec_uint ("queue-abandoned", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_RINGING] = g_param_spec_uint ("ringing", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_FILTER_ENABLED] = g_param_spec_boolean ("filter-enabled", NULL, NULL, FALSE, ro);
  properties[PROP_FILTER] =
    g_param_spec_enum ("filter", NULL, NULL, CB_TYPE_ASSISTANT_FILTER,
                       CB_ASSISTANT_FILTER_ASSISTANTS_FIRST, ro);
  properties[PROP_FILTER_DELAY] =
    g_param_spec_uint ("filter-delay", NULL, NULL, 0, G_MAXUINT, CB_WIRE_FILTER_DELAY_DEFAULT, ro);
  properties[PROP_LOGOUT_ALLOWED] = g_param_spec_boolean ("logout-allowed", NULL, NULL, TRUE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_group_init (CbGroup *self)
{
  self->raw_members = g_array_new (FALSE, TRUE, sizeof (RawMember));
  self->members = g_list_store_new (CB_TYPE_GROUP_MEMBER);
  self->member_index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->filter = CB_ASSISTANT_FILTER_ASSISTANTS_FIRST;
  self->filter_delay = CB_WIRE_FILTER_DELAY_DEFAULT;
  self->logout_allowed = TRUE;
}

CbGroup *
_cb_group_new (gint64 id)
{
  return g_object_new (CB_TYPE_GROUP, "id", id, NULL);
}

gint64
cb_group_get_id (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), 0);
  return self->id;
}

const char *
cb_group_get_name (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), NULL);
  return self->name;
}

CbGroupKind
cb_group_get_kind (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), CB_GROUP_KIND_AUTHORISATION);
  return self->kind;
}

const char *
cb_group_get_number (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), NULL);
  return self->number;
}

CbRingStrategy
cb_group_get_strategy (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), CB_RING_STRATEGY_PARALLEL);
  return self->strategy;
}

guint
cb_group_get_member_timeout (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), 0);
  return self->member_timeout;
}

gboolean
cb_group_get_wrap_around (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), FALSE);
  return self->wrap_around;
}

CbLevel
cb_group_get_level (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), CB_LEVEL_NONE);
  return self->level;
}

CbLevel
cb_group_get_leader_level (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), CB_LEVEL_NONE);
  return self->leader_level;
}

CbContact *
cb_group_get_leader (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), NULL);
  return self->leader;
}

CbContact *
cb_group_get_deputy (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), NULL);
  return self->deputy;
}

gboolean
cb_group_get_logged_in (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), FALSE);
  return self->logged_in;
}

gboolean
cb_group_get_is_member (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), FALSE);
  return self->is_member;
}

GListModel *
cb_group_get_members (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), NULL);
  return G_LIST_MODEL (self->members);
}

guint
cb_group_get_logged_in_count (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), 0);
  return self->logged_in_count;
}

CbGroupMember *
cb_group_find_member (CbGroup *self,
                      gint64   user_id)
{
  CbGroupMember *member;

  g_return_val_if_fail (CB_IS_GROUP (self), NULL);

  member = g_hash_table_lookup (self->member_index, &user_id);
  if (member == NULL || !cb_group_member_get_login_known (member))
    return NULL;
  return member;
}

gboolean
_cb_group_lists_user (CbGroup *self,
                      gint64   user_id)
{
  for (guint i = 0; i < self->raw_members->len; i++)
    if (g_array_index (self->raw_members, RawMember, i).user_id == user_id)
      return TRUE;
  return FALSE;
}

/* --- updates, each notifying only what changed --- */

#define SET_FIELD(self, field, value, prop)                             \
  G_STMT_START {                                                        \
    if ((self)->field != (value))                                       \
      {                                                                 \
        (self)->field = (value);                                        \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);   \
      }                                                                 \
  } G_STMT_END

static void
set_string (CbGroup     *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_contact (CbGroup    *self,
             CbContact **field,
             CbContact  *value,
             guint       prop)
{
  if (g_set_object (field, value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Whether this viewer may know the member's login: the server writes
 * logged_in exactly then. */
static gboolean
login_visible (const RawMember *raw)
{
  return raw->has_logged_in;
}

static void
sync_own_state (CbGroup *self,
                gint64   my_id)
{
  gboolean is_member = FALSE;
  gboolean logged_in = FALSE;
  guint count = 0;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->members));

  for (guint i = 0; i < self->raw_members->len; i++)
    {
      const RawMember *raw = &g_array_index (self->raw_members, RawMember, i);

      if (raw->user_id == my_id)
        {
          is_member = TRUE;
          logged_in = raw->logged_in;
        }
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbGroupMember) member = g_list_model_get_item (G_LIST_MODEL (self->members), i);

      if (cb_group_member_get_logged_in (member))
        count++;
    }

  SET_FIELD (self, is_member, is_member, PROP_IS_MEMBER);
  SET_FIELD (self, logged_in, logged_in, PROP_LOGGED_IN);
  SET_FIELD (self, logged_in_count, count, PROP_LOGGED_IN_COUNT);
}

void
_cb_group_refresh_members (CbGroup             *self,
                           gint64               my_id,
                           CbContactLookupFunc  lookup,
                           gpointer             lookup_data)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) old_index = NULL;
  guint n_old;
  gboolean same;

  g_return_if_fail (CB_IS_GROUP (self));

  g_object_freeze_notify (G_OBJECT (self));

  /* Members are reused by user id so a bound row keeps its item. */
  old_index = g_steal_pointer (&self->member_index);
  self->member_index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < self->raw_members->len; i++)
    {
      RawMember *raw = &g_array_index (self->raw_members, RawMember, i);
      CbContact *contact = lookup (raw->user_id, lookup_data);
      CbGroupMember *member;

      if (contact == NULL)
        continue;
      if (g_hash_table_contains (self->member_index, &raw->user_id))
        continue;  /* the server lists each member once; be safe anyway */

      member = g_hash_table_lookup (old_index, &raw->user_id);
      if (member != NULL && cb_group_member_get_contact (member) == contact)
        g_object_ref (member);
      else
        member = _cb_group_member_new (contact);

      _cb_group_member_set_login (member, login_visible (raw), raw->logged_in);
      _cb_group_member_set_position (member, items->len);
      g_hash_table_insert (self->member_index,
                           g_memdup2 (&raw->user_id, sizeof raw->user_id), member);
      g_ptr_array_add (items, member);
    }

  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->members));
  same = n_old == items->len;
  for (guint i = 0; same && i < n_old; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->members), i);

      same = item == g_ptr_array_index (items, i);
    }
  if (!same)
    g_list_store_splice (self->members, 0, n_old, items->pdata, items->len);

  sync_own_state (self, my_id);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_cb_group_update (CbGroup             *self,
                  const CbWireGroup   *group,
                  gint64               my_id,
                  CbContactLookupFunc  lookup,
                  gpointer             lookup_data)
{
  g_autoptr(GArray) raw_members = g_array_sized_new (FALSE, TRUE, sizeof (RawMember),
                                                      group->n_members);
  gboolean queue = group->strategy == CB_RING_STRATEGY_QUEUE;

  g_return_if_fail (CB_IS_GROUP (self));

  g_object_freeze_notify (G_OBJECT (self));

  set_string (self, &self->name, group->name, PROP_NAME);
  set_string (self, &self->number, group->number, PROP_NUMBER);
  SET_FIELD (self, kind, group->kind, PROP_KIND);
  SET_FIELD (self, strategy, group->strategy, PROP_STRATEGY);
  SET_FIELD (self, member_timeout, group->member_timeout, PROP_MEMBER_TIMEOUT);
  SET_FIELD (self, wrap_around, !!group->wrap_around, PROP_WRAP_AROUND);
  SET_FIELD (self, level, group->level, PROP_LEVEL);
  SET_FIELD (self, leader_level, group->leader_level, PROP_LEADER_LEVEL);

  /* Queues only: the other groups have neither order nor figures. */
  set_string (self, &self->queue_order,
              queue ? cb_enum_to_nick (CB_TYPE_QUEUE_ORDER, group->queue_order) : NULL,
              PROP_QUEUE_ORDER);
  if (queue)
    _cb_group_apply_queue_stats (self, &group->queue_stats);
  _cb_group_set_ringing (self, group->kind == CB_GROUP_KIND_HUNT ? group->ringing : 0);
  /* The codec reads what other kinds leave out as a new group has it. */
  SET_FIELD (self, filter_enabled, !!group->filter_enabled, PROP_FILTER_ENABLED);
  SET_FIELD (self, filter, group->filter, PROP_FILTER);
  SET_FIELD (self, filter_delay, group->filter_delay, PROP_FILTER_DELAY);
  SET_FIELD (self, logout_allowed, !!group->logout_allowed, PROP_LOGOUT_ALLOWED);

  set_contact (self, &self->leader,
               group->leader_id > 0 ? lookup (group->leader_id, lookup_data) : NULL, PROP_LEADER);
  set_contact (self, &self->deputy,
               group->deputy_id > 0 ? lookup (group->deputy_id, lookup_data) : NULL, PROP_DEPUTY);

  for (guint i = 0; i < group->n_members; i++)
    {
      RawMember raw = {
        .user_id = group->members[i].user_id,
        .has_logged_in = cb_wire_group_login_known (group, i),
        .logged_in = group->members[i].logged_in,
      };

      if (raw.user_id > 0)
        g_array_append_val (raw_members, raw);
    }

  g_clear_pointer (&self->raw_members, g_array_unref);
  self->raw_members = g_steal_pointer (&raw_members);
  _cb_group_refresh_members (self, my_id, lookup, lookup_data);

  g_object_thaw_notify (G_OBJECT (self));
}

void
_cb_group_apply_queue_stats (CbGroup                *self,
                             const CbWireQueueStats *stats)
{
  g_return_if_fail (CB_IS_GROUP (self));
  g_return_if_fail (stats != NULL);

  g_object_freeze_notify (G_OBJECT (self));
  SET_FIELD (self, queue_waiting, stats->waiting, PROP_QUEUE_WAITING);
  SET_FIELD (self, queue_oldest_since, MAX (stats->oldest_waiting_since, 0),
             PROP_QUEUE_OLDEST_WAITING_SINCE);
  SET_FIELD (self, queue_answered, (guint) MIN (stats->answered, G_MAXUINT), PROP_QUEUE_ANSWERED);
  SET_FIELD (self, queue_abandoned, (guint) MIN (stats->abandoned, G_MAXUINT), PROP_QUEUE_ABANDONED);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_cb_group_set_ringing (CbGroup *self,
                       guint    ringing)
{
  g_return_if_fail (CB_IS_GROUP (self));
  SET_FIELD (self, ringing, ringing, PROP_RINGING);
}

gboolean
_cb_group_set_member_login (CbGroup  *self,
                            gint64    user_id,
                            gboolean  logged_in,
                            gint64    my_id)
{
  CbGroupMember *member;
  RawMember *raw = NULL;
  gboolean changed = FALSE;

  g_return_val_if_fail (CB_IS_GROUP (self), FALSE);

  for (guint i = 0; i < self->raw_members->len; i++)
    if (g_array_index (self->raw_members, RawMember, i).user_id == user_id)
      raw = &g_array_index (self->raw_members, RawMember, i);
  if (raw == NULL)
    return FALSE;

  if (!raw->has_logged_in || raw->logged_in != !!logged_in)
    changed = TRUE;
  raw->has_logged_in = TRUE;
  raw->logged_in = !!logged_in;

  g_object_freeze_notify (G_OBJECT (self));
  member = g_hash_table_lookup (self->member_index, &user_id);
  if (member != NULL)
    _cb_group_member_set_login (member, TRUE, logged_in);
  sync_own_state (self, my_id);
  g_object_thaw_notify (G_OBJECT (self));

  return changed;
}

const char *
cb_group_get_queue_order (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), NULL);
  return self->queue_order;
}

guint
cb_group_get_queue_waiting (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), 0);
  return self->queue_waiting;
}

gint64
cb_group_get_queue_oldest_waiting_since (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), 0);
  return self->queue_oldest_since;
}

guint
cb_group_get_queue_answered (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), 0);
  return self->queue_answered;
}

guint
cb_group_get_queue_abandoned (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), 0);
  return self->queue_abandoned;
}

gboolean
cb_group_get_filter_enabled (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), FALSE);
  return self->filter_enabled;
}

CbAssistantFilter
cb_group_get_filter (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), CB_ASSISTANT_FILTER_ASSISTANTS_FIRST);
  return self->filter;
}

guint
cb_group_get_filter_delay (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), CB_WIRE_FILTER_DELAY_DEFAULT);
  return self->filter_delay;
}

gboolean
cb_group_get_logout_allowed (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), TRUE);
  return self->logout_allowed;
}

guint
cb_group_get_ringing (CbGroup *self)
{
  g_return_val_if_fail (CB_IS_GROUP (self), 0);
  return self->ringing;
}

GArray *
cb_group_dup_member_ids (CbGroup *self)
{
  GArray *ids;

  g_return_val_if_fail (CB_IS_GROUP (self), NULL);

  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), self->raw_members->len);
  for (guint i = 0; i < self->raw_members->len; i++)
    g_array_append_val (ids, g_array_index (self->raw_members, RawMember, i).user_id);
  return ids;
}
