/* cb-test-server.h: a real callboardd for tests, and a client to talk to it
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the server, client, GUI tests and the benchmarks: every
 * program that needs a running callboardd or a bounded main-loop wait.
 */

#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* ---- bounded waits on the default main context ---- */

typedef struct {
  guint    source_id;
  guint    timeout_ms;
  gboolean expired;
} CbTestTimer;

void          cb_test_timer_start    (CbTestTimer  *timer,
                                      guint         timeout_ms);
/* One main-context iteration; fails the test with `what` once the timer
 * has expired. */
void          cb_test_timer_iterate  (CbTestTimer  *timer,
                                      const char   *what);
void          cb_test_timer_stop     (CbTestTimer  *timer);

/* Runs the default main context until `cond` (any expression) holds; a
 * timeout fails the test with `what`. */
#define CB_TEST_WAIT_FOR(cond, timeout_ms, what)                              \
  G_STMT_START {                                                              \
    CbTestTimer cb_test_timer_;                                               \
    cb_test_timer_start (&cb_test_timer_, (timeout_ms));                      \
    while (!(cond))                                                           \
      cb_test_timer_iterate (&cb_test_timer_, (what));                        \
    cb_test_timer_stop (&cb_test_timer_);                                     \
  } G_STMT_END

/* Waits on the default main context until done(data) or the timeout;
 * a timeout fails the test with `what`. */
void          cb_test_wait_until     (gboolean   (*done) (gpointer),
                                      gpointer     data,
                                      guint        timeout_ms,
                                      const char  *what);
/* Lets the main loop run for a while. Only for what takes time by
 * design (a duration under test, a retry's pause): to show that something
 * did not happen, wait for a later event instead (a barrier, such as
 * cb_test_stream_barrier() or cb_test_phone_barrier()). */
void          cb_test_run_for        (guint        ms);

/* ---- loopback ports and scratch directories ---- */

/* A port on loopback that was free for UDP and TCP a moment ago (for
 * sipp's -p and -mp, whose defaults 5060 and 6000 may be in use). */
guint         cb_test_free_udp_port  (void);
/* Whether someone has bound this UDP port on loopback. */
gboolean      cb_test_udp_port_taken (guint        port);
/* Waits until another process binds port, or *gave_up turns TRUE (the
 * process exited); a timeout fails the test with `what`. Such a process
 * tells nobody that it is listening: the port is probed every 20 ms. */
void          cb_test_wait_udp_port  (guint           port,
                                      const gboolean *gave_up,
                                      guint           timeout_ms,
                                      const char     *what);
/* Whether a socket listens on this TCP port on loopback (from
 * /proc/net/tcp: a bind probe would also see a connection in TIME_WAIT). */
gboolean      cb_test_tcp_port_listening (guint    port);
/* As cb_test_wait_udp_port(), until a socket listens on the TCP port. */
void          cb_test_wait_tcp_port  (guint           port,
                                      const gboolean *gave_up,
                                      guint           timeout_ms,
                                      const char     *what);
/* Removes the files in the directory path, then the directory. */
void          cb_test_remove_dir     (const char  *path);

/* ---- the server process ---- */

typedef struct {
  GSubprocess      *process;
  char             *url;
  guint             port;          /* kept for restarts */
  char             *tmpdir;
  char             *database;
  char             *directory;     /* the imported JSON file */
  char            **extra_args;    /* kept for restarts */
  SoupSession      *session;
  /* private */
  GDataInputStream *stdout_lines;
  GCancellable     *cancellable;
  gboolean          ready;
  gboolean          exited;
} CbTestServer;

/* Starts $CALLBOARDD (prefixed by $CALLBOARDD_WRAPPER, e.g. "valgrind -q")
 * on 127.0.0.1, any free port, a fresh database in a temporary directory,
 * importing directory_json (may be NULL), with --fast-hash and extra_args
 * (NULL-terminated; without --sip-port among them, SIP takes any free
 * port too); waits for its READY line. Its further output goes to
 * g_test_message(). */
CbTestServer *cb_test_server_start   (const char          *directory_json,
                                      const char * const  *extra_args);
/* Sends signum (SIGTERM: an orderly exit, SIGKILL: a crash) and waits for
 * the exit; the database and port stay for cb_test_server_restart(). */
