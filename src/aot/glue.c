/* SPDX-License-Identifier: Apache-2.0 */
/*
** Binding AOT code to instances and the runtime services it calls (the
** aot_rt vtable of aot/abi.h).
**
** An instance of a module that has AOT code gets an aot_ctx on its first
** call (lazily, so instances made before a background compile finished
** switch over too): pointers to its memory, globals and functions, and
** what its limit checks read, set again at each entry (enter()). Its
** functions' wb_func_t get the ctx, and a thunk if they can be entered
** from outside the module's code (aot_desc); their lowered code stays, so
** the interpreter can still run them (it does when an interpreted caller
** calls them directly, and for a function without a thunk).
**
** call_indirect: the generated code calls an element that is one of its
** own instance's functions directly (aot_callee in prelude.c reads the
** tables and function objects through aot_table and aot_func, set up
** here); every other element, and every trap, comes to cb_call_indirect.
**
** Traps: the generated code calls rt->trap, which records the code in
** rt_tls and long-jumps to rt_invoke's buffer; rt_invoke then unwinds as
** for a memory fault. Calls into the interpreter or a host function go
** through the store's value stack, as the interpreter's own calls do.
*/
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "aot/aot.h"
#include "runtime/store.h"

/* Native stack kept free below AOT code: the trap path, host functions and
   the runtime's own re-entry check (256 KiB) need room. */
#define AOT_STACK_MARGIN ((uintptr_t)384 * 1024)

static inline wb_instance_t *inst_of(aot_ctx *c) { return c->inst; }
static inline rt_exec_t *exec_of(aot_ctx *c) { return &inst_of(c)->store->exec; }

static const uint32_t always = 1;

/* What c's code checks, chosen for each entry: the interrupt flag alone
   (one load per check) unless fuel is on, when every check must charge. */
static void enter(aot_ctx *c, rt_exec_t *ex, uintptr_t stack_limit) {
  c->check = ex->fuel_on ? &always : (const uint32_t *)&ex->interrupt;
  c->stack_limit = stack_limit;
}

/* {====================== Traps and limits ======================} */

/* Raises a trap whose backtrace (ex->trace) is already filled in. */
__attribute__((noreturn)) static void raise_kept(int code) {
  rt_tls.trap_code = code;
  siglongjmp(*rt_tls.jb, 2);
}

__attribute__((noreturn)) static void cb_trap(aot_ctx *c, int code) {
  exec_of(c)->ntrace = 0;
  raise_kept(code);
}

/* Slow path of a check: charges fuel when it is on, and raises an
   interrupt (which wins) or running out of fuel, as the interpreter. */
static void cb_check(aot_ctx *c, uint32_t cost) {
  rt_exec_t *ex = exec_of(c);
  if (ex->fuel_on) ex->fuel -= (int64_t)cost;
  uint32_t why = atomic_exchange_explicit(&ex->interrupt, 0, memory_order_relaxed);
  if (why) {
    ex->interrupt_reason = why;
    if (ex->fuel < 0) ex->fuel = 0;
    cb_trap(c, WB_TRAP_INTERRUPT);
  }
  if (ex->fuel_on && ex->fuel < 0) {
    ex->fuel = 0;
    cb_trap(c, WB_TRAP_OUT_OF_FUEL);
  }
}

/* {====================== Calls ======================} */

static aot_ctx *bind(wb_instance_t *inst);

/* Calls AOT function f of another instance. AOT frames are not recorded,
   so a trap or fault passing through is caught here to add f to the
   backtrace: every instance a trap unwinds through gets poisoned. */
