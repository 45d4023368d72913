/* SPDX-License-Identifier: Apache-2.0 */
/*
** Stores and the host-made objects they own: globals, tables, and the
** execution context (value stack and call frames) their calls run on.
**
** The value stack and the frame array are mmap'd with MAP_NORESERVE: the
** defaults (64 MiB of stack, 100000 frames) cost address space only, and
** RAM is used only as deep as calls actually go.
*/
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "runtime/rt.h"
#include "runtime/store.h"

#define RT_MIN_STACK_BYTES ((size_t)64 << 10)

/* {====================== Execution context ======================} */

static size_t round_to_page(size_t n) {
  size_t pg = 4096;
  return (n + pg - 1) / pg * pg;
}

/* Lazily backed read/write mapping, or NULL. */
static void *reserve(size_t bytes) {
  void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

static size_t stack_bytes(const wb_config_t *c) {
  size_t n = c->stack_bytes < RT_MIN_STACK_BYTES ? RT_MIN_STACK_BYTES : c->stack_bytes;
  if (n > ((size_t)1 << 40)) n = (size_t)1 << 40; /* keep the rounding from wrapping */
  return round_to_page(n);
}

static size_t frames_bytes(uint32_t depth) { return round_to_page(sizeof(rt_frame_t) * depth); }

/* Sets up ex per config; false if address space is short. */
static bool exec_init(rt_exec_t *ex, const wb_config_t *c) {
  memset(ex, 0, sizeof *ex);
  size_t sb = stack_bytes(c);
  ex->max_depth = c->max_call_depth ? c->max_call_depth : 1;
  ex->stack = reserve(sb);
  ex->frames = reserve(frames_bytes(ex->max_depth));
  if (!ex->stack || !ex->frames) {
    if (ex->stack) munmap(ex->stack, sb);
    if (ex->frames) munmap(ex->frames, frames_bytes(ex->max_depth));
    return false;
  }
  ex->stack_end = ex->stack + sb / sizeof(rt_slot_t);
  ex->sp = ex->stack;
  return true;
}

static void exec_free(rt_exec_t *ex) {
  munmap(ex->stack, (size_t)(ex->stack_end - ex->stack) * sizeof(rt_slot_t));
  munmap(ex->frames, frames_bytes(ex->max_depth));
  wb_trap_delete(ex->host_trap);
  free(ex->trace);
}

/* {====================== Stores ======================} */

/* NULL if the engine is NULL or the stack cannot be mapped. */
wb_store_t *wb_store_new(wb_engine_t *engine) {
  if (!engine) return NULL;
  rt_signals_init();
  wb_store_t *s = ut_calloc(1, sizeof *s);
  s->engine = engine;
  if (!exec_init(&s->exec, &engine->config)) {
    free(s);
    return NULL;
  }
  s->exec.fuel = INT64_MAX;
  return s;
}

/* {====================== Limits ======================} */

void wb_store_limits_set(wb_store_t *store, const wb_limits_t *limits) {
  store->limits = *limits;
  for (uint32_t i = 0; i < store->nmemories; i++) {
    wb_error_t *e = rt_memory_limit(store->memories[i], limits);
    wb_error_delete(e); /* an existing larger memory keeps its size, grows no more */
  }
  for (uint32_t i = 0; i < store->ntables; i++) wb_error_delete(rt_table_limit(store->tables[i], limits));
}

void wb_store_deadline_set(wb_store_t *store, uint64_t timeout_ns) {
  store->exec.deadline_ns = timeout_ns;
}

void wb_store_interrupt(wb_store_t *store) {
  atomic_store_explicit(&store->exec.interrupt, RT_INTR_USER, memory_order_relaxed);
}

void wb_store_fuel_set(wb_store_t *store, uint64_t fuel) {
  store->exec.fuel_on = true;
  store->exec.fuel = fuel > INT64_MAX ? INT64_MAX : (int64_t)fuel;
}

void wb_store_fuel_add(wb_store_t *store, uint64_t fuel) {
  if (!store->exec.fuel_on) {
    wb_store_fuel_set(store, fuel);
    return;
  }
  int64_t have = store->exec.fuel < 0 ? 0 : store->exec.fuel;
  store->exec.fuel = fuel > (uint64_t)(INT64_MAX - have) ? INT64_MAX : have + (int64_t)fuel;
}

uint64_t wb_store_fuel_get(const wb_store_t *store) {
  if (!store->exec.fuel_on) return UINT64_MAX;
  return store->exec.fuel < 0 ? 0 : (uint64_t)store->exec.fuel;
}

void wb_store_fuel_disable(wb_store_t *store) {
  store->exec.fuel_on = false;
  store->exec.fuel = INT64_MAX;
}

void rt_instance_free(wb_instance_t *inst) {
  if (!inst) return;
  free(inst->aot); /* the AOT context (aot/glue.c), one block */
  const wm_module_t *m = inst->m;
  if (inst->elems && m)
    for (uint32_t i = 0; i < m->nelems; i++) free(inst->elems[i].refs);
  free(inst->elems);
  free(inst->datas);
  free(inst->funcs);
  free(inst->tables);
  free(inst->mems);
  free(inst->globals);
  free(inst->own_funcs);
  free(inst);
}

static void func_free(wb_func_t *f) {
  if (f->finalizer) f->finalizer(f->env);
  free(f);
}

static void table_free(wb_table_t *t) {
  free(t->elems);
  free(t);
}

static void memory_free(wb_memory_t *m) {
  rt_memory_release(m);
  free(m);
}

/* Instances go first: their arrays point at the objects freed after. */
void wb_store_delete(wb_store_t *store) {
  if (!store) return;
  for (uint32_t i = 0; i < store->ninstances; i++) rt_instance_free(store->instances[i]);
  for (uint32_t i = 0; i < store->nfuncs; i++) func_free(store->funcs[i]);
  for (uint32_t i = 0; i < store->ntables; i++) table_free(store->tables[i]);
  for (uint32_t i = 0; i < store->nmemories; i++) memory_free(store->memories[i]);
  for (uint32_t i = 0; i < store->nglobals; i++) free(store->globals[i]);
  free(store->instances);
  free(store->funcs);
  free(store->tables);
  free(store->memories);
  free(store->globals);
  exec_free(&store->exec);
  free(store);
}

void rt_store_add_instance(wb_store_t *store, wb_instance_t *inst) {
  UT_PUSH(store->instances, store->ninstances, store->cap_instances, inst);
}
void rt_store_add_func(wb_store_t *store, wb_func_t *func) {
  UT_PUSH(store->funcs, store->nfuncs, store->cap_funcs, func);
}
void rt_store_add_table(wb_store_t *store, wb_table_t *table) {
  UT_PUSH(store->tables, store->ntables, store->cap_tables, table);
}
void rt_store_add_memory(wb_store_t *store, wb_memory_t *mem) {
  UT_PUSH(store->memories, store->nmemories, store->cap_memories, mem);
}
void rt_store_add_global(wb_store_t *store, wb_global_t *global) {
  UT_PUSH(store->globals, store->nglobals, store->cap_globals, global);
}

/* {====================== Globals ======================} */

wb_global_t *rt_store_new_global(wb_store_t *store, wm_valtype_t type, bool mut, rt_slot_t val) {
  wb_global_t *g = ut_calloc(1, sizeof *g);
  g->type = type;
  g->mut = mut;
  g->val = val;
  rt_store_add_global(store, g);
  return g;
}

/* NULL if kind is not a value kind or init is of another kind. */
wb_global_t *wb_global_new(wb_store_t *store, wb_valkind_t kind, bool mutable_, wb_val_t init) {
  if (!store || !rt_valkind_ok(kind) || init.kind != kind) return NULL;
  return rt_store_new_global(store, (wm_valtype_t)kind, mutable_, rt_slot_from_val(init));
}

wb_val_t wb_global_get(const wb_global_t *global) {
  return rt_val_from_slot(global->type, global->val);
}

bool wb_global_set(wb_global_t *global, wb_val_t val) {
  if (!global->mut || val.kind != (wb_valkind_t)global->type) return false;
  global->val = rt_slot_from_val(val);
  return true;
}

wb_valkind_t wb_global_kind(const wb_global_t *global) { return (wb_valkind_t)global->type; }
bool wb_global_mutable(const wb_global_t *global) { return global->mut; }

/* {====================== Tables ======================} */

static void *ref_of(wb_val_t v) {
  return v.kind == WB_FUNCREF ? (void *)v.of.funcref : v.of.externref;
}

wb_table_t *rt_store_new_table(wb_store_t *store, wm_valtype_t elem, uint32_t min, uint32_t max,
                               bool has_max, void *init) {
  if (min > RT_MAX_TABLE_SIZE || (has_max && max < min)) return NULL;
  wb_table_t *t = ut_calloc(1, sizeof *t);
  t->elem = elem;
  t->size = min;
  t->max = max;
  t->has_max = has_max;
  wb_error_t *e = rt_table_limit(t, &store->limits);
  if (e) {
    wb_error_delete(e);
    free(t);
    return NULL;
  }
  t->elems = ut_malloc(sizeof *t->elems * (min ? min : 1));
  for (uint32_t i = 0; i < min; i++) t->elems[i] = init;
  rt_store_add_table(store, t);
  return t;
}

/* NULL for a non-reference kind, an init of another kind, or bad limits. */
wb_table_t *wb_table_new(wb_store_t *store, wb_valkind_t kind, uint32_t min, uint32_t max,
                         bool has_max, wb_val_t init) {
  if (!store || !wm_is_ref((wm_valtype_t)kind) || init.kind != kind) return NULL;
  return rt_store_new_table(store, (wm_valtype_t)kind, min, max, has_max, ref_of(init));
}

/* Grows a table by delta elements set to init: the old size, or -1 past the
   limit. elems is reallocated, so callers must not cache it across a grow. */
int64_t rt_table_grow(wb_table_t *table, uint32_t delta, void *init) {
  uint32_t old = table->size;
  uint64_t want = (uint64_t)old + delta;
  if (want > table->limit) return -1;
  if (delta == 0) return old;
  table->elems = ut_realloc(table->elems, sizeof *table->elems * (size_t)want);
  for (uint64_t i = old; i < want; i++) table->elems[i] = init;
  table->size = (uint32_t)want;
  return old;
}

wb_error_t *rt_table_limit(wb_table_t *table, const wb_limits_t *limits) {
  uint32_t lim = RT_MAX_TABLE_SIZE;
  if (table->has_max && table->max < lim) lim = table->max;
  if (limits->max_table_elements && limits->max_table_elements < lim)
    lim = limits->max_table_elements;
  table->limit = lim < table->size ? table->size : lim;
  if (table->size > lim)
    return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX,
                        "table of %u elements exceeds the limit of %u elements", table->size, lim);
  return NULL;
}

