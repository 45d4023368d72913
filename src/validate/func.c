/* SPDX-License-Identifier: Apache-2.0 */
/*
** Function bodies: validation (the spec's operand/control stack algorithm)
** and lowering to interpreter code, in one pass over the instructions.
**
** Lowering keeps a virtual operand stack. Each entry says where its value
** is: in its canonical slot (TEMP: fp[nlocals + height]), still in a local
** (LOCAL: a local.get not yet copied), or a constant (CONST: not yet
** written anywhere). Instructions read operands straight from locals and
** take constants as immediates, so `local.get a; local.get b; i32.add`
** becomes one instruction. Entries are "materialized" into their canonical
** slot only when something needs them there: a write to the local they
** name, a block boundary, a branch or a call. Two peepholes finish the job:
** a local.set right after the instruction that computed its value rewrites
** that instruction's destination, and a br_if/if right after a comparison
** becomes one fused compare-and-branch.
*/
#include "validate/lower.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "decode/reader.h"
#include "util/util.h"

#define VT_UNKNOWN 0 /* the bottom type of unreachable code */
#define NONE UINT32_MAX

enum { LOC_TEMP, LOC_LOCAL, LOC_CONST };

typedef struct vval {
  wm_valtype_t type;
  uint8_t loc;
  uint32_t slot; /* TEMP: canonical slot; LOCAL: the local's slot */
  uint64_t k;    /* CONST: the bits */
} vval_t;

typedef struct ctrl {
  uint8_t op;        /* 0 (function), 0x02 block, 0x03 loop, 0x04 if */
  bool unreachable;  /* validation: the operand stack is polymorphic */
  bool reach;        /* lowering: code emitted here can run */
  bool entry_reach;
  uint32_t height;   /* operand height at entry, without params */
  uint32_t np, nr;
  const wm_valtype_t *params, *results;
  uint32_t start;    /* loop: code position of the label */
  int32_t fix;       /* forward branches to patch at `end`, -1 for none */
  uint32_t else_ins, else_pos; /* if: pending jump over the then-arm */
  uint32_t icount;   /* loop: instructions counted before it */
  uint32_t cost_pos; /* loop: word holding its fuel cost, or NONE */
} ctrl_t;

typedef struct fixup {
  uint32_t ins, pos; /* instruction start, word holding the offset */
  int32_t next;
} fixup_t;

typedef struct fn {
  const wm_module_t *m;
  rd_t r;
  size_t ins_off; /* byte offset of the instruction being checked */
  wm_valtype_t *locals;
  uint32_t nlocals;
  vval_t *vals;
  uint32_t nvals, cap_vals;
  ctrl_t *ctrls;
  uint32_t nctrls, cap_ctrls;
  fixup_t *fix;
  uint32_t nfix, cap_fix;
  uint32_t *code;
  uint32_t len, cap;
  uint32_t max_h;
  /* Fuel accounting: instructions read, loops open, instructions outside loops. */
  uint32_t icount, loops_open, straight;
  /* Peephole state. */
  uint32_t label_pos; /* code length when a label was last bound */
  uint32_t last_ins;  /* start of the last instruction */
  uint32_t last_dst;  /* word holding its destination slot, or NONE */
  uint32_t cmp_ins;   /* start of the last compare (or i32.eqz), or NONE */
  uint32_t add_ins;   /* start of the last i32.add (or its _I form), or NONE */
  uint32_t cmp_iop, cmp_nops;
  uint32_t func_idx;
  wb_error_t *err;
} fn_t;

/* One-value block types point into this table. */
static const wm_valtype_t vt_one[] = {WM_I32, WM_I64, WM_F32, WM_F64, WM_FUNCREF, WM_EXTERNREF};

/* {====================== Instruction table ======================} */

enum { C_NONE, C_CTL, C_LOAD, C_STORE, C_UN, C_BIN, C_CMP, C_UNT, C_BINT };

typedef struct opinfo {
  uint8_t cls;
  wm_valtype_t r, a;
  uint8_t nat;
  uint16_t iop;
} opinfo_t;

/* 0xFC-prefixed instructions follow the one-byte ones. */
#define OPIDX(c) ((c) < 0x100 ? (c) : 0x100 + ((c)&0xFF))
#define NOPIDX (0x100 + 0x20)

static const opinfo_t op_table[NOPIDX] = {
#define CTL(N, c, t) [OPIDX(c)] = {C_CTL, 0, 0, 0, 0},
#define LOAD(N, c, t, T, ct, nat) [OPIDX(c)] = {C_LOAD, WM_##T, WM_I32, nat, IOP_##N},
#define STORE(N, c, t, T, ct, nat) [OPIDX(c)] = {C_STORE, 0, WM_##T, nat, IOP_##N},
#define UN(N, c, t, R, A, e) [OPIDX(c)] = {C_UN, WM_##R, WM_##A, 0, IOP_##N},
#define BIN(N, c, t, R, A, e) [OPIDX(c)] = {C_BIN, WM_##R, WM_##A, 0, IOP_##N},
#define CMP(N, c, t, A, e) [OPIDX(c)] = {C_CMP, WM_I32, WM_##A, 0, IOP_##N},
#define UNT(N, c, t, R, A, f) [OPIDX(c)] = {C_UNT, WM_##R, WM_##A, 0, IOP_##N},
#define BINT(N, c, t, R, A, f) [OPIDX(c)] = {C_BINT, WM_##R, WM_##A, 0, IOP_##N},
#include "wasm/opcodes.def"
};

/* {====================== Errors ======================} */

