/* cb-demo-simulator.c: simulated colleagues for the demo
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Changes go through the same functions as the REST handlers
 * (cb_changes_set_presence() …), so they are persisted and published like
 * anyone's: the demo exercises the real event path.
 */

#define G_LOG_DOMAIN "cb-demo"

#include "cb-demo-simulator.h"
#include "cb-sip-server.h"

/* The initial shuffle touches at most this many users. */
#define MAX_SHUFFLE 200

struct _CbDemoSimulator
{
  GObject  parent_instance;

  CbApi   *api;
  GRand   *rand;
  double   rate;          /* changes per second */
  gint64   started_at;    /* monotonic us of the first tick's schedule */
  guint64  done;          /* changes made since */
  guint    timer_id;
};

/* A busy main loop fires timers late: each tick catches up, at most this
 * many changes at once so the loop keeps serving clients. */
#define MAX_PER_TICK 200

G_DEFINE_FINAL_TYPE (CbDemoSimulator, cb_demo_simulator, G_TYPE_OBJECT)

static const char *notes[] = {
  "", "", "", "In a meeting", "Back at 2", "Lunch", "Customer visit", "Working from home",
};

static void
cb_demo_simulator_dispose (GObject *object)
{
  CbDemoSimulator *self = CB_DEMO_SIMULATOR (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_pointer (&self->rand, g_rand_free);
  G_OBJECT_CLASS (cb_demo_simulator_parent_class)->dispose (object);
}

static void
cb_demo_simulator_class_init (CbDemoSimulatorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cb_demo_simulator_dispose;
}

static void
cb_demo_simulator_init (CbDemoSimulator *self)
{
  self->rand = g_rand_new ();
}

CbDemoSimulator *
cb_demo_simulator_new (CbApi  *api,
                       double  changes_per_second)
{
  CbDemoSimulator *self = g_object_new (CB_TYPE_DEMO_SIMULATOR, NULL);

  self->api = api;
  self->rate = CLAMP (changes_per_second, 0.001, 100000.0);
  return self;
}

static gboolean
is_colleague (const CbUserRecord *user)
{
  return user->kind == CB_USER_KIND_USER && g_strcmp0 (user->username, CB_DEMO_USERNAME) != 0;
}

static CbAvailability
random_availability (CbDemoSimulator *self)
{
  /* Mostly available, as in a real office. */
  static const CbAvailability weighted[] = {
    CB_AVAILABILITY_AVAILABLE, CB_AVAILABILITY_AVAILABLE, CB_AVAILABILITY_AVAILABLE,
    CB_AVAILABILITY_AVAILABLE, CB_AVAILABILITY_AWAY, CB_AVAILABILITY_BUSY,
    CB_AVAILABILITY_DND, CB_AVAILABILITY_OFFLINE,
  };
  return weighted[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (weighted))];
}

static CbLineState
random_line_state (CbDemoSimulator *self)
{
  static const CbLineState weighted[] = {
    CB_LINE_STATE_IDLE, CB_LINE_STATE_IDLE, CB_LINE_STATE_IDLE, CB_LINE_STATE_RINGING,
    CB_LINE_STATE_BUSY, CB_LINE_STATE_BUSY, CB_LINE_STATE_ON_HOLD,
  };
  return weighted[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (weighted))];
}

static CbAgentStatus
random_agent_status (CbDemoSimulator *self)
{
  return g_rand_int_range (self->rand, 0, CB_AGENT_STATUS_LOGGED_OUT + 1);
}

/* A hunt group the user belongs to, or NULL. */
static const CbGroupRecord *
random_hunt_group (CbDemoSimulator *self,
                   gint64           user_id)
{
  g_autoptr(GPtrArray) groups = cb_directory_member_of (self->api->directory, user_id);
  g_autoptr(GPtrArray) hunt = g_ptr_array_new ();

  for (guint i = 0; i < groups->len; i++)
    {
      const CbGroupRecord *g = g_ptr_array_index (groups, i);

      if (g->kind == CB_GROUP_KIND_HUNT)
        g_ptr_array_add (hunt, (gpointer) g);
    }
  if (hunt->len == 0)
    return NULL;
  return g_ptr_array_index (hunt, g_rand_int_range (self->rand, 0, hunt->len));
}

/* A user with a registered phone has a real line state from the call
 * model (the demo phones): a simulated one would contradict it. */
