/* SPDX-License-Identifier: Apache-2.0 */
/*
** Memory:
**   footprint N  N instances, each in its own store (one sandbox each), of
**                a module with one page of memory, each having written to
**                its page; the growth of Rss and Private_Dirty
**                (/proc/self/smaps_rollup) divided by N. Each sample runs
**                in a fresh child process so that freed memory kept by
**                malloc does not hide the next sample's cost.
**   grow         memory.grow by 1 page and by 100 pages, timed inside wasm
**                (a loop of grows), per grow; the pages are not touched.
**   limit        growing 1 page at a time until refused: with store limits
**                (64 MiB) when wb_store_limits_set exists, else up to the
**                4 GiB maximum; time to reach it and of one refused grow.
*/
#include "bh.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct sample { double rss, dirty; } sample_t;

/* In a child: n instances, returns the per-instance growth in KiB. */
static sample_t footprint_once(const char *path, int n) {
  wb_engine_t *engine = wb_engine_new(NULL);
  wb_module_t *m = bh_module_load(engine, path);
  wb_store_t *warm; /* first use of everything, outside the measurement */
  bh_instantiate(engine, m, &warm);
  wb_store_delete(warm);
  wb_store_t **stores = calloc((size_t)n, sizeof *stores);
  double rss0, dirty0, rss1, dirty1;
  bh_smaps(&rss0, &dirty0);
  for (int i = 0; i < n; i++) {
    wb_instance_t *inst = bh_instantiate(engine, m, &stores[i]);
    wb_trap_t *trap = bh_call(stores[i], bh_export_func(inst, "touch"), NULL, 0, NULL, 0);
    if (trap) { fprintf(stderr, "wbbench: touch trapped\n"); exit(1); }
  }
  bh_smaps(&rss1, &dirty1);
  return (sample_t){(rss1 - rss0) / n, (dirty1 - dirty0) / n};
}

static sample_t footprint_child(const char *path, int n) {
  int fd[2];
  sample_t s;
  if (pipe(fd) != 0) { perror("pipe"); exit(1); }
  pid_t pid = fork();
  if (pid < 0) { perror("fork"); exit(1); }
  if (pid == 0) {
    s = footprint_once(path, n);
    _exit(write(fd[1], &s, sizeof s) == sizeof s ? 0 : 1);
  }
  close(fd[1]);
  ssize_t got = read(fd[0], &s, sizeof s);
  int status;
  waitpid(pid, &status, 0);
  close(fd[0]);
  if (got != (ssize_t)sizeof s || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "wbbench: footprint child failed\n");
    exit(1);
  }
  return s;
}

/* footprint N MEM.wasm */
int bh_cmd_footprint(int argc, char **argv) {
  if (argc != 2) return 2;
  int n = atoi(argv[0]);
  if (n < 1) return 2;
  double rss[1000], dirty[1000];
  for (int i = 0; i < bh_opts.samples; i++) {
    sample_t s = footprint_child(argv[1], n);
    rss[i] = s.rss;
    dirty[i] = s.dirty;
  }
  bh_emit("memory", "footprint-rss", argv[0], "wasmbox", "KiB", rss, bh_opts.samples, 1);
  bh_emit("memory", "footprint-private-dirty", argv[0], "wasmbox", "KiB", dirty,
          bh_opts.samples, 1);
  return 0;
}

typedef struct grow_ctx {
  wb_engine_t *engine;
  wb_module_t *module;
  int32_t delta, count;
} grow_ctx_t;

/* Each iteration: a fresh instance, then grow_loop(delta, count) timed. */
static double run_grow(void *p, uint64_t iters) {
  grow_ctx_t *c = p;
  double total = 0;
  for (uint64_t i = 0; i < iters; i++) {
    wb_store_t *store;
    wb_instance_t *inst = bh_instantiate(c->engine, c->module, &store);
    wb_func_t *f = bh_export_func(inst, "grow_loop");
    wb_val_t args[2] = {{.kind = WB_I32, .of.i32 = c->delta}, {.kind = WB_I32, .of.i32 = c->count}};
    wb_val_t res;
    double t0 = bh_now();
    wb_trap_t *trap = bh_call(store, f, args, 2, &res, 1);
    total += bh_now() - t0;
    if (trap || res.of.i32 != c->count) {
      fprintf(stderr, "wbbench: grow by %d refused after %d grows\n", c->delta, res.of.i32);
      exit(1);
    }
    wb_store_delete(store);
  }
  return total;
}

static void limit_bench(grow_ctx_t *c) {
  double to_limit[1000], refused[1000];
  uint32_t expect = 65536;
  const char *param = "4GiB";
  for (int s = 0; s < bh_opts.samples; s++) {
    wb_store_t *store = wb_store_new(c->engine);
#ifdef BH_HAVE_LIMITS
    wb_limits_t lim = {.max_memory_bytes = 64u << 20};
    wb_store_limits_set(store, &lim);
    expect = 1024;
    param = "64MiB";
#endif
    wb_linker_t *linker = wb_linker_new(store);
    wb_instance_t *inst = NULL;
    wb_trap_t *trap = NULL;
    bh_check(wb_linker_instantiate(linker, c->module, &inst, &trap), "instantiate");
    wb_linker_delete(linker);
    wb_val_t one = {.kind = WB_I32, .of.i32 = 1}, res;
    double t0 = bh_now();
    trap = bh_call(store, bh_export_func(inst, "grow_until"), &one, 1, &res, 1);
    to_limit[s] = bh_now() - t0;
    if (trap || (uint32_t)res.of.i32 != expect) {
      fprintf(stderr, "wbbench: growth stopped at %u pages, expected %u\n",
              (unsigned)res.of.i32, (unsigned)expect);
      exit(1);
    }
    wb_func_t *grow = bh_export_func(inst, "grow");
    t0 = bh_now();
    for (int k = 0; k < 1000; k++) {
      trap = bh_call(store, grow, &one, 1, &res, 1);
      if (trap || res.of.i32 != -1) { fprintf(stderr, "wbbench: grow past limit\n"); exit(1); }
    }
    refused[s] = (bh_now() - t0) / 1000;
    wb_store_delete(store);
  }
  bh_emit("memory", "grow-until-refused", param, "wasmbox", "ms", to_limit, bh_opts.samples, 1e6);
  bh_emit("memory", "refused-grow-call", param, "wasmbox", "ns", refused, bh_opts.samples, 1);
}

/* grow MEM.wasm: exports grow_loop(delta, count) -> successes,
   grow_until(delta) -> pages, grow(delta) -> old pages or -1. */
int bh_cmd_grow(int argc, char **argv) {
  if (argc != 1) return 2;
  grow_ctx_t c = {.engine = wb_engine_new(NULL)};
  c.module = bh_module_load(c.engine, argv[0]);
  double s[1000];
  int n = bh_opts.samples;
  c.delta = 1;
  c.count = bh_opts.quick ? 200 : 1000;
  bh_measure(run_grow, &c, 1000, s);
  for (int i = 0; i < n; i++) s[i] /= c.count;
  bh_emit("memory", "grow", "1 page", "wasmbox", "ns", s, n, 1);
  c.delta = 100;
  c.count = bh_opts.quick ? 20 : 100;
  bh_measure(run_grow, &c, 1000, s);
  for (int i = 0; i < n; i++) s[i] /= c.count;
  bh_emit("memory", "grow", "100 pages", "wasmbox", "ns", s, n, 1);
  limit_bench(&c);
  wb_module_delete(c.module);
  wb_engine_delete(c.engine);
  return 0;
}
