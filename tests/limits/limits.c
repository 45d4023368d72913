/* SPDX-License-Identifier: Apache-2.0 */
/*
** Sandbox limits and isolation: hostile guests never hurt the host.
**
**   limits [--engine interp|aot] [--cache DIR] DIR
**
** DIR holds the assembled corpus (NAME.wasm, built from the .wat files here
** and the generated big modules). Each case runs a hostile module under a
** limit and checks the exact outcome: the trap code, the error, the value
** memory.grow returns. After every hostile case the same store must still
** run a healthy export correctly, both in the hostile instance and in a
** fresh instance of healthy.wat: a limit may stop a guest, never the engine.
**
** Only the public API (wasmbox.h) is used. Timing checks are loose on
** purpose (a deadline of 50 ms must fire within 2 s), so a loaded machine
** does not make the test flaky. The last line is "limits: N passed, M failed".
*/
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wasmbox.h"

#define MIB ((uint64_t)1 << 20)
#define MS ((uint64_t)1000000) /* nanoseconds */

/* {====================== Checks ======================} */

static const char *g_dir;
static atomic_int g_passed, g_failed;
/* Name of the case running on this thread, for failure messages. */
static _Thread_local const char *g_case = "?";

/* Counts a check; on failure prints the case, line and message. */
static void check_(bool ok, int line, const char *fmt, ...) {
  if (ok) {
    atomic_fetch_add(&g_passed, 1);
    return;
  }
  atomic_fetch_add(&g_failed, 1);
  va_list ap;
  va_start(ap, fmt);
  flockfile(stderr);
  fprintf(stderr, "limits.c:%d [%s]: ", line, g_case);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  funlockfile(stderr);
  va_end(ap);
}

#define CHECK(cond) check_((cond), __LINE__, "CHECK failed: %s", #cond)
#define CHECK_EQ(a, b)                                                                        \
  do {                                                                                        \
    long long va_ = (long long)(a), vb_ = (long long)(b);                                     \
    check_(va_ == vb_, __LINE__, "%s == %s failed: %lld != %lld", #a, #b, va_, vb_);          \
  } while (0)

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(unsigned ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* {====================== Engines ======================} */

/* --engine aot: every engine compiles its modules ahead of time. */
static wb_engine_kind_t g_engine = WB_ENGINE_INTERP;
static const char *g_cache;

/* wb_engine_new with the tier chosen on the command line. */
static wb_engine_t *engine_new(wb_config_t *cfg) {
  if (!cfg) cfg = wb_config_new();
  wb_config_engine_set(cfg, g_engine);
  wb_config_cache_dir_set(cfg, g_cache);
  return wb_engine_new(cfg);
}

/* {====================== Modules and instances ======================} */

/* Reads DIR/name.wasm into a malloc'd buffer; NULL (and a failure) if missing. */
static uint8_t *read_wasm(const char *name, size_t *len, int line) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.wasm", g_dir, name);
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  long n = -1;
  if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    buf = malloc(n ? (size_t)n : 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
      free(buf);
      buf = NULL;
    }
  }
  if (f) fclose(f);
  check_(buf != NULL, line, "cannot read %s", path);
  *len = (size_t)n;
  return buf;
}

/* Decodes DIR/name.wasm; NULL (and a failure) if that fails. */
static wb_module_t *load_(wb_engine_t *e, const char *name, int line) {
  size_t len;
  uint8_t *bytes = read_wasm(name, &len, line);
  if (!bytes) return NULL;
  wb_module_t *m = NULL;
  wb_error_t *err = wb_module_new(e, bytes, len, &m);
  free(bytes);
  check_(err == NULL, line, "module %s: %s", name, err ? wb_error_message(err) : "");
  wb_error_delete(err);
  return m;
}
#define LOAD(e, name) load_((e), (name), __LINE__)

/* Instantiates m with no imports. Returns the instance, or NULL with *trap
   or *err set (owned by the caller; either pointer may be NULL to drop it). */
static wb_instance_t *instantiate(wb_store_t *s, const wb_module_t *m, wb_trap_t **trap,
                                  wb_error_t **err) {
  wb_linker_t *l = wb_linker_new(s);
  wb_instance_t *inst = NULL;
  wb_trap_t *t = NULL;
  wb_error_t *e = wb_linker_instantiate(l, m, &inst, &t);
  wb_linker_delete(l);
  if (trap) *trap = t; else wb_trap_delete(t);
  if (err) *err = e; else wb_error_delete(e);
  return inst;
}

/* Instantiates m, which must succeed; NULL (and a failure) otherwise. */
static wb_instance_t *must_inst_(wb_store_t *s, const wb_module_t *m, int line) {
  if (!m) return NULL;
  wb_trap_t *trap;
  wb_error_t *err;
  wb_instance_t *inst = instantiate(s, m, &trap, &err);
  check_(inst && !trap && !err, line, "instantiation failed: %s",
         err ? wb_error_message(err) : trap ? wb_trap_message(trap) : "no instance");
  wb_trap_delete(trap);
  wb_error_delete(err);
  return inst;
}
#define MUST_INST(s, m) must_inst_((s), (m), __LINE__)

/* {====================== Calls ======================} */

typedef struct args {
  size_t n;
  wb_val_t v[3];
} args_t;

#define I32(x) ((wb_val_t){.kind = WB_I32, .of.i32 = (int32_t)(x)})
#define I64(x) ((wb_val_t){.kind = WB_I64, .of.i64 = (int64_t)(x)})
#define A0 ((args_t){0, {I32(0)}})
#define A1(a) ((args_t){1, {I32(a)}})
#define A2(a, b) ((args_t){2, {I32(a), I32(b)}})
#define A3(a, b, c) ((args_t){3, {I32(a), I32(b), I32(c)}})

/* What a call did. ok is false when it could not be made (no such export,
   usage error), which has already been counted as a failure. */
typedef struct outcome {
  bool ok;
  wb_trap_t *trap; /* owned */
  wb_val_t res[2];
  double secs;     /* wall time of the call */
} outcome_t;

/* Calls export `name` of inst with args, timing it. */
static outcome_t run_(wb_store_t *s, wb_instance_t *inst, const char *name, args_t a, int line) {
  outcome_t o;
  memset(&o, 0, sizeof o);
  wb_extern_t ex;
  if (!inst || !wb_instance_export_get(inst, name, strlen(name), &ex) ||
      ex.kind != WB_EXTERN_FUNC) {
    check_(false, line, "no function export '%s'", name);
    return o;
  }
  size_t nres = wb_functype_result_count(wb_func_type(ex.of.func));
  double t0 = now_s();
  wb_error_t *err = wb_func_call(s, ex.of.func, a.v, a.n, o.res, nres, &o.trap);
  o.secs = now_s() - t0;
  if (err) check_(false, line, "call %s: %s", name, wb_error_message(err));
  o.ok = err == NULL;
  wb_error_delete(err);
  return o;
}

/* name(args) must return without a trap; returns the result (i64 view). */
static int64_t returns_(wb_store_t *s, wb_instance_t *inst, const char *name, args_t a,
                        int line, bool *ok) {
  outcome_t o = run_(s, inst, name, a, line);
  *ok = o.ok && !o.trap;
  if (o.ok)
    check_(!o.trap, line, "%s trapped: %s (%s)", name, o.trap ? wb_trap_message(o.trap) : "",
           o.trap ? wb_trap_code_name(wb_trap_code(o.trap)) : "");
  wb_trap_delete(o.trap);
  return o.res[0].kind == WB_I32 ? o.res[0].of.i32 : o.res[0].of.i64;
}

/* name(args) returns want (an i32 or i64 result). */
static void expect_val_(wb_store_t *s, wb_instance_t *inst, const char *name, args_t a,
                        int64_t want, int line) {
  bool ok;
  int64_t got = returns_(s, inst, name, a, line, &ok);
  if (ok) check_(got == want, line, "%s returned %" PRId64 ", want %" PRId64, name, got, want);
}
#define EXPECT_VAL(s, inst, name, a, want) expect_val_((s), (inst), (name), a, (want), __LINE__)

