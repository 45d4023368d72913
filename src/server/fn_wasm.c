/* SPDX-License-Identifier: Apache-2.0 */
/*
** WASI functions: a command module (it exports _start) run as a CGI
** program per request, on an instance borrowed from the version's pool.
**
** Deploy: decode + validate (wb_module_new), compile ahead of time
** (wb_module_compile_aot, when the daemon compiles: the modules' engine
** interprets, so a module whose compilation fails, e.g. on a machine
** without a C compiler, still runs, interpreted, with a warning), link the
** WASI imports once (wb_wasi_link_current: every call uses the WASI state
** current on its thread), make the template (instantiate, run the start
** function or wizer.initialize, freeze: the snapshot every instance maps)
** and make one instance under the function's limits to prove it can run.
** Compiled modules are shared by SHA-256 of their bytes while a version
** uses them, so redeploying the same module with other settings compiles
** nothing (wasmbox_cache_hits_total{cache="wasm"}).
**
** Request: borrow an instance (waiting up to the timeout when the pool is
** at max_instances), make the request's WASI state (arguments, the CGI
** environment, the body as stdin, stdout and stderr into buffers), make it
** current on this thread, call _start under the deadline, give the
** instance back (the pool resets it, trapped or not) and parse stdout.
**
** What a CGI function is granted: its arguments and environment, stdio in
** memory, the clocks (waits bounded by its timeout), random_get,
** proc_exit, sched_yield. No directories, so no files; no sockets.
*/
#include <stdlib.h>
#include <string.h>

#include "server/cgi.h"
#include "server/fn.h"
#include "server/log.h"
#include "wasmbox_wasi.h"

#define STDERR_KEPT 4096 /* bytes of a guest's stderr kept for the log */

/* {====================== The module cache ======================} */

typedef struct cached {
  char sha256[65];
  wb_module_t *module;
  uint32_t refs;
} cached_t;

typedef struct modcache {
  cached_t *e;
  size_t n, cap;
} modcache_t;

/* Under rt->lock: the cache, made on first use. */
static modcache_t *cache_of(srv_runtime_t *rt) {
  if (!rt->modules) rt->modules = srv_calloc(1, sizeof(modcache_t));
  return rt->modules;
}

/* Under rt->lock: takes a reference to the module with this hash, or NULL. */
static wb_module_t *cache_take(srv_runtime_t *rt, const char *sha256) {
  modcache_t *c = cache_of(rt);
  for (size_t i = 0; i < c->n; i++) {
    if (strcmp(c->e[i].sha256, sha256) != 0) continue;
    c->e[i].refs++;
    return c->e[i].module;
  }
  return NULL;
}

static void cache_put(srv_runtime_t *rt, const char *sha256, wb_module_t *m) {
  modcache_t *c = cache_of(rt);
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 8;
    c->e = srv_realloc(c->e, c->cap * sizeof *c->e);
  }
  c->e[c->n] = (cached_t){.module = m, .refs = 1};
  memcpy(c->e[c->n].sha256, sha256, 65);
  c->n++;
}

/* Drops a reference; the last one frees the module. */
static void cache_release(srv_runtime_t *rt, wb_module_t *m) {
  wb_module_t *dead = NULL;
  pthread_mutex_lock(&rt->lock);
  modcache_t *c = cache_of(rt);
  for (size_t i = 0; i < c->n; i++) {
    if (c->e[i].module != m || --c->e[i].refs) continue;
    dead = m;
    c->e[i] = c->e[--c->n];
    break;
  }
  pthread_mutex_unlock(&rt->lock);
  wb_module_delete(dead);
}

void srv_wasm_cache_fini(srv_runtime_t *rt) {
  modcache_t *c = rt->modules;
  if (!c) return;
  for (size_t i = 0; i < c->n; i++)
    wb_module_delete(c->e[i].module);
  free(c->e);
  free(c);
  rt->modules = NULL;
}

static char *error_text(wb_error_t *err, const char *what) {
  srv_buf_t b = {0};
  srv_buf_printf(&b, "%s: %s", what, wb_error_message(err));
  if (wb_error_offset(err) != SIZE_MAX)
    srv_buf_printf(&b, " (at byte offset %zu)", wb_error_offset(err));
  wb_error_delete(err);
  return srv_buf_take(&b);
}

