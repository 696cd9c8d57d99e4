/* cb-sip-subscriptions.c: desk phones' lamps over SIP: SUBSCRIBE and NOTIFY for the dialog and presence event packages
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A phone subscribes to a colleague's extension, a DeviceOnly phone's
 * number or a hunt group's number, for the "dialog" package (RFC 4235,
 * cb-sip-dialog-info.c: its BLF key) or "presence" (RFC 3856 with PIDF,
 * cb-sip-pidf.c). The SUBSCRIBE is digest-authenticated by the
 * registrar like a REGISTER; the subscriber's line is whose view the
 * NOTIFYs show, and one below business towards the target gets 403.
 *
 * sofia-sip's notifier usage keeps each dialog: it answers refreshes and
 * unsubscribes itself (resending the last NOTIFY), and when a
 * subscription runs out it sends the final NOTIFY (terminated;
 * reason=timeout) and tells us with nua_r_notify. Nothing is polled:
 * the service layer's signals (line state, presence, edits) and the
 * B2BUA (a call of the target changed) mark subscriptions due, and one
 * idle pass sends what became due together. A subscription has one
 * NOTIFY in flight at most; what changes meanwhile goes out, as the state
 * of that moment, once it is answered, so a slow phone gets fewer
 * NOTIFYs rather than a queue of stale ones.
 *
 * Bounds: at most max_device_subscriptions from one device (the address
 * in the SUBSCRIBE's Contact: what a phone registers) and
 * max_subscriptions in all. Past the first, 403 "Too many subscriptions
 * from this device": the device asks for more than it may have, and
 * asking again will not change that until it drops some. Past the
 * second, 503 with Retry-After: the server is full for now, and room
 * comes back as other subscriptions end (RFC 3261 §21.5.4).
 *
 * Restarts: each subscription's dialog (Call-ID, tags, the subscriber's
 * contact and route) is in the store from its first answered NOTIFY on.
 * At start the subscriptions of the last run are told in their dialogs
 * to subscribe again at once (terminated;reason=deactivated), and at an
 * orderly stop every subscriber is told the same; an answered one leaves
 * the store. The NOTIFY's CSeq must be higher than any the subscriber saw
 * in that dialog: the store keeps it every CSEQ_STEP NOTIFYs, and the
 * restart adds more than that (and the at most two NOTIFYs in flight).
 */

#define G_LOG_DOMAIN "cb-sip-subscriptions"

#include "config.h"

#include <string.h>

#include <sofia-sip/sip_header.h>

#include "cb-sip-dialog-info.h"
#include "cb-sip-headers.h"
#include "cb-sip-pidf.h"
#include "cb-sip-registrar.h"
#include "cb-sip-router.h"
#include "cb-sip-subscriptions.h"
#include "cb-sip-tls.h"

#define DEFAULT_EXPIRES   3600   /* RFC 4235 §3.2, RFC 3856 §6.4 */
#define CSEQ_STEP         64
#define RESTORE_CSEQ_GAP  (CSEQ_STEP + 16)
#define RETRY_AFTER_S     60
#define STOPPING_RETRY_AFTER_S 5
#define SHUTDOWN_WAIT_MS  2000

typedef enum {
  PACKAGE_DIALOG,
  PACKAGE_PRESENCE,
} Package;

typedef struct _Subscription Subscription;

struct _Subscription {
  CbSipMagic          magic;          /* kind CB_SIP_MAGIC_SUBSCRIPTION */
  nua_handle_t       *nh;
  Package             package;
  gboolean            restored;       /* a dialog of the last run, told to subscribe again */
  gboolean            indexed;        /* counted, and in by_target: NOTIFYs go out */
  gboolean            closing;        /* our final NOTIFY is out */
  gboolean            queued;         /* in `due` */
  gboolean            pending;        /* changed while a NOTIFY was in flight */
  guint               in_flight;      /* our NOTIFYs without a final answer */
  gint64              store_id;       /* 0: not in the store */
  gint64              subscriber_id;
  gboolean            group;          /* the target is a hunt group */
  gint64              target_id;
  char               *entity;         /* the target's address */
  char               *device;         /* what the device bound counts by */
  char               *contact;        /* the subscriber's, kept for a restart */
  char               *route;
  guint               version;        /* of the next dialog-info document */
  char               *last_lamp;      /* what the last NOTIFY said, see lamp_of() */
  GHashTable         *reported;       /* dialog ids the last document said were live */
  guint32             cseq;           /* of the last NOTIFY answered */
  guint32             cseq_stored;
};

/* The subscriptions to one target. */
typedef struct {
  gint64     key;                      /* target_key() */
  GPtrArray *subscriptions;            /* Subscription, borrowed */
} Watchers;

