/* SPDX-License-Identifier: Apache-2.0 */
/*
** JavaScript functions: Workers-style handlers on the JavaScript runtime
** (include/wasmbox_js.h), which compiles, snapshots and pools them; this
** file only translates requests, results and settings. The runtime is made
** on the first JavaScript deploy (loading the guest can take a while the
** very first time, when its native code is not cached yet).
**
** Builds without the js layer (WB_SERVER_JS undefined) keep the same
** calls and refuse JavaScript deploys with a clear message.
*/
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/fn.h"
#include "server/log.h"

#ifdef WB_SERVER_JS
#include "wasmbox_js.h"

bool srv_runtime_has_js(void) { return true; }

/* Under rt->lock: the runtime, made on first use. NULL with *error set.
   Published with an atomic store: the metrics read it without the lock,
   so a scrape never waits for the first start of the guest. */
static wb_js_runtime_t *js_runtime(srv_runtime_t *rt, char **error) {
  wb_js_runtime_t *have = atomic_load(&rt->js);
  if (have) return have;
  wb_js_runtime_config_t cfg = {.cache_dir = rt->cache_dir};
  wb_js_runtime_t *js = NULL;
  wb_error_t *err = wb_js_runtime_new(rt->engine, &cfg, &js);
  if (err) {
    srv_buf_t b = {0};
    srv_buf_printf(&b, "the JavaScript runtime cannot start: %s", wb_error_message(err));
    wb_error_delete(err);
    *error = srv_buf_take(&b);
    return NULL;
  }
  atomic_store(&rt->js, js);
  return js;
}

void srv_js_runtime_fini(srv_runtime_t *rt) {
  wb_js_runtime_delete(atomic_load(&rt->js));
  atomic_store(&rt->js, NULL);
}

void srv_js_cache_stats(srv_runtime_t *rt, uint64_t *hits, uint64_t *misses) {
  wb_js_runtime_stats_t st = {0};
  wb_js_runtime_t *js = atomic_load(&rt->js);
  if (js) wb_js_runtime_stats(js, &st);
  *hits = st.cache_hits;
  *misses = st.cache_misses;
}

static void js_destroy(srv_fn_t *fn) { wb_js_function_delete(fn->impl); }

static void js_pool(srv_fn_t *fn, wb_pool_stats_t *out) {
  wb_js_function_stats_t st;
  wb_js_function_stats(fn->impl, &st);
  *out = st.pool;
}

/* Response headers the daemon sets itself. */
static bool header_dropped(const char *name) {
  return strcasecmp(name, "Content-Length") == 0 || strcasecmp(name, "Connection") == 0 ||
         strcasecmp(name, "Transfer-Encoding") == 0 || strcasecmp(name, "Keep-Alive") == 0;
}

static void take_response(const wb_js_result_t *res, srv_resp_t *resp) {
  resp->status = res->status;
  for (size_t i = 0; i < res->nheaders; i++) {
    const wb_js_header_t *h = &res->headers[i];
    if (!header_dropped(h->name))
      srv_resp_headern(resp, h->name, h->name_len, h->value, h->value_len);
  }
  srv_buf_add(&resp->body, res->body, res->body_len);
}

static const char *const console_levels[] = {"log", "info", "warn", "error", "debug"};

/* Console output of the handler: one JSON line each on stderr. */
static void log_console(const srv_fn_t *fn, const wb_js_result_t *res) {
  for (size_t i = 0; i < res->nlogs; i++) {
    unsigned lv = res->logs[i].level <= WB_JS_DEBUG ? (unsigned)res->logs[i].level : 0;
    srv_log_event(2, console_levels[lv], "%s: %s", fn->name, res->logs[i].text);
  }
}

