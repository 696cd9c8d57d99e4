/* cb-store.c: the CbStore interface, its dispatch wrappers and record helpers
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-store"

#include "config.h"

#include <string.h>

#include "cb-store.h"

G_DEFINE_QUARK (cb-store-error-quark, cb_store_error)

G_DEFINE_INTERFACE (CbStore, cb_store, G_TYPE_OBJECT)

static void
cb_store_default_init (CbStoreInterface *iface)
{
}

/* Records */

CbUserRecord *
cb_user_record_new (void)
{
  CbUserRecord *record = g_new0 (CbUserRecord, 1);

  /* A new person is reachable by default but has not signed in or logged
   * into any queue yet, and has no registered phone. */
  record->kind = CB_USER_KIND_USER;
  record->availability = CB_AVAILABILITY_AVAILABLE;
  record->agent_status = CB_AGENT_STATUS_LOGGED_OUT;
  record->line_state = CB_LINE_STATE_OFFLINE;
  record->diversion.no_answer_after = CB_WIRE_NO_ANSWER_AFTER_DEFAULT;
  record->external_calls = CB_EXTERNAL_CALLS_DEFAULT;

  return record;
}

gboolean
cb_user_record_may_call_external (const CbUserRecord *record)
{
  if (record->external_calls == CB_EXTERNAL_CALLS_DEFAULT)
    return record->kind != CB_USER_KIND_DEVICE;
  return record->external_calls == CB_EXTERNAL_CALLS_ALLOWED;
}

char *
cb_user_record_mobile_number (const CbUserRecord *record)
{
  g_autoptr(GString) number = NULL;

  g_return_val_if_fail (record != NULL, NULL);

  if (record->mobile == NULL)
    return NULL;
  number = g_string_new (NULL);
  for (const char *c = record->mobile; *c != '\0'; c++)
    {
      if (g_ascii_isdigit (*c) || strchr ("*#+", *c) != NULL)
        g_string_append_c (number, *c);
      else if (strchr (" -()/", *c) == NULL)
        return NULL;
    }
  if (number->len == 0 || number->len > CB_WIRE_DIVERSION_NUMBER_MAX)
    return NULL;
  return g_string_free (g_steal_pointer (&number), FALSE);
}

CbUserRecord *
cb_user_record_copy (const CbUserRecord *record)
{
  CbUserRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_memdup2 (record, sizeof *record);
  copy->username = g_strdup (record->username);
  copy->display_name = g_strdup (record->display_name);
  copy->extension = g_strdup (record->extension);
  copy->email = g_strdup (record->email);
  copy->mobile = g_strdup (record->mobile);
  copy->language = g_strdup (record->language);
  copy->time_zone = g_strdup (record->time_zone);
  copy->password_hash = g_strdup (record->password_hash);
  copy->note = g_strdup (record->note);
  copy->diversion.unconditional = g_strdup (record->diversion.unconditional);
  copy->diversion.busy = g_strdup (record->diversion.busy);
  copy->diversion.no_answer = g_strdup (record->diversion.no_answer);

  return copy;
}

void
cb_user_record_free (CbUserRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->username);
  g_free (record->display_name);
  g_free (record->extension);
  g_free (record->email);
  g_free (record->mobile);
  g_free (record->language);
  g_free (record->time_zone);
  g_free (record->password_hash);
  g_free (record->note);
  g_free (record->diversion.unconditional);
  g_free (record->diversion.busy);
  g_free (record->diversion.no_answer);
  g_free (record);
}

