/* cb-wire-user.c: a user (a colleague, a DeviceOnly phone) on the wire
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The writer and the cut walk the field table (cb-wire-fields.c): it
 * gives both the members' order and the level each needs.
 */

#define G_LOG_DOMAIN "cb-wire"

#include "cb-protocol-enums.h"
#include "cb-protocol-json.h"
#include "cb-wire-private.h"
#include "cb-wire-user.h"

/* What cb_wire_user_from_json() returns: the strings point into object. */
typedef struct {
  CbWireUser      user;
  JsonObject     *object;
  CbWireGroupRef *logins;
} UserRead;

static void
write_group_logins (CbWireSink       *sink,
                    const CbWireUser *user)
{
  cb_wire_sink_begin_array (sink);
  for (guint i = 0; user->group_logins != NULL && i < user->n_group_logins; i++)
    {
      cb_wire_sink_begin_object (sink);
      cb_wire_sink_put_int (sink, "id", user->group_logins[i].id);
      cb_wire_sink_put_string (sink, "name", user->group_logins[i].name);
      cb_wire_sink_end_object (sink);
    }
  cb_wire_sink_end_array (sink);
}

/* A diversion that is off is null, not "": a number or nothing. */
static void
put_number_or_null (CbWireSink *sink,
                    const char *name,
                    const char *number)
{
  cb_wire_sink_member (sink, name);
  if (number != NULL && number[0] != '\0')
    cb_wire_sink_string (sink, number);
  else
    cb_wire_sink_null (sink);
}

static void
write_diversion (CbWireSink            *sink,
                 const CbWireDiversion *diversion)
{
  cb_wire_sink_begin_object (sink);
  put_number_or_null (sink, "unconditional", diversion->unconditional);
  put_number_or_null (sink, "busy", diversion->busy);
  put_number_or_null (sink, "no_answer", diversion->no_answer);
  cb_wire_sink_put_int (sink, "no_answer_after", diversion->no_answer_after);
  cb_wire_sink_end_object (sink);
}

