/* cb-password-store.c: the remembered password, kept by the Secret Service
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-password-store"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "cb-password-store.h"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "org.callboard.Callboard.Password", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void
on_lookup (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *password;

  password = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Copied out of non-pageable memory: GTask frees with g_free. */
  g_task_return_pointer (task, g_strdup (password), g_free);
  secret_password_free (password);
}

void
cb_password_store_lookup_async (const char          *server,
                                const char          *username,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, cb_password_store_lookup_async);
  secret_password_lookup (get_schema (), cancellable, on_lookup, task,
                          "server", server,
                          "user", username,
                          NULL);
}

char *
cb_password_store_lookup_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_stored (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
cb_password_store_save_async (const char          *server,
                              const char          *username,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *label = g_strdup_printf (_("Callboard password for %s on %s"),
                                            username, server);

  g_task_set_source_tag (task, cb_password_store_save_async);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                         cancellable, on_stored, task,
                         "server", server,
                         "user", username,
                         NULL);
}

gboolean
cb_password_store_save_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_cleared (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* FALSE without an error only means nothing was stored. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_debug ("Could not forget the stored password: %s", error->message);
}

void
cb_password_store_forget (const char *server,
                          const char *username)
{
  secret_password_clear (get_schema (), NULL, on_cleared, NULL,
                         "server", server,
                         "user", username,
                         NULL);
}
