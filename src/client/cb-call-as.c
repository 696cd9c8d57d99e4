/* cb-call-as.c: whom the user's calls present: themself, or a leader they assist ("call as")
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-client"

#include "cb-call-as.h"

struct _CbCallAs
{
  GObject             parent_instance;

  CbClientStore      *store;
  GListStore         *identities;   /* CbContact: the user, then leaders */
  GPtrArray          *watched;      /* CbGroup whose notify we follow */
  GSimpleActionGroup *actions;
  GSimpleAction      *identity_action;
  gint64              as_user_id;   /* 0: the user */
};

G_DEFINE_FINAL_TYPE (CbCallAs, cb_call_as, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_IDENTITIES,
  PROP_IDENTITY,
  PROP_AS_USER_ID,
  PROP_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  CbContact *ca = *(CbContact * const *) a;
  CbContact *cb = *(CbContact * const *) b;
  int cmp = g_utf8_collate (cb_contact_get_display_name (ca), cb_contact_get_display_name (cb));

  if (cmp != 0)
    return cmp;
  return (cb_contact_get_id (ca) > cb_contact_get_id (cb)) - (cb_contact_get_id (ca) < cb_contact_get_id (cb));
}

/* The leaders the user may call as now: of every assistant group they
 * are a member of and logged into. */
static GPtrArray *
current_identities (CbCallAs *self)
{
  GPtrArray *identities = g_ptr_array_new ();
  CbContact *me = cb_client_store_get_me (self->store);
  GListModel *groups = cb_client_store_get_groups (self->store);
  guint n = g_list_model_get_n_items (groups);

  if (me == NULL)
    return identities;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbGroup) group = g_list_model_get_item (groups, i);
      CbContact *leader = cb_group_get_leader (group);

      if (cb_group_get_kind (group) != CB_GROUP_KIND_ASSISTANT || leader == NULL || leader == me ||
          !cb_group_get_is_member (group) || !cb_group_get_logged_in (group) ||
          g_ptr_array_find (identities, leader, NULL))
        continue;
      g_ptr_array_add (identities, leader);
    }
  g_ptr_array_sort (identities, compare_names);
  g_ptr_array_insert (identities, 0, me);
  return identities;
}

static void
set_as_user_id (CbCallAs *self,
                gint64    user_id)
{
  if (self->as_user_id == user_id)
    return;
  self->as_user_id = user_id;
  g_simple_action_set_state (self->identity_action, g_variant_new_int64 (user_id));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AS_USER_ID]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDENTITY]);
}

static void
refresh (CbCallAs *self)
{
  g_autoptr(GPtrArray) identities = current_identities (self);
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->identities));
  gboolean was_available = cb_call_as_get_available (self);
  gboolean same = n_old == identities->len;
  gboolean chosen_there = self->as_user_id == 0;

  for (guint i = 0; same && i < n_old; i++)
    {
      g_autoptr(CbContact) old = g_list_model_get_item (G_LIST_MODEL (self->identities), i);

      same = old == g_ptr_array_index (identities, i);
    }
  for (guint i = 1; i < identities->len; i++)
    if (cb_contact_get_id (g_ptr_array_index (identities, i)) == self->as_user_id)
      chosen_there = TRUE;

  g_object_freeze_notify (G_OBJECT (self));
  if (!same)
    {
      g_list_store_splice (self->identities, 0, n_old, identities->pdata, identities->len);
      /* The user is the first item: a new user is a new identity. */
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDENTITY]);
    }
  /* A leader the user no longer assists (logged out of the group, or it
   * went) is no choice any more. */
  if (!chosen_there)
    {
      g_debug ("No longer calling as %" G_GINT64_FORMAT, self->as_user_id);
      set_as_user_id (self, 0);
    }
  if (was_available != cb_call_as_get_available (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
  g_simple_action_set_enabled (self->identity_action, cb_call_as_get_available (self));
  g_object_thaw_notify (G_OBJECT (self));
}

static void
on_group_notify (CbCallAs   *self,
                 GParamSpec *pspec,
                 CbGroup    *group)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "kind") || g_str_equal (name, "logged-in") ||
      g_str_equal (name, "is-member") || g_str_equal (name, "leader"))
    refresh (self);
}

static void
unwatch_groups (CbCallAs *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
}

static void
on_groups_changed (CbCallAs   *self,
                   guint       position,
                   guint       removed,
                   guint       added,
                   GListModel *groups)
{
  guint n = g_list_model_get_n_items (groups);

  /* Groups are few; following them all again is simpler than an index. */
  unwatch_groups (self);
  for (guint i = 0; i < n; i++)
    {
      CbGroup *group = g_list_model_get_item (groups, i);

      g_signal_connect_object (group, "notify", G_CALLBACK (on_group_notify), self, G_CONNECT_SWAPPED);
      g_ptr_array_add (self->watched, group);
    }
  refresh (self);
}

static void
on_me_changed (CbCallAs      *self,
               GParamSpec    *pspec,
               CbClientStore *store)
{
  refresh (self);
}

static void
on_identity_change_state (GSimpleAction *action,
                          GVariant      *state,
                          gpointer       user_data)
{
  CbCallAs *self = user_data;

  if (!cb_call_as_set_as_user_id (self, g_variant_get_int64 (state)))
    g_debug ("Cannot call as %" G_GINT64_FORMAT, g_variant_get_int64 (state));
}

