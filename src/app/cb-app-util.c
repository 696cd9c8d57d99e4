/* cb-app-util.c: start-up and small helpers shared by the app's widgets
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-app"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "cb-protocol.h"
#include "cb-app-util.h"
#include "cb-sip-call.h"

gboolean
cb_app_running_from_build_tree (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  return exe != NULL && g_str_has_prefix (exe, BUILD_ROOT G_DIR_SEPARATOR_S);
}

void
cb_app_init_i18n (void)
{
  g_autofree char *build_localedir = NULL;
  const char *localedir = g_getenv ("CALLBOARD_LOCALEDIR");

  setlocale (LC_ALL, "");

  if (localedir == NULL && cb_app_running_from_build_tree ())
    localedir = build_localedir = g_build_filename (BUILD_ROOT, "po", NULL);
  if (localedir == NULL)
    localedir = LOCALEDIR;

  g_debug ("Translations from %s", localedir);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* GTK 4.8 opens OpenGL when it opens the display, whichever renderer
 * draws later: Mesa and the LLVM it links are 62 MiB of resident memory
 * and 50-100 ms of start-up before the first window (measured with a bare
 * GTK window under Xvfb: 86 MiB with GL, 25 MiB without). Our windows are
 * lists and cards, which the cairo renderer draws within a frame (the
 * busy lamp field's bench runs on it), so the lean start is the default;
 * GSK_RENDERER=gl (or ngl, vulkan) brings GL back. */
void
cb_app_init_renderer (void)
{
  const char *renderer = g_getenv ("GSK_RENDERER");
  const char *debug = g_getenv ("GDK_DEBUG");
  g_autofree char *with_gl_off = NULL;

  if (renderer != NULL && *renderer != '\0' && g_strcmp0 (renderer, "cairo") != 0)
    return;
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  if (debug != NULL && strstr (debug, "gl-disable") != NULL)
    return;
  with_gl_off = debug != NULL && *debug != '\0' ? g_strconcat (debug, ",gl-disable", NULL)
                                                 : g_strdup ("gl-disable");
  g_setenv ("GDK_DEBUG", with_gl_off, TRUE);
}

void
cb_app_init_schemas (void)
{
  g_autofree char *dir = NULL;

  if (g_getenv ("GSETTINGS_SCHEMA_DIR") != NULL || !cb_app_running_from_build_tree ())
    return;

  dir = g_build_filename (BUILD_ROOT, "data", NULL);
  g_setenv ("GSETTINGS_SCHEMA_DIR", dir, FALSE);
}

void
cb_app_init_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
  GdkDisplay *display = gdk_display_get_default ();

  gtk_css_provider_load_from_resource (provider, "/org/callboard/Callboard/style.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (display),
                                    "/org/callboard/Callboard/icons");
}

void
cb_widget_unparent_children (GtkWidget *widget)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}

AdwToast *
cb_toast_new (const char *message)
{
  AdwToast *toast = adw_toast_new (message);
  GtkWidget *label = gtk_label_new (message);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "heading");   /* as the toast's own title */
  /* Its natural width is the whole message on one line: without a limit
   * the label would ask for that and the toast would not wrap it. */
  gtk_label_set_max_width_chars (GTK_LABEL (label), 50);
  adw_toast_set_custom_title (toast, label);
  return toast;
}

void
cb_widget_show_toast (GtkWidget  *widget,
                      const char *message)
{
  GtkWidget *overlay;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      g_message ("%s", message);
      return;
    }

  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), cb_toast_new (message));
}

static void
on_menu_shown (GtkWidget *popover,
               GtkWidget *button)
{
  gtk_widget_set_has_tooltip (button, FALSE);
  /* Asks again for the pointer's widget, which has none now: the
   * tooltip shown goes. */
  gtk_widget_trigger_tooltip_query (button);
}

static void
on_menu_hidden (GtkWidget *popover,
                GtkWidget *button)
{
  gtk_widget_set_has_tooltip (button, TRUE);
}

static void
hide_tooltip_while_shown (GtkWidget  *button,
                          GtkPopover *popover)
{
  g_return_if_fail (popover != NULL);

  g_signal_connect_object (popover, "map", G_CALLBACK (on_menu_shown), button, 0);
  g_signal_connect_object (popover, "unmap", G_CALLBACK (on_menu_hidden), button, 0);
}

