/* SPDX-License-Identifier: Apache-2.0 */
/*
** Functions: deploy (bytecode from the cache or a compile on a base
** instance, then the module evaluated once in a template derived from the
** base, then a pool) and invoke (borrow an instance, write the request,
** wbjs_invoke, decode the output, give the instance back reset).
**
** Limits: the function's memory limit and timeout apply to the module's
** evaluation (in the template setup) and to every invocation (the pool's
** configuration); a trap is mapped to WB_JS_TIMEOUT (deadline) or
** WB_JS_TRAP, and the pool's reset on release throws away whatever the
** trap interrupted.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js/runtime.h"

#define JS_FORMAT_VERSION "wasmbox-js bytecode 1"
#define JS_DEFAULT_MEMORY (32ull << 20)
#define JS_DEFAULT_TIMEOUT (5ull * 1000000000u)
#define JS_DEFAULT_NAME "handler.js"
#define JS_OOM_SLACK (1u << 20) /* a trap this close to the limit is out-of-memory */
#define JS_REQ_BUF (16u << 10)  /* requests up to this size need no wbjs_alloc */

struct wb_js_function {
  wb_js_runtime_t *rt;
  wb_template_t *tmpl; /* the guest after wbjs_load */
  wb_pool_t *pool;
  uint64_t timeout_ns, max_memory;
  int32_t req_buf;      /* guest address of a JS_REQ_BUF buffer in the image */
  pthread_mutex_t lock; /* the fields below */
  wb_store_t **seen;    /* stores of instances that have served: open addressing */
  uint32_t nseen, seen_cap;
  uint64_t invocations, outcomes[WB_JS_BUSY + 1];
};

/* {====================== Messages ======================} */

/* "250 ms", "5 s", "1500 us". */
static void fmt_duration(uint64_t ns, char *buf, size_t n) {
  if (ns % 1000000000u == 0)
    snprintf(buf, n, "%" PRIu64 " s", ns / 1000000000u);
  else if (ns % 1000000u == 0)
    snprintf(buf, n, "%" PRIu64 " ms", ns / 1000000u);
  else
    snprintf(buf, n, "%" PRIu64 " us", ns / 1000u);
}

/* "32 MiB", "100 KiB", "12345 bytes". */
static void fmt_size(uint64_t b, char *buf, size_t n) {
  if (b % (1u << 20) == 0)
    snprintf(buf, n, "%" PRIu64 " MiB", b >> 20);
  else if (b % 1024 == 0)
    snprintf(buf, n, "%" PRIu64 " KiB", b >> 10);
  else
    snprintf(buf, n, "%" PRIu64 " bytes", b);
}

/* Whether a trap in inst looks like the memory limit: memory is within
   JS_OOM_SLACK of it (QuickJS traps when it cannot even throw). */
static bool near_limit(wb_instance_t *inst, uint64_t max_memory) {
  wb_memory_t *mem = inst ? wb_instance_memory(inst) : NULL;
  return mem && max_memory && wb_memory_data_size(mem) + JS_OOM_SLACK > max_memory;
}

/* What a trap means for the user, in buf. */
static void trap_text(const wb_trap_t *trap, wb_instance_t *inst, uint64_t timeout,
                      uint64_t max_memory, char *buf, size_t n) {
  char lim[32];
  wb_trap_code_t code = wb_trap_code(trap);
  if (code == WB_TRAP_INTERRUPT) {
    fmt_duration(timeout, lim, sizeof lim);
    snprintf(buf, n, "timeout: ran longer than %s (%s)", lim, wb_trap_message(trap));
  } else if (near_limit(inst, max_memory)) {
    fmt_size(max_memory, lim, sizeof lim);
    snprintf(buf, n, "out of memory: the limit is %s (trap: %s)", lim, wb_trap_message(trap));
  } else {
    snprintf(buf, n, "trap: %s: %s", wb_trap_code_name(code), wb_trap_message(trap));
  }
}

/* {====================== Compiling ======================} */

