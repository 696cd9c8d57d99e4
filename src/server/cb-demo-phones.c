/* cb-demo-phones.c: the demo's simulated colleagues on the telephone
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real phone-library user agents on a handful of colleagues' softphone
 * lines, registered with our own registrar over loopback. Their calls go
 * through the B2BUA like anyone's, so line states, call events and
 * journals move for real. Each phone sends a sine of its own and throws
 * away what it hears: no sound card needed.
 *
 * A colleague talks for a while and hangs up, as people do, but not while
 * held: someone on hold waits (a user consulting someone else before a
 * transfer), and gives up only after HOLD_PATIENCE. Taken off hold, or
 * put through to someone new (a transfer moves the media elsewhere),
 * they start a new conversation with a talk time of its own: the timer
 * of the first one does not cut off the second.
 */

#define G_LOG_DOMAIN "cb-demo"

#include <string.h>

#include "cb-demo-phones.h"
#include "cb-demo-simulator.h"
#include "cb-sip-agent.h"
#include "cb-sip-server.h"

/* Enough for a lively office, few enough for a laptop. */
#define MAX_PHONES 10

#define SRC_FMT "audiotestsrc is-live=true wave=sine freq=%g volume=0.3 samplesperbuffer=480"
/* Mono S16 into a sink named "tap": what a tone detector reads (tests). */
#define SINK    "audioconvert ! audio/x-raw,format=S16LE,channels=1 ! fakesink name=tap sync=true"

/* Milliseconds. A colleague's call rings a few seconds; a user's call is
 * taken at once, as a demo visitor does not want to wait. */
#define ANSWER_COLLEAGUE_MIN 2000
#define ANSWER_COLLEAGUE_MAX 6000
#define ANSWER_USER_MIN      1500
#define ANSWER_USER_MAX      2500
#define TALK_MIN             10000   /* calls the colleagues make */
#define TALK_MAX             40000
#define TALK_USER            30000   /* a user's call, unless they hang up first */
#define TALK_LONGEST         60000   /* the callee's bound on a colleague's call */
#define GIVE_UP_USER         25000   /* the demo user did not answer: missed */
#define GIVE_UP              30000
#define HOLD_PATIENCE        180000  /* held that long, a colleague hangs up */
#define FIRST_USER_CALL      15000   /* after the demo user's softphone registers */
#define RETRY_USER_CALL      5000    /* the demo user or everyone was busy */
#define WATCH_INTERVAL       1000
#define SHUTDOWN_WAIT        2000
/* One call in this many goes to a hunt group rather than a colleague. */
#define GROUP_CALL_ODDS      5

typedef struct _DemoPhone DemoPhone;

struct _CbDemoPhones
{
  GObject     parent_instance;

  CbApi      *api;
  char       *registrar;        /* "sip:HOST:PORT", or "sips:HOST:PORT" on TLS */
  char       *tls_pem;          /* the server's certificate: the phones are on TLS, pinned to it */
  char       *local_address;
  guint       call_interval_ms;
  GRand      *rand;
  GPtrArray  *phones;           /* DemoPhone */

  gint64      user_id;          /* the demo user, 0: none */
  char       *user_extension;
  gboolean    user_registered;

  guint       call_timer_id;    /* the next colleague call */
  guint       user_call_id;     /* the next call to the demo user */
  guint       watch_id;         /* looks for the demo user's softphone */
  gboolean    stopped;
};

struct _DemoPhone
{
  CbDemoPhones *owner;
  gint64        user_id;
  char         *name;           /* username, for the log */
  char         *extension;
  CbSipAgent   *agent;
  CbSipCall    *call;           /* the one call it is in, or NULL */
  gboolean      placed;         /* call was dialled here */
  gboolean      from_user;      /* an incoming call from someone not simulated */
  guint         timer_id;       /* answers, gives up on or hangs up call */
  CbMediaPipeline *media;       /* call's, watched for hold and moves while it is up */
  gboolean      held;           /* the other side holds the call */
};

G_DEFINE_FINAL_TYPE (CbDemoPhones, cb_demo_phones, G_TYPE_OBJECT)

CbSipCall *
cb_demo_phones_get_call (CbDemoPhones *self,
                         const char   *extension)
{
  g_return_val_if_fail (CB_IS_DEMO_PHONES (self), NULL);

  for (guint i = 0; extension != NULL && i < self->phones->len; i++)
    {
      DemoPhone *phone = g_ptr_array_index (self->phones, i);

      if (g_strcmp0 (phone->extension, extension) == 0)
        return phone->call;
    }
  return NULL;
}

