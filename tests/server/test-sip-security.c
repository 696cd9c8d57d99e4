/* test-sip-security.c: callboardd's SIP side attacked over raw UDP: replay, brute force, amplification, toll fraud
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test starts a real callboardd on loopback and talks SIP to it from
 * plain UDP sockets, as an attacker would: digest answers are computed
 * here, requests are written by hand, a socket stands in for a victim
 * address or the trunk's upstream. "Nothing arrived" is shown with a
 * barrier: an OPTIONS from the same socket, whose answer the server
 * sends after anything it sent that socket before.
 */

#define G_LOG_DOMAIN "cb-test-sip-security"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cb-test-server.h"

#define WAIT_US (5 * G_USEC_PER_SEC)
#define REALM "callboard"

static const char *directory =
  "{\"users\":["
  " {\"username\":\"root\",\"display_name\":\"Admin\",\"password\":\"pw\",\"admin\":true},"
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\","
  "  \"external_calls\":false},"
  " {\"username\":\"lobby\",\"display_name\":\"Lobby phone\",\"extension\":\"290\",\"kind\":\"device\"},"
  " {\"username\":\"gate\",\"display_name\":\"Gate phone\",\"extension\":\"291\",\"kind\":\"device\","
  "  \"external_calls\":true}],"
  "\"groups\":[]}";

/* ---- a SIP peer on a plain UDP socket ------------------------------------ */

typedef struct {
  GSocket   *socket;
  char      *ip;
  guint      port;
  GPtrArray *inbox;   /* char *: messages received and not taken yet */
} Peer;

static Peer *
peer_new (const char *ip,
          guint       port)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (ip);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (address, port);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  Peer *peer = g_new0 (Peer, 1);

  peer->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (peer->socket, FALSE);
  g_assert_true (g_socket_bind (peer->socket, local, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (peer->socket, &error);
  g_assert_no_error (error);
  peer->ip = g_strdup (ip);
  peer->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  peer->inbox = g_ptr_array_new_with_free_func (g_free);
  return peer;
}

static void
peer_free (Peer *peer)
{
  if (peer == NULL)
    return;
  g_socket_close (peer->socket, NULL);
  g_object_unref (peer->socket);
  g_ptr_array_unref (peer->inbox);
  g_free (peer->ip);
  g_free (peer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peer, peer_free)

static void
peer_send (Peer       *peer,
           guint       port,
           const char *text)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_from_string ("127.0.0.1");
  g_autoptr(GSocketAddress) to = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;

  g_socket_send_to (peer->socket, to, text, strlen (text), NULL, &error);
  g_assert_no_error (error);
}

/* Receives into the inbox until `deadline` (monotonic µs); FALSE when
 * nothing came. */
static gboolean
peer_receive (Peer   *peer,
              gint64  deadline)
{
  gint64 left = deadline - g_get_monotonic_time ();
  char buffer[65536];
  gssize n;

  if (left <= 0 || !g_socket_condition_timed_wait (peer->socket, G_IO_IN, left, NULL, NULL))
    return FALSE;
  n = g_socket_receive (peer->socket, buffer, sizeof buffer - 1, NULL, NULL);
  if (n <= 0)
    return TRUE;
  buffer[n] = '\0';
  g_ptr_array_add (peer->inbox, g_strdup (buffer));
  return TRUE;
}

static int
status_of (const char *message)
{
  if (!g_str_has_prefix (message, "SIP/2.0 "))
    return 0;
  return (int) g_ascii_strtoll (message + strlen ("SIP/2.0 "), NULL, 10);
}

/* The value of the first header `name` (full form), or NULL. */
static char *
header (const char *message,
        const char *name)
{
  g_auto(GStrv) lines = g_strsplit (message, "\r\n", -1);
  gsize len = strlen (name);

  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    if (g_ascii_strncasecmp (lines[i], name, len) == 0 && lines[i][len] == ':')
      return g_strstrip (g_strdup (lines[i] + len + 1));
  return NULL;
}

/* Every value of header `name`, in order. */
static GStrv
headers (const char *message,
         const char *name)
{
  g_auto(GStrv) lines = g_strsplit (message, "\r\n", -1);
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
  gsize len = strlen (name);

  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    if (g_ascii_strncasecmp (lines[i], name, len) == 0 && lines[i][len] == ':')
      {
        g_autofree char *value = g_strstrip (g_strdup (lines[i] + len + 1));

        g_strv_builder_add (values, value);
      }
  return g_strv_builder_end (values);
}

static gboolean
has_call_id (const char *message,
             const char *call_id)
{
  g_autofree char *value = header (message, "Call-ID");

  return g_strcmp0 (value, call_id) == 0;
}

/* Takes the first message in the inbox (or arriving within WAIT_US) that
 * is a final answer for call_id (method NULL) or a request of `method`
 * (call_id NULL: any); NULL when none came. */
static char *
peer_take_until (Peer       *peer,
                 const char *call_id,
                 const char *method,
                 gint64      deadline)
{

  do
    {
      for (guint i = 0; i < peer->inbox->len; i++)
        {
          const char *message = g_ptr_array_index (peer->inbox, i);
          gboolean match;

          if (method != NULL)
            match = g_str_has_prefix (message, method) && message[strlen (method)] == ' ' &&
                    (call_id == NULL || has_call_id (message, call_id));
          else
            match = status_of (message) >= 200 && has_call_id (message, call_id);
          if (match)
            return g_ptr_array_steal_index (peer->inbox, i);
        }
    }
  while (peer_receive (peer, deadline));
  return NULL;
}

static char *
peer_take (Peer       *peer,
           const char *call_id,
           const char *method)
{
  return peer_take_until (peer, call_id, method, g_get_monotonic_time () + WAIT_US);
}

/* How many requests of `method` are in the inbox. */
static guint
peer_count (Peer       *peer,
            const char *method)
{
  guint n = 0;

  for (guint i = 0; i < peer->inbox->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (peer->inbox, i), method))
      n++;
  return n;
}

static char *
new_tag (void)
{
  return g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
}

/* A request from the peer: Via (via_host:via_port when given, else the
 * peer's own with rport), From user@127.0.0.1, extra headers (each ending
 * in CRLF) and an optional SDP body. */
