/* cb-bench-common.h: shared helpers of the benchmark programs
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  GSubprocess *process;
  char        *url;
  char        *tmpdir;
} CbBenchServer;

/* Writes a directory of n_users users (user0..user<n-1>, password "bench")
 * in one authorisation group at level `level`, returns its path. */
char          *cb_bench_write_directory  (const char *tmpdir,
                                          guint       n_users,
                                          const char *level);
CbBenchServer *cb_bench_server_start     (guint       n_users,
                                          const char *level);
void           cb_bench_server_stop      (CbBenchServer *server);

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
void           cb_bench_wait             (gboolean   (*done) (gpointer),
                                          gpointer    data,
                                          guint       timeout_ms);

double         cb_bench_percentile       (GArray     *sorted_doubles,
                                          double      p);
void           cb_bench_raise_fd_limit   (void);
gint64         cb_bench_rss_kib          (GPid        pid);

G_END_DECLS
