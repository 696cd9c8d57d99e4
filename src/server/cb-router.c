/* cb-router.c: method + path-pattern routing and JSON replies
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "cb-router"

#include <string.h>

#include "cb-router.h"
#include "cb-store.h"

typedef struct {
  char            *method;
  char            *pattern;
  char           **segments;   /* pattern split at '/', without the leading "" */
  char           **media_types; /* an upload's; NULL: JSON */
  gsize            max_body;   /* an upload's; 0: the server's */
  CbRouteHandler   handler;
  gpointer         user_data;
} Route;

struct _CbRouter
{
  GObject    parent_instance;
  GPtrArray *routes;   /* Route */
};

G_DEFINE_FINAL_TYPE (CbRouter, cb_router, G_TYPE_OBJECT)

static void
route_free (Route *route)
{
  g_free (route->method);
  g_free (route->pattern);
  g_strfreev (route->segments);
  g_strfreev (route->media_types);
  g_free (route);
}

void
cb_route_info_free (CbRouteInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->method);
  g_free (info->pattern);
  g_free (info);
}

static void
cb_router_finalize (GObject *object)
{
  CbRouter *self = CB_ROUTER (object);

  g_clear_pointer (&self->routes, g_ptr_array_unref);
  G_OBJECT_CLASS (cb_router_parent_class)->finalize (object);
}

static void
cb_router_class_init (CbRouterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cb_router_finalize;
}

static void
cb_router_init (CbRouter *self)
{
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) route_free);
}

CbRouter *
cb_router_new (void)
{
  return g_object_new (CB_TYPE_ROUTER, NULL);
}

static char **
split_path (const char *path)
{
  /* "/api/v1/x" → {"api","v1","x"}; a trailing slash is not a segment. */
  g_auto(GStrv) parts = g_strsplit (path[0] == '/' ? path + 1 : path, "/", -1);
  guint n = g_strv_length (parts);

  if (n > 0 && parts[n - 1][0] == '\0')
    {
      g_free (parts[n - 1]);
      parts[n - 1] = NULL;
    }
  return g_steal_pointer (&parts);
}

static Route *
add_route (CbRouter       *self,
           const char     *method,
           const char     *pattern,
           CbRouteHandler  handler,
           gpointer        user_data)
{
  Route *route = g_new0 (Route, 1);

  route->method = g_strdup (method);
  route->pattern = g_strdup (pattern);
  route->segments = split_path (pattern);
  route->handler = handler;
  route->user_data = user_data;
  g_ptr_array_add (self->routes, route);
  return route;
}

void
cb_router_add (CbRouter       *self,
               const char     *method,
               const char     *pattern,
               CbRouteHandler  handler,
               gpointer        user_data)
{
  g_return_if_fail (CB_IS_ROUTER (self));
  g_return_if_fail (method != NULL && pattern != NULL && pattern[0] == '/');

  add_route (self, method, pattern, handler, user_data);
}

void
cb_router_add_upload (CbRouter            *self,
                      const char          *method,
                      const char          *pattern,
                      const char * const  *media_types,
                      gsize                max_body,
                      CbRouteHandler       handler,
                      gpointer             user_data)
{
  Route *route;

  g_return_if_fail (CB_IS_ROUTER (self));
  g_return_if_fail (method != NULL && pattern != NULL && pattern[0] == '/');
  g_return_if_fail (media_types != NULL && media_types[0] != NULL && max_body > 0);

  route = add_route (self, method, pattern, handler, user_data);
  route->media_types = g_strdupv ((char **) media_types);
  route->max_body = max_body;
}

GPtrArray *
cb_router_list_routes (CbRouter *self)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cb_route_info_free);

  g_return_val_if_fail (CB_IS_ROUTER (self), list);

  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *route = g_ptr_array_index (self->routes, i);
      CbRouteInfo *info = g_new0 (CbRouteInfo, 1);

      info->method = g_strdup (route->method);
      info->pattern = g_strdup (route->pattern);
      g_ptr_array_add (list, info);
    }
  return list;
}

static gboolean
route_matches (Route       *route,
               char       **segments,
               GHashTable **params)
{
  guint n = g_strv_length (route->segments);

  if (n != g_strv_length (segments))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      const char *want = route->segments[i];
      gsize len = strlen (want);

      if (len > 2 && want[0] == '{' && want[len - 1] == '}')
        {
          if (segments[i][0] == '\0')
            return FALSE;
          continue;
        }
      if (!g_str_equal (want, segments[i]))
        return FALSE;
    }

  if (params != NULL)
    {
      *params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (guint i = 0; i < n; i++)
        {
          const char *want = route->segments[i];
          gsize len = strlen (want);

          if (len > 2 && want[0] == '{' && want[len - 1] == '}')
            g_hash_table_insert (*params, g_strndup (want + 1, len - 2),
                                 g_strdup (segments[i]));
        }
    }
  return TRUE;
}

gsize
cb_router_body_limit (CbRouter   *self,
                      const char *method,
                      const char *path)
{
  g_auto(GStrv) segments = NULL;

  g_return_val_if_fail (CB_IS_ROUTER (self), 0);

  if (method == NULL || path == NULL)
    return 0;
  segments = split_path (path);
  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *route = g_ptr_array_index (self->routes, i);

      if (g_str_equal (route->method, method) && route_matches (route, segments, NULL))
        return route->max_body;
    }
  return 0;
}

static gboolean
method_has_body (const char *method)
{
  return g_str_equal (method, "POST") || g_str_equal (method, "PUT") ||
         g_str_equal (method, "PATCH");
}