typedef struct {
  const char *method;
  const char *uri;          /* Request-URI */
  const char *call_id;
  guint       cseq;
  const char *from_user;
  const char *to;           /* To URI */
  const char *contact;      /* NULL: the peer as from_user; "": none */
  const char *via;          /* NULL: the peer's own */
  const char *extra;        /* more headers, or NULL */
  gboolean    sdp;
} Request;

static char *
request_text (Peer          *peer,
              const Request *r)
{
  g_autofree char *branch = new_tag ();
  g_autofree char *tag = new_tag ();
  g_autofree char *via = NULL;
  g_autofree char *contact = NULL;
  g_autofree char *body = NULL;

  via = r->via != NULL ? g_strdup_printf ("%s;branch=z9hG4bK%s", r->via, branch)
                       : g_strdup_printf ("%s:%u;rport;branch=z9hG4bK%s", peer->ip, peer->port, branch);
  if (r->contact == NULL)
    contact = g_strdup_printf ("Contact: <sip:%s@%s:%u>\r\n", r->from_user, peer->ip, peer->port);
  else if (r->contact[0] != '\0')
    contact = g_strdup_printf ("Contact: %s\r\n", r->contact);
  if (r->sdp)
    body = g_strdup_printf ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
                            "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n", peer->ip, peer->ip);
  return g_strdup_printf ("%s %s SIP/2.0\r\n"
                          "Via: SIP/2.0/UDP %s\r\n"
                          "Max-Forwards: 70\r\n"
                          "From: <sip:%s@127.0.0.1>;tag=%s\r\n"
                          "To: <%s>\r\n"
                          "Call-ID: %s\r\n"
                          "CSeq: %u %s\r\n"
                          "%s%s%s"
                          "Content-Length: %zu\r\n\r\n%s",
                          r->method, r->uri, via, r->from_user, tag, r->to, r->call_id, r->cseq, r->method,
                          contact != NULL ? contact : "", r->extra != NULL ? r->extra : "",
                          body != NULL ? "Content-Type: application/sdp\r\n" : "",
                          body != NULL ? strlen (body) : 0, body != NULL ? body : "");
}

/* The ACK of a failed INVITE (RFC 3261 §17.1.1.3): the INVITE's Via and
 * From, the answer's To. */
static void
peer_ack (Peer       *peer,
          guint       port,
          const char *invite,
          const char *answer)
{
  g_autofree char *line = g_strndup (invite, strcspn (invite, "\r\n"));
  g_auto(GStrv) words = g_strsplit (line, " ", 3);
  g_autofree char *via = header (invite, "Via");
  g_autofree char *from = header (invite, "From");
  g_autofree char *to = header (answer, "To");
  g_autofree char *call_id = header (invite, "Call-ID");
  g_autofree char *cseq = header (invite, "CSeq");
  g_autofree char *text = g_strdup_printf ("ACK %s SIP/2.0\r\nVia: %s\r\nMax-Forwards: 70\r\n"
                                           "From: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %u ACK\r\n"
                                           "Content-Length: 0\r\n\r\n",
                                           words[1], via, from, to, call_id,
                                           (guint) g_ascii_strtoull (cseq, NULL, 10));

  peer_send (peer, port, text);
}

/* Answers a request the server sent the peer. */
static void
peer_respond (Peer       *peer,
              guint       port,
              const char *request,
              int         status,
              const char *phrase)
{
  g_auto(GStrv) vias = headers (request, "Via");
  g_autofree char *from = header (request, "From");
  g_autofree char *to = header (request, "To");
  g_autofree char *call_id = header (request, "Call-ID");
  g_autofree char *cseq = header (request, "CSeq");
  g_autofree char *tag = new_tag ();
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, "SIP/2.0 %d %s\r\n", status, phrase);
  for (guint i = 0; vias[i] != NULL; i++)
    g_string_append_printf (text, "Via: %s\r\n", vias[i]);
  g_string_append_printf (text, "From: %s\r\nTo: %s%s%s\r\nCall-ID: %s\r\nCSeq: %s\r\n"
                          "Content-Length: 0\r\n\r\n", from, to,
                          strstr (to, ";tag=") == NULL ? ";tag=" : "",
                          strstr (to, ";tag=") == NULL ? tag : "", call_id, cseq);
  peer_send (peer, port, text->str);
}

/* ---- digest, computed here ----------------------------------------------- */

/* A parameter of a challenge or credentials, unquoted. */
static char *
auth_param (const char *value,
            const char *name)
{
  g_autofree char *needle = g_strdup_printf ("%s=", name);
  const char *p = value;

  while ((p = strstr (p, needle)) != NULL)
    {
      if (p == value || p[-1] == ' ' || p[-1] == ',')
        {
          p += strlen (needle);
          if (*p == '"')
            return g_strndup (p + 1, strchr (p + 1, '"') - (p + 1));
          return g_strndup (p, strcspn (p, ", "));
        }
      p += strlen (needle);
    }
  return NULL;
}

static char *
hash_hex (GChecksumType  type,
          const char    *format,
          ...) G_GNUC_PRINTF (2, 3);

static char *
hash_hex (GChecksumType  type,
          const char    *format,
          ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  return g_compute_checksum_for_string (type, text, -1);
}

/* "Digest …" credentials for a challenge's nonce (qop=auth, nc as given;
 * uri: the digest's uri parameter). */
static char *
credentials (const char *algorithm,
             const char *user,
             const char *password,
             const char *method,
             const char *uri,
             const char *nonce,
             guint       nc)
{
  GChecksumType type = g_strcmp0 (algorithm, "SHA-256") == 0 ? G_CHECKSUM_SHA256 : G_CHECKSUM_MD5;
  g_autofree char *ha1 = hash_hex (type, "%s:%s:%s", user, REALM, password);
  g_autofree char *ha2 = hash_hex (type, "%s:%s", method, uri);
  g_autofree char *count = g_strdup_printf ("%08x", nc);
  g_autofree char *response = hash_hex (type, "%s:%s:%s:%s:auth:%s", ha1, nonce, count, "c0ffee", ha2);

  return g_strdup_printf ("Digest username=\"%s\", realm=\"" REALM "\", nonce=\"%s\", uri=\"%s\", "
                          "response=\"%s\", algorithm=%s, qop=auth, nc=%s, cnonce=\"c0ffee\"",
                          user, nonce, uri, response, algorithm, count);
}

