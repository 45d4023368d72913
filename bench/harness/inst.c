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
*/
#include "bh.h"

#include <stdlib.h>

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

/* instantiate LABEL FILE.wasm: the module must export `_start`. */
int bh_cmd_instantiate(int argc, char **argv) {
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
