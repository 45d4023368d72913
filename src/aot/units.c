/* SPDX-License-Identifier: Apache-2.0 */
/*
** Putting a translated module together: its functions in one or more C
** files (units), the thunks and the descriptor.
**
** Only functions that can run are translated: those with a thunk (see
** aot_desc) and, transitively, those they call directly.
**
** A small module is one file with every function static, so the C
** compiler sees the whole call graph (it inlines across wasm functions).
** One compiler process would take long on a large one (about 45 s for
** 1 MiB of wasm code), so its functions are cut, in index order, into
** units of about aot_unit_bytes() of C, which compile.c compiles in
** parallel and links; unit 0 then holds only the descriptor. A function
** called from another unit is AOT_SHARED (external but hidden: calls to
** it are direct, no relocation); the others stay static. Each function's
** thunk is in its unit, and each unit has a function that stores its
** thunks in the table the descriptor's thunks_ fills. The cut depends on
** nothing but the module (never on the machine), so one cache key always
** names the same object.
*/
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "aot/emit.h"

/* One translated function. */
typedef struct fn {
  ut_str_t body;
  uint32_t *calls; /* defined functions it calls (function indices) */
  uint32_t ncalls;
  uint32_t unit; /* DEAD: never runs, not translated */
  bool shared;   /* needed outside its unit */
} fn_t;

#define DEAD UINT32_MAX

/* True when f can be entered other than by a direct call from this
   module's code: it needs a thunk (see aot_desc). */
static bool enterable(const wm_module_t *m, uint32_t f) {
  return !m->func_declared || m->func_declared[f] || (m->has_start && m->start == f);
}

/* {====================== Thunks and the descriptor ======================} */

static void emit_thunk(ut_str_t *out, const wm_module_t *m, uint32_t f) {
  const wm_functype_t *t = wm_func_type(m, f);
  ut_str_printf(out, "static void t%u(aot_ctx *c, uint64_t *sp) {\n", f);
  if (t->nresults > 1) ut_str_printf(out, "uint64_t r_[%u];\n", t->nresults);
  if (t->nresults == 1) ut_str_printf(out, "%s r_ = ", em_ct(wm_result(t, 0)));
  ut_str_printf(out, "f%u(c", f);
  for (uint32_t i = 0; i < t->nparams; i++) {
    switch (t->types[i]) {
    case WM_I32: ut_str_printf(out, ", (uint32_t)sp[%u]", i); break;
    case WM_I64: ut_str_printf(out, ", sp[%u]", i); break;
    case WM_F32: ut_str_printf(out, ", aot_f32b((uint32_t)sp[%u])", i); break;
    case WM_F64: ut_str_printf(out, ", aot_f64b(sp[%u])", i); break;
    default: ut_str_printf(out, ", (void *)(uintptr_t)sp[%u]", i); break;
    }
  }
  ut_str_printf(out, "%s);\n", t->nresults > 1 ? ", r_" : "");
  if (t->nresults > 1) ut_str_printf(out, "memcpy(sp, r_, sizeof r_);\n");
  if (t->nresults == 1) {
    switch (wm_result(t, 0)) {
    case WM_I32: ut_str_printf(out, "sp[0] = (uint64_t)r_;\n"); break;
    case WM_I64: ut_str_printf(out, "sp[0] = r_;\n"); break;
    case WM_F32: ut_str_printf(out, "sp[0] = aot_bf32(r_);\n"); break;
    case WM_F64: ut_str_printf(out, "sp[0] = aot_bf64(r_);\n"); break;
    default: ut_str_printf(out, "sp[0] = (uint64_t)(uintptr_t)r_;\n"); break;
    }
  }
  ut_str_printf(out, "}\n");
}

/* Thunks per function that fills them in (see thunk_fillers). */
#define AOT_FILL_CHUNK 256

/* The thunks of unit u's enterable functions and `fill` (linkage given),
   which stores them and the typed functions in the descriptor's tables. The stores are spread over
   noinline functions of AOT_FILL_CHUNK each: one basic block of thousands
   of stores takes the compiler's instruction scheduler seconds. */
