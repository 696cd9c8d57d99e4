/* cb-sip-private.h: what the registrar and the B2BUA share inside src/server/sip
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-sip-digest.h"
#include "cb-sip-types.h"

G_BEGIN_DECLS

/* A location binding: one registered contact of one line. */
typedef struct {
  char   *line;           /* digest user name */
  char   *kind;           /* the line's kind: "softphone" or "desk" */
  gint64  user_id;
  char   *contact;        /* the Contact URI, as registered */
  gint64  expires_at;     /* monotonic µs */
} CbSipBinding;

struct _CbSipRegistrar
{
  GObject       parent_instance;

  CbChanges    *changes;
  CbDirectory  *directory;  /* the changes' */
  CbStore      *store;      /* likewise */
  const CbSipSettings *settings;
  su_root_t    *root;
  su_home_t     home[1];
  nua_t        *nua;
  CbSipDigest  *digest;
  char         *address;
  char         *uri;
  guint         port;
  gboolean      shutdown_done;
  GPtrArray    *bindings;   /* CbSipBinding */
  guint         expiry_id;
  GHashTable   *calls;      /* call id → CbSipCallModel (owned by b2bua) */
  struct _CbSipQueue *queue; /* queue groups, while started */
  struct _CbSipTrunk *trunk; /* while started */
};

/* Registrar side, for the B2BUA. */
GPtrArray *_cb_sip_registrar_contacts_of (CbSipRegistrar *self,
                                          gint64          user_id);
/* Only the lines of this kind, most recently registered first. */
GPtrArray *_cb_sip_registrar_contacts_of_kind (CbSipRegistrar *self,
                                               gint64          user_id,
                                               const char     *kind);
/* Authenticates a request against a line (Proxy-Authorization for
 * INVITE); on failure it has answered and returns 0. */
gint64     _cb_sip_registrar_authenticate (CbSipRegistrar  *self,
                                           nua_handle_t    *nh,
                                           const sip_t     *sip,
                                           gboolean         proxy,
                                           char           **line);
/* Derives the user's line state from calls and bindings and publishes it
 * when it changed. */
void       _cb_sip_registrar_update_line_state (CbSipRegistrar *self,
                                                gint64          user_id);

/* B2BUA side (cb-sip-b2bua.c). */
void       _cb_sip_b2bua_init          (CbSipRegistrar *self);
void       _cb_sip_b2bua_event         (CbSipRegistrar *self,
                                        nua_event_t     event,
                                        int             status,
                                        const char     *phrase,
                                        nua_handle_t   *nh,
                                        CbSipMagic     *magic,
                                        const sip_t    *sip,
                                        tagi_t          tags[]);
void       _cb_sip_b2bua_shutdown      (CbSipRegistrar *self);
/* CB_LINE_STATE_OFFLINE when the user is in no call. */
CbLineState _cb_sip_b2bua_line_state   (CbSipRegistrar *self,
                                        gint64          user_id);

G_END_DECLS