/* ---- the server and its lines -------------------------------------------- */

/* callboardd's standard error, where its log goes: a wrapper script that
 * main() puts into $CALLBOARDD_WRAPPER (before any thread runs) sends it
 * there. */
static char *server_log;

typedef struct {
  CbTestServer *server;
  char         *tmpdir;
  guint         sip_port;
  char         *registrar;    /* sip:127.0.0.1:PORT */
  char         *admin;        /* root's token */
  Peer         *upstream;     /* the trunk, when the test has one */
} Fixture;

/* Starts callboardd with `settings` (a [sip] section's keys, may be NULL)
 * and, when `trunk`, a socket as the upstream proxy. Its standard error
 * goes to server_log. */
static void
start (Fixture    *fixture,
       const char *settings,
       gboolean    trunk)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) line = NULL;
  g_autofree char *token = NULL;
  guint status = 0;

  fixture->tmpdir = g_dir_make_tmp ("cb-sip-security-XXXXXX", &error);
  g_assert_no_error (error);
  /* The wrapper (see main()) appends to it: each test starts afresh. */
  g_file_set_contents (server_log, "", 0, &error);
  g_assert_no_error (error);

  if (trunk)
    fixture->upstream = peer_new ("127.0.0.1", 0);
  config = g_build_filename (fixture->tmpdir, "callboardd.conf", NULL);
  if (trunk)
    text = g_strdup_printf ("[sip]\n%s\n[trunk]\nproxy=sip:127.0.0.1:%u\n",
                            settings != NULL ? settings : "", fixture->upstream->port);
  else
    text = g_strdup_printf ("[sip]\n%s\n", settings != NULL ? settings : "");
  g_file_set_contents (config, text, -1, &error);
  g_assert_no_error (error);

  {
    const char * const args[] = { "--sip-port", "0", "--config", config, NULL };

    fixture->server = cb_test_server_start (directory, args);
  }

  token = cb_test_sign_in (fixture->server, "anna", "pw", NULL);
  line = cb_test_request (fixture->server, "GET", "/api/v1/me/line", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  fixture->registrar = g_strdup (json_object_get_string_member (json_node_get_object (line), "registrar"));
  fixture->sip_port = (guint) g_ascii_strtoull (strrchr (fixture->registrar, ':') + 1, NULL, 10);
  g_assert_cmpuint (fixture->sip_port, >, 0);
  fixture->admin = cb_test_sign_in (fixture->server, "root", "pw", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->server != NULL)
    cb_test_server_stop (fixture->server);
  g_clear_pointer (&fixture->upstream, peer_free);
  if (fixture->tmpdir != NULL)
    cb_test_remove_dir (fixture->tmpdir);
  g_free (fixture->tmpdir);
  g_free (fixture->registrar);
  g_free (fixture->admin);
}

/* The digest secret of a user's softphone line (from the admin API). */
static char *
secret_of (Fixture    *fixture,
           const char *username)
{
  g_autoptr(JsonNode) users = NULL;
  g_autoptr(JsonNode) lines = NULL;
  g_autofree char *path = NULL;
  JsonArray *array;
  gint64 id = 0;
  guint status = 0;

  users = cb_test_request (fixture->server, "GET", "/api/v1/directory", fixture->admin, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  array = json_object_get_array_member (json_node_get_object (users), "users");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *user = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (user, "username"), username) == 0)
        id = json_object_get_int_member (user, "id");
    }
  g_assert_cmpint (id, >, 0);
  path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT "/lines", id);
  lines = cb_test_request (fixture->server, "GET", path, fixture->admin, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  array = json_object_get_array_member (json_node_get_object (lines), "lines");
  return g_strdup (json_object_get_string_member (json_array_get_object_element (array, 0), "password"));
}

/* Sends the request and returns its final answer (asserting one came). */
static char *
exchange (Fixture       *fixture,
          Peer          *peer,
          const Request *r)
{
  g_autofree char *text = request_text (peer, r);
  char *answer;

  peer_send (peer, fixture->sip_port, text);
  answer = peer_take (peer, r->call_id, NULL);
  if (answer == NULL)
    g_error ("No answer to %s %s (Call-ID %s)", r->method, r->uri, r->call_id);
  if (g_str_equal (r->method, "INVITE") && status_of (answer) >= 300)
    peer_ack (peer, fixture->sip_port, text, answer);
  return answer;
}

/* The nonce of the first challenge in an answer for `algorithm`. */
static char *
challenge_nonce (const char *answer,
                 const char *name,
                 const char *algorithm)
{
  g_auto(GStrv) challenges = headers (answer, name);

  for (guint i = 0; challenges[i] != NULL; i++)
    {
      g_autofree char *alg = auth_param (challenges[i], "algorithm");

      if (g_ascii_strcasecmp (alg != NULL ? alg : "MD5", algorithm) == 0)
        return auth_param (challenges[i], "nonce");
    }
  return NULL;
}

/* A REGISTER of `line` from the peer, with these credentials (NULL:
 * none) and Contact (NULL: the peer). */
static char *
do_register (Fixture    *fixture,
             Peer       *peer,
             const char *line,
             const char *call_id,
             guint       cseq,
             const char *contact,
             const char *expires,
             const char *authorization)
{
  g_autofree char *to = g_strdup_printf ("sip:%s@127.0.0.1", line);
  g_autofree char *extra = g_strdup_printf ("%s%s%s%s%s%s",
                                            authorization != NULL ? "Authorization: " : "",
                                            authorization != NULL ? authorization : "",
                                            authorization != NULL ? "\r\n" : "",
                                            expires != NULL ? "Expires: " : "",
                                            expires != NULL ? expires : "",
                                            expires != NULL ? "\r\n" : "");
  Request r = {
    "REGISTER", fixture->registrar, call_id, cseq, line, to, contact, NULL, extra, FALSE
  };

  return exchange (fixture, peer, &r);
}

