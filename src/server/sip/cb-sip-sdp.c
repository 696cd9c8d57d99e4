/* cb-sip-sdp.c: the SDP the server passes between phones, through sofia-sip's parser
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every edit is sdp_parse(), a change to the parsed session, sdp_print():
 * sofia keeps what it does not know (attributes, bandwidths, keys) and
 * writes directions per stream, so a held video next to live audio is
 * read as what it is. What sofia cannot read is relayed untouched rather
 * than failing a call the phones themselves might understand.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <string.h>

#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>

#include "cb-sip-sdp.h"

/* The discard port (RFC 863): nothing listens, nothing answers. */
#define DISCARD_PORT 9

void
cb_sip_origin_init (CbSipOrigin *origin)
{
  origin->session = g_random_int_range (1, G_MAXINT32);
  origin->version = 0;
  origin->sent = NULL;
}

void
cb_sip_origin_copy (CbSipOrigin       *origin,
                    const CbSipOrigin *from)
{
  origin->session = from->session;
  origin->version = from->version;
  origin->sent = NULL;
}

void
cb_sip_origin_clear (CbSipOrigin *origin)
{
  g_clear_pointer (&origin->sent, g_free);
}

static sdp_session_t *
parse (su_home_t  *home,
       const char *sdp)
{
  sdp_parser_t *parser = sdp_parse (home, sdp, (issize_t) strlen (sdp), 0);
  sdp_session_t *session = sdp_session (parser);

  if (session == NULL)
    g_debug ("SDP not understood (%s), passed on as it came", sdp_parsing_error (parser));
  return session;
}

/* Each stream says its direction, sendrecv too: a phone never has to
 * guess what a missing one means after a hold. */
static char *
print (su_home_t     *home,
       sdp_session_t *session)
{
  sdp_printer_t *printer = sdp_print (home, session, NULL, 0, sdp_f_mode_always);
  const char *message = sdp_message (printer);

  if (message == NULL)
    g_debug ("SDP not written: %s", sdp_printing_error (printer));
  return g_strdup (message);
}

static const char * const mode_names[] = { "inactive", "sendonly", "recvonly", "sendrecv" };

/* Every stream in `mode`, none left at the session level. */
static void
set_mode (sdp_session_t *session,
          sdp_mode_t     mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (mode_names); i++)
    while (sdp_attribute_remove (&session->sdp_attributes, mode_names[i]) != NULL)
      ;
  for (sdp_media_t *m = session->sdp_media; m != NULL; m = m->m_next)
    m->m_mode = mode;
}

static sdp_mode_t
to_mode (CbSipSdpDirection direction)
{
  switch (direction)
    {
    case CB_SIP_SDP_SENDONLY:
      return sdp_sendonly;
    case CB_SIP_SDP_INACTIVE:
      return sdp_inactive;
    case CB_SIP_SDP_SENDRECV:
    case CB_SIP_SDP_KEEP:
    default:
      return sdp_sendrecv;
    }
}

char *
cb_sip_origin_apply (CbSipOrigin       *origin,
                     const char        *address,
                     const char        *sdp,
                     CbSipSdpDirection  direction)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  sdp_connection_t ours = { sizeof (ours) };
  sdp_origin_t o = { sizeof (o) };
  sdp_session_t *session;
  g_autofree char *body = NULL;
  char *result = NULL;

  if (sdp == NULL)
    return NULL;
  if ((session = parse (home, sdp)) == NULL)
    {
      su_home_deinit (home);
      return g_strdup (sdp);
    }
  if (direction != CB_SIP_SDP_KEEP)
    set_mode (session, to_mode (direction));

  session->sdp_origin = NULL;
  body = print (home, session);
  if (body != NULL && g_strcmp0 (body, origin->sent) != 0)
    {
      origin->version++;
      g_free (origin->sent);
      origin->sent = g_strdup (body);
    }

  ours.c_nettype = sdp_net_in;
  ours.c_addrtype = strchr (address, ':') != NULL ? sdp_addr_ip6 : sdp_addr_ip4;
  ours.c_address = (char *) address;
  o.o_username = (char *) "callboardd";
  o.o_id = origin->session;
  o.o_version = origin->version;
  o.o_address = &ours;
  session->sdp_origin = &o;
  if (body != NULL)
    result = print (home, session);
  su_home_deinit (home);
  return result != NULL ? result : g_strdup (sdp);
}

/* The streams that decide whether the SDP holds: active audio, or any
 * active stream when there is no audio. */
static gboolean
decides_hold (const sdp_media_t *m,
              gboolean           any_audio)
{
  return !m->m_rejected && m->m_port != 0 && (!any_audio || m->m_type == sdp_media_audio);
}

gboolean
cb_sip_sdp_holds (const char *sdp)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  sdp_session_t *session;
  gboolean any_audio = FALSE;
  gboolean any = FALSE;
  gboolean both_ways = FALSE;

  if (sdp == NULL || (session = parse (home, sdp)) == NULL)
    {
      su_home_deinit (home);
      return FALSE;
    }
  for (const sdp_media_t *m = session->sdp_media; m != NULL; m = m->m_next)
    any_audio |= decides_hold (m, TRUE);
  for (const sdp_media_t *m = session->sdp_media; m != NULL; m = m->m_next)
    if (decides_hold (m, any_audio))
      {
        any = TRUE;
        both_ways |= m->m_mode == sdp_sendrecv;
      }
  su_home_deinit (home);
  return any && !both_ways;
}

char *
cb_sip_sdp_inactive_answer (const char *offer,
                            const char *address)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  sdp_connection_t ours = { sizeof (ours) };
  sdp_session_t *session;
  char *answer;

  if (offer == NULL || (session = parse (home, offer)) == NULL)
    {
      su_home_deinit (home);
      return NULL;
    }
  ours.c_nettype = sdp_net_in;
  ours.c_addrtype = strchr (address, ':') != NULL ? sdp_addr_ip6 : sdp_addr_ip4;
  ours.c_address = (char *) address;
  session->sdp_connection = &ours;
  set_mode (session, sdp_inactive);
  for (sdp_media_t *m = session->sdp_media; m != NULL; m = m->m_next)
    {
      m->m_connections = NULL;
      if (m->m_port != 0)
        m->m_port = DISCARD_PORT;
      while (sdp_attribute_remove (&m->m_attributes, "rtcp") != NULL)
        ;
    }
  answer = print (home, session);
  su_home_deinit (home);
  return answer;
}
