/* cb-member-row.c: one member of a hunt or assistant group with login and agent status
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-member-row"

#include "config.h"

#include <glib/gi18n.h>

#include "cb-app-util.h"
#include "cb-colleague-widget.h"
#include "cb-diversion-label.h"
#include "cb-enum-labels.h"
#include "cb-member-row.h"

struct _CbMemberRow
{
  AdwActionRow   parent_instance;

  CbGroupMember *member;
  CbSession     *session;

  /* Template widgets */
  AdwAvatar     *avatar;
  GtkWidget     *dot;
  GtkLabel      *login_label;
  GtkBox        *suffix_box;
  GtkMenuButton *menu_button;
};

G_DEFINE_FINAL_TYPE (CbMemberRow, cb_member_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_MEMBER,
  PROP_SESSION,
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

static void
cb_member_row_update (CbMemberRow *self)
{
  CbContact *contact = cb_group_member_get_contact (self->member);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  gboolean has_agent_status;
  CbAvailability availability;
  const char *extension;

  if (contact == NULL)
    return;

  has_agent_status = cb_contact_get_has_agent_status (contact);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), cb_contact_get_display_name (contact));
  adw_avatar_set_text (self->avatar, cb_contact_get_display_name (contact));

  availability = cb_contact_get_availability (contact);
  set_style (self->dot, "cb-dot", cb_availability_get_style (availability));
  cb_widget_set_lazy_tooltip (self->dot, cb_availability_get_label (availability));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->dot),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, cb_availability_get_label (availability),
                                  -1);

  extension = cb_contact_get_extension (contact);
  if (extension != NULL && *extension != '\0')
    {
      g_string_append_printf (subtitle, _("Ext. %s"), extension);
      g_string_append (subtitle, " · ");
    }
  g_string_append (subtitle, cb_availability_get_label (availability));
  /* The line lamp in words: whether the member is on the phone right now. */
  if (cb_contact_get_has_line_state (contact))
    {
      g_string_append (subtitle, " · ");
      g_string_append (subtitle, cb_line_state_get_label (cb_contact_get_line_state (contact)));
    }
  /* For queue calls the agent status decides; logged out is the default. */
  if (has_agent_status && cb_contact_get_agent_status (contact) != CB_AGENT_STATUS_LOGGED_OUT)
    {
      g_string_append (subtitle, " · ");
      g_string_append_printf (subtitle, _("Agent: %s"),
                              cb_agent_status_get_label (cb_contact_get_agent_status (contact)));
    }
  /* Where their calls go instead, when they divert every call. */
  if (cb_contact_get_diversion_unconditional (contact) != NULL)
    {
      g_autofree char *target = cb_diversion_target_name (self->session,
                                                          cb_contact_get_diversion_unconditional (contact));

      g_string_append (subtitle, " · ");
      /* Translators: a colleague's calls go to %s */
      g_string_append_printf (subtitle, _("Diverted to %s"), target);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle->str);

  /* A login the viewer's level hides is left out, not shown as "out". */
  if (!cb_group_member_get_login_known (self->member))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->login_label), FALSE);
    }
  else if (cb_group_member_get_logged_in (self->member))
    {
      gtk_label_set_label (self->login_label, C_("group login", "Logged in"));
      set_style (GTK_WIDGET (self->login_label), "cb-login", "logged-in");
      gtk_widget_set_visible (GTK_WIDGET (self->login_label), TRUE);
    }
  else
    {
      gtk_label_set_label (self->login_label, C_("group login", "Logged out"));
      set_style (GTK_WIDGET (self->login_label), "cb-login", "logged-out");
      gtk_widget_set_visible (GTK_WIDGET (self->login_label), TRUE);
    }
}

static void
on_notify (CbMemberRow *self,
           GParamSpec  *pspec,
           GObject     *object)
{
  cb_member_row_update (self);
}

/* --- what the shared colleague code asks --- */

static CbContact *
row_contact (GtkWidget *widget)
{
  CbMemberRow *self = CB_MEMBER_ROW (widget);

  return self->member != NULL ? cb_group_member_get_contact (self->member) : NULL;
}

