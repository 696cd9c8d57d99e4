/* wire-test-support.h: what the wire codec tests share: both sinks, leak scans
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-protocol.h"

G_BEGIN_DECLS

/* What `write` puts in a text sink. */
char       *wire_test_text             (CbWireWriteFunc  write,
                                        gconstpointer    object,
                                        gconstpointer    user_data);
/* json-glib's serialisation of a node or object (member order kept). */
char       *wire_test_serialise        (JsonObject      *object);
/* Writes through both sinks and asserts they give the same JSON: equal
 * parsed trees, the same members in the same order. Returns the text. */
char       *wire_test_assert_sinks_agree (CbWireWriteFunc write,
                                          gconstpointer   object,
                                          gconstpointer   user_data);
/* Asserts that none of needles (NULL-terminated) occurs in text. */
void        wire_test_assert_absent    (const char      *text,
                                        const char * const *needles);
/* Asserts that every one of needles occurs in text. */
void        wire_test_assert_present   (const char      *text,
                                        const char * const *needles);
/* Parses text, which must be a JSON object. */
JsonObject *wire_test_parse            (const char      *text);

/* A viewer whose levels come from a table of (user id, level) pairs,
 * terminated by id 0; users not in it are at CB_LEVEL_NONE. */
typedef struct {
  gint64  user_id;
  CbLevel level;
} WireTestLevel;

CbLevel     wire_test_level_func       (gint64          viewer,
                                        gint64          user_id,
                                        gpointer        data);
#define WIRE_TEST_VIEWER(viewer_id, levels) \
  ((CbWireViewer) { .id = (viewer_id), .level = wire_test_level_func, .data = (gpointer) (levels) })

G_END_DECLS
