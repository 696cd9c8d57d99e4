/* cb-server-config.c: callboardd settings from a keyfile and the command line
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-config"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "cb-server-config.h"
#include "cb-sip-server.h"

CbServerConfig *
cb_server_config_new (void)
{
  CbServerConfig *config = g_new0 (CbServerConfig, 1);

  config->listen = g_strdup ("127.0.0.1");
  config->port = CB_SERVER_DEFAULT_PORT;
  config->database = g_strdup ("callboard.db");
  config->default_level = CB_LEVEL_PUBLIC;
  config->max_body = 64 * 1024;
  config->max_announcement = 2 * 1024 * 1024;
  config->request_timeout = 10;
  config->idle_timeout = 60;
  config->max_streams_per_user = 10;
  config->max_backlog_bytes = 4 * 1024 * 1024;
  config->token_lifetime = 7 * 24 * 3600;
  config->keepalive = 20;
  config->max_backlog = 5000;
  config->event_retention = 100000;
  config->failures_before_delay = 3;
  config->max_failures = 10;
  config->max_address_failures = 100;
  /* Each check is CPU- and memory-bound: about one per core, at most 4. */
  config->password_checks = CLAMP (g_get_num_processors (), 1, 4);
  config->password_queue = 32;
  config->failure_window = 900;
  config->simulation = TRUE;
  config->simulation_interval_ms = 3000;
  config->call_interval_ms = 40000;
  config->sip_port = CB_SERVER_DEFAULT_SIP_PORT;
  config->sip_tls_port = CB_SERVER_DEFAULT_SIP_TLS_PORT;
  config->sip_realm = g_strdup ("callboard");
  config->sip_nonce_lifetime = 30;
  config->sip_max_expires = 3600;
  /* SHA-256 beside MD5 only when asked for: Debian 12's sofia-sip (our
   * own phones) and libre (baresip) fail on any challenge they do not
   * know, even next to one they do. */
  config->sip_digest_algorithms = g_strsplit ("MD5", ";", -1);
  config->sip_auth_failures = 5;
  config->sip_auth_max_block = 900;
  config->sip_auth_failure_window = 900;
  config->sip_max_bindings = 5;
  config->sip_max_forks = 32;
  config->sip_max_external_calls = 2;
  config->sip_subscribe_min_expires = CB_SIP_DEFAULT_SUBSCRIBE_MIN_EXPIRES;
  config->sip_subscribe_max_expires = CB_SIP_DEFAULT_SUBSCRIBE_MAX_EXPIRES;
  config->sip_max_subscriptions = CB_SIP_DEFAULT_MAX_SUBSCRIPTIONS;
  config->sip_max_device_subscriptions = CB_SIP_DEFAULT_MAX_DEVICE_SUBSCRIPTIONS;
  config->sip_max_call_setups = CB_SIP_DEFAULT_MAX_CALL_SETUPS;
  config->sip_max_call_rate = CB_SIP_DEFAULT_MAX_CALL_RATE;
  return config;
}

void
cb_server_config_free (CbServerConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->config_file);
  g_free (config->listen);
  g_free (config->database);
  g_free (config->tls_certificate);
  g_free (config->tls_key);
  g_free (config->tls_priority);
  g_free (config->import);
  g_free (config->demo_dir);
  g_free (config->sip_listen);
  g_free (config->sip_realm);
  g_strfreev (config->sip_digest_algorithms);
  g_free (config->trunk_proxy);
  g_free (config->trunk_username);
  g_free (config->trunk_password);
  g_free (config->trunk_prefix);
  g_free (config->trunk_caller_id);
  g_free (config);
}

/* g_set_str() is GLib 2.76: not ours to call. */
static void
replace_str (char       **target,
             const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*target);
  *target = copy;
}

/* "sip:HOST" or "sip:HOST:PORT" (an IPv6 HOST in brackets): where
 * external calls go; the SIP side reads it with sofia-sip's parser. */
static gboolean
check_trunk_proxy (const char  *proxy,
                   GError     **error)
{
  if (!cb_sip_settings_check_proxy (proxy))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "trunk proxy “%s” is not sip:HOST or sip:HOST:PORT", proxy);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_level (const char  *nick,
             CbLevel     *level,
             GError     **error)
{
  int value;

  if (!cb_enum_from_nick (CB_TYPE_LEVEL, nick, &value))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Unknown level “%s”: expected none, public, business, team or personal",
                   nick);
      return FALSE;
    }
  *level = value;
  return TRUE;
}

