/* cb-server.c: callboardd put together: store, auth, directory, events, routes
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-server"

#include "cb-api.h"
#include "cb-api-events.h"
#include "cb-demo-phones.h"
#include "cb-demo-simulator.h"
#include "cb-directory-import.h"
#include "cb-http-server.h"
#include "cb-note-expiry.h"
#include "cb-password.h"
#include "cb-server.h"
#include "cb-sqlite-store.h"

/* Trimming the log and forgetting old failures: cheap, not urgent. */
#define MAINTENANCE_INTERVAL_S 60

struct _CbServer
{
  GObject               parent_instance;

  const CbServerConfig *config;
  CbStore              *store;
  CbAuth               *auth;
  CbDirectory          *directory;
  CbEventLog           *log;
  CbChanges            *changes;
  CbNoteExpiry         *note_expiry;
  CbEventHub           *hub;
  CbRouter             *router;
  CbHttpServer         *http;
  CbDemoSimulator      *simulator;
  CbDemoPhones         *phones;
  CbSipSettings         sip_settings;
  CbSipServer          *sip;
  CbApi                 api;
  guint                 maintenance_id;
};

G_DEFINE_FINAL_TYPE (CbServer, cb_server, G_TYPE_OBJECT)

static void
cb_server_dispose (GObject *object)
{
  CbServer *self = CB_SERVER (object);

  g_clear_handle_id (&self->maintenance_id, g_source_remove);
  if (self->simulator != NULL)
    cb_demo_simulator_stop (self->simulator);
  g_clear_object (&self->simulator);
  g_clear_object (&self->phones);
  self->api.sip = NULL;
  g_clear_object (&self->sip);
  g_clear_object (&self->http);
  g_clear_object (&self->hub);
  g_clear_object (&self->note_expiry);
  g_clear_object (&self->changes);
  g_clear_object (&self->log);
  g_clear_object (&self->router);
  g_clear_object (&self->directory);
  g_clear_object (&self->auth);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (cb_server_parent_class)->dispose (object);
}

static void
cb_server_class_init (CbServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cb_server_dispose;
}

static void
cb_server_init (CbServer *self)
{
}

static void
maintain (CbServer *self)
{
  g_autoptr(GError) error = NULL;

  if (!cb_store_trim_events (self->store, self->config->event_retention, &error))
    g_message ("Could not trim the event log: %s", error->message);
  cb_auth_prune (self->auth);
}

static gboolean
maintenance_tick (gpointer user_data)
{
  maintain (user_data);
  return G_SOURCE_CONTINUE;
}

CbServer *
cb_server_new (const CbServerConfig  *config,
               GError               **error)
{
  g_autoptr(CbServer) self = g_object_new (CB_TYPE_SERVER, NULL);
  CbSqliteStore *store;

  self->config = config;

  if (!cb_password_init (error))
    return NULL;

  store = cb_sqlite_store_new (config->database, error);
  if (store == NULL)
    {
      g_prefix_error (error, "%s: ", config->database);
      return NULL;
    }
  self->store = CB_STORE (store);

  if (config->import != NULL)
    {
      guint n_users = 0;
      guint n_groups = 0;

      if (!cb_directory_import_file (self->store, config->import, config->fast_hash,
                                     &n_users, &n_groups, error))
        return NULL;
      g_message ("Imported %u users and %u groups from %s", n_users, n_groups, config->import);
    }

  self->directory = cb_directory_new (config->default_level);
  if (!cb_directory_load (self->directory, self->store, error))
    return NULL;

  self->auth = cb_auth_new (self->store, config);
  self->log = cb_event_log_new (self->store, config->event_retention);
  self->changes = cb_changes_new (self->store, self->directory, self->log);
  self->note_expiry = cb_note_expiry_new (self->changes, NULL);
  self->hub = cb_event_hub_new (self->store, self->directory, self->log, self->auth, config);
  self->router = cb_router_new ();

  self->api.config = config;
  self->api.store = self->store;
  self->api.auth = self->auth;
  self->api.directory = self->directory;
  self->api.changes = self->changes;
  self->api.hub = self->hub;
  cb_api_register_all (self->router, &self->api);

  return g_steal_pointer (&self);
}

/* SIP on the configured port; the default port being taken is not fatal
 * (a second server on one machine, tests), an explicit one is. */
