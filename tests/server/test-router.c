/* test-router.c: the REST router in-process: patterns with {id}, 404, 405, 415, ids
 *
 * Copyright 2026 The Callboard developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A CbRouter behind a SoupServer on loopback in this process, asked by a
 * SoupSession on the same main context: the handlers record what they
 * were called with, the answers show what the router replied itself.
 */

#define G_LOG_DOMAIN "cb-test-router"

#include "config.h"

#include <string.h>

#include "cb-router.h"
#include "cb-test-server.h"

#define WAIT_MS 10000

typedef struct {
  SoupServer  *soup;
  CbRouter    *router;
  SoupSession *session;
  char        *base;        /* "http://127.0.0.1:PORT" */
  GPtrArray   *calls;       /* "ROUTE method path k=v..." of each handler call */
} Fixture;

typedef struct {
  Fixture    *fixture;
  const char *route;
} Route;

/* Records the call with its placeholders (sorted) and answers 200. */
static void
on_route (CbRequest *request,
          gpointer   user_data)
{
  Route *route = user_data;
  g_autoptr(GString) call = g_string_new (NULL);
  g_autoptr(JsonObject) answer = json_object_new ();

  g_string_printf (call, "%s %s %s", route->route, request->method, request->path);
  if (request->params != NULL)
    {
      g_autoptr(GList) names = g_hash_table_get_keys (request->params);

      names = g_list_sort (names, (GCompareFunc) g_strcmp0);
      for (GList *l = names; l != NULL; l = l->next)
        g_string_append_printf (call, " %s=%s", (const char *) l->data,
                                (const char *) g_hash_table_lookup (request->params, l->data));
    }
  g_ptr_array_add (route->fixture->calls, g_strdup (call->str));
  json_object_set_string_member (answer, "route", route->route);
  cb_reply_object (request->msg, SOUP_STATUS_OK, answer);
}

/* Answers with the id, or lets cb_request_get_id() answer 404. */
static void
on_id_route (CbRequest *request,
             gpointer   user_data)
{
  Route *route = user_data;
  g_autoptr(JsonObject) answer = json_object_new ();
  gint64 id = -1;

  if (!cb_request_get_id (request, "id", &id))
    {
      g_ptr_array_add (route->fixture->calls, g_strdup_printf ("%s refused", route->route));
      return;
    }
  g_ptr_array_add (route->fixture->calls, g_strdup_printf ("%s id=%" G_GINT64_FORMAT, route->route, id));
  json_object_set_int_member (answer, "id", id);
  cb_reply_object (request->msg, SOUP_STATUS_OK, answer);
}

static void
dispatch_handler (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  Fixture *fixture = user_data;

  cb_router_dispatch (fixture->router, msg, path, query);
}

static Route routes[] = {
  { NULL, "users" },
  { NULL, "user" },
  { NULL, "user-put" },
  { NULL, "login" },
  { NULL, "member" },
  { NULL, "id" },
  { NULL, "create" },
  { NULL, "upload" },
  { NULL, "upload-get" },
};

static const char * const audio_types[] = { "audio/wav", "audio/ogg", NULL };

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    routes[i].fixture = fixture;
  fixture->calls = g_ptr_array_new_with_free_func (g_free);
  fixture->router = cb_router_new ();
  cb_router_add (fixture->router, "GET", "/api/v1/users", on_route, &routes[0]);
  cb_router_add (fixture->router, "GET", "/api/v1/users/{id}", on_route, &routes[1]);
  cb_router_add (fixture->router, "PUT", "/api/v1/users/{id}", on_route, &routes[2]);
  cb_router_add (fixture->router, "PUT", "/api/v1/groups/{id}/login", on_route, &routes[3]);
  cb_router_add (fixture->router, "DELETE", "/api/v1/groups/{group}/members/{user}", on_route, &routes[4]);
  cb_router_add (fixture->router, "GET", "/api/v1/things/{id}", on_id_route, &routes[5]);
  cb_router_add (fixture->router, "POST", "/api/v1/users", on_route, &routes[6]);
  cb_router_add_upload (fixture->router, "PUT", "/api/v1/users/{id}/sound", audio_types, 4096,
                        on_route, &routes[7]);
  cb_router_add (fixture->router, "GET", "/api/v1/users/{id}/sound", on_route, &routes[8]);

  fixture->soup = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->soup, NULL, dispatch_handler, fixture, NULL);
  soup_server_listen_local (fixture->soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->soup);
  g_assert_nonnull (uris);
  fixture->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  fixture->session = soup_session_new ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->session);
  soup_server_disconnect (fixture->soup);
  g_clear_object (&fixture->soup);
  g_assert_finalize_object (fixture->router);
  g_free (fixture->base);
  g_ptr_array_unref (fixture->calls);
}

