/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-sip-call.c: one INVITE dialog: owns its nua handle and media pipeline,
 * turns negotiated SDP into media settings, and drives answer, hold and
 * hang-up. */
#define G_LOG_DOMAIN "cb-phone"

#include <string.h>

#include "cb-sip-private.h"
#include "cb-codec.h"
#include "cb-phone-enums.h"

#include <sodium.h>
#include <sofia-sip/soa_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag_io.h>

struct _CbSipCall {
  GObject           parent_instance;

  CbSipAgent       *agent;        /* weak: the agent outlives its calls */
  nua_handle_t     *nh;
  CbMediaPipeline  *media;
  char             *remote_uri;
  char             *call_id;      /* the dialog's Call-ID, once known */
  char             *request_uri;  /* an incoming call's INVITE Request-URI */
  gboolean          incoming;
  gboolean          held;         /* we put it on hold (set_hold) */
  gboolean          hold_muted;   /* and muted it for that (auto-hold) */
  gboolean          answering;    /* our 200 is sent */
  gboolean          cancelling;   /* our CANCEL is sent: an answer is ended */
  int               answer_after; /* the agent answers by itself after this (s), or -1 */
  CbSipCallState    state;
  guint             end_status;
  guint             auth_attempts;

  /* SRTP: what our SDP says, and the peer's key the media runs with. */
  CbSipCallSrtp     srtp;
  gboolean          encrypted;
  CbSrtpCrypto      remote_key;

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
  PROP_CALL_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_DTMF_RECEIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
  CbSrtpCrypto remote_key = { 0 };
  gboolean encrypted;

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

  /* SRTP when our SDP had our key and the peer's has one under our tag
   * (its answer to our offer, or the offer's line we answered). */
  encrypted = self->srtp.crypto &&
              cb_srtp_media_answer (remote_audio, self->srtp.local.tag, &remote_key);
  if (!encrypted && (self->srtp.savp || self->srtp.required))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "The peer did not agree on SRTP, and this call must be encrypted");
      return FALSE;
    }

  cb_media_pipeline_set_remote (self->media, address, remote_audio->m_port,
                                rtcp_port (remote_audio));

  if (cb_media_pipeline_is_running (self->media))
    {
      /* A re-INVITE that changed the codec or the keys needs a new pipeline. */
      if (g_strcmp0 (cb_media_pipeline_get_codec (self->media), codec->name) == 0 &&
          encrypted == self->encrypted &&
          (!encrypted || sodium_memcmp (remote_key.key, self->remote_key.key, CB_SRTP_KEY_LENGTH) == 0))
        return TRUE;
      cb_media_pipeline_stop (self->media);
    }

  self->encrypted = encrypted;
  self->remote_key = encrypted ? remote_key : (CbSrtpCrypto) { 0 };
  sodium_memzero (&remote_key, sizeof remote_key);
  if (!cb_media_pipeline_set_codec (self->media, codec->name, pt, dtmf_pt, error) ||
      !cb_media_pipeline_set_srtp (self->media, encrypted ? &self->srtp.local : NULL,
                                   encrypted ? &self->remote_key : NULL, error))
    return FALSE;
  if (encrypted)
    g_debug ("Call %s: media encrypted (SRTP %s)", self->remote_uri, CB_SRTP_SUITE);

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

  /* The callee answered while our CANCEL was on its way (their 200
   * crossed it, RFC 3261 9.1): sofia has ACKed the answer; the user hung
   * up, so the call ends with a BYE instead of starting. */
  if (self->cancelling && !self->incoming && callstate == nua_callstate_ready)
    {
      g_debug ("Call %s: answered after our CANCEL; sending BYE", self->remote_uri);
      if (self->nh != NULL)
        nua_bye (self->nh, TAG_END ());
      return;
    }

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

/* DTMF in SIP INFO: application/dtmf-relay ("Signal=5\r\nDuration=160")
 * as PBXes and desk phones send it, or application/dtmf (just the digit). */
