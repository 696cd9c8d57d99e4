/* cb-sip-router.h: where a dialled number goes: a user, a DeviceOnly phone, a hunt group, a queue, the trunk, a feature code
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-sip-server-private.h"

G_BEGIN_DECLS

typedef enum {
  CB_SIP_TARGET_NONE,          /* nobody: 404 */
  CB_SIP_TARGET_USER,          /* a user's phones (their softphone line is the extension) */
  CB_SIP_TARGET_DEVICE,        /* a DeviceOnly member's phone, rung like a user's */
  CB_SIP_TARGET_HUNT_GROUP,    /* its members, by its ringing strategy */
  CB_SIP_TARGET_QUEUE,         /* a hunt group whose strategy is the queue */
  CB_SIP_TARGET_TRUNK,         /* beyond the upstream proxy */
  CB_SIP_TARGET_FEATURE_CODE,  /* something a phone does by dialling a star code */
} CbSipTargetKind;

/* Feature codes a phone dials (documented in doc/PROTOCOL.md). */
#define CB_SIP_CODE_GROUP_LOGIN    "*61"   /* + group number */
#define CB_SIP_CODE_GROUP_LOGOUT   "*62"   /* + group number */
#define CB_SIP_CODE_ASSIST_LOGIN   "*63"   /* + leader's extension, or none: all */
#define CB_SIP_CODE_ASSIST_LOGOUT  "*64"   /* likewise */
#define CB_SIP_CODE_FILTER_ON      "*65"   /* + leader's extension, or none: one's own */
#define CB_SIP_CODE_FILTER_OFF     "*66"   /* likewise */
#define CB_SIP_CODE_PICKUP         "*97"   /* + extension */
#define CB_SIP_CODE_GROUP_PICKUP   "*98"

typedef enum {
  CB_SIP_FEATURE_GROUP_LOGIN,
  CB_SIP_FEATURE_GROUP_LOGOUT,
  CB_SIP_FEATURE_ASSIST_LOGIN,     /* assistant groups (cb-sip-assistants.c) */
  CB_SIP_FEATURE_ASSIST_LOGOUT,
  CB_SIP_FEATURE_FILTER_ON,
  CB_SIP_FEATURE_FILTER_OFF,
  CB_SIP_FEATURE_PICKUP,
  CB_SIP_FEATURE_GROUP_PICKUP,
} CbSipFeature;

/* What a number may reach; the rest is not looked at. */
typedef enum {
  CB_SIP_ROUTE_USERS         = 1 << 0,   /* users and DeviceOnly phones */
  CB_SIP_ROUTE_GROUPS        = 1 << 1,   /* hunt groups and queues */
  CB_SIP_ROUTE_TRUNK         = 1 << 2,
  CB_SIP_ROUTE_FEATURE_CODES = 1 << 3,
  CB_SIP_ROUTE_ALL           = 0xf,
} CbSipRoutes;

typedef struct {
  CbSipTargetKind      kind;
  gint64               user_id;    /* USER, DEVICE */
  char                *number;     /* USER, DEVICE: their line; groups: theirs; TRUNK: as dialled */
  const CbGroupRecord *group;      /* HUNT_GROUP, QUEUE: the directory's */
  CbSipFeature         feature;    /* FEATURE_CODE */
  char                *argument;   /* FEATURE_CODE: what follows the code */
} CbSipTarget;

/* Where `number` goes, looked up in this order: a feature code, a group's
 * number, a user's extension, a number the trunk takes. */
void  cb_sip_route        (CbSipServer *server,
                           const char  *number,
                           CbSipRoutes  routes,
                           CbSipTarget *target);
void  cb_sip_target_clear (CbSipTarget *target);

/* Whether a user may place one more call over the trunk now. */
typedef enum {
  CB_SIP_EXTERNAL_ALLOWED,
  CB_SIP_EXTERNAL_FORBIDDEN,   /* not allowed external calls (nobody for 0) */
  CB_SIP_EXTERNAL_LIMIT,       /* [sip] max-external-calls of theirs are going on */
} CbSipExternal;

/* Calls to the trunk only for users allowed external calls ("external_calls"
 * of their record; by default users are, DeviceOnly phones not), each
 * with at most [sip] max-external-calls at once. A refusal is logged. */
CbSipExternal cb_sip_route_external (CbSipServer *server,
                                     gint64       user_id,
                                     const char  *number);

/* The number a user's calls show, whichever of their phones (`line`)
 * they use: their extension, else the line. */
char *cb_sip_user_number  (CbDirectory *directory,
                           gint64       user_id,
                           const char  *line);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CbSipTarget, cb_sip_target_clear)

G_END_DECLS