double
cb_demo_phones_tone_for (const char *extension)
{
  guint64 number = extension != NULL ? g_ascii_strtoull (extension, NULL, 10) : 0;

  if (number == 0 && extension != NULL)
    number = g_str_hash (extension);
  return 400.0 + 20.0 * (number % 30);
}

static guint
random_between (CbDemoPhones *self,
                guint         min,
                guint         max)
{
  return max <= min ? min : (guint) g_rand_int_range (self->rand, min, max + 1);
}

/* ---- one phone's call ------------------------------------------------ */

static void
drop_call (DemoPhone *phone)
{
  g_clear_handle_id (&phone->timer_id, g_source_remove);
  if (phone->media != NULL)
    g_signal_handlers_disconnect_by_data (phone->media, phone);
  g_clear_object (&phone->media);
  if (phone->call != NULL)
    g_signal_handlers_disconnect_by_data (phone->call, phone);
  g_clear_object (&phone->call);
  phone->placed = phone->from_user = phone->held = FALSE;
}

static void
demo_phone_free (DemoPhone *phone)
{
  drop_call (phone);
  if (phone->agent != NULL)
    {
      g_signal_handlers_disconnect_by_data (phone->agent, phone);
      cb_sip_agent_shutdown (phone->agent);
    }
  g_clear_object (&phone->agent);
  g_free (phone->name);
  g_free (phone->extension);
  g_free (phone);
}

static gboolean
hang_up (gpointer user_data)
{
  DemoPhone *phone = user_data;

  phone->timer_id = 0;
  g_debug ("%s hangs up the call with %s", phone->name, cb_sip_call_get_remote_uri (phone->call));
  cb_sip_call_hangup (phone->call);
  return G_SOURCE_REMOVE;
}

static gboolean
answer (gpointer user_data)
{
  DemoPhone *phone = user_data;
  g_autoptr(GError) error = NULL;

  phone->timer_id = 0;
  if (!cb_sip_call_answer (phone->call, &error))
    g_debug ("%s could not answer: %s", phone->name, error->message);
  return G_SOURCE_REMOVE;
}

/* A conversation starts (answered, taken off hold, put through to
 * someone new): it lasts a talk time of its own. */
static void
talk_afresh (DemoPhone *phone)
{
  CbDemoPhones *self = phone->owner;
  guint talk_ms;

  if (phone->placed)
    talk_ms = random_between (self, TALK_MIN, TALK_MAX);
  else
    talk_ms = phone->from_user ? TALK_USER : TALK_LONGEST;
  g_clear_handle_id (&phone->timer_id, g_source_remove);
  phone->timer_id = g_timeout_add (talk_ms, hang_up, phone);
}

/* Held (the other side stopped sending to us), the colleague waits. */
static void
on_media_direction (CbMediaPipeline *media,
                    GParamSpec      *pspec,
                    DemoPhone       *phone)
{
  CbMediaDirection direction = cb_media_pipeline_get_direction (media);
  gboolean held = direction == CB_MEDIA_DIRECTION_RECVONLY ||
                  direction == CB_MEDIA_DIRECTION_INACTIVE;

  if (held == phone->held)
    return;
  phone->held = held;
  g_debug ("%s is %s", phone->name, held ? "on hold" : "off hold");
  if (held)
    {
      g_clear_handle_id (&phone->timer_id, g_source_remove);
      phone->timer_id = g_timeout_add (HOLD_PATIENCE, hang_up, phone);
    }
  else
    talk_afresh (phone);
}

/* The media goes somewhere else: someone new is at the other end. */
static void
on_media_moved (CbMediaPipeline *media,
                GParamSpec      *pspec,
                DemoPhone       *phone)
{
  if (phone->held)
    return;
  g_debug ("%s talks to someone new", phone->name);
  talk_afresh (phone);
}

