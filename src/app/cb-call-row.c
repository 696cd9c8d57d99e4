/* cb-call-row.c: one call as a card: remote party, state, duration, controls
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The card only reads the CbCall and acts through its own call.* actions,
 * so a notification or a test drives exactly what a click does.
 *
 * The transfer picker lists the directory only while its popover is open:
 * a filter model over every colleague per card would cost for nothing.
 * Favourites come first in it: they are whom calls are passed to most.
 *
 * Controls keep their places: what cannot be done in a state is greyed,
 * not hidden (the answer and hang-up places hold an empty slot or the
 * dismiss button instead), so a second click never lands on another
 * control; hold and mute show their state on the toggle itself.
 *
 * With two calls on the phone (a consultation pair, or a second call),
 * a row of actions below the controls says what goes where: "Connect
 * Paula with Ben" (transfer), Swap, Conference, and Cancel for a
 * consultation; below, so a long name never widens the card or the
 * column. A call placed that reached nobody says why until dismissed,
 * with Call Again.
 *
 * A live or ringing card can be dragged onto a colleague anywhere: the
 * drag carries the call's server id (CbDraggedCall), and the colleague's
 * widget asks whether to forward or consult.
 *
 * Why one file of this size (about 1,300 lines): every part of it (the
 * state shown, the call.* actions, the two calls' actions, the transfer
 * picker, the drag) acts on the one card's call and reads its other
 * calls; split, each part would reach into the others' fields.
 */

#define G_LOG_DOMAIN "cb-call-row"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "cb-app-util.h"
#include "cb-call-row.h"
#include "cb-colleague-widget.h"
#include "cb-leader-forward-button.h"

struct _CbCallRow
{
  GtkWidget        parent_instance;

  CbCall          *call;
  CbSoftphone     *softphone;
  GListModel      *directory;
  GListModel      *favourites;
  GtkSortListModel *transfer_model;
  GtkFilterListModel *transfer_filter_model;
  GCancellable    *cancellable;

  /* Template widgets */
  AdwAvatar       *avatar;
  GtkLabel        *name_label;
  GtkLabel        *number_label;
  GtkLabel        *context_label;
  GtkLabel        *state_label;
  GtkLabel        *duration_label;
  GtkImage        *encrypted_image;
  GtkWidget       *controls;
  GtkWidget       *live_controls;
  GtkToggleButton *mute_button;
  GtkToggleButton *hold_button;
  GtkWidget       *keypad_button;
  GtkWidget       *transfer_button;
  GtkPopover      *transfer_popover;
  GtkWidget       *transfer_calls_box;
  GtkSearchEntry  *transfer_search;
  GtkListBox      *transfer_list;
  GtkStack        *answer_slot;
  GtkWidget       *answer_button;
  GtkStack        *end_slot;
  GtkWidget       *hangup_button;
  GtkWidget       *parties_box;
  GtkWidget       *actions_box;
  GtkWidget       *connect_button;
  GtkLabel        *connect_label;
  GtkWidget       *pair_box;
  GtkWidget       *swap_button;
  GtkWidget       *conference_button;
  GtkWidget       *cancel_button;
  GtkWidget       *call_again_button;
  GtkGrid         *keypad_grid;
  GtkPopover      *keypad_popover;
  GtkLabel        *keypad_digits;
};