void
cb_menu_button_hide_tooltip_when_open (GtkMenuButton *button)
{
  g_return_if_fail (GTK_IS_MENU_BUTTON (button));
  hide_tooltip_while_shown (GTK_WIDGET (button), gtk_menu_button_get_popover (button));
}

void
cb_split_button_hide_tooltip_when_open (AdwSplitButton *button)
{
  g_return_if_fail (ADW_IS_SPLIT_BUTTON (button));
  hide_tooltip_while_shown (GTK_WIDGET (button), adw_split_button_get_popover (button));
}

static void
on_item_selected (GtkListItem *item,
                  GParamSpec  *pspec,
                  GtkWidget   *check)
{
  gtk_widget_set_opacity (check, gtk_list_item_get_selected (item) ? 1.0 : 0.0);
}

void
cb_drop_down_item_add_check (GtkListItem *item)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

  g_return_if_fail (GTK_IS_BOX (box));

  /* Hidden by opacity, so every row keeps the check's room. */
  gtk_box_append (GTK_BOX (box), check);
  g_signal_connect_object (item, "notify::selected", G_CALLBACK (on_item_selected), check, 0);
  on_item_selected (item, NULL, check);
}

/* A connection to the server that could not be made or broke, in the
 * user's words; NULL for any other error. */
static char *
describe_connection_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND) ||
      g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND) ||
      g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE))
    return g_strdup (_("No server by that name was found. Check the address."));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_strdup (_("Nothing answers at that address. Check the address and the port."));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    return g_strdup (_("The server cannot be reached. Check your network connection."));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup (_("The server did not answer in time. It may be down, or the address may be wrong."));
  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    return g_strdup (_("The server's certificate is not trusted."));
  if (error->domain == G_TLS_ERROR)
    return g_strdup (_("A secure connection to the server could not be set up."));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_FAILED))
    {
      /* The library's own words say nothing to a user. */
      g_debug ("Connection failed: %s", error->message);
      return g_strdup (_("The connection to the server failed."));
    }
  return NULL;
}

char *
cb_describe_error (const GError *error)
{
  char *reason;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == CB_PROTOCOL_ERROR)
    {
      switch ((CbProtocolError) error->code)
        {
        case CB_PROTOCOL_ERROR_UNAUTHORIZED:
          return g_strdup (_("The user name or password is wrong."));
        case CB_PROTOCOL_ERROR_TOO_MANY_REQUESTS:
          return g_strdup (_("Too many failed attempts. Please wait a moment and try again."));
        case CB_PROTOCOL_ERROR_FORBIDDEN:
          return g_strdup (_("You are not allowed to do that."));
        case CB_PROTOCOL_ERROR_NOT_FOUND:
          return g_strdup (_("The server does not know that entry (any more)."));
        case CB_PROTOCOL_ERROR_UNAVAILABLE:
          return g_strdup (_("The server is not available right now."));
        case CB_PROTOCOL_ERROR_UNREACHABLE:
          return g_strdup (_("No phone is registered for that number right now."));
        case CB_PROTOCOL_ERROR_NOT_CONNECTED:
          return g_strdup (_("The call is not connected."));
        case CB_PROTOCOL_ERROR_NOT_RINGING:
          return g_strdup (_("The call is not ringing any more."));
        case CB_PROTOCOL_ERROR_RENEGOTIATING:
          return g_strdup (_("The call is being changed just now. Try again in a moment."));
        case CB_PROTOCOL_ERROR_NO_PHONE:
          return g_strdup (_("Your phone is not registered right now."));
        case CB_PROTOCOL_ERROR_IN_CONFERENCE:
          return g_strdup (_("The call is part of a conference."));
        case CB_PROTOCOL_ERROR_TOO_MANY_CALLS:
          return g_strdup (_("You have as many external calls going on as you may."));
        case CB_PROTOCOL_ERROR_SAME_PARTY:
          return g_strdup (_("You cannot pass a call on to yourself or to the other person in it."));
        case CB_PROTOCOL_ERROR_FROM_GROUP:
          return g_strdup (_("That entry comes from one of your groups: only an administrator can remove it."));
        case CB_PROTOCOL_ERROR_LIST_FULL:
          return g_strdup (_("The list is full. Remove an entry first."));
        case CB_PROTOCOL_ERROR_NO_MOBILE:
          return g_strdup (_("No mobile number that can be dialled is set for you. An administrator enters it in your directory entry."));
        default:
          break;
        }
    }
  else if ((reason = describe_connection_error (error)) != NULL)
    {
      return reason;
    }

  /* Server messages are already meant for people; keep them as they are. */
  return g_strdup (error->message);
}

