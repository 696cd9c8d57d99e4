/* cb-wire-user.h: a user (a colleague, a DeviceOnly phone) on the wire
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * {"id", "username", "display_name", "kind", "extension", "email",
 *  "mobile", "language", "time_zone", "admin", "level",
 *  "presence": {"availability", "note", "note_until"},
 *  "line_state"                       (business and above),
 *  "agent_status", "group_logins": [{"id", "name"}],
 *  "diversion": {"unconditional", "busy", "no_answer", "no_answer_after"}
 *                                                      (team and above),
 *  "mobile_ringing": {"enabled", "delay"}, "announcement",
 *  "external_calls", "require_encryption"              (personal)}
 *
 * A diversion target is a number (an extension, a group number or an
 * external one), null when that diversion is off.
 *
 * `level` is the viewer's level towards the user; the fields it does not
 * reach (cb_wire_user_field_shown()) are left out by the writer and
 * read as unknown. The writer walks the field table, which gives the
 * members' order too. A user at CB_LEVEL_NONE is not written at all:
 * cb_wire_user_to_json() returns NULL, cb_wire_user_write() is a caller
 * error (it writes null and a critical).
 */

#pragma once

#include "cb-wire-fields.h"
#include "cb-wire-sink.h"

G_BEGIN_DECLS

/* Diversion on no answer: after this many seconds (PROTOCOL.md); and
 * the longest delay before a user's mobile rings too. */
#define CB_WIRE_NO_ANSWER_AFTER_DEFAULT  20
#define CB_WIRE_NO_ANSWER_AFTER_MIN      5
#define CB_WIRE_NO_ANSWER_AFTER_MAX      120
#define CB_WIRE_MOBILE_RINGING_DELAY_MAX 60
/* A diversion target: 1 to this many of 0-9 * # +. */
#define CB_WIRE_DIVERSION_NUMBER_MAX     32

/* A hunt group or assistant group a user is logged into. */
typedef struct {
  gint64      id;
  const char *name;
} CbWireGroupRef;

/* Where a user's calls go instead of ringing them. */
typedef struct {
  const char *unconditional;    /* every call; NULL: off */
  const char *busy;             /* while they are in a call; NULL: off */
  const char *no_answer;        /* after no_answer_after s of ringing; NULL: off */
  guint       no_answer_after;  /* seconds */
} CbWireDiversion;

/* The user's mobile (the "mobile" field) rings with their phones. */
typedef struct {
  gboolean enabled;
  guint    delay;               /* seconds after their phones start */
} CbWireMobileRinging;

/* Strings are borrowed: from the server's records, or from the JsonObject
 * a CbWireUser was read from (which it keeps alive). */
typedef struct {
  gint64                id;
  const char           *username;
  const char           *display_name;
  CbUserKind            kind;
  const char           *extension;
  const char           *email;
  const char           *mobile;
  const char           *language;
  const char           *time_zone;
  gboolean              admin;
  CbLevel               level;
  CbAvailability        availability;
  const char           *note;
  gint64                note_until;      /* unix s the note goes by itself; 0: it stays */
  CbLineState           line_state;      /* only where level shows it */
  CbAgentStatus         agent_status;    /* likewise */
  const CbWireGroupRef *group_logins;    /* likewise */
  guint                 n_group_logins;
  CbWireDiversion       diversion;       /* likewise */
  CbWireMobileRinging   mobile_ringing;  /* personal only */
  gboolean              announcement;    /* personal only: one is uploaded */
  gboolean              external_calls;  /* personal only: may call over the trunk */
  gboolean              require_encryption; /* personal only: their calls must be SRTP over TLS */
} CbWireUser;

void        cb_wire_user_write     (CbWireSink       *sink,
                                    const CbWireUser *user);
JsonObject *cb_wire_user_to_json   (const CbWireUser *user);
/* Reads a user object (what the writer writes, at any level). "id" and
 * "level" are required; fields the level does not reach are ignored even
 * when present, so unknown ones read as availability/line state
 * offline, agent status logged out, no logins, no diversion (no answer
 * after the default), mobile ringing off, no announcement, encryption not
 * required. The result keeps a
 * reference to object; free it with cb_wire_user_free() (only those).
 * Errors: CB_PROTOCOL_ERROR_INVALID_FIELD. */
CbWireUser *cb_wire_user_from_json (JsonObject       *object,
                                    GError          **error);
void        cb_wire_user_free      (CbWireUser       *user);
/* A user object written at a higher level, cut down to `level` (the
 * "user" event: the log keeps it at personal level). NULL at NONE. The
 * result is what the writer gives at that level, member order included
 * ("level" stays in its place; today's filter moved it last). A cut never
 * raises: an object written lower keeps its level. Members the table does
 * not know are kept only at PERSONAL. */
JsonObject *cb_wire_user_cut       (JsonObject       *object,
                                    CbLevel           level);

/* A "diversion" object (the user's field, and the body of PUT
 * /me/diversion): a member left out or null is off, no_answer_after
 * left out is the default. Only the types are checked here; the strings
 * point into object. Errors: CB_PROTOCOL_ERROR_INVALID_FIELD naming the
 * member. */
gboolean    cb_wire_diversion_from_json (JsonObject       *object,
                                         CbWireDiversion  *diversion,
                                         GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbWireUser, cb_wire_user_free)

G_END_DECLS
