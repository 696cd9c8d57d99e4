/* test-client-store.c: CbClientStore fed with JSON snapshots and events
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No server: the JSON here is what PROTOCOL.md says the server sends.
 */

#define G_LOG_DOMAIN "test-client-store"

#include "cb-call-as.h"
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

  /* As the event stream hands them over: a type this build does not know
   * only moves the seq on. */
  if (!cb_event_type_from_string (type, &event_type))
    {
      cb_client_store_skip_event (store, seq);
      return FALSE;
    }
  return cb_client_store_apply_event (store, seq, event_type, object);
}

static CbContact *
directory_item (CbClientStore *store,
                guint          position)
{
  GListModel *model = cb_client_store_get_directory (store);
  g_autoptr(CbContact) contact = g_list_model_get_item (model, position);

  return contact;  /* the store keeps it alive */
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

/* Anna is me (personal), Ben a team colleague, Carla at business, Dora at
 * public; the hunt group Support holds Anna, Ben and Dora. */
static const char *base_snapshot =
  "{\"seq\": 10,"
  " \"me\": {\"id\": 1, \"username\": \"anna\", \"display_name\": \"Anna Berger\","
  "          \"kind\": \"user\", \"extension\": \"201\", \"email\": \"anna@example.org\","
  "          \"mobile\": \"+49 170 1\", \"language\": \"de\", \"time_zone\": \"Europe/Berlin\","
  "          \"admin\": true, \"level\": \"personal\","
  "          \"presence\": {\"availability\": \"available\", \"note\": \"\"},"
  "          \"line_state\": \"idle\", \"agent_status\": \"logged-in\","
  "          \"group_logins\": [{\"id\": 3, \"name\": \"Support\"}]},"
  " \"users\": ["
  "  {\"id\": 1, \"username\": \"anna\", \"display_name\": \"Anna Berger\", \"kind\": \"user\","
  "   \"extension\": \"201\", \"level\": \"personal\","
  "   \"presence\": {\"availability\": \"available\"}, \"line_state\": \"idle\","
  "   \"agent_status\": \"logged-in\", \"group_logins\": [{\"id\": 3, \"name\": \"Support\"}]},"
  "  {\"id\": 2, \"username\": \"ben\", \"display_name\": \"Ben Carter\", \"kind\": \"user\","
  "   \"extension\": \"202\", \"level\": \"team\","
  "   \"presence\": {\"availability\": \"away\", \"note\": \"lunch\"}, \"line_state\": \"busy\","
  "   \"agent_status\": \"available\", \"group_logins\": []},"
  "  {\"id\": 4, \"username\": \"carla\", \"display_name\": \"carla diaz\", \"kind\": \"user\","
  "   \"extension\": \"204\", \"level\": \"business\","
  "   \"presence\": {\"availability\": \"busy\"}, \"line_state\": \"ringing\"},"
  "  {\"id\": 5, \"username\": \"dora\", \"display_name\": \"Dora Ek\", \"kind\": \"device\","
  "   \"extension\": \"205\", \"level\": \"public\","
  "   \"presence\": {\"availability\": \"dnd\"}}"
  " ],"
  " \"groups\": ["
  "  {\"id\": 3, \"name\": \"Support\", \"kind\": \"hunt\", \"number\": \"600\","
  "   \"strategy\": \"sequential\", \"member_timeout\": 15, \"wrap_around\": false,"
  "   \"level\": \"team\", \"leader_level\": \"personal\", \"leader\": 2, \"deputy\": null,"
  "   \"members\": [{\"user_id\": 2, \"logged_in\": false}, {\"user_id\": 1, \"logged_in\": true},"
  "                 {\"user_id\": 5}]},"
  "  {\"id\": 7, \"name\": \"Office\", \"kind\": \"authorisation\", \"level\": \"public\","
  "   \"leader_level\": \"team\", \"leader\": null, \"deputy\": null,"
  "   \"members\": [{\"user_id\": 1, \"logged_in\": false}, {\"user_id\": 5}]}"
  " ],"
  " \"favourites\": [5, 2, 99], \"monitor\": [4],"
  " \"favourites_from_groups\": [2], \"monitor_from_groups\": [4]}";

static void
test_snapshot_basics (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  GListModel *directory = cb_client_store_get_directory (store);
  GListModel *favourites = cb_client_store_get_favourites (store);
  GListModel *groups = cb_client_store_get_groups (store);
  CbContact *me;
  CbContact *ben;
  CbGroup *support;
  g_autoptr(CbGroupMember) first = NULL;

  apply_snapshot (store, base_snapshot);

  g_assert_cmpint (cb_client_store_get_seq (store), ==, 10);
  g_assert_cmpuint (g_list_model_get_n_items (directory), ==, 4);

  me = cb_client_store_get_me (store);
  g_assert_nonnull (me);
  g_assert_true (me == cb_client_store_lookup_contact (store, 1));
  g_assert_true (cb_contact_get_is_self (me));
  g_assert_cmpstr (cb_contact_get_email (me), ==, "anna@example.org");
  g_assert_cmpstr (cb_contact_get_time_zone (me), ==, "Europe/Berlin");
  g_assert_true (cb_contact_get_admin (me));
  g_assert_cmpint (cb_contact_get_level (me), ==, CB_LEVEL_PERSONAL);
  /* An empty note is no note. */
  g_assert_null (cb_contact_get_note (me));

  ben = cb_client_store_lookup_contact (store, 2);
  g_assert_false (cb_contact_get_is_self (ben));
  g_assert_cmpint (cb_contact_get_availability (ben), ==, CB_AVAILABILITY_AWAY);
  g_assert_cmpstr (cb_contact_get_note (ben), ==, "lunch");
  g_assert_cmpint (cb_contact_get_line_state (ben), ==, CB_LINE_STATE_BUSY);
  g_assert_cmpint (cb_contact_get_agent_status (ben), ==, CB_AGENT_STATUS_AVAILABLE);
  g_assert_cmpint (cb_contact_get_kind (cb_client_store_lookup_contact (store, 5)), ==,
                   CB_USER_KIND_DEVICE);

  /* Favourites in server order; 99 is not visible and left out. */
  g_assert_cmpuint (g_list_model_get_n_items (favourites), ==, 2);
  {
    g_autoptr(CbContact) f0 = g_list_model_get_item (favourites, 0);
    g_autoptr(CbContact) f1 = g_list_model_get_item (favourites, 1);

    g_assert_cmpint (cb_contact_get_id (f0), ==, 5);
    g_assert_cmpint (cb_contact_get_id (f1), ==, 2);
  }
  g_assert_cmpuint (g_list_model_get_n_items (cb_client_store_get_monitor (store)), ==, 1);

  g_assert_cmpuint (g_list_model_get_n_items (groups), ==, 2);
  support = cb_client_store_lookup_group (store, 3);
  g_assert_nonnull (support);
  g_assert_cmpstr (cb_group_get_name (support), ==, "Support");
  g_assert_cmpint (cb_group_get_kind (support), ==, CB_GROUP_KIND_HUNT);
  g_assert_cmpstr (cb_group_get_number (support), ==, "600");
  g_assert_cmpint (cb_group_get_strategy (support), ==, CB_RING_STRATEGY_SEQUENTIAL);
  g_assert_cmpuint (cb_group_get_member_timeout (support), ==, 15);
  g_assert_true (cb_group_get_leader (support) == ben);
  g_assert_null (cb_group_get_deputy (support));
  g_assert_true (cb_group_get_is_member (support));
  g_assert_true (cb_group_get_logged_in (support));
  g_assert_cmpuint (cb_group_get_logged_in_count (support), ==, 1);

  /* Members in ringing order, as the server listed them. */
  g_assert_cmpuint (g_list_model_get_n_items (cb_group_get_members (support)), ==, 3);
  first = g_list_model_get_item (cb_group_get_members (support), 0);
  g_assert_true (cb_group_member_get_contact (first) == ben);
  g_assert_true (cb_group_member_get_login_known (first));
  g_assert_false (cb_group_member_get_logged_in (first));
  /* Dora is public towards me: her login is hidden. */
  g_assert_null (cb_group_find_member (support, 5));
  g_assert_nonnull (cb_group_find_member (support, 2));

  g_assert_false (cb_group_get_logged_in (cb_client_store_lookup_group (store, 7)));
  g_assert_true (cb_group_get_is_member (cb_client_store_lookup_group (store, 7)));
}

static void
test_identity_across_snapshots (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  g_autoptr(CbContact) ben = NULL;
  g_autoptr(CbContact) dora = NULL;
  g_autoptr(CbGroup) support = NULL;
  g_autoptr(CbGroupMember) ben_member = NULL;
  guint ben_notifies = 0;
  guint dir_changes = 0;
  GListModel *directory = cb_client_store_get_directory (store);

  apply_snapshot (store, base_snapshot);
  ben = g_object_ref (cb_client_store_lookup_contact (store, 2));
  dora = g_object_ref (cb_client_store_lookup_contact (store, 5));
  support = g_object_ref (cb_client_store_lookup_group (store, 3));
  ben_member = g_object_ref (cb_group_find_member (support, 2));

  /* The same snapshot again changes nothing and notifies nothing. */
  g_signal_connect (ben, "notify", G_CALLBACK (count_notify), &ben_notifies);
  g_signal_connect (directory, "items-changed", G_CALLBACK (count_items_changed), &dir_changes);
  apply_snapshot (store, base_snapshot);
  g_assert_cmpuint (ben_notifies, ==, 0);
  g_assert_cmpuint (dir_changes, ==, 0);
  g_assert_true (cb_client_store_lookup_contact (store, 2) == ben);

  /* A newer snapshot: Ben changed his presence, Dora is gone. */
  {
    g_autoptr(JsonObject) snapshot = parse (base_snapshot);
    JsonArray *users = json_object_get_array_member (snapshot, "users");
    JsonObject *ben_json = json_array_get_object_element (users, 1);
    JsonObject *presence = json_object_get_object_member (ben_json, "presence");
    g_autoptr(GError) error = NULL;

    json_object_set_string_member (presence, "availability", "available");
    json_array_remove_element (users, 3);
    json_object_set_int_member (snapshot, "seq", 20);
    g_assert_true (cb_client_store_apply_snapshot (store, snapshot, &error));
    g_assert_no_error (error);
  }

  g_assert_true (cb_client_store_lookup_contact (store, 2) == ben);
  g_assert_cmpint (cb_contact_get_availability (ben), ==, CB_AVAILABILITY_AVAILABLE);
  g_assert_cmpuint (ben_notifies, ==, 1);
  g_assert_null (cb_client_store_lookup_contact (store, 5));
  g_assert_cmpuint (g_list_model_get_n_items (directory), ==, 3);
  g_assert_cmpuint (dir_changes, ==, 1);
  g_assert_cmpint (cb_client_store_get_seq (store), ==, 20);

  /* Groups and their members are the same objects too. */
  g_assert_true (cb_client_store_lookup_group (store, 3) == support);
  g_assert_true (cb_group_find_member (support, 2) == ben_member);
  g_assert_cmpuint (g_list_model_get_n_items (cb_group_get_members (support)), ==, 2);
  /* Dora vanished from favourites as well. */
  g_assert_cmpuint (g_list_model_get_n_items (cb_client_store_get_favourites (store)), ==, 1);

  g_signal_handlers_disconnect_by_data (ben, &ben_notifies);
  g_signal_handlers_disconnect_by_data (directory, &dir_changes);
}

static void
on_event_applied (CbClientStore *store,
                  gint64         seq,
                  CbEventType    type,
                  GArray        *seqs)
{
  g_array_append_val (seqs, seq);
}

static void
test_seq_order (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  g_autoptr(GArray) seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  CbContact *ben;
  guint notifies = 0;

  apply_snapshot (store, base_snapshot);
  ben = cb_client_store_lookup_contact (store, 2);
  g_signal_connect (store, "event-applied", G_CALLBACK (on_event_applied), seqs);

  /* At or below the snapshot's seq: already contained in it. */
  g_assert_false (apply_event (store, 10, "presence",
                               "{\"user_id\": 2, \"availability\": \"busy\"}"));
  g_assert_false (apply_event (store, 3, "presence",
                               "{\"user_id\": 2, \"availability\": \"busy\"}"));
  g_assert_cmpint (cb_contact_get_availability (ben), ==, CB_AVAILABILITY_AWAY);

  g_assert_true (apply_event (store, 12, "presence",
                              "{\"user_id\": 2, \"availability\": \"busy\", \"note\": \"call\"}"));
  g_assert_cmpint (cb_contact_get_availability (ben), ==, CB_AVAILABILITY_BUSY);
  g_assert_cmpstr (cb_contact_get_note (ben), ==, "call");
  g_assert_cmpint (cb_client_store_get_seq (store), ==, 12);

  /* A replay after reconnecting overlaps: the duplicate is skipped... */
  g_signal_connect (ben, "notify", G_CALLBACK (count_notify), &notifies);
  g_assert_false (apply_event (store, 12, "presence",
                               "{\"user_id\": 2, \"availability\": \"dnd\"}"));
  g_assert_cmpint (cb_contact_get_availability (ben), ==, CB_AVAILABILITY_BUSY);
  /* ...and an older one too, even if it would change something. */
  g_assert_false (apply_event (store, 11, "line-state",
                               "{\"user_id\": 2, \"line_state\": \"idle\"}"));
  g_assert_cmpint (cb_contact_get_line_state (ben), ==, CB_LINE_STATE_BUSY);
  g_assert_cmpuint (notifies, ==, 0);

  /* A new event with the values Ben already has: applied, no notify. */
  g_assert_true (apply_event (store, 15, "line-state",
                              "{\"user_id\": 2, \"line_state\": \"busy\"}"));
  g_assert_cmpuint (notifies, ==, 0);
  g_assert_true (apply_event (store, 16, "agent-status",
                              "{\"user_id\": 2, \"agent_status\": \"wrap-up\"}"));
  g_assert_cmpint (cb_contact_get_agent_status (ben), ==, CB_AGENT_STATUS_WRAP_UP);
  g_assert_cmpuint (notifies, ==, 1);

  /* Events about someone not visible, or of an unknown type, are not
   * applied, but the seq moves on so the next pong reports it. */
  g_assert_false (apply_event (store, 17, "presence",
                               "{\"user_id\": 99, \"availability\": \"busy\"}"));
  g_assert_false (apply_event (store, 18, "teleport", "{}"));
  g_assert_cmpint (cb_client_store_get_seq (store), ==, 18);
  /* Control frames are not events. */
  g_assert_false (apply_event (store, 30, "resync", "{}"));
  g_assert_cmpint (cb_client_store_get_seq (store), ==, 18);

  g_assert_cmpuint (cb_client_store_get_applied_count (store), ==, 3);
  g_assert_cmpuint (seqs->len, ==, 3);
  g_assert_cmpint (g_array_index (seqs, gint64, 0), ==, 12);
  g_assert_cmpint (g_array_index (seqs, gint64, 1), ==, 15);
  g_assert_cmpint (g_array_index (seqs, gint64, 2), ==, 16);

  g_signal_handlers_disconnect_by_data (ben, &notifies);
}

static void
test_level_hidden_fields (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  CbContact *carla;
  CbContact *dora;
  CbContact *ben;

  apply_snapshot (store, base_snapshot);
  ben = cb_client_store_lookup_contact (store, 2);
  carla = cb_client_store_lookup_contact (store, 4);
  dora = cb_client_store_lookup_contact (store, 5);

  g_assert_true (cb_contact_get_has_line_state (ben));
  g_assert_true (cb_contact_get_has_agent_status (ben));
  g_assert_true (cb_contact_get_has_group_logins (ben));

  /* business: line state, but no agent status or logins. */
  g_assert_cmpint (cb_contact_get_level (carla), ==, CB_LEVEL_BUSINESS);
  g_assert_true (cb_contact_get_has_line_state (carla));
  g_assert_cmpint (cb_contact_get_line_state (carla), ==, CB_LINE_STATE_RINGING);
  g_assert_false (cb_contact_get_has_agent_status (carla));
  g_assert_cmpint (cb_contact_get_agent_status (carla), ==, CB_AGENT_STATUS_LOGGED_OUT);
  g_assert_false (cb_contact_get_has_group_logins (carla));

  /* public: availability only; the rest keeps its defaults. */
  g_assert_cmpint (cb_contact_get_availability (dora), ==, CB_AVAILABILITY_DND);
  g_assert_false (cb_contact_get_has_line_state (dora));
  g_assert_cmpint (cb_contact_get_line_state (dora), ==, CB_LINE_STATE_OFFLINE);
  g_assert_false (cb_contact_get_has_agent_status (dora));
  g_assert_cmpuint (g_strv_length ((GStrv) cb_contact_get_group_logins (dora)), ==, 0);

  /* An admin raised Carla to team: a "user" event brings the fields. */
  g_assert_true (apply_event (store, 12, "user",
                              "{\"id\": 4, \"username\": \"carla\", \"display_name\": \"carla diaz\","
                              " \"kind\": \"user\", \"level\": \"team\","
                              " \"presence\": {\"availability\": \"busy\"}, \"line_state\": \"idle\","
                              " \"agent_status\": \"not-available\", \"group_logins\": []}"));
  g_assert_true (cb_contact_get_has_agent_status (carla));
  g_assert_cmpint (cb_contact_get_agent_status (carla), ==, CB_AGENT_STATUS_NOT_AVAILABLE);
  g_assert_true (cb_contact_get_has_group_logins (carla));
  g_assert_cmpint (cb_contact_get_line_state (carla), ==, CB_LINE_STATE_IDLE);

  /* And lowered back to public: the fields are hidden again. */
  g_assert_true (apply_event (store, 13, "user",
                              "{\"id\": 4, \"username\": \"carla\", \"display_name\": \"carla diaz\","
                              " \"kind\": \"user\", \"level\": \"public\","
                              " \"presence\": {\"availability\": \"busy\"}}"));
  g_assert_false (cb_contact_get_has_agent_status (carla));
  g_assert_false (cb_contact_get_has_line_state (carla));
  g_assert_cmpint (cb_contact_get_line_state (carla), ==, CB_LINE_STATE_OFFLINE);
  g_assert_cmpint (cb_contact_get_level (carla), ==, CB_LEVEL_PUBLIC);
}

static void
assert_directory_order (CbClientStore *store,
                        const char    *expected)
{
  GListModel *directory = cb_client_store_get_directory (store);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (directory); i++)
    {
      g_autoptr(CbContact) contact = g_list_model_get_item (directory, i);

      g_string_append_printf (names, "%s%s", i > 0 ? "," : "", cb_contact_get_username (contact));
    }
  g_assert_cmpstr (names->str, ==, expected);
}