CbGroupRecord *
cb_group_record_new (void)
{
  CbGroupRecord *record = g_new0 (CbGroupRecord, 1);

  record->kind = CB_GROUP_KIND_AUTHORISATION;
  record->strategy = CB_RING_STRATEGY_PARALLEL;
  record->member_timeout = 15;
  record->level = CB_LEVEL_PUBLIC;
  record->leader_level = CB_LEVEL_TEAM;
  record->members = g_array_new (FALSE, TRUE, sizeof (CbGroupMember));
  record->favourites = g_array_new (FALSE, TRUE, sizeof (gint64));
  record->monitor = g_array_new (FALSE, TRUE, sizeof (gint64));
  record->blf = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_blf_key_record_free);
  record->queue_order = CB_QUEUE_ORDER_RING_ALL;
  record->agent_timeout = 15;
  record->max_wait = 300;
  record->wrap_up = 30;
  record->filter = CB_ASSISTANT_FILTER_ASSISTANTS_FIRST;
  record->filter_delay = CB_WIRE_FILTER_DELAY_DEFAULT;
  record->logout_allowed = TRUE;

  return record;
}

static GArray *
copy_array (const GArray *array,
            guint         element_size)
{
  GArray *copy = g_array_sized_new (FALSE, TRUE, element_size,
                                    array != NULL ? array->len : 0);

  if (array != NULL && array->len > 0)
    g_array_append_vals (copy, array->data, array->len);

  return copy;
}

CbGroupRecord *
cb_group_record_copy (const CbGroupRecord *record)
{
  CbGroupRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_memdup2 (record, sizeof *record);
  copy->name = g_strdup (record->name);
  copy->number = g_strdup (record->number);
  copy->overflow = g_strdup (record->overflow);
  /* A copy always has arrays, even when the original left them NULL. */
  copy->members = copy_array (record->members, sizeof (CbGroupMember));
  copy->favourites = copy_array (record->favourites, sizeof (gint64));
  copy->monitor = copy_array (record->monitor, sizeof (gint64));
  copy->blf = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_blf_key_record_free);
  for (guint i = 0; record->blf != NULL && i < record->blf->len; i++)
    g_ptr_array_add (copy->blf, cb_blf_key_record_copy (g_ptr_array_index (record->blf, i)));

  return copy;
}

void
cb_group_record_free (CbGroupRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->name);
  g_free (record->number);
  g_free (record->overflow);
  g_clear_pointer (&record->members, g_array_unref);
  g_clear_pointer (&record->favourites, g_array_unref);
  g_clear_pointer (&record->monitor, g_array_unref);
  g_clear_pointer (&record->blf, g_ptr_array_unref);
  g_free (record);
}

CbBlfKeyRecord *
cb_blf_key_record_new (void)
{
  return g_new0 (CbBlfKeyRecord, 1);
}

CbBlfKeyRecord *
cb_blf_key_record_copy (const CbBlfKeyRecord *record)
{
  CbBlfKeyRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_memdup2 (record, sizeof *record);
  copy->number = g_strdup (record->number);
  copy->label = g_strdup (record->label);
  return copy;
}

void
cb_blf_key_record_free (CbBlfKeyRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->number);
  g_free (record->label);
  g_free (record);
}

void
cb_event_record_free (CbEventRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->type);
  g_free (record->data);
  g_free (record);
}

void
cb_sip_line_record_free (CbSipLineRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->username);
  g_free (record->kind);
  g_free (record->secret);
  g_free (record);
}

void
cb_sip_binding_record_free (CbSipBindingRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->line);
  g_free (record->contact);
  g_free (record->kind);
  g_free (record);
}

void
cb_live_call_record_free (CbLiveCallRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->call_id);
  g_free (record->data);
  g_free (record);
}

void
cb_journal_record_free (CbJournalRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->call_id);
  g_free (record->remote_number);
  g_free (record->remote_name);
  g_free (record->group_name);
  g_free (record->taken_by_name);
  g_free (record->picked_up_from_name);
  g_free (record->for_name);
  g_free (record->forwarded_to_number);
  g_free (record->forwarded_to_name);
  g_free (record);
}

void
cb_sip_subscription_record_free (CbSipSubscriptionRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->event);
  g_free (record->call_id);
  g_free (record->local_uri);
  g_free (record->local_tag);
  g_free (record->remote_uri);
  g_free (record->remote_tag);
  g_free (record->contact);
  g_free (record->route);
  g_free (record);
}

/* Dispatch */

