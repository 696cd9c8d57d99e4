/* cb-wire-fields.c: which level each field of a user needs, and who receives each event
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The two tables below are the only place where a level is tied to a
 * field or an event: everything else asks them.
 */

#define G_LOG_DOMAIN "cb-wire"

#include <string.h>

#include "cb-wire-private.h"

/* DESIGN.md, "Authorisation groups": public sees the directory entry and
 * availability, business adds line state, team adds call details, group
 * logins, agent status, pickup and where the user's calls are diverted
 * (colleagues see "diverted to …"); the settings only the user acts on
 * (ringing their mobile, their announcement, encrypted calls only) stay
 * personal. */
static const CbWireField user_fields[] = {
  [CB_WIRE_USER_FIELD_ID]               = { "id",             CB_LEVEL_PUBLIC },
  [CB_WIRE_USER_FIELD_USERNAME]         = { "username",       CB_LEVEL_PUBLIC },
  [CB_WIRE_USER_FIELD_DISPLAY_NAME]     = { "display_name",   CB_LEVEL_PUBLIC },
  [CB_WIRE_USER_FIELD_KIND]             = { "kind",           CB_LEVEL_PUBLIC },
  [CB_WIRE_USER_FIELD_EXTENSION]        = { "extension",      CB_LEVEL_PUBLIC },
  [CB_WIRE_USER_FIELD_EMAIL]            = { "email",          CB_LEVEL_PUBLIC },
  [CB_WIRE_USER_FIELD_MOBILE]           = { "mobile",         CB_LEVEL_PUBLIC },
  [CB_WIRE_USER_FIELD_LANGUAGE]         = { "language",       CB_LEVEL_PUBLIC },
  [CB_WIRE_USER_FIELD_TIME_ZONE]        = { "time_zone",      CB_LEVEL_PUBLIC },
  [CB_WIRE_USER_FIELD_ADMIN]            = { "admin",          CB_LEVEL_PUBLIC },
  [CB_WIRE_USER_FIELD_LEVEL]            = { "level",          CB_LEVEL_PUBLIC },
  [CB_WIRE_USER_FIELD_PRESENCE]         = { "presence",       CB_LEVEL_PUBLIC },
  [CB_WIRE_USER_FIELD_LINE_STATE]       = { "line_state",     CB_LEVEL_BUSINESS },
  [CB_WIRE_USER_FIELD_AGENT_STATUS]     = { "agent_status",   CB_LEVEL_TEAM },
  [CB_WIRE_USER_FIELD_GROUP_LOGINS]     = { "group_logins",   CB_LEVEL_TEAM },
  [CB_WIRE_USER_FIELD_DIVERSION]        = { "diversion",      CB_LEVEL_TEAM },
  [CB_WIRE_USER_FIELD_MOBILE_RINGING]   = { "mobile_ringing", CB_LEVEL_PERSONAL },
  [CB_WIRE_USER_FIELD_ANNOUNCEMENT]     = { "announcement",   CB_LEVEL_PERSONAL },
  [CB_WIRE_USER_FIELD_EXTERNAL_CALLS]   = { "external_calls", CB_LEVEL_PERSONAL },
  [CB_WIRE_USER_FIELD_REQUIRE_ENCRYPTION] = { "require_encryption", CB_LEVEL_PERSONAL },
  [CB_WIRE_USER_FIELD_CALLS]            = { "calls",          CB_LEVEL_TEAM },
  [CB_WIRE_USER_FIELD_PICKUP]           = { "pickup",         CB_LEVEL_TEAM },
};

G_STATIC_ASSERT (G_N_ELEMENTS (user_fields) == CB_WIRE_N_USER_FIELDS);

typedef struct {
  CbEventType     type;      /* its own index: a forgotten row shows */
  CbWireAudience  audience;
  const char     *field;     /* CB_WIRE_AUDIENCE_SUBJECT_LEVEL: the user field it is about */
  gboolean        shared;    /* the same data for every recipient */
} EventRow;

