/* cb-test-phone.h: a phone-library agent for tests, on a callboardd line, with tone detectors
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the SIP tests against a real callboardd share: sign in, fetch the
 * softphone line over REST, register an agent that sends a sine tone and
 * listens for others, answer incoming calls (or let them ring), and the
 * bounded waits on call state and tones.
 */

#pragma once

#include "cb-sip-agent.h"
#include "cb-test-server.h"
#include "cb-tone-detector.h"

G_BEGIN_DECLS

#define CB_TEST_PHONE_WAIT_MS 10000

typedef struct {
  char           *token;
  gint64          user_id;
  char           *line;          /* the SIP user name */
  char           *password;
  char           *registrar;     /* "sip:HOST:PORT" */
  char           *registrar_tls; /* "sips:HOST:PORT" when the server has TLS, else NULL */
  CbSipAgent     *agent;
  CbSipCall      *call;          /* the latest call, incoming or dialled */
  guint           incoming;      /* calls that rang here */
  gint64          rang_at;       /* monotonic µs of the last one */
  gboolean        manual_answer; /* leave incoming calls ringing */
  CbToneDetector *detector;      /* the first of detectors */
  GPtrArray      *detectors;     /* CbToneDetector, one per frequency listened for */
} CbTestPhone;

/* Signs in (unless phone->token is set) and fetches the softphone line:
 * line, password and registrar. */
void        cb_test_phone_fetch_line (CbTestServer   *server,
                                      CbTestPhone    *phone,
                                      const char     *username);
/* An agent for `line` sending a sine at freq, listening for listen_for
 * (more with cb_test_phone_listen_for()); incoming calls are answered at
 * once unless manual_answer. Not registered yet. */
void        cb_test_phone_init       (CbTestPhone    *phone,
                                      const char     *line,
                                      double          freq,
                                      double          listen_for);
void        cb_test_phone_listen_for (CbTestPhone    *phone,
                                      double          freq);
/* As cb_test_phone_init(), on SIP over TLS trusting pinned_pem (PEM
 * text; NULL: the system's trust). Register with phone->registrar_tls. */
void        cb_test_phone_init_tls   (CbTestPhone    *phone,
                                      const char     *line,
                                      double          freq,
                                      double          listen_for,
                                      const char     *pinned_pem);
/* Registers (password NULL: phone->password) and waits until it is. */
void        cb_test_phone_register   (CbTestPhone    *phone,
                                      const char     *registrar,
                                      const char     *password);
/* A barrier on the phone's SIP socket: registers again and waits for the
 * server's 200. The server answers after whatever it sent this phone
 * before (an INVITE, a BYE), and the phone handles messages in order:
 * once this returns, a call the server had started towards the phone has
 * rung (phone->incoming counts it). */
void        cb_test_phone_barrier    (CbTestPhone    *phone);
/* Sign in, fetch the line, init and register in one go. */
void        cb_test_phone_start_user (CbTestServer   *server,
                                      CbTestPhone    *phone,
                                      const char     *username,
                                      double          freq,
                                      double          listen_for);
/* Makes call the phone's current one; its audio is listened to once active. */
void        cb_test_phone_adopt      (CbTestPhone    *phone,
                                      CbSipCall      *call);
/* Moves the detectors to call's received audio (it must be active). */
void        cb_test_phone_listen_to  (CbTestPhone    *phone,
                                      CbSipCall      *call);
/* Dials "sip:number@registrar-host:port" and adopts the call (over TLS
 * through the registrar for an agent on TLS). */
CbSipCall  *cb_test_phone_dial       (CbTestPhone    *phone,
                                      const char     *number);
void        cb_test_phone_clear      (CbTestPhone    *phone);
/* cb_test_phone_clear() on each phone of a NULL-terminated list. */
void        cb_test_phone_clear_all  (CbTestPhone    *phone,
                                      ...) G_GNUC_NULL_TERMINATED;

gboolean    cb_test_phone_state_is   (CbTestPhone    *phone,
                                      CbSipCallState  state);
/* A call rang here and is still ringing (with manual_answer). */
gboolean    cb_test_phone_rang       (CbTestPhone    *phone);
/* Answers the current call; a failure fails the test. */
void        cb_test_phone_answer     (CbTestPhone    *phone);
/* The newest journal entry of the phone's user, inside *answer (which
 * the caller unrefs); *missed (if not NULL) gets the missed count. */
JsonObject *cb_test_phone_last_entry (CbTestServer   *server,
                                      CbTestPhone    *phone,
                                      JsonNode      **answer,
                                      gint64         *missed);
/* The tone at freq (a frequency listened for) is heard now. */
gboolean    cb_test_phone_hears      (CbTestPhone    *phone,
                                      double          freq);
gboolean    cb_test_phone_silent     (CbTestPhone    *phone,
                                      double          freq,
                                      guint           ms);
/* Waits until the phone hears freq; fails the test with `what`. */
void        cb_test_phone_wait_hears (CbTestPhone    *phone,
                                      double          freq,
                                      const char     *what);
void        cb_test_phone_wait_state (CbTestPhone    *phone,
                                      CbSipCallState  state,
                                      const char     *what);

G_END_DECLS