static void
write_field (CbWireSink       *sink,
             const CbWireUser *user,
             CbWireUserField   field,
             const char       *name)
{
  switch (field)
    {
    case CB_WIRE_USER_FIELD_ID:
      cb_wire_sink_put_int (sink, name, user->id);
      break;
    case CB_WIRE_USER_FIELD_USERNAME:
      cb_wire_sink_put_string (sink, name, user->username);
      break;
    case CB_WIRE_USER_FIELD_DISPLAY_NAME:
      cb_wire_sink_put_string (sink, name, user->display_name);
      break;
    case CB_WIRE_USER_FIELD_KIND:
      cb_wire_sink_put_nick (sink, name, CB_TYPE_USER_KIND, user->kind);
      break;
    case CB_WIRE_USER_FIELD_EXTENSION:
      cb_wire_sink_put_string (sink, name, user->extension);
      break;
    case CB_WIRE_USER_FIELD_EMAIL:
      cb_wire_sink_put_string (sink, name, user->email);
      break;
    case CB_WIRE_USER_FIELD_MOBILE:
      cb_wire_sink_put_string (sink, name, user->mobile);
      break;
    case CB_WIRE_USER_FIELD_LANGUAGE:
      cb_wire_sink_put_string (sink, name, user->language);
      break;
    case CB_WIRE_USER_FIELD_TIME_ZONE:
      cb_wire_sink_put_string (sink, name, user->time_zone);
      break;
    case CB_WIRE_USER_FIELD_ADMIN:
      cb_wire_sink_put_bool (sink, name, user->admin);
      break;
    case CB_WIRE_USER_FIELD_LEVEL:
      cb_wire_sink_put_nick (sink, name, CB_TYPE_LEVEL, user->level);
      break;
    case CB_WIRE_USER_FIELD_PRESENCE:
      cb_wire_sink_member (sink, name);
      cb_wire_sink_begin_object (sink);
      cb_wire_sink_put_nick (sink, "availability", CB_TYPE_AVAILABILITY, user->availability);
      cb_wire_sink_put_string (sink, "note", user->note);
      cb_wire_sink_put_id (sink, "note_until", user->note_until);
      cb_wire_sink_end_object (sink);
      break;
    case CB_WIRE_USER_FIELD_LINE_STATE:
      cb_wire_sink_put_nick (sink, name, CB_TYPE_LINE_STATE, user->line_state);
      break;
    case CB_WIRE_USER_FIELD_AGENT_STATUS:
      cb_wire_sink_put_nick (sink, name, CB_TYPE_AGENT_STATUS, user->agent_status);
      break;
    case CB_WIRE_USER_FIELD_GROUP_LOGINS:
      cb_wire_sink_member (sink, name);
      write_group_logins (sink, user);
      break;
    case CB_WIRE_USER_FIELD_DIVERSION:
      cb_wire_sink_member (sink, name);
      write_diversion (sink, &user->diversion);
      break;
    case CB_WIRE_USER_FIELD_MOBILE_RINGING:
      cb_wire_sink_member (sink, name);
      cb_wire_sink_begin_object (sink);
      cb_wire_sink_put_bool (sink, "enabled", user->mobile_ringing.enabled);
      cb_wire_sink_put_int (sink, "delay", user->mobile_ringing.delay);
      cb_wire_sink_end_object (sink);
      break;
    case CB_WIRE_USER_FIELD_ANNOUNCEMENT:
      cb_wire_sink_put_bool (sink, name, user->announcement);
      break;
    case CB_WIRE_USER_FIELD_EXTERNAL_CALLS:
      cb_wire_sink_put_bool (sink, name, user->external_calls);
      break;
    case CB_WIRE_USER_FIELD_REQUIRE_ENCRYPTION:
      cb_wire_sink_put_bool (sink, name, user->require_encryption);
      break;
    case CB_WIRE_USER_FIELD_CALLS:
    case CB_WIRE_USER_FIELD_PICKUP:
    case CB_WIRE_N_USER_FIELDS:
    default:
      /* Pseudo-fields: rights, not members. */
      break;
    }
}

void
cb_wire_user_write (CbWireSink       *sink,
                    const CbWireUser *user)
{
  const CbWireField *fields;
  guint n_fields;

  if (user->level == CB_LEVEL_NONE)
    {
      /* A caller's mistake (a user at none does not exist for the
       * viewer); the JSON stays well formed. */
      g_critical ("%s: user %" G_GINT64_FORMAT " written at level none", G_STRFUNC, user->id);
      cb_wire_sink_null (sink);
      return;
    }

  fields = cb_wire_user_fields (&n_fields);
  cb_wire_sink_begin_object (sink);
  for (guint i = 0; i < n_fields; i++)
    if (user->level >= fields[i].level)
      write_field (sink, user, (CbWireUserField) i, fields[i].name);
  cb_wire_sink_end_object (sink);
}

static void
write_user (CbWireSink    *sink,
            gconstpointer  user,
            gconstpointer  unused)
{
  cb_wire_user_write (sink, user);
}

JsonObject *
cb_wire_user_to_json (const CbWireUser *user)
{
  if (user == NULL || user->level == CB_LEVEL_NONE)
    return NULL;
  return cb_wire_build_object (write_user, user, NULL);
}

static gboolean
read_presence (JsonObject  *object,
               CbWireUser  *user,
               GError     **error)
{
  JsonObject *presence = NULL;
  int availability = user->availability;

  if (!_cb_wire_get_nullable_object (object, "presence", &presence, error))
    return FALSE;
  if (presence == NULL)
    return TRUE;
  if (!cb_json_get_enum (presence, "availability", CB_TYPE_AVAILABILITY, FALSE, &availability, error) ||
      !cb_json_get_string (presence, "note", FALSE, &user->note, error) ||
      !_cb_wire_get_nullable_int (presence, "note_until", &user->note_until, error))
    {
      g_prefix_error (error, "In “presence”: ");
      return FALSE;
    }
  user->availability = availability;
  return TRUE;
}