struct _CbSipSubscriptions {
  CbSipServer *server;
  CbChanges   *changes;
  CbDirectory *directory;
  CbStore     *store;
  guint        min_expires;
  guint        max_expires;
  guint        max_total;
  guint        max_device;
  GHashTable  *all;         /* Subscription, owned */
  GHashTable  *by_target;   /* &Watchers.key → Watchers */
  GHashTable  *devices;     /* device → live subscriptions from it */
  guint        live;
  GPtrArray   *due;         /* Subscription: a NOTIFY is due */
  guint        flush_id;
  gboolean     stopping;
  gulong       handlers[4];
};

static gint64
target_key (gboolean group,
            gint64   id)
{
  return id * 2 + (group ? 1 : 0);
}

static const char *
package_name (Package package)
{
  return package == PACKAGE_DIALOG ? "dialog" : "presence";
}

static void
subscription_free (Subscription *sub)
{
  cb_sip_handle_release (&sub->nh);
  g_free (sub->entity);
  g_free (sub->device);
  g_free (sub->contact);
  g_free (sub->route);
  g_free (sub->last_lamp);
  g_clear_pointer (&sub->reported, g_hash_table_unref);
  g_free (sub);
}

static void
watchers_free (Watchers *watchers)
{
  g_ptr_array_unref (watchers->subscriptions);
  g_free (watchers);
}

static Subscription *
subscription_new (CbSipSubscriptions *self,
                  Package             package)
{
  Subscription *sub = g_new0 (Subscription, 1);

  sub->magic.kind = CB_SIP_MAGIC_SUBSCRIPTION;
  sub->package = package;
  sub->reported = cb_sip_dialog_info_reported_new ();
  g_hash_table_add (self->all, sub);
  return sub;
}

/* Every subscription, to go through while some may end. */
static GPtrArray *
list_all (CbSipSubscriptions *self)
{
  GPtrArray *subs = g_ptr_array_sized_new (g_hash_table_size (self->all));
  GHashTableIter iter;
  gpointer sub;

  g_hash_table_iter_init (&iter, self->all);
  while (g_hash_table_iter_next (&iter, &sub, NULL))
    g_ptr_array_add (subs, sub);
  return subs;
}

/* ---- the store ----------------------------------------------------------- */

static void
forget_record (CbSipSubscriptions *self,
               Subscription       *sub)
{
  g_autoptr(GError) error = NULL;

  if (sub->store_id == 0)
    return;
  if (!cb_store_remove_sip_subscription (self->store, sub->store_id, &error))
    g_warning ("Could not remove subscription %" G_GINT64_FORMAT ": %s", sub->store_id, error->message);
  sub->store_id = 0;
}

static char *
name_addr (const url_t *url)
{
  g_autofree char *uri = cb_sip_url_dup (url);

  return g_strdup_printf ("<%s>", uri);
}

/* The first answered NOTIFY shows the dialog: ours is the From. */
static void
keep_record (CbSipSubscriptions *self,
             Subscription       *sub,
             const sip_t        *sip)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *local_uri = NULL;
  g_autofree char *remote_uri = NULL;
  CbSipSubscriptionRecord record = { 0 };

  if (sip->sip_from == NULL || sip->sip_to == NULL || sip->sip_call_id == NULL ||
      sip->sip_from->a_tag == NULL || sip->sip_to->a_tag == NULL || sub->contact == NULL)
    return;
  local_uri = name_addr (sip->sip_from->a_url);
  remote_uri = name_addr (sip->sip_to->a_url);
  record = (CbSipSubscriptionRecord) {
    .event = (char *) package_name (sub->package),
    .call_id = (char *) sip->sip_call_id->i_id,
    .local_uri = local_uri,
    .local_tag = (char *) sip->sip_from->a_tag,
    .remote_uri = remote_uri,
    .remote_tag = (char *) sip->sip_to->a_tag,
    .contact = sub->contact,
    .route = sub->route,
    .cseq = sub->cseq,
  };
  if (!cb_store_add_sip_subscription (self->store, &record, &error))
    {
      g_warning ("Could not keep a subscription: %s", error->message);
      return;
    }
  sub->store_id = record.id;
  sub->cseq_stored = sub->cseq;
}

static void
keep_cseq (CbSipSubscriptions *self,
           Subscription       *sub,
           gboolean            now)
{
  g_autoptr(GError) error = NULL;

  if (sub->store_id == 0 || sub->contact == NULL ||
      (!now && sub->cseq < sub->cseq_stored + CSEQ_STEP))
    return;
  if (!cb_store_update_sip_subscription (self->store, sub->store_id, sub->contact, sub->cseq, &error))
    g_warning ("Could not update subscription %" G_GINT64_FORMAT ": %s", sub->store_id, error->message);
  else
    sub->cseq_stored = sub->cseq;
}