/* Runs wbjs_compile on a base instance; on success *bc is malloc'ed. */
static wb_error_t *compile_on(js_vm_t *vm, const wb_js_function_config_t *cfg, const char *name,
                              uint8_t **bc, size_t *len) {
  int32_t a[4], rc = -1;
  const uint8_t *out = NULL;
  size_t olen = 0;
  js_poll_deadline_set(0); /* compiling runs no timers */
  bool ok = js_vm_put(vm, cfg->source, cfg->source_len, &a[0]) &&
            js_vm_put(vm, name, strlen(name), &a[2]);
  a[1] = (int32_t)cfg->source_len;
  a[3] = (int32_t)strlen(name);
  ok = ok && js_vm_call(vm, "wbjs_compile", a, 4, &rc) && js_vm_output(vm, &out, &olen);
  if (!ok && vm->trap) {
    char text[256];
    trap_text(vm->trap, vm->inst, JS_COMPILE_TIMEOUT, JS_COMPILE_MEMORY, text, sizeof text);
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "%s: compiling: %s", name, text);
  }
  if (!ok) {
    wb_error_t *err = vm->err;
    vm->err = NULL;
    return err;
  }
  if (rc == 0) {
    *bc = ut_malloc(olen ? olen : 1);
    memcpy(*bc, out, olen);
    *len = olen;
    return NULL;
  }
  wb_js_result_t res;
  const char *location = NULL;
  if (rc != 1 || !js_decode(out, olen, JS_OUT_LOAD, &res, &location))
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "wbjs_compile: malformed output");
  wb_error_t *err = js_error_from(&res, location);
  wb_js_result_free(&res);
  return err;
}

static wb_error_t *compile(wb_js_runtime_t *rt, const wb_js_function_config_t *cfg,
                           const char *name, uint8_t **bc, size_t *len) {
  if (cfg->source_len > INT32_MAX)
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "%s: source over 2 GiB", name);
  wb_pooled_t *pi = NULL;
  wb_error_t *err = wb_pool_acquire(rt->compilers, UINT64_MAX, &pi);
  if (err) return err;
  js_vm_t vm = {.store = wb_pooled_store(pi), .inst = wb_pooled_instance(pi)};
  err = compile_on(&vm, cfg, name, bc, len);
  js_vm_clear(&vm);
  wb_pool_release(rt->compilers, pi);
  return err;
}

/* SHA-256 of what the bytecode depends on. */
static void cache_key(const wb_js_runtime_t *rt, const wb_js_function_config_t *cfg,
                      const char *name, uint8_t key[JS_HASH_LEN]) {
  const void *parts[4] = {JS_FORMAT_VERSION, rt->guest_hash, name, cfg->source};
  size_t lens[4] = {sizeof JS_FORMAT_VERSION, JS_HASH_LEN, strlen(name), cfg->source_len};
  js_sha256(parts, lens, 4, key);
}

/* Bytecode from the cache, else compiled and cached. */
static wb_error_t *bytecode(wb_js_runtime_t *rt, const wb_js_function_config_t *cfg,
                            const char *name, uint8_t **bc, size_t *len) {
  uint8_t key[JS_HASH_LEN];
  cache_key(rt, cfg, name, key);
  bool from_disk = false;
  *bc = js_cache_get(rt->cache, key, len, &from_disk);
  js_runtime_count(rt, *bc != NULL, from_disk);
  if (*bc) return NULL;
  wb_error_t *err = compile(rt, cfg, name, bc, len);
  if (!err) js_cache_put(rt->cache, key, *bc, *len);
  return err;
}

/* {====================== Loading (the template setup) ======================} */

typedef struct load_ctx {
  const wb_js_function_config_t *cfg;
  const char *name;
  const uint8_t *bc;
  size_t bc_len;
  uint64_t timeout, max_memory;
  int32_t req_buf; /* out: the request buffer (0: none) */
} load_ctx_t;

/* Passes the evaluation's console output to the config's callback. */
static void emit_logs(const load_ctx_t *c, const wb_js_result_t *res) {
  for (size_t i = 0; c->cfg->on_log && i < res->nlogs; i++)
    c->cfg->on_log(c->cfg->log_env, &res->logs[i]);
}

/* Reads what wbjs_load left: its logs, and its error if rc is 1. */
static wb_error_t *load_result(const load_ctx_t *c, js_vm_t *vm, int32_t rc) {
  const uint8_t *out;
  size_t olen;
  if (!js_vm_output(vm, &out, &olen)) return NULL;
  wb_js_result_t res;
  const char *location = NULL;
  if ((rc != 0 && rc != 1) || !js_decode(out, olen, JS_OUT_LOAD, &res, &location))
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "wbjs_load: malformed output");
  emit_logs(c, &res);
  wb_error_t *err = rc == 1 ? js_error_from(&res, location) : NULL;
  wb_js_result_free(&res);
  return err;
}

