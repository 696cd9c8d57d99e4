/* cb-window-private.h: CbWindow's insides, shared with cb-window-actions.c
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cb-audio-devices.h"
#include "cb-calls-page.h"
#include "cb-directory-page.h"
#include "cb-favourites-page.h"
#include "cb-groups-page.h"
#include "cb-journal-page.h"
#include "cb-network-watch.h"
#include "cb-presence-menu.h"
#include "cb-window.h"

G_BEGIN_DECLS

struct _CbWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  CbSession            *session;
  CbContact            *me;
  /* Not owned: these windows live until the user closes them, or the
   * session ends. */
  GtkWidget            *monitor_window;
  GtkWidget            *blf_window;
  GtkWidget            *contact_window;
  /* contact.* (cb-window-contacts.c), shared with those windows. */
  GSimpleActionGroup   *contact_actions;
  /* Set while the dropdowns are moved to the store's values, so that
   * moving them is not taken for the user asking for a change. */
  guint                 syncing_status : 1;

  /* Softphone wiring (cb-window-calls.c) */
  CbSoftphone          *softphone;
  GHashTable           *notifications;     /* call id -> NotifyNotification */
  /* Ringing notifications of calls that stopped ringing: the server's
   * call id -> NotifyNotification, until the journal entry says whether
   * the call was missed (then it becomes the missed-call notification). */
  GHashTable           *stopped_ringing;
  GHashTable           *declined;          /* server call ids declined here */
  CbNetworkWatch       *network_watch;
  char                 *pending_dial;      /* a link's number, until the phone is ready */
  GCancellable         *journal_seen_cancellable;
  CbRinger             *ringer;
  CbAudioDevices       *audio_devices;     /* maps the chosen devices to elements */

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwHeaderBar         *header_bar;
  GtkMenuButton        *sign_in_menu_button;
  GtkMenuButton        *primary_menu_button;
  CbSignInPage         *sign_in_page;
  AdwViewStack         *view_stack;
  AdwViewSwitcherTitle *switcher_title;
  CbPresenceMenu       *presence_menu;
  GtkDropDown          *agent_dropdown;
  GtkWidget            *status_bar;
  GtkWidget            *workplace_box;
  GtkSearchEntry       *search_entry;
  GtkRevealer          *banner;
  CbFavouritesPage     *favourites_page;
  CbDirectoryPage      *directory_page;
  CbGroupsPage         *groups_page;
  CbCallsPage          *calls_page;
  CbJournalPage        *journal_page;
  AdwViewStackPage     *journal_stack_page;
  AdwViewStackPage     *calls_stack_page;
  GtkWidget            *calls_side;        /* the calls page's pane */
  GtkWidget            *side_separator;
  GtkImage             *registration_icon;

  /* Wide: people and calls side by side (see cb_window_size_allocate). */
  guint                 wide : 1;
  guint                 layout_source;
};

void _cb_window_class_actions_init (CbWindowClass *klass);
void _cb_window_actions_update     (CbWindow      *self);
void _cb_window_sign_out           (CbWindow      *self,
                                    const char    *reason);
void _cb_window_show_monitor       (CbWindow      *self);
void _cb_window_show_blf           (CbWindow      *self);
/* Ends the windows that belong to the session (monitor, busy lamp
 * field, contact details). */
void _cb_window_close_satellites   (CbWindow      *self);

/* cb-window-contacts.c */
void _cb_window_contacts_init      (CbWindow      *self);
void _cb_window_contacts_update    (CbWindow      *self);
void _cb_window_contacts_set_softphone (CbWindow    *self,
                                        CbSoftphone *softphone);
void _cb_window_contacts_dispose   (CbWindow      *self);
/* Makes @window one of ours: the contact.* actions, the application. */
void _cb_window_adopt              (CbWindow      *self,
                                    GtkWindow     *window);
/* A toast in the window the user is in (the main one, or one of ours). */
void _cb_window_show_toast         (CbWindow      *self,
                                    const char    *message);

/* cb-window-calls.c */
void _cb_window_calls_set_session  (CbWindow      *self,
                                    CbSession     *session);
void _cb_window_calls_dispose      (CbWindow      *self);
/* The journal was looked at: up to its newest entry, on all devices. */
void _cb_window_mark_journal_seen  (CbWindow      *self);
/* The ringing or active call with this id, or NULL. */
CbCall *_cb_window_lookup_call     (CbWindow      *self,
                                    const char    *id);

G_END_DECLS
