/* cb-contact.c: one colleague (or DeviceOnly phone) as this client sees it
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-client"

#include "cb-client-private.h"

struct _CbContact
{
  GObject         parent_instance;

  gint64          id;
  char           *username;
  char           *display_name;
  char           *extension;
  char           *email;
  char           *mobile;
  char           *language;
  char           *time_zone;
  char           *note;
  gint64          note_until;
  char           *sort_key;
  /* Diversion targets (numbers), NULL when that diversion is off. */
  char           *divert_unconditional;
  char           *divert_busy;
  char           *divert_no_answer;
  guint           divert_no_answer_after;
  guint           mobile_ringing_delay;
  CbUserKind      kind;
  CbLevel         level;
  CbAvailability  availability;
  CbLineState     line_state;
  CbAgentStatus   agent_status;

  /* group id -> group name; the GStrv below is derived from it so that a
   * group-login event (which names the group by id) can be applied. */
  GHashTable     *group_login_table;
  GStrv           group_logins;

  /* Calls ringing at them that this viewer may take (their `call`
   * events, team level), oldest first; the newest is shown. */
  GPtrArray      *ringing_calls;   /* RingingCall */

  guint           admin : 1;
  guint           is_self : 1;
  guint           has_line_state : 1;
  guint           has_agent_status : 1;
  guint           has_group_logins : 1;
  guint           has_diversion : 1;
  guint           mobile_ringing : 1;
  guint           announcement : 1;
};

G_DEFINE_FINAL_TYPE (CbContact, cb_contact, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_USERNAME,
  PROP_DISPLAY_NAME,
  PROP_EXTENSION,
  PROP_EMAIL,
  PROP_MOBILE,
  PROP_LANGUAGE,
  PROP_TIME_ZONE,
  PROP_KIND,
  PROP_ADMIN,
  PROP_LEVEL,
  PROP_AVAILABILITY,
  PROP_NOTE,
  PROP_NOTE_UNTIL,
  PROP_LINE_STATE,
  PROP_AGENT_STATUS,
  PROP_GROUP_LOGINS,
  PROP_IS_SELF,
  PROP_HAS_LINE_STATE,
  PROP_HAS_AGENT_STATUS,
  PROP_HAS_GROUP_LOGINS,
  PROP_RINGING_CALL_ID,
  PROP_RINGING_CALLER_NAME,
  PROP_RINGING_CALLER_NUMBER,
  PROP_HAS_DIVERSION,
  PROP_DIVERTED,
  PROP_DIVERSION_UNCONDITIONAL,
  PROP_DIVERSION_BUSY,
  PROP_DIVERSION_NO_ANSWER,
  PROP_DIVERSION_NO_ANSWER_AFTER,
  PROP_MOBILE_RINGING,
  PROP_MOBILE_RINGING_DELAY,
  PROP_ANNOUNCEMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  char *call_id;
  char *caller_name;    /* NULL: the caller's name is not known */
  char *caller_number;  /* NULL: nor the number (a caller hidden from us) */
} RingingCall;

static void
ringing_call_free (gpointer data)
{
  RingingCall *call = data;

  g_free (call->call_id);
  g_free (call->caller_name);
  g_free (call->caller_number);
  g_free (call);
}

static RingingCall *
newest_ringing_call (CbContact *self)
{
  return self->ringing_calls->len > 0
         ? g_ptr_array_index (self->ringing_calls, self->ringing_calls->len - 1) : NULL;
}

static const char * const empty_strv[] = { NULL };

static void
cb_contact_finalize (GObject *object)
{
  CbContact *self = CB_CONTACT (object);

  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->extension, g_free);
  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->mobile, g_free);
  g_clear_pointer (&self->language, g_free);
  g_clear_pointer (&self->time_zone, g_free);
  g_clear_pointer (&self->note, g_free);
  g_clear_pointer (&self->sort_key, g_free);
  g_clear_pointer (&self->divert_unconditional, g_free);
  g_clear_pointer (&self->divert_busy, g_free);
  g_clear_pointer (&self->divert_no_answer, g_free);
  g_clear_pointer (&self->group_login_table, g_hash_table_unref);
  g_clear_pointer (&self->group_logins, g_strfreev);
  g_clear_pointer (&self->ringing_calls, g_ptr_array_unref);

  G_OBJECT_CLASS (cb_contact_parent_class)->finalize (object);
}

