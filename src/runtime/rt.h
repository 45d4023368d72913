/* SPDX-License-Identifier: Apache-2.0 */
/*
** Runtime objects behind the public handles, and the internal interfaces
** between the runtime (rt_), the interpreter (ip_) and the public API.
**
**   engine   canonical function types (interned, shared by all modules)
**   store    owns instances and every func/table/memory/global made in it,
**            plus the execution context (value stack, call frames)
**   memory   a reservation of RT_MEM_RESERVE bytes of address space; pages
**            past the current size are PROT_NONE, so any access a 32-bit
**            address plus a 32-bit offset can form faults, and the fault
**            handler turns it into an out-of-bounds trap
*/
#ifndef WB_RUNTIME_RT_H
#define WB_RUNTIME_RT_H

#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "aot/abi.h"
#include "interp/code.h"
#include "util/util.h"
#include "wasm/module.h"

#define RT_PAGE_SIZE 65536u
#define RT_MAX_PAGES 65536u
/* 4 GiB of addresses + 4 GiB of offsets + slack for the access width. */
#define RT_MEM_RESERVE ((size_t)8 << 30 | (size_t)RT_PAGE_SIZE)
#define RT_MAX_TABLE_SIZE 10000000u

/* {====================== Engine ======================} */

struct wb_config {
  size_t stack_bytes;
  uint32_t max_call_depth;
  wb_engine_kind_t engine_kind; /* which tier runs wasm code */
  char cache_dir[1024];         /* AOT cache; "" for the default */
};

struct wb_engine {
  struct wb_config config;
  pthread_mutex_t lock;
  wm_functype_t **types; /* canonical types by id; each separately allocated */
  uint32_t ntypes, cap;
};

/* Returns the canonical type equal to t (interning a copy if new). The
   result is owned by the engine and lives as long as it. Thread-safe. */
const wm_functype_t *rt_engine_intern(wb_engine_t *e, const wm_functype_t *t);

struct aot_module;

struct wb_module {
  wb_engine_t *engine;
  wm_module_t *m;
  struct aot_module *aot; /* AOT state (aot/aot.h); NULL for the interpreter only */
};

/* {====================== Store objects ======================} */

struct wb_func {
  /* The first three are what AOT code reads (aot_func in aot/abi.h): keep
     them first and in this order. */
  const wm_functype_t *type; /* canonical; type->id identifies the signature */
  aot_ctx *actx;             /* AOT context of its instance once bound, else NULL */
  aot_fn_t direct;           /* its typed AOT function once bound, else NULL */
  wb_instance_t *inst;       /* defining instance, NULL for host functions */
  const ip_code_t *code;     /* lowered body, NULL for host functions */
  uint32_t index;            /* function index in the defining module */
  wb_func_callback_t cb;
  void *env;
  void (*finalizer)(void *env);
  wb_store_t *store;
  aot_thunk_t aot;           /* AOT entry once the instance is bound, else NULL */
};

struct wb_table {
  wm_valtype_t elem;
  uint32_t size, max;
  bool has_max;
  uint32_t limit; /* largest size allowed: declared max, store limit, RT_MAX_TABLE_SIZE */
  void **elems; /* wb_func_t* for funcref, host pointer for externref */
};

struct wb_memory {
  uint8_t *base;    /* start of the reservation; stable for the memory's life */
  uint32_t pages;   /* current size */
  uint32_t max;     /* effective maximum (declared or RT_MAX_PAGES) */
  bool has_max;     /* declared maximum present */
  uint32_t decl_max;
};

struct wb_global {
  wm_valtype_t type;
  bool mut;
  rt_slot_t val;
};

/* Runtime state of a passive or active segment: dropped segments have n=0. */
typedef struct rt_elemseg {
  void **refs;
  uint32_t n;
} rt_elemseg_t;
typedef struct rt_dataseg {
  const uint8_t *p;
  uint32_t n;
} rt_dataseg_t;

struct wb_instance {
  wb_store_t *store;
  const wb_module_t *module;
  const wm_module_t *m;
  wb_func_t **funcs;     /* index space: imports then defined */
  wb_table_t **tables;
  wb_memory_t **mems;
  wb_global_t **globals;
  wb_func_t *own_funcs;  /* storage for the defined functions */
  rt_elemseg_t *elems;
  rt_dataseg_t *datas;
  uint8_t *mem0;         /* mems[0]->base or NULL, cached for the interpreter */
  bool poisoned;         /* a trap unwound through one of its functions */
  aot_ctx *aot;          /* AOT context once bound (aot/glue.c), else NULL */
};

