/* cb-call-row.c: one call as a card: remote party, state, duration, controls
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The card only reads the CbCall and acts through its own call.* actions,
 * so a notification or a test drives exactly what a click does.
 */

#define G_LOG_DOMAIN "cb-call-row"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-call-row.h"

struct _CbCallRow
{
  GtkWidget        parent_instance;

  CbCall          *call;
  CbSoftphone     *softphone;

  /* Template widgets */
  AdwAvatar       *avatar;
  GtkLabel        *name_label;
  GtkLabel        *number_label;
  GtkLabel        *state_label;
  GtkLabel        *duration_label;
  GtkWidget       *controls;
  GtkToggleButton *mute_button;
  GtkToggleButton *hold_button;
  GtkWidget       *keypad_button;
  GtkWidget       *answer_button;
  GtkWidget       *hangup_button;
  GtkGrid         *keypad_grid;
};

G_DEFINE_FINAL_TYPE (CbCallRow, cb_call_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CALL,
  PROP_SOFTPHONE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
cb_format_duration (guint seconds)
{
  if (seconds >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", seconds / 3600, seconds / 60 % 60, seconds % 60);
  return g_strdup_printf ("%u:%02u", seconds / 60, seconds % 60);
}

static const char *
state_label (CbCall *call)
{
  switch (cb_call_get_state (call))
    {
    case CB_CALL_STATE_RINGING:
      return _("Incoming call");
    case CB_CALL_STATE_DIALING:
      return _("Calling…");
    case CB_CALL_STATE_CONNECTED:
      return _("Connected");
    case CB_CALL_STATE_HELD:
      return _("On hold");
    case CB_CALL_STATE_ENDED:
    default:
      return _("Call ended");
    }
}

static const char *
state_style (CbCallState state)
{
  switch (state)
    {
    case CB_CALL_STATE_RINGING:
      return "ringing";
    case CB_CALL_STATE_DIALING:
      return "dialing";
    case CB_CALL_STATE_CONNECTED:
      return "connected";
    case CB_CALL_STATE_HELD:
      return "held";
    case CB_CALL_STATE_ENDED:
    default:
      return "ended";
    }
}

static void
update_duration (CbCallRow *self)
{
  g_autofree char *text = NULL;

  if (self->call == NULL || cb_call_get_connected_at (self->call) == 0)
    {
      gtk_label_set_label (self->duration_label, "");
      return;
    }
  text = cb_format_duration (cb_call_get_duration (self->call));
  gtk_label_set_label (self->duration_label, text);
}

static void
update (CbCallRow *self)
{
  CbCallState state;
  gboolean live;
  const char *classes[] = { "cb-call-state", NULL, NULL };

  if (self->call == NULL)
    return;

  state = cb_call_get_state (self->call);
  live = state == CB_CALL_STATE_CONNECTED || state == CB_CALL_STATE_HELD;

  adw_avatar_set_text (self->avatar, cb_call_get_remote_name (self->call));
  gtk_label_set_label (self->name_label, cb_call_get_remote_name (self->call));
  gtk_label_set_label (self->number_label, cb_call_get_remote_number (self->call));
  /* The number is already the title when nobody in the directory has it. */
  gtk_widget_set_visible (GTK_WIDGET (self->number_label),
                          g_strcmp0 (cb_call_get_remote_name (self->call),
                                     cb_call_get_remote_number (self->call)) != 0);
  gtk_label_set_label (self->state_label, state_label (self->call));
  classes[1] = state_style (state);
  gtk_widget_set_css_classes (GTK_WIDGET (self->state_label), classes);
  update_duration (self);

  gtk_widget_set_visible (self->answer_button, state == CB_CALL_STATE_RINGING);
  gtk_widget_set_visible (GTK_WIDGET (self->mute_button), live);
  gtk_widget_set_visible (GTK_WIDGET (self->hold_button), live);
  gtk_widget_set_visible (self->keypad_button, state == CB_CALL_STATE_CONNECTED);
  gtk_widget_set_visible (self->hangup_button, state != CB_CALL_STATE_ENDED);
  gtk_toggle_button_set_active (self->mute_button, cb_call_get_muted (self->call));
  gtk_toggle_button_set_active (self->hold_button, cb_call_get_held (self->call));
  gtk_widget_set_tooltip_text (self->hangup_button,
                               state == CB_CALL_STATE_RINGING ? _("Decline") : _("Hang Up"));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.answer", state == CB_CALL_STATE_RINGING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.hangup", state != CB_CALL_STATE_ENDED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.toggle-hold", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.toggle-mute", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.dtmf", state == CB_CALL_STATE_CONNECTED);
}

static void
on_call_notify (CbCallRow  *self,
                GParamSpec *pspec,
                CbCall     *call)
{
  if (g_strcmp0 (g_param_spec_get_name (pspec), "duration") == 0)
    update_duration (self);
  else
    update (self);
}

static void
set_call (CbCallRow *self,
          CbCall    *call)
{
  if (self->call == call)
    return;
  if (self->call != NULL)
    g_signal_handlers_disconnect_by_func (self->call, on_call_notify, self);
  g_set_object (&self->call, call);
  if (call != NULL)
    g_signal_connect_object (call, "notify", G_CALLBACK (on_call_notify), self, G_CONNECT_SWAPPED);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CALL]);
}

