/* SPDX-License-Identifier: Apache-2.0 */
/*
** What both kinds share: the runtime, making a version (hash, timing,
** settings), admission control, and destruction on the last reference.
*/
#include "server/fn.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const srv_outcome_names[SRV_NOUTCOMES] = {"ok", "error", "trap", "timeout", "busy"};
const char *const srv_kind_names[2] = {"wasm", "js"};

void srv_result_free(srv_result_t *r) {
  srv_resp_free(&r->resp);
  srv_buf_free(&r->detail);
}

/* {====================== The runtime ======================} */

void srv_runtime_init(srv_runtime_t *rt, wb_engine_t *engine, wb_engine_t *wasm_engine, bool aot,
                      uint32_t workers) {
  *rt = (srv_runtime_t){
      .engine = engine, .wasm_engine = wasm_engine, .aot = aot, .workers = workers ? workers : 1};
  pthread_mutex_init(&rt->lock, NULL);
  atomic_init(&rt->wasm_hits, 0);
  atomic_init(&rt->wasm_misses, 0);
}

void srv_runtime_fini(srv_runtime_t *rt) {
  srv_wasm_cache_fini(rt);
  srv_js_runtime_fini(rt);
  pthread_mutex_destroy(&rt->lock);
}

void srv_runtime_cache_stats(srv_runtime_t *rt, uint64_t hits[2], uint64_t misses[2]) {
  hits[0] = atomic_load(&rt->wasm_hits);
  misses[0] = atomic_load(&rt->wasm_misses);
  srv_js_cache_stats(rt, &hits[1], &misses[1]);
}

/* {====================== Versions ======================} */

static void fn_destroy(srv_ref_t *ref) {
  srv_fn_t *fn = (srv_fn_t *)ref;
  if (fn->ops) fn->ops->destroy(fn);
  srv_config_free(&fn->cfg);
  free(fn->name);
  free(fn);
}

static void hash_hex(const uint8_t *code, size_t len, char out[65]) {
  uint8_t md[32];
  ut_sha256(code, len, md);
  ut_hex(md, sizeof md, out);
}

int srv_fn_new(srv_runtime_t *rt, const char *name, srv_kind_t kind, const uint8_t *code,
               size_t len, const srv_config_t *cfg, srv_fn_t **out, char **error) {
  *out = NULL;
  *error = NULL;
  srv_fn_t *fn = srv_calloc(1, sizeof *fn);
  srv_ref_init(&fn->ref, fn_destroy);
  fn->rt = rt;
  fn->kind = kind;
  fn->name = srv_strdup(name);
  srv_config_copy(&fn->cfg, cfg);
  if (!fn->cfg.max_instances) fn->cfg.max_instances = rt->workers;
  atomic_init(&fn->inflight, 0);
  hash_hex(code, len, fn->sha256);
  fn->deployed_at = (int64_t)time(NULL);
  uint64_t t0 = srv_now_ns();
  int status = kind == SRV_KIND_WASM ? srv_wasm_deploy(fn, code, len, error)
                                     : srv_js_deploy(fn, code, len, error);
  fn->compile_seconds = (double)(srv_now_ns() - t0) / 1e9;
  if (status) {
    srv_ref_release(&fn->ref);
    return status;
  }
  *out = fn;
  return 0;
}

void srv_fn_invoke(srv_fn_t *fn, const srv_req_t *req, srv_result_t *out) {
  *out = (srv_result_t){.outcome = SRV_OK};
  uint32_t bound = fn->cfg.max_instances + fn->cfg.queue;
  unsigned before = atomic_fetch_add(&fn->inflight, 1);
  if (before >= bound) {
    out->outcome = SRV_BUSY;
    srv_buf_printf(&out->detail, "%u requests in flight (max_instances %u + queue %u)", before,
                   fn->cfg.max_instances, fn->cfg.queue);
  } else {
    fn->ops->invoke(fn, req, out);
  }
  atomic_fetch_sub(&fn->inflight, 1);
}

void srv_fn_pool(srv_fn_t *fn, wb_pool_stats_t *out) { fn->ops->pool(fn, out); }

/* {====================== Trap kinds ======================} */

const char *srv_trap_kind(wb_trap_code_t code) {
  switch (code) {
  case WB_TRAP_UNREACHABLE: return "unreachable";
  case WB_TRAP_MEMORY_OUT_OF_BOUNDS: return "memory_out_of_bounds";
  case WB_TRAP_TABLE_OUT_OF_BOUNDS: return "table_out_of_bounds";
  case WB_TRAP_UNDEFINED_ELEMENT: return "undefined_element";
  case WB_TRAP_UNINITIALIZED_ELEMENT: return "uninitialized_element";
  case WB_TRAP_INDIRECT_CALL_TYPE_MISMATCH: return "indirect_call_type_mismatch";
  case WB_TRAP_NULL_REFERENCE: return "null_reference";
  case WB_TRAP_INTEGER_DIVIDE_BY_ZERO: return "integer_divide_by_zero";
  case WB_TRAP_INTEGER_OVERFLOW: return "integer_overflow";
  case WB_TRAP_INVALID_CONVERSION: return "invalid_conversion";
  case WB_TRAP_STACK_EXHAUSTED: return "stack_exhausted";
  case WB_TRAP_OUT_OF_FUEL: return "out_of_fuel";
  case WB_TRAP_INTERRUPT: return "interrupt";
  case WB_TRAP_HOST: return "host";
  case WB_TRAP_EXIT: return "exit";
  }
  return "unknown";
}