/* Decodes, validates and compiles; outside the lock (it can take a while). */
static int compile(srv_runtime_t *rt, const uint8_t *code, size_t len, wb_module_t **out,
                   char **error) {
  wb_error_t *err = wb_module_new(rt->wasm_engine, code, len, out);
  if (err) {
    *error = error_text(err, "invalid module");
    return 422;
  }
  if (rt->aot && (err = wb_module_compile_aot(*out))) {
    /* No C compiler, say: the interpreter still runs it correctly. */
    srv_log_event(2, "warn", "ahead-of-time compilation failed, interpreting: %s",
                  wb_error_message(err));
    wb_error_delete(err);
  }
  return 0;
}

/* The compiled module for code: from the cache, or compiled and added. */
static int module_get(srv_fn_t *fn, const uint8_t *code, size_t len, wb_module_t **out,
                      char **error) {
  srv_runtime_t *rt = fn->rt;
  pthread_mutex_lock(&rt->lock);
  *out = cache_take(rt, fn->sha256);
  pthread_mutex_unlock(&rt->lock);
  if (*out) {
    atomic_fetch_add(&rt->wasm_hits, 1);
    return 0;
  }
  atomic_fetch_add(&rt->wasm_misses, 1);
  wb_module_t *m;
  int status = compile(rt, code, len, &m, error);
  if (status) return status;
  pthread_mutex_lock(&rt->lock);
  *out = cache_take(rt, fn->sha256); /* compiled meanwhile by another deploy? */
  if (!*out) cache_put(rt, fn->sha256, *out = m);
  pthread_mutex_unlock(&rt->lock);
  if (*out != m) wb_module_delete(m);
  return 0;
}

/* {====================== A version ======================} */

typedef struct wasm_fn {
  wb_module_t *module; /* a reference in the cache */
  wb_store_t *store;   /* owns the WASI host functions the template uses */
  wb_template_t *tmpl;
  wb_pool_t *pool;
  srv_strv_t args; /* argv: the function's name */
  pthread_mutex_t lock;
  const void **seen; /* pooled instances that already served */
  size_t nseen, capseen;
} wasm_fn_t;

static void wasm_destroy(srv_fn_t *fn) {
  wasm_fn_t *w = fn->impl;
  if (!w) return;
  wb_pool_delete(w->pool);
  wb_template_delete(w->tmpl);
  wb_store_delete(w->store);
  if (w->module) cache_release(fn->rt, w->module);
  srv_strv_free(&w->args);
  pthread_mutex_destroy(&w->lock);
  free(w->seen);
  free(w);
}

static void wasm_pool(srv_fn_t *fn, wb_pool_stats_t *out) {
  wasm_fn_t *w = fn->impl;
  wb_pool_stats(w->pool, out);
}

/* Whether this pooled instance served before; records it if not. (A
   wb_pooled_t lives as long as its instance: the pool frees it only when
   a reset fails, which would at worst call one new instance reused.) */
static bool seen_before(wasm_fn_t *w, const void *p) {
  pthread_mutex_lock(&w->lock);
  size_t i = 0;
  while (i < w->nseen && w->seen[i] != p)
    i++;
  bool seen = i < w->nseen;
  if (!seen) {
    if (w->nseen == w->capseen) {
      w->capseen = w->capseen ? w->capseen * 2 : 8;
      w->seen = srv_realloc(w->seen, w->capseen * sizeof *w->seen);
    }
    w->seen[w->nseen++] = p;
  }
  pthread_mutex_unlock(&w->lock);
  return seen;
}

/* Appends the trap's message and backtrace to b. */
static void describe_trap(srv_buf_t *b, const wb_trap_t *trap) {
  srv_buf_printf(b, "trap: %s", wb_trap_message(trap));
  size_t n = wb_trap_frame_count(trap);
  for (size_t i = 0; i < n && i < 16; i++) {
    const char *name = wb_trap_frame_func_name(trap, i);
    srv_buf_printf(b, "\n  at func[%u]%s%s", wb_trap_frame_func_index(trap, i), name ? " " : "",
                   name ? name : "");
  }
}

