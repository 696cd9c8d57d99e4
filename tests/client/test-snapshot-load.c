/* test-snapshot-load.c: the snapshot parsed off the main thread, and the store above its directory limit
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No server: the JSON is what PROTOCOL.md says the server sends. The
 * threaded load reads a pipe the main loop writes, one piece per main
 * loop iteration: it cannot finish unless the main loop keeps running
 * while it parses (parsed on the main thread, it would wait forever for
 * its own input and the test would time out).
 */

#define G_LOG_DOMAIN "test-snapshot-load"

#include <unistd.h>
#include <gio/gunixinputstream.h>

#include "cb-client-private.h"

static JsonObject *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = cb_json_parse_object (json, strlen (json), &error);

  g_assert_no_error (error);
  return object;
}

static gboolean
apply_event (CbClientStore *store,
             gint64         seq,
             CbEventType    type,
             const char    *data)
{
  g_autoptr(JsonObject) object = parse (data);

  return cb_client_store_apply_event (store, seq, type, object);
}

/* @n_users users ("Name 00017"), user 1 is me; a hunt group "Hotline" of
 * users 2–4, an authorisation group of everyone, favourites 5 and 6,
 * monitor 7, a lamp for 8. */
static char *
office_snapshot (guint n_users)
{
  g_autoptr(GString) json = g_string_new (NULL);

  g_string_append (json, "{\"seq\": 42, \"me\": {\"id\": 1, \"username\": \"u1\","
                   " \"display_name\": \"Name 00001\", \"extension\": \"1001\", \"level\": \"personal\"},"
                   " \"users\": [");
  for (guint i = 1; i <= n_users; i++)
    g_string_append_printf (json, "%s{\"id\": %u, \"username\": \"u%u\", "
                            "\"display_name\": \"Name %05u\", \"kind\": \"user\", "
                            "\"extension\": \"%u\", \"level\": \"%s\", "
                            "\"presence\": {\"availability\": \"available\"}, \"line_state\": \"idle\"}",
                            i > 1 ? "," : "", i, i, i, 1000 + i, i == 1 ? "personal" : "business");
  g_string_append (json, "], \"groups\": [{\"id\": 1, \"name\": \"Hotline\", \"kind\": \"hunt\","
                   " \"number\": \"600\", \"strategy\": \"parallel\", \"level\": \"team\","
                   " \"leader\": null, \"deputy\": null,"
                   " \"members\": [{\"user_id\": 2}, {\"user_id\": 3}, {\"user_id\": 4}]},"
                   " {\"id\": 2, \"name\": \"Everyone\", \"kind\": \"authorisation\","
                   " \"level\": \"business\", \"leader\": null, \"deputy\": null, \"members\": [");
  for (guint i = 1; i <= n_users; i++)
    g_string_append_printf (json, "%s{\"user_id\": %u}", i > 1 ? "," : "", i);
  g_string_append (json, "]}], \"favourites\": [5, 6], \"monitor\": [7],"
                   " \"blf\": [{\"id\": 1, \"kind\": \"user\", \"user_id\": 8, \"label\": \"\","
                   " \"distributed\": false}]}");
  return g_string_free (g_steal_pointer (&json), FALSE);
}

/* --- the load runs while the main loop feeds it --- */

typedef struct {
  const char   *text;
  gsize         length;
  gsize         written;
  int           fd;
  guint         pieces;
  guint         pieces_at_finish;
  CbSnapshot   *snapshot;
  GError       *error;
  gboolean      done;
} Feed;

static gboolean
write_piece (gpointer user_data)
{
  Feed *feed = user_data;
  gsize n = MIN (feed->length - feed->written, 2048);

  if (n > 0)
    {
      ssize_t done = write (feed->fd, feed->text + feed->written, n);

      g_assert_cmpint (done, >, 0);
      feed->written += (gsize) done;
      feed->pieces++;
    }
  if (feed->written < feed->length)
    return G_SOURCE_CONTINUE;
  close (feed->fd);
  feed->fd = -1;
  return G_SOURCE_REMOVE;
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Feed *feed = user_data;

  feed->snapshot = cb_snapshot_load_finish (result, &feed->error);
  feed->pieces_at_finish = feed->pieces;
  feed->done = TRUE;
}

