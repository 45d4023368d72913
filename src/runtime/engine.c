/* SPDX-License-Identifier: Apache-2.0 */
/*
** Configuration, engines and function types.
**
** The engine owns the canonical function-type table: every signature that
** a module declares or a host function uses is interned here once, and its
** index in the table is its id. Equal ids therefore mean equal signatures,
** which lets call_indirect compare one integer instead of two type lists.
*/
#include <stdlib.h>
#include <string.h>

#include "runtime/rt.h"
#include "runtime/store.h"

#define RT_DEFAULT_STACK_BYTES ((size_t)64 << 20)
#define RT_DEFAULT_CALL_DEPTH 100000u

/* {====================== Configuration ======================} */

wb_config_t *wb_config_new(void) {
  wb_config_t *c = ut_calloc(1, sizeof *c);
  c->stack_bytes = RT_DEFAULT_STACK_BYTES;
  c->max_call_depth = RT_DEFAULT_CALL_DEPTH;
  return c;
}

void wb_config_delete(wb_config_t *config) { free(config); }

/* Sizes are clamped when the store is made (see store.c), so any value is
   accepted here. */
void wb_config_stack_size_set(wb_config_t *config, size_t bytes) {
  if (config) config->stack_bytes = bytes;
}

void wb_config_max_call_depth_set(wb_config_t *config, uint32_t depth) {
  if (config) config->max_call_depth = depth;
}

void wb_config_engine_set(wb_config_t *config, wb_engine_kind_t kind) {
  if (config && (kind == WB_ENGINE_INTERP || kind == WB_ENGINE_AOT || kind == WB_ENGINE_AUTO))
    config->engine_kind = kind;
}

/* Paths longer than the buffer are refused (the default stays). */
void wb_config_cache_dir_set(wb_config_t *config, const char *dir) {
  if (!config) return;
  if (!dir || strlen(dir) >= sizeof config->cache_dir) dir = "";
  strcpy(config->cache_dir, dir);
}

/* {====================== Engine ======================} */

wb_engine_t *wb_engine_new(wb_config_t *config) {
  wb_engine_t *e = ut_calloc(1, sizeof *e);
  if (config) {
    e->config = *config;
    free(config);
  } else {
    e->config.stack_bytes = RT_DEFAULT_STACK_BYTES;
    e->config.max_call_depth = RT_DEFAULT_CALL_DEPTH;
  }
  pthread_mutex_init(&e->lock, NULL);
  return e;
}

void wb_engine_delete(wb_engine_t *engine) {
  if (!engine) return;
  for (uint32_t i = 0; i < engine->ntypes; i++) {
    free(engine->types[i]->types);
    free(engine->types[i]);
  }
  free(engine->types);
  pthread_mutex_destroy(&engine->lock);
  free(engine);
}

static bool functype_equal(const wm_functype_t *a, const wm_functype_t *b) {
  return a->nparams == b->nparams && a->nresults == b->nresults &&
         memcmp(a->types, b->types, (size_t)a->nparams + a->nresults) == 0;
}

/* A heap copy of t with the given id. */
static wm_functype_t *functype_copy(const wm_functype_t *t, uint32_t id) {
  wm_functype_t *c = ut_malloc(sizeof *c);
  size_t n = (size_t)t->nparams + t->nresults;
  c->nparams = t->nparams;
  c->nresults = t->nresults;
  c->id = id;
  c->types = ut_malloc(n);
  if (n) memcpy(c->types, t->types, n);
  return c;
}

/* Linear search: modules declare few distinct signatures, and interning
   happens once per module, never on a call path. The length checks reject
   most candidates before memcmp. */
const wm_functype_t *rt_engine_intern(wb_engine_t *e, const wm_functype_t *t) {
  const wm_functype_t *found = NULL;
  pthread_mutex_lock(&e->lock);
  for (uint32_t i = 0; i < e->ntypes && !found; i++)
    if (functype_equal(e->types[i], t)) found = e->types[i];
  if (!found) {
    wm_functype_t *c = functype_copy(t, e->ntypes);
    UT_PUSH(e->types, e->ntypes, e->cap, c);
    found = c;
  }
  pthread_mutex_unlock(&e->lock);
  return found;
}

/* {====================== Function types ======================} */

/* Returns NULL if a kind is not a supported value kind or a count is absurd
   (the caller gets NULL rather than a type no function can have). */
wb_functype_t *wb_functype_new(const wb_valkind_t *params, size_t nparams,
                               const wb_valkind_t *results, size_t nresults) {
  if (nparams > UINT16_MAX || nresults > UINT16_MAX) return NULL;
  if ((nparams && !params) || (nresults && !results)) return NULL;
  for (size_t i = 0; i < nparams; i++)
    if (!rt_valkind_ok(params[i])) return NULL;
  for (size_t i = 0; i < nresults; i++)
    if (!rt_valkind_ok(results[i])) return NULL;
  wm_functype_t *t = ut_malloc(sizeof *t);
  t->nparams = (uint32_t)nparams;
  t->nresults = (uint32_t)nresults;
  t->id = UINT32_MAX; /* not canonical until interned */
  t->types = ut_malloc(nparams + nresults);
  for (size_t i = 0; i < nparams; i++) t->types[i] = (wm_valtype_t)params[i];
  for (size_t i = 0; i < nresults; i++) t->types[nparams + i] = (wm_valtype_t)results[i];
  return t;
}

void wb_functype_delete(wb_functype_t *type) {
  if (!type) return;
  free(type->types);
  free(type);
}

size_t wb_functype_param_count(const wb_functype_t *type) { return type->nparams; }
size_t wb_functype_result_count(const wb_functype_t *type) { return type->nresults; }

/* Out-of-range indices give 0, which is no valid kind. */
wb_valkind_t wb_functype_param(const wb_functype_t *type, size_t i) {
  return i < type->nparams ? (wb_valkind_t)wm_param(type, (uint32_t)i) : (wb_valkind_t)0;
}

wb_valkind_t wb_functype_result(const wb_functype_t *type, size_t i) {
  return i < type->nresults ? (wb_valkind_t)wm_result(type, (uint32_t)i) : (wb_valkind_t)0;
}

const char *wb_valkind_name(wb_valkind_t kind) {
  switch (kind) {
  case WB_I32: return "i32";
  case WB_I64: return "i64";
  case WB_F32: return "f32";
  case WB_F64: return "f64";
  case WB_V128: return "v128";
  case WB_FUNCREF: return "funcref";
  case WB_EXTERNREF: return "externref";
  }
  return "unknown";
}
