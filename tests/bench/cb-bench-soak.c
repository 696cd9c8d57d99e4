/* cb-bench-soak.c: the server's memory, descriptors and latency over a long run
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * callboardd --demo (the demo directory, simulated colleagues changing
 * presence and placing calls through the B2BUA) on loopback with a
 * temporary database, and CLIENTS event streams that never settle: each
 * client signs in once, opens its stream, stays 1–10 s, closes it and
 * opens a new one, resuming from the last seq it heard; one time in five
 * it starts afresh instead (a snapshot, then a stream without `since`),
 * and one close in ten drops the socket without a close frame, as a
 * client that loses its network does.
 *
 * The streams are raw sockets on one thread (the handshake blocking,
 * the frames read from an epoll set), as in the events benchmark: the
 * client costs little beside the server on this 2-core machine. The main
 * thread asks /health once a second and reads the server's /proc entries
 * every 30 s. At the end, a least-squares line through the second half
 * of the samples (the first is warm-up: caches filling, the event log's
 * backlog growing to its bound) gives the growth per hour.
 *
 * $CB_SOAK_RATE: simulated changes per second (default: the demo's, one
 * every 3 s); $CB_SOAK_CALL_INTERVAL: mean ms between simulated calls
 * (default: the demo's). $CALLBOARDD_WRAPPER runs the server under a
 * tool (valgrind --tool=massif …), as for the tests.
 */

#define G_LOG_DOMAIN "cb-bench"
#define _GNU_SOURCE  /* memmem */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <glib-unix.h>

#include "cb-bench-common.h"
#include "cb-bench-soak.h"
#include "cb-bench-ws.h"

#define SAMPLE_SECONDS   30
#define HEALTH_MS        1000
#define STAY_MIN_MS      1000
#define STAY_MAX_MS      10000
#define PAUSE_MAX_MS     500      /* between a close and the reconnect */
#define FRESH_ONE_IN     5
#define ABRUPT_ONE_IN    10
#define BLOCKING_TIMEOUT 10       /* seconds for a handshake or snapshot */

typedef struct {
  char       *token;
  int         fd;           /* -1: between two streams */
  GByteArray *in;
  gint64      seq;          /* highest seq heard, -1: none yet */
  gint64      due;          /* monotonic µs: close, or reconnect */
} SoakClient;

typedef struct {
  guint16     port;
  GPtrArray  *clients;      /* SoakClient */
  GRand      *rand;
  gint        stop;         /* atomic */
  /* counters, atomic: read by the main thread */
  gint        streams;      /* opened */
  gint        resumed;
  gint        fresh;
  gint        abrupt;
  gint        dropped;      /* closed by the server */
  gint        resyncs;
  gint        events;
  gint        failures;     /* handshakes or snapshots that failed */
} SoakRun;

typedef struct {
  double t;                 /* seconds since the start */
  double rss_kib;
  double pss_kib;
  double anon_kib;          /* RssAnon: the heap and stacks, not mapped files */
} Sample;

static void
soak_client_free (SoakClient *client)
{
  if (client->fd >= 0)
    close (client->fd);
  g_byte_array_unref (client->in);
  g_free (client->token);
  g_free (client);
}

