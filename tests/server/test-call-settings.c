/* test-call-settings.c: diversion, mobile ringing and the announcement over REST and events, against a real callboardd
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Anna diverts her calls: Ben (team towards her) sees where to, Carl
 * (business) does not, and only Anna sees that her mobile rings too and
 * that she has an announcement. Bad input is refused with the field
 * named and changes nothing; the announcement is a real WAV made here,
 * larger than a JSON body may be, and a text file with an audio type is
 * refused.
 */

#define G_LOG_DOMAIN "cb-test-call-settings"

#include "config.h"

#include <math.h>
#include <string.h>

#include "cb-test-server.h"

#define WAIT_MS 5000
/* Set below the default so that a body over it is quick to send, and
 * above the 64 KiB JSON routes keep. */
#define MAX_ANNOUNCEMENT 100000

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\","
  "  \"mobile\":\"+49 170 1234567\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carl\",\"display_name\":\"Carl\",\"extension\":\"203\",\"password\":\"pw\"},"
  " {\"username\":\"dora\",\"display_name\":\"Dora\",\"extension\":\"204\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"level\":\"team\",\"members\":[\"anna\",\"ben\",\"dora\"]},"
  " {\"name\":\"Floor\",\"level\":\"business\",\"members\":[\"anna\",\"carl\"]}]}";

static const char * const server_args[] = {
  "--default-level", "none", "--max-announcement", G_STRINGIFY (MAX_ANNOUNCEMENT), NULL
};

typedef struct {
  CbTestServer *server;
  char         *anna, *ben, *carl, *dora;
  gint64        anna_id;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->server = cb_test_server_start (directory, server_args);
  fixture->anna = cb_test_sign_in (fixture->server, "anna", "pw", &fixture->anna_id);
  fixture->ben = cb_test_sign_in (fixture->server, "ben", "pw", NULL);
  fixture->carl = cb_test_sign_in (fixture->server, "carl", "pw", NULL);
  fixture->dora = cb_test_sign_in (fixture->server, "dora", "pw", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_free (fixture->anna);
  g_free (fixture->ben);
  g_free (fixture->carl);
  g_free (fixture->dora);
  cb_test_server_stop (fixture->server);
}

/* Anna as `token` sees her in the snapshot (NULL: she is not there). */
static JsonObject *
anna_as_seen_by (Fixture    *fixture,
                 const char *token,
                 JsonNode  **snapshot)
{
  JsonArray *users;

  *snapshot = cb_test_request (fixture->server, "GET", "/api/v1/snapshot", token, NULL, NULL);
  users = json_object_get_array_member (json_node_get_object (*snapshot), "users");
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *user = json_array_get_object_element (users, i);

      if (json_object_get_int_member (user, "id") == fixture->anna_id)
        return user;
    }
  return NULL;
}

static JsonObject *
event_data (JsonObject *event)
{
  g_assert_nonnull (event);
  return json_object_get_object_member (event, "data");
}

/* A request that must be refused with status and error code, the message
 * naming `names` (may be NULL). */
static void
refused (Fixture    *fixture,
         const char *method,
         const char *path,
         const char *token,
         const char *content_type,
         const char *body,
         guint       status,
         const char *code,
         const char *names)
{
  g_autoptr(JsonNode) answer = NULL;
  guint got = 0;
  const char *message;

  answer = cb_test_request_full (fixture->server, method, path, token, content_type, body, &got, NULL);
  g_assert_nonnull (answer);
  message = json_object_get_string_member (json_object_get_object_member (json_node_get_object (answer),
                                                                          "error"), "message");
  g_test_message ("%s %s %.80s → %u %s", method, path, body != NULL ? body : "", got, message);
  g_assert_cmpuint (got, ==, status);
  g_assert_cmpstr (cb_test_error_code (answer), ==, code);
  if (names != NULL)
    g_assert_nonnull (strstr (message, names));
}

