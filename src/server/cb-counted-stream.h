/* cb-counted-stream.h: a connection that counts its bytes and can refuse to read more
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define CB_TYPE_COUNTED_STREAM (cb_counted_stream_get_type ())
G_DECLARE_FINAL_TYPE (CbCountedStream, cb_counted_stream, CB, COUNTED_STREAM, GIOStream)

/* Wraps base (a GSocketConnection or a GTlsConnection): libsoup reads and
 * writes through it, so the HTTP server sees how much went each way and
 * when, and can cap what a connection may send. Closing it closes base. */
CbCountedStream *cb_counted_stream_new               (GIOStream       *base);
GIOStream       *cb_counted_stream_get_base          (CbCountedStream *self);
guint64          cb_counted_stream_get_bytes_read    (CbCountedStream *self);
guint64          cb_counted_stream_get_bytes_written (CbCountedStream *self);
/* Monotonic µs of the last read or write that moved bytes. */
gint64           cb_counted_stream_get_last_activity (CbCountedStream *self);
/* Reads fail with G_IO_ERROR_MESSAGE_TOO_LARGE once bytes_read would
 * pass limit (a total since the start; 0: no limit). */
void             cb_counted_stream_set_read_limit    (CbCountedStream *self,
                                                      guint64          limit);

/* The stream under an event stream the HTTP server accepted (kept on the
 * WebSocket connection), NULL for any other. */
CbCountedStream *cb_counted_stream_from_websocket    (SoupWebsocketConnection *connection);
void             cb_counted_stream_attach_websocket  (CbCountedStream         *self,
                                                      SoupWebsocketConnection *connection);

G_END_DECLS
