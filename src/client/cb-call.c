/* cb-call.c: one call of the softphone, as the client shows it
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The SIP dialog is the truth about a call on this phone: the call
 * tracker hands its state in (_cb_call_set_dialog_state) and this object
 * adds what only the client knows (hold asked from here, mute, who the
 * number belongs to).
 *
 * A remote call (one on the user's desk phone, known only from `call`
 * events) has no dialog: the server's events are its truth. So is a call
 * the server placed through the softphone (consultation): its SIP leg is
 * up long before the far end answers, so its state follows the events too.
 *
 * The call carries out no control itself: its owner sets the controls
 * (the dialog's, or REST requests whose failure comes back as
 * "control-failed"). Nothing here knows the session or the server.
 */

#define G_LOG_DOMAIN "cb-client"

#include "config.h"

#include "cb-client-private.h"
#include "cb-call.h"

struct _CbCall
{
  GObject               parent_instance;

  char                 *id;
  CbSipCall            *sip_call;
  CbContact            *contact;
  char                 *remote_number;
  char                 *remote_name;
  CbCallDirection       direction;
  CbCallState           state;
  gint64                started_at;
  gint64                connected_at;
  gint64                connected_us;    /* monotonic, for the duration */
  guint                 duration;
  guint                 tick_source;
  gboolean              muted;
  gboolean              held;

  char                 *server_id;
  gboolean              remote;          /* on another device: no dialog here */
  gboolean              server_driven;   /* state follows `call` events */
  const CbCallControls *controls;        /* set by the owner; NULL: none */
  gpointer              controls_data;
  char                 *group_name;
  CbCall               *partner;         /* the other call of a consultation */
  gboolean              consultation;    /* this one is the consultation call */
  gboolean              declined;        /* hung up here while it rang here */
  CbCallFailure         failure;
  GStrv                 conference_parties; /* NULL: not in a conference */
  gboolean              picked_up;       /* we took it over from someone it rang at */
  gboolean              encrypted;       /* SRTP on every leg, as the server says */
  char                 *picked_up_from;  /* whom, when known */
  char                 *forwarded_to;    /* whom (else the number) the user sent it on to */
  gint64                for_user_id;     /* the leader an assistant's call is for; 0: none */
  char                 *for_name;
};

G_DEFINE_FINAL_TYPE (CbCall, cb_call, G_TYPE_OBJECT)


