/* SPDX-License-Identifier: Apache-2.0 */
/*
** Instantiation: from a validated module and its resolved imports to a
** running instance, in the order WebAssembly 2.0 prescribes:
**
**   1. build the index spaces (imports first), the defined functions,
**      memories, tables and globals (initialisers evaluated in order);
**   2. evaluate every element segment's references and record the data
**      segments (both stay available to table.init / memory.init);
**   3. register everything with the store: from here on the objects may be
**      shared (an imported table or memory sees the writes below), so they
**      must live as long as the store even if what follows traps;
**   4. apply active element segments, then active data segments, in module
**      order, dropping each (and every declarative element segment);
**   5. run the start function.
**
** Failures in 1-2 are errors and leave nothing behind; failures in 4-5 are
** traps, and the writes already made stay visible (linking.wast checks it).
*/
#include <stdlib.h>
#include <string.h>

#include "runtime/instance.h"
#include "runtime/store.h"

/* {====================== Building the index spaces ======================} */

/* Allocates the instance and its per-index-space arrays (all zeroed). */
wb_instance_t *rt_instance_alloc(wb_store_t *store, const wb_module_t *module) {
  const wm_module_t *m = module->m;
  wb_instance_t *inst = ut_calloc(1, sizeof *inst);
  inst->store = store;
  inst->module = module;
  inst->m = m;
  inst->funcs = ut_calloc(m->nfuncs, sizeof *inst->funcs);
  inst->tables = ut_calloc(m->ntables, sizeof *inst->tables);
  inst->mems = ut_calloc(m->nmems, sizeof *inst->mems);
  inst->globals = ut_calloc(m->nglobals, sizeof *inst->globals);
  inst->own_funcs = ut_calloc(m->nfuncs - m->nfunc_imports, sizeof *inst->own_funcs);
  inst->elems = ut_calloc(m->nelems, sizeof *inst->elems);
  inst->datas = ut_calloc(m->ndatas, sizeof *inst->datas);
  return inst;
}

/* Frees an instance that was never registered with the store, together
   with the memories, tables and globals it defined. */
void rt_instance_discard(wb_instance_t *inst) {
  const wm_module_t *m = inst->m;
  for (uint32_t i = m->nmem_imports; i < m->nmems; i++) {
    if (!inst->mems[i]) continue;
    rt_memory_release(inst->mems[i]);
    free(inst->mems[i]);
  }
  for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
    if (!inst->tables[i]) continue;
    free(inst->tables[i]->elems);
    free(inst->tables[i]);
  }
  for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) free(inst->globals[i]);
  rt_instance_free(inst); /* the arrays, own_funcs, segment refs, the struct */
}

/* Places the resolved imports at the front of each index space. */
static void inst_imports(wb_instance_t *inst, const wb_extern_t *imports) {
  const wm_module_t *m = inst->m;
  uint32_t nf = 0, nt = 0, nm = 0, ng = 0;
  for (uint32_t i = 0; i < m->nimports; i++) {
    switch (m->imports[i].kind) {
    case WB_EXTERN_FUNC: inst->funcs[nf++] = imports[i].of.func; break;
    case WB_EXTERN_TABLE: inst->tables[nt++] = imports[i].of.table; break;
    case WB_EXTERN_MEMORY: inst->mems[nm++] = imports[i].of.memory; break;
    case WB_EXTERN_GLOBAL: inst->globals[ng++] = imports[i].of.global; break;
    }
  }
}

/* Fills own_funcs for the defined functions. Their types are the engine's
   canonical objects, so a func's type->id compares directly with others.
   Interning scans the engine's table under its lock, so it is done once
   per module type, not once per function. */
void rt_instance_init_funcs(wb_instance_t *inst) {
  const wm_module_t *m = inst->m;
  const wm_functype_t **canon = ut_calloc(m->ntypes, sizeof *canon);
  for (uint32_t i = 0; i < m->ntypes; i++)
    canon[i] = rt_engine_intern(inst->store->engine, &m->types[i]);
  for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
    wb_func_t *f = &inst->own_funcs[i - m->nfunc_imports];
    f->type = canon[m->func_type[i]];
    f->inst = inst;
    f->code = m->code ? m->code[i - m->nfunc_imports] : NULL;
    f->index = i;
    f->store = inst->store;
    inst->funcs[i] = f;
  }
  free(canon);
}

static wb_error_t *inst_memories(wb_instance_t *inst) {
  const wm_module_t *m = inst->m;
  for (uint32_t i = m->nmem_imports; i < m->nmems; i++) {
    const wm_limits_t *l = &m->mems[i];
    wb_memory_t *mem = ut_calloc(1, sizeof *mem);
    wb_error_t *err = rt_memory_init(mem, l->min, l->max, l->has_max);
    if (!err) {
      err = rt_memory_limit(mem, &inst->store->limits);
      if (err) rt_memory_release(mem);
    }
    if (err) {
      free(mem);
      return err;
    }
    inst->mems[i] = mem;
  }
  return NULL;
}

