/* SPDX-License-Identifier: Apache-2.0 */
/*
** Templates and pools: an instance made from a template starts from the
** initialised state, and a pooled instance never shows the next borrower
** anything the previous call did (memory, grown memory, globals, table
** slots, dropped segments), after a normal return, a trap or an interrupt.
** Two threads hammer one pool to catch races (run under helgrind by the
** pool_helgrind test when valgrind is installed).
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "wasmbox.h"

/* The module, as binary (assembled from this text by hand-checked wat2wasm):

  (module
    (type $v (func))
    (memory 2 100)
    (table 4 funcref)
    (global $g (mut i32) (i32.const 0))
    (global $counter (mut i64) (i64.const 0))
    (data $p "passive!")
    (func $init (export "wizer.initialize")
      (i32.store (i32.const 100) (i32.const 42))     ;; initialised state
      (global.set $g (i32.const 7))
      (table.set 0 (i32.const 0) (ref.func $one)))
    (func $one (result i32) (i32.const 1))
    (func $two (result i32) (i32.const 2))
    (func (export "dirty") (param $secret i32)
      (i32.store (i32.const 100) (local.get $secret))
      (i32.store (i32.const 70000) (local.get $secret)) ;; second page
      (drop (memory.grow (i32.const 3)))
      (i32.store (i32.const 200000) (local.get $secret)) ;; grown page
      (global.set $g (local.get $secret))
      (table.set 0 (i32.const 1) (ref.func $two))
      (data.drop $p))
    (func (export "read") (result i32)                 ;; sum of what a caller can see
      (i32.add (i32.load (i32.const 100))
        (i32.add (i32.load (i32.const 70000)) (global.get $g))))
    (func (export "pages") (result i32) (memory.size))
    (func (export "slot1") (result i32) (ref.is_null (table.get 0 (i32.const 1))))
    (func (export "init_ok") (result i32)   ;; memory.init works only if $p is not dropped
      (memory.init $p (i32.const 0) (i32.const 0) (i32.const 8)) (i32.load8_u (i32.const 0)))
    (func (export "trap") (param $secret i32)
      (i32.store (i32.const 100) (local.get $secret)) unreachable)
    (func (export "spin") (param $secret i32)
      (global.set $g (local.get $secret)) (loop (br 0)))
    (elem declare func $one $two)
  )
*/
static const char *module_wat =
    "(module (type $v (func)) (memory 2 100) (table 4 funcref)"
    " (global $g (mut i32) (i32.const 0)) (global $counter (mut i64) (i64.const 0))"
    " (data $p \"passive!\")"
    " (func $init (export \"wizer.initialize\") (i32.store (i32.const 100) (i32.const 42))"
    "   (global.set $g (i32.const 7)) (table.set 0 (i32.const 0) (ref.func $one)))"
    " (func $one (result i32) (i32.const 1)) (func $two (result i32) (i32.const 2))"
    " (func (export \"dirty\") (param $secret i32)"
    "   (i32.store (i32.const 100) (local.get $secret))"
    "   (i32.store (i32.const 70000) (local.get $secret))"
    "   (drop (memory.grow (i32.const 3)))"
    "   (i32.store (i32.const 200000) (local.get $secret))"
    "   (global.set $g (local.get $secret)) (table.set 0 (i32.const 1) (ref.func $two))"
    "   (data.drop $p))"
    " (func (export \"read\") (result i32) (i32.add (i32.load (i32.const 100))"
    "   (i32.add (i32.load (i32.const 70000)) (global.get $g))))"
    " (func (export \"pages\") (result i32) (memory.size))"
    " (func (export \"slot1\") (result i32) (ref.is_null (table.get 0 (i32.const 1))))"
    " (func (export \"init_ok\") (result i32)"
    "   (memory.init $p (i32.const 0) (i32.const 0) (i32.const 8)) (i32.load8_u (i32.const 0)))"
    " (func (export \"trap\") (param $secret i32) (i32.store (i32.const 100) (local.get $secret))"
    "   unreachable)"
    " (func (export \"spin\") (param $secret i32) (global.set $g (local.get $secret))"
    "   (loop (br 0)))"
    " (elem declare func $one $two))";

static wb_engine_t *engine;
static wb_module_t *module;

/* Assembles module_wat with wat2wasm into a module. */
static void load_module(void) {
  char dir[] = "/tmp/wb-pool-XXXXXX";
  if (!mkdtemp(dir)) abort();
  char wat[300], wasm[300], cmd[700];
  snprintf(wat, sizeof wat, "%s/m.wat", dir);
  snprintf(wasm, sizeof wasm, "%s/m.wasm", dir);
  FILE *f = fopen(wat, "w");
  fputs(module_wat, f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "wat2wasm %s -o %s", wat, wasm);
  if (system(cmd) != 0) abort();
  f = fopen(wasm, "rb");
  static uint8_t buf[4096];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0) abort();
  wb_error_t *err = wb_module_new(engine, buf, n, &module);
  if (err) {
    fprintf(stderr, "module: %s\n", wb_error_message(err));
    abort();
  }
}

