/* SPDX-License-Identifier: Apache-2.0 */
/*
** The translator's straight-line instructions: numeric ones from the
** instruction table (each becomes a call of the prelude's op_NAME, or of
** the numeric.h helper for trapping ones), memory accesses (memcpy at
** mem + address + offset, no bounds check: guard pages), variables, calls
** and the bulk/table instructions (runtime callbacks).
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "aot/emit.h"

enum { K_NONE, K_LOAD, K_STORE, K_UN, K_BIN, K_CMP, K_UNT, K_BINT };

typedef struct opdesc {
  uint8_t kind;
  wm_valtype_t r, a;
  const char *name; /* op_NAME, or the helper for trapping forms */
  const char *ctype; /* loads/stores: the C type in memory */
} opdesc_t;

#define OPIDX(c) ((c) < 0x100 ? (c) : 0x100 + ((c)&0xFF))
#define NOPIDX (0x100 + 0x20)

static const opdesc_t ops[NOPIDX] = {
#define LOAD(N, c, t, T, ct, nat) [OPIDX(c)] = {K_LOAD, WM_##T, WM_I32, #N, #ct},
#define STORE(N, c, t, T, ct, nat) [OPIDX(c)] = {K_STORE, WM_##T, WM_I32, #N, #ct},
#define UN(N, c, t, R, A, e) [OPIDX(c)] = {K_UN, WM_##R, WM_##A, #N, NULL},
#define BIN(N, c, t, R, A, e) [OPIDX(c)] = {K_BIN, WM_##R, WM_##A, #N, NULL},
#define CMP(N, c, t, A, e) [OPIDX(c)] = {K_CMP, WM_I32, WM_##A, #N, NULL},
#define UNT(N, c, t, R, A, f) [OPIDX(c)] = {K_UNT, WM_##R, WM_##A, #f, NULL},
#define BINT(N, c, t, R, A, f) [OPIDX(c)] = {K_BINT, WM_##R, WM_##A, #f, NULL},
#include "wasm/opcodes.def"
};

/* s<h><type letter> */
#define SV "s%u%c"
#define SA(E, h) (h), em_tc(em_type((E), (h)))

static void numeric(em_t *E, const opdesc_t *d) {
  uint32_t b = 0, a;
  bool two = d->kind == K_BIN || d->kind == K_CMP || d->kind == K_BINT;
  if (two) b = em_pop(E);
  a = em_pop(E);
  uint32_t h = em_push(E, d->r);
  char rc = em_tc(d->r), ac = em_tc(d->a);
  switch (d->kind) {
  case K_UN:
    em_out(E, "s%u%c = op_%s(s%u%c);\n", h, rc, d->name, a, ac);
    if ((d->r == WM_F32 && d->a == WM_F64) || (d->r == WM_F64 && d->a == WM_F32))
      em_out(E, "AOT_LAUNDER(s%u%c);\n", h, rc); /* see aot_kf32 in the prelude */
    break;
  case K_BIN: case K_CMP: em_out(E, "s%u%c = op_%s(s%u%c, s%u%c);\n", h, rc, d->name, a, ac, b, ac); break;
  case K_UNT:
    em_out(E, "{ %s r_; int t_ = %s(s%u%c, &r_); if (AOT_UNLIKELY(t_)) AOT_TRAP(t_); s%u%c = r_; }\n",
           em_ct(d->r), d->name, a, ac, h, rc);
    break;
  default:
    em_out(E, "{ %s r_; int t_ = %s(s%u%c, s%u%c, &r_); if (AOT_UNLIKELY(t_)) AOT_TRAP(t_); "
              "s%u%c = r_; }\n", em_ct(d->r), d->name, a, ac, b, ac, h, rc);
    break;
  }
}

static void mem_access(em_t *E, const opdesc_t *d) {
  rd_u32(&E->r); /* alignment: a hint only */
  uint32_t off = rd_u32(&E->r);
  if (d->kind == K_LOAD) {
    uint32_t a = em_pop(E), h = em_push(E, d->r);
    /* AOT_FORCE: a load whose value is unused must still fault. */
    em_out(E, "{ %s v_; memcpy(&v_, mem + ((uint64_t)s%ui + %uu), sizeof v_); AOT_FORCE_%c(v_); "
              "s%u%c = (%s)v_; }\n",
           d->ctype, a, off, d->r == WM_F32 || d->r == WM_F64 ? 'F' : 'I', h, em_tc(d->r),
           em_ct(d->r));
  } else {
    uint32_t v = em_pop(E), a = em_pop(E);
    em_out(E, "{ %s v_ = (%s)s%u%c; memcpy(mem + ((uint64_t)s%ui + %uu), &v_, sizeof v_); }\n",
           d->ctype, d->ctype, v, em_tc(d->r), a, off);
  }
}

