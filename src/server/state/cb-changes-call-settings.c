/* cb-changes-call-settings.c: a user's own call settings and assistant groups' filter
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of CbChanges (cb-changes.h): what the call routing reads when it
 * routes a call to a user (their diversion, mobile ringing, announcement)
 * or to an assistant group's leader (the filter), changed by the user,
 * the leader or an assistant.
 */

#define G_LOG_DOMAIN "cb-changes"

#include <string.h>

#include "cb-changes-private.h"
#include "cb-projection.h"

/* ---- a user's own call settings ------------------------------------------- */

typedef enum {
  SETTING_DIVERSION,
  SETTING_MOBILE_RINGING,
  SETTING_REQUIRE_ENCRYPTION,
  SETTING_ANNOUNCEMENT,
  SETTING_NO_ANNOUNCEMENT,
} Setting;

typedef struct {
  Setting       setting;
  CbUserRecord *record;        /* the user as they will be */
  const char   *content_type;  /* SETTING_ANNOUNCEMENT */
  GBytes       *audio;
} SettingsChange;

static gboolean
settings_store (CbChanges  *self,
                gpointer    data,
                GError    **error)
{
  SettingsChange *change = data;
  CbUserRecord *record = change->record;
  g_autoptr(JsonObject) event = NULL;
  gboolean stored = FALSE;

  switch (change->setting)
    {
    case SETTING_DIVERSION:
      stored = cb_store_set_diversion (self->store, record->id, &record->diversion, error);
      break;
    case SETTING_MOBILE_RINGING:
      stored = cb_store_set_mobile_ringing (self->store, record->id, record->mobile_ringing,
                                            record->mobile_ringing_delay, error);
      break;
    case SETTING_REQUIRE_ENCRYPTION:
      stored = cb_store_set_require_encryption (self->store, record->id, record->require_encryption,
                                                error);
      break;
    case SETTING_ANNOUNCEMENT:
      stored = cb_store_set_announcement (self->store, record->id, change->content_type,
                                          change->audio, error);
      break;
    case SETTING_NO_ANNOUNCEMENT:
    default:
      stored = cb_store_delete_announcement (self->store, record->id, error);
      break;
    }
  if (!stored)
    return FALSE;

  /* The log keeps the full object; each viewer gets it cut to their level. */
  event = cb_projection_user (self->directory, record, CB_LEVEL_PERSONAL);
  return cb_changes_record (self, CB_EVENT_TYPE_USER, record->id, 0, event, error);
}

static void
settings_apply (CbChanges *self,
                gpointer   data)
{
  SettingsChange *change = data;

  cb_directory_put_user (self->directory, change->record);
}

/* The user as they are now, to change: NULL and NOT_FOUND when unknown. */
static CbUserRecord *
user_to_change (CbChanges  *self,
                gint64      user_id,
                GError    **error)
{
  const CbUserRecord *user = cb_directory_get_user (self->directory, user_id);

  if (user == NULL)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND,
                   "No user %" G_GINT64_FORMAT, user_id);
      return NULL;
    }
  return cb_user_record_copy (user);
}

static gboolean
run_settings (CbChanges      *self,
              SettingsChange *change,
              GError        **error)
{
  gint64 user_id = change->record->id;

  if (!cb_changes_run (self, settings_store, settings_apply, change, error))
    return FALSE;
  _cb_changes_emit_user_changed (self, user_id);
  return TRUE;
}

/* A number a phone or the trunk dials: 0-9 * # +, nothing else. */
static gboolean
dialable (const char *number)
{
  gsize len = strlen (number);

  return len >= 1 && len <= CB_WIRE_DIVERSION_NUMBER_MAX &&
         strspn (number, "0123456789*#+") == len;
}

