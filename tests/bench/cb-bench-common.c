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

#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "cb-bench-common.h"

char *
cb_bench_directory_json (guint       n_users,
                         const char *level)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

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
  return json_to_string (root, FALSE);
}

CbTestServer *
cb_bench_server_start (guint       n_users,
                       const char *level)
{
  static const char * const args[] = { "--keepalive", "600", "--max-backlog", "1000000", NULL };
  g_autofree char *directory = cb_bench_directory_json (n_users, level);
  gint64 start = g_get_monotonic_time ();
  CbTestServer *server = cb_test_server_start (directory, args);

  g_printerr ("  server with %u users ready in %.1f s at %s\n", n_users,
              (g_get_monotonic_time () - start) / 1e6, server->url);
  return server;
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
cb_bench_status_kib (GPid        pid,
                     const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  g_autofree char *name = g_strdup_printf ("\n%s:", field);
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  line = strstr (text, name);
  return line != NULL ? g_ascii_strtoll (line + strlen (name), NULL, 10) : -1;
}

gint64
cb_bench_rss_kib (GPid pid)
{
  return cb_bench_status_kib (pid, "VmRSS");
}

gint64
cb_bench_pss_kib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/smaps_rollup", (int) pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  line = strstr (text, "\nPss:");
  return line != NULL ? g_ascii_strtoll (line + 5, NULL, 10) : -1;
}

double
cb_bench_cpu_seconds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (pid <= 0 || !g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  /* The command name may hold spaces: fields count from after its ')'. */
  end = strrchr (text, ')');
  if (end == NULL)
    return 0;
  fields = g_strsplit (end + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
         sysconf (_SC_CLK_TCK);
}

GHashTable *
cb_bench_sipp_stats (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) names = NULL;
  g_auto(GStrv) values = NULL;
  GHashTable *stats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint last = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return stats;
  lines = g_strsplit (text, "\n", 0);
  for (guint i = 1; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      last = i;
  if (last == 0)
    return stats;
  names = g_strsplit (lines[0], ";", 0);
  values = g_strsplit (lines[last], ";", 0);
  for (guint i = 0; names[i] != NULL && values[i] != NULL; i++)
    g_hash_table_insert (stats, g_strdup (names[i]), g_strdup (values[i]));
  return stats;
}

guint64
cb_bench_sipp_stat (GHashTable *stats,
                    const char *name)
{
  const char *value = g_hash_table_lookup (stats, name);

  return value != NULL ? g_ascii_strtoull (value, NULL, 10) : 0;
}

guint64
cb_bench_udp_receive_drops (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint64 drops = 0;

  if (!g_file_get_contents ("/proc/net/snmp", &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", 0);
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    if (g_str_has_prefix (lines[i], "Udp: ") && g_str_has_prefix (lines[i + 1], "Udp: "))
      {
        g_auto(GStrv) names = g_strsplit (lines[i], " ", 0);
        g_auto(GStrv) values = g_strsplit (lines[i + 1], " ", 0);

        for (guint j = 0; names[j] != NULL && values[j] != NULL; j++)
          if (g_str_equal (names[j], "RcvbufErrors"))
            drops = g_ascii_strtoull (values[j], NULL, 10);
        break;
      }
  return drops;
}
