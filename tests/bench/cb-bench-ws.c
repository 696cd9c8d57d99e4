/* cb-bench-ws.c: raw WebSocket client frames for the benchmarks' lean clients
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The events and soak benchmarks speak to the server over plain sockets
 * on one thread rather than through libsoup, so the clients cost little
 * beside the server on a 2-core machine.
 */

#define G_LOG_DOMAIN "cb-bench"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cb-bench-ws.h"

gboolean
cb_bench_ws_write_all (int         fd,
                       const void *data,
                       gsize       len)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;  /* a pong or a close: a few bytes, never long */
      if (n < 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

gboolean
cb_bench_ws_send (int         fd,
                  guint8      opcode,
                  const void *payload,
                  gsize       len)
{
  guint8 frame[6 + 125] = { 0x80 | opcode, 0x80 | (guint8) len, 0, 0, 0, 0 };

  g_return_val_if_fail (len <= 125, FALSE);
  memcpy (frame + 6, payload, len);
  return cb_bench_ws_write_all (fd, frame, 6 + len);
}

gboolean
cb_bench_ws_next_frame (GByteArray     *in,
                        gsize          *used,
                        CbBenchWsFrame *frame)
{
  const guint8 *p = in->data + *used;
  gsize avail = in->len - *used;
  guint64 len;
  gsize head = 2;

  if (avail < 2)
    return FALSE;
  len = p[1] & 0x7f;
  if (len == 126)
    {
      if (avail < 4)
        return FALSE;
      len = ((guint64) p[2] << 8) | p[3];
      head = 4;
    }
  else if (len == 127)
    {
      if (avail < 10)
        return FALSE;
      len = 0;
      for (guint i = 0; i < 8; i++)
        len = (len << 8) | p[2 + i];
      head = 10;
    }
  if (avail < head + len)
    return FALSE;

  frame->opcode = p[0] & 0x0f;
  frame->payload = p + head;
  frame->len = (gsize) len;
  *used += head + (gsize) len;
  return TRUE;
}