static void
cb_contact_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  CbContact *self = CB_CONTACT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, cb_contact_get_display_name (self));
      break;
    case PROP_EXTENSION:
      g_value_set_string (value, self->extension);
      break;
    case PROP_EMAIL:
      g_value_set_string (value, self->email);
      break;
    case PROP_MOBILE:
      g_value_set_string (value, self->mobile);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    case PROP_TIME_ZONE:
      g_value_set_string (value, self->time_zone);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_ADMIN:
      g_value_set_boolean (value, self->admin);
      break;
    case PROP_LEVEL:
      g_value_set_enum (value, self->level);
      break;
    case PROP_AVAILABILITY:
      g_value_set_enum (value, self->availability);
      break;
    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;
    case PROP_NOTE_UNTIL:
      g_value_set_int64 (value, self->note_until);
      break;
    case PROP_LINE_STATE:
      g_value_set_enum (value, self->line_state);
      break;
    case PROP_AGENT_STATUS:
      g_value_set_enum (value, self->agent_status);
      break;
    case PROP_GROUP_LOGINS:
      g_value_set_boxed (value, cb_contact_get_group_logins (self));
      break;
    case PROP_IS_SELF:
      g_value_set_boolean (value, self->is_self);
      break;
    case PROP_HAS_LINE_STATE:
      g_value_set_boolean (value, self->has_line_state);
      break;
    case PROP_HAS_AGENT_STATUS:
      g_value_set_boolean (value, self->has_agent_status);
      break;
    case PROP_HAS_GROUP_LOGINS:
      g_value_set_boolean (value, self->has_group_logins);
      break;
    case PROP_RINGING_CALL_ID:
      g_value_set_string (value, cb_contact_get_ringing_call_id (self));
      break;
    case PROP_RINGING_CALLER_NAME:
      g_value_set_string (value, cb_contact_get_ringing_caller_name (self));
      break;
    case PROP_RINGING_CALLER_NUMBER:
      g_value_set_string (value, cb_contact_get_ringing_caller_number (self));
      break;
    case PROP_HAS_DIVERSION:
      g_value_set_boolean (value, self->has_diversion);
      break;
    case PROP_DIVERTED:
      g_value_set_boolean (value, cb_contact_get_diverted (self));
      break;
    case PROP_DIVERSION_UNCONDITIONAL:
      g_value_set_string (value, self->divert_unconditional);
      break;
    case PROP_DIVERSION_BUSY:
      g_value_set_string (value, self->divert_busy);
      break;
    case PROP_DIVERSION_NO_ANSWER:
      g_value_set_string (value, self->divert_no_answer);
      break;
    case PROP_DIVERSION_NO_ANSWER_AFTER:
      g_value_set_uint (value, self->divert_no_answer_after);
      break;
    case PROP_MOBILE_RINGING:
      g_value_set_boolean (value, self->mobile_ringing);
      break;
    case PROP_MOBILE_RINGING_DELAY:
      g_value_set_uint (value, self->mobile_ringing_delay);
      break;
    case PROP_ANNOUNCEMENT:
      g_value_set_boolean (value, self->announcement);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_contact_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  CbContact *self = CB_CONTACT (object);

  /* Only the id is writable from outside (construct-only); every other
   * field is the server's, applied through _cb_contact_update(). */
  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_get_int64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cb_contact_class_init (CbContactClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = cb_contact_finalize;
  object_class->get_property = cb_contact_get_property;
  object_class->set_property = cb_contact_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL, ro);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, ro);
  properties[PROP_EXTENSION] = g_param_spec_string ("extension", NULL, NULL, NULL, ro);
  properties[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, NULL, ro);
  properties[PROP_MOBILE] = g_param_spec_string ("mobile", NULL, NULL, NULL, ro);
  properties[PROP_LANGUAGE] = g_param_spec_string ("language", NULL, NULL, NULL, ro);
  properties[PROP_TIME_ZONE] = g_param_spec_string ("time-zone", NULL, NULL, NULL, ro);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, CB_TYPE_USER_KIND, CB_USER_KIND_USER, ro);
  properties[PROP_ADMIN] = g_param_spec_boolean ("admin", NULL, NULL, FALSE, ro);
  properties[PROP_LEVEL] =
    g_param_spec_enum ("level", NULL, NULL, CB_TYPE_LEVEL, CB_LEVEL_NONE, ro);
  properties[PROP_AVAILABILITY] =
    g_param_spec_enum ("availability", NULL, NULL, CB_TYPE_AVAILABILITY,
                       CB_AVAILABILITY_OFFLINE, ro);
  properties[PROP_NOTE] = g_param_spec_string ("note", NULL, NULL, NULL, ro);
  properties[PROP_NOTE_UNTIL] =
    g_param_spec_int64 ("note-until", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_LINE_STATE] =
    g_param_spec_enum ("line-state", NULL, NULL, CB_TYPE_LINE_STATE,
                       CB_LINE_STATE_OFFLINE, ro);
  properties[PROP_AGENT_STATUS] =
    g_param_spec_enum ("agent-status", NULL, NULL, CB_TYPE_AGENT_STATUS,
                       CB_AGENT_STATUS_LOGGED_OUT, ro);
  properties[PROP_GROUP_LOGINS] =
    g_param_spec_boxed ("group-logins", NULL, NULL, G_TYPE_STRV, ro);
  properties[PROP_IS_SELF] = g_param_spec_boolean ("is-self", NULL, NULL, FALSE, ro);
  properties[PROP_HAS_LINE_STATE] =
    g_param_spec_boolean ("has-line-state", NULL, NULL, FALSE, ro);
  properties[PROP_HAS_AGENT_STATUS] =
    g_param_spec_boolean ("has-agent-status", NULL, NULL, FALSE, ro);
  properties[PROP_HAS_GROUP_LOGINS] =
    g_param_spec_boolean ("has-group-logins", NULL, NULL, FALSE, ro);
  properties[PROP_RINGING_CALL_ID] = g_param_spec_string ("ringing-call-id", NULL, NULL, NULL, ro);
  properties[PROP_RINGING_CALLER_NAME] =
    g_param_spec_string ("ringing-caller-name", NULL, NULL, NULL, ro);
  properties[PROP_RINGING_CALLER_NUMBER] =
    g_param_spec_string ("ringing-caller-number", NULL, NULL, NULL, ro);
  properties[PROP_HAS_DIVERSION] = g_param_spec_boolean ("has-diversion", NULL, NULL, FALSE, ro);
  properties[PROP_DIVERTED] = g_param_spec_boolean ("diverted", NULL, NULL, FALSE, ro);
  properties[PROP_DIVERSION_UNCONDITIONAL] =
    g_param_spec_string ("diversion-unconditional", NULL, NULL, NULL, ro);
  properties[PROP_DIVERSION_BUSY] = g_param_spec_string ("diversion-busy", NULL, NULL, NULL, ro);
  properties[PROP_DIVERSION_NO_ANSWER] =
    g_param_spec_string ("diversion-no-answer", NULL, NULL, NULL, ro);
  properties[PROP_DIVERSION_NO_ANSWER_AFTER] =
    g_param_spec_uint ("diversion-no-answer-after", NULL, NULL, 0, G_MAXUINT,
                       CB_WIRE_NO_ANSWER_AFTER_DEFAULT, ro);
  properties[PROP_MOBILE_RINGING] = g_param_spec_boolean ("mobile-ringing", NULL, NULL, FALSE, ro);
  properties[PROP_MOBILE_RINGING_DELAY] =
    g_param_spec_uint ("mobile-ringing-delay", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_ANNOUNCEMENT] = g_param_spec_boolean ("announcement", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cb_contact_init (CbContact *self)
{
  self->kind = CB_USER_KIND_USER;
  self->level = CB_LEVEL_NONE;
  self->availability = CB_AVAILABILITY_OFFLINE;
  self->line_state = CB_LINE_STATE_OFFLINE;
  self->agent_status = CB_AGENT_STATUS_LOGGED_OUT;
  self->group_login_table = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->sort_key = g_strdup ("");
  self->ringing_calls = g_ptr_array_new_with_free_func (ringing_call_free);
  self->divert_no_answer_after = CB_WIRE_NO_ANSWER_AFTER_DEFAULT;
}

CbContact *
cb_contact_new (gint64 id)
{
  return g_object_new (CB_TYPE_CONTACT, "id", id, NULL);
}

gint64
cb_contact_get_id (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), 0);
  return self->id;
}

