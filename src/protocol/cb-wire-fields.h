/* cb-wire-fields.h: which level each field of a user needs, and who receives each event
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one table of the permission rules (DESIGN.md, "Authorisation
 * groups"): the server's snapshot, its single objects and its event
 * filter, and the client's reader, all ask it. A field a viewer's level
 * does not reach is not written, and a reader treats it as unknown.
 *
 * A field that names another user (a call's remote party, a journal
 * entry's "taken by", a group's leader) is also cut when the viewer is
 * at CB_LEVEL_NONE towards that user: then that user does not exist for
 * the viewer. The codecs ask a CbWireViewer for that.
 */

#pragma once

#include "cb-protocol-types.h"

G_BEGIN_DECLS

typedef struct {
  const char *name;    /* the user object's member, or a pseudo-field (below) */
  CbLevel     level;   /* the viewer's level towards the user it needs */
} CbWireField;

/* The user object's fields in wire order, then the pseudo-fields "calls"
 * (the user's call events: remote party, state) and "pickup" (taking
 * their ringing calls), which are not members of the object. */
const CbWireField *cb_wire_user_fields      (guint       *n_fields);
/* The level `name` needs; CB_LEVEL_PERSONAL for a name not in the table. */
CbLevel            cb_wire_user_field_level (const char  *name);
/* Whether a viewer at `level` sees the field. */
gboolean           cb_wire_user_field_shown (const char  *name,
                                             CbLevel      level);

/* Who receives an event, by its type. */
typedef enum {
  /* Viewers whose level towards the event's subject reaches
   * cb_wire_event_level() (presence, line-state, agent-status,
   * group-login, call; "user" too, cut per viewer to their level). */
  CB_WIRE_AUDIENCE_SUBJECT_LEVEL,
  /* The subject alone: their lists and their journal. */
  CB_WIRE_AUDIENCE_SUBJECT_ONLY,
  /* Whoever may see the event's group (group, queue-stats). */
  CB_WIRE_AUDIENCE_GROUP,
  /* The users in data["user_ids"], everyone when absent (resync). */
  CB_WIRE_AUDIENCE_LISTED,
} CbWireAudience;

CbWireAudience     cb_wire_event_audience   (CbEventType  type);
/* For CB_WIRE_AUDIENCE_SUBJECT_LEVEL: the level of the user field the
 * event is about (presence: "presence"; line-state: "line_state"; call:
 * "calls"; user: CB_LEVEL_PUBLIC, then cut). CB_LEVEL_PERSONAL otherwise. */
CbLevel            cb_wire_event_level      (CbEventType  type);
/* Whether the event's data is the same for every recipient (serialised
 * once); FALSE for those a codec writes per viewer (user, group, call,
 * journal) and for resync, whose recipients get {} (the log's user_ids
 * list stays on the server). An unknown type: FALSE, audience
 * SUBJECT_ONLY, level PERSONAL. */
gboolean           cb_wire_event_is_shared  (CbEventType  type);

/* A viewer's level towards another user, from the server's directory.
 * The protocol library knows no directory: the server passes one in. */
typedef CbLevel (*CbWireLevelFunc) (gint64   viewer,
                                    gint64   user_id,
                                    gpointer user_data);

typedef struct {
  gint64          id;      /* the viewing user */
  CbWireLevelFunc level;
  gpointer        data;
} CbWireViewer;

/* CB_LEVEL_PERSONAL towards themself, and for viewer NULL: the full form
 * the server's event log keeps. CB_LEVEL_NONE for user_id <= 0 (no such
 * user) and for a viewer without a level function. */
CbLevel            cb_wire_viewer_level     (const CbWireViewer *viewer,
                                             gint64              user_id);
/* Whether a field naming user_id may be shown: TRUE for user_id <= 0 (not
 * one of our users: a number beyond the trunk, a group), else the level
 * is above CB_LEVEL_NONE. */
gboolean           cb_wire_viewer_may_see   (const CbWireViewer *viewer,
                                             gint64              user_id);

G_END_DECLS
