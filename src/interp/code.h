/* SPDX-License-Identifier: Apache-2.0 */
/*
** The interpreter's internal code, produced by validation (lowering) and run
** by interp.c. A function's frame is an array of 64-bit slots:
**
**   fp[0 .. nparams)            parameters (written by the caller in place)
**   fp[nparams .. nlocals)      declared locals, zeroed on entry
**   fp[nlocals .. frame_size)   operand stack: the value at height h lives
**                               in fp[nlocals + h]
**
** Instructions are runs of 32-bit words: an opcode (IOP_*) followed by its
** operands, which are slot indices relative to fp, immediates, or branch
** offsets in words relative to the instruction's first word. A call passes
** its arguments in the caller's top slots, which become the callee's fp[0..],
** and results come back in the same place: no copies on call or return.
*/
#ifndef WB_INTERP_CODE_H
#define WB_INTERP_CODE_H

#include <stdint.h>

#include "wasm/module.h"

/* One operand slot. Integers live in u32/u64 (zero-extended), references as
   pointers, floats as their IEEE bits. */
typedef union rt_slot {
  uint32_t u32;
  int32_t i32;
  uint64_t u64;
  int64_t i64;
  float f32;
  double f64;
  void *ref;
} rt_slot_t;

/* Branches to a loop header (back-edges) use the _BACK/BRTB forms, which
   check the CPU limits; every loop header is an IOP_LOOP whose cost word
   sits just before the header, at ip[-1] after the jump.

   Internal opcodes. The generated families, for each row of opcodes.def:
     UN   -> IOP_n            dst a
     BIN  -> IOP_n            dst a b;   IOP_n_I dst a imm (imm: 1 word, 2 for 64-bit)
     CMP  -> IOP_n, IOP_n_I,  and fused branches
             IOP_BRT_n  a b off / IOP_BRT_n_I  a imm off   (jump if true)
             IOP_BRF_n  a b off / IOP_BRF_n_I  a imm off   (jump if false)
             IOP_BRTB_n, IOP_BRTB_n_I                       (jump back if true)
     UNT/BINT -> as UN/BIN, trapping
     LOAD -> IOP_n dst addr offset;  STORE -> IOP_n addr val offset
             with the address computed by a fused i32.add:
             IOP_n_ADD  dst a b offset / IOP_n_ADDI  dst a imm offset
             IOP_n_ADD  a b val offset / IOP_n_ADDI  a imm val offset (stores)
             (the 32-bit sum wraps, then the offset is added in 64 bits) */
typedef enum ip_op {
#define UN(N, c, t, R, A, e) IOP_##N,
#define UNT(N, c, t, R, A, f) IOP_##N,
#define BIN(N, c, t, R, A, e) IOP_##N, IOP_##N##_I,
#define BINT(N, c, t, R, A, f) IOP_##N,
#define CMP(N, c, t, A, e)                                                                  \
  IOP_##N, IOP_##N##_I, IOP_BRT_##N, IOP_BRT_##N##_I, IOP_BRF_##N, IOP_BRF_##N##_I,            \
      IOP_BRTB_##N, IOP_BRTB_##N##_I,
#define LOAD(N, c, t, T, ct, nat) IOP_##N, IOP_##N##_ADD, IOP_##N##_ADDI,
#define STORE(N, c, t, T, ct, nat) IOP_##N, IOP_##N##_ADD, IOP_##N##_ADDI,
#include "wasm/opcodes.def"
#define IP_SPECIAL(X)                                                            \
  X(UNREACHABLE)    /* trap unreachable */                                       \
  X(COPY)           /* dst src: fp[dst] := fp[src] */                            \
  X(CONST32)        /* dst imm: fp[dst] := zext(imm) */                          \
  X(CONST64)        /* dst lo hi: fp[dst] := hi:lo */                            \
  X(BR)             /* off: ip += off */                                         \
  X(BR_IF)          /* c off: if fp[c].u32: ip += off */                         \
  X(BR_UNLESS)      /* c off: if !fp[c].u32: ip += off */                        \
  X(BR_BACK)        /* as BR, to a loop header: checks limits */                 \
  X(BR_IF_BACK)     /* as BR_IF, to a loop header: checks limits */              \
  X(BR_UNLESS_BACK) /* as BR_UNLESS, to a loop header: checks limits */          \
  X(BR_TABLE)       /* i n off[0..n]: ip += off[min(fp[i].u32, n)] */           \
  X(CALL)           /* f base: call function f with fp' = fp + base */           \
  X(CALL_INDIRECT)  /* typeid table i base: call table[fp[i]] after checks */    \
  X(RET0)           /* return, no results */                                     \
  X(RET1)           /* src: fp[0] := fp[src]; return */                          \
  X(RETN)           /* base n: fp[0..n) := fp[base..base+n); return */          \
  X(SELECT)         /* dst a b c: fp[dst] := fp[c].u32 ? fp[a] : fp[b] */        \
  X(GLOBAL_GET)     /* dst g */                                                  \
  X(GLOBAL_SET)     /* g src */                                                  \
  X(TABLE_GET)      /* dst t i */                                                \
  X(TABLE_SET)      /* t i v */                                                  \
  X(TABLE_SIZE)     /* dst t */                                                  \
  X(TABLE_GROW)     /* dst t v n: fp[dst] := old size or -1 */                   \
  X(TABLE_FILL)     /* t i v n */                                                \
  X(TABLE_COPY)     /* dt st d s n */                                            \
  X(TABLE_INIT)     /* t e d s n */                                              \
  X(ELEM_DROP)      /* e */                                                      \
  X(MEMORY_SIZE)    /* dst */                                                    \
  X(MEMORY_GROW)    /* dst n */                                                  \
  X(MEMORY_FILL)    /* d v n */                                                  \
  X(MEMORY_COPY)    /* d s n */                                                  \
  X(MEMORY_INIT)    /* seg d s n */                                              \
  X(DATA_DROP)      /* seg */                                                    \
  X(REF_IS_NULL)    /* dst a */                                                  \
  X(REF_FUNC)       /* dst f */                                                  \
  X(LOOP)           /* cost: loop header; charges fuel, checks interrupts */
#define X(n) IOP_##n,
  IP_SPECIAL(X)
#undef X
  IOP__COUNT
} ip_op_t;

/* Lowered code of one function; immutable, shared by all instances. */
typedef struct ip_code {
  uint32_t *code;
  uint32_t len;
  uint32_t nparams, nresults;
  uint32_t nlocals;    /* params + declared locals */
  uint32_t frame_size; /* nlocals + maximum operand height */
  uint32_t entry_cost; /* fuel charged on entry: instructions outside loops */
  uint32_t func_index;
} ip_code_t;

/* Frees lowered code; NULL is allowed. */
void ip_code_free(ip_code_t *c);

#endif
