/* SPDX-License-Identifier: Apache-2.0 */
/*
** The wasm -> C translator: one function at a time, and structured control
** flow (units.c puts the functions together). The module is validated, so the
** translator trusts it: it only tracks operand types, to name the C locals
** (see emit.h), and skips code after an unconditional branch up to the end
** of its block (the stack there is polymorphic, the code dead).
**
**   block/if  ->  label X<n> at its end (if: E<n> before the else arm)
**   loop      ->  label L<n> at its start, followed by the limit check
**   br        ->  copies of the carried values to the target's heights, goto
**   br_table  ->  switch; call -> a C call (a runtime callback for imports)
**   call_indirect -> a C call through a function pointer when the element
**                 is one of the instance's own functions, else a callback
**
** Fuel is charged exactly as the interpreter does: each function entry
** costs its instructions outside loops, each loop iteration the
** instructions of its body; the costs are enum constants EC and LC<k>.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "aot/emit.h"

/* {====================== Helpers ======================} */

char em_tc(wm_valtype_t t) {
  switch (t) {
  case WM_I32: return 'i';
  case WM_I64: return 'l';
  case WM_F32: return 'f';
  case WM_F64: return 'd';
  default: return 'r';
  }
}

static unsigned tbit(wm_valtype_t t) {
  switch (t) {
  case WM_I32: return 1;
  case WM_I64: return 2;
  case WM_F32: return 4;
  case WM_F64: return 8;
  default: return 16;
  }
}

const char *em_ct(wm_valtype_t t) {
  switch (t) {
  case WM_I32: return "uint32_t";
  case WM_I64: return "uint64_t";
  case WM_F32: return "float";
  case WM_F64: return "double";
  default: return "void *";
  }
}

void em_out(em_t *E, const char *fmt, ...) {
  if (E->dead) return;
  va_list ap;
  va_start(ap, fmt);
  char small[256];
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < (int)sizeof small) {
    ut_str_printf(E->b, "%s", small);
    return;
  }
  char *big = ut_malloc((size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  ut_str_printf(E->b, "%s", big);
  free(big);
}

/* Records that s<h><t> must be declared. */
static void mark(em_t *E, uint32_t h, wm_valtype_t t) {
  if (h >= E->cap_used) {
    uint32_t old = E->cap_used;
    ut_grow((void **)&E->used, &E->cap_used, h + 1, 1);
    for (uint32_t i = old; i < E->cap_used; i++) E->used[i] = 0;
  }
  E->used[h] |= (uint8_t)tbit(t);
  if (h + 1 > E->max_h) E->max_h = h + 1;
}

uint32_t em_push(em_t *E, wm_valtype_t t) {
  uint32_t h = E->nstk;
  UT_PUSH(E->stk, E->nstk, E->cap_stk, t);
  if (E->nstk > E->hw_stk) E->hw_stk = E->nstk;
  if (!E->dead) mark(E, h, t);
  return h;
}

uint32_t em_pop(em_t *E) {
  uint32_t floor_ = E->nctl ? E->ctl[E->nctl - 1].height : 0;
  if (E->nstk <= floor_) return floor_; /* dead code only */
  return --E->nstk;
}

wm_valtype_t em_type(const em_t *E, uint32_t h) { return h < E->hw_stk ? E->stk[h] : WM_I32; }

void em_pack(em_t *E, const char *dst, uint32_t h) {
  wm_valtype_t t = em_type(E, h);
  switch (t) {
  case WM_I32: em_out(E, "%s = (uint64_t)s%ui;\n", dst, h); break;
  case WM_I64: em_out(E, "%s = s%ul;\n", dst, h); break;
  case WM_F32: em_out(E, "%s = aot_bf32(s%uf);\n", dst, h); break;
  case WM_F64: em_out(E, "%s = aot_bf64(s%ud);\n", dst, h); break;
  default: em_out(E, "%s = (uint64_t)(uintptr_t)s%ur;\n", dst, h); break;
  }
}

void em_unpack(em_t *E, uint32_t h, const char *src) {
  wm_valtype_t t = em_type(E, h);
  switch (t) {
  case WM_I32: em_out(E, "s%ui = (uint32_t)%s;\n", h, src); break;
  case WM_I64: em_out(E, "s%ul = %s;\n", h, src); break;
  case WM_F32: em_out(E, "s%uf = aot_f32b((uint32_t)%s);\n", h, src); break;
  case WM_F64: em_out(E, "s%ud = aot_f64b(%s);\n", h, src); break;
  default: em_out(E, "s%ur = (void *)(uintptr_t)%s;\n", h, src); break;
  }
}

/* {====================== Control flow ======================} */

static const wm_valtype_t vt_one[] = {WM_I32,  WM_I64,     WM_F32,      WM_F64,
                                      WM_V128, WM_FUNCREF, WM_EXTERNREF};

static void read_blocktype(em_t *E, uint32_t *np, const wm_valtype_t **p, uint32_t *nr,
                           const wm_valtype_t **r) {
  int64_t bt = rd_s33(&E->r);
  *np = *nr = 0;
  *p = *r = NULL;
  if (bt >= 0) {
    const wm_functype_t *t = &E->m->types[(uint64_t)bt < E->m->ntypes ? bt : 0];
    *np = t->nparams;
    *nr = t->nresults;
    *p = t->types;
    *r = t->types + t->nparams;
    return;
  }
  wm_valtype_t v = (wm_valtype_t)(bt & 0x7F);
  for (size_t i = 0; i < UT_COUNTOF(vt_one); i++)
    if (vt_one[i] == v) {
      *nr = 1;
      *r = &vt_one[i];
    }
}

static ectl_t *ctl_push(em_t *E, uint8_t op, uint32_t np, const wm_valtype_t *p, uint32_t nr,
                        const wm_valtype_t *r) {
  ectl_t c = {0};
  c.op = op;
  c.live = !E->dead;
  uint32_t floor_ = E->nctl ? E->ctl[E->nctl - 1].height : 0;
  c.height = E->nstk >= floor_ + np ? E->nstk - np : floor_;
  c.np = np, c.nr = nr, c.p = p, c.r = r;
  c.id = E->labels++;
  c.icount = E->icount;
  UT_PUSH(E->ctl, E->nctl, E->cap_ctl, c);
  return &E->ctl[E->nctl - 1];
}

/* Resets the operand stack to a block's base plus n values of types ts. */
static void stack_reset(em_t *E, const ectl_t *c, uint32_t n, const wm_valtype_t *ts) {
  E->nstk = c->height;
  for (uint32_t i = 0; i < n; i++) em_push(E, ts[i]);
}

/* Returns from the function with its results on top of the stack. */
static void emit_return(em_t *E) {
  uint32_t n = E->nres, base = E->nstk >= n ? E->nstk - n : 0;
  if (n == 0) {
    em_out(E, "return;\n");
  } else if (n == 1) {
    em_out(E, "return s%u%c;\n", base, em_tc(em_type(E, base)));
  } else {
    char dst[32];
    for (uint32_t i = 0; i < n; i++) {
      snprintf(dst, sizeof dst, "res[%u]", i);
      em_pack(E, dst, base + i);
    }
    em_out(E, "return;\n");
  }
}

/* Moves the values a branch to label depth l carries and jumps. */
static void emit_branch(em_t *E, uint32_t l) {
  if (l >= E->nctl) return;
  const ectl_t *T = &E->ctl[E->nctl - 1 - l];
  if (T->op == 0) {
    emit_return(E);
    return;
  }
  uint32_t n = T->op == 0x03 ? T->np : T->nr;
  uint32_t src0 = E->nstk >= n ? E->nstk - n : 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t dst = T->height + i, src = src0 + i;
    wm_valtype_t t = em_type(E, src);
    if (dst == src) continue;
    if (!E->dead) mark(E, dst, t);
    em_out(E, "s%u%c = s%u%c;\n", dst, em_tc(t), src, em_tc(t));
  }
  em_out(E, "goto %c%u;\n", T->op == 0x03 ? 'L' : 'X', T->id);
}

