/* cb-bench-queue.c: queue distribution latency and server CPU with many waiting callers
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * callboardd runs on loopback with one queue (round-robin, no wrap-up)
 * of `agents` members and `callers` other users. Every phone is a
 * lightweight user agent on one sofia-sip stack in this process, without
 * media: 250 endpoints cost little next to the server. The callers' SDP
 * points at one UDP socket here, which counts the hold music packets.
 *
 *   1. The agents register, log into the queue and are Not available;
 *      every caller dials the queue and is answered (waits, hears music).
 *   2. The server's CPU is measured while they all wait.
 *   3. The agents become Available. Each answers at once and hangs up
 *      HOLD_MS later, and is then free again; until the queue is empty.
 *      Distribution latency of each offer: from the later of "the caller
 *      is in the queue" and "the agent is free" (its BYE answered, or its
 *      Available answered) to the INVITE arriving at the agent.
 */

#define G_LOG_DOMAIN "cb-bench"

#define NUA_MAGIC_T   struct _Bench
#define NUA_HMAGIC_T  struct _Phone

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sofia-sip/nua.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_glib.h>

#include "cb-bench-common.h"
#include "cb-bench-queue.h"

#define HOLD_MS        200
#define WAIT_SECONDS   10
#define SETUP_TIMEOUT  120000

typedef struct _Bench Bench;
typedef struct _Phone Phone;

struct _Phone {
  Bench        *bench;
  gboolean      agent;
  char         *line;
  char         *password;
  char         *token;
  nua_handle_t *nh;         /* REGISTER (agents) or the INVITE (callers) */
  nua_handle_t *call;       /* agents: the offered call */
  gboolean      registered;
  gboolean      answered;   /* callers: in the queue */
  gboolean      ended;
  gint64        entered;    /* callers: monotonic µs of the queue's 200 */
  gint64        free_since; /* agents: monotonic µs since it can ring */
  guint         calls;
  char         *auth;
};

struct _Bench {
  CbTestServer *server;
  GPid          pid;
  su_root_t    *root;
  nua_t        *nua;
  char         *host;        /* callboardd's SIP host:port */
  char         *realm;
  GPtrArray    *agents;      /* Phone */
  GPtrArray    *callers;     /* Phone */
  GHashTable   *by_line;     /* line → Phone */
  GSocket      *rtp;
  guint         rtp_port;
  guint64       rtp_packets;
  GArray       *latencies;   /* double ms */
  guint         answered;
  guint         ended;
  gboolean      shutdown;
};

static char *
directory (guint callers,
           guint agents)
{
  GString *json = g_string_new ("{\"users\":[{\"username\":\"root\",\"password\":\"bench\",\"admin\":true}");
  GString *members = g_string_new (NULL);

  for (guint i = 0; i < agents; i++)
    {
      g_string_append_printf (json, ",{\"username\":\"agent%u\",\"display_name\":\"Agent %u\","
                              "\"extension\":\"%u\",\"password\":\"bench\"}", i, i, 3000 + i);
      g_string_append_printf (members, "%s\"agent%u\"", i > 0 ? "," : "", i);
    }
  for (guint i = 0; i < callers; i++)
    g_string_append_printf (json, ",{\"username\":\"caller%u\",\"display_name\":\"Caller %u\","
                            "\"extension\":\"%u\",\"password\":\"bench\"}", i, i, 5000 + i);
  g_string_append_printf (json, "],\"groups\":[{\"name\":\"Bench\",\"kind\":\"hunt\",\"number\":\"600\","
                          "\"strategy\":\"queue\",\"queue_order\":\"round-robin\",\"agent_timeout\":15,"
                          "\"max_wait\":3600,\"wrap_up\":0,\"level\":\"team\",\"members\":[%s]}]}",
                          members->str);
  g_string_free (members, TRUE);
  return g_string_free (json, FALSE);
}

static gboolean
on_rtp (GSocket      *socket,
        GIOCondition  condition,
        gpointer      data)
{
  Bench *bench = data;
  char buffer[2048];

  while (g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL) > 0)
    bench->rtp_packets++;
  return G_SOURCE_CONTINUE;
}

static char *
sdp (Bench *bench)
{
  return g_strdup_printf ("v=0\r\no=bench 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                          "t=0 0\r\nm=audio %u RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n"
                          "a=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n", bench->rtp_port);
}

/* ---- the phones ---------------------------------------------------------------- */

static gboolean
agent_hang_up (gpointer data)
{
  Phone *agent = data;

  if (agent->call != NULL)
    nua_bye (agent->call, TAG_END ());
  return G_SOURCE_REMOVE;
}