/* Registers `line` from the peer, answering the challenge; the 200. */
static char *
register_line (Fixture    *fixture,
               Peer       *peer,
               const char *line,
               const char *secret,
               const char *contact)
{
  g_autofree char *call_id = new_tag ();
  g_autofree char *challenge = do_register (fixture, peer, line, call_id, 1, contact, NULL, NULL);
  g_autofree char *nonce = challenge_nonce (challenge, "WWW-Authenticate", "MD5");
  g_autofree char *auth = NULL;
  char *answer;

  g_assert_cmpint (status_of (challenge), ==, 401);
  g_assert_nonnull (nonce);
  auth = credentials ("MD5", line, secret, "REGISTER", fixture->registrar, nonce, 1);
  answer = do_register (fixture, peer, line, call_id, 2, contact, NULL, auth);
  g_assert_cmpint (status_of (answer), ==, 200);
  return answer;
}

/* Sends an INVITE from `line` to `number` with credentials, after its
 * challenge; returns the text sent (for the ACK), the Call-ID in
 * *call_id. The final answer is the caller's to take. */
static char *
invite_send (Fixture     *fixture,
             Peer        *peer,
             const char  *line,
             const char  *secret,
             const char  *number,
             char       **call_id_out)
{
  g_autofree char *call_id = new_tag ();
  g_autofree char *uri = g_strdup_printf ("sip:%s@127.0.0.1:%u", number, fixture->sip_port);
  Request r = { "INVITE", uri, call_id, 1, line, uri, NULL, NULL, NULL, TRUE };
  g_autofree char *challenge = exchange (fixture, peer, &r);
  g_autofree char *nonce = challenge_nonce (challenge, "Proxy-Authenticate", "MD5");
  g_autofree char *auth = NULL;
  g_autofree char *extra = NULL;
  char *text;

  g_assert_cmpint (status_of (challenge), ==, 407);
  auth = credentials ("MD5", line, secret, "INVITE", uri, nonce, 1);
  extra = g_strdup_printf ("Proxy-Authorization: %s\r\n", auth);
  r.cseq = 2;
  r.extra = extra;
  text = request_text (peer, &r);
  peer_send (peer, fixture->sip_port, text);
  *call_id_out = g_steal_pointer (&call_id);
  return text;
}

/* The final answer to an INVITE sent with invite_send(), ACKed. */
static char *
invite_answer (Fixture    *fixture,
               Peer       *peer,
               const char *sent,
               const char *call_id)
{
  char *answer = peer_take (peer, call_id, NULL);

  for (guint i = 0; answer == NULL && i < peer->inbox->len; i++)
    g_test_message ("unanswered, received: %s", (char *) g_ptr_array_index (peer->inbox, i));
  g_assert_nonnull (answer);
  if (status_of (answer) >= 300)
    peer_ack (peer, fixture->sip_port, sent, answer);
  return answer;
}

/* An INVITE from `line` to `number`, authenticated; its final answer. */
static char *
invite (Fixture    *fixture,
        Peer       *peer,
        const char *line,
        const char *secret,
        const char *number)
{
  g_autofree char *call_id = NULL;
  g_autofree char *sent = invite_send (fixture, peer, line, secret, number, &call_id);

  return invite_answer (fixture, peer, sent, call_id);
}

/* A barrier for the peer: a REGISTER without credentials from it, which
 * the application answers (with a challenge) after whatever it sent the
 * peer before. (OPTIONS would not do: the stack answers it alone.) */
static void
peer_barrier (Fixture *fixture,
              Peer    *peer)
{
  g_autofree char *call_id = new_tag ();
  g_autofree char *answer = do_register (fixture, peer, "barrier", call_id, 1, NULL, NULL, NULL);

  g_assert_cmpint (status_of (answer), ==, 401);
}

/* Answers every INVITE in the peer's inbox with 486. */
static void
peer_refuse_all (Fixture *fixture,
                 Peer    *peer)
{
  char *offer;

  while ((offer = peer_take_until (peer, NULL, "INVITE", 0)) != NULL)
    {
      peer_respond (peer, fixture->sip_port, offer, 486, "Busy Here");
      g_free (offer);
    }
}

/* The Contact values of an answer, joined. */
static char *
contacts_of (const char *answer)
{
  g_auto(GStrv) values = headers (answer, "Contact");

  return g_strjoinv (", ", values);
}

static guint
count_bindings (const char *contacts)
{
  guint n = 0;

  for (const char *p = contacts; (p = strstr (p, "<sip:")) != NULL; p++)
    n++;
  return n;
}

static gboolean
log_has (Fixture    *fixture,
         const char *text)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (server_log, &contents, NULL, NULL))
    return FALSE;
  return strstr (contents, text) != NULL;
}

/* ---- finding 1: digest replay -------------------------------------------- */

/* A REGISTER's credentials sniffed and sent again, with a new Call-ID and
 * Contact (or "Contact: *" to remove the phone), get a fresh challenge;
 * the phone's next count on the same nonce is fine. */
static void
test_register_replay (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(Peer) phone = NULL;
  g_autoptr(Peer) attacker = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *ok = NULL;
  g_autofree char *replayed = NULL;
  g_autofree char *removed = NULL;
  g_autofree char *next = NULL;
  g_autofree char *bindings = NULL;
  g_autofree char *evil = NULL;

  start (fixture, NULL, FALSE);
  secret = secret_of (fixture, "anna");
  phone = peer_new ("127.0.0.1", 0);
  attacker = peer_new ("127.0.0.1", 0);

  challenge = do_register (fixture, phone, "201", "reg-a", 1, NULL, NULL, NULL);
  g_assert_cmpint (status_of (challenge), ==, 401);
  nonce = challenge_nonce (challenge, "WWW-Authenticate", "MD5");
  auth = credentials ("MD5", "201", secret, "REGISTER", fixture->registrar, nonce, 1);
  ok = do_register (fixture, phone, "201", "reg-a", 2, NULL, NULL, auth);
  g_assert_cmpint (status_of (ok), ==, 200);

  /* The same credentials from elsewhere, binding the attacker. */
  evil = g_strdup_printf ("<sip:evil@127.0.0.1:%u>", attacker->port);
  replayed = do_register (fixture, attacker, "201", "reg-evil", 1, evil, NULL, auth);
  g_test_message ("replayed: %.*s", (int) strcspn (replayed, "\r\n"), replayed);
  g_assert_cmpint (status_of (replayed), ==, 401);
  {
    g_autofree char *www = header (replayed, "WWW-Authenticate");

    g_assert_nonnull (strstr (www, "stale=true"));
  }
  removed = do_register (fixture, attacker, "201", "reg-evil2", 1, "*", "0", auth);
  g_assert_cmpint (status_of (removed), ==, 401);

  /* The phone counts on: accepted, and its binding is the only one. */
  g_free (auth);
  auth = credentials ("MD5", "201", secret, "REGISTER", fixture->registrar, nonce, 2);
  next = do_register (fixture, phone, "201", "reg-a", 3, NULL, NULL, auth);
  g_assert_cmpint (status_of (next), ==, 200);
  bindings = header (next, "Contact");
  g_test_message ("bindings: %s", bindings);
  g_assert_null (strstr (bindings, "evil"));
  g_assert_nonnull (strstr (bindings, "sip:201@127.0.0.1"));
}

