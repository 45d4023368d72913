/* SPDX-License-Identifier: Apache-2.0 */
/*
** call_indirect in AOT code across instances. The generated code calls a
** table element directly only when it is one of the calling instance's own
** compiled functions; an element from another instance (of the same module,
** hence the same compiled code, or of another module), or a host function,
** must run in its own instance, through the runtime. Each instance keeps a
** different value in a global, so a call that ran in the wrong instance
** gives a wrong result. Modules are assembled with wat2wasm at test time
** and compiled with the AOT tier (cache: $WASMBOX_CACHE or the default).
*/
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "wat.h"
#include "wasmbox.h"


static wb_extern_t export_of(wb_instance_t *inst, const char *name) {
  wb_extern_t x = {0};
  CHECK(inst && wb_instance_export_get(inst, name, strlen(name), &x));
  return x;
}

/* Calls export name with i32 arguments a, b (nargs of them) and one i32
   result; the trap code in *code (0: none). */
static int32_t call2(wb_store_t *s, wb_instance_t *inst, const char *name, size_t nargs,
                     int32_t a, int32_t b, int *code) {
  wb_val_t args[2] = {{.kind = WB_I32, .of.i32 = a}, {.kind = WB_I32, .of.i32 = b}};
  wb_val_t r = {.kind = WB_I32};
  wb_trap_t *trap = NULL;
  wb_func_t *f = export_of(inst, name).of.func;
  if (!f) return -1;
  wb_error_t *err = wb_func_call(s, f, args, nargs, &r, nargs == 1 ? 0 : 1, &trap);
  CHECK(err == NULL);
  wb_error_delete(err);
  *code = trap ? (int)wb_trap_code(trap) : 0;
  wb_trap_delete(trap);
  return r.of.i32;
}

/* Returns the call's result, checking it did not trap. */
static int32_t call_ok(wb_store_t *s, wb_instance_t *inst, size_t slot, int32_t x) {
  int code = 0;
  int32_t r = call2(s, inst, "call", 2, (int32_t)slot, x, &code);
  CHECK_EQ(code, 0);
  return r;
}

static void set_g(wb_store_t *s, wb_instance_t *inst, int32_t v) {
  int code = 0;
  call2(s, inst, "set_g", 1, v, 0, &code);
  CHECK_EQ(code, 0);
}

/* One module, many instances: `call` goes through the instance's table. */
static const char lib_wat[] =
    "(module\n"
    "  (type $ii (func (param i32) (result i32)))\n"
    "  (table (export \"tab\") 8 funcref)\n"
    "  (global $g (mut i32) (i32.const 0))\n"
    "  (elem (i32.const 0) $get)\n"
    "  (func $get (export \"get\") (type $ii) (i32.add (global.get $g) (local.get 0)))\n"
    "  (func (export \"set_g\") (param i32) (global.set $g (local.get 0)))\n"
    "  (func (export \"call\") (param i32 i32) (result i32)\n"
    "    (call_indirect (type $ii) (local.get 1) (local.get 0))))\n";

/* Another module sharing lib's table: its own function goes to slot 2. */
static const char user_wat[] =
    "(module\n"
    "  (type $ii (func (param i32) (result i32)))\n"
    "  (import \"a\" \"tab\" (table 8 funcref))\n"
    "  (global $g (mut i32) (i32.const 7000))\n"
    "  (elem (i32.const 2) $own)\n"
    "  (func $own (type $ii) (i32.add (global.get $g) (local.get 0)))\n"
    "  (func (export \"call\") (param i32 i32) (result i32)\n"
    "    (call_indirect (type $ii) (local.get 1) (local.get 0))))\n";

static int host_calls;

static wb_trap_t *host_neg(void *env, wb_caller_t *caller, const wb_val_t *args, size_t nargs,
                           wb_val_t *results, size_t nresults) {
  (void)env, (void)caller, (void)nargs, (void)nresults;
  host_calls++;
  results[0].of.i32 = -args[0].of.i32;
  return NULL;
}

static void put(wb_table_t *tab, uint32_t i, wb_func_t *f) {
  CHECK(wb_table_set(tab, i, (wb_val_t){.kind = WB_FUNCREF, .of.funcref = f}));
}

static void test_across_instances(void) {
  wb_config_t *cfg = wb_config_new();
  wb_config_engine_set(cfg, WB_ENGINE_AOT);
  wb_engine_t *e = wb_engine_new(cfg);
  wb_store_t *s = wb_store_new(e);
  wb_linker_t *l = wb_linker_new(s);
  wb_module_t *lib = compile(e, lib_wat), *user = compile(e, user_wat);
  wb_instance_t *a1 = instantiate_ok(l, lib), *a2 = instantiate_ok(l, lib);
  if (!a1 || !a2 || !user) goto out;
  set_g(s, a1, 100);
  set_g(s, a2, 200);
  wb_table_t *tab = export_of(a1, "tab").of.table;
  CHECK(wb_linker_define(l, "a", "tab", (wb_extern_t){.kind = WB_EXTERN_TABLE, .of.table = tab}) ==
        NULL);
  wb_instance_t *u = instantiate_ok(l, user);
  if (!u) goto out;
  /* Slot 1: the other instance of the same module (same compiled code). */
  put(tab, 1, export_of(a2, "get").of.func);
  /* Slot 3: a host function of the right type. */
  wb_valkind_t p[1] = {WB_I32}, r[1] = {WB_I32};
  wb_functype_t *ft = wb_functype_new(p, 1, r, 1);
  put(tab, 3, wb_func_new(s, ft, host_neg, NULL, NULL));
  wb_functype_delete(ft);
  CHECK_EQ(call_ok(s, a1, 0, 5), 105);  /* own function */
  CHECK_EQ(call_ok(s, a1, 1, 5), 205);  /* a2's, in a2 */
  CHECK_EQ(call_ok(s, a1, 2, 5), 7005); /* user's, in u */
  CHECK_EQ(call_ok(s, a1, 3, 5), -5);   /* the host's */
  CHECK_EQ(call_ok(s, u, 0, 6), 106);   /* a1's, from u */
  CHECK_EQ(call_ok(s, u, 2, 6), 7006);  /* u's own, through an imported table */
  CHECK_EQ(call_ok(s, a2, 0, 1), 201);  /* a2's own table still holds a2's */
  CHECK_EQ(host_calls, 1);
  int code = 0;
  call2(s, a1, "call", 2, 4, 0, &code);
  CHECK_EQ(code, WB_TRAP_UNINITIALIZED_ELEMENT);
  call2(s, a1, "call", 2, 8, 0, &code);
  CHECK_EQ(code, WB_TRAP_UNDEFINED_ELEMENT);
  /* A function of the right module but another type. */
  put(tab, 4, export_of(a2, "set_g").of.func);
  call2(s, a1, "call", 2, 4, 0, &code);
  CHECK_EQ(code, WB_TRAP_INDIRECT_CALL_TYPE_MISMATCH);
out:
  wb_linker_delete(l);
  wb_store_delete(s);
  wb_module_delete(lib);
  wb_module_delete(user);
  wb_engine_delete(e);
}

TEST_MAIN("unit_aot_call", test_across_instances)
