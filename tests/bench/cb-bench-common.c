/* cb-bench-common.c: shared helpers of the benchmark programs
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Benchmarks start the real callboardd on loopback with a generated
 * directory and talk to it with libsoup, as the client library does.
 */

#define G_LOG_DOMAIN "cb-bench"

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "cb-bench-common.h"

char *
cb_bench_write_directory (const char *tmpdir,
                          guint       n_users,
                          const char *level)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  char *path = g_build_filename (tmpdir, "directory.json", NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "users");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_users; i++)
    {
      g_autofree char *username = g_strdup_printf ("user%u", i);
      g_autofree char *name = g_strdup_printf ("Bench User %05u", i);
      g_autofree char *ext = g_strdup_printf ("%u", 10000 + i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "username");
      json_builder_add_string_value (b, username);
      json_builder_set_member_name (b, "display_name");
      json_builder_add_string_value (b, name);
      json_builder_set_member_name (b, "extension");
      json_builder_add_string_value (b, ext);
      json_builder_set_member_name (b, "password");
      json_builder_add_string_value (b, "bench");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "groups");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "Everyone");
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, "authorisation");
  json_builder_set_member_name (b, "level");
  json_builder_add_string_value (b, level);
  json_builder_set_member_name (b, "members");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_users; i++)
    {
      g_autofree char *username = g_strdup_printf ("user%u", i);
      json_builder_add_string_value (b, username);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  /* A hunt group so the snapshot carries group data as well. */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "Hotline");
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, "hunt");
  json_builder_set_member_name (b, "number");
  json_builder_add_string_value (b, "600");
  json_builder_set_member_name (b, "strategy");
  json_builder_add_string_value (b, "queue");
  json_builder_set_member_name (b, "level");
  json_builder_add_string_value (b, "team");
  json_builder_set_member_name (b, "members");
  json_builder_begin_array (b);
  for (guint i = 0; i < MIN (n_users, 50u); i++)
    {
      g_autofree char *username = g_strdup_printf ("user%u", i);
      json_builder_add_string_value (b, username);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json = json_to_string (root, FALSE);
  if (!g_file_set_contents (path, json, -1, &error))
    g_error ("Cannot write %s: %s", path, error->message);
  return path;
}

/* A benchmark that fails with g_error() must not leave its server behind. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

CbBenchServer *
cb_bench_server_start (guint       n_users,
                       const char *level)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *database = NULL;
  g_autofree char *line = NULL;
  const char *binary = g_getenv ("CALLBOARDD");
  CbBenchServer *server = g_new0 (CbBenchServer, 1);
  gint64 start;

  if (binary == NULL)
    binary = BUILD_ROOT "/src/server/callboardd";

  server->tmpdir = g_dir_make_tmp ("cb-bench-XXXXXX", &error);
  g_assert_no_error (error);
  directory = cb_bench_write_directory (server->tmpdir, n_users, level);
  database = g_build_filename (server->tmpdir, "cb.db", NULL);

  start = g_get_monotonic_time ();
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->process = g_subprocess_launcher_spawn (launcher, &error,
                                                 binary, "--listen", "127.0.0.1", "--port", "0",
                                                 "--database", database, "--import", directory,
                                                 "--fast-hash", "--keepalive", "600",
                                                 "--max-backlog", "1000000", NULL);
  if (server->process == NULL)
    g_error ("Cannot start %s: %s", binary, error->message);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL)
    {
      if (g_str_has_prefix (line, "READY "))
        break;
      g_clear_pointer (&line, g_free);
    }
  if (line == NULL)
    g_error ("callboardd did not start: %s", error ? error->message : "no READY line");

  server->url = g_strdup (line + strlen ("READY "));
  g_printerr ("  server with %u users ready in %.1f s at %s\n", n_users,
              (g_get_monotonic_time () - start) / 1e6, server->url);
  return server;
}

void
cb_bench_server_stop (CbBenchServer *server)
{
  g_autoptr(GFile) dir = NULL;

  if (server == NULL)
    return;

  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, NULL);
  g_object_unref (server->process);

  /* Remove the temporary database directory. */
  dir = g_file_new_for_path (server->tmpdir);
  {
    g_autoptr(GFileEnumerator) e = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                              G_FILE_QUERY_INFO_NONE, NULL, NULL);
    GFileInfo *info;

    while (e != NULL && (info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
      {
        g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));
        g_file_delete (child, NULL, NULL);
        g_object_unref (info);
      }
  }
  g_file_delete (dir, NULL, NULL);

  g_free (server->url);
  g_free (server->tmpdir);
  g_free (server);
}

typedef struct {
  GBytes *body;
  GError *error;
  gboolean done;
} RequestData;

static void
request_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  RequestData *data = user_data;

  data->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &data->error);
  data->done = TRUE;
}

GBytes *
cb_bench_fetch (SoupSession *session,
                const char  *url,
                const char  *token)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  RequestData data = { 0 };

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, request_done, &data);
  while (!data.done)
    g_main_context_iteration (NULL, TRUE);
  if (data.error != NULL)
    g_error ("GET %s: %s", url, data.error->message);
  return data.body;
}

JsonNode *
cb_bench_request (SoupSession *session,
                  const char  *method,
                  const char  *url,
                  const char  *token,
                  const char  *body,
                  guint       *status)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(JsonParser) parser = json_parser_new ();
  RequestData data = { 0 };
  gsize len = 0;
  const char *text;

  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, request_done, &data);
  while (!data.done)
    g_main_context_iteration (NULL, TRUE);

  if (data.error != NULL)
    g_error ("%s %s: %s", method, url, data.error->message);

  if (status != NULL)
    *status = soup_message_get_status (msg);

  text = g_bytes_get_data (data.body, &len);
  if (len == 0 || !json_parser_load_from_data (parser, text, (gssize) len, NULL))
    {
      g_bytes_unref (data.body);
      return NULL;
    }
  g_bytes_unref (data.body);
  return json_node_ref (json_parser_get_root (parser));
}

char *
cb_bench_sign_in (SoupSession *session,
                  const char  *base_url,
                  const char  *username)
{
  g_autofree char *url = g_strconcat (base_url, "/api/v1/session", NULL);
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"bench\"}", username);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = cb_bench_request (session, "POST", url, NULL, body, &status);
  if (status != 201 || answer == NULL)
    g_error ("Sign-in of %s failed with HTTP %u", username, status);
  return g_strdup (json_object_get_string_member (json_node_get_object (answer), "token"));
}

static gboolean
timeout_reached (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
cb_bench_wait (gboolean (*done) (gpointer),
               gpointer   data,
               guint      timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_reached, &expired);

  while (!done (data) && !expired)
    g_main_context_iteration (NULL, TRUE);

  if (expired)
    g_error ("Benchmark step timed out after %u ms", timeout_ms);
  g_source_remove (id);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

double
cb_bench_percentile (GArray *values,
                     double  p)
{
  guint index;

  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_doubles);
  index = (guint) (p / 100.0 * (values->len - 1) + 0.5);
  return g_array_index (values, double, MIN (index, values->len - 1));
}

void
cb_bench_raise_fd_limit (void)
{
  struct rlimit limit;

  /* 1,000 WebSocket clients need more than the default 1,024 descriptors. */
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

gint64
cb_bench_rss_kib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtoll (line + 6, NULL, 10) : -1;
}
