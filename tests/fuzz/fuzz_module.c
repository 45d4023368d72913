/* SPDX-License-Identifier: Apache-2.0 */
/*
** libFuzzer target: arbitrary bytes through the whole public API.
**
**   1. wb_module_new over the input (decode + validate + lower), checked
**      against wb_module_validate: both must agree, and an error must have
**      a message and an offset inside the input (or none).
**   2. If valid: instantiate with a linker that satisfies every import with
**      a dummy of the right type (host functions returning zeros, fresh
**      globals, tables and memories matching the import's type).
**   3. Call up to FUZZ_MAX_CALLS exported functions with zero arguments.
**      Traps are expected and fine; crashes, leaks and sanitizer reports
**      are bugs.
**
** Guest code is bounded the way an embedder would bound it: fuel for every
** call and for instantiation (start functions), a deadline for what fuel
** does not count (bulk memory operations), and memory and table limits.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wasmbox.h"

#define FUZZ_MAX_CALL_DEPTH 2000
#define FUZZ_FUEL 200000        /* per call and per instantiation */
#define FUZZ_DEADLINE_NS 2000000000ull
#define FUZZ_MAX_CALLS 16       /* exported functions called per input */
#define FUZZ_MAX_TABLE 10000    /* elements of an imported dummy table */
#define FUZZ_MAX_PAGES 256      /* pages of an imported dummy memory (16 MiB) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* {====================== Dummy imports ======================} */

static wb_val_t zero_val(wb_valkind_t kind) {
  wb_val_t v;
  memset(&v, 0, sizeof v); /* 0, 0.0 and null references alike */
  v.kind = kind;
  return v;
}

/* Host function for every imported function: results are all zero. */
static wb_trap_t *dummy_func(void *env, wb_caller_t *caller, const wb_val_t *args,
                             size_t nargs, wb_val_t *results, size_t nresults) {
  (void)env, (void)caller, (void)args, (void)nargs;
  for (size_t i = 0; i < nresults; i++) results[i] = zero_val(results[i].kind);
  return NULL;
}

/* Makes a store object matching a non-function import, or returns false
   when the import asks for more than a dummy should have. */
static bool make_dummy(wb_store_t *store, const wb_externdesc_t *d, wb_extern_t *item) {
  item->kind = d->kind;
  switch (d->kind) {
  case WB_EXTERN_GLOBAL:
    item->of.global = wb_global_new(store, d->valkind, d->mutable_, zero_val(d->valkind));
    return item->of.global != NULL;
  case WB_EXTERN_TABLE:
    if (d->min > FUZZ_MAX_TABLE) return false;
    item->of.table = wb_table_new(store, d->valkind, d->min, d->max, d->has_max,
                                  zero_val(d->valkind));
    return item->of.table != NULL;
  case WB_EXTERN_MEMORY:
    if (d->min > FUZZ_MAX_PAGES) return false;
    item->of.memory = wb_memory_new(store, d->min, d->max, d->has_max);
    return item->of.memory != NULL;
  default:
    return false;
  }
}

/* Defines import i of m in the linker. Names may hold NUL bytes, which the
   linker's C strings cannot: such an import just stays unresolved. */
static void define_import(wb_linker_t *linker, wb_store_t *store, const wb_module_t *m,
                          size_t i) {
  wb_externdesc_t d;
  wb_module_import_get(m, i, &d);
  char *mod = strndup(d.module, d.module_len);
  char *name = strndup(d.name, d.name_len);
  wb_error_t *err = NULL;
  wb_extern_t item;
  if (d.kind == WB_EXTERN_FUNC)
    err = wb_linker_define_func(linker, mod, name, d.functype, dummy_func, NULL, NULL);
  else if (make_dummy(store, &d, &item))
    err = wb_linker_define(linker, mod, name, item);
  wb_error_delete(err);
  free(mod);
  free(name);
}

/* {====================== Calls ======================} */

/* Calls f with zero arguments of its parameter kinds; any outcome is fine. */
static void call_with_zeros(wb_store_t *store, wb_func_t *f) {
  const wb_functype_t *t = wb_func_type(f);
  size_t np = wb_functype_param_count(t), nr = wb_functype_result_count(t);
  wb_val_t *args = calloc(np + 1, sizeof *args);
  wb_val_t *res = calloc(nr + 1, sizeof *res);
  if (!args || !res) abort();
  for (size_t i = 0; i < np; i++) args[i] = zero_val(wb_functype_param(t, i));
  wb_trap_t *trap = NULL;
  wb_store_fuel_set(store, FUZZ_FUEL);
  wb_error_t *err = wb_func_call(store, f, args, np, res, nr, &trap);
  if (trap && (wb_trap_message(trap) == NULL || wb_trap_code_name(wb_trap_code(trap)) == NULL))
    abort(); /* a trap must always be describable */
  wb_error_delete(err);
  wb_trap_delete(trap);
  free(args);
  free(res);
}

static void call_exports(wb_store_t *store, const wb_module_t *m, wb_instance_t *inst) {
  size_t calls = 0;
  for (size_t i = 0; i < wb_module_export_count(m) && calls < FUZZ_MAX_CALLS; i++) {
    wb_externdesc_t d;
    wb_module_export_get(m, i, &d);
    wb_extern_t ext;
    if (d.kind != WB_EXTERN_FUNC || !wb_instance_export_get(inst, d.name, d.name_len, &ext))
      continue;
    call_with_zeros(store, ext.of.func);
    calls++;
  }
}

/* Instantiates m against dummies and calls its exports, within limits. */
static void run_module(wb_engine_t *engine, const wb_module_t *m) {
  wb_store_t *store = wb_store_new(engine);
  wb_limits_t limits = {(uint64_t)FUZZ_MAX_PAGES * 65536, FUZZ_MAX_TABLE};
  wb_store_limits_set(store, &limits);
  wb_store_deadline_set(store, FUZZ_DEADLINE_NS);
  wb_store_fuel_set(store, FUZZ_FUEL);
  wb_linker_t *linker = wb_linker_new(store);
  for (size_t i = 0; i < wb_module_import_count(m); i++) define_import(linker, store, m, i);
  wb_instance_t *inst = NULL;
  wb_trap_t *trap = NULL;
  wb_error_t *err = wb_linker_instantiate(linker, m, &inst, &trap);
  if (!err && !trap && inst) call_exports(store, m, inst);
  wb_error_delete(err);
  wb_trap_delete(trap);
  wb_linker_delete(linker);
  wb_store_delete(store);
}

/* {====================== Entry point ======================} */

/* An error must explain itself and point inside the input. */
static void check_error(const wb_error_t *err, size_t size) {
  const char *msg = wb_error_message(err);
  size_t off = wb_error_offset(err);
  if (msg == NULL || msg[0] == '\0' || (off != SIZE_MAX && off > size)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  wb_config_t *config = wb_config_new();
  wb_config_max_call_depth_set(config, FUZZ_MAX_CALL_DEPTH);
  wb_engine_t *engine = wb_engine_new(config);
  wb_module_t *m = NULL;
  wb_error_t *err = wb_module_new(engine, data, size, &m);
  wb_error_t *verr = wb_module_validate(engine, data, size);
  if ((err == NULL) != (verr == NULL)) abort(); /* the two entry points disagree */
  if (err) {
    check_error(err, size);
    check_error(verr, size);
  } else {
    run_module(engine, m);
  }
  wb_error_delete(err);
  wb_error_delete(verr);
  wb_module_delete(m);
  wb_engine_delete(engine);
  return 0;
}