/* ---- who sees what --------------------------------------------------------- */

static gboolean
allowed (CbSipSubscriptions *self,
         gint64              subscriber,
         gboolean            group,
         gint64              target)
{
  if (group)
    return cb_directory_can_see_group (self->directory, subscriber, target);
  return subscriber == target || cb_directory_level (self->directory, subscriber, target) >= CB_LEVEL_BUSINESS;
}

static char *
document (CbSipSubscriptions  *self,
          Subscription        *sub,
          const char         **type)
{
  CbSipLamp lamp = { sub->group, sub->target_id, sub->entity };

  if (sub->package == PACKAGE_PRESENCE)
    {
      *type = CB_SIP_PIDF_TYPE;
      return cb_sip_pidf_document (self->directory, sub->target_id, sub->entity);
    }
  *type = CB_SIP_DIALOG_INFO_TYPE;
  return cb_sip_dialog_info_document (self->server, &lamp, sub->subscriber_id, sub->version++,
                                      sub->reported);
}

/* ---- NOTIFY -------------------------------------------------------------- */

/* What a document says the subscriber's lamp is now: a dialog-info
 * document without its first two lines (the XML declaration and the
 * root with the version) and without the dialogs it announces as over,
 * one line each (cb-sip-dialog-info.c). Two documents that say the same
 * need only one NOTIFY. */
static char *
lamp_of (Package     package,
         const char *body)
{
  g_auto(GStrv) lines = NULL;
  GString *lamp;

  if (package != PACKAGE_DIALOG)
    return g_strdup (body);
  lines = g_strsplit (body, "\n", 0);
  lamp = g_string_new (NULL);
  for (guint i = 2; lines[0] != NULL && lines[1] != NULL && lines[i] != NULL; i++)
    if (strstr (lines[i], "<state>terminated</state>") == NULL)
      g_string_append (g_string_append (lamp, lines[i]), "\n");
  return g_string_free (lamp, FALSE);
}

/* The state now, in a NOTIFY, unless the subscriber has it already (the
 * line state of a colleague whose calls the lamp showed already, an
 * edit that changed nothing for them). */
static void
notify (CbSipSubscriptions *self,
        Subscription       *sub)
{
  g_autofree char *body = NULL;
  g_autofree char *lamp = NULL;
  const char *type = NULL;

  body = document (self, sub, &type);
  lamp = lamp_of (sub->package, body);
  sub->pending = FALSE;
  /* A document that ends dialogs always goes out. */
  if (sub->last_lamp != NULL && g_str_equal (lamp, sub->last_lamp) &&
      strstr (body, "<state>terminated</state>") == NULL)
    {
      if (sub->package == PACKAGE_DIALOG)
        sub->version--;
      return;
    }
  sub->in_flight++;
  nua_notify (sub->nh,
              NUTAG_SUBSTATE (nua_substate_active),
              SIPTAG_CONTENT_TYPE_STR (type),
              SIPTAG_PAYLOAD_STR (body),
              TAG_END ());
  g_free (sub->last_lamp);
  sub->last_lamp = g_steal_pointer (&lamp);
}

/* One NOTIFY in flight at most: a change meanwhile waits for its answer. */
static void
send_state (CbSipSubscriptions *self,
            Subscription       *sub)
{
  if (!sub->indexed || sub->nh == NULL)
    return;
  if (sub->in_flight > 0)
    sub->pending = TRUE;
  else
    notify (self, sub);
}

static gboolean
flush (gpointer data)
{
  CbSipSubscriptions *self = data;
  g_autoptr(GPtrArray) due = self->due;

  self->flush_id = 0;
  self->due = g_ptr_array_new ();
  for (guint i = 0; i < due->len; i++)
    {
      Subscription *sub = g_ptr_array_index (due, i);

      sub->queued = FALSE;
      send_state (self, sub);
    }
  return G_SOURCE_REMOVE;
}

static void
make_due (CbSipSubscriptions *self,
          Subscription       *sub)
{
  if (sub->queued || !sub->indexed)
    return;
  sub->queued = TRUE;
  g_ptr_array_add (self->due, sub);
  if (self->flush_id == 0)
    self->flush_id = g_idle_add_full (G_PRIORITY_DEFAULT, flush, self, NULL);
}

/* packages: a bit per Package. */
static void
target_changed (CbSipSubscriptions *self,
                gboolean            group,
                gint64              id,
                guint               packages)
{
  gint64 key = target_key (group, id);
  Watchers *watchers;

  if (self->stopping || (watchers = g_hash_table_lookup (self->by_target, &key)) == NULL)
    return;
  for (guint i = 0; i < watchers->subscriptions->len; i++)
    {
      Subscription *sub = g_ptr_array_index (watchers->subscriptions, i);

      if (packages & (1u << sub->package))
        make_due (self, sub);
    }
}

