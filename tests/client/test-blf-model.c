/* test-blf-model.c: the busy lamp field in CbClientStore: keys and their lamps
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No server: snapshots and events are the JSON doc/PROTOCOL.md and
 * data/callboard-api.json describe. Keys come from the snapshot's "blf",
 * "blf" events and /me/blf answers; their lamps follow line-state,
 * presence, call and group-calls events.
 */

#define G_LOG_DOMAIN "test-blf-model"

#include "cb-client-private.h"

static JsonObject *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = cb_json_parse_object (json, strlen (json), &error);

  g_assert_no_error (error);
  return object;
}

static void
apply_snapshot (CbClientStore *store,
                const char    *json)
{
  g_autoptr(JsonObject) snapshot = parse (json);
  g_autoptr(GError) error = NULL;

  g_assert_true (cb_client_store_apply_snapshot (store, snapshot, &error));
  g_assert_no_error (error);
}

static gboolean
apply_event (CbClientStore *store,
             gint64         seq,
             const char    *type,
             const char    *data)
{
  g_autoptr(JsonObject) object = parse (data);
  CbEventType event_type;

  g_assert_true (cb_event_type_from_string (type, &event_type));
  return cb_client_store_apply_event (store, seq, event_type, object);
}

static CbBlfKey *
key_at (CbClientStore *store,
        guint          position)
{
  g_autoptr(CbBlfKey) key = g_list_model_get_item (cb_client_store_get_blf (store), position);

  g_assert_nonnull (key);
  return key;  /* the store keeps it */
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
count_items_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     guint      *count)
{
  (*count)++;
}

/* Anna is me. Ben (team) is busy, Carla (business) rings, Dora (public)
 * is in do not disturb; Support is a hunt group. The field: Ben, Carla,
 * Support, a number, then keys Anna's groups distribute (Dora, and
 * Erik, whom the store does not know yet). */
static const char *snapshot_json =
  "{\"seq\": 10,"
  " \"me\": {\"id\": 1, \"username\": \"anna\", \"display_name\": \"Anna Berger\", \"kind\": \"user\","
  "          \"extension\": \"201\", \"level\": \"personal\","
  "          \"presence\": {\"availability\": \"available\"}, \"line_state\": \"idle\","
  "          \"agent_status\": \"logged-in\", \"group_logins\": []},"
  " \"users\": ["
  "  {\"id\": 2, \"username\": \"ben\", \"display_name\": \"Ben Carter\", \"kind\": \"user\","
  "   \"extension\": \"202\", \"level\": \"team\","
  "   \"presence\": {\"availability\": \"available\"}, \"line_state\": \"busy\","
  "   \"agent_status\": \"available\", \"group_logins\": []},"
  "  {\"id\": 4, \"username\": \"carla\", \"display_name\": \"Carla Diaz\", \"kind\": \"user\","
  "   \"extension\": \"204\", \"level\": \"business\","
  "   \"presence\": {\"availability\": \"available\"}, \"line_state\": \"ringing\"},"
  "  {\"id\": 5, \"username\": \"dora\", \"display_name\": \"Dora Ek\", \"kind\": \"device\","
  "   \"extension\": \"205\", \"level\": \"public\","
  "   \"presence\": {\"availability\": \"dnd\"}}"
  " ],"
  " \"groups\": ["
  "  {\"id\": 3, \"name\": \"Support\", \"kind\": \"hunt\", \"number\": \"600\","
  "   \"strategy\": \"parallel\", \"member_timeout\": 15, \"ringing\": 0,"
  "   \"level\": \"team\", \"leader_level\": \"personal\", \"leader\": null, \"deputy\": null,"
  "   \"members\": [{\"user_id\": 1, \"logged_in\": true}, {\"user_id\": 2, \"logged_in\": true}]}"
  " ],"
  " \"favourites\": [], \"monitor\": [],"
  " \"blf\": ["
  "  {\"id\": 11, \"kind\": \"user\", \"user_id\": 2, \"label\": null, \"distributed\": false},"
  "  {\"id\": 12, \"kind\": \"user\", \"user_id\": 4, \"label\": \"Reception\", \"distributed\": false},"
  "  {\"id\": 13, \"kind\": \"group\", \"group_id\": 3, \"label\": \"\", \"distributed\": false},"
  "  {\"id\": 14, \"kind\": \"number\", \"number\": \"+49 30 1234\", \"label\": \"Taxi\","
  "   \"distributed\": false},"
  "  {\"id\": 15, \"kind\": \"user\", \"user_id\": 5, \"label\": null, \"distributed\": true},"
  "  {\"id\": 16, \"kind\": \"user\", \"user_id\": 6, \"label\": null, \"distributed\": true},"
  "  {\"id\": 17, \"kind\": \"fax\", \"number\": \"1\"}"
  " ]}";

