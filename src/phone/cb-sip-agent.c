/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-sip-agent.c: a SIP user agent: sofia-sip's nua on the default GLib
 * main context, REGISTER with digest auth, calls in and out, over UDP,
 * TCP or TLS (the server's certificate checked: cb-sip-agent-tls.c).
 *
 * Why one file of this size (about 1,400 lines): one nua stack whose
 * event callback, registration state machine (retries, the TLS check
 * before each REGISTER) and call list share the agent's private state;
 * what needs none of it (the trust directory, the certificate check,
 * SDES keys) lives in cb-sip-agent-tls.c and cb-srtp.c. */
#define G_LOG_DOMAIN "cb-phone"

#include "config.h"

#include <string.h>

#include "cb-sip-private.h"
#include "cb-codec.h"
#include "cb-phone-enums.h"
#include "cb-su-source.h"

#include <sofia-sip/su_glib.h>
#include <sofia-sip/soa_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/sip_protos.h>
#include <sofia-sip/tport_tag.h>
#include <sofia-sip/url.h>

#define SHUTDOWN_TIMEOUT_MS 5000
#define MAX_AUTH_ATTEMPTS   2
/* Re-REGISTER after a failure: 2 s, doubling, at most 5 min. */
#define RETRY_FIRST_S       2
#define RETRY_MAX_S         300

struct _CbSipAgent {
  GObject        parent_instance;

  char          *local_address;
  guint          port;
  char          *user;
  char          *contact;
  char         **codecs;
  CbSipTransport transport;
  char          *pinned_certificate;  /* PEM; NULL: the system's trust */
  char          *tls_dir;             /* sofia's trust directory (TLS) */
  gboolean       require_encryption;

  char          *audio_src;
  char          *audio_sink;

  su_home_t      home[1];
  su_root_t     *root;
  nua_t         *nua;
  gboolean       shutdown_done;

  nua_handle_t  *register_nh;
  char          *registrar;           /* as the application gave it */
  char          *registrar_host;      /* for the TLS check */
  guint16        registrar_port;
  GCancellable  *tls_check;           /* the TLS check under way */
  char          *registration_error;
  char          *password;
  guint          register_auth_attempts;
  gboolean       registered;
  gboolean       want_registered;
  guint          retry_delay_s;
  guint          retry_id;

  GPtrArray     *calls;
  gboolean       auto_hold;
  gboolean       answer_after;   /* honour Call-Info answer-after from the registrar */
  GInetAddress  *registrar_address;  /* where that may come from; NULL: nowhere */
};

static void cb_sip_agent_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CbSipAgent, cb_sip_agent, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      cb_sip_agent_initable_iface_init))

