/* cb-protocol-json.c: JSON helpers shared by client and server
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-protocol"

#include "cb-protocol.h"

G_DEFINE_QUARK (cb-protocol-error-quark, cb_protocol_error)

static const struct {
  const char *code;
  guint status;
} error_table[] = {
  [CB_PROTOCOL_ERROR_BAD_REQUEST] = { "bad-request", 400 },
  [CB_PROTOCOL_ERROR_INVALID_JSON] = { "invalid-json", 400 },
  [CB_PROTOCOL_ERROR_INVALID_FIELD] = { "invalid-field", 422 },
  [CB_PROTOCOL_ERROR_UNAUTHORIZED] = { "unauthorized", 401 },
  [CB_PROTOCOL_ERROR_FORBIDDEN] = { "forbidden", 403 },
  [CB_PROTOCOL_ERROR_NOT_FOUND] = { "not-found", 404 },
  [CB_PROTOCOL_ERROR_METHOD_NOT_ALLOWED] = { "method-not-allowed", 405 },
  [CB_PROTOCOL_ERROR_CONFLICT] = { "conflict", 409 },
  [CB_PROTOCOL_ERROR_PAYLOAD_TOO_LARGE] = { "payload-too-large", 413 },
  [CB_PROTOCOL_ERROR_UNSUPPORTED_MEDIA] = { "unsupported-media-type", 415 },
  [CB_PROTOCOL_ERROR_TOO_MANY_REQUESTS] = { "too-many-requests", 429 },
  [CB_PROTOCOL_ERROR_INTERNAL] = { "internal", 500 },
  [CB_PROTOCOL_ERROR_UNAVAILABLE] = { "unavailable", 503 },
  [CB_PROTOCOL_ERROR_UNREACHABLE] = { "unreachable", 409 },
  [CB_PROTOCOL_ERROR_NOT_CONNECTED] = { "not-connected", 409 },
  [CB_PROTOCOL_ERROR_NOT_RINGING] = { "not-ringing", 409 },
  [CB_PROTOCOL_ERROR_RENEGOTIATING] = { "renegotiating", 409 },
  [CB_PROTOCOL_ERROR_NO_PHONE] = { "no-phone", 409 },
  [CB_PROTOCOL_ERROR_IN_CONFERENCE] = { "in-conference", 409 },
  [CB_PROTOCOL_ERROR_TOO_MANY_CALLS] = { "too-many-calls", 409 },
  [CB_PROTOCOL_ERROR_SAME_PARTY] = { "same-party", 409 },
  [CB_PROTOCOL_ERROR_FROM_GROUP] = { "from-group", 409 },
  [CB_PROTOCOL_ERROR_LIST_FULL] = { "list-full", 409 },
  [CB_PROTOCOL_ERROR_NO_MOBILE] = { "no-mobile", 409 },
};

const char *
cb_protocol_error_to_code (CbProtocolError code)
{
  if ((guint) code >= G_N_ELEMENTS (error_table))
    code = CB_PROTOCOL_ERROR_INTERNAL;
  return error_table[code].code;
}

guint
cb_protocol_error_to_http_status (CbProtocolError code)
{
  if ((guint) code >= G_N_ELEMENTS (error_table))
    code = CB_PROTOCOL_ERROR_INTERNAL;
  return error_table[code].status;
}

CbProtocolError
cb_protocol_error_from_code (const char *code)
{
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (error_table); i++)
    if (g_str_equal (code, error_table[i].code))
      return (CbProtocolError) i;
  return CB_PROTOCOL_ERROR_INTERNAL;
}

const char *
cb_enum_to_nick (GType enum_type,
                 int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *ev = g_enum_get_value (klass, value);

  /* Nicks are static strings owned by the (never freed) static type. */
  return ev != NULL ? ev->value_nick : NULL;
}

gboolean
cb_enum_from_nick (GType       enum_type,
                   const char *nick,
                   int        *value)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *ev;

  if (nick == NULL)
    return FALSE;

  klass = g_type_class_ref (enum_type);
  ev = g_enum_get_value_by_nick (klass, nick);
  if (ev == NULL)
    return FALSE;

  *value = ev->value;
  return TRUE;
}

char *
cb_json_error_body (CbProtocolError  code,
                    const char      *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *valid = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, cb_protocol_error_to_code (code));
  json_builder_set_member_name (builder, "message");
  /* Messages may quote what a client sent (a path, a name). */
  valid = g_utf8_make_valid (message != NULL ? message : "", -1);
  json_builder_add_string_value (builder, valid);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return cb_json_to_string (root);
}

