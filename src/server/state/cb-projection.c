/* cb-projection.c: users and groups as JSON, cut to what a viewer may see
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-projection"

#include "cb-projection.h"

/* Enum classes stay referenced for the process: nicks are looked up
 * for every field of every user in a snapshot. */
static const char *
nick (GType type,
      int   value)
{
  static GEnumClass *classes[8];
  static GType types[8];
  GEnumValue *ev;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (types) && types[i] != 0 && types[i] != type; i++)
    ;
  if (i == G_N_ELEMENTS (types))
    return cb_enum_to_nick (type, value);
  if (types[i] == 0)
    {
      classes[i] = g_type_class_ref (type);
      types[i] = type;
    }
  ev = g_enum_get_value (classes[i], value);
  return ev != NULL ? ev->value_nick : "";
}

static JsonObject *
parse_written (CbJsonWriter *writer)
{
  gsize length;
  g_autofree char *text = cb_json_writer_free_to_text (writer, &length);
  JsonObject *object = cb_json_parse_object (text, length, NULL);

  g_warn_if_fail (object != NULL);
  return object;
}

static void
write_string (CbJsonWriter *w,
              const char   *member,
              const char   *value)
{
  cb_json_writer_member (w, member);
  cb_json_writer_string (w, value);
}

static void
write_group_logins (CbJsonWriter *w,
                    CbDirectory  *directory,
                    gint64        user_id)
{
  g_autoptr(GPtrArray) groups = cb_directory_member_of (directory, user_id);

  cb_json_writer_begin_array (w);
  for (guint i = 0; i < groups->len; i++)
    {
      const CbGroupRecord *g = g_ptr_array_index (groups, i);

      if (g->kind != CB_GROUP_KIND_HUNT || !cb_directory_is_logged_in (directory, g->id, user_id))
        continue;
      cb_json_writer_begin_object (w);
      cb_json_writer_member (w, "id");
      cb_json_writer_int (w, g->id);
      write_string (w, "name", g->name);
      cb_json_writer_end_object (w);
    }
  cb_json_writer_end_array (w);
}

void
cb_projection_write_user (CbJsonWriter       *w,
                          CbDirectory        *directory,
                          const CbUserRecord *user,
                          CbLevel             level)
{
  cb_json_writer_begin_object (w);
  cb_json_writer_member (w, "id");
  cb_json_writer_int (w, user->id);
  write_string (w, "username", user->username);
  write_string (w, "display_name", user->display_name);
  write_string (w, "kind", nick (CB_TYPE_USER_KIND, user->kind));
  write_string (w, "extension", user->extension);
  write_string (w, "email", user->email);
  write_string (w, "mobile", user->mobile);
  write_string (w, "language", user->language);
  write_string (w, "time_zone", user->time_zone);
  cb_json_writer_member (w, "admin");
  cb_json_writer_bool (w, user->admin);
  write_string (w, "level", nick (CB_TYPE_LEVEL, level));

  cb_json_writer_member (w, "presence");
  cb_json_writer_begin_object (w);
  write_string (w, "availability", nick (CB_TYPE_AVAILABILITY, user->availability));
  write_string (w, "note", user->note);
  cb_json_writer_end_object (w);

  if (level >= CB_LEVEL_BUSINESS)
    write_string (w, "line_state", nick (CB_TYPE_LINE_STATE, user->line_state));
  if (level >= CB_LEVEL_TEAM)
    {
      write_string (w, "agent_status", nick (CB_TYPE_AGENT_STATUS, user->agent_status));
      cb_json_writer_member (w, "group_logins");
      write_group_logins (w, directory, user->id);
    }
  cb_json_writer_end_object (w);
}

JsonObject *
cb_projection_user (CbDirectory        *directory,
                    const CbUserRecord *user,
                    CbLevel             level)
{
  CbJsonWriter *writer;

  if (user == NULL || level == CB_LEVEL_NONE)
    return NULL;
  writer = cb_json_writer_new (512);
  cb_projection_write_user (writer, directory, user, level);
  return parse_written (writer);
}

/* The level from which each member of a user object is shown. */
static CbLevel
user_member_level (const char *member)
{
  if (g_str_equal (member, "line_state"))
    return CB_LEVEL_BUSINESS;
  if (g_str_equal (member, "agent_status") || g_str_equal (member, "group_logins"))
    return CB_LEVEL_TEAM;
  return CB_LEVEL_PUBLIC;
}

JsonObject *
cb_projection_filter_user (JsonObject *full,
                           CbLevel     level)
{
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  if (full == NULL || level == CB_LEVEL_NONE)
    return NULL;

  object = json_object_new ();
  members = json_object_get_members (full);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (g_str_equal (name, "level") || user_member_level (name) > level)
        continue;
      json_object_set_member (object, name, json_node_copy (json_object_get_member (full, name)));
    }
  json_object_set_string_member (object, "level", cb_enum_to_nick (CB_TYPE_LEVEL, level));
  return object;
}

