/* cb-sip-server.c: callboardd's SIP server: the sofia-sip stack, its parts, and who gets which event
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One sofia-sip nua on the GLib main loop with media handling off. The
 * registrar answers REGISTER (cb-sip-registrar.c), the lamps SUBSCRIBE
 * (cb-sip-subscriptions.c); a handle's magic says whose the rest is: a
 * queue's caller or offer (cb-sip-queue.c), a lamp's subscription, or a
 * B2BUA call's leg, and INVITEs without one are new calls for the B2BUA
 * (cb-sip-b2bua.c). Malformed requests never reach us: sofia's parser
 * answers 400 or drops them (RFC 3261 §16.3, §18.3), which the
 * hostile-SIP test checks. A user's line state is derived here from what
 * the parts know.
 *
 * SIP over TLS (sips:, [sip] tls-port) runs beside UDP and TCP when the
 * server has a certificate (cb-sip-tls.c); what is sent to a phone on
 * TLS goes over the connection it opened.
 *
 * No request makes us send anything to an address it names unless it
 * was authenticated: REFER and MESSAGE are not allowed (405 from the
 * stack). Allowed, the stack would accept a REFER even outside any
 * dialog with 202 and send NOTIFYs to its Contact, and a MESSAGE with
 * 200; the application's answer comes too late for the first NOTIFY.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <malloc.h>
#include <string.h>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/tport_tag.h>

#include "cb-sip-b2bua.h"
#include "cb-sip-overload.h"
#include "cb-sip-queue.h"
#include "cb-sip-recovery.h"
#include "cb-sip-registrar.h"
#include "cb-sip-subscriptions.h"
#include "cb-sip-tls.h"
#include "cb-sip-trunk.h"
#include "cb-su-source.h"

#define SHUTDOWN_TIMEOUT_MS 5000
#define UDP_RECEIVE_BUFFER  (4 * 1024 * 1024)
/* What requests may come: the stack answers 405 to others before anyone
 * sees them. */
#define ALLOWED_METHODS "INVITE, ACK, BYE, CANCEL, OPTIONS, PRACK, UPDATE, SUBSCRIBE, NOTIFY, REGISTER"

struct _CbSipServer
{
  GObject              parent_instance;

  CbChanges           *changes;
  CbDirectory         *directory;  /* the changes' */
  CbStore             *store;      /* likewise */
  const CbSipSettings *settings;
  su_root_t           *root;
  nua_t               *nua;
  char                *address;
  char                *uri;
  guint                port;
  char                *tls_uri;    /* "sips:ADDRESS:PORT" while TLS listens */
  char                *tls_dir;    /* the certificate directory sofia reads */
  char                *contact;    /* our Contact towards devices not on TLS, with TLS on */
  char                *tls_contact; /* towards devices on TLS */
  gboolean             shutdown_done;
  CbSipRegistrar      *registrar;
  CbSipB2bua          *b2bua;
  CbSipTrunk          *trunk;
  CbSipQueue          *queue;      /* while started */
  CbSipSubscriptions  *subscriptions; /* likewise */
  CbSipOverload       *overload;
};

G_DEFINE_FINAL_TYPE (CbSipServer, cb_sip_server, G_TYPE_OBJECT)

static void
cb_sip_server_dispose (GObject *object)
{
  CbSipServer *self = CB_SIP_SERVER (object);

  cb_sip_server_stop (self);
  if (self->registrar != NULL)
    g_signal_handlers_disconnect_by_data (self->registrar, self);
  G_OBJECT_CLASS (cb_sip_server_parent_class)->dispose (object);
}

