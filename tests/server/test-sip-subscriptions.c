/* test-sip-subscriptions.c: desk phones' lamps over SIP (SUBSCRIBE/NOTIFY) with sipp and baresip against a real callboardd
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sipp plays the desk phones that watch colleagues (tests/server/
 * sip-subscribe*.xml); phone-library agents are the colleagues who are
 * called. Every NOTIFY sipp receives is in its message trace, which the
 * test reads and parses (the dialog-info XML with GMarkup):
 * - a colleague called, answering and hanging up shows as early →
 *   confirmed → terminated, with the caller and the ringing dialog's
 *   call-id and tags for a subscriber at team, without them at business
 *   (over UDP, with the subscriber on TCP, and a NOTIFY over 1300 bytes
 *   on UDP);
 * - a DeviceOnly phone's number is a lamp too;
 * - level public gets 403, an unknown package 489, a too short Expires
 *   423; a refresh is granted at most the maximum and notified again,
 *   Expires: 0 ends the subscription with a final NOTIFY, and one left
 *   alone runs out with terminated;reason=timeout;
 * - the bounds: past the device's 403, past the total 503 with
 *   Retry-After, and room again once others ended;
 * - a restart (a crash, then an orderly stop) tells the subscriber in
 *   its dialog to subscribe again at once, and the lamp is right again;
 * - a hunt group's lamp (and its ringing count over REST);
 * - a sipp phone picks a ringing call up with an INVITE with Replaces
 *   naming the dialog its NOTIFY showed; the picker's call event and
 *   journal name whom it was picked up from;
 * - a ringing call deflected over REST rings the new target unanswered;
 * - baresip's presence module follows a colleague's presence (PIDF).
 */

#define G_LOG_DOMAIN "cb-sip-subscriptions"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "cb-test-phone.h"
#include "cb-test-sipp.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS
#define SIPP_MS 60000
#define DIALOG_TYPE "application/dialog-info+xml"

/* Names that make a NOTIFY about two calls larger than RFC 3261's 1300
 * bytes (a display name has at most 256 characters). */
#define LONG_NAME(first) \
  first " Alexander Maximilian Friedrich-Wilhelm von und zu Hohenstein-Langenberg " \
  "Wittgenstein-Berleburg, Freiherr auf Schloss Altenstein an der Oberen Lahn " \
  "im Westerwald, Mitglied des Vorstands der Vereinigten Telefonwerke AG"
#define KURT_NAME LONG_NAME ("Kurt")
#define LENA_NAME LONG_NAME ("Lena")

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\"},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carl\",\"display_name\":\"Carl\",\"extension\":\"203\",\"password\":\"pw\"},"
  " {\"username\":\"bea\",\"display_name\":\"Bea\",\"extension\":\"204\",\"password\":\"pw\"},"
  " {\"username\":\"pia\",\"display_name\":\"Pia\",\"extension\":\"205\",\"password\":\"pw\"},"
  " {\"username\":\"dora\",\"display_name\":\"Dora\",\"extension\":\"206\",\"password\":\"pw\"},"
  " {\"username\":\"kurt\",\"display_name\":\"" KURT_NAME "\",\"extension\":\"207\",\"password\":\"pw\"},"
  " {\"username\":\"lena\",\"display_name\":\"" LENA_NAME "\",\"extension\":\"208\",\"password\":\"pw\"},"
  " {\"username\":\"lobby\",\"display_name\":\"Lobby phone\",\"extension\":\"290\",\"kind\":\"device\"}],"
  "\"groups\":["
  " {\"name\":\"Team\",\"kind\":\"authorisation\",\"level\":\"team\","
  "  \"members\":[\"anna\",\"ben\",\"carl\",\"dora\",\"kurt\",\"lena\",\"lobby\"]},"
  " {\"name\":\"Office\",\"kind\":\"authorisation\",\"level\":\"business\","
  "  \"members\":[\"bea\",\"ben\",\"carl\"]},"
  " {\"name\":\"Front\",\"kind\":\"hunt\",\"number\":\"700\",\"level\":\"team\","
  "  \"members\":[\"ben\",\"anna\"]}]}";

typedef struct {
  CbTestServer *server;
  char         *tmpdir;
  char         *target;       /* callboardd's SIP address, host:port */
  CbTestPhone   anna, ben, carl, bea, pia, dora;
  CbTestStream *stream;       /* anna's events */
} Fixture;

/* ---- what sipp received ---------------------------------------------------- */

/* One message from sipp's -trace_msg file, as it came in. */
typedef struct {
  char *start;       /* "NOTIFY sip:… SIP/2.0" or "SIP/2.0 200 OK" */
  char *headers;     /* the header lines, CRLF-separated */
  char *body;
} Message;

static void
message_free (Message *message)
{
  g_free (message->start);
  g_free (message->headers);
  g_free (message->body);
  g_free (message);
}

/* The value of a header (first of its name), or NULL. */
static char *
header (const Message *message,
        const char    *name)
{
  g_auto(GStrv) lines = g_strsplit (message->headers, "\r\n", 0);
  g_autofree char *prefix = g_strdup_printf ("%s:", name);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], prefix, strlen (prefix)) == 0)
      return g_strstrip (g_strdup (lines[i] + strlen (prefix)));
  return NULL;
}

static guint
status_of (const Message *message)
{
  if (!g_str_has_prefix (message->start, "SIP/2.0 "))
    return 0;
  return (guint) g_ascii_strtoull (message->start + 8, NULL, 10);
}

static gboolean
is_notify (const Message *message)
{
  return g_str_has_prefix (message->start, "NOTIFY ");
}

/* The messages sipp received so far (its trace is written as they come). */
static GPtrArray *
read_received (const char *path)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) message_free);
  g_autofree char *text = NULL;
  g_auto(GStrv) blocks = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return messages;
  blocks = g_strsplit (text, "----------------------------------------------- ", 0);
  for (guint i = 0; blocks[i] != NULL; i++)
    {
      const char *block = blocks[i];
      const char *start, *end_of_start, *end_of_headers;
      g_autofree char *length = NULL;
      Message *message;
      gsize body_length;

      if ((start = strstr (block, "message received [")) == NULL)
        continue;
      start = strchr (start, '\n');
      while (start != NULL && (*start == '\n' || *start == '\r'))
        start++;
      if (start == NULL || (end_of_start = strstr (start, "\r\n")) == NULL ||
          (end_of_headers = strstr (end_of_start, "\r\n\r\n")) == NULL)
        continue;
      message = g_new0 (Message, 1);
      message->start = g_strndup (start, end_of_start - start);
      message->headers = g_strndup (end_of_start + 2, end_of_headers - end_of_start - 2);
      length = header (message, "Content-Length");
      body_length = length != NULL ? g_ascii_strtoull (length, NULL, 10) : 0;
      /* The last block may be half written: it is read again next time. */
      if (strlen (end_of_headers + 4) < body_length)
        {
          message_free (message);
          continue;
        }
      message->body = g_strndup (end_of_headers + 4, body_length);
      g_ptr_array_add (messages, message);
    }
  return messages;
}

/* ---- dialog-info documents ----------------------------------------------- */

typedef struct {
  char     *id;
  char     *call_id;
  char     *local_tag;
  char     *remote_tag;
  char     *direction;
  char     *state;
  gboolean  has_remote;
  char     *remote_display;
  char     *remote_identity;
} Dialog;

typedef struct {
  guint      version;
  char      *entity;
  char      *state;
  GPtrArray *dialogs;
  /* parser state */
  Dialog    *current;
  gboolean   in_remote;
  GString   *text;
} DialogInfo;

