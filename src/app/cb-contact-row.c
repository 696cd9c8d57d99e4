/* cb-contact-row.c: one colleague as a row: avatar, presence, line, groups
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-contact-row"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-colleague-widget.h"
#include "cb-contact-row.h"
#include "cb-diversion-label.h"
#include "cb-enum-labels.h"

struct _CbContactRow
{
  GtkWidget      parent_instance;

  CbContact     *contact;
  CbSession     *session;
  gboolean       compact;

  /* Template widgets */
  AdwAvatar     *avatar;
  GtkWidget     *dot;
  GtkLabel      *name_label;
  GtkLabel      *subtitle_label;
  GtkLabel      *groups_label;
  GtkLabel      *line_label;
  GtkLabel      *agent_label;
  GtkWidget     *take_button;
  GtkBox        *pill_box;
  GtkMenuButton *menu_button;
};

G_DEFINE_FINAL_TYPE (CbContactRow, cb_contact_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTACT,
  PROP_SESSION,
  PROP_COMPACT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

gboolean
cb_contact_list_contains (GListModel *model,
                          gint64      user_id)
{
  guint n;

  if (model == NULL)
    return FALSE;

  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbContact) contact = g_list_model_get_item (model, i);

      if (cb_contact_get_id (contact) == user_id)
        return TRUE;
    }

  return FALSE;
}

static char *
join_search_fields (gpointer    this,
                    const char *display_name,
                    const char *username,
                    const char *extension,
                    const char *email,
                    gpointer    user_data)
{
  return g_strjoin ("\n",
                    display_name ? display_name : "",
                    username ? username : "",
                    extension ? extension : "",
                    email ? email : "",
                    NULL);
}

GtkStringFilter *
cb_contact_filter_new (void)
{
  static const char * const fields[] = { "display-name", "username", "extension", "email" };
  GtkExpression *params[G_N_ELEMENTS (fields)];
  GtkExpression *expression;
  GtkStringFilter *filter;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    params[i] = gtk_property_expression_new (CB_TYPE_CONTACT, NULL, fields[i]);

  /* One string per contact; the newline keeps a match from spanning two
   * fields. Property expressions re-run the filter when a field changes. */
  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL,
                                            G_N_ELEMENTS (params), params,
                                            G_CALLBACK (join_search_fields),
                                            NULL, NULL);

  filter = gtk_string_filter_new (expression);
  gtk_string_filter_set_ignore_case (filter, TRUE);
  gtk_string_filter_set_match_mode (filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);

  return filter;
}

static void
set_style (GtkWidget  *widget,
           const char *base,
           const char *variant)
{
  const char *classes[] = { base, variant, NULL };

  gtk_widget_set_css_classes (widget, classes);
}

