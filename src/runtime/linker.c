/* SPDX-License-Identifier: Apache-2.0 */
/*
** The linker: a map from (module, name) to an extern of the store, used to
** resolve a module's imports before instantiation.
**
** Resolution reports every problem at once, one line each, in the spec's
** wording ("unknown import", "incompatible import type") followed by the
** names and, for mismatches, both types spelled out, so the host can fix
** all of its definitions in one go. Matching follows WebAssembly 2.0 import
** subtyping: equal function types and global types; tables and memories
** match when the definition's current size and declared maximum fit
** inside the import's limits.
*/
#include <stdlib.h>
#include <string.h>

#include "runtime/instance.h"

/* {====================== The name map ======================} */

typedef struct lk_entry {
  char *module, *name; /* owned copies */
  size_t module_len, name_len;
  uint64_t hash;
  wb_extern_t item;
  struct lk_entry *next; /* bucket chain */
} lk_entry_t;

struct wb_linker {
  wb_store_t *store;
  lk_entry_t **buckets; /* nbuckets is a power of two */
  uint32_t nbuckets, count;
};

/* FNV-1a over module, a separator the names cannot make ambiguous (the
   length), and name. */
static uint64_t lk_hash(const char *mod, size_t mlen, const char *name, size_t nlen) {
  uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < mlen; i++) h = (h ^ (uint8_t)mod[i]) * 1099511628211ull;
  h = (h ^ (uint64_t)mlen) * 1099511628211ull;
  for (size_t i = 0; i < nlen; i++) h = (h ^ (uint8_t)name[i]) * 1099511628211ull;
  return h;
}

static lk_entry_t *lk_find(const wb_linker_t *l, const char *mod, size_t mlen, const char *name,
                           size_t nlen) {
  uint64_t h = lk_hash(mod, mlen, name, nlen);
  for (lk_entry_t *e = l->buckets[h & (l->nbuckets - 1)]; e; e = e->next) {
    if (e->hash == h && e->module_len == mlen && e->name_len == nlen &&
        memcmp(e->module, mod, mlen) == 0 && memcmp(e->name, name, nlen) == 0)
      return e;
  }
  return NULL;
}

/* Doubles the bucket array, keeping the load factor at most 1. */
static void lk_rehash(wb_linker_t *l) {
  uint32_t n = l->nbuckets * 2;
  lk_entry_t **b = ut_calloc(n, sizeof *b);
  for (uint32_t i = 0; i < l->nbuckets; i++) {
    for (lk_entry_t *e = l->buckets[i], *next; e; e = next) {
      next = e->next;
      e->next = b[e->hash & (n - 1)];
      b[e->hash & (n - 1)] = e;
    }
  }
  free(l->buckets);
  l->buckets = b;
  l->nbuckets = n;
}

/* Defines (or redefines) mod.name; the names are copied. */
static void lk_put(wb_linker_t *l, const char *mod, size_t mlen, const char *name, size_t nlen,
                   wb_extern_t item) {
  lk_entry_t *e = lk_find(l, mod, mlen, name, nlen);
  if (e) {
    e->item = item;
    return;
  }
  if (l->count >= l->nbuckets) lk_rehash(l);
  e = ut_calloc(1, sizeof *e);
  e->module = ut_strndup(mod, mlen);
  e->module_len = mlen;
  e->name = ut_strndup(name, nlen);
  e->name_len = nlen;
  e->hash = lk_hash(mod, mlen, name, nlen);
  e->item = item;
  e->next = l->buckets[e->hash & (l->nbuckets - 1)];
  l->buckets[e->hash & (l->nbuckets - 1)] = e;
  l->count++;
}

wb_linker_t *wb_linker_new(wb_store_t *store) {
  wb_linker_t *l = ut_calloc(1, sizeof *l);
  l->store = store;
  l->nbuckets = 16;
  l->buckets = ut_calloc(l->nbuckets, sizeof *l->buckets);
  return l;
}

void wb_linker_delete(wb_linker_t *linker) {
  if (!linker) return;
  for (uint32_t i = 0; i < linker->nbuckets; i++) {
    for (lk_entry_t *e = linker->buckets[i], *next; e; e = next) {
      next = e->next;
      free(e->module);
      free(e->name);
      free(e);
    }
  }
  free(linker->buckets);
  free(linker);
}

/* {====================== Definitions ======================} */

/* True when item names an object of its kind. */
static bool extern_ok(wb_extern_t item) {
  switch (item.kind) {
  case WB_EXTERN_FUNC: return item.of.func != NULL;
  case WB_EXTERN_TABLE: return item.of.table != NULL;
  case WB_EXTERN_MEMORY: return item.of.memory != NULL;
  case WB_EXTERN_GLOBAL: return item.of.global != NULL;
  }
  return false;
}

