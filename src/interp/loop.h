/* SPDX-License-Identifier: Apache-2.0 */
/*
** The dispatch loop, included twice by interp.c: once as run_plain (no
** fuel: limit checks only look for an interrupt) and once as run_fuel (each
** check also charges fuel), so code that runs without fuel pays nothing
** for it. IP_NAME and IP_FUEL select the variant.
*/

/* Charges fuel and looks for an interrupt; the slow path is do_check.
   WB_NO_LIMIT_CHECKS builds an interpreter without the checks, only so the
   benchmarks can measure what they cost (bench/categories/50-limits.sh). */
#if defined(WB_NO_LIMIT_CHECKS)
#define CHECK(cost)                                                                            \
  do {                                                                                         \
    (void)(cost), (void)intr;                                                                  \
    if (0) goto do_check;                                                                      \
  } while (0)
#define SAVE_FUEL() ((void)0)
#define LOAD_FUEL() ((void)0)
#elif IP_FUEL
#define CHECK(cost)                                                                            \
  do {                                                                                         \
    int64_t left_ = ex->fuel -= (int64_t)(cost);                                               \
    if (UT_UNLIKELY((left_ < 0) |                                                              \
                    (atomic_load_explicit(intr, memory_order_relaxed) != 0)))                  \
      goto do_check;                                                                           \
  } while (0)
/* Fuel lives in ex->fuel, not a register: a guard-page fault leaves
   through the signal handler, and what was charged must stay charged. */
#define SAVE_FUEL() (ex->fuel = ex->fuel < 0 ? 0 : ex->fuel)
#define LOAD_FUEL() ((void)0)
#else
#define CHECK(cost)                                                                            \
  do {                                                                                         \
    (void)(cost);                                                                              \
    if (UT_UNLIKELY(atomic_load_explicit(intr, memory_order_relaxed) != 0))                    \
      goto do_check;                                                                           \
  } while (0)
#define SAVE_FUEL() ((void)0)
#define LOAD_FUEL() ((void)0)
#endif
/* A forward branch; JUMPB is a loop back-edge, whose loop header (IOP_LOOP)
   left the iteration's cost in the word before the target. */
#define JUMP(k) (ip += (int32_t)ip[k])
#define JUMPB(k)                                                                               \
  do {                                                                                         \
    ip += (int32_t)ip[k];                                                                      \
    CHECK(ip[-1]);                                                                             \
  } while (0)


