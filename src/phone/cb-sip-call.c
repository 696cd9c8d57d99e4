/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-sip-call.c: one INVITE dialog: owns its nua handle and media pipeline,
 * turns negotiated SDP into media settings, and drives answer, hold and
 * hang-up. */
#define G_LOG_DOMAIN "cb-phone"

#include "cb-sip-private.h"
#include "cb-codec.h"
#include "cb-phone-enums.h"

#include <sofia-sip/soa_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag_io.h>

struct _CbSipCall {
  GObject           parent_instance;

  CbSipAgent       *agent;        /* weak: the agent outlives its calls */
  nua_handle_t     *nh;
  CbMediaPipeline  *media;
  char             *remote_uri;
  gboolean          incoming;
  CbSipCallState    state;
  guint             end_status;
  guint             auth_attempts;

  /* The last SDP the peer sent: an offer and our answer may arrive in
   * different events, and sofia only lends us its copies. */
  su_home_t        *home;
  sdp_session_t    *remote_sdp;
};

G_DEFINE_FINAL_TYPE (CbSipCall, cb_sip_call, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_REMOTE_URI,
  PROP_INCOMING,
  PROP_MEDIA,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_state (CbSipCall      *self,
           CbSipCallState  state)
{
  if (self->state == state)
    return;

  g_debug ("Call %s: state %d → %d", self->remote_uri, self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* ---- SDP → media ------------------------------------------------------ */

static const sdp_media_t *
find_audio (const sdp_session_t *sdp)
{
  for (const sdp_media_t *m = sdp ? sdp->sdp_media : NULL; m; m = m->m_next)
    if (m->m_type == sdp_media_audio && m->m_port != 0 && !m->m_rejected)
      return m;

  return NULL;
}

static const char *
connection_address (const sdp_session_t *sdp,
                    const sdp_media_t   *media)
{
  if (media->m_connections && media->m_connections->c_address)
    return media->m_connections->c_address;
  if (sdp->sdp_connection && sdp->sdp_connection->c_address)
    return sdp->sdp_connection->c_address;

  return NULL;
}

static guint
rtcp_port (const sdp_media_t *media)
{
  /* RFC 3605 a=rtcp:PORT, else the RTP port + 1. */
  for (const sdp_attribute_t *a = media->m_attributes; a; a = a->a_next)
    if (g_ascii_strcasecmp (a->a_name, "rtcp") == 0 && a->a_value)
      return (guint) g_ascii_strtoull (a->a_value, NULL, 10);

  return 0;
}

/* The answer decides the codec: its first format we can run, and the
 * telephone-event format at the same clock rate. */
static gboolean
apply_answer (CbSipCall            *self,
              const sdp_session_t  *remote,
              const sdp_session_t  *answer,
              GError              **error)
{
  const sdp_media_t *remote_audio = find_audio (remote);
  const sdp_media_t *answer_audio = find_audio (answer);
  const CbCodec *codec = NULL;
  guint pt = 0;
  int dtmf_pt = -1;
  const char *address;

  if (remote_audio == NULL || answer_audio == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "No audio stream in SDP");
      return FALSE;
    }

  for (const sdp_rtpmap_t *rm = answer_audio->m_rtpmaps; rm && !codec; rm = rm->rm_next)
    {
      const CbCodec *candidate = cb_codec_lookup_encoding (rm->rm_encoding, rm->rm_rate);

      if (candidate != NULL && cb_codec_is_available (candidate))
        {
          codec = candidate;
          pt = rm->rm_pt;
        }
    }
  if (codec == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "No common audio codec");
      return FALSE;
    }
  for (const sdp_rtpmap_t *rm = answer_audio->m_rtpmaps; rm; rm = rm->rm_next)
    if (g_ascii_strcasecmp (rm->rm_encoding, "telephone-event") == 0 &&
        rm->rm_rate == codec->clock_rate)
      dtmf_pt = rm->rm_pt;

  address = connection_address (remote, remote_audio);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "No connection address in SDP");
      return FALSE;
    }

  cb_media_pipeline_set_remote (self->media, address, remote_audio->m_port,
                                rtcp_port (remote_audio));

  if (cb_media_pipeline_is_running (self->media))
    {
      /* A re-INVITE that changed the codec needs a new pipeline. */
      if (g_strcmp0 (cb_media_pipeline_get_codec (self->media), codec->name) == 0)
        return TRUE;
      cb_media_pipeline_stop (self->media);
    }

  if (!cb_media_pipeline_set_codec (self->media, codec->name, pt, dtmf_pt, error))
    return FALSE;

  return cb_media_pipeline_start (self->media, error);
}