enum {
  PROP_0,
  PROP_LOCAL_ADDRESS,
  PROP_PORT,
  PROP_USER,
  PROP_CONTACT,
  PROP_AUDIO_SRC,
  PROP_AUDIO_SINK,
  PROP_REGISTERED,
  PROP_AUTO_HOLD,
  PROP_ANSWER_AFTER,
  PROP_TRANSPORT,
  PROP_PINNED_CERTIFICATE,
  PROP_REQUIRE_ENCRYPTION,
  PROP_REGISTRATION_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_INCOMING_CALL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- helpers shared with CbSipCall ------------------------------------ */

CbMediaPipeline *
_cb_sip_agent_new_media (CbSipAgent  *self,
                         GError     **error)
{
  CbMediaPipeline *media = cb_media_pipeline_new (self->local_address, 0, 0, error);

  if (media != NULL)
    g_object_set (media,
                  "audio-src", self->audio_src,
                  "audio-sink", self->audio_sink,
                  NULL);

  return media;
}

/* Our offer (or the base of our answer): every codec we allow in our
 * order, plus telephone-event at each clock rate in use. */
char *
_cb_sip_agent_build_sdp (CbSipAgent          *self,
                         CbMediaPipeline     *media,
                         const CbSipCallSrtp *srtp)
{
  g_autoptr(GString) formats = g_string_new (NULL);
  g_autoptr(GString) attributes = g_string_new (NULL);
  g_autofree char *crypto = NULL;
  gboolean with_key = srtp != NULL && srtp->crypto;
  gboolean need_dtmf_8000 = FALSE, need_dtmf_48000 = FALSE;
  const char *address = cb_media_pipeline_get_local_address (media);

  for (guint i = 0; self->codecs[i]; i++)
    {
      const CbCodec *codec = cb_codec_lookup_name (self->codecs[i]);

      if (codec == NULL || !cb_codec_is_available (codec))
        continue;

      g_string_append_printf (formats, " %u", codec->payload_type);
      if (codec->sdp_channels > 0)
        g_string_append_printf (attributes, "a=rtpmap:%u %s/%u/%u\r\n", codec->payload_type,
                                codec->encoding_name, codec->clock_rate, codec->sdp_channels);
      else
        g_string_append_printf (attributes, "a=rtpmap:%u %s/%u\r\n", codec->payload_type,
                                codec->encoding_name, codec->clock_rate);
      if (codec->fmtp)
        g_string_append_printf (attributes, "a=fmtp:%u %s\r\n", codec->payload_type, codec->fmtp);

      need_dtmf_8000 |= codec->clock_rate == 8000;
      need_dtmf_48000 |= codec->clock_rate == 48000;
    }

  if (need_dtmf_48000)
    {
      g_string_append_printf (formats, " %u", CB_CODEC_DTMF_PT_48000);
      g_string_append_printf (attributes, "a=rtpmap:%u telephone-event/48000\r\n"
                              "a=fmtp:%u 0-15\r\n",
                              CB_CODEC_DTMF_PT_48000, CB_CODEC_DTMF_PT_48000);
    }
  if (need_dtmf_8000)
    {
      g_string_append_printf (formats, " %u", CB_CODEC_DTMF_PT_8000);
      g_string_append_printf (attributes, "a=rtpmap:%u telephone-event/8000\r\n"
                              "a=fmtp:%u 0-15\r\n",
                              CB_CODEC_DTMF_PT_8000, CB_CODEC_DTMF_PT_8000);
    }

  if (g_str_equal (address, "0.0.0.0"))
    address = self->local_address;
  if (with_key)
    crypto = cb_srtp_crypto_to_string (&srtp->local);

  return g_strdup_printf ("v=0\r\n"
                          "o=- 0 0 IN IP4 %s\r\n"
                          "s=Callboard\r\n"
                          "c=IN IP4 %s\r\n"
                          "t=0 0\r\n"
                          "m=audio %u %s%s\r\n"
                          "%s"
                          "a=rtcp:%u\r\n"
                          "a=ptime:20\r\n"
                          "%s%s%s",
                          address, address,
                          cb_media_pipeline_get_local_rtp_port (media),
                          with_key && srtp->savp ? "RTP/SAVP" : "RTP/AVP", formats->str,
                          attributes->str,
                          cb_media_pipeline_get_local_rtcp_port (media),
                          with_key ? "a=crypto:" : "", with_key ? crypto : "", with_key ? "\r\n" : "");
}

/* Answers a 401/407 with our credentials, a bounded number of times so a
 * wrong password does not loop. */
gboolean
_cb_sip_agent_authenticate (CbSipAgent   *self,
                            nua_handle_t *nh,
                            const sip_t  *sip,
                            guint        *attempts)
{
  const msg_auth_t *challenge = NULL;
  const char *realm;
  g_autofree char *auth = NULL;

  if (sip != NULL)
    challenge = sip->sip_www_authenticate ? sip->sip_www_authenticate
                                          : sip->sip_proxy_authenticate;
  if (challenge == NULL || self->password == NULL || *attempts >= MAX_AUTH_ATTEMPTS)
    return FALSE;

  realm = msg_params_find (challenge->au_params, "realm=");
  if (realm == NULL)
    return FALSE;

  (*attempts)++;
  /* NUTAG_AUTH wants scheme:"realm":user:password, realm still quoted. */
  auth = g_strdup_printf ("%s:%s:%s:%s", challenge->au_scheme, realm, self->user, self->password);
  nua_authenticate (nh, NUTAG_AUTH (auth), TAG_END ());

  return TRUE;
}

void
_cb_sip_agent_call_ended (CbSipAgent *self,
                          CbSipCall  *call)
{
  /* Dropping our reference may finalize the call: the event dispatcher
   * holds its own reference while it runs. */
  g_ptr_array_remove (self->calls, call);
}

/* One call talks at a time: answering or resuming `keep` holds the other
 * calls still sending both ways. Calls the peer holds already (our media
 * is not sendrecv, e.g. a PBX's hold for a consultation) are left alone,
 * so their re-INVITEs do not cross. */
void
_cb_sip_agent_hold_others (CbSipAgent *self,
                           CbSipCall  *keep)
{
  if (!self->auto_hold)
    return;

  for (guint i = 0; i < self->calls->len; i++)
    {
      CbSipCall *call = g_ptr_array_index (self->calls, i);

      if (call == keep || cb_sip_call_get_state (call) != CB_SIP_CALL_STATE_ACTIVE ||
          cb_sip_call_get_held (call) ||
          cb_media_pipeline_get_direction (cb_sip_call_get_media (call)) != CB_MEDIA_DIRECTION_SENDRECV)
        continue;
      g_debug ("Holding the call with %s for the one with %s",
               cb_sip_call_get_remote_uri (call), cb_sip_call_get_remote_uri (keep));
      _cb_sip_call_auto_hold (call);
    }
}

/* ---- events ----------------------------------------------------------- */

static char *
url_to_string (CbSipAgent  *self,
               const url_t *url)
{
  char *text = url ? url_as_string (self->home, url) : NULL;
  char *copy = g_strdup (text ? text : "");

  su_free (self->home, text);
  return copy;
}

/* The delay a Call-Info answer-after parameter asks for (a convention of
 * PBXes and CTI servers that desk phones honour: "answer this yourself,
 * the user asked for the call"), -1 when none or not to be trusted: only
 * the registrar we registered with may make this phone answer by itself,
 * and only when the application allows it. */
static int
requested_answer_after (CbSipAgent  *self,
                        const sip_t *sip)
{
  msg_t *msg = nua_current_request (self->nua);
  su_addrinfo_t *ai = msg != NULL ? msg_addrinfo (msg) : NULL;
  g_autoptr(GSocketAddress) source = NULL;

  if (!self->answer_after || self->registrar_address == NULL || sip == NULL || ai == NULL ||
      ai->ai_addr == NULL)
    return -1;
  source = g_socket_address_new_from_native (ai->ai_addr, ai->ai_addrlen);
  if (!G_IS_INET_SOCKET_ADDRESS (source) ||
      !g_inet_address_equal (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (source)),
                             self->registrar_address))
    return -1;

  for (const sip_call_info_t *info = sip->sip_call_info; info != NULL; info = info->ci_next)
    {
      const char *value = msg_params_find (info->ci_params, "answer-after=");

      if (value != NULL)
        return (int) MIN (g_ascii_strtoull (value, NULL, 10), 3600);
    }
  return -1;
}

static void
answer_now (CbSipCall *call)
{
  g_autoptr(GError) error = NULL;

  /* The application may have answered (or declined) it already. */
  if (cb_sip_call_get_state (call) != CB_SIP_CALL_STATE_INCOMING)
    return;
  g_debug ("Answering the call from %s as the server asked", cb_sip_call_get_remote_uri (call));
  if (!cb_sip_call_answer (call, &error))
    g_debug ("Could not answer: %s", error->message);
}

static gboolean
answer_later (gpointer data)
{
  answer_now (data);
  return G_SOURCE_REMOVE;
}