static const EventRow events[] = {
  [CB_EVENT_TYPE_PRESENCE] =
    { CB_EVENT_TYPE_PRESENCE, CB_WIRE_AUDIENCE_SUBJECT_LEVEL, "presence", TRUE },
  [CB_EVENT_TYPE_LINE_STATE] =
    { CB_EVENT_TYPE_LINE_STATE, CB_WIRE_AUDIENCE_SUBJECT_LEVEL, "line_state", TRUE },
  [CB_EVENT_TYPE_AGENT_STATUS] =
    { CB_EVENT_TYPE_AGENT_STATUS, CB_WIRE_AUDIENCE_SUBJECT_LEVEL, "agent_status", TRUE },
  /* Seeing the group alone does not entitle a viewer to its logins. */
  [CB_EVENT_TYPE_GROUP_LOGIN] =
    { CB_EVENT_TYPE_GROUP_LOGIN, CB_WIRE_AUDIENCE_SUBJECT_LEVEL, "group_logins", TRUE },
  /* Whoever may see the user at all gets the object, cut to their level. */
  [CB_EVENT_TYPE_USER] =
    { CB_EVENT_TYPE_USER, CB_WIRE_AUDIENCE_SUBJECT_LEVEL, "id", FALSE },
  [CB_EVENT_TYPE_GROUP] =
    { CB_EVENT_TYPE_GROUP, CB_WIRE_AUDIENCE_GROUP, NULL, FALSE },
  [CB_EVENT_TYPE_FAVOURITES] =
    { CB_EVENT_TYPE_FAVOURITES, CB_WIRE_AUDIENCE_SUBJECT_ONLY, NULL, TRUE },
  [CB_EVENT_TYPE_MONITOR] =
    { CB_EVENT_TYPE_MONITOR, CB_WIRE_AUDIENCE_SUBJECT_ONLY, NULL, TRUE },
  /* Per viewer: the parties they may not see are blanked. */
  [CB_EVENT_TYPE_CALL] =
    { CB_EVENT_TYPE_CALL, CB_WIRE_AUDIENCE_SUBJECT_LEVEL, "calls", FALSE },
  [CB_EVENT_TYPE_JOURNAL] =
    { CB_EVENT_TYPE_JOURNAL, CB_WIRE_AUDIENCE_SUBJECT_ONLY, NULL, FALSE },
  [CB_EVENT_TYPE_QUEUE_STATS] =
    { CB_EVENT_TYPE_QUEUE_STATS, CB_WIRE_AUDIENCE_GROUP, NULL, TRUE },
  /* Recipients get {}: the list of whom it concerns stays on the server. */
  [CB_EVENT_TYPE_RESYNC] =
    { CB_EVENT_TYPE_RESYNC, CB_WIRE_AUDIENCE_LISTED, NULL, FALSE },
  /* The user's own busy lamp field keys. */
  [CB_EVENT_TYPE_BLF] =
    { CB_EVENT_TYPE_BLF, CB_WIRE_AUDIENCE_SUBJECT_ONLY, NULL, TRUE },
  /* A hunt group's lamp: calls ringing at its members now. */
  [CB_EVENT_TYPE_GROUP_CALLS] =
    { CB_EVENT_TYPE_GROUP_CALLS, CB_WIRE_AUDIENCE_GROUP, NULL, TRUE },
  /* How far the user has looked at their journal (all their devices). */
  [CB_EVENT_TYPE_JOURNAL_SEEN] =
    { CB_EVENT_TYPE_JOURNAL_SEEN, CB_WIRE_AUDIENCE_SUBJECT_ONLY, NULL, TRUE },
};

G_STATIC_ASSERT (G_N_ELEMENTS (events) == CB_EVENT_TYPE_JOURNAL_SEEN + 1);

const CbWireField *
cb_wire_user_fields (guint *n_fields)
{
  if (n_fields != NULL)
    *n_fields = G_N_ELEMENTS (user_fields);
  return user_fields;
}

CbLevel
cb_wire_user_field_level (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (user_fields); i++)
    if (strcmp (name, user_fields[i].name) == 0)
      return user_fields[i].level;
  /* Something this table does not know about a user is no one else's business. */
  return CB_LEVEL_PERSONAL;
}

gboolean
cb_wire_user_field_shown (const char *name,
                          CbLevel     level)
{
  return level >= cb_wire_user_field_level (name);
}

static const EventRow *
event_row (CbEventType type)
{
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (events), NULL);
  g_return_val_if_fail (events[type].type == type, NULL);
  return &events[type];
}

CbWireAudience
cb_wire_event_audience (CbEventType type)
{
  const EventRow *row = event_row (type);

  /* An unknown type reaches the subject alone: never more than that. */
  return row != NULL ? row->audience : CB_WIRE_AUDIENCE_SUBJECT_ONLY;
}

CbLevel
cb_wire_event_level (CbEventType type)
{
  const EventRow *row = event_row (type);

  if (row == NULL || row->audience != CB_WIRE_AUDIENCE_SUBJECT_LEVEL)
    return CB_LEVEL_PERSONAL;
  return cb_wire_user_field_level (row->field);
}

gboolean
cb_wire_event_is_shared (CbEventType type)
{
  const EventRow *row = event_row (type);

  return row != NULL && row->shared;
}

CbLevel
cb_wire_viewer_level (const CbWireViewer *viewer,
                      gint64              user_id)
{
  if (viewer == NULL || (user_id > 0 && user_id == viewer->id))
    return CB_LEVEL_PERSONAL;
  if (user_id <= 0 || viewer->level == NULL)
    return CB_LEVEL_NONE;
  return viewer->level (viewer->id, user_id, viewer->data);
}

gboolean
cb_wire_viewer_may_see (const CbWireViewer *viewer,
                        gint64              user_id)
{
  return user_id <= 0 || cb_wire_viewer_level (viewer, user_id) > CB_LEVEL_NONE;
}