static gboolean
read_group_logins (JsonObject  *object,
                   UserRead    *read,
                   GError     **error)
{
  JsonArray *array = NULL;
  guint n;

  if (!_cb_wire_get_array (object, "group_logins", &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;

  n = json_array_get_length (array);
  read->logins = g_new0 (CbWireGroupRef, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      JsonObject *login = NULL;

      if (!_cb_wire_get_element_object (array, "group_logins", i, &login, error))
        return FALSE;
      if (!cb_json_get_int (login, "id", TRUE, &read->logins[i].id, error) ||
          !cb_json_get_string (login, "name", FALSE, &read->logins[i].name, error))
        {
          g_prefix_error (error, "In “group_logins” element %u: ", i);
          return FALSE;
        }
    }
  read->user.group_logins = read->logins;
  read->user.n_group_logins = n;
  return TRUE;
}

gboolean
cb_wire_diversion_from_json (JsonObject       *object,
                             CbWireDiversion  *diversion,
                             GError          **error)
{
  CbWireDiversion read = { .no_answer_after = CB_WIRE_NO_ANSWER_AFTER_DEFAULT };
  guint64 after = read.no_answer_after;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (diversion != NULL, FALSE);

  if (!_cb_wire_get_nullable_string (object, "unconditional", &read.unconditional, error) ||
      !_cb_wire_get_nullable_string (object, "busy", &read.busy, error) ||
      !_cb_wire_get_nullable_string (object, "no_answer", &read.no_answer, error) ||
      !_cb_wire_get_uint (object, "no_answer_after", G_MAXUINT, &after, error))
    return FALSE;
  read.no_answer_after = (guint) after;
  *diversion = read;
  return TRUE;
}

static gboolean
read_diversion (JsonObject  *object,
                CbWireUser  *user,
                GError     **error)
{
  JsonObject *diversion = NULL;

  if (!_cb_wire_get_nullable_object (object, "diversion", &diversion, error))
    return FALSE;
  if (diversion != NULL && !cb_wire_diversion_from_json (diversion, &user->diversion, error))
    {
      g_prefix_error (error, "In “diversion”: ");
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_mobile_ringing (JsonObject  *object,
                     CbWireUser  *user,
                     GError     **error)
{
  JsonObject *ringing = NULL;
  guint64 delay = 0;

  if (!_cb_wire_get_nullable_object (object, "mobile_ringing", &ringing, error))
    return FALSE;
  if (ringing == NULL)
    return TRUE;
  if (!cb_json_get_bool (ringing, "enabled", FALSE, &user->mobile_ringing.enabled, error) ||
      !_cb_wire_get_uint (ringing, "delay", G_MAXUINT, &delay, error))
    {
      g_prefix_error (error, "In “mobile_ringing”: ");
      return FALSE;
    }
  user->mobile_ringing.delay = (guint) delay;
  return TRUE;
}

CbWireUser *
cb_wire_user_from_json (JsonObject  *object,
                        GError     **error)
{
  UserRead *read;
  CbWireUser *user;
  int kind = CB_USER_KIND_USER;
  int level = CB_LEVEL_NONE;
  int line_state = CB_LINE_STATE_OFFLINE;
  int agent_status = CB_AGENT_STATUS_LOGGED_OUT;

  g_return_val_if_fail (object != NULL, NULL);

  read = g_new0 (UserRead, 1);
  read->object = json_object_ref (object);
  user = &read->user;
  /* What nobody told us: offline, logged out, not diverted. */
  user->availability = CB_AVAILABILITY_OFFLINE;
  user->diversion.no_answer_after = CB_WIRE_NO_ANSWER_AFTER_DEFAULT;

  if (!cb_json_get_int (object, "id", TRUE, &user->id, error) ||
      !cb_json_get_enum (object, "level", CB_TYPE_LEVEL, TRUE, &level, error) ||
      !cb_json_get_string (object, "username", FALSE, &user->username, error) ||
      !cb_json_get_string (object, "display_name", FALSE, &user->display_name, error) ||
      !cb_json_get_enum (object, "kind", CB_TYPE_USER_KIND, FALSE, &kind, error) ||
      !cb_json_get_string (object, "extension", FALSE, &user->extension, error) ||
      !cb_json_get_string (object, "email", FALSE, &user->email, error) ||
      !cb_json_get_string (object, "mobile", FALSE, &user->mobile, error) ||
      !cb_json_get_string (object, "language", FALSE, &user->language, error) ||
      !cb_json_get_string (object, "time_zone", FALSE, &user->time_zone, error) ||
      !cb_json_get_bool (object, "admin", FALSE, &user->admin, error) ||
      !read_presence (object, user, error))
    goto fail;
  user->kind = kind;
  user->level = level;

  /* A field the level does not reach is unknown, whatever came. */
  if (cb_wire_user_field_shown ("line_state", user->level) &&
      !cb_json_get_enum (object, "line_state", CB_TYPE_LINE_STATE, FALSE, &line_state, error))
    goto fail;
  if (cb_wire_user_field_shown ("agent_status", user->level) &&
      !cb_json_get_enum (object, "agent_status", CB_TYPE_AGENT_STATUS, FALSE, &agent_status, error))
    goto fail;
  if (cb_wire_user_field_shown ("group_logins", user->level) &&
      !read_group_logins (object, read, error))
    goto fail;
  if (cb_wire_user_field_shown ("diversion", user->level) &&
      !read_diversion (object, user, error))
    goto fail;
  if (cb_wire_user_field_shown ("mobile_ringing", user->level) &&
      !read_mobile_ringing (object, user, error))
    goto fail;
  if ((cb_wire_user_field_shown ("announcement", user->level) &&
       !cb_json_get_bool (object, "announcement", FALSE, &user->announcement, error)) ||
      (cb_wire_user_field_shown ("external_calls", user->level) &&
       !cb_json_get_bool (object, "external_calls", FALSE, &user->external_calls, error)))
    goto fail;
  if (cb_wire_user_field_shown ("require_encryption", user->level) &&
      !cb_json_get_bool (object, "require_encryption", FALSE, &user->require_encryption, error))
    goto fail;
  user->line_state = line_state;
  user->agent_status = agent_status;
  return user;

fail:
  cb_wire_user_free (user);
  return NULL;
}

void
cb_wire_user_free (CbWireUser *user)
{
  UserRead *read = (UserRead *) user;

  if (read == NULL)
    return;
  g_clear_pointer (&read->object, json_object_unref);
  g_free (read->logins);
  g_free (read);
}

JsonObject *
cb_wire_user_cut (JsonObject *object,
                  CbLevel     level)
{
  const CbWireField *fields;
  g_autoptr(GList) names = NULL;
  JsonObject *cut;
  guint n_fields;
  int written_at;

  if (object == NULL || level == CB_LEVEL_NONE)
    return NULL;

  /* A cut never adds: an object written lower stays that low. */
  if (cb_enum_from_nick (CB_TYPE_LEVEL,
                         json_object_get_string_member_with_default (object, "level", NULL),
                         &written_at))
    level = MIN (level, (CbLevel) written_at);
  if (level == CB_LEVEL_NONE)
    return NULL;

  cut = json_object_new ();
  fields = cb_wire_user_fields (&n_fields);
  /* The writer's order, with "level" in its place. */
  for (guint i = 0; i < n_fields; i++)
    {
      JsonNode *node;

      if (fields[i].level > level)
        continue;
      if (i == CB_WIRE_USER_FIELD_LEVEL)
        {
          json_object_set_string_member (cut, fields[i].name, _cb_wire_nick (CB_TYPE_LEVEL, level));
          continue;
        }
      node = json_object_get_member (object, fields[i].name);
      if (node != NULL)
        json_object_set_member (cut, fields[i].name, json_node_copy (node));
    }

  /* Members the table does not know need the personal level. */
  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (!json_object_has_member (cut, name) && cb_wire_user_field_shown (name, level))
        json_object_set_member (cut, name, json_node_copy (json_object_get_member (object, name)));
    }
  return cut;
}