char *
cb_describe_call_error (const GError *error)
{
  char *reason;

  g_return_val_if_fail (error != NULL, NULL);

  if (g_error_matches (error, CB_SIP_CALL_ERROR, CB_SIP_CALL_ERROR_NOT_RINGING))
    return g_strdup (_("The call is not ringing any more."));
  if (g_error_matches (error, CB_SIP_CALL_ERROR, CB_SIP_CALL_ERROR_NOT_ACTIVE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED))
    return g_strdup (_("The call is not connected."));
  if (g_error_matches (error, CB_SIP_CALL_ERROR, CB_SIP_CALL_ERROR_NO_KEYPAD_TONES))
    return g_strdup (_("The other side takes no keypad tones on this call."));
  /* The server's refusals, and a connection to it that failed (not
   * G_IO_ERROR_FAILED: the phone library's media says that too). */
  if (error->domain == CB_PROTOCOL_ERROR)
    return cb_describe_error (error);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED) &&
      (reason = describe_connection_error (error)) != NULL)
    return reason;

  /* The phone's own words (a call the server does not know yet, a media
   * element that failed) say nothing to a user: the log keeps them. */
  g_message ("A call action failed: %s", error->message);
  return g_strdup (_("The softphone could not do that just now."));
}

char *
cb_describe_dial_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  /* Its refusals before anything is sent (cb-softphone.c). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
    return g_strdup (_("That is neither a colleague's name nor a phone number."));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED))
    return g_strdup (_("The softphone is not registered right now."));
  return cb_describe_error (error);
}

char *
cb_dial_uri_get_number (const char *uri)
{
  g_autofree char *unescaped = NULL;
  const char *rest;
  GString *number;

  g_return_val_if_fail (uri != NULL, NULL);

  if (g_ascii_strncasecmp (uri, "tel:", 4) == 0)
    rest = uri + 4;
  else if (g_ascii_strncasecmp (uri, "callto:", 7) == 0)
    rest = uri + 7;
  else if (g_ascii_strncasecmp (uri, "sips:", 5) == 0)
    rest = uri + 5;
  else if (g_ascii_strncasecmp (uri, "sip:", 4) == 0)
    rest = uri + 4;
  else
    return NULL;
  /* "callto://203" and "tel://…" are seen in the wild. */
  while (*rest == '/')
    rest++;

  unescaped = g_uri_unescape_segment (rest, rest + strcspn (rest, ";?@#"), NULL);
  if (unescaped == NULL)
    return NULL;
  /* Visual separators go; what is left must be a number to dial. */
  number = g_string_new (NULL);
  for (const char *c = unescaped; *c != '\0'; c++)
    {
      if (strchr (" -.()/", *c) != NULL)
        continue;
      if (!g_ascii_isdigit (*c) && strchr ("+*#", *c) == NULL)
        {
          g_string_free (number, TRUE);
          return NULL;
        }
      g_string_append_c (number, *c);
    }
  if (number->len == 0)
    {
      g_string_free (number, TRUE);
      return NULL;
    }
  return g_string_free (number, FALSE);
}

static gboolean
query_lazy_tooltip (GtkWidget  *widget,
                    int         x,
                    int         y,
                    gboolean    keyboard,
                    GtkTooltip *tooltip,
                    gpointer    user_data)
{
  const char *text = g_object_get_data (G_OBJECT (widget), "cb-lazy-tooltip");

  if (text == NULL || *text == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

void
cb_widget_set_lazy_tooltip (GtkWidget  *widget,
                            const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (g_object_get_data (G_OBJECT (widget), "cb-lazy-tooltip-handler") == NULL)
    {
      g_signal_connect (widget, "query-tooltip", G_CALLBACK (query_lazy_tooltip), NULL);
      g_object_set_data (G_OBJECT (widget), "cb-lazy-tooltip-handler", GINT_TO_POINTER (TRUE));
      gtk_widget_set_has_tooltip (widget, TRUE);
    }
  g_object_set_data_full (G_OBJECT (widget), "cb-lazy-tooltip", g_strdup (text), g_free);
}