G_DEFINE_FINAL_TYPE (CbCallRow, cb_call_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CALL,
  PROP_SOFTPHONE,
  PROP_DIRECTORY,
  PROP_FAVOURITES,
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
state_text (CbCall *call)
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

static char *
state_label (CbCall *call)
{
  if (cb_call_get_state (call) == CB_CALL_STATE_ENDED && cb_call_get_forwarded_to (call) != NULL)
    /* Translators: %s is the colleague (or number) the user forwarded the call to */
    return g_strdup_printf (_("Forwarded to %s"), cb_call_get_forwarded_to (call));
  return g_strdup (state_text (call));
}

static const char *
failure_label (CbCallFailure failure)
{
  switch (failure)
    {
    case CB_CALL_FAILURE_BUSY:        return _("Not reached: busy");
    case CB_CALL_FAILURE_DECLINED:    return _("Not reached: declined");
    case CB_CALL_FAILURE_NOT_FOUND:   return _("Not reached: no such number");
    case CB_CALL_FAILURE_UNREACHABLE: return _("Not reached: phone unreachable");
    case CB_CALL_FAILURE_REJECTED:    return _("Not reached: refused");
    case CB_CALL_FAILURE_NONE:
    default:                          return NULL;
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

static char *
context_text (CbCall *call)
{
  const char *group = cb_call_get_group_name (call);
  g_autofree char *for_group = NULL;

  /* Translators: %s is a hunt group: the call came in for it */
  if (group != NULL)
    for_group = g_strdup_printf (_("for %s"), group);
  /* Translators: %s is the person an assistant takes or places the call for */
  else if (cb_call_get_for_name (call) != NULL)
    for_group = g_strdup_printf (_("for %s"), cb_call_get_for_name (call));
  if (cb_call_get_picked_up (call))
    {
      g_autofree char *picked = NULL;

      if (cb_call_get_picked_up_from (call) != NULL)
        /* Translators: %s is the colleague the call rang at before the user took it */
        picked = g_strdup_printf (_("Picked up from %s"), cb_call_get_picked_up_from (call));
      else
        picked = g_strdup (_("Picked up"));
      if (for_group == NULL)
        return g_steal_pointer (&picked);
      return g_strdup_printf ("%s · %s", picked, for_group);
    }
  if (cb_call_is_consultation (call))
    /* Translators: %s is the held party the user is consulting about */
    return g_strdup_printf (_("Consultation about %s"),
                            cb_call_get_remote_name (cb_call_get_partner (call)));
  if (cb_call_is_remote (call) && for_group != NULL)
    /* Translators: %s is "for <group>" */
    return g_strdup_printf (_("On your desk phone · %s"), for_group);
  if (cb_call_is_remote (call))
    return g_strdup (_("On your desk phone"));
  return g_steal_pointer (&for_group);
}

/* The other live call of this phone when there is exactly one: what
 * "Connect", Swap and Conference act on. A consultation's partner first. */
static CbCall *
other_live_call (CbCallRow *self)
{
  GListModel *calls;
  CbCall *found = NULL;
  guint n;

  if (cb_call_get_partner (self->call) != NULL)
    return cb_call_get_partner (self->call);
  if (self->softphone == NULL)
    return NULL;
  calls = cb_softphone_get_calls (self->softphone);
  n = g_list_model_get_n_items (calls);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbCall) other = g_list_model_get_item (calls, i);
      CbCallState state = cb_call_get_state (other);

      if (other == self->call || (state != CB_CALL_STATE_CONNECTED && state != CB_CALL_STATE_HELD))
        continue;
      if (found != NULL)
        return NULL;   /* three calls: which one is meant is not clear */
      found = other;   /* the model keeps it */
    }
  return found;
}

/* The conference's parties under its title, one line each. */
static void
fill_parties (CbCallRow          *self,
              const char * const *parties)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->parties_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->parties_box), child);
  for (guint i = 0; parties != NULL && parties[i] != NULL; i++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *avatar = adw_avatar_new (24, parties[i], TRUE);
      GtkWidget *label = gtk_label_new (parties[i]);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_box_append (GTK_BOX (row), avatar);
      gtk_box_append (GTK_BOX (row), label);
      gtk_widget_add_css_class (row, "cb-conference-party");
      gtk_box_append (GTK_BOX (self->parties_box), row);
    }
  gtk_widget_set_visible (self->parties_box, parties != NULL);
}

/* The held party first: that is the one put through. */
static char *
connect_text (CbCall *call,
              CbCall *other)
{
  CbCall *first = call;
  CbCall *second = other;

  if (cb_call_is_consultation (call) ||
      (cb_call_get_partner (call) == NULL && cb_call_get_state (other) == CB_CALL_STATE_HELD &&
       cb_call_get_state (call) != CB_CALL_STATE_HELD))
    {
      first = other;
      second = call;
    }
  /* Translators: the first %s is the held party, the second the party the
   * user talks to: a transfer connects them */
  return g_strdup_printf (_("Connect %s with %s"), cb_call_get_remote_name (first),
                          cb_call_get_remote_name (second));
}