/* A sniffed INVITE's Proxy-Authorization in a new INVITE: challenged
 * again, nothing rings. */
static void
test_invite_replay (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(Peer) ben = NULL;
  g_autoptr(Peer) attacker = NULL;
  g_autoptr(Peer) anna = NULL;
  g_autofree char *ben_secret = NULL;
  g_autofree char *anna_secret = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *first = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *replayed = NULL;
  g_autofree char *ring = NULL;

  start (fixture, NULL, FALSE);
  ben_secret = secret_of (fixture, "ben");
  anna_secret = secret_of (fixture, "anna");
  ben = peer_new ("127.0.0.1", 0);
  attacker = peer_new ("127.0.0.1", 0);
  anna = peer_new ("127.0.0.1", 0);
  g_free (register_line (fixture, anna, "201", anna_secret, NULL));

  uri = g_strdup_printf ("sip:201@127.0.0.1:%u", fixture->sip_port);
  {
    Request r = { "INVITE", uri, "inv-1", 1, "202", uri, NULL, NULL, NULL, TRUE };

    challenge = exchange (fixture, ben, &r);
    g_assert_cmpint (status_of (challenge), ==, 407);
    nonce = challenge_nonce (challenge, "Proxy-Authenticate", "MD5");
    auth = credentials ("MD5", "202", ben_secret, "INVITE", uri, nonce, 1);
    extra = g_strdup_printf ("Proxy-Authorization: %s\r\n", auth);
    r.cseq = 2;
    r.extra = extra;
    first = request_text (ben, &r);
    peer_send (ben, fixture->sip_port, first);
  }
  /* anna's phone rings: the INVITE was let through; she declines. */
  ring = peer_take (anna, NULL, "INVITE");
  g_assert_nonnull (ring);
  peer_respond (anna, fixture->sip_port, ring, 486, "Busy Here");
  answer = peer_take (ben, "inv-1", NULL);
  g_assert_cmpint (status_of (answer), ==, 486);
  peer_ack (ben, fixture->sip_port, first, answer);

  /* The same credentials in the attacker's INVITE. */
  {
    Request r = { "INVITE", uri, "inv-evil", 1, "202", uri, NULL, NULL, extra, TRUE };
    g_autofree char *text = request_text (attacker, &r);

    peer_send (attacker, fixture->sip_port, text);
    replayed = peer_take (attacker, "inv-evil", NULL);
    g_assert_nonnull (replayed);
    peer_ack (attacker, fixture->sip_port, text, replayed);
  }
  g_test_message ("replayed: %.*s", (int) strcspn (replayed, "\r\n"), replayed);
  g_assert_cmpint (status_of (replayed), ==, 407);
  peer_barrier (fixture, anna);
  g_assert_cmpuint (peer_count (anna, "INVITE"), ==, 0);
}

/* Credentials computed for another Request-URI (RFC 2617 §3.2.2.5). */
static void
test_digest_uri (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(Peer) phone = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *answer = NULL;

  start (fixture, NULL, FALSE);
  secret = secret_of (fixture, "anna");
  phone = peer_new ("127.0.0.1", 0);
  challenge = do_register (fixture, phone, "201", "uri-1", 1, NULL, NULL, NULL);
  nonce = challenge_nonce (challenge, "WWW-Authenticate", "MD5");
  auth = credentials ("MD5", "201", secret, "REGISTER", "sip:elsewhere.example.net", nonce, 1);
  answer = do_register (fixture, phone, "201", "uri-1", 2, NULL, NULL, auth);
  g_assert_cmpint (status_of (answer), ==, 403);
}

/* A nonce lives [sip] nonce-lifetime seconds, then is stale: the right
 * answer gets a new challenge with stale=true, which works. */
static void
test_nonce_lifetime (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(Peer) phone = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *stale = NULL;
  g_autofree char *fresh = NULL;
  g_autofree char *www = NULL;
  g_autofree char *ok = NULL;

  start (fixture, "nonce-lifetime=1", FALSE);
  secret = secret_of (fixture, "anna");
  phone = peer_new ("127.0.0.1", 0);
  challenge = do_register (fixture, phone, "201", "life-1", 1, NULL, NULL, NULL);
  nonce = challenge_nonce (challenge, "WWW-Authenticate", "MD5");
  /* The lifetime under test has to pass. */
  cb_test_run_for (1500);
  auth = credentials ("MD5", "201", secret, "REGISTER", fixture->registrar, nonce, 1);
  stale = do_register (fixture, phone, "201", "life-1", 2, NULL, NULL, auth);
  g_assert_cmpint (status_of (stale), ==, 401);
  www = header (stale, "WWW-Authenticate");
  g_assert_nonnull (strstr (www, "stale=true"));
  fresh = challenge_nonce (stale, "WWW-Authenticate", "MD5");
  g_assert_cmpstr (fresh, !=, nonce);
  g_free (auth);
  auth = credentials ("MD5", "201", secret, "REGISTER", fixture->registrar, fresh, 1);
  ok = do_register (fixture, phone, "201", "life-1", 3, NULL, NULL, auth);
  g_assert_cmpint (status_of (ok), ==, 200);
}

/* With SHA-256 configured, two challenges in the order of preference;
 * an answer with either algorithm registers. */
