/* SPDX-License-Identifier: Apache-2.0 */
/*
** Engine, store and host objects: type interning, globals, tables, host
** functions called through wb_func_call (results, traps, re-entrancy,
** argument checks), trap objects, store teardown, and guest faults in
** linear memory becoming out-of-bounds traps.
*/
#include <pthread.h>
#include <stdlib.h>

#include "runtime/rt.h"
#include "runtime/store.h"
#include "test.h"

static const wb_valkind_t I32 = WB_I32, I64 = WB_I64, F64 = WB_F64;

static void test_intern(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_valkind_t p2[] = {WB_I32, WB_I64};
  wb_functype_t *a = wb_functype_new(p2, 2, &F64, 1);
  wb_functype_t *b = wb_functype_new(p2, 2, &F64, 1);
  wb_functype_t *c = wb_functype_new(p2, 1, &F64, 1);
  wb_functype_t *d = wb_functype_new(p2, 2, NULL, 0);
  wb_functype_t *r = wb_functype_new(NULL, 0, p2, 2); /* results only */
  const wm_functype_t *ca = rt_engine_intern(e, a), *cb = rt_engine_intern(e, b);
  const wm_functype_t *cc = rt_engine_intern(e, c), *cd = rt_engine_intern(e, d);
  const wm_functype_t *cr = rt_engine_intern(e, r);
  CHECK(ca == cb);
  CHECK_EQ(ca->id, cb->id);
  CHECK(ca->id != cc->id && ca->id != cd->id && cc->id != cd->id && cr->id != ca->id);
  CHECK_EQ(wb_functype_param_count(ca), 2);
  CHECK_EQ(wb_functype_result_count(ca), 1);
  CHECK_EQ(wb_functype_param(ca, 1), WB_I64);
  CHECK_EQ(wb_functype_result(ca, 0), WB_F64);
  CHECK_EQ(wb_functype_param(ca, 5), 0);
  CHECK_EQ(e->ntypes, 4);
  /* Unsupported kinds are refused rather than stored. */
  wb_valkind_t bad = (wb_valkind_t)0x42;
  CHECK(wb_functype_new(&bad, 1, NULL, 0) == NULL);
  CHECK(wb_functype_new(NULL, 1, NULL, 0) == NULL);
  CHECK_CONTAINS(wb_valkind_name(WB_EXTERNREF), "externref");
  CHECK_CONTAINS(wb_valkind_name(bad), "unknown");
  wb_functype_delete(a);
  wb_functype_delete(b);
  wb_functype_delete(c);
  wb_functype_delete(d);
  wb_functype_delete(r);
  wb_engine_delete(e);
}

static void test_globals(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_store_t *s = wb_store_new(e);
  wb_val_t v = {.kind = WB_I64, .of.i64 = -5};
  CHECK(wb_global_new(s, WB_I32, false, v) == NULL); /* init of another kind */
  wb_global_t *g = wb_global_new(s, WB_I64, true, v);
  CHECK(g != NULL);
  CHECK_EQ(wb_global_get(g).of.i64, -5);
  CHECK_EQ(wb_global_kind(g), WB_I64);
  CHECK(wb_global_mutable(g));
  v.of.i64 = 1234567890123;
  CHECK(wb_global_set(g, v));
  CHECK_EQ(wb_global_get(g).of.i64, 1234567890123);
  wb_val_t wrong = {.kind = WB_I32, .of.i32 = 1};
  CHECK(!wb_global_set(g, wrong));
  wb_val_t f = {.kind = WB_F64, .of.f64 = 2.5};
  wb_global_t *k = wb_global_new(s, WB_F64, false, f);
  f.of.f64 = 3.5;
  CHECK(!wb_global_set(k, f)); /* immutable */
  CHECK(wb_global_get(k).of.f64 == 2.5);
  CHECK(!wb_global_mutable(k));
  wb_store_delete(s);
  wb_engine_delete(e);
}

