/* test-sip-sipp.c: sipp phones register with digest auth and call through callboardd
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sipp phone is two sipp runs on one port: sip-register-line.xml
 * registers the line (401, then REGISTER with Authorization), then
 * sip-uas-answer.xml answers the call the B2BUA sends there (180, 200
 * with SDP, ACK, BYE, 200). A sipp caller runs sip-uac-call.xml (INVITE,
 * 407, ACK, INVITE with Proxy-Authorization, 200, ACK, BYE after -d ms).
 * Each sipp exits 0 only if its scenario ran to the end, and logs the
 * audio port of the SDP it received: it must be the port the other end
 * offered, so the SDP went through the B2BUA. While the call is up, sipp
 * plays a 440 Hz A-law tone where that SDP points; a phone-library agent
 * at the other end must hear it. The journal has the call for both, and
 * the event stream saw the lines go busy and back. The sipp phones do the
 * same over TCP (-t t1): the registrar keeps the transport of the
 * binding and the B2BUA reaches the phone over it. A user whose display
 * name holds quotes, a backslash, angle brackets and letters beyond
 * ASCII calls and is called: sipp reads the name back from the From, the
 * other side's call event and journal show it intact. A re-INVITE the
 * callee's phone refuses with a phrase of its own reaches the caller
 * with the standard phrase (sip-uac-reinvite.xml,
 * sip-uas-refuse-reinvite.xml). An answer from REST that comes before
 * the phone rings is kept until it does (sip-uas-ring-late.xml).
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <gst/gst.h>
#include <sofia-sip/msg_parser.h>
#include <sofia-sip/sip_header.h>

#include "cb-test-phone.h"
#include "cb-test-sipp.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS
#define HOLD_MS 3000
#define SIPP_MS 40000     /* a whole sipp run */
#define TONE 440.0        /* sipp plays it; the agents send AGENT_TONE */
#define AGENT_TONE 880.0

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"zoe\",\"display_name\":\"Zoë \\\"Z\\\\\\\" <Ünal>\",\"extension\":\"203\","
  "  \"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\",\"members\":[\"anna\",\"ben\"]}]}";

/* Zoë's display name, as the directory above has it. */
#define ZOE_NAME "Zoë \"Z\\\" <Ünal>"

static const char * const server_args[] = { "--sip-port", "0", NULL };

typedef struct {
  CbTestServer *server;
  char         *tmpdir;
  char         *target;    /* the SIP address of callboardd, host:port */
  CbTestPhone   anna;
  CbTestPhone   ben;
  CbTestStream *stream;    /* Anna's */
  const char   *transport; /* sipp's -t: "u1" (UDP) or "t1" (TCP) */
} Fixture;

static void
fetch_line (Fixture     *fixture,
            CbTestPhone *user,
            const char  *username)
{
  cb_test_phone_fetch_line (fixture->server, user, username);
  g_assert_true (g_str_has_prefix (user->registrar, "sip:"));
  if (fixture->target == NULL)
    fixture->target = g_strdup (user->registrar + 4);
}

/* sipp plays raw codec bytes after a WAV header: one second of TONE
 * in A-law (a whole number of periods, so the loop has no click). */