static void take_result(const srv_fn_t *fn, const wb_js_result_t *res, srv_result_t *out) {
  static const srv_outcome_t map[] = {SRV_OK, SRV_ERROR, SRV_TIMEOUT, SRV_TRAP, SRV_BUSY};
  out->outcome = map[res->outcome];
  out->ran = res->outcome != WB_JS_BUSY;
  out->reused = res->reused;
  if (res->outcome == WB_JS_OK) {
    take_response(res, &out->resp);
  } else {
    srv_buf_adds(&out->detail, res->error ? res->error : "failed");
    if (res->stack && *res->stack) srv_buf_printf(&out->detail, "\n%s", res->stack);
  }
  if (res->outcome == WB_JS_TIMEOUT) out->trap_kind = srv_trap_kind(WB_TRAP_INTERRUPT);
  if (res->outcome == WB_JS_TRAP) out->trap_kind = srv_trap_kind(res->trap_code);
  log_console(fn, res);
}

static void js_invoke(srv_fn_t *fn, const srv_req_t *req, srv_result_t *out) {
  wb_js_header_t *hs = srv_calloc(req->nheaders, sizeof *hs);
  for (size_t i = 0; i < req->nheaders; i++)
    hs[i] = (wb_js_header_t){req->headers[i].name, req->headers[i].value,
                             strlen(req->headers[i].name), strlen(req->headers[i].value)};
  srv_buf_t url = {0};
  srv_buf_printf(&url, "http://%s%s", req->host, req->uri);
  wb_js_request_t r = {req->method, url.data, hs, req->nheaders, req->body, req->body_len};
  wb_js_invoke_options_t opts = {.wait_ns = fn->cfg.timeout_ns};
  wb_js_result_t res;
  wb_js_function_invoke(fn->impl, &r, &opts, &res);
  take_result(fn, &res, out);
  wb_js_result_free(&res);
  srv_buf_free(&url);
  free(hs);
}

static const srv_fn_ops_t js_ops = {js_invoke, js_pool, js_destroy};

/* The configured variables as a JSON object: the handler's env. */
static char *env_json(const srv_config_t *cfg) {
  srv_buf_t b = {0};
  srv_buf_addc(&b, '{');
  for (size_t i = 0; i < cfg->env.n; i++) {
    const char *e = cfg->env.v[i], *eq = strchr(e, '=');
    if (i) srv_buf_addc(&b, ',');
    srv_buf_json_str(&b, e, (size_t)(eq - e));
    srv_buf_addc(&b, ':');
    srv_buf_json_str(&b, eq + 1, strlen(eq + 1));
  }
  srv_buf_addc(&b, '}');
  return srv_buf_take(&b);
}

int srv_js_deploy(srv_fn_t *fn, const uint8_t *code, size_t len, char **error) {
  pthread_mutex_lock(&fn->rt->lock);
  wb_js_runtime_t *js = js_runtime(fn->rt, error);
  pthread_mutex_unlock(&fn->rt->lock);
  if (!js) return 500;
  srv_buf_t filename = {0};
  srv_buf_printf(&filename, "%s.js", fn->name);
  char *env = env_json(&fn->cfg);
  wb_js_function_config_t cfg = {.filename = filename.data,
                                 .source = (const char *)code,
                                 .source_len = len,
                                 .env_json = env,
                                 .max_memory_bytes = fn->cfg.max_memory,
                                 .timeout_ns = fn->cfg.timeout_ns,
                                 .max_instances = fn->cfg.max_instances};
  wb_js_function_t *f = NULL;
  wb_error_t *err = wb_js_function_new(js, &cfg, &f);
  free(env);
  srv_buf_free(&filename);
  if (err) {
    *error = srv_strdup(wb_error_message(err));
    wb_error_delete(err);
    return 422;
  }
  fn->impl = f;
  fn->ops = &js_ops;
  return 0;
}

#else /* no js layer in this build */

bool srv_runtime_has_js(void) { return false; }

int srv_js_deploy(srv_fn_t *fn, const uint8_t *code, size_t len, char **error) {
  (void)fn, (void)code, (void)len;
  *error = srv_strdup("this build of wasmbox runs no JavaScript functions (built without the "
                      "js layer)");
  return 400;
}

void srv_js_runtime_fini(srv_runtime_t *rt) { (void)rt; }

void srv_js_cache_stats(srv_runtime_t *rt, uint64_t *hits, uint64_t *misses) {
  (void)rt;
  *hits = *misses = 0;
}

#endif