static void
handle_incoming_invite (CbSipAgent   *self,
                        nua_handle_t *nh,
                        const sip_t  *sip)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CbMediaPipeline) media = NULL;
  g_autoptr(CbSipCall) call = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *offer = NULL;
  CbSipCallSrtp srtp;
  gboolean secure;
  int answer_after;

  /* The stack checks that the top Via names the transport the request
   * came over: TLS here means TLS to the server. */
  secure = sip != NULL && sip->sip_via != NULL && sip->sip_via->v_protocol != NULL &&
           g_ascii_strcasecmp (sip->sip_via->v_protocol, sip_transport_tls) == 0;
  if (sip != NULL && sip->sip_payload != NULL && sip->sip_payload->pl_len > 0)
    offer = g_strndup (sip->sip_payload->pl_data, sip->sip_payload->pl_len);
  if (!_cb_sip_call_plan_answer (&srtp, offer, secure, self->require_encryption, &error))
    {
      g_debug ("Refusing a call: %s", error->message);
      nua_respond (nh, SIP_488_NOT_ACCEPTABLE, TAG_END ());
      nua_handle_destroy (nh);
      return;
    }

  media = _cb_sip_agent_new_media (self, &error);
  if (media == NULL)
    {
      g_warning ("Rejecting a call, no media ports: %s", error->message);
      nua_respond (nh, SIP_503_SERVICE_UNAVAILABLE, TAG_END ());
      nua_handle_destroy (nh);
      return;
    }

  remote = url_to_string (self, sip && sip->sip_from ? sip->sip_from->a_url : NULL);
  call = _cb_sip_call_new (self, nh, TRUE, remote, media);
  _cb_sip_call_set_srtp (call, &srtp);
  if (sip != NULL && sip->sip_call_id != NULL)
    _cb_sip_call_set_call_id (call, sip->sip_call_id->i_id);
  if (sip != NULL && sip->sip_request != NULL)
    {
      g_autofree char *request_uri = url_to_string (self, sip->sip_request->rq_url);

      _cb_sip_call_set_request_uri (call, request_uri);
    }
  g_ptr_array_add (self->calls, g_object_ref (call));

  nua_respond (nh, SIP_180_RINGING, TAG_END ());
  g_debug ("Incoming call from %s", remote);
  answer_after = requested_answer_after (self, sip);
  _cb_sip_call_set_answer_after (call, answer_after);
  g_signal_emit (self, signals[SIGNAL_INCOMING_CALL], 0, call);
  if (answer_after == 0)
    answer_now (call);
  else if (answer_after > 0)
    g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, answer_after, answer_later,
                                g_object_ref (call), g_object_unref);
}

/* Remote answer, the desk-phone convention of PBXes and CTI servers: an
 * unsolicited NOTIFY with Event: talk answers the ringing incoming call
 * in whose dialog it came or, outside any dialog, the oldest one ringing. */
static void
handle_notify (CbSipAgent   *self,
               nua_handle_t *nh,
               CbSipCall    *call,
               const sip_t  *sip)
{
  g_autoptr(GError) error = NULL;
  gboolean in_dialog = call != NULL;

  if (sip == NULL || sip->sip_event == NULL ||
      g_ascii_strcasecmp (sip->sip_event->o_type, "talk") != 0)
    {
      nua_respond (nh, SIP_489_BAD_EVENT, NUTAG_WITH_THIS (self->nua), TAG_END ());
    }
  else
    {
      for (guint i = 0; call == NULL && i < self->calls->len; i++)
        {
          CbSipCall *candidate = g_ptr_array_index (self->calls, i);

          if (cb_sip_call_get_state (candidate) == CB_SIP_CALL_STATE_INCOMING)
            call = candidate;
        }
      if (call == NULL || cb_sip_call_get_state (call) != CB_SIP_CALL_STATE_INCOMING)
        nua_respond (nh, SIP_481_NO_CALL, NUTAG_WITH_THIS (self->nua), TAG_END ());
      else
        {
          nua_respond (nh, SIP_200_OK, NUTAG_WITH_THIS (self->nua), TAG_END ());
          g_debug ("Remote answer of the call from %s", cb_sip_call_get_remote_uri (call));
          if (!cb_sip_call_answer (call, &error))
            g_debug ("Could not answer: %s", error->message);
        }
    }
  /* A NOTIFY outside a dialog came with a handle of its own. */
  if (!in_dialog)
    nua_handle_destroy (nh);
}

static gboolean on_register_retry (gpointer user_data);

static void
set_registration_error (CbSipAgent *self,
                        const char *message)
{
  if (g_strcmp0 (self->registration_error, message) == 0)
    return;
  g_free (self->registration_error);
  self->registration_error = g_strdup (message);
  if (message != NULL)
    g_debug ("Registration failed: %s", message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTRATION_ERROR]);
}

static void
schedule_retry (CbSipAgent *self)
{
  /* sofia refreshes a working registration itself, but gives up after a
   * failure (registrar down, network gone): retry with a growing delay so
   * a restarted server is not flooded by every phone at once. */
  self->retry_delay_s = self->retry_delay_s == 0
                        ? RETRY_FIRST_S
                        : MIN (self->retry_delay_s * 2, RETRY_MAX_S);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add_seconds (self->retry_delay_s, on_register_retry, self);
}

static void
on_tls_checked (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(GError) error = NULL;
  CbSipAgent *self;

  if (!_cb_sip_tls_check_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = CB_SIP_AGENT (data);
  g_clear_object (&self->tls_check);
  if (self->register_nh == NULL || !self->want_registered)
    return;
  if (error != NULL)
    {
      /* The server is not who we trust: no REGISTER (with our
       * credentials) goes to it. */
      set_registration_error (self, error->message);
      if (self->registered)
        {
          self->registered = FALSE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTERED]);
        }
      schedule_retry (self);
      return;
    }
  nua_register (self->register_nh, TAG_END ());
}

