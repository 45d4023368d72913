/* SPDX-License-Identifier: Apache-2.0 */
/*
** Unit tests for the binary decoder: one hand-assembled module that uses
** every section and every interesting encoding, checked field by field,
** then a list of malformed inputs, each checked for the spec's wording and
** the offset of the problem.
*/
#include <stdint.h>
#include <stdlib.h>

#include "decode/decode.h"
#include "test.h"
#include "util/util.h"

#define HDR 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00
#define ANY_OFF SIZE_MAX

/* {====================== A module with every section ======================} */

static const uint8_t full_module[] = {
    HDR,
    /* custom "hello", payload "xyz" (custom sections may come first) */
    0x00, 0x09, 0x05, 'h', 'e', 'l', 'l', 'o', 'x', 'y', 'z',
    /* type: (i32 i32) -> i32, () -> () */
    0x01, 0x0A, 0x02, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F, 0x60, 0x00, 0x00,
    /* import: env.f func type 1; env.g global (mut i32) */
    0x02, 0x12, 0x02,
    0x03, 'e', 'n', 'v', 0x01, 'f', 0x00, 0x01,
    0x03, 'e', 'n', 'v', 0x01, 'g', 0x03, 0x7F, 0x01,
    /* function: type 0, type 1 */
    0x03, 0x03, 0x02, 0x00, 0x01,
    /* table: funcref min 2 max 10 */
    0x04, 0x05, 0x01, 0x70, 0x01, 0x02, 0x0A,
    /* memory: min 1 */
    0x05, 0x03, 0x01, 0x00, 0x01,
    /* global: i64 immutable = i64.const -1 */
    0x06, 0x06, 0x01, 0x7E, 0x00, 0x42, 0x7F, 0x0B,
    /* export: "add" func 1, "mem" memory 0 */
    0x07, 0x0D, 0x02, 0x03, 'a', 'd', 'd', 0x00, 0x01, 0x03, 'm', 'e', 'm', 0x02, 0x00,
    /* start: func 2 */
    0x08, 0x01, 0x02,
    /* element: four segments in different encodings */
    0x09, 0x1F, 0x04,
    0x00, 0x41, 0x00, 0x0B, 0x02, 0x01, 0x02,             /* active, funcs 1 2 */
    0x05, 0x70, 0x02, 0xD2, 0x01, 0x0B, 0xD0, 0x70, 0x0B, /* passive exprs */
    0x03, 0x00, 0x01, 0x01,                               /* declarative func 1 */
    0x06, 0x00, 0x41, 0x01, 0x0B, 0x70, 0x01, 0xD2, 0x02, 0x0B, /* table 0 exprs */
    /* data count: 2 */
    0x0C, 0x01, 0x02,
    /* code: body 0 with 2 i64 locals, body 1 empty */
    0x0A, 0x0E, 0x02,
    0x09, 0x01, 0x02, 0x7E, 0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B,
    0x02, 0x00, 0x0B,
    /* data: active at 8 "abc", passive "xy" */
    0x0B, 0x0D, 0x02,
    0x00, 0x41, 0x08, 0x0B, 0x03, 'a', 'b', 'c',
    0x01, 0x02, 'x', 'y',
    /* custom "name": module "mod", func 1 "add", locals of func 1 */
    0x00, 0x1E, 0x04, 'n', 'a', 'm', 'e',
    0x00, 0x04, 0x03, 'm', 'o', 'd',
    0x01, 0x06, 0x01, 0x01, 0x03, 'a', 'd', 'd',
    0x02, 0x09, 0x01, 0x01, 0x02, 0x00, 0x01, 'x', 0x02, 0x01, 't',
};

/* Offset of the first occurrence of a byte pattern (for expected offsets). */
static uint32_t find(const uint8_t *hay, size_t n, const uint8_t *pat, size_t k) {
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp(hay + i, pat, k) == 0) return (uint32_t)i;
  return UINT32_MAX;
}