/* {====================== A request's WASI ======================} */

/* The output of one invocation, filled by the WASI write callbacks. */
typedef struct cgi_out {
  srv_buf_t out;     /* stdout */
  size_t out_max;    /* bound on out.len: past it the guest traps */
  bool out_overflow; /* set when the bound was hit */
  srv_buf_t err;     /* stderr, its first STDERR_KEPT bytes */
} cgi_out_t;

static wb_trap_t *write_stdout(void *env, const uint8_t *data, size_t len) {
  cgi_out_t *io = env;
  if (len > io->out_max - io->out.len) { /* out.len never passes out_max */
    io->out_overflow = true;
    return wb_trap_new(WB_TRAP_HOST,
                       "the response exceeds max_output (see the function's settings)");
  }
  srv_buf_add(&io->out, data, len);
  return NULL;
}

/* Keeps the first STDERR_KEPT bytes and drops the rest. */
static wb_trap_t *write_stderr(void *env, const uint8_t *data, size_t len) {
  cgi_out_t *io = env;
  size_t room = STDERR_KEPT - io->err.len;
  srv_buf_add(&io->err, data, len < room ? len : room);
  return NULL;
}

/* The state made from cfg; NULL (logged: the guest then sees nothing
   granted) if that failed, which without preopens it never does. */
static wb_wasi_t *wasi_make(wb_wasi_config_t *cfg) {
  wb_wasi_t *wasi = NULL;
  wb_error_t *err = wb_wasi_new(NULL, cfg, &wasi);
  if (err) {
    srv_log_event(2, "error", "cannot make a WASI state: %s", wb_error_message(err));
    wb_error_delete(err);
  }
  return wasi;
}

/* A configuration with what every call of fn is granted: argv = the
   function's name, the clocks with waits bounded by its timeout,
   randomness. stdio is all in memory (set by the caller). */
static wb_wasi_config_t *base_config(srv_fn_t *fn, wasm_fn_t *w) {
  wb_wasi_config_t *cfg = wb_wasi_config_new();
  wb_wasi_config_set_args(cfg, w->args.n, (const char *const *)w->args.v);
  wb_wasi_config_allow_clocks(cfg, true);
  wb_wasi_config_allow_random(cfg, true);
  if (fn->cfg.timeout_ns) wb_wasi_config_wait_limit(cfg, fn->cfg.timeout_ns);
  return cfg;
}

/* Sets every NAME=VALUE entry of env in cfg (copied; each is split in
   place for the call and restored). */
static void config_env(wb_wasi_config_t *cfg, srv_strv_t *env) {
  for (size_t i = 0; i < env->n; i++) {
    char *eq = strchr(env->v[i], '=');
    if (!eq) continue;
    *eq = '\0';
    wb_wasi_config_set_env(cfg, env->v[i], eq + 1);
    *eq = '=';
  }
}

/* The WASI state of one request: stdin is the body (borrowed: it
   outlives the call), stdout and stderr go to io. */
static wb_wasi_t *request_wasi(srv_fn_t *fn, wasm_fn_t *w, const srv_req_t *req, cgi_out_t *io) {
  wb_wasi_config_t *cfg = base_config(fn, w);
  srv_strv_t env = {0};
  srv_cgi_env(req, &fn->cfg.env, &env);
  config_env(cfg, &env);
  srv_strv_free(&env);
  wb_wasi_config_stdin_bytes(cfg, req->body, req->body_len);
  wb_wasi_config_stdout_fn(cfg, write_stdout, io);
  wb_wasi_config_stderr_fn(cfg, write_stderr, io);
  return wasi_make(cfg);
}

/* {====================== Calls ======================} */

