/* cb-demo-simulator.h: simulated colleagues for the demo
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-api.h"

G_BEGIN_DECLS

/* The demo's own user: never changed behind their back. */
#define CB_DEMO_USERNAME "anna"

#define CB_TYPE_DEMO_SIMULATOR (cb_demo_simulator_get_type ())
G_DECLARE_FINAL_TYPE (CbDemoSimulator, cb_demo_simulator, CB, DEMO_SIMULATOR, GObject)

/* api must outlive the simulator. */
CbDemoSimulator *cb_demo_simulator_new   (CbApi           *api,
                                          double           changes_per_second);
/* Gives everyone a plausible state at once, then changes a colleague at
 * the rate given. */
void             cb_demo_simulator_start (CbDemoSimulator *self);
void             cb_demo_simulator_stop  (CbDemoSimulator *self);
/* One change now (tests). */
void             cb_demo_simulator_step  (CbDemoSimulator *self);

G_END_DECLS