void          cb_test_server_kill    (CbTestServer        *server,
                                      int                  signum);
/* SIGKILL unless already stopped, then start again on the same database
 * and port (no import); requests go through a new session. */
void          cb_test_server_restart (CbTestServer        *server);
/* SIGTERM, then removes the temporary directory and frees the server. */
void          cb_test_server_stop    (CbTestServer        *server);
gboolean      cb_test_server_alive   (CbTestServer        *server);

/* A request; body may be NULL. Returns the parsed JSON answer (NULL for
 * an empty one) and the status. */
JsonNode     *cb_test_request        (CbTestServer  *server,
                                      const char    *method,
                                      const char    *path,
                                      const char    *token,
                                      const char    *body,
                                      guint         *status);
/* Like cb_test_request(), with the answer's headers. */
JsonNode     *cb_test_request_full   (CbTestServer        *server,
                                      const char          *method,
                                      const char          *path,
                                      const char          *token,
                                      const char          *content_type,
                                      const char          *body,
                                      guint               *status,
                                      SoupMessageHeaders **response_headers);
/* A request that must answer `expected`, else the test fails naming the
 * error code; the answer's object, if it is one (the node in *answer). */
JsonObject   *cb_test_request_expect (CbTestServer  *server,
                                      const char    *method,
                                      const char    *path,
                                      const char    *token,
                                      const char    *body,
                                      guint          expected,
                                      JsonNode     **answer);
/* Signs in and returns the token (asserts 201). */
char         *cb_test_sign_in        (CbTestServer  *server,
                                      const char    *username,
                                      const char    *password,
                                      gint64        *user_id);
/* The id of the user with this username, found in the directory as the
 * token's user sees it (fails the test when it is not there). */
gint64        cb_test_user_id        (CbTestServer  *server,
                                      const char    *token,
                                      const char    *username);
/* The error code of an error answer, or "". */
const char   *cb_test_error_code     (JsonNode      *answer);
/* Asserts that GET /api/v1/health answers 200. */
void          cb_test_assert_healthy (CbTestServer  *server);

/* An event stream. */
typedef struct {
  SoupWebsocketConnection *conn;
  GPtrArray               *events;     /* JsonObject frames, pings excluded */
  guint                    pings;
  gboolean                 answer_pings;
  gboolean                 closed;
  gushort                  close_code;
  gint64                   last_seq;   /* highest event seq received */
  guint                    cursor;     /* cb_test_stream_wait() went past these */
  GError                  *error;      /* handshake failure */
  guint                    status;     /* handshake HTTP status */
} CbTestStream;

/* since < 0: no since parameter. Waits for the handshake; on failure
 * returns a stream with error and status set. */
CbTestStream *cb_test_stream_open    (CbTestServer  *server,
                                      const char    *token,
                                      gint64         since,
                                      gboolean       answer_pings);
/* The first event at or after the cursor with this type (and about
 * user_id when > 0), waiting up to timeout_ms; NULL on timeout. Moves the
 * cursor past it. */
JsonObject   *cb_test_stream_wait    (CbTestStream  *stream,
                                      const char    *type,
                                      gint64         user_id,
                                      guint          timeout_ms);
/* As cb_test_stream_wait(), for an event whose data has member (a
 * string) equal to value; events before it are passed over. */
JsonObject   *cb_test_stream_wait_data (CbTestStream *stream,
                                        const char   *type,
                                        gint64        user_id,
                                        const char   *member,
                                        const char   *value,
                                        guint         timeout_ms);
/* A barrier: the stream's owner (token) sets its own presence note to a
 * new value, keeping its availability, and this waits for that event.
 * The server sends a stream's events in order, so whatever it queued for
 * this stream before has arrived once this returns (and an event that
 * must not come has had its chance). Returns the index of the barrier
 * event in stream->events; the cursor moves past it. Fails the test on
 * a timeout. */
guint         cb_test_stream_barrier (CbTestServer  *server,
                                      CbTestStream  *stream,
                                      const char    *token);
/* Any received event about user_id of this type (NULL: any type). */
gboolean      cb_test_stream_has     (CbTestStream  *stream,
                                      const char    *type,
                                      gint64         user_id);
void          cb_test_stream_close   (CbTestStream  *stream);

G_END_DECLS
