/* cb-router.h: method + path-pattern routing and JSON replies
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "cb-protocol.h"

G_BEGIN_DECLS

/* One request as a route handler sees it. Valid during the handler call;
 * a handler that answers later keeps a reference to msg (and pauses it). */
typedef struct {
  SoupServerMessage *msg;
  const char        *method;
  const char        *path;
  GHashTable        *query;    /* decoded query, may be NULL */
  GHashTable        *params;   /* "{name}" placeholders → path segment */
} CbRequest;

typedef void (*CbRouteHandler) (CbRequest *request,
                                gpointer   user_data);

/* A registered route, as listed for the API description test. */
typedef struct {
  char *method;
  char *pattern;
} CbRouteInfo;

void cb_route_info_free (CbRouteInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CbRouteInfo, cb_route_info_free)

#define CB_TYPE_ROUTER (cb_router_get_type ())
G_DECLARE_FINAL_TYPE (CbRouter, cb_router, CB, ROUTER, GObject)

CbRouter   *cb_router_new          (void);
/* pattern: "/api/v1/groups/{id}/login"; a segment "{name}" matches any one
 * non-empty segment and is passed in CbRequest.params. */
void        cb_router_add          (CbRouter       *self,
                                    const char     *method,
                                    const char     *pattern,
                                    CbRouteHandler  handler,
                                    gpointer        user_data);
/* A route whose body is not JSON (an upload): a body of one of
 * media_types (NULL-terminated, such as "audio/wav"; others get 415) of
 * at most max_body bytes, which the HTTP server asks for with
 * cb_router_body_limit() before it reads the body. */
void        cb_router_add_upload   (CbRouter            *self,
                                    const char          *method,
                                    const char          *pattern,
                                    const char * const  *media_types,
                                    gsize                max_body,
                                    CbRouteHandler       handler,
                                    gpointer             user_data);
/* The body limit of the route a request would go to: an upload route's
 * own, 0 for every other (the server's limit applies). */
gsize       cb_router_body_limit   (CbRouter            *self,
                                    const char          *method,
                                    const char          *path);
/* CbRouteInfo elements in registration order. */
GPtrArray  *cb_router_list_routes  (CbRouter       *self);
/* Finds the route and calls it; answers 404, 405 or 415 itself (a body
 * must be application/json, or for an upload route one of its types). */
void        cb_router_dispatch     (CbRouter          *self,
                                    SoupServerMessage *msg,
                                    const char        *path,
                                    GHashTable        *query);

/* A path placeholder that must be a positive integer id; FALSE means it
 * is not, and the request has already been answered 404. */
gboolean    cb_request_get_id      (CbRequest   *request,
                                    const char  *name,
                                    gint64      *id);
/* The body as a JSON object, or an invalid-json error. */
JsonObject *cb_request_parse_body  (CbRequest   *request,
                                    GError     **error);

/* Replies. Every error reply is logged at debug level with its cause. */
void        cb_reply_json          (SoupServerMessage *msg,
                                    guint              status,
                                    JsonNode          *node);
void        cb_reply_object        (SoupServerMessage *msg,
                                    guint              status,
                                    JsonObject        *object);
/* Takes ownership of serialised JSON. */
void        cb_reply_text          (SoupServerMessage *msg,
                                    guint              status,
                                    char              *json,
                                    gsize              length);
void        cb_reply_no_content    (SoupServerMessage *msg);
void        cb_reply_error         (SoupServerMessage *msg,
                                    CbProtocolError    code,
                                    const char        *format,
                                    ...) G_GNUC_PRINTF (3, 4);
/* Maps CB_PROTOCOL_ERROR and CB_STORE_ERROR codes; anything else is 500. */
void        cb_reply_gerror        (SoupServerMessage *msg,
                                    const GError      *error);

G_END_DECLS
