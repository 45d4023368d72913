/* SPDX-License-Identifier: Apache-2.0 */
/*
** The module side of the AOT tier: compiling at wb_module_new for
** WB_ENGINE_AOT, in a background thread for WB_ENGINE_AUTO, on request
** (wb_module_compile_aot), and the artifact's lifetime. Publishing the
** artifact is one atomic store; instances pick it up at their next entry
** (aot/glue.c binds them lazily).
*/
#include <stdlib.h>

#include "aot/aot.h"

static const char *cache_dir(const wb_module_t *mod) {
  return mod->engine->config.cache_dir[0] ? mod->engine->config.cache_dir : NULL;
}

static aot_module_t *state(wb_module_t *mod) {
  if (!mod->aot) mod->aot = ut_calloc(1, sizeof *mod->aot);
  return mod->aot;
}

/* Compiles now; the artifact is published on success. */
static wb_error_t *compile_now(wb_module_t *mod) {
  aot_module_t *am = state(mod);
  if (atomic_load(&am->art)) return NULL;
  aot_artifact_t *a;
  wb_error_t *err = aot_get(mod->m, cache_dir(mod), &a);
  if (err) return err;
  aot_artifact_t *expect = NULL;
  if (!atomic_compare_exchange_strong(&am->art, &expect, a)) aot_artifact_release(a);
  return NULL;
}

/* WB_ENGINE_AUTO: a failed background compile leaves the module interpreted. */
static void *background(void *arg) {
  wb_error_delete(compile_now(arg));
  return NULL;
}

wb_error_t *aot_module_attach(wb_module_t *mod) {
  switch (mod->engine->config.engine_kind) {
  case WB_ENGINE_AOT: return compile_now(mod);
  case WB_ENGINE_AUTO: {
    aot_module_t *am = state(mod);
    am->thread_started = pthread_create(&am->thread, NULL, background, mod) == 0;
    return NULL;
  }
  default: return NULL;
  }
}

void aot_module_free(aot_module_t *am) {
  if (!am) return;
  if (am->thread_started) pthread_join(am->thread, NULL);
  aot_artifact_release(atomic_load(&am->art));
  free(am);
}

wb_error_t *wb_module_compile_aot(wb_module_t *module) {
  if (!module) return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "wb_module_compile_aot: NULL module");
  aot_module_t *am = state(module);
  if (am->thread_started) { /* AUTO: wait for the compile under way */
    pthread_join(am->thread, NULL);
    am->thread_started = false;
  }
  return compile_now(module);
}

wb_error_t *wb_module_aot_write(wb_module_t *module, const char *path) {
  if (!module || !path)
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "wb_module_aot_write: NULL argument");
  return aot_export(module->m, cache_dir(module), path);
}
