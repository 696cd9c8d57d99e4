/* test-wire-call.c: the call codec: exact text, parties a viewer may not see, the reader
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "wire-test-support.h"

/* X (7) is the subject the viewer (9) watches at team; C (4242) is the
 * colleague the viewer must not know of. */
#define X_ID 7
#define C_ID 4242
#define C_NAME "Zelda Hiddenhouse"
#define C_NUMBER "5550199"

static const char * const c_traces[] = { "4242", C_NAME, "Zelda", "Hiddenhouse", C_NUMBER, NULL };

static const WireTestLevel c_at_none[] = {
  { X_ID, CB_LEVEL_TEAM },
  { 8, CB_LEVEL_TEAM },
  { 0 },
};

static const WireTestLevel c_at_public[] = {
  { X_ID, CB_LEVEL_TEAM },
  { 8, CB_LEVEL_TEAM },
  { C_ID, CB_LEVEL_PUBLIC },
  { 0 },
};

static const WireTestLevel c_at_team[] = {
  { X_ID, CB_LEVEL_TEAM },
  { 8, CB_LEVEL_TEAM },
  { C_ID, CB_LEVEL_TEAM },
  { 0 },
};

static const CbWireParty party_x = { X_ID, "201", "Xaver Hub" };
static const CbWireParty party_c = { C_ID, C_NUMBER, C_NAME };
static const CbWireParty party_trunk = { 0, "+4930123", "" };
static const CbWireParty party_group = { 0, "300", "Sales" };

static void
write_call (CbWireSink    *sink,
            gconstpointer  call,
            gconstpointer  viewer)
{
  cb_wire_call_write (sink, call, viewer);
}

static void
test_exact_text (void)
{
  CbWireCall call = {
    .call_id = "c1",
    .state = CB_WIRE_CALL_STATE_CONNECTED,
    .user_id = X_ID,
    .direction = CB_CALL_DIRECTION_OUT,
    .from = party_x,
    .to = { 8, "202", "Ben Oak" },
    .started_at = 1700000000,
    .answered_at = 1700000005,
    .device_call_id = "abc@host",
    .device = "softphone",
  };
  g_autofree char *text = wire_test_assert_sinks_agree (write_call, &call, NULL);

  g_assert_cmpstr (text, ==,
                   "{\"call_id\":\"c1\",\"state\":\"connected\",\"user_id\":7,\"direction\":\"out\","
                   "\"from\":\"201\",\"from_user_id\":7,\"to\":\"202\",\"to_user_id\":8,"
                   "\"remote_number\":\"202\",\"remote_name\":\"Ben Oak\",\"remote_user_id\":8,"
                   "\"started_at\":1700000000,\"answered_at\":1700000005,"
                   "\"device_call_id\":\"abc@host\",\"device\":\"softphone\","
                   "\"group\":null,\"for\":null,\"picked_up\":false,\"picked_up_from\":null,"
                   "\"forwarded_to\":null,\"end_reason\":null,\"conference\":null,\"encrypted\":false}");
}

static void
test_exact_text_group_call (void)
{
  /* A trunk caller rings the group; a member's side while it rings there. */
  CbWireCall call = {
    .call_id = "c2",
    .state = CB_WIRE_CALL_STATE_RINGING,
    .user_id = 8,
    .direction = CB_CALL_DIRECTION_IN,
    .from = party_trunk,
    .to = party_group,
    .started_at = 1700000000,
    .device_call_id = NULL,
    .device = "desk",
    .group_id = 3,
    .group_name = "Sales",
    .picked_up = TRUE,
  };
  g_autofree char *text = wire_test_assert_sinks_agree (write_call, &call, NULL);

  g_assert_cmpstr (text, ==,
                   "{\"call_id\":\"c2\",\"state\":\"ringing\",\"user_id\":8,\"direction\":\"in\","
                   "\"from\":\"+4930123\",\"from_user_id\":null,\"to\":\"300\",\"to_user_id\":null,"
                   "\"remote_number\":\"+4930123\",\"remote_name\":\"\",\"remote_user_id\":null,"
                   "\"started_at\":1700000000,\"answered_at\":null,"
                   "\"device_call_id\":null,\"device\":null,"
                   "\"group\":{\"id\":3,\"name\":\"Sales\"},\"for\":null,\"picked_up\":true,"
                   "\"picked_up_from\":null,\"forwarded_to\":null,\"end_reason\":null,\"conference\":null,\"encrypted\":false}");
}

