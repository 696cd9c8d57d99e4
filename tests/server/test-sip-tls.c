/* test-sip-tls.c: SIP over TLS and SRTP through a real callboardd: baresip, phone-library agents, the wire seen raw
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * callboardd with the test certificate listens on sips: beside UDP/TCP.
 *  - TLS 1.0 and 1.1 are refused on the SIP listener, 1.2 and 1.3 taken
 *    (openssl s_client; skipped without it).
 *  - A phone that pins another certificate does not register, and says why.
 *  - baresip (mediaenc srtp-mand) registers over TLS and calls a
 *    phone-library softphone on TLS: RTP/SAVP with a=crypto passes the
 *    B2BUA, each hears the other's tone, the call is "encrypted" on the
 *    wire; the softphone's hang-up reaches baresip over its own
 *    connection. The RTP packets to the softphone, captured raw on
 *    loopback, show no trace of baresip's tone, which the softphone hears
 *    once decrypted (needs CAP_NET_RAW: skipped without it).
 *  - A user who requires encryption gets no plain call (488) and places
 *    none; calls over TLS reach them encrypted.
 *  - A phone on TLS calls one on UDP: no keys go to the UDP phone, the
 *    call works plain.
 *  - A caller on TLS waiting in a queue hears the hold music over SRTP,
 *    and one calling a user with an announcement hears it over SRTP, then
 *    talks to the user's phone on TLS, still encrypted.
 */

#define G_LOG_DOMAIN "cb-test-sip-tls"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <net/if.h>
#include <signal.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "cb-test-phone.h"

#define WAIT_MS   CB_TEST_PHONE_WAIT_MS
#define SINE_HZ   1000.0   /* baresip's ausine */
#define ANNA_HZ   440.0
#define BEN_HZ    880.0
#define CARLA_HZ  660.0
#define DAVE_HZ   550.0
#define MUSIC_DB  -35.0
#define ANNOUNCEMENT_HZ 1300.0

static const char *directory =
  "{\"users\":["
  " {\"username\":\"anna\",\"display_name\":\"Anna\",\"extension\":\"201\",\"password\":\"pw\","
  "  \"desk_phones\":[{\"username\":\"201-desk\",\"password\":\"desk-secret\"}]},"
  " {\"username\":\"ben\",\"display_name\":\"Ben\",\"extension\":\"202\",\"password\":\"pw\"},"
  " {\"username\":\"carla\",\"display_name\":\"Carla\",\"extension\":\"203\",\"password\":\"pw\"},"
  " {\"username\":\"dave\",\"display_name\":\"Dave\",\"extension\":\"204\",\"password\":\"pw\"},"
  " {\"username\":\"olga\",\"display_name\":\"Olga\",\"extension\":\"205\",\"password\":\"pw\"}],"
  " \"groups\":["
  " {\"name\":\"Hotline\",\"kind\":\"hunt\",\"number\":\"600\",\"strategy\":\"queue\","
  "  \"level\":\"team\",\"members\":[\"olga\"]}]}";

static CbTestServer *server;
static char *cert_path;
static char *test_pem;
static char *other_pem;

static char *
read_pem (const char *name)
{
  g_autofree char *path = g_build_filename (SOURCE_ROOT, "tests", "data", "tls", name, NULL);
  g_autoptr(GError) error = NULL;
  char *pem = NULL;

  g_file_get_contents (path, &pem, NULL, &error);
  g_assert_no_error (error);
  return pem;
}

/* A phone-library softphone of `username` on SIP over TLS, G.711 only
 * (its packets are read raw below), registered. */
static void
start_tls_phone (CbTestPhone *phone,
                 const char  *username,
                 double       freq,
                 double       listen_for)
{
  static const char * const pcma[] = { "pcma", "pcmu", NULL };

  cb_test_phone_fetch_line (server, phone, username);
  g_assert_nonnull (phone->registrar_tls);
  cb_test_phone_init_tls (phone, phone->line, freq, listen_for, test_pem);
  cb_sip_agent_set_codecs (phone->agent, pcma);
  cb_test_phone_register (phone, phone->registrar_tls, NULL);
}