/* {====================== Execution ======================} */

/* One activation record of the interpreter. */
typedef struct rt_frame {
  const uint32_t *ret_ip; /* caller's resume point */
  rt_slot_t *fp;          /* this function's frame base */
  wb_func_t *func;        /* the function running in this frame */
} rt_frame_t;

typedef struct rt_exec {
  rt_slot_t *stack, *stack_end; /* value stack (lazily backed mmap) */
  rt_slot_t *sp;                /* next free slot for a new entry from the host */
  rt_frame_t *frames;
  uint32_t max_depth;
  uint32_t depth;               /* frames in use (kept current for fault recovery) */
  wb_trap_t *host_trap;         /* set when a host function trapped */
  /* Backtrace captured when a trap unwinds: function objects, innermost first. */
  wb_func_t **trace;
  uint32_t ntrace, trace_cap;
  /* CPU limits, checked at function entry and loop back-edges. interrupt is
     set from other threads (RT_INTR_*); the interpreter consumes it. */
  _Atomic uint32_t interrupt;
  uint32_t interrupt_reason; /* of the last WB_TRAP_INTERRUPT */
  int64_t fuel;              /* remaining; INT64_MAX while fuel is off */
  bool fuel_on;
  uint64_t deadline_ns;      /* per top-level call; 0 for none */
  uintptr_t aot_stack_limit; /* lowest native stack address AOT code may use */
} rt_exec_t;

#define RT_INTR_USER 1u
#define RT_INTR_DEADLINE 2u

struct wb_store {
  wb_engine_t *engine;
  rt_exec_t exec;
  wb_limits_t limits;
  /* Everything the store owns, freed by wb_store_delete. */
  wb_instance_t **instances;
  uint32_t ninstances, cap_instances;
  wb_func_t **funcs;
  uint32_t nfuncs, cap_funcs;
  wb_table_t **tables;
  uint32_t ntables, cap_tables;
  wb_memory_t **memories;
  uint32_t nmemories, cap_memories;
  wb_global_t **globals;
  uint32_t nglobals, cap_globals;
};

struct wb_caller {
  wb_store_t *store;
  wb_instance_t *inst; /* calling instance, NULL from the host */
};

struct wb_trap {
  wb_trap_code_t code;
  int32_t exit_status; /* WB_TRAP_EXIT only */
  char *msg;
  uint32_t nframes;
  uint32_t *func_index;
  const char **func_name; /* borrowed from modules; valid while they live */
};

/* {====================== Memory (runtime/memory.c) ======================} */

/* Reserves RT_MEM_RESERVE bytes and commits min pages. Returns NULL or an
   owned error (kind RESOURCE) if the address space is not available. */
wb_error_t *rt_memory_init(wb_memory_t *mem, uint32_t min, uint32_t max, bool has_max);
/* Like rt_memory_init, but the first pages come from the memory image in fd
   (a memfd), mapped copy-on-write. */
wb_error_t *rt_memory_map_image(wb_memory_t *mem, int fd, uint32_t pages, uint32_t max,
                                bool has_max);
/* Reverts a memory made by rt_memory_map_image to its image of `pages`
   pages (image: a read-only view of the same memfd); 0, or -1 if the
   kernel refused (the memory is then untrustworthy). */
int rt_memory_reset_image(wb_memory_t *mem, uint32_t pages, const uint8_t *image);
/* Makes the len bytes at base (a private mapping of image) equal to image
   again (runtime/reset.c). 0, or -1 if the kernel refused. */
int rt_reset_pages(uint8_t *base, const uint8_t *image, size_t len);
/* Unmaps the reservation. */
void rt_memory_release(wb_memory_t *mem);
/* Grows by delta pages: the old size in pages, or -1 if refused. */
int64_t rt_memory_grow(wb_memory_t *mem, uint32_t delta);

/* Applies the store's limits to a new memory or table: lowers its effective
   maximum, and fails (owned RESOURCE error) if it is already larger. */
wb_error_t *rt_memory_limit(wb_memory_t *mem, const wb_limits_t *limits);
wb_error_t *rt_table_limit(wb_table_t *table, const wb_limits_t *limits);

