/* test-integration.c: CbSession against a real callboardd on loopback
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server ($CALLBOARDD) runs as a child process with a temporary
 * database and the small directory in test-directory.json, at default
 * level "none": anna and ben share Team and the hunt group Support; carl
 * and dora share Back office; neither pair sees the other.
 *
 * Every wait is a bounded main-loop wait on a condition that the awaited
 * notification makes true; a timeout fails the test.
 */

#define G_LOG_DOMAIN "test-integration"

#include "config.h"

#include <signal.h>

#include <libsoup/soup.h>

#include "cb-session.h"
#include "cb-test-server.h"

#define WAIT_TIMEOUT_MS 15000

/* --- waiting --- */

#define WAIT_FOR(cond, what) CB_TEST_WAIT_FOR (cond, WAIT_TIMEOUT_MS, what)

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* --- the server --- */

static CbTestServer *server;

/* At default level "none", with pings every second so that the clients'
 * pongs are exercised too; tls: the self-signed test certificate. */
static CbTestServer *
server_start (gboolean            tls,
              const char * const *extra)
{
  g_autoptr(GStrvBuilder) args = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autofree char *path = g_build_filename (SOURCE_ROOT, "tests", "client",
                                            "test-directory.json", NULL);
  g_autofree char *directory = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &directory, NULL, &error);
  g_assert_no_error (error);

  g_strv_builder_add_many (args, "--default-level", "none", "--keepalive", "1", NULL);
  if (tls)
    {
      g_autofree char *cert = g_build_filename (SOURCE_ROOT, "tests", "data", "tls",
                                                "test-cert.pem", NULL);
      g_autofree char *key = g_build_filename (SOURCE_ROOT, "tests", "data", "tls",
                                               "test-key.pem", NULL);

      g_strv_builder_add_many (args, "--tls-certificate", cert, "--tls-key", key, NULL);
    }
  if (extra != NULL)
    g_strv_builder_addv (args, (const char **) extra);
  argv = g_strv_builder_end (args);

  return cb_test_server_start (directory, (const char * const *) argv);
}

/* --- recording what a session receives and applies --- */

typedef struct {
  gint64  seq;
  char   *type;
  gint64  subject;   /* user_id of the event, or id of a "user" event */
} Event;

typedef struct {
  CbSession *session;
  GArray    *received;   /* Event */
  GArray    *applied;    /* Event */
  guint      snapshots;
  gint64     last_applied;
} Client;

static void
event_clear (gpointer data)
{
  Event *event = data;

  g_free (event->type);
}

static void
on_event_received (CbSession   *session,
                   gint64       seq,
                   CbEventType  event_type,
                   JsonObject  *data,
                   Client      *client)
{
  const char *type = cb_event_type_to_string (event_type);
  Event event = { seq, g_strdup (type), 0 };

  if (json_object_has_member (data, "user_id"))
    event.subject = json_object_get_int_member (data, "user_id");
  else if (g_str_equal (type, "user"))
    event.subject = json_object_get_int_member_with_default (data, "id", 0);
  g_array_append_val (client->received, event);
}

static void
on_event_applied (CbClientStore *store,
                  gint64         seq,
                  CbEventType    event_type,
                  Client        *client)
{
  const char *type = cb_event_type_to_string (event_type);
  const Event *last;
  Event event;

  /* Never twice, never backwards. */
  g_assert_cmpint (seq, >, client->last_applied);
  client->last_applied = seq;

  /* The store applies synchronously inside the frame handler, so the
   * frame is the last one received. */
  g_assert_cmpuint (client->received->len, >, 0);
  last = &g_array_index (client->received, Event, client->received->len - 1);
  g_assert_cmpint (last->seq, ==, seq);
  event.seq = seq;
  event.type = g_strdup (type);
  event.subject = last->subject;
  g_array_append_val (client->applied, event);
}

static void
on_snapshot_applied (CbClientStore *store,
                     Client        *client)
{
  client->snapshots++;
  /* A snapshot resets what "applied" is measured against. */
  client->last_applied = cb_client_store_get_seq (store);
}

static Client *
client_new_for (const char *url)
{
  Client *client = g_new0 (Client, 1);

  client->session = cb_session_new (url);
  client->received = g_array_new (FALSE, TRUE, sizeof (Event));
  g_array_set_clear_func (client->received, event_clear);
  client->applied = g_array_new (FALSE, TRUE, sizeof (Event));
  g_array_set_clear_func (client->applied, event_clear);

  g_signal_connect (client->session, "event-received", G_CALLBACK (on_event_received), client);
  g_signal_connect (cb_session_get_store (client->session), "event-applied",
                    G_CALLBACK (on_event_applied), client);
  g_signal_connect (cb_session_get_store (client->session), "snapshot-applied",
                    G_CALLBACK (on_snapshot_applied), client);
  return client;
}

