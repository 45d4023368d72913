/* SPDX-License-Identifier: Apache-2.0 */
/*
** Module-level validation: the index spaces and limits, constant
** expressions, exports, the start function and segments; then every
** function body through val_function (validate/func.c).
*/
#include "validate/validate.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "decode/reader.h"
#include "util/util.h"
#include "validate/lower.h"

static wb_error_t *invalid(size_t off, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static wb_error_t *invalid(size_t off, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  wb_error_t *e = ut_error_vnew(WB_ERROR_VALIDATE, off, fmt, ap);
  va_end(ap);
  return e;
}

/* {====================== Constant expressions ======================} */

/* Type of one constant instruction, or 0 with *err set. */
static wm_valtype_t const_instr(const wm_module_t *m, rd_t *r, uint8_t op, wb_error_t **err) {
  size_t off = rd_off(r) - 1;
  switch (op) {
  case 0x41: rd_s32(r); return WM_I32;
  case 0x42: rd_s64(r); return WM_I64;
  case 0x43: rd_fixed32(r); return WM_F32;
  case 0x44: rd_fixed64(r); return WM_F64;
  case 0xD0: {
    uint8_t t = rd_u8(r);
    if (rd_ok(r) && !wm_is_ref(t)) *err = ut_error_new(WB_ERROR_DECODE, off, "malformed reference type");
    return t;
  }
  case 0xD2: {
    uint32_t f = rd_u32(r);
    if (rd_ok(r) && f >= m->nfuncs) *err = invalid(off, "unknown function %u", f);
    return WM_FUNCREF;
  }
  case 0x23: {
    uint32_t g = rd_u32(r);
    if (!rd_ok(r)) return 0;
    /* WebAssembly 2.0: only imported, immutable globals are constant. */
    if (g >= m->nglobal_imports) {
      *err = invalid(off, "unknown global %u", g);
      return 0;
    }
    if (m->globals[g].type.mut) *err = invalid(off, "constant expression required");
    return m->globals[g].type.type;
  }
  default: *err = invalid(off, "constant expression required"); return 0;
  }
}

/* Checks that e is a constant expression producing one value of type want. */
static wb_error_t *check_const(const wm_module_t *m, wm_expr_t e, wm_valtype_t want) {
  rd_t r;
  rd_init(&r, m->bytes, e.offset, (size_t)e.offset + e.len);
  wb_error_t *err = NULL;
  uint32_t depth = 0;
  wm_valtype_t t = 0;
  for (;;) {
    uint8_t op = rd_u8(&r);
    if (!rd_ok(&r)) return ut_error_new(WB_ERROR_DECODE, r.err_off, "%s", r.err);
    if (op == 0x0B) break;
    t = const_instr(m, &r, op, &err);
    if (err) return err;
    if (!rd_ok(&r)) return ut_error_new(WB_ERROR_DECODE, r.err_off, "%s", r.err);
    depth++;
  }
  if (depth != 1 || t != want) return invalid(e.offset, "type mismatch");
  return NULL;
}

/* {====================== Declared function references ======================} */

static void declare_expr(const wm_module_t *m, wm_expr_t e, bool *decl) {
  rd_t r;
  rd_init(&r, m->bytes, e.offset, (size_t)e.offset + e.len);
  if (rd_u8(&r) != 0xD2) return;
  uint32_t f = rd_u32(&r);
  if (rd_ok(&r) && f < m->nfuncs) decl[f] = true;
}

/* C.refs of the spec: functions named outside function bodies. */
static void collect_declared(wm_module_t *m) {
  bool *decl = ut_calloc(m->nfuncs + 1, sizeof *decl);
  for (uint32_t i = 0; i < m->nexports; i++)
    if (m->exports[i].kind == WB_EXTERN_FUNC && m->exports[i].index < m->nfuncs)
      decl[m->exports[i].index] = true;
  for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) declare_expr(m, m->globals[i].init, decl);
  for (uint32_t i = 0; i < m->nelems; i++) {
    const wm_elem_t *el = &m->elems[i];
    for (uint32_t j = 0; j < el->count; j++) {
      if (el->funcs && el->funcs[j] < m->nfuncs) decl[el->funcs[j]] = true;
      if (el->exprs) declare_expr(m, el->exprs[j], decl);
    }
  }
  m->func_declared = decl;
}

/* {====================== Sections ======================} */

static wb_error_t *check_limits(const wm_limits_t *l, uint64_t bound, const char *what) {
  if (l->min > bound || (l->has_max && l->max > bound)) return invalid(SIZE_MAX, "%s", what);
  if (l->has_max && l->min > l->max)
    return invalid(SIZE_MAX, "size minimum must not be greater than maximum");
  return NULL;
}