static void
apply_active_audio (CbSipCall *self,
                    int        active)
{
  CbMediaDirection direction;

  switch (active)
    {
    case SOA_ACTIVE_SENDRECV: direction = CB_MEDIA_DIRECTION_SENDRECV; break;
    case SOA_ACTIVE_SENDONLY: direction = CB_MEDIA_DIRECTION_SENDONLY; break;
    case SOA_ACTIVE_RECVONLY: direction = CB_MEDIA_DIRECTION_RECVONLY; break;
    case SOA_ACTIVE_INACTIVE: direction = CB_MEDIA_DIRECTION_INACTIVE; break;
    default: return; /* disabled or rejected: nothing negotiated yet */
    }

  cb_media_pipeline_set_direction (self->media, direction);
}

static void
handle_state (CbSipCall *self,
              tagi_t     tags[])
{
  int callstate = nua_callstate_init;
  int active = SOA_ACTIVE_DISABLED;
  int answer_recv = FALSE;
  int answer_sent = FALSE;
  const sdp_session_t *local = NULL;
  const sdp_session_t *remote = NULL;

  tl_gets (tags,
           NUTAG_CALLSTATE_REF (callstate),
           SOATAG_ACTIVE_AUDIO_REF (active),
           SOATAG_LOCAL_SDP_REF (local),
           SOATAG_REMOTE_SDP_REF (remote),
           NUTAG_ANSWER_RECV_REF (answer_recv),
           NUTAG_ANSWER_SENT_REF (answer_sent),
           TAG_END ());

  g_debug ("Call %s: %s, audio %d", self->remote_uri,
           nua_callstate_name (callstate), active);

  if (remote != NULL)
    {
      if (self->remote_sdp != NULL)
        su_free (self->home, self->remote_sdp);
      self->remote_sdp = sdp_session_dup (self->home, remote);
    }

  /* Apply media once an offer/answer exchange completes, in whichever
   * event that happens (the 200 to our INVITE, our own 200, a re-INVITE
   * either side sent). The answer decides the codec; who answered is per
   * exchange, not per call: the callee may re-INVITE to hold. */
  if (callstate != nua_callstate_terminated && callstate != nua_callstate_terminating &&
      self->remote_sdp != NULL &&
      ((answer_recv && remote != NULL) || (answer_sent && local != NULL)))
    {
      g_autoptr(GError) error = NULL;
      const sdp_session_t *answer = answer_recv ? self->remote_sdp : local;

      if (!apply_answer (self, self->remote_sdp, answer, &error))
        {
          g_warning ("Call %s: no usable media: %s", self->remote_uri, error->message);
          if (self->nh != NULL)
            nua_bye (self->nh, TAG_END ());
          return;
        }
    }
  if (cb_media_pipeline_is_running (self->media))
    apply_active_audio (self, active);

  switch (callstate)
    {
    case nua_callstate_proceeding:
      if (!self->incoming)
        set_state (self, CB_SIP_CALL_STATE_RINGING);
      break;

    case nua_callstate_ready:
      set_state (self, CB_SIP_CALL_STATE_ACTIVE);
      break;

    case nua_callstate_terminated:
      _cb_sip_call_terminate (self);
      break;

    default:
      break;
    }
}

