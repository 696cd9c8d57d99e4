/* cb-softphone.c: the signed-in user's embedded SIP phone
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The softphone feeds its CbCallTracker: the agent's dialogs and their
 * states, the session's `call` events, the answers to control requests.
 * It carries out the calls' controls: on the dialog for a call here,
 * through the REST client for a call on another device.
 *
 * It follows the session's events but holds no reference to the session:
 * its owner (the window) drops the phone before the session. Everything
 * runs on the default main context, where sofia-sip's source is attached
 * too.
 */

#define G_LOG_DOMAIN "cb-client"

#include "config.h"

#include <sofia-sip/su_uniqueid.h>

#include "cb-call-tracker.h"
#include "cb-sip-agent.h"
#include "cb-softphone.h"

G_DEFINE_ENUM_TYPE (CbRegistrationState, cb_registration_state,
  G_DEFINE_ENUM_VALUE (CB_REGISTRATION_STATE_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (CB_REGISTRATION_STATE_REGISTERING, "registering"),
  G_DEFINE_ENUM_VALUE (CB_REGISTRATION_STATE_REGISTERED, "registered"),
  G_DEFINE_ENUM_VALUE (CB_REGISTRATION_STATE_UNAVAILABLE, "unavailable"))

struct _CbSoftphone
{
  GObject              parent_instance;

  CbRestClient        *rest;
  CbCallAs            *call_as;       /* the session's: whom our calls present */
  CbCallTracker       *tracker;
  CbSipAgent          *agent;
  GCancellable        *cancellable;
  CbRegistrationState  registration_state;
  char                *line;
  char                *registrar;     /* "sip:host:port", or "sips:host:port" on TLS */
  char                *tls_pinned_certificate; /* PEM: SIP over TLS trusting it */
  char                *password;      /* the line's, to register again */
  char                *local_address; /* the agent's: where the registrar reaches us */
  char                *last_error;
  char                *audio_src;
  char                *audio_sink;
};

G_DEFINE_FINAL_TYPE (CbSoftphone, cb_softphone, G_TYPE_OBJECT)

/* sofia-sip 1.12.11's su_uniqueid.c has a library destructor that deletes
 * its thread key even when it never created it, i.e. key 0: GLib's slice
 * allocator's. Destructors running after it (libadwaita's GResource
 * unregistration) then abort in g_slice_free1 with "pthread_setspecific:
 * Invalid argument", so quitting before a SIP agent started (sign-in page,
 * no line) crashed. Having sofia create its key at start-up (su_random()
 * does, once) gives it its own key to delete. */
__attribute__ ((constructor)) static void
init_sofia_thread_key (void)
{
  (void) su_random ();
}

enum {
  PROP_0,
  PROP_REGISTRATION_STATE,
  PROP_LINE,
  PROP_LAST_ERROR,
  PROP_CALLS,
  PROP_AUDIO_SRC,
  PROP_AUDIO_SINK,
  PROP_ENDED_LINGER_MS,
  PROP_TLS_PINNED_CERTIFICATE,
  N_PROPS
};

enum {
  SIGNAL_INCOMING_CALL,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_registration_state (CbSoftphone         *self,
                        CbRegistrationState  state)
{
  if (self->registration_state == state)
    return;
  g_debug ("Softphone %s: registration %d -> %d", self->line, self->registration_state, state);
  self->registration_state = state;
  cb_call_tracker_set_line_registered (self->tracker, state == CB_REGISTRATION_STATE_REGISTERED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTRATION_STATE]);
}

static void
set_last_error (CbSoftphone *self,
                const char  *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

/* --- the calls' controls --- */

static void
on_remote_control_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(CbCall) call = user_data;
  g_autoptr(GError) error = NULL;

  if (!cb_rest_client_finish (CB_REST_CLIENT (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _cb_call_report_control_failed (call, error);
}

/* A remote call's id on the server, which its controls name. */
static const char *
remote_id (CbCall  *call,
           GError **error)
{
  const char *id = cb_call_get_server_id (call);

  if (id == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                         "The server does not know this call");
  return id;
}

static gboolean
control_answer (CbCall   *call,
                gpointer  user_data,
                GError  **error)
{
  CbSoftphone *self = user_data;
  const char *id;

  if (!cb_call_is_remote (call))
    return cb_sip_call_answer (cb_call_get_sip_call (call), error);
  if ((id = remote_id (call, error)) == NULL)
    return FALSE;
  cb_rest_client_answer_async (self->rest, id, self->cancellable, on_remote_control_done,
                               g_object_ref (call));
  return TRUE;
}

static void
control_hangup (CbCall   *call,
                gpointer  user_data)
{
  CbSoftphone *self = user_data;
  const char *id;

  if (!cb_call_is_remote (call))
    cb_sip_call_hangup (cb_call_get_sip_call (call));
  else if ((id = remote_id (call, NULL)) != NULL)
    cb_rest_client_hangup_async (self->rest, id, self->cancellable, on_remote_control_done,
                                 g_object_ref (call));
}

static gboolean
control_set_held (CbCall    *call,
                  gboolean   held,
                  gpointer   user_data,
                  GError   **error)
{
  CbSoftphone *self = user_data;
  const char *id;

  if (!cb_call_is_remote (call))
    return cb_sip_call_set_hold (cb_call_get_sip_call (call), held, error);
  if ((id = remote_id (call, error)) == NULL)
    return FALSE;
  cb_rest_client_set_held_async (self->rest, id, held, self->cancellable,
                                 on_remote_control_done, g_object_ref (call));
  return TRUE;
}

static void
control_set_muted (CbCall   *call,
                   gboolean  muted,
                   gpointer  user_data)
{
  CbMediaPipeline *media = cb_call_get_sip_call (call) != NULL
                           ? cb_sip_call_get_media (cb_call_get_sip_call (call)) : NULL;

  if (media != NULL)
    cb_media_pipeline_set_mute (media, muted);
}

static gboolean
control_send_dtmf (CbCall      *call,
                   const char  *digits,
                   gpointer     user_data,
                   GError     **error)
{
  CbSoftphone *self = user_data;
  const char *id;

  if (!cb_call_is_remote (call))
    return cb_sip_call_send_dtmf (cb_call_get_sip_call (call), digits, error);
  if ((id = remote_id (call, error)) == NULL)
    return FALSE;
  cb_rest_client_send_dtmf_async (self->rest, id, digits, self->cancellable,
                                  on_remote_control_done, g_object_ref (call));
  return TRUE;
}

static const CbCallControls controls = {
  .answer = control_answer,
  .hangup = control_hangup,
  .set_held = control_set_held,
  .set_muted = control_set_muted,
  .send_dtmf = control_send_dtmf,
};

/* --- the tracker's inputs --- */

static void
on_dialog_state (CbSoftphone *self,
                 GParamSpec  *pspec,
                 CbSipCall   *sip_call)
{
  cb_call_tracker_update_dialog (self->tracker, cb_sip_call_get_call_id (sip_call),
                                 cb_sip_call_get_state (sip_call),
                                 cb_sip_call_get_end_status (sip_call));
}

/* A new dialog of the agent's, incoming or dialled. */
static CbCall *
track_dialog (CbSoftphone *self,
              CbSipCall   *sip_call,
              const char  *number)
{
  CbCallTrackerDialog dialog = {
    .call_id = cb_sip_call_get_call_id (sip_call),
    .direction = cb_sip_call_is_incoming (sip_call) ? CB_CALL_DIRECTION_IN : CB_CALL_DIRECTION_OUT,
    .remote_number = number,
    .answers_itself = cb_sip_call_get_answer_after (sip_call) == 0,
    .sip_call = sip_call,
  };
  CbCall *call = cb_call_tracker_add_dialog (self->tracker, &dialog);

  g_signal_connect_object (sip_call, "notify::state", G_CALLBACK (on_dialog_state), self,
                           G_CONNECT_SWAPPED);
  on_dialog_state (self, NULL, sip_call);
  return call;
}

static void
on_incoming_call (CbSoftphone *self,
                  CbSipCall   *sip_call,
                  CbSipAgent  *agent)
{
  g_autofree char *number = cb_call_number_from_uri (cb_sip_call_get_remote_uri (sip_call));
  CbCall *call = track_dialog (self, sip_call, number);

  g_debug ("Incoming call %s from %s", cb_call_get_id (call), number);
}

static void
on_tracker_incoming_call (CbSoftphone   *self,
                          CbCall        *call,
                          CbCallTracker *tracker)
{
  g_signal_emit (self, signals[SIGNAL_INCOMING_CALL], 0, call);
}

static void
apply_call (CbSoftphone *self,
            JsonObject  *data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbWireCall) call = cb_wire_call_from_json (data, &error);

  if (call != NULL)
    cb_call_tracker_apply_call (self->tracker, call);
  else
    g_debug ("Ignoring an unreadable call: %s", error->message);
}

static void
on_event_received (CbSoftphone *self,
                   gint64       seq,
                   CbEventType  type,
                   JsonObject  *data,
                   CbSession   *session)
{
  if (type == CB_EVENT_TYPE_CALL && data != NULL)
    apply_call (self, data);
}

const char *
cb_softphone_get_server_call_id (CbSoftphone *self,
                                 CbCall      *call)
{
  g_return_val_if_fail (CB_IS_SOFTPHONE (self), NULL);
  g_return_val_if_fail (CB_IS_CALL (call), NULL);

  return cb_call_tracker_get_server_id (self->tracker, call);
}

/* --- control through the server --- */

typedef struct {
  CbCall *call;
  CbCall *to_call;   /* transfer and conference */
  char   *verb;      /* "forward", "consult", "transfer" or "conference" */
  char   *to;        /* forward and consult */
} ControlData;

static void
control_data_free (gpointer data)
{
  ControlData *control = data;

  g_clear_object (&control->call);
  g_clear_object (&control->to_call);
  g_free (control->verb);
  g_free (control->to);
  g_free (control);
}

static void
on_control_answer (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CbSoftphone *self = g_task_get_source_object (task);
  ControlData *control = g_task_get_task_data (task);
  gboolean consult = g_str_equal (control->verb, "consult");
  g_autofree char *consultation = NULL;
  GError *error = NULL;

  if (consult)
    consultation = cb_rest_client_consult_finish (CB_REST_CLIENT (source), result, &error);
  else
    cb_rest_client_finish (CB_REST_CLIENT (source), result, &error);
  if (error != NULL)
    {
      if (consult)
        cb_call_tracker_forget_consultation (self->tracker, control->to);
      g_task_return_error (task, error);
      return;
    }
  if (consultation != NULL)
    cb_call_tracker_consultation_started (self->tracker, control->call, consultation);
  g_task_return_boolean (task, TRUE);
}

static void
post_control (GTask *task)
{
  CbSoftphone *self = g_task_get_source_object (task);
  ControlData *control = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  const char *id = cb_softphone_get_server_call_id (self, control->call);
  const char *to_id = control->to_call != NULL
                      ? cb_softphone_get_server_call_id (self, control->to_call) : NULL;

  if (id == NULL || (control->to_call != NULL && to_id == NULL))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "The server does not know this call");
      return;
    }

  if (g_str_equal (control->verb, "forward"))
    cb_rest_client_forward_async (self->rest, id, control->to, cancellable,
                                  on_control_answer, g_object_ref (task));
  else if (g_str_equal (control->verb, "consult"))
    cb_rest_client_consult_async (self->rest, id, control->to, cancellable,
                                  on_control_answer, g_object_ref (task));
  else if (g_str_equal (control->verb, "conference"))
    cb_rest_client_conference_async (self->rest, id, to_id, cancellable,
                                     on_control_answer, g_object_ref (task));
  else
    cb_rest_client_transfer_async (self->rest, id, to_id, cancellable,
                                   on_control_answer, g_object_ref (task));
}

static void
on_server_calls (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CbSoftphone *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) calls = NULL;
  GError *error = NULL;

  calls = cb_rest_client_list_calls_finish (CB_REST_CLIENT (source), result, &error);
  if (calls == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < calls->len; i++)
    cb_call_tracker_apply_call (self->tracker, g_ptr_array_index (calls, i));
  post_control (task);
}

