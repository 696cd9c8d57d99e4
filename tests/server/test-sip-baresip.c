/* test-sip-baresip.c: baresip as a desk phone of callboardd, rung and driven by REST
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * baresip (package baresip-core) registers the desk line 201-desk with
 * digest auth and answers automatically. A phone-library agent calls 201:
 * baresip is rung, answers, and its recording (sndfile.so) holds the
 * agent's 440 Hz. Then "call from desk phone" (POST /calls) rings baresip
 * first, then the agent, which hears baresip's sine (ausine at 1000 Hz).
 * Once with G.711 only, once with Opus only (baresip's libopus against our
 * cbopusenc/cbopusdec, both ways, with baresip's stereo defaults).
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "cb-test-phone.h"

#define WAIT_MS CB_TEST_PHONE_WAIT_MS
#define SINE_HZ 1000
#define AGENT_HZ 440

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\","
  "  \"desk_phones\":[{\"username\":\"201-desk\",\"password\":\"desk-secret\"}]},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"}]}";

static const char * const server_args[] = { "--sip-port", "0", NULL };

/* Stricter than cb_test_phone_hears(): baresip's sine is loud and clean. */
static gboolean
hears (gpointer data)
{
  return cb_tone_detector_hears (((CbTestPhone *) data)->detector, 5);
}

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Whether every WAV in dir has its final header: libsndfile writes the
 * sizes when baresip closes the file at the end of a call. */
static gboolean
recordings_closed (gpointer data)
{
  const char *dir_path = data;
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint wavs = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *head = NULL;
      gsize length = 0;

      if (!g_str_has_suffix (name, ".wav"))
        continue;
      if (!g_file_get_contents (path, &head, &length, NULL) || length <= 44 ||
          GUINT32_FROM_LE (*(guint32 *) (head + 4)) != length - 8)
        return FALSE;
      wavs++;
    }
  return wavs > 0;
}