static void
write_tone (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "sipp-tone.wav", NULL);
  g_autofree char *description =
    g_strdup_printf ("audiotestsrc wave=sine freq=%g num-buffers=50 samplesperbuffer=160 ! "
                     "audio/x-raw,format=S16LE,rate=8000,channels=1 ! alawenc ! wavenc ! "
                     "filesink location=\"%s\"", TONE, path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;

  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->transport = data != NULL ? data : "u1";
  fixture->server = cb_test_server_start (directory, server_args);
  fixture->tmpdir = g_dir_make_tmp ("cb-sipp-XXXXXX", &error);
  g_assert_no_error (error);
  write_tone (fixture->tmpdir);
  fetch_line (fixture, &fixture->anna, "anna");
  fetch_line (fixture, &fixture->ben, "ben");
  fixture->stream = cb_test_stream_open (fixture->server, fixture->anna.token, -1, TRUE);
  g_assert_null (fixture->stream->error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  cb_test_remove_dir (fixture->tmpdir);
  g_free (fixture->tmpdir);
  g_free (fixture->target);
  g_clear_pointer (&fixture->stream, cb_test_stream_close);
  cb_test_phone_clear_all (&fixture->anna, &fixture->ben, NULL);
  cb_test_server_stop (fixture->server);
}

/* ---- phone-library agents ---- */

/* The user's phone is an agent that listens for sipp's TONE and answers
 * every call; it offers PCMA only, the codec of the sipp scenarios. */
static void
agent_start (CbTestPhone *user)
{
  static const char * const codecs[] = { "pcma", NULL };

  cb_test_phone_init (user, user->line, AGENT_TONE, TONE);
  cb_sip_agent_set_codecs (user->agent, codecs);
  cb_test_phone_register (user, user->registrar, NULL);
}

static void
wait_hears_tone (CbTestPhone *user,
                 guint        timeout_ms,
                 const char  *what)
{
  CB_TEST_WAIT_FOR (cb_test_phone_hears (user, TONE), timeout_ms, what);
  g_test_message ("%s hears %.0f Hz, ratio %.0f", user->line, TONE,
                  cb_tone_detector_get_ratio (user->detector));
}

static guint
agent_rtp_port (CbTestPhone *user)
{
  return cb_media_pipeline_get_local_rtp_port (cb_sip_call_get_media (user->call));
}

/* ---- sipp ---- */

/* One row of an injection file: line;[authentication …][;extra] */
static char *
write_injection (Fixture     *fixture,
                 const char  *name,
                 CbTestPhone *user,
                 const char  *extra)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("SEQUENTIAL\n%s;[authentication username=%s password=%s]%s%s\n",
                                           user->line, user->line, user->password,
                                           extra != NULL ? ";" : "", extra != NULL ? extra : "");
  char *path = g_build_filename (fixture->tmpdir, name, NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* Starts sipp in the fixture's directory (where the tone is) with
 * SOURCE_ROOT/tests/server/scenario, the fixture's transport and the
 * arguments given (NULL-terminated). */
static CbTestSipp *
sipp_start (Fixture    *fixture,
            const char *name,
            const char *scenario,
            ...)
{
  g_autofree char *path = g_build_filename (SOURCE_ROOT, "tests", "server", scenario, NULL);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list list;

  g_ptr_array_add (args, (gpointer) "-t");
  g_ptr_array_add (args, (gpointer) fixture->transport);
  va_start (list, scenario);
  while ((arg = va_arg (list, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (list);
  g_ptr_array_add (args, NULL);
  return cb_test_sipp_start_argv (fixture->tmpdir, name, path, (const char * const *) args->pdata);
}

/* The user's phone is sipp: registers the line from a free port (401,
 * then digest) and keeps the binding, then answers one call there with
 * its audio on media_port, as scenario says. */
static CbTestSipp *
sipp_phone_start_with (Fixture     *fixture,
                       CbTestPhone *user,
                       guint        media_port,
                       const char  *scenario,
                       const char  *message_file)
{
  g_autofree char *inf = write_injection (fixture, "callee.csv", user, NULL);
  guint port = cb_test_free_udp_port ();
  g_autofree char *port_arg = g_strdup_printf ("%u", port);
  g_autofree char *media_arg = g_strdup_printf ("%u", media_port);
  g_autoptr(CbTestSipp) registration = NULL;
  CbTestSipp *uas;

  registration = sipp_start (fixture, "register", "sip-register-line.xml",
                             fixture->target, "-p", port_arg, "-inf", inf, NULL);
  cb_test_sipp_finish (registration, SIPP_MS);

  /* The INVITE must find the registered port bound. Without a message
   * file the argument list ends at the NULL in place of -trace_msg. */
  uas = sipp_start (fixture, "uas", scenario, "-p", port_arg, "-mp", media_arg,
                    message_file != NULL ? "-trace_msg" : NULL, "-message_file", message_file, NULL);
  if (g_str_equal (fixture->transport, "t1"))
    cb_test_sipp_wait_tcp_port (uas, port, WAIT_MS);
  else
    cb_test_sipp_wait_port (uas, port, WAIT_MS);
  return uas;
}

static CbTestSipp *
sipp_phone_start (Fixture     *fixture,
                  CbTestPhone *user,
                  guint        media_port)
{
  return sipp_phone_start_with (fixture, user, media_port, "sip-uas-answer.xml", NULL);
}

/* The caller's phone is sipp: dials callee's extension (407, then
 * Proxy-Authorization), goes on as scenario says (sip-uac-call.xml:
 * holds the call for HOLD_MS and hangs up). */
static CbTestSipp *
sipp_call_start_with (Fixture     *fixture,
                      CbTestPhone *caller,
                      CbTestPhone *callee,
                      guint        media_port,
                      const char  *scenario)
{
  g_autofree char *inf = write_injection (fixture, "caller.csv", caller, callee->line);
  g_autofree char *port_arg = g_strdup_printf ("%u", cb_test_free_udp_port ());
  g_autofree char *media_arg = g_strdup_printf ("%u", media_port);
  g_autofree char *hold = g_strdup_printf ("%u", HOLD_MS);

  return sipp_start (fixture, "uac", scenario, fixture->target, "-p", port_arg,
                     "-inf", inf, "-d", hold, "-mp", media_arg, NULL);
}

static CbTestSipp *
sipp_call_start (Fixture     *fixture,
                 CbTestPhone *caller,
                 CbTestPhone *callee,
                 guint        media_port)
{
  return sipp_call_start_with (fixture, caller, callee, media_port, "sip-uac-call.xml");
}

/* ---- the server's view ---- */

/* Whether the values of member in the events of this type about
 * user_id, in the order received, contain the words of expected in
 * that order (other values may come between). */
typedef struct {
  CbTestStream *stream;
  const char   *type;
  gint64        user_id;
  const char   *member;
  char        **expected;
} History;

static gboolean
history_has (gpointer data)
{
  History *history = data;
  CbTestStream *stream = history->stream;
  guint next = 0;

  for (guint i = 0; i < stream->events->len && history->expected[next] != NULL; i++)
    {
      JsonObject *event = g_ptr_array_index (stream->events, i);
      JsonObject *payload;

      if (g_strcmp0 (json_object_get_string_member (event, "type"), history->type) != 0)
        continue;
      payload = json_object_get_object_member (event, "data");
      if (payload == NULL || json_object_get_int_member_with_default (payload, "user_id", 0) != history->user_id)
        continue;
      if (g_strcmp0 (json_object_get_string_member_with_default (payload, history->member, ""),
                     history->expected[next]) == 0)
        next++;
    }
  return history->expected[next] == NULL;
}

static void
wait_history (CbTestStream *stream,
              const char   *type,
              gint64        user_id,
              const char   *member,
              const char   *expected)
{
  g_auto(GStrv) words = g_strsplit (expected, " ", -1);
  g_autofree char *what = g_strdup_printf ("%s events about user %" G_GINT64_FORMAT " with %s: %s",
                                           type, user_id, member, expected);
  History history = { stream, type, user_id, member, words };

  cb_test_wait_until (history_has, &history, WAIT_MS, what);
}

/* The call was up about min_ms (whole seconds, rounded either way). */
static void
assert_journal (Fixture     *fixture,
                CbTestPhone *user,
                const char  *direction,
                CbTestPhone *remote,
                guint        min_ms)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *page;
  JsonArray *entries;
  JsonObject *entry;
  guint status = 0;

  answer = cb_test_request (fixture->server, "GET", "/api/v1/journal?limit=10", user->token,
                            NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  page = json_node_get_object (answer);
  entries = json_object_get_array_member (page, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  entry = json_array_get_object_element (entries, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "direction"), ==, direction);
  g_assert_cmpstr (json_object_get_string_member (entry, "remote_number"), ==, remote->line);
  g_assert_cmpint (json_object_get_int_member (entry, "remote_user_id"), ==, remote->user_id);
  g_assert_true (json_object_get_boolean_member (entry, "answered"));
  g_assert_cmpint (json_object_get_int_member (entry, "duration"), >=, (gint64) min_ms / 1000 - 1);
  g_assert_cmpint (json_object_get_int_member (entry, "duration"), <=, HOLD_MS / 1000 + 3);
  g_assert_cmpint (json_object_get_int_member (page, "missed"), ==, 0);
}

/* ---- the tests ---- */

/* sipp calls sipp. Anna's sipp never registers: her line goes from
 * offline to busy and back to offline. */
static void
test_sipp_to_sipp (Fixture       *fixture,
                   gconstpointer  data)
{
  guint anna_media = cb_test_free_udp_port ();
  guint ben_media = cb_test_free_udp_port ();
  g_autoptr(CbTestSipp) uas = NULL;
  g_autoptr(CbTestSipp) uac = NULL;

  if (!cb_test_have_sipp ())
    return;

  uas = sipp_phone_start (fixture, &fixture->ben, ben_media);
  wait_history (fixture->stream, "line-state", fixture->ben.user_id, "line_state", "idle");

  uac = sipp_call_start (fixture, &fixture->anna, &fixture->ben, anna_media);

  /* While the call is up, both lines are busy. */
  wait_history (fixture->stream, "call", fixture->anna.user_id, "state", "connected");
  wait_history (fixture->stream, "line-state", fixture->ben.user_id, "line_state", "idle busy");
  wait_history (fixture->stream, "line-state", fixture->anna.user_id, "line_state", "busy");
  cb_test_sipp_finish (uac, SIPP_MS);
  cb_test_sipp_finish (uas, SIPP_MS);

  /* Each end got the other's audio port through the B2BUA. */
  g_assert_cmpuint (cb_test_sipp_logged (uas, "offer-port"), ==, anna_media);
  g_assert_cmpuint (cb_test_sipp_logged (uac, "answer-port"), ==, ben_media);

  /* Anna's BYE ended it: the lines are back, and the journal is written. */
  wait_history (fixture->stream, "call", fixture->anna.user_id, "state", "connected ended");
  wait_history (fixture->stream, "line-state", fixture->ben.user_id, "line_state", "idle busy idle");
  wait_history (fixture->stream, "line-state", fixture->anna.user_id, "line_state", "busy offline");
  wait_history (fixture->stream, "journal", fixture->anna.user_id, "direction", "out");

  assert_journal (fixture, &fixture->anna, "out", &fixture->ben, HOLD_MS);
  assert_journal (fixture, &fixture->ben, "in", &fixture->anna, HOLD_MS);
  cb_test_assert_healthy (fixture->server);
}

/* A re-INVITE the other end refuses with a phrase of its own: the
 * refusal reaches the caller with the standard phrase (the far end's
 * text was freed with its event before the answer went out, and went on
 * the wire as whatever the heap held then), and the call stays up until
 * the caller hangs up. */
static void
test_reinvite_refused (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(CbTestSipp) uas = NULL;
  g_autoptr(CbTestSipp) uac = NULL;
  g_autofree char *log = NULL;

  if (!cb_test_have_sipp ())
    return;

  uas = sipp_phone_start_with (fixture, &fixture->ben, cb_test_free_udp_port (),
                               "sip-uas-refuse-reinvite.xml", NULL);
  wait_history (fixture->stream, "line-state", fixture->ben.user_id, "line_state", "idle");
  uac = sipp_call_start_with (fixture, &fixture->anna, &fixture->ben, cb_test_free_udp_port (),
                              "sip-uac-reinvite.xml");
  cb_test_sipp_finish (uac, SIPP_MS);
  cb_test_sipp_finish (uas, SIPP_MS);

  g_assert_true (g_file_get_contents (uac->log, &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "refused-with Not Acceptable Here\n"));
  g_assert_null (strstr (log, "Codec Soup"));
  /* Held up through the refusal, ended by the caller's BYE. */
  wait_history (fixture->stream, "call", fixture->anna.user_id, "state", "connected ended");
  cb_test_assert_healthy (fixture->server);
}

/* A click on the card may beat the phone's 180: the answer is taken and
 * the phone told to pick up (NOTIFY Event: talk) once it rings. sipp
 * rings two seconds after the INVITE and then gives up with 486. */
static void
test_answer_before_ringing (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *trace = g_build_filename (fixture->tmpdir, "ring-late-messages.log", NULL);
  g_autoptr(CbTestSipp) uas = NULL;
  g_autoptr(JsonNode) calls = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  g_autofree char *messages = NULL;
  const char *ringing, *talk;
  JsonArray *list;
  guint status = 0;

  if (!cb_test_have_sipp ())
    return;

  uas = sipp_phone_start_with (fixture, &fixture->ben, cb_test_free_udp_port (),
                               "sip-uas-ring-late.xml", trace);
  wait_history (fixture->stream, "line-state", fixture->ben.user_id, "line_state", "idle");
  agent_start (&fixture->anna);
  cb_test_phone_dial (&fixture->anna, fixture->ben.line);
  wait_history (fixture->stream, "call", fixture->anna.user_id, "state", "ringing");

  calls = cb_test_request (fixture->server, "GET", "/api/v1/calls", fixture->ben.token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  list = json_object_get_array_member (json_node_get_object (calls), "calls");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  path = g_strdup_printf ("/api/v1/calls/%s/answer",
                          json_object_get_string_member (json_array_get_object_element (list, 0),
                                                         "call_id"));
  /* Before the 180: the answer is taken, not refused (it was 409). */
  answer = cb_test_request (fixture->server, "POST", path, fixture->ben.token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);

  cb_test_sipp_finish (uas, SIPP_MS);
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ENDED, "Anna's call to end (486)");
  g_assert_true (g_file_get_contents (trace, &messages, NULL, NULL));
  ringing = strstr (messages, "SIP/2.0 180 Ringing");
  talk = strstr (messages, "Event: talk");
  g_assert_nonnull (ringing);
  g_assert_nonnull (talk);
  g_assert_true (talk > ringing);
  cb_test_assert_healthy (fixture->server);
}

/* sipp calls an agent: the agent hears sipp's tone, sent where the SDP
 * relayed from the agent told sipp to. */
static void
test_sipp_to_agent (Fixture       *fixture,
                    gconstpointer  data)
{
  guint anna_media = cb_test_free_udp_port ();
  g_autoptr(CbTestSipp) uac = NULL;

  if (!cb_test_have_sipp ())
    return;

  agent_start (&fixture->ben);
  wait_history (fixture->stream, "line-state", fixture->ben.user_id, "line_state", "idle");

  uac = sipp_call_start (fixture, &fixture->anna, &fixture->ben, anna_media);
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ACTIVE, "Ben's agent to answer");
  wait_hears_tone (&fixture->ben, HOLD_MS, "Ben to hear the tone of Anna's sipp");
  wait_history (fixture->stream, "line-state", fixture->ben.user_id, "line_state", "idle busy");

  cb_test_sipp_finish (uac, SIPP_MS);
  g_assert_cmpuint (cb_test_sipp_logged (uac, "answer-port"), ==, agent_rtp_port (&fixture->ben));
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ENDED, "Anna's BYE to reach Ben");

  wait_history (fixture->stream, "line-state", fixture->ben.user_id, "line_state", "idle busy idle");
  wait_history (fixture->stream, "journal", fixture->anna.user_id, "direction", "out");
  assert_journal (fixture, &fixture->anna, "out", &fixture->ben, HOLD_MS);
  assert_journal (fixture, &fixture->ben, "in", &fixture->anna, HOLD_MS);
  cb_test_assert_healthy (fixture->server);
}

/* The opposite direction: an agent calls the sipp-registered line, sipp
 * answers and plays its tone, the agent hears it and hangs up. */
static void
test_agent_to_sipp (Fixture       *fixture,
                    gconstpointer  data)
{
  guint ben_media = cb_test_free_udp_port ();
  g_autoptr(CbTestSipp) uas = NULL;
  guint anna_rtp;

  if (!cb_test_have_sipp ())
    return;

  uas = sipp_phone_start (fixture, &fixture->ben, ben_media);
  wait_history (fixture->stream, "line-state", fixture->ben.user_id, "line_state", "idle");
  agent_start (&fixture->anna);

  cb_test_phone_dial (&fixture->anna, fixture->ben.line);
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ACTIVE, "sipp to answer");
  wait_hears_tone (&fixture->anna, WAIT_MS, "Anna to hear the tone of Ben's sipp");
  wait_history (fixture->stream, "call", fixture->anna.user_id, "state", "connected");
  wait_history (fixture->stream, "line-state", fixture->ben.user_id, "line_state", "idle busy");
  anna_rtp = agent_rtp_port (&fixture->anna);

  cb_sip_call_hangup (fixture->anna.call);
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ENDED, "Anna's call to end");
  cb_test_sipp_finish (uas, SIPP_MS);
  g_assert_cmpuint (cb_test_sipp_logged (uas, "offer-port"), ==, anna_rtp);

  wait_history (fixture->stream, "line-state", fixture->ben.user_id, "line_state", "idle busy idle");
  wait_history (fixture->stream, "line-state", fixture->anna.user_id, "line_state", "busy idle");
  wait_history (fixture->stream, "journal", fixture->anna.user_id, "direction", "out");
  assert_journal (fixture, &fixture->anna, "out", &fixture->ben, 0);
  assert_journal (fixture, &fixture->ben, "in", &fixture->anna, 0);
  cb_test_assert_healthy (fixture->server);
}

static gboolean
early_media_or_active (gpointer data)
{
  CbTestPhone *user = data;

  return cb_test_phone_state_is (user, CB_SIP_CALL_STATE_ACTIVE) ||
         (user->call != NULL && cb_test_phone_hears (user, TONE));
}

/* Early media from a phone that is not ours: sipp answers the agent's
 * INVITE with 180, then 183 with SDP and its tone, and the 200 only
 * after six seconds. The agent hears the tone while its call rings. */
static void
test_agent_to_sipp_early_media (Fixture       *fixture,
                                gconstpointer  data)
{
  guint ben_media = cb_test_free_udp_port ();
  g_autoptr(CbTestSipp) uas = NULL;
  CbSipCall *call;
  CbMediaPipeline *media;
  guint anna_rtp;

  if (!cb_test_have_sipp ())
    return;

  uas = sipp_phone_start_with (fixture, &fixture->ben, ben_media, "sip-uas-early-media.xml", NULL);
  wait_history (fixture->stream, "line-state", fixture->ben.user_id, "line_state", "idle");
  agent_start (&fixture->anna);

  call = cb_test_phone_dial (&fixture->anna, fixture->ben.line);
  media = cb_sip_call_get_media (call);
  CB_TEST_WAIT_FOR (cb_media_pipeline_is_running (media), WAIT_MS, "the early media to start");
  g_assert_cmpint (cb_sip_call_get_state (call), ==, CB_SIP_CALL_STATE_RINGING);
  cb_test_phone_listen_to (&fixture->anna, call);
  cb_test_wait_until (early_media_or_active, &fixture->anna, WAIT_MS, "the early tone");
  g_assert_cmpint (cb_sip_call_get_state (call), ==, CB_SIP_CALL_STATE_RINGING);
  wait_history (fixture->stream, "call", fixture->anna.user_id, "state", "ringing");

  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ACTIVE, "sipp to answer");
  wait_hears_tone (&fixture->anna, WAIT_MS, "Anna to hear Ben's sipp after the answer");
  wait_history (fixture->stream, "call", fixture->anna.user_id, "state", "ringing connected");
  anna_rtp = agent_rtp_port (&fixture->anna);

  cb_sip_call_hangup (fixture->anna.call);
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ENDED, "Anna's call to end");
  cb_test_sipp_finish (uas, SIPP_MS);
  g_assert_cmpuint (cb_test_sipp_logged (uas, "offer-port"), ==, anna_rtp);
  cb_test_assert_healthy (fixture->server);
}