/* Posts at once when both calls are known to the server, else first asks
 * it for our calls: the `call` event may not have arrived yet. */
static void
start_control (CbSoftphone *self,
               GTask       *task)
{
  ControlData *control = g_task_get_task_data (task);

  if (cb_softphone_get_server_call_id (self, control->call) == NULL ||
      (control->to_call != NULL && cb_softphone_get_server_call_id (self, control->to_call) == NULL))
    {
      cb_rest_client_list_calls_async (self->rest, g_task_get_cancellable (task), on_server_calls,
                                       g_object_ref (task));
      return;
    }
  post_control (task);
}

static void
control_async (CbSoftphone         *self,
               gpointer             source_tag,
               const char          *verb,
               CbCall              *call,
               const char          *to,
               CbCall              *to_call,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ControlData *control = g_new0 (ControlData, 1);

  g_task_set_source_tag (task, source_tag);
  control->call = g_object_ref (call);
  control->to_call = to_call != NULL ? g_object_ref (to_call) : NULL;
  control->verb = g_strdup (verb);
  control->to = g_strdup (to);
  g_task_set_task_data (task, control, control_data_free);
  start_control (self, task);
}

static gboolean
control_finish (CbSoftphone   *self,
                GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
cb_softphone_forward_async (CbSoftphone         *self,
                            CbCall              *call,
                            const char          *to,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (CB_IS_SOFTPHONE (self));
  g_return_if_fail (CB_IS_CALL (call));
  g_return_if_fail (to != NULL);

  control_async (self, cb_softphone_forward_async, "forward", call, to, NULL,
                 cancellable, callback, user_data);
}

gboolean
cb_softphone_forward_finish (CbSoftphone   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return control_finish (self, result, cb_softphone_forward_async, error);
}

void
cb_softphone_transfer_async (CbSoftphone         *self,
                             CbCall              *call,
                             CbCall              *to_call,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (CB_IS_SOFTPHONE (self));
  g_return_if_fail (CB_IS_CALL (call));
  g_return_if_fail (CB_IS_CALL (to_call));

  control_async (self, cb_softphone_transfer_async, "transfer", call, NULL, to_call,
                 cancellable, callback, user_data);
}

gboolean
cb_softphone_transfer_finish (CbSoftphone   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return control_finish (self, result, cb_softphone_transfer_async, error);
}

void
cb_softphone_conference_async (CbSoftphone         *self,
                               CbCall              *call,
                               CbCall              *with_call,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (CB_IS_SOFTPHONE (self));
  g_return_if_fail (CB_IS_CALL (call));
  g_return_if_fail (CB_IS_CALL (with_call));

  control_async (self, cb_softphone_conference_async, "conference", call, NULL, with_call,
                 cancellable, callback, user_data);
}

gboolean
cb_softphone_conference_finish (CbSoftphone   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return control_finish (self, result, cb_softphone_conference_async, error);
}

void
cb_softphone_consult_async (CbSoftphone         *self,
                            CbCall              *call,
                            const char          *to,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (CB_IS_SOFTPHONE (self));
  g_return_if_fail (CB_IS_CALL (call));
  g_return_if_fail (to != NULL);

  /* The consultation's INVITE may reach us before the answer. */
  cb_call_tracker_expect_consultation (self->tracker, to);
  control_async (self, cb_softphone_consult_async, "consult", call, to, NULL,
                 cancellable, callback, user_data);
}

gboolean
cb_softphone_consult_finish (CbSoftphone   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return control_finish (self, result, cb_softphone_consult_async, error);
}

void
cb_softphone_cancel_consultation (CbSoftphone *self,
                                  CbCall      *consultation)
{
  g_autoptr(CbCall) held = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CB_IS_SOFTPHONE (self));
  g_return_if_fail (CB_IS_CALL (consultation));

  if (!cb_call_is_consultation (consultation))
    return;
  held = g_object_ref (cb_call_get_partner (consultation));
  cb_call_hangup (consultation);
  if (!cb_call_set_held (held, FALSE, &error))
    g_debug ("Could not resume call %s: %s", cb_call_get_id (held), error->message);
}