typedef struct {
  GBytes  *body;
  GError  *error;
  gboolean done;
} Answer;

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Answer *answer = user_data;

  answer->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &answer->error);
  answer->done = TRUE;
}

/* Sends a request and returns the status; the error code of an error
 * answer in *code (a static string: "" for none), the Allow header in
 * *allow (may be NULL). */
static guint
request (Fixture     *fixture,
         const char  *method,
         const char  *path,
         const char  *content_type,
         const char  *body,
         char       **code,
         char       **allow)
{
  g_autofree char *url = g_strconcat (fixture->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(JsonParser) parser = json_parser_new ();
  Answer answer = { NULL, NULL, FALSE };
  const char *data;
  gsize length;

  g_assert_nonnull (msg);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }
  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &answer);
  CB_TEST_WAIT_FOR (answer.done, WAIT_MS, path);
  g_assert_no_error (answer.error);

  data = g_bytes_get_data (answer.body, &length);
  *code = g_strdup ("");
  if (length > 0)
    {
      g_autoptr(GError) error = NULL;
      JsonObject *object;

      json_parser_load_from_data (parser, data, length, &error);
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      if (json_object_has_member (object, "error"))
        {
          g_free (*code);
          *code = g_strdup (json_object_get_string_member (json_object_get_object_member (object, "error"),
                                                           "code"));
        }
    }
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                   ==, "application/json");
  if (allow != NULL)
    *allow = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Allow"));
  g_bytes_unref (answer.body);
  return soup_message_get_status (msg);
}

/* The handler calls recorded since the last look, joined by "; ". */
static char *
take_calls (Fixture *fixture)
{
  g_ptr_array_add (fixture->calls, NULL);
  {
    char *joined = g_strjoinv ("; ", (char **) fixture->calls->pdata);

    g_ptr_array_set_size (fixture->calls, 0);
    return joined;
  }
}

#define ASSERT_REQUEST(method, path, type, body, status, error_code)                        \
  G_STMT_START {                                                                             \
    g_autofree char *code_ = NULL;                                                          \
    g_assert_cmpuint (request (fixture, (method), (path), (type), (body), &code_, NULL), ==, \
                      (status));                                                             \
    g_assert_cmpstr (code_, ==, (error_code));                                              \
  } G_STMT_END

#define ASSERT_CALLS(expected)                                                               \
  G_STMT_START {                                                                             \
    g_autofree char *calls_ = take_calls (fixture);                                         \
    g_assert_cmpstr (calls_, ==, (expected));                                               \
  } G_STMT_END

/* Patterns: literal segments match exactly, {name} any one non-empty
 * segment, which the handler gets by name; the segment count must match. */