static wb_error_t *inst_tables(wb_instance_t *inst) {
  const wm_module_t *m = inst->m;
  for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
    const wm_tabletype_t *tt = &m->tables[i];
    if (tt->lim.min > RT_MAX_TABLE_SIZE)
      return ut_error_new(WB_ERROR_RESOURCE, SIZE_MAX, "table too large");
    wb_table_t *t = ut_calloc(1, sizeof *t);
    t->elem = tt->elem;
    t->size = tt->lim.min;
    t->max = tt->lim.max;
    t->has_max = tt->lim.has_max;
    wb_error_t *err = rt_table_limit(t, &inst->store->limits);
    if (err) {
      free(t);
      return err;
    }
    t->elems = ut_calloc(tt->lim.min, sizeof *t->elems); /* all null */
    inst->tables[i] = t;
  }
  return NULL;
}

static wb_error_t *bad_constexpr(wm_expr_t e, const char *what) {
  return ut_error_new(WB_ERROR_INSTANTIATE, e.offset, "invalid constant expression in %s", what);
}

/* Defines the globals in order: an initialiser may read any global before
   it (imports only, in 2.0) and name any function. */
static wb_error_t *inst_globals(wb_instance_t *inst) {
  const wm_module_t *m = inst->m;
  for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
    const wm_global_t *gd = &m->globals[i];
    rt_slot_t v;
    if (rt_constexpr_eval(m, gd->init, inst->globals, inst->funcs, &v) != 0)
      return bad_constexpr(gd->init, "global initialiser");
    wb_global_t *g = ut_calloc(1, sizeof *g);
    g->type = gd->type.type;
    g->mut = gd->type.mut;
    g->val = v;
    inst->globals[i] = g;
  }
  return NULL;
}

/* Evaluates the references of element segment e into a fresh array. */
static wb_error_t *inst_elem_refs(wb_instance_t *inst, const wm_elem_t *e, void ***out) {
  const wm_module_t *m = inst->m;
  void **refs = ut_calloc(e->count, sizeof *refs);
  *out = refs;
  for (uint32_t j = 0; j < e->count; j++) {
    if (e->funcs) {
      if (e->funcs[j] >= m->nfuncs)
        return ut_error_new(WB_ERROR_INSTANTIATE, SIZE_MAX, "unknown function %u", e->funcs[j]);
      refs[j] = inst->funcs[e->funcs[j]];
    } else if (e->exprs) {
      rt_slot_t v;
      if (rt_constexpr_eval(m, e->exprs[j], inst->globals, inst->funcs, &v) != 0)
        return bad_constexpr(e->exprs[j], "element segment");
      refs[j] = v.ref;
    }
  }
  return NULL;
}

static wb_error_t *inst_segments(wb_instance_t *inst) {
  const wm_module_t *m = inst->m;
  for (uint32_t i = 0; i < m->nelems; i++) {
    wb_error_t *err = inst_elem_refs(inst, &m->elems[i], &inst->elems[i].refs);
    if (err) return err;
    inst->elems[i].n = m->elems[i].count;
  }
  for (uint32_t i = 0; i < m->ndatas; i++) {
    const wm_data_t *d = &m->datas[i];
    if ((uint64_t)d->data_offset + d->len > m->len)
      return ut_error_new(WB_ERROR_INSTANTIATE, SIZE_MAX, "data segment %u out of range", i);
    inst->datas[i].p = m->bytes + d->data_offset;
    inst->datas[i].n = d->len;
  }
  return NULL;
}

/* Step 1-2 of the comment at the top; on failure nothing is kept. */
static wb_error_t *inst_build(wb_instance_t *inst, const wb_extern_t *imports) {
  wb_error_t *err;
  inst_imports(inst, imports);
  rt_instance_init_funcs(inst);
  if ((err = inst_memories(inst)) || (err = inst_tables(inst)) || (err = inst_globals(inst)) ||
      (err = inst_segments(inst)))
    return err;
  if (inst->m->nmems) inst->mem0 = inst->mems[0]->base;
  return NULL;
}

void rt_instance_register(wb_instance_t *inst) {
  const wm_module_t *m = inst->m;
  wb_store_t *s = inst->store;
  for (uint32_t i = m->nmem_imports; i < m->nmems; i++) rt_store_add_memory(s, inst->mems[i]);
  for (uint32_t i = m->ntable_imports; i < m->ntables; i++) rt_store_add_table(s, inst->tables[i]);
  for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++)
    rt_store_add_global(s, inst->globals[i]);
  rt_store_add_instance(s, inst);
}

/* {====================== Initialisation ======================} */

/* Evaluates an active segment's offset (an i32 constant expression). */
static int seg_offset(const wb_instance_t *inst, wm_expr_t e, uint32_t *off) {
  rt_slot_t v;
  if (rt_constexpr_eval(inst->m, e, inst->globals, inst->funcs, &v) != 0) return -1;
  *off = v.u32;
  return 0;
}

