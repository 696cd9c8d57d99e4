/* test-durability.c: SIGKILL during a burst of REST writes and calls loses nothing acknowledged
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Anna adds colleagues to her favourites, a few requests in flight at
 * once, and changes her presence note now and then, while a sipp phone
 * on her line calls Ben's (a sipp phone too) over and over, short calls.
 * Once enough is acknowledged, callboardd is killed with SIGKILL from the
 * answer of one request, with others still in flight and calls up. After
 * a restart on the same database:
 * - every favourite whose POST was answered is in her list;
 * - her note is the last one acknowledged or one sent after it;
 * - every call her stream saw end, and every journal entry it was sent,
 *   is in her journal (events go out only after their commit).
 * Enough is written that WAL checkpoints run during the burst.
 */

#define G_LOG_DOMAIN "cb-test"

#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include "cb-test-server.h"
#include "cb-test-sipp.h"

#define COLLEAGUES   400
#define IN_FLIGHT    4
#define KILL_AFTER   250  /* acknowledged favourites */
#define CALLS_ENDED  8    /* seen by the stream before the kill */
#define WAIT_MS      60000
#define MAX_REQUESTS 20000

typedef struct {
  CbTestServer *server;
  CbTestStream *stream;
  char         *token;
  GArray       *ids;            /* gint64: the colleagues, in the order added */
  guint         next;           /* the next request's index */
  guint         in_flight;
  GHashTable   *acknowledged;   /* gint64 user ids whose POST was answered */
  guint         last_note_sent;
  guint         last_note_acknowledged; /* 0: none */
  gboolean      killed;
} Burst;

typedef struct {
  Burst       *burst;
  SoupMessage *msg;
  guint        index;
} Request;

static void send_more (Burst *burst);

/* Every tenth request changes the note, the others add a favourite;
 * once every colleague is a favourite, notes only (until the calls have
 * ended often enough). */
static gboolean
is_note (Burst *burst,
         guint  index)
{
  return index % 10 == 9 || index >= burst->ids->len;
}

static guint
count_events (CbTestStream *stream,
              const char   *type)
{
  guint n = 0;

  for (guint i = 0; i < stream->events->len; i++)
    if (g_strcmp0 (json_object_get_string_member_with_default (stream->events->pdata[i], "type", ""),
                   type) == 0)
      n++;
  return n;
}

static void
on_answer (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Request *request = user_data;
  Burst *burst = request->burst;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  guint status = soup_message_get_status (request->msg);
  guint index = request->index;

  g_object_unref (request->msg);
  g_free (request);
  burst->in_flight--;
  /* No answer, or one read after the kill: not acknowledged. */
  if (body == NULL || burst->killed)
    return;
  g_assert_cmpuint (status, >=, 200);
  g_assert_cmpuint (status, <, 300);
  if (is_note (burst, index))
    burst->last_note_acknowledged = MAX (burst->last_note_acknowledged, index);
  else
    g_hash_table_add (burst->acknowledged, g_memdup2 (&g_array_index (burst->ids, gint64, index),
                                                      sizeof (gint64)));

  if (g_hash_table_size (burst->acknowledged) >= KILL_AFTER &&
      count_events (burst->stream, "journal") >= CALLS_ENDED)
    {
      /* In the middle of it: other requests in flight, calls up. */
      burst->killed = TRUE;
      g_subprocess_send_signal (burst->server->process, SIGKILL);
      return;
    }
  send_more (burst);
}

static void
send_more (Burst *burst)
{
  while (!burst->killed && burst->in_flight < IN_FLIGHT && burst->next < MAX_REQUESTS)
    {
      Request *request = g_new0 (Request, 1);
      g_autofree char *auth = g_strconcat ("Bearer ", burst->token, NULL);
      g_autofree char *url = NULL;
      g_autofree char *body = NULL;
      g_autoptr(GBytes) bytes = NULL;

      request->burst = burst;
      request->index = burst->next++;
      if (is_note (burst, request->index))
        {
          url = g_strconcat (burst->server->url, "/api/v1/me/presence", NULL);
          body = g_strdup_printf ("{\"availability\":\"available\",\"note\":\"note %u\"}", request->index);
          request->msg = soup_message_new ("PUT", url);
          burst->last_note_sent = request->index;
        }
      else
        {
          url = g_strconcat (burst->server->url, "/api/v1/me/favourites", NULL);
          body = g_strdup_printf ("{\"user_id\":%" G_GINT64_FORMAT "}",
                                  g_array_index (burst->ids, gint64, request->index));
          request->msg = soup_message_new ("POST", url);
        }
      soup_message_headers_replace (soup_message_get_request_headers (request->msg), "Authorization", auth);
      bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (request->msg, "application/json", bytes);
      burst->in_flight++;
      soup_session_send_and_read_async (burst->server->session, request->msg, G_PRIORITY_DEFAULT,
                                        NULL, on_answer, request);
    }
}