const char *
cb_contact_get_username (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), NULL);
  return self->username;
}

const char *
cb_contact_get_display_name (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), NULL);
  /* A label bound to display-name should never go blank just because an
   * admin left the field empty. */
  if (self->display_name != NULL && self->display_name[0] != '\0')
    return self->display_name;
  return self->username;
}

const char *
cb_contact_get_extension (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), NULL);
  return self->extension;
}

const char *
cb_contact_get_email (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), NULL);
  return self->email;
}

const char *
cb_contact_get_mobile (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), NULL);
  return self->mobile;
}

const char *
cb_contact_get_language (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), NULL);
  return self->language;
}

const char *
cb_contact_get_time_zone (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), NULL);
  return self->time_zone;
}

CbUserKind
cb_contact_get_kind (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), CB_USER_KIND_USER);
  return self->kind;
}

gboolean
cb_contact_get_admin (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), FALSE);
  return self->admin;
}

CbLevel
cb_contact_get_level (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), CB_LEVEL_NONE);
  return self->level;
}

CbAvailability
cb_contact_get_availability (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), CB_AVAILABILITY_OFFLINE);
  return self->availability;
}

const char *
cb_contact_get_note (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), NULL);
  return self->note;
}

gint64
cb_contact_get_note_until (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), 0);
  return self->note_until;
}

