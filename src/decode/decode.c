/* SPDX-License-Identifier: Apache-2.0 */
/*
** Binary decoder, module level: header, the section loop (ids, order,
** sizes), the simple sections (type, import, function, table, memory,
** global, export, start, data count) and the checks made once all sections
** are read. Element, data and code sections live in sections.c; names and
** custom sections in names.c.
**
** Error wording follows the spec test suite ("integer too large", ...); the
** message gets " in <name> section" appended when a section was being read.
*/
#include <stdlib.h>
#include <string.h>

#include "decode/dec_internal.h"
#include "util/util.h"

enum { SEC_CUSTOM = 0, SEC_DATACOUNT = 12, SEC_LAST = 12 };

static const char *const sec_names[SEC_LAST + 1] = {
    "custom", "type",   "import",  "function", "table", "memory",    "global",
    "export", "start",  "element", "code",     "data",  "data count"};

/* Position of each section id in the required order: data count (12)
   sits between element (9) and code (10). */
static const uint8_t sec_rank[SEC_LAST + 1] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};

/* {====================== Types shared by sections ======================} */

/* Limits: a flags integer of one bit (so 0x02 is "integer too large" and
   0x81 0x00 "integer representation too long", as the suite expects),
   then min and, with flag 1, max. */
static void dec_limits(dec_t *d, wm_limits_t *lim) {
  rd_t *r = &d->r;
  lim->has_max = rd_uleb(r, 1) != 0;
  lim->min = rd_u32(r);
  lim->max = lim->has_max ? rd_u32(r) : 0;
}

static void dec_tabletype(dec_t *d, wm_tabletype_t *t) {
  t->elem = dec_reftype(d);
  dec_limits(d, &t->lim);
}

static void dec_globaltype(dec_t *d, wm_globaltype_t *g) {
  rd_t *r = &d->r;
  g->type = dec_valtype(d);
  size_t at = rd_off(r);
  uint8_t mut = rd_u8(r);
  if (rd_ok(r) && mut > 1) dec_fail_at(d, at, "malformed mutability");
  g->mut = mut == 1;
}

/* Reads a vector of value types (params or results) into a fresh array. */
static wm_valtype_t *dec_valtypes(dec_t *d, uint32_t *n, const char *too_many) {
  size_t at = rd_off(&d->r);
  *n = dec_len32(d);
  if (!rd_ok(&d->r)) return NULL;
  if (*n > DEC_MAX_PARAMS) {
    dec_fail_at(d, at, too_many);
    return NULL;
  }
  wm_valtype_t *v = ut_malloc(*n);
  for (uint32_t i = 0; i < *n; i++) v[i] = dec_valtype(d);
  return v;
}

/* {====================== Simple sections ======================} */

static void dec_functype(dec_t *d, wm_functype_t *ft) {
  rd_t *r = &d->r;
  size_t at = rd_off(r);
  uint8_t form = rd_u8(r);
  if (!rd_ok(r)) return;
  if (form != 0x60) {
    /* The form is an s7: a continuation bit means an overlong encoding. */
    dec_fail_at(d, at, form & 0x80 ? "integer representation too long" : "malformed function type");
    return;
  }
  uint32_t np, nr;
  wm_valtype_t *params = dec_valtypes(d, &np, "too many parameters");
  if (!rd_ok(r)) {
    free(params);
    return;
  }
  wm_valtype_t *results = dec_valtypes(d, &nr, "too many results");
  if (rd_ok(r)) {
    ft->types = ut_malloc((size_t)np + nr);
    memcpy(ft->types, params, np);
    memcpy(ft->types + np, results, nr);
    ft->nparams = np;
    ft->nresults = nr;
  }
  free(params);
  free(results);
}

static void dec_type_section(dec_t *d) {
  wm_module_t *m = d->m;
  uint32_t n = dec_len32(d);
  if (!rd_ok(&d->r)) return;
  m->types = ut_calloc(n, sizeof *m->types);
  m->ntypes = n; /* entries not reached stay zeroed, which frees fine */
  for (uint32_t i = 0; i < n && rd_ok(&d->r); i++) dec_functype(d, &m->types[i]);
}

/* The per-kind arrays hold imports first, then definitions; they grow as
   either section supplies entries. */
static void push_func(dec_t *d, uint32_t type_idx) {
  wm_module_t *m = d->m;
  UT_PUSH(m->func_type, m->nfuncs, d->cap_funcs, type_idx);
}