/* {====================== Calls ======================} */

/* Arguments of a call with type t from the top of the stack into cells. */
static uint32_t args_to_cells(em_t *E, const wm_functype_t *t) {
  uint32_t base = E->nstk >= t->nparams ? E->nstk - t->nparams : 0;
  uint32_t n = t->nparams > t->nresults ? t->nparams : t->nresults;
  em_out(E, "{ uint64_t sp_[%u];\n", n ? n : 1);
  char dst[32];
  for (uint32_t i = 0; i < t->nparams; i++) {
    snprintf(dst, sizeof dst, "sp_[%u]", i);
    em_pack(E, dst, base + i);
  }
  for (uint32_t i = 0; i < t->nparams; i++) em_pop(E);
  return base;
}

static void cells_to_results(em_t *E, const wm_functype_t *t) {
  char src[32];
  for (uint32_t i = 0; i < t->nresults; i++) {
    uint32_t h = em_push(E, wm_result(t, i));
    snprintf(src, sizeof src, "sp_[%u]", i);
    em_unpack(E, h, src);
  }
  em_out(E, "}\n");
}

static void call_direct(em_t *E, uint32_t f) {
  const wm_module_t *m = E->m;
  const wm_functype_t *t = wm_func_type(m, f);
  if (f < m->nfunc_imports) {
    args_to_cells(E, t);
    em_out(E, "c->rt->call(c, %uu, sp_);\n", f);
    cells_to_results(E, t);
    return;
  }
  if (!E->dead) UT_PUSH(E->calls, E->ncalls, E->cap_calls, f);
  uint32_t base = E->nstk >= t->nparams ? E->nstk - t->nparams : 0;
  ut_str_t args = {0};
  for (uint32_t i = 0; i < t->nparams; i++)
    ut_str_printf(&args, ", " SV, SA(E, base + i));
  for (uint32_t i = 0; i < t->nparams; i++) em_pop(E);
  if (t->nresults == 0) {
    em_out(E, "f%u(c%s);\n", f, args.s ? args.s : "");
  } else if (t->nresults == 1) {
    uint32_t h = em_push(E, wm_result(t, 0));
    em_out(E, SV " = f%u(c%s);\n", SA(E, h), f, args.s ? args.s : "");
  } else {
    em_out(E, "{ uint64_t sp_[%u]; f%u(c%s, sp_);\n", t->nresults, f, args.s ? args.s : "");
    cells_to_results(E, t);
  }
  free(args.s);
}

/* The C type of a pointer to a function with type t (em_signature's). */
static void fn_ptr_type(ut_str_t *out, const wm_functype_t *t) {
  ut_str_printf(out, "%s (*)(aot_ctx *", t->nresults == 1 ? em_ct(wm_result(t, 0)) : "void");
  for (uint32_t i = 0; i < t->nparams; i++) ut_str_printf(out, ", %s", em_ct(t->types[i]));
  ut_str_printf(out, "%s)", t->nresults > 1 ? ", uint64_t *" : "");
}

/* call_indirect: a direct call of the typed function when aot_callee
   (prelude.c) finds one of the instance's own AOT functions with the
   right signature, else the runtime's callback with the values in cells
   (other instances, host and interpreted functions, traps). Both arms
   leave the results at the same heights. */
static void call_indirect(em_t *E) {
  uint32_t ti = rd_u32(&E->r), tab = rd_u32(&E->r);
  uint32_t i = em_pop(E);
  const wm_functype_t *t = &E->m->types[ti < E->m->ntypes ? ti : 0];
  uint32_t base = E->nstk >= t->nparams ? E->nstk - t->nparams : 0;
  uint32_t n = t->nparams > t->nresults ? t->nparams : t->nresults;
  ut_str_t args = {0}, fp = {0};
  for (uint32_t k = 0; k < t->nparams; k++) ut_str_printf(&args, ", " SV, SA(E, base + k));
  fn_ptr_type(&fp, t);
  em_out(E, "{ uint64_t sp_[%u]; const aot_func *cf_ = aot_callee(c, %uu, s%ui, %uu);\n",
         n ? n : 1, tab, i, ti);
  em_out(E, "if (AOT_UNLIKELY(!cf_)) {\n");
  char dst[32];
  for (uint32_t k = 0; k < t->nparams; k++) {
    snprintf(dst, sizeof dst, "sp_[%u]", k);
    em_pack(E, dst, base + k);
  }
  em_out(E, "c->rt->call_indirect(c, %uu, s%ui, %uu, sp_);\n", tab, i, ti);
  for (uint32_t k = 0; k < t->nparams; k++) em_pop(E);
  uint32_t h = t->nresults ? em_push(E, wm_result(t, 0)) : 0;
  for (uint32_t k = 1; k < t->nresults; k++) em_push(E, wm_result(t, k));
  if (t->nresults == 1) em_unpack(E, h, "sp_[0]");
  em_out(E, "} else {\n");
  const char *a = args.s ? args.s : "";
  if (t->nresults == 1)
    em_out(E, SV " = ((%s)cf_->direct)(c%s);\n", SA(E, h), fp.s, a);
  else
    em_out(E, "((%s)cf_->direct)(c%s%s);\n", fp.s, a, t->nresults > 1 ? ", sp_" : "");
  em_out(E, "}\n");
  char src[32];
  for (uint32_t k = 0; t->nresults > 1 && k < t->nresults; k++) {
    snprintf(src, sizeof src, "sp_[%u]", k);
    em_unpack(E, h + k, src);
  }
  em_out(E, "}\n");
  free(args.s);
  free(fp.s);
}

