/* cb-sip-headers.c: header values through sofia-sip: From and To with display names, a dialog's remote party
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Display names come from the directory and may hold anything a person's
 * name holds: quotes, backslashes, angle brackets, any letter. Written
 * unescaped into a From, `"Anna "Nan" Meyer" <sip:…>` is a header sofia's
 * own parser rejects, and the call never starts. So name-addrs are made
 * by sofia from a parsed URI, with the display name as a quoted-string.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <string.h>

#include <sofia-sip/sip_header.h>
#include <sofia-sip/url.h>

#include "cb-sip-headers.h"
#include "cb-sip-tls.h"

char *
cb_sip_quote (const char *text)
{
  GString *quoted = g_string_new ("\"");

  for (const char *c = text != NULL ? text : ""; *c != '\0'; c++)
    {
      /* Bytes of UTF-8 letters are ≥ 0x80 and pass as they are. */
      if ((guchar) *c < 0x20 || *c == 0x7f)
        continue;
      if (*c == '"' || *c == '\\')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *c);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (quoted, FALSE);
}

char *
cb_sip_name_addr (const char *display,
                  const char *uri)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  g_autofree char *quoted = NULL;
  sip_to_t *address;
  char *text = NULL;

  address = uri != NULL ? sip_to_create (home, URL_STRING_MAKE (uri)) : NULL;
  if (address != NULL && (address->a_url->url_type == url_sip || address->a_url->url_type == url_sips))
    {
      if (display != NULL && display[0] != '\0')
        address->a_display = quoted = cb_sip_quote (display);
      text = g_strdup (sip_header_as_string (home, (const sip_header_t *) address));
    }
  su_home_deinit (home);
  return text;
}

char *
cb_sip_uri_at (const char *user,
               const char *host,
               guint       port)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  g_autofree char *bracketed = NULL;
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  url_t url[1];
  char *uri;

  if (host == NULL)
    return NULL;
  if (strchr (host, ':') != NULL && host[0] != '[')
    host = bracketed = g_strdup_printf ("[%s]", host);
  url_init (url, url_sip);
  url->url_user = user;
  url->url_host = host;
  url->url_port = port_text;
  uri = g_strdup (url_as_string (home, url));
  su_home_deinit (home);
  return uri;
}

char *
cb_sip_name_addr_at (const char *display,
                     const char *user,
                     const char *host,
                     guint       port)
{
  g_autofree char *uri = cb_sip_uri_at (user, host, port);

  return cb_sip_name_addr (display, uri);
}

char *
cb_sip_remote_party (const sip_t *sip,
                     gboolean     request)
{
  const sip_addr_t *party;
  su_home_t home[1] = { SU_HOME_INIT (home) };
  char *copy;

  if (sip == NULL)
    return NULL;
  party = request ? (const sip_addr_t *) sip->sip_from : (const sip_addr_t *) sip->sip_to;
  if (party == NULL || party->a_tag == NULL)
    return NULL;
  copy = g_strdup (sip_header_as_string (home, (const sip_header_t *) party));
  su_home_deinit (home);
  return copy;
}

char *
cb_sip_url_dup (const url_t *url)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  char *copy = g_strdup (url_as_string (home, url));

  su_home_deinit (home);
  return copy;
}

char *
cb_sip_contact_uri (const sip_t *sip)
{
  if (sip == NULL || sip->sip_contact == NULL)
    return NULL;
  return cb_sip_url_dup (sip->sip_contact->m_url);
}

char *
cb_sip_payload_dup (const sip_t *sip)
{
  if (sip == NULL || sip->sip_payload == NULL || sip->sip_payload->pl_len == 0)
    return NULL;
  return g_strndup (sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

const char *
cb_sip_call_id (const sip_t *sip)
{
  return sip != NULL && sip->sip_call_id != NULL ? sip->sip_call_id->i_id : NULL;
}

CbSipInviteDialog *
cb_sip_invite_dialog_new (nua_handle_t *nh,
                          const sip_t  *sip)
{
  CbSipInviteDialog *self = g_new0 (CbSipInviteDialog, 1);

  self->sdp = cb_sip_payload_dup (sip);
  self->contact = cb_sip_contact_uri (sip);
  self->remote = cb_sip_remote_party (sip, TRUE);
  self->dialog = (CbSipDialog) {
    .nh = nh, .sdp = self->sdp, .call_id = cb_sip_call_id (sip), .contact = self->contact,
    .remote = self->remote, .secure = cb_sip_tls_request_is_tls (sip),
  };
  return self;
}

void
cb_sip_invite_dialog_free (CbSipInviteDialog *self)
{
  if (self == NULL)
    return;
  g_free (self->sdp);
  g_free (self->contact);
  g_free (self->remote);
  g_free (self);
}

const char *
cb_sip_relayed_phrase (int status)
{
  const char *phrase = sip_status_phrase (status);

  return phrase != NULL ? phrase : "";
}