/* A REGISTER, over TLS only once the server's certificate passed. */
static void
start_registration (CbSipAgent *self)
{
  if (self->transport != CB_SIP_TRANSPORT_TLS)
    {
      nua_register (self->register_nh, TAG_END ());
      return;
    }
  if (self->tls_check != NULL)
    return;
  self->tls_check = g_cancellable_new ();
  _cb_sip_tls_check_async (self->registrar_host, self->registrar_port, self->pinned_certificate,
                           self->tls_check, on_tls_checked, self);
}

static gboolean
on_register_retry (gpointer user_data)
{
  CbSipAgent *self = user_data;

  self->retry_id = 0;
  if (self->register_nh != NULL && self->want_registered)
    start_registration (self);

  return G_SOURCE_REMOVE;
}

/* sofia now and then hands a response's phrase copied from a message
 * it has already freed (seen on a re-INVITE's 200 over TLS): only a
 * phrase of printable UTF-8 is shown, else the standard one. */
static const char *
readable_phrase (int         status,
                 const char *phrase)
{
  const char *p;

  if (phrase == NULL || !g_utf8_validate (phrase, -1, NULL))
    goto standard;
  for (p = phrase; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isprint (g_utf8_get_char (p)))
      goto standard;
  return phrase;

standard:
  phrase = status > 0 ? sip_status_phrase (status) : NULL;
  return phrase != NULL ? phrase : "";
}

static void
handle_register (CbSipAgent  *self,
                 nua_event_t  event,
                 int          status,
                 const char  *phrase,
                 const sip_t *sip)
{
  gboolean registered;

  if ((status == 401 || status == 407) &&
      _cb_sip_agent_authenticate (self, self->register_nh, sip,
                                  &self->register_auth_attempts))
    return;
  if (status < 200)
    return;

  registered = event == nua_r_register && status < 300;
  self->register_auth_attempts = 0;
  if (registered)
    {
      self->retry_delay_s = 0;
      set_registration_error (self, NULL);
    }

  /* A wrong password (403, or a 401 we already answered) is retried
   * too: the secret may be fixed on the server meanwhile. */
  if (status >= 300 && event == nua_r_register && self->want_registered)
    {
      g_autofree char *message = g_strdup_printf ("REGISTER failed: %d %s", status,
                                                  readable_phrase (status, phrase));

      set_registration_error (self, message);
      schedule_retry (self);
    }

  if (self->registered != registered)
    {
      self->registered = registered;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTERED]);
    }
}

static void
on_nua_event (nua_event_t   event,
              int           status,
              char const   *phrase,
              nua_t        *nua,
              CbSipAgent   *self,
              nua_handle_t *nh,
              CbSipCall    *call,
              sip_t const  *sip,
              tagi_t        tags[])
{
  g_debug ("%s %d %s", nua_event_name (event), status, readable_phrase (status, phrase));

  switch (event)
    {
    case nua_r_shutdown:
      if (status >= 200)
        self->shutdown_done = TRUE;
      return;

    case nua_r_register:
    case nua_r_unregister:
      handle_register (self, event, status, phrase, sip);
      return;

    case nua_i_invite:
      if (call == NULL)
        {
          handle_incoming_invite (self, nh, sip);
          return;
        }
      break;

    case nua_i_notify:
      {
        /* Answering may end the call (no media): keep it until we return. */
        g_autoptr(CbSipCall) hold = call != NULL ? g_object_ref (call) : NULL;

        handle_notify (self, nh, call, sip);
      }
      return;

    default:
      break;
    }

  if (call != NULL)
    {
      g_autoptr(CbSipCall) hold = g_object_ref (call);

      _cb_sip_call_handle_event (call, event, status, phrase, sip, tags);
    }
  else if (event == nua_i_terminated || event == nua_i_state)
    {
      /* Leftovers of a call we already let go. */
    }
  else if (nh != NULL && nh != self->register_nh &&
           (event == nua_i_options || event == nua_i_message))
    {
      /* The stack answered; handles it created for us must be freed. */
      nua_handle_destroy (nh);
    }
}

/* ---- setup and teardown ----------------------------------------------- */

/* sofia cannot bind port 0 and tell us the result easily; ask the kernel
 * for a free UDP port instead (a short race, fine for tests and clients). */
