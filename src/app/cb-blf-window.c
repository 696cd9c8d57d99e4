/* cb-blf-window.c: the busy lamp field: a dense grid of keys with lamps, beside the monitor
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkGridView recycles its tiles, so a field of hundreds of keys costs
 * the tiles on screen. The order is the server's: a move asks for the new
 * order (PUT /me/blf) and the answer, the whole field, goes into the
 * store, which the grid follows.
 */

#define G_LOG_DOMAIN "cb-blf-window"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-blf-key-tile.h"
#include "cb-blf-window.h"
#include "cb-colleague-widget.h"
#include "cb-frame-report.h"

struct _CbBlfWindow
{
  AdwWindow       parent_instance;

  CbSession      *session;
  GSettings      *settings;
  GCancellable   *cancellable;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkStack       *stack;
  GtkGridView    *grid_view;
};

G_DEFINE_FINAL_TYPE (CbBlfWindow, cb_blf_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_count (CbBlfWindow *self)
{
  GListModel *blf = cb_client_store_get_blf (cb_session_get_store (self->session));
  guint n = g_list_model_get_n_items (blf);
  g_autofree char *subtitle = NULL;

  if (n > 0)
    subtitle = g_strdup_printf (ngettext ("%u key", "%u keys", n), n);
  adw_window_title_set_subtitle (self->window_title, subtitle != NULL ? subtitle : "");
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "keys" : "empty");
}

/* --- tiles --- */

static void
setup_tile (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            CbBlfWindow              *self)
{
  /* The tile has its own gestures; the grid's activation is Enter. */
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_child (item, cb_blf_key_tile_new (self->session));
}

static void
bind_tile (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           CbBlfWindow              *self)
{
  cb_blf_key_tile_set_key (CB_BLF_KEY_TILE (gtk_list_item_get_child (item)),
                           gtk_list_item_get_item (item));
}

static void
unbind_tile (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             CbBlfWindow              *self)
{
  cb_blf_key_tile_set_key (CB_BLF_KEY_TILE (gtk_list_item_get_child (item)), NULL);
}

/* --- changes --- */

typedef struct {
  CbBlfWindow *self;     /* a reference */
  const char  *failure;  /* translated */
} Change;

static void
on_field_changed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autofree Change *change = user_data;
  g_autoptr(CbBlfWindow) self = change->self;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;

  answer = cb_rest_client_blf_finish (CB_REST_CLIENT (source), result, &error);
  if (answer == NULL || self->session == NULL ||
      !cb_client_store_apply_blf (cb_session_get_store (self->session), answer, &error))
    {
      g_autofree char *reason = NULL;
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      reason = cb_describe_error (error);
      message = g_strdup_printf ("%s: %s", change->failure, reason);
      adw_toast_overlay_add_toast (self->toast_overlay, cb_toast_new (message));
    }
}

static void
move_key_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  CbBlfWindow *self = CB_BLF_WINDOW (widget);
  GListModel *blf = cb_client_store_get_blf (cb_session_get_store (self->session));
  g_autoptr(GPtrArray) own = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  CbBlfKey *moved = NULL;
  gint64 moved_id;
  gint64 before_id;
  guint position;
  Change *change;

  g_variant_get (param, "(xx)", &moved_id, &before_id);
  for (guint i = 0; i < g_list_model_get_n_items (blf); i++)
    {
      g_autoptr(CbBlfKey) key = g_list_model_get_item (blf, i);

      if (cb_blf_key_get_id (key) == moved_id)
        moved = key;
      else if (!cb_blf_key_get_distributed (key))
        g_ptr_array_add (own, g_object_ref (key));
    }
  if (moved == NULL)
    return;
  if (cb_blf_key_get_distributed (moved))
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   cb_toast_new (_("Keys your groups give you keep their place")));
      return;
    }

  /* Before the key it was dropped on; after the user's own keys when that
   * is one a group gives (those come last, in the group's order). */
  position = own->len;
  for (guint i = 0; i < own->len; i++)
    if (cb_blf_key_get_id (g_ptr_array_index (own, i)) == before_id)
      position = i;
  g_ptr_array_insert (own, (int) position, g_object_ref (moved));
  for (guint i = 0; i < own->len; i++)
    g_ptr_array_add (keys, cb_blf_key_to_json (g_ptr_array_index (own, i)));

  change = g_new0 (Change, 1);
  change->self = g_object_ref (self);
  change->failure = _("The key could not be moved");
  cb_rest_client_set_blf_keys_async (cb_session_get_rest_client (self->session), keys,
                                     self->cancellable, on_field_changed, change);
}

/* A colleague dragged in gets a key; a key dropped beside the others
 * goes after the user's own ones. */
