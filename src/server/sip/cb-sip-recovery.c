/* cb-sip-recovery.c: calls up when the server died: kept in the store, ended at the next start
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A phone whose call was up when the server died stays in that call: it
 * has a dialog with a B2BUA that no longer knows it. So an answered call
 * keeps in the store (CbStore's live calls, a JSON record of our own)
 * what it takes to end each of its dialogs from outside: the Call-ID, our
 * From or To with our tag, the phone's with its tag, the remote target,
 * the route set and our last CSeq; and for the journal who talked with
 * whom since when. The record is written in the transaction of the call's
 * events, so it is there as soon as anyone sees the call connected, and
 * again when a dialog moves on (each request of ours takes a CSeq, a
 * re-INVITE may move the target). An ended call's record goes in the
 * transaction of its end. A caller waiting in a queue (answered by the
 * server with the hold music, no B2BUA call yet) is kept in the same
 * form by the queue: a call to the group with its one dialog.
 *
 * At start every record left was an answered call when the server
 * stopped without ending it. Each leg gets a BYE on a handle of its own,
 * built from those headers (sofia sends a request with the method name we
 * give, in a dialog whose CSeq starts at ours); each call is ended as any
 * call is, with "server-restart" as the reason: events and journal
 * entries for its parties, their line states recomputed.
 */

#define G_LOG_DOMAIN "cb-sip"

#include "config.h"

#include <string.h>

#include <sofia-sip/sip_header.h>

#include "cb-sip-headers.h"
#include "cb-sip-hunt.h"
#include "cb-sip-recovery.h"

/* A BYE after a restart must come after every request we made in the
 * dialog; one of those may have gone out with no answer seen yet, and
 * the record is rewritten only every CSEQ_STEP of our CSeq (a dialog
 * check's OPTIONS, every 90 s in each call held, need not cost a write). */
#define CSEQ_MARGIN 16
#define CSEQ_STEP   8
G_STATIC_ASSERT (CSEQ_STEP * 2 <= CSEQ_MARGIN);

/* ---- what a dialog says about itself ------------------------------------- */

/* A route set as a Route header value, in the order requests take it:
 * a UAS's as the Record-Route of the request, a UAC's reversed. */
char *
cb_sip_recovery_route_set (const sip_t *sip,
                           gboolean     uac)
{
  su_home_t home[1] = { SU_HOME_INIT (home) };
  g_autoptr(GPtrArray) hops = g_ptr_array_new_with_free_func (g_free);
  GString *route;

  for (const sip_record_route_t *r = sip != NULL ? sip->sip_record_route : NULL; r != NULL; r = r->r_next)
    g_ptr_array_add (hops, g_strdup (sip_header_as_string (home, (const sip_header_t *) r)));
  su_home_deinit (home);
  if (hops->len == 0)
    return NULL;
  route = g_string_new (NULL);
  for (guint i = 0; i < hops->len; i++)
    g_string_append_printf (route, "%s%s", i > 0 ? ", " : "",
                            (char *) g_ptr_array_index (hops, uac ? hops->len - 1 - i : i));
  return g_string_free (route, FALSE);
}

/* Our party with our tag: the From of an answer to our request, the To
 * of the device's request (sofia does not tell it otherwise). */
char *
cb_sip_recovery_local_party (const sip_t *sip)
{
  gboolean response = sip != NULL && sip->sip_status != NULL;
  const sip_addr_t *ours = response ? (const sip_addr_t *) sip->sip_from
                                    : sip != NULL ? (const sip_addr_t *) sip->sip_to : NULL;
  su_home_t home[1] = { SU_HOME_INIT (home) };
  char *local;

  if (ours == NULL || ours->a_tag == NULL)
    return NULL;
  local = g_strdup (sip_header_as_string (home, (const sip_header_t *) ours));
  su_home_deinit (home);
  return local;
}

void
cb_sip_recovery_note_dialog (CbB2buaLeg  *leg,
                             const sip_t *sip,
                             gboolean     uac)
{
  if (sip == NULL)
    return;
  cb_sip_recovery_note_target (leg, sip);
  g_free (leg->route);
  leg->route = cb_sip_recovery_route_set (sip, uac);
}

void
cb_sip_recovery_note_target (CbB2buaLeg  *leg,
                             const sip_t *sip)
{
  char *target = cb_sip_contact_uri (sip);

  if (target != NULL)
    {
      g_free (leg->target);
      leg->target = target;
    }
}

void
cb_sip_recovery_note_message (CbB2buaLeg  *leg,
                              const sip_t *sip)
{
  gboolean response = sip != NULL && sip->sip_status != NULL;

  if (leg->local == NULL)
    leg->local = cb_sip_recovery_local_party (sip);
  if (response && sip->sip_cseq != NULL && sip->sip_cseq->cs_seq > leg->local_cseq)
    leg->local_cseq = sip->sip_cseq->cs_seq;
}