/* The display name in the From that sipp logged ("from VALUE"), unquoted
 * by sofia-sip's parser: what a phone shows. */
static char *
logged_from_display (CbTestSipp *sipp)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  g_autofree char *text = NULL;
  g_autofree char *value = NULL;
  const char *found;
  const char *end;
  sip_from_t *from;
  char *display;

  g_assert_true (g_file_get_contents (sipp->log, &text, NULL, NULL));
  found = strstr (text, "from ");
  g_assert_nonnull (found);
  found += strlen ("from ");
  end = strchr (found, '\n');
  value = g_strstrip (g_strndup (found, end != NULL ? (gsize) (end - found) : strlen (found)));
  from = sip_from_make (home, value);
  g_assert_nonnull (from);
  g_assert_nonnull (from->a_display);
  display = g_strdup (msg_unquote_dup (home, from->a_display));
  su_home_deinit (home);
  return display;
}

/* The user's next call event in `state`; its remote party's name must be
 * `name`. */
static void
assert_remote_name (CbTestStream *stream,
                    gint64        user_id,
                    const char   *state,
                    const char   *name)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      JsonObject *event = cb_test_stream_wait (stream, "call", user_id, WAIT_MS);
      JsonObject *payload;

      g_assert_nonnull (event);
      payload = json_object_get_object_member (event, "data");
      if (g_strcmp0 (json_object_get_string_member (payload, "state"), state) != 0)
        continue;
      g_assert_cmpstr (json_object_get_string_member (payload, "remote_name"), ==, name);
      return;
    }
  g_error ("No %s call event about user %" G_GINT64_FORMAT, state, user_id);
}

