/* cb-contact-window.c: one colleague in detail: numbers, e-mail, presence, line, groups
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rows below the header are built again whenever the contact or a
 * group changes: a handful of rows, and it keeps the window exactly what
 * the store says.
 */

#define G_LOG_DOMAIN "cb-contact-window"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-contact-window.h"
#include "cb-enum-labels.h"

struct _CbContactWindow
{
  AdwWindow       parent_instance;

  CbSession      *session;
  CbContact      *contact;
  guint           rebuild_id;

  /* Template widgets */
  AdwWindowTitle *window_title;
  AdwAvatar      *avatar;
  GtkWidget      *dot;
  GtkLabel       *name_label;
  GtkLabel       *presence_label;
  GtkLabel       *line_label;
  GtkBox         *groups_box;
};

G_DEFINE_FINAL_TYPE (CbContactWindow, cb_contact_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_CONTACT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_style (GtkWidget  *widget,
           const char *base,
           const char *variant)
{
  const char *classes[] = { base, variant, NULL };

  gtk_widget_set_css_classes (widget, classes);
}

static GtkWidget *
action_button (const char *icon_name,
               const char *tooltip,
               const char *action,
               GVariant   *target)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  return button;
}

static GtkWidget *
info_row (const char *title,
          const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value != NULL ? value : "");
  gtk_widget_add_css_class (row, "property");
  return row;
}

static GtkWidget *
group_new (const char *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  return group;
}

static gboolean
is_member (CbGroup   *group,
           CbContact *contact)
{
  GListModel *members = cb_group_get_members (group);
  guint n = g_list_model_get_n_items (members);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbGroupMember) member = g_list_model_get_item (members, i);

      if (cb_group_member_get_contact (member) == contact)
        return TRUE;
    }
  return FALSE;
}

static void
add_phone_rows (CbContactWindow *self)
{
  const char *extension = cb_contact_get_extension (self->contact);
  const char *mobile = cb_contact_get_mobile (self->contact);
  const char *email = cb_contact_get_email (self->contact);
  gint64 id = cb_contact_get_id (self->contact);
  gboolean self_contact = cb_contact_get_is_self (self->contact);
  GtkWidget *group = group_new (_("Numbers and E-mail"));
  GtkWidget *row;

  if (extension != NULL && *extension != '\0')
    {
      row = info_row (_("Extension"), extension);
      if (!self_contact)
        {
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     action_button ("call-start-symbolic", _("Call"), "contact.call",
                                                    g_variant_new_int64 (id)));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     action_button ("phone-symbolic", _("Call from Desk Phone"),
                                                    "contact.call-from-desk", g_variant_new_int64 (id)));
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  if (mobile != NULL && *mobile != '\0')
    {
      row = info_row (_("Mobile"), mobile);
      if (!self_contact)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   action_button ("call-start-symbolic", _("Call"), "contact.dial",
                                                  g_variant_new_string (mobile)));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  if (email != NULL && *email != '\0')
    {
      row = info_row (_("E-mail"), email);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 action_button ("mail-send-symbolic", _("Send E-mail"),
                                                "contact.send-email", g_variant_new_int64 (id)));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  if (gtk_widget_get_first_child (group) != NULL)
    gtk_box_append (self->groups_box, group);
}

static void
add_state_rows (CbContactWindow *self)
{
  GtkWidget *group = group_new (_("Status"));
  const char *note = cb_contact_get_note (self->contact);
  g_autofree char *availability = NULL;

  availability = note != NULL ? g_strdup_printf ("%s — %s",
                                                 cb_availability_get_label (cb_contact_get_availability (self->contact)),
                                                 note)
                              : g_strdup (cb_availability_get_label (cb_contact_get_availability (self->contact)));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), info_row (_("Presence"), availability));
  if (cb_contact_get_has_line_state (self->contact))
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               info_row (_("Line"),
                                         cb_line_state_get_label (cb_contact_get_line_state (self->contact))));
  if (cb_contact_get_ringing_caller_name (self->contact) != NULL ||
      cb_contact_get_ringing_caller_number (self->contact) != NULL)
    {
      const char *caller = cb_contact_get_ringing_caller_name (self->contact);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 info_row (_("Caller"),
                                           caller != NULL ? caller
                                                          : cb_contact_get_ringing_caller_number (self->contact)));
    }
  if (cb_contact_get_has_agent_status (self->contact))
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               info_row (_("Agent status"),
                                         cb_agent_status_get_label (cb_contact_get_agent_status (self->contact))));
  gtk_box_append (self->groups_box, group);
}

static void
add_group_rows (CbContactWindow *self)
{
  GListModel *groups = cb_client_store_get_groups (cb_session_get_store (self->session));
  const char * const *logins = cb_contact_get_group_logins (self->contact);
  guint n = g_list_model_get_n_items (groups);
  GtkWidget *box = group_new (_("Groups"));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbGroup) group = g_list_model_get_item (groups, i);
      GtkWidget *row;

      if (!is_member (group, self->contact))
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cb_group_get_name (group));
      if (cb_group_get_kind (group) == CB_GROUP_KIND_HUNT && cb_group_get_number (group) != NULL)
        {
          g_autofree char *subtitle = NULL;
          gboolean logged_in = logins != NULL &&
                               g_strv_contains (logins, cb_group_get_name (group));

          /* Translators: %s is a hunt group's number */
          subtitle = g_strdup_printf (_("Hunt group %s"), cb_group_get_number (group));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          if (cb_contact_get_has_group_logins (self->contact))
            {
              /* Membership, not a login: "Logged in" is the workplace
               * status's word.
               * Translators: %s is a hunt group; its calls ring (or do not
               * ring) at this colleague */
              g_autofree char *text = g_strdup_printf (logged_in ? _("In %s") : _("Not in %s"),
                                                       cb_group_get_name (group));
              GtkWidget *badge = gtk_label_new (text);

              gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
              set_style (badge, "cb-login", logged_in ? "logged-in" : "logged-out");
              adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
            }
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (box), row);
    }
  if (gtk_widget_get_first_child (box) != NULL)
    gtk_box_append (self->groups_box, box);
}