static void
handle_info (CbSipCall   *self,
             const sip_t *sip)
{
  g_autofree char *body = NULL;
  const char *type;
  char digit[2] = { 0, 0 };

  if (sip == NULL || sip->sip_content_type == NULL || sip->sip_payload == NULL ||
      sip->sip_content_type->c_type == NULL)
    return;
  type = sip->sip_content_type->c_type;
  body = g_strndup (sip->sip_payload->pl_data, sip->sip_payload->pl_len);

  if (g_ascii_strcasecmp (type, "application/dtmf-relay") == 0)
    {
      g_auto(GStrv) lines = g_strsplit (body, "\n", -1);

      for (guint i = 0; lines[i] != NULL && digit[0] == '\0'; i++)
        {
          char *line = g_strstrip (lines[i]);

          if (g_ascii_strncasecmp (line, "Signal", 6) != 0)
            continue;
          line = g_strstrip (line + 6);
          if (line[0] == '=')
            digit[0] = g_strstrip (line + 1)[0];
        }
    }
  else if (g_ascii_strcasecmp (type, "application/dtmf") == 0)
    digit[0] = g_strstrip (body)[0];

  digit[0] = g_ascii_toupper (digit[0]);
  if (digit[0] == '\0' || strchr ("0123456789*#ABCD", digit[0]) == NULL)
    {
      g_debug ("Call %s: INFO without a DTMF digit", self->remote_uri);
      return;
    }
  g_debug ("Call %s: DTMF %s in INFO", self->remote_uri, digit);
  g_signal_emit (self, signals[SIGNAL_DTMF_RECEIVED], 0, digit);
}

static void
on_media_dtmf (CbMediaPipeline *media,
               const char      *digit,
               CbSipCall       *self)
{
  g_signal_emit (self, signals[SIGNAL_DTMF_RECEIVED], 0, digit);
}

void
_cb_sip_call_handle_event (CbSipCall   *self,
                           nua_event_t  event,
                           int          status,
                           const char  *phrase,
                           const sip_t *sip,
                           tagi_t       tags[])
{
  /* The server names its call legs by our Call-ID: known from the start
   * (the INVITE we sent or got); this is only a fallback. */
  if (self->call_id == NULL && sip != NULL && sip->sip_call_id != NULL &&
      sip->sip_call_id->i_id != NULL)
    {
      self->call_id = g_strdup (sip->sip_call_id->i_id);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CALL_ID]);
    }

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

    case nua_i_info:
      /* sofia has answered 200 already. */
      handle_info (self, sip);
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

/* ---- SRTP -------------------------------------------------------------- */

/* Over TLS every offer has our key: RTP/SAVP when the call must be
 * encrypted, else RTP/AVP with a=crypto ("best effort", as baresip's
 * mediaenc srtp), which a peer or a path without SRTP answers plain, so
 * calls to phones and trunks without TLS still work. Outside TLS a key
 * would go in clear: never. */
void
_cb_sip_call_plan_offer (CbSipCallSrtp *srtp,
                         gboolean       secure,
                         gboolean       required)
{
  *srtp = (CbSipCallSrtp) { .secure = secure, .required = required };
  if (!secure)
    return;
  srtp->crypto = TRUE;
  srtp->savp = required;
  cb_srtp_crypto_generate (&srtp->local, 1);
}

gboolean
_cb_sip_call_plan_answer (CbSipCallSrtp  *srtp,
                          const char     *offer,
                          gboolean        secure,
                          gboolean        required,
                          GError        **error)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  const sdp_media_t *audio = NULL;
  CbSrtpCrypto theirs = { 0 };
  gboolean usable = FALSE;
  CbSrtpMode mode = CB_SRTP_MODE_NONE;
  gboolean ok = TRUE;

  /* No offer (the server's offerless INVITE): our answer is the offer. */
  if (offer == NULL)
    {
      _cb_sip_call_plan_offer (srtp, secure, required);
      return TRUE;
    }

  *srtp = (CbSipCallSrtp) { .secure = secure, .required = required };
  audio = find_audio (sdp_session (sdp_parse (home, offer, (issize_t) strlen (offer), 0)));
  if (audio != NULL)
    mode = cb_srtp_media_mode (audio, &theirs, &usable);
  if (mode == CB_SRTP_MODE_MANDATORY && !secure)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "SRTP offered outside TLS: its keys went in clear");
      ok = FALSE;
    }
  else if (mode == CB_SRTP_MODE_MANDATORY && !usable)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "None of the offered SRTP suites is %s", CB_SRTP_SUITE);
      ok = FALSE;
    }
  else if (mode != CB_SRTP_MODE_NONE && secure && usable)
    {
      srtp->crypto = TRUE;
      srtp->savp = mode == CB_SRTP_MODE_MANDATORY;
      cb_srtp_crypto_generate (&srtp->local, theirs.tag);
    }
  else if (required)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   secure ? "The offer is not encrypted, and calls here must be"
                          : "The call is not over TLS, and calls here must be encrypted");
      ok = FALSE;
    }
  sodium_memzero (&theirs, sizeof theirs);
  su_home_deinit (home);
  return ok;
}