void
cb_softphone_dismiss_call (CbSoftphone *self,
                           CbCall      *call)
{
  g_return_if_fail (CB_IS_SOFTPHONE (self));
  g_return_if_fail (CB_IS_CALL (call));

  cb_call_tracker_dismiss (self->tracker, call);
}

/* Calls on the desk phone that were there before we signed in. */
static void
on_existing_calls (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CbSoftphone) self = user_data;
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GError) error = NULL;

  calls = cb_rest_client_list_calls_finish (CB_REST_CLIENT (source), result, &error);
  if (calls == NULL)
    {
      g_debug ("No call list: %s", error->message);
      return;
    }
  for (guint i = 0; i < calls->len; i++)
    cb_call_tracker_apply_call (self->tracker, g_ptr_array_index (calls, i));
}

/* --- registration --- */

static void
on_registered (CbSoftphone *self,
               GParamSpec  *pspec,
               CbSipAgent  *agent)
{
  /* The agent retries by itself with backoff; until it is through again
   * the line is "registering", not gone. */
  set_registration_state (self, cb_sip_agent_get_registered (agent)
                                ? CB_REGISTRATION_STATE_REGISTERED
                                : CB_REGISTRATION_STATE_REGISTERING);
}

/* What follows "sip:" or "sips:". */
static const char *
after_scheme (const char *registrar)
{
  return g_str_has_prefix (registrar, "sip:") ? registrar + 4
         : g_str_has_prefix (registrar, "sips:") ? registrar + 5 : registrar;
}