static void
dialog_free (Dialog *dialog)
{
  g_free (dialog->id);
  g_free (dialog->call_id);
  g_free (dialog->local_tag);
  g_free (dialog->remote_tag);
  g_free (dialog->direction);
  g_free (dialog->state);
  g_free (dialog->remote_display);
  g_free (dialog->remote_identity);
  g_free (dialog);
}

static void
dialog_info_free (DialogInfo *info)
{
  g_free (info->entity);
  g_free (info->state);
  g_ptr_array_unref (info->dialogs);
  if (info->text != NULL)
    g_string_free (info->text, TRUE);
  g_free (info);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DialogInfo, dialog_info_free)

static const char *
attribute (const char **names,
           const char **values,
           const char  *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return values[i];
  return NULL;
}

static void
on_start (GMarkupParseContext  *context,
          const char           *element,
          const char          **names,
          const char          **values,
          gpointer              data,
          GError              **error)
{
  DialogInfo *info = data;

  g_string_truncate (info->text, 0);
  if (g_str_equal (element, "dialog-info"))
    {
      info->version = (guint) g_ascii_strtoull (attribute (names, values, "version"), NULL, 10);
      info->entity = g_strdup (attribute (names, values, "entity"));
      info->state = g_strdup (attribute (names, values, "state"));
    }
  else if (g_str_equal (element, "dialog"))
    {
      info->current = g_new0 (Dialog, 1);
      info->current->id = g_strdup (attribute (names, values, "id"));
      info->current->call_id = g_strdup (attribute (names, values, "call-id"));
      info->current->local_tag = g_strdup (attribute (names, values, "local-tag"));
      info->current->remote_tag = g_strdup (attribute (names, values, "remote-tag"));
      info->current->direction = g_strdup (attribute (names, values, "direction"));
      g_ptr_array_add (info->dialogs, info->current);
    }
  else if (g_str_equal (element, "remote") && info->current != NULL)
    {
      info->in_remote = TRUE;
      info->current->has_remote = TRUE;
    }
  else if (g_str_equal (element, "identity") && info->in_remote)
    info->current->remote_display = g_strdup (attribute (names, values, "display"));
}

static void
on_end (GMarkupParseContext  *context,
        const char           *element,
        gpointer              data,
        GError              **error)
{
  DialogInfo *info = data;

  if (g_str_equal (element, "state") && info->current != NULL)
    info->current->state = g_strdup (info->text->str);
  else if (g_str_equal (element, "identity") && info->in_remote)
    info->current->remote_identity = g_strdup (info->text->str);
  else if (g_str_equal (element, "remote"))
    info->in_remote = FALSE;
  else if (g_str_equal (element, "dialog"))
    info->current = NULL;
}

static void
on_text (GMarkupParseContext  *context,
         const char           *text,
         gsize                 length,
         gpointer              data,
         GError              **error)
{
  g_string_append_len (((DialogInfo *) data)->text, text, length);
}

/* Parses the document; a malformed one fails the test. */
static DialogInfo *
parse_dialog_info (const char *xml)
{
  static const GMarkupParser parser = { on_start, on_end, on_text, NULL, NULL };
  DialogInfo *info = g_new0 (DialogInfo, 1);
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const char *root = strstr (xml, "<dialog-info");

  g_assert_nonnull (root);
  info->dialogs = g_ptr_array_new_with_free_func ((GDestroyNotify) dialog_free);
  info->text = g_string_new (NULL);
  context = g_markup_parse_context_new (&parser, 0, info, NULL);
  if (!g_markup_parse_context_parse (context, root, -1, &error) ||
      !g_markup_parse_context_end_parse (context, &error))
    {
      g_autofree char *escaped = g_strescape (xml, NULL);

      g_error ("Not dialog-info XML (%s): %s", error->message, escaped);
    }
  return info;
}

static Dialog *
find_dialog (DialogInfo *info,
             const char *state)
{
  for (guint i = 0; i < info->dialogs->len; i++)
    {
      Dialog *dialog = g_ptr_array_index (info->dialogs, i);

      if (state == NULL || g_strcmp0 (dialog->state, state) == 0)
        return dialog;
    }
  return NULL;
}

/* ---- a sipp subscriber ----------------------------------------------------- */

typedef struct {
  CbTestSipp *sipp;
  char       *trace;     /* its -message_file */
  guint       port;
  guint       cursor;    /* messages already looked at */
  GPtrArray  *received;  /* Message, as read last */
} Subscriber;

static void
subscriber_free (Subscriber *sub)
{
  g_clear_pointer (&sub->sipp, cb_test_sipp_free);
  g_free (sub->trace);
  g_clear_pointer (&sub->received, g_ptr_array_unref);
  g_free (sub);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Subscriber, subscriber_free)

static char *
injection (Fixture    *fixture,
           const char *name,
           const char *row)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("SEQUENTIAL\n%s\n", row);
  char *path = g_build_filename (fixture->tmpdir, name, NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* sipp runs scenario (tests/server/…) as `who`, watching number's event
 * package (Expires: expires), from a port of its own (port 0: a free
 * one) with the extra arguments (NULL-terminated array, may be NULL). */
static Subscriber *
subscriber_start_full (Fixture            *fixture,
                       const char         *name,
                       const char         *scenario,
                       CbTestPhone        *who,
                       const char         *number,
                       const char         *event,
                       guint               expires,
                       guint               port,
                       const char * const *extra)
{
  g_autofree char *path = g_build_filename (SOURCE_ROOT, "tests", "server", scenario, NULL);
  g_autofree char *row = NULL;
  g_autofree char *inf = NULL;
  g_autofree char *inf_name = g_strdup_printf ("%s.csv", name);
  g_autofree char *port_arg = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  Subscriber *sub = g_new0 (Subscriber, 1);

  row = g_strdup_printf ("%s;[authentication username=%s password=%s];%s;%s;%s;%u",
                         who->line, who->line, who->password, number, event,
                         g_str_equal (event, "presence") ? "application/pidf+xml" : DIALOG_TYPE,
                         expires);
  inf = injection (fixture, inf_name, row);
  sub->trace = g_strdup_printf ("%s/%s-messages.log", fixture->tmpdir, name);
  sub->port = port > 0 ? port : cb_test_free_udp_port ();
  port_arg = g_strdup_printf ("%u", sub->port);
  sub->received = g_ptr_array_new ();
  g_ptr_array_add (args, fixture->target);
  g_ptr_array_add (args, (gpointer) "-p");
  g_ptr_array_add (args, port_arg);
  g_ptr_array_add (args, (gpointer) "-inf");
  g_ptr_array_add (args, inf);
  g_ptr_array_add (args, (gpointer) "-trace_msg");
  g_ptr_array_add (args, (gpointer) "-message_file");
  g_ptr_array_add (args, sub->trace);
  /* A lamp waits as long as the test needs between NOTIFYs. */
  g_ptr_array_add (args, (gpointer) "-timeout");
  g_ptr_array_add (args, (gpointer) "120s");
  g_ptr_array_add (args, (gpointer) "-recv_timeout");
  g_ptr_array_add (args, (gpointer) "60000");
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) extra[i]);
  g_ptr_array_add (args, NULL);
  sub->sipp = cb_test_sipp_start_argv (fixture->tmpdir, name, path, (const char * const *) args->pdata);
  return sub;
}

