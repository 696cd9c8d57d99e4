/* cb-wire-private.h: what the wire codecs share and nobody else needs
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-wire-fields.h"
#include "cb-wire-sink.h"
#include "cb-wire-call.h"

G_BEGIN_DECLS

/* The rows of the user field table (cb-wire-fields.c), in wire order: the
 * user writer walks the table and writes row i by this index, so the
 * table alone decides both the order and who sees what. */
typedef enum {
  CB_WIRE_USER_FIELD_ID,
  CB_WIRE_USER_FIELD_USERNAME,
  CB_WIRE_USER_FIELD_DISPLAY_NAME,
  CB_WIRE_USER_FIELD_KIND,
  CB_WIRE_USER_FIELD_EXTENSION,
  CB_WIRE_USER_FIELD_EMAIL,
  CB_WIRE_USER_FIELD_MOBILE,
  CB_WIRE_USER_FIELD_LANGUAGE,
  CB_WIRE_USER_FIELD_TIME_ZONE,
  CB_WIRE_USER_FIELD_ADMIN,
  CB_WIRE_USER_FIELD_LEVEL,
  CB_WIRE_USER_FIELD_PRESENCE,
  CB_WIRE_USER_FIELD_LINE_STATE,
  CB_WIRE_USER_FIELD_AGENT_STATUS,
  CB_WIRE_USER_FIELD_GROUP_LOGINS,
  CB_WIRE_USER_FIELD_DIVERSION,
  CB_WIRE_USER_FIELD_MOBILE_RINGING,
  CB_WIRE_USER_FIELD_ANNOUNCEMENT,
  CB_WIRE_USER_FIELD_EXTERNAL_CALLS,
  CB_WIRE_USER_FIELD_REQUIRE_ENCRYPTION,
  /* Pseudo-fields: not members of the object. */
  CB_WIRE_USER_FIELD_CALLS,
  CB_WIRE_USER_FIELD_PICKUP,
  CB_WIRE_N_USER_FIELDS,
} CbWireUserField;

/* The nick of value, "" for a value the enum does not have. */
const char *_cb_wire_nick                 (GType         enum_type,
                                           int           value);

/* Readers. Like the cb_json_get_* helpers (an absent member leaves *value
 * untouched), but null reads as absent: ids and times that did not
 * happen, and strings the old writers wrote as null. */
gboolean    _cb_wire_get_nullable_int     (JsonObject   *object,
                                           const char   *member,
                                           gint64       *value,
                                           GError      **error);
gboolean    _cb_wire_get_nullable_string  (JsonObject   *object,
                                           const char   *member,
                                           const char  **value,
                                           GError      **error);
/* An optional integer that must fit in 0 … max. */
gboolean    _cb_wire_get_uint             (JsonObject   *object,
                                           const char   *member,
                                           guint64       max,
                                           guint64      *value,
                                           GError      **error);
/* An optional member that must be an object when present (null: absent). */
gboolean    _cb_wire_get_nullable_object  (JsonObject   *object,
                                           const char   *member,
                                           JsonObject  **value,
                                           GError      **error);
/* An optional member that must be an array when present. */
gboolean    _cb_wire_get_array            (JsonObject   *object,
                                           const char   *member,
                                           JsonArray   **value,
                                           GError      **error);
/* Element i of the array member must be an object. */
gboolean    _cb_wire_get_element_object   (JsonArray    *array,
                                           const char   *member,
                                           guint         index,
                                           JsonObject  **value,
                                           GError      **error);

/* A colleague named in a call or journal entry ("picked_up_from"):
 * {"user_id", "name"}, null when there is none (user_id 0), and
 * {"user_id": null, "name": ""} when the viewer may not see them. */
void        _cb_wire_put_colleague        (CbWireSink         *sink,
                                           const char         *member,
                                           gint64              user_id,
                                           const char         *name,
                                           const CbWireViewer *viewer);
/* Reads what _cb_wire_put_colleague() wrote; absent or null leaves
 * *user_id and *name untouched. */
gboolean    _cb_wire_get_colleague        (JsonObject   *object,
                                           const char   *member,
                                           gint64       *user_id,
                                           const char  **name,
                                           GError      **error);
/* A party as an object, {"user_id" (null: not one of ours), "number",
 * "name"}, without its id, number and name to a viewer who may not see
 * them (a conference's parties, "forwarded_to"); and read back. */
void        _cb_wire_put_party_object     (CbWireSink         *sink,
                                           const CbWireParty  *party,
                                           const CbWireViewer *viewer);
gboolean    _cb_wire_read_party_object    (JsonObject         *value,
                                           CbWireParty        *party,
                                           GError            **error);
/* A party that may be a number beyond our users ("forwarded_to"):
 * {"user_id" (null: not one of ours), "number", "name"}, null when it
 * has no number; without its number, name and id to a viewer who may
 * not see them. */
void        _cb_wire_put_party            (CbWireSink         *sink,
                                           const char         *member,
                                           const CbWireParty  *party,
                                           const CbWireViewer *viewer);
/* Reads what _cb_wire_put_party() wrote; absent or null leaves *party
 * untouched. */
gboolean    _cb_wire_get_party            (JsonObject   *object,
                                           const char   *member,
                                           CbWireParty  *party,
                                           GError      **error);

G_END_DECLS
