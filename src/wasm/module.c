/* SPDX-License-Identifier: Apache-2.0 */
/*
** Freeing a decoded module. Every array may be partially filled (the decoder
** frees a module it failed to finish), so counts describe what was stored
** and NULL pointers are skipped.
*/
#include "wasm/module.h"

#include <stdlib.h>

#include "interp/code.h"

static void free_names(wm_module_t *m) {
  wm_names_t *n = &m->names;
  free(n->module);
  if (n->funcs) {
    for (uint32_t i = 0; i < m->nfuncs; i++) free(n->funcs[i]);
    free(n->funcs);
  }
  if (n->locals) {
    for (uint32_t i = 0; i < m->nfuncs; i++) {
      if (!n->locals[i]) continue;
      for (uint32_t j = 0; j < n->nlocal_names[i]; j++) free(n->locals[i][j]);
      free(n->locals[i]);
    }
    free(n->locals);
  }
  free(n->nlocal_names);
}

static void free_segments(wm_module_t *m) {
  for (uint32_t i = 0; i < m->nelems; i++) {
    free(m->elems[i].funcs);
    free(m->elems[i].exprs);
  }
  free(m->elems);
  free(m->datas);
}

void wm_module_free(wm_module_t *m) {
  if (!m) return;
  for (uint32_t i = 0; i < m->ntypes; i++) free(m->types[i].types);
  free(m->types);
  for (uint32_t i = 0; i < m->nimports; i++) {
    free(m->imports[i].module);
    free(m->imports[i].name);
  }
  free(m->imports);
  free(m->func_type);
  free(m->tables);
  free(m->mems);
  free(m->globals);
  for (uint32_t i = 0; i < m->nexports; i++) free(m->exports[i].name);
  free(m->exports);
  free_segments(m);
  for (uint32_t i = 0; i < m->ncodes; i++) free(m->codes[i].local_types);
  free(m->codes);
  free_names(m);
  for (uint32_t i = 0; i < m->ncustoms; i++) free(m->customs[i].name);
  free(m->customs);
  free(m->func_declared);
  /* Lowered code exists for each defined function once lowering ran. */
  if (m->code) {
    uint32_t ndefined = m->nfuncs - m->nfunc_imports;
    for (uint32_t i = 0; i < ndefined; i++) ip_code_free(m->code[i]);
    free(m->code);
  }
  free(m->bytes);
  free(m);
}