/* The host part of "sip:host:port;params". */
static char *
registrar_host (const char *registrar)
{
  const char *start = after_scheme (registrar);

  return g_strndup (start, strcspn (start, ":;"));
}

/* The local address that routes to @host: that is the one the registrar
 * and the far end can reach us on, and the one SDP must carry. A UDP
 * connect() sends nothing; it only makes the kernel choose a route. */
static char *
local_address_for (const char  *host,
                   GError     **error)
{
  g_autoptr(GInetAddress) remote = g_inet_address_new_from_string (host);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) remote_address = NULL;
  g_autoptr(GSocketAddress) local = NULL;

  if (remote == NULL)
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();
      GList *addresses = g_resolver_lookup_by_name (resolver, host, NULL, error);

      if (addresses == NULL)
        return NULL;
      remote = g_object_ref (addresses->data);
      g_resolver_free_addresses (addresses);
    }
  if (g_inet_address_get_is_loopback (remote))
    return g_strdup ("127.0.0.1");

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                         G_SOCKET_PROTOCOL_UDP, error);
  if (socket == NULL)
    return NULL;
  remote_address = g_inet_socket_address_new (remote, 5060);
  if (!g_socket_connect (socket, remote_address, NULL, error))
    return NULL;
  local = g_socket_get_local_address (socket, error);
  if (local == NULL)
    return NULL;
  return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CbSoftphone) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CbLineCredentials) line = NULL;
  g_autofree char *host = NULL;
  g_autofree char *local = NULL;
  g_autofree char *pinned = NULL;
  GTlsCertificate *accepted;
  const char *registrar = NULL;

  line = cb_rest_client_get_line_finish (CB_REST_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error == NULL)
    {
      /* SIP over TLS when the server offers it and the session itself is
       * on HTTPS (or we were given the certificate to trust): the same
       * certificate serves both, so the phone trusts what the sign-in
       * trusted, the system's or the one the user pinned. */
      if (self->tls_pinned_certificate != NULL)
        pinned = g_strdup (self->tls_pinned_certificate);
      else if ((accepted = cb_rest_client_get_accepted_certificate (self->rest)) != NULL)
        g_object_get (accepted, "certificate-pem", &pinned, NULL);
      registrar = line->registrar_tls != NULL &&
                  (pinned != NULL || g_str_has_prefix (cb_rest_client_get_base_url (self->rest), "https:"))
                  ? line->registrar_tls : line->registrar;
      host = registrar_host (registrar);
      local = local_address_for (host, &error);
    }
  if (error == NULL && registrar == line->registrar_tls)
    self->agent = cb_sip_agent_new_tls (local, line->username, pinned, &error);
  else if (error == NULL)
    self->agent = cb_sip_agent_new (local, 0, line->username, &error);
  if (error != NULL)
    {
      g_debug ("No softphone: %s", error->message);
      set_last_error (self, error->message);
      set_registration_state (self, CB_REGISTRATION_STATE_UNAVAILABLE);
      return;
    }

  g_free (self->line);
  self->line = g_strdup (line->username);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINE]);
  g_free (self->registrar);
  self->registrar = g_strdup (registrar);
  g_free (self->password);
  self->password = g_strdup (line->password);
  g_free (self->local_address);
  self->local_address = g_strdup (local);

  g_object_set (self->agent, "audio-src", self->audio_src, "audio-sink", self->audio_sink, NULL);
  /* The server's own calls through us (pickup, call from this phone,
   * consultation) come with Call-Info answer-after=0: the user asked. */
  g_object_set (self->agent, "answer-after", TRUE, NULL);
  g_signal_connect_object (self->agent, "incoming-call", G_CALLBACK (on_incoming_call), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->agent, "notify::registered", G_CALLBACK (on_registered), self,
                           G_CONNECT_SWAPPED);
  g_debug ("Registering line %s at %s from %s", line->username, registrar, local);
  cb_sip_agent_register (self->agent, registrar, line->password);
}