static void
update (CbCallRow *self)
{
  CbCallState state;
  CbCallFailure failure;
  const char * const *parties;
  CbCall *other;
  gboolean live;
  gboolean paired;
  gboolean remote;
  gboolean held;
  gboolean muted;
  gboolean two_calls;
  g_autofree char *context = NULL;
  g_autofree char *connect = NULL;
  const char *classes[] = { "cb-call-state", NULL, NULL };

  if (self->call == NULL)
    return;

  state = cb_call_get_state (self->call);
  failure = cb_call_get_failure (self->call);
  parties = state != CB_CALL_STATE_ENDED ? cb_call_get_conference_parties (self->call) : NULL;
  live = state == CB_CALL_STATE_CONNECTED || state == CB_CALL_STATE_HELD;
  paired = live && cb_call_get_partner (self->call) != NULL;
  remote = cb_call_is_remote (self->call);
  /* An ended call keeps what it last was (a forwarded one was held on
   * its way): its card shows neither toggle pressed. */
  held = live && cb_call_get_held (self->call);
  muted = live && cb_call_get_muted (self->call);
  /* A conference is one call: it is not swapped, held or transferred. */
  other = live && parties == NULL ? other_live_call (self) : NULL;
  two_calls = live && other != NULL && self->softphone != NULL;
  context = context_text (self->call);
  /* The lock only while the media flows, and only as the server says. */
  gtk_widget_set_visible (GTK_WIDGET (self->encrypted_image),
                          state != CB_CALL_STATE_ENDED && cb_call_get_encrypted (self->call));
  gtk_label_set_label (self->context_label, context != NULL ? context : "");
  gtk_widget_set_visible (GTK_WIDGET (self->context_label), context != NULL);

  if (parties != NULL)
    {
      /* One card for the conference: who is in it, not one remote party. */
      adw_avatar_set_text (self->avatar, NULL);
      adw_avatar_set_icon_name (self->avatar, "system-users-symbolic");
      gtk_label_set_label (self->name_label, _("Conference"));
      gtk_widget_set_visible (GTK_WIDGET (self->number_label), FALSE);
    }
  else
    {
      const char *name = cb_call_get_remote_name (self->call);
      const char *number = cb_call_get_remote_number (self->call);
      gboolean named = g_strcmp0 (name, number) != 0;

      adw_avatar_set_icon_name (self->avatar, NULL);
      /* A number has no initials (a "+" said nothing): the plain avatar. */
      adw_avatar_set_text (self->avatar, named ? name : NULL);
      gtk_label_set_label (self->name_label, name);
      gtk_label_set_label (self->number_label, number);
      /* The number is already the title when nobody in the directory has it. */
      gtk_widget_set_visible (GTK_WIDGET (self->number_label), named);
    }
  fill_parties (self, parties);
  if (failure != CB_CALL_FAILURE_NONE)
    {
      gtk_label_set_label (self->state_label, failure_label (failure));
      classes[1] = "failed";
    }
  else
    {
      g_autofree char *label = state_label (self->call);

      gtk_label_set_label (self->state_label, label);
      classes[1] = state_style (state);
    }
  gtk_widget_set_css_classes (GTK_WIDGET (self->state_label), classes);
  update_duration (self);

  /* The picker closes before its button greys (see on_transfer_popover_closed). */
  if (!live && self->transfer_popover != NULL)
    gtk_popover_popdown (self->transfer_popover);
  /* Fixed places: greyed when not possible now. A desk phone mutes with
   * its own key. */
  /* A failed call has none of these: they keep their room (so the
   * dismiss button is where hang up was) but are not there. */
  gtk_widget_set_opacity (self->live_controls, failure == CB_CALL_FAILURE_NONE ? 1.0 : 0.0);
  gtk_widget_set_sensitive (self->live_controls, failure == CB_CALL_FAILURE_NONE);
  gtk_widget_set_sensitive (self->keypad_button, state == CB_CALL_STATE_CONNECTED);
  gtk_widget_set_sensitive (self->transfer_button, live && !paired && parties == NULL);
  gtk_stack_set_visible_child_name (self->answer_slot,
                                    state == CB_CALL_STATE_RINGING ? "answer" : "none");
  gtk_stack_set_visible_child_name (self->end_slot,
                                    failure != CB_CALL_FAILURE_NONE ? "dismiss" : "hangup");

  /* The toggles show their state in place: pressed, and saying what a
   * press does now. */
  gtk_toggle_button_set_active (self->mute_button, muted);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->mute_button), muted ? _("Unmute") : _("Mute"));
  gtk_toggle_button_set_active (self->hold_button, held);
  gtk_button_set_icon_name (GTK_BUTTON (self->hold_button),
                            held ? "media-playback-start-symbolic" : "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->hold_button), held ? _("Resume") : _("Hold"));
  gtk_widget_set_tooltip_text (self->hangup_button,
                               state == CB_CALL_STATE_RINGING ? _("Decline")
                               : parties != NULL ? _("Leave the Conference") : _("Hang Up"));

  /* The two calls' actions, or the failed call's. */
  if (two_calls)
    {
      connect = connect_text (self->call, other);
      gtk_label_set_label (self->connect_label, connect);
      gtk_widget_set_tooltip_text (self->connect_button, connect);
    }
  gtk_widget_set_visible (self->connect_button, two_calls);
  gtk_widget_set_visible (self->pair_box, two_calls);
  gtk_widget_set_visible (self->cancel_button, paired && self->softphone != NULL);
  gtk_widget_set_visible (self->call_again_button, failure != CB_CALL_FAILURE_NONE);
  gtk_widget_set_visible (self->actions_box, two_calls || failure != CB_CALL_FAILURE_NONE);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.answer", state == CB_CALL_STATE_RINGING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.hangup", state != CB_CALL_STATE_ENDED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.toggle-hold", live && parties == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.toggle-mute", live && !remote);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.dtmf", state == CB_CALL_STATE_CONNECTED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.forward", live && self->softphone != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.complete-transfer",
                                 live && self->softphone != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.consult", live && self->softphone != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.complete-consultation",
                                 paired && self->softphone != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.cancel-consultation",
                                 paired && self->softphone != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.connect", two_calls);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.swap",
                                 two_calls && (held || cb_call_get_state (other) == CB_CALL_STATE_HELD));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.conference", two_calls);
  /* The server's reason may come before the phone's end: both wait for it. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.call-again",
                                 failure != CB_CALL_FAILURE_NONE && state == CB_CALL_STATE_ENDED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.dismiss",
                                 state == CB_CALL_STATE_ENDED && self->softphone != NULL);
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

static void on_control_failed (CbCallRow *self, GError *error, CbCall *call);

static void
on_other_call_notify (CbCallRow  *self,
                      GParamSpec *pspec,
                      CbCall     *call)
{
  update (self);
}

/* The actions row depends on the phone's other calls: follow their
 * states and names while they are there. */
