/* cb-softphone.c: the signed-in user's embedded SIP phone
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The softphone follows the session's events but holds no reference to
 * it: its owner (the window) drops the phone before the session.
 * Everything runs on the default main context, where sofia-sip's source
 * is attached too.
 */

#define G_LOG_DOMAIN "cb-client"

#include "config.h"

#include <sofia-sip/su_uniqueid.h>

#include "cb-client-private.h"
#include "cb-sip-agent.h"
#include "cb-softphone.h"

#define ENDED_LINGER_MS_DEFAULT 2000
/* How long a ringing call's event may wait for its INVITE to reach us. */
#define REMOTE_GRACE_MS 1000

G_DEFINE_ENUM_TYPE (CbRegistrationState, cb_registration_state,
  G_DEFINE_ENUM_VALUE (CB_REGISTRATION_STATE_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (CB_REGISTRATION_STATE_REGISTERING, "registering"),
  G_DEFINE_ENUM_VALUE (CB_REGISTRATION_STATE_REGISTERED, "registered"),
  G_DEFINE_ENUM_VALUE (CB_REGISTRATION_STATE_UNAVAILABLE, "unavailable"))

struct _CbSoftphone
{
  GObject              parent_instance;

  CbRestClient        *rest;
  gint64               user_id;
  CbClientStore       *store;
  CbSipAgent          *agent;
  GListStore          *calls;
  GCancellable        *cancellable;
  CbRegistrationState  registration_state;
  char                *line;
  char                *registrar;     /* "sip:host:port" */
  char                *last_error;
  char                *audio_src;
  char                *audio_sink;
  guint                ended_linger_ms;
  guint                next_call_id;
  GHashTable          *server_calls;  /* device_call_id -> server call_id */
  GHashTable          *click_calls;   /* device_call_ids the server placed through us */
  GHashTable          *remote_calls;  /* server call_id -> CbCall on another device */
  GHashTable          *consultations; /* consultation's server call_id -> held CbCall */
  GHashTable          *deferred;      /* server call_id -> JsonObject, waiting for our leg */
  GHashTable          *consulting;    /* number being consulted -> until (monotonic s) */
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

/* --- calls --- */

typedef struct {
  GWeakRef softphone;
  CbCall  *call;
} Removal;

static gboolean
remove_call_cb (gpointer user_data)
{
  Removal *removal = user_data;
  g_autoptr(CbSoftphone) self = g_weak_ref_get (&removal->softphone);
  guint position;

  if (self != NULL && self->calls != NULL &&
      g_list_store_find (self->calls, removal->call, &position))
    g_list_store_remove (self->calls, position);

  return G_SOURCE_REMOVE;
}

static void
removal_free (gpointer data)
{
  Removal *removal = data;

  g_weak_ref_clear (&removal->softphone);
  g_object_unref (removal->call);
  g_free (removal);
}

static void
on_call_state (CbSoftphone *self,
               GParamSpec  *pspec,
               CbCall      *call)
{
  Removal *removal;

  if (cb_call_get_state (call) != CB_CALL_STATE_ENDED)
    return;

  g_signal_handlers_disconnect_by_func (call, on_call_state, self);
  removal = g_new0 (Removal, 1);
  g_weak_ref_init (&removal->softphone, self);
  removal->call = g_object_ref (call);
  g_timeout_add_full (G_PRIORITY_DEFAULT, self->ended_linger_ms, remove_call_cb,
                      removal, removal_free);
}

static CbCall *
add_call (CbSoftphone *self,
          CbSipCall   *sip_call,
          const char  *number)
{
  g_autofree char *id = g_strdup_printf ("%u", ++self->next_call_id);
  CbContact *contact = cb_client_store_lookup_number (self->store, number);
  CbCall *call = _cb_call_new (id, sip_call, number, contact);

  g_signal_connect_object (call, "notify::state", G_CALLBACK (on_call_state), self,
                           G_CONNECT_SWAPPED);
  g_list_store_append (self->calls, call);
  return call;
}

static void index_server_call (CbSoftphone *self, JsonObject *call);

/* Asked for a consultation with @number in the last few seconds. */
static gboolean
is_consulting (CbSoftphone *self,
               const char  *number)
{
  gpointer until;

  return g_hash_table_lookup_extended (self->consulting, number, NULL, &until) &&
         GPOINTER_TO_SIZE (until) >= (gsize) (g_get_monotonic_time () / G_USEC_PER_SEC);
}

static void
on_incoming_call (CbSoftphone *self,
                  CbSipCall   *sip_call,
                  CbSipAgent  *agent)
{
  g_autofree char *number = cb_call_number_from_uri (cb_sip_call_get_remote_uri (sip_call));
  g_autoptr(CbCall) call = add_call (self, sip_call, number);
  const char *device_call_id = cb_sip_call_get_call_id (sip_call);
  GHashTableIter iter;
  JsonObject *data;

  g_debug ("Incoming call %s from %s", cb_call_get_id (call), number);

  /* Its event may have come first and waits for this leg. */
  g_hash_table_iter_init (&iter, self->deferred);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &data))
    if (g_strcmp0 (json_object_get_string_member_with_default (data, "device_call_id", NULL),
                   device_call_id) == 0)
      {
        g_autoptr(JsonObject) found = json_object_ref (data);

        g_hash_table_iter_remove (&iter);
        index_server_call (self, found);
        break;
      }

  /* A call the server placed through us does not ring, also when its
   * event is still on the way (the INVITE shows the consulted number),
   * nor one the phone answers by itself at once. */
  if (cb_call_get_direction (call) == CB_CALL_DIRECTION_IN && !is_consulting (self, number) &&
      cb_sip_call_get_answer_after (sip_call) != 0)
    g_signal_emit (self, signals[SIGNAL_INCOMING_CALL], 0, call);
}