static void
client_free (Client *client)
{
  g_signal_handlers_disconnect_by_data (cb_session_get_store (client->session), client);
  g_signal_handlers_disconnect_by_data (client->session, client);
  g_assert_finalize_object (client->session);
  g_array_unref (client->received);
  g_array_unref (client->applied);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

static Client *
client_new (void)
{
  return client_new_for (server->url);
}

/* Applied events of this type about this user. */
static guint
count_applied (Client     *client,
               const char *type,
               gint64      subject)
{
  guint n = 0;

  for (guint i = 0; i < client->applied->len; i++)
    {
      const Event *event = &g_array_index (client->applied, Event, i);

      if (g_str_equal (event->type, type) && event->subject == subject)
        n++;
    }
  return n;
}

static guint
count_received_about (Client *client,
                      gint64  subject)
{
  guint n = 0;

  for (guint i = 0; i < client->received->len; i++)
    if (g_array_index (client->received, Event, i).subject == subject)
      n++;
  return n;
}

static CbConnectionState
state_of (Client *client)
{
  return cb_session_get_state (client->session);
}

static CbClientStore *
store_of (Client *client)
{
  return cb_session_get_store (client->session);
}

static CbRestClient *
rest_of (Client *client)
{
  return cb_session_get_rest_client (client->session);
}

static void
sign_in (Client     *client,
         const char *username,
         const char *password)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  cb_session_sign_in_async (client->session, username, password, NULL, store_result, &result);
  WAIT_FOR (result != NULL, "sign-in");
  g_assert_true (cb_session_sign_in_finish (client->session, result, &error));
  g_assert_no_error (error);
  g_assert_nonnull (cb_client_store_get_me (store_of (client)));
  WAIT_FOR (state_of (client) == CB_CONNECTION_STATE_CONNECTED, "the event stream to open");
}

/* Waits for a request started with store_result and checks it worked. */
static void
finish_ok (Client        *client,
           GAsyncResult **result)
{
  g_autoptr(GError) error = NULL;

  WAIT_FOR (*result != NULL, "a REST answer");
  g_assert_true (cb_rest_client_finish (rest_of (client), *result, &error));
  g_assert_no_error (error);
  g_clear_object (result);
}

static CbGroup *
find_group (Client     *client,
            const char *name)
{
  GListModel *groups = cb_client_store_get_groups (store_of (client));

  for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
    {
      g_autoptr(CbGroup) group = g_list_model_get_item (groups, i);

      if (g_strcmp0 (cb_group_get_name (group), name) == 0)
        return group;  /* the store keeps it */
    }
  return NULL;
}

static gboolean
strv_has (const char * const *strv,
          const char         *value)
{
  return g_strv_contains (strv, value);
}

static gboolean
member_logged_in (CbGroup *group,
                  gint64   user_id)
{
  CbGroupMember *member = cb_group_find_member (group, user_id);

  return member != NULL && cb_group_member_get_logged_in (member);
}

/* --- the scenario --- */

static void
count_changes (guint *count)
{
  (*count)++;
}