/* The diversion reaches colleagues at team, not at business; Anna's
 * other devices get it with her personal fields. */
static void
test_diversion (Fixture       *fixture,
                gconstpointer  data)
{
  CbTestStream *own = cb_test_stream_open (fixture->server, fixture->anna, -1, TRUE);
  CbTestStream *team = cb_test_stream_open (fixture->server, fixture->ben, -1, TRUE);
  CbTestStream *business = cb_test_stream_open (fixture->server, fixture->carl, -1, TRUE);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) ben_snapshot = NULL;
  g_autoptr(JsonNode) carl_snapshot = NULL;
  JsonObject *diversion;
  JsonObject *seen;

  g_assert_null (own->error);
  cb_test_request_expect (fixture->server, "PUT", "/api/v1/me/diversion", fixture->anna,
                          "{\"unconditional\":\"300\",\"busy\":null,\"no_answer\":\"+4930123\","
                          "\"no_answer_after\":25}", 200, &answer);
  diversion = json_object_get_object_member (json_node_get_object (answer), "diversion");
  g_assert_cmpstr (json_object_get_string_member (diversion, "unconditional"), ==, "300");
  g_assert_true (json_object_get_null_member (diversion, "busy"));
  g_assert_cmpstr (json_object_get_string_member (diversion, "no_answer"), ==, "+4930123");
  g_assert_cmpint (json_object_get_int_member (diversion, "no_answer_after"), ==, 25);

  /* Her own devices: the whole object. */
  seen = event_data (cb_test_stream_wait (own, "user", fixture->anna_id, WAIT_MS));
  g_assert_cmpstr (json_object_get_string_member (seen, "level"), ==, "personal");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (seen, "diversion"),
                                                  "unconditional"), ==, "300");
  g_assert_true (json_object_has_member (seen, "mobile_ringing"));
  g_assert_true (json_object_has_member (seen, "announcement"));

  /* Ben, at team: where her calls go, nothing personal. */
  seen = event_data (cb_test_stream_wait (team, "user", fixture->anna_id, WAIT_MS));
  g_assert_cmpstr (json_object_get_string_member (seen, "level"), ==, "team");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (seen, "diversion"),
                                                  "no_answer"), ==, "+4930123");
  g_assert_false (json_object_has_member (seen, "mobile_ringing"));
  g_assert_false (json_object_has_member (seen, "announcement"));

  /* Carl, at business: the event, without the diversion. */
  seen = event_data (cb_test_stream_wait (business, "user", fixture->anna_id, WAIT_MS));
  g_assert_cmpstr (json_object_get_string_member (seen, "level"), ==, "business");
  g_assert_false (json_object_has_member (seen, "diversion"));

  /* The snapshots agree. */
  seen = anna_as_seen_by (fixture, fixture->ben, &ben_snapshot);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (seen, "diversion"),
                                                  "unconditional"), ==, "300");
  seen = anna_as_seen_by (fixture, fixture->carl, &carl_snapshot);
  g_assert_nonnull (seen);
  g_assert_false (json_object_has_member (seen, "diversion"));

  /* Off: a body without targets. */
  g_clear_pointer (&answer, json_node_unref);
  cb_test_request_expect (fixture->server, "PUT", "/api/v1/me/diversion", fixture->anna, "{}", 200,
                          &answer);
  diversion = json_object_get_object_member (json_node_get_object (answer), "diversion");
  g_assert_true (json_object_get_null_member (diversion, "unconditional"));
  g_assert_true (json_object_get_null_member (diversion, "no_answer"));
  g_assert_cmpint (json_object_get_int_member (diversion, "no_answer_after"), ==, 20);
  seen = event_data (cb_test_stream_wait (team, "user", fixture->anna_id, WAIT_MS));
  g_assert_true (json_object_get_null_member (json_object_get_object_member (seen, "diversion"),
                                              "unconditional"));

  cb_test_stream_close (own);
  cb_test_stream_close (team);
  cb_test_stream_close (business);
}

