/* cb-sip-pidf.h: a user's presence as an RFC 3863 PIDF document (the "presence" event package, RFC 3856)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-directory.h"

G_BEGIN_DECLS

#define CB_SIP_PIDF_TYPE "application/pidf+xml"

/* The presence of user_id for a phone's lamp: basic "open" while they are
 * not offline (a DeviceOnly phone has no availability) and a phone of
 * theirs is registered, "closed" otherwise;
 * what they are doing as an RPID activity (RFC 4480: away, busy, or
 * on-the-phone while their line is busy or on hold) and a note (their
 * own, else their availability in words). entity is their address,
 * sip:NUMBER@HOST:PORT. */
char *cb_sip_pidf_document (CbDirectory *directory,
                            gint64       user_id,
                            const char  *entity);

G_END_DECLS