/* Reads one unsigned key when present; absent keys keep the current value. */
static gboolean
read_uint (GKeyFile    *keyfile,
           const char  *group,
           const char  *key,
           guint64      min,
           guint64      max,
           guint64     *value,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;
  guint64 parsed;

  if (!g_key_file_has_key (keyfile, group, key, NULL))
    return TRUE;

  text = g_key_file_get_string (keyfile, group, key, &local_error);
  if (text == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_strstrip (text);
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &parsed, &local_error))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "[%s] %s: %s", group, key, local_error->message);
      return FALSE;
    }
  *value = parsed;
  return TRUE;
}

static gboolean
read_string (GKeyFile    *keyfile,
             const char  *group,
             const char  *key,
             char       **value)
{
  g_autofree char *text = g_key_file_get_string (keyfile, group, key, NULL);

  if (text == NULL)
    return FALSE;
  g_free (*value);
  *value = g_strdup (g_strstrip (text));
  return TRUE;
}

static gboolean
read_bool (GKeyFile    *keyfile,
           const char  *group,
           const char  *key,
           gboolean    *value,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean parsed;

  if (!g_key_file_has_key (keyfile, group, key, NULL))
    return TRUE;
  parsed = g_key_file_get_boolean (keyfile, group, key, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "[%s] %s: %s", group, key, local_error->message);
      return FALSE;
    }
  *value = parsed;
  return TRUE;
}

/* [sip] digest-algorithms: a list ("SHA-256;MD5"), each once, most
 * preferred first. */
static gboolean
read_digest_algorithms (GKeyFile   *keyfile,
                        char     ***value,
                        GError    **error)
{
  g_auto(GStrv) list = NULL;

  if (!g_key_file_has_key (keyfile, "sip", "digest-algorithms", NULL))
    return TRUE;
  list = g_key_file_get_string_list (keyfile, "sip", "digest-algorithms", NULL, NULL);
  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    {
      g_strstrip (list[i]);
      if (!cb_sip_settings_check_digest_algorithm (list[i]) ||
          g_strv_contains ((const char * const *) list + i + 1, list[i]))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       "[sip] digest-algorithms: “%s” is not MD5 or SHA-256, or named twice", list[i]);
          return FALSE;
        }
    }
  if (list == NULL || list[0] == NULL)
    {
      g_set_error_literal (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                           "[sip] digest-algorithms: name MD5, SHA-256 or both");
      return FALSE;
    }
  g_strfreev (*value);
  *value = g_steal_pointer (&list);
  return TRUE;
}

