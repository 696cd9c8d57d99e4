/* cb-user-locale.c: the signed-in user's language and time zone, from their account
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One process, one user signed in at a time: the language and the time
 * zone are process-wide, as gettext's are.
 */

#define G_LOG_DOMAIN "cb-user-locale"

#include "config.h"

#include <libintl.h>

#include "cb-application.h"
#include "cb-user-locale.h"

static char *account_language;   /* NULL: the system's */
static char *system_language;    /* LANGUAGE as it was at the first change */
static gboolean system_known;
static GTimeZone *time_zone;     /* NULL: local */

/* The language translations come in now, without territory or codeset:
 * "de_DE.UTF-8" and "de" speak the same. */
static char *
primary_language (void)
{
  const char * const *names = g_get_language_names ();
  const char *name = names[0] != NULL ? names[0] : "C";

  return g_strndup (name, strcspn (name, "_.@"));
}

gboolean
cb_user_locale_set_language (const char *language)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  if (language != NULL && *language == '\0')
    language = NULL;
  if (g_strcmp0 (account_language, language) == 0)
    return FALSE;

  if (!system_known)
    {
      system_language = g_strdup (g_getenv ("LANGUAGE"));
      system_known = TRUE;
    }
  g_free (account_language);
  account_language = g_strdup (language);

  before = primary_language ();
  if (language != NULL)
    g_setenv ("LANGUAGE", language, TRUE);
  else if (system_language != NULL)
    g_setenv ("LANGUAGE", system_language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  /* gettext keeps what it looked up; naming the domain again makes it
   * look anew. */
  textdomain (GETTEXT_PACKAGE);
  after = primary_language ();
  g_debug ("Language now %s (%s, was %s)", language != NULL ? language : "the system's", after, before);
  return !g_str_equal (before, after);
}

const char *
cb_user_locale_get_language (void)
{
  return account_language;
}

void
cb_user_locale_set_time_zone (const char *identifier)
{
  GTimeZone *zone = NULL;

  if (identifier != NULL && *identifier != '\0')
    {
      zone = g_time_zone_new_identifier (identifier);
      if (zone == NULL)
        g_debug ("Unknown time zone “%s”: the system's is used", identifier);
    }
  g_clear_pointer (&time_zone, g_time_zone_unref);
  time_zone = zone;
}

GTimeZone *
cb_user_locale_get_time_zone (void)
{
  return time_zone != NULL ? g_time_zone_ref (time_zone) : g_time_zone_new_local ();
}

GDateTime *
cb_user_locale_date_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_seconds);
  g_autoptr(GTimeZone) zone = cb_user_locale_get_time_zone ();

  return utc != NULL ? g_date_time_to_timezone (utc, zone) : NULL;
}

GDateTime *
cb_user_locale_now (void)
{
  g_autoptr(GTimeZone) zone = cb_user_locale_get_time_zone ();

  return g_date_time_new_now (zone);
}

typedef struct {
  CbWindow  *old;
  CbWindow  *fresh;
  CbSession *session;
} HandOver;

/* Once the old window's sign-in has returned: the new one takes over,
 * the old one goes without signing out (it never had the session). */
static gboolean
hand_over (gpointer data)
{
  HandOver *hand_over = data;

  g_signal_emit_by_name (cb_window_get_sign_in_page (hand_over->fresh), "signed-in", hand_over->session);
  gtk_window_destroy (GTK_WINDOW (hand_over->old));
  g_object_unref (hand_over->old);
  g_object_unref (hand_over->fresh);
  g_object_unref (hand_over->session);
  g_free (hand_over);
  return G_SOURCE_REMOVE;
}

gboolean
cb_user_locale_sign_in (CbWindow  *window,
                        GSettings *settings,
                        CbSession *session)
{
  CbContact *me = cb_client_store_get_me (cb_session_get_store (session));
  gboolean follow = g_settings_get_boolean (settings, "use-account-language");
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (window));
  HandOver *data;

  cb_user_locale_set_time_zone (me != NULL ? cb_contact_get_time_zone (me) : NULL);
  if (!cb_user_locale_set_language (follow && me != NULL ? cb_contact_get_language (me) : NULL))
    return FALSE;

  /* Built anew in the new language, where the old one is. */
  data = g_new0 (HandOver, 1);
  data->old = g_object_ref (window);
  data->fresh = g_object_ref (cb_window_new (application));
  data->session = g_object_ref (session);
  if (CB_IS_APPLICATION (application))
    cb_window_set_demo_server (data->fresh, cb_application_get_demo_server (CB_APPLICATION (application)));
  gtk_window_set_default_size (GTK_WINDOW (data->fresh),
                               gtk_widget_get_width (GTK_WIDGET (window)),
                               gtk_widget_get_height (GTK_WIDGET (window)));
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  gtk_window_present (GTK_WINDOW (data->fresh));
  g_idle_add (hand_over, data);
  return TRUE;
}
