/* SPDX-License-Identifier: Apache-2.0 */
/*
** The HTTP front end (prefix srv_http) on libmicrohttpd: HTTP/1.1 with
** keep-alive, a pool of worker threads each running an epoll loop, and
** requests handed to the daemon complete (headers and body) on the worker
** that read them.
**
** Limits: the request line and headers share a per-connection memory
** bound; the body is bounded per request by the handler's body_limit
** (a Content-Length above it is answered at once, without reading the
** body; a chunked body past it is read and dropped, then answered); an
** idle connection is closed after idle_timeout seconds.
**
** Drain: srv_http_quiesce stops accepting (new connections are refused);
** requests already in flight finish, and their responses close their
** connections. srv_http_inflight
** counts requests from their first byte until their response is sent.
*/
#ifndef WB_SERVER_HTTP_H
#define WB_SERVER_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "server/request.h"

typedef struct srv_http srv_http_t;

typedef struct srv_http_handler {
  void *env;
  /* The body limit of a request, asked once its headers are in. */
  uint64_t (*body_limit)(void *env, const char *method, const char *path);
  /* Answers a complete request; too_large: its body passed the limit and
     was not kept (req->body is empty). Fills resp completely. */
  void (*handle)(void *env, const srv_req_t *req, bool too_large, srv_resp_t *resp);
} srv_http_handler_t;

typedef struct srv_http_config {
  const char *listen;       /* "ADDR:PORT": 127.0.0.1:8787, [::1]:0, :8787 */
  unsigned workers;         /* threads (>= 1) */
  unsigned idle_timeout;    /* seconds */
  unsigned max_connections; /* 0 for the library's default */
} srv_http_config_t;

/* Binds and starts serving. handler is copied. Returns NULL and *error
   (owned) when the address is bad or cannot be bound. */
srv_http_t *srv_http_start(const srv_http_config_t *cfg, const srv_http_handler_t *handler,
                           char **error);
/* The bound address, e.g. "127.0.0.1:41234" (the port chosen when 0 was
   asked); borrowed. */
const char *srv_http_address(const srv_http_t *h);
unsigned srv_http_port(const srv_http_t *h);
/* Stops accepting connections; responses from now on close theirs. */
void srv_http_quiesce(srv_http_t *h);
/* Requests received and not yet completely answered. */
unsigned srv_http_inflight(srv_http_t *h);
/* Stops the workers, closes every connection and frees h. */
void srv_http_stop(srv_http_t *h);

#endif
