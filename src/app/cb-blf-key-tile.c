/* cb-blf-key-tile.c: one busy lamp field key as a tile: lamp, name, extension, caller, Take
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A grid view recycles tiles: everything shown comes from the key (and
 * its contact) in update(), and set_key() moves the tile's handlers from
 * one key to the next.
 */

#define G_LOG_DOMAIN "cb-blf-key-tile"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-blf-key-tile.h"
#include "cb-colleague-widget.h"
#include "cb-diversion-label.h"
#include "cb-enum-labels.h"

struct _CbBlfKeyTile
{
  GtkWidget      parent_instance;

  CbBlfKey      *key;
  CbContact     *contact;      /* the key's, while bound: we listen to it */
  CbSession     *session;
  GtkSettings   *settings;     /* whose gtk-enable-animations we follow */

  /* Template widgets */
  GtkImage      *lamp_icon;
  GtkLabel      *title_label;
  GtkLabel      *detail_label;
  GtkLabel      *caller_label;
  GtkWidget     *take_button;
  GtkMenuButton *menu_button;
};

G_DEFINE_FINAL_TYPE (CbBlfKeyTile, cb_blf_key_tile, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_KEY,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
animations_enabled (CbBlfKeyTile *self)
{
  gboolean enabled = TRUE;

  if (self->settings != NULL)
    g_object_get (self->settings, "gtk-enable-animations", &enabled, NULL);
  return enabled;
}

static void
update (CbBlfKeyTile *self)
{
  CbBlfLamp lamp = self->key != NULL ? cb_blf_key_get_lamp (self->key) : CB_BLF_LAMP_NONE;
  const char *ringing_call = self->contact != NULL ? cb_contact_get_ringing_call_id (self->contact) : NULL;
  const char *number = self->key != NULL ? cb_blf_key_get_dial_number (self->key) : NULL;
  g_autofree char *detail = NULL;
  g_autofree char *tooltip = NULL;
  const char *classes[] = { "cb-blf-key", cb_blf_lamp_get_style (lamp), NULL, NULL };
  CbGroup *group;

  if (self->key == NULL)
    return;

  /* Blinking is an animation: off where the user turned them off. */
  if (lamp == CB_BLF_LAMP_RINGING && animations_enabled (self))
    classes[2] = "blink";
  gtk_widget_set_css_classes (GTK_WIDGET (self), classes);
  gtk_image_set_from_icon_name (self->lamp_icon, cb_blf_lamp_get_icon_name (lamp));
  gtk_label_set_label (self->title_label, cb_blf_key_get_title (self->key));

  group = cb_blf_key_get_group (self->key);
  if (group != NULL && (cb_group_get_ringing (group) > 0 || cb_group_get_queue_waiting (group) > 0))
    {
      g_autoptr(GString) counts = g_string_new (number != NULL ? number : "");

      if (cb_group_get_ringing (group) > 0)
        {
          if (counts->len > 0)
            g_string_append (counts, " · ");
          /* Translators: calls ringing at a hunt group's members */
          g_string_append_printf (counts, ngettext ("%u ringing", "%u ringing", cb_group_get_ringing (group)),
                                  cb_group_get_ringing (group));
        }
      if (cb_group_get_queue_waiting (group) > 0)
        {
          if (counts->len > 0)
            g_string_append (counts, " · ");
          /* Translators: callers waiting in a queue */
          g_string_append_printf (counts, ngettext ("%u waiting", "%u waiting", cb_group_get_queue_waiting (group)),
                                  cb_group_get_queue_waiting (group));
        }
      detail = g_string_free (g_steal_pointer (&counts), FALSE);
    }
  /* With Take and the caller beside it, the bell says enough: the
   * number keeps the room. */
  else if (number != NULL && lamp != CB_BLF_LAMP_NONE && ringing_call == NULL)
    detail = g_strdup_printf ("%s · %s", number, cb_blf_lamp_get_label (lamp));
  else if (number != NULL)
    detail = g_strdup (number);
  else
    detail = g_strdup (cb_blf_lamp_get_label (lamp));
  gtk_label_set_label (self->detail_label, detail);

  /* Who calls, where the user may see it (team level) and take it. */
  gtk_widget_set_visible (GTK_WIDGET (self->caller_label), ringing_call != NULL);
  gtk_widget_set_visible (self->take_button, ringing_call != NULL);
  if (ringing_call != NULL)
    {
      const char *name = cb_contact_get_ringing_caller_name (self->contact);
      const char *caller_number = cb_contact_get_ringing_caller_number (self->contact);
      g_autofree char *caller = NULL;

      if (name != NULL && caller_number != NULL && g_strcmp0 (name, caller_number) != 0)
        caller = g_strdup_printf ("%s (%s)", name, caller_number);
      else if (name != NULL || caller_number != NULL)
        caller = g_strdup (name != NULL ? name : caller_number);
      else
        caller = g_strdup (_("Unknown caller"));
      /* Translators: %s is the caller of a call ringing at a colleague */
      tooltip = g_strdup_printf (_("Call from %s"), caller);
      gtk_label_set_label (self->caller_label, caller);
      cb_widget_set_lazy_tooltip (GTK_WIDGET (self->caller_label), tooltip);
      /* The target first: the name alone would name an action with a
       * parameter but none given. */
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->take_button), "x",
                                        cb_contact_get_id (self->contact));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->take_button), "contact.pick-up");
    }
  else
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->take_button), NULL);

  g_clear_pointer (&tooltip, g_free);
  tooltip = g_strdup_printf ("%s — %s", cb_blf_key_get_title (self->key), cb_blf_lamp_get_label (lamp));
  cb_widget_set_lazy_tooltip (GTK_WIDGET (self->lamp_icon), cb_blf_lamp_get_label (lamp));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->lamp_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, cb_blf_lamp_get_label (lamp), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
}

