/* SPDX-License-Identifier: Apache-2.0 */
/*
** libmicrohttpd calls on_access several times per request: once when the
** headers are in (we decide the body limit), once per body chunk (we
** append or drop), and once more when the body is complete (we answer).
** The raw request target, which the library would otherwise give only
** percent-decoded and without its query string, comes from the URI log
** callback, which also makes the per-request context; the completion
** callback frees it.
*/
#define _GNU_SOURCE /* NI_MAXHOST etc. */
#include "server/http.h"
#include "server/router.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Per connection: request line, headers and the response headers. The
   library clears the whole block for every request, so it is kept small. */
#define SRV_CONNECTION_MEMORY (16u << 10)

struct srv_http {
  struct MHD_Daemon *daemon;
  srv_http_handler_t handler;
  atomic_uint inflight;
  atomic_bool draining;
  int listen_fd; /* after quiesce: ours to close */
  char address[80];
  char host[64];
  unsigned port;
};

/* One request on a connection. */
typedef struct conn {
  char *uri; /* raw request target */
  bool started, too_large;
  uint64_t limit;
  srv_buf_t body;
} conn_t;

/* {====================== Addresses ======================} */

/* Splits "HOST:PORT", "[V6]:PORT" or ":PORT"; host "" means any. */
static bool split_listen(const char *text, char *host, size_t size, const char **port) {
  const char *colon;
  if (text[0] == '[') {
    const char *close = strchr(text, ']');
    if (!close || close[1] != ':' || (size_t)(close - text - 1) >= size) return false;
    memcpy(host, text + 1, (size_t)(close - text - 1));
    host[close - text - 1] = 0;
    *port = close + 2;
    return true;
  }
  colon = strrchr(text, ':');
  if (!colon || (size_t)(colon - text) >= size) return false;
  memcpy(host, text, (size_t)(colon - text));
  host[colon - text] = 0;
  *port = colon + 1;
  return **port != 0 && strspn(*port, "0123456789") == strlen(*port);
}

static char *address_error(const char *text, const char *why) {
  srv_buf_t b = {0};
  srv_buf_printf(&b, "--listen %s: %s", text, why);
  return srv_buf_take(&b);
}

/* Resolves the listen address (numeric or a name such as localhost). */
static bool resolve(const char *text, struct sockaddr_storage *ss, socklen_t *len, char **error) {
  char host[NI_MAXHOST];
  const char *port;
  if (!split_listen(text, host, sizeof host, &port)) {
    *error = address_error(text, "expected ADDR:PORT, e.g. 127.0.0.1:8787, [::1]:8787 or :8787");
    return false;
  }
  struct addrinfo hints = {.ai_family = AF_UNSPEC,
                           .ai_socktype = SOCK_STREAM,
                           .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
                  *res;
  int rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
  if (rc != 0) {
    *error = address_error(text, gai_strerror(rc));
    return false;
  }
  memcpy(ss, res->ai_addr, res->ai_addrlen);
  *len = res->ai_addrlen;
  freeaddrinfo(res);
  return true;
}

/* Text of a socket address ("1.2.3.4" or "::1") into out. */
static void addr_text(const struct sockaddr *sa, char *out, size_t size) {
  out[0] = 0;
  if (!sa) return;
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
              (socklen_t)size);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
              (socklen_t)size);
}

/* {====================== Per-request context ======================} */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
  (void)c;
  srv_http_t *h = cls;
  conn_t *k = srv_calloc(1, sizeof *k);
  k->uri = srv_strdup(uri);
  atomic_fetch_add(&h->inflight, 1);
  return k;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)c, (void)toe;
  srv_http_t *h = cls;
  conn_t *k = *con_cls;
  if (!k) return;
  srv_buf_free(&k->body);
  free(k->uri);
  free(k);
  *con_cls = NULL;
  atomic_fetch_sub(&h->inflight, 1);
}

/* {====================== Answering ======================} */

typedef struct header_list {
  srv_header_t *v;
  size_t n, cap;
} header_list_t;

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value) {
  (void)kind;
  header_list_t *l = cls;
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 16;
    l->v = srv_realloc(l->v, l->cap * sizeof *l->v);
  }
  l->v[l->n++] = (srv_header_t){key, value ? value : ""};
  return MHD_YES;
}

/* SERVER_NAME and SERVER_PORT from the Host header, else the bound ones. */
static void server_of(const srv_http_t *h, const char *host, char *name, size_t size,
                      unsigned *port) {
  *port = h->port;
  snprintf(name, size, "%s", host ? host : h->host);
  if (!host) return;
  char *colon = strrchr(name, ':');
  if (colon && !strchr(colon, ']')) {
    *port = (unsigned)strtoul(colon + 1, NULL, 10);
    *colon = 0;
  }
}

/* Sends resp (taking its body) on c. */
static enum MHD_Result send_response(srv_http_t *h, struct MHD_Connection *c, srv_resp_t *resp) {
  size_t len = resp->body.len;
  char *body = srv_buf_take(&resp->body);
  struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
  if (!r) {
    free(body);
    return MHD_NO;
  }
  /* A header the library refuses (CR or LF in it) is left out. */
  for (size_t i = 0; i < resp->nheaders; i++)
    (void)MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
  if (atomic_load(&h->draining)) (void)MHD_add_response_header(r, "Connection", "close");
  enum MHD_Result rc = MHD_queue_response(c, (unsigned)resp->status, r);
  MHD_destroy_response(r);
  return rc;
}

