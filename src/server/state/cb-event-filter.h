/* cb-event-filter.h: what each viewer receives of one event
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Who receives an event and which fields they see come from the
 * protocol's one table (cb_wire_event_audience(), cb-wire-fields.h);
 * objects that name other users (calls, journal entries, groups) are
 * written by their codec for the viewer, so a user the viewer may not
 * see appears nowhere. An event is decoded once for all its recipients,
 * and its frame serialised once where it is the same for everyone.
 */

#pragma once

#include "cb-directory.h"

G_BEGIN_DECLS

typedef struct _CbEventFilter CbEventFilter;

/* record and data (the full form the log keeps) are borrowed: they must
 * outlive the filter. */
CbEventFilter *cb_event_filter_new   (CbDirectory         *directory,
                                      const CbEventRecord *record,
                                      JsonObject          *data);
/* The frame text `viewer` gets, NULL when not entitled; valid until the
 * next call or the filter is freed. */
const char    *cb_event_filter_frame (CbEventFilter       *self,
                                      gint64               viewer);
void           cb_event_filter_free  (CbEventFilter       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbEventFilter, cb_event_filter_free)

G_END_DECLS
