/* cb-sip-dialog-info.c: a lamp as RFC 4235 dialog-info+xml: a user's or a hunt group's calls, as one subscriber may see them
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The B2BUA's calls are read as the target's dialogs: a call the target
 * placed is an "initiator" dialog, trying until the caller hears it ring
 * (early), confirmed once answered; a call ringing at the target's
 * phones (as callee, group member or picker) is a "recipient" dialog,
 * trying until one of those phones sends a 18x with a tag (early), and
 * confirmed when the target answered it. A hunt group's lamp shows the
 * calls ringing at its members as early recipient dialogs, and nothing
 * once a member took them. A line that is busy or rings for something
 * the B2BUA does not hold (a queue's waiting caller or offer) shows as
 * one dialog without details, so the lamp is right either way.
 *
 * For pickup the ringing dialog is the one between the server and the
 * target's phone: local-tag is the phone's tag, remote-tag ours (the
 * target is the local participant). A phone that takes the call sends
 * an INVITE with Replaces naming that dialog (cb-sip-pickup.c).
 */

#define G_LOG_DOMAIN "cb-sip-subscriptions"

#include "config.h"

#include "cb-sip-dialog-info.h"
#include "cb-sip-headers.h"
#include "cb-sip-hunt.h"
#include "cb-sip-pickup.h"

typedef struct {
  CbB2buaCall *call;       /* NULL: the line's state without a call the B2BUA holds */
  const char  *state;      /* "trying", "early", "confirmed" */
  gboolean     initiator;
  gboolean     held;
  CbB2buaLeg  *ringing;    /* a recipient dialog that rings: the device it rings at */
  gint64       ringing_at; /* whom that device is */
  gint64       remote_id;  /* 0: not one of our users */
  const char  *remote_number;
  const char  *remote_name;
} Entry;

GHashTable *
cb_sip_dialog_info_reported_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* The fork of `call` ringing at user_id (0: at any member of its group),
 * one whose phone has sent a 18x with a tag first. */
static CbB2buaLeg *
ringing_leg (CbB2buaCall *call,
             gint64       user_id)
{
  CbB2buaLeg *found = NULL;

  for (guint i = 0; i < call->legs->len; i++)
    {
      CbB2buaLeg *leg = g_ptr_array_index (call->legs, i);
      gint64 whose = leg->user_id > 0 ? leg->user_id : call->callee_id;

      if (!leg->fork || leg->state != CB_B2BUA_LEG_CALLING || leg->nh == NULL || whose <= 0 ||
          (user_id > 0 && whose != user_id))
        continue;
      if (found == NULL || (leg->early && !found->early))
        found = leg;
    }
  return found;
}

static const char *
ringing_state (CbB2buaLeg *leg)
{
  return leg != NULL && leg->early ? "early" : "trying";
}

/* The calls of a user as dialogs of theirs. */
static void
collect_user (CbSipB2bua *b2bua,
              gint64      user_id,
              GArray     *entries)
{
  CbDirectory *directory = b2bua->directory;
  GHashTableIter iter;
  CbB2buaCall *call;

  g_hash_table_iter_init (&iter, b2bua->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call))
    {
      gboolean ringing = call->state == CB_WIRE_CALL_STATE_RINGING;
      Entry entry = { call, NULL, FALSE, call->state == CB_WIRE_CALL_STATE_HELD, NULL, 0, 0, NULL, NULL };

      if (call->state == CB_WIRE_CALL_STATE_ENDED)
        continue;
      if (call->caller_id == user_id)
        {
          gboolean to_group = call->group != NULL && call->callee_id <= 0;

          entry.initiator = TRUE;
          entry.state = ringing ? (call->alerted ? "early" : "trying") : "confirmed";
          entry.remote_id = call->callee_id;
          entry.remote_number = call->callee_number;
          entry.remote_name = to_group ? call->group->group_name
                                       : cb_sip_user_name (directory, call->callee_id);
        }
      else if (ringing)
        {
          entry.ringing = ringing_leg (call, user_id);
          if (entry.ringing == NULL || call->b != NULL)
            continue;
          entry.ringing_at = user_id;
          entry.state = ringing_state (entry.ringing);
        }
      else if (call->callee_id == user_id && call->b != NULL)
        entry.state = "confirmed";
      else
        continue;
      if (!entry.initiator)
        {
          entry.remote_id = call->caller_id;
          entry.remote_number = call->caller_number;
          entry.remote_name = cb_sip_user_name (directory, call->caller_id);
        }
      g_array_append_val (entries, entry);
    }
}

