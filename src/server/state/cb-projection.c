/* cb-projection.c: the server's records as wire objects, for one viewer
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-projection"

#include "cb-projection.h"

static CbLevel
directory_level (gint64   viewer,
                 gint64   user_id,
                 gpointer data)
{
  return cb_directory_level (data, viewer, user_id);
}

void
cb_projection_viewer (CbDirectory  *directory,
                      gint64        viewer_id,
                      CbWireViewer *viewer)
{
  viewer->id = viewer_id;
  viewer->level = directory_level;
  viewer->data = directory;
}

/* ---- users ------------------------------------------------------------------ */

/* Fills `wire` from the record; the hunt and assistant groups the user is
 * logged into go to `logins` (CbWireGroupRef), which must live as long as
 * `wire`. */
static void
user_to_wire (CbDirectory        *directory,
              const CbUserRecord *user,
              CbLevel             level,
              GArray             *logins,
              CbWireUser         *wire)
{
  *wire = (CbWireUser) {
    .id = user->id,
    .username = user->username,
    .display_name = user->display_name,
    .kind = user->kind,
    .extension = user->extension,
    .email = user->email,
    .mobile = user->mobile,
    .language = user->language,
    .time_zone = user->time_zone,
    .admin = user->admin,
    .level = level,
    .availability = user->availability,
    .note = user->note,
    .note_until = user->note_until,
    .line_state = user->line_state,
    .agent_status = user->agent_status,
    .diversion = {
      .unconditional = user->diversion.unconditional,
      .busy = user->diversion.busy,
      .no_answer = user->diversion.no_answer,
      .no_answer_after = user->diversion.no_answer_after,
    },
    .mobile_ringing = { user->mobile_ringing, user->mobile_ringing_delay },
    .announcement = user->announcement,
    .external_calls = cb_user_record_may_call_external (user),
    .require_encryption = user->require_encryption,
  };

  /* Only looked up where the level shows them: the snapshot writes ten
   * thousand users. */
  if (cb_wire_user_field_shown ("group_logins", level))
    {
      g_autoptr(GPtrArray) groups = cb_directory_member_of (directory, user->id);

      for (guint i = 0; i < groups->len; i++)
        {
          const CbGroupRecord *g = g_ptr_array_index (groups, i);
          CbWireGroupRef ref = { g->id, g->name };

          if ((g->kind == CB_GROUP_KIND_HUNT || g->kind == CB_GROUP_KIND_ASSISTANT) &&
              cb_directory_is_logged_in (directory, g->id, user->id))
            g_array_append_val (logins, ref);
        }
      wire->group_logins = (const CbWireGroupRef *) logins->data;
      wire->n_group_logins = logins->len;
    }
}

void
cb_projection_write_user (CbWireSink         *sink,
                          CbDirectory        *directory,
                          const CbUserRecord *user,
                          CbLevel             level)
{
  g_autoptr(GArray) logins = g_array_new (FALSE, FALSE, sizeof (CbWireGroupRef));
  CbWireUser wire;

  user_to_wire (directory, user, level, logins, &wire);
  cb_wire_user_write (sink, &wire);
}

JsonObject *
cb_projection_user (CbDirectory        *directory,
                    const CbUserRecord *user,
                    CbLevel             level)
{
  g_autoptr(GArray) logins = g_array_new (FALSE, FALSE, sizeof (CbWireGroupRef));
  CbWireUser wire;

  if (user == NULL || level == CB_LEVEL_NONE)
    return NULL;
  user_to_wire (directory, user, level, logins, &wire);
  return cb_wire_user_to_json (&wire);
}

/* ---- groups ------------------------------------------------------------------ */

/* directory NULL: queue figures left at zero (the event log's copy; the
 * live ones are put in when it is sent). */
static void
group_to_wire (CbDirectory         *directory,
               const CbGroupRecord *group,
               CbWireGroup         *wire)
{
  *wire = (CbWireGroup) {
    .id = group->id,
    .name = group->name,
    .kind = group->kind,
    .number = group->number,
    .strategy = group->strategy,
    .member_timeout = group->member_timeout,
    .wrap_around = group->wrap_around,
    .ring_in_use = group->ring_in_use,
    .overflow = group->overflow,
    .pickup_oldest = group->pickup_oldest,
    .queue_order = group->queue_order,
    .agent_timeout = group->agent_timeout,
    .max_wait = group->max_wait,
    .wrap_up = group->wrap_up,
    .announcement = group->announcement,
    .filter_enabled = group->filter_enabled,
    .filter = group->filter,
    .filter_delay = group->filter_delay,
    .logout_allowed = group->logout_allowed,
    .level = group->level,
    .leader_level = group->leader_level,
    .leader_id = group->leader_id,
    .deputy_id = group->deputy_id,
    .members = group->members != NULL ? (const CbWireMember *) group->members->data : NULL,
    .n_members = group->members != NULL ? group->members->len : 0,
  };
  if (directory != NULL)
    {
      cb_directory_get_queue_stats (directory, group->id, &wire->queue_stats);
      wire->ringing = cb_directory_get_group_ringing (directory, group->id);
    }
}