G_DEFINE_ENUM_TYPE (CbCallState, cb_call_state,
  G_DEFINE_ENUM_VALUE (CB_CALL_STATE_RINGING, "ringing"),
  G_DEFINE_ENUM_VALUE (CB_CALL_STATE_DIALING, "dialing"),
  G_DEFINE_ENUM_VALUE (CB_CALL_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (CB_CALL_STATE_HELD, "held"),
  G_DEFINE_ENUM_VALUE (CB_CALL_STATE_ENDED, "ended"))

G_DEFINE_ENUM_TYPE (CbCallFailure, cb_call_failure,
  G_DEFINE_ENUM_VALUE (CB_CALL_FAILURE_NONE, "none"),
  G_DEFINE_ENUM_VALUE (CB_CALL_FAILURE_BUSY, "busy"),
  G_DEFINE_ENUM_VALUE (CB_CALL_FAILURE_DECLINED, "declined"),
  G_DEFINE_ENUM_VALUE (CB_CALL_FAILURE_NOT_FOUND, "not-found"),
  G_DEFINE_ENUM_VALUE (CB_CALL_FAILURE_UNREACHABLE, "unreachable"),
  G_DEFINE_ENUM_VALUE (CB_CALL_FAILURE_REJECTED, "rejected"))

enum {
  PROP_0,
  PROP_ID,
  PROP_DIRECTION,
  PROP_REMOTE_NUMBER,
  PROP_REMOTE_NAME,
  PROP_CONTACT,
  PROP_STATE,
  PROP_STARTED_AT,
  PROP_CONNECTED_AT,
  PROP_DURATION,
  PROP_MUTED,
  PROP_HELD,
  PROP_SIP_CALL,
  PROP_SERVER_ID,
  PROP_GROUP_NAME,
  PROP_PARTNER,
  PROP_PICKED_UP,
  PROP_PICKED_UP_FROM,
  PROP_FORWARDED_TO,
  PROP_DECLINED,
  PROP_FAILURE,
  PROP_CONFERENCE_PARTIES,
  PROP_FOR_USER_ID,
  PROP_FOR_NAME,
  PROP_ENCRYPTED,
  N_PROPS
};

enum {
  SIGNAL_CONTROL_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
on_tick (gpointer user_data)
{
  CbCall *self = user_data;
  guint duration = (guint) ((g_get_monotonic_time () - self->connected_us) / G_USEC_PER_SEC);

  if (duration != self->duration)
    {
      self->duration = duration;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
    }
  return G_SOURCE_CONTINUE;
}

static void
set_state (CbCall      *self,
           CbCallState  state)
{
  if (self->state == state)
    return;

  g_debug ("Call %s: state %d -> %d", self->id, self->state, state);
  if ((state == CB_CALL_STATE_CONNECTED || state == CB_CALL_STATE_HELD) &&
      self->connected_at == 0)
    {
      self->connected_at = g_get_real_time () / G_USEC_PER_SEC;
      self->connected_us = g_get_monotonic_time ();
      /* Four ticks a second keep the shown seconds within a quarter
       * second of the truth without a timer per widget. */
      self->tick_source = g_timeout_add (250, on_tick, self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED_AT]);
    }
  if (state == CB_CALL_STATE_ENDED)
    g_clear_handle_id (&self->tick_source, g_source_remove);

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  /* A consultation is over when either of its calls is. */
  if (state == CB_CALL_STATE_ENDED)
    _cb_call_set_partner (self, NULL, FALSE);
}

void
_cb_call_set_dialog_state (CbCall         *self,
                           CbSipCallState  state)
{
  if (self->remote)
    return;
  /* Only the end of the leg matters when the server drives the state. */
  if (self->server_driven && state != CB_SIP_CALL_STATE_ENDED)
    return;
  switch (state)
    {
    case CB_SIP_CALL_STATE_INCOMING:
      set_state (self, CB_CALL_STATE_RINGING);
      break;
    case CB_SIP_CALL_STATE_DIALING:
    case CB_SIP_CALL_STATE_RINGING:
      set_state (self, CB_CALL_STATE_DIALING);
      break;
    case CB_SIP_CALL_STATE_ACTIVE:
      set_state (self, self->held ? CB_CALL_STATE_HELD : CB_CALL_STATE_CONNECTED);
      break;
    case CB_SIP_CALL_STATE_ENDED:
    default:
      set_state (self, CB_CALL_STATE_ENDED);
      break;
    }
}

static void
cb_call_dispose (GObject *object)
{
  CbCall *self = CB_CALL (object);

  g_clear_handle_id (&self->tick_source, g_source_remove);
  g_clear_object (&self->sip_call);
  g_clear_object (&self->contact);
  g_clear_object (&self->partner);

  G_OBJECT_CLASS (cb_call_parent_class)->dispose (object);
}

static void
cb_call_finalize (GObject *object)
{
  CbCall *self = CB_CALL (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->remote_number, g_free);
  g_clear_pointer (&self->remote_name, g_free);
  g_clear_pointer (&self->server_id, g_free);
  g_clear_pointer (&self->group_name, g_free);
  g_clear_pointer (&self->picked_up_from, g_free);
  g_clear_pointer (&self->forwarded_to, g_free);
  g_clear_pointer (&self->conference_parties, g_strfreev);
  g_clear_pointer (&self->for_name, g_free);

  G_OBJECT_CLASS (cb_call_parent_class)->finalize (object);
}

static void
cb_call_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  CbCall *self = CB_CALL (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_DIRECTION:
      g_value_set_enum (value, self->direction);
      break;
    case PROP_REMOTE_NUMBER:
      g_value_set_string (value, self->remote_number);
      break;
    case PROP_REMOTE_NAME:
      g_value_set_string (value, self->remote_name);
      break;
    case PROP_CONTACT:
      g_value_set_object (value, self->contact);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_STARTED_AT:
      g_value_set_int64 (value, self->started_at);
      break;
    case PROP_CONNECTED_AT:
      g_value_set_int64 (value, self->connected_at);
      break;
    case PROP_DURATION:
      g_value_set_uint (value, self->duration);
      break;
    case PROP_MUTED:
      g_value_set_boolean (value, self->muted);
      break;
    case PROP_HELD:
      g_value_set_boolean (value, self->held);
      break;
    case PROP_SIP_CALL:
      g_value_set_object (value, self->sip_call);
      break;
    case PROP_SERVER_ID:
      g_value_set_string (value, self->server_id);
      break;
    case PROP_GROUP_NAME:
      g_value_set_string (value, self->group_name);
      break;
    case PROP_PARTNER:
      g_value_set_object (value, self->partner);
      break;
    case PROP_PICKED_UP:
      g_value_set_boolean (value, self->picked_up);
      break;
    case PROP_ENCRYPTED:
      g_value_set_boolean (value, self->encrypted);
      break;
    case PROP_PICKED_UP_FROM:
      g_value_set_string (value, self->picked_up_from);
      break;
    case PROP_FORWARDED_TO:
      g_value_set_string (value, self->forwarded_to);
      break;
    case PROP_DECLINED:
      g_value_set_boolean (value, self->declined);
      break;
    case PROP_FAILURE:
      g_value_set_enum (value, self->failure);
      break;
    case PROP_CONFERENCE_PARTIES:
      g_value_set_boxed (value, self->conference_parties);
      break;
    case PROP_FOR_USER_ID:
      g_value_set_int64 (value, self->for_user_id);
      break;
    case PROP_FOR_NAME:
      g_value_set_string (value, self->for_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_call_class_init (CbCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = cb_call_dispose;
  object_class->finalize = cb_call_finalize;
  object_class->get_property = cb_call_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, ro);
  properties[PROP_DIRECTION] =
    g_param_spec_enum ("direction", NULL, NULL, CB_TYPE_CALL_DIRECTION, CB_CALL_DIRECTION_IN, ro);
  properties[PROP_REMOTE_NUMBER] = g_param_spec_string ("remote-number", NULL, NULL, NULL, ro);
  properties[PROP_REMOTE_NAME] = g_param_spec_string ("remote-name", NULL, NULL, NULL, ro);
  properties[PROP_CONTACT] = g_param_spec_object ("contact", NULL, NULL, CB_TYPE_CONTACT, ro);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, CB_TYPE_CALL_STATE, CB_CALL_STATE_RINGING, ro);
  properties[PROP_STARTED_AT] =
    g_param_spec_int64 ("started-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_CONNECTED_AT] =
    g_param_spec_int64 ("connected-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_DURATION] = g_param_spec_uint ("duration", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_MUTED] = g_param_spec_boolean ("muted", NULL, NULL, FALSE, ro);
  properties[PROP_HELD] = g_param_spec_boolean ("held", NULL, NULL, FALSE, ro);
  properties[PROP_SIP_CALL] = g_param_spec_object ("sip-call", NULL, NULL, CB_TYPE_SIP_CALL, ro);
  properties[PROP_SERVER_ID] = g_param_spec_string ("server-id", NULL, NULL, NULL, ro);
  properties[PROP_GROUP_NAME] = g_param_spec_string ("group-name", NULL, NULL, NULL, ro);
  properties[PROP_PARTNER] = g_param_spec_object ("partner", NULL, NULL, CB_TYPE_CALL, ro);
  properties[PROP_PICKED_UP] = g_param_spec_boolean ("picked-up", NULL, NULL, FALSE, ro);
  properties[PROP_ENCRYPTED] = g_param_spec_boolean ("encrypted", NULL, NULL, FALSE, ro);
  properties[PROP_PICKED_UP_FROM] = g_param_spec_string ("picked-up-from", NULL, NULL, NULL, ro);
  properties[PROP_FORWARDED_TO] = g_param_spec_string ("forwarded-to", NULL, NULL, NULL, ro);
  properties[PROP_DECLINED] = g_param_spec_boolean ("declined", NULL, NULL, FALSE, ro);
  properties[PROP_FAILURE] =
    g_param_spec_enum ("failure", NULL, NULL, CB_TYPE_CALL_FAILURE, CB_CALL_FAILURE_NONE, ro);
  properties[PROP_CONFERENCE_PARTIES] =
    g_param_spec_boxed ("conference-parties", NULL, NULL, G_TYPE_STRV, ro);
  properties[PROP_FOR_USER_ID] =
    g_param_spec_int64 ("for-user-id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_FOR_NAME] = g_param_spec_string ("for-name", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CONTROL_FAILED] =
    g_signal_new ("control-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
cb_call_init (CbCall *self)
{
}

CbCall *
_cb_call_new_local (const char      *id,
                    CbCallDirection  direction,
                    const char      *remote_number,
                    CbContact       *contact,
                    CbSipCall       *sip_call)
{
  CbCall *self = g_object_new (CB_TYPE_CALL, NULL);

  self->id = g_strdup (id);
  self->sip_call = sip_call != NULL ? g_object_ref (sip_call) : NULL;
  self->direction = direction;
  self->state = direction == CB_CALL_DIRECTION_IN ? CB_CALL_STATE_RINGING : CB_CALL_STATE_DIALING;
  self->started_at = g_get_real_time () / G_USEC_PER_SEC;
  self->remote_number = g_strdup (remote_number != NULL ? remote_number : "");
  _cb_call_set_contact (self, contact);

  return self;
}

void
_cb_call_set_controls (CbCall               *self,
                       const CbCallControls *controls,
                       gpointer              user_data)
{
  self->controls = controls;
  self->controls_data = user_data;
}

void
_cb_call_set_contact (CbCall    *self,
                      CbContact *contact)
{
  const char *name;

  g_set_object (&self->contact, contact);
  name = contact != NULL && *cb_contact_get_display_name (contact) != '\0'
         ? cb_contact_get_display_name (contact) : self->remote_number;
  if (g_strcmp0 (self->remote_name, name) == 0)
    return;
  g_free (self->remote_name);
  self->remote_name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTACT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_NAME]);
}

void
_cb_call_set_remote_party (CbCall     *self,
                           const char *number,
                           const char *name,
                           CbContact  *contact)
{
  const char *shown;

  g_object_freeze_notify (G_OBJECT (self));
  if (number != NULL && g_strcmp0 (self->remote_number, number) != 0)
    {
      g_free (self->remote_number);
      self->remote_number = g_strdup (number);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_NUMBER]);
    }
  if (g_set_object (&self->contact, contact))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTACT]);
  if (contact != NULL && *cb_contact_get_display_name (contact) != '\0')
    shown = cb_contact_get_display_name (contact);
  else if (name != NULL && *name != '\0')
    shown = name;
  else
    shown = self->remote_number;
  if (g_strcmp0 (self->remote_name, shown) != 0)
    {
      g_free (self->remote_name);
      self->remote_name = g_strdup (shown);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_NAME]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
_cb_call_set_picked_up (CbCall     *self,
                        gboolean    picked_up,
                        const char *from)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->picked_up != !!picked_up)
    {
      self->picked_up = !!picked_up;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PICKED_UP]);
    }
  if (!picked_up)
    from = NULL;
  if (g_strcmp0 (self->picked_up_from, from) != 0)
    {
      g_free (self->picked_up_from);
      self->picked_up_from = g_strdup (from);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PICKED_UP_FROM]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
