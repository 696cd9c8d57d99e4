/* cb-test-sipp.h: sipp runs for the SIP tests and benchmarks, bounded and logged
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sipp (package sip-tester) plays the phones and upstreams that are not
 * ours. Each run exits 0 only if its scenario ran to the end; its errors
 * and the scenario's <log> actions go to files in the run's directory.
 * Every test and benchmark starts sipp through here.
 *
 * $CB_TEST_SIPP names the program to run instead of "sipp" (a wrapper,
 * another build); CB_TEST_SIPP=/nonexistent hides sipp, and the tests
 * that need it must then report SKIP.
 */

#pragma once

#include <stdarg.h>
#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  GSubprocess *process;
  char        *name;
  char        *errors;     /* sipp's -error_file */
  char        *log;        /* sipp's -log_file: the <log> actions */
  gboolean     exited;
  gboolean     success;
} CbTestSipp;

typedef enum {
  /* One call (-m 1), a 30 s overall and 15 s receive timeout. */
  CB_TEST_SIPP_ONE_CALL    = 0,
  /* No -m and no timeouts: the caller's arguments say (benchmarks, a
   * UAS that answers until it is killed). */
  CB_TEST_SIPP_OPEN_ENDED  = 1 << 0,
} CbTestSippFlags;

/* Whether sipp is installed (and not hidden). */
gboolean    cb_test_sipp_installed   (void);
/* The same in a test: when not, the test is marked skipped with
 * g_test_skip() (the caller returns at once). */
gboolean    cb_test_have_sipp        (void);
/* Starts sipp in dir with -sf scenario (an absolute path; relative paths
 * in the scenario, such as a tone to play, are in dir), on 127.0.0.1,
 * without stdin, logging to dir/NAME-errors.log and dir/NAME-actions.log,
 * then the arguments given (NULL-terminated), which may override the
 * defaults of flags. */
CbTestSipp *cb_test_sipp_spawn       (const char          *dir,
                                      const char          *name,
                                      const char          *scenario,
                                      CbTestSippFlags      flags,
                                      const char * const  *args);
/* cb_test_sipp_spawn() with CB_TEST_SIPP_ONE_CALL. */
CbTestSipp *cb_test_sipp_start       (const char  *dir,
                                      const char  *name,
                                      const char  *scenario,
                                      ...) G_GNUC_NULL_TERMINATED;
CbTestSipp *cb_test_sipp_start_va    (const char  *dir,
                                      const char  *name,
                                      const char  *scenario,
                                      va_list      args);
/* The same with the arguments as a NULL-terminated array. */
CbTestSipp *cb_test_sipp_start_argv  (const char  *dir,
                                      const char  *name,
                                      const char  *scenario,
                                      const char * const *args);
/* Waits until sipp has bound port (it tells nobody) and asserts that it
 * is still running. */
void        cb_test_sipp_wait_port   (CbTestSipp  *sipp,
                                      guint        port,
                                      guint        timeout_ms);
/* The same for a sipp listening on TCP (-t t1). */
void        cb_test_sipp_wait_tcp_port (CbTestSipp *sipp,
                                        guint       port,
                                        guint       timeout_ms);
/* Waits for the exit (a timeout fails the test) and returns whether sipp
 * ran its scenario to the end. */
gboolean    cb_test_sipp_wait        (CbTestSipp  *sipp,
                                      guint        timeout_ms);
/* Waits for the exit and asserts that sipp succeeded; on failure its
 * error log goes to the test output first. */
void        cb_test_sipp_finish      (CbTestSipp  *sipp,
                                      guint        timeout_ms);
/* Kills a sipp that is still running and waits for it. */
void        cb_test_sipp_kill        (CbTestSipp  *sipp);
/* The error log so far, or NULL. */
char       *cb_test_sipp_errors      (CbTestSipp  *sipp);
/* The number after "key " in the <log> actions of a finished sipp. */
guint       cb_test_sipp_logged      (CbTestSipp  *sipp,
                                      const char  *key);
/* Kills a sipp that still runs, then frees it. */
void        cb_test_sipp_free        (CbTestSipp  *sipp);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbTestSipp, cb_test_sipp_free)

G_END_DECLS