/* name(args) returns without a trap (results ignored). */
static void expect_ok_(wb_store_t *s, wb_instance_t *inst, const char *name, args_t a, int line) {
  bool ok;
  returns_(s, inst, name, a, line, &ok);
}
#define EXPECT_OK(s, inst, name, a) expect_ok_((s), (inst), (name), a, __LINE__)

/* name(args) must trap with code; returns the outcome (trap owned by the
   caller) so the backtrace and timing can be checked too. */
static outcome_t traps_(wb_store_t *s, wb_instance_t *inst, const char *name, args_t a,
                        wb_trap_code_t code, int line) {
  outcome_t o = run_(s, inst, name, a, line);
  if (!o.ok) return o;
  check_(o.trap && wb_trap_code(o.trap) == code, line, "%s: want trap '%s', got %s%s%s", name,
         wb_trap_code_name(code), o.trap ? "trap '" : "no trap",
         o.trap ? wb_trap_code_name(wb_trap_code(o.trap)) : "", o.trap ? "'" : "");
  return o;
}
#define TRAPS(s, inst, name, a, code) traps_((s), (inst), (name), a, (code), __LINE__)
#define EXPECT_TRAP(s, inst, name, a, code)                                                   \
  wb_trap_delete(traps_((s), (inst), (name), a, (code), __LINE__).trap)

/* The trap's innermost frame is function `name` (from the name section). */
static void check_top_frame_(const wb_trap_t *trap, const char *name, int line) {
  if (!trap) return;
  size_t n = wb_trap_frame_count(trap);
  const char *got = n ? wb_trap_frame_func_name(trap, 0) : NULL;
  check_(n > 0 && got && strcmp(got, name) == 0, line,
         "backtrace: want innermost frame '%s', got %zu frames, first '%s'", name, n,
         got ? got : "(null)");
}
#define CHECK_TOP_FRAME(trap, name) check_top_frame_((trap), (name), __LINE__)

/* {====================== Test context ======================} */

/* An engine (own or shared), a store, the healthy module and the modules a
   case loaded, all freed by ctx_close. */
typedef struct ctx {
  wb_engine_t *engine;
  bool own_engine;
  wb_store_t *store;
  wb_module_t *healthy;
  bool own_healthy;
  wb_module_t *mods[16];
  size_t nmods;
} ctx_t;

/* A context with its own engine made from cfg (NULL: defaults). */
static void ctx_open(ctx_t *c, wb_config_t *cfg) {
  memset(c, 0, sizeof *c);
  c->engine = engine_new(cfg);
  c->own_engine = c->own_healthy = true;
  c->store = wb_store_new(c->engine);
  c->healthy = LOAD(c->engine, "healthy");
}

/* A context on a shared engine and healthy module (for threads). */
static void ctx_open_shared(ctx_t *c, wb_engine_t *e, wb_module_t *healthy) {
  memset(c, 0, sizeof *c);
  c->engine = e;
  c->store = wb_store_new(e);
  c->healthy = healthy;
}

static wb_module_t *ctx_load_(ctx_t *c, const char *name, int line) {
  wb_module_t *m = load_(c->engine, name, line);
  if (m && c->nmods < sizeof c->mods / sizeof c->mods[0]) c->mods[c->nmods++] = m;
  return m;
}
#define CTX_LOAD(c, name) ctx_load_((c), (name), __LINE__)

static void ctx_close(ctx_t *c) {
  wb_store_delete(c->store);
  for (size_t i = 0; i < c->nmods; i++) wb_module_delete(c->mods[i]);
  if (c->own_healthy) wb_module_delete(c->healthy);
  if (c->own_engine) wb_engine_delete(c->engine);
}

/* The store is still sound after a hostile case: the hostile instance's
   own "healthy" export (if it has one and inst is not NULL) returns the
   right value, and a fresh healthy instance is not poisoned and computes
   correct results through loops, memory and recursion. */
static void check_healthy_(ctx_t *c, wb_instance_t *inst, int line) {
  wb_extern_t ex;
  if (inst && wb_instance_export_get(inst, "healthy", 7, &ex))
    expect_val_(c->store, inst, "healthy", A1(6), 43, line);
  wb_instance_t *h = must_inst_(c->store, c->healthy, line);
  if (!h) return;
  check_(!wb_instance_poisoned(h), line, "a fresh healthy instance is poisoned");
  expect_val_(c->store, h, "fib", A1(30), 832040, line);
  expect_val_(c->store, h, "sum_sq", A1(100), 328350, line);
  expect_val_(c->store, h, "depth", A1(50), 50, line);
}
#define CHECK_HEALTHY(c, inst) check_healthy_((c), (inst), __LINE__)

/* The trap unwound through inst: it must be marked poisoned. */
#define CHECK_POISONED(inst) check_(wb_instance_poisoned(inst), __LINE__, "instance not poisoned")

/* {====================== Stack exhaustion ======================} */

/* Unbounded recursion with the default limits and with a small call depth. */
static void test_recursion(void) {
  g_case = "recursion";
  ctx_t c;
  ctx_open(&c, NULL);
  wb_instance_t *r = MUST_INST(c.store, CTX_LOAD(&c, "recurse"));
  if (r) {
    CHECK(!wb_instance_poisoned(r));
    EXPECT_VAL(c.store, r, "depth", A1(10000), 10000);
    CHECK(!wb_instance_poisoned(r));
    outcome_t o = TRAPS(c.store, r, "down", A1(0), WB_TRAP_STACK_EXHAUSTED);
    CHECK_TOP_FRAME(o.trap, "down");
    if (o.trap && wb_trap_frame_count(o.trap) > 0)
      CHECK_EQ(wb_trap_frame_func_index(o.trap, 0), 0);
    wb_trap_delete(o.trap);
    CHECK_POISONED(r);
    CHECK_HEALTHY(&c, r);
    /* Mutual recursion: the backtrace alternates the two names. */
    o = TRAPS(c.store, r, "ping", A1(0), WB_TRAP_STACK_EXHAUSTED);
    /* AOT backtraces hold only the entry function (documented limitation). */
    if (g_engine == WB_ENGINE_AOT) {
      CHECK(o.trap && wb_trap_frame_count(o.trap) >= 1);
    } else if (o.trap && wb_trap_frame_count(o.trap) >= 2) {
      const char *a = wb_trap_frame_func_name(o.trap, 0), *b = wb_trap_frame_func_name(o.trap, 1);
      CHECK(a && b && strcmp(a, b) != 0 && (!strcmp(a, "ping") || !strcmp(a, "pong")) &&
            (!strcmp(b, "ping") || !strcmp(b, "pong")));
    } else {
      CHECK(o.trap && wb_trap_frame_count(o.trap) >= 2);
    }
    wb_trap_delete(o.trap);
    /* The engine is consistent: deep recursion still works afterwards. */
    EXPECT_VAL(c.store, r, "depth", A1(10000), 10000);
    CHECK_HEALTHY(&c, r);
  }
  ctx_close(&c);

  /* AOT code recurses on the native stack: max_call_depth does not apply
     to it (documented limitation; the native stack bound does). */
  if (g_engine == WB_ENGINE_AOT) return;
  g_case = "recursion/max_call_depth=500";
  wb_config_t *cfg = wb_config_new();
  wb_config_max_call_depth_set(cfg, 500);
  ctx_open(&c, cfg);
  r = MUST_INST(c.store, CTX_LOAD(&c, "recurse"));
  if (r) {
    EXPECT_VAL(c.store, r, "depth", A1(400), 400);
    EXPECT_TRAP(c.store, r, "depth", A1(600), WB_TRAP_STACK_EXHAUSTED);
    outcome_t o = TRAPS(c.store, r, "down", A1(0), WB_TRAP_STACK_EXHAUSTED);
    CHECK_TOP_FRAME(o.trap, "down");
    if (o.trap) CHECK(wb_trap_frame_count(o.trap) <= 501);
    wb_trap_delete(o.trap);
    CHECK_POISONED(r);
    EXPECT_VAL(c.store, r, "depth", A1(400), 400);
    CHECK_HEALTHY(&c, r);
  }
  ctx_close(&c);
}

/* Recursion through functions with thousands of locals: the value stack,
   not the call depth, runs out. */
