/* cb-test-raw.c: raw TCP and WebSocket clients for the hardening tests
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-test-raw"

#include <string.h>
#include <sys/socket.h>

#include "cb-test-raw.h"

#define BUFFER_KEY "cb-test-raw-buffer"
#define EOF_KEY "cb-test-raw-eof"

GSocketConnection *
cb_test_raw_connect_rcvbuf (const char *url,
                            int         rcvbuf)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;

  g_assert_no_error (error);
  inet = g_inet_address_new_from_string (g_uri_get_host (uri));
  g_assert_nonnull (inet);
  address = g_inet_socket_address_new (inet, g_uri_get_port (uri));
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  if (rcvbuf > 0)
    g_assert_true (g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, rcvbuf, NULL));
  /* Every blocking call gives up after 10 s: a test cannot hang here. */
  g_socket_set_timeout (socket, 10);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);
  return g_socket_connection_factory_create_connection (socket);
}

GSocketConnection *
cb_test_raw_connect (const char *url)
{
  return cb_test_raw_connect_rcvbuf (url, 0);
}

gboolean
cb_test_raw_send (GSocketConnection *connection,
                  const void        *data,
                  gsize              length)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  const char *p = data;

  while (length > 0)
    {
      gssize n = g_socket_send (socket, p, length, NULL, NULL);

      if (n <= 0)
        return FALSE;
      p += n;
      length -= n;
    }
  return TRUE;
}

static GByteArray *
buffer_of (GSocketConnection *connection)
{
  GByteArray *buffer = g_object_get_data (G_OBJECT (connection), BUFFER_KEY);

  if (buffer == NULL)
    {
      buffer = g_byte_array_new ();
      g_object_set_data_full (G_OBJECT (connection), BUFFER_KEY, buffer,
                              (GDestroyNotify) g_byte_array_unref);
    }
  return buffer;
}

/* Reads what arrives before deadline (monotonic µs) into the buffer:
 * > 0 bytes read, 0 the end (or a reset), -1 nothing before the deadline. */
static gssize
fill (GSocketConnection *connection,
      gint64             deadline)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  GByteArray *buffer = buffer_of (connection);
  char chunk[16384];
  gint64 left = deadline - g_get_monotonic_time ();
  gssize n;

  if (g_object_get_data (G_OBJECT (connection), EOF_KEY) != NULL)
    return 0;
  if (left <= 0 || !g_socket_condition_timed_wait (socket, G_IO_IN, left, NULL, NULL))
    return -1;
  n = g_socket_receive (socket, chunk, sizeof chunk, NULL, NULL);
  if (n <= 0)
    {
      g_object_set_data (G_OBJECT (connection), EOF_KEY, GINT_TO_POINTER (1));
      return 0;
    }
  g_byte_array_append (buffer, (const guint8 *) chunk, n);
  return n;
}

char *
cb_test_raw_read_status (GSocketConnection *connection,
                         guint              timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  GByteArray *buffer = buffer_of (connection);

  for (;;)
    {
      const char *end = buffer->len > 0 ? memchr (buffer->data, '\n', buffer->len) : NULL;

      if (end != NULL)
        {
          char *line = g_strndup ((const char *) buffer->data, end - (const char *) buffer->data);

          g_byte_array_remove_range (buffer, 0, end - (const char *) buffer->data + 1);
          return g_strchomp (line);
        }
      if (fill (connection, deadline) <= 0)
        return NULL;
    }
}

gboolean
cb_test_raw_wait_closed (GSocketConnection *connection,
                         guint              timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  for (;;)
    {
      gssize n = fill (connection, deadline);

      if (n == 0)
        return TRUE;
      if (n < 0)
        return FALSE;
      g_byte_array_set_size (buffer_of (connection), 0);
    }
}