static void
end_all_calls (CbSoftphone *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbCall) call = g_list_model_get_item (G_LIST_MODEL (self->calls), i);

      g_signal_handlers_disconnect_by_func (call, on_call_state, self);
      /* The desk phone's calls go on without us. */
      if (cb_call_is_remote (call))
        _cb_call_set_ended (call);
      else
        cb_call_hangup (call);
    }
  g_list_store_remove_all (self->calls);
  g_hash_table_remove_all (self->remote_calls);
  g_hash_table_remove_all (self->consultations);
  g_hash_table_remove_all (self->deferred);
}

/* --- the server's view of our calls --- */

/* Call ids are strings in the protocol; a number is taken as well. */
static char *
dup_id_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

static CbCall *
find_local_call (CbSoftphone *self,
                 const char  *device_call_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));

  if (device_call_id == NULL)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbCall) call = g_list_model_get_item (G_LIST_MODEL (self->calls), i);
      CbSipCall *sip_call = cb_call_get_sip_call (call);

      if (sip_call != NULL && g_strcmp0 (cb_sip_call_get_call_id (sip_call), device_call_id) == 0)
        return call;
    }
  return NULL;
}

/* Pairs a consultation call with the held call it consults about, once
 * both ends are known. */
static void
link_consultation (CbSoftphone *self,
                   CbCall      *call)
{
  CbCall *held;

  if (cb_call_get_server_id (call) == NULL ||
      (held = g_hash_table_lookup (self->consultations, cb_call_get_server_id (call))) == NULL)
    return;
  _cb_call_set_partner (held, call, FALSE);
  _cb_call_set_partner (call, held, TRUE);
  g_hash_table_remove (self->consultations, cb_call_get_server_id (call));
  g_hash_table_remove (self->consulting, cb_call_get_remote_number (call));
}

static void
drop_remote_call (CbSoftphone *self,
                  const char  *call_id)
{
  CbCall *remote = g_hash_table_lookup (self->remote_calls, call_id);
  guint position;

  if (remote == NULL)
    return;
  if (g_list_store_find (self->calls, remote, &position))
    g_list_store_remove (self->calls, position);
  g_hash_table_remove (self->remote_calls, call_id);
}

static void apply_remote_call (CbSoftphone *self, JsonObject *data, gboolean deferred);

