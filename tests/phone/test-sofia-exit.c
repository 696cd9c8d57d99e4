/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sofia-exit.c: sofia-sip's exit handler leaves GLib's thread-local
 * storage alone (cb-sofia-exit.c). */
#define G_LOG_DOMAIN "cb-phone"

#include <glib.h>
#include <unistd.h>

/* What the process runs at exit, exported by sofia-sip but in no header. */
void sofia_su_uniqueid_destructor (void);

static gpointer
use_slices (gpointer data)
{
  /* A thread's first slice sets GSlice's key for the thread. */
  gpointer slice = g_slice_alloc (48);

  g_slice_free1 (48, slice);
  return GINT_TO_POINTER (TRUE);
}

/* Without cb-sofia-exit.c, sofia-sip's handler deletes key 0, GSlice's,
 * and the thread aborts the child in g_private_set(). */
static void
test_exit_handler (void)
{
  if (g_test_subprocess ())
    {
      gpointer done;

      sofia_su_uniqueid_destructor ();
      done = g_thread_join (g_thread_new ("slices", use_slices, NULL));
      g_assert_true (GPOINTER_TO_INT (done));
      /* Not through exit(): the handler would run again, and this one
       * closes its /dev/urandom twice. */
      _exit (0);
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/phone/sofia-exit/glib-keys-kept", test_exit_handler);
  return g_test_run ();
}