static void
on_notify (CbBlfKeyTile *self)
{
  update (self);
}

static void
set_contact (CbBlfKeyTile *self,
             CbContact    *contact)
{
  if (self->contact == contact)
    return;
  if (self->contact != NULL)
    g_signal_handlers_disconnect_by_func (self->contact, on_notify, self);
  g_set_object (&self->contact, contact);
  /* The caller of a ringing call is the contact's, not the key's. */
  if (contact != NULL)
    g_signal_connect_object (contact, "notify", G_CALLBACK (on_notify), self, G_CONNECT_SWAPPED);
}

static void
on_key_notify (CbBlfKeyTile *self,
               GParamSpec   *pspec,
               CbBlfKey     *key)
{
  set_contact (self, cb_blf_key_get_contact (key));
  update (self);
}

CbBlfKey *
cb_blf_key_tile_get_key (CbBlfKeyTile *self)
{
  g_return_val_if_fail (CB_IS_BLF_KEY_TILE (self), NULL);
  return self->key;
}

void
cb_blf_key_tile_set_key (CbBlfKeyTile *self,
                         CbBlfKey     *key)
{
  g_return_if_fail (CB_IS_BLF_KEY_TILE (self));
  g_return_if_fail (key == NULL || CB_IS_BLF_KEY (key));

  if (self->key == key)
    return;
  if (self->key != NULL)
    g_signal_handlers_disconnect_by_func (self->key, on_key_notify, self);
  g_set_object (&self->key, key);
  set_contact (self, key != NULL ? cb_blf_key_get_contact (key) : NULL);
  if (key != NULL)
    {
      g_signal_connect_object (key, "notify", G_CALLBACK (on_key_notify), self, G_CONNECT_SWAPPED);
      update (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY]);
}

GtkWidget *
cb_blf_key_tile_get_take_button (CbBlfKeyTile *self)
{
  g_return_val_if_fail (CB_IS_BLF_KEY_TILE (self), NULL);
  return self->take_button;
}

/* --- what the shared colleague code asks --- */

static GMenuModel *
tile_menu (GtkWidget *widget)
{
  CbBlfKeyTile *self = CB_BLF_KEY_TILE (widget);
  CbClientStore *store = self->session != NULL ? cb_session_get_store (self->session) : NULL;
  const char *number;
  g_autoptr(GMenu) menu = NULL;

  if (self->key == NULL)
    return NULL;
  /* A colleague's key is the colleague: the same menu as anywhere. */
  if (self->contact != NULL)
    return cb_colleague_menu_new (store, self->contact);

  menu = g_menu_new ();
  number = cb_blf_key_get_dial_number (self->key);
  if (number != NULL)
    {
      g_autoptr(GMenuModel) calls = cb_number_menu_new (number);

      g_menu_append_section (menu, NULL, calls);
    }
  /* A key a group distributes is the administrator's to remove. */
  if (!cb_blf_key_get_distributed (self->key))
    {
      g_autoptr(GMenu) section = g_menu_new ();
      g_autoptr(GMenuItem) remove = g_menu_item_new (_("Remove from _Busy Lamp Field"), NULL);

      g_menu_item_set_action_and_target_value (remove, "contact.remove-blf-key",
                                               g_variant_new_int64 (cb_blf_key_get_id (self->key)));
      g_menu_append_item (section, remove);
      g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
    }
  return G_MENU_MODEL (g_steal_pointer (&menu));
}

static void
tile_activate (GtkWidget *widget)
{
  CbBlfKeyTile *self = CB_BLF_KEY_TILE (widget);
  const char *number;

  if (self->key == NULL)
    return;
  if (self->contact != NULL)
    {
      cb_colleague_call (widget, self->contact);
      return;
    }
  if ((number = cb_blf_key_get_dial_number (self->key)) != NULL)
    gtk_widget_activate_action (widget, "contact.dial", "s", number);
}

static char *
tile_forward_number (GtkWidget *widget)
{
  CbBlfKeyTile *self = CB_BLF_KEY_TILE (widget);

  if (self->key == NULL || (self->contact != NULL && cb_contact_get_is_self (self->contact)))
    return NULL;
  return g_strdup (cb_blf_key_get_dial_number (self->key));
}

static const char *
tile_title (GtkWidget *widget)
{
  CbBlfKeyTile *self = CB_BLF_KEY_TILE (widget);

  return self->key != NULL ? cb_blf_key_get_title (self->key) : NULL;
}

