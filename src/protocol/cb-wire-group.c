/* cb-wire-group.c: a group (authorisation, hunt or assistant group, queue) on the wire
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-wire"

#include "cb-protocol-enums.h"
#include "cb-protocol-json.h"
#include "cb-wire-group.h"
#include "cb-wire-private.h"

/* What cb_wire_group_from_json() returns: the strings point into object. */
typedef struct {
  CbWireGroup   group;
  JsonObject   *object;
  CbWireMember *members;
  gboolean     *login_known;
} GroupRead;

void
cb_wire_queue_stats_write (CbWireSink             *sink,
                           gint64                  group_id,
                           const CbWireQueueStats *stats)
{
  cb_wire_sink_begin_object (sink);
  if (group_id > 0)
    cb_wire_sink_put_int (sink, "group_id", group_id);
  cb_wire_sink_put_int (sink, "waiting", stats->waiting);
  cb_wire_sink_put_id (sink, "oldest_waiting_since", stats->oldest_waiting_since);
  cb_wire_sink_put_int (sink, "answered", (gint64) stats->answered);
  cb_wire_sink_put_int (sink, "abandoned", (gint64) stats->abandoned);
  cb_wire_sink_end_object (sink);
}

static void
write_queue_stats (CbWireSink    *sink,
                   gconstpointer  stats,
                   gconstpointer  group_id)
{
  cb_wire_queue_stats_write (sink, *(const gint64 *) group_id, stats);
}

JsonObject *
cb_wire_queue_stats_to_json (gint64                  group_id,
                             const CbWireQueueStats *stats)
{
  return cb_wire_build_object (write_queue_stats, stats, &group_id);
}

gboolean
cb_wire_queue_stats_from_json (JsonObject        *object,
                               gint64            *group_id,
                               CbWireQueueStats  *stats,
                               GError           **error)
{
  CbWireQueueStats read = { 0 };
  guint64 waiting = 0;
  gint64 id = 0;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);

  if (!_cb_wire_get_nullable_int (object, "group_id", &id, error) ||
      !_cb_wire_get_uint (object, "waiting", G_MAXUINT, &waiting, error) ||
      !_cb_wire_get_nullable_int (object, "oldest_waiting_since", &read.oldest_waiting_since, error) ||
      !_cb_wire_get_uint (object, "answered", G_MAXINT64, &read.answered, error) ||
      !_cb_wire_get_uint (object, "abandoned", G_MAXINT64, &read.abandoned, error))
    return FALSE;

  read.waiting = (guint) waiting;
  *stats = read;
  if (group_id != NULL)
    *group_id = id;
  return TRUE;
}

/* A leader or deputy the viewer may not see does not exist for them. */
static void
put_person (CbWireSink         *sink,
            const char         *name,
            gint64              user_id,
            const CbWireViewer *viewer)
{
  cb_wire_sink_put_id (sink, name, cb_wire_viewer_may_see (viewer, user_id) ? user_id : 0);
}

static void
write_members (CbWireSink         *sink,
               const CbWireGroup  *group,
               const CbWireViewer *viewer)
{
  CbLevel logins_level = cb_wire_user_field_level ("group_logins");

  cb_wire_sink_begin_array (sink);
  for (guint i = 0; group->members != NULL && i < group->n_members; i++)
    {
      const CbWireMember *member = &group->members[i];
      CbLevel level = cb_wire_viewer_level (viewer, member->user_id);

      if (level == CB_LEVEL_NONE)
        continue;
      cb_wire_sink_begin_object (sink);
      cb_wire_sink_put_int (sink, "user_id", member->user_id);
      if (level >= logins_level)
        cb_wire_sink_put_bool (sink, "logged_in", member->logged_in);
      cb_wire_sink_end_object (sink);
    }
  cb_wire_sink_end_array (sink);
}

