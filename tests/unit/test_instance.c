/* SPDX-License-Identifier: Apache-2.0 */
/*
** Modules, linking and instantiation: import resolution from host objects,
** link error messages, export lookup, segment initialisation (including the
** 2.0 rule that writes made before a trapping segment stay), the start
** function and global initialisers. Modules are written in the text format
** and assembled with wat2wasm at test time.
*/
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "wat.h"
#include "wasmbox.h"

/* {====================== Helpers ======================} */


static wb_func_t *export_func(wb_instance_t *inst, const char *name) {
  wb_extern_t x;
  if (!inst || !wb_instance_export_get(inst, name, strlen(name), &x) ||
      x.kind != WB_EXTERN_FUNC)
    return NULL;
  return x.of.func;
}

/* Calls an exported () -> i32 function; -1 (and a failed check) on error. */
static int32_t call_i32(wb_store_t *s, wb_instance_t *inst, const char *name) {
  wb_func_t *f = export_func(inst, name);
  CHECK(f != NULL);
  if (!f) return -1;
  wb_val_t r = {.kind = WB_I32};
  wb_trap_t *trap = NULL;
  wb_error_t *err = wb_func_call(s, f, NULL, 0, &r, 1, &trap);
  CHECK(err == NULL && trap == NULL);
  wb_error_delete(err);
  wb_trap_delete(trap);
  return r.of.i32;
}

static int host_calls;

static wb_trap_t *host_add(void *env, wb_caller_t *caller, const wb_val_t *args, size_t nargs,
                           wb_val_t *results, size_t nresults) {
  (void)env, (void)caller, (void)nargs, (void)nresults;
  host_calls++;
  results[0].of.i32 = args[0].of.i32 + args[1].of.i32;
  return NULL;
}

static wb_functype_t *type_ii_i(void) {
  wb_valkind_t p[2] = {WB_I32, WB_I32}, r[1] = {WB_I32};
  return wb_functype_new(p, 2, r, 1);
}

/* {====================== Tests ======================} */

static const char *wat_imports =
    "(module\n"
    "  (type $add (func (param i32 i32) (result i32)))\n"
    "  (import \"env\" \"add\" (func $add (type $add)))\n"
    "  (import \"env\" \"g\" (global $g i32))\n"
    "  (import \"env\" \"mem\" (memory 1))\n"
    "  (import \"env\" \"tab\" (table 2 funcref))\n"
    "  (func (export \"direct\") (result i32)\n"
    "    (call $add (global.get $g) (i32.load (i32.const 4))))\n"
    "  (func (export \"indirect\") (result i32)\n"
    "    (call_indirect (type $add) (i32.const 1) (i32.const 2) (i32.const 0))))\n";

/* Host function, global, memory and table imports resolve and are used. */
static void test_imports(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_store_t *s = wb_store_new(e);
  wb_linker_t *l = wb_linker_new(s);
  wb_functype_t *ft = type_ii_i();
  CHECK(wb_linker_define_func(l, "env", "add", ft, host_add, NULL, NULL) == NULL);
  wb_val_t v = {.kind = WB_I32, .of.i32 = 100};
  wb_extern_t g = {.kind = WB_EXTERN_GLOBAL, .of.global = wb_global_new(s, WB_I32, false, v)};
  wb_extern_t mem = {.kind = WB_EXTERN_MEMORY, .of.memory = wb_memory_new(s, 1, 0, false)};
  wb_val_t null = {.kind = WB_FUNCREF, .of.funcref = NULL};
  wb_extern_t tab = {.kind = WB_EXTERN_TABLE,
                     .of.table = wb_table_new(s, WB_FUNCREF, 2, 0, false, null)};
  CHECK(wb_linker_define(l, "env", "g", g) == NULL);
  CHECK(wb_linker_define(l, "env", "mem", mem) == NULL);
  CHECK(wb_linker_define(l, "env", "tab", tab) == NULL);
  wb_extern_t add;
  wb_memory_data(mem.of.memory)[4] = 23;
  wb_module_t *m = compile(e, wat_imports);
  CHECK_EQ(wb_module_import_count(m), 4);
  wb_externdesc_t d;
  wb_module_import_get(m, 0, &d);
  CHECK(d.kind == WB_EXTERN_FUNC && d.name_len == 3 && memcmp(d.name, "add", 3) == 0);
  CHECK(d.functype && wb_functype_param_count(d.functype) == 2);
  wb_module_import_get(m, 3, &d);
  CHECK(d.kind == WB_EXTERN_TABLE && d.valkind == WB_FUNCREF && d.min == 2 && !d.has_max);
  wb_instance_t *inst = instantiate_ok(l, m);
  host_calls = 0;
  CHECK_EQ(call_i32(s, inst, "direct"), 123);
  CHECK_EQ(host_calls, 1);
  /* Put the host function into the imported table, then call through it. */
  wb_module_t *m2 = compile(e, "(module (import \"env\" \"add\" (func $a (param i32 i32) (result i32)))"
                               " (import \"env\" \"tab\" (table 2 funcref))"
                               " (elem (i32.const 0) $a))");
  wb_instance_t *filler = instantiate_ok(l, m2);
  CHECK(filler != NULL);
  CHECK_EQ(call_i32(s, inst, "indirect"), 3);
  CHECK_EQ(host_calls, 2);
  CHECK(wb_instance_export_get(inst, "add", 3, &add) == false);
  wb_functype_delete(ft);
  wb_linker_delete(l);
  wb_store_delete(s);
  wb_module_delete(m);
  wb_module_delete(m2);
  wb_engine_delete(e);
}