static void
cb_sip_server_finalize (GObject *object)
{
  CbSipServer *self = CB_SIP_SERVER (object);

  g_clear_pointer (&self->b2bua, cb_sip_b2bua_free);
  g_clear_object (&self->registrar);
  g_clear_pointer (&self->trunk, cb_sip_trunk_free);
  g_clear_pointer (&self->overload, cb_sip_overload_free);
  g_clear_object (&self->changes);
  g_free (self->address);
  g_free (self->uri);
  g_free (self->tls_uri);
  g_free (self->contact);
  g_free (self->tls_contact);
  cb_sip_tls_remove_dir (self->tls_dir);
  g_free (self->tls_dir);
  G_OBJECT_CLASS (cb_sip_server_parent_class)->finalize (object);
}

static void
cb_sip_server_class_init (CbSipServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_sip_server_dispose;
  object_class->finalize = cb_sip_server_finalize;
}

static void
cb_sip_server_init (CbSipServer *self)
{
}

static void
on_bindings_changed (CbSipServer *self,
                     gint64       user_id)
{
  cb_sip_server_update_line_state (self, user_id);
}

CbSipServer *
cb_sip_server_new (CbChanges           *changes,
                   const CbSipSettings *settings)
{
  CbSipServer *self = g_object_new (CB_TYPE_SIP_SERVER, NULL);

  self->changes = g_object_ref (changes);
  self->directory = cb_changes_get_directory (changes);
  self->store = cb_changes_get_store (changes);
  self->settings = settings;
  self->registrar = cb_sip_registrar_new (self);
  g_signal_connect_swapped (self->registrar, "bindings-changed", G_CALLBACK (on_bindings_changed), self);
  self->b2bua = cb_sip_b2bua_new (self);
  self->trunk = cb_sip_trunk_new (settings, NULL, 0);
  self->overload = cb_sip_overload_new (settings->max_call_setups, settings->max_call_rate);
  return self;
}

/* ---- what the parts ask ------------------------------------------------ */

nua_t *
cb_sip_server_get_nua (CbSipServer *self)
{
  return self->nua;
}

const char *
cb_sip_server_get_address (CbSipServer *self)
{
  return self->address;
}

CbChanges *
cb_sip_server_get_changes (CbSipServer *self)
{
  return self->changes;
}

CbDirectory *
cb_sip_server_get_directory (CbSipServer *self)
{
  return self->directory;
}

CbStore *
cb_sip_server_get_store (CbSipServer *self)
{
  return self->store;
}

const CbSipSettings *
cb_sip_server_get_settings (CbSipServer *self)
{
  return self->settings;
}

CbSipRegistrar *
cb_sip_server_get_registrar (CbSipServer *self)
{
  return self->registrar;
}

CbSipB2bua *
cb_sip_server_get_b2bua (CbSipServer *self)
{
  return self->b2bua;
}

CbSipQueue *
cb_sip_server_get_queue (CbSipServer *self)
{
  return self->queue;
}

CbSipTrunk *
cb_sip_server_get_trunk (CbSipServer *self)
{
  return self->trunk;
}

gboolean
cb_sip_server_request_source (CbSipServer  *self,
                              char        **address,
                              guint        *port)
{
  msg_t *msg = self->nua != NULL ? nua_current_request (self->nua) : NULL;
  su_addrinfo_t *ai = msg != NULL ? msg_addrinfo (msg) : NULL;
  g_autoptr(GSocketAddress) source = NULL;
  g_autoptr(GInetAddress) v4 = NULL;
  GInetAddress *inet;
  const guint8 *bytes;

  if (ai == NULL || ai->ai_addr == NULL || ai->ai_addrlen == 0)
    return FALSE;
  source = g_socket_address_new_from_native (ai->ai_addr, ai->ai_addrlen);
  if (source == NULL || !G_IS_INET_SOCKET_ADDRESS (source))
    return FALSE;
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (source));
  /* An IPv4 peer of an IPv6 socket (::ffff:a.b.c.d) is that IPv4 address. */
  bytes = g_inet_address_to_bytes (inet);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6 &&
      memcmp (bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
    inet = v4 = g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
  *address = g_inet_address_to_string (inet);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (source));
  return TRUE;
}