static void
test_sha256 (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(Peer) phone = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *ok = NULL;
  g_autofree char *again = NULL;
  g_autofree char *md5_nonce = NULL;
  g_autofree char *md5_ok = NULL;
  g_auto(GStrv) challenges = NULL;

  start (fixture, "digest-algorithms=SHA-256;MD5", FALSE);
  secret = secret_of (fixture, "anna");
  phone = peer_new ("127.0.0.1", 0);
  challenge = do_register (fixture, phone, "201", "sha-1", 1, NULL, NULL, NULL);
  g_assert_cmpint (status_of (challenge), ==, 401);
  challenges = headers (challenge, "WWW-Authenticate");
  g_assert_cmpuint (g_strv_length (challenges), ==, 2);
  g_assert_nonnull (strstr (challenges[0], "algorithm=SHA-256"));
  g_assert_nonnull (strstr (challenges[1], "algorithm=MD5"));

  nonce = challenge_nonce (challenge, "WWW-Authenticate", "SHA-256");
  auth = credentials ("SHA-256", "201", secret, "REGISTER", fixture->registrar, nonce, 1);
  ok = do_register (fixture, phone, "201", "sha-1", 2, NULL, NULL, auth);
  g_assert_cmpint (status_of (ok), ==, 200);

  /* A client that knows only MD5 takes the other one. */
  again = do_register (fixture, phone, "201", "sha-2", 1, NULL, NULL, NULL);
  md5_nonce = challenge_nonce (again, "WWW-Authenticate", "MD5");
  g_free (auth);
  auth = credentials ("MD5", "201", secret, "REGISTER", fixture->registrar, md5_nonce, 1);
  md5_ok = do_register (fixture, phone, "201", "sha-2", 2, NULL, NULL, auth);
  g_assert_cmpint (status_of (md5_ok), ==, 200);
}

/* An INVITE from the trunk's host but another port, whose Via claims the
 * trunk's port (and no rport), is not the trunk: it must authenticate. The
 * real upstream's INVITE goes through. */
static void
test_trunk_spoof (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(Peer) attacker = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *via = NULL;
  g_autofree char *spoofed = NULL;
  g_autofree char *text = NULL;
  g_autofree char *real = NULL;

  start (fixture, NULL, TRUE);
  attacker = peer_new ("127.0.0.1", 0);
  uri = g_strdup_printf ("sip:201@127.0.0.1:%u", fixture->sip_port);
  via = g_strdup_printf ("127.0.0.1:%u", fixture->upstream->port);
  {
    Request r = { "INVITE", uri, "spoof-1", 1, "4930123", uri, NULL, via, NULL, TRUE };

    /* Answers follow the Via: they reach the upstream's socket. */
    text = request_text (attacker, &r);
    peer_send (attacker, fixture->sip_port, text);
    spoofed = peer_take (fixture->upstream, "spoof-1", NULL);
  }
  g_assert_nonnull (spoofed);
  g_test_message ("spoofed: %.*s", (int) strcspn (spoofed, "\r\n"), spoofed);
  g_assert_cmpint (status_of (spoofed), ==, 407);

  /* From the upstream itself: trusted (anna has nothing registered). */
  {
    Request r = { "INVITE", uri, "real-1", 1, "4930123", uri, NULL, NULL, NULL, TRUE };

    real = exchange (fixture, fixture->upstream, &r);
  }
  g_assert_cmpint (status_of (real), ==, 480);
}

/* ---- finding 2: brute force ---------------------------------------------- */

/* 20 wrong answers from one address: that address is refused even with the
 * right secret, another address registers the same line; each evaluated
 * failure is logged for fail2ban. */
static void
test_brute_force (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(Peer) attacker = NULL;
  g_autoptr(Peer) phone = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *right = NULL;
  g_autofree char *refused = NULL;
  guint forbidden = 0;

  start (fixture, NULL, FALSE);
  secret = secret_of (fixture, "anna");
  attacker = peer_new ("127.0.0.2", 0);
  phone = peer_new ("127.0.0.1", 0);

  challenge = do_register (fixture, attacker, "201", "brute", 1, NULL, NULL, NULL);
  nonce = challenge_nonce (challenge, "WWW-Authenticate", "MD5");
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *guess = g_strdup_printf ("guess%u", i);
      g_autofree char *auth = credentials ("MD5", "201", guess, "REGISTER", fixture->registrar, nonce, i + 1);
      g_autofree char *answer = do_register (fixture, attacker, "201", "brute", i + 2, NULL, NULL, auth);

      forbidden += status_of (answer) == 403;
    }
  g_assert_cmpuint (forbidden, ==, 20);

  /* The right secret from that address: refused without a look. */
  {
    g_autofree char *again = do_register (fixture, attacker, "201", "brute-2", 1, NULL, NULL, NULL);
    g_autofree char *fresh = challenge_nonce (again, "WWW-Authenticate", "MD5");

    if (status_of (again) == 401)
      {
        right = credentials ("MD5", "201", secret, "REGISTER", fixture->registrar, fresh, 1);
        refused = do_register (fixture, attacker, "201", "brute-2", 2, NULL, NULL, right);
      }
    else
      refused = g_strdup (again);
  }
  g_test_message ("right secret from the attacker: %.*s", (int) strcspn (refused, "\r\n"), refused);
  g_assert_cmpint (status_of (refused), ==, 403);

  /* The line's phone elsewhere is not locked out. */
  g_free (register_line (fixture, phone, "201", secret, NULL));

  g_assert_true (log_has (fixture, "SIP authentication failed for user 201 from 127.0.0.2 (REGISTER)"));
}

/* ---- finding 3: amplification -------------------------------------------- */

/* One REGISTER with 20 Contacts, then 10 more one by one: the line keeps
 * [sip] max-bindings (5), the oldest going first; a call to it sends one
 * INVITE per binding. */
