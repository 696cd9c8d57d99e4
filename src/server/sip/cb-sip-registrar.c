/* cb-sip-registrar.c: the registrar and location service: REGISTER, bindings, digest authentication
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application answers REGISTER itself: digest against the per-line
 * secret in the store, bindings kept in memory with their expiry. A
 * binding carries its line's kind, which decides which phone "call from
 * desk phone" rings and what a call event says the device is. INVITEs
 * authenticate here too (Proxy-Authorization) before the B2BUA routes
 * them.
 *
 * Failed digests are throttled per source address and user
 * (cb-sip-auth-throttle.c) and each one that was looked at is logged at
 * the default level, in a line fail2ban can match (doc/fail2ban.md):
 *   SIP authentication failed for user 201 from 192.0.2.7 (REGISTER)
 * A line keeps [sip] max-bindings contacts: a new one beyond that
 * replaces the one refreshed longest ago, so that a phone which moved
 * (a laptop from one network to the next) always gets in, while one line
 * can never make a call ring more than that many addresses.
 *
 * Bindings are written through to the store with their expiry in wall
 * clock time, and restored at start (cb_sip_registrar_restore()): a phone
 * registered before a restart or a crash is reached at once, not only
 * after its next refresh.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <string.h>

#include <sofia-sip/sip_header.h>

#include "cb-sip-auth-throttle.h"
#include "cb-sip-digest.h"
#include "cb-sip-headers.h"
#include "cb-sip-registrar.h"
#include "cb-sip-tls.h"

#define DEFAULT_EXPIRES 3600
#define MIN_EXPIRES 10

/* A location binding: one registered contact of one line. */
typedef struct {
  char   *line;           /* digest user name */
  char   *kind;           /* the line's kind: "softphone" or "desk" */
  gint64  user_id;
  char   *contact;        /* the Contact URI, as registered */
  gint64  expires_at;     /* monotonic µs */
  guint64 refreshed;      /* when last registered, in order: the oldest goes first past max-bindings */
  char   *flow;           /* the TLS connection it registered over (cb-sip-tls.c), NULL: not TLS */
} CbSipBinding;

struct _CbSipRegistrar
{
  GObject       parent_instance;

  CbSipServer       *server;
  CbStore           *store;      /* the server's */
  CbSipDigest       *digest;
  CbSipAuthThrottle *throttle;
  GPtrArray         *bindings;   /* CbSipBinding, in the order they appeared */
  guint64            refreshes;  /* bindings registered or refreshed so far */
  guint              expiry_id;
};

enum {
  BINDINGS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CbSipRegistrar, cb_sip_registrar, G_TYPE_OBJECT)

static void
binding_free (CbSipBinding *binding)
{
  g_free (binding->line);
  g_free (binding->kind);
  g_free (binding->contact);
  g_free (binding->flow);
  g_free (binding);
}

static void
cb_sip_registrar_finalize (GObject *object)
{
  CbSipRegistrar *self = CB_SIP_REGISTRAR (object);

  g_clear_handle_id (&self->expiry_id, g_source_remove);
  g_clear_pointer (&self->bindings, g_ptr_array_unref);
  g_clear_pointer (&self->digest, cb_sip_digest_free);
  g_clear_pointer (&self->throttle, cb_sip_auth_throttle_free);
  G_OBJECT_CLASS (cb_sip_registrar_parent_class)->finalize (object);
}

