/* cb-password.c: argon2id password hashes (libsodium)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-password"

#include <string.h>
#include <sodium.h>

#include "cb-password.h"

gboolean
cb_password_init (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "libsodium could not be initialised");
      return FALSE;
    }
  return TRUE;
}

char *
cb_password_hash (const char  *password,
                  gboolean     fast,
                  GError     **error)
{
  char out[crypto_pwhash_STRBYTES];
  unsigned long long ops = fast ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = fast ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;

  g_return_val_if_fail (password != NULL, NULL);

  if (!cb_password_init (error))
    return NULL;

  if (crypto_pwhash_str_alg (out, password, strlen (password), ops, mem,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "Out of memory while hashing a password");
      return NULL;
    }
  return g_strdup (out);
}

gboolean
cb_password_verify (const char *hash,
                    const char *password)
{
  if (hash == NULL || password == NULL || !cb_password_init (NULL))
    return FALSE;
  if (strlen (hash) >= crypto_pwhash_STRBYTES)
    return FALSE;
  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

typedef struct {
  char     *hash;
  char     *password;
  gboolean  fast;
} VerifyData;

static void
verify_data_free (VerifyData *data)
{
  g_free (data->hash);
  if (data->password != NULL)
    sodium_memzero (data->password, strlen (data->password));
  g_free (data->password);
  g_free (data);
}

static const char *
dummy_hash (gboolean fast)
{
  static char *hashes[2];
  static GMutex lock;
  const char *result;

  /* Computed once per cost so that a miss costs what a hit costs. */
  g_mutex_lock (&lock);
  if (hashes[fast ? 1 : 0] == NULL)
    hashes[fast ? 1 : 0] = cb_password_hash ("callboard-dummy-password", fast, NULL);
  result = hashes[fast ? 1 : 0];
  g_mutex_unlock (&lock);
  return result;
}

static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VerifyData *data = task_data;
  gboolean ok;

  if (data->hash == NULL)
    {
      cb_password_verify (dummy_hash (data->fast), data->password);
      ok = FALSE;
    }
  else
    ok = cb_password_verify (data->hash, data->password);

  g_task_return_boolean (task, ok);
}

void
cb_password_verify_async (const char          *hash,
                          const char          *password,
                          gboolean             fast,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  VerifyData *data = g_new0 (VerifyData, 1);

  data->hash = g_strdup (hash);
  data->password = g_strdup (password);
  data->fast = fast;
  g_task_set_source_tag (task, cb_password_verify_async);
  g_task_set_task_data (task, data, (GDestroyNotify) verify_data_free);
  g_task_run_in_thread (task, verify_thread);
}

gboolean
cb_password_verify_finish (GAsyncResult *result)
{
  return g_task_propagate_boolean (G_TASK (result), NULL);
}
