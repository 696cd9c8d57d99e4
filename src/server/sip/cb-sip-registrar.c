/* cb-sip-registrar.c: callboardd's SIP endpoint: registrar and location service
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One sofia-sip nua on the GLib main loop with media handling off: the
 * application answers REGISTER itself (digest against the per-line secret
 * in the store, bindings kept in memory with their expiry) and the B2BUA
 * in cb-sip-b2bua.c takes INVITE and the rest. Malformed requests never
 * reach us: sofia's parser answers 400 or drops them (RFC 3261 §16.3,
 * §18.3), which the hostile-SIP test checks.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <malloc.h>
#include <string.h>

#include "cb-sip-private.h"
#include "cb-sip-queue.h"
#include "cb-sip-trunk.h"

#include <sofia-sip/sip_header.h>

#define SHUTDOWN_TIMEOUT_MS 5000
#define DEFAULT_EXPIRES 3600
#define MIN_EXPIRES 10

G_DEFINE_FINAL_TYPE (CbSipRegistrar, cb_sip_registrar, G_TYPE_OBJECT)

static void
binding_free (CbSipBinding *binding)
{
  g_free (binding->line);
  g_free (binding->kind);
  g_free (binding->contact);
  g_free (binding);
}

static void
cb_sip_registrar_dispose (GObject *object)
{
  CbSipRegistrar *self = CB_SIP_REGISTRAR (object);

  cb_sip_registrar_stop (self);
  G_OBJECT_CLASS (cb_sip_registrar_parent_class)->dispose (object);
}

static void
cb_sip_registrar_finalize (GObject *object)
{
  CbSipRegistrar *self = CB_SIP_REGISTRAR (object);

  g_clear_pointer (&self->bindings, g_ptr_array_unref);
  g_clear_pointer (&self->calls, g_hash_table_unref);
  g_clear_pointer (&self->digest, cb_sip_digest_free);
  g_clear_pointer (&self->trunk, cb_sip_trunk_free);
  g_clear_object (&self->changes);
  g_free (self->address);
  g_free (self->uri);
  G_OBJECT_CLASS (cb_sip_registrar_parent_class)->finalize (object);
}

static void
cb_sip_registrar_class_init (CbSipRegistrarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_sip_registrar_dispose;
  object_class->finalize = cb_sip_registrar_finalize;
}

static void
cb_sip_registrar_init (CbSipRegistrar *self)
{
  self->bindings = g_ptr_array_new_with_free_func ((GDestroyNotify) binding_free);
}

CbSipRegistrar *
cb_sip_registrar_new (CbChanges           *changes,
                      const CbSipSettings *settings)
{
  CbSipRegistrar *self = g_object_new (CB_TYPE_SIP_REGISTRAR, NULL);

  self->changes = g_object_ref (changes);
  self->directory = cb_changes_get_directory (changes);
  self->store = cb_changes_get_store (changes);
  self->settings = settings;
  self->digest = cb_sip_digest_new (settings->realm, settings->nonce_lifetime);
  _cb_sip_b2bua_init (self);
  return self;
}

/* ---- line state ---------------------------------------------------------- */

gboolean
cb_sip_registrar_is_registered (CbSipRegistrar *self,
                                gint64          user_id)
{
  g_return_val_if_fail (CB_IS_SIP_REGISTRAR (self), FALSE);

  for (guint i = 0; i < self->bindings->len; i++)
    if (((CbSipBinding *) g_ptr_array_index (self->bindings, i))->user_id == user_id)
      return TRUE;
  return FALSE;
}

void
_cb_sip_registrar_update_line_state (CbSipRegistrar *self,
                                     gint64          user_id)
{
  const CbUserRecord *user = cb_directory_get_user (self->directory, user_id);
  g_autoptr(GError) error = NULL;
  CbLineState state;

  if (user == NULL)
    return;

  /* A call wins over registration: a phone may be in a call while its
   * binding lapses, and the lamp must still say busy. */
  state = _cb_sip_b2bua_line_state (self, user_id);
  /* Waiting in a queue is busy, a queue offer rings. */
  if (state == CB_LINE_STATE_OFFLINE && self->queue != NULL)
    state = _cb_sip_queue_line_state (self->queue, user_id);
  if (state == CB_LINE_STATE_OFFLINE && cb_sip_registrar_is_registered (self, user_id))
    state = CB_LINE_STATE_IDLE;
  /* Whatever changed may make a queue agent ready or not. */
  if (self->queue != NULL)
    _cb_sip_queue_agent_changed (self->queue, user_id);

  if (state != user->line_state &&
      !cb_changes_set_line_state (self->changes, user_id, state, &error))
    g_warning ("Could not set the line state of user %" G_GINT64_FORMAT ": %s",
               user_id, error->message);
}

