/* test-demo-phones.c: callboardd --demo's simulated colleagues telephone for real
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo server with calls every second or so: colleagues call each
 * other (call events and lamps for anna), one of them rings anna's
 * softphone and is heard once she answers, and a colleague anna calls
 * answers by itself. With a certificate the colleagues' phones are on SIP
 * over TLS: anna's call to one of them, over TLS too, is SRTP.
 */

#define G_LOG_DOMAIN "cb-demo"

#include "config.h"

#include <string.h>

#include <gst/gst.h>

#include "cb-test-phone.h"

#define WAIT_MS 30000
/* Outside the colleagues' 400–980 Hz. */
#define ANNA_TONE 1300.0
/* A colleague answers a user's call within about 2 s. */
#define ANSWER_MS 8000

static const char * const server_args[] = {
  "--demo", "--sip-port", "0", "--call-interval", "1500", NULL
};

/* As cb_demo_phones_tone_for() in src/server/cb-demo-phones.c. */
static double
tone_for (const char *extension)
{
  return 400.0 + 20.0 * (g_ascii_strtoull (extension, NULL, 10) % 30);
}

/* "sip:204@127.0.0.1:5060" → "204". */
static char *
uri_user (const char *uri)
{
  const char *start = strchr (uri, ':');
  const char *at = start != NULL ? strchr (start, '@') : NULL;

  g_assert_nonnull (at);
  return g_strndup (start + 1, at - start - 1);
}

/* Extensions by user id, from the snapshot. */
static GHashTable *
extensions (CbTestServer *server,
            const char   *token)
{
  g_autoptr(JsonNode) snapshot = NULL;
  GHashTable *map = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  JsonArray *users;
  guint status = 0;

  snapshot = cb_test_request (server, "GET", "/api/v1/snapshot", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  users = json_object_get_array_member (json_node_get_object (snapshot), "users");
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);
      gint64 id = json_object_get_int_member (user, "id");

      g_hash_table_insert (map, g_memdup2 (&id, sizeof id),
                           g_strdup (json_object_get_string_member (user, "extension")));
    }
  return map;
}

static gboolean
has_line_state (CbTestStream *stream,
                gint64        user_id,
                const char   *state)
{
  for (guint i = 0; i < stream->events->len; i++)
    {
      JsonObject *event = g_ptr_array_index (stream->events, i);
      JsonObject *data = json_object_get_object_member (event, "data");

      if (g_str_equal (json_object_get_string_member (event, "type"), "line-state") &&
          json_object_get_int_member (data, "user_id") == user_id &&
          g_str_equal (json_object_get_string_member (data, "line_state"), state))
        return TRUE;
    }
  return FALSE;
}

/* The next call event about a colleague (not about anna) whose call is
 * under way. A call can end before it is first published (the callee
 * refused it in do-not-disturb, or no member of a hunt group was free):
 * its only event says "ended", and its caller's lamp never changed. */
static JsonObject *
wait_colleague_call (CbTestStream *stream,
                     gint64        anna_id)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < deadline)
    {
      JsonObject *event = cb_test_stream_wait (stream, "call", 0, WAIT_MS);
      JsonObject *data;

      g_assert_nonnull (event);
      data = json_object_get_object_member (event, "data");
      if (json_object_get_int_member (data, "user_id") != anna_id &&
          g_strcmp0 (json_object_get_string_member (data, "state"), "ended") != 0)
        return data;
    }
  g_error ("No colleague's call was under way within %u ms", WAIT_MS);
}

/* A colleague whose phone is idle and who is not in do-not-disturb
 * (which refuses calls, as a simulated colleague now and then is), from
 * the snapshot; NULL when none is. */
static char *
free_colleague (CbTestServer *server,
                const char   *token,
                gint64        anna_id)
{
  g_autoptr(JsonNode) snapshot = NULL;
  JsonArray *users;
  guint status = 0;

  snapshot = cb_test_request (server, "GET", "/api/v1/snapshot", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  users = json_object_get_array_member (json_node_get_object (snapshot), "users");
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);
      JsonObject *presence = json_object_get_object_member (user, "presence");

      if (json_object_get_int_member (user, "id") != anna_id &&
          g_strcmp0 (json_object_get_string_member_with_default (user, "line_state", ""), "idle") == 0 &&
          presence != NULL &&
          g_strcmp0 (json_object_get_string_member (presence, "availability"), "dnd") != 0)
        return g_strdup (json_object_get_string_member (user, "extension"));
    }
  return NULL;
}

