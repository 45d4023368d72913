/* SPDX-License-Identifier: Apache-2.0 */
/*
** Instantiation: for one module file,
**   cold     bytes to callable instance: wb_module_new (decode, validate,
**            lower) + a new store + instantiate + export lookup;
**   compile  wb_module_new alone;
**   warm     a new store + instantiate + export lookup of a module already
**            compiled (what a server does per request).
** The engine is made once: it is shared configuration, not per-instance.
** Teardown (store and module deletion) runs outside the timed part.
**
** With --aot-load instead: aot-load, what loading the module's cached AOT
** object costs a process (wb_module_compile_aot with the object in the
** disk cache, $WASMBOX_CACHE: cache key, checksum of the object, dlopen).
** A process does that once per module (then it is in the in-memory cache),
** so each sample is a fresh child process (fork, untimed), and there are
** four times as many samples as elsewhere: one is about a millisecond.
*/
#include "bh.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct inst_ctx {
  wb_engine_t *engine;
  const uint8_t *bytes;
  size_t len;
  wb_module_t *module; /* for warm */
} inst_ctx_t;

static double run_cold(void *p, uint64_t iters) {
  inst_ctx_t *c = p;
  double total = 0;
  for (uint64_t i = 0; i < iters; i++) {
    double t0 = bh_now();
    wb_module_t *m = NULL;
    bh_check(wb_module_new(c->engine, c->bytes, c->len, &m), "module");
    wb_store_t *store;
    wb_instance_t *inst = bh_instantiate(c->engine, m, &store);
    bh_export_func(inst, "_start");
    total += bh_now() - t0;
    wb_store_delete(store);
    wb_module_delete(m);
  }
  return total;
}

static double run_compile(void *p, uint64_t iters) {
  inst_ctx_t *c = p;
  double total = 0;
  for (uint64_t i = 0; i < iters; i++) {
    double t0 = bh_now();
    wb_module_t *m = NULL;
    bh_check(wb_module_new(c->engine, c->bytes, c->len, &m), "module");
    total += bh_now() - t0;
    wb_module_delete(m);
  }
  return total;
}

static double run_warm(void *p, uint64_t iters) {
  inst_ctx_t *c = p;
  double total = 0;
  for (uint64_t i = 0; i < iters; i++) {
    double t0 = bh_now();
    wb_store_t *store;
    wb_instance_t *inst = bh_instantiate(c->engine, c->module, &store);
    bh_export_func(inst, "_start");
    total += bh_now() - t0;
    wb_store_delete(store);
  }
  return total;
}

/* Nanoseconds a child process takes to load module's AOT code (the first
   child's load, untimed, also fills the cache if it was empty). */
static double aot_load_once(wb_module_t *module) {
  int p[2];
  if (pipe(p) != 0) { perror("wbbench: pipe"); exit(1); }
  pid_t pid = fork();
  if (pid < 0) { perror("wbbench: fork"); exit(1); }
  if (pid == 0) {
    close(p[0]);
    double t0 = bh_now();
    wb_error_t *err = wb_module_compile_aot(module);
    double t = bh_now() - t0;
    if (err) fprintf(stderr, "wbbench: aot-load: %s\n", wb_error_message(err));
    _exit(!err && write(p[1], &t, sizeof t) == sizeof t ? 0 : 1);
  }
  close(p[1]);
  double t = -1;
  bool ok = read(p[0], &t, sizeof t) == sizeof t;
  close(p[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) exit(1);
  return t;
}

static int aot_load(const char *label, const char *path) {
  wb_engine_t *engine = wb_engine_new(NULL); /* interpreter: nothing loaded here */
  wb_module_t *module = bh_module_load(engine, path);
  double s[1000];
  int n = bh_opts.samples * 4 < 1000 ? bh_opts.samples * 4 : 1000;
  aot_load_once(module);
  for (int i = 0; i < n; i++) s[i] = aot_load_once(module);
  bh_emit("instantiation", "aot-load", label, "wasmbox-aot", "ms", s, n, 1e6);
  wb_module_delete(module);
  wb_engine_delete(engine);
  return 0;
}

/* instantiate LABEL FILE.wasm [--aot-load]: the module must export `_start`. */
int bh_cmd_instantiate(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[2], "--aot-load") == 0) return aot_load(argv[0], argv[1]);
  if (argc != 2) return 2;
  inst_ctx_t c = {.engine = wb_engine_new(NULL)};
  uint8_t *bytes = bh_read_file(argv[1], &c.len);
  c.bytes = bytes;
  c.module = bh_module_load(c.engine, argv[1]);
  double s[1000];
  int n = bh_opts.samples;
  bh_measure(run_cold, &c, 100000, s);
  bh_emit("instantiation", "cold", argv[0], "wasmbox", "us", s, n, 1e3);
  bh_measure(run_compile, &c, 100000, s);
  bh_emit("instantiation", "compile", argv[0], "wasmbox", "us", s, n, 1e3);
  bh_measure(run_warm, &c, 100000, s);
  bh_emit("instantiation", "warm", argv[0], "wasmbox", "us", s, n, 1e3);
  wb_module_delete(c.module);
  wb_engine_delete(c.engine);
  free(bytes);
  return 0;
}