static void
test_sorting (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  CbContact *ben;
  guint ben_notifies = 0;

  apply_snapshot (store, base_snapshot);
  /* By display name, case-insensitively: "carla diaz" between Ben and Dora. */
  assert_directory_order (store, "anna,ben,carla,dora");
  g_assert_true (directory_item (store, 0) == cb_client_store_get_me (store));

  /* A new user arrives in the right place. */
  g_assert_true (apply_event (store, 11, "user",
                              "{\"id\": 8, \"username\": \"bea\", \"display_name\": \"Bea Adler\","
                              " \"kind\": \"user\", \"level\": \"public\","
                              " \"presence\": {\"availability\": \"available\"}}"));
  assert_directory_order (store, "anna,bea,ben,carla,dora");

  /* A rename moves the same object. */
  ben = cb_client_store_lookup_contact (store, 2);
  g_signal_connect (ben, "notify::display-name", G_CALLBACK (count_notify), &ben_notifies);
  g_assert_true (apply_event (store, 12, "user",
                              "{\"id\": 2, \"username\": \"ben\", \"display_name\": \"Zeno Ben\","
                              " \"kind\": \"user\", \"level\": \"team\","
                              " \"presence\": {\"availability\": \"away\", \"note\": \"lunch\"},"
                              " \"line_state\": \"busy\", \"agent_status\": \"available\","
                              " \"group_logins\": []}"));
  assert_directory_order (store, "anna,bea,carla,dora,ben");
  g_assert_true (cb_client_store_lookup_contact (store, 2) == ben);
  g_assert_true (directory_item (store, 4) == ben);
  g_assert_cmpuint (ben_notifies, ==, 1);

  /* No display name: sorted (and shown) by username. */
  g_assert_true (apply_event (store, 13, "user",
                              "{\"id\": 9, \"username\": \"cecil\", \"display_name\": \"\","
                              " \"kind\": \"device\", \"level\": \"public\"}"));
  assert_directory_order (store, "anna,bea,carla,cecil,dora,ben");
  g_assert_cmpstr (cb_contact_get_display_name (cb_client_store_lookup_contact (store, 9)), ==,
                   "cecil");

  g_signal_handlers_disconnect_by_data (ben, &ben_notifies);
}