/* A caller beyond the trunk rings the leader, C; X assists C and is
 * offered the call ("Call for Zelda Hiddenhouse"). */
static const CbWireCall call_for_c = {
  .call_id = "f1",
  .state = CB_WIRE_CALL_STATE_RINGING,
  .user_id = X_ID,
  .direction = CB_CALL_DIRECTION_IN,
  .from = { 0, "+4930123", "" },
  .to = { C_ID, C_NUMBER, C_NAME },
  .started_at = 1700000000,
  .for_user_id = C_ID,
  .for_name = C_NAME,
};

static void
test_exact_text_for (void)
{
  g_autofree char *text = wire_test_assert_sinks_agree (write_call, &call_for_c, NULL);

  g_assert_cmpstr (text, ==,
                   "{\"call_id\":\"f1\",\"state\":\"ringing\",\"user_id\":7,\"direction\":\"in\","
                   "\"from\":\"+4930123\",\"from_user_id\":null,\"to\":\"5550199\",\"to_user_id\":4242,"
                   "\"remote_number\":\"+4930123\",\"remote_name\":\"\",\"remote_user_id\":null,"
                   "\"started_at\":1700000000,\"answered_at\":null,"
                   "\"device_call_id\":null,\"device\":null,\"group\":null,"
                   "\"for\":{\"user_id\":4242,\"name\":\"Zelda Hiddenhouse\"},\"picked_up\":false,"
                   "\"picked_up_from\":null,\"forwarded_to\":null,\"end_reason\":null,\"conference\":null,\"encrypted\":false}");
}

static void
test_device_without_kind (void)
{
  CbWireCall call = {
    .call_id = "c3",
    .user_id = X_ID,
    .from = party_c,
    .to = party_x,
    .device_call_id = "d@h",
    .device = NULL,
  };
  g_autofree char *text = wire_test_assert_sinks_agree (write_call, &call, NULL);

  g_assert_nonnull (strstr (text, "\"device_call_id\":\"d@h\",\"device\":null,"));
}

static void
test_remote (void)
{
  CbWireCall call = { .from = party_c, .to = party_x, .direction = CB_CALL_DIRECTION_IN };

  g_assert_true (cb_wire_call_remote (&call) == &call.from);
  call.direction = CB_CALL_DIRECTION_OUT;
  g_assert_true (cb_wire_call_remote (&call) == &call.to);
}

static const CbWireParty conference_parties[] = {
  { X_ID, "201", "Xaver Hub" },
  { C_ID, C_NUMBER, C_NAME },
  { 0, "+4930123", "" },
};
static const CbWireConference conference_with_c = { "k8", G_N_ELEMENTS (conference_parties),
                                                    conference_parties };