static void
add_remote_call (CbSoftphone *self,
                 const char  *call_id,
                 JsonObject  *data)
{
  g_autofree char *id = g_strdup_printf ("%u", ++self->next_call_id);
  const char *number = json_object_get_string_member_with_default (data, "remote_number", "");
  g_autoptr(CbCall) call = NULL;

  call = _cb_call_new_remote (id, self->rest, data, cb_client_store_lookup_number (self->store, number));
  g_debug ("Remote call %s (%s) with %s", id, call_id, number);
  g_hash_table_replace (self->remote_calls, g_strdup (call_id), g_object_ref (call));
  g_signal_connect_object (call, "notify::state", G_CALLBACK (on_call_state), self,
                           G_CONNECT_SWAPPED);
  g_list_store_append (self->calls, call);
  link_consultation (self, call);
}

static gboolean
show_deferred (gpointer user_data)
{
  g_autoptr(CbSoftphone) self = g_weak_ref_get (user_data);
  g_autoptr(GList) values = NULL;

  if (self == NULL)
    return G_SOURCE_REMOVE;
  values = g_hash_table_get_values (self->deferred);
  for (GList *l = values; l != NULL; l = l->next)
    json_object_ref (l->data);
  g_hash_table_remove_all (self->deferred);
  for (GList *l = values; l != NULL; l = l->next)
    {
      apply_remote_call (self, l->data, TRUE);
      json_object_unref (l->data);
    }
  return G_SOURCE_REMOVE;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* Whether the call's event may be about our own phone, whose INVITE may
 * still be on the way. The server names the kind of line the user's leg
 * is on ("device"): a desk phone's call, or one with no leg of ours, is
 * a card at once; a softphone's is ours (unless another client of ours
 * has the line, hence still a short wait). An older server without the
 * field leaves only the guess from device_call_id. */
static gboolean
may_ring_here (JsonObject *data)
{
  JsonNode *device = json_object_get_member (data, "device");

  if (json_object_get_string_member_with_default (data, "device_call_id", NULL) == NULL)
    return FALSE;
  if (device == NULL)
    return TRUE;
  return JSON_NODE_HOLDS_VALUE (device) && json_node_get_value_type (device) == G_TYPE_STRING &&
         g_strcmp0 (json_node_get_string (device), "softphone") == 0;
}

/* A call of ours that is not on this phone: a card of its own, driven
 * by the events. One that rings here as well shows as our own call, and
 * the SIP INVITE may come a moment after the event: wait for it briefly. */
static void
apply_remote_call (CbSoftphone *self,
                   JsonObject  *data,
                   gboolean     deferred)
{
  const char *call_id = json_object_get_string_member_with_default (data, "call_id", NULL);
  const char *state = json_object_get_string_member_with_default (data, "state", "");
  const char *device_call_id = json_object_get_string_member_with_default (data, "device_call_id", NULL);
  CbCall *remote;

  if (call_id == NULL)
    return;
  if ((remote = g_hash_table_lookup (self->remote_calls, call_id)) != NULL)
    {
      _cb_call_apply_json (remote, data);
      if (cb_call_get_state (remote) == CB_CALL_STATE_ENDED)
        g_hash_table_remove (self->remote_calls, call_id);
      return;
    }
  if (g_str_equal (state, "ended"))
    {
      g_hash_table_remove (self->deferred, call_id);
      return;
    }
  if (!deferred && g_str_equal (state, "ringing") &&
      self->registration_state == CB_REGISTRATION_STATE_REGISTERED && may_ring_here (data) &&
      !g_hash_table_contains (self->server_calls, device_call_id))
    {
      GWeakRef *ref = g_new0 (GWeakRef, 1);

      g_weak_ref_init (ref, self);
      if (g_hash_table_size (self->deferred) == 0)
        g_timeout_add_full (G_PRIORITY_DEFAULT, REMOTE_GRACE_MS, show_deferred, ref, weak_ref_free);
      else
        weak_ref_free (ref);
      g_hash_table_replace (self->deferred, g_strdup (call_id), json_object_ref (data));
      return;
    }
  if (deferred && device_call_id != NULL && find_local_call (self, device_call_id) != NULL)
    return;
  add_remote_call (self, call_id, data);
}