static void check_header_sections(const wm_module_t *m) {
  CHECK_EQ(m->len, sizeof full_module);
  CHECK(memcmp(m->bytes, full_module, sizeof full_module) == 0);
  CHECK_EQ(m->ntypes, 2);
  CHECK_EQ(m->types[0].nparams, 2);
  CHECK_EQ(m->types[0].nresults, 1);
  CHECK_EQ(wm_param(&m->types[0], 1), WM_I32);
  CHECK_EQ(wm_result(&m->types[0], 0), WM_I32);
  CHECK_EQ(m->types[1].nparams + m->types[1].nresults, 0);
  CHECK_EQ(m->types[0].id, 0);

  CHECK_EQ(m->nimports, 2);
  CHECK(strcmp(m->imports[0].module, "env") == 0 && strcmp(m->imports[0].name, "f") == 0);
  CHECK_EQ(m->imports[0].kind, WB_EXTERN_FUNC);
  CHECK_EQ(m->imports[0].type_idx, 1);
  CHECK_EQ(m->imports[1].kind, WB_EXTERN_GLOBAL);
  CHECK_EQ(m->imports[1].name_len, 1);
  CHECK(m->imports[1].global.mut && m->imports[1].global.type == WM_I32);
  CHECK_EQ(m->nfunc_imports, 1);
  CHECK_EQ(m->nglobal_imports, 1);

  CHECK_EQ(m->nfuncs, 3);
  CHECK(m->func_type[0] == 1 && m->func_type[1] == 0 && m->func_type[2] == 1);
  CHECK_EQ(m->ntables, 1);
  CHECK(m->tables[0].elem == WM_FUNCREF && m->tables[0].lim.has_max);
  CHECK(m->tables[0].lim.min == 2 && m->tables[0].lim.max == 10);
  CHECK_EQ(m->nmems, 1);
  CHECK(m->mems[0].min == 1 && !m->mems[0].has_max);
}

static void check_globals_exports(const wm_module_t *m) {
  CHECK_EQ(m->nglobals, 2);
  CHECK_EQ(m->globals[0].init.len, 0); /* imported */
  CHECK(m->globals[1].type.type == WM_I64 && !m->globals[1].type.mut);
  static const uint8_t init[] = {0x42, 0x7F, 0x0B};
  CHECK_EQ(m->globals[1].init.offset, find(full_module, sizeof full_module, init, 3));
  CHECK_EQ(m->globals[1].init.len, 3);

  CHECK_EQ(m->nexports, 2);
  CHECK(strcmp(m->exports[0].name, "add") == 0 && m->exports[0].kind == WB_EXTERN_FUNC);
  CHECK_EQ(m->exports[0].index, 1);
  CHECK(strcmp(m->exports[1].name, "mem") == 0 && m->exports[1].kind == WB_EXTERN_MEMORY);
  CHECK(m->has_start && m->start == 2);
  CHECK(m->has_datacount && m->datacount == 2);
}

static void check_elems(const wm_module_t *m) {
  CHECK_EQ(m->nelems, 4);
  const wm_elem_t *e = m->elems;
  CHECK(e[0].mode == WM_SEG_ACTIVE && e[0].table == 0 && e[0].type == WM_FUNCREF);
  CHECK(e[0].count == 2 && e[0].funcs && !e[0].exprs);
  CHECK(e[0].funcs[0] == 1 && e[0].funcs[1] == 2);
  CHECK_EQ(e[0].offset.len, 3);
  CHECK_EQ(m->bytes[e[0].offset.offset], 0x41);
  CHECK(e[1].mode == WM_SEG_PASSIVE && e[1].count == 2 && e[1].exprs && !e[1].funcs);
  CHECK_EQ(m->bytes[e[1].exprs[0].offset], 0xD2);
  CHECK_EQ(e[1].exprs[0].len, 3);
  CHECK_EQ(m->bytes[e[1].exprs[1].offset], 0xD0);
  CHECK(e[2].mode == WM_SEG_DECLARATIVE && e[2].count == 1 && e[2].funcs[0] == 1);
  CHECK(e[3].mode == WM_SEG_ACTIVE && e[3].count == 1 && e[3].exprs);
  CHECK_EQ(m->bytes[e[3].offset.offset + 1], 0x01); /* i32.const 1 */
}