/* The calls ringing at a hunt group's members. */
static void
collect_group (CbSipB2bua *b2bua,
               gint64      group_id,
               GArray     *entries)
{
  GHashTableIter iter;
  CbB2buaCall *call;

  g_hash_table_iter_init (&iter, b2bua->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call))
    {
      Entry entry = { call, NULL, FALSE, FALSE, NULL, 0, 0, NULL, NULL };

      if (call->lamp_group != group_id || call->state != CB_WIRE_CALL_STATE_RINGING || call->b != NULL)
        continue;
      entry.ringing = ringing_leg (call, 0);
      entry.ringing_at = entry.ringing != NULL ? (entry.ringing->user_id > 0 ? entry.ringing->user_id
                                                                             : call->callee_id)
                                               : 0;
      entry.state = ringing_state (entry.ringing);
      entry.remote_id = call->caller_id;
      entry.remote_number = call->caller_number;
      entry.remote_name = cb_sip_user_name (b2bua->directory, call->caller_id);
      g_array_append_val (entries, entry);
    }
}

static gboolean
may_see (CbDirectory *directory,
         gint64       viewer,
         gint64       user_id)
{
  return user_id <= 0 || user_id == viewer ||
         cb_directory_level (directory, viewer, user_id) > CB_LEVEL_NONE;
}

/* Whether the subscriber learns the other party and the pickup details:
 * whoever may take the call over (team towards the user it rings at, or
 * a member of its group), and for a user's own calls whoever is at team
 * towards them; never a party the subscriber may not see. */
static gboolean
details_shown (CbDirectory     *directory,
               const CbSipLamp *lamp,
               gint64           subscriber,
               const Entry     *entry)
{
  if (entry->call == NULL || !may_see (directory, subscriber, entry->remote_id))
    return FALSE;
  if (lamp->group)
    return cb_sip_pickup_may_take (entry->call, subscriber, 0);
  return subscriber == lamp->id || cb_directory_level (directory, subscriber, lamp->id) >= CB_LEVEL_TEAM;
}

static gboolean
pickup_shown (const CbSipLamp *lamp,
              gint64           subscriber,
              const Entry     *entry)
{
  return entry->ringing != NULL && entry->ringing->call_id != NULL &&
         cb_sip_pickup_may_take (entry->call, subscriber, lamp->group ? 0 : entry->ringing_at);
}

/* ` name="value"`, nothing for NULL. */
static void
append_attribute (GString    *xml,
                  const char *name,
                  const char *value)
{
  g_autofree char *escaped = NULL;

  if (value == NULL)
    return;
  escaped = g_markup_escape_text (value, -1);
  g_string_append_printf (xml, " %s=\"%s\"", name, escaped);
}

static void
append_participant (GString    *xml,
                    const char *element,
                    const char *display,
                    const char *uri,
                    gboolean    rendering_off)
{
  g_autofree char *head = NULL;

  if (display != NULL && *display != '\0')
    head = g_markup_printf_escaped ("<%s><identity display=\"%s\">%s</identity><target uri=\"%s\"",
                                    element, display, uri, uri);
  else
    head = g_markup_printf_escaped ("<%s><identity>%s</identity><target uri=\"%s\"", element, uri, uri);
  g_string_append (xml, head);
  if (rendering_off)
    g_string_append (xml, "><param pname=\"+sip.rendering\" pvalue=\"no\"/></target>");
  else
    g_string_append (xml, "/>");
  g_string_append_printf (xml, "</%s>\n", element);
}