/* Every shape in which C can be in a call X's viewer watches. */
static GArray *
calls_naming_c (void)
{
  GArray *calls = g_array_new (FALSE, TRUE, sizeof (CbWireCall));
  CbWireCall call;

  /* C calls X: X's incoming side. */
  call = (CbWireCall) { .call_id = "k1", .user_id = X_ID, .direction = CB_CALL_DIRECTION_IN,
                        .from = party_c, .to = party_x, .started_at = 1700000000,
                        .state = CB_WIRE_CALL_STATE_RINGING, .device_call_id = "x-dialog",
                        .device = "softphone" };
  g_array_append_val (calls, call);
  /* X calls C: X's outgoing side, answered. */
  call = (CbWireCall) { .call_id = "k2", .user_id = X_ID, .direction = CB_CALL_DIRECTION_OUT,
                        .from = party_x, .to = party_c, .started_at = 1700000000,
                        .answered_at = 1700000003, .state = CB_WIRE_CALL_STATE_HELD };
  g_array_append_val (calls, call);
  /* C calls the group; X, a member, is rung (to: the group). */
  call = (CbWireCall) { .call_id = "k3", .user_id = X_ID, .direction = CB_CALL_DIRECTION_IN,
                        .from = party_c, .to = party_group, .group_id = 3, .group_name = "Sales",
                        .started_at = 1700000000, .state = CB_WIRE_CALL_STATE_RINGING };
  g_array_append_val (calls, call);
  /* A trunk caller's group call that C answered: X's side as a rung member. */
  call = (CbWireCall) { .call_id = "k4", .user_id = X_ID, .direction = CB_CALL_DIRECTION_IN,
                        .from = party_trunk, .to = party_c, .group_id = 3, .group_name = "Sales",
                        .started_at = 1700000000, .answered_at = 1700000009,
                        .state = CB_WIRE_CALL_STATE_ENDED, .picked_up = TRUE };
  g_array_append_val (calls, call);
  /* X calls the group and C takes it: X's outgoing side. */
  call = (CbWireCall) { .call_id = "k5", .user_id = X_ID, .direction = CB_CALL_DIRECTION_OUT,
                        .from = party_x, .to = party_c, .group_id = 3, .group_name = "Sales",
                        .started_at = 1700000000, .answered_at = 1700000001,
                        .state = CB_WIRE_CALL_STATE_CONNECTED };
  g_array_append_val (calls, call);
  /* A call to C offered to X, C's assistant: for C. */
  g_array_append_val (calls, call_for_c);
  /* X calls the trunk as C, the leader X assists. */
  call = (CbWireCall) { .call_id = "k7", .user_id = X_ID, .direction = CB_CALL_DIRECTION_OUT,
                        .from = party_x, .to = party_trunk, .started_at = 1700000000,
                        .state = CB_WIRE_CALL_STATE_RINGING, .for_user_id = C_ID,
                        .for_name = C_NAME };
  g_array_append_val (calls, call);
  /* X called the trunk and joined C's call to it: a conference with C. */
  call = (CbWireCall) { .call_id = "k8", .user_id = X_ID, .direction = CB_CALL_DIRECTION_OUT,
                        .from = party_x, .to = party_trunk, .started_at = 1700000000,
                        .answered_at = 1700000002, .state = CB_WIRE_CALL_STATE_CONNECTED,
                        .conference = &conference_with_c };
  g_array_append_val (calls, call);
  return calls;
}

static void
test_hidden_party (void)
{
  g_autoptr(GArray) calls = calls_naming_c ();
  CbWireViewer none = WIRE_TEST_VIEWER (9, c_at_none);
  CbWireViewer at_public = WIRE_TEST_VIEWER (9, c_at_public);
  CbWireViewer at_team = WIRE_TEST_VIEWER (9, c_at_team);

  for (guint i = 0; i < calls->len; i++)
    {
      const CbWireCall *call = &g_array_index (calls, CbWireCall, i);
      g_autofree char *hidden = wire_test_assert_sinks_agree (write_call, call, &none);
      g_autoptr(JsonObject) tree = cb_wire_call_to_json (call, &none);
      g_autofree char *tree_text = wire_test_serialise (tree);
      g_autofree char *seen_public = wire_test_assert_sinks_agree (write_call, call, &at_public);
      g_autofree char *seen_team = wire_test_assert_sinks_agree (write_call, call, &at_team);
      g_autofree char *seen_all = wire_test_assert_sinks_agree (write_call, call, NULL);
      const CbWireParty *remote = cb_wire_call_remote (call);
      /* C's name is on the wire only as the remote party's and the leader's. */
      const char * const c_seen[] = { "4242",
                                      call->to.user_id == C_ID || call->from.user_id == C_ID
                                      ? C_NUMBER : NULL,
                                      remote->user_id == C_ID || call->for_user_id == C_ID
                                      ? C_NAME : NULL,
                                      NULL };

      g_test_message ("%s hidden: %s", call->call_id, hidden);
      wire_test_assert_absent (hidden, c_traces);
      wire_test_assert_absent (tree_text, c_traces);
      /* The viewer still sees X's side and the group. */
      g_assert_nonnull (strstr (hidden, "\"user_id\":7,"));
      if (call->group_id > 0)
        g_assert_nonnull (strstr (hidden, "\"group\":{\"id\":3,\"name\":\"Sales\"}"));
      /* The remote party, when it is C, reads as an internal call without a name. */
      if (remote->user_id == C_ID)
        g_assert_nonnull (strstr (hidden, "\"remote_number\":\"\",\"remote_name\":\"\","
                                          "\"remote_user_id\":null"));
      /* A leader C is nobody: the call is for no one. */
      g_assert_nonnull (strstr (hidden, "\"for\":null,"));
      if (call->for_user_id == C_ID)
        g_assert_nonnull (strstr (seen_public, "\"for\":{\"user_id\":4242,"));

      /* C is in the conference without a trace; the others as they are. */
      if (call->conference != NULL)
        {
          g_assert_nonnull (strstr (hidden, "\"parties\":[{\"user_id\":7,\"number\":\"201\","
                                            "\"name\":\"Xaver Hub\"},{\"user_id\":null,"
                                            "\"number\":\"\",\"name\":\"\"},"));
          g_assert_nonnull (strstr (seen_public, "{\"user_id\":4242,\"number\":\"" C_NUMBER "\","
                                                 "\"name\":\"" C_NAME "\"}"));
        }
      wire_test_assert_present (seen_public, c_seen);
      wire_test_assert_present (seen_team, c_seen);
      wire_test_assert_present (seen_all, c_seen);
      g_assert_cmpstr (seen_public, ==, seen_all);
    }
}

