/* test-call-settings.c: a user's diversion, mobile ringing and announcement, and assistant groups, through CbSession against a real callboardd
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Claudia assists Dr. Thomas Krause (an assistant group she may not log
 * out of); Ben shares a team group with both. Each change is a REST call
 * through the client's CbRestClient; what it did is read from the
 * stores, which only events change: Claudia's own (her personal fields)
 * and Ben's (what a colleague at team level sees).
 */

#define G_LOG_DOMAIN "test-call-settings"

#include "config.h"

#include <string.h>

#include "cb-session.h"
#include "cb-test-server.h"

#define WAIT_TIMEOUT_MS 15000
#define WAIT_FOR(cond, what) CB_TEST_WAIT_FOR (cond, WAIT_TIMEOUT_MS, what)

static const char *directory =
  "{\"users\":["
  " {\"username\":\"claudia\",\"display_name\":\"Claudia Wagner\",\"extension\":\"204\","
  "  \"mobile\":\"+49 170 5550204\",\"password\":\"pw\"},"
  " {\"username\":\"thomas\",\"display_name\":\"Dr. Thomas Krause\",\"extension\":\"203\","
  "  \"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben Carter\",\"extension\":\"202\",\"password\":\"pw\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\",\"leader_level\":\"team\","
  "  \"members\":[\"claudia\",\"thomas\",\"ben\"]},"
  " {\"name\":\"Assistance Krause\",\"kind\":\"assistant\",\"leader\":\"thomas\","
  "  \"level\":\"personal\",\"leader_level\":\"personal\",\"logout_allowed\":false,"
  "  \"members\":[\"claudia\"]}]}";

static CbTestServer *server;

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static CbSession *
signed_in (const char *username)
{
  CbSession *session = cb_session_new (server->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  cb_session_sign_in_async (session, username, "pw", NULL, store_result, &result);
  WAIT_FOR (result != NULL, "sign-in");
  g_assert_true (cb_session_sign_in_finish (session, result, &error));
  g_assert_no_error (error);
  WAIT_FOR (cb_session_get_state (session) == CB_CONNECTION_STATE_CONNECTED, "the event stream");
  return session;
}

/* The answer of a request started with store_result: TRUE or the error. */
static gboolean
finish (CbSession     *session,
        GAsyncResult **result,
        GError       **error)
{
  gboolean ok;

  WAIT_FOR (*result != NULL, "a REST answer");
  ok = cb_rest_client_finish (cb_session_get_rest_client (session), *result, error);
  g_clear_object (result);
  return ok;
}

static void
finish_ok (CbSession     *session,
           GAsyncResult **result)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (finish (session, result, &error));
  g_assert_no_error (error);
}

static void
finish_error (CbSession       *session,
              GAsyncResult   **result,
              CbProtocolError  code)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (finish (session, result, &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, (gint) code);
}

static CbContact *
me_of (CbSession *session)
{
  return cb_client_store_get_me (cb_session_get_store (session));
}

static CbGroup *
group_named (CbSession  *session,
             const char *name)
{
  GListModel *groups = cb_client_store_get_groups (cb_session_get_store (session));

  for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
    {
      g_autoptr(CbGroup) group = g_list_model_get_item (groups, i);

      if (g_strcmp0 (cb_group_get_name (group), name) == 0)
        return group;  /* the store keeps it */
    }
  g_error ("No group %s", name);
  return NULL;
}

/* A WAV file of @n_samples 16-bit mono samples at 8 kHz (a ramp). */
static GBytes *
wav_new (guint n_samples)
{
  guint data_size = n_samples * 2;
  guint8 *wav = g_malloc0 (44 + data_size);
  guint32 u32;
  guint16 u16;

#define PUT32(offset, value) (u32 = GUINT32_TO_LE (value), memcpy (wav + (offset), &u32, 4))
#define PUT16(offset, value) (u16 = GUINT16_TO_LE (value), memcpy (wav + (offset), &u16, 2))
  memcpy (wav, "RIFF", 4);
  PUT32 (4, 36 + data_size);
  memcpy (wav + 8, "WAVEfmt ", 8);
  PUT32 (16, 16);
  PUT16 (20, 1);           /* PCM */
  PUT16 (22, 1);           /* mono */
  PUT32 (24, 8000);
  PUT32 (28, 8000 * 2);
  PUT16 (32, 2);
  PUT16 (34, 16);
  memcpy (wav + 36, "data", 4);
  PUT32 (40, data_size);
  for (guint i = 0; i < n_samples; i++)
    PUT16 (44 + 2 * i, (guint16) (i * 37));
#undef PUT32
#undef PUT16
  return g_bytes_new_take (wav, 44 + data_size);
}