static void test_tables(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_store_t *s = wb_store_new(e);
  int marker;
  wb_val_t init = {.kind = WB_EXTERNREF, .of.externref = &marker};
  CHECK(wb_table_new(s, WB_I32, 1, 0, false, init) == NULL);
  CHECK(wb_table_new(s, WB_FUNCREF, 1, 0, false, init) == NULL); /* init kind */
  CHECK(wb_table_new(s, WB_EXTERNREF, RT_MAX_TABLE_SIZE + 1, 0, false, init) == NULL);
  CHECK(wb_table_new(s, WB_EXTERNREF, 3, 2, true, init) == NULL);
  wb_table_t *t = wb_table_new(s, WB_EXTERNREF, 3, 5, true, init);
  CHECK(t != NULL);
  CHECK_EQ(wb_table_size(t), 3);
  CHECK_EQ(wb_table_kind(t), WB_EXTERNREF);
  wb_val_t out;
  CHECK(wb_table_get(t, 2, &out));
  CHECK(out.kind == WB_EXTERNREF && out.of.externref == &marker);
  CHECK(!wb_table_get(t, 3, &out));
  wb_val_t null = {.kind = WB_EXTERNREF, .of.externref = NULL};
  CHECK(wb_table_set(t, 1, null));
  CHECK(wb_table_get(t, 1, &out) && out.of.externref == NULL);
  CHECK(!wb_table_set(t, 3, null));
  wb_val_t fnull = {.kind = WB_FUNCREF, .of.funcref = NULL};
  CHECK(!wb_table_set(t, 0, fnull));
  CHECK_EQ(rt_table_grow(t, 2, &marker), 3);
  CHECK_EQ(rt_table_grow(t, 1, NULL), -1);
  CHECK(wb_table_get(t, 4, &out) && out.of.externref == &marker);
  uint32_t min, max;
  bool has_max;
  wb_table_limits(t, &min, &max, &has_max);
  CHECK(min == 5 && max == 5 && has_max);
  wb_table_t *f = wb_table_new(s, WB_FUNCREF, 0, 0, false, fnull);
  CHECK(f != NULL && wb_table_size(f) == 0);
  CHECK_EQ(rt_table_grow(f, 0, NULL), 0);
  wb_store_delete(s);
  wb_engine_delete(e);
}

/* {====================== Host functions ======================} */

static int finalized;
static void count_finalize(void *env) { finalized += *(int *)env; }

/* (i32, i64) -> (i64, i32): swaps and adds env's value. */
static wb_trap_t *swap_add(void *env, wb_caller_t *caller, const wb_val_t *args, size_t nargs,
                           wb_val_t *results, size_t nresults) {
  CHECK_EQ(nargs, 2);
  CHECK_EQ(nresults, 2);
  CHECK(args[0].kind == WB_I32 && args[1].kind == WB_I64);
  CHECK(results[0].kind == WB_I64 && results[1].kind == WB_I32);
  CHECK(wb_caller_memory(caller) == NULL);
  CHECK(wb_caller_store(caller) != NULL);
  int add = *(int *)env;
  results[0].of.i64 = args[1].of.i64 + add;
  results[1].of.i32 = args[0].of.i32 + add;
  return NULL;
}

static wb_trap_t *fail(void *env, wb_caller_t *caller, const wb_val_t *args, size_t nargs,
                       wb_val_t *results, size_t nresults) {
  (void)env, (void)caller, (void)args, (void)nargs, (void)results, (void)nresults;
  return wb_trap_new(WB_TRAP_HOST, "custom failure");
}

/* Sums its many i32 arguments (exercises the heap path for > 16 values). */
static wb_trap_t *sum(void *env, wb_caller_t *caller, const wb_val_t *args, size_t nargs,
                      wb_val_t *results, size_t nresults) {
  (void)env, (void)caller;
  int64_t t = 0;
  for (size_t i = 0; i < nargs; i++) t += args[i].of.i32;
  CHECK_EQ(nresults, 1);
  results[0].of.i64 = t;
  return NULL;
}