#define STORE_IFACE(self) (CB_STORE_GET_IFACE (self))

gboolean
cb_store_begin (CbStore  *self,
                GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->begin (self, error);
}

gboolean
cb_store_commit (CbStore  *self,
                 GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->commit (self, error);
}

void
cb_store_rollback (CbStore *self)
{
  g_return_if_fail (CB_IS_STORE (self));

  STORE_IFACE (self)->rollback (self);
}

GPtrArray *
cb_store_list_users (CbStore  *self,
                     GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return STORE_IFACE (self)->list_users (self, error);
}

CbUserRecord *
cb_store_get_user (CbStore  *self,
                   gint64    id,
                   GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return STORE_IFACE (self)->get_user (self, id, error);
}

CbUserRecord *
cb_store_find_user (CbStore     *self,
                    const char  *username,
                    GError     **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (username != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return STORE_IFACE (self)->find_user (self, username, error);
}

gboolean
cb_store_create_user (CbStore       *self,
                      CbUserRecord  *record,
                      GError       **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL && record->username != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->create_user (self, record, error);
}

gboolean
cb_store_update_user (CbStore             *self,
                      const CbUserRecord  *record,
                      GError             **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL && record->username != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->update_user (self, record, error);
}

gboolean
cb_store_set_presence (CbStore         *self,
                       gint64           user_id,
                       CbAvailability   availability,
                       const char      *note,
                       gint64           note_until,
                       GError         **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->set_presence (self, user_id, availability, note, note_until, error);
}

gboolean
cb_store_set_agent_status (CbStore        *self,
                           gint64          user_id,
                           CbAgentStatus   status,
                           GError        **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->set_agent_status (self, user_id, status, error);
}

gboolean
cb_store_set_line_state (CbStore      *self,
                         gint64        user_id,
                         CbLineState   state,
                         GError      **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->set_line_state (self, user_id, state, error);
}

gboolean
cb_store_set_diversion (CbStore                  *self,
                        gint64                    user_id,
                        const CbDiversionRecord  *diversion,
                        GError                  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (diversion != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->set_diversion (self, user_id, diversion, error);
}

gboolean
cb_store_set_mobile_ringing (CbStore   *self,
                             gint64     user_id,
                             gboolean   enabled,
                             guint      delay,
                             GError   **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->set_mobile_ringing (self, user_id, enabled, delay, error);
}

gboolean
cb_store_set_require_encryption (CbStore   *self,
                                 gint64     user_id,
                                 gboolean   required,
                                 GError   **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->set_require_encryption (self, user_id, required, error);
}

gboolean
cb_store_set_announcement (CbStore     *self,
                           gint64       user_id,
                           const char  *content_type,
                           GBytes      *audio,
                           GError     **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (content_type != NULL && audio != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->set_announcement (self, user_id, content_type, audio, error);
}

GBytes *
cb_store_get_announcement (CbStore   *self,
                           gint64     user_id,
                           char     **content_type,
                           GError   **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return STORE_IFACE (self)->get_announcement (self, user_id, content_type, error);
}

gboolean
cb_store_delete_announcement (CbStore  *self,
                              gint64    user_id,
                              GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->delete_announcement (self, user_id, error);
}

GPtrArray *
cb_store_list_groups (CbStore  *self,
                      GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return STORE_IFACE (self)->list_groups (self, error);
}

CbGroupRecord *
cb_store_get_group (CbStore  *self,
                    gint64    id,
                    GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return STORE_IFACE (self)->get_group (self, id, error);
}

gboolean
cb_store_create_group (CbStore        *self,
                       CbGroupRecord  *record,
                       GError        **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL && record->name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->create_group (self, record, error);
}

gboolean
cb_store_update_group (CbStore              *self,
                       const CbGroupRecord  *record,
                       GError              **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL && record->name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->update_group (self, record, error);
}

gboolean
cb_store_set_group_login (CbStore   *self,
                          gint64     group_id,
                          gint64     user_id,
                          gboolean   logged_in,
                          GError   **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->set_group_login (self, group_id, user_id, logged_in, error);
}

GArray *
cb_store_get_list (CbStore     *self,
                   gint64       user_id,
                   CbListKind   kind,
                   GError     **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (kind <= CB_LIST_BLF, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return STORE_IFACE (self)->get_list (self, user_id, kind, error);
}

GPtrArray *
cb_store_list_blf_keys (CbStore  *self,
                        gint64    user_id,
                        GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return STORE_IFACE (self)->list_blf_keys (self, user_id, error);
}

gboolean
cb_store_set_blf_keys (CbStore    *self,
                       gint64      user_id,
                       GPtrArray  *keys,
                       GError    **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (keys != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->set_blf_keys (self, user_id, keys, error);
}

gboolean
cb_store_set_list (CbStore       *self,
                   gint64         user_id,
                   CbListKind     kind,
                   const GArray  *user_ids,
                   GError       **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (kind <= CB_LIST_BLF, FALSE);
  g_return_val_if_fail (user_ids == NULL ||
                        g_array_get_element_size ((GArray *) user_ids) == sizeof (gint64),
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->set_list (self, user_id, kind, user_ids, error);
}

gboolean
cb_store_add_token (CbStore     *self,
                    const char  *token_hash,
                    gint64       user_id,
                    gint64       expires_at,
                    GError     **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (token_hash != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->add_token (self, token_hash, user_id, expires_at, error);
}

gint64
cb_store_lookup_token (CbStore     *self,
                       const char  *token_hash,
                       gint64       now,
                       GError     **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), 0);
  g_return_val_if_fail (token_hash != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  return STORE_IFACE (self)->lookup_token (self, token_hash, now, error);
}

gboolean
cb_store_revoke_token (CbStore     *self,
                       const char  *token_hash,
                       GError     **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (token_hash != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->revoke_token (self, token_hash, error);
}

gboolean
cb_store_revoke_user_tokens (CbStore  *self,
                             gint64    user_id,
                             GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->revoke_user_tokens (self, user_id, error);
}

gboolean
cb_store_purge_tokens (CbStore  *self,
                       gint64    now,
                       GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->purge_tokens (self, now, error);
}

gboolean
cb_store_append_event (CbStore        *self,
                       CbEventRecord  *record,
                       GError        **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL && record->type != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->append_event (self, record, error);
}

GPtrArray *
cb_store_events_since (CbStore  *self,
                       gint64    after,
                       guint     limit,
                       GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return STORE_IFACE (self)->events_since (self, after, limit, error);
}

gint64
cb_store_last_seq (CbStore *self)
{
  g_return_val_if_fail (CB_IS_STORE (self), 0);

  return STORE_IFACE (self)->last_seq (self);
}

gint64
cb_store_first_seq (CbStore *self)
{
  g_return_val_if_fail (CB_IS_STORE (self), 0);

  return STORE_IFACE (self)->first_seq (self);
}

gboolean
cb_store_trim_events (CbStore  *self,
                      guint     keep,
                      GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->trim_events (self, keep, error);
}

CbSipLineRecord *
cb_store_find_sip_line (CbStore     *self,
                        const char  *username,
                        GError     **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (username != NULL, NULL);

  return STORE_IFACE (self)->find_sip_line (self, username, error);
}

CbSipLineRecord *
cb_store_get_softphone_line (CbStore  *self,
                             gint64    user_id,
                             GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);

  return STORE_IFACE (self)->get_softphone_line (self, user_id, error);
}

GPtrArray *
cb_store_list_sip_lines (CbStore  *self,
                         gint64    user_id,
                         GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);

  return STORE_IFACE (self)->list_sip_lines (self, user_id, error);
}

gboolean
cb_store_put_sip_line (CbStore                *self,
                       const CbSipLineRecord  *record,
                       GError                **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL && record->username != NULL && record->kind != NULL, FALSE);

  return STORE_IFACE (self)->put_sip_line (self, record, error);
}

gboolean
cb_store_add_journal (CbStore          *self,
                      CbJournalRecord  *record,
                      GError          **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  return STORE_IFACE (self)->add_journal (self, record, error);
}

GPtrArray *
cb_store_list_journal (CbStore  *self,
                       gint64    user_id,
                       gint64    before,
                       guint     limit,
                       GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);

  return STORE_IFACE (self)->list_journal (self, user_id, before, limit, error);
}

gint64
cb_store_count_missed (CbStore  *self,
                       gint64    user_id,
                       GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), -1);

  return STORE_IFACE (self)->count_missed (self, user_id, error);
}

gboolean
cb_store_set_journal_seen (CbStore  *self,
                           gint64    user_id,
                           gint64    seen_id,
                           GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->set_journal_seen (self, user_id, seen_id, error);
}

gint64
cb_store_get_journal_seen (CbStore  *self,
                           gint64    user_id,
                           GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), -1);

  return STORE_IFACE (self)->get_journal_seen (self, user_id, error);
}