static void
test_scenario (void)
{
  g_autoptr(Client) a = NULL;
  g_autoptr(Client) b = NULL;
  g_autoptr(Client) c = NULL;
  g_autoptr(Client) b2 = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  CbContact *anna_at_b;
  CbGroup *support_at_a;
  CbGroup *support_at_b;
  gint64 anna;
  gint64 carl;
  guint b_snapshots;
  guint b_applied;

  if (server == NULL)
    {
      g_test_skip ("CALLBOARDD is not set");
      return;
    }

  a = client_new ();
  b = client_new ();
  sign_in (a, "anna", "anna-secret");
  sign_in (b, "ben", "ben-secret");

  anna = cb_session_get_user_id (a->session);
  g_assert_cmpint (anna, >, 0);
  g_assert_cmpint (cb_contact_get_id (cb_client_store_get_me (store_of (a))), ==, anna);
  anna_at_b = cb_client_store_lookup_contact (store_of (b), anna);
  g_assert_nonnull (anna_at_b);
  /* ben is Support's deputy: leader_level (personal) applies. */
  g_assert_cmpint (cb_contact_get_level (anna_at_b), ==, CB_LEVEL_PERSONAL);
  /* Level none by default: ben sees anna and himself, nobody else. */
  g_assert_cmpuint (g_list_model_get_n_items (cb_client_store_get_directory (store_of (b))), ==, 2);

  support_at_a = find_group (a, "Support");
  support_at_b = find_group (b, "Support");
  g_assert_nonnull (support_at_a);
  g_assert_nonnull (support_at_b);
  g_assert_true (cb_group_get_is_member (support_at_a));
  g_assert_false (cb_group_get_logged_in (support_at_a));
  g_assert_false (strv_has (cb_contact_get_group_logins (anna_at_b), "Support"));

  /* 0. The server pings every second and drops a client that has not
   *    answered for two intervals: quiet for three seconds, the clients
   *    must still be on their first connection. */
  {
    gint64 until = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
    guint a_changes = 0;
    guint b_changes = 0;

    g_signal_connect_swapped (a->session, "notify::state", G_CALLBACK (count_changes), &a_changes);
    g_signal_connect_swapped (b->session, "notify::state", G_CALLBACK (count_changes), &b_changes);
    WAIT_FOR (g_get_monotonic_time () > until, "three seconds of keepalive");
    g_signal_handlers_disconnect_by_data (a->session, &a_changes);
    g_signal_handlers_disconnect_by_data (b->session, &b_changes);
    g_assert_cmpuint (a_changes, ==, 0);
    g_assert_cmpuint (b_changes, ==, 0);
    g_assert_cmpint (state_of (b), ==, CB_CONNECTION_STATE_CONNECTED);
  }

  /* 1. anna logs into Support, sets her agent status and presence; ben's
   *    store shows each change. */
  cb_rest_client_set_group_login_async (rest_of (a), cb_group_get_id (support_at_a), TRUE,
                                    NULL, store_result, &result);
  finish_ok (a, &result);
  WAIT_FOR (strv_has (cb_contact_get_group_logins (anna_at_b), "Support"),
            "ben to see anna's login in her group-logins");
  WAIT_FOR (member_logged_in (support_at_b, anna), "ben to see anna logged into Support");
  WAIT_FOR (cb_group_get_logged_in (support_at_a), "anna to see her own login");
  g_assert_cmpuint (cb_group_get_logged_in_count (support_at_b), ==, 1);

  cb_rest_client_set_agent_status_async (rest_of (a), CB_AGENT_STATUS_AVAILABLE, NULL,
                                     store_result, &result);
  finish_ok (a, &result);
  WAIT_FOR (cb_contact_get_agent_status (anna_at_b) == CB_AGENT_STATUS_AVAILABLE,
            "ben to see anna's agent status");

  cb_rest_client_set_presence_async (rest_of (a), CB_AVAILABILITY_AWAY, "back at 2", 0, NULL,
                                 store_result, &result);
  finish_ok (a, &result);
  WAIT_FOR (cb_contact_get_availability (anna_at_b) == CB_AVAILABILITY_AWAY,
            "ben to see anna's presence");
  g_assert_cmpstr (cb_contact_get_note (anna_at_b), ==, "back at 2");

  g_assert_cmpuint (count_applied (b, "group-login", anna), ==, 1);
  g_assert_cmpuint (count_applied (b, "agent-status", anna), ==, 1);
  g_assert_cmpuint (count_applied (b, "presence", anna), ==, 1);

  /* 2. The server crashes and comes back on the same database and port:
   *    both clients reconnect by themselves and resume where they were. */
  b_snapshots = b->snapshots;
  b_applied = b->applied->len;
  cb_test_server_kill (server, SIGKILL);  /* a crash, no clean-up */
  WAIT_FOR (state_of (a) == CB_CONNECTION_STATE_RECONNECTING, "anna to notice the crash");
  WAIT_FOR (state_of (b) == CB_CONNECTION_STATE_RECONNECTING, "ben to notice the crash");
  g_assert_nonnull (cb_session_get_last_error (b->session));

  cb_test_server_restart (server);
  WAIT_FOR (state_of (a) == CB_CONNECTION_STATE_CONNECTED, "anna to reconnect");
  WAIT_FOR (state_of (b) == CB_CONNECTION_STATE_CONNECTED, "ben to reconnect");
  /* Resumed, not resynced: the log survived the crash. */
  g_assert_cmpuint (b->snapshots, ==, b_snapshots);
  g_assert_cmpuint (b->applied->len, ==, b_applied);

  /* The states persisted: a fresh sign-in sees them in its snapshot. */
  b2 = client_new ();
  sign_in (b2, "ben", "ben-secret");
  {
    CbContact *anna_at_b2 = cb_client_store_lookup_contact (store_of (b2), anna);
    CbGroup *support_at_b2 = find_group (b2, "Support");

    g_assert_nonnull (anna_at_b2);
    g_assert_true (strv_has (cb_contact_get_group_logins (anna_at_b2), "Support"));
    g_assert_true (member_logged_in (support_at_b2, anna));
    g_assert_cmpint (cb_contact_get_agent_status (anna_at_b2), ==, CB_AGENT_STATUS_AVAILABLE);
    g_assert_cmpint (cb_contact_get_availability (anna_at_b2), ==, CB_AVAILABILITY_AWAY);
    g_assert_cmpstr (cb_contact_get_note (anna_at_b2), ==, "back at 2");
    /* ben's resumed store agrees with the fresh snapshot. */
    g_assert_cmpint (cb_client_store_get_seq (store_of (b)), <=,
                     cb_client_store_get_seq (store_of (b2)));
  }

  /* A change after the restart arrives exactly once. */
  cb_rest_client_set_presence_async (rest_of (a), CB_AVAILABILITY_BUSY, NULL, 0, NULL,
                                 store_result, &result);
  finish_ok (a, &result);
  WAIT_FOR (cb_contact_get_availability (anna_at_b) == CB_AVAILABILITY_BUSY,
            "ben to see anna's presence after the restart");
  WAIT_FOR (cb_contact_get_availability (cb_client_store_lookup_contact (store_of (b2), anna))
            == CB_AVAILABILITY_BUSY, "the fresh session to see it too");
  g_assert_cmpuint (count_applied (b, "presence", anna), ==, 2);

  /* 3. ben is cut off; anna changes two things meanwhile; they reach ben
   *    exactly once after he is back. His backoff is made long so that he
   *    is certainly away until told to reconnect. */
  g_object_set (b->session, "reconnect-min-ms", 600000, "reconnect-max-ms", 600000, NULL);
  cb_session_disconnect_for_test (b->session);
  g_assert_cmpint (state_of (b), ==, CB_CONNECTION_STATE_RECONNECTING);

  cb_rest_client_set_agent_status_async (rest_of (a), CB_AGENT_STATUS_NOT_AVAILABLE, NULL,
                                     store_result, &result);
  finish_ok (a, &result);
  cb_rest_client_set_group_login_async (rest_of (a), cb_group_get_id (support_at_a), FALSE,
                                    NULL, store_result, &result);
  finish_ok (a, &result);
  /* anna receives her own events: once she has both, the server has sent
   * them to every connected client. */
  WAIT_FOR (!cb_group_get_logged_in (support_at_a) &&
            cb_contact_get_agent_status (cb_client_store_get_me (store_of (a)))
            == CB_AGENT_STATUS_NOT_AVAILABLE, "anna to see her own changes");
  g_assert_cmpint (state_of (b), ==, CB_CONNECTION_STATE_RECONNECTING);
  g_assert_cmpint (cb_contact_get_agent_status (anna_at_b), ==, CB_AGENT_STATUS_AVAILABLE);

  cb_session_reconnect_now (b->session);
  WAIT_FOR (state_of (b) == CB_CONNECTION_STATE_CONNECTED, "ben to reconnect");
  WAIT_FOR (cb_contact_get_agent_status (anna_at_b) == CB_AGENT_STATUS_NOT_AVAILABLE &&
            !member_logged_in (support_at_b, anna),
            "ben to receive what he missed");
  g_assert_false (strv_has (cb_contact_get_group_logins (anna_at_b), "Support"));
  g_assert_cmpuint (count_applied (b, "agent-status", anna), ==, 2);
  g_assert_cmpuint (count_applied (b, "group-login", anna), ==, 2);
  g_assert_cmpuint (count_applied (b, "presence", anna), ==, 2);
  g_assert_cmpuint (b->snapshots, ==, b_snapshots);

  /* 4. carl is at level none towards ben: never in ben's store, none of
   *    his events reach ben. */
  c = client_new ();
  sign_in (c, "carl", "carl-secret");
  carl = cb_session_get_user_id (c->session);
  g_assert_null (cb_client_store_lookup_contact (store_of (b), carl));
  g_assert_null (cb_client_store_lookup_contact (store_of (a), carl));
  g_assert_null (cb_client_store_lookup_contact (store_of (c), anna));
  /* carl sees himself and dora. */
  g_assert_cmpuint (g_list_model_get_n_items (cb_client_store_get_directory (store_of (c))), ==, 2);
  g_assert_null (find_group (c, "Support"));

  cb_rest_client_set_presence_async (rest_of (c), CB_AVAILABILITY_DND, "hidden", 0, NULL,
                                 store_result, &result);
  finish_ok (c, &result);
  cb_rest_client_set_agent_status_async (rest_of (c), CB_AGENT_STATUS_AVAILABLE, NULL,
                                     store_result, &result);
  finish_ok (c, &result);
  WAIT_FOR (cb_contact_get_availability (cb_client_store_get_me (store_of (c)))
            == CB_AVAILABILITY_DND, "carl to see his own presence");
  /* anna's change comes after carl's in the server's order: once ben has
   * it, carl's would have arrived before it. */
  cb_rest_client_set_presence_async (rest_of (a), CB_AVAILABILITY_AVAILABLE, NULL, 0, NULL,
                                 store_result, &result);
  finish_ok (a, &result);
  WAIT_FOR (cb_contact_get_availability (anna_at_b) == CB_AVAILABILITY_AVAILABLE,
            "ben to see anna's marker change");
  g_assert_cmpuint (count_received_about (b, carl), ==, 0);
  g_assert_cmpuint (count_received_about (a, carl), ==, 0);
  g_assert_null (cb_client_store_lookup_contact (store_of (b), carl));

  /* Overall: seqs strictly increased (checked on every event) and every
   * change anna made reached ben once. */
  g_assert_cmpuint (count_applied (b, "presence", anna), ==, 3);
  g_assert_cmpuint (b->snapshots, ==, b_snapshots);

  /* 5. Sign out revokes the token on the server. */
  {
    g_autoptr(GError) error = NULL;

    cb_session_sign_out_async (c->session, NULL, store_result, &result);
    WAIT_FOR (result != NULL, "sign-out");
    g_assert_true (cb_session_sign_out_finish (c->session, result, &error));
    g_assert_no_error (error);
    g_clear_object (&result);
    g_assert_cmpint (state_of (c), ==, CB_CONNECTION_STATE_SIGNED_OUT);
    g_assert_null (cb_session_get_token (c->session));
  }
}

