/* test-sip-hostile.c: sipp registers with digest auth; malformed SIP leaves callboardd answering
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <string.h>

#include "cb-test-server.h"
#include "cb-test-sipp.h"

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"}],"
  "\"groups\":[]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

typedef struct {
  CbTestServer  *server;
  char          *tmpdir;        /* sipp's logs */
  char          *token;
  char          *password;
  guint          sip_port;
  GSocket       *socket;
  GSocketAddress *to;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  const char *registrar;
  guint status = 0;

  fixture->server = cb_test_server_start (directory, server_args);
  fixture->tmpdir = g_dir_make_tmp ("cb-hostile-XXXXXX", NULL);
  g_assert_nonnull (fixture->tmpdir);
  fixture->token = cb_test_sign_in (fixture->server, "anna", "pw", NULL);
  answer = cb_test_request (fixture->server, "GET", "/api/v1/me/line", fixture->token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  fixture->password = g_strdup (json_object_get_string_member (json_node_get_object (answer), "password"));
  registrar = json_object_get_string_member (json_node_get_object (answer), "registrar");
  fixture->sip_port = (guint) g_ascii_strtoull (strrchr (registrar, ':') + 1, NULL, 10);
  g_assert_cmpuint (fixture->sip_port, >, 0);

  fixture->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                  G_SOCKET_PROTOCOL_UDP, NULL);
  g_assert_true (g_socket_bind (fixture->socket, any, FALSE, NULL));
  /* Bounded waits for answers from the other process. */
  g_socket_set_timeout (fixture->socket, 2);
  fixture->to = g_inet_socket_address_new (loopback, fixture->sip_port);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->to);
  g_clear_object (&fixture->socket);
  g_free (fixture->token);
  g_free (fixture->password);
  cb_test_remove_dir (fixture->tmpdir);
  g_free (fixture->tmpdir);
  cb_test_server_stop (fixture->server);
}

static void
send_text (Fixture    *fixture,
           const char *text,
           gsize       length)
{
  g_autoptr(GError) error = NULL;

  g_socket_send_to (fixture->socket, fixture->to, text, length, NULL, &error);
  g_assert_no_error (error);
}

/* Sends a request with this Call-ID and returns the status line of its
 * answer (final or not), skipping answers to anything sent before. */
static char *
request (Fixture    *fixture,
         const char *method,
         const char *call_id)
{
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (fixture->socket, NULL);
  guint port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  g_autofree char *text = g_strdup_printf (
    "%s sip:127.0.0.1:%u SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK%s\r\n"
    "Max-Forwards: 70\r\n"
    "From: <sip:201@127.0.0.1>;tag=t%s\r\n"
    "To: <sip:201@127.0.0.1>\r\n"
    "Call-ID: %s\r\n"
    "CSeq: 1 %s\r\n"
    "Contact: <sip:201@127.0.0.1:%u>\r\n"
    "Content-Length: 0\r\n\r\n",
    method, fixture->sip_port, port, call_id, call_id, call_id, method, port);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  send_text (fixture, text, strlen (text));
  while (g_get_monotonic_time () < deadline)
    {
      char buffer[4096];
      g_autofree char *needle = g_strdup_printf ("Call-ID: %s", call_id);
      gssize n = g_socket_receive (fixture->socket, buffer, sizeof buffer - 1, NULL, NULL);

      if (n <= 0)
        continue;
      buffer[n] = '\0';
      if (strstr (buffer, needle) != NULL || strstr (buffer, call_id) != NULL)
        return g_strndup (buffer, strcspn (buffer, "\r\n"));
    }
  return NULL;
}

