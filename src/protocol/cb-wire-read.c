/* cb-wire-read.c: typed member access the wire codecs' readers share
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The writers put null where an id or a time does not apply; the
 * cb_json_get_* helpers reject null, so these read it as absent.
 */

#define G_LOG_DOMAIN "cb-wire"

#include "cb-protocol-json.h"
#include "cb-wire-private.h"

static gboolean
is_null (JsonObject *object,
         const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_NULL (node);
}

static gboolean
wrong_type (const char  *member,
            const char  *expected,
            GError     **error)
{
  g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
               "Field “%s” must be %s", member, expected);
  return FALSE;
}

gboolean
_cb_wire_get_nullable_int (JsonObject  *object,
                           const char  *member,
                           gint64      *value,
                           GError     **error)
{
  if (is_null (object, member))
    return TRUE;
  return cb_json_get_int (object, member, FALSE, value, error);
}

gboolean
_cb_wire_get_nullable_string (JsonObject  *object,
                              const char  *member,
                              const char **value,
                              GError     **error)
{
  if (is_null (object, member))
    return TRUE;
  return cb_json_get_string (object, member, FALSE, value, error);
}

gboolean
_cb_wire_get_uint (JsonObject  *object,
                   const char  *member,
                   guint64      max,
                   guint64     *value,
                   GError     **error)
{
  gint64 number = -1;

  if (!cb_json_get_int (object, member, FALSE, &number, error))
    return FALSE;
  if (!json_object_has_member (object, member))
    return TRUE;
  if (number < 0 || (guint64) number > max)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “%s” must be an integer from 0 to %" G_GUINT64_FORMAT, member, max);
      return FALSE;
    }
  *value = (guint64) number;
  return TRUE;
}

gboolean
_cb_wire_get_nullable_object (JsonObject  *object,
                              const char  *member,
                              JsonObject **value,
                              GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return wrong_type (member, "an object", error);
  *value = json_node_get_object (node);
  return TRUE;
}

gboolean
_cb_wire_get_array (JsonObject  *object,
                    const char  *member,
                    JsonArray  **value,
                    GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (member, "an array", error);
  *value = json_node_get_array (node);
  return TRUE;
}

gboolean
_cb_wire_get_element_object (JsonArray   *array,
                             const char  *member,
                             guint        index,
                             JsonObject **value,
                             GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “%s” must hold objects (element %u does not)", member, index);
      return FALSE;
    }
  *value = json_node_get_object (node);
  return TRUE;
}

void
_cb_wire_put_colleague (CbWireSink         *sink,
                        const char         *member,
                        gint64              user_id,
                        const char         *name,
                        const CbWireViewer *viewer)
{
  gboolean shown = cb_wire_viewer_may_see (viewer, user_id);

  cb_wire_sink_member (sink, member);
  if (user_id <= 0)
    {
      cb_wire_sink_null (sink);
      return;
    }
  cb_wire_sink_begin_object (sink);
  cb_wire_sink_put_id (sink, "user_id", shown ? user_id : 0);
  cb_wire_sink_put_string (sink, "name", shown && name != NULL ? name : "");
  cb_wire_sink_end_object (sink);
}

gboolean
_cb_wire_get_colleague (JsonObject   *object,
                        const char   *member,
                        gint64       *user_id,
                        const char  **name,
                        GError      **error)
{
  JsonObject *colleague = NULL;

  if (!_cb_wire_get_nullable_object (object, member, &colleague, error))
    return FALSE;
  if (colleague == NULL)
    return TRUE;
  if (!_cb_wire_get_nullable_int (colleague, "user_id", user_id, error) ||
      !cb_json_get_string (colleague, "name", FALSE, name, error))
    {
      g_prefix_error (error, "In “%s”: ", member);
      return FALSE;
    }
  return TRUE;
}

void
_cb_wire_put_party_object (CbWireSink         *sink,
                           const CbWireParty  *party,
                           const CbWireViewer *viewer)
{
  gboolean shown = cb_wire_viewer_may_see (viewer, party->user_id);

  cb_wire_sink_begin_object (sink);
  cb_wire_sink_put_id (sink, "user_id", shown ? party->user_id : 0);
  cb_wire_sink_put_string (sink, "number", shown && party->number != NULL ? party->number : "");
  cb_wire_sink_put_string (sink, "name", shown && party->name != NULL ? party->name : "");
  cb_wire_sink_end_object (sink);
}

gboolean
_cb_wire_read_party_object (JsonObject   *value,
                            CbWireParty  *party,
                            GError      **error)
{
  return _cb_wire_get_nullable_int (value, "user_id", &party->user_id, error) &&
         cb_json_get_string (value, "number", FALSE, &party->number, error) &&
         cb_json_get_string (value, "name", FALSE, &party->name, error);
}

void
_cb_wire_put_party (CbWireSink         *sink,
                    const char         *member,
                    const CbWireParty  *party,
                    const CbWireViewer *viewer)
{
  cb_wire_sink_member (sink, member);
  if (party->number == NULL || *party->number == '\0')
    cb_wire_sink_null (sink);
  else
    _cb_wire_put_party_object (sink, party, viewer);
}

gboolean
_cb_wire_get_party (JsonObject   *object,
                    const char   *member,
                    CbWireParty  *party,
                    GError      **error)
{
  JsonObject *value = NULL;

  if (!_cb_wire_get_nullable_object (object, member, &value, error))
    return FALSE;
  if (value != NULL && !_cb_wire_read_party_object (value, party, error))
    {
      g_prefix_error (error, "In “%s”: ", member);
      return FALSE;
    }
  return TRUE;
}