/* --- errors --- */

static void
test_wrong_password (void)
{
  g_autoptr(Client) a = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (server == NULL)
    {
      g_test_skip ("CALLBOARDD is not set");
      return;
    }

  a = client_new ();
  cb_session_sign_in_async (a->session, "anna", "wrong", NULL, store_result, &result);
  WAIT_FOR (result != NULL, "sign-in");
  g_assert_false (cb_session_sign_in_finish (a->session, result, &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_UNAUTHORIZED);
  g_assert_cmpint (state_of (a), ==, CB_CONNECTION_STATE_SIGNED_OUT);
  g_assert_nonnull (cb_session_get_last_error (a->session));
}

static void
test_request_errors (void)
{
  g_autoptr(Client) a = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CbGroup *team;

  if (server == NULL)
    {
      g_test_skip ("CALLBOARDD is not set");
      return;
    }

  a = client_new ();
  sign_in (a, "anna", "anna-secret");
  team = find_group (a, "Team");
  g_assert_nonnull (team);

  /* Team is not a hunt group: 409. */
  cb_rest_client_set_group_login_async (rest_of (a), cb_group_get_id (team), TRUE, NULL,
                                    store_result, &result);
  WAIT_FOR (result != NULL, "the login answer");
  g_assert_false (cb_rest_client_finish (rest_of (a), result, &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT);
  g_clear_error (&error);
  g_clear_object (&result);

  /* A user nobody may see: 404. */
  cb_rest_client_add_to_list_async (rest_of (a), CB_USER_LIST_FAVOURITES, 999999, NULL, store_result, &result);
  WAIT_FOR (result != NULL, "the favourites answer");
  g_assert_false (cb_rest_client_finish (rest_of (a), result, &error));
  g_assert_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Favourites: the answer and the event agree, in server order. */
  cb_rest_client_add_to_list_async (rest_of (a), CB_USER_LIST_FAVOURITES, cb_session_get_user_id (a->session),
                                NULL, store_result, &result);
  finish_ok (a, &result);
  WAIT_FOR (g_list_model_get_n_items (cb_client_store_get_favourites (store_of (a))) == 1,
            "the favourites event");
  cb_rest_client_remove_from_list_async (rest_of (a), CB_USER_LIST_FAVOURITES,
                                     cb_session_get_user_id (a->session),
                                     NULL, store_result, &result);
  finish_ok (a, &result);
  WAIT_FOR (g_list_model_get_n_items (cb_client_store_get_favourites (store_of (a))) == 0,
            "the favourites removal event");
}

static void
test_unreachable (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CbSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *url = NULL;

  /* A port that is certainly closed: bound, but not listening. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  session = cb_session_new (url);
  cb_session_sign_in_async (session, "anna", "anna-secret", NULL, store_result, &result);
  WAIT_FOR (result != NULL, "sign-in to fail");
  g_assert_false (cb_session_sign_in_finish (session, result, &error));
  g_assert_true (error->domain == G_IO_ERROR);
  g_assert_cmpint (cb_session_get_state (session), ==, CB_CONNECTION_STATE_SIGNED_OUT);
}

static void
on_raw_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  gboolean *done = user_data;

  *done = TRUE;
}

static void
test_token_revoked (void)
{
  g_autoptr(Client) a = NULL;
  g_autoptr(SoupSession) raw = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  g_autofree char *bearer = NULL;
  gboolean done = FALSE;

  if (server == NULL)
    {
      g_test_skip ("CALLBOARDD is not set");
      return;
    }

  a = client_new ();
  g_object_set (a->session, "reconnect-min-ms", 20, "reconnect-max-ms", 100, NULL);
  sign_in (a, "anna", "anna-secret");

  /* Someone revokes the token behind the session's back. */
  raw = soup_session_new ();
  url = g_strdup_printf ("%s/api/v1/session", server->url);
  msg = soup_message_new (SOUP_METHOD_DELETE, url);
  bearer = g_strdup_printf ("Bearer %s", cb_session_get_token (a->session));
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_session_send_and_read_async (raw, msg, G_PRIORITY_DEFAULT, NULL, on_raw_done, &done);
  WAIT_FOR (done, "the revocation");
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_NO_CONTENT);

  /* Whether the server closes the stream or we drop it, reconnecting
   * meets a 401 and the session gives up with a reason. */
  cb_session_disconnect_for_test (a->session);
  WAIT_FOR (state_of (a) == CB_CONNECTION_STATE_SIGNED_OUT, "the session to sign out");
  g_assert_nonnull (cb_session_get_last_error (a->session));
  g_assert_null (cb_session_get_token (a->session));
}

/* A client away for longer than the server keeps events is told to
 * resync: it fetches a new snapshot and resumes from there. */
static void
test_resync (void)
{
  const char * const short_log[] = { "--event-retention", "2", NULL };
  CbTestServer *small;
  g_autoptr(Client) a = NULL;
  g_autoptr(Client) b = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  CbContact *anna_at_b;
  gint64 anna;
  const CbAvailability changes[] = {
    CB_AVAILABILITY_AWAY, CB_AVAILABILITY_BUSY, CB_AVAILABILITY_AWAY,
    CB_AVAILABILITY_BUSY, CB_AVAILABILITY_DND,
  };

  if (server == NULL)
    {
      g_test_skip ("CALLBOARDD is not set");
      return;
    }

  small = server_start (FALSE, short_log);

  a = client_new_for (small->url);
  b = client_new_for (small->url);
  sign_in (a, "anna", "anna-secret");
  sign_in (b, "ben", "ben-secret");
  anna = cb_session_get_user_id (a->session);
  anna_at_b = cb_client_store_lookup_contact (store_of (b), anna);
  g_assert_cmpuint (b->snapshots, ==, 1);

  g_object_set (b->session, "reconnect-min-ms", 600000, "reconnect-max-ms", 600000, NULL);
  cb_session_disconnect_for_test (b->session);

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      cb_rest_client_set_presence_async (rest_of (a), changes[i], NULL, 0, NULL, store_result, &result);
      finish_ok (a, &result);
    }
  WAIT_FOR (cb_contact_get_availability (cb_client_store_get_me (store_of (a)))
            == CB_AVAILABILITY_DND, "anna to see her last change");
  g_assert_cmpint (state_of (b), ==, CB_CONNECTION_STATE_RECONNECTING);

  cb_session_reconnect_now (b->session);
  WAIT_FOR (state_of (b) == CB_CONNECTION_STATE_CONNECTED && b->snapshots == 2,
            "ben to resync");
  /* The contact object survived the new snapshot and holds the outcome,
   * which came with the snapshot, not as events. */
  g_assert_true (cb_client_store_lookup_contact (store_of (b), anna) == anna_at_b);
  g_assert_cmpint (cb_contact_get_availability (anna_at_b), ==, CB_AVAILABILITY_DND);
  g_assert_cmpuint (count_applied (b, "presence", anna), ==, 0);

  /* Live again from the snapshot's seq. */
  cb_rest_client_set_presence_async (rest_of (a), CB_AVAILABILITY_AVAILABLE, NULL, 0, NULL,
                                 store_result, &result);
  finish_ok (a, &result);
  WAIT_FOR (cb_contact_get_availability (anna_at_b) == CB_AVAILABILITY_AVAILABLE,
            "ben to see the next change live");
  g_assert_cmpuint (count_applied (b, "presence", anna), ==, 1);

  g_clear_pointer (&a, client_free);
  g_clear_pointer (&b, client_free);
  cb_test_server_stop (small);
}

