/* cb-colleague-widget.c: what every widget showing a colleague shares: menu, gestures, drag and drop
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The menus are built when they open, from what is true then (whether
 * the colleague rings, is a favourite, has a key), and only name
 * actions: the window carries them out. Popovers made here are children
 * of the widget until they close, and never outlive it.
 */

#define G_LOG_DOMAIN "cb-colleague-widget"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-colleague-widget.h"

#define DATA_KEY "cb-colleague-widget"

typedef struct {
  const CbColleagueFuncs *funcs;
  GtkMenuButton          *menu_button;   /* not owned: a child of the widget */
  GtkWidget              *popover;       /* ours while shown, else NULL */
} Colleague;

/* --- the dragged call --- */

G_DEFINE_BOXED_TYPE (CbDraggedCall, cb_dragged_call, cb_dragged_call_copy, cb_dragged_call_free)

CbDraggedCall *
cb_dragged_call_new (const char *call_id,
                     gboolean    ringing)
{
  CbDraggedCall *call = g_new0 (CbDraggedCall, 1);

  call->call_id = g_strdup (call_id);
  call->ringing = !!ringing;
  return call;
}

CbDraggedCall *
cb_dragged_call_copy (const CbDraggedCall *call)
{
  return cb_dragged_call_new (call->call_id, call->ringing);
}

void
cb_dragged_call_free (CbDraggedCall *call)
{
  if (call == NULL)
    return;
  g_free (call->call_id);
  g_free (call);
}

/* --- menus --- */

/* Names go into menu labels, where "_" marks a mnemonic. */
static char *
escape_mnemonic (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text != NULL ? text : "", "_", -1);

  return g_strjoinv ("__", parts);
}

static void
append_id_item (GMenu      *menu,
                const char *label,
                const char *action,
                gint64      user_id,
                gboolean    hidden_when_disabled)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, g_variant_new_int64 (user_id));
  if (hidden_when_disabled)
    g_menu_item_set_attribute (item, "hidden-when", "s", "action-disabled");
  g_menu_append_item (menu, item);
}

static void
append_number_item (GMenu      *menu,
                    const char *label,
                    const char *action,
                    const char *number)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, g_variant_new_string (number));
  g_menu_append_item (menu, item);
}

static void
append_section (GMenu *menu,
                GMenu *section)
{
  if (g_menu_model_get_n_items (G_MENU_MODEL (section)) > 0)
    g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
}

static gboolean
list_has (GListModel *model,
          gint64      user_id)
{
  guint n = model != NULL ? g_list_model_get_n_items (model) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbContact) contact = g_list_model_get_item (model, i);

      if (cb_contact_get_id (contact) == user_id)
        return TRUE;
    }
  return FALSE;
}

/* Whether the field has a key for the user: of their own, or any. */
static void
find_blf_keys (CbClientStore *store,
               gint64         user_id,
               gboolean      *own,
               gboolean      *any)
{
  GListModel *blf = cb_client_store_get_blf (store);
  guint n = g_list_model_get_n_items (blf);

  *own = *any = FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbBlfKey) key = g_list_model_get_item (blf, i);

      if (cb_blf_key_get_kind (key) != CB_BLF_KEY_KIND_USER || cb_blf_key_get_target_id (key) != user_id)
        continue;
      *any = TRUE;
      if (!cb_blf_key_get_distributed (key))
        *own = TRUE;
    }
}

