/* SPDX-License-Identifier: Apache-2.0 */
/*
** Internal state of the wasm -> C translator (emit.c: module and control
** flow; emit_ins.c: the other instructions).
**
** The operand stack becomes C locals named by height and type: the i32 at
** height 3 is `s3i`, an f64 there `s3d` (i/l/f/d/r for i32/i64/f32/f64/ref).
** Since every path into a label leaves the same types at the same heights,
** branches are plain assignments plus a goto. Wasm locals are `lN`.
*/
#ifndef WB_AOT_EMIT_H
#define WB_AOT_EMIT_H

#include "aot/aot.h"
#include "decode/reader.h"

typedef struct ectl {
  uint8_t op;       /* 0 function, 0x02 block, 0x03 loop, 0x04 if */
  bool live;        /* code inside is emitted (entry reachable) */
  bool else_seen;
  uint32_t height;  /* operand height below the block's params */
  uint32_t np, nr;
  const wm_valtype_t *p, *r;
  uint32_t id;      /* label number */
  uint32_t icount;  /* loop: instructions counted before its body */
  uint32_t loop_no; /* loop: index of its fuel-cost constant */
} ectl_t;

typedef struct em {
  const wm_module_t *m;
  rd_t r;
  ut_str_t *b;                /* body text of the current function */
  wm_valtype_t *locals;
  uint32_t nlocals;
  wm_valtype_t *stk;
  uint32_t nstk, cap_stk, hw_stk; /* hw: heights ever written (popped ones keep their type) */
  ectl_t *ctl;
  uint32_t nctl, cap_ctl;
  uint8_t *used;              /* per height: bit mask of the types used there */
  uint32_t cap_used, max_h;
  bool dead;                  /* in unreachable code: nothing is emitted */
  uint32_t labels;
  uint32_t icount, loops_open, straight;
  uint32_t *loop_cost;
  uint32_t nloops, cap_loops;
  uint32_t nres;              /* results of the function being emitted */
  uint32_t *calls;            /* defined functions it calls directly (repeats allowed) */
  uint32_t ncalls, cap_calls;
} em_t;

/* Type letter and C type of a value type. */
char em_tc(wm_valtype_t t);
const char *em_ct(wm_valtype_t t);

/* Appends formatted text to the function body unless in dead code. */
void em_out(em_t *E, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Pushes a value of type t; returns its height. */
uint32_t em_push(em_t *E, wm_valtype_t t);
/* Pops the top value; returns its height (0 on an empty, dead stack). */
uint32_t em_pop(em_t *E);
/* Type at height h, also just after it was popped (i32 for heights
   never pushed, which only dead code asks about). */
wm_valtype_t em_type(const em_t *E, uint32_t h);
/* Expression converting stack value h to/from a 64-bit cell. */
void em_pack(em_t *E, const char *dst, uint32_t h);
void em_unpack(em_t *E, uint32_t h, const char *src);

/* Translates one non-control instruction with opcode code; false if code
   is a control instruction (handled by emit.c). */
bool em_instr(em_t *E, uint32_t code);

/* The C prototype of function f (no `;`), after linkage ("static " etc.). */
void em_signature(ut_str_t *out, const wm_module_t *m, uint32_t f, const char *linkage);
/* Translates defined function ci: appends its C body (from the `{` after
   the signature to the closing `}`) to out, and returns in *calls (owned)
   the defined functions it calls directly, in *ncalls how many. */
void em_func(const wm_module_t *m, uint32_t ci, ut_str_t *out, uint32_t **calls,
             uint32_t *ncalls);

#endif