void
cb_wire_group_write (CbWireSink         *sink,
                     const CbWireGroup  *group,
                     const CbWireViewer *viewer)
{
  cb_wire_sink_begin_object (sink);
  cb_wire_sink_put_int (sink, "id", group->id);
  cb_wire_sink_put_string (sink, "name", group->name);
  cb_wire_sink_put_nick (sink, "kind", CB_TYPE_GROUP_KIND, group->kind);
  if (group->kind == CB_GROUP_KIND_HUNT)
    {
      cb_wire_sink_put_string (sink, "number", group->number);
      cb_wire_sink_put_nick (sink, "strategy", CB_TYPE_RING_STRATEGY, group->strategy);
      cb_wire_sink_put_int (sink, "member_timeout", group->member_timeout);
      cb_wire_sink_put_bool (sink, "wrap_around", group->wrap_around);
      cb_wire_sink_put_bool (sink, "ring_in_use", group->ring_in_use);
      cb_wire_sink_put_string (sink, "overflow", group->overflow);
      cb_wire_sink_put_bool (sink, "pickup_oldest", group->pickup_oldest);
      cb_wire_sink_put_int (sink, "ringing", group->ringing);
      if (group->strategy == CB_RING_STRATEGY_QUEUE)
        {
          cb_wire_sink_put_nick (sink, "queue_order", CB_TYPE_QUEUE_ORDER, group->queue_order);
          cb_wire_sink_put_int (sink, "agent_timeout", group->agent_timeout);
          cb_wire_sink_put_int (sink, "max_wait", group->max_wait);
          cb_wire_sink_put_int (sink, "wrap_up", group->wrap_up);
          cb_wire_sink_put_bool (sink, "announcement", group->announcement);
          cb_wire_sink_member (sink, "queue_stats");
          cb_wire_queue_stats_write (sink, 0, &group->queue_stats);
        }
    }
  else if (group->kind == CB_GROUP_KIND_ASSISTANT)
    {
      cb_wire_sink_put_bool (sink, "filter_enabled", group->filter_enabled);
      cb_wire_sink_put_nick (sink, "filter", CB_TYPE_ASSISTANT_FILTER, group->filter);
      cb_wire_sink_put_int (sink, "filter_delay", group->filter_delay);
      cb_wire_sink_put_bool (sink, "logout_allowed", group->logout_allowed);
    }
  cb_wire_sink_put_nick (sink, "level", CB_TYPE_LEVEL, group->level);
  cb_wire_sink_put_nick (sink, "leader_level", CB_TYPE_LEVEL, group->leader_level);
  put_person (sink, "leader", group->leader_id, viewer);
  put_person (sink, "deputy", group->deputy_id, viewer);
  cb_wire_sink_member (sink, "members");
  write_members (sink, group, viewer);
  cb_wire_sink_end_object (sink);
}

static void
write_group (CbWireSink    *sink,
             gconstpointer  group,
             gconstpointer  viewer)
{
  cb_wire_group_write (sink, group, viewer);
}

JsonObject *
cb_wire_group_to_json (const CbWireGroup  *group,
                       const CbWireViewer *viewer)
{
  g_return_val_if_fail (group != NULL, NULL);
  return cb_wire_build_object (write_group, group, viewer);
}