/* Calls export name of inst with up to one i32 argument; returns its i32
   result (0 if none) and the trap code through *code (0 if none). */
static int32_t call(wb_store_t *store, wb_instance_t *inst, const char *name, int nargs,
                    int32_t arg, int *code) {
  wb_extern_t x;
  if (!wb_instance_export_get(inst, name, strlen(name), &x)) abort();
  wb_val_t a = {.kind = WB_I32, .of.i32 = arg}, r = {.kind = WB_I32};
  size_t nres = wb_functype_result_count(wb_func_type(x.of.func));
  wb_trap_t *trap = NULL;
  wb_error_t *err = wb_func_call(store, x.of.func, &a, (size_t)nargs, &r, nres, &trap);
  if (err) abort();
  *code = trap ? (int)wb_trap_code(trap) : 0;
  wb_trap_delete(trap);
  return nres ? r.of.i32 : 0;
}

/* Checks that an instance shows exactly the initialised state. */
static void check_pristine(wb_store_t *s, wb_instance_t *inst) {
  int code;
  CHECK_EQ(call(s, inst, "read", 0, 0, &code), 42 + 0 + 7);
  CHECK_EQ(call(s, inst, "pages", 0, 0, &code), 2);
  CHECK_EQ(call(s, inst, "slot1", 0, 0, &code), 1);
  CHECK_EQ(call(s, inst, "init_ok", 0, 0, &code), 'p');
  CHECK_EQ(code, 0);
  CHECK(!wb_instance_poisoned(inst));
}

static wb_template_t *make_template(wb_store_t *host) {
  wb_linker_t *l = wb_linker_new(host);
  wb_template_t *t = NULL;
  wb_trap_t *trap = NULL;
  wb_error_t *err = wb_template_new(l, module, NULL, &t, &trap);
  CHECK(err == NULL && trap == NULL && t != NULL);
  wb_linker_delete(l);
  return t;
}

static void test_template_instances(void) {
  wb_store_t *host = wb_store_new(engine);
  wb_template_t *t = make_template(host);
  CHECK_EQ(wb_template_memory_size(t), 2 * 65536);
  wb_store_t *s = wb_store_new(engine);
  wb_instance_t *a, *b;
  CHECK(wb_template_instantiate(t, s, &a) == NULL);
  CHECK(wb_template_instantiate(t, s, &b) == NULL);
  check_pristine(s, a);
  int code;
  call(s, a, "dirty", 1, 1000, &code);
  CHECK_EQ(call(s, a, "read", 0, 0, &code), 3000);
  check_pristine(s, b); /* copy-on-write: a's writes are a's alone */
  wb_store_delete(s);
  wb_template_delete(t);
  wb_store_delete(host);
}

/* One borrower dirties everything in some way, the next must not see it. */
static void test_pool_reset(void) {
  wb_store_t *host = wb_store_new(engine);
  wb_template_t *t = make_template(host);
  wb_pool_config_t cfg = {.max_instances = 1, .deadline_ns = 50 * 1000 * 1000};
  wb_pool_t *pool = wb_pool_new(t, &cfg);
  const char *ways[] = {"dirty", "trap", "spin"};
  const int want[] = {0, WB_TRAP_UNREACHABLE, WB_TRAP_INTERRUPT};
  for (int round = 0; round < 6; round++) {
    wb_pooled_t *p;
    CHECK(wb_pool_acquire(pool, 0, &p) == NULL);
    check_pristine(wb_pooled_store(p), wb_pooled_instance(p));
    int code;
    call(wb_pooled_store(p), wb_pooled_instance(p), ways[round % 3], 1, 0x5EC2E7, &code);
    CHECK_EQ(code, want[round % 3]);
    wb_pooled_t *q;
    wb_error_t *busy = wb_pool_acquire(pool, 0, &q); /* bound of 1: fail fast */
    CHECK(busy != NULL && q == NULL);
    if (busy) CHECK_CONTAINS(wb_error_message(busy), "pool exhausted");
    wb_error_delete(busy);
    wb_pool_release(pool, p);
  }
  wb_pool_stats_t st;
  wb_pool_stats(pool, &st);
  CHECK_EQ(st.created, 1);
  CHECK_EQ(st.reset, 6);
  CHECK_EQ(st.idle, 1);
  CHECK_EQ(st.active, 0);
  CHECK_EQ(st.discarded, 0);
  wb_pool_delete(pool);
  wb_template_delete(t);
  wb_store_delete(host);
}

typedef struct worker {
  wb_pool_t *pool;
  int rounds, bad;
} worker_t;

static void *hammer(void *arg) {
  worker_t *w = arg;
  for (int i = 0; i < w->rounds; i++) {
    wb_pooled_t *p;
    wb_error_t *err = wb_pool_acquire(w->pool, UINT64_MAX, &p);
    if (err) {
      wb_error_delete(err);
      w->bad++;
      continue;
    }
    int code;
    wb_store_t *s = wb_pooled_store(p);
    wb_instance_t *inst = wb_pooled_instance(p);
    if (call(s, inst, "read", 0, 0, &code) != 49) w->bad++;
    call(s, inst, i % 2 ? "dirty" : "trap", 1, i + 1, &code);
    wb_pool_release(w->pool, p);
  }
  return NULL;
}

