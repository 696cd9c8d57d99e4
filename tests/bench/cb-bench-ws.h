/* cb-bench-ws.h: raw WebSocket client frames for the benchmarks' lean clients
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint8        opcode;
  const guint8 *payload;   /* points into the buffer it was read from */
  gsize         len;
} CbBenchWsFrame;

/* Writes all of data to a socket that may be non-blocking (retrying on
 * EAGAIN: the benchmarks write a few bytes at a time); FALSE on error. */
gboolean cb_bench_ws_write_all  (int                fd,
                                 const void        *data,
                                 gsize              len);
/* A client frame of at most 125 bytes, masked as RFC 6455 asks of
 * clients (the key may as well be zero). */
gboolean cb_bench_ws_send       (int                fd,
                                 guint8             opcode,
                                 const void        *payload,
                                 gsize              len);
/* The whole server frame at *used in `in`, if there is one: fills
 * frame and moves *used past it. */
gboolean cb_bench_ws_next_frame (GByteArray        *in,
                                 gsize             *used,
                                 CbBenchWsFrame    *frame);

G_END_DECLS