GMenuModel *
cb_colleague_menu_new (CbClientStore *store,
                       CbContact     *contact)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) calls = g_menu_new ();
  g_autoptr(GMenu) transfer = g_menu_new ();
  g_autoptr(GMenu) details = g_menu_new ();
  g_autoptr(GMenu) lists = g_menu_new ();
  g_autofree char *name = NULL;
  const char *extension;
  const char *email;
  gboolean self;
  gint64 id;

  g_return_val_if_fail (CB_IS_CONTACT (contact), NULL);

  id = cb_contact_get_id (contact);
  self = cb_contact_get_is_self (contact);
  extension = cb_contact_get_extension (contact);
  email = cb_contact_get_email (contact);
  name = escape_mnemonic (cb_contact_get_display_name (contact));

  if (!self && extension != NULL && *extension != '\0')
    {
      g_autofree char *forward = NULL;
      g_autofree char *consult = NULL;

      append_id_item (calls, _("_Call"), "contact.call", id, FALSE);
      append_id_item (calls, _("Call from _Desk Phone"), "contact.call-from-desk", id, FALSE);
      /* Translators: %s is a colleague; the user's current call goes to them */
      forward = g_strdup_printf (_("_Forward Call to %s"), name);
      /* Translators: %s is a colleague; the user calls them before transferring */
      consult = g_strdup_printf (_("C_onsult %s First"), name);
      append_id_item (transfer, forward, "contact.forward", id, TRUE);
      append_id_item (transfer, consult, "contact.consult", id, TRUE);
    }
  /* Only while a call rings there that the user may take. */
  if (!self && cb_contact_get_ringing_call_id (contact) != NULL)
    append_id_item (calls, _("_Pick Up"), "contact.pick-up", id, FALSE);

  if (email != NULL && *email != '\0')
    append_id_item (details, _("Send _E-mail"), "contact.send-email", id, FALSE);
  append_id_item (details, _("_Show Contact"), "contact.show", id, FALSE);

  if (!self && store != NULL)
    {
      gboolean own_key;
      gboolean any_key;

      /* An entry a group gives is the administrator's to remove. */
      if (!list_has (cb_client_store_get_favourites (store), id))
        append_id_item (lists, _("Add to _Favourites"), "contact.add-favourite", id, FALSE);
      else if (!cb_client_store_favourite_from_group (store, id))
        append_id_item (lists, _("Remove from _Favourites"), "contact.remove-favourite", id, FALSE);
      if (!list_has (cb_client_store_get_monitor (store), id))
        append_id_item (lists, _("Add to _Monitor"), "contact.add-monitor", id, FALSE);
      else if (!cb_client_store_monitored_from_group (store, id))
        append_id_item (lists, _("Remove from _Monitor"), "contact.remove-monitor", id, FALSE);
      /* A key a group distributes is the administrator's to remove. */
      find_blf_keys (store, id, &own_key, &any_key);
      if (own_key)
        append_id_item (lists, _("Remove from _Busy Lamp Field"), "contact.remove-blf", id, FALSE);
      else if (!any_key)
        append_id_item (lists, _("Add to _Busy Lamp Field"), "contact.add-blf", id, FALSE);
    }

  append_section (menu, calls);
  append_section (menu, transfer);
  append_section (menu, details);
  append_section (menu, lists);
  return G_MENU_MODEL (g_steal_pointer (&menu));
}

GMenuModel *
cb_number_menu_new (const char *number)
{
  g_autoptr(GMenu) menu = g_menu_new ();

  g_return_val_if_fail (number != NULL, NULL);

  append_number_item (menu, _("_Call"), "contact.dial", number);
  append_number_item (menu, _("Call from _Desk Phone"), "contact.dial-from-desk", number);
  return G_MENU_MODEL (g_steal_pointer (&menu));
}

GdkContentProvider *
cb_colleague_content_new (CbContact *contact)
{
  g_return_val_if_fail (CB_IS_CONTACT (contact), NULL);
  return gdk_content_provider_new_typed (CB_TYPE_CONTACT, contact);
}

void
cb_colleague_call (GtkWidget *widget,
                   CbContact *contact)
{
  if (contact == NULL || cb_contact_get_is_self (contact))
    return;
  gtk_widget_activate_action (widget, "contact.call", "x", cb_contact_get_id (contact));
}

/* --- popovers --- */

static Colleague *
get_colleague (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), DATA_KEY);
}

static void
drop_popover (Colleague *colleague)
{
  g_autoptr(GtkWidget) popover = g_steal_pointer (&colleague->popover);

  if (popover != NULL && gtk_widget_get_parent (popover) != NULL)
    gtk_widget_unparent (popover);
}

static gboolean
drop_popover_idle (gpointer data)
{
  GtkWidget *widget = data;
  Colleague *colleague = get_colleague (widget);

  if (colleague != NULL && colleague->popover != NULL &&
      !gtk_widget_get_visible (colleague->popover))
    drop_popover (colleague);
  g_object_unref (widget);
  return G_SOURCE_REMOVE;
}