/* A server that stops answering without closing anything (a frozen host,
 * a network that vanished) is noticed by its silence. */
static void
test_silent_server (void)
{
  g_autoptr(Client) a = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  if (server == NULL)
    {
      g_test_skip ("CALLBOARDD is not set");
      return;
    }

  a = client_new ();
  sign_in (a, "anna", "anna-secret");

  g_subprocess_send_signal (server->process, SIGSTOP);
  WAIT_FOR (state_of (a) == CB_CONNECTION_STATE_RECONNECTING, "anna to notice the silence");
  g_subprocess_send_signal (server->process, SIGCONT);
  WAIT_FOR (state_of (a) == CB_CONNECTION_STATE_CONNECTED, "anna to be back");

  cb_rest_client_set_presence_async (rest_of (a), CB_AVAILABILITY_BUSY, NULL, 0, NULL,
                                 store_result, &result);
  finish_ok (a, &result);
  WAIT_FOR (cb_contact_get_availability (cb_client_store_get_me (store_of (a)))
            == CB_AVAILABILITY_BUSY, "anna's event on the new stream");
}

/* A self-signed office server: refused by default, fine when the user
 * accepted invalid certificates; the event stream goes over TLS too. */
static void
test_self_signed_tls (void)
{
  CbTestServer *tls;
  g_autoptr(CbSession) strict = NULL;
  g_autoptr(Client) relaxed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (server == NULL)
    {
      g_test_skip ("CALLBOARDD is not set");
      return;
    }

  tls = server_start (TRUE, NULL);
  g_assert_true (g_str_has_prefix (tls->url, "https://"));

  strict = cb_session_new (tls->url);
  cb_session_sign_in_async (strict, "anna", "anna-secret", NULL, store_result, &result);
  WAIT_FOR (result != NULL, "the strict sign-in to fail");
  g_assert_false (cb_session_sign_in_finish (strict, result, &error));
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_cmpint (cb_session_get_state (strict), ==, CB_CONNECTION_STATE_SIGNED_OUT);
  g_clear_object (&result);
  g_clear_error (&error);

  relaxed = client_new_for (tls->url);
  cb_session_set_accept_invalid_certificates (relaxed->session, TRUE);
  sign_in (relaxed, "anna", "anna-secret");
  cb_rest_client_set_presence_async (rest_of (relaxed), CB_AVAILABILITY_DND, NULL, 0, NULL,
                                 store_result, &result);
  finish_ok (relaxed, &result);
  WAIT_FOR (cb_contact_get_availability (cb_client_store_get_me (store_of (relaxed)))
            == CB_AVAILABILITY_DND, "the event over wss");

  g_clear_pointer (&relaxed, client_free);
  cb_test_server_stop (tls);
}

