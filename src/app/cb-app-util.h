/* cb-app-util.h: start-up and small helpers shared by the app's widgets
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* TRUE when the running program lives in the meson build tree. */
gboolean cb_app_running_from_build_tree (void);

/* setlocale + bindtextdomain. From the build tree the catalogues are the
 * ones meson compiled into BUILD_ROOT/po, so LANGUAGE=de works uninstalled;
 * CALLBOARD_LOCALEDIR overrides both. */
void     cb_app_init_i18n               (void);

/* Points GSETTINGS_SCHEMA_DIR at the build tree's compiled schema when
 * running uninstalled and nothing else was asked for. */
void     cb_app_init_schemas            (void);

/* Chooses GTK's cairo renderer and keeps OpenGL closed, unless
 * GSK_RENDERER asks for another renderer. Before GTK starts. */
void     cb_app_init_renderer           (void);

/* What AdwApplication does for the application: loads style.css and adds
 * the resource icons to the theme. For tests, which have no application. */
void     cb_app_init_style              (void);

/* For dispose of template widgets: gtk_widget_dispose_template() only
 * removes the children bound by name, this removes the others. */
void     cb_widget_unparent_children    (GtkWidget  *widget);

/* A toast that shows the whole of @message, on as many lines as it takes:
 * libadwaita 1.2 cuts a toast's title to one line, and a message that
 * says what failed and why was cut where the why begins (in a dialog,
 * and in German, even the what). */
AdwToast *cb_toast_new                  (const char *message);

/* Shows @message in the nearest AdwToastOverlay above @widget; logs it if
 * the widget is not in a window (any more). */
void     cb_widget_show_toast           (GtkWidget  *widget,
                                         const char *message);

/* The number a tel:, sip:, sips: or callto: link dials ("tel:+49-30-1234"
 * -> "+49301234", "sip:203@pbx" -> "203"), or NULL for any other link or
 * one that holds no number. */
char    *cb_dial_uri_get_number         (const char   *uri);

/* A tooltip for state that changes often (a lamp, a colleague's
 * availability): the text is kept and shown when the pointer asks for
 * it. gtk_widget_set_tooltip_text() queries the pointer position from the
 * display server on every change, a round trip that dominated the
 * client's time under a storm of lamp changes (cb-bench blf-frames). */
void     cb_widget_set_lazy_tooltip     (GtkWidget  *widget,
                                         const char *text);

/* GTK 4.8 leaves a menu button's tooltip up when a click opens its menu,
 * over the menu's first lines: the tooltip is off while the menu shows.
 * For a button whose popover is set (its menu model or popover given). */
void     cb_menu_button_hide_tooltip_when_open (GtkMenuButton *button);
/* The same for a split button's menu (its own tooltip shows over its
 * arrow too). */
void     cb_split_button_hide_tooltip_when_open (AdwSplitButton *button);

/* A drop-down's list item (a list factory's, its child a GtkBox): a
 * check at the end marks the current item, as GTK's own items do. */
void     cb_drop_down_item_add_check    (GtkListItem *item);

/* A user-facing sentence for an error from CbSession. */
char    *cb_describe_error              (const GError *error);
/* The same for cb_softphone_dial()'s errors, whose words (the phone
 * library's) are not the user's. */
char    *cb_describe_dial_error         (const GError *error);
/* The same for a call's actions (answer, hold, keypad, forward...):
 * the server's refusals and the phone's. */
char    *cb_describe_call_error         (const GError *error);

G_END_DECLS