static void
test_hidden_subject_side_unchanged (void)
{
  /* The viewer's own call with C: the viewer is X. */
  static const WireTestLevel nobody[] = { { 0 } };
  CbWireViewer viewer = WIRE_TEST_VIEWER (X_ID, nobody);
  CbWireCall call = { .call_id = "k6", .user_id = X_ID, .direction = CB_CALL_DIRECTION_OUT,
                      .from = party_x, .to = party_c, .started_at = 1 };
  g_autofree char *text = wire_test_assert_sinks_agree (write_call, &call, &viewer);

  wire_test_assert_absent (text, c_traces);
  g_assert_nonnull (strstr (text, "\"from\":\"201\",\"from_user_id\":7,\"to\":\"\",\"to_user_id\":null,"));
}

static void
test_round_trip (void)
{
  g_autoptr(GArray) calls = calls_naming_c ();

  for (guint i = 0; i < calls->len; i++)
    {
      const CbWireCall *call = &g_array_index (calls, CbWireCall, i);
      g_autofree char *text = wire_test_text (write_call, call, NULL);
      g_autoptr(JsonObject) object = wire_test_parse (text);
      g_autoptr(GError) error = NULL;
      g_autoptr(CbWireCall) read = cb_wire_call_from_json (object, &error);
      g_autofree char *again = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (read->call_id, ==, call->call_id);
      g_assert_cmpint (read->state, ==, call->state);
      g_assert_cmpint (read->direction, ==, call->direction);
      g_assert_cmpint (read->from.user_id, ==, call->from.user_id);
      g_assert_cmpint (read->to.user_id, ==, call->to.user_id);
      g_assert_cmpstr (cb_wire_call_remote (read)->name, ==, cb_wire_call_remote (call)->name);
      g_assert_cmpint (read->group_id, ==, call->group_id);
      g_assert_cmpint (read->answered_at, ==, call->answered_at);
      g_assert_cmpint (read->for_user_id, ==, call->for_user_id);
      g_assert_cmpstr (read->for_name, ==, call->for_name);
      g_assert_cmpint (read->encrypted, ==, call->encrypted);
      g_clear_pointer (&object, json_object_unref);
      /* The local party's name is not on the wire: it reads as NULL, written as "". */
      again = wire_test_text (write_call, read, NULL);
      g_assert_cmpstr (again, ==, text);
    }
}