void
_cb_sip_call_handle_event (CbSipCall   *self,
                           nua_event_t  event,
                           int          status,
                           const char  *phrase,
                           const sip_t *sip,
                           tagi_t       tags[])
{
  switch (event)
    {
    case nua_i_state:
      handle_state (self, tags);
      break;

    case nua_r_invite:
      if ((status == 401 || status == 407) && self->agent != NULL &&
          _cb_sip_agent_authenticate (self->agent, self->nh, sip, &self->auth_attempts))
        break;
      if (status >= 300)
        self->end_status = status;
      break;

    case nua_i_cancel:
      /* The caller gave up: RFC 3261 has us answer the INVITE with 487. */
      self->end_status = 487;
      break;

    default:
      break;
    }
}

/* The dialog is over: media stops and the handle goes back to sofia. */
void
_cb_sip_call_terminate (CbSipCall *self)
{
  if (self->state == CB_SIP_CALL_STATE_ENDED)
    return;

  cb_media_pipeline_stop (self->media);
  if (self->nh != NULL)
    {
      nua_handle_bind (self->nh, NULL);
      nua_handle_destroy (self->nh);
      self->nh = NULL;
    }
  set_state (self, CB_SIP_CALL_STATE_ENDED);

  if (self->agent != NULL)
    _cb_sip_agent_call_ended (self->agent, self);
}

/* ---- public API ------------------------------------------------------- */

CbSipCall *
_cb_sip_call_new (CbSipAgent      *agent,
                  nua_handle_t    *nh,
                  gboolean         incoming,
                  const char      *remote_uri,
                  CbMediaPipeline *media)
{
  CbSipCall *self = g_object_new (CB_TYPE_SIP_CALL, NULL);

  self->agent = agent;
  g_object_add_weak_pointer (G_OBJECT (agent), (gpointer *) &self->agent);
  self->nh = nh;
  self->incoming = incoming;
  self->remote_uri = g_strdup (remote_uri);
  self->media = g_object_ref (media);
  self->state = incoming ? CB_SIP_CALL_STATE_INCOMING : CB_SIP_CALL_STATE_DIALING;
  nua_handle_bind (nh, self);

  return self;
}

CbSipCallState
cb_sip_call_get_state (CbSipCall *self)
{
  g_return_val_if_fail (CB_IS_SIP_CALL (self), CB_SIP_CALL_STATE_ENDED);

  return self->state;
}

gboolean
cb_sip_call_is_incoming (CbSipCall *self)
{
  g_return_val_if_fail (CB_IS_SIP_CALL (self), FALSE);

  return self->incoming;
}

const char *
cb_sip_call_get_remote_uri (CbSipCall *self)
{
  g_return_val_if_fail (CB_IS_SIP_CALL (self), NULL);

  return self->remote_uri;
}

/* The SIP status that ended the call (e.g. 486, 487), or 0. */
guint
cb_sip_call_get_end_status (CbSipCall *self)
{
  g_return_val_if_fail (CB_IS_SIP_CALL (self), 0);

  return self->end_status;
}

/**
 * cb_sip_call_get_media:
 *
 * Returns: (transfer none): the call's media; its ports are bound from the
 *   start, it runs once the call is active.
 */
CbMediaPipeline *
cb_sip_call_get_media (CbSipCall *self)
{
  g_return_val_if_fail (CB_IS_SIP_CALL (self), NULL);

  return self->media;
}

gboolean
cb_sip_call_answer (CbSipCall  *self,
                    GError    **error)
{
  g_autofree char *sdp = NULL;

  g_return_val_if_fail (CB_IS_SIP_CALL (self), FALSE);

  if (self->state != CB_SIP_CALL_STATE_INCOMING || self->nh == NULL || self->agent == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The call is not ringing");
      return FALSE;
    }

  sdp = _cb_sip_agent_build_sdp (self->agent, self->media);
  /* Answer in the caller's order of preference: it offered what it likes. */
  nua_respond (self->nh, SIP_200_OK,
               SOATAG_USER_SDP_STR (sdp),
               SOATAG_RTP_SORT (SOA_RTP_SORT_REMOTE),
               SOATAG_RTP_SELECT (SOA_RTP_SELECT_COMMON),
               TAG_END ());

  return TRUE;
}

