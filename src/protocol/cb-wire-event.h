/* cb-wire-event.h: the frames of the event stream
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Server to client: {"seq": N, "type": "<event type>", "data": {...}}
 * and keep-alives {"type": "ping", "seq": N}; client to server:
 * {"type": "pong", "seq": N} (the last seq it applied). The event types
 * and who receives them: CbEventType, cb_wire_event_audience().
 */

#pragma once

#include <json-glib/json-glib.h>

#include "cb-protocol-types.h"

G_BEGIN_DECLS

typedef enum {
  CB_WIRE_FRAME_EVENT,
  CB_WIRE_FRAME_PING,
  CB_WIRE_FRAME_PONG,
  /* An event type this build does not know (a newer server): skip it,
   * its seq still counts as applied. */
  CB_WIRE_FRAME_UNKNOWN,
} CbWireFrameKind;

typedef struct {
  CbWireFrameKind  kind;
  gint64           seq;
  CbEventType      type;    /* CB_WIRE_FRAME_EVENT */
  JsonObject      *data;    /* CB_WIRE_FRAME_EVENT, owned */
} CbWireFrame;

/* The nick; NULL for a value that is not a CbEventType. */
const char *cb_event_type_to_string   (CbEventType    type);
gboolean    cb_event_type_from_string (const char    *text,
                                       CbEventType   *type);

/* data_json: the serialised data object. */
char       *cb_wire_frame_event       (gint64         seq,
                                       CbEventType    type,
                                       const char    *data_json);
char       *cb_wire_frame_ping        (gint64         seq);
char       *cb_wire_frame_pong        (gint64         seq);
/* Every frame needs an integer "seq" and a string "type"; an event of a
 * known type an object "data". Errors: CB_PROTOCOL_ERROR_INVALID_JSON /
 * _INVALID_FIELD (naming the member) for frames that are not one of the
 * above; *frame is then left untouched. */
gboolean    cb_wire_frame_parse       (const char    *text,
                                       gsize          length,
                                       CbWireFrame   *frame,
                                       GError       **error);
void        cb_wire_frame_clear       (CbWireFrame   *frame);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CbWireFrame, cb_wire_frame_clear)

G_END_DECLS
