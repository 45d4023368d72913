/* SPDX-License-Identifier: Apache-2.0 */
/*
** Crash handling:
**   trap         a call that traps, until the trap object is back in the
**                host and deleted: integer divide by zero (a code returned
**                by the interpreter), out-of-bounds load (a fault in the
**                guard region, through the signal handler), unreachable;
**                against the same call returning normally;
**   cycle        instantiate + call + wb_store_delete, with a call that
**                traps (oob) and one that returns (the cleanup cost of a
**                trapped instance is the difference);
**   next-call    latency of a call to an empty export made right after a
**                trap, against one made right after a normal return.
*/
#include "bh.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct trap_ctx {
  wb_engine_t *engine;
  wb_module_t *module;
  wb_store_t *store;
  wb_instance_t *inst;
  const char *name;       /* the export to call */
  wb_trap_code_t expect;  /* 0: must return normally */
} trap_ctx_t;

/* Calls name(0) in inst; fails loudly unless it ends as expected. */
static void call_expect(wb_store_t *store, wb_instance_t *inst, const char *name,
                        wb_trap_code_t expect) {
  wb_val_t arg = {.kind = WB_I32, .of.i32 = 0}, res;
  wb_trap_t *trap = bh_call(store, bh_export_func(inst, name), &arg, 1, &res, 1);
  wb_trap_code_t got = trap ? wb_trap_code(trap) : 0;
  wb_trap_delete(trap);
  if (got != expect) {
    fprintf(stderr, "wbbench: %s ended with trap code %d, expected %d\n", name, got, expect);
    exit(1);
  }
}

static double run_trap(void *p, uint64_t iters) {
  trap_ctx_t *c = p;
  wb_func_t *f = bh_export_func(c->inst, c->name);
  wb_val_t arg = {.kind = WB_I32, .of.i32 = 0}, res;
  double t0 = bh_now();
  for (uint64_t i = 0; i < iters; i++) wb_trap_delete(bh_call(c->store, f, &arg, 1, &res, 1));
  return bh_now() - t0;
}

static double run_cycle(void *p, uint64_t iters) {
  trap_ctx_t *c = p;
  double t0 = bh_now();
  for (uint64_t i = 0; i < iters; i++) {
    wb_store_t *store;
    wb_instance_t *inst = bh_instantiate(c->engine, c->module, &store);
    call_expect(store, inst, c->name, c->expect);
    wb_store_delete(store);
  }
  return bh_now() - t0;
}

static double run_next_call(void *p, uint64_t iters) {
  trap_ctx_t *c = p;
  wb_func_t *f = bh_export_func(c->inst, c->name), *empty = bh_export_func(c->inst, "empty");
  wb_val_t arg = {.kind = WB_I32, .of.i32 = 0}, res;
  double total = 0;
  for (uint64_t i = 0; i < iters; i++) {
    wb_trap_delete(bh_call(c->store, f, &arg, 1, &res, 1));
    double t0 = bh_now();
    wb_trap_delete(bh_call(c->store, empty, NULL, 0, NULL, 0));
    total += bh_now() - t0;
  }
  return total;
}

static const struct { const char *name, *label; wb_trap_code_t code; } kinds[] = {
  {"ok", "none (returns)", 0},
  {"divzero", "divide by zero", WB_TRAP_INTEGER_DIVIDE_BY_ZERO},
  {"oob", "out-of-bounds load", WB_TRAP_MEMORY_OUT_OF_BOUNDS},
  {"unreachable", "unreachable", WB_TRAP_UNREACHABLE},
};

/* trap TRAPS.wasm: exports ok, divzero, oob, unreachable (i32) -> i32 and
   empty () -> (). */
int bh_cmd_trap(int argc, char **argv) {
  if (argc != 1) return 2;
  trap_ctx_t c = {.engine = wb_engine_new(NULL)};
  c.module = bh_module_load(c.engine, argv[0]);
  c.inst = bh_instantiate(c.engine, c.module, &c.store);
  double s[1000];
  int n = bh_opts.samples;
  for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
    c.name = kinds[k].name;
    call_expect(c.store, c.inst, c.name, kinds[k].code);
    bh_measure(run_trap, &c, 10000000, s);
    bh_emit("crash", "trap", kinds[k].label, "wasmbox", "ns", s, n, 1);
  }
  c.name = "ok";
  c.expect = 0;
  bh_measure(run_cycle, &c, 1000000, s);
  bh_emit("crash", "cycle", "instantiate+call+delete", "wasmbox", "us", s, n, 1e3);
  c.name = "oob";
  c.expect = WB_TRAP_MEMORY_OUT_OF_BOUNDS;
  bh_measure(run_cycle, &c, 1000000, s);
  bh_emit("crash", "cycle", "instantiate+trap+delete", "wasmbox", "us", s, n, 1e3);
  c.name = "ok";
  bh_measure(run_next_call, &c, 10000000, s);
  bh_emit("crash", "next-call", "after a return", "wasmbox", "ns", s, n, 1);
  c.name = "oob";
  bh_measure(run_next_call, &c, 10000000, s);
  bh_emit("crash", "next-call", "after a trap", "wasmbox", "ns", s, n, 1);
  wb_store_delete(c.store);
  wb_module_delete(c.module);
  wb_engine_delete(c.engine);
  return 0;
}