gboolean
cb_json_parse_error_body (const char  *body,
                          gsize        length,
                          GError     **error)
{
  g_autoptr(JsonObject) object = NULL;
  JsonObject *inner;
  const char *code;
  const char *message;

  object = cb_json_parse_object (body, length, NULL);
  if (object == NULL || !json_object_has_member (object, "error"))
    return FALSE;

  inner = json_object_get_object_member (object, "error");
  if (inner == NULL)
    return FALSE;

  code = json_object_get_string_member_with_default (inner, "code", "internal");
  message = json_object_get_string_member_with_default (inner, "message", code);
  g_set_error_literal (error, CB_PROTOCOL_ERROR,
                       cb_protocol_error_from_code (code), message);
  return TRUE;
}

/* ---- checking text before json-glib sees it ------------------------------ */

/* Where the scanner is: one entry per open container, with the member
 * name last read in it (raw, between its quotes). */
typedef struct {
  gboolean    object;
  const char *key;
  gsize       key_length;
} Level;

typedef enum {
  TEXT_OK,
  TEXT_INVALID_UTF8,
  TEXT_LONE_SURROGATE,
  TEXT_NUL,
} TextProblem;

static int
hex4 (const char *p,
      gsize       available)
{
  int value = 0;

  if (available < 4)
    return -1;
  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/* Scans the string whose opening quote is at data[start]; returns the
 * offset just past its closing quote (length when unterminated: json-glib
 * reports that) and what is wrong with its text. */
static gsize
scan_string (const char  *data,
             gsize        length,
             gsize        start,
             TextProblem *problem)
{
  gsize i = start + 1;

  *problem = TEXT_OK;
  while (i < length && data[i] != '"')
    {
      guchar c = data[i];

      if (c == '\\')
        {
          int unit;

          if (i + 1 >= length)
            return length;
          if (data[i + 1] != 'u')
            {
              i += 2;
              continue;
            }
          unit = hex4 (data + i + 2, length - (i + 2));
          i += 2;
          if (unit < 0)
            continue;   /* malformed escape: json-glib's to report */
          i += 4;
          /* json-glib cuts a string at NUL and turns a lone surrogate
           * into bytes that are not UTF-8, losing what follows it. */
          if (unit == 0 && *problem == TEXT_OK)
            *problem = TEXT_NUL;
          else if (unit >= 0xdc00 && unit <= 0xdfff)
            *problem = TEXT_LONE_SURROGATE;
          else if (unit >= 0xd800 && unit <= 0xdbff)
            {
              int low = (i + 1 < length && data[i] == '\\' && data[i + 1] == 'u')
                        ? hex4 (data + i + 2, length - (i + 2)) : -1;

              if (low >= 0xdc00 && low <= 0xdfff)
                i += 6;
              else
                *problem = TEXT_LONE_SURROGATE;
            }
        }
      else if (c < 0x80)
        i++;
      else
        {
          gsize skip = g_utf8_skip[c];

          if (i + skip > length || !g_utf8_validate_len (data + i, skip, NULL))
            {
              *problem = TEXT_INVALID_UTF8;
              skip = 1;
            }
          i += skip;
        }
    }
  return i < length ? i + 1 : length;
}

static void
set_text_error (GError       **error,
                TextProblem    problem,
                gboolean       is_key,
                const char    *key,
                gsize          key_length)
{
  static const char *why[] = {
    [TEXT_INVALID_UTF8] = "is not valid UTF-8",
    [TEXT_LONE_SURROGATE] = "is not valid UTF-8 (a lone surrogate escape, \\uD800 to \\uDFFF without its pair)",
    [TEXT_NUL] = "contains a NUL character (\\u0000)",
  };
  g_autofree char *name = NULL;

  if (is_key || key == NULL)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "%s %s", is_key ? "A member name" : "A string", why[problem]);
      return;
    }
  /* Shown in the message: the name as sent, made printable and short. */
  name = g_utf8_make_valid (key, MIN (key_length, 64));
  g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
               "Field “%s” %s", name, why[problem]);
}

/* json-glib parses recursively with no depth limit (a deep enough body
 * overflows the stack) and accepts text that is not UTF-8 after
 * unescaping. One pass over the raw text refuses both before parsing. */