static void
watch_calls (CbCallRow *self)
{
  GListModel *calls;
  guint n;

  if (self->softphone == NULL)
    return;
  calls = cb_softphone_get_calls (self->softphone);
  n = g_list_model_get_n_items (calls);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbCall) call = g_list_model_get_item (calls, i);

      if (call == self->call)
        continue;
      g_signal_handlers_disconnect_by_func (call, on_other_call_notify, self);
      g_signal_connect_object (call, "notify::state", G_CALLBACK (on_other_call_notify), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (call, "notify::remote-name", G_CALLBACK (on_other_call_notify), self,
                               G_CONNECT_SWAPPED);
    }
  update (self);
}

static void
set_softphone (CbCallRow   *self,
               CbSoftphone *softphone)
{
  if (self->softphone == softphone)
    return;
  if (self->softphone != NULL)
    g_signal_handlers_disconnect_by_data (cb_softphone_get_calls (self->softphone), self);
  g_set_object (&self->softphone, softphone);
  if (softphone != NULL)
    g_signal_connect_object (cb_softphone_get_calls (softphone), "items-changed",
                             G_CALLBACK (watch_calls), self, G_CONNECT_SWAPPED);
  watch_calls (self);
  update (self);
}

static void
set_call (CbCallRow *self,
          CbCall    *call)
{
  if (self->call == call)
    return;
  if (self->call != NULL)
    g_signal_handlers_disconnect_by_data (self->call, self);
  g_set_object (&self->call, call);
  if (call != NULL)
    {
      g_signal_connect_object (call, "notify", G_CALLBACK (on_call_notify), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (call, "control-failed", G_CALLBACK (on_control_failed), self,
                               G_CONNECT_SWAPPED);
    }
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CALL]);
}

/* --- actions --- */

static void
report (CbCallRow    *self,
        const char   *what,
        const GError *error)
{
  g_autofree char *reason = cb_describe_call_error (error);
  g_autofree char *message = g_strdup_printf ("%s: %s", what, reason);

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

  const char *digits = g_variant_get_string (param, NULL);
  g_autofree char *shown = NULL;

  if (self->call == NULL)
    return;
  if (!cb_call_send_dtmf (self->call, digits, &error))
    {
      report (self, _("The keypad tone could not be sent"), error);
      return;
    }
  /* What was sent so far, as on a phone's display. */
  shown = g_strconcat (gtk_label_get_label (self->keypad_digits), digits, NULL);
  gtk_label_set_label (self->keypad_digits, shown);
}

static void
on_keypad_show (CbCallRow  *self,
                GtkPopover *popover)
{
  gtk_label_set_label (self->keypad_digits, "");
}

/* Typing digits while the keypad is open sends them. */
static gboolean
on_keypad_key (CbCallRow             *self,
               guint                  keyval,
               guint                  keycode,
               GdkModifierType        state,
               GtkEventControllerKey *controller)
{
  gunichar c = gdk_keyval_to_unicode (keyval);
  char digit[2] = { (char) c, '\0' };

  if (c == 0 || c > 127 || strchr ("0123456789*#", (int) c) == NULL)
    return GDK_EVENT_PROPAGATE;
  gtk_widget_activate_action (GTK_WIDGET (self), "call.dtmf", "s", digit);
  return GDK_EVENT_STOP;
}

/* Forward, consult and transfer are requests to the server: the card
 * reports a failure when the answer comes, unless it went meanwhile. */
typedef gboolean (*RequestFinish) (CbSoftphone   *softphone,
                                   GAsyncResult  *result,
                                   GError       **error);