static void
rebuild (CbContactWindow *self)
{
  GtkWidget *child;
  CbAvailability availability;
  g_autofree char *subtitle = NULL;

  if (self->contact == NULL || self->session == NULL)
    return;

  adw_window_title_set_title (self->window_title, cb_contact_get_display_name (self->contact));
  if (cb_contact_get_extension (self->contact) != NULL)
    /* Translators: %s is an extension (internal phone number) */
    subtitle = g_strdup_printf (_("Ext. %s"), cb_contact_get_extension (self->contact));
  adw_window_title_set_subtitle (self->window_title, subtitle != NULL ? subtitle : "");
  gtk_window_set_title (GTK_WINDOW (self), cb_contact_get_display_name (self->contact));
  adw_avatar_set_text (self->avatar, cb_contact_get_display_name (self->contact));
  gtk_label_set_label (self->name_label, cb_contact_get_display_name (self->contact));

  availability = cb_contact_get_availability (self->contact);
  set_style (self->dot, "cb-dot", cb_availability_get_style (availability));
  gtk_label_set_label (self->presence_label, cb_availability_get_label (availability));
  gtk_widget_set_visible (GTK_WIDGET (self->line_label), cb_contact_get_has_line_state (self->contact));
  if (cb_contact_get_has_line_state (self->contact))
    {
      CbLineState line_state = cb_contact_get_line_state (self->contact);

      gtk_label_set_label (self->line_label, cb_line_state_get_label (line_state));
      set_style (GTK_WIDGET (self->line_label), "cb-line", cb_line_state_get_style (line_state));
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box))) != NULL)
    gtk_box_remove (self->groups_box, child);
  add_phone_rows (self);
  add_state_rows (self);
  add_group_rows (self);
}

static gboolean
rebuild_idle (gpointer data)
{
  CbContactWindow *self = data;

  self->rebuild_id = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

/* Several notifications in a row (one event) make one rebuild. */
static void
queue_rebuild (CbContactWindow *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add (rebuild_idle, self);
}

CbContact *
cb_contact_window_get_contact (CbContactWindow *self)
{
  g_return_val_if_fail (CB_IS_CONTACT_WINDOW (self), NULL);
  return self->contact;
}

static void
cb_contact_window_constructed (GObject *object)
{
  CbContactWindow *self = CB_CONTACT_WINDOW (object);

  G_OBJECT_CLASS (cb_contact_window_parent_class)->constructed (object);

  g_return_if_fail (self->contact != NULL && self->session != NULL);

  g_signal_connect_object (self->contact, "notify", G_CALLBACK (queue_rebuild), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (cb_client_store_get_groups (cb_session_get_store (self->session)),
                           "items-changed", G_CALLBACK (queue_rebuild), self, G_CONNECT_SWAPPED);
  rebuild (self);
}

static void
cb_contact_window_dispose (GObject *object)
{
  CbContactWindow *self = CB_CONTACT_WINDOW (object);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_CONTACT_WINDOW);
  g_clear_object (&self->contact);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (cb_contact_window_parent_class)->dispose (object);
}

static void
cb_contact_window_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CbContactWindow *self = CB_CONTACT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_CONTACT:
      g_value_set_object (value, self->contact);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_contact_window_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CbContactWindow *self = CB_CONTACT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    case PROP_CONTACT:
      self->contact = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_contact_window_class_init (CbContactWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cb_contact_window_constructed;
  object_class->dispose = cb_contact_window_dispose;
  object_class->get_property = cb_contact_window_get_property;
  object_class->set_property = cb_contact_window_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTACT] =
    g_param_spec_object ("contact", NULL, NULL, CB_TYPE_CONTACT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-contact-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CbContactWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CbContactWindow, avatar);
  gtk_widget_class_bind_template_child (widget_class, CbContactWindow, dot);
  gtk_widget_class_bind_template_child (widget_class, CbContactWindow, name_label);
  gtk_widget_class_bind_template_child (widget_class, CbContactWindow, presence_label);
  gtk_widget_class_bind_template_child (widget_class, CbContactWindow, line_label);
  gtk_widget_class_bind_template_child (widget_class, CbContactWindow, groups_box);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
cb_contact_window_init (CbContactWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
cb_contact_window_new (CbSession *session,
                       CbContact *contact)
{
  g_return_val_if_fail (CB_IS_SESSION (session), NULL);
  g_return_val_if_fail (CB_IS_CONTACT (contact), NULL);

  return g_object_new (CB_TYPE_CONTACT_WINDOW, "session", session, "contact", contact, NULL);
}