static void
test_group_logins (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  CbContact *me;
  CbContact *ben;
  CbGroup *support;
  CbGroupMember *ben_member;
  const char * const *logins;
  guint logins_notifies = 0;
  guint group_notifies = 0;

  apply_snapshot (store, base_snapshot);
  me = cb_client_store_get_me (store);
  ben = cb_client_store_lookup_contact (store, 2);
  support = cb_client_store_lookup_group (store, 3);
  ben_member = cb_group_find_member (support, 2);

  logins = cb_contact_get_group_logins (me);
  g_assert_cmpuint (g_strv_length ((GStrv) logins), ==, 1);
  g_assert_cmpstr (logins[0], ==, "Support");

  /* Ben logs into Support. */
  g_signal_connect (ben, "notify::group-logins", G_CALLBACK (count_notify), &logins_notifies);
  g_assert_true (apply_event (store, 11, "group-login",
                              "{\"group_id\": 3, \"group_name\": \"Support\", \"user_id\": 2,"
                              " \"logged_in\": true}"));
  logins = cb_contact_get_group_logins (ben);
  g_assert_cmpuint (g_strv_length ((GStrv) logins), ==, 1);
  g_assert_cmpstr (logins[0], ==, "Support");
  g_assert_cmpuint (logins_notifies, ==, 1);
  g_assert_true (cb_group_member_get_logged_in (ben_member));
  g_assert_cmpuint (cb_group_get_logged_in_count (support), ==, 2);

  /* ...and into a group this viewer does not see: the name comes with
   * the event; the list stays sorted. */
  g_assert_true (apply_event (store, 12, "group-login",
                              "{\"group_id\": 40, \"group_name\": \"Billing\", \"user_id\": 2,"
                              " \"logged_in\": true}"));
  logins = cb_contact_get_group_logins (ben);
  g_assert_cmpuint (g_strv_length ((GStrv) logins), ==, 2);
  g_assert_cmpstr (logins[0], ==, "Billing");
  g_assert_cmpstr (logins[1], ==, "Support");

  /* The same login again (a replayed state) changes nothing. */
  g_assert_true (apply_event (store, 13, "group-login",
                              "{\"group_id\": 40, \"group_name\": \"Billing\", \"user_id\": 2,"
                              " \"logged_in\": true}"));
  g_assert_cmpuint (logins_notifies, ==, 2);

  /* I log out of Support: my contact and the group's own flag follow. */
  g_signal_connect (support, "notify::logged-in", G_CALLBACK (count_notify), &group_notifies);
  g_assert_true (apply_event (store, 14, "group-login",
                              "{\"group_id\": 3, \"group_name\": \"Support\", \"user_id\": 1,"
                              " \"logged_in\": false}"));
  g_assert_false (cb_group_get_logged_in (support));
  g_assert_cmpuint (group_notifies, ==, 1);
  g_assert_cmpuint (g_strv_length ((GStrv) cb_contact_get_group_logins (me)), ==, 0);
  g_assert_cmpuint (cb_group_get_logged_in_count (support), ==, 1);

  /* A snapshot's group_logins replaces what events built. */
  apply_snapshot (store, base_snapshot);
  g_assert_cmpuint (g_strv_length ((GStrv) cb_contact_get_group_logins (ben)), ==, 0);
  g_assert_true (cb_group_get_logged_in (support));
  g_assert_false (cb_group_member_get_logged_in (ben_member));

  g_signal_handlers_disconnect_by_data (ben, &logins_notifies);
  g_signal_handlers_disconnect_by_data (support, &group_notifies);
}