/* ---- bindings ------------------------------------------------------------ */

static gboolean expire_bindings (gpointer user_data);

static void
schedule_expiry (CbSipRegistrar *self)
{
  gint64 next = G_MAXINT64;

  g_clear_handle_id (&self->expiry_id, g_source_remove);
  for (guint i = 0; i < self->bindings->len; i++)
    next = MIN (next, ((CbSipBinding *) g_ptr_array_index (self->bindings, i))->expires_at);
  if (next == G_MAXINT64)
    return;

  next = MAX (0, next - g_get_monotonic_time ());
  self->expiry_id = g_timeout_add ((guint) (next / 1000) + 1, expire_bindings, self);
}

static gboolean
expire_bindings (gpointer user_data)
{
  CbSipRegistrar *self = user_data;
  g_autoptr(GArray) touched = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 now = g_get_monotonic_time ();

  self->expiry_id = 0;
  for (guint i = self->bindings->len; i > 0; i--)
    {
      CbSipBinding *binding = g_ptr_array_index (self->bindings, i - 1);

      if (binding->expires_at <= now)
        {
          g_debug ("Binding %s of %s expired", binding->contact, binding->line);
          g_array_append_val (touched, binding->user_id);
          g_ptr_array_remove_index (self->bindings, i - 1);
        }
    }
  for (guint i = 0; i < touched->len; i++)
    _cb_sip_registrar_update_line_state (self, g_array_index (touched, gint64, i));
  schedule_expiry (self);
  return G_SOURCE_REMOVE;
}

static CbSipBinding *
find_binding (CbSipRegistrar *self,
              const char     *line,
              const char     *contact)
{
  for (guint i = 0; i < self->bindings->len; i++)
    {
      CbSipBinding *binding = g_ptr_array_index (self->bindings, i);

      if (g_ascii_strcasecmp (binding->line, line) == 0 && strcmp (binding->contact, contact) == 0)
        return binding;
    }
  return NULL;
}

static void
remove_bindings_of_line (CbSipRegistrar *self,
                         const char     *line)
{
  for (guint i = self->bindings->len; i > 0; i--)
    {
      CbSipBinding *binding = g_ptr_array_index (self->bindings, i - 1);

      if (g_ascii_strcasecmp (binding->line, line) == 0)
        g_ptr_array_remove_index (self->bindings, i - 1);
    }
}

GPtrArray *
_cb_sip_registrar_contacts_of (CbSipRegistrar *self,
                               gint64          user_id)
{
  GPtrArray *contacts = g_ptr_array_new_with_free_func (g_free);
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < self->bindings->len; i++)
    {
      CbSipBinding *binding = g_ptr_array_index (self->bindings, i);

      if (binding->user_id == user_id && binding->expires_at > now)
        g_ptr_array_add (contacts, g_strdup (binding->contact));
    }
  return contacts;
}

GPtrArray *
_cb_sip_registrar_contacts_of_kind (CbSipRegistrar *self,
                                    gint64          user_id,
                                    const char     *kind)
{
  GPtrArray *contacts = g_ptr_array_new_with_free_func (g_free);
  gint64 now = g_get_monotonic_time ();

  /* Bindings are appended as they appear: the newest is the phone the
   * user most likely has at hand. */
  for (guint i = self->bindings->len; i > 0; i--)
    {
      CbSipBinding *binding = g_ptr_array_index (self->bindings, i - 1);

      if (binding->user_id == user_id && binding->expires_at > now &&
          g_strcmp0 (binding->kind, kind) == 0)
        g_ptr_array_add (contacts, g_strdup (binding->contact));
    }
  return contacts;
}

/* ---- authentication ------------------------------------------------------ */

static void
challenge (CbSipRegistrar *self,
           nua_handle_t   *nh,
           gboolean        proxy,
           gboolean        stale)
{
  g_autofree char *value = cb_sip_digest_challenge (self->digest, stale);

  if (proxy)
    nua_respond (nh, SIP_407_PROXY_AUTH_REQUIRED, NUTAG_WITH_THIS (self->nua),
                 SIPTAG_PROXY_AUTHENTICATE_STR (value), TAG_END ());
  else
    nua_respond (nh, SIP_401_UNAUTHORIZED, NUTAG_WITH_THIS (self->nua),
                 SIPTAG_WWW_AUTHENTICATE_STR (value), TAG_END ());
}

