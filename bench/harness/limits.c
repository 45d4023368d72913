/* SPDX-License-Identifier: Apache-2.0 */
/*
** CPU limits:
**   deadline-latency  how long after its deadline a tight loop (one loop
**                     back-edge per iteration) is back in the host with its
**                     WB_TRAP_INTERRUPT: the time from the deadline to the
**                     return of wb_func_call;
**   interrupt-latency the same for wb_store_interrupt raised by another
**                     thread (time from the raise to the return);
**   deadline-arm      the cost a deadline adds to a call: an empty export
**                     called with and without a deadline set.
** (The slowdown of the checks on the compute workloads is measured by the
** limits category with the command line, see bench/categories/50-limits.sh.)
*/
#include "bh.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static wb_trap_t *call_spin(wb_store_t *s, wb_instance_t *inst) {
  return bh_call(s, bh_export_func(inst, "spin"), NULL, 0, NULL, 0);
}

static void expect_interrupt(wb_trap_t *trap) {
  if (!trap || wb_trap_code(trap) != WB_TRAP_INTERRUPT) {
    fprintf(stderr, "wbbench: the loop did not end with an interrupt\n");
    exit(1);
  }
  wb_trap_delete(trap);
}

static void deadline_latency(wb_engine_t *e, wb_module_t *m) {
  double samples[1000];
  const uint64_t deadline = 20 * 1000 * 1000; /* 20 ms */
  for (int i = 0; i < bh_opts.samples; i++) {
    wb_store_t *s;
    wb_instance_t *inst = bh_instantiate(e, m, &s);
    wb_store_deadline_set(s, deadline);
    double t0 = bh_now();
    expect_interrupt(call_spin(s, inst));
    samples[i] = bh_now() - t0 - (double)deadline;
    wb_store_delete(s);
  }
  bh_emit("limits", "deadline-to-trap", "tight loop", "wasmbox", "us", samples, bh_opts.samples,
          1e3);
}

typedef struct raiser {
  wb_store_t *store;
  double raised_at;
} raiser_t;

static void *raise_later(void *p) {
  raiser_t *r = p;
  struct timespec ts = {0, 20 * 1000 * 1000};
  nanosleep(&ts, NULL);
  r->raised_at = bh_now();
  wb_store_interrupt(r->store);
  return NULL;
}

static void interrupt_latency(wb_engine_t *e, wb_module_t *m) {
  double samples[1000];
  for (int i = 0; i < bh_opts.samples; i++) {
    wb_store_t *s;
    wb_instance_t *inst = bh_instantiate(e, m, &s);
    raiser_t r = {s, 0};
    pthread_t th;
    pthread_create(&th, NULL, raise_later, &r);
    wb_trap_t *trap = call_spin(s, inst);
    double back = bh_now();
    pthread_join(th, NULL);
    expect_interrupt(trap);
    samples[i] = back - r.raised_at;
    wb_store_delete(s);
  }
  bh_emit("limits", "interrupt-to-trap", "tight loop, other thread", "wasmbox", "us", samples,
          bh_opts.samples, 1e3);
}

typedef struct empty_ctx {
  wb_store_t *store;
  wb_func_t *f;
} empty_ctx_t;

static double run_empty(void *p, uint64_t iters) {
  empty_ctx_t *c = p;
  double t0 = bh_now();
  for (uint64_t i = 0; i < iters; i++) wb_trap_delete(bh_call(c->store, c->f, NULL, 0, NULL, 0));
  return bh_now() - t0;
}

static void deadline_arm(wb_engine_t *e, wb_module_t *m) {
  wb_store_t *s;
  wb_instance_t *inst = bh_instantiate(e, m, &s);
  empty_ctx_t c = {s, bh_export_func(inst, "empty")};
  double samples[1000];
  bh_measure(run_empty, &c, 10000000, samples);
  bh_emit("limits", "empty call", "no deadline", "wasmbox", "ns", samples, bh_opts.samples, 1);
  wb_store_deadline_set(s, 3600ull * 1000000000ull);
  bh_measure(run_empty, &c, 10000000, samples);
  bh_emit("limits", "empty call", "deadline set", "wasmbox", "ns", samples, bh_opts.samples, 1);
  wb_store_delete(s);
}

int bh_cmd_limits(int argc, char **argv) {
  if (argc < 1) {
    fprintf(stderr, "usage: wbbench limits MODULE.wasm (exports spin, empty)\n");
    return 2;
  }
  wb_engine_t *e = wb_engine_new(NULL);
  wb_module_t *m = bh_module_load(e, argv[0]);
  deadline_latency(e, m);
  interrupt_latency(e, m);
  deadline_arm(e, m);
  wb_module_delete(m);
  wb_engine_delete(e);
  return 0;
}
