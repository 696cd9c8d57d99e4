/* cb-wire-journal.c: one journal entry on the wire (one user's record of one call)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-wire"

#include "cb-protocol-enums.h"
#include "cb-protocol-json.h"
#include "cb-wire-journal.h"
#include "cb-wire-private.h"

/* What cb_wire_journal_entry_from_json() returns: the strings point into object. */
typedef struct {
  CbWireJournalEntry  entry;
  JsonObject         *object;
} EntryRead;

void
cb_wire_journal_entry_write (CbWireSink               *sink,
                             const CbWireJournalEntry *entry,
                             const CbWireViewer       *viewer)
{
  gboolean remote_shown = cb_wire_viewer_may_see (viewer, entry->remote.user_id);
  gboolean answered = entry->answered_at > 0;

  cb_wire_sink_begin_object (sink);
  cb_wire_sink_put_int (sink, "id", entry->id);
  cb_wire_sink_put_int (sink, "user_id", entry->user_id);
  cb_wire_sink_put_string (sink, "call_id", entry->call_id);
  cb_wire_sink_put_nick (sink, "direction", CB_TYPE_CALL_DIRECTION, entry->direction);
  cb_wire_sink_put_string (sink, "remote_number", remote_shown ? entry->remote.number : "");
  cb_wire_sink_put_string (sink, "remote_name", remote_shown ? entry->remote.name : "");
  cb_wire_sink_put_id (sink, "remote_user_id", remote_shown ? entry->remote.user_id : 0);
  cb_wire_sink_put_int (sink, "started_at", entry->started_at);
  cb_wire_sink_put_id (sink, "answered_at", entry->answered_at);
  cb_wire_sink_put_int (sink, "ended_at", entry->ended_at);
  cb_wire_sink_put_int (sink, "duration", answered ? entry->ended_at - entry->answered_at : 0);
  cb_wire_sink_put_bool (sink, "answered", answered);
  cb_wire_sink_put_id (sink, "group_id", entry->group_id);

  /* Null, not "", when there is no group or nobody took it: the client
   * tells "not a group call" and "taken by" apart by that. */
  cb_wire_sink_member (sink, "group_name");
  if (entry->group_id > 0 && entry->group_name != NULL)
    cb_wire_sink_string (sink, entry->group_name);
  else
    cb_wire_sink_null (sink);
  if (entry->taken_by.user_id <= 0)
    {
      cb_wire_sink_put_id (sink, "taken_by_user_id", 0);
      cb_wire_sink_member (sink, "taken_by_name");
      cb_wire_sink_null (sink);
    }
  else if (cb_wire_viewer_may_see (viewer, entry->taken_by.user_id))
    {
      cb_wire_sink_put_int (sink, "taken_by_user_id", entry->taken_by.user_id);
      cb_wire_sink_put_string (sink, "taken_by_name", entry->taken_by.name);
    }
  else
    {
      /* Taken by someone who does not exist for the viewer. */
      cb_wire_sink_put_id (sink, "taken_by_user_id", 0);
      cb_wire_sink_put_string (sink, "taken_by_name", "");
    }
  cb_wire_sink_member (sink, "for");
  if (entry->for_user_id > 0 && cb_wire_viewer_may_see (viewer, entry->for_user_id))
    {
      cb_wire_sink_begin_object (sink);
      cb_wire_sink_put_int (sink, "user_id", entry->for_user_id);
      cb_wire_sink_put_string (sink, "name", entry->for_name != NULL ? entry->for_name : "");
      cb_wire_sink_end_object (sink);
    }
  else
    cb_wire_sink_null (sink);
  cb_wire_sink_put_bool (sink, "picked_up", entry->picked_up);
  cb_wire_sink_put_nick (sink, "outcome", CB_TYPE_CALL_OUTCOME, entry->outcome);
  _cb_wire_put_colleague (sink, "picked_up_from", entry->picked_up_from.user_id,
                          entry->picked_up_from.name, viewer);
  _cb_wire_put_party (sink, "forwarded_to", &entry->forwarded_to, viewer);
  cb_wire_sink_member (sink, "end_reason");
  if (entry->end_reason != CB_CALL_END_REASON_UNKNOWN)
    cb_wire_sink_string (sink, _cb_wire_nick (CB_TYPE_CALL_END_REASON, entry->end_reason));
  else
    cb_wire_sink_null (sink);
  cb_wire_sink_end_object (sink);
}

static void
write_entry (CbWireSink    *sink,
             gconstpointer  entry,
             gconstpointer  viewer)
{
  cb_wire_journal_entry_write (sink, entry, viewer);
}

JsonObject *
cb_wire_journal_entry_to_json (const CbWireJournalEntry *entry,
                               const CbWireViewer       *viewer)
{
  g_return_val_if_fail (entry != NULL, NULL);
  return cb_wire_build_object (write_entry, entry, viewer);
}