/* Refused with the field named, and nothing changed or sent. */
static void
test_diversion_refused (Fixture       *fixture,
                        gconstpointer  data)
{
  static const struct {
    const char *body;
    const char *names;
  } cases[] = {
    { "{\"busy\":\"call me\"}", "“busy”" },
    { "{\"unconditional\":\"30 0\"}", "“unconditional”" },
    { "{\"no_answer\":\"012345678901234567890123456789012\"}", "“no_answer”" },
    { "{\"no_answer\":300}", "“no_answer”" },
    { "{\"unconditional\":\"201\"}", "own extension" },
    { "{\"no_answer\":\"300\",\"no_answer_after\":4}", "“no_answer_after”" },
    { "{\"no_answer\":\"300\",\"no_answer_after\":121}", "“no_answer_after”" },
    { "{\"no_answer_after\":\"20\"}", "“no_answer_after”" },
  };
  CbTestStream *own = cb_test_stream_open (fixture->server, fixture->anna, -1, TRUE);
  g_autoptr(JsonNode) snapshot = NULL;
  JsonObject *me;
  guint barrier;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    refused (fixture, "PUT", "/api/v1/me/diversion", fixture->anna, NULL, cases[i].body, 422,
             "invalid-field", cases[i].names);
  refused (fixture, "PUT", "/api/v1/me/diversion", fixture->anna, NULL, "[\"300\"]", 400,
           "invalid-json", NULL);
  refused (fixture, "PUT", "/api/v1/me/diversion", fixture->anna, "text/plain", "{}", 415,
           "unsupported-media-type", NULL);
  refused (fixture, "PUT", "/api/v1/me/diversion", NULL, NULL, "{}", 401, "unauthorized", NULL);

  /* No "user" event went out before the barrier. */
  barrier = cb_test_stream_barrier (fixture->server, own, fixture->anna);
  for (guint i = 0; i < barrier; i++)
    g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (own->events, i), "type"), !=,
                     "user");
  snapshot = cb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->anna, NULL, NULL);
  me = json_object_get_object_member (json_node_get_object (snapshot), "me");
  g_assert_true (json_object_get_null_member (json_object_get_object_member (me, "diversion"), "busy"));
  g_assert_true (json_object_get_null_member (json_object_get_object_member (me, "diversion"),
                                              "unconditional"));
  cb_test_stream_close (own);
}

/* Only Anna sees that her mobile rings too; without a mobile number it
 * cannot be switched on. */
static void
test_mobile_ringing (Fixture       *fixture,
                     gconstpointer  data)
{
  CbTestStream *own = cb_test_stream_open (fixture->server, fixture->anna, -1, TRUE);
  CbTestStream *team = cb_test_stream_open (fixture->server, fixture->ben, -1, TRUE);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) ben_snapshot = NULL;
  JsonObject *ringing;
  JsonObject *seen;

  refused (fixture, "PUT", "/api/v1/me/mobile-ringing", fixture->dora, NULL, "{\"enabled\":true}", 409,
           "no-mobile", "mobile number");
  refused (fixture, "PUT", "/api/v1/me/mobile-ringing", fixture->anna, NULL,
           "{\"enabled\":true,\"delay\":61}", 422, "invalid-field", "“delay”");
  refused (fixture, "PUT", "/api/v1/me/mobile-ringing", fixture->anna, NULL,
           "{\"enabled\":true,\"delay\":-1}", 422, "invalid-field", "“delay”");
  refused (fixture, "PUT", "/api/v1/me/mobile-ringing", fixture->anna, NULL, "{\"delay\":5}", 422,
           "invalid-field", "“enabled”");

  cb_test_request_expect (fixture->server, "PUT", "/api/v1/me/mobile-ringing", fixture->anna,
                          "{\"enabled\":true,\"delay\":10}", 200, &answer);
  ringing = json_object_get_object_member (json_node_get_object (answer), "mobile_ringing");
  g_assert_true (json_object_get_boolean_member (ringing, "enabled"));
  g_assert_cmpint (json_object_get_int_member (ringing, "delay"), ==, 10);

  seen = event_data (cb_test_stream_wait (own, "user", fixture->anna_id, WAIT_MS));
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (seen, "mobile_ringing"),
                                                 "enabled"));
  seen = event_data (cb_test_stream_wait (team, "user", fixture->anna_id, WAIT_MS));
  g_assert_false (json_object_has_member (seen, "mobile_ringing"));
  seen = anna_as_seen_by (fixture, fixture->ben, &ben_snapshot);
  g_assert_false (json_object_has_member (seen, "mobile_ringing"));

  cb_test_stream_close (own);
  cb_test_stream_close (team);
}

