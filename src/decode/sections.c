/* SPDX-License-Identifier: Apache-2.0 */
/*
** Binary decoder: value types, constant expressions, and the element, data
** and code sections. Instructions are only walked far enough to find where
** a constant expression ends; function bodies are delimited by their size
** and checked by the validator.
*/
#include <stdlib.h>
#include <string.h>

#include "decode/dec_internal.h"
#include "util/util.h"

/* {====================== Types ======================} */

static bool is_numtype(uint8_t b) { return b >= WM_F64 && b <= WM_I32; }

wm_valtype_t dec_valtype(dec_t *d) {
  size_t at = rd_off(&d->r);
  uint8_t b = rd_u8(&d->r);
  if (!rd_ok(&d->r)) return 0;
  if (!is_numtype(b) && !wm_is_ref(b)) dec_fail_at(d, at, "malformed value type");
  return b;
}

wm_valtype_t dec_reftype(dec_t *d) {
  size_t at = rd_off(&d->r);
  uint8_t b = rd_u8(&d->r);
  if (!rd_ok(&d->r)) return 0;
  if (!wm_is_ref(b)) dec_fail_at(d, at, "malformed reference type");
  return b;
}

/* {====================== Instruction skipping ======================} */

static void expect_zero(dec_t *d) {
  size_t at = rd_off(&d->r);
  uint8_t b = rd_u8(&d->r);
  if (rd_ok(&d->r) && b != 0) dec_fail_at(d, at, "zero byte expected");
}

/* Block type: empty (0x40), a value type (one byte), or a type index (s33). */
static void skip_blocktype(dec_t *d) {
  rd_t *r = &d->r;
  if (rd_eof(r)) {
    rd_u8(r); /* records "unexpected end" */
    return;
  }
  uint8_t b = *r->p;
  if (b == 0x40 || is_numtype(b) || wm_is_ref(b)) {
    r->p++;
    return;
  }
  rd_s33(r);
}

/* Immediates of the 0xFC-prefixed instructions. */
static void skip_prefixed(dec_t *d, size_t at) {
  rd_t *r = &d->r;
  uint32_t sub = rd_u32(r);
  if (!rd_ok(r)) return;
  switch (sub) {
  case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: break; /* trunc_sat */
  case 8: rd_u32(r); expect_zero(d); break;                           /* memory.init */
  case 9: case 13: case 15: case 16: case 17: rd_u32(r); break;
  case 10: expect_zero(d); expect_zero(d); break; /* memory.copy */
  case 11: expect_zero(d); break;                 /* memory.fill */
  case 12: case 14: rd_u32(r); rd_u32(r); break;  /* table.init/copy */
  default: dec_fail_at(d, at, "illegal opcode");
  }
}

/* Vector whose entries are read by `one` (u32 indices or value types). */
static void skip_vec(dec_t *d, bool valtypes) {
  uint32_t n = dec_len32(d);
  for (uint32_t i = 0; i < n && rd_ok(&d->r); i++) {
    if (valtypes)
      dec_valtype(d);
    else
      rd_u32(&d->r);
  }
}

/* Skips the immediates of opcode op (already read at offset at). Returns
   the change in block nesting: +1 for block/loop/if, 0 otherwise. */
static int skip_immediates(dec_t *d, uint8_t op, size_t at) {
  rd_t *r = &d->r;
  if ((op >= 0x45 && op <= 0xC4) || op <= 0x01 || op == 0x0F || op == 0x1A || op == 0x1B ||
      op == 0xD1)
    return 0; /* no immediates */
  if (op >= 0x28 && op <= 0x3E) { /* memarg: align, offset */
    rd_u32(r);
    rd_u32(r);
    return 0;
  }
  if ((op >= 0x20 && op <= 0x26) || op == 0x0C || op == 0x0D || op == 0x10 || op == 0xD2) {
    rd_u32(r);
    return 0;
  }
  switch (op) {
  case 0x02: case 0x03: case 0x04: skip_blocktype(d); return 1;
  case 0x0E: skip_vec(d, false); rd_u32(r); return 0; /* br_table */
  case 0x11: rd_u32(r); rd_u32(r); return 0;          /* call_indirect */
  case 0x1C: skip_vec(d, true); return 0;             /* select t* */
  case 0x3F: case 0x40: expect_zero(d); return 0;     /* memory.size/grow */
  case 0x41: rd_s32(r); return 0;
  case 0x42: rd_s64(r); return 0;
  case 0x43: rd_fixed32(r); return 0;
  case 0x44: rd_fixed64(r); return 0;
  case 0xD0: dec_reftype(d); return 0;
  case 0xFC: skip_prefixed(d, at); return 0;
  default: dec_fail_at(d, at, "illegal opcode"); return 0;
  }
}

