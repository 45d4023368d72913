/* SPDX-License-Identifier: Apache-2.0 */
/* The runtime object, shared by runtime.c and function.c. */
#ifndef WB_JS_RUNTIME_H
#define WB_JS_RUNTIME_H

#include <pthread.h>

#include "js/js.h"
#include "wasmbox_wasi.h"

/* Limits of a compile (wbjs_compile on a base instance). */
#define JS_COMPILE_MEMORY (512ull << 20) /* QuickJS's parser on a big source */
#define JS_COMPILE_TIMEOUT (60ull * 1000000000u)

struct wb_js_runtime {
  wb_engine_t *engine; /* borrowed */
  wb_module_t *module; /* the guest */
  wb_store_t *store;   /* owns the WASI host functions */
  wb_linker_t *linker;
  wb_wasi_t *wasi;
  wb_template_t *base;  /* the guest after wbjs_init */
  wb_pool_t *compilers; /* base instances that run wbjs_compile */
  js_cache_t *cache;
  uint8_t guest_hash[JS_HASH_LEN];
  pthread_mutex_t lock; /* stats */
  wb_js_runtime_stats_t stats;
};

/* Counts one bytecode lookup: a miss, or a hit from memory or disk. */
void js_runtime_count(wb_js_runtime_t *rt, bool hit, bool from_disk);

#endif
