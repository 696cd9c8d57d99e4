/* cb-sign-in-page.c: server, user and password, or "Try the demo"
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Signing in can be cancelled while it runs, and gives up after the
 * session's connect limit; failures are said in plain words. A server
 * whose certificate the system does not trust shows the certificate's
 * SHA-256 fingerprint with the choice to trust it for that server
 * (host and port): the fingerprint is kept in the "trusted-certificates"
 * setting and pinned for later sign-ins; another certificate there is
 * asked about again, with a warning that it changed.
 */

#define G_LOG_DOMAIN "cb-sign-in-page"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-password-store.h"
#include "cb-sign-in-page.h"
#include "cb-startup-trace.h"

/* The demo office's own user; see data/demo-directory.json. */
#define DEMO_USER     "anna"
#define DEMO_PASSWORD "demo"

struct _CbSignInPage
{
  GtkWidget     parent_instance;

  GSettings    *settings;
  CbSession    *pending_session;
  CbDemoServer *demo_server;
  GCancellable *cancellable;
  GtkWidget    *refocus;        /* the field the user was in when the form greyed */
  guint         busy : 1;

  /* Template widgets */
  AdwEntryRow  *server_row;
  AdwEntryRow  *user_row;
  AdwEntryRow  *password_row;
  GtkSwitch    *remember_switch;
  GtkLabel     *error_label;
  GtkLabel     *status_label;
  GtkSpinner   *sign_in_spinner;
  GtkSpinner   *demo_spinner;
  GtkWidget    *form;
  GtkWidget    *cancel_button;
  GtkWidget    *certificate_box;
  GtkLabel     *certificate_title;
  GtkLabel     *certificate_explanation;
  GtkLabel     *fingerprint_label;

  /* The certificate refused at the last attempt, and for which server. */
  char         *offered_fingerprint;
  char         *offered_server;
};

G_DEFINE_FINAL_TYPE (CbSignInPage, cb_sign_in_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_USERNAME,
  PROP_PASSWORD,
  PROP_BUSY,
  N_PROPS
};

enum {
  SIGNED_IN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef enum {
  BUSY_NONE,
  BUSY_SIGN_IN,
  BUSY_DEMO,
} BusyKind;

static void
set_busy (CbSignInPage *self,
          BusyKind      kind,
          const char   *status)
{
  gboolean busy = kind != BUSY_NONE;

  gtk_spinner_set_spinning (self->sign_in_spinner, kind == BUSY_SIGN_IN);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_spinner), kind == BUSY_SIGN_IN);
  gtk_spinner_set_spinning (self->demo_spinner, kind == BUSY_DEMO);
  gtk_widget_set_visible (GTK_WIDGET (self->demo_spinner), kind == BUSY_DEMO);

  gtk_label_set_label (self->status_label, status ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), status != NULL);

  /* Focus leaves the form before it greys, and comes back to the same
   * field if the user stays here: GTK 4.8 keeps the cursor of a focused
   * entry made insensitive blinking, with nowhere to type. */
  if (busy && !self->busy)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

      if (focus != NULL && gtk_widget_is_ancestor (focus, self->form))
        {
          g_set_weak_pointer (&self->refocus, focus);
          gtk_root_set_focus (root, NULL);
        }
    }
  gtk_widget_set_sensitive (self->form, !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.sign-in", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.try-demo", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.cancel", kind == BUSY_SIGN_IN);
  gtk_widget_set_visible (self->cancel_button, kind == BUSY_SIGN_IN);
  if (kind == BUSY_SIGN_IN && self->refocus != NULL)
    gtk_widget_grab_focus (self->cancel_button);
  if (!busy && self->refocus != NULL)
    {
      gtk_widget_grab_focus (self->refocus);
      g_clear_weak_pointer (&self->refocus);
    }

  if (self->busy != busy)
    {
      self->busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
}

char *
cb_sign_in_page_normalize_url (const char *text)
{
  g_autofree char *url = g_strstrip (g_strdup (text ? text : ""));
  gsize len;

  if (*url == '\0')
    return g_steal_pointer (&url);

  if (strstr (url, "://") == NULL)
    {
      /* Loopback never has a certificate; anything else should. */
      gboolean local = g_str_has_prefix (url, "localhost") ||
                       g_str_has_prefix (url, "127.") ||
                       g_str_has_prefix (url, "[::1]");
      char *full = g_strconcat (local ? "http://" : "https://", url, NULL);

      g_free (url);
      url = full;
    }

  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  return g_steal_pointer (&url);
}

/* "host:port" of @url, the key its certificate is trusted under; NULL
 * for a URL that is not https. */
static char *
server_key (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  int port;

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 || g_uri_get_host (uri) == NULL)
    return NULL;
  port = g_uri_get_port (uri);
  return g_strdup_printf ("%s:%d", g_uri_get_host (uri), port > 0 ? port : 443);
}