static void
test_bindings_cap (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(Peer) phone = NULL;
  g_autoptr(Peer) victim = NULL;
  g_autoptr(Peer) ben = NULL;
  g_autoptr(GString) many = g_string_new (NULL);
  g_autofree char *secret = NULL;
  g_autofree char *ben_secret = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *listed = NULL;

  start (fixture, NULL, FALSE);
  secret = secret_of (fixture, "anna");
  ben_secret = secret_of (fixture, "ben");
  phone = peer_new ("127.0.0.1", 0);
  victim = peer_new ("127.0.0.1", 0);
  ben = peer_new ("127.0.0.1", 0);

  for (guint i = 0; i < 20; i++)
    g_string_append_printf (many, "%s<sip:v%u@127.0.0.1:%u>", i > 0 ? ", " : "", i, victim->port);
  answer = register_line (fixture, phone, "201", secret, many->str);
  listed = contacts_of (answer);
  g_test_message ("bindings after 20: %s", listed);
  g_assert_cmpuint (count_bindings (listed), ==, 5);
  /* The newest stay. */
  g_assert_nonnull (strstr (listed, "sip:v19@"));
  g_assert_null (strstr (listed, "sip:v14@"));

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *contact = g_strdup_printf ("<sip:w%u@127.0.0.1:%u>", i, victim->port);

      g_free (answer);
      answer = register_line (fixture, phone, "201", secret, contact);
    }
  g_free (listed);
  listed = contacts_of (answer);
  g_test_message ("bindings after 10 more: %s", listed);
  g_assert_cmpuint (count_bindings (listed), ==, 5);
  g_assert_nonnull (strstr (listed, "sip:w9@"));
  g_assert_null (strstr (listed, "sip:v"));

  sent = invite_send (fixture, ben, "202", ben_secret, "201", &call_id);
  peer_barrier (fixture, victim);
  g_test_message ("INVITEs at the victim: %u", peer_count (victim, "INVITE"));
  g_assert_cmpuint (peer_count (victim, "INVITE"), ==, 5);
  peer_refuse_all (fixture, victim);
  g_free (answer);
  answer = invite_answer (fixture, ben, sent, call_id);
  g_assert_cmpint (status_of (answer), ==, 486);
}

/* Forks per call: [sip] max-forks. */
static void
test_forks_cap (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(Peer) phone = NULL;
  g_autoptr(Peer) victim = NULL;
  g_autoptr(Peer) ben = NULL;
  g_autoptr(GString) many = g_string_new (NULL);
  g_autofree char *secret = NULL;
  g_autofree char *ben_secret = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *call_id = NULL;

  start (fixture, "max-forks=3", FALSE);
  secret = secret_of (fixture, "anna");
  ben_secret = secret_of (fixture, "ben");
  phone = peer_new ("127.0.0.1", 0);
  victim = peer_new ("127.0.0.1", 0);
  ben = peer_new ("127.0.0.1", 0);

  for (guint i = 0; i < 5; i++)
    g_string_append_printf (many, "%s<sip:v%u@127.0.0.1:%u>", i > 0 ? ", " : "", i, victim->port);
  g_free (register_line (fixture, phone, "201", secret, many->str));
  sent = invite_send (fixture, ben, "202", ben_secret, "201", &call_id);
  peer_barrier (fixture, victim);
  g_assert_cmpuint (peer_count (victim, "INVITE"), ==, 3);
  peer_refuse_all (fixture, victim);
  g_free (invite_answer (fixture, ben, sent, call_id));
}

/* REFER and MESSAGE outside a dialog, without credentials: refused (the
 * server takes neither), and nothing goes to the address they name. */
static void
test_refer_message (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(Peer) attacker = NULL;
  g_autoptr(Peer) victim = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *contact = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *refer = NULL;
  g_autofree char *message = NULL;

  start (fixture, NULL, FALSE);
  attacker = peer_new ("127.0.0.1", 0);
  victim = peer_new ("127.0.0.1", 0);
  uri = g_strdup_printf ("sip:201@127.0.0.1:%u", fixture->sip_port);
  contact = g_strdup_printf ("<sip:victim@127.0.0.1:%u>", victim->port);
  extra = g_strdup_printf ("Refer-To: <sip:202@127.0.0.1:%u>\r\n", fixture->sip_port);
  {
    Request r = { "REFER", uri, "refer-1", 1, "attacker", uri, contact, NULL, extra, FALSE };

    refer = exchange (fixture, attacker, &r);
  }
  g_test_message ("REFER: %.*s", (int) strcspn (refer, "\r\n"), refer);
  g_assert_cmpint (status_of (refer), ==, 405);
  {
    Request r = { "MESSAGE", uri, "message-1", 1, "attacker", uri, contact, NULL,
                  "Content-Type: text/plain\r\n", FALSE };

    message = exchange (fixture, attacker, &r);
  }
  g_test_message ("MESSAGE: %.*s", (int) strcspn (message, "\r\n"), message);
  g_assert_cmpint (status_of (message), ==, 405);

  peer_barrier (fixture, victim);
  for (guint i = 0; i < victim->inbox->len; i++)
    g_test_message ("the victim got: %s", (char *) g_ptr_array_index (victim->inbox, i));
  g_assert_cmpuint (victim->inbox->len, ==, 0);
}

/* ---- finding 4: fraud control -------------------------------------------- */

/* The upstream gets a call to `number` and says busy; so does the
 * caller. */
static void
call_out_busy (Fixture    *fixture,
               Peer       *phone,
               const char *line,
               const char *secret,
               const char *number)
{
  g_autofree char *call_id = NULL;
  g_autofree char *sent = invite_send (fixture, phone, line, secret, number, &call_id);
  g_autofree char *offer = peer_take (fixture->upstream, NULL, "INVITE");
  g_autofree char *answer = NULL;

  g_assert_nonnull (offer);
  g_assert_nonnull (strstr (offer, number));
  peer_respond (fixture->upstream, fixture->sip_port, offer, 486, "Busy Here");
  answer = invite_answer (fixture, phone, sent, call_id);
  g_assert_cmpint (status_of (answer), ==, 486);
}

/* Trunk numbers only for users allowed external calls: by default users
 * are, DeviceOnly phones not; "external_calls" in the directory or the
 * admin API says otherwise. */