/* (i32) -> (i32): calls the function in env with n-1 and adds 1, so the
   callback re-enters wb_func_call while its own values sit on the stack. */
static wb_trap_t *recurse(void *env, wb_caller_t *caller, const wb_val_t *args, size_t nargs,
                          wb_val_t *results, size_t nresults) {
  (void)nargs, (void)nresults;
  wb_func_t *self = *(wb_func_t **)env;
  if (args[0].of.i32 == 0) {
    results[0].of.i32 = 0;
    return NULL;
  }
  if (args[0].of.i32 == -1) return wb_trap_new(WB_TRAP_UNREACHABLE, "bottom");
  wb_val_t a = {.kind = WB_I32, .of.i32 = args[0].of.i32 - 1}, r;
  wb_trap_t *trap = NULL;
  wb_error_t *err = wb_func_call(wb_caller_store(caller), self, &a, 1, &r, 1, &trap);
  CHECK(err == NULL);
  if (trap) return trap;
  results[0].of.i32 = r.of.i32 + 1;
  return NULL;
}

static void test_host_call(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_store_t *s = wb_store_new(e);
  wb_valkind_t p[] = {WB_I32, WB_I64}, r[] = {WB_I64, WB_I32};
  wb_functype_t *ty = wb_functype_new(p, 2, r, 2);
  static int ten = 10;
  finalized = 0;
  wb_func_t *f = wb_func_new(s, ty, swap_add, &ten, count_finalize);
  wb_functype_delete(ty); /* the function keeps the engine's copy */
  CHECK(wb_functype_result_count(wb_func_type(f)) == 2);
  wb_val_t args[2] = {{.kind = WB_I32, .of.i32 = 5}, {.kind = WB_I64, .of.i64 = 1LL << 40}};
  wb_val_t res[2];
  wb_trap_t *trap = (wb_trap_t *)1;
  wb_error_t *err = wb_func_call(s, f, args, 2, res, 2, &trap);
  CHECK(err == NULL && trap == NULL);
  CHECK(res[0].kind == WB_I64 && res[0].of.i64 == (1LL << 40) + 10);
  CHECK(res[1].kind == WB_I32 && res[1].of.i32 == 15);
  CHECK(s->exec.sp == s->exec.stack); /* nothing left behind */
  wb_store_delete(s);
  CHECK_EQ(finalized, 10);
  wb_engine_delete(e);
}

static void test_host_trap(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_store_t *s = wb_store_new(e);
  wb_functype_t *ty = wb_functype_new(NULL, 0, NULL, 0);
  wb_func_t *f = wb_func_new(s, ty, fail, NULL, NULL);
  wb_trap_t *trap = NULL;
  CHECK(wb_func_call(s, f, NULL, 0, NULL, 0, &trap) == NULL);
  CHECK(trap != NULL);
  if (trap) {
    CHECK_EQ(wb_trap_code(trap), WB_TRAP_HOST);
    CHECK_CONTAINS(wb_trap_message(trap), "custom failure");
    CHECK_EQ(wb_trap_frame_count(trap), 0);
    CHECK_EQ(wb_trap_frame_func_index(trap, 0), UINT32_MAX);
    CHECK(wb_trap_frame_func_name(trap, 0) == NULL);
  }
  wb_trap_delete(trap);
  CHECK(s->exec.host_trap == NULL);
  wb_functype_delete(ty);
  wb_store_delete(s);
  wb_engine_delete(e);
}

