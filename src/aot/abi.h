/* SPDX-License-Identifier: Apache-2.0 */
/*
** The ABI between AOT-compiled modules and the runtime. This header is
** included by the runtime (src/aot) AND pasted verbatim into the prelude
** of every generated C file, so the two sides cannot disagree about the
** layout; AOT_ABI_VERSION is stored in each shared object and checked at
** load. It may use only the C compiler's standard headers.
**
** Values cross the boundary in 64-bit cells: i32 zero-extended, f32 as its
** bits in the low half (upper half zero), i64/f64 as their bits, references
** as pointers. That is the layout of the runtime's rt_slot_t.
*/
#ifndef WB_AOT_ABI_H
#define WB_AOT_ABI_H

#include <stdbool.h>
#include <stdint.h>

#define AOT_ABI_VERSION 3u

typedef struct aot_ctx aot_ctx;

/* Any function pointer, to be cast back to its real type before a call. */
typedef void (*aot_fn_t)(void);

/* What generated code reads of a function object (the runtime's wb_func_t
   starts with these fields, in this order; aot/glue.c checks it). */
typedef struct aot_func {
  const void *type; /* canonical signature: equal pointers, equal types */
  aot_ctx *actx;    /* context of its instance once bound, else NULL */
  aot_fn_t direct;  /* typed C function (fN) once bound, else NULL */
} aot_func;

/* A table as generated code sees it: where its size and elements are
   (the element array moves when the table grows). */
typedef struct aot_table {
  const uint32_t *size;
  const aot_func *const *const *elems;
} aot_table;

/* Runtime services the generated code calls. Every one that can trap does
   so by calling trap, which does not return (it long-jumps to the entry). */
typedef struct aot_rt {
  void (*trap)(aot_ctx *c, int code) __attribute__((noreturn));
  /* Slow path of a limit check: interrupt raised or fuel on. */
  void (*check)(aot_ctx *c, uint32_t cost);
  /* Calls function index f of the instance (an import), args/results in sp. */
  void (*call)(aot_ctx *c, uint32_t f, uint64_t *sp);
  /* call_indirect through table t, element i, module type index ty. */
  void (*call_indirect)(aot_ctx *c, uint32_t t, uint32_t i, uint32_t ty, uint64_t *sp);
  uint32_t (*memory_grow)(aot_ctx *c, uint32_t delta);
  void (*memory_fill)(aot_ctx *c, uint32_t d, uint32_t v, uint32_t n);
  void (*memory_copy)(aot_ctx *c, uint32_t d, uint32_t s, uint32_t n);
  void (*memory_init)(aot_ctx *c, uint32_t seg, uint32_t d, uint32_t s, uint32_t n);
  void (*data_drop)(aot_ctx *c, uint32_t seg);
  void *(*table_get)(aot_ctx *c, uint32_t t, uint32_t i);
  void (*table_set)(aot_ctx *c, uint32_t t, uint32_t i, void *v);
  uint32_t (*table_size)(aot_ctx *c, uint32_t t);
  uint32_t (*table_grow)(aot_ctx *c, uint32_t t, void *v, uint32_t n);
  void (*table_fill)(aot_ctx *c, uint32_t t, uint32_t i, void *v, uint32_t n);
  void (*table_copy)(aot_ctx *c, uint32_t dt, uint32_t st, uint32_t d, uint32_t s, uint32_t n);
  void (*table_init)(aot_ctx *c, uint32_t t, uint32_t e, uint32_t d, uint32_t s, uint32_t n);
  void (*elem_drop)(aot_ctx *c, uint32_t e);
} aot_rt;

/* One per instance; every generated function receives it. */
struct aot_ctx {
  uint8_t *mem;                 /* base of memory 0 (stable), or NULL */
  /* Limit checks (function entry, loop header) take the slow path, rt->check,
     when *check != 0 (read atomically): it is the store's interrupt flag, or
     a constant 1 while fuel is on. Set at each entry into the instance, as
     is stack_limit, the lowest native stack address its code may use. */
  const uint32_t *check;
  uintptr_t stack_limit;
  const uint32_t *mem_pages;    /* current size of memory 0 in pages */
  uint64_t **globals;           /* the value cell of each global */
  void **funcs;                 /* function objects by index (ref.func) */
  /* call_indirect's fast path: the tables, and the canonical signature of
     each module type that one of the module's own functions has (others
     NULL: no own function, hence no fast-path target, has them). */
  const aot_table *tables;
  const void *const *types;
  const aot_rt *rt;
  void *inst;                   /* the runtime's instance */
};

/* Uniform entry: arguments in sp[0..nparams), results to sp[0..nresults). */
typedef void (*aot_thunk_t)(aot_ctx *c, uint64_t *sp);

/* What a compiled shared object exports as `wasmbox_aot_module`. */
typedef struct aot_desc {
  uint32_t abi_version;
  uint32_t nfuncs; /* defined functions (function nimports + i is i) */
  uint8_t key[32]; /* the cache key it was compiled for, checked at load */
  /* Stores in out[i] (nfuncs entries, zeroed by the caller) the thunk of
     each function that can be entered from outside the module's own code:
     exports, the start function and every function a table or ref.func can
     hold, and in direct[i] its typed C function (what call_indirect's fast
     path calls). The others are only called directly and get neither. Code
     rather than a table of pointers, so that loading has no relocations to
     do. */
  void (*thunks)(aot_thunk_t *out, aot_fn_t *direct);
} aot_desc;

#endif