/* The fingerprint the user trusts for @server, or NULL. */
static char *
lookup_trusted (CbSignInPage *self,
                const char   *server)
{
  g_autoptr(GVariant) pins = g_settings_get_value (self->settings, "trusted-certificates");
  const char *fingerprint = NULL;

  if (server == NULL || !g_variant_lookup (pins, server, "&s", &fingerprint))
    return NULL;
  return g_strdup (fingerprint);
}

static void
hide_certificate (CbSignInPage *self)
{
  gtk_widget_set_visible (self->certificate_box, FALSE);
  g_clear_pointer (&self->offered_fingerprint, g_free);
  g_clear_pointer (&self->offered_server, g_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.trust-certificate", FALSE);
}

/* Offers the certificate the session refused, if it refused one. */
static gboolean
offer_certificate (CbSignInPage *self,
                   CbSession    *session,
                   const char   *url)
{
  GTlsCertificate *certificate =
    cb_rest_client_get_rejected_certificate (cb_session_get_rest_client (session), NULL);
  g_autofree char *server = server_key (url);
  g_autofree char *trusted = lookup_trusted (self, server);
  g_autofree char *fingerprint = NULL;
  g_autofree char *title = NULL;

  if (certificate == NULL || server == NULL ||
      (fingerprint = cb_certificate_get_fingerprint (certificate)) == NULL)
    return FALSE;

  if (trusted != NULL)
    {
      /* Translators: %s is the server, host:port */
      title = g_strdup_printf (_("The certificate of %s has changed"), server);
      gtk_label_set_label (self->certificate_explanation,
                           _("It is not the one you trusted before. Someone may be intercepting "
                             "the connection, or the server has a new certificate. Trust it only "
                             "if your administrator confirms this fingerprint."));
    }
  else
    {
      /* Translators: %s is the server, host:port */
      title = g_strdup_printf (_("The certificate of %s is not trusted"), server);
      gtk_label_set_label (self->certificate_explanation,
                           _("Your system does not know who issued it. If your office's server "
                             "has a certificate of its own, compare this fingerprint with the one "
                             "your administrator gave you before trusting it."));
    }
  gtk_label_set_label (self->certificate_title, title);
  gtk_label_set_label (self->fingerprint_label, fingerprint);
  g_free (self->offered_fingerprint);
  self->offered_fingerprint = g_steal_pointer (&fingerprint);
  g_free (self->offered_server);
  self->offered_server = g_steal_pointer (&server);
  gtk_widget_set_visible (self->certificate_box, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.trust-certificate", TRUE);
  return TRUE;
}

void
cb_sign_in_page_set_error (CbSignInPage *self,
                           const char   *message)
{
  g_return_if_fail (CB_IS_SIGN_IN_PAGE (self));

  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
on_password_saved (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* No keyring is no reason to fail signing in. */
  if (!cb_password_store_save_finish (result, &error))
    g_debug ("The password could not be remembered: %s", error->message);
}

typedef struct {
  CbSignInPage *self;
  char         *url;
  char         *username;
  char         *password;
  gboolean      demo;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_clear_object (&sign_in->self);
  g_free (sign_in->url);
  g_free (sign_in->username);
  g_free (sign_in->password);
  g_free (sign_in);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SignIn, sign_in_free)

static void
on_signed_in (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SignIn) sign_in = user_data;
  CbSignInPage *self = sign_in->self;
  /* Our own reference: clearing pending_session may drop the last one. */
  g_autoptr(CbSession) session = g_object_ref (CB_SESSION (object));
  g_autoptr(GError) error = NULL;

  if (!cb_session_sign_in_finish (session, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_debug ("Signing in to %s failed: %s", sign_in->url, error->message);
      set_busy (self, BUSY_NONE, NULL);
      if (!(g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) &&
            offer_certificate (self, session, sign_in->url)))
        {
          g_autofree char *message = cb_describe_error (error);

          cb_sign_in_page_set_error (self, message);
        }
      g_clear_object (&self->pending_session);
      return;
    }

  g_clear_object (&self->pending_session);

  /* The demo's address changes every run: not worth remembering. */
  if (!sign_in->demo)
    {
      g_settings_set_string (self->settings, "last-server", sign_in->url);
      g_settings_set_string (self->settings, "last-user", sign_in->username);

      if (gtk_switch_get_active (self->remember_switch))
        cb_password_store_save_async (sign_in->url, sign_in->username, sign_in->password,
                                      NULL, on_password_saved, NULL);
      else
        cb_password_store_forget (sign_in->url, sign_in->username);
    }

  set_busy (self, BUSY_NONE, NULL);
  cb_sign_in_page_set_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");

  g_signal_emit (self, signals[SIGNED_IN], 0, session);
}

static void
start_sign_in (CbSignInPage *self,
               const char   *url,
               const char   *username,
               const char   *password,
               gboolean      demo)
{
  SignIn *sign_in;

  g_autofree char *server = server_key (url);
  g_autofree char *trusted = lookup_trusted (self, server);

  g_debug ("Signing in to %s as %s", url, username);

  cb_sign_in_page_set_error (self, NULL);
  hide_certificate (self);
  /* The spinner stays on the button the user pressed. */
  set_busy (self, demo ? BUSY_DEMO : BUSY_SIGN_IN, _("Signing in…"));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  sign_in = g_new0 (SignIn, 1);
  sign_in->self = g_object_ref (self);
  sign_in->url = g_strdup (url);
  sign_in->username = g_strdup (username);
  sign_in->password = g_strdup (password);
  sign_in->demo = demo;

  g_clear_object (&self->pending_session);
  self->pending_session = cb_session_new (url);
  /* The certificate the user trusted for this server, and only that one. */
  cb_rest_client_set_pinned_certificate (cb_session_get_rest_client (self->pending_session), trusted);
  cb_startup_trace_mark ("sign-in");
  cb_session_sign_in_async (self->pending_session, username, password,
                            self->cancellable, on_signed_in, sign_in);
}

void
cb_sign_in_page_sign_in_with_password (CbSignInPage *self,
                                       const char   *password)
{
  g_return_if_fail (CB_IS_SIGN_IN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
  gtk_widget_activate_action (GTK_WIDGET (self), "sign-in.sign-in", NULL);
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  CbSignInPage *self = CB_SIGN_IN_PAGE (widget);
  g_autofree char *url = cb_sign_in_page_normalize_url (gtk_editable_get_text (GTK_EDITABLE (self->server_row)));
  g_autofree char *username = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_row))));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (*url == '\0' || *username == '\0')
    {
      cb_sign_in_page_set_error (self, _("Enter the server address and your user name."));
      gtk_widget_grab_focus (GTK_WIDGET (*url == '\0' ? self->server_row : self->user_row));
      return;
    }

  start_sign_in (self, url, username, password, FALSE);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CbSignInPage *self = CB_SIGN_IN_PAGE (widget);

  if (self->pending_session == NULL)
    return;
  g_debug ("Signing in cancelled");
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_object (&self->pending_session);
  set_busy (self, BUSY_NONE, NULL);
}

