/* cb-group-member.c: one member of a group, with its login state
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-client"

#include "cb-client-private.h"

struct _CbGroupMember
{
  GObject    parent_instance;

  CbContact *contact;
  guint      position;
  guint      logged_in : 1;
  guint      login_known : 1;
};

G_DEFINE_FINAL_TYPE (CbGroupMember, cb_group_member, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONTACT,
  PROP_LOGGED_IN,
  PROP_LOGIN_KNOWN,
  PROP_POSITION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cb_group_member_dispose (GObject *object)
{
  CbGroupMember *self = CB_GROUP_MEMBER (object);

  g_clear_object (&self->contact);

  G_OBJECT_CLASS (cb_group_member_parent_class)->dispose (object);
}

static void
cb_group_member_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CbGroupMember *self = CB_GROUP_MEMBER (object);

  switch (prop_id)
    {
    case PROP_CONTACT:
      g_value_set_object (value, self->contact);
      break;
    case PROP_LOGGED_IN:
      g_value_set_boolean (value, self->logged_in);
      break;
    case PROP_LOGIN_KNOWN:
      g_value_set_boolean (value, self->login_known);
      break;
    case PROP_POSITION:
      g_value_set_uint (value, self->position);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_group_member_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CbGroupMember *self = CB_GROUP_MEMBER (object);

  switch (prop_id)
    {
    case PROP_CONTACT:
      self->contact = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_group_member_class_init (CbGroupMemberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = cb_group_member_dispose;
  object_class->get_property = cb_group_member_get_property;
  object_class->set_property = cb_group_member_set_property;

  /* The contact never changes: a member is identified by it. */
  properties[PROP_CONTACT] =
    g_param_spec_object ("contact", NULL, NULL, CB_TYPE_CONTACT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOGGED_IN] = g_param_spec_boolean ("logged-in", NULL, NULL, FALSE, ro);
  properties[PROP_LOGIN_KNOWN] = g_param_spec_boolean ("login-known", NULL, NULL, FALSE, ro);
  properties[PROP_POSITION] = g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_group_member_init (CbGroupMember *self)
{
}

CbGroupMember *
_cb_group_member_new (CbContact *contact)
{
  g_return_val_if_fail (CB_IS_CONTACT (contact), NULL);
  return g_object_new (CB_TYPE_GROUP_MEMBER, "contact", contact, NULL);
}

CbContact *
cb_group_member_get_contact (CbGroupMember *self)
{
  g_return_val_if_fail (CB_IS_GROUP_MEMBER (self), NULL);
  return self->contact;
}

gboolean
cb_group_member_get_logged_in (CbGroupMember *self)
{
  g_return_val_if_fail (CB_IS_GROUP_MEMBER (self), FALSE);
  return self->logged_in;
}

gboolean
cb_group_member_get_login_known (CbGroupMember *self)
{
  g_return_val_if_fail (CB_IS_GROUP_MEMBER (self), FALSE);
  return self->login_known;
}

void
_cb_group_member_set_login (CbGroupMember *self,
                            gboolean       login_known,
                            gboolean       logged_in)
{
  g_return_if_fail (CB_IS_GROUP_MEMBER (self));

  /* A hidden login reads as "not logged in", never as a stale TRUE. */
  if (!login_known)
    logged_in = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->login_known != !!login_known)
    {
      self->login_known = !!login_known;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGIN_KNOWN]);
    }
  if (self->logged_in != !!logged_in)
    {
      self->logged_in = !!logged_in;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGGED_IN]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
_cb_group_member_set_position (CbGroupMember *self,
                               guint          position)
{
  g_return_if_fail (CB_IS_GROUP_MEMBER (self));

  if (self->position == position)
    return;
  self->position = position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}
