/* cb-event-hub.c: the event log's live side: WebSocket clients, replay, fan-out
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything runs on the main thread, so an event recorded by a request
 * handler is committed, mirrored in CbDirectory and sent before any
 * other callback runs: a client that replays and then goes live can
 * neither miss an event nor get one twice.
 *
 * Each event is filtered for each recipient by CbEventFilter (the
 * protocol's table of who sees what): frames that are the same for
 * everyone are serialised once per event, the others once per recipient.
 *
 * A stream costs memory for what it has not taken yet: events sent but
 * not acknowledged by a pong (counted and in bytes), and frames libsoup
 * queued because the client does not read (what we gave libsoup minus
 * what went into the connection, from its CbCountedStream). Past either
 * limit the stream is dropped (4008); a pong for more than was sent is a
 * lie that would hide the first (4002). A user has a bounded number of
 * streams: a new one closes their oldest (4029), since the newest is the
 * one most likely alive (a client reconnecting while its old stream is
 * still half-open) and refusing it would lock the user out of events
 * until the keepalive noticed.
 *
 * Every stream is pinged keepalive seconds after it opened and then every
 * keepalive seconds; all streams share one timer. With a timer each,
 * 1,000 streams were 1,000 sources that every main-loop pass prepares
 * and checks, for the SIP side and every request too. Streams wait in
 * the order of their next ping, which is the order they opened in, so
 * the timer only ever looks at the head of the queue.
 */

#define G_LOG_DOMAIN "cb-events"

#include <string.h>

#include "cb-counted-stream.h"
#include "cb-event-hub.h"
#include "cb-event-filter.h"

#define CLOSE_NO_PONG 4000
#define CLOSE_BAD_PONG 4002
#define CLOSE_TOO_SLOW 4008
#define CLOSE_TOO_MANY_STREAMS 4029
/* Standard policy-violation code: the session behind the stream ended. */
#define CLOSE_SESSION_ENDED 1008
#define REPLAY_BATCH 1000

typedef struct {
  gint64 seq;
  gsize  bytes;
} Unacked;

typedef struct {
  CbEventHub              *hub;
  SoupWebsocketConnection *conn;
  CbCountedStream         *stream;      /* NULL: not counted (in-process) */
  gint64                   user_id;
  char                    *token_hash;
  guint64                  opened;      /* order of opening */
  GArray                  *unacked;     /* Unacked: sent, not yet ponged */
  gsize                    unacked_bytes;
  guint64                  given;       /* bytes handed to libsoup */
  guint64                  written_before; /* by the stream before us */
  gint64                   told;        /* highest seq the client heard of */
  gint64                   last_pong;   /* monotonic µs */
  gint64                   next_ping;   /* monotonic µs */
  GList                   *ping_link;   /* in the hub's ping queue, NULL: none due */
  gboolean                 closing;
} Client;

struct _CbEventHub
{
  GObject        parent_instance;

  CbStore       *store;
  CbDirectory *directory;
  CbAuth        *auth;
  guint          keepalive_ms;
  guint          max_backlog;
  gsize          max_backlog_bytes;
  guint          max_streams;
  guint64        opened;
  CbEventLog    *log;
  GPtrArray     *clients;   /* Client */
  GQueue         pings;     /* Client, by next_ping */
  GSource       *ping_source;
};

G_DEFINE_FINAL_TYPE (CbEventHub, cb_event_hub, G_TYPE_OBJECT)

static void ping_queue_remove (Client *client);

static void
client_free (Client *client)
{
  ping_queue_remove (client);
  if (client->conn != NULL)
    g_signal_handlers_disconnect_by_data (client->conn, client);
  g_clear_object (&client->conn);
  g_clear_object (&client->stream);
  g_clear_pointer (&client->unacked, g_array_unref);
  g_free (client->token_hash);
  g_free (client);
}

static void
cb_event_hub_dispose (GObject *object)
{
  CbEventHub *self = CB_EVENT_HUB (object);

  if (self->log != NULL)
    g_signal_handlers_disconnect_by_data (self->log, self);
  g_clear_object (&self->log);
  g_clear_pointer (&self->clients, g_ptr_array_unref);
  if (self->ping_source != NULL)
    g_source_destroy (self->ping_source);
  g_clear_pointer (&self->ping_source, g_source_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->directory);
  g_clear_object (&self->auth);
  G_OBJECT_CLASS (cb_event_hub_parent_class)->dispose (object);
}