static void
trust_certificate_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  CbSignInPage *self = CB_SIGN_IN_PAGE (widget);
  g_autoptr(GVariant) old = NULL;
  GVariantBuilder pins;
  GVariantIter iter;
  const char *server;
  const char *fingerprint;

  if (self->offered_fingerprint == NULL || self->offered_server == NULL)
    return;
  g_debug ("Trusting %s for %s", self->offered_fingerprint, self->offered_server);
  old = g_settings_get_value (self->settings, "trusted-certificates");
  g_variant_builder_init (&pins, G_VARIANT_TYPE ("a{ss}"));
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "{&s&s}", &server, &fingerprint))
    if (g_strcmp0 (server, self->offered_server) != 0)
      g_variant_builder_add (&pins, "{ss}", server, fingerprint);
  g_variant_builder_add (&pins, "{ss}", self->offered_server, self->offered_fingerprint);
  g_settings_set_value (self->settings, "trusted-certificates", g_variant_builder_end (&pins));
  hide_certificate (self);
  gtk_widget_activate_action (widget, "sign-in.sign-in", NULL);
}

static void
on_demo_started (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CbSignInPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  url = cb_demo_server_start_finish (CB_DEMO_SERVER (object), result, &error);
  if (url == NULL)
    {
      g_autofree char *message = NULL;

      g_debug ("The demo server did not start: %s", error->message);
      set_busy (self, BUSY_NONE, NULL);
      message = g_strdup_printf (_("The demo could not be started: %s"), error->message);
      cb_sign_in_page_set_error (self, message);
      return;
    }

  /* Show what the demo uses, so the form explains itself. */
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), DEMO_USER);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), DEMO_PASSWORD);

  start_sign_in (self, url, DEMO_USER, DEMO_PASSWORD, TRUE);
}