void
cb_softphone_start (CbSoftphone *self)
{
  g_return_if_fail (CB_IS_SOFTPHONE (self));

  if (self->agent != NULL || self->registration_state == CB_REGISTRATION_STATE_REGISTERING)
    return;

  set_last_error (self, NULL);
  set_registration_state (self, CB_REGISTRATION_STATE_REGISTERING);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  cb_rest_client_get_line_async (self->rest, self->cancellable, on_line, g_object_ref (self));
  cb_rest_client_list_calls_async (self->rest, self->cancellable, on_existing_calls,
                                   g_object_ref (self));
}

void
cb_softphone_stop (CbSoftphone *self)
{
  g_return_if_fail (CB_IS_SOFTPHONE (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->tracker != NULL)
    cb_call_tracker_clear (self->tracker);
  if (self->agent != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->agent, self);
      cb_sip_agent_shutdown (self->agent);
      g_clear_object (&self->agent);
    }
  set_registration_state (self, CB_REGISTRATION_STATE_OFFLINE);
}

static gboolean
has_live_calls (CbSoftphone *self)
{
  GListModel *calls = cb_call_tracker_get_calls (self->tracker);
  guint n = g_list_model_get_n_items (calls);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbCall) call = g_list_model_get_item (calls, i);

      if (!cb_call_is_remote (call) && cb_call_get_state (call) != CB_CALL_STATE_ENDED)
        return TRUE;
    }
  return FALSE;
}