static void
test_reader_older_server (void)
{
  /* Today's call_data(): no from_user_id/to_user_id. */
  const char *json = "{\"call_id\":\"c1\",\"state\":\"ringing\",\"user_id\":7,\"direction\":\"in\","
                     "\"from\":\"202\",\"to\":\"201\",\"remote_number\":\"202\","
                     "\"remote_name\":\"Ben Oak\",\"remote_user_id\":8,\"started_at\":1700000000,"
                     "\"answered_at\":null,\"device_call_id\":\"d@h\",\"device\":\"desk\","
                     "\"group\":null,\"picked_up\":false}";
  /* Today's queue caller_data(): no device, the queue as remote. */
  const char *queue = "{\"call_id\":\"q1\",\"state\":\"connected\",\"user_id\":7,\"direction\":\"out\","
                      "\"from\":\"201\",\"to\":\"400\",\"remote_number\":\"400\","
                      "\"remote_name\":\"Queue\",\"remote_user_id\":null,\"started_at\":5,"
                      "\"answered_at\":5,\"device_call_id\":\"q@h\","
                      "\"group\":{\"id\":4,\"name\":\"Queue\"},\"picked_up\":false}";
  g_autoptr(JsonObject) object = wire_test_parse (json);
  g_autoptr(JsonObject) queue_object = wire_test_parse (queue);
  g_autoptr(CbWireCall) call = cb_wire_call_from_json (object, NULL);
  g_autoptr(CbWireCall) queue_call = cb_wire_call_from_json (queue_object, NULL);

  g_assert_nonnull (call);
  g_assert_cmpint (call->from.user_id, ==, 8);
  g_assert_cmpstr (call->from.name, ==, "Ben Oak");
  g_assert_cmpstr (call->from.number, ==, "202");
  g_assert_cmpint (call->to.user_id, ==, 0);
  g_assert_cmpstr (call->device, ==, "desk");

  g_assert_nonnull (queue_call);
  g_assert_cmpint (queue_call->to.user_id, ==, 0);
  g_assert_cmpstr (queue_call->to.name, ==, "Queue");
  g_assert_cmpstr (queue_call->device_call_id, ==, "q@h");
  g_assert_null (queue_call->device);
  g_assert_cmpint (queue_call->group_id, ==, 4);
  g_assert_cmpstr (queue_call->group_name, ==, "Queue");
  /* Before assistants: for nobody; before SRTP: not encrypted. */
  g_assert_cmpint (call->for_user_id, ==, 0);
  g_assert_null (call->for_name);
  g_assert_false (call->encrypted);
}

/* Every leg SRTP: "encrypted" is written and read back. */
static void
test_encrypted (void)
{
  CbWireCall call = {
    .call_id = "e1",
    .state = CB_WIRE_CALL_STATE_CONNECTED,
    .user_id = X_ID,
    .direction = CB_CALL_DIRECTION_OUT,
    .from = party_x,
    .to = { 8, "202", "Ben Oak" },
    .started_at = 1700000000,
    .answered_at = 1700000005,
    .encrypted = TRUE,
  };
  g_autofree char *text = wire_test_assert_sinks_agree (write_call, &call, NULL);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(CbWireCall) read = NULL;
  g_autoptr(CbWireCall) copy = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_suffix (text, ",\"conference\":null,\"encrypted\":true}"));
  object = wire_test_parse (text);
  read = cb_wire_call_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_true (read->encrypted);
  copy = cb_wire_call_copy (&call);
  g_assert_true (copy->encrypted);
  json_object_set_string_member (object, "encrypted", "yes");
  g_clear_pointer (&read, cb_wire_call_free);
  read = cb_wire_call_from_json (object, &error);
  g_assert_null (read);
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD);
}

static void
test_reader_errors (void)
{
  static const char base[] = "\"call_id\":\"c\",\"state\":\"ringing\",\"user_id\":7,\"direction\":\"in\"";
  static const struct {
    const char *json;
    const char *names;
  } cases[] = {
    { "{\"state\":\"ringing\",\"user_id\":7,\"direction\":\"in\"}", "“call_id”" },
    { "{\"call_id\":1,\"state\":\"ringing\",\"user_id\":7,\"direction\":\"in\"}", "“call_id”" },
    { "{\"call_id\":\"c\",\"state\":\"dialling\",\"user_id\":7,\"direction\":\"in\"}", "“state”" },
    { "{\"call_id\":\"c\",\"state\":\"ringing\",\"user_id\":7,\"direction\":\"sideways\"}", "“direction”" },
    { "{\"call_id\":\"c\",\"state\":\"ringing\",\"direction\":\"in\"}", "“user_id”" },
    { ",\"from_user_id\":\"8\"}", "“from_user_id”" },
    { ",\"to\":null}", "“to”" },
    { ",\"remote_user_id\":true}", "“remote_user_id”" },
    { ",\"answered_at\":\"soon\"}", "“answered_at”" },
    { ",\"device_call_id\":5}", "“device_call_id”" },
    { ",\"group\":5}", "“group”" },
    { ",\"group\":{\"name\":\"x\"}}", "“group”" },
    { ",\"picked_up\":\"no\"}", "“picked_up”" },
    { ",\"for\":7}", "“for”" },
    { ",\"for\":{\"name\":\"x\"}}", "“for”" },
    { ",\"for\":{\"user_id\":7,\"name\":2}}", "“for”" },
    { ",\"picked_up_from\":7}", "“picked_up_from”" },
    { ",\"picked_up_from\":{\"user_id\":\"7\",\"name\":\"x\"}}", "“picked_up_from”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* A case starting with a comma adds to a valid base. */
      g_autofree char *json = cases[i].json[0] == ','
                              ? g_strconcat ("{", base, cases[i].json, NULL)
                              : g_strdup (cases[i].json);
      g_autoptr(JsonObject) object = wire_test_parse (json);
      g_autoptr(GError) error = NULL;
      g_autoptr(CbWireCall) call = cb_wire_call_from_json (object, &error);

      g_test_message ("%s: %s", json, error != NULL ? error->message : "(no error)");
      g_assert_null (call);
      g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, cases[i].names));
    }
}