static GMenuModel *
row_menu (GtkWidget *widget)
{
  CbMemberRow *self = CB_MEMBER_ROW (widget);
  CbContact *contact = row_contact (widget);

  if (contact == NULL)
    return NULL;
  return cb_colleague_menu_new (self->session != NULL ? cb_session_get_store (self->session) : NULL,
                                contact);
}

static void
row_activate (GtkWidget *widget)
{
  cb_colleague_call (widget, row_contact (widget));
}

static char *
row_forward_number (GtkWidget *widget)
{
  CbContact *contact = row_contact (widget);
  const char *extension = contact != NULL ? cb_contact_get_extension (contact) : NULL;

  if (contact == NULL || cb_contact_get_is_self (contact) || extension == NULL || *extension == '\0')
    return NULL;
  return g_strdup (extension);
}

static const char *
row_title (GtkWidget *widget)
{
  CbContact *contact = row_contact (widget);

  return contact != NULL ? cb_contact_get_display_name (contact) : NULL;
}

static GdkContentProvider *
row_drag_content (GtkWidget *widget)
{
  CbContact *contact = row_contact (widget);

  return contact != NULL ? cb_colleague_content_new (contact) : NULL;
}

static const CbColleagueFuncs row_funcs = {
  .menu = row_menu,
  .activate = row_activate,
  .forward_number = row_forward_number,
  .title = row_title,
  .drag_content = row_drag_content,
};

void
cb_member_row_add_suffix (CbMemberRow *self,
                          GtkWidget   *widget)
{
  g_return_if_fail (CB_IS_MEMBER_ROW (self));
  g_return_if_fail (GTK_IS_WIDGET (widget));

  gtk_box_append (self->suffix_box, widget);
}

CbGroupMember *
cb_member_row_get_member (CbMemberRow *self)
{
  g_return_val_if_fail (CB_IS_MEMBER_ROW (self), NULL);

  return self->member;
}

static void
cb_member_row_constructed (GObject *object)
{
  CbMemberRow *self = CB_MEMBER_ROW (object);
  CbContact *contact;

  G_OBJECT_CLASS (cb_member_row_parent_class)->constructed (object);

  g_return_if_fail (self->member != NULL);

  contact = cb_group_member_get_contact (self->member);
  g_signal_connect_object (self->member, "notify", G_CALLBACK (on_notify), self, G_CONNECT_SWAPPED);
  if (contact != NULL)
    g_signal_connect_object (contact, "notify", G_CALLBACK (on_notify), self, G_CONNECT_SWAPPED);
  cb_member_row_update (self);
}

static void
cb_member_row_dispose (GObject *object)
{
  CbMemberRow *self = CB_MEMBER_ROW (object);

  g_clear_object (&self->member);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (cb_member_row_parent_class)->dispose (object);
}

static void
cb_member_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CbMemberRow *self = CB_MEMBER_ROW (object);

  switch (prop_id)
    {
    case PROP_MEMBER:
      g_value_set_object (value, self->member);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_member_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CbMemberRow *self = CB_MEMBER_ROW (object);

  switch (prop_id)
    {
    case PROP_MEMBER:
      self->member = g_value_dup_object (value);
      break;
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_member_row_class_init (CbMemberRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cb_member_row_constructed;
  object_class->dispose = cb_member_row_dispose;
  object_class->get_property = cb_member_row_get_property;
  object_class->set_property = cb_member_row_set_property;

  properties[PROP_MEMBER] =
    g_param_spec_object ("member", NULL, NULL,
                         CB_TYPE_GROUP_MEMBER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         CB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-member-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CbMemberRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, CbMemberRow, dot);
  gtk_widget_class_bind_template_child (widget_class, CbMemberRow, login_label);
  gtk_widget_class_bind_template_child (widget_class, CbMemberRow, suffix_box);
  gtk_widget_class_bind_template_child (widget_class, CbMemberRow, menu_button);
}

static void
cb_member_row_init (CbMemberRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  cb_colleague_widget_attach (GTK_WIDGET (self), &row_funcs, self->menu_button);
}

GtkWidget *
cb_member_row_new (CbGroupMember *member,
                   CbSession     *session)
{
  g_return_val_if_fail (CB_IS_GROUP_MEMBER (member), NULL);

  return g_object_new (CB_TYPE_MEMBER_ROW,
                       "member", member,
                       "session", session,
                       NULL);
}