/* Zoë calls Ben's sipp phone: the INVITE's From carries her name as a
 * quoted-string sofia (and sipp) can read. Then Anna calls Zoë: Zoë's
 * phone rings and answers, Anna's call shows Zoë's name. */
static void
test_display_name (Fixture       *fixture,
                   gconstpointer  data)
{
  CbTestPhone zoe = { 0 };
  g_autoptr(CbTestSipp) uas = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *display = NULL;
  CbTestStream *ben_stream;
  CbTestStream *zoe_stream;
  JsonObject *entry;
  guint status = 0;

  if (!cb_test_have_sipp ())
    {
      g_test_skip ("sipp (sip-tester) is not installed");
      return;
    }

  fetch_line (fixture, &zoe, "zoe");
  ben_stream = cb_test_stream_open (fixture->server, fixture->ben.token, -1, TRUE);
  zoe_stream = cb_test_stream_open (fixture->server, zoe.token, -1, TRUE);
  g_assert_null (ben_stream->error);
  g_assert_null (zoe_stream->error);

  uas = sipp_phone_start (fixture, &fixture->ben, cb_test_free_udp_port ());
  agent_start (&zoe);
  cb_test_phone_dial (&zoe, fixture->ben.line);
  cb_test_phone_wait_state (&zoe, CB_SIP_CALL_STATE_ACTIVE, "Ben's sipp to answer Zoë");
  assert_remote_name (ben_stream, fixture->ben.user_id, "connected", ZOE_NAME);
  assert_remote_name (zoe_stream, zoe.user_id, "connected", "Ben");
  cb_sip_call_hangup (zoe.call);
  cb_test_phone_wait_state (&zoe, CB_SIP_CALL_STATE_ENDED, "Zoë's call to end");
  cb_test_sipp_finish (uas, SIPP_MS);
  display = logged_from_display (uas);
  g_assert_cmpstr (display, ==, ZOE_NAME);
  wait_history (ben_stream, "journal", fixture->ben.user_id, "direction", "in");
  answer = cb_test_request (fixture->server, "GET", "/api/v1/journal?limit=1", fixture->ben.token,
                            NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  entry = json_array_get_object_element (json_object_get_array_member (json_node_get_object (answer),
                                                                       "entries"), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "remote_name"), ==, ZOE_NAME);

  agent_start (&fixture->anna);
  cb_test_phone_dial (&fixture->anna, zoe.line);
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ACTIVE, "Zoë's phone to answer Anna");
  cb_test_phone_wait_state (&zoe, CB_SIP_CALL_STATE_ACTIVE, "Zoë's phone to answer");
  assert_remote_name (fixture->stream, fixture->anna.user_id, "connected", ZOE_NAME);
  assert_remote_name (zoe_stream, zoe.user_id, "connected", "Anna");
  cb_sip_call_hangup (zoe.call);
  cb_test_phone_wait_state (&fixture->anna, CB_SIP_CALL_STATE_ENDED, "Anna's call to end");

  cb_test_stream_close (ben_stream);
  cb_test_stream_close (zoe_stream);
  cb_test_phone_clear (&zoe);
  cb_test_assert_healthy (fixture->server);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sip/sipp/sipp-to-sipp", Fixture, NULL, fixture_setup, test_sipp_to_sipp, fixture_teardown);
  g_test_add ("/sip/sipp/sipp-to-agent", Fixture, NULL, fixture_setup, test_sipp_to_agent, fixture_teardown);
  g_test_add ("/sip/sipp/agent-to-sipp", Fixture, NULL, fixture_setup, test_agent_to_sipp, fixture_teardown);
  g_test_add ("/sip/sipp/agent-to-sipp-early-media", Fixture, NULL, fixture_setup,
              test_agent_to_sipp_early_media, fixture_teardown);
  g_test_add ("/sip/sipp/answer-before-ringing", Fixture, NULL, fixture_setup, test_answer_before_ringing,
              fixture_teardown);
  g_test_add ("/sip/sipp/reinvite-refused", Fixture, NULL, fixture_setup, test_reinvite_refused,
              fixture_teardown);
  g_test_add ("/sip/sipp/display-name", Fixture, NULL, fixture_setup, test_display_name,
              fixture_teardown);
  /* The same phones over TCP: REGISTER, INVITE with digest, BYE. */
  g_test_add ("/sip/sipp/tcp/sipp-to-sipp", Fixture, "t1", fixture_setup, test_sipp_to_sipp,
              fixture_teardown);
  g_test_add ("/sip/sipp/tcp/sipp-to-agent", Fixture, "t1", fixture_setup, test_sipp_to_agent,
              fixture_teardown);

  return g_test_run ();
}