/* An ended call says why; a conference lists its parties; both read
 * back; a reason this build does not know reads as unknown. */
static void
test_end_reason_and_conference (void)
{
  CbWireCall call = {
    .call_id = "c5", .state = CB_WIRE_CALL_STATE_ENDED, .user_id = X_ID,
    .direction = CB_CALL_DIRECTION_OUT, .from = party_x, .to = { 8, "202", "Ben Oak" },
    .started_at = 1700000000, .end_reason = CB_CALL_END_REASON_NOT_FOUND,
  };
  static const CbWireParty parties[] = { { X_ID, "201", "Xaver Hub" }, { 8, "202", "Ben Oak" },
                                         { 0, "+4930123", "" } };
  CbWireConference conference = { "c4", G_N_ELEMENTS (parties), parties };
  g_autofree char *text = wire_test_assert_sinks_agree (write_call, &call, NULL);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonObject) newer = NULL;
  g_autoptr(CbWireCall) read = NULL;
  g_autoptr(CbWireCall) unknown = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (strstr (text, "\"end_reason\":\"not-found\",\"conference\":null,\"encrypted\":false}"));
  /* Only an ended call has a reason. */
  call.state = CB_WIRE_CALL_STATE_CONNECTED;
  call.end_reason = CB_CALL_END_REASON_SERVER_RESTART;
  call.conference = &conference;
  g_free (text);
  text = wire_test_assert_sinks_agree (write_call, &call, NULL);
  g_assert_nonnull (strstr (text, "\"end_reason\":null,\"conference\":{\"id\":\"c4\",\"parties\":["
                                  "{\"user_id\":7,\"number\":\"201\",\"name\":\"Xaver Hub\"},"
                                  "{\"user_id\":8,\"number\":\"202\",\"name\":\"Ben Oak\"},"
                                  "{\"user_id\":null,\"number\":\"+4930123\",\"name\":\"\"}]},"
                                  "\"encrypted\":false}"));

  call.state = CB_WIRE_CALL_STATE_ENDED;
  object = cb_wire_call_to_json (&call, NULL);
  read = cb_wire_call_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_cmpint (read->end_reason, ==, CB_CALL_END_REASON_SERVER_RESTART);
  g_assert_nonnull (read->conference);
  g_assert_cmpstr (read->conference->id, ==, "c4");
  g_assert_cmpuint (read->conference->n_parties, ==, 3);
  g_assert_cmpint (read->conference->parties[1].user_id, ==, 8);
  g_assert_cmpstr (read->conference->parties[1].name, ==, "Ben Oak");
  g_assert_cmpint (read->conference->parties[2].user_id, ==, 0);
  g_assert_cmpstr (read->conference->parties[2].number, ==, "+4930123");

  newer = cb_wire_call_to_json (&call, NULL);
  json_object_set_string_member (newer, "end_reason", "abducted-by-aliens");
  json_object_set_null_member (newer, "conference");
  unknown = cb_wire_call_from_json (newer, &error);
  g_assert_no_error (error);
  g_assert_cmpint (unknown->end_reason, ==, CB_CALL_END_REASON_UNKNOWN);
  g_assert_null (unknown->conference);

  /* A conference that is no object is refused, naming it. */
  json_object_set_string_member (newer, "conference", "c4");
  g_assert_null (cb_wire_call_from_json (newer, &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD);
  g_assert_nonnull (strstr (error->message, "conference"));
}