/* The fingerprint of the test certificate, read from its file. */
static char *
test_certificate_fingerprint (void)
{
  g_autofree char *path = g_build_filename (SOURCE_ROOT, "tests", "data", "tls", "test-cert.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_file (path, &error);

  g_assert_no_error (error);
  return cb_certificate_get_fingerprint (certificate);
}

static gboolean
sign_in_fails (CbSession  *session,
               GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  cb_session_sign_in_async (session, "anna", "anna-secret", NULL, store_result, &result);
  WAIT_FOR (result != NULL, "the sign-in to finish");
  return !cb_session_sign_in_finish (session, result, error);
}

/* An untrusted certificate: the refused one can be shown (its SHA-256
 * fingerprint), and once pinned by that fingerprint the server is
 * accepted, the event stream too; another pin (the certificate changed)
 * is refused again. */
static void
test_pinned_certificate (void)
{
  CbTestServer *tls;
  g_autoptr(CbSession) strict = NULL;
  g_autoptr(CbSession) wrong_pin = NULL;
  g_autoptr(Client) pinned = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = test_certificate_fingerprint ();
  g_autofree char *shown = NULL;
  GTlsCertificateFlags errors = 0;
  GTlsCertificate *refused;

  if (server == NULL)
    {
      g_test_skip ("CALLBOARDD is not set");
      return;
    }

  g_assert_cmpuint (strlen (expected), ==, 32 * 3 - 1);
  tls = server_start (TRUE, NULL);

  strict = cb_session_new (tls->url);
  g_assert_true (sign_in_fails (strict, &error));
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_clear_error (&error);
  refused = cb_rest_client_get_rejected_certificate (cb_session_get_rest_client (strict), &errors);
  g_assert_nonnull (refused);
  g_assert_true (errors & G_TLS_CERTIFICATE_UNKNOWN_CA);
  shown = cb_certificate_get_fingerprint (refused);
  g_assert_cmpstr (shown, ==, expected);

  pinned = client_new_for (tls->url);
  cb_rest_client_set_pinned_certificate (rest_of (pinned), expected);
  sign_in (pinned, "anna", "anna-secret");
  cb_rest_client_set_presence_async (rest_of (pinned), CB_AVAILABILITY_AWAY, NULL, 0, NULL,
                                     store_result, &result);
  finish_ok (pinned, &result);
  WAIT_FOR (cb_contact_get_availability (cb_client_store_get_me (store_of (pinned)))
            == CB_AVAILABILITY_AWAY, "the event over wss, with the pinned certificate");

  /* The pin of another certificate is no pin for this one. */
  wrong_pin = cb_session_new (tls->url);
  cb_rest_client_set_pinned_certificate (cb_session_get_rest_client (wrong_pin),
                                         "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
                                         "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF");
  g_assert_true (sign_in_fails (wrong_pin, &error));
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);

  g_clear_pointer (&pinned, client_free);
  cb_test_server_stop (tls);
}

