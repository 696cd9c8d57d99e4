/* cb-sip-headers.h: header values through sofia-sip: From and To with display names, a dialog's remote party
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-sip-types.h"

G_BEGIN_DECLS

/* A display name as an RFC 3261 §25 quoted-string: `"` and `\` escaped
 * with a backslash, control characters (which cannot be) left out. */
char       *cb_sip_quote        (const char *text);

/* sip:user@host:port (an IPv6 host gets its brackets); NULL without a
 * host. */
char       *cb_sip_uri_at       (const char *user,
                                 const char *host,
                                 guint       port);
/* A From or To value for `uri`: `"display" <uri>`, the display name
 * quoted (NULL or "": none). NULL when uri is not a SIP URI. */
char       *cb_sip_name_addr    (const char *display,
                                 const char *uri);
/* The same for sip:user@host:port (an IPv6 host gets its brackets). */
char       *cb_sip_name_addr_at (const char *display,
                                 const char *user,
                                 const char *host,
                                 guint       port);

/* The remote party of a dialog as a To header with its tag ("…;tag=…"):
 * the From of a request it sent us, or the To of a tagged answer of it;
 * NULL without a tag. Our re-INVITEs carry it, so that one that reaches
 * the device after its dialog ended (a crossing BYE) gets 481 instead of
 * ringing it as a new call. */
char       *cb_sip_remote_party (const sip_t *sip,
                                 gboolean     request);
/* The reason phrase to answer with a status relayed from the other leg:
 * the standard one, or none for a status without one. nua_respond()
 * keeps the phrase pointer until the stack sends the answer, after the
 * event that carried the far end's phrase has been freed, so theirs is
 * not passed on. */
const char *cb_sip_relayed_phrase (int status);

/* A URI as text. */
char       *cb_sip_url_dup      (const url_t *url);
/* The Contact URI of a message as text, NULL without one. */
char       *cb_sip_contact_uri  (const sip_t *sip);
/* The message body (an SDP), NULL without one. */
char       *cb_sip_payload_dup  (const sip_t *sip);
/* The Call-ID of a message, NULL without one (borrowed). */
const char *cb_sip_call_id      (const sip_t *sip);

/* What an INVITE we received says of its dialog: the offer, the phone's
 * Contact and the caller's From with its tag; `dialog` borrows the
 * copies kept here. */
typedef struct {
  CbSipDialog  dialog;
  char        *sdp;
  char        *contact;
  char        *remote;
} CbSipInviteDialog;

CbSipInviteDialog *cb_sip_invite_dialog_new  (nua_handle_t      *nh,
                                              const sip_t       *sip);
void               cb_sip_invite_dialog_free (CbSipInviteDialog *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbSipInviteDialog, cb_sip_invite_dialog_free)

G_END_DECLS