gboolean
cb_server_config_load_file (CbServerConfig  *config,
                            const char      *path,
                            GError         **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *level = NULL;
  guint64 v;

  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, error))
    return FALSE;

  read_string (keyfile, "server", "listen", &config->listen);
  v = config->port;
  if (!read_uint (keyfile, "server", "port", 0, 65535, &v, error))
    return FALSE;
  config->port = v;
  read_string (keyfile, "server", "database", &config->database);
  read_string (keyfile, "server", "tls-certificate", &config->tls_certificate);
  read_string (keyfile, "server", "tls-key", &config->tls_key);
  read_string (keyfile, "server", "tls-priority", &config->tls_priority);
  read_string (keyfile, "server", "import", &config->import);
  if (read_string (keyfile, "server", "default-level", &level) &&
      !parse_level (level, &config->default_level, error))
    return FALSE;

  v = config->max_body;
  if (!read_uint (keyfile, "limits", "max-body", 1, G_MAXINT32, &v, error))
    return FALSE;
  config->max_body = v;
  v = config->max_announcement;
  if (!read_uint (keyfile, "limits", "max-announcement", 1, G_MAXINT32, &v, error))
    return FALSE;
  config->max_announcement = v;
  v = config->request_timeout;
  if (!read_uint (keyfile, "limits", "request-timeout", 1, 3600, &v, error))
    return FALSE;
  config->request_timeout = v;
  v = config->idle_timeout;
  if (!read_uint (keyfile, "limits", "idle-timeout", 1, 86400, &v, error))
    return FALSE;
  config->idle_timeout = v;
  v = config->max_streams_per_user;
  if (!read_uint (keyfile, "limits", "max-streams-per-user", 1, 100000, &v, error))
    return FALSE;
  config->max_streams_per_user = v;
  v = config->max_backlog_bytes;
  if (!read_uint (keyfile, "limits", "max-backlog-bytes", 4096, G_MAXINT32, &v, error))
    return FALSE;
  config->max_backlog_bytes = v;
  v = config->token_lifetime;
  if (!read_uint (keyfile, "limits", "token-lifetime", 1, G_MAXINT32, &v, error))
    return FALSE;
  config->token_lifetime = v;
  v = config->keepalive;
  if (!read_uint (keyfile, "limits", "keepalive", 1, 3600, &v, error))
    return FALSE;
  config->keepalive = v;
  v = config->max_backlog;
  if (!read_uint (keyfile, "limits", "max-backlog", 1, G_MAXINT32, &v, error))
    return FALSE;
  config->max_backlog = v;
  v = config->event_retention;
  if (!read_uint (keyfile, "limits", "event-retention", 1, G_MAXINT32, &v, error))
    return FALSE;
  config->event_retention = v;

  v = config->failures_before_delay;
  if (!read_uint (keyfile, "auth", "failures-before-delay", 0, 1000, &v, error))
    return FALSE;
  config->failures_before_delay = v;
  v = config->max_failures;
  if (!read_uint (keyfile, "auth", "max-failures", 1, 100000, &v, error))
    return FALSE;
  config->max_failures = v;
  v = config->max_address_failures;
  if (!read_uint (keyfile, "auth", "max-address-failures", 1, 1000000, &v, error))
    return FALSE;
  config->max_address_failures = v;
  v = config->failure_window;
  if (!read_uint (keyfile, "auth", "failure-window", 1, G_MAXINT32, &v, error))
    return FALSE;
  config->failure_window = v;
  v = config->password_checks;
  if (!read_uint (keyfile, "auth", "password-checks", 1, 256, &v, error))
    return FALSE;
  config->password_checks = v;
  v = config->password_queue;
  if (!read_uint (keyfile, "auth", "password-queue", 0, 100000, &v, error))
    return FALSE;
  config->password_queue = v;
  if (!read_bool (keyfile, "auth", "fast-hash", &config->fast_hash, error))
    return FALSE;

  read_string (keyfile, "sip", "listen", &config->sip_listen);
  if (g_key_file_has_key (keyfile, "sip", "port", NULL))
    {
      v = config->sip_port;
      if (!read_uint (keyfile, "sip", "port", 0, 65535, &v, error))
        return FALSE;
      config->sip_port = v;
      config->sip_port_set = TRUE;
    }
  if (g_key_file_has_key (keyfile, "sip", "tls-port", NULL))
    {
      v = config->sip_tls_port;
      if (!read_uint (keyfile, "sip", "tls-port", 0, 65535, &v, error))
        return FALSE;
      config->sip_tls_port = v;
      config->sip_tls_port_set = TRUE;
    }
  if (!read_bool (keyfile, "sip", "require-encryption", &config->sip_require_encryption, error))
    return FALSE;
  read_string (keyfile, "sip", "realm", &config->sip_realm);
  v = config->sip_nonce_lifetime;
  if (!read_uint (keyfile, "sip", "nonce-lifetime", 1, 86400, &v, error))
    return FALSE;
  config->sip_nonce_lifetime = v;
  v = config->sip_max_expires;
  if (!read_uint (keyfile, "sip", "max-expires", 60, 86400, &v, error))
    return FALSE;
  config->sip_max_expires = v;
  if (!read_digest_algorithms (keyfile, &config->sip_digest_algorithms, error))
    return FALSE;
  v = config->sip_auth_failures;
  if (!read_uint (keyfile, "sip", "auth-failures-before-block", 0, 1000, &v, error))
    return FALSE;
  config->sip_auth_failures = v;
  v = config->sip_auth_max_block;
  if (!read_uint (keyfile, "sip", "auth-max-block", 1, 86400, &v, error))
    return FALSE;
  config->sip_auth_max_block = v;
  v = config->sip_auth_failure_window;
  if (!read_uint (keyfile, "sip", "auth-failure-window", 1, 86400, &v, error))
    return FALSE;
  config->sip_auth_failure_window = v;
  v = config->sip_max_bindings;
  if (!read_uint (keyfile, "sip", "max-bindings", 1, 100, &v, error))
    return FALSE;
  config->sip_max_bindings = v;
  v = config->sip_max_forks;
  if (!read_uint (keyfile, "sip", "max-forks", 1, 1000, &v, error))
    return FALSE;
  config->sip_max_forks = v;
  v = config->sip_max_external_calls;
  if (!read_uint (keyfile, "sip", "max-external-calls", 1, 1000, &v, error))
    return FALSE;
  config->sip_max_external_calls = v;
  v = config->sip_subscribe_min_expires;
  if (!read_uint (keyfile, "sip", "subscribe-min-expires", 1, 86400, &v, error))
    return FALSE;
  config->sip_subscribe_min_expires = v;
  v = config->sip_subscribe_max_expires;
  if (!read_uint (keyfile, "sip", "subscribe-max-expires", 1, 86400, &v, error))
    return FALSE;
  config->sip_subscribe_max_expires = v;
  if (config->sip_subscribe_max_expires < config->sip_subscribe_min_expires)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "[sip] subscribe-max-expires is less than subscribe-min-expires");
      return FALSE;
    }
  v = config->sip_max_subscriptions;
  if (!read_uint (keyfile, "sip", "max-subscriptions", 1, 1000000, &v, error))
    return FALSE;
  config->sip_max_subscriptions = v;
  v = config->sip_max_device_subscriptions;
  if (!read_uint (keyfile, "sip", "max-subscriptions-per-device", 1, 1000000, &v, error))
    return FALSE;
  config->sip_max_device_subscriptions = v;
  v = config->sip_max_call_setups;
  if (!read_uint (keyfile, "sip", "max-call-setups", 0, 1000000, &v, error))
    return FALSE;
  config->sip_max_call_setups = v;
  v = config->sip_max_call_rate;
  if (!read_uint (keyfile, "sip", "max-call-rate", 0, 1000000, &v, error))
    return FALSE;
  config->sip_max_call_rate = v;

  read_string (keyfile, "trunk", "proxy", &config->trunk_proxy);
  if (config->trunk_proxy != NULL && !check_trunk_proxy (config->trunk_proxy, error))
    return FALSE;
  read_string (keyfile, "trunk", "username", &config->trunk_username);
  read_string (keyfile, "trunk", "password", &config->trunk_password);
  read_string (keyfile, "trunk", "prefix", &config->trunk_prefix);
  read_string (keyfile, "trunk", "caller-id", &config->trunk_caller_id);

  if (!read_bool (keyfile, "demo", "simulation", &config->simulation, error))
    return FALSE;
  v = config->simulation_interval_ms;
  if (!read_uint (keyfile, "demo", "simulation-interval", 10, 3600000, &v, error))
    return FALSE;
  config->simulation_interval_ms = v;
  v = config->simulation_rate;
  if (!read_uint (keyfile, "demo", "simulation-rate", 0, 100000, &v, error))
    return FALSE;
  config->simulation_rate = v;
  v = config->call_interval_ms;
  if (!read_uint (keyfile, "demo", "call-interval", 0, 3600000, &v, error))
    return FALSE;
  config->call_interval_ms = v;

  return TRUE;
}