/* Unparenting from within "closed" would cut the popover's own closing
 * short: a moment later. */
static void
on_popover_closed (GtkWidget  *widget,
                   GtkPopover *popover)
{
  g_idle_add (drop_popover_idle, g_object_ref (widget));
}

static void
show_popover (GtkWidget  *widget,
              GtkWidget  *popover,
              double      x,
              double      y)
{
  Colleague *colleague = get_colleague (widget);

  drop_popover (colleague);
  colleague->popover = g_object_ref (popover);
  gtk_widget_set_parent (popover, widget);
  if (x >= 0 && y >= 0)
    gtk_popover_set_pointing_to (GTK_POPOVER (popover), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  g_signal_connect_object (popover, "closed", G_CALLBACK (on_popover_closed), widget,
                           G_CONNECT_SWAPPED);
  gtk_popover_popup (GTK_POPOVER (popover));
}

gboolean
cb_colleague_widget_popup_menu (GtkWidget *widget,
                                double     x,
                                double     y)
{
  Colleague *colleague = get_colleague (widget);
  g_autoptr(GMenuModel) menu = NULL;
  GtkWidget *popover;

  if (colleague == NULL || colleague->funcs->menu == NULL)
    return FALSE;
  if (colleague->menu_button != NULL && gtk_widget_get_visible (GTK_WIDGET (colleague->menu_button)))
    {
      gtk_menu_button_popup (colleague->menu_button);
      return TRUE;
    }
  if ((menu = colleague->funcs->menu (widget)) == NULL)
    return FALSE;
  popover = gtk_popover_menu_new_from_model (menu);
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_widget_set_halign (popover, GTK_ALIGN_START);
  show_popover (widget, popover, x, y);
  return TRUE;
}

void
cb_colleague_widget_activate (GtkWidget *widget)
{
  Colleague *colleague = get_colleague (widget);

  if (colleague != NULL && colleague->funcs->activate != NULL)
    colleague->funcs->activate (widget);
}

static void
close_parent_popover (GtkWidget *button)
{
  GtkWidget *popover = gtk_widget_get_ancestor (button, GTK_TYPE_POPOVER);

  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
}

static GtkWidget *
offer_button (const char *label,
              const char *action,
              const char *call_id,
              const char *number)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(ss)", call_id, number);
  g_signal_connect (button, "clicked", G_CALLBACK (close_parent_popover), NULL);
  return button;
}

void
cb_colleague_widget_offer_call (GtkWidget           *widget,
                                const CbDraggedCall *call)
{
  Colleague *colleague = get_colleague (widget);
  g_autofree char *number = NULL;
  g_autofree char *question = NULL;
  const char *title;
  GtkWidget *popover;
  GtkWidget *box;
  GtkWidget *buttons;
  GtkWidget *label;
  GtkWidget *forward;

  g_return_if_fail (call != NULL && call->call_id != NULL);

  if (colleague == NULL || colleague->funcs->forward_number == NULL ||
      (number = colleague->funcs->forward_number (widget)) == NULL)
    return;
  title = colleague->funcs->title != NULL ? colleague->funcs->title (widget) : NULL;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_add_css_class (box, "cb-offer");
  /* Translators: %s is whom a call dragged onto them would go to */
  question = g_strdup_printf (call->ringing ? _("Deflect the call to %s?") : _("Forward the call to %s?"),
                              title != NULL && *title != '\0' ? title : number);
  label = gtk_label_new (question);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_set_homogeneous (GTK_BOX (buttons), TRUE);
  forward = offer_button (_("_Forward Now"), "contact.forward-call", call->call_id, number);
  gtk_widget_add_css_class (forward, "suggested-action");
  gtk_widget_set_name (forward, "forward-now");
  gtk_box_append (GTK_BOX (buttons), forward);
  /* Consulting means answering first: not for a call that still rings. */
  if (!call->ringing)
    {
      GtkWidget *consult = offer_button (_("_Consult First"), "contact.consult-call",
                                         call->call_id, number);

      gtk_widget_set_name (consult, "consult-first");
      gtk_box_append (GTK_BOX (buttons), consult);
    }
  gtk_box_append (GTK_BOX (box), buttons);

  popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_popover_set_default_widget (GTK_POPOVER (popover), forward);
  show_popover (widget, popover, -1, -1);
  gtk_widget_grab_focus (forward);
}

