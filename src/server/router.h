/* SPDX-License-Identifier: Apache-2.0 */
/*
** The router (prefix srv_route): which part of the daemon a request path
** belongs to, and the URL helpers around it.
**
**   /healthz              liveness
**   /metrics              Prometheus text
**   /_admin/...           the admin API (the rest of the path is kept)
**   /NAME, /NAME/...      function NAME; what follows /NAME is its PATH_INFO
**   anything else         not found
**
** Function names are 1 to 64 characters of [A-Za-z0-9_-], not starting
** with '_' (reserved for the daemon's own paths), and never "healthz" or
** "metrics". Paths are matched as they arrive (percent-encoded), so an
** encoded name never matches.
*/
#ifndef WB_SERVER_ROUTER_H
#define WB_SERVER_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#define SRV_NAME_MAX 64

typedef enum srv_route_kind {
  SRV_ROUTE_NOT_FOUND = 0,
  SRV_ROUTE_HEALTH,
  SRV_ROUTE_METRICS,
  SRV_ROUTE_ADMIN,
  SRV_ROUTE_FUNCTION,
} srv_route_kind_t;

typedef struct srv_route {
  srv_route_kind_t kind;
  const char *name; /* SRV_ROUTE_FUNCTION: the name, borrowed from the path */
  size_t name_len;
  /* FUNCTION: what follows /NAME ("" or starting with '/'); ADMIN: what
     follows /_admin ("" or starting with '/'). Borrowed from the path. */
  const char *rest;
} srv_route_t;

/* Routes a raw path (no query string, percent-encoding kept). */
void srv_route(const char *path, srv_route_t *out);

/* Whether name[0..len) is a valid function name (see above). */
bool srv_name_valid(const char *name, size_t len);

/* Splits a raw request target "PATH?QUERY" at the first '?': returns the
   path length and sets *query to the text after '?' ("" without one). */
size_t srv_uri_split(const char *uri, const char **query);

/* Percent-decodes src[0..n) into dst (room for n + 1 bytes); with
   plus_space '+' becomes ' ' (form encoding of query strings). Invalid
   escapes are copied as they are. Returns the length written (dst is
   NUL-terminated). */
size_t srv_url_decode(char *dst, const char *src, size_t n, bool plus_space);

/* The decoded value of the first parameter key in a raw query string,
   written into buf (size bytes, truncated if longer). Returns false when
   the key is absent ("key" without '=' counts, with an empty value). */
bool srv_query_param(const char *query, const char *key, char *buf, size_t size);

#endif
