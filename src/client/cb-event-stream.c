/* cb-event-stream.c: one connection of the WebSocket event stream
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A closed or dropped WebSocket is released from an idle callback, never
 * from inside its own signal emission.
 */

#define G_LOG_DOMAIN "cb-event-stream"

#include "config.h"

#include "cb-event-stream.h"

#define TIMEOUT_MS_DEFAULT 65000
#define WATCHDOG_INTERVAL_MS 5000

struct _CbEventStream
{
  GObject                  parent_instance;

  CbRestClient            *rest;
  SoupWebsocketConnection *ws;
  gint64                   seq;
  guint                    timeout_ms;
  guint                    watchdog_source;
  gint64                   last_frame_us;   /* monotonic */
  gint64                   longest_gap_us;
};

G_DEFINE_FINAL_TYPE (CbEventStream, cb_event_stream, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SEQ,
  PROP_TIMEOUT_MS,
  N_PROPS
};

enum {
  SIGNAL_EVENT,
  SIGNAL_UNKNOWN_EVENT,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
release_cb (gpointer data)
{
  return G_SOURCE_REMOVE;  /* the destroy notify does the work */
}

static void
unref_later (gpointer object)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, release_cb, object, g_object_unref);
}

static void
on_stale_ws_closed (SoupWebsocketConnection *ws,
                    gpointer                 user_data)
{
  unref_later (ws);
}