static void check_code_data(const wm_module_t *m) {
  CHECK_EQ(m->ncodes, 2);
  const wm_code_t *c = &m->codes[0];
  CHECK_EQ(c->nlocals, 2);
  CHECK(c->local_types[0] == WM_I64 && c->local_types[1] == WM_I64);
  CHECK_EQ(m->bytes[c->body_offset], 0x01); /* local entry count */
  CHECK_EQ(m->bytes[c->expr_offset], 0x20); /* local.get */
  CHECK_EQ(c->end_offset - c->expr_offset, 6);
  CHECK_EQ(m->bytes[c->end_offset - 1], 0x0B);
  CHECK_EQ(m->codes[1].nlocals, 0);
  CHECK_EQ(m->codes[1].end_offset - m->codes[1].expr_offset, 1);

  CHECK_EQ(m->ndatas, 2);
  CHECK(m->datas[0].mode == WM_SEG_ACTIVE && m->datas[0].mem == 0 && m->datas[0].len == 3);
  CHECK(memcmp(m->bytes + m->datas[0].data_offset, "abc", 3) == 0);
  CHECK_EQ(m->datas[0].offset.len, 3);
  CHECK(m->datas[1].mode == WM_SEG_PASSIVE && m->datas[1].len == 2);
  CHECK(memcmp(m->bytes + m->datas[1].data_offset, "xy", 2) == 0);
}

static void check_names_customs(const wm_module_t *m) {
  CHECK_EQ(m->ncustoms, 2);
  CHECK(strcmp(m->customs[0].name, "hello") == 0 && m->customs[0].len == 3);
  CHECK(memcmp(m->bytes + m->customs[0].offset, "xyz", 3) == 0);
  CHECK(strcmp(m->customs[1].name, "name") == 0 && m->customs[1].len == 0x1E - 5);

  CHECK(m->names.module && strcmp(m->names.module, "mod") == 0);
  CHECK(m->names.funcs && !m->names.funcs[0] && !m->names.funcs[2]);
  CHECK(m->names.funcs && m->names.funcs[1] && strcmp(m->names.funcs[1], "add") == 0);
  CHECK(m->names.locals && m->names.locals[1] && !m->names.locals[0]);
  if (m->names.locals && m->names.locals[1]) {
    CHECK_EQ(m->names.nlocal_names[1], 3);
    CHECK(strcmp(m->names.locals[1][0], "x") == 0);
    CHECK(m->names.locals[1][1] == NULL);
    CHECK(strcmp(m->names.locals[1][2], "t") == 0);
  }
  CHECK(m->func_declared == NULL && m->code == NULL);
}

static void test_full_module(void) {
  wm_module_t *m = NULL;
  wb_error_t *e = dec_module(full_module, sizeof full_module, &m);
  CHECK(e == NULL);
  if (e) {
    fprintf(stderr, "unexpected error: %s @%zu\n", e->msg, e->offset);
    wb_error_delete(e);
    return;
  }
  check_header_sections(m);
  check_globals_exports(m);
  check_elems(m);
  check_code_data(m);
  check_names_customs(m);
  wm_module_free(m);
}

/* The smallest module and a few edge cases that must decode. */
static void test_valid_edges(void) {
  static const uint8_t empty[] = {HDR};
  /* non-minimal LEBs are fine when in range; zero counts everywhere */
  static const uint8_t lebs[] = {HDR,  0x03, 0x01, 0x00, 0x05, 0x07, 0x01, 0x00, 0x82,
                                 0x80, 0x80, 0x80, 0x00, 0x0A, 0x01, 0x00};
  /* garbled name section (bad subsection size) is ignored */
  static const uint8_t badname[] = {HDR, 0x00, 0x08, 0x04, 'n', 'a', 'm', 'e', 0x01, 0x7F, 0x00};
  const uint8_t *mods[] = {empty, lebs, badname};
  size_t lens[] = {sizeof empty, sizeof lebs, sizeof badname};
  for (size_t i = 0; i < 3; i++) {
    wm_module_t *m = NULL;
    wb_error_t *e = dec_module(mods[i], lens[i], &m);
    CHECK(e == NULL && m != NULL);
    if (e) fprintf(stderr, "edge %zu: %s\n", i, e->msg);
    wb_error_delete(e);
    if (i == 1 && m) CHECK_EQ(m->mems[0].min, 2);
    if (i == 2 && m) CHECK(m->ncustoms == 1 && m->names.funcs == NULL);
    wm_module_free(m);
  }
}

/* {====================== Malformed inputs ======================} */