static void
test_group_event (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  CbGroup *support;
  g_autoptr(CbGroupMember) ben_member = NULL;
  GListModel *members;

  apply_snapshot (store, base_snapshot);
  support = cb_client_store_lookup_group (store, 3);
  members = cb_group_get_members (support);
  ben_member = g_object_ref (cb_group_find_member (support, 2));

  /* Reordered members, new strategy: same group and member objects. */
  g_assert_true (apply_event (store, 11, "group",
                              "{\"id\": 3, \"name\": \"Support\", \"kind\": \"hunt\", \"number\": \"600\","
                              " \"strategy\": \"queue\", \"member_timeout\": 20, \"level\": \"team\","
                              " \"leader_level\": \"personal\", \"leader\": 2, \"deputy\": 1,"
                              " \"members\": [{\"user_id\": 1, \"logged_in\": true},"
                              "               {\"user_id\": 2, \"logged_in\": false}]}"));
  g_assert_true (cb_client_store_lookup_group (store, 3) == support);
  g_assert_cmpint (cb_group_get_strategy (support), ==, CB_RING_STRATEGY_QUEUE);
  g_assert_cmpuint (cb_group_get_member_timeout (support), ==, 20);
  g_assert_true (cb_group_get_deputy (support) == cb_client_store_get_me (store));
  g_assert_cmpuint (g_list_model_get_n_items (members), ==, 2);
  {
    g_autoptr(CbGroupMember) second = g_list_model_get_item (members, 1);

    g_assert_true (second == ben_member);
    g_assert_cmpuint (cb_group_member_get_logged_in (second), ==, FALSE);
  }
  {
    guint position = 0;

    g_object_get (ben_member, "position", &position, NULL);
    g_assert_cmpuint (position, ==, 1);
  }

  /* A new group becomes visible. */
  g_assert_true (apply_event (store, 12, "group",
                              "{\"id\": 12, \"name\": \"Sales\", \"kind\": \"authorisation\","
                              " \"level\": \"business\", \"leader_level\": \"team\","
                              " \"leader\": null, \"deputy\": null,"
                              " \"members\": [{\"user_id\": 1}, {\"user_id\": 4}]}"));
  g_assert_cmpuint (g_list_model_get_n_items (cb_client_store_get_groups (store)), ==, 3);
  g_assert_true (cb_group_get_is_member (cb_client_store_lookup_group (store, 12)));
}


/* Hunt groups: queue statistics in the group and as queue-stats events,
 * and journal entries of group calls. */
