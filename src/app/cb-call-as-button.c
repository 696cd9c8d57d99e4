/* cb-call-as-button.c: the header's "Call as" choice, and its menu section for the dial field
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-call-as-button"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-call-as-button.h"

struct _CbCallAsButton
{
  GtkWidget    parent_instance;

  CbSession   *session;
  CbCallAs    *call_as;
  GBinding    *visible_binding;
  /* Set while the drop-down is moved to the session's choice. */
  gboolean     syncing;

  /* Template widgets */
  GtkDropDown *dropdown;
};

G_DEFINE_FINAL_TYPE (CbCallAsButton, cb_call_as_button, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The user is "Myself": the name is already on the window, and the word
 * says what choosing it means. */
static const char *
identity_label (CbContact *contact)
{
  return cb_contact_get_is_self (contact) ? _("Myself") : cb_contact_get_display_name (contact);
}

/* The list: one name a line. The button: what calls go out as, after an
 * outgoing-call icon that says what the choice is about (the header has
 * no room for words around it). */
static void
item_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  gboolean button = GPOINTER_TO_INT (user_data);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);

  if (button)
    gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("call-outgoing-symbolic"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* The open list has room for whole names. */
  if (button)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 18);
    }
  else
    gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (item, box);
  if (!button)
    cb_drop_down_item_add_check (item);
}

static void
item_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  /* After the button's icon; before the list's check. */
  GtkLabel *label = GTK_LABEL (GPOINTER_TO_INT (user_data) ? gtk_widget_get_last_child (box)
                                                           : gtk_widget_get_first_child (box));
  const char *text = identity_label (gtk_list_item_get_item (item));

  /* Whole up to 12 characters: the crowded header must not squeeze the
   * name to "…"; only longer ones may be cut. */
  gtk_label_set_label (label, text);
  if (GPOINTER_TO_INT (user_data))
    gtk_label_set_width_chars (label, (int) MIN (g_utf8_strlen (text, -1), 12));
}

static void
sync_from_call_as (CbCallAsButton *self)
{
  GListModel *identities;
  CbContact *identity;
  guint n;

  if (self->call_as == NULL)
    return;

  identities = cb_call_as_get_identities (self->call_as);
  identity = cb_call_as_get_identity (self->call_as);
  n = g_list_model_get_n_items (identities);
  self->syncing = TRUE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbContact) contact = g_list_model_get_item (identities, i);

      if (contact == identity)
        gtk_drop_down_set_selected (self->dropdown, i);
    }
  self->syncing = FALSE;
}

static void
on_selected (CbCallAsButton *self,
             GParamSpec     *pspec,
             GtkDropDown    *dropdown)
{
  CbContact *contact = gtk_drop_down_get_selected_item (dropdown);

  if (self->syncing || self->call_as == NULL || contact == NULL)
    return;

  g_debug ("Calling as %s", cb_contact_get_username (contact));
  cb_call_as_set_as_user_id (self->call_as,
                             cb_contact_get_is_self (contact) ? 0 : cb_contact_get_id (contact));
  /* A choice that did not hold (the leader just went) shows as it is. */
  sync_from_call_as (self);
}

static void
on_call_as_changed (CbCallAsButton *self)
{
  sync_from_call_as (self);
}

CbSession *
cb_call_as_button_get_session (CbCallAsButton *self)
{
  g_return_val_if_fail (CB_IS_CALL_AS_BUTTON (self), NULL);
  return self->session;
}

GtkDropDown *
cb_call_as_button_get_dropdown (CbCallAsButton *self)
{
  g_return_val_if_fail (CB_IS_CALL_AS_BUTTON (self), NULL);
  return self->dropdown;
}