static gboolean
check_target (const CbUserRecord  *user,
              const char          *member,
              const char          *number,
              GError             **error)
{
  if (number == NULL || number[0] == '\0')
    return TRUE;
  if (!dialable (number))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “%s” must be a number: 1–%d of 0-9 * # +, or null", member,
                   CB_WIRE_DIVERSION_NUMBER_MAX);
      return FALSE;
    }
  if (user->extension != NULL && g_str_equal (number, user->extension))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “%s” diverts to your own extension %s", member, number);
      return FALSE;
    }
  return TRUE;
}

static void
replace_number (char       **target,
                const char  *number)
{
  g_free (*target);
  *target = number != NULL && number[0] != '\0' ? g_strdup (number) : NULL;
}

gboolean
cb_changes_set_diversion (CbChanges              *self,
                          gint64                  user_id,
                          const CbWireDiversion  *diversion,
                          GError                **error)
{
  g_autoptr(CbUserRecord) record = NULL;
  SettingsChange change = { SETTING_DIVERSION };

  g_return_val_if_fail (CB_IS_CHANGES (self), FALSE);
  g_return_val_if_fail (diversion != NULL, FALSE);

  record = user_to_change (self, user_id, error);
  if (record == NULL ||
      !check_target (record, "unconditional", diversion->unconditional, error) ||
      !check_target (record, "busy", diversion->busy, error) ||
      !check_target (record, "no_answer", diversion->no_answer, error))
    return FALSE;
  if (diversion->no_answer_after < CB_WIRE_NO_ANSWER_AFTER_MIN ||
      diversion->no_answer_after > CB_WIRE_NO_ANSWER_AFTER_MAX)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “no_answer_after” must be %d to %d seconds",
                   CB_WIRE_NO_ANSWER_AFTER_MIN, CB_WIRE_NO_ANSWER_AFTER_MAX);
      return FALSE;
    }

  replace_number (&record->diversion.unconditional, diversion->unconditional);
  replace_number (&record->diversion.busy, diversion->busy);
  replace_number (&record->diversion.no_answer, diversion->no_answer);
  record->diversion.no_answer_after = diversion->no_answer_after;
  change.record = record;
  return run_settings (self, &change, error);
}

gboolean
cb_changes_set_mobile_ringing (CbChanges  *self,
                               gint64      user_id,
                               gboolean    enabled,
                               guint       delay,
                               GError    **error)
{
  g_autoptr(CbUserRecord) record = NULL;
  g_autofree char *number = NULL;
  SettingsChange change = { SETTING_MOBILE_RINGING };

  g_return_val_if_fail (CB_IS_CHANGES (self), FALSE);

  record = user_to_change (self, user_id, error);
  if (record == NULL)
    return FALSE;
  if (delay > CB_WIRE_MOBILE_RINGING_DELAY_MAX)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “delay” must be 0 to %d seconds", CB_WIRE_MOBILE_RINGING_DELAY_MAX);
      return FALSE;
    }
  number = cb_user_record_mobile_number (record);
  if (enabled && number == NULL)
    {
      if (record->mobile == NULL || record->mobile[0] == '\0')
        g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NO_MOBILE,
                             "You have no mobile number to ring: an administrator enters it "
                             "in your directory entry");
      else
        g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NO_MOBILE,
                     "Your mobile number “%s” cannot be dialled: it must be digits, * # + "
                     "(spaces, - ( ) / are left out)", record->mobile);
      return FALSE;
    }

  record->mobile_ringing = enabled;
  record->mobile_ringing_delay = delay;
  change.record = record;
  return run_settings (self, &change, error);
}

gboolean
cb_changes_set_require_encryption (CbChanges  *self,
                                   gint64      user_id,
                                   gboolean    required,
                                   GError    **error)
{
  g_autoptr(CbUserRecord) record = NULL;
  SettingsChange change = { SETTING_REQUIRE_ENCRYPTION };

  g_return_val_if_fail (CB_IS_CHANGES (self), FALSE);

  record = user_to_change (self, user_id, error);
  if (record == NULL)
    return FALSE;
  record->require_encryption = required;
  change.record = record;
  return run_settings (self, &change, error);
}

