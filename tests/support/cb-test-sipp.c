/* cb-test-sipp.c: sipp runs for the SIP tests and benchmarks, bounded and logged
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-test-sipp"

#include "config.h"

#include <string.h>

#include "cb-test-server.h"
#include "cb-test-sipp.h"

/* Generous: a sipp that was killed exits at once. */
#define KILL_TIMEOUT_MS 10000

static const char *
sipp_program (void)
{
  const char *program = g_getenv ("CB_TEST_SIPP");

  return program != NULL && program[0] != '\0' ? program : "sipp";
}

gboolean
cb_test_sipp_installed (void)
{
  g_autofree char *path = g_find_program_in_path (sipp_program ());

  return path != NULL;
}

gboolean
cb_test_have_sipp (void)
{
  if (cb_test_sipp_installed ())
    return TRUE;
  if (g_getenv ("CB_TEST_SIPP") != NULL)
    g_test_skip_printf ("sipp is hidden (CB_TEST_SIPP=%s)", sipp_program ());
  else
    g_test_skip ("sipp (package sip-tester) is not installed");
  return FALSE;
}

static void
on_sipp_exited (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  CbTestSipp *sipp = user_data;
  g_autoptr(GError) error = NULL;

  sipp->success = g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &error);
  /* The benchmarks are no test programs. */
  if (error != NULL && g_test_initialized ())
    g_test_message ("sipp %s: %s", sipp->name, error->message);
  else if (error != NULL)
    g_debug ("sipp %s: %s", sipp->name, error->message);
  sipp->exited = TRUE;
}

CbTestSipp *
cb_test_sipp_start_va (const char *dir,
                       const char *name,
                       const char *scenario,
                       va_list     args)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  const char *arg;

  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (list, (gpointer) arg);
  g_ptr_array_add (list, NULL);
  return cb_test_sipp_start_argv (dir, name, scenario, (const char * const *) list->pdata);
}

CbTestSipp *
cb_test_sipp_spawn (const char         *dir,
                    const char         *name,
                    const char         *scenario,
                    CbTestSippFlags     flags,
                    const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_find_program_in_path (sipp_program ());
  CbTestSipp *sipp = g_new0 (CbTestSipp, 1);
  const char * const one_call[] = {
    "-m", "1", "-timeout", "30s", "-recv_timeout", "15000",
  };

  g_assert_nonnull (program);
  g_assert_true (g_path_is_absolute (scenario));
  sipp->name = g_strdup (name);
  sipp->errors = g_strdup_printf ("%s/%s-errors.log", dir, name);
  sipp->log = g_strdup_printf ("%s/%s-actions.log", dir, name);
  g_ptr_array_add (argv, g_steal_pointer (&program));
  g_ptr_array_add (argv, g_strdup ("-sf"));
  g_ptr_array_add (argv, g_strdup (scenario));
  {
    const char * const common[] = {
      "-i", "127.0.0.1", "-nostdin",
      "-trace_err", "-error_file", sipp->errors,
      "-trace_logs", "-log_file", sipp->log,
    };

    for (guint i = 0; i < G_N_ELEMENTS (common); i++)
      g_ptr_array_add (argv, g_strdup (common[i]));
  }
  if (!(flags & CB_TEST_SIPP_OPEN_ENDED))
    for (guint i = 0; i < G_N_ELEMENTS (one_call); i++)
      g_ptr_array_add (argv, g_strdup (one_call[i]));
  /* Last, so that they override the defaults above. */
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  /* Relative paths in the scenarios (a tone to play) and sipp's
   * statistics files are in dir. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_cwd (launcher, dir);
  sipp->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check_async (sipp->process, NULL, on_sipp_exited, sipp);
  return sipp;
}

CbTestSipp *
cb_test_sipp_start_argv (const char         *dir,
                         const char         *name,
                         const char         *scenario,
                         const char * const *args)
{
  return cb_test_sipp_spawn (dir, name, scenario, CB_TEST_SIPP_ONE_CALL, args);
}

CbTestSipp *
cb_test_sipp_start (const char *dir,
                    const char *name,
                    const char *scenario,
                    ...)
{
  CbTestSipp *sipp;
  va_list args;

  va_start (args, scenario);
  sipp = cb_test_sipp_start_va (dir, name, scenario, args);
  va_end (args);
  return sipp;
}

typedef void (*WaitPort) (guint port, const gboolean *gave_up, guint timeout_ms, const char *what);

static void
wait_port (CbTestSipp *sipp,
           WaitPort    wait,
           const char *transport,
           guint       port,
           guint       timeout_ms)
{
  g_autofree char *what = g_strdup_printf ("sipp %s to take its %s port %u", sipp->name, transport, port);

  wait (port, &sipp->exited, timeout_ms, what);
  g_assert_false (sipp->exited);
}

void
cb_test_sipp_wait_port (CbTestSipp *sipp,
                        guint       port,
                        guint       timeout_ms)
{
  wait_port (sipp, cb_test_wait_udp_port, "UDP", port, timeout_ms);
}

void
cb_test_sipp_wait_tcp_port (CbTestSipp *sipp,
                            guint       port,
                            guint       timeout_ms)
{
  wait_port (sipp, cb_test_wait_tcp_port, "TCP", port, timeout_ms);
}

char *
cb_test_sipp_errors (CbTestSipp *sipp)
{
  char *errors = NULL;

  if (!g_file_get_contents (sipp->errors, &errors, NULL, NULL))
    return NULL;
  return errors;
}

gboolean
cb_test_sipp_wait (CbTestSipp *sipp,
                   guint       timeout_ms)
{
  g_autofree char *what = g_strdup_printf ("sipp %s to exit", sipp->name);

  CB_TEST_WAIT_FOR (sipp->exited, timeout_ms, what);
  return sipp->success;
}

void
cb_test_sipp_finish (CbTestSipp *sipp,
                     guint       timeout_ms)
{
  if (!cb_test_sipp_wait (sipp, timeout_ms))
    {
      g_autofree char *errors = cb_test_sipp_errors (sipp);

      g_test_message ("sipp %s errors:\n%s", sipp->name, errors != NULL ? errors : "(no error file)");
    }
  g_assert_true (sipp->success);
}

void
cb_test_sipp_kill (CbTestSipp *sipp)
{
  if (sipp->exited)
    return;
  g_subprocess_force_exit (sipp->process);
  /* The exit callback must run before sipp can be freed. */
  cb_test_sipp_wait (sipp, KILL_TIMEOUT_MS);
}

guint
cb_test_sipp_logged (CbTestSipp *sipp,
                     const char *key)
{
  g_autofree char *text = NULL;
  g_autofree char *prefix = g_strdup_printf ("%s ", key);
  const char *found;

  g_assert_true (g_file_get_contents (sipp->log, &text, NULL, NULL));
  found = strstr (text, prefix);
  g_assert_nonnull (found);
  return (guint) g_ascii_strtoull (found + strlen (prefix), NULL, 10);
}

void
cb_test_sipp_free (CbTestSipp *sipp)
{
  if (sipp == NULL)
    return;
  cb_test_sipp_kill (sipp);
  g_object_unref (sipp->process);
  g_free (sipp->errors);
  g_free (sipp->log);
  g_free (sipp->name);
  g_free (sipp);
}
