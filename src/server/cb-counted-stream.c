/* cb-counted-stream.c: a connection that counts its bytes and can refuse to read more
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsoup keeps what a client sends and what we send it in buffers we
 * cannot see (a WebSocket message in fragments, frames queued for a
 * client that does not read). Passing every connection through this
 * stream lets the HTTP server and the event hub see the bytes each way
 * and cut a connection off before those buffers grow. The in and out
 * streams are pollable when the base's are, as libsoup requires.
 *
 * Over a plain socket, a half's GSource watches the socket itself: the
 * socket stream's own source would be one more GSource in between, and
 * every open event stream keeps a source attached that each main-loop
 * pass prepares and checks (with 1,000 streams, a third of the time a
 * REST request took before its handler ran).
 */

#define G_LOG_DOMAIN "cb-http"

#include "cb-counted-stream.h"

#define WEBSOCKET_KEY "cb-counted-stream"

/* Shared by the stream and its two halves, which may outlive it. */
typedef struct {
  guint64 bytes_read;
  guint64 bytes_written;
  guint64 read_limit;
  gint64  last_activity;
} Counters;

/* ---- the input half ------------------------------------------------------ */

#define CB_TYPE_COUNTED_INPUT (cb_counted_input_get_type ())
G_DECLARE_FINAL_TYPE (CbCountedInput, cb_counted_input, CB, COUNTED_INPUT, GInputStream)

struct _CbCountedInput
{
  GInputStream  parent_instance;
  GInputStream *base;
  GSocket      *socket;      /* the base's, when it is a socket's stream */
  Counters     *counters;
};

static void cb_counted_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CbCountedInput, cb_counted_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      cb_counted_input_pollable_init))

/* How much a read may ask for; 0 with error set once the limit is hit. */
static gsize
allowed (Counters  *counters,
         gsize      count,
         GError   **error)
{
  guint64 left;

  if (counters->read_limit == 0)
    return count;
  if (counters->bytes_read >= counters->read_limit)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                           "The client sent more than it may");
      return 0;
    }
  left = counters->read_limit - counters->bytes_read;
  return MIN (count, left);
}

static gssize
counted_read (Counters *counters,
              gssize    n)
{
  if (n > 0)
    {
      counters->bytes_read += n;
      counters->last_activity = g_get_monotonic_time ();
    }
  return n;
}

static gssize
cb_counted_input_read (GInputStream  *stream,
                       void          *buffer,
                       gsize          count,
                       GCancellable  *cancellable,
                       GError       **error)
{
  CbCountedInput *self = CB_COUNTED_INPUT (stream);

  count = allowed (self->counters, count, error);
  if (count == 0)
    return -1;
  return counted_read (self->counters, g_input_stream_read (self->base, buffer, count, cancellable, error));
}

static gboolean
cb_counted_input_close (GInputStream  *stream,
                        GCancellable  *cancellable,
                        GError       **error)
{
  /* The base is closed with the whole connection. */
  return TRUE;
}

static gboolean
cb_counted_input_can_poll (GPollableInputStream *stream)
{
  CbCountedInput *self = CB_COUNTED_INPUT (stream);

  return G_IS_POLLABLE_INPUT_STREAM (self->base) &&
         g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (self->base));
}

static gboolean
cb_counted_input_is_readable (GPollableInputStream *stream)
{
  CbCountedInput *self = CB_COUNTED_INPUT (stream);

  return g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

static GSource *
cb_counted_input_create_source (GPollableInputStream *stream,
                                GCancellable         *cancellable)
{
  CbCountedInput *self = CB_COUNTED_INPUT (stream);
  g_autoptr(GSource) base_source = NULL;

  if (self->socket != NULL)
    base_source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  else
    base_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base), NULL);
  return g_pollable_source_new_full (stream, base_source, cancellable);
}

static gssize
cb_counted_input_read_nonblocking (GPollableInputStream  *stream,
                                   void                  *buffer,
                                   gsize                  count,
                                   GError               **error)
{
  CbCountedInput *self = CB_COUNTED_INPUT (stream);

  count = allowed (self->counters, count, error);
  if (count == 0)
    return -1;
  return counted_read (self->counters,
                       g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (self->base),
                                                                 buffer, count, NULL, error));
}

static void
cb_counted_input_finalize (GObject *object)
{
  CbCountedInput *self = CB_COUNTED_INPUT (object);

  g_clear_object (&self->base);
  g_clear_object (&self->socket);
  g_rc_box_release (self->counters);
  G_OBJECT_CLASS (cb_counted_input_parent_class)->finalize (object);
}

static void
cb_counted_input_class_init (CbCountedInputClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cb_counted_input_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = cb_counted_input_read;
  G_INPUT_STREAM_CLASS (klass)->close_fn = cb_counted_input_close;
}

