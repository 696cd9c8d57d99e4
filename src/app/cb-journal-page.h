/* cb-journal-page.h: the user's calls by day, newest first, missed ones marked
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Properties: session (CbSession; the page shows its store's journal),
 * filter ("all" or "missed"; action journal.filter (s) sets it).
 * Its search entry narrows the list to names, numbers and groups.
 * Each row's call-back button activates win.dial with the number.
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-session.h"

G_BEGIN_DECLS

#define CB_TYPE_JOURNAL_PAGE (cb_journal_page_get_type ())
G_DECLARE_FINAL_TYPE (CbJournalPage, cb_journal_page, CB, JOURNAL_PAGE, GtkWidget)

void  cb_journal_page_set_session (CbJournalPage *self,
                                   CbSession     *session);
/* The heading of a day's calls: "Today", "Yesterday", the weekday within
 * the week, else the date; @now says which day is today. */
char *cb_journal_day_label        (GDateTime     *time,
                                   GDateTime     *now);

G_END_DECLS