static Subscriber *
subscriber_start (Fixture     *fixture,
                  const char  *name,
                  CbTestPhone *who,
                  const char  *number,
                  const char  *event)
{
  return subscriber_start_full (fixture, name, "sip-subscribe.xml", who, number, event, 300, 0, NULL);
}

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* All of the subscriber's message trace (kept with it until the next call). */
static const char *
read_trace_text (Subscriber *sub)
{
  static char *text;

  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (sub->trace, &text, NULL, NULL));
  return text;
}

typedef gboolean (*MessageTest) (const Message *message,
                                 gpointer       data);

/* The first message received after the cursor that passes `test`
 * (borrowed from sub->received); moves the cursor past it. Fails the test
 * after WAIT_MS, or when sipp exits first. */
static const Message *
wait_message (Subscriber  *sub,
              MessageTest  test,
              gpointer     data,
              const char  *what)
{
  guint ticker = g_timeout_add (20, tick, NULL);
  CbTestTimer timer;

  cb_test_timer_start (&timer, WAIT_MS);
  for (;;)
    {
      g_clear_pointer (&sub->received, g_ptr_array_unref);
      sub->received = read_received (sub->trace);
      for (; sub->cursor < sub->received->len; sub->cursor++)
        {
          const Message *message = g_ptr_array_index (sub->received, sub->cursor);

          if (test (message, data))
            {
              sub->cursor++;
              cb_test_timer_stop (&timer);
              g_source_remove (ticker);
              return message;
            }
        }
      if (sub->sipp->exited)
        {
          g_autofree char *errors = cb_test_sipp_errors (sub->sipp);

          g_error ("sipp %s ended before %s: %s", sub->sipp->name, what, errors != NULL ? errors : "");
        }
      cb_test_timer_iterate (&timer, what);
    }
}

static gboolean
any_notify (const Message *message,
            gpointer       data)
{
  return is_notify (message);
}

/* A NOTIFY whose document has a dialog in state `data` (NULL: none at all). */
static gboolean
notify_with_dialog (const Message *message,
                    gpointer       data)
{
  g_autoptr(DialogInfo) info = NULL;

  if (!is_notify (message) || strstr (message->body, "<dialog-info") == NULL)
    return FALSE;
  info = parse_dialog_info (message->body);
  return data != NULL ? find_dialog (info, data) != NULL : info->dialogs->len == 0;
}

static gboolean
response_with (const Message *message,
               gpointer       data)
{
  return status_of (message) == GPOINTER_TO_UINT (data);
}

static const Message *
wait_dialog (Subscriber *sub,
             const char *state,
             const char *what)
{
  return wait_message (sub, notify_with_dialog, (gpointer) state, what);
}

/* ---- the fixture ---------------------------------------------------------- */

static void
fetch_line (Fixture     *fixture,
            CbTestPhone *user,
            const char  *username)
{
  cb_test_phone_fetch_line (fixture->server, user, username);
  if (fixture->target == NULL)
    fixture->target = g_strdup (user->registrar + strlen ("sip:"));
}

/* data: extra server arguments (NULL-terminated), NULL for none. */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char * const *extra = data;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (args, g_strdup ("--sip-port"));
  g_ptr_array_add (args, g_strdup ("0"));
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (args, g_strdup (extra[i]));
  g_ptr_array_add (args, NULL);
  fixture->server = cb_test_server_start (directory, (const char * const *) args->pdata);
  fixture->tmpdir = g_dir_make_tmp ("cb-subscriptions-XXXXXX", &error);
  g_assert_no_error (error);
  fetch_line (fixture, &fixture->anna, "anna");
  /* A restarted server listens where the phones expect it: on the SIP
   * port this one took (a port chosen before the start could be taken
   * by then, by some connection's own end). */
  g_assert_cmpstr (fixture->server->extra_args[0], ==, "--sip-port");
  g_free (fixture->server->extra_args[1]);
  fixture->server->extra_args[1] = g_strdup (strrchr (fixture->target, ':') + 1);
  fetch_line (fixture, &fixture->bea, "bea");
  fetch_line (fixture, &fixture->pia, "pia");
  cb_test_phone_start_user (fixture->server, &fixture->ben, "ben", 600, 400);
  cb_test_phone_start_user (fixture->server, &fixture->carl, "carl", 400, 600);
  fixture->ben.manual_answer = TRUE;
  fixture->stream = cb_test_stream_open (fixture->server, fixture->anna.token, -1, TRUE);
  g_assert_null (fixture->stream->error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->stream, cb_test_stream_close);
  cb_test_phone_clear_all (&fixture->anna, &fixture->ben, &fixture->carl, &fixture->bea,
                           &fixture->pia, &fixture->dora, NULL);
  cb_test_remove_dir (fixture->tmpdir);
  g_free (fixture->tmpdir);
  g_free (fixture->target);
  cb_test_server_stop (fixture->server);
}

/* ---- the dialog package --------------------------------------------------- */

/* Carl calls Ben, Ben answers, Carl hangs up: Anna's lamp (team) shows
 * early → confirmed → terminated with Carl and the ringing dialog, Bea's
 * (business) the same states without them. */
static void
dialog_states (Fixture    *fixture,
               const char *transport)
{
  const char * const extra[] = { "-t", transport, NULL };
  g_autoptr(Subscriber) anna = NULL;
  g_autoptr(Subscriber) bea = NULL;
  g_autoptr(DialogInfo) early = NULL;
  g_autoptr(DialogInfo) quiet = NULL;
  g_autoptr(DialogInfo) confirmed = NULL;
  g_autoptr(DialogInfo) over = NULL;
  g_autofree char *state = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *entity = NULL;
  const Message *message;
  Dialog *dialog;

  if (!cb_test_have_sipp ())
    return;

  anna = subscriber_start_full (fixture, "anna", "sip-subscribe.xml", &fixture->anna, "202", "dialog", 300, 0,
                                extra);
  bea = subscriber_start (fixture, "bea", &fixture->bea, "202", "dialog");
  message = wait_message (anna, response_with, GUINT_TO_POINTER (200), "anna's SUBSCRIBE accepted");
  state = header (message, "Expires");
  g_assert_cmpstr (state, ==, "300");
  g_clear_pointer (&state, g_free);

  /* Nothing yet: a full document without dialogs. */
  message = wait_dialog (anna, NULL, "the first NOTIFY");
  state = header (message, "Subscription-State");
  content_type = header (message, "Content-Type");
  g_assert_true (g_str_has_prefix (state, "active;expires="));
  g_assert_cmpstr (content_type, ==, DIALOG_TYPE);
  quiet = parse_dialog_info (message->body);
  entity = g_strdup_printf ("sip:202@%s", fixture->target);
  g_assert_cmpstr (quiet->entity, ==, entity);
  g_assert_cmpstr (quiet->state, ==, "full");
  wait_dialog (bea, NULL, "bea's first NOTIFY");

  cb_test_phone_dial (&fixture->carl, "202");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "ben's phone to ring");

  message = wait_dialog (anna, "early", "early at anna's lamp");
  early = parse_dialog_info (message->body);
  g_assert_cmpuint (early->version, >, quiet->version);
  dialog = find_dialog (early, "early");
  g_assert_cmpstr (dialog->direction, ==, "recipient");
  /* Team: the caller, and Ben's ringing dialog for a pickup. */
  g_assert_true (dialog->has_remote);
  g_assert_cmpstr (dialog->remote_display, ==, "Carl");
  g_assert_true (g_str_has_prefix (dialog->remote_identity, "sip:203@"));
  g_assert_cmpstr (dialog->call_id, ==, cb_sip_call_get_call_id (fixture->ben.call));
  g_assert_nonnull (dialog->local_tag);
  g_assert_nonnull (dialog->remote_tag);

  /* Business: the state only. */
  {
    g_autoptr(DialogInfo) business = NULL;
    Dialog *seen;

    message = wait_dialog (bea, "early", "early at bea's lamp");
    business = parse_dialog_info (message->body);
    seen = find_dialog (business, "early");
    g_assert_cmpstr (seen->id, ==, dialog->id);
    g_assert_false (seen->has_remote);
    g_assert_null (seen->call_id);
    g_assert_null (seen->local_tag);
    g_assert_null (strstr (message->body, "sip:203@"));
    g_assert_null (strstr (message->body, "Carl"));
  }

  cb_test_phone_answer (&fixture->ben);
  message = wait_dialog (anna, "confirmed", "confirmed at anna's lamp");
  confirmed = parse_dialog_info (message->body);
  g_assert_cmpstr (find_dialog (confirmed, "confirmed")->id, ==, dialog->id);
  g_assert_cmpstr (find_dialog (confirmed, "confirmed")->remote_display, ==, "Carl");
  /* No pickup of an answered call. */
  g_assert_null (find_dialog (confirmed, "confirmed")->call_id);
  wait_dialog (bea, "confirmed", "confirmed at bea's lamp");

  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "carl connected");
  cb_sip_call_hangup (fixture->carl.call);
  message = wait_dialog (anna, "terminated", "terminated at anna's lamp");
  over = parse_dialog_info (message->body);
  g_assert_cmpstr (find_dialog (over, "terminated")->id, ==, dialog->id);
  g_assert_cmpuint (over->version, >, confirmed->version);

  /* The scenarios unsubscribe (Expires: 0) and see the final NOTIFY. */
  cb_test_sipp_finish (anna->sipp, SIPP_MS);
  cb_test_sipp_finish (bea->sipp, SIPP_MS);
  g_clear_pointer (&state, g_free);
  g_clear_pointer (&anna->received, g_ptr_array_unref);
  anna->received = read_received (anna->trace);
  message = g_ptr_array_index (anna->received, anna->received->len - 1);
  g_assert_true (is_notify (message));
  state = header (message, "Subscription-State");
  g_assert_true (g_str_has_prefix (state, "terminated"));
  if (g_str_equal (transport, "t1"))
    {
      g_assert_nonnull (strstr (read_trace_text (anna), "TCP message received"));
      g_assert_null (strstr (read_trace_text (anna), "UDP message received"));
    }
}

