/* SPDX-License-Identifier: Apache-2.0 */
/*
** A JavaScript runtime: the guest module (native code from the AOT cache
** when the engine's tier is AOT or AUTO), the WASI it imports, the base
** template (the guest after wbjs_init: QuickJS and the Web API library
** ready), a pool of base instances that compile sources, and the bytecode
** cache.
**
** WASI grants clocks and randomness only (Date.now, timers, crypto.*,
** Math.random): no directories, environment or arguments. The guest's
** stdout and stderr go to the host's stderr: the runner writes there only
** when it cannot go on (its console output travels in the logs).
** poll_oneoff is our own (poll.c), so timers respect deadlines.
**
** The WASI host functions belong to the runtime's store and are shared by
** every instance (templates keep imported functions); they keep no state
** a call changes (clocks, getrandom, writes to stderr), so instances on
** many threads may call them at once.
*/
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "js/runtime.h"
#include "wasmbox_wasi.h"

#define JS_DEFAULT_ENTRIES 256

/* The default disk folder: $WASMBOX_CACHE/js, as the AOT cache's folder
   with js/ added. */
static void default_dir(char *out, size_t n) {
  const char *env = getenv("WASMBOX_CACHE"), *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  if (env && *env)
    snprintf(out, n, "%s/js", env);
  else if (xdg && *xdg)
    snprintf(out, n, "%s/wasmbox/js", xdg);
  else if (home && *home)
    snprintf(out, n, "%s/.cache/wasmbox/js", home);
  else
    snprintf(out, n, "%s/wasmbox-cache-%u/js", P_tmpdir, (unsigned)getuid());
}

static js_cache_t *make_cache(const wb_js_runtime_config_t *cfg) {
  uint32_t entries =
      cfg && cfg->memory_cache_entries ? cfg->memory_cache_entries : JS_DEFAULT_ENTRIES;
  if (cfg && cfg->no_disk_cache) return js_cache_new(NULL, entries);
  char dir[4096];
  if (cfg && cfg->cache_dir && cfg->cache_dir[0])
    snprintf(dir, sizeof dir, "%s", cfg->cache_dir);
  else
    default_dir(dir, sizeof dir);
  return js_cache_new(dir, entries);
}

/* WASI with clocks and randomness, stdio to stderr, and our poll_oneoff. */
static wb_error_t *link_wasi(wb_js_runtime_t *rt) {
  wb_wasi_config_t *cfg = wb_wasi_config_new();
  wb_wasi_config_allow_clocks(cfg, true);
  wb_wasi_config_allow_random(cfg, true);
  wb_wasi_config_set_stdio(cfg, -1, STDERR_FILENO, STDERR_FILENO);
  wb_error_t *err = wb_wasi_new(rt->store, cfg, &rt->wasi);
  if (!err) err = wb_wasi_link(rt->wasi, rt->linker);
  if (!err) err = js_poll_link(rt->linker);
  return err;
}

/* A trap of wbjs_init as an error (the guest printed its reason). */
static wb_error_t *init_trap(wb_trap_t *trap) {
  wb_error_t *err = ut_error_new(WB_ERROR_INSTANTIATE, SIZE_MAX,
                                 "the JavaScript guest failed to initialise: %s: %s",
                                 wb_trap_code_name(wb_trap_code(trap)), wb_trap_message(trap));
  wb_trap_delete(trap);
  return err;
}

/* Module, WASI, base template and the compile pool. */
static wb_error_t *runtime_start(wb_js_runtime_t *rt) {
  size_t len;
  const uint8_t *bytes = js_guest_bytes(&len);
  wb_error_t *err = wb_module_new(rt->engine, bytes, len, &rt->module);
  if (err) return err;
  rt->store = wb_store_new(rt->engine);
  rt->linker = wb_linker_new(rt->store);
  err = link_wasi(rt);
  wb_trap_t *trap = NULL;
  if (!err) err = wb_template_new(rt->linker, rt->module, "wbjs_init", &rt->base, &trap);
  if (!err && trap) err = init_trap(trap);
  if (err) return err;
  wb_pool_config_t pc = {.limits = {.max_memory_bytes = JS_COMPILE_MEMORY},
                         .deadline_ns = JS_COMPILE_TIMEOUT};
  rt->compilers = wb_pool_new(rt->base, &pc);
  return NULL;
}

wb_error_t *wb_js_runtime_new(wb_engine_t *engine, const wb_js_runtime_config_t *cfg,
                              wb_js_runtime_t **out) {
  *out = NULL;
  if (!engine) return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "wb_js_runtime_new: no engine");
  wb_js_runtime_t *rt = ut_calloc(1, sizeof *rt);
  rt->engine = engine;
  pthread_mutex_init(&rt->lock, NULL);
  memcpy(rt->guest_hash, js_guest_hash(), JS_HASH_LEN);
  wb_error_t *err = runtime_start(rt);
  if (err) {
    wb_js_runtime_delete(rt);
    return err;
  }
  rt->cache = make_cache(cfg);
  *out = rt;
  return NULL;
}

void wb_js_runtime_delete(wb_js_runtime_t *rt) {
  if (!rt) return;
  if (rt->compilers) wb_pool_delete(rt->compilers);
  wb_template_delete(rt->base);
  if (rt->linker) wb_linker_delete(rt->linker);
  if (rt->store) wb_store_delete(rt->store);
  wb_wasi_delete(rt->wasi);
  if (rt->module) wb_module_delete(rt->module);
  js_cache_delete(rt->cache);
  pthread_mutex_destroy(&rt->lock);
  free(rt);
}

void wb_js_runtime_stats(wb_js_runtime_t *rt, wb_js_runtime_stats_t *out) {
  pthread_mutex_lock(&rt->lock);
  *out = rt->stats;
  pthread_mutex_unlock(&rt->lock);
}

void js_runtime_count(wb_js_runtime_t *rt, bool hit, bool from_disk) {
  pthread_mutex_lock(&rt->lock);
  if (!hit)
    rt->stats.cache_misses++;
  else if (from_disk)
    rt->stats.cache_hits++, rt->stats.disk_hits++;
  else
    rt->stats.cache_hits++, rt->stats.memory_hits++;
  pthread_mutex_unlock(&rt->lock);
}