/* {====================== Deadlines (runtime/deadline.c) ======================} */

/* Arms a deadline: after timeout_ns, *flag becomes RT_INTR_DEADLINE (unless
   disarmed first). Returns a handle for rt_deadline_disarm. */
uint32_t rt_deadline_arm(_Atomic uint32_t *flag, uint64_t timeout_ns);
/* Disarms; a deadline that fired but was not consumed is cleared. */
void rt_deadline_disarm(uint32_t handle, _Atomic uint32_t *flag);

/* {====================== Traps and signals (runtime/trap.c) ======================} */

/* Per-thread guest state read by the fault handler. */
typedef struct rt_tls {
  sigjmp_buf *jb;        /* where a guest fault resumes; NULL outside guest code */
  const uint8_t *mem_lo; /* reservation of the memory the guest is using */
  const uint8_t *mem_hi;
  int trap_code;         /* set by AOT code's trap before it jumps to jb */
} rt_tls_t;
extern _Thread_local rt_tls_t rt_tls;

/* Lowest address of this thread's stack (and its size in *size if not
   NULL), or 0 if unknown. */
uintptr_t rt_stack_floor(size_t *size);

/* Installs the SIGSEGV/SIGBUS handler once per process (thread-safe). */
void rt_signals_init(void);
/* Points the fault handler at the reservation of mem (NULL: none). */
static inline void rt_tls_set_mem(const uint8_t *base) {
  rt_tls.mem_lo = base;
  rt_tls.mem_hi = base ? base + RT_MEM_RESERVE : NULL;
}

/* Runs f with its arguments in sp[0..nparams) and leaves results in
   sp[0..nresults). Guest faults in linear memory come back as
   WB_TRAP_MEMORY_OUT_OF_BOUNDS. Returns 0 or a trap code; for a trap,
   ex->trace holds the backtrace and ex->host_trap a host's trap if any. */
int rt_invoke(rt_exec_t *ex, wb_func_t *f, rt_slot_t *sp);

/* Calls a host function with arguments in sp (as for rt_invoke). */
int rt_call_host(rt_exec_t *ex, wb_func_t *f, rt_slot_t *sp);

/* As rt_call_host, with the calling instance given (AOT code has no
   interpreter frame to find it from). */
int rt_call_host_from(rt_exec_t *ex, wb_func_t *f, rt_slot_t *sp, wb_instance_t *inst);

/* Builds an owned wb_trap_t for code from ex's trace (and host trap). */
wb_trap_t *rt_trap_from_exec(rt_exec_t *ex, int code);
/* The spec's wording for a trap code. */
const char *rt_trap_message(int code);

/* {====================== Interpreter (interp/interp.c) ======================} */

/* Runs wasm function f (f->code != NULL) as rt_invoke describes, without the
   fault protection. On a trap, fills ex->trace. */
int ip_run(rt_exec_t *ex, wb_func_t *f, rt_slot_t *sp);

/* {====================== Values ======================} */

static inline rt_slot_t rt_slot_from_val(wb_val_t v) {
  rt_slot_t s;
  s.u64 = 0;
  switch (v.kind) {
  case WB_I32: s.u32 = (uint32_t)v.of.i32; break;
  case WB_I64: s.i64 = v.of.i64; break;
  case WB_F32: s.f32 = v.of.f32; break;
  case WB_F64: s.f64 = v.of.f64; break;
  case WB_FUNCREF: s.ref = v.of.funcref; break;
  case WB_EXTERNREF: s.ref = v.of.externref; break;
  default: break;
  }
  return s;
}

static inline wb_val_t rt_val_from_slot(wm_valtype_t t, rt_slot_t s) {
  wb_val_t v;
  v.kind = (wb_valkind_t)t;
  v.of.i64 = 0;
  switch (t) {
  case WM_I32: v.of.i32 = (int32_t)s.u32; break;
  case WM_I64: v.of.i64 = s.i64; break;
  case WM_F32: v.of.f32 = s.f32; break;
  case WM_F64: v.of.f64 = s.f64; break;
  case WM_FUNCREF: v.of.funcref = s.ref; break;
  case WM_EXTERNREF: v.of.externref = s.ref; break;
  default: break;
  }
  return v;
}

#endif