static void test_big_frames(void) {
  g_case = "bigframe";
  ctx_t c;
  ctx_open(&c, NULL);
  wb_instance_t *b = MUST_INST(c.store, CTX_LOAD(&c, "bigframe"));
  if (b) {
    EXPECT_VAL(c.store, b, "deep4k", A1(100), 100);
    EXPECT_VAL(c.store, b, "deep49k", A1(20), 20);
    outcome_t o = TRAPS(c.store, b, "forever4k", A1(0), WB_TRAP_STACK_EXHAUSTED);
    CHECK_TOP_FRAME(o.trap, "forever4k");
    wb_trap_delete(o.trap);
    CHECK_POISONED(b);
    CHECK_HEALTHY(&c, b);
    o = TRAPS(c.store, b, "forever49k", A1(0), WB_TRAP_STACK_EXHAUSTED);
    CHECK_TOP_FRAME(o.trap, "forever49k");
    wb_trap_delete(o.trap);
    CHECK_HEALTHY(&c, b);
    EXPECT_VAL(c.store, b, "deep4k", A1(100), 100);
  }
  ctx_close(&c);

  /* 1 MiB of value stack: 4000 i64 locals take ~32 KiB a frame and 49000
     take ~392 KiB, so only a few frames fit. */
  g_case = "bigframe/stack_size=1MiB";
  wb_config_t *cfg = wb_config_new();
  wb_config_stack_size_set(cfg, 1 << 20);
  ctx_open(&c, cfg);
  b = MUST_INST(c.store, CTX_LOAD(&c, "bigframe"));
  wb_instance_t *r = MUST_INST(c.store, CTX_LOAD(&c, "recurse"));
  if (b && r) {
    EXPECT_VAL(c.store, b, "deep4k", A1(10), 10);
    EXPECT_VAL(c.store, b, "deep49k", A1(1), 1);
    /* AOT frames live on the native stack, not the value stack. */
    if (g_engine != WB_ENGINE_AOT) {
      EXPECT_TRAP(c.store, b, "deep4k", A1(100), WB_TRAP_STACK_EXHAUSTED);
      EXPECT_TRAP(c.store, b, "deep49k", A1(5), WB_TRAP_STACK_EXHAUSTED);
    }
    EXPECT_TRAP(c.store, b, "forever4k", A1(0), WB_TRAP_STACK_EXHAUSTED);
    EXPECT_TRAP(c.store, b, "forever49k", A1(0), WB_TRAP_STACK_EXHAUSTED);
    CHECK_POISONED(b);
    EXPECT_TRAP(c.store, r, "down", A1(0), WB_TRAP_STACK_EXHAUSTED);
    CHECK_HEALTHY(&c, b);
    EXPECT_VAL(c.store, b, "deep4k", A1(10), 10);
  }
  ctx_close(&c);
}

/* {====================== Memory bounds ======================} */

/* Loads at and just past the end of a one-page memory. */
static void bounds_loads(wb_store_t *s, wb_instance_t *b) {
  const wb_trap_code_t OOB = WB_TRAP_MEMORY_OUT_OF_BOUNDS;
  EXPECT_OK(s, b, "store64", ((args_t){2, {I32(65528), I64(0x0807060504030201)}}));
  EXPECT_VAL(s, b, "load8", A1(65535), 8);
  EXPECT_TRAP(s, b, "load8", A1(65536), OOB);
  EXPECT_TRAP(s, b, "load8", A1(-1), OOB);
  EXPECT_VAL(s, b, "load16", A1(65534), 0x0807);
  EXPECT_TRAP(s, b, "load16", A1(65535), OOB);
  EXPECT_VAL(s, b, "load32", A1(65532), 0x08070605);
  for (int a = 65533; a <= 65536; a++) EXPECT_TRAP(s, b, "load32", A1(a), OOB);
  EXPECT_VAL(s, b, "load64", A1(65528), 0x0807060504030201);
  for (int a = 65529; a <= 65536; a++) EXPECT_TRAP(s, b, "load64", A1(a), OOB);
  EXPECT_TRAP(s, b, "load64", A1(-8), OOB);
  EXPECT_OK(s, b, "loadf64", A1(65528));
  EXPECT_TRAP(s, b, "loadf64", A1(65529), OOB);
  /* Static offsets: address + offset does not wrap at 32 bits. */
  EXPECT_VAL(s, b, "load8_off65535", A1(0), 8);
  EXPECT_TRAP(s, b, "load8_off65535", A1(1), OOB);
  EXPECT_TRAP(s, b, "load8_off65535", A1(-65535), OOB); /* sum is exactly 2^32 */
  EXPECT_VAL(s, b, "load32_off65532", A1(0), 0x08070605);
  EXPECT_TRAP(s, b, "load32_off65532", A1(1), OOB);
  EXPECT_TRAP(s, b, "load8_offmax", A1(0), OOB);
  EXPECT_TRAP(s, b, "load8_offmax", A1(1), OOB); /* would wrap to 0 */
  EXPECT_TRAP(s, b, "load8_offmax", A1(-1), OOB);
  EXPECT_TRAP(s, b, "load64_offmax", A1(-1), OOB);
  EXPECT_TRAP(s, b, "load64_offmax", A1(0), OOB);
}

/* Stores at the end: in-bounds ones land, out-of-bounds ones trap and
   write nothing (not even the in-bounds part of a straddling access). */
static void bounds_stores(wb_store_t *s, wb_instance_t *b) {
  const wb_trap_code_t OOB = WB_TRAP_MEMORY_OUT_OF_BOUNDS;
  EXPECT_OK(s, b, "store64", ((args_t){2, {I32(65528), I64(0x1111111111111111)}}));
  EXPECT_OK(s, b, "store8", A2(65535, 0xAB));
  EXPECT_VAL(s, b, "load8", A1(65535), 0xAB);
  EXPECT_TRAP(s, b, "store8", A2(65536, 1), OOB);
  EXPECT_TRAP(s, b, "store8", A2(-1, 1), OOB);
  EXPECT_TRAP(s, b, "store32", A2(65533, 0x22222222), OOB);
  EXPECT_TRAP(s, b, "store64", ((args_t){2, {I32(65529), I64(0x3333333333333333)}}), OOB);
  EXPECT_TRAP(s, b, "store64", ((args_t){2, {I32(65535), I64(0x3333333333333333)}}), OOB);
  EXPECT_VAL(s, b, "load64", A1(65528), (int64_t)0xAB11111111111111);
  EXPECT_OK(s, b, "store8_off1", A2(65534, 7));
  EXPECT_VAL(s, b, "load8", A1(65535), 7);
  EXPECT_TRAP(s, b, "store8_off1", A2(65535, 9), OOB);
  EXPECT_OK(s, b, "store8", A2(0, 0x44));
  EXPECT_TRAP(s, b, "store8_off1", A2(-1, 9), OOB); /* 0xFFFFFFFF + 1 is not 0 */
  EXPECT_VAL(s, b, "load8", A1(0), 0x44);
  EXPECT_TRAP(s, b, "store64_offmax", ((args_t){2, {I32(-1), I64(5)}}), OOB);
  EXPECT_TRAP(s, b, "store64_offmax", ((args_t){2, {I32(0), I64(5)}}), OOB);
}

/* Bulk operations check the whole range before writing anything. */
static void bounds_bulk(wb_store_t *s, wb_instance_t *b) {
  const wb_trap_code_t OOB = WB_TRAP_MEMORY_OUT_OF_BOUNDS;
  EXPECT_OK(s, b, "store8", A2(65530, 0x55));
  EXPECT_TRAP(s, b, "fill", A3(65530, 0xAA, 7), OOB);
  EXPECT_VAL(s, b, "load8", A1(65530), 0x55);
  EXPECT_OK(s, b, "fill", A3(65536, 0, 0)); /* empty at the very end: fine */
  EXPECT_TRAP(s, b, "fill", A3(65537, 0, 0), OOB);
  EXPECT_TRAP(s, b, "fill", A3(1, 0, -1), OOB);
  EXPECT_TRAP(s, b, "copy", A3(65530, 0, 7), OOB);
  EXPECT_VAL(s, b, "load8", A1(65530), 0x55);
  EXPECT_TRAP(s, b, "copy", A3(0, 65530, 7), OOB);
  EXPECT_TRAP(s, b, "copy", A3(0, -1, 2), OOB);
  EXPECT_TRAP(s, b, "init", A3(65530, 0, 7), OOB);
  EXPECT_VAL(s, b, "load8", A1(65530), 0x55);
  EXPECT_TRAP(s, b, "init", A3(0, 5, 6), OOB); /* past the 10-byte segment */
  EXPECT_OK(s, b, "init", A3(65526, 0, 10));
  EXPECT_VAL(s, b, "load8", A1(65535), '9');
}

