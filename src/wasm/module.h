/* SPDX-License-Identifier: Apache-2.0 */
/*
** The decoded module: what the decoder produces from the binary, what the
** validator checks and annotates (lowered code per function), and what the
** runtime instantiates. Index spaces (functions, tables, memories, globals)
** put imports first, as in the spec. Everything is owned by the module and
** freed by wm_module_free; the module keeps its own copy of the bytes, and
** byte ranges (code bodies, constant expressions, data) point into it.
*/
#ifndef WB_WASM_MODULE_H
#define WB_WASM_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasmbox.h"

/* Value types use their binary encoding (see wb_valkind_t). */
typedef uint8_t wm_valtype_t;
#define WM_I32 0x7F
#define WM_I64 0x7E
#define WM_F32 0x7D
#define WM_F64 0x7C
#define WM_V128 0x7B
#define WM_FUNCREF 0x70
#define WM_EXTERNREF 0x6F

static inline bool wm_is_ref(wm_valtype_t t) { return t == WM_FUNCREF || t == WM_EXTERNREF; }

/* Function type: params then results in types[]. id is the engine-wide
   canonical index (equal ids <=> equal signatures), set at module creation. */
struct wb_functype {
  uint32_t nparams, nresults;
  uint32_t id;
  wm_valtype_t *types;
};
typedef struct wb_functype wm_functype_t;

static inline wm_valtype_t wm_param(const wm_functype_t *t, uint32_t i) { return t->types[i]; }
static inline wm_valtype_t wm_result(const wm_functype_t *t, uint32_t i) {
  return t->types[t->nparams + i];
}

typedef struct wm_limits {
  uint32_t min, max;
  bool has_max;
} wm_limits_t;

typedef struct wm_tabletype {
  wm_valtype_t elem; /* WM_FUNCREF or WM_EXTERNREF */
  wm_limits_t lim;
} wm_tabletype_t;

typedef struct wm_globaltype {
  wm_valtype_t type;
  bool mut;
} wm_globaltype_t;

/* A constant expression: its bytes (instructions up to and including the
   final `end`) in the module's copy of the binary. */
typedef struct wm_expr {
  uint32_t offset; /* into wm_module_t.bytes */
  uint32_t len;
} wm_expr_t;

typedef struct wm_import {
  char *module, *name; /* NUL-terminated copies (names may hold NUL too) */
  uint32_t module_len, name_len;
  wb_externkind_t kind;
  uint32_t type_idx;           /* functions */
  wm_tabletype_t table;        /* tables */
  wm_limits_t mem;             /* memories */
  wm_globaltype_t global;      /* globals */
} wm_import_t;

typedef struct wm_export {
  char *name;
  uint32_t name_len;
  wb_externkind_t kind;
  uint32_t index;
} wm_export_t;

typedef struct wm_global {
  wm_globaltype_t type;
  wm_expr_t init; /* unused for imports */
} wm_global_t;

typedef enum wm_segmode { WM_SEG_ACTIVE, WM_SEG_PASSIVE, WM_SEG_DECLARATIVE } wm_segmode_t;

/* Element segment: either a vector of function indices (funcs) or of
   constant expressions (exprs), exactly one non-NULL unless count == 0. */
typedef struct wm_elem {
  wm_segmode_t mode;
  wm_valtype_t type; /* element type */
  uint32_t table;    /* active only */
  wm_expr_t offset;  /* active only */
  uint32_t count;
  uint32_t *funcs;
  wm_expr_t *exprs;
} wm_elem_t;

typedef struct wm_data {
  wm_segmode_t mode; /* ACTIVE or PASSIVE */
  uint32_t mem;
  wm_expr_t offset;
  uint32_t data_offset; /* into wm_module_t.bytes */
  uint32_t len;
} wm_data_t;

/* One defined function's body. Locals are expanded: local_types holds the
   declared locals only (params come from the type). */
typedef struct wm_code {
  uint32_t body_offset; /* first byte of the whole entry (after its size) */
  uint32_t expr_offset; /* first instruction */
  uint32_t end_offset;  /* one past the final `end` */
  uint32_t nlocals;
  wm_valtype_t *local_types;
} wm_code_t;

/* Names from the "name" custom section; NULL where absent. */
typedef struct wm_names {
  char *module;
  char **funcs; /* nfuncs entries */
  /* local names: per function, an array indexed by local index (or NULL) */
  char ***locals;
  uint32_t *nlocal_names;
} wm_names_t;

typedef struct wm_custom {
  char *name;
  uint32_t name_len;
  uint32_t offset, len; /* payload in bytes */
} wm_custom_t;

struct ip_code; /* lowered code, see interp/code.h */

typedef struct wm_module {
  uint8_t *bytes;
  size_t len;

  wm_functype_t *types;
  uint32_t ntypes;

  wm_import_t *imports;
  uint32_t nimports;
  uint32_t nfunc_imports, ntable_imports, nmem_imports, nglobal_imports;

  uint32_t nfuncs;     /* imports + defined */
  uint32_t *func_type; /* type index per function */

  wm_tabletype_t *tables; /* imports + defined */
  uint32_t ntables;
  wm_limits_t *mems;
  uint32_t nmems;
  wm_global_t *globals;
  uint32_t nglobals;

  wm_export_t *exports;
  uint32_t nexports;

  bool has_start;
  uint32_t start;

  wm_elem_t *elems;
  uint32_t nelems;
  wm_data_t *datas;
  uint32_t ndatas;
  bool has_datacount;
  uint32_t datacount;

  wm_code_t *codes; /* nfuncs - nfunc_imports entries */
  uint32_t ncodes;

  wm_names_t names;
  wm_custom_t *customs;
  uint32_t ncustoms;

  /* Set by validation: functions that ref.func may name (declared in an
     element segment, export or global initialiser). nfuncs entries. */
  bool *func_declared;
  /* Set by lowering: one per defined function. */
  struct ip_code **code;
} wm_module_t;

static inline const wm_functype_t *wm_func_type(const wm_module_t *m, uint32_t f) {
  return &m->types[m->func_type[f]];
}

/* Frees everything the module owns, then the module itself. NULL is allowed. */
void wm_module_free(wm_module_t *m);

#endif
