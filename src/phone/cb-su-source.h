/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb-su-source.h: a sofia-sip root on the GLib main loop, without the busy
 * wait of sofia's own GLib source before each timer. */
#pragma once

#include <glib.h>
#include <sofia-sip/su_glib.h>

G_BEGIN_DECLS

/* Attaches the root's GLib source (su_glib_root_gsource()) to context,
 * NULL for the default one. The source stays the root's: su_root_destroy()
 * frees it. */
void cb_su_source_attach (su_root_t    *root,
                          GMainContext *context);

/* How often the root's source was dispatched since it was attached: a
 * test's measure of whether the loop waits for a timer or spins. */
guint64 cb_su_source_get_dispatches (su_root_t *root);

G_END_DECLS
