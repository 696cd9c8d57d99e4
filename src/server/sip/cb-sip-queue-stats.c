/* cb-sip-queue-stats.c: a queue group's figures: answered and abandoned today, waiting now
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Waiting and oldest waiting since are live (the queue tells them);
 * answered and abandoned count the server's local day, kept in the store
 * so a restart keeps them, and start again at local midnight. Each
 * change is a "queue-stats" event through the service layer.
 */

#define G_LOG_DOMAIN "cb-queue"

#include "config.h"

#include "cb-sip-queue-stats.h"

/* One group's counters. */
typedef struct {
  gint64    group_id;
  char     *day;          /* the local date they count */
  guint64   answered;
  guint64   abandoned;
  gboolean  dirty;        /* changed since the last event */
} Counters;

struct _CbSipQueueStats {
  CbChanges             *changes;
  CbStore               *store;       /* the changes' */
  CbDirectory           *directory;   /* likewise */
  CbSipQueueWaitingFunc  waiting;
  gpointer               data;
  GHashTable            *counters;    /* group id → Counters, made at first use */
  guint                  publish_id;
  guint                  midnight_id;
};

static void
counters_free (Counters *counters)
{
  g_free (counters->day);
  g_free (counters);
}

/* The day the counters count: the server's local date. */
static char *
today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

/* Brings the counters to today's (from the store: zeros on a new day);
 * TRUE when the day changed. */
static gboolean
roll_day (CbSipQueueStats *self,
          Counters        *counters)
{
  g_autofree char *day = today ();
  g_autoptr(GError) error = NULL;
  gint64 answered = 0, abandoned = 0;

  if (g_strcmp0 (counters->day, day) == 0)
    return FALSE;
  if (!cb_store_get_queue_counts (self->store, counters->group_id, day, &answered, &abandoned,
                                  &error))
    g_warning ("Could not read the counters of queue %" G_GINT64_FORMAT ": %s", counters->group_id,
               error->message);
  g_free (counters->day);
  counters->day = g_steal_pointer (&day);
  counters->answered = answered;
  counters->abandoned = abandoned;
  return TRUE;
}

static Counters *
counters_for (CbSipQueueStats *self,
              gint64           group_id)
{
  Counters *counters = g_hash_table_lookup (self->counters, &group_id);

  if (counters != NULL)
    return counters;
  counters = g_new0 (Counters, 1);
  counters->group_id = group_id;
  g_hash_table_insert (self->counters, &counters->group_id, counters);
  roll_day (self, counters);
  return counters;
}

void
cb_sip_queue_stats_count (CbSipQueueStats *self,
                          gint64           group_id,
                          gboolean         answered)
{
  Counters *counters = counters_for (self, group_id);
  g_autoptr(GError) error = NULL;

  roll_day (self, counters);
  if (answered)
    counters->answered++;
  else
    counters->abandoned++;
  if (!cb_store_add_queue_counts (self->store, group_id, counters->day,
                                  answered ? 1 : 0, answered ? 0 : 1, &error))
    g_warning ("Could not count a call of queue %" G_GINT64_FORMAT ": %s", group_id,
               error->message);
}

/* Changes of one main loop turn go out as one event per group. */
static gboolean
publish (gpointer data)
{
  CbSipQueueStats *self = data;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) figures = g_array_new (FALSE, FALSE, sizeof (CbQueueStats));
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  Counters *counters;

  self->publish_id = 0;
  g_hash_table_iter_init (&iter, self->counters);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &counters))
    {
      CbQueueStats stats = { 0 };

      if (!counters->dirty)
        continue;
      counters->dirty = FALSE;
      roll_day (self, counters);
      self->waiting (counters->group_id, &stats.waiting, &stats.oldest_waiting_since, self->data);
      stats.answered = counters->answered;
      stats.abandoned = counters->abandoned;
      g_array_append_val (ids, counters->group_id);
      g_array_append_val (figures, stats);
    }
  if (ids->len > 0 &&
      !cb_changes_set_queue_stats (self->changes, ids->len, (gint64 *) ids->data,
                                   (CbQueueStats *) figures->data, &error))
    g_warning ("Could not record queue statistics: %s", error->message);
  return G_SOURCE_REMOVE;
}

void
cb_sip_queue_stats_changed (CbSipQueueStats *self,
                            gint64           group_id)
{
  counters_for (self, group_id)->dirty = TRUE;
  if (self->publish_id == 0)
    self->publish_id = g_idle_add (publish, self);
}

static void load_counts (CbSipQueueStats *self);

static gboolean
at_midnight (gpointer data)
{
  CbSipQueueStats *self = data;

  self->midnight_id = 0;
  load_counts (self);
  return G_SOURCE_REMOVE;
}

/* Today's counters of every queue group into the snapshot's stats (a
 * group's counters here are made at its first caller), and again at the
 * next local midnight. */
static void
load_counts (CbSipQueueStats *self)
{
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) midnight = NULL;
  g_autofree char *day = today ();

  groups = cb_store_list_groups (self->store, &error);
  for (guint i = 0; groups != NULL && i < groups->len; i++)
    {
      CbGroupRecord *group = g_ptr_array_index (groups, i);
      Counters *counters = g_hash_table_lookup (self->counters, &group->id);
      CbQueueStats stats = { 0 };
      gint64 answered = 0, abandoned = 0;

      if (group->strategy != CB_RING_STRATEGY_QUEUE)
        continue;
      if (counters != NULL)
        {
          if (roll_day (self, counters))
            cb_sip_queue_stats_changed (self, group->id);
          continue;
        }
      if (!cb_store_get_queue_counts (self->store, group->id, day, &answered, &abandoned, NULL))
        continue;
      cb_directory_get_queue_stats (self->directory, group->id, &stats);
      stats.answered = answered;
      stats.abandoned = abandoned;
      cb_directory_set_queue_stats (self->directory, group->id, &stats);
    }
  if (groups == NULL)
    g_warning ("Could not load the queue counters: %s", error->message);

  /* A second past midnight: g_timeout_add_seconds() may fire early by
   * less than that. */
  start = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);
  midnight = g_date_time_add_days (start, 1);
  g_clear_handle_id (&self->midnight_id, g_source_remove);
  self->midnight_id = g_timeout_add_seconds ((guint) (g_date_time_difference (midnight, now) /
                                                      G_TIME_SPAN_SECOND) + 1,
                                             at_midnight, self);
}

CbSipQueueStats *
cb_sip_queue_stats_new (CbChanges             *changes,
                        CbSipQueueWaitingFunc  waiting,
                        gpointer               data)
{
  CbSipQueueStats *self = g_new0 (CbSipQueueStats, 1);

  self->changes = changes;
  self->store = cb_changes_get_store (changes);
  self->directory = cb_changes_get_directory (changes);
  self->waiting = waiting;
  self->data = data;
  self->counters = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                          (GDestroyNotify) counters_free);
  load_counts (self);
  return self;
}

void
cb_sip_queue_stats_stop (CbSipQueueStats *self)
{
  g_clear_handle_id (&self->publish_id, g_source_remove);
}

void
cb_sip_queue_stats_free (CbSipQueueStats *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->publish_id, g_source_remove);
  g_clear_handle_id (&self->midnight_id, g_source_remove);
  g_hash_table_unref (self->counters);
  g_free (self);
}