CbLineState
cb_contact_get_line_state (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), CB_LINE_STATE_OFFLINE);
  return self->line_state;
}

CbAgentStatus
cb_contact_get_agent_status (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), CB_AGENT_STATUS_LOGGED_OUT);
  return self->agent_status;
}

const char * const *
cb_contact_get_group_logins (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), empty_strv);
  return self->group_logins != NULL ? (const char * const *) self->group_logins : empty_strv;
}

gboolean
cb_contact_get_is_self (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), FALSE);
  return self->is_self;
}

gboolean
cb_contact_get_has_line_state (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), FALSE);
  return self->has_line_state;
}

gboolean
cb_contact_get_has_agent_status (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), FALSE);
  return self->has_agent_status;
}

gboolean
cb_contact_get_has_group_logins (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), FALSE);
  return self->has_group_logins;
}

const char *
cb_contact_get_ringing_call_id (CbContact *self)
{
  RingingCall *call;

  g_return_val_if_fail (CB_IS_CONTACT (self), NULL);
  call = newest_ringing_call (self);
  return call != NULL ? call->call_id : NULL;
}

const char *
cb_contact_get_ringing_caller_name (CbContact *self)
{
  RingingCall *call;

  g_return_val_if_fail (CB_IS_CONTACT (self), NULL);
  call = newest_ringing_call (self);
  return call != NULL ? call->caller_name : NULL;
}

const char *
cb_contact_get_ringing_caller_number (CbContact *self)
{
  RingingCall *call;

  g_return_val_if_fail (CB_IS_CONTACT (self), NULL);
  call = newest_ringing_call (self);
  return call != NULL ? call->caller_number : NULL;
}

gboolean
cb_contact_get_has_diversion (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), FALSE);
  return self->has_diversion;
}

const char *
cb_contact_get_diversion_unconditional (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), NULL);
  return self->divert_unconditional;
}

const char *
cb_contact_get_diversion_busy (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), NULL);
  return self->divert_busy;
}

const char *
cb_contact_get_diversion_no_answer (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), NULL);
  return self->divert_no_answer;
}

guint
cb_contact_get_diversion_no_answer_after (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), CB_WIRE_NO_ANSWER_AFTER_DEFAULT);
  return self->divert_no_answer_after;
}

gboolean
cb_contact_get_diverted (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), FALSE);
  return self->divert_unconditional != NULL || self->divert_busy != NULL ||
         self->divert_no_answer != NULL;
}