static void
try_demo_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  CbSignInPage *self = CB_SIGN_IN_PAGE (widget);

  if (self->demo_server == NULL)
    self->demo_server = cb_demo_server_new (NULL);

  cb_sign_in_page_set_error (self, NULL);
  set_busy (self, BUSY_DEMO, _("Starting the demo office…"));
  cb_demo_server_start_async (self->demo_server, NULL, on_demo_started, g_object_ref (self));
}

static void
on_password_found (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CbSignInPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;

  password = cb_password_store_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_debug ("No stored password: %s", error->message);
      return;
    }

  /* Never overwrite what the user has typed meanwhile. */
  if (password != NULL && *gtk_editable_get_text (GTK_EDITABLE (self->password_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
}

static void
lookup_password (CbSignInPage *self)
{
  g_autofree char *url = cb_sign_in_page_normalize_url (gtk_editable_get_text (GTK_EDITABLE (self->server_row)));
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->user_row));

  if (!g_settings_get_boolean (self->settings, "remember-password") ||
      *url == '\0' || *username == '\0')
    return;

  cb_password_store_lookup_async (url, username, self->cancellable,
                                  on_password_found, g_object_ref (self));
}

void
cb_sign_in_page_reset (CbSignInPage *self)
{
  g_return_if_fail (CB_IS_SIGN_IN_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_object (&self->pending_session);

  set_busy (self, BUSY_NONE, NULL);
  cb_sign_in_page_set_error (self, NULL);
  hide_certificate (self);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  lookup_password (self);
}

gboolean
cb_sign_in_page_get_busy (CbSignInPage *self)
{
  g_return_val_if_fail (CB_IS_SIGN_IN_PAGE (self), FALSE);

  return self->busy;
}

void
cb_sign_in_page_set_demo_server (CbSignInPage *self,
                                 CbDemoServer *demo_server)
{
  g_return_if_fail (CB_IS_SIGN_IN_PAGE (self));

  g_set_object (&self->demo_server, demo_server);
}

static void
on_entry_activated (CbSignInPage *self,
                    AdwEntryRow  *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "sign-in.sign-in", NULL);
}

