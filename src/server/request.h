/* SPDX-License-Identifier: Apache-2.0 */
/*
** A request and a response as the daemon's parts see them (prefix
** srv_req, srv_resp), independent of the HTTP library: the front end
** (http.c) fills a request, functions and the admin API fill a response.
*/
#ifndef WB_SERVER_REQUEST_H
#define WB_SERVER_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "server/buf.h"

typedef struct srv_header {
  const char *name, *value;
} srv_header_t;

/* Everything borrowed for the duration of one request. */
typedef struct srv_req {
  const char *method;      /* "GET" */
  const char *uri;         /* raw request target: "/hello/a%20b?x=1" */
  const char *path;        /* its path part, raw: "/hello/a%20b" */
  const char *query;       /* its query, raw, without '?': "x=1" or "" */
  const char *script_name; /* "/hello" for functions, else "" */
  const char *path_info;   /* raw rest of the path: "/a%20b" or "" */
  const char *protocol;    /* "HTTP/1.1" */
  const char *host;        /* Host header, else server_name:server_port */
  const char *server_name; /* host part of host */
  unsigned server_port;
  const char *remote_addr; /* client address, "" if unknown */
  const srv_header_t *headers;
  size_t nheaders;
  const uint8_t *body;
  size_t body_len;
} srv_req_t;

/* The value of the first header named name (case-insensitive), or NULL. */
const char *srv_req_header(const srv_req_t *req, const char *name);

typedef struct srv_resp_header {
  char *name, *value;
} srv_resp_header_t;

/* A response under construction; owns its strings. Zero-initialise. */
typedef struct srv_resp {
  int status;
  srv_resp_header_t *headers;
  size_t nheaders, cap;
  srv_buf_t body;
} srv_resp_t;

/* Adds a header (copied). */
void srv_resp_header(srv_resp_t *r, const char *name, const char *value);
void srv_resp_headern(srv_resp_t *r, const char *name, size_t name_len, const char *value,
                      size_t value_len);
/* The value of the first header named name (case-insensitive), or NULL. */
const char *srv_resp_get(const srv_resp_t *r, const char *name);
/* A whole text response: status, Content-Type and body (copied). */
void srv_resp_text(srv_resp_t *r, int status, const char *content_type, const char *body);
/* Frees what the response owns; it is zero again afterwards. */
void srv_resp_free(srv_resp_t *r);

#endif