static void test_reentrant(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_store_t *s = wb_store_new(e);
  wb_functype_t *ty = wb_functype_new(&I32, 1, &I32, 1);
  static wb_func_t *self;
  self = wb_func_new(s, ty, recurse, &self, NULL);
  wb_val_t a = {.kind = WB_I32, .of.i32 = 50}, r;
  wb_trap_t *trap = NULL;
  CHECK(wb_func_call(s, self, &a, 1, &r, 1, &trap) == NULL && trap == NULL);
  CHECK_EQ(r.of.i32, 50);
  CHECK(s->exec.sp == s->exec.stack);
  /* A trap deep inside travels out through every level with its message. */
  a.of.i32 = -1;
  wb_func_t *outer = wb_func_new(s, ty, recurse, &self, NULL);
  CHECK(wb_func_call(s, outer, &a, 1, &r, 1, &trap) == NULL);
  CHECK(trap && wb_trap_code(trap) == WB_TRAP_UNREACHABLE);
  if (trap) CHECK_CONTAINS(wb_trap_message(trap), "bottom");
  wb_trap_delete(trap);
  wb_functype_delete(ty);
  wb_store_delete(s);
  wb_engine_delete(e);
}

static void test_many_args(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_store_t *s = wb_store_new(e);
  enum { N = 40 };
  wb_valkind_t p[N];
  wb_val_t args[N];
  for (int i = 0; i < N; i++) {
    p[i] = WB_I32;
    args[i] = (wb_val_t){.kind = WB_I32, .of.i32 = i};
  }
  wb_functype_t *ty = wb_functype_new(p, N, &I64, 1);
  wb_func_t *f = wb_func_new(s, ty, sum, NULL, NULL);
  wb_val_t r;
  wb_trap_t *trap = NULL;
  CHECK(wb_func_call(s, f, args, N, &r, 1, &trap) == NULL && trap == NULL);
  CHECK_EQ(r.of.i64, N * (N - 1) / 2);
  wb_functype_delete(ty);
  wb_store_delete(s);
  wb_engine_delete(e);
}

static void test_call_errors(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_store_t *s = wb_store_new(e), *s2 = wb_store_new(e);
  wb_valkind_t p[] = {WB_I32, WB_I64}, r[] = {WB_I64, WB_I32};
  wb_functype_t *ty = wb_functype_new(p, 2, r, 2);
  static int zero = 0;
  wb_func_t *f = wb_func_new(s, ty, swap_add, &zero, NULL);
  wb_val_t args[2] = {{.kind = WB_I32, .of.i32 = 5}, {.kind = WB_I32, .of.i32 = 6}};
  wb_val_t res[2];
  wb_trap_t *trap = (wb_trap_t *)1;
  wb_error_t *err = wb_func_call(s, f, args, 1, res, 2, &trap);
  CHECK(err != NULL && trap == NULL);
  if (err) {
    CHECK_EQ(wb_error_kind(err), WB_ERROR_USAGE);
    CHECK_CONTAINS(wb_error_message(err), "(i32, i64) -> (i64, i32)");
    CHECK_CONTAINS(wb_error_message(err), "arguments (i32)");
  }
  wb_error_delete(err);
  err = wb_func_call(s, f, args, 2, res, 2, &trap); /* second arg is i32, not i64 */
  CHECK(err != NULL);
  if (err) CHECK_CONTAINS(wb_error_message(err), "arguments (i32, i32)");
  wb_error_delete(err);
  args[1] = (wb_val_t){.kind = WB_I64, .of.i64 = 6};
  err = wb_func_call(s, f, args, 2, res, 1, &trap);
  CHECK(err != NULL);
  wb_error_delete(err);
  err = wb_func_call(s2, f, args, 2, res, 2, &trap);
  CHECK(err != NULL);
  if (err) CHECK_CONTAINS(wb_error_message(err), "another store");
  wb_error_delete(err);
  err = wb_func_call(s, f, args, 2, res, 2, NULL);
  CHECK(err != NULL);
  wb_error_delete(err);
  wb_functype_delete(ty);
  wb_store_delete(s);
  wb_store_delete(s2);
  wb_engine_delete(e);
}