/* --- gestures --- */

/* A press on one of the widget's buttons is the button's. */
static gboolean
on_button (GtkWidget *widget,
           double     x,
           double     y)
{
  GtkWidget *picked = gtk_widget_pick (widget, x, y, GTK_PICK_DEFAULT);

  for (; picked != NULL && picked != widget; picked = gtk_widget_get_parent (picked))
    if (GTK_IS_BUTTON (picked) || GTK_IS_MENU_BUTTON (picked) || GTK_IS_SWITCH (picked))
      return TRUE;
  return FALSE;
}

static void
on_secondary_pressed (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      GtkWidget       *widget)
{
  if (cb_colleague_widget_popup_menu (widget, x, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static gboolean
activate_idle (gpointer data)
{
  GtkWidget *widget = data;

  if (gtk_widget_get_root (widget) != NULL)
    cb_colleague_widget_activate (widget);
  g_object_unref (widget);
  return G_SOURCE_REMOVE;
}

/* After the second release, once every controller has had it: calling
 * shows the Calls page, which unmaps the list, and a drag source that
 * missed the release would wait for it for ever (no drag from that row
 * any more). */
static void
on_primary_released (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     GtkWidget       *widget)
{
  if (n_press != 2 || on_button (widget, x, y))
    return;
  g_idle_add (activate_idle, g_object_ref (widget));
}

static void
reset_drag_source (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DRAG_SOURCE (controller))
        gtk_event_controller_reset (controller);
    }
}

static void
on_long_pressed (GtkGestureLongPress *gesture,
                 double               x,
                 double               y,
                 GtkWidget           *widget)
{
  if (on_button (widget, x, y))
    return;
  /* The release goes to the menu: the drag must not wait for it. */
  reset_drag_source (widget);
  if (cb_colleague_widget_popup_menu (widget, x, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* --- drag and drop --- */

static GdkContentProvider *
on_drag_prepare (GtkDragSource *source,
                 double         x,
                 double         y,
                 GtkWidget     *widget)
{
  Colleague *colleague = get_colleague (widget);

  if (colleague == NULL || colleague->funcs->drag_content == NULL || on_button (widget, x, y))
    return NULL;
  return colleague->funcs->drag_content (widget);
}

static void
on_drag_begin (GtkDragSource *source,
               GdkDrag       *drag,
               GtkWidget     *widget)
{
  g_autoptr(GdkPaintable) icon = gtk_widget_paintable_new (widget);

  /* A picture of what is dragged, held near its left end. */
  gtk_drag_source_set_icon (source, icon, 16, 16);
}

static gboolean
on_call_accept (GtkDropTarget *target,
                GdkDrop       *drop,
                GtkWidget     *widget)
{
  Colleague *colleague = get_colleague (widget);
  g_autofree char *number = NULL;

  if (!gdk_content_formats_contain_gtype (gdk_drop_get_formats (drop), CB_TYPE_DRAGGED_CALL))
    return FALSE;
  /* Oneself, or nobody with a number: nowhere to forward to. */
  return colleague != NULL && colleague->funcs->forward_number != NULL &&
         (number = colleague->funcs->forward_number (widget)) != NULL;
}

static gboolean
on_call_drop (GtkDropTarget *target,
              const GValue  *value,
              double         x,
              double         y,
              GtkWidget     *widget)
{
  const CbDraggedCall *call = g_value_get_boxed (value);

  if (call == NULL || call->call_id == NULL)
    return FALSE;
  cb_colleague_widget_offer_call (widget, call);
  return TRUE;
}

static GMenuModel *
button_menu (GtkWidget *widget)
{
  Colleague *colleague = get_colleague (widget);

  return colleague != NULL && colleague->funcs->menu != NULL ? colleague->funcs->menu (widget) : NULL;
}

static void
on_create_popup (GtkMenuButton *button,
                 gpointer       user_data)
{
  g_autoptr(GMenuModel) menu = button_menu (GTK_WIDGET (user_data));

  gtk_menu_button_set_menu_model (button, menu);
  if (menu != NULL)
    cb_menu_button_hide_tooltip_when_open (button);
}

static void
on_destroy (GtkWidget *widget)
{
  Colleague *colleague = get_colleague (widget);

  if (colleague != NULL)
    drop_popover (colleague);
}

static void
colleague_free (gpointer data)
{
  Colleague *colleague = data;

  g_clear_object (&colleague->popover);
  g_free (colleague);
}

void
cb_colleague_widget_attach (GtkWidget              *widget,
                            const CbColleagueFuncs *funcs,
                            GtkMenuButton          *menu_button)
{
  Colleague *colleague;
  GtkGesture *gesture;
  GtkDragSource *source;
  GtkDropTarget *target;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (funcs != NULL);
  g_return_if_fail (get_colleague (widget) == NULL);

  colleague = g_new0 (Colleague, 1);
  colleague->funcs = funcs;
  colleague->menu_button = menu_button;
  g_object_set_data_full (G_OBJECT (widget), DATA_KEY, colleague, colleague_free);
  g_signal_connect (widget, "destroy", G_CALLBACK (on_destroy), NULL);
  if (menu_button != NULL)
    gtk_menu_button_set_create_popup_func (menu_button, on_create_popup, widget, NULL);

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_secondary_pressed), widget);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "released", G_CALLBACK (on_primary_released), widget);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_long_press_new ();
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_long_pressed), widget);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  if (funcs->drag_content != NULL)
    {
      source = gtk_drag_source_new ();
      gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
      g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare), widget);
      g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin), widget);
      gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (source));
    }

  if (funcs->forward_number != NULL)
    {
      target = gtk_drop_target_new (CB_TYPE_DRAGGED_CALL, GDK_ACTION_COPY | GDK_ACTION_MOVE);
      g_signal_connect (target, "accept", G_CALLBACK (on_call_accept), widget);
      g_signal_connect (target, "drop", G_CALLBACK (on_call_drop), widget);
      gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (target));
    }
}

