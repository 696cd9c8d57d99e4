/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-su-source.c: a sofia-sip root on the GLib main loop, without the busy
 * wait of sofia's own GLib source before each timer.
 *
 * sofia-sip's GLib source (su_source.c) tells GLib how long to poll from
 * its next timer in whole milliseconds, rounded down: a timer due in
 * 0.7 ms makes the source ready at once, its dispatch finds nothing due
 * (it compares microseconds), and the loop comes round again without
 * sleeping until the timer is really due. Each timer the SIP stack sets
 * (retransmissions, transaction timeouts, every call's) thus cost up to a
 * millisecond of a core spinning; and GLib 2.74 writes its wake-up
 * eventfd twice on each dispatch of a source with descriptors, so the
 * spin went through the kernel too. Profiled under load, the spin and
 * its wake-ups were a large part of the server's CPU per call.
 *
 * So the source's prepare (and its check, which asks prepare) is
 * wrapped: when sofia says "ready" only because a timer is due within the
 * coming millisecond, the loop sleeps one millisecond instead, and the
 * timer runs up to that much late (a SIP timer's resolution is a
 * millisecond anyway). The wrapper's table replaces the source's before
 * it is attached, and check reads the source's descriptors from the
 * GSource itself (GSource has no other way in); it keeps sofia's table
 * and calls it for everything else.
 */

#define G_LOG_DOMAIN "cb-phone"

#include "config.h"

#include <sofia-sip/su_time.h>
#include <sofia-sip/su_wait.h>

#include "cb-su-source.h"

/* Exported by libsofia-sip-ua (su_source.c uses it) but not declared in
 * its installed headers: the time until the first timer of a queue, in
 * milliseconds rounded down, 0 when it is due. */
su_duration_t su_timer_next_expires (su_timer_queue_t const *timers,
                                     su_time_t               now);

typedef struct {
  GSourceFuncs        funcs;   /* first: the source's table points here */
  const GSourceFuncs *sofia;
  su_timer_queue_t   *timers;  /* in the port, which lives inside the source */
  guint64             dispatches;
} CbSuSource;

static CbSuSource *
wrapper_of (GSource *source)
{
  return (CbSuSource *) source->source_funcs;
}

/* TRUE when the first timer is due within the coming millisecond but
 * not yet: sofia's rounding calls that "due now". */
static gboolean
timer_almost_due (CbSuSource *self)
{
  su_timer_queue_t *timers = self->timers;
  su_time_t now = su_now ();

  /* No heap yet while no timer was ever set (sofia checks that first). */
  if (timers == NULL || *timers == NULL || su_timer_next_expires (timers, now) != 0)
    return FALSE;
  /* Seen from a millisecond ago, a timer due before now is less than a
   * millisecond away (0); one not due yet is at least a millisecond. */
  return su_timer_next_expires (timers, su_time_add (now, -1)) > 0;
}

static gboolean
prepare (GSource *source,
         gint    *timeout)
{
  CbSuSource *self = wrapper_of (source);

  if (!self->sofia->prepare (source, timeout))
    return FALSE;
  /* Ready with a timeout of 0 is also how sofia says a message is
   * waiting: that one then waits at most the millisecond too. */
  if (*timeout == 0 && timer_almost_due (self))
    {
      *timeout = 1;
      return FALSE;
    }
  return TRUE;
}

/* sofia's check is "a descriptor has events, or prepare says ready"; the
 * latter must be our prepare: each dispatch of a source with descriptors
 * wakes GLib 2.74's loop (it takes them out of the poll and puts them
 * back), so one needless dispatch led to the next. */
static gboolean
check (GSource *source)
{
  gint timeout;

  for (GSList *l = source->poll_fds; l != NULL; l = l->next)
    if (((GPollFD *) l->data)->revents != 0)
      return TRUE;
  return prepare (source, &timeout);
}

static gboolean
dispatch (GSource     *source,
          GSourceFunc  callback,
          gpointer     user_data)
{
  CbSuSource *self = wrapper_of (source);

  self->dispatches++;
  return self->sofia->dispatch (source, callback, user_data);
}

static void
finalize (GSource *source)
{
  CbSuSource *self = wrapper_of (source);

  /* sofia's table again before sofia's finalize runs: nothing of ours
   * is left to reach once the wrapper is freed. */
  source->source_funcs = (GSourceFuncs *) self->sofia;
  if (self->sofia->finalize != NULL)
    self->sofia->finalize (source);
  g_free (self);
}

void
cb_su_source_attach (su_root_t    *root,
                     GMainContext *context)
{
  GSource *source = su_glib_root_gsource (root);
  CbSuSource *self;

  g_return_if_fail (source != NULL);
  g_return_if_fail (source->context == NULL);

  self = g_new0 (CbSuSource, 1);
  self->sofia = source->source_funcs;
  /* Not the root: the source can outlive it (su_root_destroy() only
   * drops the root's reference to its port). */
  self->timers = su_task_timers (su_root_task (root));
  self->funcs = (GSourceFuncs) { prepare, check, dispatch, finalize, NULL, NULL };
  source->source_funcs = &self->funcs;
  /* GLib 2.74 takes a source's descriptors out of the poll for each of
   * its dispatches unless it may recurse, and writes its wake-up eventfd
   * both ways: two writes and a needless wake-up per SIP message. We
   * never run the loop from inside a SIP callback (only at shutdown,
   * from outside), so there is nothing to recurse into. */
  g_source_set_can_recurse (source, TRUE);
  g_source_attach (source, context);
}

guint64
cb_su_source_get_dispatches (su_root_t *root)
{
  GSource *source = su_glib_root_gsource (root);

  g_return_val_if_fail (source != NULL && source->source_funcs->prepare == prepare, 0);
  return wrapper_of (source)->dispatches;
}