/* Detaches the WebSocket and lets it finish closing in the background. */
static void
drop_websocket (CbEventStream *self)
{
  SoupWebsocketConnection *ws = g_steal_pointer (&self->ws);

  g_clear_handle_id (&self->watchdog_source, g_source_remove);
  if (ws == NULL)
    return;

  g_signal_handlers_disconnect_by_data (ws, self);
  if (soup_websocket_connection_get_state (ws) == SOUP_WEBSOCKET_STATE_CLOSED)
    {
      unref_later (ws);
      return;
    }

  g_signal_connect (ws, "closed", G_CALLBACK (on_stale_ws_closed), NULL);
  if (soup_websocket_connection_get_state (ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
}

/* The end of the connection, reported once. */
static void
report_closed (CbEventStream *self,
               const char    *reason)
{
  g_autoptr(CbEventStream) hold = g_object_ref (self);

  drop_websocket (self);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0, reason);
}

static void
send_pong (CbEventStream *self)
{
  g_autofree char *text = NULL;

  if (self->ws == NULL ||
      soup_websocket_connection_get_state (self->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  text = cb_wire_frame_pong (self->seq);
  soup_websocket_connection_send_text (self->ws, text);
}

static void
on_ws_message (SoupWebsocketConnection *ws,
               SoupWebsocketDataType    type,
               GBytes                  *message,
               gpointer                 user_data)
{
  CbEventStream *self = user_data;
  g_autoptr(CbEventStream) hold = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(CbWireFrame) frame = { 0 };
  const char *data;
  gint64 now;
  gsize length;

  now = g_get_monotonic_time ();
  self->longest_gap_us = MAX (self->longest_gap_us, now - self->last_frame_us);
  self->last_frame_us = now;

  data = g_bytes_get_data (message, &length);
  if (!cb_wire_frame_parse (data, length, &frame, &error))
    {
      /* A frame we cannot read is a server bug; skipping it is all a
       * client can do, and resuming later would not fix it. */
      g_warning ("Ignoring an unreadable event frame: %s", error->message);
      return;
    }

  /* A handler may drop the last reference to the stream. */
  hold = g_object_ref (self);
  switch (frame.kind)
    {
    case CB_WIRE_FRAME_PING:
      send_pong (self);
      break;
    case CB_WIRE_FRAME_EVENT:
      g_signal_emit (self, signals[SIGNAL_EVENT], 0, frame.seq, frame.type, frame.data);
      break;
    case CB_WIRE_FRAME_UNKNOWN:
      g_signal_emit (self, signals[SIGNAL_UNKNOWN_EVENT], 0, frame.seq);
      break;
    case CB_WIRE_FRAME_PONG:
    default:
      break;
    }
}

static void
on_ws_error (SoupWebsocketConnection *ws,
             GError                  *error,
             gpointer                 user_data)
{
  g_debug ("Event stream error: %s", error->message);
}

static void
on_ws_closed (SoupWebsocketConnection *ws,
              gpointer                 user_data)
{
  CbEventStream *self = user_data;
  g_autofree char *reason = NULL;
  gushort code = soup_websocket_connection_get_close_code (ws);

  /* 4000: missed pongs; 4008: too slow. Both are worth a plain resume. */
  if (code != 0)
    reason = g_strdup_printf ("The event stream was closed (code %u)", code);
  else
    reason = g_strdup ("The connection to the server was lost");
  report_closed (self, reason);
}

static gboolean
on_watchdog (gpointer user_data)
{
  CbEventStream *self = user_data;
  gint64 limit = MAX ((gint64) self->timeout_ms * 1000, 3 * self->longest_gap_us);

  if (g_get_monotonic_time () - self->last_frame_us < limit)
    return G_SOURCE_CONTINUE;

  self->watchdog_source = 0;
  g_debug ("No frame from the server for %" G_GINT64_FORMAT " s", limit / G_USEC_PER_SEC);
  report_closed (self, "The server stopped answering");
  return G_SOURCE_REMOVE;
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CbEventStream *self = g_task_get_source_object (task);
  GError *error = NULL;
  SoupWebsocketConnection *ws;

  ws = cb_rest_client_connect_events_finish (CB_REST_CLIENT (source), result, &error);
  if (ws == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  self->ws = ws;
  g_signal_connect (ws, "message", G_CALLBACK (on_ws_message), self);
  g_signal_connect (ws, "error", G_CALLBACK (on_ws_error), self);
  g_signal_connect (ws, "closed", G_CALLBACK (on_ws_closed), self);
  self->last_frame_us = g_get_monotonic_time ();
  self->longest_gap_us = 0;
  self->watchdog_source = g_timeout_add (MIN (WATCHDOG_INTERVAL_MS, self->timeout_ms / 2 + 1),
                                         on_watchdog, self);
  g_task_return_boolean (task, TRUE);
}

void
cb_event_stream_connect_async (CbEventStream       *self,
                               gint64               since,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CB_IS_EVENT_STREAM (self));
  g_return_if_fail (self->ws == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cb_event_stream_connect_async);
  cb_event_stream_set_seq (self, since);
  cb_rest_client_connect_events_async (self->rest, since, cancellable, on_connected, task);
}

gboolean
cb_event_stream_connect_finish (CbEventStream  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
cb_event_stream_close (CbEventStream *self)
{
  g_return_if_fail (CB_IS_EVENT_STREAM (self));
  drop_websocket (self);
}

gint64
cb_event_stream_get_seq (CbEventStream *self)
{
  g_return_val_if_fail (CB_IS_EVENT_STREAM (self), 0);
  return self->seq;
}

void
cb_event_stream_set_seq (CbEventStream *self,
                         gint64         seq)
{
  g_return_if_fail (CB_IS_EVENT_STREAM (self));

  if (self->seq == seq)
    return;
  self->seq = seq;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEQ]);
}

/* --- GObject --- */

static void
cb_event_stream_dispose (GObject *object)
{
  CbEventStream *self = CB_EVENT_STREAM (object);

  drop_websocket (self);
  g_clear_object (&self->rest);

  G_OBJECT_CLASS (cb_event_stream_parent_class)->dispose (object);
}

static void
cb_event_stream_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CbEventStream *self = CB_EVENT_STREAM (object);

  switch (prop_id)
    {
    case PROP_SEQ:
      g_value_set_int64 (value, self->seq);
      break;
    case PROP_TIMEOUT_MS:
      g_value_set_uint (value, self->timeout_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_event_stream_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CbEventStream *self = CB_EVENT_STREAM (object);

  switch (prop_id)
    {
    case PROP_SEQ:
      cb_event_stream_set_seq (self, g_value_get_int64 (value));
      break;
    case PROP_TIMEOUT_MS:
      if (self->timeout_ms != g_value_get_uint (value))
        {
          self->timeout_ms = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_event_stream_class_init (CbEventStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = cb_event_stream_dispose;
  object_class->get_property = cb_event_stream_get_property;
  object_class->set_property = cb_event_stream_set_property;

  properties[PROP_SEQ] = g_param_spec_int64 ("seq", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_TIMEOUT_MS] =
    g_param_spec_uint ("timeout-ms", NULL, NULL, 1, G_MAXUINT, TIMEOUT_MS_DEFAULT, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT64, CB_TYPE_EVENT_TYPE, JSON_TYPE_OBJECT);
  signals[SIGNAL_UNKNOWN_EVENT] =
    g_signal_new ("unknown-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
cb_event_stream_init (CbEventStream *self)
{
  const char *value = g_getenv ("CALLBOARD_STREAM_TIMEOUT_MS");
  guint64 parsed;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &parsed, NULL))
    self->timeout_ms = (guint) parsed;
  else
    self->timeout_ms = TIMEOUT_MS_DEFAULT;
}

CbEventStream *
cb_event_stream_new (CbRestClient *rest)
{
  CbEventStream *self;

  g_return_val_if_fail (CB_IS_REST_CLIENT (rest), NULL);

  self = g_object_new (CB_TYPE_EVENT_STREAM, NULL);
  self->rest = g_object_ref (rest);
  return self;
}