static void fail_kind(fn_t *F, wb_error_kind_t kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail_kind(fn_t *F, wb_error_kind_t kind, const char *fmt, ...) {
  if (F->err) return;
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  F->err = ut_error_new(kind, F->ins_off, "%s in function %u", msg, F->func_idx);
}
#define fail(F, ...) fail_kind(F, WB_ERROR_VALIDATE, __VA_ARGS__)
#define malformed(F, ...) fail_kind(F, WB_ERROR_DECODE, __VA_ARGS__)

static inline bool ok(fn_t *F) {
  if (!rd_ok(&F->r) && !F->err) {
    F->ins_off = F->r.err_off;
    malformed(F, "%s", F->r.err);
  }
  return F->err == NULL;
}

/* {====================== Code emission ======================} */

static inline uint32_t slot_of_height(const fn_t *F, uint32_t h) { return F->nlocals + h; }

static void emit_word(fn_t *F, uint32_t w) {
  if (F->len >= F->cap) ut_grow((void **)&F->code, &F->cap, F->len + 1, sizeof *F->code);
  F->code[F->len++] = w;
}

/* Starts an instruction; returns its position. */
static uint32_t emit_op(fn_t *F, uint32_t op) {
  uint32_t at = F->len;
  emit_word(F, op);
  F->last_ins = at;
  F->last_dst = NONE;
  F->cmp_ins = NONE;
  F->add_ins = NONE;
  return at;
}

/* Starts an instruction whose first operand is its destination slot. */
static uint32_t emit_op_dst(fn_t *F, uint32_t op, uint32_t dst) {
  uint32_t at = emit_op(F, op);
  F->last_dst = F->len;
  emit_word(F, dst);
  return at;
}

static void emit_u64(fn_t *F, uint64_t k) {
  emit_word(F, (uint32_t)k);
  emit_word(F, (uint32_t)(k >> 32));
}

static bool is_wide(wm_valtype_t t) { return t == WM_I64 || t == WM_F64 || wm_is_ref(t); }

static void emit_const(fn_t *F, uint32_t dst, wm_valtype_t t, uint64_t k) {
  if (is_wide(t)) {
    emit_op_dst(F, IOP_CONST64, dst);
    emit_u64(F, k);
  } else {
    emit_op_dst(F, IOP_CONST32, dst);
    emit_word(F, (uint32_t)k);
  }
}

/* Writes v's value into slot dst (nothing if it is already there). */
static void emit_move(fn_t *F, uint32_t dst, const vval_t *v) {
  if (v->loc == LOC_CONST) {
    emit_const(F, dst, v->type, v->k);
  } else if (v->slot != dst) {
    emit_op_dst(F, IOP_COPY, dst);
    emit_word(F, v->slot);
  }
}

/* Marks a branch target here: no peephole may reach across it. */
static void bind_label(fn_t *F) {
  F->label_pos = F->len;
  F->last_dst = NONE;
  F->cmp_ins = NONE;
}

static void patch(fn_t *F, uint32_t ins, uint32_t pos, uint32_t target) {
  F->code[pos] = (uint32_t)((int32_t)target - (int32_t)ins);
}

static void add_fixup(fn_t *F, uint32_t frame, uint32_t ins, uint32_t pos) {
  fixup_t fx = {ins, pos, F->ctrls[frame].fix};
  UT_PUSH(F->fix, F->nfix, F->cap_fix, fx);
  F->ctrls[frame].fix = (int32_t)(F->nfix - 1);
}

/* {====================== Virtual operand stack ======================} */

static ctrl_t *top(fn_t *F) { return &F->ctrls[F->nctrls - 1]; }
static bool reach(fn_t *F) { return top(F)->reach; }

static void push_val(fn_t *F, vval_t v) {
  UT_PUSH(F->vals, F->nvals, F->cap_vals, v);
  if (F->nvals > F->max_h) F->max_h = F->nvals;
}

/* Pushes a value living in its canonical slot. */
static void push_temp(fn_t *F, wm_valtype_t t) {
  vval_t v = {t, LOC_TEMP, slot_of_height(F, F->nvals), 0};
  push_val(F, v);
}

static vval_t pop_val(fn_t *F) {
  ctrl_t *c = top(F);
  if (F->nvals == c->height) {
    vval_t u = {VT_UNKNOWN, LOC_TEMP, slot_of_height(F, F->nvals), 0};
    if (!c->unreachable) fail(F, "type mismatch");
    return u;
  }
  return F->vals[--F->nvals];
}

static vval_t pop_expect(fn_t *F, wm_valtype_t t) {
  vval_t v = pop_val(F);
  if (v.type != t && v.type != VT_UNKNOWN && t != VT_UNKNOWN) fail(F, "type mismatch");
  return v;
}

/* Copies the entry at height h into its canonical slot. */
static void materialize(fn_t *F, uint32_t h) {
  vval_t *v = &F->vals[h];
  if (v->loc == LOC_TEMP) return;
  uint32_t dst = slot_of_height(F, h);
  emit_move(F, dst, v);
  v->loc = LOC_TEMP;
  v->slot = dst;
}

/* Slot holding popped value v that sat at height h; constants are written
   to that height's slot first. */
static uint32_t operand(fn_t *F, vval_t *v, uint32_t h) {
  if (v->loc == LOC_CONST) {
    uint32_t dst = slot_of_height(F, h);
    emit_const(F, dst, v->type, v->k);
    v->loc = LOC_TEMP;
    v->slot = dst;
  }
  return v->slot;
}

/* Before local x changes, entries still reading it get their own copy. */
static void detach_local(fn_t *F, uint32_t x) {
  for (uint32_t h = 0; h < F->nvals; h++)
    if (F->vals[h].loc == LOC_LOCAL && F->vals[h].slot == x) materialize(F, h);
}

static bool refs_local(const fn_t *F, uint32_t x) {
  for (uint32_t h = 0; h < F->nvals; h++)
    if (F->vals[h].loc == LOC_LOCAL && F->vals[h].slot == x) return true;
  return false;
}

/* {====================== Control frames ======================} */

static const wm_valtype_t *label_types(const ctrl_t *c, uint32_t *n) {
  if (c->op == 0x03) {
    *n = c->np;
    return c->params;
  }
  *n = c->nr;
  return c->results;
}

static void push_ctrl(fn_t *F, uint8_t op, uint32_t np, const wm_valtype_t *params, uint32_t nr,
                      const wm_valtype_t *results) {
  bool r = F->nctrls ? reach(F) : true;
  ctrl_t c = {op, false, r, r, F->nvals, np, nr, params, results, F->len, -1, NONE, NONE,
              F->icount, NONE};
  UT_PUSH(F->ctrls, F->nctrls, F->cap_ctrls, c);
}

static void set_unreachable(fn_t *F) {
  ctrl_t *c = top(F);
  F->nvals = c->height;
  c->unreachable = true;
  c->reach = false;
}

/* Pops n values of the given types (last first) for checking. */
static void pop_types(fn_t *F, uint32_t n, const wm_valtype_t *types) {
  for (uint32_t i = n; i-- > 0;) pop_expect(F, types[i]);
}

/* Checks the top of the stack against types without consuming it. Values
   popped from a polymorphic stack come back as the declared types (br_if)
   or stay unknown (br_table, which checks several labels in turn). */
static void check_types(fn_t *F, uint32_t n, const wm_valtype_t *types, bool keep_unknown) {
  vval_t saved[16];
  vval_t *tmp = n <= 16 ? saved : ut_malloc(n * sizeof *tmp);
  for (uint32_t i = n; i-- > 0;) {
    tmp[i] = pop_expect(F, types[i]);
    if (tmp[i].type == VT_UNKNOWN && !keep_unknown) tmp[i].type = types[i];
  }
  for (uint32_t i = 0; i < n; i++) {
    tmp[i].slot = tmp[i].loc == LOC_TEMP ? slot_of_height(F, F->nvals) : tmp[i].slot;
    push_val(F, tmp[i]);
  }
  if (tmp != saved) free(tmp);
}

/* {====================== Branches ======================} */

static void emit_return(fn_t *F) {
  ctrl_t *fc = &F->ctrls[0];
  uint32_t n = fc->nr;
  if (F->nvals - top(F)->height < n) return; /* invalid; reported by the checks */
  if (n == 0) {
    emit_op(F, IOP_RET0);
  } else if (n == 1) {
    /* The stack itself is left alone: a conditional return (br_if) must
       not change what the fall-through path believes is in the slots. */
    const vval_t *v = &F->vals[F->nvals - 1];
    uint32_t s = v->slot;
    if (v->loc == LOC_CONST) {
      s = slot_of_height(F, F->nvals - 1);
      emit_move(F, s, v);
    }
    emit_op(F, IOP_RET1);
    emit_word(F, s);
  } else {
    for (uint32_t h = F->nvals - n; h < F->nvals; h++)
      emit_move(F, slot_of_height(F, h), &F->vals[h]);
    emit_op(F, IOP_RETN);
    emit_word(F, slot_of_height(F, F->nvals - n));
    emit_word(F, n);
  }
}

/* Do the values for frame fi's label need moving to reach its slots? */
static bool needs_copies(fn_t *F, uint32_t fi) {
  uint32_t n;
  label_types(&F->ctrls[fi], &n);
  if (fi == 0) return true;
  if (F->nvals - top(F)->height < n) return false;
  uint32_t hl = F->ctrls[fi].height;
  for (uint32_t i = 0; i < n; i++) {
    const vval_t *v = &F->vals[F->nvals - n + i];
    if (v->loc != LOC_TEMP || v->slot != slot_of_height(F, hl + i)) return true;
  }
  return false;
}

/* The back-edge form of a branch opcode (see interp/code.h). Only "jump
   if true" forms ever go backward: "jump if false" skips forward. */
static uint32_t backward_op(uint32_t op) {
  switch (op) {
  case IOP_BR: return IOP_BR_BACK;
  case IOP_BR_IF: return IOP_BR_IF_BACK;
  case IOP_BR_UNLESS: return IOP_BR_UNLESS_BACK;
  case IOP_BR_TABLE: return IOP_BR_TABLE; /* checks the sign of each target */
  default: return op + 4; /* IOP_BRT_n(_I) -> IOP_BRTB_n(_I) */
  }
}

/* Jump word for frame fi: backward to a loop, else a fixup. */
static void link_target(fn_t *F, uint32_t fi, uint32_t ins, uint32_t pos) {
  if (F->ctrls[fi].op == 0x03) {
    F->code[ins] = backward_op(F->code[ins]);
    patch(F, ins, pos, F->ctrls[fi].start);
  } else {
    add_fixup(F, fi, ins, pos);
  }
}

/* Moves the label's values into place and jumps (or returns, for fi == 0). */
static void emit_branch_to(fn_t *F, uint32_t fi) {
  if (fi == 0) {
    emit_return(F);
    return;
  }
  uint32_t n;
  label_types(&F->ctrls[fi], &n);
  if (F->nvals - top(F)->height < n) return;
  uint32_t hl = F->ctrls[fi].height;
  for (uint32_t i = 0; i < n; i++)
    emit_move(F, slot_of_height(F, hl + i), &F->vals[F->nvals - n + i]);
  uint32_t at = emit_op(F, IOP_BR);
  emit_word(F, 0);
  link_target(F, fi, at, at + 1);
}

/* Emits "jump if cond is (when) true", fusing a compare just emitted. Sets
   *ins and *pos for the caller to link. cond sat at height h. */
static void emit_cond_jump(fn_t *F, vval_t *cond, uint32_t h, bool when, uint32_t *ins,
                           uint32_t *pos) {
  bool fusable = cond->loc == LOC_TEMP && F->cmp_ins != NONE && F->cmp_ins == F->last_ins &&
                 F->last_ins >= F->label_pos && F->code[F->cmp_ins + 1] == cond->slot;
  if (fusable && F->cmp_iop == IOP_I32_EQZ) {
    uint32_t a = F->code[F->cmp_ins + 2];
    F->len = F->cmp_ins;
    *ins = emit_op(F, when ? IOP_BR_UNLESS : IOP_BR_IF);
    emit_word(F, a);
  } else if (fusable) {
    uint32_t w[3], n = F->cmp_nops, base = F->cmp_ins + 2;
    uint32_t op = F->code[F->cmp_ins];
    bool imm = op != F->cmp_iop;
    for (uint32_t i = 0; i < n; i++) w[i] = F->code[base + i];
    F->len = F->cmp_ins;
    *ins = emit_op(F, F->cmp_iop + (imm ? 1 : 0) + (when ? 2 : 4));
    for (uint32_t i = 0; i < n; i++) emit_word(F, w[i]);
  } else {
    uint32_t c = operand(F, cond, h);
    *ins = emit_op(F, when ? IOP_BR_IF : IOP_BR_UNLESS);
    emit_word(F, c);
  }
  *pos = F->len;
  emit_word(F, 0);
}

/* {====================== Reading immediates ======================} */

static bool read_blocktype(fn_t *F, uint32_t *np, const wm_valtype_t **p, uint32_t *nr,
                           const wm_valtype_t **r) {
  *np = *nr = 0;
  *p = *r = NULL;
  if (rd_eof(&F->r)) {
    rd_fail(&F->r, "unexpected end");
    return ok(F);
  }
  uint8_t b = *F->r.p;
  if (b == 0x40) {
    F->r.p++;
    return true;
  }
  for (size_t i = 0; i < UT_COUNTOF(vt_one); i++) {
    if (vt_one[i] == b) {
      F->r.p++;
      *nr = 1;
      *r = &vt_one[i];
      return true;
    }
  }
  int64_t x = rd_s33(&F->r);
  if (!ok(F)) return false;
  if (x < 0 || (uint64_t)x >= F->m->ntypes) {
    fail(F, "unknown type");
    return false;
  }
  const wm_functype_t *t = &F->m->types[x];
  *np = t->nparams;
  *p = t->types;
  *nr = t->nresults;
  *r = t->types + t->nparams;
  return true;
}

static bool read_zero(fn_t *F) {
  uint8_t b = rd_u8(&F->r);
  if (ok(F) && b != 0) malformed(F, "zero byte expected");
  return F->err == NULL;
}

static bool need_memory(fn_t *F) {
  if (F->m->nmems == 0) fail(F, "unknown memory 0");
  return F->err == NULL;
}

static bool need_table(fn_t *F, uint32_t t) {
  if (t >= F->m->ntables) fail(F, "unknown table %u", t);
  return F->err == NULL;
}

static bool need_label(fn_t *F, uint32_t l) {
  if (l >= F->nctrls) fail(F, "unknown label");
  return F->err == NULL;
}

static bool need_datacount(fn_t *F, uint32_t seg) {
  uint32_t n = F->m->has_datacount ? F->m->datacount : F->m->ndatas;
  if (seg >= n) fail(F, "unknown data segment %u", seg);
  else if (!F->m->has_datacount) malformed(F, "data count section required");
  return F->err == NULL;
}

static bool need_elem(fn_t *F, uint32_t e) {
  if (e >= F->m->nelems) fail(F, "unknown elem segment %u", e);
  return F->err == NULL;
}

/* {====================== Numeric and memory instructions ======================} */

static void lower_unary(fn_t *F, const opinfo_t *oi) {
  vval_t a = pop_expect(F, oi->a);
  uint32_t h = F->nvals;
  if (reach(F)) {
    uint32_t sa = operand(F, &a, h);
    uint32_t at = emit_op_dst(F, oi->iop, slot_of_height(F, h));
    emit_word(F, sa);
    if (oi->iop == IOP_I32_EQZ) {
      F->cmp_ins = at;
      F->cmp_iop = IOP_I32_EQZ;
      F->cmp_nops = 1;
    }
  }
  push_temp(F, oi->r);
}

static void lower_binary(fn_t *F, const opinfo_t *oi) {
  vval_t b = pop_expect(F, oi->a);
  vval_t a = pop_expect(F, oi->a);
  uint32_t h = F->nvals;
  if (reach(F)) {
    bool imm = b.loc == LOC_CONST && a.loc != LOC_CONST && (oi->cls == C_BIN || oi->cls == C_CMP);
    uint32_t sa = operand(F, &a, h);
    uint32_t sb = imm ? 0 : operand(F, &b, h + 1);
    uint32_t at = emit_op_dst(F, oi->iop + (imm ? 1 : 0), slot_of_height(F, h));
    emit_word(F, sa);
    if (!imm)
      emit_word(F, sb);
    else if (is_wide(oi->a))
      emit_u64(F, b.k);
    else
      emit_word(F, (uint32_t)b.k);
    if (oi->iop == IOP_I32_ADD) F->add_ins = at;
    if (oi->cls == C_CMP) {
      F->cmp_ins = at;
      F->cmp_iop = oi->iop;
      F->cmp_nops = F->len - at - 2;
    }
  }
  push_temp(F, oi->r);
}

static bool read_memarg(fn_t *F, const opinfo_t *oi, uint32_t *offset) {
  uint32_t align = rd_u32(&F->r);
  *offset = rd_u32(&F->r);
  if (!ok(F) || !need_memory(F)) return false;
  if (align > oi->nat) fail(F, "alignment must not be larger than natural");
  return F->err == NULL;
}

/* If address a was just computed by an i32.add, takes the add back out of
   the code and returns its operand words (a, b or imm) and form. */
static bool take_add(fn_t *F, const vval_t *a, uint32_t w[2], bool *imm) {
  if (a->loc != LOC_TEMP || F->add_ins == NONE || F->add_ins != F->last_ins ||
      F->last_ins < F->label_pos || F->code[F->add_ins + 1] != a->slot)
    return false;
  *imm = F->code[F->add_ins] == IOP_I32_ADD_I;
  w[0] = F->code[F->add_ins + 2];
  w[1] = F->code[F->add_ins + 3];
  F->len = F->add_ins;
  F->last_ins = F->last_dst = F->cmp_ins = F->add_ins = NONE;
  return true;
}

static void lower_load(fn_t *F, const opinfo_t *oi) {
  uint32_t off;
  if (!read_memarg(F, oi, &off)) return;
  vval_t a = pop_expect(F, WM_I32);
  uint32_t h = F->nvals, w[2];
  bool imm;
  if (reach(F) && take_add(F, &a, w, &imm)) {
    emit_op_dst(F, oi->iop + (imm ? 2 : 1), slot_of_height(F, h));
    emit_word(F, w[0]);
    emit_word(F, w[1]);
    emit_word(F, off);
  } else if (reach(F)) {
    uint32_t sa = operand(F, &a, h);
    emit_op_dst(F, oi->iop, slot_of_height(F, h));
    emit_word(F, sa);
    emit_word(F, off);
  }
  push_temp(F, oi->r);
}

static void lower_store(fn_t *F, const opinfo_t *oi) {
  uint32_t off;
  if (!read_memarg(F, oi, &off)) return;
  vval_t v = pop_expect(F, oi->a);
  vval_t a = pop_expect(F, WM_I32);
  uint32_t h = F->nvals, w[2];
  bool imm;
  /* Only a value already in a slot: materializing one could overwrite an
     operand of the add that is being folded in. */
  if (reach(F) && v.loc != LOC_CONST && take_add(F, &a, w, &imm)) {
    emit_op(F, oi->iop + (imm ? 2 : 1));
    emit_word(F, w[0]);
    emit_word(F, w[1]);
    emit_word(F, v.slot);
    emit_word(F, off);
  } else if (reach(F)) {
    uint32_t sa = operand(F, &a, h);
    uint32_t sv = operand(F, &v, h + 1);
    emit_op(F, oi->iop);
    emit_word(F, sa);
    emit_word(F, sv);
    emit_word(F, off);
  }
}

/* Pops n i32 operands into slots s[0..n) (deepest first) and emits op with
   the given leading immediates followed by those slots. */
static void lower_slots(fn_t *F, uint32_t op, uint32_t nimm, const uint32_t *imm, uint32_t n,
                        const wm_valtype_t *types) {
  vval_t v[4];
  for (uint32_t i = n; i-- > 0;) v[i] = pop_expect(F, types[i]);
  if (!reach(F)) return;
  uint32_t s[4], h = F->nvals;
  for (uint32_t i = 0; i < n; i++) s[i] = operand(F, &v[i], h + i);
  emit_op(F, op);
  for (uint32_t i = 0; i < nimm; i++) emit_word(F, imm[i]);
  for (uint32_t i = 0; i < n; i++) emit_word(F, s[i]);
}


/* {====================== Blocks ======================} */

/* block, loop and if: entries below the block that still name a local are
   copied out (the block may change the local), and the block's params go to
   their canonical slots, where every path into the label leaves them. */
static void enter_block(fn_t *F, uint8_t op, uint32_t np, const wm_valtype_t *p, uint32_t nr,
                        const wm_valtype_t *r) {
  if (reach(F)) {
    uint32_t base = F->nvals >= np ? F->nvals - np : 0;
    for (uint32_t h = 0; h < F->nvals; h++)
      if (h >= base || F->vals[h].loc == LOC_LOCAL) materialize(F, h);
  }
  pop_types(F, np, p);
  push_ctrl(F, op, np, p, nr, r);
  for (uint32_t i = 0; i < np; i++) push_temp(F, p[i]);
}

static void lower_block(fn_t *F, uint8_t op) {
  uint32_t np, nr;
  const wm_valtype_t *p, *r;
  if (!read_blocktype(F, &np, &p, &nr, &r)) return;
  enter_block(F, op, np, p, nr, r);
  if (op == 0x03) {
    /* Back-edges land just after IOP_LOOP and read its cost at ip[-1]. */
    if (reach(F)) {
      emit_op(F, IOP_LOOP);
      top(F)->cost_pos = F->len;
      emit_word(F, 1);
    }
    top(F)->start = F->len;
    F->loops_open++;
    bind_label(F);
  }
}

static void lower_if(fn_t *F) {
  uint32_t np, nr;
  const wm_valtype_t *p, *r;
  if (!read_blocktype(F, &np, &p, &nr, &r)) return;
  vval_t c = pop_expect(F, WM_I32);
  uint32_t ch = F->nvals;
  bool live = reach(F);
  uint32_t ins = NONE, pos = NONE;
  if (live) {
    /* Copies for the block must precede the test; they never touch the
       condition's slot, which lies above them. */
    for (uint32_t h = 0; h < F->nvals; h++)
      if (h >= F->nvals - (np <= F->nvals ? np : F->nvals) || F->vals[h].loc == LOC_LOCAL)
        materialize(F, h);
    emit_cond_jump(F, &c, ch, false, &ins, &pos);
  }
  enter_block(F, 0x04, np, p, nr, r);
  top(F)->else_ins = ins;
  top(F)->else_pos = pos;
}

/* Results of the current frame into canonical slots, then type-checked. */
static void close_arm(fn_t *F) {
  ctrl_t *c = top(F);
  if (reach(F)) {
    uint32_t from = F->nvals >= c->nr && F->nvals - c->nr >= c->height ? F->nvals - c->nr
                                                                        : F->nvals;
    for (uint32_t h = from; h < F->nvals; h++) materialize(F, h);
  }
  pop_types(F, c->nr, c->results);
  if (F->nvals != c->height) fail(F, "type mismatch");
}

static void lower_else(fn_t *F) {
  ctrl_t *c = top(F);
  if (c->op != 0x04 || c->else_pos == NONE - 1) {
    fail(F, "else without matching if");
    return;
  }
  close_arm(F);
  c = top(F);
  if (c->reach) {
    uint32_t at = emit_op(F, IOP_BR);
    emit_word(F, 0);
    add_fixup(F, F->nctrls - 1, at, at + 1);
  }
  if (c->else_pos != NONE) patch(F, c->else_ins, c->else_pos, F->len);
  c->else_pos = NONE - 1; /* marks "else seen" */
  bind_label(F);
  F->nvals = c->height;
  c->unreachable = false;
  c->reach = c->entry_reach;
  for (uint32_t i = 0; i < c->np; i++) push_temp(F, c->params[i]);
}

static bool same_types(uint32_t n1, const wm_valtype_t *a, uint32_t n2, const wm_valtype_t *b) {
  if (n1 != n2) return false;
  for (uint32_t i = 0; i < n1; i++)
    if (a[i] != b[i]) return false;
  return true;
}

/* Returns true when the function's final `end` was reached. */
static bool lower_end(fn_t *F) {
  if (F->nctrls == 1) {
    if (reach(F)) emit_return(F);
    pop_types(F, top(F)->nr, top(F)->results);
    if (F->nvals != top(F)->height) fail(F, "type mismatch");
    F->nctrls = 0;
    return true;
  }
  close_arm(F);
  ctrl_t c = *top(F);
  if (c.op == 0x04 && c.else_pos != NONE - 1) {
    if (!same_types(c.np, c.params, c.nr, c.results)) fail(F, "type mismatch");
    if (c.else_pos != NONE) patch(F, c.else_ins, c.else_pos, F->len);
  }
  for (int32_t i = c.fix; i >= 0; i = F->fix[i].next) patch(F, F->fix[i].ins, F->fix[i].pos, F->len);
  if (c.op == 0x03) {
    /* One iteration costs the loop's instructions, nested loops included. */
    if (c.cost_pos != NONE) F->code[c.cost_pos] = F->icount - c.icount;
    F->loops_open--;
  }
  bind_label(F);
  F->nctrls--;
  top(F)->reach = top(F)->reach && c.entry_reach;
  for (uint32_t i = 0; i < c.nr; i++) push_temp(F, c.results[i]);
  return false;
}

/* {====================== Branch instructions ======================} */

static void lower_br(fn_t *F) {
  uint32_t l = rd_u32(&F->r);
  if (!ok(F) || !need_label(F, l)) return;
  uint32_t fi = F->nctrls - 1 - l, n;
  const wm_valtype_t *t = label_types(&F->ctrls[fi], &n);
  if (reach(F)) emit_branch_to(F, fi);
  pop_types(F, n, t);
  set_unreachable(F);
}

static void lower_br_if(fn_t *F) {
  uint32_t l = rd_u32(&F->r);
  if (!ok(F) || !need_label(F, l)) return;
  vval_t c = pop_expect(F, WM_I32);
  uint32_t ch = F->nvals, fi = F->nctrls - 1 - l, n;
  const wm_valtype_t *t = label_types(&F->ctrls[fi], &n);
  check_types(F, n, t, false);
  if (!reach(F) || F->err) return;
  uint32_t ins, pos;
  if (!needs_copies(F, fi)) {
    emit_cond_jump(F, &c, ch, true, &ins, &pos);
    link_target(F, fi, ins, pos);
    return;
  }
  emit_cond_jump(F, &c, ch, false, &ins, &pos);
  emit_branch_to(F, fi);
  patch(F, ins, pos, F->len);
  bind_label(F);
}

/* Checks one br_table target against the stack (spec: same arity as the
   default, and the stack matches its types). */
static void check_table_label(fn_t *F, uint32_t l, uint32_t arity) {
  uint32_t n;
  const wm_valtype_t *t = label_types(&F->ctrls[F->nctrls - 1 - l], &n);
  if (n != arity) fail(F, "type mismatch");
  else check_types(F, n, t, true);
}

static void emit_br_table(fn_t *F, vval_t *idx, uint32_t h, const uint32_t *ls, uint32_t n) {
  uint32_t s = operand(F, idx, h);
  uint32_t at = emit_op(F, IOP_BR_TABLE);
  emit_word(F, s);
  emit_word(F, n);
  uint32_t first = F->len;
  for (uint32_t i = 0; i <= n; i++) emit_word(F, 0);
  uint32_t *stub = ut_malloc(F->nctrls * sizeof *stub);
  for (uint32_t i = 0; i < F->nctrls; i++) stub[i] = NONE;
  for (uint32_t i = 0; i <= n; i++) {
    uint32_t fi = F->nctrls - 1 - ls[i];
    if (!needs_copies(F, fi)) {
      link_target(F, fi, at, first + i);
      continue;
    }
    if (stub[fi] == NONE) {
      stub[fi] = F->len;
      emit_branch_to(F, fi);
    }
    patch(F, at, first + i, stub[fi]);
  }
  free(stub);
}

static void lower_br_table(fn_t *F) {
  uint32_t n = rd_u32(&F->r);
  if (!ok(F)) return;
  if (n > rd_left(&F->r)) {
    rd_fail(&F->r, "unexpected end");
    ok(F);
    return;
  }
  uint32_t *ls = ut_malloc(((size_t)n + 1) * sizeof *ls);
  for (uint32_t i = 0; i <= n && ok(F); i++) {
    ls[i] = rd_u32(&F->r);
    if (ok(F)) need_label(F, ls[i]);
  }
  if (F->err) {
    free(ls);
    return;
  }
  vval_t idx = pop_expect(F, WM_I32);
  uint32_t h = F->nvals, arity;
  label_types(&F->ctrls[F->nctrls - 1 - ls[n]], &arity);
  for (uint32_t i = 0; i <= n && !F->err; i++) check_table_label(F, ls[i], arity);
  if (reach(F) && !F->err) emit_br_table(F, &idx, h, ls, n);
  free(ls);
  set_unreachable(F);
}

/* {====================== Calls ======================} */

/* Pops a call's arguments into canonical slots and pushes its results;
   returns the base slot, where the callee's frame begins. */
static uint32_t call_args(fn_t *F, const wm_functype_t *t) {
  uint32_t base_h = F->nvals >= t->nparams ? F->nvals - t->nparams : 0;
  if (reach(F) && base_h >= top(F)->height)
    for (uint32_t h = base_h; h < F->nvals; h++) materialize(F, h);
  pop_types(F, t->nparams, t->types);
  uint32_t base = slot_of_height(F, F->nvals);
  for (uint32_t i = 0; i < t->nresults; i++) push_temp(F, wm_result(t, i));
  return base;
}

static void lower_call(fn_t *F) {
  uint32_t f = rd_u32(&F->r);
  if (!ok(F)) return;
  if (f >= F->m->nfuncs) {
    fail(F, "unknown function %u", f);
    return;
  }
  bool live = reach(F);
  uint32_t base = call_args(F, wm_func_type(F->m, f));
  if (!live) return;
  emit_op(F, IOP_CALL);
  emit_word(F, f);
  emit_word(F, base);
}

static void lower_call_indirect(fn_t *F) {
  uint32_t ti = rd_u32(&F->r);
  uint32_t tab = rd_u32(&F->r);
  if (!ok(F)) return;
  if (ti >= F->m->ntypes) {
    fail(F, "unknown type");
    return;
  }
  if (!need_table(F, tab)) return;
  if (F->m->tables[tab].elem != WM_FUNCREF) {
    fail(F, "type mismatch");
    return;
  }
  vval_t idx = pop_expect(F, WM_I32);
  uint32_t ih = F->nvals;
  bool live = reach(F);
  uint32_t s = live ? operand(F, &idx, ih) : 0;
  uint32_t base = call_args(F, &F->m->types[ti]);
  if (!live) return;
  emit_op(F, IOP_CALL_INDIRECT);
  emit_word(F, F->m->types[ti].id);
  emit_word(F, tab);
  emit_word(F, s);
  emit_word(F, base);
}

/* {====================== Variables ======================} */

static bool need_local(fn_t *F, uint32_t x) {
  if (x >= F->nlocals) fail(F, "unknown local %u", x);
  return F->err == NULL;
}

static void lower_local_get(fn_t *F) {
  uint32_t x = rd_u32(&F->r);
  if (!ok(F) || !need_local(F, x)) return;
  vval_t v = {F->locals[x], LOC_LOCAL, x, 0};
  if (!reach(F)) {
    push_temp(F, v.type);
    return;
  }
  push_val(F, v);
}

/* local.set / local.tee: retarget the producing instruction when the value
   was just computed into its temporary; otherwise copy. */
static void lower_local_set(fn_t *F, bool tee) {
  uint32_t x = rd_u32(&F->r);
  if (!ok(F) || !need_local(F, x)) return;
  vval_t v = pop_expect(F, F->locals[x]);
  if (!reach(F)) {
    if (tee) push_temp(F, F->locals[x]);
    return;
  }
  vval_t nv = {F->locals[x], LOC_LOCAL, x, 0};
  if (!(v.loc == LOC_LOCAL && v.slot == x)) {
    bool shared = refs_local(F, x);
    if (!shared && v.loc == LOC_TEMP && F->last_dst != NONE && F->last_ins >= F->label_pos &&
        F->code[F->last_dst] == v.slot) {
      F->code[F->last_dst] = x;
      F->last_dst = NONE;
      F->cmp_ins = NONE;
    } else {
      detach_local(F, x);
      emit_move(F, x, &v);
    }
  }
  if (tee) push_val(F, nv);
}

static bool need_global(fn_t *F, uint32_t g) {
  if (g >= F->m->nglobals) fail(F, "unknown global %u", g);
  return F->err == NULL;
}

static void lower_global_get(fn_t *F) {
  uint32_t g = rd_u32(&F->r);
  if (!ok(F) || !need_global(F, g)) return;
  if (reach(F)) {
    emit_op_dst(F, IOP_GLOBAL_GET, slot_of_height(F, F->nvals));
    emit_word(F, g);
  }
  push_temp(F, F->m->globals[g].type.type);
}

static void lower_global_set(fn_t *F) {
  uint32_t g = rd_u32(&F->r);
  if (!ok(F) || !need_global(F, g)) return;
  if (!F->m->globals[g].type.mut) {
    fail(F, "global is immutable");
    return;
  }
  wm_valtype_t t = F->m->globals[g].type.type;
  lower_slots(F, IOP_GLOBAL_SET, 1, &g, 1, &t);
}

/* {====================== References and select ======================} */

static void lower_select(fn_t *F, bool typed) {
  wm_valtype_t want = VT_UNKNOWN;
  if (typed) {
    uint32_t n = rd_u32(&F->r);
    if (!ok(F)) return;
    if (n != 1) {
      fail(F, "invalid result arity");
      return;
    }
    want = rd_u8(&F->r);
    if (!ok(F)) return;
    if (!memchr(vt_one, want, sizeof vt_one)) {
      malformed(F, "malformed value type");
      return;
    }
  }
  vval_t c = pop_expect(F, WM_I32);
  vval_t b = pop_expect(F, want);
  vval_t a = pop_expect(F, want);
  if (!typed && (wm_is_ref(a.type) || wm_is_ref(b.type) || a.type == WM_V128)) {
    fail(F, "type mismatch");
    return;
  }
  if (!typed && a.type != b.type && a.type != VT_UNKNOWN && b.type != VT_UNKNOWN) {
    fail(F, "type mismatch");
    return;
  }
  wm_valtype_t rt = typed ? want : (a.type != VT_UNKNOWN ? a.type : b.type);
  uint32_t h = F->nvals;
  if (reach(F)) {
    uint32_t sa = operand(F, &a, h), sb = operand(F, &b, h + 1), sc = operand(F, &c, h + 2);
    emit_op_dst(F, IOP_SELECT, slot_of_height(F, h));
    emit_word(F, sa);
    emit_word(F, sb);
    emit_word(F, sc);
  }
  push_temp(F, rt);
}

static void lower_ref_null(fn_t *F) {
  uint8_t t = rd_u8(&F->r);
  if (!ok(F)) return;
  if (!wm_is_ref(t)) {
    malformed(F, "malformed reference type");
    return;
  }
  vval_t v = {t, LOC_CONST, 0, 0};
  if (!reach(F)) {
    push_temp(F, t);
    return;
  }
  push_val(F, v);
}

static void lower_ref_is_null(fn_t *F) {
  vval_t a = pop_val(F);
  if (a.type != VT_UNKNOWN && !wm_is_ref(a.type)) {
    fail(F, "type mismatch");
    return;
  }
  uint32_t h = F->nvals;
  if (reach(F)) {
    uint32_t sa = operand(F, &a, h);
    emit_op_dst(F, IOP_REF_IS_NULL, slot_of_height(F, h));
    emit_word(F, sa);
  }
  push_temp(F, WM_I32);
}

static void lower_ref_func(fn_t *F) {
  uint32_t f = rd_u32(&F->r);
  if (!ok(F)) return;
  if (f >= F->m->nfuncs) {
    fail(F, "unknown function %u", f);
    return;
  }
  if (!F->m->func_declared[f]) {
    fail(F, "undeclared function reference");
    return;
  }
  if (reach(F)) {
    emit_op_dst(F, IOP_REF_FUNC, slot_of_height(F, F->nvals));
    emit_word(F, f);
  }
  push_temp(F, WM_FUNCREF);
}

/* {====================== Tables ======================} */

static const wm_valtype_t t_i32x3[3] = {WM_I32, WM_I32, WM_I32};

static void lower_table_get(fn_t *F) {
  uint32_t t = rd_u32(&F->r);
  if (!ok(F) || !need_table(F, t)) return;
  vval_t i = pop_expect(F, WM_I32);
  uint32_t h = F->nvals;
  if (reach(F)) {
    uint32_t si = operand(F, &i, h);
    emit_op_dst(F, IOP_TABLE_GET, slot_of_height(F, h));
    emit_word(F, t);
    emit_word(F, si);
  }
  push_temp(F, F->m->tables[t].elem);
}

static void lower_table_set(fn_t *F) {
  uint32_t t = rd_u32(&F->r);
  if (!ok(F) || !need_table(F, t)) return;
  wm_valtype_t ty[2] = {WM_I32, F->m->tables[t].elem};
  lower_slots(F, IOP_TABLE_SET, 1, &t, 2, ty);
}

static void lower_table_size(fn_t *F) {
  uint32_t t = rd_u32(&F->r);
  if (!ok(F) || !need_table(F, t)) return;
  if (reach(F)) {
    emit_op_dst(F, IOP_TABLE_SIZE, slot_of_height(F, F->nvals));
    emit_word(F, t);
  }
  push_temp(F, WM_I32);
}

static void lower_table_grow(fn_t *F) {
  uint32_t t = rd_u32(&F->r);
  if (!ok(F) || !need_table(F, t)) return;
  vval_t n = pop_expect(F, WM_I32);
  vval_t v = pop_expect(F, F->m->tables[t].elem);
  uint32_t h = F->nvals;
  if (reach(F)) {
    uint32_t sv = operand(F, &v, h), sn = operand(F, &n, h + 1);
    emit_op_dst(F, IOP_TABLE_GROW, slot_of_height(F, h));
    emit_word(F, t);
    emit_word(F, sv);
    emit_word(F, sn);
  }
  push_temp(F, WM_I32);
}

static void lower_table_fill(fn_t *F) {
  uint32_t t = rd_u32(&F->r);
  if (!ok(F) || !need_table(F, t)) return;
  wm_valtype_t ty[3] = {WM_I32, F->m->tables[t].elem, WM_I32};
  lower_slots(F, IOP_TABLE_FILL, 1, &t, 3, ty);
}

static void lower_table_copy(fn_t *F) {
  uint32_t imm[2];
  imm[0] = rd_u32(&F->r);
  imm[1] = rd_u32(&F->r);
  if (!ok(F) || !need_table(F, imm[0]) || !need_table(F, imm[1])) return;
  if (F->m->tables[imm[0]].elem != F->m->tables[imm[1]].elem) {
    fail(F, "type mismatch");
    return;
  }
  lower_slots(F, IOP_TABLE_COPY, 2, imm, 3, t_i32x3);
}

static void lower_table_init(fn_t *F) {
  uint32_t e = rd_u32(&F->r);
  uint32_t t = rd_u32(&F->r);
  if (!ok(F) || !need_table(F, t) || !need_elem(F, e)) return;
  if (F->m->tables[t].elem != F->m->elems[e].type) {
    fail(F, "type mismatch");
    return;
  }
  uint32_t imm[2] = {t, e};
  lower_slots(F, IOP_TABLE_INIT, 2, imm, 3, t_i32x3);
}

static void lower_elem_drop(fn_t *F) {
  uint32_t e = rd_u32(&F->r);
  if (!ok(F) || !need_elem(F, e)) return;
  lower_slots(F, IOP_ELEM_DROP, 1, &e, 0, NULL);
}

/* {====================== Memory ======================} */

static void lower_memory_size(fn_t *F, bool grow) {
  if (!read_zero(F) || !need_memory(F)) return;
  if (!grow) {
    if (reach(F)) emit_op_dst(F, IOP_MEMORY_SIZE, slot_of_height(F, F->nvals));
    push_temp(F, WM_I32);
    return;
  }
  vval_t n = pop_expect(F, WM_I32);
  uint32_t h = F->nvals;
  if (reach(F)) {
    uint32_t sn = operand(F, &n, h);
    emit_op_dst(F, IOP_MEMORY_GROW, slot_of_height(F, h));
    emit_word(F, sn);
  }
  push_temp(F, WM_I32);
}

static void lower_memory_bulk(fn_t *F, uint32_t code) {
  if (code == 0xFC08 || code == 0xFC09) {
    uint32_t seg = rd_u32(&F->r);
    if (!ok(F)) return;
    if (code == 0xFC08 && (!read_zero(F) || !need_memory(F))) return;
    if (!need_datacount(F, seg)) return;
    if (code == 0xFC09) {
      lower_slots(F, IOP_DATA_DROP, 1, &seg, 0, NULL);
      return;
    }
    lower_slots(F, IOP_MEMORY_INIT, 1, &seg, 3, t_i32x3);
    return;
  }
  if (!read_zero(F)) return;
  if (code == 0xFC0A && !read_zero(F)) return;
  if (!need_memory(F)) return;
  lower_slots(F, code == 0xFC0A ? IOP_MEMORY_COPY : IOP_MEMORY_FILL, 0, NULL, 3, t_i32x3);
}

/* {====================== Dispatch ======================} */

static void push_const(fn_t *F, wm_valtype_t t, uint64_t k) {
  vval_t v = {t, LOC_CONST, 0, k};
  if (!reach(F)) {
    push_temp(F, t);
    return;
  }
  push_val(F, v);
}

/* Instructions of the CTL class, by their wasm code. */
static bool lower_ctl(fn_t *F, uint32_t code) {
  switch (code) {
  case 0x00: /* unreachable */
    if (reach(F)) emit_op(F, IOP_UNREACHABLE);
    set_unreachable(F);
    break;
  case 0x01: break; /* nop */
  case 0x02: case 0x03: lower_block(F, (uint8_t)code); break;
  case 0x04: lower_if(F); break;
  case 0x05: lower_else(F); break;
  case 0x0B: return lower_end(F);
  case 0x0C: lower_br(F); break;
  case 0x0D: lower_br_if(F); break;
  case 0x0E: lower_br_table(F); break;
  case 0x0F:
    if (reach(F)) emit_return(F);
    pop_types(F, F->ctrls[0].nr, F->ctrls[0].results);
    set_unreachable(F);
    break;
  case 0x10: lower_call(F); break;
  case 0x11: lower_call_indirect(F); break;
  case 0x1A: pop_val(F); break; /* drop */
  case 0x1B: case 0x1C: lower_select(F, code == 0x1C); break;
  case 0x20: lower_local_get(F); break;
  case 0x21: case 0x22: lower_local_set(F, code == 0x22); break;
  case 0x23: lower_global_get(F); break;
  case 0x24: lower_global_set(F); break;
  case 0x25: lower_table_get(F); break;
  case 0x26: lower_table_set(F); break;
  case 0x3F: case 0x40: lower_memory_size(F, code == 0x40); break;
  case 0x41: push_const(F, WM_I32, (uint32_t)rd_s32(&F->r)); break;
  case 0x42: push_const(F, WM_I64, (uint64_t)rd_s64(&F->r)); break;
  case 0x43: push_const(F, WM_F32, rd_fixed32(&F->r)); break;
  case 0x44: push_const(F, WM_F64, rd_fixed64(&F->r)); break;
  case 0xD0: lower_ref_null(F); break;
  case 0xD1: lower_ref_is_null(F); break;
  case 0xD2: lower_ref_func(F); break;
  case 0xFC08: case 0xFC09: case 0xFC0A: case 0xFC0B: lower_memory_bulk(F, code); break;
  case 0xFC0C: lower_table_init(F); break;
  case 0xFC0D: lower_elem_drop(F); break;
  case 0xFC0E: lower_table_copy(F); break;
  case 0xFC0F: lower_table_grow(F); break;
  case 0xFC10: lower_table_size(F); break;
  case 0xFC11: lower_table_fill(F); break;
  default: malformed(F, "illegal opcode"); break;
  }
  return false;
}

/* Reads one opcode (0xFC-prefixed ones as 0xFC00|sub); NONE if unknown. */
static uint32_t read_opcode(fn_t *F) {
  uint32_t b = rd_u8(&F->r);
  if (b != 0xFC) return b;
  uint32_t sub = rd_u32(&F->r);
  return sub < 0x20 ? 0xFC00 | sub : NONE;
}

/* Validates and lowers one instruction; true after the final `end`. */
static bool lower_one(fn_t *F) {
  F->ins_off = rd_off(&F->r);
  F->icount++;
  if (!F->loops_open) F->straight++;
  uint32_t code = read_opcode(F);
  if (!ok(F)) return false;
  const opinfo_t *oi = code == NONE ? NULL : &op_table[OPIDX(code)];
  switch (oi ? oi->cls : C_NONE) {
  case C_CTL: return lower_ctl(F, code);
  case C_LOAD: lower_load(F, oi); break;
  case C_STORE: lower_store(F, oi); break;
  case C_UN: case C_UNT: lower_unary(F, oi); break;
  case C_BIN: case C_CMP: case C_BINT: lower_binary(F, oi); break;
  default: malformed(F, "illegal opcode"); break;
  }
  return false;
}

static void fn_setup(fn_t *F, const wm_module_t *m, uint32_t code_idx) {
  const wm_code_t *c = &m->codes[code_idx];
  uint32_t f = m->nfunc_imports + code_idx;
  const wm_functype_t *t = wm_func_type(m, f);
  memset(F, 0, sizeof *F);
  F->m = m;
  F->func_idx = f;
  rd_init(&F->r, m->bytes, c->expr_offset, c->end_offset);
  F->nlocals = t->nparams + c->nlocals;
  F->locals = ut_malloc(((size_t)F->nlocals + 1) * sizeof *F->locals);
  memcpy(F->locals, t->types, t->nparams);
  memcpy(F->locals + t->nparams, c->local_types, c->nlocals);
  F->last_ins = F->last_dst = F->cmp_ins = F->add_ins = NONE;
  push_ctrl(F, 0, 0, NULL, t->nresults, t->types + t->nparams);
}

static void fn_free(fn_t *F) {
  free(F->locals);
  free(F->vals);
  free(F->ctrls);
  free(F->fix);
  free(F->code);
}

wb_error_t *val_function(const wm_module_t *m, uint32_t code_idx, ip_code_t **out) {
  fn_t F;
  fn_setup(&F, m, code_idx);
  bool done = false;
  while (!done && !F.err) {
    if (rd_eof(&F.r)) {
      F.ins_off = rd_off(&F.r);
      malformed(&F, "unexpected end of section or function");
      break;
    }
    done = lower_one(&F);
  }
  if (!F.err && !rd_eof(&F.r)) {
    F.ins_off = rd_off(&F.r);
    malformed(&F, "operators remaining after end of function");
  }
  *out = NULL;
  if (F.err) {
    fn_free(&F);
    return F.err;
  }
  ip_code_t *ic = ut_calloc(1, sizeof *ic);
  const wm_functype_t *t = wm_func_type(m, F.func_idx);
  ic->code = F.code;
  ic->len = F.len;
  ic->nparams = t->nparams;
  ic->nresults = t->nresults;
  ic->nlocals = F.nlocals;
  ic->frame_size = F.nlocals + F.max_h + 1;
  ic->func_index = F.func_idx;
  ic->entry_cost = F.straight;
  F.code = NULL;
  fn_free(&F);
  *out = ic;
  return NULL;
}

void ip_code_free(ip_code_t *c) {
  if (!c) return;
  free(c->code);
  free(c);
}
