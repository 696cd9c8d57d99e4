/* cb-sip-srtp-policy.c: where SRTP keys may go, and who requires encrypted calls
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Media flows end to end, so SRTP (SDES, RFC 4568) is the phones' own:
 * their SDP carries the keys (a=crypto), and the B2BUA passes those lines
 * and RTP/SAVP through unchanged between two devices on TLS. The rules:
 *
 *  - Keys never go to a device in clear: an SDP the server sends to a
 *    device whose dialog is not on TLS, or that comes from one, loses its
 *    a=crypto lines. A "best effort" offer (RTP/AVP with a=crypto, what
 *    our phones send over TLS) then reads as plain RTP and is answered
 *    plain: such calls work, unencrypted.
 *  - RTP/SAVP (SRTP or nothing) from a device not on TLS is refused with
 *    488 (its keys went in clear); to devices, it rings only those on TLS,
 *    and a call to a user none of whose devices is on TLS gets 488.
 *  - "Require encryption" ([sip] require-encryption for everyone, or the
 *    user's own setting): a call from or to such a user whose offer
 *    would not be encrypted (no usable key, or not on TLS) gets 488, and
 *    such a user's devices are not rung by one.
 *
 * A device is on TLS when its INVITE came over TLS (an A leg) or it
 * registered the contact rung over TLS (a fork): then whatever the server
 * sends it goes over that connection (cb-sip-tls.c).
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <string.h>

#include <sofia-sip/sdp.h>

#include "cb-srtp.h"
#include "cb-sip-registrar.h"
#include "cb-sip-srtp-policy.h"
#include "cb-sip-tls.h"

/* Cheap before parsing: most SDP has no keys at all. */
static gboolean
mentions_crypto (const char *sdp)
{
  return sdp != NULL && strstr (sdp, "a=crypto") != NULL;
}

static gboolean
mandatory (const char *sdp)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  sdp_session_t *session;
  gboolean savp = FALSE;

  if (sdp == NULL)
    return FALSE;
  session = sdp_session (sdp_parse (home, sdp, (issize_t) strlen (sdp), 0));
  for (const sdp_media_t *m = session != NULL ? session->sdp_media : NULL; m != NULL; m = m->m_next)
    if (m->m_type == sdp_media_audio && m->m_port != 0 && !m->m_rejected)
      {
        savp = cb_srtp_media_mode (m, NULL, NULL) == CB_SRTP_MODE_MANDATORY;
        break;
      }
  su_home_deinit (home);
  return savp;
}

/* Whose SDP goes to leg: the other side of its call. */
static gboolean
peer_secure (CbB2buaLeg *leg)
{
  CbB2buaCall *call = leg->call;
  CbB2buaLeg *peer;

  if (leg != call->a)
    return call->a == NULL || call->a->secure;
  peer = call->b != NULL ? call->b : call->early_media;
  if (peer != NULL)
    return peer->secure;
  /* Nobody answered yet (an announcement's answer, the server's own):
   * none of the devices rung may be without TLS. */
  for (guint i = 0; i < call->legs->len; i++)
    {
      CbB2buaLeg *other = g_ptr_array_index (call->legs, i);

      if (other != leg && other->state != CB_B2BUA_LEG_GONE && !other->secure)
        return FALSE;
    }
  return TRUE;
}

char *
cb_sip_srtp_sdp_for_leg (CbB2buaLeg *leg,
                         const char *sdp)
{
  if (!mentions_crypto (sdp) || (leg->secure && peer_secure (leg)))
    return NULL;
  g_debug ("Call %s: SRTP keys left out towards a device not on TLS", leg->call->id);
  return cb_srtp_sdp_strip (sdp);
}

static gboolean
user_requires (CbSipServer *server,
               gint64       user_id)
{
  const CbUserRecord *user = user_id > 0 ? cb_directory_get_user (cb_sip_server_get_directory (server), user_id)
                                         : NULL;

  return cb_sip_server_get_settings (server)->require_encryption ||
         (user != NULL && user->require_encryption);
}

gboolean
cb_sip_srtp_may_ring (CbB2buaCall *call,
                      const char  *contact,
                      const char  *offer)
{
  CbSipServer *server = call->b2bua->server;
  CbSipRegistrar *registrar = cb_sip_server_get_registrar (server);
  gboolean secure = cb_sip_registrar_contact_flow (registrar, contact) != NULL;
  gboolean encrypted = secure && (call->a == NULL || call->a->secure) && cb_srtp_sdp_has_crypto (offer);

  if (!secure && mandatory (offer))
    {
      g_debug ("Call %s: %s is not on TLS: not rung with RTP/SAVP", call->id, contact);
      return FALSE;
    }
  if (!encrypted && user_requires (server, cb_sip_registrar_contact_user (registrar, contact)))
    {
      g_debug ("Call %s: %s requires encryption: not rung with a plain offer", call->id, contact);
      return FALSE;
    }
  return TRUE;
}

/* Whether any of the user's devices is on TLS. */
static gboolean
reachable_over_tls (CbSipServer *server,
                    gint64       user_id)
{
  CbSipRegistrar *registrar = cb_sip_server_get_registrar (server);
  g_autoptr(GPtrArray) contacts = cb_sip_registrar_contacts_of (registrar, user_id);

  for (guint i = 0; i < contacts->len; i++)
    if (cb_sip_registrar_contact_flow (registrar, g_ptr_array_index (contacts, i)) != NULL)
      return TRUE;
  return contacts->len == 0;   /* nothing rings anyway: the usual answer */
}

gboolean
cb_sip_srtp_admit (CbSipServer        *server,
                   const CbSipInvite  *invite,
                   const CbSipTarget  *target,
                   const char        **why)
{
  g_autofree char *offer = NULL;
  gboolean secure = cb_sip_tls_request_is_tls (invite->sip);
  gboolean encrypted;
  gboolean to_user = target->kind == CB_SIP_TARGET_USER || target->kind == CB_SIP_TARGET_DEVICE;

  if (invite->sip->sip_payload != NULL && invite->sip->sip_payload->pl_len > 0)
    offer = g_strndup (invite->sip->sip_payload->pl_data, invite->sip->sip_payload->pl_len);
  encrypted = secure && cb_srtp_sdp_has_crypto (offer);

  if (!secure && mandatory (offer))
    *why = "SRTP keys offered outside TLS";
  else if (!encrypted && user_requires (server, invite->caller_id))
    *why = "The caller must encrypt calls (SRTP over TLS)";
  else if (!encrypted && to_user && user_requires (server, target->user_id))
    *why = "The callee takes encrypted calls only (SRTP over TLS)";
  else if (to_user && mandatory (offer) && !reachable_over_tls (server, target->user_id))
    *why = "None of the callee's phones is on TLS for RTP/SAVP";
  else
    return TRUE;
  g_debug ("INVITE refused with 488: %s", *why);
  return FALSE;
}

gboolean
cb_sip_srtp_call_encrypted (CbB2buaCall *call)
{
  CbB2buaLeg *a = call->a;
  CbB2buaLeg *b = call->b;

  return call->conference == NULL && a != NULL && b != NULL && a->secure && b->secure &&
         cb_srtp_sdp_has_crypto (a->sdp) && cb_srtp_sdp_has_crypto (b->sdp);
}