void
cb_softphone_reregister (CbSoftphone *self)
{
  g_autofree char *host = NULL;
  g_autofree char *local = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CB_IS_SOFTPHONE (self));

  if (self->agent == NULL || self->registrar == NULL)
    return;

  host = registrar_host (self->registrar);
  local = local_address_for (host, &error);
  if (local == NULL)
    g_debug ("No route to %s now: %s", host, error->message);
  /* The agent's socket is bound to its address: on another one it needs
   * a new agent, which calls under way would not survive. */
  if (local != NULL && g_strcmp0 (local, self->local_address) != 0 && !has_live_calls (self))
    {
      g_debug ("Local address %s -> %s: starting the softphone again", self->local_address, local);
      cb_softphone_stop (self);
      cb_softphone_start (self);
      return;
    }
  g_debug ("Registering line %s again", self->line);
  set_registration_state (self, CB_REGISTRATION_STATE_REGISTERING);
  cb_sip_agent_register (self->agent, self->registrar, self->password);
}

/* --- GObject --- */

static void
cb_softphone_dispose (GObject *object)
{
  CbSoftphone *self = CB_SOFTPHONE (object);

  if (self->tracker != NULL)
    {
      cb_softphone_stop (self);
      g_signal_handlers_disconnect_by_data (self->tracker, self);
      cb_call_tracker_set_controls (self->tracker, NULL, NULL);
    }
  g_clear_object (&self->rest);
  g_clear_object (&self->call_as);

  G_OBJECT_CLASS (cb_softphone_parent_class)->dispose (object);
}

static void
cb_softphone_finalize (GObject *object)
{
  CbSoftphone *self = CB_SOFTPHONE (object);

  g_free (self->line);
  g_free (self->registrar);
  g_free (self->tls_pinned_certificate);
  g_free (self->password);
  g_free (self->local_address);
  g_free (self->last_error);
  g_free (self->audio_src);
  g_free (self->audio_sink);
  /* Kept until now: the calls model outlives a dispose. */
  g_clear_object (&self->tracker);

  G_OBJECT_CLASS (cb_softphone_parent_class)->finalize (object);
}

static guint
get_linger_ms (CbSoftphone *self)
{
  CbCallTrackerTiming timing;

  cb_call_tracker_get_timing (self->tracker, &timing);
  return timing.ended_linger_ms;
}

