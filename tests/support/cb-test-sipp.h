/* cb-test-sipp.h: sipp runs for the SIP tests, one call each, bounded and logged
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sipp (package sip-tester) plays the phones and upstreams that are not
 * ours. Each run exits 0 only if its scenario ran to the end; its errors
 * and the scenario's <log> actions go to files in the run's directory.
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

/* Whether sipp is installed; when not, the test is marked skipped. */
gboolean    cb_test_have_sipp        (void);
/* Starts sipp in dir with -sf scenario (a path), the arguments given
 * (NULL-terminated), then one call (-m 1) on loopback with bounded waits,
 * logging to dir/NAME-errors.log and dir/NAME-actions.log. */
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
/* Waits for the exit and asserts that sipp succeeded; on failure its
 * error log goes to the test output first. */
void        cb_test_sipp_finish      (CbTestSipp  *sipp,
                                      guint        timeout_ms);
/* The error log so far, or NULL. */
char       *cb_test_sipp_errors      (CbTestSipp  *sipp);
/* The number after "key " in the <log> actions of a finished sipp. */
guint       cb_test_sipp_logged      (CbTestSipp  *sipp,
                                      const char  *key);
void        cb_test_sipp_free        (CbTestSipp  *sipp);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbTestSipp, cb_test_sipp_free)

G_END_DECLS