/* A copy writes the same JSON and outlives what it was copied from. */
static void
test_copy (void)
{
  g_autofree char *number = g_strdup ("0301234");
  CbWireCall call = {
    .call_id = "c9", .state = CB_WIRE_CALL_STATE_RINGING, .user_id = 7,
    .direction = CB_CALL_DIRECTION_IN, .from = { 0, number, "" }, .to = { 7, "201", "Anna" },
    .started_at = 1700000000, .device_call_id = "d@h", .device = "softphone",
    .group_id = 3, .group_name = "Sales",
  };
  g_autoptr(JsonObject) original = cb_wire_call_to_json (&call, NULL);
  g_autofree char *original_text = wire_test_serialise (original);
  g_autoptr(CbWireCall) copy = cb_wire_call_copy (&call);
  g_autoptr(JsonObject) again = NULL;
  g_autofree char *copy_text = NULL;

  g_clear_pointer (&number, g_free);
  again = cb_wire_call_to_json (copy, NULL);
  copy_text = wire_test_serialise (again);
  g_assert_cmpstr (copy_text, ==, original_text);
  g_assert_cmpstr (copy->from.number, ==, "0301234");
}

/* X took a trunk caller's call over from C: X's side names C, whom a
 * viewer at none towards C may not know of. */
static void
test_picked_up_from (void)
{
  CbWireViewer none = WIRE_TEST_VIEWER (9, c_at_none);
  CbWireViewer at_public = WIRE_TEST_VIEWER (9, c_at_public);
  CbWireCall call = { .call_id = "k7", .user_id = X_ID, .direction = CB_CALL_DIRECTION_IN,
                      .from = party_trunk, .to = { X_ID, C_NUMBER, "Xaver Hub" },
                      .started_at = 1700000000, .answered_at = 1700000002,
                      .state = CB_WIRE_CALL_STATE_CONNECTED, .picked_up = TRUE,
                      .picked_up_from = { C_ID, NULL, C_NAME } };
  g_autofree char *all = wire_test_assert_sinks_agree (write_call, &call, NULL);
  g_autofree char *seen = wire_test_assert_sinks_agree (write_call, &call, &at_public);
  g_autofree char *hidden = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(CbWireCall) read = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_suffix (all, ",\"picked_up\":true,"
                                        "\"picked_up_from\":{\"user_id\":4242,\"name\":\"" C_NAME "\"},"
                                        "\"forwarded_to\":null,\"end_reason\":null,\"conference\":null,\"encrypted\":false}"));
  g_assert_cmpstr (seen, ==, all);

  /* Nobody for the viewer: no id, no name (the number was C's line the
   * call rang at, and is cut by the same rule as the parties). */
  call.to.number = "201";
  hidden = wire_test_assert_sinks_agree (write_call, &call, &none);
  g_assert_true (g_str_has_suffix (hidden, ",\"picked_up_from\":{\"user_id\":null,\"name\":\"\"},"
                                           "\"forwarded_to\":null,\"end_reason\":null,\"conference\":null,\"encrypted\":false}"));
  wire_test_assert_absent (hidden, c_traces);

  object = wire_test_parse (all);
  read = cb_wire_call_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_cmpint (read->picked_up_from.user_id, ==, C_ID);
  g_assert_cmpstr (read->picked_up_from.name, ==, C_NAME);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wire-call/exact-text", test_exact_text);
  g_test_add_func ("/wire-call/exact-text-group-call", test_exact_text_group_call);
  g_test_add_func ("/wire-call/exact-text-for", test_exact_text_for);
  g_test_add_func ("/wire-call/device-without-kind", test_device_without_kind);
  g_test_add_func ("/wire-call/remote", test_remote);
  g_test_add_func ("/wire-call/hidden-party", test_hidden_party);
  g_test_add_func ("/wire-call/hidden-party-own-call", test_hidden_subject_side_unchanged);
  g_test_add_func ("/wire-call/round-trip", test_round_trip);
  g_test_add_func ("/wire-call/reader-older-server", test_reader_older_server);
  g_test_add_func ("/wire-call/encrypted", test_encrypted);
  g_test_add_func ("/wire-call/reader-errors", test_reader_errors);
  g_test_add_func ("/wire-call/picked-up-from", test_picked_up_from);

  g_test_add_func ("/wire-call/end-reason-conference", test_end_reason_and_conference);

  g_test_add_func ("/wire/call/copy", test_copy);
  return g_test_run ();
}