static void expect_bad(int line, const uint8_t *b, size_t n, const char *msg, size_t off) {
  wm_module_t *m = (wm_module_t *)1;
  wb_error_t *e = dec_module(b, n, &m);
  CHECK(e != NULL && m == NULL);
  if (!e) {
    fprintf(stderr, "line %d: accepted, expected \"%s\"\n", line, msg);
    wm_module_free(m);
    return;
  }
  CHECK_EQ(wb_error_kind(e), WB_ERROR_DECODE);
  CHECK_CONTAINS(e->msg, msg);
  if (off == ANY_OFF)
    CHECK(e->offset <= n);
  else
    CHECK_EQ(e->offset, off);
  if (!strstr(e->msg, msg) || (off != ANY_OFF && e->offset != off))
    fprintf(stderr, "  (line %d: got \"%s\" @%zu)\n", line, e->msg, e->offset);
  wb_error_delete(e);
}

#define BAD(msg, off, ...)                                      \
  do {                                                          \
    static const uint8_t bytes_[] = {__VA_ARGS__};              \
    expect_bad(__LINE__, bytes_, sizeof bytes_, msg, off);      \
  } while (0)

/* Type (), function section with one function, for code-section tests. */
#define ONE_FUNC 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00

static void test_header(void) {
  expect_bad(__LINE__, NULL, 0, "unexpected end", 0);
  BAD("unexpected end", ANY_OFF, 0x00, 0x61, 0x73);
  BAD("magic header not detected", 0, 0x00, 0x61, 0x73, 0x6E, 0x01, 0x00, 0x00, 0x00);
  BAD("unknown binary version", 4, 0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00);
  BAD("malformed section id", 8, HDR, 0x0D, 0x00);
  /* concatenated modules: the second magic reads as a huge custom section */
  BAD("length out of bounds", 9, HDR, HDR);
}

static void test_leb_and_sizes(void) {
  BAD("unexpected end of section or function in type section", ANY_OFF, HDR, 0x01, 0x80);
  BAD("integer representation too long", ANY_OFF, HDR, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00);
  BAD("integer too large in memory section", ANY_OFF, HDR, 0x05, 0x07, 0x01, 0x00, 0xFF, 0xFF,
      0xFF, 0xFF, 0x1F);
  BAD("integer representation too long in global section", ANY_OFF, HDR, 0x06, 0x0B, 0x01, 0x7F,
      0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0B);
  BAD("section size mismatch in type section", 10, HDR, 0x01, 0x02, 0x00, 0x00);
  BAD("length out of bounds in type section", 9, HDR, 0x01, 0x10, 0x00);
  /* hostile counts must fail before anything is allocated for them */
  BAD("length out of bounds in type section", 10, HDR, 0x01, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F);
  BAD("length out of bounds in element section", ANY_OFF, HDR, 0x09, 0x09, 0x01, 0x01, 0x00,
      0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00);
  BAD("integer too large in memory section", 12, HDR, 0x05, 0x02, 0x01, 0x02);
  BAD("integer representation too long in table section", ANY_OFF, HDR, 0x04, 0x06, 0x01, 0x70,
      0x81, 0x00, 0x00, 0x00);
}

static void test_section_order(void) {
  BAD("unexpected content after last section", 11, HDR, 0x03, 0x01, 0x00, 0x01, 0x01, 0x00);
  BAD("unexpected content after last section", 11, HDR, 0x01, 0x01, 0x00, 0x01, 0x01, 0x00);
  /* data count (12) must precede code (10) */
  BAD("unexpected content after last section", 11, HDR, 0x0A, 0x01, 0x00, 0x0C, 0x01, 0x00);
  BAD("function and code section have inconsistent lengths", ANY_OFF, HDR, ONE_FUNC);
  BAD("function and code section have inconsistent lengths", ANY_OFF, HDR, 0x0A, 0x04, 0x01,
      0x02, 0x00, 0x0B);
  BAD("data count and data section have inconsistent lengths", ANY_OFF, HDR, 0x0C, 0x01, 0x01);
}

static void test_names_utf8(void) {
  /* import module name: overlong NUL (C0 80) */
  BAD("malformed UTF-8 encoding in import section", 11, HDR, 0x02, 0x07, 0x01, 0x02, 0xC0, 0x80,
      0x00, 0x00, 0x00);
  /* export name: surrogate U+D800 */
  BAD("malformed UTF-8 encoding in export section", 11, HDR, 0x07, 0x06, 0x01, 0x03, 0xED, 0xA0,
      0x80, 0x00);
  /* custom name: U+110000 */
  BAD("malformed UTF-8 encoding in custom section", 10, HDR, 0x00, 0x05, 0x04, 0xF4, 0x90, 0x80,
      0x80);
  /* truncated sequence */
  BAD("malformed UTF-8 encoding in custom section", 10, HDR, 0x00, 0x03, 0x02, 0xE2, 0x82);
  /* custom section whose name runs past its end */
  BAD("unexpected end", ANY_OFF, HDR, 0x00, 0x01, 0x03, 'a', 'b', 'c');
}

