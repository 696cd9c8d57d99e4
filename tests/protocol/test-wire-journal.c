/* test-wire-journal.c: the journal entry codec: exact text, "taken by" a hidden colleague, the reader
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "wire-test-support.h"

#define X_ID 7
#define C_ID 4242
#define C_NAME "Zelda Hiddenhouse"
#define C_NUMBER "5550199"

static const char * const c_traces[] = { "4242", C_NAME, "Zelda", "Hiddenhouse", C_NUMBER, NULL };

static const WireTestLevel c_at_none[] = { { 8, CB_LEVEL_TEAM }, { 0 } };
static const WireTestLevel c_at_public[] = { { 8, CB_LEVEL_TEAM }, { C_ID, CB_LEVEL_PUBLIC }, { 0 } };

static void
write_entry (CbWireSink    *sink,
             gconstpointer  entry,
             gconstpointer  viewer)
{
  cb_wire_journal_entry_write (sink, entry, viewer);
}

/* X's record of a group call that C took (X was rung, did not answer). */
static CbWireJournalEntry
taken_by_c (void)
{
  return (CbWireJournalEntry) {
    .id = 11,
    .user_id = X_ID,
    .call_id = "c1",
    .direction = CB_CALL_DIRECTION_IN,
    .remote = { 0, "0301234", NULL },
    .started_at = 1700000000,
    .answered_at = 0,
    .ended_at = 1700000030,
    .group_id = 3,
    .group_name = "Sales",
    .taken_by = { C_ID, NULL, C_NAME },
    .picked_up = FALSE,
    .outcome = CB_CALL_OUTCOME_TAKEN,
  };
}

static void
test_exact_text (void)
{
  CbWireJournalEntry entry = taken_by_c ();
  g_autofree char *text = wire_test_assert_sinks_agree (write_entry, &entry, NULL);

  g_assert_cmpstr (text, ==,
                   "{\"id\":11,\"user_id\":7,\"call_id\":\"c1\",\"direction\":\"in\","
                   "\"remote_number\":\"0301234\",\"remote_name\":\"\",\"remote_user_id\":null,"
                   "\"started_at\":1700000000,\"answered_at\":null,\"ended_at\":1700000030,"
                   "\"duration\":0,\"answered\":false,\"group_id\":3,\"group_name\":\"Sales\","
                   "\"taken_by_user_id\":4242,\"taken_by_name\":\"" C_NAME "\",\"for\":null,"
                   "\"picked_up\":false,\"outcome\":\"taken\",\"picked_up_from\":null,\"forwarded_to\":null,\"end_reason\":null}");
}

static void
test_exact_text_plain_call (void)
{
  CbWireJournalEntry entry = {
    .id = 12,
    .user_id = X_ID,
    .call_id = "c2",
    .direction = CB_CALL_DIRECTION_OUT,
    .remote = { 8, "202", "Ben Oak" },
    .started_at = 1700000000,
    .answered_at = 1700000004,
    .ended_at = 1700000064,
    /* A name without a group is not written. */
    .group_name = "stale",
    .picked_up = TRUE,
    .outcome = CB_CALL_OUTCOME_ANSWERED,
  };
  g_autofree char *text = wire_test_assert_sinks_agree (write_entry, &entry, NULL);

  g_assert_cmpstr (text, ==,
                   "{\"id\":12,\"user_id\":7,\"call_id\":\"c2\",\"direction\":\"out\","
                   "\"remote_number\":\"202\",\"remote_name\":\"Ben Oak\",\"remote_user_id\":8,"
                   "\"started_at\":1700000000,\"answered_at\":1700000004,\"ended_at\":1700000064,"
                   "\"duration\":60,\"answered\":true,\"group_id\":null,\"group_name\":null,"
                   "\"taken_by_user_id\":null,\"taken_by_name\":null,\"for\":null,\"picked_up\":true,"
                   "\"outcome\":\"answered\",\"picked_up_from\":null,\"forwarded_to\":null,\"end_reason\":null}");
}