CbSipSubscriptions *
cb_sip_server_get_subscriptions (CbSipServer *self)
{
  return self->subscriptions;
}

/* ---- line state ---------------------------------------------------------- */

gboolean
cb_sip_server_is_registered (CbSipServer *self,
                             gint64       user_id)
{
  g_return_val_if_fail (CB_IS_SIP_SERVER (self), FALSE);

  return cb_sip_registrar_is_registered (self->registrar, user_id);
}

void
cb_sip_server_update_line_state (CbSipServer *self,
                                 gint64       user_id)
{
  const CbUserRecord *user = cb_directory_get_user (self->directory, user_id);
  g_autoptr(GError) error = NULL;
  CbLineState state;

  if (user == NULL)
    return;

  /* A call wins over registration: a phone may be in a call while its
   * binding lapses, and the lamp must still say busy. */
  state = cb_sip_b2bua_line_state (self->b2bua, user_id);
  /* Waiting in a queue is busy, a queue offer rings. */
  if (state == CB_LINE_STATE_OFFLINE && self->queue != NULL)
    state = cb_sip_queue_line_state (self->queue, user_id);
  if (state == CB_LINE_STATE_OFFLINE && cb_sip_registrar_is_registered (self->registrar, user_id))
    state = CB_LINE_STATE_IDLE;
  /* Whatever changed may make a queue agent ready or not. */
  if (self->queue != NULL)
    cb_sip_queue_agent_changed (self->queue, user_id);

  if (state != user->line_state &&
      !cb_changes_set_line_state (self->changes, user_id, state, &error))
    g_warning ("Could not set the line state of user %" G_GINT64_FORMAT ": %s",
               user_id, error->message);
  /* Their calls changed (or may have): so did their lamp's dialogs. */
  cb_sip_subscriptions_user_changed (self->subscriptions, user_id);
}

/* ---- the stack ----------------------------------------------------------- */

/* Each call's transactions live some 32 s (RFC 3261 timers), and glibc
 * keeps what is freed in the middle of its heap until malloc_trim():
 * after a burst of calls the resident size stayed at its peak (400 MB
 * after 12,000 calls at up to 800 cps, with 6 MB in use, when the stack
 * still ran in a thread and arena of its own). Trimmed every
 * TRIM_INTERVAL_S unless calls are on the rise (the memory would be
 * needed again at once). One timer per process, as the heap is. */
#define TRIM_INTERVAL_S 30

static guint trim_id;
static guint trim_calls;

static gboolean
trim_memory (gpointer data)
{
  CbSipServer *self = data;
  guint calls = cb_sip_b2bua_n_calls (self->b2bua);

  if (calls <= trim_calls)
    malloc_trim (0);
  trim_calls = calls;
  return G_SOURCE_CONTINUE;
}

static const char *
retry_after (CbSipServer *self)
{
  static char text[16];

  g_snprintf (text, sizeof text, "%u", cb_sip_overload_retry_after (self->overload));
  return text;
}

