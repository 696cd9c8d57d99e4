/* cb-record-fields.c: user and group fields from JSON, validated
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-record-fields"

#include <string.h>

#include "cb-password.h"
#include "cb-record-fields.h"

#define MAX_FIELD_CHARS 256
#define MAX_PASSWORD_BYTES 1024

gboolean
cb_record_fields_is_null (JsonObject *fields,
                          const char *member)
{
  JsonNode *node = json_object_get_member (fields, member);

  return node != NULL && JSON_NODE_HOLDS_NULL (node);
}

static gboolean
apply_string (JsonObject  *fields,
              const char  *member,
              char       **target,
              GError     **error)
{
  const char *value = NULL;

  if (!cb_json_get_string (fields, member, FALSE, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  if (g_utf8_strlen (value, -1) > MAX_FIELD_CHARS)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “%s” is longer than %d characters", member, MAX_FIELD_CHARS);
      return FALSE;
    }
  g_free (*target);
  *target = g_strdup (value);
  return TRUE;
}

gboolean
cb_record_fields_apply_user (CbUserRecord  *record,
                             JsonObject    *fields,
                             gboolean       fast_hash,
                             GError       **error)
{
  const char *password = NULL;
  gboolean admin = record->admin;
  gboolean external_calls = record->external_calls == CB_EXTERNAL_CALLS_ALLOWED;
  int kind = record->kind;

  if (!apply_string (fields, "username", &record->username, error) ||
      !apply_string (fields, "display_name", &record->display_name, error) ||
      !apply_string (fields, "extension", &record->extension, error) ||
      !apply_string (fields, "email", &record->email, error) ||
      !apply_string (fields, "mobile", &record->mobile, error) ||
      !apply_string (fields, "language", &record->language, error) ||
      !apply_string (fields, "time_zone", &record->time_zone, error) ||
      !cb_json_get_enum (fields, "kind", CB_TYPE_USER_KIND, FALSE, &kind, error) ||
      !cb_json_get_bool (fields, "admin", FALSE, &admin, error) ||
      (!cb_record_fields_is_null (fields, "external_calls") &&
       !cb_json_get_bool (fields, "external_calls", FALSE, &external_calls, error)) ||
      !cb_json_get_string (fields, "password", FALSE, &password, error))
    return FALSE;

  if (record->username == NULL || record->username[0] == '\0' ||
      strpbrk (record->username, " \t\r\n/") != NULL)
    {
      g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                           "Field “username” must be a non-empty name without spaces or slashes");
      return FALSE;
    }
  if (record->display_name == NULL || record->display_name[0] == '\0')
    {
      g_free (record->display_name);
      record->display_name = g_strdup (record->username);
    }

  record->kind = kind;
  record->admin = admin;
  /* Calls over the trunk: null goes back to what the kind says. */
  if (cb_record_fields_is_null (fields, "external_calls"))
    record->external_calls = CB_EXTERNAL_CALLS_DEFAULT;
  else if (json_object_has_member (fields, "external_calls"))
    record->external_calls = external_calls ? CB_EXTERNAL_CALLS_ALLOWED : CB_EXTERNAL_CALLS_DENIED;

  if (password != NULL)
    {
      if (password[0] == '\0' || strlen (password) > MAX_PASSWORD_BYTES)
        {
          g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                       "Field “password” must be 1 to %d bytes", MAX_PASSWORD_BYTES);
          return FALSE;
        }
      /* The same password again keeps its hash: imports stay idempotent. */
      if (!cb_password_verify (record->password_hash, password))
        {
          char *hash = cb_password_hash (password, fast_hash, error);

          if (hash == NULL)
            return FALSE;
          g_free (record->password_hash);
          record->password_hash = hash;
        }
    }
  return TRUE;
}

static gboolean
check_seconds (const char  *member,
               gint64       value,
               gint64       min,
               gint64       max,
               GError     **error)
{
  if (value < min || value > max)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “%s” must be %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " seconds",
                   member, min, max);
      return FALSE;
    }
  return TRUE;
}

gboolean
cb_record_fields_check_group (const CbGroupRecord  *record,
                              GError              **error)
{
  if (record->kind != CB_GROUP_KIND_ASSISTANT || record->leader_id <= 0)
    return TRUE;
  for (guint i = 0; record->members != NULL && i < record->members->len; i++)
    if (g_array_index (record->members, CbGroupMember, i).user_id == record->leader_id)
      {
        g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                             "Field “members”: the leader of an assistant group is the person "
                             "assisted, not one of the assistants");
        return FALSE;
      }
  return TRUE;
}