static guint
pick_free_port (const char  *address,
                GError     **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) bind_address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Invalid local address “%s”", address);
      return 0;
    }
  socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_DATAGRAM,
                         G_SOCKET_PROTOCOL_UDP, error);
  if (socket == NULL)
    return 0;
  bind_address = g_inet_socket_address_new (inet, 0);
  if (!g_socket_bind (socket, bind_address, FALSE, error))
    return 0;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return 0;

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
cb_sip_agent_initable_init (GInitable     *initable,
                            GCancellable  *cancellable,
                            GError       **error)
{
  CbSipAgent *self = CB_SIP_AGENT (initable);
  g_autofree char *url = NULL;
  unsigned verify = TPTLS_VERIFY_NONE;

  if (self->transport == CB_SIP_TRANSPORT_TLS)
    {
      /* A phone only connects: the listening port is any free one. */
      self->tls_dir = _cb_sip_tls_make_dir (self->pinned_certificate, error);
      if (self->tls_dir == NULL)
        return FALSE;
      _cb_sip_tls_route_sofia_log ();
      /* Pinned: the chain must end in that certificate. The system's
       * trust: a known authority, for the registrar's host name too. */
      verify = self->pinned_certificate != NULL ? TPTLS_VERIFY_OUT : TPTLS_VERIFY_SUBJECTS_OUT;
    }
  else if (self->port == 0)
    {
      self->port = pick_free_port (self->local_address, error);
      if (self->port == 0)
        return FALSE;
    }

  su_init ();
  su_home_init (self->home);
  self->root = su_glib_root_create (self);
  if (self->root == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not create the sofia-sip root");
      return FALSE;
    }
  cb_su_source_attach (self->root, NULL);

  switch (self->transport)
    {
    case CB_SIP_TRANSPORT_TLS:
      url = g_strdup_printf ("sips:%s:*", self->local_address);
      self->contact = g_strdup_printf ("sips:%s@%s", self->user, self->local_address);
      break;
    case CB_SIP_TRANSPORT_TCP:
      url = g_strdup_printf ("sip:%s:%u;transport=tcp", self->local_address, self->port);
      self->contact = g_strdup_printf ("sip:%s@%s:%u;transport=tcp", self->user,
                                       self->local_address, self->port);
      break;
    case CB_SIP_TRANSPORT_UDP:
    default:
      url = g_strdup_printf ("sip:%s:%u;transport=udp", self->local_address, self->port);
      self->contact = g_strdup_printf ("sip:%s@%s:%u", self->user, self->local_address, self->port);
      break;
    }

  self->nua = nua_create (self->root, on_nua_event, self,
                          NUTAG_URL (url),
                          NUTAG_M_USERNAME (self->user),
                          /* The application answers and alerts itself. */
                          NUTAG_AUTOANSWER (0),
                          NUTAG_AUTOALERT (0),
                          SOATAG_AF (SOA_AF_IP4_ONLY),
                          TAG_IF (self->tls_dir != NULL, TPTAG_CERTIFICATE (self->tls_dir)),
                          TAG_IF (self->tls_dir != NULL, TPTAG_TLS_VERIFY_POLICY (verify)),
                          /* 0: the highest version both sides speak; the
                           * default 1 would be TLS 1.0 on this sofia. */
                          TAG_IF (self->tls_dir != NULL, TPTAG_TLS_VERSION (0)),
                          TAG_END ());
  if (self->nua == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                   "Could not start SIP on %s", url);
      return FALSE;
    }

  /* NOTIFY is ours to answer: only Event: talk (remote answer) means
   * anything to a phone without subscriptions. */
  nua_set_params (self->nua,
                  NUTAG_ALLOW ("INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, NOTIFY"),
                  NUTAG_APPL_METHOD ("NOTIFY"),
                  NUTAG_ALLOW_EVENTS ("talk"),
                  SIPTAG_USER_AGENT_STR ("Callboard/" PACKAGE_VERSION),
                  TAG_END ());
  g_debug ("SIP agent %s listening on %s", self->user, url);

  return TRUE;
}