static void
on_nua_event (nua_event_t   event,
              int           status,
              char const   *phrase,
              nua_t        *nua,
              CbSipServer  *self,
              nua_handle_t *nh,
              CbSipMagic   *magic,
              sip_t const  *sip,
              tagi_t        tags[])
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
        cb_sip_registrar_handle_register (self->registrar, nh, sip);
      else
        nua_respond (nh, SIP_400_BAD_REQUEST, NUTAG_WITH_THIS (self->nua), TAG_END ());
      nua_handle_destroy (nh);
      return;

    case nua_i_subscribe:
      /* The rest of its dialog goes back over its TLS connection. */
      if (magic == NULL)
        cb_sip_tls_route_by_request (self, nh, sip);
      if (self->subscriptions != NULL)
        {
          CbSipEvent ev = { event, status, phrase, nh, magic, sip, tags };

          cb_sip_subscriptions_subscribe (self->subscriptions, &ev);
        }
      else if (magic == NULL)
        nua_handle_destroy (nh);
      return;

    case nua_i_invite:
      /* A new call past the load we take: refused before its credentials
       * are looked at or a call is made (cb-sip-overload.c); INVITEs in
       * a dialog (re-INVITEs) have a handle of ours and go on. */
      if (magic == NULL && sip != NULL &&
          !cb_sip_overload_admit (self->overload, cb_sip_b2bua_setting_up (self->b2bua),
                                  sip->sip_proxy_authorization != NULL || sip->sip_authorization != NULL))
        {
          nua_respond (nh, SIP_503_SERVICE_UNAVAILABLE,
                       SIPTAG_RETRY_AFTER_STR (retry_after (self)), TAG_END ());
          nua_handle_destroy (nh);
          return;
        }
      /* The rest of its dialog goes back over its TLS connection. */
      if (magic == NULL)
        cb_sip_tls_route_by_request (self, nh, sip);
      break;

    case nua_i_options:
    case nua_i_message:
    case nua_i_publish:
      /* Answered by sofia (200 to OPTIONS, 405/501 otherwise); the
       * handle is ours to drop. */
      if (magic == NULL)
        nua_handle_destroy (nh);
      return;

    default:
      break;
    }

  {
    CbSipEvent ev = { event, status, phrase, nh, magic, sip, tags };

    if (magic != NULL && magic->kind == CB_SIP_MAGIC_QUEUE && self->queue != NULL)
      cb_sip_queue_event (self->queue, &ev);
    else if (magic != NULL && magic->kind == CB_SIP_MAGIC_SUBSCRIPTION)
      {
        if (self->subscriptions != NULL)
          cb_sip_subscriptions_event (self->subscriptions, &ev);
      }
    else
      cb_sip_b2bua_event (self->b2bua, &ev);
  }
}

/* What a restart must not lose: the phones registered before it are
 * reached at once, calls that were up when the server died are ended
 * (cb-sip-recovery.c), and since no call is up now, every line state
 * follows from the registrations alone: nobody stays busy. */
static void
restart (CbSipServer *self)
{
  GPtrArray *users = cb_directory_list_users (self->directory);
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), users->len);
  guint ended;

  cb_sip_registrar_restore (self->registrar);
  ended = cb_sip_recovery_end_orphans (self);
  if (ended > 0)
    g_message ("%u calls were up when the server stopped: their phones get a BYE", ended);
  /* Updating a line state changes the directory's records: ids first. */
  for (guint i = 0; i < users->len; i++)
    g_array_append_val (ids, ((const CbUserRecord *) g_ptr_array_index (users, i))->id);
  for (guint i = 0; i < ids->len; i++)
    cb_sip_server_update_line_state (self, g_array_index (ids, gint64, i));
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

/* sofia's stack on sip:ADDRESS:PORT (UDP and TCP) and, with sips_url,
 * TLS with the certificate in self->tls_dir. */
