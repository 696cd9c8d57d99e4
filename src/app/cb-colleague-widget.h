/* cb-colleague-widget.h: what every widget showing a colleague shares: menu, gestures, drag and drop
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A colleague can be acted on wherever they are shown (favourites,
 * directory, monitor, group members, journal, busy lamp field): the same
 * context menu opens on a right click, a long press, the ⋮ button and the
 * Menu key (or Shift+F10); a double click or Enter calls them; a call
 * card dropped on them offers to forward the call there. The menus name
 * the window's "contact.*" actions (cb-window-contacts.c) with the
 * colleague's user id as target, so every list shares one implementation.
 */

#pragma once

#include <gtk/gtk.h>

#include "cb-client-store.h"

G_BEGIN_DECLS

/* What a call card's drag carries: the server's id of the call, not a
 * widget; a ringing call can only be deflected (forwarded). */
typedef struct {
  char     *call_id;
  gboolean  ringing;
} CbDraggedCall;

#define CB_TYPE_DRAGGED_CALL (cb_dragged_call_get_type ())
GType          cb_dragged_call_get_type (void);
CbDraggedCall *cb_dragged_call_new      (const char          *call_id,
                                         gboolean             ringing);
CbDraggedCall *cb_dragged_call_copy     (const CbDraggedCall *call);
void           cb_dragged_call_free     (CbDraggedCall       *call);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbDraggedCall, cb_dragged_call_free)

/* What a widget tells the shared code about whom it shows. Every member
 * may be NULL. */
typedef struct {
  /* The menu as things are now (a new reference); NULL: none. */
  GMenuModel         *(*menu)           (GtkWidget *widget);
  /* Double click and Enter: usually calling them. */
  void                (*activate)       (GtkWidget *widget);
  /* Where a call dropped here goes (newly allocated); NULL refuses it. */
  char               *(*forward_number) (GtkWidget *widget);
  /* Whom it is about, to forward to ("Forward the call to %s?"). */
  const char         *(*title)          (GtkWidget *widget);
  /* What dragging the widget carries (a new reference); NULL: no drag. */
  GdkContentProvider *(*drag_content)   (GtkWidget *widget);
} CbColleagueFuncs;

/* Gives @widget the gestures, the drag source and the drop target for
 * calls; @funcs must outlive it (a static table). @menu_button, if any,
 * is the widget's ⋮ button: the menu opens from it. */
void        cb_colleague_widget_attach     (GtkWidget              *widget,
                                            const CbColleagueFuncs *funcs,
                                            GtkMenuButton          *menu_button);
/* Opens the widget's menu pointing at (x, y) in its coordinates, or at
 * the whole widget for negative ones. FALSE when it has none. */
gboolean    cb_colleague_widget_popup_menu (GtkWidget              *widget,
                                            double                  x,
                                            double                  y);
/* Its default action (the double click). */
void        cb_colleague_widget_activate   (GtkWidget              *widget);
/* The forward-or-consult question for a call dropped on @widget. */
void        cb_colleague_widget_offer_call (GtkWidget              *widget,
                                            const CbDraggedCall    *call);
/* Enter, the Menu key and Shift+F10 on a focused row of @list act on the
 * colleague widget in it. */
void        cb_colleague_list_attach       (GtkWidget              *list);

/* The menu for @contact: what applies to them now (calls, pickup while
 * they ring, forwarding while the user has a call, e-mail, lists). */
GMenuModel *cb_colleague_menu_new          (CbClientStore          *store,
                                            CbContact              *contact);
/* The menu for a plain number (a journal entry of an outside caller). */
GMenuModel *cb_number_menu_new             (const char             *number);
/* What dragging a colleague carries: the contact itself. */
GdkContentProvider *cb_colleague_content_new (CbContact            *contact);
/* The window's contact.call for @contact, from @widget. */
void        cb_colleague_call              (GtkWidget              *widget,
                                            CbContact              *contact);

G_END_DECLS