static void
test_queue_and_group_calls (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) page = NULL;
  g_autoptr(CbJournalEntry) taken = NULL;
  g_autoptr(CbJournalEntry) picked = NULL;
  g_autoptr(CbJournalEntry) missed = NULL;
  GListModel *journal;
  CbGroup *support;
  guint notified = 0;

  apply_snapshot (store, base_snapshot);
  support = cb_client_store_lookup_group (store, 3);
  g_assert_null (cb_group_get_queue_order (support));
  g_assert_cmpuint (cb_group_get_queue_waiting (support), ==, 0);

  g_assert_true (apply_event (store, 11, "group",
                              "{\"id\": 3, \"name\": \"Support\", \"kind\": \"hunt\", \"number\": \"600\","
                              " \"strategy\": \"queue\", \"member_timeout\": 20, \"level\": \"team\","
                              " \"leader_level\": \"personal\", \"leader\": 2, \"deputy\": null,"
                              " \"ring_in_use\": false, \"overflow\": \"202\", \"pickup_oldest\": true,"
                              " \"queue_order\": \"longest-idle\", \"agent_timeout\": 15, \"max_wait\": 300,"
                              " \"wrap_up\": 30, \"announcement\": false,"
                              " \"queue_stats\": {\"waiting\": 2, \"oldest_waiting_since\": 1700000000,"
                              "                   \"answered\": 7, \"abandoned\": 1},"
                              " \"members\": [{\"user_id\": 1, \"logged_in\": true}]}"));
  g_assert_cmpstr (cb_group_get_queue_order (support), ==, "longest-idle");
  g_assert_cmpuint (cb_group_get_queue_waiting (support), ==, 2);
  g_assert_cmpint (cb_group_get_queue_oldest_waiting_since (support), ==, 1700000000);
  g_assert_cmpuint (cb_group_get_queue_answered (support), ==, 7);
  g_assert_cmpuint (cb_group_get_queue_abandoned (support), ==, 1);

  /* The event changes only what changed; null means nobody waits. */
  g_signal_connect (support, "notify::queue-waiting", G_CALLBACK (count_notify), &notified);
  g_assert_true (apply_event (store, 12, "queue-stats",
                              "{\"group_id\": 3, \"waiting\": 0, \"oldest_waiting_since\": null,"
                              " \"answered\": 8, \"abandoned\": 1}"));
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (cb_group_get_queue_waiting (support), ==, 0);
  g_assert_cmpint (cb_group_get_queue_oldest_waiting_since (support), ==, 0);
  g_assert_cmpuint (cb_group_get_queue_answered (support), ==, 8);
  g_assert_true (apply_event (store, 13, "queue-stats",
                              "{\"group_id\": 3, \"waiting\": 0, \"oldest_waiting_since\": null,"
                              " \"answered\": 8, \"abandoned\": 1}"));
  g_assert_cmpuint (notified, ==, 1);
  /* A group the viewer cannot see. */
  g_assert_false (apply_event (store, 14, "queue-stats",
                               "{\"group_id\": 99, \"waiting\": 1, \"oldest_waiting_since\": 1,"
                               " \"answered\": 0, \"abandoned\": 0}"));

  /* Journal: taken by a colleague (not missed), picked up for a leader
   * (an assistant's), missed; the first from a server without "for". */
  page = parse ("{\"entries\": ["
                " {\"id\": 3, \"user_id\": 1, \"call_id\": \"c3\", \"direction\": \"in\","
                "  \"remote_number\": \"+4930123\", \"remote_name\": \"\", \"remote_user_id\": null,"
                "  \"started_at\": 1700000300, \"answered_at\": null, \"ended_at\": 1700000310,"
                "  \"duration\": 0, \"answered\": false, \"group_id\": 3, \"group_name\": \"Support\","
                "  \"taken_by_user_id\": 2, \"taken_by_name\": \"Ben Carter\", \"picked_up\": false},"
                " {\"id\": 2, \"user_id\": 1, \"call_id\": \"c2\", \"direction\": \"in\","
                "  \"remote_number\": \"204\", \"remote_name\": \"carla diaz\", \"remote_user_id\": 4,"
                "  \"started_at\": 1700000200, \"answered_at\": 1700000205, \"ended_at\": 1700000260,"
                "  \"duration\": 55, \"answered\": true, \"group_id\": null, \"group_name\": null,"
                "  \"taken_by_user_id\": null, \"taken_by_name\": null, \"picked_up\": true,"
                "  \"picked_up_from\": {\"user_id\": 2, \"name\": \"Ben Carter\"},"
                "  \"forwarded_to\": {\"user_id\": null, \"number\": \"+4930777\", \"name\": \"\"},"
                "  \"for\": {\"user_id\": 7, \"name\": \"Dr. Thomas Krause\"}},"
                " {\"id\": 1, \"user_id\": 1, \"call_id\": \"c1\", \"direction\": \"in\","
                "  \"remote_number\": \"+4930999\", \"remote_name\": \"\", \"remote_user_id\": null,"
                "  \"started_at\": 1700000100, \"answered_at\": null, \"ended_at\": 1700000130,"
                "  \"duration\": 0, \"answered\": false, \"group_id\": 3, \"group_name\": \"Support\","
                "  \"taken_by_user_id\": null, \"taken_by_name\": null, \"picked_up\": false,"
                "  \"for\": null}],"
                " \"missed\": 1}");
  g_assert_true (cb_client_store_apply_journal (store, page, &error));
  g_assert_no_error (error);
  journal = cb_client_store_get_journal (store);
  g_assert_cmpuint (g_list_model_get_n_items (journal), ==, 3);
  taken = g_list_model_get_item (journal, 0);
  picked = g_list_model_get_item (journal, 1);
  missed = g_list_model_get_item (journal, 2);

  g_assert_cmpint (cb_journal_entry_get_group_id (taken), ==, 3);
  g_assert_cmpstr (cb_journal_entry_get_group_name (taken), ==, "Support");
  g_assert_cmpint (cb_journal_entry_get_taken_by_user_id (taken), ==, 2);
  g_assert_cmpstr (cb_journal_entry_get_taken_by_name (taken), ==, "Ben Carter");
  g_assert_false (cb_journal_entry_get_missed (taken));
  g_assert_null (cb_journal_entry_get_picked_up_from (taken));
  g_assert_null (cb_journal_entry_get_forwarded_to (taken));
  g_assert_cmpint (cb_journal_entry_get_for_user_id (taken), ==, 0);
  g_assert_null (cb_journal_entry_get_for_name (taken));

  g_assert_cmpint (cb_journal_entry_get_group_id (picked), ==, 0);
  g_assert_null (cb_journal_entry_get_group_name (picked));
  g_assert_null (cb_journal_entry_get_taken_by_name (picked));
  g_assert_true (cb_journal_entry_get_picked_up (picked));
  g_assert_cmpstr (cb_journal_entry_get_picked_up_from (picked), ==, "Ben Carter");
  /* Forwarded beyond the trunk: named by the number. */
  g_assert_cmpstr (cb_journal_entry_get_forwarded_to (picked), ==, "+4930777");
  g_assert_cmpint (cb_journal_entry_get_for_user_id (picked), ==, 7);
  g_assert_cmpstr (cb_journal_entry_get_for_name (picked), ==, "Dr. Thomas Krause");

  g_assert_cmpstr (cb_journal_entry_get_group_name (missed), ==, "Support");
  g_assert_true (cb_journal_entry_get_missed (missed));
  g_assert_null (cb_journal_entry_get_for_name (missed));
  g_assert_cmpuint (cb_client_store_get_missed_count (store), ==, 1);

  /* A colleague's take arriving live does not count as missed either. */
  g_assert_true (apply_event (store, 15, "journal",
                              "{\"id\": 4, \"user_id\": 1, \"call_id\": \"c4\", \"direction\": \"in\","
                              " \"remote_number\": \"+4930555\", \"remote_name\": \"\", \"remote_user_id\": null,"
                              " \"started_at\": 1700000400, \"answered_at\": null, \"ended_at\": 1700000410,"
                              " \"duration\": 0, \"answered\": false, \"group_id\": 3, \"group_name\": \"Support\","
                              " \"taken_by_user_id\": 2, \"taken_by_name\": \"Ben Carter\", \"picked_up\": false}"));
  g_assert_cmpuint (cb_client_store_get_missed_count (store), ==, 1);
}

/* A journal entry of one call, as the server writes it. */
static char *
journal_entry_json (gint64      id,
                    const char *direction,
                    const char *outcome)
{
  return g_strdup_printf ("{\"id\": %" G_GINT64_FORMAT ", \"user_id\": 1, \"call_id\": \"c%" G_GINT64_FORMAT "\","
                          " \"direction\": \"%s\", \"remote_number\": \"+4930%" G_GINT64_FORMAT "\","
                          " \"remote_name\": \"\", \"remote_user_id\": null,"
                          " \"started_at\": 1700000100, \"answered_at\": null, \"ended_at\": 1700000130,"
                          " \"duration\": 0, \"answered\": false, \"group_id\": null, \"group_name\": null,"
                          " \"taken_by_user_id\": null, \"taken_by_name\": null, \"picked_up\": false,"
                          " \"outcome\": \"%s\"}", id, id, direction, id, outcome);
}

/* The journal's outcomes and the missed count: the server's count of
 * missed calls not looked at yet, a declined call not among them, and
 * "journal-seen" (from this device's PUT or another device) clearing it. */