void dec_const_expr(dec_t *d, wm_expr_t *e) {
  rd_t *r = &d->r;
  size_t start = rd_off(r);
  uint32_t depth = 0; /* nested blocks are not constant, but well-formed */
  while (rd_ok(r)) {
    size_t at = rd_off(r);
    uint8_t op = rd_u8(r);
    if (!rd_ok(r)) break;
    if (op == 0x0B) {
      if (depth == 0) {
        e->offset = (uint32_t)start;
        e->len = (uint32_t)(rd_off(r) - start);
        return;
      }
      depth--;
    } else if (op == 0x05) {
      /* else outside an if: the reference stops here and wants `end` */
      if (depth == 0) dec_fail_at(d, at, "END opcode expected");
    } else {
      depth += (uint32_t)skip_immediates(d, op, at);
    }
  }
}

/* {====================== Element section ======================} */

static uint8_t dec_elemkind(dec_t *d) {
  size_t at = rd_off(&d->r);
  uint8_t k = rd_u8(&d->r);
  if (rd_ok(&d->r) && k != 0x00) dec_fail_at(d, at, "malformed element kind");
  return WM_FUNCREF;
}

/* The init vector: function indices or constant expressions. */
static void dec_elem_init(dec_t *d, wm_elem_t *e, bool exprs) {
  uint32_t n = dec_len32(d);
  if (!rd_ok(&d->r) || n == 0) return;
  if (exprs)
    e->exprs = ut_calloc(n, sizeof *e->exprs);
  else
    e->funcs = ut_calloc(n, sizeof *e->funcs);
  e->count = n;
  for (uint32_t i = 0; i < n && rd_ok(&d->r); i++) {
    if (exprs)
      dec_const_expr(d, &e->exprs[i]);
    else
      e->funcs[i] = rd_u32(&d->r);
  }
}

/* One segment. Flag bits: 0 = passive or declarative (else active),
   1 = explicit table index (active) / declarative (otherwise),
   2 = expressions instead of function indices. */
static void dec_elem(dec_t *d, wm_elem_t *e) {
  rd_t *r = &d->r;
  size_t at = rd_off(r);
  uint32_t flags = rd_u32(r);
  if (!rd_ok(r)) return;
  if (flags > 7) {
    dec_fail_at(d, at, "malformed elements segment kind");
    return;
  }
  bool exprs = flags & 4;
  e->type = WM_FUNCREF;
  if (flags & 1) {
    e->mode = (flags & 2) ? WM_SEG_DECLARATIVE : WM_SEG_PASSIVE;
  } else {
    e->mode = WM_SEG_ACTIVE;
    if (flags & 2) e->table = rd_u32(r);
    dec_const_expr(d, &e->offset);
  }
  /* Forms 0 and 4 have an implicit funcref type; the rest spell it out. */
  if (flags != 0 && flags != 4 && rd_ok(r)) e->type = exprs ? dec_reftype(d) : dec_elemkind(d);
  if (rd_ok(r)) dec_elem_init(d, e, exprs);
}

void dec_elem_section(dec_t *d) {
  wm_module_t *m = d->m;
  uint32_t n = dec_len32(d);
  if (!rd_ok(&d->r)) return;
  m->elems = ut_calloc(n, sizeof *m->elems);
  for (uint32_t i = 0; i < n && rd_ok(&d->r); i++) {
    m->nelems = i + 1;
    dec_elem(d, &m->elems[i]);
  }
}

/* {====================== Data section ======================} */