static wb_error_t *load_setup(void *env, wb_store_t *store, wb_instance_t *inst, wb_trap_t **trap) {
  load_ctx_t *c = env;
  wb_store_limits_set(store, &(wb_limits_t){.max_memory_bytes = c->max_memory});
  wb_store_deadline_set(store, c->timeout);
  js_vm_t vm = {.store = store, .inst = inst};
  const char *envj = c->cfg->env_json ? c->cfg->env_json : "{}";
  int32_t a[4], rc = -1;
  a[1] = (int32_t)c->bc_len;
  a[3] = (int32_t)strlen(envj);
  bool ok = js_vm_put(&vm, c->bc, c->bc_len, &a[0]) && js_vm_put(&vm, envj, strlen(envj), &a[2]);
  js_poll_deadline_set(c->timeout);
  ok = ok && js_vm_call(&vm, "wbjs_load", a, 4, &rc);
  js_poll_deadline_set(0);
  wb_error_t *err = ok ? load_result(c, &vm, rc) : NULL;
  /* QuickJS copied what it needed: the inputs need not be in the image. */
  if (ok && !err && js_vm_call(&vm, "wbjs_free", &a[0], 1, NULL))
    js_vm_call(&vm, "wbjs_free", &a[2], 1, NULL);
  /* A buffer in the image for the requests: every instance starts with it
     allocated, so an invocation writes its request without a call. */
  uint8_t *host;
  if (ok && !err && !js_vm_alloc(&vm, JS_REQ_BUF, &c->req_buf, &host)) c->req_buf = 0;
  if (!err) err = vm.err;
  *trap = err ? NULL : vm.trap;
  if (err) wb_trap_delete(vm.trap);
  return err;
}

/* The function's template: base + the module evaluated. */
static wb_error_t *derive(wb_js_runtime_t *rt, const load_ctx_t *c, wb_template_t **out) {
  wb_trap_t *trap = NULL;
  wb_error_t *err = wb_template_derive(rt->base, load_setup, (void *)c, out, &trap);
  if (err || !trap) return err;
  char text[256];
  /* The instance is gone with the failed template: judge by the limit only. */
  if (wb_trap_code(trap) == WB_TRAP_INTERRUPT) {
    trap_text(trap, NULL, c->timeout, c->max_memory, text, sizeof text);
  } else {
    snprintf(text, sizeof text,
             "trap: %s: %s (out of memory under a %" PRIu64 " MiB limit, or a bug in the guest)",
             wb_trap_code_name(wb_trap_code(trap)), wb_trap_message(trap), c->max_memory >> 20);
  }
  wb_trap_delete(trap);
  return ut_error_new(WB_ERROR_INSTANTIATE, SIZE_MAX, "%s: evaluating the module: %s", c->name,
                      text);
}

/* {====================== Deploying ======================} */

static wb_error_t *check_config(wb_js_runtime_t *rt, const wb_js_function_config_t *cfg,
                                uint64_t max_memory) {
  if (!rt || !cfg || (!cfg->source && cfg->source_len))
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "wb_js_function_new: no source");
  size_t base = wb_template_memory_size(rt->base);
  if (max_memory < base) {
    char a[32], b[32];
    fmt_size(max_memory, a, sizeof a);
    fmt_size(base, b, sizeof b);
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX,
                        "memory limit %s is below the JavaScript engine's own %s", a, b);
  }
  return NULL;
}

wb_error_t *wb_js_function_new(wb_js_runtime_t *rt, const wb_js_function_config_t *cfg,
                               wb_js_function_t **out) {
  *out = NULL;
  uint64_t max_memory = cfg && cfg->max_memory_bytes ? cfg->max_memory_bytes : JS_DEFAULT_MEMORY;
  wb_error_t *err = check_config(rt, cfg, max_memory);
  if (err) return err;
  const char *name = cfg->filename && cfg->filename[0] ? cfg->filename : JS_DEFAULT_NAME;
  load_ctx_t c = {.cfg = cfg,
                  .name = name,
                  .max_memory = max_memory,
                  .timeout = cfg->timeout_ns ? cfg->timeout_ns : JS_DEFAULT_TIMEOUT};
  uint8_t *bc = NULL;
  err = bytecode(rt, cfg, name, &bc, &c.bc_len);
  c.bc = bc;
  wb_template_t *tmpl = NULL;
  if (!err) err = derive(rt, &c, &tmpl);
  free(bc);
  if (err) return err;
  wb_js_function_t *fn = ut_calloc(1, sizeof *fn);
  fn->rt = rt;
  fn->tmpl = tmpl;
  fn->timeout_ns = c.timeout;
  fn->max_memory = max_memory;
  fn->req_buf = c.req_buf;
  pthread_mutex_init(&fn->lock, NULL);
  /* The deadline is armed around wbjs_invoke only (run_request): the
     runner's small exports need none, and arming costs a wake-up of the
     watchdog thread per call. */
  wb_pool_config_t pc = {.max_instances = cfg->max_instances,
                         .limits = {.max_memory_bytes = max_memory}};
  fn->pool = wb_pool_new(tmpl, &pc);
  *out = fn;
  return NULL;
}

void wb_js_function_delete(wb_js_function_t *fn) {
  if (!fn) return;
  wb_pool_delete(fn->pool);
  wb_template_delete(fn->tmpl);
  pthread_mutex_destroy(&fn->lock);
  free(fn->seen);
  free(fn);
}