static void
test_hidden_colleague (void)
{
  CbWireViewer none = WIRE_TEST_VIEWER (X_ID, c_at_none);
  CbWireViewer at_public = WIRE_TEST_VIEWER (X_ID, c_at_public);
  CbWireJournalEntry entries[3];

  /* Taken by C; C as the caller; C as the callee of X's call. */
  entries[0] = taken_by_c ();
  entries[1] = taken_by_c ();
  entries[1].remote = (CbWireParty) { C_ID, C_NUMBER, C_NAME };
  entries[1].taken_by = (CbWireParty) { 8, NULL, "Ben Oak" };
  entries[2] = taken_by_c ();
  entries[2].direction = CB_CALL_DIRECTION_OUT;
  entries[2].remote = (CbWireParty) { C_ID, C_NUMBER, C_NAME };
  entries[2].taken_by = (CbWireParty) { 0 };
  entries[2].group_id = 0;

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      g_autofree char *hidden = wire_test_assert_sinks_agree (write_entry, &entries[i], &none);
      g_autoptr(JsonObject) tree = cb_wire_journal_entry_to_json (&entries[i], &none);
      g_autofree char *tree_text = wire_test_serialise (tree);
      g_autofree char *seen = wire_test_assert_sinks_agree (write_entry, &entries[i], &at_public);
      g_autofree char *all = wire_test_assert_sinks_agree (write_entry, &entries[i], NULL);
      const char * const c_seen[] = { "4242", C_NAME, NULL };

      g_test_message ("hidden: %s", hidden);
      wire_test_assert_absent (hidden, c_traces);
      wire_test_assert_absent (tree_text, c_traces);
      wire_test_assert_present (seen, c_seen);
      g_assert_cmpstr (seen, ==, all);
    }

  {
    g_autofree char *text = wire_test_text (write_entry, &entries[0], &none);

    /* Taken by someone who does not exist for the viewer: no id, no name. */
    g_assert_nonnull (strstr (text, "\"taken_by_user_id\":null,\"taken_by_name\":\"\","));
    /* Other colleagues stay. */
    g_clear_pointer (&text, g_free);
    text = wire_test_text (write_entry, &entries[1], &none);
    g_assert_nonnull (strstr (text, "\"remote_number\":\"\",\"remote_name\":\"\",\"remote_user_id\":null,"));
    g_assert_nonnull (strstr (text, "\"taken_by_user_id\":8,\"taken_by_name\":\"Ben Oak\","));
  }
}

