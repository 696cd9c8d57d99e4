/* cb-protocol.h: everything the protocol library offers: enums, JSON helpers, the wire model
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-protocol-types.h"
#include "cb-protocol-enums.h"
#include "cb-protocol-json.h"
#include "cb-json-writer.h"
#include "cb-wire-sink.h"
#include "cb-wire-fields.h"
#include "cb-wire-user.h"
#include "cb-wire-group.h"
#include "cb-wire-call.h"
#include "cb-wire-journal.h"
#include "cb-wire-event.h"
#include "cb-wire-blf.h"
