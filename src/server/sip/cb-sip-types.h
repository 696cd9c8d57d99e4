/* cb-sip-types.h: what every file of the SIP side shares: sofia's nua with our handle magic, the parts' types
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
#define NUA_MAGIC_T  struct _CbSipServer

#include <sofia-sip/nua.h>
#include <sofia-sip/sip_status.h>

#include "cb-sip-sdp.h"
#include "cb-sip-server.h"

G_BEGIN_DECLS

typedef enum {
  CB_SIP_MAGIC_LEG,        /* a B2BUA call's dialog with one device (cb-sip-b2bua.c) */
  CB_SIP_MAGIC_QUEUE,      /* a waiting caller or an agent's ring (cb-sip-queue.c) */
  CB_SIP_MAGIC_SUBSCRIPTION, /* a lamp's SUBSCRIBE dialog (cb-sip-subscriptions.c) */
} CbSipMagicKind;

struct _CbSipMagic {
  CbSipMagicKind kind;
};

/* The parts of the SIP server (cb-sip-server.c owns them). */
typedef struct _CbSipRegistrar CbSipRegistrar;   /* REGISTER, bindings, digest */
typedef struct _CbSipB2bua     CbSipB2bua;       /* calls and their legs */
typedef struct _CbSipQueue     CbSipQueue;       /* queue groups */
typedef struct _CbSipTrunk     CbSipTrunk;       /* the upstream proxy */
typedef struct _CbSipSubscriptions CbSipSubscriptions; /* desk phones' lamps (SUBSCRIBE, NOTIFY) */

/* One nua event, as the server hands it to the part whose handle it
 * is. */
typedef struct {
  nua_event_t   event;
  int           status;
  const char   *phrase;
  nua_handle_t *nh;
  CbSipMagic   *magic;
  const sip_t  *sip;
  tagi_t       *tags;
} CbSipEvent;

/* An INVITE that starts a call, authenticated: caller_id is its user (0:
 * it came over the trunk), line the line it came on (from the trunk: the
 * caller's number). Whoever takes it answers nh and owns it. */
typedef struct {
  nua_handle_t *nh;
  const sip_t  *sip;
  gint64        caller_id;
  const char   *line;
  gint64        as_user_id;  /* "call as": the leader the caller may place it as (0: none) */
} CbSipInvite;

/* An SDP body, or none for NULL. */
#define CB_SIP_SDP_TAGS(sdp) \
  TAG_IF ((sdp) != NULL, SIPTAG_CONTENT_TYPE_STR ("application/sdp")), \
  TAG_IF ((sdp) != NULL, SIPTAG_PAYLOAD_STR (sdp))

/* Lets go of a handle: no event comes for it any more (NULL: nothing). */
static inline void
cb_sip_handle_release (nua_handle_t **nh)
{
  if (*nh == NULL)
    return;
  nua_handle_bind (*nh, NULL);
  nua_handle_destroy (*nh);
  *nh = NULL;
}

/* An answered dialog one part hands to another (the queue to the B2BUA,
 * the B2BUA to the queue); strings borrowed. */
typedef struct {
  nua_handle_t      *nh;
  const char        *sdp;      /* the last SDP the device sent */
  const CbSipOrigin *origin;   /* our o= towards it, continued; NULL: a new one */
  const char        *call_id;  /* the dialog's Call-ID */
  const char        *contact;  /* the device's address, if known */
  const char        *remote;   /* its To with the dialog's tag, if known */
  gboolean           secure;   /* on TLS: SRTP keys may go in its SDP (cb-sip-srtp-policy.c) */
  /* What ends it from outside after a crash (cb-sip-recovery.c), if known. */
  const char        *local;    /* our From or To with our tag */
  const char        *route;    /* its route set as a Route value */
  guint32            local_cseq; /* our highest CSeq the device answered */
} CbSipDialog;

/* A caller a queue answered, as the B2BUA takes it over: clients knew
 * the call by call_id while it waited; borrowed. */
typedef struct {
  const char          *call_id;
  const CbGroupRecord *group;
  gint64               caller_id;
  const char          *number;   /* the caller's */
  CbSipDialog          dialog;
  GArray              *rung;     /* gint64: agents it rang who did not take it, or NULL */
} CbSipQueuedCaller;

G_END_DECLS