static void
test_journal_seen (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  g_autoptr(JsonObject) page = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *e1 = journal_entry_json (1, "in", "missed");
  g_autofree char *e2 = journal_entry_json (2, "in", "declined");
  g_autofree char *e3 = journal_entry_json (3, "out", "busy");
  g_autofree char *e4 = journal_entry_json (4, "in", "missed");
  g_autofree char *e5 = journal_entry_json (5, "in", "missed");
  g_autofree char *json = NULL;
  GListModel *journal = cb_client_store_get_journal (store);
  guint notified = 0;

  apply_snapshot (store, base_snapshot);
  /* Entry 1 was looked at on another device; 4 is missed and new. */
  json = g_strdup_printf ("{\"entries\": [%s, %s, %s, %s], \"missed\": 1, \"seen_up_to\": 1,"
                          " \"next_before\": null}", e4, e3, e2, e1);
  page = parse (json);
  g_assert_true (cb_client_store_apply_journal (store, page, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cb_client_store_get_missed_count (store), ==, 1);
  g_assert_cmpint (cb_client_store_get_seen_up_to (store), ==, 1);
  {
    g_autoptr(CbJournalEntry) busy = g_list_model_get_item (journal, 1);
    g_autoptr(CbJournalEntry) declined = g_list_model_get_item (journal, 2);

    g_assert_cmpint (cb_journal_entry_get_outcome (busy), ==, CB_CALL_OUTCOME_BUSY);
    g_assert_true (cb_journal_entry_get_not_reached (busy));
    g_assert_false (cb_journal_entry_get_missed (busy));
    g_assert_cmpint (cb_journal_entry_get_outcome (declined), ==, CB_CALL_OUTCOME_DECLINED);
    g_assert_false (cb_journal_entry_get_missed (declined));
    g_assert_false (cb_journal_entry_get_not_reached (declined));
  }

  /* A new missed call counts. */
  g_assert_true (apply_event (store, 11, "journal", e5));
  g_assert_cmpuint (cb_client_store_get_missed_count (store), ==, 2);

  /* Looked at (here, or on another device): the server's count. */
  g_signal_connect (store, "notify::missed-count", G_CALLBACK (count_notify), &notified);
  g_assert_true (apply_event (store, 12, "journal-seen", "{\"seen_up_to\": 5, \"missed\": 0}"));
  g_assert_cmpuint (cb_client_store_get_missed_count (store), ==, 0);
  g_assert_cmpint (cb_client_store_get_seen_up_to (store), ==, 5);
  g_assert_cmpuint (notified, ==, 1);

  /* An older answer (a slower request of this device) moves nothing back. */
  answer = parse ("{\"seen_up_to\": 4, \"missed\": 1}");
  g_assert_false (cb_client_store_apply_journal_seen (store, answer));
  g_assert_cmpuint (cb_client_store_get_missed_count (store), ==, 0);
  g_assert_cmpint (cb_client_store_get_seen_up_to (store), ==, 5);

  /* The next missed call counts again. */
  {
    g_autofree char *e6 = journal_entry_json (6, "in", "missed");

    g_assert_true (apply_event (store, 13, "journal", e6));
    g_assert_cmpuint (cb_client_store_get_missed_count (store), ==, 1);
  }
}

static void
test_favourites (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  GListModel *favourites = cb_client_store_get_favourites (store);
  GListModel *monitor = cb_client_store_get_monitor (store);
  guint changes = 0;

  apply_snapshot (store, base_snapshot);
  g_signal_connect (favourites, "items-changed", G_CALLBACK (count_items_changed), &changes);
  /* Which entries only a group gives: not the user's to remove. */
  g_assert_true (cb_client_store_favourite_from_group (store, 2));
  g_assert_false (cb_client_store_favourite_from_group (store, 5));
  g_assert_true (cb_client_store_monitored_from_group (store, 4));

  /* Reordered by the owner: server order is kept; 2 is now the user's own. */
  g_assert_true (apply_event (store, 11, "favourites", "{\"user_ids\": [2, 4, 5], \"from_groups\": [5]}"));
  g_assert_false (cb_client_store_favourite_from_group (store, 2));
  g_assert_true (cb_client_store_favourite_from_group (store, 5));
  g_assert_true (cb_client_store_monitored_from_group (store, 4));
  g_assert_cmpuint (g_list_model_get_n_items (favourites), ==, 3);
  {
    g_autoptr(CbContact) c0 = g_list_model_get_item (favourites, 0);
    g_autoptr(CbContact) c1 = g_list_model_get_item (favourites, 1);
    g_autoptr(CbContact) c2 = g_list_model_get_item (favourites, 2);

    g_assert_cmpint (cb_contact_get_id (c0), ==, 2);
    g_assert_cmpint (cb_contact_get_id (c1), ==, 4);
    g_assert_cmpint (cb_contact_get_id (c2), ==, 5);
    g_assert_true (c0 == cb_client_store_lookup_contact (store, 2));
  }
  g_assert_cmpuint (changes, ==, 1);

  /* Same list again: no items-changed. */
  g_assert_true (apply_event (store, 12, "favourites", "{\"user_ids\": [2, 4, 5]}"));
  g_assert_cmpuint (changes, ==, 1);

  /* An id not visible yet shows up once its user arrives. From an older
   * server, without "from_groups": all the user's own. */
  g_assert_true (apply_event (store, 13, "monitor", "{\"user_ids\": [77, 4]}"));
  g_assert_false (cb_client_store_monitored_from_group (store, 4));
  g_assert_cmpuint (g_list_model_get_n_items (monitor), ==, 1);
  g_assert_true (apply_event (store, 14, "user",
                              "{\"id\": 77, \"username\": \"gus\", \"display_name\": \"Gus\","
                              " \"kind\": \"user\", \"level\": \"public\","
                              " \"presence\": {\"availability\": \"available\"}}"));
  g_assert_cmpuint (g_list_model_get_n_items (monitor), ==, 2);
  {
    g_autoptr(CbContact) m0 = g_list_model_get_item (monitor, 0);

    g_assert_cmpint (cb_contact_get_id (m0), ==, 77);
  }

  /* Malformed: not applied. */
  g_assert_false (apply_event (store, 15, "favourites", "{\"ids\": [1]}"));
  g_assert_cmpuint (g_list_model_get_n_items (favourites), ==, 3);

  g_signal_handlers_disconnect_by_data (favourites, &changes);
}

/* Claudia (me) assists Thomas in "Assistance Krause" and is logged in;
 * Ben is a team colleague with an unconditional diversion; my own
 * diversion, mobile ringing and announcement are personal. */
static const char *assistant_snapshot =
  "{\"seq\": 20,"
  " \"me\": {\"id\": 1, \"username\": \"claudia\", \"display_name\": \"Claudia Wagner\","
  "          \"kind\": \"user\", \"extension\": \"204\", \"level\": \"personal\","
  "          \"presence\": {\"availability\": \"available\"}, \"line_state\": \"idle\","
  "          \"agent_status\": \"logged-in\","
  "          \"group_logins\": [{\"id\": 9, \"name\": \"Assistance Krause\"}],"
  "          \"diversion\": {\"unconditional\": null, \"busy\": \"202\", \"no_answer\": \"+4930123\","
  "                          \"no_answer_after\": 25},"
  "          \"mobile_ringing\": {\"enabled\": true, \"delay\": 5}, \"announcement\": true},"
  " \"users\": ["
  "  {\"id\": 1, \"username\": \"claudia\", \"display_name\": \"Claudia Wagner\", \"kind\": \"user\","
  "   \"extension\": \"204\", \"level\": \"personal\","
  "   \"presence\": {\"availability\": \"available\"}, \"line_state\": \"idle\","
  "   \"agent_status\": \"logged-in\","
  "   \"group_logins\": [{\"id\": 9, \"name\": \"Assistance Krause\"}],"
  "   \"diversion\": {\"unconditional\": null, \"busy\": \"202\", \"no_answer\": \"+4930123\","
  "                   \"no_answer_after\": 25},"
  "   \"mobile_ringing\": {\"enabled\": true, \"delay\": 5}, \"announcement\": true},"
  "  {\"id\": 2, \"username\": \"ben\", \"display_name\": \"Ben Carter\", \"kind\": \"user\","
  "   \"extension\": \"202\", \"level\": \"team\","
  "   \"presence\": {\"availability\": \"away\"}, \"line_state\": \"idle\","
  "   \"agent_status\": \"available\", \"group_logins\": [],"
  "   \"diversion\": {\"unconditional\": \"204\", \"busy\": null, \"no_answer\": null,"
  "                   \"no_answer_after\": 20},"
  "   \"mobile_ringing\": {\"enabled\": true, \"delay\": 9}, \"announcement\": true},"
  "  {\"id\": 3, \"username\": \"thomas\", \"display_name\": \"Dr. Thomas Krause\", \"kind\": \"user\","
  "   \"extension\": \"203\", \"level\": \"personal\","
  "   \"presence\": {\"availability\": \"busy\"}, \"line_state\": \"busy\","
  "   \"agent_status\": \"logged-out\", \"group_logins\": [],"
  "   \"diversion\": {\"unconditional\": null, \"busy\": null, \"no_answer\": null,"
  "                   \"no_answer_after\": 20}},"
  "  {\"id\": 4, \"username\": \"dora\", \"display_name\": \"Dora Ek\", \"kind\": \"user\","
  "   \"extension\": \"205\", \"level\": \"business\","
  "   \"presence\": {\"availability\": \"available\"}, \"line_state\": \"idle\","
  "   \"diversion\": {\"unconditional\": \"202\"}}"
  " ],"
  " \"groups\": ["
  "  {\"id\": 9, \"name\": \"Assistance Krause\", \"kind\": \"assistant\","
  "   \"filter_enabled\": true, \"filter\": \"leader-first\", \"filter_delay\": 8,"
  "   \"logout_allowed\": false,"
  "   \"level\": \"personal\", \"leader_level\": \"personal\", \"leader\": 3, \"deputy\": null,"
  "   \"members\": [{\"user_id\": 1, \"logged_in\": true}, {\"user_id\": 2, \"logged_in\": false}]},"
  "  {\"id\": 10, \"name\": \"Assistance Ek\", \"kind\": \"assistant\","
  "   \"level\": \"team\", \"leader_level\": \"team\", \"leader\": 4, \"deputy\": null,"
  "   \"members\": [{\"user_id\": 1, \"logged_in\": false}]}"
  " ],"
  " \"favourites\": [], \"monitor\": []}";

static void
test_diversion_fields (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  CbContact *me;
  CbContact *ben;
  CbContact *dora;
  guint diverted_notifies = 0;

  apply_snapshot (store, assistant_snapshot);
  me = cb_client_store_get_me (store);
  ben = cb_client_store_lookup_contact (store, 2);
  dora = cb_client_store_lookup_contact (store, 4);

  /* My own settings, all of them. */
  g_assert_true (cb_contact_get_has_diversion (me));
  g_assert_null (cb_contact_get_diversion_unconditional (me));
  g_assert_cmpstr (cb_contact_get_diversion_busy (me), ==, "202");
  g_assert_cmpstr (cb_contact_get_diversion_no_answer (me), ==, "+4930123");
  g_assert_cmpuint (cb_contact_get_diversion_no_answer_after (me), ==, 25);
  g_assert_true (cb_contact_get_diverted (me));
  g_assert_true (cb_contact_get_mobile_ringing (me));
  g_assert_cmpuint (cb_contact_get_mobile_ringing_delay (me), ==, 5);
  g_assert_true (cb_contact_get_announcement (me));

  /* A team colleague's diversion shows; personal fields the server would
   * not send are not taken even when present. */
  g_assert_true (cb_contact_get_has_diversion (ben));
  g_assert_cmpstr (cb_contact_get_diversion_unconditional (ben), ==, "204");
  g_assert_true (cb_contact_get_diverted (ben));
  g_assert_false (cb_contact_get_mobile_ringing (ben));
  g_assert_cmpuint (cb_contact_get_mobile_ringing_delay (ben), ==, 0);
  g_assert_false (cb_contact_get_announcement (ben));

  /* Below team the diversion is unknown, not off. */
  g_assert_false (cb_contact_get_has_diversion (dora));
  g_assert_null (cb_contact_get_diversion_unconditional (dora));
  g_assert_false (cb_contact_get_diverted (dora));

  /* Ben turns his diversion off: one user event, "diverted" follows. */
  g_signal_connect (ben, "notify::diverted", G_CALLBACK (count_notify), &diverted_notifies);
  g_assert_true (apply_event (store, 21, "user",
                              "{\"id\": 2, \"username\": \"ben\", \"display_name\": \"Ben Carter\","
                              " \"kind\": \"user\", \"extension\": \"202\", \"level\": \"team\","
                              " \"presence\": {\"availability\": \"away\"}, \"line_state\": \"idle\","
                              " \"agent_status\": \"available\", \"group_logins\": [],"
                              " \"diversion\": {\"unconditional\": null, \"busy\": null,"
                              "                 \"no_answer\": null, \"no_answer_after\": 20}}"));
  g_assert_null (cb_contact_get_diversion_unconditional (ben));
  g_assert_false (cb_contact_get_diverted (ben));
  g_assert_cmpuint (diverted_notifies, ==, 1);
  g_signal_handlers_disconnect_by_data (ben, &diverted_notifies);
}

static void
test_assistant_group (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  CbGroup *krause;
  CbGroup *ek;

  apply_snapshot (store, assistant_snapshot);
  krause = cb_client_store_lookup_group (store, 9);
  ek = cb_client_store_lookup_group (store, 10);

  g_assert_cmpint (cb_group_get_kind (krause), ==, CB_GROUP_KIND_ASSISTANT);
  g_assert_true (cb_group_get_filter_enabled (krause));
  g_assert_cmpint (cb_group_get_filter (krause), ==, CB_ASSISTANT_FILTER_LEADER_FIRST);
  g_assert_cmpuint (cb_group_get_filter_delay (krause), ==, 8);
  g_assert_false (cb_group_get_logout_allowed (krause));
  g_assert_true (cb_group_get_is_member (krause));
  g_assert_true (cb_group_get_logged_in (krause));
  g_assert_true (cb_group_get_leader (krause) == cb_client_store_lookup_contact (store, 3));

  /* Fields left out read as a new group has them. */
  g_assert_false (cb_group_get_filter_enabled (ek));
  g_assert_cmpint (cb_group_get_filter (ek), ==, CB_ASSISTANT_FILTER_ASSISTANTS_FIRST);
  g_assert_cmpuint (cb_group_get_filter_delay (ek), ==, 15);
  g_assert_true (cb_group_get_logout_allowed (ek));

  /* The leader switches the filter off: a group event. */
  g_assert_true (apply_event (store, 21, "group",
                              "{\"id\": 9, \"name\": \"Assistance Krause\", \"kind\": \"assistant\","
                              " \"filter_enabled\": false, \"filter\": \"all\", \"filter_delay\": 8,"
                              " \"logout_allowed\": false,"
                              " \"level\": \"personal\", \"leader_level\": \"personal\", \"leader\": 3,"
                              " \"deputy\": null,"
                              " \"members\": [{\"user_id\": 1, \"logged_in\": true},"
                              "               {\"user_id\": 2, \"logged_in\": false}]}"));
  g_assert_false (cb_group_get_filter_enabled (krause));
  g_assert_cmpint (cb_group_get_filter (krause), ==, CB_ASSISTANT_FILTER_ALL);
}

static gint64
action_state (CbCallAs *call_as)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (cb_call_as_get_action_group (call_as),
                                                               "identity");

  return g_variant_get_int64 (state);
}

