/* cb-bench-common.h: shared helpers of the benchmark programs
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "cb-test-server.h"

G_BEGIN_DECLS

/* A directory of n_users users (user0..user<n-1>, password "bench") in
 * one authorisation group at level `level`, as JSON. */
char          *cb_bench_directory_json   (guint       n_users,
                                          const char *level);
/* callboardd with that directory; stop it with cb_test_server_stop(). */
CbTestServer  *cb_bench_server_start     (guint       n_users,
                                          const char *level);

/* Blocking helpers that spin the default main context. */
JsonNode      *cb_bench_request          (SoupSession *session,
                                          const char  *method,
                                          const char  *url,
                                          const char  *token,
                                          const char  *body,
                                          guint       *status);
/* The raw answer of an authenticated GET, not parsed. */
GBytes        *cb_bench_fetch            (SoupSession *session,
                                          const char  *url,
                                          const char  *token);
char          *cb_bench_sign_in          (SoupSession *session,
                                          const char  *base_url,
                                          const char  *username);

double         cb_bench_percentile       (GArray     *sorted_doubles,
                                          double      p);
void           cb_bench_raise_fd_limit   (void);
/* A field of /proc/PID/status (VmRSS, RssAnon …) in KiB, -1 when absent. */
gint64         cb_bench_status_kib       (GPid        pid,
                                          const char *field);
gint64         cb_bench_rss_kib          (GPid        pid);
/* Proportional set size (smaps_rollup) in KiB, -1 when gone. */
gint64         cb_bench_pss_kib          (GPid        pid);
/* utime + stime of a process, in seconds; 0 once it is gone. */
double         cb_bench_cpu_seconds      (GPid        pid);

/* Udp RcvbufErrors of /proc/net/snmp: datagrams dropped for a full
 * receive buffer, by every process here. */
guint64        cb_bench_udp_receive_drops (void);

/* The last row of one of sipp's CSV files (-trace_stat, -trace_counts),
 * by column name; empty when there is none yet. */
GHashTable    *cb_bench_sipp_stats       (const char *path);
/* A column of it as a number, 0 when absent. */
guint64        cb_bench_sipp_stat        (GHashTable *stats,
                                          const char *name);

G_END_DECLS