gint64
_cb_sip_registrar_authenticate (CbSipRegistrar  *self,
                                nua_handle_t    *nh,
                                const sip_t     *sip,
                                gboolean         proxy,
                                char           **line)
{
  const msg_auth_t *auth = proxy ? sip->sip_proxy_authorization : sip->sip_authorization;
  g_autoptr(CbSipLineRecord) record = NULL;
  g_autofree char *username = NULL;
  g_autofree char *realm = NULL;
  const char *method = sip->sip_request->rq_method_name;

  /* Several credentials may be present (other realms): use ours. */
  for (; auth != NULL; auth = auth->au_next)
    {
      g_free (realm);
      realm = cb_sip_digest_param (auth->au_params, "realm");
      if (g_ascii_strcasecmp (auth->au_scheme, "Digest") == 0 &&
          g_strcmp0 (realm, cb_sip_digest_get_realm (self->digest)) == 0)
        break;
    }
  if (auth == NULL)
    {
      challenge (self, nh, proxy, FALSE);
      return 0;
    }

  username = cb_sip_digest_param (auth->au_params, "username");
  if (username != NULL)
    record = cb_store_find_sip_line (self->store, username, NULL);
  if (record == NULL)
    {
      /* Unknown user: the same answer as a wrong password, so line
       * names cannot be probed. */
      nua_respond (nh, SIP_403_FORBIDDEN, NUTAG_WITH_THIS (self->nua), TAG_END ());
      return 0;
    }

  switch (cb_sip_digest_verify (self->digest, auth->au_params, method, record->secret))
    {
    case CB_SIP_DIGEST_OK:
      if (line != NULL)
        *line = g_strdup (record->username);
      return record->user_id;

    case CB_SIP_DIGEST_STALE:
      challenge (self, nh, proxy, TRUE);
      return 0;

    case CB_SIP_DIGEST_WRONG:
    default:
      g_debug ("Wrong digest credentials for line %s", username);
      nua_respond (nh, SIP_403_FORBIDDEN, NUTAG_WITH_THIS (self->nua), TAG_END ());
      return 0;
    }
}

/* ---- REGISTER ------------------------------------------------------------ */

static void
handle_register (CbSipRegistrar *self,
                 nua_handle_t   *nh,
                 const sip_t    *sip)
{
  g_autofree char *line = NULL;
  g_autoptr(GString) contacts = g_string_new (NULL);
  g_autoptr(CbSipLineRecord) record = NULL;
  gint64 user_id;
  gint64 now = g_get_monotonic_time ();
  guint default_expires = DEFAULT_EXPIRES;
  const char *aor_user;

  if (sip->sip_to == NULL || sip->sip_to->a_url->url_user == NULL)
    {
      nua_respond (nh, SIP_400_BAD_REQUEST, NUTAG_WITH_THIS (self->nua), TAG_END ());
      return;
    }
  aor_user = sip->sip_to->a_url->url_user;

  user_id = _cb_sip_registrar_authenticate (self, nh, sip, FALSE, &line);
  if (user_id == 0)
    return;
  /* A line registers its own address of record only. */
  if (g_ascii_strcasecmp (aor_user, line) != 0)
    {
      nua_respond (nh, SIP_403_FORBIDDEN, NUTAG_WITH_THIS (self->nua), TAG_END ());
      return;
    }

  /* The kind decides which phone "call from desk phone" rings. */
  record = cb_store_find_sip_line (self->store, line, NULL);

  if (sip->sip_expires != NULL)
    default_expires = sip->sip_expires->ex_delta;

  for (const sip_contact_t *m = sip->sip_contact; m != NULL; m = m->m_next)
    {
      g_autofree char *uri = NULL;
      char *text;
      guint expires = default_expires;
      CbSipBinding *binding;

      /* "Contact: *" with Expires: 0 removes every binding (§10.3 6). */
      if (m->m_url->url_type == url_any)
        {
          if (default_expires != 0 || sip->sip_contact->m_next != NULL)
            {
              nua_respond (nh, SIP_400_BAD_REQUEST, NUTAG_WITH_THIS (self->nua), TAG_END ());
              return;
            }
          remove_bindings_of_line (self, line);
          break;
        }

      if (m->m_expires != NULL)
        expires = (guint) g_ascii_strtoull (m->m_expires, NULL, 10);
      if (expires > 0)
        expires = CLAMP (expires, MIN_EXPIRES, self->settings->max_expires);

      text = url_as_string (self->home, m->m_url);
      uri = g_strdup (text);
      su_free (self->home, text);
      binding = find_binding (self, line, uri);
      if (expires == 0)
        {
          if (binding != NULL)
            g_ptr_array_remove (self->bindings, binding);
          continue;
        }
      if (binding == NULL)
        {
          binding = g_new0 (CbSipBinding, 1);
          binding->line = g_strdup (line);
          binding->kind = g_strdup (record != NULL ? record->kind : "softphone");
          binding->user_id = user_id;
          binding->contact = g_strdup (uri);
          g_ptr_array_add (self->bindings, binding);
          g_debug ("Line %s registered %s", line, uri);
        }
      binding->expires_at = now + (gint64) expires * G_USEC_PER_SEC;
    }

  /* The answer lists every current binding of the line (§10.3 8). */
  for (guint i = 0; i < self->bindings->len; i++)
    {
      CbSipBinding *binding = g_ptr_array_index (self->bindings, i);

      if (g_ascii_strcasecmp (binding->line, line) != 0)
        continue;
      g_string_append_printf (contacts, "%s<%s>;expires=%" G_GINT64_FORMAT,
                              contacts->len > 0 ? ", " : "", binding->contact,
                              (binding->expires_at - now + G_USEC_PER_SEC / 2) / G_USEC_PER_SEC);
    }

  nua_respond (nh, SIP_200_OK, NUTAG_WITH_THIS (self->nua),
               TAG_IF (contacts->len > 0, SIPTAG_CONTACT_STR (contacts->str)),
               TAG_END ());
  schedule_expiry (self);
  _cb_sip_registrar_update_line_state (self, user_id);
}

