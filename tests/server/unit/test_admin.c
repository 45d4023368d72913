/* SPDX-License-Identifier: Apache-2.0 */
/* The admin API without a daemon: authorisation (disabled, missing,
   wrong, right), routing to the operations, kinds, and refusals. */
#include <stdlib.h>

#include "server/admin.h"
#include "test.h"

static char last_op[64], last_name[80], last_query[80];
static srv_kind_t last_kind;
static size_t last_len;

static void op_deploy(void *env, const char *name, srv_kind_t kind, const char *query,
                      const uint8_t *body, size_t len, srv_resp_t *resp) {
  (void)env, (void)body;
  snprintf(last_op, sizeof last_op, "deploy");
  snprintf(last_name, sizeof last_name, "%s", name);
  snprintf(last_query, sizeof last_query, "%s", query);
  last_kind = kind;
  last_len = len;
  resp->status = 201;
}

static void op_remove(void *env, const char *name, srv_resp_t *resp) {
  (void)env;
  snprintf(last_op, sizeof last_op, "remove");
  snprintf(last_name, sizeof last_name, "%s", name);
  resp->status = 200;
}

static void op_list(void *env, const char *name, srv_resp_t *resp) {
  (void)env;
  snprintf(last_op, sizeof last_op, "list");
  snprintf(last_name, sizeof last_name, "%s", name ? name : "(all)");
  resp->status = 200;
}

static const srv_admin_ops_t ops = {NULL, op_deploy, op_remove, op_list};

/* Runs one admin request; returns the status. */
static int call(const char *token, const char *auth, const char *method, const char *rest,
                const char *query, const char *body, size_t body_len) {
  srv_header_t h = {"Authorization", auth};
  srv_req_t req = {.method = method,
                   .query = query,
                   .headers = &h,
                   .nheaders = auth ? 1 : 0,
                   .body = (const uint8_t *)body,
                   .body_len = body_len};
  srv_resp_t resp = {0};
  last_op[0] = 0;
  srv_admin_handle(token, &ops, &req, rest, &resp);
  int status = resp.status;
  srv_resp_free(&resp);
  return status;
}

static void test_auth(void) {
  CHECK_EQ(srv_admin_auth(NULL, "Bearer x"), SRV_AUTH_DISABLED);
  CHECK_EQ(srv_admin_auth("", "Bearer "), SRV_AUTH_DISABLED);
  CHECK_EQ(srv_admin_auth("t0k", NULL), SRV_AUTH_MISSING);
  CHECK_EQ(srv_admin_auth("t0k", "Basic dDBr"), SRV_AUTH_MISSING);
  CHECK_EQ(srv_admin_auth("t0k", "Bearer t0k"), SRV_AUTH_OK);
  CHECK_EQ(srv_admin_auth("t0k", "bearer  t0k "), SRV_AUTH_OK);
  CHECK_EQ(srv_admin_auth("t0k", "Bearer t0"), SRV_AUTH_WRONG);
  CHECK_EQ(srv_admin_auth("t0k", "Bearer t0kk"), SRV_AUTH_WRONG);
  CHECK_EQ(srv_admin_auth("t0k", "Bearer "), SRV_AUTH_WRONG);
  /* Statuses; nothing runs unless authorised. */
  CHECK_EQ(call(NULL, "Bearer t", "GET", "/functions", "", NULL, 0), 404);
  CHECK_EQ(call("t", NULL, "GET", "/functions", "", NULL, 0), 401);
  CHECK_EQ(call("t", "Bearer x", "PUT", "/functions/a", "", "x", 1), 403);
  CHECK(last_op[0] == 0);
}

static void test_routing(void) {
  const char *ok = "Bearer t";
  CHECK_EQ(call("t", ok, "GET", "/functions", "", NULL, 0), 200);
  CHECK(strcmp(last_op, "list") == 0 && strcmp(last_name, "(all)") == 0);
  CHECK_EQ(call("t", ok, "GET", "/functions/f1", "", NULL, 0), 200);
  CHECK(strcmp(last_op, "list") == 0 && strcmp(last_name, "f1") == 0);
  CHECK_EQ(call("t", ok, "DELETE", "/functions/f1", "", NULL, 0), 200);
  CHECK(strcmp(last_op, "remove") == 0);
  CHECK_EQ(call("t", ok, "PUT", "/functions/f1", "timeout=1s", "export default {}", 17), 201);
  CHECK(strcmp(last_op, "deploy") == 0 && last_kind == SRV_KIND_JS && last_len == 17);
  CHECK(strcmp(last_query, "timeout=1s") == 0);
  CHECK_EQ(call("t", ok, "PUT", "/functions/w", "", "\0asm\1\0\0\0", 8), 201);
  CHECK_EQ(last_kind, SRV_KIND_WASM);
  CHECK_EQ(call("t", ok, "PUT", "/functions/w", "kind=wasm", "x", 1), 201);
  CHECK_EQ(last_kind, SRV_KIND_WASM); /* the daemon then rejects the bytes */
  CHECK_EQ(call("t", ok, "PUT", "/functions/w", "kind=lua", "x", 1), 400);
  CHECK_EQ(call("t", ok, "PUT", "/functions/w", "", "", 0), 400);
  CHECK_EQ(call("t", ok, "PUT", "/functions/bad.name", "", "x", 1), 400);
  CHECK_EQ(call("t", ok, "PUT", "/functions/_x", "", "x", 1), 400);
  CHECK_EQ(call("t", ok, "POST", "/functions/f1", "", "x", 1), 405);
  CHECK_EQ(call("t", ok, "POST", "/functions", "", NULL, 0), 405);
  CHECK_EQ(call("t", ok, "GET", "/functions/a/b", "", NULL, 0), 404);
  CHECK_EQ(call("t", ok, "GET", "/nothing", "", NULL, 0), 404);
}

TEST_MAIN("server_admin", test_auth, test_routing)
