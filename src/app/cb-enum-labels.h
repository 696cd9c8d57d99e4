/* cb-enum-labels.h: translated labels and style classes for protocol enums
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-blf-key.h"
#include "cb-protocol.h"

G_BEGIN_DECLS

/* Every enum is shown the same way everywhere (dropdowns, rows, monitor):
 * one place holds the words and the CSS class names. */
const char *cb_availability_get_label  (CbAvailability availability);
const char *cb_availability_get_style  (CbAvailability availability);
const char *cb_line_state_get_label    (CbLineState    line_state);
const char *cb_line_state_get_style    (CbLineState    line_state);
const char *cb_agent_status_get_label  (CbAgentStatus  agent_status);
const char *cb_agent_status_get_style  (CbAgentStatus  agent_status);
const char *cb_ring_strategy_get_label (CbRingStrategy strategy);
/* How a queue hands callers to agents ("longest-idle"…); NULL for NULL. */
const char *cb_queue_order_get_label   (const char    *order);

/* A busy lamp field key's lamp: its words, its icon (whose shape tells
 * the lamps apart without colour) and its style class. */
const char *cb_blf_lamp_get_label      (CbBlfLamp      lamp);
const char *cb_blf_lamp_get_icon_name  (CbBlfLamp      lamp);
const char *cb_blf_lamp_get_style      (CbBlfLamp      lamp);

/* The number of values, for dropdown models built in enum order. */
#define CB_N_AVAILABILITIES (CB_AVAILABILITY_OFFLINE + 1)
#define CB_N_AGENT_STATUSES (CB_AGENT_STATUS_LOGGED_OUT + 1)

G_END_DECLS