gboolean
cb_record_fields_apply_group (CbGroupRecord  *record,
                              JsonObject     *fields,
                              GError        **error)
{
  int kind = record->kind;
  int strategy = record->strategy;
  int level = record->level;
  int leader_level = record->leader_level;
  gint64 timeout = record->member_timeout;
  gboolean wrap = record->wrap_around;
  gboolean ring_in_use = record->ring_in_use;
  gboolean pickup_oldest = record->pickup_oldest;
  int queue_order = record->queue_order;
  gint64 agent_timeout = record->agent_timeout;
  gint64 max_wait = record->max_wait;
  gint64 wrap_up = record->wrap_up;
  gboolean announcement = record->announcement;
  gboolean filter_enabled = record->filter_enabled;
  int filter = record->filter;
  gint64 filter_delay = record->filter_delay;
  gboolean logout_allowed = record->logout_allowed;

  if (!apply_string (fields, "name", &record->name, error) ||
      !cb_json_get_enum (fields, "kind", CB_TYPE_GROUP_KIND, FALSE, &kind, error) ||
      !apply_string (fields, "number", &record->number, error) ||
      !cb_json_get_enum (fields, "strategy", CB_TYPE_RING_STRATEGY, FALSE, &strategy, error) ||
      !cb_json_get_int (fields, "member_timeout", FALSE, &timeout, error) ||
      !cb_json_get_bool (fields, "wrap_around", FALSE, &wrap, error) ||
      !cb_json_get_enum (fields, "level", CB_TYPE_LEVEL, FALSE, &level, error) ||
      !cb_json_get_enum (fields, "leader_level", CB_TYPE_LEVEL, FALSE, &leader_level, error) ||
      !cb_json_get_bool (fields, "ring_in_use", FALSE, &ring_in_use, error) ||
      !apply_string (fields, "overflow", &record->overflow, error) ||
      !cb_json_get_bool (fields, "pickup_oldest", FALSE, &pickup_oldest, error) ||
      !cb_json_get_enum (fields, "queue_order", CB_TYPE_QUEUE_ORDER, FALSE, &queue_order,
                         error) ||
      !cb_json_get_int (fields, "agent_timeout", FALSE, &agent_timeout, error) ||
      !cb_json_get_int (fields, "max_wait", FALSE, &max_wait, error) ||
      !cb_json_get_int (fields, "wrap_up", FALSE, &wrap_up, error) ||
      !cb_json_get_bool (fields, "announcement", FALSE, &announcement, error) ||
      !cb_json_get_bool (fields, "filter_enabled", FALSE, &filter_enabled, error) ||
      !cb_json_get_enum (fields, "filter", CB_TYPE_ASSISTANT_FILTER, FALSE, &filter, error) ||
      !cb_json_get_int (fields, "filter_delay", FALSE, &filter_delay, error) ||
      !cb_json_get_bool (fields, "logout_allowed", FALSE, &logout_allowed, error))
    return FALSE;

  if (record->name == NULL || record->name[0] == '\0')
    {
      g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                           "Field “name” must not be empty");
      return FALSE;
    }
  if (timeout < 1 || timeout > 3600)
    {
      g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                           "Field “member_timeout” must be 1 to 3600 seconds");
      return FALSE;
    }

  if (!check_seconds ("agent_timeout", agent_timeout, 1, 3600, error) ||
      !check_seconds ("max_wait", max_wait, 1, 86400, error) ||
      !check_seconds ("wrap_up", wrap_up, 0, 3600, error) ||
      !check_seconds ("filter_delay", filter_delay, CB_WIRE_FILTER_DELAY_MIN,
                      CB_WIRE_FILTER_DELAY_MAX, error))
    return FALSE;
  if (record->overflow != NULL && record->overflow[0] != '\0' &&
      strspn (record->overflow, "0123456789*#+") != strlen (record->overflow))
    {
      g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                           "Field “overflow” must be a number (digits, *, #, +) or empty");
      return FALSE;
    }

  record->kind = kind;
  record->strategy = strategy;
  record->member_timeout = timeout;
  record->wrap_around = wrap;
  record->level = level;
  record->leader_level = leader_level;
  record->ring_in_use = ring_in_use;
  record->pickup_oldest = pickup_oldest;
  record->queue_order = queue_order;
  record->agent_timeout = agent_timeout;
  record->max_wait = max_wait;
  record->wrap_up = wrap_up;
  record->announcement = announcement;
  record->filter_enabled = filter_enabled;
  record->filter = filter;
  record->filter_delay = filter_delay;
  record->logout_allowed = logout_allowed;
  if (record->kind != CB_GROUP_KIND_HUNT)
    g_clear_pointer (&record->number, g_free);
  return TRUE;
}