/* {====================== Variables ======================} */

static void local_op(em_t *E, uint32_t code) {
  uint32_t x = rd_u32(&E->r);
  wm_valtype_t t = x < E->nlocals ? E->locals[x] : WM_I32;
  char c = em_tc(t);
  if (code == 0x20) {
    uint32_t h = em_push(E, t);
    em_out(E, "s%u%c = l%u;\n", h, c, x);
  } else {
    uint32_t h = code == 0x21 ? em_pop(E) : E->nstk - 1;
    em_out(E, "l%u = s%u%c;\n", x, h, c);
  }
}

static void global_op(em_t *E, uint32_t code) {
  uint32_t g = rd_u32(&E->r);
  wm_valtype_t t = g < E->m->nglobals ? E->m->globals[g].type.type : WM_I32;
  char cell[48];
  snprintf(cell, sizeof cell, "(*c->globals[%u])", g);
  if (code == 0x23)
    em_unpack(E, em_push(E, t), cell);
  else
    em_pack(E, cell, em_pop(E));
}

static void select_op(em_t *E, uint32_t code) {
  if (code == 0x1C) {
    uint32_t n = rd_u32(&E->r);
    for (uint32_t i = 0; i < n && rd_ok(&E->r); i++) rd_u8(&E->r);
  }
  uint32_t cnd = em_pop(E), b = em_pop(E), a = em_pop(E);
  wm_valtype_t t = em_type(E, a);
  em_push(E, t);
  em_out(E, "if (!s%ui) s%u%c = s%u%c;\n", cnd, a, em_tc(t), b, em_tc(t));
}

static void push_const(em_t *E, uint32_t code) {
  switch (code) {
  case 0x41: {
    uint32_t k = (uint32_t)rd_s32(&E->r);
    em_out(E, "s%ui = 0x%" PRIx32 "u;\n", em_push(E, WM_I32), k);
    break;
  }
  case 0x42: {
    uint64_t k = (uint64_t)rd_s64(&E->r);
    em_out(E, "s%ul = 0x%" PRIx64 "ull;\n", em_push(E, WM_I64), k);
    break;
  }
  case 0x43: {
    uint32_t k = rd_fixed32(&E->r);
    em_out(E, "s%uf = aot_kf32(0x%" PRIx32 "u);\n", em_push(E, WM_F32), k);
    break;
  }
  default: {
    uint64_t k = rd_fixed64(&E->r);
    em_out(E, "s%ud = aot_kf64(0x%" PRIx64 "ull);\n", em_push(E, WM_F64), k);
    break;
  }
  }
}

/* {====================== Memory, tables, references ======================} */

static void memory_op(em_t *E, uint32_t code) {
  uint32_t x = 0;
  if (code == 0xFC08 || code == 0xFC09) x = rd_u32(&E->r); /* data segment */
  if (code == 0x3F || code == 0x40 || code == 0xFC08 || code == 0xFC0B) rd_u32(&E->r);
  if (code == 0xFC0A) {
    rd_u32(&E->r);
    rd_u32(&E->r);
  }
  uint32_t n, s, d, h;
  switch (code) {
  case 0x3F: em_out(E, "s%ui = *c->mem_pages;\n", em_push(E, WM_I32)); break;
  case 0x40:
    n = em_pop(E);
    h = em_push(E, WM_I32);
    em_out(E, "s%ui = c->rt->memory_grow(c, s%ui);\n", h, n);
    break;
  case 0xFC08:
    n = em_pop(E), s = em_pop(E), d = em_pop(E);
    em_out(E, "c->rt->memory_init(c, %uu, s%ui, s%ui, s%ui);\n", x, d, s, n);
    break;
  case 0xFC09: em_out(E, "c->rt->data_drop(c, %uu);\n", x); break;
  case 0xFC0A:
    n = em_pop(E), s = em_pop(E), d = em_pop(E);
    em_out(E, "c->rt->memory_copy(c, s%ui, s%ui, s%ui);\n", d, s, n);
    break;
  default: /* 0xFC0B fill */
    n = em_pop(E), s = em_pop(E), d = em_pop(E);
    em_out(E, "c->rt->memory_fill(c, s%ui, s%ui, s%ui);\n", d, s, n);
    break;
  }
}

