/* cb-bench-events.c: event delivery latency to many WebSocket clients
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One user changes their presence note to "bench:<monotonic µs>" over
 * REST; every client's stream carries the event; the latency of a
 * delivery is the time from just before the PUT to the moment a client
 * has the frame in hand. Two kinds of client:
 *
 * - lean (the default): raw TCP sockets with a hand-written WebSocket
 *   handshake and frame reader, a few threads each with its share of the
 *   connections on one epoll set. A delivery costs the client a read()
 *   and a substring search: about a microsecond, so the figure is the
 *   server's. Each thread's own CPU time is printed beside it to show
 *   that.
 * - soup: one libsoup WebSocket connection per client on the main
 *   thread, each frame parsed with json-glib, as CbEventStream does. On
 *   this machine it is the bench's own client that dominates that
 *   figure (every delivery costs it a GObject signal and a JSON parse,
 *   one after the other on one thread); kept to compare.
 */

#define G_LOG_DOMAIN "cb-bench"
#define _GNU_SOURCE  /* RUSAGE_THREAD, memmem */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <glib-unix.h>

#include "cb-bench-common.h"
#include "cb-bench-events.h"
#include "cb-bench-ws.h"

#define LEAN_THREADS 2
/* The lean client looks at its sockets every this many µs rather than
 * sleeping in epoll_wait() until a frame comes. Woken by each frame, its
 * threads would preempt the server in the middle of its fan-out on this
 * 2-core machine (the kernel wakes the reader from inside the writer's
 * send()), and the server's figure would carry the client's scheduling;
 * a client on another machine costs the server nothing of the kind. The
 * poll adds up to this much to each latency, against the server.
 * $CB_BENCH_POLL_US overrides it; 0: woken by each frame. */
#define LEAN_POLL_US 1000

/* ---- what both clients share ------------------------------------------- */

typedef struct {
  CbTestServer *server;
  SoupSession  *session;
  GPtrArray    *tokens;
  char         *presence_url;
  gint64        seq;          /* the log's position before the streams open */
} EventsSetup;

static void
setup_start (EventsSetup *setup,
             guint        n_clients)
{
  g_autofree char *snapshot_url = NULL;
  g_autoptr(JsonNode) snapshot = NULL;
  gint64 start;

  setup->server = cb_bench_server_start (n_clients, "public");
  setup->session = soup_session_new_with_options ("max-conns", n_clients + 16,
                                                  "max-conns-per-host", n_clients + 16, NULL);
  setup->tokens = g_ptr_array_new_with_free_func (g_free);
  setup->presence_url = g_strconcat (setup->server->url, "/api/v1/me/presence", NULL);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_clients; i++)
    {
      g_autofree char *username = g_strdup_printf ("user%u", i);
      g_ptr_array_add (setup->tokens, cb_bench_sign_in (setup->session, setup->server->url, username));
    }
  g_printerr ("  %u sign-ins in %.1f s\n", n_clients, (g_get_monotonic_time () - start) / 1e6);

  snapshot_url = g_strconcat (setup->server->url, "/api/v1/snapshot", NULL);
  snapshot = cb_bench_request (setup->session, "GET", snapshot_url, setup->tokens->pdata[0], NULL, NULL);
  setup->seq = json_object_get_int_member (json_node_get_object (snapshot), "seq");
}

static void
setup_stop (EventsSetup *setup)
{
  g_clear_pointer (&setup->tokens, g_ptr_array_unref);
  g_clear_object (&setup->session);
  g_clear_pointer (&setup->presence_url, g_free);
  cb_test_server_stop (setup->server);
}

/* One presence change by user0; its note carries the time it was made. */
static void
change_presence (EventsSetup *setup,
                 guint        round)
{
  g_autofree char *body = g_strdup_printf ("{\"availability\":\"%s\",\"note\":\"bench:%" G_GINT64_FORMAT "\"}",
                                           round % 2 ? "away" : "available", g_get_monotonic_time ());
  guint status = 0;
  g_autoptr(JsonNode) answer = cb_bench_request (setup->session, "PUT", setup->presence_url,
                                                 setup->tokens->pdata[0], body, &status);

  if (status != 200)
    g_error ("PUT presence answered %u", status);
}

