/* cb-test-raw.h: raw TCP and WebSocket clients for the hardening tests
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a hostile client does: half a request, no request at all, a body
 * longer than announced, WebSocket frames libsoup's client would never
 * send, a stream that never reads. Blocking sockets with deadlines: the
 * server is another process, so the test may block while it works.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A connection to the host and port of url ("http://127.0.0.1:8480"). */
GSocketConnection *cb_test_raw_connect          (const char        *url);
/* As above with SO_RCVBUF set before connecting (0: the default). */
GSocketConnection *cb_test_raw_connect_rcvbuf   (const char        *url,
                                                 int                rcvbuf);
gboolean           cb_test_raw_send             (GSocketConnection *connection,
                                                 const void        *data,
                                                 gsize              length);
/* The first line of the answer ("HTTP/1.1 413 …"), NULL when none came
 * within timeout_ms. */
char              *cb_test_raw_read_status      (GSocketConnection *connection,
                                                 guint              timeout_ms);
/* Reads and drops whatever arrives until the server closes (TRUE) or
 * timeout_ms passes (FALSE). */
gboolean           cb_test_raw_wait_closed      (GSocketConnection *connection,
                                                 guint              timeout_ms);

/* The WebSocket handshake for path with a bearer token; TRUE on 101. */
gboolean           cb_test_raw_ws_handshake     (GSocketConnection *connection,
                                                 const char        *path,
                                                 const char        *token);
/* One client frame (masked), of opcode (1 text, 0 continuation, …). */
gboolean           cb_test_raw_ws_send          (GSocketConnection *connection,
                                                 guint              opcode,
                                                 gboolean           fin,
                                                 const void        *payload,
                                                 gsize              length);
/* Reads server frames until a close frame (its code) or the end of the
 * connection (0); -1 when timeout_ms passed first. Text frames are
 * counted in *n_text (may be NULL). */
int                cb_test_raw_ws_read_close    (GSocketConnection *connection,
                                                 guint              timeout_ms,
                                                 guint             *n_text);
/* Whether the server has closed the connection or sent a close frame
 * already, without waiting (reads what is there). */
gboolean           cb_test_raw_ws_closed_now    (GSocketConnection *connection);

G_END_DECLS