static void
test_dialog_states (Fixture       *fixture,
                    gconstpointer  data)
{
  dialog_states (fixture, "u1");
}

/* The same with Anna's phone on TCP: the NOTIFYs go back over its
 * connection. */
static void
test_dialog_states_tcp (Fixture       *fixture,
                        gconstpointer  data)
{
  dialog_states (fixture, "t1");
}

/* Kurt and Lena, whose names are long, call Ben at once: the NOTIFY to
 * Anna's phone about both calls is over 1300 bytes and comes over UDP,
 * where the phone listens (RFC 3261 §18.1.1 has a sender try TCP first). */
static gboolean
notify_with_two_early (const Message *message,
                       gpointer       data)
{
  g_autoptr(DialogInfo) info = NULL;
  guint early = 0;

  if (!is_notify (message) || strstr (message->body, "<dialog-info") == NULL)
    return FALSE;
  info = parse_dialog_info (message->body);
  for (guint i = 0; i < info->dialogs->len; i++)
    early += g_strcmp0 (((Dialog *) g_ptr_array_index (info->dialogs, i))->state, "early") == 0;
  return early == 2;
}

static void
test_large_notify (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(Subscriber) anna = NULL;
  CbTestPhone kurt = { 0 }, lena = { 0 };
  const Message *message;

  if (!cb_test_have_sipp ())
    return;

  anna = subscriber_start (fixture, "anna", &fixture->anna, "202", "dialog");
  wait_dialog (anna, NULL, "the first NOTIFY");
  cb_test_phone_start_user (fixture->server, &kurt, "kurt", 700, 600);
  cb_test_phone_start_user (fixture->server, &lena, "lena", 900, 600);
  cb_test_phone_dial (&kurt, "202");
  cb_test_phone_dial (&lena, "202");
  message = wait_message (anna, notify_with_two_early, NULL, "both calls early at anna's lamp");
  g_assert_cmpuint (strlen (message->body), >, 1300);
  g_assert_nonnull (strstr (message->body, KURT_NAME));
  g_assert_nonnull (strstr (message->body, LENA_NAME));
  g_assert_nonnull (strstr (read_trace_text (anna), "UDP message received"));
  g_assert_null (strstr (read_trace_text (anna), "TCP message received"));
  cb_sip_call_hangup (kurt.call);
  cb_sip_call_hangup (lena.call);
  cb_test_phone_clear_all (&kurt, &lena, NULL);
  cb_test_sipp_kill (anna->sipp);
}

/* Public towards Ben: 403 after the challenge. A package nobody knows:
 * 489 Bad Event, no challenge. */
static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(Subscriber) pia = NULL;
  g_autoptr(Subscriber) odd = NULL;
  g_autoptr(Subscriber) nobody = NULL;
  g_autofree char *allow_events = NULL;
  const Message *message;

  if (!cb_test_have_sipp ())
    return;

  pia = subscriber_start (fixture, "pia", &fixture->pia, "202", "dialog");
  wait_message (pia, response_with, GUINT_TO_POINTER (401), "pia challenged");
  wait_message (pia, response_with, GUINT_TO_POINTER (403), "pia refused");
  g_assert_false (cb_test_sipp_wait (pia->sipp, SIPP_MS));

  odd = subscriber_start (fixture, "odd", &fixture->anna, "202", "message-summary");
  message = wait_message (odd, response_with, GUINT_TO_POINTER (489), "489 Bad Event");
  allow_events = header (message, "Allow-Events");
  g_assert_nonnull (strstr (allow_events, "dialog"));
  g_assert_nonnull (strstr (allow_events, "presence"));
  g_assert_false (cb_test_sipp_wait (odd->sipp, SIPP_MS));

  /* A number that is nobody's. */
  nobody = subscriber_start (fixture, "nobody", &fixture->anna, "299", "dialog");
  wait_message (nobody, response_with, GUINT_TO_POINTER (404), "404 for nobody");
  g_assert_false (cb_test_sipp_wait (nobody->sipp, SIPP_MS));
}

/* 423 below the minimum; granted 120 s; a refresh asking for 100000 s
 * gets the maximum (600 here) and the NOTIFY again; Expires: 0 ends it. */
static void
test_refresh (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(Subscriber) anna = NULL;
  g_autofree char *min = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *refreshed = NULL;
  g_autofree char *state = NULL;
  const Message *message;

  if (!cb_test_have_sipp ())
    return;

  anna = subscriber_start_full (fixture, "refresh", "sip-subscribe-refresh.xml", &fixture->anna, "202",
                                "dialog", 120, 0, NULL);
  message = wait_message (anna, response_with, GUINT_TO_POINTER (423), "423 Interval Too Brief");
  min = header (message, "Min-Expires");
  g_assert_cmpstr (min, ==, "60");
  message = wait_message (anna, response_with, GUINT_TO_POINTER (200), "the subscription");
  expires = header (message, "Expires");
  g_assert_cmpstr (expires, ==, "120");
  message = wait_message (anna, any_notify, NULL, "the first NOTIFY");
  state = header (message, "Subscription-State");
  g_assert_true (g_str_has_prefix (state, "active;expires=1"));
  g_clear_pointer (&state, g_free);

  message = wait_message (anna, response_with, GUINT_TO_POINTER (200), "the refresh");
  refreshed = header (message, "Expires");
  g_assert_cmpstr (refreshed, ==, "600");
  message = wait_message (anna, any_notify, NULL, "the NOTIFY of the refresh");
  state = header (message, "Subscription-State");
  g_assert_true (g_str_has_prefix (state, "active;expires=6") ||
                 g_str_has_prefix (state, "active;expires=59"));
  g_clear_pointer (&state, g_free);

  message = wait_message (anna, response_with, GUINT_TO_POINTER (200), "the unsubscribe");
  cb_test_sipp_finish (anna->sipp, SIPP_MS);
  message = wait_message (anna, any_notify, NULL, "the final NOTIFY");
  state = header (message, "Subscription-State");
  g_assert_true (g_str_has_prefix (state, "terminated"));
}

