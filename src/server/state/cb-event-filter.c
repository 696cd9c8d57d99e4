/* cb-event-filter.c: what each viewer receives of one event
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-event-filter"

#include "cb-event-filter.h"
#include "cb-projection.h"

struct _CbEventFilter
{
  CbDirectory         *directory;
  const CbEventRecord *record;
  JsonObject          *data;
  CbEventType          type;
  gboolean             known;     /* a type this build knows */
  char                *shared;    /* the frame every entitled viewer gets */
  char                *mine;      /* the last frame written for one viewer */
  /* Decoded on first need, for the events written per viewer. */
  CbWireCall          *call;
  CbWireJournalEntry  *entry;
  CbWireGroup         *group;
  gboolean             undecodable;
};

CbEventFilter *
cb_event_filter_new (CbDirectory         *directory,
                     const CbEventRecord *record,
                     JsonObject          *data)
{
  CbEventFilter *self = g_new0 (CbEventFilter, 1);

  self->directory = directory;
  self->record = record;
  self->data = data;
  self->known = cb_event_type_from_string (record->type, &self->type);
  if (!self->known)
    g_debug ("Event type “%s” has no recipients", record->type);
  return self;
}

void
cb_event_filter_free (CbEventFilter *self)
{
  if (self == NULL)
    return;
  g_free (self->shared);
  g_free (self->mine);
  g_clear_pointer (&self->call, cb_wire_call_free);
  g_clear_pointer (&self->entry, cb_wire_journal_entry_free);
  g_clear_pointer (&self->group, cb_wire_group_free);
  g_free (self);
}

static gboolean
listed (JsonObject *data,
        gint64      viewer)
{
  JsonArray *ids;

  /* No list: everyone (a resync after an import). */
  if (!json_object_has_member (data, "user_ids"))
    return TRUE;
  ids = json_object_get_array_member (data, "user_ids");
  for (guint i = 0; ids != NULL && i < json_array_get_length (ids); i++)
    if (json_array_get_int_element (ids, i) == viewer)
      return TRUE;
  return FALSE;
}

/* Whether the viewer receives the event at all. */
static gboolean
entitled (CbEventFilter *self,
          gint64         viewer)
{
  const CbEventRecord *record = self->record;

  switch (cb_wire_event_audience (self->type))
    {
    case CB_WIRE_AUDIENCE_SUBJECT_LEVEL:
      return cb_directory_level (self->directory, viewer, record->subject_user_id) >=
             cb_wire_event_level (self->type);
    case CB_WIRE_AUDIENCE_SUBJECT_ONLY:
      return viewer == record->subject_user_id;
    case CB_WIRE_AUDIENCE_GROUP:
      return cb_directory_can_see_group (self->directory, viewer, record->group_id);
    case CB_WIRE_AUDIENCE_LISTED:
      return listed (self->data, viewer);
    default:
      return FALSE;
    }
}

static gboolean
decode (CbEventFilter *self)
{
  g_autoptr(GError) error = NULL;

  if (self->undecodable)
    return FALSE;
  if (self->type == CB_EVENT_TYPE_CALL && self->call == NULL)
    self->call = cb_wire_call_from_json (self->data, &error);
  else if (self->type == CB_EVENT_TYPE_JOURNAL && self->entry == NULL)
    self->entry = cb_wire_journal_entry_from_json (self->data, &error);
  else if (self->type == CB_EVENT_TYPE_GROUP && self->group == NULL)
    {
      self->group = cb_wire_group_from_json (self->data, &error);
      /* The log's copy has zeros: the live figures go out. */
      if (self->group != NULL)
        cb_directory_get_queue_stats (self->directory, self->group->id, &self->group->queue_stats);
    }
  if (error != NULL)
    {
      g_warning ("Event %" G_GINT64_FORMAT " (%s) cannot be read: %s", self->record->seq,
                 self->record->type, error->message);
      self->undecodable = TRUE;
      return FALSE;
    }
  return TRUE;
}

/* The data as `viewer` may see it (new reference), NULL to send none. */
static JsonObject *
data_for (CbEventFilter *self,
          gint64         viewer)
{
  CbWireViewer who;

  cb_projection_viewer (self->directory, viewer, &who);
  switch (self->type)
    {
    case CB_EVENT_TYPE_USER:
      return cb_wire_user_cut (self->data, cb_directory_level (self->directory, viewer,
                                                               self->record->subject_user_id));
    case CB_EVENT_TYPE_CALL:
      return decode (self) ? cb_wire_call_to_json (self->call, &who) : NULL;
    case CB_EVENT_TYPE_JOURNAL:
      return decode (self) ? cb_wire_journal_entry_to_json (self->entry, &who) : NULL;
    case CB_EVENT_TYPE_GROUP:
      return decode (self) ? cb_wire_group_to_json (self->group, &who) : NULL;
    case CB_EVENT_TYPE_RESYNC:
      /* Whom else it concerns is nobody's business. */
      return json_object_new ();
    default:
      return json_object_ref (self->data);
    }
}

static char *
frame_for (CbEventFilter *self,
           gint64         viewer)
{
  g_autoptr(JsonObject) data = data_for (self, viewer);
  g_autofree char *json = NULL;

  if (data == NULL)
    return NULL;
  json = cb_json_object_to_string (data);
  return cb_wire_frame_event (self->record->seq, self->type, json);
}

const char *
cb_event_filter_frame (CbEventFilter *self,
                       gint64         viewer)
{
  if (!self->known || !entitled (self, viewer))
    return NULL;
  if (cb_wire_event_is_shared (self->type))
    {
      if (self->shared == NULL)
        self->shared = frame_for (self, viewer);
      return self->shared;
    }
  g_free (self->mine);
  self->mine = frame_for (self, viewer);
  return self->mine;
}
