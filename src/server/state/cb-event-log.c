/* cb-event-log.c: events recorded with the change that causes them, published after commit
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-event-log"

#include "cb-event-log.h"

typedef struct {
  CbEventRecord *record;
  JsonObject    *data;
} Pending;

struct _CbEventLog
{
  GObject    parent_instance;

  CbStore   *store;
  guint      retention;
  GPtrArray *pending;   /* Pending, recorded in the open transaction */
};

G_DEFINE_FINAL_TYPE (CbEventLog, cb_event_log, G_TYPE_OBJECT)

enum {
  PUBLISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pending_free (Pending *pending)
{
  g_clear_pointer (&pending->record, cb_event_record_free);
  g_clear_pointer (&pending->data, json_object_unref);
  g_free (pending);
}

static void
cb_event_log_dispose (GObject *object)
{
  CbEventLog *self = CB_EVENT_LOG (object);

  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (cb_event_log_parent_class)->dispose (object);
}

static void
cb_event_log_class_init (CbEventLogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cb_event_log_dispose;

  /* record is borrowed for the emission; data is the full form (every
   * field), which each recipient's filter cuts. */
  signals[PUBLISHED] = g_signal_new ("published", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                     G_TYPE_POINTER, JSON_TYPE_OBJECT);
}

static void
cb_event_log_init (CbEventLog *self)
{
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
}

CbEventLog *
cb_event_log_new (CbStore *store,
                  guint    retention)
{
  CbEventLog *self = g_object_new (CB_TYPE_EVENT_LOG, NULL);

  self->store = g_object_ref (store);
  self->retention = retention;
  return self;
}

gboolean
cb_event_log_record (CbEventLog   *self,
                     CbEventType   type,
                     gint64        subject_user_id,
                     gint64        group_id,
                     JsonObject   *data,
                     GError      **error)
{
  g_autoptr(CbEventRecord) record = g_new0 (CbEventRecord, 1);
  Pending *pending;

  g_return_val_if_fail (CB_IS_EVENT_LOG (self), FALSE);

  record->type = g_strdup (cb_enum_to_nick (CB_TYPE_EVENT_TYPE, type));
  record->subject_user_id = subject_user_id;
  record->group_id = group_id;
  record->data = cb_json_object_to_string (data);
  record->created_at = g_get_real_time () / G_USEC_PER_SEC;

  if (!cb_store_append_event (self->store, record, error))
    return FALSE;

  pending = g_new0 (Pending, 1);
  pending->record = g_steal_pointer (&record);
  pending->data = json_object_ref (data);
  g_ptr_array_add (self->pending, pending);
  return TRUE;
}

void
cb_event_log_discard (CbEventLog *self)
{
  g_return_if_fail (CB_IS_EVENT_LOG (self));

  g_ptr_array_set_size (self->pending, 0);
}

/* The log is trimmed when it outgrows the retention by a tenth, so the
 * DELETE runs once per many events rather than on every one. */
static void
trim_if_due (CbEventLog *self)
{
  g_autoptr(GError) error = NULL;
  gint64 held = cb_store_last_seq (self->store) - cb_store_first_seq (self->store) + 1;

  if (held <= (gint64) self->retention + MAX (1, self->retention / 10))
    return;
  if (!cb_store_trim_events (self->store, self->retention, &error))
    g_message ("Could not trim the event log: %s", error->message);
}

void
cb_event_log_publish (CbEventLog *self)
{
  g_autoptr(GPtrArray) pending = NULL;

  g_return_if_fail (CB_IS_EVENT_LOG (self));

  /* A handler may make another change (and record again): start a
   * fresh list, and keep ourselves alive through the emissions. */
  g_object_ref (self);
  pending = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  for (guint i = 0; i < pending->len; i++)
    {
      Pending *p = g_ptr_array_index (pending, i);

      g_signal_emit (self, signals[PUBLISHED], 0, p->record, p->data);
    }
  trim_if_due (self);
  g_object_unref (self);
}