/* Flags are parsed into these first so that "given on the command line"
 * can be told apart from "left at the default" and win over the keyfile. */
typedef struct {
  char     *config_file;
  char     *listen;
  int       port;
  char     *database;
  char     *tls_certificate;
  char     *tls_key;
  char     *tls_priority;
  char     *default_level;
  char     *import;
  gboolean  import_only;
  gint64    max_body;
  gint64    max_announcement;
  int       request_timeout;
  int       idle_timeout;
  int       max_streams_per_user;
  gint64    max_backlog_bytes;
  gint64    token_lifetime;
  int       keepalive;
  int       max_backlog;
  int       event_retention;
  int       failures_before_delay;
  int       max_failures;
  int       max_address_failures;
  int       failure_window;
  int       password_checks;
  int       password_queue;
  gboolean  fast_hash;
  int       sip_port;
  int       sip_tls_port;
  gboolean  sip_require_encryption;
  int       subscribe_min_expires;
  int       subscribe_max_expires;
  int       max_subscriptions;
  int       max_device_subscriptions;
  int       max_call_setups;
  int       max_call_rate;
  char     *trunk;
  gboolean  demo;
  gboolean  no_simulation;
  int       simulation_interval;
  int       simulation_rate;
  int       call_interval;
} Flags;

static void
flags_clear (Flags *flags)
{
  g_free (flags->config_file);
  g_free (flags->listen);
  g_free (flags->database);
  g_free (flags->tls_certificate);
  g_free (flags->tls_key);
  g_free (flags->tls_priority);
  g_free (flags->default_level);
  g_free (flags->import);
  g_free (flags->trunk);
}