/* Only Anna sees that she takes encrypted calls only (the SIP side's
 * check is in the sip suite, test-sip-tls.c). */
static void
test_require_encryption (Fixture       *fixture,
                         gconstpointer  data)
{
  CbTestStream *own = cb_test_stream_open (fixture->server, fixture->anna, -1, TRUE);
  CbTestStream *team = cb_test_stream_open (fixture->server, fixture->ben, -1, TRUE);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) ben_snapshot = NULL;
  g_autoptr(JsonNode) own_snapshot = NULL;
  JsonObject *seen;

  seen = anna_as_seen_by (fixture, fixture->anna, &own_snapshot);
  g_assert_false (json_object_get_boolean_member (seen, "require_encryption"));
  refused (fixture, "PUT", "/api/v1/me/require-encryption", fixture->anna, NULL, "{}", 422,
           "invalid-field", "“enabled”");
  refused (fixture, "PUT", "/api/v1/me/require-encryption", fixture->anna, NULL,
           "{\"enabled\":\"yes\"}", 422, "invalid-field", "“enabled”");

  cb_test_request_expect (fixture->server, "PUT", "/api/v1/me/require-encryption", fixture->anna,
                          "{\"enabled\":true}", 200, &answer);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (answer), "require_encryption"));
  seen = event_data (cb_test_stream_wait (own, "user", fixture->anna_id, WAIT_MS));
  g_assert_true (json_object_get_boolean_member (seen, "require_encryption"));
  seen = event_data (cb_test_stream_wait (team, "user", fixture->anna_id, WAIT_MS));
  g_assert_false (json_object_has_member (seen, "require_encryption"));
  seen = anna_as_seen_by (fixture, fixture->ben, &ben_snapshot);
  g_assert_false (json_object_has_member (seen, "require_encryption"));

  cb_test_stream_close (own);
  cb_test_stream_close (team);
}

/* A real WAV: 8 kHz, 16 bit, mono, a 440 Hz tone. */
static GBytes *
make_wav (guint n_samples)
{
  GByteArray *wav = g_byte_array_sized_new (44 + 2 * n_samples);
  guint32 data_size = 2 * n_samples;
  guint8 header[44] = { 'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E',
                        'f', 'm', 't', ' ', 16, 0, 0, 0,
                        1, 0,                 /* PCM */
                        1, 0,                 /* mono */
                        0x40, 0x1f, 0, 0,     /* 8000 Hz */
                        0x80, 0x3e, 0, 0,     /* 16000 bytes/s */
                        2, 0, 16, 0,          /* block align, bits */
                        'd', 'a', 't', 'a', 0, 0, 0, 0 };
  guint32 riff_size = 36 + data_size;

  for (guint i = 0; i < 4; i++)
    {
      header[4 + i] = (riff_size >> (8 * i)) & 0xFF;
      header[40 + i] = (data_size >> (8 * i)) & 0xFF;
    }
  g_byte_array_append (wav, header, sizeof header);
  for (guint i = 0; i < n_samples; i++)
    {
      gint16 sample = (gint16) (8000 * sin (2 * G_PI * 440 * i / 8000.0));
      guint8 bytes[2] = { (guint16) sample & 0xFF, ((guint16) sample >> 8) & 0xFF };

      g_byte_array_append (wav, bytes, 2);
    }
  return g_byte_array_free_to_bytes (wav);
}