static void
cb_counted_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = cb_counted_input_can_poll;
  iface->is_readable = cb_counted_input_is_readable;
  iface->create_source = cb_counted_input_create_source;
  iface->read_nonblocking = cb_counted_input_read_nonblocking;
}

static void
cb_counted_input_init (CbCountedInput *self)
{
}

/* ---- the output half ----------------------------------------------------- */

#define CB_TYPE_COUNTED_OUTPUT (cb_counted_output_get_type ())
G_DECLARE_FINAL_TYPE (CbCountedOutput, cb_counted_output, CB, COUNTED_OUTPUT, GOutputStream)

struct _CbCountedOutput
{
  GOutputStream  parent_instance;
  GOutputStream *base;
  GSocket       *socket;     /* the base's, when it is a socket's stream */
  Counters      *counters;
};

static void cb_counted_output_pollable_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CbCountedOutput, cb_counted_output, G_TYPE_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      cb_counted_output_pollable_init))

static gssize
counted_write (Counters *counters,
               gssize    n)
{
  if (n > 0)
    {
      counters->bytes_written += n;
      counters->last_activity = g_get_monotonic_time ();
    }
  return n;
}

static gssize
cb_counted_output_write (GOutputStream  *stream,
                         const void     *buffer,
                         gsize           count,
                         GCancellable   *cancellable,
                         GError        **error)
{
  CbCountedOutput *self = CB_COUNTED_OUTPUT (stream);

  return counted_write (self->counters, g_output_stream_write (self->base, buffer, count, cancellable, error));
}

static gboolean
cb_counted_output_flush (GOutputStream  *stream,
                         GCancellable   *cancellable,
                         GError        **error)
{
  CbCountedOutput *self = CB_COUNTED_OUTPUT (stream);

  return g_output_stream_flush (self->base, cancellable, error);
}

static gboolean
cb_counted_output_close (GOutputStream  *stream,
                         GCancellable   *cancellable,
                         GError        **error)
{
  return TRUE;
}

static gboolean
cb_counted_output_can_poll (GPollableOutputStream *stream)
{
  CbCountedOutput *self = CB_COUNTED_OUTPUT (stream);

  return G_IS_POLLABLE_OUTPUT_STREAM (self->base) &&
         g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (self->base));
}

static gboolean
cb_counted_output_is_writable (GPollableOutputStream *stream)
{
  CbCountedOutput *self = CB_COUNTED_OUTPUT (stream);

  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (self->base));
}

static GSource *
cb_counted_output_create_source (GPollableOutputStream *stream,
                                 GCancellable          *cancellable)
{
  CbCountedOutput *self = CB_COUNTED_OUTPUT (stream);
  g_autoptr(GSource) base_source = NULL;

  if (self->socket != NULL)
    base_source = g_socket_create_source (self->socket, G_IO_OUT, NULL);
  else
    base_source = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (self->base), NULL);
  return g_pollable_source_new_full (stream, base_source, cancellable);
}

static gssize
cb_counted_output_write_nonblocking (GPollableOutputStream  *stream,
                                     const void             *buffer,
                                     gsize                   count,
                                     GError                **error)
{
  CbCountedOutput *self = CB_COUNTED_OUTPUT (stream);

  return counted_write (self->counters,
                        g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (self->base),
                                                                    buffer, count, NULL, error));
}

static void
cb_counted_output_finalize (GObject *object)
{
  CbCountedOutput *self = CB_COUNTED_OUTPUT (object);

  g_clear_object (&self->base);
  g_clear_object (&self->socket);
  g_rc_box_release (self->counters);
  G_OBJECT_CLASS (cb_counted_output_parent_class)->finalize (object);
}

static void
cb_counted_output_class_init (CbCountedOutputClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cb_counted_output_finalize;
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = cb_counted_output_write;
  G_OUTPUT_STREAM_CLASS (klass)->flush = cb_counted_output_flush;
  G_OUTPUT_STREAM_CLASS (klass)->close_fn = cb_counted_output_close;
}

static void
cb_counted_output_pollable_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = cb_counted_output_can_poll;
  iface->is_writable = cb_counted_output_is_writable;
  iface->create_source = cb_counted_output_create_source;
  iface->write_nonblocking = cb_counted_output_write_nonblocking;
}

static void
cb_counted_output_init (CbCountedOutput *self)
{
}

/* ---- the connection ------------------------------------------------------ */

struct _CbCountedStream
{
  GIOStream      parent_instance;
  GIOStream     *base;
  GInputStream  *in;
  GOutputStream *out;
  Counters      *counters;
};

G_DEFINE_FINAL_TYPE (CbCountedStream, cb_counted_stream, G_TYPE_IO_STREAM)

static GInputStream *
cb_counted_stream_get_input_stream (GIOStream *stream)
{
  return CB_COUNTED_STREAM (stream)->in;
}