/* --- the keyboard, for a whole list --- */

static GtkWidget *
find_attached_below (GtkWidget *widget)
{
  if (get_colleague (widget) != NULL)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_NATIVE (child))
        continue;
      if ((found = find_attached_below (child)) != NULL)
        return found;
    }
  return NULL;
}

/* The colleague widget the focus is on or in, and whether the focus is
 * on something that takes Enter itself (a button, an entry). */
static GtkWidget *
focused_colleague (GtkWidget *list,
                   gboolean  *on_control)
{
  GtkRoot *root = gtk_widget_get_root (list);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  *on_control = FALSE;
  if (focus == NULL || !gtk_widget_is_ancestor (focus, list))
    return NULL;
  for (GtkWidget *widget = focus; widget != NULL && widget != list; widget = gtk_widget_get_parent (widget))
    {
      if (GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_EDITABLE (widget) ||
          GTK_IS_SWITCH (widget))
        *on_control = TRUE;
      if (get_colleague (widget) != NULL)
        return widget;
    }
  return find_attached_below (focus);
}

static gboolean
on_list_key (GtkEventControllerKey *controller,
             guint                  keyval,
             guint                  keycode,
             GdkModifierType        state,
             GtkWidget             *list)
{
  GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask ();
  gboolean on_control = FALSE;
  gboolean menu_key = keyval == GDK_KEY_Menu || (keyval == GDK_KEY_F10 && mods == GDK_SHIFT_MASK);
  gboolean enter = (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter ||
                    keyval == GDK_KEY_ISO_Enter) && mods == 0;
  GtkWidget *widget;

  if (!menu_key && !enter)
    return GDK_EVENT_PROPAGATE;
  widget = focused_colleague (list, &on_control);
  if (widget == NULL || (enter && on_control))
    return GDK_EVENT_PROPAGATE;
  if (menu_key)
    return cb_colleague_widget_popup_menu (widget, -1, -1) ? GDK_EVENT_STOP : GDK_EVENT_PROPAGATE;
  cb_colleague_widget_activate (widget);
  return GDK_EVENT_STOP;
}

void
cb_colleague_list_attach (GtkWidget *list)
{
  GtkEventController *controller;

  g_return_if_fail (GTK_IS_WIDGET (list));

  /* Before the row's own Enter (which would only activate the row). */
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_list_key), list);
  gtk_widget_add_controller (list, controller);
}