static void
on_text_notify (CbSignInPage *self,
                GParamSpec   *pspec,
                GObject      *row)
{
  if (row == G_OBJECT (self->server_row))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
  else if (row == G_OBJECT (self->user_row))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
  else
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PASSWORD]);
}

static void
cb_sign_in_page_dispose (GObject *object)
{
  CbSignInPage *self = CB_SIGN_IN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_weak_pointer (&self->refocus);
  g_clear_object (&self->pending_session);
  g_clear_object (&self->demo_server);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->offered_fingerprint, g_free);
  g_clear_pointer (&self->offered_server, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_SIGN_IN_PAGE);
  cb_widget_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cb_sign_in_page_parent_class)->dispose (object);
}

static void
cb_sign_in_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CbSignInPage *self = CB_SIGN_IN_PAGE (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_value_set_string (value, gtk_editable_get_text (GTK_EDITABLE (self->server_row)));
      break;
    case PROP_USERNAME:
      g_value_set_string (value, gtk_editable_get_text (GTK_EDITABLE (self->user_row)));
      break;
    case PROP_PASSWORD:
      g_value_set_string (value, gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_sign_in_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CbSignInPage *self = CB_SIGN_IN_PAGE (object);
  const char *text = g_value_get_string (value);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      gtk_editable_set_text (GTK_EDITABLE (self->server_row), text ? text : "");
      break;
    case PROP_USERNAME:
      gtk_editable_set_text (GTK_EDITABLE (self->user_row), text ? text : "");
      break;
    case PROP_PASSWORD:
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), text ? text : "");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_sign_in_page_class_init (CbSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_sign_in_page_dispose;
  object_class->get_property = cb_sign_in_page_get_property;
  object_class->set_property = cb_sign_in_page_set_property;

  /* Entry texts notify through on_text_notify, hence EXPLICIT_NOTIFY. */
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PASSWORD] =
    g_param_spec_string ("password", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNED_IN] =
    g_signal_new ("signed-in",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CB_TYPE_SESSION);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-sign-in-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CbSignInPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, CbSignInPage, user_row);
  gtk_widget_class_bind_template_child (widget_class, CbSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, CbSignInPage, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, CbSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, CbSignInPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, CbSignInPage, sign_in_spinner);
  gtk_widget_class_bind_template_child (widget_class, CbSignInPage, demo_spinner);
  gtk_widget_class_bind_template_child (widget_class, CbSignInPage, form);
  gtk_widget_class_bind_template_child (widget_class, CbSignInPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CbSignInPage, certificate_box);
  gtk_widget_class_bind_template_child (widget_class, CbSignInPage, certificate_title);
  gtk_widget_class_bind_template_child (widget_class, CbSignInPage, certificate_explanation);
  gtk_widget_class_bind_template_child (widget_class, CbSignInPage, fingerprint_label);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_text_notify);

  gtk_widget_class_install_action (widget_class, "sign-in.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "sign-in.try-demo", NULL, try_demo_action);
  gtk_widget_class_install_action (widget_class, "sign-in.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "sign-in.trust-certificate", NULL,
                                   trust_certificate_action);
}

static void
cb_sign_in_page_init (CbSignInPage *self)
{
  g_autofree char *last_server = NULL;
  g_autofree char *last_user = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "remember-password",
                   self->remember_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  last_server = g_settings_get_string (self->settings, "last-server");
  last_user = g_settings_get_string (self->settings, "last-user");
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), last_server);
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), last_user);

  set_busy (self, BUSY_NONE, NULL);
  hide_certificate (self);
  lookup_password (self);
}

GtkWidget *
cb_sign_in_page_new (void)
{
  return g_object_new (CB_TYPE_SIGN_IN_PAGE, NULL);
}