static guint
tls_port (void)
{
  CbTestPhone probe = { 0 };
  guint port;

  cb_test_phone_fetch_line (server, &probe, "olga");
  g_assert_nonnull (probe.registrar_tls);
  port = (guint) g_ascii_strtoull (strrchr (probe.registrar_tls, ':') + 1, NULL, 10);
  cb_test_phone_clear (&probe);
  return port;
}

/* A "call" event about user_id whose data says encrypted = value. */
static gboolean
has_call_event (CbTestStream *stream,
                gint64        user_id,
                gboolean      encrypted)
{
  for (guint i = 0; i < stream->events->len; i++)
    {
      JsonObject *frame = g_ptr_array_index (stream->events, i);
      JsonObject *data;

      if (g_strcmp0 (json_object_get_string_member_with_default (frame, "type", ""), "call") != 0)
        continue;
      data = json_object_get_object_member (frame, "data");
      if (json_object_get_int_member (data, "user_id") == user_id &&
          json_object_get_string_member_with_default (data, "state", "") != NULL &&
          g_str_equal (json_object_get_string_member (data, "state"), "connected") &&
          json_object_get_boolean_member_with_default (data, "encrypted", FALSE) == encrypted)
        return TRUE;
    }
  return FALSE;
}

/* ---- TLS versions on the SIP listener ----------------------------------- */

static gboolean
handshake (guint        port,
           const char  *version)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *connect = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *out = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                              G_SUBPROCESS_FLAGS_STDERR_MERGE, &error,
                              "openssl", "s_client", "-connect", connect, version,
                              "-cipher", "DEFAULT:@SECLEVEL=0", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, "", NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("SIP TLS %s: %s", version,
                  out != NULL && strstr (out, "Cipher is") != NULL ? strstr (out, "Cipher is") : "none");
  return g_subprocess_get_successful (process) && out != NULL && strstr (out, ", Cipher is ") != NULL &&
         strstr (out, "Cipher is (NONE)") == NULL;
}

static void
test_versions (void)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  guint port;

  if (openssl == NULL)
    {
      g_test_skip ("openssl (Debian package openssl) is not installed");
      return;
    }
  port = tls_port ();
  g_assert_false (handshake (port, "-tls1"));
  g_assert_false (handshake (port, "-tls1_1"));
  g_assert_true (handshake (port, "-tls1_2"));
  g_assert_true (handshake (port, "-tls1_3"));
}

/* ---- the server's certificate -------------------------------------------- */

static gboolean
has_error (gpointer data)
{
  return cb_sip_agent_get_registration_error (((CbTestPhone *) data)->agent) != NULL;
}

static void
test_wrong_pin (void)
{
  CbTestPhone dave = { 0 };

  cb_test_phone_fetch_line (server, &dave, "dave");
  cb_test_phone_init_tls (&dave, dave.line, DAVE_HZ, ANNA_HZ, other_pem);
  cb_sip_agent_register (dave.agent, dave.registrar_tls, dave.password);
  cb_test_wait_until (has_error, &dave, WAIT_MS, "the phone to refuse the server");
  g_test_message ("%s", cb_sip_agent_get_registration_error (dave.agent));
  g_assert_cmpstr (cb_sip_agent_get_registration_error (dave.agent), ==,
                   "The SIP server's certificate is not the pinned certificate");
  g_assert_false (cb_sip_agent_get_registered (dave.agent));
  cb_test_phone_clear (&dave);
}

/* ---- RTP seen raw on loopback ---------------------------------------------- */

typedef struct {
  int             fd;
  guint           source;
  guint           port;        /* UDP destination port watched */
  guint           packets;
  CbToneDetector *detector;
  gint16          pcm[800];    /* one 100 ms block of G.711 decoded as if plain */
  guint           filled;
  guint           present;     /* blocks in which the tone was found */
  double          best;
} Capture;