static const char *wat_link_errors =
    "(module\n"
    "  (import \"env\" \"missing1\" (func))\n"
    "  (import \"env\" \"g\" (memory 1))\n"
    "  (import \"env\" \"missing2\" (global i64))\n"
    "  (import \"env\" \"f\" (func (param i32)))\n"
    "  (import \"env\" \"t\" (table 2 3 funcref))\n"
    "  (import \"env\" \"ok\" (global i32)))\n";

/* Every problem is listed in one WB_ERROR_LINK error, one per line. */
static void test_link_errors(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_store_t *s = wb_store_new(e);
  wb_linker_t *l = wb_linker_new(s);
  wb_val_t v = {.kind = WB_I32, .of.i32 = 1};
  wb_extern_t g = {.kind = WB_EXTERN_GLOBAL, .of.global = wb_global_new(s, WB_I32, true, v)};
  wb_extern_t ok = {.kind = WB_EXTERN_GLOBAL, .of.global = wb_global_new(s, WB_I32, false, v)};
  wb_val_t null = {.kind = WB_FUNCREF, .of.funcref = NULL};
  wb_extern_t tab = {.kind = WB_EXTERN_TABLE,
                     .of.table = wb_table_new(s, WB_FUNCREF, 2, 4, true, null)};
  wb_functype_t *ft = type_ii_i();
  CHECK(wb_linker_define(l, "env", "g", g) == NULL);
  CHECK(wb_linker_define(l, "env", "ok", ok) == NULL);
  CHECK(wb_linker_define(l, "env", "t", tab) == NULL);
  CHECK(wb_linker_define_func(l, "env", "f", ft, host_add, NULL, NULL) == NULL);
  wb_module_t *m = compile(e, wat_link_errors);
  wb_instance_t *inst = (wb_instance_t *)1;
  wb_trap_t *trap = (wb_trap_t *)1;
  wb_error_t *err = m ? wb_linker_instantiate(l, m, &inst, &trap) : NULL;
  CHECK(err != NULL && inst == NULL && trap == NULL);
  if (err) {
    const char *msg = wb_error_message(err);
    CHECK_EQ(wb_error_kind(err), WB_ERROR_LINK);
    CHECK_CONTAINS(msg, "unknown import: `env`.`missing1`\n");
    CHECK_CONTAINS(msg, "\nincompatible import type: `env`.`g` "
                        "(expected memory 1.. pages, got global mut i32)\n");
    CHECK_CONTAINS(msg, "\nunknown import: `env`.`missing2`\n");
    CHECK_CONTAINS(msg, "\nincompatible import type: `env`.`f` "
                        "(expected func (i32) -> (), got func (i32, i32) -> (i32))\n");
    CHECK_CONTAINS(msg, "\nincompatible import type: `env`.`t` "
                        "(expected table funcref 2..3, got table funcref 2..4)");
    CHECK(strstr(msg, "`ok`") == NULL);
    CHECK(strncmp(msg, "unknown import", 14) == 0);
    int lines = 1;
    for (const char *p = msg; *p; p++) lines += *p == '\n';
    CHECK_EQ(lines, 5);
  }
  wb_error_delete(err);
  wb_functype_delete(ft);
  wb_linker_delete(l);
  wb_store_delete(s);
  wb_module_delete(m);
  wb_engine_delete(e);
}