#define BOTH_PACKAGES ((1u << PACKAGE_DIALOG) | (1u << PACKAGE_PRESENCE))

void
cb_sip_subscriptions_user_changed (CbSipSubscriptions *self,
                                   gint64              user_id)
{
  if (self != NULL)
    target_changed (self, FALSE, user_id, 1u << PACKAGE_DIALOG);
}

void
cb_sip_subscriptions_group_changed (CbSipSubscriptions *self,
                                    gint64              group_id)
{
  if (self != NULL)
    target_changed (self, TRUE, group_id, 1u << PACKAGE_DIALOG);
}

/* ---- a subscription's life ---------------------------------------------- */

static void
index_subscription (CbSipSubscriptions *self,
                    Subscription       *sub)
{
  gint64 key = target_key (sub->group, sub->target_id);
  Watchers *watchers = g_hash_table_lookup (self->by_target, &key);

  if (watchers == NULL)
    {
      watchers = g_new0 (Watchers, 1);
      watchers->key = key;
      watchers->subscriptions = g_ptr_array_new ();
      g_hash_table_insert (self->by_target, &watchers->key, watchers);
    }
  g_ptr_array_add (watchers->subscriptions, sub);
  g_hash_table_insert (self->devices, g_strdup (sub->device),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->devices,
                                                                                 sub->device)) + 1));
  self->live++;
  sub->indexed = TRUE;
}

/* No NOTIFY goes out for it any more; it no longer counts. */
static void
unindex_subscription (CbSipSubscriptions *self,
                      Subscription       *sub)
{
  gint64 key = target_key (sub->group, sub->target_id);
  Watchers *watchers;
  guint count;

  if (!sub->indexed)
    return;
  sub->indexed = FALSE;
  self->live--;
  watchers = g_hash_table_lookup (self->by_target, &key);
  if (watchers != NULL)
    {
      g_ptr_array_remove_fast (watchers->subscriptions, sub);
      if (watchers->subscriptions->len == 0)
        g_hash_table_remove (self->by_target, &key);
    }
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->devices, sub->device));
  if (count <= 1)
    g_hash_table_remove (self->devices, sub->device);
  else
    g_hash_table_insert (self->devices, g_strdup (sub->device), GUINT_TO_POINTER (count - 1));
  if (sub->queued)
    {
      g_ptr_array_remove_fast (self->due, sub);
      sub->queued = FALSE;
    }
}

/* Over: no longer counted, not kept for a restart. The handle stays
 * until the final NOTIFY is answered. */
static void
end_subscription (CbSipSubscriptions *self,
                  Subscription       *sub)
{
  unindex_subscription (self, sub);
  forget_record (self, sub);
}

static void
release_subscription (CbSipSubscriptions *self,
                      Subscription       *sub)
{
  end_subscription (self, sub);
  g_hash_table_remove (self->all, sub);
}

/* Ends a live subscription from our side with a final NOTIFY. */
static void
terminate (CbSipSubscriptions *self,
           Subscription       *sub,
           const char         *reason)
{
  g_autofree char *state = g_strdup_printf ("terminated;reason=%s", reason);

  end_subscription (self, sub);
  sub->closing = TRUE;
  sub->in_flight++;
  nua_notify (sub->nh,
              NUTAG_SUBSTATE (nua_substate_terminated),
              SIPTAG_SUBSCRIPTION_STATE_STR (state),
              TAG_END ());
}

/* ---- SUBSCRIBE ------------------------------------------------------------ */

/* Answers a new SUBSCRIBE with a failure (with one more header, or
 * TAG_SKIP (0)) and drops its handle. */
static void
refuse (CbSipSubscriptions *self,
        nua_handle_t       *nh,
        int                 status,
        const char         *phrase,
        tag_type_t          tag,
        tag_value_t         value)
{
  g_debug ("SUBSCRIBE refused: %d %s", status, phrase);
  nua_respond (nh, status, phrase, NUTAG_WITH_THIS (cb_sip_server_get_nua (self->server)),
               tag, value, TAG_END ());
  nua_handle_destroy (nh);
}

static gboolean
accepts (const sip_t *sip,
         const char  *type)
{
  if (sip->sip_accept == NULL)
    return TRUE;
  for (const sip_accept_t *accept = sip->sip_accept; accept != NULL; accept = accept->ac_next)
    if (accept->ac_type != NULL &&
        (g_ascii_strcasecmp (accept->ac_type, type) == 0 ||
         g_ascii_strcasecmp (accept->ac_type, "*/*") == 0 ||
         g_ascii_strcasecmp (accept->ac_type, "application/*") == 0))
      return TRUE;
  return FALSE;
}

