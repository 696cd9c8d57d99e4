/* cb-sip-overload.c: new calls refused at once (503) past the configured load
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include "cb-sip-overload.h"

/* At most one log line per this many seconds, however many are refused. */
#define LOG_INTERVAL_S 10
#define RETRY_AFTER_MIN_S 2
#define RETRY_AFTER_MAX_S 5

struct _CbSipOverload
{
  CbClock *clock;
  guint    max_setups;
  guint    max_rate;
  double   tokens;        /* the rate's bucket: up to max_rate */
  gint64   filled_at;     /* monotonic µs the bucket was last topped up */
  guint64  refused;
  guint64  refused_logged; /* refused as of the last log line */
  gint64   next_log;      /* monotonic µs; 0: log the next one at once */
  GRand   *rand;
};

CbSipOverload *
cb_sip_overload_new (guint max_setups,
                     guint max_rate)
{
  CbSipOverload *self = g_new0 (CbSipOverload, 1);

  self->clock = g_object_ref (cb_clock_get_system ());
  self->max_setups = max_setups;
  self->max_rate = max_rate;
  self->tokens = max_rate;
  self->filled_at = cb_clock_get_monotonic (self->clock);
  self->rand = g_rand_new ();
  return self;
}

void
cb_sip_overload_free (CbSipOverload *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->clock);
  g_rand_free (self->rand);
  g_free (self);
}

void
cb_sip_overload_set_clock (CbSipOverload *self,
                           CbClock       *clock)
{
  CbClock *next = clock != NULL ? clock : cb_clock_get_system ();

  g_set_object (&self->clock, next);
  self->filled_at = cb_clock_get_monotonic (self->clock);
}

static void
refill (CbSipOverload *self,
        gint64         now)
{
  double seconds = (now - self->filled_at) / (double) G_USEC_PER_SEC;

  self->filled_at = now;
  if (seconds > 0)
    self->tokens = MIN (self->max_rate, self->tokens + seconds * self->max_rate);
}

static void
log_refusals (CbSipOverload *self,
              gint64         now,
              guint          setting_up)
{
  if (now < self->next_log)
    return;
  g_message ("SIP overload: %" G_GUINT64_FORMAT " new call(s) refused with 503 since %s "
             "(%u being set up, limits: %u at once, %u per second; 0: none)",
             self->refused - self->refused_logged,
             self->next_log == 0 ? "the start" : "the last message", setting_up,
             self->max_setups, self->max_rate);
  self->refused_logged = self->refused;
  self->next_log = now + LOG_INTERVAL_S * G_USEC_PER_SEC;
}

gboolean
cb_sip_overload_admit (CbSipOverload *self,
                       guint          setting_up,
                       gboolean       credentials)
{
  gint64 now = cb_clock_get_monotonic (self->clock);
  gboolean admit = TRUE;

  if (self->max_setups > 0 && setting_up >= self->max_setups)
    admit = FALSE;
  else if (self->max_rate > 0)
    {
      refill (self, now);
      if (self->tokens < 1)
        admit = FALSE;
      else if (credentials)
        self->tokens -= 1;
    }
  if (admit)
    return TRUE;
  self->refused++;
  log_refusals (self, now, setting_up);
  return FALSE;
}

guint
cb_sip_overload_retry_after (CbSipOverload *self)
{
  return (guint) g_rand_int_range (self->rand, RETRY_AFTER_MIN_S, RETRY_AFTER_MAX_S + 1);
}

guint64
cb_sip_overload_refused (CbSipOverload *self)
{
  return self->refused;
}
