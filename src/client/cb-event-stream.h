/* cb-event-stream.h: one connection of the WebSocket event stream
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens GET /events (through the REST client: the token goes in the
 * handshake's Authorization header, with `since`), delivers the event
 * frames, answers each ping with a pong naming the last seq the owner
 * applied, and reports the end of the connection once. A stream that
 * falls silent (a laptop that changed networks gets no FIN, only
 * silence) is taken for dead and reported the same way.
 *
 * One object per connection: reconnecting, backing off and resuming are
 * the owner's policy (CbSession), which makes a new stream each time.
 *
 * Properties: seq (gint64: the last seq the owner applied, sent in
 * pongs), timeout-ms (uint: a stream silent for three times the longest
 * gap between frames seen, and at least this long, is dead; default
 * 65000, or $CALLBOARD_STREAM_TIMEOUT_MS: the server pings every 20 s).
 * Signals: "event" (gint64 seq, CbEventType type, JsonObject *data) for
 * every event frame, resync included; "unknown-event" (gint64 seq) for an
 * event of a type this build does not know (a newer server's: its seq
 * still counts); "closed" (const char *reason) once when the open
 * connection ends or is found dead, never after cb_event_stream_close().
 * Frames are read with cb_wire_frame_parse().
 */

#pragma once

#include "cb-rest-client.h"

G_BEGIN_DECLS

#define CB_TYPE_EVENT_STREAM (cb_event_stream_get_type ())
G_DECLARE_FINAL_TYPE (CbEventStream, cb_event_stream, CB, EVENT_STREAM, GObject)

CbEventStream *cb_event_stream_new            (CbRestClient        *rest);
/* Opens the stream from @since (the seq property starts there). Errors:
 * those of cb_rest_client_connect_events_finish(). */
void           cb_event_stream_connect_async  (CbEventStream       *self,
                                               gint64               since,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       cb_event_stream_connect_finish (CbEventStream       *self,
                                               GAsyncResult        *result,
                                               GError             **error);
gint64         cb_event_stream_get_seq        (CbEventStream       *self);
void           cb_event_stream_set_seq        (CbEventStream       *self,
                                               gint64               seq);
/* Detaches from the connection and lets it close in the background. */
void           cb_event_stream_close          (CbEventStream       *self);

G_END_DECLS