/* A call whose values do not fit the value stack traps instead of writing
   past its end. */
static void test_stack_exhausted(void) {
  wb_config_t *c = wb_config_new();
  wb_config_stack_size_set(c, 1); /* clamped up to the 64 KiB minimum */
  wb_config_max_call_depth_set(c, 0);
  wb_engine_t *e = wb_engine_new(c);
  wb_store_t *s = wb_store_new(e);
  CHECK(s != NULL);
  CHECK_EQ(s->exec.max_depth, 1);
  enum { N = 9000 }; /* > 65536 / 8 slots */
  wb_valkind_t *p = malloc(sizeof *p * N);
  wb_val_t *args = malloc(sizeof *args * N);
  for (int i = 0; i < N; i++) {
    p[i] = WB_I32;
    args[i] = (wb_val_t){.kind = WB_I32, .of.i32 = 1};
  }
  wb_functype_t *ty = wb_functype_new(p, N, &I64, 1);
  wb_func_t *f = wb_func_new(s, ty, sum, NULL, NULL);
  wb_val_t r;
  wb_trap_t *trap = NULL;
  CHECK(wb_func_call(s, f, args, N, &r, 1, &trap) == NULL);
  CHECK(trap && wb_trap_code(trap) == WB_TRAP_STACK_EXHAUSTED);
  if (trap) CHECK_CONTAINS(wb_trap_message(trap), "call stack exhausted");
  wb_trap_delete(trap);
  wb_functype_delete(ty);
  free(p);
  free(args);
  wb_store_delete(s);
  wb_engine_delete(e);
}

static void test_trap_objects(void) {
  wb_trap_t *t = wb_trap_new(WB_TRAP_INTEGER_DIVIDE_BY_ZERO, NULL);
  CHECK_CONTAINS(wb_trap_message(t), "integer divide by zero");
  CHECK_EQ(wb_trap_frame_count(t), 0);
  wb_trap_delete(t);
  wb_trap_delete(NULL);
  CHECK_CONTAINS(wb_trap_code_name(WB_TRAP_MEMORY_OUT_OF_BOUNDS), "memory out of bounds");
  CHECK_CONTAINS(wb_trap_code_name(WB_TRAP_STACK_EXHAUSTED), "stack overflow");
  CHECK_CONTAINS(wb_trap_code_name((wb_trap_code_t)99), "unknown");
  CHECK_CONTAINS(rt_trap_message(WB_TRAP_OUT_OF_FUEL), "all fuel consumed");
  CHECK_CONTAINS(rt_trap_message(WB_TRAP_MEMORY_OUT_OF_BOUNDS), "out of bounds memory access");
  /* rt_trap_from_exec: a fresh trap from the code, no host trap pending. */
  rt_exec_t ex = {0};
  t = rt_trap_from_exec(&ex, WB_TRAP_INTEGER_OVERFLOW);
  CHECK_EQ(wb_trap_code(t), WB_TRAP_INTEGER_OVERFLOW);
  CHECK_CONTAINS(wb_trap_message(t), "integer overflow");
  wb_trap_delete(t);
}

/* {====================== Guest code ======================} */

/* oob.wat, built with wat2wasm --debug-names:
     (import "host" "fail" (func $fail))
     (import "host" "peek" (func $peek (result i32)))
     (memory 1)
     (data (i32.const 8) "\2a")
     (func $inner (export "load") (param i32) (result i32) local.get 0 i32.load)
     (func $outer (export "outer") (param i32) (result i32) local.get 0 call $inner)
     (func $callfail (export "callfail") call $fail)
     (func $callpeek (export "callpeek") (result i32) call $peek)            */