static gboolean
start_sip (CbServer  *self,
           GError   **error)
{
  const CbServerConfig *config = self->config;
  const char *address = config->sip_listen != NULL ? config->sip_listen : config->listen;
  g_autoptr(GError) local_error = NULL;

  self->sip_settings = (CbSipSettings) {
    .realm = config->sip_realm,
    .nonce_lifetime = config->sip_nonce_lifetime,
    .max_expires = config->sip_max_expires,
    .digest_algorithms = (const char * const *) config->sip_digest_algorithms,
    .auth_failures = config->sip_auth_failures,
    .auth_max_block = config->sip_auth_max_block,
    .auth_failure_window = config->sip_auth_failure_window,
    .max_bindings = config->sip_max_bindings,
    .max_forks = config->sip_max_forks,
    .max_external_calls = config->sip_max_external_calls,
    .trunk_proxy = config->trunk_proxy,
    .trunk_prefix = config->trunk_prefix,
    .trunk_caller_id = config->trunk_caller_id,
    .trunk_username = config->trunk_username,
    .trunk_password = config->trunk_password,
    .subscribe_min_expires = config->sip_subscribe_min_expires,
    .subscribe_max_expires = config->sip_subscribe_max_expires,
    .max_subscriptions = config->sip_max_subscriptions,
    .max_device_subscriptions = config->sip_max_device_subscriptions,
    .tls_certificate = config->tls_certificate,
    .tls_key = config->tls_key,
    .tls_port = config->sip_tls_port,
    .tls_port_set = config->sip_tls_port_set,
    .require_encryption = config->sip_require_encryption,
    .max_call_setups = config->sip_max_call_setups,
    .max_call_rate = config->sip_max_call_rate,
  };
  self->sip = cb_sip_server_new (self->changes, &self->sip_settings);
  if (!cb_sip_server_start (self->sip, address, config->sip_port, &local_error))
    {
      g_clear_object (&self->sip);
      if (config->sip_port_set)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "SIP: ");
          return FALSE;
        }
      g_warning ("SIP disabled: %s", local_error->message);
      return TRUE;
    }
  self->api.sip = self->sip;
  return TRUE;
}

gboolean
cb_server_start (CbServer  *self,
                 GError   **error)
{
  g_return_val_if_fail (CB_IS_SERVER (self), FALSE);
  g_return_val_if_fail (self->http == NULL, FALSE);

  self->http = cb_http_server_new (self->router, self->config);
  cb_http_server_add_websocket (self->http, CB_API_EVENTS_PATH, cb_api_events_accept, &self->api);
  if (!cb_http_server_listen (self->http, self->config->listen, self->config->port,
                              self->config->tls_certificate, self->config->tls_key, error))
    {
      g_clear_object (&self->http);
      return FALSE;
    }

  if (!start_sip (self, error))
    {
      g_clear_object (&self->http);
      return FALSE;
    }

  maintain (self);
  self->maintenance_id = g_timeout_add_seconds (MAINTENANCE_INTERVAL_S, maintenance_tick, self);

  if (self->config->demo && self->config->simulation)
    {
      self->simulator = cb_demo_simulator_new (&self->api, self->config->simulation_rate > 0
                                                         ? self->config->simulation_rate
                                                         : 1000.0 / self->config->simulation_interval_ms);
      cb_demo_simulator_start (self->simulator);
      /* The colleagues telephone too, through our own registrar. */
      if (self->sip != NULL)
        {
          g_autofree char *pem = NULL;

          self->phones = cb_demo_phones_new (&self->api, cb_sip_server_get_uri (self->sip),
                                             self->config->call_interval_ms);
          /* With a certificate, they speak SIP over TLS and SRTP. */
          if (cb_sip_server_get_tls_uri (self->sip) != NULL &&
              g_file_get_contents (self->config->tls_certificate, &pem, NULL, NULL))
            cb_demo_phones_use_tls (self->phones, cb_sip_server_get_tls_uri (self->sip), pem);
          cb_demo_phones_start (self->phones);
        }
    }
  return TRUE;
}

void
cb_server_stop (CbServer *self)
{
  g_return_if_fail (CB_IS_SERVER (self));

  g_clear_handle_id (&self->maintenance_id, g_source_remove);
  if (self->simulator != NULL)
    cb_demo_simulator_stop (self->simulator);
  /* Before the registrar: the phones hang up and un-register with it. */
  if (self->phones != NULL)
    cb_demo_phones_stop (self->phones);
  if (self->sip != NULL)
    cb_sip_server_stop (self->sip);
  cb_event_hub_close_all (self->hub);
  if (self->http != NULL)
    cb_http_server_disconnect (self->http);
}

const char *
cb_server_get_url (CbServer *self)
{
  g_return_val_if_fail (CB_IS_SERVER (self), NULL);
  return self->http != NULL ? cb_http_server_get_url (self->http) : NULL;
}

CbRouter *
cb_server_get_router (CbServer *self)
{
  g_return_val_if_fail (CB_IS_SERVER (self), NULL);
  return self->router;
}

CbStore *
cb_server_get_store (CbServer *self)
{
  g_return_val_if_fail (CB_IS_SERVER (self), NULL);
  return self->store;
}

/* "sip:HOST:PORT", or NULL when SIP is not running. */
const char *
cb_server_get_sip_uri (CbServer *self)
{
  g_return_val_if_fail (CB_IS_SERVER (self), NULL);
  return self->sip != NULL ? cb_sip_server_get_uri (self->sip) : NULL;
}

/* "sips:HOST:PORT", or NULL when SIP over TLS is not running. */
const char *
cb_server_get_sips_uri (CbServer *self)
{
  g_return_val_if_fail (CB_IS_SERVER (self), NULL);
  return self->sip != NULL ? cb_sip_server_get_tls_uri (self->sip) : NULL;
}

CbDemoPhones *
cb_server_get_demo_phones (CbServer *self)
{
  g_return_val_if_fail (CB_IS_SERVER (self), NULL);
  return self->phones;
}