static nua_t *
create_stack (CbSipServer *self,
              const char  *url,
              const char  *sips_url)
{
  const char *tls_dir = sips_url != NULL ? self->tls_dir : NULL;

  return nua_create (self->root, on_nua_event, self,
                     NUTAG_URL (url),
                     TAG_IF (sips_url != NULL, NUTAG_SIPS_URL (sips_url)),
                     TAG_IF (tls_dir != NULL, TPTAG_CERTIFICATE (tls_dir)),
                     /* TLS_method: 1.2 or 1.3 (OpenSSL's security level
                      * refuses older ones); phones show no certificate. */
                     TAG_IF (tls_dir != NULL, TPTAG_TLS_VERSION (0)),
                     TAG_IF (tls_dir != NULL, TPTAG_TLS_VERIFY_POLICY (TPTLS_VERIFY_NONE)),
                     /* SDP is passed through, never negotiated here. */
                     NUTAG_MEDIA_ENABLE (0),
                     NUTAG_AUTOANSWER (0),
                     NUTAG_AUTOALERT (0),
                     NUTAG_AUTOACK (1),
                     NUTAG_APPL_METHOD ("REGISTER, SUBSCRIBE"),
                     /* Replaces the stack's list: without REFER and
                      * MESSAGE, which it would accept on its own. */
                     SIPTAG_ALLOW_STR (ALLOWED_METHODS),
                     /* Lamps (cb-sip-subscriptions.c); refreshes are
                      * granted at most the longest subscription. */
                     NUTAG_ALLOW_EVENTS (CB_SIP_SUBSCRIPTION_EVENTS),
                     NUTAG_SUB_EXPIRES (self->settings->subscribe_max_expires > 0
                                        ? MAX (self->settings->subscribe_max_expires,
                                               self->settings->subscribe_min_expires)
                                        : CB_SIP_DEFAULT_SUBSCRIBE_MAX_EXPIRES),
                     /* An INVITE with Replaces picks a ringing call up
                      * (cb-sip-pickup.c); phones send Require: replaces. */
                     NUTAG_SUPPORTED ("replaces"),
                     /* A phone listens where it registered or
                      * subscribed from: a large request (a busy lamp's
                      * dialog-info, an INVITE with much SDP) stays on
                      * UDP. Past 1300 bytes sofia would first connect
                      * over TCP (RFC 3261 §18.1.1) and go back to UDP
                      * only when that is refused; any other failure
                      * (ENOBUFS under load) ended the request, and the
                      * lamp's subscription with it. */
                     NTATAG_UDP_MTU (65535),
                     /* A burst waits in the kernel rather than being
                      * dropped (the default is 208 KiB, some 300
                      * INVITEs); Linux caps it at net.core.rmem_max
                      * unless the process may exceed it. */
                     TPTAG_UDP_RMEM (UDP_RECEIVE_BUFFER),
                     SIPTAG_USER_AGENT_STR ("callboardd/" PACKAGE_VERSION),
                     TAG_END ());
}

/* The certificate directory and sips:ADDRESS:PORT for TLS. */
static gboolean
listen_tls (CbSipServer  *self,
            const char   *address,
            char        **sips_url,
            GError      **error)
{
  guint port = self->settings->tls_port;

  cb_sip_tls_remove_dir (self->tls_dir);
  g_free (self->tls_dir);
  self->tls_dir = cb_sip_tls_make_dir (self->settings->tls_certificate, self->settings->tls_key, error);
  if (self->tls_dir == NULL)
    {
      g_prefix_error (error, "SIP over TLS: ");
      return FALSE;
    }
  if (port == 0 && (port = cb_sip_tls_pick_port (address, error)) == 0)
    return FALSE;
  *sips_url = g_strdup_printf (strchr (address, ':') != NULL ? "sips:[%s]:%u" : "sips:%s:%u",
                               address, port);
  return TRUE;
}