static const uint8_t oob_wasm[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0d, 0x03, 0x60,
  0x00, 0x00, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x02,
  0x19, 0x02, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x04, 0x66, 0x61, 0x69, 0x6c,
  0x00, 0x00, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x04, 0x70, 0x65, 0x65, 0x6b,
  0x00, 0x01, 0x03, 0x05, 0x04, 0x02, 0x02, 0x00, 0x01, 0x05, 0x03, 0x01,
  0x00, 0x01, 0x07, 0x26, 0x04, 0x04, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x02,
  0x05, 0x6f, 0x75, 0x74, 0x65, 0x72, 0x00, 0x03, 0x08, 0x63, 0x61, 0x6c,
  0x6c, 0x66, 0x61, 0x69, 0x6c, 0x00, 0x04, 0x08, 0x63, 0x61, 0x6c, 0x6c,
  0x70, 0x65, 0x65, 0x6b, 0x00, 0x05, 0x0a, 0x1a, 0x04, 0x07, 0x00, 0x20,
  0x00, 0x28, 0x02, 0x00, 0x0b, 0x06, 0x00, 0x20, 0x00, 0x10, 0x02, 0x0b,
  0x04, 0x00, 0x10, 0x00, 0x0b, 0x04, 0x00, 0x10, 0x01, 0x0b, 0x0b, 0x07,
  0x01, 0x00, 0x41, 0x08, 0x0b, 0x01, 0x2a, 0x00, 0x45, 0x04, 0x6e, 0x61,
  0x6d, 0x65, 0x01, 0x2f, 0x06, 0x00, 0x04, 0x66, 0x61, 0x69, 0x6c, 0x01,
  0x04, 0x70, 0x65, 0x65, 0x6b, 0x02, 0x05, 0x69, 0x6e, 0x6e, 0x65, 0x72,
  0x03, 0x05, 0x6f, 0x75, 0x74, 0x65, 0x72, 0x04, 0x08, 0x63, 0x61, 0x6c,
  0x6c, 0x66, 0x61, 0x69, 0x6c, 0x05, 0x08, 0x63, 0x61, 0x6c, 0x6c, 0x70,
  0x65, 0x65, 0x6b, 0x02, 0x0d, 0x06, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00,
  0x03, 0x00, 0x04, 0x00, 0x05, 0x00
};

/* Reads byte 8 of the caller's memory: only a guest caller has one. */
static wb_trap_t *peek(void *env, wb_caller_t *caller, const wb_val_t *args, size_t nargs,
                       wb_val_t *results, size_t nresults) {
  (void)env, (void)args, (void)nargs, (void)nresults;
  wb_memory_t *m = wb_caller_memory(caller);
  results[0].of.i32 = m ? wb_memory_data(m)[8] : -1;
  return NULL;
}

static wb_func_t *export_func(wb_instance_t *inst, const char *name) {
  wb_extern_t x;
  if (!wb_instance_export_get(inst, name, strlen(name), &x) || x.kind != WB_EXTERN_FUNC)
    return NULL;
  return x.of.func;
}

/* Calls f(arg) -> i32; the trap (owned) or NULL. */
static wb_trap_t *call_i32(wb_store_t *s, wb_func_t *f, int32_t arg, int32_t *out) {
  wb_val_t a = {.kind = WB_I32, .of.i32 = arg}, r = {0};
  wb_trap_t *trap = NULL;
  wb_error_t *err = wb_func_call(s, f, &a, 1, &r, 1, &trap);
  CHECK(err == NULL);
  wb_error_delete(err);
  *out = r.of.i32;
  return trap;
}