typedef void (*RequestToNumber) (CbSoftphone         *softphone,
                                 CbCall              *call,
                                 const char          *to,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);

typedef struct {
  CbCallRow     *self;       /* a reference */
  RequestFinish  finish;
  const char    *failure;    /* translated */
} Request;

static Request *
request_new (CbCallRow     *self,
             RequestFinish  finish,
             const char    *failure)
{
  Request *request = g_new (Request, 1);

  request->self = g_object_ref (self);
  request->finish = finish;
  request->failure = failure;
  return request;
}

static void
on_request_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autofree Request *request = user_data;
  g_autoptr(CbCallRow) self = request->self;
  g_autoptr(GError) error = NULL;

  if (!request->finish (CB_SOFTPHONE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    report (self, request->failure, error);
}

/* Forward or consult: the call goes to the number the action names. */
static void
request_to_number (CbCallRow       *self,
                   GVariant        *param,
                   RequestToNumber  start,
                   RequestFinish    finish,
                   const char      *failure)
{
  const char *to = g_variant_get_string (param, NULL);

  if (self->call == NULL || self->softphone == NULL || *to == '\0')
    return;
  gtk_popover_popdown (self->transfer_popover);
  start (self->softphone, self->call, to, self->cancellable, on_request_done,
         request_new (self, finish, failure));
}

static void
transfer (CbCallRow *self,
          CbCall    *call,
          CbCall    *to_call)
{
  cb_softphone_transfer_async (self->softphone, call, to_call, self->cancellable, on_request_done,
                               request_new (self, cb_softphone_transfer_finish,
                                            _("The transfer could not be completed")));
}

static void
forward_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  request_to_number (CB_CALL_ROW (widget), param, cb_softphone_forward_async,
                     cb_softphone_forward_finish, _("The call could not be forwarded"));
}

static void
consult_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  request_to_number (CB_CALL_ROW (widget), param, cb_softphone_consult_async,
                     cb_softphone_consult_finish, _("The consultation call could not be made"));
}

static void
complete_transfer_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  CbCallRow *self = CB_CALL_ROW (widget);
  CbCall *other;

  if (self->call == NULL || self->softphone == NULL)
    return;
  other = cb_softphone_lookup_call (self->softphone, g_variant_get_string (param, NULL));
  if (other == NULL || other == self->call)
    return;
  gtk_popover_popdown (self->transfer_popover);
  transfer (self, self->call, other);
}

static void
on_control_failed (CbCallRow *self,
                   GError    *error,
                   CbCall    *call)
{
  report (self, _("The call could not be controlled"), error);
}

/* The other call of a consultation pair, when the softphone can act on it. */
static CbCall *
consultation_partner (CbCallRow *self)
{
  if (self->call == NULL || self->softphone == NULL)
    return NULL;
  return cb_call_get_partner (self->call);
}

static void
complete_consultation_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  CbCallRow *self = CB_CALL_ROW (widget);
  CbCall *partner = consultation_partner (self);

  if (partner == NULL)
    return;
  /* The held call is the one transferred, whichever card was clicked. */
  if (cb_call_is_consultation (self->call))
    transfer (self, partner, self->call);
  else
    transfer (self, self->call, partner);
}

static void
cancel_consultation_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *param)
{
  CbCallRow *self = CB_CALL_ROW (widget);
  CbCall *partner = consultation_partner (self);

  if (partner == NULL)
    return;
  cb_softphone_cancel_consultation (self->softphone,
                                    cb_call_is_consultation (self->call) ? self->call : partner);
}

/* "Connect A with B": the pair's transfer, or the two calls'. */
static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  CbCallRow *self = CB_CALL_ROW (widget);
  CbCall *other;

  if (self->call == NULL || self->softphone == NULL || (other = other_live_call (self)) == NULL)
    return;
  if (cb_call_get_partner (self->call) != NULL)
    complete_consultation_action (widget, action_name, param);
  else
    transfer (self, self->call, other);
}

static void
swap_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CbCallRow *self = CB_CALL_ROW (widget);
  g_autoptr(GError) error = NULL;
  CbCall *other;
  CbCall *resume;

  if (self->call == NULL || self->softphone == NULL || (other = other_live_call (self)) == NULL)
    return;
  /* Whichever card: the held call is taken back, the other held. */
  resume = cb_call_get_held (self->call) ? self->call : other;
  if (!cb_call_get_held (resume))
    return;
  if (!cb_softphone_resume (self->softphone, resume, &error))
    report (self, _("The calls could not be swapped"), error);
}

