/* test-sip-sdp.c: the SDP the B2BUA relays: our origin, directions, hold, the pickup's inactive answer
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In process, on the functions of src/server/sip/cb-sip-sdp.c: each
 * phone sees one session from the server whose version grows only when
 * the content changes; hold is read per stream, so a video stream on
 * hold next to live audio is no hold.
 */

#include "config.h"

#include <string.h>

#include "cb-sip-sdp.h"

#define PHONE \
  "v=0\r\n" \
  "o=- 3911 3912 IN IP4 127.0.0.1\r\n" \
  "s=-\r\n" \
  "c=IN IP4 127.0.0.1\r\n" \
  "t=0 0\r\n" \
  "m=audio 4000 RTP/AVP 96 8 101\r\n" \
  "a=rtpmap:96 opus/48000/2\r\n" \
  "a=fmtp:96 useinbandfec=1\r\n" \
  "a=rtpmap:8 PCMA/8000\r\n" \
  "a=rtpmap:101 telephone-event/8000\r\n" \
  "a=rtcp:4001\r\n" \
  "a=ptime:20\r\n"

#define AUDIO_AND_VIDEO(audio, video) \
  "v=0\r\n" \
  "o=- 1 1 IN IP4 192.0.2.1\r\n" \
  "s=-\r\n" \
  "c=IN IP4 192.0.2.1\r\n" \
  "t=0 0\r\n" \
  "m=audio 4000 RTP/AVP 0\r\n" \
  audio \
  "m=video 4002 RTP/AVP 31\r\n" \
  video

static gboolean
has_line (const char *sdp,
          const char *line)
{
  g_autofree char *needle = g_strdup_printf ("\r\n%s\r\n", line);

  return strstr (sdp, needle) != NULL;
}

static guint
count_lines (const char *sdp,
             const char *line)
{
  g_autofree char *needle = g_strdup_printf ("\r\n%s\r\n", line);
  guint n = 0;

  for (const char *at = strstr (sdp, needle); at != NULL; at = strstr (at + 1, needle))
    n++;
  return n;
}

static void
test_origin (void)
{
  CbSipOrigin origin;
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autofree char *held = NULL;
  g_autofree char *ipv6 = NULL;
  g_autofree char *expected = NULL;

  cb_sip_origin_init (&origin);
  g_assert_cmpuint (origin.session, >, 0);

  first = cb_sip_origin_apply (&origin, "127.0.0.1", PHONE, CB_SIP_SDP_KEEP);
  expected = g_strdup_printf ("o=callboardd %u 1 IN IP4 127.0.0.1", origin.session);
  g_assert_true (has_line (first, expected));
  g_assert_false (strstr (first, "3911") != NULL);
  /* Everything else goes through: formats, parameters, attributes. */
  g_assert_true (has_line (first, "m=audio 4000 RTP/AVP 96 8 101"));
  g_assert_true (has_line (first, "a=fmtp:96 useinbandfec=1"));
  g_assert_true (has_line (first, "a=rtcp:4001"));
  g_assert_true (has_line (first, "a=ptime:20"));
  g_assert_false (cb_sip_sdp_holds (first));

  /* The same content again: the same version. */
  again = cb_sip_origin_apply (&origin, "127.0.0.1", PHONE, CB_SIP_SDP_KEEP);
  g_assert_cmpstr (again, ==, first);
  g_assert_cmpuint (origin.version, ==, 1);

  /* Another direction is another content. */
  held = cb_sip_origin_apply (&origin, "127.0.0.1", PHONE, CB_SIP_SDP_SENDONLY);
  g_assert_cmpuint (origin.version, ==, 2);
  g_assert_true (has_line (held, "a=sendonly"));
  g_assert_true (cb_sip_sdp_holds (held));

  ipv6 = cb_sip_origin_apply (&origin, "::1", PHONE, CB_SIP_SDP_SENDRECV);
  g_free (expected);
  expected = g_strdup_printf ("o=callboardd %u 3 IN IP6 ::1", origin.session);
  g_assert_true (has_line (ipv6, expected));
  g_assert_true (has_line (ipv6, "a=sendrecv"));
  cb_sip_origin_clear (&origin);
}