/* Sets the outcome of a call that ended in a trap. */
static void classify_trap(srv_fn_t *fn, wb_trap_t *trap, const cgi_out_t *io, srv_result_t *out) {
  int32_t status;
  if (wb_trap_exit_status(trap, &status)) {
    if (status == 0) return; /* exit(0): a normal end */
    out->outcome = SRV_ERROR;
    srv_buf_printf(&out->detail, "exited with status %d", status);
  } else if (io->out_overflow) {
    out->outcome = SRV_ERROR;
    srv_buf_printf(&out->detail, "output exceeds max_output (%llu bytes)",
                   (unsigned long long)fn->cfg.max_output);
  } else if (wb_trap_code(trap) == WB_TRAP_INTERRUPT) {
    out->outcome = SRV_TIMEOUT;
    out->trap_kind = srv_trap_kind(WB_TRAP_INTERRUPT);
    srv_buf_printf(&out->detail, "deadline of %.3f s exceeded", (double)fn->cfg.timeout_ns / 1e9);
  } else {
    out->outcome = SRV_TRAP;
    out->trap_kind = srv_trap_kind(wb_trap_code(trap));
    describe_trap(&out->detail, trap);
  }
}

/* Calls _start with wasi current on this thread. */
static wb_trap_t *run_start(wb_pooled_t *p, wb_wasi_t *wasi) {
  wb_extern_t start;
  wb_trap_t *trap = NULL;
  if (!wb_instance_export_get(wb_pooled_instance(p), "_start", 6, &start))
    return wb_trap_new(WB_TRAP_HOST, "no _start export");
  wb_wasi_t *prev = wb_wasi_enter(wasi);
  wb_error_t *err = wb_func_call(wb_pooled_store(p), start.of.func, NULL, 0, NULL, 0, &trap);
  wb_wasi_enter(prev);
  if (err) { /* cannot happen for a checked () -> () export, but never crash */
    trap = wb_trap_new(WB_TRAP_HOST, wb_error_message(err));
    wb_error_delete(err);
  }
  return trap;
}

/* Turns a finished run into the result. */
static void finish(srv_fn_t *fn, wb_trap_t *trap, cgi_out_t *io, srv_result_t *out) {
  if (trap) classify_trap(fn, trap, io, out);
  if (out->outcome == SRV_OK) {
    char *why = NULL;
    if (srv_cgi_response((const uint8_t *)io->out.data, io->out.len, &out->resp, &why) != 0) {
      out->outcome = SRV_ERROR;
      srv_buf_printf(&out->detail, "bad CGI output: %s", why);
      free(why);
    }
  }
  if (out->outcome != SRV_OK && io->err.len)
    srv_buf_printf(&out->detail, "\nstderr: %.*s", (int)io->err.len, io->err.data);
}

static void wasm_invoke(srv_fn_t *fn, const srv_req_t *req, srv_result_t *out) {
  wasm_fn_t *w = fn->impl;
  wb_pooled_t *p;
  wb_error_t *err = wb_pool_acquire(w->pool, fn->cfg.timeout_ns, &p);
  if (err) {
    out->outcome = strstr(wb_error_message(err), "exhausted") ? SRV_BUSY : SRV_ERROR;
    srv_buf_adds(&out->detail, wb_error_message(err));
    wb_error_delete(err);
    return;
  }
  out->ran = true;
  out->reused = seen_before(w, p);
  cgi_out_t io = {.out_max = fn->cfg.max_output};
  wb_wasi_t *wasi = request_wasi(fn, w, req, &io);
  wb_trap_t *trap = run_start(p, wasi);
  wb_pool_release(w->pool, p);
  wb_wasi_delete(wasi);
  finish(fn, trap, &io, out);
  wb_trap_delete(trap);
  srv_buf_free(&io.out);
  srv_buf_free(&io.err);
}

static const srv_fn_ops_t wasm_ops = {wasm_invoke, wasm_pool, wasm_destroy};

/* {====================== Deploying ======================} */

/* A CGI function is a command: _start taking and returning nothing. */
static bool has_start(const wb_module_t *m) {
  for (size_t i = 0; i < wb_module_export_count(m); i++) {
    wb_externdesc_t d;
    wb_module_export_get(m, i, &d);
    if (d.kind == WB_EXTERN_FUNC && d.name_len == 6 && memcmp(d.name, "_start", 6) == 0)
      return wb_functype_param_count(d.functype) == 0 && wb_functype_result_count(d.functype) == 0;
  }
  return false;
}