static void
cb_sip_agent_initable_iface_init (GInitableIface *iface)
{
  iface->init = cb_sip_agent_initable_init;
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * cb_sip_agent_shutdown:
 *
 * Ends every call, un-registers, and waits (iterating the default main
 * context, at most 5 s) until sofia confirms the shutdown: nua_destroy()
 * asserts otherwise. Called by dispose; idempotent.
 */
void
cb_sip_agent_shutdown (CbSipAgent *self)
{
  gint64 deadline;
  guint ticker;

  g_return_if_fail (CB_IS_SIP_AGENT (self));

  if (self->nua == NULL)
    return;

  while (self->calls->len > 0)
    {
      g_autoptr(CbSipCall) call = g_object_ref (g_ptr_array_index (self->calls, 0));

      cb_sip_call_hangup (call);
      _cb_sip_call_terminate (call);
      g_ptr_array_remove (self->calls, call);
    }
  self->want_registered = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->register_nh != NULL)
    {
      nua_handle_destroy (self->register_nh);
      self->register_nh = NULL;
    }

  nua_shutdown (self->nua);
  deadline = g_get_monotonic_time () + SHUTDOWN_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  ticker = g_timeout_add (50, wake_up, NULL);
  while (!self->shutdown_done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (ticker);

  if (!self->shutdown_done)
    g_warning ("SIP stack did not shut down in time; leaking it");
  else
    nua_destroy (self->nua);
  self->nua = NULL;
}

/* ---- public API ------------------------------------------------------- */

/**
 * cb_sip_agent_new:
 * @local_address: the IPv4 address to listen on and to put in SDP
 * @port: the SIP UDP port, 0 for any free one
 * @user: user part of our contact and From
 */
CbSipAgent *
cb_sip_agent_new (const char  *local_address,
                  guint        port,
                  const char  *user,
                  GError     **error)
{
  return g_initable_new (CB_TYPE_SIP_AGENT, NULL, error,
                         "local-address", local_address,
                         "port", port,
                         "user", user,
                         NULL);
}

/**
 * cb_sip_agent_new_tls:
 * @local_address: the IPv4 address to connect from and to put in SDP
 * @user: user part of our contact and From
 * @pinned_pem: (nullable): the one certificate to trust (PEM); %NULL:
 *   the system's trust and the registrar's name
 *
 * An agent on SIP over TLS: register with a "sips:HOST[:PORT]" (or
 * "sip:…;transport=tls") registrar, which every request goes through; the
 * server's certificate is checked before the REGISTER goes out
 * (#CbSipAgent:registration-error says what is wrong with it). Calls offer
 * SRTP.
 */
CbSipAgent *
cb_sip_agent_new_tls (const char  *local_address,
                      const char  *user,
                      const char  *pinned_pem,
                      GError     **error)
{
  return g_initable_new (CB_TYPE_SIP_AGENT, NULL, error,
                         "local-address", local_address,
                         "user", user,
                         "transport", CB_SIP_TRANSPORT_TLS,
                         "pinned-certificate", pinned_pem,
                         NULL);
}

guint
cb_sip_agent_get_port (CbSipAgent *self)
{
  g_return_val_if_fail (CB_IS_SIP_AGENT (self), 0);

  return self->port;
}

const char *
cb_sip_agent_get_contact (CbSipAgent *self)
{
  g_return_val_if_fail (CB_IS_SIP_AGENT (self), NULL);

  return self->contact;
}

/**
 * cb_sip_agent_set_codecs:
 * @codecs: codec names in order of preference; unknown ones are skipped
 *
 * Applies to calls set up afterwards.
 */
void
cb_sip_agent_set_codecs (CbSipAgent         *self,
                         const char * const *codecs)
{
  g_return_if_fail (CB_IS_SIP_AGENT (self));
  g_return_if_fail (codecs != NULL);

  g_strfreev (self->codecs);
  self->codecs = g_strdupv ((char **) codecs);
}

/* The registrar's host when it is an address literal ("sip:HOST:PORT",
 * "sip:[::1]:PORT"): answer-after is trusted from there. A host name is
 * not resolved for it. */
static GInetAddress *
registrar_address (const char *registrar)
{
  const char *host = g_str_has_prefix (registrar, "sip:") ? registrar + 4 :
                     g_str_has_prefix (registrar, "sips:") ? registrar + 5 : registrar;
  g_autofree char *literal = NULL;

  if (strchr (host, '@') != NULL)
    host = strchr (host, '@') + 1;
  if (host[0] == '[')
    literal = g_strndup (host + 1, strcspn (host + 1, "]"));
  else
    literal = g_strndup (host, strcspn (host, ":;>"));
  return g_inet_address_new_from_string (literal);
}

/**
 * cb_sip_agent_register:
 * @registrar: the registrar's URI, e.g. "sip:pbx.example.org"
 * @password: (nullable): digest secret, used when challenged
 *
 * REGISTERs our contact; sofia refreshes it before it expires.
 */
void
cb_sip_agent_register (CbSipAgent *self,
                       const char *registrar,
                       const char *password)
{
  g_autofree char *aor = NULL;
  g_autofree char *next_hop = NULL;
  g_autoptr(GUri) uri = NULL;

  g_return_if_fail (CB_IS_SIP_AGENT (self));
  g_return_if_fail (registrar != NULL);

  g_free (self->registrar);
  self->registrar = g_strdup (registrar);
  if (self->transport != CB_SIP_TRANSPORT_UDP)
    {
      url_t *url = url_make (self->home, registrar);
      gboolean tls = self->transport == CB_SIP_TRANSPORT_TLS;

      if (url == NULL || url->url_host == NULL)
        {
          g_warning ("Not a registrar URI: %s", registrar);
          return;
        }
      g_free (self->registrar_host);
      self->registrar_host = g_strdup (url->url_host);
      self->registrar_port = url->url_port != NULL ? (guint16) g_ascii_strtoull (url->url_port, NULL, 10)
                                                   : tls ? CB_SIP_DEFAULT_TLS_PORT : 5060;
      /* Every request goes there, on our transport ("sips:" or not). */
      next_hop = g_strdup_printf ("sip:%s:%u;transport=%s", url->url_host, self->registrar_port,
                                  tls ? "tls" : "tcp");
      aor = g_strdup_printf ("sip:%s@%s", self->user, url->url_host);
      su_free (self->home, url);
      nua_set_params (self->nua, NUTAG_PROXY (next_hop), TAG_END ());
    }
  g_cancellable_cancel (self->tls_check);
  g_clear_object (&self->tls_check);

  g_free (self->password);
  self->password = g_strdup (password);
  self->register_auth_attempts = 0;
  self->want_registered = TRUE;
  self->retry_delay_s = 0;
  g_clear_handle_id (&self->retry_id, g_source_remove);

  /* The AOR is user@registrar-host; the registrar URI may carry a port. */
  uri = g_uri_parse (registrar, G_URI_FLAGS_NONE, NULL);
  g_clear_object (&self->registrar_address);
  self->registrar_address = registrar_address (registrar);
  if (aor != NULL)
    ;
  else if (uri != NULL && g_uri_get_host (uri) != NULL)
    aor = g_strdup_printf ("sip:%s@%s", self->user, g_uri_get_host (uri));
  else
    aor = g_strdup_printf ("sip:%s@%s", self->user,
                           g_str_has_prefix (registrar, "sip:") ? registrar + 4 : registrar);

  if (self->register_nh != NULL)
    nua_handle_destroy (self->register_nh);

  /* "registered" means with this registrar: a new one (a restarted server
   * on another port) has not accepted us yet. */
  if (self->registered)
    {
      self->registered = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTERED]);
    }

  /* Over TLS the server reaches us over our connection only: should it
   * go (a server restart), the next refresh opens a new one, so refresh
   * every five minutes rather than every hour. */
  self->register_nh = nua_handle (self->nua, NULL,
                                  SIPTAG_TO_STR (aor),
                                  SIPTAG_FROM_STR (aor),
                                  TAG_IF (self->transport == CB_SIP_TRANSPORT_TLS,
                                          SIPTAG_EXPIRES_STR ("300")),
                                  TAG_END ());
  /* Outbound's validation sends an OPTIONS to our own contact through the
   * registrar, which is not a proxy: it only ever fails, and loudly. */
  nua_set_hparams (self->register_nh,
                   NUTAG_REGISTRAR (next_hop != NULL ? next_hop : registrar),
                   NUTAG_M_USERNAME (self->user),
                   NUTAG_OUTBOUND ("no-validate"),
                   TAG_END ());
  start_registration (self);
}

void
cb_sip_agent_unregister (CbSipAgent *self)
{
  g_return_if_fail (CB_IS_SIP_AGENT (self));

  self->want_registered = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_cancellable_cancel (self->tls_check);
  g_clear_object (&self->tls_check);
  if (self->register_nh != NULL)
    nua_unregister (self->register_nh, TAG_END ());
}

gboolean
cb_sip_agent_get_registered (CbSipAgent *self)
{
  g_return_val_if_fail (CB_IS_SIP_AGENT (self), FALSE);

  return self->registered;
}

const char *
cb_sip_agent_get_registration_error (CbSipAgent *self)
{
  g_return_val_if_fail (CB_IS_SIP_AGENT (self), NULL);

  return self->registration_error;
}