/* After memory.grow the new page is addressable and the bound moves. */
static void bounds_after_grow(wb_store_t *s, wb_instance_t *b) {
  const wb_trap_code_t OOB = WB_TRAP_MEMORY_OUT_OF_BOUNDS;
  EXPECT_VAL(s, b, "grow", A1(1), 1);
  EXPECT_VAL(s, b, "load8", A1(131071), 0);
  EXPECT_TRAP(s, b, "load8", A1(131072), OOB);
  EXPECT_VAL(s, b, "load64", A1(131064), 0);
  EXPECT_TRAP(s, b, "load64", A1(131065), OOB);
  EXPECT_VAL(s, b, "load8_off65535", A1(65536), 0);
  EXPECT_TRAP(s, b, "load8_off65535", A1(65537), OOB);
  EXPECT_VAL(s, b, "grow", A1(65535), -1); /* past 4 GiB */
}

static void test_bounds(void) {
  g_case = "bounds";
  ctx_t c;
  ctx_open(&c, NULL);
  wb_instance_t *b = MUST_INST(c.store, CTX_LOAD(&c, "bounds"));
  if (b) {
    bounds_loads(c.store, b);
    CHECK_POISONED(b);
    CHECK_HEALTHY(&c, b);
    bounds_stores(c.store, b);
    bounds_bulk(c.store, b);
    bounds_after_grow(c.store, b);
    outcome_t o = TRAPS(c.store, b, "load8", A1(-1), WB_TRAP_MEMORY_OUT_OF_BOUNDS);
    if (o.trap) CHECK(wb_trap_frame_count(o.trap) >= 1);
    wb_trap_delete(o.trap);
    /* A call ended by a guard-page fault is still charged its fuel
       (tests/regress/aot-diff-1.wat: it used to be refunded). */
    wb_store_fuel_set(c.store, 100);
    wb_trap_delete(TRAPS(c.store, b, "load8", A1(-1), WB_TRAP_MEMORY_OUT_OF_BOUNDS).trap);
    CHECK(wb_store_fuel_get(c.store) < 100);
    wb_store_fuel_disable(c.store);
    CHECK_HEALTHY(&c, b);
  }
  ctx_close(&c);
}

/* A trap in one instance, reached through another: both are poisoned, an
   uninvolved instance is not. */
static void test_poison_chain(void) {
  g_case = "poison across instances";
  ctx_t c;
  ctx_open(&c, NULL);
  wb_module_t *bm = CTX_LOAD(&c, "bounds"), *cm = CTX_LOAD(&c, "chain");
  wb_instance_t *b = MUST_INST(c.store, bm);
  wb_instance_t *other = MUST_INST(c.store, bm);
  wb_instance_t *ch = NULL;
  if (b && cm) {
    wb_linker_t *l = wb_linker_new(c.store);
    wb_error_t *err = wb_linker_define_instance(l, "bounds", b);
    CHECK(err == NULL);
    wb_error_delete(err);
    wb_trap_t *trap = NULL;
    err = wb_linker_instantiate(l, cm, &ch, &trap);
    CHECK(ch && !err && !trap);
    wb_error_delete(err);
    wb_trap_delete(trap);
    wb_linker_delete(l);
  }
  if (ch && other) {
    EXPECT_VAL(c.store, ch, "via", A1(65535), 0);
    CHECK(!wb_instance_poisoned(ch) && !wb_instance_poisoned(b));
    EXPECT_TRAP(c.store, ch, "via", A1(65536), WB_TRAP_MEMORY_OUT_OF_BOUNDS);
    CHECK_POISONED(ch);
    CHECK_POISONED(b);
    CHECK(!wb_instance_poisoned(other));
    EXPECT_VAL(c.store, ch, "via", A1(0), 0);
    CHECK_HEALTHY(&c, ch);
  }
  ctx_close(&c);
}

/* {====================== Tables ======================} */

static void test_tables(void) {
  g_case = "tables";
  ctx_t c;
  ctx_open(&c, NULL);
  wb_store_t *s = c.store;
  wb_instance_t *t = MUST_INST(s, CTX_LOAD(&c, "tables"));
  if (t) {
    EXPECT_VAL(s, t, "call", A1(0), 100);
    EXPECT_VAL(s, t, "call1", A1(1), 81);
    outcome_t o = TRAPS(s, t, "call", A1(1), WB_TRAP_INDIRECT_CALL_TYPE_MISMATCH);
    CHECK_TOP_FRAME(o.trap, "call");
    wb_trap_delete(o.trap);
    CHECK_POISONED(t);
    CHECK_HEALTHY(&c, t);
    EXPECT_TRAP(s, t, "call1", A1(0), WB_TRAP_INDIRECT_CALL_TYPE_MISMATCH);
    EXPECT_TRAP(s, t, "call", A1(2), WB_TRAP_UNINITIALIZED_ELEMENT);
    EXPECT_TRAP(s, t, "call1", A1(3), WB_TRAP_UNINITIALIZED_ELEMENT);
    EXPECT_TRAP(s, t, "call", A1(4), WB_TRAP_UNDEFINED_ELEMENT);
    EXPECT_TRAP(s, t, "call", A1(-1), WB_TRAP_UNDEFINED_ELEMENT);
    CHECK_HEALTHY(&c, t);
    EXPECT_VAL(s, t, "is_null", A1(0), 0);
    EXPECT_VAL(s, t, "is_null", A1(3), 1);
    EXPECT_TRAP(s, t, "is_null", A1(4), WB_TRAP_TABLE_OUT_OF_BOUNDS);
    EXPECT_TRAP(s, t, "is_null", A1(-1), WB_TRAP_TABLE_OUT_OF_BOUNDS);
    EXPECT_TRAP(s, t, "set_null", A1(4), WB_TRAP_TABLE_OUT_OF_BOUNDS);
    EXPECT_OK(s, t, "set_null", A1(3));
    EXPECT_OK(s, t, "fill", A2(2, 2));
    EXPECT_OK(s, t, "fill", A2(4, 0));
    EXPECT_TRAP(s, t, "fill", A2(3, 2), WB_TRAP_TABLE_OUT_OF_BOUNDS);
    EXPECT_TRAP(s, t, "fill", A2(5, 0), WB_TRAP_TABLE_OUT_OF_BOUNDS);
    EXPECT_TRAP(s, t, "copy", A3(0, 2, 3), WB_TRAP_TABLE_OUT_OF_BOUNDS);
    EXPECT_VAL(s, t, "call", A1(0), 100); /* nothing copied */
    EXPECT_OK(s, t, "copy", A3(2, 0, 2));
    EXPECT_VAL(s, t, "call", A1(2), 100);
    EXPECT_VAL(s, t, "call1", A1(3), 81);
    EXPECT_VAL(s, t, "size", A0, 4);
    /* Past the engine's default table limit: refused at once. */
    EXPECT_VAL(s, t, "grow", A1(10000001), -1);
    EXPECT_VAL(s, t, "grow", A1(-1), -1);
    CHECK_HEALTHY(&c, t);
  }
  ctx_close(&c);
}

/* {====================== Segments ======================} */

/* An active segment out of range makes instantiation trap (not fail with
   an error, not crash), and leaves no instance. */
static void segment_case(ctx_t *c, const char *name, wb_trap_code_t code, int line) {
  g_case = name;
  wb_module_t *m = ctx_load_(c, name, line);
  if (!m) return;
  wb_trap_t *trap;
  wb_error_t *err;
  wb_instance_t *inst = instantiate(c->store, m, &trap, &err);
  check_(!inst && !err && trap && wb_trap_code(trap) == code, line,
         "%s: want an instantiation trap '%s', got %s%s", name, wb_trap_code_name(code),
         inst ? "an instance" : err ? "error: " : trap ? "trap: " : "nothing",
         err ? wb_error_message(err) : trap ? wb_trap_code_name(wb_trap_code(trap)) : "");
  wb_trap_delete(trap);
  wb_error_delete(err);
  check_healthy_(c, NULL, line);
}

