/* cb-json-writer.c: JSON text written straight into a string
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-json-writer"

#include "cb-json-writer.h"

#define MAX_DEPTH 64

struct _CbJsonWriter
{
  GString  *text;
  guint     depth;
  gboolean  after_name;             /* a member name was just written */
  gboolean  has_items[MAX_DEPTH];   /* the open container holds something */
};

CbJsonWriter *
cb_json_writer_new (gsize reserve)
{
  CbJsonWriter *self = g_new0 (CbJsonWriter, 1);

  self->text = g_string_sized_new (MAX (reserve, 64));
  return self;
}

void
cb_json_writer_free (CbJsonWriter *self)
{
  if (self == NULL)
    return;
  g_string_free (self->text, TRUE);
  g_free (self);
}

char *
cb_json_writer_free_to_text (CbJsonWriter *self,
                             gsize        *length)
{
  char *text;

  g_warn_if_fail (self->depth == 0);
  if (length != NULL)
    *length = self->text->len;
  text = g_string_free (self->text, FALSE);
  g_free (self);
  return text;
}

/* Writes the comma a new value needs, unless it follows a member name. */
static void
before_value (CbJsonWriter *self)
{
  if (self->after_name)
    {
      self->after_name = FALSE;
      return;
    }
  if (self->depth > 0)
    {
      if (self->has_items[self->depth - 1])
        g_string_append_c (self->text, ',');
      self->has_items[self->depth - 1] = TRUE;
    }
}

static void
open_container (CbJsonWriter *self,
                char          bracket)
{
  before_value (self);
  g_string_append_c (self->text, bracket);
  g_return_if_fail (self->depth < MAX_DEPTH);
  self->has_items[self->depth++] = FALSE;
}

static void
close_container (CbJsonWriter *self,
                 char          bracket)
{
  g_return_if_fail (self->depth > 0);
  self->depth--;
  g_string_append_c (self->text, bracket);
}

void
cb_json_writer_begin_object (CbJsonWriter *self)
{
  open_container (self, '{');
}

void
cb_json_writer_end_object (CbJsonWriter *self)
{
  close_container (self, '}');
}

void
cb_json_writer_begin_array (CbJsonWriter *self)
{
  open_container (self, '[');
}

void
cb_json_writer_end_array (CbJsonWriter *self)
{
  close_container (self, ']');
}

static void
append_escaped (GString    *text,
                const char *value)
{
  static const char hex[] = "0123456789abcdef";

  g_string_append_c (text, '"');
  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (text, "\\\"");
          break;
        case '\\':
          g_string_append (text, "\\\\");
          break;
        case '\n':
          g_string_append (text, "\\n");
          break;
        case '\r':
          g_string_append (text, "\\r");
          break;
        case '\t':
          g_string_append (text, "\\t");
          break;
        default:
          if (*p < 0x20)
            {
              g_string_append (text, "\\u00");
              g_string_append_c (text, hex[*p >> 4]);
              g_string_append_c (text, hex[*p & 0xf]);
            }
          else
            g_string_append_c (text, (char) *p);
          break;
        }
    }
  g_string_append_c (text, '"');
}

void
cb_json_writer_member (CbJsonWriter *self,
                       const char   *name)
{
  before_value (self);
  append_escaped (self->text, name);
  g_string_append_c (self->text, ':');
  self->after_name = TRUE;
}

void
cb_json_writer_string (CbJsonWriter *self,
                       const char   *value)
{
  before_value (self);
  /* Stored text is UTF-8 checked on the way in; never emit invalid JSON. */
  if (value != NULL && !g_utf8_validate (value, -1, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);
      append_escaped (self->text, valid);
      return;
    }
  append_escaped (self->text, value != NULL ? value : "");
}

void
cb_json_writer_int (CbJsonWriter *self,
                    gint64        value)
{
  before_value (self);
  g_string_append_printf (self->text, "%" G_GINT64_FORMAT, value);
}

void
cb_json_writer_bool (CbJsonWriter *self,
                     gboolean      value)
{
  before_value (self);
  g_string_append (self->text, value ? "true" : "false");
}

void
cb_json_writer_null (CbJsonWriter *self)
{
  before_value (self);
  g_string_append (self->text, "null");
}

void
cb_json_writer_raw (CbJsonWriter *self,
                    const char   *json)
{
  before_value (self);
  g_string_append (self->text, json);
}