static void
on_call_state (CbSipCall  *call,
               GParamSpec *pspec,
               DemoPhone  *phone)
{
  switch (cb_sip_call_get_state (call))
    {
    case CB_SIP_CALL_STATE_ACTIVE:
      talk_afresh (phone);
      if (phone->media == NULL)
        {
          phone->media = g_object_ref (cb_sip_call_get_media (call));
          g_signal_connect (phone->media, "notify::direction", G_CALLBACK (on_media_direction), phone);
          g_signal_connect (phone->media, "notify::remote-address", G_CALLBACK (on_media_moved), phone);
          g_signal_connect (phone->media, "notify::remote-rtp-port", G_CALLBACK (on_media_moved), phone);
        }
      break;

    case CB_SIP_CALL_STATE_ENDED:
      g_debug ("%s: the call with %s ended (%u)", phone->name,
               cb_sip_call_get_remote_uri (call), cb_sip_call_get_end_status (call));
      drop_call (phone);
      break;

    default:
      break;
    }
}

static void
take_call (DemoPhone *phone,
           CbSipCall *call)
{
  phone->call = g_object_ref (call);
  g_signal_connect (call, "notify::state", G_CALLBACK (on_call_state), phone);
}

/* "sip:202@host:port" → "202". */
static char *
uri_user (const char *uri)
{
  const char *start = uri != NULL ? strchr (uri, ':') : NULL;
  const char *at = start != NULL ? strchr (start, '@') : NULL;

  return at != NULL ? g_strndup (start + 1, at - start - 1) : NULL;
}

static gboolean
is_simulated (CbDemoPhones *self,
              const char   *extension)
{
  for (guint i = 0; extension != NULL && i < self->phones->len; i++)
    if (g_strcmp0 (((DemoPhone *) g_ptr_array_index (self->phones, i))->extension, extension) == 0)
      return TRUE;
  return FALSE;
}

static void
on_incoming_call (CbSipAgent *agent,
                  CbSipCall  *call,
                  DemoPhone  *phone)
{
  CbDemoPhones *self = phone->owner;
  g_autofree char *caller = uri_user (cb_sip_call_get_remote_uri (call));

  /* One call at a time, as a person on a phone. */
  if (phone->call != NULL || self->stopped)
    {
      g_debug ("%s is busy: declining the call from %s", phone->name, caller);
      cb_sip_call_hangup (call);
      return;
    }

  take_call (phone, call);
  phone->from_user = !is_simulated (self, caller);
  phone->timer_id = g_timeout_add (phone->from_user
                                   ? random_between (self, ANSWER_USER_MIN, ANSWER_USER_MAX)
                                   : random_between (self, ANSWER_COLLEAGUE_MIN, ANSWER_COLLEAGUE_MAX),
                                   answer, phone);
}

static gboolean
dial (DemoPhone  *phone,
      const char *number,
      guint       give_up_ms)
{
  CbDemoPhones *self = phone->owner;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strdup_printf ("sip:%s@%s", number, strchr (self->registrar, ':') + 1);
  g_autoptr(CbSipCall) call = cb_sip_agent_dial (phone->agent, uri, &error);

  if (call == NULL)
    {
      g_message ("Simulated call from %s to %s failed: %s", phone->name, number, error->message);
      return FALSE;
    }
  g_debug ("%s calls %s", phone->name, number);
  take_call (phone, call);
  phone->placed = TRUE;
  phone->timer_id = g_timeout_add (give_up_ms, hang_up, phone);
  return TRUE;
}

/* ---- who calls whom -------------------------------------------------- */

static GPtrArray *
idle_phones (CbDemoPhones *self)
{
  GPtrArray *idle = g_ptr_array_new ();

  for (guint i = 0; i < self->phones->len; i++)
    {
      DemoPhone *phone = g_ptr_array_index (self->phones, i);

      if (phone->call == NULL && cb_sip_agent_get_registered (phone->agent))
        g_ptr_array_add (idle, phone);
    }
  return idle;
}

/* Removes and returns a random element of a non-empty array. */
static DemoPhone *
take_random (CbDemoPhones *self,
             GPtrArray    *phones)
{
  return g_ptr_array_steal_index_fast (phones, g_rand_int_range (self->rand, 0, phones->len));
}

/* A hunt group with a number that the caller is not in, or NULL. */
static const CbGroupRecord *
random_hunt_group (CbDemoPhones *self,
                   DemoPhone    *caller)
{
  GPtrArray *groups = cb_directory_list_groups (self->api->directory);
  g_autoptr(GPtrArray) hunt = g_ptr_array_new ();

  for (guint i = 0; i < groups->len; i++)
    {
      const CbGroupRecord *group = g_ptr_array_index (groups, i);

      if (group->kind == CB_GROUP_KIND_HUNT && group->number != NULL && group->number[0] != '\0' &&
          !cb_directory_is_member (self->api->directory, group->id, caller->user_id))
        g_ptr_array_add (hunt, (gpointer) group);
    }
  if (hunt->len == 0)
    return NULL;
  return g_ptr_array_index (hunt, g_rand_int_range (self->rand, 0, hunt->len));
}