gboolean
cb_changes_set_announcement (CbChanges   *self,
                             gint64       user_id,
                             const char  *content_type,
                             GBytes      *audio,
                             GError     **error)
{
  g_autoptr(CbUserRecord) record = NULL;
  SettingsChange change = { SETTING_ANNOUNCEMENT, NULL, content_type, audio };

  g_return_val_if_fail (CB_IS_CHANGES (self), FALSE);
  g_return_val_if_fail (content_type != NULL && audio != NULL, FALSE);

  record = user_to_change (self, user_id, error);
  if (record == NULL)
    return FALSE;
  record->announcement = TRUE;
  change.record = record;
  return run_settings (self, &change, error);
}

gboolean
cb_changes_delete_announcement (CbChanges  *self,
                                gint64      user_id,
                                GError    **error)
{
  g_autoptr(CbUserRecord) record = NULL;
  SettingsChange change = { SETTING_NO_ANNOUNCEMENT };

  g_return_val_if_fail (CB_IS_CHANGES (self), FALSE);

  record = user_to_change (self, user_id, error);
  if (record == NULL)
    return FALSE;
  if (!record->announcement)
    {
      g_set_error_literal (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND,
                           "You have no announcement");
      return FALSE;
    }
  record->announcement = FALSE;
  change.record = record;
  return run_settings (self, &change, error);
}

/* ---- assistant groups ---------------------------------------------------- */

gboolean
cb_changes_set_assistant_filter (CbChanges                *self,
                                 gint64                    user_id,
                                 gint64                    group_id,
                                 const gboolean           *enabled,
                                 const CbAssistantFilter  *strategy,
                                 const guint              *delay,
                                 GError                  **error)
{
  const CbGroupRecord *group = cb_directory_get_group (self->directory, group_id);
  g_autoptr(CbGroupRecord) record = NULL;
  gboolean leader;

  g_return_val_if_fail (CB_IS_CHANGES (self), FALSE);

  if (group == NULL)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_NOT_FOUND,
                   "No group %" G_GINT64_FORMAT, group_id);
      return FALSE;
    }
  if (group->kind != CB_GROUP_KIND_ASSISTANT)
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_CONFLICT,
                   "“%s” is not an assistant group: it has no filter", group->name);
      return FALSE;
    }
  leader = group->leader_id == user_id;
  if (!leader && !cb_directory_is_logged_in (self->directory, group_id, user_id))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_FORBIDDEN,
                   cb_directory_is_member (self->directory, group_id, user_id)
                   ? "Log into “%s” first to switch its filter"
                   : "Only the leader of “%s” or an assistant logged into it may switch its filter",
                   group->name);
      return FALSE;
    }
  /* An assistant may send the strategy and delay back as they are. */
  if (!leader && ((strategy != NULL && *strategy != group->filter) ||
                  (delay != NULL && *delay != group->filter_delay)))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_FORBIDDEN,
                   "Only the leader of “%s” sets its filter's strategy and delay", group->name);
      return FALSE;
    }
  if (delay != NULL && (*delay < CB_WIRE_FILTER_DELAY_MIN || *delay > CB_WIRE_FILTER_DELAY_MAX))
    {
      g_set_error (error, CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_FIELD,
                   "Field “delay” must be %d to %d seconds", CB_WIRE_FILTER_DELAY_MIN,
                   CB_WIRE_FILTER_DELAY_MAX);
      return FALSE;
    }

  record = cb_group_record_copy (group);
  if (enabled != NULL)
    record->filter_enabled = *enabled;
  if (strategy != NULL)
    record->filter = *strategy;
  if (delay != NULL)
    record->filter_delay = *delay;
  /* Nothing changes, nothing to tell anyone. */
  if (!!record->filter_enabled == !!group->filter_enabled && record->filter == group->filter &&
      record->filter_delay == group->filter_delay)
    return TRUE;
  return cb_changes_save_group (self, &record, error);
}
