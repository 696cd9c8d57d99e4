/* cb-sip-pidf.c: a user's presence as an RFC 3863 PIDF document (the "presence" event package, RFC 3856)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One tuple for the user's line, then the note, then the person with its
 * RPID activity (the order PIDF's schema gives: tuples, notes, other
 * namespaces). Phones read <basic> and the activity elements by their
 * usual prefix (baresip matches "<rpid:busy/>" literally), so the prefix
 * is "rpid".
 */

#define G_LOG_DOMAIN "cb-sip-subscriptions"

#include "config.h"

#include "cb-sip-pidf.h"

static const char *
availability_words (CbAvailability availability)
{
  switch (availability)
    {
    case CB_AVAILABILITY_AVAILABLE:
      return "Available";
    case CB_AVAILABILITY_AWAY:
      return "Away";
    case CB_AVAILABILITY_BUSY:
      return "Busy";
    case CB_AVAILABILITY_DND:
      return "Do not disturb";
    case CB_AVAILABILITY_OFFLINE:
    default:
      return "Offline";
    }
}

/* The RPID activity element, or NULL. */
static const char *
activity (const CbUserRecord *user)
{
  switch (user->availability)
    {
    case CB_AVAILABILITY_AWAY:
      return "away";
    case CB_AVAILABILITY_BUSY:
    case CB_AVAILABILITY_DND:
      return "busy";
    case CB_AVAILABILITY_AVAILABLE:
    case CB_AVAILABILITY_OFFLINE:
    default:
      break;
    }
  if (user->line_state == CB_LINE_STATE_BUSY || user->line_state == CB_LINE_STATE_ON_HOLD)
    return "on-the-phone";
  return NULL;
}

char *
cb_sip_pidf_document (CbDirectory *directory,
                      gint64       user_id,
                      const char  *entity)
{
  const CbUserRecord *user = cb_directory_get_user (directory, user_id);
  GString *xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_autofree char *head = NULL;
  g_autofree char *tuple = NULL;
  g_autofree char *note = NULL;
  gboolean open;
  const char *doing;

  head = g_markup_printf_escaped ("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
                                  "xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" "
                                  "xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\" entity=\"%s\">\n",
                                  entity);
  g_string_append (xml, head);
  if (user == NULL)
    {
      /* Gone from the directory: nobody to reach. */
      tuple = g_markup_printf_escaped ("<tuple id=\"line\"><status><basic>closed</basic></status>"
                                       "<contact>%s</contact></tuple>\n", entity);
      g_string_append (xml, tuple);
      g_string_append (xml, "</presence>\n");
      return g_string_free (xml, FALSE);
    }

  /* A DeviceOnly phone has nobody to set an availability: its line alone
   * says whether it can be reached. */
  open = user->line_state != CB_LINE_STATE_OFFLINE &&
         (user->kind == CB_USER_KIND_DEVICE || user->availability != CB_AVAILABILITY_OFFLINE);
  tuple = g_markup_printf_escaped ("<tuple id=\"line\"><status><basic>%s</basic></status>"
                                   "<contact>%s</contact></tuple>\n",
                                   open ? "open" : "closed", entity);
  g_string_append (xml, tuple);
  note = g_markup_printf_escaped ("<note>%s</note>\n",
                                  user->note != NULL && *user->note != '\0'
                                  ? user->note : availability_words (user->availability));
  g_string_append (xml, note);
  doing = open ? activity (user) : NULL;
  if (doing != NULL)
    g_string_append_printf (xml, "<dm:person id=\"p%" G_GINT64_FORMAT "\">"
                                 "<rpid:activities><rpid:%s/></rpid:activities></dm:person>\n",
                            user_id, doing);
  g_string_append (xml, "</presence>\n");
  return g_string_free (xml, FALSE);
}
