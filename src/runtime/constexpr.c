/* SPDX-License-Identifier: Apache-2.0 */
/*
** Constant expressions of WebAssembly 2.0: exactly one value-producing
** instruction (a *.const, ref.null, ref.func or global.get) followed by
** `end`. The validator has checked types and indices already; here every
** read is still bounds-checked so a module that slipped through cannot make
** instantiation read out of range.
*/
#include "runtime/instance.h"

#include "decode/reader.h"

/* Binary opcodes allowed in a 2.0 constant expression. */
enum {
  CE_END = 0x0B,
  CE_GLOBAL_GET = 0x23,
  CE_I32_CONST = 0x41,
  CE_I64_CONST = 0x42,
  CE_F32_CONST = 0x43,
  CE_F64_CONST = 0x44,
  CE_REF_NULL = 0xD0,
  CE_REF_FUNC = 0xD2,
};

/* Reads one value-producing instruction into *out; -1 on anything else. */
static int ce_instr(rd_t *r, const wm_module_t *m, wb_global_t *const *globals,
                    wb_func_t *const *funcs, rt_slot_t *out) {
  uint32_t idx;
  out->u64 = 0;
  switch (rd_u8(r)) {
  case CE_I32_CONST: out->u32 = (uint32_t)rd_s32(r); break;
  case CE_I64_CONST: out->u64 = (uint64_t)rd_s64(r); break;
  /* Raw bits: going through float would quieten signalling NaNs. */
  case CE_F32_CONST: out->u32 = rd_fixed32(r); break;
  case CE_F64_CONST: out->u64 = rd_fixed64(r); break;
  case CE_REF_NULL:
    rd_u8(r); /* heap type; the validator checked it */
    out->ref = NULL;
    break;
  case CE_REF_FUNC:
    idx = rd_u32(r);
    if (!rd_ok(r) || idx >= m->nfuncs || !funcs || !funcs[idx]) return -1;
    out->ref = funcs[idx];
    break;
  case CE_GLOBAL_GET:
    idx = rd_u32(r);
    if (!rd_ok(r) || idx >= m->nglobals || !globals || !globals[idx]) return -1;
    *out = globals[idx]->val;
    break;
  default: return -1;
  }
  return rd_ok(r) ? 0 : -1;
}

int rt_constexpr_eval(const wm_module_t *m, wm_expr_t e, wb_global_t *const *globals,
                      wb_func_t *const *funcs, rt_slot_t *out) {
  if ((uint64_t)e.offset + e.len > m->len) return -1;
  rd_t r;
  rd_init(&r, m->bytes, e.offset, (size_t)e.offset + e.len);
  if (ce_instr(&r, m, globals, funcs, out) != 0) return -1;
  return rd_u8(&r) == CE_END && rd_ok(&r) ? 0 : -1;
}