static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         CbBlfWindow   *self)
{
  if (G_VALUE_HOLDS (value, CB_TYPE_BLF_KEY) && g_value_get_object (value) != NULL)
    return gtk_widget_activate_action (GTK_WIDGET (self), "blf.move-key", "(xx)",
                                       cb_blf_key_get_id (g_value_get_object (value)), (gint64) 0);
  if (G_VALUE_HOLDS (value, CB_TYPE_CONTACT) && g_value_get_object (value) != NULL)
    {
      CbContact *contact = g_value_get_object (value);

      if (cb_contact_get_is_self (contact))
        return FALSE;
      return gtk_widget_activate_action (GTK_WIDGET (self), "contact.add-blf", "x",
                                         cb_contact_get_id (contact));
    }
  return FALSE;
}

/* --- GObject --- */

CbSession *
cb_blf_window_get_session (CbBlfWindow *self)
{
  g_return_val_if_fail (CB_IS_BLF_WINDOW (self), NULL);
  return self->session;
}

GtkWidget *
cb_blf_window_get_grid (CbBlfWindow *self)
{
  g_return_val_if_fail (CB_IS_BLF_WINDOW (self), NULL);
  return GTK_WIDGET (self->grid_view);
}

static gboolean
cb_blf_window_close_request (GtkWindow *window)
{
  CbBlfWindow *self = CB_BLF_WINDOW (window);

  /* The user closed it: it stays closed next time. */
  g_settings_set_boolean (self->settings, "blf-window-open", FALSE);
  return GTK_WINDOW_CLASS (cb_blf_window_parent_class)->close_request (window);
}

static void
cb_blf_window_map (GtkWidget *widget)
{
  CbBlfWindow *self = CB_BLF_WINDOW (widget);

  GTK_WIDGET_CLASS (cb_blf_window_parent_class)->map (widget);
  g_settings_set_boolean (self->settings, "blf-window-open", TRUE);
}

static void
count_lamp (CbBlfWindow *self)
{
  cb_frame_report_count (GTK_WIDGET (self));
}

/* For cb-bench blf-frames: each lamp change counted against the frame
 * that shows it. */
static void
count_lamps_of (CbBlfWindow *self,
                guint        position,
                guint        removed,
                guint        added,
                GListModel  *blf)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) key = g_list_model_get_item (blf, i);

      g_signal_connect_object (key, "notify::lamp", G_CALLBACK (count_lamp), self, G_CONNECT_SWAPPED);
    }
}

static void
cb_blf_window_constructed (GObject *object)
{
  CbBlfWindow *self = CB_BLF_WINDOW (object);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GListModel *blf;
  GtkSelectionModel *selection;

  G_OBJECT_CLASS (cb_blf_window_parent_class)->constructed (object);

  g_return_if_fail (self->session != NULL);

  blf = cb_client_store_get_blf (cb_session_get_store (self->session));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_tile), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_tile), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_tile), self);
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (blf)));
  gtk_grid_view_set_factory (self->grid_view, factory);
  gtk_grid_view_set_model (self->grid_view, selection);
  g_object_unref (selection);
  g_signal_connect_object (blf, "items-changed", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
  update_count (self);

  if (cb_frame_report_enabled ())
    {
      cb_frame_report_attach (GTK_WIDGET (self), "blf");
      g_signal_connect_object (blf, "items-changed", G_CALLBACK (count_lamps_of), self, G_CONNECT_SWAPPED);
      count_lamps_of (self, 0, 0, g_list_model_get_n_items (blf), blf);
    }
}

static void
cb_blf_window_dispose (GObject *object)
{
  CbBlfWindow *self = CB_BLF_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->grid_view != NULL)
    gtk_grid_view_set_model (self->grid_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_BLF_WINDOW);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (cb_blf_window_parent_class)->dispose (object);
}

static void
cb_blf_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CbBlfWindow *self = CB_BLF_WINDOW (object);

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
cb_blf_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CbBlfWindow *self = CB_BLF_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_blf_window_class_init (CbBlfWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = cb_blf_window_constructed;
  object_class->dispose = cb_blf_window_dispose;
  object_class->get_property = cb_blf_window_get_property;
  object_class->set_property = cb_blf_window_set_property;
  widget_class->map = cb_blf_window_map;
  window_class->close_request = cb_blf_window_close_request;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CB_TYPE_BLF_KEY_TILE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-blf-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CbBlfWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CbBlfWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CbBlfWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CbBlfWindow, grid_view);

  gtk_widget_class_install_action (widget_class, "blf.move-key", "(xx)", move_key_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cb_blf_window_init (CbBlfWindow *self)
{
  GType types[] = { CB_TYPE_BLF_KEY, CB_TYPE_CONTACT };
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "blf-window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "blf-window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "blf-window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  /* On the stack: the empty field takes drops too. A key comes first: a
   * key dragged also carries its colleague. */
  target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY | GDK_ACTION_MOVE);
  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
  g_signal_connect_object (target, "drop", G_CALLBACK (on_drop), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->stack), GTK_EVENT_CONTROLLER (target));

  cb_colleague_list_attach (GTK_WIDGET (self->grid_view));
}

GtkWidget *
cb_blf_window_new (CbSession *session)
{
  g_return_val_if_fail (CB_IS_SESSION (session), NULL);

  return g_object_new (CB_TYPE_BLF_WINDOW, "session", session, NULL);
}
