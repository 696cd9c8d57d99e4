/* cb-demo-phones.h: the demo's simulated colleagues on the telephone
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-api.h"
#include "cb-sip-call.h"

G_BEGIN_DECLS

#define CB_TYPE_DEMO_PHONES (cb_demo_phones_get_type ())
G_DECLARE_FINAL_TYPE (CbDemoPhones, cb_demo_phones, CB, DEMO_PHONES, GObject)

/* api (with SIP running) must outlive the phones; registrar is the
 * server's "sip:HOST:PORT". call_interval_ms is the mean time between
 * two calls the colleagues make; 0: they only answer. */
CbDemoPhones *cb_demo_phones_new      (CbApi        *api,
                                       const char   *registrar,
                                       guint         call_interval_ms);
/* Before starting: the phones register over SIP over TLS at registrar
 * ("sips:HOST:PORT"), trusting certificate_pem (the server's own), so
 * that calls with them can be SRTP. */
void          cb_demo_phones_use_tls  (CbDemoPhones *self,
                                       const char   *registrar,
                                       const char   *certificate_pem);
/* Registers a phone for a handful of colleagues and starts calling. */
void          cb_demo_phones_start    (CbDemoPhones *self);
/* Hangs up, un-registers and shuts the phones down; iterates the default
 * main context for at most a few seconds. Idempotent. */
void          cb_demo_phones_stop     (CbDemoPhones *self);
/* The call the colleague with this extension is in, or NULL (also when
 * they have no phone). Its received audio ends in a sink named "tap",
 * mono S16, where a tone detector can listen (tests). */
CbSipCall    *cb_demo_phones_get_call (CbDemoPhones *self,
                                       const char   *extension);
/* The sine a colleague's phone sends, in Hz, from the extension: distinct
 * for 30 consecutive extensions, on exact 10 Hz bins. */
double        cb_demo_phones_tone_for (const char   *extension);

G_END_DECLS