uint32_t wb_table_size(const wb_table_t *table) { return table->size; }
wb_valkind_t wb_table_kind(const wb_table_t *table) { return (wb_valkind_t)table->elem; }

bool wb_table_get(const wb_table_t *table, uint32_t i, wb_val_t *out) {
  if (i >= table->size || !out) return false;
  out->kind = (wb_valkind_t)table->elem;
  if (table->elem == WM_FUNCREF)
    out->of.funcref = table->elems[i];
  else
    out->of.externref = table->elems[i];
  return true;
}

bool wb_table_set(wb_table_t *table, uint32_t i, wb_val_t val) {
  if (i >= table->size || val.kind != (wb_valkind_t)table->elem) return false;
  table->elems[i] = ref_of(val);
  return true;
}

void wb_table_limits(const wb_table_t *table, uint32_t *min, uint32_t *max, bool *has_max) {
  if (min) *min = table->size;
  if (max) *max = table->has_max ? table->max : UINT32_MAX;
  if (has_max) *has_max = table->has_max;
}

/* {====================== Callers ======================} */

wb_memory_t *wb_caller_memory(wb_caller_t *caller) {
  const wb_instance_t *inst = caller->inst;
  return inst && inst->m && inst->m->nmems ? inst->mems[0] : NULL;
}

wb_store_t *wb_caller_store(wb_caller_t *caller) { return caller->store; }