static void
print_figures (const char *client,
               guint       n_clients,
               guint       rounds,
               GArray     *latencies_us,
               double      server_cpu_s,
               double      client_cpu_s,
               GPid        server_pid)
{
  g_print ("events (%s client): %u WebSocket clients, %u presence changes, %u deliveries\n",
           client, n_clients, rounds, latencies_us->len);
  g_print ("events (%s client): delivery latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", client,
           cb_bench_percentile (latencies_us, 50) / 1000.0,
           cb_bench_percentile (latencies_us, 99) / 1000.0,
           cb_bench_percentile (latencies_us, 100) / 1000.0);
  g_print ("events (%s client): CPU per delivery: server %.1f us, client %.1f us; "
           "server resident memory %" G_GINT64_FORMAT " KiB\n", client,
           server_cpu_s * 1e6 / MAX (latencies_us->len, 1u),
           client_cpu_s * 1e6 / MAX (latencies_us->len, 1u),
           cb_bench_rss_kib (server_pid));
}

static GPid
server_pid (EventsSetup *setup)
{
  return atoi (g_subprocess_get_identifier (setup->server->process));
}

static double
own_cpu_seconds (int who)
{
  struct rusage usage;

  getrusage (who, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* ---- the lean client --------------------------------------------------- */

typedef struct {
  int         fd;
  GByteArray *in;           /* bytes read, not yet a whole frame */
} LeanConn;

typedef struct LeanRun LeanRun;

typedef struct {
  LeanRun   *run;
  GThread   *thread;
  int        epoll_fd;
  GPtrArray *conns;         /* LeanConn */
  GArray    *latencies_us;  /* this thread's, double */
  GArray    *stamps;        /* the change each latency belongs to, gint64 */
  double     cpu_seconds;   /* this thread's, at its end */
} LeanWorker;

struct LeanRun {
  LeanWorker workers[LEAN_THREADS];
  int        stop_fd;       /* an eventfd: the workers end when it is readable */
  gint       delivered;     /* atomic */
  gint       expected;      /* atomic */
  gulong     poll_us;
};

static void
lean_conn_free (LeanConn *conn)
{
  close (conn->fd);
  g_byte_array_unref (conn->in);
  g_free (conn);
}

static void
lean_text (LeanWorker *worker,
           LeanConn   *conn,
           const char *text,
           gsize       len,
           gint64      now)
{
  const char *note;

  if (len < 64 && g_strstr_len (text, (gssize) len, "\"type\":\"ping\"") != NULL)
    {
      const char *seq = g_strstr_len (text, (gssize) len, "\"seq\":");
      g_autofree char *pong = g_strdup_printf ("{\"type\":\"pong\",\"seq\":%" G_GINT64_FORMAT "}",
                                               seq != NULL ? g_ascii_strtoll (seq + 6, NULL, 10) : 0);

      cb_bench_ws_send (conn->fd, 0x1, pong, strlen (pong));
      return;
    }
  note = g_strstr_len (text, (gssize) len, "\"note\":\"bench:");
  if (note != NULL && g_strstr_len (text, (gssize) len, "\"type\":\"presence\"") != NULL)
    {
      double latency = (double) (now - g_ascii_strtoll (note + strlen ("\"note\":\"bench:"), NULL, 10));

      gint64 stamp = g_ascii_strtoll (note + strlen ("\"note\":\"bench:"), NULL, 10);

      g_array_append_val (worker->latencies_us, latency);
      g_array_append_val (worker->stamps, stamp);
      if (g_atomic_int_add (&worker->run->delivered, 1) + 1 == g_atomic_int_get (&worker->run->expected))
        g_main_context_wakeup (NULL);
    }
}

/* Takes every whole frame out of conn->in. */
static void
lean_frames (LeanWorker *worker,
             LeanConn   *conn,
             gint64      now)
{
  CbBenchWsFrame frame;
  gsize used = 0;

  while (cb_bench_ws_next_frame (conn->in, &used, &frame))
    {
      if (frame.opcode == 0x1)
        lean_text (worker, conn, (const char *) frame.payload, frame.len, now);
      else if (frame.opcode == 0x9 && frame.len < 126)
        cb_bench_ws_send (conn->fd, 0xa, frame.payload, frame.len);
    }
  if (used > 0)
    g_byte_array_remove_range (conn->in, 0, (guint) used);
}

static gpointer
lean_worker_main (gpointer data)
{
  LeanWorker *worker = data;
  struct epoll_event events[64];
  guint8 buf[16384];
  gboolean running = TRUE;

  while (running)
    {
      int n;

      /* Polled, not woken by each frame: see LEAN_POLL_US. */
      if (worker->run->poll_us > 0)
        {
          n = epoll_wait (worker->epoll_fd, events, G_N_ELEMENTS (events), 0);
          if (n == 0)
            {
              g_usleep (worker->run->poll_us);
              continue;
            }
        }
      else
        n = epoll_wait (worker->epoll_fd, events, G_N_ELEMENTS (events), -1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        g_error ("epoll_wait: %s", g_strerror (errno));
      for (int i = 0; i < n; i++)
        {
          LeanConn *conn = events[i].data.ptr;
          gint64 now;
          ssize_t got;

          if (conn == NULL)
            {
              running = FALSE;  /* the stop eventfd */
              continue;
            }
          got = read (conn->fd, buf, sizeof buf);
          now = g_get_monotonic_time ();
          if (got <= 0)
            {
              if (got < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
              g_error ("An event stream ended during the run");
            }
          g_byte_array_append (conn->in, buf, (guint) got);
          lean_frames (worker, conn, now);
        }
    }
  worker->cpu_seconds = own_cpu_seconds (RUSAGE_THREAD);
  return NULL;
}

/* Connects and completes the handshake, blocking; the stream is then
 * non-blocking. */
static LeanConn *
lean_connect (guint16     port,
              const char *token,
              gint64      since)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  g_autofree char *request = NULL;
  LeanConn *conn = g_new0 (LeanConn, 1);
  guint8 buf[4096];
  const guint8 *end = NULL;
  int one = 1;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  conn->fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  conn->in = g_byte_array_new ();
  if (conn->fd < 0 || connect (conn->fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    g_error ("connect: %s", g_strerror (errno));
  setsockopt (conn->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  request = g_strdup_printf ("GET /api/v1/events?since=%" G_GINT64_FORMAT " HTTP/1.1\r\n"
                             "Host: 127.0.0.1:%u\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: Y2FsbGJvYXJkIGJlbmNoIQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n"
                             "Authorization: Bearer %s\r\n\r\n", since, port, token);
  if (!cb_bench_ws_write_all (conn->fd, request, strlen (request)))
    g_error ("write: %s", g_strerror (errno));

  while (end == NULL)
    {
      ssize_t got = read (conn->fd, buf, sizeof buf);

      if (got <= 0)
        g_error ("The server closed an event stream during its handshake");
      g_byte_array_append (conn->in, buf, (guint) got);
      end = memmem (conn->in->data, conn->in->len, "\r\n\r\n", 4);
    }
  if (conn->in->len < 12 || memcmp (conn->in->data + 9, "101", 3) != 0)
    g_error ("The event stream's handshake answered %.12s", (const char *) conn->in->data);
  g_byte_array_remove_range (conn->in, 0, (guint) (end + 4 - conn->in->data));
  g_unix_set_fd_nonblocking (conn->fd, TRUE, NULL);
  return conn;
}

/* Where the time goes: until the first client has a change (the request,
 * the commit), and from the first to the last (the fan-out). */
static void
print_spread (LeanRun *run)
{
  g_autoptr(GHashTable) first = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GHashTable) last = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GArray) firsts = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) spreads = g_array_new (FALSE, FALSE, sizeof (double));
  GHashTableIter iter;
  gpointer key, value;

  for (guint t = 0; t < LEAN_THREADS; t++)
    for (guint i = 0; i < run->workers[t].stamps->len; i++)
      {
        gint64 stamp = g_array_index (run->workers[t].stamps, gint64, i);
        double latency = g_array_index (run->workers[t].latencies_us, double, i);
        double *low = g_hash_table_lookup (first, &stamp);
        double *high = g_hash_table_lookup (last, &stamp);

        if (low == NULL)
          {
            g_hash_table_insert (first, g_memdup2 (&stamp, sizeof stamp), low = g_new (double, 1));
            g_hash_table_insert (last, g_memdup2 (&stamp, sizeof stamp), high = g_new (double, 1));
            *low = *high = latency;
          }
        *low = MIN (*low, latency);
        *high = MAX (*high, latency);
      }
  g_hash_table_iter_init (&iter, first);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      double spread = *(double *) g_hash_table_lookup (last, key) - *(double *) value;

      g_array_append_val (firsts, *(double *) value);
      g_array_append_val (spreads, spread);
    }
  g_print ("events (lean client): first client p50 %.2f ms; first to last client p50 %.2f ms, max %.2f ms\n",
           cb_bench_percentile (firsts, 50) / 1000.0, cb_bench_percentile (spreads, 50) / 1000.0,
           cb_bench_percentile (spreads, 100) / 1000.0);
}

static gboolean
lean_all_delivered (gpointer data)
{
  LeanRun *run = data;

  return g_atomic_int_get (&run->delivered) >= g_atomic_int_get (&run->expected);
}

static void
bench_events_lean (guint n_clients,
                   guint rounds)
{
  EventsSetup setup = { 0 };
  g_autoptr(GArray) latencies_us = g_array_new (FALSE, FALSE, sizeof (double));
  LeanRun run = { 0 };
  guint16 port;
  double server_before, server_after, client_cpu = 0;
  gint64 start;
  guint64 one = 1;

  setup_start (&setup, n_clients);
  port = (guint16) setup.server->port;
  run.poll_us = g_getenv ("CB_BENCH_POLL_US") != NULL ?
                (gulong) g_ascii_strtoull (g_getenv ("CB_BENCH_POLL_US"), NULL, 10) : LEAN_POLL_US;
  run.stop_fd = eventfd (0, EFD_CLOEXEC);

  start = g_get_monotonic_time ();
  for (guint t = 0; t < LEAN_THREADS; t++)
    {
      LeanWorker *worker = &run.workers[t];
      struct epoll_event stop = { .events = EPOLLIN, .data.ptr = NULL };

      worker->run = &run;
      worker->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
      worker->conns = g_ptr_array_new_with_free_func ((GDestroyNotify) lean_conn_free);
      worker->latencies_us = g_array_new (FALSE, FALSE, sizeof (double));
      worker->stamps = g_array_new (FALSE, FALSE, sizeof (gint64));
      epoll_ctl (worker->epoll_fd, EPOLL_CTL_ADD, run.stop_fd, &stop);
    }
  for (guint i = 0; i < n_clients; i++)
    {
      LeanWorker *worker = &run.workers[i % LEAN_THREADS];
      LeanConn *conn = lean_connect (port, setup.tokens->pdata[i], setup.seq);
      struct epoll_event event = { .events = EPOLLIN, .data.ptr = conn };

      g_ptr_array_add (worker->conns, conn);
      if (epoll_ctl (worker->epoll_fd, EPOLL_CTL_ADD, conn->fd, &event) != 0)
        g_error ("epoll_ctl: %s", g_strerror (errno));
    }
  if (run.poll_us > 0)
    g_print ("events (lean client): %u threads polling their sockets every %lu us\n", LEAN_THREADS, run.poll_us);
  else
    g_print ("events (lean client): %u threads woken by each frame\n", LEAN_THREADS);
  g_printerr ("  %u WebSockets connected in %.1f s\n", n_clients, (g_get_monotonic_time () - start) / 1e6);

  for (guint t = 0; t < LEAN_THREADS; t++)
    run.workers[t].thread = g_thread_new ("lean-client", lean_worker_main, &run.workers[t]);

  server_before = cb_bench_cpu_seconds (server_pid (&setup));
  for (guint r = 0; r < rounds; r++)
    {
      g_atomic_int_set (&run.expected, (gint) ((r + 1) * n_clients));
      change_presence (&setup, r);
      cb_test_wait_until (lean_all_delivered, &run, 60000, "every lean client to get the event");
    }
  server_after = cb_bench_cpu_seconds (server_pid (&setup));

  if (write (run.stop_fd, &one, sizeof one) != sizeof one)
    g_error ("Cannot stop the lean client");
  for (guint t = 0; t < LEAN_THREADS; t++)
    {
      LeanWorker *worker = &run.workers[t];

      g_thread_join (worker->thread);
      g_array_append_vals (latencies_us, worker->latencies_us->data, worker->latencies_us->len);
      client_cpu += worker->cpu_seconds;
    }

  print_figures ("lean", n_clients, rounds, latencies_us, server_after - server_before,
                 client_cpu, server_pid (&setup));
  print_spread (&run);

  for (guint t = 0; t < LEAN_THREADS; t++)
    {
      g_ptr_array_unref (run.workers[t].conns);
      g_array_unref (run.workers[t].latencies_us);
      g_array_unref (run.workers[t].stamps);
      close (run.workers[t].epoll_fd);
    }
  close (run.stop_fd);
  setup_stop (&setup);
}

/* ---- the libsoup client ------------------------------------------------ */

typedef struct {
  GPtrArray *conns;         /* SoupWebsocketConnection */
  GArray    *latencies_us;
  guint      expected;
  guint      connected;
} SoupRun;

static void
on_soup_message (SoupWebsocketConnection *ws,
                 int                      type,
                 GBytes                  *message,
                 gpointer                 user_data)
{
  SoupRun *run = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gint64 now = g_get_monotonic_time ();
  gsize len;
  const char *text = g_bytes_get_data (message, &len);
  JsonObject *object, *data;
  const char *kind, *note;

  if (!json_parser_load_from_data (parser, text, (gssize) len, NULL))
    return;
  object = json_node_get_object (json_parser_get_root (parser));
  kind = json_object_get_string_member_with_default (object, "type", "");

  if (g_str_equal (kind, "ping"))
    {
      g_autofree char *pong = g_strdup_printf ("{\"type\":\"pong\",\"seq\":%" G_GINT64_FORMAT "}",
                                               json_object_get_int_member_with_default (object, "seq", 0));
      soup_websocket_connection_send_text (ws, pong);
      return;
    }
  if (!g_str_equal (kind, "presence"))
    return;

  data = json_object_get_object_member (object, "data");
  note = data != NULL ? json_object_get_string_member_with_default (data, "note", "") : "";
  if (g_str_has_prefix (note, "bench:"))
    {
      double latency = (double) (now - g_ascii_strtoll (note + 6, NULL, 10));
      g_array_append_val (run->latencies_us, latency);
    }
}

static void
on_soup_connected (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SoupRun *run = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  if (ws == NULL)
    g_error ("WebSocket connect failed: %s", error->message);
  g_signal_connect (ws, "message", G_CALLBACK (on_soup_message), run);
  g_ptr_array_add (run->conns, ws);
  run->connected++;
}

static gboolean
soup_all_delivered (gpointer data)
{
  SoupRun *run = data;

  return run->latencies_us->len >= run->expected;
}

static void
bench_events_soup (guint n_clients,
                   guint rounds)
{
  EventsSetup setup = { 0 };
  SoupRun run = { 0 };
  g_autofree char *ws_url = NULL;
  double server_before, server_after, client_before, client_after;
  gint64 start;

  setup_start (&setup, n_clients);
  run.conns = g_ptr_array_new_with_free_func (g_object_unref);
  run.latencies_us = g_array_new (FALSE, FALSE, sizeof (double));
  ws_url = g_strdup_printf ("ws://127.0.0.1:%u/api/v1/events?since=%" G_GINT64_FORMAT,
                            setup.server->port, setup.seq);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_clients; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", ws_url);
      g_autofree char *auth = g_strdup_printf ("Bearer %s", (char *) setup.tokens->pdata[i]);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      soup_session_websocket_connect_async (setup.session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                            on_soup_connected, &run);
    }
  CB_TEST_WAIT_FOR (run.connected == n_clients, 120000, "every WebSocket to connect");
  g_printerr ("  %u WebSockets connected in %.1f s (libsoup client)\n", n_clients,
              (g_get_monotonic_time () - start) / 1e6);

  server_before = cb_bench_cpu_seconds (server_pid (&setup));
  client_before = own_cpu_seconds (RUSAGE_SELF);
  for (guint r = 0; r < rounds; r++)
    {
      run.expected = (r + 1) * n_clients;
      change_presence (&setup, r);
      cb_test_wait_until (soup_all_delivered, &run, 60000, "every listener to get the event");
    }
  server_after = cb_bench_cpu_seconds (server_pid (&setup));
  client_after = own_cpu_seconds (RUSAGE_SELF);

  print_figures ("soup", n_clients, rounds, run.latencies_us, server_after - server_before,
                 client_after - client_before, server_pid (&setup));

  for (guint i = 0; i < run.conns->len; i++)
    g_signal_handlers_disconnect_by_data (run.conns->pdata[i], &run);
  g_ptr_array_unref (run.conns);
  g_array_unref (run.latencies_us);
  setup_stop (&setup);
}

void
cb_bench_events (const char *client,
                 guint       n_clients,
                 guint       rounds)
{
  if (g_strcmp0 (client, "soup") == 0)
    bench_events_soup (n_clients, rounds);
  else
    bench_events_lean (n_clients, rounds);
}