/* Loads @json through a pipe the main loop writes. */
static CbSnapshot *
load_fed (const char  *json,
          guint       *pieces,
          GError     **error)
{
  Feed feed = { .text = json, .length = strlen (json) };
  g_autoptr(GInputStream) stream = NULL;
  int fds[2];

  g_assert_cmpint (pipe (fds), ==, 0);
  feed.fd = fds[1];
  stream = g_unix_input_stream_new (fds[0], TRUE);

  /* Nothing is written yet: the reading thread waits on the pipe. */
  cb_snapshot_load_async (stream, NULL, on_loaded, &feed);
  g_idle_add (write_piece, &feed);
  while (!feed.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (feed.fd, ==, -1);
  if (pieces != NULL)
    *pieces = feed.pieces_at_finish;
  if (feed.error != NULL)
    g_propagate_error (error, feed.error);
  return feed.snapshot;
}

static guint
n_items (GListModel *model)
{
  return g_list_model_get_n_items (model);
}

static void
test_threaded_load (void)
{
  const guint n = 3000;
  g_autofree char *json = office_snapshot (n);
  g_autoptr(CbClientStore) threaded = cb_client_store_new ();
  g_autoptr(CbClientStore) direct = cb_client_store_new ();
  g_autoptr(JsonObject) object = parse (json);
  g_autoptr(GError) error = NULL;
  CbSnapshot *snapshot;
  guint pieces = 0;

  snapshot = load_fed (json, &pieces, &error);
  g_assert_no_error (error);
  g_assert_nonnull (snapshot);
  /* The main loop wrote every piece before the parse could end. */
  g_assert_cmpuint (pieces, ==, (strlen (json) + 2047) / 2048);
  g_assert_cmpuint (pieces, >, 10);
  g_assert_cmpint (cb_snapshot_get_seq (snapshot), ==, 42);
  g_assert_cmpuint (cb_snapshot_get_n_users (snapshot), ==, n);

  cb_client_store_apply_loaded_snapshot (threaded, snapshot);
  cb_snapshot_free_in_background (snapshot);
  g_assert_true (cb_client_store_apply_snapshot (direct, object, &error));
  g_assert_no_error (error);

  /* The same store as from the JSON object on the main thread. */
  g_assert_cmpint (cb_client_store_get_seq (threaded), ==, 42);
  g_assert_cmpuint (n_items (cb_client_store_get_directory (threaded)), ==, n);
  g_assert_cmpuint (n_items (cb_client_store_get_directory (direct)), ==, n);
  for (guint i = 0; i < n; i += 97)
    {
      g_autoptr(CbContact) a = g_list_model_get_item (cb_client_store_get_directory (threaded), i);
      g_autoptr(CbContact) b = g_list_model_get_item (cb_client_store_get_directory (direct), i);

      g_assert_cmpint (cb_contact_get_id (a), ==, cb_contact_get_id (b));
      g_assert_cmpstr (cb_contact_get_display_name (a), ==, cb_contact_get_display_name (b));
      g_assert_cmpstr (cb_contact_get_extension (a), ==, cb_contact_get_extension (b));
    }
  g_assert_cmpstr (cb_contact_get_display_name (cb_client_store_get_me (threaded)), ==, "Name 00001");
  g_assert_cmpuint (n_items (cb_client_store_get_favourites (threaded)), ==, 2);
  g_assert_cmpuint (n_items (cb_client_store_get_monitor (threaded)), ==, 1);
  g_assert_cmpuint (n_items (cb_client_store_get_blf (threaded)), ==, 1);
  g_assert_cmpuint (n_items (cb_client_store_get_groups (threaded)), ==, 2);
  g_assert_cmpuint (n_items (cb_group_get_members (cb_client_store_lookup_group (threaded, 2))), ==, n);
  g_assert_true (cb_client_store_get_directory_complete (threaded));
  g_assert_cmpuint (cb_client_store_get_directory_size (threaded), ==, n);
}

static void
test_threaded_load_errors (void)
{
  static const char * const bad[] = {
    "{\"seq\": 1, \"me\": ",                            /* cut short */
    "[1, 2, 3]",                                        /* no object */
    "{\"seq\": 1, \"me\": {\"id\": 1, \"level\": \"personal\"}, \"users\": 5}",
  };
  static const int codes[] = {
    CB_PROTOCOL_ERROR_INVALID_JSON,
    CB_PROTOCOL_ERROR_INVALID_JSON,
    CB_PROTOCOL_ERROR_INVALID_FIELD,
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      CbSnapshot *snapshot = load_fed (bad[i], NULL, &error);

      g_assert_null (snapshot);
      g_assert_error (error, CB_PROTOCOL_ERROR, codes[i]);
    }
}

/* --- above the directory limit --- */

static void
count_signal (gpointer  instance,
              guint    *count)
{
  (*count)++;
}

static void
test_directory_limit (void)
{
  g_autofree char *json = office_snapshot (50);
  g_autoptr(JsonObject) object = parse (json);
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  GListModel *directory = cb_client_store_get_directory (store);
  CbGroup *everyone;
  CbContact *u20;
  guint needs = 0;

  g_signal_connect (store, "needs-snapshot", G_CALLBACK (count_signal), &needs);
  cb_client_store_set_directory_limit (store, 10);
  g_assert_true (cb_client_store_apply_snapshot (store, object, &error));
  g_assert_no_error (error);

  /* Me, the hunt group's three, favourites, monitor and the lamp. */
  g_assert_false (cb_client_store_get_directory_complete (store));
  g_assert_cmpuint (cb_client_store_get_directory_size (store), ==, 50);
  g_assert_cmpuint (n_items (directory), ==, 8);
  for (gint64 id = 1; id <= 8; id++)
    g_assert_nonnull (cb_client_store_lookup_contact (store, id));
  g_assert_null (cb_client_store_lookup_contact (store, 20));
  g_assert_cmpuint (n_items (cb_client_store_get_favourites (store)), ==, 2);
  g_assert_cmpuint (n_items (cb_group_get_members (cb_client_store_lookup_group (store, 1))), ==, 3);
  everyone = cb_client_store_lookup_group (store, 2);
  g_assert_cmpuint (n_items (cb_group_get_members (everyone)), ==, 8);
  g_assert_true (cb_blf_key_get_contact (cb_client_store_lookup_blf_key (store, 1)) ==
                 cb_client_store_lookup_contact (store, 8));

  /* Events about people not loaded change nothing and load nobody. */
  g_assert_false (apply_event (store, 43, CB_EVENT_TYPE_PRESENCE,
                               "{\"user_id\": 20, \"availability\": \"away\"}"));
  g_assert_false (apply_event (store, 44, CB_EVENT_TYPE_USER,
                               "{\"id\": 20, \"username\": \"u20\", \"display_name\": \"Name 00020\","
                               " \"extension\": \"1020\", \"level\": \"business\"}"));
  g_assert_null (cb_client_store_lookup_contact (store, 20));
  g_assert_cmpuint (needs, ==, 0);

  /* A search finds them: a contact like any other from then on. */
  answer = parse ("{\"users\": [{\"id\": 20, \"username\": \"u20\", \"display_name\": \"Name 00020\","
                  " \"extension\": \"1020\", \"level\": \"business\","
                  " \"presence\": {\"availability\": \"busy\"}, \"line_state\": \"idle\"},"
                  " {\"id\": 3, \"username\": \"u3\", \"display_name\": \"Name 00003\","
                  " \"extension\": \"1003\", \"level\": \"business\"}]}");
  found = cb_client_store_add_found_users (store, answer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  u20 = cb_client_store_lookup_contact (store, 20);
  g_assert_true (g_ptr_array_index (found, 0) == u20);
  g_assert_true (g_ptr_array_index (found, 1) == cb_client_store_lookup_contact (store, 3));
  g_assert_cmpint (cb_contact_get_availability (u20), ==, CB_AVAILABILITY_BUSY);
  g_assert_cmpuint (n_items (directory), ==, 9);
  g_assert_cmpuint (n_items (cb_group_get_members (everyone)), ==, 9);
  g_assert_true (apply_event (store, 45, CB_EVENT_TYPE_PRESENCE,
                              "{\"user_id\": 20, \"availability\": \"away\"}"));
  g_assert_cmpint (cb_contact_get_availability (u20), ==, CB_AVAILABILITY_AWAY);

  /* Made a favourite here: it is loaded, nothing to fetch. */
  g_assert_true (apply_event (store, 46, CB_EVENT_TYPE_FAVOURITES, "{\"user_ids\": [5, 6, 20]}"));
  g_assert_cmpuint (n_items (cb_client_store_get_favourites (store)), ==, 3);
  g_assert_cmpuint (needs, ==, 0);

  /* Made a favourite elsewhere: a new snapshot is asked for... */
  g_assert_true (apply_event (store, 47, CB_EVENT_TYPE_FAVOURITES, "{\"user_ids\": [5, 6, 20, 30]}"));
  g_assert_cmpuint (needs, ==, 1);
  g_assert_cmpuint (n_items (cb_client_store_get_favourites (store)), ==, 3);
  g_assert_true (apply_event (store, 48, CB_EVENT_TYPE_BLF,
                              "{\"keys\": [{\"id\": 1, \"kind\": \"user\", \"user_id\": 31,"
                              " \"label\": \"\", \"distributed\": false}]}"));
  g_assert_cmpuint (needs, ==, 2);

  /* ...and loads them, keeping who was found. */
  {
    g_autofree char *again = office_snapshot (50);
    g_autoptr(GString) edited = g_string_new (again);
    g_autoptr(JsonObject) second = NULL;

    g_string_replace (edited, "\"favourites\": [5, 6]", "\"favourites\": [5, 6, 20, 30]", 1);
    g_string_replace (edited, "\"seq\": 42", "\"seq\": 50", 1);
    second = parse (edited->str);
    g_assert_true (cb_client_store_apply_snapshot (store, second, &error));
  }
  g_assert_true (cb_client_store_lookup_contact (store, 20) == u20);
  g_assert_nonnull (cb_client_store_lookup_contact (store, 30));
  g_assert_cmpuint (n_items (cb_client_store_get_favourites (store)), ==, 4);
  /* A user event for someone shown now loads them. */
  g_assert_true (apply_event (store, 51, CB_EVENT_TYPE_MONITOR, "{\"user_ids\": [7, 40]}"));
  g_assert_cmpuint (needs, ==, 3);
  g_assert_true (apply_event (store, 52, CB_EVENT_TYPE_USER,
                              "{\"id\": 40, \"username\": \"u40\", \"display_name\": \"Name 00040\","
                              " \"extension\": \"1040\", \"level\": \"business\"}"));
  g_assert_cmpuint (n_items (cb_client_store_get_monitor (store)), ==, 2);

  g_signal_handlers_disconnect_by_data (store, &needs);
}

/* Under the limit nothing changes: everyone is loaded, nothing asked for. */
static void
test_under_limit (void)
{
  g_autofree char *json = office_snapshot (50);
  g_autoptr(JsonObject) object = parse (json);
  g_autoptr(CbClientStore) store = cb_client_store_new ();
  g_autoptr(GError) error = NULL;
  guint needs = 0;

  g_signal_connect (store, "needs-snapshot", G_CALLBACK (count_signal), &needs);
  cb_client_store_set_directory_limit (store, 50);
  g_assert_true (cb_client_store_apply_snapshot (store, object, &error));
  g_assert_true (cb_client_store_get_directory_complete (store));
  g_assert_cmpuint (n_items (cb_client_store_get_directory (store)), ==, 50);
  g_assert_true (apply_event (store, 43, CB_EVENT_TYPE_FAVOURITES, "{\"user_ids\": [5, 99]}"));
  g_assert_cmpuint (needs, ==, 0);
  g_signal_handlers_disconnect_by_data (store, &needs);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/snapshot-load/threaded", test_threaded_load);
  g_test_add_func ("/snapshot-load/errors", test_threaded_load_errors);
  g_test_add_func ("/snapshot-load/directory-limit", test_directory_limit);
  g_test_add_func ("/snapshot-load/under-limit", test_under_limit);

  return g_test_run ();
}
