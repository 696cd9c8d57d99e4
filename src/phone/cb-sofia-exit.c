/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-sofia-exit.c: sofia-sip's exit handler kept off GLib's thread-local key.
 *
 * sofia-sip 1.12.11 as Debian ships it deletes, when the process exits,
 * the thread-local key of its random number state even if it never made
 * one: key 0, in our programs GLib's first (GSlice's memory per thread).
 * A GLib thread that frees a slice after that, an idle one of a thread
 * pool waking up, aborts the process: "pthread_setspecific: Invalid
 * argument" (sofia-sip issue 58; freeswitch's fork has it fixed). One
 * random number from sofia at start makes it create a key of its own,
 * the one its exit handler then deletes. The phone library's dependency
 * names cb_sofia_exit_guard as undefined (src/phone/meson.build), so
 * every program that can load sofia-sip through it runs this.
 */
#define G_LOG_DOMAIN "cb-phone"

#include <sofia-sip/su_uniqueid.h>

void cb_sofia_exit_guard (void) __attribute__ ((constructor));

void
cb_sofia_exit_guard (void)
{
  (void) su_randint (0, 1);
}