/* What the device bound counts by: where the phone says it is. */
static char *
device_of (const sip_t *sip)
{
  const url_t *url = sip->sip_contact != NULL ? sip->sip_contact->m_url : sip->sip_from->a_url;

  return g_strdup_printf ("%s:%s", url->url_host != NULL ? url->url_host : "",
                          url->url_port != NULL ? url->url_port : "5060");
}

/* The route set of the dialog (RFC 3261 §12.1.1: the Record-Route as it
 * came), or NULL. */
static char *
route_of (const sip_t *sip)
{
  GString *route;

  if (sip->sip_record_route == NULL)
    return NULL;
  route = g_string_new (NULL);
  for (const sip_record_route_t *r = sip->sip_record_route; r != NULL; r = r->r_next)
    {
      g_autofree char *uri = cb_sip_url_dup (r->r_url);

      g_string_append_printf (route, "%s<%s>", route->len > 0 ? ", " : "", uri);
    }
  return g_string_free (route, FALSE);
}

static void
new_subscription (CbSipSubscriptions *self,
                  nua_handle_t       *nh,
                  const sip_t        *sip)
{
  CbSipRegistrar *registrar = cb_sip_server_get_registrar (self->server);
  g_auto(CbSipTarget) target = { 0 };
  g_autofree char *device = NULL;
  g_autofree char *granted_str = NULL;
  g_autofree char *min_str = NULL;
  Package package;
  gboolean group;
  gint64 subscriber, target_id;
  guint requested, granted;
  Subscription *sub;
  const char *event;
  const char *type;

  event = sip->sip_event != NULL ? sip->sip_event->o_type : NULL;
  if (g_strcmp0 (event, "dialog") == 0)
    package = PACKAGE_DIALOG;
  else if (g_strcmp0 (event, "presence") == 0)
    package = PACKAGE_PRESENCE;
  else
    {
      refuse (self, nh, SIP_489_BAD_EVENT,
              SIPTAG_ALLOW_EVENTS_STR (CB_SIP_SUBSCRIPTION_EVENTS));
      return;
    }

  requested = sip->sip_expires != NULL ? sip->sip_expires->ex_delta : DEFAULT_EXPIRES;
  if (requested > 0 && requested < self->min_expires)
    {
      min_str = g_strdup_printf ("%u", self->min_expires);
      refuse (self, nh, SIP_423_INTERVAL_TOO_BRIEF, SIPTAG_MIN_EXPIRES_STR (min_str));
      return;
    }
  granted = MIN (requested, self->max_expires);

  /* Like a REGISTER: 401 with a challenge first. */
  subscriber = cb_sip_registrar_authenticate (registrar, nh, sip, FALSE, NULL);
  if (subscriber == 0)
    {
      nua_handle_destroy (nh);
      return;
    }

  cb_sip_route (self->server, sip->sip_request->rq_url->url_user,
                CB_SIP_ROUTE_USERS | CB_SIP_ROUTE_GROUPS, &target);
  switch (target.kind)
    {
    case CB_SIP_TARGET_USER:
    case CB_SIP_TARGET_DEVICE:
      group = FALSE;
      target_id = target.user_id;
      break;
    case CB_SIP_TARGET_HUNT_GROUP:
    case CB_SIP_TARGET_QUEUE:
      group = TRUE;
      target_id = target.group->id;
      if (package == PACKAGE_PRESENCE)
        {
          /* A group has calls, not presence. */
          refuse (self, nh, SIP_489_BAD_EVENT, SIPTAG_ALLOW_EVENTS_STR ("dialog"));
          return;
        }
      break;
    case CB_SIP_TARGET_NONE:
    case CB_SIP_TARGET_TRUNK:
    case CB_SIP_TARGET_FEATURE_CODE:
    default:
      refuse (self, nh, SIP_404_NOT_FOUND, TAG_SKIP (0));
      return;
    }

  if (!allowed (self, subscriber, group, target_id))
    {
      refuse (self, nh, SIP_403_FORBIDDEN, TAG_SKIP (0));
      return;
    }
  type = package == PACKAGE_DIALOG ? CB_SIP_DIALOG_INFO_TYPE : CB_SIP_PIDF_TYPE;
  if (!accepts (sip, type))
    {
      refuse (self, nh, SIP_406_NOT_ACCEPTABLE, SIPTAG_ACCEPT_STR (type));
      return;
    }

  device = device_of (sip);
  if (granted > 0 &&
      GPOINTER_TO_UINT (g_hash_table_lookup (self->devices, device)) >= self->max_device)
    {
      g_message ("Refused a subscription from %s: it has %u, the most one device may have",
                 device, self->max_device);
      refuse (self, nh, 403, "Too many subscriptions from this device", TAG_SKIP (0));
      return;
    }
  if (granted > 0 && self->live >= self->max_total)
    {
      g_message ("Refused a subscription from %s: %u in all, the most there may be",
                 device, self->max_total);
      refuse (self, nh, 503, "Too many subscriptions",
              SIPTAG_RETRY_AFTER_STR (G_STRINGIFY (RETRY_AFTER_S)));
      return;
    }

  sub = subscription_new (self, package);
  sub->nh = nh;
  sub->subscriber_id = subscriber;
  sub->group = group;
  sub->target_id = target_id;
  sub->entity = cb_sip_uri_at (target.number, cb_sip_server_get_address (self->server),
                               cb_sip_server_get_port (self->server));
  sub->device = g_steal_pointer (&device);
  sub->contact = cb_sip_contact_uri (sip);
  sub->route = route_of (sip);
  nua_handle_bind (nh, &sub->magic);

  granted_str = g_strdup_printf ("%u", granted);
  nua_respond (nh, SIP_200_OK, NUTAG_WITH_THIS (cb_sip_server_get_nua (self->server)),
               SIPTAG_EXPIRES_STR (granted_str),
               CB_SIP_CONTACT_TAGS (self->server, cb_sip_tls_request_is_tls (sip)), TAG_END ());
  g_debug ("User %" G_GINT64_FORMAT " subscribed to %s of %s for %u s", subscriber,
           package_name (package), sub->entity, granted);

  /* The first NOTIFY goes out at once (RFC 6665 §4.2.1.2); a fetch
   * (Expires: 0) gets that one, which sofia marks terminated, and is
   * over. */
  if (granted > 0)
    index_subscription (self, sub);
  else
    sub->closing = TRUE;
  notify (self, sub);
}

