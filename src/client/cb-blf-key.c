/* cb-blf-key.c: one key of the busy lamp field, with the lamp it shows
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The key listens to its target's notifications and works the lamp out
 * again on each; it notifies "lamp" only when the lamp changed, so a
 * colleague's note changing does not redraw every key that shows them.
 */

#define G_LOG_DOMAIN "cb-client"

#include "cb-client-private.h"
#include "cb-blf-key.h"

struct _CbBlfKey
{
  GObject       parent_instance;

  gint64        id;
  CbBlfKeyKind  kind;
  gint64        target_id;
  char         *number;
  char         *label;
  gboolean      distributed;
  CbContact    *contact;
  CbGroup      *group;
  char         *title;
  char         *dial_number;
  CbBlfLamp     lamp;
};

G_DEFINE_FINAL_TYPE (CbBlfKey, cb_blf_key, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (CbBlfLamp, cb_blf_lamp,
  G_DEFINE_ENUM_VALUE (CB_BLF_LAMP_NONE, "none"),
  G_DEFINE_ENUM_VALUE (CB_BLF_LAMP_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (CB_BLF_LAMP_FREE, "free"),
  G_DEFINE_ENUM_VALUE (CB_BLF_LAMP_RINGING, "ringing"),
  G_DEFINE_ENUM_VALUE (CB_BLF_LAMP_BUSY, "busy"),
  G_DEFINE_ENUM_VALUE (CB_BLF_LAMP_ON_HOLD, "on-hold"),
  G_DEFINE_ENUM_VALUE (CB_BLF_LAMP_DND, "dnd"),
  G_DEFINE_ENUM_VALUE (CB_BLF_LAMP_OFFLINE, "offline"))

enum {
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_TARGET_ID,
  PROP_NUMBER,
  PROP_LABEL,
  PROP_DISTRIBUTED,
  PROP_CONTACT,
  PROP_GROUP,
  PROP_TITLE,
  PROP_DIAL_NUMBER,
  PROP_LAMP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

CbBlfLamp
cb_blf_lamp_for_contact (CbContact *contact)
{
  CbAvailability availability;

  if (contact == NULL)
    return CB_BLF_LAMP_UNKNOWN;
  /* A call we could take rings there, whatever else they do. */
  if (cb_contact_get_ringing_call_id (contact) != NULL)
    return CB_BLF_LAMP_RINGING;

  availability = cb_contact_get_availability (contact);
  if (cb_contact_get_has_line_state (contact))
    switch (cb_contact_get_line_state (contact))
      {
      case CB_LINE_STATE_RINGING:
        return CB_BLF_LAMP_RINGING;
      case CB_LINE_STATE_BUSY:
        return CB_BLF_LAMP_BUSY;
      case CB_LINE_STATE_ON_HOLD:
        return CB_BLF_LAMP_ON_HOLD;
      case CB_LINE_STATE_OFFLINE:
        return CB_BLF_LAMP_OFFLINE;
      case CB_LINE_STATE_IDLE:
      default:
        /* The phone is free; whether to call is the person's choice. */
        return availability == CB_AVAILABILITY_DND ? CB_BLF_LAMP_DND : CB_BLF_LAMP_FREE;
      }

  /* Below business level only the presence is shared. */
  if (availability == CB_AVAILABILITY_DND)
    return CB_BLF_LAMP_DND;
  if (availability == CB_AVAILABILITY_OFFLINE)
    return CB_BLF_LAMP_OFFLINE;
  return CB_BLF_LAMP_UNKNOWN;
}

CbBlfLamp
cb_blf_lamp_for_group (CbGroup *group)
{
  if (group == NULL)
    return CB_BLF_LAMP_UNKNOWN;
  return cb_group_get_ringing (group) > 0 || cb_group_get_queue_waiting (group) > 0
         ? CB_BLF_LAMP_RINGING : CB_BLF_LAMP_FREE;
}

static void
set_string (CbBlfKey    *self,
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
update_derived (CbBlfKey *self)
{
  const char *name = NULL;
  const char *dial = NULL;
  CbBlfLamp lamp = CB_BLF_LAMP_NONE;

  switch (self->kind)
    {
    case CB_BLF_KEY_KIND_USER:
      name = self->contact != NULL ? cb_contact_get_display_name (self->contact) : NULL;
      dial = self->contact != NULL ? cb_contact_get_extension (self->contact) : NULL;
      lamp = cb_blf_lamp_for_contact (self->contact);
      break;
    case CB_BLF_KEY_KIND_GROUP:
      name = self->group != NULL ? cb_group_get_name (self->group) : NULL;
      dial = self->group != NULL ? cb_group_get_number (self->group) : NULL;
      lamp = cb_blf_lamp_for_group (self->group);
      break;
    case CB_BLF_KEY_KIND_NUMBER:
    default:
      dial = self->number;
      break;
    }
  if (dial != NULL && *dial == '\0')
    dial = NULL;
  if (self->label != NULL)
    name = self->label;
  else if (name == NULL || *name == '\0')
    name = dial != NULL ? dial : "";

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->title, name, PROP_TITLE);
  set_string (self, &self->dial_number, dial, PROP_DIAL_NUMBER);
  if (self->lamp != lamp)
    {
      self->lamp = lamp;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAMP]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
on_target_notify (CbBlfKey   *self,
                  GParamSpec *pspec,
                  GObject    *target)
{
  update_derived (self);
}

static void
set_target (CbBlfKey  *self,
            GObject  **field,
            gpointer   target,
            guint      prop)
{
  if (*field == target)
    return;
  if (*field != NULL)
    g_signal_handlers_disconnect_by_func (*field, on_target_notify, self);
  g_set_object (field, target);
  if (target != NULL)
    g_signal_connect_object (target, "notify", G_CALLBACK (on_target_notify), self,
                             G_CONNECT_SWAPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
cb_blf_key_dispose (GObject *object)
{
  CbBlfKey *self = CB_BLF_KEY (object);

  set_target (self, (GObject **) &self->contact, NULL, PROP_CONTACT);
  set_target (self, (GObject **) &self->group, NULL, PROP_GROUP);

  G_OBJECT_CLASS (cb_blf_key_parent_class)->dispose (object);
}

static void
cb_blf_key_finalize (GObject *object)
{
  CbBlfKey *self = CB_BLF_KEY (object);

  g_clear_pointer (&self->number, g_free);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->dial_number, g_free);

  G_OBJECT_CLASS (cb_blf_key_parent_class)->finalize (object);
}

static void
cb_blf_key_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  CbBlfKey *self = CB_BLF_KEY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_TARGET_ID:
      g_value_set_int64 (value, self->target_id);
      break;
    case PROP_NUMBER:
      g_value_set_string (value, self->number);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_DISTRIBUTED:
      g_value_set_boolean (value, self->distributed);
      break;
    case PROP_CONTACT:
      g_value_set_object (value, self->contact);
      break;
    case PROP_GROUP:
      g_value_set_object (value, self->group);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_DIAL_NUMBER:
      g_value_set_string (value, self->dial_number);
      break;
    case PROP_LAMP:
      g_value_set_enum (value, self->lamp);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_blf_key_class_init (CbBlfKeyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = cb_blf_key_dispose;
  object_class->finalize = cb_blf_key_finalize;
  object_class->get_property = cb_blf_key_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, CB_TYPE_BLF_KEY_KIND, CB_BLF_KEY_KIND_USER, ro);
  properties[PROP_TARGET_ID] = g_param_spec_int64 ("target-id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_NUMBER] = g_param_spec_string ("number", NULL, NULL, NULL, ro);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, ro);
  properties[PROP_DISTRIBUTED] = g_param_spec_boolean ("distributed", NULL, NULL, FALSE, ro);
  properties[PROP_CONTACT] = g_param_spec_object ("contact", NULL, NULL, CB_TYPE_CONTACT, ro);
  properties[PROP_GROUP] = g_param_spec_object ("group", NULL, NULL, CB_TYPE_GROUP, ro);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_DIAL_NUMBER] = g_param_spec_string ("dial-number", NULL, NULL, NULL, ro);
  properties[PROP_LAMP] =
    g_param_spec_enum ("lamp", NULL, NULL, CB_TYPE_BLF_LAMP, CB_BLF_LAMP_NONE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_blf_key_init (CbBlfKey *self)
{
  self->title = g_strdup ("");
}

CbBlfKey *
_cb_blf_key_new (gint64 id)
{
  CbBlfKey *self = g_object_new (CB_TYPE_BLF_KEY, NULL);

  self->id = id;
  return self;
}

void
_cb_blf_key_update (CbBlfKey           *self,
                    const CbWireBlfKey *wire,
                    CbContact          *contact,
                    CbGroup            *group)
{
  const char *label;

  g_return_if_fail (CB_IS_BLF_KEY (self));
  g_return_if_fail (wire != NULL);

  label = wire->label != NULL && *wire->label != '\0' ? wire->label : NULL;
  g_object_freeze_notify (G_OBJECT (self));
  if (self->kind != wire->kind)
    {
      self->kind = wire->kind;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
    }
  if (self->target_id != wire->target_id)
    {
      self->target_id = wire->target_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET_ID]);
    }
  set_string (self, &self->number, wire->kind == CB_BLF_KEY_KIND_NUMBER ? wire->number : NULL,
              PROP_NUMBER);
  set_string (self, &self->label, label, PROP_LABEL);
  if (self->distributed != !!wire->distributed)
    {
      self->distributed = !!wire->distributed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISTRIBUTED]);
    }
  _cb_blf_key_set_targets (self, contact, group);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_cb_blf_key_set_targets (CbBlfKey  *self,
                         CbContact *contact,
                         CbGroup   *group)
{
  g_return_if_fail (CB_IS_BLF_KEY (self));

  g_object_freeze_notify (G_OBJECT (self));
  set_target (self, (GObject **) &self->contact,
              self->kind == CB_BLF_KEY_KIND_USER ? contact : NULL, PROP_CONTACT);
  set_target (self, (GObject **) &self->group,
              self->kind == CB_BLF_KEY_KIND_GROUP ? group : NULL, PROP_GROUP);
  update_derived (self);
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
cb_blf_key_get_id (CbBlfKey *self)
{
  g_return_val_if_fail (CB_IS_BLF_KEY (self), 0);
  return self->id;
}

CbBlfKeyKind
cb_blf_key_get_kind (CbBlfKey *self)
{
  g_return_val_if_fail (CB_IS_BLF_KEY (self), CB_BLF_KEY_KIND_NUMBER);
  return self->kind;
}

gint64
cb_blf_key_get_target_id (CbBlfKey *self)
{
  g_return_val_if_fail (CB_IS_BLF_KEY (self), 0);
  return self->target_id;
}

const char *
cb_blf_key_get_number (CbBlfKey *self)
{
  g_return_val_if_fail (CB_IS_BLF_KEY (self), NULL);
  return self->number;
}

const char *
cb_blf_key_get_label (CbBlfKey *self)
{
  g_return_val_if_fail (CB_IS_BLF_KEY (self), NULL);
  return self->label;
}

gboolean
cb_blf_key_get_distributed (CbBlfKey *self)
{
  g_return_val_if_fail (CB_IS_BLF_KEY (self), FALSE);
  return self->distributed;
}

CbContact *
cb_blf_key_get_contact (CbBlfKey *self)
{
  g_return_val_if_fail (CB_IS_BLF_KEY (self), NULL);
  return self->contact;
}

CbGroup *
cb_blf_key_get_group (CbBlfKey *self)
{
  g_return_val_if_fail (CB_IS_BLF_KEY (self), NULL);
  return self->group;
}

const char *
cb_blf_key_get_title (CbBlfKey *self)
{
  g_return_val_if_fail (CB_IS_BLF_KEY (self), NULL);
  return self->title;
}

const char *
cb_blf_key_get_dial_number (CbBlfKey *self)
{
  g_return_val_if_fail (CB_IS_BLF_KEY (self), NULL);
  return self->dial_number;
}

CbBlfLamp
cb_blf_key_get_lamp (CbBlfKey *self)
{
  g_return_val_if_fail (CB_IS_BLF_KEY (self), CB_BLF_LAMP_NONE);
  return self->lamp;
}

JsonObject *
cb_blf_key_to_json (CbBlfKey *self)
{
  CbWireBlfKey wire = { 0 };

  g_return_val_if_fail (CB_IS_BLF_KEY (self), NULL);

  wire.id = self->id;
  wire.kind = self->kind;
  wire.target_id = self->target_id;
  wire.number = self->number;
  wire.label = self->label;
  wire.distributed = self->distributed;
  return cb_wire_blf_key_to_json (&wire);
}