static void
test_call_as (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  g_autoptr(CbCallAs) call_as = cb_call_as_new (store);
  GListModel *identities = cb_call_as_get_identities (call_as);
  GActionGroup *actions = cb_call_as_get_action_group (call_as);
  g_autoptr(CbContact) first = NULL;
  g_autoptr(CbContact) second = NULL;
  guint as_notifies = 0;

  /* Before the snapshot: nobody to call as. */
  g_assert_cmpuint (g_list_model_get_n_items (identities), ==, 0);
  g_assert_false (cb_call_as_get_available (call_as));
  g_assert_null (cb_call_as_get_identity (call_as));

  /* Logged into Thomas's group (not Dora's): myself, then Thomas. */
  apply_snapshot (store, assistant_snapshot);
  g_assert_cmpuint (g_list_model_get_n_items (identities), ==, 2);
  first = g_list_model_get_item (identities, 0);
  second = g_list_model_get_item (identities, 1);
  g_assert_true (first == cb_client_store_get_me (store));
  g_assert_cmpstr (cb_contact_get_username (second), ==, "thomas");
  g_assert_true (cb_call_as_get_available (call_as));
  g_assert_true (cb_call_as_get_identity (call_as) == first);
  g_assert_cmpint (cb_call_as_get_as_user_id (call_as), ==, 0);
  g_assert_true (g_action_group_get_action_enabled (actions, "identity"));

  /* Someone I do not assist is no choice. */
  g_assert_false (cb_call_as_set_as_user_id (call_as, 4));
  g_assert_cmpint (cb_call_as_get_as_user_id (call_as), ==, 0);

  /* Chosen through the action, as a menu does. */
  g_signal_connect (call_as, "notify::as-user-id", G_CALLBACK (count_notify), &as_notifies);
  g_action_group_change_action_state (actions, "identity", g_variant_new_int64 (3));
  g_assert_cmpint (cb_call_as_get_as_user_id (call_as), ==, 3);
  g_assert_true (cb_call_as_get_identity (call_as) == second);
  g_assert_cmpint (action_state (call_as), ==, 3);
  g_assert_cmpuint (as_notifies, ==, 1);

  /* A new snapshot (a resync) keeps the choice. */
  apply_snapshot (store, assistant_snapshot);
  g_assert_cmpint (cb_call_as_get_as_user_id (call_as), ==, 3);
  g_assert_cmpuint (as_notifies, ==, 1);

  /* Logged into Dora's group too: she is offered, sorted by name. */
  g_assert_true (apply_event (store, 21, "group-login",
                              "{\"group_id\": 10, \"group_name\": \"Assistance Ek\", \"user_id\": 1,"
                              " \"logged_in\": true}"));
  g_assert_cmpuint (g_list_model_get_n_items (identities), ==, 3);
  g_assert_true (cb_call_as_set_as_user_id (call_as, 4));
  g_assert_cmpint (cb_call_as_get_as_user_id (call_as), ==, 4);

  /* Logged out of Dora's group, her calls are mine again. */
  g_assert_true (apply_event (store, 22, "group-login",
                              "{\"group_id\": 10, \"group_name\": \"Assistance Ek\", \"user_id\": 1,"
                              " \"logged_in\": false}"));
  g_assert_cmpuint (g_list_model_get_n_items (identities), ==, 2);
  g_assert_cmpint (cb_call_as_get_as_user_id (call_as), ==, 0);
  g_assert_cmpint (action_state (call_as), ==, 0);
  g_assert_true (cb_call_as_get_identity (call_as) == first);

  /* Out of Thomas's group as well: no choice left. */
  g_assert_true (apply_event (store, 23, "group-login",
                              "{\"group_id\": 9, \"group_name\": \"Assistance Krause\", \"user_id\": 1,"
                              " \"logged_in\": false}"));
  g_assert_cmpuint (g_list_model_get_n_items (identities), ==, 1);
  g_assert_false (cb_call_as_get_available (call_as));
  g_assert_false (g_action_group_get_action_enabled (actions, "identity"));
  g_signal_handlers_disconnect_by_data (call_as, &as_notifies);
}