static gboolean
call_settled (CbSipCall *call)
{
  CbSipCallState state = cb_sip_call_get_state (call);

  return state == CB_SIP_CALL_STATE_ACTIVE || state == CB_SIP_CALL_STATE_ENDED;
}

static void
hang_up (CbSipCall *call)
{
  cb_sip_call_hangup (call);
  CB_TEST_WAIT_FOR (cb_sip_call_get_state (call) == CB_SIP_CALL_STATE_ENDED, WAIT_MS,
                    "the call to end");
}

static void
test_demo_phones (void)
{
  CbTestServer *server = cb_test_server_start (NULL, server_args);
  g_autoptr(GHashTable) numbers = NULL;
  g_autoptr(GPtrArray) colleagues = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CbSipCall) call = NULL;
  g_autofree char *caller = NULL;
  g_autoptr(JsonNode) journal = NULL;
  CbTestPhone anna = { 0 };
  CbTestStream *stream;
  JsonObject *data;
  JsonObject *event;
  const char *colleague;
  gint64 colleague_id;
  gint64 dialled_at;
  guint status = 0;
  double freq;

  anna.token = cb_test_sign_in (server, "anna", "demo", &anna.user_id);
  stream = cb_test_stream_open (server, anna.token, -1, TRUE);
  g_assert_null (stream->error);
  numbers = extensions (server, anna.token);

  /* (a) Colleagues call each other: anna sees the call and the lamp. */
  data = wait_colleague_call (stream, anna.user_id);
  colleague_id = json_object_get_int_member (data, "user_id");
  g_test_message ("Colleague %" G_GINT64_FORMAT " is in a call (%s)", colleague_id,
                  json_object_get_string_member (data, "state"));
  CB_TEST_WAIT_FOR (has_line_state (stream, colleague_id, "ringing") ||
                    has_line_state (stream, colleague_id, "busy"),
                    WAIT_MS, "the colleague's lamp to ring or be busy");

  /* (b) A colleague rings anna's softphone; answered, the colleague's
   * tone is heard. */
  cb_test_phone_fetch_line (server, &anna, "anna");
  anna.manual_answer = TRUE;
  cb_test_phone_init (&anna, anna.line, ANNA_TONE, ANNA_TONE);
  cb_test_phone_register (&anna, anna.registrar, NULL);
  CB_TEST_WAIT_FOR (anna.incoming > 0, WAIT_MS, "a colleague to call anna");
  call = g_object_ref (anna.call);
  caller = uri_user (cb_sip_call_get_remote_uri (call));
  freq = tone_for (caller);
  g_test_message ("%s calls anna with %g Hz", caller, freq);
  event = cb_test_stream_wait (stream, "call", anna.user_id, WAIT_MS);
  g_assert_nonnull (event);
  data = json_object_get_object_member (event, "data");
  g_assert_cmpstr (json_object_get_string_member (data, "direction"), ==, "in");
  g_assert_cmpstr (json_object_get_string_member (data, "state"), ==, "ringing");

  cb_test_phone_listen_for (&anna, freq);
  g_assert_true (cb_sip_call_answer (call, NULL));
  CB_TEST_WAIT_FOR (call_settled (call), WAIT_MS, "anna's answer to take");
  g_assert_cmpint (cb_sip_call_get_state (call), ==, CB_SIP_CALL_STATE_ACTIVE);
  cb_test_phone_listen_to (&anna, call);
  cb_test_phone_wait_hears (&anna, freq, "the calling colleague's tone");
  hang_up (call);
  g_clear_object (&call);

  /* The server writes the entry once both legs are over. */
  g_assert_nonnull (cb_test_stream_wait (stream, "journal", anna.user_id, WAIT_MS));
  journal = cb_test_request (server, "GET", "/api/v1/journal", anna.token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (journal),
                                                                         "entries")), >=, 1);

  /* (c) anna calls a colleague with a phone: answered by itself. One whose
   * phone is idle and who is not in do-not-disturb; that one may be in
   * another call by now (486): then the next. */
  g_ptr_array_add (colleagues, g_strdup (caller));
  g_ptr_array_add (colleagues, g_strdup (g_hash_table_lookup (numbers, &colleague_id)));
  for (guint attempt = 0; attempt < 6; attempt++)
    {
      char *idle = free_colleague (server, anna.token, anna.user_id);

      if (idle != NULL)
        g_ptr_array_add (colleagues, idle);
      colleague = idle != NULL ? idle : g_ptr_array_index (colleagues, attempt % 2);
      g_clear_object (&call);
      call = g_object_ref (cb_test_phone_dial (&anna, colleague));
      dialled_at = g_get_monotonic_time ();
      CB_TEST_WAIT_FOR (call_settled (call), WAIT_MS, "a colleague to answer or refuse");
      if (cb_sip_call_get_state (call) == CB_SIP_CALL_STATE_ACTIVE)
        break;
      g_test_message ("%s did not take the call (%u)", colleague, cb_sip_call_get_end_status (call));
      /* A pause before the next try, not a check: the simulation's own
       * calls keep a colleague busy for a few seconds. */
      cb_test_run_for (1000);
    }
  g_assert_cmpint (cb_sip_call_get_state (call), ==, CB_SIP_CALL_STATE_ACTIVE);
  g_assert_cmpint (g_get_monotonic_time () - dialled_at, <, ANSWER_MS * G_TIME_SPAN_MILLISECOND);
  freq = tone_for (colleague);
  cb_test_phone_listen_for (&anna, freq);
  cb_test_phone_listen_to (&anna, call);
  cb_test_phone_wait_hears (&anna, freq, "the called colleague's tone");
  hang_up (call);
  g_clear_object (&call);

  cb_test_stream_close (stream);
  cb_test_phone_clear (&anna);
  cb_test_assert_healthy (server);
  cb_test_server_stop (server);
}

