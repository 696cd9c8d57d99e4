/* cb-clock.c: the time as the server's logic sees it, replaceable in tests
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-clock"

#include "cb-clock.h"

struct _CbClock
{
  GObject  parent_instance;

  gboolean manual;
  gint64   monotonic_us;   /* manual clocks only */
  gint64   real_us;
};

G_DEFINE_FINAL_TYPE (CbClock, cb_clock, G_TYPE_OBJECT)

static void
cb_clock_class_init (CbClockClass *klass)
{
}

static void
cb_clock_init (CbClock *self)
{
}

CbClock *
cb_clock_get_system (void)
{
  static CbClock *system_clock;

  if (g_once_init_enter (&system_clock))
    g_once_init_leave (&system_clock, g_object_new (CB_TYPE_CLOCK, NULL));
  return system_clock;
}

CbClock *
cb_clock_new_manual (gint64 monotonic_us,
                     gint64 real_us)
{
  CbClock *self = g_object_new (CB_TYPE_CLOCK, NULL);

  self->manual = TRUE;
  self->monotonic_us = monotonic_us;
  self->real_us = real_us;
  return self;
}

gint64
cb_clock_get_monotonic (CbClock *self)
{
  g_return_val_if_fail (CB_IS_CLOCK (self), 0);
  return self->manual ? self->monotonic_us : g_get_monotonic_time ();
}

gint64
cb_clock_get_real_seconds (CbClock *self)
{
  g_return_val_if_fail (CB_IS_CLOCK (self), 0);
  return (self->manual ? self->real_us : g_get_real_time ()) / G_USEC_PER_SEC;
}

void
cb_clock_advance (CbClock *self,
                  gint64   us)
{
  g_return_if_fail (CB_IS_CLOCK (self));
  g_return_if_fail (self->manual);
  g_return_if_fail (us >= 0);
  self->monotonic_us += us;
  self->real_us += us;
}