static void
assert_answering (Fixture    *fixture,
                  const char *tag)
{
  g_autofree char *options_id = g_strdup_printf ("options-%s", tag);
  g_autofree char *register_id = g_strdup_printf ("register-%s", tag);
  g_autofree char *options = request (fixture, "OPTIONS", options_id);
  g_autofree char *reg = request (fixture, "REGISTER", register_id);

  g_assert_cmpstr (options, ==, "SIP/2.0 200 OK");
  /* No credentials: a challenge. */
  g_assert_cmpstr (reg, ==, "SIP/2.0 401 Unauthorized");
  g_assert_true (cb_test_server_alive (fixture->server));
}

static const char * const malformed[] = {
  /* Not SIP at all. */
  "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage",
  /* A request line only. */
  "INVITE sip:201@127.0.0.1 SIP/2.0\r\n\r\n",
  /* Content-Length beyond the datagram (RFC 3261 §18.3: discard). */
  "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKcl\r\n"
  "Max-Forwards: 70\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: cl\r\n"
  "CSeq: 1 OPTIONS\r\nContent-Length: 9999\r\n\r\nshort",
  /* Unparsable CSeq and a Via without a host. */
  "REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP ;branch=z9hG4bKv\r\n"
  "From: <sip:201@y>;tag=1\r\nTo: <sip:201@y>\r\nCall-ID: cseq\r\nCSeq: -1 BOGUS\r\n"
  "Content-Length: 0\r\n\r\n",
  /* Method mismatch between the request line and CSeq. */
  "INVITE sip:201@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKmm\r\n"
  "Max-Forwards: 70\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:201@y>\r\nCall-ID: mm\r\n"
  "CSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n",
  /* An escaped NUL in the Request-URI user and a header with no colon. */
  "OPTIONS sip:%00@127.0.0.1 SIP/2.0\r\nThis is not a header\r\n\r\n",
};

static void
test_malformed (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GString) long_header = g_string_new ("OPTIONS sip:127.0.0.1 SIP/2.0\r\nSubject: ");

  assert_answering (fixture, "before");
  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    send_text (fixture, malformed[i], strlen (malformed[i]));
  /* A datagram near the UDP maximum of one endless header line. */
  while (long_header->len < 60000)
    g_string_append_c (long_header, 'x');
  send_text (fixture, long_header->str, long_header->len);
  /* An empty datagram and a keepalive (RFC 5626 CRLF). */
  send_text (fixture, "", 0);
  send_text (fixture, "\r\n\r\n", 4);

  assert_answering (fixture, "after");
  cb_test_assert_healthy (fixture->server);
}

/* One REGISTER with digest auth by sipp; whether its scenario ran to the
 * end (a 403 for a wrong secret is not in it). */
static gboolean
run_sipp (Fixture    *fixture,
          const char *name,
          const char *password)
{
  g_autofree char *target = g_strdup_printf ("127.0.0.1:%u", fixture->sip_port);
  /* Without -p sipp takes 5060, which may be in use. */
  g_autofree char *port = g_strdup_printf ("%u", cb_test_free_udp_port ());
  g_autoptr(CbTestSipp) sipp = NULL;

  sipp = cb_test_sipp_start (fixture->tmpdir, name, SOURCE_ROOT "/tests/server/sip-register.xml",
                             target, "-p", port, "-timeout", "15s",
                             "-s", "201", "-au", "201", "-ap", password, NULL);
  return cb_test_sipp_wait (sipp, 20000);
}

static void
test_sipp_register (Fixture       *fixture,
                    gconstpointer  data)
{
  if (!cb_test_have_sipp ())
    return;

  g_assert_true (run_sipp (fixture, "right", fixture->password));
  /* The wrong secret gets 403, which the scenario does not expect. */
  g_assert_false (run_sipp (fixture, "wrong", "wrong"));
  g_assert_true (cb_test_server_alive (fixture->server));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sip/hostile/malformed", Fixture, NULL, fixture_setup, test_malformed, fixture_teardown);
  g_test_add ("/sip/hostile/sipp-register", Fixture, NULL, fixture_setup, test_sipp_register, fixture_teardown);

  return g_test_run ();
}