static void
agent_offered (Bench        *bench,
               nua_handle_t *nh,
               const sip_t  *sip)
{
  const char *line = sip->sip_request->rq_url->url_user;
  const char *from = sip->sip_from != NULL ? sip->sip_from->a_url->url_user : NULL;
  Phone *agent = line != NULL ? g_hash_table_lookup (bench->by_line, line) : NULL;
  Phone *caller = from != NULL ? g_hash_table_lookup (bench->by_line, from) : NULL;
  g_autofree char *body = sdp (bench);
  gint64 now = g_get_monotonic_time ();

  if (agent == NULL || !agent->agent || agent->call != NULL)
    {
      nua_respond (nh, SIP_486_BUSY_HERE, TAG_END ());
      nua_handle_destroy (nh);
      return;
    }
  if (caller != NULL && caller->entered > 0)
    {
      double ms = (now - MAX (caller->entered, agent->free_since)) / 1000.0;

      g_array_append_val (bench->latencies, ms);
    }
  agent->calls++;
  agent->call = nh;
  nua_handle_bind (nh, agent);
  nua_respond (nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR ("application/sdp"),
               SIPTAG_PAYLOAD_STR (body), TAG_END ());
  g_timeout_add (HOLD_MS, agent_hang_up, agent);
}

static void
on_event (nua_event_t   event,
          int           status,
          char const   *phrase,
          nua_t        *nua,
          Bench        *bench,
          nua_handle_t *nh,
          Phone        *phone,
          sip_t const  *sip,
          tagi_t        tags[])
{
  int callstate = -1;

  switch (event)
    {
    case nua_r_shutdown:
      if (status >= 200)
        bench->shutdown = TRUE;
      return;

    case nua_r_register:
    case nua_r_invite:
      if (phone == NULL)
        return;
      if ((status == 401 || status == 407) && phone->auth != NULL)
        {
          nua_authenticate (nh, NUTAG_AUTH (phone->auth), TAG_END ());
          return;
        }
      if (event == nua_r_register)
        phone->registered = status >= 200 && status < 300;
      else if (status >= 200 && status < 300 && !phone->agent && !phone->answered)
        {
          phone->answered = TRUE;
          phone->entered = g_get_monotonic_time ();
          bench->answered++;
        }
      else if (status >= 300)
        g_printerr ("  %s: %d %s\n", phone->line, status, phrase);
      return;

    case nua_i_invite:
      if (phone == NULL)
        agent_offered (bench, nh, sip);
      else
        {
          /* The queue's re-INVITE moving a caller to its agent. */
          g_autofree char *body = sdp (bench);

          nua_respond (nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR ("application/sdp"),
                       SIPTAG_PAYLOAD_STR (body), TAG_END ());
        }
      return;

    case nua_i_state:
      tl_gets (tags, NUTAG_CALLSTATE_REF (callstate), TAG_END ());
      if (callstate != nua_callstate_terminated || phone == NULL)
        return;
      if (phone->agent && nh == phone->call)
        {
          phone->call = NULL;
          phone->free_since = g_get_monotonic_time ();
          nua_handle_destroy (nh);
        }
      else if (!phone->agent && nh == phone->nh && !phone->ended)
        {
          phone->ended = TRUE;
          bench->ended++;
        }
      return;

    default:
      if (phone == NULL && nh != NULL && event != nua_i_outbound)
        nua_handle_destroy (nh);
      return;
    }
}