gboolean
cb_contact_get_mobile_ringing (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), FALSE);
  return self->mobile_ringing;
}

guint
cb_contact_get_mobile_ringing_delay (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), 0);
  return self->mobile_ringing_delay;
}

gboolean
cb_contact_get_announcement (CbContact *self)
{
  g_return_val_if_fail (CB_IS_CONTACT (self), FALSE);
  return self->announcement;
}

/* --- setters used by the store; each notifies only on a real change --- */

static void
set_string (CbContact   *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* A number that is off is NULL, never "". */
static void
set_number (CbContact   *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  set_string (self, field, value != NULL && *value != '\0' ? value : NULL, prop);
}

#define SET_FIELD(self, field, value, prop)                             \
  G_STMT_START {                                                        \
    if ((self)->field != (value))                                       \
      {                                                                 \
        (self)->field = (value);                                        \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);   \
      }                                                                 \
  } G_STMT_END

static void
update_sort_key (CbContact *self)
{
  const char *name = cb_contact_get_display_name (self);
  g_autofree char *folded = g_utf8_casefold (name != NULL ? name : "", -1);

  g_free (self->sort_key);
  self->sort_key = g_utf8_collate_key (folded, -1);
}

static void
set_display_fields (CbContact  *self,
                    const char *username,
                    const char *display_name)
{
  g_autofree char *old_shown = g_strdup (cb_contact_get_display_name (self));
  gboolean username_changed = g_strcmp0 (self->username, username) != 0;
  gboolean display_changed = g_strcmp0 (self->display_name, display_name) != 0;

  if (!username_changed && !display_changed)
    return;

  g_free (self->username);
  self->username = g_strdup (username);
  g_free (self->display_name);
  self->display_name = g_strdup (display_name);

  if (username_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
  /* display-name falls back to the username, so notify on what is shown. */
  if (g_strcmp0 (old_shown, cb_contact_get_display_name (self)) != 0)
    {
      update_sort_key (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
    }
}

void
_cb_contact_set_is_self (CbContact *self,
                         gboolean   is_self)
{
  g_return_if_fail (CB_IS_CONTACT (self));
  SET_FIELD (self, is_self, !!is_self, PROP_IS_SELF);
}

void
_cb_contact_set_presence (CbContact      *self,
                          CbAvailability  availability,
                          const char     *note,
                          gint64          note_until)
{
  gboolean has_note = note != NULL && note[0] != '\0';

  g_return_if_fail (CB_IS_CONTACT (self));
  SET_FIELD (self, availability, availability, PROP_AVAILABILITY);
  /* An empty note and no note look the same to the user. */
  set_string (self, &self->note, has_note ? note : NULL, PROP_NOTE);
  SET_FIELD (self, note_until, has_note ? MAX (note_until, 0) : 0, PROP_NOTE_UNTIL);
}

void
_cb_contact_set_line_state (CbContact   *self,
                            CbLineState  line_state)
{
  g_return_if_fail (CB_IS_CONTACT (self));
  SET_FIELD (self, line_state, line_state, PROP_LINE_STATE);
  SET_FIELD (self, has_line_state, TRUE, PROP_HAS_LINE_STATE);
}

void
_cb_contact_set_agent_status (CbContact     *self,
                              CbAgentStatus  agent_status)
{
  g_return_if_fail (CB_IS_CONTACT (self));
  SET_FIELD (self, agent_status, agent_status, PROP_AGENT_STATUS);
  SET_FIELD (self, has_agent_status, TRUE, PROP_HAS_AGENT_STATUS);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

/* Rebuilds the sorted GStrv from the table; notifies if it differs. */
static void
sync_group_logins (CbContact *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->group_login_table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (names, g_strdup (value));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  if (g_strv_equal (cb_contact_get_group_logins (self), (const char * const *) names->pdata))
    return;

  g_strfreev (self->group_logins);
  self->group_logins = (GStrv) g_ptr_array_steal (names, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GROUP_LOGINS]);
}

gboolean
_cb_contact_set_group_login (CbContact  *self,
                             gint64      group_id,
                             const char *group_name,
                             gboolean    logged_in)
{
  const char *old_name;

  g_return_val_if_fail (CB_IS_CONTACT (self), FALSE);

  old_name = g_hash_table_lookup (self->group_login_table, &group_id);
  if (logged_in)
    {
      if (old_name != NULL && g_strcmp0 (old_name, group_name) == 0)
        return FALSE;
      g_hash_table_insert (self->group_login_table,
                           g_memdup2 (&group_id, sizeof group_id),
                           g_strdup (group_name != NULL ? group_name : ""));
    }
  else
    {
      if (!g_hash_table_remove (self->group_login_table, &group_id))
        return FALSE;
    }

  sync_group_logins (self);
  return TRUE;
}

/* Notifies what the newest ringing call shows, where it changed. */
static void
notify_ringing (CbContact   *self,
                const char  *old_id,
                const char  *old_name,
                const char  *old_number)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (old_id, cb_contact_get_ringing_call_id (self)) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RINGING_CALL_ID]);
  if (g_strcmp0 (old_name, cb_contact_get_ringing_caller_name (self)) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RINGING_CALLER_NAME]);
  if (g_strcmp0 (old_number, cb_contact_get_ringing_caller_number (self)) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RINGING_CALLER_NUMBER]);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
