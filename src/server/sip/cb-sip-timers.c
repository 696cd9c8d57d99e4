/* cb-sip-timers.c: the SIP side's timeouts on one GLib source, a deadline heap
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One heap for the process, as GLib's own timeouts are one per context:
 * a binary min-heap of entries ordered by (deadline, serial), each entry
 * knowing its place in it so that removing one is O(log n), and a table
 * from id to entry. The source's ready time is the top's deadline.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include "cb-sip-timers.h"

#define NOT_IN_HEAP G_MAXUINT

typedef struct {
  gint64      deadline;   /* monotonic µs */
  guint64     serial;     /* orders equal deadlines: the earlier added first */
  guint       id;
  guint       interval_ms;
  guint       index;      /* in the heap, NOT_IN_HEAP while it runs */
  gboolean    removed;    /* removed while it ran */
  GSourceFunc func;
  gpointer    data;
} Timer;

typedef struct {
  GSource     *source;
  GPtrArray   *heap;      /* Timer, owned through ids */
  GHashTable  *ids;       /* id → Timer, owned */
  guint        last_id;
  guint64      serial;
} Timers;

static Timers timers;

/* ---- the heap ------------------------------------------------------------ */

static gboolean
earlier (const Timer *a,
         const Timer *b)
{
  return a->deadline < b->deadline || (a->deadline == b->deadline && a->serial < b->serial);
}

static void
place (guint  index,
       Timer *timer)
{
  timers.heap->pdata[index] = timer;
  timer->index = index;
}

static void
sift_up (guint index)
{
  Timer *timer = timers.heap->pdata[index];

  while (index > 0)
    {
      guint parent = (index - 1) / 2;
      Timer *above = timers.heap->pdata[parent];

      if (!earlier (timer, above))
        break;
      place (index, above);
      index = parent;
    }
  place (index, timer);
}

static void
sift_down (guint index)
{
  Timer *timer = timers.heap->pdata[index];
  guint len = timers.heap->len;

  for (;;)
    {
      guint child = 2 * index + 1;
      Timer *below;

      if (child >= len)
        break;
      if (child + 1 < len && earlier (timers.heap->pdata[child + 1], timers.heap->pdata[child]))
        child++;
      below = timers.heap->pdata[child];
      if (!earlier (below, timer))
        break;
      place (index, below);
      index = child;
    }
  place (index, timer);
}

static void
heap_insert (Timer *timer)
{
  g_ptr_array_add (timers.heap, timer);
  sift_up (timers.heap->len - 1);
}

static void
heap_remove (Timer *timer)
{
  guint index = timer->index;
  Timer *last = g_ptr_array_steal_index (timers.heap, timers.heap->len - 1);

  timer->index = NOT_IN_HEAP;
  if (last == timer)
    return;
  place (index, last);
  if (index > 0 && earlier (last, timers.heap->pdata[(index - 1) / 2]))
    sift_up (index);
  else
    sift_down (index);
}

/* ---- the source ---------------------------------------------------------- */

static void
arm (void)
{
  gint64 ready = timers.heap->len > 0 ? ((Timer *) timers.heap->pdata[0])->deadline : -1;

  if (g_source_get_ready_time (timers.source) != ready)
    g_source_set_ready_time (timers.source, ready);
}

/* What was due when the pass began and was there before it; a timeout
 * added now, even one due at once, waits for the next pass. */
static gboolean
dispatch (GSource     *source,
          GSourceFunc  callback,
          gpointer     user_data)
{
  gint64 now = g_source_get_time (source);
  guint64 limit = timers.serial;

  while (timers.heap->len > 0)
    {
      Timer *timer = timers.heap->pdata[0];
      gboolean again;

      if (timer->deadline > now || timer->serial >= limit)
        break;
      heap_remove (timer);
      again = timer->func (timer->data) == G_SOURCE_CONTINUE;
      if (again && !timer->removed)
        {
          timer->deadline = now + (gint64) timer->interval_ms * G_TIME_SPAN_MILLISECOND;
          timer->serial = timers.serial++;
          heap_insert (timer);
        }
      else if (!timer->removed)
        g_hash_table_remove (timers.ids, GUINT_TO_POINTER (timer->id));
      else
        g_free (timer);
    }
  arm ();
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs source_funcs = {
  .dispatch = dispatch,
};

static void
ensure_timers (void)
{
  if (timers.source != NULL)
    return;
  timers.heap = g_ptr_array_new ();
  timers.ids = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  timers.source = g_source_new (&source_funcs, sizeof (GSource));
  g_source_set_static_name (timers.source, "cb-sip-timers");
  g_source_attach (timers.source, NULL);
}

/* ---- the API ------------------------------------------------------------- */

guint
cb_sip_timeout_add (guint       interval_ms,
                    GSourceFunc func,
                    gpointer    data)
{
  Timer *timer;

  g_return_val_if_fail (func != NULL, 0);

  ensure_timers ();
  timer = g_new0 (Timer, 1);
  do
    timer->id = ++timers.last_id;
  while (timer->id == 0 || g_hash_table_contains (timers.ids, GUINT_TO_POINTER (timer->id)));
  timer->interval_ms = interval_ms;
  timer->deadline = g_get_monotonic_time () + (gint64) interval_ms * G_TIME_SPAN_MILLISECOND;
  timer->serial = timers.serial++;
  timer->func = func;
  timer->data = data;
  g_hash_table_insert (timers.ids, GUINT_TO_POINTER (timer->id), timer);
  heap_insert (timer);
  if (timer->index == 0)
    arm ();
  return timer->id;
}

guint
cb_sip_timeout_add_seconds (guint       interval_s,
                            GSourceFunc func,
                            gpointer    data)
{
  return cb_sip_timeout_add (MIN (interval_s, G_MAXUINT / 1000) * 1000, func, data);
}

void
cb_sip_timeout_remove (guint id)
{
  Timer *timer = timers.ids != NULL ? g_hash_table_lookup (timers.ids, GUINT_TO_POINTER (id)) : NULL;
  gboolean was_first;

  if (timer == NULL)
    {
      g_critical ("SIP timeout %u was not found when attempting to remove it", id);
      return;
    }
  if (timer->index == NOT_IN_HEAP)
    {
      /* It runs now: dispatch() frees it when it returns. */
      timer->removed = TRUE;
      g_hash_table_steal (timers.ids, GUINT_TO_POINTER (id));
      return;
    }
  was_first = timer->index == 0;
  heap_remove (timer);
  g_hash_table_remove (timers.ids, GUINT_TO_POINTER (id));
  if (was_first)
    arm ();
}

guint
cb_sip_timeouts_pending (void)
{
  return timers.heap != NULL ? timers.heap->len : 0;
}