static void
index_server_call (CbSoftphone *self,
                   JsonObject  *call)
{
  g_autofree char *call_id = dup_id_member (call, "call_id");
  g_autofree char *device_call_id = dup_id_member (call, "device_call_id");
  gboolean ended = g_strcmp0 (json_object_get_string_member_with_default (call, "state", ""), "ended") == 0;
  CbCall *local;

  /* Colleagues' calls (seen at team level) are not ours to show. */
  if (call_id == NULL ||
      json_object_get_int_member_with_default (call, "user_id", 0) != self->user_id)
    return;

  local = find_local_call (self, device_call_id);
  if (local == NULL)
    {
      apply_remote_call (self, call, FALSE);
      return;
    }

  /* The call moved to this phone (or was here all along). */
  drop_remote_call (self, call_id);
  g_hash_table_remove (self->deferred, call_id);

  /* Outgoing for the server, yet it rang here: the server placed it
   * through our phone (a consultation, RFC 3725 with answer-after=0). */
  if (g_strcmp0 (json_object_get_string_member_with_default (call, "direction", ""), "out") == 0 &&
      cb_call_get_direction (local) == CB_CALL_DIRECTION_IN &&
      !g_hash_table_contains (self->click_calls, device_call_id))
    {
      g_autoptr(GError) error = NULL;

      g_hash_table_add (self->click_calls, g_strdup (device_call_id));
      _cb_call_set_server_driven (local);
      /* With answer-after the phone library has answered it already. */
      if (cb_sip_call_get_state (cb_call_get_sip_call (local)) == CB_SIP_CALL_STATE_INCOMING &&
          !cb_sip_call_answer (cb_call_get_sip_call (local), &error))
        g_debug ("Could not take the server's call: %s", error->message);
    }
  _cb_call_apply_json (local, call);
  link_consultation (self, local);

  if (ended)
    {
      g_hash_table_remove (self->server_calls, device_call_id);
      g_hash_table_remove (self->click_calls, device_call_id);
    }
  else
    g_hash_table_replace (self->server_calls, g_steal_pointer (&device_call_id),
                          g_steal_pointer (&call_id));
}

static void
on_event_received (CbSoftphone *self,
                   gint64       seq,
                   const char  *type,
                   JsonObject  *data,
                   CbSession   *session)
{
  if (g_strcmp0 (type, "call") == 0 && data != NULL)
    index_server_call (self, data);
}

const char *
cb_softphone_get_server_call_id (CbSoftphone *self,
                                 CbCall      *call)
{
  const char *sip_call_id;

  g_return_val_if_fail (CB_IS_SOFTPHONE (self), NULL);
  g_return_val_if_fail (CB_IS_CALL (call), NULL);

  if (cb_call_get_server_id (call) != NULL)
    return cb_call_get_server_id (call);
  if (cb_call_get_sip_call (call) == NULL)
    return NULL;
  sip_call_id = cb_sip_call_get_call_id (cb_call_get_sip_call (call));
  return sip_call_id != NULL ? g_hash_table_lookup (self->server_calls, sip_call_id) : NULL;
}

typedef struct {
  CbCall *call;
  CbCall *to_call;   /* transfer only */
  char   *verb;      /* "forward" or "transfer" */
  char   *to;        /* forward only */
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
start_consultation (CbSoftphone *self,
                    CbCall      *held,
                    const char  *call_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));

  if (call_id == NULL)
    return;
  g_hash_table_replace (self->consultations, g_strdup (call_id), g_object_ref (held));
  /* Its event may have been first. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbCall) call = g_list_model_get_item (G_LIST_MODEL (self->calls), i);

      if (g_strcmp0 (cb_call_get_server_id (call), call_id) == 0)
        link_consultation (self, call);
    }
}

static void
on_control_answer (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CbSoftphone *self = g_task_get_source_object (task);
  ControlData *control = g_task_get_task_data (task);
  g_autofree char *consultation = NULL;
  GError *error = NULL;

  if (g_str_equal (control->verb, "consult"))
    consultation = cb_rest_client_consult_finish (CB_REST_CLIENT (source), result, &error);
  else
    cb_rest_client_finish (CB_REST_CLIENT (source), result, &error);
  if (error != NULL && g_str_equal (control->verb, "consult"))
    g_hash_table_remove (self->consulting, control->to);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (consultation != NULL)
    start_consultation (self, control->call, consultation);
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
    index_server_call (self, g_ptr_array_index (calls, i));
  post_control (task);
}

/* Posts at once when both calls are indexed, else first asks the server
 * for our calls: the `call` event may not have arrived yet. */
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