static int
connect_blocking (guint16 port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  struct timeval timeout = { .tv_sec = BLOCKING_TIMEOUT };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd < 0 || connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    g_error ("connect: %s", g_strerror (errno));
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

/* GET /api/v1/snapshot over HTTP/1.0 (the server closes after the
 * answer): the seq it was taken at, -1 on failure. */
static gint64
fetch_snapshot_seq (SoakRun    *run,
                    SoakClient *client)
{
  g_autoptr(GByteArray) answer = g_byte_array_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *request = g_strdup_printf ("GET /api/v1/snapshot HTTP/1.0\r\n"
                                              "Host: 127.0.0.1:%u\r\n"
                                              "Authorization: Bearer %s\r\n\r\n",
                                              run->port, client->token);
  int fd = connect_blocking (run->port);
  guint8 buf[16384];
  const guint8 *body;
  JsonNode *root;
  ssize_t got;

  cb_bench_ws_write_all (fd, request, strlen (request));
  while ((got = read (fd, buf, sizeof buf)) > 0)
    g_byte_array_append (answer, buf, (guint) got);
  close (fd);

  body = answer->len > 12 ? memmem (answer->data, answer->len, "\r\n\r\n", 4) : NULL;
  if (body == NULL || memcmp (answer->data + 9, "200", 3) != 0)
    return -1;
  body += 4;
  if (!json_parser_load_from_data (parser, (const char *) body,
                                   (gssize) (answer->data + answer->len - body), NULL))
    return -1;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return -1;
  return json_object_get_int_member_with_default (json_node_get_object (root), "seq", -1);
}

/* Opens the client's stream (since < 0: without `since`); the socket is
 * non-blocking afterwards. FALSE when the server refused. */
static gboolean
open_stream (SoakRun    *run,
             SoakClient *client,
             gint64      since)
{
  g_autofree char *query = since >= 0 ? g_strdup_printf ("?since=%" G_GINT64_FORMAT, since)
                                      : g_strdup ("");
  g_autofree char *request = g_strdup_printf ("GET /api/v1/events%s HTTP/1.1\r\n"
                                              "Host: 127.0.0.1:%u\r\n"
                                              "Upgrade: websocket\r\n"
                                              "Connection: Upgrade\r\n"
                                              "Sec-WebSocket-Key: Y2FsbGJvYXJkIHNvYWshIQ==\r\n"
                                              "Sec-WebSocket-Version: 13\r\n"
                                              "Authorization: Bearer %s\r\n\r\n",
                                              query, run->port, client->token);
  const guint8 *end = NULL;
  guint8 buf[4096];

  client->fd = connect_blocking (run->port);
  g_byte_array_set_size (client->in, 0);
  cb_bench_ws_write_all (client->fd, request, strlen (request));
  while (end == NULL)
    {
      ssize_t got = read (client->fd, buf, sizeof buf);

      if (got <= 0)
        break;
      g_byte_array_append (client->in, buf, (guint) got);
      end = memmem (client->in->data, client->in->len, "\r\n\r\n", 4);
    }
  if (end == NULL || client->in->len < 12 || memcmp (client->in->data + 9, "101", 3) != 0)
    {
      close (client->fd);
      client->fd = -1;
      return FALSE;
    }
  g_byte_array_remove_range (client->in, 0, (guint) (end + 4 - client->in->data));
  g_unix_set_fd_nonblocking (client->fd, TRUE, NULL);
  return TRUE;
}

static void
client_text (SoakRun    *run,
             SoakClient *client,
             const char *text,
             gsize       len)
{
  if (g_str_has_prefix (text, "{\"type\":\"ping\""))
    {
      /* Acknowledge what was heard, as CbEventStream does. */
      g_autofree char *pong = g_strdup_printf ("{\"type\":\"pong\",\"seq\":%" G_GINT64_FORMAT "}",
                                               MAX (client->seq, 0));
      cb_bench_ws_send (client->fd, 0x1, pong, strlen (pong));
      return;
    }
  if (len > 7 && g_str_has_prefix (text, "{\"seq\":"))
    {
      client->seq = MAX (client->seq, g_ascii_strtoll (text + 7, NULL, 10));
      g_atomic_int_inc (&run->events);
      if (g_strstr_len (text, (gssize) MIN (len, 64), "\"type\":\"resync\"") != NULL)
        g_atomic_int_inc (&run->resyncs);
    }
}

/* Takes the whole frames out of client->in; FALSE when the server closed. */
static gboolean
client_frames (SoakRun    *run,
               SoakClient *client)
{
  CbBenchWsFrame frame;
  gsize used = 0;
  gboolean open = TRUE;

  while (cb_bench_ws_next_frame (client->in, &used, &frame))
    {
      if (frame.opcode == 0x1)
        client_text (run, client, (const char *) frame.payload, frame.len);
      else if (frame.opcode == 0x8)
        open = FALSE;
      else if (frame.opcode == 0x9 && frame.len <= 125)
        cb_bench_ws_send (client->fd, 0xa, frame.payload, frame.len);
    }
  if (used > 0)
    g_byte_array_remove_range (client->in, 0, (guint) used);
  return open;
}

static gint64
random_ms (SoakRun *run,
           guint    low,
           guint    high)
{
  return (gint64) g_rand_int_range (run->rand, (gint32) low, (gint32) high + 1) * 1000;
}

static void
client_close (SoakRun    *run,
              int         epoll_fd,
              SoakClient *client,
              gboolean    by_server)
{
  static const guint8 normal[2] = { 1000 >> 8, 1000 & 0xff };

  epoll_ctl (epoll_fd, EPOLL_CTL_DEL, client->fd, NULL);
  if (by_server)
    g_atomic_int_inc (&run->dropped);
  else if (g_rand_int_range (run->rand, 0, ABRUPT_ONE_IN) == 0)
    g_atomic_int_inc (&run->abrupt);
  else
    cb_bench_ws_send (client->fd, 0x8, normal, sizeof normal);
  close (client->fd);
  client->fd = -1;
  client->due = g_get_monotonic_time () + random_ms (run, 0, PAUSE_MAX_MS);
}

static void
client_open (SoakRun    *run,
             int         epoll_fd,
             SoakClient *client)
{
  gboolean fresh = client->seq < 0 || g_rand_int_range (run->rand, 0, FRESH_ONE_IN) == 0;
  struct epoll_event event = { .events = EPOLLIN, .data.ptr = client };

  if (fresh)
    {
      gint64 seq = fetch_snapshot_seq (run, client);

      if (seq < 0)
        {
          g_atomic_int_inc (&run->failures);
          client->due = g_get_monotonic_time () + random_ms (run, 0, PAUSE_MAX_MS);
          return;
        }
      client->seq = seq;
    }
  if (!open_stream (run, client, fresh ? -1 : client->seq))
    {
      g_atomic_int_inc (&run->failures);
      client->due = g_get_monotonic_time () + random_ms (run, 0, PAUSE_MAX_MS);
      return;
    }
  g_atomic_int_inc (&run->streams);
  g_atomic_int_inc (fresh ? &run->fresh : &run->resumed);
  if (epoll_ctl (epoll_fd, EPOLL_CTL_ADD, client->fd, &event) != 0)
    g_error ("epoll_ctl: %s", g_strerror (errno));
  client->due = g_get_monotonic_time () + random_ms (run, STAY_MIN_MS, STAY_MAX_MS);
  /* Frames may have come with the handshake. */
  if (client->in->len > 0 && !client_frames (run, client))
    client_close (run, epoll_fd, client, TRUE);
}

static gpointer
soak_worker (gpointer data)
{
  SoakRun *run = data;
  int epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  struct epoll_event events[64];
  guint8 buf[16384];

  while (!g_atomic_int_get (&run->stop))
    {
      gint64 now = g_get_monotonic_time ();
      gint64 next = now + 100000;
      int n;

      for (guint i = 0; i < run->clients->len; i++)
        {
          SoakClient *client = run->clients->pdata[i];

          if (client->due <= now)
            {
              if (client->fd >= 0)
                client_close (run, epoll_fd, client, FALSE);
              else
                client_open (run, epoll_fd, client);
              now = g_get_monotonic_time ();
            }
          next = MIN (next, client->due);
        }

      n = epoll_wait (epoll_fd, events, G_N_ELEMENTS (events),
                      (int) CLAMP ((next - now) / 1000, 0, 100));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        g_error ("epoll_wait: %s", g_strerror (errno));
      for (int i = 0; i < n; i++)
        {
          SoakClient *client = events[i].data.ptr;
          ssize_t got = read (client->fd, buf, sizeof buf);

          if (got < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
          if (got > 0)
            g_byte_array_append (client->in, buf, (guint) got);
          if (got <= 0 || !client_frames (run, client))
            client_close (run, epoll_fd, client, TRUE);
        }
    }
  for (guint i = 0; i < run->clients->len; i++)
    {
      SoakClient *client = run->clients->pdata[i];

      if (client->fd >= 0)
        client_close (run, epoll_fd, client, FALSE);
    }
  close (epoll_fd);
  return NULL;
}

/* ---- the server's side --------------------------------------------------- */

static guint
open_fds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* The slope of the least-squares line through the samples from index
 * `from` on, of one of their figures (an offset in Sample), in KiB per
 * second. */
static double
slope (GArray *samples,
       guint   from,
       gsize   figure)
{
  double n = 0, st = 0, sy = 0, stt = 0, sty = 0;

  for (guint i = from; i < samples->len; i++)
    {
      const Sample *s = &g_array_index (samples, Sample, i);
      double y = G_STRUCT_MEMBER (double, s, figure);

      n++;
      st += s->t;
      sy += y;
      stt += s->t * s->t;
      sty += s->t * y;
    }
  if (n < 2 || n * stt - st * st == 0)
    return 0;
  return (n * sty - st * sy) / (n * stt - st * st);
}

static char *
demo_directory (GPtrArray *usernames)
{
  g_autofree char *path = g_build_filename (SOURCE_ROOT, "data", "demo-directory.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  char *text = NULL;
  JsonArray *users;

  if (!g_file_get_contents (path, &text, NULL, &error) ||
      !json_parser_load_from_data (parser, text, -1, &error))
    g_error ("%s: %s", path, error->message);
  users = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "users");
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);

      if (json_object_has_member (user, "password"))
        g_ptr_array_add (usernames, g_strdup (json_object_get_string_member (user, "username")));
    }
  return text;
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
cb_bench_soak (guint minutes,
               guint n_clients)
{
  g_autoptr(GPtrArray) usernames = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *directory = demo_directory (usernames);
  g_autofree char *rate = g_strdup (g_getenv ("CB_SOAK_RATE"));
  g_autofree char *call_interval = g_strdup (g_getenv ("CB_SOAK_CALL_INTERVAL"));
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  g_autoptr(GArray) health_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) all_health_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *health_url = NULL;
  const char *first_token;
  CbTestServer *server;
  SoakRun run = { 0 };
  GThread *worker;
  GPid pid;
  gint64 start, end, next_sample, next_health;
  guint first_half;

  g_ptr_array_add (args, "--demo");
  if (rate != NULL)
    {
      g_ptr_array_add (args, "--simulation-rate");
      g_ptr_array_add (args, rate);
    }
  if (call_interval != NULL)
    {
      g_ptr_array_add (args, "--call-interval");
      g_ptr_array_add (args, call_interval);
    }
  g_ptr_array_add (args, NULL);

  server = cb_test_server_start (directory, (const char * const *) args->pdata);
  pid = atoi (g_subprocess_get_identifier (server->process));
  health_url = g_strconcat (server->url, "/api/v1/health", NULL);

  run.port = (guint16) server->port;
  run.rand = g_rand_new ();
  run.clients = g_ptr_array_new_with_free_func ((GDestroyNotify) soak_client_free);
  for (guint i = 0; i < n_clients; i++)
    {
      SoakClient *client = g_new0 (SoakClient, 1);
      const char *username = usernames->pdata[i % usernames->len];
      g_autofree char *url = g_strconcat (server->url, "/api/v1/session", NULL);
      g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"demo\"}", username);
      g_autoptr(JsonNode) answer = NULL;
      guint status = 0;

      answer = cb_bench_request (server->session, "POST", url, NULL, body, &status);
      if (status != 201 || answer == NULL)
        g_error ("Sign-in of %s failed with HTTP %u", username, status);
      client->token = g_strdup (json_object_get_string_member (json_node_get_object (answer), "token"));
      client->fd = -1;
      client->in = g_byte_array_new ();
      client->seq = -1;
      /* Spread the first connections over the first stay. */
      client->due = g_get_monotonic_time () + g_random_int_range (0, STAY_MAX_MS) * 1000;
      g_ptr_array_add (run.clients, client);
    }

  first_token = ((SoakClient *) run.clients->pdata[0])->token;
  g_print ("soak: callboardd --demo%s%s%s%s, %u clients on %u users, %u min; "
           "streams stay %u-%u s, one reconnect in %u from scratch\n",
           rate != NULL ? " --simulation-rate " : "", rate != NULL ? rate : "",
           call_interval != NULL ? " --call-interval " : "", call_interval != NULL ? call_interval : "",
           n_clients, usernames->len, minutes, STAY_MIN_MS / 1000, STAY_MAX_MS / 1000, FRESH_ONE_IN);
  g_print ("soak:   min   RSS KiB   PSS KiB  anon KiB  fds  health p50/p99 ms  streams resumed fresh "
           "dropped resyncs events\n");

  worker = g_thread_new ("soak-clients", soak_worker, &run);
  start = g_get_monotonic_time ();
  end = start + (gint64) minutes * 60 * G_USEC_PER_SEC;
  next_sample = start;
  next_health = start;

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gboolean elapsed = FALSE;

      if (now >= next_health)
        {
          g_autoptr(GBytes) answer = NULL;
          double ms;

          answer = cb_bench_fetch (server->session, health_url, first_token);
          ms = (g_get_monotonic_time () - now) / 1000.0;
          g_array_append_val (health_ms, ms);
          g_array_append_val (all_health_ms, ms);
          next_health += HEALTH_MS * 1000;
        }
      if (now >= next_sample)
        {
          Sample sample = { (now - start) / 1e6, cb_bench_rss_kib (pid), cb_bench_pss_kib (pid),
                            cb_bench_status_kib (pid, "RssAnon") };

          if (!cb_test_server_alive (server))
            g_error ("callboardd exited during the soak");
          g_array_append_val (samples, sample);
          g_print ("soak: %5.1f %9.0f %9.0f %9.0f %4u  %7.2f /%7.2f   %7d %7d %5d %7d %7d %6d\n",
                   sample.t / 60, sample.rss_kib, sample.pss_kib, sample.anon_kib, open_fds (pid),
                   cb_bench_percentile (health_ms, 50), cb_bench_percentile (health_ms, 99),
                   g_atomic_int_get (&run.streams), g_atomic_int_get (&run.resumed),
                   g_atomic_int_get (&run.fresh), g_atomic_int_get (&run.dropped),
                   g_atomic_int_get (&run.resyncs), g_atomic_int_get (&run.events));
          g_array_set_size (health_ms, 0);
          next_sample += SAMPLE_SECONDS * G_USEC_PER_SEC;
          if (now >= end)
            break;
        }
      g_timeout_add ((guint) CLAMP ((MIN (next_health, next_sample) - now) / 1000, 1, HEALTH_MS),
                     set_flag, &elapsed);
      while (!elapsed)
        g_main_context_iteration (NULL, TRUE);
    }

  g_atomic_int_set (&run.stop, 1);
  g_thread_join (worker);

  first_half = 0;
  while (first_half < samples->len &&
         g_array_index (samples, Sample, first_half).t < minutes * 60 / 2.0)
    first_half++;
  g_print ("soak: RSS %.0f -> %.0f KiB; second half (%u samples): RSS %+.2f MB/h, PSS %+.2f MB/h, "
           "anon %+.2f MB/h; "
           "/health p50 %.2f ms, p99 %.2f ms (%u requests); %d streams, %d dropped by the server, "
           "%d failed to open, %d closed without a close frame\n",
           g_array_index (samples, Sample, 0).rss_kib,
           g_array_index (samples, Sample, samples->len - 1).rss_kib,
           samples->len - first_half,
           slope (samples, first_half, G_STRUCT_OFFSET (Sample, rss_kib)) * 3600 / 1024,
           slope (samples, first_half, G_STRUCT_OFFSET (Sample, pss_kib)) * 3600 / 1024,
           slope (samples, first_half, G_STRUCT_OFFSET (Sample, anon_kib)) * 3600 / 1024,
           cb_bench_percentile (all_health_ms, 50), cb_bench_percentile (all_health_ms, 99),
           all_health_ms->len, g_atomic_int_get (&run.streams), g_atomic_int_get (&run.dropped),
           g_atomic_int_get (&run.failures), g_atomic_int_get (&run.abrupt));

  g_ptr_array_unref (run.clients);
  g_rand_free (run.rand);
  cb_test_server_stop (server);
}