typedef struct {
  GBytes  *body;
  GError  *error;
  gboolean done;
} Sent;

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Sent *sent = user_data;

  sent->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &sent->error);
  sent->done = TRUE;
}

/* A request with a binary body (may be NULL; chunked: sent without a
 * length, in chunks); the answer's body, status and Content-Type. */
static GBytes *
send_body (Fixture     *fixture,
           const char  *method,
           const char  *token,
           const char  *content_type,
           GBytes      *body,
           gboolean     chunked,
           guint       *status,
           char       **answer_type)
{
  g_autofree char *url = g_strconcat (fixture->server->url, "/api/v1/me/announcement", NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  Sent sent = { NULL, NULL, FALSE };

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  if (body != NULL && chunked)
    {
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (body);

      soup_message_set_request_body (msg, content_type, stream, -1);
    }
  else if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  soup_session_send_and_read_async (fixture->server->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    on_sent, &sent);
  CB_TEST_WAIT_FOR (sent.done, WAIT_MS, "the announcement request");
  g_assert_no_error (sent.error);
  *status = soup_message_get_status (msg);
  if (answer_type != NULL)
    *answer_type = g_strdup (soup_message_headers_get_content_type (soup_message_get_response_headers (msg),
                                                                    NULL));
  return sent.body;
}

static GBytes *
send_bytes (Fixture     *fixture,
            const char  *method,
            const char  *token,
            const char  *content_type,
            GBytes      *body,
            guint       *status,
            char       **answer_type)
{
  return send_body (fixture, method, token, content_type, body, FALSE, status, answer_type);
}

/* The error code of a JSON error body. */
static char *
error_code (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length;
  const char *data = g_bytes_get_data (body, &length);
  JsonObject *error;

  g_assert_true (json_parser_load_from_data (parser, data, length, NULL));
  error = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "error");
  g_test_message ("%s", json_object_get_string_member (error, "message"));
  return g_strdup (json_object_get_string_member (error, "code"));
}

static void
upload_refused (Fixture    *fixture,
                const char *content_type,
                GBytes     *body,
                guint       status,
                const char *code)
{
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *got = NULL;
  guint sent_status = 0;

  answer = send_bytes (fixture, "PUT", fixture->anna, content_type, body, &sent_status, NULL);
  g_assert_cmpuint (sent_status, ==, status);
  got = error_code (answer);
  g_assert_cmpstr (got, ==, code);
}