/* Drops a segment's runtime copy, as elem.drop would. */
static void elem_drop(rt_elemseg_t *s) {
  free(s->refs);
  s->refs = NULL;
  s->n = 0;
}

/* Applies active element segments in order (table.init + elem.drop) and
   drops declarative ones. Returns 0 or a trap code. */
static int init_elems(wb_instance_t *inst) {
  const wm_module_t *m = inst->m;
  for (uint32_t i = 0; i < m->nelems; i++) {
    const wm_elem_t *e = &m->elems[i];
    rt_elemseg_t *s = &inst->elems[i];
    if (e->mode == WM_SEG_DECLARATIVE) elem_drop(s);
    if (e->mode != WM_SEG_ACTIVE) continue;
    uint32_t off;
    if (e->table >= m->ntables || seg_offset(inst, e->offset, &off) != 0)
      return WB_TRAP_TABLE_OUT_OF_BOUNDS;
    wb_table_t *t = inst->tables[e->table];
    if ((uint64_t)off + s->n > t->size) return WB_TRAP_TABLE_OUT_OF_BOUNDS;
    if (s->n) memcpy(t->elems + off, s->refs, (size_t)s->n * sizeof *s->refs);
    elem_drop(s);
  }
  return 0;
}

/* Applies active data segments in order (memory.init + data.drop). */
static int init_datas(wb_instance_t *inst) {
  const wm_module_t *m = inst->m;
  for (uint32_t i = 0; i < m->ndatas; i++) {
    const wm_data_t *d = &m->datas[i];
    rt_dataseg_t *s = &inst->datas[i];
    if (d->mode != WM_SEG_ACTIVE) continue;
    uint32_t off;
    if (d->mem >= m->nmems || seg_offset(inst, d->offset, &off) != 0)
      return WB_TRAP_MEMORY_OUT_OF_BOUNDS;
    wb_memory_t *mem = inst->mems[d->mem];
    uint64_t size = (uint64_t)mem->pages * RT_PAGE_SIZE;
    if ((uint64_t)off + s->n > size) return WB_TRAP_MEMORY_OUT_OF_BOUNDS;
    if (s->n) memcpy(mem->base + off, s->p, s->n);
    s->n = 0;
  }
  return 0;
}

/* Runs the start function, if any; an owned trap or NULL. */
static wb_trap_t *run_start(wb_instance_t *inst) {
  const wm_module_t *m = inst->m;
  if (!m->has_start || m->start >= m->nfuncs) return NULL;
  rt_exec_t *ex = &inst->store->exec;
  int code = rt_invoke(ex, inst->funcs[m->start], ex->sp);
  if (!code) return NULL;
  wb_trap_t *trap = rt_trap_from_exec(ex, code);
  ex->ntrace = 0;
  return trap;
}

wb_error_t *rt_instantiate(wb_store_t *store, const wb_module_t *module,
                           const wb_extern_t *imports, wb_instance_t **out, wb_trap_t **trap) {
  *out = NULL;
  *trap = NULL;
  wb_instance_t *inst = rt_instance_alloc(store, module);
  wb_error_t *err = inst_build(inst, imports);
  if (err) {
    rt_instance_discard(inst);
    return err;
  }
  rt_instance_register(inst);
  int code = init_elems(inst);
  if (!code) code = init_datas(inst);
  if (code) {
    *trap = wb_trap_new((wb_trap_code_t)code, rt_trap_message(code));
    return NULL;
  }
  *trap = run_start(inst);
  if (!*trap) *out = inst;
  return NULL;
}

/* {====================== Instance queries ======================} */

/* Linear scan: export lists are short and looked up once per name. */
bool wb_instance_export_get(const wb_instance_t *instance, const char *name, size_t name_len,
                            wb_extern_t *out) {
  if (!instance || (!name && name_len)) return false;
  const wm_module_t *m = instance->m;
  for (uint32_t i = 0; i < m->nexports; i++) {
    const wm_export_t *ex = &m->exports[i];
    if (ex->name_len != name_len || (name_len && memcmp(ex->name, name, name_len) != 0))
      continue;
    out->kind = ex->kind;
    switch (ex->kind) {
    case WB_EXTERN_FUNC: out->of.func = instance->funcs[ex->index]; break;
    case WB_EXTERN_TABLE: out->of.table = instance->tables[ex->index]; break;
    case WB_EXTERN_MEMORY: out->of.memory = instance->mems[ex->index]; break;
    case WB_EXTERN_GLOBAL: out->of.global = instance->globals[ex->index]; break;
    }
    return true;
  }
  return false;
}

bool wb_instance_poisoned(const wb_instance_t *instance) { return instance->poisoned; }

wb_memory_t *wb_instance_memory(const wb_instance_t *instance) {
  return instance && instance->m->nmems ? instance->mems[0] : NULL;
}