static char *
directory_json (void)
{
  GString *json = g_string_new ("{\"users\":["
                                "{\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
                                "{\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"}");
  GString *members = g_string_new ("\"anna\",\"ben\"");

  for (guint i = 0; i < COLLEAGUES; i++)
    {
      g_string_append_printf (json, ",{\"username\":\"c%u\",\"display_name\":\"Colleague %u\","
                              "\"extension\":\"%u\",\"password\":\"pw\"}", i, i, 1000 + i);
      g_string_append_printf (members, ",\"c%u\"", i);
    }
  g_string_append_printf (json, "],\"groups\":[{\"name\":\"Office\",\"kind\":\"authorisation\","
                          "\"level\":\"team\",\"members\":[%s]}]}", members->str);
  g_string_free (members, TRUE);
  return g_string_free (json, FALSE);
}

/* The line's name and secret, and callboardd's SIP address. */
static char *
fetch_line (CbTestServer *server,
            const char   *token,
            char        **password,
            char        **target)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *line;
  guint status = 0;

  answer = cb_test_request (server, "GET", "/api/v1/me/line", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  line = json_node_get_object (answer);
  *password = g_strdup (json_object_get_string_member (line, "password"));
  if (*target == NULL)
    *target = g_strdup (json_object_get_string_member (line, "registrar") + strlen ("sip:"));
  return g_strdup (json_object_get_string_member (line, "username"));
}