/* A DeviceOnly phone's number is a lamp too: the dialog package's first
 * NOTIFY names it, and presence says closed while it is not registered. */
static void
test_device_target (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(Subscriber) lamp = NULL;
  g_autoptr(Subscriber) presence = NULL;
  g_autoptr(DialogInfo) info = NULL;
  g_autofree char *entity = NULL;
  const Message *message;

  if (!cb_test_have_sipp ())
    return;

  lamp = subscriber_start_full (fixture, "device-lamp", "sip-subscribe-hold.xml", &fixture->anna, "290",
                                "dialog", 1, 0, NULL);
  presence = subscriber_start_full (fixture, "device-presence", "sip-subscribe-hold.xml", &fixture->anna,
                                    "290", "presence", 1, 0, NULL);
  message = wait_dialog (lamp, NULL, "the device's lamp");
  info = parse_dialog_info (message->body);
  entity = g_strdup_printf ("sip:290@%s", fixture->target);
  g_assert_cmpstr (info->entity, ==, entity);
  message = wait_message (presence, any_notify, NULL, "the device's presence");
  g_assert_nonnull (strstr (message->body, "<basic>closed</basic>"));
  /* Both run out by themselves (Expires: 1). */
  cb_test_sipp_finish (lamp->sipp, SIPP_MS);
  cb_test_sipp_finish (presence->sipp, SIPP_MS);
}

/* Left alone, a subscription runs out: terminated;reason=timeout. */
static void
test_expiry (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(Subscriber) anna = NULL;
  g_autofree char *state = NULL;
  const Message *message;
  gint64 start;

  if (!cb_test_have_sipp ())
    return;

  anna = subscriber_start_full (fixture, "expiry", "sip-subscribe-hold.xml", &fixture->anna, "202",
                                "dialog", 2, 0, NULL);
  wait_message (anna, any_notify, NULL, "the first NOTIFY");
  start = g_get_monotonic_time ();
  message = wait_message (anna, any_notify, NULL, "the NOTIFY at the end");
  state = header (message, "Subscription-State");
  g_assert_cmpstr (state, ==, "terminated;reason=timeout");
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC);
  cb_test_sipp_finish (anna->sipp, SIPP_MS);
}

/* At most 2 from one device and 3 in all (this server's settings): a
 * third from one sipp gets 403, a second sipp's second 503 with
 * Retry-After; once they have run out, there is room again. */
static void
test_bounds (Fixture       *fixture,
             gconstpointer  data)
{
  static const char * const three[] = { "-m", "3", "-r", "20", NULL };
  static const char * const two[] = { "-m", "2", "-r", "20", NULL };
  g_autoptr(Subscriber) first = NULL;
  g_autoptr(Subscriber) second = NULL;
  g_autoptr(Subscriber) later = NULL;
  g_autofree char *retry = NULL;
  const Message *message;

  if (!cb_test_have_sipp ())
    return;

  first = subscriber_start_full (fixture, "device1", "sip-subscribe-hold.xml", &fixture->anna, "202",
                                 "dialog", 3, 0, three);
  message = wait_message (first, response_with, GUINT_TO_POINTER (403), "the device's bound");
  g_assert_true (g_str_has_suffix (message->start, "Too many subscriptions from this device"));
  second = subscriber_start_full (fixture, "device2", "sip-subscribe-hold.xml", &fixture->anna, "202",
                                  "dialog", 3, 0, two);
  message = wait_message (second, response_with, GUINT_TO_POINTER (503), "the total bound");
  retry = header (message, "Retry-After");
  g_assert_cmpstr (retry, ==, "60");

  /* The others run out (terminated;reason=timeout): room again. */
  cb_test_sipp_wait (first->sipp, SIPP_MS);
  cb_test_sipp_wait (second->sipp, SIPP_MS);
  later = subscriber_start_full (fixture, "device3", "sip-subscribe-hold.xml", &fixture->anna, "202",
                                 "dialog", 1, 0, NULL);
  wait_message (later, response_with, GUINT_TO_POINTER (200), "a subscription after the others");
  cb_test_sipp_finish (later->sipp, SIPP_MS);
}

/* ---- restarts -------------------------------------------------------------- */

/* Anna's lamp of Ben through a restart (a crash, or an orderly stop):
 * before it, the subscription is known to be kept (a
 * call's NOTIFYs came after the first was answered); after it, Anna's
 * phone is told in its old dialog to subscribe again at once
 * (terminated;reason=deactivated: from the restarted server after a
 * crash, from the stopping one otherwise), does so, and the lamp follows
 * the next call within seconds. */
static void
restart (Fixture  *fixture,
         gboolean  crash)
{
  g_autoptr(Subscriber) anna = NULL;
  g_autofree char *first_from = NULL;
  g_autofree char *first_to = NULL;
  g_autofree char *first_cseq = NULL;
  g_autofree char *state = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *cseq = NULL;
  const Message *message;
  gint64 restarted;

  if (!cb_test_have_sipp ())
    return;

  anna = subscriber_start_full (fixture, "restart", "sip-subscribe-restart.xml", &fixture->anna, "202",
                                "dialog", 300, 0, NULL);
  message = wait_dialog (anna, NULL, "the first NOTIFY");
  first_from = header (message, "From");
  first_to = header (message, "To");

  /* A call: its NOTIFYs go out only once the first was answered, which
   * is when the subscription's dialog is kept. */
  cb_test_phone_dial (&fixture->carl, "202");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "ben's phone to ring");
  wait_dialog (anna, "early", "early before the restart");
  cb_sip_call_hangup (fixture->carl.call);
  message = wait_dialog (anna, "terminated", "the call over before the restart");
  first_cseq = header (message, "CSeq");
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ENDED, "ben's phone to stop");

  cb_test_server_kill (fixture->server, crash ? SIGKILL : SIGTERM);
  if (!crash)
    {
      /* The stopping server said so before it went. */
      message = wait_message (anna, any_notify, NULL, "the NOTIFY of the stopping server");
      state = header (message, "Subscription-State");
      g_assert_cmpstr (state, ==, "terminated;reason=deactivated");
    }
  cb_test_server_restart (fixture->server);
  restarted = g_get_monotonic_time ();
  if (crash)
    {
      /* The restarted server tells the subscriber of before, in its dialog. */
      message = wait_message (anna, any_notify, NULL, "the NOTIFY of the restarted server");
      state = header (message, "Subscription-State");
      from = header (message, "From");
      to = header (message, "To");
      cseq = header (message, "CSeq");
      g_assert_cmpstr (state, ==, "terminated;reason=deactivated");
      g_assert_cmpstr (from, ==, first_from);
      g_assert_cmpstr (to, ==, first_to);
      g_assert_cmpuint (g_ascii_strtoull (cseq, NULL, 10), >, g_ascii_strtoull (first_cseq, NULL, 10));
    }

  /* A new subscription, at once, with the lamp as it is now. */
  message = wait_dialog (anna, NULL, "the NOTIFY of the new subscription");
  g_clear_pointer (&from, g_free);
  from = header (message, "From");
  g_assert_cmpstr (from, !=, first_from);
  g_test_message ("The lamp was back %.1f s after the restart",
                  (g_get_monotonic_time () - restarted) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - restarted, <, 5 * G_USEC_PER_SEC);

  /* The phones register again (the server lost their bindings in a
   * crash, and keeps none over a stop); the lamp follows a call. */
  cb_test_phone_register (&fixture->ben, fixture->ben.registrar, NULL);
  cb_test_phone_register (&fixture->carl, fixture->carl.registrar, NULL);
  cb_test_phone_dial (&fixture->carl, "202");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "ben's phone to ring again");
  wait_dialog (anna, "early", "early after the restart");
  cb_sip_call_hangup (fixture->carl.call);
  wait_dialog (anna, "terminated", "the call over after the restart");
  cb_test_sipp_finish (anna->sipp, SIPP_MS);
}

