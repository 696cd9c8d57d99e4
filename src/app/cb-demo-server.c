/* cb-demo-server.c: a callboardd --demo child process for "Try the demo"
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-demo-server"

#include "config.h"

#include <signal.h>
#include <glib/gi18n.h>
#ifdef __linux__
# include <sys/prctl.h>
#endif

#include "cb-demo-server.h"

/* The demo seeds a database and hashes passwords first: be generous. */
#define READY_TIMEOUT_SECONDS 30

struct _CbDemoServer
{
  GObject           parent_instance;

  char            **extra_arguments;
  GSubprocess      *subprocess;
  GDataInputStream *stdout_stream;
  GCancellable     *cancellable;
  char             *url;
  /* GTasks waiting for READY; all complete together. */
  GPtrArray        *pending;
  guint             timeout_id;
};

G_DEFINE_FINAL_TYPE (CbDemoServer, cb_demo_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_EXTRA_ARGUMENTS,
  PROP_URL,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void read_next_line (CbDemoServer *self);

static void
complete_pending (CbDemoServer *self,
                  const GError *error)
{
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->pending);

  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  g_clear_handle_id (&self->timeout_id, g_source_remove);

  for (guint i = 0; pending != NULL && i < pending->len; i++)
    {
      GTask *task = g_ptr_array_index (pending, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_strdup (self->url), g_free);
    }
}

/* The async callbacks hold no reference: stop() and dispose cancel them,
 * and a cancelled callback returns before it touches self. */
static void
on_line_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CbDemoServer *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize length = 0;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object),
                                                    result, &length, &error);
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Reading the demo server's output: %s", error->message);
      return;
    }

  /* End of stream: the child closed stdout, wait-check reports why. */
  if (line == NULL)
    return;

  g_debug ("callboardd: %s", line);

  if (self->url == NULL && g_str_has_prefix (line, "READY "))
    {
      self->url = g_strstrip (g_strdup (line + strlen ("READY ")));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
      complete_pending (self, NULL);
    }

  /* Keep draining: a full pipe would block the server. */
  read_next_line (self);
}

static void
read_next_line (CbDemoServer *self)
{
  g_data_input_stream_read_line_async (self->stdout_stream,
                                       G_PRIORITY_DEFAULT,
                                       self->cancellable,
                                       on_line_read,
                                       self);
}

static void
on_child_exited (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CbDemoServer *self = user_data;
  GSubprocess *subprocess = G_SUBPROCESS (object);
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_finish (subprocess, result, &error))
    return;

  /* A newer child may have replaced this one already. */
  if (subprocess != self->subprocess)
    return;

  g_debug ("The demo server exited");

  if (self->pending->len > 0)
    {
      g_autoptr(GError) exit_error = NULL;

      if (g_subprocess_get_if_exited (subprocess))
        exit_error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                  _("The demo server stopped with exit status %d."),
                                  g_subprocess_get_exit_status (subprocess));
      else
        exit_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                          _("The demo server stopped unexpectedly."));
      complete_pending (self, exit_error);
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->stdout_stream);
  g_clear_object (&self->subprocess);
  g_clear_pointer (&self->url, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static gboolean
on_ready_timeout (gpointer user_data)
{
  CbDemoServer *self = user_data;
  g_autoptr(GError) error = NULL;

  self->timeout_id = 0;
  error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       _("The demo server did not start within %d seconds."),
                       READY_TIMEOUT_SECONDS);
  complete_pending (self, error);
  cb_demo_server_stop (self);

  return G_SOURCE_REMOVE;
}

