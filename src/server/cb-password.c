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

/* ---- CbPasswordChecker --------------------------------------------------- */

struct _CbPasswordChecker
{
  GObject       parent_instance;

  GThreadPool  *pool;
  GMainContext *context;
  guint         max_running;
  guint         max_waiting;
  guint         pending;       /* running or waiting */
  GHashTable   *per_address;   /* address → GUINT pending */
};

G_DEFINE_FINAL_TYPE (CbPasswordChecker, cb_password_checker, G_TYPE_OBJECT)

typedef struct {
  CbPasswordChecker *checker;
  GTask             *task;
  char              *hash;
  char              *password;
  char              *address;
  gboolean           fast;
  gboolean           ok;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->task);
  g_clear_object (&job->checker);
  g_free (job->hash);
  if (job->password != NULL)
    sodium_memzero (job->password, strlen (job->password));
  g_free (job->password);
  g_free (job->address);
  g_free (job);
}

/* Back on the checker's main context: the place is free again. */
static gboolean
job_finished (gpointer user_data)
{
  Job *job = user_data;
  CbPasswordChecker *self = job->checker;
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, job->address));

  self->pending--;
  if (count <= 1)
    g_hash_table_remove (self->per_address, job->address);
  else
    g_hash_table_insert (self->per_address, g_strdup (job->address), GUINT_TO_POINTER (count - 1));
  g_task_return_boolean (job->task, job->ok);
  job_free (job);
  return G_SOURCE_REMOVE;
}

static void
job_run (gpointer data,
         gpointer user_data)
{
  Job *job = data;

  if (job->hash == NULL)
    {
      cb_password_verify (dummy_hash (job->fast), job->password);
      job->ok = FALSE;
    }
  else
    job->ok = cb_password_verify (job->hash, job->password);
  g_main_context_invoke (job->checker->context, job_finished, job);
}

static void
cb_password_checker_finalize (GObject *object)
{
  CbPasswordChecker *self = CB_PASSWORD_CHECKER (object);

  /* Jobs hold a reference: none is left by now. */
  g_thread_pool_free (self->pool, FALSE, TRUE);
  g_main_context_unref (self->context);
  g_hash_table_unref (self->per_address);
  G_OBJECT_CLASS (cb_password_checker_parent_class)->finalize (object);
}

static void
cb_password_checker_class_init (CbPasswordCheckerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cb_password_checker_finalize;
}

static void
cb_password_checker_init (CbPasswordChecker *self)
{
  self->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

CbPasswordChecker *
cb_password_checker_new (guint max_running,
                         guint max_waiting)
{
  CbPasswordChecker *self = g_object_new (CB_TYPE_PASSWORD_CHECKER, NULL);

  self->max_running = MAX (max_running, 1);
  self->max_waiting = max_waiting;
  self->context = g_main_context_ref_thread_default ();
  /* Its own threads: checks neither wait behind TLS handshakes in GLib's
   * shared pool nor fill that pool themselves. */
  self->pool = g_thread_pool_new (job_run, NULL, (int) self->max_running, FALSE, NULL);
  return self;
}

gboolean
cb_password_checker_verify_async (CbPasswordChecker   *self,
                                  const char          *hash,
                                  const char          *password,
                                  gboolean             fast,
                                  const char          *address,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  guint places = self->max_running + self->max_waiting;
  guint count;
  Job *job;

  g_return_val_if_fail (CB_IS_PASSWORD_CHECKER (self), FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  if (address == NULL)
    address = "";
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));
  /* One address gets at most half the places: a flood from there leaves
   * room for sign-ins from elsewhere. */
  if (self->pending >= places || count >= MAX (places / 2, 1))
    return FALSE;

  job = g_new0 (Job, 1);
  job->checker = g_object_ref (self);
  job->task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (job->task, cb_password_checker_verify_async);
  job->hash = g_strdup (hash);
  job->password = g_strdup (password);
  job->address = g_strdup (address);
  job->fast = fast;

  self->pending++;
  g_hash_table_insert (self->per_address, g_strdup (address), GUINT_TO_POINTER (count + 1));
  g_thread_pool_push (self->pool, job, NULL);
  return TRUE;
}

gboolean
cb_password_checker_verify_finish (CbPasswordChecker *self,
                                   GAsyncResult      *result)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), NULL);
}

guint
cb_password_checker_get_pending (CbPasswordChecker *self)
{
  g_return_val_if_fail (CB_IS_PASSWORD_CHECKER (self), 0);
  return self->pending;
}
