/* cb-api-session.c: sign in (POST /api/v1/session) and sign out (DELETE)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sign-in never blocks the main loop: a throttled attempt waits on a
 * timeout, and the argon2id check runs on a worker thread while the
 * request is paused. Checks are bounded (CbAuth's CbPasswordChecker):
 * with no place free the answer is 503 with Retry-After.
 */

#define G_LOG_DOMAIN "cb-api-session"

#include "cb-api.h"

/* Seconds a client waits after a 503 (no place free for the check). */
#define BUSY_RETRY_AFTER_S 1

typedef struct {
  CbApi             *api;
  SoupServerMessage *msg;
  char              *username;
  char              *password;
  char              *address;
  char              *hash;
  gint64             user_id;
  gulong             finished_id;
  gboolean           finished;     /* the client went away */
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  if (sign_in->finished_id != 0)
    g_signal_handler_disconnect (sign_in->msg, sign_in->finished_id);
  g_clear_object (&sign_in->msg);
  g_free (sign_in->username);
  g_free (sign_in->password);
  g_free (sign_in->address);
  g_free (sign_in->hash);
  g_free (sign_in);
}

static void
sign_in_message_finished (SoupServerMessage *msg,
                          gpointer           user_data)
{
  SignIn *sign_in = user_data;

  sign_in->finished = TRUE;
}

static void
sign_in_answer (SignIn   *sign_in,
                gboolean  ok)
{
  CbApi *api = sign_in->api;
  g_autoptr(GError) error = NULL;

  if (!ok)
    {
      cb_auth_end_attempt (api->auth, sign_in->username, sign_in->address, CB_ATTEMPT_FAILED);
      if (!sign_in->finished)
        cb_reply_error (sign_in->msg, CB_PROTOCOL_ERROR_UNAUTHORIZED,
                        "Wrong user name or password");
    }
  else
    {
      g_autofree char *token = NULL;
      gint64 expires_at = 0;

      cb_auth_end_attempt (api->auth, sign_in->username, sign_in->address, CB_ATTEMPT_SUCCEEDED);
      token = cb_auth_create_session (api->auth, sign_in->user_id, &expires_at, &error);
      if (sign_in->finished)
        ;
      else if (token == NULL)
        cb_reply_gerror (sign_in->msg, error);
      else
        {
          g_autoptr(JsonObject) object = json_object_new ();

          json_object_set_string_member (object, "token", token);
          json_object_set_int_member (object, "expires_at", expires_at);
          json_object_set_int_member (object, "user_id", sign_in->user_id);
          cb_reply_object (sign_in->msg, SOUP_STATUS_CREATED, object);
          g_debug ("User %s signed in from %s", sign_in->username, sign_in->address);
        }
    }

  if (!sign_in->finished)
    soup_server_message_unpause (sign_in->msg);
  sign_in_free (sign_in);
}

static void
sign_in_verified (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SignIn *sign_in = user_data;

  sign_in_answer (sign_in, cb_auth_verify_password_finish (sign_in->api->auth, result) &&
                           sign_in->user_id > 0);
}

static void
answer_later (SoupServerMessage *msg,
              CbProtocolError    code,
              guint              seconds,
              const char        *why)
{
  g_autofree char *value = g_strdup_printf ("%u", seconds);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Retry-After", value);
  cb_reply_error (msg, code, "%s; try again in %u s", why, seconds);
}

static void
sign_in_verify (SignIn *sign_in)
{
  CbApi *api = sign_in->api;
  const CbUserRecord *user = cb_directory_find_user (api->directory, sign_in->username);

  /* Devices have no password: they cannot sign in. An unknown name is
   * still checked against a dummy hash so timing tells nothing. */
  if (user != NULL && user->kind == CB_USER_KIND_USER && user->password_hash != NULL)
    {
      sign_in->user_id = user->id;
      sign_in->hash = g_strdup (user->password_hash);
    }
  if (!cb_auth_verify_password_async (api->auth, sign_in->hash, sign_in->password,
                                      sign_in->address, sign_in_verified, sign_in))
    {
      /* Not counted: nothing was checked. */
      cb_auth_end_attempt (api->auth, sign_in->username, sign_in->address, CB_ATTEMPT_CANCELLED);
      g_debug ("Sign-in for “%s” from %s: no check free", sign_in->username, sign_in->address);
      if (!sign_in->finished)
        {
          answer_later (sign_in->msg, CB_PROTOCOL_ERROR_UNAVAILABLE, BUSY_RETRY_AFTER_S,
                        "Too many sign-ins at once");
          soup_server_message_unpause (sign_in->msg);
        }
      sign_in_free (sign_in);
    }
}

static gboolean
sign_in_delay_over (gpointer user_data)
{
  sign_in_verify (user_data);
  return G_SOURCE_REMOVE;
}

static void
post_session (CbRequest *request,
              gpointer   user_data)
{
  CbApi *api = user_data;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *username = NULL;
  const char *password = NULL;
  const char *address = soup_server_message_get_remote_host (request->msg);
  guint delay_ms = 0;
  guint retry_after = 0;
  SignIn *sign_in;

  body = cb_request_parse_body (request, &error);
  if (body == NULL ||
      !cb_json_get_string (body, "username", TRUE, &username, &error) ||
      !cb_json_get_string (body, "password", TRUE, &password, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }

  switch (cb_auth_begin_attempt (api->auth, username, address, &delay_ms, &retry_after))
    {
    case CB_THROTTLE_REJECT:
      answer_later (request->msg, CB_PROTOCOL_ERROR_TOO_MANY_REQUESTS, retry_after,
                    "Too many failed sign-ins");
      return;
    case CB_THROTTLE_DELAY:
    case CB_THROTTLE_ALLOW:
    default:
      break;
    }

  sign_in = g_new0 (SignIn, 1);
  sign_in->api = api;
  sign_in->msg = g_object_ref (request->msg);
  sign_in->username = g_strdup (username);
  sign_in->password = g_strdup (password);
  sign_in->address = g_strdup (address);
  sign_in->finished_id = g_signal_connect (request->msg, "finished",
                                           G_CALLBACK (sign_in_message_finished), sign_in);
  soup_server_message_pause (request->msg);

  if (delay_ms > 0)
    {
      g_debug ("Sign-in for “%s” delayed by %u ms", username, delay_ms);
      g_timeout_add (delay_ms, sign_in_delay_over, sign_in);
    }
  else
    sign_in_verify (sign_in);
}

static void
delete_session (CbRequest *request,
                gpointer   user_data)
{
  CbApi *api = user_data;
  g_autofree char *token_hash = NULL;
  g_autoptr(GError) error = NULL;

  if (cb_api_require_user (api, request, &token_hash) == 0)
    return;

  if (!cb_auth_revoke (api->auth, token_hash, &error))
    {
      cb_reply_gerror (request->msg, error);
      return;
    }
  cb_event_hub_close_token (api->hub, token_hash);
  cb_reply_no_content (request->msg);
}

void
cb_api_session_register (CbRouter *router,
                         CbApi    *api)
{
  cb_router_add (router, "POST", CB_API_PREFIX "/session", post_session, api);
  cb_router_add (router, "DELETE", CB_API_PREFIX "/session", delete_session, api);
}