void
cb_projection_write_group (CbWireSink          *sink,
                           CbDirectory         *directory,
                           const CbGroupRecord *group,
                           gint64               viewer)
{
  CbWireViewer who;
  CbWireGroup wire;

  group_to_wire (directory, group, &wire);
  cb_projection_viewer (directory, viewer, &who);
  cb_wire_group_write (sink, &wire, viewer > 0 ? &who : NULL);
}

JsonObject *
cb_projection_group (CbDirectory         *directory,
                     const CbGroupRecord *group,
                     gint64               viewer)
{
  CbWireViewer who;
  CbWireGroup wire;

  if (group == NULL || viewer <= 0 || !cb_directory_can_see_group (directory, viewer, group->id))
    return NULL;
  group_to_wire (directory, group, &wire);
  cb_projection_viewer (directory, viewer, &who);
  return cb_wire_group_to_json (&wire, &who);
}

JsonObject *
cb_projection_group_full (const CbGroupRecord *group)
{
  CbWireGroup wire;

  group_to_wire (NULL, group, &wire);
  return cb_wire_group_to_json (&wire, NULL);
}

JsonObject *
cb_projection_queue_stats (gint64              group_id,
                           const CbQueueStats *stats)
{
  return cb_wire_queue_stats_to_json (group_id, stats);
}

/* ---- journal -------------------------------------------------------------------- */

void
cb_projection_journal_entry_wire (const CbJournalRecord *entry,
                                  CbWireJournalEntry    *wire)
{
  *wire = (CbWireJournalEntry) {
    .id = entry->id,
    .user_id = entry->user_id,
    .call_id = entry->call_id,
    .direction = entry->outgoing ? CB_CALL_DIRECTION_OUT : CB_CALL_DIRECTION_IN,
    .remote = { entry->remote_user_id, entry->remote_number, entry->remote_name },
    .started_at = entry->started_at,
    .answered_at = entry->answered_at,
    .ended_at = entry->ended_at,
    .group_id = entry->group_id,
    .group_name = entry->group_name,
    .taken_by = { entry->taken_by_user_id, NULL, entry->taken_by_name },
    .for_user_id = entry->for_user_id,
    .for_name = entry->for_name,
    .picked_up = entry->picked_up,
    .outcome = entry->outcome,
    .picked_up_from = { entry->picked_up_from_user_id, NULL, entry->picked_up_from_name },
    .forwarded_to = { entry->forwarded_to_user_id, entry->forwarded_to_number, entry->forwarded_to_name },
    .end_reason = entry->end_reason,
  };
}

JsonObject *
cb_projection_journal_entry (const CbJournalRecord *entry,
                             const CbWireViewer    *viewer)
{
  CbWireJournalEntry wire;

  cb_projection_journal_entry_wire (entry, &wire);
  return cb_wire_journal_entry_to_json (&wire, viewer);
}

/* ---- busy lamp field --------------------------------------------------------------- */

void
cb_projection_write_blf_keys (CbWireSink *sink,
                              GPtrArray  *keys)
{
  cb_wire_sink_begin_array (sink);
  for (guint i = 0; keys != NULL && i < keys->len; i++)
    {
      const CbBlfKeyRecord *key = g_ptr_array_index (keys, i);
      CbWireBlfKey wire = {
        key->id, key->kind, key->target_id, key->number, key->label, key->group_id > 0,
      };

      cb_wire_blf_key_write (sink, &wire);
    }
  cb_wire_sink_end_array (sink);
}

static void
write_keys_object (CbWireSink    *sink,
                   gconstpointer  keys,
                   gconstpointer  unused)
{
  cb_wire_sink_begin_object (sink);
  cb_wire_sink_member (sink, "keys");
  cb_projection_write_blf_keys (sink, (GPtrArray *) keys);
  cb_wire_sink_end_object (sink);
}

JsonObject *
cb_projection_blf_keys (GPtrArray *keys)
{
  return cb_wire_build_object (write_keys_object, keys, NULL);
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
cb_projection_user_list (const GArray *ids,
                         const GArray *from_groups)
{
  JsonObject *object = json_object_new ();

  json_object_set_array_member (object, "user_ids", cb_projection_id_array (ids));
  json_object_set_array_member (object, "from_groups", cb_projection_id_array (from_groups));
  return object;
}
