/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-sip-agent-tls.c: what a CbSipAgent on SIP over TLS needs besides the
 * stack: the directory sofia-sip reads its trust from, a check of the
 * server's certificate that can say what is wrong with it, and sofia's
 * transport log routed to GLib's. */
#define G_LOG_DOMAIN "cb-phone"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sofia-sip/su_log.h>

#include "cb-sip-private.h"

/* The system's trust, as Debian's ca-certificates writes it. */
#define SYSTEM_TRUST "/etc/ssl/certs/ca-certificates.crt"

/* sofia-sip 1.12 exports its transport log but declares it in no
 * installed header. */
extern su_log_t tport_log[];

/* ---- the trust directory ---------------------------------------------------- */

/* sofia-sip takes TPTAG_CERTIFICATE as a directory: cafile.pem there is
 * what it trusts (and agent.pem, a certificate of our own, which a phone
 * does not have: it only connects). A private directory (mkdtemp's 0700)
 * per agent, removed with it. */
char *
_cb_sip_tls_make_dir (const char  *pinned_pem,
                      GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *cafile = NULL;

  dir = g_dir_make_tmp ("cb-sip-tls-XXXXXX", error);
  if (dir == NULL)
    return NULL;
  cafile = g_build_filename (dir, "cafile.pem", NULL);
  if (pinned_pem != NULL)
    {
      if (!g_file_set_contents_full (cafile, pinned_pem, -1, G_FILE_SET_CONTENTS_NONE, 0600, error))
        {
          _cb_sip_tls_remove_dir (dir);
          return NULL;
        }
    }
  else if (symlink (SYSTEM_TRUST, cafile) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot use the system's certificates (%s): %s", SYSTEM_TRUST, g_strerror (saved));
      _cb_sip_tls_remove_dir (dir);
      return NULL;
    }
  return g_steal_pointer (&dir);
}

void
_cb_sip_tls_remove_dir (const char *dir)
{
  g_autofree char *cafile = NULL;

  if (dir == NULL)
    return;
  cafile = g_build_filename (dir, "cafile.pem", NULL);
  g_unlink (cafile);
  g_rmdir (dir);
}

/* ---- sofia's transport log ----------------------------------------------------- */

static void
log_to_glib (void       *stream,
             char const *format,
             va_list     ap)
{
  g_autofree char *line = g_strdup_vprintf (format, ap);

  g_debug ("sofia tport: %s", g_strchomp (line));
}

/* Without a certificate of its own (a phone has none) sofia says so on
 * stderr whenever a TLS transport starts, and it reports failed
 * handshakes there too: into the debug log with them, unless someone
 * asked for sofia's own (TPORT_DEBUG). */
void
_cb_sip_tls_route_sofia_log (void)
{
  static gsize once;

  if (g_once_init_enter (&once))
    {
      if (g_getenv ("TPORT_DEBUG") == NULL)
        su_log_redirect (tport_log, log_to_glib, NULL);
      g_once_init_leave (&once, 1);
    }
}

/* ---- checking the server's certificate ----------------------------------------- */

typedef struct {
  GTlsCertificate *pinned;   /* NULL: the system's trust */
  GSocketConnection *tcp;
  GIOStream *tls;
} Check;

static void
check_free (Check *check)
{
  g_clear_object (&check->pinned);
  g_clear_object (&check->tls);
  g_clear_object (&check->tcp);
  g_free (check);
}

/* Pinned: the server shows exactly that certificate or nothing goes. */
static gboolean
on_accept_certificate (GTlsConnection       *connection,
                       GTlsCertificate      *peer,
                       GTlsCertificateFlags  errors,
                       GTlsCertificate      *pinned)
{
  return g_tls_certificate_is_same (peer, pinned);
}

static char *
describe_flags (GTlsCertificateFlags flags)
{
  static const struct { GTlsCertificateFlags flag; const char *text; } texts[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA, "issued by an unknown authority" },
    { G_TLS_CERTIFICATE_BAD_IDENTITY, "made out to another name" },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, "not valid yet" },
    { G_TLS_CERTIFICATE_EXPIRED, "expired" },
    { G_TLS_CERTIFICATE_REVOKED, "revoked" },
    { G_TLS_CERTIFICATE_INSECURE, "insecure" },
  };
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (flags & texts[i].flag)
      g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", texts[i].text);
  if (text->len == 0)
    g_string_append (text, "not valid");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
on_handshake (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GTask) task = data;
  Check *check = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GTlsConnection *tls = G_TLS_CONNECTION (source);

  if (g_tls_connection_handshake_finish (tls, result, &error))
    {
      g_io_stream_close_async (check->tls, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    {
      GTlsCertificateFlags flags = g_tls_connection_get_peer_certificate_errors (tls);
      g_autofree char *why = describe_flags (flags);

      if (check->pinned != NULL)
        g_task_return_new_error (task, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                 "The SIP server's certificate is not the pinned certificate");
      else
        g_task_return_new_error (task, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                 "The SIP server's certificate is not trusted: %s", why);
      return;
    }
  g_prefix_error (&error, "TLS with the SIP server failed: ");
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GTask) task = data;
  Check *check = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  const char *host = g_object_get_data (G_OBJECT (task), "host");
  GCancellable *cancellable;

  check->tcp = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (check->tcp == NULL)
    {
      g_prefix_error (&error, "Cannot reach the SIP server over TLS: ");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  identity = g_network_address_new (host, 0);
  check->tls = g_tls_client_connection_new (G_IO_STREAM (check->tcp), identity, &error);
  if (check->tls == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (check->pinned != NULL)
    {
      /* No database: nothing is trusted but what accept-certificate takes. */
      g_tls_connection_set_database (G_TLS_CONNECTION (check->tls), NULL);
      g_signal_connect (check->tls, "accept-certificate", G_CALLBACK (on_accept_certificate),
                        check->pinned);
    }
  cancellable = g_task_get_cancellable (task);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (check->tls), G_PRIORITY_DEFAULT,
                                    cancellable, on_handshake, g_steal_pointer (&task));
}

/* Connects to host:port and checks the certificate as sofia-sip will
 * (the pinned one, or the system's trust and the host's name), to say in
 * words what is wrong before a REGISTER fails with a bare 503. */
void
_cb_sip_tls_check_async (const char          *host,
                         guint16              port,
                         const char          *pinned_pem,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, data);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  Check *check = g_new0 (Check, 1);

  g_task_set_source_tag (task, _cb_sip_tls_check_async);
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);
  g_object_set_data_full (G_OBJECT (task), "host", g_strdup (host), g_free);
  if (pinned_pem != NULL)
    {
      check->pinned = g_tls_certificate_new_from_pem (pinned_pem, -1, &error);
      if (check->pinned == NULL)
        {
          g_prefix_error (&error, "The pinned certificate cannot be read: ");
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_socket_client_set_timeout (client, 10);
  /* SIP goes to the registrar directly, never through an HTTP proxy. */
  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_connect_to_host_async (client, host, port, cancellable, on_connected,
                                         g_steal_pointer (&task));
}

gboolean
_cb_sip_tls_check_finish (GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