static void
test_snapshot_keys (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  GListModel *blf = cb_client_store_get_blf (store);
  CbBlfKey *ben, *carla, *support, *taxi, *dora, *erik;
  guint lamp_changes = 0;

  apply_snapshot (store, snapshot_json);

  /* A key of a kind this build does not know is left out. */
  g_assert_cmpuint (g_list_model_get_n_items (blf), ==, 6);
  ben = key_at (store, 0);
  carla = key_at (store, 1);
  support = key_at (store, 2);
  taxi = key_at (store, 3);
  dora = key_at (store, 4);
  erik = key_at (store, 5);
  g_assert_true (cb_client_store_lookup_blf_key (store, 12) == carla);

  g_assert_cmpint (cb_blf_key_get_kind (ben), ==, CB_BLF_KEY_KIND_USER);
  g_assert_true (cb_blf_key_get_contact (ben) == cb_client_store_lookup_contact (store, 2));
  g_assert_cmpstr (cb_blf_key_get_title (ben), ==, "Ben Carter");
  g_assert_cmpstr (cb_blf_key_get_dial_number (ben), ==, "202");
  g_assert_null (cb_blf_key_get_label (ben));
  g_assert_false (cb_blf_key_get_distributed (ben));
  g_assert_cmpint (cb_blf_key_get_lamp (ben), ==, CB_BLF_LAMP_BUSY);

  /* Business level shows the line: Carla rings, but no call is known. */
  g_assert_cmpstr (cb_blf_key_get_title (carla), ==, "Reception");
  g_assert_cmpint (cb_blf_key_get_lamp (carla), ==, CB_BLF_LAMP_RINGING);
  g_assert_null (cb_contact_get_ringing_call_id (cb_blf_key_get_contact (carla)));

  g_assert_true (cb_blf_key_get_group (support) == cb_client_store_lookup_group (store, 3));
  g_assert_null (cb_blf_key_get_label (support));
  g_assert_cmpstr (cb_blf_key_get_title (support), ==, "Support");
  g_assert_cmpstr (cb_blf_key_get_dial_number (support), ==, "600");
  g_assert_cmpint (cb_blf_key_get_lamp (support), ==, CB_BLF_LAMP_FREE);

  g_assert_cmpint (cb_blf_key_get_kind (taxi), ==, CB_BLF_KEY_KIND_NUMBER);
  g_assert_cmpstr (cb_blf_key_get_title (taxi), ==, "Taxi");
  g_assert_cmpstr (cb_blf_key_get_dial_number (taxi), ==, "+49 30 1234");
  g_assert_cmpint (cb_blf_key_get_lamp (taxi), ==, CB_BLF_LAMP_NONE);

  /* Public level: presence only. */
  g_assert_true (cb_blf_key_get_distributed (dora));
  g_assert_cmpint (cb_blf_key_get_lamp (dora), ==, CB_BLF_LAMP_DND);

  /* A colleague the store does not know yet; the user event brings them. */
  g_assert_null (cb_blf_key_get_contact (erik));
  g_assert_cmpint (cb_blf_key_get_lamp (erik), ==, CB_BLF_LAMP_UNKNOWN);
  g_signal_connect (erik, "notify::lamp", G_CALLBACK (count_notify), &lamp_changes);
  g_assert_true (apply_event (store, 11, "user",
                              "{\"id\": 6, \"username\": \"erik\", \"display_name\": \"Erik Falk\","
                              " \"kind\": \"user\", \"extension\": \"206\", \"level\": \"business\","
                              " \"presence\": {\"availability\": \"available\"}, \"line_state\": \"idle\"}"));
  g_assert_nonnull (cb_blf_key_get_contact (erik));
  g_assert_cmpstr (cb_blf_key_get_title (erik), ==, "Erik Falk");
  g_assert_cmpint (cb_blf_key_get_lamp (erik), ==, CB_BLF_LAMP_FREE);
  g_assert_cmpuint (lamp_changes, ==, 1);

  /* Erik becomes invisible (level none): the key stays, its target goes. */
  g_assert_true (apply_event (store, 12, "user",
                              "{\"id\": 6, \"username\": \"erik\", \"display_name\": \"Erik Falk\","
                              " \"kind\": \"user\", \"level\": \"none\","
                              " \"presence\": {\"availability\": \"available\"}}"));
  g_assert_null (cb_blf_key_get_contact (erik));
  g_assert_cmpint (cb_blf_key_get_lamp (erik), ==, CB_BLF_LAMP_UNKNOWN);
  g_signal_handlers_disconnect_by_data (erik, &lamp_changes);
}