static void thunk_fillers(ut_str_t *out, const wm_module_t *m, const fn_t *fns, uint32_t u,
                          const char *linkage, const char *fill) {
  for (uint32_t i = 0; i < m->ncodes; i++)
    if (fns[i].unit == u && enterable(m, m->nfunc_imports + i))
      emit_thunk(out, m, m->nfunc_imports + i);
  uint32_t nchunks = 0, in_chunk = 0;
  for (uint32_t i = 0; i < m->ncodes; i++) {
    uint32_t f = m->nfunc_imports + i;
    if (fns[i].unit != u || !enterable(m, f)) continue;
    if (in_chunk == 0)
      ut_str_printf(out,
                    "__attribute__((noinline)) static void %s_%u(aot_thunk_t *t, aot_fn_t *d) "
                    "{\n",
                    fill, nchunks++);
    ut_str_printf(out, "t[%u] = t%u; d[%u] = (aot_fn_t)f%u;\n", i, f, i, f);
    if (++in_chunk == AOT_FILL_CHUNK) in_chunk = 0;
    if (in_chunk == 0) ut_str_printf(out, "}\n");
  }
  if (in_chunk) ut_str_printf(out, "}\n");
  ut_str_printf(out, "%svoid %s(aot_thunk_t *t, aot_fn_t *d) {\n", linkage, fill);
  for (uint32_t k = 0; k < nchunks; k++) ut_str_printf(out, "%s_%u(t, d);\n", fill, k);
  ut_str_printf(out, "}\n");
}

/* The descriptor; its thunks_ calls the fill function of every unit. */
static void emit_desc(ut_str_t *out, const wm_module_t *m, const uint8_t key[32],
                      uint32_t units) {
  for (uint32_t u = 1; u <= units; u++)
    ut_str_printf(out, "AOT_SHARED void thunks_u%u(aot_thunk_t *t, aot_fn_t *d);\n", u);
  ut_str_printf(out, "static void thunks_(aot_thunk_t *t, aot_fn_t *d) {\n");
  if (units == 0) ut_str_printf(out, "thunks_u0(t, d);\n");
  for (uint32_t u = 1; u <= units; u++) ut_str_printf(out, "thunks_u%u(t, d);\n", u);
  ut_str_printf(out, "}\n__attribute__((visibility(\"default\"))) const aot_desc "
                     "wasmbox_aot_module = {AOT_ABI_VERSION, %uu, {",
                m->ncodes);
  for (int i = 0; i < 32; i++) ut_str_printf(out, "%u,", key[i]);
  ut_str_printf(out, "}, thunks_};\n");
}

/* {====================== Units ======================} */

static size_t unit_bytes = AOT_UNIT_BYTES;
static pthread_once_t unit_once = PTHREAD_ONCE_INIT;

static void unit_read(void) {
  const char *env = getenv("WASMBOX_AOT_UNIT_BYTES");
  if (env && *env && strtoull(env, NULL, 10) > 0) unit_bytes = (size_t)strtoull(env, NULL, 10);
}

size_t aot_unit_bytes(void) {
  pthread_once(&unit_once, unit_read);
  return unit_bytes;
}

/* Cuts the functions into units 1..n of about aot_unit_bytes() of C each;
   returns n, or 0 (every unit 0) when the module fits in one. */
static uint32_t partition(fn_t *fns, uint32_t n) {
  size_t total = 0, limit = aot_unit_bytes();
  for (uint32_t i = 0; i < n; i++) total += fns[i].body.len;
  if (total <= limit) return 0;
  uint32_t units = 1;
  size_t size = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (fns[i].unit == DEAD) continue;
    if (size && size + fns[i].body.len > limit) {
      units++;
      size = 0;
    }
    fns[i].unit = units;
    size += fns[i].body.len;
  }
  return units;
}

/* Marks the functions called from outside their own unit. */
static void mark_shared(const wm_module_t *m, fn_t *fns) {
  for (uint32_t i = 0; i < m->ncodes; i++) { /* the dead have no calls */
    for (uint32_t k = 0; k < fns[i].ncalls; k++) {
      fn_t *callee = &fns[fns[i].calls[k] - m->nfunc_imports];
      if (callee->unit != fns[i].unit) callee->shared = true;
    }
  }
}

