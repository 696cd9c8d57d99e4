/* cb-wire-blf.h: a busy lamp field key on the wire
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * {"id", "kind": "user" | "group" | "number",
 *  "user_id" | "group_id" | "number" (by kind), "label", "distributed"}
 *
 * A key lights with its target's state, which the viewer receives on
 * its own terms: a user's "line_state" (business and above) and calls
 * (team), a hunt group's "ringing" and queue figures (whoever sees the
 * group); a number has no lamp. A distributed key comes from a group
 * the user is in: shown like their own, but only an administrator
 * removes it.
 */

#pragma once

#include "cb-wire-sink.h"

G_BEGIN_DECLS

typedef struct {
  gint64        id;
  CbBlfKeyKind  kind;
  gint64        target_id;     /* the user (USER) or group (GROUP) */
  const char   *number;        /* NUMBER: what it dials */
  const char   *label;         /* "" or NULL: the target's own name */
  gboolean      distributed;
} CbWireBlfKey;

void          cb_wire_blf_key_write     (CbWireSink         *sink,
                                         const CbWireBlfKey *key);
JsonObject   *cb_wire_blf_key_to_json   (const CbWireBlfKey *key);
/* Reads a key as written, or as a request body describes a new one (no
 * "id", no "distributed"). The result keeps a reference to object.
 * Errors: CB_PROTOCOL_ERROR_INVALID_FIELD. */
CbWireBlfKey *cb_wire_blf_key_from_json (JsonObject         *object,
                                         GError            **error);
void          cb_wire_blf_key_free      (CbWireBlfKey       *key);

/* {"group_id", "ringing"}: the data of a "group-calls" event. */
JsonObject   *cb_wire_group_calls_to_json   (gint64       group_id,
                                             guint        ringing);
gboolean      cb_wire_group_calls_from_json (JsonObject  *object,
                                             gint64      *group_id,
                                             guint       *ringing,
                                             GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbWireBlfKey, cb_wire_blf_key_free)

G_END_DECLS