static void
cb_contact_row_update (CbContactRow *self)
{
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autofree char *name = NULL;
  CbAvailability availability;
  const char *extension;
  const char *note;
  const char * const *logins;
  gboolean has_line_state;
  gboolean has_agent_status;

  if (self->contact == NULL)
    return;

  has_line_state = cb_contact_get_has_line_state (self->contact);
  has_agent_status = cb_contact_get_has_agent_status (self->contact);

  if (cb_contact_get_is_self (self->contact))
    name = g_strdup_printf (_("%s (you)"), cb_contact_get_display_name (self->contact));
  else
    name = g_strdup (cb_contact_get_display_name (self->contact));
  gtk_label_set_label (self->name_label, name);
  adw_avatar_set_text (self->avatar, cb_contact_get_display_name (self->contact));

  availability = cb_contact_get_availability (self->contact);
  set_style (self->dot, "cb-dot", cb_availability_get_style (availability));
  cb_widget_set_lazy_tooltip (self->dot, cb_availability_get_label (availability));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->dot),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, cb_availability_get_label (availability),
                                  -1);

  /* The compact monitor has no room for the word, only the number. */
  extension = cb_contact_get_extension (self->contact);
  if (extension != NULL && *extension != '\0' && self->compact)
    g_string_append_printf (subtitle, "%s · ", extension);
  else if (extension != NULL && *extension != '\0')
    {
      g_string_append_printf (subtitle, _("Ext. %s"), extension);
      g_string_append (subtitle, " · ");
    }
  g_string_append (subtitle, cb_availability_get_label (availability));
  note = cb_contact_get_note (self->contact);
  if (note != NULL && *note != '\0')
    g_string_append_printf (subtitle, " — %s", note);
  gtk_label_set_label (self->subtitle_label, subtitle->str);

  gtk_widget_set_visible (GTK_WIDGET (self->line_label), has_line_state);
  if (has_line_state)
    {
      CbLineState line_state = cb_contact_get_line_state (self->contact);

      gtk_label_set_label (self->line_label, cb_line_state_get_label (line_state));
      set_style (GTK_WIDGET (self->line_label), "cb-line", cb_line_state_get_style (line_state));
    }

  /* Logged out is what everyone outside call queues is: not worth a pill. */
  gtk_widget_set_visible (GTK_WIDGET (self->agent_label),
                          has_agent_status &&
                          cb_contact_get_agent_status (self->contact) != CB_AGENT_STATUS_LOGGED_OUT);
  if (has_agent_status)
    {
      CbAgentStatus status = cb_contact_get_agent_status (self->contact);

      /* Translators: %s is a workplace status (for queue calls), told
       * apart from the availability beside it */
      g_autofree char *text = g_strdup_printf (_("Workplace: %s"), cb_agent_status_get_label (status));

      gtk_label_set_label (self->agent_label, text);
      set_style (GTK_WIDGET (self->agent_label), "cb-agent", cb_agent_status_get_style (status));
      cb_widget_set_lazy_tooltip (GTK_WIDGET (self->agent_label), _("Workplace status for queue calls"));
    }

  /* A call ringing there that the user may take: one click. */
  if (cb_contact_get_ringing_call_id (self->contact) != NULL && !cb_contact_get_is_self (self->contact))
    {
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->take_button), "x",
                                        cb_contact_get_id (self->contact));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->take_button), "contact.pick-up");
      gtk_widget_set_visible (self->take_button, TRUE);
    }
  else
    {
      gtk_widget_set_visible (self->take_button, FALSE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->take_button), NULL);
    }

  logins = cb_contact_get_group_logins (self->contact);
  if (cb_contact_get_has_group_logins (self->contact) && logins != NULL && logins[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **) logins);
      /* Translators: %s is one or more hunt groups whose calls ring here */
      g_autofree char *text = g_strdup_printf (_("In %s"), joined);

      gtk_label_set_label (self->groups_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->groups_label), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->groups_label), FALSE);
    }
}

static void
on_contact_notify (CbContactRow *self,
                   GParamSpec   *pspec,
                   CbContact    *contact)
{
  cb_contact_row_update (self);
}

/* --- what the shared colleague code asks --- */

static GMenuModel *
row_menu (GtkWidget *widget)
{
  CbContactRow *self = CB_CONTACT_ROW (widget);

  if (self->contact == NULL)
    return NULL;
  return cb_colleague_menu_new (self->session != NULL ? cb_session_get_store (self->session) : NULL,
                                self->contact);
}

static void
row_activate (GtkWidget *widget)
{
  cb_colleague_call (widget, CB_CONTACT_ROW (widget)->contact);
}

static char *
row_forward_number (GtkWidget *widget)
{
  CbContact *contact = CB_CONTACT_ROW (widget)->contact;
  const char *extension = contact != NULL ? cb_contact_get_extension (contact) : NULL;

  if (contact == NULL || cb_contact_get_is_self (contact) || extension == NULL || *extension == '\0')
    return NULL;
  return g_strdup (extension);
}

static const char *
row_title (GtkWidget *widget)
{
  CbContact *contact = CB_CONTACT_ROW (widget)->contact;

  return contact != NULL ? cb_contact_get_display_name (contact) : NULL;
}

static GdkContentProvider *
row_drag_content (GtkWidget *widget)
{
  CbContact *contact = CB_CONTACT_ROW (widget)->contact;

  return contact != NULL ? cb_colleague_content_new (contact) : NULL;
}

static const CbColleagueFuncs row_funcs = {
  .menu = row_menu,
  .activate = row_activate,
  .forward_number = row_forward_number,
  .title = row_title,
  .drag_content = row_drag_content,
};

CbContact *
cb_contact_row_get_contact (CbContactRow *self)
{
  g_return_val_if_fail (CB_IS_CONTACT_ROW (self), NULL);

  return self->contact;
}