static gboolean
has_real_line (CbDemoSimulator *self,
               gint64           user_id)
{
  return self->api->sip != NULL && cb_sip_server_is_registered (self->api->sip, user_id);
}

static void
change_user (CbDemoSimulator    *self,
             const CbUserRecord *user,
             guint               action)
{
  CbApi *api = self->api;
  g_autoptr(GError) error = NULL;
  const CbGroupRecord *group;
  gboolean ok = TRUE;

  switch (action)
    {
    case 0:
      {
        CbAvailability availability = random_availability (self);
        const char *note = availability == CB_AVAILABILITY_AVAILABLE ? ""
                           : notes[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (notes))];

        ok = cb_changes_set_presence (api->changes, user->id, availability, note, 0, &error);
        break;
      }
    case 1:
      if (!has_real_line (self, user->id))
        ok = cb_changes_set_line_state (api->changes, user->id, random_line_state (self), &error);
      break;
    case 2:
      ok = cb_changes_set_agent_status (api->changes, user->id, random_agent_status (self), &error);
      break;
    default:
      group = random_hunt_group (self, user->id);
      if (group == NULL)
        {
          if (!has_real_line (self, user->id))
            ok = cb_changes_set_line_state (api->changes, user->id, random_line_state (self), &error);
        }
      else
        ok = cb_changes_set_group_login (api->changes, user->id, group->id,
                                     !cb_directory_is_logged_in (api->directory, group->id, user->id),
                                     &error);
      break;
    }

  if (!ok)
    g_message ("Simulated change for %s failed: %s", user->username, error->message);
}

void
cb_demo_simulator_step (CbDemoSimulator *self)
{
  GPtrArray *users = cb_directory_list_users (self->api->directory);
  const CbUserRecord *user = NULL;

  /* A few tries find a colleague even in a directory with many devices. */
  for (guint tries = 0; tries < 16 && users->len > 0; tries++)
    {
      const CbUserRecord *candidate = g_ptr_array_index (users, g_rand_int_range (self->rand, 0, users->len));

      if (is_colleague (candidate))
        {
          user = candidate;
          break;
        }
    }
  if (user == NULL)
    return;

  change_user (self, user, g_rand_int_range (self->rand, 0, 4));
}

/* As many changes as are due by now: the rate holds on average even
 * when ticks come late or the rate is above one per millisecond. */
static gboolean
tick (gpointer user_data)
{
  CbDemoSimulator *self = user_data;
  double elapsed = (g_get_monotonic_time () - self->started_at) / (double) G_USEC_PER_SEC;
  guint64 due = (guint64) (elapsed * self->rate);

  for (guint n = 0; self->done < due && n < MAX_PER_TICK; n++, self->done++)
    cb_demo_simulator_step (self);
  /* Behind by more than a tick can make up: give up the backlog. */
  if (self->done < due)
    self->done = due;
  return G_SOURCE_CONTINUE;
}

void
cb_demo_simulator_start (CbDemoSimulator *self)
{
  GPtrArray *users = cb_directory_list_users (self->api->directory);
  g_autoptr(GArray) colleagues = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_if_fail (CB_IS_DEMO_SIMULATOR (self));

  if (self->timer_id != 0)
    return;

  /* Ids, not records: each change may replace the cached records. */
  for (guint i = 0; i < users->len && colleagues->len < MAX_SHUFFLE; i++)
    {
      const CbUserRecord *user = g_ptr_array_index (users, i);

      if (is_colleague (user))
        g_array_append_val (colleagues, user->id);
    }

  for (guint i = 0; i < colleagues->len; i++)
    {
      gint64 id = g_array_index (colleagues, gint64, i);

      change_user (self, cb_directory_get_user (self->api->directory, id), 0);
      change_user (self, cb_directory_get_user (self->api->directory, id), 1);
      if (g_rand_boolean (self->rand))
        change_user (self, cb_directory_get_user (self->api->directory, id), 3);
    }

  self->started_at = g_get_monotonic_time ();
  self->done = 0;
  self->timer_id = g_timeout_add (CLAMP ((guint) (1000 / self->rate), 1, 1000), tick, self);
  g_debug ("Simulating %u colleagues, %.3f changes per second", colleagues->len, self->rate);
}

void
cb_demo_simulator_stop (CbDemoSimulator *self)
{
  g_return_if_fail (CB_IS_DEMO_SIMULATOR (self));
  g_clear_handle_id (&self->timer_id, g_source_remove);
}
