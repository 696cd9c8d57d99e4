/* cb-note-expiry.c: presence notes that go by themselves ("Back at 2", until 14:00)
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-note-expiry"

#include "cb-note-expiry.h"

struct _CbNoteExpiry
{
  GObject      parent_instance;

  CbChanges   *changes;
  CbClock     *clock;
  GHashTable  *due;        /* &user id → &until (unix s), notes that will go */
  gint64       next;       /* the earliest until in due, 0: none */
  guint        timer_id;
};

G_DEFINE_FINAL_TYPE (CbNoteExpiry, cb_note_expiry, G_TYPE_OBJECT)

static void
cb_note_expiry_dispose (GObject *object)
{
  CbNoteExpiry *self = CB_NOTE_EXPIRY (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->changes != NULL)
    g_signal_handlers_disconnect_by_data (self->changes, self);
  g_clear_object (&self->changes);
  g_clear_object (&self->clock);
  g_clear_pointer (&self->due, g_hash_table_unref);
  G_OBJECT_CLASS (cb_note_expiry_parent_class)->dispose (object);
}

static void
cb_note_expiry_class_init (CbNoteExpiryClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cb_note_expiry_dispose;
}

static void
cb_note_expiry_init (CbNoteExpiry *self)
{
  self->due = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

static gboolean on_timer (gpointer data);

/* One timer, for the earliest note; it is set again after each change. */
static void
schedule (CbNoteExpiry *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now;

  self->next = 0;
  g_hash_table_iter_init (&iter, self->due);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      gint64 until = *(gint64 *) value;

      if (self->next == 0 || until < self->next)
        self->next = until;
    }
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->next == 0)
    return;
  now = cb_clock_get_real_seconds (self->clock);
  /* A second late rather than early: g_timeout_add_seconds() may round down. */
  self->timer_id = g_timeout_add_seconds ((guint) CLAMP (self->next - now + 1, 0, G_MAXUINT),
                                          on_timer, self);
}

static void
track (CbNoteExpiry *self,
       gint64        user_id)
{
  const CbUserRecord *user = cb_directory_get_user (cb_changes_get_directory (self->changes),
                                                    user_id);

  if (user != NULL && user->note_until > 0 && user->note != NULL && user->note[0] != '\0')
    g_hash_table_insert (self->due, g_memdup2 (&user_id, sizeof user_id),
                         g_memdup2 (&user->note_until, sizeof user->note_until));
  else
    g_hash_table_remove (self->due, &user_id);
}

static void
on_presence_changed (CbChanges    *changes,
                     gint64        user_id,
                     CbNoteExpiry *self)
{
  track (self, user_id);
  schedule (self);
}

static gboolean
on_timer (gpointer data)
{
  CbNoteExpiry *self = data;

  self->timer_id = 0;
  cb_note_expiry_run_due (self);
  return G_SOURCE_REMOVE;
}

guint
cb_note_expiry_run_due (CbNoteExpiry *self)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  CbDirectory *directory = cb_changes_get_directory (self->changes);
  gint64 now = cb_clock_get_real_seconds (self->clock);
  GHashTableIter iter;
  gpointer key, value;
  guint cleared = 0;

  g_return_val_if_fail (CB_IS_NOTE_EXPIRY (self), 0);

  /* Collected first: each clearing changes the table. */
  g_hash_table_iter_init (&iter, self->due);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (*(gint64 *) value <= now)
      g_array_append_val (ids, *(gint64 *) key);

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 user_id = g_array_index (ids, gint64, i);
      const CbUserRecord *user = cb_directory_get_user (directory, user_id);
      g_autoptr(GError) error = NULL;

      if (user == NULL)
        {
          g_hash_table_remove (self->due, &user_id);
          continue;
        }
      g_debug ("The note of user %" G_GINT64_FORMAT " is due", user_id);
      if (cb_changes_set_presence (self->changes, user_id, user->availability, NULL, 0, &error))
        cleared++;
      else
        {
          /* Tried again at the next change rather than in a tight loop. */
          g_warning ("Could not clear the note of user %" G_GINT64_FORMAT ": %s", user_id,
                     error->message);
          g_hash_table_remove (self->due, &user_id);
        }
    }
  schedule (self);
  return cleared;
}

gint64
cb_note_expiry_get_next (CbNoteExpiry *self)
{
  g_return_val_if_fail (CB_IS_NOTE_EXPIRY (self), 0);
  return self->next;
}

CbNoteExpiry *
cb_note_expiry_new (CbChanges *changes,
                    CbClock   *clock)
{
  CbNoteExpiry *self = g_object_new (CB_TYPE_NOTE_EXPIRY, NULL);
  GPtrArray *users = cb_directory_list_users (cb_changes_get_directory (changes));

  self->changes = g_object_ref (changes);
  self->clock = g_object_ref (clock != NULL ? clock : cb_clock_get_system ());
  for (guint i = 0; i < users->len; i++)
    track (self, ((const CbUserRecord *) g_ptr_array_index (users, i))->id);
  g_signal_connect (changes, "presence-changed", G_CALLBACK (on_presence_changed), self);
  schedule (self);
  return self;
}