static void
test_restart_crash (Fixture       *fixture,
                    gconstpointer  data)
{
  restart (fixture, TRUE);
}

static void
test_restart_stop (Fixture       *fixture,
                   gconstpointer  data)
{
  restart (fixture, FALSE);
}

/* ---- a hunt group's lamp ---------------------------------------------------- */

static gint64
group_id (Fixture    *fixture,
          const char *name)
{
  g_autoptr(JsonNode) snapshot = NULL;
  JsonArray *groups;
  guint status = 0;

  snapshot = cb_test_request (fixture->server, "GET", "/api/v1/snapshot", fixture->anna.token, NULL,
                              &status);
  g_assert_cmpuint (status, ==, 200);
  groups = json_object_get_array_member (json_node_get_object (snapshot), "groups");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *group = json_array_get_object_element (groups, i);

      if (g_strcmp0 (json_object_get_string_member (group, "name"), name) == 0)
        return json_object_get_int_member (group, "id");
    }
  g_error ("No group %s", name);
}

/* The next group-calls event of the group with this ringing count. */
static void
wait_group_ringing (CbTestStream *stream,
                    gint64        group,
                    gint64        ringing)
{
  for (;;)
    {
      JsonObject *event = cb_test_stream_wait (stream, "group-calls", 0, WAIT_MS);
      JsonObject *data;

      g_assert_nonnull (event);
      data = json_object_get_object_member (event, "data");
      if (json_object_get_int_member (data, "group_id") == group &&
          json_object_get_int_member (data, "ringing") == ringing)
        return;
    }
}

/* Carl calls the group Front (700), where Ben is logged in: Anna's lamp
 * of the group is early with the caller while it rings at Ben, and the
 * group's ringing count (REST) is 1; Ben answers: the lamp's dialog is
 * over, the count 0. */
static void
test_group_lamp (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(Subscriber) anna = NULL;
  g_autoptr(DialogInfo) early = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  g_autofree char *entity = NULL;
  const Message *message;
  gint64 front = group_id (fixture, "Front");
  Dialog *dialog;
  guint status = 0;

  if (!cb_test_have_sipp ())
    return;

  path = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login", front);
  answer = cb_test_request (fixture->server, "PUT", path, fixture->ben.token, "{\"logged_in\":true}",
                            &status);
  g_assert_cmpuint (status, ==, 200);

  anna = subscriber_start (fixture, "group", &fixture->anna, "700", "dialog");
  wait_dialog (anna, NULL, "the group's first NOTIFY");

  cb_test_phone_dial (&fixture->carl, "700");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "ben's phone to ring");
  message = wait_dialog (anna, "early", "early at the group's lamp");
  early = parse_dialog_info (message->body);
  entity = g_strdup_printf ("sip:700@%s", fixture->target);
  g_assert_cmpstr (early->entity, ==, entity);
  dialog = find_dialog (early, "early");
  g_assert_cmpstr (dialog->direction, ==, "recipient");
  g_assert_cmpstr (dialog->remote_display, ==, "Carl");
  g_assert_cmpstr (dialog->call_id, ==, cb_sip_call_get_call_id (fixture->ben.call));
  wait_group_ringing (fixture->stream, front, 1);

  cb_test_phone_answer (&fixture->ben);
  wait_dialog (anna, "terminated", "the group's lamp when ben took it");
  wait_group_ringing (fixture->stream, front, 0);
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "carl connected");
  cb_sip_call_hangup (fixture->carl.call);
  cb_test_sipp_finish (anna->sipp, SIPP_MS);
}

/* ---- pickup with Replaces ---------------------------------------------------- */

/* A sipp phone of `who` sends an INVITE with Replaces (RFC 5359's
 * reading: to-tag the ringing phone's, from-tag the server's). */
static CbTestSipp *
replaces_start (Fixture     *fixture,
                const char  *name,
                CbTestPhone *who,
                const char  *call_id,
                const char  *to_tag,
                const char  *from_tag)
{
  g_autofree char *path = g_build_filename (SOURCE_ROOT, "tests", "server", "sip-uac-replaces.xml", NULL);
  g_autofree char *inf_name = g_strdup_printf ("%s.csv", name);
  g_autofree char *row = g_strdup_printf ("%s;[authentication username=%s password=%s];202;%s;%s;%s",
                                          who->line, who->line, who->password, call_id, to_tag, from_tag);
  g_autofree char *inf = injection (fixture, inf_name, row);
  g_autofree char *trace = g_strdup_printf ("%s/%s-messages.log", fixture->tmpdir, name);
  g_autofree char *port = g_strdup_printf ("%u", cb_test_free_udp_port ());
  g_autofree char *media = g_strdup_printf ("%u", cb_test_free_udp_port ());
  const char *args[] = {
    fixture->target, "-p", port, "-mp", media, "-inf", inf, "-trace_msg", "-message_file", trace, NULL,
  };

  return cb_test_sipp_start_argv (fixture->tmpdir, name, path, args);
}

/* The final answer sipp got to its INVITE. */
static guint
final_answer (CbTestSipp *sipp,
              const char *trace_name,
              Fixture    *fixture)
{
  g_autofree char *trace = g_strdup_printf ("%s/%s-messages.log", fixture->tmpdir, trace_name);
  g_autoptr(GPtrArray) received = read_received (trace);
  guint status = 0;

  for (guint i = 0; i < received->len; i++)
    {
      guint code = status_of (g_ptr_array_index (received, i));

      if (code >= 200 && code != 407)
        status = code;
    }
  return status;
}

/* The next call event of user_id with picked_up set. */
static JsonObject *
wait_picked_up (CbTestStream *stream,
                gint64        user_id)
{
  for (;;)
    {
      JsonObject *event = cb_test_stream_wait (stream, "call", user_id, WAIT_MS);
      JsonObject *data;

      g_assert_nonnull (event);
      data = json_object_get_object_member (event, "data");
      if (json_object_get_boolean_member (data, "picked_up"))
        return data;
    }
}

/* Carl calls Ben; Anna's lamp shows the ringing dialog. A Replaces naming
 * no dialog gets 481, Bea's (business towards Ben) 403; Anna's sipp phone
 * takes the call: Carl's phone is connected to it, Ben's stops ringing,
 * Anna's call event and journal name Carl and "picked up from Ben". */