static void call_other(aot_ctx *c, wb_func_t *f, uint64_t *cells) {
  wb_instance_t *self = inst_of(c);
  sigjmp_buf jb, *const outer = rt_tls.jb;
  if (sigsetjmp(jb, 0) == 0) {
    rt_tls.jb = &jb;
    rt_tls_set_mem(f->inst->mem0);
    enter(f->actx, exec_of(f->actx), c->stack_limit);
    f->aot(f->actx, cells);
    rt_tls_set_mem(self->mem0);
    rt_tls.jb = outer;
    return;
  }
  rt_tls.jb = outer;
  rt_exec_t *ex = exec_of(c);
  if (!rt_tls.trap_code) { /* a fault in f's memory */
    ex->ntrace = 0;
    rt_tls.trap_code = WB_TRAP_MEMORY_OUT_OF_BOUNDS;
  }
  UT_PUSH(ex->trace, ex->ntrace, ex->trace_cap, f);
  siglongjmp(*outer, 2);
}

/* Calls f with cells (args in, results out) on behalf of c's instance. */
static void dispatch(aot_ctx *c, wb_func_t *f, uint64_t *cells) {
  wb_instance_t *self = inst_of(c);
  if (f->inst && (f->aot || (bind(f->inst) && f->aot))) {
    if (f->inst == self) {
      f->aot(f->actx, cells);
      return;
    }
    call_other(c, f, cells);
    return;
  }
  rt_exec_t *ex = exec_of(c);
  const wm_functype_t *t = f->type;
  uint32_t n = t->nparams > t->nresults ? t->nparams : t->nresults;
  rt_slot_t *base = ex->sp, *saved = ex->sp;
  if (base + n + 1 > ex->stack_end) cb_trap(c, WB_TRAP_STACK_EXHAUSTED);
  memcpy(base, cells, sizeof *cells * t->nparams);
  ex->sp = base + n;
  int code = f->code ? ip_run(ex, f, base) : rt_call_host_from(ex, f, base, self);
  ex->sp = saved;
  rt_tls_set_mem(self->mem0); /* the interpreter leaves its callee's memory */
  if (code) raise_kept(code);
  memcpy(cells, base, sizeof *cells * t->nresults);
}

static void cb_call(aot_ctx *c, uint32_t f, uint64_t *sp) {
  dispatch(c, inst_of(c)->funcs[f], sp);
}

static void cb_call_indirect(aot_ctx *c, uint32_t t, uint32_t i, uint32_t ty, uint64_t *sp) {
  wb_instance_t *inst = inst_of(c);
  const wb_table_t *tab = inst->tables[t];
  if (i >= tab->size) cb_trap(c, WB_TRAP_UNDEFINED_ELEMENT);
  wb_func_t *f = tab->elems[i];
  if (!f) cb_trap(c, WB_TRAP_UNINITIALIZED_ELEMENT);
  if (f->type->id != inst->m->types[ty].id) cb_trap(c, WB_TRAP_INDIRECT_CALL_TYPE_MISMATCH);
  dispatch(c, f, sp);
}

/* {====================== Memory ======================} */

static uint64_t mem_bytes(aot_ctx *c) { return (uint64_t)*c->mem_pages * RT_PAGE_SIZE; }

static uint32_t cb_memory_grow(aot_ctx *c, uint32_t delta) {
  return (uint32_t)rt_memory_grow(inst_of(c)->mems[0], delta);
}

static void cb_memory_fill(aot_ctx *c, uint32_t d, uint32_t v, uint32_t n) {
  if ((uint64_t)d + n > mem_bytes(c)) cb_trap(c, WB_TRAP_MEMORY_OUT_OF_BOUNDS);
  memset(c->mem + d, (int)(v & 0xFF), n);
}

static void cb_memory_copy(aot_ctx *c, uint32_t d, uint32_t s, uint32_t n) {
  uint64_t size = mem_bytes(c);
  if ((uint64_t)d + n > size || (uint64_t)s + n > size) cb_trap(c, WB_TRAP_MEMORY_OUT_OF_BOUNDS);
  memmove(c->mem + d, c->mem + s, n);
}