_cb_call_set_forwarded_to (CbCall     *self,
                           const char *to)
{
  if (g_strcmp0 (self->forwarded_to, to) == 0)
    return;
  g_free (self->forwarded_to);
  self->forwarded_to = g_strdup (to);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FORWARDED_TO]);
}

void
_cb_call_set_encrypted (CbCall   *self,
                        gboolean  encrypted)
{
  if (self->encrypted == !!encrypted)
    return;
  self->encrypted = !!encrypted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENCRYPTED]);
}

/* --- calls the server tells about --- */

CbCall *
_cb_call_new_remote (const char       *id,
                     const CbWireCall *call,
                     CbContact        *contact)
{
  CbCall *self = g_object_new (CB_TYPE_CALL, NULL);
  const CbWireParty *party = cb_wire_call_remote (call);

  self->id = g_strdup (id);
  self->remote = TRUE;
  self->server_driven = TRUE;
  self->direction = call->direction;
  self->state = self->direction == CB_CALL_DIRECTION_IN ? CB_CALL_STATE_RINGING
                                                        : CB_CALL_STATE_DIALING;
  self->started_at = call->started_at > 0 ? call->started_at
                                          : g_get_real_time () / G_USEC_PER_SEC;
  self->remote_number = g_strdup (party->number != NULL ? party->number : "");
  _cb_call_set_contact (self, contact);
  if (contact == NULL && party->name != NULL && *party->name != '\0')
    {
      g_free (self->remote_name);
      self->remote_name = g_strdup (party->name);
    }
  _cb_call_apply_server (self, call);
  return self;
}

