/* cb-wire-event.c: the frames of the event stream
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Frames are written as text by hand: the data is already serialised
 * (once per event, or once per viewer), and the fixed members around it
 * need no builder.
 */

#define G_LOG_DOMAIN "cb-wire"

#include "cb-protocol-enums.h"
#include "cb-protocol-json.h"
#include "cb-wire-event.h"
#include "cb-wire-private.h"

const char *
cb_event_type_to_string (CbEventType type)
{
  const char *nick = _cb_wire_nick (CB_TYPE_EVENT_TYPE, type);

  return *nick != '\0' ? nick : NULL;
}

gboolean
cb_event_type_from_string (const char  *text,
                           CbEventType *type)
{
  int value;

  if (!cb_enum_from_nick (CB_TYPE_EVENT_TYPE, text, &value))
    return FALSE;
  if (type != NULL)
    *type = value;
  return TRUE;
}

char *
cb_wire_frame_event (gint64       seq,
                     CbEventType  type,
                     const char  *data_json)
{
  const char *name = cb_event_type_to_string (type);

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (data_json != NULL, NULL);
  return g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"%s\",\"data\":%s}",
                          seq, name, data_json);
}

char *
cb_wire_frame_ping (gint64 seq)
{
  return g_strdup_printf ("{\"type\":\"ping\",\"seq\":%" G_GINT64_FORMAT "}", seq);
}

char *
cb_wire_frame_pong (gint64 seq)
{
  return g_strdup_printf ("{\"type\":\"pong\",\"seq\":%" G_GINT64_FORMAT "}", seq);
}

gboolean
cb_wire_frame_parse (const char   *text,
                     gsize         length,
                     CbWireFrame  *frame,
                     GError      **error)
{
  g_autoptr(JsonObject) object = NULL;
  JsonNode *data;
  const char *type = NULL;
  CbEventType event_type;
  gint64 seq = 0;

  g_return_val_if_fail (frame != NULL, FALSE);

  object = cb_json_parse_object (text, length, error);
  if (object == NULL ||
      !cb_json_get_string (object, "type", TRUE, &type, error) ||
      !cb_json_get_int (object, "seq", TRUE, &seq, error))
    return FALSE;

  if (g_str_equal (type, "ping") || g_str_equal (type, "pong"))
    {
      *frame = (CbWireFrame) {
        .kind = g_str_equal (type, "ping") ? CB_WIRE_FRAME_PING : CB_WIRE_FRAME_PONG,
        .seq = seq,
      };
      return TRUE;
    }

  if (!cb_event_type_from_string (type, &event_type))
    {
      /* A newer server's event: its seq still counts as applied. */
      *frame = (CbWireFrame) { .kind = CB_WIRE_FRAME_UNKNOWN, .seq = seq };
      return TRUE;
    }

  data = json_object_get_member (object, "data");
  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   data == NULL ? "Missing required field “%s”" : "Field “%s” must be an object",
                   "data");
      return FALSE;
    }

  *frame = (CbWireFrame) {
    .kind = CB_WIRE_FRAME_EVENT,
    .seq = seq,
    .type = event_type,
    .data = json_object_ref (json_node_get_object (data)),
  };
  return TRUE;
}

void
cb_wire_frame_clear (CbWireFrame *frame)
{
  g_clear_pointer (&frame->data, json_object_unref);
  *frame = (CbWireFrame) { 0 };
}