void
cb_call_as_button_set_session (CbCallAsButton *self,
                               CbSession      *session)
{
  g_return_if_fail (CB_IS_CALL_AS_BUTTON (self));
  g_return_if_fail (session == NULL || CB_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->call_as != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->call_as, self);
      g_signal_handlers_disconnect_by_data (cb_call_as_get_identities (self->call_as), self);
    }
  g_clear_pointer (&self->visible_binding, g_binding_unbind);
  g_clear_object (&self->call_as);
  g_set_object (&self->session, session);

  self->syncing = TRUE;
  gtk_drop_down_set_model (self->dropdown, NULL);
  self->syncing = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);

  if (session != NULL)
    {
      self->call_as = g_object_ref (cb_session_get_call_as (session));
      self->syncing = TRUE;
      gtk_drop_down_set_model (self->dropdown, cb_call_as_get_identities (self->call_as));
      self->syncing = FALSE;
      g_signal_connect_object (self->call_as, "notify::as-user-id",
                               G_CALLBACK (on_call_as_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->call_as, "notify::identity",
                               G_CALLBACK (on_call_as_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (cb_call_as_get_identities (self->call_as), "items-changed",
                               G_CALLBACK (on_call_as_changed), self, G_CONNECT_SWAPPED);
      self->visible_binding = g_object_bind_property (self->call_as, "available", self, "visible",
                                                      G_BINDING_SYNC_CREATE);
      sync_from_call_as (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/* --- the dial field's menu --- */

#define MENU_SECTION_KEY "cb-call-as-section"

/* Lives on the widget, holding the menu: a menu's data would be freed
 * while the menu itself is half gone. */
typedef struct {
  GMenu    *menu;
  GMenu    *section;
  CbCallAs *call_as;
} MenuSection;

static void
menu_section_fill (MenuSection *section)
{
  GListModel *identities = cb_call_as_get_identities (section->call_as);
  guint n = g_list_model_get_n_items (identities);

  g_menu_remove_all (section->section);
  /* Nothing to choose from: no section at all. */
  if (n < 2)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbContact) contact = g_list_model_get_item (identities, i);
      g_autoptr(GMenuItem) item = g_menu_item_new (identity_label (contact), NULL);

      g_menu_item_set_action_and_target_value (item, "callas.identity",
                                               g_variant_new_int64 (i == 0 ? 0 : cb_contact_get_id (contact)));
      g_menu_append_item (section->section, item);
    }
}

static void
on_identities_changed (MenuSection *section)
{
  menu_section_fill (section);
}

static void
menu_section_free (gpointer data)
{
  MenuSection *section = data;
  guint n = g_menu_model_get_n_items (G_MENU_MODEL (section->menu));

  g_signal_handlers_disconnect_by_data (cb_call_as_get_identities (section->call_as), section);
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(GMenuModel) link = g_menu_model_get_item_link (G_MENU_MODEL (section->menu), i - 1,
                                                               G_MENU_LINK_SECTION);

      if (link == G_MENU_MODEL (section->section))
        g_menu_remove (section->menu, i - 1);
    }
  g_object_unref (section->section);
  g_object_unref (section->menu);
  g_object_unref (section->call_as);
  g_free (section);
}

void
cb_call_as_menu_attach (GtkWidget *widget,
                        GMenu     *menu,
                        CbCallAs  *call_as)
{
  MenuSection *section;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (G_IS_MENU (menu));
  g_return_if_fail (call_as == NULL || CB_IS_CALL_AS (call_as));

  g_object_set_data (G_OBJECT (widget), MENU_SECTION_KEY, NULL);
  gtk_widget_insert_action_group (widget, "callas",
                                  call_as != NULL ? cb_call_as_get_action_group (call_as) : NULL);
  if (call_as == NULL)
    return;

  section = g_new0 (MenuSection, 1);
  section->menu = g_object_ref (menu);
  section->section = g_menu_new ();
  section->call_as = g_object_ref (call_as);
  g_menu_append_section (menu, _("Call As"), G_MENU_MODEL (section->section));
  g_signal_connect_swapped (cb_call_as_get_identities (call_as), "items-changed",
                            G_CALLBACK (on_identities_changed), section);
  menu_section_fill (section);
  g_object_set_data_full (G_OBJECT (widget), MENU_SECTION_KEY, section, menu_section_free);
}

/* --- GObject --- */

static void
cb_call_as_button_dispose (GObject *object)
{
  CbCallAsButton *self = CB_CALL_AS_BUTTON (object);

  cb_call_as_button_set_session (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_CALL_AS_BUTTON);
  cb_widget_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cb_call_as_button_parent_class)->dispose (object);
}

static void
cb_call_as_button_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CbCallAsButton *self = CB_CALL_AS_BUTTON (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_call_as_button_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CbCallAsButton *self = CB_CALL_AS_BUTTON (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      cb_call_as_button_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_call_as_button_class_init (CbCallAsButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_call_as_button_dispose;
  object_class->get_property = cb_call_as_button_get_property;
  object_class->set_property = cb_call_as_button_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-call-as-button.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CbCallAsButton, dropdown);
  gtk_widget_class_bind_template_callback (widget_class, on_selected);
}

static void
cb_call_as_button_init (CbCallAsButton *self)
{
  g_autoptr(GtkListItemFactory) button_factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkListItemFactory) list_factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (button_factory, "setup", G_CALLBACK (item_setup), GINT_TO_POINTER (TRUE));
  g_signal_connect (button_factory, "bind", G_CALLBACK (item_bind), GINT_TO_POINTER (TRUE));
  g_signal_connect (list_factory, "setup", G_CALLBACK (item_setup), GINT_TO_POINTER (FALSE));
  g_signal_connect (list_factory, "bind", G_CALLBACK (item_bind), GINT_TO_POINTER (FALSE));
  gtk_drop_down_set_factory (self->dropdown, button_factory);
  gtk_drop_down_set_list_factory (self->dropdown, list_factory);
}

GtkWidget *
cb_call_as_button_new (void)
{
  return g_object_new (CB_TYPE_CALL_AS_BUTTON, NULL);
}