static gboolean
read_for (JsonObject          *object,
          CbWireJournalEntry  *entry,
          GError             **error)
{
  JsonObject *leader = NULL;

  /* Entries of an older server have no "for": none. */
  if (!_cb_wire_get_nullable_object (object, "for", &leader, error))
    return FALSE;
  if (leader == NULL)
    return TRUE;
  if (!cb_json_get_int (leader, "user_id", TRUE, &entry->for_user_id, error) ||
      !cb_json_get_string (leader, "name", FALSE, &entry->for_name, error))
    {
      g_prefix_error (error, "In “for”: ");
      return FALSE;
    }
  return TRUE;
}

CbWireJournalEntry *
cb_wire_journal_entry_from_json (JsonObject  *object,
                                 GError     **error)
{
  EntryRead *read;
  CbWireJournalEntry *entry;
  int direction = CB_CALL_DIRECTION_IN;
  gint64 duration = 0;
  gboolean answered = FALSE;
  int outcome = -1;
  const char *end_reason = NULL;
  int reason;

  g_return_val_if_fail (object != NULL, NULL);

  read = g_new0 (EntryRead, 1);
  read->object = json_object_ref (object);
  entry = &read->entry;

  /* duration and answered follow from the times; read only to check them. */
  if (!cb_json_get_int (object, "id", TRUE, &entry->id, error) ||
      !cb_json_get_int (object, "user_id", FALSE, &entry->user_id, error) ||
      !cb_json_get_string (object, "call_id", FALSE, &entry->call_id, error) ||
      !cb_json_get_enum (object, "direction", CB_TYPE_CALL_DIRECTION, FALSE, &direction, error) ||
      !cb_json_get_string (object, "remote_number", FALSE, &entry->remote.number, error) ||
      !cb_json_get_string (object, "remote_name", FALSE, &entry->remote.name, error) ||
      !_cb_wire_get_nullable_int (object, "remote_user_id", &entry->remote.user_id, error) ||
      !cb_json_get_int (object, "started_at", FALSE, &entry->started_at, error) ||
      !_cb_wire_get_nullable_int (object, "answered_at", &entry->answered_at, error) ||
      !cb_json_get_int (object, "ended_at", FALSE, &entry->ended_at, error) ||
      !cb_json_get_int (object, "duration", FALSE, &duration, error) ||
      !cb_json_get_bool (object, "answered", FALSE, &answered, error) ||
      !_cb_wire_get_nullable_int (object, "group_id", &entry->group_id, error) ||
      !_cb_wire_get_nullable_string (object, "group_name", &entry->group_name, error) ||
      !_cb_wire_get_nullable_int (object, "taken_by_user_id", &entry->taken_by.user_id, error) ||
      !_cb_wire_get_nullable_string (object, "taken_by_name", &entry->taken_by.name, error) ||
      !read_for (object, entry, error) ||
      !cb_json_get_bool (object, "picked_up", FALSE, &entry->picked_up, error) ||
      !cb_json_get_enum (object, "outcome", CB_TYPE_CALL_OUTCOME, FALSE, &outcome, error) ||
      !_cb_wire_get_colleague (object, "picked_up_from", &entry->picked_up_from.user_id,
                               &entry->picked_up_from.name, error) ||
      !_cb_wire_get_party (object, "forwarded_to", &entry->forwarded_to, error) ||
      !_cb_wire_get_nullable_string (object, "end_reason", &end_reason, error))
    {
      cb_wire_journal_entry_free (entry);
      return NULL;
    }
  entry->direction = direction;
  entry->outcome = outcome >= 0 ? (CbCallOutcome) outcome
                                : cb_wire_journal_guess_outcome (entry->direction, entry->answered_at,
                                                                 entry->taken_by.user_id);
  /* A reason a newer server gives reads as unknown here. */
  if (end_reason != NULL && cb_enum_from_nick (CB_TYPE_CALL_END_REASON, end_reason, &reason))
    entry->end_reason = reason;
  return entry;
}

CbCallOutcome
cb_wire_journal_guess_outcome (CbCallDirection direction,
                               gint64          answered_at,
                               gint64          taken_by)
{
  if (answered_at > 0)
    return CB_CALL_OUTCOME_ANSWERED;
  if (direction == CB_CALL_DIRECTION_OUT)
    return CB_CALL_OUTCOME_CANCELLED;
  return taken_by > 0 ? CB_CALL_OUTCOME_TAKEN : CB_CALL_OUTCOME_MISSED;
}

void
cb_wire_journal_entry_free (CbWireJournalEntry *entry)
{
  EntryRead *read = (EntryRead *) entry;

  if (read == NULL)
    return;
  g_clear_pointer (&read->object, json_object_unref);
  g_free (read);
}
