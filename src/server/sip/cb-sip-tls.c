/* cb-sip-tls.c: SIP over TLS for callboardd: the listener's certificate, and requests to phones over their own connection
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TLS listener (transport tls, sips:, [sip] tls-port, default 5061)
 * uses the certificate and key HTTPS uses. sofia-sip 1.12 reads them from
 * a directory (agent.pem: key and certificate; cafile.pem), which is
 * made here from the configured files in a private temporary directory
 * and removed when the server stops. It negotiates TLS 1.2 or 1.3
 * (TPTAG_TLS_VERSION 0: OpenSSL's TLS_method, whose default security
 * level refuses 1.0 and 1.1); sofia sets its own cipher list, which no
 * tag changes: forward secrecy follows the phone's preference.
 *
 * Phones on TLS do not listen with a certificate of their own (ours do
 * not; baresip does not unless configured): the server never connects
 * to them. Whatever it sends a phone goes over the connection the phone
 * opened: for a new request (an INVITE, a NOTIFY) the one its REGISTER
 * came over (the registrar keeps it with the binding), for the rest of a
 * dialog the phone started (its INVITE, its SUBSCRIBE) that one's. Each
 * is given to the handle as its next hop, where sofia's transport finds
 * the open connection by its address.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <sofia-sip/sip_protos.h>
#include <sofia-sip/url.h>

#include "cb-srtp.h"
#include "cb-sip-registrar.h"
#include "cb-sip-tls.h"

static gboolean
write_private (const char  *path,
               const char  *contents,
               GError     **error)
{
  return g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_NONE, 0600, error);
}

char *
cb_sip_tls_make_dir (const char  *certificate,
                     const char  *key,
                     GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *cert_pem = NULL;
  g_autofree char *key_pem = NULL;
  g_autofree char *agent = NULL;
  g_autofree char *agent_path = NULL;
  g_autofree char *cafile_path = NULL;

  g_return_val_if_fail (certificate != NULL && key != NULL, NULL);

  if (!g_file_get_contents (certificate, &cert_pem, NULL, error) ||
      !g_file_get_contents (key, &key_pem, NULL, error))
    return NULL;
  dir = g_dir_make_tmp ("callboardd-sip-tls-XXXXXX", error);
  if (dir == NULL)
    return NULL;
  agent_path = g_build_filename (dir, "agent.pem", NULL);
  cafile_path = g_build_filename (dir, "cafile.pem", NULL);
  agent = g_strconcat (key_pem, g_str_has_suffix (key_pem, "\n") ? "" : "\n", cert_pem, NULL);
  if (!write_private (agent_path, agent, error) || !write_private (cafile_path, cert_pem, error))
    {
      cb_sip_tls_remove_dir (dir);
      explicit_bzero (agent, strlen (agent));
      explicit_bzero (key_pem, strlen (key_pem));
      return NULL;
    }
  explicit_bzero (agent, strlen (agent));
  explicit_bzero (key_pem, strlen (key_pem));
  return g_steal_pointer (&dir);
}

void
cb_sip_tls_remove_dir (const char *dir)
{
  static const char * const files[] = { "agent.pem", "cafile.pem" };

  if (dir == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

guint
cb_sip_tls_pick_port (const char  *address,
                      GError     **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) any = NULL;
  g_autoptr(GSocketAddress) bound = NULL;

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Not an IP address: %s", address);
      return 0;
    }
  socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  any = g_inet_socket_address_new (inet, 0);
  if (socket == NULL || !g_socket_bind (socket, any, TRUE, error) ||
      (bound = g_socket_get_local_address (socket, error)) == NULL)
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

char *
cb_sip_tls_sdp_between (const char *sdp,
                        gboolean    from_tls,
                        gboolean    to_tls)
{
  char *stripped;

  if (sdp == NULL || (from_tls && to_tls) || strstr (sdp, "a=crypto") == NULL)
    return g_strdup (sdp);
  stripped = cb_srtp_sdp_strip (sdp);
  return stripped != NULL ? stripped : g_strdup (sdp);
}

gboolean
cb_sip_tls_request_is_tls (const sip_t *sip)
{
  return sip != NULL && sip->sip_via != NULL && sip->sip_via->v_protocol != NULL &&
         g_ascii_strcasecmp (sip->sip_via->v_protocol, sip_transport_tls) == 0;
}

gboolean
cb_sip_tls_uri_is_tls (const char *uri)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  url_t *url;
  gboolean tls = FALSE;

  if (uri == NULL)
    return FALSE;
  url = url_make (home, uri);
  if (url != NULL)
    {
      char transport[16] = "";

      tls = url->url_type == url_sips ||
            (url_param (url->url_params, "transport", transport, sizeof transport) > 0 &&
             g_ascii_strcasecmp (transport, "tls") == 0);
    }
  su_home_deinit (home);
  return tls;
}

char *
cb_sip_tls_request_flow (CbSipServer *server,
                         const sip_t *sip)
{
  g_autofree char *address = NULL;
  guint port = 0;

  if (!cb_sip_tls_request_is_tls (sip) || !cb_sip_server_request_source (server, &address, &port))
    return NULL;
  return g_strdup_printf (strchr (address, ':') != NULL ? "sip:[%s]:%u;transport=tls"
                                                        : "sip:%s:%u;transport=tls",
                          address, port);
}

static void
route (nua_handle_t *nh,
       const char   *flow)
{
  g_debug ("Requests to this device go over its connection %s", flow);
  nua_set_hparams (nh, NUTAG_PROXY (flow), TAG_END ());
}

void
cb_sip_tls_route_by_request (CbSipServer  *server,
                             nua_handle_t *nh,
                             const sip_t  *sip)
{
  g_autofree char *flow = cb_sip_tls_request_flow (server, sip);

  if (flow != NULL && nh != NULL)
    route (nh, flow);
}

void
cb_sip_tls_route_to_contact (CbSipServer  *server,
                             nua_handle_t *nh,
                             const char   *contact)
{
  const char *flow = cb_sip_registrar_contact_flow (cb_sip_server_get_registrar (server), contact);

  if (flow != NULL && nh != NULL)
    route (nh, flow);
}