static enum MHD_Result answer(srv_http_t *h, struct MHD_Connection *c, conn_t *k,
                              const char *method, const char *version) {
  header_list_t hl = {0};
  MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &hl);
  const char *query;
  size_t plen = srv_uri_split(k->uri, &query);
  char *path = srv_strndup(k->uri, plen);
  const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
  char server_name[256], remote[INET6_ADDRSTRLEN];
  unsigned port;
  server_of(h, host, server_name, sizeof server_name, &port);
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  addr_text(ci ? ci->client_addr : NULL, remote, sizeof remote);
  srv_req_t req = {.method = method,
                   .uri = k->uri,
                   .path = path,
                   .query = query,
                   .script_name = "",
                   .path_info = "",
                   .protocol = version,
                   .host = host ? host : h->address,
                   .server_name = server_name,
                   .server_port = port,
                   .remote_addr = remote,
                   .headers = hl.v,
                   .nheaders = hl.n,
                   .body = (const uint8_t *)k->body.data,
                   .body_len = k->body.len};
  srv_resp_t resp = {0};
  h->handler.handle(h->handler.env, &req, k->too_large, &resp);
  enum MHD_Result rc = send_response(h, c, &resp);
  srv_resp_free(&resp);
  free(path);
  free(hl.v);
  return rc;
}

/* First call: the headers are in. A declared body above the limit is
   answered now, so the library never reads it. */
static enum MHD_Result start(srv_http_t *h, struct MHD_Connection *c, conn_t *k, const char *method,
                             const char *version) {
  k->started = true;
  const char *query;
  size_t plen = srv_uri_split(k->uri, &query);
  char *path = srv_strndup(k->uri, plen);
  k->limit = h->handler.body_limit(h->handler.env, method, path);
  free(path);
  const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
  if (cl && strtoull(cl, NULL, 10) > k->limit) {
    k->too_large = true;
    return answer(h, c, k, method, version);
  }
  return MHD_YES;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls) {
  (void)url;
  srv_http_t *h = cls;
  conn_t *k = *con_cls;
  if (!k) return MHD_NO; /* no URI callback ran: cannot happen */
  if (!k->started) return start(h, c, k, method, version);
  if (*upload_size) {
    if (!k->too_large && k->body.len + *upload_size > k->limit) {
      k->too_large = true; /* keep reading, keep nothing */
      srv_buf_free(&k->body);
    }
    if (!k->too_large) srv_buf_add(&k->body, upload, *upload_size);
    *upload_size = 0;
    return MHD_YES;
  }
  return answer(h, c, k, method, version);
}

/* {====================== Life cycle ======================} */

/* The port and address text the daemon actually bound. */
static void bound_address(srv_http_t *h, const struct sockaddr_storage *ss) {
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
  h->port = di ? di->port : 0;
  addr_text((const struct sockaddr *)ss, h->host, sizeof h->host);
  if (!strcmp(h->host, "0.0.0.0") || !strcmp(h->host, "::")) h->host[0] = 0;
  bool v6 = ss->ss_family == AF_INET6;
  snprintf(h->address, sizeof h->address, "%s%s%s:%u", v6 ? "[" : "",
           h->host[0] ? h->host : (v6 ? "::" : "0.0.0.0"), v6 ? "]" : "", h->port);
  if (!h->host[0]) snprintf(h->host, sizeof h->host, "localhost");
}

srv_http_t *srv_http_start(const srv_http_config_t *cfg, const srv_http_handler_t *handler,
                           char **error) {
  struct sockaddr_storage ss;
  socklen_t sslen;
  if (!resolve(cfg->listen, &ss, &sslen, error)) return NULL;
  srv_http_t *h = srv_calloc(1, sizeof *h);
  h->handler = *handler;
  h->listen_fd = -1;
  atomic_init(&h->inflight, 0);
  atomic_init(&h->draining, false);
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_TURBO;
  if (ss.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
  unsigned workers = cfg->workers ? cfg->workers : 1;
  h->daemon = MHD_start_daemon(
      flags, 0, NULL, NULL, on_access, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
      MHD_OPTION_URI_LOG_CALLBACK, on_uri, h, MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SRV_CONNECTION_MEMORY,
      MHD_OPTION_CONNECTION_TIMEOUT, cfg->idle_timeout, MHD_OPTION_LISTENING_ADDRESS_REUSE,
      (unsigned)1, MHD_OPTION_THREAD_POOL_SIZE, workers > 1 ? workers : 0u,
      cfg->max_connections ? MHD_OPTION_CONNECTION_LIMIT : MHD_OPTION_END, cfg->max_connections,
      MHD_OPTION_END);
  if (!h->daemon) {
    *error = address_error(cfg->listen, "cannot listen there (in use, or not an address of this "
                                        "machine?)");
    free(h);
    return NULL;
  }
  bound_address(h, &ss);
  return h;
}

const char *srv_http_address(const srv_http_t *h) { return h->address; }
unsigned srv_http_port(const srv_http_t *h) { return h->port; }
unsigned srv_http_inflight(srv_http_t *h) { return atomic_load(&h->inflight); }

void srv_http_quiesce(srv_http_t *h) {
  atomic_store(&h->draining, true);
  if (h->listen_fd >= 0) return;
  h->listen_fd = (int)MHD_quiesce_daemon(h->daemon);
  /* New connections are refused at once rather than left waiting in the
     backlog; the descriptor itself is closed only after the workers stop,
     so its number cannot be reused under them. */
  if (h->listen_fd >= 0) shutdown(h->listen_fd, SHUT_RDWR);
}

void srv_http_stop(srv_http_t *h) {
  if (!h) return;
  MHD_stop_daemon(h->daemon);
  if (h->listen_fd >= 0) close(h->listen_fd);
  free(h);
}
