/* cb-protocol.h: everything the protocol library offers
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-protocol-types.h"
#include "cb-protocol-enums.h"
#include "cb-protocol-json.h"