void
cb_sip_subscriptions_subscribe (CbSipSubscriptions *self,
                                const CbSipEvent   *ev)
{
  Subscription *sub;
  int substate = -1;

  if (ev->magic == NULL)
    {
      if (ev->sip == NULL)
        {
          refuse (self, ev->nh, SIP_400_BAD_REQUEST, TAG_SKIP (0));
          return;
        }
      if (self->stopping)
        {
          /* A phone told to subscribe again while the server stops: a
           * restarted one will be there shortly. */
          refuse (self, ev->nh, SIP_503_SERVICE_UNAVAILABLE,
                  SIPTAG_RETRY_AFTER_STR (G_STRINGIFY (STOPPING_RETRY_AFTER_S)));
          return;
        }
      new_subscription (self, ev->nh, ev->sip);
      return;
    }

  /* A refresh or an unsubscribe: sofia has answered and sends the
   * NOTIFY (the last one again, or the final one). One left for us to
   * answer came in a dialog whose subscription is over (a refresh that
   * crossed a restart's NOTIFY): no such subscription, subscribe anew. */
  sub = (Subscription *) ev->magic;
  if (ev->status < 200)
    {
      nua_respond (ev->nh, SIP_481_NO_TRANSACTION, NUTAG_WITH_THIS (cb_sip_server_get_nua (self->server)),
                   TAG_END ());
      return;
    }
  tl_gets (ev->tags, NUTAG_SUBSTATE_REF (substate), TAG_END ());
  if (substate == nua_substate_terminated)
    {
      g_debug ("Subscription to %s of %s ended by the subscriber", package_name (sub->package),
               sub->entity != NULL ? sub->entity : "?");
      end_subscription (self, sub);
      sub->closing = TRUE;
      return;
    }
  if (ev->sip != NULL && ev->sip->sip_contact != NULL)
    {
      g_autofree char *contact = cb_sip_contact_uri (ev->sip);

      if (g_strcmp0 (contact, sub->contact) != 0)
        {
          g_free (sub->contact);
          sub->contact = g_steal_pointer (&contact);
          keep_cseq (self, sub, TRUE);
        }
    }
}

/* ---- answers to our NOTIFYs ----------------------------------------------- */

