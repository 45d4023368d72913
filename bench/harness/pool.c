/* SPDX-License-Identifier: Apache-2.0 */
/*
** Templates and pools:
**   from-template  wb_template_instantiate: a fresh instance whose memory
**                  maps the template's image (no copy), by image size;
**   plain          the same state reached without a template: instantiate
**                  and run the init function that writes the image;
**   cycle          wb_pool_acquire + wb_pool_release around a call that
**                  dirties 4 KiB, 64 KiB or 1 MiB, by image size, on 1 and
**                  2 threads; only acquire + release are timed (the call's
**                  own time, page faults included, is reported apart as
**                  "call");
**   idle           private dirty memory per idle pooled instance (100
**                  instances used once each, then all idle).
** The module's init writes one word on every 4 KiB page, so the image has
** no zero pages to skip; touch(n) writes one word on each of the first n/4096
** pages.
*/
#include "bh.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char wat_fmt[] =
    "(module (memory %u)"
    " (func $fill (param $n i32) (local $a i32)"
    "  (block (loop (br_if 1 (i32.ge_u (local.get $a) (local.get $n)))"
    "   (i32.store (local.get $a) (i32.add (local.get $a) (i32.const 1)))"
    "   (local.set $a (i32.add (local.get $a) (i32.const 4096))) (br 0))))"
    " (func (export \"wizer.initialize\") (call $fill (i32.const %u)))"
    " (func (export \"touch\") (param i32) (call $fill (local.get 0))))";

/* Assembles the module for an image of `pages` pages with wat2wasm. */
static wb_module_t *make_module(wb_engine_t *engine, uint32_t pages) {
  char dir[] = "/tmp/wbbench-pool-XXXXXX";
  if (!mkdtemp(dir)) exit(1);
  char wat[256], wasm[256], cmd[700];
  snprintf(wat, sizeof wat, "%s/m.wat", dir);
  snprintf(wasm, sizeof wasm, "%s/m.wasm", dir);
  FILE *f = fopen(wat, "w");
  if (!f) exit(1);
  fprintf(f, wat_fmt, pages, pages * 65536u);
  fclose(f);
  snprintf(cmd, sizeof cmd, "wat2wasm %s -o %s", wat, wasm);
  if (system(cmd) != 0) exit(1);
  wb_module_t *m = bh_module_load(engine, wasm);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0) exit(1);
  return m;
}

typedef struct pool_ctx {
  wb_engine_t *engine;
  wb_module_t *module;
  wb_template_t *tmpl;
  wb_pool_t *pool;
  uint32_t dirty; /* bytes touched per call */
  double call_ns; /* accumulated call time (cycle) */
} pool_ctx_t;

static wb_template_t *make_template(pool_ctx_t *c, wb_store_t *host) {
  wb_linker_t *l = wb_linker_new(host);
  wb_template_t *t = NULL;
  wb_trap_t *trap = NULL;
  bh_check(wb_template_new(l, c->module, NULL, &t, &trap), "template");
  if (trap) exit(1);
  wb_linker_delete(l);
  return t;
}

/* A batch of instances from the template in one store, then the store
   deleted (unmapping included in the time, as a pool would pay it). */
static double run_from_template(void *p, uint64_t iters) {
  pool_ctx_t *c = p;
  double t0 = bh_now();
  wb_store_t *s = wb_store_new(c->engine);
  for (uint64_t i = 0; i < iters; i++) {
    wb_instance_t *inst;
    bh_check(wb_template_instantiate(c->tmpl, s, &inst), "from template");
  }
  wb_store_delete(s);
  return bh_now() - t0;
}

static double run_plain(void *p, uint64_t iters) {
  pool_ctx_t *c = p;
  double t0 = bh_now();
  for (uint64_t i = 0; i < iters; i++) {
    wb_store_t *st;
    wb_instance_t *inst = bh_instantiate(c->engine, c->module, &st);
    wb_trap_delete(bh_call(st, bh_export_func(inst, "wizer.initialize"), NULL, 0, NULL, 0));
    wb_store_delete(st);
  }
  return bh_now() - t0;
}

/* acquire + call + release; only acquire and release are timed. */
static double run_cycle(void *p, uint64_t iters) {
  pool_ctx_t *c = p;
  double timed = 0;
  wb_val_t arg = {.kind = WB_I32, .of.i32 = (int32_t)c->dirty};
  for (uint64_t i = 0; i < iters; i++) {
    wb_pooled_t *pi;
    double t0 = bh_now();
    bh_check(wb_pool_acquire(c->pool, UINT64_MAX, &pi), "acquire");
    double t1 = bh_now();
    wb_func_t *f = bh_export_func(wb_pooled_instance(pi), "touch");
    wb_trap_delete(bh_call(wb_pooled_store(pi), f, &arg, 1, NULL, 0));
    double t2 = bh_now();
    wb_pool_release(c->pool, pi);
    double t3 = bh_now();
    timed += (t1 - t0) + (t3 - t2);
    c->call_ns += t2 - t1;
  }
  return timed;
}

typedef struct thread_arg {
  pool_ctx_t *c;
  double samples[1000];
  double call_ns[1000];
} thread_arg_t;