/* The largest Goertzel ratio at freq over the WAV's 100 ms blocks. */
static double
wav_tone_ratio (const char *path,
                double      freq)
{
  g_autofree char *data = NULL;
  g_autoptr(CbToneDetector) detector = cb_tone_detector_new (freq);
  gsize length = 0;
  guint channels = 1, rate = 8000;
  gsize offset = 12;
  double best = 0;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  g_assert_true (length > 44 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WAVE", 4) == 0);
  while (offset + 8 <= length)
    {
      guint32 size = GUINT32_FROM_LE (*(guint32 *) (data + offset + 4));

      if (memcmp (data + offset, "fmt ", 4) == 0)
        {
          g_assert_cmpuint (GUINT16_FROM_LE (*(guint16 *) (data + offset + 22)), ==, 16);
          channels = GUINT16_FROM_LE (*(guint16 *) (data + offset + 10));
          rate = GUINT32_FROM_LE (*(guint32 *) (data + offset + 12));
        }
      else if (memcmp (data + offset, "data", 4) == 0)
        {
          gsize frames = MIN (size, length - offset - 8) / (2 * channels);
          const gint16 *samples = (const gint16 *) (data + offset + 8);
          gsize block = rate / 10;

          for (gsize i = 0; i + block <= frames; i += block)
            {
              cb_tone_detector_process_s16 (detector, samples + i * channels, block, channels, rate);
              best = MAX (best, cb_tone_detector_get_ratio (detector));
            }
          break;
        }
      offset += 8 + size + (size & 1);
    }
  return best;
}

/* The call's codec is the one baresip was limited to. */
static void
assert_codec (CbTestPhone *phone,
              const char  *codec)
{
  if (codec != NULL)
    g_assert_cmpstr (cb_media_pipeline_get_codec (cb_sip_call_get_media (phone->call)), ==, codec);
}

static void
test_desk_phone (gconstpointer data)
{
  const char *module = data;
  const char *codec = g_str_equal (module, "opus.so") ? "opus" : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) baresip = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(JsonNode) call_answer = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *records = NULL;
  g_autofree char *config = NULL;
  g_autofree char *accounts = NULL;
  g_autofree char *anna_token = NULL;
  const char *registrar;
  const char *name;
  CbTestServer *server;
  CbTestStream *stream;
  CbTestPhone ben = { 0 };
  gint64 anna_id = 0;
  guint ticker;
  guint status = 0;
  guint wavs = 0;
  g_autofree char *program = g_find_program_in_path ("baresip");

  if (program == NULL)
    {
      g_test_skip ("baresip is not installed (package baresip-core)");
      return;
    }

  server = cb_test_server_start (directory, server_args);
  anna_token = cb_test_sign_in (server, "anna", "pw", &anna_id);
  stream = cb_test_stream_open (server, anna_token, -1, TRUE);
  g_assert_no_error (stream->error);
  cb_test_phone_fetch_line (server, &ben, "ben");
  registrar = ben.registrar;

  /* baresip without a terminal: no stdio.so, a sine as microphone, an
   * aubridge as speaker, every call's audio recorded by sndfile.so. */
  tmp = g_dir_make_tmp ("cb-baresip-XXXXXX", &error);
  g_assert_no_error (error);
  records = g_build_filename (tmp, "records", NULL);
  g_assert_cmpint (g_mkdir (records, 0700), ==, 0);
  config = g_strdup_printf ("poll_method poll\n"
                            "sip_listen 127.0.0.1:0\n"
                            "net_interface 127.0.0.1\n"
                            "audio_source ausine,%d\n"
                            "audio_player aubridge,speaker\n"
                            "audio_alert aubridge,alert\n"
                            "ausrc_srate 48000\n"
                            "ausrc_channels 2\n"
                            "module_path /usr/lib/baresip/modules\n"
                            "module %s\n"
                            "module ausine.so\n"
                            "module aubridge.so\n"
                            "module sndfile.so\n"
                            "module_app account.so\n"
                            "snd_path %s\n", SINE_HZ, module, records);
  accounts = g_strdup_printf ("<sip:201-desk@%s>;auth_pass=desk-secret;answermode=auto;regint=60\n",
                              registrar + 4);
  {
    g_autofree char *config_path = g_build_filename (tmp, "config", NULL);
    g_autofree char *accounts_path = g_build_filename (tmp, "accounts", NULL);

    g_assert_true (g_file_set_contents (config_path, config, -1, NULL));
    g_assert_true (g_file_set_contents (accounts_path, accounts, -1, NULL));
  }
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  /* Always under timeout: baresip may wait forever for an un-REGISTER. */
  baresip = g_subprocess_launcher_spawn (launcher, &error, "timeout", "60", "baresip", "-4",
                                         "-f", tmp, "-t", "50", NULL);
  g_assert_no_error (error);

  /* The lamp follows registration: idle once baresip is bound. */
  g_assert_nonnull (cb_test_stream_wait_data (stream, "line-state", anna_id, "line_state", "idle", WAIT_MS));

  cb_test_phone_init (&ben, ben.line, AGENT_HZ, SINE_HZ);
  cb_test_phone_register (&ben, registrar, NULL);

  /* Ben calls anna: only her desk phone is registered; it answers. */
  cb_test_phone_dial (&ben, "201");
  cb_test_phone_wait_state (&ben, CB_SIP_CALL_STATE_ACTIVE, "baresip to answer");
  assert_codec (&ben, codec);
  cb_test_wait_until (hears, &ben, WAIT_MS, "ben to hear baresip's sine");
  /* A duration, not a wait for something: baresip records 1.5 s of the
   * call, enough 100 ms blocks of ben's tone for the check below. */
  cb_test_run_for (1500);
  cb_sip_call_hangup (ben.call);
  cb_test_phone_wait_state (&ben, CB_SIP_CALL_STATE_ENDED, "the call to end");
  cb_tone_detector_detach (ben.detector);
  cb_tone_detector_reset (ben.detector);

  /* Call from desk phone: baresip first, then ben, who hears the sine. */
  cb_test_request (server, "POST", "/api/v1/calls", anna_token,
                   "{\"to\":\"202\",\"from_device\":\"desk\"}", &status);
  g_assert_cmpuint (status, ==, 201);
  cb_test_phone_wait_state (&ben, CB_SIP_CALL_STATE_ACTIVE, "the desk phone call to reach ben");
  g_assert_cmpuint (ben.incoming, ==, 1);
  assert_codec (&ben, codec);
  cb_test_wait_until (hears, &ben, WAIT_MS, "ben to hear the desk phone");
  g_test_message ("ben hears %d Hz from the desk phone, ratio %.0f", SINE_HZ,
                  cb_tone_detector_get_ratio (ben.detector));
  cb_sip_call_hangup (ben.call);
  cb_test_phone_wait_state (&ben, CB_SIP_CALL_STATE_ENDED, "the call to end");

  /* baresip writes the WAV headers when its side of the call ends (the
   * server's BYE reaches it after ben's); then stop it. */
  ticker = g_timeout_add (20, tick, NULL);
  cb_test_wait_until (recordings_closed, records, WAIT_MS, "baresip to close its recordings");
  g_source_remove (ticker);
  g_subprocess_send_signal (baresip, SIGTERM);
  g_subprocess_wait (baresip, NULL, NULL);

  dir = g_dir_open (records, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (records, name, NULL);

      /* "-dec" is what baresip received: ben's 440 Hz. */
      if (g_str_has_suffix (name, "-dec.wav"))
        {
          double ratio = wav_tone_ratio (path, AGENT_HZ);

          g_test_message ("%s: 440 Hz ratio %.0f", name, ratio);
          g_assert_cmpfloat (ratio, >, 100);
          wavs++;
        }
      g_unlink (path);
    }
  g_assert_cmpuint (wavs, >=, 1);

  cb_test_phone_clear (&ben);
  g_rmdir (records);
  {
    g_autofree char *c = g_build_filename (tmp, "config", NULL);
    g_autofree char *a = g_build_filename (tmp, "accounts", NULL);

    g_unlink (c);
    g_unlink (a);
  }
  g_rmdir (tmp);
  cb_test_stream_close (stream);
  cb_test_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/sip/baresip/desk-phone", "g711.so", test_desk_phone);
  g_test_add_data_func ("/sip/baresip/desk-phone-opus", "opus.so", test_desk_phone);

  return g_test_run ();
}