/* {====================== Invoking ======================} */

/* Under fn->lock: true if store's instance has served before; records it. */
static bool seen_before(wb_js_function_t *fn, wb_store_t *store) {
  if (2 * (fn->nseen + 1) > fn->seen_cap) {
    uint32_t cap = fn->seen_cap ? 2 * fn->seen_cap : 16;
    wb_store_t **old = fn->seen, **t = ut_calloc(cap, sizeof *t);
    for (uint32_t i = 0; i < fn->seen_cap; i++) {
      if (!old[i]) continue;
      uint32_t h = (uint32_t)(((uintptr_t)old[i] >> 4) * 2654435761u) & (cap - 1);
      while (t[h])
        h = (h + 1) & (cap - 1);
      t[h] = old[i];
    }
    free(old);
    fn->seen = t;
    fn->seen_cap = cap;
  }
  uint32_t h = (uint32_t)(((uintptr_t)store >> 4) * 2654435761u) & (fn->seen_cap - 1);
  for (; fn->seen[h]; h = (h + 1) & (fn->seen_cap - 1))
    if (fn->seen[h] == store) return true;
  fn->seen[h] = store;
  fn->nseen++;
  return false;
}

/* Writes the request and runs wbjs_invoke; decodes its output into out. */
static void run_request(wb_js_function_t *fn, js_vm_t *vm, const wb_js_request_t *req, size_t need,
                        wb_js_result_t *out) {
  int32_t a[2] = {fn->req_buf, (int32_t)need}, rc = -1;
  uint8_t *host = need <= JS_REQ_BUF ? js_vm_span(vm, fn->req_buf, need) : NULL;
  const uint8_t *buf = NULL;
  size_t len = 0;
  if (host || js_vm_alloc(vm, need, &a[0], &host)) js_request_encode(req, host);
  wb_store_deadline_set(vm->store, fn->timeout_ns);
  js_poll_deadline_set(fn->timeout_ns);
  bool ok = js_vm_call(vm, "wbjs_invoke", a, 2, &rc);
  js_poll_deadline_set(0);
  wb_store_deadline_set(vm->store, 0);
  ok = ok && js_vm_output(vm, &buf, &len);
  if (ok && (rc == 0 || rc == 1) && js_decode(buf, len, JS_OUT_RESPONSE, out, NULL) &&
      (out->outcome == WB_JS_OK) == (rc == 0))
    return;
  if (ok) {
    wb_js_result_free(out);
    js_result_message(out, WB_JS_TRAP, "the JavaScript guest returned malformed output");
  } else if (vm->trap) {
    char text[256];
    trap_text(vm->trap, vm->inst, fn->timeout_ns, fn->max_memory, text, sizeof text);
    wb_trap_code_t code = wb_trap_code(vm->trap);
    js_result_message(out, code == WB_TRAP_INTERRUPT ? WB_JS_TIMEOUT : WB_JS_TRAP, "%s", text);
    out->trap_code = code;
  } else {
    js_result_message(out, WB_JS_TRAP, "%s", wb_error_message(vm->err));
  }
}

void wb_js_function_invoke(wb_js_function_t *fn, const wb_js_request_t *req,
                           const wb_js_invoke_options_t *opts, wb_js_result_t *out) {
  uint64_t t0 = js_now_ns();
  size_t need = js_request_size(req);
  wb_pooled_t *pi = NULL;
  wb_error_t *err = NULL;
  if (!need) {
    js_result_message(out, WB_JS_EXCEPTION, "bad request: method and url are required");
  } else if ((err = wb_pool_acquire(fn->pool, opts ? opts->wait_ns : UINT64_MAX, &pi))) {
    js_result_message(out, WB_JS_BUSY, "%s", wb_error_message(err));
    wb_error_delete(err);
  } else {
    js_vm_t vm = {.store = wb_pooled_store(pi), .inst = wb_pooled_instance(pi)};
    run_request(fn, &vm, req, need, out);
    js_vm_clear(&vm);
  }
  pthread_mutex_lock(&fn->lock);
  out->reused = pi && seen_before(fn, wb_pooled_store(pi));
  fn->invocations++;
  fn->outcomes[out->outcome]++;
  pthread_mutex_unlock(&fn->lock);
  if (pi) wb_pool_release(fn->pool, pi);
  out->duration_ns = js_now_ns() - t0;
}

void wb_js_function_stats(wb_js_function_t *fn, wb_js_function_stats_t *out) {
  memset(out, 0, sizeof *out);
  wb_pool_stats(fn->pool, &out->pool);
  pthread_mutex_lock(&fn->lock);
  out->invocations = fn->invocations;
  memcpy(out->outcomes, fn->outcomes, sizeof out->outcomes);
  pthread_mutex_unlock(&fn->lock);
}