void
_cb_call_set_server_driven (CbCall *self)
{
  self->server_driven = TRUE;
  self->direction = CB_CALL_DIRECTION_OUT;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRECTION]);
  set_state (self, CB_CALL_STATE_DIALING);
}

static void
sync_held (CbCall   *self,
           gboolean  held)
{
  if (self->held != held)
    {
      self->held = held;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HELD]);
    }
  set_state (self, held ? CB_CALL_STATE_HELD : CB_CALL_STATE_CONNECTED);
}

/* The leader an assistant takes or places the call for ("for" on the
 * wire); a name the server left blank reads as unknown. */
static void
apply_for (CbCall           *self,
           const CbWireCall *call)
{
  gint64 user_id = MAX (call->for_user_id, 0);
  const char *name = user_id > 0 && call->for_name != NULL && *call->for_name != '\0'
                     ? call->for_name : NULL;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->for_user_id != user_id)
    {
      self->for_user_id = user_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOR_USER_ID]);
    }
  if (g_strcmp0 (self->for_name, name) != 0)
    {
      g_free (self->for_name);
      self->for_name = g_strdup (name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOR_NAME]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static CbCallFailure
failure_from_end_reason (CbCallEndReason reason)
{
  switch (reason)
    {
    case CB_CALL_END_REASON_BUSY:        return CB_CALL_FAILURE_BUSY;
    case CB_CALL_END_REASON_DECLINED:    return CB_CALL_FAILURE_DECLINED;
    case CB_CALL_END_REASON_NOT_FOUND:   return CB_CALL_FAILURE_NOT_FOUND;
    case CB_CALL_END_REASON_UNREACHABLE: return CB_CALL_FAILURE_UNREACHABLE;
    case CB_CALL_END_REASON_REJECTED:    return CB_CALL_FAILURE_REJECTED;
    default:                             return CB_CALL_FAILURE_NONE;
    }
}

/* Who else is in the conference this call is part of: names, else
 * numbers, in the order they joined; the user themself left out. */
static void
apply_conference (CbCall           *self,
                  const CbWireCall *call)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parties = NULL;

  if (call->conference != NULL)
    for (guint i = 0; i < call->conference->n_parties; i++)
      {
        const CbWireParty *party = &call->conference->parties[i];

        if (party->user_id > 0 && party->user_id == call->user_id)
          continue;
        if (party->name != NULL && *party->name != '\0')
          g_strv_builder_add (builder, party->name);
        else if (party->number != NULL && *party->number != '\0')
          g_strv_builder_add (builder, party->number);
      }
  parties = g_strv_builder_end (builder);
  if (call->conference == NULL)
    g_clear_pointer (&parties, g_strfreev);
  if ((self->conference_parties == NULL) == (parties == NULL) &&
      (parties == NULL || g_strv_equal ((const char * const *) self->conference_parties,
                                        (const char * const *) parties)))
    return;
  g_strfreev (self->conference_parties);
  self->conference_parties = g_steal_pointer (&parties);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFERENCE_PARTIES]);
}

