/* SPDX-License-Identifier: Apache-2.0 */
/*
** The interpreter: runs the lowered code of interp/code.h.
**
** Registers: ip (next instruction word), fp (frame base), mem (base of
** memory 0 of the running instance). Operands are slot indices relative to
** fp, so an instruction such as `IOP_I32_ADD dst a b` is one dispatch and
** three loads/stores, with no operand stack traffic.
**
** Loads and stores do no bounds check: a 32-bit address plus a 32-bit
** offset always lands inside the memory's 8 GiB reservation, and pages past
** the current size are inaccessible, so an out-of-bounds access faults and
** the fault handler (runtime/trap.c) unwinds to rt_invoke as a trap.
**
** Dispatch is computed goto (GNU C); define WB_INTERP_SWITCH to build it as
** a plain switch. Only the vmdispatch/vmcase/vmbreak macros differ.
*/
#include <math.h>
#include <string.h>

#include "interp/code.h"
#include "runtime/rt.h"
#include "runtime/store.h"
#include "wasm/numeric.h"

#if !defined(__GNUC__) && !defined(WB_INTERP_SWITCH)
#define WB_INTERP_SWITCH
#endif

#ifndef WB_INTERP_SWITCH
#define vmdispatch(o) goto *disp[o];
#define vmcase(l) L_##l:
#define vmbreak vmdispatch(*ip)
#else
#define vmdispatch(o) switch (o)
#define vmcase(l) case IOP_##l:
#define vmbreak break
#endif

/* Slot k of the current instruction, and immediates. */
#define S(k) fp[ip[k]]
#define IMM_I32(k) (ip[k])
#define IMM_I64(k) ((uint64_t)ip[k] | (uint64_t)ip[(k) + 1] << 32)
#define IMM_F32(k) num_f32_from_bits(ip[k])
#define IMM_F64(k) num_f64_from_bits(IMM_I64(k))
#define W_I32 1
#define W_I64 2
#define W_F32 1
#define W_F64 2
/* The C type and slot field of each value type. */
#define CT_I32 uint32_t
#define CT_I64 uint64_t
#define CT_F32 float
#define CT_F64 double
#define F_I32 u32
#define F_I64 u64
#define F_F32 f32
#define F_F64 f64
/* {====================== Helpers for the bulk instructions ======================} */

static inline uint64_t mem_bytes(const wb_instance_t *inst) {
  return (uint64_t)inst->mems[0]->pages * RT_PAGE_SIZE;
}

static int table_fill(wb_table_t *t, uint32_t i, void *v, uint32_t n) {
  if ((uint64_t)i + n > t->size) return WB_TRAP_TABLE_OUT_OF_BOUNDS;
  for (uint32_t k = 0; k < n; k++) t->elems[i + k] = v;
  return 0;
}

static int table_copy(wb_table_t *dt, wb_table_t *st, uint32_t d, uint32_t s, uint32_t n) {
  if ((uint64_t)d + n > dt->size || (uint64_t)s + n > st->size) return WB_TRAP_TABLE_OUT_OF_BOUNDS;
  if (n) memmove(dt->elems + d, st->elems + s, (size_t)n * sizeof *dt->elems);
  return 0;
}

static int table_init(wb_table_t *t, const rt_elemseg_t *seg, uint32_t d, uint32_t s, uint32_t n) {
  if ((uint64_t)s + n > seg->n || (uint64_t)d + n > t->size) return WB_TRAP_TABLE_OUT_OF_BOUNDS;
  if (n) memcpy(t->elems + d, seg->refs + s, (size_t)n * sizeof *t->elems);
  return 0;
}

static int memory_fill(wb_instance_t *inst, uint32_t d, uint32_t v, uint32_t n) {
  if ((uint64_t)d + n > mem_bytes(inst)) return WB_TRAP_MEMORY_OUT_OF_BOUNDS;
  memset(inst->mem0 + d, (int)(v & 0xFF), n);
  return 0;
}

static int memory_copy(wb_instance_t *inst, uint32_t d, uint32_t s, uint32_t n) {
  uint64_t size = mem_bytes(inst);
  if ((uint64_t)d + n > size || (uint64_t)s + n > size) return WB_TRAP_MEMORY_OUT_OF_BOUNDS;
  memmove(inst->mem0 + d, inst->mem0 + s, n);
  return 0;
}

static int memory_init(wb_instance_t *inst, const rt_dataseg_t *seg, uint32_t d, uint32_t s,
                       uint32_t n) {
  if ((uint64_t)s + n > seg->n || (uint64_t)d + n > mem_bytes(inst))
    return WB_TRAP_MEMORY_OUT_OF_BOUNDS;
  if (n) memcpy(inst->mem0 + d, seg->p + s, n);
  return 0;
}

/* Records the backtrace of frames [depth0, ex->depth) and unwinds them. */
static void unwind(rt_exec_t *ex, uint32_t depth0) {
  ex->ntrace = 0;
  for (uint32_t d = ex->depth; d-- > depth0;)
    UT_PUSH(ex->trace, ex->ntrace, ex->trace_cap, ex->frames[d].func);
  ex->depth = depth0;
}

/* {====================== The dispatch loop ======================} */

#define IP_NAME run_plain
#define IP_FUEL 0
#include "interp/loop.h"
#undef IP_NAME
#undef IP_FUEL

#define IP_NAME run_fuel
#define IP_FUEL 1
#include "interp/loop.h"
#undef IP_NAME
#undef IP_FUEL

int ip_run(rt_exec_t *ex, wb_func_t *f, rt_slot_t *sp) {
  return ex->fuel_on ? run_fuel(ex, f, sp) : run_plain(ex, f, sp);
}