static void *cycle_thread(void *p) {
  thread_arg_t *a = p;
  pool_ctx_t local = *a->c; /* own call-time accumulator */
  for (int s = 0; s < bh_opts.samples; s++) {
    local.call_ns = 0;
    uint64_t iters = bh_opts.quick ? 200 : 1000;
    a->samples[s] = run_cycle(&local, iters) / (double)iters;
    a->call_ns[s] = local.call_ns / (double)iters;
  }
  return NULL;
}

static void param(char *buf, size_t n, uint32_t pages, uint32_t dirty, int threads) {
  char d[32];
  if (dirty >= 1048576u)
    snprintf(d, sizeof d, "%uMiB", dirty >> 20);
  else
    snprintf(d, sizeof d, "%uKiB", dirty >> 10);
  if (pages * 64u >= 1024u)
    snprintf(buf, n, "%uMiB image, %s dirty, %d thread%s", pages / 16u, d, threads,
             threads > 1 ? "s" : "");
  else
    snprintf(buf, n, "%uKiB image, %s dirty, %d thread%s", pages * 64u, d, threads,
             threads > 1 ? "s" : "");
}

/* Cycles on `threads` threads sharing one pool; one line per thread count. */
static void measure_cycle(pool_ctx_t *c, uint32_t pages, int threads) {
  thread_arg_t args[2];
  pthread_t th[2];
  for (int t = 0; t < threads; t++) {
    args[t].c = c;
    pthread_create(&th[t], NULL, cycle_thread, &args[t]);
  }
  for (int t = 0; t < threads; t++) pthread_join(th[t], NULL);
  char buf[96];
  param(buf, sizeof buf, pages, c->dirty, threads);
  bh_emit("pool", "acquire+release", buf, "wasmbox", "us", args[0].samples, bh_opts.samples, 1e3);
  bh_emit("pool", "call", buf, "wasmbox", "us", args[0].call_ns, bh_opts.samples, 1e3);
}

static void bench_image(wb_engine_t *engine, uint32_t pages) {
  pool_ctx_t c = {.engine = engine, .module = make_module(engine, pages)};
  wb_store_t *host = wb_store_new(engine);
  c.tmpl = make_template(&c, host);
  double s[1000];
  char buf[64];
  snprintf(buf, sizeof buf, pages >= 16 ? "%u MiB" : "%u KiB", pages >= 16 ? pages / 16 : pages * 64);
  bh_measure(run_from_template, &c, 100000, s);
  bh_emit("pool", "from-template", buf, "wasmbox", "us", s, bh_opts.samples, 1e3);
  bh_measure(run_plain, &c, pages > 64 ? 50 : 5000, s);
  bh_emit("pool", "plain", buf, "wasmbox", "us", s, bh_opts.samples, 1e3);
  static const uint32_t dirties[] = {4096, 65536, 1048576};
  for (size_t i = 0; i < 3; i++) {
    if (dirties[i] > pages * 65536u) continue;
    c.dirty = dirties[i];
    c.pool = wb_pool_new(c.tmpl, NULL);
    measure_cycle(&c, pages, 1);
    measure_cycle(&c, pages, 2);
    wb_pool_delete(c.pool);
  }
  wb_template_delete(c.tmpl);
  wb_store_delete(host);
  wb_module_delete(c.module);
}

/* Private dirty KiB per idle pooled instance. */
static void bench_idle(wb_engine_t *engine) {
  pool_ctx_t c = {.engine = engine, .module = make_module(engine, 32)};
  wb_store_t *host = wb_store_new(engine);
  c.tmpl = make_template(&c, host);
  enum { N = 100 };
  double samples[1000];
  for (int s = 0; s < bh_opts.samples; s++) {
    wb_pool_t *pool = wb_pool_new(c.tmpl, NULL);
    double rss0, pd0, rss1, pd1;
    bh_smaps(&rss0, &pd0);
    wb_pooled_t *lent[N];
    wb_val_t arg = {.kind = WB_I32, .of.i32 = 65536};
    for (int i = 0; i < N; i++) {
      bh_check(wb_pool_acquire(pool, 0, &lent[i]), "acquire");
      wb_trap_delete(bh_call(wb_pooled_store(lent[i]), bh_export_func(wb_pooled_instance(lent[i]), "touch"),
                             &arg, 1, NULL, 0));
    }
    for (int i = 0; i < N; i++) wb_pool_release(pool, lent[i]);
    bh_smaps(&rss1, &pd1);
    samples[s] = (pd1 - pd0) / N;
    wb_pool_delete(pool);
  }
  bh_emit("pool", "idle private dirty", "2 MiB image, after a 64 KiB call", "wasmbox", "KiB",
          samples, bh_opts.samples, 1);
  wb_template_delete(c.tmpl);
  wb_store_delete(host);
  wb_module_delete(c.module);
}

int bh_cmd_pool(int argc, char **argv) {
  (void)argc, (void)argv;
  wb_engine_t *engine = wb_engine_new(NULL);
  static const uint32_t images[] = {1, 32, 512}; /* 64 KiB, 2 MiB, 32 MiB */
  for (size_t i = 0; i < 3; i++) bench_image(engine, images[i]);
  bench_idle(engine);
  wb_engine_delete(engine);
  return 0;
}