/* A server name that does not resolve is told apart from other failures. */
static void
test_unknown_host (void)
{
  g_autoptr(CbSession) session = cb_session_new ("https://callboard.invalid");
  g_autoptr(GError) error = NULL;

  g_assert_true (sign_in_fails (session, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND);
}

typedef struct {
  GSocketService *service;
  GPtrArray      *connections;   /* kept open, never answered */
} BlackHole;

static gboolean
on_black_hole_incoming (GSocketService    *service,
                        GSocketConnection *connection,
                        GObject           *source,
                        BlackHole         *hole)
{
  g_ptr_array_add (hole->connections, g_object_ref (connection));
  return TRUE;
}

/* A server that takes the connection and never answers: signing in gives
 * up after the connect limit, 10 s, and the user can cancel before. */
static void
test_connect_limit (void)
{
  BlackHole hole = { g_socket_service_new (), g_ptr_array_new_with_free_func (g_object_unref) };
  g_autoptr(CbSession) session = NULL;
  g_autoptr(CbSession) cancelled = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  guint connect_timeout_ms = 0;
  gint64 started;
  gint64 took_ms;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (hole.service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (hole.service, "incoming", G_CALLBACK (on_black_hole_incoming), &hole);
  g_socket_service_start (hole.service);
  url = g_strdup_printf ("http://127.0.0.1:%u", port);

  /* Cancel, as the sign-in page's button does. */
  cancelled = cb_session_new (url);
  cb_session_sign_in_async (cancelled, "anna", "anna-secret", cancellable, store_result, &result);
  WAIT_FOR (hole.connections->len > 0, "the connection to the silent server");
  g_cancellable_cancel (cancellable);
  WAIT_FOR (result != NULL, "the cancelled sign-in to finish");
  g_assert_false (cb_session_sign_in_finish (cancelled, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cb_session_get_state (cancelled), ==, CB_CONNECTION_STATE_SIGNED_OUT);
  g_clear_error (&error);
  g_clear_object (&result);

  /* The limit itself: the default, measured. */
  session = cb_session_new (url);
  g_object_get (session, "connect-timeout-ms", &connect_timeout_ms, NULL);
  g_assert_cmpuint (connect_timeout_ms, ==, 10000);
  started = g_get_monotonic_time ();
  cb_session_sign_in_async (session, "anna", "anna-secret", NULL, store_result, &result);
  CB_TEST_WAIT_FOR (result != NULL, 20000, "the sign-in to give up");
  took_ms = (g_get_monotonic_time () - started) / 1000;
  g_assert_false (cb_session_sign_in_finish (session, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_test_message ("Gave up after %" G_GINT64_FORMAT " ms", took_ms);
  g_assert_cmpint (took_ms, >=, 9900);
  g_assert_cmpint (took_ms, <, 12000);
  g_assert_cmpint (cb_session_get_state (session), ==, CB_CONNECTION_STATE_SIGNED_OUT);

  g_socket_service_stop (hole.service);
  g_socket_listener_close (G_SOCKET_LISTENER (hole.service));
  g_ptr_array_unref (hole.connections);
  g_object_unref (hole.service);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  /* Short backoff so reconnects after the restart are quick. */
  g_setenv ("CALLBOARD_RECONNECT_MIN_MS", "50", TRUE);
  g_setenv ("CALLBOARD_RECONNECT_MAX_MS", "500", TRUE);
  /* The server pings every second here: two and a half silent seconds
   * (at least three gaps) mean it is gone. */
  g_setenv ("CALLBOARD_STREAM_TIMEOUT_MS", "2500", TRUE);

  if (g_getenv ("CALLBOARDD") != NULL &&
      g_file_test (g_getenv ("CALLBOARDD"), G_FILE_TEST_IS_EXECUTABLE))
    server = server_start (FALSE, NULL);

  g_test_add_func ("/client/integration/scenario", test_scenario);
  g_test_add_func ("/client/integration/wrong-password", test_wrong_password);
  g_test_add_func ("/client/integration/request-errors", test_request_errors);
  g_test_add_func ("/client/integration/unreachable", test_unreachable);
  g_test_add_func ("/client/integration/token-revoked", test_token_revoked);
  g_test_add_func ("/client/integration/silent-server", test_silent_server);
  g_test_add_func ("/client/integration/resync", test_resync);
  g_test_add_func ("/client/integration/self-signed-tls", test_self_signed_tls);
  g_test_add_func ("/client/integration/pinned-certificate", test_pinned_certificate);
  g_test_add_func ("/client/integration/unknown-host", test_unknown_host);
  g_test_add_func ("/client/integration/connect-limit", test_connect_limit);

  status = g_test_run ();

  g_clear_pointer (&server, cb_test_server_stop);
  return status;
}