static void
test_patterns (Fixture       *fixture,
               gconstpointer  data)
{
  ASSERT_REQUEST ("GET", "/api/v1/users", NULL, NULL, 200, "");
  ASSERT_CALLS ("users GET /api/v1/users");
  /* A trailing slash is no segment of its own. */
  ASSERT_REQUEST ("GET", "/api/v1/users/", NULL, NULL, 200, "");
  ASSERT_CALLS ("users GET /api/v1/users/");
  ASSERT_REQUEST ("GET", "/api/v1/users/42", NULL, NULL, 200, "");
  ASSERT_CALLS ("user GET /api/v1/users/42 id=42");
  ASSERT_REQUEST ("GET", "/api/v1/users/anna", NULL, NULL, 200, "");
  ASSERT_CALLS ("user GET /api/v1/users/anna id=anna");
  ASSERT_REQUEST ("PUT", "/api/v1/groups/7/login", "application/json", "{}", 200, "");
  ASSERT_CALLS ("login PUT /api/v1/groups/7/login id=7");
  ASSERT_REQUEST ("DELETE", "/api/v1/groups/7/members/9", NULL, NULL, 200, "");
  ASSERT_CALLS ("member DELETE /api/v1/groups/7/members/9 group=7 user=9");
  /* The same path, another method: another route. */
  ASSERT_REQUEST ("PUT", "/api/v1/users/42", "application/json", "{}", 200, "");
  ASSERT_CALLS ("user-put PUT /api/v1/users/42 id=42");
}

/* No route for the path: 404, and no handler runs. */
static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  static const char * const paths[] = {
    "/", "/api", "/api/v1", "/api/v2/users", "/api/v1/users/42/more", "/api/v1/groups/7",
    "/api/v1/groups//login", "/api/v1/groups/7/logout", "/API/v1/users", "/api/v1/nothing",
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_test_message ("GET %s", paths[i]);
      ASSERT_REQUEST ("GET", paths[i], NULL, NULL, 404, "not-found");
    }
  ASSERT_CALLS ("");
}

/* The path exists, the method not: 405 with every allowed method. */
static void
test_method_not_allowed (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autofree char *allow = NULL;

  g_assert_cmpuint (request (fixture, "DELETE", "/api/v1/users/42", NULL, NULL, &code, &allow), ==, 405);
  g_assert_cmpstr (code, ==, "method-not-allowed");
  g_assert_cmpstr (allow, ==, "GET, PUT");
  g_clear_pointer (&code, g_free);
  g_clear_pointer (&allow, g_free);

  g_assert_cmpuint (request (fixture, "PATCH", "/api/v1/users", "application/json", "{}", &code, &allow),
                    ==, 405);
  g_assert_cmpstr (code, ==, "method-not-allowed");
  g_assert_cmpstr (allow, ==, "GET, POST");
  g_clear_pointer (&code, g_free);
  g_clear_pointer (&allow, g_free);

  g_assert_cmpuint (request (fixture, "GET", "/api/v1/groups/7/login", NULL, NULL, &code, &allow), ==, 405);
  g_assert_cmpstr (allow, ==, "PUT");
  ASSERT_CALLS ("");
}

/* A body must be JSON; a request without one needs no type. */
static void
test_unsupported_media (Fixture       *fixture,
                        gconstpointer  data)
{
  ASSERT_REQUEST ("POST", "/api/v1/users", "text/plain", "{}", 415, "unsupported-media-type");
  ASSERT_REQUEST ("POST", "/api/v1/users", "application/x-www-form-urlencoded", "a=b", 415,
                  "unsupported-media-type");
  ASSERT_REQUEST ("PUT", "/api/v1/users/1", "text/json", "{}", 415, "unsupported-media-type");
  ASSERT_CALLS ("");

  /* Parameters and case do not matter; an empty body needs no type. */
  ASSERT_REQUEST ("POST", "/api/v1/users", "application/json; charset=utf-8", "{}", 200, "");
  ASSERT_REQUEST ("PUT", "/api/v1/users/1", "Application/JSON", "{}", 200, "");
  ASSERT_REQUEST ("POST", "/api/v1/users", NULL, NULL, 200, "");
  ASSERT_CALLS ("create POST /api/v1/users; user-put PUT /api/v1/users/1 id=1; create POST /api/v1/users");
  /* The method is checked first: a body on a wrong method is a 405. */
  ASSERT_REQUEST ("DELETE", "/api/v1/users", "text/plain", "x", 405, "method-not-allowed");
}

/* An upload route takes its own media types, and only them; JSON routes
 * still take JSON alone. */