void
_cb_call_apply_server (CbCall           *self,
                       const CbWireCall *call)
{
  const char *group = call->group_name;

  if (call->call_id != NULL && g_strcmp0 (self->server_id, call->call_id) != 0)
    {
      g_free (self->server_id);
      self->server_id = g_strdup (call->call_id);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_ID]);
    }

  if (group != NULL && *group == '\0')
    group = NULL;
  if (g_strcmp0 (self->group_name, group) != 0)
    {
      g_free (self->group_name);
      self->group_name = g_strdup (group);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GROUP_NAME]);
    }

  apply_for (self, call);
  apply_conference (self, call);
  /* The server's reason is the word on why a call placed reached nobody
   * (a phone's 486 may be a decline); first, so the end shows it. */
  if (call->state == CB_WIRE_CALL_STATE_ENDED)
    _cb_call_set_failure (self, failure_from_end_reason (call->end_reason));

  if (!self->server_driven)
    {
      /* Hold can come from elsewhere (the server, for a consultation). */
      if ((call->state == CB_WIRE_CALL_STATE_CONNECTED || call->state == CB_WIRE_CALL_STATE_HELD) &&
          (self->state == CB_CALL_STATE_CONNECTED || self->state == CB_CALL_STATE_HELD))
        sync_held (self, call->state == CB_WIRE_CALL_STATE_HELD);
      return;
    }
  switch (call->state)
    {
    case CB_WIRE_CALL_STATE_RINGING:
      set_state (self, self->direction == CB_CALL_DIRECTION_IN ? CB_CALL_STATE_RINGING
                                                               : CB_CALL_STATE_DIALING);
      break;
    case CB_WIRE_CALL_STATE_CONNECTED:
    case CB_WIRE_CALL_STATE_HELD:
      sync_held (self, call->state == CB_WIRE_CALL_STATE_HELD);
      break;
    case CB_WIRE_CALL_STATE_ENDED:
    default:
      _cb_call_set_ended (self);
      break;
    }
}

