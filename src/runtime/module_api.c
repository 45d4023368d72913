/* SPDX-License-Identifier: Apache-2.0 */
/*
** Public module API: decode -> canonicalise types -> validate/lower, and
** the import/export descriptions a host reads before linking.
*/
#include <stdlib.h>
#include <string.h>

#include "aot/aot.h"
#include "decode/decode.h"
#include "runtime/rt.h"
#include "validate/validate.h"

/* Decodes, interns every function type with the engine (lowering bakes
   canonical ids into call_indirect, so this must precede validation) and
   validates. Returns NULL and the module in *out, or an owned error. */
static wb_error_t *mod_build(wb_engine_t *engine, const uint8_t *bytes, size_t len,
                             wm_module_t **out) {
  *out = NULL;
  if (!engine || (!bytes && len))
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "wb_module_new: NULL engine or bytes");
  wm_module_t *m = NULL;
  wb_error_t *err = dec_module(bytes ? bytes : (const uint8_t *)"", len, &m);
  if (err) return err;
  for (uint32_t i = 0; i < m->ntypes; i++) {
    const wm_functype_t *c = rt_engine_intern(engine, &m->types[i]);
    m->types[i].id = c->id;
  }
  err = val_module(m);
  if (err) {
    wm_module_free(m);
    return err;
  }
  *out = m;
  return NULL;
}

wb_error_t *wb_module_new(wb_engine_t *engine, const uint8_t *bytes, size_t len,
                          wb_module_t **out) {
  if (!out) return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "wb_module_new: NULL out");
  *out = NULL;
  wm_module_t *m;
  wb_error_t *err = mod_build(engine, bytes, len, &m);
  if (err) return err;
  wb_module_t *mod = ut_calloc(1, sizeof *mod);
  mod->engine = engine;
  mod->m = m;
  err = aot_module_attach(mod); /* WB_ENGINE_AOT compiles here */
  if (err) {
    wb_module_delete(mod);
    return err;
  }
  *out = mod;
  return NULL;
}

wb_error_t *wb_module_validate(wb_engine_t *engine, const uint8_t *bytes, size_t len) {
  wm_module_t *m;
  wb_error_t *err = mod_build(engine, bytes, len, &m);
  wm_module_free(m);
  return err;
}

void wb_module_delete(wb_module_t *module) {
  if (!module) return;
  aot_module_free(module->aot);
  wm_module_free(module->m);
  free(module);
}

/* {====================== Imports and exports ======================} */

size_t wb_module_import_count(const wb_module_t *module) {
  return module ? module->m->nimports : 0;
}

size_t wb_module_export_count(const wb_module_t *module) {
  return module ? module->m->nexports : 0;
}

static void desc_table(wb_externdesc_t *out, const wm_tabletype_t *t) {
  out->valkind = (wb_valkind_t)t->elem;
  out->min = t->lim.min;
  out->max = t->lim.max;
  out->has_max = t->lim.has_max;
}

static void desc_limits(wb_externdesc_t *out, const wm_limits_t *l) {
  out->min = l->min;
  out->max = l->max;
  out->has_max = l->has_max;
}

static void desc_global(wb_externdesc_t *out, const wm_globaltype_t *g) {
  out->valkind = (wb_valkind_t)g->type;
  out->mutable_ = g->mut;
}

/* Out-of-range i leaves *out zeroed rather than reading past the arrays. */
void wb_module_import_get(const wb_module_t *module, size_t i, wb_externdesc_t *out) {
  memset(out, 0, sizeof *out);
  if (!module || i >= module->m->nimports) return;
  const wm_module_t *m = module->m;
  const wm_import_t *imp = &m->imports[i];
  out->kind = imp->kind;
  out->module = imp->module;
  out->module_len = imp->module_len;
  out->name = imp->name;
  out->name_len = imp->name_len;
  switch (imp->kind) {
  case WB_EXTERN_FUNC:
    if (imp->type_idx < m->ntypes) out->functype = &m->types[imp->type_idx];
    break;
  case WB_EXTERN_TABLE: desc_table(out, &imp->table); break;
  case WB_EXTERN_MEMORY: desc_limits(out, &imp->mem); break;
  case WB_EXTERN_GLOBAL: desc_global(out, &imp->global); break;
  }
}

void wb_module_export_get(const wb_module_t *module, size_t i, wb_externdesc_t *out) {
  memset(out, 0, sizeof *out);
  if (!module || i >= module->m->nexports) return;
  const wm_module_t *m = module->m;
  const wm_export_t *ex = &m->exports[i];
  uint32_t x = ex->index;
  out->kind = ex->kind;
  out->name = ex->name;
  out->name_len = ex->name_len;
  switch (ex->kind) {
  case WB_EXTERN_FUNC:
    if (x < m->nfuncs) out->functype = wm_func_type(m, x);
    break;
  case WB_EXTERN_TABLE:
    if (x < m->ntables) desc_table(out, &m->tables[x]);
    break;
  case WB_EXTERN_MEMORY:
    if (x < m->nmems) desc_limits(out, &m->mems[x]);
    break;
  case WB_EXTERN_GLOBAL:
    if (x < m->nglobals) desc_global(out, &m->globals[x].type);
    break;
  }
}