static void cb_memory_init(aot_ctx *c, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  const rt_dataseg_t *ds = &inst_of(c)->datas[seg];
  if ((uint64_t)s + n > ds->n || (uint64_t)d + n > mem_bytes(c))
    cb_trap(c, WB_TRAP_MEMORY_OUT_OF_BOUNDS);
  if (n) memcpy(c->mem + d, ds->p + s, n);
}

static void cb_data_drop(aot_ctx *c, uint32_t seg) { inst_of(c)->datas[seg].n = 0; }

/* {====================== Tables ======================} */

static wb_table_t *table(aot_ctx *c, uint32_t t) { return inst_of(c)->tables[t]; }

static void *cb_table_get(aot_ctx *c, uint32_t t, uint32_t i) {
  wb_table_t *tab = table(c, t);
  if (i >= tab->size) cb_trap(c, WB_TRAP_TABLE_OUT_OF_BOUNDS);
  return tab->elems[i];
}

static void cb_table_set(aot_ctx *c, uint32_t t, uint32_t i, void *v) {
  wb_table_t *tab = table(c, t);
  if (i >= tab->size) cb_trap(c, WB_TRAP_TABLE_OUT_OF_BOUNDS);
  tab->elems[i] = v;
}

static uint32_t cb_table_size(aot_ctx *c, uint32_t t) { return table(c, t)->size; }

static uint32_t cb_table_grow(aot_ctx *c, uint32_t t, void *v, uint32_t n) {
  return (uint32_t)rt_table_grow(table(c, t), n, v);
}

static void cb_table_fill(aot_ctx *c, uint32_t t, uint32_t i, void *v, uint32_t n) {
  wb_table_t *tab = table(c, t);
  if ((uint64_t)i + n > tab->size) cb_trap(c, WB_TRAP_TABLE_OUT_OF_BOUNDS);
  for (uint32_t k = 0; k < n; k++) tab->elems[i + k] = v;
}

static void cb_table_copy(aot_ctx *c, uint32_t dt, uint32_t st, uint32_t d, uint32_t s,
                          uint32_t n) {
  wb_table_t *dtab = table(c, dt), *stab = table(c, st);
  if ((uint64_t)d + n > dtab->size || (uint64_t)s + n > stab->size)
    cb_trap(c, WB_TRAP_TABLE_OUT_OF_BOUNDS);
  if (n) memmove(dtab->elems + d, stab->elems + s, (size_t)n * sizeof *dtab->elems);
}

static void cb_table_init(aot_ctx *c, uint32_t t, uint32_t e, uint32_t d, uint32_t s,
                          uint32_t n) {
  wb_table_t *tab = table(c, t);
  const rt_elemseg_t *seg = &inst_of(c)->elems[e];
  if ((uint64_t)s + n > seg->n || (uint64_t)d + n > tab->size)
    cb_trap(c, WB_TRAP_TABLE_OUT_OF_BOUNDS);
  if (n) memcpy(tab->elems + d, seg->refs + s, (size_t)n * sizeof *tab->elems);
}

static void cb_elem_drop(aot_ctx *c, uint32_t e) { inst_of(c)->elems[e].n = 0; }

static const aot_rt vtable = {
    cb_trap,         cb_check,       cb_call,        cb_call_indirect, cb_memory_grow,
    cb_memory_fill,  cb_memory_copy, cb_memory_init, cb_data_drop,     cb_table_get,
    cb_table_set,    cb_table_size,  cb_table_grow,  cb_table_fill,    cb_table_copy,
    cb_table_init,   cb_elem_drop,
};

/* {====================== Binding and entry ======================} */

static const uint32_t no_pages = 0;

/* Generated code reads a wb_func_t through aot_func (aot/abi.h). */
_Static_assert(offsetof(wb_func_t, type) == offsetof(aot_func, type), "aot_func.type");
_Static_assert(offsetof(wb_func_t, actx) == offsetof(aot_func, actx), "aot_func.actx");
_Static_assert(offsetof(wb_func_t, direct) == offsetof(aot_func, direct), "aot_func.direct");