static gboolean
check_range (const char  *name,
             gint64       value,
             gint64       min,
             gint64       max,
             GError     **error)
{
  if (value < min || value > max)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--%s must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                   name, min, max);
      return FALSE;
    }
  return TRUE;
}

static char *
find_demo_directory (void)
{
  const char *env = g_getenv ("CALLBOARD_DATA_DIR");
  const char *candidates[] = { env, PKGDATADIR, SOURCE_ROOT "/data" };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *path = NULL;

      if (candidates[i] == NULL)
        continue;
      path = g_build_filename (candidates[i], "demo-directory.json", NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return NULL;
}

gboolean
cb_server_config_prepare_demo (CbServerConfig  *config,
                               GError         **error)
{
  g_autofree char *tmp = NULL;

  config->demo = TRUE;
  config->fast_hash = TRUE;
  g_free (config->listen);
  config->listen = g_strdup ("127.0.0.1");

  tmp = g_dir_make_tmp ("callboardd-demo-XXXXXX", error);
  if (tmp == NULL)
    return FALSE;
  g_free (config->database);
  config->database = g_build_filename (tmp, "demo.db", NULL);
  config->demo_dir = g_steal_pointer (&tmp);

  if (config->import == NULL)
    {
      config->import = find_demo_directory ();
      if (config->import == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "demo-directory.json not found in $CALLBOARD_DATA_DIR, "
                               PKGDATADIR " or " SOURCE_ROOT "/data");
          return FALSE;
        }
    }
  return TRUE;
}

