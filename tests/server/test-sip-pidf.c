/* test-sip-pidf.c: a user's presence as a desk phone's PIDF document, in process
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * open/closed from availability and line state (a DeviceOnly phone by its
 * line alone), the RPID activity, the note (the user's own, escaped, or
 * the availability in words), and well-formed XML every time.
 */

#include "config.h"

#include <string.h>

#include "cb-sip-pidf.h"

#define ENTITY "sip:202@127.0.0.1:5060"

static CbDirectory *
directory_with (CbUserKind      kind,
                CbAvailability  availability,
                CbLineState     line,
                const char     *note)
{
  CbDirectory *directory = cb_directory_new (CB_LEVEL_PUBLIC);
  g_autoptr(CbUserRecord) user = cb_user_record_new ();

  user->id = 7;
  user->username = g_strdup ("ben");
  user->display_name = g_strdup ("Ben");
  user->extension = g_strdup ("202");
  user->kind = kind;
  user->availability = availability;
  user->line_state = line;
  user->note = g_strdup (note);
  cb_directory_put_user (directory, user);
  return directory;
}

static void
assert_well_formed (const char *xml)
{
  static const GMarkupParser nothing = { NULL };
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&nothing, 0, NULL, NULL);
  g_autoptr(GError) error = NULL;
  const char *root = strstr (xml, "<presence");

  g_assert_true (g_str_has_prefix (xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
  g_assert_nonnull (root);
  g_assert_true (g_markup_parse_context_parse (context, root, -1, &error) &&
                 g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (xml, "entity=\"" ENTITY "\""));
  g_assert_nonnull (strstr (xml, "<contact>" ENTITY "</contact>"));
}

static void
test_states (void)
{
  static const struct {
    CbUserKind      kind;
    CbAvailability  availability;
    CbLineState     line;
    const char     *basic;
    const char     *activity;   /* NULL: none */
    const char     *note;
  } cases[] = {
    { CB_USER_KIND_USER, CB_AVAILABILITY_AVAILABLE, CB_LINE_STATE_IDLE, "open", NULL, "Available" },
    { CB_USER_KIND_USER, CB_AVAILABILITY_AVAILABLE, CB_LINE_STATE_BUSY, "open", "on-the-phone", "Available" },
    { CB_USER_KIND_USER, CB_AVAILABILITY_AVAILABLE, CB_LINE_STATE_ON_HOLD, "open", "on-the-phone", "Available" },
    { CB_USER_KIND_USER, CB_AVAILABILITY_AVAILABLE, CB_LINE_STATE_RINGING, "open", NULL, "Available" },
    { CB_USER_KIND_USER, CB_AVAILABILITY_AWAY, CB_LINE_STATE_IDLE, "open", "away", "Away" },
    { CB_USER_KIND_USER, CB_AVAILABILITY_BUSY, CB_LINE_STATE_BUSY, "open", "busy", "Busy" },
    { CB_USER_KIND_USER, CB_AVAILABILITY_DND, CB_LINE_STATE_IDLE, "open", "busy", "Do not disturb" },
    /* Offline, or nothing registered: nobody to reach. */
    { CB_USER_KIND_USER, CB_AVAILABILITY_OFFLINE, CB_LINE_STATE_IDLE, "closed", NULL, "Offline" },
    { CB_USER_KIND_USER, CB_AVAILABILITY_AVAILABLE, CB_LINE_STATE_OFFLINE, "closed", NULL, "Available" },
    /* A DeviceOnly phone has no availability to set: its line says. */
    { CB_USER_KIND_DEVICE, CB_AVAILABILITY_OFFLINE, CB_LINE_STATE_IDLE, "open", NULL, "Offline" },
    { CB_USER_KIND_DEVICE, CB_AVAILABILITY_OFFLINE, CB_LINE_STATE_OFFLINE, "closed", NULL, "Offline" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CbDirectory) directory = directory_with (cases[i].kind, cases[i].availability, cases[i].line,
                                                         NULL);
      g_autofree char *xml = cb_sip_pidf_document (directory, 7, ENTITY);
      g_autofree char *basic = g_strdup_printf ("<basic>%s</basic>", cases[i].basic);
      g_autofree char *note = g_strdup_printf ("<note>%s</note>", cases[i].note);

      g_test_message ("case %u: %s", i, xml);
      assert_well_formed (xml);
      g_assert_nonnull (strstr (xml, basic));
      g_assert_nonnull (strstr (xml, note));
      if (cases[i].activity != NULL)
        {
          g_autofree char *activity = g_strdup_printf ("<rpid:activities><rpid:%s/></rpid:activities>",
                                                       cases[i].activity);

          g_assert_nonnull (strstr (xml, activity));
        }
      else
        g_assert_null (strstr (xml, "<rpid:activities>"));
    }
}

/* The user's own note, escaped; someone not in the directory is closed. */
static void
test_note_and_nobody (void)
{
  g_autoptr(CbDirectory) directory = directory_with (CB_USER_KIND_USER, CB_AVAILABILITY_BUSY,
                                                     CB_LINE_STATE_IDLE, "Back at 2 <Room \"A\" & B>");
  g_autofree char *xml = cb_sip_pidf_document (directory, 7, ENTITY);
  g_autofree char *nobody = cb_sip_pidf_document (directory, 99, ENTITY);

  assert_well_formed (xml);
  g_assert_nonnull (strstr (xml, "<note>Back at 2 &lt;Room &quot;A&quot; &amp; B&gt;</note>"));
  assert_well_formed (nobody);
  g_assert_nonnull (strstr (nobody, "<basic>closed</basic>"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip/pidf/states", test_states);
  g_test_add_func ("/sip/pidf/note-and-nobody", test_note_and_nobody);

  return g_test_run ();
}