CbSipTransport
cb_sip_agent_get_transport (CbSipAgent *self)
{
  g_return_val_if_fail (CB_IS_SIP_AGENT (self), CB_SIP_TRANSPORT_UDP);

  return self->transport;
}

void
cb_sip_agent_set_require_encryption (CbSipAgent *self,
                                     gboolean    require)
{
  g_return_if_fail (CB_IS_SIP_AGENT (self));

  require = !!require;
  if (self->require_encryption == require)
    return;
  self->require_encryption = require;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUIRE_ENCRYPTION]);
}

gboolean
cb_sip_agent_get_require_encryption (CbSipAgent *self)
{
  g_return_val_if_fail (CB_IS_SIP_AGENT (self), FALSE);

  return self->require_encryption;
}

/**
 * cb_sip_agent_dial:
 * @uri: a SIP URI, e.g. "sip:bob@127.0.0.1:5062"
 *
 * Returns: (transfer full): the new call, in state DIALING
 */
CbSipCall *
cb_sip_agent_dial (CbSipAgent  *self,
                   const char  *uri,
                   GError     **error)
{
  return cb_sip_agent_dial_with_headers (self, uri, NULL, error);
}

/**
 * cb_sip_agent_dial_with_headers:
 * @uri: a SIP URI
 * @headers: (nullable): extra header lines for the INVITE ("Name: value",
 *   several separated by CRLF), e.g. the server's X-Callboard-As
 *
 * As cb_sip_agent_dial(); the headers go with the INVITE (also when it is
 * sent again with credentials), not with later requests of the call.
 *
 * Returns: (transfer full): the new call, in state DIALING
 */
CbSipCall *
cb_sip_agent_dial_with_headers (CbSipAgent  *self,
                                const char  *uri,
                                const char  *headers,
                                GError     **error)
{
  g_autoptr(CbMediaPipeline) media = NULL;
  g_autofree char *sdp = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *call_id = NULL;
  CbSipCallSrtp srtp;
  nua_handle_t *nh;
  CbSipCall *call;

  g_return_val_if_fail (CB_IS_SIP_AGENT (self), NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  if (!g_str_has_prefix (uri, "sip:") && !g_str_has_prefix (uri, "sips:"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Not a SIP URI: %s", uri);
      return NULL;
    }

  media = _cb_sip_agent_new_media (self, error);
  if (media == NULL)
    return NULL;

  /* Our own Call-ID, so the call is known by it before the INVITE goes
   * out (the client matches the server's events to its dialogs by it). */
  uuid = g_uuid_string_random ();
  call_id = g_strdup_printf ("%s@%s", uuid, self->local_address != NULL ? self->local_address
                                                                         : "callboard");
  nh = nua_handle (self->nua, NULL, SIPTAG_TO_STR (uri), SIPTAG_CALL_ID_STR (call_id), TAG_END ());
  call = _cb_sip_call_new (self, nh, FALSE, uri, media);
  _cb_sip_call_set_call_id (call, call_id);
  /* Our requests go over TLS to the server (the next hop), so our keys
   * do; past it, the server keeps them from legs without TLS. */
  _cb_sip_call_plan_offer (&srtp, self->transport == CB_SIP_TRANSPORT_TLS, self->require_encryption);
  _cb_sip_call_set_srtp (call, &srtp);
  g_ptr_array_add (self->calls, g_object_ref (call));

  sdp = _cb_sip_agent_build_sdp (self, media, &srtp);
  nua_invite (nh,
              SOATAG_USER_SDP_STR (sdp),
              SOATAG_RTP_SORT (SOA_RTP_SORT_LOCAL),
              SOATAG_RTP_SELECT (SOA_RTP_SELECT_COMMON),
              TAG_IF (headers != NULL && *headers != '\0', SIPTAG_HEADER_STR (headers)),
              TAG_END ());

  return call;
}

/**
 * cb_sip_agent_set_auto_hold:
 *
 * With auto-hold, one call talks at a time: answering a call or resuming
 * a held one puts the other active calls on hold (re-INVITE, a=sendonly).
 * Off by default: an application that holds calls itself leaves it off.
 */
void
cb_sip_agent_set_auto_hold (CbSipAgent *self,
                            gboolean    auto_hold)
{
  g_return_if_fail (CB_IS_SIP_AGENT (self));

  auto_hold = !!auto_hold;
  if (self->auto_hold == auto_hold)
    return;
  self->auto_hold = auto_hold;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_HOLD]);
}

gboolean
cb_sip_agent_get_auto_hold (CbSipAgent *self)
{
  g_return_val_if_fail (CB_IS_SIP_AGENT (self), FALSE);

  return self->auto_hold;
}

/* ---- GObject ---------------------------------------------------------- */

static void
cb_sip_agent_dispose (GObject *object)
{
  CbSipAgent *self = CB_SIP_AGENT (object);

  g_cancellable_cancel (self->tls_check);
  g_clear_object (&self->tls_check);
  if (self->calls != NULL)
    cb_sip_agent_shutdown (self);
  g_clear_pointer (&self->calls, g_ptr_array_unref);

  G_OBJECT_CLASS (cb_sip_agent_parent_class)->dispose (object);
}

static void
cb_sip_agent_finalize (GObject *object)
{
  CbSipAgent *self = CB_SIP_AGENT (object);

  if (self->root != NULL)
    {
      su_root_destroy (self->root);
      su_home_deinit (self->home);
      su_deinit ();
    }
  g_free (self->local_address);
  g_free (self->user);
  g_free (self->contact);
  g_free (self->password);
  g_free (self->audio_src);
  g_free (self->audio_sink);
  g_strfreev (self->codecs);
  g_clear_object (&self->registrar_address);
  _cb_sip_tls_remove_dir (self->tls_dir);
  g_free (self->tls_dir);
  g_free (self->pinned_certificate);
  g_free (self->registrar);
  g_free (self->registrar_host);
  g_free (self->registration_error);

  G_OBJECT_CLASS (cb_sip_agent_parent_class)->finalize (object);
}