void
cb_server_config_cleanup_demo (CbServerConfig *config)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (config->demo_dir == NULL)
    return;

  /* The demo database is SQLite with its -wal and -shm companions: remove
   * whatever is in the directory, it was created empty by us. */
  dir = g_dir_open (config->demo_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (config->demo_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (config->demo_dir);
  g_clear_pointer (&config->demo_dir, g_free);
}

gboolean
cb_server_config_parse_args (CbServerConfig   *config,
                             int              *argc,
                             char           ***argv,
                             GError          **error)
{
  Flags f = {
    .port = -1, .max_body = -1, .max_announcement = -1, .token_lifetime = -1, .keepalive = -1,
    .max_backlog = -1, .event_retention = -1, .failures_before_delay = -1,
    .max_failures = -1, .failure_window = -1, .simulation_interval = -1, .simulation_rate = -1,
    .max_address_failures = -1, .password_checks = -1, .password_queue = -1,
    .request_timeout = -1, .idle_timeout = -1, .max_streams_per_user = -1,
    .max_backlog_bytes = -1,
    .sip_port = -1, .sip_tls_port = -1, .call_interval = -1, .subscribe_min_expires = -1, .subscribe_max_expires = -1,
    .max_subscriptions = -1, .max_device_subscriptions = -1,
    .max_call_setups = -1, .max_call_rate = -1,
  };
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &f.config_file, "Read settings from FILE (keyfile)", "FILE" },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &f.listen, "Address to listen on (default 127.0.0.1)", "ADDRESS" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &f.port, "Port (default 8480, 0: any free port)", "PORT" },
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &f.database, "SQLite database file", "FILE" },
    { "tls-certificate", 0, 0, G_OPTION_ARG_FILENAME, &f.tls_certificate, "PEM certificate: serve https", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &f.tls_key, "PEM private key of the certificate", "FILE" },
    { "tls-priority", 0, 0, G_OPTION_ARG_STRING, &f.tls_priority, "GnuTLS priority string (default: TLS 1.2 and 1.3, forward-secret AEAD suites)", "PRIORITY" },
    { "default-level", 0, 0, G_OPTION_ARG_STRING, &f.default_level, "Level every user has towards every other (default public)", "LEVEL" },
    { "import", 'i', 0, G_OPTION_ARG_FILENAME, &f.import, "Import a directory JSON file at start", "FILE" },
    { "import-only", 0, 0, G_OPTION_ARG_NONE, &f.import_only, "Exit after --import", NULL },
    { "max-body", 0, 0, G_OPTION_ARG_INT64, &f.max_body, "Largest request body in bytes (default 65536)", "BYTES" },
    { "max-announcement", 0, 0, G_OPTION_ARG_INT64, &f.max_announcement, "Largest announcement upload in bytes (default 2097152)", "BYTES" },
    { "request-timeout", 0, 0, G_OPTION_ARG_INT, &f.request_timeout, "Seconds a connection has to send a whole request (default 10)", "SECONDS" },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &f.idle_timeout, "Seconds an answered connection may stay silent (default 60)", "SECONDS" },
    { "max-streams-per-user", 0, 0, G_OPTION_ARG_INT, &f.max_streams_per_user, "Event streams per user; more close the oldest (default 10)", "N" },
    { "max-backlog-bytes", 0, 0, G_OPTION_ARG_INT64, &f.max_backlog_bytes, "Bytes of events unacknowledged or unsent before a client is dropped (default 4 MiB)", "BYTES" },
    { "token-lifetime", 0, 0, G_OPTION_ARG_INT64, &f.token_lifetime, "Session lifetime in seconds (default 7 days)", "SECONDS" },
    { "keepalive", 0, 0, G_OPTION_ARG_INT, &f.keepalive, "WebSocket ping interval in seconds (default 20)", "SECONDS" },
    { "max-backlog", 0, 0, G_OPTION_ARG_INT, &f.max_backlog, "Unacknowledged events before a client is dropped (default 5000)", "EVENTS" },
    { "event-retention", 0, 0, G_OPTION_ARG_INT, &f.event_retention, "Events kept for resuming (default 100000)", "EVENTS" },
    { "failures-before-delay", 0, 0, G_OPTION_ARG_INT, &f.failures_before_delay, "Failed sign-ins before answers are delayed (default 3)", "N" },
    { "max-failures", 0, 0, G_OPTION_ARG_INT, &f.max_failures, "Failed sign-ins of one user name from one address before 429 (default 10)", "N" },
    { "max-address-failures", 0, 0, G_OPTION_ARG_INT, &f.max_address_failures, "Failed sign-ins from one address, any names, before 429 (default 100)", "N" },
    { "failure-window", 0, 0, G_OPTION_ARG_INT, &f.failure_window, "Seconds a failed sign-in counts (default 900)", "SECONDS" },
    { "password-checks", 0, 0, G_OPTION_ARG_INT, &f.password_checks, "Password checks at once (default: processors, at most 4)", "N" },
    { "password-queue", 0, 0, G_OPTION_ARG_INT, &f.password_queue, "Sign-ins waiting for a check before 503 (default 32)", "N" },
    { "fast-hash", 0, 0, G_OPTION_ARG_NONE, &f.fast_hash, "Cheap password hashes (tests, benchmarks, demo only)", NULL },
    { "sip-port", 0, 0, G_OPTION_ARG_INT, &f.sip_port, "SIP port, UDP and TCP (default 5060, 0: any free port)", "PORT" },
    { "sip-tls-port", 0, 0, G_OPTION_ARG_INT, &f.sip_tls_port, "SIP over TLS port, with --tls-certificate (default 5061, 0: any free port)", "PORT" },
    { "sip-require-encryption", 0, 0, G_OPTION_ARG_NONE, &f.sip_require_encryption, "Refuse calls whose media is not SRTP (488)", NULL },
    { "subscribe-min-expires", 0, 0, G_OPTION_ARG_INT, &f.subscribe_min_expires, "Shortest SIP subscription granted (default 60)", "SECONDS" },
    { "subscribe-max-expires", 0, 0, G_OPTION_ARG_INT, &f.subscribe_max_expires, "Longest SIP subscription granted (default 3600)", "SECONDS" },
    { "max-subscriptions", 0, 0, G_OPTION_ARG_INT, &f.max_subscriptions, "SIP subscriptions in all (default 10000)", "N" },
    { "max-subscriptions-per-device", 0, 0, G_OPTION_ARG_INT, &f.max_device_subscriptions, "SIP subscriptions from one device (default 200)", "N" },
    { "max-call-setups", 0, 0, G_OPTION_ARG_INT, &f.max_call_setups, "Calls being set up at once, then new ones get 503 (default 1000, 0: no limit)", "N" },
    { "max-call-rate", 0, 0, G_OPTION_ARG_INT, &f.max_call_rate, "New calls per second, then 503 (default 0: no limit)", "N" },
    { "trunk", 0, 0, G_OPTION_ARG_STRING, &f.trunk, "Upstream SIP proxy for external numbers", "sip:HOST:PORT" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &f.demo, "Demo: loopback, temporary database, demo directory, simulated colleagues", NULL },
    { "no-simulation", 0, 0, G_OPTION_ARG_NONE, &f.no_simulation, "Demo without simulated colleagues", NULL },
    { "simulation-interval", 0, 0, G_OPTION_ARG_INT, &f.simulation_interval, "Milliseconds between simulated changes (default 3000)", "MS" },
    { "simulation-rate", 0, 0, G_OPTION_ARG_INT, &f.simulation_rate, "Simulated changes per second, for load tests (overrides the interval)", "N" },
    { "call-interval", 0, 0, G_OPTION_ARG_INT, &f.call_interval, "Mean milliseconds between simulated calls (default 40000, 0: none)", "MS" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— the Callboard server");
  gboolean ok = FALSE;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, error))
    goto out;

  if (f.config_file != NULL)
    {
      config->config_file = g_strdup (f.config_file);
      if (!cb_server_config_load_file (config, f.config_file, error))
        {
          g_prefix_error (error, "%s: ", f.config_file);
          goto out;
        }
    }

  if (f.listen != NULL)
    replace_str (&config->listen, f.listen);
  if (f.port != -1)
    {
      if (!check_range ("port", f.port, 0, 65535, error))
        goto out;
      config->port = f.port;
    }
  if (f.sip_port != -1)
    {
      if (!check_range ("sip-port", f.sip_port, 0, 65535, error))
        goto out;
      config->sip_port = f.sip_port;
      config->sip_port_set = TRUE;
    }
  if (f.sip_tls_port != -1)
    {
      if (!check_range ("sip-tls-port", f.sip_tls_port, 0, 65535, error))
        goto out;
      config->sip_tls_port = f.sip_tls_port;
      config->sip_tls_port_set = TRUE;
    }
  if (f.sip_require_encryption)
    config->sip_require_encryption = TRUE;
  if (f.subscribe_min_expires != -1)
    {
      if (!check_range ("subscribe-min-expires", f.subscribe_min_expires, 1, 86400, error))
        goto out;
      config->sip_subscribe_min_expires = f.subscribe_min_expires;
    }
  if (f.subscribe_max_expires != -1)
    {
      if (!check_range ("subscribe-max-expires", f.subscribe_max_expires, 1, 86400, error))
        goto out;
      config->sip_subscribe_max_expires = f.subscribe_max_expires;
    }
  if (config->sip_subscribe_max_expires < config->sip_subscribe_min_expires)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--subscribe-max-expires is less than --subscribe-min-expires");
      goto out;
    }
  if (f.max_subscriptions != -1)
    {
      if (!check_range ("max-subscriptions", f.max_subscriptions, 1, 1000000, error))
        goto out;
      config->sip_max_subscriptions = f.max_subscriptions;
    }
  if (f.max_device_subscriptions != -1)
    {
      if (!check_range ("max-subscriptions-per-device", f.max_device_subscriptions, 1, 1000000, error))
        goto out;
      config->sip_max_device_subscriptions = f.max_device_subscriptions;
    }
  if (f.max_call_setups != -1)
    {
      if (!check_range ("max-call-setups", f.max_call_setups, 0, 1000000, error))
        goto out;
      config->sip_max_call_setups = f.max_call_setups;
    }
  if (f.max_call_rate != -1)
    {
      if (!check_range ("max-call-rate", f.max_call_rate, 0, 1000000, error))
        goto out;
      config->sip_max_call_rate = f.max_call_rate;
    }
  if (f.trunk != NULL)
    {
      if (!check_trunk_proxy (f.trunk, error))
        goto out;
      replace_str (&config->trunk_proxy, f.trunk);
    }
  if (f.database != NULL)
    replace_str (&config->database, f.database);
  if (f.tls_certificate != NULL)
    replace_str (&config->tls_certificate, f.tls_certificate);
  if (f.tls_key != NULL)
    replace_str (&config->tls_key, f.tls_key);
  if (f.tls_priority != NULL)
    replace_str (&config->tls_priority, f.tls_priority);
  if (f.default_level != NULL && !parse_level (f.default_level, &config->default_level, error))
    goto out;
  if (f.import != NULL)
    replace_str (&config->import, f.import);
  if (f.import_only)
    config->import_only = TRUE;
  if (f.max_body != -1)
    {
      if (!check_range ("max-body", f.max_body, 1, G_MAXINT32, error))
        goto out;
      config->max_body = f.max_body;
    }
  if (f.max_announcement != -1)
    {
      if (!check_range ("max-announcement", f.max_announcement, 1, G_MAXINT32, error))
        goto out;
      config->max_announcement = f.max_announcement;
    }
  if (f.request_timeout != -1)
    {
      if (!check_range ("request-timeout", f.request_timeout, 1, 3600, error))
        goto out;
      config->request_timeout = f.request_timeout;
    }
  if (f.idle_timeout != -1)
    {
      if (!check_range ("idle-timeout", f.idle_timeout, 1, 86400, error))
        goto out;
      config->idle_timeout = f.idle_timeout;
    }
  if (f.max_streams_per_user != -1)
    {
      if (!check_range ("max-streams-per-user", f.max_streams_per_user, 1, 100000, error))
        goto out;
      config->max_streams_per_user = f.max_streams_per_user;
    }
  if (f.max_backlog_bytes != -1)
    {
      if (!check_range ("max-backlog-bytes", f.max_backlog_bytes, 4096, G_MAXINT32, error))
        goto out;
      config->max_backlog_bytes = f.max_backlog_bytes;
    }
  if (f.token_lifetime != -1)
    {
      if (!check_range ("token-lifetime", f.token_lifetime, 1, G_MAXINT32, error))
        goto out;
      config->token_lifetime = f.token_lifetime;
    }
  if (f.keepalive != -1)
    {
      if (!check_range ("keepalive", f.keepalive, 1, 3600, error))
        goto out;
      config->keepalive = f.keepalive;
    }
  if (f.max_backlog != -1)
    {
      if (!check_range ("max-backlog", f.max_backlog, 1, G_MAXINT32, error))
        goto out;
      config->max_backlog = f.max_backlog;
    }
  if (f.event_retention != -1)
    {
      if (!check_range ("event-retention", f.event_retention, 1, G_MAXINT32, error))
        goto out;
      config->event_retention = f.event_retention;
    }
  if (f.failures_before_delay != -1)
    {
      if (!check_range ("failures-before-delay", f.failures_before_delay, 0, 1000, error))
        goto out;
      config->failures_before_delay = f.failures_before_delay;
    }
  if (f.max_failures != -1)
    {
      if (!check_range ("max-failures", f.max_failures, 1, 100000, error))
        goto out;
      config->max_failures = f.max_failures;
    }
  if (f.max_address_failures != -1)
    {
      if (!check_range ("max-address-failures", f.max_address_failures, 1, 1000000, error))
        goto out;
      config->max_address_failures = f.max_address_failures;
    }
  if (f.password_checks != -1)
    {
      if (!check_range ("password-checks", f.password_checks, 1, 256, error))
        goto out;
      config->password_checks = f.password_checks;
    }
  if (f.password_queue != -1)
    {
      if (!check_range ("password-queue", f.password_queue, 0, 100000, error))
        goto out;
      config->password_queue = f.password_queue;
    }
  if (f.failure_window != -1)
    {
      if (!check_range ("failure-window", f.failure_window, 1, G_MAXINT32, error))
        goto out;
      config->failure_window = f.failure_window;
    }
  if (f.fast_hash)
    config->fast_hash = TRUE;
  if (f.simulation_interval != -1)
    {
      if (!check_range ("simulation-interval", f.simulation_interval, 10, 3600000, error))
        goto out;
      config->simulation_interval_ms = f.simulation_interval;
    }
  if (f.simulation_rate != -1)
    {
      if (!check_range ("simulation-rate", f.simulation_rate, 0, 100000, error))
        goto out;
      config->simulation_rate = f.simulation_rate;
    }
  if (f.call_interval != -1)
    {
      if (!check_range ("call-interval", f.call_interval, 0, 3600000, error))
        goto out;
      config->call_interval_ms = f.call_interval;
    }
  if (f.no_simulation)
    config->simulation = FALSE;

  if (f.demo)
    {
      /* The demo wants a free port unless one was asked for explicitly. */
      gboolean port_given = f.port != -1;

      if (!port_given && config->config_file != NULL)
        {
          g_autoptr(GKeyFile) keyfile = g_key_file_new ();
          port_given = g_key_file_load_from_file (keyfile, config->config_file, 0, NULL) &&
                       g_key_file_has_key (keyfile, "server", "port", NULL);
        }
      if (!port_given)
        config->port = 0;
      if (!cb_server_config_prepare_demo (config, error))
        goto out;
    }
  else
    {
      /* Simulated colleagues only make sense on demo data. */
      config->simulation = FALSE;
    }

  if ((config->tls_certificate == NULL) != (config->tls_key == NULL))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--tls-certificate and --tls-key go together");
      goto out;
    }
  if (config->import_only && config->import == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--import-only needs --import FILE");
      goto out;
    }

  ok = TRUE;

out:
  flags_clear (&f);
  return ok;
}