static void
test_diversion_and_mobile (void)
{
  g_autoptr(CbSession) claudia = NULL;
  g_autoptr(CbSession) ben = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  CbContact *claudia_for_ben;
  CbWireDiversion diversion = {
    .unconditional = "202", .busy = NULL, .no_answer = "203", .no_answer_after = 30,
  };

  claudia = signed_in ("claudia");
  ben = signed_in ("ben");
  claudia_for_ben = cb_client_store_lookup_contact (cb_session_get_store (ben),
                                                    cb_session_get_user_id (claudia));
  g_assert_nonnull (claudia_for_ben);
  g_assert_true (cb_contact_get_has_diversion (claudia_for_ben));
  g_assert_false (cb_contact_get_diverted (claudia_for_ben));

  /* The whole diversion in one request. */
  cb_rest_client_set_diversion_async (cb_session_get_rest_client (claudia), &diversion, NULL,
                                      store_result, &result);
  finish_ok (claudia, &result);
  WAIT_FOR (cb_contact_get_diverted (me_of (claudia)), "Claudia's diversion event");
  g_assert_cmpstr (cb_contact_get_diversion_unconditional (me_of (claudia)), ==, "202");
  g_assert_null (cb_contact_get_diversion_busy (me_of (claudia)));
  g_assert_cmpstr (cb_contact_get_diversion_no_answer (me_of (claudia)), ==, "203");
  g_assert_cmpuint (cb_contact_get_diversion_no_answer_after (me_of (claudia)), ==, 30);

  /* Ben, at team level, sees where her calls go. */
  WAIT_FOR (cb_contact_get_diverted (claudia_for_ben), "Ben to see Claudia diverted");
  g_assert_cmpstr (cb_contact_get_diversion_unconditional (claudia_for_ben), ==, "202");

  /* Her own extension is no target: 422, nothing changes. */
  diversion.unconditional = "204";
  cb_rest_client_set_diversion_async (cb_session_get_rest_client (claudia), &diversion, NULL,
                                      store_result, &result);
  finish_error (claudia, &result, CB_PROTOCOL_ERROR_INVALID_FIELD);
  g_assert_cmpstr (cb_contact_get_diversion_unconditional (me_of (claudia)), ==, "202");

  /* All off: targets NULL or "". */
  diversion.unconditional = "";
  diversion.no_answer = NULL;
  diversion.no_answer_after = 20;
  cb_rest_client_set_diversion_async (cb_session_get_rest_client (claudia), &diversion, NULL,
                                      store_result, &result);
  finish_ok (claudia, &result);
  WAIT_FOR (!cb_contact_get_diverted (claudia_for_ben), "Ben to see the diversion off");
  WAIT_FOR (!cb_contact_get_diverted (me_of (claudia)), "Claudia's diversion off");

  /* Ringing her mobile too: personal, Ben never learns of it. */
  cb_rest_client_set_mobile_ringing_async (cb_session_get_rest_client (claudia), TRUE, 5, NULL,
                                           store_result, &result);
  finish_ok (claudia, &result);
  WAIT_FOR (cb_contact_get_mobile_ringing (me_of (claudia)), "Claudia's mobile ringing event");
  g_assert_cmpuint (cb_contact_get_mobile_ringing_delay (me_of (claudia)), ==, 5);
  g_assert_false (cb_contact_get_mobile_ringing (claudia_for_ben));

  /* Ben has no mobile: 409 no-mobile, which the client words itself. */
  cb_rest_client_set_mobile_ringing_async (cb_session_get_rest_client (ben), TRUE, 0, NULL,
                                           store_result, &result);
  finish_error (ben, &result, CB_PROTOCOL_ERROR_NO_MOBILE);
}