static void
append_entry (GString         *xml,
              CbSipServer     *server,
              const CbSipLamp *lamp,
              const char      *lamp_name,
              gint64           subscriber,
              const char      *id,
              const Entry     *entry)
{
  CbDirectory *directory = cb_sip_server_get_directory (server);
  gboolean details = details_shown (directory, lamp, subscriber, entry);
  g_autofree char *open = NULL;

  open = g_markup_printf_escaped ("<dialog id=\"%s\"", id);
  g_string_append (xml, open);
  if (details && pickup_shown (lamp, subscriber, entry))
    {
      /* The target's phone is the local side of the ringing dialog. */
      append_attribute (xml, "call-id", entry->ringing->call_id);
      append_attribute (xml, "local-tag", entry->ringing->remote_tag);
      append_attribute (xml, "remote-tag", entry->ringing->local_tag);
    }
  if (entry->call != NULL)
    append_attribute (xml, "direction", entry->initiator ? "initiator" : "recipient");
  g_string_append (xml, ">\n");
  g_string_append_printf (xml, "<state>%s</state>\n", entry->state);
  append_participant (xml, "local", lamp_name, lamp->entity, entry->held);
  if (details && entry->remote_number != NULL && *entry->remote_number != '\0')
    {
      g_autofree char *uri = cb_sip_uri_at (entry->remote_number, cb_sip_server_get_address (server),
                                            cb_sip_server_get_port (server));

      append_participant (xml, "remote", entry->remote_name, uri, FALSE);
    }
  g_string_append (xml, "</dialog>\n");
}

/* A line busy or ringing for what the B2BUA does not hold (a queue). */
static gboolean
line_entry (CbDirectory *directory,
            gint64       user_id,
            Entry       *entry)
{
  const CbUserRecord *user = cb_directory_get_user (directory, user_id);

  *entry = (Entry) { NULL, NULL, FALSE, FALSE, NULL, 0, 0, NULL, NULL };
  if (user == NULL)
    return FALSE;
  switch (user->line_state)
    {
    case CB_LINE_STATE_RINGING:
      entry->state = "early";
      return TRUE;
    case CB_LINE_STATE_BUSY:
      entry->state = "confirmed";
      return TRUE;
    case CB_LINE_STATE_ON_HOLD:
      entry->state = "confirmed";
      entry->held = TRUE;
      return TRUE;
    case CB_LINE_STATE_IDLE:
    case CB_LINE_STATE_OFFLINE:
    default:
      return FALSE;
    }
}

char *
cb_sip_dialog_info_document (CbSipServer     *server,
                             const CbSipLamp *lamp,
                             gint64           subscriber,
                             guint            version,
                             GHashTable      *reported)
{
  CbSipB2bua *b2bua = cb_sip_server_get_b2bua (server);
  CbDirectory *directory = cb_sip_server_get_directory (server);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_autoptr(GHashTable) live = cb_sip_dialog_info_reported_new ();
  g_autofree char *head = NULL;
  const char *lamp_name;
  GString *xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  GHashTableIter iter;
  const char *id;

  if (lamp->group)
    {
      const CbGroupRecord *group = cb_directory_get_group (directory, lamp->id);

      lamp_name = group != NULL ? group->name : NULL;
      collect_group (b2bua, lamp->id, entries);
    }
  else
    {
      lamp_name = cb_sip_user_name (directory, lamp->id);
      collect_user (b2bua, lamp->id, entries);
    }

  head = g_markup_printf_escaped ("<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" "
                                  "version=\"%u\" state=\"full\" entity=\"%s\">\n",
                                  version, lamp->entity);
  g_string_append (xml, head);

  for (guint i = 0; i < entries->len; i++)
    {
      const Entry *entry = &g_array_index (entries, Entry, i);

      append_entry (xml, server, lamp, lamp_name, subscriber, entry->call->id, entry);
      g_hash_table_add (live, g_strdup (entry->call->id));
    }
  if (entries->len == 0 && !lamp->group)
    {
      Entry entry;
      g_autofree char *line_id = g_strdup_printf ("line-%" G_GINT64_FORMAT, lamp->id);

      if (line_entry (directory, lamp->id, &entry))
        {
          append_entry (xml, server, lamp, lamp_name, subscriber, line_id, &entry);
          g_hash_table_add (live, g_steal_pointer (&line_id));
        }
    }

  /* What was live and is no more ended: said once. */
  g_hash_table_iter_init (&iter, reported);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    if (!g_hash_table_contains (live, id))
      {
        g_autofree char *gone = g_markup_printf_escaped ("<dialog id=\"%s\"><state>terminated</state></dialog>\n",
                                                         id);

        g_string_append (xml, gone);
      }
  g_hash_table_remove_all (reported);
  g_hash_table_iter_init (&iter, live);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      g_hash_table_iter_steal (&iter);
      g_hash_table_add (reported, (char *) id);
    }

  g_string_append (xml, "</dialog-info>\n");
  return g_string_free (xml, FALSE);
}