static void op_block(em_t *E, uint8_t op) {
  uint32_t np, nr;
  const wm_valtype_t *p, *r;
  read_blocktype(E, &np, &p, &nr, &r);
  uint32_t cond = op == 0x04 ? em_pop(E) : 0;
  ectl_t *c = ctl_push(E, op, np, p, nr, r);
  if (op == 0x03) {
    c->loop_no = E->nloops;
    UT_PUSH(E->loop_cost, E->nloops, E->cap_loops, 0);
    em_out(E, "L%u:; AOT_CHECK(LC%u);\n", c->id, c->loop_no);
    E->loops_open++;
  } else if (op == 0x04) {
    em_out(E, "if (!s%ui) goto E%u;\n", cond, c->id);
  }
}

static void op_else(em_t *E) {
  ectl_t *c = &E->ctl[E->nctl - 1];
  em_out(E, "goto X%u;\n", c->id);
  E->dead = !c->live;
  c->else_seen = true;
  em_out(E, "E%u:;\n", c->id);
  stack_reset(E, c, c->np, c->p);
}

/* Returns true at the function's final end. */
static bool op_end(em_t *E) {
  ectl_t c = E->ctl[E->nctl - 1];
  if (c.op == 0) {
    emit_return(E);
    return true;
  }
  E->dead = !c.live;
  if (c.op == 0x04 && !c.else_seen) em_out(E, "E%u:;\n", c.id);
  if (c.op == 0x03) {
    E->loop_cost[c.loop_no] = E->icount - c.icount;
    E->loops_open--;
  } else {
    em_out(E, "X%u:;\n", c.id);
  }
  E->nctl--;
  stack_reset(E, &c, c.nr, c.r);
  return false;
}

static void op_br_table(em_t *E) {
  uint32_t n = rd_u32(&E->r);
  uint32_t i = em_pop(E);
  em_out(E, "switch (s%ui) {\n", i);
  for (uint32_t k = 0; k <= n && rd_ok(&E->r); k++) {
    uint32_t l = rd_u32(&E->r);
    if (k < n) em_out(E, "case %uu: ", k);
    else em_out(E, "default: ");
    emit_branch(E, l);
  }
  em_out(E, "}\n");
}