void
cb_contact_row_set_contact (CbContactRow *self,
                            CbContact    *contact)
{
  g_return_if_fail (CB_IS_CONTACT_ROW (self));
  g_return_if_fail (!contact || CB_IS_CONTACT (contact));

  if (self->contact == contact)
    return;

  if (self->contact != NULL)
    g_signal_handlers_disconnect_by_func (self->contact, on_contact_notify, self);

  g_set_object (&self->contact, contact);

  if (contact != NULL)
    {
      g_signal_connect_object (contact, "notify",
                               G_CALLBACK (on_contact_notify), self,
                               G_CONNECT_SWAPPED);
      cb_contact_row_update (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTACT]);
}

CbSession *
cb_contact_row_get_session (CbContactRow *self)
{
  g_return_val_if_fail (CB_IS_CONTACT_ROW (self), NULL);

  return self->session;
}

void
cb_contact_row_set_session (CbContactRow *self,
                            CbSession    *session)
{
  g_return_if_fail (CB_IS_CONTACT_ROW (self));

  if (g_set_object (&self->session, session))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

gboolean
cb_contact_row_get_compact (CbContactRow *self)
{
  g_return_val_if_fail (CB_IS_CONTACT_ROW (self), FALSE);

  return self->compact;
}

void
cb_contact_row_set_compact (CbContactRow *self,
                            gboolean      compact)
{
  g_return_if_fail (CB_IS_CONTACT_ROW (self));

  compact = !!compact;
  if (self->compact == compact)
    return;

  self->compact = compact;
  adw_avatar_set_size (self->avatar, compact ? 32 : 40);
  /* Narrow windows: the pills stack and leave the name its room. */
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->pill_box),
                                  compact ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  cb_contact_row_update (self);
  if (compact)
    gtk_widget_add_css_class (GTK_WIDGET (self), "compact");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "compact");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPACT]);
}

static void
cb_contact_row_dispose (GObject *object)
{
  CbContactRow *self = CB_CONTACT_ROW (object);

  cb_contact_row_set_contact (self, NULL);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_CONTACT_ROW);
  cb_widget_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cb_contact_row_parent_class)->dispose (object);
}

static void
cb_contact_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CbContactRow *self = CB_CONTACT_ROW (object);

  switch (prop_id)
    {
    case PROP_CONTACT:
      g_value_set_object (value, self->contact);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_COMPACT:
      g_value_set_boolean (value, self->compact);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_contact_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CbContactRow *self = CB_CONTACT_ROW (object);

  switch (prop_id)
    {
    case PROP_CONTACT:
      cb_contact_row_set_contact (self, g_value_get_object (value));
      break;
    case PROP_SESSION:
      cb_contact_row_set_session (self, g_value_get_object (value));
      break;
    case PROP_COMPACT:
      cb_contact_row_set_compact (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_contact_row_class_init (CbContactRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_contact_row_dispose;
  object_class->get_property = cb_contact_row_get_property;
  object_class->set_property = cb_contact_row_set_property;

  properties[PROP_CONTACT] =
    g_param_spec_object ("contact", NULL, NULL,
                         CB_TYPE_CONTACT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         CB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPACT] =
    g_param_spec_boolean ("compact", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CB_TYPE_DIVERSION_LABEL);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-contact-row.ui");
  gtk_widget_class_set_css_name (widget_class, "cb-contact-row");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CbContactRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, CbContactRow, dot);
  gtk_widget_class_bind_template_child (widget_class, CbContactRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, CbContactRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, CbContactRow, groups_label);
  gtk_widget_class_bind_template_child (widget_class, CbContactRow, line_label);
  gtk_widget_class_bind_template_child (widget_class, CbContactRow, agent_label);
  gtk_widget_class_bind_template_child (widget_class, CbContactRow, take_button);
  gtk_widget_class_bind_template_child (widget_class, CbContactRow, pill_box);
  gtk_widget_class_bind_template_child (widget_class, CbContactRow, menu_button);
}

static void
cb_contact_row_init (CbContactRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 12);
  cb_colleague_widget_attach (GTK_WIDGET (self), &row_funcs, self->menu_button);
}

GtkWidget *
cb_contact_row_new (CbSession *session,
                    CbContact *contact)
{
  return g_object_new (CB_TYPE_CONTACT_ROW,
                       "session", session,
                       "contact", contact,
                       NULL);
}
