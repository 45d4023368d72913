/* SPDX-License-Identifier: Apache-2.0 */
#include "server/admin.h"

#include <string.h>
#include <strings.h>

#include "server/router.h"

srv_auth_t srv_admin_auth(const char *token, const char *authorization) {
  if (!token || !*token) return SRV_AUTH_DISABLED;
  if (!authorization || strncasecmp(authorization, "Bearer ", 7) != 0) return SRV_AUTH_MISSING;
  const char *given = authorization + 7;
  while (*given == ' ')
    given++;
  size_t n = strlen(given);
  while (n && given[n - 1] == ' ')
    n--;
  return srv_secret_equal(given, n, token, strlen(token)) ? SRV_AUTH_OK : SRV_AUTH_WRONG;
}

void srv_resp_json_error(srv_resp_t *resp, int status, const char *message) {
  resp->status = status;
  srv_resp_header(resp, "Content-Type", "application/json");
  srv_buf_clear(&resp->body);
  srv_buf_adds(&resp->body, "{\"error\":");
  srv_buf_json_str(&resp->body, message, strlen(message));
  srv_buf_adds(&resp->body, "}\n");
}

/* 401, 403 or 404 for a request that may not use the API. */
static bool refuse(srv_auth_t auth, srv_resp_t *resp) {
  switch (auth) {
  case SRV_AUTH_OK: return false;
  case SRV_AUTH_DISABLED: srv_resp_json_error(resp, 404, "not found"); return true;
  case SRV_AUTH_MISSING:
    srv_resp_json_error(resp, 401, "authorization required (Authorization: Bearer <token>)");
    srv_resp_header(resp, "WWW-Authenticate", "Bearer realm=\"wasmbox admin\"");
    return true;
  case SRV_AUTH_WRONG: srv_resp_json_error(resp, 403, "wrong token"); return true;
  }
  return true;
}

static void not_allowed(srv_resp_t *resp, const char *allow) {
  srv_resp_json_error(resp, 405, "method not allowed");
  srv_resp_header(resp, "Allow", allow);
}

/* The kind asked for, or detected from the body. false: a bad ?kind=. */
static bool deploy_kind(const srv_req_t *req, srv_kind_t *kind) {
  char k[16];
  if (srv_query_param(req->query, "kind", k, sizeof k)) {
    if (strcmp(k, "js") == 0)
      *kind = SRV_KIND_JS;
    else if (strcmp(k, "wasm") == 0)
      *kind = SRV_KIND_WASM;
    else
      return false;
    return true;
  }
  bool wasm = req->body_len >= 4 && memcmp(req->body, "\0asm", 4) == 0;
  *kind = wasm ? SRV_KIND_WASM : SRV_KIND_JS;
  return true;
}

/* /functions/NAME */
static void one_function(const srv_admin_ops_t *ops, const srv_req_t *req, const char *name,
                         srv_resp_t *resp) {
  srv_kind_t kind;
  if (!srv_name_valid(name, strlen(name))) {
    srv_resp_json_error(resp, 400,
                        "invalid function name (1-64 of A-Z a-z 0-9 _ -, not starting with _)");
  } else if (strcmp(req->method, "GET") == 0) {
    ops->list(ops->env, name, resp);
  } else if (strcmp(req->method, "DELETE") == 0) {
    ops->remove(ops->env, name, resp);
  } else if (strcmp(req->method, "PUT") != 0) {
    not_allowed(resp, "GET, PUT, DELETE");
  } else if (!deploy_kind(req, &kind)) {
    srv_resp_json_error(resp, 400, "kind must be js or wasm");
  } else if (req->body_len == 0) {
    srv_resp_json_error(resp, 400, "empty body: send the function's source or module");
  } else {
    ops->deploy(ops->env, name, kind, req->query, req->body, req->body_len, resp);
  }
}

void srv_admin_handle(const char *token, const srv_admin_ops_t *ops, const srv_req_t *req,
                      const char *rest, srv_resp_t *resp) {
  if (refuse(srv_admin_auth(token, srv_req_header(req, "Authorization")), resp)) return;
  if (strcmp(rest, "/functions") == 0 || strcmp(rest, "/functions/") == 0) {
    if (strcmp(req->method, "GET") == 0)
      ops->list(ops->env, NULL, resp);
    else
      not_allowed(resp, "GET");
    return;
  }
  if (strncmp(rest, "/functions/", 11) == 0 && !strchr(rest + 11, '/')) {
    one_function(ops, req, rest + 11, resp);
    return;
  }
  srv_resp_json_error(resp, 404, "no such admin endpoint (see /_admin/functions)");
}