static int IP_NAME(rt_exec_t *ex, wb_func_t *f, rt_slot_t *sp) {
#ifndef WB_INTERP_SWITCH
  static const void *const disp[IOP__COUNT] = {
#define UN(N, c, t, R, A, e) [IOP_##N] = &&L_##N,
#define UNT(N, c, t, R, A, fn) [IOP_##N] = &&L_##N,
#define BIN(N, c, t, R, A, e) [IOP_##N] = &&L_##N, [IOP_##N##_I] = &&L_##N##_I,
#define BINT(N, c, t, R, A, fn) [IOP_##N] = &&L_##N,
#define CMP(N, c, t, A, e)                                                                      \
  [IOP_##N] = &&L_##N, [IOP_##N##_I] = &&L_##N##_I, [IOP_BRT_##N] = &&L_BRT_##N,                \
  [IOP_BRT_##N##_I] = &&L_BRT_##N##_I, [IOP_BRF_##N] = &&L_BRF_##N,                            \
  [IOP_BRF_##N##_I] = &&L_BRF_##N##_I, [IOP_BRTB_##N] = &&L_BRTB_##N,                          \
  [IOP_BRTB_##N##_I] = &&L_BRTB_##N##_I,
#define LOAD(N, c, t, T, ct, nat)                                                               \
  [IOP_##N] = &&L_##N, [IOP_##N##_ADD] = &&L_##N##_ADD, [IOP_##N##_ADDI] = &&L_##N##_ADDI,
#define STORE(N, c, t, T, ct, nat)                                                              \
  [IOP_##N] = &&L_##N, [IOP_##N##_ADD] = &&L_##N##_ADD, [IOP_##N##_ADDI] = &&L_##N##_ADDI,
#include "wasm/opcodes.def"
#define X(n) [IOP_##n] = &&L_##n,
      IP_SPECIAL(X)
#undef X
  };
#endif
  const uint32_t depth0 = ex->depth;
  _Atomic uint32_t *const intr = &ex->interrupt;
  const rt_slot_t *const stack_end = ex->stack_end;
  rt_frame_t *const frame_limit = ex->frames + ex->max_depth;
  rt_frame_t *frame = NULL; /* current frame; NULL until the entry frame is pushed */
  const uint32_t *ip;
  rt_slot_t *fp;
  wb_instance_t *inst = f->inst;
  uint8_t *mem = inst->mem0;
  int trap = 0;
  wb_func_t *callee;
  rt_slot_t *base;
  const uint32_t *next_ip = NULL;

  /* The entry frame: like a call from nowhere (ret_ip NULL). */
  callee = f;
  base = sp;
  rt_tls_set_mem(mem);
  goto enter_wasm;

  for (;;) {
    vmdispatch(*ip) {
#define UN(N, c, t, R, A, e)                                                                  \
  vmcase(N) {                                                                                 \
    CT_##A a = S(2).F_##A;                                                                    \
    S(1).F_##R = (CT_##R)(e);                                                                 \
    ip += 3;                                                                                  \
    vmbreak;                                                                                  \
  }
#define BIN(N, c, t, R, A, e)                                                                 \
  vmcase(N) {                                                                                 \
    CT_##A a = S(2).F_##A, b = S(3).F_##A;                                                    \
    S(1).F_##R = (CT_##R)(e);                                                                 \
    ip += 4;                                                                                  \
    vmbreak;                                                                                  \
  }                                                                                           \
  vmcase(N##_I) {                                                                             \
    CT_##A a = S(2).F_##A, b = IMM_##A(3);                                                    \
    S(1).F_##R = (CT_##R)(e);                                                                 \
    ip += 3 + W_##A;                                                                          \
    vmbreak;                                                                                  \
  }
#define CMP(N, c, t, A, e)                                                                    \
  BIN(N, c, t, I32, A, e)                                                                     \
  vmcase(BRT_##N) {                                                                           \
    CT_##A a = S(1).F_##A, b = S(2).F_##A;                                                    \
    if (e) JUMP(3); else ip += 4;                                                             \
    vmbreak;                                                                                  \
  }                                                                                           \
  vmcase(BRT_##N##_I) {                                                                       \
    CT_##A a = S(1).F_##A, b = IMM_##A(2);                                                    \
    if (e) JUMP(2 + W_##A); else ip += 3 + W_##A;                                             \
    vmbreak;                                                                                  \
  }                                                                                           \
  vmcase(BRF_##N) {                                                                           \
    CT_##A a = S(1).F_##A, b = S(2).F_##A;                                                    \
    if (!(e)) JUMP(3); else ip += 4;                                                          \
    vmbreak;                                                                                  \
  }                                                                                           \
  vmcase(BRF_##N##_I) {                                                                       \
    CT_##A a = S(1).F_##A, b = IMM_##A(2);                                                    \
    if (!(e)) JUMP(2 + W_##A); else ip += 3 + W_##A;                                          \
    vmbreak;                                                                                  \
  }                                                                                           \
  vmcase(BRTB_##N) {                                                                          \
    CT_##A a = S(1).F_##A, b = S(2).F_##A;                                                    \
    if (e) JUMPB(3); else ip += 4;                                                            \
    vmbreak;                                                                                  \
  }                                                                                           \
  vmcase(BRTB_##N##_I) {                                                                      \
    CT_##A a = S(1).F_##A, b = IMM_##A(2);                                                    \
    if (e) JUMPB(2 + W_##A); else ip += 3 + W_##A;                                            \
    vmbreak;                                                                                  \
  }
#define UNT(N, c, t, R, A, fn)                                                                \
  vmcase(N) {                                                                                 \
    CT_##R r;                                                                                 \
    if (UT_UNLIKELY((trap = fn(S(2).F_##A, &r)))) goto do_trap;                               \
    S(1).F_##R = r;                                                                           \
    ip += 3;                                                                                  \
    vmbreak;                                                                                  \
  }
#define BINT(N, c, t, R, A, fn)                                                               \
  vmcase(N) {                                                                                 \
    CT_##R r;                                                                                 \
    if (UT_UNLIKELY((trap = fn(S(2).F_##A, S(3).F_##A, &r)))) goto do_trap;                   \
    S(1).F_##R = r;                                                                           \
    ip += 4;                                                                                  \
    vmbreak;                                                                                  \
  }
#define LOAD(N, c, t, T, ct, nat)                                                             \
  vmcase(N) { /* dst addr offset */                                                           \
    ct v;                                                                                     \
    memcpy(&v, mem + ((uint64_t)S(2).u32 + ip[3]), sizeof v);                                 \
    S(1).F_##T = (CT_##T)v;                                                                   \
    ip += 4;                                                                                  \
    vmbreak;                                                                                  \
  }                                                                                           \
  vmcase(N##_ADD) { /* dst a b offset: address a + b (wrapping) */                            \
    ct v;                                                                                     \
    memcpy(&v, mem + ((uint64_t)(uint32_t)(S(2).u32 + S(3).u32) + ip[4]), sizeof v);          \
    S(1).F_##T = (CT_##T)v;                                                                   \
    ip += 5;                                                                                  \
    vmbreak;                                                                                  \
  }                                                                                           \
  vmcase(N##_ADDI) { /* dst a imm offset: address a + imm (wrapping) */                       \
    ct v;                                                                                     \
    memcpy(&v, mem + ((uint64_t)(uint32_t)(S(2).u32 + ip[3]) + ip[4]), sizeof v);             \
    S(1).F_##T = (CT_##T)v;                                                                   \
    ip += 5;                                                                                  \
    vmbreak;                                                                                  \
  }
#define STORE(N, c, t, T, ct, nat)                                                            \
  vmcase(N) { /* addr val offset */                                                           \
    ct v = (ct)S(2).F_##T;                                                                    \
    memcpy(mem + ((uint64_t)S(1).u32 + ip[3]), &v, sizeof v);                                 \
    ip += 4;                                                                                  \
    vmbreak;                                                                                  \
  }                                                                                           \
  vmcase(N##_ADD) { /* a b val offset: address a + b (wrapping) */                            \
    ct v = (ct)S(3).F_##T;                                                                    \
    memcpy(mem + ((uint64_t)(uint32_t)(S(1).u32 + S(2).u32) + ip[4]), &v, sizeof v);          \
    ip += 5;                                                                                  \
    vmbreak;                                                                                  \
  }                                                                                           \
  vmcase(N##_ADDI) { /* a imm val offset: address a + imm (wrapping) */                       \
    ct v = (ct)S(3).F_##T;                                                                    \
    memcpy(mem + ((uint64_t)(uint32_t)(S(1).u32 + ip[2]) + ip[4]), &v, sizeof v);             \
    ip += 5;                                                                                  \
    vmbreak;                                                                                  \
  }
#include "wasm/opcodes.def"

    vmcase(UNREACHABLE) {
      trap = WB_TRAP_UNREACHABLE;
      goto do_trap;
    }
    vmcase(COPY) { /* fp[dst] := fp[src] */
      S(1) = S(2);
      ip += 3;
      vmbreak;
    }
    vmcase(CONST32) { /* fp[dst] := imm */
      S(1).u64 = ip[2];
      ip += 3;
      vmbreak;
    }
    vmcase(CONST64) { /* fp[dst] := hi:lo */
      S(1).u64 = IMM_I64(2);
      ip += 4;
      vmbreak;
    }
    vmcase(BR) { /* ip += off */
      JUMP(1);
      vmbreak;
    }
    vmcase(BR_IF) { /* if c: ip += off */
      if (S(1).u32) JUMP(2); else ip += 3;
      vmbreak;
    }
    vmcase(BR_UNLESS) { /* if !c: ip += off */
      if (!S(1).u32) JUMP(2); else ip += 3;
      vmbreak;
    }
    vmcase(BR_BACK) { /* ip += off; check limits */
      JUMPB(1);
      vmbreak;
    }
    vmcase(BR_IF_BACK) { /* if c: ip += off; check limits */
      if (S(1).u32) JUMPB(2); else ip += 3;
      vmbreak;
    }
    vmcase(BR_UNLESS_BACK) { /* if !c: ip += off; check limits */
      if (!S(1).u32) JUMPB(2); else ip += 3;
      vmbreak;
    }
    vmcase(BR_TABLE) { /* ip += off[min(i, n)]; targets may be loop headers */
      uint32_t i = S(1).u32, n = ip[2];
      int32_t off = (int32_t)ip[3 + (i < n ? i : n)];
      ip += off;
      if (off < 0) CHECK(ip[-1]);
      vmbreak;
    }
    vmcase(CALL) { /* f base */
      callee = inst->funcs[ip[1]];
      base = fp + ip[2];
      next_ip = ip + 3;
      goto do_call;
    }
    vmcase(CALL_INDIRECT) { /* typeid table i base */
      const wb_table_t *tab = inst->tables[ip[2]];
      uint32_t i = S(3).u32;
      if (UT_UNLIKELY(i >= tab->size)) {
        trap = WB_TRAP_UNDEFINED_ELEMENT;
        goto do_trap;
      }
      callee = tab->elems[i];
      if (UT_UNLIKELY(!callee)) {
        trap = WB_TRAP_UNINITIALIZED_ELEMENT;
        goto do_trap;
      }
      if (UT_UNLIKELY(callee->type->id != ip[1])) {
        trap = WB_TRAP_INDIRECT_CALL_TYPE_MISMATCH;
        goto do_trap;
      }
      base = fp + ip[4];
      next_ip = ip + 5;
      goto do_call;
    }
    vmcase(RET0) {
      goto do_return;
    }
    vmcase(RET1) { /* fp[0] := fp[src] */
      fp[0] = S(1);
      goto do_return;
    }
    vmcase(RETN) { /* fp[0..n) := fp[base..base+n) */
      uint32_t b = ip[1], n = ip[2];
      for (uint32_t k = 0; k < n; k++) fp[k] = fp[b + k];
      goto do_return;
    }
    vmcase(SELECT) { /* fp[dst] := c ? a : b */
      S(1) = S(4).u32 ? S(2) : S(3);
      ip += 5;
      vmbreak;
    }
    vmcase(GLOBAL_GET) { /* dst g */
      S(1) = inst->globals[ip[2]]->val;
      ip += 3;
      vmbreak;
    }
    vmcase(GLOBAL_SET) { /* g src */
      inst->globals[ip[1]]->val = S(2);
      ip += 3;
      vmbreak;
    }
    vmcase(TABLE_GET) { /* dst t i */
      const wb_table_t *tab = inst->tables[ip[2]];
      uint32_t i = S(3).u32;
      if (UT_UNLIKELY(i >= tab->size)) {
        trap = WB_TRAP_TABLE_OUT_OF_BOUNDS;
        goto do_trap;
      }
      S(1).u64 = 0;
      S(1).ref = tab->elems[i];
      ip += 4;
      vmbreak;
    }
    vmcase(TABLE_SET) { /* t i v */
      wb_table_t *tab = inst->tables[ip[1]];
      uint32_t i = S(2).u32;
      if (UT_UNLIKELY(i >= tab->size)) {
        trap = WB_TRAP_TABLE_OUT_OF_BOUNDS;
        goto do_trap;
      }
      tab->elems[i] = S(3).ref;
      ip += 4;
      vmbreak;
    }
    vmcase(TABLE_SIZE) { /* dst t */
      S(1).u64 = inst->tables[ip[2]]->size;
      ip += 3;
      vmbreak;
    }
    vmcase(TABLE_GROW) { /* dst t v n */
      S(1).u64 = (uint32_t)rt_table_grow(inst->tables[ip[2]], S(4).u32, S(3).ref);
      ip += 5;
      vmbreak;
    }
    vmcase(TABLE_FILL) { /* t i v n */
      if ((trap = table_fill(inst->tables[ip[1]], S(2).u32, S(3).ref, S(4).u32))) goto do_trap;
      ip += 5;
      vmbreak;
    }
    vmcase(TABLE_COPY) { /* dt st d s n */
      trap = table_copy(inst->tables[ip[1]], inst->tables[ip[2]], S(3).u32, S(4).u32, S(5).u32);
      if (trap) goto do_trap;
      ip += 6;
      vmbreak;
    }
    vmcase(TABLE_INIT) { /* t e d s n */
      trap = table_init(inst->tables[ip[1]], &inst->elems[ip[2]], S(3).u32, S(4).u32, S(5).u32);
      if (trap) goto do_trap;
      ip += 6;
      vmbreak;
    }
    vmcase(ELEM_DROP) { /* e */
      inst->elems[ip[1]].n = 0;
      ip += 2;
      vmbreak;
    }
    vmcase(MEMORY_SIZE) { /* dst */
      S(1).u64 = inst->mems[0]->pages;
      ip += 2;
      vmbreak;
    }
    vmcase(MEMORY_GROW) { /* dst n */
      S(1).u64 = (uint32_t)rt_memory_grow(inst->mems[0], S(2).u32);
      ip += 3;
      vmbreak;
    }
    vmcase(MEMORY_FILL) { /* d v n */
      if ((trap = memory_fill(inst, S(1).u32, S(2).u32, S(3).u32))) goto do_trap;
      ip += 4;
      vmbreak;
    }
    vmcase(MEMORY_COPY) { /* d s n */
      if ((trap = memory_copy(inst, S(1).u32, S(2).u32, S(3).u32))) goto do_trap;
      ip += 4;
      vmbreak;
    }
    vmcase(MEMORY_INIT) { /* seg d s n */
      trap = memory_init(inst, &inst->datas[ip[1]], S(2).u32, S(3).u32, S(4).u32);
      if (trap) goto do_trap;
      ip += 5;
      vmbreak;
    }
    vmcase(DATA_DROP) { /* seg */
      inst->datas[ip[1]].n = 0;
      ip += 2;
      vmbreak;
    }
    vmcase(REF_IS_NULL) { /* dst a */
      S(1).u64 = S(2).ref == NULL;
      ip += 3;
      vmbreak;
    }
    vmcase(REF_FUNC) { /* dst f */
      S(1).u64 = 0;
      S(1).ref = inst->funcs[ip[2]];
      ip += 3;
      vmbreak;
    }
    vmcase(LOOP) { /* cost: entering a loop charges its first iteration */
      ip += 2;
      CHECK(ip[-1]);
      vmbreak;
    }
    }
#ifdef WB_INTERP_SWITCH
    continue;
#endif

  do_call:
    if (!callee->code) {
      SAVE_FUEL(); /* the host may read or add fuel, or re-enter */
      trap = rt_call_host(ex, callee, base);
      LOAD_FUEL();
      if (UT_UNLIKELY(trap)) goto do_trap;
      ip = next_ip;
      continue;
    }
  enter_wasm: {
    const ip_code_t *c = callee->code;
    rt_frame_t *nf = frame ? frame + 1 : ex->frames + depth0;
    if (UT_UNLIKELY(nf >= frame_limit || base + c->frame_size > stack_end)) {
      trap = WB_TRAP_STACK_EXHAUSTED;
      goto do_trap;
    }
    frame = nf;
    frame->ret_ip = next_ip;
    frame->fp = base;
    frame->func = callee;
    ex->depth = (uint32_t)(frame - ex->frames) + 1;
    for (uint32_t k = c->nparams; k < c->nlocals; k++) base[k].u64 = 0;
    fp = base;
    ip = c->code;
    if (callee->inst != inst) {
      inst = callee->inst;
      mem = inst->mem0;
      rt_tls_set_mem(mem);
    }
    CHECK(c->entry_cost);
    continue;
  }

  do_return:
    if (frame == ex->frames + depth0) {
      ex->depth = depth0;
      SAVE_FUEL();
      return 0;
    }
    ip = frame->ret_ip;
    frame--;
    ex->depth--;
    fp = frame->fp;
    if (frame->func->inst != inst) {
      inst = frame->func->inst;
      mem = inst->mem0;
      rt_tls_set_mem(mem);
    }
    continue;

  do_check: {
    /* An interrupt wins over fuel. */
    uint32_t why = atomic_exchange_explicit(&ex->interrupt, 0, memory_order_relaxed);
    if (why) {
      ex->interrupt_reason = why;
      trap = WB_TRAP_INTERRUPT;
      goto do_trap;
    }
#if IP_FUEL && !defined(WB_NO_LIMIT_CHECKS)
    ex->fuel = 0;
    trap = WB_TRAP_OUT_OF_FUEL;
    goto do_trap;
#else
    continue; /* a spurious wake-up: the flag was already consumed */
#endif
  }

  do_trap:
    SAVE_FUEL();
    unwind(ex, depth0);
    return trap;
  }
}

#undef CHECK
#undef SAVE_FUEL
#undef LOAD_FUEL
#undef JUMP
#undef JUMPB