static void
test_replaces_pickup (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(Subscriber) lamp = NULL;
  g_autoptr(DialogInfo) early = NULL;
  g_autoptr(CbTestSipp) nothing = NULL;
  g_autoptr(CbTestSipp) bea = NULL;
  g_autoptr(CbTestSipp) anna = NULL;
  g_autoptr(JsonNode) anna_answer = NULL;
  g_autoptr(JsonNode) ben_answer = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *local_tag = NULL;
  g_autofree char *remote_tag = NULL;
  JsonObject *call, *entry, *from;
  const Message *message;
  Dialog *dialog;

  if (!cb_test_have_sipp ())
    return;

  lamp = subscriber_start (fixture, "lamp", &fixture->anna, "202", "dialog");
  wait_dialog (lamp, NULL, "the lamp's first NOTIFY");
  cb_test_phone_dial (&fixture->carl, "202");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "ben's phone to ring");
  message = wait_dialog (lamp, "early", "the ringing dialog at the lamp");
  early = parse_dialog_info (message->body);
  dialog = find_dialog (early, "early");
  call_id = g_strdup (dialog->call_id);
  local_tag = g_strdup (dialog->local_tag);
  remote_tag = g_strdup (dialog->remote_tag);
  g_assert_nonnull (call_id);
  g_assert_nonnull (local_tag);
  g_assert_nonnull (remote_tag);

  nothing = replaces_start (fixture, "nothing", &fixture->anna, "no-such-dialog@nowhere", local_tag,
                            remote_tag);
  g_assert_false (cb_test_sipp_wait (nothing, SIPP_MS));
  g_assert_cmpuint (final_answer (nothing, "nothing", fixture), ==, 481);
  bea = replaces_start (fixture, "bea", &fixture->bea, call_id, local_tag, remote_tag);
  g_assert_false (cb_test_sipp_wait (bea, SIPP_MS));
  g_assert_cmpuint (final_answer (bea, "bea", fixture), ==, 403);
  g_assert_true (cb_test_phone_state_is (&fixture->ben, CB_SIP_CALL_STATE_INCOMING));

  anna = replaces_start (fixture, "anna", &fixture->anna, call_id, local_tag, remote_tag);
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "carl connected to anna's phone");
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ENDED, "ben's phone to stop ringing");
  g_assert_cmpuint (cb_sip_call_get_end_status (fixture->ben.call), ==, 487);
  wait_dialog (lamp, "terminated", "the lamp once the call is taken");

  call = wait_picked_up (fixture->stream, fixture->anna.user_id);
  g_assert_cmpstr (json_object_get_string_member (call, "remote_number"), ==, "203");
  g_assert_cmpstr (json_object_get_string_member (call, "remote_name"), ==, "Carl");
  from = json_object_get_object_member (call, "picked_up_from");
  g_assert_cmpint (json_object_get_int_member (from, "user_id"), ==, fixture->ben.user_id);
  g_assert_cmpstr (json_object_get_string_member (from, "name"), ==, "Ben");

  /* Carl hangs up: the sipp phone gets the BYE and its scenario ends. */
  cb_sip_call_hangup (fixture->carl.call);
  cb_test_sipp_finish (anna, SIPP_MS);
  g_assert_nonnull (cb_test_stream_wait (fixture->stream, "journal", fixture->anna.user_id, WAIT_MS));
  entry = cb_test_phone_last_entry (fixture->server, &fixture->anna, &anna_answer, NULL);
  g_assert_true (json_object_get_boolean_member (entry, "picked_up"));
  g_assert_cmpstr (json_object_get_string_member (entry, "remote_number"), ==, "203");
  from = json_object_get_object_member (entry, "picked_up_from");
  g_assert_cmpint (json_object_get_int_member (from, "user_id"), ==, fixture->ben.user_id);
  entry = cb_test_phone_last_entry (fixture->server, &fixture->ben, &ben_answer, NULL);
  g_assert_cmpint (json_object_get_int_member (entry, "taken_by_user_id"), ==, fixture->anna.user_id);
  g_assert_true (json_object_get_boolean_member (entry, "picked_up"));
  cb_test_sipp_finish (lamp->sipp, SIPP_MS);
}

/* ---- deflection ---------------------------------------------------------------- */

/* Carl calls Ben, whose phone rings; Ben forwards it over REST to Dora
 * without answering: Dora's phone rings while Carl still hears ringing,
 * Ben's stops; Dora answers and the two hear each other. Ben's journal
 * says Dora took it. Forwarding it to Ben himself or back to Carl is
 * refused first ("same-party") and changes nothing. */
static void
test_deflect (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JsonNode) calls = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) ben_entry = NULL;
  g_autofree char *path = NULL;
  JsonObject *ringing, *entry;
  const char *call_id;
  guint status = 0;

  cb_test_phone_start_user (fixture->server, &fixture->dora, "dora", 800, 400);
  fixture->dora.manual_answer = TRUE;
  cb_test_phone_listen_for (&fixture->carl, 800);

  cb_test_phone_dial (&fixture->carl, "202");
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->ben), WAIT_MS, "ben's phone to ring");
  calls = cb_test_request (fixture->server, "GET", "/api/v1/calls", fixture->ben.token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  ringing = json_array_get_object_element (json_object_get_array_member (json_node_get_object (calls),
                                                                         "calls"), 0);
  g_assert_cmpstr (json_object_get_string_member (ringing, "state"), ==, "ringing");
  call_id = json_object_get_string_member (ringing, "call_id");

  path = g_strdup_printf ("/api/v1/calls/%s/forward", call_id);
  /* Not to Ben himself nor back to Carl: a code the client words. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonNode) refused = NULL;

      refused = cb_test_request (fixture->server, "POST", path, fixture->ben.token,
                                 i == 0 ? "{\"to\":\"202\"}" : "{\"to\":\"203\"}", &status);
      g_assert_cmpuint (status, ==, 409);
      g_assert_cmpstr (cb_test_error_code (refused), ==, "same-party");
    }
  g_assert_cmpint (cb_sip_call_get_state (fixture->ben.call), ==, CB_SIP_CALL_STATE_INCOMING);
  answer = cb_test_request (fixture->server, "POST", path, fixture->ben.token, "{\"to\":\"206\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "state"), ==, "ended");

  CB_TEST_WAIT_FOR (cb_test_phone_rang (&fixture->dora), WAIT_MS, "dora's phone to ring");
  cb_test_phone_wait_state (&fixture->ben, CB_SIP_CALL_STATE_ENDED, "ben's phone to stop ringing");
  /* Not answered by anyone yet: the caller still rings. */
  g_assert_cmpint (cb_sip_call_get_state (fixture->carl.call), ==, CB_SIP_CALL_STATE_RINGING);

  cb_test_phone_answer (&fixture->dora);
  cb_test_phone_wait_state (&fixture->carl, CB_SIP_CALL_STATE_ACTIVE, "carl connected to dora");
  cb_test_phone_wait_hears (&fixture->carl, 800, "carl to hear dora");
  cb_test_phone_wait_hears (&fixture->dora, 400, "dora to hear carl");
  cb_sip_call_hangup (fixture->carl.call);
  cb_test_phone_wait_state (&fixture->dora, CB_SIP_CALL_STATE_ENDED, "dora's end to hang up");

  entry = cb_test_phone_last_entry (fixture->server, &fixture->ben, &ben_entry, NULL);
  g_assert_cmpstr (json_object_get_string_member (entry, "call_id"), ==, call_id);
  g_assert_false (json_object_get_boolean_member (entry, "answered"));
  g_assert_cmpint (json_object_get_int_member (entry, "taken_by_user_id"), ==, fixture->dora.user_id);
  g_assert_cmpstr (json_object_get_string_member (entry, "taken_by_name"), ==, "Dora");
}