static void test_guest_faults(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_store_t *s = wb_store_new(e);
  wb_module_t *mod = NULL;
  wb_error_t *err = wb_module_new(e, oob_wasm, sizeof oob_wasm, &mod);
  CHECK(err == NULL);
  if (err) fprintf(stderr, "module: %s\n", wb_error_message(err));
  wb_error_delete(err);
  wb_linker_t *lk = wb_linker_new(s);
  wb_functype_t *v_v = wb_functype_new(NULL, 0, NULL, 0), *v_i = wb_functype_new(NULL, 0, &I32, 1);
  CHECK(wb_linker_define_func(lk, "host", "fail", v_v, fail, NULL, NULL) == NULL);
  CHECK(wb_linker_define_func(lk, "host", "peek", v_i, peek, NULL, NULL) == NULL);
  wb_instance_t *inst = NULL;
  wb_trap_t *trap = NULL;
  if (mod) CHECK(wb_linker_instantiate(lk, mod, &inst, &trap) == NULL && trap == NULL);
  if (!inst) goto out;
  wb_func_t *load = export_func(inst, "load"), *outer = export_func(inst, "outer");
  int32_t v = 0;
  CHECK(call_i32(s, load, 8, &v) == NULL);
  CHECK_EQ(v, 42);
  CHECK(call_i32(s, load, 65532, &v) == NULL); /* last word in bounds */
  /* Past the end, at the end of the 4 GiB range, and through two frames. */
  int32_t bad[] = {65533, 65536, -1, -4};
  for (size_t i = 0; i < UT_COUNTOF(bad); i++) {
    trap = call_i32(s, i & 1 ? outer : load, bad[i], &v);
    CHECK(trap && wb_trap_code(trap) == WB_TRAP_MEMORY_OUT_OF_BOUNDS);
    if (trap) CHECK_CONTAINS(wb_trap_message(trap), "out of bounds memory access");
    if (trap && (i & 1)) {
      CHECK_EQ(wb_trap_frame_count(trap), 2);
      CHECK_EQ(wb_trap_frame_func_index(trap, 0), 2);
      CHECK_CONTAINS(wb_trap_frame_func_name(trap, 0), "inner");
      CHECK_CONTAINS(wb_trap_frame_func_name(trap, 1), "outer");
    }
    wb_trap_delete(trap);
    CHECK_EQ(s->exec.depth, 0);
    CHECK(rt_tls.jb == NULL);
  }
  /* The store is still usable after a fault. */
  CHECK(call_i32(s, outer, 8, &v) == NULL);
  CHECK_EQ(v, 42);
  /* A host trap raised under a guest frame keeps its message and gains the
     guest's backtrace; a host called from a guest sees the guest's memory. */
  CHECK(wb_func_call(s, export_func(inst, "callfail"), NULL, 0, NULL, 0, &trap) == NULL);
  CHECK(trap && wb_trap_code(trap) == WB_TRAP_HOST);
  if (trap) {
    CHECK_CONTAINS(wb_trap_message(trap), "custom failure");
    CHECK(wb_trap_frame_count(trap) >= 1);
    CHECK_CONTAINS(wb_trap_frame_func_name(trap, 0), "callfail");
  }
  wb_trap_delete(trap);
  wb_val_t r;
  CHECK(wb_func_call(s, export_func(inst, "callpeek"), NULL, 0, &r, 1, &trap) == NULL && !trap);
  CHECK_EQ(r.of.i32, 42);
out:
  wb_functype_delete(v_v);
  wb_functype_delete(v_i);
  wb_linker_delete(lk);
  wb_store_delete(s);
  wb_module_delete(mod);
  wb_engine_delete(e);
}

/* The same on a fresh thread: its alternate signal stack is set up lazily
   by the first guest call. */
static void *guest_thread(void *arg) {
  (void)arg;
  test_guest_faults();
  return NULL;
}

static void test_guest_faults_thread(void) {
  pthread_t t;
  CHECK(pthread_create(&t, NULL, guest_thread, NULL) == 0);
  pthread_join(t, NULL);
}

TEST_MAIN("unit_store", test_intern, test_globals, test_tables, test_host_call, test_host_trap,
          test_reentrant, test_many_args, test_call_errors, test_stack_exhausted,
          test_trap_objects, test_guest_faults,
          test_guest_faults_thread)
