/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-su-source.c: a sofia-sip root on the GLib loop waits for its timers
 * instead of spinning through their last millisecond (cb-su-source.c). */
#define G_LOG_DOMAIN "cb-phone"

#include <gio/gio.h>
#include <sofia-sip/su_wait.h>

#include "cb-su-source.h"

#define TIMERS   40
#define TIMER_MS 7

static int
on_readable (su_root_magic_t *magic,
             su_wait_t       *wait,
             su_wakeup_arg_t *arg)
{
  return 0;
}

typedef struct {
  guint     fired;
  su_time_t set_at;
  gboolean  early;
} Fired;

static void
on_timer (su_root_magic_t *magic,
          su_timer_t      *timer,
          su_timer_arg_t  *arg)
{
  Fired *fired = (Fired *) arg;

  fired->fired++;
  if (su_duration (su_now (), fired->set_at) < TIMER_MS)
    fired->early = TRUE;
}

/* Each timer is waited for with the loop's own blocking iterations: a
 * loop that sleeps until a timer is due dispatches the root's source
 * about once per timer; one that spins through the last millisecond does
 * so tens of times (sofia rounds the time left down to whole ms). */
static void
test_timers_without_spin (void)
{
  su_root_t *root;
  su_timer_t *timer;
  Fired fired = { 0 };
  guint64 before, dispatches;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;
  su_wait_t wait[1] = { SU_WAIT_INIT };

  root = su_glib_root_create (NULL);
  g_assert_nonnull (root);
  cb_su_source_attach (root, NULL);
  /* A socket registered, as the SIP stack's are: GLib handles a source
   * with descriptors differently on each dispatch. Nothing arrives on it. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_assert_cmpint (su_wait_create (wait, g_socket_get_fd (socket), SU_WAIT_IN), ==, 0);
  g_assert_cmpint (su_root_register (root, wait, on_readable, NULL, 0), >, 0);
  timer = su_timer_create (su_root_task (root), TIMER_MS);
  g_assert_nonnull (timer);

  /* Whatever the root does when it starts is not counted. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  before = cb_su_source_get_dispatches (root);
  for (guint i = 0; i < TIMERS; i++)
    {
      guint want = fired.fired + 1;

      fired.set_at = su_now ();
      g_assert_cmpint (su_timer_set (timer, on_timer, (su_timer_arg_t *) &fired), ==, 0);
      while (fired.fired < want)
        g_main_context_iteration (NULL, TRUE);
    }
  dispatches = cb_su_source_get_dispatches (root) - before;
  g_test_message ("%u timers of %u ms: the root's source dispatched %" G_GUINT64_FORMAT " times",
                  TIMERS, TIMER_MS, dispatches);

  g_assert_cmpuint (fired.fired, ==, TIMERS);
  g_assert_false (fired.early);
  /* One dispatch per timer, a second one now and then when a wake-up
   * lands just before the millisecond it waits for. */
  g_assert_cmpuint (dispatches, <=, TIMERS * 2);

  su_timer_destroy (timer);
  su_root_unregister (root, wait, on_readable, NULL);
  su_root_destroy (root);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  su_init ();
  g_test_add_func ("/su-source/timers-without-spin", test_timers_without_spin);
  ret = g_test_run ();
  su_deinit ();
  return ret;
}