void
_cb_sip_call_set_srtp (CbSipCall           *self,
                       const CbSipCallSrtp *srtp)
{
  self->srtp = *srtp;
}

/**
 * cb_sip_call_get_encrypted:
 *
 * Returns: whether the call's media runs as SRTP (keys agreed over TLS).
 */
gboolean
cb_sip_call_get_encrypted (CbSipCall *self)
{
  g_return_val_if_fail (CB_IS_SIP_CALL (self), FALSE);

  return self->encrypted && cb_media_pipeline_is_running (self->media);
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
  g_signal_connect_object (media, "dtmf-received", G_CALLBACK (on_media_dtmf), self, 0);

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

/**
 * cb_sip_call_get_call_id:
 *
 * Returns: (nullable): the dialog's SIP Call-ID (an outgoing call's from
 *   the start). It stays after the call ended.
 */
void
_cb_sip_call_set_call_id (CbSipCall  *self,
                          const char *call_id)
{
  g_free (self->call_id);
  self->call_id = g_strdup (call_id);
}

const char *
cb_sip_call_get_call_id (CbSipCall *self)
{
  g_return_val_if_fail (CB_IS_SIP_CALL (self), NULL);

  /* An incoming INVITE reaches the agent, not us: ask the dialog. */
  if (self->call_id == NULL && self->nh != NULL)
    {
      sip_replaces_t *replaces = nua_handle_make_replaces (self->nh, self->home, 0);

      if (replaces != NULL && replaces->rp_call_id != NULL)
        self->call_id = g_strdup (replaces->rp_call_id);
    }

  return self->call_id;
}

void
_cb_sip_call_set_answer_after (CbSipCall *self,
                               int        seconds)
{
  self->answer_after = seconds;
}

/**
 * cb_sip_call_get_answer_after:
 *
 * Returns: for an incoming call the agent answers by itself (its
 *   registrar asked with Call-Info answer-after and the agent's
 *   #CbSipAgent:answer-after is on), the delay in seconds; else -1. An
 *   application need not ring for a call answered at once (0): the user
 *   asked for it (a pickup, a call placed by the server).
 */
int
cb_sip_call_get_answer_after (CbSipCall *self)
{
  g_return_val_if_fail (CB_IS_SIP_CALL (self), -1);

  return self->answer_after;
}

void
_cb_sip_call_set_request_uri (CbSipCall  *self,
                              const char *uri)
{
  g_free (self->request_uri);
  self->request_uri = g_strdup (uri);
}

/**
 * cb_sip_call_get_request_uri:
 *
 * Returns: (nullable): for an incoming call, the Request-URI of its
 *   INVITE: whom the caller asked for (a trunk's dialled number).
 */
const char *
cb_sip_call_get_request_uri (CbSipCall *self)
{
  g_return_val_if_fail (CB_IS_SIP_CALL (self), NULL);

  return self->request_uri;
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
      g_set_error (error, CB_SIP_CALL_ERROR, CB_SIP_CALL_ERROR_NOT_RINGING, "The call is not ringing");
      return FALSE;
    }
  /* The agent (answer-after) and the application may both answer; the
   * call is up once the 200 is acknowledged, one 200 is enough. */
  if (self->answering)
    return TRUE;
  self->answering = TRUE;

  _cb_sip_agent_hold_others (self->agent, self);
  sdp = _cb_sip_agent_build_sdp (self->agent, self->media, &self->srtp);
  /* Answer in the caller's order of preference: it offered what it likes. */
  nua_respond (self->nh, SIP_200_OK,
               SOATAG_USER_SDP_STR (sdp),
               SOATAG_RTP_SORT (SOA_RTP_SORT_REMOTE),
               SOATAG_RTP_SELECT (SOA_RTP_SELECT_COMMON),
               TAG_END ());

  return TRUE;
}

/**
 * cb_sip_call_progress_with_media:
 *
 * Early media (RFC 3960): answers the ringing call's offer in a 183
 * Session Progress and starts the media, so the caller hears what this
 * end sends (an announcement, its own ringback) before the call is
 * answered. The call stays %CB_SIP_CALL_STATE_INCOMING;
 * cb_sip_call_answer() later sends the same answer in the 200.
 */