void
cb_sip_call_hangup (CbSipCall *self)
{
  g_return_if_fail (CB_IS_SIP_CALL (self));

  if (self->nh == NULL)
    return;

  switch (self->state)
    {
    case CB_SIP_CALL_STATE_INCOMING:
      nua_respond (self->nh, SIP_486_BUSY_HERE, TAG_END ());
      break;
    case CB_SIP_CALL_STATE_DIALING:
    case CB_SIP_CALL_STATE_RINGING:
      nua_cancel (self->nh, TAG_END ());
      break;
    case CB_SIP_CALL_STATE_ACTIVE:
      nua_bye (self->nh, TAG_END ());
      break;
    case CB_SIP_CALL_STATE_ENDED:
    default:
      break;
    }
}

/**
 * cb_sip_call_set_hold:
 *
 * Sends a re-INVITE offering a=sendonly (hold) or a=sendrecv (resume). The
 * media direction follows once the peer answers.
 */
gboolean
cb_sip_call_set_hold (CbSipCall  *self,
                      gboolean    hold,
                      GError    **error)
{
  g_autofree char *sdp = NULL;

  g_return_val_if_fail (CB_IS_SIP_CALL (self), FALSE);

  if (self->state != CB_SIP_CALL_STATE_ACTIVE || self->agent == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The call is not active");
      return FALSE;
    }

  sdp = _cb_sip_agent_build_sdp (self->agent, self->media);
  nua_invite (self->nh,
              SOATAG_USER_SDP_STR (sdp),
              SOATAG_RTP_SELECT (SOA_RTP_SELECT_COMMON),
              SOATAG_HOLD (hold ? "audio" : NULL),
              TAG_END ());

  return TRUE;
}

gboolean
cb_sip_call_send_dtmf (CbSipCall   *self,
                       const char  *digits,
                       GError     **error)
{
  g_return_val_if_fail (CB_IS_SIP_CALL (self), FALSE);

  return cb_media_pipeline_send_dtmf (self->media, digits, error);
}

/* ---- GObject ---------------------------------------------------------- */

static void
cb_sip_call_dispose (GObject *object)
{
  CbSipCall *self = CB_SIP_CALL (object);

  if (self->media != NULL)
    cb_media_pipeline_stop (self->media);
  if (self->nh != NULL)
    {
      nua_handle_bind (self->nh, NULL);
      nua_handle_destroy (self->nh);
      self->nh = NULL;
    }
  if (self->agent != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->agent), (gpointer *) &self->agent);
      self->agent = NULL;
    }
  g_clear_object (&self->media);

  G_OBJECT_CLASS (cb_sip_call_parent_class)->dispose (object);
}

static void
cb_sip_call_finalize (GObject *object)
{
  CbSipCall *self = CB_SIP_CALL (object);

  g_free (self->remote_uri);
  su_home_unref (self->home);

  G_OBJECT_CLASS (cb_sip_call_parent_class)->finalize (object);
}

static void
cb_sip_call_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CbSipCall *self = CB_SIP_CALL (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_REMOTE_URI:
      g_value_set_string (value, self->remote_uri);
      break;
    case PROP_INCOMING:
      g_value_set_boolean (value, self->incoming);
      break;
    case PROP_MEDIA:
      g_value_set_object (value, self->media);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_sip_call_class_init (CbSipCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_sip_call_dispose;
  object_class->finalize = cb_sip_call_finalize;
  object_class->get_property = cb_sip_call_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       CB_TYPE_SIP_CALL_STATE, CB_SIP_CALL_STATE_DIALING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REMOTE_URI] =
    g_param_spec_string ("remote-uri", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_INCOMING] =
    g_param_spec_boolean ("incoming", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MEDIA] =
    g_param_spec_object ("media", NULL, NULL, CB_TYPE_MEDIA_PIPELINE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_sip_call_init (CbSipCall *self)
{
  self->home = su_home_new (sizeof (su_home_t));
}