static void
place_colleague_call (CbDemoPhones *self)
{
  g_autoptr(GPtrArray) idle = idle_phones (self);
  const CbGroupRecord *group;
  DemoPhone *caller;
  guint calling = 0;

  /* Most phones stay free, so that a user who calls one is answered. */
  for (guint i = 0; i < self->phones->len; i++)
    if (((DemoPhone *) g_ptr_array_index (self->phones, i))->placed)
      calling++;
  if (calling >= MAX (self->phones->len / 4, 1) || idle->len == 0)
    return;

  caller = take_random (self, idle);
  if (g_rand_int_range (self->rand, 0, GROUP_CALL_ODDS) == 0 &&
      (group = random_hunt_group (self, caller)) != NULL)
    dial (caller, group->number, GIVE_UP);
  else if (idle->len > 0)
    dial (caller, take_random (self, idle)->extension, GIVE_UP);
}

static gboolean
colleague_call_tick (gpointer user_data);

static void
schedule_colleague_call (CbDemoPhones *self)
{
  guint interval = self->call_interval_ms;

  self->call_timer_id = g_timeout_add (random_between (self, interval / 2, interval * 3 / 2),
                                       colleague_call_tick, self);
}

static gboolean
colleague_call_tick (gpointer user_data)
{
  CbDemoPhones *self = user_data;

  self->call_timer_id = 0;
  place_colleague_call (self);
  schedule_colleague_call (self);
  return G_SOURCE_REMOVE;
}

static gboolean
user_call_tick (gpointer user_data);

static void
schedule_user_call (CbDemoPhones *self,
                    guint         delay_ms)
{
  g_clear_handle_id (&self->user_call_id, g_source_remove);
  self->user_call_id = g_timeout_add (delay_ms, user_call_tick, self);
}

/* Someone rings the demo user now and then, so a newcomer sees an
 * incoming call; unanswered, it becomes a missed call. */
static gboolean
user_call_tick (gpointer user_data)
{
  CbDemoPhones *self = user_data;
  const CbUserRecord *user = cb_directory_get_user (self->api->directory, self->user_id);
  g_autoptr(GPtrArray) idle = idle_phones (self);
  guint interval = self->call_interval_ms;

  self->user_call_id = 0;
  /* Not while they talk, or asked not to be disturbed. */
  if (user == NULL || user->line_state != CB_LINE_STATE_IDLE ||
      user->availability == CB_AVAILABILITY_DND || idle->len == 0)
    {
      schedule_user_call (self, MIN (interval, RETRY_USER_CALL));
      return G_SOURCE_REMOVE;
    }

  dial (take_random (self, idle), self->user_extension, GIVE_UP_USER);
  /* Every 1–3 minutes with the default interval of 40 s. */
  schedule_user_call (self, random_between (self, interval * 3 / 2, interval * 9 / 2));
  return G_SOURCE_REMOVE;
}

/* The demo user's softphone registering means someone signed in: the
 * first call comes soon after. */
static gboolean
watch_user (gpointer user_data)
{
  CbDemoPhones *self = user_data;
  CbSipServer *sip = self->api->sip;
  gboolean registered = sip != NULL && cb_sip_server_is_registered (sip, self->user_id);

  if (registered && !self->user_registered)
    schedule_user_call (self, MIN (self->call_interval_ms, FIRST_USER_CALL));
  else if (!registered)
    g_clear_handle_id (&self->user_call_id, g_source_remove);
  self->user_registered = registered;
  return G_SOURCE_CONTINUE;
}

/* ---- setup and teardown ---------------------------------------------- */