static void test_kinds(void) {
  BAD("malformed import kind", 13, HDR, 0x02, 0x05, 0x01, 0x00, 0x00, 0x04, 0x00);
  BAD("malformed mutability", 15, HDR, 0x02, 0x06, 0x01, 0x00, 0x00, 0x03, 0x7F, 0x02);
  BAD("malformed export kind", 12, HDR, 0x07, 0x04, 0x01, 0x00, 0x04, 0x00);
  BAD("malformed reference type in table section", 11, HDR, 0x04, 0x04, 0x01, 0x7F, 0x00, 0x00);
  BAD("malformed value type in type section", 13, HDR, 0x01, 0x05, 0x01, 0x60, 0x01, 0x40, 0x00);
  BAD("malformed function type in type section", 11, HDR, 0x01, 0x04, 0x01, 0x61, 0x00, 0x00);
  BAD("malformed elements segment kind", 11, HDR, 0x09, 0x02, 0x01, 0x08);
  BAD("malformed element kind", 12, HDR, 0x09, 0x04, 0x01, 0x01, 0x01, 0x00);
  BAD("malformed data segment kind", 11, HDR, 0x0B, 0x02, 0x01, 0x03);
}

static void test_const_exprs(void) {
  /* global init that runs off the end of the module */
  BAD("unexpected end", ANY_OFF, HDR, 0x06, 0x04, 0x01, 0x7F, 0x00, 0x41);
  BAD("illegal opcode in element section", 14, HDR, 0x09, 0x06, 0x01, 0x05, 0x70, 0x01, 0xF3,
      0x0B);
  BAD("zero byte expected in global section", 14, HDR, 0x06, 0x05, 0x01, 0x7F, 0x00, 0x3F, 0x01,
      0x0B);
  BAD("malformed reference type in global section", 14, HDR, 0x06, 0x05, 0x01, 0x70, 0x00, 0xD0,
      0x7F, 0x0B);
}

static void test_code(void) {
  /* missing `end` between two bodies */
  BAD("END opcode expected in code section", ANY_OFF, HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
      0x03, 0x03, 0x02, 0x00, 0x00, 0x0A, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x00, 0x0B);
  /* missing `end` at the end of the module */
  BAD("unexpected end of section or function", 24, HDR, ONE_FUNC, 0x0A, 0x04, 0x01, 0x02, 0x00,
      0x01);
  /* body size beyond the module */
  BAD("unexpected end", ANY_OFF, HDR, ONE_FUNC, 0x0A, 0x04, 0x01, 0x03, 0x00, 0x0B);
  /* 50001 i32 locals */
  BAD("too many locals in code section", 22, HDR, ONE_FUNC, 0x0A, 0x08, 0x01, 0x06, 0x01, 0xD1,
      0x86, 0x03, 0x7F, 0x0B);
  /* 2^32 + 1 locals overall (two entries), the sum must not wrap */
  BAD("too many locals", 22, HDR, ONE_FUNC, 0x0A, 0x0C, 0x01, 0x0A, 0x02, 0xFF, 0xFF, 0xFF, 0xFF,
      0x0F, 0x7F, 0x02, 0x7E, 0x0B);
  BAD("integer too large in code section", ANY_OFF, HDR, ONE_FUNC, 0x0A, 0x0C, 0x01, 0x0A, 0x02,
      0x80, 0x80, 0x80, 0x80, 0x10, 0x7F, 0x02, 0x7E, 0x0B);
  /* locals declarations that run past the body's declared size */
  BAD("section size mismatch in code section", ANY_OFF, HDR, ONE_FUNC, 0x0A, 0x06, 0x01, 0x01,
      0x01, 0x01, 0x7F, 0x0B);
}

TEST_MAIN("unit_decode", test_full_module, test_valid_edges, test_header, test_leb_and_sizes,
          test_section_order, test_names_utf8, test_kinds, test_const_exprs, test_code)