static void dec_import_desc(dec_t *d, wm_import_t *im) {
  rd_t *r = &d->r;
  wm_module_t *m = d->m;
  size_t at = rd_off(r);
  uint8_t kind = rd_u8(r);
  if (!rd_ok(r)) return;
  switch (kind) {
  case 0x00:
    im->kind = WB_EXTERN_FUNC;
    im->type_idx = rd_u32(r);
    push_func(d, im->type_idx);
    m->nfunc_imports++;
    break;
  case 0x01:
    im->kind = WB_EXTERN_TABLE;
    dec_tabletype(d, &im->table);
    UT_PUSH(m->tables, m->ntables, d->cap_tables, im->table);
    m->ntable_imports++;
    break;
  case 0x02:
    im->kind = WB_EXTERN_MEMORY;
    dec_limits(d, &im->mem);
    UT_PUSH(m->mems, m->nmems, d->cap_mems, im->mem);
    m->nmem_imports++;
    break;
  case 0x03: {
    im->kind = WB_EXTERN_GLOBAL;
    dec_globaltype(d, &im->global);
    wm_global_t g = {.type = im->global}; /* imported: no initialiser */
    UT_PUSH(m->globals, m->nglobals, d->cap_globals, g);
    m->nglobal_imports++;
    break;
  }
  default:
    dec_fail_at(d, at, "malformed import kind");
  }
}

static void dec_import_section(dec_t *d) {
  wm_module_t *m = d->m;
  uint32_t n = dec_len32(d);
  if (!rd_ok(&d->r)) return;
  m->imports = ut_calloc(n, sizeof *m->imports);
  for (uint32_t i = 0; i < n && rd_ok(&d->r); i++) {
    wm_import_t *im = &m->imports[i];
    m->nimports = i + 1;
    im->module = dec_name(d, &im->module_len);
    if (rd_ok(&d->r)) im->name = dec_name(d, &im->name_len);
    if (rd_ok(&d->r)) dec_import_desc(d, im);
  }
}

static void dec_function_section(dec_t *d) {
  uint32_t n = dec_len32(d);
  for (uint32_t i = 0; i < n && rd_ok(&d->r); i++) {
    uint32_t t = rd_u32(&d->r);
    if (rd_ok(&d->r)) push_func(d, t);
  }
  d->nfunc_decls = n;
}

static void dec_table_section(dec_t *d) {
  wm_module_t *m = d->m;
  uint32_t n = dec_len32(d);
  for (uint32_t i = 0; i < n && rd_ok(&d->r); i++) {
    wm_tabletype_t t = {0};
    dec_tabletype(d, &t);
    UT_PUSH(m->tables, m->ntables, d->cap_tables, t);
  }
}

static void dec_memory_section(dec_t *d) {
  wm_module_t *m = d->m;
  uint32_t n = dec_len32(d);
  for (uint32_t i = 0; i < n && rd_ok(&d->r); i++) {
    wm_limits_t lim = {0};
    dec_limits(d, &lim);
    UT_PUSH(m->mems, m->nmems, d->cap_mems, lim);
  }
}

static void dec_global_section(dec_t *d) {
  wm_module_t *m = d->m;
  uint32_t n = dec_len32(d);
  for (uint32_t i = 0; i < n && rd_ok(&d->r); i++) {
    wm_global_t g = {0};
    dec_globaltype(d, &g.type);
    if (rd_ok(&d->r)) dec_const_expr(d, &g.init);
    UT_PUSH(m->globals, m->nglobals, d->cap_globals, g);
  }
}

static void dec_export_section(dec_t *d) {
  rd_t *r = &d->r;
  wm_module_t *m = d->m;
  uint32_t n = dec_len32(d);
  if (!rd_ok(r)) return;
  m->exports = ut_calloc(n, sizeof *m->exports);
  for (uint32_t i = 0; i < n && rd_ok(r); i++) {
    wm_export_t *ex = &m->exports[i];
    m->nexports = i + 1;
    ex->name = dec_name(d, &ex->name_len);
    size_t at = rd_off(r);
    uint8_t kind = rd_u8(r);
    if (rd_ok(r) && kind > 3) dec_fail_at(d, at, "malformed export kind");
    ex->kind = (wb_externkind_t)kind;
    ex->index = rd_u32(r);
  }
}