gboolean
cb_sip_server_start (CbSipServer  *self,
                     const char   *address,
                     guint         port,
                     GError      **error)
{
  g_autofree char *url = NULL;
  g_autofree char *sips_url = NULL;

  g_return_val_if_fail (CB_IS_SIP_SERVER (self), FALSE);
  g_return_val_if_fail (self->nua == NULL, FALSE);

  if (port == 0)
    {
      port = pick_free_port (address, error);
      if (port == 0)
        return FALSE;
    }

  su_init ();
  self->root = su_glib_root_create (self);
  if (self->root == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not create the sofia-sip root");
      return FALSE;
    }
  /* The stack (nua's clone of the root) on this thread, the GLib main
   * loop's: by default su_clone_start() gives it a thread of its own, and
   * every event then crossed threads twice (a message to this loop, our
   * answer back), with a wake-up each way. */
  su_root_threading (self->root, 0);
  cb_su_source_attach (self->root, NULL);

  /* No transport parameter: UDP and TCP on the same port. */
  url = g_strdup_printf ("sip:%s:%u", address, port);
  if (self->settings->tls_certificate != NULL && self->settings->tls_key != NULL &&
      !listen_tls (self, address, &sips_url, error))
    {
      su_root_destroy (self->root);
      self->root = NULL;
      return FALSE;
    }
  self->nua = create_stack (self, url, sips_url);
  if (self->nua == NULL && sips_url != NULL && !self->settings->tls_port_set)
    {
      /* The default port taken (a second server): SIP goes on without TLS. */
      g_warning ("SIP over TLS disabled: cannot listen on %s", sips_url);
      g_clear_pointer (&sips_url, g_free);
      self->nua = create_stack (self, url, NULL);
    }
  if (self->nua == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE, "Could not listen on %s%s%s", url,
                   sips_url != NULL ? " and " : "", sips_url != NULL ? sips_url : "");
      su_root_destroy (self->root);
      self->root = NULL;
      return FALSE;
    }
  g_free (self->tls_uri);
  self->tls_uri = g_steal_pointer (&sips_url);
  g_clear_pointer (&self->contact, g_free);
  g_clear_pointer (&self->tls_contact, g_free);
  if (self->tls_uri != NULL && !g_str_equal (address, "0.0.0.0") && !g_str_equal (address, "::"))
    {
      gboolean v6 = strchr (address, ':') != NULL;

      self->contact = g_strdup_printf (v6 ? "<sip:[%s]:%u>" : "<sip:%s:%u>", address, port);
      self->tls_contact = g_strdup_printf ("<sip:%s;transport=tls>", self->tls_uri + strlen ("sips:"));
    }

  self->address = g_strdup (address);
  self->port = port;
  self->uri = g_strdup_printf ("sip:%s:%u", address, port);
  g_clear_pointer (&self->trunk, cb_sip_trunk_free);
  self->trunk = cb_sip_trunk_new (self->settings, address, port);
  self->queue = cb_sip_queue_new (self);
  self->subscriptions = cb_sip_subscriptions_new (self);
  cb_sip_subscriptions_restore (self->subscriptions);
  restart (self);
  if (trim_id == 0)
    trim_id = g_timeout_add_seconds (TRIM_INTERVAL_S, trim_memory, self);
  g_debug ("SIP listening on %s%s%s", url, self->tls_uri != NULL ? " and " : "",
           self->tls_uri != NULL ? self->tls_uri : "");
  return TRUE;
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
cb_sip_server_stop (CbSipServer *self)
{
  gint64 deadline;
  guint ticker;

  g_return_if_fail (CB_IS_SIP_SERVER (self));

  if (self->registrar != NULL)
    cb_sip_registrar_stop (self->registrar);
  if (self->nua == NULL)
    return;
  g_clear_handle_id (&trim_id, g_source_remove);

  /* First: nothing is notified of the calls ending below. */
  cb_sip_subscriptions_shutdown (self->subscriptions);
  if (self->queue != NULL)
    cb_sip_queue_shutdown (self->queue);
  cb_sip_b2bua_shutdown (self->b2bua);
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
  g_clear_pointer (&self->subscriptions, cb_sip_subscriptions_free);
}

guint
cb_sip_server_get_port (CbSipServer *self)
{
  g_return_val_if_fail (CB_IS_SIP_SERVER (self), 0);
  return self->port;
}

const char *
cb_sip_server_get_uri (CbSipServer *self)
{
  g_return_val_if_fail (CB_IS_SIP_SERVER (self), NULL);
  return self->uri;
}

const char *
cb_sip_server_contact (CbSipServer *self,
                       gboolean     tls)
{
  return tls ? self->tls_contact : self->contact;
}

const char *
cb_sip_server_get_tls_uri (CbSipServer *self)
{
  g_return_val_if_fail (CB_IS_SIP_SERVER (self), NULL);
  return self->tls_uri;
}