/* ---- the stack ----------------------------------------------------------- */

/* The stack runs in a thread of its own (su_clone), so its messages and
 * transactions come from that thread's glibc arena, which keeps what is
 * freed there until malloc_trim(): each call's transactions live some
 * 32 s (RFC 3261 timers), and after a burst of calls the resident size
 * stayed at its peak (400 MB after 12,000 calls at up to 800 cps, with
 * 6 MB in use). Trimmed every TRIM_INTERVAL_S unless calls are on the
 * rise (the memory would be needed again at once). One timer per
 * process, as the heap is. */
#define TRIM_INTERVAL_S 30

static guint trim_id;
static guint trim_calls;

static gboolean
trim_memory (gpointer data)
{
  CbSipRegistrar *self = data;
  guint calls = g_hash_table_size (self->calls);

  if (calls <= trim_calls)
    malloc_trim (0);
  trim_calls = calls;
  return G_SOURCE_CONTINUE;
}

static void
on_nua_event (nua_event_t     event,
              int             status,
              char const     *phrase,
              nua_t          *nua,
              CbSipRegistrar *self,
              nua_handle_t   *nh,
              CbSipMagic     *magic,
              sip_t const    *sip,
              tagi_t          tags[])
{
  g_debug ("%s %d %s", nua_event_name (event), status, phrase ? phrase : "");

  switch (event)
    {
    case nua_r_shutdown:
      if (status >= 200)
        self->shutdown_done = TRUE;
      return;

    case nua_i_register:
      if (sip != NULL)
        handle_register (self, nh, sip);
      else
        nua_respond (nh, SIP_400_BAD_REQUEST, NUTAG_WITH_THIS (self->nua), TAG_END ());
      nua_handle_destroy (nh);
      return;

    case nua_i_options:
    case nua_i_message:
    case nua_i_publish:
    case nua_i_subscribe:
      /* Answered by sofia (200 to OPTIONS, 405/501 otherwise); the
       * handle is ours to drop. */
      if (magic == NULL)
        nua_handle_destroy (nh);
      return;

    default:
      if (magic != NULL && magic->kind == CB_SIP_MAGIC_QUEUE && self->queue != NULL)
        _cb_sip_queue_event (self->queue, event, status, phrase, nh, magic, sip, tags);
      else
        _cb_sip_b2bua_event (self, event, status, phrase, nh, magic, sip, tags);
      return;
    }
}

/* One free port for both transports: sofia binds UDP and TCP separately,
 * and with port 0 each would get a different one. */