static void test_pool_threads(void) {
  wb_store_t *host = wb_store_new(engine);
  wb_template_t *t = make_template(host);
  wb_pool_config_t cfg = {.max_instances = 3};
  wb_pool_t *pool = wb_pool_new(t, &cfg);
  const char *env = getenv("WB_POOL_ROUNDS");
  worker_t w[2] = {{pool, env ? atoi(env) : 2000, 0}, {pool, env ? atoi(env) : 2000, 0}};
  pthread_t th[2];
  for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, hammer, &w[i]);
  for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
  CHECK_EQ(w[0].bad + w[1].bad, 0);
  wb_pool_stats_t st;
  wb_pool_stats(pool, &st);
  CHECK(st.created <= 3);
  CHECK_EQ(st.active, 0);
  CHECK_EQ(st.reset, (uint64_t)(w[0].rounds + w[1].rounds));
  wb_pool_delete(pool);
  wb_template_delete(t);
  wb_store_delete(host);
}

static void test_template_errors(void) {
  wb_store_t *host = wb_store_new(engine);
  wb_linker_t *l = wb_linker_new(host);
  wb_template_t *t = NULL;
  wb_trap_t *trap = NULL;
  wb_error_t *err = wb_template_new(l, module, "no_such_export", &t, &trap);
  CHECK(err != NULL && t == NULL);
  if (err) CHECK_CONTAINS(wb_error_message(err), "no_such_export");
  wb_error_delete(err);
  err = wb_template_new(l, module, "trap", &t, &trap); /* takes a param: refused */
  CHECK(err != NULL && t == NULL);
  wb_error_delete(err);
  wb_linker_delete(l);
  wb_store_delete(host);
}

/* wb_template_derive: setup calls export name with arg (see derive_setup). */
typedef struct derive_step {
  const char *name;
  int32_t arg;
} derive_step_t;

static wb_error_t *derive_setup(void *env, wb_store_t *store, wb_instance_t *inst,
                                wb_trap_t **trap) {
  const derive_step_t *step = env;
  wb_store_deadline_set(store, 50 * 1000 * 1000);
  wb_extern_t x;
  if (!wb_instance_export_get(inst, step->name, strlen(step->name), &x)) abort();
  wb_val_t a = {.kind = WB_I32, .of.i32 = step->arg};
  return wb_func_call(store, x.of.func, &a, 1, NULL, 0, trap);
}

/* The derived template starts where setup left off, and resets go back
   there, not to the base. */
static void check_derived(wb_store_t *s, wb_instance_t *inst) {
  int code;
  CHECK_EQ(call(s, inst, "read", 0, 0, &code), 3 * 1000);
  CHECK_EQ(call(s, inst, "pages", 0, 0, &code), 5);
  CHECK_EQ(call(s, inst, "slot1", 0, 0, &code), 0);
  call(s, inst, "init_ok", 0, 0, &code); /* the segment stays dropped */
  CHECK_EQ(code, WB_TRAP_MEMORY_OUT_OF_BOUNDS);
}

static void test_template_derive(void) {
  wb_store_t *host = wb_store_new(engine);
  wb_template_t *base = make_template(host), *t = NULL;
  wb_trap_t *trap = NULL;
  derive_step_t step = {"dirty", 1000};
  CHECK(wb_template_derive(base, derive_setup, &step, &t, &trap) == NULL && !trap && t);
  CHECK_EQ(wb_template_memory_size(t), 5 * 65536);
  wb_pool_t *pool = wb_pool_new(t, NULL);
  for (int round = 0; round < 2; round++) {
    wb_pooled_t *p;
    CHECK(wb_pool_acquire(pool, 0, &p) == NULL);
    check_derived(wb_pooled_store(p), wb_pooled_instance(p));
    int code;
    call(wb_pooled_store(p), wb_pooled_instance(p), "dirty", 1, 9, &code);
    wb_pool_release(pool, p);
  }
  wb_pool_delete(pool);
  wb_store_t *s = wb_store_new(engine);
  wb_instance_t *b;
  CHECK(wb_template_instantiate(base, s, &b) == NULL);
  check_pristine(s, b); /* the base is untouched */
  wb_store_delete(s);
  wb_template_delete(t);
  derive_step_t bad[] = {{"trap", 1}, {"spin", 1}};
  for (int i = 0; i < 2; i++) {
    t = NULL;
    CHECK(wb_template_derive(base, derive_setup, &bad[i], &t, &trap) == NULL && trap && !t);
    if (trap) CHECK_EQ(wb_trap_code(trap), i ? WB_TRAP_INTERRUPT : WB_TRAP_UNREACHABLE);
    wb_trap_delete(trap);
  }
  wb_template_delete(base);
  wb_store_delete(host);
}

static void setup(void) {
  engine = wb_engine_new(NULL);
  load_module();
}

static void teardown(void) {
  wb_module_delete(module);
  wb_engine_delete(engine);
}

TEST_MAIN("unit_pool", setup, test_template_instances, test_pool_reset, test_pool_threads,
          test_template_errors, test_template_derive, teardown)
