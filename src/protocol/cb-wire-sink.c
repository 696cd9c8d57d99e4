/* cb-wire-sink.c: where a wire codec writes: JSON text or a JSON tree
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-wire"

#include "cb-protocol-json.h"
#include "cb-wire-private.h"

/* Enum classes stay referenced for the process: a snapshot looks nicks up
 * for several fields of every user, and g_type_class_ref()/unref() per
 * lookup (cb_enum_to_nick()) took locks each time. Readers scan without a
 * lock; n_cached is published with a barrier after its entry is filled. */
typedef struct {
  GType       type;
  GEnumClass *klass;
} CachedEnum;

static CachedEnum enum_cache[16];
static guint n_cached;
static GMutex cache_lock;

static GEnumClass *
cached_enum_class (GType enum_type)
{
  guint n = (guint) g_atomic_int_get (&n_cached);
  GEnumClass *klass = NULL;

  for (guint i = 0; i < n; i++)
    if (enum_cache[i].type == enum_type)
      return enum_cache[i].klass;

  g_mutex_lock (&cache_lock);
  n = (guint) g_atomic_int_get (&n_cached);
  for (guint i = 0; i < n && klass == NULL; i++)
    if (enum_cache[i].type == enum_type)
      klass = enum_cache[i].klass;
  if (klass == NULL && n < G_N_ELEMENTS (enum_cache))
    {
      klass = g_type_class_ref (enum_type);
      enum_cache[n].type = enum_type;
      enum_cache[n].klass = klass;
      g_atomic_int_set (&n_cached, (int) n + 1);
    }
  g_mutex_unlock (&cache_lock);
  return klass;
}

const char *
_cb_wire_nick (GType enum_type,
               int   value)
{
  GEnumClass *klass = cached_enum_class (enum_type);
  const char *nick;
  GEnumValue *ev;

  if (G_UNLIKELY (klass == NULL))
    {
      /* The cache is full: correct, only slower. */
      nick = cb_enum_to_nick (enum_type, value);
      return nick != NULL ? nick : "";
    }
  ev = g_enum_get_value (klass, value);
  return ev != NULL ? ev->value_nick : "";
}

void
cb_wire_sink_begin_object (CbWireSink *sink)
{
  if (sink->writer != NULL)
    cb_json_writer_begin_object (sink->writer);
  else
    json_builder_begin_object (sink->builder);
}

void
cb_wire_sink_end_object (CbWireSink *sink)
{
  if (sink->writer != NULL)
    cb_json_writer_end_object (sink->writer);
  else
    json_builder_end_object (sink->builder);
}

void
cb_wire_sink_begin_array (CbWireSink *sink)
{
  if (sink->writer != NULL)
    cb_json_writer_begin_array (sink->writer);
  else
    json_builder_begin_array (sink->builder);
}

void
cb_wire_sink_end_array (CbWireSink *sink)
{
  if (sink->writer != NULL)
    cb_json_writer_end_array (sink->writer);
  else
    json_builder_end_array (sink->builder);
}

void
cb_wire_sink_member (CbWireSink *sink,
                     const char *name)
{
  if (sink->writer != NULL)
    cb_json_writer_member (sink->writer, name);
  else
    json_builder_set_member_name (sink->builder, name);
}

void
cb_wire_sink_string (CbWireSink *sink,
                     const char *value)
{
  if (sink->writer != NULL)
    {
      cb_json_writer_string (sink->writer, value);
      return;
    }
  /* The same text the writer would produce (it repairs invalid UTF-8 too). */
  if (value != NULL && !g_utf8_validate (value, -1, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);

      json_builder_add_string_value (sink->builder, valid);
      return;
    }
  json_builder_add_string_value (sink->builder, value != NULL ? value : "");
}

void
cb_wire_sink_int (CbWireSink *sink,
                  gint64      value)
{
  if (sink->writer != NULL)
    cb_json_writer_int (sink->writer, value);
  else
    json_builder_add_int_value (sink->builder, value);
}

void
cb_wire_sink_bool (CbWireSink *sink,
                   gboolean    value)
{
  if (sink->writer != NULL)
    cb_json_writer_bool (sink->writer, value);
  else
    json_builder_add_boolean_value (sink->builder, value);
}

void
cb_wire_sink_null (CbWireSink *sink)
{
  if (sink->writer != NULL)
    cb_json_writer_null (sink->writer);
  else
    json_builder_add_null_value (sink->builder);
}

void
cb_wire_sink_put_string (CbWireSink *sink,
                         const char *name,
                         const char *value)
{
  cb_wire_sink_member (sink, name);
  cb_wire_sink_string (sink, value);
}

void
cb_wire_sink_put_int (CbWireSink *sink,
                      const char *name,
                      gint64      value)
{
  cb_wire_sink_member (sink, name);
  cb_wire_sink_int (sink, value);
}

void
cb_wire_sink_put_id (CbWireSink *sink,
                     const char *name,
                     gint64      value)
{
  cb_wire_sink_member (sink, name);
  if (value > 0)
    cb_wire_sink_int (sink, value);
  else
    cb_wire_sink_null (sink);
}

void
cb_wire_sink_put_bool (CbWireSink *sink,
                       const char *name,
                       gboolean    value)
{
  cb_wire_sink_member (sink, name);
  cb_wire_sink_bool (sink, value);
}

void
cb_wire_sink_put_nick (CbWireSink *sink,
                       const char *name,
                       GType       enum_type,
                       int         value)
{
  cb_wire_sink_member (sink, name);
  cb_wire_sink_string (sink, _cb_wire_nick (enum_type, value));
}

JsonObject *
cb_wire_build_object (CbWireWriteFunc write,
                      gconstpointer   object,
                      gconstpointer   user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  CbWireSink sink = CB_WIRE_SINK_TREE (builder);
  g_autoptr(JsonNode) root = NULL;

  write (&sink, object, user_data);
  root = json_builder_get_root (builder);
  g_return_val_if_fail (root != NULL && JSON_NODE_HOLDS_OBJECT (root), NULL);
  return json_object_ref (json_node_get_object (root));
}
