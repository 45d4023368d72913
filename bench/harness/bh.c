/* SPDX-License-Identifier: Apache-2.0 */
/* wbbench: the in-process benchmarks over the public API, and their common
   runner (calibration, samples, JSON lines). Usage: see usage() below. */
#include "bh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bh_opts_t bh_opts = {.samples = 11, .sample_ns = 50e6};

double bh_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

void bh_measure(bh_fn_t fn, void *ctx, uint64_t iters_max, double *samples) {
  uint64_t iters = 1;
  double t = fn(ctx, iters); /* also the warm-up */
  /* Grow the count until one sample lasts about sample_ns. */
  while (t < bh_opts.sample_ns && iters < iters_max) {
    double want = t > 0 ? bh_opts.sample_ns / t * (double)iters * 1.1 : (double)iters * 10;
    uint64_t next = want > (double)iters * 10 ? iters * 10 : (uint64_t)want + 1;
    iters = next > iters_max ? iters_max : next;
    t = fn(ctx, iters);
  }
  for (int s = 0; s < bh_opts.samples; s++) samples[s] = fn(ctx, iters) / (double)iters;
}

void bh_emit(const char *category, const char *bench, const char *param,
             const char *engine, const char *unit, const double *samples,
             int n, double scale) {
  printf("{\"category\":\"%s\",\"bench\":\"%s\",\"param\":\"%s\",\"engine\":\"%s\","
         "\"unit\":\"%s\",\"samples\":[",
         category, bench, param, engine, unit);
  for (int i = 0; i < n; i++) printf("%s%.6g", i ? "," : "", samples[i] / scale);
  printf("]}\n");
  fflush(stdout);
}

uint8_t *bh_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(1); }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *p = malloc(n > 0 ? (size_t)n : 1);
  if (!p || n < 0 || fread(p, 1, (size_t)n, f) != (size_t)n) { perror(path); exit(1); }
  fclose(f);
  *len = (size_t)n;
  return p;
}

void bh_check(wb_error_t *err, const char *what) {
  if (!err) return;
  fprintf(stderr, "wbbench: %s: %s\n", what, wb_error_message(err));
  exit(1);
}

wb_module_t *bh_module_load(wb_engine_t *engine, const char *path) {
  size_t len;
  uint8_t *bytes = bh_read_file(path, &len);
  wb_module_t *m = NULL;
  bh_check(wb_module_new(engine, bytes, len, &m), path);
  free(bytes);
  return m;
}

wb_instance_t *bh_instantiate(wb_engine_t *engine, const wb_module_t *module,
                              wb_store_t **store) {
  *store = wb_store_new(engine);
  wb_linker_t *linker = wb_linker_new(*store);
  wb_instance_t *inst = NULL;
  wb_trap_t *trap = NULL;
  bh_check(wb_linker_instantiate(linker, module, &inst, &trap), "instantiate");
  if (trap) { fprintf(stderr, "wbbench: start trapped\n"); exit(1); }
  wb_linker_delete(linker);
  return inst;
}

wb_func_t *bh_export_func(wb_instance_t *instance, const char *name) {
  wb_extern_t e;
  if (!wb_instance_export_get(instance, name, strlen(name), &e) || e.kind != WB_EXTERN_FUNC) {
    fprintf(stderr, "wbbench: no exported function %s\n", name);
    exit(1);
  }
  return e.of.func;
}

wb_trap_t *bh_call(wb_store_t *store, wb_func_t *func, const wb_val_t *args,
                   size_t nargs, wb_val_t *results, size_t nresults) {
  wb_trap_t *trap = NULL;
  bh_check(wb_func_call(store, func, args, nargs, results, nresults, &trap), "call");
  return trap;
}

void bh_smaps(double *rss_kib, double *private_dirty_kib) {
  FILE *f = fopen("/proc/self/smaps_rollup", "r");
  char line[256];
  *rss_kib = *private_dirty_kib = 0;
  if (!f) { perror("smaps_rollup"); exit(1); }
  while (fgets(line, sizeof line, f)) {
    double v;
    if (sscanf(line, "Rss: %lf", &v) == 1) *rss_kib = v;
    else if (sscanf(line, "Private_Dirty: %lf", &v) == 1) *private_dirty_kib = v;
  }
  fclose(f);
}

/* The commands of bh.h; fn is NULL for a file bench/run left out. */
static const struct command {
  const char *name, *args, *what;
  int (*fn)(int argc, char **argv);
} commands[] = {
  {"instantiate", "LABEL FILE.wasm [--aot-load]", "cold and warm instantiation; cached AOT load", bh_cmd_instantiate},
  {"call", "CALLS.wasm", "host-to-wasm call overhead vs native", bh_cmd_call},
  {"footprint", "N MEM.wasm", "memory per instance, N instances", bh_cmd_footprint},
  {"grow", "MEM.wasm", "memory.grow cost and limit", bh_cmd_grow},
  {"trap", "TRAPS.wasm", "trap latency, cleanup, call after trap", bh_cmd_trap},
  {"limits", "LIMITS.wasm", "deadline and interrupt latency", bh_cmd_limits},
  {"pool", "", "templates and instance pools", bh_cmd_pool},
    {"js", "[aot|interp]", "JavaScript functions: deploy, requests, idle memory", bh_cmd_js},
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static int usage(void) {
  fprintf(stderr, "usage: wbbench [--samples N] [--quick] COMMAND ARGS...\n"
                  "       wbbench --list   (the commands built in)\n");
  for (size_t i = 0; i < NCOMMANDS; i++)
    fprintf(stderr, "  %-11s %-16s %s%s\n", commands[i].name, commands[i].args, commands[i].what,
            commands[i].fn ? "" : " (not built)");
  return 2;
}

/* Runs command name; exit status 3 when it was left out of the build. */
static int dispatch(const char *name, int argc, char **argv) {
  for (size_t i = 0; i < NCOMMANDS; i++) {
    if (strcmp(name, commands[i].name) != 0) continue;
    if (!commands[i].fn) {
      fprintf(stderr, "wbbench: %s is not built (its file did not compile or link)\n", name);
      return 3;
    }
    return commands[i].fn(argc, argv);
  }
  return usage();
}

int main(int argc, char **argv) {
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    if (strcmp(argv[i], "--samples") == 0 && i + 1 < argc) bh_opts.samples = atoi(argv[++i]);
    else if (strcmp(argv[i], "--quick") == 0) bh_opts.quick = true;
    else if (strcmp(argv[i], "--list") == 0) {
      for (size_t k = 0; k < NCOMMANDS; k++)
        if (commands[k].fn) printf("%s\n", commands[k].name);
      return 0;
    }
    else return usage();
  }
  if (bh_opts.samples < 1 || bh_opts.samples > 1000 || i >= argc) return usage();
  if (bh_opts.quick) bh_opts.sample_ns = 10e6;
#ifdef BH_HAVE_LIMITS
  bh_opts.have_limits = true;
#endif
  return dispatch(argv[i], argc - i - 1, argv + i + 1);
}