static void
test_round_trip (void)
{
  CbWireJournalEntry entry = taken_by_c ();
  g_autofree char *text = wire_test_text (write_entry, &entry, NULL);
  g_autoptr(JsonObject) object = wire_test_parse (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(CbWireJournalEntry) read = cb_wire_journal_entry_from_json (object, &error);
  g_autofree char *again = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (read->id, ==, 11);
  g_assert_cmpint (read->taken_by.user_id, ==, C_ID);
  g_assert_cmpstr (read->taken_by.name, ==, C_NAME);
  g_assert_cmpstr (read->group_name, ==, "Sales");
  g_assert_cmpint (read->answered_at, ==, 0);
  g_assert_cmpint (read->remote.user_id, ==, 0);
  g_clear_pointer (&object, json_object_unref);
  again = wire_test_text (write_entry, read, NULL);
  g_assert_cmpstr (again, ==, text);
}

static void
test_round_trip_nulls (void)
{
  const char *json = "{\"id\":12,\"user_id\":7,\"call_id\":\"c2\",\"direction\":\"out\","
                     "\"remote_number\":\"202\",\"remote_name\":\"Ben Oak\",\"remote_user_id\":8,"
                     "\"started_at\":1700000000,\"answered_at\":1700000004,\"ended_at\":1700000064,"
                     "\"duration\":60,\"answered\":true,\"group_id\":null,\"group_name\":null,"
                     "\"taken_by_user_id\":null,\"taken_by_name\":null,\"for\":null,\"picked_up\":true}";
  g_autoptr(JsonObject) object = wire_test_parse (json);
  g_autoptr(CbWireJournalEntry) read = cb_wire_journal_entry_from_json (object, NULL);
  g_autofree char *json_head = g_strndup (json, strlen (json) - 1);
  g_autofree char *again = NULL;

  g_assert_nonnull (read);
  g_assert_null (read->group_name);
  g_assert_null (read->taken_by.name);
  g_assert_cmpint (read->direction, ==, CB_CALL_DIRECTION_OUT);
  /* Written before outcomes were: the outcome follows from the times. */
  g_assert_cmpint (read->outcome, ==, CB_CALL_OUTCOME_ANSWERED);
  again = wire_test_text (write_entry, read, NULL);
  g_assert_true (g_str_has_prefix (again, json_head));
  g_assert_true (g_str_has_suffix (again, ",\"outcome\":\"answered\",\"picked_up_from\":null,\"forwarded_to\":null,\"end_reason\":null}"));
  g_assert_cmpint (read->end_reason, ==, CB_CALL_END_REASON_UNKNOWN);
}

/* An assistant's record of a call they took for leader C: C is named
 * only to a viewer who may see C, and the reader keeps it. */
static void
test_for_leader (void)
{
  CbWireViewer none = WIRE_TEST_VIEWER (X_ID, c_at_none);
  CbWireJournalEntry entry = taken_by_c ();
  g_autofree char *text = NULL;
  g_autofree char *hidden = NULL;
  g_autofree char *again = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(CbWireJournalEntry) read = NULL;
  g_autoptr(GError) error = NULL;

  entry.taken_by = (CbWireParty) { 0 };
  entry.answered_at = 1700000002;
  entry.for_user_id = C_ID;
  entry.for_name = C_NAME;
  text = wire_test_assert_sinks_agree (write_entry, &entry, NULL);
  g_assert_nonnull (strstr (text, ",\"for\":{\"user_id\":4242,\"name\":\"" C_NAME "\"},\"picked_up\":"));
  hidden = wire_test_assert_sinks_agree (write_entry, &entry, &none);
  g_assert_nonnull (strstr (hidden, ",\"for\":null,"));
  wire_test_assert_absent (hidden, c_traces);

  object = wire_test_parse (text);
  read = cb_wire_journal_entry_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_cmpint (read->for_user_id, ==, C_ID);
  g_assert_cmpstr (read->for_name, ==, C_NAME);
  again = wire_test_text (write_entry, read, NULL);
  g_assert_cmpstr (again, ==, text);
}

static void
test_reader_errors (void)
{
  static const struct {
    const char *json;
    const char *names;
  } cases[] = {
    { "{\"user_id\":7}", "“id”" },
    { "{\"id\":null}", "“id”" },
    { "{\"id\":1,\"direction\":\"up\"}", "“direction”" },
    { "{\"id\":1,\"remote_name\":null}", "“remote_name”" },
    { "{\"id\":1,\"remote_user_id\":\"8\"}", "“remote_user_id”" },
    { "{\"id\":1,\"answered_at\":\"x\"}", "“answered_at”" },
    { "{\"id\":1,\"duration\":1.5}", "“duration”" },
    { "{\"id\":1,\"answered\":0}", "“answered”" },
    { "{\"id\":1,\"group_name\":3}", "“group_name”" },
    { "{\"id\":1,\"taken_by_name\":[]}", "“taken_by_name”" },
    { "{\"id\":1,\"picked_up_from\":\"C\"}", "“picked_up_from”" },
    { "{\"id\":1,\"picked_up_from\":{\"name\":3}}", "“picked_up_from”" },
    { "{\"id\":1,\"for\":7}", "“for”" },
    { "{\"id\":1,\"for\":{\"name\":\"x\"}}", "“for”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) object = wire_test_parse (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(CbWireJournalEntry) entry = cb_wire_journal_entry_from_json (object, &error);

      g_test_message ("%s: %s", cases[i].json, error != NULL ? error->message : "(no error)");
      g_assert_null (entry);
      g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD);
      g_assert_nonnull (strstr (error->message, cases[i].names));
    }
}

/* X's entry of a call X took over from C by pickup. */
static void
test_picked_up_from (void)
{
  CbWireViewer none = WIRE_TEST_VIEWER (X_ID, c_at_none);
  CbWireJournalEntry entry = {
    .id = 13,
    .user_id = X_ID,
    .call_id = "c3",
    .direction = CB_CALL_DIRECTION_IN,
    .remote = { 8, "202", "Ben Oak" },
    .started_at = 1700000000,
    .answered_at = 1700000004,
    .ended_at = 1700000064,
    .picked_up = TRUE,
    .outcome = CB_CALL_OUTCOME_ANSWERED,
    .picked_up_from = { C_ID, NULL, C_NAME },
  };
  g_autofree char *all = wire_test_assert_sinks_agree (write_entry, &entry, NULL);
  g_autofree char *hidden = wire_test_assert_sinks_agree (write_entry, &entry, &none);
  g_autoptr(JsonObject) object = wire_test_parse (all);
  g_autoptr(GError) error = NULL;
  g_autoptr(CbWireJournalEntry) read = cb_wire_journal_entry_from_json (object, &error);

  g_assert_true (g_str_has_suffix (all, ",\"picked_up\":true,\"outcome\":\"answered\","
                                        "\"picked_up_from\":{\"user_id\":4242,\"name\":\"" C_NAME "\"},"
                                        "\"forwarded_to\":null,\"end_reason\":null}"));
  g_assert_true (g_str_has_suffix (hidden, ",\"picked_up_from\":{\"user_id\":null,\"name\":\"\"},"
                                           "\"forwarded_to\":null,\"end_reason\":null}"));
  wire_test_assert_absent (hidden, c_traces);
  g_assert_no_error (error);
  g_assert_cmpint (read->picked_up_from.user_id, ==, C_ID);
  g_assert_cmpstr (read->picked_up_from.name, ==, C_NAME);
}

/* X forwarded a call to C, then one beyond the trunk: C is named only
 * to a viewer who may see C, the number to anyone. */
static void
test_forwarded_to (void)
{
  CbWireViewer none = WIRE_TEST_VIEWER (X_ID, c_at_none);
  CbWireJournalEntry entry = {
    .id = 14, .user_id = X_ID, .call_id = "c4", .direction = CB_CALL_DIRECTION_IN,
    .remote = { 8, "202", "Ben Oak" }, .started_at = 1700000000, .answered_at = 1700000004,
    .ended_at = 1700000020, .outcome = CB_CALL_OUTCOME_ANSWERED,
    .forwarded_to = { C_ID, C_NUMBER, C_NAME }, .end_reason = CB_CALL_END_REASON_TRANSFERRED,
  };
  g_autofree char *all = wire_test_assert_sinks_agree (write_entry, &entry, NULL);
  g_autofree char *hidden = wire_test_assert_sinks_agree (write_entry, &entry, &none);
  g_autofree char *external = NULL;
  g_autoptr(JsonObject) object = wire_test_parse (all);
  g_autoptr(GError) error = NULL;
  g_autoptr(CbWireJournalEntry) read = cb_wire_journal_entry_from_json (object, &error);

  g_assert_no_error (error);
  g_assert_nonnull (strstr (all, ",\"forwarded_to\":{\"user_id\":4242,\"number\":\"" C_NUMBER "\","
                                 "\"name\":\"" C_NAME "\"},"));
  g_assert_nonnull (strstr (hidden, ",\"forwarded_to\":{\"user_id\":null,\"number\":\"\",\"name\":\"\"},"));
  wire_test_assert_absent (hidden, c_traces);
  g_assert_cmpint (read->forwarded_to.user_id, ==, C_ID);
  g_assert_cmpstr (read->forwarded_to.number, ==, C_NUMBER);
  g_assert_cmpstr (read->forwarded_to.name, ==, C_NAME);

  entry.forwarded_to = (CbWireParty) { 0, "+4930777", "" };
  external = wire_test_assert_sinks_agree (write_entry, &entry, &none);
  g_assert_nonnull (strstr (external, ",\"forwarded_to\":{\"user_id\":null,\"number\":\"+4930777\","
                                      "\"name\":\"\"},"));
}

/* A call not reached: the outcome and why, both read back. */
static void
test_not_reached (void)
{
  CbWireJournalEntry entry = {
    .id = 13, .user_id = 7, .call_id = "c3", .direction = CB_CALL_DIRECTION_OUT,
    .remote = { 8, "202", "Ben Oak" }, .started_at = 1700000000, .ended_at = 1700000002,
    .outcome = CB_CALL_OUTCOME_BUSY, .end_reason = CB_CALL_END_REASON_BUSY,
  };
  g_autofree char *text = wire_test_assert_sinks_agree (write_entry, &entry, NULL);
  g_autoptr(JsonObject) object = cb_wire_journal_entry_to_json (&entry, NULL);
  g_autoptr(CbWireJournalEntry) read = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_suffix (text, ",\"outcome\":\"busy\",\"picked_up_from\":null,\"forwarded_to\":null,\"end_reason\":\"busy\"}"));
  read = cb_wire_journal_entry_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_cmpint (read->outcome, ==, CB_CALL_OUTCOME_BUSY);
  g_assert_cmpint (read->end_reason, ==, CB_CALL_END_REASON_BUSY);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wire-journal/exact-text", test_exact_text);
  g_test_add_func ("/wire-journal/exact-text-plain-call", test_exact_text_plain_call);
  g_test_add_func ("/wire-journal/hidden-colleague", test_hidden_colleague);
  g_test_add_func ("/wire-journal/round-trip", test_round_trip);
  g_test_add_func ("/wire-journal/round-trip-nulls", test_round_trip_nulls);
  g_test_add_func ("/wire-journal/for-leader", test_for_leader);
  g_test_add_func ("/wire-journal/reader-errors", test_reader_errors);
  g_test_add_func ("/wire-journal/picked-up-from", test_picked_up_from);
  g_test_add_func ("/wire-journal/forwarded-to", test_forwarded_to);
  g_test_add_func ("/wire-journal/not-reached", test_not_reached);

  return g_test_run ();
}
