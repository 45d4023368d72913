/* SPDX-License-Identifier: Apache-2.0 */
/*
** The admin API (prefix srv_admin), under /_admin/:
**
**   PUT    /_admin/functions/NAME[?kind=js|wasm][&SETTING=VALUE...]
**          body: the JavaScript source or the .wasm bytes (kind detected
**          from the \0asm header when not given). Answers once the new
**          version is live: 201 (new) or 200 (replaced) with
**          {"name","kind","version","sha256","compile_seconds"}; 400 or
**          422 with {"error"} and the old version untouched. SETTINGs are
**          those of NAME.json but env (max_memory=16M&timeout=200ms...).
**   DELETE /_admin/functions/NAME      200, or 404
**   GET    /_admin/functions           200, the functions with their stats
**   GET    /_admin/functions/NAME      200, one function, or 404
**
** Every request needs `Authorization: Bearer <token>`: 401 without it (or
** another scheme), 403 with a wrong token, compared in constant time.
** Without a configured token the admin API does not exist: 404.
*/
#ifndef WB_SERVER_ADMIN_H
#define WB_SERVER_ADMIN_H

#include "server/fn.h"
#include "server/request.h"

typedef enum srv_auth {
  SRV_AUTH_OK = 0,
  SRV_AUTH_DISABLED, /* no token configured */
  SRV_AUTH_MISSING,  /* no Authorization header, or not Bearer */
  SRV_AUTH_WRONG,
} srv_auth_t;

/* Checks an Authorization header value (NULL when absent) against the
   configured token (NULL or "" when the admin API is off). */
srv_auth_t srv_admin_auth(const char *token, const char *authorization);

/* What the admin API asks of the daemon. Each fills resp completely. */
typedef struct srv_admin_ops {
  void *env;
  /* Deploys body as name; query is the raw query string (settings). */
  void (*deploy)(void *env, const char *name, srv_kind_t kind, const char *query,
                 const uint8_t *body, size_t len, srv_resp_t *resp);
  void (*remove)(void *env, const char *name, srv_resp_t *resp);
  /* name NULL: every function. */
  void (*list)(void *env, const char *name, srv_resp_t *resp);
} srv_admin_ops_t;

/* Handles a request whose path is /_admin + rest. */
void srv_admin_handle(const char *token, const srv_admin_ops_t *ops, const srv_req_t *req,
                      const char *rest, srv_resp_t *resp);

/* A JSON error response {"error": message}. */
void srv_resp_json_error(srv_resp_t *resp, int status, const char *message);

#endif