static char *
write_injection (const char *dir,
                 const char *name,
                 const char *line,
                 const char *password,
                 const char *dial)
{
  g_autofree char *text = g_strdup_printf ("SEQUENTIAL\n%s;[authentication username=%s password=%s]%s%s\n",
                                           line, line, password, dial != NULL ? ";" : "",
                                           dial != NULL ? dial : "");
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

/* Ben's line answers every call (a sipp phone); Anna's sipp phone calls
 * it, short calls, until killed. */
static void
start_calls (CbTestServer  *server,
             const char    *dir,
             const char    *anna,
             const char    *ben,
             CbTestSipp   **uas,
             CbTestSipp   **uac)
{
  g_autofree char *target = NULL;
  g_autofree char *anna_password = NULL;
  g_autofree char *ben_password = NULL;
  g_autofree char *anna_line = fetch_line (server, anna, &anna_password, &target);
  g_autofree char *ben_line = fetch_line (server, ben, &ben_password, &target);
  g_autofree char *callee_inf = write_injection (dir, "callee.csv", ben_line, ben_password, NULL);
  g_autofree char *caller_inf = write_injection (dir, "caller.csv", anna_line, anna_password, ben_line);
  g_autofree char *register_xml = g_build_filename (SOURCE_ROOT, "tests", "server", "sip-register-line.xml", NULL);
  g_autofree char *uas_xml = g_build_filename (SOURCE_ROOT, "tests", "bench", "sip-bench-uas.xml", NULL);
  g_autofree char *uac_xml = g_build_filename (SOURCE_ROOT, "tests", "bench", "sip-bench-uac.xml", NULL);
  guint port = cb_test_free_udp_port ();
  g_autofree char *port_arg = g_strdup_printf ("%u", port);
  g_autofree char *caller_port = g_strdup_printf ("%u", cb_test_free_udp_port ());
  const char *register_args[] = { target, "-p", port_arg, "-inf", callee_inf, NULL };
  const char *uas_args[] = { "-p", port_arg, NULL };
  /* 20 calls a second of 200 ms, at most 20 at once. */
  const char *uac_args[] = { target, "-p", caller_port, "-inf", caller_inf, "-r", "20", "-d", "200",
                             "-l", "20", "-m", "100000", "-recv_timeout", "10000", NULL };
  g_autoptr(CbTestSipp) registration = NULL;

  registration = cb_test_sipp_start_argv (dir, "register", register_xml, register_args);
  cb_test_sipp_finish (registration, 40000);
  *uas = cb_test_sipp_spawn (dir, "uas", uas_xml, CB_TEST_SIPP_OPEN_ENDED, uas_args);
  cb_test_sipp_wait_port (*uas, port, 10000);
  *uac = cb_test_sipp_spawn (dir, "uac", uac_xml, CB_TEST_SIPP_OPEN_ENDED, uac_args);
}

/* The call ids in Anna's journal. */
static GHashTable *
journal_call_ids (CbTestServer *server,
                  const char   *token)
{
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 before = 0;

  for (;;)
    {
      g_autofree char *path = before > 0 ? g_strdup_printf ("/api/v1/journal?limit=500&before=%" G_GINT64_FORMAT, before)
                                         : g_strdup ("/api/v1/journal?limit=500");
      g_autoptr(JsonNode) answer = NULL;
      JsonObject *object = cb_test_request_expect (server, "GET", path, token, NULL, 200, &answer);
      JsonArray *entries = json_object_get_array_member (object, "entries");

      for (guint i = 0; i < json_array_get_length (entries); i++)
        {
          JsonObject *entry = json_array_get_object_element (entries, i);
          const char *call_id = json_object_get_string_member_with_default (entry, "call_id", NULL);

          if (call_id != NULL)
            g_hash_table_add (ids, g_strdup (call_id));
        }
      if (json_object_get_null_member (object, "next_before"))
        break;
      before = json_object_get_int_member (object, "next_before");
    }
  return ids;
}

static void
test_sigkill_during_burst (void)
{
  g_autofree char *directory = directory_json ();
  static const char * const args[] = { "--sip-port", "0", NULL };
  CbTestServer *server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *ben = NULL;
  g_autoptr(CbTestSipp) uas = NULL;
  g_autoptr(CbTestSipp) uac = NULL;
  g_autoptr(GHashTable) journal = NULL;
  g_autoptr(GHashTable) favourites = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *anna = NULL;
  JsonObject *object;
  JsonArray *users, *ids;
  GHashTableIter iter;
  gpointer key;
  gint64 anna_id = 0;
  guint ended_calls = 0, journal_events = 0;
  const char *note = NULL;
  Burst burst = { 0 };

  if (!cb_test_have_sipp ())
    return;

  server = cb_test_server_start (directory, args);
  dir = g_dir_make_tmp ("cb-durability-XXXXXX", &error);
  g_assert_no_error (error);
  burst.server = server;
  burst.token = cb_test_sign_in (server, "anna", "pw", &anna_id);
  ben = cb_test_sign_in (server, "ben", "pw", NULL);
  burst.stream = cb_test_stream_open (server, burst.token, -1, TRUE);
  g_assert_null (burst.stream->error);
  burst.acknowledged = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  burst.ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  /* The colleagues' ids, from the snapshot. */
  object = cb_test_request_expect (server, "GET", "/api/v1/snapshot", burst.token, NULL, 200, &answer);
  users = json_object_get_array_member (object, "users");
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);
      gint64 id = json_object_get_int_member (user, "id");

      if (g_str_has_prefix (json_object_get_string_member_with_default (user, "username", ""), "c"))
        g_array_append_val (burst.ids, id);
    }
  g_clear_pointer (&answer, json_node_unref);
  g_assert_cmpuint (burst.ids->len, ==, COLLEAGUES);

  start_calls (server, dir, burst.token, ben, &uas, &uac);
  send_more (&burst);
  CB_TEST_WAIT_FOR (burst.killed || (burst.next == MAX_REQUESTS && burst.in_flight == 0), WAIT_MS,
                    "the kill during the burst");
  g_assert_true (burst.killed);
  g_test_message ("killed with %u favourites acknowledged, %u requests in flight, notes up to %u "
                  "acknowledged, %u sent", g_hash_table_size (burst.acknowledged), burst.in_flight,
                  burst.last_note_acknowledged, burst.last_note_sent);
  CB_TEST_WAIT_FOR (!cb_test_server_alive (server), WAIT_MS, "callboardd to die");
  /* The requests in flight fail now; their callbacks use the burst. */
  CB_TEST_WAIT_FOR (burst.in_flight == 0, WAIT_MS, "the requests in flight to fail");
  cb_test_sipp_kill (uac);
  cb_test_sipp_kill (uas);

  for (guint i = 0; i < burst.stream->events->len; i++)
    {
      JsonObject *frame = burst.stream->events->pdata[i];
      const char *type = json_object_get_string_member_with_default (frame, "type", "");

      if (g_str_equal (type, "journal"))
        journal_events++;
      else if (g_str_equal (type, "call") &&
               g_strcmp0 (json_object_get_string_member_with_default (
                            json_object_get_object_member (frame, "data"), "state", ""), "ended") == 0)
        ended_calls++;
    }
  g_assert_cmpuint (journal_events, >=, CALLS_ENDED);
  g_assert_cmpuint (ended_calls, >=, CALLS_ENDED);

  cb_test_server_restart (server);
  g_free (anna);
  anna = cb_test_sign_in (server, "anna", "pw", NULL);

  /* Every acknowledged favourite. */
  object = cb_test_request_expect (server, "GET", "/api/v1/me/favourites", anna, NULL, 200, &answer);
  ids = json_object_get_array_member (object, "user_ids");
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      gint64 id = json_array_get_int_element (ids, i);
      g_hash_table_add (favourites, g_memdup2 (&id, sizeof id));
    }
  g_clear_pointer (&answer, json_node_unref);
  g_hash_table_iter_init (&iter, burst.acknowledged);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (favourites, key))
      g_error ("Favourite %" G_GINT64_FORMAT " was acknowledged and is gone", *(gint64 *) key);

  /* The note: the last acknowledged, or one sent after it. */
  object = cb_test_request_expect (server, "GET", "/api/v1/snapshot", anna, NULL, 200, &answer);
  users = json_object_get_array_member (object, "users");
  for (guint i = 0; i < json_array_get_length (users); i++)
    if (json_object_get_int_member (json_array_get_object_element (users, i), "id") == anna_id)
      note = json_object_get_string_member_with_default (
               json_object_get_object_member (json_array_get_object_element (users, i), "presence"), "note", "");
  g_assert_nonnull (note);
  if (burst.last_note_acknowledged > 0)
    {
      g_assert_true (g_str_has_prefix (note, "note "));
      g_assert_cmpuint ((guint) atoi (note + 5), >=, burst.last_note_acknowledged);
      g_assert_cmpuint ((guint) atoi (note + 5), <=, burst.last_note_sent);
    }
  g_clear_pointer (&answer, json_node_unref);

  /* Every call that ended, every journal entry sent. */
  journal = journal_call_ids (server, anna);
  for (guint i = 0; i < burst.stream->events->len; i++)
    {
      JsonObject *frame = burst.stream->events->pdata[i];
      const char *type = json_object_get_string_member_with_default (frame, "type", "");
      JsonObject *data = json_object_get_object_member (frame, "data");
      const char *call_id = NULL;

      if (g_str_equal (type, "journal"))
        call_id = json_object_get_string_member_with_default (data, "call_id", NULL);
      else if (g_str_equal (type, "call") &&
               g_strcmp0 (json_object_get_string_member_with_default (data, "state", ""), "ended") == 0)
        call_id = json_object_get_string_member_with_default (data, "call_id", NULL);
      if (call_id != NULL && !g_hash_table_contains (journal, call_id))
        g_error ("Call %s ended before the kill and is not in the journal", call_id);
    }
  g_test_message ("%u calls ended, %u journal entries sent before the kill; the journal holds %u",
                  ended_calls, journal_events, g_hash_table_size (journal));

  cb_test_stream_close (burst.stream);
  g_hash_table_unref (burst.acknowledged);
  g_array_unref (burst.ids);
  g_free (burst.token);
  cb_test_server_stop (server);
  cb_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/durability/sigkill-during-burst", test_sigkill_during_burst);
  return g_test_run ();
}