/* The key (to move it in the field), and for a colleague also the
 * contact (to call them by dropping them on the Calls page). */
static GdkContentProvider *
tile_drag_content (GtkWidget *widget)
{
  CbBlfKeyTile *self = CB_BLF_KEY_TILE (widget);
  GdkContentProvider *providers[2];
  guint n = 0;

  if (self->key == NULL)
    return NULL;
  providers[n++] = gdk_content_provider_new_typed (CB_TYPE_BLF_KEY, self->key);
  if (self->contact != NULL)
    providers[n++] = cb_colleague_content_new (self->contact);
  return gdk_content_provider_new_union (providers, n);
}

static const CbColleagueFuncs tile_funcs = {
  .menu = tile_menu,
  .activate = tile_activate,
  .forward_number = tile_forward_number,
  .title = tile_title,
  .drag_content = tile_drag_content,
};

/* Another key dropped here goes before this one. */
static gboolean
on_key_drop (GtkDropTarget *target,
             const GValue  *value,
             double         x,
             double         y,
             CbBlfKeyTile  *self)
{
  CbBlfKey *moved = g_value_get_object (value);

  if (moved == NULL || self->key == NULL || moved == self->key)
    return FALSE;
  return gtk_widget_activate_action (GTK_WIDGET (self), "blf.move-key", "(xx)",
                                     cb_blf_key_get_id (moved), cb_blf_key_get_id (self->key));
}

static void
on_animations_changed (CbBlfKeyTile *self)
{
  update (self);
}

static void
cb_blf_key_tile_root (GtkWidget *widget)
{
  CbBlfKeyTile *self = CB_BLF_KEY_TILE (widget);

  GTK_WIDGET_CLASS (cb_blf_key_tile_parent_class)->root (widget);

  self->settings = gtk_widget_get_settings (widget);
  g_signal_connect_object (self->settings, "notify::gtk-enable-animations",
                           G_CALLBACK (on_animations_changed), self, G_CONNECT_SWAPPED);
  update (self);
}

static void
cb_blf_key_tile_unroot (GtkWidget *widget)
{
  CbBlfKeyTile *self = CB_BLF_KEY_TILE (widget);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_func (self->settings, on_animations_changed, self);
  self->settings = NULL;

  GTK_WIDGET_CLASS (cb_blf_key_tile_parent_class)->unroot (widget);
}

static void
cb_blf_key_tile_dispose (GObject *object)
{
  CbBlfKeyTile *self = CB_BLF_KEY_TILE (object);

  cb_blf_key_tile_set_key (self, NULL);
  set_contact (self, NULL);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_BLF_KEY_TILE);
  cb_widget_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cb_blf_key_tile_parent_class)->dispose (object);
}

static void
cb_blf_key_tile_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CbBlfKeyTile *self = CB_BLF_KEY_TILE (object);

  switch (prop_id)
    {
    case PROP_KEY:
      g_value_set_object (value, self->key);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_blf_key_tile_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CbBlfKeyTile *self = CB_BLF_KEY_TILE (object);

  switch (prop_id)
    {
    case PROP_KEY:
      cb_blf_key_tile_set_key (self, g_value_get_object (value));
      break;
    case PROP_SESSION:
      /* Told, although construct-only: the template's bindings read it. */
      if (g_set_object (&self->session, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_blf_key_tile_class_init (CbBlfKeyTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_blf_key_tile_dispose;
  object_class->get_property = cb_blf_key_tile_get_property;
  object_class->set_property = cb_blf_key_tile_set_property;
  widget_class->root = cb_blf_key_tile_root;
  widget_class->unroot = cb_blf_key_tile_unroot;

  properties[PROP_KEY] =
    g_param_spec_object ("key", NULL, NULL, CB_TYPE_BLF_KEY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CB_TYPE_DIVERSION_LABEL);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-blf-key-tile.ui");
  gtk_widget_class_set_css_name (widget_class, "cb-blf-key");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_bind_template_child (widget_class, CbBlfKeyTile, lamp_icon);
  gtk_widget_class_bind_template_child (widget_class, CbBlfKeyTile, title_label);
  gtk_widget_class_bind_template_child (widget_class, CbBlfKeyTile, detail_label);
  gtk_widget_class_bind_template_child (widget_class, CbBlfKeyTile, caller_label);
  gtk_widget_class_bind_template_child (widget_class, CbBlfKeyTile, take_button);
  gtk_widget_class_bind_template_child (widget_class, CbBlfKeyTile, menu_button);
}

static void
cb_blf_key_tile_init (CbBlfKeyTile *self)
{
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 8);
  cb_colleague_widget_attach (GTK_WIDGET (self), &tile_funcs, self->menu_button);

  target = gtk_drop_target_new (CB_TYPE_BLF_KEY, GDK_ACTION_COPY | GDK_ACTION_MOVE);
  g_signal_connect_object (target, "drop", G_CALLBACK (on_key_drop), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

GtkWidget *
cb_blf_key_tile_new (CbSession *session)
{
  return g_object_new (CB_TYPE_BLF_KEY_TILE, "session", session, NULL);
}