gboolean
cb_store_add_queue_counts (CbStore     *self,
                           gint64       group_id,
                           const char  *day,
                           gint64       answered,
                           gint64       abandoned,
                           GError     **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (day != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->add_queue_counts (self, group_id, day, answered, abandoned, error);
}

gboolean
cb_store_get_queue_counts (CbStore     *self,
                           gint64       group_id,
                           const char  *day,
                           gint64      *answered,
                           gint64      *abandoned,
                           GError     **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (day != NULL && answered != NULL && abandoned != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->get_queue_counts (self, group_id, day, answered, abandoned, error);
}

gboolean
cb_store_set_wrap_up (CbStore  *self,
                      gint64    user_id,
                      gint64    until,
                      GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->set_wrap_up (self, user_id, until, error);
}

GArray *
cb_store_list_wrap_ups (CbStore  *self,
                        GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return STORE_IFACE (self)->list_wrap_ups (self, error);
}

gboolean
cb_store_add_sip_subscription (CbStore                  *self,
                               CbSipSubscriptionRecord  *record,
                               GError                  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL && record->event != NULL && record->call_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->add_sip_subscription (self, record, error);
}

gboolean
cb_store_update_sip_subscription (CbStore     *self,
                                  gint64       id,
                                  const char  *contact,
                                  guint32      cseq,
                                  GError     **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (contact != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->update_sip_subscription (self, id, contact, cseq, error);
}

gboolean
cb_store_remove_sip_subscription (CbStore  *self,
                                  gint64    id,
                                  GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->remove_sip_subscription (self, id, error);
}

GPtrArray *
cb_store_list_sip_subscriptions (CbStore  *self,
                                 GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return STORE_IFACE (self)->list_sip_subscriptions (self, error);
}

gboolean
cb_store_put_sip_binding (CbStore                   *self,
                          const CbSipBindingRecord  *binding,
                          GError                   **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (binding != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->put_sip_binding (self, binding, error);
}

gboolean
cb_store_delete_sip_binding (CbStore     *self,
                             const char  *line,
                             const char  *contact,
                             GError     **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (line != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->delete_sip_binding (self, line, contact, error);
}

GPtrArray *
cb_store_list_sip_bindings (CbStore  *self,
                            GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return STORE_IFACE (self)->list_sip_bindings (self, error);
}

gboolean
cb_store_put_live_call (CbStore     *self,
                        const char  *call_id,
                        const char  *data,
                        GError     **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (call_id != NULL && data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->put_live_call (self, call_id, data, error);
}

gboolean
cb_store_delete_live_call (CbStore     *self,
                           const char  *call_id,
                           GError     **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), FALSE);
  g_return_val_if_fail (call_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return STORE_IFACE (self)->delete_live_call (self, call_id, error);
}

GPtrArray *
cb_store_list_live_calls (CbStore  *self,
                          GError  **error)
{
  g_return_val_if_fail (CB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return STORE_IFACE (self)->list_live_calls (self, error);
}
