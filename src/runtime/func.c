/* SPDX-License-Identifier: Apache-2.0 */
/*
** Host functions and calls from the host into functions.
**
** wb_func_call is the boundary between tagged wb_val_t values and the
** interpreter's untagged slots: everything is checked here, once, so the
** engine below can trust argument counts and kinds.
*/
#include <stdlib.h>
#include <string.h>

#include "runtime/rt.h"
#include "runtime/store.h"

/* The type is interned, so f->type is the engine's canonical copy and
   f->type->id can be compared with a module's type ids. */
wb_func_t *wb_func_new(wb_store_t *store, const wb_functype_t *type, wb_func_callback_t cb,
                       void *env, void (*finalizer)(void *env)) {
  if (!store || !type || !cb) return NULL;
  wb_func_t *f = ut_calloc(1, sizeof *f);
  f->type = rt_engine_intern(store->engine, type);
  f->index = UINT32_MAX;
  f->cb = cb;
  f->env = env;
  f->finalizer = finalizer;
  f->store = store;
  rt_store_add_func(store, f);
  return f;
}

const wb_functype_t *wb_func_type(const wb_func_t *func) { return func->type; }

/* {====================== Calls ======================} */

/* Appends "(k1, k2, ...)" to b. */
static void kinds_printf(ut_str_t *b, const wm_valtype_t *kinds, size_t n) {
  ut_str_printf(b, "(");
  for (size_t i = 0; i < n; i++)
    ut_str_printf(b, "%s%s", i ? ", " : "", wb_valkind_name((wb_valkind_t)kinds[i]));
  ut_str_printf(b, ")");
}

static void vals_printf(ut_str_t *b, const wb_val_t *vals, size_t n) {
  ut_str_printf(b, "(");
  for (size_t i = 0; i < n; i++)
    ut_str_printf(b, "%s%s", i ? ", " : "", vals ? wb_valkind_name(vals[i].kind) : "?");
  ut_str_printf(b, ")");
}

/* A usage error naming the function's signature and what was passed. */
static wb_error_t *signature_error(const wm_functype_t *t, const wb_val_t *args, size_t nargs,
                                   size_t nresults) {
  ut_str_t b = {0};
  ut_str_printf(&b, "wb_func_call: function type is ");
  kinds_printf(&b, t->types, t->nparams);
  ut_str_printf(&b, " -> ");
  kinds_printf(&b, t->types + t->nparams, t->nresults);
  ut_str_printf(&b, ", called with arguments ");
  vals_printf(&b, args, nargs);
  ut_str_printf(&b, " and %zu result%s", nresults, nresults == 1 ? "" : "s");
  wb_error_t *e = ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "%s", b.s);
  free(b.s);
  return e;
}

/* NULL if the call matches func's type, else an owned usage error. */
static wb_error_t *check_call(wb_store_t *store, const wb_func_t *func, const wb_val_t *args,
                              size_t nargs, const wb_val_t *results, size_t nresults,
                              wb_trap_t **trap) {
  if (!store || !func || !trap)
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX, "wb_func_call: NULL store, function or trap");
  if (func->store != store)
    return ut_error_new(WB_ERROR_USAGE, SIZE_MAX,
                        "wb_func_call: the function belongs to another store");
  const wm_functype_t *t = func->type;
  bool ok = nargs == t->nparams && nresults == t->nresults && (args || !nargs) &&
            (results || !nresults);
  for (size_t i = 0; ok && i < nargs; i++) ok = args[i].kind == (wb_valkind_t)wm_param(t, (uint32_t)i);
  return ok ? NULL : signature_error(t, nargs ? args : NULL, nargs, nresults);
}

/* Re-entrant: a host callback may call again; the new call's slots start at
   ex->sp, which rt_call_host moved above the callback's own values. */
wb_error_t *wb_func_call(wb_store_t *store, wb_func_t *func, const wb_val_t *args, size_t nargs,
                         wb_val_t *results, size_t nresults, wb_trap_t **trap) {
  wb_error_t *err = check_call(store, func, args, nargs, results, nresults, trap);
  if (err) {
    if (trap) *trap = NULL;
    return err;
  }
  rt_exec_t *ex = &store->exec;
  const wm_functype_t *t = func->type;
  size_t need = t->nparams > t->nresults ? t->nparams : t->nresults;
  rt_slot_t *sp = ex->sp;
  if (sp > ex->stack_end || (size_t)(ex->stack_end - sp) < need) {
    *trap = wb_trap_new(WB_TRAP_STACK_EXHAUSTED, NULL);
    return NULL;
  }
  for (size_t i = 0; i < nargs; i++) sp[i] = rt_slot_from_val(args[i]);
  int code = rt_invoke(ex, func, sp);
  if (code) {
    *trap = rt_trap_from_exec(ex, code);
    ex->ntrace = 0;
    return NULL;
  }
  for (uint32_t i = 0; i < t->nresults; i++) results[i] = rt_val_from_slot(wm_result(t, i), sp[i]);
  *trap = NULL;
  return NULL;
}