wb_error_t *wb_linker_define(wb_linker_t *linker, const char *module, const char *name,
                             wb_extern_t item) {
  if (!linker || !module || !name)
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "wb_linker_define: NULL argument");
  if (!extern_ok(item))
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "wb_linker_define: bad extern for %s.%s",
                        module, name);
  lk_put(linker, module, strlen(module), name, strlen(name), item);
  return NULL;
}

wb_error_t *wb_linker_define_func(wb_linker_t *linker, const char *module, const char *name,
                                  const wb_functype_t *type, wb_func_callback_t cb, void *env,
                                  void (*finalizer)(void *env)) {
  if (!linker || !module || !name || !type || !cb)
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "wb_linker_define_func: NULL argument");
  wb_extern_t item = {.kind = WB_EXTERN_FUNC};
  item.of.func = wb_func_new(linker->store, type, cb, env, finalizer);
  return wb_linker_define(linker, module, name, item);
}

wb_error_t *wb_linker_define_instance(wb_linker_t *linker, const char *module,
                                      wb_instance_t *instance) {
  if (!linker || !module || !instance)
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "wb_linker_define_instance: NULL argument");
  const wm_module_t *m = instance->m;
  size_t mlen = strlen(module);
  for (uint32_t i = 0; i < m->nexports; i++) {
    const wm_export_t *ex = &m->exports[i];
    wb_extern_t item;
    if (!wb_instance_export_get(instance, ex->name, ex->name_len, &item)) continue;
    lk_put(linker, module, mlen, ex->name, ex->name_len, item);
  }
  return NULL;
}

/* {====================== Extern types ======================} */

/* The type of an import or of a definition, in one shape for comparison
   and printing. For tables and memories min is the current size of a
   definition; max is the declared maximum. */
typedef struct lk_type {
  wb_externkind_t kind;
  const wm_functype_t *func;
  wm_valtype_t val; /* global value type or table element type */
  bool mut;
  uint32_t min, max;
  bool has_max;
} lk_type_t;

static lk_type_t type_of_import(const wm_module_t *m, const wm_import_t *imp) {
  lk_type_t t = {.kind = imp->kind};
  switch (imp->kind) {
  case WB_EXTERN_FUNC: t.func = imp->type_idx < m->ntypes ? &m->types[imp->type_idx] : NULL; break;
  case WB_EXTERN_TABLE:
    t.val = imp->table.elem;
    t.min = imp->table.lim.min, t.max = imp->table.lim.max, t.has_max = imp->table.lim.has_max;
    break;
  case WB_EXTERN_MEMORY: t.min = imp->mem.min, t.max = imp->mem.max, t.has_max = imp->mem.has_max; break;
  case WB_EXTERN_GLOBAL: t.val = imp->global.type, t.mut = imp->global.mut; break;
  }
  return t;
}

static lk_type_t type_of_extern(wb_extern_t x) {
  lk_type_t t = {.kind = x.kind};
  switch (x.kind) {
  case WB_EXTERN_FUNC: t.func = x.of.func->type; break;
  case WB_EXTERN_TABLE:
    t.val = x.of.table->elem;
    t.min = x.of.table->size, t.max = x.of.table->max, t.has_max = x.of.table->has_max;
    break;
  case WB_EXTERN_MEMORY:
    t.min = x.of.memory->pages, t.max = x.of.memory->decl_max, t.has_max = x.of.memory->has_max;
    break;
  case WB_EXTERN_GLOBAL: t.val = x.of.global->type, t.mut = x.of.global->mut; break;
  }
  return t;
}

/* Limits subtyping: actual fits inside expected. */
static bool limits_match(const lk_type_t *want, const lk_type_t *got) {
  if (got->min < want->min) return false;
  return !want->has_max || (got->has_max && got->max <= want->max);
}

static bool type_match(const lk_type_t *want, const lk_type_t *got) {
  if (want->kind != got->kind) return false;
  switch (want->kind) {
  case WB_EXTERN_FUNC: return want->func && got->func && want->func->id == got->func->id;
  case WB_EXTERN_TABLE: return want->val == got->val && limits_match(want, got);
  case WB_EXTERN_MEMORY: return limits_match(want, got);
  case WB_EXTERN_GLOBAL: return want->val == got->val && want->mut == got->mut;
  }
  return false;
}