static void dec_data(dec_t *d, wm_data_t *s) {
  rd_t *r = &d->r;
  size_t at = rd_off(r);
  uint32_t flags = rd_u32(r);
  if (!rd_ok(r)) return;
  if (flags > 2) {
    dec_fail_at(d, at, "malformed data segment kind");
    return;
  }
  s->mode = flags == 1 ? WM_SEG_PASSIVE : WM_SEG_ACTIVE;
  if (flags == 2) s->mem = rd_u32(r);
  if (flags != 1 && rd_ok(r)) dec_const_expr(d, &s->offset);
  s->len = dec_len32(d);
  s->data_offset = (uint32_t)rd_off(r);
  rd_bytes(r, s->len);
}

void dec_data_section(dec_t *d) {
  wm_module_t *m = d->m;
  uint32_t n = dec_len32(d);
  if (!rd_ok(&d->r)) return;
  m->datas = ut_calloc(n, sizeof *m->datas);
  for (uint32_t i = 0; i < n && rd_ok(&d->r); i++) {
    m->ndatas = i + 1;
    dec_data(d, &m->datas[i]);
  }
}

/* {====================== Code section ======================} */

/* Reads the locals declarations twice: first to total the counts (in 64
   bits, so that 2^32-overflowing sums are caught) before allocating, then
   to expand them into c->local_types. */
static void dec_locals(dec_t *d, wm_code_t *c) {
  rd_t *r = &d->r;
  size_t at = rd_off(r);
  uint32_t nentries = dec_len32(d);
  const uint8_t *entries = r->p;
  uint64_t total = 0;
  for (uint32_t i = 0; i < nentries && rd_ok(r); i++) {
    total += rd_u32(r);
    dec_valtype(d);
  }
  if (!rd_ok(r)) return;
  if (total > DEC_MAX_LOCALS || d->total_locals + total > DEC_MAX_TOTAL_LOCALS) {
    dec_fail_at(d, at, "too many locals");
    return;
  }
  d->total_locals += total;
  c->nlocals = (uint32_t)total;
  c->local_types = ut_malloc(total);
  r->p = entries; /* second pass cannot fail: the same bytes read fine */
  size_t k = 0;
  for (uint32_t i = 0; i < nentries; i++) {
    uint32_t cnt = rd_u32(r);
    wm_valtype_t t = rd_u8(r);
    memset(c->local_types + k, t, cnt);
    k += cnt;
  }
}

/* A body whose last byte is not `end`. The reference interpreter would
   read on past the body, so mirror the error it reaches: end of input,
   the next section's id taken as `end` (a size mismatch), or some other
   byte where `end` was expected. */
static void fail_missing_end(dec_t *d, size_t body_end, bool last) {
  if (body_end == d->m->len)
    dec_fail_at(d, body_end, "unexpected end of section or function");
  else if (last)
    dec_fail_at(d, body_end, "section size mismatch");
  else
    dec_fail_at(d, body_end - 1, "END opcode expected");
}

static void dec_code(dec_t *d, wm_code_t *c, bool last) {
  rd_t *r = &d->r;
  uint32_t size = dec_len32(d);
  if (!rd_ok(r)) return;
  c->body_offset = (uint32_t)rd_off(r);
  size_t body_end = (size_t)c->body_offset + size;
  if (body_end > d->m->len) {
    dec_fail_at(d, d->m->len, "unexpected end of section or function");
    return;
  }
  dec_locals(d, c);
  if (!rd_ok(r)) return;
  if (rd_off(r) > body_end) {
    dec_fail_at(d, c->body_offset, "section size mismatch");
    return;
  }
  c->expr_offset = (uint32_t)rd_off(r);
  c->end_offset = (uint32_t)body_end;
  if (body_end == c->expr_offset || d->m->bytes[body_end - 1] != 0x0B) {
    fail_missing_end(d, body_end, last);
    return;
  }
  r->p = r->base + body_end;
}

void dec_code_section(dec_t *d) {
  wm_module_t *m = d->m;
  uint32_t n = dec_len32(d);
  if (!rd_ok(&d->r)) return;
  m->codes = ut_calloc(n, sizeof *m->codes);
  for (uint32_t i = 0; i < n && rd_ok(&d->r); i++) {
    m->ncodes = i + 1;
    dec_code(d, &m->codes[i], i + 1 == n);
  }
}
