/* SPDX-License-Identifier: Apache-2.0 */
/*
** Host-to-wasm call overhead: wb_func_call of an exported function that
** does nothing, and of one adding two i32 (arguments and a result cross
** the boundary), against a native call of the same through a function
** pointer the compiler cannot see through.
*/
#include "bh.h"

typedef struct call_ctx {
  wb_store_t *store;
  wb_func_t *func;
  wb_val_t args[2];
  size_t nargs, nresults;
} call_ctx_t;

static double run_wasm(void *p, uint64_t iters) {
  call_ctx_t *c = p;
  wb_val_t res[1];
  double t0 = bh_now();
  for (uint64_t i = 0; i < iters; i++) {
    wb_trap_t *trap = bh_call(c->store, c->func, c->args, c->nargs, res, c->nresults);
    if (trap) wb_trap_delete(trap);
  }
  return bh_now() - t0;
}

__attribute__((noinline)) static void native_empty(void) { __asm__ volatile(""); }
__attribute__((noinline)) static int32_t native_add(int32_t a, int32_t b) {
  __asm__ volatile("");
  return a + b;
}
/* volatile: every call goes through a load of the pointer, as an indirect
   call would, and cannot be inlined or hoisted. */
static void (*volatile p_empty)(void) = native_empty;
static int32_t (*volatile p_add)(int32_t, int32_t) = native_add;
static volatile int32_t sink;

static double run_native_empty(void *p, uint64_t iters) {
  (void)p;
  double t0 = bh_now();
  for (uint64_t i = 0; i < iters; i++) p_empty();
  return bh_now() - t0;
}

static double run_native_add(void *p, uint64_t iters) {
  (void)p;
  int32_t acc = 0;
  double t0 = bh_now();
  for (uint64_t i = 0; i < iters; i++) acc = p_add(acc, (int32_t)i);
  sink = acc;
  return bh_now() - t0;
}

/* call CALLS.wasm: exports `empty` () -> () and `add` (i32, i32) -> i32. */
int bh_cmd_call(int argc, char **argv) {
  if (argc != 1) return 2;
  wb_engine_t *engine = wb_engine_new(NULL);
  wb_module_t *m = bh_module_load(engine, argv[0]);
  wb_store_t *store;
  wb_instance_t *inst = bh_instantiate(engine, m, &store);
  double s[1000];
  int n = bh_opts.samples;
  uint64_t max = 100000000;

  call_ctx_t c = {.store = store, .func = bh_export_func(inst, "empty")};
  bh_measure(run_wasm, &c, max, s);
  bh_emit("execution", "call-empty", "", "wasmbox", "ns", s, n, 1);
  bh_measure(run_native_empty, NULL, max, s);
  bh_emit("execution", "call-empty", "", "native", "ns", s, n, 1);

  c.func = bh_export_func(inst, "add");
  c.nargs = 2;
  c.nresults = 1;
  c.args[0] = (wb_val_t){.kind = WB_I32, .of.i32 = 1};
  c.args[1] = (wb_val_t){.kind = WB_I32, .of.i32 = 2};
  bh_measure(run_wasm, &c, max, s);
  bh_emit("execution", "call-add", "", "wasmbox", "ns", s, n, 1);
  bh_measure(run_native_add, NULL, max, s);
  bh_emit("execution", "call-add", "", "native", "ns", s, n, 1);

  wb_store_delete(store);
  wb_module_delete(m);
  wb_engine_delete(engine);
  return 0;
}