/* The context's arrays after it, in one block: global cells, tables,
   signatures. */
static aot_ctx *ctx_alloc(const wm_module_t *m) {
  size_t n = sizeof(aot_ctx) + sizeof(uint64_t *) * m->nglobals +
             sizeof(aot_table) * m->ntables + sizeof(void *) * m->ntypes;
  aot_ctx *c = ut_calloc(1, n);
  uint64_t **cells = (uint64_t **)(c + 1);
  aot_table *tabs = (aot_table *)(cells + m->nglobals);
  c->globals = cells;
  c->tables = tabs;
  c->types = (const void *const *)(tabs + m->ntables);
  return c;
}

/* c's views of inst's globals, tables and own functions' signatures (the
   only ones call_indirect's fast path can match: see aot_ctx). */
static void ctx_fill(aot_ctx *c, wb_instance_t *inst) {
  const wm_module_t *m = inst->m;
  for (uint32_t g = 0; g < m->nglobals; g++) c->globals[g] = &inst->globals[g]->val.u64;
  aot_table *tabs = (aot_table *)c->tables;
  for (uint32_t t = 0; t < m->ntables; t++) {
    tabs[t].size = &inst->tables[t]->size;
    tabs[t].elems = (const aot_func *const *const *)&inst->tables[t]->elems;
  }
  const void **types = (const void **)c->types;
  for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++)
    types[m->func_type[i]] = inst->own_funcs[i - m->nfunc_imports].type;
}

/* Gives inst its AOT context if its module has code; NULL otherwise. */
static aot_ctx *bind(wb_instance_t *inst) {
  if (inst->aot) return inst->aot;
  aot_module_t *am = inst->module ? inst->module->aot : NULL;
  aot_artifact_t *a = am ? atomic_load_explicit(&am->art, memory_order_acquire) : NULL;
  if (!a) return NULL;
  const wm_module_t *m = inst->m;
  if (a->desc->nfuncs != m->ncodes) return NULL;
  rt_exec_t *ex = &inst->store->exec;
  aot_ctx *c = ctx_alloc(m);
  ctx_fill(c, inst);
  c->mem = inst->mem0;
  c->mem_pages = m->nmems ? &inst->mems[0]->pages : &no_pages;
  c->funcs = (void **)inst->funcs;
  enter(c, ex, ex->aot_stack_limit);
  c->rt = &vtable;
  c->inst = inst;
  for (uint32_t i = 0; i < m->ncodes; i++) {
    inst->own_funcs[i].actx = c;
    inst->own_funcs[i].aot = a->thunks[i];
    inst->own_funcs[i].direct = a->direct[i];
  }
  inst->aot = c;
  return c;
}

bool aot_ready(wb_func_t *f) { return f->aot || (f->inst && bind(f->inst) && f->aot); }

/* Lowest address AOT code may use on this thread's stack (0: unknown). */
static uintptr_t stack_limit(void) {
  size_t size;
  uintptr_t floor_ = rt_stack_floor(&size);
  return floor_ && size > 2 * AOT_STACK_MARGIN ? floor_ + AOT_STACK_MARGIN : 0;
}

int aot_run(rt_exec_t *ex, wb_func_t *f, rt_slot_t *sp) {
  if (!aot_ready(f)) return -1;
  const wm_functype_t *t = f->type;
  ex->aot_stack_limit = stack_limit();
  enter(f->actx, ex, ex->aot_stack_limit);
  rt_slot_t *saved = ex->sp;
  ex->sp = sp + (t->nparams > t->nresults ? t->nparams : t->nresults);
  rt_tls_set_mem(f->inst->mem0);
  f->aot(f->actx, (uint64_t *)sp);
  ex->sp = saved;
  return 0;
}

void aot_instance_free(wb_instance_t *inst) {
  free(inst->aot);
  inst->aot = NULL;
}
