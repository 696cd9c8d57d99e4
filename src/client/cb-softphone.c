/* cb-softphone.c: the signed-in user's embedded SIP phone
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session owns the softphone and the softphone only holds a weak
 * reference back: the phone must not keep a signed-out session alive.
 * Everything runs on the default main context, where sofia-sip's source
 * is attached too.
 */

#define G_LOG_DOMAIN "cb-client"

#include "config.h"

#include "cb-client-private.h"
#include "cb-sip-agent.h"
#include "cb-softphone.h"

#define ENDED_LINGER_MS_DEFAULT 2000

G_DEFINE_ENUM_TYPE (CbRegistrationState, cb_registration_state,
  G_DEFINE_ENUM_VALUE (CB_REGISTRATION_STATE_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (CB_REGISTRATION_STATE_REGISTERING, "registering"),
  G_DEFINE_ENUM_VALUE (CB_REGISTRATION_STATE_REGISTERED, "registered"),
  G_DEFINE_ENUM_VALUE (CB_REGISTRATION_STATE_UNAVAILABLE, "unavailable"))

struct _CbSoftphone
{
  GObject              parent_instance;

  GWeakRef             session;
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
};

G_DEFINE_FINAL_TYPE (CbSoftphone, cb_softphone, G_TYPE_OBJECT)

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

static void
on_incoming_call (CbSoftphone *self,
                  CbSipCall   *sip_call,
                  CbSipAgent  *agent)
{
  g_autofree char *number = cb_call_number_from_uri (cb_sip_call_get_remote_uri (sip_call));
  g_autoptr(CbCall) call = add_call (self, sip_call, number);

  g_debug ("Incoming call %s from %s", cb_call_get_id (call), number);
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
      cb_call_hangup (call);
    }
  g_list_store_remove_all (self->calls);
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
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *host = NULL;
  g_autofree char *local = NULL;
  const char *username = NULL;
  const char *password = NULL;
  const char *registrar = NULL;
  JsonObject *line;

  answer = cb_session_request_finish (CB_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error == NULL && (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer)))
    error = g_error_new_literal (CB_PROTOCOL_ERROR, CB_PROTOCOL_ERROR_INVALID_JSON,
                                 "The line answer is not a JSON object");
  if (error == NULL)
    {
      line = json_node_get_object (answer);
      if (cb_json_get_string (line, "username", TRUE, &username, &error) &&
          cb_json_get_string (line, "password", TRUE, &password, &error))
        cb_json_get_string (line, "registrar", TRUE, &registrar, &error);
    }
  if (error == NULL)
    {
      host = registrar_host (registrar);
      local = local_address_for (host, &error);
    }
  if (error == NULL)
    self->agent = cb_sip_agent_new (local, 0, username, &error);
  if (error != NULL)
    {
      g_debug ("No softphone: %s", error->message);
      set_last_error (self, error->message);
      set_registration_state (self, CB_REGISTRATION_STATE_UNAVAILABLE);
      return;
    }

  g_free (self->line);
  self->line = g_strdup (username);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINE]);
  g_free (self->registrar);
  self->registrar = g_strdup (registrar);

  g_object_set (self->agent, "audio-src", self->audio_src, "audio-sink", self->audio_sink, NULL);
  g_signal_connect_object (self->agent, "incoming-call", G_CALLBACK (on_incoming_call), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->agent, "notify::registered", G_CALLBACK (on_registered), self,
                           G_CONNECT_SWAPPED);
  g_debug ("Registering line %s at %s from %s", username, registrar, local);
  cb_sip_agent_register (self->agent, registrar, password);
}

void
cb_softphone_start (CbSoftphone *self)
{
  g_autoptr(CbSession) session = NULL;

  g_return_if_fail (CB_IS_SOFTPHONE (self));

  session = g_weak_ref_get (&self->session);
  if (session == NULL || self->agent != NULL ||
      self->registration_state == CB_REGISTRATION_STATE_REGISTERING)
    return;

  set_last_error (self, NULL);
  set_registration_state (self, CB_REGISTRATION_STATE_REGISTERING);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  cb_session_request_async (session, "GET", CB_API_PREFIX "/me/line", NULL, self->cancellable,
                            on_line, g_object_ref (self));
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

  G_OBJECT_CLASS (cb_softphone_parent_class)->dispose (object);
}

static void
cb_softphone_finalize (GObject *object)
{
  CbSoftphone *self = CB_SOFTPHONE (object);

  g_weak_ref_clear (&self->session);
  g_free (self->line);
  g_free (self->registrar);
  g_free (self->last_error);
  g_free (self->audio_src);
  g_free (self->audio_sink);

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
  g_weak_ref_init (&self->session, NULL);
  self->calls = g_list_store_new (CB_TYPE_CALL);
  self->ended_linger_ms = ENDED_LINGER_MS_DEFAULT;
}

CbSoftphone *
cb_softphone_new (CbSession *session)
{
  CbSoftphone *self;

  g_return_val_if_fail (CB_IS_SESSION (session), NULL);

  self = g_object_new (CB_TYPE_SOFTPHONE, NULL);
  g_weak_ref_set (&self->session, session);
  self->store = g_object_ref (cb_session_get_store (session));
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

      if (call != keep && cb_call_get_state (call) == CB_CALL_STATE_CONNECTED &&
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