/* Our first request in a dialog the device began: the stack would take
 * its CSeq from the clock (some thousand million), far above the 0 the
 * record has for such a leg, and the record would be written again only
 * because a dialog check went out. Numbered from 1, the checks stay
 * within CSEQ_STEP of it for their first seven rounds. Once we have a
 * CSeq there, the stack counts on from it; a request of ours still
 * unanswered also has one, and the stack then ignores ours. */
const char *
cb_sip_recovery_check_cseq (CbB2buaLeg *leg)
{
  return leg->local_cseq == 0 ? "1 OPTIONS" : NULL;
}

/* ---- the record ---------------------------------------------------------- */

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

/* One dialog, as a BYE after a restart takes it (send_bye()). */
static void
describe_leg (JsonBuilder *builder,
              const char  *call_id,
              const char  *local,
              const char  *remote,
              const char  *target,
              const char  *route,
              guint32      cseq)
{
  json_builder_begin_object (builder);
  add_string (builder, "sip_call_id", call_id);
  add_string (builder, "local", local);
  add_string (builder, "remote", remote);
  add_string (builder, "target", target);
  add_string (builder, "route", route);
  add_int (builder, "cseq", cseq);
  json_builder_end_object (builder);
}

/* The legs that can be ended from outside: up, with both tags known. */
static gboolean
describable (CbB2buaLeg *leg)
{
  return leg->state == CB_B2BUA_LEG_UP && leg->nh != NULL && leg->remote != NULL &&
         leg->local != NULL && leg->call_id != NULL && (leg->target != NULL || leg->contact != NULL);
}

