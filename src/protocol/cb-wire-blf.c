/* cb-wire-blf.c: a busy lamp field key on the wire
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-wire"

#include "cb-protocol-enums.h"
#include "cb-protocol-json.h"
#include "cb-wire-blf.h"
#include "cb-wire-private.h"

typedef struct {
  CbWireBlfKey  key;
  JsonObject   *object;
} KeyRead;

void
cb_wire_blf_key_write (CbWireSink         *sink,
                       const CbWireBlfKey *key)
{
  cb_wire_sink_begin_object (sink);
  cb_wire_sink_put_id (sink, "id", key->id);
  cb_wire_sink_put_nick (sink, "kind", CB_TYPE_BLF_KEY_KIND, key->kind);
  switch (key->kind)
    {
    case CB_BLF_KEY_KIND_USER:
      cb_wire_sink_put_int (sink, "user_id", key->target_id);
      break;
    case CB_BLF_KEY_KIND_GROUP:
      cb_wire_sink_put_int (sink, "group_id", key->target_id);
      break;
    case CB_BLF_KEY_KIND_NUMBER:
    default:
      cb_wire_sink_put_string (sink, "number", key->number);
      break;
    }
  cb_wire_sink_put_string (sink, "label", key->label);
  cb_wire_sink_put_bool (sink, "distributed", key->distributed);
  cb_wire_sink_end_object (sink);
}

static void
write_key (CbWireSink    *sink,
           gconstpointer  key,
           gconstpointer  unused)
{
  cb_wire_blf_key_write (sink, key);
}

JsonObject *
cb_wire_blf_key_to_json (const CbWireBlfKey *key)
{
  return cb_wire_build_object (write_key, key, NULL);
}

CbWireBlfKey *
cb_wire_blf_key_from_json (JsonObject  *object,
                           GError     **error)
{
  g_autofree KeyRead *read = g_new0 (KeyRead, 1);
  CbWireBlfKey *key = &read->key;
  const char *member = NULL;
  int kind = 0;

  if (!_cb_wire_get_nullable_int (object, "id", &key->id, error) ||
      !cb_json_get_enum (object, "kind", CB_TYPE_BLF_KEY_KIND, TRUE, &kind, error) ||
      !_cb_wire_get_nullable_string (object, "label", &key->label, error) ||
      !cb_json_get_bool (object, "distributed", FALSE, &key->distributed, error))
    return NULL;
  key->kind = kind;
  switch (key->kind)
    {
    case CB_BLF_KEY_KIND_USER:
      member = "user_id";
      break;
    case CB_BLF_KEY_KIND_GROUP:
      member = "group_id";
      break;
    case CB_BLF_KEY_KIND_NUMBER:
    default:
      if (!cb_json_get_string (object, "number", TRUE, &key->number, error))
        return NULL;
      break;
    }
  if (member != NULL && !cb_json_get_int (object, member, TRUE, &key->target_id, error))
    return NULL;

  read->object = json_object_ref (object);
  return &g_steal_pointer (&read)->key;
}

void
cb_wire_blf_key_free (CbWireBlfKey *key)
{
  KeyRead *read = (KeyRead *) key;

  if (read == NULL)
    return;
  g_clear_pointer (&read->object, json_object_unref);
  g_free (read);
}

JsonObject *
cb_wire_group_calls_to_json (gint64 group_id,
                             guint  ringing)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "group_id", group_id);
  json_object_set_int_member (object, "ringing", ringing);
  return object;
}

gboolean
cb_wire_group_calls_from_json (JsonObject  *object,
                               gint64      *group_id,
                               guint       *ringing,
                               GError     **error)
{
  guint64 count = 0;

  if (!cb_json_get_int (object, "group_id", TRUE, group_id, error) ||
      !_cb_wire_get_uint (object, "ringing", G_MAXUINT, &count, error))
    return FALSE;
  *ringing = (guint) count;
  return TRUE;
}
