/* SPDX-License-Identifier: Apache-2.0 */
/*
** The "spectest" host module every spec test may import from: print
** functions that print nothing (unless --verbose), four immutable globals
** of value 666 / 666.6, a funcref table of 10..20 elements and a memory of
** 1..2 pages. Fresh objects are made in each store, so one file's writes
** never leak into the next.
*/
#include <stdio.h>

#include "spec.h"

/* Host callback shared by every print function; env says whether to print. */
static wb_trap_t *print_cb(void *env, wb_caller_t *caller, const wb_val_t *args,
                           size_t nargs, wb_val_t *results, size_t nresults) {
  (void)caller;
  (void)results;
  (void)nresults;
  if (!*(const bool *)env) return NULL;
  printf("spectest.print(");
  for (size_t i = 0; i < nargs; i++) {
    char buf[96];
    spec_format_val(&args[i], buf, sizeof buf);
    printf("%s%s", i ? ", " : "", buf);
  }
  printf(")\n");
  return NULL;
}

/* Defines one print function with the given parameter kinds. */
static wb_error_t *define_print(wb_linker_t *linker, const char *name,
                                const wb_valkind_t *params, size_t nparams,
                                const bool *verbose) {
  wb_functype_t *type = wb_functype_new(params, nparams, NULL, 0);
  wb_error_t *err = wb_linker_define_func(linker, "spectest", name, type,
                                          print_cb, (void *)verbose, NULL);
  wb_functype_delete(type);
  return err;
}

static wb_error_t *define_prints(wb_linker_t *linker, const bool *verbose) {
  static const struct {
    const char *name;
    wb_valkind_t params[2];
    size_t nparams;
  } prints[] = {
      {"print", {WB_I32, WB_I32}, 0},
      {"print_i32", {WB_I32, WB_I32}, 1},
      {"print_i64", {WB_I64, WB_I32}, 1},
      {"print_f32", {WB_F32, WB_I32}, 1},
      {"print_f64", {WB_F64, WB_I32}, 1},
      {"print_i32_f32", {WB_I32, WB_F32}, 2},
      {"print_f64_f64", {WB_F64, WB_F64}, 2},
  };
  for (size_t i = 0; i < sizeof prints / sizeof prints[0]; i++) {
    wb_error_t *err = define_print(linker, prints[i].name, prints[i].params,
                                   prints[i].nparams, verbose);
    if (err) return err;
  }
  return NULL;
}

/* Defines one immutable global. Should the store refuse to make it, the
   name stays undefined and modules importing it fail to link, which the
   runner reports where it happens. */
static wb_error_t *define_global(wb_store_t *store, wb_linker_t *linker,
                                 const char *name, wb_val_t init) {
  wb_extern_t ext = {.kind = WB_EXTERN_GLOBAL};
  ext.of.global = wb_global_new(store, init.kind, false, init);
  if (!ext.of.global) return NULL;
  return wb_linker_define(linker, "spectest", name, ext);
}

static wb_error_t *define_globals(wb_store_t *store, wb_linker_t *linker) {
  wb_val_t v[4] = {{.kind = WB_I32}, {.kind = WB_I64}, {.kind = WB_F32},
                   {.kind = WB_F64}};
  v[0].of.i32 = 666;
  v[1].of.i64 = 666;
  v[2].of.f32 = 666.6f;
  v[3].of.f64 = 666.6;
  static const char *const names[4] = {"global_i32", "global_i64",
                                       "global_f32", "global_f64"};
  for (size_t i = 0; i < 4; i++) {
    wb_error_t *err = define_global(store, linker, names[i], v[i]);
    if (err) return err;
  }
  return NULL;
}

wb_error_t *spec_spectest_define(wb_store_t *store, wb_linker_t *linker,
                                 bool verbose) {
  /* The flag outlives every store: it points into static storage. */
  static bool quiet = false, loud = true;
  wb_error_t *err = define_prints(linker, verbose ? &loud : &quiet);
  if (!err) err = define_globals(store, linker);
  if (err) return err;

  wb_val_t null_func = {.kind = WB_FUNCREF};
  null_func.of.funcref = NULL;
  wb_extern_t table = {.kind = WB_EXTERN_TABLE};
  table.of.table = wb_table_new(store, WB_FUNCREF, 10, 20, true, null_func);
  if (table.of.table) err = wb_linker_define(linker, "spectest", "table", table);
  if (err) return err;

  wb_extern_t mem = {.kind = WB_EXTERN_MEMORY};
  mem.of.memory = wb_memory_new(store, 1, 2, true);
  if (mem.of.memory) err = wb_linker_define(linker, "spectest", "memory", mem);
  return err;
}
