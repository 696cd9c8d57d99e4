/* test-audio-format.c: the announcement check on real encoders' files and on what is not audio
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The files that must pass are made here by GStreamer's own muxers and
 * encoders (wavenc, opusenc/vorbisenc + oggmux, lamemp3enc), so the check
 * is held against what real tools write; a missing element skips that
 * case. The files that must not pass are those same files damaged, or
 * labelled as another type, or text.
 */

#define G_LOG_DOMAIN "cb-test-audio-format"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "cb-audio-format.h"
#include "cb-protocol.h"

/* What the pipeline's appsink-less filesink wrote; NULL (and the test
 * skipped) when an element is missing. */
static GBytes *
encode (const char *encoder)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cb-audio-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *description = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_no_error (error);
  path = g_build_filename (dir, "sound", NULL);
  description = g_strdup_printf ("audiotestsrc num-buffers=25 samplesperbuffer=960 ! "
                                 "audio/x-raw,rate=48000,channels=1 ! audioconvert ! "
                                 "audioresample ! %s ! filesink location=\"%s\"",
                                 encoder, path);
  pipeline = gst_parse_launch (description, &error);
  if (pipeline == NULL || error != NULL)
    {
      g_autofree char *why = g_strdup_printf ("cannot encode with “%s”: %s", encoder,
                                              error != NULL ? error->message : "?");

      g_test_skip (why);
      g_rmdir (dir);
      return NULL;
    }
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=, GST_STATE_CHANGE_FAILURE);
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_remove (path);
  g_rmdir (dir);
  g_assert_cmpuint (length, >, 100);
  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

static void
assert_accepted (const char *type,
                 GBytes     *audio)
{
  g_autoptr(GError) error = NULL;
  gsize length;
  const guint8 *data = g_bytes_get_data (audio, &length);

  g_assert_true (cb_audio_check (type, data, length, &error));
  g_assert_no_error (error);
}

static void
assert_refused (const char   *type,
                const guint8 *data,
                gsize         length,
                int           code,
                const char   *says)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (cb_audio_check (type, data, length, &error));
  g_test_message ("%s: %s", type, error->message);
  g_assert_error (error, CB_PROTOCOL_ERROR, code);
  if (says != NULL)
    g_assert_nonnull (strstr (error->message, says));
}

static const char text[] = "Hello, this is not audio at all, just a text file with an audio type.\n";

static void
assert_not_others (const char *type,
                   GBytes     *audio)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (audio, &length);

  for (guint i = 0; cb_audio_media_types[i] != NULL; i++)
    if (!g_str_equal (cb_audio_media_types[i], type))
      assert_refused (cb_audio_media_types[i], data, length, CB_PROTOCOL_ERROR_INVALID_FIELD, NULL);
}

static void
test_wav (void)
{
  g_autoptr(GBytes) audio = encode ("audio/x-raw,format=S16LE,rate=8000 ! wavenc");
  g_autofree guint8 *copy = NULL;
  gsize length;
  const guint8 *data;

  if (audio == NULL)
    return;
  data = g_bytes_get_data (audio, &length);
  assert_accepted ("audio/wav", audio);
  assert_not_others ("audio/wav", audio);

  /* Cut in the middle of its samples. */
  assert_refused ("audio/wav", data, length / 2, CB_PROTOCOL_ERROR_INVALID_FIELD, "cut short");
  /* Only the header. */
  assert_refused ("audio/wav", data, 12, CB_PROTOCOL_ERROR_INVALID_FIELD, "“fmt ”");
  /* Samples the server does not play: ADPCM (format tag 2), three channels. */
  copy = g_memdup2 (data, length);
  g_assert_cmpmem (copy + 12, 4, "fmt ", 4);
  copy[20] = 2;
  assert_refused ("audio/wav", copy, length, CB_PROTOCOL_ERROR_INVALID_FIELD, "PCM");
  copy[20] = 1;
  copy[22] = 3;
  assert_refused ("audio/wav", copy, length, CB_PROTOCOL_ERROR_INVALID_FIELD, "channels");
  copy[22] = 1;
  g_assert_true (cb_audio_check ("audio/wav", copy, length, NULL));
}

