/* cb-sip-trunk.c: the SIP trunk: external numbers to an upstream proxy, its calls in
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A number that is no extension, group or feature code goes to the
 * [trunk] proxy (an ITSP or an office PBX), with the prefix (the external
 * line code, e.g. "0") stripped. The upstream does not register and does
 * not authenticate to us: a request from its address and port, as the
 * transport received it (never what a Via claims), is trusted to come
 * from it, and may only reach our own numbers. That needs the proxy as
 * an IP address; with a host name nothing is trusted and its calls must
 * authenticate. Towards it we answer its digest challenges with the
 * configured credentials.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <sofia-sip/hostdomain.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/url.h>

#include "cb-sip-headers.h"
#include "cb-sip-trunk.h"

#define MAX_NUMBER_LENGTH 32
#define MAX_AUTH_ATTEMPTS 2
#define DEFAULT_PORT 5060

struct _CbSipTrunk {
  const CbSipSettings *settings;
  char                *host;     /* the proxy's, NULL: no trunk */
  guint                port;
  char                *address;  /* ours */
  guint                our_port;
};

gboolean
cb_sip_trunk_parse_proxy (const char  *proxy,
                          char       **host,
                          guint       *port)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  url_t *url = proxy != NULL ? url_make (home, proxy) : NULL;
  guint64 number = DEFAULT_PORT;
  gboolean valid;

  valid = url != NULL && url->url_type == url_sip && url->url_user == NULL &&
          url->url_password == NULL && url->url_params == NULL && url->url_headers == NULL &&
          url->url_path == NULL && url->url_fragment == NULL &&
          url->url_host != NULL && host_is_valid (url->url_host) &&
          (url->url_port == NULL ||
           g_ascii_string_to_unsigned (url->url_port, 10, 1, 65535, &number, NULL));
  if (valid && host != NULL)
    *host = g_strdup (url->url_host);
  if (valid && port != NULL)
    *port = (guint) number;
  su_home_deinit (home);
  return valid;
}

gboolean
cb_sip_settings_check_proxy (const char *proxy)
{
  return cb_sip_trunk_parse_proxy (proxy, NULL, NULL);
}

CbSipTrunk *
cb_sip_trunk_new (const CbSipSettings *settings,
                  const char          *address,
                  guint                port)
{
  CbSipTrunk *self = g_new0 (CbSipTrunk, 1);

  self->settings = settings;
  self->address = g_strdup (address);
  self->our_port = port;
  if (!cb_sip_trunk_parse_proxy (settings->trunk_proxy, &self->host, &self->port))
    self->host = NULL;
  return self;
}

void
cb_sip_trunk_free (CbSipTrunk *self)
{
  if (self == NULL)
    return;
  g_free (self->host);
  g_free (self->address);
  g_free (self);
}

static gboolean
is_dialable (const char *number)
{
  gsize len = number != NULL ? strlen (number) : 0;

  return len > 0 && len <= MAX_NUMBER_LENGTH && strspn (number, "0123456789*#+") == len;
}

char *
cb_sip_trunk_request_uri (CbSipTrunk *self,
                          const char *number)
{
  const char *prefix = self->settings->trunk_prefix;

  if (self->host == NULL || !is_dialable (number))
    return NULL;
  if (prefix != NULL && prefix[0] != '\0')
    {
      if (!g_str_has_prefix (number, prefix) || !is_dialable (number + strlen (prefix)))
        return NULL;
      number += strlen (prefix);
    }
  return cb_sip_uri_at (number, self->host, self->port);
}

char *
cb_sip_trunk_from (CbSipTrunk *self,
                   const char *display,
                   const char *number)
{
  const char *caller_id = self->settings->trunk_caller_id;

  if (caller_id == NULL || caller_id[0] == '\0')
    caller_id = number;
  if (self->host == NULL || self->address == NULL)
    return NULL;
  /* Our own address as the host: the upstream sees who calls, and
   * answers to us. */
  return cb_sip_name_addr_at (display, caller_id, self->address, self->our_port);
}

gboolean
cb_sip_trunk_is_upstream (CbSipTrunk *self,
                          const char *address,
                          guint       port)
{
  g_autoptr(GInetAddress) source = NULL;
  g_autoptr(GInetAddress) proxy = NULL;
  g_autofree char *host = NULL;
  gsize len;

  if (self->host == NULL || address == NULL || port != self->port)
    return FALSE;
  /* An IPv6 host is kept in brackets. */
  len = strlen (self->host);
  host = self->host[0] == '[' && len > 2 ? g_strndup (self->host + 1, len - 2) : g_strdup (self->host);
  proxy = g_inet_address_new_from_string (host);
  source = g_inet_address_new_from_string (address);
  return proxy != NULL && source != NULL && g_inet_address_equal (proxy, source);
}

char *
cb_sip_trunk_caller_number (CbSipTrunk  *self,
                            const sip_t *sip)
{
  const char *prefix = self->settings->trunk_prefix;
  const char *user = sip->sip_from != NULL ? sip->sip_from->a_url->url_user : NULL;

  if (user == NULL || user[0] == '\0')
    return g_strdup ("anonymous");
  if (prefix != NULL && g_ascii_isdigit (user[0]))
    return g_strconcat (prefix, user, NULL);
  return g_strdup (user);
}

gboolean
cb_sip_trunk_authenticate (CbSipTrunk   *self,
                           nua_handle_t *nh,
                           const sip_t  *sip,
                           guint        *attempts)
{
  const CbSipSettings *config = self->settings;
  const msg_auth_t *challenge = NULL;
  g_autofree char *auth = NULL;
  const char *realm;

  if (sip != NULL)
    challenge = sip->sip_proxy_authenticate != NULL ? sip->sip_proxy_authenticate
                                                    : sip->sip_www_authenticate;
  if (challenge == NULL || config->trunk_username == NULL || config->trunk_password == NULL ||
      *attempts >= MAX_AUTH_ATTEMPTS)
    return FALSE;
  realm = msg_params_find (challenge->au_params, "realm=");
  if (realm == NULL)
    return FALSE;

  (*attempts)++;
  g_debug ("Trunk: answering the %s challenge of %s", challenge->au_scheme, realm);
  /* NUTAG_AUTH wants scheme:"realm":user:password, the realm still quoted. */
  auth = g_strdup_printf ("%s:%s:%s:%s", challenge->au_scheme, realm,
                          config->trunk_username, config->trunk_password);
  nua_authenticate (nh, NUTAG_AUTH (auth), TAG_END ());
  return TRUE;
}