static void declare(ut_str_t *out, const wm_module_t *m, const fn_t *fns, uint32_t ci) {
  em_signature(out, m, m->nfunc_imports + ci, fns[ci].shared ? "AOT_SHARED " : "static ");
  ut_str_printf(out, ";\n");
}

/* Unit u: its functions, after declarations of them and of the functions
   of other units they call (seen[]: scratch, one per function). */
static void emit_unit(ut_str_t *out, const wm_module_t *m, const fn_t *fns, uint32_t u,
                      uint32_t *seen) {
  ut_str_printf(out, "%s", aot_prelude());
  for (uint32_t i = 0; i < m->ncodes; i++) {
    if (fns[i].unit != u) continue;
    declare(out, m, fns, i);
    for (uint32_t k = 0; k < fns[i].ncalls; k++) {
      uint32_t c = fns[i].calls[k] - m->nfunc_imports;
      if (fns[c].unit != u && seen[c] != u + 1) declare(out, m, fns, c);
      seen[c] = u + 1;
    }
  }
  for (uint32_t i = 0; i < m->ncodes; i++) {
    if (fns[i].unit != u) continue;
    em_signature(out, m, m->nfunc_imports + i, fns[i].shared ? "AOT_SHARED " : "static ");
    ut_str_printf(out, "%s", fns[i].body.s);
  }
  char fill[32];
  snprintf(fill, sizeof fill, "thunks_u%u", u);
  thunk_fillers(out, m, fns, u, u == 0 ? "static " : "AOT_SHARED ", fill);
}

/* Translates the functions that can run: the enterable ones and those they
   call, transitively. The others (no thunk, no caller that runs) keep
   unit DEAD; the C compiler would drop them anyway, at a cost. */
static void translate_live(const wm_module_t *m, fn_t *fns) {
  uint32_t *todo = ut_calloc((size_t)m->ncodes + 1, sizeof *todo), n = 0;
  for (uint32_t i = 0; i < m->ncodes; i++) {
    fns[i].unit = enterable(m, m->nfunc_imports + i) ? 0 : DEAD;
    if (fns[i].unit == 0) todo[n++] = i;
  }
  while (n) {
    uint32_t i = todo[--n];
    em_func(m, i, &fns[i].body, &fns[i].calls, &fns[i].ncalls);
    for (uint32_t k = 0; k < fns[i].ncalls; k++) {
      uint32_t c = fns[i].calls[k] - m->nfunc_imports;
      if (fns[c].unit == DEAD) {
        fns[c].unit = 0;
        todo[n++] = c;
      }
    }
  }
  free(todo);
}

void aot_emit_module(const wm_module_t *m, const uint8_t key[32], aot_csrc_t *out) {
  fn_t *fns = ut_calloc((size_t)m->ncodes + 1, sizeof *fns);
  translate_live(m, fns);
  uint32_t units = partition(fns, m->ncodes);
  mark_shared(m, fns);
  out->n = units + 1;
  out->units = ut_calloc(out->n, sizeof *out->units);
  uint32_t *seen = ut_calloc((size_t)m->ncodes + 1, sizeof *seen);
  for (uint32_t u = 1; u <= units; u++) emit_unit(&out->units[u], m, fns, u, seen);
  /* Unit 0: everything when the module is small, else the descriptor. */
  if (units == 0) emit_unit(&out->units[0], m, fns, 0, seen);
  else ut_str_printf(&out->units[0], "%s", aot_prelude());
  emit_desc(&out->units[0], m, key, units);
  for (uint32_t i = 0; i < m->ncodes; i++) {
    free(fns[i].body.s);
    free(fns[i].calls);
  }
  free(fns);
  free(seen);
}

void aot_csrc_free(aot_csrc_t *s) {
  for (uint32_t i = 0; i < s->n; i++) free(s->units[i].s);
  free(s->units);
  s->units = NULL;
  s->n = 0;
}
