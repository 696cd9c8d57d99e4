/* cb-network-watch.c: tells when the network changed or the computer woke up
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-network-watch"

#include "config.h"

#include "cb-network-watch.h"

#define SETTLE_MS_DEFAULT 500

#define LOGIND_NAME      "org.freedesktop.login1"
#define LOGIND_PATH      "/org/freedesktop/login1"
#define LOGIND_INTERFACE "org.freedesktop.login1.Manager"

struct _CbNetworkWatch
{
  GObject          parent_instance;

  GNetworkMonitor *monitor;
  GDBusConnection *system_bus;
  GCancellable    *cancellable;   /* looking for the system bus */
  guint            sleep_subscription;
  guint            settle_ms;
  guint            settle_source;
  char            *pending_reason;
};

G_DEFINE_FINAL_TYPE (CbNetworkWatch, cb_network_watch, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SETTLE_MS,
  N_PROPS
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
on_settled (gpointer user_data)
{
  CbNetworkWatch *self = user_data;
  g_autofree char *reason = g_steal_pointer (&self->pending_reason);

  self->settle_source = 0;
  g_debug ("Changed: %s", reason);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, reason);
  return G_SOURCE_REMOVE;
}

/* Waking up wins over a network change in the same burst: it says more. */
static void
note_change (CbNetworkWatch *self,
             const char     *reason)
{
  if (self->pending_reason == NULL || g_str_equal (reason, "resume"))
    {
      g_free (self->pending_reason);
      self->pending_reason = g_strdup (reason);
    }
  g_clear_handle_id (&self->settle_source, g_source_remove);
  self->settle_source = g_timeout_add (self->settle_ms, on_settled, self);
}

static void
on_network_changed (CbNetworkWatch  *self,
                    gboolean         available,
                    GNetworkMonitor *monitor)
{
  /* Nothing to re-register over while there is no network; its return
   * is a change of its own. */
  if (available)
    note_change (self, "network");
}

static void
on_prepare_for_sleep (GDBusConnection *connection,
                      const char      *sender,
                      const char      *path,
                      const char      *interface,
                      const char      *signal,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  CbNetworkWatch *self = user_data;
  gboolean sleeping = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &sleeping);
  g_debug ("PrepareForSleep (%s)", sleeping ? "true" : "false");
  if (!sleeping)
    note_change (self, "resume");
}

static void
watch_system_bus (CbNetworkWatch  *self,
                  GDBusConnection *bus)
{
  self->system_bus = g_object_ref (bus);
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (bus, LOGIND_NAME, LOGIND_INTERFACE, "PrepareForSleep",
                                        LOGIND_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_prepare_for_sleep, self, NULL);
}

static void
on_system_bus (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);
  CbNetworkWatch *self;

  if (bus == NULL)
    {
      /* A container or a test: no resume signal, the monitor still works. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No system bus: %s", error->message);
      return;
    }
  self = user_data;
  watch_system_bus (self, bus);
}

static void
cb_network_watch_dispose (GObject *object)
{
  CbNetworkWatch *self = CB_NETWORK_WATCH (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->settle_source, g_source_remove);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  if (self->system_bus != NULL && self->sleep_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_object (&self->system_bus);

  G_OBJECT_CLASS (cb_network_watch_parent_class)->dispose (object);
}

static void
cb_network_watch_finalize (GObject *object)
{
  CbNetworkWatch *self = CB_NETWORK_WATCH (object);

  g_free (self->pending_reason);

  G_OBJECT_CLASS (cb_network_watch_parent_class)->finalize (object);
}

static void
cb_network_watch_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CbNetworkWatch *self = CB_NETWORK_WATCH (object);

  switch (prop_id)
    {
    case PROP_SETTLE_MS:
      g_value_set_uint (value, self->settle_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_network_watch_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CbNetworkWatch *self = CB_NETWORK_WATCH (object);

  switch (prop_id)
    {
    case PROP_SETTLE_MS:
      if (self->settle_ms != g_value_get_uint (value))
        {
          self->settle_ms = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_network_watch_class_init (CbNetworkWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_network_watch_dispose;
  object_class->finalize = cb_network_watch_finalize;
  object_class->get_property = cb_network_watch_get_property;
  object_class->set_property = cb_network_watch_set_property;

  properties[PROP_SETTLE_MS] =
    g_param_spec_uint ("settle-ms", NULL, NULL, 0, G_MAXUINT, SETTLE_MS_DEFAULT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
cb_network_watch_init (CbNetworkWatch *self)
{
  self->settle_ms = SETTLE_MS_DEFAULT;
  self->cancellable = g_cancellable_new ();
}

CbNetworkWatch *
cb_network_watch_new (GNetworkMonitor *monitor,
                      GDBusConnection *system_bus)
{
  CbNetworkWatch *self;

  g_return_val_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor), NULL);
  g_return_val_if_fail (system_bus == NULL || G_IS_DBUS_CONNECTION (system_bus), NULL);

  self = g_object_new (CB_TYPE_NETWORK_WATCH, NULL);
  self->monitor = g_object_ref (monitor != NULL ? monitor : g_network_monitor_get_default ());
  g_signal_connect_object (self->monitor, "network-changed", G_CALLBACK (on_network_changed),
                           self, G_CONNECT_SWAPPED);
  if (system_bus != NULL)
    watch_system_bus (self, system_bus);
  else
    /* The callback's self outlives the request: dispose cancels it first. */
    g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, on_system_bus, self);
  return self;
}