static gint16
ulaw_sample (guint8 u)
{
  int t;

  u = ~u;
  t = ((u & 0x0f) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return (gint16) ((u & 0x80) ? 0x84 - t : t - 0x84);
}

static gint16
alaw_sample (guint8 a)
{
  int t, segment;

  a ^= 0x55;
  t = (a & 0x0f) << 4;
  segment = (a & 0x70) >> 4;
  if (segment == 0)
    t += 8;
  else
    {
      t += 0x108;
      if (segment > 1)
        t <<= segment - 1;
    }
  return (gint16) ((a & 0x80) ? t : -t);
}

static void
capture_payload (Capture      *capture,
                 guint8        pt,
                 const guint8 *payload,
                 gsize         length)
{
  for (gsize i = 0; i < length; i++)
    {
      capture->pcm[capture->filled++] = pt == 0 ? ulaw_sample (payload[i]) : alaw_sample (payload[i]);
      if (capture->filled == G_N_ELEMENTS (capture->pcm))
        {
          cb_tone_detector_process_s16 (capture->detector, capture->pcm, capture->filled, 1, 8000);
          capture->best = MAX (capture->best, cb_tone_detector_get_ratio (capture->detector));
          capture->present += cb_tone_detector_is_present (capture->detector);
          capture->filled = 0;
        }
    }
}

static gboolean
on_packets (int          fd,
            GIOCondition condition,
            gpointer     data)
{
  Capture *capture = data;
  guint8 buffer[4096];
  struct sockaddr_ll from;
  socklen_t from_length = sizeof from;
  ssize_t n;

  while ((n = recvfrom (fd, buffer, sizeof buffer, MSG_DONTWAIT, (struct sockaddr *) &from,
                        &from_length)) > 0)
    {
      gsize header, rtp_length, rtp_header;
      const guint8 *udp, *rtp;

      from_length = sizeof from;
      /* Loopback shows each packet leaving and arriving: count it once. */
      if (from.sll_pkttype == PACKET_OUTGOING || n < 20 || (buffer[0] >> 4) != 4 || buffer[9] != 17)
        continue;
      header = (buffer[0] & 0x0f) * 4;
      if ((gsize) n < header + 8 + 12)
        continue;
      udp = buffer + header;
      if (((guint) udp[2] << 8 | udp[3]) != capture->port)
        continue;
      rtp = udp + 8;
      rtp_length = (gsize) n - header - 8;
      if ((rtp[0] >> 6) != 2 || (rtp[1] & 0x7f) > 8)
        continue;   /* not audio RTP (RTCP goes to the next port anyway) */
      rtp_header = 12 + 4 * (rtp[0] & 0x0f);
      if (rtp_length < rtp_header + 160)
        continue;
      capture->packets++;
      /* 20 ms of G.711; an SRTP tag after it is left out. */
      capture_payload (capture, rtp[1] & 0x7f, rtp + rtp_header, 160);
    }
  return G_SOURCE_CONTINUE;
}

/* FALSE (the test skipped) without the right to read packets. */
static gboolean
capture_start (Capture *capture,
               guint    port,
               double   freq)
{
  struct sockaddr_ll address = { 0 };

  capture->fd = socket (AF_PACKET, SOCK_DGRAM, htons (ETH_P_IP));
  if (capture->fd < 0)
    {
      g_test_message ("A packet socket: %s", g_strerror (errno));
      return FALSE;
    }
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons (ETH_P_IP);
  address.sll_ifindex = (int) if_nametoindex ("lo");
  g_assert_cmpint (bind (capture->fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  capture->port = port;
  capture->detector = cb_tone_detector_new (freq);
  capture->source = g_unix_fd_add (capture->fd, G_IO_IN, on_packets, capture);
  return TRUE;
}

static void
capture_stop (Capture *capture)
{
  g_clear_handle_id (&capture->source, g_source_remove);
  if (capture->fd >= 0)
    close (capture->fd);
  capture->fd = -1;
  g_clear_object (&capture->detector);
}

/* ---- baresip ------------------------------------------------------------------ */

static gboolean
hears_sine (gpointer data)
{
  return cb_tone_detector_hears (((CbTestPhone *) data)->detector, 5);
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

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
enough_captured (gpointer data)
{
  Capture *capture = data;

  /* 2 s of baresip's packets, all read. */
  return capture->packets >= 100;
}

static void
test_baresip_srtp (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) baresip = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *program = g_find_program_in_path ("baresip");
  g_autofree char *tmp = NULL;
  g_autofree char *records = NULL;
  g_autofree char *config = NULL;
  g_autofree char *accounts = NULL;
  g_autofree char *dial = NULL;
  g_autofree char *anna_token = NULL;
  CbTestPhone ben = { 0 };
  CbTestStream *stream;
  Capture capture = { .fd = -1 };
  gboolean captured;
  const char *name;
  gint64 anna_id = 0;
  guint port = 0;
  guint ticker;
  guint wavs = 0;

  if (program == NULL)
    {
      g_test_skip ("baresip is not installed (package baresip-core)");
      return;
    }
  port = tls_port ();
  anna_token = cb_test_sign_in (server, "anna", "pw", &anna_id);
  stream = cb_test_stream_open (server, anna_token, -1, TRUE);
  g_assert_no_error (stream->error);

  /* Ben's softphone on TLS answers; it sends 440 Hz, listens for the sine. */
  start_tls_phone (&ben, "ben", ANNA_HZ, SINE_HZ);

  /* baresip, anna's desk phone, on TLS with SRTP or nothing: the sine as
   * microphone, every call recorded by sndfile.so, the server's
   * certificate its one authority. */
  tmp = g_dir_make_tmp ("cb-baresip-tls-XXXXXX", &error);
  g_assert_no_error (error);
  records = g_build_filename (tmp, "records", NULL);
  g_assert_cmpint (g_mkdir (records, 0700), ==, 0);
  config = g_strdup_printf ("poll_method poll\n"
                            "sip_listen 127.0.0.1:0\n"
                            "sip_cafile %s\n"
                            "net_interface 127.0.0.1\n"
                            "audio_source ausine,%d\n"
                            "audio_player aubridge,speaker\n"
                            "audio_alert aubridge,alert\n"
                            "ausrc_srate 48000\n"
                            "ausrc_channels 2\n"
                            "module_path /usr/lib/baresip/modules\n"
                            "module g711.so\n"
                            "module ausine.so\n"
                            "module aubridge.so\n"
                            "module sndfile.so\n"
                            "module srtp.so\n"
                            "module_app account.so\n"
                            "module_app menu.so\n"
                            "snd_path %s\n", cert_path, (int) SINE_HZ, records);
  accounts = g_strdup_printf ("<sip:201-desk@127.0.0.1:%u;transport=tls>;auth_pass=desk-secret;"
                              "mediaenc=srtp-mand;regint=60;"
                              "outbound=\"sip:127.0.0.1:%u;transport=tls\"\n", port, port);
  {
    g_autofree char *config_path = g_build_filename (tmp, "config", NULL);
    g_autofree char *accounts_path = g_build_filename (tmp, "accounts", NULL);

    g_assert_true (g_file_set_contents (config_path, config, -1, NULL));
    g_assert_true (g_file_set_contents (accounts_path, accounts, -1, NULL));
  }
  /* Through the outbound proxy, the account's TLS connection. */
  dial = g_strdup_printf ("/dial sip:202@127.0.0.1:%u", port);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  /* Always under timeout: baresip may wait forever for an un-REGISTER. */
  baresip = g_subprocess_launcher_spawn (launcher, &error, "timeout", "60", "baresip", "-4",
                                         "-f", tmp, "-e", dial, "-t", "50", NULL);
  g_assert_no_error (error);

  /* Anna's desk phone registered over TLS: her lamp turns idle. */
  g_assert_nonnull (cb_test_stream_wait_data (stream, "line-state", anna_id, "line_state", "idle", WAIT_MS));
  cb_test_phone_wait_state (&ben, CB_SIP_CALL_STATE_ACTIVE, "baresip's call to be answered");
  g_assert_true (cb_sip_call_get_encrypted (ben.call));
  CB_TEST_WAIT_FOR (has_call_event (stream, anna_id, TRUE), WAIT_MS, "anna's call to be encrypted");

  captured = capture_start (&capture, cb_media_pipeline_get_local_rtp_port (cb_sip_call_get_media (ben.call)),
                            SINE_HZ);
  cb_test_wait_until (hears_sine, &ben, WAIT_MS, "ben to hear baresip's sine over SRTP");
  g_test_message ("ben hears %g Hz decrypted, ratio %.0f", SINE_HZ, cb_tone_detector_get_ratio (ben.detector));
  if (captured)
    {
      cb_test_wait_until (enough_captured, &capture, WAIT_MS, "baresip's RTP on loopback");
      g_test_message ("%u packets to ben seen raw: best %g Hz ratio %.3f, present in %u blocks",
                      capture.packets, SINE_HZ, capture.best, capture.present);
      /* The payload is noise: not one 100 ms block shows the tone the
       * softphone hears after srtpdec. */
      g_assert_cmpuint (capture.present, ==, 0);
      g_assert_cmpfloat (capture.best, <, 10);
      g_assert_true (cb_tone_detector_hears (ben.detector, 5));
    }
  capture_stop (&capture);
  /* A duration, not a wait for something: baresip records 1.5 s of ben. */
  cb_test_run_for (1500);

  /* Ben hangs up: the BYE reaches baresip over the connection it opened. */
  cb_sip_call_hangup (ben.call);
  cb_test_phone_wait_state (&ben, CB_SIP_CALL_STATE_ENDED, "the call to end");
  ticker = g_timeout_add (20, tick, NULL);
  cb_test_wait_until (recordings_closed, records, WAIT_MS, "baresip to end the call and its recordings");
  g_source_remove (ticker);
  g_subprocess_send_signal (baresip, SIGTERM);
  g_subprocess_wait (baresip, NULL, NULL);

  dir = g_dir_open (records, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (records, name, NULL);

      /* "-dec" is what baresip received and decrypted: ben's 440 Hz. */
      if (g_str_has_suffix (name, "-dec.wav"))
        {
          double ratio = wav_tone_ratio (path, ANNA_HZ);

          g_test_message ("%s: %g Hz ratio %.0f", name, ANNA_HZ, ratio);
          g_assert_cmpfloat (ratio, >, 100);
          wavs++;
        }
    }
  g_assert_cmpuint (wavs, >=, 1);
  cb_test_remove_dir (records);
  cb_test_remove_dir (tmp);
  cb_test_phone_clear (&ben);
  cb_test_stream_close (stream);
  if (!captured)
    g_test_skip ("the packet capture needs CAP_NET_RAW (run as root): the rest passed");
}

/* ---- who requires encryption ------------------------------------------------------ */

static void
test_require_encryption (void)
{
  CbTestPhone carla_tls = { 0 }, carla_udp = { 0 }, dave = { 0 }, dave_tls = { 0 };
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;
  CbTestStream *stream;

  start_tls_phone (&carla_tls, "carla", CARLA_HZ, DAVE_HZ);
  answer = cb_test_request (server, "PUT", "/api/v1/me/require-encryption", carla_tls.token,
                            "{\"enabled\":true}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (answer), "require_encryption"));
  stream = cb_test_stream_open (server, carla_tls.token, -1, TRUE);

  /* A plain offer to her: 488, her phone never rings. */
  cb_test_phone_start_user (server, &dave, "dave", DAVE_HZ, CARLA_HZ);
  cb_test_phone_dial (&dave, "203");
  cb_test_phone_wait_state (&dave, CB_SIP_CALL_STATE_ENDED, "the server to refuse");
  g_assert_cmpuint (cb_sip_call_get_end_status (dave.call), ==, 488);

  /* Her own plain call (a phone of hers on UDP): 488 as well. */
  carla_udp.token = g_strdup (carla_tls.token);
  cb_test_phone_fetch_line (server, &carla_udp, "carla");
  cb_test_phone_init (&carla_udp, carla_udp.line, CARLA_HZ, DAVE_HZ);
  cb_test_phone_register (&carla_udp, carla_udp.registrar, NULL);
  cb_test_phone_dial (&carla_udp, "204");
  cb_test_phone_wait_state (&carla_udp, CB_SIP_CALL_STATE_ENDED, "the server to refuse her call");
  g_assert_cmpuint (cb_sip_call_get_end_status (carla_udp.call), ==, 488);
  g_assert_cmpuint (dave.incoming, ==, 0);

  /* Over TLS with SRTP the call goes through: only her TLS phone rings
   * (the UDP one would get the call without keys), encrypted. */
  cb_test_phone_clear (&carla_udp);
  start_tls_phone (&dave_tls, "dave", DAVE_HZ, CARLA_HZ);
  cb_test_phone_dial (&dave_tls, "203");
  cb_test_phone_wait_state (&dave_tls, CB_SIP_CALL_STATE_ACTIVE, "carla to answer");
  cb_test_phone_wait_hears (&dave_tls, CARLA_HZ, "dave to hear carla");
  cb_test_phone_wait_hears (&carla_tls, DAVE_HZ, "carla to hear dave");
  g_assert_true (cb_sip_call_get_encrypted (dave_tls.call));
  g_assert_true (cb_sip_call_get_encrypted (carla_tls.call));
  g_assert_cmpuint (carla_tls.incoming, ==, 1);
  CB_TEST_WAIT_FOR (has_call_event (stream, carla_tls.user_id, TRUE), WAIT_MS,
                    "carla's call to be encrypted on the wire");
  cb_sip_call_hangup (dave_tls.call);
  cb_test_phone_wait_state (&carla_tls, CB_SIP_CALL_STATE_ENDED, "the call to end");

  answer = cb_test_request (server, "PUT", "/api/v1/me/require-encryption", carla_tls.token,
                            "{\"enabled\":false}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (answer), "require_encryption"));
  cb_test_stream_close (stream);
  cb_test_phone_clear_all (&carla_tls, &dave, &dave_tls, NULL);
}

/* ---- TLS to UDP ---------------------------------------------------------------------- */

static gboolean
tone_captured (gpointer data)
{
  return ((Capture *) data)->present >= 3;
}

static void
test_tls_to_udp (void)
{
  CbTestPhone ben = { 0 }, dave = { 0 };
  CbTestStream *stream;
  Capture capture = { .fd = -1 };

  start_tls_phone (&ben, "ben", BEN_HZ, DAVE_HZ);
  cb_test_phone_start_user (server, &dave, "dave", DAVE_HZ, BEN_HZ);
  stream = cb_test_stream_open (server, ben.token, -1, TRUE);

  /* Ben offers a key; the server keeps it from Dave, who is not on TLS:
   * Dave answers plain, Ben falls back to plain, both hear each other. */
  cb_test_phone_dial (&ben, "204");
  cb_test_phone_wait_state (&ben, CB_SIP_CALL_STATE_ACTIVE, "dave to answer");
  cb_test_phone_wait_hears (&ben, DAVE_HZ, "ben to hear dave");
  cb_test_phone_wait_hears (&dave, BEN_HZ, "dave to hear ben");
  g_assert_false (cb_sip_call_get_encrypted (ben.call));
  g_assert_false (cb_sip_call_get_encrypted (dave.call));
  /* Plain RTP: the capture that finds nothing in SRTP finds ben's tone
   * in the very packets (the check above can fail). */
  if (capture_start (&capture, cb_media_pipeline_get_local_rtp_port (cb_sip_call_get_media (dave.call)),
                     BEN_HZ))
    {
      cb_test_wait_until (tone_captured, &capture, WAIT_MS, "ben's tone in the plain packets");
      g_test_message ("%u plain packets to dave: %g Hz ratio up to %.0f", capture.packets, BEN_HZ,
                      capture.best);
    }
  capture_stop (&capture);
  CB_TEST_WAIT_FOR (has_call_event (stream, ben.user_id, FALSE), WAIT_MS, "ben's call, not encrypted");
  g_assert_false (has_call_event (stream, ben.user_id, TRUE));
  cb_sip_call_hangup (ben.call);
  cb_test_phone_wait_state (&dave, CB_SIP_CALL_STATE_ENDED, "the call to end");
  cb_test_stream_close (stream);
  cb_test_phone_clear_all (&ben, &dave, NULL);
}

/* ---- the queue's music -------------------------------------------------------------- */

static gboolean
hears_music (gpointer data)
{
  CbTestPhone *phone = data;

  return cb_tone_detector_get_blocks (phone->detector) > 5 &&
         cb_tone_detector_get_level_db (phone->detector) > MUSIC_DB;
}

static void
test_hold_music (void)
{
  CbTestPhone olga = { 0 }, dave = { 0 };
  g_autoptr(JsonNode) snapshot = NULL;
  g_autofree char *login = NULL;
  JsonArray *groups;
  gint64 group_id = 0;
  guint status = 0;

  /* Olga is logged into the queue but takes no calls: callers wait. */
  cb_test_phone_start_user (server, &olga, "olga", BEN_HZ, DAVE_HZ);
  snapshot = cb_test_request (server, "GET", "/api/v1/snapshot", olga.token, NULL, &status);
  groups = json_object_get_array_member (json_node_get_object (snapshot), "groups");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (groups, i), "name"),
                     "Hotline"))
      group_id = json_object_get_int_member (json_array_get_object_element (groups, i), "id");
  g_assert_cmpint (group_id, >, 0);
  login = g_strdup_printf ("/api/v1/groups/%" G_GINT64_FORMAT "/login", group_id);
  g_clear_pointer (&snapshot, json_node_unref);
  snapshot = cb_test_request (server, "PUT", login, olga.token, "{\"logged_in\":true}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&snapshot, json_node_unref);
  snapshot = cb_test_request (server, "PUT", "/api/v1/me/agent-status", olga.token,
                              "{\"agent_status\":\"not-available\"}", &status);
  g_assert_cmpuint (status, ==, 200);

  start_tls_phone (&dave, "dave", DAVE_HZ, 523.25);
  cb_test_phone_dial (&dave, "600");
  cb_test_phone_wait_state (&dave, CB_SIP_CALL_STATE_ACTIVE, "the queue to answer");
  cb_test_wait_until (hears_music, &dave, WAIT_MS, "dave to hear the hold music over SRTP");
  g_test_message ("hold music at %.1f dBFS", cb_tone_detector_get_level_db (dave.detector));
  g_assert_true (cb_sip_call_get_encrypted (dave.call));
  cb_sip_call_hangup (dave.call);
  cb_test_phone_wait_state (&dave, CB_SIP_CALL_STATE_ENDED, "the call to end");
  cb_test_phone_clear_all (&olga, &dave, NULL);
}

/* ---- an announcement ------------------------------------------------------------------ */

/* A WAV of `ms` of a tone: 16 kHz, 16 bit, mono PCM. */
static GBytes *
make_wav (double freq,
          guint  ms)
{
  guint n = 16 * ms;
  guint32 data_size = 2 * n;
  guint32 riff_size = 36 + data_size;
  GByteArray *wav = g_byte_array_sized_new (44 + data_size);
  guint8 header[44] = { 'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E',
                        'f', 'm', 't', ' ', 16, 0, 0, 0,
                        1, 0, 1, 0,                /* PCM, mono */
                        0x80, 0x3e, 0, 0,          /* 16000 Hz */
                        0x00, 0x7d, 0, 0,          /* 32000 bytes/s */
                        2, 0, 16, 0,
                        'd', 'a', 't', 'a', 0, 0, 0, 0 };

  for (guint i = 0; i < 4; i++)
    {
      header[4 + i] = (riff_size >> (8 * i)) & 0xff;
      header[40 + i] = (data_size >> (8 * i)) & 0xff;
    }
  g_byte_array_append (wav, header, sizeof header);
  for (guint i = 0; i < n; i++)
    {
      gint16 sample = (gint16) (12000 * sin (2 * G_PI * freq * i / 16000.0));
      guint8 bytes[2] = { (guint16) sample & 0xff, ((guint16) sample >> 8) & 0xff };

      g_byte_array_append (wav, bytes, 2);
    }
  return g_byte_array_free_to_bytes (wav);
}

typedef struct {
  GBytes  *body;
  GError  *error;
  gboolean done;
} Sent;

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Sent *sent = user_data;

  sent->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &sent->error);
  sent->done = TRUE;
}

static void
upload_announcement (CbTestPhone *phone,
                     GBytes      *wav)
{
  g_autofree char *url = g_strconcat (server->url, "/api/v1/me/announcement", NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", phone->token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("PUT", url);
  Sent sent = { NULL, NULL, FALSE };

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  soup_message_set_request_body_from_bytes (msg, "audio/wav", wav);
  soup_session_send_and_read_async (server->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &sent);
  CB_TEST_WAIT_FOR (sent.done, WAIT_MS, "the upload");
  g_assert_no_error (sent.error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_bytes_unref (sent.body);
}

static guint
media_remote_port (CbSipCall *call)
{
  guint port = 0;

  g_object_get (cb_sip_call_get_media (call), "remote-rtp-port", &port, NULL);
  return port;
}

static void
test_announcement (void)
{
  CbTestPhone carla = { 0 }, dave = { 0 };
  g_autoptr(GBytes) wav = make_wav (ANNOUNCEMENT_HZ, 1500);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  carla.manual_answer = TRUE;
  start_tls_phone (&carla, "carla", CARLA_HZ, DAVE_HZ);
  upload_announcement (&carla, wav);
  start_tls_phone (&dave, "dave", DAVE_HZ, ANNOUNCEMENT_HZ);
  cb_test_phone_listen_for (&dave, CARLA_HZ);

  /* The server answers dave with the announcement, over SRTP. */
  cb_test_phone_dial (&dave, "203");
  CB_TEST_WAIT_FOR (cb_test_phone_state_is (&dave, CB_SIP_CALL_STATE_ACTIVE), 3 * WAIT_MS,
                    "the server to answer dave");
  cb_test_phone_wait_hears (&dave, ANNOUNCEMENT_HZ, "dave to hear the announcement over SRTP");
  g_assert_true (cb_sip_call_get_encrypted (dave.call));

  /* Carla's phone rings after it; answered, the re-INVITE brings her
   * keys to dave: still SRTP, now with her. */
  CB_TEST_WAIT_FOR (cb_test_phone_rang (&carla), WAIT_MS, "carla's phone to ring");
  cb_test_phone_answer (&carla);
  cb_test_phone_wait_state (&carla, CB_SIP_CALL_STATE_ACTIVE, "carla's answer");
  /* New keys, a new pipeline at dave's: listen to that one. */
  CB_TEST_WAIT_FOR (media_remote_port (dave.call) ==
                    cb_media_pipeline_get_local_rtp_port (cb_sip_call_get_media (carla.call)) &&
                    cb_media_pipeline_is_running (cb_sip_call_get_media (dave.call)),
                    WAIT_MS, "dave's media to follow carla's answer");
  cb_test_phone_listen_to (&dave, dave.call);
  cb_test_phone_wait_hears (&dave, CARLA_HZ, "dave to hear carla");
  cb_test_phone_wait_hears (&carla, DAVE_HZ, "carla to hear dave");
  g_assert_true (cb_sip_call_get_encrypted (dave.call));
  g_assert_true (cb_sip_call_get_encrypted (carla.call));
  cb_sip_call_hangup (dave.call);
  cb_test_phone_wait_state (&carla, CB_SIP_CALL_STATE_ENDED, "the call to end");

  answer = cb_test_request (server, "DELETE", "/api/v1/me/announcement", carla.token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  cb_test_phone_clear_all (&carla, &dave, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *key = g_build_filename (SOURCE_ROOT, "tests", "data", "tls", "test-key.pem", NULL);
  const char *args[] = { "--tls-certificate", NULL, "--tls-key", key, NULL };
  int result;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  cert_path = g_build_filename (SOURCE_ROOT, "tests", "data", "tls", "test-cert.pem", NULL);
  args[1] = cert_path;
  test_pem = read_pem ("test-cert.pem");
  other_pem = read_pem ("other-cert.pem");
  server = cb_test_server_start (directory, args);

  g_test_add_func ("/sip/tls/versions", test_versions);
  g_test_add_func ("/sip/tls/wrong-pin", test_wrong_pin);
  g_test_add_func ("/sip/tls/baresip-srtp", test_baresip_srtp);
  g_test_add_func ("/sip/tls/require-encryption", test_require_encryption);
  g_test_add_func ("/sip/tls/tls-to-udp", test_tls_to_udp);
  g_test_add_func ("/sip/tls/hold-music", test_hold_music);
  g_test_add_func ("/sip/tls/announcement", test_announcement);
  result = g_test_run ();

  cb_test_server_stop (server);
  g_free (cert_path);
  g_free (test_pem);
  g_free (other_pem);
  return result;
}