_cb_contact_apply_call (CbContact        *self,
                        const CbWireCall *call,
                        gint64            my_id)
{
  g_autofree char *old_id = NULL;
  g_autofree char *old_name = NULL;
  g_autofree char *old_number = NULL;
  const CbWireParty *caller;
  RingingCall *ringing = NULL;
  guint index = 0;
  gboolean takeable;

  g_return_val_if_fail (CB_IS_CONTACT (self), FALSE);
  g_return_val_if_fail (call != NULL && call->call_id != NULL, FALSE);

  caller = cb_wire_call_remote (call);
  /* Only an incoming call that still rings can be taken over, and not by
   * whoever placed it. */
  takeable = call->direction == CB_CALL_DIRECTION_IN && call->state == CB_WIRE_CALL_STATE_RINGING &&
             (my_id <= 0 || caller->user_id != my_id);
  for (guint i = 0; i < self->ringing_calls->len && ringing == NULL; i++)
    if (g_str_equal (((RingingCall *) g_ptr_array_index (self->ringing_calls, i))->call_id,
                     call->call_id))
      {
        ringing = g_ptr_array_index (self->ringing_calls, i);
        index = i;
      }
  if (ringing == NULL && !takeable)
    return FALSE;

  old_id = g_strdup (cb_contact_get_ringing_call_id (self));
  old_name = g_strdup (cb_contact_get_ringing_caller_name (self));
  old_number = g_strdup (cb_contact_get_ringing_caller_number (self));
  if (!takeable)
    g_ptr_array_remove_index (self->ringing_calls, index);
  else
    {
      if (ringing == NULL)
        {
          ringing = g_new0 (RingingCall, 1);
          ringing->call_id = g_strdup (call->call_id);
          g_ptr_array_add (self->ringing_calls, ringing);
        }
      g_free (ringing->caller_name);
      ringing->caller_name = caller->name != NULL && *caller->name != '\0'
                             ? g_strdup (caller->name) : NULL;
      g_free (ringing->caller_number);
      ringing->caller_number = caller->number != NULL && *caller->number != '\0'
                               ? g_strdup (caller->number) : NULL;
    }
  notify_ringing (self, old_id, old_name, old_number);
  return TRUE;
}

void
_cb_contact_clear_ringing_calls (CbContact *self)
{
  g_autofree char *old_id = NULL;
  g_autofree char *old_name = NULL;
  g_autofree char *old_number = NULL;

  g_return_if_fail (CB_IS_CONTACT (self));

  if (self->ringing_calls->len == 0)
    return;
  old_id = g_strdup (cb_contact_get_ringing_call_id (self));
  old_name = g_strdup (cb_contact_get_ringing_caller_name (self));
  old_number = g_strdup (cb_contact_get_ringing_caller_number (self));
  g_ptr_array_set_size (self->ringing_calls, 0);
  notify_ringing (self, old_id, old_name, old_number);
}

const char *
_cb_contact_get_sort_key (CbContact *self)
{
  return self->sort_key;
}