static void
write_person (CbJsonWriter *w,
              CbDirectory  *directory,
              const char   *member,
              gint64        id,
              gint64        viewer)
{
  cb_json_writer_member (w, member);
  /* Someone the viewer cannot see does not exist for them. */
  if (id > 0 && (viewer == 0 || cb_directory_level (directory, viewer, id) > CB_LEVEL_NONE))
    cb_json_writer_int (w, id);
  else
    cb_json_writer_null (w);
}

/* Live: the event log's copy of a group shows zeros, and
 * cb_projection_filter_group() puts the current figures in. */
static void
write_queue_stats (CbJsonWriter *w,
                   CbDirectory  *directory,
                   gint64        group_id)
{
  CbQueueStats stats = { 0 };

  if (directory != NULL)
    cb_directory_get_queue_stats (directory, group_id, &stats);
  cb_json_writer_member (w, "queue_stats");
  cb_json_writer_begin_object (w);
  cb_json_writer_member (w, "waiting");
  cb_json_writer_int (w, stats.waiting);
  cb_json_writer_member (w, "oldest_waiting_since");
  if (stats.oldest_waiting_since > 0)
    cb_json_writer_int (w, stats.oldest_waiting_since);
  else
    cb_json_writer_null (w);
  cb_json_writer_member (w, "answered");
  cb_json_writer_int (w, stats.answered);
  cb_json_writer_member (w, "abandoned");
  cb_json_writer_int (w, stats.abandoned);
  cb_json_writer_end_object (w);
}

void
cb_projection_write_group (CbJsonWriter        *w,
                           CbDirectory         *directory,
                           const CbGroupRecord *group,
                           gint64               viewer)
{
  cb_json_writer_begin_object (w);
  cb_json_writer_member (w, "id");
  cb_json_writer_int (w, group->id);
  write_string (w, "name", group->name);
  write_string (w, "kind", nick (CB_TYPE_GROUP_KIND, group->kind));
  if (group->kind == CB_GROUP_KIND_HUNT)
    {
      write_string (w, "number", group->number);
      write_string (w, "strategy", nick (CB_TYPE_RING_STRATEGY, group->strategy));
      cb_json_writer_member (w, "member_timeout");
      cb_json_writer_int (w, group->member_timeout);
      cb_json_writer_member (w, "wrap_around");
      cb_json_writer_bool (w, group->wrap_around);
      cb_json_writer_member (w, "ring_in_use");
      cb_json_writer_bool (w, group->ring_in_use);
      write_string (w, "overflow", group->overflow != NULL ? group->overflow : "");
      cb_json_writer_member (w, "pickup_oldest");
      cb_json_writer_bool (w, group->pickup_oldest);
      if (group->strategy == CB_RING_STRATEGY_QUEUE)
        {
          write_string (w, "queue_order", nick (CB_TYPE_QUEUE_ORDER, group->queue_order));
          cb_json_writer_member (w, "agent_timeout");
          cb_json_writer_int (w, group->agent_timeout);
          cb_json_writer_member (w, "max_wait");
          cb_json_writer_int (w, group->max_wait);
          cb_json_writer_member (w, "wrap_up");
          cb_json_writer_int (w, group->wrap_up);
          cb_json_writer_member (w, "announcement");
          cb_json_writer_bool (w, group->announcement);
          write_queue_stats (w, directory, group->id);
        }
    }
  write_string (w, "level", nick (CB_TYPE_LEVEL, group->level));
  write_string (w, "leader_level", nick (CB_TYPE_LEVEL, group->leader_level));
  write_person (w, directory, "leader", group->leader_id, viewer);
  write_person (w, directory, "deputy", group->deputy_id, viewer);

  cb_json_writer_member (w, "members");
  cb_json_writer_begin_array (w);
  for (guint i = 0; group->members != NULL && i < group->members->len; i++)
    {
      const CbGroupMember *m = &g_array_index (group->members, CbGroupMember, i);
      CbLevel level = viewer == 0 ? CB_LEVEL_PERSONAL : cb_directory_level (directory, viewer, m->user_id);

      if (level == CB_LEVEL_NONE)
        continue;
      cb_json_writer_begin_object (w);
      cb_json_writer_member (w, "user_id");
      cb_json_writer_int (w, m->user_id);
      if (level >= CB_LEVEL_TEAM)
        {
          cb_json_writer_member (w, "logged_in");
          cb_json_writer_bool (w, m->logged_in);
        }
      cb_json_writer_end_object (w);
    }
  cb_json_writer_end_array (w);
  cb_json_writer_end_object (w);
}

JsonObject *
cb_projection_group_full (const CbGroupRecord *group)
{
  CbJsonWriter *writer = cb_json_writer_new (256);

  cb_projection_write_group (writer, NULL, group, 0);
  return parse_written (writer);
}