/* A phone for the user, if they are a colleague with a softphone line. */
static void
consider (CbDemoPhones *self,
          GHashTable   *tried,
          gint64        user_id)
{
  static const char * const codecs[] = { "pcma", "pcmu", "opus", NULL };
  const CbUserRecord *user;
  g_autoptr(CbSipLineRecord) line = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *src = NULL;
  CbSipAgent *agent;
  DemoPhone *phone;

  if (self->phones->len >= MAX_PHONES || user_id == self->user_id ||
      !g_hash_table_add (tried, g_memdup2 (&user_id, sizeof user_id)))
    return;
  user = cb_directory_get_user (self->api->directory, user_id);
  if (user == NULL || user->kind != CB_USER_KIND_USER ||
      user->extension == NULL || user->extension[0] == '\0')
    return;
  line = cb_store_get_softphone_line (self->api->store, user_id, &error);
  if (line == NULL)
    return;

  agent = self->tls_pem != NULL
          ? cb_sip_agent_new_tls (self->local_address, line->username, self->tls_pem, &error)
          : cb_sip_agent_new (self->local_address, 0, line->username, &error);
  if (agent == NULL)
    {
      g_message ("No simulated phone for %s: %s", user->username, error->message);
      return;
    }
  src = g_strdup_printf (SRC_FMT, cb_demo_phones_tone_for (user->extension));
  g_object_set (agent, "audio-src", src, "audio-sink", SINK, NULL);
  /* Cheap codecs first for the calls among themselves; a user's offer
   * still decides the calls they make. */
  cb_sip_agent_set_codecs (agent, codecs);

  phone = g_new0 (DemoPhone, 1);
  phone->owner = self;
  phone->user_id = user_id;
  phone->name = g_strdup (user->username);
  phone->extension = g_strdup (user->extension);
  phone->agent = agent;
  g_signal_connect (agent, "incoming-call", G_CALLBACK (on_incoming_call), phone);
  g_ptr_array_add (self->phones, phone);
  cb_sip_agent_register (agent, self->registrar, line->secret);
}

/* The colleagues the demo user sees first: favourites and monitor, then
 * the members of their groups, then anyone. */
static void
add_phones (CbDemoPhones *self)
{
  CbDirectory *directory = self->api->directory;
  g_autoptr(GHashTable) tried = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GPtrArray *users;

  if (self->user_id != 0)
    {
      static const CbListKind kinds[] = { CB_LIST_FAVOURITES, CB_LIST_MONITOR };
      g_autoptr(GPtrArray) groups = cb_directory_member_of (directory, self->user_id);

      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        {
          g_autoptr(GArray) list = cb_changes_effective_list (self->api->changes, self->user_id, kinds[k], NULL, NULL);

          for (guint i = 0; list != NULL && i < list->len; i++)
            consider (self, tried, g_array_index (list, gint64, i));
        }
      for (guint g = 0; g < groups->len; g++)
        {
          const CbGroupRecord *group = g_ptr_array_index (groups, g);

          for (guint i = 0; group->members != NULL && i < group->members->len; i++)
            consider (self, tried, g_array_index (group->members, CbGroupMember, i).user_id);
        }
    }

  users = cb_directory_list_users (directory);
  for (guint i = 0; i < users->len && self->phones->len < MAX_PHONES; i++)
    consider (self, tried, ((const CbUserRecord *) g_ptr_array_index (users, i))->id);
}

/* An IPv4 address of the registrar's to send from; the phones cannot do IPv6. */
static char *
local_address_for (const char *registrar)
{
  const char *host = strchr (registrar, ':') != NULL ? strchr (registrar, ':') + 1 : registrar;
  const char *colon = strrchr (host, ':');
  g_autofree char *name = colon != NULL ? g_strndup (host, colon - host) : g_strdup (host);
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (name);

  if (address == NULL || g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4 ||
      g_inet_address_get_is_any (address))
    return g_strdup ("127.0.0.1");
  return g_steal_pointer (&name);
}

void
cb_demo_phones_use_tls (CbDemoPhones *self,
                        const char   *registrar,
                        const char   *certificate_pem)
{
  g_return_if_fail (CB_IS_DEMO_PHONES (self));
  g_return_if_fail (self->phones->len == 0);

  g_free (self->registrar);
  self->registrar = g_strdup (registrar);
  g_free (self->tls_pem);
  self->tls_pem = g_strdup (certificate_pem);
}

void
cb_demo_phones_start (CbDemoPhones *self)
{
  const CbUserRecord *user;

  g_return_if_fail (CB_IS_DEMO_PHONES (self));

  if (self->phones->len > 0 || self->stopped)
    return;

  user = cb_directory_find_user (self->api->directory, CB_DEMO_USERNAME);
  if (user != NULL && user->extension != NULL && user->extension[0] != '\0')
    {
      self->user_id = user->id;
      self->user_extension = g_strdup (user->extension);
    }
  add_phones (self);
  g_debug ("%u simulated phones, a call every %u ms or so", self->phones->len,
           self->call_interval_ms);

  if (self->call_interval_ms == 0)
    return;
  schedule_colleague_call (self);
  if (self->user_id != 0)
    self->watch_id = g_timeout_add (WATCH_INTERVAL, watch_user, self);
}