static void test_segments(void) {
  ctx_t c;
  ctx_open(&c, NULL);
  segment_case(&c, "data_oob", WB_TRAP_MEMORY_OUT_OF_BOUNDS, __LINE__);
  segment_case(&c, "data_wrap", WB_TRAP_MEMORY_OUT_OF_BOUNDS, __LINE__);
  segment_case(&c, "elem_oob", WB_TRAP_TABLE_OUT_OF_BOUNDS, __LINE__);
  segment_case(&c, "elem_wrap", WB_TRAP_TABLE_OUT_OF_BOUNDS, __LINE__);
  ctx_close(&c);
}

/* {====================== Big modules ======================} */

/* 100k locals in one function: over the decoder's limit, a clean error
   with a position, from both wb_module_new and wb_module_validate. */
static void big_locals(ctx_t *c) {
  g_case = "locals100k";
  size_t len;
  uint8_t *bytes = read_wasm("locals100k", &len, __LINE__);
  if (!bytes) return;
  wb_module_t *m = NULL;
  wb_error_t *err = wb_module_new(c->engine, bytes, len, &m);
  CHECK(err && !m);
  if (err) {
    CHECK(wb_error_kind(err) == WB_ERROR_DECODE || wb_error_kind(err) == WB_ERROR_VALIDATE);
    CHECK(strstr(wb_error_message(err), "locals") != NULL);
    CHECK(wb_error_offset(err) != SIZE_MAX && wb_error_offset(err) < len);
  }
  wb_error_delete(err);
  wb_module_delete(m);
  err = wb_module_validate(c->engine, bytes, len);
  CHECK(err != NULL);
  wb_error_delete(err);
  free(bytes);
  CHECK_HEALTHY(c, NULL);
}

static void big_funcs(ctx_t *c) {
  g_case = "funcs100k";
  wb_instance_t *f = MUST_INST(c->store, CTX_LOAD(c, "funcs100k"));
  if (!f) return;
  EXPECT_VAL(c->store, f, "f0", A0, 0);
  EXPECT_VAL(c->store, f, "f50000", A0, 50000);
  EXPECT_VAL(c->store, f, "f99998", A0, 99998);
  EXPECT_VAL(c->store, f, "f99999", A1(0), 99999);
  outcome_t o = TRAPS(c->store, f, "f99999", A1(1), WB_TRAP_UNREACHABLE);
  CHECK_TOP_FRAME(o.trap, "f99999");
  if (o.trap && wb_trap_frame_count(o.trap))
    CHECK_EQ(wb_trap_frame_func_index(o.trap, 0), 99999);
  wb_trap_delete(o.trap);
  CHECK_POISONED(f);
  CHECK_HEALTHY(c, f);
}

static void big_brtable(ctx_t *c) {
  g_case = "brtable100k";
  wb_instance_t *b = MUST_INST(c->store, CTX_LOAD(c, "brtable100k"));
  if (!b) return;
  static const int32_t sel[] = {0, 1, 2, 3, 50000, 99998, 99999, 100000, 100001, -1};
  for (size_t i = 0; i < sizeof sel / sizeof sel[0]; i++) {
    uint32_t k = (uint32_t)sel[i];
    EXPECT_VAL(c->store, b, "sel", A1(sel[i]), k < 100000 ? 10 + k % 3 : 13);
  }
  CHECK_HEALTHY(c, b);
}

static void big_nest(ctx_t *c) {
  g_case = "nest10k";
  wb_instance_t *n = MUST_INST(c->store, CTX_LOAD(c, "nest10k"));
  if (!n) return;
  EXPECT_VAL(c->store, n, "deep", A1(1), 1);
  EXPECT_VAL(c->store, n, "deep", A1(0), 2);
  CHECK_HEALTHY(c, n);
}

static void test_big_modules(void) {
  ctx_t c;
  ctx_open(&c, NULL);
  double t0 = now_s();
  big_locals(&c);
  big_funcs(&c);
  big_brtable(&c);
  big_nest(&c);
  printf("big modules: %.2f s\n", now_s() - t0);
  ctx_close(&c);
}

/* {====================== Memory and table limits ======================} */

static void set_limits(wb_store_t *s, uint64_t mem_bytes, uint32_t table_elems) {
  wb_limits_t l = {.max_memory_bytes = mem_bytes, .max_table_elements = table_elems};
  wb_store_limits_set(s, &l);
}

/* A memory.grow bomb under a 64 MiB limit stops at 1024 pages. */
static void grow_bomb(void) {
  g_case = "grow bomb/64MiB";
  ctx_t c;
  ctx_open(&c, NULL);
  set_limits(c.store, 64 * MIB, 0);
  wb_instance_t *g = MUST_INST(c.store, CTX_LOAD(&c, "grow"));
  if (g) {
    EXPECT_VAL(c.store, g, "bomb", A0, 1024);
    EXPECT_VAL(c.store, g, "size", A0, 1024);
    EXPECT_VAL(c.store, g, "grow", A1(1), -1);
    EXPECT_VAL(c.store, g, "grow", A1(65536), -1);
    EXPECT_VAL(c.store, g, "grow", A1(-1), -1);
    EXPECT_VAL(c.store, g, "size", A0, 1024);
    EXPECT_VAL(c.store, g, "touch_last", A0, 0x5a);
    EXPECT_TRAP(c.store, g, "load", A1(64 << 20), WB_TRAP_MEMORY_OUT_OF_BOUNDS);
    /* The host cannot grow past the limit either. */
    wb_memory_t *mem = wb_instance_memory(g);
    uint32_t old = 0;
    CHECK(mem && !wb_memory_grow(mem, 1, &old));
    if (mem) CHECK_EQ(wb_memory_pages(mem), 1024);
    CHECK_HEALTHY(&c, g);
  }
  ctx_close(&c);

  /* With no store limit, a grow by 65536 pages from 1 is still refused. */
  g_case = "grow/no limit";
  ctx_open(&c, NULL);
  g = MUST_INST(c.store, CTX_LOAD(&c, "grow"));
  if (g) {
    EXPECT_VAL(c.store, g, "grow", A1(65536), -1);
    EXPECT_VAL(c.store, g, "grow", A1(9), 1);
    /* A limit set later applies to memories that already exist. */
    set_limits(c.store, 12 * 65536, 0);
    EXPECT_VAL(c.store, g, "grow", A1(2), 10);
    EXPECT_VAL(c.store, g, "grow", A1(1), -1);
    EXPECT_VAL(c.store, g, "size", A0, 12);
    /* Raising the limit (or removing it) lets existing memories grow again. */
    set_limits(c.store, 14 * 65536, 0);
    EXPECT_VAL(c.store, g, "grow", A1(2), 12);
    EXPECT_VAL(c.store, g, "grow", A1(1), -1);
    set_limits(c.store, 0, 0);
    EXPECT_VAL(c.store, g, "grow", A1(1), 14);
    EXPECT_VAL(c.store, g, "size", A0, 15);
    CHECK_HEALTHY(&c, g);
  }
  ctx_close(&c);
}

