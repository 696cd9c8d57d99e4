/* cb-journal-entry.c: one call in the user's journal
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Entries never change once written (the server writes them when the call
 * ends), so the object is filled once and only read afterwards.
 */

#define G_LOG_DOMAIN "cb-client"

#include "cb-client-private.h"
#include "cb-journal-entry.h"

struct _CbJournalEntry
{
  GObject   parent_instance;

  gint64    id;
  char     *call_id;
  char     *direction;
  char     *remote_number;
  char     *remote_name;
  gint64    remote_user_id;
  gint64    started_at;
  gint64    answered_at;
  gint64    ended_at;
  guint     duration;
  gboolean  answered;
  gint64    group_id;
  char     *group_name;
  gint64    taken_by_user_id;
  char     *taken_by_name;
  gboolean  picked_up;
  char     *picked_up_from;  /* whom, when known */
  char     *forwarded_to;    /* the name (else the number) the user sent it on to */
  gint64    for_user_id;    /* the leader an assistant took or placed it for */
  char     *for_name;
  CbCallOutcome outcome;
};

G_DEFINE_FINAL_TYPE (CbJournalEntry, cb_journal_entry, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_CALL_ID,
  PROP_DIRECTION,
  PROP_REMOTE_NUMBER,
  PROP_REMOTE_NAME,
  PROP_REMOTE_USER_ID,
  PROP_STARTED_AT,
  PROP_ANSWERED_AT,
  PROP_ENDED_AT,
  PROP_DURATION,
  PROP_ANSWERED,
  PROP_MISSED,
  PROP_GROUP_ID,
  PROP_GROUP_NAME,
  PROP_TAKEN_BY_USER_ID,
  PROP_TAKEN_BY_NAME,
  PROP_PICKED_UP,
  PROP_PICKED_UP_FROM,
  PROP_FORWARDED_TO,
  PROP_FOR_USER_ID,
  PROP_FOR_NAME,
  PROP_OUTCOME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cb_journal_entry_finalize (GObject *object)
{
  CbJournalEntry *self = CB_JOURNAL_ENTRY (object);

  g_free (self->call_id);
  g_free (self->direction);
  g_free (self->remote_number);
  g_free (self->remote_name);
  g_free (self->group_name);
  g_free (self->taken_by_name);
  g_free (self->for_name);
  g_free (self->picked_up_from);
  g_free (self->forwarded_to);

  G_OBJECT_CLASS (cb_journal_entry_parent_class)->finalize (object);
}

static void
cb_journal_entry_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CbJournalEntry *self = CB_JOURNAL_ENTRY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_CALL_ID:
      g_value_set_string (value, self->call_id);
      break;
    case PROP_DIRECTION:
      g_value_set_string (value, self->direction);
      break;
    case PROP_REMOTE_NUMBER:
      g_value_set_string (value, self->remote_number);
      break;
    case PROP_REMOTE_NAME:
      g_value_set_string (value, cb_journal_entry_get_remote_name (self));
      break;
    case PROP_REMOTE_USER_ID:
      g_value_set_int64 (value, self->remote_user_id);
      break;
    case PROP_STARTED_AT:
      g_value_set_int64 (value, self->started_at);
      break;
    case PROP_ANSWERED_AT:
      g_value_set_int64 (value, self->answered_at);
      break;
    case PROP_ENDED_AT:
      g_value_set_int64 (value, self->ended_at);
      break;
    case PROP_DURATION:
      g_value_set_uint (value, self->duration);
      break;
    case PROP_ANSWERED:
      g_value_set_boolean (value, self->answered);
      break;
    case PROP_MISSED:
      g_value_set_boolean (value, cb_journal_entry_get_missed (self));
      break;
    case PROP_GROUP_ID:
      g_value_set_int64 (value, self->group_id);
      break;
    case PROP_GROUP_NAME:
      g_value_set_string (value, self->group_name);
      break;
    case PROP_TAKEN_BY_USER_ID:
      g_value_set_int64 (value, self->taken_by_user_id);
      break;
    case PROP_TAKEN_BY_NAME:
      g_value_set_string (value, self->taken_by_name);
      break;
    case PROP_PICKED_UP:
      g_value_set_boolean (value, self->picked_up);
      break;
    case PROP_PICKED_UP_FROM:
      g_value_set_string (value, self->picked_up_from);
      break;
    case PROP_FORWARDED_TO:
      g_value_set_string (value, self->forwarded_to);
      break;
    case PROP_FOR_USER_ID:
      g_value_set_int64 (value, self->for_user_id);
      break;
    case PROP_FOR_NAME:
      g_value_set_string (value, self->for_name);
      break;
    case PROP_OUTCOME:
      g_value_set_enum (value, self->outcome);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_journal_entry_class_init (CbJournalEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = cb_journal_entry_finalize;
  object_class->get_property = cb_journal_entry_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_CALL_ID] = g_param_spec_string ("call-id", NULL, NULL, NULL, ro);
  properties[PROP_DIRECTION] = g_param_spec_string ("direction", NULL, NULL, NULL, ro);
  properties[PROP_REMOTE_NUMBER] = g_param_spec_string ("remote-number", NULL, NULL, NULL, ro);
  properties[PROP_REMOTE_NAME] = g_param_spec_string ("remote-name", NULL, NULL, NULL, ro);
  properties[PROP_REMOTE_USER_ID] =
    g_param_spec_int64 ("remote-user-id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_STARTED_AT] = g_param_spec_int64 ("started-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_ANSWERED_AT] = g_param_spec_int64 ("answered-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_ENDED_AT] = g_param_spec_int64 ("ended-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_DURATION] = g_param_spec_uint ("duration", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_ANSWERED] = g_param_spec_boolean ("answered", NULL, NULL, FALSE, ro);
  properties[PROP_MISSED] = g_param_spec_boolean ("missed", NULL, NULL, FALSE, ro);
  properties[PROP_GROUP_ID] = g_param_spec_int64 ("group-id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_GROUP_NAME] = g_param_spec_string ("group-name", NULL, NULL, NULL, ro);
  properties[PROP_TAKEN_BY_USER_ID] =
    g_param_spec_int64 ("taken-by-user-id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_TAKEN_BY_NAME] = g_param_spec_string ("taken-by-name", NULL, NULL, NULL, ro);
  properties[PROP_PICKED_UP] = g_param_spec_boolean ("picked-up", NULL, NULL, FALSE, ro);
  properties[PROP_PICKED_UP_FROM] = g_param_spec_string ("picked-up-from", NULL, NULL, NULL, ro);
  properties[PROP_FORWARDED_TO] = g_param_spec_string ("forwarded-to", NULL, NULL, NULL, ro);
  properties[PROP_FOR_USER_ID] = g_param_spec_int64 ("for-user-id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_FOR_NAME] = g_param_spec_string ("for-name", NULL, NULL, NULL, ro);
  properties[PROP_OUTCOME] =
    g_param_spec_enum ("outcome", NULL, NULL, CB_TYPE_CALL_OUTCOME, CB_CALL_OUTCOME_ANSWERED, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_journal_entry_init (CbJournalEntry *self)
{
}

/* "" (a name the viewer may not know) reads as no name. */
static char *
dup_nonempty (const char *text)
{
  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

CbJournalEntry *
_cb_journal_entry_new (const CbWireJournalEntry *entry)
{
  CbJournalEntry *self;

  g_return_val_if_fail (entry != NULL, NULL);

  if (entry->id <= 0)
    return NULL;

  self = g_object_new (CB_TYPE_JOURNAL_ENTRY, NULL);
  self->id = entry->id;
  self->call_id = g_strdup (entry->call_id != NULL ? entry->call_id : "");
  self->direction = g_strdup (cb_enum_to_nick (CB_TYPE_CALL_DIRECTION, entry->direction));
  self->remote_number = g_strdup (entry->remote.number != NULL ? entry->remote.number : "");
  self->remote_name = g_strdup (entry->remote.name != NULL ? entry->remote.name : "");
  self->remote_user_id = MAX (entry->remote.user_id, 0);
  self->started_at = entry->started_at;
  self->answered_at = MAX (entry->answered_at, 0);
  self->ended_at = entry->ended_at;
  self->answered = entry->answered_at > 0;
  self->duration = self->answered ? (guint) CLAMP (entry->ended_at - entry->answered_at, 0, G_MAXUINT)
                                  : 0;
  self->group_id = MAX (entry->group_id, 0);
  self->group_name = dup_nonempty (entry->group_name);
  self->taken_by_user_id = MAX (entry->taken_by.user_id, 0);
  self->taken_by_name = dup_nonempty (entry->taken_by.name);
  self->picked_up = entry->picked_up;
  self->picked_up_from = entry->picked_up && entry->picked_up_from.user_id > 0
                         ? dup_nonempty (entry->picked_up_from.name) : NULL;
  /* Named as people are named; a number beyond the trunk as dialled. */
  self->forwarded_to = dup_nonempty (entry->forwarded_to.name);
  if (self->forwarded_to == NULL)
    self->forwarded_to = dup_nonempty (entry->forwarded_to.number);
  /* A leader the viewer may not see comes as no "for" at all. */
  self->for_user_id = MAX (entry->for_user_id, 0);
  self->for_name = self->for_user_id > 0 ? dup_nonempty (entry->for_name) : NULL;
  self->outcome = entry->outcome;
  /* "Answered" without an answer is a writer that did not know the
   * outcome (a server before it journaled failures): go by the times. */
  if (self->outcome == CB_CALL_OUTCOME_ANSWERED && !self->answered)
    self->outcome = cb_wire_journal_guess_outcome (entry->direction, entry->answered_at,
                                                   entry->taken_by.user_id);

  return self;
}

gint64
cb_journal_entry_get_id (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), 0);
  return self->id;
}

const char *
cb_journal_entry_get_call_id (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), NULL);
  return self->call_id;
}

gboolean
cb_journal_entry_get_incoming (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), FALSE);
  return g_strcmp0 (self->direction, "in") == 0;
}

