/* cb-protocol-json.h: JSON helpers shared by client and server
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "cb-protocol-types.h"

G_BEGIN_DECLS

#define CB_PROTOCOL_ERROR (cb_protocol_error_quark ())

/* Each code has a fixed wire name (cb_protocol_error_to_code()) and HTTP
 * status (cb_protocol_error_to_http_status()). */
typedef enum {
  CB_PROTOCOL_ERROR_BAD_REQUEST,       /* "bad-request", 400 */
  CB_PROTOCOL_ERROR_INVALID_JSON,      /* "invalid-json", 400 */
  CB_PROTOCOL_ERROR_INVALID_FIELD,     /* "invalid-field", 422 */
  CB_PROTOCOL_ERROR_UNAUTHORIZED,      /* "unauthorized", 401 */
  CB_PROTOCOL_ERROR_FORBIDDEN,         /* "forbidden", 403 */
  CB_PROTOCOL_ERROR_NOT_FOUND,         /* "not-found", 404 */
  CB_PROTOCOL_ERROR_METHOD_NOT_ALLOWED,/* "method-not-allowed", 405 */
  CB_PROTOCOL_ERROR_CONFLICT,          /* "conflict", 409 */
  CB_PROTOCOL_ERROR_PAYLOAD_TOO_LARGE, /* "payload-too-large", 413 */
  CB_PROTOCOL_ERROR_UNSUPPORTED_MEDIA, /* "unsupported-media-type", 415 */
  CB_PROTOCOL_ERROR_TOO_MANY_REQUESTS, /* "too-many-requests", 429 */
  CB_PROTOCOL_ERROR_INTERNAL,          /* "internal", 500 */
  CB_PROTOCOL_ERROR_UNAVAILABLE,       /* "unavailable", 503 */
  /* A conflict a client names in its own words: no phone is registered
   * for the number a call was to go to (and nothing takes its calls). */
  CB_PROTOCOL_ERROR_UNREACHABLE,       /* "unreachable", 409 */
  /* The other conflicts of a call a client names in its own words (the
   * message stays for logs and other clients). */
  CB_PROTOCOL_ERROR_NOT_CONNECTED,     /* "not-connected", 409: not (or no longer) talking */
  CB_PROTOCOL_ERROR_NOT_RINGING,       /* "not-ringing", 409: answered, picked up or gone */
  CB_PROTOCOL_ERROR_RENEGOTIATING,     /* "renegotiating", 409: a re-INVITE runs; try again */
  CB_PROTOCOL_ERROR_NO_PHONE,          /* "no-phone", 409: none of the user's own registered */
  CB_PROTOCOL_ERROR_IN_CONFERENCE,     /* "in-conference", 409 */
  CB_PROTOCOL_ERROR_TOO_MANY_CALLS,    /* "too-many-calls", 409: the user's external call limit */
  CB_PROTOCOL_ERROR_SAME_PARTY,        /* "same-party", 409: forwarded to the user or the caller */
  /* The conflicts of the user's lists and settings a client words itself. */
  CB_PROTOCOL_ERROR_FROM_GROUP,        /* "from-group", 409: a group's entry, an administrator's to remove */
  CB_PROTOCOL_ERROR_LIST_FULL,         /* "list-full", 409 */
  CB_PROTOCOL_ERROR_NO_MOBILE,         /* "no-mobile", 409: none set, or it cannot be dialled */
} CbProtocolError;

GQuark       cb_protocol_error_quark             (void);
const char  *cb_protocol_error_to_code           (CbProtocolError  code);
guint        cb_protocol_error_to_http_status    (CbProtocolError  code);
/* Maps a wire code back; unknown codes become CB_PROTOCOL_ERROR_INTERNAL. */
CbProtocolError cb_protocol_error_from_code      (const char      *code);

/* Enum <-> JSON string, by the enum's registered nick. */
const char  *cb_enum_to_nick                     (GType            enum_type,
                                                  int              value);
gboolean     cb_enum_from_nick                   (GType            enum_type,
                                                  const char      *nick,
                                                  int             *value);

/* {"error": {"code": ..., "message": ...}} serialised. */
char        *cb_json_error_body                  (CbProtocolError  code,
                                                  const char      *message);
/* Reads such a body into a GError in CB_PROTOCOL_ERROR; FALSE if it is not one. */
gboolean     cb_json_parse_error_body            (const char      *body,
                                                  gsize            length,
                                                  GError         **error);

/* Deepest nesting of arrays and objects cb_json_parse_object() accepts. */
#define CB_JSON_MAX_DEPTH 64

/* Parses a request body that must be a JSON object. Nesting deeper than
 * CB_JSON_MAX_DEPTH is CB_PROTOCOL_ERROR_INVALID_JSON; a string or member
 * name that is not UTF-8 once unescaped (a lone surrogate), or holds a
 * NUL, is CB_PROTOCOL_ERROR_INVALID_FIELD naming the member. */
JsonObject  *cb_json_parse_object                (const char      *data,
                                                  gsize            length,
                                                  GError         **error);
char        *cb_json_to_string                   (JsonNode        *node);
char        *cb_json_object_to_string            (JsonObject      *object);

/* Typed member access that reports CB_PROTOCOL_ERROR_INVALID_FIELD naming
 * the member (also for a string that is not UTF-8). Optional getters leave *value untouched when the member is
 * absent and return TRUE. */
gboolean     cb_json_get_string                  (JsonObject      *object,
                                                  const char      *member,
                                                  gboolean         required,
                                                  const char     **value,
                                                  GError         **error);
gboolean     cb_json_get_int                     (JsonObject      *object,
                                                  const char      *member,
                                                  gboolean         required,
                                                  gint64          *value,
                                                  GError         **error);
gboolean     cb_json_get_bool                    (JsonObject      *object,
                                                  const char      *member,
                                                  gboolean         required,
                                                  gboolean        *value,
                                                  GError         **error);
gboolean     cb_json_get_enum                    (JsonObject      *object,
                                                  const char      *member,
                                                  GType            enum_type,
                                                  gboolean         required,
                                                  int             *value,
                                                  GError         **error);
/* An array of integer ids; *ids is a new GArray of gint64. */
gboolean     cb_json_get_id_array                (JsonObject      *object,
                                                  const char      *member,
                                                  gboolean         required,
                                                  GArray         **ids,
                                                  GError         **error);

G_END_DECLS