static void
cb_softphone_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CbSoftphone *self = CB_SOFTPHONE (object);

  switch (prop_id)
    {
    case PROP_REGISTRATION_STATE:
      g_value_set_enum (value, self->registration_state);
      break;
    case PROP_LINE:
      g_value_set_string (value, self->line);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_CALLS:
      g_value_set_object (value, cb_call_tracker_get_calls (self->tracker));
      break;
    case PROP_AUDIO_SRC:
      g_value_set_string (value, self->audio_src);
      break;
    case PROP_AUDIO_SINK:
      g_value_set_string (value, self->audio_sink);
      break;
    case PROP_ENDED_LINGER_MS:
      g_value_set_uint (value, get_linger_ms (self));
      break;
    case PROP_TLS_PINNED_CERTIFICATE:
      g_value_set_string (value, self->tls_pinned_certificate);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_string (CbSoftphone  *self,
            char        **field,
            const char   *value,
            GParamSpec   *pspec)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  /* The agent hands them to each new call; running calls keep theirs. */
  if (self->agent != NULL)
    g_object_set (self->agent, g_param_spec_get_name (pspec), value, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
cb_softphone_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  CbSoftphone *self = CB_SOFTPHONE (object);

  switch (prop_id)
    {
    case PROP_AUDIO_SRC:
      set_string (self, &self->audio_src, g_value_get_string (value), pspec);
      break;
    case PROP_AUDIO_SINK:
      set_string (self, &self->audio_sink, g_value_get_string (value), pspec);
      break;
    case PROP_ENDED_LINGER_MS:
      if (get_linger_ms (self) != g_value_get_uint (value))
        {
          CbCallTrackerTiming timing;

          cb_call_tracker_get_timing (self->tracker, &timing);
          timing.ended_linger_ms = g_value_get_uint (value);
          cb_call_tracker_set_timing (self->tracker, &timing);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_TLS_PINNED_CERTIFICATE:
      /* Takes effect at the next start. */
      if (g_strcmp0 (self->tls_pinned_certificate, g_value_get_string (value)) != 0)
        {
          g_free (self->tls_pinned_certificate);
          self->tls_pinned_certificate = g_value_dup_string (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_softphone_class_init (CbSoftphoneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = cb_softphone_dispose;
  object_class->finalize = cb_softphone_finalize;
  object_class->get_property = cb_softphone_get_property;
  object_class->set_property = cb_softphone_set_property;

  properties[PROP_REGISTRATION_STATE] =
    g_param_spec_enum ("registration-state", NULL, NULL, CB_TYPE_REGISTRATION_STATE,
                       CB_REGISTRATION_STATE_OFFLINE, ro);
  properties[PROP_LINE] = g_param_spec_string ("line", NULL, NULL, NULL, ro);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, ro);
  properties[PROP_CALLS] =
    g_param_spec_object ("calls", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUDIO_SRC] = g_param_spec_string ("audio-src", NULL, NULL, NULL, rw);
  properties[PROP_AUDIO_SINK] = g_param_spec_string ("audio-sink", NULL, NULL, NULL, rw);
  properties[PROP_ENDED_LINGER_MS] =
    g_param_spec_uint ("ended-linger-ms", NULL, NULL, 0, G_MAXUINT, 2000, rw);
  /* The server's certificate (PEM) as the sign-in pinned it: with it,
   * and a server that offers SIP over TLS, the line registers over TLS
   * trusting that certificate alone, and calls offer SRTP. NULL: UDP. */
  properties[PROP_TLS_PINNED_CERTIFICATE] =
    g_param_spec_string ("tls-pinned-certificate", NULL, NULL, NULL, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_INCOMING_CALL] =
    g_signal_new ("incoming-call", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CB_TYPE_CALL);
}

static void
cb_softphone_init (CbSoftphone *self)
{
}

CbSoftphone *
cb_softphone_new (CbSession *session)
{
  CbSoftphone *self;

  g_return_val_if_fail (CB_IS_SESSION (session), NULL);

  self = g_object_new (CB_TYPE_SOFTPHONE, NULL);
  self->rest = g_object_ref (cb_session_get_rest_client (session));
  self->call_as = g_object_ref (cb_session_get_call_as (session));
  self->tracker = cb_call_tracker_new (cb_session_get_user_id (session),
                                       cb_session_get_store (session));
  cb_call_tracker_set_controls (self->tracker, &controls, self);
  g_signal_connect_object (self->tracker, "incoming-call", G_CALLBACK (on_tracker_incoming_call),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "event-received", G_CALLBACK (on_event_received), self,
                           G_CONNECT_SWAPPED);
  return self;
}

CbCallAs *
cb_softphone_get_call_as (CbSoftphone *self)
{
  g_return_val_if_fail (CB_IS_SOFTPHONE (self), NULL);
  return self->call_as;
}

CbRegistrationState
cb_softphone_get_registration_state (CbSoftphone *self)
{
  g_return_val_if_fail (CB_IS_SOFTPHONE (self), CB_REGISTRATION_STATE_OFFLINE);
  return self->registration_state;
}

const char *
cb_softphone_get_line (CbSoftphone *self)
{
  g_return_val_if_fail (CB_IS_SOFTPHONE (self), NULL);
  return self->line;
}

const char *
cb_softphone_get_registrar (CbSoftphone *self)
{
  g_return_val_if_fail (CB_IS_SOFTPHONE (self), NULL);
  return self->registrar;
}

const char *
cb_softphone_get_last_error (CbSoftphone *self)
{
  g_return_val_if_fail (CB_IS_SOFTPHONE (self), NULL);
  return self->last_error;
}

GListModel *
cb_softphone_get_calls (CbSoftphone *self)
{
  g_return_val_if_fail (CB_IS_SOFTPHONE (self), NULL);
  return cb_call_tracker_get_calls (self->tracker);
}

CbCall *
cb_softphone_lookup_call (CbSoftphone *self,
                          const char  *id)
{
  g_return_val_if_fail (CB_IS_SOFTPHONE (self), NULL);
  return cb_call_tracker_lookup (self->tracker, id);
}

CbCall *
cb_softphone_lookup_server_call (CbSoftphone *self,
                                 const char  *server_call_id)
{
  g_return_val_if_fail (CB_IS_SOFTPHONE (self), NULL);
  return cb_call_tracker_lookup_server_call (self->tracker, server_call_id);
}

/* One call talks at a time: the others go on hold. */
static void
hold_others (CbSoftphone *self,
             CbCall      *keep)
{
  GListModel *calls = cb_call_tracker_get_calls (self->tracker);
  guint n = g_list_model_get_n_items (calls);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbCall) call = g_list_model_get_item (calls, i);
      g_autoptr(GError) error = NULL;

      if (call != keep && !cb_call_is_remote (call) &&
          cb_call_get_state (call) == CB_CALL_STATE_CONNECTED &&
          !cb_call_set_held (call, TRUE, &error))
        g_debug ("Could not hold call %s: %s", cb_call_get_id (call), error->message);
    }
}

CbCall *
cb_softphone_dial (CbSoftphone  *self,
                   const char   *number,
                   GError      **error)
{
  g_autoptr(CbSipCall) sip_call = NULL;
  g_autofree char *clean = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *headers = NULL;

  g_return_val_if_fail (CB_IS_SOFTPHONE (self), NULL);
  g_return_val_if_fail (number != NULL, NULL);

  if (self->agent == NULL || self->registrar == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           "The softphone is not registered");
      return NULL;
    }

  /* People paste numbers with spaces and dashes; SIP wants none. */
  clean = g_strdup (number);
  g_strdelimit (clean, " -/()", ' ');
  {
    char *out = clean;
    for (const char *in = clean; *in != '\0'; in++)
      if (*in != ' ')
        *out++ = *in;
    *out = '\0';
  }
  if (*clean == '\0' || strspn (clean, "+0123456789*#") != strlen (clean))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not a phone number", number);
      return NULL;
    }

  uri = g_strdup_printf ("sip:%s@%s", clean, after_scheme (self->registrar));
  /* "Call as" a leader: the server checks that we assist them and shows
   * them to the callee. */
  if (cb_call_as_get_as_user_id (self->call_as) > 0)
    headers = g_strdup_printf (CB_SOFTPHONE_HEADER_CALL_AS ": %" G_GINT64_FORMAT,
                               cb_call_as_get_as_user_id (self->call_as));
  hold_others (self, NULL);
  sip_call = cb_sip_agent_dial_with_headers (self->agent, uri, headers, error);
  if (sip_call == NULL)
    return NULL;

  return track_dialog (self, sip_call, clean);  /* the calls model keeps it */
}

gboolean
cb_softphone_resume (CbSoftphone  *self,
                     CbCall       *call,
                     GError      **error)
{
  g_return_val_if_fail (CB_IS_SOFTPHONE (self), FALSE);
  g_return_val_if_fail (CB_IS_CALL (call), FALSE);

  hold_others (self, call);
  return cb_call_set_held (call, FALSE, error);
}

gboolean
cb_softphone_answer (CbSoftphone  *self,
                     CbCall       *call,
                     GError      **error)
{
  g_return_val_if_fail (CB_IS_SOFTPHONE (self), FALSE);
  g_return_val_if_fail (CB_IS_CALL (call), FALSE);

  hold_others (self, call);
  return cb_call_answer (call, error);
}