static void
cb_sip_registrar_class_init (CbSipRegistrarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cb_sip_registrar_finalize;

  signals[BINDINGS_CHANGED] =
    g_signal_new ("bindings-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
cb_sip_registrar_init (CbSipRegistrar *self)
{
  self->bindings = g_ptr_array_new_with_free_func ((GDestroyNotify) binding_free);
}

CbSipRegistrar *
cb_sip_registrar_new (CbSipServer *server)
{
  CbSipRegistrar *self = g_object_new (CB_TYPE_SIP_REGISTRAR, NULL);
  const CbSipSettings *settings = cb_sip_server_get_settings (server);

  self->server = server;
  self->store = cb_sip_server_get_store (server);
  self->digest = cb_sip_digest_new (settings->realm, settings->nonce_lifetime);
  if (settings->digest_algorithms != NULL && settings->digest_algorithms[0] != NULL)
    {
      CbSipDigestAlgorithm algorithms[2];
      guint n = 0;

      for (guint i = 0; settings->digest_algorithms[i] != NULL && n < G_N_ELEMENTS (algorithms); i++)
        if (cb_sip_digest_algorithm_parse (settings->digest_algorithms[i], &algorithms[n]))
          n++;
      if (n > 0)
        cb_sip_digest_set_algorithms (self->digest, algorithms, n);
    }
  self->throttle = cb_sip_auth_throttle_new (settings->auth_failures, settings->auth_max_block,
                                             settings->auth_failure_window);
  return self;
}

gboolean
cb_sip_settings_check_digest_algorithm (const char *name)
{
  CbSipDigestAlgorithm algorithm;

  return cb_sip_digest_algorithm_parse (name, &algorithm);
}

void
cb_sip_registrar_stop (CbSipRegistrar *self)
{
  g_return_if_fail (CB_IS_SIP_REGISTRAR (self));

  g_clear_handle_id (&self->expiry_id, g_source_remove);
}

static void
bindings_changed (CbSipRegistrar *self,
                  gint64          user_id)
{
  g_signal_emit (self, signals[BINDINGS_CHANGED], 0, user_id);
}

/* ---- the store ----------------------------------------------------------- */

/* What is kept is a convenience for the next start: a store that fails
 * here costs a phone its binding after a restart, not this request. */
static void
store_binding (CbSipRegistrar     *self,
               const CbSipBinding *binding)
{
  g_autoptr(GError) error = NULL;
  gint64 left = MAX (binding->expires_at - g_get_monotonic_time (), 0);
  CbSipBindingRecord record = {
    binding->line, binding->contact, binding->kind, binding->user_id,
    g_get_real_time () / G_USEC_PER_SEC + (left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC,
  };

  if (!cb_store_put_sip_binding (self->store, &record, &error))
    g_warning ("Could not keep the binding %s of %s: %s", binding->contact, binding->line,
               error->message);
}

static void
forget_binding (CbSipRegistrar *self,
                const char     *line,
                const char     *contact)
{
  g_autoptr(GError) error = NULL;

  if (!cb_store_delete_sip_binding (self->store, line, contact, &error))
    g_warning ("Could not forget the binding %s of %s: %s", contact != NULL ? contact : "*", line,
               error->message);
}

/* Removes the binding at index from memory and the store. */
static void
remove_binding (CbSipRegistrar *self,
                guint           index)
{
  CbSipBinding *binding = g_ptr_array_index (self->bindings, index);

  forget_binding (self, binding->line, binding->contact);
  g_ptr_array_remove_index (self->bindings, index);
}

/* ---- bindings ------------------------------------------------------------ */

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
          remove_binding (self, i - 1);
        }
    }
  for (guint i = 0; i < touched->len; i++)
    bindings_changed (self, g_array_index (touched, gint64, i));
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

/* Past [sip] max-bindings, the line's binding refreshed longest ago
 * goes. */
static void
make_room_on_line (CbSipRegistrar *self,
                   const char     *line)
{
  guint max = cb_sip_server_get_settings (self->server)->max_bindings;
  CbSipBinding *oldest = NULL;
  guint n = 0;

  if (max == 0)
    return;
  for (guint i = 0; i < self->bindings->len; i++)
    {
      CbSipBinding *binding = g_ptr_array_index (self->bindings, i);

      if (g_ascii_strcasecmp (binding->line, line) != 0)
        continue;
      n++;
      if (oldest == NULL || binding->refreshed < oldest->refreshed)
        oldest = binding;
    }
  if (n < max || oldest == NULL)
    return;
  g_debug ("Line %s has %u bindings: %s goes", line, n, oldest->contact);
  forget_binding (self, oldest->line, oldest->contact);
  g_ptr_array_remove (self->bindings, oldest);
}

static void
remove_bindings_of_line (CbSipRegistrar *self,
                         const char     *line)
{
  forget_binding (self, line, NULL);
  for (guint i = self->bindings->len; i > 0; i--)
    {
      CbSipBinding *binding = g_ptr_array_index (self->bindings, i - 1);

      if (g_ascii_strcasecmp (binding->line, line) == 0)
        g_ptr_array_remove_index (self->bindings, i - 1);
    }
}

GPtrArray *
cb_sip_registrar_contacts_of (CbSipRegistrar *self,
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
cb_sip_registrar_contacts_of_kind (CbSipRegistrar *self,
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

const char *
cb_sip_registrar_contact_kind (CbSipRegistrar *self,
                               const char     *contact)
{
  for (guint i = 0; contact != NULL && i < self->bindings->len; i++)
    {
      CbSipBinding *binding = g_ptr_array_index (self->bindings, i);

      if (g_strcmp0 (binding->contact, contact) == 0)
        return binding->kind;
    }
  return NULL;
}

gint64
cb_sip_registrar_contact_user (CbSipRegistrar *self,
                               const char     *contact)
{
  for (guint i = 0; contact != NULL && i < self->bindings->len; i++)
    {
      CbSipBinding *binding = g_ptr_array_index (self->bindings, i);

      if (g_strcmp0 (binding->contact, contact) == 0)
        return binding->user_id;
    }
  return 0;
}

const char *
cb_sip_registrar_contact_flow (CbSipRegistrar *self,
                               const char     *contact)
{
  for (guint i = 0; contact != NULL && i < self->bindings->len; i++)
    {
      CbSipBinding *binding = g_ptr_array_index (self->bindings, i);

      if (g_strcmp0 (binding->contact, contact) == 0)
        return binding->flow;
    }
  return NULL;
}

/* ---- authentication ------------------------------------------------------ */

static void
challenge (CbSipRegistrar *self,
           nua_handle_t   *nh,
           gboolean        proxy,
           gboolean        stale)
{
  g_auto(GStrv) values = cb_sip_digest_challenges (self->digest, stale);
  nua_t *nua = cb_sip_server_get_nua (self->server);

  /* One header per algorithm, the preferred one first (RFC 8760 §2.4). */
  if (proxy)
    nua_respond (nh, SIP_407_PROXY_AUTH_REQUIRED, NUTAG_WITH_THIS (nua),
                 SIPTAG_PROXY_AUTHENTICATE_STR (values[0]),
                 TAG_IF (values[1] != NULL, SIPTAG_PROXY_AUTHENTICATE_STR (values[1])),
                 TAG_END ());
  else
    nua_respond (nh, SIP_401_UNAUTHORIZED, NUTAG_WITH_THIS (nua),
                 SIPTAG_WWW_AUTHENTICATE_STR (values[0]),
                 TAG_IF (values[1] != NULL, SIPTAG_WWW_AUTHENTICATE_STR (values[1])),
                 TAG_END ());
}

static void
forbidden (CbSipRegistrar *self,
           nua_handle_t   *nh)
{
  nua_respond (nh, SIP_403_FORBIDDEN, NUTAG_WITH_THIS (cb_sip_server_get_nua (self->server)), TAG_END ());
}

/* A user name as a log line may show it: what a line can be called, cut
 * short, anything else as "_". A name with a space could otherwise end a
 * line in " from <someone else's address> (REGISTER)", and fail2ban
 * would ban that address. */
static char *
loggable (const char *name)
{
  GString *shown = g_string_new (NULL);

  for (const char *p = name != NULL ? name : ""; *p != '\0' && shown->len < 64; p++)
    g_string_append_c (shown, g_ascii_isalnum (*p) || strchr ("._-+*#@", *p) != NULL ? *p : '_');
  if (shown->len == 0)
    g_string_append_c (shown, '-');
  return g_string_free (shown, FALSE);
}

/* Our credentials among those of the request: the Digest ones for our
 * realm with an algorithm we know. */
static const msg_auth_t *
our_credentials (CbSipRegistrar   *self,
                 const msg_auth_t *auth)
{
  for (; auth != NULL; auth = auth->au_next)
    {
      g_autofree char *realm = cb_sip_digest_param (auth->au_params, "realm");
      g_autofree char *algorithm = cb_sip_digest_param (auth->au_params, "algorithm");
      CbSipDigestAlgorithm known;

      if (g_ascii_strcasecmp (auth->au_scheme, "Digest") == 0 &&
          g_strcmp0 (realm, cb_sip_digest_get_realm (self->digest)) == 0 &&
          (algorithm == NULL || cb_sip_digest_algorithm_parse (algorithm, &known)))
        return auth;
    }
  return NULL;
}

gint64
cb_sip_registrar_authenticate (CbSipRegistrar  *self,
                               nua_handle_t    *nh,
                               const sip_t     *sip,
                               gboolean         proxy,
                               char           **line)
{
  const msg_auth_t *auth = our_credentials (self, proxy ? sip->sip_proxy_authorization
                                                        : sip->sip_authorization);
  su_home_t home[1] = { SU_HOME_INIT (home) };
  g_autoptr(CbSipLineRecord) record = NULL;
  g_autofree char *username = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *address = NULL;
  const char *method = sip->sip_request->rq_method_name;
  CbSipDigestResult result = CB_SIP_DIGEST_WRONG;
  guint port = 0;

  if (auth == NULL)
    {
      challenge (self, nh, proxy, FALSE);
      return 0;
    }

  username = cb_sip_digest_param (auth->au_params, "username");
  shown = loggable (username);
  if (!cb_sip_server_request_source (self->server, &address, &port))
    address = g_strdup ("unknown");

  /* Too many failures: no digest is computed, whatever came. */
  if (!cb_sip_auth_throttle_allow (self->throttle, address, username))
    {
      g_debug ("SIP authentication for user %s from %s refused unheard (%s)", shown, address, method);
      forbidden (self, nh);
      return 0;
    }

  /* An unknown user fails like a wrong password, after as much work, so
   * line names cannot be probed. */
  if (username != NULL)
    record = cb_store_find_sip_line (self->store, username, NULL);
  {
    char *request_uri = url_as_string (home, sip->sip_request->rq_url);

    result = cb_sip_digest_verify (self->digest, auth->au_params, method, request_uri,
                                   record != NULL ? record->secret : "");
    if (record == NULL)
      result = CB_SIP_DIGEST_WRONG;
  }
  su_home_deinit (home);

  switch (result)
    {
    case CB_SIP_DIGEST_OK:
      cb_sip_auth_throttle_succeeded (self->throttle, address, username);
      if (line != NULL)
        *line = g_strdup (record->username);
      return record->user_id;

    case CB_SIP_DIGEST_REPLAYED:
      /* The right answer once more: sniffed and sent again, or a phone
       * that counts badly; either gets a new nonce to answer, and it
       * counts as a failure (a replay sent over and over is blocked). */
      cb_sip_auth_throttle_failed (self->throttle, address, username);
      g_message ("SIP digest replayed for user %s from %s (%s)", shown, address, method);
      challenge (self, nh, proxy, TRUE);
      return 0;

    case CB_SIP_DIGEST_STALE:
      challenge (self, nh, proxy, TRUE);
      return 0;

    case CB_SIP_DIGEST_WRONG:
    default:
      cb_sip_auth_throttle_failed (self->throttle, address, username);
      g_message ("SIP authentication failed for user %s from %s (%s)", shown, address, method);
      forbidden (self, nh);
      return 0;
    }
}

/* ---- REGISTER ------------------------------------------------------------ */

void
cb_sip_registrar_handle_register (CbSipRegistrar *self,
                                  nua_handle_t   *nh,
                                  const sip_t    *sip)
{
  g_autofree char *line = NULL;
  g_autoptr(GString) contacts = g_string_new (NULL);
  g_autoptr(CbSipLineRecord) record = NULL;
  gint64 user_id;
  gint64 now = g_get_monotonic_time ();
  guint default_expires = DEFAULT_EXPIRES;
  guint max_expires = cb_sip_server_get_settings (self->server)->max_expires;
  const char *aor_user;

  if (sip->sip_to == NULL || sip->sip_to->a_url->url_user == NULL)
    {
      nua_respond (nh, SIP_400_BAD_REQUEST, NUTAG_WITH_THIS (cb_sip_server_get_nua (self->server)), TAG_END ());
      return;
    }
  aor_user = sip->sip_to->a_url->url_user;

  user_id = cb_sip_registrar_authenticate (self, nh, sip, FALSE, &line);
  if (user_id == 0)
    return;
  /* A line registers its own address of record only. */
  if (g_ascii_strcasecmp (aor_user, line) != 0)
    {
      nua_respond (nh, SIP_403_FORBIDDEN, NUTAG_WITH_THIS (cb_sip_server_get_nua (self->server)), TAG_END ());
      return;
    }

  /* The kind decides which phone "call from desk phone" rings. */
  record = cb_store_find_sip_line (self->store, line, NULL);

  if (sip->sip_expires != NULL)
    default_expires = sip->sip_expires->ex_delta;

  for (const sip_contact_t *m = sip->sip_contact; m != NULL; m = m->m_next)
    {
      g_autofree char *uri = NULL;
      guint expires = default_expires;
      CbSipBinding *binding;

      /* "Contact: *" with Expires: 0 removes every binding (§10.3 6). */
      if (m->m_url->url_type == url_any)
        {
          if (default_expires != 0 || sip->sip_contact->m_next != NULL)
            {
              nua_respond (nh, SIP_400_BAD_REQUEST, NUTAG_WITH_THIS (cb_sip_server_get_nua (self->server)), TAG_END ());
              return;
            }
          remove_bindings_of_line (self, line);
          break;
        }

      if (m->m_expires != NULL)
        expires = (guint) g_ascii_strtoull (m->m_expires, NULL, 10);
      if (expires > 0)
        expires = CLAMP (expires, MIN_EXPIRES, max_expires);

      uri = cb_sip_url_dup (m->m_url);
      binding = find_binding (self, line, uri);
      if (expires == 0)
        {
          guint index;

          if (binding != NULL && g_ptr_array_find (self->bindings, binding, &index))
            remove_binding (self, index);
          continue;
        }
      if (binding == NULL)
        {
          make_room_on_line (self, line);
          binding = g_new0 (CbSipBinding, 1);
          binding->line = g_strdup (line);
          binding->kind = g_strdup (record != NULL ? record->kind : "softphone");
          binding->user_id = user_id;
          binding->contact = g_strdup (uri);
          g_ptr_array_add (self->bindings, binding);
          g_debug ("Line %s registered %s", line, uri);
        }
      binding->expires_at = now + (gint64) expires * G_USEC_PER_SEC;
      binding->refreshed = ++self->refreshes;
      /* Over TLS, the phone is reached over this connection, and only
       * then does it get SRTP keys. */
      g_free (binding->flow);
      binding->flow = cb_sip_tls_request_flow (self->server, sip);
      store_binding (self, binding);
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

  nua_respond (nh, SIP_200_OK, NUTAG_WITH_THIS (cb_sip_server_get_nua (self->server)),
               TAG_IF (contacts->len > 0, SIPTAG_CONTACT_STR (contacts->str)),
               TAG_END ());
  schedule_expiry (self);
  bindings_changed (self, user_id);
}

/* ---- after a restart ----------------------------------------------------- */

void
cb_sip_registrar_restore (CbSipRegistrar *self)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 now_monotonic = g_get_monotonic_time ();
  guint restored = 0;

  g_return_if_fail (CB_IS_SIP_REGISTRAR (self));

  records = cb_store_list_sip_bindings (self->store, &error);
  if (records == NULL)
    {
      g_warning ("Could not read the kept bindings: %s", error->message);
      return;
    }
  for (guint i = 0; i < records->len; i++)
    {
      const CbSipBindingRecord *record = g_ptr_array_index (records, i);
      CbSipBinding *binding;

      /* Lapsed while the server was down, or its line gone since. */
      if (record->expires_at <= now || find_binding (self, record->line, record->contact) != NULL ||
          cb_directory_get_user (cb_sip_server_get_directory (self->server), record->user_id) == NULL)
        {
          forget_binding (self, record->line, record->contact);
          continue;
        }
      binding = g_new0 (CbSipBinding, 1);
      binding->line = g_strdup (record->line);
      binding->kind = g_strdup (record->kind);
      binding->user_id = record->user_id;
      binding->contact = g_strdup (record->contact);
      binding->expires_at = now_monotonic + (record->expires_at - now) * G_USEC_PER_SEC;
      binding->refreshed = ++self->refreshes;
      g_ptr_array_add (self->bindings, binding);
      restored++;
    }
  g_debug ("%u bindings restored", restored);
  schedule_expiry (self);
}