void
cb_softphone_forward_async (CbSoftphone         *self,
                            CbCall              *call,
                            const char          *to,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ControlData *control;

  g_return_if_fail (CB_IS_SOFTPHONE (self));
  g_return_if_fail (CB_IS_CALL (call));
  g_return_if_fail (to != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cb_softphone_forward_async);
  control = g_new0 (ControlData, 1);
  control->call = g_object_ref (call);
  control->verb = g_strdup ("forward");
  control->to = g_strdup (to);
  g_task_set_task_data (task, control, control_data_free);
  start_control (self, task);
}

gboolean
cb_softphone_forward_finish (CbSoftphone   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
cb_softphone_transfer_async (CbSoftphone         *self,
                             CbCall              *call,
                             CbCall              *to_call,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ControlData *control;

  g_return_if_fail (CB_IS_SOFTPHONE (self));
  g_return_if_fail (CB_IS_CALL (call));
  g_return_if_fail (CB_IS_CALL (to_call));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cb_softphone_transfer_async);
  control = g_new0 (ControlData, 1);
  control->call = g_object_ref (call);
  control->to_call = g_object_ref (to_call);
  control->verb = g_strdup ("transfer");
  g_task_set_task_data (task, control, control_data_free);
  start_control (self, task);
}

gboolean
cb_softphone_transfer_finish (CbSoftphone   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
cb_softphone_consult_async (CbSoftphone         *self,
                            CbCall              *call,
                            const char          *to,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ControlData *control;

  g_return_if_fail (CB_IS_SOFTPHONE (self));
  g_return_if_fail (CB_IS_CALL (call));
  g_return_if_fail (to != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cb_softphone_consult_async);
  control = g_new0 (ControlData, 1);
  control->call = g_object_ref (call);
  control->verb = g_strdup ("consult");
  control->to = g_strdup (to);
  g_task_set_task_data (task, control, control_data_free);
  /* Until the answer, or a few seconds if it never comes. */
  g_hash_table_insert (self->consulting, g_strdup (to),
                       GSIZE_TO_POINTER ((gsize) (g_get_monotonic_time () / G_USEC_PER_SEC + 10)));
  start_control (self, task);
}

gboolean
cb_softphone_consult_finish (CbSoftphone   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
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
    index_server_call (self, g_ptr_array_index (calls, i));
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

/* The host part of "sip:host:port;params". */
static char *
registrar_host (const char *registrar)
{
  const char *start = g_str_has_prefix (registrar, "sip:") ? registrar + 4 : registrar;

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

  line = cb_rest_client_get_line_finish (CB_REST_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error == NULL)
    {
      host = registrar_host (line->registrar);
      local = local_address_for (host, &error);
    }
  if (error == NULL)
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
  self->registrar = g_strdup (line->registrar);

  g_object_set (self->agent, "audio-src", self->audio_src, "audio-sink", self->audio_sink, NULL);
  /* The server's own calls through us (pickup, call from this phone,
   * consultation) come with Call-Info answer-after=0: the user asked. */
  g_object_set (self->agent, "answer-after", TRUE, NULL);
  g_signal_connect_object (self->agent, "incoming-call", G_CALLBACK (on_incoming_call), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->agent, "notify::registered", G_CALLBACK (on_registered), self,
                           G_CONNECT_SWAPPED);
  g_debug ("Registering line %s at %s from %s", line->username, line->registrar, local);
  cb_sip_agent_register (self->agent, line->registrar, line->password);
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
  if (self->calls != NULL)
    end_all_calls (self);
  if (self->agent != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->agent, self);
      cb_sip_agent_shutdown (self->agent);
      g_clear_object (&self->agent);
    }
  set_registration_state (self, CB_REGISTRATION_STATE_OFFLINE);
}

/* --- GObject --- */

static void
cb_softphone_dispose (GObject *object)
{
  CbSoftphone *self = CB_SOFTPHONE (object);

  cb_softphone_stop (self);
  g_clear_object (&self->calls);
  g_clear_object (&self->store);
  g_clear_object (&self->rest);

  G_OBJECT_CLASS (cb_softphone_parent_class)->dispose (object);
}

static void
cb_softphone_finalize (GObject *object)
{
  CbSoftphone *self = CB_SOFTPHONE (object);

  g_free (self->line);
  g_free (self->registrar);
  g_free (self->last_error);
  g_free (self->audio_src);
  g_free (self->audio_sink);
  g_clear_pointer (&self->server_calls, g_hash_table_unref);
  g_clear_pointer (&self->click_calls, g_hash_table_unref);
  g_clear_pointer (&self->remote_calls, g_hash_table_unref);
  g_clear_pointer (&self->consultations, g_hash_table_unref);
  g_clear_pointer (&self->deferred, g_hash_table_unref);
  g_clear_pointer (&self->consulting, g_hash_table_unref);

  G_OBJECT_CLASS (cb_softphone_parent_class)->finalize (object);
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
      g_value_set_object (value, self->calls);
      break;
    case PROP_AUDIO_SRC:
      g_value_set_string (value, self->audio_src);
      break;
    case PROP_AUDIO_SINK:
      g_value_set_string (value, self->audio_sink);
      break;
    case PROP_ENDED_LINGER_MS:
      g_value_set_uint (value, self->ended_linger_ms);
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
      if (self->ended_linger_ms != g_value_get_uint (value))
        {
          self->ended_linger_ms = g_value_get_uint (value);
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
    g_param_spec_uint ("ended-linger-ms", NULL, NULL, 0, G_MAXUINT, ENDED_LINGER_MS_DEFAULT, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_INCOMING_CALL] =
    g_signal_new ("incoming-call", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CB_TYPE_CALL);
}

static void
cb_softphone_init (CbSoftphone *self)
{
  self->calls = g_list_store_new (CB_TYPE_CALL);
  self->ended_linger_ms = ENDED_LINGER_MS_DEFAULT;
  self->server_calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->click_calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->remote_calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->consultations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->deferred = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) json_object_unref);
  self->consulting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

CbSoftphone *
cb_softphone_new (CbSession *session)
{
  CbSoftphone *self;

  g_return_val_if_fail (CB_IS_SESSION (session), NULL);

  self = g_object_new (CB_TYPE_SOFTPHONE, NULL);
  self->store = g_object_ref (cb_session_get_store (session));
  self->rest = g_object_ref (cb_session_get_rest_client (session));
  self->user_id = cb_session_get_user_id (session);
  g_signal_connect_object (session, "event-received", G_CALLBACK (on_event_received), self,
                           G_CONNECT_SWAPPED);
  return self;
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
cb_softphone_get_last_error (CbSoftphone *self)
{
  g_return_val_if_fail (CB_IS_SOFTPHONE (self), NULL);
  return self->last_error;
}

GListModel *
cb_softphone_get_calls (CbSoftphone *self)
{
  g_return_val_if_fail (CB_IS_SOFTPHONE (self), NULL);
  return G_LIST_MODEL (self->calls);
}

CbCall *
cb_softphone_lookup_call (CbSoftphone *self,
                          const char  *id)
{
  guint n;

  g_return_val_if_fail (CB_IS_SOFTPHONE (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbCall) call = g_list_model_get_item (G_LIST_MODEL (self->calls), i);

      if (g_strcmp0 (cb_call_get_id (call), id) == 0)
        return call;  /* the store keeps its reference */
    }
  return NULL;
}

/* One call talks at a time: the others go on hold. */
static void
hold_others (CbSoftphone *self,
             CbCall      *keep)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->calls));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbCall) call = g_list_model_get_item (G_LIST_MODEL (self->calls), i);
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
  g_autoptr(CbCall) call = NULL;
  g_autofree char *clean = NULL;
  g_autofree char *uri = NULL;

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

  uri = g_strdup_printf ("sip:%s@%s", clean,
                         g_str_has_prefix (self->registrar, "sip:") ? self->registrar + 4
                                                                   : self->registrar);
  hold_others (self, NULL);
  sip_call = cb_sip_agent_dial (self->agent, uri, error);
  if (sip_call == NULL)
    return NULL;

  call = add_call (self, sip_call, clean);
  return call;  /* the calls model keeps it */
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