/* ---- presence with baresip -------------------------------------------------------- */

typedef struct {
  GString  *out;
  gboolean  eof;
} Output;

static void
read_more (GObject      *stream,
           GAsyncResult *result,
           gpointer      data)
{
  Output *output = data;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (stream), result, NULL);

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      output->eof = TRUE;
      return;
    }
  g_string_append_len (output->out, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_input_stream_read_bytes_async (G_INPUT_STREAM (stream), 4096, G_PRIORITY_DEFAULT, NULL, read_more, output);
}

/* Whether `after` comes in the output after `first`. */
static gboolean
said (Output     *output,
      const char *first,
      const char *after)
{
  const char *at = strstr (output->out->str, first);

  return at != NULL && (after == NULL || strstr (at, after) != NULL);
}

/* Waits until `first` and then `after` (NULL: nothing) are in the
 * output; a timeout fails the test, with what baresip said. */
static void
wait_said (Output     *output,
           const char *first,
           const char *after,
           const char *what)
{
  CbTestTimer timer;

  cb_test_timer_start (&timer, WAIT_MS);
  while (!said (output, first, after))
    {
      if (timer.expired || output->eof)
        {
          g_autofree char *escaped = g_strescape (output->out->str, NULL);

          g_test_message ("baresip said: %s", escaped);
        }
      g_assert_false (output->eof);
      cb_test_timer_iterate (&timer, what);
    }
  cb_test_timer_stop (&timer);
}


/* baresip (presence and contact modules, Anna's account) subscribes to
 * Ben's presence: the first NOTIFY says open (his phone is registered);
 * Ben goes busy over REST, and baresip shows Ben "changed status from
 * Online to Busy". Its SIP trace (-s) shows what came. */
static void
test_baresip_presence (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *program = g_find_program_in_path ("baresip");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) baresip = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *config = NULL;
  g_autofree char *accounts = NULL;
  g_autofree char *contacts = NULL;
  g_autofree char *dir = g_build_filename (fixture->tmpdir, "baresip", NULL);
  Output output = { g_string_new (NULL), FALSE };
  guint status = 0;

  if (program == NULL)
    {
      g_test_skip ("baresip is not installed (package baresip-core)");
      g_string_free (output.out, TRUE);
      return;
    }

  /* Ben is available (imported users start offline) and registered. */
  answer = cb_test_request (fixture->server, "PUT", "/api/v1/me/presence", fixture->ben.token,
                            "{\"availability\":\"available\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&answer, json_node_unref);

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  config = g_strdup ("poll_method poll\n"
                     "sip_listen 127.0.0.1:0\n"
                     "net_interface 127.0.0.1\n"
                     "module_path /usr/lib/baresip/modules\n"
                     "module_app account.so\n"
                     "module_app contact.so\n"
                     "module_app presence.so\n");
  accounts = g_strdup_printf ("<sip:%s@%s>;auth_pass=%s;regint=0\n", fixture->anna.line, fixture->target,
                              fixture->anna.password);
  contacts = g_strdup_printf ("\"Ben\" <sip:202@%s>;presence=p2p\n", fixture->target);
  {
    g_autofree char *config_path = g_build_filename (dir, "config", NULL);
    g_autofree char *accounts_path = g_build_filename (dir, "accounts", NULL);
    g_autofree char *contacts_path = g_build_filename (dir, "contacts", NULL);

    g_assert_true (g_file_set_contents (config_path, config, -1, NULL));
    g_assert_true (g_file_set_contents (accounts_path, accounts, -1, NULL));
    g_assert_true (g_file_set_contents (contacts_path, contacts, -1, NULL));
  }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  /* Always under timeout: baresip may wait for answers at its exit.
   * Its output to a pipe is line-buffered only through stdbuf. */
  baresip = g_subprocess_launcher_spawn (launcher, &error, "timeout", "60", "stdbuf", "-oL", "baresip",
                                         "-4", "-s", "-f", dir, "-t", "50", NULL);
  g_assert_no_error (error);
  g_input_stream_read_bytes_async (g_subprocess_get_stdout_pipe (baresip), 4096, G_PRIORITY_DEFAULT, NULL,
                                   read_more, &output);

  /* The first NOTIFY came (open): only a change after it is shown. */
  wait_said (&output, "NOTIFY sip:", "<basic>open</basic>", "baresip to get Ben's presence");
  g_assert_true (said (&output, "Content-Type: application/pidf+xml", NULL));

  answer = cb_test_request (fixture->server, "PUT", "/api/v1/me/presence", fixture->ben.token,
                            "{\"availability\":\"busy\",\"note\":\"In a meeting\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  wait_said (&output, "changed status from", "Busy", "baresip to show Ben busy");
  g_assert_true (said (&output, "<rpid:busy/>", NULL));
  g_assert_true (said (&output, "<note>In a meeting</note>", NULL));
  g_test_message ("baresip: %s", strstr (output.out->str, "changed status from"));

  g_subprocess_send_signal (baresip, SIGTERM);
  CB_TEST_WAIT_FOR (output.eof, WAIT_MS, "baresip to exit");
  g_subprocess_wait (baresip, NULL, NULL);
  g_string_free (output.out, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  static const char * const short_max[] = { "--subscribe-max-expires", "600", NULL };
  static const char * const short_expiry[] = { "--subscribe-min-expires", "1", NULL };
  static const char * const bounded[] = { "--subscribe-min-expires", "1",
                                          "--max-subscriptions-per-device", "2",
                                          "--max-subscriptions", "3", NULL };

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  g_test_add ("/sip-subscriptions/dialog-states", Fixture, NULL, fixture_setup, test_dialog_states,
              fixture_teardown);
  g_test_add ("/sip-subscriptions/dialog-states-tcp", Fixture, NULL, fixture_setup, test_dialog_states_tcp,
              fixture_teardown);
  g_test_add ("/sip-subscriptions/large-notify", Fixture, NULL, fixture_setup, test_large_notify,
              fixture_teardown);
  g_test_add ("/sip-subscriptions/refusals", Fixture, NULL, fixture_setup, test_refusals, fixture_teardown);
  g_test_add ("/sip-subscriptions/refresh", Fixture, short_max, fixture_setup, test_refresh,
              fixture_teardown);
  g_test_add ("/sip-subscriptions/expiry", Fixture, short_expiry, fixture_setup, test_expiry,
              fixture_teardown);
  g_test_add ("/sip-subscriptions/device-target", Fixture, short_expiry, fixture_setup, test_device_target,
              fixture_teardown);
  g_test_add ("/sip-subscriptions/bounds", Fixture, bounded, fixture_setup, test_bounds, fixture_teardown);
  g_test_add ("/sip-subscriptions/restart/crash", Fixture, NULL, fixture_setup, test_restart_crash,
              fixture_teardown);
  g_test_add ("/sip-subscriptions/restart/stop", Fixture, NULL, fixture_setup, test_restart_stop,
              fixture_teardown);
  g_test_add ("/sip-subscriptions/group-lamp", Fixture, NULL, fixture_setup, test_group_lamp,
              fixture_teardown);
  g_test_add ("/sip-subscriptions/replaces-pickup", Fixture, NULL, fixture_setup, test_replaces_pickup,
              fixture_teardown);
  g_test_add ("/sip-subscriptions/deflect", Fixture, NULL, fixture_setup, test_deflect, fixture_teardown);
  g_test_add ("/sip-subscriptions/baresip-presence", Fixture, NULL, fixture_setup, test_baresip_presence,
              fixture_teardown);
  return g_test_run ();
}