/* Initial sizes above the limit fail instantiation with an error. */
static void initial_over_limit(void) {
  g_case = "initial memory over limit";
  ctx_t c;
  ctx_open(&c, NULL);
  set_limits(c.store, 64 * MIB, 1000);
  static const char *const names[] = {"bigmem", "bigtable"};
  for (size_t i = 0; i < 2; i++) {
    wb_module_t *m = CTX_LOAD(&c, names[i]);
    if (!m) continue;
    wb_trap_t *trap;
    wb_error_t *err;
    wb_instance_t *inst = instantiate(c.store, m, &trap, &err);
    check_(!inst && !trap && err, __LINE__, "%s: want an instantiation error, got %s", names[i],
           inst ? "an instance" : trap ? wb_trap_message(trap) : "nothing");
    if (err) {
      const char *msg = wb_error_message(err);
      printf("  %s over the limit: \"%s\"\n", names[i], msg);
      CHECK(strstr(msg, i == 0 ? "memory" : "table") != NULL);
      CHECK(strstr(msg, "limit") || strstr(msg, "exceed") || strstr(msg, "maximum"));
    }
    wb_trap_delete(trap);
    wb_error_delete(err);
    CHECK_HEALTHY(&c, NULL);
  }
  /* Exactly at the limit is fine, and cannot grow. */
  g_case = "memory at limit";
  wb_instance_t *a = MUST_INST(c.store, CTX_LOAD(&c, "mem_at_limit"));
  if (a) {
    EXPECT_VAL(c.store, a, "last", A0, 9);
    EXPECT_VAL(c.store, a, "grow", A1(1), -1);
    CHECK_HEALTHY(&c, a);
  }
  ctx_close(&c);
}

/* A table.grow bomb under max_table_elements stops at the limit. */
static void table_bomb(void) {
  g_case = "table.grow bomb";
  ctx_t c;
  ctx_open(&c, NULL);
  set_limits(c.store, 0, 100000);
  wb_instance_t *t = MUST_INST(c.store, CTX_LOAD(&c, "tables"));
  if (t) {
    EXPECT_VAL(c.store, t, "bomb", A0, 100000);
    EXPECT_VAL(c.store, t, "grow", A1(1), -1);
    EXPECT_VAL(c.store, t, "grow", A1(0), 100000);
    EXPECT_VAL(c.store, t, "call", A1(0), 100);
    /* A raised limit applies to existing tables; the declared maximum of
       table $t (10) still holds. */
    set_limits(c.store, 0, 100500);
    EXPECT_VAL(c.store, t, "grow", A1(500), 100000);
    EXPECT_VAL(c.store, t, "grow", A1(1), -1);
    EXPECT_VAL(c.store, t, "size", A0, 4);
    CHECK_HEALTHY(&c, t);
  }
  ctx_close(&c);
}

/* {====================== Deadline and interrupt ======================} */

/* An endless loop (and an endless loop of calls) under a 50 ms deadline. */
static void deadline_loops(void) {
  g_case = "deadline";
  ctx_t c;
  ctx_open(&c, NULL);
  wb_store_deadline_set(c.store, 50 * MS);
  wb_instance_t *l = MUST_INST(c.store, CTX_LOAD(&c, "loop"));
  if (l) {
    CHECK(!wb_instance_poisoned(l));
    outcome_t o = TRAPS(c.store, l, "spin", A0, WB_TRAP_INTERRUPT);
    check_(o.secs < 2.0 && o.secs > 0.02, __LINE__, "spin stopped after %.3f s", o.secs);
    CHECK_TOP_FRAME(o.trap, "spin");
    wb_trap_delete(o.trap);
    CHECK_POISONED(l);
    CHECK_HEALTHY(&c, l);
    /* The deadline holds for every later call, not just the first. */
    o = TRAPS(c.store, l, "spin_calls", A0, WB_TRAP_INTERRUPT);
    check_(o.secs < 2.0, __LINE__, "spin_calls stopped after %.3f s", o.secs);
    wb_trap_delete(o.trap);
    o = TRAPS(c.store, l, "spin", A0, WB_TRAP_INTERRUPT);
    check_(o.secs < 2.0, __LINE__, "second spin stopped after %.3f s", o.secs);
    wb_trap_delete(o.trap);
    /* Other back-edge shapes: br_table, fused br_if, br inside an if. */
    const struct {
      const char *name;
      args_t a;
    } shapes[] = {{"spin_brtable", A0}, {"spin_brif", A1(0)}, {"spin_if", A1(0)}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
      o = TRAPS(c.store, l, shapes[i].name, shapes[i].a, WB_TRAP_INTERRUPT);
      check_(o.secs < 2.0, __LINE__, "%s stopped after %.3f s", shapes[i].name, o.secs);
      wb_trap_delete(o.trap);
    }
    EXPECT_VAL(c.store, l, "count", A1(1000), 1000);
    CHECK_HEALTHY(&c, l);
    /* Removing the deadline: bounded work runs to the end. */
    wb_store_deadline_set(c.store, 0);
    EXPECT_VAL(c.store, l, "count", A1(3000000), 3000000);
    /* A timeout too large to ever pass must not wrap into the past (the
       calls run a few milliseconds so that a wrapped deadline does fire). */
    wb_store_deadline_set(c.store, UINT64_MAX);
    EXPECT_VAL(c.store, l, "count", A1(3000000), 3000000);
    wb_store_deadline_set(c.store, UINT64_MAX / 2);
    EXPECT_VAL(c.store, l, "count", A1(3000000), 3000000);
    /* A 1 ns deadline still stops an endless loop (and nothing else). */
    wb_store_deadline_set(c.store, 1);
    o = TRAPS(c.store, l, "spin", A0, WB_TRAP_INTERRUPT);
    check_(o.secs < 2.0, __LINE__, "spin stopped after %.3f s", o.secs);
    wb_trap_delete(o.trap);
  }
  ctx_close(&c);
}

/* An endless start function under a deadline: instantiation traps. */
static void deadline_start(void) {
  g_case = "deadline/start";
  ctx_t c;
  ctx_open(&c, NULL);
  wb_store_deadline_set(c.store, 50 * MS);
  wb_module_t *m = CTX_LOAD(&c, "start_loop");
  if (m) {
    wb_trap_t *trap;
    wb_error_t *err;
    double t0 = now_s();
    wb_instance_t *inst = instantiate(c.store, m, &trap, &err);
    double secs = now_s() - t0;
    check_(!inst && !err && trap && wb_trap_code(trap) == WB_TRAP_INTERRUPT, __LINE__,
           "start loop: want an interrupt trap, got %s",
           inst ? "an instance" : err ? wb_error_message(err) : trap ? wb_trap_message(trap) : "?");
    check_(secs < 2.0, __LINE__, "start loop stopped after %.3f s", secs);
    CHECK_TOP_FRAME(trap, "hang");
    wb_trap_delete(trap);
    wb_error_delete(err);
    CHECK_HEALTHY(&c, NULL);
  }
  ctx_close(&c);
}

typedef struct interrupter {
  wb_store_t *store;
  unsigned delay_ms;
} interrupter_t;

static void *interrupt_later(void *arg) {
  interrupter_t *it = arg;
  sleep_ms(it->delay_ms);
  wb_store_interrupt(it->store);
  return NULL;
}

/* wb_store_interrupt from another thread, during a call and during a start
   function; and before a call, which then traps at once. */
static void interrupts(void) {
  g_case = "interrupt";
  ctx_t c;
  ctx_open(&c, NULL);
  wb_instance_t *l = MUST_INST(c.store, CTX_LOAD(&c, "loop"));
  wb_module_t *start = CTX_LOAD(&c, "start_loop");
  interrupter_t it = {c.store, 20};
  pthread_t th;
  if (l && pthread_create(&th, NULL, interrupt_later, &it) == 0) {
    outcome_t o = TRAPS(c.store, l, "spin", A0, WB_TRAP_INTERRUPT);
    pthread_join(th, NULL);
    check_(o.secs < 2.0, __LINE__, "spin stopped after %.3f s", o.secs);
    CHECK_TOP_FRAME(o.trap, "spin");
    wb_trap_delete(o.trap);
    CHECK_POISONED(l);
    CHECK_HEALTHY(&c, l);
  }
  g_case = "interrupt/before call";
  if (l) {
    wb_store_interrupt(c.store);
    outcome_t o = TRAPS(c.store, l, "spin", A0, WB_TRAP_INTERRUPT);
    check_(o.secs < 2.0, __LINE__, "spin stopped after %.3f s", o.secs);
    wb_trap_delete(o.trap);
    /* The request is used up: the next calls run normally. */
    EXPECT_VAL(c.store, l, "count", A1(1000), 1000);
    CHECK_HEALTHY(&c, l);
  }
  g_case = "interrupt/start";
  if (start && pthread_create(&th, NULL, interrupt_later, &it) == 0) {
    wb_trap_t *trap;
    wb_error_t *err;
    wb_instance_t *inst = instantiate(c.store, start, &trap, &err);
    pthread_join(th, NULL);
    CHECK(!inst && !err && trap && wb_trap_code(trap) == WB_TRAP_INTERRUPT);
    wb_trap_delete(trap);
    wb_error_delete(err);
    CHECK_HEALTHY(&c, NULL);
  }
  ctx_close(&c);
}

