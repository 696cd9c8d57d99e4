/* cb-sip-sdp.h: the SDP the server passes between phones, through sofia-sip's parser
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Media flows end to end; the server only relays each phone's SDP to the
 * other, under an origin (o=) of its own per dialog, sometimes with
 * another direction (hold) or, for a pickup, as an inactive answer. The
 * B2BUA, the queue and pickup all edit SDP here and nowhere else.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The direction of every stream in an SDP we send (RFC 3264 §6.1). */
typedef enum {
  CB_SIP_SDP_KEEP,       /* as the phone sent it */
  CB_SIP_SDP_SENDRECV,
  CB_SIP_SDP_SENDONLY,
  CB_SIP_SDP_INACTIVE,
} CbSipSdpDirection;

/* Our origin towards one phone: one session whose version grows
 * whenever its content changes (RFC 3264 §8), even when the server
 * re-INVITEs for hold or the other party changes. */
typedef struct {
  guint32  session;
  guint    version;
  char    *sent;      /* the last SDP sent, its o= left out */
} CbSipOrigin;

/* A new session id, version 0: the first SDP sent is version 1. */
void     cb_sip_origin_init         (CbSipOrigin *origin);
/* The same session and version as `from`, nothing sent yet under it. */
void     cb_sip_origin_copy         (CbSipOrigin       *origin,
                                     const CbSipOrigin *from);
void     cb_sip_origin_clear        (CbSipOrigin *origin);
/* What to send to the phone: sdp with our o= ("callboardd", session,
 * version, address) instead of its own, the version raised when the rest
 * changed, and every stream in `direction`. NULL for a NULL sdp; an SDP
 * sofia cannot read is passed on as it came. */
char    *cb_sip_origin_apply        (CbSipOrigin       *origin,
                                     const char        *address,
                                     const char        *sdp,
                                     CbSipSdpDirection  direction);

/* Whether the SDP puts the call on hold: no active audio stream (or,
 * without audio, no active stream at all) sends both ways (RFC 3264
 * §8.4). A video stream on hold (a camera off) holds nothing. */
gboolean cb_sip_sdp_holds           (const char *sdp);

/* An answer to `offer` that takes nothing and sends nothing: every
 * stream inactive with all the offer's formats (RFC 3264 §6), at
 * `address` on the discard port, so that no RTCP goes back to the
 * offerer itself. Streams the offer disabled stay disabled. NULL when the
 * offer cannot be read. */
char    *cb_sip_sdp_inactive_answer (const char *offer,
                                     const char *address);

G_END_DECLS