static wb_error_t *check_types_and_limits(const wm_module_t *m) {
  wb_error_t *e = NULL;
  for (uint32_t i = 0; i < m->nfuncs && !e; i++)
    if (m->func_type[i] >= m->ntypes) e = invalid(SIZE_MAX, "unknown type");
  for (uint32_t i = 0; i < m->ntables && !e; i++)
    e = check_limits(&m->tables[i].lim, UINT32_MAX, "table size must be at most 2^32-1");
  if (!e && m->nmems > 1) e = invalid(SIZE_MAX, "multiple memories");
  for (uint32_t i = 0; i < m->nmems && !e; i++)
    e = check_limits(&m->mems[i], 65536, "memory size must be at most 65536 pages (4GiB)");
  return e;
}

static wb_error_t *check_globals(const wm_module_t *m) {
  for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
    wb_error_t *e = check_const(m, m->globals[i].init, m->globals[i].type.type);
    if (e) return e;
  }
  return NULL;
}

static int cmp_export(const void *a, const void *b) {
  const wm_export_t *x = *(wm_export_t *const *)a, *y = *(wm_export_t *const *)b;
  if (x->name_len != y->name_len) return x->name_len < y->name_len ? -1 : 1;
  return memcmp(x->name, y->name, x->name_len);
}

static wb_error_t *check_export_index(const wm_module_t *m, const wm_export_t *x) {
  static const char *what[] = {"function", "table", "memory", "global"};
  uint32_t n[] = {m->nfuncs, m->ntables, m->nmems, m->nglobals};
  if (x->kind > WB_EXTERN_GLOBAL || x->index >= n[x->kind])
    return invalid(SIZE_MAX, "unknown %s %u", what[x->kind <= 3 ? x->kind : 0], x->index);
  return NULL;
}

static wb_error_t *check_exports(const wm_module_t *m) {
  wb_error_t *e = NULL;
  for (uint32_t i = 0; i < m->nexports && !e; i++) e = check_export_index(m, &m->exports[i]);
  if (e || m->nexports < 2) return e;
  const wm_export_t **v = ut_malloc(m->nexports * sizeof *v);
  for (uint32_t i = 0; i < m->nexports; i++) v[i] = &m->exports[i];
  qsort(v, m->nexports, sizeof *v, cmp_export);
  for (uint32_t i = 1; i < m->nexports && !e; i++)
    if (cmp_export(&v[i - 1], &v[i]) == 0) e = invalid(SIZE_MAX, "duplicate export name");
  free(v);
  return e;
}

static wb_error_t *check_start(const wm_module_t *m) {
  if (!m->has_start) return NULL;
  if (m->start >= m->nfuncs) return invalid(SIZE_MAX, "unknown function %u", m->start);
  const wm_functype_t *t = wm_func_type(m, m->start);
  if (t->nparams || t->nresults) return invalid(SIZE_MAX, "start function");
  return NULL;
}

static wb_error_t *check_elem(const wm_module_t *m, const wm_elem_t *el) {
  if (el->mode == WM_SEG_ACTIVE) {
    if (el->table >= m->ntables) return invalid(SIZE_MAX, "unknown table %u", el->table);
    if (m->tables[el->table].elem != el->type) return invalid(SIZE_MAX, "type mismatch");
    wb_error_t *e = check_const(m, el->offset, WM_I32);
    if (e) return e;
  }
  for (uint32_t j = 0; j < el->count; j++) {
    if (el->funcs && el->funcs[j] >= m->nfuncs)
      return invalid(SIZE_MAX, "unknown function %u", el->funcs[j]);
    if (el->exprs) {
      wb_error_t *e = check_const(m, el->exprs[j], el->type);
      if (e) return e;
    }
  }
  return NULL;
}

static wb_error_t *check_segments(const wm_module_t *m) {
  for (uint32_t i = 0; i < m->nelems; i++) {
    wb_error_t *e = check_elem(m, &m->elems[i]);
    if (e) return e;
  }
  for (uint32_t i = 0; i < m->ndatas; i++) {
    const wm_data_t *d = &m->datas[i];
    if (d->mode != WM_SEG_ACTIVE) continue;
    if (d->mem >= m->nmems) return invalid(SIZE_MAX, "unknown memory %u", d->mem);
    wb_error_t *e = check_const(m, d->offset, WM_I32);
    if (e) return e;
  }
  return NULL;
}

static wb_error_t *lower_all(wm_module_t *m) {
  m->code = ut_calloc(m->ncodes + 1, sizeof *m->code);
  for (uint32_t i = 0; i < m->ncodes; i++) {
    wb_error_t *e = val_function(m, i, &m->code[i]);
    if (e) return e; /* wm_module_free releases what was lowered */
  }
  return NULL;
}

wb_error_t *val_module(wm_module_t *m) {
  wb_error_t *e = check_types_and_limits(m);
  if (!e) collect_declared(m);
  if (!e) e = check_globals(m);
  if (!e) e = check_exports(m);
  if (!e) e = check_start(m);
  if (!e) e = check_segments(m);
  if (!e) e = lower_all(m);
  return e;
}