static const char *wat_segments =
    "(module\n"
    "  (memory (export \"mem\") 1)\n"
    "  (table (export \"tab\") 4 funcref)\n"
    "  (func $f (export \"f\") (result i32) (i32.const 7))\n"
    "  (func $g (export \"g\") (result i32) (i32.const 9))\n"
    "  (elem (i32.const 1) $f $g)\n"
    "  (elem (table 0) (i32.const 3) funcref (ref.func $g))\n"
    "  (data (i32.const 8) \"hello\")\n"
    "  (data (i32.const 65535) \"!\")\n"
    "  (func (export \"via_table\") (result i32)\n"
    "    (call_indirect (result i32) (i32.const 2))))\n";

/* Exports by name; active element and data segments are applied. */
static void test_exports_and_segments(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_store_t *s = wb_store_new(e);
  wb_linker_t *l = wb_linker_new(s);
  wb_module_t *m = compile(e, wat_segments);
  CHECK_EQ(wb_module_export_count(m), 5);
  wb_externdesc_t d;
  wb_module_export_get(m, 1, &d);
  CHECK(d.kind == WB_EXTERN_TABLE && d.min == 4 && d.valkind == WB_FUNCREF);
  wb_module_export_get(m, 99, &d); /* out of range: zeroed, no crash */
  CHECK(d.name == NULL);
  wb_instance_t *inst = instantiate_ok(l, m);
  if (inst) {
    wb_extern_t x;
    CHECK(wb_instance_export_get(inst, "mem", 3, &x) && x.kind == WB_EXTERN_MEMORY);
    CHECK(x.of.memory == wb_instance_memory(inst));
    CHECK(!wb_instance_export_get(inst, "me", 2, &x));
    CHECK(!wb_instance_export_get(inst, "nope", 4, &x));
    uint8_t *p = wb_memory_data(wb_instance_memory(inst));
    CHECK(memcmp(p + 8, "hello", 5) == 0 && p[7] == 0 && p[13] == 0 && p[65535] == '!');
    CHECK(wb_instance_export_get(inst, "tab", 3, &x) && x.kind == WB_EXTERN_TABLE);
    wb_val_t r;
    CHECK(wb_table_get(x.of.table, 0, &r) && r.of.funcref == NULL);
    CHECK(wb_table_get(x.of.table, 1, &r) && r.of.funcref == export_func(inst, "f"));
    CHECK(wb_table_get(x.of.table, 2, &r) && r.of.funcref == export_func(inst, "g"));
    CHECK(wb_table_get(x.of.table, 3, &r) && r.of.funcref == export_func(inst, "g"));
    CHECK_EQ(call_i32(s, inst, "via_table"), 9);
    CHECK_EQ(call_i32(s, inst, "f"), 7);
  }
  wb_linker_delete(l);
  wb_store_delete(s);
  wb_module_delete(m);
  wb_engine_delete(e);
}

/* An out-of-range active data segment traps; an out-of-range element
   segment traps too, and what earlier segments wrote to a shared table and
   memory stays (WebAssembly 2.0). */
static void test_segment_traps(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_store_t *s = wb_store_new(e);
  wb_linker_t *l = wb_linker_new(s);
  wb_val_t null = {.kind = WB_FUNCREF, .of.funcref = NULL};
  wb_extern_t tab = {.kind = WB_EXTERN_TABLE,
                     .of.table = wb_table_new(s, WB_FUNCREF, 6, 0, false, null)};
  wb_extern_t mem = {.kind = WB_EXTERN_MEMORY, .of.memory = wb_memory_new(s, 1, 0, false)};
  CHECK(wb_linker_define(l, "env", "tab", tab) == NULL);
  CHECK(wb_linker_define(l, "env", "mem", mem) == NULL);
  wb_module_t *m1 = compile(e, "(module (import \"env\" \"mem\" (memory 1))\n"
                               "  (data (i32.const 0) \"ab\")\n"
                               "  (data (i32.const 65534) \"xyz\"))");
  wb_module_t *m2 = compile(e, "(module (import \"env\" \"tab\" (table 1 funcref))\n"
                               "  (import \"env\" \"mem\" (memory 1))\n"
                               "  (func $f)\n"
                               "  (elem (i32.const 0) $f)\n"
                               "  (elem (i32.const 5) $f $f)\n"
                               "  (data (i32.const 100) \"never\"))");
  wb_instance_t *inst = (wb_instance_t *)1;
  wb_trap_t *trap = NULL;
  wb_error_t *err = m1 ? wb_linker_instantiate(l, m1, &inst, &trap) : NULL;
  CHECK(err == NULL && inst == NULL && trap != NULL);
  if (trap) {
    CHECK_EQ(wb_trap_code(trap), WB_TRAP_MEMORY_OUT_OF_BOUNDS);
    CHECK_CONTAINS(wb_trap_message(trap), "out of bounds memory access");
  }
  uint8_t *p = wb_memory_data(mem.of.memory);
  CHECK(p[0] == 'a' && p[1] == 'b' && p[65534] == 0);
  wb_trap_delete(trap);
  trap = NULL;
  err = m2 ? wb_linker_instantiate(l, m2, &inst, &trap) : NULL;
  CHECK(err == NULL && inst == NULL && trap != NULL);
  if (trap) CHECK_EQ(wb_trap_code(trap), WB_TRAP_TABLE_OUT_OF_BOUNDS);
  wb_val_t r;
  CHECK(wb_table_get(tab.of.table, 0, &r) && r.of.funcref != NULL);
  CHECK(wb_table_get(tab.of.table, 5, &r) && r.of.funcref == NULL);
  CHECK(p[100] == 0); /* data segments come after all element segments */
  /* The function the first segment stored is still callable. */
  if (wb_table_get(tab.of.table, 0, &r) && r.of.funcref) {
    wb_trap_t *t2 = NULL;
    wb_error_t *e2 = wb_func_call(s, r.of.funcref, NULL, 0, NULL, 0, &t2);
    CHECK(e2 == NULL && t2 == NULL);
    wb_error_delete(e2);
    wb_trap_delete(t2);
  }
  wb_trap_delete(trap);
  wb_error_delete(err);
  wb_linker_delete(l);
  wb_store_delete(s);
  wb_module_delete(m1);
  wb_module_delete(m2);
  wb_engine_delete(e);
}