static void
cb_event_hub_class_init (CbEventHubClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cb_event_hub_dispose;
}

static gboolean pings_due (gpointer user_data);

static gboolean
ping_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs ping_source_funcs = {
  .dispatch = ping_source_dispatch,
};

static void
cb_event_hub_init (CbEventHub *self)
{
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  g_queue_init (&self->pings);
  self->ping_source = g_source_new (&ping_source_funcs, sizeof (GSource));
  g_source_set_static_name (self->ping_source, "cb-event-hub pings");
  g_source_set_callback (self->ping_source, pings_due, self, NULL);
  g_source_attach (self->ping_source, NULL);
}

static void on_published (CbEventLog          *log,
                          const CbEventRecord *record,
                          JsonObject          *data,
                          CbEventHub          *self);

CbEventHub *
cb_event_hub_new (CbStore              *store,
                  CbDirectory          *directory,
                  CbEventLog           *log,
                  CbAuth               *auth,
                  const CbServerConfig *config)
{
  CbEventHub *self = g_object_new (CB_TYPE_EVENT_HUB, NULL);

  self->store = g_object_ref (store);
  self->directory = g_object_ref (directory);
  self->log = g_object_ref (log);
  self->auth = g_object_ref (auth);
  self->keepalive_ms = config->keepalive * 1000;
  self->max_backlog = config->max_backlog;
  self->max_backlog_bytes = config->max_backlog_bytes;
  self->max_streams = config->max_streams_per_user;
  g_signal_connect (log, "published", G_CALLBACK (on_published), self);
  return self;
}

guint
cb_event_hub_get_n_clients (CbEventHub *self)
{
  return self->clients->len;
}

/* ---- clients ------------------------------------------------------------ */