JsonObject *
cb_projection_filter_group (CbDirectory *directory,
                            JsonObject  *full,
                            gint64       viewer)
{
  g_autoptr(GList) names = NULL;
  JsonObject *object;
  JsonArray *members;
  JsonArray *visible;
  gint64 group_id;

  if (full == NULL || !json_object_has_member (full, "id"))
    return NULL;
  group_id = json_object_get_int_member (full, "id");
  if (!cb_directory_can_see_group (directory, viewer, group_id))
    return NULL;

  object = json_object_new ();
  names = json_object_get_members (full);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (g_str_equal (name, "members"))
        continue;
      if (g_str_equal (name, "queue_stats"))
        {
          CbQueueStats stats;

          cb_directory_get_queue_stats (directory, group_id, &stats);
          json_object_set_object_member (object, name, cb_projection_queue_stats (0, &stats));
          continue;
        }
      if ((g_str_equal (name, "leader") || g_str_equal (name, "deputy")) &&
          !json_object_get_null_member (full, name) &&
          cb_directory_level (directory, viewer, json_object_get_int_member (full, name)) == CB_LEVEL_NONE)
        {
          /* Someone the viewer cannot see does not exist for them. */
          json_object_set_null_member (object, name);
          continue;
        }
      json_object_set_member (object, name, json_node_copy (json_object_get_member (full, name)));
    }

  visible = json_array_new ();
  members = json_object_get_array_member (full, "members");
  for (guint i = 0; members != NULL && i < json_array_get_length (members); i++)
    {
      JsonObject *m = json_array_get_object_element (members, i);
      gint64 uid = json_object_get_int_member (m, "user_id");
      CbLevel level = cb_directory_level (directory, viewer, uid);
      JsonObject *entry;

      if (level == CB_LEVEL_NONE)
        continue;
      entry = json_object_new ();
      json_object_set_int_member (entry, "user_id", uid);
      if (level >= CB_LEVEL_TEAM)
        json_object_set_boolean_member (entry, "logged_in",
                                        json_object_get_boolean_member (m, "logged_in"));
      json_array_add_object_element (visible, entry);
    }
  json_object_set_array_member (object, "members", visible);
  return object;
}

JsonObject *
cb_projection_group (CbDirectory         *directory,
                     const CbGroupRecord *group,
                     gint64               viewer)
{
  CbJsonWriter *writer;

  if (group == NULL || viewer <= 0 || !cb_directory_can_see_group (directory, viewer, group->id))
    return NULL;
  writer = cb_json_writer_new (256);
  cb_projection_write_group (writer, directory, group, viewer);
  return parse_written (writer);
}

JsonArray *
cb_projection_id_array (const GArray *ids)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    json_array_add_int_element (array, g_array_index (ids, gint64, i));
  return array;
}

JsonObject *
cb_projection_queue_stats (gint64              group_id,
                           const CbQueueStats *stats)
{
  JsonObject *object = json_object_new ();

  if (group_id > 0)
    json_object_set_int_member (object, "group_id", group_id);
  json_object_set_int_member (object, "waiting", stats->waiting);
  if (stats->oldest_waiting_since > 0)
    json_object_set_int_member (object, "oldest_waiting_since", stats->oldest_waiting_since);
  else
    json_object_set_null_member (object, "oldest_waiting_since");
  json_object_set_int_member (object, "answered", stats->answered);
  json_object_set_int_member (object, "abandoned", stats->abandoned);
  return object;
}

JsonObject *
cb_projection_journal_entry (const CbJournalRecord *entry)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", entry->id);
  json_object_set_int_member (object, "user_id", entry->user_id);
  json_object_set_string_member (object, "call_id", entry->call_id);
  json_object_set_string_member (object, "direction", entry->outgoing ? "out" : "in");
  json_object_set_string_member (object, "remote_number",
                                 entry->remote_number != NULL ? entry->remote_number : "");
  json_object_set_string_member (object, "remote_name",
                                 entry->remote_name != NULL ? entry->remote_name : "");
  if (entry->remote_user_id > 0)
    json_object_set_int_member (object, "remote_user_id", entry->remote_user_id);
  else
    json_object_set_null_member (object, "remote_user_id");
  json_object_set_int_member (object, "started_at", entry->started_at);
  if (entry->answered_at > 0)
    json_object_set_int_member (object, "answered_at", entry->answered_at);
  else
    json_object_set_null_member (object, "answered_at");
  json_object_set_int_member (object, "ended_at", entry->ended_at);
  json_object_set_int_member (object, "duration",
                              entry->answered_at > 0 ? entry->ended_at - entry->answered_at : 0);
  json_object_set_boolean_member (object, "answered", entry->answered_at > 0);
  if (entry->group_id > 0)
    json_object_set_int_member (object, "group_id", entry->group_id);
  else
    json_object_set_null_member (object, "group_id");
  if (entry->group_id > 0 && entry->group_name != NULL)
    json_object_set_string_member (object, "group_name", entry->group_name);
  else
    json_object_set_null_member (object, "group_name");
  if (entry->taken_by_user_id > 0)
    {
      json_object_set_int_member (object, "taken_by_user_id", entry->taken_by_user_id);
      json_object_set_string_member (object, "taken_by_name",
                                     entry->taken_by_name != NULL ? entry->taken_by_name : "");
    }
  else
    {
      json_object_set_null_member (object, "taken_by_user_id");
      json_object_set_null_member (object, "taken_by_name");
    }
  json_object_set_boolean_member (object, "picked_up", entry->picked_up);
  return object;
}