const char *
cb_journal_entry_get_remote_number (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), NULL);
  return self->remote_number;
}

const char *
cb_journal_entry_get_remote_name (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), NULL);
  return *self->remote_name != '\0' ? self->remote_name : self->remote_number;
}

gint64
cb_journal_entry_get_remote_user_id (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), 0);
  return self->remote_user_id;
}

gint64
cb_journal_entry_get_started_at (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), 0);
  return self->started_at;
}

gint64
cb_journal_entry_get_answered_at (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), 0);
  return self->answered_at;
}

gint64
cb_journal_entry_get_ended_at (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), 0);
  return self->ended_at;
}

guint
cb_journal_entry_get_duration (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), 0);
  return self->duration;
}

gboolean
cb_journal_entry_get_answered (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), FALSE);
  return self->answered;
}

gboolean
cb_journal_entry_get_missed (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), FALSE);
  /* The server's word: a call declined, or one a colleague took, was not
   * missed (the codec guesses the outcome of an entry without one). */
  return self->outcome == CB_CALL_OUTCOME_MISSED;
}

CbCallOutcome
cb_journal_entry_get_outcome (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), CB_CALL_OUTCOME_ANSWERED);
  return self->outcome;
}

gboolean
cb_journal_entry_get_not_reached (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), FALSE);
  switch (self->outcome)
    {
    case CB_CALL_OUTCOME_BUSY:
    case CB_CALL_OUTCOME_REJECTED:
    case CB_CALL_OUTCOME_UNREACHABLE:
    case CB_CALL_OUTCOME_NOT_FOUND:
      return TRUE;
    default:
      return FALSE;
    }
}

gint64
cb_journal_entry_get_group_id (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), 0);
  return self->group_id;
}

const char *
cb_journal_entry_get_group_name (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), NULL);
  return self->group_name;
}

gint64
cb_journal_entry_get_taken_by_user_id (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), 0);
  return self->taken_by_user_id;
}

const char *
cb_journal_entry_get_taken_by_name (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), NULL);
  return self->taken_by_name;
}

const char *
cb_journal_entry_get_picked_up_from (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), NULL);
  return self->picked_up_from;
}

const char *
cb_journal_entry_get_forwarded_to (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), NULL);
  return self->forwarded_to;
}

gint64
cb_journal_entry_get_for_user_id (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), 0);
  return self->for_user_id;
}

const char *
cb_journal_entry_get_for_name (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), NULL);
  return self->for_name;
}

gboolean
cb_journal_entry_get_picked_up (CbJournalEntry *self)
{
  g_return_val_if_fail (CB_IS_JOURNAL_ENTRY (self), FALSE);
  return self->picked_up;
}
