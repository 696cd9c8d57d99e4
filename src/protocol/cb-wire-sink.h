/* cb-wire-sink.h: where a wire codec writes: JSON text or a JSON tree
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every object is mapped to JSON once, by a codec writing to a sink. The
 * sink is either a CbJsonWriter (text straight into a string: the
 * snapshot of ten thousand users) or a JsonBuilder (a tree, for answers
 * and events that are handled as JsonObjects).
 *
 * Measured with tests/protocol/bench-wire (10,000 users, 338 bytes of
 * JSON each; 2 shared cores, AMD EPYC, debugoptimized, json-glib 1.6.6;
 * best of 9 rounds, five runs agreeing within 10 %):
 *   text sink, the snapshot's one array         0.74 µs a user, 455 MB/s
 *   tree sink, a JsonObject per user            3.4  µs a user  (99 MB/s)
 *   text per user parsed back (the old way)     8.3  µs a user  (41 MB/s)
 *   tree sink, the snapshot as one tree + json_generator
 *                                               12.4 µs a user  (27 MB/s)
 * (MB/s of the same JSON text.) So a tree built directly costs about 40 %
 * of text parsed back, and the streaming text sink stays for the big
 * answers: 4.6× faster than trees, 17× faster than a tree serialised.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "cb-json-writer.h"

G_BEGIN_DECLS

/* Exactly one of the two is set. */
typedef struct {
  CbJsonWriter *writer;
  JsonBuilder  *builder;
} CbWireSink;

#define CB_WIRE_SINK_TEXT(w) ((CbWireSink) { .writer = (w), .builder = NULL })
#define CB_WIRE_SINK_TREE(b) ((CbWireSink) { .writer = NULL, .builder = (b) })

void cb_wire_sink_begin_object (CbWireSink *sink);
void cb_wire_sink_end_object   (CbWireSink *sink);
void cb_wire_sink_begin_array  (CbWireSink *sink);
void cb_wire_sink_end_array    (CbWireSink *sink);
/* The name of the next member; then exactly one value or container. */
void cb_wire_sink_member       (CbWireSink *sink,
                                const char *name);
/* NULL is written as "" (text fields are never null on the wire). */
void cb_wire_sink_string       (CbWireSink *sink,
                                const char *value);
void cb_wire_sink_int          (CbWireSink *sink,
                                gint64      value);
void cb_wire_sink_bool         (CbWireSink *sink,
                                gboolean    value);
void cb_wire_sink_null         (CbWireSink *sink);

/* Member and value in one call. */
void cb_wire_sink_put_string   (CbWireSink *sink,
                                const char *name,
                                const char *value);
void cb_wire_sink_put_int      (CbWireSink *sink,
                                const char *name,
                                gint64      value);
/* value <= 0 is written as null (ids, times that have not happened). */
void cb_wire_sink_put_id       (CbWireSink *sink,
                                const char *name,
                                gint64      value);
void cb_wire_sink_put_bool     (CbWireSink *sink,
                                const char *name,
                                gboolean    value);
/* An enum value as its nick; the enum class is looked up once. */
void cb_wire_sink_put_nick     (CbWireSink *sink,
                                const char *name,
                                GType       enum_type,
                                int         value);

/* The object a builder-backed write produced: begin a JsonBuilder, let
 * `write` fill it, return the root object (new reference). */
typedef void (*CbWireWriteFunc) (CbWireSink    *sink,
                                 gconstpointer  object,
                                 gconstpointer  user_data);
JsonObject *cb_wire_build_object (CbWireWriteFunc write,
                                  gconstpointer   object,
                                  gconstpointer   user_data);

G_END_DECLS
