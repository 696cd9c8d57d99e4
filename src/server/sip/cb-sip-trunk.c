/* cb-sip-trunk.c: the SIP trunk: external numbers to an upstream proxy, its calls in
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A number that is no extension, group or feature code goes to the
 * [trunk] proxy (an ITSP or an office PBX), with the prefix (the external
 * line code, e.g. "0") stripped. The upstream does not register and does
 * not authenticate to us: a request from its address is trusted to come
 * from it, and may only reach our own numbers. Towards it we answer its
 * digest challenges with the configured credentials.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <string.h>

#include <sofia-sip/msg_header.h>

#include "cb-sip-trunk.h"

#define MAX_NUMBER_LENGTH 32
#define MAX_AUTH_ATTEMPTS 2

/* The proxy's host (brackets kept for IPv6) and port, from "sip:HOST[:PORT]"
 * (checked by the configuration). */
static gboolean
proxy_address (CbSipRegistrar  *self,
               char           **host,
               guint           *port)
{
  const char *proxy = self->settings->trunk_proxy;
  const char *start, *colon;

  if (proxy == NULL || !g_str_has_prefix (proxy, "sip:"))
    return FALSE;
  start = proxy + 4;
  colon = start[0] == '[' ? strstr (start, "]:") : strrchr (start, ':');
  if (colon != NULL && start[0] == '[')
    colon++;
  *host = colon != NULL ? g_strndup (start, colon - start) : g_strdup (start);
  *port = colon != NULL ? (guint) g_ascii_strtoull (colon + 1, NULL, 10) : 5060;
  return TRUE;
}

static gboolean
is_dialable (const char *number)
{
  gsize len = number != NULL ? strlen (number) : 0;

  return len > 0 && len <= MAX_NUMBER_LENGTH && strspn (number, "0123456789*#+") == len;
}

char *
_cb_sip_trunk_request_uri (CbSipRegistrar *self,
                           const char     *number)
{
  const char *prefix = self->settings->trunk_prefix;
  g_autofree char *host = NULL;
  guint port;

  if (!proxy_address (self, &host, &port) || !is_dialable (number))
    return NULL;
  if (prefix != NULL && prefix[0] != '\0')
    {
      if (!g_str_has_prefix (number, prefix) || !is_dialable (number + strlen (prefix)))
        return NULL;
      number += strlen (prefix);
    }
  return g_strdup_printf ("sip:%s@%s:%u", number, host, port);
}

char *
_cb_sip_trunk_from (CbSipRegistrar *self,
                    const char     *display,
                    const char     *number)
{
  const char *caller_id = self->settings->trunk_caller_id;
  g_autofree char *host = NULL;
  guint port;

  if (caller_id == NULL || caller_id[0] == '\0')
    caller_id = number;
  if (!proxy_address (self, &host, &port))
    return NULL;
  /* Our own address as the host: the upstream sees who calls, and
   * answers to us. */
  return g_strdup_printf ("\"%s\" <sip:%s@%s:%u>", display != NULL ? display : "",
                          caller_id, self->address, self->port);
}

gboolean
_cb_sip_trunk_is_upstream (CbSipRegistrar *self,
                           const sip_t    *sip)
{
  g_autofree char *host = NULL;
  const sip_via_t *via;
  const char *source;
  guint port, source_port;

  if (sip == NULL || (via = sip->sip_via) == NULL || !proxy_address (self, &host, &port))
    return FALSE;
  /* The stack puts where the request really came from into received= and
   * rport= when it differs from what the Via claims. */
  source = via->v_received != NULL ? via->v_received : via->v_host;
  if (via->v_rport != NULL && via->v_rport[0] != '\0')
    source_port = (guint) g_ascii_strtoull (via->v_rport, NULL, 10);
  else
    source_port = via->v_port != NULL ? (guint) g_ascii_strtoull (via->v_port, NULL, 10) : 5060;
  return source != NULL && g_ascii_strcasecmp (source, host) == 0 && source_port == port;
}

char *
_cb_sip_trunk_caller_number (CbSipRegistrar *self,
                             const sip_t    *sip)
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
_cb_sip_trunk_authenticate (CbSipRegistrar *self,
                            nua_handle_t   *nh,
                            const sip_t    *sip,
                            guint          *attempts)
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