/* One control instruction; returns true at the function's final end. */
static bool control(em_t *E, uint32_t code) {
  switch (code) {
  case 0x00: em_out(E, "AOT_TRAP(WB_TRAP_UNREACHABLE);\n"); E->dead = true; break;
  case 0x01: break;
  case 0x02: case 0x03: case 0x04: op_block(E, (uint8_t)code); break;
  case 0x05: op_else(E); break;
  case 0x0B: return op_end(E);
  case 0x0C: emit_branch(E, rd_u32(&E->r)); E->dead = true; break;
  case 0x0D: {
    uint32_t l = rd_u32(&E->r), cnd = em_pop(E);
    em_out(E, "if (s%ui) {\n", cnd);
    emit_branch(E, l);
    em_out(E, "}\n");
    break;
  }
  case 0x0E: op_br_table(E); E->dead = true; break;
  case 0x0F: emit_return(E); E->dead = true; break;
  default:
    if (!em_instr(E, code)) rd_fail(&E->r, "aot: unknown opcode");
    break;
  }
  return false;
}

/* {====================== Functions ======================} */

static uint32_t read_opcode(rd_t *r) {
  uint32_t b = rd_u8(r);
  return b == 0xFC ? 0xFC00 | rd_u32(r) : b;
}

void em_signature(ut_str_t *out, const wm_module_t *m, uint32_t f, const char *linkage) {
  const wm_functype_t *t = wm_func_type(m, f);
  ut_str_printf(out, "%s%s f%u(aot_ctx *c", linkage,
                t->nresults == 1 ? em_ct(wm_result(t, 0)) : "void", f);
  for (uint32_t i = 0; i < t->nparams; i++) ut_str_printf(out, ", %s l%u", em_ct(t->types[i]), i);
  if (t->nresults > 1) ut_str_printf(out, ", uint64_t *res");
  ut_str_printf(out, ")");
}

/* Declarations of a function's locals, operand variables and costs. */
static void emit_decls(ut_str_t *out, const em_t *E, uint32_t np) {
  ut_str_printf(out, "const uint32_t *const ck = c->check; uint8_t *const mem = c->mem; "
                     "(void)mem;\n");
  for (uint32_t i = np; i < E->nlocals; i++)
    ut_str_printf(out, "%s l%u = 0;\n", em_ct(E->locals[i]), i);
  static const wm_valtype_t kinds[] = {WM_I32, WM_I64, WM_F32, WM_F64, WM_FUNCREF};
  for (uint32_t h = 0; h < E->max_h; h++)
    for (size_t k = 0; k < UT_COUNTOF(kinds); k++)
      if (E->used[h] & tbit(kinds[k]))
        ut_str_printf(out, "%s s%u%c;\n", em_ct(kinds[k]), h, em_tc(kinds[k]));
  ut_str_printf(out, "enum { EC = %uu };\n", E->straight);
  for (uint32_t k = 0; k < E->nloops; k++) ut_str_printf(out, "enum { LC%u = %uu };\n", k, E->loop_cost[k]);
}

static void em_free(em_t *E) {
  free(E->locals);
  free(E->stk);
  free(E->ctl);
  free(E->used);
  free(E->loop_cost);
}

void em_func(const wm_module_t *m, uint32_t ci, ut_str_t *out, uint32_t **calls,
             uint32_t *ncalls) {
  const wm_code_t *code = &m->codes[ci];
  uint32_t f = m->nfunc_imports + ci;
  const wm_functype_t *t = wm_func_type(m, f);
  em_t E;
  memset(&E, 0, sizeof E);
  ut_str_t body = {0};
  E.m = m;
  E.b = &body;
  E.nres = t->nresults;
  E.nlocals = t->nparams + code->nlocals;
  E.locals = ut_malloc((size_t)E.nlocals + 1);
  memcpy(E.locals, t->types, t->nparams);
  memcpy(E.locals + t->nparams, code->local_types, code->nlocals);
  rd_init(&E.r, m->bytes, code->expr_offset, code->end_offset);
  ctl_push(&E, 0, 0, NULL, t->nresults, t->types + t->nparams);
  while (!rd_eof(&E.r) && rd_ok(&E.r)) {
    uint32_t op = read_opcode(&E.r);
    E.icount++;
    if (!E.loops_open) E.straight++;
    if (control(&E, op)) break;
  }
  ut_str_printf(out, " {\n");
  emit_decls(out, &E, t->nparams);
  ut_str_printf(out, "if (AOT_UNLIKELY(aot_sp() < c->stack_limit)) "
                     "AOT_TRAP(WB_TRAP_STACK_EXHAUSTED);\nAOT_CHECK(EC);\n");
  if (body.s) ut_str_printf(out, "%s", body.s);
  ut_str_printf(out, "}\n");
  free(body.s);
  *calls = E.calls;
  *ncalls = E.ncalls;
  em_free(&E);
}