gboolean
_cb_call_answer_dialog (CbCall  *self,
                        GError **error)
{
  if (self->controls == NULL || self->controls->answer == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "This call cannot be controlled from here");
      return FALSE;
    }
  return self->controls->answer (self, self->controls_data, error);
}

void
_cb_call_report_control_failed (CbCall       *self,
                                const GError *error)
{
  g_debug ("Call %s: control failed: %s", self->id, error->message);
  g_signal_emit (self, signals[SIGNAL_CONTROL_FAILED], 0, error);
}

void
_cb_call_set_ended (CbCall *self)
{
  set_state (self, CB_CALL_STATE_ENDED);
}

void
_cb_call_set_partner (CbCall   *self,
                      CbCall   *partner,
                      gboolean  consultation)
{
  g_autoptr(CbCall) old = NULL;

  if (self->partner == partner)
    return;
  old = g_steal_pointer (&self->partner);
  self->consultation = partner != NULL && consultation;
  if (partner != NULL && self->state != CB_CALL_STATE_ENDED)
    self->partner = g_object_ref (partner);
  if (old != NULL && old->partner == self)
    _cb_call_set_partner (old, NULL, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PARTNER]);
}

const char *
cb_call_get_server_id (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), NULL);
  return self->server_id;
}

gint64
cb_call_get_for_user_id (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), 0);
  return self->for_user_id;
}

const char *
cb_call_get_for_name (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), NULL);
  return self->for_name;
}

const char *
cb_call_get_group_name (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), NULL);
  return self->group_name;
}

gboolean
cb_call_get_encrypted (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), FALSE);
  return self->encrypted;
}

gboolean
cb_call_get_picked_up (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), FALSE);
  return self->picked_up;
}

const char *
cb_call_get_picked_up_from (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), NULL);
  return self->picked_up_from;
}

const char *
cb_call_get_forwarded_to (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), NULL);
  return self->forwarded_to;
}

CbCallFailure
cb_call_failure_from_sip_status (guint status)
{
  if (status < 300 || status == 487)
    return CB_CALL_FAILURE_NONE;
  switch (status)
    {
    case 486:
    case 600:
      return CB_CALL_FAILURE_BUSY;
    case 603:
      return CB_CALL_FAILURE_DECLINED;
    case 404:
    case 410:
    case 484:
    case 604:
      return CB_CALL_FAILURE_NOT_FOUND;
    case 408:
    case 480:
    case 502:
    case 503:
    case 504:
      return CB_CALL_FAILURE_UNREACHABLE;
    default:
      return CB_CALL_FAILURE_REJECTED;
    }
}

void
_cb_call_set_failure (CbCall        *self,
                      CbCallFailure  failure)
{
  /* Only a call placed that never connected can have failed. */
  if (self->direction != CB_CALL_DIRECTION_OUT || self->connected_at != 0 ||
      self->failure == failure)
    return;
  g_debug ("Call %s: not reached (%d)", self->id, failure);
  self->failure = failure;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURE]);
}

const char * const *
cb_call_get_conference_parties (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), NULL);
  return (const char * const *) self->conference_parties;
}

CbCallFailure
cb_call_get_failure (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), CB_CALL_FAILURE_NONE);
  return self->failure;
}

gboolean
cb_call_get_declined (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), FALSE);
  return self->declined;
}

gboolean
cb_call_is_remote (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), FALSE);
  return self->remote;
}

CbCall *
cb_call_get_partner (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), NULL);
  return self->partner;
}

gboolean
cb_call_is_consultation (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), FALSE);
  return self->partner != NULL && self->consultation;
}

/* FALSE with @error when the owner gave this call no such control. */
static gboolean
has_control (CbCall   *self,
             gpointer  control,
             GError  **error)
{
  if (self->controls != NULL && control != NULL)
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "This call cannot be controlled from here");
  return FALSE;
}

#define CONTROL(self, name) ((self)->controls != NULL ? (gpointer) (self)->controls->name : NULL)

