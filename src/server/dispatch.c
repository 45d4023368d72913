/* SPDX-License-Identifier: Apache-2.0 */
/*
** One request, from route to response and log line. A function that
** fails answers with a status and one short sentence; what happened
** (the trap and its backtrace, the exception and its stack, the guest's
** stderr) goes to the log line's "detail" only.
*/
#include <stdio.h>
#include <string.h>

#include "server/daemon.h"
#include "server/log.h"
#include "server/router.h"

#define SRV_SMALL_BODY (64u << 10) /* body limit of the daemon's own paths */

/* Copies the route's name into buf (SRV_NAME_MAX + 1 bytes). */
static const char *route_name(const srv_route_t *r, char *buf) {
  memcpy(buf, r->name, r->name_len);
  buf[r->name_len] = 0;
  return buf;
}

uint64_t srv_dispatch_body_limit(void *env, const char *method, const char *path) {
  (void)method;
  srv_daemon_t *d = env;
  srv_route_t r;
  srv_route(path, &r);
  if (r.kind == SRV_ROUTE_ADMIN) return d->opts.max_deploy_bytes;
  if (r.kind != SRV_ROUTE_FUNCTION) return SRV_SMALL_BODY;
  srv_ref_t *v = srv_registry_get(d->reg, r.name, r.name_len);
  uint64_t limit = v ? ((srv_fn_t *)v)->cfg.max_body : SRV_DEFAULT_MAX_BODY;
  srv_ref_release(v);
  return limit;
}

/* The public answer for an outcome other than SRV_OK. */
static void failure(srv_outcome_t o, srv_resp_t *resp) {
  static const int status[SRV_NOUTCOMES] = {200, 500, 500, 504, 503};
  static const char *const text[SRV_NOUTCOMES] = {
      "", "the function failed\n", "the function failed\n", "the function timed out\n",
      "the function is busy, try again\n"};
  srv_resp_free(resp);
  srv_resp_text(resp, status[o], "text/plain; charset=utf-8", text[o]);
  if (o == SRV_BUSY) srv_resp_header(resp, "Retry-After", "1");
}

static void count(srv_daemon_t *d, srv_fn_t *fn, const srv_result_t *res, uint64_t ns) {
  if (fn->invocations[res->outcome]) srv_cell_add(fn->invocations[res->outcome], 1);
  if (fn->duration) srv_cell_observe(fn->duration, (double)ns / 1e9);
  if (res->trap_kind) srv_cell_add(srv_family_cell1(d->fam.traps, res->trap_kind), 1);
}

/* Invokes fn for the request and fills the response and the log entry. */
static void invoke(srv_daemon_t *d, srv_fn_t *fn, const srv_req_t *req, const char *name,
                   const char *path_info, srv_resp_t *resp, srv_log_entry_t *log,
                   srv_buf_t *detail) {
  char script[SRV_NAME_MAX + 2];
  snprintf(script, sizeof script, "/%s", name);
  srv_req_t fr = *req;
  fr.script_name = script;
  fr.path_info = path_info;
  srv_result_t res;
  uint64_t t0 = srv_now_ns();
  srv_fn_invoke(fn, &fr, &res);
  count(d, fn, &res, srv_now_ns() - t0);
  *resp = res.resp; /* moved */
  res.resp = (srv_resp_t){0};
  if (res.outcome != SRV_OK) failure(res.outcome, resp);
  log->outcome = srv_outcome_names[res.outcome];
  log->instance = !res.ran     ? SRV_INSTANCE_NONE
                  : res.reused ? SRV_INSTANCE_REUSED
                               : SRV_INSTANCE_NEW;
  *detail = res.detail; /* moved */
  res.detail = (srv_buf_t){0};
  srv_result_free(&res);
}

static void run_function(srv_daemon_t *d, const srv_req_t *req, const srv_route_t *r,
                         bool too_large, srv_resp_t *resp, srv_log_entry_t *log, srv_buf_t *detail,
                         char name[SRV_NAME_MAX + 1]) {
  srv_fn_t *fn = (srv_fn_t *)srv_registry_get(d->reg, r->name, r->name_len);
  if (!fn) {
    srv_resp_text(resp, 404, "text/plain; charset=utf-8", "no such function\n");
    return;
  }
  log->function = route_name(r, name);
  log->version = fn->version;
  if (too_large)
    srv_resp_text(resp, 413, "text/plain; charset=utf-8", "request body too large\n");
  else
    invoke(d, fn, req, name, r->rest, resp, log, detail);
  srv_ref_release(&fn->ref);
}

static void metrics(srv_daemon_t *d, srv_resp_t *resp) {
  resp->status = 200;
  srv_resp_header(resp, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  srv_metrics_write(d->metrics, &resp->body);
}

static void route(srv_daemon_t *d, const srv_req_t *req, bool too_large, srv_resp_t *resp,
                  srv_log_entry_t *log, srv_buf_t *detail, char name[SRV_NAME_MAX + 1]) {
  srv_route_t r;
  srv_route(req->path, &r);
  if (too_large && r.kind != SRV_ROUTE_FUNCTION) {
    srv_resp_text(resp, 413, "text/plain; charset=utf-8", "request body too large\n");
    return;
  }
  switch (r.kind) {
  case SRV_ROUTE_HEALTH:
    if (atomic_load(&d->draining))
      srv_resp_text(resp, 503, "text/plain", "draining\n");
    else
      srv_resp_text(resp, 200, "text/plain", "ok\n");
    return;
  case SRV_ROUTE_METRICS: metrics(d, resp); return;
  case SRV_ROUTE_ADMIN: srv_admin_handle(d->opts.admin_token, &d->admin, req, r.rest, resp); return;
  case SRV_ROUTE_FUNCTION: run_function(d, req, &r, too_large, resp, log, detail, name); return;
  case SRV_ROUTE_NOT_FOUND: break;
  }
  srv_resp_text(resp, 404, "text/plain; charset=utf-8", "not found\n");
}

void srv_dispatch(void *env, const srv_req_t *req, bool too_large, srv_resp_t *resp) {
  srv_daemon_t *d = env;
  uint64_t t0 = srv_now_ns();
  srv_log_entry_t log = {.method = req->method, .path = req->path};
  srv_buf_t detail = {0};
  char name[SRV_NAME_MAX + 1]; /* the function's, for the log line */
  route(d, req, too_large, resp, &log, &detail, name);
  srv_stats_status(d, resp->status);
  if (!d->opts.quiet || detail.len) {
    log.status = resp->status;
    log.duration_us = (srv_now_ns() - t0) / 1000;
    log.detail = detail.len ? detail.data : NULL;
    srv_log_access(2, &log);
  }
  srv_buf_free(&detail);
}