static GOutputStream *
cb_counted_stream_get_output_stream (GIOStream *stream)
{
  return CB_COUNTED_STREAM (stream)->out;
}

static gboolean
cb_counted_stream_close (GIOStream     *stream,
                         GCancellable  *cancellable,
                         GError       **error)
{
  return g_io_stream_close (CB_COUNTED_STREAM (stream)->base, cancellable, error);
}

static void
base_closed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_io_stream_close_finish (G_IO_STREAM (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Not the default (the sync close on a thread): a TLS close is async. */
static void
cb_counted_stream_close_async (GIOStream           *stream,
                               int                  io_priority,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, cb_counted_stream_close_async);
  g_io_stream_close_async (CB_COUNTED_STREAM (stream)->base, io_priority, cancellable,
                           base_closed, task);
}

static gboolean
cb_counted_stream_close_finish (GIOStream     *stream,
                                GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
cb_counted_stream_finalize (GObject *object)
{
  CbCountedStream *self = CB_COUNTED_STREAM (object);

  g_clear_object (&self->in);
  g_clear_object (&self->out);
  g_clear_object (&self->base);
  g_rc_box_release (self->counters);
  G_OBJECT_CLASS (cb_counted_stream_parent_class)->finalize (object);
}

static void
cb_counted_stream_class_init (CbCountedStreamClass *klass)
{
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = cb_counted_stream_finalize;
  stream_class->get_input_stream = cb_counted_stream_get_input_stream;
  stream_class->get_output_stream = cb_counted_stream_get_output_stream;
  stream_class->close_fn = cb_counted_stream_close;
  stream_class->close_async = cb_counted_stream_close_async;
  stream_class->close_finish = cb_counted_stream_close_finish;
}

static void
cb_counted_stream_init (CbCountedStream *self)
{
}

CbCountedStream *
cb_counted_stream_new (GIOStream *base)
{
  CbCountedStream *self;
  CbCountedInput *in;
  CbCountedOutput *out;

  g_return_val_if_fail (G_IS_IO_STREAM (base), NULL);

  self = g_object_new (CB_TYPE_COUNTED_STREAM, NULL);
  self->base = g_object_ref (base);
  self->counters = g_rc_box_new0 (Counters);
  self->counters->last_activity = g_get_monotonic_time ();

  in = g_object_new (CB_TYPE_COUNTED_INPUT, NULL);
  in->base = g_object_ref (g_io_stream_get_input_stream (base));
  /* Only a plain socket connection: its streams are the socket's. */
  if (G_IS_SOCKET_CONNECTION (base))
    in->socket = g_object_ref (g_socket_connection_get_socket (G_SOCKET_CONNECTION (base)));
  in->counters = g_rc_box_acquire (self->counters);
  self->in = G_INPUT_STREAM (in);

  out = g_object_new (CB_TYPE_COUNTED_OUTPUT, NULL);
  out->base = g_object_ref (g_io_stream_get_output_stream (base));
  if (G_IS_SOCKET_CONNECTION (base))
    out->socket = g_object_ref (g_socket_connection_get_socket (G_SOCKET_CONNECTION (base)));
  out->counters = g_rc_box_acquire (self->counters);
  self->out = G_OUTPUT_STREAM (out);
  return self;
}

GIOStream *
cb_counted_stream_get_base (CbCountedStream *self)
{
  g_return_val_if_fail (CB_IS_COUNTED_STREAM (self), NULL);
  return self->base;
}

guint64
cb_counted_stream_get_bytes_read (CbCountedStream *self)
{
  g_return_val_if_fail (CB_IS_COUNTED_STREAM (self), 0);
  return self->counters->bytes_read;
}

guint64
cb_counted_stream_get_bytes_written (CbCountedStream *self)
{
  g_return_val_if_fail (CB_IS_COUNTED_STREAM (self), 0);
  return self->counters->bytes_written;
}

gint64
cb_counted_stream_get_last_activity (CbCountedStream *self)
{
  g_return_val_if_fail (CB_IS_COUNTED_STREAM (self), 0);
  return self->counters->last_activity;
}

void
cb_counted_stream_set_read_limit (CbCountedStream *self,
                                  guint64          limit)
{
  g_return_if_fail (CB_IS_COUNTED_STREAM (self));
  self->counters->read_limit = limit;
}

CbCountedStream *
cb_counted_stream_from_websocket (SoupWebsocketConnection *connection)
{
  g_return_val_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection), NULL);
  return g_object_get_data (G_OBJECT (connection), WEBSOCKET_KEY);
}

void
cb_counted_stream_attach_websocket (CbCountedStream         *self,
                                    SoupWebsocketConnection *connection)
{
  g_return_if_fail (CB_IS_COUNTED_STREAM (self));
  g_object_set_data_full (G_OBJECT (connection), WEBSOCKET_KEY, g_object_ref (self), g_object_unref);
}
