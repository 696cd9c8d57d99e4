/* bench-wire.c: how fast users go to JSON: text sink, tree sink, text parsed back
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: prints figures. Run _build/tests/protocol/bench-wire [USERS [ROUNDS]].
 * Each way is run ROUNDS times; the best round is reported (the others
 * mostly measure the neighbours on a shared machine).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cb-protocol.h"

static const CbWireGroupRef logins[] = { { 3, "Sales" }, { 5, "Support" } };

static CbWireUser *
make_users (guint   n,
            GPtrArray *strings)
{
  CbWireUser *users = g_new0 (CbWireUser, n);

  for (guint i = 0; i < n; i++)
    {
      char *username = g_strdup_printf ("user%05u", i);
      char *name = g_strdup_printf ("Colleague Number %u Müller", i);
      char *extension = g_strdup_printf ("%u", 1000 + i);
      char *email = g_strdup_printf ("user%05u@example.org", i);

      g_ptr_array_add (strings, username);
      g_ptr_array_add (strings, name);
      g_ptr_array_add (strings, extension);
      g_ptr_array_add (strings, email);
      users[i] = (CbWireUser) {
        .id = i + 1,
        .username = username,
        .display_name = name,
        .kind = i % 50 == 0 ? CB_USER_KIND_DEVICE : CB_USER_KIND_USER,
        .extension = extension,
        .email = email,
        .mobile = i % 3 == 0 ? "+49 170 1234567" : NULL,
        .language = "de",
        .time_zone = "Europe/Berlin",
        .admin = i % 100 == 0,
        /* A snapshot sees colleagues at every level. */
        .level = CB_LEVEL_PUBLIC + i % 4,
        .availability = i % 5,
        .note = i % 7 == 0 ? "back at 3" : "",
        .line_state = i % 5,
        .agent_status = i % 5,
        .group_logins = logins,
        .n_group_logins = i % 2 == 0 ? 2 : 0,
      };
    }
  return users;
}

typedef struct {
  const char *what;
  gint64      best_us;
  gsize       bytes;
} Result;

/* (a) The snapshot's way: one text sink for the whole array. */
static gsize
run_text (const CbWireUser *users,
          guint             n)
{
  CbJsonWriter *writer = cb_json_writer_new (512 + n * 400);
  CbWireSink sink = CB_WIRE_SINK_TEXT (writer);
  g_autofree char *text = NULL;
  gsize length;

  cb_wire_sink_begin_array (&sink);
  for (guint i = 0; i < n; i++)
    cb_wire_user_write (&sink, &users[i]);
  cb_wire_sink_end_array (&sink);
  text = cb_json_writer_free_to_text (writer, &length);
  return length;
}

/* (b) Single objects: a tree per user (cb_wire_user_to_json()). */
static gsize
run_tree (const CbWireUser *users,
          guint             n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonObject) object = cb_wire_user_to_json (&users[i]);

      g_assert_nonnull (object);
    }
  return 0;
}

/* (b') The snapshot built as one tree and serialised by json-glib. */
static gsize
run_tree_snapshot (const CbWireUser *users,
                   guint             n)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  CbWireSink sink = CB_WIRE_SINK_TREE (builder);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  cb_wire_sink_begin_array (&sink);
  for (guint i = 0; i < n; i++)
    cb_wire_user_write (&sink, &users[i]);
  cb_wire_sink_end_array (&sink);
  root = json_builder_get_root (builder);
  text = cb_json_to_string (root);
  return strlen (text);
}

/* (c) Today's cb_projection_user(): text per user, parsed back. */
static gsize
run_text_parsed (const CbWireUser *users,
                 guint             n)
{
  for (guint i = 0; i < n; i++)
    {
      CbJsonWriter *writer = cb_json_writer_new (512);
      CbWireSink sink = CB_WIRE_SINK_TEXT (writer);
      g_autofree char *text = NULL;
      g_autoptr(JsonObject) object = NULL;
      gsize length;

      cb_wire_user_write (&sink, &users[i]);
      text = cb_json_writer_free_to_text (writer, &length);
      object = cb_json_parse_object (text, length, NULL);
      g_assert_nonnull (object);
    }
  return 0;
}

static void
measure (Result           *result,
         gsize           (*run) (const CbWireUser *, guint),
         const CbWireUser *users,
         guint             n,
         guint             rounds)
{
  result->best_us = G_MAXINT64;
  for (guint r = 0; r < rounds; r++)
    {
      gint64 start = g_get_monotonic_time ();
      gsize bytes = run (users, n);
      gint64 took = g_get_monotonic_time () - start;

      result->best_us = MIN (result->best_us, MAX (took, 1));
      if (bytes > 0)
        result->bytes = bytes;
    }
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) strtoul (argv[1], NULL, 10) : 10000;
  guint rounds = argc > 2 ? (guint) strtoul (argv[2], NULL, 10) : 7;
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autofree CbWireUser *users = NULL;
  Result results[] = {
    { "(a) text sink, one snapshot array" },
    { "(b) tree sink, one JsonObject per user" },
    { "(b') tree sink, one snapshot tree + json-glib generator" },
    { "(c) text per user parsed back (cb_projection_user)" },
  };
  gsize snapshot_bytes;

  if (n == 0 || rounds == 0)
    {
      g_printerr ("Usage: %s [USERS [ROUNDS]]\n", argv[0]);
      return 2;
    }
  users = make_users (n, strings);

  /* Warm up: enum classes, allocator. */
  run_text (users, MIN (n, 100));
  run_tree (users, MIN (n, 100));

  measure (&results[0], run_text, users, n, rounds);
  measure (&results[1], run_tree, users, n, rounds);
  measure (&results[2], run_tree_snapshot, users, n, rounds);
  measure (&results[3], run_text_parsed, users, n, rounds);

  /* MB/s always of the same JSON text (what the snapshot would send). */
  snapshot_bytes = results[0].bytes;
  /* stdio, not g_print(): the figures go out as UTF-8 whatever the locale. */
  printf ("%u users, %" G_GSIZE_FORMAT " bytes of JSON (%.0f a user), best of %u rounds\n",
          n, snapshot_bytes, (double) snapshot_bytes / n, rounds);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    printf ("  %-58s %7.3f µs/user  %7.1f MB/s  (%.2f× (a))\n",
            results[i].what,
            (double) results[i].best_us / n,
            (double) snapshot_bytes / results[i].best_us,
            (double) results[i].best_us / results[0].best_us);
  return 0;
}