void
cb_sip_subscriptions_event (CbSipSubscriptions *self,
                            const CbSipEvent   *ev)
{
  Subscription *sub = (Subscription *) ev->magic;
  int substate = -1;

  if (ev->event != nua_r_notify || ev->status < 200)
    return;

  if (sub->in_flight > 0)
    sub->in_flight--;
  if (ev->sip != NULL && ev->sip->sip_cseq != NULL)
    sub->cseq = MAX (sub->cseq, ev->sip->sip_cseq->cs_seq);
  else if (sub->cseq > 0)
    sub->cseq++;   /* not answered: one more was sent all the same */

  if (sub->restored)
    {
      g_debug ("A subscriber of the last run was told to subscribe again (%d %s)", ev->status,
               ev->phrase);
      release_subscription (self, sub);
      return;
    }

  /* Over (timed out, unsubscribed, ended by us, or the subscriber
   * refused the NOTIFY: RFC 6665 §4.2.2): the handle goes. */
  tl_gets (ev->tags, NUTAG_SUBSTATE_REF (substate), TAG_END ());
  if (substate == nua_substate_terminated || ev->status >= 300)
    {
      if (ev->status >= 300)
        g_debug ("A NOTIFY to %s failed (%d %s): the subscription is over",
                 sub->device != NULL ? sub->device : "?", ev->status, ev->phrase);
      release_subscription (self, sub);
      return;
    }
  if (sub->closing)
    return;

  if (ev->sip != NULL && sub->store_id == 0 && ev->status < 300)
    keep_record (self, sub, ev->sip);
  else
    keep_cseq (self, sub, FALSE);
  if (sub->pending)
    send_state (self, sub);
}

/* ---- what the service layer says ------------------------------------------ */

static void
on_line_state_changed (CbSipSubscriptions *self,
                       gint64              user_id)
{
  target_changed (self, FALSE, user_id, BOTH_PACKAGES);
}

static void
on_presence_changed (CbSipSubscriptions *self,
                     gint64              user_id)
{
  target_changed (self, FALSE, user_id, 1u << PACKAGE_PRESENCE);
}

/* An edit may change who sees whom: a subscriber who may no longer see
 * the target is told so (reason=rejected); everyone else's view is
 * written again. */
static void
recheck_all (CbSipSubscriptions *self)
{
  g_autoptr(GPtrArray) subs = list_all (self);

  if (self->stopping)
    return;
  for (guint i = 0; i < subs->len; i++)
    {
      Subscription *sub = g_ptr_array_index (subs, i);

      if (!sub->indexed)
        continue;
      if (!allowed (self, sub->subscriber_id, sub->group, sub->target_id))
        {
          g_debug ("User %" G_GINT64_FORMAT " may no longer watch %s", sub->subscriber_id, sub->entity);
          terminate (self, sub, "rejected");
        }
      else
        make_due (self, sub);
    }
}

static void
on_user_changed (CbSipSubscriptions *self,
                 gint64              user_id)
{
  recheck_all (self);
}

static void
on_group_changed (CbSipSubscriptions *self,
                  gint64              group_id)
{
  recheck_all (self);
}

/* ---- restart -------------------------------------------------------------- */

void
cb_sip_subscriptions_restore (CbSipSubscriptions *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = cb_store_list_sip_subscriptions (self->store, &error);
  nua_t *nua = cb_sip_server_get_nua (self->server);

  if (records == NULL)
    {
      g_warning ("Could not read the subscriptions of the last run: %s", error->message);
      return;
    }
  for (guint i = 0; i < records->len; i++)
    {
      CbSipSubscriptionRecord *record = g_ptr_array_index (records, i);
      Subscription *sub = subscription_new (self, g_strcmp0 (record->event, "presence") == 0
                                                  ? PACKAGE_PRESENCE : PACKAGE_DIALOG);
      g_autofree char *from = g_strdup_printf ("%s;tag=%s", record->local_uri, record->local_tag);
      g_autofree char *to = g_strdup_printf ("%s;tag=%s", record->remote_uri, record->remote_tag);
      g_autofree char *cseq = g_strdup_printf ("%u NOTIFY", (guint) MIN ((guint64) record->cseq + RESTORE_CSEQ_GAP,
                                                                        G_MAXINT32));

      sub->restored = TRUE;
      sub->store_id = record->id;
      sub->in_flight = 1;
      sub->nh = nua_handle (nua, &sub->magic,
                            SIPTAG_CALL_ID_STR (record->call_id),
                            SIPTAG_FROM_STR (from),
                            SIPTAG_TO_STR (to),
                            TAG_END ());
      nua_notify (sub->nh,
                  NUTAG_URL (record->contact),
                  SIPTAG_CSEQ_STR (cseq),
                  NUTAG_NEWSUB (1),
                  NUTAG_SUBSTATE (nua_substate_terminated),
                  SIPTAG_EVENT_STR (record->event),
                  SIPTAG_SUBSCRIPTION_STATE_STR ("terminated;reason=deactivated"),
                  TAG_IF (record->route != NULL, SIPTAG_ROUTE_STR (record->route)),
                  TAG_END ());
    }
  if (records->len > 0)
    g_message ("Told %u subscribers of the last run to subscribe again", records->len);
}

/* ---- the object ----------------------------------------------------------- */