static void
test_external_permission (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(Peer) phone = NULL;
  g_autoptr(JsonNode) patched = NULL;
  g_autofree char *path = NULL;
  g_autofree char *ben_secret = NULL;
  struct {
    const char *user;
    const char *line;
    gboolean    allowed;
  } cases[] = {
    { "anna", "201", TRUE },
    { "ben", "202", FALSE },     /* "external_calls": false */
    { "lobby", "290", FALSE },   /* a DeviceOnly phone */
    { "gate", "291", TRUE },     /* a DeviceOnly phone with "external_calls": true */
  };

  start (fixture, NULL, TRUE);
  phone = peer_new ("127.0.0.1", 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *secret = secret_of (fixture, cases[i].user);
      g_autofree char *number = g_strdup_printf ("03055512%u", i);
      g_autofree char *result = NULL;

      if (cases[i].allowed)
        {
          call_out_busy (fixture, phone, cases[i].line, secret, number);
          continue;
        }
      result = invite (fixture, phone, cases[i].line, secret, number);
      g_test_message ("%s to %s: %.*s", cases[i].user, number, (int) strcspn (result, "\r\n"), result);
      g_assert_cmpint (status_of (result), ==, 403);
    }
  peer_barrier (fixture, fixture->upstream);
  g_assert_cmpuint (peer_count (fixture->upstream, "INVITE"), ==, 0);
  /* Who placed each call out is in the log. */
  {
    g_autofree char *placed = g_strdup_printf ("to 030555120 placed by user %" G_GINT64_FORMAT,
                                               cb_test_user_id (fixture->server, fixture->admin, "anna"));

    g_assert_true (log_has (fixture, placed));
  }

  /* An admin allows ben. */
  path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT, cb_test_user_id (fixture->server, fixture->admin, "ben"));
  cb_test_request_expect (fixture->server, "PATCH", path, fixture->admin,
                          "{\"external_calls\":true}", 200, &patched);
  /* The answer reads what it comes to; ben sees it in his own object,
   * anna (public towards ben) does not see it at all. */
  g_assert_true (json_object_get_boolean_member (json_node_get_object (patched), "external_calls"));
  {
    g_autofree char *ben_token = cb_test_sign_in (fixture->server, "ben", "pw", NULL);
    g_autofree char *anna_token = cb_test_sign_in (fixture->server, "anna", "pw", NULL);
    g_autoptr(JsonNode) me = NULL;
    g_autoptr(JsonNode) seen = NULL;
    JsonArray *users;

    cb_test_request_expect (fixture->server, "GET", "/api/v1/snapshot", ben_token, NULL, 200, &me);
    g_assert_true (json_object_get_boolean_member (json_object_get_object_member (json_node_get_object (me), "me"),
                                                   "external_calls"));
    cb_test_request_expect (fixture->server, "GET", "/api/v1/directory?q=ben", anna_token,
                            NULL, 200, &seen);
    users = json_object_get_array_member (json_node_get_object (seen), "users");
    g_assert_cmpuint (json_array_get_length (users), ==, 1);
    g_assert_false (json_object_has_member (json_array_get_object_element (users, 0), "external_calls"));
  }
  ben_secret = secret_of (fixture, "ben");
  call_out_busy (fixture, phone, "202", ben_secret, "0305559");
}

/* [sip] max-external-calls (2) at once per user: the third gets 486;
 * once one ended, the next goes out again. */
static void
test_external_limit (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(Peer) phone = NULL;
  g_autoptr(GPtrArray) offers = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *secret = NULL;
  char *sent[3] = { NULL };
  char *call_ids[3] = { NULL };

  start (fixture, NULL, TRUE);
  secret = secret_of (fixture, "anna");
  phone = peer_new ("127.0.0.1", 0);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *number = g_strdup_printf ("03077%u", i);
      char *offer;

      sent[i] = invite_send (fixture, phone, "201", secret, number, &call_ids[i]);
      offer = peer_take (fixture->upstream, NULL, "INVITE");
      g_assert_nonnull (offer);
      g_ptr_array_add (offers, offer);
      peer_respond (fixture->upstream, fixture->sip_port, offer, 180, "Ringing");
    }
  {
    g_autofree char *answer = NULL;

    sent[2] = invite_send (fixture, phone, "201", secret, "030772", &call_ids[2]);
    answer = invite_answer (fixture, phone, sent[2], call_ids[2]);
    g_test_message ("third: %.*s", (int) strcspn (answer, "\r\n"), answer);
    g_assert_cmpint (status_of (answer), ==, 486);
  }
  peer_barrier (fixture, fixture->upstream);
  g_assert_cmpuint (peer_count (fixture->upstream, "INVITE"), ==, 0);

  /* The first ends (busy upstream): one more may go out. */
  peer_respond (fixture->upstream, fixture->sip_port, g_ptr_array_index (offers, 0), 486, "Busy Here");
  g_free (invite_answer (fixture, phone, sent[0], call_ids[0]));
  call_out_busy (fixture, phone, "201", secret, "030773");
  peer_respond (fixture->upstream, fixture->sip_port, g_ptr_array_index (offers, 1), 486, "Busy Here");
  g_free (invite_answer (fixture, phone, sent[1], call_ids[1]));
  for (guint i = 0; i < 3; i++)
    g_free (sent[i]), g_free (call_ids[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *wrapper = NULL;
  g_autofree char *script = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  dir = g_dir_make_tmp ("cb-sip-security-log-XXXXXX", &error);
  g_assert_no_error (error);
  server_log = g_build_filename (dir, "stderr.log", NULL);
  wrapper = g_build_filename (dir, "wrapper.sh", NULL);
  script = g_strdup_printf ("#!/bin/sh\nexec \"$@\" 2>>'%s'\n", server_log);
  g_file_set_contents (wrapper, script, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (wrapper, 0700), ==, 0);
  g_setenv ("CALLBOARDD_WRAPPER", wrapper, TRUE);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, NULL, func, fixture_teardown)
  ADD ("/sip/security/register-replay", test_register_replay);
  ADD ("/sip/security/invite-replay", test_invite_replay);
  ADD ("/sip/security/digest-uri", test_digest_uri);
  ADD ("/sip/security/nonce-lifetime", test_nonce_lifetime);
  ADD ("/sip/security/sha-256", test_sha256);
  ADD ("/sip/security/trunk-spoof", test_trunk_spoof);
  ADD ("/sip/security/brute-force", test_brute_force);
  ADD ("/sip/security/bindings-cap", test_bindings_cap);
  ADD ("/sip/security/forks-cap", test_forks_cap);
  ADD ("/sip/security/refer-message", test_refer_message);
  ADD ("/sip/security/external-permission", test_external_permission);
  ADD ("/sip/security/external-limit", test_external_limit);
#undef ADD

  status = g_test_run ();
  cb_test_remove_dir (dir);
  g_free (server_log);
  return status;
}
