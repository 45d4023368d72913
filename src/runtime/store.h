/* SPDX-License-Identifier: Apache-2.0 */
/*
** Store ownership helpers for the code that builds instances.
**
** Everything a store owns is registered in one of its arrays and freed by
** wb_store_delete, in this order: instances, functions, tables, memories,
** globals. Each registered object must be a separate heap allocation
** (ut_malloc/ut_calloc): the store frees it with free(). Functions defined
** by a module live in the instance's own_funcs array and are freed with the
** instance, so they are never registered one by one.
*/
#ifndef WB_RUNTIME_STORE_H
#define WB_RUNTIME_STORE_H

#include "runtime/rt.h"

/* Value kinds a value, global or signature may carry (v128 has no slot). */
static inline bool rt_valkind_ok(wb_valkind_t k) {
  return k == WB_I32 || k == WB_I64 || k == WB_F32 || k == WB_F64 || k == WB_FUNCREF ||
         k == WB_EXTERNREF;
}

/* Hands an object to the store, which frees it at deletion. */
void rt_store_add_instance(wb_store_t *store, wb_instance_t *inst);
/* A separately allocated function (host functions); its finalizer runs at
   store deletion. */
void rt_store_add_func(wb_store_t *store, wb_func_t *func);
void rt_store_add_table(wb_store_t *store, wb_table_t *table);
void rt_store_add_memory(wb_store_t *store, wb_memory_t *mem);
void rt_store_add_global(wb_store_t *store, wb_global_t *global);

/* Frees an instance: its pointer arrays (funcs, tables, mems, globals), its
   own_funcs, its element segments' refs, elems, datas and the struct itself.
   The objects the arrays point to belong to the store and are not freed.
   NULL is allowed. Use it to drop a half-built instance that was never
   registered; registered instances are freed by wb_store_delete. */
void rt_instance_free(wb_instance_t *inst);

/* Makes and registers a memory of min pages; NULL or an owned error
   (RESOURCE if address space is short, USAGE if min > max). */
wb_error_t *rt_store_new_memory(wb_store_t *store, uint32_t min, uint32_t max, bool has_max,
                                wb_memory_t **out);
/* Makes and registers a table of elem (WM_FUNCREF/WM_EXTERNREF) with every
   element set to init; NULL if min exceeds RT_MAX_TABLE_SIZE or max. */
wb_table_t *rt_store_new_table(wb_store_t *store, wm_valtype_t elem, uint32_t min, uint32_t max,
                               bool has_max, void *init);
/* Makes and registers a global holding val. */
wb_global_t *rt_store_new_global(wb_store_t *store, wm_valtype_t type, bool mut, rt_slot_t val);

/* Grows a table by delta elements set to init: the old size, or -1 if the
   new size would pass the table's maximum or RT_MAX_TABLE_SIZE. */
int64_t rt_table_grow(wb_table_t *table, uint32_t delta, void *init);

#endif