const char *
cb_call_get_id (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), NULL);
  return self->id;
}

CbCallDirection
cb_call_get_direction (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), CB_CALL_DIRECTION_IN);
  return self->direction;
}

const char *
cb_call_get_remote_number (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), NULL);
  return self->remote_number;
}

const char *
cb_call_get_remote_name (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), NULL);
  return self->remote_name;
}

CbContact *
cb_call_get_contact (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), NULL);
  return self->contact;
}

CbCallState
cb_call_get_state (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), CB_CALL_STATE_ENDED);
  return self->state;
}

gint64
cb_call_get_started_at (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), 0);
  return self->started_at;
}

gint64
cb_call_get_connected_at (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), 0);
  return self->connected_at;
}

guint
cb_call_get_duration (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), 0);
  return self->duration;
}

gboolean
cb_call_get_muted (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), FALSE);
  return self->muted;
}

gboolean
cb_call_get_held (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), FALSE);
  return self->held;
}

CbSipCall *
cb_call_get_sip_call (CbCall *self)
{
  g_return_val_if_fail (CB_IS_CALL (self), NULL);
  return self->sip_call;
}

gboolean
cb_call_answer (CbCall  *self,
                GError **error)
{
  g_return_val_if_fail (CB_IS_CALL (self), FALSE);

  if (self->state != CB_CALL_STATE_RINGING)
    return TRUE;
  if (!has_control (self, CONTROL (self, answer), error))
    return FALSE;
  return self->controls->answer (self, self->controls_data, error);
}

void
cb_call_hangup (CbCall *self)
{
  g_return_if_fail (CB_IS_CALL (self));

  if (self->state == CB_CALL_STATE_ENDED || !has_control (self, CONTROL (self, hangup), NULL))
    return;
  if (self->state == CB_CALL_STATE_RINGING && self->direction == CB_CALL_DIRECTION_IN)
    {
      self->declined = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DECLINED]);
    }
  /* Declining a ringing call is a hang-up too: the phone library answers
   * it with a final response. */
  self->controls->hangup (self, self->controls_data);
}

gboolean
cb_call_set_held (CbCall    *self,
                  gboolean   held,
                  GError   **error)
{
  g_return_val_if_fail (CB_IS_CALL (self), FALSE);

  held = !!held;
  if (self->held == held ||
      (self->state != CB_CALL_STATE_CONNECTED && self->state != CB_CALL_STATE_HELD))
    return TRUE;
  if (!has_control (self, CONTROL (self, set_held), error) ||
      !self->controls->set_held (self, held, self->controls_data, error))
    return FALSE;
  /* The desk phone's hold shows when the server's event says so. */
  if (self->remote)
    return TRUE;

  self->held = held;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HELD]);
  set_state (self, held ? CB_CALL_STATE_HELD : CB_CALL_STATE_CONNECTED);
  return TRUE;
}

void
cb_call_set_muted (CbCall   *self,
                   gboolean  muted)
{
  g_return_if_fail (CB_IS_CALL (self));

  muted = !!muted;
  /* A desk phone mutes with its own key. */
  if (self->muted == muted || self->remote || !has_control (self, CONTROL (self, set_muted), NULL))
    return;

  self->controls->set_muted (self, muted, self->controls_data);
  self->muted = muted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
}

gboolean
cb_call_send_dtmf (CbCall      *self,
                   const char  *digits,
                   GError     **error)
{
  g_return_val_if_fail (CB_IS_CALL (self), FALSE);
  g_return_val_if_fail (digits != NULL, FALSE);

  if (self->state != CB_CALL_STATE_CONNECTED)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           "Keypad tones need a connected call");
      return FALSE;
    }
  if (!has_control (self, CONTROL (self, send_dtmf), error))
    return FALSE;
  return self->controls->send_dtmf (self, digits, self->controls_data, error);
}

char *
cb_call_number_from_uri (const char *uri)
{
  const char *start;
  const char *end;

  if (uri == NULL)
    return g_strdup ("");

  /* A From header's URL may come as "Name <sip:...>". */
  start = strchr (uri, '<');
  start = start != NULL ? start + 1 : uri;
  if (g_str_has_prefix (start, "sips:"))
    start += 5;
  else if (g_str_has_prefix (start, "sip:"))
    start += 4;
  else
    return g_strdup (uri);

  end = start + strcspn (start, "@;>?");
  return g_strndup (start, end - start);
}