static gboolean
check_json_text (const char  *data,
                 gsize        length,
                 GError     **error)
{
  Level levels[CB_JSON_MAX_DEPTH + 1];
  guint depth = 0;
  gsize i = 0;

  levels[0] = (Level) { FALSE, NULL, 0 };
  while (i < length)
    {
      switch (data[i])
        {
        case '{':
        case '[':
          if (depth == CB_JSON_MAX_DEPTH)
            {
              g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON,
                           "The JSON is too deeply nested (more than %d levels)",
                           CB_JSON_MAX_DEPTH);
              return FALSE;
            }
          levels[++depth] = (Level) { data[i] == '{', NULL, 0 };
          i++;
          break;

        case '}':
        case ']':
          if (depth > 0)
            depth--;
          i++;
          break;

        case '"':
          {
            TextProblem problem;
            gsize end = scan_string (data, length, i, &problem);
            gsize next = end;
            gboolean is_key;

            while (next < length && g_ascii_isspace (data[next]))
              next++;
            is_key = next < length && data[next] == ':' && levels[depth].object;
            if (problem != TEXT_OK)
              {
                guint owner = depth;

                /* A value in an array belongs to the member holding it. */
                while (owner > 0 && !levels[owner].object)
                  owner--;
                set_text_error (error, problem, is_key, levels[owner].key,
                                levels[owner].key_length);
                return FALSE;
              }
            if (is_key)
              {
                levels[depth].key = data + i + 1;
                levels[depth].key_length = end - i - 2;
              }
            i = end;
            break;
          }

        default:
          i++;
          break;
        }
    }
  return TRUE;
}

JsonObject *
cb_json_parse_object (const char  *data,
                      gsize        length,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (data == NULL || length == 0)
    {
      g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON,
                           "The request body is empty; a JSON object is required");
      return NULL;
    }

  if (!check_json_text (data, length, error))
    return NULL;

  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON,
                   "Malformed JSON: %s", local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON,
                           "The body must be a JSON object");
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

char *
cb_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

char *
cb_json_object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return cb_json_to_string (node);
}

static gboolean
lookup_member (JsonObject  *object,
               const char  *member,
               gboolean     required,
               JsonNode   **node,
               GError     **error)
{
  *node = json_object_get_member (object, member);
  if (*node == NULL)
    {
      if (required)
        g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                     "Missing required field “%s”", member);
      return !required;
    }
  return TRUE;
}

static gboolean
wrong_type (const char  *member,
            const char  *expected,
            GError     **error)
{
  g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
               "Field “%s” must be %s", member, expected);
  return FALSE;
}

gboolean
cb_json_get_string (JsonObject  *object,
                    const char  *member,
                    gboolean     required,
                    const char **value,
                    GError     **error)
{
  JsonNode *node;

  if (!lookup_member (object, member, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (member, "a string", error);

  /* cb_json_parse_object() has checked the text already; an object built
   * some other way must not slip anything past either. */
  if (!g_utf8_validate (json_node_get_string (node), -1, NULL))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “%s” is not valid UTF-8", member);
      return FALSE;
    }
  *value = json_node_get_string (node);
  return TRUE;
}

gboolean
cb_json_get_int (JsonObject  *object,
                 const char  *member,
                 gboolean     required,
                 gint64      *value,
                 GError     **error)
{
  JsonNode *node;

  if (!lookup_member (object, member, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return wrong_type (member, "an integer", error);

  *value = json_node_get_int (node);
  return TRUE;
}

gboolean
cb_json_get_bool (JsonObject  *object,
                  const char  *member,
                  gboolean     required,
                  gboolean    *value,
                  GError     **error)
{
  JsonNode *node;

  if (!lookup_member (object, member, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return wrong_type (member, "true or false", error);

  *value = json_node_get_boolean (node);
  return TRUE;
}

gboolean
cb_json_get_enum (JsonObject  *object,
                  const char  *member,
                  GType        enum_type,
                  gboolean     required,
                  int         *value,
                  GError     **error)
{
  const char *nick = NULL;

  if (!cb_json_get_string (object, member, required, &nick, error))
    return FALSE;
  if (nick == NULL)
    return TRUE;

  if (!cb_enum_from_nick (enum_type, nick, value))
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
      g_autoptr(GString) allowed = g_string_new (NULL);

      for (guint i = 0; i < klass->n_values; i++)
        g_string_append_printf (allowed, "%s“%s”", i > 0 ? ", " : "",
                                klass->values[i].value_nick);
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “%s” has unknown value “%s”; expected one of %s",
                   member, nick, allowed->str);
      return FALSE;
    }

  return TRUE;
}

gboolean
cb_json_get_id_array (JsonObject  *object,
                      const char  *member,
                      gboolean     required,
                      GArray     **ids,
                      GError     **error)
{
  JsonNode *node;
  JsonArray *array;
  g_autoptr(GArray) result = NULL;

  if (!lookup_member (object, member, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (member, "an array of ids", error);

  array = json_node_get_array (node);
  result = g_array_sized_new (FALSE, FALSE, sizeof (gint64), json_array_get_length (array));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gint64 id;

      if (!JSON_NODE_HOLDS_VALUE (element) ||
          json_node_get_value_type (element) != G_TYPE_INT64)
        return wrong_type (member, "an array of ids", error);

      id = json_node_get_int (element);
      g_array_append_val (result, id);
    }

  *ids = g_steal_pointer (&result);
  return TRUE;
}