static void
test_origin_handed_over (void)
{
  CbSipOrigin queue, b2bua;
  g_autofree char *music = NULL;
  g_autofree char *agent = NULL;

  cb_sip_origin_init (&queue);
  music = cb_sip_origin_apply (&queue, "127.0.0.1", PHONE, CB_SIP_SDP_KEEP);
  /* The B2BUA goes on with the queue's session: the next SDP is version 2. */
  cb_sip_origin_copy (&b2bua, &queue);
  agent = cb_sip_origin_apply (&b2bua, "127.0.0.1", PHONE, CB_SIP_SDP_KEEP);
  g_assert_cmpuint (b2bua.session, ==, queue.session);
  g_assert_cmpuint (b2bua.version, ==, 2);
  cb_sip_origin_clear (&queue);
  cb_sip_origin_clear (&b2bua);
}

static void
test_unreadable (void)
{
  CbSipOrigin origin;
  g_autofree char *relayed = NULL;

  cb_sip_origin_init (&origin);
  g_assert_null (cb_sip_origin_apply (&origin, "127.0.0.1", NULL, CB_SIP_SDP_KEEP));
  relayed = cb_sip_origin_apply (&origin, "127.0.0.1", "not SDP", CB_SIP_SDP_KEEP);
  g_assert_cmpstr (relayed, ==, "not SDP");
  g_assert_false (cb_sip_sdp_holds ("not SDP"));
  g_assert_null (cb_sip_sdp_inactive_answer ("not SDP", "127.0.0.1"));
  cb_sip_origin_clear (&origin);
}

static void
test_holds (void)
{
  /* A camera switched off is no hold; the audio decides. */
  g_assert_false (cb_sip_sdp_holds (AUDIO_AND_VIDEO ("a=sendrecv\r\n", "a=recvonly\r\n")));
  g_assert_false (cb_sip_sdp_holds (AUDIO_AND_VIDEO ("", "a=inactive\r\n")));
  g_assert_true (cb_sip_sdp_holds (AUDIO_AND_VIDEO ("a=sendonly\r\n", "a=sendrecv\r\n")));
  g_assert_true (cb_sip_sdp_holds (AUDIO_AND_VIDEO ("a=recvonly\r\n", "")));
  g_assert_true (cb_sip_sdp_holds (AUDIO_AND_VIDEO ("a=inactive\r\n", "a=inactive\r\n")));
  /* A direction at the session level applies to every stream. */
  g_assert_true (cb_sip_sdp_holds ("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
                                   "t=0 0\r\na=sendonly\r\nm=audio 4000 RTP/AVP 0\r\n"));
  /* No audio: the other streams decide. */
  g_assert_true (cb_sip_sdp_holds ("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
                                   "t=0 0\r\nm=audio 0 RTP/AVP 0\r\nm=video 4002 RTP/AVP 31\r\n"
                                   "a=sendonly\r\n"));
  g_assert_false (cb_sip_sdp_holds (NULL));
}

static void
test_inactive_answer (void)
{
  g_autofree char *answer = NULL;

  answer = cb_sip_sdp_inactive_answer (PHONE "m=video 0 RTP/AVP 31\r\n", "192.0.2.7");
  g_assert_nonnull (answer);
  g_assert_true (has_line (answer, "c=IN IP4 192.0.2.7"));
  g_assert_false (strstr (answer, "c=IN IP4 127.0.0.1") != NULL);
  /* Every format of the offer, on the discard port, nothing sent. */
  g_assert_true (has_line (answer, "m=audio 9 RTP/AVP 96 8 101"));
  g_assert_true (has_line (answer, "a=rtpmap:96 opus/48000/2"));
  g_assert_cmpuint (count_lines (answer, "a=inactive"), ==, 1);
  g_assert_false (strstr (answer, "a=rtcp:") != NULL);
  /* A stream the offer disabled stays disabled. */
  g_assert_true (has_line (answer, "m=video 0 RTP/AVP 31"));
  g_assert_true (cb_sip_sdp_holds (answer));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sip/sdp/origin", test_origin);
  g_test_add_func ("/sip/sdp/origin-handed-over", test_origin_handed_over);
  g_test_add_func ("/sip/sdp/unreadable", test_unreadable);
  g_test_add_func ("/sip/sdp/holds", test_holds);
  g_test_add_func ("/sip/sdp/inactive-answer", test_inactive_answer);

  return g_test_run ();
}