static gboolean
colleague_registered (gpointer data)
{
  CbTestStream *stream = data;

  for (guint i = 0; i < stream->events->len; i++)
    {
      JsonObject *event = g_ptr_array_index (stream->events, i);

      if (g_str_equal (json_object_get_string_member (event, "type"), "line-state") &&
          g_str_equal (json_object_get_string_member (json_object_get_object_member (event, "data"),
                                                      "line_state"), "idle"))
        return TRUE;
    }
  return FALSE;
}

static void
test_demo_phones_tls (void)
{
  g_autofree char *cert = g_build_filename (SOURCE_ROOT, "tests", "data", "tls", "test-cert.pem", NULL);
  g_autofree char *key = g_build_filename (SOURCE_ROOT, "tests", "data", "tls", "test-key.pem", NULL);
  g_autofree char *pem = NULL;
  const char *args[] = { "--demo", "--sip-port", "0", "--call-interval", "0",
                         "--tls-certificate", cert, "--tls-key", key, NULL };
  CbTestServer *server = cb_test_server_start (NULL, args);
  g_autoptr(CbSipCall) call = NULL;
  CbTestPhone anna = { 0 };
  CbTestStream *stream;
  char *colleague = NULL;
  double freq;

  g_assert_true (g_file_get_contents (cert, &pem, NULL, NULL));
  anna.token = cb_test_sign_in (server, "anna", "demo", &anna.user_id);
  stream = cb_test_stream_open (server, anna.token, -1, TRUE);
  g_assert_null (stream->error);
  cb_test_phone_fetch_line (server, &anna, "anna");
  g_assert_nonnull (anna.registrar_tls);
  cb_test_phone_init_tls (&anna, anna.line, ANNA_TONE, ANNA_TONE, pem);
  cb_test_phone_register (&anna, anna.registrar_tls, NULL);
  cb_test_wait_until (colleague_registered, stream, WAIT_MS, "a colleague's phone to register over TLS");

  /* A colleague who is free answers by itself; one may have become busy
   * or gone to do-not-disturb meanwhile: then the next. */
  for (guint attempt = 0; attempt < 6; attempt++)
    {
      g_free (colleague);
      colleague = free_colleague (server, anna.token, anna.user_id);
      if (colleague == NULL)
        {
          /* A pause before looking again, not a check. */
          cb_test_run_for (500);
          continue;
        }
      g_clear_object (&call);
      call = g_object_ref (cb_test_phone_dial (&anna, colleague));
      CB_TEST_WAIT_FOR (call_settled (call), WAIT_MS, "a colleague to answer or refuse");
      if (cb_sip_call_get_state (call) == CB_SIP_CALL_STATE_ACTIVE)
        break;
      cb_test_run_for (1000);
    }
  g_assert_nonnull (call);
  g_assert_cmpint (cb_sip_call_get_state (call), ==, CB_SIP_CALL_STATE_ACTIVE);
  g_assert_true (cb_sip_call_get_encrypted (call));
  freq = tone_for (colleague);
  cb_test_phone_listen_for (&anna, freq);
  cb_test_phone_listen_to (&anna, call);
  cb_test_phone_wait_hears (&anna, freq, "the colleague's tone over SRTP");
  hang_up (call);

  g_free (colleague);
  cb_test_stream_close (stream);
  cb_test_phone_clear (&anna);
  cb_test_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo/phones", test_demo_phones);
  g_test_add_func ("/demo/phones-tls", test_demo_phones_tls);

  return g_test_run ();
}