static void
conference_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  CbCallRow *self = CB_CALL_ROW (widget);
  CbCall *other;
  CbCall *keep;

  if (self->call == NULL || self->softphone == NULL || (other = other_live_call (self)) == NULL)
    return;
  /* The phone keeps its dialog of the call it talks in; the held one's goes. */
  keep = cb_call_get_state (self->call) == CB_CALL_STATE_CONNECTED ? self->call : other;
  cb_softphone_conference_async (self->softphone, keep, keep == self->call ? other : self->call,
                                 self->cancellable, on_request_done,
                                 request_new (self, cb_softphone_conference_finish,
                                              _("The conference could not be started")));
}

static void
dismiss_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  CbCallRow *self = CB_CALL_ROW (widget);

  if (self->call != NULL && self->softphone != NULL)
    cb_softphone_dismiss_call (self->softphone, self->call);
}

/* The same number again, from the phone the call was on. */
static void
call_again_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  CbCallRow *self = CB_CALL_ROW (widget);
  g_autoptr(CbCall) call = self->call != NULL ? g_object_ref (self->call) : NULL;
  g_autofree char *number = NULL;
  g_autoptr(GError) error = NULL;

  if (call == NULL)
    return;
  number = g_strdup (cb_call_get_remote_number (call));
  if (self->softphone != NULL && !cb_call_is_remote (call))
    {
      if (cb_softphone_dial (self->softphone, number, &error) == NULL)
        {
          g_autofree char *reason = cb_describe_dial_error (error);
          g_autofree char *message = g_strdup_printf ("%s: %s", _("The call could not be placed"), reason);

          cb_widget_show_toast (GTK_WIDGET (self), message);
          return;
        }
      cb_softphone_dismiss_call (self->softphone, call);
    }
  else if (gtk_widget_activate_action (widget, "win.dial", "s", number) && self->softphone != NULL)
    cb_softphone_dismiss_call (self->softphone, call);
}

/* --- the transfer picker --- */

static gboolean
transfer_filter (gpointer item,
                 gpointer user_data)
{
  CbCallRow *self = user_data;
  CbContact *contact = item;
  const char *extension = cb_contact_get_extension (contact);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->transfer_search));
  g_autofree char *key = NULL;
  g_autofree char *name = NULL;

  if (extension == NULL || *extension == '\0' || cb_contact_get_is_self (contact) ||
      g_strcmp0 (extension, cb_call_get_remote_number (self->call)) == 0)
    return FALSE;
  if (*text == '\0')
    return TRUE;
  key = g_utf8_casefold (text, -1);
  name = g_utf8_casefold (cb_contact_get_display_name (contact), -1);
  return strstr (name, key) != NULL || strstr (extension, text) != NULL;
}

static gboolean
list_contains (GListModel *list,
               gpointer    item)
{
  guint n = g_list_model_get_n_items (list);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) other = g_list_model_get_item (list, i);

      if (other == item)
        return TRUE;
    }
  return FALSE;
}

/* Favourites first; the directory's own order (by name) otherwise. */
static int
favourites_first (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  CbCallRow *self = user_data;

  if (self->favourites == NULL)
    return 0;
  return (int) list_contains (self->favourites, (gpointer) b) -
         (int) list_contains (self->favourites, (gpointer) a);
}

static GtkWidget *
create_transfer_row (gpointer item,
                     gpointer user_data)
{
  CbCallRow *self = user_data;
  CbContact *contact = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *consult = gtk_button_new_with_label (_("Consult"));
  GtkWidget *button = gtk_button_new_with_label (_("Transfer Now"));
  const char *extension = cb_contact_get_extension (contact);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), cb_contact_get_display_name (contact));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), extension);
  if (self->favourites != NULL && list_contains (self->favourites, contact))
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("starred-symbolic"));

  gtk_widget_set_valign (consult, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (consult, _("Call first, then transfer"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (consult), "call.consult");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (consult), "s", extension);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), consult);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Transfer without asking"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "call.forward");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", extension);
  gtk_widget_add_css_class (button, "suggested-action");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
  return row;
}

/* One "Complete transfer" button per other call of this phone: the
 * consultation call the user made (or took) while this one is held. */
static void
fill_transfer_calls (CbCallRow *self)
{
  GtkWidget *child;
  GListModel *calls;
  guint n;

  while ((child = gtk_widget_get_first_child (self->transfer_calls_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->transfer_calls_box), child);
  if (self->softphone == NULL)
    return;

  calls = cb_softphone_get_calls (self->softphone);
  n = g_list_model_get_n_items (calls);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CbCall) other = g_list_model_get_item (calls, i);
      g_autofree char *label = NULL;
      GtkWidget *button;
      CbCallState state = cb_call_get_state (other);

      if (other == self->call ||
          (state != CB_CALL_STATE_CONNECTED && state != CB_CALL_STATE_HELD))
        continue;
      label = connect_text (self->call, other);
      button = gtk_button_new_with_label (label);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "call.complete-transfer");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", cb_call_get_id (other));
      gtk_widget_add_css_class (button, "suggested-action");
      gtk_box_append (GTK_BOX (self->transfer_calls_box), button);
    }
  gtk_widget_set_visible (self->transfer_calls_box,
                          gtk_widget_get_first_child (self->transfer_calls_box) != NULL);
}