static const char *valtype_name(wm_valtype_t t) {
  switch (t) {
  case WM_I32: return "i32";
  case WM_I64: return "i64";
  case WM_F32: return "f32";
  case WM_F64: return "f64";
  case WM_V128: return "v128";
  case WM_FUNCREF: return "funcref";
  case WM_EXTERNREF: return "externref";
  default: return "?";
  }
}

static void print_valtypes(ut_str_t *b, const wm_valtype_t *v, uint32_t n) {
  ut_str_printf(b, "(");
  for (uint32_t i = 0; i < n; i++) ut_str_printf(b, "%s%s", i ? ", " : "", valtype_name(v[i]));
  ut_str_printf(b, ")");
}

static void print_limits(ut_str_t *b, const lk_type_t *t) {
  if (t->has_max)
    ut_str_printf(b, "%u..%u", t->min, t->max);
  else
    ut_str_printf(b, "%u..", t->min);
}

/* Prints a type readably: "func (i32, i64) -> (f32)", "global mut i32",
   "memory 1..2 pages", "table funcref 10..20" ("1.." when unbounded). */
static void print_type(ut_str_t *b, const lk_type_t *t) {
  switch (t->kind) {
  case WB_EXTERN_FUNC:
    ut_str_printf(b, "func ");
    if (!t->func) {
      ut_str_printf(b, "?");
      break;
    }
    print_valtypes(b, t->func->types, t->func->nparams);
    ut_str_printf(b, " -> ");
    print_valtypes(b, t->func->types + t->func->nparams, t->func->nresults);
    break;
  case WB_EXTERN_TABLE:
    ut_str_printf(b, "table %s ", valtype_name(t->val));
    print_limits(b, t);
    break;
  case WB_EXTERN_MEMORY:
    ut_str_printf(b, "memory ");
    print_limits(b, t);
    ut_str_printf(b, " pages");
    break;
  case WB_EXTERN_GLOBAL:
    ut_str_printf(b, "global %s%s", t->mut ? "mut " : "", valtype_name(t->val));
    break;
  }
}

/* {====================== Resolution ======================} */

/* Prints a name, escaping bytes that would garble a one-line message. */
static void print_name(ut_str_t *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint8_t c = (uint8_t)s[i];
    if (c < 0x20 || c == 0x7F)
      ut_str_printf(b, "\\%02x", c);
    else
      ut_str_printf(b, "%c", c);
  }
}

/* Starts one problem line: "<what>: `mod`.`name`". */
static void problem(ut_str_t *b, const char *what, const wm_import_t *imp) {
  ut_str_printf(b, "%s%s: `", b->len ? "\n" : "", what);
  print_name(b, imp->module, imp->module_len);
  ut_str_printf(b, "`.`");
  print_name(b, imp->name, imp->name_len);
  ut_str_printf(b, "`");
}

wb_error_t *rt_linker_resolve(const wb_linker_t *l, const wm_module_t *m, wb_extern_t *imports) {
  ut_str_t msg = {0};
  for (uint32_t i = 0; i < m->nimports; i++) {
    const wm_import_t *imp = &m->imports[i];
    const lk_entry_t *e = lk_find(l, imp->module, imp->module_len, imp->name, imp->name_len);
    if (!e) {
      problem(&msg, "unknown import", imp);
      continue;
    }
    lk_type_t want = type_of_import(m, imp), got = type_of_extern(e->item);
    if (!type_match(&want, &got)) {
      problem(&msg, "incompatible import type", imp);
      ut_str_printf(&msg, " (expected ");
      print_type(&msg, &want);
      ut_str_printf(&msg, ", got ");
      print_type(&msg, &got);
      ut_str_printf(&msg, ")");
      continue;
    }
    imports[i] = e->item;
  }
  if (!msg.len) return NULL;
  wb_error_t *err = ut_error_new(WB_ERROR_LINK, SIZE_MAX, "%s", msg.s);
  free(msg.s);
  return err;
}

wb_error_t *wb_linker_instantiate(wb_linker_t *linker, const wb_module_t *module,
                                  wb_instance_t **out, wb_trap_t **trap) {
  if (out) *out = NULL;
  if (trap) *trap = NULL;
  if (!linker || !linker->store || !module || !out || !trap)
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "wb_linker_instantiate: NULL argument");
  /* Type ids are only comparable within one engine. */
  if (module->engine != linker->store->engine)
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX,
                        "wb_linker_instantiate: module and store use different engines");
  const wm_module_t *m = module->m;
  wb_extern_t *imports = ut_calloc(m->nimports, sizeof *imports);
  wb_error_t *err = rt_linker_resolve(linker, m, imports);
  if (!err) err = rt_instantiate(linker->store, module, imports, out, trap);
  free(imports);
  return err;
}
