/* cb-sip-types.h: what every file of the SIP side shares: sofia's nua with our handle magic
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Include this before any other sofia-sip header: nua.h takes the magic
 * types from the two macros below.
 */

#pragma once

/* Handle magic: what a nua handle belongs to, told apart by `kind`. */
typedef struct _CbSipMagic CbSipMagic;
#define NUA_HMAGIC_T CbSipMagic
#define NUA_MAGIC_T  struct _CbSipRegistrar

#include <sofia-sip/nua.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_glib.h>

#include "cb-sip-registrar.h"

G_BEGIN_DECLS

typedef enum {
  CB_SIP_MAGIC_CALL,
  CB_SIP_MAGIC_LEG,        /* a B2BUA call's dialog with one device */
  CB_SIP_MAGIC_QUEUE,      /* a waiting caller or an agent's ring (cb-sip-queue.c) */
} CbSipMagicKind;

struct _CbSipMagic {
  CbSipMagicKind kind;
};

G_END_DECLS