CbSipSubscriptions *
cb_sip_subscriptions_new (CbSipServer *server)
{
  CbSipSubscriptions *self = g_new0 (CbSipSubscriptions, 1);
  const CbSipSettings *settings = cb_sip_server_get_settings (server);

  self->server = server;
  self->changes = g_object_ref (cb_sip_server_get_changes (server));
  self->directory = cb_sip_server_get_directory (server);
  self->store = cb_sip_server_get_store (server);
  self->min_expires = settings->subscribe_min_expires > 0 ? settings->subscribe_min_expires
                                                          : CB_SIP_DEFAULT_SUBSCRIBE_MIN_EXPIRES;
  self->max_expires = settings->subscribe_max_expires > 0 ? settings->subscribe_max_expires
                                                          : CB_SIP_DEFAULT_SUBSCRIBE_MAX_EXPIRES;
  self->max_expires = MAX (self->max_expires, self->min_expires);
  self->max_total = settings->max_subscriptions > 0 ? settings->max_subscriptions
                                                    : CB_SIP_DEFAULT_MAX_SUBSCRIPTIONS;
  self->max_device = settings->max_device_subscriptions > 0 ? settings->max_device_subscriptions
                                                            : CB_SIP_DEFAULT_MAX_DEVICE_SUBSCRIPTIONS;
  self->all = g_hash_table_new_full (g_direct_hash, g_direct_equal, (GDestroyNotify) subscription_free, NULL);
  self->by_target = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) watchers_free);
  self->devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->due = g_ptr_array_new ();

  self->handlers[0] = g_signal_connect_swapped (self->changes, "line-state-changed",
                                                G_CALLBACK (on_line_state_changed), self);
  self->handlers[1] = g_signal_connect_swapped (self->changes, "presence-changed",
                                                G_CALLBACK (on_presence_changed), self);
  self->handlers[2] = g_signal_connect_swapped (self->changes, "user-changed",
                                                G_CALLBACK (on_user_changed), self);
  self->handlers[3] = g_signal_connect_swapped (self->changes, "group-changed",
                                                G_CALLBACK (on_group_changed), self);
  return self;
}

static void
disconnect (CbSipSubscriptions *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
    g_clear_signal_handler (&self->handlers[i], self->changes);
  g_clear_handle_id (&self->flush_id, g_source_remove);
}

static gboolean
answers_outstanding (CbSipSubscriptions *self)
{
  GHashTableIter iter;
  Subscription *sub;

  g_hash_table_iter_init (&iter, self->all);
  while (g_hash_table_iter_next (&iter, (gpointer *) &sub, NULL))
    if (sub->in_flight > 0)
      return TRUE;
  return FALSE;
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
cb_sip_subscriptions_shutdown (CbSipSubscriptions *self)
{
  g_autoptr(GPtrArray) subs = NULL;
  GHashTableIter iter;
  Subscription *sub;
  gint64 deadline;
  guint ticker;

  if (self == NULL || self->stopping)
    return;
  self->stopping = TRUE;
  disconnect (self);

  subs = list_all (self);
  for (guint i = 0; i < subs->len; i++)
    {
      sub = g_ptr_array_index (subs, i);
      if (!sub->indexed)
        continue;
      /* Kept in the store until the subscriber has it: a restart tells
       * one who did not answer again. */
      keep_cseq (self, sub, TRUE);
      unindex_subscription (self, sub);
      sub->closing = TRUE;
      sub->in_flight++;
      nua_notify (sub->nh,
                  NUTAG_SUBSTATE (nua_substate_terminated),
                  SIPTAG_SUBSCRIPTION_STATE_STR ("terminated;reason=deactivated"),
                  TAG_END ());
    }

  deadline = g_get_monotonic_time () + SHUTDOWN_WAIT_MS * G_TIME_SPAN_MILLISECOND;
  ticker = g_timeout_add (50, wake_up, NULL);
  while (answers_outstanding (self) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (ticker);

  /* Whoever did not answer stays in the store for the next start. */
  g_hash_table_iter_init (&iter, self->all);
  while (g_hash_table_iter_next (&iter, (gpointer *) &sub, NULL))
    cb_sip_handle_release (&sub->nh);
}

guint
cb_sip_subscriptions_count (CbSipSubscriptions *self)
{
  return self != NULL ? self->live : 0;
}

void
cb_sip_subscriptions_free (CbSipSubscriptions *self)
{
  if (self == NULL)
    return;
  disconnect (self);
  /* Handles first: no event may reach a freed subscription. */
  g_hash_table_remove_all (self->all);
  g_hash_table_unref (self->all);
  g_hash_table_unref (self->by_target);
  g_hash_table_unref (self->devices);
  g_ptr_array_unref (self->due);
  g_object_unref (self->changes);
  g_free (self);
}