#ifdef __linux__
/* Runs in the child between fork and exec: if we die without cleaning up
 * (a crash, SIGKILL), the kernel still stops the demo server. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}
#endif

char *
cb_demo_server_find_binary (void)
{
  g_autofree char *installed = g_build_filename (BINDIR, "callboardd", NULL);
  g_autofree char *built = g_build_filename (BUILD_ROOT, "src", "server", "callboardd", NULL);
  const char *env = g_getenv ("CALLBOARDD");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);
  if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&built);

  return g_find_program_in_path ("callboardd");
}

void
cb_demo_server_start_async (CbDemoServer        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *binary = NULL;

  g_return_if_fail (CB_IS_DEMO_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cb_demo_server_start_async);

  if (self->url != NULL)
    {
      g_task_return_pointer (task, g_strdup (self->url), g_free);
      return;
    }

  g_ptr_array_add (self->pending, g_steal_pointer (&task));

  /* Already starting: the READY line completes this task too. */
  if (self->subprocess != NULL)
    return;

  binary = cb_demo_server_find_binary ();
  if (binary == NULL)
    {
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                   _("The demo server (callboardd) is not installed."));
      complete_pending (self, error);
      return;
    }

  argv = g_ptr_array_new ();
  g_ptr_array_add (argv, binary);
  g_ptr_array_add (argv, (char *) "--demo");
  /* An ephemeral port: a second demo or a real server may hold 8480. */
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, (char *) "0");
  /* The same for SIP: a desk phone or another softphone may hold 5060. */
  g_ptr_array_add (argv, (char *) "--sip-port");
  g_ptr_array_add (argv, (char *) "0");
  for (guint i = 0; self->extra_arguments != NULL && self->extra_arguments[i]; i++)
    g_ptr_array_add (argv, self->extra_arguments[i]);
  g_ptr_array_add (argv, NULL);

  g_debug ("Starting %s", binary);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
#ifdef __linux__
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
#endif
  self->subprocess = g_subprocess_launcher_spawnv (launcher,
                                                   (const char * const *) argv->pdata,
                                                   &error);
  if (self->subprocess == NULL)
    {
      complete_pending (self, error);
      return;
    }

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->stdout_stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->subprocess));
  read_next_line (self);
  g_subprocess_wait_async (self->subprocess, self->cancellable,
                           on_child_exited, self);
  self->timeout_id = g_timeout_add_seconds (READY_TIMEOUT_SECONDS, on_ready_timeout, self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

char *
cb_demo_server_start_finish (CbDemoServer  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (CB_IS_DEMO_SERVER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
cb_demo_server_stop (CbDemoServer *self)
{
  g_return_if_fail (CB_IS_DEMO_SERVER (self));

  if (self->subprocess == NULL)
    return;

  g_debug ("Stopping the demo server");

  /* SIGTERM lets callboardd remove its temporary database. */
  g_subprocess_send_signal (self->subprocess, SIGTERM);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->stdout_stream);
  g_clear_object (&self->subprocess);
  g_clear_pointer (&self->url, g_free);
  g_clear_handle_id (&self->timeout_id, g_source_remove);

  if (self->pending->len > 0)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     _("The demo server was stopped."));
      complete_pending (self, error);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

const char *
cb_demo_server_get_url (CbDemoServer *self)
{
  g_return_val_if_fail (CB_IS_DEMO_SERVER (self), NULL);

  return self->url;
}

gboolean
cb_demo_server_get_running (CbDemoServer *self)
{
  g_return_val_if_fail (CB_IS_DEMO_SERVER (self), FALSE);

  return self->subprocess != NULL;
}

static void
cb_demo_server_dispose (GObject *object)
{
  CbDemoServer *self = CB_DEMO_SERVER (object);

  cb_demo_server_stop (self);

  G_OBJECT_CLASS (cb_demo_server_parent_class)->dispose (object);
}

static void
cb_demo_server_finalize (GObject *object)
{
  CbDemoServer *self = CB_DEMO_SERVER (object);

  g_clear_pointer (&self->extra_arguments, g_strfreev);
  g_clear_pointer (&self->pending, g_ptr_array_unref);

  G_OBJECT_CLASS (cb_demo_server_parent_class)->finalize (object);
}

static void
cb_demo_server_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CbDemoServer *self = CB_DEMO_SERVER (object);

  switch (prop_id)
    {
    case PROP_EXTRA_ARGUMENTS:
      g_value_set_boxed (value, self->extra_arguments);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, cb_demo_server_get_running (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_demo_server_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CbDemoServer *self = CB_DEMO_SERVER (object);

  switch (prop_id)
    {
    case PROP_EXTRA_ARGUMENTS:
      self->extra_arguments = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_demo_server_class_init (CbDemoServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_demo_server_dispose;
  object_class->finalize = cb_demo_server_finalize;
  object_class->get_property = cb_demo_server_get_property;
  object_class->set_property = cb_demo_server_set_property;

  properties[PROP_EXTRA_ARGUMENTS] =
    g_param_spec_boxed ("extra-arguments", NULL, NULL,
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_demo_server_init (CbDemoServer *self)
{
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
}

CbDemoServer *
cb_demo_server_new (const char * const *extra_arguments)
{
  return g_object_new (CB_TYPE_DEMO_SERVER,
                       "extra-arguments", extra_arguments,
                       NULL);
}