int
_cb_contact_compare (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  CbContact *ca = (CbContact *) a;
  CbContact *cb = (CbContact *) b;
  int cmp = strcmp (ca->sort_key, cb->sort_key);

  /* Ties broken by id so the order is total and stable across snapshots. */
  if (cmp != 0)
    return cmp;
  return (ca->id > cb->id) - (ca->id < cb->id);
}

/* --- the wire --- */

void
_cb_contact_update (CbContact        *self,
                    const CbWireUser *user)
{
  gboolean was_diverted;

  g_return_if_fail (CB_IS_CONTACT (self));
  g_return_if_fail (user != NULL);

  /* One notify burst per update, so a row rebinding on several
   * properties redraws once. */
  g_object_freeze_notify (G_OBJECT (self));

  set_display_fields (self, user->username, user->display_name);
  set_string (self, &self->extension, user->extension, PROP_EXTENSION);
  set_string (self, &self->email, user->email, PROP_EMAIL);
  set_string (self, &self->mobile, user->mobile, PROP_MOBILE);
  set_string (self, &self->language, user->language, PROP_LANGUAGE);
  set_string (self, &self->time_zone, user->time_zone, PROP_TIME_ZONE);
  SET_FIELD (self, kind, user->kind, PROP_KIND);
  SET_FIELD (self, admin, !!user->admin, PROP_ADMIN);
  SET_FIELD (self, level, user->level, PROP_LEVEL);
  _cb_contact_set_presence (self, user->availability, user->note, user->note_until);

  /* A state field the user's level does not reach is unknown: the
   * documented default is shown, and has-* says so. */
  if (cb_wire_user_field_shown ("line_state", user->level))
    _cb_contact_set_line_state (self, user->line_state);
  else
    {
      SET_FIELD (self, line_state, CB_LINE_STATE_OFFLINE, PROP_LINE_STATE);
      SET_FIELD (self, has_line_state, FALSE, PROP_HAS_LINE_STATE);
    }

  if (cb_wire_user_field_shown ("agent_status", user->level))
    _cb_contact_set_agent_status (self, user->agent_status);
  else
    {
      SET_FIELD (self, agent_status, CB_AGENT_STATUS_LOGGED_OUT, PROP_AGENT_STATUS);
      SET_FIELD (self, has_agent_status, FALSE, PROP_HAS_AGENT_STATUS);
    }

  g_hash_table_remove_all (self->group_login_table);
  for (guint i = 0; i < user->n_group_logins; i++)
    {
      const CbWireGroupRef *login = &user->group_logins[i];

      if (login->id > 0)
        g_hash_table_insert (self->group_login_table, g_memdup2 (&login->id, sizeof login->id),
                             g_strdup (login->name != NULL ? login->name : ""));
    }
  SET_FIELD (self, has_group_logins, cb_wire_user_field_shown ("group_logins", user->level),
             PROP_HAS_GROUP_LOGINS);
  sync_group_logins (self);

  /* The codec reads a diversion the level hides as none. */
  was_diverted = cb_contact_get_diverted (self);
  SET_FIELD (self, has_diversion, cb_wire_user_field_shown ("diversion", user->level),
             PROP_HAS_DIVERSION);
  set_number (self, &self->divert_unconditional, user->diversion.unconditional,
              PROP_DIVERSION_UNCONDITIONAL);
  set_number (self, &self->divert_busy, user->diversion.busy, PROP_DIVERSION_BUSY);
  set_number (self, &self->divert_no_answer, user->diversion.no_answer, PROP_DIVERSION_NO_ANSWER);
  SET_FIELD (self, divert_no_answer_after, user->diversion.no_answer_after,
             PROP_DIVERSION_NO_ANSWER_AFTER);
  SET_FIELD (self, mobile_ringing, !!user->mobile_ringing.enabled, PROP_MOBILE_RINGING);
  SET_FIELD (self, mobile_ringing_delay, user->mobile_ringing.delay, PROP_MOBILE_RINGING_DELAY);
  SET_FIELD (self, announcement, !!user->announcement, PROP_ANNOUNCEMENT);
  if (was_diverted != cb_contact_get_diverted (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIVERTED]);

  g_object_thaw_notify (G_OBJECT (self));
}