static gboolean
content_type_acceptable (Route             *route,
                         SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  /* Without a body there is nothing to misread; with one, it must be JSON
   * (or what an upload route takes). */
  if (type == NULL && (body == NULL || body->length == 0))
    return TRUE;
  if (type == NULL)
    return FALSE;
  if (route->media_types == NULL)
    return g_ascii_strcasecmp (type, "application/json") == 0;
  for (guint i = 0; route->media_types[i] != NULL; i++)
    if (g_ascii_strcasecmp (type, route->media_types[i]) == 0)
      return TRUE;
  return FALSE;
}

void
cb_router_dispatch (CbRouter          *self,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query)
{
  g_auto(GStrv) segments = split_path (path);
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GString) allowed = NULL;

  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *route = g_ptr_array_index (self->routes, i);
      g_autoptr(GHashTable) params = NULL;
      CbRequest request;

      if (!route_matches (route, segments, NULL))
        continue;

      if (!g_str_equal (route->method, method))
        {
          if (allowed == NULL)
            allowed = g_string_new (route->method);
          else
            g_string_append_printf (allowed, ", %s", route->method);
          continue;
        }

      if (method_has_body (method) && !content_type_acceptable (route, msg))
        {
          g_autofree char *types = route->media_types != NULL
                                   ? g_strjoinv (", ", route->media_types)
                                   : g_strdup ("application/json");

          cb_reply_error (msg, CB_PROTOCOL_ERROR_UNSUPPORTED_MEDIA,
                          "The body must be %s", types);
          return;
        }

      route_matches (route, segments, &params);
      request.msg = msg;
      request.method = method;
      request.path = path;
      request.query = query;
      request.params = params;
      route->handler (&request, route->user_data);
      return;
    }

  if (allowed != NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", allowed->str);
      cb_reply_error (msg, CB_PROTOCOL_ERROR_METHOD_NOT_ALLOWED,
                      "%s is not allowed on %s (allowed: %s)", method, path, allowed->str);
      return;
    }

  cb_reply_error (msg, CB_PROTOCOL_ERROR_NOT_FOUND, "No route %s %s", method, path);
}

gboolean
cb_request_get_id (CbRequest  *request,
                   const char *name,
                   gint64     *id)
{
  const char *text = request->params != NULL ? g_hash_table_lookup (request->params, name) : NULL;
  guint64 value;

  if (text == NULL ||
      !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    {
      cb_reply_error (request->msg, CB_PROTOCOL_ERROR_NOT_FOUND,
                      "“%s” is not a known id", text != NULL ? text : "");
      return FALSE;
    }
  *id = (gint64) value;
  return TRUE;
}

JsonObject *
cb_request_parse_body (CbRequest  *request,
                       GError    **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (request->msg);
  g_autoptr(GBytes) bytes = NULL;
  gsize length;
  const char *data;

  if (body == NULL)
    return cb_json_parse_object (NULL, 0, error);

  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &length);
  return cb_json_parse_object (data, length, error);
}

static void
set_json_body (SoupServerMessage *msg,
               guint              status,
               char              *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    text, strlen (text));
}

void
cb_reply_json (SoupServerMessage *msg,
               guint              status,
               JsonNode          *node)
{
  set_json_body (msg, status, cb_json_to_string (node));
}

void
cb_reply_object (SoupServerMessage *msg,
                 guint              status,
                 JsonObject        *object)
{
  set_json_body (msg, status, cb_json_object_to_string (object));
}

void
cb_reply_text (SoupServerMessage *msg,
               guint              status,
               char              *json,
               gsize              length)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, json, length);
}

void
cb_reply_no_content (SoupServerMessage *msg)
{
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
  soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
}

static void
reply_error_literal (SoupServerMessage *msg,
                     CbProtocolError    code,
                     const char        *message)
{
  guint status = cb_protocol_error_to_http_status (code);

  if (status >= 500)
    g_message ("%s %s → %u %s: %s", soup_server_message_get_method (msg),
               g_uri_get_path (soup_server_message_get_uri (msg)), status,
               cb_protocol_error_to_code (code), message);
  else
    g_debug ("%s %s → %u %s: %s", soup_server_message_get_method (msg),
             g_uri_get_path (soup_server_message_get_uri (msg)), status,
             cb_protocol_error_to_code (code), message);

  set_json_body (msg, status, cb_json_error_body (code, message));
}

void
cb_reply_error (SoupServerMessage *msg,
                CbProtocolError    code,
                const char        *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  reply_error_literal (msg, code, message);
}

void
cb_reply_gerror (SoupServerMessage *msg,
                 const GError      *error)
{
  CbProtocolError code = CB_PROTOCOL_ERROR_INTERNAL;

  if (error == NULL)
    {
      reply_error_literal (msg, code, "Unknown error");
      return;
    }

  if (error->domain == CB_PROTOCOL_ERROR)
    code = error->code;
  else if (error->domain == CB_STORE_ERROR)
    {
      switch (error->code)
        {
        case CB_STORE_ERROR_NOT_FOUND:
          code = CB_PROTOCOL_ERROR_NOT_FOUND;
          break;
        case CB_STORE_ERROR_CONFLICT:
          code = CB_PROTOCOL_ERROR_CONFLICT;
          break;
        default:
          code = CB_PROTOCOL_ERROR_INTERNAL;
          break;
        }
    }

  reply_error_literal (msg, code, error->message);
}