/* The start function runs (and may call imports); a trapping start makes
   instantiation return the trap. */
static void test_start(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_store_t *s = wb_store_new(e);
  wb_linker_t *l = wb_linker_new(s);
  wb_functype_t *ft = type_ii_i();
  CHECK(wb_linker_define_func(l, "env", "add", ft, host_add, NULL, NULL) == NULL);
  wb_module_t *m = compile(e, "(module\n"
                              "  (import \"env\" \"add\" (func $add (param i32 i32) (result i32)))\n"
                              "  (global $g (mut i32) (i32.const 0))\n"
                              "  (func $start (global.set $g (call $add (i32.const 40) (i32.const 2))))\n"
                              "  (func (export \"get\") (result i32) (global.get $g))\n"
                              "  (start $start))");
  wb_module_t *bad = compile(e, "(module (func $s unreachable) (start $s))");
  host_calls = 0;
  wb_instance_t *inst = instantiate_ok(l, m);
  CHECK_EQ(host_calls, 1);
  if (inst) CHECK_EQ(call_i32(s, inst, "get"), 42);
  wb_instance_t *out = (wb_instance_t *)1;
  wb_trap_t *trap = NULL;
  wb_error_t *err = bad ? wb_linker_instantiate(l, bad, &out, &trap) : NULL;
  CHECK(err == NULL && out == NULL && trap != NULL);
  if (trap) CHECK_EQ(wb_trap_code(trap), WB_TRAP_UNREACHABLE);
  wb_trap_delete(trap);
  wb_error_delete(err);
  wb_functype_delete(ft);
  wb_linker_delete(l);
  wb_store_delete(s);
  wb_module_delete(m);
  wb_module_delete(bad);
  wb_engine_delete(e);
}

static const char *wat_globals =
    "(module\n"
    "  (import \"env\" \"base\" (global $base i32))\n"
    "  (import \"env\" \"fbase\" (global $fbase f64))\n"
    "  (global (export \"copy\") i32 (global.get $base))\n"
    "  (global (export \"fcopy\") f64 (global.get $fbase))\n"
    "  (global (export \"neg\") (mut i64) (i64.const -5))\n"
    "  (global (export \"snan\") f32 (f32.const nan:0x200001))\n"
    "  (global (export \"pi\") f64 (f64.const 3.5))\n"
    "  (global (export \"fr\") funcref (ref.func $f))\n"
    "  (global (export \"nul\") externref (ref.null extern))\n"
    "  (func $f (export \"f\")))\n";

static wb_val_t export_global(wb_instance_t *inst, const char *name) {
  wb_extern_t x;
  wb_val_t v = {.kind = WB_I32, .of.i64 = -1};
  bool ok = inst && wb_instance_export_get(inst, name, strlen(name), &x) &&
            x.kind == WB_EXTERN_GLOBAL;
  CHECK(ok);
  return ok ? wb_global_get(x.of.global) : v;
}

/* Global initialisers: constants (float bits kept exactly), references and
   global.get of imported globals. */