static void
on_transfer_popover_show (CbCallRow  *self,
                          GtkPopover *popover)
{
  GtkCustomFilter *filter;

  fill_transfer_calls (self);
  gtk_editable_set_text (GTK_EDITABLE (self->transfer_search), "");
  if (self->directory == NULL)
    return;

  filter = gtk_custom_filter_new (transfer_filter, self, NULL);
  g_clear_object (&self->transfer_model);
  self->transfer_filter_model = gtk_filter_list_model_new (g_object_ref (self->directory),
                                                           GTK_FILTER (filter));
  self->transfer_model = gtk_sort_list_model_new (G_LIST_MODEL (self->transfer_filter_model),
                                                  GTK_SORTER (gtk_custom_sorter_new (favourites_first,
                                                                                     self, NULL)));
  gtk_list_box_bind_model (self->transfer_list, G_LIST_MODEL (self->transfer_model),
                           create_transfer_row, self, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->transfer_search));
}

static void
on_transfer_popover_closed (CbCallRow  *self,
                            GtkPopover *popover)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  /* Focus goes back to the button: a search entry left focused in the
   * hidden picker would be made insensitive with the button when the
   * call ends, and GTK 4.8 then keeps its cursor blinking (and warns). */
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (popover)))
    gtk_widget_grab_focus (self->transfer_button);
  gtk_list_box_bind_model (self->transfer_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->transfer_model);
  self->transfer_filter_model = NULL;
}

static void
on_transfer_search_changed (CbCallRow      *self,
                            GtkSearchEntry *entry)
{
  GtkFilter *filter;

  if (self->transfer_model == NULL)
    return;
  filter = gtk_filter_list_model_get_filter (self->transfer_filter_model);
  gtk_filter_changed (filter, GTK_FILTER_CHANGE_DIFFERENT);
}

/* Enter forwards to the only match, or to what was typed if it is a number. */
static void
on_transfer_search_activate (CbCallRow      *self,
                             GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *to = NULL;

  if (self->transfer_model != NULL &&
      g_list_model_get_n_items (G_LIST_MODEL (self->transfer_model)) == 1)
    {
      g_autoptr(CbContact) contact = g_list_model_get_item (G_LIST_MODEL (self->transfer_model), 0);

      to = g_strdup (cb_contact_get_extension (contact));
    }
  else if (*text != '\0' && strspn (text, "+0123456789*#") == strlen (text))
    to = g_strdup (text);

  if (to != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "call.forward", "s", to);
}

/* --- GObject --- */

static void
cb_call_row_dispose (GObject *object)
{
  CbCallRow *self = CB_CALL_ROW (object);

  if (self->call != NULL)
    g_signal_handlers_disconnect_by_data (self->call, self);
  set_softphone (self, NULL);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->transfer_list != NULL)
    gtk_list_box_bind_model (self->transfer_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->transfer_model);
  self->transfer_filter_model = NULL;
  g_clear_object (&self->call);
  g_clear_object (&self->softphone);
  g_clear_object (&self->directory);
  g_clear_object (&self->favourites);
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
    case PROP_DIRECTORY:
      g_value_set_object (value, self->directory);
      break;
    case PROP_FAVOURITES:
      g_value_set_object (value, self->favourites);
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
      set_softphone (self, g_value_get_object (value));
      break;
    case PROP_DIRECTORY:
      g_set_object (&self->directory, g_value_get_object (value));
      break;
    case PROP_FAVOURITES:
      g_set_object (&self->favourites, g_value_get_object (value));
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
  properties[PROP_DIRECTORY] =
    g_param_spec_object ("directory", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAVOURITES] =
    g_param_spec_object ("favourites", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CB_TYPE_LEADER_FORWARD_BUTTON);
  gtk_widget_class_set_css_name (widget_class, "cb-call-row");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/callboard/Callboard/cb-call-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, number_label);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, context_label);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, live_controls);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, answer_slot);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, end_slot);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, parties_box);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, actions_box);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, connect_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, connect_label);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, pair_box);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, swap_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, conference_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, call_again_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, duration_label);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, encrypted_image);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, controls);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, mute_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, hold_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, keypad_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, answer_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, hangup_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, keypad_grid);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, keypad_popover);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, keypad_digits);
  gtk_widget_class_bind_template_callback (widget_class, on_keypad_show);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, transfer_button);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, transfer_popover);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, transfer_calls_box);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, transfer_search);
  gtk_widget_class_bind_template_child (widget_class, CbCallRow, transfer_list);
  gtk_widget_class_bind_template_callback (widget_class, on_transfer_popover_show);
  gtk_widget_class_bind_template_callback (widget_class, on_transfer_popover_closed);
  gtk_widget_class_bind_template_callback (widget_class, on_transfer_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_transfer_search_activate);

  gtk_widget_class_install_action (widget_class, "call.answer", NULL, answer_action);
  gtk_widget_class_install_action (widget_class, "call.hangup", NULL, hangup_action);
  gtk_widget_class_install_action (widget_class, "call.toggle-hold", NULL, toggle_hold_action);
  gtk_widget_class_install_action (widget_class, "call.toggle-mute", NULL, toggle_mute_action);
  gtk_widget_class_install_action (widget_class, "call.dtmf", "s", dtmf_action);
  gtk_widget_class_install_action (widget_class, "call.forward", "s", forward_action);
  gtk_widget_class_install_action (widget_class, "call.complete-transfer", "s",
                                   complete_transfer_action);
  gtk_widget_class_install_action (widget_class, "call.consult", "s", consult_action);
  gtk_widget_class_install_action (widget_class, "call.complete-consultation", NULL,
                                   complete_consultation_action);
  gtk_widget_class_install_action (widget_class, "call.cancel-consultation", NULL,
                                   cancel_consultation_action);
  gtk_widget_class_install_action (widget_class, "call.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "call.swap", NULL, swap_action);
  gtk_widget_class_install_action (widget_class, "call.conference", NULL, conference_action);
  gtk_widget_class_install_action (widget_class, "call.call-again", NULL, call_again_action);
  gtk_widget_class_install_action (widget_class, "call.dismiss", NULL, dismiss_action);
}