static void
client_close (Client     *client,
              gushort     code,
              const char *reason)
{
  if (client->closing)
    return;
  client->closing = TRUE;
  g_debug ("Closing event stream of user %" G_GINT64_FORMAT ": %u %s",
           client->user_id, code, reason);
  ping_queue_remove (client);
  if (soup_websocket_connection_get_state (client->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (client->conn, code, reason);
}

/* Bytes handed to libsoup that have not gone into the connection yet:
 * libsoup queues them without a limit when the client does not read.
 * (Frame headers make the written count a little larger: in the
 * client's favour.) */
static guint64
client_unsent (Client *client)
{
  guint64 written;

  if (client->stream == NULL)
    return 0;
  written = cb_counted_stream_get_bytes_written (client->stream) - client->written_before;
  return client->given > written ? client->given - written : 0;
}

/* Any frame: counted as given, and as told when it carries a seq. */
static void
client_send_text (Client     *client,
                  gint64      seq,
                  const char *text)
{
  client->given += strlen (text);
  client->told = MAX (client->told, seq);
  soup_websocket_connection_send_text (client->conn, text);
}

/* Sends one event frame; FALSE when the client fell too far behind and
 * is being closed. */
static gboolean
client_send_event (Client     *client,
                   gint64      seq,
                   const char *text)
{
  CbEventHub *hub = client->hub;
  Unacked entry = { seq, strlen (text) };

  if (client->closing ||
      soup_websocket_connection_get_state (client->conn) != SOUP_WEBSOCKET_STATE_OPEN)
    return FALSE;

  g_array_append_val (client->unacked, entry);
  client->unacked_bytes += entry.bytes;
  if (client->unacked->len > hub->max_backlog || client->unacked_bytes > hub->max_backlog_bytes ||
      client_unsent (client) + entry.bytes > hub->max_backlog_bytes)
    {
      g_debug ("User %" G_GINT64_FORMAT ": %u events (%" G_GSIZE_FORMAT " bytes) unacknowledged, %"
               G_GUINT64_FORMAT " bytes unsent", client->user_id, client->unacked->len,
               client->unacked_bytes, client_unsent (client));
      client_close (client, CLOSE_TOO_SLOW, "too slow");
      return FALSE;
    }
  client_send_text (client, seq, text);
  return TRUE;
}

static void
client_send_resync (Client *client)
{
  gint64 seq = cb_store_last_seq (client->hub->store);
  g_autofree char *text = cb_wire_frame_event (seq, CB_EVENT_TYPE_RESYNC, "{}");

  if (soup_websocket_connection_get_state (client->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    client_send_text (client, seq, text);
}

/* ---- keepalive ---------------------------------------------------------- */

/* The shared timer wakes for the head of the queue, or not at all. */
static void
ping_queue_schedule (CbEventHub *self)
{
  Client *head = g_queue_peek_head (&self->pings);

  if (self->ping_source != NULL)
    g_source_set_ready_time (self->ping_source, head != NULL ? head->next_ping : -1);
}

/* A stream's next ping is never earlier than any queued one's: it goes
 * to the tail. */
static void
ping_queue_push (Client *client,
                 gint64  when)
{
  CbEventHub *hub = client->hub;

  client->next_ping = when;
  g_queue_push_tail (&hub->pings, client);
  client->ping_link = hub->pings.tail;
  if (hub->pings.length == 1)
    ping_queue_schedule (hub);
}

static void
ping_queue_remove (Client *client)
{
  if (client->ping_link == NULL)
    return;
  g_queue_delete_link (&client->hub->pings, client->ping_link);
  client->ping_link = NULL;
}

/* Pings the stream, or closes it; TRUE when it stays. */
static gboolean
client_ping (Client *client)
{
  CbEventHub *hub = client->hub;
  g_autofree char *text = NULL;
  gint64 silent = g_get_monotonic_time () - client->last_pong;
  gint64 seq;

  if (silent > 2 * (gint64) hub->keepalive_ms * 1000)
    {
      client_close (client, CLOSE_NO_PONG, "no pong");
      return FALSE;
    }

  /* A stream lives no longer than its session. */
  if (cb_auth_lookup_hash (hub->auth, client->token_hash) != client->user_id)
    {
      client_close (client, CLOSE_SESSION_ENDED, "session ended");
      return FALSE;
    }

  /* A client that reads nothing piles up pings too. */
  if (client_unsent (client) > hub->max_backlog_bytes)
    {
      client_close (client, CLOSE_TOO_SLOW, "too slow");
      return FALSE;
    }

  seq = cb_store_last_seq (hub->store);
  text = cb_wire_frame_ping (seq);
  client_send_text (client, seq, text);
  return TRUE;
}

static gboolean
pings_due (gpointer user_data)
{
  CbEventHub *self = user_data;
  gint64 now = g_get_monotonic_time ();
  Client *client;

  while ((client = g_queue_peek_head (&self->pings)) != NULL && client->next_ping <= now)
    {
      g_queue_delete_link (&self->pings, client->ping_link);
      client->ping_link = NULL;
      /* An interval from now (as a timer of its own would), which keeps
       * the queue in order; after a stall, no burst to catch up. */
      if (client_ping (client))
        ping_queue_push (client, now + (gint64) self->keepalive_ms * 1000);
    }
  ping_queue_schedule (self);
  return G_SOURCE_CONTINUE;
}

static void
client_acknowledge (Client *client,
                    gint64  seq)
{
  guint n = 0;

  /* Acknowledging what it was never sent would hide a client that does
   * not read from the backlog limit. */
  if (seq > client->told)
    {
      g_debug ("User %" G_GINT64_FORMAT " acknowledged %" G_GINT64_FORMAT ", sent up to %"
               G_GINT64_FORMAT, client->user_id, seq, client->told);
      client_close (client, CLOSE_BAD_PONG, "pong beyond what was sent");
      return;
    }

  client->last_pong = g_get_monotonic_time ();
  while (n < client->unacked->len && g_array_index (client->unacked, Unacked, n).seq <= seq)
    {
      client->unacked_bytes -= g_array_index (client->unacked, Unacked, n).bytes;
      n++;
    }
  if (n > 0)
    g_array_remove_range (client->unacked, 0, n);
}

static void
client_message (SoupWebsocketConnection *conn,
                gint                     type,
                GBytes                  *message,
                gpointer                 user_data)
{
  Client *client = user_data;
  g_auto(CbWireFrame) frame = { 0 };
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (message, &length);

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      g_debug ("Ignoring a binary frame from user %" G_GINT64_FORMAT, client->user_id);
      return;
    }

  if (!cb_wire_frame_parse (data, length, &frame, &error))
    {
      g_debug ("Ignoring a frame from user %" G_GINT64_FORMAT ": %s",
               client->user_id, error->message);
      return;
    }

  if (frame.kind == CB_WIRE_FRAME_PONG)
    client_acknowledge (client, frame.seq);
  else
    g_debug ("Ignoring a frame other than a pong from user %" G_GINT64_FORMAT, client->user_id);
}

static void
client_closed (SoupWebsocketConnection *conn,
               gpointer                 user_data)
{
  Client *client = user_data;
  CbEventHub *hub = client->hub;

  guint index;

  g_debug ("Event stream of user %" G_GINT64_FORMAT " closed (%u); %u left",
           client->user_id, soup_websocket_connection_get_close_code (conn),
           hub->clients->len - 1);
  client->closing = TRUE;
  ping_queue_remove (client);
  /* Freed from an idle: we are inside the connection's own signal, and a
   * fan-out in progress may still hold the pointer. */
  if (g_ptr_array_find (hub->clients, client, &index))
    g_ptr_array_steal_index_fast (hub->clients, index);
  g_idle_add_once ((GSourceOnceFunc) client_free, client);
}

static void
client_error (SoupWebsocketConnection *conn,
              GError                  *error,
              gpointer                 user_data)
{
  Client *client = user_data;

  g_debug ("Event stream of user %" G_GINT64_FORMAT ": %s", client->user_id, error->message);
}

/* Sends the retained events after since that the client may see. Too many
 * to send, or a resume point outside the log: resync instead. */
static void
replay (CbEventHub *self,
        Client     *client,
        gint64      since)
{
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 current = cb_store_last_seq (self->store);
  gint64 first = cb_store_first_seq (self->store);
  gint64 after = since;
  gsize bytes = 0;

  if (since > current || since < first - 1)
    {
      g_debug ("User %" G_GINT64_FORMAT " resumes from %" G_GINT64_FORMAT
               ", log holds %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT ": resync",
               client->user_id, since, first, current);
      client_send_resync (client);
      return;
    }

  while (after < current)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) batch = cb_store_events_since (self->store, after, REPLAY_BATCH, &error);

      if (batch == NULL)
        {
          g_message ("Replay for user %" G_GINT64_FORMAT " failed: %s",
                     client->user_id, error->message);
          client_send_resync (client);
          return;
        }
      if (batch->len == 0)
        break;

      for (guint i = 0; i < batch->len; i++)
        {
          CbEventRecord *record = g_ptr_array_index (batch, i);
          g_autoptr(JsonObject) data = cb_json_parse_object (record->data, strlen (record->data), NULL);
          g_autoptr(CbEventFilter) filter = NULL;
          const char *text;

          after = record->seq;
          if (data == NULL)
            continue;
          filter = cb_event_filter_new (self->directory, record, data);
          text = cb_event_filter_frame (filter, client->user_id);
          if (text == NULL)
            continue;
          g_ptr_array_add (frames, g_strdup (text));
          g_array_append_val (seqs, record->seq);
          bytes += strlen (text);

          if (frames->len > self->max_backlog || bytes > self->max_backlog_bytes)
            {
              /* The client could not take it all before being dropped:
               * a fresh snapshot is cheaper for both sides. */
              client_send_resync (client);
              return;
            }
        }
    }

  for (guint i = 0; i < frames->len; i++)
    client_send_event (client, g_array_index (seqs, gint64, i), g_ptr_array_index (frames, i));
}

/* Makes room for one more stream of user_id: closes their oldest. */
static void
limit_streams (CbEventHub *self,
               gint64      user_id)
{
  for (;;)
    {
      Client *oldest = NULL;
      guint open = 0;

      for (guint i = 0; i < self->clients->len; i++)
        {
          Client *client = g_ptr_array_index (self->clients, i);

          if (client->user_id != user_id || client->closing)
            continue;
          open++;
          if (oldest == NULL || client->opened < oldest->opened)
            oldest = client;
        }
      if (open < self->max_streams || oldest == NULL)
        return;
      client_close (oldest, CLOSE_TOO_MANY_STREAMS, "too many streams");
    }
}

void
cb_event_hub_accept (CbEventHub              *self,
                     SoupWebsocketConnection *connection,
                     gint64                   user_id,
                     const char              *token_hash,
                     gint64                   since)
{
  Client *client;
  CbCountedStream *stream = cb_counted_stream_from_websocket (connection);

  limit_streams (self, user_id);

  client = g_new0 (Client, 1);
  client->hub = self;
  client->conn = g_object_ref (connection);
  client->stream = stream != NULL ? g_object_ref (stream) : NULL;
  client->written_before = stream != NULL ? cb_counted_stream_get_bytes_written (stream) : 0;
  client->user_id = user_id;
  client->token_hash = g_strdup (token_hash);
  client->opened = ++self->opened;
  client->told = MAX (since, 0);
  client->unacked = g_array_new (FALSE, FALSE, sizeof (Unacked));
  client->last_pong = g_get_monotonic_time ();
  g_ptr_array_add (self->clients, client);

  /* Clients only send pongs: a big frame is a mistake or an attack. */
  soup_websocket_connection_set_max_incoming_payload_size (connection, 4096);
  g_signal_connect (connection, "message", G_CALLBACK (client_message), client);
  g_signal_connect (connection, "closed", G_CALLBACK (client_closed), client);
  g_signal_connect (connection, "error", G_CALLBACK (client_error), client);

  g_debug ("Event stream for user %" G_GINT64_FORMAT " since %" G_GINT64_FORMAT "; %u open",
           user_id, since, self->clients->len);

  if (since >= 0)
    replay (self, client, since);

  if (!client->closing)
    ping_queue_push (client, g_get_monotonic_time () + (gint64) self->keepalive_ms * 1000);
}

/* ---- fan-out ------------------------------------------------------------ */

/* Clients may be closed (and removed) while we send: loop over a copy.
 * Not g_ptr_array_copy(): that would carry over the free function. */
static GPtrArray *
clients_copy (CbEventHub *self)
{
  GPtrArray *copy = g_ptr_array_sized_new (self->clients->len);

  for (guint i = 0; i < self->clients->len; i++)
    g_ptr_array_add (copy, g_ptr_array_index (self->clients, i));
  return copy;
}

/* After an edit of a user: their streams live no longer than their
 * sessions (a new password revokes every token). */
static void
check_sessions (CbEventHub *self,
                gint64      user_id)
{
  g_autoptr(GPtrArray) clients = clients_copy (self);

  for (guint i = 0; i < clients->len; i++)
    {
      Client *client = g_ptr_array_index (clients, i);

      if (client->user_id == user_id && !client->closing &&
          cb_auth_lookup_hash (self->auth, client->token_hash) != user_id)
        client_close (client, CLOSE_SESSION_ENDED, "session ended");
    }
}

/* A change was committed: its event goes to every entitled stream. */
static void
on_published (CbEventLog          *log,
              const CbEventRecord *record,
              JsonObject          *data,
              CbEventHub          *self)
{
  g_autoptr(GPtrArray) clients = NULL;
  g_autoptr(CbEventFilter) filter = NULL;

  if (g_strcmp0 (record->type, cb_event_type_to_string (CB_EVENT_TYPE_USER)) == 0)
    check_sessions (self, record->subject_user_id);

  clients = clients_copy (self);
  filter = cb_event_filter_new (self->directory, record, data);

  for (guint i = 0; i < clients->len; i++)
    {
      Client *client = g_ptr_array_index (clients, i);
      const char *text;

      if (client->closing)
        continue;
      text = cb_event_filter_frame (filter, client->user_id);
      if (text != NULL)
        client_send_event (client, record->seq, text);
    }
}

void
cb_event_hub_close_token (CbEventHub *self,
                          const char *token_hash)
{
  g_autoptr(GPtrArray) clients = clients_copy (self);

  for (guint i = 0; i < clients->len; i++)
    {
      Client *client = g_ptr_array_index (clients, i);

      if (g_strcmp0 (client->token_hash, token_hash) == 0)
        client_close (client, CLOSE_SESSION_ENDED, "session ended");
    }
}

void
cb_event_hub_close_all (CbEventHub *self)
{
  g_autoptr(GPtrArray) clients = clients_copy (self);

  for (guint i = 0; i < clients->len; i++)
    client_close (g_ptr_array_index (clients, i), SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "server shutting down");
}