static void test_globals(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_store_t *s = wb_store_new(e);
  wb_linker_t *l = wb_linker_new(s);
  wb_val_t b = {.kind = WB_I32, .of.i32 = 1234};
  wb_val_t fb = {.kind = WB_F64, .of.f64 = -0.25};
  wb_extern_t g = {.kind = WB_EXTERN_GLOBAL, .of.global = wb_global_new(s, WB_I32, false, b)};
  wb_extern_t fg = {.kind = WB_EXTERN_GLOBAL, .of.global = wb_global_new(s, WB_F64, false, fb)};
  CHECK(wb_linker_define(l, "env", "base", g) == NULL);
  CHECK(wb_linker_define(l, "env", "fbase", fg) == NULL);
  wb_module_t *m = compile(e, wat_globals);
  wb_instance_t *inst = instantiate_ok(l, m);
  if (inst) {
    CHECK_EQ(export_global(inst, "copy").of.i32, 1234);
    CHECK(export_global(inst, "fcopy").of.f64 == -0.25);
    CHECK_EQ(export_global(inst, "neg").of.i64, -5);
    float sn = export_global(inst, "snan").of.f32;
    uint32_t bits;
    memcpy(&bits, &sn, 4);
    CHECK_EQ(bits, 0x7FA00001u);
    CHECK(export_global(inst, "pi").of.f64 == 3.5);
    CHECK(export_global(inst, "fr").of.funcref == export_func(inst, "f"));
    CHECK(export_global(inst, "nul").of.externref == NULL);
  }
  /* Redefinition replaces: a second instance sees the new base. */
  b.of.i32 = 77;
  g.of.global = wb_global_new(s, WB_I32, false, b);
  CHECK(wb_linker_define(l, "env", "base", g) == NULL);
  wb_instance_t *inst2 = instantiate_ok(l, m);
  if (inst2) CHECK_EQ(export_global(inst2, "copy").of.i32, 77);
  wb_linker_delete(l);
  wb_store_delete(s);
  wb_module_delete(m);
  wb_engine_delete(e);
}

/* define_instance makes one instance's exports importable by another. */
static void test_define_instance(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  wb_store_t *s = wb_store_new(e);
  wb_linker_t *l = wb_linker_new(s);
  wb_module_t *a = compile(e, "(module (func (export \"seven\") (result i32) (i32.const 7))"
                              " (memory (export \"mem\") 1 2))");
  wb_module_t *b = compile(e, "(module (import \"a\" \"seven\" (func $s (result i32)))"
                              " (import \"a\" \"mem\" (memory 1 2))"
                              " (func (export \"run\") (result i32)"
                              "   (i32.store (i32.const 0) (i32.const 5))"
                              "   (i32.add (call $s) (i32.load (i32.const 0)))))");
  wb_instance_t *ia = instantiate_ok(l, a);
  if (ia) CHECK(wb_linker_define_instance(l, "a", ia) == NULL);
  wb_instance_t *ib = instantiate_ok(l, b);
  if (ib) CHECK_EQ(call_i32(s, ib, "run"), 12);
  if (ia && ib) CHECK(wb_instance_memory(ia) == wb_instance_memory(ib));
  wb_linker_delete(l);
  wb_store_delete(s);
  wb_module_delete(a);
  wb_module_delete(b);
  wb_engine_delete(e);
}

/* Bad bytes and bad arguments come back as errors, never crashes. */
static void test_bad_input(void) {
  wb_engine_t *e = wb_engine_new(NULL);
  static const uint8_t junk[] = {0x00, 0x61, 0x73, 0x6d, 0x02, 0, 0, 0};
  wb_module_t *m = (wb_module_t *)1;
  wb_error_t *err = wb_module_new(e, junk, sizeof junk, &m);
  CHECK(err != NULL && m == NULL);
  if (err) CHECK_EQ(wb_error_kind(err), WB_ERROR_DECODE);
  wb_error_delete(err);
  err = wb_module_validate(e, junk, 3);
  CHECK(err != NULL);
  wb_error_delete(err);
  static const uint8_t empty[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0, 0, 0};
  CHECK(wb_module_validate(e, empty, sizeof empty) == NULL);
  wb_store_t *s = wb_store_new(e);
  wb_linker_t *l = wb_linker_new(s);
  wb_extern_t nothing = {.kind = WB_EXTERN_FUNC, .of.func = NULL};
  err = wb_linker_define(l, "a", "b", nothing);
  CHECK(err != NULL && wb_error_kind(err) == WB_ERROR_USAGE);
  wb_error_delete(err);
  wb_linker_delete(l);
  wb_store_delete(s);
  wb_engine_delete(e);
}

TEST_MAIN("unit_instance", test_imports, test_link_errors, test_exports_and_segments,
          test_segment_traps, test_start, test_globals, test_define_instance, test_bad_input)