gboolean
cb_sip_call_progress_with_media (CbSipCall  *self,
                                 GError    **error)
{
  g_autofree char *sdp = NULL;

  g_return_val_if_fail (CB_IS_SIP_CALL (self), FALSE);

  if (self->state != CB_SIP_CALL_STATE_INCOMING || self->answering || self->nh == NULL ||
      self->agent == NULL)
    {
      g_set_error (error, CB_SIP_CALL_ERROR, CB_SIP_CALL_ERROR_NOT_RINGING, "The call is not ringing");
      return FALSE;
    }

  sdp = _cb_sip_agent_build_sdp (self->agent, self->media, &self->srtp);
  nua_respond (self->nh, SIP_183_SESSION_PROGRESS,
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
      self->cancelling = TRUE;
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
      g_set_error (error, CB_SIP_CALL_ERROR, CB_SIP_CALL_ERROR_NOT_ACTIVE, "The call is not active");
      return FALSE;
    }

  if (!hold)
    {
      _cb_sip_agent_hold_others (self->agent, self);
      if (self->hold_muted)
        cb_media_pipeline_set_mute (self->media, FALSE);
      self->hold_muted = FALSE;
    }
  self->held = hold;
  sdp = _cb_sip_agent_build_sdp (self->agent, self->media, &self->srtp);
  nua_invite (self->nh,
              SOATAG_USER_SDP_STR (sdp),
              SOATAG_RTP_SELECT (SOA_RTP_SELECT_COMMON),
              SOATAG_HOLD (hold ? "audio" : NULL),
              TAG_END ());

  return TRUE;
}

/* Held for another call (the agent's auto-hold): a=sendonly as usual,
 * and the microphone muted towards this party, who must not hear the
 * other conversation; resuming unmutes it. */
void
_cb_sip_call_auto_hold (CbSipCall *self)
{
  g_autoptr(GError) error = NULL;

  if (!cb_sip_call_set_hold (self, TRUE, &error))
    {
      g_debug ("Could not hold the call with %s: %s", self->remote_uri, error->message);
      return;
    }
  if (!cb_media_pipeline_get_mute (self->media))
    {
      cb_media_pipeline_set_mute (self->media, TRUE);
      self->hold_muted = TRUE;
    }
}

/* Whether we put the call on hold (cb_sip_call_set_hold()); a hold by
 * the peer shows in the media's direction instead. */
gboolean
cb_sip_call_get_held (CbSipCall *self)
{
  g_return_val_if_fail (CB_IS_SIP_CALL (self), FALSE);

  return self->held;
}

gboolean
cb_sip_call_send_dtmf (CbSipCall   *self,
                       const char  *digits,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (CB_IS_SIP_CALL (self), FALSE);

  if (self->state != CB_SIP_CALL_STATE_ACTIVE)
    {
      g_set_error (error, CB_SIP_CALL_ERROR, CB_SIP_CALL_ERROR_NOT_ACTIVE, "The call is not active");
      return FALSE;
    }
  if (cb_media_pipeline_send_dtmf (self->media, digits, &local_error))
    return TRUE;
  /* Running media without a DTMF source: none was agreed on. */
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    g_set_error (error, CB_SIP_CALL_ERROR, CB_SIP_CALL_ERROR_NO_KEYPAD_TONES, "%s", local_error->message);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

G_DEFINE_QUARK (cb-sip-call-error-quark, cb_sip_call_error)

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
  g_free (self->call_id);
  g_free (self->request_uri);
  sodium_memzero (&self->srtp, sizeof self->srtp);
  sodium_memzero (&self->remote_key, sizeof self->remote_key);
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
    case PROP_CALL_ID:
      g_value_set_string (value, cb_sip_call_get_call_id (self));
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
  properties[PROP_CALL_ID] =
    g_param_spec_string ("call-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CbSipCall::dtmf-received:
   * @digit: one of "0"–"9", "*", "#", "A"–"D"
   *
   * A digit from the peer, whichever way it came: an RFC 4733 event in
   * the media (relayed from the pipeline's signal) or a SIP INFO.
   */
  signals[SIGNAL_DTMF_RECEIVED] =
    g_signal_new ("dtmf-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
cb_sip_call_init (CbSipCall *self)
{
  self->home = su_home_new (sizeof (su_home_t));
  self->answer_after = -1;
}
