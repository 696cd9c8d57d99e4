/* cb-snapshot.c: a GET /snapshot answer read into the wire model, parsed off the main thread
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Measured with cb-bench client-start (2 shared cores): json-glib takes
 * 60 ms for 2,000 users and 200 ms for 10,000, and freeing the tree
 * another 15 and 70 ms; on the main thread that was time the window
 * could not draw. The parser is a mutable one: sealing every node (what
 * an immutable parser does) costs a tenth more and nothing here shares
 * the tree.
 */

#define G_LOG_DOMAIN "cb-client"

#include "config.h"

#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

#include "cb-client-private.h"
#include "cb-startup-trace.h"

static JsonArray *
member_array (JsonObject *object,
              const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
member_object (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

GArray *
_cb_snapshot_read_ids (JsonArray *array)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gint64 id;

      if (!JSON_NODE_HOLDS_VALUE (element) ||
          json_node_get_value_type (element) != G_TYPE_INT64)
        continue;
      id = json_node_get_int (element);
      g_array_append_val (ids, id);
    }
  return ids;
}

GPtrArray *
_cb_snapshot_read_blf_keys (JsonArray *array)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_wire_blf_key_free);

  /* One key it cannot read does not cost the others (a kind from a newer
   * server). */
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(GError) error = NULL;
      CbWireBlfKey *key = JSON_NODE_HOLDS_OBJECT (element)
                          ? cb_wire_blf_key_from_json (json_node_get_object (element), &error)
                          : NULL;

      if (key == NULL || key->id <= 0)
        {
          g_debug ("Skipping busy lamp field key %u: %s", i,
                   error != NULL ? error->message : "no key with an id");
          g_clear_pointer (&key, cb_wire_blf_key_free);
          continue;
        }
      g_ptr_array_add (keys, key);
    }
  return keys;
}

void
cb_snapshot_free (CbSnapshot *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->me, cb_wire_user_free);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_clear_pointer (&self->favourite_ids, g_array_unref);
  g_clear_pointer (&self->monitor_ids, g_array_unref);
  g_clear_pointer (&self->favourites_from_groups, g_array_unref);
  g_clear_pointer (&self->monitor_from_groups, g_array_unref);
  g_clear_pointer (&self->blf_keys, g_ptr_array_unref);
  g_free (self);
}

CbSnapshot *
cb_snapshot_new_from_json (JsonObject  *object,
                           GError     **error)
{
  g_autoptr(CbSnapshot) self = g_new0 (CbSnapshot, 1);
  JsonObject *me;
  JsonArray *users;
  JsonArray *groups;

  g_return_val_if_fail (object != NULL, NULL);

  if (!cb_json_get_int (object, "seq", TRUE, &self->seq, error))
    return NULL;
  if (self->seq < 0)
    {
      g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                           "Field “seq” must not be negative");
      return NULL;
    }

  me = member_object (object, "me");
  if (me == NULL || (self->me = cb_wire_user_from_json (me, NULL)) == NULL || self->me->id <= 0)
    {
      g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                           "Field “me” must be a user object with an id");
      return NULL;
    }

  users = member_array (object, "users");
  if (users == NULL)
    {
      g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                           "Field “users” must be an array of user objects");
      return NULL;
    }
  self->users = g_ptr_array_new_full (json_array_get_length (users),
                                      (GDestroyNotify) cb_wire_user_free);
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonNode *element = json_array_get_element (users, i);
      CbWireUser *user = JSON_NODE_HOLDS_OBJECT (element)
                         ? cb_wire_user_from_json (json_node_get_object (element), NULL) : NULL;

      if (user != NULL)
        g_ptr_array_add (self->users, user);
      if (user == NULL || user->id <= 0)
        {
          g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                       "Element %u of “users” is not a user object with an id", i);
          return NULL;
        }
    }

  groups = member_array (object, "groups");
  self->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_wire_group_free);
  for (guint i = 0; groups != NULL && i < json_array_get_length (groups); i++)
    {
      JsonNode *element = json_array_get_element (groups, i);
      CbWireGroup *group = JSON_NODE_HOLDS_OBJECT (element)
                           ? cb_wire_group_from_json (json_node_get_object (element), NULL) : NULL;

      if (group != NULL)
        g_ptr_array_add (self->groups, group);
      if (group == NULL || group->id <= 0)
        {
          g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                       "Element %u of “groups” is not a group object with an id", i);
          return NULL;
        }
    }

  self->favourite_ids = _cb_snapshot_read_ids (member_array (object, "favourites"));
  self->monitor_ids = _cb_snapshot_read_ids (member_array (object, "monitor"));
  self->favourites_from_groups = _cb_snapshot_read_ids (member_array (object, "favourites_from_groups"));
  self->monitor_from_groups = _cb_snapshot_read_ids (member_array (object, "monitor_from_groups"));
  /* An older server has no busy lamp field: an empty one. */
  self->blf_keys = _cb_snapshot_read_blf_keys (member_array (object, "blf"));
  return g_steal_pointer (&self);
}

gint64
cb_snapshot_get_seq (CbSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->seq;
}

guint
cb_snapshot_get_n_users (CbSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->users->len;
}

/* --- loading in a worker thread --- */

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GInputStream *stream = task_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  CbSnapshot *snapshot;

  if (!json_parser_load_from_stream (parser, stream, cancellable, &error))
    {
      if (error->domain == G_IO_ERROR)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON,
                                 "The server sent malformed JSON: %s", error->message);
      return;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_new_error (task, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON,
                               "The snapshot is not a JSON object");
      return;
    }

  snapshot = cb_snapshot_new_from_json (json_node_get_object (root), &error);
  if (snapshot == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  cb_startup_trace_mark ("snapshot-parsed");
  g_task_return_pointer (task, snapshot, (GDestroyNotify) cb_snapshot_free_in_background);
}

void
cb_snapshot_load_async (GInputStream        *stream,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_INPUT_STREAM (stream));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cb_snapshot_load_async);
  g_task_set_name (task, "snapshot load");
  g_task_set_task_data (task, g_object_ref (stream), g_object_unref);
  g_task_run_in_thread (task, load_in_thread);
}

CbSnapshot *
cb_snapshot_load_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cb_snapshot_load_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
free_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  cb_snapshot_free (task_data);
#ifdef HAVE_MALLOC_TRIM
  /* The tree was thousands of small blocks among others still in use:
   * without this the process keeps its peak size. */
  malloc_trim (0);
#endif
  g_task_return_boolean (task, TRUE);
}

void
cb_snapshot_free_in_background (CbSnapshot *self)
{
  g_autoptr(GTask) task = NULL;

  if (self == NULL)
    return;
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_name (task, "snapshot free");
  g_task_set_task_data (task, self, NULL);
  g_task_run_in_thread (task, free_in_thread);
}