/* NULL, or an owned message naming an import that is not WASI's: a CGI
   function is given nothing else. */
static char *check_imports(const wb_module_t *m) {
  for (size_t i = 0; i < wb_module_import_count(m); i++) {
    wb_externdesc_t d;
    wb_module_import_get(m, i, &d);
    if (d.module_len == strlen(WB_WASI_MODULE) &&
        memcmp(d.module, WB_WASI_MODULE, d.module_len) == 0)
      continue;
    srv_buf_t b = {0};
    srv_buf_printf(&b, "import `%.*s`.`%.*s`: only WASI (" WB_WASI_MODULE ") can be imported",
                   (int)d.module_len, d.module, (int)d.name_len, d.name);
    return srv_buf_take(&b);
  }
  return NULL;
}

/* Instantiates and initialises the template. The initialisation runs
   with a state of its own: the function's arguments, no environment, no
   stdin, output discarded. */
static wb_error_t *make_template(srv_fn_t *fn, wasm_fn_t *w, wb_linker_t *linker,
                                 wb_trap_t **trap) {
  wb_wasi_config_t *cfg = base_config(fn, w);
  wb_wasi_config_stdin_bytes(cfg, NULL, 0);
  wb_wasi_config_stdout_fn(cfg, NULL, NULL);
  wb_wasi_config_stderr_fn(cfg, NULL, NULL);
  wb_wasi_t *wasi = wasi_make(cfg);
  wb_wasi_t *prev = wb_wasi_enter(wasi);
  wb_error_t *err = wb_template_new(linker, w->module, NULL, &w->tmpl, trap);
  wb_wasi_enter(prev);
  wb_wasi_delete(wasi);
  return err;
}

/* Template and pool; NULL or an owned message. */
static char *make_pool(srv_fn_t *fn, wasm_fn_t *w) {
  char *msg = check_imports(w->module);
  if (msg) return msg;
  w->store = wb_store_new(fn->rt->wasm_engine);
  wb_linker_t *linker = wb_linker_new(w->store);
  wb_trap_t *trap = NULL;
  wb_error_t *err = wb_wasi_link_current(linker);
  if (!err) err = make_template(fn, w, linker, &trap);
  wb_linker_delete(linker);
  if (err) return error_text(err, "cannot instantiate");
  if (trap) {
    srv_buf_t b = {0};
    srv_buf_adds(&b, "initialisation failed: ");
    describe_trap(&b, trap);
    wb_trap_delete(trap);
    return srv_buf_take(&b);
  }
  wb_pool_config_t pc = {.max_instances = fn->cfg.max_instances,
                         .limits = {.max_memory_bytes = fn->cfg.max_memory},
                         .deadline_ns = fn->cfg.timeout_ns};
  w->pool = wb_pool_new(w->tmpl, &pc);
  return NULL;
}

/* Makes one instance under the limits (e.g. initial memory above
   max_memory fails here, not on the first request). */
static char *try_instance(wasm_fn_t *w) {
  wb_pooled_t *p;
  wb_error_t *err = wb_pool_acquire(w->pool, 0, &p);
  if (err) return error_text(err, "cannot make an instance");
  seen_before(w, p); /* the first request will find it pooled */
  wb_pool_release(w->pool, p);
  return NULL;
}

int srv_wasm_deploy(srv_fn_t *fn, const uint8_t *code, size_t len, char **error) {
  if (len < 4 || memcmp(code, "\0asm", 4) != 0) {
    *error = srv_strdup("not a WebAssembly module (no \\0asm header)");
    return 400;
  }
  wasm_fn_t *w = srv_calloc(1, sizeof *w);
  pthread_mutex_init(&w->lock, NULL);
  srv_strv_push(&w->args, srv_strdup(fn->name));
  fn->impl = w;
  fn->ops = &wasm_ops; /* destroy frees whatever was made */
  int status = module_get(fn, code, len, &w->module, error);
  if (status) return status;
  if (!has_start(w->module)) {
    *error = srv_strdup("a WASI function must be a command module exporting _start: () -> ()");
    return 422;
  }
  *error = make_pool(fn, w);
  if (!*error) *error = try_instance(w);
  return *error ? 422 : 0;
}