static void
test_invalid_snapshot (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  const char *bad[] = {
    "{\"me\": {\"id\": 1}, \"users\": []}",                         /* no seq */
    "{\"seq\": 3, \"users\": []}",                                  /* no me */
    "{\"seq\": 3, \"me\": {\"id\": 1}, \"users\": [{\"name\": 1}]}", /* user without id */
    "{\"seq\": 3, \"me\": {\"id\": 1}, \"users\": {}}",              /* users not an array */
  };

  apply_snapshot (store, base_snapshot);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) snapshot = parse (bad[i]);
      g_autoptr(GError) error = NULL;

      g_assert_false (cb_client_store_apply_snapshot (store, snapshot, &error));
      g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD);
    }

  /* Left as it was. */
  g_assert_cmpint (cb_client_store_get_seq (store), ==, 10);
  g_assert_cmpuint (g_list_model_get_n_items (cb_client_store_get_directory (store)), ==, 4);
}

static char *
big_snapshot (guint  n_users,
              gint64 seq,
              guint  rotate)
{
  g_autoptr(GString) json = g_string_new (NULL);

  g_string_append_printf (json, "{\"seq\": %" G_GINT64_FORMAT ", \"me\": {\"id\": 1, "
                          "\"username\": \"u1\", \"display_name\": \"User 1\", \"level\": \"personal\"},"
                          " \"users\": [", seq);
  /* Rotated so the server's order differs from one snapshot to the next. */
  for (guint k = 0; k < n_users; k++)
    {
      guint i = (k + rotate) % n_users + 1;

      g_string_append_printf (json, "%s{\"id\": %u, \"username\": \"u%u\", "
                              "\"display_name\": \"Name %05u\", \"kind\": \"user\", "
                              "\"extension\": \"%u\", \"level\": \"business\", "
                              "\"presence\": {\"availability\": \"%s\"}, \"line_state\": \"idle\"}",
                              k > 0 ? "," : "", i, i, (i * 7919) % n_users, 1000 + i,
                              (i + seq) % 2 ? "available" : "away");
    }
  g_string_append (json, "], \"groups\": [{\"id\": 1, \"name\": \"All\", \"kind\": \"hunt\","
                   " \"level\": \"business\", \"members\": [");
  for (guint i = 1; i <= n_users; i++)
    g_string_append_printf (json, "%s{\"user_id\": %u}", i > 1 ? "," : "", i);
  g_string_append (json, "]}], \"favourites\": [2, 3], \"monitor\": []}");
  return g_string_free (g_steal_pointer (&json), FALSE);
}

static void
test_scale (void)
{
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  GListModel *directory = cb_client_store_get_directory (store);
  const guint n = 10000;
  g_autofree char *first = big_snapshot (n, 100, 0);
  g_autofree char *second = big_snapshot (n, 200, 4321);
  g_autoptr(CbContact) probe = NULL;
  guint changes = 0;
  gint64 start;
  gint64 elapsed;

  start = g_get_monotonic_time ();
  apply_snapshot (store, first);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("First snapshot of %u users: %" G_GINT64_FORMAT " ms", n, elapsed / 1000);
  g_assert_cmpuint (g_list_model_get_n_items (directory), ==, n);

  probe = g_object_ref (cb_client_store_lookup_contact (store, 4242));
  g_signal_connect (directory, "items-changed", G_CALLBACK (count_items_changed), &changes);

  start = g_get_monotonic_time ();
  apply_snapshot (store, second);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("Second snapshot of %u users: %" G_GINT64_FORMAT " ms", n, elapsed / 1000);

  /* Same names, other server order: the sorted directory is unchanged. */
  g_assert_cmpuint (changes, ==, 0);
  g_assert_true (cb_client_store_lookup_contact (store, 4242) == probe);
  g_assert_cmpuint (g_list_model_get_n_items (
                      cb_group_get_members (cb_client_store_lookup_group (store, 1))), ==, n);

  for (guint i = 1; i < n; i++)
    g_assert_cmpint (_cb_contact_compare (directory_item (store, i - 1),
                                          directory_item (store, i), NULL), <, 0);

  /* Generous bound: this catches quadratic behaviour (minutes), not
   * slow machines. */
  g_assert_cmpint (elapsed, <, 10 * G_USEC_PER_SEC);

  g_signal_handlers_disconnect_by_data (directory, &changes);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client-store/snapshot", test_snapshot_basics);
  g_test_add_func ("/client-store/queue-and-group-calls", test_queue_and_group_calls);
  g_test_add_func ("/client-store/journal-seen", test_journal_seen);
  g_test_add_func ("/client-store/identity", test_identity_across_snapshots);
  g_test_add_func ("/client-store/seq-order", test_seq_order);
  g_test_add_func ("/client-store/level-hidden", test_level_hidden_fields);
  g_test_add_func ("/client-store/sorting", test_sorting);
  g_test_add_func ("/client-store/group-logins", test_group_logins);
  g_test_add_func ("/client-store/group-event", test_group_event);
  g_test_add_func ("/client-store/favourites", test_favourites);
  g_test_add_func ("/client-store/invalid-snapshot", test_invalid_snapshot);
  g_test_add_func ("/client-store/diversion", test_diversion_fields);
  g_test_add_func ("/client-store/assistant-group", test_assistant_group);
  g_test_add_func ("/client-store/call-as", test_call_as);
  g_test_add_func ("/client-store/scale", test_scale);

  return g_test_run ();
}