/* {====================== Fuel ======================} */

/* Fuel count(n) uses, starting from a full tank. */
static uint64_t fuel_used_by_count(ctx_t *c, wb_instance_t *l, int32_t n) {
  const uint64_t tank = 100000000;
  wb_store_fuel_set(c->store, tank);
  EXPECT_VAL(c->store, l, "count", A1(n), n);
  return tank - wb_store_fuel_get(c->store);
}

static void fuel_loops(ctx_t *c, wb_instance_t *l) {
  CHECK_EQ(wb_store_fuel_get(c->store), UINT64_MAX); /* off by default */
  wb_store_fuel_set(c->store, 1000000);
  CHECK_EQ(wb_store_fuel_get(c->store), 1000000);
  outcome_t o = TRAPS(c->store, l, "spin", A0, WB_TRAP_OUT_OF_FUEL);
  CHECK_TOP_FRAME(o.trap, "spin");
  wb_trap_delete(o.trap);
  CHECK_EQ(wb_store_fuel_get(c->store), 0);
  CHECK_POISONED(l);
  /* Still empty: every call traps at once. */
  EXPECT_TRAP(c->store, l, "count", A1(10), WB_TRAP_OUT_OF_FUEL);
  wb_store_fuel_add(c->store, 1000000);
  CHECK_HEALTHY(c, l);
  wb_store_fuel_set(c->store, 1000000);
  EXPECT_TRAP(c->store, l, "spin_calls", A0, WB_TRAP_OUT_OF_FUEL);
  CHECK_EQ(wb_store_fuel_get(c->store), 0);
  wb_store_fuel_set(c->store, 1000000);
  EXPECT_TRAP(c->store, l, "spin_brtable", A0, WB_TRAP_OUT_OF_FUEL);
  wb_store_fuel_set(c->store, 1000000);
  EXPECT_TRAP(c->store, l, "spin_brif", A1(0), WB_TRAP_OUT_OF_FUEL);
  wb_store_fuel_set(c->store, 1000000);
  EXPECT_TRAP(c->store, l, "spin_if", A1(0), WB_TRAP_OUT_OF_FUEL);
  CHECK_EQ(wb_store_fuel_get(c->store), 0);
  wb_store_fuel_add(c->store, 1000000);
  CHECK_HEALTHY(c, l);
}

/* Fuel is deterministic and roughly proportional to the work done. */
static void fuel_accounting(ctx_t *c, wb_instance_t *l) {
  uint64_t u1 = fuel_used_by_count(c, l, 1000);
  uint64_t u1b = fuel_used_by_count(c, l, 1000);
  uint64_t u2 = fuel_used_by_count(c, l, 2000);
  printf("  fuel: count(1000) used %" PRIu64 ", count(2000) used %" PRIu64 "\n", u1, u2);
  CHECK_EQ(u1, u1b);
  CHECK(u1 >= 1000 && u1 < 100000);
  CHECK(u2 > u1 + 500 && u2 < 3 * u1);
  wb_store_fuel_set(c->store, u1 / 2);
  EXPECT_TRAP(c->store, l, "count", A1(1000), WB_TRAP_OUT_OF_FUEL);
  CHECK_EQ(wb_store_fuel_get(c->store), 0);
  wb_store_fuel_set(c->store, u1 + 100);
  EXPECT_VAL(c->store, l, "count", A1(1000), 1000);
  CHECK_EQ(wb_store_fuel_get(c->store), 100);
  wb_store_fuel_disable(c->store);
  CHECK_EQ(wb_store_fuel_get(c->store), UINT64_MAX);
  EXPECT_VAL(c->store, l, "count", A1(100000), 100000);
  CHECK_EQ(wb_store_fuel_get(c->store), UINT64_MAX);
}

static void test_fuel(void) {
  g_case = "fuel";
  ctx_t c;
  ctx_open(&c, NULL);
  wb_instance_t *l = MUST_INST(c.store, CTX_LOAD(&c, "loop"));
  wb_instance_t *r = MUST_INST(c.store, CTX_LOAD(&c, "recurse"));
  wb_module_t *start = CTX_LOAD(&c, "start_loop");
  if (l && r && start) {
    fuel_loops(&c, l);
    fuel_accounting(&c, l);
    g_case = "fuel/recursion";
    wb_store_fuel_set(c.store, 1000);
    EXPECT_TRAP(c.store, r, "down", A1(0), WB_TRAP_OUT_OF_FUEL);
    g_case = "fuel/start";
    wb_store_fuel_set(c.store, 100000);
    wb_trap_t *trap;
    wb_error_t *err;
    wb_instance_t *inst = instantiate(c.store, start, &trap, &err);
    CHECK(!inst && !err && trap && wb_trap_code(trap) == WB_TRAP_OUT_OF_FUEL);
    wb_trap_delete(trap);
    wb_error_delete(err);
    wb_store_fuel_set(c.store, 1000000);
    CHECK_HEALTHY(&c, r);
    /* Plenty of fuel and a deadline: the deadline wins. */
    g_case = "fuel+deadline";
    wb_store_fuel_set(c.store, (uint64_t)1 << 50);
    wb_store_deadline_set(c.store, 50 * MS);
    outcome_t o = TRAPS(c.store, l, "spin", A0, WB_TRAP_INTERRUPT);
    check_(o.secs < 2.0, __LINE__, "spin stopped after %.3f s", o.secs);
    wb_trap_delete(o.trap);
    CHECK_HEALTHY(&c, l);
  }
  ctx_close(&c);
}

/* {====================== Re-entrancy through the host ======================} */

/* The host import of reenter.wat: calls the guest's rec(n) again. */
static wb_trap_t *host_reenter(void *env, wb_caller_t *caller, const wb_val_t *args,
                               size_t nargs, wb_val_t *results, size_t nresults) {
  wb_func_t *rec = *(wb_func_t **)env;
  wb_trap_t *trap = NULL;
  wb_error_t *err = wb_func_call(wb_caller_store(caller), rec, args, nargs, results, nresults, &trap);
  if (err) {
    wb_error_delete(err);
    return wb_trap_new(WB_TRAP_HOST, "re-entrant call failed");
  }
  return trap;
}

/* Guest -> host -> guest recursion, bounded and then unbounded: the guest
   decides how deep the native stack goes, so the engine must trap with
   WB_TRAP_STACK_EXHAUSTED before the host's stack overflows. */
static void reentrancy_case(void) {
  ctx_t c;
  ctx_open(&c, NULL);
  wb_module_t *m = CTX_LOAD(&c, "reenter");
  wb_func_t *rec = NULL;
  wb_linker_t *l = wb_linker_new(c.store);
  wb_valkind_t i32 = WB_I32;
  wb_functype_t *t = wb_functype_new(&i32, 1, &i32, 1);
  wb_error_t *err = wb_linker_define_func(l, "host", "reenter", t, host_reenter, &rec, NULL);
  CHECK(err == NULL);
  wb_error_delete(err);
  wb_functype_delete(t);
  wb_instance_t *inst = NULL;
  wb_trap_t *trap = NULL;
  err = m ? wb_linker_instantiate(l, m, &inst, &trap) : NULL;
  wb_linker_delete(l);
  CHECK(inst && !err && !trap);
  wb_error_delete(err);
  wb_trap_delete(trap);
  wb_extern_t ex;
  if (inst && wb_instance_export_get(inst, "rec", 3, &ex)) {
    rec = ex.of.func;
    EXPECT_VAL(c.store, inst, "rec", A1(100), 100);
    EXPECT_TRAP(c.store, inst, "rec", A1(-1), WB_TRAP_STACK_EXHAUSTED);
    CHECK_HEALTHY(&c, inst);
  }
  ctx_close(&c);
}

/* Runs reentrancy_case in a child process, so that if the host's stack
   does overflow the rest of the test still runs and reports it. */