/* --- dragging the card onto a colleague --- */

static GdkContentProvider *
on_drag_prepare (GtkDragSource *source,
                 double         x,
                 double         y,
                 CbCallRow     *self)
{
  g_autoptr(CbDraggedCall) dragged = NULL;
  const char *server_id;
  CbCallState state;

  if (self->call == NULL || self->softphone == NULL)
    return NULL;
  state = cb_call_get_state (self->call);
  server_id = cb_call_get_server_id (self->call);
  /* Only a call the server knows, and one still there to pass on. */
  if (server_id == NULL ||
      (state != CB_CALL_STATE_RINGING && state != CB_CALL_STATE_CONNECTED && state != CB_CALL_STATE_HELD))
    return NULL;
  dragged = cb_dragged_call_new (server_id, state == CB_CALL_STATE_RINGING);
  return gdk_content_provider_new_typed (CB_TYPE_DRAGGED_CALL, dragged);
}

static void
on_drag_begin (GtkDragSource *source,
               GdkDrag       *drag,
               CbCallRow     *self)
{
  g_autoptr(GdkPaintable) icon = gtk_widget_paintable_new (GTK_WIDGET (self->avatar));

  gtk_drag_source_set_icon (source, icon, 24, 24);
}

static void
cb_call_row_init (CbCallRow *self)
{
  static const char keys[] = "123456789*0#";
  GtkEventController *key_controller;
  GtkDragSource *source;

  gtk_widget_init_template (GTK_WIDGET (self));
  cb_menu_button_hide_tooltip_when_open (GTK_MENU_BUTTON (self->keypad_button));
  cb_menu_button_hide_tooltip_when_open (GTK_MENU_BUTTON (self->transfer_button));
  /* The actions row never asks for more width than the card has. */
  {
    GtkWidget *buttons[] = { self->swap_button, self->conference_button, self->cancel_button,
                             self->call_again_button };

    for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
      gtk_label_set_ellipsize (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (buttons[i]))),
                               PANGO_ELLIPSIZE_END);
  }
  key_controller = gtk_event_controller_key_new ();
  g_signal_connect_object (key_controller, "key-pressed", G_CALLBACK (on_keypad_key), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->keypad_popover), key_controller);
  self->cancellable = g_cancellable_new ();

  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect_object (source, "prepare", G_CALLBACK (on_drag_prepare), self, 0);
  g_signal_connect_object (source, "drag-begin", G_CALLBACK (on_drag_begin), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (source));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 10);

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
                 CbSoftphone *softphone,
                 GListModel  *directory,
                 GListModel  *favourites)
{
  return g_object_new (CB_TYPE_CALL_ROW, "softphone", softphone, "directory", directory,
                       "favourites", favourites, "call", call, NULL);
}

CbCall *
cb_call_row_get_call (CbCallRow *self)
{
  g_return_val_if_fail (CB_IS_CALL_ROW (self), NULL);
  return self->call;
}