/* Decodes the contents of section `id`, whose payload ends at `end`. */
static void dec_section_body(dec_t *d, uint8_t id, size_t end) {
  wm_module_t *m = d->m;
  switch (id) {
  case 0: dec_custom_section(d, end); break;
  case 1: dec_type_section(d); break;
  case 2: dec_import_section(d); break;
  case 3: dec_function_section(d); break;
  case 4: dec_table_section(d); break;
  case 5: dec_memory_section(d); break;
  case 6: dec_global_section(d); break;
  case 7: dec_export_section(d); break;
  case 8:
    m->start = rd_u32(&d->r);
    m->has_start = true;
    break;
  case 9: dec_elem_section(d); break;
  case 10: dec_code_section(d); break;
  case 11: dec_data_section(d); break;
  case 12:
    m->datacount = rd_u32(&d->r);
    m->has_datacount = true;
    break;
  }
}

/* {====================== Module layout ======================} */

/* Turns the reader's sticky error into an owned error. Inside a section,
   running out of input is "unexpected end of section or function", the
   suite's wording (it also matches tests that expect "unexpected end"). */
static wb_error_t *dec_error(dec_t *d, int sec) {
  const char *msg = d->r.err;
  if (sec < 0) return ut_error_new(WB_ERROR_DECODE, d->r.err_off, "%s", msg);
  if (strcmp(msg, "unexpected end") == 0) msg = "unexpected end of section or function";
  return ut_error_new(WB_ERROR_DECODE, d->r.err_off, "%s in %s section", msg, sec_names[sec]);
}

static wb_error_t *dec_header(dec_t *d) {
  rd_t *r = &d->r;
  static const uint8_t magic[4] = {0x00, 0x61, 0x73, 0x6D};
  static const uint8_t version[4] = {0x01, 0x00, 0x00, 0x00};
  const uint8_t *p = rd_bytes(r, 4);
  if (p && memcmp(p, magic, 4) != 0) dec_fail_at(d, 0, "magic header not detected");
  p = rd_bytes(r, 4);
  if (p && memcmp(p, version, 4) != 0) dec_fail_at(d, 4, "unknown binary version");
  return rd_ok(r) ? NULL : dec_error(d, -1);
}

/* Reads one section: id, size, contents; checks order and size. */
static wb_error_t *dec_section(dec_t *d, int *last_rank) {
  rd_t *r = &d->r;
  size_t sec_start = rd_off(r);
  uint8_t id = rd_u8(r);
  if (id > SEC_LAST) {
    dec_fail_at(d, sec_start, "malformed section id");
    return dec_error(d, -1);
  }
  if (id != SEC_CUSTOM) {
    if (sec_rank[id] <= *last_rank) {
      dec_fail_at(d, sec_start, "unexpected content after last section");
      return dec_error(d, -1);
    }
    *last_rank = sec_rank[id];
  }
  uint32_t size = dec_len32(d);
  if (!rd_ok(r)) return dec_error(d, id);
  size_t start = rd_off(r), end = start + size;
  dec_section_body(d, id, end);
  if (rd_ok(r) && rd_off(r) != end) dec_fail_at(d, start, "section size mismatch");
  return rd_ok(r) ? NULL : dec_error(d, id);
}

/* Checks that need every section: counts that two sections must agree on. */
static wb_error_t *dec_final_checks(dec_t *d) {
  wm_module_t *m = d->m;
  if (d->nfunc_decls != m->ncodes)
    return ut_error_new(WB_ERROR_DECODE, m->len,
                        "function and code section have inconsistent lengths");
  if (m->has_datacount && m->datacount != m->ndatas)
    return ut_error_new(WB_ERROR_DECODE, m->len,
                        "data count and data section have inconsistent lengths");
  return NULL;
}

wb_error_t *dec_module(const uint8_t *bytes, size_t len, wm_module_t **out) {
  *out = NULL;
  if (len > UINT32_MAX)
    return ut_error_new(WB_ERROR_DECODE, SIZE_MAX, "module too large (over 4 GiB)");
  dec_t d = {0};
  wm_module_t *m = ut_calloc(1, sizeof *m);
  m->bytes = ut_malloc(len);
  if (len) memcpy(m->bytes, bytes, len);
  m->len = len;
  d.m = m;
  rd_init(&d.r, m->bytes, 0, len);

  wb_error_t *err = dec_header(&d);
  int last_rank = 0;
  while (!err && !rd_eof(&d.r)) err = dec_section(&d, &last_rank);
  if (!err) err = dec_final_checks(&d);
  if (err) {
    wm_module_free(m);
    return err;
  }
  dec_names(&d);
  *out = m;
  return NULL;
}