static gboolean
read_members (JsonObject  *object,
              GroupRead   *read,
              GError     **error)
{
  JsonArray *array = NULL;
  guint n;

  if (!_cb_wire_get_array (object, "members", &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;

  n = json_array_get_length (array);
  read->members = g_new0 (CbWireMember, MAX (n, 1));
  read->login_known = g_new0 (gboolean, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *member = NULL;

      /* A plain id (the admin API's form): a member whose login is unknown. */
      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_INT64)
        {
          read->members[i].user_id = json_node_get_int (element);
          continue;
        }
      if (!_cb_wire_get_element_object (array, "members", i, &member, error))
        return FALSE;
      if (!cb_json_get_int (member, "user_id", TRUE, &read->members[i].user_id, error) ||
          !cb_json_get_bool (member, "logged_in", FALSE, &read->members[i].logged_in, error))
        {
          g_prefix_error (error, "In “members” element %u: ", i);
          return FALSE;
        }
      read->login_known[i] = json_object_has_member (member, "logged_in");
    }
  read->group.members = read->members;
  read->group.n_members = n;
  return TRUE;
}

static gboolean
read_queue_stats (JsonObject   *object,
                  CbWireGroup  *group,
                  GError      **error)
{
  JsonObject *stats = NULL;

  if (!_cb_wire_get_nullable_object (object, "queue_stats", &stats, error))
    return FALSE;
  if (stats != NULL && !cb_wire_queue_stats_from_json (stats, NULL, &group->queue_stats, error))
    {
      g_prefix_error (error, "In “queue_stats”: ");
      return FALSE;
    }
  return TRUE;
}

CbWireGroup *
cb_wire_group_from_json (JsonObject  *object,
                         GError     **error)
{
  GroupRead *read;
  CbWireGroup *group;
  int kind = CB_GROUP_KIND_AUTHORISATION;
  int strategy = CB_RING_STRATEGY_PARALLEL;
  int queue_order = CB_QUEUE_ORDER_RING_ALL;
  int filter = CB_ASSISTANT_FILTER_ASSISTANTS_FIRST;
  int level = CB_LEVEL_NONE;
  int leader_level = CB_LEVEL_NONE;
  guint64 member_timeout = 0;
  guint64 ringing = 0;
  guint64 agent_timeout = 0;
  guint64 max_wait = 0;
  guint64 wrap_up = 0;
  guint64 filter_delay = CB_WIRE_FILTER_DELAY_DEFAULT;

  g_return_val_if_fail (object != NULL, NULL);

  read = g_new0 (GroupRead, 1);
  read->object = json_object_ref (object);
  group = &read->group;
  group->logout_allowed = TRUE;

  if (!cb_json_get_int (object, "id", TRUE, &group->id, error) ||
      !cb_json_get_string (object, "name", FALSE, &group->name, error) ||
      !cb_json_get_enum (object, "kind", CB_TYPE_GROUP_KIND, FALSE, &kind, error) ||
      !cb_json_get_string (object, "number", FALSE, &group->number, error) ||
      !cb_json_get_enum (object, "strategy", CB_TYPE_RING_STRATEGY, FALSE, &strategy, error) ||
      !_cb_wire_get_uint (object, "member_timeout", G_MAXUINT, &member_timeout, error) ||
      !cb_json_get_bool (object, "wrap_around", FALSE, &group->wrap_around, error) ||
      !cb_json_get_bool (object, "ring_in_use", FALSE, &group->ring_in_use, error) ||
      !cb_json_get_string (object, "overflow", FALSE, &group->overflow, error) ||
      !cb_json_get_bool (object, "pickup_oldest", FALSE, &group->pickup_oldest, error) ||
      !_cb_wire_get_uint (object, "ringing", G_MAXUINT, &ringing, error) ||
      !cb_json_get_enum (object, "queue_order", CB_TYPE_QUEUE_ORDER, FALSE, &queue_order, error) ||
      !_cb_wire_get_uint (object, "agent_timeout", G_MAXUINT, &agent_timeout, error) ||
      !_cb_wire_get_uint (object, "max_wait", G_MAXUINT, &max_wait, error) ||
      !_cb_wire_get_uint (object, "wrap_up", G_MAXUINT, &wrap_up, error) ||
      !cb_json_get_bool (object, "announcement", FALSE, &group->announcement, error) ||
      !read_queue_stats (object, group, error) ||
      !cb_json_get_bool (object, "filter_enabled", FALSE, &group->filter_enabled, error) ||
      !cb_json_get_enum (object, "filter", CB_TYPE_ASSISTANT_FILTER, FALSE, &filter, error) ||
      !_cb_wire_get_uint (object, "filter_delay", G_MAXUINT, &filter_delay, error) ||
      !cb_json_get_bool (object, "logout_allowed", FALSE, &group->logout_allowed, error) ||
      !cb_json_get_enum (object, "level", CB_TYPE_LEVEL, FALSE, &level, error) ||
      !cb_json_get_enum (object, "leader_level", CB_TYPE_LEVEL, FALSE, &leader_level, error) ||
      !_cb_wire_get_nullable_int (object, "leader", &group->leader_id, error) ||
      !_cb_wire_get_nullable_int (object, "deputy", &group->deputy_id, error) ||
      !read_members (object, read, error))
    {
      cb_wire_group_free (group);
      return NULL;
    }

  group->kind = kind;
  group->strategy = strategy;
  group->queue_order = queue_order;
  group->level = level;
  group->leader_level = leader_level;
  group->member_timeout = (guint) member_timeout;
  group->ringing = (guint) ringing;
  group->agent_timeout = (guint) agent_timeout;
  group->max_wait = (guint) max_wait;
  group->wrap_up = (guint) wrap_up;
  group->filter = filter;
  group->filter_delay = (guint) filter_delay;
  return group;
}

gboolean
cb_wire_group_login_known (const CbWireGroup *group,
                           guint              index)
{
  const GroupRead *read = (const GroupRead *) group;

  g_return_val_if_fail (group != NULL, FALSE);
  return index < group->n_members && read->login_known != NULL && read->login_known[index];
}

void
cb_wire_group_free (CbWireGroup *group)
{
  GroupRead *read = (GroupRead *) group;

  if (read == NULL)
    return;
  g_clear_pointer (&read->object, json_object_unref);
  g_free (read->members);
  g_free (read->login_known);
  g_free (read);
}