static void table_op(em_t *E, uint32_t code) {
  uint32_t x = rd_u32(&E->r), y = 0;
  if (code == 0xFC0C || code == 0xFC0E) y = rd_u32(&E->r);
  uint32_t n, s, d, v, i, h;
  switch (code) {
  case 0x25:
    i = em_pop(E);
    h = em_push(E, WM_FUNCREF);
    em_out(E, "s%ur = c->rt->table_get(c, %uu, s%ui);\n", h, x, i);
    break;
  case 0x26:
    v = em_pop(E), i = em_pop(E);
    em_out(E, "c->rt->table_set(c, %uu, s%ui, s%ur);\n", x, i, v);
    break;
  case 0xFC0C: /* table.init elem x, table y */
    n = em_pop(E), s = em_pop(E), d = em_pop(E);
    em_out(E, "c->rt->table_init(c, %uu, %uu, s%ui, s%ui, s%ui);\n", y, x, d, s, n);
    break;
  case 0xFC0D: em_out(E, "c->rt->elem_drop(c, %uu);\n", x); break;
  case 0xFC0E: /* table.copy dst x, src y */
    n = em_pop(E), s = em_pop(E), d = em_pop(E);
    em_out(E, "c->rt->table_copy(c, %uu, %uu, s%ui, s%ui, s%ui);\n", x, y, d, s, n);
    break;
  case 0xFC0F:
    n = em_pop(E), v = em_pop(E);
    h = em_push(E, WM_I32);
    em_out(E, "s%ui = c->rt->table_grow(c, %uu, s%ur, s%ui);\n", h, x, v, n);
    break;
  case 0xFC10: em_out(E, "s%ui = c->rt->table_size(c, %uu);\n", em_push(E, WM_I32), x); break;
  default: /* 0xFC11 fill */
    n = em_pop(E), v = em_pop(E), i = em_pop(E);
    em_out(E, "c->rt->table_fill(c, %uu, s%ui, s%ur, s%ui);\n", x, i, v, n);
    break;
  }
}

static void ref_op(em_t *E, uint32_t code) {
  if (code == 0xD0) {
    wm_valtype_t t = rd_u8(&E->r);
    em_out(E, "s%ur = 0;\n", em_push(E, wm_is_ref(t) ? t : WM_FUNCREF));
  } else if (code == 0xD1) {
    uint32_t a = em_pop(E), h = em_push(E, WM_I32);
    em_out(E, "s%ui = s%ur == 0;\n", h, a);
  } else {
    uint32_t f = rd_u32(&E->r);
    em_out(E, "s%ur = c->funcs[%u];\n", em_push(E, WM_FUNCREF), f);
  }
}

bool em_instr(em_t *E, uint32_t code) {
  const opdesc_t *d = code < 0x100 || (code >= 0xFC00 && code < 0xFC20) ? &ops[OPIDX(code)] : NULL;
  if (d && d->kind == K_LOAD) mem_access(E, d);
  else if (d && d->kind == K_STORE) mem_access(E, d);
  else if (d && d->kind != K_NONE) numeric(E, d);
  else switch (code) {
  case 0x10: call_direct(E, rd_u32(&E->r)); break;
  case 0x11: call_indirect(E); break;
  case 0x1A: em_pop(E); break;
  case 0x1B: case 0x1C: select_op(E, code); break;
  case 0x20: case 0x21: case 0x22: local_op(E, code); break;
  case 0x23: case 0x24: global_op(E, code); break;
  case 0x25: case 0x26: case 0xFC0C: case 0xFC0D: case 0xFC0E: case 0xFC0F: case 0xFC10:
  case 0xFC11: table_op(E, code); break;
  case 0x3F: case 0x40: case 0xFC08: case 0xFC09: case 0xFC0A: case 0xFC0B:
    memory_op(E, code);
    break;
  case 0x41: case 0x42: case 0x43: case 0x44: push_const(E, code); break;
  case 0xD0: case 0xD1: case 0xD2: ref_op(E, code); break;
  default: return false;
  }
  return true;
}