static void test_reentrancy(void) {
  g_case = "re-entrancy";
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    atomic_store(&g_failed, 0);
    reentrancy_case();
    fflush(NULL);
    _exit(atomic_load(&g_failed) ? 1 : 0);
  }
  int st = 0;
  bool waited = pid > 0 && waitpid(pid, &st, 0) == pid;
  check_(waited && WIFEXITED(st) && WEXITSTATUS(st) == 0, __LINE__,
         "guest -> host -> guest recursion: child %s %d", !waited ? "not run" :
         WIFSIGNALED(st) ? "killed by signal" : "exited with status",
         !waited ? 0 : WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

/* {====================== Isolation ======================} */

/* Modules shared by the isolation threads (modules are immutable). */
typedef struct shared {
  wb_engine_t *engine;
  wb_module_t *healthy, *loop, *recurse, *bounds, *grow, *tables;
  int rounds;
} shared_t;

/* Thread A: endless loops under a deadline, then unbounded recursion. */
static void *hostile_a(void *arg) {
  shared_t *sh = arg;
  g_case = "isolation/thread A";
  for (int i = 0; i < sh->rounds; i++) {
    ctx_t c;
    ctx_open_shared(&c, sh->engine, sh->healthy);
    wb_store_deadline_set(c.store, 50 * MS);
    wb_instance_t *l = MUST_INST(c.store, sh->loop);
    wb_instance_t *r = MUST_INST(c.store, sh->recurse);
    outcome_t o = TRAPS(c.store, l, "spin", A0, WB_TRAP_INTERRUPT);
    check_(o.secs < 2.0, __LINE__, "spin stopped after %.3f s", o.secs);
    wb_trap_delete(o.trap);
    EXPECT_TRAP(c.store, r, "down", A1(0), WB_TRAP_STACK_EXHAUSTED);
    CHECK_HEALTHY(&c, l);
    ctx_close(&c);
  }
  return NULL;
}

/* Thread B: out-of-bounds accesses, a grow bomb and table traps. */
static void *hostile_b(void *arg) {
  shared_t *sh = arg;
  g_case = "isolation/thread B";
  for (int i = 0; i < sh->rounds; i++) {
    ctx_t c;
    ctx_open_shared(&c, sh->engine, sh->healthy);
    set_limits(c.store, 64 * MIB, 0);
    wb_instance_t *b = MUST_INST(c.store, sh->bounds);
    wb_instance_t *g = MUST_INST(c.store, sh->grow);
    wb_instance_t *t = MUST_INST(c.store, sh->tables);
    for (int k = 0; k < 20; k++) {
      EXPECT_TRAP(c.store, b, "load64", A1(65529), WB_TRAP_MEMORY_OUT_OF_BOUNDS);
      EXPECT_TRAP(c.store, b, "store8_off1", A2(-1, 1), WB_TRAP_MEMORY_OUT_OF_BOUNDS);
    }
    EXPECT_VAL(c.store, g, "bomb", A0, 1024);
    EXPECT_TRAP(c.store, g, "load", A1(64 << 20), WB_TRAP_MEMORY_OUT_OF_BOUNDS);
    EXPECT_TRAP(c.store, t, "call", A1(2), WB_TRAP_UNINITIALIZED_ELEMENT);
    EXPECT_TRAP(c.store, t, "call", A1(1), WB_TRAP_INDIRECT_CALL_TYPE_MISMATCH);
    CHECK_HEALTHY(&c, b);
    ctx_close(&c);
  }
  return NULL;
}

static atomic_bool g_hostile_done;

static void *hostile_both(void *arg) {
  pthread_t a;
  bool started = pthread_create(&a, NULL, hostile_a, arg) == 0;
  check_(started, __LINE__, "cannot start thread A");
  hostile_b(arg);
  if (started) pthread_join(a, NULL);
  atomic_store(&g_hostile_done, true);
  return NULL;
}

/* Two threads run hostile modules in their own stores while this thread's
   healthy store keeps computing correct results. */
static void test_isolation(void) {
  g_case = "isolation";
  shared_t sh;
  memset(&sh, 0, sizeof sh);
  sh.engine = engine_new(NULL);
  sh.rounds = 8;
  sh.healthy = LOAD(sh.engine, "healthy");
  sh.loop = LOAD(sh.engine, "loop");
  sh.recurse = LOAD(sh.engine, "recurse");
  sh.bounds = LOAD(sh.engine, "bounds");
  sh.grow = LOAD(sh.engine, "grow");
  sh.tables = LOAD(sh.engine, "tables");
  ctx_t c;
  ctx_open_shared(&c, sh.engine, sh.healthy);
  wb_instance_t *h = MUST_INST(c.store, sh.healthy);
  pthread_t th;
  if (h && sh.loop && sh.recurse && sh.bounds && sh.grow && sh.tables &&
      pthread_create(&th, NULL, hostile_both, &sh) == 0) {
    int iters = 0, bad = 0;
    double t0 = now_s();
    while (!atomic_load(&g_hostile_done) || iters < 10) {
      /* Tallied here so a long run adds one check, not thousands. */
      static const struct {
        const char *name;
        int32_t arg, want;
      } work[] = {{"fib", 30, 832040}, {"sum_sq", 100, 328350}, {"depth", 200, 200}};
      for (size_t k = 0; k < sizeof work / sizeof work[0]; k++) {
        outcome_t o = run_(c.store, h, work[k].name, A1(work[k].arg), __LINE__);
        if (!o.ok || o.trap || o.res[0].of.i32 != work[k].want) bad++;
        wb_trap_delete(o.trap);
      }
      iters++;
    }
    pthread_join(th, NULL);
    printf("  isolation: %d healthy rounds in %.2f s while hostile threads ran\n", iters,
           now_s() - t0);
    CHECK_EQ(bad, 0);
    CHECK(!wb_instance_poisoned(h));
  }
  ctx_close(&c);
  wb_module_t *mods[] = {sh.healthy, sh.loop, sh.recurse, sh.bounds, sh.grow, sh.tables};
  for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++) wb_module_delete(mods[i]);
  wb_engine_delete(sh.engine);
}

/* {====================== Main ======================} */

int main(int argc, char **argv) {
  int ai = 1;
  for (; ai + 1 < argc && argv[ai][0] == '-'; ai += 2) {
    if (strcmp(argv[ai], "--cache") == 0) g_cache = argv[ai + 1];
    else if (strcmp(argv[ai], "--engine") == 0 && strcmp(argv[ai + 1], "aot") == 0)
      g_engine = WB_ENGINE_AOT;
    else if (strcmp(argv[ai], "--engine") == 0 && strcmp(argv[ai + 1], "interp") == 0)
      g_engine = WB_ENGINE_INTERP;
    else break;
  }
  if (argc != ai + 1) {
    fprintf(stderr, "usage: limits [--engine interp|aot] [--cache DIR] DIR-OF-WASM\n");
    return 2;
  }
  g_dir = argv[ai];
  static const struct {
    const char *name;
    void (*fn)(void);
  } tests[] = {
      {"recursion", test_recursion},       {"big frames", test_big_frames},
      {"bounds", test_bounds},             {"poison chain", test_poison_chain},
      {"tables", test_tables},
      {"segments", test_segments},         {"big modules", test_big_modules},
      {"grow bomb", grow_bomb},            {"initial over limit", initial_over_limit},
      {"table bomb", table_bomb},          {"deadline", deadline_loops},
      {"deadline start", deadline_start},  {"interrupt", interrupts},
      {"fuel", test_fuel},                 {"re-entrancy", test_reentrancy},
      {"isolation", test_isolation},
  };
  double t0 = now_s();
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    int failed0 = atomic_load(&g_failed);
    double t = now_s();
    tests[i].fn();
    printf("%-20s %s (%.2f s)\n", tests[i].name,
           atomic_load(&g_failed) == failed0 ? "ok" : "FAILED", now_s() - t);
    fflush(stdout);
  }
  printf("total %.2f s\n", now_s() - t0);
  printf("limits: %d passed, %d failed\n", atomic_load(&g_passed), atomic_load(&g_failed));
  return atomic_load(&g_failed) ? 1 : 0;
}