static void
test_announcement (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char text[] = "Hello, I am a text file pretending to be audio.\n";
  /* Over the 64 KiB JSON limit, under MAX_ANNOUNCEMENT. */
  g_autoptr(GBytes) wav = make_wav (40000);
  g_autoptr(GBytes) too_large = make_wav (MAX_ANNOUNCEMENT / 2 + 1);
  g_autoptr(GBytes) not_audio = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) ben_snapshot = NULL;
  g_autofree char *type = NULL;
  g_autofree char *big_json = NULL;
  CbTestStream *own = cb_test_stream_open (fixture->server, fixture->anna, -1, TRUE);
  CbTestStream *team = cb_test_stream_open (fixture->server, fixture->ben, -1, TRUE);
  JsonObject *me;
  JsonObject *seen;
  guint status = 0;
  const char *data_;
  gsize length;

  g_assert_cmpuint (g_bytes_get_size (wav), >, 64 * 1024);
  got = send_bytes (fixture, "GET", fixture->anna, NULL, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 404);
  g_clear_pointer (&got, g_bytes_unref);

  /* Refused: text as audio, audio as another type, a type that is no
   * audio, nothing, too much. */
  upload_refused (fixture, "audio/wav", not_audio, 422, "invalid-field");
  upload_refused (fixture, "audio/mpeg", not_audio, 422, "invalid-field");
  upload_refused (fixture, "audio/ogg", wav, 422, "invalid-field");
  upload_refused (fixture, "text/plain", not_audio, 415, "unsupported-media-type");
  upload_refused (fixture, "application/json", not_audio, 415, "unsupported-media-type");
  upload_refused (fixture, "audio/wav", empty, 422, "invalid-field");
  upload_refused (fixture, "audio/wav", too_large, 413, "payload-too-large");
  /* The larger limit is this route's alone: JSON routes keep theirs. */
  big_json = g_strdup_printf ("{\"availability\":\"away\",\"note\":\"%0*d\"}", 70 * 1024, 0);
  refused (fixture, "PUT", "/api/v1/me/presence", fixture->anna, NULL, big_json, 413,
           "payload-too-large", NULL);

  answer = send_bytes (fixture, "PUT", fixture->anna, "audio/wav", wav, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL),
                                             g_bytes_get_size (answer), NULL));
  me = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (me, "id"), ==, fixture->anna_id);
  g_assert_true (json_object_get_boolean_member (me, "announcement"));

  /* Back as it went up. */
  got = send_bytes (fixture, "GET", fixture->anna, NULL, NULL, &status, &type);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (type, ==, "audio/wav");
  g_assert_true (g_bytes_equal (got, wav));

  seen = event_data (cb_test_stream_wait (own, "user", fixture->anna_id, WAIT_MS));
  g_assert_true (json_object_get_boolean_member (seen, "announcement"));
  seen = event_data (cb_test_stream_wait (team, "user", fixture->anna_id, WAIT_MS));
  g_assert_false (json_object_has_member (seen, "announcement"));
  seen = anna_as_seen_by (fixture, fixture->ben, &ben_snapshot);
  g_assert_false (json_object_has_member (seen, "announcement"));

  /* Sent in chunks, without a length up front: counted against this
   * route's limit too, not the JSON one. */
  g_clear_pointer (&answer, g_bytes_unref);
  answer = send_body (fixture, "PUT", fixture->anna, "audio/wav", wav, TRUE, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  seen = event_data (cb_test_stream_wait (own, "user", fixture->anna_id, WAIT_MS));
  g_assert_true (json_object_get_boolean_member (seen, "announcement"));

  /* Removed; then there is none to remove. */
  g_clear_pointer (&answer, g_bytes_unref);
  answer = send_bytes (fixture, "DELETE", fixture->anna, NULL, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  data_ = g_bytes_get_data (answer, &length);
  g_assert_true (json_parser_load_from_data (parser, data_, length, NULL));
  g_assert_false (json_object_get_boolean_member (json_node_get_object (json_parser_get_root (parser)),
                                                  "announcement"));
  seen = event_data (cb_test_stream_wait (own, "user", fixture->anna_id, WAIT_MS));
  g_assert_false (json_object_get_boolean_member (seen, "announcement"));
  g_clear_pointer (&got, g_bytes_unref);
  got = send_bytes (fixture, "GET", fixture->anna, NULL, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 404);
  g_clear_pointer (&answer, g_bytes_unref);
  answer = send_bytes (fixture, "DELETE", fixture->anna, NULL, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 404);

  cb_test_assert_healthy (fixture->server);
  cb_test_stream_close (own);
  cb_test_stream_close (team);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/call-settings/diversion", test_diversion);
  ADD ("/call-settings/diversion-refused", test_diversion_refused);
  ADD ("/call-settings/mobile-ringing", test_mobile_ringing);
  ADD ("/call-settings/require-encryption", test_require_encryption);
  ADD ("/call-settings/announcement", test_announcement);
#undef ADD
  return g_test_run ();
}
