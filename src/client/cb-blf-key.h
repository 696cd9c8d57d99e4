/* cb-blf-key.h: one key of the busy lamp field, with the lamp it shows
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A key points at a colleague (or DeviceOnly phone), a hunt group or a
 * plain number. Its lamp is derived from what the store knows of the
 * target, and follows it: a colleague's line state, presence and the
 * ringing calls their `call` events name; a group's ringing count and
 * waiting callers. A number has no lamp.
 *
 * Properties (all notify): id (gint64: the server's key id), kind
 * (CbBlfKeyKind), target-id (gint64: the user or group, 0 for a number),
 * number (string: what a number key dials, else NULL), label (string:
 * the key's own label, NULL for none), distributed (bool: a group gave
 * it; only an administrator removes it), contact (CbContact: the target
 * of a user key, NULL until the store knows it), group (CbGroup:
 * likewise for a group key), title (string: the label, else the
 * target's name, else the number), dial-number (string: what calling
 * the key dials: the extension, the group's number or the number; NULL
 * when not known), lamp (CbBlfLamp).
 */

#pragma once

#include "cb-contact.h"
#include "cb-group.h"

G_BEGIN_DECLS

/* What a key's lamp shows, most urgent first where a colleague's state
 * allows several (ringing beats busy beats on hold). */
typedef enum {
  CB_BLF_LAMP_NONE,      /* a number key: no lamp */
  CB_BLF_LAMP_UNKNOWN,   /* the target is not known, or its line state is not shared */
  CB_BLF_LAMP_FREE,
  CB_BLF_LAMP_RINGING,   /* a call rings there (a group: rings at members or waits) */
  CB_BLF_LAMP_BUSY,
  CB_BLF_LAMP_ON_HOLD,
  CB_BLF_LAMP_DND,       /* line free, but do not disturb */
  CB_BLF_LAMP_OFFLINE,
} CbBlfLamp;

#define CB_TYPE_BLF_LAMP (cb_blf_lamp_get_type ())
GType cb_blf_lamp_get_type (void);

/* The lamp of a key for @contact / @group (NULL: not known). */
CbBlfLamp    cb_blf_lamp_for_contact     (CbContact *contact);
CbBlfLamp    cb_blf_lamp_for_group       (CbGroup   *group);

#define CB_TYPE_BLF_KEY (cb_blf_key_get_type ())
G_DECLARE_FINAL_TYPE (CbBlfKey, cb_blf_key, CB, BLF_KEY, GObject)

gint64        cb_blf_key_get_id          (CbBlfKey *self);
CbBlfKeyKind  cb_blf_key_get_kind        (CbBlfKey *self);
gint64        cb_blf_key_get_target_id   (CbBlfKey *self);
const char   *cb_blf_key_get_number      (CbBlfKey *self);
const char   *cb_blf_key_get_label       (CbBlfKey *self);
gboolean      cb_blf_key_get_distributed (CbBlfKey *self);
CbContact    *cb_blf_key_get_contact     (CbBlfKey *self);
CbGroup      *cb_blf_key_get_group       (CbBlfKey *self);
const char   *cb_blf_key_get_title       (CbBlfKey *self);
const char   *cb_blf_key_get_dial_number (CbBlfKey *self);
CbBlfLamp     cb_blf_key_get_lamp        (CbBlfKey *self);
/* The key as a PUT /me/blf body lists it (id, kind, target, label). */
JsonObject   *cb_blf_key_to_json         (CbBlfKey *self);

G_END_DECLS