/* --- actions --- */

static void
report (CbCallRow    *self,
        const char   *what,
        const GError *error)
{
  g_autofree char *message = g_strdup_printf ("%s: %s", what, error->message);

  cb_widget_show_toast (GTK_WIDGET (self), message);
}

static void
answer_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CbCallRow *self = CB_CALL_ROW (widget);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->call == NULL)
    return;
  ok = self->softphone != NULL ? cb_softphone_answer (self->softphone, self->call, &error)
                               : cb_call_answer (self->call, &error);
  if (!ok)
    report (self, _("The call could not be answered"), error);
}

static void
hangup_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CbCallRow *self = CB_CALL_ROW (widget);

  if (self->call != NULL)
    cb_call_hangup (self->call);
}

static void
toggle_hold_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  CbCallRow *self = CB_CALL_ROW (widget);
  g_autoptr(GError) error = NULL;

  if (self->call != NULL &&
      !cb_call_set_held (self->call, !cb_call_get_held (self->call), &error))
    report (self, _("The call could not be put on hold"), error);
  update (self);
}

static void
toggle_mute_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  CbCallRow *self = CB_CALL_ROW (widget);

  if (self->call != NULL)
    cb_call_set_muted (self->call, !cb_call_get_muted (self->call));
  update (self);
}

static void
dtmf_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CbCallRow *self = CB_CALL_ROW (widget);
  g_autoptr(GError) error = NULL;

  if (self->call != NULL &&
      !cb_call_send_dtmf (self->call, g_variant_get_string (param, NULL), &error))
    report (self, _("The keypad tone could not be sent"), error);
}

/* --- GObject --- */

static void
cb_call_row_dispose (GObject *object)
{
  CbCallRow *self = CB_CALL_ROW (object);

  if (self->call != NULL)
    g_signal_handlers_disconnect_by_func (self->call, on_call_notify, self);
  g_clear_object (&self->call);
  g_clear_object (&self->softphone);
  gtk_widget_dispose_template (GTK_WIDGET (self), CB_TYPE_CALL_ROW);
  cb_widget_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (cb_call_row_parent_class)->dispose (object);
}

static void
cb_call_row_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CbCallRow *self = CB_CALL_ROW (object);

  switch (prop_id)
    {
    case PROP_CALL:
      g_value_set_object (value, self->call);
      break;
    case PROP_SOFTPHONE:
      g_value_set_object (value, self->softphone);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_call_row_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CbCallRow *self = CB_CALL_ROW (object);

  switch (prop_id)
    {
    case PROP_CALL:
      set_call (self, g_value_get_object (value));
      break;
    case PROP_SOFTPHONE:
      g_set_object (&self->softphone, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_call_row_class_init (CbCallRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cb_call_row_dispose;
  object_class->get_property = cb_call_row_get_property;
  object_class->set_property = cb_call_row_set_property;

  properties[PROP_CALL] =
    g_param_spec_object ("call", NULL, NULL, CB_TYPE_CALL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOFTPHONE] =
    g_param_spec_object ("softphone", NULL, NULL, CB_TYPE_SOFTPHONE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "cb-call-row");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-call-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, number_label);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, duration_label);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, controls);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, mute_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, hold_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, keypad_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, answer_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, hangup_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, keypad_grid);

  gtk_widget_class_install_action (widget_class, "call.answer", NULL, answer_action);
  gtk_widget_class_install_action (widget_class, "call.hangup", NULL, hangup_action);
  gtk_widget_class_install_action (widget_class, "call.toggle-hold", NULL, toggle_hold_action);
  gtk_widget_class_install_action (widget_class, "call.toggle-mute", NULL, toggle_mute_action);
  gtk_widget_class_install_action (widget_class, "call.dtmf", "s", dtmf_action);
}

static void
cb_call_row_init (CbCallRow *self)
{
  static const char keys[] = "123456789*0#";

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_HORIZONTAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 12);

  /* The keypad is built here: twelve buttons differing only in their digit. */
  for (guint i = 0; i < sizeof keys - 1; i++)
    {
      char digit[2] = { keys[i], '\0' };
      GtkWidget *button = gtk_button_new_with_label (digit);

      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "call.dtmf");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", digit);
      gtk_widget_add_css_class (button, "cb-key");
      gtk_grid_attach (self->keypad_grid, button, (int) (i % 3), (int) (i / 3), 1, 1);
    }
}

GtkWidget *
cb_call_row_new (CbCall      *call,
                 CbSoftphone *softphone)
{
  return g_object_new (CB_TYPE_CALL_ROW, "softphone", softphone, "call", call, NULL);
}

CbCall *
cb_call_row_get_call (CbCallRow *self)
{
  g_return_val_if_fail (CB_IS_CALL_ROW (self), NULL);
  return self->call;
}
