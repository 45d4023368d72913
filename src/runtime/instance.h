/* SPDX-License-Identifier: Apache-2.0 */
/*
** Instantiation internals shared by linker.c and instance.c: evaluation of
** WebAssembly 2.0 constant expressions (global initialisers, segment
** offsets, element expressions) and the instantiation step proper.
*/
#ifndef WB_RUNTIME_INSTANCE_H
#define WB_RUNTIME_INSTANCE_H

#include "runtime/rt.h"

/* Evaluates the constant expression e of module m into *out. globals and
   funcs are the instance's index spaces; entries not made yet are NULL and
   naming one is an error. Floats are copied as raw bits (f32 in the low 32
   bits, f64 as u64), references as pointers (NULL for ref.null).
   Returns 0, or -1 if the expression is not a valid constant expression
   (the validator should have rejected it; this is a second line of defence). */
int rt_constexpr_eval(const wm_module_t *m, wm_expr_t e, wb_global_t *const *globals,
                      wb_func_t *const *funcs, rt_slot_t *out);

/* Instantiates module in store with imports[0..nimports), which the linker
   has already resolved and type-checked in import order. Return states as
   wb_linker_instantiate: an owned error with nothing left behind; NULL with
   *trap set when an active segment or the start function trapped (the
   instance is then registered with the store, which keeps its objects
   alive, but *out is NULL); or NULL, *trap NULL and *out the instance. */
wb_error_t *rt_instantiate(wb_store_t *store, const wb_module_t *module,
                           const wb_extern_t *imports, wb_instance_t **out, wb_trap_t **trap);

/* Resolves every import of m from the linker into imports[] (nimports
   entries). Returns NULL, or one owned WB_ERROR_LINK error listing every
   missing or mismatched import. */
wb_error_t *rt_linker_resolve(const wb_linker_t *linker, const wm_module_t *m,
                              wb_extern_t *imports);

/* Building blocks shared with templates (runtime/template.c). */
/* Allocates an instance of module in store with zeroed index spaces. */
wb_instance_t *rt_instance_alloc(wb_store_t *store, const wb_module_t *module);
/* Fills own_funcs and the defined part of the function index space. */
void rt_instance_init_funcs(wb_instance_t *inst);
/* Frees an unregistered instance with the memories, tables and globals it
   defined. */
void rt_instance_discard(wb_instance_t *inst);
/* Hands an instance and the objects it defined to its store. */
void rt_instance_register(wb_instance_t *inst);

#endif