static guint
pick_free_port (const char  *address,
                GError     **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GError) local_error = NULL;

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Not an IP address: %s", address);
      return 0;
    }

  for (guint attempt = 0; attempt < 20; attempt++)
    {
      g_autoptr(GSocket) udp = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_DATAGRAM,
                                             G_SOCKET_PROTOCOL_UDP, error);
      g_autoptr(GSocket) tcp = NULL;
      g_autoptr(GSocketAddress) any = g_inet_socket_address_new (inet, 0);
      g_autoptr(GSocketAddress) bound = NULL;
      g_autoptr(GSocketAddress) same = NULL;
      guint port;

      if (udp == NULL || !g_socket_bind (udp, any, FALSE, error))
        return 0;
      bound = g_socket_get_local_address (udp, error);
      if (bound == NULL)
        return 0;
      port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

      tcp = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                          G_SOCKET_PROTOCOL_TCP, error);
      if (tcp == NULL)
        return 0;
      same = g_inet_socket_address_new (inet, port);
      if (g_socket_bind (tcp, same, TRUE, NULL))
        return port;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE, "No free SIP port on %s", address);
  return 0;
}

gboolean
cb_sip_registrar_start (CbSipRegistrar  *self,
                        const char      *address,
                        guint            port,
                        GError         **error)
{
  g_autofree char *url = NULL;
  GSource *source;

  g_return_val_if_fail (CB_IS_SIP_REGISTRAR (self), FALSE);
  g_return_val_if_fail (self->nua == NULL, FALSE);

  if (port == 0)
    {
      port = pick_free_port (address, error);
      if (port == 0)
        return FALSE;
    }

  su_init ();
  su_home_init (self->home);
  self->root = su_glib_root_create (self);
  if (self->root == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not create the sofia-sip root");
      su_home_deinit (self->home);
      return FALSE;
    }
  /* Borrowed: su_root_destroy() frees it. */
  source = su_glib_root_gsource (self->root);
  g_source_attach (source, NULL);

  /* No transport parameter: UDP and TCP on the same port. */
  url = g_strdup_printf ("sip:%s:%u", address, port);
  self->nua = nua_create (self->root, on_nua_event, self,
                          NUTAG_URL (url),
                          /* SDP is passed through, never negotiated here. */
                          NUTAG_MEDIA_ENABLE (0),
                          NUTAG_AUTOANSWER (0),
                          NUTAG_AUTOALERT (0),
                          NUTAG_AUTOACK (1),
                          NUTAG_APPL_METHOD ("REGISTER"),
                          NUTAG_ALLOW ("INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER"),
                          SIPTAG_USER_AGENT_STR ("callboardd/" PACKAGE_VERSION),
                          TAG_END ());
  if (self->nua == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE, "Could not listen on %s", url);
      su_root_destroy (self->root);
      self->root = NULL;
      /* stop() does nothing without a nua: the home is released here. */
      su_home_deinit (self->home);
      return FALSE;
    }

  self->address = g_strdup (address);
  self->port = port;
  self->uri = g_strdup_printf ("sip:%s:%u", address, port);
  g_clear_pointer (&self->trunk, cb_sip_trunk_free);
  self->trunk = cb_sip_trunk_new (self->settings, address, port);
  self->queue = _cb_sip_queue_new (self);
  if (trim_id == 0)
    trim_id = g_timeout_add_seconds (TRIM_INTERVAL_S, trim_memory, self);
  g_debug ("SIP listening on %s", url);
  return TRUE;
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
cb_sip_registrar_stop (CbSipRegistrar *self)
{
  gint64 deadline;
  guint ticker;

  g_return_if_fail (CB_IS_SIP_REGISTRAR (self));

  g_clear_handle_id (&self->expiry_id, g_source_remove);
  if (self->nua == NULL)
    return;
  g_clear_handle_id (&trim_id, g_source_remove);

  if (self->queue != NULL)
    _cb_sip_queue_shutdown (self->queue);
  _cb_sip_b2bua_shutdown (self);
  nua_shutdown (self->nua);
  deadline = g_get_monotonic_time () + SHUTDOWN_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  ticker = g_timeout_add (50, wake_up, NULL);
  while (!self->shutdown_done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (ticker);

  if (self->shutdown_done)
    nua_destroy (self->nua);
  else
    g_warning ("SIP stack did not shut down in time; leaking it");
  self->nua = NULL;
  su_root_destroy (self->root);
  self->root = NULL;
  g_clear_object (&self->queue);
  su_home_deinit (self->home);
}

guint
cb_sip_registrar_get_port (CbSipRegistrar *self)
{
  g_return_val_if_fail (CB_IS_SIP_REGISTRAR (self), 0);
  return self->port;
}

const char *
cb_sip_registrar_get_uri (CbSipRegistrar *self)
{
  g_return_val_if_fail (CB_IS_SIP_REGISTRAR (self), NULL);
  return self->uri;
}