static void
test_ogg (gconstpointer encoder)
{
  g_autoptr(GBytes) audio = encode (encoder);
  g_autofree guint8 *copy = NULL;
  gsize length;
  const guint8 *data;

  if (audio == NULL)
    return;
  data = g_bytes_get_data (audio, &length);
  assert_accepted ("audio/ogg", audio);
  assert_not_others ("audio/ogg", audio);

  /* One bit of the first page's packet flipped: its checksum tells. */
  copy = g_memdup2 (data, length);
  copy[27 + copy[26] + 9] ^= 0x01;
  assert_refused ("audio/ogg", copy, length, CB_PROTOCOL_ERROR_INVALID_FIELD, "checksum");
  /* The first page cut short; a page that does not begin the stream. */
  assert_refused ("audio/ogg", data, 30, CB_PROTOCOL_ERROR_INVALID_FIELD, "cut short");
  memcpy (copy, data, length);
  copy[5] &= ~0x02;
  assert_refused ("audio/ogg", copy, length, CB_PROTOCOL_ERROR_INVALID_FIELD, "begin");
}

static void
test_mpeg (void)
{
  g_autoptr(GBytes) audio = encode ("lamemp3enc");
  g_autoptr(GByteArray) tagged = NULL;
  g_autofree guint8 *copy = NULL;
  /* An ID3v2.4 tag of 20 bytes (synchsafe size), all padding. */
  static const guint8 id3[30] = { 'I', 'D', '3', 4, 0, 0, 0, 0, 0, 20 };
  gsize length;
  const guint8 *data;

  if (audio == NULL)
    return;
  data = g_bytes_get_data (audio, &length);
  assert_accepted ("audio/mpeg", audio);
  assert_not_others ("audio/mpeg", audio);

  tagged = g_byte_array_new ();
  g_byte_array_append (tagged, id3, sizeof id3);
  g_byte_array_append (tagged, data, length);
  g_assert_true (cb_audio_check ("audio/mpeg", tagged->data, tagged->len, NULL));

  /* A tag followed by text; the first frame cut short; garbage after it. */
  g_byte_array_set_size (tagged, sizeof id3);
  g_byte_array_append (tagged, (const guint8 *) text, sizeof text - 1);
  assert_refused ("audio/mpeg", tagged->data, tagged->len, CB_PROTOCOL_ERROR_INVALID_FIELD,
                  "frame header");
  assert_refused ("audio/mpeg", data, 40, CB_PROTOCOL_ERROR_INVALID_FIELD, "cut short");
  /* 48 kHz at lame's 128 kbit/s: frames of 384 bytes; the second is gone. */
  copy = g_memdup2 (data, length);
  memset (copy + 384, 'x', length - 384);
  assert_refused ("audio/mpeg", copy, length, CB_PROTOCOL_ERROR_INVALID_FIELD, "followed");
}

/* Text labelled as each type, nothing at all, and a type that is none of ours. */
static void
test_not_audio (void)
{
  for (guint i = 0; cb_audio_media_types[i] != NULL; i++)
    {
      assert_refused (cb_audio_media_types[i], (const guint8 *) text, sizeof text - 1,
                      CB_PROTOCOL_ERROR_INVALID_FIELD, "The body is not");
      assert_refused (cb_audio_media_types[i], (const guint8 *) "", 0,
                      CB_PROTOCOL_ERROR_INVALID_FIELD, NULL);
    }
  assert_refused ("audio/flac", (const guint8 *) "fLaC", 4, CB_PROTOCOL_ERROR_UNSUPPORTED_MEDIA, NULL);
  assert_refused ("text/plain", (const guint8 *) text, sizeof text - 1,
                  CB_PROTOCOL_ERROR_UNSUPPORTED_MEDIA, NULL);
  assert_refused (NULL, (const guint8 *) text, 1, CB_PROTOCOL_ERROR_UNSUPPORTED_MEDIA, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

  g_test_add_func ("/audio-format/wav", test_wav);
  g_test_add_data_func ("/audio-format/ogg-opus", "opusenc ! oggmux", test_ogg);
  g_test_add_data_func ("/audio-format/ogg-vorbis", "vorbisenc ! oggmux", test_ogg);
  g_test_add_func ("/audio-format/mpeg", test_mpeg);
  g_test_add_func ("/audio-format/not-audio", test_not_audio);
  return g_test_run ();
}