/* The field changes by "blf" events and /me/blf answers: keys keep their
 * objects across them, and an unchanged field changes nothing. */
static void
test_blf_event (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  GListModel *blf = cb_client_store_get_blf (store);
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  CbBlfKey *ben, *carla;
  guint changes = 0;

  apply_snapshot (store, snapshot_json);
  ben = key_at (store, 0);
  carla = key_at (store, 1);
  g_signal_connect (blf, "items-changed", G_CALLBACK (count_items_changed), &changes);

  /* Reordered, the number gone, the label changed. */
  g_assert_true (apply_event (store, 11, "blf",
                              "{\"keys\": ["
                              " {\"id\": 12, \"kind\": \"user\", \"user_id\": 4, \"label\": \"Front desk\","
                              "  \"distributed\": false},"
                              " {\"id\": 11, \"kind\": \"user\", \"user_id\": 2, \"label\": null,"
                              "  \"distributed\": false},"
                              " {\"id\": 13, \"kind\": \"group\", \"group_id\": 3, \"label\": null,"
                              "  \"distributed\": false}]}"));
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (blf), ==, 3);
  g_assert_true (key_at (store, 0) == carla);
  g_assert_true (key_at (store, 1) == ben);
  g_assert_cmpstr (cb_blf_key_get_title (carla), ==, "Front desk");
  g_assert_null (cb_client_store_lookup_blf_key (store, 14));

  /* The same field again, as the answer to the request that made it. */
  answer = parse ("{\"keys\": ["
                  " {\"id\": 12, \"kind\": \"user\", \"user_id\": 4, \"label\": \"Front desk\","
                  "  \"distributed\": false},"
                  " {\"id\": 11, \"kind\": \"user\", \"user_id\": 2, \"label\": null, \"distributed\": false},"
                  " {\"id\": 13, \"kind\": \"group\", \"group_id\": 3, \"label\": null,"
                  "  \"distributed\": false}]}");
  g_assert_true (cb_client_store_apply_blf (store, answer, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 1);

  /* Not a field at all. */
  g_clear_pointer (&answer, json_object_unref);
  answer = parse ("{\"key\": []}");
  g_assert_false (cb_client_store_apply_blf (store, answer, &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD);
  g_assert_cmpuint (g_list_model_get_n_items (blf), ==, 3);

  /* A snapshot is the whole truth again, with the same objects. */
  apply_snapshot (store, snapshot_json);
  g_assert_cmpuint (g_list_model_get_n_items (blf), ==, 6);
  g_assert_true (key_at (store, 0) == ben);
  g_assert_true (key_at (store, 1) == carla);
  g_assert_cmpstr (cb_blf_key_get_title (carla), ==, "Reception");

  g_signal_handlers_disconnect_by_data (blf, &changes);
}

/* A colleague's lamp follows their line state and presence, and changes
 * (notifies) only when what it shows changes. */
static void
test_line_state_lamps (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  CbBlfKey *ben;
  guint lamp_changes = 0;

  apply_snapshot (store, snapshot_json);
  ben = key_at (store, 0);
  g_signal_connect (ben, "notify::lamp", G_CALLBACK (count_notify), &lamp_changes);

  g_assert_true (apply_event (store, 11, "line-state", "{\"user_id\": 2, \"line_state\": \"idle\"}"));
  g_assert_cmpint (cb_blf_key_get_lamp (ben), ==, CB_BLF_LAMP_FREE);
  g_assert_true (apply_event (store, 12, "presence",
                              "{\"user_id\": 2, \"availability\": \"away\", \"note\": \"back at 3\"}"));
  g_assert_cmpint (cb_blf_key_get_lamp (ben), ==, CB_BLF_LAMP_FREE);
  g_assert_cmpuint (lamp_changes, ==, 1);

  g_assert_true (apply_event (store, 13, "presence", "{\"user_id\": 2, \"availability\": \"dnd\"}"));
  g_assert_cmpint (cb_blf_key_get_lamp (ben), ==, CB_BLF_LAMP_DND);
  /* On the phone is on the phone, do not disturb or not. */
  g_assert_true (apply_event (store, 14, "line-state", "{\"user_id\": 2, \"line_state\": \"busy\"}"));
  g_assert_cmpint (cb_blf_key_get_lamp (ben), ==, CB_BLF_LAMP_BUSY);
  g_assert_true (apply_event (store, 15, "line-state", "{\"user_id\": 2, \"line_state\": \"on-hold\"}"));
  g_assert_cmpint (cb_blf_key_get_lamp (ben), ==, CB_BLF_LAMP_ON_HOLD);
  g_assert_true (apply_event (store, 16, "line-state", "{\"user_id\": 2, \"line_state\": \"ringing\"}"));
  g_assert_cmpint (cb_blf_key_get_lamp (ben), ==, CB_BLF_LAMP_RINGING);
  g_assert_true (apply_event (store, 17, "line-state", "{\"user_id\": 2, \"line_state\": \"offline\"}"));
  g_assert_cmpint (cb_blf_key_get_lamp (ben), ==, CB_BLF_LAMP_OFFLINE);
  g_assert_cmpuint (lamp_changes, ==, 6);

  g_signal_handlers_disconnect_by_data (ben, &lamp_changes);
}

/* Ben's call events (team level): an incoming call ringing there can be
 * taken, with its caller; answered or ended it cannot. */
static void
test_ringing_call (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  CbBlfKey *ben;
  CbContact *contact;

  apply_snapshot (store, snapshot_json);
  ben = key_at (store, 0);
  contact = cb_blf_key_get_contact (ben);
  g_assert_true (apply_event (store, 11, "line-state", "{\"user_id\": 2, \"line_state\": \"idle\"}"));

  g_assert_true (apply_event (store, 12, "call",
                              "{\"call_id\": \"c1\", \"state\": \"ringing\", \"user_id\": 2,"
                              " \"direction\": \"in\", \"from\": \"+4930123\", \"to\": \"202\","
                              " \"remote_number\": \"+4930123\", \"remote_name\": \"Erika Muster\","
                              " \"remote_user_id\": null, \"started_at\": 1700000000,"
                              " \"answered_at\": null, \"device_call_id\": \"x\", \"device\": \"softphone\","
                              " \"group\": null, \"picked_up\": false}"));
  g_assert_cmpstr (cb_contact_get_ringing_call_id (contact), ==, "c1");
  g_assert_cmpstr (cb_contact_get_ringing_caller_name (contact), ==, "Erika Muster");
  g_assert_cmpstr (cb_contact_get_ringing_caller_number (contact), ==, "+4930123");
  /* Before the line-state event: the call alone lights the lamp. */
  g_assert_cmpint (cb_blf_key_get_lamp (ben), ==, CB_BLF_LAMP_RINGING);

  /* A second caller; the newest is shown. */
  g_assert_true (apply_event (store, 13, "call",
                              "{\"call_id\": \"c2\", \"state\": \"ringing\", \"user_id\": 2,"
                              " \"direction\": \"in\", \"from\": \"204\", \"to\": \"202\","
                              " \"remote_number\": \"204\", \"remote_name\": \"Carla Diaz\","
                              " \"remote_user_id\": 4, \"started_at\": 1700000001}"));
  g_assert_cmpstr (cb_contact_get_ringing_call_id (contact), ==, "c2");
  g_assert_cmpstr (cb_contact_get_ringing_caller_name (contact), ==, "Carla Diaz");

  /* Ben answers the second: the first rings on. */
  g_assert_true (apply_event (store, 14, "call",
                              "{\"call_id\": \"c2\", \"state\": \"connected\", \"user_id\": 2,"
                              " \"direction\": \"in\", \"from\": \"204\", \"to\": \"202\","
                              " \"remote_number\": \"204\", \"remote_name\": \"Carla Diaz\","
                              " \"remote_user_id\": 4, \"started_at\": 1700000001,"
                              " \"answered_at\": 1700000005}"));
  g_assert_cmpstr (cb_contact_get_ringing_call_id (contact), ==, "c1");
  g_assert_true (apply_event (store, 15, "line-state", "{\"user_id\": 2, \"line_state\": \"busy\"}"));
  g_assert_cmpint (cb_blf_key_get_lamp (ben), ==, CB_BLF_LAMP_RINGING);

  /* The first caller gives up. */
  g_assert_true (apply_event (store, 16, "call",
                              "{\"call_id\": \"c1\", \"state\": \"ended\", \"user_id\": 2,"
                              " \"direction\": \"in\", \"from\": \"+4930123\", \"to\": \"202\","
                              " \"remote_number\": \"+4930123\", \"remote_name\": \"\","
                              " \"started_at\": 1700000000}"));
  g_assert_null (cb_contact_get_ringing_call_id (contact));
  g_assert_null (cb_contact_get_ringing_caller_name (contact));
  g_assert_cmpint (cb_blf_key_get_lamp (ben), ==, CB_BLF_LAMP_BUSY);

  /* Not takeable: Ben's own outgoing call, and Anna's call to Ben. */
  g_assert_false (apply_event (store, 17, "call",
                               "{\"call_id\": \"c3\", \"state\": \"ringing\", \"user_id\": 2,"
                               " \"direction\": \"out\", \"from\": \"202\", \"to\": \"204\","
                               " \"remote_number\": \"204\", \"remote_user_id\": 4}"));
  g_assert_false (apply_event (store, 18, "call",
                               "{\"call_id\": \"c4\", \"state\": \"ringing\", \"user_id\": 2,"
                               " \"direction\": \"in\", \"from\": \"201\", \"to\": \"202\","
                               " \"remote_number\": \"201\", \"remote_user_id\": 1}"));
  g_assert_null (cb_contact_get_ringing_call_id (contact));
  /* Anna's own calls are the softphone's, not the store's. */
  g_assert_false (apply_event (store, 19, "call",
                               "{\"call_id\": \"c5\", \"state\": \"ringing\", \"user_id\": 1,"
                               " \"direction\": \"in\", \"from\": \"202\", \"to\": \"201\","
                               " \"remote_number\": \"202\", \"remote_user_id\": 2}"));
  g_assert_cmpint (cb_client_store_get_seq (store), ==, 19);

  /* A snapshot names no calls: one that rings where the line no longer
   * does is forgotten. */
  g_assert_true (apply_event (store, 20, "call",
                              "{\"call_id\": \"c6\", \"state\": \"ringing\", \"user_id\": 2,"
                              " \"direction\": \"in\", \"from\": \"+4930555\", \"to\": \"202\","
                              " \"remote_number\": \"+4930555\"}"));
  g_assert_cmpstr (cb_contact_get_ringing_call_id (contact), ==, "c6");
  g_assert_null (cb_contact_get_ringing_caller_name (contact));
  apply_snapshot (store, snapshot_json);
  g_assert_null (cb_contact_get_ringing_call_id (contact));
}

/* A hunt group's lamp: calls ringing at its members (the group object's
 * "ringing", then group-calls events) or callers waiting in its queue. */
static void
test_group_lamps (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  CbBlfKey *support;
  CbGroup *group;

  apply_snapshot (store, snapshot_json);
  support = key_at (store, 2);
  group = cb_blf_key_get_group (support);

  g_assert_true (apply_event (store, 11, "group-calls", "{\"group_id\": 3, \"ringing\": 2}"));
  g_assert_cmpuint (cb_group_get_ringing (group), ==, 2);
  g_assert_cmpint (cb_blf_key_get_lamp (support), ==, CB_BLF_LAMP_RINGING);
  g_assert_true (apply_event (store, 12, "group-calls", "{\"group_id\": 3, \"ringing\": 0}"));
  g_assert_cmpint (cb_blf_key_get_lamp (support), ==, CB_BLF_LAMP_FREE);
  /* A group this user cannot see. */
  g_assert_false (apply_event (store, 13, "group-calls", "{\"group_id\": 99, \"ringing\": 1}"));

  /* As a queue: a caller waits. */
  g_assert_true (apply_event (store, 14, "group",
                              "{\"id\": 3, \"name\": \"Support\", \"kind\": \"hunt\", \"number\": \"600\","
                              " \"strategy\": \"queue\", \"level\": \"team\", \"ringing\": 0,"
                              " \"queue_order\": \"ring-all\","
                              " \"queue_stats\": {\"waiting\": 0, \"oldest_waiting_since\": null,"
                              "                   \"answered\": 0, \"abandoned\": 0},"
                              " \"members\": [{\"user_id\": 1, \"logged_in\": true}]}"));
  g_assert_cmpint (cb_blf_key_get_lamp (support), ==, CB_BLF_LAMP_FREE);
  g_assert_true (apply_event (store, 15, "queue-stats",
                              "{\"group_id\": 3, \"waiting\": 1, \"oldest_waiting_since\": 1700000000,"
                              " \"answered\": 0, \"abandoned\": 0}"));
  g_assert_cmpint (cb_blf_key_get_lamp (support), ==, CB_BLF_LAMP_RINGING);

  /* The group object's own count, as a resync's snapshot brings it. */
  g_assert_true (apply_event (store, 16, "group",
                              "{\"id\": 3, \"name\": \"Support\", \"kind\": \"hunt\", \"number\": \"600\","
                              " \"strategy\": \"parallel\", \"level\": \"team\", \"ringing\": 1,"
                              " \"members\": [{\"user_id\": 1, \"logged_in\": true}]}"));
  g_assert_cmpuint (cb_group_get_ringing (group), ==, 1);
  g_assert_cmpint (cb_blf_key_get_lamp (support), ==, CB_BLF_LAMP_RINGING);
}

/* The key as a PUT /me/blf body names it. */
static void
test_key_to_json (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  g_autoptr(JsonObject) ben = NULL;
  g_autoptr(JsonObject) taxi = NULL;

  apply_snapshot (store, snapshot_json);
  ben = cb_blf_key_to_json (key_at (store, 0));
  g_assert_cmpint (json_object_get_int_member (ben, "id"), ==, 11);
  g_assert_cmpstr (json_object_get_string_member (ben, "kind"), ==, "user");
  g_assert_cmpint (json_object_get_int_member (ben, "user_id"), ==, 2);
  taxi = cb_blf_key_to_json (key_at (store, 3));
  g_assert_cmpstr (json_object_get_string_member (taxi, "kind"), ==, "number");
  g_assert_cmpstr (json_object_get_string_member (taxi, "number"), ==, "+49 30 1234");
  g_assert_cmpstr (json_object_get_string_member (taxi, "label"), ==, "Taxi");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/blf-model/snapshot", test_snapshot_keys);
  g_test_add_func ("/blf-model/blf-event", test_blf_event);
  g_test_add_func ("/blf-model/line-state-lamps", test_line_state_lamps);
  g_test_add_func ("/blf-model/ringing-call", test_ringing_call);
  g_test_add_func ("/blf-model/group-lamps", test_group_lamps);
  g_test_add_func ("/blf-model/key-to-json", test_key_to_json);

  return g_test_run ();
}