static void
cb_sip_agent_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CbSipAgent *self = CB_SIP_AGENT (object);

  switch (prop_id)
    {
    case PROP_LOCAL_ADDRESS:
      g_value_set_string (value, self->local_address);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_USER:
      g_value_set_string (value, self->user);
      break;
    case PROP_CONTACT:
      g_value_set_string (value, self->contact);
      break;
    case PROP_AUDIO_SRC:
      g_value_set_string (value, self->audio_src);
      break;
    case PROP_AUDIO_SINK:
      g_value_set_string (value, self->audio_sink);
      break;
    case PROP_REGISTERED:
      g_value_set_boolean (value, self->registered);
      break;
    case PROP_AUTO_HOLD:
      g_value_set_boolean (value, self->auto_hold);
      break;
    case PROP_ANSWER_AFTER:
      g_value_set_boolean (value, self->answer_after);
      break;
    case PROP_TRANSPORT:
      g_value_set_enum (value, self->transport);
      break;
    case PROP_PINNED_CERTIFICATE:
      g_value_set_string (value, self->pinned_certificate);
      break;
    case PROP_REQUIRE_ENCRYPTION:
      g_value_set_boolean (value, self->require_encryption);
      break;
    case PROP_REGISTRATION_ERROR:
      g_value_set_string (value, self->registration_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_sip_agent_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  CbSipAgent *self = CB_SIP_AGENT (object);

  switch (prop_id)
    {
    case PROP_LOCAL_ADDRESS:
      g_free (self->local_address);
      self->local_address = g_value_dup_string (value);
      if (self->local_address == NULL)
        self->local_address = g_strdup ("127.0.0.1");
      break;
    case PROP_PORT:
      self->port = g_value_get_uint (value);
      break;
    case PROP_USER:
      g_free (self->user);
      self->user = g_value_dup_string (value);
      if (self->user == NULL)
        self->user = g_strdup ("callboard");
      break;
    case PROP_AUDIO_SRC:
      g_free (self->audio_src);
      self->audio_src = g_value_dup_string (value);
      break;
    case PROP_AUDIO_SINK:
      g_free (self->audio_sink);
      self->audio_sink = g_value_dup_string (value);
      break;
    case PROP_AUTO_HOLD:
      cb_sip_agent_set_auto_hold (self, g_value_get_boolean (value));
      break;
    case PROP_ANSWER_AFTER:
      self->answer_after = g_value_get_boolean (value);
      break;
    case PROP_TRANSPORT:
      self->transport = g_value_get_enum (value);
      break;
    case PROP_PINNED_CERTIFICATE:
      g_free (self->pinned_certificate);
      self->pinned_certificate = g_value_dup_string (value);
      break;
    case PROP_REQUIRE_ENCRYPTION:
      cb_sip_agent_set_require_encryption (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_sip_agent_class_init (CbSipAgentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_sip_agent_dispose;
  object_class->finalize = cb_sip_agent_finalize;
  object_class->get_property = cb_sip_agent_get_property;
  object_class->set_property = cb_sip_agent_set_property;

  properties[PROP_LOCAL_ADDRESS] =
    g_param_spec_string ("local-address", NULL, NULL, "127.0.0.1",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER] =
    g_param_spec_string ("user", NULL, NULL, "callboard",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTACT] =
    g_param_spec_string ("contact", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Passed to every call's media; NULL means the environment or auto. */
  properties[PROP_AUDIO_SRC] =
    g_param_spec_string ("audio-src", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUDIO_SINK] =
    g_param_spec_string ("audio-sink", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REGISTERED] =
    g_param_spec_boolean ("registered", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* Several calls at once: answering or resuming one holds the others. */
  properties[PROP_AUTO_HOLD] =
    g_param_spec_boolean ("auto-hold", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* A call the registrar sends with Call-Info ";answer-after=N" (the
   * user asked for it: "call from desk phone", a pickup from the client)
   * is answered after N seconds without the application. Off by
   * default: an application that answers such calls itself leaves it off. */
  properties[PROP_ANSWER_AFTER] =
    g_param_spec_boolean ("answer-after", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /* UDP, TCP, or TLS: then every request goes through the registrar,
   * whose certificate must pass, and calls offer SRTP. */
  properties[PROP_TRANSPORT] =
    g_param_spec_enum ("transport", NULL, NULL, CB_TYPE_SIP_TRANSPORT, CB_SIP_TRANSPORT_UDP,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* TLS: the only certificate trusted (PEM); NULL: the system's trust
   * (/etc/ssl/certs/ca-certificates.crt) and the registrar's name. */
  properties[PROP_PINNED_CERTIFICATE] =
    g_param_spec_string ("pinned-certificate", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Calls without SRTP are refused (488) or ended; our offers say RTP/SAVP. */
  properties[PROP_REQUIRE_ENCRYPTION] =
    g_param_spec_boolean ("require-encryption", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Why the last registration failed, in words; NULL while it is fine. */
  properties[PROP_REGISTRATION_ERROR] =
    g_param_spec_string ("registration-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CbSipAgent::incoming-call:
   * @call: the new call, in state INCOMING (180 Ringing already sent)
   */
  signals[SIGNAL_INCOMING_CALL] =
    g_signal_new ("incoming-call", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CB_TYPE_SIP_CALL);
}

static void
cb_sip_agent_init (CbSipAgent *self)
{
  static const char * const default_codecs[] = { "opus", "pcma", "pcmu", NULL };

  self->local_address = g_strdup ("127.0.0.1");
  self->user = g_strdup ("callboard");
  self->codecs = g_strdupv ((char **) default_codecs);
  self->calls = g_ptr_array_new_with_free_func (g_object_unref);
}