static Phone *
phone_new (Bench      *bench,
           const char *username,
           gboolean    agent)
{
  Phone *phone = g_new0 (Phone, 1);
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *line;
  guint status = 0;

  phone->bench = bench;
  phone->agent = agent;
  phone->token = cb_test_sign_in (bench->server, username, "bench", NULL);
  answer = cb_test_request (bench->server, "GET", "/api/v1/me/line", phone->token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  line = json_node_get_object (answer);
  phone->line = g_strdup (json_object_get_string_member (line, "username"));
  phone->password = g_strdup (json_object_get_string_member (line, "password"));
  if (bench->realm == NULL)
    {
      const char *registrar = json_object_get_string_member (line, "registrar");

      bench->realm = g_strdup (json_object_get_string_member (line, "realm"));
      bench->host = g_strdup (registrar + strlen ("sip:"));
    }
  phone->auth = g_strdup_printf ("Digest:\"%s\":%s:%s", bench->realm, phone->line, phone->password);
  g_hash_table_insert (bench->by_line, phone->line, phone);
  return phone;
}

static void
phone_free (Phone *phone)
{
  if (phone->nh != NULL)
    nua_handle_destroy (phone->nh);
  g_free (phone->line);
  g_free (phone->password);
  g_free (phone->token);
  g_free (phone->auth);
  g_free (phone);
}

static void
set_status (Bench      *bench,
            Phone      *agent,
            const char *status)
{
  g_autofree char *body = g_strdup_printf ("{\"agent_status\":\"%s\"}", status);
  g_autoptr(JsonNode) answer = NULL;
  guint code = 0;

  answer = cb_test_request (bench->server, "PUT", "/api/v1/me/agent-status", agent->token, body, &code);
  g_assert_cmpuint (code, ==, 200);
}

typedef struct {
  Bench *bench;
  guint  target;
} Until;

static gboolean
all_registered (gpointer data)
{
  Bench *bench = data;

  for (guint i = 0; i < bench->agents->len; i++)
    if (!((Phone *) g_ptr_array_index (bench->agents, i))->registered)
      return FALSE;
  return TRUE;
}

static gboolean
all_answered (gpointer data)
{
  Bench *bench = data;

  return bench->answered == bench->callers->len;
}

static gboolean
all_served (gpointer data)
{
  Bench *bench = data;

  return bench->ended == bench->callers->len;
}

void
cb_bench_queue (guint n_callers,
                guint n_agents)
{
  static const char * const args[] = { "--sip-port", "0", "--keepalive", "600",
                                       "--max-backlog", "1000000", NULL };
  g_autofree char *json = directory (n_callers, n_agents);
  g_autofree char *url = NULL;
  g_autofree char *group_login = NULL;
  g_autoptr(GSocketAddress) rtp_address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_from_string ("127.0.0.1");
  g_autoptr(JsonNode) snapshot = NULL;
  GSource *rtp_source;
  Bench bench = { 0 };
  double cpu_before, wall_before, waiting_cpu, distribution_cpu, seconds;
  guint64 packets_before;
  gint64 start;
  guint status = 0;
  gint64 group_id;

  g_print ("Queue: %u waiting callers, %u agents (round-robin, no wrap-up, calls of %d ms)\n",
           n_callers, n_agents, HOLD_MS);
  cb_bench_raise_fd_limit ();
  start = g_get_monotonic_time ();
  bench.server = cb_test_server_start (json, args);
  bench.pid = atoi (g_subprocess_get_identifier (bench.server->process));
  bench.agents = g_ptr_array_new_with_free_func ((GDestroyNotify) phone_free);
  bench.callers = g_ptr_array_new_with_free_func ((GDestroyNotify) phone_free);
  bench.by_line = g_hash_table_new (g_str_hash, g_str_equal);
  bench.latencies = g_array_new (FALSE, FALSE, sizeof (double));

  /* The hold music's sink. */
  bench.rtp = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  rtp_address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (bench.rtp, rtp_address, FALSE, NULL));
  g_clear_object (&rtp_address);
  rtp_address = g_socket_get_local_address (bench.rtp, NULL);
  bench.rtp_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (rtp_address));
  g_socket_set_blocking (bench.rtp, FALSE);
  rtp_source = g_socket_create_source (bench.rtp, G_IO_IN, NULL);
  g_source_set_callback (rtp_source, (GSourceFunc) (GCallback) on_rtp, &bench, NULL);
  g_source_attach (rtp_source, NULL);

  /* One stack for every phone. */
  su_init ();
  bench.root = su_glib_root_create (&bench);
  g_source_attach (su_glib_root_gsource (bench.root), NULL);
  url = g_strdup_printf ("sip:127.0.0.1:%u;transport=udp", cb_test_free_udp_port ());
  bench.nua = nua_create (bench.root, on_event, &bench,
                          NUTAG_URL (url),
                          NUTAG_MEDIA_ENABLE (0),
                          NUTAG_AUTOANSWER (0),
                          NUTAG_AUTOALERT (0),
                          NUTAG_AUTOACK (1),
                          NUTAG_OUTBOUND ("no-options-keepalive, no-validate"),
                          TAG_END ());
  g_assert_nonnull (bench.nua);

  snapshot = cb_test_request (bench.server, "GET", "/api/v1/snapshot",
                              cb_test_sign_in (bench.server, "root", "bench", NULL), NULL, &status);
  group_id = json_object_get_int_member (json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (snapshot), "groups"), 0), "id");
  group_login = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login", group_id);

  for (guint i = 0; i < n_agents; i++)
    {
      g_autofree char *name = g_strdup_printf ("agent%u", i);
      g_autofree char *aor = NULL;
      g_autofree char *registrar = NULL;
      g_autoptr(JsonNode) answer = NULL;
      Phone *agent = phone_new (&bench, name, TRUE);

      answer = cb_test_request (bench.server, "PUT", group_login, agent->token, "{\"logged_in\":true}", &status);
      g_assert_cmpuint (status, ==, 200);
      set_status (&bench, agent, "not-available");
      aor = g_strdup_printf ("<sip:%s@%s>", agent->line, bench.host);
      registrar = g_strdup_printf ("sip:%s", bench.host);
      agent->nh = nua_handle (bench.nua, agent, SIPTAG_TO_STR (aor), SIPTAG_FROM_STR (aor), TAG_END ());
      nua_register (agent->nh, NUTAG_M_USERNAME (agent->line), NUTAG_REGISTRAR (registrar), TAG_END ());
      g_ptr_array_add (bench.agents, agent);
    }
  for (guint i = 0; i < n_callers; i++)
    {
      g_autofree char *name = g_strdup_printf ("caller%u", i);

      g_ptr_array_add (bench.callers, phone_new (&bench, name, FALSE));
    }
  cb_test_wait_until (all_registered, &bench, SETUP_TIMEOUT, "the agents to register");
  g_print ("  set up in %.1f s\n", (g_get_monotonic_time () - start) / 1e6);

  /* 1. Everyone calls the queue; nobody is available. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_callers; i++)
    {
      Phone *caller = g_ptr_array_index (bench.callers, i);
      g_autofree char *to = g_strdup_printf ("<sip:600@%s>", bench.host);
      g_autofree char *from = g_strdup_printf ("<sip:%s@%s>", caller->line, bench.host);
      g_autofree char *target = g_strdup_printf ("sip:600@%s", bench.host);
      g_autofree char *body = sdp (&bench);

      caller->nh = nua_handle (bench.nua, caller, SIPTAG_TO_STR (to), SIPTAG_FROM_STR (from), TAG_END ());
      nua_invite (caller->nh, NUTAG_URL (target), SIPTAG_CONTENT_TYPE_STR ("application/sdp"),
                  SIPTAG_PAYLOAD_STR (body), TAG_END ());
    }
  cb_test_wait_until (all_answered, &bench, SETUP_TIMEOUT, "the queue to answer every caller");
  g_print ("  %u callers in the queue after %.2f s\n", n_callers,
           (g_get_monotonic_time () - start) / 1e6);

  /* 2. The server while they all wait and hear music. */
  cb_test_run_for (1000);
  cpu_before = cb_bench_cpu_seconds (bench.pid);
  packets_before = bench.rtp_packets;
  wall_before = g_get_monotonic_time () / 1e6;
  cb_test_run_for (WAIT_SECONDS * 1000);
  seconds = g_get_monotonic_time () / 1e6 - wall_before;
  waiting_cpu = (cb_bench_cpu_seconds (bench.pid) - cpu_before) / seconds * 100;
  g_print ("  waiting: server CPU %.1f %% of a core, hold music %.0f packets/s (%.0f expected), RSS %"
           G_GINT64_FORMAT " KiB\n", waiting_cpu, (bench.rtp_packets - packets_before) / seconds,
           n_callers * 50.0, cb_bench_rss_kib (bench.pid));

  /* 3. The agents take them all. */
  cpu_before = cb_bench_cpu_seconds (bench.pid);
  wall_before = g_get_monotonic_time () / 1e6;
  for (guint i = 0; i < n_agents; i++)
    {
      Phone *agent = g_ptr_array_index (bench.agents, i);

      agent->free_since = g_get_monotonic_time ();
      set_status (&bench, agent, "available");
    }
  cb_test_wait_until (all_served, &bench, SETUP_TIMEOUT, "every caller to be served");
  seconds = g_get_monotonic_time () / 1e6 - wall_before;
  distribution_cpu = (cb_bench_cpu_seconds (bench.pid) - cpu_before) / seconds * 100;

  g_print ("  distribution: %u offers in %.1f s, latency p50 %.1f ms, p95 %.1f ms, max %.1f ms;"
           " server CPU %.1f %% of a core\n", bench.latencies->len, seconds,
           cb_bench_percentile (bench.latencies, 50), cb_bench_percentile (bench.latencies, 95),
           cb_bench_percentile (bench.latencies, 100),
           distribution_cpu);
  {
    guint least = G_MAXUINT, most = 0;

    for (guint i = 0; i < n_agents; i++)
      {
        Phone *agent = g_ptr_array_index (bench.agents, i);

        least = MIN (least, agent->calls);
        most = MAX (most, agent->calls);
      }
    g_print ("  calls per agent: %u to %u\n", least, most);
  }

  nua_shutdown (bench.nua);
  for (guint i = 0; i < 500 && !bench.shutdown; i++)
    g_main_context_iteration (NULL, TRUE);
  g_ptr_array_set_size (bench.agents, 0);
  g_ptr_array_set_size (bench.callers, 0);
  if (bench.shutdown)
    nua_destroy (bench.nua);
  su_root_destroy (bench.root);
  g_source_destroy (rtp_source);
  g_source_unref (rtp_source);
  g_object_unref (bench.rtp);
  cb_test_server_stop (bench.server);
  g_ptr_array_unref (bench.agents);
  g_ptr_array_unref (bench.callers);
  g_hash_table_unref (bench.by_line);
  g_array_unref (bench.latencies);
  g_free (bench.host);
  g_free (bench.realm);
}