static gboolean
keep_waking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
all_calls_ended (CbDemoPhones *self)
{
  for (guint i = 0; i < self->phones->len; i++)
    if (((DemoPhone *) g_ptr_array_index (self->phones, i))->call != NULL)
      return FALSE;
  return TRUE;
}

static gboolean
all_unregistered (CbDemoPhones *self)
{
  for (guint i = 0; i < self->phones->len; i++)
    if (cb_sip_agent_get_registered (((DemoPhone *) g_ptr_array_index (self->phones, i))->agent))
      return FALSE;
  return TRUE;
}

/* The registrar answers on this very main context: iterate it. */
static void
wait_for (CbDemoPhones  *self,
          gboolean    ( *done) (CbDemoPhones *))
{
  gint64 deadline = g_get_monotonic_time () + SHUTDOWN_WAIT * G_TIME_SPAN_MILLISECOND;
  guint ticker = g_timeout_add (50, keep_waking, NULL);

  while (!done (self) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (ticker);
}

void
cb_demo_phones_stop (CbDemoPhones *self)
{
  g_return_if_fail (CB_IS_DEMO_PHONES (self));

  if (self->stopped)
    return;
  self->stopped = TRUE;
  g_clear_handle_id (&self->call_timer_id, g_source_remove);
  g_clear_handle_id (&self->user_call_id, g_source_remove);
  g_clear_handle_id (&self->watch_id, g_source_remove);

  /* BYE and un-REGISTER while the registrar still listens, so that no
   * call or binding is left behind in it. */
  for (guint i = 0; i < self->phones->len; i++)
    {
      DemoPhone *phone = g_ptr_array_index (self->phones, i);

      g_clear_handle_id (&phone->timer_id, g_source_remove);
      if (phone->call != NULL)
        cb_sip_call_hangup (phone->call);
    }
  wait_for (self, all_calls_ended);
  for (guint i = 0; i < self->phones->len; i++)
    cb_sip_agent_unregister (((DemoPhone *) g_ptr_array_index (self->phones, i))->agent);
  wait_for (self, all_unregistered);
  g_ptr_array_set_size (self->phones, 0);
}

static void
cb_demo_phones_dispose (GObject *object)
{
  CbDemoPhones *self = CB_DEMO_PHONES (object);

  if (self->phones != NULL)
    cb_demo_phones_stop (self);
  g_clear_pointer (&self->phones, g_ptr_array_unref);
  g_clear_pointer (&self->rand, g_rand_free);
  G_OBJECT_CLASS (cb_demo_phones_parent_class)->dispose (object);
}

static void
cb_demo_phones_finalize (GObject *object)
{
  CbDemoPhones *self = CB_DEMO_PHONES (object);

  g_free (self->registrar);
  g_free (self->tls_pem);
  g_free (self->local_address);
  g_free (self->user_extension);
  G_OBJECT_CLASS (cb_demo_phones_parent_class)->finalize (object);
}

static void
cb_demo_phones_class_init (CbDemoPhonesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cb_demo_phones_dispose;
  object_class->finalize = cb_demo_phones_finalize;
}

static void
cb_demo_phones_init (CbDemoPhones *self)
{
  self->rand = g_rand_new ();
  self->phones = g_ptr_array_new_with_free_func ((GDestroyNotify) demo_phone_free);
}

CbDemoPhones *
cb_demo_phones_new (CbApi      *api,
                    const char *registrar,
                    guint       call_interval_ms)
{
  CbDemoPhones *self;

  g_return_val_if_fail (api != NULL, NULL);
  g_return_val_if_fail (registrar != NULL, NULL);

  self = g_object_new (CB_TYPE_DEMO_PHONES, NULL);
  self->api = api;
  self->registrar = g_strdup (registrar);
  self->local_address = local_address_for (registrar);
  /* Not faster than a tenth of a second: calls need time to ring. */
  self->call_interval_ms = call_interval_ms == 0 ? 0 : MAX (call_interval_ms, 100u);
  return self;
}