static guint
describe_legs (CbB2buaCall *call,
               JsonBuilder *builder)
{
  guint n = 0;

  json_builder_set_member_name (builder, "legs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < call->legs->len; i++)
    {
      CbB2buaLeg *leg = g_ptr_array_index (call->legs, i);
      const char *target = leg->target != NULL ? leg->target : leg->contact;

      if (!describable (leg))
        continue;
      describe_leg (builder, leg->call_id, leg->local, leg->remote, target, leg->route, leg->local_cseq);
      n++;
    }
  json_builder_end_array (builder);
  return n;
}

/* What describe() writes, as a 64-bit FNV-1a hash (our CSeq in steps):
 * a record is written again only when this changes. */
static guint64
mix (guint64     print,
     const void *data,
     gsize       length)
{
  const guint8 *bytes = data;

  for (gsize i = 0; i < length; i++)
    print = (print ^ bytes[i]) * G_GUINT64_CONSTANT (0x100000001b3);
  return print;
}

static guint64
mix_int (guint64 print,
         gint64  value)
{
  return mix (print, &value, sizeof value);
}

static guint64
mix_string (guint64     print,
            const char *text)
{
  /* NULL and "" differ; the terminator separates neighbours. */
  return text != NULL ? mix (print, text, strlen (text) + 1) : mix_int (print, -1);
}

static guint64
fingerprint (CbB2buaCall *call)
{
  guint64 print = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  print = mix_int (print, call->caller_id);
  print = mix_int (print, call->callee_id);
  print = mix_string (print, call->caller_number);
  print = mix_string (print, call->callee_number);
  print = mix_int (print, call->started_at);
  print = mix_int (print, call->answered_at);
  print = mix_int (print, call->group != NULL ? call->group->group_id : 0);
  print = mix_int (print, call->placed_by);
  print = mix_int (print, call->placed_journaled | call->picked_up << 1 | call->external << 2);
  for (guint i = 0; i < call->legs->len; i++)
    {
      CbB2buaLeg *leg = g_ptr_array_index (call->legs, i);

      if (!describable (leg))
        continue;
      print = mix_string (print, leg->call_id);
      print = mix_string (print, leg->local);
      print = mix_string (print, leg->remote);
      print = mix_string (print, leg->target != NULL ? leg->target : leg->contact);
      print = mix_string (print, leg->route);
      print = mix_int (print, leg->local_cseq / CSEQ_STEP);
    }
  return print;
}

static char *
describe (CbB2buaCall *call)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  guint legs;

  json_builder_begin_object (builder);
  add_int (builder, "caller_id", call->caller_id);
  add_int (builder, "callee_id", call->callee_id);
  add_string (builder, "caller_number", call->caller_number);
  add_string (builder, "callee_number", call->callee_number);
  add_int (builder, "started_at", call->started_at);
  add_int (builder, "answered_at", call->answered_at);
  add_int (builder, "group_id", call->group != NULL ? call->group->group_id : 0);
  add_int (builder, "placed_by", call->placed_by);
  json_builder_set_member_name (builder, "placed_journaled");
  json_builder_add_boolean_value (builder, call->placed_journaled);
  json_builder_set_member_name (builder, "picked_up");
  json_builder_add_boolean_value (builder, call->picked_up);
  json_builder_set_member_name (builder, "external");
  json_builder_add_boolean_value (builder, call->external);
  legs = describe_legs (call, builder);
  json_builder_end_object (builder);
  if (legs == 0)
    return NULL;

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

gboolean
cb_sip_recovery_record (CbChanges    *changes,
                        CbB2buaCall  *call,
                        GError      **error)
{
  CbStore *store = cb_changes_get_store (changes);
  g_autofree char *data = NULL;

  if (call->state != CB_WIRE_CALL_STATE_ENDED && call->answered_at > 0)
    {
      guint64 print = fingerprint (call);

      /* Kept as it is already. */
      if (call->kept && print == call->kept_print)
        return TRUE;
      if ((data = describe (call)) != NULL)
        {
          call->kept = TRUE;
          call->kept_print = print;
          return cb_store_put_live_call (store, call->id, data, error);
        }
    }
  if (!call->kept)
    return TRUE;
  call->kept = FALSE;
  return cb_store_delete_live_call (store, call->id, error);
}

void
cb_sip_recovery_refresh (CbB2buaCall *call)
{
  CbStore *store = cb_sip_server_get_store (call->b2bua->server);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;

  guint64 print;

  if (!call->kept || call->state == CB_WIRE_CALL_STATE_ENDED ||
      (print = fingerprint (call)) == call->kept_print || (data = describe (call)) == NULL)
    return;
  if (!cb_store_put_live_call (store, call->id, data, &error))
    g_warning ("Could not keep call %s: %s", call->id, error->message);
  else
    call->kept_print = print;
}

/* ---- a caller waiting in a queue ----------------------------------------- */

/* A caller's call to the group, answered by the queue when it came: its
 * one dialog once our tag is known (the legs describe_legs() keeps). */
static char *
describe_queued (const CbSipQueuedCaller *caller,
                 gint64                   waiting_since)
{
  const CbSipDialog *dialog = &caller->dialog;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  add_int (builder, "caller_id", caller->caller_id);
  add_int (builder, "callee_id", 0);
  add_string (builder, "caller_number", caller->number);
  add_string (builder, "callee_number", caller->group != NULL ? caller->group->number : NULL);
  add_int (builder, "started_at", waiting_since);
  add_int (builder, "answered_at", waiting_since);
  add_int (builder, "group_id", caller->group != NULL ? caller->group->id : 0);
  json_builder_set_member_name (builder, "legs");
  json_builder_begin_array (builder);
  if (dialog->call_id != NULL && dialog->local != NULL && dialog->remote != NULL && dialog->contact != NULL)
    describe_leg (builder, dialog->call_id, dialog->local, dialog->remote, dialog->contact, dialog->route,
                  dialog->local_cseq);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

gboolean
cb_sip_recovery_keep_queued (CbStore                  *store,
                             const CbSipQueuedCaller  *caller,
                             gint64                    waiting_since,
                             GError                  **error)
{
  g_autofree char *data = describe_queued (caller, waiting_since);

  return cb_store_put_live_call (store, caller->call_id, data, error);
}

/* ---- after a restart ----------------------------------------------------- */

/* A BYE in the dialog the record describes; its answer frees the handle
 * (cb_sip_b2bua_event()). */
static void
send_bye (CbSipServer *server,
          JsonObject  *leg)
{
  const char *call_id = NULL, *local = NULL, *remote = NULL, *target = NULL, *route = NULL;
  g_autofree char *cseq = NULL;
  gint64 seq = 0;
  nua_handle_t *nh;

  if (!cb_json_get_string (leg, "sip_call_id", TRUE, &call_id, NULL) ||
      !cb_json_get_string (leg, "local", TRUE, &local, NULL) ||
      !cb_json_get_string (leg, "remote", TRUE, &remote, NULL) ||
      !cb_json_get_string (leg, "target", TRUE, &target, NULL) ||
      !cb_json_get_int (leg, "cseq", FALSE, &seq, NULL))
    {
      g_message ("A kept dialog cannot be ended: its record is incomplete");
      return;
    }
  if (json_object_has_member (leg, "route") && !json_object_get_null_member (leg, "route"))
    route = json_object_get_string_member (leg, "route");
  /* sofia's dialog takes this as the CSeq before its request. */
  cseq = g_strdup_printf ("%" G_GINT64_FORMAT " BYE", CLAMP (seq, 0, G_MAXINT32 / 2) + CSEQ_MARGIN);

  g_debug ("BYE to %s in dialog %s after the restart", target, call_id);
  nh = nua_handle (cb_sip_server_get_nua (server), NULL,
                   NUTAG_URL (target),
                   SIPTAG_CALL_ID_STR (call_id),
                   SIPTAG_FROM_STR (local),
                   SIPTAG_TO_STR (remote),
                   TAG_END ());
  nua_method (nh,
              NUTAG_METHOD ("BYE"),
              NUTAG_DIALOG (2),
              SIPTAG_CSEQ_STR (cseq),
              TAG_IF (route != NULL, SIPTAG_ROUTE_STR (route)),
              TAG_END ());
}

/* The call as it was, ended: its parties' events and journal entries. */
static void
end_call (CbSipServer *server,
          const char  *id,
          JsonObject  *record)
{
  CbSipB2bua *b2bua = cb_sip_server_get_b2bua (server);
  const CbGroupRecord *group;
  const char *caller_number = NULL, *callee_number = NULL;
  gint64 group_id = 0, caller_id = 0, callee_id = 0;
  CbB2buaCall *call;

  if (cb_sip_b2bua_lookup (b2bua, id) != NULL)
    return;
  call = cb_b2bua_call_new (b2bua, id);
  cb_json_get_int (record, "caller_id", FALSE, &caller_id, NULL);
  cb_json_get_int (record, "callee_id", FALSE, &callee_id, NULL);
  cb_b2bua_call_set_caller (call, caller_id);
  cb_b2bua_call_set_callee (call, callee_id);
  cb_json_get_string (record, "caller_number", FALSE, &caller_number, NULL);
  cb_json_get_string (record, "callee_number", FALSE, &callee_number, NULL);
  call->caller_number = g_strdup (caller_number);
  call->callee_number = g_strdup (callee_number);
  cb_json_get_int (record, "started_at", FALSE, &call->started_at, NULL);
  cb_json_get_int (record, "answered_at", FALSE, &call->answered_at, NULL);
  cb_json_get_int (record, "placed_by", FALSE, &call->placed_by, NULL);
  cb_json_get_bool (record, "placed_journaled", FALSE, &call->placed_journaled, NULL);
  cb_json_get_bool (record, "picked_up", FALSE, &call->picked_up, NULL);
  cb_json_get_bool (record, "external", FALSE, &call->external, NULL);
  cb_json_get_int (record, "group_id", FALSE, &group_id, NULL);
  group = group_id > 0 ? cb_directory_get_group (cb_sip_server_get_directory (server), group_id) : NULL;
  if (group != NULL)
    call->group = cb_sip_group_call_new (group);

  cb_b2bua_call_set_forked (call, TRUE);
  call->alerted = TRUE;
  call->kept = TRUE;
  cb_b2bua_call_set_state_quietly (call, CB_WIRE_CALL_STATE_CONNECTED);
  call->end_reason = CB_CALL_END_REASON_SERVER_RESTART;
  cb_b2bua_call_set_state (call, CB_WIRE_CALL_STATE_ENDED);
  cb_b2bua_call_drop_if_finished (call);
}

guint
cb_sip_recovery_end_orphans (CbSipServer *server)
{
  CbStore *store = cb_sip_server_get_store (server);
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GError) error = NULL;
  guint ended = 0;

  calls = cb_store_list_live_calls (store, &error);
  if (calls == NULL)
    {
      g_warning ("Could not read the calls kept: %s", error->message);
      return 0;
    }
  for (guint i = 0; i < calls->len; i++)
    {
      const CbLiveCallRecord *kept = g_ptr_array_index (calls, i);
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) parse_error = NULL;
      JsonArray *legs = NULL;
      JsonObject *record;

      node = json_from_string (kept->data, &parse_error);
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          g_message ("Call %s was kept unreadably; forgotten", kept->call_id);
          if (!cb_store_delete_live_call (store, kept->call_id, &error))
            g_warning ("Could not forget call %s: %s", kept->call_id, error->message);
          g_clear_error (&error);
          continue;
        }
      record = json_node_get_object (node);
      if (json_object_has_member (record, "legs") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (record, "legs")))
        legs = json_object_get_array_member (record, "legs");
      for (guint j = 0; legs != NULL && j < json_array_get_length (legs); j++)
        {
          JsonNode *leg = json_array_get_element (legs, j);

          if (JSON_NODE_HOLDS_OBJECT (leg))
            send_bye (server, json_node_get_object (leg));
        }
      g_message ("Call %s was up when the server stopped: ended", kept->call_id);
      end_call (server, kept->call_id, record);
      ended++;
    }
  return ended;
}