static void
test_upload_media (Fixture       *fixture,
                   gconstpointer  data)
{
  ASSERT_REQUEST ("PUT", "/api/v1/users/3/sound", "audio/wav", "RIFF", 200, "");
  ASSERT_REQUEST ("PUT", "/api/v1/users/3/sound", "Audio/Ogg; codecs=opus", "OggS", 200, "");
  ASSERT_REQUEST ("PUT", "/api/v1/users/3/sound", NULL, NULL, 200, "");
  ASSERT_CALLS ("upload PUT /api/v1/users/3/sound id=3; upload PUT /api/v1/users/3/sound id=3; "
                "upload PUT /api/v1/users/3/sound id=3");

  ASSERT_REQUEST ("PUT", "/api/v1/users/3/sound", "application/json", "{}", 415, "unsupported-media-type");
  ASSERT_REQUEST ("PUT", "/api/v1/users/3/sound", "audio/mpeg", "ID3", 415, "unsupported-media-type");
  ASSERT_REQUEST ("PUT", "/api/v1/users/3/sound", "text/plain", "hello", 415, "unsupported-media-type");
  ASSERT_REQUEST ("PUT", "/api/v1/users/3", "audio/wav", "RIFF", 415, "unsupported-media-type");
  ASSERT_REQUEST ("POST", "/api/v1/users", "audio/wav", "RIFF", 415, "unsupported-media-type");
  ASSERT_CALLS ("");
}

/* The body limit a request is held to: an upload route's own, else 0 (the
 * server's), by method and path as routing finds it. */
static void
test_body_limit (Fixture       *fixture,
                 gconstpointer  data)
{
  g_assert_cmpuint (cb_router_body_limit (fixture->router, "PUT", "/api/v1/users/3/sound"), ==, 4096);
  g_assert_cmpuint (cb_router_body_limit (fixture->router, "PUT", "/api/v1/users/3/sound/"), ==, 4096);
  g_assert_cmpuint (cb_router_body_limit (fixture->router, "GET", "/api/v1/users/3/sound"), ==, 0);
  g_assert_cmpuint (cb_router_body_limit (fixture->router, "POST", "/api/v1/users/3/sound"), ==, 0);
  g_assert_cmpuint (cb_router_body_limit (fixture->router, "PUT", "/api/v1/users/3"), ==, 0);
  g_assert_cmpuint (cb_router_body_limit (fixture->router, "PUT", "/api/v1/users//sound"), ==, 0);
  g_assert_cmpuint (cb_router_body_limit (fixture->router, "PUT", "/nowhere"), ==, 0);
  g_assert_cmpuint (cb_router_body_limit (fixture->router, NULL, "/api/v1/users/3/sound"), ==, 0);
}

/* cb_request_get_id(): a positive decimal integer that fits in 63 bits,
 * else the request is answered 404. */
static void
test_request_get_id (Fixture       *fixture,
                     gconstpointer  data)
{
  static const char * const refused[] = {
    "0", "-1", "+1", "abc", "12abc", "1.5", "0x10", "%20", "9223372036854775808",
    "99999999999999999999",
  };

  ASSERT_REQUEST ("GET", "/api/v1/things/1", NULL, NULL, 200, "");
  ASSERT_REQUEST ("GET", "/api/v1/things/42", NULL, NULL, 200, "");
  ASSERT_REQUEST ("GET", "/api/v1/things/007", NULL, NULL, 200, "");
  ASSERT_REQUEST ("GET", "/api/v1/things/9223372036854775807", NULL, NULL, 200, "");
  ASSERT_CALLS ("id id=1; id id=42; id id=7; id id=9223372036854775807");

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *path = g_strconcat ("/api/v1/things/", refused[i], NULL);

      g_test_message ("GET %s", path);
      ASSERT_REQUEST ("GET", path, NULL, NULL, 404, "not-found");
      ASSERT_CALLS ("id refused");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/router/patterns", test_patterns);
  ADD ("/router/not-found", test_not_found);
  ADD ("/router/method-not-allowed", test_method_not_allowed);
  ADD ("/router/unsupported-media", test_unsupported_media);
  ADD ("/router/request-get-id", test_request_get_id);
  ADD ("/router/upload-media", test_upload_media);
  ADD ("/router/body-limit", test_body_limit);
#undef ADD

  return g_test_run ();
}