gboolean
cb_test_raw_ws_handshake (GSocketConnection *connection,
                          const char        *path,
                          const char        *token)
{
  g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\n"
                                              "Host: 127.0.0.1\r\n"
                                              "Upgrade: websocket\r\n"
                                              "Connection: Upgrade\r\n"
                                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                              "Sec-WebSocket-Version: 13\r\n"
                                              "Authorization: Bearer %s\r\n"
                                              "\r\n", path, token);
  g_autofree char *status = NULL;
  gboolean switching;

  if (!cb_test_raw_send (connection, request, strlen (request)))
    return FALSE;
  status = cb_test_raw_read_status (connection, 5000);
  switching = status != NULL && g_str_has_prefix (status, "HTTP/1.1 101");
  /* The rest of the head. */
  while (status != NULL && status[0] != '\0')
    {
      g_free (status);
      status = cb_test_raw_read_status (connection, 5000);
    }
  return switching && status != NULL;
}

gboolean
cb_test_raw_ws_send (GSocketConnection *connection,
                     guint              opcode,
                     gboolean           fin,
                     const void        *payload,
                     gsize              length)
{
  g_autoptr(GByteArray) frame = g_byte_array_sized_new (length + 14);
  guint8 head[2] = { (fin ? 0x80 : 0) | (opcode & 0x0f), 0x80 };
  guint8 mask[4] = { 0x12, 0x34, 0x56, 0x78 };
  const guint8 *bytes = payload;

  if (length < 126)
    {
      head[1] |= length;
      g_byte_array_append (frame, head, 2);
    }
  else if (length <= 0xffff)
    {
      guint8 ext[2] = { length >> 8, length & 0xff };

      head[1] |= 126;
      g_byte_array_append (frame, head, 2);
      g_byte_array_append (frame, ext, 2);
    }
  else
    {
      guint8 ext[8];

      for (guint i = 0; i < 8; i++)
        ext[i] = ((guint64) length >> (56 - 8 * i)) & 0xff;
      head[1] |= 127;
      g_byte_array_append (frame, head, 2);
      g_byte_array_append (frame, ext, 8);
    }
  g_byte_array_append (frame, mask, 4);
  for (gsize i = 0; i < length; i++)
    {
      guint8 b = bytes[i] ^ mask[i % 4];

      g_byte_array_append (frame, &b, 1);
    }
  return cb_test_raw_send (connection, frame->data, frame->len);
}

/* Takes complete frames off the buffer: the close code once a close
 * frame is there (1005 without one), else 0. */
static int
take_frames (GByteArray *buffer,
             guint      *n_text)
{
  while (buffer->len >= 2)
    {
      guint opcode = buffer->data[0] & 0x0f;
      guint64 length = buffer->data[1] & 0x7f;
      gsize header = 2;

      if (length == 126)
        {
          if (buffer->len < 4)
            return 0;
          length = (buffer->data[2] << 8) | buffer->data[3];
          header = 4;
        }
      else if (length == 127)
        {
          if (buffer->len < 10)
            return 0;
          length = 0;
          for (guint i = 0; i < 8; i++)
            length = (length << 8) | buffer->data[2 + i];
          header = 10;
        }
      if (buffer->len < header + length)
        return 0;

      if (opcode == 0x8)
        return length >= 2 ? (buffer->data[header] << 8) | buffer->data[header + 1] : 1005;
      if (opcode == 0x1 && n_text != NULL)
        (*n_text)++;
      g_byte_array_remove_range (buffer, 0, header + length);
    }
  return 0;
}

int
cb_test_raw_ws_read_close (GSocketConnection *connection,
                           guint              timeout_ms,
                           guint             *n_text)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  GByteArray *buffer = buffer_of (connection);

  for (;;)
    {
      int code = take_frames (buffer, n_text);
      gssize n;

      if (code != 0)
        return code;
      n = fill (connection, deadline);
      if (n == 0)
        return 0;
      if (n < 0)
        return -1;
    }
}

gboolean
cb_test_raw_ws_closed_now (GSocketConnection *connection)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  GByteArray *buffer = buffer_of (connection);

  while (g_socket_condition_check (socket, G_IO_IN) != 0)
    {
      if (fill (connection, g_get_monotonic_time () + G_TIME_SPAN_SECOND) == 0)
        return TRUE;
      if (take_frames (buffer, NULL) != 0)
        return TRUE;
    }
  return take_frames (buffer, NULL) != 0;
}