/* --- GObject --- */

static void
cb_call_as_constructed (GObject *object)
{
  CbCallAs *self = CB_CALL_AS (object);

  G_OBJECT_CLASS (cb_call_as_parent_class)->constructed (object);

  g_return_if_fail (CB_IS_CLIENT_STORE (self->store));

  g_signal_connect_object (self->store, "notify::me", G_CALLBACK (on_me_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (cb_client_store_get_groups (self->store), "items-changed",
                           G_CALLBACK (on_groups_changed), self, G_CONNECT_SWAPPED);
  on_groups_changed (self, 0, 0, 0, cb_client_store_get_groups (self->store));
}

static void
cb_call_as_dispose (GObject *object)
{
  CbCallAs *self = CB_CALL_AS (object);

  if (self->watched != NULL)
    unwatch_groups (self);
  g_clear_object (&self->store);
  g_clear_object (&self->identity_action);
  g_clear_object (&self->actions);
  if (self->identities != NULL)
    g_list_store_remove_all (self->identities);

  G_OBJECT_CLASS (cb_call_as_parent_class)->dispose (object);
}

static void
cb_call_as_finalize (GObject *object)
{
  CbCallAs *self = CB_CALL_AS (object);

  g_clear_object (&self->identities);
  g_clear_pointer (&self->watched, g_ptr_array_unref);

  G_OBJECT_CLASS (cb_call_as_parent_class)->finalize (object);
}

static void
cb_call_as_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  CbCallAs *self = CB_CALL_AS (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_IDENTITIES:
      g_value_set_object (value, self->identities);
      break;
    case PROP_IDENTITY:
      g_value_set_object (value, cb_call_as_get_identity (self));
      break;
    case PROP_AS_USER_ID:
      g_value_set_int64 (value, self->as_user_id);
      break;
    case PROP_AVAILABLE:
      g_value_set_boolean (value, cb_call_as_get_available (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_call_as_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  CbCallAs *self = CB_CALL_AS (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_call_as_class_init (CbCallAsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = cb_call_as_constructed;
  object_class->dispose = cb_call_as_dispose;
  object_class->finalize = cb_call_as_finalize;
  object_class->get_property = cb_call_as_get_property;
  object_class->set_property = cb_call_as_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, CB_TYPE_CLIENT_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IDENTITIES] =
    g_param_spec_object ("identities", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_IDENTITY] = g_param_spec_object ("identity", NULL, NULL, CB_TYPE_CONTACT, ro);
  properties[PROP_AS_USER_ID] =
    g_param_spec_int64 ("as-user-id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_AVAILABLE] = g_param_spec_boolean ("available", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_call_as_init (CbCallAs *self)
{
  self->identities = g_list_store_new (CB_TYPE_CONTACT);
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  self->actions = g_simple_action_group_new ();
  self->identity_action = g_simple_action_new_stateful ("identity", G_VARIANT_TYPE_INT64,
                                                        g_variant_new_int64 (0));
  g_signal_connect_object (self->identity_action, "change-state",
                           G_CALLBACK (on_identity_change_state), self, 0);
  g_simple_action_set_enabled (self->identity_action, FALSE);
  g_action_map_add_action (G_ACTION_MAP (self->actions), G_ACTION (self->identity_action));
}

CbCallAs *
cb_call_as_new (CbClientStore *store)
{
  g_return_val_if_fail (CB_IS_CLIENT_STORE (store), NULL);
  return g_object_new (CB_TYPE_CALL_AS, "store", store, NULL);
}

GListModel *
cb_call_as_get_identities (CbCallAs *self)
{
  g_return_val_if_fail (CB_IS_CALL_AS (self), NULL);
  return G_LIST_MODEL (self->identities);
}

CbContact *
cb_call_as_get_identity (CbCallAs *self)
{
  guint n;

  g_return_val_if_fail (CB_IS_CALL_AS (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->identities));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbContact) contact = g_list_model_get_item (G_LIST_MODEL (self->identities), i);

      if ((i == 0 && self->as_user_id == 0) || (i > 0 && cb_contact_get_id (contact) == self->as_user_id))
        return contact;  /* the list holds it */
    }
  return NULL;
}

gint64
cb_call_as_get_as_user_id (CbCallAs *self)
{
  g_return_val_if_fail (CB_IS_CALL_AS (self), 0);
  return self->as_user_id;
}

gboolean
cb_call_as_get_available (CbCallAs *self)
{
  g_return_val_if_fail (CB_IS_CALL_AS (self), FALSE);
  return g_list_model_get_n_items (G_LIST_MODEL (self->identities)) > 1;
}

gboolean
cb_call_as_set_as_user_id (CbCallAs *self,
                           gint64    user_id)
{
  guint n;

  g_return_val_if_fail (CB_IS_CALL_AS (self), FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->identities));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbContact) contact = g_list_model_get_item (G_LIST_MODEL (self->identities), i);
      gint64 id = cb_contact_get_id (contact);

      if (user_id == id || (i == 0 && user_id == 0))
        {
          set_as_user_id (self, i == 0 ? 0 : id);
          return TRUE;
        }
    }
  return FALSE;
}

GActionGroup *
cb_call_as_get_action_group (CbCallAs *self)
{
  g_return_val_if_fail (CB_IS_CALL_AS (self), NULL);
  return G_ACTION_GROUP (self->actions);
}