static void
test_announcement (void)
{
  g_autoptr(CbSession) claudia = signed_in ("claudia");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) wav = wav_new (4000);
  g_autoptr(GBytes) text = g_bytes_new_static ("hello", 5);
  g_autoptr(CbAnnouncement) announcement = NULL;
  g_autoptr(GError) error = NULL;
  CbRestClient *rest = cb_session_get_rest_client (claudia);

  g_assert_false (cb_contact_get_announcement (me_of (claudia)));

  /* Not audio: 415 by its type. */
  cb_rest_client_upload_announcement_async (rest, text, "text/plain", NULL, store_result, &result);
  finish_error (claudia, &result, CB_PROTOCOL_ERROR_UNSUPPORTED_MEDIA);
  /* Said to be audio, but it is not: 422. */
  cb_rest_client_upload_announcement_async (rest, text, "audio/wav", NULL, store_result, &result);
  finish_error (claudia, &result, CB_PROTOCOL_ERROR_INVALID_FIELD);

  cb_rest_client_upload_announcement_async (rest, wav, "audio/wav", NULL, store_result, &result);
  finish_ok (claudia, &result);
  WAIT_FOR (cb_contact_get_announcement (me_of (claudia)), "the announcement in the user event");

  /* Given back as it went. */
  cb_rest_client_get_announcement_async (rest, NULL, store_result, &result);
  WAIT_FOR (result != NULL, "the announcement");
  announcement = cb_rest_client_get_announcement_finish (rest, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_nonnull (announcement);
  g_assert_cmpstr (announcement->content_type, ==, "audio/wav");
  g_assert_true (g_bytes_equal (announcement->audio, wav));

  cb_rest_client_delete_announcement_async (rest, NULL, store_result, &result);
  finish_ok (claudia, &result);
  WAIT_FOR (!cb_contact_get_announcement (me_of (claudia)), "the announcement gone");

  /* Nothing there any more: 404, reported as such. */
  cb_rest_client_get_announcement_async (rest, NULL, store_result, &result);
  WAIT_FOR (result != NULL, "the missing announcement");
  g_assert_null (cb_rest_client_get_announcement_finish (rest, result, &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND);
}

static void
test_assistant_group (void)
{
  g_autoptr(CbSession) claudia = signed_in ("claudia");
  g_autoptr(CbSession) thomas = signed_in ("thomas");
  g_autoptr(GAsyncResult) result = NULL;
  CbGroup *group = group_named (claudia, "Assistance Krause");
  CbGroup *leaders_view = group_named (thomas, "Assistance Krause");
  CbCallAs *call_as = cb_session_get_call_as (claudia);
  gint64 thomas_id = cb_session_get_user_id (thomas);

  g_assert_cmpint (cb_group_get_kind (group), ==, CB_GROUP_KIND_ASSISTANT);
  g_assert_true (cb_group_get_is_member (group));
  g_assert_false (cb_group_get_logout_allowed (group));
  g_assert_cmpint (cb_contact_get_id (cb_group_get_leader (group)), ==, thomas_id);
  /* The leader sees the group, but is no member of it. */
  g_assert_false (cb_group_get_is_member (leaders_view));

  /* Not logged in: nobody to call as but herself. */
  g_assert_false (cb_call_as_get_available (call_as));

  cb_rest_client_set_group_login_async (cb_session_get_rest_client (claudia), cb_group_get_id (group),
                                        TRUE, NULL, store_result, &result);
  finish_ok (claudia, &result);
  WAIT_FOR (cb_group_get_logged_in (group), "Claudia's login");
  WAIT_FOR (cb_call_as_get_available (call_as), "Thomas to be offered for calling as");
  g_assert_true (cb_call_as_set_as_user_id (call_as, thomas_id));

  /* The administrator forbade logging out. */
  cb_rest_client_set_group_login_async (cb_session_get_rest_client (claudia), cb_group_get_id (group),
                                        FALSE, NULL, store_result, &result);
  finish_error (claudia, &result, CB_PROTOCOL_ERROR_FORBIDDEN);
  g_assert_true (cb_group_get_logged_in (group));
  g_assert_cmpint (cb_call_as_get_as_user_id (call_as), ==, thomas_id);

  /* The assistant switches the filter on... */
  cb_rest_client_set_assistant_filter_async (cb_session_get_rest_client (claudia), cb_group_get_id (group),
                                             CB_ASSISTANT_FILTER_CHANGE_ENABLED, TRUE, 0, 0,
                                             NULL, store_result, &result);
  finish_ok (claudia, &result);
  WAIT_FOR (cb_group_get_filter_enabled (leaders_view), "the leader to see the filter on");
  WAIT_FOR (cb_group_get_filter_enabled (group), "the assistant to see the filter on");

  /* ...but the strategy is the leader's. */
  cb_rest_client_set_assistant_filter_async (cb_session_get_rest_client (claudia), cb_group_get_id (group),
                                             CB_ASSISTANT_FILTER_CHANGE_STRATEGY, FALSE,
                                             CB_ASSISTANT_FILTER_ALL, 0, NULL, store_result, &result);
  finish_error (claudia, &result, CB_PROTOCOL_ERROR_FORBIDDEN);

  cb_rest_client_set_assistant_filter_async (cb_session_get_rest_client (thomas), cb_group_get_id (group),
                                             CB_ASSISTANT_FILTER_CHANGE_STRATEGY |
                                             CB_ASSISTANT_FILTER_CHANGE_DELAY,
                                             FALSE, CB_ASSISTANT_FILTER_LEADER_FIRST, 9,
                                             NULL, store_result, &result);
  finish_ok (thomas, &result);
  WAIT_FOR (cb_group_get_filter (group) == CB_ASSISTANT_FILTER_LEADER_FIRST &&
            cb_group_get_filter_delay (group) == 9, "the assistant to see the new strategy");
  g_assert_true (cb_group_get_filter_enabled (group));
}

static void
test_without_server (void)
{
  g_test_skip ("CALLBOARDD is not set");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("CALLBOARDD") == NULL ||
      !g_file_test (g_getenv ("CALLBOARDD"), G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_add_func ("/client/call-settings/skipped", test_without_server);
    }
  else
    {
      server = cb_test_server_start (directory, NULL);
      g_test_add_func ("/client/call-settings/diversion-and-mobile", test_diversion_and_mobile);
      g_test_add_func ("/client/call-settings/announcement", test_announcement);
      g_test_add_func ("/client/call-settings/assistant-group", test_assistant_group);
    }

  status = g_test_run ();
  g_clear_pointer (&server, cb_test_server_stop);
  return status;
}
